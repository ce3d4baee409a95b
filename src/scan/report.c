/*
 * report.c — the scan as one self-contained HTML page for the analyst: totals, bar charts (inline
 * SVG, no scripts, no CDN, so the file can be mailed or opened offline) by provider, chip, buyer
 * and month, the combined findings (procurement and result notices of one project together) and,
 * for every flagged or risky document, the evidence snippets the finding rests on, with anchors so
 * each finding links to its evidence.
 */
#include "scan/scan_internal.h"
#include "core/chart.h"
#include "xgate/error.h"

#include <stdlib.h>
#include <string.h>

static void esc(xg_buf *b, const char *s)
{
    xg_chart_escape(b, s);
}

/* An anchor id for a document name: "d" + index keeps ids unique and safe. */
static void anchor(xg_buf *b, const json_t *docs, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(docs, i,
                       d) if (!strcmp(json_string_value(json_object_get(d, "document")), name))
    {
        xg_buf_printf(b, "d%zu", i);
        return;
    }
    xg_buf_puts(b, "d");
}

static void count(json_t *counts, const char *k)
{
    if (!k || !*k) return;
    json_t *v = json_object_get(counts, k);
    json_object_set_new(counts, k, json_integer(v ? json_integer_value(v) + 1 : 1));
}

/* The counts of one chart as chart items (labels borrowed from `counts`); NULL when empty or out
 * of memory (the chart then shows "none"). */
static xg_chart_item *chart_items(json_t *counts, size_t *n)
{
    *n = json_object_size(counts);
    xg_chart_item *it = *n ? calloc(*n, sizeof *it) : NULL;
    if (!it) {
        *n = 0;
        return NULL;
    }
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(counts, k, v)
    {
        it[i].label = k;
        it[i++].value = (double)json_integer_value(v);
    }
    return it;
}

/* Horizontal bars, largest first; past 12 rows the rest are summed into one "other" row. */
static void chart(xg_buf *b, const char *title, json_t *counts)
{
    size_t n;
    xg_chart_item *it = chart_items(counts, &n);
    xg_chart_sort_desc(it, n);
    xg_chart_hbar(b, title, it, n, 12);
    free(it);
}

static int cmp_label(const void *a, const void *b)
{
    return strcmp(((const xg_chart_item *)a)->label, ((const xg_chart_item *)b)->label);
}

/* Months in calendar order ("YYYY-MM" sorts as text). */
static void month_chart(xg_buf *b, const char *title, json_t *counts)
{
    size_t n;
    xg_chart_item *it = chart_items(counts, &n);
    if (n > 1) qsort(it, n, sizeof *it, cmp_label);
    xg_chart_timeseries(b, title, it, n);
    free(it);
}

static void list_cell(xg_buf *b, const char *cls, const json_t *arr)
{
    size_t i;
    json_t *v;
    xg_buf_printf(b, "<td class='%s'>", cls);
    json_array_foreach(arr, i, v)
    {
        if (i) xg_buf_puts(b, ", ");
        esc(b, json_string_value(v));
    }
    xg_buf_puts(b, "</td>");
}

static void listed_cell(xg_buf *b, const json_t *arr)
{
    size_t i;
    json_t *l;
    xg_buf_puts(b, "<td class='listed'>");
    json_array_foreach(arr, i, l)
    {
        xg_buf_puts(b, "<div class='party'>");
        esc(b, json_string_value(json_object_get(l, "name")));
        xg_buf_puts(b, " → ");
        esc(b, json_string_value(json_object_get(l, "match")));
        xg_buf_puts(b, " <small>");
        esc(b, json_string_value(json_object_get(l, "source")));
        xg_buf_puts(b, "</small></div>");
    }
    xg_buf_puts(b, "</td>");
}

static void str_cell(xg_buf *b, const char *cls, const json_t *v)
{
    xg_buf_printf(b, "<td class='%s'>", cls);
    if (json_is_string(v)) esc(b, json_string_value(v));
    xg_buf_puts(b, "</td>");
}

static void amount_cell(xg_buf *b, const json_t *f)
{
    xg_buf_puts(b, "<td class='num'>");
    json_t *a = json_object_get(f, "amount_cny"), *c = json_object_get(f, "currency_amount");
    if (json_is_number(a)) xg_buf_printf(b, "¥%.0f", json_number_value(a));
    if (json_is_array(c))
        xg_buf_printf(b, "%s%.0f %s", json_is_number(a) ? "<br>" : "",
                      json_number_value(json_array_get(c, 0)),
                      json_string_value(json_array_get(c, 1)));
    xg_buf_puts(b, "</td>");
}

static void findings_table(xg_buf *b, const json_t *docs, const json_t *fin)
{
    xg_buf_puts(
        b,
        "<h2>Findings</h2><table class='findings'><tr><th>risk</th><th>buyer</th><th>intermediary "
        "(supplier)</th><th>amount</th><th>providers</th><th>chips</th><th>models</th>"
        "<th>signals</th><th>listed parties</th><th>documents</th></tr>\n");
    size_t i;
    json_t *f;
    json_array_foreach(fin, i, f)
    {
        const char *risk = json_string_value(json_object_get(f, "risk"));
        const char *date = json_string_value(json_object_get(f, "date"));
        xg_buf_printf(
            b, "<tr class='%s' data-month='%.7s'><td class='risk'>%s<br><small>%.2f</small></td>",
            risk, date && strlen(date) >= 7 ? date : "", risk,
            json_number_value(json_object_get(f, "score")));
        str_cell(b, "buyer", json_object_get(f, "buyer"));
        str_cell(b, "supplier", json_object_get(f, "supplier"));
        amount_cell(b, f);
        list_cell(b, "providers", json_object_get(f, "providers"));
        list_cell(b, "chips", json_object_get(f, "chips"));
        list_cell(b, "models", json_object_get(f, "models"));
        list_cell(b, "signals", json_object_get(f, "signals"));
        listed_cell(b, json_object_get(f, "listed"));
        xg_buf_puts(b, "<td class='docs'>");
        size_t k;
        json_t *dn;
        json_array_foreach(json_object_get(f, "documents"), k, dn)
        {
            /* the file name, with the whole path on hover (title) and in the evidence heading */
            const char *path = json_string_value(dn), *base = path ? strrchr(path, '/') : NULL;
            xg_buf_puts(b, "<div><a href='#");
            anchor(b, docs, path);
            xg_buf_puts(b, "' title='");
            esc(b, path);
            xg_buf_puts(b, "'>");
            esc(b, base ? base + 1 : path);
            xg_buf_puts(b, "</a></div>");
        }
        json_int_t dup = json_integer_value(json_object_get(f, "duplicates"));
        if (dup) xg_buf_printf(b, "+ %lld identical copies", (long long)dup);
        xg_buf_puts(b, "</td></tr>\n");
    }
    xg_buf_puts(b, "</table>\n");
}

/* A snippet with the match itself marked: it starts SCAN_SNIPPET_BYTES (up to 3 fewer, at a
 * character boundary) before the match, or at the text's start when the match is nearer. */
static void marked_snippet(xg_buf *b, const char *snip, const char *term, size_t offset)
{
    size_t sl = snip ? strlen(snip) : 0, tl = term ? strlen(term) : 0;
    size_t hi = offset > SCAN_SNIPPET_BYTES ? SCAN_SNIPPET_BYTES : offset;
    size_t lo = offset > SCAN_SNIPPET_BYTES ? SCAN_SNIPPET_BYTES - 3 : offset;
    for (size_t p = hi + 1; tl && p-- > lo;) {
        if (p + tl > sl || memcmp(snip + p, term, tl)) continue;
        char *head = strndup(snip, p);
        esc(b, head);
        free(head);
        xg_buf_puts(b, "<mark>");
        esc(b, term);
        xg_buf_puts(b, "</mark>");
        esc(b, snip + p + tl);
        return;
    }
    esc(b, snip);
}

/* Evidence of one document: its fields and every mention with its snippet and offset. */
static void evidence(xg_buf *b, const json_t *docs, size_t i, const json_t *d)
{
    const json_t *f = json_object_get(d, "fields");
    xg_buf_printf(b, "<section id='d%zu'><h3>", i);
    esc(b, json_string_value(json_object_get(d, "document")));
    xg_buf_printf(b, " <small>%s · %s · %s</small></h3><dl>",
                  json_string_value(json_object_get(d, "notice_type")),
                  json_string_value(json_object_get(d, "risk")),
                  json_string_value(json_object_get(d, "encoding")));
    static const char *const K[] = {"project_number", "title",    "buyer",
                                    "agency",         "supplier", "date"};
    for (size_t k = 0; k < sizeof K / sizeof *K; k++) {
        json_t *v = json_object_get(f, K[k]);
        if (!json_is_string(v)) continue;
        xg_buf_printf(b, "<dt>%s</dt><dd>", K[k]);
        esc(b, json_string_value(v));
        xg_buf_puts(b, "</dd>");
    }
    xg_buf_puts(b, "</dl><ul>");
    size_t k;
    json_t *m;
    json_array_foreach(json_object_get(d, "mentions"), k, m)
    {
        const char *cat = json_string_value(json_object_get(m, "category"));
        if (!strcmp(cat, "buyer_type") || !strcmp(cat, "data_local")) continue;
        xg_buf_printf(b, "<li><b>%s</b> ", cat);
        esc(b, json_string_value(json_object_get(m, "term")));
        if (!strcmp(cat, "quantity")) { /* the arithmetic */
            xg_buf_puts(b, " → ");
            esc(b, json_string_value(json_object_get(m, "canonical")));
        }
        xg_buf_printf(b, " <small>@%lld</small>: <q>",
                      (long long)json_integer_value(json_object_get(m, "offset")));
        marked_snippet(b, json_string_value(json_object_get(m, "snippet")),
                       json_string_value(json_object_get(m, "term")),
                       (size_t)json_integer_value(json_object_get(m, "offset")));
        xg_buf_puts(b, "</q></li>");
    }
    xg_buf_puts(b, "</ul>");
    json_t *linked = json_object_get(d, "linked");
    if (json_array_size(linked)) {
        xg_buf_puts(b, "<p>linked: ");
        json_array_foreach(linked, k, m)
        {
            xg_buf_puts(b, "<a href='#");
            anchor(b, docs, json_string_value(m));
            xg_buf_puts(b, "'>");
            esc(b, json_string_value(m));
            xg_buf_puts(b, "</a> ");
        }
        xg_buf_puts(b, "</p>");
    }
    xg_buf_puts(b, "</section>\n");
}

static const char CSS[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:"
    "collapse}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}th{background:#f3f3f3}"
    "tr.high td:first-child{background:#f8d0d0}tr.medium td:first-child{background:#fbe6c2}"
    "figure{display:inline-block;vertical-align:top;margin:0 2em 1em "
    "0;max-width:100%;overflow-x:auto}"
    "figcaption{font-weight:bold}.num{text-align:right}q{color:#444}section{border-top:1px "
    "solid #ddd;margin-top:1em}small{color:#777}table.findings{width:100%}"
    "td.risk,td.num{white-space:nowrap}td.buyer,td.supplier{min-width:9em}"
    "td.listed{min-width:16em}td.listed .party+.party{margin-top:3px}"
    "td.docs{max-width:14em;overflow-wrap:anywhere}td.signals{max-width:14em}"
    "section h3{overflow-wrap:anywhere}"
    "figure.xg-network{display:block}table.network{margin-bottom:1em}"
    "table.network td.docs{max-width:22em}";

int xg_scan_report_html(char **out, const json_t *docs, const char *title)
{
    return xg_scan_report_html_network(out, docs, NULL, title);
}

int xg_scan_report_html_network(char **out, const json_t *docs, const json_t *net,
                                const char *title)
{
    return xg_scan_report_html_findings(out, docs, NULL, net, title);
}

int xg_scan_report_html_findings(char **out, const json_t *docs, const json_t *findings,
                                 const json_t *net, const char *title)
{
    xg_buf b;
    xg_buf_init(&b);
    json_t *fin = findings ? json_incref((json_t *)findings) : xg_scan_findings(docs);
    json_t *byp = json_object(), *byc = json_object(), *byb = json_object(), *bym = json_object();
    size_t i, k, nflag = 0;
    json_t *f, *v;
    json_array_foreach(fin, i, f)
    {
        json_array_foreach(json_object_get(f, "providers"), k, v) count(byp, json_string_value(v));
        json_array_foreach(json_object_get(f, "chips"), k, v) count(byc, json_string_value(v));
        count(byb, json_string_value(json_object_get(f, "buyer")));
        const char *date = json_string_value(json_object_get(f, "date"));
        if (date && strlen(date) >= 7) {
            char month[8];
            memcpy(month, date, 7);
            month[7] = 0;
            count(bym, month);
        }
    }
    json_array_foreach(docs, i, f) nflag += json_is_true(json_object_get(f, "flagged"));
    xg_buf_puts(&b, "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>");
    esc(&b, title ? title : "xgate scan report");
    xg_buf_printf(&b, "</title><style>%s</style></head><body><h1>", CSS);
    esc(&b, title ? title : "xgate scan report");
    xg_buf_printf(&b,
                  "</h1><p>%zu documents scanned, %zu flagged, %zu findings (linked notices "
                  "combined).</p>\n",
                  json_array_size(docs), nflag, json_array_size(fin));
    chart(&b, "Findings by provider", byp);
    chart(&b, "Findings by chip", byc);
    chart(&b, "Findings by buyer", byb);
    month_chart(&b, "Findings by month", bym);
    findings_table(&b, docs, fin);
    /* the documents of the findings: every flagged or risky one except identical copies, whose
     * evidence is their original's */
    json_t *shown = json_object();
    json_array_foreach(fin, i, f) json_array_foreach(json_object_get(f, "documents"), k, v)
        json_object_set(shown, json_string_value(v), json_true());
    json_t *own = NULL;
    if (!net && !xg_scan_network(&own, docs, NULL)) net = own;
    if (net) scan_report_network(&b, docs, net, shown);
    json_decref(own);
    xg_buf_puts(&b, "<h2>Evidence</h2>\n");
    json_array_foreach(docs, i, f)
    {
        if (json_object_get(shown, json_string_value(json_object_get(f, "document"))))
            evidence(&b, docs, i, f);
    }
    json_decref(shown);
    xg_buf_puts(&b, "</body></html>\n");
    json_decref(fin);
    json_decref(byp);
    json_decref(byc);
    json_decref(byb);
    json_decref(bym);
    if (!b.data) return XG_ENOMEM;
    *out = xg_buf_steal(&b);
    return 0;
}
