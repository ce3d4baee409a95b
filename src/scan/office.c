/*
 * office.c — Word, Excel and OpenDocument files (DOCX, XLSX, ODT, ODS) turned into the same plain
 * text the HTML reader writes: paragraphs on their own lines, table cells joined with " | " and
 * rows on their own lines, so one set of field patterns serves every format.
 *
 * The archive is read from memory with libzip and each XML part with libxml2 (no network, no
 * entity substitution, no messages printed). XML parts may be in any encoding libxml2 knows
 * (UTF-8, UTF-16, GB18030 …): the text comes out in UTF-8. Archives are untrusted, so sizes are
 * never taken from the headers alone: a part is read only up to SCAN_OFFICE_MAX_PART bytes and a
 * document to SCAN_OFFICE_MAX_TOTAL; a part that expands beyond that, or whose stated size is more
 * than SCAN_OFFICE_MAX_RATIO times its compressed size, is refused as a zip bomb; a workbook with
 * more than SCAN_OFFICE_MAX_CELLS cells is refused as too large. Each refusal is an XG_EFORMAT
 * error with a one-line reason, and the caller goes on with the next file.
 *
 *   DOCX  word/document.xml: w:t text, w:tab and w:br, w:p lines, w:tc cells, w:tr rows
 *         (deleted text w:delText and field codes w:instrText are not text).
 *   XLSX  xl/sharedStrings.xml (phonetic runs rPh dropped) and xl/worksheets/sheetN.xml in
 *         sheet-number order: one line per row, cells of every type (shared or inline strings,
 *         numbers, formula results) joined with " | ".
 *   ODT/ODS  content.xml, office:body: text:p and text:h lines, text:s/tab/line-break, table
 *         cells and rows as above (repeated cells written once); annotations dropped.
 */
#include "scan/scan_internal.h"
#include "scan/zip_dl.h"
#include "xgate/error.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    zip_t *z;
    size_t total; /* bytes read from every part so far */
} archive;

/* One part's bytes (NUL-terminated), read through libzip up to the limits. XG_ENOTFOUND when the
 * part is absent. */
static int read_part(char **out, size_t *out_len, archive *a, zip_int64_t idx, const char *name)
{
    zip_stat_t st;
    sym_zip_stat_init(&st);
    if (sym_zip_stat_index(a->z, (zip_uint64_t)idx, 0, &st) != 0)
        return xg_error_set(XG_EFORMAT, "broken archive: %s: %s", name, sym_zip_strerror(a->z));
    if ((st.valid & ZIP_STAT_SIZE) && st.size > SCAN_OFFICE_MAX_PART)
        return xg_error_set(XG_EFORMAT, "zip bomb refused: %s expands to %llu bytes (limit %u MiB)",
                            name, (unsigned long long)st.size, SCAN_OFFICE_MAX_PART >> 20);
    if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && st.size > (1u << 20) &&
        st.size / (st.comp_size ? st.comp_size : 1) > SCAN_OFFICE_MAX_RATIO)
        return xg_error_set(XG_EFORMAT, "zip bomb refused: %s is compressed %llu:1 (limit %u:1)",
                            name, (unsigned long long)(st.size / (st.comp_size ? st.comp_size : 1)),
                            SCAN_OFFICE_MAX_RATIO);
    zip_file_t *f = sym_zip_fopen_index(a->z, (zip_uint64_t)idx, 0);
    if (!f) return xg_error_set(XG_EFORMAT, "broken archive: %s: %s", name, sym_zip_strerror(a->z));
    size_t cap = (st.valid & ZIP_STAT_SIZE) && st.size < SCAN_OFFICE_MAX_PART ? st.size + 1 : 65536;
    size_t n = 0;
    char *buf = malloc(cap + 1);
    int rc = buf ? 0 : XG_ENOMEM;
    while (!rc) {
        if (n == cap) {
            size_t nc = cap * 2;
            char *nb = realloc(buf, nc + 1);
            if (!nb) {
                rc = XG_ENOMEM;
                break;
            }
            buf = nb;
            cap = nc;
        }
        zip_int64_t k = sym_zip_fread(f, buf + n, cap - n);
        if (k < 0) {
            rc = xg_error_set(XG_EFORMAT, "broken archive: %s: %s", name, sym_zip_file_strerror(f));
            break;
        }
        if (k == 0) break;
        n += (size_t)k;
        if (n > SCAN_OFFICE_MAX_PART || a->total + n > SCAN_OFFICE_MAX_TOTAL)
            rc = xg_error_set(XG_EFORMAT,
                              "zip bomb refused: %s expands beyond %u MiB (the archive beyond "
                              "%u MiB)",
                              name, SCAN_OFFICE_MAX_PART >> 20, SCAN_OFFICE_MAX_TOTAL >> 20);
    }
    sym_zip_fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    a->total += n;
    buf[n] = 0;
    *out = buf;
    *out_len = n;
    return 0;
}

static int read_named(char **out, size_t *out_len, archive *a, const char *name)
{
    zip_int64_t idx = sym_zip_name_locate(a->z, name, 0);
    if (idx < 0) return XG_ENOTFOUND;
    return read_part(out, out_len, a, idx, name);
}

static int parse_xml(xmlDocPtr *out, const char *buf, size_t n, const char *name)
{
    if (n > 0x7FFFFFFF) return xg_error_set(XG_EFORMAT, "%s: part too large", name);
    xmlDocPtr d = xmlReadMemory(buf, (int)n, name, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                    XML_PARSE_COMPACT);
    if (!d) return xg_error_set(XG_EFORMAT, "broken document: %s is not well-formed XML", name);
    *out = d;
    return 0;
}

/* ---- text assembly ---- */

typedef struct {
    xg_buf b;
    size_t cells;
    int in_cell; /* paragraphs inside a table cell are joined with a space */
    int rc;
} writer;

static int is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static void put_text(writer *w, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (c == '\r' || c == '\n' || c == '\t') c = ' ';
        xg_buf_putc(&w->b, c);
    }
}

static void end_line(writer *w)
{
    while (w->b.len && w->b.data[w->b.len - 1] == ' ')
        w->b.data[--w->b.len] = 0;
    if (w->b.len && w->b.data[w->b.len - 1] != '\n') xg_buf_putc(&w->b, '\n');
}

static void end_para(writer *w)
{
    if (w->in_cell)
        xg_buf_putc(&w->b, ' ');
    else
        end_line(w);
}

static void end_cell(writer *w)
{
    while (w->b.len && w->b.data[w->b.len - 1] == ' ')
        w->b.data[--w->b.len] = 0;
    xg_buf_puts(&w->b, " | ");
    if (++w->cells > SCAN_OFFICE_MAX_CELLS && !w->rc)
        w->rc =
            xg_error_set(XG_EFORMAT, "table too large: more than %u cells", SCAN_OFFICE_MAX_CELLS);
}

static void end_row(writer *w)
{
    while (w->b.len && (w->b.data[w->b.len - 1] == ' ' || w->b.data[w->b.len - 1] == '|'))
        w->b.data[--w->b.len] = 0;
    end_line(w);
}

static int too_long(writer *w)
{
    if (!w->rc && w->b.len > SCAN_OFFICE_MAX_TOTAL)
        w->rc =
            xg_error_set(XG_EFORMAT, "document text beyond %u MiB", SCAN_OFFICE_MAX_TOTAL >> 20);
    return w->rc != 0;
}

/* ---- DOCX ---- */

static void walk_docx(writer *w, const xmlNode *n, int in_t, int depth)
{
    for (; n && !too_long(w); n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (in_t && n->content) put_text(w, (const char *)n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || depth > 200) continue;
        if (is(n, "delText") || is(n, "instrText") || is(n, "rPr") || is(n, "pPr") ||
            is(n, "sectPr"))
            continue;
        if (is(n, "tab")) {
            xg_buf_putc(&w->b, ' ');
            continue;
        }
        if (is(n, "br") || is(n, "cr")) {
            if (w->in_cell)
                xg_buf_putc(&w->b, ' ');
            else
                end_line(w);
            continue;
        }
        if (is(n, "tc")) {
            int was = w->in_cell;
            w->in_cell = 1;
            walk_docx(w, n->children, 0, depth + 1);
            w->in_cell = was;
            end_cell(w);
            continue;
        }
        walk_docx(w, n->children, is(n, "t"), depth + 1);
        if (is(n, "p")) end_para(w);
        if (is(n, "tr")) end_row(w);
    }
}

static int docx_text(writer *w, archive *a)
{
    char *x;
    size_t n;
    int rc = read_named(&x, &n, a, "word/document.xml");
    if (rc == XG_ENOTFOUND) return xg_error_set(XG_EFORMAT, "broken DOCX: no word/document.xml");
    if (rc) return rc;
    xmlDocPtr d;
    rc = parse_xml(&d, x, n, "word/document.xml");
    free(x);
    if (rc) return rc;
    walk_docx(w, xmlDocGetRootElement(d), 0, 0);
    xmlFreeDoc(d);
    return w->rc;
}

/* ---- XLSX ---- */

typedef struct {
    char **v;
    size_t n;
} strtab;

static void collect_t(xg_buf *b, const xmlNode *n, int in_t, int depth)
{
    for (; n; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && in_t && n->content)
            xg_buf_puts(b, (const char *)n->content);
        if (n->type != XML_ELEMENT_NODE || depth > 50 || is(n, "rPh")) continue;
        collect_t(b, n->children, is(n, "t"), depth + 1);
    }
}

static int shared_strings(strtab *t, archive *a)
{
    char *x;
    size_t n;
    int rc = read_named(&x, &n, a, "xl/sharedStrings.xml");
    if (rc == XG_ENOTFOUND) return 0; /* a workbook of numbers only */
    if (rc) return rc;
    xmlDocPtr d;
    rc = parse_xml(&d, x, n, "xl/sharedStrings.xml");
    free(x);
    if (rc) return rc;
    size_t cap = 0;
    for (xmlNode *si = xmlDocGetRootElement(d)->children; si && !rc; si = si->next) {
        if (!is(si, "si")) continue;
        if (t->n >= SCAN_OFFICE_MAX_CELLS) {
            rc = xg_error_set(XG_EFORMAT, "workbook too large: more than %u strings",
                              SCAN_OFFICE_MAX_CELLS);
            break;
        }
        if (t->n == cap) {
            cap = cap ? cap * 2 : 256;
            char **nv = realloc(t->v, cap * sizeof *nv);
            if (!nv) {
                rc = XG_ENOMEM;
                break;
            }
            t->v = nv;
        }
        xg_buf b;
        xg_buf_init(&b);
        collect_t(&b, si->children, 0, 0);
        char *s = xg_buf_steal(&b);
        if (!s) {
            rc = XG_ENOMEM;
            break;
        }
        t->v[t->n++] = s;
    }
    xmlFreeDoc(d);
    return rc;
}

static void strtab_free(strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
}

static void sheet_cell(writer *w, const xmlNode *c, const strtab *ss)
{
    xmlChar *type = xmlGetProp(c, (const xmlChar *)"t");
    const char *ty = type ? (const char *)type : "n";
    for (const xmlNode *k = c->children; k; k = k->next) {
        if (is(k, "v")) {
            xmlChar *v = xmlNodeGetContent(k);
            if (v && !strcmp(ty, "s")) {
                char *end;
                unsigned long i = strtoul((const char *)v, &end, 10);
                if (*v && !*end && i < ss->n) put_text(w, ss->v[i]);
            } else if (v)
                put_text(w, (const char *)v);
            xmlFree(v);
        } else if (is(k, "is")) {
            xg_buf b;
            xg_buf_init(&b);
            collect_t(&b, k->children, 0, 0);
            if (b.data) put_text(w, b.data);
            xg_buf_free(&b);
        }
    }
    xmlFree(type);
    end_cell(w);
}

static void walk_sheet(writer *w, const xmlNode *n, const strtab *ss, int depth)
{
    for (; n && !too_long(w); n = n->next) {
        if (n->type != XML_ELEMENT_NODE || depth > 20) continue;
        if (is(n, "c")) {
            sheet_cell(w, n, ss);
            continue;
        }
        walk_sheet(w, n->children, ss, depth + 1);
        if (is(n, "row")) end_row(w);
    }
}

/* Worksheet parts (xl/worksheets/sheetN.xml) in sheet-number order. */
typedef struct {
    zip_int64_t idx;
    unsigned long num;
} sheet_ref;

static int by_num(const void *a, const void *b)
{
    const sheet_ref *x = a, *y = b;
    return x->num < y->num ? -1 : x->num > y->num;
}

static int xlsx_text(writer *w, archive *a)
{
    strtab ss = {0};
    int rc = shared_strings(&ss, a);
    zip_int64_t ne = sym_zip_get_num_entries(a->z, 0);
    sheet_ref *sh = rc ? NULL : calloc((size_t)(ne > 0 ? ne : 1), sizeof *sh);
    size_t nsh = 0;
    if (!rc && !sh) rc = XG_ENOMEM;
    static const char PFX[] = "xl/worksheets/sheet";
    for (zip_int64_t i = 0; !rc && i < ne; i++) {
        const char *nm = sym_zip_get_name(a->z, (zip_uint64_t)i, 0);
        if (!nm || strncmp(nm, PFX, sizeof PFX - 1)) continue;
        char *end;
        unsigned long num = strtoul(nm + sizeof PFX - 1, &end, 10);
        if (end == nm + sizeof PFX - 1 || strcmp(end, ".xml")) continue;
        sh[nsh++] = (sheet_ref){i, num};
    }
    if (!rc && !nsh) rc = xg_error_set(XG_EFORMAT, "broken XLSX: no worksheet");
    if (!rc) qsort(sh, nsh, sizeof *sh, by_num);
    for (size_t k = 0; !rc && k < nsh; k++) {
        char *x;
        size_t n;
        const char *nm = sym_zip_get_name(a->z, (zip_uint64_t)sh[k].idx, 0);
        rc = read_part(&x, &n, a, sh[k].idx, nm);
        if (rc) break;
        xmlDocPtr d;
        rc = parse_xml(&d, x, n, nm);
        free(x);
        if (rc) break;
        walk_sheet(w, xmlDocGetRootElement(d), &ss, 0);
        xmlFreeDoc(d);
        end_line(w);
        xg_buf_putc(&w->b, '\n'); /* a blank line between sheets */
        rc = w->rc;
    }
    free(sh);
    strtab_free(&ss);
    return rc;
}

/* ---- OpenDocument ---- */

static void walk_odf(writer *w, const xmlNode *n, int depth)
{
    for (; n && !too_long(w); n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) put_text(w, (const char *)n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE || depth > 200) continue;
        if (is(n, "annotation") || is(n, "tracked-changes") || is(n, "forms")) continue;
        if (is(n, "s") || is(n, "tab")) {
            xg_buf_putc(&w->b, ' ');
            continue;
        }
        if (is(n, "line-break")) {
            if (w->in_cell)
                xg_buf_putc(&w->b, ' ');
            else
                end_line(w);
            continue;
        }
        if (is(n, "table-cell") || is(n, "covered-table-cell")) {
            int was = w->in_cell;
            w->in_cell = 1;
            walk_odf(w, n->children, depth + 1);
            w->in_cell = was;
            end_cell(w);
            continue;
        }
        walk_odf(w, n->children, depth + 1);
        if (is(n, "p") || is(n, "h")) end_para(w);
        if (is(n, "table-row")) end_row(w);
    }
}

static const xmlNode *find_elem(const xmlNode *n, const char *name, int depth)
{
    for (; n && depth < 4; n = n->next) {
        if (is(n, name)) return n;
        const xmlNode *r =
            n->type == XML_ELEMENT_NODE ? find_elem(n->children, name, depth + 1) : NULL;
        if (r) return r;
    }
    return NULL;
}

static int odf_text(writer *w, archive *a)
{
    char *x;
    size_t n;
    int rc = read_named(&x, &n, a, "content.xml");
    if (rc == XG_ENOTFOUND)
        return xg_error_set(XG_EFORMAT, "broken OpenDocument file: no content.xml");
    if (rc) return rc;
    xmlDocPtr d;
    rc = parse_xml(&d, x, n, "content.xml");
    free(x);
    if (rc) return rc;
    const xmlNode *body = find_elem(xmlDocGetRootElement(d), "body", 0);
    if (body) walk_odf(w, body->children, 0);
    xmlFreeDoc(d);
    return w->rc;
}

/* ---- entry ---- */

int scan_is_zip(const char *bytes, size_t len)
{
    return len >= 4 && !memcmp(bytes, "PK\003\004", 4);
}

int scan_office_to_text(char **out, size_t *out_len, const char **kind, const char *bytes,
                        size_t len)
{
    int lrc = xg_zip_load(); /* libzip is opened on first use */
    if (lrc) return lrc;
    zip_error_t ze;
    sym_zip_error_init(&ze);
    zip_source_t *src = sym_zip_source_buffer_create(bytes, len, 0, &ze);
    if (!src) {
        sym_zip_error_fini(&ze);
        return XG_ENOMEM;
    }
    zip_t *z = sym_zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z) {
        int rc = xg_error_set(XG_EFORMAT, "broken archive: %s", sym_zip_error_strerror(&ze));
        sym_zip_source_free(src);
        sym_zip_error_fini(&ze);
        return rc;
    }
    sym_zip_error_fini(&ze);
    archive a = {.z = z};
    writer w = {0};
    xg_buf_init(&w.b);
    int rc;
    zip_int64_t ne = sym_zip_get_num_entries(z, 0);
    if (ne > SCAN_OFFICE_MAX_ENTRIES) {
        rc = xg_error_set(XG_EFORMAT, "archive refused: %lld entries (limit %u)", (long long)ne,
                          SCAN_OFFICE_MAX_ENTRIES);
    } else if (sym_zip_name_locate(z, "word/document.xml", 0) >= 0) {
        *kind = "docx";
        rc = docx_text(&w, &a);
    } else if (sym_zip_name_locate(z, "xl/workbook.xml", 0) >= 0) {
        *kind = "xlsx";
        rc = xlsx_text(&w, &a);
    } else if (sym_zip_name_locate(z, "content.xml", 0) >= 0) {
        char *mt = NULL;
        size_t ml = 0;
        *kind = "odt";
        if (read_named(&mt, &ml, &a, "mimetype") == 0 && strstr(mt, "spreadsheet")) *kind = "ods";
        free(mt);
        rc = odf_text(&w, &a);
    } else
        rc =
            xg_error_set(XG_EFORMAT, "a ZIP archive that is not a DOCX, XLSX, ODT or ODS document");
    sym_zip_discard(z);
    if (!rc && !xg_utf8_valid(w.b.data ? w.b.data : "", w.b.len))
        rc = xg_error_set(XG_EUTF8, "document text is not valid UTF-8");
    if (rc) {
        xg_buf_free(&w.b);
        return rc;
    }
    *out_len = w.b.len;
    *out = w.b.data ? xg_buf_steal(&w.b) : strdup("");
    return *out ? 0 : XG_ENOMEM;
}
