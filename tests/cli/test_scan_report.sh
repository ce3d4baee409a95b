# The HTML report is self-contained (no external scripts or styles) and links findings to evidence.
. "$XGATE_TESTS/lib.sh"
run "$X" scan --report "$TMP/r.html" "$SHARED/data/tenders/examples"
assert_rc 0
grep -q "<svg" "$TMP/r.html" || fail "no chart"
grep -q "Findings by provider" "$TMP/r.html" || fail "no provider chart"
grep -q "Findings by month" "$TMP/r.html" || fail "no month chart"
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
