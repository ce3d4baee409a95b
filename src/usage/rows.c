/*
 * usage.c — the store side of compute accounting: usage rows (one import transaction that holds
 * the store's lock), daily sums for reports, the rows behind a crossed threshold, the customer
 * facts a report needs (country, ultimate parent through stored ownership) and CIP records.
 *
 * The ultimate parent is read here from the customers and ownership tables rather than through
 * the decision engine: a report over 10k customers must not build a decision per customer. The
 * walk is the engine's rule in small: the record's stated ultimate parent, else the chain of
 * owners holding more than 50 % (control), stopping at a cycle or MAX_PARENT_DEPTH.
 */
#include "store/store_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"
#include "xgate/usage.h"

#define MAX_PARENT_DEPTH 12
#define CONTROL_PERCENT 50.0      /* OFAC 50 Percent Rule; majority ownership is control */
#define IMPORT_CACHE_KIB "131072" /* 128 MiB */

struct xg_usage_txn {
    xg_store *s;
    db_stmt *ins, *by_id, *by_name;
    char now[32];
};

static void txn_end(xg_usage_txn *t)
{
    db_finalize(t->ins);
    db_finalize(t->by_id);
    db_finalize(t->by_name);
    pthread_mutex_unlock(&t->s->lock);
    free(t);
}

int xg_store_usage_begin(xg_usage_txn **out, xg_store *s)
{
    xg_usage_txn *t = calloc(1, sizeof *t);
    if (!t) return XG_ENOMEM;
    t->s = s;
    store_now(t->now);
    pthread_mutex_lock(&s->lock);
    /* A file of millions of rows touches the content-key index at random: a page cache of
     * IMPORT_CACHE_KIB keeps that index in memory instead of re-reading it from the OS. */
    int rc = store_is_pg(s) ? XG_OK : store_exec(s, "PRAGMA cache_size = -" IMPORT_CACHE_KIB);
    if (!rc) rc = store_begin(s);
    if (rc) {
        txn_end(t);
        return rc;
    }
    if ((rc = store_prepare(
             &t->ins, s,
             "INSERT INTO usage_rows (hash, customer_id, item, eccn_class,"
             " accelerators, start_ts, end_ts, hours, accel_hours, peak_ops,"
             " region, account, file, line, created)"
             " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (hash) DO NOTHING")) ||
        (rc = store_prepare(&t->by_id, s, "SELECT id FROM customers WHERE id = ?")) ||
        (rc = store_prepare(&t->by_name, s,
                            "SELECT id FROM customers WHERE name_key = ?"
                            " ORDER BY updated DESC LIMIT 1"))) {
        store_rollback(s);
        txn_end(t);
        return rc;
    }
    *out = t;
    return XG_OK;
}

int xg_store_usage_customer(char **id_out, xg_usage_txn *t, const char *id_or_name)
{
    *id_out = NULL;
    db_stmt *st = t->by_id;
    db_reset(st);
    store_bind_text(st, 1, id_or_name);
    int r = db_step(st);
    if (r != DB_ROW) {
        st = t->by_name;
        db_reset(st);
        char *key = store_name_key(id_or_name);
        store_bind_text(st, 1, key);
        free(key);
        r = db_step(st);
    }
    if (r == DB_ROW) {
        *id_out = store_col_dup(st, 0);
        db_reset(st);
        return *id_out ? XG_OK : XG_ENOMEM;
    }
    db_reset(st);
    if (r != DB_DONE) return store_error(t->s, "usage customer lookup");
    return xg_error_set(XG_ENOTFOUND, "customer '%s' is not on file", id_or_name);
}

int xg_store_usage_add(xg_usage_txn *t, const xg_usage_record *r, int *added)
{
    db_stmt *st = t->ins;
    db_reset(st);
    store_bind_text(st, 1, r->hash);
    store_bind_text(st, 2, r->customer_id);
    store_bind_text(st, 3, r->item);
    store_bind_text(st, 4, r->eccn_class);
    db_bind_double(st, 5, r->accelerators);
    db_bind_int64(st, 6, r->start);
    db_bind_int64(st, 7, r->end);
    db_bind_double(st, 8, r->hours);
    db_bind_double(st, 9, r->accel_hours);
    db_bind_double(st, 10, r->peak_ops);
    store_bind_text(st, 11, r->region);
    store_bind_text(st, 12, r->account);
    store_bind_text(st, 13, r->file);
    db_bind_int64(st, 14, r->line);
    store_bind_text(st, 15, t->now);
    if (db_step(st) != DB_DONE) return store_error(t->s, "usage insert");
    *added = db_changes(t->s->db) > 0;
    return XG_OK;
}

int xg_store_usage_commit(xg_usage_txn *t)
{
    db_finalize(t->ins);
    db_finalize(t->by_id);
    db_finalize(t->by_name);
    t->ins = t->by_id = t->by_name = NULL;
    int rc = store_commit(t->s);
    if (rc) store_rollback(t->s);
    txn_end(t);
    return rc;
}

void xg_store_usage_rollback(xg_usage_txn *t)
{
    db_finalize(t->ins);
    db_finalize(t->by_id);
    db_finalize(t->by_name);
    t->ins = t->by_id = t->by_name = NULL;
    store_rollback(t->s);
    txn_end(t);
}

int xg_store_usage_daily(xg_store *s, int64_t from, int64_t to, const char *customer_id,
                         int (*cb)(void *, const char *, int64_t, const char *, double, double),
                         void *ud)
{
    db_stmt *st;
    xg_store *rd = store_read_begin(s);
    int rc = store_prepare(&st, rd,
                           "SELECT customer_id, start_ts / 86400, eccn_class, SUM(accel_hours),"
                           " SUM(peak_ops) FROM usage_rows WHERE start_ts >= ? AND start_ts < ?"
                           " AND (?3 IS NULL OR customer_id = ?3)"
                           " GROUP BY customer_id, start_ts / 86400, eccn_class"
                           " ORDER BY customer_id, 2");
    if (!rc) {
        db_bind_int64(st, 1, from);
        db_bind_int64(st, 2, to);
        store_bind_text(st, 3, customer_id);
        int r = DB_DONE;
        while (!rc && (r = db_step(st)) == DB_ROW)
            rc = cb(ud, store_col_text(st, 0), db_column_int64(st, 1), store_col_text(st, 2),
                    db_column_double(st, 3), db_column_double(st, 4));
        if (!rc && r != DB_DONE) rc = store_error(rd, "usage daily");
        db_finalize(st);
    }
    store_read_end(s, rd);
    return rc;
}

int xg_store_usage_rows(json_t **out, long *total, xg_store *s, const json_t *ids, int64_t from,
                        int64_t to, size_t max)
{
    char *idj = json_dumps(ids, JSON_COMPACT);
    if (!idj) return XG_ENOMEM;
    db_stmt *st;
    json_t *arr = json_array();
    *total = 0;
    pthread_mutex_lock(&s->lock);
    /* The customer ids come as one JSON array parameter: json_each (SQLite) and
     * json_array_elements_text (PostgreSQL) unpack it. */
    int rc = store_prepare(&st, s,
                           store_is_pg(s)
                               ? "SELECT file, line, item, customer_id, accel_hours, peak_ops,"
                                 " COUNT(*) OVER () FROM usage_rows WHERE customer_id IN"
                                 " (SELECT json_array_elements_text(CAST(?1 AS json)))"
                                 " AND start_ts >= ?2 AND start_ts < ?3"
                                 " ORDER BY peak_ops DESC, file, line LIMIT ?4"
                               : "SELECT file, line, item, customer_id, accel_hours, peak_ops,"
                                 " COUNT(*) OVER () FROM usage_rows"
                                 " WHERE customer_id IN (SELECT value FROM json_each(?1))"
                                 " AND start_ts >= ?2 AND start_ts < ?3"
                                 " ORDER BY peak_ops DESC, file, line LIMIT ?4");
    if (!rc) {
        db_bind_text(st, 1, idj);
        db_bind_int64(st, 2, from);
        db_bind_int64(st, 3, to);
        db_bind_int64(st, 4, (long long)max);
        int r;
        while ((r = db_step(st)) == DB_ROW) {
            *total = (long)db_column_int64(st, 6);
            json_array_append_new(
                arr, json_pack("{s:s,s:I,s:s,s:s,s:f,s:f}", "file", store_col_text(st, 0), "line",
                               (json_int_t)db_column_int64(st, 1), "item", store_col_text(st, 2),
                               "customer", store_col_text(st, 3), "accelerator_hours",
                               db_column_double(st, 4), "peak_ops", db_column_double(st, 5)));
        }
        if (r != DB_DONE) rc = store_error(s, "usage rows");
        db_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    free(idj);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return XG_OK;
}

static void set_str(json_t *o, const char *key, const char *v)
{
    if (v && *v) json_object_set_new(o, key, json_string(v));
}

/* The majority-ownership chain above `name`; the top owner found, or NULL. */
static json_t *majority_top(xg_store *s, db_stmt *st, const char *name)
{
    json_t *top = NULL, *seen = json_object();
    char *key = store_name_key(name);
    for (int depth = 0; depth < MAX_PARENT_DEPTH && key && !json_object_get(seen, key); depth++) {
        json_object_set_new(seen, key, json_true());
        db_reset(st);
        store_bind_text(st, 1, key);
        db_bind_double(st, 2, CONTROL_PERCENT);
        free(key);
        key = NULL;
        if (db_step(st) != DB_ROW) break;
        json_decref(top);
        top = json_object();
        set_str(top, "name", store_col_text(st, 0));
        set_str(top, "country", store_col_text(st, 1));
        set_str(top, "headquarters", store_col_text(st, 2));
        json_object_set_new(top, "how", json_string("majority chain"));
        key = store_name_key(store_col_text(st, 0));
    }
    free(key);
    db_reset(st);
    json_decref(seen);
    return top;
}

int xg_store_usage_customers(json_t **out, xg_store *s, const json_t *ids)
{
    db_stmt *cst = NULL, *ost = NULL;
    json_t *res = json_object();
    pthread_mutex_lock(&s->lock);
    int rc =
        store_prepare(&cst, s,
                      "SELECT legal_name, country, headquarters, ultimate_parent FROM customers"
                      " WHERE id = ?");
    if (!rc)
        rc = store_prepare(&ost, s,
                           "SELECT owner_name, owner_country, owner_headquarters FROM ownership"
                           " WHERE owned_key = ? AND percent > ? ORDER BY percent DESC, owner_key"
                           " LIMIT 1");
    size_t i;
    const json_t *idv;
    json_array_foreach(ids, i, idv)
    {
        if (rc) break;
        const char *id = json_string_value(idv);
        if (!id) continue;
        db_reset(cst);
        store_bind_text(cst, 1, id);
        json_t *c = json_object();
        if (db_step(cst) == DB_ROW) {
            set_str(c, "name", store_col_text(cst, 0));
            set_str(c, "country", store_col_text(cst, 1));
            set_str(c, "headquarters", store_col_text(cst, 2));
            json_t *up = json_loads(store_col_text(cst, 3), 0, NULL);
            const char *upname = json_string_value(json_object_get(up, "name"));
            json_t *parent = NULL;
            if (upname && *upname) {
                parent = json_object();
                set_str(parent, "name", upname);
                set_str(parent, "country", json_string_value(json_object_get(up, "country")));
                set_str(parent, "headquarters",
                        json_string_value(json_object_get(up, "headquarters")));
                json_object_set_new(parent, "how", json_string("record"));
            } else
                parent = majority_top(s, ost, store_col_text(cst, 0));
            json_decref(up);
            if (!parent) {
                parent = json_object();
                set_str(parent, "name", json_string_value(json_object_get(c, "name")));
                set_str(parent, "country", json_string_value(json_object_get(c, "country")));
                set_str(parent, "headquarters",
                        json_string_value(json_object_get(c, "headquarters")));
                json_object_set_new(parent, "how", json_string("self"));
            }
            json_object_set_new(c, "ultimate_parent", parent);
        }
        json_object_set_new(res, id, c);
    }
    db_finalize(cst);
    db_finalize(ost);
    pthread_mutex_unlock(&s->lock);
    if (rc) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return XG_OK;
}

/* ---- CIP records (proposed 15 CFR 7.302) ---- */

static void cip_field(json_t *rec, json_t *missing, const char *key, json_t *v)
{
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
        (json_is_array(v) && !json_array_size(v))) {
        json_decref(v);
        json_object_set_new(rec, key, json_null());
        json_array_append_new(missing, json_string(key));
        return;
    }
    json_object_set_new(rec, key, v);
}

static json_t *jcopy(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return v ? json_deep_copy(v) : NULL;
}

int xg_usage_cip_records(json_t **out, xg_store *s)
{
    db_stmt *st = NULL, *ast = NULL;
    json_t *arr = json_array();
    pthread_mutex_lock(&s->lock);
    int rc =
        store_prepare(&st, s,
                      "SELECT id, legal_name, country, headquarters, record FROM customers"
                      " WHERE COALESCE(country, '') <> 'US' OR COALESCE(headquarters, '') <> 'US'"
                      " ORDER BY legal_name, id");
    if (!rc)
        rc =
            store_prepare(&ast, s,
                          "SELECT ip, created, country FROM access_records WHERE customer IN (?, ?)"
                          " AND ip IS NOT NULL ORDER BY created LIMIT 1000");
    int r = DB_DONE;
    while (!rc && (r = db_step(st)) == DB_ROW) {
        json_t *c = json_loads(store_col_text(st, 4), 0, NULL);
        json_t *rec = json_object(), *missing = json_array();
        json_object_set_new(rec, "customer", json_string(store_col_text(st, 0)));
        cip_field(rec, missing, "name", jcopy(c, "name"));
        cip_field(rec, missing, "country", jcopy(c, "country"));
        cip_field(rec, missing, "address", jcopy(c, "address"));
        cip_field(rec, missing, "national_ids", jcopy(c, "ids"));
        const json_t *pay = json_object_get(c, "payment");
        cip_field(rec, missing, "payment_means", jcopy(pay, "means"));
        cip_field(rec, missing, "payment_source", jcopy(pay, "source"));
        cip_field(rec, missing, "email", jcopy(c, "email"));
        cip_field(rec, missing, "phone", jcopy(c, "phone"));
        json_t *ips = json_array();
        db_reset(ast);
        store_bind_text(ast, 1, store_col_text(st, 0));
        store_bind_text(ast, 2, store_col_text(st, 1));
        while (db_step(ast) == DB_ROW)
            json_array_append_new(ips, json_pack("{s:s,s:s}", "ip", store_col_text(ast, 0), "time",
                                                 store_col_text(ast, 1)));
        cip_field(rec, missing, "ip_addresses", ips);
        cip_field(rec, missing, "beneficial_owners", jcopy(c, "owners"));
        json_t *ver = jcopy(c, "verification");
        json_object_set_new(rec, "verification", ver ? ver : json_string("unverified"));
        json_object_set_new(rec, "missing", missing);
        json_decref(c);
        json_array_append_new(arr, rec);
    }
    if (!rc && r != DB_DONE) rc = store_error(s, "cip");
    db_finalize(st);
    db_finalize(ast);
    pthread_mutex_unlock(&s->lock);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return XG_OK;
}
