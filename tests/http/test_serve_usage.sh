# Compute accounting over HTTP: POST /v1/usage (service) imports a batch in one transaction and
# keys rows by content; GET /v1/usage/report (analyst) answers the report. Bad rows are 400
# invalid_rows with nothing stored; bad queries and bodies are 4xx; roles are enforced.
. "$XGATE_TESTS/http/lib_http.sh"
start_server
req POST /v1/customers "$ADMIN" '{"id": "cus_h1", "name": "Harbour Compute Ltd", "country": "HK", "headquarters": "HK"}'
assert_code 201

batch='{"rows": [{"customer": "cus_h1", "item": "p5.48xlarge", "count": 2, "start": "2026-01-01T00:00:00Z", "hours": 10},
                 {"customer": "Harbour Compute Ltd", "item": "H100", "count": 1, "start": "2026-01-02", "end": "2026-01-02T05:00:00Z"}]}'
req POST /v1/usage "$SERVICE" "$batch"
assert_code 200
assert_json 'd["added"] == 2 and d["duplicates"] == 0 and d["committed"] is True'
req POST /v1/usage "$SERVICE" "$batch"
assert_code 200
assert_json 'd["added"] == 0 and d["duplicates"] == 2'

# a bad row: nothing of the batch is stored
req POST /v1/usage "$SERVICE" '{"rows": [{"customer": "cus_h1", "item": "H100", "start": "2026-02-01", "hours": 1},
                                        {"customer": "cus_h1", "item": "Z9000", "start": "2026-02-01", "hours": 1},
                                        {"customer": "cus_h1", "item": "H100", "start": "2026-02-02", "hours": -1}]}'
assert_error 400 invalid_rows
assert_json 'd["import"]["unknown_items"] == 1 and d["import"]["negative"] == 1 and d["import"]["added"] == 0 and [p["line"] for p in d["import"]["problems"]] == [2, 3]'
req POST /v1/usage "$SERVICE" '{"rows": []}'
assert_error 400 missing_field
req POST /v1/usage "$SERVICE" '{"rows": [{"customer": "cus_h1"}], "extra": 1}'
assert_error 400 invalid_field
req POST /v1/usage "$SERVICE" '{"rows": [1, "x", null]}'
assert_error 400 invalid_rows
req POST /v1/usage "$SERVICE" 'not json'
assert_code 400
req POST /v1/usage "" "$batch"
assert_code 401

# the report: 2 x 8 x 10 + 5 = 165 H100-hours, 165 x 3600 x 9.895e14 peak operations
req GET /v1/usage/report "$ANALYST"
assert_code 200
assert_json 'len(d["customers"]) == 1 and d["customers"][0]["customer"] == "cus_h1" and d["customers"][0]["accelerator_hours"]["3A090.a"] == 165'
assert_json 'abs(d["customers"][0]["ops_high"] - 0.5 * 165 * 3600 * 15832 / 16 * 1e12) < 1e9 and d["customers"][0]["foreign"] is True'
req GET "/v1/usage/report?from=2026-01-02&to=2026-01-31&customer=cus_h1" "$ANALYST"
assert_code 200
assert_json 'd["customers"][0]["accelerator_hours"]["total"] == 5 and d["period"] == {"from": "2026-01-02", "to": "2026-01-31"}'
# charts=true: every entry carries the chart the HTML report draws (the shared writer), for the
# console: well-formed, one period a row, its segments adding up to the entry's accelerator-hours
req GET "/v1/usage/report?customer=cus_h1&charts=true" "$ANALYST"
assert_code 200
assert_json 'all("chart" in e for e in d["customers"] + d["parents"]) and len(d["customers"]) == 1'
python3 - "$TMP/out" <<'PY' || fail "charts=true: the chart is not the entry's data"
import json, sys, xml.etree.ElementTree as ET
d = json.load(open(sys.argv[1]))
e = d["customers"][0]
fig = ET.fromstring(e["chart"])
assert fig.tag == "figure" and fig.get("class") == "xg-chart" and fig.get("data-chart") == "stacked-timeseries"
assert fig.find("figcaption").text.startswith("cus_h1:")
rows = fig.findall(".//g[@class='row']")
assert len(rows) == int(fig.get("data-rows")) == 2, len(rows)  # 2026-01-01 and 2026-01-02, by day
assert [r.get("data-label") for r in rows] == ["2026-01-01", "2026-01-02"]
segs = fig.findall(".//rect[@class='seg']")
assert all(s.get("fill", "").startswith("#") for s in segs)
assert sum(float(s.get("data-value")) for s in segs) == e["accelerator_hours"]["total"] == 165
PY
req GET "/v1/usage/report?customer=cus_h1" "$ANALYST"
assert_json '"chart" not in d["customers"][0]'
req GET "/v1/usage/report?charts=yes" "$ANALYST"
assert_error 400 invalid_field
req GET "/v1/usage/report?from=yesterday" "$ANALYST"
assert_code 400
req GET "/v1/usage/report?frm=2026-01-01" "$ANALYST"
assert_error 400 unknown_parameter
req GET "/v1/usage/report?customer=nobody" "$ANALYST"
assert_error 404 not_found
req GET /v1/usage/report "$SERVICE"
assert_code 403
req GET /metrics
assert_out_contains 'route="/v1/usage/report"'

stop_server
check_server_log
