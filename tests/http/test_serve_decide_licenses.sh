# Licenses over HTTP decisions (docs/decide.md, "Licenses are read from memory, at most 1 s old"):
# `xgate serve` keeps the license table in memory; a license another process adds (`xgate licenses
# add` beside the running server) changes the decisions taken XG_STORE_LICENSE_CACHE_MS (1 s) after
# it committed at the latest — on PostgreSQL at once through the "license" notification. The
# license cache's counters are in /metrics. Also `--read-connections` and `read_connections`: the
# range is checked, and 0 (every read on the writer connection) decides the same. Runs on SQLite
# and, with XGATE_TEST_DB=pg (a reduced tests/cli/test_on_pg.sh), on PostgreSQL.
. "$XGATE_TESTS/http/lib_http.sh"
DB=$(xg_db licenses)
trap 'stop_server; db_cleanup; rm -rf "$TMP"' EXIT # lib_http's trap, and drop the PostgreSQL store

REQ='{"customer": {"name": "Lotus Compute Ltd", "country": "CN"}, "resource": {"item": "H100 SXM5 80GB"},
  "policy": "ear", "as_of": "2026-11-22"}'
mono() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
decision() { req POST /v1/decide "$SERVICE" "$REQ"; assert_code 200; }

# --read-connections: 0–256, a whole number; the config key likewise.
run "$X" serve --read-connections 257 --db "$DB"
assert_rc 2
assert_err_contains "--read-connections needs a whole number from 0 to 256"
run "$X" serve --read-connections -1 --db "$DB"
assert_rc 2
printf 'read_connections = 300\n' >"$TMP/bad.conf"
run "$X" serve --config "$TMP/bad.conf" --check-config
assert_rc_nonzero
assert_err_contains "read_connections: out of range"
printf 'read_connections = 0\n' >"$TMP/ok.conf"
run "$X" serve --config "$TMP/ok.conf" --check-config
assert_rc 0

start_server --policy ear --read-connections 2
decision
assert_json 'd["decision"] == "LICENSE_REQUIRED" and not any(r["rule"] == "license_on_file" for r in d["reasons"])'
req GET /metrics
grep -qE '^xgate_license_cache_total\{event="load"\} [1-9]' "$TMP/out" ||
  fail "no license cache load counted: $(grep license_cache "$TMP/out")"
# many decisions, one read of the table (a second one only if a second went by)
for i in 1 2 3 4 5; do decision; done
req GET /metrics
LOADS=$(sed -n 's/^xgate_license_cache_total{event="load"} //p' "$TMP/out")
[ -n "$LOADS" ] || fail "no xgate_license_cache_total{event=\"load\"} in /metrics"

# Another process adds the license. Every decision that starts 1 s after it committed sees it
# (the bound, not a timing: the copy in memory is never older than that).
run "$X" licenses add --db "$DB" --number L-2026-001 --party "Lotus Compute Ltd" \
  --item "H100 SXM5 80GB" --destination CN --from 2026-01-01
assert_rc 0
T0=$(mono)
while [ $(($(mono) - T0)) -le 1000 ]; do sleep 0.1; done
decision
assert_json 'd["decision"] == "ALLOW" and any(r["rule"] == "license_on_file" and r["evidence"]["license"]["number"] == "L-2026-001" for r in d["reasons"])'
# and the decision stored its facts with the license it used
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["decision_id"])' "$TMP/out")
stop_server
check_server_log
run "$X" decide --replay "$ID" --db "$DB" --json
assert_rc 0
assert_json 'd["holds"] is True and d["facts_differ"] == []'

# With every read on the writer connection the same decisions come out.
start_server --policy ear --read-connections 0
decision
assert_json 'd["decision"] == "ALLOW"'
run "$X" licenses add --db "$DB" --number L-2026-002 --party "Nobody Else Ltd" \
  --item "H100 SXM5 80GB" --destination CN --from 2026-01-01
assert_rc 0
decision
assert_json 'd["decision"] == "ALLOW"'
stop_server
check_server_log
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json 'd["ok"] is True'
echo "licenses over HTTP: ok"
