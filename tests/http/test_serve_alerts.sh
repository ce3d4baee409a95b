# Monitoring alerts over HTTP: GET /v1/alerts (analyst) lists what `xgate monitor run` opened;
# POST /v1/alerts/{id} clears or confirms one (confirm DENYs the customer's pending decision);
# errors are answered in the documented shape; /metrics counts alerts by status.
. "$XGATE_TESTS/http/lib_http.sh"
start_server --policy provider
L="$SHARED/data/lists/dod_1260h_2026.xgate.csv"
req POST /v1/customers "$ADMIN" '{"name": "Huawei Technologies Co Ltd", "country": "CN"}'
assert_code 201
req POST /v1/customers "$ADMIN" '{"name": "Qihoo 360 Technology", "country": "CN"}'
assert_code 201
"$X" monitor run --db "$DB" --list "$L" --json >"$TMP/mon.json" 2>"$TMP/mon.err" || fail "monitor run: $(cat "$TMP/mon.err")"
req GET /v1/alerts "$ANALYST"
assert_code 200
assert_json "d['status'] == 'open' and sorted(a['party']['name'] for a in d['alerts']) == ['Huawei Technologies Co Ltd', 'Qihoo 360 Technology']"
HW=$(python3 -c "import json; print([a['id'] for a in json.load(open('$TMP/out'))['alerts'] if a['party']['name'].startswith('Huawei')][0])")
QH=$(python3 -c "import json; print([a['id'] for a in json.load(open('$TMP/out'))['alerts'] if a['party']['name'].startswith('Qihoo')][0])")
req GET /v1/alerts "$SERVICE"
assert_code 403
req GET "/v1/alerts?status=bogus" "$ANALYST"
assert_error 400 invalid_field
req GET "/v1/alerts?colour=red" "$ANALYST"
assert_error 400 unknown_parameter
# a decision for the alerted customer goes to REVIEW; confirming the alert DENYs it
req POST /v1/decide "$SERVICE" '{"customer": {"name": "Huawei Technologies Co Ltd", "country": "DE", "headquarters": "DE"},
  "resource": {"kind": "model", "provider": "azure", "item": "Azure OpenAI", "tokens": 4000},
  "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"}}'
assert_code 200
assert_json "d['decision'] == 'REVIEW' and any(r['rule'] == 'open_monitor_alert' for r in d['reasons'])"
DEC=$(python3 -c "import json; print(json.load(open('$TMP/out'))['decision_id'])")
req POST "/v1/alerts/$HW" "$ANALYST" '{"action": "confirm", "reason": "the listed Huawei"}'
assert_code 200
assert_json "d['status'] == 'confirmed' and d['denied'] == ['$DEC'] and d['resolution']['reviewer'] == 'analyst-test'"
req GET "/v1/decisions/$DEC" "$ANALYST"
assert_json "d['final_outcome'] == 'DENY'"
req POST "/v1/alerts/$QH" "$ANALYST" '{"action": "clear", "reason": "a different Qihoo"}'
assert_code 200
assert_json "d['status'] == 'cleared'"
req POST "/v1/alerts/$QH" "$ANALYST" '{"action": "clear", "reason": "again"}'
assert_error 409 not_open
req POST "/v1/alerts/alr_unknown" "$ANALYST" '{"action": "clear", "reason": "x"}'
assert_error 404 not_found
req POST "/v1/alerts/$QH" "$ANALYST" '{"action": "forget", "reason": "x"}'
assert_error 400 invalid_field
req POST "/v1/alerts/$QH" "$ANALYST" '{"action": "clear", "reason": ""}'
assert_error 400 missing_field
req GET "/v1/alerts?status=all" "$ANALYST"
assert_json "sorted(a['status'] for a in d['alerts']) == ['cleared', 'confirmed']"
req GET /metrics
assert_code 200
grep -q '^xgate_alerts{status="cleared"} 1$' "$TMP/out" || fail "metrics lack the cleared alert: $(grep alerts "$TMP/out")"
grep -q '^xgate_alerts{status="confirmed"} 1$' "$TMP/out" || fail "metrics lack the confirmed alert"
grep -q '^xgate_alerts{status="open"} 0$' "$TMP/out" || fail "metrics open count"
