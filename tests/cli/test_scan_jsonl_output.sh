# JSONL output is written by xgate's own serialiser (cmd_scan.c, issue 15): the bytes must be the
# ones jansson's json_dumps wrote before it. tests/scan/jsonl/expected.jsonl was written by the
# jansson path (main e5f2e65) from tests/scan/jsonl/in: quotes, backslashes, control characters
# (\u0001, \u001F: upper-case hex), a tab, a slash, 4-byte UTF-8, traditional characters, reals
# (score) and integers; the records also go through the tree-free JSON Lines reader. With more
# than 64 documents and 2 jobs the lines are serialised by threads: same bytes as 1 job.
. "$XGATE_TESTS/lib.sh"
S=$XGATE_ROOT/tests/scan/jsonl
cd "$S" || fail "no $S"
"$X" scan --json --jobs 1 --as-of 2026-06-01 in >"$TMP/one.jsonl" 2>"$TMP/one.err" || fail "exit $?: $(cat "$TMP/one.err")"
cmp -s "$TMP/one.jsonl" expected.jsonl || fail "JSONL differs from jansson's: $(diff "$TMP/one.jsonl" expected.jsonl | head -c 1500)"
for i in $(seq -w 1 30); do mkdir -p "$TMP/many/c$i"; cp in/* "$TMP/many/c$i/"; done
"$X" scan --json --jobs 1 --as-of 2026-06-01 "$TMP/many" >"$TMP/m1.jsonl" 2>"$TMP/m1.err" || fail "exit $?: $(cat "$TMP/m1.err")"
"$X" scan --json --jobs 2 --as-of 2026-06-01 "$TMP/many" >"$TMP/m2.jsonl" 2>"$TMP/m2.err" || fail "exit $?: $(cat "$TMP/m2.err")"
[ "$(wc -l <"$TMP/m1.jsonl")" = 90 ] || fail "expected 90 documents, got $(wc -l <"$TMP/m1.jsonl")"
cmp -s "$TMP/m1.jsonl" "$TMP/m2.jsonl" || fail "--jobs 2 JSONL differs from --jobs 1"
# every line of the copies is the expected line of its original, only the document name differs
python3 - "$TMP/m1.jsonl" expected.jsonl <<'PY' || fail "copies differ from the expected lines"
import re, sys
exp = {}
for l in open(sys.argv[2], encoding="utf-8"):
    name = re.match(r'\{"document":"in/([^"]+)"', l).group(1)
    exp[name] = l[l.index('"language"'):]
for l in open(sys.argv[1], encoding="utf-8"):
    name = re.match(r'\{"document":"[^"]*/c\d+/([^"]+)"', l).group(1)
    rest = l[l.index('"language"'):]
    rest = re.sub(r'"linked":\[[^\]]*\]', '"linked":[]', rest)
    want = re.sub(r'"linked":\[[^\]]*\]', '"linked":[]', exp[name])
    assert rest == want, (name, rest[:300], want[:300])
PY
! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TMP"/*.err || fail "sanitizer report"
