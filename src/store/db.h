/*
 * db.h — the store's small database driver: one API over two backends, SQLite (sqlite3) and
 * PostgreSQL (libpq), chosen by URL. Only src/store/ (and the usage rows, through
 * store_internal.h) use it; nothing else in xgate talks to a database.
 *
 * URLs: "sqlite:PATH" (also "sqlite://PATH"; the default), "postgresql://…", "postgres://…", or a
 * libpq conninfo string ("host=… dbname=…"; anything containing '='). Several hosts with
 * target_session_attrs=read-write are libpq's own business.
 *
 * SQL is written once with `?` (or `?N`) placeholders; for PostgreSQL they are rewritten to $1…
 * ($N). Text parameters are sent as TEXT (db_bind_text(st, i, NULL): a TEXT NULL, for text
 * columns and text filters), integers as BIGINT, reals as DOUBLE PRECISION; db_bind_null (and a
 * parameter never bound) is an untyped NULL that fits anywhere, as in SQLite (`? IS NULL`, a
 * BIGINT column): on PostgreSQL it is written into the statement as NULL. Results are read as
 * text and converted by the getters, so both backends return the same values.
 *
 * The API mirrors sqlite3's names one to one, so store code written against sqlite3 converts
 * mechanically (the lead converts the other branches' store code with this table):
 *
 *   sqlite3 *                                db_conn *           (xg_store.db)
 *   sqlite3_stmt *                           db_stmt *
 *   sqlite3_prepare_v2(db, sql, -1, &st, 0)  db_prepare(db, sql, &st)   (or store_prepare)
 *   sqlite3_bind_text(st,i,v,-1,TRANSIENT)   db_bind_text(st, i, v)     (v NULL binds NULL)
 *   sqlite3_bind_int / _int64 / _double      db_bind_int / db_bind_int64 / db_bind_double
 *   sqlite3_bind_null                        db_bind_null
 *   sqlite3_step → SQLITE_ROW / SQLITE_DONE  db_step → DB_ROW / DB_DONE (DB_CONSTRAINT on a
 *                                            unique/primary-key violation, DB_ERROR otherwise)
 *   sqlite3_column_text / _int / _int64 /    db_column_text (const char *, NULL for SQL NULL) /
 *     _double / _type (SQLITE_NULL)            db_column_int / _int64 / _double / _type (DB_NULL)
 *   sqlite3_column_count / _name             db_column_count / db_column_name
 *   sqlite3_reset / sqlite3_clear_bindings   db_reset / db_clear_bindings
 *   sqlite3_finalize                         db_finalize
 *   sqlite3_changes(db)                      db_changes(db)
 *   sqlite3_errmsg(db)                       db_errmsg(db)
 *   sqlite3_exec(db, sql, 0, 0, 0)           db_exec(db, sql)  (no parameters; several statements)
 *   "BEGIN IMMEDIATE" / "COMMIT" / "ROLLBACK" db_begin / db_commit / db_rollback
 *   "BEGIN" (a read snapshot)                db_begin_read
 *
 * SQL must be portable: standard types as the migrations use them, `INSERT … ON CONFLICT … DO
 * NOTHING/UPDATE`, no `INSERT OR …`, no SQLite functions. `rowid` may be used to order by
 * insertion (the PostgreSQL migrations give every table a rowid identity column). Where the
 * dialects must differ, branch on db_backend(db).
 *
 * A db_conn is not thread-safe; the store serialises calls with its mutex. A PostgreSQL statement
 * runs when it is first stepped; a statement prepared with db_prepare_stream reads its rows in
 * batches through a cursor (bounded memory; only inside a transaction), any other statement's
 * result is held in memory until reset or finalised.
 */
#ifndef XG_STORE_DB_H
#define XG_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

typedef enum { DB_SQLITE = 1, DB_POSTGRES = 2 } db_backend_t;

enum {
    DB_OK = 0,
    DB_ERROR = 1,
    DB_CONSTRAINT = 19, /* a unique or primary-key violation (SQLITE_CONSTRAINT) */
    DB_MISUSE = 21,     /* db_open: a URL of no known form (SQLITE_MISUSE) */
    DB_ROW = 100,
    DB_DONE = 101,
};

/* Column types (db_column_type): only DB_NULL is distinguished reliably on both backends. */
enum { DB_INTEGER = 1, DB_FLOAT = 2, DB_TEXT = 3, DB_NULL = 5 };

/* Open a connection by URL (see above; NULL or "" = "sqlite:./xgate.db"). On failure returns
 * DB_ERROR (cannot open or connect) or DB_MISUSE
 * (a malformed URL) with a one-line reason in err (never NULL *out on DB_OK). */
int db_open(db_conn **out, const char *url, char *err, size_t errlen);
/* Open a second connection to the database `url` (as db_open took it) for reads only, to be used
 * by one thread at a time: SQLite opens the existing file without creating it, read-only
 * (query_only) and without SQLite's own mutex, and only when the database runs a WAL journal (a
 * reader then sees every transaction committed before its statement began and never waits for
 * the writer); PostgreSQL connects with the same conninfo (so target_session_attrs and several
 * hosts behave as for the writer) and makes its transactions read-only. DB_MISUSE when such a
 * connection cannot serve at all (an in-memory SQLite database, no WAL journal), DB_ERROR when it
 * could not be opened now (PostgreSQL unreachable), each with a reason in err. */
int db_open_reader(db_conn **out, const char *url, char *err, size_t errlen);
void db_close(db_conn *c);
db_backend_t db_backend(const db_conn *c);
/* The URL without any password, for messages. */
const char *db_name(const db_conn *c);
/* The last error's message (one line). */
const char *db_errmsg(const db_conn *c);
/* True when the last error was the connection failing (server down or restarted). */
int db_conn_lost(const db_conn *c);

int db_exec(db_conn *c, const char *sql);
int db_begin(db_conn *c);      /* a write transaction (SQLite: BEGIN IMMEDIATE) */
int db_begin_read(db_conn *c); /* a consistent read snapshot */
int db_commit(db_conn *c);
int db_rollback(db_conn *c);
/* Rows changed by the last INSERT/UPDATE/DELETE. */
long long db_changes(const db_conn *c);
/* The most parameters one statement may have (a multi-row INSERT is split to fit). */
int db_max_params(db_conn *c);

int db_prepare(db_conn *c, const char *sql, db_stmt **out);
int db_prepare_stream(db_conn *c, const char *sql, db_stmt **out);
/* As db_prepare, from the connection's statement cache (DB_STMT_CACHE_SLOTS statements, keyed by
 * the SQL text; the least recently used idle one is replaced): the statement is parsed once per
 * connection instead of once per call (sqlite3_prepare_v2 was ~18 % of a decision's CPU). The
 * caller uses it as any other and gives it back with db_finalize, which resets it and clears its
 * bindings instead of freeing it; db_close finalises the cache. The same SQL prepared again while
 * a caller holds it gives another statement (cached too while an idle slot is left, else
 * uncached: db_finalize then frees it). SQLite re-prepares a cached statement by itself after a
 * schema change (SQLITE_SCHEMA is handled inside sqlite3_step for prepare_v2 statements);
 * on PostgreSQL a cached statement is prepared on the server the first time it runs on a session
 * (PQprepare, with that run's parameter types) and run by name after that, so the server parses
 * and plans it once per session (a run with other parameter types runs unnamed). Not for
 * db_prepare_stream. */
#define DB_STMT_CACHE_SLOTS 64
int db_prepare_cached(db_conn *c, const char *sql, db_stmt **out);
/* The cache's counters (for tests and diagnostics): hits, misses, statements cached now. */
void db_stmt_cache_stats(const db_conn *c, unsigned long long *hits, unsigned long long *misses,
                         int *cached);
/* SQLite: the writer connection checkpoints its WAL on a thread of its own once the WAL holds
 * DB_WAL_CHECKPOINT_PAGES pages (a PASSIVE checkpoint, off the commit path; SQLite's automatic
 * checkpoint is off); db_close joins that thread. The checkpoints it ran so far (for tests; 0 on
 * PostgreSQL and before the first). */
#define DB_WAL_CHECKPOINT_PAGES 1000
unsigned long long db_wal_checkpoints(db_conn *c);
/* A PASSIVE checkpoint that leaves the WAL at DB_WAL_RESTART_PAGES pages or more (16 MB at
 * SQLite's 4 KB pages) makes the writer run a RESTART checkpoint at its next db_begin (waiting at
 * most DB_WAL_RESTART_WAIT_MS for readers), so that its next commit writes the WAL from its
 * start: without it a steady load starves the WAL's restart and the WAL file (and its index,
 * mapped in memory) grows without bound (see db.c). db_set_wal_restart_pages changes the
 * threshold of the writer connection c (0: PASSIVE checkpoints only, the WAL unbounded). */
#define DB_WAL_RESTART_PAGES 4096
#define DB_WAL_RESTART_WAIT_MS 100
void db_set_wal_restart_pages(db_conn *c, int pages);
/* The writer's WAL: checkpoints run, how many of them were RESTART checkpoints that succeeded,
 * and the pages in the WAL after the last commit (all 0 on PostgreSQL). Any may be NULL. */
void db_wal_stats(db_conn *c, unsigned long long *checkpoints, unsigned long long *restarts,
                  int *pages);
int db_bind_text(db_stmt *st, int i, const char *v);
/* db_bind_text without SQLite's copy (SQLITE_STATIC): v must stay unchanged until the statement is
 * reset or finalized (db_finalize clears a cached statement's bindings). PostgreSQL copies. */
int db_bind_text_static(db_stmt *st, int i, const char *v);
int db_bind_int(db_stmt *st, int i, int v);
int db_bind_int64(db_stmt *st, int i, long long v);
int db_bind_double(db_stmt *st, int i, double v);
int db_bind_null(db_stmt *st, int i);
int db_step(db_stmt *st);
int db_column_count(db_stmt *st);
/* A result column's name (PostgreSQL: once the statement has been stepped). */
const char *db_column_name(db_stmt *st, int i);
int db_column_type(db_stmt *st, int i);
const char *db_column_text(db_stmt *st, int i);
int db_column_int(db_stmt *st, int i);
long long db_column_int64(db_stmt *st, int i);
double db_column_double(db_stmt *st, int i);
int db_reset(db_stmt *st);
int db_clear_bindings(db_stmt *st);
void db_finalize(db_stmt *st);

/* Reads fetched ahead (PostgreSQL; nothing on SQLite, whose statements run in-process): run the
 * statements sts[0..n-1] (prepared and bound, not yet stepped; at most DB_PREFETCH_MAX, outside a
 * transaction) in one round trip (libpq's pipeline mode) and keep their results on the
 * connection. A statement later stepped on it with the same SQL and the same parameters takes its
 * result from there instead of running (each result once); the statements passed are left
 * unstepped (finalise them as usual). db_prefetch_clear drops what no statement took (so does
 * db_begin*, and db_prefetch itself first): call it when the reads that asked for them are done,
 * since a result kept longer would be older than the caller expects. A query that failed keeps
 * nothing (its statement runs when stepped and reports its error as usual); DB_ERROR when the
 * pipeline could not be run at all (nothing kept: the statements then run one by one). Counters:
 * results sent for and results taken. */
#define DB_PREFETCH_MAX 16
int db_prefetch(db_conn *c, db_stmt *const *sts, int n);
void db_prefetch_clear(db_conn *c);
void db_prefetch_stats(const db_conn *c, unsigned long long *sent, unsigned long long *taken);

/* db_begin, and on PostgreSQL the statements sts[0..n-1] (prepared and bound, not stepped) sent
 * in the same round trip right after the BEGIN, their results kept as db_prefetch keeps them
 * (taken by the same statements stepped next in the transaction; each runs after the one before
 * it, so a SELECT … FOR UPDATE first and a read after it see what they would have seen one by
 * one). SQLite: db_begin. */
int db_begin_prefetch(db_conn *c, db_stmt *const *sts, int n);
/* PostgreSQL, inside a transaction: with `on`, every statement stepped next (not streamed) is
 * only queued (libpq's pipeline mode): db_step returns DB_DONE at once and db_changes reads 0, so
 * only statements that return no rows and whose count is not needed (INSERT, UPDATE) may be
 * stepped then; their results are read with the COMMIT's, sent after them in the same round trip
 * by db_commit, which fails with the first failure's message. db_exec, a streamed statement or
 * db_defer(c, 0) then a statement sends the queue first. Off again after db_commit/db_rollback.
 * db_deferred_failed: the last db_commit failed because a queued statement did (not the COMMIT
 * itself). SQLite: nothing (statements run at once). */
void db_defer(db_conn *c, int on);
/* PostgreSQL: st, queued by db_defer, returns rows that its caller needs: its result is kept when
 * the COMMIT's round trip reads it, and st is stepped again after db_commit for its rows (none
 * when the transaction failed). Call before stepping st; finalise st only after db_commit or
 * db_rollback (finalising it earlier drops its rows). At most DB_DEFER_ROWS_MAX such statements a
 * transaction. Nothing on SQLite (its statements run when stepped). */
#define DB_DEFER_ROWS_MAX 4
void db_defer_rows(db_stmt *st);
int db_deferred_failed(const db_conn *c);

/* Notifications (PostgreSQL LISTEN/NOTIFY; on SQLite both return DB_MISUSE, "not supported").
 * db_listen subscribes this connection to `channel` (a plain identifier); run it again after a
 * lost connection, since a new session listens to nothing (it reconnects, as db_exec does).
 * db_wait_notify waits up to timeout_ms for one notification on a listening connection: DB_ROW
 * with its payload in *payload (heap, free()), DB_DONE when none came in time, DB_ERROR when the
 * connection was lost (db_conn_lost) or the wait failed. */
int db_listen(db_conn *c, const char *channel);
int db_wait_notify(db_conn *c, int timeout_ms, char **payload);

/* For PostgreSQL: rewrite `?`/`?N` placeholders to `$n` (heap; outside quotes and comments). */
char *db_pg_placeholders(const char *sql, int *nparams);

#endif
