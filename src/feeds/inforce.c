/*
 * inforce.c — which list files a command loads, and how old they are.
 *
 * One rule for `screen`, `decide`, `monitor run` and the server: list files named on the command
 * line win; else the versions in force in the store (`lists update`), each standing in for the
 * bundled file(s) of its feed (data/lists/bundled.tsv), the bundled files of feeds never fetched
 * kept beside them; else the bundled lists alone. A version in force whose files are gone is
 * skipped (its feed's bundled files stand in) and named in `skipped`. What was chosen is said
 * (origin, and the versions by source), so a decision or an alert can name the versions it used and
 * a replay can load exactly those again from the content-addressed store.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/feeds.h"
#include "xgate/lists.h"

#define MAX_BUNDLED 64

typedef struct bundled {
    char path[256];  /* relative to the data directory */
    char source[48]; /* feed it stands in for, "" for none */
    char date[11];   /* YYYY-MM-DD or YYYY-MM, "" unknown */
} bundled;

/* data/lists/bundled.tsv; a missing file is no bundled mapping (every bundled file is kept). */
static size_t bundled_read(bundled *out, size_t cap)
{
    char *path = xg_data_path("lists/bundled.tsv"), *data = NULL;
    size_t len = 0, n = 0;
    if (!path || xg_file_read(&data, &len, path, 1 << 20)) {
        free(path);
        xg_error_clear();
        return 0;
    }
    free(path);
    for (char *line = data, *next; line && *line && n < cap; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (*line == '#' || !*line) continue;
        char *f[4] = {line, NULL, NULL, NULL};
        for (int i = 1; i < 4 && f[i - 1]; i++) {
            char *t = strchr(f[i - 1], '\t');
            if (t) *t++ = '\0';
            f[i] = t;
        }
        if (!f[1]) continue;
        bundled *b = &out[n++];
        snprintf(b->path, sizeof b->path, "%s", f[0]);
        snprintf(b->source, sizeof b->source, "%s", strcmp(f[1], "-") ? f[1] : "");
        snprintf(b->date, sizeof b->date, "%s", f[2] && strcmp(f[2], "-") ? f[2] : "");
    }
    free(data);
    return n;
}

/* The bundled.tsv row of an absolute bundled path (NULL when it has none). */
static const bundled *bundled_of(const bundled *b, size_t n, const char *abs)
{
    const char *dir = xg_data_dir();
    size_t dl = dir ? strlen(dir) : 0;
    const char *rel = dir && !strncmp(abs, dir, dl) && abs[dl] == '/' ? abs + dl + 1 : abs;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(b[i].path, rel)) return &b[i];
    return NULL;
}

void xg_feed_lists_free(xg_feed_lists *l)
{
    if (!l) return;
    xg_feed_paths_free(l->paths);
    json_decref(l->versions);
    json_decref(l->skipped);
    memset(l, 0, sizeof *l);
}

static int push(xg_vec *v, const char *p)
{
    char *dup = strdup(p);
    if (!dup || !xg_vec_push(v, &dup)) {
        free(dup);
        return xg_error_set(XG_ENOMEM, "lists: out of memory");
    }
    return XG_OK;
}

static const char *str(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* The version as a decision or alert names it: {"id","sha256","publish_date"?,"fetched_at",
 * "entries"?,"path"}. */
static json_t *version_json(const json_t *row)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "id", str(row, "id"), "sha256", str(row, "sha256"),
                          "fetched_at", str(row, "fetched_at"), "path", str(row, "path"));
    if (o && *str(row, "publish_date"))
        json_object_set_new(o, "publish_date", json_string(str(row, "publish_date")));
    if (o && json_is_integer(json_object_get(row, "entries")))
        json_object_set(o, "entries", json_object_get(row, "entries"));
    return o;
}

/* Append every path of `rows` (version rows) to v and name them in l->versions; then the bundled
 * files of the feeds none of them replaces. With `skip_gone`, a version whose files are not
 * loadable is left out and named in l->skipped (its feed's bundled files stand in); else it is
 * the error. */
static int paths_of_rows(xg_feed_lists *l, xg_vec *v, const json_t *rows, bool skip_gone)
{
    size_t i;
    json_t *r;
    int rc = XG_OK;
    json_array_foreach(rows, i, r)
    {
        char **p = NULL;
        size_t n = 0;
        if ((rc = xg_feed_version_paths(&p, &n, str(r, "path")))) {
            if (!skip_gone) return rc;
            json_t *sk =
                json_pack("{s:s,s:s,s:s,s:s}", "source", str(r, "source"), "id", str(r, "id"),
                          "path", str(r, "path"), "reason", xg_error_message());
            xg_error_clear();
            if (!sk || json_array_append_new(l->skipped, sk))
                return xg_error_set(XG_ENOMEM, "lists: out of memory");
            rc = XG_OK;
            continue;
        }
        for (size_t k = 0; !rc && k < n; k++)
            rc = push(v, p[k]);
        xg_feed_paths_free(p);
        json_t *vj = version_json(r);
        if (!rc && (!vj || json_object_set_new(l->versions, str(r, "source"), vj)))
            rc = xg_error_set(XG_ENOMEM, "lists: out of memory");
        if (rc) return rc;
    }
    bundled b[MAX_BUNDLED];
    size_t nb = bundled_read(b, MAX_BUNDLED);
    for (const char *const *d = xg_lists_default_paths(); !rc && d && *d; d++) {
        const bundled *row = bundled_of(b, nb, *d);
        if (row && *row->source && json_object_get(l->versions, row->source)) continue;
        rc = push(v, *d);
    }
    return rc;
}

static int finish(xg_feed_lists *l, xg_vec *v, int rc)
{
    char *nul = NULL;
    if (!rc && !xg_vec_push(v, &nul)) rc = xg_error_set(XG_ENOMEM, "lists: out of memory");
    if (rc) {
        for (size_t i = 0; i < v->len; i++)
            free(XG_VEC_AT(v, char *, i));
        xg_vec_free(v);
        xg_feed_lists_free(l);
        return rc;
    }
    l->paths = v->data;
    l->npaths = v->len - 1;
    return XG_OK;
}

int xg_feed_lists_choose(xg_feed_lists *out, xg_store *s, const char *const *files, size_t nfiles)
{
    if (!out) return xg_error_set(XG_EINVAL, "lists: no output");
    memset(out, 0, sizeof *out);
    if (!(out->versions = json_object()) || !(out->skipped = json_array())) {
        xg_feed_lists_free(out);
        return xg_error_set(XG_ENOMEM, "lists: out of memory");
    }
    xg_vec v;
    xg_vec_init(&v, sizeof(char *));
    int rc = XG_OK;
    if (nfiles) {
        snprintf(out->origin, sizeof out->origin, "files");
        for (size_t i = 0; !rc && i < nfiles; i++)
            rc = push(&v, files[i]);
        return finish(out, &v, rc);
    }
    json_t *rows = NULL;
    if (s && (rc = xg_store_list_versions_in_force(&rows, s))) {
        xg_feed_lists_free(out);
        return rc;
    }
    if (!json_array_size(rows)) { /* nothing fetched: the bundled defaults */
        json_decref(rows);
        snprintf(out->origin, sizeof out->origin, "bundled");
        return XG_OK;
    }
    rc = paths_of_rows(out, &v, rows, true);
    json_decref(rows);
    /* every version in force skipped: the bundled lists, said so */
    snprintf(out->origin, sizeof out->origin, "%s",
             json_object_size(out->versions) ? "store" : "bundled");
    return finish(out, &v, rc);
}

int xg_feed_lists_of_versions(xg_feed_lists *out, xg_store *s, const json_t *versions)
{
    if (!out || !s) return xg_error_set(XG_EINVAL, "lists: no store");
    if (!json_is_object(versions) || !json_object_size(versions))
        return xg_feed_lists_choose(out, NULL, NULL, 0);
    memset(out, 0, sizeof *out);
    if (!(out->versions = json_object()) || !(out->skipped = json_array())) {
        xg_feed_lists_free(out);
        return xg_error_set(XG_ENOMEM, "lists: out of memory");
    }
    snprintf(out->origin, sizeof out->origin, "store");
    json_t *rows = json_array();
    const char *source;
    json_t *want;
    int rc = rows ? XG_OK : xg_error_set(XG_ENOMEM, "lists: out of memory");
    json_object_foreach((json_t *)versions, source, want)
    {
        if (rc) break;
        const char *id = str(want, "id");
        json_t *row = NULL;
        if (!*id) {
            rc = xg_error_set(XG_EINVAL, "list versions: %s names no version id", source);
            break;
        }
        if ((rc = xg_store_list_version_get(&row, s, id))) {
            if (rc == XG_ENOTFOUND)
                xg_error_set(rc, "list version %s (%s) is not in this store", id, source);
            break;
        }
        struct stat st;
        const char *path = str(row, "path");
        if (strcmp(str(row, "status"), "ok") || !*path || stat(path, &st) || !S_ISDIR(st.st_mode))
            rc = xg_error_set(XG_ENOTFOUND, "list version %s (%s): its files are gone (%s)", id,
                              source, *path ? path : "no directory recorded");
        else if (*str(want, "sha256") && strcmp(str(want, "sha256"), str(row, "sha256")))
            rc = xg_error_set(XG_EINVAL, "list version %s (%s): the store holds sha256 %s, not %s",
                              id, source, str(row, "sha256"), str(want, "sha256"));
        if (!rc && json_array_append(rows, row)) rc = XG_ENOMEM;
        json_decref(row);
    }
    xg_vec v;
    xg_vec_init(&v, sizeof(char *));
    if (!rc) rc = paths_of_rows(out, &v, rows, false);
    json_decref(rows);
    return finish(out, &v, rc);
}

int xg_feed_lists_for_decision(xg_feed_lists *out, xg_store *s, const char *decision_id)
{
    if (!out || !s || !decision_id) return xg_error_set(XG_EINVAL, "lists: no decision");
    json_t *d = NULL;
    int rc = xg_store_decision_get(&d, s, decision_id);
    if (rc) return rc;
    const json_t *v = json_object_get(json_object_get(json_object_get(d, "response"), "versions"),
                                      "list_versions");
    if (json_is_object(v) && json_object_size(v)) {
        rc = xg_feed_lists_of_versions(out, s, v);
        if (rc) {
            char msg[768];
            snprintf(msg, sizeof msg, "%s", xg_error_message());
            xg_error_set(rc, "decision %s used %s", decision_id, msg);
        }
    } else {
        rc = xg_feed_lists_choose(out, s, NULL, 0);
    }
    json_decref(d);
    return rc;
}

json_t *xg_feed_lists_named(const xg_feed_lists *l)
{
    json_t *o = json_object();
    const char *source;
    json_t *v;
    json_object_foreach(l ? l->versions : NULL, source, v)
    {
        json_t *c = json_pack("{s:s,s:s}", "id", str(v, "id"), "sha256", str(v, "sha256"));
        if (c && *str(v, "publish_date"))
            json_object_set_new(c, "publish_date", json_string(str(v, "publish_date")));
        json_object_set_new(o, source, c);
    }
    return o;
}

/* ---- ages ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long days_of(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD…" or "YYYY-MM" → days; -1 when it is neither. *approx when only the month. */
static long parse_day(const char *s, bool *approx)
{
    int y, m, d = 1;
    *approx = false;
    if (!s || strlen(s) < 7 || sscanf(s, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12) return -1;
    if (strlen(s) >= 10 && s[7] == '-' && isdigit((unsigned char)s[8])) {
        if (sscanf(s + 8, "%2d", &d) != 1 || d < 1 || d > 31) return -1;
    } else {
        *approx = true;
    }
    return days_of(y, m, d);
}

long xg_feed_days_between(const char *from, const char *to)
{
    bool a1, a2;
    long x = parse_day(from, &a1), y = parse_day(to, &a2);
    return x < 0 || y < 0 ? -1 : y - x;
}

/* data/lists/freshness.tsv: the warn_after_days of `source` (the `*` row otherwise; 30 when the
 * file is missing). */
static long warn_days(const char *source)
{
    char *path = xg_data_path("lists/freshness.tsv"), *data = NULL;
    size_t len = 0;
    long any = 30, mine = -1;
    if (path && !xg_file_read(&data, &len, path, 1 << 20)) {
        for (char *line = data, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next) *next++ = '\0';
            if (*line == '#') continue;
            char *tab = strchr(line, '\t');
            if (!tab) continue;
            *tab = '\0';
            long n = strtol(tab + 1, NULL, 10);
            if (n <= 0) continue;
            if (!strcmp(line, "*"))
                any = n;
            else if (source && !strcmp(line, source))
                mine = n;
        }
    } else {
        xg_error_clear();
    }
    free(path);
    free(data);
    return mine > 0 ? mine : any;
}

static void set_age(json_t *o, const char *source, const char *publish, const char *fetched,
                    const char *today)
{
    bool approx = false;
    const char *from = publish && *publish ? publish : fetched && *fetched ? fetched : NULL;
    long age = from ? xg_feed_days_between(from, today) : -1;
    if (from) parse_day(from, &approx);
    long warn = warn_days(source);
    json_object_set_new(o, "age_days", age >= 0 ? json_integer(age) : json_null());
    json_object_set_new(o, "age_from",
                        !from                           ? json_null()
                        : publish && *publish && approx ? json_string("publish_month")
                        : publish && *publish           ? json_string("publish_date")
                                                        : json_string("fetched_at"));
    json_object_set_new(o, "warn_after_days", json_integer(warn));
    json_object_set_new(o, "stale", json_boolean(age > warn));
}

int xg_feed_ages(json_t **out, xg_store *s, const char *today)
{
    if (!out) return xg_error_set(XG_EINVAL, "list ages: no output");
    char now[11];
    if (!today) {
        xg_date_today(now);
        today = now;
    }
    json_t *rows = NULL;
    int rc = s ? xg_store_list_versions_in_force(&rows, s) : XG_OK;
    if (rc) return rc;
    json_t *a = json_array(), *have = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "source", str(r, "source"), "origin", "store",
                              "version", str(r, "id"), "fetched_at", str(r, "fetched_at"));
        json_object_set_new(o, "publish_date",
                            *str(r, "publish_date") ? json_string(str(r, "publish_date"))
                                                    : json_null());
        char fetched_day[11];
        snprintf(fetched_day, sizeof fetched_day, "%s", str(r, "fetched_at"));
        set_age(o, str(r, "source"), str(r, "publish_date"), fetched_day, today);
        json_array_append_new(a, o);
        json_object_set_new(have, str(r, "source"), json_true());
    }
    json_decref(rows);
    bundled b[MAX_BUNDLED];
    size_t nb = bundled_read(b, MAX_BUNDLED);
    const char *dir = xg_data_dir();
    size_t dl = dir ? strlen(dir) : 0;
    for (const char *const *d = xg_lists_default_paths(); d && *d; d++) {
        const bundled *row = bundled_of(b, nb, *d);
        if (row && *row->source && json_object_get(have, row->source)) continue;
        const char *rel = dir && !strncmp(*d, dir, dl) && (*d)[dl] == '/' ? *d + dl + 1 : *d;
        json_t *o = json_pack("{s:s,s:s,s:s}", "source", row && *row->source ? row->source : "-",
                              "origin", "bundled", "path", rel);
        json_object_set_new(o, "publish_date",
                            row && *row->date ? json_string(row->date) : json_null());
        set_age(o, row ? row->source : NULL, row ? row->date : NULL, NULL, today);
        json_array_append_new(a, o);
    }
    json_decref(have);
    *out = a;
    return XG_OK;
}
