# The store-writing CLI tests again, on PostgreSQL: decide (scenarios, review and customers,
# replay, audit tampering, kill -9 mid-burst) and monitor (alerts, kill -9 mid-run). Each script
# names its stores through xg_db / db_query (tests/lib.sh), so with XGATE_TEST_DB=pg it asserts the
# same things against databases on one private server started here (fsync off: the crash tests
# kill xgate, never the server, so durability of the server itself is not what they check).
. "$XGATE_TESTS/lib.sh"
. "$XGATE_TESTS/lib_pg.sh"
XGATE_PG_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" pg_start
C=$XGATE_ROOT/tests/cli
failed=()
for t in test_decide_scenarios test_decide_review test_decide_replay test_decide_audit \
  test_decide_crash test_monitor_alerts test_monitor_crash; do
  start=$(date +%s)
  if XGATE_TEST_DB=pg XGATE_TEST_PGSOCK=$PGSOCK bash "$C/$t.sh" >"$TMP/$t.log" 2>&1; then
    echo "ok   $t on PostgreSQL ($(($(date +%s) - start)) s)"
  else
    failed+=("$t")
    echo "FAIL $t on PostgreSQL:"
    tail -n 30 "$TMP/$t.log"
  fi
done
[ "${#failed[@]}" -eq 0 ] || fail "failed on PostgreSQL: ${failed[*]}"
# every script dropped its databases again
left=$(psql_q postgres "SELECT count(*) FROM pg_database WHERE datname ~ '^t[0-9]+_'")
[ "$left" -eq 0 ] || fail "$left test databases left behind"
