# The CSL JSON loader (consolidated.json, {"results": [...]}) against the CSV loader on the same
# rows: 300 rows of the shared CSL CSV converted to the API's JSON shape here load to the same
# entries (`lists diff` CSV → JSON finds nothing); malformed JSON is one clear error.
. "$XGATE_TESTS/lib.sh"

python3 - "$SHARED/data/lists/csl_2023-11_partial.csv" "$TMP" <<'PY'
import csv, json, re, sys
src, tmp = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(src, encoding="utf-8")))
csv.writer(open(tmp + "/csl.csv", "w", newline="", encoding="utf-8")).writerows(rows[:301])
head = rows[0]
def split(s):  # as the CSV packs lists: "A; B; and C"
    parts = [p.strip() for p in s.split("; ") if p.strip()] if s else []
    if len(parts) > 1 and parts[-1].startswith("and "): parts[-1] = parts[-1][4:]
    return parts
def ident(s):
    t, _, rest = s.partition(", ")
    m = re.match(r"(.*), ([A-Z]{2})$", rest)
    d = {"type": t, "number": m.group(1) if m else rest}
    if m: d["country"] = m.group(2)
    return d
out = []
for row in rows[1:301]:
    r = dict(zip(head, row))
    out.append({"_id": r["_id"], "name": r["name"], "source": r["source"], "type": r["type"] or None,
                "alt_names": split(r["alt_names"]), "programs": split(r["programs"]),
                "start_date": r["start_date"] or None, "end_date": r["end_date"] or None,
                "remarks": r["remarks"] or None,
                "addresses": [{"address": a} for a in split(r["addresses"])],
                "ids": [ident(i) for i in split(r["ids"]) if ", " in i],
                "nationalities": split(r["nationalities"]), "citizenships": split(r["citizenships"]),
                "dates_of_birth": r["dates_of_birth"] or None})
json.dump({"total": len(out), "results": out}, open(tmp + "/consolidated.json", "w"), indent=1)
PY

run "$X" lists info --list "$TMP/consolidated.json" --json
assert_rc 0
assert_json 'd["files"][0]["format"] == "csl_json" and d["total"] == 300'

run "$X" lists diff "$TMP/csl.csv" "$TMP/consolidated.json"
assert_rc 0
assert_out_contains "0 added, 0 removed, 0 changed, 300 unchanged"

printf '{"results": [{"_id": "1", "name": "A", "source": "Entity List (EL)"},' >"$TMP/cut.json"
run "$X" lists info --list "$TMP/cut.json"
assert_rc 1
assert_err_contains "cut.json:1: JSON:"

printf '{"results": [{"_id": "1", "source": "Entity List (EL)"}]}' >"$TMP/noname.json"
run "$X" lists info --list "$TMP/noname.json"
assert_rc 1
assert_err_contains "noname.json:1: no name"
echo "ok csl json"
