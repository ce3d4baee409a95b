# The intermediary network across notices (tests/scan/network: two intermediaries serving several
# Entity-List buyers, one of them written four ways): ranking, name resolution, repeat buyers,
# evidence, the JSON line, GraphML (validated against tests/scan/graphml.xsd) and the report.
. "$XGATE_TESTS/lib.sh"
NET=$XGATE_TESTS/scan/network
run "$X" scan --json --network --graph "$TMP/g.graphml" --report "$TMP/r.html" "$NET"
assert_rc 0
tail -n 1 "$TMP/out" >"$TMP/net.json"
python3 - "$TMP/net.json" "$NET" <<'PY' || fail "network JSON"
import json, sys, os
net = json.load(open(sys.argv[1], encoding="utf-8"))["network"]
base = lambda p: os.path.basename(p)
nodes = {n["id"]: n for n in net["nodes"]}
bad = []
if list(net) != ["nodes", "edges", "intermediaries", "repeat_buyers"]: bad.append(("keys", list(net)))
# the supplier written four ways (legal forms, traditional, English) is one node with every spelling
zs = [n for n in net["nodes"] if "北京智算云科技有限公司" in n["names"]]
if len(zs) != 1: bad.append(("zhisuanyun nodes", len(zs)))
else:
    z = zs[0]
    want = {"北京智算云科技有限公司", "北京智算云科技股份有限公司", "北京智算雲科技有限公司"}
    if not want <= set(z["names"]) or not any(s.startswith("Beijing Zhisuanyun") for s in z["names"]):
        bad.append(("spellings", z["names"]))
    if z["name"] != "北京智算云科技有限公司" or z["kind"] != "supplier": bad.append(("name", z["name"], z["kind"]))
# 哈尔滨工业大学 and Harbin Institute of Technology: one buyer
hit = [n for n in net["nodes"] if "哈尔滨工业大学" in n["names"]]
if len(hit) != 1 or "Harbin Institute of Technology" not in hit[0]["names"]: bad.append(("harbin", hit))
# ranking: the intermediary of three listed buyers first, then the one of two listed and one flagged
im = net["intermediaries"]
names = [c["name"] for c in im]
if names != ["北京智算云科技有限公司", "上海海岸数据服务有限公司", "杭州小云网络有限公司"]: bad.append(("rank", names))
c0, c1, c2 = im
if (c0["rank"], c0["buyers"], c0["listed_buyers"], c0["flagged_buyers"]) != (1, 3, 3, 3): bad.append(("c0", c0))
if (c1["rank"], c1["buyers"], c1["listed_buyers"], c1["flagged_buyers"]) != (2, 3, 2, 3): bad.append(("c1", c1))
if (c2["buyers"], c2["listed_buyers"], c2["deals"]) != (1, 0, 1): bad.append(("c2 (the domestic deal is not one)", c2))
if c0["deals"] != 4 or c0["amount_cny"] != 500000 + 800000 + 300000 + 350000: bad.append(("c0 amount", c0["deals"], c0["amount_cny"]))
if sorted(base(d) for d in c0["documents"]) != ["net_n1.txt", "net_n2.txt", "net_n3.txt", "net_n9.txt"]:
    bad.append(("c0 evidence", c0["documents"]))
served = {s["name"]: s for s in c0["served"]}
if set(served) != {"四川大学", "国防科技大学", "哈尔滨工业大学"}: bad.append(("served", list(served)))
if served.get("国防科技大学", {}).get("listed", {}).get("match", "").find("Defense Technology") < 0: bad.append(("nudt listed", served.get("国防科技大学")))
if sorted(base(d) for d in served["哈尔滨工业大学"]["documents"]) != ["net_n3.txt", "net_n9.txt"]: bad.append(("harbin evidence", served["哈尔滨工业大学"]))
# repeat buyers: 四川大学 through two intermediaries; 哈尔滨工业大学 twice through one
rb = {r["name"]: r for r in net["repeat_buyers"]}
if set(rb) != {"四川大学", "哈尔滨工业大学"}: bad.append(("repeat buyers", list(rb)))
else:
    s = rb["四川大学"]
    if s["purchases"] != 2 or sorted(s["intermediaries"]) != sorted(["北京智算云科技有限公司", "上海海岸数据服务有限公司"]) \
       or "several_intermediaries" not in s["why"] or s["listed"]["match"] != "Sichuan University":
        bad.append(("scu", s))
    if sorted(base(d) for d in s["documents"]) != ["net_n1.txt", "net_n5.txt"]: bad.append(("scu evidence", s["documents"]))
    h = rb["哈尔滨工业大学"]
    if h["why"] != ["repeatedly"] or h["purchases"] != 2: bad.append(("hit", h))
# edges: who bought from whom, the intermediaries resell AWS / Azure / models
ek = {(nodes[e["source"]]["name"], nodes[e["target"]]["name"], e["kind"]) for e in net["edges"]}
for want in [("四川大学", "北京智算云科技有限公司", "buys_from"), ("四川大学", "上海海岸数据服务有限公司", "buys_from"),
             ("北京智算云科技有限公司", "AWS", "resells"), ("上海海岸数据服务有限公司", "Azure", "resells"),
             ("北京智算云科技有限公司", "GPT-4o", "resells")]:
    if want not in ek: bad.append(("edge", want))
for e in net["edges"]:
    if e["source"] not in nodes or e["target"] not in nodes or not e["documents"]: bad.append(("edge refs", e))
if any(n["kind"] not in ("buyer", "supplier", "provider", "model") for n in net["nodes"]): bad.append("kinds")
# the domestic notice (华为昇腾) is no deal: 浙江大学 has one deal only
zju = [n for n in net["nodes"] if n["name"] == "浙江大学"]
if not zju or zju[0]["deals"] != 1: bad.append(("zju", zju))
print(bad)
sys.exit(1 if bad else 0)
PY
# GraphML: well-formed, valid against the schema, and the same nodes and edges as the JSON
command -v xmllint >/dev/null || fail "xmllint is missing (libxml2-utils)"
xmllint --noout --schema "$XGATE_TESTS/scan/graphml.xsd" "$TMP/g.graphml" 2>"$TMP/xmllint.err" ||
  fail "GraphML does not validate: $(cat "$TMP/xmllint.err")"
python3 - "$TMP/g.graphml" "$TMP/net.json" <<'PY' || fail "GraphML content"
import json, sys
import xml.etree.ElementTree as ET
G = "{http://graphml.graphdrawing.org/xmlns}"
root = ET.parse(sys.argv[1]).getroot()
net = json.load(open(sys.argv[2], encoding="utf-8"))["network"]
g = root.find(G + "graph")
nodes = g.findall(G + "node"); edges = g.findall(G + "edge")
keys = {k.get("id"): k.get("attr.name") for k in root.findall(G + "key")}
label = {n.get("id"): next(d.text for d in n.findall(G + "data") if keys[d.get("key")] == "label") for n in nodes}
assert len(nodes) == len(net["nodes"]) and len(edges) == len(net["edges"]), (len(nodes), len(edges))
assert label == {n["id"]: n["name"] for n in net["nodes"]}, label
assert [(e.get("source"), e.get("target")) for e in edges] == [(e["source"], e["target"]) for e in net["edges"]]
assert "北京智算雲科技有限公司" in open(sys.argv[1], encoding="utf-8").read()
PY
# the summary names the ranking and the repeat buyer with their documents
run "$X" scan "$NET"
assert_rc 0
assert_out_contains "1. 北京智算云科技有限公司: 3 buyers (3 listed, 3 flagged), 4 deals, 1950000.00 CNY"
assert_out_contains "2. 上海海岸数据服务有限公司: 3 buyers (2 listed, 3 flagged), 3 deals"
assert_out_contains "written as: 北京智算云科技有限公司 | 北京智算云科技股份有限公司 | 北京智算雲科技有限公司"
assert_out_contains "四川大学 (listed: Sichuan University, Entity List"
assert_out_contains "2 purchases through 2 intermediaries"
# the report: one network chart whose nodes and edges are the JSON's, the two tables, no scripts
python3 - "$TMP/r.html" "$TMP/net.json" <<'PY' || fail "report network section"
import json, re, sys
import xml.etree.ElementTree as ET
h = open(sys.argv[1], encoding="utf-8").read()
net = json.load(open(sys.argv[2], encoding="utf-8"))["network"]
figs = re.findall(r'<figure class="xg-network".*?</figure>', h, re.S)
assert len(figs) == 1, len(figs)
fig = ET.fromstring(figs[0])
gs = fig.findall(".//g[@class='node']"); ps = fig.findall(".//path[@class='edge']")
assert int(fig.get("data-nodes")) == len(gs) == len(net["nodes"]), (len(gs), len(net["nodes"]))
assert int(fig.get("data-edges")) == len(ps) == len(net["edges"]), (len(ps), len(net["edges"]))
assert {g.get("data-id") for g in gs} == {n["id"] for n in net["nodes"]}
assert {(p.get("data-source"), p.get("data-target")) for p in ps} == {(e["source"], e["target"]) for e in net["edges"]}
assert "<table class='network intermediaries'>" in h and "<table class='network repeat-buyers'>" in h
ids = set(re.findall(r"id='(d\d+)'", h)); refs = set(re.findall(r"href='#(d\d+)'", h))
assert refs and refs <= ids, refs - ids
assert "<script" not in h.lower()
PY
# an unwritable graph path is an error that names it; nothing is half-written elsewhere
run "$X" scan --graph "$TMP/no/such/dir/g.graphml" "$NET"
assert_rc 3
assert_err_contains "cannot write the graph to $TMP/no/such/dir/g.graphml"
# a corpus with no deal: an empty, valid graph
run "$X" scan --graph "$TMP/empty.graphml" "$NET/net_n8.txt"
assert_rc 0
xmllint --noout --schema "$XGATE_TESTS/scan/graphml.xsd" "$TMP/empty.graphml" 2>/dev/null || fail "empty graph invalid"
