# `xgate lists info` on the bundled defaults and on every shared list: counts, hash, JSON.
. "$XGATE_TESTS/lib.sh"
L=$SHARED/data/lists

run "$X" lists info
assert_rc 0
assert_out_contains "format ofac_sdn, 8976 records"
assert_out_contains "alt.csv: 11910 aliases; add.csv: 13837 addresses"
assert_out_contains "format ofac_cons, 442 records"
assert_out_contains "cons_alt.csv: 1073 aliases; cons_add.csv: 574 addresses"
assert_out_contains "format un_xml, 1003 records"
assert_out_contains "total: 10494 records"
assert_out_contains "snapshot sha256 "

run "$X" lists info --json
assert_rc 0
assert_json 'd["total"] == 10494 and len(d["files"]) == 5 and len(d["hash"]) == 64'
assert_json '[f["format"] for f in d["files"]] == ["ofac_sdn", "ofac_cons", "un_xml", "csl", "csl"]'
assert_json '{s["code"]: s["records"] for s in d["sources"]}["UN"] == 1003'
# the non-SDN entries by list (the CSL sample adds 3 SSI and 2 PLC rows)
assert_json '[{s["code"]: s["records"] for s in d["sources"]}[c] for c in ("SSI", "PLC", "CMIC", "NS-MBS", "CONS")] == [286 + 3, 78 + 2, 68, 6, 4]'
assert_json 'd["types"]["individual"] == 4620 + 79 + 730 + 4 and d["skipped"] == []'

run "$X" lists info --json --list "$L/ofac_sdn_2021-07" --list "$L/un_sc_consolidated_2026-02.xml" \
  --list "$L/csl_entity_list_prc_research.csv" --list "$L/csl_sample.csv" \
  --list "$L/dod_1260h_2026.xgate.csv" --list "$L/eu_833_annex_iv_2026.xgate.csv" \
  --list "$L/csl_meti_names_2022-12.txt" --as-of 2026-11-01
assert_rc 0
assert_json '[f["records"] for f in d["files"]] == [8976, 1003, 60, 13, 233, 921, 37917]'
assert_json '[f["format"] for f in d["files"]] == ["ofac_sdn", "un_xml", "csl", "csl", "xgate_csv", "xgate_csv", "names"]'
assert_json 'd["total"] == 49123'
assert_json '{s["code"]: s["records"] for s in d["sources"]}["1260H"] == 233'
assert_json '{s["code"]: s["records"] for s in d["sources"]}["EU833"] == 921'
assert_json '{s["code"]: s["records"] for s in d["sources"]}["NAMES"] == 37917'
assert_json 'd["delisted"] == 21 and d["as_of"] == "2026-11-01"'

# one file: the snapshot hash is the file's SHA-256; loading twice gives the same hash
want=$(sha256sum "$L/csl_sample.csv" | cut -d' ' -f1)
run "$X" lists info --list "$L/csl_sample.csv"
assert_rc 0
assert_out_contains "snapshot sha256 $want"
run "$X" lists info --list "$L/csl_sample.csv"
assert_out_contains "snapshot sha256 $want"

# a changed byte changes the hash
sed 's/Atlas Sanatgaran/Atlas Sanatgaram/' "$L/csl_sample.csv" >"$TMP/changed.csv"
run "$X" lists info --list "$TMP/changed.csv"
assert_rc 0
assert_out_lacks "snapshot sha256 $want"

# dump: records as loaded
run "$X" lists dump --list "$L/csl_sample.csv"
assert_rc 0
assert_json 'len(d) == 13 and any(r["id"] == "52291" and r["ids"][0]["scheme"] == "PASSPORT" for r in d)'

# the SDN triple by its sdn.csv; an sdn.csv alone is an error (its aliases would be missed),
# and with --lenient loads and reports the missing side files
mkdir "$TMP/sdn"
cp "$L/ofac_sdn_2021-07/sdn.csv" "$TMP/sdn/"
run "$X" lists info --list "$TMP/sdn/sdn.csv"
assert_rc_nonzero
assert_err_contains "alt.csv not found beside it"
run "$X" lists info --lenient --list "$TMP/sdn/sdn.csv"
assert_rc 0
assert_out_contains "alt.csv missing; add.csv missing"
assert_out_contains "add.csv not found beside it: addresses not loaded"

run "$X" lists --help
assert_rc 0
assert_out_contains "usage: xgate lists info"
