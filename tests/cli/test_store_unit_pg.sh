# The store-using unit suites again, on PostgreSQL: tests/unit/store_temp.h gives each test a fresh
# database on the private server when XGATE_TEST_PGURL is set (SQLite files otherwise), so the
# store, group commit, scan state, monitor (and its party file) and usage store tests check both backends with one
# source (fsync off: these tests need a PostgreSQL store, not a crash-proof one). The unit-test
# binary sits next to the xgate binary (the cli-tests target builds both).
. "$XGATE_TESTS/lib.sh"
. "$XGATE_TESTS/lib_pg.sh"
U=$(dirname "$X")/unit-tests
[ -x "$U" ] || fail "no unit-test binary at $U (make build/san/unit-tests)"
XGATE_PG_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" pg_start
export XGATE_TEST_PGURL=$PGURL
for suite in 'store*/*' 'group_commit/*' 'monitor_run/*' 'party_file/*' 'usage/*'; do
  run "$U" --filter "$suite" --jobs 2
  assert_rc 0
  grep -qE 'Tested: [1-9]' <<<"$ERR$OUT" || fail "suite $suite ran no test: ${ERR:0:500}"
  grep -qE 'Failing: 0 \| Crashing: 0' <<<"$ERR$OUT" || fail "suite $suite failed on PostgreSQL: ${ERR:0:2000}"
done
# every test dropped its database again
left=$(psql_q postgres "SELECT count(*) FROM pg_database WHERE datname LIKE 'xgt\_%'")
[ "$left" -eq 0 ] || fail "$left test databases left behind"
