/*
 * chart.h — bar charts as inline SVG for every HTML page xgate writes: the scan report, the usage
 * report, and the console's usage view (through xg_usage_entry_chart and GET /v1/usage/report
 * ?charts=true); network charts are to use it too. Internal to the library (not installed).
 *
 * Every chart is one <figure class="xg-chart"> holding a caption and a well-formed <svg> (every
 * attribute quoted, every element closed), so it parses the same as HTML and as XML. It is meant to
 * be inlined in HTML, which puts <svg> in the SVG namespace itself: no xmlns (and so no URL) is
 * written; a standalone .svg file would need one. Colours are fill attributes on each shape, never
 * a CSS class alone; every row carries its label and its number in text, and its data in attributes
 * for tests and scripts: <g class="row" data-label="AWS" data-value="5"> … <rect class="bar" …
 * fill="#4a78b5"></rect> … Labels are escaped here; long labels are shortened with "…" and kept
 * whole in a <title>. Drawn numbers are whole numbers below 10⁷ as they are, others in three
 * significant digits with k/M/G/T (data-value keeps the exact number). A chart with no rows writes
 * its caption and <p class="none">none</p>.
 *
 * The writers append to an xg_buf and return 0, XG_EINVAL (bad arguments) or XG_ENOMEM.
 */
#ifndef XG_CHART_H
#define XG_CHART_H

#include "core/core.h"

#include <stddef.h>

/* One labelled number: a row of a bar chart, a period of a time series. */
typedef struct xg_chart_item {
    const char *label; /* UTF-8; NULL is drawn as "" */
    double value;      /* >= 0; negative values are drawn as 0 */
} xg_chart_item;

/* Append s to b with &, <, >, " and ' escaped (text and quoted attribute values). */
int xg_chart_escape(xg_buf *b, const char *s);

/* Sort items by value, largest first; equal values by label (byte order), so output is stable. */
void xg_chart_sort_desc(xg_chart_item *items, size_t n);

/* Horizontal bars, one row per item in the given order: label, bar, number. When max_rows > 0 and
 * n > max_rows, the first max_rows - 1 items are drawn and the rest summed into one row labelled
 * "other (K)" (K items), so no count is silently dropped. */
int xg_chart_hbar(xg_buf *b, const char *title, const xg_chart_item *items, size_t n,
                  size_t max_rows);

/* Stacked horizontal bars: one row per rows[r], one segment per series[s] with value
 * values[r * nseries + s] (zero segments are not drawn), the row total as its number, and a legend
 * naming each series with its colour. Segments carry class="seg" and data-series. */
int xg_chart_stacked(xg_buf *b, const char *title, const char *const *rows, size_t nrows,
                     const char *const *series, size_t nseries, const double *values);

/* A time series: one vertical bar per period, in the given order (callers pass them sorted, e.g.
 * "2025-01", "2025-02"), with the period below and the number above each bar. */
int xg_chart_timeseries(xg_buf *b, const char *title, const xg_chart_item *items, size_t n);

/* A stacked time series: one vertical bar per period, in the given order (callers pass them
 * sorted), one segment per series[s] with value values[p * nseries + s] stacked from the baseline
 * (zero segments are not drawn), the period's total above its bar, the period below it, and a
 * legend naming each series with its colour. Periods are <g class="row" data-label data-value> (the
 * total), segments <rect class="seg" data-series data-value fill>. colours[s] is the fill of
 * series s ("#rrggbb"); NULL uses xg_chart_colour(s). */
int xg_chart_stacked_timeseries(xg_buf *b, const char *title, const char *const *periods,
                                size_t nperiods, const char *const *series, size_t nseries,
                                const double *values, const char *const *colours);

/* The fill colour of series i (a small palette that cycles), "#rrggbb". */
const char *xg_chart_colour(size_t i);

/* A label escaped and shortened to `units` (> 1; a wide East Asian character counts two) with
 * "…" when longer — as the bar charts draw their labels. */
int xg_chart_label(xg_buf *b, const char *s, size_t units);

/* ---- network charts (core/netchart.c) ---- */

/* A node of a network chart: drawn as a circle in its column (columns left to right), its label
 * beside it, its whole label and `title` on hover. */
typedef struct xg_chart_node {
    const char *id;    /* data-id (unique) */
    const char *label; /* UTF-8 */
    const char *kind;  /* data-kind */
    const char *title; /* hover text after the label, or NULL */
    size_t column;     /* < ncolumns */
    double value;      /* the circle's area grows with it (>= 0) */
    int highlight;     /* ringed in red (a listed party) */
} xg_chart_node;

/* An edge between two nodes (indices), drawn as a curve whose width grows with `value`. */
typedef struct xg_chart_edge {
    size_t from, to;
    double value;
    const char *kind;  /* data-kind */
    const char *title; /* hover text, or NULL */
    int highlight;     /* drawn in red (a flagged deal) */
} xg_chart_edge;

/* A layered network: one column per columns[c] (its name as a heading in its colour), nodes in
 * their column ordered to keep edges short (by value, then by the mean position of their
 * neighbours in the columns to the left), edges as curves under the nodes. One <figure
 * class="xg-network" data-nodes="N" data-edges="M"> with <g class="node" data-id data-kind
 * data-label> (a <circle class="dot">, a <text>, a <title>) per node and <path class="edge"
 * data-source data-target data-kind> per edge, every one drawn. No nodes: the caption and
 * <p class="none">none</p>. XG_EINVAL for an edge or column out of range. */
int xg_chart_network(xg_buf *b, const char *title, const char *const *columns, size_t ncolumns,
                     const xg_chart_node *nodes, size_t n, const xg_chart_edge *edges, size_t m);

#endif
