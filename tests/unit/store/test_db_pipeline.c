/* The driver layer's round-trip savers (src/store/db.h) on the store's backend (SQLite here,
 * PostgreSQL when tests/cli/test_store_unit_pg.sh sets XGATE_TEST_PGURL): results fetched ahead
 * (db_prefetch, db_begin_prefetch) are taken only by the same SQL with the same parameters and
 * give the same rows as running it; queued writes (db_defer) commit with the COMMIT or, when one
 * fails, fail it and leave nothing behind; cached statements (run by name on PostgreSQL) answer
 * alike whatever their parameters' types; a queued statement's rows (db_defer_rows) are read after
 * the COMMIT. On SQLite each call is the plain one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/store_internal.h"
#include "../store_temp.h"
#include "xgate/error.h"

static void exec_ok(db_conn *c, const char *sql)
{
    cr_assert_eq(db_exec(c, sql), DB_OK, "%s: %s", sql, db_errmsg(c));
}

static long long scalar(db_conn *c, const char *sql, const char *param)
{
    db_stmt *st;
    cr_assert_eq(db_prepare_cached(c, sql, &st), DB_OK, "%s", db_errmsg(c));
    if (param) db_bind_text(st, 1, param);
    int rc = db_step(st);
    long long v = rc == DB_ROW ? db_column_int64(st, 0) : -1;
    db_finalize(st);
    return v;
}

#define SEL "SELECT v FROM pf WHERE k = ?"

static db_stmt *bound(db_conn *c, const char *sql, const char *param)
{
    db_stmt *st;
    cr_assert_eq(db_prepare_cached(c, sql, &st), DB_OK, "%s", db_errmsg(c));
    db_bind_text(st, 1, param);
    return st;
}

Test(store_pipeline, prefetch_taken_by_the_same_statement_only)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "pipe_prefetch");
    db_conn *c = s->db;
    exec_ok(c, "CREATE TABLE pf (k TEXT PRIMARY KEY, v INTEGER)");
    exec_ok(c, "INSERT INTO pf (k, v) VALUES ('a', 1), ('b', 2)");
    db_stmt *sts[2] = {bound(c, SEL, "a"), bound(c, SEL, "zz")};
    cr_assert_eq(db_prefetch(c, sts, 2), DB_OK, "%s", db_errmsg(c));
    db_finalize(sts[0]);
    db_finalize(sts[1]);
    unsigned long long sent, taken;
    db_prefetch_stats(c, &sent, &taken);
    cr_assert_eq(sent, store_is_pg(s) ? 2u : 0u);
    /* another parameter: runs (and sees the row); the same: takes the result */
    cr_assert_eq(scalar(c, SEL, "b"), 2);
    cr_assert_eq(scalar(c, SEL, "a"), 1);
    cr_assert_eq(scalar(c, SEL, "zz"), -1); /* no row, fetched ahead too */
    db_prefetch_stats(c, &sent, &taken);
    cr_assert_eq(taken, store_is_pg(s) ? 2u : 0u);
    /* each result once: the same read again runs and sees a change made since */
    exec_ok(c, "UPDATE pf SET v = 10 WHERE k = 'a'");
    cr_assert_eq(scalar(c, SEL, "a"), 10);
    /* what no statement took is dropped by db_prefetch_clear: the read runs again */
    sts[0] = bound(c, SEL, "a");
    cr_assert_eq(db_prefetch(c, sts, 1), DB_OK);
    db_finalize(sts[0]);
    exec_ok(c, "UPDATE pf SET v = 11 WHERE k = 'a'"); /* db_exec does not clear: clear now */
    db_prefetch_clear(c);
    cr_assert_eq(scalar(c, SEL, "a"), 11);
    /* a failing statement keeps nothing: its error comes when it runs (PostgreSQL: SQLite
     * refuses it when preparing already) */
    if (store_is_pg(s)) {
        const char *bad_sql = "SELECT v FROM no_such_table WHERE k = ?";
        db_stmt *bad = bound(c, bad_sql, "a");
        db_prefetch(c, &bad, 1);
        db_finalize(bad);
        bad = bound(c, bad_sql, "a");
        cr_assert_eq(db_step(bad), DB_ERROR);
        cr_assert(strstr(db_errmsg(c), "no_such_table"), "%s", db_errmsg(c));
        db_finalize(bad);
        cr_assert_eq(scalar(c, SEL, "b"), 2); /* the connection serves on */
    }
    temp_store_remove(&tmp, s);
}

Test(store_pipeline, begin_prefetch_reads_inside_the_transaction)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "pipe_begin");
    db_conn *c = s->db;
    exec_ok(c, "CREATE TABLE pf (k TEXT PRIMARY KEY, v INTEGER)");
    exec_ok(c, "INSERT INTO pf (k, v) VALUES ('a', 5)");
    db_stmt *st = bound(c, SEL, "a");
    cr_assert_eq(db_begin_prefetch(c, &st, 1), DB_OK, "%s", db_errmsg(c));
    db_finalize(st);
    cr_assert_eq(scalar(c, SEL, "a"), 5);
    exec_ok(c, "UPDATE pf SET v = 6 WHERE k = 'a'");
    cr_assert_eq(db_commit(c), DB_OK, "%s", db_errmsg(c));
    cr_assert_eq(scalar(c, SEL, "a"), 6);
    temp_store_remove(&tmp, s);
}

/* db_defer_rows: a queued statement's rows are read after the COMMIT (none when it failed); a
 * cached statement queued after the first of a pipeline is prepared inside it and runs by name
 * afterwards, and one prepared in a pipeline that failed is prepared again. PostgreSQL only (on
 * SQLite nothing is queued). */
Test(store_pipeline, deferred_rows_read_after_commit)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "pipe_rows");
    db_conn *c = s->db;
    exec_ok(c, "CREATE TABLE pf (k TEXT PRIMARY KEY, v INTEGER)");
    if (store_is_pg(s)) {
        const char *ins = "INSERT INTO pf (k, v) VALUES (?, ?) RETURNING v + 100";
        const char *upd = "UPDATE pf SET v = v + 1 WHERE k = ?";
        for (int round = 0; round < 2; round++) {
            cr_assert_eq(db_begin(c), DB_OK);
            db_defer(c, 1);
            db_stmt *st, *up;
            cr_assert_eq(db_prepare_cached(c, ins, &st), DB_OK);
            db_bind_text(st, 1, round ? "b" : "a");
            db_bind_int64(st, 2, 7);
            db_defer_rows(st);
            cr_assert_eq(db_step(st), DB_DONE, "queued: %s", db_errmsg(c));
            up = bound(c, upd, round ? "b" : "a"); /* the second of the pipeline */
            cr_assert_eq(db_step(up), DB_DONE, "%s", db_errmsg(c));
            db_finalize(up);
            cr_assert_eq(db_commit(c), DB_OK, "%s", db_errmsg(c));
            cr_assert_eq(db_step(st), DB_ROW, "the kept rows: %s", db_errmsg(c));
            cr_assert_eq(db_column_int64(st, 0), 107);
            cr_assert_eq(db_step(st), DB_DONE);
            db_finalize(st);
            cr_assert_eq(scalar(c, "SELECT v FROM pf WHERE k = ?", round ? "b" : "a"), 8);
        }
        /* a failing pipeline: the kept statement has no rows, nothing stays, and the statement
         * prepared inside it (a new text) runs when next used */
        const char *upd2 = "UPDATE pf SET v = v + 2 WHERE k = ?";
        cr_assert_eq(db_begin(c), DB_OK);
        db_defer(c, 1);
        db_stmt *st, *up;
        cr_assert_eq(db_prepare_cached(c, ins, &st), DB_OK);
        db_bind_text(st, 1, "a"); /* a duplicate key */
        db_bind_int64(st, 2, 1);
        db_defer_rows(st);
        cr_assert_eq(db_step(st), DB_DONE);
        up = bound(c, upd2, "b");
        cr_assert_eq(db_step(up), DB_DONE);
        db_finalize(up);
        cr_assert_neq(db_commit(c), DB_OK);
        cr_assert(db_deferred_failed(c));
        db_rollback(c);
        cr_assert_eq(db_step(st), DB_DONE);
        db_finalize(st);
        cr_assert_eq(scalar(c, "SELECT v FROM pf WHERE k = ?", "b"), 8);
        up = bound(c, upd2, "b");
        cr_assert_eq(db_step(up), DB_DONE, "prepared again: %s", db_errmsg(c));
        db_finalize(up);
        cr_assert_eq(scalar(c, "SELECT v FROM pf WHERE k = ?", "b"), 10);
    }
    temp_store_remove(&tmp, s);
}

static void insert(db_conn *c, const char *k, long long v, int expect_error_now)
{
    db_stmt *st;
    cr_assert_eq(db_prepare_cached(c, "INSERT INTO pf (k, v) VALUES (?, ?)", &st), DB_OK);
    db_bind_text(st, 1, k);
    db_bind_int64(st, 2, v);
    int rc = db_step(st);
    if (expect_error_now)
        cr_assert_neq(rc, DB_DONE);
    else
        cr_assert_eq(rc, DB_DONE, "%s", db_errmsg(c));
    db_finalize(st);
}

Test(store_pipeline, deferred_writes_commit_or_fail_together)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "pipe_defer");
    db_conn *c = s->db;
    int pg = store_is_pg(s);
    exec_ok(c, "CREATE TABLE pf (k TEXT PRIMARY KEY, v INTEGER)");
    /* all good: every row is there after the COMMIT */
    cr_assert_eq(db_begin(c), DB_OK);
    db_defer(c, 1);
    insert(c, "a", 1, 0);
    insert(c, "b", 2, 0);
    cr_assert_eq(db_commit(c), DB_OK, "%s", db_errmsg(c));
    cr_assert_not(db_deferred_failed(c));
    cr_assert_eq(scalar(c, "SELECT COUNT(*) FROM pf", NULL), 2);
    /* a duplicate key: on PostgreSQL queued, failing the COMMIT (a queued row's failure); on
     * SQLite failing at once. Either way nothing of the transaction stays. */
    cr_assert_eq(db_begin(c), DB_OK);
    db_defer(c, 1);
    insert(c, "c", 3, 0);
    insert(c, "a", 4, !pg);
    if (pg) {
        cr_assert_eq(db_commit(c), DB_ERROR);
        cr_assert(db_deferred_failed(c));
        cr_assert(strstr(db_errmsg(c), "duplicate") || strstr(db_errmsg(c), "unique"), "%s",
                  db_errmsg(c));
    }
    db_rollback(c);
    cr_assert_eq(scalar(c, "SELECT COUNT(*) FROM pf", NULL), 2);
    cr_assert_eq(scalar(c, SEL, "c"), -1);
    /* a read inside a deferring transaction is not possible; after db_defer(c, 0) it sends the
     * queue first and sees the queued rows */
    cr_assert_eq(db_begin(c), DB_OK);
    db_defer(c, 1);
    insert(c, "d", 7, 0);
    db_defer(c, 0);
    cr_assert_eq(scalar(c, SEL, "d"), 7);
    cr_assert_eq(db_commit(c), DB_OK, "%s", db_errmsg(c));
    cr_assert_eq(scalar(c, "SELECT COUNT(*) FROM pf", NULL), 3);
    temp_store_remove(&tmp, s);
}

Test(store_pipeline, cached_statements_whatever_the_parameter_types)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "pipe_named");
    db_conn *c = s->db;
    exec_ok(c, "CREATE TABLE pf (k TEXT PRIMARY KEY, v INTEGER)");
    exec_ok(c, "INSERT INTO pf (k, v) VALUES ('a', 1), ('b', 2)");
    const char *sql = "SELECT COUNT(*) FROM pf WHERE k = ? OR v = ?";
    for (int round = 0; round < 12; round++) { /* past PostgreSQL's five custom plans */
        db_stmt *st;
        cr_assert_eq(db_prepare_cached(c, sql, &st), DB_OK);
        int b = round % 2, null = round % 3 == 2; /* a NULL: another parameter type */
        db_bind_text(st, 1, b ? "b" : "zz");
        if (null)
            db_bind_null(st, 2);
        else
            db_bind_int64(st, 2, 1);
        cr_assert_eq(db_step(st), DB_ROW, "%s", db_errmsg(c));
        cr_assert_eq(db_column_int64(st, 0), b + !null, "round %d", round);
        db_finalize(st);
    }
    temp_store_remove(&tmp, s);
}
