/*
 * cmd_licenses.c — `xgate licenses add|list`: licenses on file, which turn a LICENSE_REQUIRED
 * into ALLOW when they cover the party, the item (by name or ECCN) and the destination on the
 * decision's as-of date.
 *
 *   xgate licenses add [--db URL] --number N --party NAME --item ITEM [--item …]
 *                      --destination CC [--destination …] --from DATE [--to DATE] [--conditions T]
 *   xgate licenses add [--db URL] LICENSE.json|-
 *   xgate licenses list [--db URL]
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/store_cli.h"
#include "xgate/classify.h"
#include "xgate/country.h"
#include "xgate/error.h"

/* "3A090", "4A090.a", "3A090.a.1": an ECCN (a license may name items by ECCN). */
static bool is_eccn(const char *s)
{
    return strlen(s) >= 5 && s[0] >= '0' && s[0] <= '9' && s[1] >= 'A' && s[1] <= 'E' &&
           strspn(s + 2, "0123456789") == 3 && (!s[5] || s[5] == '.');
}

/* A license that names an item the catalog does not know, or a destination that is not a
 * country, would never cover a decision, and the analyst would believe it does: refuse both.
 * Items become catalog names ("H100" → "H100 SXM5 80GB"), destinations ISO-2 codes. */
static int normalise(json_t *lic)
{
    json_t *items = json_object_get(lic, "items"), *dests = json_object_get(lic, "destinations");
    size_t i;
    json_t *v;
    xg_catalog *cat = NULL;
    int rc = XG_EXIT_OK;
    json_array_foreach(items, i, v)
    {
        const char *name = json_string_value(v);
        if (!name || is_eccn(name)) continue;
        if (!cat && xg_catalog_load(&cat, NULL)) {
            rc = cli_fail(XG_EXIT_ERROR, "licenses", 1, "cannot load the catalog");
            break;
        }
        const xg_catalog_entry *e;
        if (xg_catalog_lookup(cat, name, &e)) {
            rc = cli_fail(XG_EXIT_INPUT, "licenses", 1, "license.items[%zu]", i);
            break;
        }
        json_array_set_new(items, i, json_string(e->name));
    }
    json_array_foreach(dests, i, v) if (!rc && json_is_string(v))
    {
        const char *cc = xg_country_code(json_string_value(v));
        if (!cc)
            rc = cli_fail(XG_EXIT_INPUT, "licenses", 0,
                          "license.destinations[%zu]: unknown country '%s'", i,
                          json_string_value(v));
        else
            json_array_set_new(dests, i, json_string(cc));
    }
    if (cat) xg_catalog_free(cat);
    return rc;
}

static int usage(FILE *f)
{
    fprintf(f, "usage: xgate licenses add [--db URL] --number N --party NAME --item ITEM ...\n"
               "                          --destination CC ... --from DATE [--to DATE]\n"
               "                          [--conditions TEXT]\n"
               "       xgate licenses add [--db URL] LICENSE.json|-\n"
               "       xgate licenses list [--db URL]\n");
    return f == stdout ? XG_EXIT_OK : XG_EXIT_USAGE;
}

int cmd_licenses(int argc, char **argv)
{
    const char *db = NULL;
    json_t *lic = json_object(), *items = json_array(), *dests = json_array();
    static const struct option lo[] = {{"db", required_argument, 0, 'd'},
                                       {"number", required_argument, 0, 'N'},
                                       {"party", required_argument, 0, 'P'},
                                       {"item", required_argument, 0, 'I'},
                                       {"destination", required_argument, 0, 'D'},
                                       {"from", required_argument, 0, 'F'},
                                       {"to", required_argument, 0, 'T'},
                                       {"conditions", required_argument, 0, 'C'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    int c, rc = XG_EXIT_OK;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1 && !rc) {
        const char *country;
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'N':
            json_object_set_new(lic, "number", json_string(optarg));
            break;
        case 'P':
            json_object_set_new(lic, "party", json_string(optarg));
            break;
        case 'I':
            json_array_append_new(items, json_string(optarg));
            break;
        case 'D':
            if (!(country = xg_country_code(optarg)))
                rc = cli_fail(XG_EXIT_USAGE, "licenses", 0, "--destination: unknown country '%s'",
                              optarg);
            else
                json_array_append_new(dests, json_string(country));
            break;
        case 'F':
            json_object_set_new(lic, "valid_from", json_string(optarg));
            break;
        case 'T':
            json_object_set_new(lic, "valid_to", json_string(optarg));
            break;
        case 'C':
            json_object_set_new(lic, "conditions", json_string(optarg));
            break;
        case 'h':
            json_decref(lic);
            json_decref(items);
            json_decref(dests);
            return usage(stdout);
        default:
            rc = usage(stderr);
        }
    }
    json_object_set_new(lic, "items", items);
    json_object_set_new(lic, "destinations", dests);
    const char *sub = optind < argc ? argv[optind] : NULL;
    if (!rc && (!sub || (strcmp(sub, "add") && strcmp(sub, "list"))))
        rc = sub ? cli_fail(XG_EXIT_USAGE, "licenses", 0, "unknown subcommand '%s'", sub)
                 : usage(stderr);
    if (!rc && !strcmp(sub, "add") && optind + 1 < argc) {
        json_decref(lic);
        rc = store_cli_read_json(&lic, "licenses", argv[optind + 1]);
        if (rc) lic = NULL;
    }
    xg_store *s = NULL;
    if (!rc) rc = store_cli_open(&s, "licenses", db);
    if (!rc && !strcmp(sub, "add")) rc = normalise(lic);
    if (!rc && !strcmp(sub, "add")) {
        if (xg_store_license_add(s, lic))
            rc = cli_fail(XG_EXIT_INPUT, "licenses", 1, "cannot add");
        else
            printf("%s\n", json_string_value(json_object_get(lic, "number")));
    } else if (!rc) {
        json_t *all;
        if (xg_store_licenses_list(&all, s))
            rc = cli_fail(XG_EXIT_ERROR, "licenses", 1, "list");
        else {
            store_cli_print(all, 1);
            json_decref(all);
        }
    }
    xg_store_close(s);
    json_decref(lic);
    return rc;
}
