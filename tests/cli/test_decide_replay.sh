# Replay over the facts stored with a decision, and over the current store: a license added, an
# ownership share changed and a customer record edited each change the outcome only over the
# current store, and each is named as the differing fact. The facts are covered by the audit chain.
. "$XGATE_TESTS/lib.sh"
DB="sqlite:$TMP/r.db"
dbfile="$TMP/r.db"

decision_id() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["decision_id"])' "$TMP/out"; }

# ---- a license added after the decision ----
run "$X" customers add --db "$DB" - <<<'{"id":"c-lic","name":"Lotus Compute Ltd","country":"CN","verification":"verified"}'
assert_rc 0
run "$X" decide --db "$DB" --json - <<<'{"customer":{"id":"c-lic"},"resource":{"item":"H100 SXM5 80GB"},"policy":"ear","as_of":"2026-11-22"}'
assert_rc 0
assert_json 'd["decision"] == "LICENSE_REQUIRED"'
lic=$(decision_id)
# the decision's facts are stored with it: the customer record, no licenses yet
run "$X" decide --replay "$lic" --db "$DB" --json
assert_json 'd["holds"] is True and d["facts_used"] == "stored" and d["facts_differ"] == [] and "note" not in d'
run "$X" licenses add --db "$DB" --number L-2026-001 --party "Lotus Compute Ltd" --item "H100 SXM5 80GB" --destination CN --from 2026-01-01
assert_rc 0
# by default the replay decides over the stored facts: it holds, and says the store has changed
run "$X" decide --replay "$lic" --db "$DB" --json
assert_rc 0
assert_json 'd["holds"] is True and d["facts_used"] == "stored" and d["versions_differ"] == []'
assert_json 'd["facts_differ"] == ["licenses: added L-2026-001 for Lotus Compute Ltd (items [\"H100 SXM5 80GB\"], destinations [\"CN\"], valid 2026-01-01 to open)"]'
assert_json '"--current-store" in d["note"]'
# over the current store the outcome changes, and the license is its stated cause
run "$X" decide --replay "$lic" --current-store --db "$DB" --json
assert_rc 0
assert_json 'd["holds"] is False and d["replayed"]["decision"] == "ALLOW" and d["facts_used"] == "current store"'
assert_json 'd["versions_differ"] == [] and len(d["facts_differ"]) == 1 and d["facts_differ"][0].startswith("licenses: added L-2026-001 for Lotus Compute Ltd")'
run "$X" decide --replay "$lic" --current-store --db "$DB"
assert_rc 0
assert_out_contains "the outcome CHANGED"
assert_out_contains "fact differs: licenses: added L-2026-001"
run "$X" decide --replay "$lic" --db "$DB"
assert_out_contains "the outcome holds"
assert_out_contains "changed in the store since: licenses: added L-2026-001"

# ---- an ownership share changed ----
run "$X" customers add --db "$DB" - <<<'{"id":"c-own","name":"Nordlicht Rechenzentrum GmbH","country":"DE","verification":"verified","owners":[{"name":"Hangzhou Lanxin Technology","country":"CN","percent":30}]}'
assert_rc 0
run "$X" decide --db "$DB" --json - <<<'{"customer":{"id":"c-own"},"resource":{"item":"p5.48xlarge"},"access":{"source_country":"DE"},"policy":"remote-access","as_of":"2026-11-22"}'
assert_json 'd["decision"] == "ALLOW"'
own=$(decision_id)
run "$X" customers add --db "$DB" - <<<'{"id":"c-own","name":"Nordlicht Rechenzentrum GmbH","country":"DE","verification":"verified","owners":[{"name":"Hangzhou Lanxin Technology","country":"CN","percent":60}]}'
assert_rc 0
run "$X" decide --replay "$own" --db "$DB" --json
assert_json 'd["holds"] is True and d["replayed"]["decision"] == "ALLOW"'
run "$X" decide --replay "$own" --current-store --db "$DB" --json
assert_json 'd["holds"] is False and d["replayed"]["decision"] == "LICENSE_REQUIRED" and d["versions_differ"] == []'
assert_json '"ownership: Hangzhou Lanxin Technology in Nordlicht Rechenzentrum GmbH 30% → 60%" in d["facts_differ"]'

# ---- a customer record edited ----
run "$X" customers add --db "$DB" - <<<'{"id":"c-edit","name":"Baltic Render OU","country":"DE","verification":"verified"}'
run "$X" decide --db "$DB" --json - <<<'{"customer":{"id":"c-edit"},"resource":{"item":"H100 SXM5 80GB"},"policy":"ear","as_of":"2026-11-22"}'
assert_json 'd["decision"] == "ALLOW"'
edit=$(decision_id)
run "$X" customers add --db "$DB" - <<<'{"id":"c-edit","name":"Baltic Render OU","country":"CN","verification":"verified"}'
run "$X" decide --replay "$edit" --db "$DB" --json
assert_json 'd["holds"] is True and d["facts_differ"] == ["customer: country DE → CN"]'
run "$X" decide --replay "$edit" --current-store --db "$DB" --json
assert_json 'd["holds"] is False and d["replayed"]["decision"] == "LICENSE_REQUIRED" and d["facts_differ"] == ["customer: country DE → CN"]'

# ---- the facts are stored with the decision and chained ----
run "$X" audit verify --db "$DB"
assert_rc 0
run sqlite3 "$dbfile" "SELECT facts FROM decisions WHERE id = '$lic'"
assert_json 'd["customer"]["id"] == "c-lic" and d["licenses"] == [] and d["ownership"] == {"Lotus Compute Ltd": []}'
# editing the stored facts (here: inventing the license) is caught by the chain
sqlite3 "$dbfile" "UPDATE decisions SET facts = replace(facts, '\"licenses\":[]', '\"licenses\":[{\"number\":\"L-FAKE\"}]') WHERE id = '$lic'"
run "$X" audit verify --db "$DB"
assert_rc_nonzero
assert_out_contains "$lic"

# ---- a decision stored without facts (before they were recorded) replays over the current store
sqlite3 "$dbfile" "UPDATE decisions SET facts = NULL WHERE id = '$edit'"
run "$X" decide --replay "$edit" --db "$DB" --json
assert_rc 0
assert_json 'd["facts_used"] == "current store" and d["facts_differ"] is None and "before facts were stored" in d["note"]'
assert_json 'd["holds"] is False and d["replayed"]["decision"] == "LICENSE_REQUIRED"'
run "$X" decide --replay "$edit" --db "$DB"
assert_out_contains "note: decided before facts were stored"

# ---- usage ----
run "$X" decide --current-store --db "$DB" - <<<'{}'
assert_rc 2
assert_err_contains "--current-store goes with --replay"
