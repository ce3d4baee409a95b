# POST /v1/decide/batch on SQLite: one transaction per batch, all or nothing (decide_batch_common.sh).
. "$XGATE_TESTS/http/lib_http.sh"
start_server --policy provider
. "$XGATE_TESTS/http/decide_batch_common.sh"
echo "decide batch (SQLite): ok"
