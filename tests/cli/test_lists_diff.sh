# `lists diff` keys each list by its own stable entry id and names the fields that changed: the
# bundled UN XML (DATAID) and CSL CSV (_id), each against a version 2 derived here — one entry
# removed, one with an alias added, one with an address changed, and (CSL) one with a program
# added — and nothing else reported.
. "$XGATE_TESTS/lib.sh"

python3 - "$XGATE_DATA/lists/un_sc_consolidated_2026-02.xml" "$TMP/un2.xml" \
  "$XGATE_DATA/lists/csl_sample.csv" "$TMP/csl2.csv" "$TMP/expect.json" <<'PY'
import csv, json, sys
import xml.etree.ElementTree as ET
un_in, un_out, csl_in, csl_out, expect = sys.argv[1:6]
tree = ET.parse(un_in)
root = tree.getroot()
inds = root.find("INDIVIDUALS")
gone = inds.findall("INDIVIDUAL")[0]
inds.remove(gone)
ents = root.find("ENTITIES").findall("ENTITY")
alias_ent = ents[0]
a = ET.SubElement(alias_ent, "ENTITY_ALIAS")
ET.SubElement(a, "QUALITY").text = "a.k.a."
ET.SubElement(a, "ALIAS_NAME").text = "Diff Test Alias Trading"
addr_ent = next(e for e in ents[1:] if e.find("ENTITY_ADDRESS/CITY") is not None and (e.find("ENTITY_ADDRESS/CITY").text or "").strip())
addr_ent.find("ENTITY_ADDRESS/CITY").text = "Diffville"
tree.write(un_out, encoding="UTF-8", xml_declaration=True)
un = {"removed": [gone.findtext("DATAID")],
      "changed": sorted([[alias_ent.findtext("DATAID"), ["aliases"]], [addr_ent.findtext("DATAID"), ["addresses"]]])}

with open(csl_in, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
fields = list(rows[0].keys())
removed = rows.pop(0)["_id"]
alias_row = next(r for r in rows if r["name"])
alias_row["alt_names"] = "; ".join(filter(None, [alias_row["alt_names"], "Diff Test Alias Two"]))
addr_row = next(r for r in rows if r["addresses"] and r is not alias_row)
addr_row["addresses"] = "Suite 9, " + addr_row["addresses"]  # same country
prog_row = next(r for r in rows if r["programs"] and r is not alias_row and r is not addr_row)
prog_row["programs"] = prog_row["programs"] + "; DIFFTEST"
with open(csl_out, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=fields, quoting=csv.QUOTE_ALL)
    w.writeheader()
    w.writerows(rows)
csl = {"removed": [removed],
       "changed": sorted([[alias_row["_id"], ["aliases"]], [addr_row["_id"], ["addresses"]],
                          [prog_row["_id"], ["programs"]]])}
json.dump({"un": un, "csl": csl}, open(expect, "w"))
PY

check() { # KIND OLD NEW
  run "$X" lists diff "$2" "$3" --json
  assert_rc 0
  python3 - "$TMP/out" "$TMP/expect.json" "$1" <<'PY' || fail "$1 diff: $(head -c 1500 "$TMP/out")"
import json, sys
d = json.load(open(sys.argv[1]))
want = json.load(open(sys.argv[2]))[sys.argv[3]]
assert d["added"] == [], d["added"]
assert [e["id"] for e in d["removed"]] == want["removed"], (d["removed"], want)
got = sorted([e["id"], e["fields"]] for e in d["changed"])
assert got == want["changed"], (got, want["changed"])
PY
}
check un "$XGATE_DATA/lists/un_sc_consolidated_2026-02.xml" "$TMP/un2.xml"
check csl "$XGATE_DATA/lists/csl_sample.csv" "$TMP/csl2.csv"
# the text form names the fields too
run "$X" lists diff "$XGATE_DATA/lists/csl_sample.csv" "$TMP/csl2.csv"
assert_rc 0
assert_out_contains "0 added, 1 removed, 3 changed, 9 unchanged"
assert_out_contains ": programs"
echo "ok lists diff"
