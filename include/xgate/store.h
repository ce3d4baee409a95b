/*
 * xgate/store.h — durable state: customers, ownership edges, resellers, licenses, decisions,
 * review actions, access records, API keys and the tamper-evident audit chain.
 *
 * One interface, chosen by URL: "sqlite:PATH" (the embedded default, "./xgate.db"), or PostgreSQL:
 * "postgresql://…", "postgres://…" or a libpq conninfo string ("host=/run/pg dbname=xgate"; several
 * hosts with target_session_attrs=read-write are passed to libpq as they are). SQL is kept
 * portable. Opening runs the versioned schema migrations (the same versions on both backends).
 * A write is reported only after it is durable (WAL, synchronous commit). Every function is safe to
 * call from several threads on one xg_store (calls are serialised inside), and several processes
 * may share one PostgreSQL database: audit-chain appends are serialised in the database.
 * JSON in and out uses jansson; returned json_t values are new references owned by the caller.
 */
#ifndef XGATE_STORE_H
#define XGATE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

typedef struct xg_store xg_store;

/* Open (creating and migrating if needed). NULL url = "sqlite:./xgate.db". */
int xg_store_open(xg_store **out, const char *url);
void xg_store_close(xg_store *s);

/* Read connections. Reads on the decision path (customers, ownership, licenses, clearances, open
 * alerts, usage, API keys, a decision by id) run on a small pool of read connections of their
 * own, opened when first needed, so they neither wait for each other nor for the writer's group
 * commit (SQLite: WAL readers; PostgreSQL: sessions on the same conninfo). A read sees every
 * transaction committed before it began. Every write, and every other read, uses the store's one
 * writer connection as before. At most n read connections are open at once (default
 * XG_STORE_READERS_DEFAULT); 0 runs every read on the writer connection. An in-memory SQLite
 * database or one without a WAL journal reads on the writer connection whatever n is.
 * Returns XG_OK, or XG_EINVAL for n < 0. */
#define XG_STORE_READERS_DEFAULT 8
int xg_store_readers_set(xg_store *s, int n);

/* Keep one read connection for the calling thread's reads of s until xg_store_reads_end: reads
 * made one after another by one thread (the facts of a decision: ownership, clearances, licenses,
 * open alerts, usage) then take a read connection from the pool once, not once each, and do not
 * queue behind other threads between them. Each read is still its own statement (no transaction
 * spans them). Pairs nest (counted); a thread holds a read connection of one store at a time (a
 * begin for a second store holds nothing). When no read connection can be had (read connections
 * off, an in-memory SQLite database, PostgreSQL unreachable) nothing is held and reads go their
 * usual way. Call xg_store_reads_end on the same thread, before closing s. */
void xg_store_reads_begin(xg_store *s);
void xg_store_reads_end(xg_store *s);
/* On PostgreSQL, with a read connection held (xg_store_reads_begin): send ahead, in one round
 * trip, the reads a decision's facts make about its customer party `name` (xg_store_ownership_of,
 * xg_store_clearances_for, xg_store_alerts_open_for) and about the customer `customer` that the
 * usage rule looks up (xg_store_customer_get, and xg_store_customer_find unless by_id): those
 * calls, made next on this thread with the same arguments, take the results sent ahead instead
 * of a round trip each (each result once; what no call took is dropped at xg_store_reads_end).
 * Their answers are the same either way. Nothing on SQLite or without a held read connection; a
 * failure only means the reads run one by one. NULL arguments are skipped. */
void xg_store_facts_prefetch(xg_store *s, const char *name, const char *customer, int by_id);
/* The same for xg_store_clearances_for of n parties (at most 16 at a time are sent ahead). */
void xg_store_clearances_prefetch(xg_store *s, const char *const *names, size_t n);

/* ---- API keys (for the HTTP service) ---- */
/* Create a key with role "service", "analyst" or "admin"; *key_out gets the secret (heap; shown
 * once, stored only hashed). */
int xg_store_key_create(char **key_out, xg_store *s, const char *role, const char *name);
/* Look a presented key up; XG_ENOTFOUND when unknown or revoked. role/name are heap strings. */
int xg_store_key_lookup(char **role_out, char **name_out, xg_store *s, const char *key);

/* ---- customers ---- */
/* Insert or update a customer from a request-style customer object; *id_out gets its id (heap). */
int xg_store_customer_put(char **id_out, xg_store *s, const json_t *customer);
int xg_store_customer_get(json_t **out, xg_store *s, const char *id);
int xg_store_customers_list(json_t **out, xg_store *s, int limit, const char *cursor);

/* ---- decisions, reviews, audit ---- */
/* {"decision_id","created","decision","request","response","versions","facts" (the facts it
 * was taken over, or null for a decision recorded before facts were stored),"review_status",
 * "final_outcome","audit","reviews"}. */
int xg_store_decision_get(json_t **out, xg_store *s, const char *decision_id);
/* Filter by outcome (NULL = any) and review status ("open", "resolved", NULL = any); paged by an
 * opaque cursor; *out = {"decisions": [...], "next_cursor": "..." | null}. */
int xg_store_decisions_list(json_t **out, xg_store *s, const char *decision, const char *status,
                            int limit, const char *cursor);
/* Resolve a REVIEW decision: action "clear" (→ ALLOW) or "confirm" (→ DENY); appended to the audit
 * chain; XG_ENOTFOUND for an unknown id, XG_EINVAL when it is not an open review. */
int xg_store_review_resolve(json_t **out, xg_store *s, const char *decision_id, const char *action,
                            const char *reason, const char *reviewer);
/* Verify the whole audit chain; *out = {"ok": bool, "rows": N, "first_bad": {"seq",
 * "problem"}|null}. Returns 0 even when the chain is broken (the report says so); an error only
 * when it cannot read. */
int xg_store_audit_verify(json_t **out, xg_store *s);

/* ---- additions (decide work) ---- */

/* The schema version the store is at (number of migrations applied). */
int xg_store_schema_version(int *out, xg_store *s);
/* {"backend": "sqlite"|"postgresql", "store": URL without password, "schema_version": N,
 * "latest": the version this build knows, "applied_at_open": migrations applied by opening}. */
int xg_store_info(json_t **out, xg_store *s);
/* Copy every table of the store at `from` into the (new or empty) store at `to`, in insertion
 * order, reading one consistent snapshot of the source and writing in one transaction; then verify
 * the destination's audit chain. *out = {"from","to","tables":{name: rows},"rows": N,
 * "verify": {the audit verify report of the destination}}. XG_EEXIST when the destination holds
 * data already; XG_ECORRUPT when the copied chain does not verify (nothing is left half-copied:
 * the destination transaction is rolled back on any error before the verification). */
int xg_store_copy(json_t **out, const char *from, const char *to);

/* Record a decision durably: gives `response` a "decision_id" (when it has none), writes the
 * request, the response (as it stands, without "audit") and its versions ("versions" object) with
 * an audit-chain entry in one synchronous transaction, along with an access record (source IP,
 * response "access.source_country") and the reseller → customer relations the request shows.
 * Only after COMMIT returns are "created" and "audit": {"seq","hash"} added to `response`.
 * A REVIEW outcome enters the review queue ("open"). */
int xg_store_decision_record(xg_store *s, json_t *response, const json_t *request);
/* The same, with the facts the decision was taken over (canonical JSON, docs/decide-facts.md;
 * NULL: none) stored in the row and covered by its audit-chain entry. */
int xg_store_decision_record_facts(xg_store *s, json_t *response, const json_t *request,
                                   const char *facts);

/* A decision's response already written as text (xg_decide_write): the sorted compact JSON
 * (json_dumps with JSON_COMPACT | JSON_SORT_KEYS) of the response that
 * xg_store_decision_record_facts would store, cut where the decision id's value goes. */
typedef struct xg_store_decision_text {
    const char *outcome;                          /* "decision" */
    const char *resp_head;                        /* the text up to "decision_id": (included) */
    const char *resp_tail;                        /* the text after the id's value */
    const char *lists, *catalog, *policy, *as_of; /* "versions" (NULL: absent) */
    const char *customer;       /* the customer party's name (the request may name none) */
    const char *source_country; /* "access.source_country", or NULL */
    /* set when recorded: the id given, "created", "audit" {"seq","hash"} */
    char id[64], created[32], hash[65]; /* id: "dec_" + 32 hex today; ids are opaque */
    long long seq;
} xg_store_decision_text;
/* xg_store_decision_record_facts for a response written as text: the same rows and audit entry,
 * byte for byte, as for the tree those texts are of; the id, the time and the chain entry are
 * returned in t. */
int xg_store_decision_record_text(xg_store *s, xg_store_decision_text *t, const json_t *request,
                                  const char *facts);

/* The most decisions xg_store_decisions_record_batch takes at once. */
#define XG_STORE_BATCH_MAX 1000
/* Record n decisions (as xg_store_decision_record_facts does each: responses[i] for requests[i],
 * facts[i] or facts NULL for none) in one transaction: all of them or none (on an error no
 * response is changed but for a "decision_id" given to those without one). XG_ETOOBIG over
 * XG_STORE_BATCH_MAX. */
int xg_store_decisions_record_batch(xg_store *s, json_t *const *responses,
                                    const json_t *const *requests, const char *const *facts,
                                    size_t n);

/* Validate a request-style customer object (fields named in the message); 0 when valid. */
int xg_store_customer_validate(const json_t *customer);
/* The most recently updated customer whose legal name equals `name` (case and spacing folded);
 * XG_ENOTFOUND when none. */
int xg_store_customer_find(json_t **out, xg_store *s, const char *name);

/* Add an ownership edge: owner {"name","country","headquarters","percent"} → owned_name. */
int xg_store_ownership_add(xg_store *s, const json_t *owner, const char *owned_name,
                           const char *source);
/* Direct owners of a name: [{"name","country"?,"headquarters"?,"percent"?,"source"}]. */
int xg_store_ownership_of(json_t **out, xg_store *s, const char *owned_name);

/* Licenses on file: {"number","party","items":[…],"destinations":[ISO-2…],"valid_from",
 * "valid_to"?,"conditions"?}; XG_EEXIST for a number already on file. */
int xg_store_license_add(xg_store *s, const json_t *license);
int xg_store_licenses_list(json_t **out, xg_store *s);
/* The licenses on file as xg_store_licenses_list gives them, from a copy this handle keeps in
 * memory (a decision reads them all; reading the table per decision cost a query and a JSON parse
 * per license). *out is shared with other threads: read it, copy what you keep (json_deep_copy),
 * never change it, and json_decref it when done. The copy is dropped when this handle adds a
 * license, when xg_store_licenses_forget is called (the server does on a PostgreSQL "license"
 * notification from another node), and is read again when older than
 * XG_STORE_LICENSE_CACHE_MS: a license another process adds is seen within that bound. */
#define XG_STORE_LICENSE_CACHE_MS 1000
int xg_store_licenses_cached(json_t **out, xg_store *s);
/* Drop the in-memory licenses (the next xg_store_licenses_cached reads the table). */
void xg_store_licenses_forget(xg_store *s);
/* How often the cache was read from the table (loads) and dropped before its time (flushes: a
 * license added through this handle, or xg_store_licenses_forget). */
void xg_store_license_cache_stats(xg_store *s, unsigned long long *loads,
                                  unsigned long long *flushes);
/* The SQLite writer's write-ahead log (WAL): checkpoints run by its checkpointer thread, RESTART
 * checkpoints that brought the WAL back to its start (one whenever a checkpoint leaves 4,096
 * pages or more in it: the WAL stays near 16 MB under a steady load instead of growing without
 * bound), and its pages after the last commit. All 0 on PostgreSQL and before the first
 * checkpoint; any pointer may be NULL. */
void xg_store_wal_stats(xg_store *s, unsigned long long *checkpoints, unsigned long long *restarts,
                        long long *pages);

/* Resellers (intermediaries) seen in recorded decisions and whom each serves, by reseller then
 * customer: [{"name","country"?,"serves","names_end_user" (true/false/null),"first_seen",
 * "last_seen"}]. `name` NULL for all, else only that reseller (name-key match). */
int xg_store_resellers_list(json_t **out, xg_store *s, const char *name);

/* API keys: list ([{"id","role","name","created","revoked"}], never the secret) and revoke by id
 * (the 12 hex digits after "xgk_"). */
int xg_store_keys_list(json_t **out, xg_store *s);
int xg_store_key_revoke(xg_store *s, const char *key_id);

/* The audit head (last seq and hash), to copy somewhere the database's writers cannot reach:
 * {"seq", "hash"}. */
int xg_store_audit_head(json_t **out, xg_store *s);

/* ---- restricted-party list versions (`xgate lists update`) ---- */
/* A version row: {"id","source","status" ("ok" for a version, "refused" for a refused download),
 * "sha256"?,"fetched_at"? (default now),"publish_date"?,"entries"?,"reason"?,"etag"?,
 * "last_modified"?,"path"? (the version's directory),"in_force"? (bool),"check_result"? (why an
 * update found the source unchanged, e.g. "304 Not Modified"),"checked_at"? (default now when
 * check_result is given)}. With "in_force" true the source's previous version leaves force in the
 * same transaction. A row whose id exists already only updates in_force, etag, last_modified and
 * (when given) checked_at and check_result: a version fetched or checked again. Rows read back
 * carry checked_at and check_result when a check was recorded. */
int xg_store_list_version_put(xg_store *s, const json_t *row);
/* Rows of one source (NULL: every source, by source), newest first; *out is an array of rows as
 * above, "in_force" always present. */
int xg_store_list_versions(json_t **out, xg_store *s, const char *source);
/* The rows in force, one per source that has one, by source. */
int xg_store_list_versions_in_force(json_t **out, xg_store *s);
/* One row by id; XG_ENOTFOUND when there is none. */
int xg_store_list_version_get(json_t **out, xg_store *s, const char *id);

/* Parse a customers CSV (columns in docs/decide.md: id, name, aliases, country,
 * headquarters, region, ultimate_parent, ultimate_parent_headquarters, ids, address,
 * payment_means, payment_source, payment_country, email, phone, verification, owners) into an
 * array of request-style customer objects, each validated; the first bad row is an error naming
 * file (`name`) and line, and nothing is returned. */
int xg_customers_parse_csv(json_t **out, const char *data, size_t len, const char *name);

/* ---- monitoring: parties, seen list entries, alerts, clearances, webhooks (monitor work) ---- */

/* One stored party as the monitor sees it. Strings are borrowed for the callback only. */
typedef struct xg_stored_party {
    const char *key;         /* name key (lower case, single spaces) */
    const char *name;        /* as stored */
    const char *role;        /* "customer", "owner", "ultimate_parent", "reseller" or the role
                                of a party of a decision in force ("intermediary", …) */
    const char *customer;    /* the name it relates to: itself for a customer, the owned name
                                for an owner, the served customer for a reseller */
    const char *aliases;     /* JSON array text or NULL */
    const char *ids;         /* JSON array text ("SCHEME:VALUE") or NULL */
    const char *decision_id; /* for a party read from a decision in force (not DENY), else NULL */
} xg_stored_party;

/* Call cb for every stored party: customers (and their ultimate parents), ownership edges'
 * owners, resellers, and the parties of decisions whose final outcome is not DENY. A non-zero
 * return from cb stops the walk and is returned. */
int xg_store_parties_each(xg_store *s, int (*cb)(const xg_stored_party *p, void *ctx), void *ctx);

/* The party generation: the store's random token (hex, token[33]) and a counter bumped by every
 * write to the tables xg_store_parties_each reads (customers, ownership, resellers, decisions).
 * The same (token, counter) means the same parties. */
int xg_store_party_generation(xg_store *s, char token[33], int64_t *counter);

/* Where a compiled file belonging to this store may live: "<path>.parties"-style names are built
 * from it. The SQLite database file's path, or NULL for PostgreSQL. */
const char *xg_store_sqlite_path(const xg_store *s);

/* Every entry the monitor has seen: cb(entry_key, fingerprint, ctx). */
int xg_store_monitor_seen_each(xg_store *s, int (*cb)(const char *key, const char *fp, void *ctx),
                               void *ctx);

/* Every party the monitor has screened: cb(party_key, fingerprint, ctx). */
int xg_store_monitor_parties_each(xg_store *s,
                                  int (*cb)(const char *key, const char *fp, void *ctx), void *ctx);

/* Apply one chunk of a monitor run in ONE transaction ("parties_put": [[party_key, fp]…] records
 * the parties screened, as "seen_put" does the entries): {"list_hash", "webhook": URL|null,
 * "seen_put": [[entry_key, source, entry_id, fingerprint, name]…], "seen_del": [entry_key…],
 * "hits": [{party_key, party_name, party_fp, roles:[…], customers:[name…], entry_key, source,
 * source_code, entry_id, entry_name, entry_fp, matched, score, explanation, decisions:[…]}],
 * "run": {"id","started","stats"} (the last chunk only)}. A hit opens an alert unless the pair
 * is cleared with the same fingerprints, an alert for the pair is open already, or the same
 * (party, entry, fingerprints) alerted before; alerts on entries in "seen_del" are closed
 * (entry_removed). Every alert event is chained into the audit log. *out = {"opened":[alert…],
 * "closed":[id…], "suppressed": N, "still_open": N}. */
int xg_store_monitor_apply(json_t **out, xg_store *s, const json_t *chunk);

/* Alerts by status: "open", "cleared", "closed" (confirmed or entry_removed), "all" (NULL). */
int xg_store_alerts_list(json_t **out, xg_store *s, const char *status);
int xg_store_alert_get(json_t **out, xg_store *s, const char *alert_id);
/* Resolve an open alert: "clear" records a clearance for the (party, entry) pair with both
 * fingerprints; "confirm" marks it confirmed and DENYs the affected customers' decisions waiting
 * for review (through xg_store_review_resolve). *out = the alert, with "denied": [decision ids].
 * XG_ENOTFOUND unknown id, XG_EINVAL when the alert is not open. */
int xg_store_alert_resolve(json_t **out, xg_store *s, const char *alert_id, const char *action,
                           const char *reason, const char *reviewer);
/* Open alerts affecting a customer (by name key): [{"id","party","source","entry_id","score"}]. */
int xg_store_alerts_open_for(json_t **out, xg_store *s, const char *customer_name);
/* The clearances of a party (by name key, as the monitor keys parties), the latest one per list
 * entry: [{"id","alert_id","party_key","entry_key","entry_fp","party_fp","party_fp_now"?,
 * "reason","reviewer","created"}], where party_fp_now is the party's fingerprint as the last
 * monitor run saw it (absent when no run has screened it). See xg_monitor_clearance_of. */
int xg_store_clearances_for(json_t **out, xg_store *s, const char *party_name);
/* Alert counts by status: {"open": N, …}. */
int xg_store_alert_counts(json_t **out, xg_store *s);
/* Webhook deliveries not yet delivered ("pending" or "failed" with attempts left):
 * [{"id","alert_id","url","attempts"}]. */
int xg_store_webhook_pending(json_t **out, xg_store *s, const char *url);
/* Record an attempt's outcome: status "delivered", "pending" (will retry) or "failed". */
int xg_store_webhook_record(xg_store *s, const char *delivery_id, const char *status, int attempts,
                            long http_status, const char *error);
/* ---- incremental scans (`xgate scan --state`, src/store/scan_state.c) ---- */

/* The files of earlier runs: {path: {"size","mtime_ns","hash","first_run","last_run"}}. */
int xg_store_scan_files(json_t **out, xg_store *s);
/* The stored results of every file's documents: {path: [result, …]} in document order. */
int xg_store_scan_documents(json_t **out, xg_store *s);
/* The latest run: {"id","started","finished","stats","findings","graph"}; XG_ENOTFOUND when no
 * run was recorded. */
int xg_store_scan_last_run(json_t **out, xg_store *s);
/* Record one run in ONE transaction: {"id","started","finished","stats":{…},"findings":[…],
 * "graph":{…}, "files_put": [{"path","size","mtime_ns","hash","documents": [result …] | null
 * (null: the stored documents stay; only size and mtime change)}], "files_del": [path …]}. A
 * file put with documents replaces that file's stored documents. */
int xg_store_scan_record(xg_store *s, const json_t *run);

/* ---- events between nodes (PostgreSQL LISTEN/NOTIFY, docs/nodes.md) ----
 * Several `xgate serve` nodes share one PostgreSQL store. A write that changes what a node caches
 * announces itself on the channel "xgate_events" inside its transaction, so the others hear it
 * when (and only if) it commits: "key" (an API key created or revoked; detail: the key id),
 * "list_version" (a new list version in force; detail: the version id) and "alerts" (alerts
 * opened, closed or resolved; detail: an alert id or a count). A listener has a connection of its
 * own. Notifications sent while it was disconnected are lost, so after reconnecting the next wait
 * reports the kind "reconnected": the caller must then refresh everything it caches. */
typedef struct xg_store_events xg_store_events;
/* Open a listener on the store at `url` (its own connection) and LISTEN. A SQLite URL is
 * XG_EFORMAT ("not supported": one SQLite store serves one node); a failed connection XG_ESTORE. */
int xg_store_events_open(xg_store_events **out, const char *url);
/* Wait up to timeout_ms for the next event. Returns 0 with *kind and *detail (heap strings,
 * free() both) for an event, 0 with *kind NULL when none came in time, XG_ESTORE when the
 * connection is lost and could not be made again (call again later: each call tries once). The
 * first event after a reconnection is "reconnected" (detail ""). */
int xg_store_events_wait(xg_store_events *ev, int timeout_ms, char **kind, char **detail);
void xg_store_events_close(xg_store_events *ev);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
