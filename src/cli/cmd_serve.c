/*
 * cmd_serve.c — `xgate serve`: run the HTTP API and the analyst console until SIGINT/SIGTERM.
 *
 * Signals are blocked before the server starts, so civetweb's threads inherit the mask and the
 * main thread alone takes them with sigwait: SIGINT/SIGTERM stop the server cleanly (requests in
 * flight finish), SIGHUP reloads the lists like POST /v1/lists/reload. The access log goes to
 * stderr; it names keys, never shows them.
 */
#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/serve_config.h"
#include "xgate/config.h"
#include "xgate/error.h"
#include "xgate/server.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LISTS 64
#define MAX_SOURCES 32

static const cli_opt serve_opts[] = {
    {"listen", 'L', 0, "ADDR:PORT",
     "civetweb listening port(s) (default 127.0.0.1:8080; 127.0.0.1:0 picks a free port)"},
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"},
    {"list", 'l', 0, "PATH",
     "list files to load (repeatable; default the bundled lists); reloaded on POST "
     "/v1/lists/reload or SIGHUP"},
    {"policy", 'p', 0, "NAME",
     "default policy profile for /v1/decide (ear, remote-access, provider)"},
    {"as-of", 'a', 0, "YYYY-MM-DD", "decide and screen as of this date (default today)"},
    {"web", 'w', 0, "DIR",
     "serve the console from DIR (default $XGATE_WEB, else web/ beside the data directory, else "
     "./web)"},
    {"threads", 't', 0, "N",
     "worker threads (default 64); each open keep-alive connection holds one"},
    {"read-connections", 'n', 0, "N",
     "the store's read connections for decisions, 0-256 (default 8; 0: every read on the writer "
     "connection)"},
    {"rate", 'r', 0, "N",
     "per-key token bucket: requests per second (default 200; -1 disables the limit)"},
    {"burst", 'b', 0, "N", "per-key token bucket size (default 400)"},
    {"max-body", 'm', 0, "BYTES",
     "the largest request body accepted; larger ones get 413 (default 1048576)"},
    {"port-file", 'P', 0, "FILE", "write the port listened on to FILE once the server is ready"},
    {"quiet", 'q', 0, NULL, "no access log"},
    {"config", 'c', 0, "FILE",
     "read settings from FILE (key = value; docs/install.md); flags override it"},
    {"check-config", 'C', 0, NULL,
     "check the configuration (--config FILE, default " XG_SERVE_DEFAULT_CONFIG ") and exit"},
    {"log-format", 'F', 0, "text|json", "text (default) or json: one JSON object per log line"},
    {"refresh", 'R', 0, "DURATION",
     "fetch the list feeds at start and then every DURATION (90s, 15m, 6h, 1d; off, the default) "
     "and swap in each new version that passes the checks"},
    {"sources", 'S', 0, "FILE",
     "the list feeds to fetch (default the bundled data/lists/sources.tsv; docs/lists.md)"},
    {"source", 's', 0, "NAME=URL[,URL...]",
     "fetch only this feed (repeatable; replaces the sources file)"},
    {"webhook", 'W', 0, "URL",
     "after each monitor run of --refresh or POST /v1/lists/update, POST each new alert to URL, "
     "signed (X-Xgate-Signature; docs/monitor.md)"},
    {"webhook-secret-file", 'K', 0, "FILE", "the HMAC-SHA256 secret for --webhook"},
    {"data-dir", 'D', 0, "DIR",
     "where list versions are kept, as for xgate lists update (default $XGATE_STATE_DIR, else "
     "./xgate-state)"},
    {0}};

static const char *const serve_usage[] = {"[options]", NULL};

const cli_spec cli_spec_serve = {
    .name = "serve",
    .summary = "Run the HTTP API and the analyst console until SIGINT or SIGTERM.",
    .usage = serve_usage,
    .description =
        "SIGINT and SIGTERM stop the server cleanly (requests in flight finish); "
        "SIGHUP reloads the lists like POST /v1/lists/reload. The lists are chosen as for "
        "screen: the --list files when given; else the list versions in force in the "
        "store (xgate lists update, POST /v1/lists/update, --refresh) in place of the "
        "bundled files of the same list; else the bundled lists. The access log goes to stderr; it "
        "names keys, never shows "
        "them.",
    .opts = serve_opts,
};

typedef struct serve_args {
    xg_server_opts o;
    const char *lists[MAX_LISTS];
    const char *specs[MAX_SOURCES];
    const char *port_file;
    const char *config, *log_format;
    int check_config;
    int refresh_set;
} serve_args;

static int parse_number(const char *flag, const char *v, double min, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (*end || d < min) return cli_fail(XG_EXIT_USAGE, "serve", 0, "%s needs a number", flag);
    *out = d;
    return 0;
}

static int parse_args(serve_args *a, int argc, char **argv)
{
    double d = 0;
    cli_parser p;
    int c;
    cli_parser_init(&p, &cli_spec_serve, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        const char *v = p.arg;
        switch (c) {
        case 'q':
            a->o.log = NULL;
            break;
        case 'c':
            a->config = v;
            break;
        case 'C':
            a->check_config = 1;
            break;
        case 'F':
            a->log_format = v;
            break;
        case 'L':
            a->o.listen = v;
            break;
        case 'd':
            a->o.db_url = v;
            break;
        case 'p':
            a->o.policy = v;
            break;
        case 'a':
            a->o.as_of = v;
            break;
        case 'w':
            a->o.web_dir = v;
            break;
        case 'P':
            a->port_file = v;
            break;
        case 'R':
            if (xg_config_duration(v, &a->o.refresh_seconds) != 0)
                return cli_fail(XG_EXIT_USAGE, "serve", 0,
                                "--refresh %s: expected a duration like 90s, 15m, 6h, 1d, or off",
                                v);
            a->refresh_set = 1;
            break;
        case 'S':
            a->o.sources_path = v;
            break;
        case 's':
            if (a->o.nsource_specs == MAX_SOURCES)
                return cli_fail(XG_EXIT_USAGE, "serve", 0, "at most %d --source", MAX_SOURCES);
            a->specs[a->o.nsource_specs++] = v;
            break;
        case 'D':
            a->o.state_dir = v;
            break;
        case 'W':
            a->o.webhook_url = v;
            break;
        case 'K':
            a->o.webhook_secret_file = v;
            break;
        case 'l':
            if (a->o.nlist_paths == MAX_LISTS)
                return cli_fail(XG_EXIT_USAGE, "serve", 0, "at most %d --list", MAX_LISTS);
            a->lists[a->o.nlist_paths++] = v;
            break;
        case 'n':
            if (parse_number("--read-connections", v, 0, &d)) return XG_EXIT_USAGE;
            if (d != (int)d || d > XG_SERVER_MAX_READERS)
                return cli_fail(XG_EXIT_USAGE, "serve", 0,
                                "--read-connections needs a whole number from 0 to %d",
                                XG_SERVER_MAX_READERS);
            a->o.read_connections = d ? (int)d : XG_SERVER_NO_READERS;
            break;
        case 't':
        case 'r':
        case 'b':
        case 'm':
            if (parse_number(c == 't'   ? "--threads"
                             : c == 'r' ? "--rate"
                             : c == 'b' ? "--burst"
                                        : "--max-body",
                             v, c == 'r' ? -1 : 1, &d))
                return XG_EXIT_USAGE;
            if (c == 't')
                a->o.threads = (int)d;
            else if (c == 'r')
                a->o.rate = d;
            else if (c == 'b')
                a->o.burst = d;
            else
                a->o.max_body = (size_t)d;
            break;
        default:
            return c == CLI_HELP ? -1 : XG_EXIT_USAGE;
        }
    }
    if (p.noperands)
        return cli_fail(XG_EXIT_USAGE, "serve", 0, "unexpected argument '%s'", cli_operands(&p)[0]);
    if (!a->o.webhook_url != !a->o.webhook_secret_file)
        return cli_fail(XG_EXIT_USAGE, "serve", 0,
                        "--webhook and --webhook-secret-file go together");
    a->o.list_paths = a->o.nlist_paths ? a->lists : NULL;
    a->o.source_specs = a->o.nsource_specs ? a->specs : NULL;
    return 0;
}

static void write_port_file(const char *path, int port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return;
    fprintf(f, "%d\n", port);
    fclose(f);
    rename(tmp, path); /* appears whole: readers never see a half-written number */
}

/* Wait for signals: HUP reloads, INT/TERM return. */
static void wait_for_signals(xg_server *srv, const sigset_t *set)
{
    for (;;) {
        int sig = 0;
        if (sigwait(set, &sig) != 0) continue;
        if (sig != SIGHUP) return;
        serve_notify("RELOADING=1", "reloading lists");
        if (xg_server_reload(srv, NULL) != 0)
            serve_notice("error", "reload failed: %s", xg_error_message());
        serve_notify("READY=1", "serving");
    }
}

int cmd_serve(int argc, char **argv)
{
    serve_args a;
    memset(&a, 0, sizeof a);
    a.o.log = serve_log;
    int rc = parse_args(&a, argc, argv);
    if (!rc)
        rc = serve_config_apply(&a.o, a.lists, MAX_LISTS, a.config, a.check_config, &a.log_format);
    if (!rc) rc = serve_config_feeds(&a.o, a.specs, MAX_SOURCES, a.refresh_set);
    if (!rc) rc = serve_log_format(a.log_format);
    if (rc) return rc < 0 ? XG_EXIT_OK : rc;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    xg_server *srv = NULL;
    if (xg_server_start(&srv, &a.o) != 0)
        return cli_fail(XG_EXIT_ERROR, "serve", 1, "cannot start");
    int port = xg_server_port(srv);
    const char *host = a.o.listen ? a.o.listen : XG_SERVER_DEFAULT_LISTEN;
    serve_notice("info", "listening on port %d (%s); console at http://127.0.0.1:%d/", port, host,
                 port);
    if (a.port_file) write_port_file(a.port_file, port);
    serve_notify("READY=1", "serving"); /* lists loaded, listener up */
    wait_for_signals(srv, &set);
    serve_notify("STOPPING=1", "stopping");
    serve_notice("info", "stopping");
    xg_server_stop(srv);
    return XG_EXIT_OK;
}
