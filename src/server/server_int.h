/*
 * server_int.h — what the server's files share: the server state, one request's context, and the
 * helpers for reading bodies, answering JSON and errors, keys and rate limits, metrics and routes.
 *
 * Split by concern (http.c reading/answering, auth.c keys and buckets, metrics.c counters,
 * routes.c one function per API route, console.c static files, server.c lifecycle and dispatch)
 * so that each file stays small and each route reads top to bottom: check role, parse, validate,
 * call the library, answer.
 */
#ifndef XG_SERVER_INT_H
#define XG_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <civetweb.h>
#include <jansson.h>

#include "xgate/classify.h"
#include "xgate/decide.h"
#include "xgate/error.h"
#include "xgate/screen.h"
#include "xgate/server.h"
#include "xgate/store.h"
#include "xgate/text.h"

#include "server/pool.h"

/* ---- roles ---- */
typedef enum { ROLE_NONE = 0, ROLE_SERVICE = 1, ROLE_ANALYST = 2, ROLE_ADMIN = 3 } xg_role;
xg_role role_parse(const char *s);
const char *role_name(xg_role r);

/* ---- routes (fixed set: metrics are labelled by route, never by raw path) ---- */
typedef enum {
    RT_SCREEN = 0,
    RT_SCREEN_BATCH,
    RT_CLASSIFY,
    RT_DECIDE,
    RT_DECISION_GET,
    RT_DECISIONS_LIST,
    RT_REVIEW,
    RT_CUSTOMERS,
    RT_CUSTOMER_GET,
    RT_LISTS,
    RT_LISTS_RELOAD,
    RT_AUDIT_VERIFY,
    RT_KEYS,
    RT_ALERTS,
    RT_ALERT,
    RT_HEALTHZ,
    RT_METRICS,
    RT_OPENAPI,
    RT_CONSOLE,
    RT_UNKNOWN,
    RT_COUNT
} xg_route_id;

extern const char *const route_label[RT_COUNT];

/* ---- metrics ---- */
#define XG_LAT_BUCKETS 14
typedef struct xg_metrics {
    _Atomic uint64_t requests[RT_COUNT][6]; /* by status class: 1xx..5xx, [0] unused */
    _Atomic uint64_t lat_bucket[RT_COUNT][XG_LAT_BUCKETS + 1]; /* cumulative at render time */
    _Atomic uint64_t lat_sum_us[RT_COUNT];
    _Atomic uint64_t decisions[4]; /* ALLOW, REVIEW, LICENSE_REQUIRED, DENY */
    _Atomic uint64_t reviews[2];   /* clear, confirm */
    _Atomic uint64_t rate_limited;
    _Atomic uint64_t reloads_ok, reloads_failed;
    _Atomic uint64_t in_flight;
} xg_metrics;

void metrics_observe(xg_metrics *m, xg_route_id r, int status, double seconds);
void metrics_decision(xg_metrics *m, const char *outcome);

/* ---- keys and rate limits ---- */
typedef struct xg_auth xg_auth;
int auth_new(xg_auth **out, double rate, double burst);
void auth_free(xg_auth *a);
/* Resolve a presented key (cached for a short time so that the store is not asked per request)
 * and take one token from its bucket (*limited when empty: 429). Returns 0 and fills role/name
 * (name copied into name_out[64]), XG_ENOTFOUND for unknown keys, another code when the store
 * fails. */
int auth_lookup(xg_auth *a, xg_store *store, const char *key, xg_role *role, char name_out[64],
                bool *limited);

/* ---- the server ---- */
struct xg_server {
    struct mg_context *ctx;
    xg_server_opts opts;
    char listen[256];
    char *web_dir;
    char **list_paths; /* owned copies */
    size_t nlist_paths;
    char *policy, *as_of, *db_url;

    xg_text_ctx *text;
    xg_catalog *catalog;     /* NULL when classification is not available */
    xg_policy_set *policies; /* NULL when decisions are not available */
    xg_store *store;         /* NULL when the store is not available */

    pthread_mutex_t snap_lock; /* guards only the pointer read + ref and the swap */
    xg_snapshot *snap;
    _Atomic int64_t snap_loaded; /* unix time of the current snapshot */
    pthread_mutex_t reload_lock; /* one reload at a time */

    xg_auth *auth;
    xg_pool *pool;   /* handlers run here, on full-size stacks */
    xg_pool *loader; /* one thread that builds every snapshot (one malloc arena) */
    xg_metrics metrics;
    time_t started;
};

/* Take a reference to the current snapshot (never NULL once started); release with unref. */
xg_snapshot *server_snapshot_get(xg_server *s);
json_t *server_lists_json(xg_server *s, xg_snapshot *snap);

/* ---- one request ---- */
typedef struct xg_req {
    struct mg_connection *conn;
    const struct mg_request_info *ri;
    xg_server *srv;
    const char *method;
    char path[512];
    const char *query;
    char *body; /* NUL-terminated, heap */
    size_t body_len;
    json_t *json; /* parsed body (owned) */
    xg_role role;
    char key_name[64];
    xg_route_id route;
    int status;            /* set by the reply */
    bool body_drained;     /* false when the body was not read (keep-alive unsafe) */
    char field_prefix[32]; /* "queries[3]." while checking one query of a batch */
    char extra_header[64]; /* one more header line for an error answer (Allow: …) */
} xg_req;

/* Answer with a JSON value (reference stolen) and a status; also records the status. */
void reply_json(xg_req *r, int status, json_t *body);
/* {"error": {"code", "message", "field"}} — field may be NULL. */
void reply_error(xg_req *r, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Answer with raw bytes and a content type (metrics, console files). */
void reply_raw(xg_req *r, int status, const char *ctype, const char *data, size_t len,
               const char *extra_headers);
/* Map a library error code to an HTTP answer (message from xg_error_message). */
void reply_lib_error(xg_req *r, int code, const char *what);

/* Read the body (413 over the limit), check the content type (415), UTF-8 (400), depth (400) and
 * parse it (400). On failure an answer has been sent and false is returned. `optional` accepts an
 * empty body (r->json stays NULL). */
bool req_read_json(xg_req *r, bool optional);
/* A query-string parameter into out (URL-decoded): 1 present, 0 absent (out is ""), -1 when it
 * does not fit in outlen (a 400 has been sent: a value too long to be valid is never taken for an
 * absent one, which would silently drop a filter or restart paging). */
int req_query(xg_req *r, const char *name, char *out, size_t outlen);
/* Answer 400 unknown_parameter and return false when the query string names a parameter not in
 * `known` (NULL-terminated): a misspelt filter must not quietly list everything. */
bool req_query_only(xg_req *r, const char *const *known);

/* Field helpers: fetch a field of an object with a type and a length limit, answering 400 on
 * failure (then returning false). `required` decides whether absence is an error. */
bool field_string(xg_req *r, const json_t *obj, const char *name, bool required, size_t maxlen,
                  const char **out);
bool field_int(xg_req *r, const json_t *obj, const char *name, long min, long max, long *out);
bool field_number(xg_req *r, const json_t *obj, const char *name, double min, double max,
                  double *out);

/* Nesting depth of a JSON text (strings skipped); used before parsing to bound recursion. */
int json_depth(const char *s, size_t n);
/* Check and parse a request body: UTF-8, depth, JSON, an object. NULL and *out (new reference) on
 * success, else the error code ("invalid_utf8", "too_deep", "invalid_json") with msg filled. Pure
 * (no connection), so that it can be fuzzed and unit-tested. */
const char *body_parse(json_t **out, const char *body, size_t len, char *msg, size_t msglen);

/* ---- routes ---- */
void route_screen(xg_req *r);
void route_screen_batch(xg_req *r);
void route_classify(xg_req *r);
void route_decide(xg_req *r);
void route_decision_get(xg_req *r, const char *id);
void route_decisions_list(xg_req *r);
void route_review(xg_req *r, const char *id);
void route_customers(xg_req *r);
void route_customer_get(xg_req *r, const char *id);
void route_lists(xg_req *r);
void route_lists_reload(xg_req *r);
void route_audit_verify(xg_req *r);
void route_keys(xg_req *r);
void route_healthz(xg_req *r);
void route_metrics(xg_req *r);
void route_openapi(xg_req *r);
void route_console(xg_req *r);
void route_alerts(xg_req *r); /* routes_alerts.c */
void route_alert(xg_req *r, const char *id);
struct xg_buf;
void metrics_alerts(struct xg_buf *b, xg_server *s);

/* The Prometheus text exposition (heap string, free() it). */
char *metrics_render(xg_server *s, size_t *len);

#endif
