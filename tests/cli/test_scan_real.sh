# Real notices and news: carrier records are domestic buys (not flagged), records are named FILE#N,
# the news reports name providers, chips, amounts, and Sichuan University is on the Entity List.
. "$XGATE_TESTS/lib.sh"
R=$SHARED/data/tenders/real
run "$X" scan --json "$R"
assert_rc 0
assert_json 'len([x for x in d if "carrier_soe" in x["document"]]) == 175'
assert_json 'not any(x["flagged"] for x in d if "carrier_soe" in x["document"])'
assert_json 'any(x["document"].endswith("carrier_soe_notices_random_nonhits.jsonl#1") for x in d)'
assert_json '[x["fields"]["supplier"] for x in d if x["document"].endswith("zhongbiao_result_5.json#1")] == ["湖北昊源建设工程有限公司"]'
run "$X" scan --json "$SHARED/data/tenders/news"
assert_rc 0
assert_json 'all(x["notice_type"] == "news" and x["language"] == "en" and x["flagged"] for x in d)'
assert_json 'sorted(d[1]["providers"]) == ["AWS", "Azure"] and sorted(d[1]["chips"]) == ["A100", "H100"]'
# "Microsoft’s cloud solutions" in the analysis piece is Azure
assert_json 'sorted(d[0]["providers"]) == ["AWS", "Azure"]'
assert_json 'd[1]["fields"]["amount_cny"] == 200000 and d[1]["fields"]["tokens"] == 40000000'
assert_json '[p["screening"][0]["name"] for p in d[1]["parties"] if p["name"] == "Sichuan University"] == ["Sichuan University"]'
assert_json '"Shenzhen University" in [p["name"] for p in d[1]["parties"]]'
# portal records are titled by their "title" key whatever the key order; notices without a
# 项目名称 line by their heading
run "$X" scan --json "$R"
assert_json 'all(x["fields"]["title"] for x in d if "carrier_soe" in x["document"])'
assert_json '[x["fields"]["title"] for x in d if x["document"].endswith("compute_keyword_hits.jsonl#1")] == ["关于征集浙江公司某智算项目设备采购技术规范书意见的公告"]'
