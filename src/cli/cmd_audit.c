/*
 * cmd_audit.c — `xgate audit verify|head`: check the tamper-evident chain.
 *
 *   xgate audit verify [--db URL] [--json]   exit 0 when intact, 1 naming the first bad row
 *   xgate audit head [--db URL]              the last seq and hash, to keep somewhere else
 *
 * The head printed by `audit head` is what makes a rewrite of the whole database detectable: a
 * copy kept outside it (a ticket, a log, a second system) must match a later `verify`.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/core.h"
#include "xgate/error.h"

static int verify(xg_store *s, int json)
{
    double t0 = xg_clock_seconds();
    json_t *r;
    if (xg_store_audit_verify(&r, s)) return cli_fail(XG_EXIT_ERROR, "audit", 1, "cannot verify");
    double secs = xg_clock_seconds() - t0;
    json_object_set_new(r, "seconds", json_real(secs));
    int ok = json_is_true(json_object_get(r, "ok"));
    if (json) {
        store_cli_print(r, 1);
    } else if (ok) {
        printf("audit chain intact: %lld rows verified in %.3f s\n",
               (long long)json_integer_value(json_object_get(r, "rows")), secs);
    } else {
        const json_t *b = json_object_get(r, "first_bad");
        printf("audit chain BROKEN at seq %lld (%s%s%s): %s\n",
               (long long)json_integer_value(json_object_get(b, "seq")),
               json_string_value(json_object_get(b, "problem")),
               *json_string_value(json_object_get(b, "ref")) ? ", " : "",
               json_string_value(json_object_get(b, "ref")),
               json_string_value(json_object_get(b, "detail")));
    }
    json_decref(r);
    return ok ? XG_EXIT_OK : XG_EXIT_INPUT;
}

static const cli_opt verify_opts[] = {
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"},
    {"json", 'j', 0, NULL, "print the result as JSON"},
    {0}};
static const cli_opt head_opts[] = {
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"}, {0}};

static int run_verify(int argc, char **argv);
static int run_head(int argc, char **argv);

static const cli_spec spec_verify = {
    .name = "audit verify",
    .summary = "Verify the whole audit chain: exit 0 when intact, 1 naming the first bad row.",
    .usage = (const char *const[]){"[--db URL] [--json]", NULL},
    .opts = verify_opts,
    .run = run_verify,
};
static const cli_spec spec_head = {
    .name = "audit head",
    .summary = "Print the last sequence number and hash of the chain.",
    .usage = (const char *const[]){"[--db URL]", NULL},
    .description = "Keep the head somewhere else (a ticket, a log, a second system): a later "
                   "verify must match it, which makes a rewrite of the whole database "
                   "detectable.",
    .opts = head_opts,
    .run = run_head,
};

const cli_spec cli_spec_audit = {
    .name = "audit",
    .summary = "Verify the tamper-evident audit chain.",
    .subs = (const cli_spec *const[]){&spec_verify, &spec_head, NULL},
};

/* Read the options; returns -1 and opens the store, or an exit code. */
static int open_for(xg_store **s, int *json, const cli_spec *spec, int argc, char **argv)
{
    const char *db = NULL;
    cli_parser p;
    int c;
    cli_parser_init(&p, spec, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        if (c == 'd')
            db = p.arg;
        else if (c == 'j')
            *json = 1;
        else
            return cli_exit_code(c);
    }
    if (p.noperands) {
        cli_usage(spec, stderr);
        return cli_fail(XG_EXIT_USAGE, spec->name, 0, "unexpected argument '%s'",
                        cli_operands(&p)[0]);
    }
    int rc = store_cli_open_existing(s, "audit", db);
    return rc ? rc : -1;
}

static int run_verify(int argc, char **argv)
{
    xg_store *s;
    int json = 0, rc = open_for(&s, &json, &spec_verify, argc, argv);
    if (rc >= 0) return rc;
    rc = verify(s, json);
    xg_store_close(s);
    return rc;
}

static int run_head(int argc, char **argv)
{
    xg_store *s;
    int json = 0, rc = open_for(&s, &json, &spec_head, argc, argv);
    if (rc >= 0) return rc;
    json_t *h;
    if (xg_store_audit_head(&h, s)) {
        rc = cli_fail(XG_EXIT_ERROR, "audit", 1, "head");
    } else {
        rc = XG_EXIT_OK;
        store_cli_print(h, 1);
        json_decref(h);
    }
    xg_store_close(s);
    return rc;
}

int cmd_audit(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_audit, argc, argv);
}
