# Lists that stay current, the server's half: `serve --refresh` fetches the configured feeds (a
# loopback feed server, tests/lists_feed_server.py) at start and on its interval and swaps each new
# version in while clients keep screening (none of their requests fails); a refused download (an
# HTML page) keeps the version in force, is counted in /metrics by source and reason and makes
# /healthz "degraded" with the reason, still 200; --list files win outright (as in the CLI); a
# restart without --refresh or --list loads the versions in force from the store; POST /v1/lists/update runs
# once at a time (a second request while one runs is a 409) and swaps in what it fetched.
. "$XGATE_TESTS/http/lib_http.sh"

mkdir -p "$TMP/root"
cp "$SHARED"/data/lists/ofac_cons_2025-12/cons_{prim,alt,add}.csv "$TMP/root/"
cp -r "$SHARED"/data/lists/ofac_cons_2025-12 "$TMP/cons_v1" # the full file set, as a --list
python3 "$XGATE_TESTS/lists_feed_server.py" "$TMP/root" "$TMP/feed-port" "$TMP/feed.log" 4 &
FEED=$!
trap 'kill $FEED 2>/dev/null; stop_server; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do [ -s "$TMP/feed-port" ] && break; sleep 0.1; done
[ -s "$TMP/feed-port" ] || fail "the feed server did not write its port file"
FEED_BASE=http://127.0.0.1:$(cat "$TMP/feed-port")
files() { echo "$FEED_BASE/$1/cons_prim.csv,$FEED_BASE/$1/cons_alt.csv,$FEED_BASE/$1/cons_add.csv"; }
printf 'ofac_cons\tofac_cons\t%s\t1\n' "$(files files)" >"$TMP/sources.tsv"
export XGATE_STATE_DIR="$TMP/unused-state" # --data-dir wins over it
STATE="$TMP/state"

# json_get EXPR: evaluate EXPR with d = the last answer, print the result.
json_get() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$TMP/out" "$1"; }
feed_field() { # feed_field SOURCE KEY: a field of one source in /healthz
  req GET /healthz
  assert_code 200
  json_get "next((s.get('$2') for s in d['lists']['sources'] if s['source'] == '$1'), None)"
}
feed_json() { # feed_json EXPR: EXPR over d = /healthz
  req GET /healthz
  assert_code 200
  json_get "$1"
}
# wait_for WHAT CMD…: run CMD until it succeeds, a bounded number of tries (the refresh runs every
# 1 s; under the sanitiser one update and swap take well under a second).
wait_for() {
  local what=$1
  shift
  for _ in $(seq 300); do "$@" && return 0; sleep 0.2; done
  fail "waited 300 tries for: $what"
}
# Two stored customers named like two entries of the non-SDN list (9640, and 9641, which version 2
# removes) and one named like nothing listed: the monitor run after each refresh alerts on them.
cat >"$TMP/customers.jsonl" <<'J'
{"id":"cus_teir","name":"Mohammed Abu Teir","country":"PS"}
{"id":"cus_shanti","name":"Jamileh Abdullah Al-Shanti","country":"PS"}
{"id":"cus_clean","name":"Nordlicht Analytics GmbH","country":"DE"}
J
"$X" customers import --db "$DB" "$TMP/customers.jsonl" >/dev/null || fail "customers import"
alerts_are() { # alerts_are STATUS PYTHON-EXPR over a = the alerts' customer names, sorted
  req GET "/v1/alerts?status=$1" "$ANALYST"
  [ "$CODE" = 200 ] || return 1
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); a=sorted(c for x in d["alerts"] for c in x["party"]["customers"]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/out" "$2"
}

start_server --sources "$TMP/sources.tsv" \
  --data-dir "$STATE" --refresh 1s

# 1. The first refresh runs at start: version 1 is fetched and swapped in.
has_version() { [ "$(feed_field ofac_cons version)" != None ]; }
wait_for "the first refresh to put a version of ofac_cons in force" has_version
V1=$(feed_field ofac_cons version)
[ "$(feed_field ofac_cons entries)" = 442 ] || fail "version 1 should hold 442 entries"
# the version is in force in the store a moment before the snapshot holding it is swapped in
swapped_in() { req GET /v1/lists "$SERVICE" && grep -q "$STATE/lists/ofac_cons" "$TMP/out"; }
wait_for "the snapshot to hold version 1" swapped_in
req GET /v1/lists "$SERVICE"
assert_code 200
assert_json 'any("ofac_cons" in f["path"] and "'"$STATE"'" in f["path"] for f in d["files"])'
assert_json 'any(f["path"].endswith("csl_sample.csv") for f in d["files"])'
# the fetched version replaces the bundled non-SDN files of its feed (bundled.tsv); the bundled
# files of the feeds never fetched stay
assert_json 'not any("lists/ofac_cons_2025-12" in f["path"] for f in d["files"])'
assert_json 'any(f["path"].endswith("ofac_sdn_2021-07/sdn.csv") for f in d["files"])'
assert_json '[f["source"] for f in d["feeds"]] == ["ofac_cons"] and d["feeds"][0]["version"] == "'"$V1"'"'
req POST /v1/screen "$SERVICE" '{"name": "Jamileh Abdullah Al-Shanti", "limit": 3}'
assert_code 200
assert_json 'any("SHANTI" in m["name"].upper() for m in d["matches"])'
[ -d "$STATE/lists/ofac_cons" ] || fail "versions are kept under --data-dir"
[ ! -e "$TMP/unused-state" ] || fail "--data-dir should win over XGATE_STATE_DIR"
req GET /healthz
assert_json 'd["status"] == "ok" and d["degraded"] == [] and d["refresh"]["interval_seconds"] == 1'

# The monitor run after the swap opens an alert for each listed customer, and none for the other.
monitor_opened() { alerts_are open 'a == ["Jamileh Abdullah Al-Shanti", "Mohammed Abu Teir"]'; }
wait_for "the monitor run to open the two alerts" monitor_opened
# the run's summary reaches /healthz when the run ends, a moment after its alerts are stored
monitor_reported() { [ "$(feed_json 'isinstance((d["refresh"]["monitor"] or {}).get("opened"), int)')" = True ]; }
wait_for "the monitor run's summary in /healthz" monitor_reported

# 2. Version 2 (entry 9641 removed) is swapped in while four clients screen without pause.
for f in cons_prim.csv cons_alt.csv cons_add.csv; do
  python3 - "$TMP/root/$f" <<'PY'
import sys
p = sys.argv[1]
lines = open(p, "rb").read().split(b"\r\n")
open(p + ".new", "wb").write(b"\r\n".join(l for l in lines if not l.startswith(b"9641,")))
PY
done
: >"$TMP/codes"
for c in 1 2 3 4; do
  (
    for _ in $(seq 150); do
      curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $SERVICE" \
        -H 'Content-Type: application/json' --data-binary '{"name": "Mohammed Abu Teir"}' \
        "$BASE/v1/screen" >>"$TMP/codes"
      [ -e "$TMP/stop-clients" ] && break
    done
  ) &
  CLIENTS="${CLIENTS:-} $!"
done
for f in cons_prim.csv cons_alt.csv cons_add.csv; do mv "$TMP/root/$f.new" "$TMP/root/$f"; done
new_version() { [ "$(feed_field ofac_cons version)" != "$V1" ]; }
wait_for "the refresh to put version 2 in force" new_version
touch "$TMP/stop-clients"
for p in $CLIENTS; do wait "$p"; done
V2=$(feed_field ofac_cons version)
[ "$(feed_field ofac_cons entries)" = 441 ] || fail "version 2 should hold 441 entries"
[ "$(wc -l <"$TMP/codes")" -ge 4 ] || fail "the clients made no requests"
! grep -qv '^200$' "$TMP/codes" || fail "a screen failed during the swap: $(sort "$TMP/codes" | uniq -c)"
# version 2 is in force in the store a moment before the snapshot holding it is swapped in
shanti_gone() {
  req POST /v1/screen "$SERVICE" '{"name": "Jamileh Abdullah Al-Shanti", "limit": 3}'
  [ "$CODE" = 200 ] && [ "$(json_get 'any("SHANTI" in m["name"].upper() for m in d["matches"])')" = False ]
}
wait_for "the snapshot to hold version 2 (entry 9641 gone)" shanti_gone
# The entry that left the list closes the alert it raised; the other stays open; nothing else.
shanti_closed() { alerts_are closed 'a == ["Jamileh Abdullah Al-Shanti"]'; }
wait_for "the monitor run to close the alert on the removed entry" shanti_closed
alerts_are open 'a == ["Mohammed Abu Teir"]' || fail "the other alert should stay open: $OUT"
req GET "/v1/alerts?status=closed" "$ANALYST"
assert_json 'd["alerts"][0]["status"] == "entry_removed"'
req GET /metrics
assert_code 200
grep -qE '^xgate_list_fetched_age_seconds\{source="ofac_cons"\} [0-9]+$' "$TMP/out" || fail "no list age"
grep -qE '^xgate_list_checked_age_seconds\{source="ofac_cons"\} [0-9]+$' "$TMP/out" || fail "no checked age"
grep -qE '^xgate_list_update_last_attempt_timestamp_seconds\{source="ofac_cons"\} [0-9]{10}$' "$TMP/out" ||
  fail "no last attempt timestamp"
grep -qE '^xgate_list_update_last_success_timestamp_seconds\{source="ofac_cons"\} [0-9]{10}$' "$TMP/out" ||
  fail "no last success timestamp"
grep -qE '^xgate_list_updates_total\{source="ofac_cons",result="new"\} 2$' "$TMP/out" ||
  fail "two new versions should be counted: $(grep updates_total "$TMP/out")"
grep -qE '^xgate_list_update_failures_total\{source="ofac_cons",reason="html"\} 0$' "$TMP/out" ||
  fail "no failure yet"

# 3. The feed serves an HTML error page: refused, version 2 stays in force (and in the snapshot),
# the failure is counted by reason and /healthz says degraded (200).
cp "$TMP/root/cons_prim.csv" "$TMP/cons_prim.good"
printf '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>try later</body></html>\n' \
  >"$TMP/root/cons_prim.csv"
failing() { [ "$(feed_field ofac_cons failing)" = True ]; }
wait_for "the refresh to refuse the HTML page" failing
[ "$(feed_field ofac_cons version)" = "$V2" ] || fail "a refusal changed the version in force"
req GET /healthz
assert_code 200
assert_json 'd["status"] == "degraded" and any("ofac_cons" in r and "HTML" in r for r in d["degraded"])'
assert_json '[s["last_failure"]["kind"] for s in d["lists"]["sources"]] == ["html"]'
req GET /metrics
grep -qE '^xgate_list_update_failures_total\{source="ofac_cons",reason="html"\} [1-9][0-9]*$' "$TMP/out" ||
  fail "the HTML refusal is not counted: $(grep failures_total "$TMP/out")"
grep -qE '^xgate_list_update_failing\{source="ofac_cons"\} 1$' "$TMP/out" || fail "not failing"
req POST /v1/screen "$SERVICE" '{"name": "Mohammed Abu Teir", "limit": 3}'
assert_code 200
assert_json 'any("ABU TEIR" in m["name"].upper() for m in d["matches"])'
req GET /v1/lists/versions "$ANALYST"
assert_json 'any(r["status"] == "refused" and "HTML" in r["reason"] for r in d["versions"])'

# 4. The feed recovers: the next refresh finds it unchanged and the server is healthy again.
cp "$TMP/cons_prim.good" "$TMP/root/cons_prim.csv"
recovered() { [ "$(feed_field ofac_cons failing)" = False ]; }
wait_for "the refresh to find the feed again" recovered
req GET /healthz
assert_json 'd["status"] == "ok" and d["lists"]["sources"][0]["last_result"] == "unchanged"'
assert_json 'd["lists"]["sources"][0]["version"] == "'"$V2"'"'
stop_server
check_server_log
grep -q 'list update (refresh): ofac_cons: refused' "$SRV_LOG" || fail "the refusal is not logged"

# 5. --list files win outright, as in the CLI: the version in force is not loaded beside them
# (version 1, as a --list file set, holds the removed entry; version 2 does not).
: >"$SRV_LOG"
start_server --list "$TMP/cons_v1" --list "$XGATE_DATA/lists/csl_sample.csv" --data-dir "$STATE"
req GET /v1/lists "$SERVICE"
assert_json 'not any("'"$STATE"'" in f["path"] for f in d["files"]) and len(d["files"]) == 2'
req POST /v1/screen "$SERVICE" '{"name": "Jamileh Abdullah Al-Shanti", "limit": 3}'
assert_code 200
assert_json 'any("SHANTI" in m["name"].upper() for m in d["matches"]) and d["list_origin"] == "files"'
stop_server
# A restart without --refresh and without --list loads the version in force from the store, in
# place of nothing bundled (the bundled lists have no non-SDN file set).
start_server --data-dir "$STATE" --source "ofac_cons=$(files slow)"
req GET /v1/lists "$SERVICE"
assert_json 'not any(f["path"].startswith("'"$TMP/cons_v1"'") for f in d["files"])'
assert_json 'any("'"$STATE"'" in f["path"] for f in d["files"]) and d["records"] > 441'
req POST /v1/screen "$SERVICE" '{"name": "Jamileh Abdullah Al-Shanti", "limit": 3}'
assert_code 200
assert_json 'd["list_origin"] == "store" and "ofac_cons" in d["list_versions"]'
req GET /healthz
assert_json 'd["refresh"]["interval_seconds"] == 0 and d["lists"]["sources"][0]["version"] == "'"$V2"'"'
assert_json 'd["lists"]["skipped"] == []'
# the refreshes before the restart found version 2 unchanged: the store kept when, so the
# restarted server says it was checked after it was fetched, and that it was unchanged
assert_json 'd["lists"]["sources"][0]["checked_at"] > d["lists"]["sources"][0]["fetched_at"]'
assert_json 'd["lists"]["sources"][0]["last_result"] == "unchanged"'

# 6. POST /v1/lists/update: admin only; one at a time (the feed answers slowly, a second request
# meanwhile is a 409); the first then answers with its results.
req POST /v1/lists/update "$ANALYST" '{}'
assert_code 403
: >"$TMP/feed.log"
curl -s -o "$TMP/first.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: application/json' --data-binary '{}' "$BASE/v1/lists/update" >"$TMP/first.code" &
FIRST=$!
slow_seen() { grep -q 'GET /slow/' "$TMP/feed.log"; }
wait_for "the first update to reach the feed server" slow_seen
req POST /v1/lists/update "$ADMIN" '{}'
assert_error 409 update_in_progress
wait "$FIRST"
[ "$(cat "$TMP/first.code")" = 200 ] || fail "the first update: $(cat "$TMP/first.code") $(cat "$TMP/first.json")"
python3 - "$TMP/first.json" <<'PY' || fail "first update answer: $(cat "$TMP/first.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["results"][0]["source"] == "ofac_cons" and d["results"][0]["status"] == "unchanged", d
assert d["reloaded"] is False, d
PY
# a new version fetched on demand is swapped in at once
req POST /v1/lists/update "$ADMIN" "{\"sources\": [\"ofac_cons=$(files redirect)\"], \"force\": true}"
assert_code 200
assert_json 'd["results"][0]["status"] in ("new", "unchanged")'
req POST /v1/lists/update "$ADMIN" '{"force": "yes"}'
assert_error 400 invalid_field
stop_server
check_server_log

# 7. A bad --refresh or sources file is refused before anything starts.
set +e
"$X" serve --refresh 5x --db "$DB" 2>"$TMP/err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "--refresh 5x: exit $rc"
grep -q -- '--refresh 5x' "$TMP/err" || fail "the error names the flag: $(cat "$TMP/err")"
printf 'bad line\n' >"$TMP/bad.tsv"
set +e
"$X" serve --listen 127.0.0.1:0 --sources "$TMP/bad.tsv" --db "$DB" 2>"$TMP/err"
rc=$?
set -e
[ "$rc" != 0 ] || fail "a malformed sources file should stop the start"
grep -q 'bad.tsv' "$TMP/err" || fail "the error names the file: $(cat "$TMP/err")"
echo "ok serve refresh"
