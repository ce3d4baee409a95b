/*
 * chart.c — a stacked bar chart as SVG, for the usage report. Written so that the markup is
 * well-formed XML inside HTML: every attribute quoted, every element closed, every series with an
 * explicit fill (not a class the page's CSS might not have), a <title> per bar for the numbers.
 * Kept behind one function so a shared chart writer (issue 18) can replace it.
 */
#include <math.h>
#include <string.h>

#include "usage/usage_internal.h"

#define CHART_W 720.0
#define CHART_H 240.0
#define PAD_L 64.0
#define PAD_B 40.0
#define PAD_T 28.0
#define LEGEND_W 120.0

static void esc(xg_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            xg_buf_puts(b, "&lt;");
            break;
        case '>':
            xg_buf_puts(b, "&gt;");
            break;
        case '&':
            xg_buf_puts(b, "&amp;");
            break;
        case '"':
            xg_buf_puts(b, "&quot;");
            break;
        case '\'':
            xg_buf_puts(b, "&#39;");
            break;
        default:
            xg_buf_putc(b, *s);
        }
    }
}

void usage_chart_stacked_bars(xg_buf *b, const char *title, const char *const *labels,
                              size_t nlabels, const usage_series *series, size_t nseries)
{
    double max = 0;
    for (size_t i = 0; i < nlabels; i++) {
        double sum = 0;
        for (size_t k = 0; k < nseries; k++)
            sum += series[k].values[i];
        if (sum > max) max = sum;
    }
    if (max <= 0) max = 1;
    double plot_w = CHART_W - PAD_L - LEGEND_W, plot_h = CHART_H - PAD_T - PAD_B;
    double bw = nlabels ? plot_w / (double)nlabels : plot_w;
    xg_buf_printf(b,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                  "viewBox=\"0 0 %.0f %.0f\" role=\"img\">",
                  CHART_W, CHART_H, CHART_W, CHART_H);
    xg_buf_puts(b, "<title>");
    esc(b, title);
    xg_buf_puts(b, "</title>");
    xg_buf_printf(b, "<text x=\"%.0f\" y=\"16\" fill=\"#222222\" font-size=\"13\">", PAD_L);
    esc(b, title);
    xg_buf_puts(b, "</text>");
    /* axes and the top value */
    xg_buf_printf(
        b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444444\"></line>",
        PAD_L, PAD_T, PAD_L, PAD_T + plot_h);
    xg_buf_printf(
        b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444444\"></line>",
        PAD_L, PAD_T + plot_h, PAD_L + plot_w, PAD_T + plot_h);
    xg_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222222\" font-size=\"10\" "
                  "text-anchor=\"end\">%.4g</text>",
                  PAD_L - 4, PAD_T + 8, max);
    xg_buf_printf(b,
                  "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222222\" font-size=\"10\" "
                  "text-anchor=\"end\">0</text>",
                  PAD_L - 4, PAD_T + plot_h);
    for (size_t i = 0; i < nlabels; i++) {
        double y = PAD_T + plot_h, x = PAD_L + bw * (double)i + bw * 0.1;
        for (size_t k = 0; k < nseries; k++) {
            double v = series[k].values[i];
            if (!(v > 0)) continue;
            double h = v / max * plot_h;
            y -= h;
            xg_buf_printf(
                b,
                "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                "fill=\"%s\" data-series=\"",
                x, y, bw * 0.8, h, series[k].fill);
            esc(b, series[k].name);
            xg_buf_puts(b, "\"><title>");
            esc(b, labels[i]);
            xg_buf_puts(b, " ");
            esc(b, series[k].name);
            xg_buf_printf(b, ": %.6g accelerator-hours</title></rect>", v);
        }
        if (nlabels <= 12 || i % ((nlabels + 11) / 12) == 0) {
            xg_buf_printf(b,
                          "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222222\" font-size=\"9\" "
                          "text-anchor=\"middle\">",
                          x + bw * 0.4, PAD_T + plot_h + 14);
            esc(b, labels[i]);
            xg_buf_puts(b, "</text>");
        }
    }
    for (size_t k = 0; k < nseries; k++) {
        double ly = PAD_T + 16.0 * (double)k;
        xg_buf_printf(b,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"></rect>"
                      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222222\" font-size=\"11\">",
                      CHART_W - LEGEND_W + 10, ly, series[k].fill, CHART_W - LEGEND_W + 24, ly + 9);
        esc(b, series[k].name);
        xg_buf_puts(b, "</text>");
    }
    xg_buf_puts(b, "</svg>");
}
