/*
 * router.c — every request's way through the server: match it against the route table
 * (routes.c), check its method, key, role and rate, run the handler, then time, count and log it.
 *
 * One catch-all civetweb handler does this so that unknown paths, wrong methods, missing keys and
 * limits are answered the same JSON way everywhere, and so that every request passes through one
 * place that times it, counts it and logs it (without its key).
 */
#include "server/server_int.h"
#include "server/fiber.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xgate/core.h"

/* Does `path` fit the row's pattern? The {…} segment, if any, is copied into param. */
static bool path_fits(const char *pattern, const char *path, char *param, size_t paramlen)
{
    if (!strcmp(pattern, "*")) return strncmp(path, "/v1/", 4) != 0 && strcmp(path, "/v1") != 0;
    const char *open = strchr(pattern, '{'), *close = open ? strchr(open, '}') : NULL;
    if (!close) return !strcmp(pattern, path);
    size_t n = (size_t)(open - pattern);
    if (strncmp(path, pattern, n) != 0) return false;
    size_t seg = strcspn(path + n, "/");
    if (seg == 0 || seg >= paramlen || strcmp(path + n + seg, close + 1) != 0) return false;
    memcpy(param, path + n, seg);
    param[seg] = '\0';
    return true;
}

/* GET rows answer HEAD too. */
static bool method_fits(const char *row, const char *asked)
{
    return !strcmp(row, asked) || (!strcmp(row, "GET") && !strcmp(asked, "HEAD"));
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
                    role_name(r->role), r->route->label, role_name(needed));
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

static void dispatch(xg_req *r)
{
    const route_def *hit = NULL, *path_hit = NULL;
    bool get = false, post = false;
    char param[sizeof r->param];
    for (size_t i = 0; i < route_count; i++) {
        const route_def *d = &route_table[i];
        if (!path_fits(d->path, r->path, param, sizeof param)) continue;
        if (!path_hit) path_hit = d;
        get = get || !strcmp(d->method, "GET");
        post = post || !strcmp(d->method, "POST");
        if (!hit && method_fits(d->method, r->method)) {
            hit = d;
            memcpy(r->param, param, sizeof param);
        }
    }
    r->route = hit ? hit : path_hit;
    if (!path_hit) {
        reply_error(r, 404, "not_found", NULL, "no route %s %s", r->method, r->path);
        return;
    }
    if (!hit) {
        snprintf(r->extra_header, sizeof r->extra_header, "Allow: %s%s%s", get ? "GET, HEAD" : "",
                 get && post ? ", " : "", post ? "POST" : "");
        reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %s (%s)", r->method,
                    r->path, r->extra_header + 7);
        return;
    }
    if (!authorise(r, hit->role)) return;
    hit->handler(r);
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
    double t0 = xg_clock_seconds();
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
    double secs = xg_clock_seconds() - t0;
    metrics_observe(&s->metrics, r.route, r.status, secs);
    access_log(&r, secs);
    free(r.body);
    json_decref(r.json);
    atomic_fetch_sub(&s->metrics.in_flight, 1);
    return r.status;
}

int router_on_request(struct mg_connection *conn, void *server)
{
    request_job job = {.conn = conn, .srv = server};
    int status;
    if (fiber_run(handle_request, &job, &status) == 0) return status;
    /* No stack for the handler (out of memory): answer on the worker's small stack, plainly. */
    static const char busy[] = "{\"error\":{\"code\":\"unavailable\",\"message\":\"out of "
                               "memory for a request\",\"field\":null}}\n";
    char len[16];
    snprintf(len, sizeof len, "%zu", sizeof busy - 1);
    mg_response_header_start(conn, 503);
    mg_response_header_add(conn, "Content-Type", "application/json", -1);
    mg_response_header_add(conn, "Content-Length", len, -1);
    mg_response_header_add(conn, "Connection", "close", -1);
    mg_response_header_send(conn);
    mg_write(conn, busy, sizeof busy - 1);
    return 503;
}
