# monitor run: stored parties re-screened against list entries added or changed since the last run.
# Version 1 is the real DoD 1260H list from ../shared; version 2 is derived here: an entry added
# that matches a stored customer, the entry an open alert was about removed, aliases changed on
# the entry behind another open alert and on an entry nobody matches. Then clearances (quiet on
# reruns, re-alert when the entry changes, showing the earlier clearance) and confirm → DENY.
. "$XGATE_TESTS/lib.sh"
export XGATE_DATA=${XGATE_DATA:-$XGATE_ROOT/data}
DB=$(xg_db m)
V1=$TMP/v1.csv V2=$TMP/v2.csv V3=$TMP/v3.csv
cp "$SHARED/data/lists/dod_1260h_2026.xgate.csv" "$V1"
python3 - "$V1" "$V2" "$V3" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
fields = list(rows[0].keys())
def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields); w.writeheader(); w.writerows(rows)
v2 = [dict(r) for r in rows if r["id"] != "1260H-0f7507145569"]          # China Mobile Group gone
for r in v2:
    if r["id"] == "1260H-745cb4e6009e": r["aliases"] = "Huawei; Huawei Tech"  # alert stays open
    if r["id"] == "1260H-2db1bb50d101": r["aliases"] = "AVIC; AVIC Ltd"       # nobody matches it
added = dict(v2[0]); added.update(id="TEST-NORDWIND-1", name="Nordwind Optics AG", aliases="",
                                  country="DE", parent="", addresses="Hafenstrasse 1, Kiel")
v2.append(added)
write(sys.argv[2], v2)
v3 = [dict(r) for r in v2]
for r in v3:
    if r["id"] == "TEST-NORDWIND-1": r["addresses"] = "Hafenstrasse 9, Kiel"
write(sys.argv[3], v3)
PY
add() { printf '%s' "$1" >"$TMP/c.json"; run "$X" customers add --db "$DB" "$TMP/c.json"; assert_rc 0; }
add '{"name":"Huawei Technologies Co Ltd","country":"CN"}'
add '{"name":"Totally Clean Widgets GmbH","country":"DE","ultimate_parent":{"name":"China Mobile Communications Group"}}'
add '{"name":"Nordwind Optics AG","country":"DE"}'
add '{"name":"Helios Quantum Analytics Ltd","country":"GB"}'

# first run: every entry in force is new; exactly the two real matches alert
run "$X" monitor run --db "$DB" --list "$V1" --json
assert_rc 0
assert_json "d['delta']['added'] == d['entries_in_force'] > 200 and d['parties'] == 5"
# the run compiled the stored parties into a party file beside the store
assert_json "d['party_file']['status'] == 'written' and d['party_file']['path'].endswith('.parties')"
assert_json "sorted((a['party']['name'], a['entry']['id']) for a in d['opened']) == [('China Mobile Communications Group', '1260H-0f7507145569'), ('Huawei Technologies Co Ltd', '1260H-745cb4e6009e')]"
assert_json "[a for a in d['opened'] if a['party']['name'].startswith('China')][0]['party']['roles'] == ['ultimate_parent'] and [a for a in d['opened'] if a['party']['name'].startswith('China')][0]['party']['customers'] == ['Totally Clean Widgets GmbH']"
assert_json "all(a['score'] >= 0.8 and a['explanation'] and a['list_hash'] and a['status'] == 'open' for a in d['opened'])"
CM=$(python3 -c "import json; print([a['id'] for a in json.load(open('$TMP/out'))['opened'] if a['party']['name'].startswith('China')][0])")
HW=$(python3 -c "import json; print([a['id'] for a in json.load(open('$TMP/out'))['opened'] if a['party']['name'].startswith('Huawei')][0])")
# the same score `xgate screen` gives the party against the lists
run "$X" screen --list "$V1" --json "Huawei Technologies Co Ltd"
assert_json "d['matches'][0]['id'] == '1260H-745cb4e6009e' and d['matches'][0]['score'] == 1.0"

# a rerun on the same lists: nothing new, nothing duplicated
run "$X" monitor run --db "$DB" --list "$V1" --json
assert_rc 0
assert_json "d['delta'] == {'added': 0, 'changed': 0, 'removed': 0} and d['opened'] == [] and d['closed'] == []"
run "$X" alerts list --db "$DB" --status all --json
assert_json "len(d) == 2"

# version 2: one added (matches Nordwind), one removed (closes China Mobile's alert), two changed
run "$X" monitor run --db "$DB" --list "$V2" --json
assert_rc 0
assert_json "d['delta'] == {'added': 1, 'changed': 2, 'removed': 1}"
assert_json "d['party_file']['status'] == 'used'"
assert_json "[(a['party']['name'], a['entry']['id']) for a in d['opened']] == [('Nordwind Optics AG', 'TEST-NORDWIND-1')]"
assert_json "d['closed'] == ['$CM'] and d['still_open'] == 1"
NW=$(python3 -c "import json; print(json.load(open('$TMP/out'))['opened'][0]['id'])")
run "$X" alerts list --db "$DB" --status closed --json
assert_json "[(a['id'], a['status']) for a in d] == [('$CM', 'entry_removed')]"
run "$X" alerts list --db "$DB"
assert_rc 0
assert_out_contains "$NW"
assert_out_contains "$HW"
assert_out_lacks "$CM"

# clear Nordwind: a full rerun stays quiet about the pair
run "$X" alerts resolve "$NW" --action clear --reason "different company: Kiel optics shop" --by analyst1 --db "$DB" --json
assert_rc 0
assert_json "d['status'] == 'cleared' and d['resolution']['reason'].startswith('different')"
run "$X" monitor run --db "$DB" --list "$V2" --full --json
assert_rc 0
assert_json "d['opened'] == [] and d['suppressed'] == 1"
run "$X" alerts list --db "$DB" --status cleared --json
assert_json "[a['id'] for a in d] == ['$NW']"
# …until the entry changes: a new alert that shows the earlier clearance
run "$X" monitor run --db "$DB" --list "$V3" --json
assert_rc 0
assert_json "d['delta']['changed'] == 1 and len(d['opened']) == 1"
assert_json "d['opened'][0]['party']['name'] == 'Nordwind Optics AG' and d['opened'][0]['earlier_clearance']['reason'].startswith('different')"

# an open alert puts the customer's next decision in REVIEW; confirming it DENYs that decision
cat >"$TMP/req.json" <<'JSON'
{"customer": {"name": "Huawei Technologies Co Ltd", "country": "DE", "headquarters": "DE"},
 "resource": {"kind": "model", "provider": "azure", "item": "Azure OpenAI", "tokens": 4000},
 "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"},
 "as_of": "2026-11-22"}
JSON
run "$X" decide --db "$DB" --list "$SHARED/data/lists/csl_sample.csv" --json "$TMP/req.json"
assert_rc 0
assert_json "d['decision'] == 'REVIEW' and any(r['rule'] == 'open_monitor_alert' and r['evidence']['alerts'][0]['id'] == '$HW' for r in d['reasons'])"
DEC=$(python3 -c "import json; print(json.load(open('$TMP/out'))['decision_id'])")
run "$X" alerts resolve "$HW" --action confirm --reason "the listed Huawei" --db "$DB" --json
assert_rc 0
assert_json "d['status'] == 'confirmed' and d['denied'] == ['$DEC']"
run "$X" review list --db "$DB" --all --json
assert_json "[x['final_outcome'] for x in d['decisions'] if x['decision_id'] == '$DEC'] == ['DENY']"
# a resolved alert cannot be resolved again; unknown ids and bad options fail in one line
run "$X" alerts resolve "$HW" --action clear --reason again --db "$DB"
assert_rc 1
assert_err_contains "not open"
run "$X" alerts resolve alr_nope --action clear --reason x --db "$DB"
assert_rc 1
assert_err_contains "not found"
run "$X" alerts list --db "$DB" --status bogus
assert_rc 2
run "$X" monitor run --db "$DB" --list "$V1" --threshold 2
assert_rc 2
run "$X" monitor run --db "$DB" --list "$TMP/missing.csv"
assert_rc_nonzero
assert_err_contains "missing.csv"
# a party added or changed since the last run meets the entries that did not change (forward)
printf '%s' '{"name":"Qihoo 360 Technology","country":"CN"}' >"$TMP/q.json"
run "$X" customers add --db "$DB" "$TMP/q.json"
assert_rc 0
QID=$OUT
run "$X" monitor run --db "$DB" --list "$V3" --json
assert_rc 0
assert_json "d['delta'] == {'added': 0, 'changed': 0, 'removed': 0} and d['parties_changed'] == 1"
assert_json "[(a['party']['name'], a['entry']['id']) for a in d['opened']] == [('Qihoo 360 Technology', '1260H-1962f86b950a')]"
QA=$(python3 -c "import json; print(json.load(open('$TMP/out'))['opened'][0]['id'])")
run "$X" alerts resolve "$QA" --action clear --reason "another Qihoo" --db "$DB"
assert_rc 0
run "$X" monitor run --db "$DB" --list "$V3" --full --json
assert_rc 0
assert_json "d['opened'] == [] and d['parties_changed'] == 0"
# the party's names change (an alias added): the cleared pair alerts again, with the clearance
printf '{"id":"%s","name":"Qihoo 360 Technology","country":"CN","aliases":["Qihoo Tech"]}' "$QID" >"$TMP/q.json"
run "$X" customers add --db "$DB" "$TMP/q.json"
assert_rc 0
run "$X" monitor run --db "$DB" --list "$V3" --json
assert_rc 0
assert_json "d['parties_changed'] == 1 and len(d['opened']) == 1 and d['opened'][0]['earlier_clearance']['reason'] == 'another Qihoo'"

# the other stored parties: a customer's owner, and a decision's reseller (stored both as a
# reseller of the customer and as a party of a decision in force) alert with their role, the
# customer they stand behind and the decision they touch
printf '%s' '{"name":"Lakeside Holdings BV","country":"NL","owners":[{"name":"Inspur Group Co Ltd","country":"CN","percent":30}]}' >"$TMP/o.json"
run "$X" customers add --db "$DB" "$TMP/o.json"
assert_rc 0
cat >"$TMP/req2.json" <<'JSON'
{"customer": {"name": "Harbour Bridge Trading Ltd", "country": "HK", "headquarters": "HK"},
 "intermediaries": [{"name": "Zhejiang Dahua Technology Co Ltd", "country": "CN", "role": "reseller", "names_end_user": true}],
 "resource": {"kind": "instance", "provider": "aws", "item": "g4dn.xlarge", "count": 1},
 "access": {"source_country": "HK", "payment_country": "HK", "end_use": "inference"},
 "as_of": "2026-11-22"}
JSON
run "$X" decide --db "$DB" --list "$SHARED/data/lists/csl_sample.csv" --json "$TMP/req2.json"
assert_rc 0
assert_json "d['decision'] != 'DENY'"
DEC2=$(python3 -c "import json; print(json.load(open('$TMP/out'))['decision_id'])")
run "$X" monitor run --db "$DB" --list "$V3" --json
assert_rc 0
assert_json "sorted((a['party']['name'], a['entry']['id']) for a in d['opened']) == [('Inspur Group Co Ltd', '1260H-3ff9342306b7'), ('Zhejiang Dahua Technology Co Ltd', '1260H-df0d81dea354')]"
assert_json "[(a['party']['roles'], a['party']['customers']) for a in d['opened'] if a['party']['name'].startswith('Inspur')] == [(['owner'], ['Lakeside Holdings BV'])]"
assert_json "[('reseller' in a['party']['roles'], a['party']['customers'], a['decisions']) for a in d['opened'] if a['party']['name'].startswith('Zhejiang')] == [(True, ['Harbour Bridge Trading Ltd'], ['$DEC2'])]"

# every alert event is in the audit chain, and the chain holds
run "$X" audit verify --db "$DB" --json
assert_rc 0
assert_json "d['ok'] is True"
[ "$(db_query m "SELECT COUNT(*) FROM audit WHERE kind = 'alert'")" -eq \
  "$(db_query m "SELECT COUNT(*) FROM alert_events")" ] || fail "alert events not all chained"

# a progress bar on stderr on a terminal only
run "$X" monitor run --db "$DB" --list "$V3" --full
! grep -q "entries" <<<"$ERR" || fail "a progress bar on a non-terminal: $ERR"
if command -v script >/dev/null; then
  # the values go through the environment: on PostgreSQL $DB is a conninfo with spaces
  XG_TTY_X=$X XG_TTY_DB=$DB XG_TTY_LIST=$V3 \
    script -qec '"$XG_TTY_X" monitor run --db "$XG_TTY_DB" --list "$XG_TTY_LIST" --full >/dev/null' \
    /dev/null >"$TMP/tty.txt" 2>&1 || true
  grep -qE "monitor \[#+\] [0-9]+/[0-9]+ entries" "$TMP/tty.txt" ||
    fail "no progress bar on a terminal: $(head -c 400 "$TMP/tty.txt")"
fi
