"""Write DOCX, XLSX, ODT and ODS files from a text notice, and the broken ones the scanner must
refuse, with python's zipfile (test documents made by tests/cli/test_scan_office.sh).

usage: mkoffice.py KIND TEXT_FILE OUT [ENCODING]
  KIND: docx (one paragraph a line; lines "label：value" in a two-column table when they follow
  each other), xlsx (one row a line: label and value in two cells, shared strings), xlsx-inline
  (inline strings), odt, ods, bomb (a DOCX whose document.xml expands to 100 MiB), huge (an XLSX of
  600,000 cells), truncated (the first half of a DOCX), notoffice (a ZIP of a text file),
  badxml (a DOCX whose document.xml is not XML). ENCODING: the XML parts' encoding (utf-8,
  gb18030)."""
import re
import sys
import zipfile
from xml.sax.saxutils import escape

kind, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
enc = sys.argv[4] if len(sys.argv) > 4 else "utf-8"
lines = open(src, encoding="utf-8").read().splitlines() if src != "-" else []
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def xml(body):
    return ('<?xml version="1.0" encoding="%s"?>\n' % enc.upper() + body).encode(enc)


def split(line):
    m = re.match(r"^([^：:]{1,20})[：:](.*)$", line)
    return (m.group(1), m.group(2)) if m else None


def run(t):
    return '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % escape(t)


def para(t):
    return "<w:p><w:pPr/>%s</w:p>" % (run(t) if t else "")


def docx_body():
    out, table = [], []
    def flush():
        if table:
            rows = "".join("<w:tr><w:tc>%s</w:tc><w:tc>%s</w:tc></w:tr>" % (para(a), para(b))
                           for a, b in table)
            out.append("<w:tbl>%s</w:tbl>" % rows)
            table.clear()
    for ln in lines:
        kv = split(ln)
        if kv and len(kv[1].strip()) > 0 and len(table) < 50:
            table.append(kv)
            continue
        flush()
        out.append(para(ln))
    flush()
    # a deleted run and a field code are not text
    out.append('<w:p><w:del><w:r><w:delText>AWS H100 deleted</w:delText></w:r></w:del>'
               '<w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r></w:p>')
    return "<w:document %s><w:body>%s<w:sectPr/></w:body></w:document>" % (W, "".join(out))


def write_docx(path, body=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("word/document.xml", body if body is not None else xml(docx_body()))


def col(i):
    return "AB"[i]


def write_xlsx(path, inline=False, rows=None):
    strings, index = [], {}
    def sid(t):
        if t not in index:
            index[t] = len(strings)
            strings.append(t)
        return index[t]
    rows = rows if rows is not None else [list(split(ln)) if split(ln) else [ln] for ln in lines]
    xrows = []
    for r, cells in enumerate(rows, 1):
        cs = []
        for c, v in enumerate(cells):
            ref = "%s%d" % (col(min(c, 1)), r)
            if isinstance(v, int):
                cs.append('<c r="%s"><v>%d</v></c>' % (ref, v))
            elif inline:
                cs.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(v)))
            else:
                cs.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, sid(v)))
        xrows.append('<row r="%d">%s</row>' % (r, "".join(cs)))
    sheet = "<worksheet %s><sheetData>%s</sheetData></worksheet>" % (S, "".join(xrows))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("xl/workbook.xml", xml('<workbook %s><sheets><sheet name="Sheet1" sheetId="1"/>'
                                          "</sheets></workbook>" % S))
        if strings:
            sst = "".join("<si><t>%s</t><rPh><t>ふりがな</t></rPh></si>" % escape(t) for t in strings)
            z.writestr("xl/sharedStrings.xml", xml("<sst %s>%s</sst>" % (S, sst)))
        z.writestr("xl/worksheets/sheet1.xml", xml(sheet))


OD = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


def write_odf(path, sheet):
    if sheet:
        rows = "".join("<table:table-row>%s</table:table-row>" % "".join(
            "<table:table-cell><text:p>%s</text:p></table:table-cell>" % escape(c)
            for c in (split(ln) or [ln])) for ln in lines)
        body = '<office:spreadsheet><table:table table:name="S">%s</table:table></office:spreadsheet>' % rows
        mt = "application/vnd.oasis.opendocument.spreadsheet"
    else:
        body = "<office:text>%s</office:text>" % "".join(
            "<text:p>%s</text:p>" % escape(ln) for ln in lines)
        mt = "application/vnd.oasis.opendocument.text"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mt)
        z.writestr("content.xml", xml('<office:document-content %s><office:body>%s</office:body>'
                                      "</office:document-content>" % (OD, body)))


if kind == "docx":
    write_docx(out)
elif kind == "xlsx":
    write_xlsx(out)
elif kind == "xlsx-inline":
    write_xlsx(out, inline=True)
elif kind in ("odt", "ods"):
    write_odf(out, kind == "ods")
elif kind == "bomb":
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        with z.open("word/document.xml", "w") as f:
            f.write(b'<?xml version="1.0"?><w:document ' + W.encode() + b"><w:body><w:p><w:r><w:t>")
            chunk = b" " * (1 << 20)
            for _ in range(100):
                f.write(chunk)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
elif kind == "huge":
    write_xlsx(out, rows=[[i, i + 1] for i in range(300001)])
elif kind == "truncated":
    write_docx(out + ".full")
    data = open(out + ".full", "rb").read()
    open(out, "wb").write(data[: len(data) // 2])
elif kind == "notoffice":
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("readme.txt", "AWS H100 rental")
elif kind == "badxml":
    write_docx(out, body=b"<w:document><w:body><w:p>AWS H100 <unclosed></w:body>")
else:
    sys.exit("unknown kind " + kind)
