# xgate serve on PostgreSQL (tests/lib_pg.sh): concurrent /v1/decide requests share commits and
# every acknowledged decision is in one valid chain; with the database stopped, writes answer 503
# and screening keeps working; when it is back, writes resume and nothing acknowledged is lost.
. "$XGATE_TESTS/http/lib_http.sh"
. "$XGATE_TESTS/lib_pg.sh"
pg_start
trap 'stop_server; pg_cleanup' EXIT
DB=$PGURL
start_server --policy provider
BODY=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' \
  "$XGATE_ROOT"/tests/decide/s03_*.json)

# 24 concurrent decisions (waiting for the curls only: a bare `wait` would wait for the server)
pids=()
for i in $(seq 1 24); do
  curl -s -o "$TMP/d$i.json" -w '%{http_code}' -H "Authorization: Bearer $SERVICE" \
    -H 'Content-Type: application/json' --data-binary "$BODY" "$BASE/v1/decide" >"$TMP/c$i" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
for i in $(seq 1 24); do
  [ "$(cat "$TMP/c$i")" = 200 ] || fail "decide $i: HTTP $(cat "$TMP/c$i"): $(head -c 300 "$TMP/d$i.json")"
done
python3 - "$TMP" >"$TMP/acked" <<'PY'
import json, sys
seqs = set()
for i in range(1, 25):
    d = json.load(open(f"{sys.argv[1]}/d{i}.json"))
    assert d["audit"]["seq"] not in seqs, "a seq given twice"
    seqs.add(d["audit"]["seq"])
    print(d["decision_id"])
PY
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json 'd["ok"] is True and d["rows"] == 24'

# the database goes away: writes 503 with a code, screening still answers
pg_stop fast
req POST /v1/decide "$SERVICE" "$BODY"
[ "$CODE" = 503 ] || fail "decide without a database: HTTP $CODE: ${OUT:0:300}"
assert_json 'd["error"]["code"] == "unavailable"'
req POST /v1/screen "$SERVICE" '{"name": "Beijing University of Aeronautics and Astronautics"}'
[ "$CODE" = 200 ] || fail "screen without a database: HTTP $CODE: ${OUT:0:300}"

# it comes back: writes resume on the same server
pg_restart
req POST /v1/decide "$SERVICE" "$BODY"
[ "$CODE" = 200 ] || fail "decide after the restart: HTTP $CODE: ${OUT:0:300}"
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json 'd["ok"] is True and d["rows"] == 25'
psql_q xgate "SELECT id FROM decisions" | sort >"$TMP/stored"
sort -o "$TMP/acked" "$TMP/acked"
[ -z "$(comm -23 "$TMP/acked" "$TMP/stored")" ] || fail "acknowledged decisions missing"
stop_server
check_server_log
echo "serve on PostgreSQL: ok"
