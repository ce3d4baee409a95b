/* Optional filters written `?1 IS NULL OR col = ?1` (or `? IS NULL OR col = ?`), bound with NULL
 * and with a value, in both orders, on both backends (tests/cli/test_store_unit_pg.sh runs this
 * suite on PostgreSQL): the pending webhook deliveries, the resellers and the decisions lists, and
 * the same forms straight through the driver layer with every way of binding a NULL. The cached
 * statements run several times, so on PostgreSQL they also run by name (prepared on the session
 * with the types of their first run) after a run with the other kind of filter. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store_temp.h"
#include "store/db.h"
#include "store/store_internal.h"
#include "xgate/error.h"
#include "xgate/store.h"

static temp_store tmp;

static size_t webhook_count(xg_store *s, const char *url)
{
    json_t *arr = NULL;
    cr_assert_eq(xg_store_webhook_pending(&arr, s, url), 0, "url %s: %s", url ? url : "NULL",
                 xg_error_message());
    cr_assert(json_is_array(arr));
    size_t n = json_array_size(arr);
    for (size_t i = 0; url && i < n; i++)
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, i), "url")), url);
    json_decref(arr);
    return n;
}

Test(store_null_params, webhook_pending_with_and_without_a_url)
{
    xg_store *s = temp_store_open(&tmp, "nullwh");
    temp_store_exec(&tmp, "INSERT INTO webhook_deliveries (id, alert_id, url, status, attempts,"
                          " created, updated) VALUES"
                          " ('d1', 'a1', 'https://a.example/hook', 'pending', 0, 't1', 't1'),"
                          " ('d2', 'a2', 'https://b.example/hook', 'pending', 1, 't2', 't2'),"
                          " ('d3', 'a3', 'https://a.example/hook', 'pending', 2, 't3', 't3'),"
                          " ('d4', 'a4', 'https://a.example/hook', 'delivered', 1, 't4', 't4')");
    for (int round = 0; round < 3; round++) {
        cr_assert_eq(webhook_count(s, NULL), 3, "round %d", round);
        cr_assert_eq(webhook_count(s, "https://a.example/hook"), 2, "round %d", round);
        cr_assert_eq(webhook_count(s, NULL), 3, "round %d", round);
        cr_assert_eq(webhook_count(s, "https://b.example/hook"), 1, "round %d", round);
        cr_assert_eq(webhook_count(s, "https://none.example/"), 0, "round %d", round);
    }
    temp_store_remove(&tmp, s);
}

/* A value first, then NULL: the statement prepared on the session with a text parameter. */
Test(store_null_params, webhook_pending_value_first)
{
    xg_store *s = temp_store_open(&tmp, "nullwh2");
    temp_store_exec(&tmp, "INSERT INTO webhook_deliveries (id, alert_id, url, status, attempts,"
                          " created, updated) VALUES"
                          " ('d1', 'a1', 'https://a.example/hook', 'pending', 0, 't1', 't1'),"
                          " ('d2', 'a2', 'https://b.example/hook', 'pending', 1, 't2', 't2')");
    for (int round = 0; round < 3; round++) {
        cr_assert_eq(webhook_count(s, "https://b.example/hook"), 1, "round %d", round);
        cr_assert_eq(webhook_count(s, NULL), 2, "round %d", round);
    }
    temp_store_remove(&tmp, s);
}

static void record(xg_store *s, const char *outcome, int i, const char *reseller)
{
    json_t *req =
        json_pack("{s:{s:s,s:s},s:{s:s}}", "customer", "name", i % 2 ? "Acme Ltd" : "Beta GmbH",
                  "country", "DE", "resource", "item", "p5.48xlarge");
    if (reseller) {
        json_t *im = json_pack("[{s:s,s:s}]", "name", reseller, "country", "AE");
        if (i % 3 == 0) json_object_set_new(json_array_get(im, 0), "names_end_user", json_true());
        if (i % 3 == 1) json_object_del(json_array_get(im, 0), "country");
        json_object_set_new(req, "intermediaries", im);
    }
    json_t *resp = json_pack("{s:s,s:[],s:{s:s,s:s},s:i}", "decision", outcome, "reasons",
                             "versions", "policy", "provider", "as_of", "2026-11-22", "n", i);
    cr_assert_eq(xg_store_decision_record(s, resp, req), 0, "%s", xg_error_message());
    json_decref(req);
    json_decref(resp);
}

static size_t resellers(xg_store *s, const char *name)
{
    json_t *arr = NULL;
    cr_assert_eq(xg_store_resellers_list(&arr, s, name), 0, "name %s: %s", name ? name : "NULL",
                 xg_error_message());
    size_t n = json_array_size(arr);
    json_decref(arr);
    return n;
}

static size_t decisions(xg_store *s, const char *outcome, const char *status)
{
    json_t *o = NULL;
    cr_assert_eq(xg_store_decisions_list(&o, s, outcome, status, 100, NULL), 0, "%s %s: %s",
                 outcome ? outcome : "NULL", status ? status : "NULL", xg_error_message());
    json_t *arr = json_object_get(o, "decisions");
    size_t n = json_array_size(arr);
    for (size_t i = 0; outcome && i < n; i++)
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, i), "decision")),
                         outcome);
    json_decref(o);
    return n;
}

Test(store_null_params, resellers_and_decisions_lists_with_and_without_filters)
{
    xg_store *s = temp_store_open(&tmp, "nullrs");
    for (int i = 0; i < 6; i++)
        record(s, i % 3 ? "ALLOW" : "REVIEW", i, i < 4 ? "Gulf Resale FZE" : "Other Trading");
    for (int round = 0; round < 3; round++) {
        /* Gulf Resale serves both customers, Other Trading the two */
        cr_assert_eq(resellers(s, "Gulf Resale FZE"), 2, "round %d", round);
        cr_assert_eq(resellers(s, NULL), 4, "round %d", round);
        cr_assert_eq(resellers(s, "Other Trading"), 2, "round %d", round);
        cr_assert_eq(resellers(s, "nobody"), 0, "round %d", round);
        cr_assert_eq(decisions(s, "REVIEW", NULL), 2, "round %d", round);
        cr_assert_eq(decisions(s, NULL, NULL), 6, "round %d", round);
        cr_assert_eq(decisions(s, NULL, "open"), 2, "round %d", round);
        cr_assert_eq(decisions(s, "ALLOW", "open"), 0, "round %d", round);
        cr_assert_eq(decisions(s, "ALLOW", NULL), 4, "round %d", round);
    }
    temp_store_remove(&tmp, s);
}

/* The driver layer itself: the same forms with a NULL bound by db_bind_text(NULL) and by
 * db_bind_null, each statement cached (run by name on PostgreSQL from its second run), with NULL
 * and a value in turn; an untyped NULL into an integer column, both kinds into a text column. */
static long long count_rows(db_conn *c, const char *sql, int nparams, const char *val, int how)
{
    db_stmt *st;
    cr_assert_eq(db_prepare_cached(c, sql, &st), DB_OK, "%s: %s", sql, db_errmsg(c));
    for (int i = 1; i <= nparams; i++) {
        if (val)
            db_bind_text(st, i, val);
        else if (how)
            db_bind_null(st, i);
        else
            db_bind_text(st, i, NULL);
    }
    int rc = db_step(st);
    cr_assert_eq(rc, DB_ROW, "%s with %s (%s): %s", sql, val ? val : "NULL",
                 how ? "db_bind_null" : "db_bind_text", db_errmsg(c));
    long long n = db_column_int64(st, 0);
    db_finalize(st);
    return n;
}

Test(store_null_params, driver_forms_and_null_binds)
{
    xg_store *s = temp_store_open(&tmp, "nulldb");
    db_conn *c = s->db;
    cr_assert_eq(db_exec(c, "INSERT INTO webhook_deliveries (id, alert_id, url, status, attempts,"
                            " created, updated) VALUES ('d1', 'a1', 'u1', 'pending', 0, 't', 't'),"
                            " ('d2', 'a2', 'u2', 'pending', 0, 't', 't')"),
                 DB_OK, "%s", db_errmsg(c));
    static const char *const one =
        "SELECT count(*) FROM webhook_deliveries WHERE ?1 IS NULL OR url = ?1";
    static const char *const two =
        "SELECT count(*) FROM webhook_deliveries WHERE (? IS NULL OR url = ?)";
    static const char *const only = "SELECT count(*) FROM webhook_deliveries WHERE ? IS NULL";
    for (int round = 0; round < 3; round++)
        for (int how = 0; how < 2; how++) {
            cr_assert_eq(count_rows(c, one, 1, NULL, how), 2, "round %d how %d", round, how);
            cr_assert_eq(count_rows(c, one, 1, "u1", how), 1, "round %d how %d", round, how);
            cr_assert_eq(count_rows(c, two, 2, "u2", how), 1, "round %d how %d", round, how);
            cr_assert_eq(count_rows(c, two, 2, NULL, how), 2, "round %d how %d", round, how);
            cr_assert_eq(count_rows(c, only, 1, NULL, how), 2, "round %d how %d", round, how);
            cr_assert_eq(count_rows(c, only, 1, "x", how), 0, "round %d how %d", round, how);
        }
    /* an untyped NULL into an integer column; into a text column, both kinds of NULL */
    for (int how = 0; how < 2; how++) {
        db_stmt *st;
        cr_assert_eq(db_prepare_cached(c,
                                       "UPDATE webhook_deliveries SET http_status = ?,"
                                       " error = ? WHERE id = ?",
                                       &st),
                     DB_OK);
        db_bind_null(st, 1); /* a text NULL would not go into a BIGINT column on PostgreSQL */
        if (how)
            db_bind_null(st, 2);
        else
            db_bind_text(st, 2, NULL);
        db_bind_text(st, 3, "d1");
        cr_assert_eq(db_step(st), DB_DONE, "how %d: %s", how, db_errmsg(c));
        db_finalize(st);
    }
    temp_store_remove(&tmp, s);
}
