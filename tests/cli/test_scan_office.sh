# DOCX, XLSX, ODT and ODS copies of the labelled examples (written here by office/mkoffice.py with
# python's zipfile: paragraphs, two-column tables, shared and inline strings, GB18030 XML parts)
# give the findings of the text originals; a zip bomb, a huge sheet, a truncated archive, a ZIP
# that is no office document and a part that is not XML are each refused with a one-line reason
# while the other files of the run are scanned; a PDF without a text layer needs OCR.
. "$XGATE_TESTS/lib.sh"
EX=$SHARED/data/tenders/examples
MK=$XGATE_TESTS/cli/office/mkoffice.py
mkdir -p "$TMP/txt" "$TMP/off"
for f in "$EX"/*.txt; do
  b=$(basename "$f" .txt)
  cp "$f" "$TMP/txt/$b.txt"
  for k in docx xlsx odt ods; do python3 "$MK" $k "$f" "$TMP/off/$b.$k"; done
  python3 "$MK" xlsx-inline "$f" "$TMP/off/$b.inline.xlsx"
  python3 "$MK" docx "$f" "$TMP/off/$b.gb18030.docx" gb18030
done
run "$X" scan --json --as-of 2026-06-01 "$TMP/txt"
assert_rc 0
cp "$TMP/out" "$TMP/txt.jsonl"
run "$X" scan --json --as-of 2026-06-01 "$TMP/off"
assert_rc 0
python3 - "$TMP/txt.jsonl" "$TMP/out" <<'PY' || fail "office copies differ from the text originals"
import json, os, sys
txt = {os.path.basename(d["document"])[:-4]: d for d in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
off = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert len(off) == 6 * len(txt), len(off)
bad = []
for d in off:
    name = os.path.basename(d["document"])
    base = name.split(".")[0]
    t = txt[base]
    kind = name.rsplit(".", 1)[1]
    if d["encoding"] != kind: bad.append((name, "encoding", d["encoding"]))
    for k in ("flagged", "risk", "notice_type", "language", "providers", "chips", "instances", "models"):
        if d[k] != t[k]: bad.append((name, k, d[k], t[k]))
    if sorted(d["signals"]) != sorted(t["signals"]): bad.append((name, "signals", d["signals"], t["signals"]))
    for k, v in t["fields"].items():
        if d["fields"][k] != v: bad.append((name, "fields." + k, d["fields"][k], v))
    if sorted(i["item"] for i in d["items"]) != sorted(i["item"] for i in t["items"]): bad.append((name, "items"))
    # the deleted run "AWS H100 deleted" and the field code are not text
    if any("deleted" in m["snippet"] for m in d["mentions"]): bad.append((name, "deleted text scanned"))
for b in bad: print(b)
sys.exit(1 if bad else 0)
PY
# the linked pair (procurement and result notice of one project) links across formats too (the
# two XLSX copies of a notice, shared and inline strings, give one text: the second is a copy)
assert_json 'any(x["document"].endswith("ex01_szu_aws_gpu_notice.docx") and any("ex02_szu_aws_gpu_result" in l and l.endswith(".xlsx") for l in x["linked"]) for x in d)'
# broken and hostile archives: one clear line each, the good file still scanned, exit 1
for k in bomb huge truncated notoffice badxml; do python3 "$MK" $k - "$TMP/$k.docx"; done
rm -f "$TMP/truncated.docx.full"
run "$X" scan --json "$TMP/bomb.docx" "$TMP/huge.docx" "$TMP/truncated.docx" "$TMP/notoffice.docx" \
  "$TMP/badxml.docx" "$TMP/off/ex01_szu_aws_gpu_notice.docx"
assert_rc 1
assert_err_contains "bomb.docx: zip bomb refused: word/document.xml expands to"
assert_err_contains "huge.docx: table too large: more than 500000 cells"
assert_err_contains "truncated.docx: broken archive"
assert_err_contains "notoffice.docx: a ZIP archive that is not a DOCX, XLSX, ODT or ODS document"
assert_err_contains "badxml.docx: broken document: word/document.xml is not well-formed XML"
[ "$(grep -c . <<<"$ERR")" -eq 5 ] || fail "expected one line per bad file: $ERR"
assert_json 'isinstance(d, dict) and d["flagged"] and d["encoding"] == "docx"'
# a PDF with no text layer (one page with a drawn line, no text) is not clean: it needs OCR
if command -v pdftotext >/dev/null; then
  python3 - "$TMP/scan.pdf" <<'PY'
import sys
objs = {1: "<< /Type /Catalog /Pages 2 0 R >>", 2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: "<< /Length 24 >>\nstream\n10 10 m 500 800 l S\nendstream"}
pdf, offs = b"%PDF-1.4\n", {}
for k in sorted(objs):
    offs[k] = len(pdf)
    pdf += ("%d 0 obj\n%s\nendobj\n" % (k, objs[k])).encode()
x = len(pdf)
pdf += ("xref\n0 5\n0000000000 65535 f \n" + "".join("%010d 00000 n \n" % offs[k] for k in sorted(objs))).encode()
pdf += ("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % x).encode()
open(sys.argv[1], "wb").write(pdf)
PY
  run "$X" scan "$TMP/scan.pdf" "$EX/ex01_szu_aws_gpu_notice.txt"
  assert_rc 1
  assert_err_contains "scan.pdf: needs OCR: the PDF has no text layer"
  assert_out_contains "1 documents, 1 flagged"
fi
