/*
 * xgate/server.h — the HTTP service: the JSON API, API keys and roles, limits, metrics, list
 * reloads and the analyst console (static files from web/).
 *
 * The server owns everything a request needs for the life of the process: the text context, the
 * list snapshot (behind an atomic pointer swapped on reload), the catalog, the policy set and the
 * store. Requests run on civetweb's worker threads; each takes a reference to the snapshot current
 * when it starts, so a reload never fails or delays a request in flight.
 *
 * The library never prints: access-log lines (method, path, status, milliseconds, the key's name —
 * never the key) go to opts->log when given.
 */
#ifndef XGATE_SERVER_H
#define XGATE_SERVER_H

#include <stddef.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

#define XG_SERVER_NO_READERS (-1)
#define XG_SERVER_MAX_READERS 256

typedef struct xg_server xg_server;

/* Limits and defaults; every one can be set in xg_server_opts (0 = the default below). */
#define XG_SERVER_DEFAULT_LISTEN "127.0.0.1:8080"
#define XG_SERVER_DEFAULT_THREADS 64
#define XG_SERVER_DEFAULT_TIMEOUT_MS 10000   /* civetweb request_timeout_ms and batch budget */
#define XG_SERVER_DEFAULT_MAX_BODY (1 << 20) /* bytes; larger bodies get 413 */
#define XG_SERVER_DEFAULT_MAX_BATCH 1000 /* queries in /v1/screen/batch, items in /v1/classify */
#define XG_SERVER_DEFAULT_RATE 200       /* requests per second per key (token bucket refill) */
#define XG_SERVER_DEFAULT_BURST 400      /* token bucket size */
#define XG_SERVER_MAX_JSON_DEPTH 32      /* nesting of arrays/objects in a request body */
#define XG_SERVER_MAX_FIELD 4096         /* bytes in any one string field of a request */

typedef struct xg_server_opts {
    const char *listen;            /* civetweb listening_ports, e.g. "127.0.0.1:8080" ("0" picks
                                      a free port; read it back with xg_server_port) */
    const char *db_url;            /* NULL: "sqlite:./xgate.db" */
    const char *const *list_paths; /* NULL/0: the bundled lists; re-read on every reload */
    size_t nlist_paths;
    const char *policy;  /* default policy profile for /v1/decide; NULL: "provider" */
    const char *as_of;   /* default as-of date for decisions; NULL: today */
    const char *web_dir; /* console files; NULL: $XGATE_WEB, <data dir>/../web, ./web */
    int threads; /* civetweb num_threads, and as many handler threads. civetweb holds a worker per
                    open keep-alive connection, so this bounds concurrent connections: keep it
                    above the number of connections clients hold open */
    /* the store's read connections for the decision path (xg_store_readers_set): 0 =
     * XG_STORE_READERS_DEFAULT, > 0 that many, XG_SERVER_NO_READERS every read on the writer
     * connection */
    int read_connections;
    int request_timeout_ms;
    size_t max_body;
    int max_batch;
    double rate; /* < 0: no rate limit */
    double burst;
    /* Access log and notices: called from worker threads with one line (no newline). */
    void (*log)(void *user, const char *line);
    void *log_user;
    /* Lists that stay current (xgate/feeds.h). The snapshot loads what xg_feed_lists_choose
     * chooses, as the CLI does: the list files above when given (they win outright), else the
     * versions in force in the store in place of the bundled files of their lists, else the
     * bundled lists; POST /v1/lists/update and the refresh fetch new versions and swap them in. */
    const char
        *state_dir; /* where versions are kept (serve --data-dir); NULL: $XGATE_STATE_DIR, else
                       ./xgate-state */
    const char *sources_path; /* the feeds to fetch; NULL: the bundled data/lists/sources.tsv */
    const char *const *source_specs; /* "NAME=URL[,URL…]": only these feeds (replace the file) */
    size_t nsource_specs;
    long refresh_seconds; /* > 0: fetch the feeds at start and then every this many seconds */
    /* After each in-server monitor run, POST each new alert to webhook_url (http or https) as
     * `monitor run --webhook` does (xg_monitor_webhooks_deliver: signed with HMAC-SHA256 under
     * the secret read from webhook_secret_file at start, retried with back-off, every delivery
     * recorded in the store). Both or neither; an unreadable or empty secret file stops the
     * start. */
    const char *webhook_url;
    const char *webhook_secret_file;
} xg_server_opts;

/* Load everything (lists, catalog, policies, store), then start listening. On failure nothing is
 * left running and the message says what failed (a list file, the database, a port in use).
 * *out is owned by the caller and released with xg_server_stop. */
int xg_server_start(xg_server **out, const xg_server_opts *opts);

/* The first port actually listened on (useful with listen "0"), or -1. */
int xg_server_port(const xg_server *s);

/* Rebuild the list snapshot from the configured paths and swap it in; requests in flight keep the
 * old one until they finish. *info (may be NULL) gets the /v1/lists JSON of the new snapshot (new
 * reference). A failed reload leaves the current snapshot in place. XG_EEXIST when a reload is
 * already running. Thread-safe. */
int xg_server_reload(xg_server *s, json_t **info);

/* Fetch the configured feeds now (as the refresh does) and swap in the new versions that pass the
 * checks. *out (may be NULL) gets {"results": [per source: "source", "status" (new, unchanged,
 * refused or error), "version", "reason", "entries"], "reloaded": bool}. XG_EEXIST when an update
 * is already running (it is not run twice). Thread-safe. */
int xg_server_update(xg_server *s, json_t **out);

/* Stop listening, wait for requests in flight, free everything. NULL is a no-op. */
void xg_server_stop(xg_server *s);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
