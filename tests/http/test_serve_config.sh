#!/usr/bin/env bash
# xgate serve as a system service: --config FILE supplies the settings and flags override them;
# --check-config names the bad line and key; log_format = json gives one JSON object per line;
# sd_notify tells a (stand-in) systemd READY=1 only once the port is open, RELOADING=1/READY=1
# around a SIGHUP reload, and STOPPING=1 on SIGTERM.
set -euo pipefail
. "$XGATE_TESTS/http/lib_http.sh"
ADMIN=$(new_key admin cfg-admin)
ANALYST=$(new_key analyst cfg-analyst)
SERVICE=$(new_key service cfg-service)
[ -n "$ADMIN" ] && [ -n "$ANALYST" ] && [ -n "$SERVICE" ] || fail "keys create: $(cat "$TMP/keyerr")"

# --check-config: a good file, then one bad line at a time, each named by line and key.
cat >"$TMP/good.conf" <<EOF
# comment
listen = 127.0.0.1:0
db = sqlite:$TMP/xgate.db
list = $XGATE_DATA/lists/csl_sample.csv
policy = ear
refresh = 6h
source = sdn http://127.0.0.1:9/sdn.csv
webhook = https://example.org/hook
log_format = json
EOF
run "$X" serve --check-config --config "$TMP/good.conf"
assert_rc 0
assert_out_contains "good.conf: ok (8 settings)"

check_bad() { # check_bad 'LINE' 'expected message'
  printf 'listen = 127.0.0.1:0\n%s\n' "$1" >"$TMP/bad.conf"
  run "$X" serve --check-config --config "$TMP/bad.conf"
  assert_rc 2
  assert_err_contains "$2"
  [ "$(wc -l <<<"$ERR")" -eq 1 ] || fail "more than one error line: $ERR"
}
check_bad 'port = 80' 'bad.conf:2: port: unknown key'
check_bad 'threads = lots' 'bad.conf:2: threads: expected a number'
check_bad 'listen = 127.0.0.1:8080' 'bad.conf:2: listen: set twice (first on line 1)'
check_bad 'log_format = xml' 'bad.conf:2: log_format: expected text or json'
check_bad "list = $TMP/missing.csv" "bad.conf:2: list: $TMP/missing.csv: not a readable file"
check_bad 'policy = lenient' 'bad.conf:2: policy: lenient: no such policy profile'
check_bad "web = $TMP/nowhere" "bad.conf:2: web: $TMP/nowhere: not a directory"
run "$X" serve --check-config --config "$TMP/none.conf"
assert_rc 2
assert_err_contains "$TMP/none.conf"
# serve refuses to start on a bad file, too.
printf 'rate = fast\n' >"$TMP/bad.conf"
run "$X" serve --config "$TMP/bad.conf"
assert_rc 2
assert_err_contains "bad.conf:1: rate: expected a number"
run "$X" serve --log-format yaml
assert_rc 2
assert_err_contains "--log-format yaml: expected text or json"

# A stand-in for systemd's notification socket: records every datagram, one per line.
NOTIFY="$TMP/notify.sock"
python3 - "$NOTIFY" "$TMP/notify.log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as log:
    while True:
        msg = s.recv(4096).decode()
        log.write(msg.replace("\n", " ") + "\n")
        log.flush()
        if msg.startswith("STOPPING=1"):
            break
PY
LISTENER=$!
for _ in $(seq 100); do [ -S "$NOTIFY" ] && break; sleep 0.1; done
[ -S "$NOTIFY" ] || fail "the notify socket stand-in did not start"

# The file sets listen/db/lists/policy/log_format; a flag overrides the file's listen (port 1
# cannot be bound by an unprivileged test, and is never used when the flag wins).
sed -i 's/^listen = .*/listen = 127.0.0.1:1/' "$TMP/good.conf"
NOTIFY_SOCKET="$NOTIFY" "$X" serve --config "$TMP/good.conf" --listen 127.0.0.1:0 \
  --port-file "$TMP/port" 2>>"$SRV_LOG" &
SRV_PID=$!
while [ ! -s "$TMP/port" ]; do
  kill -0 "$SRV_PID" 2>/dev/null || { SRV_PID=""; cat "$SRV_LOG" >&2; fail "xgate serve exited before listening"; }
  sleep 0.2
done
BASE="http://127.0.0.1:$(cat "$TMP/port")"
for _ in $(seq 100); do grep -q '^READY=1' "$TMP/notify.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^READY=1 STATUS=serving' "$TMP/notify.log" || fail "no READY=1 after the port opened: $(cat "$TMP/notify.log")"
# READY=1 came after the lists were loaded: the server answers with them at once.
req GET /v1/lists "$ADMIN"
[ "$CODE" = 200 ] || fail "GET /v1/lists: $CODE"
assert_out_contains "csl_sample.csv"
assert_out_lacks "un_sc_consolidated"
req GET /healthz
[ "$CODE" = 200 ] || fail "GET /healthz: $CODE"

# SIGHUP: RELOADING=1 then READY=1 again, and the reload is logged.
kill -HUP "$SRV_PID"
for _ in $(seq 100); do [ "$(grep -c '^READY=1' "$TMP/notify.log")" -ge 2 ] && break; sleep 0.1; done
grep -q '^RELOADING=1' "$TMP/notify.log" || fail "no RELOADING=1 on SIGHUP: $(cat "$TMP/notify.log")"
[ "$(grep -c '^READY=1' "$TMP/notify.log")" -ge 2 ] || fail "no READY=1 after the reload: $(cat "$TMP/notify.log")"
for _ in $(seq 100); do grep -q 'lists reloaded' "$SRV_LOG" && break; sleep 0.1; done

stop_server
[ "$SRV_RC" -eq 0 ] || fail "xgate serve exited $SRV_RC on SIGTERM"
wait "$LISTENER" || fail "the notify stand-in did not see STOPPING=1: $(cat "$TMP/notify.log")"
tail -n 1 "$TMP/notify.log" | grep -q '^STOPPING=1' || fail "last notice is not STOPPING=1: $(cat "$TMP/notify.log")"
check_server_log

# log_format = json: every line of the log is a JSON object with time, level and msg, and the
# access log line for /healthz and the reload notice are among them.
python3 - "$SRV_LOG" <<'PY' || fail "JSON log: $(cat "$SRV_LOG")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
assert lines and all(set(o) == {"time", "level", "msg"} for o in lines), lines
msgs = [o["msg"] for o in lines]
assert any('"GET /healthz" 200' in m for m in msgs), msgs
assert any(m.startswith("lists reloaded") for m in msgs), msgs
assert any("xgate serve: stopping" in m for m in msgs), msgs
PY

# access_log = off silences the access log; a flag --log-format text wins over the file's json.
# Under journald (JOURNAL_STREAM names the stderr file) lines carry a priority, no timestamp.
printf 'listen = 127.0.0.1:0\ndb = sqlite:%s\naccess_log = off\nlog_format = json\n' "$TMP/xgate.db" >"$TMP/quiet.conf"
: >"$SRV_LOG"
rm -f "$TMP/port"
JOURNAL_STREAM=$(stat -c '%d:%i' "$SRV_LOG") \
  "$X" serve --config "$TMP/quiet.conf" --log-format text --port-file "$TMP/port" 2>>"$SRV_LOG" &
SRV_PID=$!
while [ ! -s "$TMP/port" ]; do
  kill -0 "$SRV_PID" 2>/dev/null || { SRV_PID=""; cat "$SRV_LOG" >&2; fail "xgate serve (quiet) exited"; }
  sleep 0.2
done
BASE="http://127.0.0.1:$(cat "$TMP/port")"
req GET /healthz
[ "$CODE" = 200 ] || fail "GET /healthz: $CODE"
stop_server
check_server_log
! grep -q 'GET /healthz' "$SRV_LOG" || fail "access_log = off still logs requests"
! grep -q '^{' "$SRV_LOG" || fail "--log-format text did not override log_format = json"
grep -q '^<6>xgate serve: listening on port' "$SRV_LOG" || fail "no journald-style notice: $(cat "$SRV_LOG")"
! grep -qE '^[0-9]{4}-' "$SRV_LOG" || fail "timestamps in lines journald reads: $(cat "$SRV_LOG")"
echo "serve config: ok"
