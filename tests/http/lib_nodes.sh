# Helpers for tests of several `xgate serve` nodes on one PostgreSQL store behind HAProxy
# (docs/nodes.md). Source after tests/http/lib_http.sh and tests/lib_pg.sh, once pg_start has set
# DB=$PGURL (or another URL every node shares). Every node and HAProxy is stopped at exit by
# nodes_cleanup (call it from the test's EXIT trap).
#   node_start I [serve options…]   start node I (1, 2, …) on a free loopback port: NODE_PORT[I],
#                                    NODE_PID[I], log $TMP/node$I.log; waits for /healthz
#   node_stop I / node_kill I        SIGTERM and wait / SIGKILL (no clean shutdown at all)
#   haproxy_start I…                 HAProxy from examples/haproxy/xgate.cfg in front of nodes I…
#                                    (their ports and a free frontend port put in): sets LB
#   wait_for WHAT CMD…               run CMD until it succeeds, a bounded number of tries
#   nodes_check_logs                 no sanitizer report and no key secret in any node's log
declare -a NODE_PID NODE_PORT
HAPROXY_PID=""
LB=""

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

node_start() {
  local i=$1
  shift
  rm -f "$TMP/port$i"
  "$X" serve --listen 127.0.0.1:0 --db "$DB" --port-file "$TMP/port$i" "$@" 2>>"$TMP/node$i.log" &
  NODE_PID[$i]=$!
  "$XGATE_TESTS/../scripts/wait-ready" "${NODE_PID[$i]}" "$TMP/node$i.log" "file:$TMP/port$i" ||
    fail "node $i did not start listening"
  NODE_PORT[$i]=$(cat "$TMP/port$i")
  "$XGATE_TESTS/../scripts/wait-ready" "${NODE_PID[$i]}" "$TMP/node$i.log" \
    "url:http://127.0.0.1:${NODE_PORT[$i]}/healthz" || fail "node $i did not answer /healthz"
}

node_stop() {
  local pid=${NODE_PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  NODE_PID[$1]=""
}

node_kill() {
  local pid=${NODE_PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  NODE_PID[$1]=""
}

node_url() { echo "http://127.0.0.1:${NODE_PORT[$1]}"; }

haproxy_start() {
  command -v haproxy >/dev/null || fail "haproxy not found (scripts/bootstrap test installs it)"
  local lbport i ports=()
  lbport=$(free_port)
  for i in "$@"; do ports+=("${NODE_PORT[$i]}"); done
  # The example configuration as documented, with loopback ports put in for the frontend and for
  # the nodes given (the example's `server` lines are node1…node3).
  python3 - "$XGATE_ROOT/examples/haproxy/xgate.cfg" "$TMP/haproxy.cfg" "$lbport" \
    "${ports[@]}" <<'PY' || fail "cannot write the HAProxy configuration"
import re, sys
src, dst, lbport = sys.argv[1:4]
ports = sys.argv[4:]
out = []
for line in open(src):
    if line.strip().startswith("bind 127.0.0.1:"):
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:" + lbport, line)
    elif line.strip().startswith("server node"):
        if not ports:
            continue
        line = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:" + ports.pop(0), line)
    out.append(line)
open(dst, "w").write("".join(out))
PY
  haproxy -c -q -f "$TMP/haproxy.cfg" >"$TMP/haproxy.log" 2>&1 ||
    { cat "$TMP/haproxy.log" >&2; fail "the HAProxy configuration does not check"; }
  haproxy -db -f "$TMP/haproxy.cfg" >>"$TMP/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  LB="http://127.0.0.1:$lbport"
  "$XGATE_TESTS/../scripts/wait-ready" "$HAPROXY_PID" "$TMP/haproxy.log" "url:$LB/healthz" ||
    fail "HAProxy did not answer on $LB"
}

nodes_cleanup() {
  for i in "${!NODE_PID[@]}"; do node_stop "$i"; done
  if [ -n "$HAPROXY_PID" ]; then
    kill -TERM "$HAPROXY_PID" 2>/dev/null || true
    wait "$HAPROXY_PID" 2>/dev/null || true
    HAPROXY_PID=""
  fi
}

wait_for() {
  local what=$1 n=0
  shift
  until "$@"; do
    n=$((n + 1))
    [ "$n" -lt "${XGATE_WAIT_TRIES:-600}" ] || fail "gave up waiting for $what"
    sleep 0.1
  done
}

nodes_check_logs() {
  for f in "$TMP"/node*.log; do
    [ -f "$f" ] || continue
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$f"; then
      cat "$f" >&2
      fail "sanitizer report in $f"
    fi
    for k in "$ADMIN" "$ANALYST" "$SERVICE" ${EXTRA_KEYS:-}; do
      ! grep -qF -- "${k##*_}" "$f" || fail "a key's secret appears in $f"
    done
  done
}
