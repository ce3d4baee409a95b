/*
 * routes_misc.c — list status and reload, health, metrics, the OpenAPI document and the console's
 * static files.
 *
 * Static files are read from the web directory on each request (they are a few kilobytes, and an
 * operator can update the console without a restart); paths are checked character by character
 * so that nothing outside that directory can be named. The console is same-origin only: a strict
 * Content-Security-Policy forbids inline scripts and every other origin.
 */
#include "server/server_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/core.h"

#define MAX_STATIC_FILE (4u << 20)

void route_lists(xg_req *r)
{
    xg_snapshot *snap = server_snapshot_get(r->srv);
    json_t *j = server_lists_json(r->srv, snap);
    xg_snapshot_unref(snap);
    json_object_set_new(j, "feeds", server_feeds_json(r->srv, NULL));
    reply_json(r, 200, j);
}

void route_lists_reload(xg_req *r)
{
    if (!req_read_json(r, true)) return; /* no body needed; a body must still be JSON */
    json_t *info = NULL;
    int rc = xg_server_reload(r->srv, &info);
    if (rc == XG_EEXIST)
        reply_error(r, 409, "reload_in_progress", NULL, "a list reload is already running");
    else if (rc != 0)
        reply_error(r, 500, "reload_failed", NULL,
                    "the lists were not reloaded (%s); the "
                    "previous snapshot stays in use",
                    xg_error_message());
    else
        reply_json(r, 200, info);
}

/* 200 whenever the server answers (a load balancer must not take it out for an old list);
 * "status" is "degraded", with the reasons, when a source is older than its limit
 * (data/lists/refresh_limits.tsv) or its last update failed. */
void route_healthz(xg_req *r)
{
    json_t *skipped = NULL;
    xg_snapshot *snap = server_snapshot_get_versions(r->srv, NULL, &skipped);
    const xg_listset *ls = xg_snapshot_lists(snap);
    json_t *degraded = NULL, *feeds = server_feeds_json(r->srv, &degraded);
    size_t i;
    json_t *sk;
    json_array_foreach(skipped, i, sk)
    {
        /* a version in force whose files are gone: the bundled files of its list stand in */
        char why[600];
        snprintf(why, sizeof why, "%s: version %s is in force but its files are not loadable (%s)",
                 json_string_value(json_object_get(sk, "source")),
                 json_string_value(json_object_get(sk, "id")),
                 json_string_value(json_object_get(sk, "reason")));
        json_array_append_new(degraded, json_string(why));
    }
    int64_t last_run = atomic_load(&r->srv->last_update_run);
    json_t *j = json_pack(
        "{s:s, s:o, s:{s:s, s:I, s:I, s:o, s:o}, s:{s:I, s:o, s:o}, s:{s:b, s:b, s:b, s:b}, s:I}",
        "status", json_array_size(degraded) ? "degraded" : "ok", "degraded", degraded, "lists",
        "hash", xg_snapshot_hash(snap), "records", (json_int_t)(ls ? ls->nrecords : 0),
        "age_seconds", (json_int_t)(time(NULL) - atomic_load(&r->srv->snap_loaded)), "sources",
        feeds, "skipped", skipped, "refresh", "interval_seconds",
        (json_int_t)r->srv->opts.refresh_seconds, "last_run_at",
        last_run ? json_integer(last_run) : json_null(), "monitor", server_monitor_json(r->srv),
        "components", "screen", 1, "classify", r->srv->catalog != NULL, "decide",
        r->srv->policies != NULL, "store", r->srv->store != NULL, "uptime_seconds",
        (json_int_t)(time(NULL) - r->srv->started));
    xg_snapshot_unref(snap);
    reply_json(r, 200, j);
}

void route_metrics(xg_req *r)
{
    size_t len = 0;
    char *text = metrics_render(r->srv, &len);
    if (!text) {
        reply_error(r, 500, "internal", NULL, "out of memory");
        return;
    }
    reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len, NULL);
    free(text);
}

/* Read a file into memory, or answer 404. */
static char *read_or_404(xg_req *r, const char *path, size_t *len)
{
    char *data = NULL;
    if (xg_file_read(&data, len, path, MAX_STATIC_FILE) != 0) {
        reply_error(r, 404, "not_found", NULL, "no such file: %s", r->path);
        return NULL;
    }
    return data;
}

void route_openapi(xg_req *r)
{
    const char *bases[] = {r->srv->web_dir, xg_data_dir(), "."};
    const char *rel[] = {"%s/../docs/openapi.json", "%s/../docs/openapi.json",
                         "%s/docs/openapi.json"};
    for (size_t i = 0; i < 3; i++) {
        char p[4096];
        snprintf(p, sizeof p, rel[i], bases[i]);
        char *data = NULL;
        size_t len = 0;
        if (xg_file_read(&data, &len, p, MAX_STATIC_FILE) == 0) {
            reply_raw(r, 200, "application/json", data, len, NULL);
            free(data);
            return;
        }
    }
    reply_error(r, 404, "not_found", NULL, "docs/openapi.json is not installed");
}

static const char *mime_of(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (!strcmp(dot, types[i].ext)) return types[i].type;
    return NULL;
}

/* Only [A-Za-z0-9._-/] and no segment starting with a dot: no traversal, no hidden files. */
static bool safe_path(const char *p)
{
    if (*p != '/') return false;
    for (const char *c = p; *c; c++) {
        bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-' || *c == '/';
        if (!ok || (*c == '/' && c[1] == '.')) return false;
    }
    return strlen(p) < 200;
}

void route_console(xg_req *r)
{
    const char *p = strcmp(r->path, "/") ? r->path : "/index.html";
    const char *type = safe_path(p) ? mime_of(p) : NULL;
    if (!type) {
        reply_error(r, 404, "not_found", NULL, "no such file: %s", r->path);
        return;
    }
    char full[4096];
    snprintf(full, sizeof full, "%s%s", r->srv->web_dir, p);
    size_t len = 0;
    char *data = read_or_404(r, full, &len);
    if (!data) return;
    reply_raw(r, 200, type, data, len,
              "Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'self'\r\n"
              "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer");
    free(data);
}
