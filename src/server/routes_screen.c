/*
 * routes_screen.c — POST /v1/screen, POST /v1/screen/batch, POST /v1/classify.
 *
 * The read-only routes: they touch only immutable state (the snapshot a request took a reference
 * to, the catalog), so any number run in parallel. A batch shares one snapshot for all its
 * queries — every answer in a batch comes from the same lists — and stops with 503 "timeout" when
 * it runs over the request time budget rather than holding a worker indefinitely.
 */
#include "server/server_int.h"

#include <stdio.h>
#include <string.h>

#include "xgate/core.h"

#define MAX_NAME 1024 /* bytes in a screened name; longer is not a name */
#define MAX_IDS 16
#define MAX_LIMIT 100

typedef struct screen_args {
    xg_screen_query q;
    const char *ids[MAX_IDS];
} screen_args;

static bool parse_ids(xg_req *r, const json_t *o, screen_args *a)
{
    json_t *ids = json_object_get(o, "ids");
    if (!ids || json_is_null(ids)) return true;
    if (!json_is_array(ids) || json_array_size(ids) > MAX_IDS) {
        reply_error(r, 400, "invalid_field", "ids", "'ids' must be an array of at most %d strings",
                    MAX_IDS);
        return false;
    }
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) > 256 ||
            !strchr(json_string_value(v), ':')) {
            reply_error(r, 400, "invalid_field", "ids", "ids[%zu] must be 'SCHEME:VALUE'", i);
            return false;
        }
        a->ids[i] = json_string_value(v);
    }
    a->q.ids = a->ids;
    a->q.nids = json_array_size(ids);
    return true;
}

static bool parse_country(xg_req *r, const json_t *o, screen_args *a)
{
    if (!field_string(r, o, "country", false, 2, &a->q.country)) return false;
    const char *c = a->q.country;
    if (c && (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')) {
        reply_error(r, 400, "invalid_field", "country", "'country' must be an ISO-2 code (CN)");
        return false;
    }
    return true;
}

/* One query object of /v1/screen or of a batch. */
static bool parse_screen(xg_req *r, const json_t *o, screen_args *a)
{
    memset(a, 0, sizeof *a);
    a->q.threshold = -1;
    long limit = 10;
    const char *type = NULL;
    if (!json_is_object(o)) {
        reply_error(r, 400, "invalid_field", NULL, "a query must be a JSON object");
        return false;
    }
    if (!field_string(r, o, "name", true, MAX_NAME, &a->q.name) ||
        !field_number(r, o, "threshold", 0, 1, &a->q.threshold) ||
        !field_int(r, o, "limit", 1, MAX_LIMIT, &limit) || !parse_country(r, o, a) ||
        !field_string(r, o, "as_of", false, 10, &a->q.as_of) ||
        !field_string(r, o, "type", false, 16, &type) || !parse_ids(r, o, a))
        return false;
    if (a->q.as_of && !xg_date_valid(a->q.as_of)) {
        reply_error(r, 400, "invalid_field", "as_of", "'as_of' must be a date YYYY-MM-DD");
        return false;
    }
    if (type && strcmp(type, "individual") && strcmp(type, "entity")) {
        reply_error(r, 400, "invalid_field", "type", "'type' must be 'individual' or 'entity'");
        return false;
    }
    a->q.limit = (int)limit;
    a->q.is_person = type && !strcmp(type, "individual");
    return true;
}

/* Screen one parsed query; a JSON result or NULL with an answer sent. Like `xgate screen --json`,
 * the result says which lists it was screened against (list_origin, list_versions). */
static json_t *screen_one(xg_req *r, const xg_snapshot *snap, const screen_args *a,
                          const char *origin, json_t *named)
{
    xg_screen_result *res = NULL;
    int rc = xg_screen(&res, snap, &a->q);
    if (rc != 0) {
        reply_lib_error(r, rc, "screen");
        return NULL;
    }
    json_t *j = xg_screen_result_json(res);
    xg_screen_result_free(res);
    if (!j) {
        reply_error(r, 500, "internal", NULL, "could not encode the result");
        return NULL;
    }
    json_object_set_new(j, "list_origin", json_string(origin));
    json_object_set_new(j, "list_versions", json_deep_copy(named));
    return j;
}

void route_screen(xg_req *r)
{
    screen_args a;
    if (!req_read_json(r, false) || !parse_screen(r, r->json, &a)) return;
    json_t *named = NULL;
    char origin[16];
    xg_snapshot *snap = server_snapshot_get_named(r->srv, &named, origin);
    json_t *j = screen_one(r, snap, &a, origin, named);
    xg_snapshot_unref(snap);
    json_decref(named);
    if (j) reply_json(r, 200, j);
}

static bool batch_queries(xg_req *r, json_t **out)
{
    json_t *qs = json_object_get(r->json, "queries");
    if (!json_is_array(qs)) {
        reply_error(r, 400, qs ? "invalid_field" : "missing_field", "queries",
                    "'queries' must be an array of query objects");
        return false;
    }
    if (json_array_size(qs) > (size_t)r->srv->opts.max_batch) {
        reply_error(r, 413, "batch_too_large", "queries", "%zu queries; the limit is %d",
                    json_array_size(qs), r->srv->opts.max_batch);
        return false;
    }
    *out = qs;
    return true;
}

void route_screen_batch(xg_req *r)
{
    json_t *qs;
    if (!req_read_json(r, false) || !batch_queries(r, &qs)) return;
    screen_args *args = calloc(json_array_size(qs) + 1, sizeof *args);
    if (!args) {
        reply_error(r, 500, "internal", NULL, "out of memory");
        return;
    }
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        snprintf(r->field_prefix, sizeof r->field_prefix, "queries[%zu].", i);
        if (!parse_screen(r, q, &args[i])) goto out;
    }
    r->field_prefix[0] = '\0';
    double t0 = xg_clock_seconds(), budget = r->srv->opts.request_timeout_ms / 1e3;
    json_t *named = NULL;
    char origin[16];
    xg_snapshot *snap = server_snapshot_get_named(r->srv, &named, origin);
    json_t *results = json_array();
    json_array_foreach(qs, i, q)
    {
        json_t *j = screen_one(r, snap, &args[i], origin, named);
        if (!j) break;
        json_array_append_new(results, j);
        if (xg_clock_seconds() - t0 > budget) {
            reply_error(r, 503, "timeout", NULL,
                        "the batch ran over %.0f s after %zu queries; "
                        "send smaller batches",
                        budget, i + 1);
            break;
        }
    }
    xg_snapshot_unref(snap);
    json_decref(named);
    if (!r->status)
        reply_json(r, 200, json_pack("{s:o}", "results", results));
    else
        json_decref(results);
out:
    free(args);
}

/* ---- classify ---- */

static json_t *classify_one(xg_req *r, const char *item, const char *spec, const char *as_of,
                            size_t index)
{
    xg_classification *cl = NULL;
    int rc = spec ? xg_classify_spec(&cl, r->srv->catalog, spec, as_of)
                  : xg_classify_item(&cl, r->srv->catalog, item, as_of);
    if (rc == XG_ENOTFOUND || rc == XG_EINVAL || rc == XG_EPARSE) {
        char field[32];
        if (spec)
            snprintf(field, sizeof field, "spec");
        else
            snprintf(field, sizeof field, "items[%zu]", index);
        reply_error(r, 400, spec ? "invalid_spec" : "unknown_item", field, "%s",
                    xg_error_message());
        return NULL;
    }
    if (rc != 0) {
        reply_lib_error(r, rc, "classify");
        return NULL;
    }
    json_t *j = json_incref(cl->json);
    xg_classification_free(cl);
    return j;
}

static bool classify_args(xg_req *r, json_t **items, const char **spec, const char **as_of)
{
    *items = json_object_get(r->json, "items");
    if (!field_string(r, r->json, "spec", false, 512, spec) ||
        !field_string(r, r->json, "as_of", false, 10, as_of))
        return false;
    if (*as_of && !xg_date_valid(*as_of)) {
        reply_error(r, 400, "invalid_field", "as_of", "'as_of' must be a date YYYY-MM-DD");
        return false;
    }
    if (*spec && *items) {
        reply_error(r, 400, "invalid_field", "spec", "send 'items' or 'spec', not both");
        return false;
    }
    if (!*spec && !*items) {
        reply_error(r, 400, "missing_field", "items", "send either 'items' (an array) or 'spec'");
        return false;
    }
    if (*items && (!json_is_array(*items) || json_array_size(*items) == 0)) {
        reply_error(r, 400, "invalid_field", "items", "'items' must be a non-empty array");
        return false;
    }
    if (*items && json_array_size(*items) > (size_t)r->srv->opts.max_batch) {
        reply_error(r, 413, "batch_too_large", "items", "%zu items; the limit is %d",
                    json_array_size(*items), r->srv->opts.max_batch);
        return false;
    }
    size_t i;
    json_t *v;
    json_array_foreach(*items, i, v) if (!json_is_string(v) || json_string_length(v) == 0 ||
                                         json_string_length(v) > 256)
    {
        reply_error(r, 400, "invalid_field", "items", "items[%zu] must be an item name", i);
        return false;
    }
    return true;
}

void route_classify(xg_req *r)
{
    json_t *items;
    const char *spec, *as_of;
    if (!req_read_json(r, false) || !classify_args(r, &items, &spec, &as_of)) return;
    if (!r->srv->catalog) {
        reply_error(r, 503, "unavailable", NULL, "classification is not available");
        return;
    }
    json_t *results = json_array();
    if (spec) {
        json_t *j = classify_one(r, NULL, spec, as_of, 0);
        if (j) json_array_append_new(results, j);
    } else {
        size_t i;
        json_t *v;
        json_array_foreach(items, i, v)
        {
            json_t *j = classify_one(r, json_string_value(v), NULL, as_of, i);
            if (!j) break;
            json_array_append_new(results, j);
        }
    }
    if (!r->status)
        reply_json(r, 200, json_pack("{s:o}", "results", results));
    else
        json_decref(results);
}
