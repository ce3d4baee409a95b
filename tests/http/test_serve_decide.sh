# Decisions over HTTP: decide, read back, the review queue, clear and confirm with the key's name
# as reviewer, metrics by outcome, and an audit chain that still verifies.
. "$XGATE_TESTS/http/lib_http.sh"
start_server --policy provider

REVIEW_REQ='{"customer": {"name": "Harbour Bridge Trading Ltd", "country": "HK", "headquarters": "HK"},
  "intermediaries": [{"name": "Pearl River GPU Rentals", "country": "HK", "role": "reseller", "names_end_user": false}],
  "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
  "access": {"source_country": "HK", "payment_country": "HK", "end_use": "inference"}}'
CLEAN_REQ='{"customer": {"name": "Nordlicht Analytics GmbH", "country": "DE", "headquarters": "DE"},
  "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
  "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"}}'

id_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["decision_id"])' "$TMP/out"; }

# A decision that waits for review (a reseller that will not name its end user).
req POST /v1/decide "$SERVICE" "$REVIEW_REQ"
assert_code 200
assert_json "d['decision'] == 'REVIEW' and d['decision_id'] and d['reasons'] and all(k in d['reasons'][0] for k in ('rule','citation','detail','evidence')) and d['audit']['seq'] >= 1"
R1=$(id_of)
req POST /v1/decide "$SERVICE" "$REVIEW_REQ"
R2=$(id_of)
req POST /v1/decide "$SERVICE" "$CLEAN_REQ"
assert_code 200
assert_json "d['decision'] in ('ALLOW', 'REVIEW') and d['versions']['policy'] == 'provider'"
# The request's own policy overrides the server default.
req POST /v1/decide "$SERVICE" "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["policy"]="ear"; print(json.dumps(d))' "$CLEAN_REQ")"
assert_code 200
assert_json "d['versions']['policy'] == 'ear'"

# Bad decision requests name the field.
req POST /v1/decide "$SERVICE" '{"customer": {"name": "X", "country": "CN"}, "resource": {"kind": "chip", "item": "no such chip 9000"}}'
assert_code 400
assert_json "d['error']['code'] in ('unknown_value', 'invalid_request') and d['error']['message'] and d['error']['field'] == 'resource.item'"
req POST /v1/decide "$SERVICE" '{"customer": {"name": "X", "country": "CN"}, "resource": {"kind": "chip", "item": "H100 SXM5 80GB"}, "policy": "lenient"}'
assert_error 400 unknown_value
assert_json "d['error']['field'] == 'policy'"
req POST /v1/decide "$SERVICE" '{"customer": {"name": "X", "country": "ZZ"}, "resource": {"kind": "chip", "item": "H100 SXM5 80GB"}}'
assert_error 400 invalid_request
assert_json "d['error']['field'] == 'customer.country'"
req POST /v1/decide "$SERVICE" '{"customer": {"name": "X", "country": "DE"}, "resource": {"kind": "chip", "item": "H100 SXM5 80GB"}, "intermediaries": [{"name": 5}]}'
assert_error 400 invalid_request
assert_json "d['error']['field'] == 'intermediaries[0].name'"

# Read back: the analyst sees the decision with reasons, parties and review status.
req GET "/v1/decisions/$R1" "$ANALYST"
assert_code 200
assert_json "d['decision_id'] == '$R1' and d['decision'] == 'REVIEW' and d['review_status'] == 'open' and d['response']['parties']"
req GET "/v1/decisions?decision=REVIEW&status=open" "$ANALYST"
assert_code 200
assert_json "{'$R1', '$R2'} <= {x['decision_id'] for x in d['decisions']}"
# Paging by cursor walks every decision exactly once.
req GET "/v1/decisions?limit=1" "$ANALYST"
assert_json "len(d['decisions']) == 1 and d['next_cursor']"
CUR=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["next_cursor"])' "$TMP/out")
req GET "/v1/decisions?limit=1&cursor=$CUR" "$ANALYST"
assert_json "len(d['decisions']) == 1 and d['decisions'][0]['decision_id'] != '$R1'"

# Resolve: clear one, confirm the other; the reviewer is the key's name.
req POST "/v1/reviews/$R1" "$ANALYST" '{"action": "clear", "reason": "End user named in writing."}'
assert_code 200
assert_json "d['action'] == 'clear' and d['outcome'] == 'ALLOW' and d['reviewer'] == 'analyst-test'"
req POST "/v1/reviews/$R2" "$ADMIN" '{"action": "confirm", "reason": "Reseller refused twice."}'
assert_code 200
assert_json "d['outcome'] == 'DENY' and d['reviewer'] == 'admin-test'"
req POST "/v1/reviews/$R1" "$ANALYST" '{"action": "confirm", "reason": "again"}'
assert_error 409 not_open
req GET "/v1/decisions/$R1" "$ANALYST"
assert_json "d['review_status'] == 'resolved' and d['final_outcome'] == 'ALLOW' and d['decision'] == 'REVIEW' and d['reviews'][0]['reviewer'] == 'analyst-test'"
req GET "/v1/decisions?decision=REVIEW&status=open" "$ANALYST"
assert_json "not ({'$R1', '$R2'} & {x['decision_id'] for x in d['decisions']})"

# Metrics count decisions by outcome and reviews by action.
req GET /metrics
grep -qE '^xgate_decisions_total\{decision="REVIEW"\} [2-9]' "$TMP/out" || fail "REVIEW decisions not counted"
assert_out_contains 'xgate_reviews_total{action="clear"} 1'
assert_out_contains 'xgate_reviews_total{action="confirm"} 1'

# The audit chain verifies over HTTP and through the CLI, also after the server stops.
req GET /v1/audit/verify "$ANALYST"
assert_code 200
assert_json "d['ok'] is True and d['rows'] >= 6"
stop_server
[ "$SRV_RC" -eq 0 ] || fail "xgate serve exited $SRV_RC after SIGTERM"
check_server_log
run "$X" audit verify --db "$DB"
assert_rc 0
