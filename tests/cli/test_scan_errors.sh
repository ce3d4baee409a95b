# Bad input is reported per file, the run goes on, and the exit code says some input was unreadable.
. "$XGATE_TESTS/lib.sh"
EX=$SHARED/data/tenders/examples
printf '\177ELF\002\001\001\000\000\000\000' >"$TMP/a.out"
printf '{"title": "x"}\n{"title": \n' >"$TMP/bad.jsonl"
printf '\201\060\377\376\200\200\377\377' >"$TMP/junk.txt"
run "$X" scan --json "$TMP/a.out" "$TMP/bad.jsonl" "$TMP/junk.txt" "$EX/ex01_szu_aws_gpu_notice.txt" "$TMP/missing.txt"
assert_rc 1
assert_err_contains "a.out: "
assert_err_contains "a.out: binary data (NUL or control bytes), not a text document"
# each file named once in its message (the library's message already names it)
! grep -q "a.out: .*a.out" <<<"$ERR" || fail "file named twice: $ERR"
assert_err_contains "bad.jsonl:2: malformed JSON"
assert_err_contains "junk.txt: "
assert_err_contains "missing.txt: cannot read"
# one JSONL line parses as one object: only the good file was scanned
assert_json 'isinstance(d, dict) and d["flagged"]'
run "$X" scan
assert_rc 2
assert_err_contains "usage: xgate scan"
run "$X" scan --as-of 2024-13-45 "$EX"
assert_rc 2
run "$X" scan --lexicon "$TMP/junk.txt" "$EX"
assert_rc 3
# a PDF goes through pdftotext when it is installed, or is skipped with a message
printf '%%PDF-1.4\n%%broken\n' >"$TMP/broken.pdf"
run "$X" scan --json "$TMP/broken.pdf"
assert_rc 1
assert_err_contains "PDF"
