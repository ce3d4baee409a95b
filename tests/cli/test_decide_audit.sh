# The audit chain under tampering, done the way an insider would: with the database's own client
# (sqlite3 on the file, psql under XGATE_TEST_DB=pg). `xgate audit verify` must name the first bad
# row and exit non-zero each time.
. "$XGATE_TESTS/lib.sh"
F=$XGATE_ROOT/tests/decide
command -v sqlite3 >/dev/null || fail "sqlite3 CLI missing (apt-get install sqlite3)"

# Six real decisions once; each tampering case starts from a copy of that database.
for f in s03 s07_ s13 s16 s05 s09; do cat "$F"/${f}*.json | python3 -c 'import json,sys;print(json.dumps(json.load(sys.stdin)))'; done >"$TMP/six.jsonl"
run "$X" decide --db "$(xg_db template)" --jsonl "$TMP/six.jsonl"
assert_rc 0
fresh() {
  db_copy template a
  DB=$(xg_db a)
  run "$X" audit verify --db "$DB"
  assert_rc 0
  assert_out_contains "audit chain intact: 6 rows"
}
broken() { # broken SEQ PROBLEM
  run "$X" audit verify --db "$DB" --json
  assert_rc 1
  assert_json "d['ok'] is False and d['first_bad']['seq'] == $1 and d['first_bad']['problem'] == '$2'"
  run "$X" audit verify --db "$DB"
  assert_rc 1
  assert_out_contains "BROKEN at seq $1 ($2"
}

fresh  # edit a recorded decision
db_query a "UPDATE decisions SET outcome = 'ALLOW' WHERE n = 2"
broken 2 edited
fresh  # edit the response text only
db_query a "UPDATE decisions SET response = replace(response, 'DENY', 'ALLOW') WHERE n = 2"
broken 2 edited
fresh  # edit an audit row
db_query a "UPDATE audit SET created = '2020-01-01T00:00:00.000Z', hash = substr(hash, 2) || '0' WHERE seq = 4"
broken 4 edited
fresh  # delete a decision and its audit row
db_query a "DELETE FROM decisions WHERE n = 3; DELETE FROM audit WHERE seq = 3"
broken 3 deleted
fresh  # delete a decision only
db_query a "DELETE FROM decisions WHERE n = 5"
broken 5 deleted
fresh  # reorder two entries
db_query a "UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -1"
broken 2 reordered
fresh  # truncate the tail
db_query a "DELETE FROM decisions WHERE n >= 5; DELETE FROM audit WHERE seq >= 5"
broken 5 truncated

# A review resolution is chained too, and editing it is caught.
fresh
id=$(db_query a "SELECT id FROM decisions WHERE outcome = 'REVIEW' ORDER BY n LIMIT 1")
run "$X" review resolve "$id" --action clear --reason "ownership verified with registry extract" --by "A. Analyst" --db "$DB"
assert_rc 0
run "$X" audit verify --db "$DB"
assert_rc 0
assert_out_contains "7 rows"
db_query a "UPDATE review_actions SET reviewer = 'Someone Else'"
broken 7 edited

# The head can be kept elsewhere.
run "$X" audit head --db "$DB"
assert_rc 0
assert_json 'd["seq"] == 7 and len(d["hash"]) == 64'

# A mistyped store path is an error, never a new empty database reported as intact.
run "$X" audit verify --db "sqlite:$TMP/no-such.db"
assert_rc 3
assert_err_contains "no store at $TMP/no-such.db"
[ ! -e "$TMP/no-such.db" ] || fail "audit verify created the database it was asked to verify"
run "$X" review list --db "sqlite:$TMP/no-such.db"
assert_rc 3
