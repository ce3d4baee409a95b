/*
 * routes_lists.c — the list-version routes: GET /v1/lists/versions (every version and refused
 * download), GET /v1/lists/diff?from=&to=[&source=] (entries added, removed and changed between
 * two stored versions: ids, "current" or "previous" — never file paths, which a client must not
 * name on the server) and POST /v1/lists/update (admin: fetch the feeds now, as `xgate lists
 * update` does, with the server's configured feeds or the body's "sources" ["NAME=URL[,URL…]"]
 * and "force"; new versions are swapped in; a second update while one runs is a 409). The work is
 * in the library (xgate/feeds.h) and refresh.c; these functions check, call and answer.
 */
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"
#include "xgate/error.h"
#include "xgate/feeds.h"
#include "xgate/lists.h"

#define MAX_UPDATE_SOURCES 16

static bool need_store(xg_req *r)
{
    if (r->srv->store) return true;
    reply_error(r, 503, "unavailable", NULL, "list versions need the store, which is not open");
    return false;
}

void route_lists_versions(xg_req *r)
{
    static const char *const known[] = {"source", NULL};
    char source[64];
    if (!req_query_only(r, known) || req_query(r, "source", source, sizeof source) < 0 ||
        !need_store(r))
        return;
    json_t *rows = NULL;
    int rc = xg_store_list_versions(&rows, r->srv->store, *source ? source : NULL);
    if (rc) {
        reply_lib_error(r, rc, "list versions");
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "versions", rows));
}

static int load_version(xg_listset **set, xg_req *r, const char *ref, const char *source)
{
    char *dir = NULL, **paths = NULL;
    size_t n = 0;
    int rc = xg_feed_version_dir(&dir, r->srv->store, ref, *source ? source : NULL);
    if (!rc) rc = xg_feed_version_paths(&paths, &n, dir);
    if (!rc) rc = xg_lists_load(set, (const char *const *)paths, n, 0);
    free(dir);
    xg_feed_paths_free(paths);
    return rc;
}

void route_lists_diff(xg_req *r)
{
    static const char *const known[] = {"from", "to", "source", NULL};
    char from[96], to[96], source[64];
    if (!req_query_only(r, known) || req_query(r, "from", from, sizeof from) < 0 ||
        req_query(r, "to", to, sizeof to) < 0 || req_query(r, "source", source, sizeof source) < 0)
        return;
    if (!*from || !*to) {
        reply_error(r, 400, "missing_field", !*from ? "from" : "to",
                    "give from= and to= (a version id, current or previous)");
        return;
    }
    if (!need_store(r)) return;
    xg_listset *a = NULL, *b = NULL;
    int rc = load_version(&a, r, from, source);
    if (rc) {
        reply_lib_error(r, rc, from);
        return;
    }
    rc = load_version(&b, r, to, source);
    xg_lists_diff_result *d = NULL;
    if (rc)
        reply_lib_error(r, rc, to);
    else if ((rc = xg_lists_diff(&d, a, b)))
        reply_lib_error(r, rc, "diff");
    else
        reply_json(r, 200, xg_feed_diff_json(d));
    xg_lists_diff_free(d);
    xg_listset_free(a);
    xg_listset_free(b);
}

/* The body's "sources" (["NAME=URL[,URL…]", …]); none: the server's configured feeds. */
static bool update_sources(xg_req *r, xg_feed_source **v, size_t *n)
{
    const json_t *specs = r->json ? json_object_get(r->json, "sources") : NULL;
    if (!specs) return true;
    if (!json_is_array(specs) || !json_array_size(specs) ||
        json_array_size(specs) > MAX_UPDATE_SOURCES) {
        reply_error(r, 400, "invalid_field", "sources",
                    "sources: an array of 1 to %d strings NAME=URL[,URL…]", MAX_UPDATE_SOURCES);
        return false;
    }
    *v = calloc(json_array_size(specs), sizeof **v);
    *n = 0;
    for (size_t i = 0; *v && i < json_array_size(specs); i++) {
        const char *spec = json_string_value(json_array_get(specs, i));
        if (!spec || xg_feed_source_parse(&(*v)[i], spec)) {
            reply_error(r, 400, "invalid_field", "sources", "sources[%zu]: %s", i,
                        spec ? xg_error_message() : "not a string");
            return false;
        }
        *n = i + 1;
    }
    if (!*v) reply_error(r, 500, "internal", NULL, "out of memory");
    return *v != NULL;
}

void route_lists_update(xg_req *r)
{
    if (!req_read_json(r, true) || !need_store(r)) return;
    const json_t *force = r->json ? json_object_get(r->json, "force") : NULL;
    if (force && !json_is_boolean(force)) {
        reply_error(r, 400, "invalid_field", "force", "force: true or false");
        return;
    }
    xg_feed_source *sources = NULL;
    size_t n = 0;
    if (!update_sources(r, &sources, &n)) {
        xg_feed_sources_free(sources, n);
        return;
    }
    if (!sources && !r->srv->nsources) {
        reply_error(r, 503, "unavailable", NULL,
                    "no list sources are configured (serve --sources or --source)");
        return;
    }
    json_t *out = NULL;
    int rc = server_update(r->srv, sources, n, json_is_true(force), "api", &out);
    if (rc == XG_EEXIST)
        reply_error(r, 409, "update_in_progress", NULL, "a list update is already running");
    else if (rc)
        reply_lib_error(r, rc, "update");
    else
        reply_json(r, 200, out);
    xg_feed_sources_free(sources, n);
}
