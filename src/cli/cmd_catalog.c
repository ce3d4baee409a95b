/*
 * cmd_catalog.c — `xgate catalog list [--kind chip|system|instance|model] [--json]`: what the
 * classifier knows, one line (or one JSON object) per catalog entry, in catalog order, with the
 * aliases that name it. `xgate catalog version` prints the catalog's content hash.
 */
#include "cli/cli.h"
#include "cli/opts.h"
#include "xgate/classify.h"
#include "xgate/error.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int kind_of(const char *s, int *out)
{
    for (int k = XG_ITEM_CHIP; k <= XG_ITEM_MODEL; k++)
        if (!strcmp(s, xg_item_kind_name((xg_item_kind)k))) {
            *out = k;
            return 0;
        }
    return -1;
}

static void print_entry(const xg_catalog_entry *e, bool json)
{
    if (json) {
        json_t *o = json_pack("{s:s,s:s,s:s?}", "name", e->name, "kind", xg_item_kind_name(e->kind),
                              "vendor", e->vendor);
        json_t *al = json_array();
        for (size_t i = 0; i < e->naliases; i++)
            json_array_append_new(al, json_string(e->aliases[i]));
        json_object_set_new(o, "aliases", al);
        if (e->kind != XG_ITEM_MODEL)
            json_object_set_new(o, "datacenter", json_boolean(e->datacenter));
        if (e->component)
            json_object_set_new(
                o, "components",
                json_pack("[{s:s,s:i}]", "item", e->component, "count", (int)e->count));
        char *s = json_dumps(o, 0);
        if (s) puts(s);
        free(s);
        json_decref(o);
        return;
    }
    printf("%-9s %-28s %-10s", xg_item_kind_name(e->kind), e->name, e->vendor ? e->vendor : "-");
    if (e->component) printf(" %u × %s", e->count, e->component);
    if (e->naliases) {
        printf("  (");
        for (size_t i = 0; i < e->naliases; i++)
            printf("%s%s", i ? ", " : "", e->aliases[i]);
        printf(")");
    }
    printf("\n");
}

static const cli_opt list_opts[] = {
    {"kind", 'k', 0, "chip|system|instance|model", "only entries of this kind"},
    {"json", 'j', 'j', NULL, "one JSON object per entry (JSON lines)"},
    {0}};
static const cli_opt no_opts[] = {{0}};

static int run_list(int argc, char **argv);
static int run_version(int argc, char **argv);

static const cli_spec spec_list = {
    .name = "catalog list",
    .summary = "List what the classifier knows, one line (or JSON object) per catalog entry, in "
               "catalog order, with the aliases that name it.",
    .usage = (const char *const[]){"[--kind chip|system|instance|model] [--json]", NULL},
    .opts = list_opts,
    .run = run_list,
};
static const cli_spec spec_version = {
    .name = "catalog version",
    .summary = "Print the catalog's content hash.",
    .usage = (const char *const[]){"", NULL},
    .opts = no_opts,
    .run = run_version,
};

const cli_spec cli_spec_catalog = {
    .name = "catalog",
    .summary = "List the hardware and model catalog.",
    .subs = (const cli_spec *const[]){&spec_list, &spec_version, NULL},
};

static int run(const cli_spec *spec, int argc, char **argv)
{
    int kind = -1, ch;
    bool json = false;
    cli_parser p;
    cli_parser_init(&p, spec, argc, argv);
    while ((ch = cli_next(&p)) != CLI_END) {
        if (ch == 'k' && kind_of(p.arg, &kind) == 0) continue;
        if (ch == 'j') {
            json = true;
        } else if (ch == 'k') {
            fprintf(stderr, "xgate catalog: unknown kind \"%s\"\n", p.arg);
            cli_usage(&cli_spec_catalog, stderr);
            return XG_EXIT_USAGE;
        } else {
            return cli_exit_code(ch);
        }
    }
    if (p.noperands) {
        cli_usage(&cli_spec_catalog, stderr);
        return cli_fail(XG_EXIT_USAGE, "catalog", 0, "unexpected argument \"%s\"",
                        cli_operands(&p)[0]);
    }
    bool version = spec == &spec_version;
    xg_catalog *c;
    if (xg_catalog_load(&c, NULL)) return cli_fail(XG_EXIT_ERROR, "catalog", 1, "load");
    if (version) printf("%s\n", xg_catalog_version(c));
    for (size_t i = 0; !version && i < xg_catalog_size(c); i++) {
        const xg_catalog_entry *e = xg_catalog_entry_at(c, i);
        if (kind < 0 || (int)e->kind == kind) print_entry(e, json);
    }
    xg_catalog_free(c);
    return XG_EXIT_OK;
}

static int run_list(int argc, char **argv)
{
    return run(&spec_list, argc, argv);
}

static int run_version(int argc, char **argv)
{
    return run(&spec_version, argc, argv);
}

int cmd_catalog(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_catalog, argc, argv);
}
