/*
 * list_versions.c — the store's record of restricted-party list versions: every version
 * `xgate lists update` accepted (content hash, entry count, publish date, where its files lie,
 * the validators the server gave) and every download it refused (status and reason), so that
 * `lists versions` can show both and a later run can send If-None-Match / If-Modified-Since. An
 * update that found the source unchanged records when and why on the row in force (checked_at,
 * check_result), so the "checked at" survives a restart.
 *
 * At most one row per source is in force. Putting a version in force and taking the previous one
 * out happen in one transaction, so a crash leaves either the old version or the new one in force,
 * never none and never two.
 */
#include "store/store_internal.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

#define VERSION_COLUMNS                                                                            \
    "id, source, sha256, fetched_at, publish_date, entries, status, reason, etag, last_modified,"  \
    " path, in_force, checked_at, check_result"

static const char *opt_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_t *row_json(db_stmt *st)
{
    static const char *const names[] = {"id",  "source", "sha256", "fetched_at", "publish_date",
                                        NULL,  "status", "reason", "etag",       "last_modified",
                                        "path"};
    json_t *o = json_object();
    for (int i = 0; o && i < 11; i++) {
        if (!names[i] || db_column_type(st, i) == DB_NULL) continue;
        json_object_set_new(o, names[i], json_string(store_col_text(st, i)));
    }
    if (o && db_column_type(st, 5) != DB_NULL)
        json_object_set_new(o, "entries", json_integer(db_column_int64(st, 5)));
    if (o) json_object_set_new(o, "in_force", json_boolean(db_column_int(st, 11)));
    if (o && db_column_type(st, 12) != DB_NULL)
        json_object_set_new(o, "checked_at", json_string(store_col_text(st, 12)));
    if (o && db_column_type(st, 13) != DB_NULL)
        json_object_set_new(o, "check_result", json_string(store_col_text(st, 13)));
    return o;
}

static int insert_row(xg_store *s, const json_t *row, const char *now)
{
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "INSERT INTO list_versions (" VERSION_COLUMNS
                           ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                           " ON CONFLICT(id) DO UPDATE SET in_force = excluded.in_force,"
                           " etag = excluded.etag, last_modified = excluded.last_modified,"
                           " checked_at = COALESCE(excluded.checked_at, list_versions.checked_at),"
                           " check_result = COALESCE(excluded.check_result,"
                           " list_versions.check_result)");
    if (rc) return rc;
    const char *fetched = opt_str(row, "fetched_at");
    store_bind_text(st, 1, opt_str(row, "id"));
    store_bind_text(st, 2, opt_str(row, "source"));
    store_bind_text(st, 3, opt_str(row, "sha256"));
    store_bind_text(st, 4, fetched ? fetched : now);
    store_bind_text(st, 5, opt_str(row, "publish_date"));
    json_t *entries = json_object_get(row, "entries");
    if (json_is_integer(entries))
        db_bind_int64(st, 6, json_integer_value(entries));
    else
        db_bind_null(st, 6);
    store_bind_text(st, 7, opt_str(row, "status"));
    store_bind_text(st, 8, opt_str(row, "reason"));
    store_bind_text(st, 9, opt_str(row, "etag"));
    store_bind_text(st, 10, opt_str(row, "last_modified"));
    store_bind_text(st, 11, opt_str(row, "path"));
    db_bind_int(st, 12, json_is_true(json_object_get(row, "in_force")));
    /* a check that found the source unchanged: when (now unless given) and what it found */
    const char *checked = opt_str(row, "checked_at"), *result = opt_str(row, "check_result");
    store_bind_text(st, 13, checked ? checked : result ? now : NULL);
    store_bind_text(st, 14, result);
    rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "list version insert");
    db_finalize(st);
    return rc;
}

/* *newly gets whether version `id` is not yet the one in force (inside the put's transaction). */
static int in_force_already(xg_store *s, const char *id, bool *newly)
{
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT 1 FROM list_versions WHERE id = ? AND in_force = 1");
    if (rc) return rc;
    store_bind_text(st, 1, id);
    int step = db_step(st);
    db_finalize(st);
    if (step != DB_ROW && step != DB_DONE) return store_error(s, "list version lookup");
    *newly = step == DB_DONE;
    return XG_OK;
}

int xg_store_list_version_put(xg_store *s, const json_t *row)
{
    if (!s || !json_is_object(row) || !opt_str(row, "id") || !opt_str(row, "source") ||
        !opt_str(row, "status"))
        return xg_error_set(XG_EINVAL, "list version: id, source and status are required");
    char now[32];
    store_now(now);
    pthread_mutex_lock(&s->lock);
    int rc = store_begin(s);
    bool newly_in_force = false;
    if (!rc && json_is_true(json_object_get(row, "in_force")))
        rc = in_force_already(s, opt_str(row, "id"), &newly_in_force);
    if (!rc && json_is_true(json_object_get(row, "in_force"))) {
        db_stmt *st;
        rc = store_prepare(&st, s, "UPDATE list_versions SET in_force = 0 WHERE source = ?");
        if (!rc) {
            store_bind_text(st, 1, opt_str(row, "source"));
            rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "list version update");
            db_finalize(st);
        }
    }
    if (!rc) rc = insert_row(s, row, now);
    /* the other nodes swap their snapshots (a version fetched again changes nothing) */
    if (!rc && newly_in_force) rc = store_notify(s, "list_version", opt_str(row, "id"));
    if (!rc) rc = store_commit(s);
    if (rc) store_rollback(s);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int query_rows(json_t **out, xg_store *s, const char *sql, const char *arg)
{
    pthread_mutex_lock(&s->lock);
    db_stmt *st = NULL;
    int rc = store_prepare(&st, s, sql);
    json_t *a = rc ? NULL : json_array();
    if (!rc && arg) store_bind_text(st, 1, arg);
    while (!rc) {
        int step = db_step(st);
        if (step == DB_DONE) break;
        if (step != DB_ROW) {
            rc = store_error(s, "list versions");
            break;
        }
        json_t *o = row_json(st);
        if (!o || json_array_append_new(a, o)) rc = XG_ENOMEM;
    }
    db_finalize(st);
    pthread_mutex_unlock(&s->lock);
    if (rc) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return XG_OK;
}

int xg_store_list_versions(json_t **out, xg_store *s, const char *source)
{
    if (!out || !s) return xg_error_set(XG_EINVAL, "list versions: no store");
    if (source)
        return query_rows(out, s,
                          "SELECT " VERSION_COLUMNS " FROM list_versions WHERE source = ?"
                          " ORDER BY fetched_at DESC, rowid DESC",
                          source);
    return query_rows(out, s,
                      "SELECT " VERSION_COLUMNS " FROM list_versions"
                      " ORDER BY source, fetched_at DESC, rowid DESC",
                      NULL);
}

int xg_store_list_versions_in_force(json_t **out, xg_store *s)
{
    if (!out || !s) return xg_error_set(XG_EINVAL, "list versions: no store");
    return query_rows(out, s,
                      "SELECT " VERSION_COLUMNS " FROM list_versions WHERE in_force = 1"
                      " ORDER BY source",
                      NULL);
}

int xg_store_list_version_get(json_t **out, xg_store *s, const char *id)
{
    if (!out || !s || !id) return xg_error_set(XG_EINVAL, "list version: no id");
    json_t *a = NULL;
    int rc = query_rows(&a, s, "SELECT " VERSION_COLUMNS " FROM list_versions WHERE id = ?", id);
    if (rc) return rc;
    if (!json_array_size(a)) {
        json_decref(a);
        return xg_error_set(XG_ENOTFOUND, "no list version '%s'", id);
    }
    *out = json_incref(json_array_get(a, 0));
    json_decref(a);
    return XG_OK;
}
