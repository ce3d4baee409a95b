/*
 * cmd_monitor.c — `xgate monitor run`: re-screen every stored party against what changed in the
 * lists since the last run, open alerts, close those whose entry left, deliver webhooks.
 *
 *   xgate monitor run [--db URL] [--list PATH]… [--full] [--threshold T] [--json]
 *                     [--webhook URL --webhook-secret-file F]
 *
 * Exit 0 whatever it found (the alerts are in the output); non-zero only when it could not run.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/store_cli.h"
#include "core/core.h"
#include "xgate/error.h"
#include "xgate/monitor.h"

#define MAX_LISTS 64
#define MAX_SECRET (64 * 1024)

static int usage(FILE *f)
{
    fprintf(f, "usage: xgate monitor run [--db URL] [--list PATH]... [--full] [--threshold T]\n"
               "                         [--json] [--webhook URL --webhook-secret-file FILE]\n"
               "                         [--chunk N]\n\n"
               "Re-screens every stored party (customers, owners, ultimate parents, resellers,\n"
               "parties of decisions in force) against the list entries added or changed since\n"
               "the last run (--full: every entry). Without --list the bundled lists are used.\n"
               "Exits 0 whatever it finds; the alerts are in the output. Work is committed\n"
               "every --chunk entries (default 2000), so a killed run is finished by the next.\n");
    return f == stdout ? XG_EXIT_OK : XG_EXIT_USAGE;
}

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
    json_array_foreach(json_object_get(r, "opened"), i, a)
    {
        const json_t *e = json_object_get(a, "entry");
        printf("ALERT %s  %.3f  %s  ~  %s [%s %s]\n", json_string_value(json_object_get(a, "id")),
               json_number_value(json_object_get(a, "score")),
               json_string_value(json_object_get(json_object_get(a, "party"), "name")),
               json_string_value(json_object_get(a, "matched")),
               json_string_value(json_object_get(e, "source_code")),
               json_string_value(json_object_get(e, "id")));
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

static int parse(mopts *o, int argc, char **argv)
{
    static const struct option lo[] = {{"db", required_argument, 0, 'd'},
                                       {"list", required_argument, 0, 'l'},
                                       {"full", no_argument, 0, 'F'},
                                       {"threshold", required_argument, 0, 't'},
                                       {"json", no_argument, 0, 'j'},
                                       {"webhook", required_argument, 0, 'w'},
                                       {"webhook-secret-file", required_argument, 0, 's'},
                                       {"chunk", required_argument, 0, 'c'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'l':
            if (o->nlists == MAX_LISTS)
                return cli_fail(XG_EXIT_USAGE, "monitor", 0, "too many --list");
            o->lists[o->nlists++] = optarg;
            break;
        case 'F':
            o->full = 1;
            break;
        case 't':
            o->threshold = strtod(optarg, &end);
            if (*end || end == optarg || o->threshold < 0 || o->threshold > 1)
                return cli_fail(XG_EXIT_USAGE, "monitor", 0,
                                "--threshold '%s': expected a number in [0, 1]", optarg);
            break;
        case 'j':
            o->json = 1;
            break;
        case 'c':
            o->chunk = (size_t)strtoul(optarg, &end, 10);
            if (*end || end == optarg || !o->chunk || o->chunk > 1000000)
                return cli_fail(XG_EXIT_USAGE, "monitor", 0,
                                "--chunk '%s': expected 1 to 1000000 entries", optarg);
            break;
        case 'w':
            o->webhook = optarg;
            break;
        case 's':
            o->secret_file = optarg;
            break;
        case 'h':
            return -usage(stdout) - 100;
        default:
            return usage(stderr);
        }
    }
    if (optind >= argc) return usage(stderr);
    if (strcmp(argv[optind], "run"))
        return cli_fail(XG_EXIT_USAGE, "monitor", 0, "unknown subcommand '%s'", argv[optind]);
    if (optind + 1 < argc)
        return cli_fail(XG_EXIT_USAGE, "monitor", 0, "unexpected argument '%s'", argv[optind + 1]);
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

int cmd_monitor(int argc, char **argv)
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
    if (xg_text_ctx_load(&text, NULL))
        return cli_fail(XG_EXIT_ERROR, "monitor", 1, "cannot load name data");
    if (xg_snapshot_load(&snap, o.nlists ? o.lists : NULL, o.nlists, 0, text)) {
        xg_text_ctx_free(text);
        return cli_fail(XG_EXIT_INPUT, "monitor", 1, "cannot load lists");
    }
    if ((rc = store_cli_open(&s, "monitor", o.db))) goto done;
    xg_monitor_opts mo = {.threshold = o.threshold,
                          .full = o.full,
                          .chunk = o.chunk,
                          .webhook_url = o.webhook,
                          .progress = cli_stderr_is_tty() ? progress : NULL};
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
    xg_text_ctx_free(text);
    return rc;
}
