/*
 * cmd_review.c — `xgate review list|resolve`: the analyst's queue of REVIEW decisions.
 *
 *   xgate review list [--db URL] [--all] [--json]
 *   xgate review resolve DECISION_ID --action clear|confirm --reason TEXT --by NAME [--db URL]
 *
 * Resolving never edits the decision: it records the analyst's outcome (clear → ALLOW,
 * confirm → DENY) as a new row chained into the audit log, and the decision leaves the queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/error.h"

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

#define DB_OPT                                                                                     \
    {                                                                                              \
        "db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"               \
    }

static const cli_opt list_opts[] = {
    DB_OPT,
    {"all", 'A', 0, NULL, "every REVIEW decision, resolved ones too (default: the open queue)"},
    {"json", 'j', 0, NULL, "print the page as JSON"},
    {0}};
static const cli_opt resolve_opts[] = {
    DB_OPT,
    {"action", 'a', 0, "clear|confirm",
     "clear (the decision becomes ALLOW) or confirm (it becomes DENY)"},
    {"reason", 'r', 0, "TEXT", "why, in the analyst's words (kept in the audit chain)"},
    {"by", 'b', 0, "NAME", "who resolves it"},
    {"json", 'j', 0, NULL, "print the resolution as JSON"},
    {0}};

static int run_list(int argc, char **argv);
static int run_resolve(int argc, char **argv);

static const cli_spec spec_list = {
    .name = "review list",
    .summary = "List the decisions waiting for review.",
    .usage = (const char *const[]){"[--db URL] [--all] [--json]", NULL},
    .opts = list_opts,
    .run = run_list,
};
static const cli_spec spec_resolve = {
    .name = "review resolve",
    .summary = "Resolve a decision waiting for review.",
    .usage = (const char *const[]){"DECISION_ID --action clear|confirm --reason TEXT --by NAME "
                                   "[--db URL] [--json]",
                                   NULL},
    .description = "Resolving never edits the decision: it records the analyst's outcome (clear "
                   "→ ALLOW, confirm → DENY) as a new row chained into the audit log, and the "
                   "decision leaves the queue.",
    .opts = resolve_opts,
    .run = run_resolve,
};

const cli_spec cli_spec_review = {
    .name = "review",
    .summary = "List and resolve decisions waiting for review.",
    .subs = (const cli_spec *const[]){&spec_list, &spec_resolve, NULL},
};

typedef struct review_args {
    const char *db, *action, *reason, *by;
    int all, json;
} review_args;

static int parse(review_args *a, cli_parser *p)
{
    int c;
    while ((c = cli_next(p)) != CLI_END) {
        if (c == 'd')
            a->db = p->arg;
        else if (c == 'a')
            a->action = p->arg;
        else if (c == 'r')
            a->reason = p->arg;
        else if (c == 'b')
            a->by = p->arg;
        else if (c == 'A')
            a->all = 1;
        else if (c == 'j')
            a->json = 1;
        else
            return cli_exit_code(c);
    }
    return -1;
}

static int run_list(int argc, char **argv)
{
    review_args a = {0};
    cli_parser p;
    cli_parser_init(&p, &spec_list, argc, argv);
    int rc = parse(&a, &p);
    if (rc >= 0) return rc;
    if (p.noperands)
        return cli_fail(XG_EXIT_USAGE, "review", 0, "list: unexpected argument '%s'",
                        cli_operands(&p)[0]);
    xg_store *s;
    if ((rc = store_cli_open_existing(&s, "review", a.db))) return rc;
    rc = list(s, a.all, a.json);
    xg_store_close(s);
    return rc;
}

static int run_resolve(int argc, char **argv)
{
    review_args a = {0};
    cli_parser p;
    cli_parser_init(&p, &spec_resolve, argc, argv);
    int rc = parse(&a, &p);
    if (rc >= 0) return rc;
    if (p.noperands != 1)
        return cli_fail(XG_EXIT_USAGE, "review", 0, "resolve: give the decision id");
    if (!a.action || !a.reason || !a.by)
        return cli_fail(XG_EXIT_USAGE, "review", 0, "resolve needs --action, --reason and --by");
    if (strcmp(a.action, "clear") && strcmp(a.action, "confirm"))
        return cli_fail(XG_EXIT_USAGE, "review", 0, "--action: '%s' (expected clear or confirm)",
                        a.action);
    const char *id = cli_operands(&p)[0];
    xg_store *s;
    if ((rc = store_cli_open_existing(&s, "review", a.db))) return rc;
    json_t *out;
    if (xg_store_review_resolve(&out, s, id, a.action, a.reason, a.by)) {
        rc = cli_fail(XG_EXIT_INPUT, "review", 1, "cannot resolve");
    } else {
        if (a.json)
            store_cli_print(out, 1);
        else
            printf("%s: %s → %s by %s (audit seq %lld)\n", id, a.action,
                   json_string_value(json_object_get(out, "outcome")), a.by,
                   (long long)json_integer_value(
                       json_object_get(json_object_get(out, "audit"), "seq")));
        json_decref(out);
    }
    xg_store_close(s);
    return rc;
}

int cmd_review(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_review, argc, argv);
}
