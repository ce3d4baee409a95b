/*
 * cmd_audit.c — `xgate audit verify|head`: check the tamper-evident chain.
 *
 *   xgate audit verify [--db URL] [--json]   exit 0 when intact, 1 naming the first bad row
 *   xgate audit head [--db URL]              the last seq and hash, to keep somewhere else
 *
 * The head printed by `audit head` is what makes a rewrite of the whole database detectable: a
 * copy kept outside it (a ticket, a log, a second system) must match a later `verify`.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/store_cli.h"
#include "xgate/core.h"
#include "xgate/error.h"

static int usage(FILE *f)
{
    fprintf(f, "usage: xgate audit verify [--db URL] [--json]\n"
               "       xgate audit head [--db URL]\n");
    return f == stdout ? XG_EXIT_OK : XG_EXIT_USAGE;
}

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

int cmd_audit(int argc, char **argv)
{
    const char *db = NULL;
    int json = 0, c;
    static const struct option lo[] = {{"db", required_argument, 0, 'd'},
                                       {"json", no_argument, 0, 'j'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'j')
            json = 1;
        else if (c == 'h')
            return usage(stdout);
        else
            return usage(stderr);
    }
    const char *sub = optind < argc ? argv[optind] : NULL;
    if (!sub || (strcmp(sub, "verify") && strcmp(sub, "head"))) return usage(stderr);
    xg_store *s;
    int rc = store_cli_open_existing(&s, "audit", db);
    if (rc) return rc;
    if (!strcmp(sub, "verify")) {
        rc = verify(s, json);
    } else {
        json_t *h;
        if (xg_store_audit_head(&h, s))
            rc = cli_fail(XG_EXIT_ERROR, "audit", 1, "head");
        else {
            store_cli_print(h, 1);
            json_decref(h);
        }
    }
    xg_store_close(s);
    return rc;
}
