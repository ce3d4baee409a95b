# Failover (docs/nodes.md): two `xgate serve` nodes with a two-host store URL
# (target_session_attrs=read-write) on a PostgreSQL primary with a synchronous streaming replica
# made by pg_basebackup (tests/lib_pg.sh). Under mixed load the primary is stopped (immediate: a
# crash) and the replica promoted; the nodes carry on against it without a restart, every
# decision and review acknowledged before, during and after is in the promoted store, and its
# audit chain verifies; their notification listeners reconnect too.
. "$XGATE_TESTS/http/lib_http.sh"
. "$XGATE_TESTS/lib_pg.sh"
. "$XGATE_TESTS/http/lib_nodes.sh"
pg_start
trap 'nodes_cleanup; pg_replica_cleanup; pg_cleanup' EXIT
DB=$PGURL
# the schema and the keys first, so that the replica starts from them
ADMIN=$(new_key admin admin-test)
ANALYST=$(new_key analyst analyst-test)
SERVICE=$(new_key service service-test)
[ -n "$ADMIN" ] && [ -n "$ANALYST" ] && [ -n "$SERVICE" ] || fail "keys create: $(cat "$TMP/keyerr")"
pg_replica_start
DB=$PGURL2
OPTS=(--policy provider --list "$XGATE_DATA/lists/csl_sample.csv")
for i in 1 2; do node_start "$i" "${OPTS[@]}"; done
haproxy_start 1 2

python3 "$XGATE_TESTS/http/nodes_load.py" "$LB" "$SERVICE" "$ANALYST" "$TMP" 0 4 &
LOAD=$!
count() { psql_r xgate 'SELECT count(*) FROM decisions'; }
enough() { [ "$(count)" -ge "$1" ]; }
wait_for "30 decisions replicated under load" enough 30

# the primary crashes; the replica is promoted; the nodes find it through the two-host URL
pg_stop immediate
pg_promote
AT_PROMOTE=$(count)
wait_for "decisions recorded on the promoted replica" enough $((AT_PROMOTE + 30))
touch "$TMP/stop"
wait "$LOAD" || fail "the load generator failed"
python3 - "$TMP/load.json" <<'PY' || fail "load: $(cat "$TMP/load.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["decisions"] >= 60 and d["reviews"] >= 5, d
PY

sort "$TMP/acked_decisions" >"$TMP/acked"
[ -z "$(uniq -d "$TMP/acked")" ] || fail "a decision id acknowledged twice"
psql_r xgate "SELECT id FROM decisions" | sort >"$TMP/stored"
MISSING=$(comm -23 "$TMP/acked" "$TMP/stored")
[ -z "$MISSING" ] || fail "acknowledged decisions lost in the failover: $MISSING"
while read -r id; do
  [ "$(psql_r xgate "SELECT review_status FROM decisions WHERE id = '$id'")" = resolved ] ||
    fail "acknowledged review of $id lost in the failover"
done <"$TMP/acked_reviews"
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json 'd["ok"] is True'
# both nodes write to the promoted store
for i in 1 2; do
  BASE=$(node_url "$i")
  req POST /v1/decide "$SERVICE" '{"customer": {"name": "Nordlicht Analytics GmbH", "country": "DE", "headquarters": "DE"}, "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1}, "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"}}'
  assert_code 200
done
# each node's listener lost its connection with the primary and listens on the promoted replica
# again, having reloaded its lists and forgotten its key cache (a notification may have been
# missed meanwhile)
relistened() {
  grep -q 'notify: listening again' "$TMP/node$1.log" && BASE=$(node_url "$1") && req GET /metrics &&
    grep -qE '^xgate_node_events_total\{action="reload"\} [1-9]' "$TMP/out" &&
    grep -qE '^xgate_node_events_total\{action="key_flush"\} [1-9]' "$TMP/out"
}
for i in 1 2; do wait_for "node $i to listen again after the failover" relistened "$i"; done
nodes_cleanup
nodes_check_logs
echo "failover: ok (load: $(cat "$TMP/load.json"))"
