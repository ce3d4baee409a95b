/*
 * events.c — how one node tells the others that something they cache changed: PostgreSQL
 * LISTEN/NOTIFY on the channel "xgate_events".
 *
 * Writers call store_notify inside their transaction, so a notification is delivered on commit
 * and never for a rolled-back write. A listener keeps a connection of its own (a connection that
 * is waiting cannot serve the store's statements). NOTIFY is not durable: what is sent while a
 * listener is disconnected is lost, so a listener that had to reconnect reports "reconnected" and
 * its user refreshes everything, which is what a missed notification would have asked for.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

#define EVENTS_CHANNEL "xgate_events"

struct xg_store_events {
    db_conn *db;
    int lost; /* the connection was lost: listen again, then report "reconnected" */
};

int store_notify(xg_store *s, const char *kind, const char *detail)
{
    if (!store_is_pg(s)) return XG_OK;
    char payload[256];
    snprintf(payload, sizeof payload, "%s:%s", kind, detail ? detail : "");
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT pg_notify('" EVENTS_CHANNEL "', ?)");
    if (rc) return rc;
    store_bind_text(st, 1, payload);
    rc = db_step(st) == DB_ROW ? XG_OK : store_error(s, "notify");
    db_finalize(st);
    return rc;
}

int xg_store_events_open(xg_store_events **out, const char *url)
{
    *out = NULL;
    char err[512];
    db_conn *db;
    int rc = db_open(&db, url, err, sizeof err);
    if (rc) return xg_error_set(rc == DB_MISUSE ? XG_EINVAL : XG_ESTORE, "%s", err);
    if (db_backend(db) != DB_POSTGRES) {
        db_close(db);
        return xg_error_set(XG_EFORMAT,
                            "store events: not supported on SQLite (one SQLite store serves one "
                            "node; several nodes need PostgreSQL)");
    }
    if (db_listen(db, EVENTS_CHANNEL)) {
        rc = xg_error_set(XG_ESTORE, "store events: LISTEN: %s", db_errmsg(db));
        db_close(db);
        return rc;
    }
    xg_store_events *ev = calloc(1, sizeof *ev);
    if (!ev) {
        db_close(db);
        return xg_error_set(XG_ENOMEM, "out of memory");
    }
    ev->db = db;
    *out = ev;
    return 0;
}

/* "kind:detail" → two heap strings. */
static int split_payload(const char *payload, char **kind, char **detail)
{
    const char *colon = strchr(payload, ':');
    size_t klen = colon ? (size_t)(colon - payload) : strlen(payload);
    *kind = strndup(payload, klen);
    *detail = strdup(colon ? colon + 1 : "");
    if (*kind && *detail) return 0;
    free(*kind), free(*detail);
    *kind = *detail = NULL;
    return xg_error_set(XG_ENOMEM, "out of memory");
}

int xg_store_events_wait(xg_store_events *ev, int timeout_ms, char **kind, char **detail)
{
    *kind = *detail = NULL;
    if (ev->lost) {
        /* db_exec re-establishes the connection (with a multi-host URL, on whichever host is
         * read-write now); a new session listens to nothing until told again. */
        if (db_listen(ev->db, EVENTS_CHANNEL))
            return xg_error_set(XG_ESTORE, "store events: %s", db_errmsg(ev->db));
        ev->lost = 0;
        return split_payload("reconnected:", kind, detail);
    }
    char *payload = NULL;
    int rc = db_wait_notify(ev->db, timeout_ms, &payload);
    if (rc == DB_DONE) return 0;
    if (rc == DB_ROW) {
        rc = split_payload(payload, kind, detail);
        free(payload);
        return rc;
    }
    ev->lost = 1;
    return xg_error_set(XG_ESTORE, "store events: %s", db_errmsg(ev->db));
}

void xg_store_events_close(xg_store_events *ev)
{
    if (!ev) return;
    db_close(ev->db);
    free(ev);
}
