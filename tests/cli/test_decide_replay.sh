# Replay over the facts stored with a decision, and over the current store: a license added, an
# ownership share changed and a customer record edited each change the outcome only over the
# current store, and each is named as the differing fact. The facts are covered by the audit chain.
. "$XGATE_TESTS/lib.sh"
DB=$(xg_db r)

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
run db_query r "SELECT facts FROM decisions WHERE id = '$lic'"
assert_json 'd["customer"]["id"] == "c-lic" and d["licenses"] == [] and d["ownership"] == {"Lotus Compute Ltd": []}'
# editing the stored facts (here: inventing the license) is caught by the chain
db_query r "UPDATE decisions SET facts = replace(facts, '\"licenses\":[]', '\"licenses\":[{\"number\":\"L-FAKE\"}]') WHERE id = '$lic'"
run "$X" audit verify --db "$DB"
assert_rc_nonzero
assert_out_contains "$lic"

# ---- a decision stored without facts (before they were recorded) replays over the current store
db_query r "UPDATE decisions SET facts = NULL WHERE id = '$edit'"
run "$X" decide --replay "$edit" --db "$DB" --json
assert_rc 0
assert_json 'd["facts_used"] == "current store" and d["facts_differ"] is None and "before facts were stored" in d["note"]'
assert_json 'd["holds"] is False and d["replayed"]["decision"] == "LICENSE_REQUIRED"'
run "$X" decide --replay "$edit" --db "$DB"
assert_out_contains "note: decided before facts were stored"

# ---- a monitoring alert opened on the customer after the decision ----
ADB=$(xg_db alerts)
run "$X" customers add --db "$ADB" - <<<'{"id":"c-alert","name":"Nordwind Optics AG","country":"DE","verification":"verified"}'
assert_rc 0
run "$X" decide --db "$ADB" --json - <<<'{"customer":{"id":"c-alert"},"resource":{"item":"H100 SXM5 80GB"},"policy":"ear","as_of":"2026-11-22"}'
assert_rc 0
assert_json 'd["decision"] == "ALLOW" and not any(r["rule"] == "open_monitor_alert" for r in d["reasons"])'
alert_dec=$(decision_id)
run db_query alerts "SELECT facts FROM decisions WHERE id = '$alert_dec'"
assert_json 'd["open_alerts"] == []'
# a list version with an entry that matches the customer: monitoring opens an alert on it
python3 - "$SHARED/data/lists/dod_1260h_2026.xgate.csv" "$TMP/nordwind.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
added = dict(rows[0]); added.update(id="TEST-NORDWIND-1", name="Nordwind Optics AG", aliases="",
                                    country="DE", parent="", addresses="Hafenstrasse 1, Kiel")
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows + [added])
PY
run "$X" monitor run --db "$ADB" --list "$TMP/nordwind.csv" --json
assert_rc 0
assert_json "[(a['party']['name'], a['entry']['id']) for a in d['opened']] == [('Nordwind Optics AG', 'TEST-NORDWIND-1')]"
alert_id=$(python3 -c "import json; print(json.load(open('$TMP/out'))['opened'][0]['id'])")
# over the stored facts the decision holds: the alert opened later is not one of its facts, but
# the replay names it as a change in the store
run "$X" decide --replay "$alert_dec" --db "$ADB" --json
assert_rc 0
assert_json 'd["holds"] is True and d["facts_used"] == "stored" and d["replayed"]["decision"] == "ALLOW"'
assert_json "len(d['facts_differ']) == 1 and d['facts_differ'][0].startswith('alerts: open $alert_id on Nordwind Optics AG')"
# over the current store the open alert puts it in REVIEW, and the alert is the stated cause
run "$X" decide --replay "$alert_dec" --current-store --db "$ADB" --json
assert_rc 0
assert_json 'd["holds"] is False and d["replayed"]["decision"] == "REVIEW" and d["versions_differ"] == []'
assert_json "any(r['rule'] == 'open_monitor_alert' for r in d['replayed']['reasons'])"
assert_json "len(d['facts_differ']) == 1 and d['facts_differ'][0].startswith('alerts: open $alert_id on Nordwind Optics AG')"
# facts stored before alerts were facts (no "open_alerts" key) mean no open alerts
db_query alerts "UPDATE decisions SET facts = replace(facts, ',\"open_alerts\":[]', '') WHERE id = '$alert_dec'"
run db_query alerts "SELECT facts FROM decisions WHERE id = '$alert_dec'"
assert_json '"open_alerts" not in d'
run "$X" decide --replay "$alert_dec" --db "$ADB" --json
assert_rc 0
assert_json "d['holds'] is True and d['facts_differ'][0].startswith('alerts: open $alert_id')"

# ---- usage ----
run "$X" decide --current-store --db "$DB" - <<<'{}'
assert_rc 2
assert_err_contains "--current-store goes with --replay"
