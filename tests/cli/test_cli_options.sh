# One command-line parser for every subcommand: options before or after operands (GNU order),
# `--` ends options, --opt=value and --opt value, an unknown option or a missing argument is an
# error naming it (exit 2).
. "$XGATE_TESTS/lib.sh"
PRC="$SHARED/data/lists/csl_entity_list_prc_research.csv"
REQ="$XGATE_TESTS/decide/s01_sichuan_azure_openai_reseller.json"
DB="sqlite:$TMP/x.db"

# The bug this parser kills: a flag after the name was read as part of the name, and a listed
# university came back as "no match".
run "$X" screen "Sichuan University" --json
assert_rc 0
assert_json 'd["query"] == "Sichuan University" and any(m["name"] == "Sichuan University" for m in d["matches"])'
run "$X" screen Sichuan --json University
assert_rc 0
assert_json 'd["query"] == "Sichuan University" and len(d["matches"]) >= 1'
# --opt=value and --opt value; short flags bundle
run "$X" screen "Sichuan University" --threshold=0.95 --limit 1 --json
assert_rc 0
assert_json 'd["threshold"] == 0.95 and len(d["matches"]) == 1'
run "$X" screen -jp "Sichuan University"
assert_rc 0
assert_json 'd["query"] == "Sichuan University" and d["matches"] == []'
# `--` ends the options: a name may start with '-', and --json after it is a word of the name
run "$X" screen --json -- "-Sichuan University"
assert_rc 0
assert_json 'd["query"] == "-Sichuan University"'
run "$X" screen -- "Sichuan University" --json
assert_rc 0
assert_out_contains "Sichuan University --json"
# unknown option, missing argument, argument to a flag, ambiguous prefix: exit 2 naming it
run "$X" screen "Sichuan University" --jsn
assert_rc 2
assert_err_contains "unknown option '--jsn'"
run "$X" screen "Sichuan University" --list
assert_rc 2
assert_err_contains "option '--list' needs an argument (PATH)"
run "$X" screen --json=yes "Sichuan University"
assert_rc 2
assert_err_contains "option '--json' takes no argument"
run "$X" screen --li x "Sichuan University"
assert_rc 2
assert_err_contains "ambiguous option '--li'"
run "$X" screen -Z x
assert_rc 2
assert_err_contains "unknown option '-Z'"
# a unique prefix is the option (as GNU getopt_long)
run "$X" screen "Sichuan University" --thresh 0.99 --js
assert_rc 0
assert_json 'd["threshold"] == 0.99'

# classify: flags after items
run "$X" classify H100 --json --as-of 2025-06-01
assert_rc 0
assert_json 'd["canonical"] == "H100 SXM5 80GB"'
run "$X" classify H100 --bogus
assert_rc 2
assert_err_contains "unknown option '--bogus'"
run "$X" classify H100 --as-of
assert_rc 2
assert_err_contains "option '--as-of' needs an argument"

# decide: flags after the request file
run "$X" decide "$REQ" --dry-run --json
assert_rc 0
assert_json 'd["decision"] in ("ALLOW", "REVIEW", "LICENSE_REQUIRED", "DENY") and d.get("decision_id") is None'
run "$X" decide "$REQ" --dry-run --frobnicate
assert_rc 2
assert_err_contains "unknown option '--frobnicate'"

# store subcommands: options before the subcommand word, between, or after its operand
run "$X" customers add - --db "$DB" <<<'{"name":"Nordlicht Rechenzentrum GmbH","country":"DE"}'
assert_rc 0
id=$OUT
run "$X" customers --db "$DB" show "$id"
assert_rc 0
assert_json 'd["name"] == "Nordlicht Rechenzentrum GmbH"'
run "$X" customers list --limit=1 --db="$DB"
assert_rc 0
assert_out_contains "Nordlicht"
# an option of another subcommand is unknown here
run "$X" customers show "$id" --limit 3 --db "$DB"
assert_rc 2
assert_err_contains "xgate customers show: unknown option '--limit'"
run "$X" customers list --db
assert_rc 2
assert_err_contains "option '--db' needs an argument (URL)"
run "$X" keys create --db "$DB" --role
assert_rc 2
assert_err_contains "option '--role' needs an argument"
run "$X" keys create --db "$DB" --name "A. Analyst" --role analyst
assert_rc 0
assert_out_contains "created a analyst key named A. Analyst"
run "$X" licenses --db "$DB" list
assert_rc 0
assert_json 'isinstance(d, list)'
run "$X" audit verify --json --db "$DB"
assert_rc 0
assert_json 'd["ok"] is True'
run "$X" audit verify --db "$DB" --jsn
assert_rc 2
assert_err_contains "unknown option '--jsn'"
run "$X" review list --db "$DB" --json --nope
assert_rc 2
assert_err_contains "xgate review list: unknown option '--nope'"
run "$X" review --db "$DB" list --json
assert_rc 0
run "$X" lists info --json --list "$PRC" --bogus
assert_rc 2
assert_err_contains "unknown option '--bogus'"
run "$X" lists info --list "$PRC" --json
assert_rc 0
assert_json 'd["total"] > 0'
run "$X" catalog list --kind=model --json
assert_rc 0
assert_json 'all(o["kind"] == "model" for o in d)'
run "$X" scan --nope x
assert_rc 2
assert_err_contains "unknown option '--nope'"
run "$X" serve --threads
assert_rc 2
assert_err_contains "option '--threads' needs an argument (N)"
run "$X" serve --bogus
assert_rc 2
assert_err_contains "unknown option '--bogus'"

# --help: on stdout, exit 0, wherever it stands; after `--` it is an operand
for c in screen classify decide scan serve; do
  run "$X" $c --help
  assert_rc 0
  assert_out_contains "usage: xgate $c"
  assert_out_contains "--help"
done
run "$X" screen x --help
assert_rc 0
assert_out_contains "--threshold T"
run "$X" customers add --help
assert_rc 0
assert_out_contains "usage: xgate customers add"
run "$X" customers --help
assert_rc 0
assert_out_contains "xgate customers resellers"
run "$X" help decide
assert_rc 0
assert_out_contains "--replay DECISION_ID"
run "$X" help frobnicate
assert_rc 2
assert_err_contains "unknown command 'frobnicate'"
