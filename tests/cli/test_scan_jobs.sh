# --jobs: the output (JSONL, summary, report, error messages and their order) is the same with
# one thread, two, or more threads than files; --all adds the organisations named in the bodies of
# notices without a lexicon term; a bad --jobs is a usage error.
. "$XGATE_TESTS/lib.sh"
T=$SHARED/data/tenders
mkdir -p "$TMP/in/a" "$TMP/in/b"
cp "$T"/examples/* "$TMP/in/a/"
cp "$T"/real/* "$TMP/in/b/"
printf '\177ELF\002\001\001\000\000\000\000' >"$TMP/in/a/0bad.bin"
printf '{"title": \n' >"$TMP/in/b/zz_bad.jsonl"
for j in 1 2 7 64; do
  "$X" scan --json --jobs $j --as-of 2026-06-01 "$TMP/in" >"$TMP/j$j.jsonl" 2>"$TMP/j$j.err"
  echo $? >"$TMP/j$j.rc"
  "$X" scan --jobs $j --as-of 2026-06-01 --report "$TMP/j$j.html" "$TMP/in" >"$TMP/j$j.txt" 2>"$TMP/j$j.err2"
done
! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|runtime error:' "$TMP"/j*.err* ||
  fail "sanitizer report: $(cat "$TMP"/j*.err*)"
[ "$(cat "$TMP/j1.rc")" = 1 ] || fail "exit code $(cat "$TMP/j1.rc"), expected 1 (two unreadable files)"
[ "$(wc -l <"$TMP/j1.jsonl")" -gt 190 ] || fail "too few documents: $(wc -l <"$TMP/j1.jsonl")"
grep -q '0bad.bin: binary data' "$TMP/j1.err" || fail "no message for the binary file: $(cat "$TMP/j1.err")"
for j in 2 7 64; do
  cmp -s "$TMP/j1.jsonl" "$TMP/j$j.jsonl" || fail "--jobs $j JSONL differs from --jobs 1"
  cmp -s "$TMP/j1.txt" "$TMP/j$j.txt" || fail "--jobs $j summary differs from --jobs 1"
  cmp -s "$TMP/j1.html" "$TMP/j$j.html" || fail "--jobs $j report differs from --jobs 1"
  cmp -s "$TMP/j1.err" "$TMP/j$j.err" || fail "--jobs $j messages differ: $(cat "$TMP/j$j.err")"
  [ "$(cat "$TMP/j$j.rc")" = 1 ] || fail "--jobs $j exit code $(cat "$TMP/j$j.rc")"
done
# messages in name order: the binary file (a/) before the malformed JSON (b/)
[ "$(grep -n 0bad.bin "$TMP/j7.err" | cut -d: -f1)" -lt "$(grep -n zz_bad "$TMP/j7.err" | cut -d: -f1)" ] ||
  fail "messages out of order: $(cat "$TMP/j7.err")"
# the default (every core) gives the same
"$X" scan --json --as-of 2026-06-01 "$TMP/in" >"$TMP/jd.jsonl" 2>/dev/null
cmp -s "$TMP/j1.jsonl" "$TMP/jd.jsonl" || fail "default --jobs differs from --jobs 1"
# --all: a notice without any lexicon term gets the organisations of its body screened too
run "$X" scan --json "$T/real/ccgp_result_notice_LHACG2025000057.txt"
assert_rc 0
assert_json 'd["mentions"] == [] and [p["role"] for p in d["parties"]].count("mentioned") == 0'
run "$X" scan --json --all "$T/real/ccgp_result_notice_LHACG2025000057.txt"
assert_rc 0
assert_json '[p["role"] for p in d["parties"]].count("mentioned") >= 3'
assert_json '"深圳市前海新鹏辰科技有限公司" in [p["name"] for p in d["parties"]]'
for bad in 0 -1 x 257; do
  run "$X" scan --jobs "$bad" "$T/examples"
  assert_rc 2
  assert_err_contains "--jobs"
done
