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

#endif
