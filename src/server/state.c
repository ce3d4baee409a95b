/*
 * state.c — what requests read, loaded before the first one: text tables, the list snapshot, the
 * catalog, the policy profiles and the store; and the list reload that swaps the snapshot.
 *
 * The snapshot pointer is read and referenced under a mutex held for two instructions; building
 * a new snapshot happens outside it, on the loader thread, so requests in flight neither fail nor
 * wait for a reload.
 */
#include "server/server_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xgate/core.h"
#include "xgate/feeds.h"

void server_log(xg_server *s, const char *fmt, ...)
{
    if (!s->opts.log) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->opts.log(s->opts.log_user, line);
}

xg_snapshot *server_snapshot_get(xg_server *s)
{
    pthread_mutex_lock(&s->snap_lock);
    xg_snapshot *snap = s->snap;
    if (snap) xg_snapshot_ref(snap);
    pthread_mutex_unlock(&s->snap_lock);
    return snap;
}

xg_snapshot *server_snapshot_get_named(xg_server *s, json_t **versions, char origin[16])
{
    pthread_mutex_lock(&s->snap_lock);
    xg_snapshot *snap = s->snap;
    if (snap) xg_snapshot_ref(snap);
    *versions = s->snap_versions ? json_incref(s->snap_versions) : json_object();
    snprintf(origin, 16, "%s", s->snap_origin[0] ? s->snap_origin : "bundled");
    pthread_mutex_unlock(&s->snap_lock);
    return snap;
}

json_t *server_lists_json(xg_server *s, xg_snapshot *snap)
{
    const xg_listset *ls = xg_snapshot_lists(snap);
    json_t *files = json_array(), *sources = json_array();
    for (size_t i = 0; ls && i < ls->nfiles; i++)
        json_array_append_new(files, json_pack("{s:s?, s:s?, s:I}", "path", ls->files[i].path,
                                               "format", ls->files[i].format, "records",
                                               (json_int_t)ls->files[i].records));
    for (size_t i = 0; ls && i < ls->nsources; i++)
        json_array_append_new(sources,
                              json_pack("{s:s?, s:s?, s:I}", "source_code",
                                        ls->sources[i].source_code, "source", ls->sources[i].source,
                                        "records", (json_int_t)ls->sources[i].records));
    time_t loaded = (time_t)atomic_load(&s->snap_loaded);
    char when[32];
    struct tm tm;
    gmtime_r(&loaded, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_pack("{s:s, s:I, s:s, s:I, s:o, s:o}", "hash", xg_snapshot_hash(snap), "records",
                     (json_int_t)(ls ? ls->nrecords : 0), "loaded_at", when, "age_seconds",
                     (json_int_t)(time(NULL) - loaded), "sources", sources, "files", files);
}

/* Build a snapshot on the loader thread. Every snapshot is built by that one thread so that its
 * memory comes from one malloc arena: glibc gives each thread its own arena, and snapshots built
 * on whichever worker took the reload request would leave a freed snapshot's worth of memory
 * stranded in up to 8 × cores arenas (measured: +37 MB per reload until every arena held one). */
typedef struct load_job {
    xg_server *srv;
    char **paths;
    size_t npaths;
    xg_snapshot *snap;
    char err[512];
} load_job;

static int load_on_loader(void *arg)
{
    load_job *j = arg;
    int rc = xg_snapshot_load(&j->snap, (const char *const *)j->paths, j->npaths, 0, j->srv->text);
    if (rc != 0) snprintf(j->err, sizeof j->err, "%s", xg_error_message());
    return rc;
}

/* What a snapshot was built from: the stored versions as decisions name them, the same versions
 * with their paths (for the monitor), the versions in force skipped because their files are gone,
 * and the origin ("store", "files" or "bundled"). */
typedef struct snap_from {
    json_t *named, *versions, *skipped;
    char origin[16];
} snap_from;

/* Swap f into the server's record of the current snapshot; s->snap_lock held. */
static void snap_from_install(xg_server *s, snap_from *f)
{
    json_t *old[3] = {s->snap_versions, s->snap_lists_versions, s->snap_skipped};
    s->snap_versions = f->named;
    s->snap_lists_versions = f->versions;
    s->snap_skipped = f->skipped;
    snprintf(s->snap_origin, sizeof s->snap_origin, "%s", f->origin);
    for (int i = 0; i < 3; i++)
        json_decref(old[i]);
    memset(f, 0, sizeof *f);
}

/* The lists are chosen afresh for every snapshot by the rule the CLI uses (xg_feed_lists_choose:
 * --list files win outright; else the versions in force in the store, a version put in force
 * since the last snapshot, by the server or by `xgate lists update`, included; else the bundled
 * lists). */
static int build_snapshot(xg_server *s, xg_snapshot **out, snap_from *from)
{
    load_job j = {.srv = s};
    xg_feed_lists l;
    memset(from, 0, sizeof *from);
    int rc = xg_feed_lists_choose(&l, s->store, (const char *const *)s->list_paths, s->nlist_paths);
    if (rc != 0) return rc;
    size_t i;
    json_t *sk;
    json_array_foreach(l.skipped, i, sk)
        server_log(s, "lists: version %s of %s is in force but not loadable (%s); skipped",
                   json_string_value(json_object_get(sk, "id")),
                   json_string_value(json_object_get(sk, "source")),
                   json_string_value(json_object_get(sk, "reason")));
    j.paths = l.paths;
    j.npaths = l.npaths;
    rc = pool_run(s->loader, load_on_loader, &j);
    if (rc != 0) {
        xg_feed_lists_free(&l);
        return xg_error_set(rc, "%s", j.err); /* the message lives in the loader's thread */
    }
    from->named = xg_feed_lists_named(&l);
    from->versions = json_incref(l.versions);
    from->skipped = json_incref(l.skipped);
    snprintf(from->origin, sizeof from->origin, "%s", l.origin);
    xg_feed_lists_free(&l);
    *out = j.snap;
    return 0;
}

int server_reload(xg_server *s, json_t **info, bool wait)
{
    if (wait)
        pthread_mutex_lock(&s->reload_lock);
    else if (pthread_mutex_trylock(&s->reload_lock) != 0)
        return xg_error_set(XG_EEXIST, "a list reload is already running");
    xg_snapshot *fresh = NULL;
    snap_from from;
    int rc = build_snapshot(s, &fresh, &from);
    if (rc != 0) {
        atomic_fetch_add(&s->metrics.reloads_failed, 1);
        pthread_mutex_unlock(&s->reload_lock);
        return rc;
    }
    pthread_mutex_lock(&s->snap_lock);
    xg_snapshot *old = s->snap;
    s->snap = fresh;
    snap_from_install(s, &from);
    atomic_store(&s->snap_loaded, (int64_t)time(NULL));
    pthread_mutex_unlock(&s->snap_lock);
    if (old) xg_snapshot_unref(old); /* freed when the last request using it lets go */
    atomic_fetch_add(&s->metrics.reloads_ok, 1);
    if (info) *info = server_lists_json(s, fresh);
    server_log(s, "lists reloaded: %s", xg_snapshot_hash(fresh));
    pthread_mutex_unlock(&s->reload_lock);
    return 0;
}

xg_snapshot *server_snapshot_get_versions(xg_server *s, json_t **versions, json_t **skipped)
{
    pthread_mutex_lock(&s->snap_lock);
    xg_snapshot *snap = s->snap;
    if (snap) xg_snapshot_ref(snap);
    if (versions)
        *versions = s->snap_lists_versions ? json_incref(s->snap_lists_versions) : json_object();
    if (skipped) *skipped = s->snap_skipped ? json_incref(s->snap_skipped) : json_array();
    pthread_mutex_unlock(&s->snap_lock);
    return snap;
}

int xg_server_reload(xg_server *s, json_t **info)
{
    return server_reload(s, info, false);
}

/* A default profile that no request can use would only surface as a 400 on every decision: refuse
 * to start, naming the profiles there are. */
static int unknown_policy(xg_server *s)
{
    char names[256] = "";
    json_t *all = NULL, *p;
    size_t i;
    if (xg_policy_profiles_json(&all, s->policies) == 0) json_array_foreach(all, i, p)
        {
            size_t n = strlen(names);
            snprintf(names + n, sizeof names - n, "%s%s", n ? ", " : "",
                     json_string_value(json_object_get(p, "name")));
        }
    json_decref(all);
    return xg_error_set(XG_ENOTFOUND, "--policy %s: no such policy profile (there are: %s)",
                        s->policy, names);
}

/* Everything a request may need is loaded before the first request; any failure stops the start
 * with the failing file named. */
int server_state_load(xg_server *s)
{
    int rc;
    if ((rc = xg_text_ctx_load(&s->text, NULL)) != 0) return rc;
    /* CC-CEDICT too (the library reads it on the first Han name): a server pays it at start, so
     * the first Chinese query is not slower than the others and a damaged file stops the start. */
    if ((rc = xg_text_ctx_load_all(s->text)) != 0) return rc;
    if (pool_new(&s->loader, 1) != 0)
        return xg_error_set(XG_EINTERNAL, "cannot start the list loader thread");
    /* The batch helpers: with the request's own worker, one thread per core screens a batch. */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores > 1 && pool_new(&s->batch_pool,
                              cores - 1 < POOL_SHARED_MAX ? (int)cores - 1 : POOL_SHARED_MAX) != 0)
        return xg_error_set(XG_EINTERNAL, "cannot start the batch screening threads");
    /* The store first: it says which list versions are in force. */
    if ((rc = xg_store_open(&s->store, s->db_url)) != 0) return rc;
    if (s->opts.read_connections &&
        (rc = xg_store_readers_set(s->store, s->opts.read_connections == XG_SERVER_NO_READERS
                                                 ? 0
                                                 : s->opts.read_connections)) != 0)
        return rc;
    snap_from from;
    if ((rc = build_snapshot(s, &s->snap, &from)) != 0) return rc;
    snap_from_install(s, &from); /* no request yet: no lock needed */
    atomic_store(&s->snap_loaded, (int64_t)time(NULL));
    if ((rc = xg_catalog_load(&s->catalog, NULL)) != 0) return rc;
    if ((rc = xg_policy_load(&s->policies, NULL)) != 0) return rc;
    if (s->policy && !xg_policy_has_profile(s->policies, s->policy)) return unknown_policy(s);
    if (s->as_of && !xg_date_valid(s->as_of))
        return xg_error_set(XG_EINVAL, "--as-of %s: expected a date YYYY-MM-DD", s->as_of);
    if ((rc = server_feeds_start(s)) != 0) return rc;
    return server_notify_start(s);
}

void server_state_free(xg_server *s)
{
    server_feeds_stop(s);  /* before the loader and the store go */
    server_notify_stop(s); /* likewise */
    pool_free(s->loader);
    pool_free(s->batch_pool);
    if (s->snap) xg_snapshot_unref(s->snap);
    json_decref(s->snap_versions);
    json_decref(s->snap_lists_versions);
    json_decref(s->snap_skipped);
    if (s->catalog) xg_catalog_free(s->catalog);
    if (s->policies) xg_policy_free(s->policies);
    if (s->store) xg_store_close(s->store);
    if (s->text) xg_text_ctx_free(s->text);
    auth_free(s->auth);
    server_feeds_free(s);
    for (size_t i = 0; i < s->nlist_paths; i++)
        free(s->list_paths[i]);
    free(s->list_paths);
    free(s->web_dir);
    free(s->policy);
    free(s->as_of);
    free(s->db_url);
    pthread_mutex_destroy(&s->snap_lock);
    pthread_mutex_destroy(&s->reload_lock);
    free(s);
}
