/*
 * render.c — the usage report as CSV and as a standalone HTML page. The page carries its data as
 * tables and one chart per customer and parent (the shared writer, core/chart.h): accelerator-hours
 * over time stacked by class, in periods of a day, a week, 30 days … so that a chart never has more
 * than MAX_BARS bars.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/chart.h"
#include "usage/usage_internal.h"
#include "xgate/error.h"

#define MAX_BARS 16
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
    xg_chart_escape(b, s);
}

/* One chart of an entry's daily series: accelerator-hours per period stacked by class, the periods
 * the smallest of BUCKETS days that keeps the chart at MAX_BARS bars or fewer, each labelled by its
 * first day (so the time axis is even: periods without usage are drawn as 0). */
static int entry_chart(xg_buf *b, const json_t *o)
{
    static const int buckets[] = {1, 7, 30, 91, 365};
    static const char *const bucket_names[] = {"day", "week", "30 days", "91 days", "365 days"};
    const json_t *series = json_object_get(o, "series");
    size_t n = json_array_size(series);
    int64_t first, last;
    if (!n || xg_usage_parse_time(&first, str(json_array_get(series, 0), "day")) ||
        xg_usage_parse_time(&last, str(json_array_get(series, n - 1), "day"))) {
        char title[512];
        snprintf(title, sizeof title, "%s: accelerator-hours, by class", str(o, "customer"));
        return xg_chart_stacked_timeseries(b, title, NULL, 0, classes, NCLASSES, NULL, fills);
    }
    int64_t span = (last - first) / 86400 + 1;
    size_t bi = 0;
    while (bi + 1 < sizeof buckets / sizeof *buckets &&
           (span + buckets[bi] - 1) / buckets[bi] > MAX_BARS)
        bi++;
    int64_t bucket = buckets[bi];
    size_t nb = (size_t)((span + bucket - 1) / bucket);
    double *vals = calloc(nb * NCLASSES, sizeof *vals);
    char(*labels)[16] = calloc(nb, sizeof *labels);
    const char **lp = calloc(nb, sizeof *lp);
    if (!vals || !labels || !lp) {
        free(vals);
        free(labels);
        free(lp);
        return XG_ENOMEM;
    }
    for (size_t k = 0; k < nb; k++) {
        time_t t = (time_t)(first + (int64_t)k * bucket * 86400);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(labels[k], sizeof labels[k], "%Y-%m-%d", &tm);
        lp[k] = labels[k];
    }
    size_t i;
    json_t *d;
    json_array_foreach(series, i, d)
    {
        int64_t t;
        if (xg_usage_parse_time(&t, str(d, "day"))) continue;
        size_t k = (size_t)((t - first) / 86400 / bucket);
        if (k >= nb) k = nb - 1;
        for (int c = 0; c < NCLASSES; c++)
            vals[k * NCLASSES + c] += num(d, classes[c]);
    }
    char title[512];
    snprintf(title, sizeof title, "%s: accelerator-hours per %s, by class", str(o, "customer"),
             bucket_names[bi]);
    int rc = xg_chart_stacked_timeseries(b, title, lp, nb, classes, NCLASSES, vals, fills);
    free(lp);
    free(labels);
    free(vals);
    return rc;
}

int xg_usage_entry_chart(char **out, const json_t *entry)
{
    *out = NULL;
    if (!json_is_object(entry)) return xg_error_set(XG_EINVAL, "usage chart: expected an entry");
    xg_buf b;
    xg_buf_init(&b);
    int rc = entry_chart(&b, entry);
    if (rc) {
        xg_buf_free(&b);
        return rc;
    }
    *out = xg_buf_steal(&b);
    return *out ? XG_OK : XG_ENOMEM;
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
                "figure.xg-chart{margin:.5em 0 1.5em}figcaption{font-weight:600;margin-bottom:4px}"
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
