# GB18030 and Big5 copies read like the UTF-8 originals; HTML and JSON records are documents too.
. "$XGATE_TESTS/lib.sh"
EX=$SHARED/data/tenders/examples
iconv -f UTF-8 -t GB18030 "$EX/ex04_scu_azure_openai_tokens.txt" >"$TMP/ex04_gb.txt"
iconv -f UTF-8 -t BIG5 "$EX/ex07_hk_traditional_azure.txt" >"$TMP/ex07_big5.txt"
iconv -f UTF-8 -t GBK "$EX/ex02_szu_aws_gpu_result.txt" >"$TMP/ex02_gbk.txt"
run "$X" scan --json "$TMP/ex04_gb.txt" "$TMP/ex07_big5.txt" "$TMP/ex02_gbk.txt"
assert_rc 0
assert_json 'd[0]["encoding"] == "gb18030" and d[0]["fields"]["buyer"] == "四川大学" and d[0]["fields"]["tokens"] == 40000000 and d[0]["flagged"]'
assert_json 'd[1]["encoding"] == "big5" and d[1]["fields"]["buyer"] == "香港數智科研有限公司" and d[1]["fields"]["currency_amount"] == [1200000, "HKD"] and d[1]["language"] == "zh-Hant"'
assert_json 'd[2]["encoding"] == "gb18030" and d[2]["fields"]["supplier"] == "成都运达科技股份有限公司" and d[2]["fields"]["amount_cny"] == 199804'
# offsets are byte offsets into the normalised UTF-8 text: the term sits at that offset
assert_json 'all(m["term"] in m["snippet"] for x in d for m in x["mentions"])'
# HTML with a table, entities and a script
cat >"$TMP/n.html" <<'HTML'
<html><head><script>var x = "Claude";</script></head><body>
<h1>某研究院GPU算力租赁成交结果公告</h1>
<table><tr><td>项目编号</td><td>YJY-2024-77</td></tr>
<tr><td>供应商名称</td><td>某某信息技术有限公司</td></tr>
<tr><td>成交金额</td><td>&#65509;36.8万元</td></tr></table>
<p>租用境外云平台配备NVIDIA&nbsp;H100的GPU实例(p5.48xlarge)</p></body></html>
HTML
run "$X" scan --json "$TMP/n.html"
assert_rc 0
# one JSONL line parses as one object
assert_json 'd["fields"]["project_number"] == "YJY-2024-77" and d["fields"]["amount_cny"] == 368000 and d["flagged"] and "Claude" not in d["models"] and d["instances"] == ["p5.48xlarge"]'
# the ccgp result notice: body amount, not the rounded summary
run "$X" scan --json "$SHARED/data/tenders/real/ccgp_result_notice_LHACG2025000057.sanitized.html" "$SHARED/data/tenders/real/ccgp_result_notice_LHACG2025000057.txt"
assert_rc 0
assert_json 'all(x["fields"]["project_number"] == "LHACG2025000057" and x["fields"]["amount_cny"] == 6687920 and x["fields"]["supplier"] == "深圳市金龙空调电器有限公司" and not x["flagged"] for x in d)'
