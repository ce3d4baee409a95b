/*
 * xgate/monitor.h — watching stored parties as the lists change.
 *
 * A monitor run compares the lists in force (a snapshot) with the entries it saw last time (kept
 * in the store by fingerprint: a hash over names, aliases, identifiers, addresses, countries,
 * programs, dates and type), and re-screens every stored party — customers, their owners and
 * ultimate parents, resellers, the parties of decisions in force — against ONLY the entries
 * added or changed since (the first run, or `full`: every entry in force). The parties are
 * indexed once per run and each changed entry queries that index (xg_party_index_screen), so a
 * run costs the size of the diff, not of the lists. A hit at or above the threshold opens an
 * alert (see xg_store_monitor_apply for what is not re-alerted); an entry gone from the lists
 * closes its open alerts. Work is committed in chunks, each one transaction with the seen-table
 * rows of its entries, so a killed run is completed by the next one without loss or duplicates.
 */
#ifndef XGATE_MONITOR_H
#define XGATE_MONITOR_H

#include <stddef.h>
#include <jansson.h>

#include "xgate/screen.h"
#include "xgate/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

typedef struct xg_monitor_opts {
    double threshold;        /* < 0: XG_SCREEN_DEFAULT_THRESHOLD */
    int full;                /* screen every entry in force, not only the changes */
    size_t chunk;            /* entries per transaction; 0: 2000 */
    const char *webhook_url; /* NULL: no webhook deliveries are queued */
    /* called after each chunk is committed (and once at the start with done = 0) */
    void (*progress)(size_t done, size_t total, void *ctx);
    void *progress_ctx;
    /* the stored list versions the snapshot was loaded from, as xg_feed_lists.versions gives
     * them ({"<source>": {"id","sha256","path",…}}; NULL or {}: bundled or explicit files). Each
     * alert names the version its entry came from (the one whose path holds the entry's file),
     * and the report names them all. */
    const json_t *list_versions;
    /* when not NULL, checked between chunks: once non-zero, the run stops after the chunk it is
     * in (committed), records itself in monitor_runs as cancelled (stats "cancelled": true,
     * "entries_left") and returns 0 with "cancelled": true and "entries_left" in the report. The
     * entries left, the parties' fingerprints and the removals stay for the next run, which
     * completes the work (an alert already opened is not opened again). For a server stopping. */
    const volatile int *cancel;
} xg_monitor_opts;

/* Run once. *report = {"run_id","list_hash","entries_in_force","delta":{"added","changed",
 * "removed"},"parties","party_names","opened":[alert…],"closed":[id…],"suppressed",
 * "still_open","seconds":{"parties","index","screen","store","total"},"list_versions":{source:
 * {"id","sha256","publish_date"?}}}; each opened alert has "list_version" {"source","id",
 * "sha256"} or null. Returns an error only
 * when the run could not be done (the store or the lists failed); what it found is in the report.
 * `text` must be the context the snapshot was built with. */
int xg_monitor_run(json_t **report, xg_store *store, const xg_snapshot *snap,
                   const xg_text_ctx *text, const xg_monitor_opts *opts);

/* The fingerprint (32 hex digits) of a list entry over the fields that matter for screening. */
void xg_monitor_entry_fingerprint(char out[33], const xg_record *r);

/* Of `clearances` (xg_store_clearances_for, one party's), the clearance of list entry `rec`
 * (matched by entry key SOURCE_CODE:ID), or NULL when the pair was never cleared. *applies is 1
 * when it still holds: the entry's fingerprint is the one cleared, and the party's fingerprint
 * (as the last monitor run saw it) too; 0 when either changed since, and the hit counts again. */
const json_t *xg_monitor_clearance_of(const json_t *clearances, const xg_record *rec, int *applies);

/* Deliver the store's pending webhook deliveries for `url` (NULL: any): each alert POSTed as
 * JSON with "X-Xgate-Signature: sha256=<hex HMAC-SHA256 of the body under secret>", retried
 * with doubling back-off up to `max_attempts` (<= 0: 4) per delivery; every outcome recorded.
 * *report = {"delivered": N, "failed": N}. Only loopback or configured URLs are contacted —
 * the caller chooses the URL. */
int xg_monitor_webhooks_deliver(json_t **report, xg_store *store, const char *url,
                                const unsigned char *secret, size_t secret_len, int max_attempts);

/* As xg_monitor_webhooks_deliver, and stops early once *cancel (when not NULL) becomes non-zero:
 * a POST in progress is aborted within about a second, no back-off is waited out, and the
 * delivery being tried and the ones after it stay "pending" (attempts so far recorded) for the
 * next call to send. When cancelled, *report also has "cancelled": true and "pending" (the
 * deliveries left so).
 * For a server shutting down. */
int xg_monitor_webhooks_deliver_until(json_t **report, xg_store *store, const char *url,
                                      const unsigned char *secret, size_t secret_len,
                                      int max_attempts, const volatile int *cancel);

/* HMAC-SHA256 of body under secret as 64 hex digits (out[65]). */
void xg_monitor_sign(char out[65], const unsigned char *secret, size_t secret_len, const char *body,
                     size_t body_len);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
