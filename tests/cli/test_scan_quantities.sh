# Quantities worked out, with the arithmetic as evidence (a mention of category "quantity"):
# GPUs as servers × cards a server, token counts and GPU-hours of line items summed, a stated
# total not counted twice, a repeated value counted once, news reports keep the largest value.
. "$XGATE_TESTS/lib.sh"
cat >"$TMP/q.txt" <<'TXT'
某大学智算中心GPU服务器租赁项目采购公告
项目编号：Q-2025-01
采购人：某大学
采购需求：租用 500 台服务器，每台 8 卡 H100，另租10台4卡GPU服务器。
模型调用：采购大模型调用额度 1000万tokens（文本）及 2000万tokens（多模态）。
训练算力：30万卡时，推理算力：5万卡时。
TXT
cat >"$TMP/t.txt" <<'TXT'
某研究院大模型API调用服务采购公告
项目编号：Q-2025-02
采购人：某研究院
服务内容：Azure OpenAI 调用额度合计 3000万tokens，其中 GPT-4o 1000万tokens，GPT-4 2000万tokens。
算力：8卡服务器16台，另需 3000万tokens 备用说明同上。
TXT
cat >"$TMP/en.txt" <<'TXT'
Invitation to Tender: GPU cloud for model training
Tender Reference: EN-Q-1
Procuring Entity: Example Institute of Technology
Requirement: 64 servers with 8 H100 GPUs each, in an overseas AWS region.
TXT
run "$X" scan --json "$TMP/q.txt" "$TMP/t.txt" "$TMP/en.txt"
assert_rc 0
assert_json 'd[0]["fields"]["gpus"] == 4040 and d[0]["fields"]["servers"] == 500'
assert_json '[m["canonical"] for m in d[0]["mentions"] if m["category"] == "quantity"] == ["gpus = 500 × 8 + 10 × 4 = 4040", "tokens = 10000000 + 20000000 = 30000000", "gpu_hours = 300000 + 50000 = 350000"]'
assert_json '[m["term"] for m in d[0]["mentions"] if m["category"] == "quantity"][0] == "500 台服务器,每台 8 卡"'
assert_json 'd[0]["fields"]["tokens"] == 30000000 and d[0]["fields"]["gpu_hours"] == 350000'
# the offset of the evidence points at the phrase in the normalised text
assert_json 'all(m["term"] in m["snippet"] for m in d[0]["mentions"])'
# "合计 3000万 … 其中 1000万 … 2000万": the stated total, not 6000万; "8卡服务器16台" = 128 GPUs
assert_json 'd[1]["fields"]["tokens"] == 30000000 and d[1]["fields"]["gpus"] == 128'
assert_json '"tokens = 10000000 + 20000000 = 30000000 (the total stated)" in [m["canonical"] for m in d[1]["mentions"]]'
assert_json '"gpus = 16 × 8 = 128" in [m["canonical"] for m in d[1]["mentions"]]'
assert_json 'd[2]["fields"]["gpus"] == 512 and "gpus = 64 × 8 = 512" in [m["canonical"] for m in d[2]["mentions"]]'
# the arithmetic is shown in the report's evidence
run "$X" scan --report "$TMP/r.html" "$TMP/q.txt"
assert_rc 0
grep -q "gpus = 500 × 8 + 10 × 4 = 4040" "$TMP/r.html" || fail "report lacks the arithmetic"
# a news report describes several notices: the largest count, no sum
run "$X" scan --json "$SHARED/data/tenders/news"
assert_json 'd[1]["fields"]["tokens"] == 40000000 and not any(m["category"] == "quantity" and m["canonical"].startswith("tokens") for m in d[1]["mentions"])'
