# The HTML report is self-contained (no external scripts or styles) and links findings to evidence.
. "$XGATE_TESTS/lib.sh"
run "$X" scan --report "$TMP/r.html" "$SHARED/data/tenders/examples"
assert_rc 0
grep -q "<svg" "$TMP/r.html" || fail "no chart"
grep -q "Findings by provider" "$TMP/r.html" || fail "no provider chart"
grep -q "Findings by month" "$TMP/r.html" || fail "no month chart"
grep -q "Findings by chip" "$TMP/r.html" || fail "no chip chart"
grep -q "Findings by buyer" "$TMP/r.html" || fail "no buyer chart"
grep -q "成都运达科技股份有限公司" "$TMP/r.html" || fail "intermediary missing"
grep -q "href='#d" "$TMP/r.html" || fail "no evidence links"
! grep -qiE "<script|src=['\"]?https?:|href=['\"]?https?:" "$TMP/r.html" || fail "external resources"
python3 - "$TMP/r.html" <<'PY' || fail "links without targets"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
ids = set(re.findall(r"id='(d\d+)'", h))
refs = set(re.findall(r"href='#(d\d+)'", h))
sys.exit(0 if refs and refs <= ids else 1)
PY
# every chart is well-formed XML on its own (quoted attributes, closed elements), with one coloured
# bar, label and number per row; the provider chart holds both providers of the examples
python3 - "$TMP/r.html" <<'PY' || fail "charts not well-formed or incomplete"
import re, sys
import xml.etree.ElementTree as ET
h = open(sys.argv[1], encoding="utf-8").read()
figs = re.findall(r'<figure class="xg-chart".*?</figure>', h, re.S)
assert len(figs) == 4, len(figs)
S = ""  # inline SVG in HTML: no namespace declaration (the page stays free of URLs)
seen = {}
for f in figs:
    fig = ET.fromstring(f)
    title = fig.find("figcaption").text
    rows = fig.findall(f".//{S}g[@class='row']")
    bars = fig.findall(f".//{S}rect[@class='bar']")
    assert rows and len(rows) == len(bars) == int(fig.get("data-rows")), (title, len(rows), len(bars))
    for g in rows:
        r = g.find(f"{S}rect")
        assert r.get("fill", "").startswith("#") and r.get("fill") not in ("#000", "#000000"), (title, r.attrib)
        texts = g.findall(f"{S}text")
        assert texts[0].text and g.find(f"{S}text[@class='num']").text == g.get("data-value"), (title, g.attrib)
    seen[title] = {g.get("data-label"): g.get("data-value") for g in rows}
print(seen["Findings by provider"])
assert seen["Findings by provider"].get("AWS") and seen["Findings by provider"].get("Azure"), seen
PY
! grep -q 'class=bar' "$TMP/r.html" || fail "an unquoted class attribute"
# documents by file name in the findings table, the whole path in the title
grep -q "title='$SHARED/data/tenders/examples/ex01_szu_aws_gpu_notice.txt'>ex01_szu_aws_gpu_notice.txt</a>" "$TMP/r.html" ||
  fail "documents not shortened to file names"
# every evidence line marks its term inside its snippet; every flagged example has its evidence
python3 - "$TMP/r.html" <<'PY' || fail "evidence not marked"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
li = re.findall(r"<li><b>[^<]*</b> (.*?) <small>@\d+</small>: <q>(.*?)</q></li>", h)
bad = [(t, q) for t, q in li if "<mark>" + t + "</mark>" not in q]
sections = re.findall(r"<section id='d\d+'><h3>[^<]*/(ex0\d)_", h)
print(bad[:3], sections)
sys.exit(0 if li and not bad and {"ex01", "ex02", "ex03", "ex04", "ex07"} <= set(sections) else 1)
PY
# the human summary: highest risk first, listed parties named with the list they are on
run "$X" scan "$SHARED/data/tenders/examples/ex04_scu_azure_openai_tokens.txt" "$SHARED/data/tenders/examples/ex06_neg_generic_cloud.txt"
assert_rc 0
assert_out_contains "FLAGGED high"
assert_out_contains "listed buyer: 四川大学 = Sichuan University (Entity List"
assert_out_contains "2 documents, 1 flagged, 1 findings, 0 unreadable files"
# a progress bar on a terminal only: never in captured stderr, present under a pseudo-terminal
run "$X" scan --json "$SHARED/data/tenders/examples"
! grep -q "files " <<<"$ERR" || fail "progress bar on a non-terminal"
if command -v script >/dev/null; then
  script -qec "$X scan --json $SHARED/data/tenders/examples >/dev/null" /dev/null >"$TMP/tty.txt" 2>&1 || true
  grep -q "8/8 files" "$TMP/tty.txt" || fail "no progress bar on a terminal: $(head -c 300 "$TMP/tty.txt")"
fi
# replicated notices: one evidence section per distinct notice, copies counted in the findings
for c in a b c; do mkdir -p "$TMP/rep/$c"; cp "$SHARED"/data/tenders/examples/ex0*.txt "$TMP/rep/$c/"; done
run "$X" scan --report "$TMP/rep.html" "$TMP/rep"
assert_rc 0
[ "$(grep -o "<section id=" "$TMP/rep.html" | wc -l)" = 5 ] || fail "evidence sections: $(grep -o "<section id=" "$TMP/rep.html" | wc -l)"
grep -q "+ 2 identical copies" "$TMP/rep.html" || fail "copies not counted"
