/*
 * cmd_review.c — `xgate review list|resolve`: the analyst's queue of REVIEW decisions.
 *
 *   xgate review list [--db URL] [--all] [--json]
 *   xgate review resolve DECISION_ID --action clear|confirm --reason TEXT --by NAME [--db URL]
 *
 * Resolving never edits the decision: it records the analyst's outcome (clear → ALLOW,
 * confirm → DENY) as a new row chained into the audit log, and the decision leaves the queue.
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
    fprintf(f, "usage: xgate review list [--db URL] [--all] [--json]\n"
               "       xgate review resolve DECISION_ID --action clear|confirm --reason TEXT "
               "--by NAME [--db URL]\n");
    return f == stdout ? XG_EXIT_OK : XG_EXIT_USAGE;
}

static int list(xg_store *s, int all, int json)
{
    json_t *page;
    if (xg_store_decisions_list(&page, s, all ? "REVIEW" : NULL, all ? NULL : "open", 1000, NULL))
        return cli_fail(XG_EXIT_ERROR, "review", 1, "list");
    if (json) {
        store_cli_print(page, 1);
    } else {
        size_t i;
        json_t *d;
        json_t *arr = json_object_get(page, "decisions");
        if (!json_array_size(arr)) printf("no decisions waiting for review\n");
        json_array_foreach(arr, i, d)
            printf("%s  %s  %-9s %s  (%s, as of %s)\n",
                   json_string_value(json_object_get(d, "decision_id")),
                   json_string_value(json_object_get(d, "created")),
                   json_is_string(json_object_get(d, "review_status"))
                       ? json_string_value(json_object_get(d, "review_status"))
                       : "-",
                   json_string_value(json_object_get(d, "customer")),
                   json_string_value(json_object_get(d, "policy")),
                   json_string_value(json_object_get(d, "as_of")));
    }
    json_decref(page);
    return XG_EXIT_OK;
}

int cmd_review(int argc, char **argv)
{
    const char *db = NULL, *action = NULL, *reason = NULL, *by = NULL;
    int all = 0, json = 0, c;
    static const struct option lo[] = {
        {"db", required_argument, 0, 'd'},     {"action", required_argument, 0, 'a'},
        {"reason", required_argument, 0, 'r'}, {"by", required_argument, 0, 'b'},
        {"all", no_argument, 0, 'A'},          {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'a')
            action = optarg;
        else if (c == 'r')
            reason = optarg;
        else if (c == 'b')
            by = optarg;
        else if (c == 'A')
            all = 1;
        else if (c == 'j')
            json = 1;
        else if (c == 'h')
            return usage(stdout);
        else
            return usage(stderr);
    }
    const char *sub = optind < argc ? argv[optind] : NULL;
    if (!sub) return usage(stderr);
    if (strcmp(sub, "list") && strcmp(sub, "resolve"))
        return cli_fail(XG_EXIT_USAGE, "review", 0, "unknown subcommand '%s'", sub);
    if (!strcmp(sub, "resolve")) {
        if (optind + 1 >= argc)
            return cli_fail(XG_EXIT_USAGE, "review", 0, "resolve: give the decision id");
        if (!action || !reason || !by)
            return cli_fail(XG_EXIT_USAGE, "review", 0,
                            "resolve needs --action, --reason and --by");
        if (strcmp(action, "clear") && strcmp(action, "confirm"))
            return cli_fail(XG_EXIT_USAGE, "review", 0,
                            "--action: '%s' (expected clear or confirm)", action);
    }
    xg_store *s;
    int rc = store_cli_open_existing(&s, "review", db);
    if (rc) return rc;
    if (!strcmp(sub, "list")) {
        rc = list(s, all, json);
    } else {
        json_t *out;
        if (xg_store_review_resolve(&out, s, argv[optind + 1], action, reason, by))
            rc = cli_fail(XG_EXIT_INPUT, "review", 1, "cannot resolve");
        else {
            if (json)
                store_cli_print(out, 1);
            else
                printf("%s: %s → %s by %s (audit seq %lld)\n", argv[optind + 1], action,
                       json_string_value(json_object_get(out, "outcome")), by,
                       (long long)json_integer_value(
                           json_object_get(json_object_get(out, "audit"), "seq")));
            json_decref(out);
        }
    }
    xg_store_close(s);
    return rc;
}
