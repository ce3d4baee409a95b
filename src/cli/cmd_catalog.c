/*
 * cmd_catalog.c — `xgate catalog list [--kind chip|system|instance|model] [--json]`: what the
 * classifier knows, one line (or one JSON object) per catalog entry, in catalog order, with the
 * aliases that name it. `xgate catalog version` prints the catalog's content hash.
 */
#include "cli/cli.h"
#include "xgate/classify.h"
#include "xgate/error.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: xgate catalog list [--kind chip|system|instance|model] [--json]\n"
               "       xgate catalog version\n");
}

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

int cmd_catalog(int argc, char **argv)
{
    static const struct option lo[] = {{"kind", required_argument, 0, 'k'},
                                       {"json", no_argument, 0, 'j'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    int kind = -1, ch;
    bool json = false;
    optind = 1;
    if (argc < 2 || (strcmp(argv[1], "list") && strcmp(argv[1], "version"))) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            usage(stdout);
            return XG_EXIT_OK;
        }
        usage(stderr);
        return XG_EXIT_USAGE;
    }
    bool version = !strcmp(argv[1], "version");
    argc--, argv++;
    while ((ch = getopt_long(argc, argv, "hj", lo, NULL)) != -1) {
        if (ch == 'k' && kind_of(optarg, &kind) == 0) continue;
        if (ch == 'j')
            json = true;
        else if (ch == 'h') {
            usage(stdout);
            return XG_EXIT_OK;
        } else {
            if (ch == 'k') fprintf(stderr, "xgate catalog: unknown kind \"%s\"\n", optarg);
            usage(stderr);
            return XG_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return cli_fail(XG_EXIT_USAGE, "catalog", 0, "unexpected argument \"%s\"", argv[optind]);
    }
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
