/*
 * notify.c — what keeps several nodes on one PostgreSQL store alike: a listener thread on its own
 * connection hears the other nodes' changes (xg_store_events_*, LISTEN/NOTIFY) and drops what this
 * node caches about them.
 *
 *   list_version  a new list version is in force: rebuild and swap the snapshot, as the refresh
 *                 path does after an update (server_reload_notified)
 *   key           a key was created or revoked: forget the key cache (auth_forget_all), so a
 *                 revoked key is refused at once instead of after AUTH_TTL_S
 *   license       a license was added: drop the store's in-memory licenses
 *                 (xg_store_licenses_forget), so the next decision reads them at once instead of
 *                 after XG_STORE_LICENSE_CACHE_MS
 *   reconnected   notifications may have been missed while the connection was down: do all three
 *
 * Notifications that arrive together are handled once (a burst of key events is one flush). The
 * node hears its own changes too; a second reload of the same versions is cheap next to the
 * complexity of telling them apart. A SQLite store serves one node: no listener is started.
 */
#include "server/server_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xgate/error.h"

#define NOTIFY_WAIT_MS 250    /* how often the thread looks at `stopping` */
#define NOTIFY_RETRY_MS 1000  /* between reconnection attempts while the store is down */
#define NOTIFY_COALESCE_MS 20 /* gather a burst of events before acting */

enum { ACT_LISTS = 1, ACT_KEYS = 2, ACT_LICENSES = 4 };

static int action_of(const char *kind)
{
    if (!strcmp(kind, "list_version")) return ACT_LISTS;
    if (!strcmp(kind, "key")) return ACT_KEYS;
    if (!strcmp(kind, "license")) return ACT_LICENSES;
    if (!strcmp(kind, "reconnected")) return ACT_LISTS | ACT_KEYS | ACT_LICENSES;
    return 0; /* "alerts": read from the store on every request, nothing cached */
}

static void act(xg_server *s, int what)
{
    if (what & ACT_KEYS) {
        auth_forget_all(s->auth);
        atomic_fetch_add(&s->metrics.notify_key_flushes, 1);
    }
    if (what & ACT_LICENSES) {
        xg_store_licenses_forget(s->store);
        atomic_fetch_add(&s->metrics.notify_license_flushes, 1);
    }
    if (what & ACT_LISTS) {
        if (server_reload_notified(s) != 0)
            server_log(s, "notify: list reload failed: %s", xg_error_message());
        atomic_fetch_add(&s->metrics.notify_reloads, 1);
    }
}

static void *notify_main(void *arg)
{
    xg_server *s = arg;
    bool down = false;
    while (!atomic_load(&s->notify_stopping)) {
        char *kind = NULL, *detail = NULL;
        if (xg_store_events_wait(s->events, NOTIFY_WAIT_MS, &kind, &detail) != 0) {
            if (!down) server_log(s, "notify: %s (retrying)", xg_error_message());
            down = true;
            usleep(NOTIFY_RETRY_MS * 1000);
            continue;
        }
        if (!kind) continue;
        if (down) server_log(s, "notify: listening again");
        down = false;
        int what = action_of(kind);
        free(kind), free(detail);
        /* the rest of a burst (a transaction may announce several changes) */
        while (xg_store_events_wait(s->events, NOTIFY_COALESCE_MS, &kind, &detail) == 0 && kind) {
            what |= action_of(kind);
            free(kind), free(detail);
        }
        if (what) act(s, what);
    }
    return NULL;
}

int server_notify_start(xg_server *s)
{
    if (!s->store || strncmp(s->db_url, "sqlite:", 7) == 0) return 0;
    int rc = xg_store_events_open(&s->events, s->db_url);
    if (rc == XG_EFORMAT) return 0; /* SQLite under another spelling: one node */
    if (rc) return rc;
    if (pthread_create(&s->notifier, NULL, notify_main, s) != 0) {
        xg_store_events_close(s->events), s->events = NULL;
        return xg_error_set(XG_EINTERNAL, "cannot start the notification listener");
    }
    s->notifier_running = true;
    return 0;
}

void server_notify_stop(xg_server *s)
{
    atomic_store(&s->notify_stopping, 1);
    if (s->notifier_running) pthread_join(s->notifier, NULL);
    s->notifier_running = false;
    xg_store_events_close(s->events);
    s->events = NULL;
}
