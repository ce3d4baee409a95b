# Every class of bad input gets its documented status and error code, and the server survives all
# of it (checked by a healthy /healthz and a clean, sanitizer-quiet exit at the end).
. "$XGATE_TESTS/http/lib_http.sh"
start_server --max-body 65536

# 400: malformed JSON, not an object, invalid UTF-8, nesting, missing and wrong fields.
req POST /v1/screen "$SERVICE" '{"name": "x"'
assert_error 400 invalid_json
req POST /v1/screen "$SERVICE" '["name"]'
assert_error 400 invalid_json
req POST /v1/screen "$SERVICE" '{"name": "a", "name": "b"}'
assert_error 400 invalid_json
req POST /v1/screen "$SERVICE" ''
assert_error 400 invalid_json
printf '{"name": "\xff\xfe bad"}' >"$TMP/bad-utf8"
req_file POST /v1/screen "$SERVICE" "$TMP/bad-utf8"
assert_error 400 invalid_utf8
printf '{"name": "\xc0\xaf overlong"}' >"$TMP/overlong"
req_file POST /v1/screen "$SERVICE" "$TMP/overlong"
assert_error 400 invalid_utf8
python3 -c 'print("{\"name\": \"x\", \"deep\": " + "[" * 5000 + "]" * 5000 + "}")' >"$TMP/deep"
req_file POST /v1/screen "$SERVICE" "$TMP/deep"
assert_error 400 too_deep
req POST /v1/screen "$SERVICE" '{"limit": 3}'
assert_error 400 missing_field
assert_json "d['error']['field'] == 'name'"
req POST /v1/screen "$SERVICE" '{"name": ""}'
assert_error 400 missing_field
req POST /v1/screen "$SERVICE" '{"name": 42}'
assert_error 400 invalid_field
req POST /v1/screen "$SERVICE" '{"name": "x", "threshold": 2}'
assert_error 400 invalid_field
assert_json "d['error']['field'] == 'threshold'"
req POST /v1/screen "$SERVICE" '{"name": "x", "limit": "ten"}'
assert_error 400 invalid_field
req POST /v1/screen "$SERVICE" '{"name": "x", "country": "China"}'
assert_error 400 field_too_long
req POST /v1/screen "$SERVICE" '{"name": "x", "country": "c1"}'
assert_error 400 invalid_field
req POST /v1/screen "$SERVICE" '{"name": "x", "ids": "USCC:1"}'
assert_error 400 invalid_field
req POST /v1/screen "$SERVICE" '{"name": "x", "as_of": "2026-02-30"}'
assert_error 400 invalid_field
req POST /v1/screen "$SERVICE" '{"name": "a\u0000b"}'
assert_error 400 invalid_json
python3 -c 'import json; print(json.dumps({"name": "A" * 5000}))' >"$TMP/long"
req_file POST /v1/screen "$SERVICE" "$TMP/long"
assert_error 400 field_too_long
req POST /v1/screen/batch "$SERVICE" '{"queries": [{"name": "ok"}, {"name": 7}]}'
assert_error 400 invalid_field
assert_json "d['error']['field'] == 'queries[1].name'"
req POST /v1/screen/batch "$SERVICE" '{"queries": {"name": "x"}}'
assert_error 400 invalid_field
req POST /v1/screen "$SERVICE" '{"name": "a\u0000b"}'
assert_error 400 invalid_json
assert_json "'u0000 is not allowed in strings' in d['error']['message'] and 'JSON_' not in d['error']['message']"
req POST /v1/classify "$SERVICE" '{}'
assert_error 400 missing_field
req POST /v1/classify "$SERVICE" '{"items": ["H100 SXM5 80GB"], "spec": "fp8=1"}'
assert_error 400 invalid_field
assert_json "d['error']['field'] == 'spec' and 'not both' in d['error']['message']"
req POST /v1/classify "$SERVICE" '{"items": [1, 2]}'
assert_error 400 invalid_field
req POST /v1/reviews/x "$ANALYST" '{"action": "clear"}'
assert_error 400 missing_field
assert_json "d['error']['field'] == 'reason'"
req POST /v1/decide "$SERVICE" '{"customer": "not an object"}'
assert_code 400
req POST /v1/customers "$ADMIN" '{"customer": ["not", "an", "object"]}'
assert_error 400 invalid_field
req POST /v1/customers "$ADMIN" '{"country": "DE"}'
assert_error 400 missing_field
req POST /v1/customers "$ADMIN" '{"name": "Bad Types GmbH", "owners": "everyone"}'
assert_code 400
req POST /v1/keys "$ADMIN" '{"role": "service", "name": "'"$(head -c 100 /dev/zero | tr '\0' n)"'"}'
assert_error 400 field_too_long

# 413: declared too large (not read), undeclared (chunked) too large, batch too large.
head -c 70000 /dev/zero | tr '\0' ' ' >"$TMP/big"
req_file POST /v1/screen "$SERVICE" "$TMP/big"
assert_error 413 body_too_large
CODE=$(curl -s -o "$TMP/out" -w '%{http_code}' -H "Authorization: Bearer $SERVICE" \
  -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary "@$TMP/big" \
  "$BASE/v1/screen")
OUT=$(cat "$TMP/out"); assert_error 413 body_too_large
python3 -c 'import json; print(json.dumps({"queries": [{"name": "n%d" % i} for i in range(1001)]}))' >"$TMP/batch"
req_file POST /v1/screen/batch "$SERVICE" "$TMP/batch"
assert_error 413 batch_too_large

# 415: a POST body that is not JSON.
req POST /v1/screen "$SERVICE" 'name=x' application/x-www-form-urlencoded
assert_error 415 unsupported_media_type
req POST /v1/screen "$SERVICE" '{"name": "x"}' text/plain
assert_error 415 unsupported_media_type
req POST /v1/screen "$SERVICE" '{"name": "x"}' 'application/json; charset=utf-8'
assert_code 200

# Random garbage bodies and headers never crash the server.
for i in $(seq 1 40); do
  head -c $((RANDOM % 3000 + 1)) /dev/urandom >"$TMP/rand"
  for path in /v1/screen /v1/screen/batch /v1/classify /v1/decide /v1/customers /v1/keys /v1/reviews/x; do
    curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
      --data-binary "@$TMP/rand" "$BASE$path" || true
  done
done
# Raw, broken HTTP on the socket.
python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
for raw in [b"GARBAGE\r\n\r\n", b"POST /v1/screen HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
            b"POST /v1/screen HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
            b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\n\r\n", b"GET / HTTP/1.1\r\nX: " + b"y" * 70000 + b"\r\n\r\n",
            b"POST /v1/screen HTTP/1.1\r\nContent-Length: 10\r\n\r\n{\"na"]:
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(15)
    try:
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
        s.recv(4096)
    except OSError:
        pass
    s.close()
PY
req GET /healthz
assert_code 200

stop_server
[ "$SRV_RC" -eq 0 ] || fail "xgate serve exited $SRV_RC after SIGTERM"
check_server_log

# A default policy or date that no decision could use stops the start, naming the choices; before,
# the server ran and every POST /v1/decide answered 400.
run "$X" serve --policy lenient --listen 127.0.0.1:0 --db "$DB"
assert_rc_nonzero
assert_err_contains "--policy lenient: no such policy profile (there are: "
assert_err_contains "provider"
run "$X" serve --as-of 2026-13-45 --listen 127.0.0.1:0 --db "$DB"
assert_rc_nonzero
assert_err_contains "--as-of 2026-13-45: expected a date YYYY-MM-DD"
