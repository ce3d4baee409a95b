/*
 * cmd_classify.c — `xgate classify`: classify catalog items, an ad-hoc --spec, or every row of an
 * Epoch-format hardware table, as of a date. One JSON object per line with --json, a short
 * readable block per item otherwise. Unknown items are reported (with the nearest catalog names)
 * and make the exit code 1 once every known item has been printed.
 */
#include "cli/cli.h"
#include "cli/opts.h"
#include "xgate/core.h"
#include "xgate/classify.h"
#include "xgate/error.h"

#include <fnmatch.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_FLAGS (JSON_REAL_PRECISION(15))

typedef struct opts {
    const char *as_of, *spec, *import;
    bool json, ai_diffusion;
    xg_classify_opts copts;
    size_t counts[5]; /* a, b, c/other, outside, undetermined (import summary) */
    size_t row_errors;
} opts;

static const cli_opt classify_opts[] = {
    {"as-of", 'd', 0, "YYYY-MM-DD",
     "classify under the rules in force on this date (default today)"},
    {"json", 'j', 'j', NULL, "one JSON object per item (JSON lines)"},
    {"spec", 's', 0, "SPEC",
     "classify an ad-hoc chip instead of catalog items: comma-separated key=value figures, e.g. "
     "'fp8=1979,die=814,datacenter=yes[,sparse=yes][,dram_bw=3350]'"},
    {"import", 'i', 0, "FILE.csv",
     "classify every row of an Epoch-format hardware table; a summary by class goes to stderr"},
    {"ai-diffusion", 'a', 0, NULL,
     "apply the January 2025 AI Diffusion layer inside its window (off by default)"},
    {0}};

static const char *const classify_usage[] = {"[options] ITEM...", "--spec SPEC [options]",
                                             "--import FILE.csv [options]", NULL};

const cli_spec cli_spec_classify = {
    .name = "classify",
    .summary = "Classify chips, systems, cloud instances and model services under 3A090/4A090.",
    .usage = classify_usage,
    .description =
        "ITEM is a chip, system, cloud instance type or model service, matched against the "
        "catalog regardless of case, spacing and aliases; a pattern such as 'g4dn.*' expands to "
        "every matching catalog name. Give ITEMs, --spec or --import (one of).\n\n"
        "Unknown items are reported on stderr with the nearest catalog names, and make the exit "
        "code 1 once every known item has been printed.",
    .opts = classify_opts,
};

static void print_tpp(const char *label, double v)
{
    if (isnan(v)) {
        printf("  %s unknown", label);
        return;
    }
    double r = round(v * 10) / 10;
    if (r == trunc(r))
        printf("  %s %.0f", label, r);
    else
        printf("  %s %.1f (≈%.0f)", label, r, round(v));
}

static void print_human(const xg_classification *cl)
{
    json_t *j = cl->json;
    const char *vendor = json_string_value(json_object_get(j, "vendor"));
    printf("%s → %s [%s%s%s]\n", cl->item, cl->canonical ? cl->canonical : "-",
           xg_item_kind_name(cl->kind), vendor ? ", " : "", vendor ? vendor : "");
    if (cl->kind == XG_ITEM_MODEL) {
        printf("  provider %s; ownership rule: %s; unsupported regions:", cl->provider,
               cl->ownership_rule ? "yes (> 50 % owned by companies headquartered there)" : "no");
        for (size_t i = 0; i < cl->nunsupported_regions; i++)
            printf(" %s", cl->unsupported_regions[i]);
        printf("\n");
    } else {
        printf("  %s",
               cl->eccn ? cl->eccn : (cl->undetermined ? "undetermined" : "not 3A090/4A090"));
        if (cl->paragraph && cl->eccn && strcmp(cl->paragraph, cl->eccn))
            printf(" (%s)", cl->paragraph);
        const char *hbm = json_string_value(json_object_get(j, "hbm_bw_density"));
        if (hbm)
            printf("  memory bandwidth density %s GB/s/mm²", hbm);
        else
            print_tpp(cl->kind == XG_ITEM_CHIP ? "TPP" : "node TPP", cl->tpp);
        if (cl->pd > 0) printf("  PD %.2f", cl->pd);
        printf("  %s", cl->datacenter ? "datacenter" : "non-datacenter");
        if (cl->kind != XG_ITEM_CHIP) printf("  %u × %s", cl->count, cl->component);
        printf("\n");
        const char *basis = json_string_value(json_object_get(j, "tpp_basis"));
        if (basis) printf("  basis: %s\n", basis);
    }
    printf("  regime: %s (%s)\n", cl->regime, json_string_value(json_object_get(j, "regime_name")));
    for (size_t i = 0; i < cl->nexceptions; i++)
        printf("  exception: %s\n", cl->exceptions[i]);
    for (size_t i = 0; i < cl->noverlays; i++)
        printf("  overlay: %s\n", cl->overlays[i]);
    if (cl->kind != XG_ITEM_MODEL && !cl->nlicense)
        printf("  license: none required under 3A090/4A090\n");
    for (size_t i = 0; i < cl->nlicense; i++)
        printf("  license %-26s %s\n", cl->license[i].scope, cl->license[i].policy);
    json_t *notes = json_object_get(j, "notes"), *n;
    size_t i;
    json_array_foreach(notes, i, n) printf("  note: %s\n", json_string_value(n));
}

static void emit(const opts *o, const xg_classification *cl)
{
    if (o->json) {
        char *s = json_dumps(cl->json, JSON_FLAGS);
        if (s) puts(s);
        free(s);
    } else
        print_human(cl);
}

/* Expand a pattern over catalog names and aliases; returns how many matched. */
static size_t classify_pattern(opts *o, const xg_catalog *c, const char *pat, int *rc)
{
    size_t n = 0;
    for (size_t i = 0; i < xg_catalog_size(c); i++) {
        const xg_catalog_entry *e = xg_catalog_entry_at(c, i);
        bool hit = !fnmatch(pat, e->name, FNM_CASEFOLD);
        for (size_t a = 0; a < e->naliases && !hit; a++)
            hit = !fnmatch(pat, e->aliases[a], FNM_CASEFOLD);
        if (!hit) continue;
        xg_classification *cl;
        if (xg_classify_item_ex(&cl, c, e->name, o->as_of, &o->copts)) {
            *rc = cli_fail(XG_EXIT_ERROR, "classify", 1, "%s", e->name);
            continue;
        }
        emit(o, cl);
        xg_classification_free(cl);
        n++;
    }
    return n;
}

static int classify_items(opts *o, const xg_catalog *c, int n, char **items)
{
    int rc = XG_EXIT_OK;
    for (int i = 0; i < n; i++) {
        if (strpbrk(items[i], "*?[")) {
            if (!classify_pattern(o, c, items[i], &rc)) {
                fprintf(stderr, "xgate classify: unknown item \"%s\": no catalog name matches\n",
                        items[i]);
                rc = rc ? rc : XG_EXIT_INPUT;
            }
            continue;
        }
        xg_classification *cl;
        int e = xg_classify_item_ex(&cl, c, items[i], o->as_of, &o->copts);
        if (e == XG_ENOTFOUND) { /* unknown, empty or not UTF-8: bad input */
            fprintf(stderr, "xgate classify: %s\n", xg_error_message());
            rc = rc ? rc : XG_EXIT_INPUT;
            continue;
        }
        if (e) return cli_fail(XG_EXIT_ERROR, "classify", 1, "%s", items[i]);
        emit(o, cl);
        xg_classification_free(cl);
    }
    return rc;
}

static int import_row(void *ud, const xg_classification *cl, long line, const char *error)
{
    opts *o = ud;
    if (!cl) {
        fprintf(stderr, "xgate classify: %s line %ld: %s\n", o->import, line, error);
        o->row_errors++;
        return 0;
    }
    size_t k = cl->undetermined         ? 4
               : !cl->eccn              ? 3
               : strstr(cl->eccn, ".a") ? 0
               : strstr(cl->eccn, ".b") ? 1
                                        : 2;
    o->counts[k]++;
    emit(o, cl);
    return 0;
}

static int run_import(opts *o, const xg_catalog *c)
{
    size_t rows = 0;
    int e = xg_classify_import_csv(c, o->import, o->as_of, &o->copts, import_row, o, &rows);
    if (e) return cli_fail(e == XG_EIO ? XG_EXIT_INPUT : XG_EXIT_INPUT, "classify", 1, "import");
    fprintf(stderr,
            "xgate classify: %s: %zu rows: %zu .a, %zu .b, %zu other, %zu outside, %zu "
            "undetermined, %zu without figures\n",
            o->import, rows, o->counts[0], o->counts[1], o->counts[2], o->counts[3], o->counts[4],
            o->row_errors);
    return XG_EXIT_OK;
}

/* Returns -1 to go on with the operands left in p, or an exit code. */
static int parse(opts *o, cli_parser *p)
{
    int ch;
    while ((ch = cli_next(p)) != CLI_END) {
        switch (ch) {
        case 'd':
            o->as_of = p->arg;
            break;
        case 'j':
            o->json = true;
            break;
        case 's':
            o->spec = p->arg;
            break;
        case 'i':
            o->import = p->arg;
            break;
        case 'a':
            o->copts.ai_diffusion = true;
            break;
        default:
            return cli_exit_code(ch);
        }
    }
    return -1;
}

int cmd_classify(int argc, char **argv)
{
    opts o = {0};
    cli_parser p;
    cli_parser_init(&p, &cli_spec_classify, argc, argv);
    int rc = parse(&o, &p);
    if (rc >= 0) return rc;
    rc = XG_EXIT_OK;
    int nitems = p.noperands;
    if ((o.spec != NULL) + (o.import != NULL) + (nitems > 0) != 1) {
        cli_usage(&cli_spec_classify, stderr);
        return cli_fail(XG_EXIT_USAGE, "classify", 0, "give ITEMs, --spec or --import (one of)");
    }
    if (o.as_of && !xg_date_valid(o.as_of))
        return cli_fail(XG_EXIT_USAGE, "classify", 0, "--as-of \"%s\" is not YYYY-MM-DD", o.as_of);
    xg_catalog *c;
    if (xg_catalog_load(&c, NULL)) return cli_fail(XG_EXIT_ERROR, "classify", 1, "catalog");
    if (o.spec) {
        xg_classification *cl;
        if (xg_classify_spec_ex(&cl, c, o.spec, o.as_of, &o.copts))
            rc = cli_fail(XG_EXIT_USAGE, "classify", 1, "--spec");
        else {
            emit(&o, cl);
            xg_classification_free(cl);
        }
    } else if (o.import)
        rc = run_import(&o, c);
    else
        rc = classify_items(&o, c, nitems, cli_operands(&p));
    xg_catalog_free(c);
    return rc;
}
