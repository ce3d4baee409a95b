/*
 * cmd_keys.c — `xgate keys create|list|revoke`: API keys for the HTTP service.
 * `create` prints the new key alone on its last line so scripts can take it with `tail -n1`;
 * the key is stored only hashed and is never shown again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/error.h"

#define DB_OPT                                                                                     \
    {                                                                                              \
        "db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"               \
    }

static const cli_opt create_opts[] = {
    DB_OPT,
    {"role", 'r', 0, "service|analyst|admin",
     "what the key may do: service (screen, classify, decide), analyst (also review), admin "
     "(also keys and reload)"},
    {"name", 'n', 0, "NAME", "a name for the key, shown in the access log and key list"},
    {0}};
static const cli_opt db_only[] = {DB_OPT, {0}};

static int run_create(int argc, char **argv);
static int run_list(int argc, char **argv);
static int run_revoke(int argc, char **argv);

static const cli_spec spec_create = {
    .name = "keys create",
    .summary = "Create an API key and print it once, alone on the last line.",
    .usage = (const char *const[]){"--role service|analyst|admin [--name NAME] [--db URL]", NULL},
    .description = "The key is stored only hashed and is never shown again; scripts take it with "
                   "`tail -n1`.",
    .opts = create_opts,
    .run = run_create,
};
static const cli_spec spec_list = {
    .name = "keys list",
    .summary = "List the API keys (ids, roles, names; never the keys).",
    .usage = (const char *const[]){"[--db URL]", NULL},
    .opts = db_only,
    .run = run_list,
};
static const cli_spec spec_revoke = {
    .name = "keys revoke",
    .summary = "Revoke an API key.",
    .usage = (const char *const[]){"KEY_ID [--db URL]", NULL},
    .opts = db_only,
    .run = run_revoke,
};

const cli_spec cli_spec_keys = {
    .name = "keys",
    .summary = "Create, list and revoke API keys for the HTTP service.",
    .subs = (const cli_spec *const[]){&spec_create, &spec_list, &spec_revoke, NULL},
};

typedef struct key_args {
    const char *db, *role, *name, *id;
} key_args;

/* Read the options and `nops` operands; returns -1 and opens the store, or an exit code. */
static int open_for(xg_store **s, key_args *a, const cli_spec *spec, int nops, int argc,
                    char **argv)
{
    cli_parser p;
    int c;
    cli_parser_init(&p, spec, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        if (c == 'd')
            a->db = p.arg;
        else if (c == 'r')
            a->role = p.arg;
        else if (c == 'n')
            a->name = p.arg;
        else
            return cli_exit_code(c);
    }
    if (spec == &spec_create && !a->role)
        return cli_fail(XG_EXIT_USAGE, "keys", 0, "create: --role is required");
    if (spec == &spec_revoke && p.noperands < 1)
        return cli_fail(XG_EXIT_USAGE, "keys", 0, "revoke: give the key id");
    if (p.noperands > nops)
        return cli_fail(XG_EXIT_USAGE, "keys", 0, "unexpected argument '%s'",
                        cli_operands(&p)[nops]);
    a->id = nops ? cli_operands(&p)[0] : NULL;
    int rc = store_cli_open(s, "keys", a->db);
    return rc ? rc : -1;
}

static int run_create(int argc, char **argv)
{
    key_args a = {0};
    xg_store *s;
    int rc = open_for(&s, &a, &spec_create, 0, argc, argv);
    if (rc >= 0) return rc;
    char *key;
    rc = XG_EXIT_OK;
    if (xg_store_key_create(&key, s, a.role, a.name)) {
        rc = cli_fail(XG_EXIT_INPUT, "keys", 1, "cannot create the key");
    } else {
        printf("created a %s key%s%s (shown once; stored only hashed):\n%s\n", a.role,
               a.name ? " named " : "", a.name ? a.name : "", key);
        free(key);
    }
    xg_store_close(s);
    return rc;
}

static int run_list(int argc, char **argv)
{
    key_args a = {0};
    xg_store *s;
    int rc = open_for(&s, &a, &spec_list, 0, argc, argv);
    if (rc >= 0) return rc;
    json_t *keys;
    rc = XG_EXIT_OK;
    if (xg_store_keys_list(&keys, s)) {
        rc = cli_fail(XG_EXIT_ERROR, "keys", 1, "cannot list keys");
    } else {
        store_cli_print(keys, 1);
        json_decref(keys);
    }
    xg_store_close(s);
    return rc;
}

static int run_revoke(int argc, char **argv)
{
    key_args a = {0};
    xg_store *s;
    int rc = open_for(&s, &a, &spec_revoke, 1, argc, argv);
    if (rc >= 0) return rc;
    rc = XG_EXIT_OK;
    if (xg_store_key_revoke(s, a.id))
        rc = cli_fail(XG_EXIT_INPUT, "keys", 1, "cannot revoke");
    else
        printf("revoked %s\n", a.id);
    xg_store_close(s);
    return rc;
}

int cmd_keys(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_keys, argc, argv);
}
