/*
 * Compute accounting tests (issue 14): time parsing, estimates computed by hand from the catalog,
 * the row reader on each format (xgate CSV, JSONL, AWS CUR 2.0) and its bad lines, the importer's
 * all-or-nothing transaction and content keys, and the report's parent aggregation and window.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store_temp.h"
#include "xgate/error.h"
#include "xgate/usage.h"

static xg_catalog *cat;
static xg_usage_config *cfg;

static void setup(void)
{
    cr_assert_eq(xg_catalog_load(&cat, getenv("XGATE_DATA")), 0, "%s", xg_error_message());
    cr_assert_eq(xg_usage_config_load(&cfg, getenv("XGATE_DATA")), 0, "%s", xg_error_message());
}

static void teardown(void)
{
    xg_usage_config_free(cfg);
    xg_catalog_free(cat);
}

TestSuite(usage, .init = setup, .fini = teardown);

#define H100_OPS_PER_S (15832.0 / 16 * 1e12)

Test(usage, parse_time)
{
    int64_t t;
    cr_assert_eq(xg_usage_parse_time(&t, "1970-01-01"), 0);
    cr_assert_eq(t, 0);
    cr_assert_eq(xg_usage_parse_time(&t, "2026-01-01T00:00:00Z"), 0);
    cr_assert_eq(t, 1767225600);
    cr_assert_eq(xg_usage_parse_time(&t, "2026-01-01T02:00:00+02:00"), 0);
    cr_assert_eq(t, 1767225600);
    cr_assert_eq(xg_usage_parse_time(&t, "2024-02-29T12:30:15.250Z"), 0);
    cr_assert_eq(t, 1709209815);
    cr_assert_neq(xg_usage_parse_time(&t, "2025-02-29"), 0);
    cr_assert_neq(xg_usage_parse_time(&t, "2026-01-01T25:00"), 0);
    cr_assert_neq(xg_usage_parse_time(&t, "2026-01-01x"), 0);
    cr_assert_neq(xg_usage_parse_time(&t, ""), 0);
}

Test(usage, config_from_data_files)
{
    cr_assert_float_eq(cfg->util_low, 0.3, 1e-12);
    cr_assert_float_eq(cfg->util_high, 0.5, 1e-12);
    cr_assert_eq(cfg->window_days, 90);
    const xg_usage_threshold *ew = xg_usage_early_warning(cfg);
    cr_assert_not_null(ew);
    cr_assert_float_eq(ew->ops, 1e25, 1e10);
    int found = 0;
    for (size_t i = 0; i < cfg->nthresholds; i++)
        if (cfg->thresholds[i].ops == 1e26 && strstr(cfg->thresholds[i].citation, "14110") &&
            !strcmp(cfg->thresholds[i].status, "revoked"))
            found = 1;
    cr_assert(found, "the EO 14110 10^26 threshold, marked revoked");
}

Test(usage, estimate_chip_by_hand)
{
    xg_usage_estimate e;
    cr_assert_eq(xg_usage_estimate_item(&e, cat, "H100", 4, 2.5), 0, "%s", xg_error_message());
    cr_assert_str_eq(e.eccn_class, "3A090.a");
    cr_assert_float_eq(e.accelerators, 4, 1e-12);
    cr_assert_float_eq(e.accel_hours, 10, 1e-12);
    cr_assert_float_eq(e.peak_ops_per_s, H100_OPS_PER_S, 1e3);
    cr_assert_float_eq(e.peak_ops, 10 * 3600 * H100_OPS_PER_S, 1e9);
}

Test(usage, estimate_instance_by_hand)
{
    xg_usage_estimate e;
    /* a3-highgpu-8g = 8 x H100; p4d.24xlarge = 8 x A100 (TPP 4,992) */
    cr_assert_eq(xg_usage_estimate_item(&e, cat, "a3-highgpu-8g", 3, 1), 0, "%s",
                 xg_error_message());
    cr_assert_float_eq(e.accelerators, 24, 1e-12);
    cr_assert_float_eq(e.peak_ops, 24 * 3600 * H100_OPS_PER_S, 1e9);
    cr_assert_eq(xg_usage_estimate_item(&e, cat, "p4d.24xlarge", 1, 1), 0);
    cr_assert_float_eq(e.peak_ops_per_s, 4992.0 / 16 * 1e12, 1e3);
    cr_assert_str_eq(e.eccn_class, "3A090.a");
    cr_assert_eq(xg_usage_estimate_item(&e, cat, "g4dn.xlarge", 1, 1), 0);
    cr_assert_str_eq(e.eccn_class, "none");
}

Test(usage, estimate_refuses)
{
    xg_usage_estimate e;
    cr_assert_eq(xg_usage_estimate_item(&e, cat, "Z9000 Turbo", 1, 1), XG_ENOTFOUND);
    cr_assert_eq(xg_usage_estimate_item(&e, cat, "H100", -1, 1), XG_EINVAL);
    cr_assert_eq(xg_usage_estimate_item(&e, cat, "H100", 1, -1), XG_EINVAL);
    cr_assert_eq(xg_usage_estimate_item(&e, cat, "H100", 1, NAN), XG_EINVAL);
}

/* ---- reader ---- */

typedef struct seen {
    int rows, skipped, errors;
    long last_error_line;
    char items[8][64];
    double hours[8];
    char customers[8][64];
} seen;

static int collect(void *ud, const xg_usage_row *row, long line, const char *skipped,
                   const char *error)
{
    seen *s = ud;
    if (row) {
        if (s->rows < 8) {
            snprintf(s->items[s->rows], 64, "%s", row->item);
            snprintf(s->customers[s->rows], 64, "%s", row->customer);
            s->hours[s->rows] = row->hours;
        }
        s->rows++;
    } else if (skipped)
        s->skipped++;
    else {
        s->errors++;
        s->last_error_line = line;
    }
    return 0;
}

Test(usage, read_xgate_csv_quoted)
{
    const char *t = "customer,item,count,start,hours\n"
                    "\"Acme, \"\"the\"\" Ltd\",H100,1,2026-01-01,2\n"
                    "\n"
                    "\"Multi\nline\",H100,1,2026-01-01,3\n"
                    "x,H100,1,2026-01-01\n";
    seen s = {0};
    cr_assert_eq(xg_usage_parse_buf(t, strlen(t), "t.csv", NULL, collect, &s), 0, "%s",
                 xg_error_message());
    cr_assert_eq(s.rows, 2);
    cr_assert_str_eq(s.customers[0], "Acme, \"the\" Ltd");
    cr_assert_str_eq(s.customers[1], "Multi\nline");
    cr_assert_float_eq(s.hours[1], 3, 1e-12);
    cr_assert_eq(s.errors, 1); /* no end or hours */
    cr_assert_eq(s.last_error_line, 6);
}

Test(usage, read_cur_with_accounts)
{
    const char *map = "account,customer\n123,cus_x\n";
    xg_usage_accounts *acc;
    cr_assert_eq(xg_usage_accounts_parse(&acc, map, strlen(map), "map.csv"), 0);
    const char *t = "line_item_usage_account_id,line_item_usage_type,product_instance_type,"
                    "line_item_usage_amount,line_item_usage_start_date\n"
                    "123,USE1-BoxUsage:p5.48xlarge,p5.48xlarge,24,2026-01-01T00:00:00Z\n"
                    "123,USE1-DataTransfer-Out-Bytes,,1.5,2026-01-01T00:00:00Z\n"
                    "999,USE1-SpotUsage:p4d.24xlarge,p4d.24xlarge,2,2026-01-01T00:00:00Z\n";
    seen s = {0};
    cr_assert_eq(xg_usage_parse_buf(t, strlen(t), "cur.csv", acc, collect, &s), 0);
    cr_assert_eq(s.rows, 2);
    cr_assert_eq(s.skipped, 1);
    cr_assert_str_eq(s.customers[0], "cus_x");
    cr_assert_str_eq(s.customers[1], "999"); /* unmapped: the account id itself */
    cr_assert_float_eq(s.hours[0], 24, 1e-12);
    xg_usage_accounts_free(acc);
    const char *badmap = "a,b,c\n";
    cr_assert_eq(xg_usage_accounts_parse(&acc, badmap, strlen(badmap), "m"), XG_EPARSE);
}

Test(usage, read_jsonl_and_unknown_format)
{
    const char *t = "{\"customer\":\"c\",\"item\":\"H100\",\"count\":2,\"start\":\"2026-01-01\","
                    "\"hours\":1.5}\n{\"customer\":\"c\",\"item\":\"H100\",\"hours\":\"x\","
                    "\"start\":\"2026-01-01\"}\nnot json\n[1]\n";
    seen s = {0};
    cr_assert_eq(xg_usage_parse_buf(t, strlen(t), "t.jsonl", NULL, collect, &s), 0);
    cr_assert_eq(s.rows, 1);
    cr_assert_eq(s.errors, 3);
    const char *u = "a,b\n1,2\n";
    cr_assert_eq(xg_usage_parse_buf(u, strlen(u), "u.csv", NULL, collect, &s), XG_EFORMAT);
    cr_assert_eq(xg_usage_parse_buf("", 0, "e.csv", NULL, collect, &s), XG_EFORMAT);
}

/* ---- import and report against a store ---- */

static temp_store tmp;

static xg_store *fresh(void)
{
    xg_store *s = temp_store_open(&tmp, "usage");
    const char *cust[] = {
        "{\"id\":\"cus_a\",\"name\":\"Alpha GmbH\",\"country\":\"DE\",\"owners\":[{\"name\":"
        "\"Omega Ltd\",\"country\":\"CN\",\"percent\":51}]}",
        "{\"id\":\"cus_b\",\"name\":\"Beta Pte\",\"country\":\"SG\",\"owners\":[{\"name\":\"Mid "
        "Co\",\"country\":\"HK\",\"percent\":80,\"owners\":[{\"name\":\"Omega "
        "Ltd\",\"country\":\"CN\",\"percent\":75}]}]}",
        "{\"id\":\"cus_c\",\"name\":\"Minority Inc\",\"country\":\"US\",\"owners\":[{\"name\":"
        "\"Omega Ltd\",\"country\":\"CN\",\"percent\":30}]}"};
    for (size_t i = 0; i < 3; i++) {
        json_t *c = json_loads(cust[i], 0, NULL);
        char *id;
        cr_assert_eq(xg_store_customer_put(&id, s, c), 0, "%s", xg_error_message());
        free(id);
        json_decref(c);
    }
    return s;
}

static void cleanup(xg_store *s)
{
    temp_store_remove(&tmp, s);
}

static int import_text(xg_usage_import_stats *st, xg_store *s, const char *text, bool keep_good)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    xg_usage_import_opts o = {.keep_good = keep_good};
    int rc = xg_usage_import_stream(st, s, cat, f, "mem.csv", &o);
    fclose(f);
    return rc;
}

static json_t *entry(json_t *report, const char *list, const char *customer)
{
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(report, list), i, o)
    {
        if (!strcmp(json_string_value(json_object_get(o, "customer")), customer)) return o;
    }
    return NULL;
}

Test(usage, import_all_or_nothing_and_reimport)
{
    xg_store *s = fresh();
    const char *bad = "customer,item,count,start,hours\n"
                      "cus_a,H100,1,2026-01-01,1\n"
                      "cus_zz,H100,1,2026-01-01,1\n";
    xg_usage_import_stats st;
    cr_assert_eq(import_text(&st, s, bad, false), XG_EPARSE);
    cr_assert_eq(st.unknown_customers, 1);
    cr_assert_eq(st.added, 0);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(st.problems, 0), "line")), 3);
    json_decref(st.problems);
    json_t *r;
    cr_assert_eq(xg_usage_report(&r, s, cfg, NULL), 0);
    cr_assert_eq(json_array_size(json_object_get(r, "customers")), 0, "nothing half-imported");
    json_decref(r);

    const char *good = "customer,item,count,start,hours\n"
                       "cus_a,H100,1,2026-01-01,1\n"
                       "Alpha GmbH,H100,1,2026-01-02,1\n";
    cr_assert_eq(import_text(&st, s, good, false), 0, "%s", xg_error_message());
    cr_assert_eq(st.added, 2);
    json_decref(st.problems);
    cr_assert_eq(import_text(&st, s, good, false), 0);
    cr_assert_eq(st.added, 0);
    cr_assert_eq(st.duplicates, 2);
    json_decref(st.problems);
    cr_assert_eq(xg_usage_report(&r, s, cfg, NULL), 0);
    json_t *a = entry(r, "customers", "cus_a");
    cr_assert_not_null(a);
    cr_assert_float_eq(
        json_number_value(json_object_get(json_object_get(a, "accelerator_hours"), "total")), 2,
        1e-9);
    json_decref(r);
    cleanup(s);
}

Test(usage, parent_aggregation_crosses_together)
{
    xg_store *s = fresh();
    /* each subsidiary 4e6 H100-hours: high 7.12e24 < 1e25; together 1.42e25 */
    const char *t = "customer,item,count,start,hours\n"
                    "cus_a,p5.48xlarge,500,2026-01-01,1000\n"
                    "cus_b,p5.48xlarge,500,2026-02-01,1000\n"
                    "cus_c,p5.48xlarge,500,2026-02-01,1000\n";
    xg_usage_import_stats st;
    cr_assert_eq(import_text(&st, s, t, false), 0, "%s", xg_error_message());
    json_decref(st.problems);
    json_t *r;
    cr_assert_eq(xg_usage_report(&r, s, cfg, NULL), 0, "%s", xg_error_message());
    json_t *a = entry(r, "customers", "cus_a"), *b = entry(r, "customers", "cus_b");
    cr_assert_eq(json_array_size(json_object_get(a, "thresholds_crossed")), 0);
    cr_assert_eq(json_array_size(json_object_get(b, "thresholds_crossed")), 0);
    /* cus_b reaches Omega through Mid Co (80 %, then 75 %); cus_c's 30 % owner is not control */
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(b, "ultimate_parent"), "name")),
        "Omega Ltd");
    json_t *c = entry(r, "customers", "cus_c");
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(c, "ultimate_parent"), "how")), "self");
    json_t *p = entry(r, "parents", "Omega Ltd");
    cr_assert_not_null(p, "the parent is reported");
    cr_assert_eq(json_array_size(json_object_get(p, "subsidiaries")), 2);
    json_t *crossed = json_object_get(p, "thresholds_crossed");
    cr_assert_eq(json_array_size(crossed), 1);
    json_t *t0 = json_array_get(crossed, 0);
    cr_assert_str_eq(json_string_value(json_object_get(t0, "key")), "early_warning");
    cr_assert_eq(json_integer_value(json_object_get(t0, "rows_total")), 2);
    cr_assert(json_is_true(json_object_get(t0, "in_window")), "31 days apart: one window");
    double hi = json_number_value(json_object_get(p, "ops_high"));
    cr_assert_float_eq(hi, 2 * 4e6 * 3600 * H100_OPS_PER_S * 0.5, 1e12);
    json_decref(r);

    /* the decide rule's lookup: the last 90 days before an as-of date */
    double ops;
    cr_assert_eq(xg_usage_customer_ops(&ops, s, cfg, "cus_b", "2026-03-01"), 0);
    cr_assert_float_eq(ops, 4e6 * 3600 * H100_OPS_PER_S * 0.5, 1e12);
    cr_assert_eq(xg_usage_customer_ops(&ops, s, cfg, "cus_b", "2026-12-31"), 0);
    cr_assert_float_eq(ops, 0, 1e-9);
    cleanup(s);
}

Test(usage, window_is_the_largest_90_days)
{
    xg_store *s = fresh();
    const char *t = "customer,item,count,start,hours\n"
                    "cus_a,H100,100,2026-01-01,1\n"
                    "cus_a,H100,300,2026-05-01,1\n"
                    "cus_a,H100,200,2026-07-29,1\n"
                    "cus_a,H100,400,2026-07-30,1\n";
    xg_usage_import_stats st;
    cr_assert_eq(import_text(&st, s, t, false), 0, "%s", xg_error_message());
    json_decref(st.problems);
    json_t *r;
    cr_assert_eq(xg_usage_report(&r, s, cfg, NULL), 0);
    json_t *w = json_object_get(entry(r, "customers", "cus_a"), "window");
    /* 05-01 .. 07-29 holds 300 + 200; any window holding 07-29 and 07-30 holds 200 + 400 = 600,
     * more than 01-01 + 05-01 could (they are 120 days apart). The window is dated from its
     * first day of usage. */
    cr_assert_str_eq(json_string_value(json_object_get(w, "from")), "2026-07-29");
    cr_assert_float_eq(json_number_value(json_object_get(w, "ops_high")),
                       600 * 3600 * H100_OPS_PER_S * 0.5, 1e9);
    json_decref(r);
    cleanup(s);
}

/* The chart of one entry: days bucketed to weeks past 16 days, each period labelled by its first
 * day, the class segments adding up to the series (the shared writer's markup, core/chart.h). */
Test(usage, entry_chart_buckets_days_and_keeps_every_hour)
{
    json_t *e =
        json_pack("{s:s,s:[{s:s,s:f,s:f,s:f},{s:s,s:f,s:f,s:f},{s:s,s:f,s:f,s:f}]}", "customer",
                  "cus_<x>", "series", "day", "2026-01-01", "3A090.a", 10.0, "3A090.b", 0.0, "none",
                  1.5, "day", "2026-01-09", "3A090.a", 0.0, "3A090.b", 2.0, "none", 0.0, "day",
                  "2026-02-09", "3A090.a", 4.0, "3A090.b", 0.0, "none", 0.0);
    char *html = NULL;
    cr_assert_eq(xg_usage_entry_chart(&html, e), 0);
    /* 2026-01-01 .. 2026-02-09 is 40 days: 6 weeks */
    cr_assert(strstr(html, "data-chart=\"stacked-timeseries\" data-rows=\"6\"") != NULL, "%s",
              html);
    cr_assert(strstr(html, "cus_&lt;x&gt;: accelerator-hours per week, by class") != NULL);
    cr_assert(strstr(html, "<g class=\"row\" data-label=\"2026-01-01\" data-value=\"11.5\">"));
    cr_assert(strstr(html, "<g class=\"row\" data-label=\"2026-01-08\" data-value=\"2\">"));
    cr_assert(strstr(html, "<g class=\"row\" data-label=\"2026-02-05\" data-value=\"4\">"));
    cr_assert(strstr(html, "data-series=\"3A090.b\" data-value=\"2\""));
    free(html);
    json_decref(e);
    /* no usage: the caption and "none" */
    e = json_pack("{s:s,s:[]}", "customer", "cus_y", "series");
    cr_assert_eq(xg_usage_entry_chart(&html, e), 0);
    cr_assert(strstr(html, "<p class=\"none\">none</p>") != NULL, "%s", html);
    free(html);
    json_decref(e);
    cr_assert_eq(xg_usage_entry_chart(&html, NULL), XG_EINVAL);
}
