/*
 * server.c — the server's life: take the options, load what requests need (state.c), start
 * civetweb with one catch-all handler (router.c), stop cleanly.
 */
#include "server/server_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "xgate/core.h"

static int on_log(const struct mg_connection *conn, const char *message)
{
    const struct mg_context *ctx = mg_get_context(conn);
    xg_server *s = ctx ? mg_get_user_data(ctx) : NULL;
    if (s) server_log(s, "civetweb: %s", message);
    return 1;
}

/* ---- life cycle ---- */

static bool is_dir(const char *p)
{
    return p && access(p, R_OK | X_OK) == 0;
}

/* The console directory: --web, $XGATE_WEB, beside the data directory, ./web. */
static char *find_web_dir(const char *given)
{
    if (given) return strdup(given);
    const char *env = getenv("XGATE_WEB");
    if (env && *env) return strdup(env);
    char cand[4096];
    snprintf(cand, sizeof cand, "%s/../web", xg_data_dir());
    char *real = realpath(cand, NULL);
    if (real && is_dir(real)) return real;
    free(real);
    return strdup("web");
}

static int copy_opts(xg_server *s, const xg_server_opts *o)
{
    s->opts = *o;
    xg_server_opts *d = &s->opts;
    snprintf(s->listen, sizeof s->listen, "%s", o->listen ? o->listen : XG_SERVER_DEFAULT_LISTEN);
    if (d->threads <= 0) d->threads = XG_SERVER_DEFAULT_THREADS;
    if (d->request_timeout_ms <= 0) d->request_timeout_ms = XG_SERVER_DEFAULT_TIMEOUT_MS;
    if (d->max_body == 0) d->max_body = XG_SERVER_DEFAULT_MAX_BODY;
    if (d->max_batch <= 0) d->max_batch = XG_SERVER_DEFAULT_MAX_BATCH;
    if (d->rate == 0) d->rate = XG_SERVER_DEFAULT_RATE;
    if (d->burst <= 0) d->burst = d->rate > 0 ? d->rate * 2 : XG_SERVER_DEFAULT_BURST;
    s->web_dir = find_web_dir(o->web_dir);
    s->policy = o->policy ? strdup(o->policy) : NULL;
    s->as_of = o->as_of ? strdup(o->as_of) : NULL;
    s->db_url = strdup(o->db_url ? o->db_url : "sqlite:./xgate.db");
    if (o->nlist_paths) {
        s->list_paths = calloc(o->nlist_paths, sizeof *s->list_paths);
        if (!s->list_paths) return xg_error_set(XG_ENOMEM, "out of memory");
        for (size_t i = 0; i < o->nlist_paths; i++)
            if (!(s->list_paths[i] = strdup(o->list_paths[i])))
                return xg_error_set(XG_ENOMEM, "out of memory");
        s->nlist_paths = o->nlist_paths;
    }
    d->listen = s->listen;
    d->web_dir = s->web_dir;
    d->policy = s->policy;
    d->as_of = s->as_of;
    d->db_url = s->db_url;
    return s->web_dir && s->db_url ? 0 : xg_error_set(XG_ENOMEM, "out of memory");
}

static int start_civetweb(xg_server *s)
{
    char threads[16], timeout[16];
    snprintf(threads, sizeof threads, "%d", s->opts.threads);
    snprintf(timeout, sizeof timeout, "%d", s->opts.request_timeout_ms);
    const char *options[] = {"listening_ports",
                             s->listen,
                             "num_threads",
                             threads,
                             "request_timeout_ms",
                             timeout,
                             "tcp_nodelay",
                             "1",
                             "enable_keep_alive",
                             "yes",
                             "keep_alive_timeout_ms",
                             "5000",
                             "decode_url",
                             "yes",
                             NULL};
    struct mg_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.log_message = on_log;
    struct mg_init_data init = {.callbacks = &cb, .user_data = s, .configuration_options = options};
    char err[256] = "";
    unsigned code = 0;
    struct mg_error_data ed = {.code = &code, .text = err, .text_buffer_size = sizeof err};
    s->ctx = mg_start2(&init, &ed);
    if (!s->ctx) return xg_error_set(XG_EIO, "cannot listen on %s: %s", s->listen, err);
    mg_set_request_handler(s->ctx, "/", router_on_request, s);
    return 0;
}

int xg_server_start(xg_server **out, const xg_server_opts *opts)
{
    xg_server_opts none = {0};
    xg_server *s = calloc(1, sizeof *s);
    if (!s) return xg_error_set(XG_ENOMEM, "out of memory");
    pthread_mutex_init(&s->snap_lock, NULL);
    pthread_mutex_init(&s->reload_lock, NULL);
    pthread_mutex_init(&s->feeds_lock, NULL);
    pthread_mutex_init(&s->update_lock, NULL);
    pthread_mutex_init(&s->refresh_mu, NULL);
    pthread_condattr_t ca; /* the refresher sleeps on the monotonic clock */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->refresh_cv, &ca);
    pthread_condattr_destroy(&ca);
    s->started = time(NULL);
    int rc = copy_opts(s, opts ? opts : &none);
    if (rc == 0) rc = auth_new(&s->auth, s->opts.rate, s->opts.burst);
    if (rc == 0) rc = server_state_load(s);
    if (rc == 0) {
        mg_init_library(0);
        rc = start_civetweb(s);
        if (rc != 0) mg_exit_library();
    }
    if (rc != 0) {
        server_state_free(s);
        return rc;
    }
    server_log(s, "listening on %s (%d threads), console from %s", s->listen, s->opts.threads,
               s->web_dir);
    *out = s;
    return 0;
}

int xg_server_port(const xg_server *s)
{
    struct mg_server_port ports[4];
    int n = s && s->ctx ? mg_get_server_ports(s->ctx, 4, ports) : 0;
    return n > 0 ? ports[0].port : -1;
}

void xg_server_stop(xg_server *s)
{
    if (!s) return;
    server_feeds_stop(s); /* the refresher first: an update in progress is cancelled */
    mg_stop(s->ctx);      /* returns when every worker has finished its request */
    mg_exit_library();
    server_state_free(s);
}
