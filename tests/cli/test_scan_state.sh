# Incremental runs (`xgate scan --state DB DIR`) over a growing folder: a second run reads only
# new or changed files (size + mtime, then content hash), keeps the others' results from the
# store, and reports what is new (files, findings, network nodes and edges) since the last run.
. "$XGATE_TESTS/lib.sh"
NET=$XGATE_TESTS/scan/network
IN=$TMP/in
mkdir -p "$IN"
cp "$NET"/net_n1.txt "$NET"/net_n2.txt "$NET"/net_n3.txt "$NET"/net_n4.txt "$IN/"
DB="sqlite:$TMP/state.db"
state() { tail -n 1 "$TMP/out" >"$TMP/state.json"; python3 - "$TMP/state.json" "$1" <<'PY' || fail "state: $1"
import json, os, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))["state"]
b = lambda xs: sorted(os.path.basename(x) for x in xs)
ok = eval(sys.argv[2])
if not ok: print(json.dumps(s, ensure_ascii=False)[:1500])
sys.exit(0 if ok else 1)
PY
}
# first run: everything is new
run "$X" scan --json --state "$DB" "$IN"
assert_rc 0
state 's["previous_run"] is None and b(s["files"]["new"]) == ["net_n1.txt","net_n2.txt","net_n3.txt","net_n4.txt"] and s["files"]["unchanged"] == 0'
state 'len(s["new_findings"]) == 4 and len(s["new_nodes"]) > 0 and s["stats"]["read"] == 4'
[ "$(grep -c '"document"' "$TMP/out")" = 4 ] || fail "first run: 4 document lines"
# the same folder again: nothing read, nothing new, the same findings from the store
run "$X" scan --json --state "$DB" "$IN"
assert_rc 0
state 's["previous_run"] is not None and s["files"]["new"] == [] and s["files"]["changed"] == [] and s["files"]["unchanged"] == 4'
state 's["documents_read"] == [] and s["new_findings"] == [] and s["new_nodes"] == [] and s["new_edges"] == [] and s["stats"]["read"] == 0'
[ "$(grep -c '"document"' "$TMP/out")" = 4 ] || fail "second run: the 4 stored documents"
# an unchanged file (same size and mtime) is not read again: change its bytes but keep both, and
# the stored result stays (哈尔滨工业大学 → 哈尔滨工程大学 has the same length in UTF-8)
cp -p "$IN/net_n3.txt" "$TMP/n3.orig"
sed -i 's/哈尔滨工业大学/哈尔滨工程大学/' "$IN/net_n3.txt"
touch -r "$TMP/n3.orig" "$IN/net_n3.txt"
[ "$(stat -c %s "$IN/net_n3.txt")" = "$(stat -c %s "$TMP/n3.orig")" ] || fail "setup: sizes differ"
run "$X" scan --state "$DB" "$IN"
assert_rc 0
assert_out_contains "哈尔滨工业大学"
assert_out_lacks "哈尔滨工程大学"
assert_out_contains "0 new files, 0 changed, 0 removed, 4 unchanged (not read)"
# the folder grows (two new notices), one file is only touched, one is edited, one is removed
cp "$TMP/n3.orig" "$IN/net_n3.txt" # its content back, with a new mtime: touched
cp "$NET"/net_n5.txt "$NET"/net_n6.txt "$IN/"
printf '\n补充说明：无。\n' >>"$IN/net_n2.txt"
rm "$IN/net_n4.txt"
touch "$IN/net_n1.txt" # same content, new mtime
run "$X" scan --json --network --state "$DB" "$IN"
assert_rc 0
state 'b(s["files"]["new"]) == ["net_n5.txt","net_n6.txt"] and b(s["files"]["changed"]) == ["net_n2.txt"] and b(s["files"]["removed"]) == ["net_n4.txt"]'
state 's["files"]["touched"] == 2 and s["files"]["unchanged"] == 0'
state 'b(s["documents_read"]) == ["net_n2.txt","net_n5.txt","net_n6.txt"]'
state 'sorted(b(f["documents"])[0] for f in s["new_findings"]) == ["net_n2.txt","net_n5.txt","net_n6.txt"]'
# new in the network: 深圳大学 (a new buyer) and the second intermediary now serving 四川大学;
# 北京航空航天大学 went with net_n4.txt
state '{n["name"] for n in s["new_nodes"]} == {"深圳大学", "OpenAI"}'
state '("四川大学", "上海海岸数据服务有限公司", "buys_from") in {(e["source"], e["target"], e["kind"]) for e in s["new_edges"]}'
state 'not any(e["source"] == "四川大学" and e["target"] == "北京智算云科技有限公司" for e in s["new_edges"])'
# the graph over the whole folder: stored and new documents together (四川大学 through both)
python3 - "$TMP/out" <<'PY' || fail "network over stored and new documents"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
net = [l["network"] for l in lines if "network" in l][0]
rb = {r["name"]: r for r in net["repeat_buyers"]}
assert "四川大学" in rb and len(rb["四川大学"]["intermediaries"]) == 2, rb
assert not any(n["name"] == "北京航空航天大学" for n in net["nodes"])
docs = [l for l in lines if "document" in l]
assert len(docs) == 5, len(docs)
assert all(d["linked"] == [] for d in docs)
PY
# a state that cannot be opened is a clear error
run "$X" scan --state "sqlite:$TMP/no/such/dir/s.db" "$IN"
assert_rc_nonzero
[ -n "$ERR" ] || fail "no message for a bad state path"
