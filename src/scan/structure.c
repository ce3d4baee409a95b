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
#include <libxml/xmlversion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Append n bytes of text with runs of white space collapsed to one space (none at the start of
 * the text or after a newline). */
static void buf_textn(xg_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (is_ws(s[i])) {
            while (i < n && is_ws(s[i]))
                i++;
            if (b->len && b->data[b->len - 1] != ' ' && b->data[b->len - 1] != '\n')
                xg_buf_putc(b, ' ');
            continue;
        }
        size_t j = i;
        while (j < n && !is_ws(s[j]))
            j++;
        xg_buf_append(b, s + i, j - i);
        i = j;
    }
}

static void buf_text(xg_buf *b, const char *s)
{
    buf_textn(b, s, strlen(s));
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

/* ---- HTML without a tree ----
 *
 * Most notice pages are plain, well-nested markup, and libxml2 spends most of its time on them
 * reading long attribute values (inline styles, images as data: URIs) character by character and
 * building a tree that walk() only reads once. html_fast() writes the same text in one pass over
 * the bytes for the pages whose tree it can be sure of, and declines (returns 1) on everything
 * else, which then goes through libxml2 as before:
 *   - the page is <html>, optionally <head> (title, meta, link, base, script, style, white
 *     space, comments) and </head>, <body>, then any markup, optionally </body> and </html>; a
 *     doctype must be <!DOCTYPE html>; valid UTF-8, no byte order mark, no NUL or other control
 *     character but tab, LF, CR, no U+FFFE or U+FFFF;
 *   - tags from a fixed list, names of letters and digits, attributes as libxml2 reads them; a
 *     style attribute (display:block makes a row) without entities or line breaks, at most once;
 *   - an end tag of no open element is ignored (as libxml2 does); any other closes its element
 *     and those open inside it, or is ignored, as libxml2 decides (below);
 *   - script and style hold raw text to the first "</" and a letter, which must be their own end
 *     tag, and must not start with a tag;
 *   - entities: numeric references to characters libxml2 accepts and the named ones below, each
 *     with its semicolon; a bare & only before ASCII that cannot start a name.
 * Where a start tag ends open elements implicitly (<p> in <p>, <td> after <td>, <table> in <p>)
 * and whether an end tag ends the elements inside its own (</table> over an open <tbody>) or is
 * ignored (</div> inside a <td>), libxml2 decides, on a probe page parsed once per pair of tag
 * names and process. Checked against libxml2 by tests/unit/scan/test_scan_html_fast.c (the real
 * page, hand-written pages, generated tag soup) and by the fuzz target fuzz_scan_html_fast, which
 * compares the two on every page the fast path accepts. Used only with the libxml2 it was checked
 * against (2.9); another version gets libxml2 for every page. XGATE_SCAN_HTML_LIBXML=1 in the
 * environment at the first page turns the fast path off for the process. */

static const char *const FAST_TAGS[] = {
    "a",      "abbr",   "acronym",  "address",    "area",     "article",  "aside",      "b",
    "base",   "bdo",    "big",      "blockquote", "body",     "br",       "button",     "caption",
    "center", "cite",   "code",     "col",        "colgroup", "dd",       "del",        "dfn",
    "dir",    "div",    "dl",       "dt",         "em",       "fieldset", "figcaption", "figure",
    "font",   "footer", "form",     "h1",         "h2",       "h3",       "h4",         "h5",
    "h6",     "head",   "header",   "hr",         "html",     "i",        "iframe",     "img",
    "input",  "ins",    "kbd",      "label",      "legend",   "li",       "link",       "main",
    "map",    "mark",   "meta",     "nav",        "noscript", "ol",       "optgroup",   "option",
    "p",      "pre",    "q",        "s",          "samp",     "script",   "section",    "select",
    "small",  "span",   "strike",   "strong",     "style",    "sub",      "sup",        "table",
    "tbody",  "td",     "textarea", "tfoot",      "th",       "thead",    "time",       "title",
    "tr",     "tt",     "u",        "ul",         "var",      NULL};
#define FAST_NTAGS ((int)(sizeof FAST_TAGS / sizeof *FAST_TAGS) - 1)

enum { TF_VOID = 1, TF_BLOCK = 2, TF_CELL = 4, TF_ROW = 8, TF_DROP = 16, TF_RAW = 32 };

static unsigned char fast_flags[FAST_NTAGS];
static int fast_ok; /* 1 once set up for a libxml2 this was checked against */
static unsigned char fast_closes[FAST_NTAGS][FAST_NTAGS]; /* 0 unknown, 1 no, 2 yes (atomic) */
static int fast_tag_body, fast_tag_head, fast_tag_html, fast_tag_title, fast_tag_script,
    fast_tag_style, fast_tag_meta, fast_tag_link, fast_tag_base;

static int fast_lookup(const char *name)
{
    int lo = 0, hi = FAST_NTAGS - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(name, FAST_TAGS[mid]);
        if (!c) return mid;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

static void fast_init(void)
{
    int v = atoi(xmlParserVersion);
    if (v < 20900 || v >= 21000 || getenv("XGATE_SCAN_HTML_LIBXML")) return;
    for (int i = 0; i < FAST_NTAGS; i++) {
        if (i && strcmp(FAST_TAGS[i - 1], FAST_TAGS[i]) >= 0) return; /* must stay sorted */
        const char *n = FAST_TAGS[i];
        const htmlElemDesc *d = htmlTagLookup((const xmlChar *)n);
        unsigned char f = 0;
        if (d && d->empty) f |= TF_VOID;
        if (is_block(n)) f |= TF_BLOCK;
        if (!strcmp(n, "td") || !strcmp(n, "th")) f |= TF_CELL;
        if (!strcmp(n, "tr")) f |= TF_ROW;
        if (is_dropped(n)) f |= TF_DROP;
        if (!strcmp(n, "script") || !strcmp(n, "style")) f |= TF_RAW;
        fast_flags[i] = f;
    }
    fast_tag_body = fast_lookup("body");
    fast_tag_head = fast_lookup("head");
    fast_tag_html = fast_lookup("html");
    fast_tag_title = fast_lookup("title");
    fast_tag_script = fast_lookup("script");
    fast_tag_style = fast_lookup("style");
    fast_tag_meta = fast_lookup("meta");
    fast_tag_link = fast_lookup("link");
    fast_tag_base = fast_lookup("base");
    fast_ok = 1;
}

/* Does a start tag `nw` end an open `old` in libxml2? Asked of libxml2 itself on
 * <html><body><old><nw>: `nw` is a child of `old` or not. */
static int fast_start_closes(int old, int nw)
{
    unsigned char k = __atomic_load_n(&fast_closes[old][nw], __ATOMIC_RELAXED);
    if (k) return k == 2;
    char page[96];
    snprintf(page, sizeof page, "<html><body><%s><%s>", FAST_TAGS[old], FAST_TAGS[nw]);
    htmlDocPtr d = htmlReadMemory(page, (int)strlen(page), NULL, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NONET | HTML_PARSE_COMPACT);
    if (!d) return -1;
    int r = -1;
    xmlNode *root = xmlDocGetRootElement(d), *body = NULL, *o = NULL;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "body")) body = c;
    for (xmlNode *c = body ? body->children : NULL; c && !o; c = c->next)
        if (c->type == XML_ELEMENT_NODE) o = c;
    if (o && !strcmp((const char *)o->name, FAST_TAGS[old])) {
        r = 1;
        for (xmlNode *c = o->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, FAST_TAGS[nw])) r = 0;
    }
    xmlFreeDoc(d);
    if (r >= 0)
        __atomic_store_n(&fast_closes[old][nw], (unsigned char)(r ? 2 : 1), __ATOMIC_RELAXED);
    return r;
}

static unsigned char fast_ends[FAST_NTAGS][FAST_NTAGS]; /* as fast_closes */

/* Does an end tag </end> end an open `inner` inside its element, or is it ignored? Asked of
 * libxml2 on <html><body><end><inner></end>x (for </body>: <html><body><inner></body>x): x lands
 * inside `inner` or not. -1: the probe page does not nest `inner` in `end` (the fast path then
 * declines). */
static int fast_end_closes(int inner, int end)
{
    unsigned char k = __atomic_load_n(&fast_ends[inner][end], __ATOMIC_RELAXED);
    if (k) return k == 2 ? 1 : k == 1 ? 0 : -1;
    char page[96];
    int is_body = end == fast_tag_body;
    if (is_body)
        snprintf(page, sizeof page, "<html><body><%s></body>x", FAST_TAGS[inner]);
    else
        snprintf(page, sizeof page, "<html><body><%s><%s></%s>x", FAST_TAGS[end], FAST_TAGS[inner],
                 FAST_TAGS[end]);
    htmlDocPtr d = htmlReadMemory(page, (int)strlen(page), NULL, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NONET | HTML_PARSE_COMPACT);
    if (!d) return -1;
    int r = -1;
    xmlNode *root = xmlDocGetRootElement(d), *body = NULL, *e = NULL, *in = NULL;
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "body")) body = c;
    if (is_body)
        e = body;
    else
        for (xmlNode *c = body ? body->children : NULL; c && !e; c = c->next)
            if (c->type == XML_ELEMENT_NODE) e = c;
    if (e && !strcmp((const char *)e->name, FAST_TAGS[end]))
        for (xmlNode *c = e->children; c && !in; c = c->next)
            if (c->type == XML_ELEMENT_NODE) in = c;
    /* ignored: x is the last child of `inner`; ended: x is elsewhere */
    if (in && !strcmp((const char *)in->name, FAST_TAGS[inner]) && !in->next)
        r = !(in->last && in->last->type == XML_TEXT_NODE && in->last->content &&
              !strcmp((const char *)in->last->content, "x"));
    xmlFreeDoc(d);
    __atomic_store_n(&fast_ends[inner][end],
                     (unsigned char)(r == 1   ? 2
                                     : r == 0 ? 1
                                              : 3),
                     __ATOMIC_RELAXED);
    return r;
}

#define FAST_DEPTH 200

typedef struct {
    xg_buf *b;
    int tag[FAST_DEPTH];
    unsigned char row[FAST_DEPTH], drop[FAST_DEPTH];
    int depth;
    int dropped; /* open elements whose text is dropped */
} fast_state;

static void fast_open(fast_state *st, int t, int styled)
{
    unsigned char f = fast_flags[t];
    int row = (f & TF_ROW) || styled;
    st->tag[st->depth] = t;
    st->row[st->depth] = (unsigned char)row;
    st->drop[st->depth] = 0;
    if (!st->dropped) {
        if (f & TF_DROP) {
            st->drop[st->depth] = 1;
            st->dropped++;
        } else {
            if (f & TF_CELL) buf_text(st->b, " | ");
            if (row || (f & TF_BLOCK)) buf_newline(st->b);
        }
    }
    st->depth++;
}

static void fast_close(fast_state *st)
{
    st->depth--;
    if (st->drop[st->depth])
        st->dropped--;
    else if (!st->dropped && (st->row[st->depth] || (fast_flags[st->tag[st->depth]] & TF_BLOCK)))
        buf_newline(st->b);
}

static int fast_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int fast_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int fast_alnum(char c)
{
    return fast_alpha(c) || (c >= '0' && c <= '9');
}

/* The named entities read here (HTML 4), with their characters. Any other name declines. */
static uint32_t fast_entity(const char *n, size_t l)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } E[] = {{"nbsp", 0xA0},     {"amp", '&'},      {"lt", '<'},       {"gt", '>'},
             {"quot", '"'},      {"middot", 0xB7},  {"raquo", 0xBB},   {"laquo", 0xAB},
             {"copy", 0xA9},     {"reg", 0xAE},     {"ldquo", 0x201C}, {"rdquo", 0x201D},
             {"lsquo", 0x2018},  {"rsquo", 0x2019}, {"mdash", 0x2014}, {"ndash", 0x2013},
             {"hellip", 0x2026}, {"times", 0xD7},   {"yen", 0xA5},     {"emsp", 0x2003},
             {"ensp", 0x2002},   {"bull", 0x2022},  {"deg", 0xB0},     {"divide", 0xF7},
             {NULL, 0}};
    for (int i = 0; E[i].name; i++)
        if (strlen(E[i].name) == l && !memcmp(E[i].name, n, l)) return E[i].cp;
    return 0;
}

static void fast_put_cp(xg_buf *b, uint32_t c)
{
    char u[4];
    buf_textn(b, u, xg_utf8_put(u, c));
}

/* An entity or character reference at s[*i] == '&': its text written, or 1 (decline). */
static int fast_reference(xg_buf *b, const char *s, size_t n, size_t *i)
{
    size_t p = *i + 1;
    if (p >= n) return 1;
    if (s[p] == '#') {
        p++;
        int hex = p < n && (s[p] == 'x' || s[p] == 'X');
        if (hex) p++;
        uint32_t v = 0;
        size_t d = 0;
        for (; p < n && d < 8; p++, d++) {
            char c = s[p];
            int x;
            if (c >= '0' && c <= '9')
                x = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                x = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                x = c - 'A' + 10;
            else
                break;
            v = v * (hex ? 16 : 10) + (uint32_t)x;
        }
        if (!d || d >= 8 || p >= n || s[p] != ';') return 1;
        if (!(v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
              (v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= 0x10FFFF)))
            return 1;
        fast_put_cp(b, v);
        *i = p + 1;
        return 0;
    }
    if (!fast_alpha(s[p])) {
        unsigned char c = (unsigned char)s[p];
        if (c >= 0x80 || c == '_' || c == ':') return 1;
        buf_textn(b, "&", 1); /* libxml2: no name, the & stays */
        *i = p;
        return 0;
    }
    size_t q = p;
    while (q < n && fast_alnum(s[q]))
        q++;
    if (q >= n || s[q] != ';') return 1;
    uint32_t cp = fast_entity(s + p, q - p);
    if (!cp) return 1;
    fast_put_cp(b, cp);
    *i = q + 1;
    return 0;
}

/* A start tag at s[*i] == '<' (letter follows): its name's index, whether it ends with "/>",
 * whether its style makes it a block; 1 to decline. */
static int fast_start_tag(const char *s, size_t n, size_t *i, int *tag, int *selfclose, int *styled)
{
    size_t p = *i + 1, q = p;
    char name[16];
    while (q < n && fast_alnum(s[q]) && q - p < sizeof name - 1)
        q++;
    if (q >= n || q - p >= sizeof name - 1) return 1;
    if (!fast_blank(s[q]) && s[q] != '>' && s[q] != '/') return 1;
    for (size_t k = p; k < q; k++)
        name[k - p] = (char)((s[k] >= 'A' && s[k] <= 'Z') ? s[k] + 32 : s[k]);
    name[q - p] = 0;
    *tag = fast_lookup(name);
    if (*tag < 0) return 1;
    *selfclose = 0;
    *styled = 0;
    int seen_style = 0;
    p = q;
    for (;;) {
        while (p < n && fast_blank(s[p]))
            p++;
        if (p >= n) return 1;
        if (s[p] == '>') {
            *i = p + 1;
            return 0;
        }
        if (s[p] == '/') {
            if (p + 1 < n && s[p + 1] == '>') {
                *selfclose = 1;
                *i = p + 2;
                return 0;
            }
            return 1;
        }
        /* attribute name: a letter, '_' or ':' first, then letters, digits, : - _ . */
        if (!fast_alpha(s[p]) && s[p] != '_' && s[p] != ':') return 1;
        size_t an = p;
        while (p < n &&
               (fast_alnum(s[p]) || s[p] == ':' || s[p] == '-' || s[p] == '_' || s[p] == '.'))
            p++;
        size_t al = p - an;
        if (al >= 90) return 1; /* libxml2 cuts names at 100 bytes */
        int is_style = al == 5 && !strncasecmp(s + an, "style", 5);
        if (p < n && !fast_blank(s[p]) && s[p] != '=' && s[p] != '>' && s[p] != '/') return 1;
        size_t r = p;
        while (r < n && fast_blank(s[r]))
            r++;
        const char *val = NULL;
        size_t vl = 0;
        if (r < n && s[r] == '=') {
            r++;
            while (r < n && fast_blank(s[r]))
                r++;
            if (r >= n) return 1;
            if (s[r] == '"' || s[r] == '\'') {
                const char *e = memchr(s + r + 1, s[r], n - r - 1);
                if (!e) return 1;
                val = s + r + 1;
                vl = (size_t)(e - val);
                p = (size_t)(e - s) + 1;
            } else {
                size_t v = r;
                while (v < n && !fast_blank(s[v]) && s[v] != '>')
                    v++;
                val = s + r;
                vl = v - r;
                p = v;
            }
        }
        if (is_style) {
            if (seen_style++) return 1;
            /* as walk() reads it: spaces removed, then "display:block" anywhere ('d' occurs
             * only at the start of the pattern, so a mismatch restarts at this character) */
            const char *want = "display:block";
            size_t run = 0;
            for (size_t k = 0; k < vl; k++) {
#ifdef __SSE2__
                /* sixteen bytes at once when none is '&' or a line feed, CR or tab, nor a 'd'
                 * while no match is under way (or once the style is known): they change
                 * nothing */
                if (vl - k >= 16 && (!run || *styled)) {
                    __m128i x = _mm_loadu_si128((const __m128i *)(val + k));
                    __m128i hit =
                        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('&')),
                                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')),
                                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));
                    if (!*styled) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8('d')));
                    if (!_mm_movemask_epi8(hit)) {
                        k += 15;
                        continue;
                    }
                }
#endif
                char c = val[k];
                if (c == '&' || c == '\n' || c == '\r' || c == '\t') return 1;
                if (c == ' ' || *styled) continue;
                if (c == want[run])
                    run++;
                else
                    run = c == want[0];
                if (!want[run]) *styled = 1;
            }
        }
    }
}

static int fast_comment(const char *s, size_t n, size_t *i)
{
    size_t p = *i + 4;
    if (p < n && (s[p] == '>' || (s[p] == '-' && p + 1 < n && s[p + 1] == '>'))) return 1;
    const char *e = memmem(s + p, n - p, "--", 2);
    if (!e || (size_t)(e - s) + 2 >= n || e[2] != '>') return 1;
    *i = (size_t)(e - s) + 3;
    return 0;
}

/* An end tag at s[*i]: its tag index, or -2 to decline. */
static int fast_end_tag(const char *s, size_t n, size_t *i)
{
    size_t p = *i + 2, q = p;
    if (p >= n || !fast_alpha(s[p])) return -2; /* libxml2: "</" then text */
    char name[16];
    while (q < n && fast_alnum(s[q]) && q - p < sizeof name - 1)
        q++;
    if (q == p || q - p >= sizeof name - 1) return -2;
    for (size_t k = p; k < q; k++)
        name[k - p] = (char)((s[k] >= 'A' && s[k] <= 'Z') ? s[k] + 32 : s[k]);
    name[q - p] = 0;
    while (q < n && fast_blank(s[q]))
        q++;
    if (q >= n || s[q] != '>') return -2;
    *i = q + 1;
    return fast_lookup(name); /* -1: no element the fast path opens has this name */
}

enum { FS_START, FS_HTML, FS_HEAD, FS_AFTER_HEAD, FS_BODY, FS_AFTER_BODY, FS_AFTER_HTML };

static int fast_run(fast_state *st, const char *s, size_t n)
{
    int state = FS_START, doctype = 0, raw_end = 0;
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c != '<' && c != '&') {
            size_t j = i;
#ifdef __SSE2__
            /* the next '<' or '&', sixteen bytes at a time */
            for (; n - j >= 16; j += 16) {
                __m128i x = _mm_loadu_si128((const __m128i *)(s + j));
                unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
                    _mm_cmpeq_epi8(x, _mm_set1_epi8('<')), _mm_cmpeq_epi8(x, _mm_set1_epi8('&'))));
                if (m) {
                    j += (size_t)__builtin_ctz(m);
                    break;
                }
            }
#endif
            while (j < n && s[j] != '<' && s[j] != '&')
                j++;
            int blank = 1;
            for (size_t k = i; k < j && blank; k++)
                if (!fast_blank(s[k])) blank = 0;
            int in_text = state == FS_BODY ||
                          (state == FS_HEAD && st->depth == 3 && st->tag[2] == fast_tag_title);
            if (!blank && !in_text) return 1;
            if (in_text && !st->dropped) buf_textn(st->b, s + i, j - i);
            i = j;
            continue;
        }
        if (c == '&') {
            int in_text = state == FS_BODY ||
                          (state == FS_HEAD && st->depth == 3 && st->tag[2] == fast_tag_title);
            if (!in_text) return 1;
            xg_buf tmp = {0};
            xg_buf *out = st->dropped ? &tmp : st->b;
            int r = fast_reference(out, s, n, &i);
            xg_buf_free(&tmp);
            if (r) return 1;
            continue;
        }
        /* c == '<' */
        if (i + 1 >= n) return 1;
        char d = s[i + 1];
        if (d == '!') {
            if (i + 3 < n && s[i + 2] == '-' && s[i + 3] == '-') {
                if (fast_comment(s, n, &i)) return 1;
                continue;
            }
            if (state != FS_START || doctype || n - i < 15 || strncasecmp(s + i, "<!DOCTYPE", 9))
                return 1;
            size_t p = i + 9;
            if (!fast_blank(s[p])) return 1;
            while (p < n && fast_blank(s[p]))
                p++;
            if (n - p < 5 || strncasecmp(s + p, "html", 4)) return 1;
            p += 4;
            while (p < n && fast_blank(s[p]))
                p++;
            if (p >= n || s[p] != '>') return 1;
            doctype = 1;
            i = p + 1;
            continue;
        }
        if (d == '/') {
            int t = fast_end_tag(s, n, &i);
            if (t == -2 || (raw_end && (t < 0 || !st->depth || st->tag[st->depth - 1] != t)))
                return 1;
            raw_end = 0;
            int at = st->depth - 1;
            while (at >= 0 && st->tag[at] != t)
                at--;
            if (at < 0) continue; /* libxml2 ignores an end tag of no open element */
            if (t == fast_tag_head) {
                if (state != FS_HEAD || at != st->depth - 1) return 1;
                state = FS_AFTER_HEAD;
            } else if (t == fast_tag_html) {
                if (state != FS_AFTER_BODY || at != st->depth - 1) return 1;
                state = FS_AFTER_HTML;
            } else if (state != FS_BODY && (state != FS_HEAD || at != st->depth - 1))
                return 1;
            /* an end tag ends the elements open inside its element, unless one of them is one
             * it may not end (libxml2's priorities: </div> does not end a <td>); then it is
             * ignored. Asked of libxml2 per pair, as for start tags. */
            int ignored = 0;
            for (int k = st->depth - 1; k > at && !ignored; k--) {
                int r = fast_end_closes(st->tag[k], t);
                if (r < 0) return 1;
                ignored = !r;
            }
            if (ignored) continue;
            if (t == fast_tag_body) state = FS_AFTER_BODY;
            while (st->depth > at)
                fast_close(st);
            continue;
        }
        if (!fast_alpha(d)) return 1;
        int t, selfclose, styled;
        if (fast_start_tag(s, n, &i, &t, &selfclose, &styled)) return 1;
        unsigned char f = fast_flags[t];
        switch (state) {
        case FS_START:
            if (t != fast_tag_html || selfclose) return 1;
            state = FS_HTML;
            break;
        case FS_HTML:
            if ((t != fast_tag_head && t != fast_tag_body) || selfclose) return 1;
            state = t == fast_tag_head ? FS_HEAD : FS_BODY;
            break;
        case FS_HEAD:
            if (st->depth != 2) return 1; /* only the title holds something: its text */
            if (t != fast_tag_title && t != fast_tag_meta && t != fast_tag_link &&
                t != fast_tag_base && t != fast_tag_script && t != fast_tag_style)
                return 1;
            break;
        case FS_AFTER_HEAD:
            if (t != fast_tag_body || selfclose) return 1;
            state = FS_BODY;
            break;
        case FS_BODY:
            if (t == fast_tag_html || t == fast_tag_head || t == fast_tag_body) return 1;
            /* start tags that end open elements (libxml2's rules, asked of libxml2) */
            while (st->depth > 2) {
                int k = fast_start_closes(st->tag[st->depth - 1], t);
                if (k < 0) return 1;
                if (!k) break;
                fast_close(st);
            }
            break;
        default:
            return 1;
        }
        if (st->depth >= FAST_DEPTH) return 1;
        fast_open(st, t, styled);
        if ((f & TF_VOID) || selfclose) {
            fast_close(st);
            continue;
        }
        if (f & TF_RAW) {
            /* raw text to the first "</" and a letter (libxml2 2.9 without recovery in
             * scripts); that must be this element's own end tag. A start tag right at the
             * start is first checked against the script or style (<noscript> ends a script):
             * declined. */
            if (i + 1 < n && s[i] == '<' &&
                (fast_alpha(s[i + 1]) || s[i + 1] == '_' || s[i + 1] == ':'))
                return 1;
            size_t p = i;
            for (;;) {
                const char *e = memmem(s + p, n - p, "</", 2);
                if (!e) return 1;
                p = (size_t)(e - s);
                if (p + 2 < n && fast_alpha(s[p + 2])) break;
                p += 2;
            }
            raw_end = 1;
            i = p; /* the end tag is read next */
        }
    }
    if (state == FS_BODY) {
        while (st->depth)
            fast_close(st);
    } else if (state != FS_AFTER_HTML && state != FS_AFTER_BODY)
        return 1;
    else
        while (st->depth)
            fast_close(st);
    return 0;
}

static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

/* 0: the text is in *b; 1: declined (b is left empty). `valid`: s is known to be valid UTF-8. */
static int html_fast(xg_buf *b, const char *s, size_t n, int valid)
{
    pthread_once(&fast_once, fast_init);
    if (!fast_ok) return 1;
    fast_state *st = malloc(sizeof *st);
    if (!st) return 1;
    st->b = b;
    st->depth = 0;
    st->dropped = 0;
    int r = 1;
    if (valid || xg_utf8_valid(s, n)) {
        /* no NUL or other control character but tab, LF, CR; no U+FFFE or U+FFFF (libxml2
         * drops or stops at them) */
        r = 0;
        const uint64_t ones = 0x0101010101010101u, top = ones * 0x80;
        for (size_t k = 0; k < n && !r; k++) {
            /* eight bytes with none below 0x20 and no 0xEF (exact tests for "any"): passed */
            for (uint64_t x, e; n - k >= 8; k += 8) {
                memcpy(&x, s + k, 8);
                e = x ^ (ones * 0xEF);
                if (((x - ones * 0x20) & ~x & top) | ((e - ones) & ~e & top)) break;
            }
            if (k >= n) break;
            unsigned char u = (unsigned char)s[k];
            if (u < 0x20 && u != '\t' && u != '\n' && u != '\r') r = 1;
            if (u == 0xEF && k + 2 < n && (unsigned char)s[k + 1] == 0xBF &&
                ((unsigned char)s[k + 2] == 0xBE || (unsigned char)s[k + 2] == 0xBF))
                r = 1;
        }
        if (!r) r = fast_run(st, s, n);
    }
    free(st);
    if (r) xg_buf_reset(b);
    return r;
}

static int html_fast_text(char **out, size_t *out_len, const char *utf8, size_t len, int valid)
{
    xg_buf b;
    xg_buf_init(&b);
    if (html_fast(&b, utf8, len, valid)) {
        xg_buf_free(&b);
        return 1;
    }
    if (!b.data && xg_buf_reserve(&b, 1)) return XG_ENOMEM;
    *out_len = b.len;
    *out = xg_buf_steal(&b);
    return 0;
}

int scan_html_fast_text(char **out, size_t *out_len, const char *utf8, size_t len)
{
    return html_fast_text(out, out_len, utf8, len, 0);
}

int scan_html_to_text(char **out, size_t *out_len, const char *utf8, size_t len)
{
    int rc = html_fast_text(out, out_len, utf8, len, 0);
    return rc == 1 ? scan_html_tree_text(out, out_len, utf8, len) : rc;
}

int scan_html_valid_to_text(char **out, size_t *out_len, const char *utf8, size_t len)
{
    int rc = html_fast_text(out, out_len, utf8, len, 1);
    return rc == 1 ? scan_html_tree_text(out, out_len, utf8, len) : rc;
}

int scan_html_tree_text(char **out, size_t *out_len, const char *utf8, size_t len)
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
