# A list reload under concurrent requests: no request fails while snapshots are swapped, by the
# API and by SIGHUP; per-key rate limits answer 429; SIGTERM stops the server cleanly; a port in
# use is a clear startup error.
. "$XGATE_TESTS/http/lib_http.sh"
LIST="$TMP/inhouse.csv"
printf 'Example Restricted Trading LLC\n' >"$LIST"
start_server --rate 1000 --burst 1000 --list "$XGATE_DATA/lists/un_sc_consolidated_2026-02.xml" \
  --list "$LIST"

req POST /v1/screen "$SERVICE" '{"name": "Example Restricted Trading"}'
assert_code 200
assert_json "len(d['matches']) >= 1"

# Four clients screen in a loop while the lists are reloaded five times (two via SIGHUP).
worker() {
  local n=0
  while [ ! -e "$TMP/stop" ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $SERVICE" \
      -H 'Content-Type: application/json' -d '{"name": "Example Restricted Trading"}' "$BASE/v1/screen")
    echo "$code" >>"$TMP/codes.$1"
    n=$((n + 1))
  done
}
for w in 1 2 3 4; do worker $w & done
for i in 1 2 3; do
  printf 'Example Restricted Trading LLC\nAnother Listed Name %d Ltd\n' "$i" >"$LIST"
  req POST /v1/lists/reload "$ADMIN"
  assert_code 200
  assert_json "d['records'] > 100 and len(d['files']) == 2"
done
# A SIGHUP reload runs while the clients keep screening; a second one sent before the first has
# finished would be refused as "already running", so wait (bounded) for each to be logged.
hup_reload() {
  kill -HUP "$SRV_PID"
  for _ in $(seq 1 120); do
    [ "$(grep -c 'lists reloaded' "$SRV_LOG")" -ge "$1" ] && return 0
    sleep 0.5
  done
  fail "SIGHUP reload number $1 not logged after 120 tries of 0.5 s"
}
hup_reload 4
hup_reload 5
touch "$TMP/stop"
wait $(jobs -p | grep -v "^$SRV_PID\$") 2>/dev/null || true
total=$(cat "$TMP"/codes.* | wc -l)
bad=$(cat "$TMP"/codes.* | grep -vc '^200$' || true)
[ "$total" -gt 20 ] || fail "only $total requests during the reloads"
[ "$bad" -eq 0 ] || fail "$bad of $total requests failed during reloads: $(sort "$TMP"/codes.* | uniq -c)"
# A SIGHUP that arrives during a reload is handled after it: on a loaded machine the last reload
# may still run here, so wait for it (bounded tries).
tries=0
until [ "$(grep -c 'lists reloaded' "$SRV_LOG")" -ge 5 ]; do
  tries=$((tries + 1))
  [ "$tries" -le 300 ] || fail "waited 300 tries (0.2 s apart) for 5 'lists reloaded' lines in the server log, found $(grep -c 'lists reloaded' "$SRV_LOG")"
  sleep 0.2
done
grep -c 'lists reloaded' "$SRV_LOG" | grep -q '^5$' || fail "expected 5 reloads in the log"
req GET /metrics
assert_out_contains 'xgate_list_reloads_total{result="ok"} 5'
# The new snapshot is in use: a name added by the last reload matches.
req POST /v1/screen "$SERVICE" '{"name": "Another Listed Name 3 Ltd"}'
assert_json "len(d['matches']) >= 1"

# A failed reload keeps the previous snapshot.
printf '\xff\xfe\x00\x01garbage' >"$LIST"
req POST /v1/lists/reload "$ADMIN"
assert_error 500 reload_failed
req POST /v1/screen "$SERVICE" '{"name": "Another Listed Name 3 Ltd"}'
assert_code 200
assert_json "len(d['matches']) >= 1"

# A second server on the same port fails with a message.
run "$X" serve --listen "127.0.0.1:$PORT" --db "$DB"
assert_rc 3
assert_err_contains "cannot listen"

stop_server
[ "$SRV_RC" -eq 0 ] || fail "xgate serve exited $SRV_RC after SIGTERM"
check_server_log

# Rate limit: a small bucket runs dry and answers 429 with Retry-After; other keys are unaffected.
# The refill is slow (one request per 100 s) so that a slow, loaded machine still sees it dry.
start_server --rate 0.01 --burst 3
codes=""
for i in 1 2 3 4 5 6; do
  req GET /v1/lists "$SERVICE"
  codes="$codes $CODE"
done
case "$codes" in *429*) ;; *) fail "no 429 in: $codes" ;; esac
req GET /v1/lists "$SERVICE"
assert_error 429 rate_limited
curl -s -D "$TMP/h" -o /dev/null -H "Authorization: Bearer $SERVICE" "$BASE/v1/lists"
grep -qi '^Retry-After:' "$TMP/h" || fail "429 without Retry-After"
req GET /v1/lists "$ANALYST"
assert_code 200
req GET /metrics
grep -q '^xgate_rate_limited_total [1-9]' "$TMP/out" || fail "rate_limited counter not counted"
kill -INT "$SRV_PID"
set +e; wait "$SRV_PID"; SRV_RC=$?; set -e; SRV_PID=""
[ "$SRV_RC" -eq 0 ] || fail "xgate serve exited $SRV_RC after SIGINT"
check_server_log
