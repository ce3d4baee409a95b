# OFAC's SDN.XML loader against the SDN CSV loader: the first 600 entries of the shared SDN CSV
# triple (with their aliases and addresses) written here as an SDN.XML (publshInformation,
# sdnEntry uid/lastName/firstName/sdnType/programList/akaList/addressList/vesselInfo/remarks) load
# to the same entries — `lists diff` CSV → XML finds nothing; the format is detected from content;
# a cut file and a DOCTYPE are clear errors.
. "$XGATE_TESTS/lib.sh"

python3 - "$SHARED/data/lists/ofac_sdn_2021-07" "$TMP" <<'PY'
import csv, io, os, sys
from xml.sax.saxutils import escape
src, tmp = sys.argv[1], sys.argv[2]
def rows(name):
    raw = open(f"{src}/{name}", "rb").read().decode("utf-8").replace("\x1a", "")
    return [r for r in csv.reader(io.StringIO(raw)) if r]
def v(s):
    return "" if s.strip() == "-0-" else s
sdn = rows("sdn.csv")[:600]
ents = {r[0] for r in sdn}
alt = [r for r in rows("alt.csv") if r[0] in ents]
add = [r for r in rows("add.csv") if r[0] in ents]
os.makedirs(f"{tmp}/csv")
for name, data in (("sdn.csv", sdn), ("alt.csv", alt), ("add.csv", add)):
    with open(f"{tmp}/csv/{name}", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows(data)
def name_xml(n):
    if ", " in n:
        last, first = n.split(", ", 1)
        return f"<lastName>{escape(last)}</lastName><firstName>{escape(first)}</firstName>"
    return f"<lastName>{escape(n)}</lastName>"
out = ['<?xml version="1.0" standalone="yes"?>',
       '<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">',
       '<publshInformation><Publish_Date>07/15/2021</Publish_Date><Record_Count>600</Record_Count></publshInformation>']
for r in sdn:
    ent, name, typ, prog = r[0], r[1], v(r[2]).strip(), v(r[3]).strip()
    t = {"individual": "Individual", "vessel": "Vessel", "aircraft": "Aircraft"}.get(typ, "Entity")
    e = [f"<sdnEntry><uid>{ent}</uid>{name_xml(name)}<sdnType>{t}</sdnType>"]
    progs = [p.strip("[] ") for p in prog.split("] [") if p.strip("[] ")]
    e.append("<programList>" + "".join(f"<program>{escape(p)}</program>" for p in progs) + "</programList>")
    akas = [a for a in alt if a[0] == ent]
    if akas:
        e.append("<akaList>" + "".join(f"<aka><uid>{a[1]}</uid>{name_xml(v(a[3]).strip())}</aka>" for a in akas) + "</akaList>")
    adds = [a for a in add if a[0] == ent]
    if adds:
        e.append("<addressList>")
        for a in adds:
            e.append(f"<address><uid>{a[1]}</uid><address1>{escape(v(a[2]).strip())}</address1>"
                     f"<city>{escape(v(a[3]).strip())}</city><country>{escape(v(a[4]).strip())}</country></address>")
        e.append("</addressList>")
    if v(r[9]).strip():
        e.append(f"<vesselInfo><vesselFlag>{escape(v(r[9]).strip())}</vesselFlag></vesselInfo>")
    if v(r[11]).strip():
        e.append(f"<remarks>{escape(v(r[11]).strip())}</remarks>")
    e.append("</sdnEntry>")
    out.append("".join(e))
out.append("</sdnList>")
open(f"{tmp}/SDN.XML", "w", encoding="utf-8").write("\n".join(out) + "\n")
PY

run "$X" lists info --list "$TMP/SDN.XML" --json
assert_rc 0
assert_json 'd["files"][0]["format"] == "sdn_xml" and d["total"] == 600'

run "$X" lists diff "$TMP/csv" "$TMP/SDN.XML"
assert_rc 0
assert_out_contains "0 added, 0 removed, 0 changed, 600 unchanged"

# fetched by `lists update` (loopback feed server), the file set becomes a version that carries
# the file's Publish_Date (07/15/2021) as its publish date
mkdir -p "$TMP/root"
cp "$TMP/SDN.XML" "$TMP/root/"
python3 "$XGATE_TESTS/lists_feed_server.py" "$TMP/root" "$TMP/port" "$TMP/requests.log" &
FEED=$!
trap 'kill $FEED 2>/dev/null; db_cleanup; rm -rf "$TMP"' EXIT
for _ in $(seq 200); do [ -s "$TMP/port" ] && break; sleep 0.1; done
[ -s "$TMP/port" ] || fail "the feed server did not write its port file"
run "$X" lists update --source "ofac_sdn=http://127.0.0.1:$(cat "$TMP/port")/files/SDN.XML" \
  --db "sqlite:$TMP/x.db" --data-dir "$TMP/state" --json
assert_rc 0
assert_json 'd["results"][0]["status"] == "new" and d["results"][0]["entries"] == 600 and d["results"][0]["publish_date"] == "2021-07-15"'
run "$X" lists versions --db "sqlite:$TMP/x.db"
assert_rc 0
assert_out_contains ", published 2021-07-15"

head -c 20000 "$TMP/SDN.XML" >"$TMP/cut.xml"
run "$X" lists info --list "$TMP/cut.xml"
assert_rc 1
assert_err_contains "cut.xml:"
assert_err_contains "XML:"

printf '<?xml version="1.0"?>\n<!DOCTYPE sdnList [<!ENTITY a "aaaa">]>\n<sdnList><sdnEntry><uid>1</uid><lastName>&a;</lastName></sdnEntry></sdnList>\n' >"$TMP/doctype.xml"
run "$X" lists info --list "$TMP/doctype.xml"
assert_rc 1
assert_err_contains "a DOCTYPE is not accepted"
echo "ok sdn xml"
