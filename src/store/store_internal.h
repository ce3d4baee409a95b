/*
 * store_internal.h — what the store's files share: the handle, the connection, statement helpers
 * and the audit-chain append used inside write transactions.
 *
 * The store keeps one writer connection (src/store/db.h: SQLite or PostgreSQL) behind a mutex:
 * every public call takes the lock, so a handle can be shared by server threads, and every write
 * runs in one transaction so the row it records and its audit entry land together or not at all.
 * The reads a decision makes run instead on a small pool of read connections (store_read_begin),
 * so that they wait neither for each other nor for the writer's group commit (measured in
 * bench/results/nodes.md: with one connection the mutex was busy 92% of a 64-client run).
 * Transactions that append to the audit chain take the chain lock first (store_chain_lock), so
 * several processes on one PostgreSQL database append one chain.
 */
#ifndef XG_STORE_INTERNAL_H
#define XG_STORE_INTERNAL_H

#include <pthread.h>
#include <jansson.h>

#include "store/db.h"

#include "xgate/store.h"

typedef struct gc_item gc_item; /* a decision waiting for its group commit (decisions.c) */

struct xg_store {
    db_conn *db;
    pthread_mutex_t lock;
    /* group commit of decisions: the queue, whether a leader is committing, statistics */
    pthread_mutex_t gc_lock;
    gc_item *gc_head, *gc_tail;
    int gc_leader;
    int gc_off; /* 1: every decision commits alone (the benchmark's baseline) */
    unsigned long long gc_batches, gc_decisions;
    char *path;
    char *url; /* the URL opened (read connections open it again) */
    /* read connections (store_read_begin): idle handles, how many are open, the most allowed;
     * rd_off: read connections cannot serve this database (in memory, no WAL journal) */
    pthread_mutex_t rd_lock;
    pthread_cond_t rd_cond;
    xg_store *rd_idle, *rd_next;
    int rd_open, rd_max, rd_off;
    unsigned long long rd_reads, rd_fallbacks;
    int version_at_open; /* the schema version found when opening (before migrating) */
    /* the licenses in memory (xg_store_licenses_cached): the array, when it was read (monotonic
     * ms), counters; lic_lock is held while the table is read, so a flush never races a load (the
     * read handle is taken before lic_lock: see xg_store_licenses_cached) */
    pthread_mutex_t lic_lock;
    json_t *lic_cache;
    long long lic_loaded_ms;
    unsigned long long lic_loads, lic_flushes;
};

/* A handle to read with, for one read (a few statements, no transaction of its own): an idle read
 * connection of the store, or a new one when fewer than the limit are open, or else the next one
 * released. With read connections off, or when a new one cannot be opened (PostgreSQL down: the
 * read then fails on the writer connection with its usual error, or succeeds there once the
 * server is back), the store itself with s->lock held. Give it back with store_read_end. The
 * handle is an xg_store whose db is the read connection: the statement helpers below take it. */
xg_store *store_read_begin(xg_store *s);
void store_read_end(xg_store *s, xg_store *r);
/* The read connection the calling thread holds for s (xg_store_reads_begin), or NULL. */
xg_store *store_reads_held(xg_store *s);

/* The reads a decision's facts make, shared by the functions that run them and by
 * xg_store_facts_prefetch (which sends them ahead in one round trip: the text must be the same,
 * byte for byte, for a prefetched result to be taken). */
#define SQL_OWNERS_OF                                                                              \
    "SELECT owner_name, owner_country, owner_headquarters, percent,"                               \
    " source FROM ownership WHERE owned_key = ? ORDER BY owner_key"
#define SQL_CLEARANCES_FOR                                                                         \
    "SELECT c.id, c.alert_id, c.entry_key, c.entry_fp, c.party_fp, c.reason,"                      \
    " c.reviewer, c.created, p.fingerprint FROM clearances c"                                      \
    " LEFT JOIN monitor_parties p ON p.party_key = c.party_key"                                    \
    " WHERE c.party_key = ? ORDER BY c.entry_key, c.created DESC"
#define SQL_ALERTS_OPEN_FOR                                                                        \
    "SELECT a.id, a.party_name, a.source_code, a.entry_id, a.entry_name,"                          \
    " a.score FROM alerts a JOIN alert_customers c ON c.alert_id = a.id"                           \
    " WHERE c.customer_key = ? AND a.status = 'open' ORDER BY a.created"
/* The lock the first appenders to an empty chain (no audit_head row to lock) serialise on. Not
 * EXCLUSIVE: each of them already holds ROW SHARE on the table from its SELECT … FOR UPDATE of the
 * missing row, which EXCLUSIVE conflicts with, so two of them upgrading at once deadlocked (one
 * got 40P01 and a 503). SHARE UPDATE EXCLUSIVE conflicts with itself but not with ROW SHARE or
 * ROW EXCLUSIVE (PostgreSQL's table-level lock modes): one appender goes on, the others wait, then
 * read the head again with FOR UPDATE — a head inserted meanwhile is locked and taken. Only an
 * appender that holds this lock and still finds no head inserts one, so heads are never inserted
 * twice. */
#define SQL_CHAIN_EMPTY_LOCK_PG "LOCK TABLE audit_head IN SHARE UPDATE EXCLUSIVE MODE"
/* The chain head locked and read (store_chain_head_lock), and the next decision number. */
#define SQL_CHAIN_HEAD_LOCK_PG "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
#define SQL_CHAIN_HEAD_SQLITE "SELECT seq, hash FROM audit_head WHERE id = 1"
#define SQL_NEXT_DECISION_N "SELECT COALESCE(MAX(n), 0) + 1 FROM decisions"
/* A customer's newest record by one key column (the facts reads and their prefetch). */
#define SQL_CUSTOMER_BY(col)                                                                       \
    "SELECT record, created, updated FROM customers WHERE " col " = ?"                             \
    " ORDER BY updated DESC LIMIT 1"

/* Current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ" in out[32]. */
void store_now(char out[32]);

/* Execute SQL without results; XG_ESTORE with the database's message on failure. */
int store_exec(xg_store *s, const char *sql);
/* Prepare, from the connection's statement cache (db_prepare_cached: give the statement back with
 * db_finalize as usual); XG_ESTORE with the database's message on failure. */
int store_prepare(db_stmt **st, xg_store *s, const char *sql);
/* Bind a text value or NULL. */
void store_bind_text(db_stmt *st, int i, const char *v);
/* One value of a row for store_insert_rows: text (s, NULL for SQL NULL) or, when is_int, i. */
typedef struct store_val {
    const char *s;
    long long i;
    int is_int;
} store_val;
/* `into` ("INSERT INTO t (a, b)") for nrows rows of ncols values each (v: row after row): on
 * PostgreSQL as multi-row INSERTs of powers of two rows (store_rows_per_statement), on SQLite one
 * row's INSERT run for each row. XG_ESTORE naming `what` on failure. */
int store_insert_rows(xg_store *s, const char *into, int ncols, int nrows, const store_val *v,
                      const char *what);
/* PostgreSQL: rows of ncols parameters one multi-row statement takes (a power of two, at most
 * STORE_ROWS_MAX and within the server's parameter limit); a group of n rows is written as
 * statements of powers of two rows, so that a few statement texts serve every size. */
#define STORE_ROWS_MAX 256
int store_rows_per_statement(xg_store *s, int ncols);
/* A column as a heap string (NULL for SQL NULL). */
char *store_col_dup(db_stmt *st, int i);
/* A column's text or "" for NULL (borrowed until the next step). */
const char *store_col_text(db_stmt *st, int i);
/* Which backend the store runs on. */
int store_is_pg(const xg_store *s);
/* Set XG_ESTORE from the connection's last error with a context word. */
int store_error(xg_store *s, const char *what);

/* A write transaction (SQLite: BEGIN IMMEDIATE) / COMMIT / ROLLBACK. */
int store_begin(xg_store *s);
int store_commit(xg_store *s);
void store_rollback(xg_store *s);
/* Inside a write transaction that will append to the audit chain: lock the chain head so that
 * appends from several processes are serialised (PostgreSQL: SELECT … FOR UPDATE on the head row;
 * SQLite: BEGIN IMMEDIATE holds the write lock already). Call it before reading anything the
 * append depends on (the next decision number, the head). */
int store_chain_lock(xg_store *s);

/* Append an audit entry (inside a transaction the caller holds) for the row `ref` of `kind`
 * whose canonical payload is `payload` (the exact bytes verify will rebuild from that row).
 * *seq_out / hash_out[65] get the new entry's position and hash. */
int store_audit_append(xg_store *s, const char *kind, const char *ref, const char *payload,
                       long long *seq_out, char hash_out[65]);

/* Inside a write transaction: lock the chain head (PostgreSQL: one SELECT … FOR UPDATE, or a
 * table lock while the chain is empty) and read it: *seq / hash[65] = the last entry (0 and 64
 * zeros for an empty chain). XG_ECORRUPT when the head is missing but the chain is not empty. */
int store_chain_head_lock(xg_store *s, long long *seq, char hash[65]);
/* Append n entries of `kind` (refs[i], canonical payloads[i] whose SHA-256 in hex is
 * payload_hashes[i], from store_payload_hash before any lock was taken) after the head *seq / hash
 * (as store_chain_head_lock read it): the chain hashes are computed here, the rows written with
 * one multi-row INSERT and the head updated once. *seq / hash end as the new head; seqs_out[i] /
 * hashes_out[i] get each entry's position and hash. */
int store_audit_append_many(xg_store *s, int n, const char *kind, const char *const *refs,
                            const char *const *payloads, const char *const *payload_hashes,
                            long long *seq, char hash[65], long long *seqs_out,
                            char (*hashes_out)[65]);
/* The SHA-256 of a canonical payload in hex (the audit row's payload_hash): computed by each
 * writer before it takes the store's lock, so the lock is held only for the chain hash. */
void store_payload_hash(char out[65], const char *payload);

/* The canonical payloads hashed into the chain; verify rebuilds them from the stored rows. A
 * decision's facts (NULL for a row recorded before facts were stored) are part of its payload. */
char *store_decision_payload(const char *id, const char *created, const char *outcome,
                             const char *request, const char *response, const char *list_hash,
                             const char *catalog_version, const char *policy, const char *as_of,
                             const char *facts);
char *store_review_payload(const char *id, const char *decision_id, const char *action,
                           const char *outcome, const char *reason, const char *reviewer,
                           const char *created);

char *store_alert_event_payload(const char *id, const char *alert_id, const char *event,
                                const char *detail, const char *reviewer, const char *created);

/* Announce a change to the other nodes (events.c): on PostgreSQL, pg_notify on "xgate_events"
 * with "<kind>:<detail>" inside the caller's transaction (delivered on commit); nothing on
 * SQLite. Caller holds s->lock. Kinds: "key", "list_version", "alerts", "license". */
int store_notify(xg_store *s, const char *kind, const char *detail);

/* The PostgreSQL text of a (SQLite) migration script (heap): see store.c. */
char *store_pg_translate(const char *sql);
/* The number of migrations this build knows. */
int store_migrations_latest(void);

/* Lowercase, single-spaced copy of a name for matching names between records (heap). */
char *store_name_key(const char *name);

/* A random identifier "<prefix><hex of nbytes random bytes>" (heap). */
char *store_random_id(const char *prefix, size_t nbytes);

/* A time-ordered identifier "<prefix><12 hex: milliseconds since the epoch, big-endian><hex of
 * nbytes random bytes>" (heap), like UUIDv7/ULID: ids made later sort after (to the millisecond),
 * so the ids a commit inserts land together on the last leaf page of an index on them. */
char *store_time_id(const char *prefix, size_t nbytes);

#endif
