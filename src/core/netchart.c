/*
 * netchart.c — a layered network as well-formed inline SVG (see chart.h): columns left to right
 * (for the scan report: buyers, intermediaries, providers, models), nodes as circles with their
 * label on the right, edges as curves drawn under the nodes. The layout is deterministic and
 * simple: within a column nodes are first ordered by value (largest first, then label), then each
 * column after the first is reordered by the mean row of each node's neighbours in the columns
 * to its left (a barycentre pass), and the first column by its neighbours in the second. Every
 * node and edge is drawn, so counting them in the DOM gives the data.
 */
#include "core/chart.h"
#include "xgate/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COL_W 250
#define ROW_H 26
#define HEAD_H 34
#define PAD_X 14
#define LABEL_UNITS 28
#define FONT "font-family=\"system-ui, sans-serif\" font-size=\"12\""

typedef struct {
    size_t ix;         /* node index */
    double value;      /* the node's value */
    const char *label; /* the node's label (never NULL) */
    double key;        /* sort key: barycentre, or -1 when none */
    int base;          /* order before the pass */
} slot;

static int by_value(const void *pa, const void *pb)
{
    const slot *a = pa, *b = pb;
    if (a->value != b->value) return a->value > b->value ? -1 : 1;
    int c = strcmp(a->label, b->label);
    return c ? c : (a->ix < b->ix ? -1 : 1);
}

static int by_key(const void *pa, const void *pb)
{
    const slot *a = pa, *b = pb;
    /* nodes without neighbours to the left keep their place after those with */
    if ((a->key < 0) != (b->key < 0)) return a->key < 0 ? 1 : -1;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->base - b->base;
}

/* Reorder column `c` by the mean row of neighbours in columns accepted by `left` (c' < c when
 * forward, c' == c + 1 for the first column). */
static void barycentre(slot *col, size_t k, size_t c, int forward, const xg_chart_node *nodes,
                       const xg_chart_edge *edges, size_t m, const int *row)
{
    for (size_t i = 0; i < k; i++) {
        double sum = 0;
        size_t cnt = 0;
        for (size_t e = 0; e < m; e++) {
            size_t other;
            if (edges[e].from == col[i].ix)
                other = edges[e].to;
            else if (edges[e].to == col[i].ix)
                other = edges[e].from;
            else
                continue;
            size_t oc = nodes[other].column;
            if (forward ? oc < c : oc == c + 1) {
                sum += row[other];
                cnt++;
            }
        }
        col[i].base = (int)i;
        col[i].key = cnt ? sum / (double)cnt : -1;
    }
    qsort(col, k, sizeof *col, by_key);
}

static int esc_attr(xg_buf *b, const char *name, const char *v)
{
    int rc = xg_buf_printf(b, " %s=\"", name);
    if (!rc) rc = xg_chart_escape(b, v ? v : "");
    if (!rc) rc = xg_buf_putc(b, '"');
    return rc;
}

static double radius(double v)
{
    return 5 + 2.5 * sqrt(v > 0 ? (v < 400 ? v : 400) : 0);
}

int xg_chart_network(xg_buf *b, const char *title, const char *const *columns, size_t ncolumns,
                     const xg_chart_node *nodes, size_t n, const xg_chart_edge *edges, size_t m)
{
    if (!b || !ncolumns || !columns || (n && !nodes) || (m && !edges)) return XG_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (nodes[i].column >= ncolumns) return XG_EINVAL;
    for (size_t e = 0; e < m; e++)
        if (edges[e].from >= n || edges[e].to >= n) return XG_EINVAL;
    int rc = xg_buf_printf(b,
                           "<figure class=\"xg-network\" data-nodes=\"%zu\" data-edges=\"%zu\">"
                           "<figcaption>",
                           n, m);
    if (!rc) rc = xg_chart_escape(b, title);
    if (!rc) rc = xg_buf_puts(b, "</figcaption>");
    if (rc || !n) return rc ? rc : xg_buf_puts(b, "<p class=\"none\">none</p></figure>\n");

    /* columns: the nodes of each, ordered */
    slot *slots = calloc(n, sizeof *slots);
    size_t *start = calloc(ncolumns + 1, sizeof *start);
    int *row = calloc(n, sizeof *row);
    if (!slots || !start || !row) {
        free(slots);
        free(start);
        free(row);
        return XG_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        start[nodes[i].column + 1]++;
    for (size_t c = 0; c < ncolumns; c++)
        start[c + 1] += start[c];
    size_t *fill = calloc(ncolumns, sizeof *fill);
    if (!fill) {
        free(slots);
        free(start);
        free(row);
        return XG_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        size_t c = nodes[i].column;
        slot *sl = &slots[start[c] + fill[c]++];
        sl->ix = i;
        sl->value = nodes[i].value;
        sl->label = nodes[i].label ? nodes[i].label : "";
    }
    free(fill);
    size_t maxk = 0;
    for (size_t c = 0; c < ncolumns; c++) {
        size_t k = start[c + 1] - start[c];
        qsort(slots + start[c], k, sizeof *slots, by_value);
        for (size_t r = 0; r < k; r++)
            row[slots[start[c] + r].ix] = (int)r;
        if (k > maxk) maxk = k;
    }
    for (size_t c = 1; c < ncolumns; c++) {
        size_t k = start[c + 1] - start[c];
        barycentre(slots + start[c], k, c, 1, nodes, edges, m, row);
        for (size_t r = 0; r < k; r++)
            row[slots[start[c] + r].ix] = (int)r;
    }
    if (ncolumns > 1) {
        size_t k = start[1] - start[0];
        barycentre(slots, k, 0, 0, nodes, edges, m, row);
        for (size_t r = 0; r < k; r++)
            row[slots[r].ix] = (int)r;
    }

    int w = (int)ncolumns * COL_W, h = HEAD_H + (int)maxk * ROW_H + 8;
    rc = xg_buf_printf(b, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\"", w,
                       h, w, h);
    if (!rc) rc = esc_attr(b, "aria-label", title);
    if (!rc) rc = xg_buf_puts(b, ">");
    for (size_t c = 0; !rc && c < ncolumns; c++) {
        rc = xg_buf_printf(b,
                           "<text class=\"column\" x=\"%d\" y=\"16\" fill=\"%s\" "
                           "font-weight=\"bold\" %s>",
                           (int)c * COL_W + PAD_X - 6, xg_chart_colour(c), FONT);
        if (!rc) rc = xg_chart_escape(b, columns[c]);
        if (!rc) rc = xg_buf_printf(b, " (%zu)</text>", start[c + 1] - start[c]);
    }
#define NX(i) ((int)nodes[i].column * COL_W + PAD_X)
#define NY(i) (HEAD_H + row[i] * ROW_H + ROW_H / 2)
    for (size_t e = 0; !rc && e < m; e++) {
        size_t a = edges[e].from, z = edges[e].to;
        if (nodes[a].column > nodes[z].column) {
            size_t t = a;
            a = z;
            z = t;
        }
        int x1 = NX(a), y1 = NY(a), x2 = NX(z), y2 = NY(z);
        double sw = 1.2 + 1.5 * log1p(edges[e].value > 0 ? edges[e].value : 0);
        rc = xg_buf_puts(b, "<path class=\"edge\"");
        if (!rc) rc = esc_attr(b, "data-source", nodes[edges[e].from].id);
        if (!rc) rc = esc_attr(b, "data-target", nodes[edges[e].to].id);
        if (!rc) rc = esc_attr(b, "data-kind", edges[e].kind);
        if (!rc && x1 == x2) /* same column: an arc to the left */
            rc = xg_buf_printf(b, " d=\"M %d %d C %d %d %d %d %d %d\"", x1, y1, x1 - 60, y1,
                               x1 - 60, y2, x2, y2);
        else if (!rc)
            rc = xg_buf_printf(b, " d=\"M %d %d C %d %d %d %d %d %d\"", x1, y1, (x1 + x2) / 2, y1,
                               (x1 + x2) / 2, y2, x2, y2);
        if (!rc)
            rc = xg_buf_printf(b,
                               " fill=\"none\" stroke=\"%s\" stroke-opacity=\"0.7\" "
                               "stroke-width=\"%.1f\"><title>",
                               edges[e].highlight ? "#c44e52" : "#9aa5b1", sw);
        if (!rc) rc = xg_chart_escape(b, nodes[edges[e].from].label);
        if (!rc) rc = xg_buf_puts(b, " → ");
        if (!rc) rc = xg_chart_escape(b, nodes[edges[e].to].label);
        if (!rc && edges[e].title) rc = xg_buf_puts(b, ": ");
        if (!rc && edges[e].title) rc = xg_chart_escape(b, edges[e].title);
        if (!rc) rc = xg_buf_puts(b, "</title></path>");
    }
    for (size_t i = 0; !rc && i < n; i++) {
        int x = NX(i), y = NY(i);
        double r = radius(nodes[i].value);
        if (r > ROW_H / 2.0 - 1) r = ROW_H / 2.0 - 1;
        rc = xg_buf_puts(b, "<g class=\"node\"");
        if (!rc) rc = esc_attr(b, "data-id", nodes[i].id);
        if (!rc) rc = esc_attr(b, "data-kind", nodes[i].kind);
        if (!rc) rc = esc_attr(b, "data-label", nodes[i].label);
        if (!rc) rc = xg_buf_puts(b, "><title>");
        if (!rc) rc = xg_chart_escape(b, nodes[i].label);
        if (!rc && nodes[i].title) rc = xg_buf_puts(b, ": ");
        if (!rc && nodes[i].title) rc = xg_chart_escape(b, nodes[i].title);
        if (!rc)
            rc = xg_buf_printf(b,
                               "</title><circle class=\"dot\" cx=\"%d\" cy=\"%d\" r=\"%.1f\" "
                               "fill=\"%s\" stroke=\"%s\" stroke-width=\"%d\"></circle>",
                               x, y, r, xg_chart_colour(nodes[i].column),
                               nodes[i].highlight ? "#c0392b" : "#ffffff",
                               nodes[i].highlight ? 3 : 1);
        if (!rc)
            rc = xg_buf_printf(b,
                               "<text x=\"%d\" y=\"%d\" fill=\"#222222\" stroke=\"#ffffff\" "
                               "stroke-width=\"3\" paint-order=\"stroke\" %s>",
                               x + (int)r + 4, y + 4, FONT);
        if (!rc) rc = xg_chart_label(b, nodes[i].label, LABEL_UNITS);
        if (!rc) rc = xg_buf_puts(b, "</text></g>");
    }
#undef NX
#undef NY
    if (!rc) rc = xg_buf_puts(b, "</svg></figure>\n");
    free(slots);
    free(start);
    free(row);
    return rc;
}
