# Malformed list files: non-zero exit and "file:line: problem"; --lenient loads the rest and
# lists every skipped row.
. "$XGATE_TESTS/lib.sh"

printf 'id,name,country\nA1,Alpha,CN\nA2,Beta,Atlantis\nA3,"Gamma\n' >"$TMP/bad.csv"
run "$X" lists info --list "$TMP/bad.csv"
assert_rc 1
assert_err_contains "$TMP/bad.csv:3: unknown country 'Atlantis'"

run "$X" lists info --lenient --list "$TMP/bad.csv"
assert_rc 0
assert_out_contains "skipped: 2 rows"
assert_out_contains "$TMP/bad.csv:3: unknown country 'Atlantis'"
assert_out_contains "$TMP/bad.csv:4: quoted field opened on this line is never closed"
assert_out_contains "total: 1 records"

run "$X" lists info --lenient --json --list "$TMP/bad.csv"
assert_rc 0
assert_json '[s["line"] for s in d["skipped"]] == [3, 4] and d["total"] == 1'

printf 'Good name\nBad \xff name\n' >"$TMP/names.txt"
run "$X" lists info --list "$TMP/names.txt"
assert_rc 1
assert_err_contains "names.txt:2: invalid UTF-8"

: >"$TMP/empty.csv"
run "$X" lists info --list "$TMP/empty.csv"
assert_rc 1
assert_err_contains "empty.csv: no records"

run "$X" lists info --list "$TMP/does-not-exist.csv"
assert_rc 1
assert_err_contains "does-not-exist.csv"

printf '<?xml version="1.0"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><DATAID>1</DA' >"$TMP/cut.xml"
run "$X" lists info --list "$TMP/cut.xml"
assert_rc 1
assert_err_contains "cut.xml:4: XML:"

run "$X" lists info --as-of 2026-13-01
assert_rc 2
run "$X" lists frobnicate
assert_rc 2
assert_err_contains "unknown subcommand 'frobnicate'"
