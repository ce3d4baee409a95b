# Three `xgate serve` nodes on one PostgreSQL store (tests/lib_pg.sh) behind HAProxy on loopback
# (examples/haproxy/xgate.cfg), docs/nodes.md: the nodes answer alike; mixed load (decide, screen,
# review) through HAProxy with one node killed by SIGKILL mid-load loses nothing acknowledged
# (every acknowledged decision stored exactly once, every acknowledged review resolved) and
# `audit verify` passes; a key revoked through the store is refused by the nodes that had it
# cached (LISTEN/NOTIFY, long before the 30 s cache time); a license added through the store
# changes the decisions of every node (their in-memory licenses dropped on the notification); a
# list version put in force on one node is served by the others without a reload request or a
# refresh of their own.
. "$XGATE_TESTS/http/lib_http.sh"
. "$XGATE_TESTS/lib_pg.sh"
. "$XGATE_TESTS/http/lib_nodes.sh"
pg_start
DB=$PGURL
mkdir -p "$TMP/root"
cp "$SHARED"/data/lists/ofac_cons_2025-12/cons_{prim,alt,add}.csv "$TMP/root/"
python3 "$XGATE_TESTS/lists_feed_server.py" "$TMP/root" "$TMP/feed-port" "$TMP/feed.log" 30 &
FEED=$!
trap 'kill $FEED 2>/dev/null; nodes_cleanup; pg_cleanup' EXIT
export XGATE_STATE_DIR="$TMP/state" # shared by the nodes: stored list versions name files in it

ADMIN=$(new_key admin admin-test)
ANALYST=$(new_key analyst analyst-test)
SERVICE=$(new_key service service-test)
[ -n "$ADMIN" ] && [ -n "$ANALYST" ] && [ -n "$SERVICE" ] || fail "keys create: $(cat "$TMP/keyerr")"
# No --list: files named with --list win outright over stored versions (docs/lists.md), and step 4
# needs the nodes to serve the version put in force in the store.
OPTS=(--policy provider)
for i in 1 2 3; do node_start "$i" "${OPTS[@]}"; done
haproxy_start 1 2 3

# 1. The nodes answer alike: one screening and one decision's reasons on each node.
SCREEN='{"name": "Beijing University of Aeronautics and Astronautics"}'
for i in 1 2 3; do
  BASE=$(node_url "$i")
  req POST /v1/screen "$SERVICE" "$SCREEN"
  assert_code 200
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [d.pop(k, None) for k in ("elapsed_ms", "took_ms")]; print(json.dumps(d, sort_keys=True))' \
    "$TMP/out" >"$TMP/screen$i.json"
done
cmp -s "$TMP/screen1.json" "$TMP/screen2.json" && cmp -s "$TMP/screen1.json" "$TMP/screen3.json" ||
  fail "the nodes screen differently: $(diff "$TMP/screen1.json" "$TMP/screen2.json" | head -5)"

# 2. Mixed load through HAProxy; node 2 is killed (SIGKILL) once the load is under way.
python3 "$XGATE_TESTS/http/nodes_load.py" "$LB" "$SERVICE" "$ANALYST" "$TMP" 120 4 &
LOAD=$!
stored() { [ "$(psql_q xgate 'SELECT count(*) FROM decisions')" -ge 40 ]; }
wait_for "40 decisions stored under load" stored
node_kill 2
wait "$LOAD" || fail "the load generator failed"
python3 - "$TMP/load.json" <<'PY' || fail "load: $(cat "$TMP/load.json")"
import json, sys
d = json.load(open(sys.argv[1]))
# 4 clients × 120 requests; only the requests in flight on the killed node (and any sent before
# HAProxy's health check took it out) may fail
assert d["ok"] + d["failed"] == 480, d
assert d["failed"] <= 48, d
assert d["decisions"] >= 150 and d["reviews"] >= 30, d
PY
sort "$TMP/acked_decisions" >"$TMP/acked"
[ -z "$(uniq -d "$TMP/acked")" ] || fail "a decision id acknowledged twice"
psql_q xgate "SELECT id FROM decisions" | sort >"$TMP/stored"
[ -z "$(uniq -d "$TMP/stored")" ] || fail "a decision stored twice"
MISSING=$(comm -23 "$TMP/acked" "$TMP/stored")
[ -z "$MISSING" ] || fail "acknowledged decisions missing from the store: $MISSING"
while read -r id; do
  [ "$(psql_q xgate "SELECT review_status FROM decisions WHERE id = '$id'")" = resolved ] ||
    fail "acknowledged review of $id not stored"
done <"$TMP/acked_reviews"
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json 'd["ok"] is True'

# 3. A key revoked through the store is refused by every node that had it cached.
KEY=$(new_key service revoke-me)
EXTRA_KEYS=$KEY
for i in 1 3; do
  BASE=$(node_url "$i")
  req POST /v1/screen "$KEY" "$SCREEN"
  assert_code 200 # now cached on nodes 1 and 3 for 30 s
done
KID=${KEY#xgk_}
KID=${KID%%_*}
T0=$(date +%s)
run "$X" keys revoke --db "$DB" "$KID"
assert_rc 0
refused() {
  BASE=$(node_url "$1")
  req POST /v1/screen "$KEY" "$SCREEN"
  [ "$CODE" = 401 ]
}
wait_for "node 1 to refuse the revoked key" refused 1
wait_for "node 3 to refuse the revoked key" refused 3
ELAPSED=$(($(date +%s) - T0))
# The cache time is 30 s (docs/nodes.md); the notification makes it immediate.
[ "$ELAPSED" -lt 30 ] || fail "the revoked key was refused only after ${ELAPSED}s (cache time, not NOTIFY)"
BASE=$(node_url 3)
req GET /metrics
grep -qE '^xgate_node_events_total\{action="key_flush"\} [1-9]' "$TMP/out" ||
  fail "node 3 did not act on the key notification: $(grep node_events "$TMP/out")"

# 3b. A license added through the store: every node drops its licenses in memory (NOTIFY) and
# decides with it.
LIC_REQ='{"customer": {"name": "Lotus Compute Ltd", "country": "CN"}, "resource": {"item": "H100 SXM5 80GB"}, "policy": "ear", "as_of": "2026-11-22"}'
for i in 1 3; do
  BASE=$(node_url "$i")
  req POST /v1/decide "$SERVICE" "$LIC_REQ"
  assert_code 200
  assert_json 'd["decision"] == "LICENSE_REQUIRED"' # the licenses are now in memory on nodes 1 and 3
done
run "$X" licenses add --db "$DB" --number L-2026-001 --party "Lotus Compute Ltd" \
  --item "H100 SXM5 80GB" --destination CN --from 2026-01-01
assert_rc 0
license_flushed() {
  BASE=$(node_url "$1")
  req GET /metrics
  grep -qE '^xgate_node_events_total\{action="license_flush"\} [1-9]' "$TMP/out"
}
for i in 1 3; do
  wait_for "node $i to act on the license notification" license_flushed "$i"
  req POST /v1/decide "$SERVICE" "$LIC_REQ"
  assert_code 200
  assert_json 'd["decision"] == "ALLOW" and any(r["rule"] == "license_on_file" for r in d["reasons"])'
done

# 4. A list version put in force on node 1 is served by nodes 2 (restarted) and 3 through NOTIFY.
node_start 2 "${OPTS[@]}"
FEED_BASE=http://127.0.0.1:$(cat "$TMP/feed-port")
SPEC="ofac_cons=$FEED_BASE/files/cons_prim.csv,$FEED_BASE/files/cons_alt.csv,$FEED_BASE/files/cons_add.csv"
BASE=$(node_url 1)
req POST /v1/lists/update "$ADMIN" "{\"sources\": [\"$SPEC\"]}"
assert_code 200
assert_json 'd["results"][0]["status"] == "new"'
V1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["version"])' "$TMP/out")
serves_v1() {
  BASE=$(node_url "$1")
  req POST /v1/screen "$SERVICE" "$SCREEN"
  [ "$CODE" = 200 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d.get("list_versions", {}).get("ofac_cons", {}).get("id") == sys.argv[2] else 1)' "$TMP/out" "$V1"
}
wait_for "node 3 to serve $V1" serves_v1 3
wait_for "node 2 to serve $V1" serves_v1 2
BASE=$LB
req POST /v1/screen "$SERVICE" "$SCREEN"
assert_code 200
assert_json "d['list_versions']['ofac_cons']['id'] == '$V1'"

nodes_cleanup
nodes_check_logs
echo "three nodes: ok (load: $(cat "$TMP/load.json"))"
