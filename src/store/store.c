/*
 * store.c — opening the store, versioned schema migrations and the small SQLite helpers the other
 * store files share.
 *
 * Migrations are an ordered list of SQL scripts; schema_version records each one applied, and
 * opening applies the missing ones inside one transaction each, so a crash mid-migration leaves
 * the previous version intact. The SQL sticks to what SQLite and PostgreSQL both accept (TEXT,
 * INTEGER, REAL, application-assigned keys, ON CONFLICT upserts); PostgreSQL runs a mechanical
 * translation of each script (store_pg_translate, below). Durability: SQLite runs a WAL journal
 * with synchronous=FULL (src/store/db.c), PostgreSQL synchronous commit, so a COMMIT that returned
 * survives kill -9 and power loss of the process.
 */
#include "store/store_internal.h"

#include <ctype.h>
#include <strings.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "core/core.h"
#include "xgate/error.h"

static const char *const migrations[] = {
    /* 1: the whole first schema */
    "CREATE TABLE customers ("
    " id TEXT PRIMARY KEY, legal_name TEXT NOT NULL, name_key TEXT NOT NULL, aliases TEXT,"
    " country TEXT, headquarters TEXT, ultimate_parent TEXT, identifiers TEXT, address TEXT,"
    " payment_means TEXT, payment_source TEXT, payment_country TEXT, email TEXT, phone TEXT,"
    " verification TEXT NOT NULL, record TEXT NOT NULL, created TEXT NOT NULL,"
    " updated TEXT NOT NULL);"
    "CREATE INDEX customers_name ON customers(name_key);"
    "CREATE TABLE ownership ("
    " id TEXT PRIMARY KEY, owner_name TEXT NOT NULL, owner_key TEXT NOT NULL, owner_country TEXT,"
    " owner_headquarters TEXT, owned_name TEXT NOT NULL, owned_key TEXT NOT NULL,"
    " percent REAL, source TEXT, created TEXT NOT NULL);"
    "CREATE INDEX ownership_owned ON ownership(owned_key);"
    "CREATE TABLE resellers ("
    " name_key TEXT NOT NULL, serves_key TEXT NOT NULL, name TEXT NOT NULL, country TEXT,"
    " serves TEXT NOT NULL, names_end_user INTEGER, first_seen TEXT NOT NULL,"
    " last_seen TEXT NOT NULL, PRIMARY KEY (name_key, serves_key));"
    "CREATE TABLE licenses ("
    " number TEXT PRIMARY KEY, party TEXT NOT NULL, party_key TEXT NOT NULL, items TEXT NOT NULL,"
    " destinations TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT, conditions TEXT,"
    " created TEXT NOT NULL);"
    "CREATE TABLE decisions ("
    " n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, created TEXT NOT NULL,"
    " outcome TEXT NOT NULL, request TEXT NOT NULL, response TEXT NOT NULL, list_hash TEXT,"
    " catalog_version TEXT, policy TEXT NOT NULL, as_of TEXT NOT NULL, customer_name TEXT,"
    " review_status TEXT, final_outcome TEXT NOT NULL);"
    "CREATE INDEX decisions_review ON decisions(review_status);"
    "CREATE TABLE review_actions ("
    " id TEXT PRIMARY KEY, decision_id TEXT NOT NULL, action TEXT NOT NULL,"
    " outcome TEXT NOT NULL, reason TEXT NOT NULL, reviewer TEXT NOT NULL,"
    " created TEXT NOT NULL);"
    "CREATE TABLE access_records ("
    " id TEXT PRIMARY KEY, decision_id TEXT, customer TEXT, ip TEXT, country TEXT,"
    " created TEXT NOT NULL);"
    "CREATE TABLE api_keys ("
    " id TEXT PRIMARY KEY, salt TEXT NOT NULL, hash TEXT NOT NULL, role TEXT NOT NULL,"
    " name TEXT, created TEXT NOT NULL, revoked TEXT);"
    "CREATE TABLE audit ("
    " seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL,"
    " payload_hash TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,"
    " created TEXT NOT NULL);"
    "CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
    " hash TEXT NOT NULL, updated TEXT NOT NULL);",
    /* 2: reading a decision back joins its audit row by (kind, ref); without this index every
     * GET /v1/decisions/{id} scanned the whole chain (0.26 s at 430k rows). Review actions are
     * looked up by decision the same way. */
    "CREATE INDEX audit_ref ON audit(kind, ref);"
    "CREATE INDEX review_actions_decision ON review_actions(decision_id);",
    /* 3: the facts a decision was taken over (customer record, ownership edges, licenses; the
     * canonical JSON of docs/decide-facts.md), so a replay can decide over what the store held
     * then. NULL for decisions recorded before: they replay over the current store. */
    "ALTER TABLE decisions ADD COLUMN facts TEXT;",
    /* 4: compute accounting (issue 14): usage rows keyed by a hash of their content, so a file
     * imported twice adds nothing; estimates stored as peak operations (utilisation is applied
     * when reporting). */
    "CREATE TABLE usage_rows ("
    " hash TEXT PRIMARY KEY, customer_id TEXT NOT NULL, item TEXT NOT NULL,"
    " eccn_class TEXT NOT NULL, accelerators REAL NOT NULL, start_ts INTEGER NOT NULL,"
    " end_ts INTEGER NOT NULL, hours REAL NOT NULL, accel_hours REAL NOT NULL,"
    " peak_ops REAL NOT NULL, region TEXT, account TEXT, file TEXT NOT NULL,"
    " line INTEGER NOT NULL, created TEXT NOT NULL);"
    "CREATE INDEX usage_rows_customer ON usage_rows(customer_id, start_ts);"
    "CREATE INDEX usage_rows_start ON usage_rows(start_ts);",
    /* 5: list versions: every fetched list version and every refused download (`xgate lists
     * update`); at most one row per source is in force */
    "CREATE TABLE list_versions ("
    " id TEXT PRIMARY KEY, source TEXT NOT NULL, sha256 TEXT, fetched_at TEXT NOT NULL,"
    " publish_date TEXT, entries INTEGER, status TEXT NOT NULL, reason TEXT, etag TEXT,"
    " last_modified TEXT, path TEXT, in_force INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX list_versions_source ON list_versions(source, fetched_at);",
    /* 6: monitoring (src/store/monitor.c): the list entries the monitor has seen (fingerprints),
     * its runs, alerts (one per party, entry and fingerprints; never deleted), the customers an
     * alert affects, alert events (chained into the audit log), clearances and webhook
     * deliveries. */
    "CREATE TABLE monitor_seen ("
    " entry_key TEXT PRIMARY KEY, source TEXT, entry_id TEXT NOT NULL,"
    " fingerprint TEXT NOT NULL, name TEXT, list_hash TEXT, updated TEXT NOT NULL);"
    "CREATE TABLE monitor_runs ("
    " id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT NOT NULL, list_hash TEXT,"
    " stats TEXT NOT NULL);"
    "CREATE TABLE alerts ("
    " id TEXT PRIMARY KEY, status TEXT NOT NULL, party_key TEXT NOT NULL,"
    " party_name TEXT NOT NULL, party_fp TEXT NOT NULL, roles TEXT, entry_key TEXT NOT NULL,"
    " source TEXT, source_code TEXT, entry_id TEXT NOT NULL, entry_name TEXT,"
    " entry_fp TEXT NOT NULL, matched TEXT, score REAL NOT NULL, explanation TEXT,"
    " list_hash TEXT, decisions TEXT, earlier_clearance TEXT, resolution TEXT,"
    " created TEXT NOT NULL, updated TEXT NOT NULL,"
    " UNIQUE (party_key, entry_key, entry_fp, party_fp));"
    "CREATE INDEX alerts_status ON alerts(status);"
    "CREATE INDEX alerts_entry ON alerts(entry_key, status);"
    "CREATE INDEX alerts_pair ON alerts(party_key, entry_key);"
    "CREATE TABLE alert_customers ("
    " alert_id TEXT NOT NULL, customer_key TEXT NOT NULL, customer TEXT NOT NULL,"
    " PRIMARY KEY (alert_id, customer_key));"
    "CREATE INDEX alert_customers_key ON alert_customers(customer_key);"
    "CREATE TABLE alert_events ("
    " id TEXT PRIMARY KEY, alert_id TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL,"
    " reviewer TEXT, created TEXT NOT NULL);"
    "CREATE INDEX alert_events_alert ON alert_events(alert_id);"
    "CREATE TABLE clearances ("
    " id TEXT PRIMARY KEY, alert_id TEXT NOT NULL, party_key TEXT NOT NULL,"
    " entry_key TEXT NOT NULL, entry_fp TEXT NOT NULL, party_fp TEXT NOT NULL,"
    " reason TEXT NOT NULL, reviewer TEXT NOT NULL, created TEXT NOT NULL);"
    "CREATE INDEX clearances_pair ON clearances(party_key, entry_key);"
    "CREATE TABLE webhook_deliveries ("
    " id TEXT PRIMARY KEY, alert_id TEXT NOT NULL, url TEXT NOT NULL, status TEXT NOT NULL,"
    " attempts INTEGER NOT NULL, http_status INTEGER, error TEXT, created TEXT NOT NULL,"
    " updated TEXT NOT NULL);"
    "CREATE INDEX webhook_deliveries_status ON webhook_deliveries(status);"
    "CREATE TABLE monitor_parties ("
    " party_key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, updated TEXT NOT NULL);",
    /* 7: the list version an alert's entry came from ({"source","id","sha256"} as JSON text;
     * NULL for alerts raised from bundled or explicit list files) */
    "ALTER TABLE alerts ADD COLUMN list_version TEXT;",
    /* 8: incremental scans (`xgate scan --state`, src/store/scan_state.c): the files read (size,
     * mtime, content hash), the results of their documents, and each run's findings and graph */
    "CREATE TABLE scan_files ("
    " path TEXT PRIMARY KEY, size BIGINT NOT NULL, mtime_ns BIGINT NOT NULL, hash TEXT NOT NULL,"
    " first_run TEXT NOT NULL, last_run TEXT NOT NULL);"
    "CREATE TABLE scan_documents ("
    " document TEXT PRIMARY KEY, path TEXT NOT NULL, seq INTEGER NOT NULL, run_id TEXT NOT NULL,"
    " flagged INTEGER NOT NULL, result TEXT NOT NULL);"
    "CREATE INDEX scan_documents_path ON scan_documents(path);"
    "CREATE TABLE scan_runs ("
    " id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT NOT NULL, stats TEXT NOT NULL,"
    " findings TEXT NOT NULL, graph TEXT NOT NULL);"
    "CREATE INDEX scan_runs_started ON scan_runs(started);",
    /* 9: when a source was last checked and found unchanged (a 304, or the same content), kept
     * on the row in force so that the "checked at" of `lists versions`, /healthz and /metrics
     * survives a restart */
    "ALTER TABLE list_versions ADD COLUMN checked_at TEXT;"
    "ALTER TABLE list_versions ADD COLUMN check_result TEXT;",
    /* 10: the party generation (xg_store_party_generation): a random token and a counter that
     * every write to the tables the monitor reads its parties from bumps, so that a compiled
     * party file (src/monitor/partyfile.c) knows whether the parties it holds are still the
     * store's. PostgreSQL has its own text (pg_migration_text): one statement trigger per table. */
    "CREATE TABLE party_generation ("
    " id INTEGER PRIMARY KEY, token TEXT NOT NULL, counter INTEGER NOT NULL);"
    "INSERT INTO party_generation VALUES (1, lower(hex(randomblob(16))), 0);"
    "CREATE TRIGGER customers_party_gen_i AFTER INSERT ON customers"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER customers_party_gen_u AFTER UPDATE OF legal_name, name_key, aliases, "
    "identifiers, ultimate_parent ON customers"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER customers_party_gen_d AFTER DELETE ON customers"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER ownership_party_gen_i AFTER INSERT ON ownership"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER ownership_party_gen_u AFTER UPDATE OF owner_name, owned_name ON ownership"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER ownership_party_gen_d AFTER DELETE ON ownership"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER resellers_party_gen_i AFTER INSERT ON resellers"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER resellers_party_gen_u AFTER UPDATE OF name, serves ON resellers"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER resellers_party_gen_d AFTER DELETE ON resellers"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER decisions_party_gen_i AFTER INSERT ON decisions"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER decisions_party_gen_u AFTER UPDATE OF id, customer_name, response, "
    "final_outcome ON decisions"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;"
    "CREATE TRIGGER decisions_party_gen_d AFTER DELETE ON decisions"
    " BEGIN UPDATE party_generation SET counter = counter + 1; END;",
    /* 11: PostgreSQL only (pg_migration_text): a decision's request and response are compressed
     * with lz4 instead of pglz when TOAST compresses them. Nothing to do on SQLite. */
    "SELECT 1;",
    /* 12: PostgreSQL only (pg_migration_text): xg_chain_append, the audit chain's append of a group
     * commit run by the server, so that the chain head is locked only for the statements of one
     * round trip. Nothing to do on SQLite. */
    "SELECT 1;",
    /* 13: indexes that hand three of a decision's facts reads their rows in their ORDER BY, so
     * that SQLite opens no sorter for them (each did, even for no rows: together 17 allocations
     * and 28,500 instructions of a durable decision): the customer party's owners
     * (SQL_OWNERS_OF), its clearances (SQL_CLEARANCES_FOR), the customer record by name
     * (SQL_CUSTOMER_BY). Each replaces the index that was its prefix. Rows whose ORDER BY keys tie
     * come in rowid order as before (the sorter kept the index scan's rowid order among them; an
     * index orders them by rowid). The open alerts' read (SQL_ALERTS_OPEN_FOR) keeps its sorter:
     * it orders by a column of the joined table. */
    "CREATE INDEX ownership_owned_owner ON ownership(owned_key, owner_key);"
    "DROP INDEX ownership_owned;"
    "CREATE INDEX customers_name_updated ON customers(name_key, updated DESC);"
    "DROP INDEX customers_name;"
    "CREATE INDEX clearances_party ON clearances(party_key, entry_key, created DESC);"
    "DROP INDEX clearances_pair;",
};

#define NMIGRATIONS (sizeof migrations / sizeof *migrations)

void store_now(char out[32])
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    time_t t = tv.tv_sec;
    gmtime_r(&t, &tm);
    char base[24];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%s.%03dZ", base, (int)(tv.tv_usec / 1000));
}

int store_error(xg_store *s, const char *what)
{
    return xg_error_set(XG_ESTORE, "store %s: %s: %s", s->path, what, db_errmsg(s->db));
}

int store_exec(xg_store *s, const char *sql)
{
    if (db_exec(s->db, sql))
        return xg_error_set(XG_ESTORE, "store %s: %s", s->path, db_errmsg(s->db));
    return XG_OK;
}

int store_prepare(db_stmt **st, xg_store *s, const char *sql)
{
    if (db_prepare_cached(s->db, sql, st)) return store_error(s, "prepare");
    return XG_OK;
}

void store_bind_text(db_stmt *st, int i, const char *v)
{
    db_bind_text(st, i, v);
}

/* The row's texts are the caller's until store_insert_rows returns, and each statement is stepped
 * and finalized (its bindings cleared) before that: bound without SQLite's copy (a durable
 * decision's rows held ~23 allocations of copies, the 3 KB response and facts among them). */
static void bind_row(db_stmt *st, const store_val *row, int nvals)
{
    for (int i = 0; i < nvals; i++)
        if (row[i].is_int)
            db_bind_int64(st, i + 1, row[i].i);
        else
            db_bind_text_static(st, i + 1, row[i].s);
}

/* SQLite: one row's INSERT, compiled once per connection (the statement cache) and run for each
 * row. A statement of many rows saves round trips on PostgreSQL; SQLite has none to save, and
 * compiling a new text of n rows for every group commit cost more than running the rows. */
static int insert_rows_each(xg_store *s, const char *into, int ncols, int nrows, const store_val *v,
                            const char *what)
{
    /* the text only finds the cached statement: built on the stack (a heap buffer grown three
     * times cost ~9 allocations a durable decision) */
    char text[1024];
    size_t len = strlen(into);
    if (ncols < 1 || len + sizeof " VALUES ()" + 2 * (size_t)ncols > sizeof text)
        return xg_error_set(XG_EINVAL, "%s: statement too long", what);
    memcpy(text, into, len);
    memcpy(text + len, " VALUES (", 9);
    len += 9;
    for (int c = 0; c < ncols; c++) {
        if (c) text[len++] = ',';
        text[len++] = '?';
    }
    memcpy(text + len, ")", 2);
    db_stmt *st = NULL;
    int rc = store_prepare(&st, s, text);
    for (int r = 0; !rc && r < nrows; r++) {
        if (r) db_reset(st);
        bind_row(st, v + (size_t)r * ncols, ncols);
        rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, what);
    }
    if (st) db_finalize(st);
    return rc;
}

int store_insert_rows(xg_store *s, const char *into, int ncols, int nrows, const store_val *v,
                      const char *what)
{
    if (!store_is_pg(s)) return insert_rows_each(s, into, ncols, nrows, v, what);
    int per = store_rows_per_statement(s, ncols);
    for (int r0 = 0, n; r0 < nrows; r0 += n) {
        for (n = per; n > nrows - r0; n /= 2)
            ;
        xg_buf sql;
        xg_buf_init(&sql);
        xg_buf_puts(&sql, into);
        xg_buf_puts(&sql, " VALUES ");
        for (int r = 0; r < n; r++) {
            xg_buf_puts(&sql, r ? ",(" : "(");
            for (int c = 0; c < ncols; c++)
                xg_buf_puts(&sql, c ? ",?" : "?");
            xg_buf_putc(&sql, ')');
        }
        db_stmt *st;
        /* a power of two rows: few texts, each kept in the statement cache and prepared on the
         * server once (the server parses and plans it once a session, not at every group) */
        int rc = store_prepare(&st, s, sql.data);
        xg_buf_free(&sql);
        if (rc) return rc;
        bind_row(st, v + (size_t)r0 * ncols, n * ncols);
        rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, what);
        db_finalize(st);
        if (rc) return rc;
    }
    return XG_OK;
}

int store_rows_per_statement(xg_store *s, int ncols)
{
    int per = 1, most = db_max_params(s->db) / ncols;
    while (per * 2 <= most && per * 2 <= STORE_ROWS_MAX)
        per *= 2;
    return per;
}

char *store_col_dup(db_stmt *st, int i)
{
    const char *t = db_column_text(st, i);
    return t ? strdup(t) : NULL;
}

const char *store_col_text(db_stmt *st, int i)
{
    const char *t = db_column_text(st, i);
    return t ? t : "";
}

int store_is_pg(const xg_store *s)
{
    return db_backend(s->db) == DB_POSTGRES;
}

int store_begin(xg_store *s)
{
    if (db_begin(s->db)) return store_error(s, "begin");
    return XG_OK;
}

int store_commit(xg_store *s)
{
    if (db_commit(s->db)) return store_error(s, "commit");
    return XG_OK;
}

void store_rollback(xg_store *s)
{
    db_rollback(s->db);
}

int store_chain_lock(xg_store *s)
{
    if (!store_is_pg(s)) return XG_OK; /* BEGIN IMMEDIATE holds SQLite's write lock already */
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE");
    if (rc) return rc;
    int step = db_step(st);
    db_finalize(st);
    if (step == DB_ROW) return XG_OK;
    if (step != DB_DONE) return store_error(s, "audit chain lock");
    /* No head yet (an empty chain): the first appenders serialise on the table instead, then lock
     * the head another appender may have written meanwhile. */
    if ((rc = store_exec(s, SQL_CHAIN_EMPTY_LOCK_PG))) return rc;
    if ((rc = store_prepare(&st, s, "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")))
        return rc;
    step = db_step(st);
    db_finalize(st);
    return step == DB_ROW || step == DB_DONE ? XG_OK : store_error(s, "audit chain lock");
}

char *store_name_key(const char *name)
{
    xg_buf b;
    xg_buf_init(&b);
    int space = 0;
    for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++) {
        if (isspace(*p)) {
            space = b.len > 0;
            continue;
        }
        if (space) xg_buf_putc(&b, ' ');
        space = 0;
        xg_buf_putc(&b, (char)tolower(*p));
    }
    if (!b.data) xg_buf_puts(&b, "");
    return xg_buf_steal(&b);
}

char *store_random_id(const char *prefix, size_t nbytes)
{
    unsigned char raw[32];
    if (nbytes > sizeof raw) nbytes = sizeof raw;
    randombytes_buf(raw, nbytes);
    size_t plen = strlen(prefix);
    char *out = malloc(plen + 2 * nbytes + 1);
    if (!out) return NULL;
    memcpy(out, prefix, plen);
    sodium_bin2hex(out + plen, 2 * nbytes + 1, raw, nbytes);
    return out;
}

char *store_time_id(const char *prefix, size_t nbytes)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    unsigned long long ms = (unsigned long long)tv.tv_sec * 1000u + (unsigned)(tv.tv_usec / 1000);
    unsigned char raw[6 + 32];
    if (nbytes > 32) nbytes = 32;
    for (int i = 5; i >= 0; i--, ms >>= 8)
        raw[i] = (unsigned char)(ms & 0xff); /* big-endian */
    randombytes_buf(raw + 6, nbytes);
    size_t plen = strlen(prefix);
    char *out = malloc(plen + 2 * (6 + nbytes) + 1);
    if (!out) return NULL;
    memcpy(out, prefix, plen);
    sodium_bin2hex(out + plen, 2 * (6 + nbytes) + 1, raw, 6 + nbytes);
    return out;
}

/* ---- migrations on PostgreSQL ----
 * The migrations above are SQLite text. PostgreSQL runs a translation of each: INTEGER becomes
 * BIGINT (SQLite integers are 64-bit), REAL becomes DOUBLE PRECISION, TEXT compares bytewise
 * (COLLATE "C", as SQLite does, so ordering and cursors agree whatever the database's locale) and
 * every table gets a `rowid` identity column, so that ORDER BY rowid (insertion order) means the
 * same on both. A migration whose text cannot be translated so gets its own PostgreSQL text in
 * pg_migration_text(): migration 10 (its trigger function) and 11 (PostgreSQL only). */

static void put_word(xg_buf *b, const char *w, size_t n)
{
    if (n == 7 && !strncmp(w, "INTEGER", 7))
        xg_buf_puts(b, "BIGINT");
    else if (n == 4 && !strncmp(w, "REAL", 4))
        xg_buf_puts(b, "DOUBLE PRECISION");
    else if (n == 4 && !strncmp(w, "TEXT", 4))
        xg_buf_puts(b, "TEXT COLLATE \"C\"");
    else
        xg_buf_append(b, w, n);
}

static const char *pg_migration_text(int version)
{
    if (version == 10)
        return "CREATE TABLE party_generation ("
               " id BIGINT PRIMARY KEY, token TEXT COLLATE \"C\" NOT NULL, counter BIGINT NOT NULL,"
               " rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);"
               "INSERT INTO party_generation (id, token, counter)"
               " VALUES (1, md5(random()::text || clock_timestamp()::text), 0);"
               "CREATE FUNCTION xg_party_gen_bump() RETURNS trigger LANGUAGE plpgsql AS"
               " $$ BEGIN UPDATE party_generation SET counter = counter + 1; RETURN NULL; END $$;"
               "CREATE TRIGGER customers_party_gen AFTER INSERT OR DELETE OR TRUNCATE"
               " OR UPDATE OF legal_name, name_key, aliases, identifiers, ultimate_parent ON "
               "customers"
               " FOR EACH STATEMENT EXECUTE FUNCTION xg_party_gen_bump();"
               "CREATE TRIGGER ownership_party_gen AFTER INSERT OR DELETE OR TRUNCATE"
               " OR UPDATE OF owner_name, owned_name ON ownership"
               " FOR EACH STATEMENT EXECUTE FUNCTION xg_party_gen_bump();"
               "CREATE TRIGGER resellers_party_gen AFTER INSERT OR DELETE OR TRUNCATE"
               " OR UPDATE OF name, serves ON resellers"
               " FOR EACH STATEMENT EXECUTE FUNCTION xg_party_gen_bump();"
               "CREATE TRIGGER decisions_party_gen AFTER INSERT OR DELETE OR TRUNCATE"
               " OR UPDATE OF id, customer_name, response, final_outcome ON decisions"
               " FOR EACH STATEMENT EXECUTE FUNCTION xg_party_gen_bump();";
    /* 11: the decisions' JSON (a response is ~3 KB: TOAST compresses it) with lz4, which costs the
     * server less CPU per INSERT than pglz (BENCHMARKS.md, "lz4"). Only the column's setting
     * changes (no rewrite: values written before stay pglz, both are read alike), and only on a
     * server built with lz4 (default_toast_compression offers it; Debian's does): elsewhere the
     * migration does nothing. */
    if (version == 11)
        return "DO $$ BEGIN"
               " IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
               " AND 'lz4' = ANY (enumvals)) THEN"
               " ALTER TABLE decisions ALTER COLUMN request SET COMPRESSION lz4,"
               " ALTER COLUMN response SET COMPRESSION lz4;"
               " END IF; END $$;";
    /* 12: a group commit's audit entries appended by the server (decisions.c, "group commit"):
     * the head locked (FOR UPDATE; on an empty chain the table first, as store_chain_head_lock
     * does), each entry's hash = SHA-256(previous hash in hex || payload) in hex as audit.c's
     * chain_hash computes it, the entries and the new head written; returns each entry's seq and
     * hash. The payloads come concatenated in one text with their lengths in bytes (UTF-8). */
    if (version == 12)
        return "CREATE FUNCTION xg_chain_append(p_kind TEXT, p_refs TEXT[], p_payloads TEXT,"
               " p_lens INT[], p_payload_hashes TEXT[], p_created TEXT)"
               " RETURNS TABLE (o_seq BIGINT, o_hash TEXT) LANGUAGE plpgsql AS $$"
               " DECLARE v_seq BIGINT; v_hash TEXT; v_rows BIGINT; v_buf BYTEA;"
               " v_pos INT := 1; v_n INT := cardinality(p_refs);"
               " v_prevs TEXT[] := '{}'; v_hashes TEXT[] := '{}';"
               " BEGIN"
               " SELECT h.seq, h.hash INTO v_seq, v_hash FROM audit_head h WHERE h.id = 1"
               " FOR UPDATE;"
               " IF NOT FOUND THEN"
               " LOCK TABLE audit_head IN SHARE UPDATE EXCLUSIVE MODE;"
               " SELECT h.seq, h.hash INTO v_seq, v_hash FROM audit_head h WHERE h.id = 1"
               " FOR UPDATE;"
               " IF NOT FOUND THEN"
               " SELECT count(*) INTO v_rows FROM audit;"
               " IF v_rows > 0 THEN RAISE EXCEPTION"
               " 'audit head record missing while the chain holds % rows; run `xgate audit"
               " verify`', v_rows; END IF;"
               " v_seq := 0; v_hash := repeat('0', 64);"
               " END IF; END IF;"
               " v_buf := convert_to(p_payloads, 'UTF8');"
               " FOR i IN 1 .. v_n LOOP"
               " v_prevs[i] := v_hash;"
               " v_hash := encode(sha256(convert_to(v_hash, 'UTF8')"
               " || substring(v_buf FROM v_pos FOR p_lens[i])), 'hex');"
               " v_pos := v_pos + p_lens[i];"
               " v_hashes[i] := v_hash;"
               " END LOOP;"
               " INSERT INTO audit (seq, kind, ref, payload_hash, prev_hash, hash, created)"
               " SELECT v_seq + u.k, p_kind, u.r, u.ph, u.pv, u.hh, p_created"
               " FROM unnest(p_refs, p_payload_hashes, v_prevs, v_hashes) WITH ORDINALITY"
               " AS u(r, ph, pv, hh, k);"
               " INSERT INTO audit_head (id, seq, hash, updated) VALUES (1, v_seq + v_n, v_hash,"
               " p_created) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq,"
               " hash = excluded.hash, updated = excluded.updated;"
               " RETURN QUERY SELECT v_seq + u.k, u.hh FROM unnest(v_hashes) WITH ORDINALITY"
               " AS u(hh, k);"
               " END $$;";
    return NULL;
}

char *store_pg_translate(const char *sql)
{
    xg_buf b;
    xg_buf_init(&b);
    int depth = 0, table_depth = -1; /* the paren depth of a CREATE TABLE column list */
    int saw_create = 0, saw_table = 0;
    const char *p = sql;
    while (*p) {
        if (*p == '\'' || *p == '"') {
            const char *q = strchr(p + 1, *p);
            size_t n = q ? (size_t)(q - p + 1) : strlen(p);
            xg_buf_append(&b, p, n);
            p += n;
            continue;
        }
        if (isalpha((unsigned char)*p) || *p == '_') {
            const char *w = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            size_t n = (size_t)(p - w);
            if (n == 6 && !strncasecmp(w, "CREATE", 6))
                saw_create = 1, saw_table = 0;
            else if (saw_create && n == 5 && !strncasecmp(w, "TABLE", 5))
                saw_table = 1;
            else if (saw_create && !saw_table)
                saw_create = 0;
            put_word(&b, w, n);
            continue;
        }
        if (*p == '(') {
            if (saw_table && table_depth < 0) table_depth = depth;
            saw_create = saw_table = 0;
            depth++;
        } else if (*p == ')') {
            depth--;
            if (depth == table_depth) {
                xg_buf_puts(&b, ", rowid BIGINT GENERATED BY DEFAULT AS IDENTITY");
                table_depth = -1;
            }
        } else if (*p == ';') {
            saw_create = saw_table = 0;
        }
        xg_buf_putc(&b, *p++);
    }
    if (!b.data) xg_buf_puts(&b, "");
    return xg_buf_steal(&b);
}

static int run_migration(xg_store *s, int v)
{
    if (!store_is_pg(s)) return store_exec(s, migrations[v - 1]);
    const char *own = pg_migration_text(v);
    if (own) return store_exec(s, own);
    char *sql = store_pg_translate(migrations[v - 1]);
    if (!sql) return XG_ENOMEM;
    int rc = store_exec(s, sql);
    free(sql);
    return rc;
}

int store_migrations_latest(void)
{
    return (int)NMIGRATIONS;
}

static int schema_version(xg_store *s, int *version)
{
    int rc = store_exec(s, "CREATE TABLE IF NOT EXISTS schema_version ("
                           " version INTEGER PRIMARY KEY, applied TEXT NOT NULL)");
    if (rc) return rc;
    db_stmt *st;
    if ((rc = store_prepare(&st, s, "SELECT COALESCE(MAX(version), 0) FROM schema_version")))
        return rc;
    int step = db_step(st);
    *version = step == DB_ROW ? db_column_int(st, 0) : 0;
    if (step != DB_ROW) rc = store_error(s, "schema version");
    db_finalize(st);
    return rc;
}

static int migrate(xg_store *s)
{
    int version, rc;
    if ((rc = store_begin(s))) return rc;
    /* Several processes opening one PostgreSQL database at once migrate one after another. */
    if (store_is_pg(s) && (rc = store_exec(s, "SELECT pg_advisory_xact_lock(7147106)"))) goto fail;
    if ((rc = schema_version(s, &version))) goto fail;
    s->version_at_open = version;
    if (version > (int)NMIGRATIONS) {
        rc = xg_error_set(XG_ESTORE,
                          "store %s: schema version %d is newer than this xgate (%d); use a newer "
                          "xgate",
                          s->path, version, (int)NMIGRATIONS);
        goto fail;
    }
    for (int v = version + 1; v <= (int)NMIGRATIONS; v++) {
        if ((rc = run_migration(s, v))) goto fail;
        char now[32], sql[128];
        store_now(now);
        snprintf(sql, sizeof sql, "INSERT INTO schema_version VALUES (%d, '%s')", v, now);
        if ((rc = store_exec(s, sql))) goto fail;
    }
    return store_commit(s);
fail:
    store_rollback(s);
    return rc;
}

int xg_store_open(xg_store **out, const char *url)
{
    if (sodium_init() < 0) return xg_error_set(XG_EINTERNAL, "libsodium failed to initialise");
    xg_store *s = calloc(1, sizeof *s);
    if (!s) return XG_ENOMEM;
    char err[600];
    int dbrc = db_open(&s->db, url, err, sizeof err);
    if (dbrc) {
        free(s);
        return xg_error_set(dbrc == DB_MISUSE ? XG_EINVAL : XG_ESTORE, "%s", err);
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->gc_lock, NULL);
    pthread_mutex_init(&s->rd_lock, NULL);
    pthread_cond_init(&s->rd_cond, NULL);
    pthread_mutex_init(&s->lic_lock, NULL);
    s->rd_max = XG_STORE_READERS_DEFAULT;
    s->path = strdup(db_name(s->db));
    s->url = strdup(url && *url ? url : "sqlite:./xgate.db");
    int rc = s->path && s->url ? migrate(s) : XG_ENOMEM;
    if (rc) {
        xg_store_close(s);
        return rc;
    }
    *out = s;
    return XG_OK;
}

/* ---- read connections ---- */

static void reader_close(xg_store *r)
{
    db_close(r->db);
    pthread_mutex_destroy(&r->lock);
    free(r->path);
    free(r);
}

/* A new read handle on s's database; NULL when it cannot be opened (*permanent: never will). */
static xg_store *reader_open(xg_store *s, int *permanent)
{
    *permanent = 0;
    xg_store *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    char err[600];
    int rc = db_open_reader(&r->db, s->url, err, sizeof err);
    if (rc) {
        *permanent = rc == DB_MISUSE;
        free(r);
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    r->path = strdup(s->path);
    if (!r->path) {
        reader_close(r);
        return NULL;
    }
    return r;
}

/* The read connection this thread holds (xg_store_reads_begin): its store, the connection, the
 * nesting depth and the reads made on it (added to the store's count when it is given back). A
 * request runs on one thread from start to end (the server's fibers never leave their worker). */
static _Thread_local struct {
    xg_store *s, *r;
    int depth;
    unsigned long long reads;
} held;

/* An idle read connection, a new one, or the next one released; NULL when reads must go to the
 * writer connection (the caller then takes s->lock). Counts a read when `count`. */
static xg_store *reader_take(xg_store *s, int count)
{
    pthread_mutex_lock(&s->rd_lock);
    for (;;) {
        if (s->rd_off || s->rd_max == 0) break;
        xg_store *r = s->rd_idle;
        if (r) {
            s->rd_idle = r->rd_next;
            s->rd_reads += (unsigned long long)count;
            pthread_mutex_unlock(&s->rd_lock);
            return r;
        }
        if (s->rd_open < s->rd_max) {
            s->rd_open++;
            pthread_mutex_unlock(&s->rd_lock);
            int permanent;
            r = reader_open(s, &permanent);
            pthread_mutex_lock(&s->rd_lock);
            if (r) {
                s->rd_reads += (unsigned long long)count;
                pthread_mutex_unlock(&s->rd_lock);
                return r;
            }
            s->rd_open--;
            if (permanent) s->rd_off = 1;
            pthread_cond_broadcast(&s->rd_cond); /* a waiter may open one itself */
            break;
        }
        pthread_cond_wait(&s->rd_cond, &s->rd_lock);
    }
    pthread_mutex_unlock(&s->rd_lock);
    return NULL;
}

/* Give a read connection back to the pool (closed when the limit was lowered meanwhile). */
static void reader_give(xg_store *s, xg_store *r, unsigned long long reads)
{
    db_prefetch_clear(r->db); /* results fetched ahead for this thread's reads are not the next's */
    pthread_mutex_lock(&s->rd_lock);
    s->rd_reads += reads;
    if (s->rd_open > s->rd_max) {
        s->rd_open--;
        pthread_mutex_unlock(&s->rd_lock);
        reader_close(r);
        return;
    }
    r->rd_next = s->rd_idle;
    s->rd_idle = r;
    pthread_cond_signal(&s->rd_cond);
    pthread_mutex_unlock(&s->rd_lock);
}

xg_store *store_read_begin(xg_store *s)
{
    if (held.s == s && held.r) {
        held.reads++;
        return held.r;
    }
    xg_store *r = reader_take(s, 1);
    if (r) return r;
    pthread_mutex_lock(&s->rd_lock);
    s->rd_fallbacks++;
    pthread_mutex_unlock(&s->rd_lock);
    pthread_mutex_lock(&s->lock);
    return s;
}

void store_read_end(xg_store *s, xg_store *r)
{
    if (r == s) {
        pthread_mutex_unlock(&s->lock);
        return;
    }
    if (held.s == s && held.r == r) return; /* kept until xg_store_reads_end */
    reader_give(s, r, 0);
}

xg_store *store_reads_held(xg_store *s)
{
    return held.s == s ? held.r : NULL;
}

void xg_store_reads_begin(xg_store *s)
{
    if (held.s) {
        if (held.s == s) held.depth++;
        return; /* another store's connection is held: this one's reads go their usual way */
    }
    held.s = s;
    held.depth = 1;
    held.reads = 0;
    held.r = reader_take(s, 0); /* NULL: nothing held, reads fall back as usual */
}

void xg_store_reads_end(xg_store *s)
{
    if (held.s != s || --held.depth > 0) return;
    xg_store *r = held.r;
    unsigned long long reads = held.reads;
    held.s = held.r = NULL;
    held.reads = 0;
    if (r) reader_give(s, r, reads);
}

int xg_store_readers_set(xg_store *s, int n)
{
    if (n < 0) return xg_error_set(XG_EINVAL, "read connections: %d is negative", n);
    pthread_mutex_lock(&s->rd_lock);
    s->rd_max = n;
    while (s->rd_idle && s->rd_open > n) {
        xg_store *r = s->rd_idle;
        s->rd_idle = r->rd_next;
        s->rd_open--;
        reader_close(r);
    }
    pthread_cond_broadcast(&s->rd_cond);
    pthread_mutex_unlock(&s->rd_lock);
    return XG_OK;
}

void xg_store_close(xg_store *s)
{
    if (!s) return;
    while (s->rd_idle) {
        xg_store *r = s->rd_idle;
        s->rd_idle = r->rd_next;
        reader_close(r);
    }
    pthread_mutex_destroy(&s->rd_lock);
    pthread_cond_destroy(&s->rd_cond);
    json_decref(s->lic_cache);
    pthread_mutex_destroy(&s->lic_lock);
    free(s->url);
    db_close(s->db);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->gc_lock);
    free(s->path);
    free(s);
}

int xg_store_schema_version(int *out, xg_store *s)
{
    pthread_mutex_lock(&s->lock);
    int rc = schema_version(s, out);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void xg_store_wal_stats(xg_store *s, unsigned long long *checkpoints, unsigned long long *restarts,
                        long long *pages)
{
    unsigned long long n = 0, r = 0;
    int p = 0;
    pthread_mutex_lock(&s->lock); /* the writer's checkpointer is made and freed under it */
    if (!store_is_pg(s)) db_wal_stats(s->db, &n, &r, &p);
    pthread_mutex_unlock(&s->lock);
    if (checkpoints) *checkpoints = n;
    if (restarts) *restarts = r;
    if (pages) *pages = p;
}

int xg_store_info(json_t **out, xg_store *s)
{
    int v;
    int rc = xg_store_schema_version(&v, s);
    if (rc) return rc;
    pthread_mutex_lock(&s->lock);
    json_int_t batches = (json_int_t)s->gc_batches, decisions = (json_int_t)s->gc_decisions;
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_lock(&s->rd_lock);
    json_t *readers = json_pack("{s:i,s:i,s:b,s:I,s:I}", "max", s->rd_max, "open", s->rd_open,
                                "available", !s->rd_off, "reads", (json_int_t)s->rd_reads,
                                "on_writer", (json_int_t)s->rd_fallbacks);
    pthread_mutex_unlock(&s->rd_lock);
    *out = json_pack("{s:s,s:s,s:i,s:i,s:i,s:{s:I,s:I},s:o}", "backend",
                     store_is_pg(s) ? "postgresql" : "sqlite", "store", s->path, "schema_version",
                     v, "latest", (int)NMIGRATIONS, "applied_at_open", v - s->version_at_open,
                     "group_commit", "batches", batches, "decisions", decisions, "read_connections",
                     readers);
    return *out ? XG_OK : XG_ENOMEM;
}
