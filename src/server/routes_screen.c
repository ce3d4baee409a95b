/*
 * routes_screen.c — POST /v1/screen, POST /v1/screen/batch, POST /v1/classify.
 *
 * The read-only routes: they touch only immutable state (the snapshot a request took a reference
 * to, the catalog), so any number run in parallel. A batch shares one snapshot for all its
 * queries — every answer in a batch comes from the same lists — and stops with 503 "timeout" when
 * it runs over the request time budget rather than holding a worker indefinitely.
 */
#include "server/server_int.h"

#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
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

/* ---- the answer of /v1/screen, written straight into the answer buffer ----
 *
 * The same bytes as json_encode(xg_screen_result_json(res) + list_origin + list_versions), without
 * building that tree and freeing it again: on a screening answer the tree's mallocs and frees, its
 * copy of the list versions and its walk were a tenth of the server's time (BENCHMARKS.md, HTTP
 * section). Only the explanations, which the library builds as JSON when asked, are encoded from
 * their trees. Whatever the tree would have done differently (a string that is not UTF-8, a real
 * that is not finite, a missing explanation: jansson leaves those keys out) makes the writer give
 * up, and the tree is used; tests/unit/server/test_server_screen.c compares the two on the golden
 * queries.
 */

/* xg_screen_result_json rounds scores to thousandths so (src/match/screen.c). */
static double round3(double x)
{
    return floor(x * 1000.0 + 0.5) / 1000.0;
}

static int put_lit(xg_buf *b, const char *s)
{
    return xg_buf_append(b, s, strlen(s));
}

static int put_str(xg_buf *b, const char *s)
{
    return s && xg_buf_json_string(b, s, strlen(s)) == 0 ? 0 : -1;
}

static int put_num(xg_buf *b, double v)
{
    return isfinite(v) ? json_put_real(b, v) : -1;
}

static int put_strings(xg_buf *b, const char *const *v, size_t n)
{
    if (xg_buf_putc(b, '[') != 0) return -1;
    for (size_t i = 0; i < n; i++)
        if ((i && xg_buf_putc(b, ',') != 0) || put_str(b, v[i]) != 0) return -1;
    return xg_buf_putc(b, ']');
}

/* One match, as xg_screen_match_json builds it. */
static int put_match(xg_buf *b, const xg_screen_match *m)
{
    const xg_record *r = m->record;
    if (!m->why) return -1;
    if (put_lit(b, "{\"id\":") || put_str(b, r->id ? r->id : "") || put_lit(b, ",\"source\":") ||
        put_str(b, r->source ? r->source : ""))
        return -1;
    if (r->source_code && (put_lit(b, ",\"source_code\":") || put_str(b, r->source_code)))
        return -1;
    if (put_lit(b, ",\"type\":") || put_str(b, xg_party_type_name(r->type)) ||
        put_lit(b, ",\"name\":") || put_str(b, r->name ? r->name : "") ||
        put_lit(b, ",\"matched\":") || put_str(b, m->matched ? m->matched : "") ||
        put_lit(b, ",\"score\":") || put_num(b, round3(m->score)) ||
        put_lit(b, ",\"countries\":") ||
        put_strings(b, (const char *const *)r->countries, r->ncountries))
        return -1;
    if (r->nprograms && (put_lit(b, ",\"programs\":") ||
                         put_strings(b, (const char *const *)r->programs, r->nprograms)))
        return -1;
    if (r->end_date && (put_lit(b, ",\"end_date\":") || put_str(b, r->end_date))) return -1;
    if (r->parent && (put_lit(b, ",\"parent\":") || put_str(b, r->parent))) return -1;
    if (put_lit(b, ",\"explanation\":")) return -1;
    int w = xg_screen_match_explanation_write(m, b); /* no tree: 1 leaves it to the tree */
    if (w < 0) return -1;
    if (w == 0) return xg_buf_putc(b, '}');
    json_t *e = xg_screen_match_explanation(m);
    int rc = !e || json_encode(b, e, 1) || xg_buf_putc(b, '}') ? -1 : 0;
    json_decref(e);
    return rc;
}

static int put_matches(xg_buf *b, const xg_screen_match *m, size_t n)
{
    if (xg_buf_putc(b, '[') != 0) return -1;
    for (size_t i = 0; i < n; i++)
        if ((i && xg_buf_putc(b, ',') != 0) || put_match(b, &m[i]) != 0) return -1;
    return xg_buf_putc(b, ']');
}

/* Append the answer to b; -1 when the tree must be used instead (or out of memory). */
static int screen_write(xg_buf *b, const xg_screen_result *res, const char *origin,
                        const json_t *named)
{
    if (put_lit(b, "{\"query\":") || put_str(b, res->query) || put_lit(b, ",\"threshold\":") ||
        put_num(b, res->threshold) || put_lit(b, ",\"matches\":") ||
        put_matches(b, res->matches, res->nmatches) || put_lit(b, ",\"delisted\":") ||
        put_matches(b, res->delisted, res->ndelisted) || put_lit(b, ",\"best_below\":") ||
        put_num(b, round3(res->best_below)))
        return -1;
    if (res->near_miss && (put_lit(b, ",\"near_miss\":") || put_match(b, res->near_miss)))
        return -1;
    return put_lit(b, ",\"list_origin\":") || put_str(b, origin) ||
                   put_lit(b, ",\"list_versions\":") || json_encode(b, named, 1) ||
                   xg_buf_putc(b, '}')
               ? -1
               : 0;
}

/* The answer as a tree, as the server built it before (the writer's fallback). */
static json_t *screen_tree(const xg_screen_result *res, const char *origin, json_t *named)
{
    json_t *j = xg_screen_result_json(res);
    if (j) {
        json_object_set_new(j, "list_origin", json_string(origin));
        json_object_set_new(j, "list_versions", json_deep_copy(named));
    }
    return j;
}

int screen_answer_write(xg_buf *b, const xg_screen_result *res, const char *origin, json_t *named)
{
    size_t start = b->len;
    if (screen_write(b, res, origin, named) == 0) return 0;
    b->len = start;
    json_t *j = screen_tree(res, origin, named);
    int rc = j ? json_encode(b, j, 0) : -1;
    json_decref(j);
    return rc;
}

/* Screen one parsed query; its result, or NULL with an answer sent. */
static xg_screen_result *screen_run(xg_req *r, const xg_snapshot *snap, const screen_args *a)
{
    xg_screen_result *res = NULL;
    int rc = xg_screen(&res, snap, &a->q);
    if (rc != 0) {
        reply_lib_error(r, rc, "screen");
        return NULL;
    }
    return res;
}

void route_screen(xg_req *r)
{
    screen_args a;
    if (!req_read_json(r, false) || !parse_screen(r, r->json, &a)) return;
    json_t *named = NULL;
    char origin[16];
    xg_snapshot *snap = server_snapshot_get_named(r->srv, &named, origin);
    xg_screen_result *res = screen_run(r, snap, &a);
    if (res) {
        xg_buf *b = answer_buf();
        if (b && screen_answer_write(b, res, origin, named) == 0)
            reply_json_written(r, 200, b);
        else
            reply_error(r, 500, "internal", NULL, "could not encode the result");
        xg_screen_result_free(res);
    }
    xg_snapshot_unref(snap);
    json_decref(named);
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

/* One batch being screened: its queries are taken in order from `next` by the request's worker
 * and the batch pool's threads at once (pool_run_shared), each result kept at its index. A
 * failure or the time budget stops every thread from taking more. */
typedef struct batch_run {
    const xg_snapshot *snap;
    const screen_args *args;
    size_t n;
    xg_screen_result **res;
    int *rc;
    char (*err)[256]; /* a failure's message: it lives in the thread that screened the query */
    atomic_size_t next;
    atomic_bool stop, over; /* over: the time budget ran out */
    double t0, budget;
} batch_run;

static int batch_work(void *arg)
{
    batch_run *b = arg;
    for (size_t i; !atomic_load(&b->stop) && (i = atomic_fetch_add(&b->next, 1)) < b->n;) {
        xg_error_clear();
        b->rc[i] = xg_screen(&b->res[i], b->snap, &b->args[i].q);
        if (b->rc[i]) snprintf(b->err[i], sizeof b->err[i], "%s", xg_error_message());
        if (!b->rc[i] && xg_clock_seconds() - b->t0 > b->budget) atomic_store(&b->over, true);
        if (b->rc[i] || atomic_load(&b->over)) atomic_store(&b->stop, true);
    }
    return 0;
}

/* The batch's answer from its results in order: the first failure, or the time budget run over
 * before a query was screened, answers instead (as when the queries ran one after another). */
static void batch_answer(xg_req *r, batch_run *b, const char *origin, json_t *named)
{
    xg_buf *out = answer_buf();
    bool ok = out && xg_buf_puts(out, "{\"results\":[") == 0;
    for (size_t i = 0; i < b->n && ok; i++) {
        if (b->rc[i]) {
            xg_error_set(b->rc[i], "%s", b->err[i]);
            reply_lib_error(r, b->rc[i], "screen");
            return;
        }
        if (!b->res[i] || (atomic_load(&b->over) && i + 1 == b->n)) {
            reply_error(r, 503, "timeout", NULL,
                        "the batch ran over %.0f s after %zu queries; send smaller batches",
                        b->budget, b->res[i] ? i + 1 : i);
            return;
        }
        ok = (!i || xg_buf_putc(out, ',') == 0) &&
             screen_answer_write(out, b->res[i], origin, named) == 0;
    }
    if (ok && xg_buf_puts(out, "]}") == 0)
        reply_json_written(r, 200, out);
    else
        reply_error(r, 500, "internal", NULL, "could not encode the result");
}

static void batch_screen(xg_req *r, const screen_args *args, size_t n)
{
    batch_run b = {.args = args,
                   .n = n,
                   .res = calloc(n + 1, sizeof *b.res),
                   .rc = calloc(n + 1, sizeof *b.rc),
                   .err = calloc(n + 1, sizeof *b.err),
                   .t0 = xg_clock_seconds(),
                   .budget = r->srv->opts.request_timeout_ms / 1e3};
    atomic_init(&b.next, 0);
    atomic_init(&b.stop, false);
    atomic_init(&b.over, false);
    json_t *named = NULL;
    char origin[16];
    xg_snapshot *snap = server_snapshot_get_named(r->srv, &named, origin);
    b.snap = snap;
    if (b.res && b.rc && b.err) {
        pool_run_shared(r->srv->batch_pool, batch_work, &b, n > 1 ? (int)n - 1 : 0);
        batch_answer(r, &b, origin, named);
    } else {
        reply_error(r, 500, "internal", NULL, "out of memory");
    }
    for (size_t i = 0; b.res && i < n; i++)
        xg_screen_result_free(b.res[i]);
    free(b.res);
    free(b.rc);
    free(b.err);
    xg_snapshot_unref(snap);
    json_decref(named);
}

void route_screen_batch(xg_req *r)
{
    json_t *qs;
    if (!req_read_json(r, false) || !batch_queries(r, &qs)) return;
    size_t n = json_array_size(qs);
    screen_args *args = calloc(n + 1, sizeof *args);
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
    batch_screen(r, args, n);
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
