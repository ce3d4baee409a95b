/*
 * structure.c — HTML pages and JSON portal records turned into plain text the field patterns can
 * read.
 *
 * Notices put their facts in tables ("| 采购单位 | 深圳市…"), so HTML cells are written with " | "
 * between them and rows and blocks on their own lines; scripts, styles and comments are dropped and
 * libxml2 decodes entities. Portal records are read through a key map (data/scan/record_keys.tsv)
 * that writes known keys under the standard Chinese headings (projectNo → 项目编号), so one set of
 * patterns serves text, HTML and JSON alike.
 */
#include "scan/scan_internal.h"
#include "xgate/error.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- HTML ---- */

void scan_structure_init(void)
{
    xmlInitParser();
}

static int is_block(const char *n)
{
    static const char *const B[] = {
        "p",          "div", "br",    "li",      "ul",      "ol",     "h1",     "h2",    "h3", "h4",
        "h5",         "h6",  "table", "section", "article", "header", "footer", "title", "dd", "dt",
        "blockquote", "pre", "hr",    "form",    "body",    "tbody",  "thead",  NULL};
    for (int i = 0; B[i]; i++)
        if (!strcasecmp(n, B[i])) return 1;
    return 0;
}

static int is_dropped(const char *n)
{
    return !strcasecmp(n, "script") || !strcasecmp(n, "style") || !strcasecmp(n, "noscript") ||
           !strcasecmp(n, "template") || !strcasecmp(n, "svg") || !strcasecmp(n, "iframe");
}

static void buf_newline(xg_buf *b)
{
    while (b->len && b->data[b->len - 1] == ' ')
        b->data[--b->len] = 0;
    if (b->len && b->data[b->len - 1] != '\n') xg_buf_putc(b, '\n');
}

/* Append text with runs of white space collapsed to one space. */
static void buf_text(xg_buf *b, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            if (b->len && b->data[b->len - 1] != ' ' && b->data[b->len - 1] != '\n')
                xg_buf_putc(b, ' ');
        } else
            xg_buf_putc(b, c);
    }
}

/* Portals lay notices out with <span style="display: block"> as often as with <p>. */
static int styled_block(xmlNode *n)
{
    xmlChar *st = xmlGetProp(n, (const xmlChar *)"style");
    int block = 0;
    if (st) {
        char *compact = (char *)st, *w = compact;
        for (char *r = compact; *r; r++)
            if (*r != ' ') *w++ = *r;
        *w = 0;
        block = strstr(compact, "display:block") != NULL;
        xmlFree(st);
    }
    return block;
}

static void walk(xg_buf *b, xmlNode *n, int depth)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) buf_text(b, (const char *)n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE) continue;
        const char *name = (const char *)n->name;
        if (is_dropped(name)) continue;
        int cell = !strcasecmp(name, "td") || !strcasecmp(name, "th");
        int row = !strcasecmp(name, "tr") || styled_block(n);
        if (cell) buf_text(b, " | ");
        if (row || is_block(name)) buf_newline(b);
        if (depth < 256) walk(b, n->children, depth + 1);
        if (row || is_block(name)) buf_newline(b);
    }
}

int scan_html_to_text(char **out, size_t *out_len, const char *utf8, size_t len)
{
    if (len > 0x7FFFFFFF) return xg_error_set(XG_ETOOBIG, "HTML document over 2 GiB");
    htmlDocPtr d = htmlReadMemory(utf8, (int)len, NULL, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NONET | HTML_PARSE_COMPACT);
    if (!d) return xg_error_set(XG_EPARSE, "unreadable HTML");
    xg_buf b;
    xg_buf_init(&b);
    walk(&b, xmlDocGetRootElement(d), 0);
    xmlFreeDoc(d);
    if (!b.data && xg_buf_reserve(&b, 1)) return XG_ENOMEM;
    *out_len = b.len;
    *out = xg_buf_steal(&b);
    return 0;
}

/* ---- JSON records ---- */

int scan_keymap_load(json_t **out, const char *path)
{
    char *data;
    size_t len;
    int rc = xg_file_read(&data, &len, path, 1u << 20);
    if (rc) return rc;
    json_t *m = json_object();
    long lineno = 0;
    for (char *p = data; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        lineno++;
        char *tab = strchr(p, '\t');
        if (p[0] && p[0] != '#') {
            if (!tab || tab == p) {
                rc = xg_error_set(XG_EPARSE, "%s:%ld: expected key<TAB>heading", path, lineno);
                break;
            }
            *tab = 0;
            char *h = tab + 1;
            size_t hl = strlen(h);
            if (hl && h[hl - 1] == '\r') h[hl - 1] = 0;
            json_object_set_new(m, p, json_string(h));
        }
        p = nl ? nl + 1 : NULL;
    }
    free(data);
    if (rc) {
        json_decref(m);
        return rc;
    }
    *out = m;
    return 0;
}

static void put_scalar(xg_buf *b, const char *label, const json_t *v)
{
    char num[64];
    const char *s = NULL;
    if (json_is_string(v))
        s = json_string_value(v);
    else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        s = num;
    } else if (json_is_real(v)) {
        snprintf(num, sizeof num, "%.15g", json_real_value(v));
        s = num;
    }
    if (!s || !*s) return;
    if (label && *label) xg_buf_printf(b, "%s: ", label);
    xg_buf_puts(b, s);
    xg_buf_putc(b, '\n');
}

static void put_value(xg_buf *b, const char *key, const json_t *v, const json_t *keymap, int depth)
{
    const char *h = key ? json_string_value(json_object_get(keymap, key)) : NULL;
    if (h && !strcmp(h, "-")) return;
    if (h && !strcmp(h, "=")) return; /* written first */
    if (json_is_object(v) && depth < 32) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) put_value(b, k, x, keymap, depth + 1);
    } else if (json_is_array(v) && depth < 32) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) put_value(b, key, x, keymap, depth + 1);
    } else
        put_scalar(b, h ? h : key, v);
}

/* Bare lines (titles, categories) first, found at any depth, in the order of record_keys.tsv
 * rather than the record's: the title is the first line, whatever key order a portal uses, so it
 * serves as the notice's heading. */
static void put_bare(xg_buf *b, const json_t *v, const json_t *keymap, int depth)
{
    const char *k;
    json_t *x;
    if (depth > 32) return;
    if (json_is_array(v)) {
        size_t i;
        json_array_foreach(v, i, x) put_bare(b, x, keymap, depth + 1);
        return;
    }
    if (!json_is_object(v)) return;
    json_object_foreach((json_t *)keymap, k, x)
    {
        const json_t *val = json_object_get(v, k);
        if (!strcmp(json_string_value(x), "=") && json_is_string(val)) put_scalar(b, NULL, val);
    }
    json_object_foreach((json_t *)v, k, x) if (json_is_object(x) || json_is_array(x))
        put_bare(b, x, keymap, depth + 1);
}

int scan_record_to_text(char **out, size_t *out_len, const json_t *record, const json_t *keymap)
{
    xg_buf b;
    xg_buf_init(&b);
    put_bare(&b, record, keymap, 0);
    put_value(&b, NULL, record, keymap, 0);
    if (!b.data && xg_buf_reserve(&b, 1)) return XG_ENOMEM;
    *out_len = b.len;
    *out = xg_buf_steal(&b);
    return 0;
}
