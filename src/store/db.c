/*
 * db.c — the driver layer of db.h: SQLite through sqlite3, PostgreSQL through libpq.
 *
 * PostgreSQL statements are sent when first stepped (PQexecParams: parse, bind and execute in one
 * round trip; PQexecPrepared for a statement of the statement cache prepared on the session; see
 * db.h) and the whole result is
 * kept until reset, except for statements prepared with db_prepare_stream, which read through a
 * cursor FETCH_BATCH rows at a time so that walking a table of millions of rows stays in bounded
 * memory. A connection found broken is re-established before the next transaction or statement
 * outside a transaction: a server restart fails the work in flight (the caller sees the error and
 * nothing half-written, the transaction rolled back by the server) and the work after it resumes.
 */
#include "store/db.h"
#include "store/pq_dl.h"
#include "xgate/error.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_BATCH 2000
/* SQLite connections wait this long for a lock before SQLITE_BUSY */
#define DB_BUSY_TIMEOUT_MS 10000
#define PG_TEXT 25
#define PG_INT8 20
#define PG_FLOAT8 701

/* A read connection's session (db_open_reader): read-only, and the statements it prepares on the
 * server (its key lookups, each run thousands of times a session) planned once, generically:
 * with custom plans the server planned the open-alerts join again at every run (~10–40 µs of its
 * planning a decision, pg_stat_statements; BENCHMARKS.md, pg11c). */
#define PG_READER_SETTINGS                                                                         \
    "SET default_transaction_read_only = on; SET plan_cache_mode = force_generic_plan"

/* statements a pipeline may prepare on the server (pipeline_prepare) */
#define DB_PIPELINE_PREPARES 32

/* A slot of a connection's statement cache (db_prepare_cached): the SQL text (a copy, compared in
 * full; its hash and the caller's pointer make the common hit cheap), the statement, whether a
 * caller holds it and when it was last handed out (the least recently used idle slot is reused). */
typedef struct stmt_slot {
    char *sql;
    const char *ptr;
    unsigned long hash;
    db_stmt *st;
    int busy;
    unsigned long long used;
    /* PostgreSQL: the statement prepared on the server under pname (for the session pepoch of
     * the connection, with the parameter types ptypes[pn]): run by name, parsed and planned once
     * (generic plans) instead of at every run */
    char pname[24];
    unsigned long long pepoch;
    unsigned int *ptypes;
    int pn;
} stmt_slot;

/* The SQLite writer's checkpointer (see wal_hook below). */
typedef struct wal_ckpt {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t thread;
    int started, failed; /* failed: no thread, the hook checkpoints inline as SQLite would */
    int pending, stop;
    char *path;
    unsigned long long runs, restarts;
    int restart_pages;        /* DB_WAL_RESTART_PAGES, or db_set_wal_restart_pages's */
    _Atomic int want_restart; /* set by the thread, taken by the writer's next db_begin */
    int woke_at;              /* the WAL's pages when the hook last woke the thread (the hook's) */
} wal_ckpt;

/* A result fetched ahead (db_prefetch): the statement's SQL and parameters, copied, and its
 * result, taken by the first statement stepped with the same SQL and parameters. */
typedef struct prefetched {
    char *sql;
    int nparams;
    char **vals;
    unsigned int *types;
    PGresult *res;
} prefetched;

struct db_conn {
    db_backend_t backend;
    sqlite3 *lite;
    PGconn *pg;
    char *name;
    char err[512];
    long long changes;
    int lost;
    unsigned cursors;
    int readonly; /* a read connection (db_open_reader): PostgreSQL sessions made read-only */
    int in_txn;   /* between db_begin*() and db_commit/db_rollback (libpq reports UNKNOWN once lost)
                   */
    stmt_slot cache[DB_STMT_CACHE_SLOTS];
    unsigned long long cache_clock, cache_hits, cache_misses;
    wal_ckpt *ckpt;        /* the SQLite writer's checkpointer, NULL until its WAL first grows past
                              DB_WAL_CHECKPOINT_PAGES */
    int wal_restart_pages; /* passed to the checkpointer (db_set_wal_restart_pages) */
    _Atomic int wal_pages; /* the WAL's pages after the writer's last commit (its WAL hook) */
    prefetched pre[DB_PREFETCH_MAX];
    int npre;
    unsigned long long pre_sent, pre_taken;
    /* db_defer: statements that return no rows are queued in libpq's pipeline (npending of them,
     * results unread) until the COMMIT that ends the transaction; deferred_failed: the last
     * COMMIT failed because a queued statement did */
    int defer, npending, deferred_failed;
    /* db_defer_rows: queued statements whose rows pipeline_finish keeps (their place in the queue)
     */
    db_stmt *keep[DB_DEFER_ROWS_MAX];
    int keep_at[DB_DEFER_ROWS_MAX], nkeep;
    /* the cache slots whose statements were prepared inside the pending pipeline (named before
     * the server has answered: forgotten again when the pipeline fails) */
    stmt_slot *pslots[DB_PIPELINE_PREPARES];
    int npslots;
    /* the server session (bumped at every connect: named statements live as long as it) and the
     * names given to prepared statements so far */
    unsigned long long epoch, pnames;
};

struct db_stmt {
    db_conn *c;
    sqlite3_stmt *lite;
    /* PostgreSQL */
    char *sql;
    int nparams;
    char **vals;
    unsigned int *types;
    PGresult *res;
    int row, nrows, state; /* state: 0 not run, 1 rows, 2 done */
    int stream, cursor_open, cursor_eof;
    int keep_rows; /* db_defer_rows: its rows are kept when it is queued */
    char cursor[32];
    stmt_slot *slot; /* the cache slot holding it (db_prepare_cached), else NULL */
    /* what goes on the wire (pg_wire): sql and types, or, when a parameter is an untyped NULL
     * (db_bind_null, or never bound), lsql with NULL written in its place and ltypes with TEXT
     * declared for it (the parameter, still sent, is then referenced nowhere) */
    const char *wsql;
    const unsigned int *wtypes;
    char *lsql;
    unsigned int *ltypes;
};

static int pipeline_finish(db_conn *c, const char *last);

/* ---- messages ---- */

/* One line: newlines and tabs become single spaces, "ERROR:  " style prefixes are kept. */
static void set_err(db_conn *c, const char *fmt, ...)
{
    char tmp[sizeof c->err];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    size_t o = 0;
    int space = 0;
    for (const char *p = tmp; *p && o + 1 < sizeof c->err; p++) {
        if (isspace((unsigned char)*p)) {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < sizeof c->err) c->err[o++] = ' ';
        space = 0;
        c->err[o++] = *p;
    }
    c->err[o] = '\0';
}

static void pg_err(db_conn *c, const PGresult *res, const char *what)
{
    const char *m = res ? sym_PQresultErrorMessage(res) : NULL;
    if (!m || !*m) m = sym_PQerrorMessage(c->pg);
    c->lost = sym_PQstatus(c->pg) == CONNECTION_BAD;
    if (c->lost)
        set_err(c, "%s: connection to PostgreSQL lost: %s", what, m);
    else
        set_err(c, "%s", m);
}

const char *db_errmsg(const db_conn *c)
{
    if (c->backend == DB_SQLITE && !c->err[0] && c->lite) return sqlite3_errmsg(c->lite);
    return c->err;
}

int db_conn_lost(const db_conn *c)
{
    return c->lost;
}

db_backend_t db_backend(const db_conn *c)
{
    return c->backend;
}

const char *db_name(const db_conn *c)
{
    return c->name;
}

/* The URL with its password replaced by "***". */
static char *mask_password(const char *url)
{
    char *out = strdup(url);
    if (!out) return NULL;
    char *scheme = strstr(out, "://");
    if (scheme) {
        char *at = strchr(scheme + 3, '@');
        char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
        if (colon) memmove(colon + 1, "***", 3), memmove(colon + 4, at, strlen(at) + 1);
    }
    char *pw = strstr(out, "password=");
    if (pw) {
        char *end = pw + 9;
        while (*end && !isspace((unsigned char)*end) && *end != '&')
            end++;
        memcpy(pw + 9, "***", 3);
        memmove(pw + 12, end, strlen(end) + 1);
    }
    return out;
}

/* ---- opening ---- */

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int is_pg_url(const char *url)
{
    return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11) ||
           (strchr(url, '=') && strncmp(url, "sqlite:", 7));
}

/* ---- SQLite WAL checkpoints off the commit path ----
 * SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages: that
 * commit (a whole group of decisions, all waiting for their replies) then also copies the WAL
 * into the database file and syncs it. Instead, the writer's WAL hook (called after each commit,
 * the write lock released) only notes the WAL's size; past DB_WAL_CHECKPOINT_PAGES it wakes a
 * checkpointer thread that runs a PASSIVE checkpoint on a connection of its own (it copies what
 * no reader still needs and never blocks the writer or the readers; the writer starts the WAL
 * over once a checkpoint has copied it all). The thread is started the first time the WAL grows
 * that far (a short command never starts it) and joined by db_close; if it cannot be started the
 * hook checkpoints inline, as SQLite would have. Durability is unchanged: a COMMIT is durable in
 * the WAL (synchronous=FULL) before it returns, whoever checkpoints it later.
 *
 * Under a steady load PASSIVE checkpoints alone let the WAL grow without end: the writer starts
 * the WAL over only when a checkpoint has copied every frame and no reader still reads from the
 * WAL, and with commits arriving while each checkpoint runs and the read connections always busy
 * that moment never comes (the WAL grew ~24 KB a decision, without bound, and its index, mapped
 * in the process, ~44 bytes a decision of RSS: BENCHMARKS.md, decide11j). So once a PASSIVE
 * checkpoint leaves the WAL at restart_pages pages or more, the thread asks the writer for a
 * RESTART checkpoint, which the writer runs at its next db_begin, before BEGIN IMMEDIATE (no
 * transaction of its own open, and no other write can start: the caller serialises the writer):
 * it copies the frames the PASSIVE checkpoints left, waits for the readers still reading from the
 * WAL (new ones read the database file) and the commit that follows writes the WAL from its
 * start, so the WAL file stays near restart_pages pages. The wait is bounded
 * (DB_WAL_RESTART_WAIT_MS: a long reader, such as an export in another process, only postpones
 * the restart to a later checkpoint). A RESTART checkpoint on the thread's own connection was
 * tried first: it waits for the write lock, which the group commit's writer takes back as soon as
 * it is released, and gave up every time. */

static void *ckpt_main(void *arg)
{
    wal_ckpt *k = arg;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(k->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        sqlite3_close_v2(db);
        db = NULL;
    }
    /* A connection opens the WAL at its first read of the database: until then its pager is not
     * in WAL mode, and sqlite3_wal_checkpoint_v2 returns SQLITE_OK having copied nothing (the
     * WAL's size as -1). This read was missing: every checkpoint of this thread did nothing and
     * the WAL grew until the writer's close (decide11j). */
    if (db && sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close_v2(db);
        db = NULL;
    }
    pthread_mutex_lock(&k->lock);
    for (;;) {
        while (!k->pending && !k->stop)
            pthread_cond_wait(&k->cond, &k->lock);
        if (k->stop) break;
        k->pending = 0;
        int limit = k->restart_pages, log = 0, done = 0;
        pthread_mutex_unlock(&k->lock);
        /* the writer's RESTART checkpoint, asked for, checkpoints all: none here meanwhile (two
         * checkpoints at once, the second fails at once: SQLite's checkpoint lock has no wait) */
        if (atomic_load(&k->want_restart)) {
            pthread_mutex_lock(&k->lock);
            continue;
        }
        if (db &&
            sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) ==
                SQLITE_OK &&
            limit > 0 && log >= limit)
            atomic_store(&k->want_restart, 1);
        pthread_mutex_lock(&k->lock);
        k->runs++;
    }
    pthread_mutex_unlock(&k->lock);
    sqlite3_close_v2(db);
    return NULL;
}

static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    db_conn *c = arg;
    atomic_store_explicit(&c->wal_pages, pages, memory_order_relaxed);
    if (pages < DB_WAL_CHECKPOINT_PAGES) return SQLITE_OK;
    wal_ckpt *k = c->ckpt;
    if (!k && (k = calloc(1, sizeof *k))) {
        pthread_mutex_init(&k->lock, NULL);
        pthread_cond_init(&k->cond, NULL);
        k->restart_pages = c->wal_restart_pages;
        k->path = c->name ? strdup(c->name) : NULL;
        k->started = k->path && pthread_create(&k->thread, NULL, ckpt_main, k) == 0;
        k->failed = !k->started;
        c->ckpt = k;
    }
    if (!k || k->failed) { /* no thread: checkpoint here, as SQLite's own hook does */
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return SQLITE_OK;
    }
    /* once per DB_WAL_CHECKPOINT_PAGES pages more (or when the WAL started over), not at every
     * commit: each checkpoint that copies syncs the WAL and the database file */
    if (pages >= k->woke_at && pages - k->woke_at < DB_WAL_CHECKPOINT_PAGES) return SQLITE_OK;
    k->woke_at = pages;
    pthread_mutex_lock(&k->lock);
    k->pending = 1;
    pthread_cond_signal(&k->cond);
    pthread_mutex_unlock(&k->lock);
    return SQLITE_OK;
}

static void ckpt_stop(db_conn *c)
{
    wal_ckpt *k = c->ckpt;
    if (!k) return;
    if (k->started) {
        pthread_mutex_lock(&k->lock);
        k->stop = 1;
        pthread_cond_signal(&k->cond);
        pthread_mutex_unlock(&k->lock);
        pthread_join(k->thread, NULL);
    }
    pthread_mutex_destroy(&k->lock);
    pthread_cond_destroy(&k->cond);
    free(k->path);
    free(k);
    c->ckpt = NULL;
}

void db_set_wal_restart_pages(db_conn *c, int pages)
{
    c->wal_restart_pages = pages;
    wal_ckpt *k = c->ckpt;
    if (!k) return;
    pthread_mutex_lock(&k->lock);
    k->restart_pages = pages;
    pthread_mutex_unlock(&k->lock);
}

void db_wal_stats(db_conn *c, unsigned long long *checkpoints, unsigned long long *restarts,
                  int *pages)
{
    wal_ckpt *k = c->ckpt;
    unsigned long long n = 0, r = 0;
    if (k && k->started) {
        pthread_mutex_lock(&k->lock);
        n = k->runs;
        r = k->restarts;
        pthread_mutex_unlock(&k->lock);
    }
    if (checkpoints) *checkpoints = n;
    if (restarts) *restarts = r;
    if (pages) *pages = atomic_load_explicit(&c->wal_pages, memory_order_relaxed);
}

unsigned long long db_wal_checkpoints(db_conn *c)
{
    wal_ckpt *k = c->ckpt;
    if (!k || !k->started) return 0;
    pthread_mutex_lock(&k->lock);
    unsigned long long n = k->runs;
    pthread_mutex_unlock(&k->lock);
    return n;
}

/* SQLite keeps memory statistics by default, under one process-wide mutex taken by every
 * sqlite3_malloc and sqlite3_free of every connection; nothing here reads them, and with a
 * thread per request that mutex was a point of contention (BENCHMARKS.md, decide11e). Turned off
 * before SQLite's first use (sqlite3_config refuses once the library is initialised: then the
 * statistics stay on, which changes nothing else). */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_config(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int open_sqlite(db_conn *c, const char *url, char *err, size_t errlen)
{
    pthread_once(&sqlite_once, sqlite_config);
    const char *p = url + 7;
    if (!strncmp(p, "//", 2)) p += 2;
    if (!*p) {
        snprintf(err, errlen, "--db %s: empty SQLite path", url);
        return DB_MISUSE;
    }
    c->name = strdup(p);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(p, &c->lite, flags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "store %s: open: %s", p,
                 c->lite ? sqlite3_errmsg(c->lite) : "out of memory");
        return DB_ERROR;
    }
    sqlite3_busy_timeout(c->lite, DB_BUSY_TIMEOUT_MS);
    /* Durability: WAL journal, synchronous=FULL, so a COMMIT that returned survives kill -9 and
     * power loss of the process. */
    const char *pragmas[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON"};
    for (size_t i = 0; i < 3; i++)
        if (sqlite3_exec(c->lite, pragmas[i], NULL, NULL, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "store %s: %s", p, sqlite3_errmsg(c->lite));
            return DB_ERROR;
        }
    /* replaces SQLite's automatic checkpoint (which is itself a WAL hook) */
    sqlite3_wal_hook(c->lite, wal_hook, c);
    return DB_OK;
}

static int open_pg(db_conn *c, const char *url, char *err, size_t errlen)
{
    c->name = mask_password(url);
    if (xg_pq_load()) { /* libpq is opened on first use */
        snprintf(err, errlen, "store %s: %s", c->name ? c->name : "?", xg_error_message());
        return DB_ERROR;
    }
    c->pg = sym_PQconnectdb(url);
    c->epoch++;
    if (!c->pg || sym_PQstatus(c->pg) != CONNECTION_OK) {
        set_err(c, "%s", c->pg ? sym_PQerrorMessage(c->pg) : "out of memory");
        snprintf(err, errlen, "store %s: cannot connect: %s", c->name ? c->name : "?", c->err);
        return DB_ERROR;
    }
    sym_PQsetNoticeProcessor(c->pg, quiet_notice, NULL);
    PGresult *r = sym_PQexec(c->pg, "SET client_min_messages = warning");
    sym_PQclear(r);
    return DB_OK;
}

static int open_sqlite_reader(db_conn *c, const char *url, char *err, size_t errlen)
{
    pthread_once(&sqlite_once, sqlite_config);
    const char *p = url + 7;
    if (!strncmp(p, "//", 2)) p += 2;
    if (!*p || !strcmp(p, ":memory:") || !strncmp(p, "file:", 5)) {
        snprintf(err, errlen, "store %s: no read connections on this database", p);
        return DB_MISUSE;
    }
    c->name = strdup(p);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(p, &c->lite, flags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "store %s: open: %s", p,
                 c->lite ? sqlite3_errmsg(c->lite) : "out of memory");
        return DB_ERROR;
    }
    sqlite3_busy_timeout(c->lite, DB_BUSY_TIMEOUT_MS);
    sqlite3_stmt *st = NULL;
    int wal = sqlite3_prepare_v2(c->lite, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              !strcmp((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    if (!wal) {
        snprintf(err, errlen, "store %s: not in WAL mode: no read connections", p);
        return DB_MISUSE;
    }
    if (sqlite3_exec(c->lite, "PRAGMA query_only=1", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "store %s: %s", p, sqlite3_errmsg(c->lite));
        return DB_ERROR;
    }
    return DB_OK;
}

/* The writer connection (reader = 0) or a read connection (reader = 1) on the store at url. */
static int open_conn(db_conn **out, const char *url, int reader, char *err, size_t errlen)
{
    *out = NULL;
    if (!url || !*url) url = "sqlite:./xgate.db";
    db_conn *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return DB_ERROR;
    }
    c->wal_restart_pages = DB_WAL_RESTART_PAGES;
    int rc;
    if (!strncmp(url, "sqlite:", 7)) {
        c->backend = DB_SQLITE;
        rc = reader ? open_sqlite_reader(c, url, err, errlen) : open_sqlite(c, url, err, errlen);
    } else if (is_pg_url(url)) {
        c->backend = DB_POSTGRES;
        rc = open_pg(c, url, err, errlen);
        if (reader) {
            c->readonly = 1;
            if (!rc) sym_PQclear(sym_PQexec(c->pg, PG_READER_SETTINGS));
        }
    } else {
        snprintf(err, errlen,
                 "--db %s: unknown store URL (expected sqlite:PATH, postgresql://… or a libpq "
                 "conninfo)",
                 url);
        rc = DB_MISUSE;
    }
    if (rc) {
        db_close(c);
        return rc;
    }
    *out = c;
    return DB_OK;
}

int db_open(db_conn **out, const char *url, char *err, size_t errlen)
{
    return open_conn(out, url, 0, err, errlen);
}

int db_open_reader(db_conn **out, const char *url, char *err, size_t errlen)
{
    return open_conn(out, url, 1, err, errlen);
}

void db_close(db_conn *c)
{
    if (!c) return;
    for (int i = 0; i < DB_STMT_CACHE_SLOTS; i++) {
        stmt_slot *sl = &c->cache[i];
        if (!sl->st) continue;
        sl->st->slot = NULL; /* finalised for good, even if a caller still holds it */
        db_finalize(sl->st);
        free(sl->sql);
        free(sl->ptypes);
        memset(sl, 0, sizeof *sl);
    }
    db_prefetch_clear(c);
    ckpt_stop(c); /* before the writer closes: its last close checkpoints and removes the WAL */
    if (c->lite) sqlite3_close_v2(c->lite);
    if (c->pg) sym_PQfinish(c->pg);
    free(c->name);
    free(c);
}

/* Re-establish a broken PostgreSQL connection (outside a transaction only). */
static int pg_ensure(db_conn *c)
{
    if (sym_PQstatus(c->pg) == CONNECTION_OK) return DB_OK;
    sym_PQreset(c->pg);
    c->epoch++;
    if (sym_PQstatus(c->pg) != CONNECTION_OK) {
        c->lost = 1;
        set_err(c, "PostgreSQL unavailable: %s", sym_PQerrorMessage(c->pg));
        return DB_ERROR;
    }
    c->lost = 0;
    sym_PQsetNoticeProcessor(c->pg, quiet_notice, NULL);
    sym_PQclear(sym_PQexec(c->pg, "SET client_min_messages = warning"));
    if (c->readonly) sym_PQclear(sym_PQexec(c->pg, PG_READER_SETTINGS));
    return DB_OK;
}

static int pg_in_txn(const db_conn *c)
{
    return c->in_txn || sym_PQtransactionStatus(c->pg) == PQTRANS_INTRANS ||
           sym_PQtransactionStatus(c->pg) == PQTRANS_INERROR;
}

/* ---- plain execution ---- */

int db_exec(db_conn *c, const char *sql)
{
    c->err[0] = '\0';
    if (c->backend == DB_SQLITE) {
        char *msg = NULL;
        if (sqlite3_exec(c->lite, sql, NULL, NULL, &msg) != SQLITE_OK) {
            set_err(c, "%s", msg ? msg : sqlite3_errmsg(c->lite));
            sqlite3_free(msg);
            return DB_ERROR;
        }
        c->changes = sqlite3_changes(c->lite);
        return DB_OK;
    }
    if (c->npending && pipeline_finish(c, NULL)) return DB_ERROR;
    int idle = !pg_in_txn(c);
    if (idle && pg_ensure(c)) return DB_ERROR;
    PGresult *r = sym_PQexec(c->pg, sql);
    ExecStatusType s = sym_PQresultStatus(r);
    if (idle && s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK &&
        sym_PQstatus(c->pg) == CONNECTION_BAD) {
        /* The server went away since the last call (a restart): libpq notices only now. Outside a
         * transaction nothing was done; connect again and send it once more. */
        sym_PQclear(r);
        if (pg_ensure(c)) return DB_ERROR;
        r = sym_PQexec(c->pg, sql);
        s = sym_PQresultStatus(r);
    }
    int rc = DB_OK;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        pg_err(c, r, "exec");
        rc = DB_ERROR;
    } else {
        c->changes = atoll(sym_PQcmdTuples(r));
    }
    sym_PQclear(r);
    return rc;
}

/* SQLite's BEGIN and COMMIT as statements of the connection's cache: sqlite3_exec compiles its
 * text on every call (the parser and a program: ~40 allocations and ~25 k instructions a durable
 * decision for its BEGIN IMMEDIATE and COMMIT). The same statement, the same effect and errors. */
static int lite_txn(db_conn *c, const char *sql)
{
    db_stmt *st;
    if (db_prepare_cached(c, sql, &st)) return DB_ERROR;
    int rc = sqlite3_step(st->lite);
    if (rc != SQLITE_DONE) set_err(c, "%s", sqlite3_errmsg(c->lite));
    c->changes = sqlite3_changes(c->lite);
    db_finalize(st);
    return rc == SQLITE_DONE ? DB_OK : DB_ERROR;
}

/* The RESTART checkpoint the checkpointer asked for (see ckpt_main), run by the writer c before
 * its BEGIN IMMEDIATE; a failure (a reader still on the WAL after the wait) leaves the WAL as it
 * was, and a later checkpoint asks again. */
static void lite_wal_restart(db_conn *c)
{
    wal_ckpt *k = c->ckpt;
    if (!k || !atomic_load(&k->want_restart)) return;
    sqlite3_busy_timeout(c->lite, DB_WAL_RESTART_WAIT_MS);
    int ok = sqlite3_wal_checkpoint_v2(c->lite, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL) ==
             SQLITE_OK;
    sqlite3_busy_timeout(c->lite, DB_BUSY_TIMEOUT_MS);
    atomic_store(&k->want_restart, 0); /* the thread's PASSIVE checkpoints resume */
    pthread_mutex_lock(&k->lock);
    k->restarts += ok;
    pthread_mutex_unlock(&k->lock);
}

int db_begin(db_conn *c)
{
    db_prefetch_clear(c);
    if (c->backend == DB_SQLITE) lite_wal_restart(c);
    int rc = c->backend == DB_SQLITE ? lite_txn(c, "BEGIN IMMEDIATE") : db_exec(c, "BEGIN");
    c->in_txn = rc == DB_OK;
    return rc;
}

int db_begin_read(db_conn *c)
{
    db_prefetch_clear(c);
    int rc = c->backend == DB_SQLITE
                 ? lite_txn(c, "BEGIN")
                 : db_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    c->in_txn = rc == DB_OK;
    return rc;
}

int db_commit(db_conn *c)
{
    c->deferred_failed = 0;
    int rc = c->npending               ? pipeline_finish(c, "COMMIT")
             : c->backend == DB_SQLITE ? lite_txn(c, "COMMIT")
                                       : db_exec(c, "COMMIT");
    c->in_txn = 0;
    c->defer = 0;
    return rc;
}

void db_defer(db_conn *c, int on)
{
    if (c->backend == DB_POSTGRES) c->defer = on && pg_in_txn(c);
}

int db_deferred_failed(const db_conn *c)
{
    return c->deferred_failed;
}

int db_rollback(db_conn *c)
{
    c->defer = 0;
    if (c->npending) {
        char keep[sizeof c->err]; /* the error that led here stays the connection's message */
        memcpy(keep, c->err, sizeof keep);
        pipeline_finish(c, NULL);
        memcpy(c->err, keep, sizeof keep);
    }
    c->in_txn = 0;
    if (c->backend == DB_SQLITE) {
        sqlite3_exec(c->lite, "ROLLBACK", NULL, NULL, NULL);
        return DB_OK;
    }
    if (sym_PQstatus(c->pg) != CONNECTION_OK) return DB_OK; /* the server rolled it back */
    sym_PQclear(sym_PQexec(c->pg, "ROLLBACK"));
    return DB_OK;
}

long long db_changes(const db_conn *c)
{
    return c->changes;
}

int db_max_params(db_conn *c)
{
    if (c->backend == DB_POSTGRES) return 65535; /* the protocol's 16-bit parameter count */
    return sqlite3_limit(c->lite, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
}

/* ---- statements ---- */

/* Copy what a statement's rewriting leaves alone — a quoted string or identifier, a "--" comment —
 * from *pp to out[*o]: 1 when *pp was such a character (*pp then at the last one copied), 0 when
 * it is for the caller. *quote is the open quote character, 0 outside quotes (a doubled quote
 * reopens on the next character). */
static int sql_copy_inert(const char **pp, char *out, size_t *o, char *quote)
{
    const char *p = *pp;
    if (*quote) {
        out[(*o)++] = *p;
        if (*p == *quote) *quote = 0;
        return 1;
    }
    if (*p == '\'' || *p == '"') {
        *quote = *p;
        out[(*o)++] = *p;
        return 1;
    }
    if (p[0] != '-' || p[1] != '-') return 0;
    while (*p && *p != '\n')
        out[(*o)++] = *p++;
    if (*p)
        out[(*o)++] = *p;
    else
        p--; /* the comment ends the statement: the caller's p++ reaches its end */
    *pp = p;
    return 1;
}

char *db_pg_placeholders(const char *sql, int *nparams)
{
    size_t n = strlen(sql);
    char *out = malloc(n * 4 + 1); /* "?" → "$NNN" at most quadruples */
    if (!out) return NULL;
    size_t o = 0;
    int max = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (sql_copy_inert(&p, out, &o, &quote)) continue;
        if (*p != '?') {
            out[o++] = *p;
            continue;
        }
        int k;
        if (isdigit((unsigned char)p[1])) {
            k = (int)strtol(p + 1, NULL, 10);
            while (isdigit((unsigned char)p[1]))
                p++;
        } else {
            k = max + 1;
        }
        if (k > max) max = k;
        o += (size_t)sprintf(out + o, "$%d", k);
    }
    out[o] = '\0';
    *nparams = max;
    return out;
}

static int prepare(db_conn *c, const char *sql, db_stmt **out, int stream)
{
    *out = NULL;
    c->err[0] = '\0';
    db_stmt *st = calloc(1, sizeof *st);
    if (!st) {
        set_err(c, "out of memory");
        return DB_ERROR;
    }
    st->c = c;
    if (c->backend == DB_SQLITE) {
        if (sqlite3_prepare_v2(c->lite, sql, -1, &st->lite, NULL) != SQLITE_OK) {
            free(st);
            return DB_ERROR;
        }
        *out = st;
        return DB_OK;
    }
    if (!pg_in_txn(c) && pg_ensure(c)) {
        free(st);
        return DB_ERROR;
    }
    st->stream = stream;
    st->sql = db_pg_placeholders(sql, &st->nparams);
    if (st->nparams) {
        st->vals = calloc((size_t)st->nparams, sizeof *st->vals);
        st->types = calloc((size_t)st->nparams, sizeof *st->types);
    }
    if (!st->sql || (st->nparams && (!st->vals || !st->types))) {
        db_finalize(st);
        set_err(c, "out of memory");
        return DB_ERROR;
    }
    *out = st;
    return DB_OK;
}

int db_prepare(db_conn *c, const char *sql, db_stmt **out)
{
    return prepare(c, sql, out, 0);
}

int db_prepare_stream(db_conn *c, const char *sql, db_stmt **out)
{
    return prepare(c, sql, out, 1);
}

static unsigned long sql_hash(const char *s)
{
    unsigned long h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

int db_prepare_cached(db_conn *c, const char *sql, db_stmt **out)
{
    *out = NULL;
    unsigned long h = 0;
    int hashed = 0;
    stmt_slot *victim = NULL;
    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: the same pointer (a string literal, the usual caller); pass 1: the same text */
        for (int i = 0; i < DB_STMT_CACHE_SLOTS; i++) {
            stmt_slot *sl = &c->cache[i];
            if (!sl->st) {
                if (!victim || victim->st) victim = sl;
                continue;
            }
            if (pass == 0 && !sl->busy && (!victim || (victim->st && sl->used < victim->used)))
                victim = sl;
            if (sl->busy) continue;
            if (pass == 0 ? sl->ptr != sql : sl->hash != h) continue;
            if (strcmp(sl->sql, sql)) continue;
            if (c->backend == DB_POSTGRES && !pg_in_txn(c) && pg_ensure(c)) return DB_ERROR;
            c->err[0] = '\0';
            sl->busy = 1;
            sl->ptr = sql;
            sl->used = ++c->cache_clock;
            c->cache_hits++;
            *out = sl->st;
            return DB_OK;
        }
        if (!hashed) {
            h = sql_hash(sql);
            hashed = 1;
        }
    }
    c->cache_misses++;
    int rc = prepare(c, sql, out, 0);
    if (rc || !victim) return rc; /* every slot held by a caller: an uncached statement */
    char *copy = strdup(sql);
    if (!copy) return DB_OK; /* uncached */
    if (victim->st) {
        victim->st->slot = NULL;
        db_finalize(victim->st);
        free(victim->sql);
        if (c->backend == DB_POSTGRES && victim->pname[0] && victim->pepoch == c->epoch &&
            !c->npending && sym_PQpipelineStatus(c->pg) == PQ_PIPELINE_OFF &&
            sym_PQtransactionStatus(c->pg) == PQTRANS_IDLE) {
            char sql[64]; /* otherwise left to the session's end: names are never reused */
            snprintf(sql, sizeof sql, "DEALLOCATE %s", victim->pname);
            sym_PQclear(sym_PQexec(c->pg, sql));
        }
        free(victim->ptypes);
        victim->ptypes = NULL;
        victim->pname[0] = '\0';
        victim->pepoch = 0;
    }
    victim->sql = copy;
    victim->ptr = sql;
    victim->hash = h;
    victim->st = *out;
    victim->busy = 1;
    victim->used = ++c->cache_clock;
    (*out)->slot = victim;
    return DB_OK;
}

void db_stmt_cache_stats(const db_conn *c, unsigned long long *hits, unsigned long long *misses,
                         int *cached)
{
    int n = 0;
    for (int i = 0; i < DB_STMT_CACHE_SLOTS; i++)
        n += c->cache[i].st != NULL;
    if (hits) *hits = c->cache_hits;
    if (misses) *misses = c->cache_misses;
    if (cached) *cached = n;
}

static int pg_param(db_stmt *st, int i, char *v, unsigned int type)
{
    if (i < 1 || i > st->nparams) {
        free(v);
        return DB_ERROR;
    }
    free(st->vals[i - 1]);
    st->vals[i - 1] = v;
    st->types[i - 1] = type;
    return DB_OK;
}

static char *fmt(const char *f, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return strdup(buf);
}

int db_bind_text(db_stmt *st, int i, const char *v)
{
    if (st->lite)
        return (v ? sqlite3_bind_text(st->lite, i, v, -1, SQLITE_TRANSIENT)
                  : sqlite3_bind_null(st->lite, i)) == SQLITE_OK
                   ? DB_OK
                   : DB_ERROR;
    return pg_param(st, i, v ? strdup(v) : NULL, PG_TEXT);
}

int db_bind_text_static(db_stmt *st, int i, const char *v)
{
    if (st->lite)
        return (v ? sqlite3_bind_text(st->lite, i, v, -1, SQLITE_STATIC)
                  : sqlite3_bind_null(st->lite, i)) == SQLITE_OK
                   ? DB_OK
                   : DB_ERROR;
    return db_bind_text(st, i, v);
}

int db_bind_int64(db_stmt *st, int i, long long v)
{
    if (st->lite) return sqlite3_bind_int64(st->lite, i, v) == SQLITE_OK ? DB_OK : DB_ERROR;
    return pg_param(st, i, fmt("%lld", v), PG_INT8);
}

int db_bind_int(db_stmt *st, int i, int v)
{
    return db_bind_int64(st, i, v);
}

int db_bind_double(db_stmt *st, int i, double v)
{
    if (st->lite) return sqlite3_bind_double(st->lite, i, v) == SQLITE_OK ? DB_OK : DB_ERROR;
    return pg_param(st, i, fmt("%.17g", v), PG_FLOAT8);
}

int db_bind_null(db_stmt *st, int i)
{
    if (st->lite) return sqlite3_bind_null(st->lite, i) == SQLITE_OK ? DB_OK : DB_ERROR;
    return pg_param(st, i, NULL, 0);
}

static int pg_status(db_stmt *st, PGresult *r)
{
    db_conn *c = st->c;
    ExecStatusType s = sym_PQresultStatus(r);
    if (s == PGRES_COMMAND_OK) {
        c->changes = atoll(sym_PQcmdTuples(r));
        sym_PQclear(r);
        st->state = 2;
        return DB_DONE;
    }
    if (s == PGRES_TUPLES_OK) {
        sym_PQclear(st->res);
        st->res = r;
        st->nrows = sym_PQntuples(r);
        st->row = -1;
        st->state = 1;
        return DB_ROW;
    }
    const char *code = sym_PQresultErrorField(r, PG_DIAG_SQLSTATE);
    int rc = code && !strcmp(code, "23505") ? DB_CONSTRAINT : DB_ERROR;
    pg_err(c, r, "statement");
    sym_PQclear(r);
    st->state = 2;
    return rc;
}

static int pg_fetch(db_stmt *st)
{
    char sql[64];
    snprintf(sql, sizeof sql, "FETCH FORWARD %d FROM %s", FETCH_BATCH, st->cursor);
    int rc = pg_status(st, sym_PQexec(st->c->pg, sql));
    if (rc == DB_ROW && st->nrows == 0) st->cursor_eof = 1;
    return rc;
}

/* ---- untyped NULLs ----
 * A parameter bound by db_bind_null (or never bound) is an untyped NULL, as in SQLite. Sent as a
 * parameter of unspecified type, PostgreSQL must infer its type from the statement and cannot
 * where nothing fixes it: `?1 IS NULL OR url = ?1`, `? IS NULL` fail with "could not determine
 * data type of parameter $1". Declared TEXT instead, it could not be written into a BIGINT column.
 * So such a parameter is written into the statement as the literal NULL, which fits everywhere an
 * untyped NULL does; the parameter itself is still sent (the numbering of the others stays), with
 * TEXT declared and referenced nowhere. A text NULL (db_bind_text(st, i, NULL)) stays a TEXT
 * parameter: its statement text is the same whether the value is NULL or not. */

/* st->sql with every $N whose parameter is untyped written as NULL (outside quotes and comments,
 * as db_pg_placeholders wrote them); NULL when out of memory. */
static char *null_literals(const db_stmt *st)
{
    const char *sql = st->sql;
    char *out = malloc(strlen(sql) * 2 + 1); /* "$N" (2 characters at least) → "NULL" */
    if (!out) return NULL;
    size_t o = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (sql_copy_inert(&p, out, &o, &quote)) continue;
        if (*p != '$' || !isdigit((unsigned char)p[1])) {
            out[o++] = *p;
            continue;
        }
        const char *q = p + 1;
        long k = strtol(q, NULL, 10);
        while (isdigit((unsigned char)*q))
            q++;
        if (k >= 1 && k <= st->nparams && st->types[k - 1] == 0) {
            memcpy(out + o, "NULL", 4);
            o += 4;
        } else {
            memcpy(out + o, p, (size_t)(q - p));
            o += (size_t)(q - p);
        }
        p = q - 1;
    }
    out[o] = '\0';
    return out;
}

/* Set st->wsql and st->wtypes: what is sent for st's bindings (see above). */
static void pg_wire(db_stmt *st)
{
    st->wsql = st->sql;
    st->wtypes = st->types;
    int untyped = 0;
    for (int i = 0; i < st->nparams; i++)
        untyped += st->types[i] == 0;
    if (!untyped) return;
    free(st->lsql);
    st->lsql = null_literals(st);
    if (!st->ltypes) st->ltypes = malloc((size_t)st->nparams * sizeof *st->ltypes);
    if (!st->lsql || !st->ltypes) return; /* out of memory: sent as it is; the server says why */
    for (int i = 0; i < st->nparams; i++)
        st->ltypes[i] = st->types[i] ? st->types[i] : PG_TEXT;
    st->wsql = st->lsql;
    st->wtypes = st->ltypes;
}

/* ---- named (server-side prepared) statements ----
 * A statement of the statement cache is prepared on the server the first time it runs on a
 * session (PQprepare, with the parameter types of that run) and run by name afterwards: the
 * server parses and plans it once instead of at every run (planning the facts' reads cost the
 * server more than running them). A run whose parameter types differ from the prepared ones (a
 * NULL where a value was) runs unnamed, as every statement did before; so does one first met
 * inside a pipeline. */

static int named_usable(const db_conn *c, const db_stmt *st)
{
    const stmt_slot *sl = st->slot;
    if (!sl || st->stream || !sl->pname[0] || sl->pepoch != c->epoch || sl->pn != st->nparams)
        return 0;
    for (int i = 0; i < st->nparams; i++)
        if (sl->ptypes[i] != st->types[i]) return 0;
    return 1;
}

/* Prepare st on the server when it can be (a cached statement not yet prepared on this session,
 * outside a pipeline): 1 when it can now run by name, 0 when it runs unnamed, -1 when the
 * server refused it (*err: that result, the error the statement itself would have got). */
static int named_prepare(db_conn *c, db_stmt *st, PGresult **err)
{
    *err = NULL;
    if (named_usable(c, st)) return 1;
    stmt_slot *sl = st->slot;
    if (!sl || st->stream || (sl->pname[0] && sl->pepoch == c->epoch) ||
        sym_PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF ||
        sym_PQtransactionStatus(c->pg) == PQTRANS_INERROR)
        return 0;
    unsigned int *types = NULL;
    if (st->nparams && !(types = malloc((size_t)st->nparams * sizeof *types))) return 0;
    if (st->nparams) memcpy(types, st->types, (size_t)st->nparams * sizeof *types);
    char name[24];
    snprintf(name, sizeof name, "xg_%llu", ++c->pnames);
    pg_wire(st); /* prepared for this pattern of untyped NULLs: named_usable compares types */
    PGresult *r = sym_PQprepare(c->pg, name, st->wsql, st->nparams, st->wtypes);
    if (sym_PQresultStatus(r) != PGRES_COMMAND_OK) {
        free(types);
        *err = r;
        return -1;
    }
    sym_PQclear(r);
    free(sl->ptypes);
    sl->ptypes = types;
    sl->pn = st->nparams;
    sl->pepoch = c->epoch;
    memcpy(sl->pname, name, sizeof name);
    return 1;
}

/* Run st now (not in a pipeline): by name when it can be, else unnamed. */
static PGresult *pg_run(db_conn *c, db_stmt *st)
{
    PGresult *err;
    int named = named_prepare(c, st, &err);
    if (named < 0) return err;
    if (named)
        return sym_PQexecPrepared(c->pg, st->slot->pname, st->nparams,
                                  (const char *const *)st->vals, NULL, NULL, 0);
    pg_wire(st);
    return sym_PQexecParams(c->pg, st->wsql, st->nparams, st->wtypes, (const char *const *)st->vals,
                            NULL, NULL, 0);
}

/* Queue st in the pipeline: by name when it was prepared on this session already. */
static int pg_send(db_conn *c, db_stmt *st)
{
    if (named_usable(c, st))
        return sym_PQsendQueryPrepared(c->pg, st->slot->pname, st->nparams,
                                       (const char *const *)st->vals, NULL, NULL, 0);
    pg_wire(st);
    return sym_PQsendQueryParams(c->pg, st->wsql, st->nparams, st->wtypes,
                                 (const char *const *)st->vals, NULL, NULL, 0);
}

/* Inside a pipeline (db_defer): queue the preparation of st (a cached statement not yet prepared
 * on this session) before st itself, so that it runs by name from now on. Its result, read with
 * the COMMIT's, counts as a queued statement's. Nothing when st cannot be named. */
static void pipeline_prepare(db_conn *c, db_stmt *st)
{
    stmt_slot *sl = st->slot;
    if (!sl || st->stream || (sl->pname[0] && sl->pepoch == c->epoch) ||
        c->npslots == DB_PIPELINE_PREPARES)
        return;
    unsigned int *types = NULL;
    if (st->nparams && !(types = malloc((size_t)st->nparams * sizeof *types))) return;
    if (st->nparams) memcpy(types, st->types, (size_t)st->nparams * sizeof *types);
    char name[24];
    snprintf(name, sizeof name, "xg_%llu", ++c->pnames);
    pg_wire(st);
    if (!sym_PQsendPrepare(c->pg, name, st->wsql, st->nparams, st->wtypes)) {
        free(types);
        return;
    }
    c->npending++;
    free(sl->ptypes);
    sl->ptypes = types;
    sl->pn = st->nparams;
    sl->pepoch = c->epoch;
    memcpy(sl->pname, name, sizeof name);
    c->pslots[c->npslots++] = sl;
}

/* ---- results fetched ahead (db_prefetch) ---- */

static void prefetched_free(prefetched *p)
{
    for (int i = 0; i < p->nparams && p->vals; i++)
        free(p->vals[i]);
    free(p->vals);
    free(p->types);
    free(p->sql);
    if (p->res) sym_PQclear(p->res);
    memset(p, 0, sizeof *p);
}

void db_prefetch_clear(db_conn *c)
{
    for (int i = 0; i < c->npre; i++)
        prefetched_free(&c->pre[i]);
    c->npre = 0;
}

void db_prefetch_stats(const db_conn *c, unsigned long long *sent, unsigned long long *taken)
{
    if (sent) *sent = c->pre_sent;
    if (taken) *taken = c->pre_taken;
}

static int same_params(const prefetched *p, const db_stmt *st)
{
    if (p->nparams != st->nparams || strcmp(p->sql, st->sql)) return 0;
    for (int i = 0; i < st->nparams; i++) {
        if (p->types[i] != st->types[i]) return 0;
        if (!p->vals[i] != !st->vals[i]) return 0;
        if (p->vals[i] && strcmp(p->vals[i], st->vals[i])) return 0;
    }
    return 1;
}

/* The result fetched ahead for a statement with st's SQL and parameters (removed from the
 * connection: the caller owns it), or NULL. */
static PGresult *prefetched_take(db_conn *c, db_stmt *st)
{
    for (int i = 0; i < c->npre; i++) {
        prefetched *p = &c->pre[i];
        if (!same_params(p, st)) continue;
        PGresult *r = p->res;
        p->res = NULL;
        prefetched_free(p);
        c->pre[i] = c->pre[--c->npre];
        memset(&c->pre[c->npre], 0, sizeof c->pre[c->npre]);
        c->pre_taken++;
        return r;
    }
    return NULL;
}

static int prefetched_keep(db_conn *c, const db_stmt *st, PGresult *r)
{
    if (c->npre == DB_PREFETCH_MAX) return 0;
    prefetched *p = &c->pre[c->npre];
    p->sql = strdup(st->sql);
    p->nparams = st->nparams;
    if (st->nparams) {
        p->vals = calloc((size_t)st->nparams, sizeof *p->vals);
        p->types = calloc((size_t)st->nparams, sizeof *p->types);
    }
    int ok = p->sql && (!st->nparams || (p->vals && p->types));
    for (int i = 0; ok && i < st->nparams; i++) {
        p->types[i] = st->types[i];
        if (st->vals[i] && !(p->vals[i] = strdup(st->vals[i]))) ok = 0;
    }
    if (!ok) {
        prefetched_free(p);
        return 0;
    }
    p->res = r;
    c->npre++;
    return 1;
}

/* Leave pipeline mode whatever state the pipeline is in: read what is left, and when libpq still
 * will not leave it (a broken connection), reset the connection (outside a transaction only:
 * db_prefetch runs only there). */
static void pipeline_leave(db_conn *c)
{
    for (int guard = 0; guard < 64 && sym_PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF; guard++) {
        if (sym_PQexitPipelineMode(c->pg)) return;
        if (sym_PQstatus(c->pg) != CONNECTION_OK) break;
        PGresult *r = sym_PQgetResult(c->pg);
        if (r) sym_PQclear(r);
    }
    if (sym_PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF) {
        sym_PQreset(c->pg);
        c->epoch++;
        if (sym_PQstatus(c->pg) == CONNECTION_OK) {
            sym_PQsetNoticeProcessor(c->pg, quiet_notice, NULL);
            sym_PQclear(sym_PQexec(c->pg, "SET client_min_messages = warning"));
            if (c->readonly) sym_PQclear(sym_PQexec(c->pg, PG_READER_SETTINGS));
        }
    }
}

/* In a pipeline, after a query's result: 1 when the NULL that ends its results follows. */
static int pipeline_query_end(db_conn *c)
{
    PGresult *end = sym_PQgetResult(c->pg);
    if (!end) return 1;
    sym_PQclear(end);
    return 0;
}

/* In a pipeline, after the last query: 1 when the sync point is next, as it must be. */
static int pipeline_synced(db_conn *c)
{
    PGresult *r = sym_PQgetResult(c->pg);
    int ok = r && sym_PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    if (r) sym_PQclear(r);
    return ok;
}

int db_prefetch(db_conn *c, db_stmt *const *sts, int n)
{
    if (c->backend != DB_POSTGRES || n <= 0) return DB_OK;
    db_prefetch_clear(c);
    if (n > DB_PREFETCH_MAX || pg_in_txn(c)) return DB_ERROR;
    for (int i = 0; i < n; i++)
        if (!sts[i] || sts[i]->c != c || sts[i]->lite || sts[i]->stream || sts[i]->state != 0)
            return DB_ERROR;
    if (pg_ensure(c)) return DB_ERROR;
    for (int i = 0; i < n; i++) { /* named from the second decision on this session */
        PGresult *err;
        if (named_prepare(c, sts[i], &err) < 0) sym_PQclear(err);
    }
    if (!sym_PQenterPipelineMode(c->pg)) return DB_ERROR;
    int ok = 1;
    for (int i = 0; ok && i < n; i++)
        ok = pg_send(c, sts[i]);
    if (ok) ok = sym_PQpipelineSync(c->pg);
    /* Each query's result, then NULL; then the sync point. A query that failed leaves nothing
     * behind (its statement runs again when stepped and reports its error as usual); the
     * statements after it in the pipeline were not run. */
    for (int i = 0; ok && i < n; i++) {
        PGresult *r = sym_PQgetResult(c->pg);
        if (!r) {
            ok = 0;
            break;
        }
        ExecStatusType s = sym_PQresultStatus(r);
        if ((s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) || !prefetched_keep(c, sts[i], r))
            sym_PQclear(r);
        if (!pipeline_query_end(c)) ok = 0;
    }
    if (ok) ok = pipeline_synced(c);
    pipeline_leave(c);
    if (!ok || sym_PQstatus(c->pg) != CONNECTION_OK) {
        db_prefetch_clear(c);
        return DB_ERROR;
    }
    c->pre_sent += (unsigned long long)n;
    return DB_OK;
}

/* Send `last` (when not NULL) after the statements queued by db_defer, then a sync point, and read
 * every result: DB_OK when all succeeded, else DB_ERROR with the first failure's message
 * (deferred_failed when that was a queued statement, not `last`). Leaves pipeline mode. */
static int pipeline_finish(db_conn *c, const char *last)
{
    int rc = DB_OK, queued = c->npending, seen = 0, nulls = 0;
    c->npending = 0;
    if (last && !sym_PQsendQueryParams(c->pg, last, 0, NULL, NULL, NULL, NULL, 0)) {
        set_err(c, "pipeline: %s", sym_PQerrorMessage(c->pg));
        rc = DB_ERROR;
    } else if (!sym_PQpipelineSync(c->pg)) {
        set_err(c, "pipeline: %s", sym_PQerrorMessage(c->pg));
        rc = DB_ERROR;
    } else {
        for (;;) {
            PGresult *r = sym_PQgetResult(c->pg);
            if (!r) { /* the end of one query's results; twice in a row: nothing more will come */
                if (++nulls >= 2 || sym_PQstatus(c->pg) != CONNECTION_OK) {
                    if (rc == DB_OK) {
                        set_err(c, "pipeline: %s", sym_PQerrorMessage(c->pg));
                        rc = DB_ERROR;
                    }
                    break;
                }
                continue;
            }
            nulls = 0;
            ExecStatusType s = sym_PQresultStatus(r);
            if (s == PGRES_PIPELINE_SYNC) {
                sym_PQclear(r);
                break;
            }
            db_stmt *kept = NULL;
            for (int k = 0; k < c->nkeep && seen < queued; k++)
                if (c->keep_at[k] == seen) kept = c->keep[k];
            if (kept && s == PGRES_TUPLES_OK) { /* its rows, read by stepping it again */
                sym_PQclear(kept->res);
                kept->res = r;
                kept->nrows = sym_PQntuples(r);
                kept->row = -1;
                kept->state = 1;
                seen++;
                continue;
            }
            if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && rc == DB_OK) {
                if (s == PGRES_PIPELINE_ABORTED)
                    set_err(c, "pipeline aborted");
                else
                    pg_err(c, r, "statement");
                rc = DB_ERROR;
                c->deferred_failed = seen < queued;
            } else if (s == PGRES_COMMAND_OK && seen < queued) {
                c->changes = atoll(sym_PQcmdTuples(r));
            }
            seen++;
            sym_PQclear(r);
        }
    }
    if (rc && sym_PQstatus(c->pg) != CONNECTION_OK) c->lost = 1;
    for (int k = 0; rc && k < c->npslots; k++)
        c->pslots[k]->pname[0] = '\0'; /* perhaps never prepared: prepared again when next run */
    c->npslots = 0;
    for (int k = 0; k < c->nkeep; k++)
        c->keep[k]->keep_rows = 0;
    c->nkeep = 0;
    pipeline_leave(c);
    return rc;
}

int db_begin_prefetch(db_conn *c, db_stmt *const *sts, int n)
{
    if (c->backend != DB_POSTGRES || n <= 0) return db_begin(c);
    db_prefetch_clear(c);
    if (n > DB_PREFETCH_MAX || pg_in_txn(c)) return db_begin(c);
    for (int i = 0; i < n; i++)
        if (!sts[i] || sts[i]->c != c || sts[i]->stream || sts[i]->state != 0) return db_begin(c);
    c->err[0] = '\0';
    for (int attempt = 0; attempt < 2; attempt++) {
        if (pg_ensure(c)) return DB_ERROR;
        for (int i = 0; i < n; i++) {
            PGresult *err;
            if (named_prepare(c, sts[i], &err) < 0) sym_PQclear(err);
        }
        if (!sym_PQenterPipelineMode(c->pg)) return db_begin(c);
        int ok = sym_PQsendQueryParams(c->pg, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
        for (int i = 0; ok && i < n; i++)
            ok = pg_send(c, sts[i]);
        if (ok) ok = sym_PQpipelineSync(c->pg);
        /* BEGIN's result, then each statement's (each followed by NULL), then the sync point.
         * A statement's result is kept even when it failed (its caller reports that error);
         * those after a failure were not run (PIPELINE_ABORTED) and keep nothing. */
        int begun = 0;
        for (int i = -1; ok && i < n; i++) {
            PGresult *r = sym_PQgetResult(c->pg);
            if (!r) {
                ok = 0;
                break;
            }
            ExecStatusType s = sym_PQresultStatus(r);
            if (i < 0) {
                begun = s == PGRES_COMMAND_OK;
                if (!begun) pg_err(c, r, "begin");
                sym_PQclear(r);
            } else if (s == PGRES_PIPELINE_ABORTED || !prefetched_keep(c, sts[i], r)) {
                sym_PQclear(r);
            }
            if (!pipeline_query_end(c)) ok = 0;
        }
        if (ok) ok = pipeline_synced(c);
        int broken = sym_PQstatus(c->pg) != CONNECTION_OK;
        pipeline_leave(c);
        if (ok && begun && !broken && sym_PQstatus(c->pg) == CONNECTION_OK) {
            c->in_txn = 1;
            return DB_OK;
        }
        db_prefetch_clear(c);
        if (!broken && sym_PQstatus(c->pg) == CONNECTION_OK) {
            /* BEGIN failed with the server up, or the pipeline broke: no transaction is left
             * open (a BEGIN that succeeded is rolled back) */
            if (sym_PQtransactionStatus(c->pg) != PQTRANS_IDLE)
                sym_PQclear(sym_PQexec(c->pg, "ROLLBACK"));
            if (!c->err[0]) set_err(c, "begin: %s", sym_PQerrorMessage(c->pg));
            return DB_ERROR;
        }
        /* The server went away since the last call (a restart): connect again, once. */
    }
    c->lost = 1;
    set_err(c, "PostgreSQL unavailable: %s", sym_PQerrorMessage(c->pg));
    return DB_ERROR;
}

static int pg_step(db_stmt *st)
{
    db_conn *c = st->c;
    PGresult *r0;
    if (st->state == 0) {
        if (!pg_in_txn(c) && pg_ensure(c)) return DB_ERROR;
        if (c->npending && !(c->defer && !st->stream) && pipeline_finish(c, NULL)) return DB_ERROR;
        if (st->stream) {
            if (!pg_in_txn(c)) {
                set_err(c, "a streamed query needs a transaction");
                return DB_ERROR;
            }
            snprintf(st->cursor, sizeof st->cursor, "xg_cursor_%u", ++c->cursors);
            pg_wire(st);
            size_t n = strlen(st->wsql) + 64;
            char *decl = malloc(n);
            if (!decl) return DB_ERROR;
            snprintf(decl, n, "DECLARE %s NO SCROLL CURSOR FOR %s", st->cursor, st->wsql);
            PGresult *r = sym_PQexecParams(c->pg, decl, st->nparams, st->wtypes,
                                           (const char *const *)st->vals, NULL, NULL, 0);
            free(decl);
            int rc = pg_status(st, r);
            if (rc != DB_DONE) return rc == DB_ROW ? DB_ERROR : rc;
            st->cursor_open = 1;
            st->state = 0;
            if ((rc = pg_fetch(st)) != DB_ROW) return rc;
        } else if (c->defer && pg_in_txn(c)) {
            /* queued: its result is read with the COMMIT's (db_defer) */
            if (st->keep_rows && c->nkeep == DB_DEFER_ROWS_MAX) {
                set_err(c, "pipeline: more than %d queued statements keep their rows",
                        DB_DEFER_ROWS_MAX);
                return DB_ERROR;
            }
            if (sym_PQpipelineStatus(c->pg) == PQ_PIPELINE_OFF) {
                /* the first of the queue: a cached statement is prepared on the server now (once a
                 * session) so that it runs by name, as it could not from inside the pipeline */
                PGresult *err;
                if (named_prepare(c, st, &err) < 0) {
                    int rc = pg_status(st, err);
                    return rc == DB_ROW ? DB_ERROR : rc;
                }
                if (!sym_PQenterPipelineMode(c->pg)) {
                    set_err(c, "pipeline: %s", sym_PQerrorMessage(c->pg));
                    return DB_ERROR;
                }
            } else {
                pipeline_prepare(c, st);
            }
            if (!pg_send(c, st)) {
                set_err(c, "pipeline: %s", sym_PQerrorMessage(c->pg));
                return DB_ERROR;
            }
            if (st->keep_rows) {
                c->keep[c->nkeep] = st;
                c->keep_at[c->nkeep++] = c->npending;
            }
            c->npending++;
            c->changes = 0;
            st->state = 2;
            return DB_DONE;
        } else if (c->npre && (r0 = prefetched_take(c, st))) {
            int rc = pg_status(st, r0);
            if (rc != DB_ROW) return rc;
        } else {
            int idle = !pg_in_txn(c);
            PGresult *r = pg_run(c, st);
            if (idle && sym_PQresultStatus(r) == PGRES_FATAL_ERROR &&
                sym_PQstatus(c->pg) == CONNECTION_BAD && !pg_ensure(c)) {
                sym_PQclear(r); /* as in db_exec: a restart noticed only now; send it again */
                r = pg_run(c, st);
            }
            int rc = pg_status(st, r);
            if (rc != DB_ROW) return rc;
        }
    }
    if (st->state != 1) return DB_DONE;
    if (++st->row < st->nrows) return DB_ROW;
    if (st->stream && !st->cursor_eof) {
        int rc = pg_fetch(st);
        if (rc != DB_ROW) return rc;
        if (++st->row < st->nrows) return DB_ROW;
    }
    st->state = 2;
    return DB_DONE;
}

int db_step(db_stmt *st)
{
    if (!st->lite) return pg_step(st);
    st->c->err[0] = '\0';
    int rc = sqlite3_step(st->lite);
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE) {
        st->c->changes = sqlite3_changes(st->c->lite);
        return DB_DONE;
    }
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return DB_CONSTRAINT;
    return DB_ERROR;
}

static int pg_has(db_stmt *st, int i)
{
    return st->state == 1 && st->res && st->row >= 0 && st->row < st->nrows && i >= 0 &&
           i < sym_PQnfields(st->res);
}

int db_column_count(db_stmt *st)
{
    if (st->lite) return sqlite3_column_count(st->lite);
    return st->res ? sym_PQnfields(st->res) : 0;
}

const char *db_column_name(db_stmt *st, int i)
{
    if (st->lite) return sqlite3_column_name(st->lite, i);
    return st->res && i >= 0 && i < sym_PQnfields(st->res) ? sym_PQfname(st->res, i) : NULL;
}

int db_column_type(db_stmt *st, int i)
{
    if (st->lite) {
        int t = sqlite3_column_type(st->lite, i);
        return t == SQLITE_NULL      ? DB_NULL
               : t == SQLITE_INTEGER ? DB_INTEGER
               : t == SQLITE_FLOAT   ? DB_FLOAT
                                     : DB_TEXT;
    }
    if (!pg_has(st, i) || sym_PQgetisnull(st->res, st->row, i)) return DB_NULL;
    unsigned int t = sym_PQftype(st->res, i);
    return t == PG_INT8 || t == 23 || t == 21 ? DB_INTEGER : t == PG_FLOAT8 ? DB_FLOAT : DB_TEXT;
}

const char *db_column_text(db_stmt *st, int i)
{
    if (st->lite) return (const char *)sqlite3_column_text(st->lite, i);
    if (!pg_has(st, i) || sym_PQgetisnull(st->res, st->row, i)) return NULL;
    return sym_PQgetvalue(st->res, st->row, i);
}

long long db_column_int64(db_stmt *st, int i)
{
    if (st->lite) return sqlite3_column_int64(st->lite, i);
    const char *t = db_column_text(st, i);
    return t ? strtoll(t, NULL, 10) : 0;
}

int db_column_int(db_stmt *st, int i)
{
    return (int)db_column_int64(st, i);
}

double db_column_double(db_stmt *st, int i)
{
    if (st->lite) return sqlite3_column_double(st->lite, i);
    const char *t = db_column_text(st, i);
    return t ? strtod(t, NULL) : 0.0;
}

/* st no longer waits for its queued rows (reset or finalised before the COMMIT's round trip). */
static void keep_drop(db_stmt *st)
{
    db_conn *c = st->c;
    for (int k = 0; k < c->nkeep; k++)
        if (c->keep[k] == st) {
            c->keep[k] = c->keep[--c->nkeep];
            c->keep_at[k] = c->keep_at[c->nkeep];
            break;
        }
    st->keep_rows = 0;
}

void db_defer_rows(db_stmt *st)
{
    if (st && !st->lite) st->keep_rows = 1;
}

int db_reset(db_stmt *st)
{
    if (!st) return DB_OK;
    if (st->lite) {
        sqlite3_reset(st->lite);
        return DB_OK;
    }
    if (st->keep_rows) keep_drop(st);
    sym_PQclear(st->res);
    st->res = NULL;
    if (st->cursor_open && sym_PQstatus(st->c->pg) == CONNECTION_OK &&
        sym_PQtransactionStatus(st->c->pg) == PQTRANS_INTRANS) {
        char sql[64];
        snprintf(sql, sizeof sql, "CLOSE %s", st->cursor);
        sym_PQclear(sym_PQexec(st->c->pg, sql));
    }
    st->cursor_open = st->cursor_eof = 0;
    st->state = 0;
    st->row = st->nrows = 0;
    return DB_OK;
}

int db_clear_bindings(db_stmt *st)
{
    if (st->lite) return sqlite3_clear_bindings(st->lite) == SQLITE_OK ? DB_OK : DB_ERROR;
    for (int i = 0; i < st->nparams; i++) {
        free(st->vals[i]);
        st->vals[i] = NULL;
        st->types[i] = 0;
    }
    return DB_OK;
}

void db_finalize(db_stmt *st)
{
    if (!st) return;
    if (st->slot) { /* back to its connection's cache, ready for the next caller */
        db_reset(st);
        db_clear_bindings(st);
        st->slot->busy = 0;
        return;
    }
    if (st->lite) {
        sqlite3_finalize(st->lite);
        free(st);
        return;
    }
    db_reset(st);
    for (int i = 0; i < st->nparams && st->vals; i++)
        free(st->vals[i]);
    free(st->vals);
    free(st->types);
    free(st->lsql);
    free(st->ltypes);
    free(st->sql);
    free(st);
}

/* ---- notifications (LISTEN/NOTIFY) ----
 * The listener has a connection of its own that does nothing else, so waiting is a poll() on its
 * socket: nothing runs on it between notifications, and libpq queues those that arrive with a
 * query's result (PQnotifies) until asked. */

int db_listen(db_conn *c, const char *channel)
{
    if (c->backend != DB_POSTGRES) {
        set_err(c, "LISTEN/NOTIFY: not supported on SQLite (one node per SQLite store)");
        return DB_MISUSE;
    }
    for (const char *p = channel; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') {
            set_err(c, "LISTEN %s: a channel is a plain identifier", channel);
            return DB_MISUSE;
        }
    char sql[128];
    snprintf(sql, sizeof sql, "LISTEN %s", channel);
    return db_exec(c, sql);
}

static int take_notify(db_conn *c, char **payload)
{
    PGnotify *n = sym_PQnotifies(c->pg);
    if (!n) return DB_DONE;
    *payload = strdup(n->extra ? n->extra : "");
    sym_PQfreemem(n);
    if (!*payload) {
        set_err(c, "out of memory");
        return DB_ERROR;
    }
    return DB_ROW;
}

static int notify_lost(db_conn *c)
{
    c->lost = 1;
    set_err(c, "connection to PostgreSQL lost: %s", sym_PQerrorMessage(c->pg));
    return DB_ERROR;
}

int db_wait_notify(db_conn *c, int timeout_ms, char **payload)
{
    *payload = NULL;
    if (c->backend != DB_POSTGRES) {
        set_err(c, "LISTEN/NOTIFY: not supported on SQLite");
        return DB_MISUSE;
    }
    if (sym_PQstatus(c->pg) != CONNECTION_OK) return notify_lost(c);
    int rc = take_notify(c, payload);
    if (rc != DB_DONE) return rc;
    struct pollfd p = {.fd = sym_PQsocket(c->pg), .events = POLLIN};
    if (p.fd < 0) return notify_lost(c);
    int n = poll(&p, 1, timeout_ms);
    if (n < 0) {
        if (errno == EINTR) return DB_DONE;
        set_err(c, "poll: %s", strerror(errno));
        return DB_ERROR;
    }
    if (n == 0) return DB_DONE;
    /* Readable: a notification, or the server closing (shut down, killed, failed over). */
    if (!sym_PQconsumeInput(c->pg) || sym_PQstatus(c->pg) != CONNECTION_OK) return notify_lost(c);
    return take_notify(c, payload);
}
