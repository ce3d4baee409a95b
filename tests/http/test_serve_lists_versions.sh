# The list-version routes: POST /v1/lists/update (admin) fetches from a loopback feed server
# (tests/lists_feed_server.py) into versions; a refused download answers 200 with the refusal
# and leaves the version in force; GET /v1/lists/versions lists them; GET /v1/lists/diff reports
# the derived change exactly; roles, missing parameters and unknown versions are 4xx.
. "$XGATE_TESTS/http/lib_http.sh"

mkdir -p "$TMP/root"
cp "$SHARED"/data/lists/ofac_cons_2025-12/cons_{prim,alt,add}.csv "$TMP/root/"
python3 "$XGATE_TESTS/lists_feed_server.py" "$TMP/root" "$TMP/feed-port" "$TMP/feed.log" 30 &
FEED=$!
trap 'kill $FEED 2>/dev/null; stop_server; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do [ -s "$TMP/feed-port" ] && break; sleep 0.1; done
[ -s "$TMP/feed-port" ] || fail "the feed server did not write its port file"
FEED_BASE=http://127.0.0.1:$(cat "$TMP/feed-port")
SPEC="ofac_cons=$FEED_BASE/files/cons_prim.csv,$FEED_BASE/files/cons_alt.csv,$FEED_BASE/files/cons_add.csv"
export XGATE_STATE_DIR="$TMP/state"
start_server --list "$XGATE_DATA/lists/csl_sample.csv"

req POST /v1/lists/update "$ANALYST" "{\"sources\": [\"$SPEC\"]}"
assert_code 403
req POST /v1/lists/update "$ADMIN" '{"sources": ["no url"]}'
assert_code 400
req POST /v1/lists/update "$ADMIN" "{\"sources\": [\"$SPEC\"]}"
assert_code 200
assert_json 'd["results"][0]["status"] == "new" and d["results"][0]["entries"] == 442'
V1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["version"])' "$TMP/out")

# version 2: entry 9641 removed
python3 - "$TMP/root/cons_prim.csv" <<'PY'
import sys
p = sys.argv[1]
lines = open(p, "rb").read().split(b"\r\n")
open(p, "wb").write(b"\r\n".join(l for l in lines if not l.startswith(b"9641,")))
PY
for f in cons_alt.csv cons_add.csv; do
  python3 - "$TMP/root/$f" <<'PY'
import sys
p = sys.argv[1]
lines = open(p, "rb").read().split(b"\r\n")
open(p, "wb").write(b"\r\n".join(l for l in lines if not l.startswith(b"9641,")))
PY
done
req POST /v1/lists/update "$ADMIN" "{\"sources\": [\"$SPEC\"]}"
assert_code 200
assert_json 'd["results"][0]["status"] == "new" and d["results"][0]["entries"] == 441'

# a refused download: 200 with the refusal, the version in force unchanged
req POST /v1/lists/update "$ADMIN" "{\"sources\": [\"ofac_cons=$FEED_BASE/status500/cons_prim.csv\"]}"
assert_code 200
assert_json 'd["results"][0]["status"] == "refused" and "HTTP 500" in d["results"][0]["reason"]'

req GET /v1/lists/versions "$ANALYST"
assert_code 200
assert_json '[r["status"] for r in d["versions"]] == ["refused", "ok", "ok"]'
assert_json '[r["in_force"] for r in d["versions"]] == [False, True, False]'
req GET /v1/lists/versions "$SERVICE"
assert_code 403

req GET "/v1/lists/diff?from=previous&to=current" "$ANALYST"
assert_code 200
assert_json '[e["id"] for e in d["removed"]] == ["9641"] and d["added"] == [] and d["changed"] == []'
req GET "/v1/lists/diff?from=$V1&to=current&source=ofac_cons" "$ANALYST"
assert_code 200
assert_json 'd["counts"] == {"added": 0, "removed": 1, "changed": 0, "unchanged": 441}'
req GET "/v1/lists/diff?from=previous" "$ANALYST"
assert_code 400
req GET "/v1/lists/diff?from=nope&to=current" "$ANALYST"
assert_code 404
req GET "/v1/lists/diff?from=/etc/passwd&to=current" "$ANALYST"
assert_code 404
req GET "/v1/lists/diff?from=previous&to=current&bogus=1" "$ANALYST"
assert_code 400

stop_server
check_server_log
echo "ok serve lists versions"
