# Helpers for HTTP tests: start the real `xgate serve` on a free loopback port with a fresh
# database and three keys, make requests with curl, stop the server on exit whatever happens.
# Source after tests/lib.sh. The server's stderr (access log) is kept in $SRV_LOG and checked for
# sanitizer reports and leaked keys when the server stops.
. "$XGATE_TESTS/lib.sh"

SRV_PID=""
SRV_LOG="$TMP/server.log"
DB="sqlite:$TMP/xgate.db"

stop_server() {
  [ -n "$SRV_PID" ] || return 0
  kill -TERM "$SRV_PID" 2>/dev/null || true
  set +e
  wait "$SRV_PID"
  SRV_RC=$?
  set -e
  SRV_PID=""
}
trap 'stop_server; rm -rf "$TMP"' EXIT

# new_key ROLE NAME: create a key through the CLI and print it (the last line of output).
new_key() {
  "$X" keys create --role "$1" --name "$2" --db "$DB" 2>"$TMP/keyerr" | tail -n 1
}

# start_server [serve options…]: sets BASE, ADMIN, ANALYST, SERVICE.
start_server() {
  ADMIN=${ADMIN:-$(new_key admin admin-test)}
  ANALYST=${ANALYST:-$(new_key analyst analyst-test)}
  SERVICE=${SERVICE:-$(new_key service service-test)}
  [ -n "$ADMIN" ] && [ -n "$ANALYST" ] && [ -n "$SERVICE" ] || fail "keys create: $(cat "$TMP/keyerr")"
  rm -f "$TMP/port"
  "$X" serve --listen 127.0.0.1:0 --db "$DB" --port-file "$TMP/port" "$@" 2>>"$SRV_LOG" &
  SRV_PID=$!
  # Wait for the port file (written once listening), then for /healthz: a bounded number of
  # tries (scripts/wait-ready), and a server that died is reported at once with its log.
  "$XGATE_TESTS/../scripts/wait-ready" "$SRV_PID" "$SRV_LOG" "file:$TMP/port" ||
    { kill -0 "$SRV_PID" 2>/dev/null || SRV_PID=""; fail "xgate serve did not start listening"; }
  PORT=$(cat "$TMP/port")
  BASE="http://127.0.0.1:$PORT"
  "$XGATE_TESTS/../scripts/wait-ready" "$SRV_PID" "$SRV_LOG" "url:$BASE/healthz" ||
    { kill -0 "$SRV_PID" 2>/dev/null || SRV_PID=""; fail "xgate serve did not answer /healthz"; }
}

# check_server_log: no sanitizer report, no key in the log, clean exit after stop_server.
check_server_log() {
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$SRV_LOG"; then
    cat "$SRV_LOG" >&2; fail "sanitizer report from xgate serve"
  fi
  for k in "$ADMIN" "$ANALYST" "$SERVICE" ${EXTRA_KEYS:-}; do
    ! grep -qF -- "${k##*_}" "$SRV_LOG" || fail "a key's secret appears in the server log"
  done
}

# req METHOD PATH [KEY] [BODY] [CONTENT-TYPE]: CODE gets the status, OUT the body ($TMP/out).
req() {
  local method=$1 path=$2 key=${3:-} body=${4-} ctype=${5:-application/json}
  local args=(-s -o "$TMP/out" -w '%{http_code}' -X "$method")
  [ -n "$key" ] && args+=(-H "Authorization: Bearer $key")
  if [ -n "$body" ] || [ $# -ge 4 ]; then
    printf '%s' "$body" >"$TMP/body"
    args+=(-H "Content-Type: $ctype" --data-binary "@$TMP/body")
  fi
  CODE=$(curl "${args[@]}" "$BASE$path")
  OUT=$(cat "$TMP/out")
  ERR=""
}

# req_file METHOD PATH KEY FILE [CONTENT-TYPE]: the body comes from a file (binary safe).
req_file() {
  local ctype=${5:-application/json}
  CODE=$(curl -s -o "$TMP/out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
    -H "Content-Type: $ctype" --data-binary "@$4" "$BASE$2")
  OUT=$(cat "$TMP/out")
}

assert_code() { [ "$CODE" = "$1" ] || fail "HTTP $CODE, expected $1: ${OUT:0:600}"; }
# assert_error STATUS CODE: an error answer of the documented shape.
assert_error() {
  assert_code "$1"
  assert_json "d['error']['code'] == '$2' and 'message' in d['error'] and 'field' in d['error']"
}
