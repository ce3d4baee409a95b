# `xgate screen` as a command: output formats, batch files (lines and CSV), errors with one-line
# messages and the right exit codes, empty and huge names, bundled lists by default.
. "$XGATE_TESTS/lib.sh"
L=$SHARED/data/lists
PRC=$L/csl_entity_list_prc_research.csv

# JSON shape
run "$X" screen --list "$PRC" --json "National University of Defense Technology"
assert_rc 0
assert_json "set(d) >= {'query', 'threshold', 'matches', 'delisted'} and d['threshold'] == 0.8"
assert_json "set(d['matches'][0]) >= {'id','source','type','name','matched','score','countries','explanation'}"
assert_json "d['matches'][0]['type'] == 'entity' and d['matches'][0]['countries'] == ['CN']"
assert_json "all(0 <= m['score'] <= 1 for m in d['matches'])"

# human table
run "$X" screen --list "$PRC" "Hunan Guofang Keji University"
assert_rc 0
assert_out_contains "score"
assert_out_contains "Hunan Guofang Keji University"
assert_out_contains "c99570ec5878f7fe08538d189905a59c"
run "$X" screen --list "$PRC" "Completely Unrelated Bakery"
assert_rc 0
assert_out_contains "no match at or above 0.80"

# threshold, limit, country
run "$X" screen --list "$PRC" --json --threshold 0.3 --limit 2 "Beijing Institute"
assert_json "len(d['matches']) <= 2 and d['threshold'] == 0.3"
run "$X" screen --list "$PRC" --json --country US "National University of Defense Technology"
assert_json "d['matches'] == []"
run "$X" screen --list "$PRC" --json --country CN "National University of Defense Technology"
assert_json "len(d['matches']) == 1"

# batch: one name per line, in order, JSONL
printf 'National University of Defense Technology\n\nNothing Like Any Listed Name\n国防科技大学\n' >"$TMP/q.txt"
run "$X" screen --list "$PRC" --json --batch "$TMP/q.txt"
assert_rc 0
assert_json "len(d) == 3 and d[0]['query'].startswith('National') and d[2]['query'] == '国防科技大学'"
assert_json "d[1]['matches'] == [] and d[2]['matches']"
[ "$ERR" = "" ] || fail "no progress bar when stderr is not a terminal: $ERR"
# batch CSV with name, country and id columns
printf 'ref,name,country,id\n1,National University of Defense Technology,US,\n2,Unknown Name Ltd,,USCC:91440101MA5ALQNR86\n3,"Hunan Guofang Keji University",,\n' >"$TMP/q.csv"
run "$X" screen --list "$PRC" --list "$L/eu_833_annex_iv_2026.xgate.csv" --json --batch "$TMP/q.csv"
assert_rc 0
assert_json "len(d) == 3 and d[0]['matches'] == [] and d[1]['matches'][0]['id'] == 'EU833-IV-603'"
assert_json "d[2]['matches'][0]['id'] == 'c99570ec5878f7fe08538d189905a59c'"
run "$X" screen --list "$PRC" --batch "$TMP/q.csv"
assert_rc 0
assert_out_contains "Hunan Guofang Keji University"

# errors: one line on stderr, non-zero exit
run "$X" screen --list "$TMP/no-such-file.csv" "X"
assert_rc 1
assert_err_contains "no-such-file.csv"
[ "$(wc -l <<<"$ERR")" -eq 1 ] || fail "one-line message expected: $ERR"
run "$X" screen --list "$PRC" --threshold 1.5 "X"
assert_rc 2
assert_err_contains "--threshold"
run "$X" screen --list "$PRC" --threshold abc "X"
assert_rc 2
run "$X" screen --list "$PRC" --limit 0 "X"
assert_rc 2
run "$X" screen --list "$PRC" --id nocolon "X"
assert_rc 2
assert_err_contains "SCHEME:VALUE"
run "$X" screen --list "$PRC" --as-of 2024-13-45 "X"
assert_rc 2
run "$X" screen --list "$PRC" ""
assert_rc 2
assert_err_contains "empty"
run "$X" screen --list "$PRC" "   "
assert_rc 2
run "$X" screen --list "$PRC"
assert_rc 2
run "$X" screen --list "$PRC" --batch "$TMP/q.txt" "also a name"
assert_rc 2
run "$X" screen --list "$PRC" --batch "$TMP/missing.txt"
assert_rc 1
assert_err_contains "missing.txt"
printf 'ok name\n\xff\xfe bad\n' >"$TMP/bad.txt"
run "$X" screen --list "$PRC" --batch "$TMP/bad.txt"
assert_rc 1
assert_err_contains "UTF-8"
run "$X" screen --list "$PRC" "$(printf 'bad \xff name')"
assert_rc 1
run "$X" screen --help
assert_rc 0
assert_out_contains "usage: xgate screen"

# a 100 kB name is handled (cut, not crashed), and still finds what its start says
big=$(python3 -c "print('National University of Defense Technology ' + 'x' * 100000)")
run "$X" screen --list "$PRC" --json "$big"
assert_rc 0
assert_json "len(d['query']) > 100000"
big2=$(python3 -c "print('Hunan Guofang Keji University ' * 3500)")
run "$X" screen --list "$PRC" --json "$big2"
assert_rc 0

# no --list: the bundled lists
run "$X" screen --json "Huawei Technologies Co., Ltd."
assert_rc 0
assert_json "'matches' in d"

# an unknown country would drop every record with a known country: refused, on the command line
# and in a batch row (naming file and line); a country name is read as its code; a CSV row
# without a name is said on stderr, not skipped in silence
run "$X" screen --list "$PRC" --country XX "National University of Defense Technology"
assert_rc_nonzero
assert_err_contains "--country 'XX' is not a known country"
run "$X" screen --list "$PRC" --json --country China "National University of Defense Technology"
assert_rc 0
assert_json "d['matches'][0]['id'] == 'c99570ec5878f7fe08538d189905a59c'"
printf 'name,country\n,CN\nNational University of Defense Technology,China\nNUDT Lookalike,Narnia\n' >"$TMP/c.csv"
run "$X" screen --list "$PRC" --json --batch "$TMP/c.csv"
assert_rc_nonzero
assert_err_contains "c.csv:2: empty name, row not screened"
assert_err_contains "c.csv:4: country 'Narnia' is not a known country"
assert_out_contains '"query":"National University of Defense Technology"'

# a spreadsheet's header in capitals or with spaces is still a header (else every row would be a
# query with its commas, and "Sichuan University,CN" would miss Sichuan University)
printf 'REF, NAME ,COUNTRY\n1,Sichuan University,CN\n' >"$TMP/up.csv"
run "$X" screen --list "$PRC" --json --batch "$TMP/up.csv"
assert_rc 0
assert_json "d['query'] == 'Sichuan University' and d['matches'][0]['name'] == 'Sichuan University'"
