/*
 * cmd_serve.c — `xgate serve`: run the HTTP API and the analyst console until SIGINT/SIGTERM.
 *
 * Signals are blocked before the server starts, so civetweb's threads inherit the mask and the
 * main thread alone takes them with sigwait: SIGINT/SIGTERM stop the server cleanly (requests in
 * flight finish), SIGHUP reloads the lists like POST /v1/lists/reload. The access log goes to
 * stderr; it names keys, never shows them.
 */
#include "cli/cli.h"
#include "cli/serve_config.h"
#include "xgate/error.h"
#include "xgate/server.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LISTS 64

static const char usage_text[] =
    "usage: xgate serve [--listen ADDR:PORT] [--db URL] [--list PATH …] [--policy NAME]\n"
    "                   [--as-of DATE] [--web DIR] [--threads N] [--rate N] [--burst N]\n"
    "                   [--max-body BYTES] [--port-file FILE] [--quiet]\n"
    "                   [--config FILE] [--check-config] [--log-format text|json]\n"
    "\n"
    "  --listen      civetweb listening port(s) (default 127.0.0.1:8080; 127.0.0.1:0 picks one)\n"
    "  --db          store URL (default sqlite:./xgate.db)\n"
    "  --list        list files to load (default: the bundled lists); reloaded on\n"
    "                POST /v1/lists/reload or SIGHUP\n"
    "  --policy      default policy profile for /v1/decide (ear, remote-access, provider)\n"
    "  --threads     worker threads (default 64); each open keep-alive connection holds one\n"
    "  --rate/--burst  per-key token bucket: requests per second and bucket size\n"
    "                (default 200/400; --rate -1 disables the limit)\n"
    "  --port-file   write the port listened on to FILE once the server is ready\n"
    "  --quiet       no access log\n"
    "  --config      read settings from FILE (key = value; docs/install.md); flags override it\n"
    "  --check-config  check the --config FILE (default " XG_SERVE_DEFAULT_CONFIG ") and exit\n"
    "  --log-format  text (default) or json: one JSON object per log line\n";

typedef struct serve_args {
    xg_server_opts o;
    const char *lists[MAX_LISTS];
    const char *port_file;
    const char *config, *log_format;
    int check_config;
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
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(f, "--help") || !strcmp(f, "-h")) {
            fputs(usage_text, stdout);
            return -1;
        }
        if (!strcmp(f, "--quiet")) {
            a->o.log = NULL;
            continue;
        }
        if (!strcmp(f, "--check-config")) {
            a->check_config = 1;
            continue;
        }
        if (!v) return cli_fail(XG_EXIT_USAGE, "serve", 0, "%s needs a value\n%s", f, usage_text);
        i++;
        if (!strcmp(f, "--listen"))
            a->o.listen = v;
        else if (!strcmp(f, "--db"))
            a->o.db_url = v;
        else if (!strcmp(f, "--policy"))
            a->o.policy = v;
        else if (!strcmp(f, "--as-of"))
            a->o.as_of = v;
        else if (!strcmp(f, "--web"))
            a->o.web_dir = v;
        else if (!strcmp(f, "--port-file"))
            a->port_file = v;
        else if (!strcmp(f, "--config"))
            a->config = v;
        else if (!strcmp(f, "--log-format"))
            a->log_format = v;
        else if (!strcmp(f, "--list")) {
            if (a->o.nlist_paths == MAX_LISTS)
                return cli_fail(XG_EXIT_USAGE, "serve", 0, "at most %d --list", MAX_LISTS);
            a->lists[a->o.nlist_paths++] = v;
        } else if (!strcmp(f, "--threads") || !strcmp(f, "--rate") || !strcmp(f, "--burst") ||
                   !strcmp(f, "--max-body")) {
            if (parse_number(f, v, !strcmp(f, "--rate") ? -1 : 1, &d)) return XG_EXIT_USAGE;
            if (f[2] == 't')
                a->o.threads = (int)d;
            else if (f[2] == 'r')
                a->o.rate = d;
            else if (f[2] == 'b')
                a->o.burst = d;
            else
                a->o.max_body = (size_t)d;
        } else {
            return cli_fail(XG_EXIT_USAGE, "serve", 0, "unknown option %s\n%s", f, usage_text);
        }
    }
    a->o.list_paths = a->o.nlist_paths ? a->lists : NULL;
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
