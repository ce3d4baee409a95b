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
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
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

#define DB_OPT                                                                                     \
    {                                                                                              \
        "db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"               \
    }

static const cli_opt add_opts[] = {
    DB_OPT,
    {"number", 'N', 0, "N", "the license number"},
    {"party", 'P', 0, "NAME", "the licensed party, as it appears in requests"},
    {"item", 'I', 0, "ITEM",
     "a covered item: a catalog name (H100 becomes H100 SXM5 80GB) or an ECCN such as 3A090 "
     "(repeatable); an item the catalog does not know is refused"},
    {"destination", 'D', 0, "CC", "a covered destination country (repeatable)"},
    {"from", 'F', 0, "YYYY-MM-DD", "first day of validity"},
    {"to", 'T', 0, "YYYY-MM-DD", "last day of validity (open-ended when absent)"},
    {"conditions", 'C', 0, "TEXT", "the license's conditions, as free text"},
    {0}};
static const cli_opt db_only[] = {DB_OPT, {0}};

static int run_add(int argc, char **argv);
static int run_list(int argc, char **argv);

static const cli_spec spec_add = {
    .name = "licenses add",
    .summary = "Put a license on file, from options or from a JSON object (a file or - for "
               "stdin), and print its number.",
    .usage = (const char *const[]){"[--db URL] --number N --party NAME --item ITEM... "
                                   "--destination CC... --from DATE [--to DATE] "
                                   "[--conditions TEXT]",
                                   "[--db URL] LICENSE.json|-", NULL},
    .description = "A license turns a LICENSE_REQUIRED into ALLOW when it covers the party, the "
                   "item (by name or ECCN) and the destination on the decision's as-of date.",
    .opts = add_opts,
    .run = run_add,
};
static const cli_spec spec_list = {
    .name = "licenses list",
    .summary = "Print every license on file (JSON).",
    .usage = (const char *const[]){"[--db URL]", NULL},
    .opts = db_only,
    .run = run_list,
};

const cli_spec cli_spec_licenses = {
    .name = "licenses",
    .summary = "Manage licenses on file.",
    .subs = (const cli_spec *const[]){&spec_add, &spec_list, NULL},
};

static int add_option(json_t *lic, json_t *items, json_t *dests, int c, const char *arg)
{
    const char *country;
    switch (c) {
    case 'N':
        json_object_set_new(lic, "number", json_string(arg));
        break;
    case 'P':
        json_object_set_new(lic, "party", json_string(arg));
        break;
    case 'I':
        json_array_append_new(items, json_string(arg));
        break;
    case 'D':
        if (!(country = xg_country_code(arg)))
            return cli_fail(XG_EXIT_USAGE, "licenses", 0, "--destination: unknown country '%s'",
                            arg);
        json_array_append_new(dests, json_string(country));
        break;
    case 'F':
        json_object_set_new(lic, "valid_from", json_string(arg));
        break;
    case 'T':
        json_object_set_new(lic, "valid_to", json_string(arg));
        break;
    case 'C':
        json_object_set_new(lic, "conditions", json_string(arg));
        break;
    }
    return XG_EXIT_OK;
}

static int store_license(const char *db, json_t *lic)
{
    xg_store *s = NULL;
    int rc = store_cli_open(&s, "licenses", db);
    if (!rc) rc = normalise(lic);
    if (!rc && xg_store_license_add(s, lic))
        rc = cli_fail(XG_EXIT_INPUT, "licenses", 1, "cannot add");
    else if (!rc)
        printf("%s\n", json_string_value(json_object_get(lic, "number")));
    xg_store_close(s);
    return rc;
}

static int run_add(int argc, char **argv)
{
    const char *db = NULL;
    json_t *lic = json_object(), *items = json_array(), *dests = json_array();
    json_object_set_new(lic, "items", items);
    json_object_set_new(lic, "destinations", dests);
    cli_parser p;
    int c, rc = XG_EXIT_OK;
    cli_parser_init(&p, &spec_add, argc, argv);
    while (!rc && (c = cli_next(&p)) != CLI_END) {
        if (c == 'd')
            db = p.arg;
        else if (c < 0)
            rc = cli_exit_code(c) ? cli_exit_code(c) : -1;
        else
            rc = add_option(lic, items, dests, c, p.arg);
    }
    if (!rc && p.noperands > 1) {
        cli_usage(&spec_add, stderr);
        rc = cli_fail(XG_EXIT_USAGE, "licenses", 0, "give one license file at most");
    }
    if (!rc && p.noperands == 1) {
        json_decref(lic);
        rc = store_cli_read_json(&lic, "licenses", cli_operands(&p)[0]);
        if (rc) lic = NULL;
    }
    if (!rc) rc = store_license(db, lic);
    json_decref(lic);
    return rc < 0 ? XG_EXIT_OK : rc;
}

static int run_list(int argc, char **argv)
{
    const char *db = NULL;
    cli_parser p;
    int c;
    cli_parser_init(&p, &spec_list, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        if (c != 'd') return cli_exit_code(c);
        db = p.arg;
    }
    if (p.noperands)
        return cli_fail(XG_EXIT_USAGE, "licenses", 0, "list: unexpected argument '%s'",
                        cli_operands(&p)[0]);
    xg_store *s = NULL;
    int rc = store_cli_open(&s, "licenses", db);
    json_t *all;
    if (!rc && xg_store_licenses_list(&all, s))
        rc = cli_fail(XG_EXIT_ERROR, "licenses", 1, "list");
    else if (!rc) {
        store_cli_print(all, 1);
        json_decref(all);
    }
    xg_store_close(s);
    return rc;
}

int cmd_licenses(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_licenses, argc, argv);
}
