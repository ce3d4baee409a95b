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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/store_cli.h"
#include "xgate/error.h"

static int usage(FILE *f)
{
    fprintf(f, "usage: xgate alerts list [--db URL] [--status open|cleared|closed|all] [--json]\n"
               "       xgate alerts resolve ALERT_ID --action clear|confirm --reason TEXT "
               "[--by NAME] [--db URL] [--json]\n");
    return f == stdout ? XG_EXIT_OK : XG_EXIT_USAGE;
}

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

int cmd_alerts(int argc, char **argv)
{
    const char *db = NULL, *status = "open", *action = NULL, *reason = NULL, *by = NULL;
    int json = 0, c;
    static const struct option lo[] = {
        {"db", required_argument, 0, 'd'},     {"status", required_argument, 0, 's'},
        {"action", required_argument, 0, 'a'}, {"reason", required_argument, 0, 'r'},
        {"by", required_argument, 0, 'b'},     {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 's')
            status = optarg;
        else if (c == 'a')
            action = optarg;
        else if (c == 'r')
            reason = optarg;
        else if (c == 'b')
            by = optarg;
        else if (c == 'j')
            json = 1;
        else if (c == 'h')
            return usage(stdout);
        else
            return usage(stderr);
    }
    const char *sub = optind < argc ? argv[optind] : NULL;
    if (!sub) return usage(stderr);
    if (!strcmp(sub, "list")) {
        if (strcmp(status, "open") && strcmp(status, "cleared") && strcmp(status, "closed") &&
            strcmp(status, "all"))
            return cli_fail(XG_EXIT_USAGE, "alerts", 0,
                            "--status '%s': expected open, cleared, closed or all", status);
    } else if (!strcmp(sub, "resolve")) {
        if (optind + 1 >= argc)
            return cli_fail(XG_EXIT_USAGE, "alerts", 0, "resolve: give the alert id");
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
    } else if ((rc = xg_store_alert_resolve(&out, s, argv[optind + 1], action, reason, by))) {
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
