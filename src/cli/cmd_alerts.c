/*
 * cmd_alerts.c — `xgate alerts list|resolve`: the alerts monitor runs opened, and the analyst's
 * answer to each.
 *
 *   xgate alerts list [--db URL] [--status open|cleared|closed|all] [--json]
 *   xgate alerts resolve ALERT_ID --action clear|confirm --reason TEXT [--by NAME] [--db URL]
 *
 * Clearing records a clearance for the (party, entry) pair: later runs stay quiet about it until
 * the entry or the party's names or identifiers change. Confirming DENYs the affected
 * customers' decisions waiting for review. Both are chained into the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/error.h"

static void print_alert(const json_t *a)
{
    const json_t *e = json_object_get(a, "entry"), *p = json_object_get(a, "party");
    printf("%s  %-13s %.3f  %s  ~  %s [%s %s]\n", json_string_value(json_object_get(a, "id")),
           json_string_value(json_object_get(a, "status")),
           json_number_value(json_object_get(a, "score")),
           json_string_value(json_object_get(p, "name")),
           json_string_value(json_object_get(a, "matched")),
           json_string_value(json_object_get(e, "source_code")),
           json_string_value(json_object_get(e, "id")));
}

static const cli_opt list_opts[] = {
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"},
    {"status", 's', 0, "open|cleared|closed|all", "which alerts (default open)"},
    {"json", 'j', 0, NULL, "print JSON"},
    {0}};
static const cli_opt resolve_opts[] = {
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"},
    {"action", 'a', 0, "clear|confirm",
     "clear: a false match, quiet until the entry or the party changes; confirm: DENY the "
     "customer's decisions waiting for review"},
    {"reason", 'r', 0, "TEXT", "why (required, recorded in the audit chain)"},
    {"by", 'b', 0, "NAME", "the reviewer (default $USER)"},
    {"json", 'j', 0, NULL, "print JSON"},
    {0}};

static int alerts_main(int argc, char **argv);

static const cli_spec spec_list = {
    .name = "alerts list",
    .summary = "List the alerts monitor runs opened.",
    .usage = (const char *const[]){"[--db URL] [--status open|cleared|closed|all] [--json]", NULL},
    .opts = list_opts,
    .run = alerts_main,
};
static const cli_spec spec_resolve = {
    .name = "alerts resolve",
    .summary = "Clear or confirm an alert, with a reason.",
    .usage = (const char *const[]){"ALERT_ID --action clear|confirm --reason TEXT [--by NAME] "
                                   "[--db URL] [--json]",
                                   NULL},
    .description =
        "Clearing records a clearance for the (party, entry) pair: later runs stay "
        "quiet about it until the entry or the party's names or identifiers change. "
        "Confirming DENYs the affected customers' decisions waiting for review. Both are "
        "chained into the audit log.",
    .opts = resolve_opts,
    .run = alerts_main,
};

const cli_spec cli_spec_alerts = {
    .name = "alerts",
    .summary = "List and resolve the alerts of monitor runs.",
    .subs = (const cli_spec *const[]){&spec_list, &spec_resolve, NULL},
};

int cmd_alerts(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_alerts, argc, argv);
}

static int alerts_main(int argc, char **argv)
{
    const char *db = NULL, *status = "open", *action = NULL, *reason = NULL, *by = NULL;
    int json = 0, c;
    const char *sub = argv[0];
    const cli_spec *spec = !strcmp(sub, "list") ? &spec_list : &spec_resolve;
    cli_parser p;
    cli_parser_init(&p, spec, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        if (c == 'd')
            db = p.arg;
        else if (c == 's')
            status = p.arg;
        else if (c == 'a')
            action = p.arg;
        else if (c == 'r')
            reason = p.arg;
        else if (c == 'b')
            by = p.arg;
        else if (c == 'j')
            json = 1;
        else
            return cli_exit_code(c);
    }
    const char *alert_id = p.noperands ? cli_operands(&p)[0] : NULL;
    if (!strcmp(sub, "list")) {
        if (p.noperands) return cli_fail(XG_EXIT_USAGE, "alerts", 0, "list takes no operands");
        if (strcmp(status, "open") && strcmp(status, "cleared") && strcmp(status, "closed") &&
            strcmp(status, "all"))
            return cli_fail(XG_EXIT_USAGE, "alerts", 0,
                            "--status '%s': expected open, cleared, closed or all", status);
    } else if (!strcmp(sub, "resolve")) {
        if (p.noperands != 1)
            return cli_fail(XG_EXIT_USAGE, "alerts", 0, "resolve: give one alert id");
        if (!action || !reason || !*reason)
            return cli_fail(XG_EXIT_USAGE, "alerts", 0, "resolve needs --action and --reason");
        if (strcmp(action, "clear") && strcmp(action, "confirm"))
            return cli_fail(XG_EXIT_USAGE, "alerts", 0,
                            "--action: '%s' (expected clear or confirm)", action);
    } else {
        return cli_fail(XG_EXIT_USAGE, "alerts", 0, "unknown subcommand '%s'", sub);
    }
    if (!by) by = getenv("USER") ? getenv("USER") : "cli";
    xg_store *s;
    int rc = store_cli_open_existing(&s, "alerts", db);
    if (rc) return rc;
    json_t *out;
    if (!strcmp(sub, "list")) {
        if (xg_store_alerts_list(&out, s, status)) {
            rc = cli_fail(XG_EXIT_ERROR, "alerts", 1, "list");
        } else {
            if (json) {
                store_cli_print(out, 1);
            } else {
                size_t i;
                json_t *a;
                if (!json_array_size(out)) printf("no %s alerts\n", status);
                json_array_foreach(out, i, a) print_alert(a);
            }
            json_decref(out);
        }
    } else if ((rc = xg_store_alert_resolve(&out, s, alert_id, action, reason, by))) {
        rc = cli_fail(rc == XG_ESTORE ? XG_EXIT_ERROR : XG_EXIT_INPUT, "alerts", 1,
                      "cannot resolve");
    } else {
        if (json) {
            store_cli_print(out, 1);
        } else {
            print_alert(out);
            size_t i;
            json_t *d;
            json_array_foreach(json_object_get(out, "denied"), i, d)
                printf("  decision %s → DENY\n", json_string_value(d));
        }
        json_decref(out);
    }
    xg_store_close(s);
    return rc;
}
