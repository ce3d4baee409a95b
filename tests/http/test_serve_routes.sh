# Every route answers with the right role, and every role is refused where it should be.
. "$XGATE_TESTS/http/lib_http.sh"
start_server

# Public routes.
req GET /healthz
assert_code 200
assert_json "d['status'] == 'ok' and d['lists']['records'] > 0 and len(d['lists']['hash']) == 64"
req GET /metrics
assert_code 200
grep -qE '^xgate_http_requests_total\{route="/healthz",code="2xx"\} [1-9]' "$TMP/out" || fail "healthz not counted"
assert_out_contains 'xgate_list_age_seconds'
assert_out_contains 'xgate_decisions_total{decision="REVIEW"}'
assert_out_contains 'xgate_http_request_duration_seconds_bucket{route="/v1/screen",le="+Inf"}'
! grep -vE '^(#|xgate_)' "$TMP/out" | grep -q . || fail "a metric without the xgate_ prefix"
req GET /v1/openapi.json
assert_code 200
assert_json "d['openapi'].startswith('3.') and '/v1/screen' in d['paths'] and '/v1/reviews/{decision_id}' in d['paths']"
req GET /
assert_code 200
assert_out_contains '<script src="/app.js"></script>'
req GET /app.js
assert_code 200
req GET /style.css
assert_code 200
curl -sI "$BASE/" | grep -qi "content-security-policy: default-src 'self'" || fail "console without CSP"
req GET /../../etc/passwd
assert_error 404 not_found
req GET /.hidden
assert_error 404 not_found

# 404 and 405.
req GET /v1/nothing "$ADMIN"
assert_error 404 not_found
req GET /v1/screen "$SERVICE"
assert_error 405 method_not_allowed
curl -s -D "$TMP/h" -o /dev/null "$BASE/v1/screen" && grep -qi '^Allow: POST' "$TMP/h" || fail "405 without Allow"
req DELETE /v1/decisions "$ADMIN"
assert_error 405 method_not_allowed
req POST /healthz "" '{}'
assert_error 405 method_not_allowed

# 401: no key, malformed header, unknown key, and /healthz needs none.
req POST /v1/screen "" '{"name":"x"}'
assert_error 401 unauthorized
CODE=$(curl -s -o "$TMP/out" -w '%{http_code}' -H 'Authorization: Basic Zm9vOmJhcg==' "$BASE/v1/lists")
OUT=$(cat "$TMP/out"); assert_error 401 unauthorized
req GET /v1/lists "xgk_000000000000_0000000000000000000000000000000000000000000000000000000000000000"
assert_error 401 unauthorized
req GET /v1/lists "$(head -c 1000 /dev/zero | tr '\0' a)"
assert_error 401 unauthorized

# Role matrix: service < analyst < admin.
for k in "$SERVICE" "$ANALYST" "$ADMIN"; do
  req POST /v1/screen "$k" '{"name": "Beijing University of Aeronautics and Astronautics"}'
  assert_code 200
  assert_json "d['query'] == 'Beijing University of Aeronautics and Astronautics' and isinstance(d['matches'], list) and d['matches'][0]['score'] >= d['threshold']"
  req GET /v1/lists "$k"
  assert_code 200
done
for path in /v1/decisions /v1/customers /v1/audit/verify /v1/decisions/some-id /v1/customers/some-id; do
  req GET "$path" "$SERVICE"
  assert_error 403 forbidden
done
req POST /v1/reviews/some-id "$SERVICE" '{"action":"clear","reason":"x"}'
assert_error 403 forbidden
for k in "$SERVICE" "$ANALYST"; do
  req POST /v1/lists/reload "$k"
  assert_error 403 forbidden
  req POST /v1/customers "$k" '{"name":"Acme GmbH","country":"DE"}'
  assert_error 403 forbidden
  req POST /v1/keys "$k" '{"role":"admin"}'
  assert_error 403 forbidden
done

# Screening: single and batch; the answer is the CLI's JSON.
req POST /v1/screen "$SERVICE" '{"name": "Beijing University of Aeronautics and Astronautics", "limit": 3, "threshold": 0.7, "country": "CN"}'
assert_code 200
assert_json "len(d['matches']) <= 3 and all(m['score'] >= 0.7 for m in d['matches']) and all(k in d['matches'][0] for k in ('id','source','type','name','matched','score','countries','explanation'))"
req POST /v1/screen/batch "$SERVICE" '{"queries": [{"name": "Beijing University of Aeronautics and Astronautics"}, {"name": "Nobody In Particular Bakery"}, {"name": "四川大学"}]}'
assert_code 200
assert_json "len(d['results']) == 3 and d['results'][1]['matches'] == [] and d['results'][0]['query'] == 'Beijing University of Aeronautics and Astronautics'"
# A batch is screened on several threads at once: its results stay in input order, each the
# same bytes as the query's own /v1/screen answer (a second batch checks the first failing query
# in order is the one reported).
python3 - "$BASE" "$SERVICE" "$XGATE_ROOT/tests/golden/screen_queries.tsv" <<'PY' || fail "batch results differ from single answers"
import http.client, json, sys, urllib.parse
base, key, golden = sys.argv[1:4]
names = [l.rstrip("\n").split("\t", 1)[1] for l in open(golden, encoding="utf-8")
         if not l.startswith("#") and "\t" in l][:80]
queries = [{"name": n, "threshold": 0.6, "limit": 7} for n in names]
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
def post(path, body):
    c.request("POST", path, body=json.dumps(body, ensure_ascii=False).encode(),
              headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    r = c.getresponse()
    return r.status, r.read()
status, data = post("/v1/screen/batch", {"queries": queries})
assert status == 200, (status, data[:300])
results = json.loads(data)["results"]
assert len(results) == len(queries), len(results)
for q, res in zip(queries, results):
    status, one = post("/v1/screen", q)
    assert status == 200, (status, one[:300])
    mine = json.dumps(res, ensure_ascii=False, separators=(",", ":")).encode()
    theirs = json.dumps(json.loads(one), ensure_ascii=False, separators=(",", ":")).encode()
    assert mine == theirs, (q, mine[:300], theirs[:300])
bad = queries[:30] + [{"name": "x", "country": "QQ"}] + queries[30:50] + [{"name": "y", "country": "QZ"}]
status, data = post("/v1/screen/batch", {"queries": bad + queries[50:]})
err = json.loads(data)["error"]
assert status == 400 and err["code"] == "invalid_field" and "'QQ'" in err["message"], (status, data[:300])
PY

# Classification (items and spec).
req POST /v1/classify "$SERVICE" '{"items": ["H100 SXM5 80GB", "RTX 4090"]}'
assert_code 200
assert_json "len(d['results']) == 2 and d['results'][0]['eccn'].startswith('3A090')"
req POST /v1/classify "$SERVICE" '{"spec": "fp8=1979,die=814,datacenter=yes"}'
assert_code 200
assert_json "len(d['results']) == 1 and 'tpp' in d['results'][0]"
req POST /v1/classify "$SERVICE" '{"items": ["no such accelerator 9000"]}'
assert_error 400 unknown_item
assert_json "d['error']['field'] == 'items[0]'"

# Lists, reload, audit.
req GET /v1/lists "$SERVICE"
assert_code 200
assert_json "len(d['hash']) == 64 and d['records'] > 1000 and len(d['sources']) >= 2 and d['files'] and 'loaded_at' in d"
HASH=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hash"])' "$TMP/out")
req POST /v1/lists/reload "$ADMIN"
assert_code 200
assert_json "d['hash'] == '$HASH' and d['age_seconds'] == 0"
req GET /v1/audit/verify "$ANALYST"
assert_code 200
assert_json "d['ok'] is True"

# Customers: admin writes, analyst reads.
req POST /v1/customers "$ADMIN" '{"name": "Example Compute GmbH", "country": "DE", "headquarters": "DE"}'
assert_code 201
assert_json "d['name'] == 'Example Compute GmbH' and d['id']"
CID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/out")
req GET "/v1/customers/$CID" "$ANALYST"
assert_code 200
assert_json "d['name'] == 'Example Compute GmbH'"
req GET "/v1/customers?limit=10" "$ANALYST"
assert_code 200
assert_json "any(c['id'] == '$CID' for c in d['customers'])"
req GET /v1/customers/no-such-customer "$ANALYST"
assert_error 404 not_found
# Posting with the id of a stored record updates it: 200, same id, new fields.
req POST /v1/customers "$ADMIN" "{\"id\": \"$CID\", \"name\": \"Example Compute GmbH\", \"country\": \"DE\", \"headquarters\": \"AT\"}"
assert_code 200
assert_json "d['id'] == '$CID' and d['headquarters'] == 'AT'"

# Keys: an admin creates a key that works at once and is shown once.
req POST /v1/keys "$ADMIN" '{"role": "service", "name": "provisioning"}'
assert_code 201
NEWKEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' "$TMP/out")
EXTRA_KEYS="$NEWKEY"
req POST /v1/screen "$NEWKEY" '{"name": "x"}'
assert_code 200
req POST /v1/keys "$ADMIN" '{"role": "root"}'
assert_error 400 invalid_field

# Decisions: list, unknown id, review of an unknown decision.
req GET "/v1/decisions?decision=REVIEW&status=open&limit=5" "$ANALYST"
assert_code 200
assert_json "'decisions' in d and 'next_cursor' in d"
req GET "/v1/decisions?decision=MAYBE" "$ANALYST"
assert_error 400 invalid_field
req GET "/v1/decisions?limit=0" "$ANALYST"
assert_error 400 invalid_field
# A filter too long to be valid, or a misspelt one, is refused: read as absent, it listed every
# decision (decision=REVIEW followed by 40 letters did, and a 400-digit cursor restarted paging).
req GET "/v1/decisions?decision=REVIEW$(printf 'x%.0s' $(seq 40))" "$ANALYST"
assert_error 400 field_too_long
assert_json "d['error']['field'] == 'decision'"
req GET "/v1/decisions?cursor=$(printf '9%.0s' $(seq 400))" "$ANALYST"
assert_error 400 field_too_long
req GET "/v1/decisions?outcome=REVIEW" "$ANALYST"
assert_error 400 unknown_parameter
assert_json "d['error']['field'] == 'outcome'"
req GET "/v1/customers?limit=5&sort=name" "$ANALYST"
assert_error 400 unknown_parameter
req GET "/v1/customers?limit=5" "$ANALYST"
assert_code 200
req GET /v1/decisions/dec_does_not_exist "$ANALYST"
assert_error 404 not_found
req POST /v1/reviews/dec_does_not_exist "$ANALYST" '{"action": "clear", "reason": "test"}'
assert_error 404 not_found
req POST /v1/reviews/dec_does_not_exist "$ANALYST" '{"action": "approve", "reason": "test"}'
assert_error 400 invalid_field

# The access log names requests and keys by name, never by secret.
stop_server
[ "$SRV_RC" -eq 0 ] || fail "xgate serve exited $SRV_RC after SIGTERM"
check_server_log
grep -q '"POST /v1/screen" 200' "$SRV_LOG" || fail "no access log line"
grep -q 'key=service-test' "$SRV_LOG" || fail "access log lacks the key name"
