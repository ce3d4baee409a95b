/*
 * network_report.c — the intermediary network in the scan report: the network chart (the shared
 * SVG writer in core/netchart.c: buyers, intermediaries, providers and models in four columns,
 * listed parties ringed in red, flagged deals in red) and two tables, the intermediaries ranked by
 * the listed or flagged buyers they serve and the buyers of restricted compute that buy again or
 * through several intermediaries, each claim with the notices it rests on.
 */
#include "scan/scan_internal.h"
#include "core/chart.h"
#include "xgate/error.h"

#include <stdlib.h>
#include <string.h>

static const char *const COLUMNS[] = {"buyers", "intermediaries", "providers", "models"};

static size_t column_of(const char *kind)
{
    return !strcmp(kind, "supplier")   ? 1
           : !strcmp(kind, "provider") ? 2
           : !strcmp(kind, "model")    ? 3
                                       : 0;
}

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Index of a node by id (`ids`: id → index), or n when unknown. */
static size_t node_ix(const json_t *ids, const json_t *nodes, const char *id)
{
    const json_t *v = id ? json_object_get(ids, id) : NULL;
    return v ? (size_t)json_integer_value(v) : json_array_size(nodes);
}

static int chart(xg_buf *b, const json_t *net, xg_arena *a)
{
    const json_t *nodes = json_object_get(net, "nodes"), *edges = json_object_get(net, "edges");
    size_t n = json_array_size(nodes), m = json_array_size(edges);
    xg_chart_node *cn = n ? calloc(n, sizeof *cn) : NULL;
    xg_chart_edge *ce = m ? calloc(m, sizeof *ce) : NULL;
    if ((n && !cn) || (m && !ce)) {
        free(cn);
        free(ce);
        return XG_ENOMEM;
    }
    size_t i, k;
    json_t *v, *s, *ids = json_object();
    json_array_foreach(nodes, i, v)
    {
        if (str(v, "id")) json_object_set_new(ids, str(v, "id"), json_integer((json_int_t)i));
        xg_buf t;
        xg_buf_init(&t);
        xg_buf_printf(&t, "%lld deal(s)",
                      (long long)json_integer_value(json_object_get(v, "deals")));
        const json_t *l = json_object_get(v, "listed");
        if (json_is_object(l))
            xg_buf_printf(&t, "; listed: %s (%s)", str(l, "match"), str(l, "source"));
        if (json_array_size(json_object_get(v, "names")) > 1) {
            xg_buf_puts(&t, "; written as ");
            json_array_foreach(json_object_get(v, "names"), k, s)
                xg_buf_printf(&t, "%s%s", k ? " | " : "", json_string_value(s));
        }
        cn[i] = (xg_chart_node){.id = str(v, "id"),
                                .label = str(v, "name"),
                                .kind = str(v, "kind"),
                                .title = xg_arena_strdup(a, t.data ? t.data : ""),
                                .column = column_of(str(v, "kind")),
                                .value = (double)json_integer_value(json_object_get(v, "deals")),
                                .highlight = json_is_object(l)};
        xg_buf_free(&t);
    }
    size_t ne = 0;
    json_array_foreach(edges, i, v)
    {
        size_t from = node_ix(ids, nodes, str(v, "source"));
        size_t to = node_ix(ids, nodes, str(v, "target"));
        if (from >= n || to >= n) continue;
        const json_t *amt = json_object_get(v, "amount_cny");
        char *title =
            json_is_number(amt)
                ? xg_arena_printf(a, "%s, %lld deal(s), ¥%.0f", str(v, "kind"),
                                  (long long)json_integer_value(json_object_get(v, "deals")),
                                  json_number_value(amt))
                : xg_arena_printf(a, "%s, %lld deal(s)", str(v, "kind"),
                                  (long long)json_integer_value(json_object_get(v, "deals")));
        ce[ne++] = (xg_chart_edge){.from = from,
                                   .to = to,
                                   .value = (double)json_integer_value(json_object_get(v, "deals")),
                                   .kind = str(v, "kind"),
                                   .title = title,
                                   .highlight = json_is_true(json_object_get(v, "flagged"))};
    }
    json_decref(ids);
    int rc = xg_chart_network(b, "The intermediary network", COLUMNS, 4, cn, n, ce, ne);
    free(cn);
    free(ce);
    return rc;
}

/* `shown`: document name → its index in docs (those with evidence in the page). */
static void doc_links(xg_buf *b, const json_t *docs, const json_t *names, const json_t *shown)
{
    size_t i;
    json_t *v;
    xg_buf_puts(b, "<td class='docs'>");
    json_array_foreach(names, i, v)
    {
        const char *path = json_string_value(v), *base = path ? strrchr(path, '/') : NULL;
        const json_t *at = path ? json_object_get(shown, path) : NULL;
        size_t ix = json_is_integer(at) ? (size_t)json_integer_value(at) : json_array_size(docs);
        if (ix < json_array_size(docs))
            xg_buf_printf(b, "<div><a href='#d%zu' title='", ix);
        else
            xg_buf_puts(b, "<div><span title='");
        xg_chart_escape(b, path);
        xg_buf_puts(b, "'>");
        xg_chart_escape(b, base ? base + 1 : path);
        xg_buf_puts(b, ix < json_array_size(docs) ? "</a></div>" : "</span></div>");
    }
    xg_buf_puts(b, "</td>");
}

static void org_cell(xg_buf *b, const char *cls, const json_t *o)
{
    xg_buf_printf(b, "<td class='%s'>", cls);
    xg_chart_escape(b, str(o, "name"));
    const json_t *names = json_object_get(o, "names");
    if (json_array_size(names) > 1) {
        xg_buf_puts(b, "<br><small class='names'>written as: ");
        size_t i;
        json_t *v;
        json_array_foreach(names, i, v)
        {
            if (i) xg_buf_puts(b, " · ");
            xg_chart_escape(b, json_string_value(v));
        }
        xg_buf_puts(b, "</small>");
    }
    const json_t *l = json_object_get(o, "listed");
    if (json_is_object(l)) {
        xg_buf_puts(b, "<br><small class='listed'>listed: ");
        xg_chart_escape(b, str(l, "match"));
        xg_buf_puts(b, " (");
        xg_chart_escape(b, str(l, "source"));
        xg_buf_puts(b, ")</small>");
    }
    xg_buf_puts(b, "</td>");
}

static void amount(xg_buf *b, const json_t *v)
{
    xg_buf_puts(b, "<td class='num'>");
    if (json_is_number(v)) xg_buf_printf(b, "¥%.0f", json_number_value(v));
    xg_buf_puts(b, "</td>");
}

static void intermediaries(xg_buf *b, const json_t *docs, const json_t *net, const json_t *shown)
{
    const json_t *arr = json_object_get(net, "intermediaries");
    xg_buf_puts(b, "<h3>Intermediaries, ranked by the listed or flagged buyers they serve</h3>");
    if (!json_array_size(arr)) {
        xg_buf_puts(b, "<p class='none'>none</p>\n");
        return;
    }
    xg_buf_puts(b, "<table class='network intermediaries'><tr><th>rank</th><th>intermediary "
                   "(supplier)</th><th>buyers</th><th>listed</th><th>flagged</th><th>amount</th>"
                   "<th>buyers served</th><th>documents</th></tr>\n");
    size_t i, k;
    json_t *c, *s;
    json_array_foreach(arr, i, c)
    {
        xg_buf_printf(b, "<tr data-node='%s'><td class='num'>%lld</td>", str(c, "node"),
                      (long long)json_integer_value(json_object_get(c, "rank")));
        org_cell(b, "supplier", c);
        xg_buf_printf(b,
                      "<td class='num'>%lld</td><td class='num'>%lld</td><td class='num'>%lld</td>",
                      (long long)json_integer_value(json_object_get(c, "buyers")),
                      (long long)json_integer_value(json_object_get(c, "listed_buyers")),
                      (long long)json_integer_value(json_object_get(c, "flagged_buyers")));
        amount(b, json_object_get(c, "amount_cny"));
        xg_buf_puts(b, "<td class='served'>");
        json_array_foreach(json_object_get(c, "served"), k, s)
        {
            xg_buf_puts(b, "<div class='party'>");
            xg_chart_escape(b, str(s, "name"));
            const json_t *l = json_object_get(s, "listed");
            if (json_is_object(l)) {
                xg_buf_puts(b, " <small>listed: ");
                xg_chart_escape(b, str(l, "match"));
                xg_buf_puts(b, "</small>");
            }
            if (json_is_true(json_object_get(s, "flagged")))
                xg_buf_puts(b, " <small>flagged</small>");
            xg_buf_puts(b, "</div>");
        }
        xg_buf_puts(b, "</td>");
        doc_links(b, docs, json_object_get(c, "documents"), shown);
        xg_buf_puts(b, "</tr>\n");
    }
    xg_buf_puts(b, "</table>\n");
}

static void repeat_buyers(xg_buf *b, const json_t *docs, const json_t *net, const json_t *shown)
{
    const json_t *arr = json_object_get(net, "repeat_buyers");
    xg_buf_puts(b, "<h3>Buyers of restricted compute, repeatedly or through several "
                   "intermediaries</h3>");
    if (!json_array_size(arr)) {
        xg_buf_puts(b, "<p class='none'>none</p>\n");
        return;
    }
    xg_buf_puts(b, "<table class='network repeat-buyers'><tr><th>buyer</th><th>purchases</th>"
                   "<th>intermediaries</th><th>why</th><th>amount</th><th>documents</th></tr>\n");
    size_t i, k;
    json_t *c, *v;
    json_array_foreach(arr, i, c)
    {
        xg_buf_printf(b, "<tr data-node='%s'>", str(c, "node"));
        org_cell(b, "buyer", c);
        xg_buf_printf(b, "<td class='num'>%lld</td><td>",
                      (long long)json_integer_value(json_object_get(c, "purchases")));
        json_array_foreach(json_object_get(c, "intermediaries"), k, v)
        {
            xg_buf_puts(b, "<div>");
            xg_chart_escape(b, json_string_value(v));
            xg_buf_puts(b, "</div>");
        }
        xg_buf_puts(b, "</td><td>");
        json_array_foreach(json_object_get(c, "why"), k, v)
            xg_buf_printf(b, "%s%s", k ? ", " : "", json_string_value(v));
        xg_buf_puts(b, "</td>");
        amount(b, json_object_get(c, "amount_cny"));
        doc_links(b, docs, json_object_get(c, "documents"), shown);
        xg_buf_puts(b, "</tr>\n");
    }
    xg_buf_puts(b, "</table>\n");
}

int scan_report_network(xg_buf *b, const json_t *docs, const json_t *net, const json_t *shown)
{
    xg_arena a;
    xg_arena_init(&a, 8192);
    xg_buf_puts(b, "<h2 id='network'>The intermediary network</h2>\n");
    int rc = chart(b, net, &a);
    xg_arena_free(&a);
    if (rc) return rc;
    /* the documents with evidence in the page: name → index (the first of that name) */
    json_t *at = json_object();
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        const char *nm = str(d, "document");
        if (nm && json_object_get(shown, nm) && !json_object_get(at, nm))
            json_object_set_new(at, nm, json_integer((json_int_t)i));
    }
    intermediaries(b, docs, net, at);
    repeat_buyers(b, docs, net, at);
    json_decref(at);
    return 0;
}
