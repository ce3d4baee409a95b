/*
 * copy.c — `xgate store copy`: every table of one store into another (SQLite → PostgreSQL to move
 * a deployment off the embedded store, or any other direction), then the destination's chain
 * verified.
 *
 * The source is read in one snapshot (a read transaction), table by table in insertion order
 * (rowid, which the PostgreSQL schema keeps as a column of every table), through streamed
 * statements so that memory stays bounded. The destination is written in one transaction and
 * must be empty: a copy is all or nothing, and never merges two chains. The tables are found in
 * the source's catalogue, so tables added by later migrations are copied without an edit here;
 * both stores are migrated to this build's schema on opening, so they have the same tables.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xgate/error.h"

static int list_tables(json_t **out, xg_store *s)
{
    const char *sql =
        store_is_pg(s)
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema ="
              " current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'"
              " AND table_name <> 'party_generation' ORDER BY table_name"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
              " AND name NOT IN ('schema_version', 'party_generation') ORDER BY name";
    db_stmt *st;
    int rc = store_prepare(&st, s, sql);
    if (rc) return rc;
    json_t *a = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW)
        json_array_append_new(a, json_string(store_col_text(st, 0)));
    if (step != DB_DONE) rc = store_error(s, "list tables");
    db_finalize(st);
    if (rc)
        json_decref(a);
    else
        *out = a;
    return rc;
}

static int table_rows(long long *n, xg_store *s, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
    db_stmt *st;
    int rc = store_prepare(&st, s, sql);
    if (rc) return rc;
    if (db_step(st) == DB_ROW)
        *n = db_column_int64(st, 0);
    else
        rc = store_error(s, "count");
    db_finalize(st);
    return rc;
}

/* The INSERT for the columns of the source row (without rowid, which the destination assigns in
 * the same order). *map gets the source column index of each parameter. */
static char *insert_sql(db_stmt *src, const char *table, int *map, int *nmap)
{
    xg_buf b;
    xg_buf_init(&b);
    xg_buf_puts(&b, "INSERT INTO ");
    xg_buf_puts(&b, table);
    xg_buf_puts(&b, " (");
    int n = 0, cols = db_column_count(src);
    for (int i = 0; i < cols; i++) {
        const char *name = db_column_name(src, i);
        if (!name || !strcmp(name, "rowid")) continue;
        if (n) xg_buf_puts(&b, ", ");
        xg_buf_puts(&b, name);
        map[n++] = i;
    }
    xg_buf_puts(&b, ") VALUES (");
    for (int i = 0; i < n; i++)
        xg_buf_puts(&b, i ? ", ?" : "?");
    xg_buf_puts(&b, ")");
    *nmap = n;
    return xg_buf_steal(&b);
}

static int copy_table(long long *rows, xg_store *from, xg_store *to, const char *table)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY rowid", table);
    db_stmt *src, *dst = NULL;
    if (db_prepare_stream(from->db, sql, &src)) return store_error(from, "copy read");
    int rc = XG_OK, step, map[256], nmap = 0;
    *rows = 0;
    while ((step = db_step(src)) == DB_ROW) {
        if (!dst) {
            if (db_column_count(src) > 256) {
                rc = xg_error_set(XG_ETOOBIG, "store copy: table %s has too many columns", table);
                break;
            }
            char *ins = insert_sql(src, table, map, &nmap);
            rc = ins ? store_prepare(&dst, to, ins) : XG_ENOMEM;
            free(ins);
            if (rc) break;
        }
        db_reset(dst);
        for (int i = 0; i < nmap; i++) {
            int c = map[i];
            switch (db_column_type(src, c)) {
            case DB_NULL:
                db_bind_null(dst, i + 1);
                break;
            case DB_INTEGER:
                db_bind_int64(dst, i + 1, db_column_int64(src, c));
                break;
            case DB_FLOAT:
                db_bind_double(dst, i + 1, db_column_double(src, c));
                break;
            default:
                db_bind_text(dst, i + 1, db_column_text(src, c));
                break;
            }
        }
        if (db_step(dst) != DB_DONE) {
            char what[300];
            snprintf(what, sizeof what, "copy into %s (row %lld)", table, *rows + 1);
            rc = store_error(to, what);
            break;
        }
        (*rows)++;
    }
    if (!rc && step != DB_DONE) rc = store_error(from, "copy read");
    db_finalize(dst);
    db_finalize(src);
    return rc;
}

static int copy_all(json_t *counts, long long *total, xg_store *from, xg_store *to)
{
    json_t *tables = NULL;
    int rc = list_tables(&tables, from);
    if (rc) return rc;
    size_t i;
    json_t *t;
    json_array_foreach(tables, i, t)
    { /* a copy never merges into a store that holds data */
        long long n = 0;
        if ((rc = table_rows(&n, to, json_string_value(t)))) break;
        if (n) {
            rc = xg_error_set(XG_EEXIST,
                              "store copy: the destination %s is not empty (%lld rows in %s)",
                              to->path, n, json_string_value(t));
            break;
        }
    }
    if (!rc && db_begin_read(from->db)) rc = store_error(from, "begin");
    if (rc) {
        json_decref(tables);
        return rc;
    }
    if ((rc = store_begin(to))) {
        db_rollback(from->db);
        json_decref(tables);
        return rc;
    }
    json_array_foreach(tables, i, t)
    {
        long long n = 0;
        if ((rc = copy_table(&n, from, to, json_string_value(t)))) break;
        json_object_set_new(counts, json_string_value(t), json_integer(n));
        *total += n;
    }
    if (!rc) rc = store_commit(to);
    if (rc) store_rollback(to);
    db_rollback(from->db); /* the read snapshot */
    json_decref(tables);
    return rc;
}

int xg_store_copy(json_t **out, const char *from_url, const char *to_url)
{
    if (!from_url || !to_url) return xg_error_set(XG_EINVAL, "store copy: --from and --to needed");
    xg_store *from = NULL, *to = NULL;
    int rc = xg_store_open(&from, from_url);
    if (!rc) rc = xg_store_open(&to, to_url);
    if (rc) {
        xg_store_close(from);
        return rc;
    }
    json_t *counts = json_object(), *verify = NULL;
    long long total = 0;
    pthread_mutex_lock(&from->lock);
    pthread_mutex_lock(&to->lock);
    rc = copy_all(counts, &total, from, to);
    pthread_mutex_unlock(&to->lock);
    pthread_mutex_unlock(&from->lock);
    if (!rc) rc = xg_store_audit_verify(&verify, to);
    if (!rc && !json_is_true(json_object_get(verify, "ok")))
        rc = xg_error_set(XG_ECORRUPT, "store copy: the copied audit chain does not verify");
    if (!rc || rc == XG_ECORRUPT)
        *out = json_pack("{s:s,s:s,s:O,s:I,s:O}", "from", from->path, "to", to->path, "tables",
                         counts, "rows", (json_int_t)total, "verify", verify);
    json_decref(counts);
    json_decref(verify);
    xg_store_close(from);
    xg_store_close(to);
    return rc;
}
