/*
 * cmd_usage.c — `xgate usage import|report|estimate`: compute accounting (issue 14).
 *
 *   xgate usage import [--db URL] [--accounts FILE] [--keep-good] [--json] FILE…
 *   xgate usage report [--db URL] [--from DATE] [--to DATE] [--customer ID]
 *                      [--util-low X] [--util-high Y] [--json | --html FILE | --csv]
 *   xgate usage estimate [--count N] [--hours H] ITEM
 *
 * Each import file is one transaction: a file with a bad line is rolled back whole (every bad
 * line is listed as file:line on stderr) unless --keep-good. A progress bar is drawn on stderr
 * when it is a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/error.h"
#include "xgate/usage.h"

#define MAX_PROBLEMS_SHOWN 50

typedef struct bar {
    const char *name;
    uint64_t size;
} bar;

static void progress(void *ud, uint64_t bytes)
{
    bar *b = ud;
    if (!b->size) return;
    int pct = (int)(bytes * 100 / b->size), filled = pct * 30 / 100;
    fprintf(stderr, "\r%-30.30s [%.*s%*s] %3d%%", b->name, filled, "##############################",
            30 - filled, "", pct > 100 ? 100 : pct);
    fflush(stderr);
}

static int import_one(xg_store *s, const xg_catalog *cat, const char *path,
                      const xg_usage_import_opts *base, int as_json)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) return cli_fail(XG_EXIT_INPUT, "usage", 0, "%s: cannot open", path);
    struct stat sb;
    bar b = {.name = path, .size = fstat(fileno(f), &sb) == 0 ? (uint64_t)sb.st_size : 0};
    xg_usage_import_opts o = *base;
    if (cli_stderr_is_tty()) {
        o.progress = progress;
        o.progress_ud = &b;
    }
    xg_usage_import_stats st;
    int rc = xg_usage_import_stream(&st, s, cat, f, path, &o);
    if (o.progress) fputc('\n', stderr);
    if (f != stdin) fclose(f);
    int code = XG_EXIT_OK;
    if (rc && rc != XG_EPARSE) {
        code = cli_fail(rc == XG_ESTORE ? XG_EXIT_ERROR : XG_EXIT_INPUT, "usage", 1, "import");
    } else {
        size_t i;
        json_t *p;
        json_array_foreach(st.problems, i, p)
        {
            if (i == MAX_PROBLEMS_SHOWN) {
                fprintf(stderr, "xgate usage: %s: … %ld bad lines in all\n", path,
                        xg_usage_import_bad(&st));
                break;
            }
            fprintf(stderr, "xgate usage: %s:%" JSON_INTEGER_FORMAT ": %s: %s\n", path,
                    json_integer_value(json_object_get(p, "line")),
                    json_string_value(json_object_get(p, "kind")),
                    json_string_value(json_object_get(p, "message")));
        }
        if (as_json) {
            json_t *j = xg_usage_import_stats_json(&st, path);
            json_object_set_new(j, "committed", json_boolean(!rc));
            store_cli_print(j, 0);
            json_decref(j);
        } else
            printf("%s: %ld rows, %ld added, %ld already stored, %ld not accelerator usage, %ld "
                   "bad (unknown items %ld, unknown customers %ld, negative %ld, overlapping %ld, "
                   "malformed %ld)%s\n",
                   path, st.rows, st.added, st.duplicates, st.not_accelerator,
                   xg_usage_import_bad(&st), st.unknown_items, st.unknown_customers, st.negative,
                   st.overlapping, st.malformed, rc ? "; nothing imported" : "");
        if (rc || xg_usage_import_bad(&st)) code = XG_EXIT_INPUT;
    }
    json_decref(st.problems);
    return code;
}

static int cmd_import(xg_store *s, int argc, char **argv, const char *accounts_path, int keep_good,
                      int as_json)
{
    xg_catalog *cat;
    if (xg_catalog_load(&cat, NULL)) return cli_fail(XG_EXIT_ERROR, "usage", 1, "catalog");
    xg_usage_accounts *acc = NULL;
    if (accounts_path && xg_usage_accounts_load(&acc, accounts_path)) {
        xg_catalog_free(cat);
        return cli_fail(XG_EXIT_INPUT, "usage", 1, "--accounts");
    }
    xg_usage_import_opts o = {.accounts = acc, .keep_good = keep_good};
    int code = XG_EXIT_OK;
    for (int i = 0; i < argc; i++) {
        int c = import_one(s, cat, argv[i], &o, as_json);
        if (c > code) code = c;
    }
    xg_usage_accounts_free(acc);
    xg_catalog_free(cat);
    return code;
}

static void print_text(const json_t *r)
{
    const char *lists[] = {"customers", "parents"};
    printf("%-24s %-8s %14s %12s %12s  %s\n", "customer", "foreign", "accel-hours", "ops low",
           "ops high", "thresholds crossed");
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(r, lists[l]), i, o)
        {
            printf("%s%-*s %-8s %14.6g %12.3e %12.3e  ", l ? "^" : "", l ? 23 : 24,
                   json_string_value(json_object_get(o, "customer")),
                   json_is_true(json_object_get(o, "foreign")) ? "yes" : "no",
                   json_number_value(
                       json_object_get(json_object_get(o, "accelerator_hours"), "total")),
                   json_number_value(json_object_get(o, "ops_low")),
                   json_number_value(json_object_get(o, "ops_high")));
            size_t k;
            json_t *t;
            json_array_foreach(json_object_get(o, "thresholds_crossed"), k, t)
                printf("%s%s", k ? ", " : "", json_string_value(json_object_get(t, "key")));
            printf("%s\n", json_array_size(json_object_get(o, "thresholds_crossed")) ? "" : "-");
        }
    }
    printf("(^ ultimate parent: its subsidiaries together)\n");
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return cli_fail(XG_EXIT_ERROR, "usage", 0, "%s: cannot write", path);
    fputs(text, f);
    if (fclose(f)) return cli_fail(XG_EXIT_ERROR, "usage", 0, "%s: write failed", path);
    return XG_EXIT_OK;
}

static int parse_util(double *out, const char *s, const char *what)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v > 0) || v > 1)
        return cli_fail(XG_EXIT_USAGE, "usage", 0, "%s '%s': expected a number in (0, 1]", what, s);
    *out = v;
    return 0;
}

typedef struct report_args {
    const char *from, *to, *customer, *html, *util_low, *util_high;
    int json, csv;
} report_args;

static int cmd_report(xg_store *s, const report_args *a)
{
    xg_usage_config *cfg;
    if (xg_usage_config_load(&cfg, NULL)) return cli_fail(XG_EXIT_ERROR, "usage", 1, "config");
    int rc = 0;
    if (a->util_low) rc = parse_util(&cfg->util_low, a->util_low, "--util-low");
    if (!rc && a->util_high) rc = parse_util(&cfg->util_high, a->util_high, "--util-high");
    if (!rc && cfg->util_low > cfg->util_high)
        rc = cli_fail(XG_EXIT_USAGE, "usage", 0, "--util-low is above --util-high");
    json_t *r = NULL;
    xg_usage_report_opts o = {.from = a->from, .to = a->to, .customer = a->customer};
    if (!rc && (rc = xg_usage_report(&r, s, cfg, &o)))
        rc = cli_fail(rc == XG_ESTORE ? XG_EXIT_ERROR : XG_EXIT_INPUT, "usage", 1, "report");
    xg_usage_config_free(cfg);
    if (rc) return rc;
    char *text = NULL;
    if (a->json) {
        /* one array, one object (customer or parent) per line */
        const char *lists[] = {"customers", "parents"};
        int n = 0;
        fputs("[", stdout);
        for (int l = 0; l < 2; l++) {
            size_t i;
            json_t *e;
            json_array_foreach(json_object_get(r, lists[l]), i, e)
            {
                char *line = json_dumps(e, JSON_COMPACT);
                printf("%s\n%s", n++ ? "," : "", line ? line : "null");
                free(line);
            }
        }
        fputs("\n]\n", stdout);
    } else if (a->csv) {
        if (!xg_usage_report_csv(&text, r)) fputs(text, stdout);
    } else if (a->html) {
        if (xg_usage_report_html(&text, r))
            rc = cli_fail(XG_EXIT_ERROR, "usage", 1, "html");
        else
            rc = write_file(a->html, text);
    } else
        print_text(r);
    free(text);
    json_decref(r);
    return rc;
}

static int cmd_estimate(const char *item, const char *count, const char *hours)
{
    double n = count ? strtod(count, NULL) : 1, h = hours ? strtod(hours, NULL) : 1;
    xg_catalog *cat;
    if (xg_catalog_load(&cat, NULL)) return cli_fail(XG_EXIT_ERROR, "usage", 1, "catalog");
    xg_usage_config *cfg;
    if (xg_usage_config_load(&cfg, NULL)) {
        xg_catalog_free(cat);
        return cli_fail(XG_EXIT_ERROR, "usage", 1, "config");
    }
    xg_usage_estimate e;
    int rc = XG_EXIT_OK;
    if (xg_usage_estimate_item(&e, cat, item, n, h))
        rc = cli_fail(XG_EXIT_INPUT, "usage", 1, "estimate");
    else {
        json_t *j = json_pack("{s:s,s:s,s:f,s:f,s:f,s:f,s:f,s:f}", "item", e.canonical,
                              "eccn_class", e.eccn_class, "accelerators", e.accelerators,
                              "peak_ops_per_s", e.peak_ops_per_s, "accelerator_hours",
                              e.accel_hours, "peak_ops", e.peak_ops, "ops_low",
                              e.peak_ops * cfg->util_low, "ops_high", e.peak_ops * cfg->util_high);
        store_cli_print(j, 1);
        json_decref(j);
    }
    xg_usage_config_free(cfg);
    xg_catalog_free(cat);
    return rc;
}

#define DB_OPT                                                                                     \
    {                                                                                              \
        "db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"               \
    }

static const cli_opt import_opts[] = {
    DB_OPT,
    {"accounts", 'a', 0, "FILE",
     "map cloud account ids to customers (CSV account,customer), for AWS CUR files"},
    {"keep-good", 'k', 0, NULL,
     "store the good rows of a file that has bad ones (default: the whole file is rolled back)"},
    {"json", 'j', 0, NULL, "print the import summary as JSON"},
    {0}};
static const cli_opt report_opts[] = {
    DB_OPT,
    {"from", 'f', 0, "DATE", "usage from this date (YYYY-MM-DD)"},
    {"to", 't', 0, "DATE", "usage up to this date (YYYY-MM-DD)"},
    {"customer", 'u', 0, "ID", "only this customer (stored id or name)"},
    {"util-low", 'l', 0, "X", "low utilisation for the estimate (default from data/policy)"},
    {"util-high", 'g', 0, "Y", "high utilisation for the estimate (default from data/policy)"},
    {"json", 'j', 0, NULL, "print JSON, one object per customer"},
    {"csv", 'c', 0, NULL, "print CSV"},
    {"html", 'H', 0, "FILE", "write an HTML report with charts to FILE"},
    {0}};
static const cli_opt estimate_opts[] = {{"count", 'n', 0, "N", "how many of the item (default 1)"},
                                        {"hours", 'o', 0, "H", "for how many hours (default 1)"},
                                        {0}};

typedef struct usage_args {
    const char *db, *accounts, *count, *hours;
    report_args ra;
    int keep_good, noperands;
    char **operands;
} usage_args;

/* Read a subcommand's options; returns -1 to go on, or an exit code. */
static int parse_usage(usage_args *u, const cli_spec *spec, int argc, char **argv)
{
    cli_parser p;
    int c;
    cli_parser_init(&p, spec, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        switch (c) {
        case 'd':
            u->db = p.arg;
            break;
        case 'a':
            u->accounts = p.arg;
            break;
        case 'k':
            u->keep_good = 1;
            break;
        case 'j':
            u->ra.json = 1;
            break;
        case 'c':
            u->ra.csv = 1;
            break;
        case 'H':
            u->ra.html = p.arg;
            break;
        case 'f':
            u->ra.from = p.arg;
            break;
        case 't':
            u->ra.to = p.arg;
            break;
        case 'u':
            u->ra.customer = p.arg;
            break;
        case 'l':
            u->ra.util_low = p.arg;
            break;
        case 'g':
            u->ra.util_high = p.arg;
            break;
        case 'n':
            u->count = p.arg;
            break;
        case 'o':
            u->hours = p.arg;
            break;
        default:
            return cli_exit_code(c);
        }
    }
    u->noperands = p.noperands;
    u->operands = cli_operands(&p);
    return -1;
}

static int run_import(int argc, char **argv);
static int run_report(int argc, char **argv);
static int run_estimate(int argc, char **argv);

static const cli_spec spec_import = {
    .name = "usage import",
    .summary = "Import billing usage rows: xgate CSV/JSONL (customer,item,count,start,end|hours"
               "[,region,account]) or an AWS Cost and Usage Report 2.0 export with --accounts.",
    .usage =
        (const char *const[]){"[--db URL] [--accounts FILE] [--keep-good] [--json] FILE...", NULL},
    .description = "Each file is one transaction: a file with a bad line is rolled back whole "
                   "(every bad line is listed as file:line on stderr) unless --keep-good. Rows are "
                   "keyed by their content, so importing a file again adds nothing. A progress bar "
                   "is drawn on stderr when it is a terminal. See docs/usage.md.",
    .opts = import_opts,
    .run = run_import,
};
static const cli_spec spec_report = {
    .name = "usage report",
    .summary = "Report accelerator-hours and estimated operations per customer and per ultimate "
               "parent, with the compute thresholds crossed.",
    .usage = (const char *const[]){"[--db URL] [--from DATE] [--to DATE] [--customer ID] "
                                   "[--util-low X] [--util-high Y] [--json | --html FILE | --csv]",
                                   NULL},
    .opts = report_opts,
    .run = run_report,
};
static const cli_spec spec_estimate = {
    .name = "usage estimate",
    .summary = "Estimate the operations COUNT of ITEM (a chip or an instance type) could run in "
               "HOURS.",
    .usage = (const char *const[]){"[--count N] [--hours H] ITEM", NULL},
    .opts = estimate_opts,
    .run = run_estimate,
};

static int run_import(int argc, char **argv)
{
    usage_args u = {0};
    int rc = parse_usage(&u, &spec_import, argc, argv);
    if (rc >= 0) return rc;
    if (!u.noperands) {
        cli_usage(&spec_import, stderr);
        return cli_fail(XG_EXIT_USAGE, "usage import", 0, "give one or more files");
    }
    xg_store *s;
    if ((rc = store_cli_open(&s, "usage", u.db))) return rc;
    rc = cmd_import(s, u.noperands, u.operands, u.accounts, u.keep_good, u.ra.json);
    xg_store_close(s);
    return rc;
}

static int run_report(int argc, char **argv)
{
    usage_args u = {0};
    int rc = parse_usage(&u, &spec_report, argc, argv);
    if (rc >= 0) return rc;
    if (u.noperands || u.ra.json + u.ra.csv + !!u.ra.html > 1) {
        cli_usage(&spec_report, stderr);
        return cli_fail(XG_EXIT_USAGE, "usage report", 0, "%s",
                        u.noperands ? "takes no operands" : "give one of --json, --csv, --html");
    }
    xg_store *s;
    if ((rc = store_cli_open(&s, "usage", u.db))) return rc;
    rc = cmd_report(s, &u.ra);
    xg_store_close(s);
    return rc;
}

static int run_estimate(int argc, char **argv)
{
    usage_args u = {0};
    int rc = parse_usage(&u, &spec_estimate, argc, argv);
    if (rc >= 0) return rc;
    if (u.noperands != 1) {
        cli_usage(&spec_estimate, stderr);
        return cli_fail(XG_EXIT_USAGE, "usage estimate", 0, "give one item");
    }
    return cmd_estimate(u.operands[0], u.count, u.hours);
}

const cli_spec cli_spec_usage = {
    .name = "usage",
    .summary = "Compute accounting: import billing usage and report how much training compute "
               "each customer and its owners could have run.",
    .subs = (const cli_spec *const[]){&spec_import, &spec_report, &spec_estimate, NULL},
};

int cmd_usage(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_usage, argc, argv);
}
