/*
 * cmd_keys.c — `xgate keys create|list|revoke`: API keys for the HTTP service.
 * `create` prints the new key alone on its last line so scripts can take it with `tail -n1`;
 * the key is stored only hashed and is never shown again.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/store_cli.h"
#include "xgate/error.h"

static int usage(FILE *f)
{
    fprintf(f, "usage: xgate keys create --role service|analyst|admin [--name NAME] [--db URL]\n"
               "       xgate keys list [--db URL]\n"
               "       xgate keys revoke KEY_ID [--db URL]\n");
    return f == stdout ? XG_EXIT_OK : XG_EXIT_USAGE;
}

int cmd_keys(int argc, char **argv)
{
    const char *db = NULL, *role = NULL, *name = NULL;
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"role", required_argument, 0, 'r'},
                                         {"name", required_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'r')
            role = optarg;
        else if (c == 'n')
            name = optarg;
        else if (c == 'h')
            return usage(stdout);
        else
            return usage(stderr);
    }
    if (optind >= argc) return usage(stderr);
    const char *sub = argv[optind];
    if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "revoke"))
        return cli_fail(XG_EXIT_USAGE, "keys", 0, "unknown subcommand '%s'", sub);
    if (!strcmp(sub, "create") && !role)
        return cli_fail(XG_EXIT_USAGE, "keys", 0, "create: --role is required");
    if (!strcmp(sub, "revoke") && optind + 1 >= argc)
        return cli_fail(XG_EXIT_USAGE, "keys", 0, "revoke: give the key id");
    xg_store *s;
    int rc = store_cli_open(&s, "keys", db);
    if (rc) return rc;
    if (!strcmp(sub, "create")) {
        char *key;
        if (xg_store_key_create(&key, s, role, name))
            rc = cli_fail(XG_EXIT_INPUT, "keys", 1, "cannot create the key");
        else {
            printf("created a %s key%s%s (shown once; stored only hashed):\n%s\n", role,
                   name ? " named " : "", name ? name : "", key);
            free(key);
        }
    } else if (!strcmp(sub, "list")) {
        json_t *keys;
        if (xg_store_keys_list(&keys, s))
            rc = cli_fail(XG_EXIT_ERROR, "keys", 1, "cannot list keys");
        else {
            store_cli_print(keys, 1);
            json_decref(keys);
        }
    } else if (xg_store_key_revoke(s, argv[optind + 1])) {
        rc = cli_fail(XG_EXIT_INPUT, "keys", 1, "cannot revoke");
    } else {
        printf("revoked %s\n", argv[optind + 1]);
    }
    xg_store_close(s);
    return rc;
}
