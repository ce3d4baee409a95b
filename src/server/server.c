/*
 * server.c — the server's life: load what requests need, start civetweb, route each request
 * through method/role/rate checks to its handler, swap list snapshots, stop cleanly.
 *
 * One catch-all civetweb handler does the routing so that unknown paths, wrong methods, missing
 * keys and limits are answered the same JSON way everywhere, and so that every request passes
 * through one place that times it, counts it and logs it (without its key).
 *
 * The snapshot pointer is read and referenced under a mutex held for two instructions; building
 * a new snapshot happens outside it, in the thread that asked for the reload, so requests in
 * flight neither fail nor wait for a reload.
 */
#include "server/server_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/core.h"

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void server_log(xg_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void server_log(xg_server *s, const char *fmt, ...)
{
    if (!s->opts.log) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->opts.log(s->opts.log_user, line);
}

xg_snapshot *server_snapshot_get(xg_server *s)
{
    pthread_mutex_lock(&s->snap_lock);
    xg_snapshot *snap = s->snap;
    if (snap) xg_snapshot_ref(snap);
    pthread_mutex_unlock(&s->snap_lock);
    return snap;
}

json_t *server_lists_json(xg_server *s, xg_snapshot *snap)
{
    const xg_listset *ls = xg_snapshot_lists(snap);
    json_t *files = json_array(), *sources = json_array();
    for (size_t i = 0; ls && i < ls->nfiles; i++)
        json_array_append_new(files, json_pack("{s:s?, s:s?, s:I}", "path", ls->files[i].path,
                                               "format", ls->files[i].format, "records",
                                               (json_int_t)ls->files[i].records));
    for (size_t i = 0; ls && i < ls->nsources; i++)
        json_array_append_new(sources,
                              json_pack("{s:s?, s:s?, s:I}", "source_code",
                                        ls->sources[i].source_code, "source", ls->sources[i].source,
                                        "records", (json_int_t)ls->sources[i].records));
    time_t loaded = (time_t)atomic_load(&s->snap_loaded);
    char when[32];
    struct tm tm;
    gmtime_r(&loaded, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_pack("{s:s, s:I, s:s, s:I, s:o, s:o}", "hash", xg_snapshot_hash(snap), "records",
                     (json_int_t)(ls ? ls->nrecords : 0), "loaded_at", when, "age_seconds",
                     (json_int_t)(time(NULL) - loaded), "sources", sources, "files", files);
}

/* Build a snapshot on the loader thread. Every snapshot is built by that one thread so that its
 * memory comes from one malloc arena: glibc gives each thread its own arena, and snapshots built
 * on whichever worker took the reload request would leave a freed snapshot's worth of memory
 * stranded in up to 8 × cores arenas (measured: +37 MB per reload until every arena held one). */
typedef struct load_job {
    xg_server *srv;
    xg_snapshot *snap;
    char err[512];
} load_job;

static int load_on_loader(void *arg)
{
    load_job *j = arg;
    int rc = xg_snapshot_load(&j->snap, (const char *const *)j->srv->list_paths,
                              j->srv->nlist_paths, 0, j->srv->text);
    if (rc != 0) snprintf(j->err, sizeof j->err, "%s", xg_error_message());
    return rc;
}

static int build_snapshot(xg_server *s, xg_snapshot **out)
{
    load_job j = {.srv = s};
    int rc = pool_run(s->loader, load_on_loader, &j);
    if (rc != 0)
        return xg_error_set(rc, "%s", j.err); /* the message lives in the loader's thread */
    *out = j.snap;
    return 0;
}

int xg_server_reload(xg_server *s, json_t **info)
{
    if (pthread_mutex_trylock(&s->reload_lock) != 0)
        return xg_error_set(XG_EEXIST, "a list reload is already running");
    xg_snapshot *fresh = NULL;
    int rc = build_snapshot(s, &fresh);
    if (rc != 0) {
        atomic_fetch_add(&s->metrics.reloads_failed, 1);
        pthread_mutex_unlock(&s->reload_lock);
        return rc;
    }
    pthread_mutex_lock(&s->snap_lock);
    xg_snapshot *old = s->snap;
    s->snap = fresh;
    atomic_store(&s->snap_loaded, (int64_t)time(NULL));
    pthread_mutex_unlock(&s->snap_lock);
    if (old) xg_snapshot_unref(old); /* freed when the last request using it lets go */
    atomic_fetch_add(&s->metrics.reloads_ok, 1);
    if (info) *info = server_lists_json(s, fresh);
    server_log(s, "lists reloaded: %s", xg_snapshot_hash(fresh));
    pthread_mutex_unlock(&s->reload_lock);
    return 0;
}

/* ---- routing ---- */

typedef struct route_def {
    xg_route_id id;
    const char *get, *post; /* the role needed per method: NULL not allowed, "" public */
} route_def;

static xg_role need(const char *r)
{
    return r && *r ? role_parse(r) : ROLE_NONE;
}

/* Which route a path is, and its {id} part when it has one. */
static xg_route_id match_route(const char *path, const char **id)
{
    static const struct {
        const char *path;
        xg_route_id id;
    } exact[] = {
        {"/v1/screen", RT_SCREEN},
        {"/v1/screen/batch", RT_SCREEN_BATCH},
        {"/v1/classify", RT_CLASSIFY},
        {"/v1/decide", RT_DECIDE},
        {"/v1/decisions", RT_DECISIONS_LIST},
        {"/v1/customers", RT_CUSTOMERS},
        {"/v1/lists", RT_LISTS},
        {"/v1/lists/reload", RT_LISTS_RELOAD},
        {"/v1/audit/verify", RT_AUDIT_VERIFY},
        {"/v1/keys", RT_KEYS},
        {"/v1/alerts", RT_ALERTS},
        {"/healthz", RT_HEALTHZ},
        {"/metrics", RT_METRICS},
        {"/v1/openapi.json", RT_OPENAPI},
    };
    static const struct {
        const char *prefix;
        xg_route_id id;
    } prefixed[] = {
        {"/v1/decisions/", RT_DECISION_GET},
        {"/v1/reviews/", RT_REVIEW},
        {"/v1/customers/", RT_CUSTOMER_GET},
        {"/v1/alerts/", RT_ALERT},
    };
    *id = NULL;
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        if (!strcmp(path, exact[i].path)) return exact[i].id;
    for (size_t i = 0; i < sizeof prefixed / sizeof *prefixed; i++) {
        size_t n = strlen(prefixed[i].prefix);
        if (!strncmp(path, prefixed[i].prefix, n) && path[n] && !strchr(path + n, '/')) {
            *id = path + n;
            return prefixed[i].id;
        }
    }
    if (!strncmp(path, "/v1/", 4) || !strcmp(path, "/v1")) return RT_UNKNOWN;
    return RT_CONSOLE;
}

/* Methods and roles per route; the table is the access policy in one place. */
static const route_def routes[RT_COUNT] = {
    [RT_SCREEN] = {RT_SCREEN, NULL, "service"},
    [RT_SCREEN_BATCH] = {RT_SCREEN_BATCH, NULL, "service"},
    [RT_CLASSIFY] = {RT_CLASSIFY, NULL, "service"},
    [RT_DECIDE] = {RT_DECIDE, NULL, "service"},
    [RT_DECISION_GET] = {RT_DECISION_GET, "analyst", NULL},
    [RT_DECISIONS_LIST] = {RT_DECISIONS_LIST, "analyst", NULL},
    [RT_REVIEW] = {RT_REVIEW, NULL, "analyst"},
    [RT_CUSTOMERS] = {RT_CUSTOMERS, "analyst", "admin"},
    [RT_CUSTOMER_GET] = {RT_CUSTOMER_GET, "analyst", NULL},
    [RT_LISTS] = {RT_LISTS, "service", NULL},
    [RT_LISTS_RELOAD] = {RT_LISTS_RELOAD, NULL, "admin"},
    [RT_AUDIT_VERIFY] = {RT_AUDIT_VERIFY, "analyst", NULL},
    [RT_KEYS] = {RT_KEYS, NULL, "admin"},
    [RT_ALERTS] = {RT_ALERTS, "analyst", NULL},
    [RT_ALERT] = {RT_ALERT, NULL, "analyst"},
    [RT_HEALTHZ] = {RT_HEALTHZ, "", NULL},
    [RT_METRICS] = {RT_METRICS, "", NULL},
    [RT_OPENAPI] = {RT_OPENAPI, "", NULL},
    [RT_CONSOLE] = {RT_CONSOLE, "", NULL},
};

static bool method_allowed(xg_req *r, const route_def *d)
{
    const char *m = r->method;
    if ((!strcmp(m, "GET") || !strcmp(m, "HEAD")) && d->get) return true;
    if (!strcmp(m, "POST") && d->post) return true;
    snprintf(r->extra_header, sizeof r->extra_header, "Allow: %s%s%s", d->get ? "GET, HEAD" : "",
             d->get && d->post ? ", " : "", d->post ? "POST" : "");
    reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %s (%s)", m, r->path,
                r->extra_header + 7);
    return false;
}

/* 401 / 403 / 429 / 503, or true with r->role and r->key_name set. */
static bool authorise(xg_req *r, xg_role needed)
{
    if (needed == ROLE_NONE) return true;
    const char *h = mg_get_header(r->conn, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !h[7]) {
        reply_error(r, 401, "unauthorized", NULL, "send an API key as 'Authorization: Bearer KEY'");
        return false;
    }
    const char *key = h + 7;
    while (*key == ' ')
        key++;
    if (strlen(key) > 256) {
        reply_error(r, 401, "unauthorized", NULL, "unknown or revoked API key");
        return false;
    }
    bool limited = false;
    int rc = auth_lookup(r->srv->auth, r->srv->store, key, &r->role, r->key_name, &limited);
    if (rc == XG_ENOTFOUND) {
        reply_error(r, 401, "unauthorized", NULL, "unknown or revoked API key");
        return false;
    }
    if (rc != 0) {
        reply_error(r, 503, "unavailable", NULL, "keys cannot be checked: %s", xg_error_message());
        return false;
    }
    if (r->role < needed) {
        reply_error(r, 403, "forbidden", NULL, "the key '%s' has role %s; %s needs %s", r->key_name,
                    role_name(r->role), route_label[r->route], role_name(needed));
        return false;
    }
    if (limited) {
        atomic_fetch_add(&r->srv->metrics.rate_limited, 1);
        reply_error(r, 429, "rate_limited", NULL, "the key '%s' is over its rate limit",
                    r->key_name);
        return false;
    }
    return true;
}

static void run_route(xg_req *r, const char *id)
{
    bool get = strcmp(r->method, "POST") != 0;
    switch (r->route) {
    case RT_SCREEN:
        route_screen(r);
        break;
    case RT_SCREEN_BATCH:
        route_screen_batch(r);
        break;
    case RT_CLASSIFY:
        route_classify(r);
        break;
    case RT_DECIDE:
        route_decide(r);
        break;
    case RT_DECISION_GET:
        route_decision_get(r, id);
        break;
    case RT_DECISIONS_LIST:
        route_decisions_list(r);
        break;
    case RT_REVIEW:
        route_review(r, id);
        break;
    case RT_CUSTOMERS:
        route_customers(r);
        break;
    case RT_CUSTOMER_GET:
        route_customer_get(r, id);
        break;
    case RT_LISTS:
        route_lists(r);
        break;
    case RT_LISTS_RELOAD:
        route_lists_reload(r);
        break;
    case RT_AUDIT_VERIFY:
        route_audit_verify(r);
        break;
    case RT_KEYS:
        route_keys(r);
        break;
    case RT_ALERTS:
        route_alerts(r);
        break;
    case RT_ALERT:
        route_alert(r, id);
        break;
    case RT_HEALTHZ:
        route_healthz(r);
        break;
    case RT_METRICS:
        route_metrics(r);
        break;
    case RT_OPENAPI:
        route_openapi(r);
        break;
    case RT_CONSOLE:
        route_console(r);
        break;
    default:
        (void)get;
        reply_error(r, 404, "not_found", NULL, "no route %s", r->path);
    }
}

static void dispatch(xg_req *r)
{
    const char *id = NULL;
    r->route = match_route(r->path, &id);
    if (r->route == RT_UNKNOWN) {
        reply_error(r, 404, "not_found", NULL, "no route %s %s", r->method, r->path);
        return;
    }
    const route_def *d = &routes[r->route];
    if (!method_allowed(r, d)) return;
    xg_role needed = need(strcmp(r->method, "POST") ? d->get : d->post);
    if (!authorise(r, needed)) return;
    run_route(r, id);
}

/* Copy printable ASCII only: request lines are client input, log lines must stay one line. */
static void printable(char *out, size_t outlen, const char *in)
{
    size_t k = 0;
    for (const char *p = in; *p && k < outlen - 1; p++)
        out[k++] = (*p >= 0x20 && *p < 0x7f && *p != '"') ? *p : '?';
    out[k] = '\0';
}

static void access_log(xg_req *r, double secs)
{
    /* The path only: query strings are not logged, and keys never travel in URLs here. */
    char path[128], method[16];
    printable(path, sizeof path, r->path);
    printable(method, sizeof method, r->method);
    server_log(r->srv, "%s \"%s %s\" %d %.2fms key=%s", r->ri->remote_addr, method, path, r->status,
               secs * 1e3, r->key_name[0] ? r->key_name : "-");
}

typedef struct request_job {
    struct mg_connection *conn;
    xg_server *srv;
} request_job;

static int handle_request(void *arg)
{
    request_job *job = arg;
    struct mg_connection *conn = job->conn;
    xg_server *s = job->srv;
    double t0 = mono_s();
    atomic_fetch_add(&s->metrics.in_flight, 1);
    xg_req r = {.conn = conn, .ri = mg_get_request_info(conn), .srv = s};
    r.method = r.ri->request_method ? r.ri->request_method : "GET";
    r.query = r.ri->query_string;
    r.body_drained = r.ri->content_length <= 0 && !mg_get_header(conn, "Transfer-Encoding");
    snprintf(r.path, sizeof r.path, "%s", r.ri->local_uri ? r.ri->local_uri : "/");
    /* /v1/x/ and /v1/x are one route. */
    size_t n = strlen(r.path);
    while (n > 1 && r.path[n - 1] == '/')
        r.path[--n] = '\0';
    xg_error_clear();
    dispatch(&r);
    if (!r.status) reply_error(&r, 500, "internal", NULL, "no answer was produced");
    double secs = mono_s() - t0;
    metrics_observe(&s->metrics, r.route, r.status, secs);
    access_log(&r, secs);
    free(r.body);
    json_decref(r.json);
    atomic_fetch_sub(&s->metrics.in_flight, 1);
    return r.status;
}

static int on_request(struct mg_connection *conn, void *cbdata)
{
    request_job job = {.conn = conn, .srv = cbdata};
    return pool_run(job.srv->pool, handle_request, &job);
}

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

/* A default profile that no request can use would only surface as a 400 on every decision: refuse
 * to start, naming the profiles there are. */
static int unknown_policy(xg_server *s)
{
    char names[256] = "";
    json_t *all = NULL, *p;
    size_t i;
    if (xg_policy_profiles_json(&all, s->policies) == 0) json_array_foreach(all, i, p)
        {
            size_t n = strlen(names);
            snprintf(names + n, sizeof names - n, "%s%s", n ? ", " : "",
                     json_string_value(json_object_get(p, "name")));
        }
    json_decref(all);
    return xg_error_set(XG_ENOTFOUND, "--policy %s: no such policy profile (there are: %s)",
                        s->policy, names);
}

/* Everything a request may need is loaded before the first request; any failure stops the start
 * with the failing file named. */
static int load_state(xg_server *s)
{
    int rc;
    if ((rc = xg_text_ctx_load(&s->text, NULL)) != 0) return rc;
    if (pool_new(&s->loader, 1) != 0)
        return xg_error_set(XG_EINTERNAL, "cannot start the list loader thread");
    if ((rc = build_snapshot(s, &s->snap)) != 0) return rc;
    atomic_store(&s->snap_loaded, (int64_t)time(NULL));
    if ((rc = xg_catalog_load(&s->catalog, NULL)) != 0) return rc;
    if ((rc = xg_policy_load(&s->policies, NULL)) != 0) return rc;
    if (s->policy && !xg_policy_has_profile(s->policies, s->policy)) return unknown_policy(s);
    if (s->as_of && !xg_date_valid(s->as_of))
        return xg_error_set(XG_EINVAL, "--as-of %s: expected a date YYYY-MM-DD", s->as_of);
    if ((rc = xg_store_open(&s->store, s->db_url)) != 0) return rc;
    return 0;
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
    mg_set_request_handler(s->ctx, "/", on_request, s);
    return 0;
}

static void free_state(xg_server *s)
{
    pool_free(s->pool); /* idle by now: civetweb has stopped, or never started */
    pool_free(s->loader);
    if (s->snap) xg_snapshot_unref(s->snap);
    if (s->catalog) xg_catalog_free(s->catalog);
    if (s->policies) xg_policy_free(s->policies);
    if (s->store) xg_store_close(s->store);
    if (s->text) xg_text_ctx_free(s->text);
    auth_free(s->auth);
    for (size_t i = 0; i < s->nlist_paths; i++)
        free(s->list_paths[i]);
    free(s->list_paths);
    free(s->web_dir);
    free(s->policy);
    free(s->as_of);
    free(s->db_url);
    pthread_mutex_destroy(&s->snap_lock);
    pthread_mutex_destroy(&s->reload_lock);
    free(s);
}

int xg_server_start(xg_server **out, const xg_server_opts *opts)
{
    xg_server_opts none = {0};
    xg_server *s = calloc(1, sizeof *s);
    if (!s) return xg_error_set(XG_ENOMEM, "out of memory");
    pthread_mutex_init(&s->snap_lock, NULL);
    pthread_mutex_init(&s->reload_lock, NULL);
    s->started = time(NULL);
    int rc = copy_opts(s, opts ? opts : &none);
    if (rc == 0) rc = auth_new(&s->auth, s->opts.rate, s->opts.burst);
    if (rc == 0) rc = load_state(s);
    if (rc == 0 && pool_new(&s->pool, s->opts.threads) != 0)
        rc = xg_error_set(XG_EINTERNAL, "cannot start %d handler threads", s->opts.threads);
    if (rc == 0) {
        mg_init_library(0);
        rc = start_civetweb(s);
        if (rc != 0) mg_exit_library();
    }
    if (rc != 0) {
        free_state(s);
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
    mg_stop(s->ctx); /* returns when every worker has finished its request */
    mg_exit_library();
    free_state(s);
}
