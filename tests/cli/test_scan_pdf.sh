# A real PDF read through pdftotext: a minimal PDF written here (Type0 font, Identity-H, ToUnicode
# CMap, no embedded font: pdftotext extracts Han and Latin text from it), in English and Chinese.
. "$XGATE_TESTS/lib.sh"
command -v pdftotext >/dev/null || { echo "skip: pdftotext not installed"; exit 0; }
cat >"$TMP/mkpdf.py" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
def hexs(s): return "".join("%04X" % ord(c) for c in s if ord(c) < 0x10000)
cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo "
        "<< /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def "
        "/CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
for blk in range(0, 256, 100):  # CID = UTF-16 code unit: 256 ranges of 256 (at most 100 a block)
    rng = range(blk, min(blk + 100, 256))
    cmap += "%d beginbfrange\n" % len(rng) + "".join("<%02X00> <%02XFF> <%02X00>\n" % (h, h, h) for h in rng)
    cmap += "endbfrange\n"
cmap += "endcmap CMapName currentdict /CMap defineresource pop end end\n"
pages = [lines[i:i + 40] for i in range(0, max(len(lines), 1), 40)]
objs = {1: "<< /Type /Catalog /Pages 2 0 R >>",
        3: "<< /Type /Font /Subtype /Type0 /BaseFont /Sans /Encoding /Identity-H "
           "/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        4: "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Sans /CIDSystemInfo << /Registry (Adobe) "
           "/Ordering (Identity) /Supplement 0 >> /DW 1000 /W [32 126 500] /CIDToGIDMap /Identity >>",
        5: "<< /Length %d >>\nstream\n%sendstream" % (len(cmap.encode()), cmap)}
kids = []
for n, pg in enumerate(pages):
    po, co = 6 + 2 * n, 7 + 2 * n
    body = "BT /F1 10 Tf 12 TL 40 800 Td\n" + "".join("<%s> Tj T*\n" % hexs(l) for l in pg) + "ET\n"
    objs[po] = ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1600 842] /Resources "
                "<< /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % co)
    objs[co] = "<< /Length %d >>\nstream\n%sendstream" % (len(body.encode()), body)
    kids.append("%d 0 R" % po)
objs[2] = "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(kids), len(kids))
pdf, offs = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", {}
for k in sorted(objs):
    offs[k] = len(pdf)
    pdf += ("%d 0 obj\n%s\nendobj\n" % (k, objs[k])).encode()
x = len(pdf)
pdf += ("xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)).encode()
pdf += "".join("%010d 00000 n \n" % offs[k] for k in sorted(objs)).encode()
pdf += ("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)).encode()
open(sys.argv[2], "wb").write(pdf)
PY
cat >"$TMP/en.txt" <<'TXT'
Invitation to Tender: GPU Cloud Computing Services
Tender Reference: HKU-T-2024-PDF
Procuring Entity: The University of Hong Kong
Requirement: rent 16 AWS p5.48xlarge instances (NVIDIA H100) in an overseas region for model training.
Budget: HK$2.4 million
TXT
python3 "$TMP/mkpdf.py" "$TMP/en.txt" "$TMP/en.pdf"
python3 "$TMP/mkpdf.py" "$SHARED/data/tenders/examples/ex04_scu_azure_openai_tokens.txt" "$TMP/ex04.pdf"
python3 "$TMP/mkpdf.py" "$SHARED/data/tenders/examples/ex01_szu_aws_gpu_notice.txt" "$TMP/ex01.pdf"
run "$X" scan --json "$TMP/en.pdf" "$TMP/ex04.pdf" "$TMP/ex01.pdf"
assert_rc 0
assert_json 'all(x["encoding"] == "pdf" for x in d)'
# English: provider, instance, chip and the classification flow through from the extracted text
assert_json 'd[0]["flagged"] and d[0]["providers"] == ["AWS"] and d[0]["instances"] == ["p5.48xlarge"] and d[0]["chips"] == ["H100"] and d[0]["language"] == "en"'
assert_json '{"item": "p5.48xlarge", "eccn": "4A090.a"} in d[0]["items"] and "overseas_account" in d[0]["signals"]'
assert_json 'd[0]["fields"]["project_number"] == "HKU-T-2024-PDF" and d[0]["fields"]["currency_amount"] == [2400000, "HKD"]'
assert_json 'd[0]["fields"]["buyer"] == "The University of Hong Kong"'
# Chinese: the same findings as the text original
assert_json 'd[1]["fields"]["buyer"] == "四川大学" and d[1]["fields"]["tokens"] == 40000000 and d[1]["fields"]["amount_cny"] == 500000 and sorted(d[1]["models"]) == ["Azure OpenAI", "GPT-4", "GPT-4o"]'
assert_json 'd[2]["fields"]["project_number"] == "SZU-CG-2024-0318" and sorted(d[2]["instances"]) == ["p4d.24xlarge", "p5.48xlarge"] and d[2]["flagged"]'
# the PDF's evidence offsets point at the terms in the extracted text
pdftotext -enc UTF-8 "$TMP/en.pdf" "$TMP/en_extracted.txt"
python3 - "$TMP/out" "$TMP/en_extracted.txt" <<'PY' || fail "PDF offsets"
import json, sys
d = json.loads(open(sys.argv[1], encoding="utf-8").readline())
t = open(sys.argv[2], "rb").read()
bad = [m for m in d["mentions"] if t[m["offset"]:m["offset"] + len(m["term"].encode())].decode() != m["term"]]
print(bad); sys.exit(1 if bad or not d["mentions"] else 0)
PY
