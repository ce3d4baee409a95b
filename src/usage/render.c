/*
 * render.c — the usage report as CSV and as a standalone HTML page. The page carries its data as
 * tables and one SVG chart per customer and parent: accelerator-hours over time stacked by class,
 * in buckets of a day, a week or a month so that a chart never has more than MAX_BARS bars.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "usage/usage_internal.h"
#include "xgate/error.h"

#define MAX_BARS 60
#define NCLASSES 3
static const char *const classes[NCLASSES] = {"3A090.a", "3A090.b", "none"};
static const char *const fills[NCLASSES] = {"#c0392b", "#e67e22", "#7f8c8d"};

static double num(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void csv_cell(xg_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        xg_buf_putc(b, '"');
        for (; *s; s++) {
            if (*s == '"') xg_buf_putc(b, '"');
            xg_buf_putc(b, *s);
        }
        xg_buf_putc(b, '"');
    } else
        xg_buf_puts(b, s);
}

static void crossed_keys(xg_buf *b, const json_t *o)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(o, "thresholds_crossed"), i, t)
    {
        if (i) xg_buf_putc(b, ';');
        xg_buf_puts(b, str(t, "key"));
    }
}

static void csv_line(xg_buf *b, const json_t *o)
{
    const json_t *ah = json_object_get(o, "accelerator_hours");
    csv_cell(b, str(o, "kind"));
    xg_buf_putc(b, ',');
    csv_cell(b, str(o, "customer"));
    xg_buf_putc(b, ',');
    csv_cell(b, str(o, "name"));
    xg_buf_putc(b, ',');
    csv_cell(b, str(o, "country"));
    xg_buf_printf(b, ",%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,",
                  json_is_true(json_object_get(o, "foreign")) ? "yes" : "no", num(ah, "total"),
                  num(ah, "3A090.a"), num(ah, "3A090.b"), num(ah, "none"), num(o, "ops_low"),
                  num(o, "ops_high"), num(json_object_get(o, "window"), "ops_high"));
    xg_buf t;
    xg_buf_init(&t);
    crossed_keys(&t, o);
    csv_cell(b, t.data ? t.data : "");
    xg_buf_free(&t);
    xg_buf_putc(b, '\n');
}

int xg_usage_report_csv(char **out, const json_t *report)
{
    xg_buf b;
    xg_buf_init(&b);
    xg_buf_puts(&b, "kind,customer,name,country,foreign,accelerator_hours,accelerator_hours_3A090a,"
                    "accelerator_hours_3A090b,accelerator_hours_none,ops_low,ops_high,"
                    "window_ops_high,thresholds_crossed\n");
    const char *lists[] = {"customers", "parents"};
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(report, lists[l]), i, o) csv_line(&b, o);
    }
    *out = xg_buf_steal(&b);
    return *out ? XG_OK : XG_ENOMEM;
}

static void html_esc(xg_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            xg_buf_puts(b, "&lt;");
        else if (*s == '>')
            xg_buf_puts(b, "&gt;");
        else if (*s == '&')
            xg_buf_puts(b, "&amp;");
        else if (*s == '"')
            xg_buf_puts(b, "&quot;");
        else
            xg_buf_putc(b, *s);
    }
}

/* One chart of an entry's daily series, bucketed to at most MAX_BARS bars. */
static void entry_chart(xg_buf *b, const json_t *o)
{
    const json_t *series = json_object_get(o, "series");
    size_t n = json_array_size(series);
    if (!n) return;
    int64_t first, last;
    xg_usage_parse_time(&first, str(json_array_get(series, 0), "day"));
    xg_usage_parse_time(&last, str(json_array_get(series, n - 1), "day"));
    int64_t span = (last - first) / 86400 + 1;
    int64_t bucket = span <= MAX_BARS ? 1 : span <= 7 * MAX_BARS ? 7 : 30;
    size_t nb = (size_t)((span + bucket - 1) / bucket);
    double *vals = calloc(nb * NCLASSES, sizeof *vals);
    char **labels = calloc(nb, sizeof *labels);
    if (!vals || !labels) {
        free(vals);
        free(labels);
        return;
    }
    size_t i;
    json_t *d;
    json_array_foreach(series, i, d)
    {
        int64_t t;
        xg_usage_parse_time(&t, str(d, "day"));
        size_t k = (size_t)((t - first) / 86400 / bucket);
        if (k >= nb) k = nb - 1;
        if (!labels[k]) labels[k] = strdup(str(d, "day"));
        for (int c = 0; c < NCLASSES; c++)
            vals[c * nb + k] += num(d, classes[c]);
    }
    for (size_t k = 0; k < nb; k++)
        if (!labels[k]) labels[k] = strdup("");
    usage_series s[NCLASSES];
    for (int c = 0; c < NCLASSES; c++)
        s[c] = (usage_series){.name = classes[c], .fill = fills[c], .values = vals + c * nb};
    char title[512];
    snprintf(title, sizeof title, "%s: accelerator-hours per %s, by class", str(o, "customer"),
             bucket == 1   ? "day"
             : bucket == 7 ? "week"
                           : "30 days");
    usage_chart_stacked_bars(b, title, (const char *const *)labels, nb, s, NCLASSES);
    for (size_t k = 0; k < nb; k++)
        free(labels[k]);
    free(labels);
    free(vals);
}

static void html_entry(xg_buf *b, const json_t *o)
{
    const json_t *ah = json_object_get(o, "accelerator_hours");
    const json_t *w = json_object_get(o, "window");
    xg_buf_puts(b, "<section class=\"entry\" data-customer=\"");
    html_esc(b, str(o, "customer"));
    xg_buf_puts(b, "\"><h2>");
    html_esc(b, str(o, "customer"));
    if (*str(o, "name") && strcmp(str(o, "name"), str(o, "customer"))) {
        xg_buf_puts(b, " — ");
        html_esc(b, str(o, "name"));
    }
    xg_buf_puts(b, "</h2><table><tbody>");
    xg_buf_printf(b, "<tr><th>foreign</th><td>%s</td></tr>",
                  json_is_true(json_object_get(o, "foreign")) ? "yes" : "no");
    xg_buf_printf(b,
                  "<tr><th>accelerator-hours</th><td>%.6g (3A090.a %.6g, 3A090.b %.6g, none "
                  "%.6g)</td></tr>",
                  num(ah, "total"), num(ah, "3A090.a"), num(ah, "3A090.b"), num(ah, "none"));
    xg_buf_printf(b, "<tr><th>operations</th><td>%.3e – %.3e</td></tr>", num(o, "ops_low"),
                  num(o, "ops_high"));
    xg_buf_puts(b, "<tr><th>largest window</th><td>");
    html_esc(b, str(w, "from"));
    xg_buf_puts(b, " – ");
    html_esc(b, str(w, "to"));
    xg_buf_printf(b, ": %.3e – %.3e</td></tr>", num(w, "ops_low"), num(w, "ops_high"));
    xg_buf_puts(b, "<tr><th>thresholds crossed</th><td class=\"crossed\">");
    xg_buf t;
    xg_buf_init(&t);
    crossed_keys(&t, o);
    html_esc(b, t.data && *t.data ? t.data : "none");
    xg_buf_free(&t);
    xg_buf_puts(b, "</td></tr></tbody></table>");
    entry_chart(b, o);
    xg_buf_puts(b, "</section>\n");
}

int xg_usage_report_html(char **out, const json_t *report)
{
    xg_buf b;
    xg_buf_init(&b);
    const json_t *p = json_object_get(report, "period");
    xg_buf_puts(&b,
                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
                "<title>xgate usage report</title><style>body{font-family:sans-serif;margin:2em}"
                "table{border-collapse:collapse}th,td{text-align:left;padding:2px 8px}"
                "</style></head><body><h1>Compute usage</h1><p>Period: ");
    html_esc(&b, *str(p, "from") ? str(p, "from") : "start");
    xg_buf_puts(&b, " – ");
    html_esc(&b, *str(p, "to") ? str(p, "to") : "end");
    const json_t *u = json_object_get(report, "utilisation");
    xg_buf_printf(&b, "; utilisation %.2g–%.2g; window %d days.</p>\n", num(u, "low"),
                  num(u, "high"), (int)json_integer_value(json_object_get(report, "window_days")));
    const char *lists[] = {"customers", "parents"}, *heads[] = {"Customers", "Ultimate parents"};
    for (int l = 0; l < 2; l++) {
        xg_buf_printf(&b, "<h1>%s</h1>\n", heads[l]);
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(report, lists[l]), i, o) html_entry(&b, o);
    }
    xg_buf_puts(&b, "</body></html>\n");
    *out = xg_buf_steal(&b);
    return *out ? XG_OK : XG_ENOMEM;
}
