# xgate scan on the labelled examples: every field of labels.json, JSONL shape, linking.
. "$XGATE_TESTS/lib.sh"
EX=$SHARED/data/tenders/examples
run "$X" scan --json "$EX"
assert_rc 0
python3 - "$TMP/out" "$EX/labels.json" <<'PY' || fail "labels.json mismatch"
import json, sys, os
docs = {os.path.basename(d["document"]): d for d in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
labels = json.load(open(sys.argv[2], encoding="utf-8"))
keys = ["document","language","encoding","notice_type","flagged","risk","score","signals","providers",
        "chips","instances","models","mentions","fields","parties","items","linked"]
bad = []
for d in docs.values():
    if list(d) != keys: bad.append(("keys", d["document"], list(d)))
    # the issue's fields, then the other quantities it asks for (servers, GPU-hours)
    if list(d["fields"]) != ["project_number", "title", "buyer", "agency", "supplier", "amount_cny",
                             "currency_amount", "date", "tokens", "gpus", "servers", "gpu_hours"]:
        bad.append(("fields keys", d["document"], list(d["fields"])))
    if any(list(m) != ["category", "term", "canonical", "offset", "snippet"] for m in d["mentions"]):
        bad.append(("mention keys", d["document"]))
    if any(list(p) != ["role", "name", "screening"] or p["role"] not in ("buyer", "supplier", "mentioned") for p in d["parties"]):
        bad.append(("party keys", d["document"]))
    if any(list(i) != ["item", "eccn"] for i in d["items"]): bad.append(("item keys", d["document"]))
    if d["notice_type"] not in ("procurement", "result", "single_source", "intention", "correction",
                                "termination", "contract", "news", "other"): bad.append(("type", d["notice_type"]))
for name, lab in labels.items():
    if name.startswith("_"): continue
    d = docs[name]; f = d["fields"]
    for k in ("flagged", "notice_type"):
        if lab[k] != d[k]: bad.append((name, k, d[k]))
    for k in ("project_number", "buyer", "agency", "supplier", "date", "amount_cny", "tokens", "currency_amount"):
        if k in lab and lab[k] != f[k]: bad.append((name, k, f[k]))
    for k in ("providers", "chips", "models", "instances"):
        if k in lab and sorted(lab[k]) != sorted(d[k]): bad.append((name, k, d[k]))
    if not set(lab.get("signals", [])) <= set(d["signals"]): bad.append((name, "signals", d["signals"]))
    if "buyer_listed" in lab:
        b = [p for p in d["parties"] if p["role"] == "buyer"][0]
        if not b["screening"] or b["screening"][0]["name"] != "Sichuan University" or d["risk"] != "high":
            bad.append((name, "buyer_listed", b))
    for m in d["mentions"]:
        if not {"category","term","canonical","offset","snippet"} <= set(m): bad.append((name, "mention", m))
    if not 0 <= d["score"] <= 1 or d["risk"] not in ("high","medium","low","none"): bad.append((name, "score", d["score"]))
if "ex02_szu_aws_gpu_result.txt" not in [os.path.basename(x) for x in docs["ex01_szu_aws_gpu_notice.txt"]["linked"]]:
    bad.append(("ex01", "linked", docs["ex01_szu_aws_gpu_notice.txt"]["linked"]))
print(bad)
sys.exit(1 if bad else 0)
PY
# the human summary puts the provider and the intermediary of one project together
run "$X" scan "$EX"
assert_rc 0
assert_out_contains "SZU-CG-2024-0318"
assert_out_contains "intermediary (supplier): 成都运达科技股份有限公司"
assert_out_contains "providers: AWS"
assert_out_contains "8 documents, 6 flagged"
# replicated notices: a copy links to the originals only, and the summary counts the copies
for c in a b c; do mkdir -p "$TMP/rep/$c"; cp "$EX"/ex0[12]_*.txt "$TMP/rep/$c/"; done
run "$X" scan --json "$TMP/rep"
assert_rc 0
assert_json 'sum(len(x["linked"]) for x in d) == 2 + 4 * 2'
assert_json 'all(all("/rep/a/" in l for l in x["linked"]) for x in d)'
run "$X" scan "$TMP/rep"
assert_rc 0
assert_out_contains "and 4 identical copies of these documents"
assert_out_contains "6 documents, 6 flagged, 1 findings"
# an English (Hong Kong style) notice: the labels English tenders use
cat >"$TMP/hk_en.txt" <<'TXT'
Notice of Award
Project number: HKAI-2024-EN-7
Project title: GPU cloud computing services
Buyer: Lingnan University
Successful tenderer: Harbour Cloud Technology Limited
Contract value: HK$3.5 million
Date of award: 2024-05-06
Scope: rental of Azure ND H100 v5 virtual machines in an overseas region.
TXT
run "$X" scan --json "$TMP/hk_en.txt"
assert_rc 0
assert_json 'd["fields"]["project_number"] == "HKAI-2024-EN-7" and d["fields"]["buyer"] == "Lingnan University" and d["fields"]["supplier"] == "Harbour Cloud Technology Limited"'
assert_json 'd["fields"]["currency_amount"] == [3500000, "HKD"] and d["fields"]["date"] == "2024-05-06" and d["language"] == "en"'
assert_json 'd["flagged"] and d["providers"] == ["Azure"] and "intermediary" in d["signals"]'
# a notice that names its buyer only in its heading (Beihang, on the Entity List, renting H200s)
printf '北京航空航天大学H200算力租赁服务采购公告\n项目编号：BUAA-2025-12\n采购需求：租赁H200 GPU算力服务，64张GPU卡。\n' >"$TMP/buaa.txt"
run "$X" scan --json "$TMP/buaa.txt"
assert_rc 0
assert_json 'd["fields"]["buyer"] == "北京航空航天大学" and d["fields"]["title"] == "北京航空航天大学H200算力租赁服务采购公告" and d["fields"]["gpus"] == 64'
assert_json 'd["flagged"] and d["risk"] == "high" and "listed_buyer" in d["signals"] and d["parties"][0]["screening"]'
