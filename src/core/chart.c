/*
 * chart.c — bar charts as well-formed inline SVG (see chart.h). Geometry is fixed and simple: rows
 * 24 px apart, a label column sized for about 34 narrow (17 wide) characters, bars scaled to the
 * largest value. Text widths are estimated (a wide East Asian character counts two narrow ones),
 * which is enough to shorten a label before it runs into its bar.
 */
#include "core/chart.h"
#include "xgate/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_H 24
#define BAR_H 18
#define LABEL_W 220 /* label column, px */
#define BAR_X 226
#define BAR_MAX 300 /* longest bar, px */
#define NUM_W 70    /* room for the number after the longest bar */
#define LABEL_UNITS 34
#define TEXT_FILL "#222222"
#define FONT "font-family=\"system-ui, sans-serif\" font-size=\"12\""

static const char *const PALETTE[] = {"#4a78b5", "#e07b39", "#5aa469", "#c44e52",
                                      "#8172b3", "#937860", "#d67fb8", "#7f7f7f"};

const char *xg_chart_colour(size_t i)
{
    return PALETTE[i % (sizeof PALETTE / sizeof *PALETTE)];
}

int xg_chart_escape(xg_buf *b, const char *s)
{
    int rc = 0;
    for (; s && *s && !rc; s++)
        switch (*s) {
        case '<':
            rc = xg_buf_puts(b, "&lt;");
            break;
        case '>':
            rc = xg_buf_puts(b, "&gt;");
            break;
        case '&':
            rc = xg_buf_puts(b, "&amp;");
            break;
        case '"':
            rc = xg_buf_puts(b, "&quot;");
            break;
        case '\'':
            rc = xg_buf_puts(b, "&#39;");
            break;
        default:
            rc = xg_buf_putc(b, *s);
        }
    return rc;
}

static int cmp_desc(const void *pa, const void *pb)
{
    const xg_chart_item *a = pa, *b = pb;
    if (a->value != b->value) return a->value > b->value ? -1 : 1;
    return strcmp(a->label ? a->label : "", b->label ? b->label : "");
}

void xg_chart_sort_desc(xg_chart_item *items, size_t n)
{
    if (items && n > 1) qsort(items, n, sizeof *items, cmp_desc);
}

/* Length of the UTF-8 sequence starting with byte c (1 for a stray byte), and its code point. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    size_t n = s[0] < 0x80         ? 1
               : (s[0] >> 5) == 6  ? 2
               : (s[0] >> 4) == 14 ? 3
               : (s[0] >> 3) == 30 ? 4
                                   : 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) n = 1;
    *cp = n == 1 ? s[0] : (uint32_t)(s[0] & (0xFF >> (n + 1)));
    for (size_t i = 1; i < n; i++)
        *cp = (*cp << 6) | (s[i] & 0x3F);
    return n;
}

/* Wide (two-unit) code points: Hangul Jamo, CJK, Hangul syllables, compatibility and full-width
 * forms, and the supplementary ideographic planes. */
static int wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

/* The label as drawn: escaped, shortened to `units` (> 1) with "…" when longer. Errors go to *rc.
 */
static void label_text(xg_buf *b, const char *s, size_t units, int *rc)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t total = 0, cut = 0;
    for (size_t i = 0; p[i];) {
        uint32_t cp;
        size_t n = utf8_next(p + i, &cp);
        total += wide(cp) ? 2 : 1;
        if (total <= units - 1) cut = i + n;
        i += n;
    }
    if (total <= units) {
        if (!*rc) *rc = xg_chart_escape(b, (const char *)p);
        return;
    }
    char *head = strndup((const char *)p, cut);
    if (!head) {
        *rc = XG_ENOMEM;
        return;
    }
    if (!*rc) *rc = xg_chart_escape(b, head);
    if (!*rc) *rc = xg_buf_puts(b, "…");
    free(head);
}

int xg_chart_label(xg_buf *b, const char *s, size_t units)
{
    int rc = 0;
    if (!b || units < 2) return XG_EINVAL;
    label_text(b, s, units, &rc);
    return rc;
}

static int num(xg_buf *b, double v)
{
    return xg_buf_printf(b, "%.15g", v);
}

/* A drawn number: whole numbers below 10^7 as they are, others in three significant digits with
 * a k/M/G/T suffix (the exact number is in data-value and the row's title). */
static int num_short(xg_buf *b, double v)
{
    if (v == (double)(long long)v && v > -1e7 && v < 1e7) return xg_buf_printf(b, "%.0f", v);
    static const char *const suffix[] = {"", "k", "M", "G", "T"};
    size_t i = 0;
    double a = v < 0 ? -v : v;
    while (a >= 1000 && i + 1 < sizeof suffix / sizeof *suffix) {
        a /= 1000;
        v /= 1000;
        i++;
    }
    return xg_buf_printf(b, "%.3g%s", v, suffix[i]);
}

static double clamp0(double v)
{
    return v > 0 ? v : 0; /* also maps NaN to 0 */
}

static int open_chart(xg_buf *b, const char *kind, const char *title, size_t nrows, int w, int h)
{
    int rc = xg_buf_printf(b,
                           "<figure class=\"xg-chart\" data-chart=\"%s\" data-rows=\"%zu\">"
                           "<figcaption>",
                           kind, nrows);
    if (!rc) rc = xg_chart_escape(b, title);
    if (!rc) rc = xg_buf_puts(b, "</figcaption>");
    if (rc || !nrows) return rc ? rc : xg_buf_puts(b, "<p class=\"none\">none</p></figure>\n");
    rc = xg_buf_printf(b,
                       "<svg viewBox=\"0 0 %d %d\" width=\"%d\" "
                       "height=\"%d\" role=\"img\" aria-label=\"",
                       w, h, w, h);
    if (!rc) rc = xg_chart_escape(b, title);
    if (!rc) rc = xg_buf_puts(b, "\">");
    return rc;
}

static int close_chart(xg_buf *b)
{
    return xg_buf_puts(b, "</svg></figure>\n");
}

/* The start of a row group: data attributes, a hover title with the whole label and number, and the
 * label text at the left. */
static int row_head(xg_buf *b, const char *label, double value, int y)
{
    int rc = xg_buf_puts(b, "<g class=\"row\" data-label=\"");
    if (!rc) rc = xg_chart_escape(b, label);
    if (!rc) rc = xg_buf_puts(b, "\" data-value=\"");
    if (!rc) rc = num(b, value);
    if (!rc) rc = xg_buf_puts(b, "\"><title>");
    if (!rc) rc = xg_chart_escape(b, label);
    if (!rc) rc = xg_buf_puts(b, ": ");
    if (!rc) rc = num(b, value);
    if (!rc)
        rc = xg_buf_printf(b, "</title><text x=\"0\" y=\"%d\" fill=\"%s\" %s>", y + 14, TEXT_FILL,
                           FONT);
    if (!rc) label_text(b, label, LABEL_UNITS, &rc);
    if (!rc) rc = xg_buf_puts(b, "</text>");
    return rc;
}

static int row_tail(xg_buf *b, double value, int x, int y)
{
    int rc = xg_buf_printf(b, "<text class=\"num\" x=\"%d\" y=\"%d\" fill=\"%s\" %s>", x, y + 14,
                           TEXT_FILL, FONT);
    if (!rc) rc = num_short(b, value);
    if (!rc) rc = xg_buf_puts(b, "</text></g>");
    return rc;
}

static int bar_len(double v, double max)
{
    if (v <= 0 || max <= 0) return 0;
    int w = (int)(BAR_MAX * v / max + 0.5);
    return w < 2 ? 2 : w; /* a small non-zero value stays visible */
}

int xg_chart_hbar(xg_buf *b, const char *title, const xg_chart_item *items, size_t n,
                  size_t max_rows)
{
    if (!b || (n && !items)) return XG_EINVAL;
    size_t shown = n, rest = 0;
    double other = 0;
    if (max_rows && n > max_rows) {
        shown = max_rows > 1 ? max_rows - 1 : 1;
        rest = n - shown;
        for (size_t i = shown; i < n; i++)
            other += clamp0(items[i].value);
    }
    size_t rows = shown + (rest ? 1 : 0);
    double max = other;
    for (size_t i = 0; i < shown; i++)
        if (clamp0(items[i].value) > max) max = clamp0(items[i].value);
    int h = (int)rows * ROW_H + 6;
    int rc = open_chart(b, "hbar", title, rows, BAR_X + BAR_MAX + NUM_W, h);
    if (rc || !rows) return rc;
    char other_label[48];
    for (size_t i = 0; i < rows && !rc; i++) {
        const char *label;
        double v;
        if (i < shown) {
            label = items[i].label ? items[i].label : "";
            v = clamp0(items[i].value);
        } else {
            snprintf(other_label, sizeof other_label, "other (%zu)", rest);
            label = other_label;
            v = other;
        }
        int y = (int)i * ROW_H + 3, w = bar_len(v, max);
        rc = row_head(b, label, v, y);
        if (!rc)
            rc = xg_buf_printf(b,
                               "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                               "fill=\"%s\"></rect>",
                               BAR_X, y, w, BAR_H, xg_chart_colour(0));
        if (!rc) rc = row_tail(b, v, BAR_X + w + 6, y);
    }
    return rc ? rc : close_chart(b);
}

static const char *series_colour(const char *const *colours, size_t s)
{
    return colours && colours[s] ? colours[s] : xg_chart_colour(s);
}

#define LEGEND_H 22
#define LEGEND_STEP 120

/* The legend: a swatch and the name of every series, left to right (wrapping is not needed for
 * the few series a chart stacks; names are shortened to 16 units). */
static int legend(xg_buf *b, const char *const *series, size_t nseries, const char *const *colours)
{
    int rc = 0, x = 0;
    for (size_t s = 0; s < nseries && !rc; s++) {
        rc = xg_buf_printf(b,
                           "<g class=\"legend\"><rect x=\"%d\" y=\"4\" width=\"12\" height=\"12\" "
                           "fill=\"%s\"></rect><text x=\"%d\" y=\"15\" fill=\"%s\" %s>",
                           x, series_colour(colours, s), x + 16, TEXT_FILL, FONT);
        if (!rc) label_text(b, series[s] ? series[s] : "", 16, &rc);
        if (!rc) rc = xg_buf_puts(b, "</text></g>");
        x += LEGEND_STEP;
    }
    return rc;
}

/* One stacked segment with its series and value. */
static int segment(xg_buf *b, const char *series, double v, int x, int y, int w, int h,
                   const char *fill)
{
    int rc = xg_buf_puts(b, "<rect class=\"seg\" data-series=\"");
    if (!rc) rc = xg_chart_escape(b, series ? series : "");
    if (!rc) rc = xg_buf_puts(b, "\" data-value=\"");
    if (!rc) rc = num(b, v);
    if (!rc)
        rc = xg_buf_printf(b, "\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"></rect>",
                           x, y, w, h, fill);
    return rc;
}

int xg_chart_stacked(xg_buf *b, const char *title, const char *const *rows, size_t nrows,
                     const char *const *series, size_t nseries, const double *values)
{
    if (!b || (nrows && (!rows || !series || !nseries || !values))) return XG_EINVAL;
    double max = 0;
    for (size_t r = 0; r < nrows; r++) {
        double t = 0;
        for (size_t s = 0; s < nseries; s++)
            t += clamp0(values[r * nseries + s]);
        if (t > max) max = t;
    }
    const int legend_h = LEGEND_H;
    int h = legend_h + (int)nrows * ROW_H + 6;
    int rc = open_chart(b, "stacked", title, nrows, BAR_X + BAR_MAX + NUM_W, h);
    if (rc || !nrows) return rc;
    rc = legend(b, series, nseries, NULL);
    for (size_t r = 0; r < nrows && !rc; r++) {
        int y = legend_h + (int)r * ROW_H + 3;
        double total = 0;
        for (size_t s = 0; s < nseries; s++)
            total += clamp0(values[r * nseries + s]);
        rc = row_head(b, rows[r] ? rows[r] : "", total, y);
        double acc = 0;
        int x0 = BAR_X;
        for (size_t s = 0; s < nseries && !rc; s++) {
            double v = clamp0(values[r * nseries + s]);
            if (v <= 0) continue;
            acc += v;
            /* segment ends are rounded from the running total, so the segments add up exactly */
            int x1 = BAR_X + (int)(BAR_MAX * acc / max + 0.5);
            if (x1 <= x0) x1 = x0 + 1;
            rc = segment(b, series[s], v, x0, y, x1 - x0, BAR_H, xg_chart_colour(s));
            x0 = x1;
        }
        if (!rc) rc = row_tail(b, total, x0 + 6, y);
    }
    return rc ? rc : close_chart(b);
}

int xg_chart_timeseries(xg_buf *b, const char *title, const xg_chart_item *items, size_t n)
{
    if (!b || (n && !items)) return XG_EINVAL;
    const int slot = 56, bar_w = 36, top = 18, plot_h = 120, left = 8;
    double max = 0;
    for (size_t i = 0; i < n; i++)
        if (clamp0(items[i].value) > max) max = clamp0(items[i].value);
    int w = left * 2 + (int)n * slot, h = top + plot_h + 22;
    int rc = open_chart(b, "timeseries", title, n, w, h);
    if (rc || !n) return rc;
    /* the baseline */
    rc = xg_buf_printf(b,
                       "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999999\" "
                       "stroke-width=\"1\"></line>",
                       top + plot_h, w, top + plot_h);
    for (size_t i = 0; i < n && !rc; i++) {
        const char *label = items[i].label ? items[i].label : "";
        double v = clamp0(items[i].value);
        int bh = v > 0 && max > 0 ? (int)(plot_h * v / max + 0.5) : 0;
        if (v > 0 && bh < 2) bh = 2;
        int x = left + (int)i * slot + (slot - bar_w) / 2, cx = x + bar_w / 2;
        rc = xg_buf_puts(b, "<g class=\"row\" data-label=\"");
        if (!rc) rc = xg_chart_escape(b, label);
        if (!rc) rc = xg_buf_puts(b, "\" data-value=\"");
        if (!rc) rc = num(b, v);
        if (!rc) rc = xg_buf_puts(b, "\"><title>");
        if (!rc) rc = xg_chart_escape(b, label);
        if (!rc) rc = xg_buf_puts(b, ": ");
        if (!rc) rc = num(b, v);
        if (!rc)
            rc = xg_buf_printf(b,
                               "</title><rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" "
                               "height=\"%d\" fill=\"%s\"></rect>"
                               "<text class=\"num\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                               "fill=\"%s\" %s>",
                               x, top + plot_h - bh, bar_w, bh, xg_chart_colour(0), cx,
                               top + plot_h - bh - 4, TEXT_FILL, FONT);
        if (!rc) rc = num_short(b, v);
        if (!rc)
            rc = xg_buf_printf(
                b, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\" %s>", cx,
                top + plot_h + 15, TEXT_FILL, FONT);
        if (!rc) label_text(b, label, 9, &rc);
        if (!rc) rc = xg_buf_puts(b, "</text></g>");
    }
    return rc ? rc : close_chart(b);
}

int xg_chart_stacked_timeseries(xg_buf *b, const char *title, const char *const *periods,
                                size_t nperiods, const char *const *series, size_t nseries,
                                const double *values, const char *const *colours)
{
    if (!b || (nperiods && (!periods || !series || !nseries || !values))) return XG_EINVAL;
    const int slot = 72, bar_w = 44, top = LEGEND_H + 18, plot_h = 120, left = 8;
    double max = 0;
    for (size_t p = 0; p < nperiods; p++) {
        double t = 0;
        for (size_t s = 0; s < nseries; s++)
            t += clamp0(values[p * nseries + s]);
        if (t > max) max = t;
    }
    int w = left * 2 + (int)nperiods * slot, h = top + plot_h + 22;
    if (w < (int)nseries * LEGEND_STEP) w = (int)nseries * LEGEND_STEP;
    int rc = open_chart(b, "stacked-timeseries", title, nperiods, w, h);
    if (rc || !nperiods) return rc;
    rc = legend(b, series, nseries, colours);
    if (!rc)
        rc = xg_buf_printf(b,
                           "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999999\" "
                           "stroke-width=\"1\"></line>",
                           top + plot_h, w, top + plot_h);
    for (size_t p = 0; p < nperiods && !rc; p++) {
        const char *label = periods[p] ? periods[p] : "";
        double total = 0;
        for (size_t s = 0; s < nseries; s++)
            total += clamp0(values[p * nseries + s]);
        int x = left + (int)p * slot + (slot - bar_w) / 2, cx = x + bar_w / 2;
        rc = xg_buf_puts(b, "<g class=\"row\" data-label=\"");
        if (!rc) rc = xg_chart_escape(b, label);
        if (!rc) rc = xg_buf_puts(b, "\" data-value=\"");
        if (!rc) rc = num(b, total);
        if (!rc) rc = xg_buf_puts(b, "\"><title>");
        if (!rc) rc = xg_chart_escape(b, label);
        if (!rc) rc = xg_buf_puts(b, ": ");
        if (!rc) rc = num(b, total);
        for (size_t s = 0; s < nseries && !rc; s++) {
            double v = clamp0(values[p * nseries + s]);
            if (v <= 0) continue;
            rc = xg_buf_puts(b, "; ");
            if (!rc) rc = xg_chart_escape(b, series[s] ? series[s] : "");
            if (!rc) rc = xg_buf_putc(b, ' ');
            if (!rc) rc = num(b, v);
        }
        if (!rc) rc = xg_buf_puts(b, "</title>");
        /* segments from the baseline up; their tops are rounded from the running total, so the
         * segments add up exactly and equal totals draw equal bars */
        double acc = 0;
        int y0 = top + plot_h, bh = 0;
        for (size_t s = 0; s < nseries && !rc; s++) {
            double v = clamp0(values[p * nseries + s]);
            if (v <= 0) continue;
            acc += v;
            int y1 = top + plot_h - (int)(plot_h * acc / max + 0.5);
            if (y1 >= y0) y1 = y0 - 1; /* a small non-zero value stays visible */
            rc = segment(b, series[s], v, x, y1, bar_w, y0 - y1, series_colour(colours, s));
            bh += y0 - y1;
            y0 = y1;
        }
        if (!rc)
            rc = xg_buf_printf(b,
                               "<text class=\"num\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                               "fill=\"%s\" %s>",
                               cx, top + plot_h - bh - 4, TEXT_FILL, FONT);
        if (!rc) rc = num_short(b, total);
        if (!rc)
            rc = xg_buf_printf(
                b, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\" %s>", cx,
                top + plot_h + 15, TEXT_FILL, FONT);
        if (!rc) label_text(b, label, 10, &rc);
        if (!rc) rc = xg_buf_puts(b, "</text></g>");
    }
    return rc ? rc : close_chart(b);
}
