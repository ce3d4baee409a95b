# The body of the /v1/decide/batch tests, sourced by test_serve_decide_batch.sh (SQLite) and
# test_serve_decide_batch_pg.sh (PostgreSQL) once the server runs: a batch is decided and recorded
# as a whole (consecutive chain positions, every decision readable), a bad request fails the batch
# with its index and field and records nothing, and the chain verifies.
REVIEW_REQ='{"customer": {"name": "Harbour Bridge Trading Ltd", "country": "HK", "headquarters": "HK"},
  "intermediaries": [{"name": "Pearl River GPU Rentals", "country": "HK", "role": "reseller", "names_end_user": false}],
  "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
  "access": {"source_country": "HK", "payment_country": "HK", "end_use": "inference", "source_ip": "203.0.113.7"}}'
CLEAN_REQ='{"customer": {"name": "Nordlicht Analytics GmbH", "country": "DE", "headquarters": "DE"},
  "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
  "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"}}'
BAD_REQ='{"customer": {"name": "X", "country": "ZZ"}, "resource": {"kind": "chip", "item": "H100 SXM5 80GB"}}'

rows() { "$X" audit verify --db "$DB" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["ok"], d; print(d["rows"])'; }

req POST /v1/decide/batch "$SERVICE" "{\"requests\": [$REVIEW_REQ, $CLEAN_REQ, $REVIEW_REQ]}"
assert_code 200
assert_json "len(d['decisions']) == 3 and d['decisions'][0]['decision'] == 'REVIEW' and d['decisions'][2]['decision'] == 'REVIEW'"
assert_json "[x['audit']['seq'] for x in d['decisions']] == [1, 2, 3] and all(x['decision_id'] and x['created'] for x in d['decisions'])"
IDS=$(python3 -c 'import json,sys; print(" ".join(x["decision_id"] for x in json.load(open(sys.argv[1]))["decisions"]))' "$TMP/out")
for id in $IDS; do
  req GET "/v1/decisions/$id" "$ANALYST"
  assert_code 200
  assert_json "d['decision_id'] == '$id' and d['audit']['seq'] in (1, 2, 3)"
done
[ "$(rows)" = 3 ] || fail "audit rows after the batch: $(rows)"

# One bad request fails the whole batch, names its index and field, and records nothing.
req POST /v1/decide/batch "$SERVICE" "{\"requests\": [$CLEAN_REQ, $BAD_REQ, $CLEAN_REQ]}"
assert_error 400 invalid_request
assert_json "d['error']['field'] == 'requests[1].customer.country'"
[ "$(rows)" = 3 ] || fail "a failed batch recorded decisions: $(rows) audit rows"

# The body's shape and size.
req POST /v1/decide/batch "$SERVICE" '{}'
assert_error 400 missing_field
assert_json "d['error']['field'] == 'requests'"
req POST /v1/decide/batch "$SERVICE" '{"requests": {}}'
assert_error 400 invalid_field
python3 -c 'import json; print(json.dumps({"requests": [{}] * 1001}))' >"$TMP/big.json"
req_file POST /v1/decide/batch "$SERVICE" "$TMP/big.json"
assert_error 413 batch_too_large
req POST /v1/decide/batch "" "{\"requests\": [$CLEAN_REQ]}"
assert_code 401
req POST /v1/decide/batch "$SERVICE" '{"requests": []}'
assert_code 200
assert_json "d['decisions'] == []"

# A batch of 200 is recorded whole: 200 more chain rows, in order.
python3 - "$CLEAN_REQ" >"$TMP/b200.json" <<'PY'
import json, sys
print(json.dumps({"requests": [json.loads(sys.argv[1])] * 200}))
PY
req_file POST /v1/decide/batch "$SERVICE" "$TMP/b200.json"
assert_code 200
assert_json "[x['audit']['seq'] for x in d['decisions']] == list(range(4, 204))"
[ "$(rows)" = 203 ] || fail "audit rows after the batch of 200: $(rows)"
stop_server
check_server_log
