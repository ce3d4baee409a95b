/*
 * refresh.c — lists that stay current, the server's half (which list files a snapshot loads is
 * the rule the CLI uses, xg_feed_lists_choose, called by state.c): the feed update behind POST
 * /v1/lists/update and `serve --refresh` (one at a time; a new version that passes the checks of
 * xgate/feeds.h is swapped in like a reload, a refusal keeps the version in force), and what the
 * server knows of each source for /metrics, /healthz, /v1/lists and the console: the version in
 * force, its ages, the last attempt, success and failure.
 *
 * The fetching, checks and versions are the library's (xgate/feeds.h); this file schedules them
 * and keeps the per-source record. The freshness limit of each source (how old a list may get
 * before /healthz says "degraded") is data: data/lists/refresh_limits.tsv.
 */
#include "server/server_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xgate/core.h"
#include "xgate/feeds.h"
#include "xgate/lists.h"
#include "xgate/monitor.h"

/* ---- failure kinds ---- */

static const char *const fail_names[FEED_FAIL_KINDS] = {
    "http_status", "timeout", "truncated",    "too_large", "network", "empty",
    "html",        "format",  "parse_failed", "shrunk",    "other",   "error"};

const char *feed_fail_name(feed_fail_kind k)
{
    return k < FEED_FAIL_KINDS ? fail_names[k] : "other";
}

feed_fail_kind feed_fail_classify(const char *reason)
{
    static const struct {
        const char *needle;
        feed_fail_kind kind;
    } rules[] = {
        /* the one-line reasons of src/feeds/feeds.c, most specific first */
        {"larger than the size cap", FEED_FAIL_TOO_LARGE},
        {"truncated", FEED_FAIL_TRUNCATED},
        {"timed out", FEED_FAIL_TIMEOUT},
        {": HTTP ", FEED_FAIL_HTTP},
        {"empty file", FEED_FAIL_EMPTY},
        {"an HTML page", FEED_FAIL_HTML},
        {"fewer than the", FEED_FAIL_SHRINK},
        {"does not load", FEED_FAIL_PARSE},
        {"304 Not Modified", FEED_FAIL_OTHER},
        {"not a recognised list format", FEED_FAIL_FORMAT},
        {", not ", FEED_FAIL_FORMAT},
        {"format", FEED_FAIL_FORMAT},
        {"://", FEED_FAIL_NETWORK},
    };
    for (size_t i = 0; reason && i < sizeof rules / sizeof *rules; i++)
        if (strstr(reason, rules[i].needle)) return rules[i].kind;
    return FEED_FAIL_OTHER;
}

/* ---- times ---- */

/* "YYYY-MM-DDTHH:MM:SS…" or "YYYY-MM-DD" (UTC) to unix time; 0 when it is neither. */
static int64_t parse_time(const char *v)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!v || sscanf(v, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return 0;
    if (strlen(v) >= 19 && v[10] == 'T')
        sscanf(v + 11, "%2d:%2d:%2d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    return t > 0 ? (int64_t)t : 0;
}

static void iso(char out[32], int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *row_str(const json_t *row, const char *key)
{
    const char *v = json_string_value(json_object_get(row, key));
    return v ? v : "";
}

/* ---- per-source state ---- */

/* How old each source may get: data/lists/refresh_limits.tsv (source, max_age_hours; "*" for any
 * other source). Read once at start. */
typedef struct freshness {
    char source[48];
    long max_age;
} freshness;

static freshness limits[XG_FEEDS_MAX];
static size_t nlimits;
static pthread_mutex_t limits_lock = PTHREAD_MUTEX_INITIALIZER;

int freshness_parse(const char *text, size_t len, const char *name)
{
    char *data = malloc(len + 1);
    if (!data) return xg_error_set(XG_ENOMEM, "out of memory");
    memcpy(data, text, len);
    data[len] = '\0';
    int rc = 0, lineno = 0;
    pthread_mutex_lock(&limits_lock);
    nlimits = 0;
    bool have_default = false;
    for (char *line = data, *next; line && !rc; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        lineno++;
        line[strcspn(line, "\r")] = '\0';
        if (!*line || *line == '#') continue;
        char src[48];
        double hours = 0;
        char extra;
        size_t n = strcspn(line, "\t");
        if (n == 0 || n >= sizeof src || line[n] != '\t' ||
            sscanf(line + n + 1, "%lf %c", &hours, &extra) != 1 || !(hours > 0) ||
            hours > 24 * 366) {
            rc = xg_error_set(XG_EPARSE, "%s:%d: expected source<TAB>max_age_hours (0 to 8784)",
                              name, lineno);
            break;
        }
        memcpy(src, line, n);
        src[n] = '\0';
        if (nlimits == XG_FEEDS_MAX) {
            rc = xg_error_set(XG_ETOOBIG, "%s: more than %d sources", name, XG_FEEDS_MAX);
            break;
        }
        snprintf(limits[nlimits].source, sizeof limits[nlimits].source, "%s", src);
        limits[nlimits++].max_age = (long)(hours * 3600);
        have_default |= !strcmp(src, "*");
    }
    if (!rc && !have_default) rc = xg_error_set(XG_EPARSE, "%s: no default row ('*')", name);
    if (rc) nlimits = 0;
    pthread_mutex_unlock(&limits_lock);
    free(data);
    return rc;
}

static int load_freshness(void)
{
    char path[PATH_MAX], *data = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/lists/refresh_limits.tsv", xg_data_dir());
    int rc = xg_file_read(&data, &len, path, 1 << 20);
    if (rc) return rc;
    rc = freshness_parse(data, len, path);
    free(data);
    return rc;
}

static long max_age_of(const char *source)
{
    long any = 0, mine = 0;
    pthread_mutex_lock(&limits_lock);
    for (size_t i = 0; i < nlimits; i++) {
        if (!strcmp(limits[i].source, source)) mine = limits[i].max_age;
        if (!strcmp(limits[i].source, "*")) any = limits[i].max_age;
    }
    pthread_mutex_unlock(&limits_lock);
    return mine ? mine : any;
}

/* The state of `source`, added when new (NULL when the table is full). feeds_lock held. */
static feed_state *feed_get(xg_server *s, const char *source)
{
    for (size_t i = 0; i < s->nfeeds; i++)
        if (!strcmp(s->feeds[i].source, source)) return &s->feeds[i];
    if (s->nfeeds == XG_FEEDS_MAX || !*source) return NULL;
    feed_state *f = &s->feeds[s->nfeeds++];
    memset(f, 0, sizeof *f);
    snprintf(f->source, sizeof f->source, "%s", source);
    f->max_age = max_age_of(source);
    return f;
}

static void note_failure(feed_state *f, int64_t at, const char *reason, feed_fail_kind kind)
{
    f->last_failure = at;
    snprintf(f->failure_reason, sizeof f->failure_reason, "%s", reason);
    f->failure_kind = kind;
}

/* Bring each source's version in force, and the store's record of attempts made by other
 * processes (`xgate lists update`) or before a restart, into feeds[]: the newest row of a source
 * is its last attempt that changed something (a new version or a refusal), and the row in force
 * says when the source was last found unchanged (checked_at). */
static void feeds_sync(xg_server *s)
{
    json_t *rows = NULL;
    if (!s->store || xg_store_list_versions(&rows, s->store, NULL) != 0) return;
    pthread_mutex_lock(&s->feeds_lock);
    for (size_t i = 0; i < s->nfeeds; i++)
        s->feeds[i].version[0] = '\0';
    const char *prev = "";
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) /* by source, newest first */
    {
        const char *src = row_str(row, "source");
        feed_state *f = feed_get(s, src);
        bool newest = strcmp(src, prev) != 0;
        prev = src;
        if (!f) continue;
        int64_t at = parse_time(row_str(row, "fetched_at"));
        bool ok = !strcmp(row_str(row, "status"), "ok");
        if (json_is_true(json_object_get(row, "in_force"))) {
            snprintf(f->version, sizeof f->version, "%s", row_str(row, "id"));
            json_t *e = json_object_get(row, "entries");
            f->entries = json_is_integer(e) ? (long long)json_integer_value(e) : -1;
            f->fetched_at = at;
            f->published_at = parse_time(row_str(row, "publish_date"));
            /* the last check that found it unchanged, recorded by whichever process made it
             * (this server before a restart, `xgate lists update`) */
            int64_t checked = parse_time(row_str(row, "checked_at"));
            if (checked > f->last_success) f->last_success = checked;
            if (checked > f->last_attempt) {
                f->last_attempt = checked;
                snprintf(f->last_result, sizeof f->last_result, "unchanged");
            }
        }
        if (!newest) continue;
        if (at > f->last_attempt) {
            f->last_attempt = at;
            snprintf(f->last_result, sizeof f->last_result, "%s", ok ? "new" : "refused");
        }
        if (ok && at > f->last_success) f->last_success = at;
        if (!ok && at > f->last_failure) {
            const char *reason = row_str(row, "reason");
            note_failure(f, at, reason, feed_fail_classify(reason));
        }
    }
    for (size_t k = 0; k < s->nfeeds; k++)
        if (!*s->feeds[k].version) s->feeds[k].fetched_at = s->feeds[k].published_at = 0;
    pthread_mutex_unlock(&s->feeds_lock);
    json_decref(rows);
}

static void note_result(xg_server *s, const char *source, int64_t started, const char *status,
                        const char *reason)
{
    int64_t now = (int64_t)time(NULL);
    pthread_mutex_lock(&s->feeds_lock);
    feed_state *f = feed_get(s, source);
    if (f) {
        f->last_attempt = started;
        snprintf(f->last_result, sizeof f->last_result, "%s", status);
        if (!strcmp(status, "new") || !strcmp(status, "unchanged")) {
            f->last_success = now;
            f->results[!strcmp(status, "new") ? 0 : 1]++;
        } else {
            bool refused = !strcmp(status, "refused");
            feed_fail_kind k = refused ? feed_fail_classify(reason) : FEED_FAIL_ERROR;
            note_failure(f, now, reason, k);
            f->failures[k]++;
            f->results[refused ? 2 : 3]++;
        }
    }
    pthread_mutex_unlock(&s->feeds_lock);
}

/* ---- updates ---- */

static int state_dir_real(xg_server *s, char out[PATH_MAX])
{
    if (mkdir(s->state_dir, 0755) != 0 && errno != EEXIST)
        return xg_error_set(XG_EIO, "%s: cannot create the list state directory: %s", s->state_dir,
                            strerror(errno));
    if (!realpath(s->state_dir, out))
        return xg_error_set(XG_EIO, "%s: %s", s->state_dir, strerror(errno));
    return 0;
}

static json_t *result_json(const xg_feed_source *src, const xg_feed_result *res)
{
    json_t *o = json_pack("{s:s, s:s}", "source", src->name, "status", res->status);
    if (*res->version) json_object_set_new(o, "version", json_string(res->version));
    if (*res->reason) json_object_set_new(o, "reason", json_string(res->reason));
    if (*res->refused_id) json_object_set_new(o, "refused_id", json_string(res->refused_id));
    if (res->entries >= 0) json_object_set_new(o, "entries", json_integer(res->entries));
    if (*res->publish_date) json_object_set_new(o, "published", json_string(res->publish_date));
    return o;
}

/* Re-screen the stored parties against what changed in the lists in force (xgate/monitor.h, as
 * `xgate monitor run`): after each scheduled refresh, and after a requested update that swapped
 * in a new version. Called with update_lock held, so that runs never overlap. */
static void run_monitor(xg_server *s, const char *trigger)
{
    json_t *versions = NULL;
    /* the versions the snapshot holds, so that each alert names the version of its entry */
    xg_snapshot *snap = server_snapshot_get_versions(s, &versions, NULL);
    if (!snap || !s->store) {
        if (snap) xg_snapshot_unref(snap);
        json_decref(versions);
        return;
    }
    /* a stop cancels the run between chunks (recorded as cancelled; the next run completes it) */
    xg_monitor_opts mo = {.threshold = -1,
                          .list_versions = versions,
                          .webhook_url = s->webhook_url,
                          .cancel = &s->stopping};
    json_t *report = NULL;
    int rc = xg_monitor_run(&report, s->store, snap, s->text, &mo);
    xg_snapshot_unref(snap);
    json_decref(versions);
    json_t *summary;
    if (rc) {
        server_log(s, "monitor (%s): could not run: %s", trigger, xg_error_message());
        summary =
            json_pack("{s:I, s:s}", "at", (json_int_t)time(NULL), "error", xg_error_message());
    } else {
        size_t opened = json_array_size(json_object_get(report, "opened"));
        size_t closed = json_array_size(json_object_get(report, "closed"));
        server_log(s, "monitor (%s): %zu alert(s) opened, %zu closed", trigger, opened, closed);
        if (json_is_true(json_object_get(report, "cancelled")))
            server_log(
                s, "monitor (%s): run cancelled (stopping): %lld entries left for the next run",
                trigger, (long long)json_integer_value(json_object_get(report, "entries_left")));
        summary = json_pack("{s:I, s:I, s:I, s:O?}", "at", (json_int_t)time(NULL), "opened",
                            (json_int_t)opened, "closed", (json_int_t)closed, "delta",
                            json_object_get(report, "delta"));
    }
    json_decref(report);
    /* the deliveries this run queued, and any an earlier run left pending (a failed one is
     * retried by the next run: at least once) */
    json_t *w = NULL;
    size_t delivered = 0, failed = 0;
    if (s->webhook_url && !s->stopping) {
        /* a stop cancels the deliveries (a POST in progress, a back-off): what is left stays
         * pending in the store for the next start's first run */
        if (xg_monitor_webhooks_deliver_until(&w, s->store, s->webhook_url, s->webhook_secret,
                                              s->webhook_secret_len, 0, &s->stopping) != 0) {
            server_log(s, "monitor (%s): webhook deliveries: %s", trigger, xg_error_message());
        } else {
            delivered = (size_t)json_integer_value(json_object_get(w, "delivered"));
            failed = (size_t)json_integer_value(json_object_get(w, "failed"));
            if (delivered || failed)
                server_log(s, "monitor (%s): webhooks: %zu delivered, %zu failed", trigger,
                           delivered, failed);
            if (json_is_true(json_object_get(w, "cancelled")))
                server_log(s, "monitor (%s): webhooks cancelled (stopping): %lld left pending",
                           trigger, (long long)json_integer_value(json_object_get(w, "pending")));
        }
        json_decref(w);
    }
    pthread_mutex_lock(&s->feeds_lock);
    if (s->webhook_url) {
        s->webhooks_delivered += delivered;
        s->webhooks_failed += failed;
        json_object_set_new(summary, "webhooks",
                            json_pack("{s:I, s:I, s:I, s:I}", "delivered", (json_int_t)delivered,
                                      "failed", (json_int_t)failed, "delivered_total",
                                      (json_int_t)s->webhooks_delivered, "failed_total",
                                      (json_int_t)s->webhooks_failed));
    }
    json_decref(s->last_monitor);
    s->last_monitor = summary;
    pthread_mutex_unlock(&s->feeds_lock);
}

json_t *server_monitor_json(xg_server *s)
{
    pthread_mutex_lock(&s->feeds_lock);
    json_t *m = s->last_monitor ? json_deep_copy(s->last_monitor) : json_null();
    pthread_mutex_unlock(&s->feeds_lock);
    return m;
}

int server_update(xg_server *s, const xg_feed_source *src, size_t n, int force, const char *trigger,
                  json_t **out)
{
    if (!s->store) return xg_error_set(XG_EINVAL, "list updates need the store");
    if (pthread_mutex_trylock(&s->update_lock) != 0)
        return xg_error_set(XG_EEXIST, "a list update is already running");
    if (!src) {
        src = s->sources;
        n = s->nsources;
    }
    char dir[PATH_MAX];
    int rc = state_dir_real(s, dir);
    json_t *results = json_array();
    int fresh = 0;
    xg_feed_options opt;
    xg_feed_options_init(&opt);
    opt.state_dir = dir;
    opt.force = force;
    opt.cancel = &s->stopping;
    for (size_t i = 0; !rc && i < n && !s->stopping; i++) {
        if (!src[i].enabled) continue;
        int64_t started = (int64_t)time(NULL);
        xg_feed_result res;
        int urc = xg_feed_update(&res, s->store, &src[i], &opt);
        if (urc && s->stopping) break; /* cancelled: nothing recorded */
        if (urc) {
            const char *msg = xg_error_message();
            json_array_append_new(results, json_pack("{s:s, s:s, s:s}", "source", src[i].name,
                                                     "status", "error", "reason", msg));
            note_result(s, src[i].name, started, "error", msg);
            server_log(s, "list update (%s): %s: error: %s", trigger, src[i].name, msg);
            continue;
        }
        json_array_append_new(results, result_json(&src[i], &res));
        note_result(s, src[i].name, started, res.status, res.reason);
        fresh += !strcmp(res.status, "new");
        server_log(s, "list update (%s): %s: %s%s%s%s%s", trigger, src[i].name, res.status,
                   *res.version ? " " : "", res.version, *res.reason ? ": " : "", res.reason);
    }
    bool reloaded = false;
    char reload_error[512] = "";
    if (!rc && fresh) {
        /* a new version is in force in the store: swap it in (waiting for a reload running) */
        if (server_reload(s, NULL, true) == 0)
            reloaded = true;
        else
            snprintf(reload_error, sizeof reload_error, "%s", xg_error_message());
    }
    feeds_sync(s);
    if (!rc && !s->stopping && (reloaded || !strcmp(trigger, "refresh"))) run_monitor(s, trigger);
    atomic_store(&s->last_update_run, (int64_t)time(NULL));
    pthread_mutex_unlock(&s->update_lock);
    if (rc) {
        json_decref(results);
        return rc;
    }
    json_t *o = json_pack("{s:o, s:b}", "results", results, "reloaded", reloaded);
    if (*reload_error) {
        json_object_set_new(o, "reload_error", json_string(reload_error));
        server_log(s,
                   "list update (%s): the new versions are in force in the store but the "
                   "snapshot was not rebuilt: %s",
                   trigger, reload_error);
    }
    if (out)
        *out = o;
    else
        json_decref(o);
    return 0;
}

int server_reload_notified(xg_server *s)
{
    int rc = server_reload(s, NULL, true);
    feeds_sync(s);
    return rc;
}

int xg_server_update(xg_server *s, json_t **out)
{
    return server_update(s, NULL, 0, 0, "api", out);
}

/* The refresher: an update at start, then one every refresh_seconds, until stop. */
static void *refresher_main(void *arg)
{
    xg_server *s = arg;
    pthread_mutex_lock(&s->refresh_mu);
    while (!s->stopping) {
        pthread_mutex_unlock(&s->refresh_mu);
        if (server_update(s, NULL, 0, 0, "refresh", NULL) != 0)
            server_log(s, "list refresh: %s", xg_error_message());
        pthread_mutex_lock(&s->refresh_mu);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += s->opts.refresh_seconds;
        while (!s->stopping &&
               pthread_cond_timedwait(&s->refresh_cv, &s->refresh_mu, &until) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&s->refresh_mu);
    return NULL;
}

/* The feeds to fetch: --source specs, else the sources file (or the bundled one). */
static int load_sources(xg_server *s)
{
    const xg_server_opts *o = &s->opts;
    if (!o->nsource_specs) return xg_feed_sources_read(&s->sources, &s->nsources, s->sources_path);
    s->sources = calloc(o->nsource_specs, sizeof *s->sources);
    if (!s->sources) return xg_error_set(XG_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->nsource_specs; i++) {
        int rc = xg_feed_source_parse(&s->sources[i], o->source_specs[i]);
        if (rc) return rc;
        s->nsources = i + 1;
    }
    return 0;
}

/* serve --webhook URL --webhook-secret-file FILE: the URL and the secret (trailing newlines
 * dropped, as `monitor run` reads it). */
static int load_webhook(xg_server *s)
{
    const xg_server_opts *o = &s->opts;
    if (!o->webhook_url != !o->webhook_secret_file)
        return xg_error_set(XG_EINVAL, "--webhook and --webhook-secret-file go together");
    if (!o->webhook_url) return 0;
    if (strncmp(o->webhook_url, "http://", 7) && strncmp(o->webhook_url, "https://", 8))
        return xg_error_set(XG_EINVAL, "--webhook '%s': expected an http(s) URL", o->webhook_url);
    char *secret = NULL;
    size_t len = 0;
    int rc = xg_file_read(&secret, &len, o->webhook_secret_file, 64 * 1024);
    if (rc) return rc;
    while (len && (secret[len - 1] == '\n' || secret[len - 1] == '\r'))
        secret[--len] = '\0';
    if (!len) {
        free(secret);
        return xg_error_set(XG_EINVAL, "--webhook-secret-file %s is empty", o->webhook_secret_file);
    }
    if (!(s->webhook_url = strdup(o->webhook_url))) {
        free(secret);
        return xg_error_set(XG_ENOMEM, "out of memory");
    }
    s->webhook_secret = (unsigned char *)secret;
    s->webhook_secret_len = len;
    s->opts.webhook_url = s->webhook_url; /* the caller's strings are not kept */
    s->opts.webhook_secret_file = NULL;
    return 0;
}

int server_feeds_start(xg_server *s)
{
    xg_server_opts *o = &s->opts;
    const char *env = getenv("XGATE_STATE_DIR");
    s->state_dir = strdup(o->state_dir ? o->state_dir : env && *env ? env : "xgate-state");
    s->sources_path = o->sources_path ? strdup(o->sources_path) : NULL;
    if (!s->state_dir || (o->sources_path && !s->sources_path))
        return xg_error_set(XG_ENOMEM, "out of memory");
    o->state_dir = s->state_dir;
    o->sources_path = s->sources_path;
    int rc = load_freshness();
    if (rc) return rc;
    if ((rc = load_webhook(s))) return rc;
    rc = load_sources(s);
    o->source_specs = NULL; /* the caller's; parsed into s->sources */
    o->nsource_specs = 0;
    if (rc) {
        /* the bundled sources file only matters to updates: without it the server still serves */
        if (s->sources_path || o->refresh_seconds > 0 || s->nsources) return rc;
        server_log(s, "list sources: %s (list updates need --sources or --source)",
                   xg_error_message());
        xg_feed_sources_free(s->sources, s->nsources);
        s->sources = NULL;
        s->nsources = 0;
    }
    pthread_mutex_lock(&s->feeds_lock);
    for (size_t i = 0; i < s->nsources; i++)
        if (s->sources[i].enabled) feed_get(s, s->sources[i].name);
    pthread_mutex_unlock(&s->feeds_lock);
    feeds_sync(s);
    if (o->refresh_seconds > 0) {
        if (pthread_create(&s->refresher, NULL, refresher_main, s) != 0)
            return xg_error_set(XG_EINTERNAL, "cannot start the list refresh thread");
        s->refresher_running = true;
        server_log(s, "list refresh every %lds from %zu source(s) into %s", o->refresh_seconds,
                   s->nsources, s->state_dir);
    }
    return 0;
}

void server_feeds_stop(xg_server *s)
{
    pthread_mutex_lock(&s->refresh_mu);
    s->stopping = 1;
    pthread_cond_broadcast(&s->refresh_cv);
    pthread_mutex_unlock(&s->refresh_mu);
    if (s->refresher_running) pthread_join(s->refresher, NULL);
    s->refresher_running = false;
}

void server_feeds_free(xg_server *s)
{
    xg_feed_sources_free(s->sources, s->nsources);
    free(s->state_dir);
    free(s->sources_path);
    pthread_mutex_destroy(&s->feeds_lock);
    pthread_mutex_destroy(&s->update_lock);
    pthread_mutex_destroy(&s->refresh_mu);
    pthread_cond_destroy(&s->refresh_cv);
    json_decref(s->last_monitor);
    free(s->webhook_url);
    if (s->webhook_secret) memset(s->webhook_secret, 0, s->webhook_secret_len);
    free(s->webhook_secret);
}

/* ---- what the server knows of each source ---- */

static json_t *feed_json(const feed_state *f, int64_t now, json_t *degraded)
{
    char t[32];
    json_t *o =
        json_pack("{s:s, s:I}", "source", f->source, "max_age_seconds", (json_int_t)f->max_age);
    if (*f->version) {
        json_object_set_new(o, "version", json_string(f->version));
        if (f->entries >= 0) json_object_set_new(o, "entries", json_integer(f->entries));
        iso(t, f->fetched_at);
        json_object_set_new(o, "fetched_at", json_string(t));
        json_object_set_new(o, "age_seconds", json_integer(now - f->fetched_at));
    } else {
        json_object_set_new(o, "version", json_null());
    }
    if (*f->version && f->published_at) {
        iso(t, f->published_at);
        t[10] = '\0';
        json_object_set_new(o, "published", json_string(t));
        json_object_set_new(o, "published_age_seconds", json_integer(now - f->published_at));
    }
    /* checked: the later of the fetch of the version in force and the last update that found
     * the feed unchanged or new — a list that has not changed is still current */
    int64_t checked = f->last_success > f->fetched_at ? f->last_success : f->fetched_at;
    if (*f->version && checked) {
        iso(t, checked);
        json_object_set_new(o, "checked_at", json_string(t));
        json_object_set_new(o, "checked_age_seconds", json_integer(now - checked));
    }
    if (f->last_attempt) {
        iso(t, f->last_attempt);
        json_object_set_new(o, "last_attempt_at", json_string(t));
        json_object_set_new(o, "last_result", json_string(f->last_result));
    }
    if (f->last_success) {
        iso(t, f->last_success);
        json_object_set_new(o, "last_success_at", json_string(t));
    }
    bool failing = f->last_failure && f->last_failure >= f->last_success;
    if (f->last_failure) {
        iso(t, f->last_failure);
        json_object_set_new(o, "last_failure",
                            json_pack("{s:s, s:s, s:s}", "at", t, "kind",
                                      feed_fail_name(f->failure_kind), "reason",
                                      f->failure_reason));
    } else {
        json_object_set_new(o, "last_failure", json_null());
    }
    bool stale = *f->version && checked && now - checked > f->max_age;
    json_object_set_new(o, "stale", json_boolean(stale));
    json_object_set_new(o, "failing", json_boolean(failing));
    char why[400];
    if (degraded && stale) {
        snprintf(why, sizeof why, "%s: last fetched or checked %lld h ago (limit %ld h)", f->source,
                 (long long)((now - checked) / 3600), f->max_age / 3600);
        json_array_append_new(degraded, json_string(why));
    }
    if (degraded && failing) {
        snprintf(why, sizeof why, "%s: the last update failed: %s", f->source, f->failure_reason);
        json_array_append_new(degraded, json_string(why));
    }
    return o;
}

json_t *server_feeds_json(xg_server *s, json_t **degraded)
{
    feeds_sync(s);
    int64_t now = (int64_t)time(NULL);
    json_t *a = json_array(), *why = degraded ? json_array() : NULL;
    pthread_mutex_lock(&s->feeds_lock);
    for (size_t i = 0; i < s->nfeeds; i++)
        json_array_append_new(a, feed_json(&s->feeds[i], now, why));
    pthread_mutex_unlock(&s->feeds_lock);
    if (degraded) *degraded = why;
    return a;
}

/* Source names are [a-z0-9_-] (xgate/feeds.h), but labels are checked where they are written. */
static bool label_safe(const char *v)
{
    return *v && strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") ==
                     strlen(v);
}

void metrics_feeds(xg_buf *b, xg_server *s)
{
    feeds_sync(s);
    int64_t now = (int64_t)time(NULL);
    pthread_mutex_lock(&s->feeds_lock);
    size_t n = s->nfeeds;
    feed_state *v = malloc((n ? n : 1) * sizeof *v);
    if (v) memcpy(v, s->feeds, n * sizeof *v);
    pthread_mutex_unlock(&s->feeds_lock);
    if (!v) return;
    static const struct {
        const char *name, *help;
    } gauges[] = {
        {"xgate_list_fetched_age_seconds",
         "Seconds since the list version in force was fetched, by source."},
        {"xgate_list_published_age_seconds",
         "Seconds since the publish date the version in force carries, by source."},
        {"xgate_list_checked_age_seconds",
         "Seconds since the feed was last fetched or found unchanged, by source."},
        {"xgate_list_update_last_attempt_timestamp_seconds",
         "When an update of the source was last attempted (unix time)."},
        {"xgate_list_update_last_success_timestamp_seconds",
         "When an update of the source last succeeded, new or unchanged (unix time)."},
        {"xgate_list_stale",
         "1 when the source is older than its limit (data/lists/refresh_limits.tsv)."},
        {"xgate_list_update_failing", "1 when the last update of the source failed."},
    };
    for (size_t g = 0; g < sizeof gauges / sizeof *gauges; g++) {
        xg_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", gauges[g].name, gauges[g].help,
                      gauges[g].name);
        for (size_t i = 0; i < n; i++) {
            const feed_state *f = &v[i];
            if (!label_safe(f->source)) continue;
            int64_t checked = f->last_success > f->fetched_at ? f->last_success : f->fetched_at;
            bool have = true;
            long long val = 0;
            switch (g) {
            case 0:
                have = *f->version, val = now - f->fetched_at;
                break;
            case 1:
                have = *f->version && f->published_at, val = now - f->published_at;
                break;
            case 2:
                have = *f->version && checked, val = now - checked;
                break;
            case 3:
                have = f->last_attempt, val = f->last_attempt;
                break;
            case 4:
                have = f->last_success, val = f->last_success;
                break;
            case 5:
                val = *f->version && checked && now - checked > f->max_age;
                break;
            default:
                val = f->last_failure && f->last_failure >= f->last_success;
            }
            if (have) xg_buf_printf(b, "%s{source=\"%s\"} %lld\n", gauges[g].name, f->source, val);
        }
    }
    xg_buf_puts(b, "# HELP xgate_list_update_failures_total Failed list updates since start, by "
                   "source and reason.\n# TYPE xgate_list_update_failures_total counter\n");
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < FEED_FAIL_KINDS && label_safe(v[i].source); k++)
            xg_buf_printf(b, "xgate_list_update_failures_total{source=\"%s\",reason=\"%s\"} %llu\n",
                          v[i].source, fail_names[k], (unsigned long long)v[i].failures[k]);
    static const char *const results[4] = {"new", "unchanged", "refused", "error"};
    xg_buf_puts(b, "# HELP xgate_list_updates_total List updates since start, by source and "
                   "result.\n# TYPE xgate_list_updates_total counter\n");
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4 && label_safe(v[i].source); k++)
            xg_buf_printf(b, "xgate_list_updates_total{source=\"%s\",result=\"%s\"} %llu\n",
                          v[i].source, results[k], (unsigned long long)v[i].results[k]);
    free(v);
}
