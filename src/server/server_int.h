/*
 * server_int.h — what the server's files share: the route table, the server state, one request's
 * context, and the helpers for reading bodies, answering JSON and errors, keys and rate limits and
 * metrics.
 *
 * Split by concern: routes.c the route table (method, path, role, handler, metrics label: the one
 * place a route is defined), router.c matching a request to its row and the checks before the
 * handler, state.c what requests read (snapshot, catalog, policies, store) and the list reload,
 * server.c start and stop, http.c reading requests and answering, auth.c keys and rate buckets,
 * metrics.c counters, routes_<area>.c the handlers (screen, decide, customers, keys, misc). Each
 * handler reads top to bottom: parse, validate, call the library, answer. The server is built on
 * the public API only (include/xgate/), as a library user would be.
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
#include "xgate/core.h"
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

/* ---- the route table (routes.c) ---- */
typedef struct xg_req xg_req;
typedef void (*route_handler)(xg_req *r);

typedef struct route_def {
    const char *method; /* "GET" (which answers HEAD too) or "POST" */
    /* "/v1/decisions/{id}": a {name} segment matches one non-empty path segment, handed to the
     * handler in r->param; "*" matches every path outside /v1 (the console's files). */
    const char *path;
    xg_role role; /* the least role a key needs; ROLE_NONE: no key */
    route_handler handler;
    /* Metrics are labelled by this, never by the raw path, so the series are a fixed set; rows
     * that share a label (GET and POST of one path) share their series. */
    const char *label;
} route_def;

extern const route_def route_table[];
extern const size_t route_count;

/* Metrics keep one slot per row (routes.c checks the table fits) and one for requests that
 * matched no route. */
#define XG_ROUTES_MAX 48
#define ROUTE_SLOT_UNKNOWN XG_ROUTES_MAX
#define ROUTE_SLOTS (XG_ROUTES_MAX + 1)
/* The metrics slot of a row: the first row with its label; ROUTE_SLOT_UNKNOWN for NULL. */
int route_slot(const route_def *d);

/* ---- metrics ---- */
#define XG_LAT_BUCKETS 14
typedef struct xg_metrics {
    _Atomic uint64_t requests[ROUTE_SLOTS][6]; /* by status class: 1xx..5xx, [0] unused */
    _Atomic uint64_t lat_bucket[ROUTE_SLOTS][XG_LAT_BUCKETS + 1]; /* cumulative at render time */
    _Atomic uint64_t lat_sum_us[ROUTE_SLOTS];
    _Atomic uint64_t decisions[XG_OUTCOME_COUNT]; /* by XG_OUTCOME_* */
    _Atomic uint64_t reviews[2];                  /* clear, confirm */
    _Atomic uint64_t rate_limited;
    _Atomic uint64_t reloads_ok, reloads_failed;
    _Atomic uint64_t notify_reloads, notify_key_flushes; /* acted on other nodes' events */
    _Atomic uint64_t notify_license_flushes;
    _Atomic uint64_t in_flight;
} xg_metrics;

void metrics_observe(xg_metrics *m, const route_def *route, int status, double seconds);
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
/* Forget every cached key (another node created or revoked one: notify.c); the next request of
 * each key asks the store again. Rate buckets are forgotten with their entries. */
void auth_forget_all(xg_auth *a);

/* ---- lists that stay current (refresh.c) ---- */
struct xg_feed_source;
struct xg_buf;
/* Why an update failed, a fixed set (the metrics label): refusals by the checks of xgate/feeds.h
 * and "error" for an update that could not run (store, state directory). */
typedef enum {
    FEED_FAIL_HTTP,
    FEED_FAIL_TIMEOUT,
    FEED_FAIL_TRUNCATED,
    FEED_FAIL_TOO_LARGE,
    FEED_FAIL_NETWORK,
    FEED_FAIL_EMPTY,
    FEED_FAIL_HTML,
    FEED_FAIL_FORMAT,
    FEED_FAIL_PARSE,
    FEED_FAIL_SHRINK,
    FEED_FAIL_OTHER,
    FEED_FAIL_ERROR,
    FEED_FAIL_KINDS
} feed_fail_kind;
const char *feed_fail_name(feed_fail_kind k);
/* The kind of a refusal from its one-line reason (xg_feed_result.reason). */
feed_fail_kind feed_fail_classify(const char *reason);
/* Parse the freshness limits (data/lists/refresh_limits.tsv: source TAB max_age_hours, a "*" row
 * required) into the table the server reads; `name` names the file in errors (XG_EPARSE with
 * the line). On error the table is left empty. */
int freshness_parse(const char *text, size_t len, const char *name);

#define XG_FEEDS_MAX 32
/* What the server knows of one source: its version in force (from the store) and its update
 * attempts (since start, seeded from the store's newest refusal). Guarded by feeds_lock. */
typedef struct feed_state {
    char source[48];
    char version[80]; /* in force; "" when none (the bundled or configured file is used) */
    long long entries;
    int64_t fetched_at;   /* of the version in force (unix time), 0 when none */
    int64_t published_at; /* its publish date, 0 when the file carries none */
    int64_t last_attempt, last_success, last_failure; /* unix times, 0 = never */
    char last_result[16];                             /* new, unchanged, refused, error, "" */
    char failure_reason[256];
    feed_fail_kind failure_kind;
    uint64_t failures[FEED_FAIL_KINDS];
    uint64_t results[4]; /* new, unchanged, refused, error */
    long max_age;        /* seconds (data/lists/refresh_limits.tsv) */
} feed_state;

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
    json_t *snap_versions;       /* the stored versions snap holds, as decisions name them */
    json_t *snap_lists_versions; /* the same with their paths (xg_feed_lists.versions) */
    json_t *snap_skipped;        /* versions in force not loadable (xg_feed_lists.skipped) */
    char snap_origin[16];        /* "store", "files" or "bundled" */
    _Atomic int64_t snap_loaded; /* unix time of the current snapshot */
    pthread_mutex_t reload_lock; /* one reload at a time */

    xg_auth *auth;
    xg_pool *loader;     /* one thread that builds every snapshot (one malloc arena) */
    xg_pool *batch_pool; /* cores - 1 threads that help screen a batch; NULL on one core */
    xg_metrics metrics;
    time_t started;

    /* lists that stay current (refresh.c) */
    char *state_dir, *sources_path;
    struct xg_feed_source *sources; /* the feeds an update fetches */
    size_t nsources;
    pthread_mutex_t feeds_lock; /* guards feeds[] */
    feed_state feeds[XG_FEEDS_MAX];
    size_t nfeeds;
    pthread_mutex_t update_lock; /* one update at a time */
    pthread_mutex_t refresh_mu;  /* with refresh_cv: the refresher's sleep, and stopping */
    pthread_cond_t refresh_cv;
    pthread_t refresher;
    bool refresher_running;
    volatile int stopping; /* set once at stop: the refresher ends, transfers are cancelled */
    _Atomic int64_t last_update_run; /* unix time the last update (any trigger) finished */
    json_t *last_monitor;            /* the last monitor run's summary (feeds_lock) */
    /* other nodes' changes (notify.c; PostgreSQL only) */
    xg_store_events *events;
    pthread_t notifier;
    bool notifier_running;
    _Atomic int notify_stopping;
    char *webhook_url;             /* serve --webhook; NULL: no deliveries */
    unsigned char *webhook_secret; /* read from --webhook-secret-file at start */
    size_t webhook_secret_len;
    uint64_t webhooks_delivered, webhooks_failed; /* since start (feeds_lock) */
};

/* ---- state.c: what requests read ---- */
/* Load text tables, lists, catalog, policies and the store before the first request; any failure
 * names the failing file. */
int server_state_load(xg_server *s);
/* Free everything the server holds (pools idle by now), and the server itself. */
void server_state_free(xg_server *s);
/* Take a reference to the current snapshot (never NULL once started); release with unref. */
xg_snapshot *server_snapshot_get(xg_server *s);
json_t *server_lists_json(xg_server *s, xg_snapshot *snap);
/* One line to the operator's log callback, if any. */
void server_log(xg_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reload the snapshot; with `wait`, wait for a reload in progress instead of XG_EEXIST. */
int server_reload(xg_server *s, json_t **info, bool wait);

/* ---- refresh.c: lists that stay current ---- */
/* The current snapshot with the stored versions it was loaded from, with their paths
 * (xg_feed_lists.versions, for the monitor), and the versions in force it skipped because their
 * files are gone (xg_feed_lists.skipped); new references, either pointer may be NULL. */
xg_snapshot *server_snapshot_get_versions(xg_server *s, json_t **versions, json_t **skipped);
/* The current snapshot with the stored list versions it holds, as decisions name them
 * ({"<source>": {"id","sha256","publish_date"?}}, a new reference) and where its lists came
 * from ("store", "files" or "bundled"; copied into origin[16]). */
xg_snapshot *server_snapshot_get_named(xg_server *s, json_t **versions, char origin[16]);
/* At start: the feeds to fetch, the freshness limits, each source's state from the store, and
 * the refresher thread when opts.refresh_seconds > 0. */
int server_feeds_start(xg_server *s);
/* At stop, before civetweb stops: end the refresher, cancelling a transfer in progress. */
void server_feeds_stop(xg_server *s);
void server_feeds_free(xg_server *s);
/* Fetch `src` (NULL: the configured feeds) and swap in new versions; see xg_server_update.
 * `trigger` ("api", "schedule") goes to the log. */
int server_update(xg_server *s, const struct xg_feed_source *src, size_t n, int force,
                  const char *trigger, json_t **out);
/* Each source's version in force, ages and last failure (healthz, /v1/lists, the console);
 * *degraded gets the reasons (new array) when not NULL. */
json_t *server_feeds_json(xg_server *s, json_t **degraded);
void metrics_feeds(struct xg_buf *b, xg_server *s);
/* The last monitor run after an update: {"at","opened","closed","delta"} or {"at","error"}; null
 * before the first (new reference). */
json_t *server_monitor_json(xg_server *s);

/* A new list version was put in force by another node (notify.c): swap the snapshot and the
 * sources' states as the refresh path does after an update. */
int server_reload_notified(xg_server *s);
/* ---- notify.c: several nodes on one PostgreSQL store ---- */
/* Start the listener thread (PostgreSQL stores; nothing on SQLite); stop it (before the loader
 * and the store go). */
int server_notify_start(xg_server *s);
void server_notify_stop(xg_server *s);
/* ---- router.c ---- */
/* civetweb's handler for every path: on the worker's own fiber stack (fiber.c), matches it against
 * the route table, checks method, key, role and rate, runs the handler, counts and logs it. */
int router_on_request(struct mg_connection *conn, void *server);

/* ---- one request ---- */
struct xg_req {
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
    const route_def *route; /* the matched row (or the path's first row on a 405); NULL: none */
    char param[512];        /* the {…} segment of the path, when the route has one */
    int status;             /* set by the reply */
    bool body_drained;      /* false when the body was not read (keep-alive unsafe) */
    char field_prefix[32];  /* "queries[3]." while checking one query of a batch */
    char extra_header[64];  /* one more header line for an error answer (Allow: …) */
};

/* Answer with a JSON value (reference stolen) and a status; also records the status. */
void reply_json(xg_req *r, int status, json_t *body);
/* Append j to b exactly as json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12)) writes it (the
 * server's one encoding; faster: no callback per token, no allocation per object). depth: 0.
 * 0, or -1 (out of memory, a string that is not UTF-8, nesting over 2048: a cycle). */
int json_encode(xg_buf *b, const json_t *j, int depth);
/* A piece of json_encode, for answers written straight into a buffer: a real, exactly as
 * json_encode writes it (strings: xg_buf_json_string). */
int json_put_real(xg_buf *b, double v);
/* This worker thread's answer buffer, emptied, with room reserved in front for the headers; NULL
 * when out of memory. Write a JSON body into it and send it with reply_json_written, or abandon it
 * (the next answer_buf or reply empties it again). */
xg_buf *answer_buf(void);
/* Answer with the JSON body written into b (from answer_buf) and a status. */
void reply_json_written(xg_req *r, int status, xg_buf *b);
/* Append the answer of /v1/screen to b: xg_screen_result_json(res) with "list_origin" and
 * "list_versions" (named) added, byte for byte as json_encode writes that tree, but written
 * straight from res (routes_screen.c). 0, or -1 (out of memory). */
int screen_answer_write(xg_buf *b, const xg_screen_result *res, const char *origin, json_t *named);
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

/* Answer 503 and return false when the server runs without a store. */
bool req_need_store(xg_req *r);
/* Answer 404 and return false unless `id` (from the path) is 1 to 128 printable bytes. */
bool req_valid_id(xg_req *r, const char *id);
/* The limit (1..500, default 50) and cursor query parameters of a paged list; false when a 400
 * has been sent. */
bool req_paging(xg_req *r, int *limit, char *cursor, size_t cursor_len, bool *has_cursor);

/* Nesting depth of a JSON text (strings skipped); used before parsing to bound recursion. */
int json_depth(const char *s, size_t n);
/* Check and parse a request body: UTF-8, depth, JSON, an object. NULL and *out (new reference) on
 * success, else the error code ("invalid_utf8", "too_deep", "invalid_json") with msg filled. Pure
 * (no connection), so that it can be fuzzed and unit-tested. */
const char *body_parse(json_t **out, const char *body, size_t len, char *msg, size_t msglen);

/* ---- the handlers (routes_*.c), one per row of the route table ---- */
void route_screen(xg_req *r);
void route_screen_batch(xg_req *r);
void route_classify(xg_req *r);
void route_decide(xg_req *r);
void route_decide_batch(xg_req *r);
void route_decision_get(xg_req *r);
void route_decisions_list(xg_req *r);
void route_review(xg_req *r);
void route_customers_list(xg_req *r);
void route_customer_put(xg_req *r);
void route_customer_get(xg_req *r);
void route_lists(xg_req *r);
void route_lists_reload(xg_req *r);
void route_audit_verify(xg_req *r);
void route_keys(xg_req *r);
void route_healthz(xg_req *r);
void route_metrics(xg_req *r);
void route_openapi(xg_req *r);
void route_console(xg_req *r);
void route_usage(xg_req *r);          /* routes_usage.c */
void route_usage_report(xg_req *r);   /* routes_usage.c */
void route_usage(xg_req *r);          /* POST /v1/usage (routes_usage.c) */
void route_usage_report(xg_req *r);   /* GET /v1/usage/report (routes_usage.c) */
void route_lists_versions(xg_req *r); /* routes_lists.c */
void route_lists_diff(xg_req *r);
void route_lists_update(xg_req *r);
void route_alerts(xg_req *r); /* routes_alerts.c */
void route_alert(xg_req *r);
struct xg_buf;
void metrics_alerts(struct xg_buf *b, xg_server *s);

/* The Prometheus text exposition (heap string, free() it). */
char *metrics_render(xg_server *s, size_t *len);

#endif
