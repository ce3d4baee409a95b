# The lists in force: `screen --db`, `decide` and `monitor run` load the versions `lists update`
# put in force (explicit --list files still win; the bundled lists are the fallback), name them in
# every decision and alert, and `decide --replay` loads the versions its decision used again from
# the content-addressed store. Clearances silence a hit in screen and decide until the entry
# changes. A loopback feed server (tests/lists_feed_server.py) serves version 1 and then version 2
# of the real DoD 1260H list from ../shared (version 2 derived here: an entry added that matches a
# stored customer), then version 3 (that entry's address changed).
. "$XGATE_TESTS/lib.sh"
export XGATE_DATA=${XGATE_DATA:-$XGATE_ROOT/data}
unset XGATE_DB XGATE_STATE_DIR
mkdir -p "$TMP/root"
cp "$SHARED/data/lists/dod_1260h_2026.xgate.csv" "$TMP/root/dod.csv"
python3 "$XGATE_TESTS/lists_feed_server.py" "$TMP/root" "$TMP/port" "$TMP/requests.log" 30 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do [ -s "$TMP/port" ] && break; sleep 0.1; done
[ -s "$TMP/port" ] || fail "the feed server did not write its port file (waited 20 s)"
BASE=http://127.0.0.1:$(cat "$TMP/port")
DB="sqlite:$TMP/x.db"
update() {
  run "$X" lists update --source "dod1260h=$BASE/files/dod.csv" --db "$DB" --data-dir "$TMP/state"
  [ "$RC" -eq 0 ] || fail "lists update: exit $RC: $OUT $ERR"
}
in_force() { "$X" lists versions --db "$DB" --json |
  python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)["versions"] if r["in_force"]))'; }
add() { printf '%s' "$1" >"$TMP/c.json"; run "$X" customers add --db "$DB" "$TMP/c.json"; assert_rc 0; }
add '{"name":"Huawei Technologies Co Ltd","country":"CN"}'
add '{"name":"Nordwind Optics AG","country":"DE"}'
HW='Huawei Technologies Co Ltd'

# --- nothing fetched yet: the bundled lists (no 1260H entry among them)
run "$X" screen --db "$DB" --json "$HW"
assert_rc 0
assert_json "d['list_origin'] == 'bundled' and d['list_versions'] == {} and not any(m['source_code'] == '1260H' for m in d['matches'])"
# … but the bundled OFAC non-SDN files list it as a Chinese Military-Industrial Complex company
assert_json "[(m['id'], m['source_code']) for m in d['matches']] == [('30947', 'CMIC')]"
cat >"$TMP/hw0.json" <<JSON
{"customer": {"name": "$HW", "country": "DE", "headquarters": "DE"},
 "resource": {"kind": "model", "provider": "azure", "item": "Azure OpenAI", "tokens": 4000},
 "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"},
 "as_of": "2026-11-22"}
JSON
run "$X" decide --db "$DB" --dry-run --json "$TMP/hw0.json"
assert_rc 0
assert_json "d['decision'] == 'REVIEW' and [(r['rule'], r['citation']) for r in d['reasons']] == [('other_listed', 'EO 13959 as amended by EO 14032')]"

# --- version 1 in force: screen, decide and monitor use it, and name it
update
V1=$(in_force)
[ -n "$V1" ] || fail "no version in force after the first update"
# how old the lists in force are: the fetched version by its fetch day, the bundled SDN by its month
run "$X" lists versions --db "$DB" --in-force --json
assert_rc 0
assert_json "[(x['source'], x['version'], x['age_from'], x['age_days'] in (0, 1), x['stale']) for x in d['in_force'] if x['origin'] == 'store'] == [('dod1260h', '$V1', 'fetched_at', True, False)]"
assert_json "[(x['path'], x['publish_date'], x['stale']) for x in d['in_force'] if x['source'] == 'ofac_sdn'] == [('lists/ofac_sdn_2021-07', '2021-07', True)]"
assert_json "[(x['path'], x['publish_date'], x['stale']) for x in d['in_force'] if x['source'] == 'ofac_cons'] == [('lists/ofac_cons_2025-12', '2025-12', True)]"
run "$X" lists versions --db "$DB" --in-force --as-of 2026-12-03
assert_rc 0
assert_out_contains "ofac_sdn   bundled  lists/ofac_sdn_2021-07"
assert_out_contains "about 1981 days old  STALE (older than 14 days)"
assert_out_contains "ofac_cons  bundled  lists/ofac_cons_2025-12                  published 2025-12, about 367 days old  STALE (older than 14 days)"
# stale: the bundled SDN, non-SDN, UN and PRC Entity List files
assert_out_contains "warning: 4 lists in force are older than data/lists/freshness.tsv allows"
run "$X" lists versions --db "$DB" --as-of 2040-01-01
assert_out_contains "* dod1260h"
assert_out_contains "warning: 5 lists in force"
run "$X" lists versions --db "$DB" --as-of 2026-13-01
assert_rc 2
assert_err_contains "--as-of '2026-13-01' is not YYYY-MM-DD"

run "$X" screen --db "$DB" --json "$HW"
assert_rc 0
assert_json "d['list_origin'] == 'store' and d['list_versions']['dod1260h']['id'] == '$V1'"
assert_json "d['matches'][0]['id'] == '1260H-745cb4e6009e'"
# the bundled lists of other feeds stay loaded beside the fetched version (the SDN list)
run "$X" screen --db "$DB" --json "ISLAMIC REVOLUTIONARY GUARD CORPS"
assert_json "any(m['source_code'] == 'SDN' for m in d['matches'])"
# $XGATE_DB works as --db does; explicit --list files win over the store
XGATE_DB="$DB" run "$X" screen --json "$HW"
assert_json "d['list_origin'] == 'store' and d['matches'][0]['id'] == '1260H-745cb4e6009e'"
run "$X" screen --db "$DB" --list "$XGATE_DATA/lists/csl_sample.csv" --json "$HW"
assert_rc 0
assert_json "d['list_origin'] == 'files' and d['list_versions'] == {} and not any(m['source_code'] == '1260H' for m in d['matches'])"
# a store that does not exist is an error, not a new empty one
run "$X" screen --db "sqlite:$TMP/nope.db" "$HW"
assert_rc_nonzero
[ ! -e "$TMP/nope.db" ] || fail "screen --db created a store"

cat >"$TMP/req.json" <<JSON
{"customer": {"name": "$HW", "country": "DE", "headquarters": "DE"},
 "resource": {"kind": "model", "provider": "azure", "item": "Azure OpenAI", "tokens": 4000},
 "access": {"source_country": "DE", "payment_country": "DE", "end_use": "inference"},
 "as_of": "2026-11-22"}
JSON
run "$X" decide --db "$DB" --json "$TMP/req.json"
assert_rc 0
assert_json "d['versions']['list_origin'] == 'store' and d['versions']['list_versions']['dod1260h']['id'] == '$V1'"
assert_json "len(d['versions']['list_versions']['dod1260h']['sha256']) == 64"
assert_json "d['decision'] == 'REVIEW' and any(m['list'] == '1260H' for p in d['parties'] for m in p['screening'])"
DEC1=$(python3 -c "import json; print(json.load(open('$TMP/out'))['decision_id'])")
run "$X" decide --db "$DB" "$TMP/req.json"
assert_rc 0
assert_out_contains "lists: versions in force $V1"
# a dry run with --db reads the lists in force and records nothing
run "$X" decide --db "$DB" --dry-run --json "$TMP/req.json"
assert_rc 0
assert_json "d['decision_id'] is None and d['versions']['list_versions']['dod1260h']['id'] == '$V1'"

run "$X" monitor run --db "$DB" --json
assert_rc 0
assert_json "d['list_versions']['dod1260h']['id'] == '$V1'"
# the first run screens every party against everything loaded: the fetched 1260H version and the
# bundled lists beside it, where Huawei is on OFAC's non-SDN CMIC list (no stored version: null)
assert_json "sorted((a['party']['name'], a['entry']['id'], (a['list_version'] or {}).get('id')) for a in d['opened']) == [('$HW', '1260H-745cb4e6009e', '$V1'), ('$HW', '30947', None)]"
run "$X" monitor run --db "$DB"
assert_rc 0
assert_out_contains "list dod1260h: version $V1"

# --- version 2: an entry added that matches Nordwind
python3 - "$TMP/root/dod.csv" <<'PY'
import csv, sys
p = sys.argv[1]
rows = list(csv.DictReader(open(p, newline="", encoding="utf-8")))
fields = list(rows[0].keys())
added = dict(rows[0]); added.update(id="TEST-NORDWIND-1", name="Nordwind Optics AG", aliases="",
                                    country="DE", parent="", addresses="Hafenstrasse 1, Kiel")
rows.append(added)
with open(p, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=fields); w.writeheader(); w.writerows(rows)
PY
update
V2=$(in_force)
[ "$V2" != "$V1" ] || fail "version 2 did not come into force"
run "$X" monitor run --db "$DB" --json
assert_rc 0
assert_json "[(a['party']['name'], a['entry']['id'], a['list_version']['id']) for a in d['opened']] == [('Nordwind Optics AG', 'TEST-NORDWIND-1', '$V2')]"
NW=$(python3 -c "import json; print(json.load(open('$TMP/out'))['opened'][0]['id'])")
run "$X" alerts list --db "$DB" --json
assert_json "sorted((a['list_version'] or {}).get('id', 'bundled') for a in d) == sorted(['$V1', '$V2', 'bundled'])"

# --- replay loads the versions the decision used; --current-lists the ones in force now
run "$X" decide --replay "$DEC1" --db "$DB" --json
assert_rc 0
assert_json "d['holds'] is True and 'lists' not in d['versions_differ'] and 'list_versions' not in d['versions_differ']"
assert_json "d['replayed']['versions']['list_versions']['dod1260h']['id'] == '$V1'"
run "$X" decide --replay "$DEC1" --current-lists --db "$DB" --json
assert_rc 0
assert_json "'lists' in d['versions_differ'] and 'list_versions' in d['versions_differ']"
assert_json "d['replayed']['versions']['list_versions']['dod1260h']['id'] == '$V2'"
assert_json "'lists: dod1260h $V1 → $V2' in d['facts_differ']"
run "$X" decide --current-lists --json "$TMP/req.json"
assert_rc 2
assert_err_contains "--current-lists goes with --replay"

# --- a clearance silences the hit in screen and decide (reported, marked cleared)
run "$X" screen --db "$DB" --json "Nordwind Optics AG"
assert_json "d['matches'][0]['id'] == 'TEST-NORDWIND-1' and d['cleared'] == []"
sed "s/$HW/Nordwind Optics AG/" "$TMP/req.json" >"$TMP/nw.json"
run "$X" decide --db "$DB" --json "$TMP/nw.json"
assert_json "d['decision'] == 'REVIEW' and any(r['rule'] == 'other_listed' for r in d['reasons'])"
run "$X" alerts resolve "$NW" --action clear --reason "different company: Kiel optics shop" --by analyst1 --db "$DB"
assert_rc 0
run "$X" screen --db "$DB" --json "Nordwind Optics AG"
assert_rc 0
assert_json "not any(m['id'] == 'TEST-NORDWIND-1' for m in d['matches'])"
assert_json "d['cleared'][0]['id'] == 'TEST-NORDWIND-1' and d['cleared'][0]['clearance']['by'] == 'analyst1' and d['cleared'][0]['clearance']['reason'].startswith('different company') and d['cleared'][0]['clearance']['at']"
run "$X" screen --db "$DB" "Nordwind Optics AG"
assert_out_contains "1 hit cleared by an analyst"
assert_out_contains "cleared by analyst1"
run "$X" decide --db "$DB" --json "$TMP/nw.json"
assert_rc 0
assert_json "d['decision'] == 'ALLOW' and not any(r['rule'] == 'other_listed' for r in d['reasons'])"
assert_json "d['parties'][0]['screening'] == [] and d['parties'][0]['cleared'][0]['id'] == 'TEST-NORDWIND-1' and d['parties'][0]['cleared'][0]['clearance']['by'] == 'analyst1'"
DEC2=$(python3 -c "import json; print(json.load(open('$TMP/out'))['decision_id'])")
run "$X" decide --db "$DB" "$TMP/nw.json"
assert_out_contains "cleared: 1260H"

# --- version 3: the entry's address changes; the clearance no longer holds
python3 - "$TMP/root/dod.csv" <<'PY'
import sys
p = sys.argv[1]
text = open(p, encoding="utf-8").read()
open(p, "w", encoding="utf-8").write(text.replace("Hafenstrasse 1, Kiel", "Hafenstrasse 9, Kiel"))
PY
update
V3=$(in_force)
[ "$V3" != "$V2" ] || fail "version 3 did not come into force"
run "$X" screen --db "$DB" --json "Nordwind Optics AG"
assert_json "d['cleared'] == [] and d['matches'][0]['id'] == 'TEST-NORDWIND-1' and d['matches'][0]['earlier_clearance']['by'] == 'analyst1'"
run "$X" decide --db "$DB" --json "$TMP/nw.json"
assert_json "d['decision'] == 'REVIEW' and d['parties'][0]['screening'][0]['earlier_clearance']['reason'].startswith('different company')"
# the replay of the cleared decision over its stored facts still holds (V2, clearance on file)
run "$X" decide --replay "$DEC2" --db "$DB" --json
assert_rc 0
assert_json "d['holds'] is True and d['replayed']['decision'] == 'ALLOW'"

# --- the versions a decision used are gone: a clear error naming the version
rm -rf "$TMP/state/lists/dod1260h/$(sqlite3 "$TMP/x.db" "SELECT sha256 FROM list_versions WHERE id = '$V1'")"
run "$X" decide --replay "$DEC1" --db "$DB"
assert_rc 1
assert_err_contains "$V1"
assert_err_contains "files are gone"
# …and with the lists in force now it still replays
run "$X" decide --replay "$DEC1" --current-lists --db "$DB" --json
assert_rc 0

# --- the version in force loses its files: commands skip it (the bundled lists stand in) and
# `lists versions` names it instead of failing
rm -rf "$TMP/state/lists/dod1260h/$(sqlite3 "$TMP/x.db" "SELECT sha256 FROM list_versions WHERE id = '$V3'")"
run "$X" lists versions --db "$DB" --json
assert_rc 0
assert_json "[s['id'] for s in d['skipped']] == ['$V3'] and d['skipped'][0]['source'] == 'dod1260h'"
run "$X" lists versions --db "$DB"
assert_rc 0
assert_out_contains "version $V3 of dod1260h is in force but its files are gone"
run "$X" screen --db "$DB" --json "Nordwind Optics AG"
assert_rc 0
assert_json "d['list_origin'] == 'bundled' and d['list_versions'] == {}"
