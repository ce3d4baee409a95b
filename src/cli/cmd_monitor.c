/*
 * cmd_monitor.c — `xgate monitor run`: re-screen every stored party against what changed in the
 * lists since the last run, open alerts, close those whose entry left, deliver webhooks.
 *
 *   xgate monitor run [--db URL] [--list PATH]… [--full] [--threshold T] [--json]
 *                     [--webhook URL --webhook-secret-file F]
 *
 * Exit 0 whatever it found (the alerts are in the output); non-zero only when it could not run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/core.h"
#include "xgate/error.h"
#include "xgate/feeds.h"
#include "xgate/monitor.h"

#define MAX_LISTS 64
#define MAX_SECRET (64 * 1024)

static void progress(size_t done, size_t total, void *ctx)
{
    (void)ctx;
    int width = 40, fill = total ? (int)((double)done / (double)total * width) : width;
    fprintf(stderr, "\rmonitor [%.*s%*s] %zu/%zu entries", fill,
            "########################################", width - fill, "", done, total);
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
}

static void print_text(const json_t *r)
{
    const json_t *d = json_object_get(r, "delta");
    printf("monitor run %s: %lld entries in force; %lld added, %lld changed, %lld removed; "
           "%lld parties\n",
           json_string_value(json_object_get(r, "run_id")),
           (long long)json_integer_value(json_object_get(r, "entries_in_force")),
           (long long)json_integer_value(json_object_get(d, "added")),
           (long long)json_integer_value(json_object_get(d, "changed")),
           (long long)json_integer_value(json_object_get(d, "removed")),
           (long long)json_integer_value(json_object_get(r, "parties")));
    size_t i;
    json_t *a;
    const char *src;
    json_t *v;
    json_object_foreach(json_object_get(r, "list_versions"), src, v)
        printf("  list %s: version %s\n", src, json_string_value(json_object_get(v, "id")));
    const json_t *pf = json_object_get(r, "party_file");
    const char *pfs = json_string_value(json_object_get(pf, "status"));
    if (pfs && strcmp(pfs, "off")) {
        const char *why = json_string_value(json_object_get(pf, "reason"));
        printf("  party file: %s%s%s%s%s\n", pfs, why ? " (" : "", why ? why : "", why ? ")" : "",
               json_is_true(json_object_get(pf, "written")) && strcmp(pfs, "written")
                   ? ", rewritten"
                   : "");
    }
    json_array_foreach(json_object_get(r, "opened"), i, a)
    {
        const json_t *e = json_object_get(a, "entry");
        printf("ALERT %s  %.3f  %s  ~  %s [%s %s]\n", json_string_value(json_object_get(a, "id")),
               json_number_value(json_object_get(a, "score")),
               json_string_value(json_object_get(json_object_get(a, "party"), "name")),
               json_string_value(json_object_get(a, "matched")),
               json_string_value(json_object_get(e, "source_code")),
               json_string_value(json_object_get(e, "id")));
        const json_t *lv = json_object_get(a, "list_version");
        if (json_is_object(lv))
            printf("      list version %s\n", json_string_value(json_object_get(lv, "id")));
        if (!json_is_null(json_object_get(a, "earlier_clearance")))
            printf("      (earlier cleared: %s)\n",
                   json_string_value(
                       json_object_get(json_object_get(a, "earlier_clearance"), "reason")));
    }
    json_array_foreach(json_object_get(r, "closed"), i, a)
        printf("CLOSED %s  (entry removed from the lists)\n", json_string_value(a));
    printf("%zu new alerts, %zu closed, %lld cleared pairs kept quiet\n",
           json_array_size(json_object_get(r, "opened")),
           json_array_size(json_object_get(r, "closed")),
           (long long)json_integer_value(json_object_get(r, "suppressed")));
}

static int read_secret(char **out, size_t *len, const char *path)
{
    if (xg_file_read(out, len, path, MAX_SECRET))
        return cli_fail(XG_EXIT_INPUT, "monitor", 1, "--webhook-secret-file %s", path);
    while (*len && ((*out)[*len - 1] == '\n' || (*out)[*len - 1] == '\r'))
        (*out)[--*len] = '\0';
    if (!*len) {
        free(*out);
        return cli_fail(XG_EXIT_INPUT, "monitor", 0, "--webhook-secret-file %s is empty", path);
    }
    return 0;
}

typedef struct mopts {
    const char *db, *lists[MAX_LISTS], *webhook, *secret_file;
    size_t nlists, chunk;
    int full, json;
    double threshold;
} mopts;

static const cli_opt run_opts[] = {
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"},
    {"list", 'l', 0, "PATH",
     "screen against these list files (repeatable; default: the list versions in force in the "
     "store, else the bundled lists)"},
    {"full", 'F', 0, NULL, "re-screen against every entry, not only what changed"},
    {"threshold", 't', 0, "T", "alert at or above this score (0 to 1; default 0.80)"},
    {"json", 'j', 0, NULL, "print the run's report as JSON"},
    {"webhook", 'w', 0, "URL", "POST each new alert to URL, signed (X-Xgate-Signature)"},
    {"webhook-secret-file", 's', 0, "FILE", "the HMAC-SHA256 secret for --webhook"},
    {"chunk", 'c', 0, "N", "entries per transaction (default 2000)"},
    {0}};

static int run_run(int argc, char **argv);

static const cli_spec spec_run = {
    .name = "monitor run",
    .summary = "Re-screen every stored party against the list entries added or changed since the "
               "last run, open alerts, close those whose entry left the lists.",
    .usage = (const char *const[]){"[--db URL] [--list PATH]... [--full] [--threshold T] [--json] "
                                   "[--webhook URL --webhook-secret-file FILE] [--chunk N]",
                                   NULL},
    .description = "The stored parties are customers, owners, ultimate parents, resellers and the "
                   "parties of decisions in force. Exit 0 whatever it finds (the alerts are in the "
                   "output); non-zero only when it could not run. Work is committed every --chunk "
                   "entries, so a killed run is finished by the next. See docs/monitor.md.",
    .opts = run_opts,
    .run = run_run,
};

const cli_spec cli_spec_monitor = {
    .name = "monitor",
    .summary = "Watch the lists: re-screen stored parties against what changed, raise alerts.",
    .subs = (const cli_spec *const[]){&spec_run, NULL},
};

static int parse(mopts *o, int argc, char **argv)
{
    cli_parser p;
    int c;
    cli_parser_init(&p, &spec_run, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        char *end;
        const char *arg = p.arg;
        switch (c) {
        case 'd':
            o->db = arg;
            break;
        case 'l':
            if (o->nlists == MAX_LISTS)
                return cli_fail(XG_EXIT_USAGE, "monitor", 0, "too many --list");
            o->lists[o->nlists++] = arg;
            break;
        case 'F':
            o->full = 1;
            break;
        case 't':
            o->threshold = strtod(arg, &end);
            if (*end || end == arg || o->threshold < 0 || o->threshold > 1)
                return cli_fail(XG_EXIT_USAGE, "monitor", 0,
                                "--threshold '%s': expected a number in [0, 1]", arg);
            break;
        case 'j':
            o->json = 1;
            break;
        case 'c':
            o->chunk = (size_t)strtoul(arg, &end, 10);
            if (*end || end == arg || !o->chunk || o->chunk > 1000000)
                return cli_fail(XG_EXIT_USAGE, "monitor", 0,
                                "--chunk '%s': expected 1 to 1000000 entries", arg);
            break;
        case 'w':
            o->webhook = arg;
            break;
        case 's':
            o->secret_file = arg;
            break;
        default:
            return c == CLI_HELP ? -200 : cli_exit_code(c);
        }
    }
    if (p.noperands)
        return cli_fail(XG_EXIT_USAGE, "monitor", 0, "unexpected argument '%s'",
                        cli_operands(&p)[0]);
    if (!o->webhook != !o->secret_file)
        return cli_fail(XG_EXIT_USAGE, "monitor", 0,
                        "--webhook and --webhook-secret-file go together");
    if (o->webhook && strncmp(o->webhook, "http://", 7) && strncmp(o->webhook, "https://", 8))
        return cli_fail(XG_EXIT_USAGE, "monitor", 0, "--webhook '%s': expected an http(s) URL",
                        o->webhook);
    return 0;
}

static int deliver(xg_store *s, const mopts *o, json_t *report)
{
    char *secret;
    size_t len;
    int rc = read_secret(&secret, &len, o->secret_file);
    if (rc) return rc;
    json_t *w;
    if (xg_monitor_webhooks_deliver(&w, s, o->webhook, (const unsigned char *)secret, len, 0))
        rc = cli_fail(XG_EXIT_ERROR, "monitor", 1, "webhook deliveries");
    else
        json_object_set_new(report, "webhooks", w);
    free(secret);
    return rc;
}

static int run_run(int argc, char **argv)
{
    mopts o = {.threshold = -1};
    int rc = parse(&o, argc, argv);
    if (rc) return rc < -50 ? XG_EXIT_OK : rc;
    if (o.secret_file) { /* refuse a bad secret before doing any work */
        char *secret;
        size_t len;
        if ((rc = read_secret(&secret, &len, o.secret_file))) return rc;
        free(secret);
    }
    xg_text_ctx *text = NULL;
    xg_snapshot *snap = NULL;
    xg_store *s = NULL;
    xg_feed_lists lists = {0};
    if ((rc = store_cli_open(&s, "monitor", o.db))) return rc;
    if (xg_text_ctx_load(&text, NULL)) {
        rc = cli_fail(XG_EXIT_ERROR, "monitor", 1, "cannot load name data");
        goto done;
    }
    /* --list files win; else the versions in force in the store; else the bundled lists */
    if (xg_feed_lists_choose(&lists, s, o.lists, o.nlists)) {
        rc = cli_fail(XG_EXIT_INPUT, "monitor", 1, "cannot find the lists in force");
        goto done;
    }
    if (xg_snapshot_load(&snap, (const char *const *)lists.paths, lists.npaths, 0, text)) {
        rc = cli_fail(XG_EXIT_INPUT, "monitor", 1, "cannot load lists");
        goto done;
    }
    xg_monitor_opts mo = {.threshold = o.threshold,
                          .full = o.full,
                          .chunk = o.chunk,
                          .webhook_url = o.webhook,
                          .progress = cli_stderr_is_tty() ? progress : NULL,
                          .list_versions = lists.versions};
    json_t *report;
    if (xg_monitor_run(&report, s, snap, text, &mo)) {
        rc = cli_fail(XG_EXIT_ERROR, "monitor", 1, "run failed");
        goto done;
    }
    if (o.webhook) rc = deliver(s, &o, report);
    if (o.json)
        store_cli_print(report, 1);
    else
        print_text(report);
    json_decref(report);
done:
    xg_store_close(s);
    xg_snapshot_unref(snap);
    xg_feed_lists_free(&lists);
    if (text) xg_text_ctx_free(text);
    return rc;
}

int cmd_monitor(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_monitor, argc, argv);
}
