# POST /v1/decide/batch on PostgreSQL (tests/lib_pg.sh): the same checks as on SQLite
# (decide_batch_common.sh).
. "$XGATE_TESTS/http/lib_http.sh"
. "$XGATE_TESTS/lib_pg.sh"
pg_start
trap 'stop_server; pg_cleanup' EXIT
DB=$PGURL
start_server --policy provider
. "$XGATE_TESTS/http/decide_batch_common.sh"
echo "decide batch (PostgreSQL): ok"
