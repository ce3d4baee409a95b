/*
 * scan_state.c — what `xgate scan --state` keeps between daily runs over a growing folder: each
 * file read (size, modification time in ns, content hash, the first and last run that saw it),
 * the results of its documents (the scanner's JSON, so an unchanged file is never read again),
 * and every run with its statistics, findings and network graph (so the next run can say what is
 * new). A run is recorded in one transaction: a crash leaves the previous run's state whole.
 * SQL is portable (no AUTOINCREMENT, no INSERT OR …, ON CONFLICT … DO UPDATE).
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

static int step_done(xg_store *s, db_stmt *st, const char *what)
{
    int rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, what);
    db_finalize(st);
    return rc;
}

int xg_store_scan_files(json_t **out, xg_store *s)
{
    if (!out || !s) return xg_error_set(XG_EINVAL, "scan files: no store");
    pthread_mutex_lock(&s->lock);
    db_stmt *st = NULL;
    int rc = store_prepare(
        &st, s, "SELECT path, size, mtime_ns, hash, first_run, last_run FROM scan_files");
    json_t *o = rc ? NULL : json_object();
    while (!rc) {
        int step = db_step(st);
        if (step == DB_DONE) break;
        if (step != DB_ROW) {
            rc = store_error(s, "scan files");
            break;
        }
        json_t *f =
            json_pack("{s:I, s:I, s:s, s:s, s:s}", "size", (json_int_t)db_column_int64(st, 1),
                      "mtime_ns", (json_int_t)db_column_int64(st, 2), "hash", store_col_text(st, 3),
                      "first_run", store_col_text(st, 4), "last_run", store_col_text(st, 5));
        if (!f || json_object_set_new(o, store_col_text(st, 0), f)) rc = XG_ENOMEM;
    }
    db_finalize(st);
    pthread_mutex_unlock(&s->lock);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return XG_OK;
}

int xg_store_scan_documents(json_t **out, xg_store *s)
{
    if (!out || !s) return xg_error_set(XG_EINVAL, "scan documents: no store");
    pthread_mutex_lock(&s->lock);
    db_stmt *st = NULL;
    int rc = store_prepare(&st, s, "SELECT path, result FROM scan_documents ORDER BY path, seq");
    json_t *o = rc ? NULL : json_object();
    while (!rc) {
        int step = db_step(st);
        if (step == DB_DONE) break;
        if (step != DB_ROW) {
            rc = store_error(s, "scan documents");
            break;
        }
        json_error_t err;
        json_t *doc = json_loads(store_col_text(st, 1), 0, &err);
        if (!doc) {
            rc = xg_error_set(XG_ESTORE, "store %s: a stored scan result of %s is not JSON: %s",
                              s->path, store_col_text(st, 0), err.text);
            break;
        }
        const char *path = store_col_text(st, 0);
        json_t *arr = json_object_get(o, path);
        if (!arr) json_object_set_new(o, path, arr = json_array());
        json_array_append_new(arr, doc);
    }
    db_finalize(st);
    pthread_mutex_unlock(&s->lock);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return XG_OK;
}

int xg_store_scan_last_run(json_t **out, xg_store *s)
{
    if (!out || !s) return xg_error_set(XG_EINVAL, "scan run: no store");
    pthread_mutex_lock(&s->lock);
    db_stmt *st = NULL;
    int rc = store_prepare(&st, s,
                           "SELECT id, started, finished, stats, findings, graph FROM scan_runs"
                           " ORDER BY started DESC, id DESC LIMIT 1");
    json_t *o = NULL;
    if (!rc) {
        int step = db_step(st);
        if (step == DB_ROW) {
            json_t *stats = json_loads(store_col_text(st, 3), 0, NULL);
            json_t *fin = json_loads(store_col_text(st, 4), 0, NULL);
            json_t *graph = json_loads(store_col_text(st, 5), 0, NULL);
            if (!stats || !fin || !graph) {
                json_decref(stats);
                json_decref(fin);
                json_decref(graph);
                rc = xg_error_set(XG_ESTORE, "store %s: scan run %s is not JSON", s->path,
                                  store_col_text(st, 0));
            } else
                o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "id", store_col_text(st, 0),
                              "started", store_col_text(st, 1), "finished", store_col_text(st, 2),
                              "stats", stats, "findings", fin, "graph", graph);
        } else if (step == DB_DONE)
            rc = xg_error_set(XG_ENOTFOUND, "no scan run recorded");
        else
            rc = store_error(s, "scan run");
    }
    db_finalize(st);
    pthread_mutex_unlock(&s->lock);
    if (rc) return rc;
    if (!o) return xg_error_set(XG_ENOMEM, "scan run: out of memory");
    *out = o;
    return XG_OK;
}

static char *dump(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY);
}

static int put_file(xg_store *s, const json_t *f, const char *run_id, const char *now)
{
    const char *path = json_string_value(json_object_get(f, "path"));
    const char *hash = json_string_value(json_object_get(f, "hash"));
    if (!path || !hash) return xg_error_set(XG_EINVAL, "scan record: a file without path or hash");
    db_stmt *st;
    int rc =
        store_prepare(&st, s,
                      "INSERT INTO scan_files (path, size, mtime_ns, hash, first_run, last_run)"
                      " VALUES (?,?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET"
                      " size = excluded.size, mtime_ns = excluded.mtime_ns,"
                      " hash = excluded.hash, last_run = excluded.last_run");
    if (rc) return rc;
    store_bind_text(st, 1, path);
    db_bind_int64(st, 2, json_integer_value(json_object_get(f, "size")));
    db_bind_int64(st, 3, json_integer_value(json_object_get(f, "mtime_ns")));
    store_bind_text(st, 4, hash);
    store_bind_text(st, 5, run_id);
    store_bind_text(st, 6, run_id);
    if ((rc = step_done(s, st, "scan file"))) return rc;
    const json_t *docs = json_object_get(f, "documents");
    if (!json_is_array(docs)) return XG_OK;
    if ((rc = store_prepare(&st, s, "DELETE FROM scan_documents WHERE path = ?"))) return rc;
    store_bind_text(st, 1, path);
    if ((rc = step_done(s, st, "scan documents delete"))) return rc;
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        const char *name = json_string_value(json_object_get(d, "document"));
        if (!name) return xg_error_set(XG_EINVAL, "scan record: a result without its document");
        char *text = dump(d);
        if (!text) return xg_error_set(XG_ENOMEM, "scan record: out of memory");
        rc = store_prepare(&st, s,
                           "INSERT INTO scan_documents (document, path, seq, run_id, flagged, "
                           "result) VALUES (?,?,?,?,?,?) ON CONFLICT(document) DO UPDATE SET"
                           " path = excluded.path, seq = excluded.seq, run_id = excluded.run_id,"
                           " flagged = excluded.flagged, result = excluded.result");
        if (!rc) {
            store_bind_text(st, 1, name);
            store_bind_text(st, 2, path);
            db_bind_int64(st, 3, (int64_t)i);
            store_bind_text(st, 4, run_id);
            db_bind_int(st, 5, json_is_true(json_object_get(d, "flagged")));
            store_bind_text(st, 6, text);
            rc = step_done(s, st, "scan document");
        }
        free(text);
        if (rc) return rc;
    }
    (void)now;
    return XG_OK;
}

static int del_file(xg_store *s, const char *path)
{
    static const char *const SQL[] = {"DELETE FROM scan_documents WHERE path = ?",
                                      "DELETE FROM scan_files WHERE path = ?"};
    for (size_t i = 0; i < 2; i++) {
        db_stmt *st;
        int rc = store_prepare(&st, s, SQL[i]);
        if (rc) return rc;
        store_bind_text(st, 1, path);
        if ((rc = step_done(s, st, "scan file delete"))) return rc;
    }
    return XG_OK;
}

int xg_store_scan_record(xg_store *s, const json_t *run)
{
    const char *id = json_string_value(json_object_get(run, "id"));
    if (!s || !id) return xg_error_set(XG_EINVAL, "scan record: no store or no run id");
    char now[32];
    store_now(now);
    const char *started = json_string_value(json_object_get(run, "started"));
    const char *finished = json_string_value(json_object_get(run, "finished"));
    json_t *empty_o = json_object(), *empty_a = json_array();
    const json_t *stats = json_object_get(run, "stats"), *fin = json_object_get(run, "findings");
    const json_t *graph = json_object_get(run, "graph");
    char *st_s = dump(stats ? stats : empty_o), *fin_s = dump(fin ? fin : empty_a);
    char *gr_s = dump(graph ? graph : empty_o);
    json_decref(empty_o);
    json_decref(empty_a);
    int rc = st_s && fin_s && gr_s ? XG_OK : xg_error_set(XG_ENOMEM, "scan record: out of memory");
    pthread_mutex_lock(&s->lock);
    if (!rc) rc = store_begin(s);
    size_t i;
    json_t *v;
    if (!rc) json_array_foreach(json_object_get(run, "files_del"), i, v)
        {
            if (!rc && json_is_string(v)) rc = del_file(s, json_string_value(v));
        }
    if (!rc) json_array_foreach(json_object_get(run, "files_put"), i, v)
        {
            if (!rc) rc = put_file(s, v, id, now);
        }
    db_stmt *st = NULL;
    if (!rc)
        rc = store_prepare(&st, s,
                           "INSERT INTO scan_runs (id, started, finished, stats, findings, graph)"
                           " VALUES (?,?,?,?,?,?)");
    if (!rc) {
        store_bind_text(st, 1, id);
        store_bind_text(st, 2, started ? started : now);
        store_bind_text(st, 3, finished ? finished : now);
        store_bind_text(st, 4, st_s);
        store_bind_text(st, 5, fin_s);
        store_bind_text(st, 6, gr_s);
        rc = step_done(s, st, "scan run");
    }
    if (!rc) rc = store_commit(s);
    if (rc) store_rollback(s);
    pthread_mutex_unlock(&s->lock);
    free(st_s);
    free(fin_s);
    free(gr_s);
    return rc;
}
