/*
 * serve_config.c — `xgate serve` as a system service: the configuration file under the flags,
 * --check-config, text or JSON log lines, and sd_notify (serve_config.h).
 */
#include "cli/serve_config.h"
#include "cli/cli.h"
#include "xgate/config.h"
#include "xgate/decide.h"
#include "xgate/error.h"

#include <dlfcn.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

/* The file's settings must outlive the server (opts keep pointers into it): kept until exit. */
static xg_config *loaded;

static void free_loaded(void)
{
    xg_config_free(loaded);
    loaded = NULL;
}

static int conf_fail(const xg_config *c, const char *key, size_t i, const char *fmt, const char *a)
{
    fprintf(stderr, "xgate serve: %s:%d: %s: ", xg_config_name(c), xg_config_line(c, key, i), key);
    fprintf(stderr, fmt, a);
    fputc('\n', stderr);
    return XG_EXIT_USAGE;
}

/* What only the running system can tell: files there, the policy profile known. */
static int check_deeper(const xg_config *c)
{
    for (size_t i = 0; i < xg_config_count(c, "list"); i++) {
        const char *p = xg_config_value(c, "list", i);
        struct stat st;
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode) || access(p, R_OK) != 0)
            return conf_fail(c, "list", i, "%s: not a readable file", p);
    }
    const char *web = xg_config_get(c, "web");
    struct stat st;
    if (web && (stat(web, &st) != 0 || !S_ISDIR(st.st_mode)))
        return conf_fail(c, "web", 0, "%s: not a directory", web);
    const char *policy = xg_config_get(c, "policy");
    if (policy) {
        xg_policy_set *ps = NULL;
        if (xg_policy_load(&ps, NULL) != 0)
            return cli_fail(XG_EXIT_ERROR, "serve", 1, "cannot load the policy profiles");
        int known = xg_policy_has_profile(ps, policy);
        xg_policy_free(ps);
        if (!known) return conf_fail(c, "policy", 0, "%s: no such policy profile", policy);
    }
    return 0;
}

int serve_config_apply(xg_server_opts *o, const char **lists, size_t max_lists, const char *path,
                       int check, const char **log_format)
{
    if (!path && !check) return 0;
    if (!path) path = XG_SERVE_DEFAULT_CONFIG;
    xg_config *c = NULL;
    if (xg_config_load(&c, path) != 0)
        return cli_fail(XG_EXIT_USAGE, "serve", 0, "%s", xg_error_message());
    if (check) {
        int rc = check_deeper(c);
        if (!rc) printf("%s: ok (%zu settings)\n", path, xg_config_size(c));
        xg_config_free(c);
        return rc ? rc : -1;
    }
    free_loaded();
    loaded = c;
    atexit(free_loaded);
    if (!o->listen) o->listen = xg_config_get(c, "listen");
    if (!o->db_url) o->db_url = xg_config_get(c, "db");
    if (!o->policy) o->policy = xg_config_get(c, "policy");
    if (!o->as_of) o->as_of = xg_config_get(c, "as_of");
    if (!o->web_dir) o->web_dir = xg_config_get(c, "web");
    const char *v;
    if (!o->threads && (v = xg_config_get(c, "threads"))) o->threads = atoi(v);
    if (!o->read_connections && (v = xg_config_get(c, "read_connections")))
        o->read_connections = atoi(v) ? atoi(v) : XG_SERVER_NO_READERS;
    if (!o->rate && (v = xg_config_get(c, "rate"))) o->rate = strtod(v, NULL);
    if (!o->burst && (v = xg_config_get(c, "burst"))) o->burst = strtod(v, NULL);
    if (!o->max_body && (v = xg_config_get(c, "max_body"))) o->max_body = strtoul(v, NULL, 10);
    int on = 1;
    if ((v = xg_config_get(c, "access_log")) && xg_config_bool(v, &on) == 0 && !on) o->log = NULL;
    if (!*log_format) *log_format = xg_config_get(c, "log_format");
    if (o->nlist_paths == 0) {
        size_t n = xg_config_count(c, "list");
        if (n > max_lists) return conf_fail(c, "list", max_lists, "%s: too many lists", "list");
        for (size_t i = 0; i < n; i++)
            lists[i] = xg_config_value(c, "list", i);
        o->nlist_paths = n;
        o->list_paths = n ? lists : NULL;
    }
    return 0;
}

/* "NAME URL[,URL…]" (docs/install.md) becomes "NAME=URL[,URL…]"; kept until exit like the file. */
static char *spec_copies[64];
static size_t nspec_copies;

static void free_spec_copies(void)
{
    for (size_t i = 0; i < nspec_copies; i++)
        free(spec_copies[i]);
    nspec_copies = 0;
}

int serve_config_feeds(xg_server_opts *o, const char **specs, size_t max_specs, int refresh_set)
{
    if (!loaded) return 0;
    const xg_config *c = loaded;
    const char *v;
    if (!refresh_set && (v = xg_config_get(c, "refresh")) &&
        xg_config_duration(v, &o->refresh_seconds) != 0)
        return conf_fail(c, "refresh", 0, "%s: expected a duration", v);
    if (!o->sources_path) o->sources_path = xg_config_get(c, "sources");
    if (!o->state_dir) o->state_dir = xg_config_get(c, "data_dir");
    if (o->nsource_specs) return 0;
    size_t n = xg_config_count(c, "source");
    if (n > max_specs || n > sizeof spec_copies / sizeof *spec_copies)
        return conf_fail(c, "source", max_specs, "%s: too many sources", "source");
    if (!nspec_copies) atexit(free_spec_copies);
    free_spec_copies();
    for (size_t i = 0; i < n; i++) {
        v = xg_config_value(c, "source", i);
        size_t name = strcspn(v, "= \t");
        char *spec = strdup(v);
        if (!spec) return cli_fail(XG_EXIT_ERROR, "serve", 0, "out of memory");
        if (spec[name] == ' ' || spec[name] == '\t') {
            size_t rest = name + strspn(v + name, " \t");
            spec[name] = '=';
            memmove(spec + name + 1, v + rest, strlen(v + rest) + 1);
        }
        spec_copies[nspec_copies++] = spec;
        specs[i] = spec;
    }
    o->nsource_specs = n;
    o->source_specs = n ? specs : NULL;
    return 0;
}

/* ---- log lines ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_json;
static int under_journal = -1;

/* journald sets JOURNAL_STREAM to "DEV:INO" of the stream it gave us as stdout/stderr. */
static int stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    struct stat st;
    if (!js || fstat(STDERR_FILENO, &st) != 0) return 0;
    unsigned long long dev = 0, ino = 0;
    if (sscanf(js, "%llu:%llu", &dev, &ino) != 2) return 0;
    return dev == (unsigned long long)st.st_dev && ino == (unsigned long long)st.st_ino;
}

int serve_log_format(const char *name)
{
    if (!name || !strcmp(name, "text"))
        log_json = 0;
    else if (!strcmp(name, "json"))
        log_json = 1;
    else
        return cli_fail(XG_EXIT_USAGE, "serve", 0, "--log-format %s: expected text or json", name);
    return 0;
}

static void emit(const char *level, const char *msg)
{
    char when[40];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);
    pthread_mutex_lock(&log_lock);
    if (under_journal < 0) under_journal = stderr_is_journal();
    if (log_json) {
        json_t *o = json_pack("{s:s, s:s, s:s}", "time", when, "level", level, "msg", msg);
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        /* journald reads a "<N>" prefix as the priority (3 error, 6 info). */
        if (s)
            fprintf(stderr, "%s%s\n", under_journal ? (*level == 'e' ? "<3>" : "<6>") : "", s);
        else /* not UTF-8: never drop a line */
            fprintf(stderr, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"(not UTF-8)\"}\n", when,
                    level);
        free(s);
        json_decref(o);
    } else if (under_journal) {
        fprintf(stderr, "%s%s\n", *level == 'e' ? "<3>" : "<6>", msg);
    } else {
        fprintf(stderr, "%s %s\n", when, msg);
    }
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
}

void serve_log(void *user, const char *line)
{
    (void)user;
    emit("info", line);
}

void serve_notice(const char *level, const char *fmt, ...)
{
    char msg[2048] = "xgate serve: ";
    size_t n = strlen(msg);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - n, fmt, ap);
    va_end(ap);
    emit(level, msg);
}

/* libsystemd is not linked: it is opened here, once, the first time there is something to tell
 * systemd (NOTIFY_SOCKET set), so that no other command pays for loading it. Without it the
 * notices are skipped with one warning. */
static __typeof__(&sd_notify) sym_sd_notify;
static char sd_error[400];

static void sd_load_once(void)
{
    const char *so = "libsystemd.so.0";
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    void *f = h ? dlsym(h, "sd_notify") : NULL;
    if (!f) {
        const char *why = dlerror();
        snprintf(sd_error, sizeof sd_error,
                 "%s cannot be loaded (install the Debian package libsystemd0): %s", so,
                 why ? why : "no sd_notify");
        if (h) dlclose(h);
        return;
    }
    sym_sd_notify = (__typeof__(&sd_notify))f;
}

void serve_notify(const char *state, const char *status)
{
    if (!getenv("NOTIFY_SOCKET")) return;
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sd_load_once);
    if (!sym_sd_notify) {
        static int warned;
        if (!warned++) serve_notice("warning", "no readiness notices to systemd: %s", sd_error);
        return;
    }
    char msg[512];
    snprintf(msg, sizeof msg, "%s\nSTATUS=%s", state, status ? status : "");
    sym_sd_notify(0, msg);
}
