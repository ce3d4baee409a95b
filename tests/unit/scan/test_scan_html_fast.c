/*
 * test_scan_html_fast.c — the tree-free HTML reader (scan_html_fast_text) gives byte for byte
 * the text of libxml2's tree (scan_html_tree_text) on every page it accepts: the real notice page,
 * hand-written pages with what it must get right (implied ends, ignored end tags, raw text,
 * entities, display:block), and 30,000 pages of generated tag soup; and it declines what it is
 * not sure of, which scan_html_to_text then reads through libxml2.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "scan/scan_internal.h"
#include "xgate/error.h"

static void init(void)
{
    scan_structure_init();
}

/* 0: accepted and equal to the tree's text; 1: declined. */
static int compare(const char *s, size_t n)
{
    char *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    int r = scan_html_fast_text(&a, &al, s, n);
    cr_assert(r == 0 || r == 1, "fast path error %d", r);
    cr_assert_eq(scan_html_tree_text(&b, &bl, s, n), 0);
    if (r == 0)
        cr_assert(al == bl && !memcmp(a, b, al),
                  "fast and tree differ on\n%.*s\nfast:\n%.*s\ntree:\n%.*s", (int)n, s, (int)al, a,
                  (int)bl, b);
    char *c = NULL;
    size_t cl = 0;
    cr_assert_eq(scan_html_to_text(&c, &cl, s, n), 0);
    cr_assert(cl == bl && !memcmp(c, b, cl), "scan_html_to_text is the tree's text");
    if (xg_utf8_valid(s, n)) { /* the entry for text checked before: the same text */
        char *v = NULL;
        size_t vl = 0;
        cr_assert_eq(scan_html_valid_to_text(&v, &vl, s, n), 0);
        cr_assert(vl == bl && !memcmp(v, b, vl), "scan_html_valid_to_text is the tree's text");
        free(v);
    }
    free(a);
    free(b);
    free(c);
    return r;
}

Test(scan_html_fast, real_notice_page_read_without_the_tree, .init = init)
{
    const char *s = getenv("XGATE_SHARED");
    char p[512];
    snprintf(p, sizeof p, "%s/data/tenders/real/ccgp_result_notice_LHACG2025000057.sanitized.html",
             s && *s ? s : "/work/shared");
    char *data = NULL;
    size_t len = 0;
    cr_assert_eq(xg_file_read(&data, &len, p, 0), 0, "%s", xg_error_message());
    cr_expect_eq(compare(data, len), 0, "the real page is taken by the fast path");
    free(data);
}

Test(scan_html_fast, hand_written_pages, .init = init)
{
    static const char *const ACCEPT[] = {
        "<html><head><title>T &amp; x</title><meta charset=\"gbk\"><style>p{}</style></head>\n"
        "<body id=detail><p>当前位置：<a href=\"../\">首页</a>&nbsp;»&nbsp;公告</p></p>\n"
        "<table><tbody><tr><td><p>一<td>二<tr><td>三</table><p>a<p>b<ul><li>c<li>d</ul>"
        "<span style=\"line-height: 50px; display: block;\">一、项目编号：X-1</span>"
        "<img src=\"data:image/png;base64,AAAA\"><!-- c --><br/><noscript><div>n</div></noscript>"
        "&#65509;36.8万元 &#x4e2d; & x</body></html>",
        "<!DOCTYPE html><html><body><table><tr><td>项目编号</td><td>X-1</td></tr></table>"
        "<script>if (a < b) x = '<td>';</script>&amp;&nbsp;</body></html>",
        "<html><head></head><body><div>a<span style='display :block'>b</span>c</div>"
        "<DIV CLASS=x STYLE=\"DISPLAY:BLOCK\">d</DIV><b>e<p>f</b>g</p></body></html>",
        "<html><body><p>a</i></xx>b<td>c<th>d<div>e<td>f</div>g</body></html>\n",
        "<html><body><div><span>a</div></span></body></html>",
        NULL};
    for (int i = 0; ACCEPT[i]; i++)
        cr_expect_eq(compare(ACCEPT[i], strlen(ACCEPT[i])), 0, "accepted: %s", ACCEPT[i]);
    static const char *const DECLINE[] = {
        "<table><tr><td>a</td></tr></table>",                  /* no <html> */
        "<html><body><p><span><div>x</p>y</body></html>",      /* </p> past a <div> */
        "<html><body>&apos; &foo;</body></html>",              /* entities not in the table */
        "<html><body><script>a</div>b</script></body></html>", /* raw text ends at </div> */
        "<html><body><o:p>a</o:p></body></html>",              /* an unknown tag */
        "<html><body>a\x01</body></html>",                     /* a control character */
        "<html><body><p style=\"a\" style=\"display:block\">x</p></body></html>",
        "<html><head><b>x</b></head><body></body></html>",
        "<html><body><script><noscript></script>x</body></html>", /* <noscript> ends the script */
        "<html><body>a</0ody>b</body></html>",                    /* "</" then text */
        NULL};
    for (int i = 0; DECLINE[i]; i++)
        cr_expect_eq(compare(DECLINE[i], strlen(DECLINE[i])), 1, "declined: %s", DECLINE[i]);
}

/* Tag soup from the tags, attributes and text the fast path reads and some it declines. */
static const char *const TAGS[] = {
    "html",   "head",  "body",       "title",   "meta",     "link",     "script",   "style",
    "div",    "span",  "p",          "a",       "b",        "i",        "u",        "font",
    "table",  "tbody", "thead",      "tr",      "td",       "th",       "ul",       "ol",
    "li",     "dl",    "dt",         "dd",      "h1",       "h2",       "br",       "hr",
    "img",    "form",  "input",      "select",  "option",   "noscript", "iframe",   "section",
    "center", "pre",   "blockquote", "caption", "colgroup", "col",      "textarea", "label",
    "strong", "em",    "small",      "tfoot",   "article",  "header",   "o:p",      "xx"};
static const char *const TEXT[] = {"文本",
                                   "abc",
                                   " ",
                                   "\n",
                                   "  x  ",
                                   "&nbsp;",
                                   "&amp;",
                                   "&#65509;",
                                   "&#x4e2d;",
                                   "& ",
                                   "&foo;",
                                   "&lt",
                                   "&#0;",
                                   "<",
                                   ">",
                                   "'",
                                   "\"",
                                   "&apos;",
                                   "\t",
                                   "&copy;",
                                   "a&b",
                                   "&#10;",
                                   "&middot;",
                                   "<!-- c -->",
                                   "<!---->",
                                   "<!-- a -- b -->",
                                   "<!DOCTYPE html>",
                                   " | ",
                                   "\r\n",
                                   "&#1;"};
#define N(a) (sizeof(a) / sizeof *(a))

static unsigned long long rs = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (unsigned)(rs % n);
}

static void put(xg_buf *b, const char *s)
{
    xg_buf_puts(b, s);
}

static void soup(xg_buf *b, int clean)
{
    int skel = clean ? 2 + (int)rnd(2) : (int)rnd(4);
    if (skel) {
        if (rnd(2)) put(b, "<!DOCTYPE html>");
        put(b, "<html>");
        if (skel > 1) {
            put(b, "<head><title>T ");
            if (rnd(2)) put(b, "&amp;x");
            put(b, "</title><meta charset=gbk>");
            if (rnd(2)) put(b, "<script>var a='<b>';</script>");
            put(b, "</head>\n");
        }
        put(b, "<body>");
    }
    const char *stack[64];
    int sp = 0, k = 1 + (int)rnd(30);
    for (int j = 0; j < k; j++) {
        unsigned w = rnd(10);
        if (w < 4) {
            const char *v = TAGS[rnd(clean ? N(TAGS) - 2 : N(TAGS))];
            put(b, "<");
            put(b, rnd(8) ? v : "DIV");
            switch (rnd(6)) {
            case 1:
                put(b, " style=\"display: block\"");
                break;
            case 2:
                put(b, " class=x style='color:red; display:block;'");
                break;
            case 3:
                put(b, " a=b c");
                break;
            case 4:
                put(b, clean ? " src=\"data:x\" style=\"display :block\""
                             : " src=\"data:x\" style=\"display :block\" style=\"x\"");
                break;
            case 5:
                put(b, " title=\"a<b>&amp;\"");
                break;
            default:
                break;
            }
            put(b, rnd(12) ? ">" : "/>");
            if (sp < 64) stack[sp++] = v;
        } else if (w < 7 && sp) {
            put(b, "</");
            put(b, stack[--sp]);
            put(b, ">");
        } else if (w == 7) {
            put(b, "</");
            put(b, TAGS[rnd(N(TAGS))]);
            put(b, ">");
        } else {
            const char *t = TEXT[rnd(N(TEXT))];
            put(b, clean && (t[0] == '<' || strchr(t, ';') || t[0] == '&') && rnd(2) ? "x" : t);
        }
    }
    if (skel && rnd(3)) {
        while (sp && rnd(4)) {
            put(b, "</");
            put(b, stack[--sp]);
            put(b, ">");
        }
        put(b, "</body>");
        if (rnd(2)) put(b, "</html>\n");
    }
}

Test(scan_html_fast, generated_tag_soup_as_libxml2_reads_it, .init = init)
{
    int accepted = 0;
    for (int i = 0; i < 30000; i++) {
        xg_buf b;
        xg_buf_init(&b);
        soup(&b, i & 1);
        if (compare(b.data, b.len) == 0) accepted++;
        xg_buf_free(&b);
    }
    cr_expect_gt(accepted, 3000, "the fast path takes a good share (%d)", accepted);
}

/* The checks before the reader, eight bytes at a time where none is below 0x20 or 0xEF: a control
 * character, U+FFFE or U+FFFF at any offset of the page is still declined; tab, LF, CR and other
 * characters of lead byte 0xEF (full-width forms, U+FFFD) are not a reason to decline. */
Test(scan_html_fast, checks_before_reading_at_every_offset, .init = init)
{
    static const char *const bad[] = {"\x01", "\x1F", "\xEF\xBF\xBE", "\xEF\xBF\xBF"};
    static const char *const fine[] = {"\t", "\n", "\r", "\xEF\xBC\x9A", "\xEF\xBF\xBD", "a"};
    const char *pre = "<html><body><p>", *post = "</p></body></html>";
    char page[256];
    for (size_t at = 0; at < 40; at++)
        for (size_t k = 0; k < 4 + 6; k++) {
            const char *c = k < 4 ? bad[k] : fine[k - 4];
            int n = snprintf(page, sizeof page, "%s%.*s%s%.*s%s", pre, (int)at,
                             "0123456789012345678901234567890123456789", c, (int)(39 - at),
                             "0123456789012345678901234567890123456789", post);
            cr_assert(n > 0 && (size_t)n < sizeof page);
            int r = compare(page, (size_t)n);
            if (k < 4) cr_assert_eq(r, 1, "%zu: declined at offset %zu", k, at);
            if (k >= 4) cr_assert_eq(r, 0, "%zu: accepted at offset %zu", k, at);
        }
}

/* The text between tags searched sixteen bytes at a time: a '<' (a tag) or '&' (a reference) at
 * every offset of a run of text, read as libxml2 reads it. */
Test(scan_html_fast, tags_and_references_at_every_offset_of_text, .init = init)
{
    static const char *const mark[] = {"&amp;", "<b>x</b>", "&#x4E2D;", "<br>", "&lt;&gt;"};
    static const char fill[] = "abc defg hijk\tlmno pqrs tuvw xyz0 1234 5678 9ABC DEFG HIJK";
    char page[512];
    for (size_t at = 0; at < 40; at++)
        for (size_t tail = 0; tail < 34; tail += 11)
            for (size_t k = 0; k < sizeof mark / sizeof *mark; k++) {
                int n =
                    snprintf(page, sizeof page, "<html><body><p>中文%.*s%s%.*s</p></body></html>",
                             (int)at, fill, mark[k], (int)tail, fill + 7);
                cr_assert(n > 0 && (size_t)n < sizeof page);
                cr_assert_eq(compare(page, (size_t)n), 0, "%s at offset %zu", mark[k], at);
            }
}

/* A style attribute read sixteen bytes at a time: "display:block" (spaces removed) found and a
 * '&', line feed, CR or tab declined at every offset of a long value. */
Test(scan_html_fast, style_values_at_every_offset, .init = init)
{
    static const struct {
        const char *what;
        int declined, block;
    } at[] = {{"display:block", 0, 1},
              {"display: block", 0, 1},
              {"d isplay:blo ck", 0, 1},
              {"ddisplay:block", 0, 1},
              {"display:inline", 0, 0},
              {"displa", 0, 0},
              {"d", 0, 0},
              {"", 0, 0},
              {"&amp;", 1, 0},
              {"\n", 1, 0},
              {"\r", 1, 0},
              {"\t", 1, 0}};
    static const char fill[] = "color:red;width:100px;font-family:serif;margin:0 auto;padding:1px;";
    char page[512];
    for (size_t off = 0; off < 40; off++)
        for (size_t tail = 0; tail < 40; tail += 13)
            for (size_t k = 0; k < sizeof at / sizeof *at; k++) {
                int n = snprintf(page, sizeof page,
                                 "<html><body><p>a</p><span style=\"%.*s%s%.*s\">text</span>"
                                 "<span>more</span></body></html>",
                                 (int)off, fill, at[k].what, (int)tail, fill + 5);
                cr_assert(n > 0 && (size_t)n < sizeof page);
                char *t = NULL;
                size_t tl = 0;
                int r = scan_html_fast_text(&t, &tl, page, (size_t)n);
                cr_assert_eq(r, at[k].declined, "'%s' at offset %zu", at[k].what, off);
                if (!r)
                    cr_assert_eq(!!strstr(t, "text\n"), at[k].block, "'%s' at offset %zu: %s",
                                 at[k].what, off, t);
                free(t);
                cr_assert_eq(compare(page, (size_t)n), at[k].declined);
            }
}
