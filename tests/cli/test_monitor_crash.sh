# kill -9 during a monitor run, then a rerun: no alert lost, none duplicated. Each chunk of
# entries is one transaction with its seen-table rows, so the rerun redoes exactly the chunks the
# kill lost. The reference is a clean run over a copy of the same store taken before the kill.
. "$XGATE_TESTS/lib.sh"
export XGATE_DATA=${XGATE_DATA:-$XGATE_ROOT/data}
L="$SHARED/data/lists/csl_2023-11_partial.csv"
# 600 stored customers: synthetic names plus 40 names taken from the list (which must alert)
python3 - "$L" >"$TMP/customers.jsonl" <<'PY'
import csv, json, random, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")) if r["name"]]
rnd = random.Random(7)
listed = [rows[i]["name"] for i in range(0, len(rows), max(1, len(rows) // 40))][:40]
a = "Amber Birch Cobalt Delta Ember Fjord Granite Harbor Iris Juniper Kestrel Lumen".split()
b = "Logistics Foods Textiles Ceramics Furniture Outfitters Bakeries Analytics Gardens".split()
for i in range(600):
    print(json.dumps({"name": "%s %s %s %d GmbH" % (rnd.choice(a), rnd.choice(a), rnd.choice(b), i),
                      "country": "DE"}))
for n in listed:
    print(json.dumps({"name": n}))
PY
run "$X" customers import --db "$(xg_db a)" "$TMP/customers.jsonl"
assert_rc 0
db_copy a b
total=$(python3 -c "import csv; print(sum(1 for r in csv.DictReader(open('$L', newline='', encoding='utf-8'))))")
"$X" monitor run --db "$(xg_db a)" --list "$L" --chunk 40 --json >"$TMP/killed.json" 2>"$TMP/killed.err" &
pid=$!
# wait until some chunks are committed, then kill without warning (bounded tries)
tries=0
while kill -0 "$pid" 2>/dev/null; do
  n=$(db_query a "SELECT COUNT(*) FROM monitor_seen" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 200 ] && break
  tries=$((tries + 1)); [ $tries -le 3000 ] || fail "no chunk committed after 3000 polls"
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
seen=$(db_query a "SELECT COUNT(*) FROM monitor_seen")
[ "$seen" -ge 200 ] || fail "only $seen entries committed before the kill: $(head -c 300 "$TMP/killed.err")"
runs=$(db_query a "SELECT COUNT(*) FROM monitor_runs")
[ "$runs" -eq 0 ] || fail "the run finished before the kill; nothing was interrupted"
# the rerun completes the work
run "$X" monitor run --db "$(xg_db a)" --list "$L" --json
assert_rc 0
assert_json "d['delta']['added'] > 0 and d['delta']['removed'] == 0"
run "$X" monitor run --db "$(xg_db b)" --list "$L" --json
assert_rc 0
assert_json "len(d['opened']) >= 40"
q="SELECT party_key || ' | ' || entry_key FROM alerts ORDER BY 1"
db_query a "$q" >"$TMP/a.alerts"
db_query b "$q" >"$TMP/b.alerts"
diff "$TMP/a.alerts" "$TMP/b.alerts" >"$TMP/diff" || fail "alerts after kill+rerun differ from a clean run: $(head -20 "$TMP/diff")"
dups=$(sort "$TMP/a.alerts" | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "$dups duplicated alerts after kill+rerun"
[ "$(db_query a "SELECT COUNT(*) FROM monitor_seen")" -eq "$(db_query b "SELECT COUNT(*) FROM monitor_seen")" ] \
  || fail "seen entries differ after the rerun"
run "$X" audit verify --db "$(xg_db a)" --json
assert_rc 0
assert_json "d['ok'] is True"
