/*
 * monitor.c — what monitoring keeps: the list entries seen (by fingerprint), alerts, the
 * customers they affect, their events in the audit chain, clearances and webhook deliveries.
 *
 * A monitor run is applied in chunks, each ONE transaction holding both the alerts the chunk's
 * entries raised and the seen-table rows of those entries: a kill -9 loses a whole chunk or
 * nothing, and the rerun finds that chunk's entries still new and redoes exactly that work. An
 * alert is unique per (party, entry, entry fingerprint, party fingerprint), so nothing alerts
 * twice; alerts are never deleted, only moved between statuses (open, cleared, confirmed,
 * entry_removed), each move an alert event chained into the audit log.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

/* ---- parties ---- */

static int parties_customers(xg_store *s, int (*cb)(const xg_stored_party *, void *), void *ctx)
{
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "SELECT legal_name, name_key, aliases, identifiers, ultimate_parent"
                           " FROM customers ORDER BY rowid");
    if (rc) return rc;
    while (!rc && db_step(st) == DB_ROW) {
        const char *name = store_col_text(st, 0);
        xg_stored_party p = {.key = store_col_text(st, 1),
                             .name = name,
                             .role = "customer",
                             .customer = name,
                             .aliases = db_column_text(st, 2),
                             .ids = db_column_text(st, 3)};
        rc = cb(&p, ctx);
        const char *up = db_column_text(st, 4);
        if (rc || !up || !*up) continue;
        json_t *j = json_loads(up, 0, NULL);
        const char *upn = json_string_value(json_object_get(j, "name"));
        if (upn && *upn) {
            char *key = store_name_key(upn);
            xg_stored_party q = {
                .key = key, .name = upn, .role = "ultimate_parent", .customer = name};
            rc = cb(&q, ctx);
            free(key);
        }
        json_decref(j);
    }
    db_finalize(st);
    return rc;
}

static int parties_simple(xg_store *s, const char *sql, const char *role,
                          int (*cb)(const xg_stored_party *, void *), void *ctx)
{
    db_stmt *st;
    int rc = store_prepare(&st, s, sql);
    if (rc) return rc;
    while (!rc && db_step(st) == DB_ROW) {
        char *key = store_name_key(store_col_text(st, 0));
        xg_stored_party p = {.key = key,
                             .name = store_col_text(st, 0),
                             .role = role,
                             .customer = store_col_text(st, 1)};
        rc = cb(&p, ctx);
        free(key);
    }
    db_finalize(st);
    return rc;
}

/* Parties of decisions in force: the response's "parties" (customer, owners, intermediaries). */
static int parties_decisions(xg_store *s, int (*cb)(const xg_stored_party *, void *), void *ctx)
{
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "SELECT id, COALESCE(customer_name, ''), response FROM decisions"
                           " WHERE final_outcome <> 'DENY' ORDER BY n");
    if (rc) return rc;
    while (!rc && db_step(st) == DB_ROW) {
        json_t *resp = json_loads(store_col_text(st, 2), 0, NULL);
        size_t i;
        json_t *pt;
        json_array_foreach(json_object_get(resp, "parties"), i, pt)
        {
            const char *name = json_string_value(json_object_get(pt, "name"));
            const char *role = json_string_value(json_object_get(pt, "role"));
            if (!name || !*name) continue;
            char *key = store_name_key(name);
            xg_stored_party p = {.key = key,
                                 .name = name,
                                 .role = role ? role : "party",
                                 .customer = store_col_text(st, 1),
                                 .decision_id = store_col_text(st, 0)};
            rc = cb(&p, ctx);
            free(key);
            if (rc) break;
        }
        json_decref(resp);
    }
    db_finalize(st);
    return rc;
}

int xg_store_parties_each(xg_store *s, int (*cb)(const xg_stored_party *p, void *ctx), void *ctx)
{
    if (!s || !cb) return xg_error_set(XG_EINVAL, "parties: store and callback needed");
    pthread_mutex_lock(&s->lock);
    int rc = store_exec(s, "BEGIN");
    if (!rc) {
        rc = parties_customers(s, cb, ctx);
        if (!rc)
            rc = parties_simple(s, "SELECT owner_name, owned_name FROM ownership ORDER BY rowid",
                                "owner", cb, ctx);
        if (!rc)
            rc = parties_simple(s, "SELECT name, serves FROM resellers ORDER BY rowid", "reseller",
                                cb, ctx);
        if (!rc) rc = parties_decisions(s, cb, ctx);
        store_exec(s, "COMMIT");
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int xg_store_party_generation(xg_store *s, char token[33], int64_t *counter)
{
    if (!s || !token || !counter) return xg_error_set(XG_EINVAL, "party generation: bad call");
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT token, counter FROM party_generation WHERE id = 1");
    if (!rc) {
        if (db_step(st) == DB_ROW) {
            snprintf(token, 33, "%s", store_col_text(st, 0));
            *counter = db_column_int64(st, 1);
        } else {
            rc = store_error(s, "party generation");
        }
        db_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

const char *xg_store_sqlite_path(const xg_store *s)
{
    return s && !store_is_pg(s) ? s->path : NULL;
}

int xg_store_monitor_seen_each(xg_store *s, int (*cb)(const char *key, const char *fp, void *ctx),
                               void *ctx)
{
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT entry_key, fingerprint FROM monitor_seen");
    while (!rc && db_step(st) == DB_ROW)
        rc = cb(store_col_text(st, 0), store_col_text(st, 1), ctx);
    if (st) db_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int xg_store_monitor_parties_each(xg_store *s,
                                  int (*cb)(const char *key, const char *fp, void *ctx), void *ctx)
{
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT party_key, fingerprint FROM monitor_parties");
    while (!rc && db_step(st) == DB_ROW)
        rc = cb(store_col_text(st, 0), store_col_text(st, 1), ctx);
    if (st) db_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- applying a chunk ---- */

static int step_done(xg_store *s, db_stmt *st, const char *what)
{
    int r = db_step(st);
    int rc = r == DB_DONE || r == DB_ROW ? XG_OK : store_error(s, what);
    db_finalize(st);
    return rc;
}

/* Append an alert event row and its audit entry (inside the caller's transaction). */
static int alert_event(xg_store *s, const char *alert_id, const char *event, json_t *detail,
                       const char *reviewer)
{
    char now[32], hash[65];
    store_now(now);
    char *id = store_random_id("aev_", 10);
    char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
    db_stmt *st;
    int rc = !id || !text ? xg_error_set(XG_ENOMEM, "alert event: out of memory")
                          : store_prepare(&st, s,
                                          "INSERT INTO alert_events (id, alert_id, event, detail,"
                                          " reviewer, created) VALUES (?,?,?,?,?,?)");
    if (!rc) {
        const char *v[] = {id, alert_id, event, text, reviewer, now};
        for (int i = 0; i < 6; i++)
            store_bind_text(st, i + 1, v[i]);
        rc = step_done(s, st, "alert event");
    }
    if (!rc) {
        char *payload = store_alert_event_payload(id, alert_id, event, text, reviewer, now);
        long long seq;
        rc = store_audit_append(s, "alert", id, payload, &seq, hash);
        free(payload);
    }
    free(id);
    free(text);
    return rc;
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static char *jdump(const json_t *v)
{
    return v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
}

/* The latest clearance of a pair as JSON (NULL when none). */
static json_t *clearance_of(xg_store *s, const char *party_key, const char *entry_key)
{
    db_stmt *st;
    if (store_prepare(&st, s,
                      "SELECT id, alert_id, entry_fp, party_fp, reason, reviewer, created"
                      " FROM clearances WHERE party_key = ? AND entry_key = ?"
                      " ORDER BY created DESC, rowid DESC LIMIT 1"))
        return NULL;
    store_bind_text(st, 1, party_key);
    store_bind_text(st, 2, entry_key);
    json_t *c = NULL;
    if (db_step(st) == DB_ROW)
        c = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", store_col_text(st, 0), "alert_id",
                      store_col_text(st, 1), "entry_fp", store_col_text(st, 2), "party_fp",
                      store_col_text(st, 3), "reason", store_col_text(st, 4), "reviewer",
                      store_col_text(st, 5), "created", store_col_text(st, 6));
    db_finalize(st);
    return c;
}

/* 1 when a row exists for the query with two text parameters (and up to two more). */
static int exists4(xg_store *s, const char *sql, const char *a, const char *b, const char *c,
                   const char *d, char **id_out)
{
    db_stmt *st;
    if (store_prepare(&st, s, sql)) return -1;
    store_bind_text(st, 1, a);
    store_bind_text(st, 2, b);
    if (c) store_bind_text(st, 3, c);
    if (d) store_bind_text(st, 4, d);
    int found = db_step(st) == DB_ROW;
    if (found && id_out) *id_out = store_col_dup(st, 0);
    db_finalize(st);
    return found;
}

static int insert_alert(xg_store *s, const char *id, const json_t *h, const char *list_hash,
                        const json_t *earlier, const char *now)
{
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "INSERT INTO alerts (id, status, party_key, party_name, party_fp, roles,"
                           " entry_key, source, source_code, entry_id, entry_name, entry_fp,"
                           " matched, score, explanation, list_hash, decisions,"
                           " earlier_clearance, created, updated, list_version)"
                           " VALUES (?,'open',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (rc) return rc;
    char *roles = jdump(json_object_get(h, "roles")),
         *expl = jdump(json_object_get(h, "explanation"));
    char *decs = jdump(json_object_get(h, "decisions")), *ec = jdump(earlier);
    const json_t *lv = json_object_get(h, "list_version");
    char *lvt = json_is_object(lv) ? jdump(lv) : NULL;
    const char *v[] = {id,
                       jstr(h, "party_key"),
                       jstr(h, "party_name"),
                       jstr(h, "party_fp"),
                       roles,
                       jstr(h, "entry_key"),
                       jstr(h, "source"),
                       jstr(h, "source_code"),
                       jstr(h, "entry_id"),
                       jstr(h, "entry_name"),
                       jstr(h, "entry_fp"),
                       jstr(h, "matched")};
    for (int i = 0; i < 12; i++)
        store_bind_text(st, i + 1, v[i]);
    db_bind_double(st, 13, json_number_value(json_object_get(h, "score")));
    store_bind_text(st, 14, expl);
    store_bind_text(st, 15, list_hash);
    store_bind_text(st, 16, decs ? decs : "[]");
    store_bind_text(st, 17, ec);
    store_bind_text(st, 18, now);
    store_bind_text(st, 19, now);
    store_bind_text(st, 20, lvt);
    rc = step_done(s, st, "alert insert");
    free(roles), free(expl), free(decs), free(ec), free(lvt);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(h, "customers"), i, c)
    {
        if (rc || !json_is_string(c)) continue;
        char *key = store_name_key(json_string_value(c));
        if (!(rc = store_prepare(&st, s,
                                 "INSERT INTO alert_customers (alert_id, customer_key, customer)"
                                 " VALUES (?,?,?) ON CONFLICT DO NOTHING"))) {
            store_bind_text(st, 1, id);
            store_bind_text(st, 2, key);
            store_bind_text(st, 3, json_string_value(c));
            rc = step_done(s, st, "alert customers");
        }
        free(key);
    }
    return rc;
}

static int queue_webhook(xg_store *s, const char *alert_id, const char *url, const char *now)
{
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "INSERT INTO webhook_deliveries (id, alert_id, url, status, attempts,"
                           " created, updated) VALUES (?,?,?,'pending',0,?,?)");
    if (rc) return rc;
    char *id = store_random_id("whd_", 10);
    const char *v[] = {id, alert_id, url, now, now};
    for (int i = 0; i < 5; i++)
        store_bind_text(st, i + 1, v[i]);
    rc = step_done(s, st, "webhook queue");
    free(id);
    return rc;
}

static int apply_hit(xg_store *s, const json_t *h, const char *list_hash, const char *webhook,
                     json_t *out)
{
    const char *pk = jstr(h, "party_key"), *ek = jstr(h, "entry_key");
    const char *efp = jstr(h, "entry_fp"), *pfp = jstr(h, "party_fp");
    if (!pk || !ek || !efp || !pfp) return xg_error_set(XG_EINVAL, "monitor hit: keys missing");
    json_t *cl = clearance_of(s, pk, ek);
    if (cl && !strcmp(jstr(cl, "entry_fp"), efp) && !strcmp(jstr(cl, "party_fp"), pfp)) {
        json_decref(cl);
        json_object_set_new(
            out, "suppressed",
            json_integer(json_integer_value(json_object_get(out, "suppressed")) + 1));
        return 0;
    }
    char *open_id = NULL;
    int open = exists4(s,
                       "SELECT id FROM alerts WHERE party_key = ? AND entry_key = ?"
                       " AND status IN ('open', 'confirmed') ORDER BY created DESC LIMIT 1",
                       pk, ek, NULL, NULL, &open_id);
    int same = open ? 0
                    : exists4(s,
                              "SELECT id FROM alerts WHERE party_key = ? AND entry_key = ?"
                              " AND entry_fp = ? AND party_fp = ?",
                              pk, ek, efp, pfp, NULL);
    if (open < 0 || same < 0) {
        json_decref(cl);
        return store_error(s, "alert lookup");
    }
    if (open > 0) {
        /* an open alert follows its pair: keep its fingerprints current (unless another alert
         * of the pair holds those), so a clearance records what the analyst saw last */
        int taken = exists4(s,
                            "SELECT id FROM alerts WHERE party_key = ? AND entry_key = ?"
                            " AND entry_fp = ? AND party_fp = ?",
                            pk, ek, efp, pfp, NULL);
        db_stmt *st;
        if (taken == 0 && !store_prepare(&st, s,
                                         "UPDATE alerts SET entry_fp = ?, party_fp = ?, score = ?"
                                         " WHERE id = ? AND status = 'open'")) {
            store_bind_text(st, 1, efp);
            store_bind_text(st, 2, pfp);
            db_bind_double(st, 3, json_number_value(json_object_get(h, "score")));
            store_bind_text(st, 4, open_id);
            int r2 = step_done(s, st, "alert update");
            if (r2) {
                free(open_id);
                json_decref(cl);
                return r2;
            }
        }
    }
    free(open_id);
    if (open || same) {
        json_decref(cl);
        json_object_set_new(
            out, "still_open",
            json_integer(json_integer_value(json_object_get(out, "still_open")) + 1));
        return 0;
    }
    char now[32];
    store_now(now);
    char *id = store_random_id("alr_", 10);
    int rc = insert_alert(s, id, h, list_hash, cl, now);
    if (!rc) {
        json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:s?}", "party_key", pk, "entry_key", ek,
                              "entry_fp", efp, "party_fp", pfp, "list_hash",
                              list_hash ? list_hash : "", "score", json_object_get(h, "score"),
                              "earlier_clearance", cl ? jstr(cl, "id") : NULL);
        rc = alert_event(s, id, "opened", d, NULL);
        json_decref(d);
    }
    if (!rc && webhook && *webhook) rc = queue_webhook(s, id, webhook, now);
    if (!rc) json_array_append_new(json_object_get(out, "opened"), json_string(id));
    free(id);
    json_decref(cl);
    return rc;
}

/* Close the open alerts an entry raised: the entry left the lists. */
static int close_removed(xg_store *s, const char *entry_key, json_t *out)
{
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT id FROM alerts WHERE entry_key = ? AND status = 'open'");
    if (rc) return rc;
    store_bind_text(st, 1, entry_key);
    json_t *ids = json_array();
    while (db_step(st) == DB_ROW)
        json_array_append_new(ids, json_string(store_col_text(st, 0)));
    db_finalize(st);
    char now[32];
    store_now(now);
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id)
    {
        if (rc) break;
        if (!(rc = store_prepare(&st, s,
                                 "UPDATE alerts SET status = 'entry_removed', updated = ?"
                                 " WHERE id = ?"))) {
            store_bind_text(st, 1, now);
            store_bind_text(st, 2, json_string_value(id));
            rc = step_done(s, st, "alert close");
        }
        json_t *d = json_pack("{s:s}", "entry_key", entry_key);
        if (!rc) rc = alert_event(s, json_string_value(id), "entry_removed", d, NULL);
        json_decref(d);
        if (!rc) json_array_append(json_object_get(out, "closed"), id);
    }
    json_decref(ids);
    return rc;
}

static int apply_seen(xg_store *s, const json_t *chunk, const char *list_hash)
{
    char now[32];
    store_now(now);
    db_stmt *put, *del;
    int rc = store_prepare(&put, s,
                           "INSERT INTO monitor_seen (entry_key, source, entry_id, fingerprint,"
                           " name, list_hash, updated) VALUES (?,?,?,?,?,?,?)"
                           " ON CONFLICT (entry_key) DO UPDATE SET source = excluded.source,"
                           " entry_id = excluded.entry_id, fingerprint = excluded.fingerprint,"
                           " name = excluded.name, list_hash = excluded.list_hash,"
                           " updated = excluded.updated");
    if (rc) return rc;
    if ((rc = store_prepare(&del, s, "DELETE FROM monitor_seen WHERE entry_key = ?"))) {
        db_finalize(put);
        return rc;
    }
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(chunk, "seen_put"), i, row)
    {
        if (rc) break;
        db_reset(put);
        for (int k = 0; k < 5; k++)
            store_bind_text(put, k + 1, json_string_value(json_array_get(row, (size_t)k)));
        store_bind_text(put, 6, list_hash);
        store_bind_text(put, 7, now);
        if (db_step(put) != DB_DONE) rc = store_error(s, "monitor seen");
    }
    json_array_foreach(json_object_get(chunk, "seen_del"), i, row)
    {
        if (rc) break;
        db_reset(del);
        store_bind_text(del, 1, json_string_value(row));
        if (db_step(del) != DB_DONE) rc = store_error(s, "monitor seen delete");
    }
    db_finalize(put);
    db_finalize(del);
    if (rc || !json_array_size(json_object_get(chunk, "parties_put"))) return rc;
    if ((rc = store_prepare(&put, s,
                            "INSERT INTO monitor_parties (party_key, fingerprint, updated)"
                            " VALUES (?,?,?) ON CONFLICT (party_key) DO UPDATE SET"
                            " fingerprint = excluded.fingerprint, updated = excluded.updated")))
        return rc;
    json_array_foreach(json_object_get(chunk, "parties_put"), i, row)
    {
        if (rc) break;
        db_reset(put);
        store_bind_text(put, 1, json_string_value(json_array_get(row, 0)));
        store_bind_text(put, 2, json_string_value(json_array_get(row, 1)));
        store_bind_text(put, 3, now);
        if (db_step(put) != DB_DONE) rc = store_error(s, "monitor parties");
    }
    db_finalize(put);
    return rc;
}

static int record_run(xg_store *s, const json_t *run, const char *list_hash)
{
    if (!json_is_object(run)) return 0;
    char now[32];
    store_now(now);
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "INSERT INTO monitor_runs (id, started, finished, list_hash, stats)"
                           " VALUES (?,?,?,?,?)");
    if (rc) return rc;
    char *stats = jdump(json_object_get(run, "stats"));
    const char *v[] = {jstr(run, "id"), jstr(run, "started"), now, list_hash, stats ? stats : "{}"};
    for (int i = 0; i < 5; i++)
        store_bind_text(st, i + 1, v[i]);
    rc = step_done(s, st, "monitor run");
    free(stats);
    return rc;
}

int xg_store_monitor_apply(json_t **out, xg_store *s, const json_t *chunk)
{
    if (!out || !s || !json_is_object(chunk))
        return xg_error_set(XG_EINVAL, "monitor apply: store and chunk needed");
    const char *list_hash = jstr(chunk, "list_hash"), *webhook = jstr(chunk, "webhook");
    json_t *res =
        json_pack("{s:[],s:[],s:i,s:i}", "opened", "closed", "suppressed", 0, "still_open", 0);
    pthread_mutex_lock(&s->lock);
    int rc = store_begin(s);
    if (!rc && (rc = store_chain_lock(s))) store_rollback(s);
    if (!rc) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(chunk, "hits"), i, v)
        {
            if (rc) break;
            rc = apply_hit(s, v, list_hash, webhook, res);
        }
        json_array_foreach(json_object_get(chunk, "seen_del"), i, v)
        {
            if (rc) break;
            rc = close_removed(s, json_string_value(v), res);
        }
        if (!rc) rc = apply_seen(s, chunk, list_hash);
        if (!rc) rc = record_run(s, json_object_get(chunk, "run"), list_hash);
        if (!rc && (json_array_size(json_object_get(res, "opened")) ||
                    json_array_size(json_object_get(res, "closed"))))
            rc = store_notify(s, "alerts", "monitor");
        if (!rc) rc = store_commit(s);
        if (rc) store_rollback(s);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return 0;
}

/* ---- reading and resolving alerts ---- */

#define ALERT_COLS                                                                                 \
    "id, status, party_key, party_name, party_fp, roles, entry_key, source, source_code,"          \
    " entry_id, entry_name, entry_fp, matched, score, explanation, list_hash, decisions,"          \
    " earlier_clearance, resolution, created, updated, list_version"

static json_t *json_col(db_stmt *st, int i)
{
    const char *t = db_column_text(st, i);
    json_t *v = t ? json_loads(t, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

static json_t *alert_row(xg_store *s, db_stmt *st)
{
    const char *id = store_col_text(st, 0);
    json_t *a = json_pack(
        "{s:s,s:s,s:{s:s,s:s,s:s,s:o},s:{s:s,s:s,s:s,s:s,s:s,s:s},s:s,s:f,s:o,s:s,s:o,s:o,s:o,"
        "s:s,s:s}",
        "id", id, "status", store_col_text(st, 1), "party", "key", store_col_text(st, 2), "name",
        store_col_text(st, 3), "fingerprint", store_col_text(st, 4), "roles", json_col(st, 5),
        "entry", "key", store_col_text(st, 6), "source", store_col_text(st, 7), "source_code",
        store_col_text(st, 8), "id", store_col_text(st, 9), "name", store_col_text(st, 10),
        "fingerprint", store_col_text(st, 11), "matched", store_col_text(st, 12), "score",
        db_column_double(st, 13), "explanation", json_col(st, 14), "list_hash",
        store_col_text(st, 15), "decisions", json_col(st, 16), "earlier_clearance",
        json_col(st, 17), "resolution", json_col(st, 18), "created", store_col_text(st, 19),
        "updated", store_col_text(st, 20));
    db_stmt *c;
    json_t *cust = json_array();
    if (!store_prepare(&c, s, "SELECT customer FROM alert_customers WHERE alert_id = ?")) {
        store_bind_text(c, 1, id);
        while (db_step(c) == DB_ROW)
            json_array_append_new(cust, json_string(store_col_text(c, 0)));
        db_finalize(c);
    }
    json_object_set_new(json_object_get(a, "party"), "customers", cust);
    json_object_set_new(a, "list_version", json_col(st, 21));
    return a;
}

int xg_store_alerts_list(json_t **out, xg_store *s, const char *status)
{
    const char *where = "1 = 1";
    if (status && !strcmp(status, "open"))
        where = "status = 'open'";
    else if (status && !strcmp(status, "cleared"))
        where = "status = 'cleared'";
    else if (status && !strcmp(status, "closed"))
        where = "status IN ('confirmed', 'entry_removed')";
    else if (status && strcmp(status, "all"))
        return xg_error_set(XG_EINVAL, "status '%s': expected open, cleared, closed or all",
                            status);
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT " ALERT_COLS " FROM alerts WHERE %s ORDER BY created, id",
             where);
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s, sql);
    if (!rc) {
        json_t *arr = json_array();
        while (db_step(st) == DB_ROW)
            json_array_append_new(arr, alert_row(s, st));
        db_finalize(st);
        *out = arr;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int alert_get_locked(json_t **out, xg_store *s, const char *alert_id)
{
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT " ALERT_COLS " FROM alerts WHERE id = ?");
    if (rc) return rc;
    store_bind_text(st, 1, alert_id);
    if (db_step(st) == DB_ROW)
        *out = alert_row(s, st);
    else
        rc = xg_error_set(XG_ENOTFOUND, "alert '%s' not found", alert_id ? alert_id : "");
    db_finalize(st);
    return rc;
}

int xg_store_alert_get(json_t **out, xg_store *s, const char *alert_id)
{
    pthread_mutex_lock(&s->lock);
    int rc = alert_get_locked(out, s, alert_id);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int resolve_locked(xg_store *s, const json_t *a, const char *action, const char *reason,
                          const char *reviewer, const char *now)
{
    const char *id = jstr(a, "id");
    const json_t *party = json_object_get(a, "party"), *entry = json_object_get(a, "entry");
    json_t *res = json_pack("{s:s,s:s,s:s,s:s}", "action", action, "reason", reason, "reviewer",
                            reviewer, "at", now);
    char *rtext = jdump(res);
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "UPDATE alerts SET status = ?, resolution = ?, updated = ?"
                           " WHERE id = ? AND status = 'open'");
    if (!rc) {
        store_bind_text(st, 1, !strcmp(action, "clear") ? "cleared" : "confirmed");
        store_bind_text(st, 2, rtext);
        store_bind_text(st, 3, now);
        store_bind_text(st, 4, id);
        rc = step_done(s, st, "alert resolve");
    }
    if (!rc && !strcmp(action, "clear") &&
        !(rc = store_prepare(&st, s,
                             "INSERT INTO clearances (id, alert_id, party_key, entry_key,"
                             " entry_fp, party_fp, reason, reviewer, created)"
                             " VALUES (?,?,?,?,?,?,?,?,?)"))) {
        char *cid = store_random_id("clr_", 10);
        const char *v[] = {cid,
                           id,
                           jstr(party, "key"),
                           jstr(entry, "key"),
                           jstr(entry, "fingerprint"),
                           jstr(party, "fingerprint"),
                           reason,
                           reviewer,
                           now};
        for (int i = 0; i < 9; i++)
            store_bind_text(st, i + 1, v[i]);
        rc = step_done(s, st, "clearance");
        if (!rc) json_object_set_new(res, "clearance_id", json_string(cid));
        free(cid);
    }
    if (!rc)
        rc = alert_event(s, id, !strcmp(action, "clear") ? "cleared" : "confirmed", res, reviewer);
    json_decref(res);
    free(rtext);
    return rc;
}

/* Decisions waiting for review whose customer the alert affects. */
static json_t *pending_decisions(xg_store *s, const char *alert_id)
{
    json_t *ids = json_array();
    db_stmt *st;
    if (store_prepare(&st, s,
                      "SELECT id, COALESCE(customer_name, '') FROM decisions"
                      " WHERE review_status = 'open' ORDER BY n"))
        return ids;
    db_stmt *q = NULL;
    if (store_prepare(&q, s,
                      "SELECT 1 FROM alert_customers WHERE alert_id = ? AND customer_key = ?")) {
        db_finalize(st);
        return ids;
    }
    while (db_step(st) == DB_ROW) {
        char *key = store_name_key(store_col_text(st, 1));
        db_reset(q);
        store_bind_text(q, 1, alert_id);
        store_bind_text(q, 2, key);
        if (db_step(q) == DB_ROW) json_array_append_new(ids, json_string(store_col_text(st, 0)));
        free(key);
    }
    db_finalize(q);
    db_finalize(st);
    return ids;
}

int xg_store_alert_resolve(json_t **out, xg_store *s, const char *alert_id, const char *action,
                           const char *reason, const char *reviewer)
{
    if (!action || (strcmp(action, "clear") && strcmp(action, "confirm")))
        return xg_error_set(XG_EINVAL, "action '%s': expected clear or confirm",
                            action ? action : "");
    if (!reason || !*reason) return xg_error_set(XG_EINVAL, "reason: required");
    if (!reviewer || !*reviewer) return xg_error_set(XG_EINVAL, "reviewer: required");
    char now[32];
    store_now(now);
    json_t *a = NULL, *pending = NULL;
    pthread_mutex_lock(&s->lock);
    int rc = alert_get_locked(&a, s, alert_id);
    if (!rc && strcmp(jstr(a, "status"), "open"))
        rc = xg_error_set(XG_EINVAL, "alert %s is %s, not open", alert_id, jstr(a, "status"));
    if (!rc && (rc = store_begin(s)) == 0 && (rc = store_chain_lock(s))) store_rollback(s);
    if (!rc) {
        rc = resolve_locked(s, a, action, reason, reviewer, now);
        if (!rc) rc = store_notify(s, "alerts", alert_id);
        if (!rc) rc = store_commit(s);
        if (rc) store_rollback(s);
    }
    if (!rc && !strcmp(action, "confirm")) pending = pending_decisions(s, alert_id);
    pthread_mutex_unlock(&s->lock);
    json_decref(a);
    if (rc) return rc;
    /* Confirming DENYs the customers' decisions waiting for review, each through the review
     * path (its own audited row), after the alert's own transaction. */
    json_t *denied = json_array();
    size_t i;
    json_t *d;
    char why[512];
    snprintf(why, sizeof why, "monitor alert %s confirmed: %s", alert_id, reason);
    json_array_foreach(pending, i, d)
    {
        json_t *r;
        if (xg_store_review_resolve(&r, s, json_string_value(d), "confirm", why, reviewer) == 0) {
            json_array_append(denied, d);
            json_decref(r);
        }
    }
    json_decref(pending);
    if ((rc = xg_store_alert_get(&a, s, alert_id))) {
        json_decref(denied);
        return rc;
    }
    json_object_set_new(a, "denied", denied);
    *out = a;
    return 0;
}

int xg_store_alerts_open_for(json_t **out, xg_store *s, const char *customer_name)
{
    char *key = store_name_key(customer_name);
    xg_store *rd = store_read_begin(s);
    db_stmt *st;
    int rc = store_prepare(&st, rd, SQL_ALERTS_OPEN_FOR);
    if (!rc) {
        db_bind_text_static(st, 1, key); /* freed after db_finalize, which clears it */
        json_t *arr = json_array();
        while (db_step(st) == DB_ROW)
            json_array_append_new(
                arr, json_pack("{s:s,s:s,s:s,s:s,s:s,s:f}", "id", store_col_text(st, 0), "party",
                               store_col_text(st, 1), "list", store_col_text(st, 2), "entry_id",
                               store_col_text(st, 3), "entry_name", store_col_text(st, 4), "score",
                               db_column_double(st, 5)));
        db_finalize(st);
        *out = arr;
    }
    store_read_end(s, rd);
    free(key);
    return rc;
}

int xg_store_alert_counts(json_t **out, xg_store *s)
{
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT status, COUNT(*) FROM alerts GROUP BY status");
    if (!rc) {
        json_t *o = json_pack("{s:i,s:i,s:i,s:i}", "open", 0, "cleared", 0, "confirmed", 0,
                              "entry_removed", 0);
        while (db_step(st) == DB_ROW)
            json_object_set_new(o, store_col_text(st, 0), json_integer(db_column_int64(st, 1)));
        db_finalize(st);
        *out = o;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int xg_store_webhook_pending(json_t **out, xg_store *s, const char *url)
{
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "SELECT id, alert_id, url, attempts FROM webhook_deliveries"
                           " WHERE status = 'pending' AND (?1 IS NULL OR url = ?1)"
                           " ORDER BY created, id");
    if (!rc) {
        store_bind_text(st, 1, url);
        json_t *arr = json_array();
        while (db_step(st) == DB_ROW)
            json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:i}", "id", store_col_text(st, 0),
                                                 "alert_id", store_col_text(st, 1), "url",
                                                 store_col_text(st, 2), "attempts",
                                                 db_column_int(st, 3)));
        db_finalize(st);
        *out = arr;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int xg_store_webhook_record(xg_store *s, const char *delivery_id, const char *status, int attempts,
                            long http_status, const char *error)
{
    char now[32];
    store_now(now);
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "UPDATE webhook_deliveries SET status = ?, attempts = ?,"
                           " http_status = ?, error = ?, updated = ? WHERE id = ?");
    if (!rc) {
        store_bind_text(st, 1, status);
        db_bind_int(st, 2, attempts);
        if (http_status)
            db_bind_int64(st, 3, http_status);
        else
            db_bind_null(st, 3);
        store_bind_text(st, 4, error);
        store_bind_text(st, 5, now);
        store_bind_text(st, 6, delivery_id);
        rc = step_done(s, st, "webhook record");
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int xg_store_clearances_for(json_t **out, xg_store *s, const char *party_name)
{
    if (!out || !s || !party_name) return xg_error_set(XG_EINVAL, "clearances: no party");
    char *key = store_name_key(party_name);
    if (!key) return xg_error_set(XG_ENOMEM, "clearances: out of memory");
    xg_store *rd = store_read_begin(s);
    db_stmt *st;
    int rc = store_prepare(&st, rd, SQL_CLEARANCES_FOR);
    json_t *arr = rc ? NULL : json_array();
    if (!rc) {
        db_bind_text_static(st, 1, key); /* freed after db_finalize, which clears it */
        const char *last = NULL;
        int step;
        while ((step = db_step(st)) == DB_ROW) {
            const char *ek = store_col_text(st, 2);
            if (last && !strcmp(last, ek)) continue; /* the latest clearance of each entry */
            json_t *c =
                json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", store_col_text(st, 0),
                          "alert_id", store_col_text(st, 1), "party_key", key, "entry_key", ek,
                          "entry_fp", store_col_text(st, 3), "party_fp", store_col_text(st, 4),
                          "reason", store_col_text(st, 5), "reviewer", store_col_text(st, 6),
                          "created", store_col_text(st, 7));
            if (c && db_column_type(st, 8) != DB_NULL)
                json_object_set_new(c, "party_fp_now", json_string(store_col_text(st, 8)));
            json_array_append_new(arr, c);
            last = json_string_value(json_object_get(c, "entry_key"));
        }
        if (step != DB_DONE) rc = store_error(rd, "clearances");
        db_finalize(st);
    }
    store_read_end(s, rd);
    free(key);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return XG_OK;
}
