/*
 * feeds.c — `xgate lists update`: fetch a source's file set, check it, keep it as a version.
 *
 * The order of an update is what makes it safe to interrupt:
 *   1. download every URL into <state>/lists/<source>/.tmp-<random>/ (conditional requests with
 *      the validators of the version in force; a 304 copies that version's file);
 *   2. hash the set, stop as "unchanged" when it equals the version in force;
 *   3. check every file (empty, HTML, format) and load the set with the list loaders (a truncated
 *      file either failed the transfer or fails the parse), then the shrink check;
 *   4. rename the temporary directory to <sha256>/ (atomic within one file system), fsync;
 *   5. write the store row that puts the version in force (one transaction).
 * kill -9 before 4 leaves a .tmp- directory that the next update removes; before 5, a version
 * directory no row points to, which the next fetch of the same content reuses. The version in
 * force changes only in step 5.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "core/curl_dl.h"
#include "xgate/error.h"
#include "xgate/feeds.h"
#include "xgate/lists.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 15000L
#define DEFAULT_TIMEOUT_MS 300000L
#define DEFAULT_MAX_BYTES (512LL << 20)
#define MAX_REDIRECTS 10L
#define MAX_URLS 8
#define SNIFF_BYTES (64 * 1024)
#define USER_AGENT "xgate-lists-update/1"

/* ---- sources ---- */

static bool valid_name(const char *s, size_t n)
{
    if (!n || n >= sizeof((xg_feed_source *)0)->name) return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_' &&
            s[i] != '-')
            return false;
    return true;
}

static bool valid_format(const char *f)
{
    static const char *const formats[] = {"ofac_sdn", "ofac_cons", "csl",
                                          "un_xml",   "sdn_xml",   "auto"};
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(f, formats[i])) return true;
    return false;
}

static int set_urls(xg_feed_source *src, const char *list, const char *where)
{
    src->urls = calloc(MAX_URLS, sizeof *src->urls);
    if (!src->urls) return XG_ENOMEM;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        while (n && isspace((unsigned char)p[n - 1]))
            n--;
        if (src->nurls == MAX_URLS)
            return xg_error_set(XG_EINVAL, "%s: more than %d URLs", where, MAX_URLS);
        if (n < 8 || (strncmp(p, "http://", 7) && strncmp(p, "https://", 8)))
            return xg_error_set(XG_EINVAL, "%s: '%.*s' is not an http:// or https:// URL", where,
                                (int)(n > 80 ? 80 : n), p);
        if (!(src->urls[src->nurls++] = strndup(p, n))) return XG_ENOMEM;
        p += strcspn(p, ",");
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
    }
    if (!src->nurls) return xg_error_set(XG_EINVAL, "%s: no URL", where);
    return XG_OK;
}

void xg_feed_source_clear(xg_feed_source *src)
{
    if (!src) return;
    for (size_t i = 0; src->urls && i < src->nurls; i++)
        free(src->urls[i]);
    free(src->urls);
    src->urls = NULL;
    src->nurls = 0;
}

void xg_feed_sources_free(xg_feed_source *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        xg_feed_source_clear(&v[i]);
    free(v);
}

int xg_feed_source_parse(xg_feed_source *out, const char *spec)
{
    memset(out, 0, sizeof *out);
    const char *eq = spec ? strchr(spec, '=') : NULL;
    if (!eq || !valid_name(spec, (size_t)(eq - spec)))
        return xg_error_set(XG_EINVAL,
                            "--source '%.80s': expected NAME=URL[,URL…] with a name of "
                            "a-z, 0-9, _ and -",
                            spec ? spec : "");
    memcpy(out->name, spec, (size_t)(eq - spec));
    snprintf(out->format, sizeof out->format, "auto");
    out->enabled = 1;
    int rc = set_urls(out, eq + 1, "--source");
    if (rc) xg_feed_source_clear(out);
    return rc;
}

/* One TSV line of a sources file into *src; 1 when it was a source, 0 for a blank/comment line. */
static int parse_source_line(xg_feed_source *src, char *line, const char *path, int lineno)
{
    line[strcspn(line, "\r")] = '\0';
    if (!*line || *line == '#') return 0;
    char *col[4] = {line, NULL, NULL, NULL};
    for (int i = 1; i < 4; i++) {
        char *tab = col[i - 1] ? strchr(col[i - 1], '\t') : NULL;
        if (tab) *tab = '\0', col[i] = tab + 1;
    }
    if (!col[2])
        return xg_error_set(XG_EPARSE, "%s:%d: expected name, format, URLs[, enabled]", path,
                            lineno);
    if (!valid_name(col[0], strlen(col[0])))
        return xg_error_set(XG_EPARSE, "%s:%d: source name '%.40s' is not [a-z0-9_-]", path, lineno,
                            col[0]);
    if (!valid_format(col[1]))
        return xg_error_set(XG_EPARSE, "%s:%d: unknown format '%.20s'", path, lineno, col[1]);
    memset(src, 0, sizeof *src);
    snprintf(src->name, sizeof src->name, "%s", col[0]);
    snprintf(src->format, sizeof src->format, "%s", col[1]);
    src->enabled = !col[3] || strcmp(col[3], "0");
    char where[300];
    snprintf(where, sizeof where, "%s:%d", path, lineno);
    int rc = set_urls(src, col[2], where);
    if (rc) {
        xg_feed_source_clear(src);
        return rc == XG_ENOMEM ? rc : XG_EPARSE;
    }
    return 1;
}

int xg_feed_sources_read(xg_feed_source **out, size_t *n, const char *path)
{
    char *def = path ? NULL : xg_data_path("lists/sources.tsv");
    const char *p = path ? path : def;
    char *text = NULL;
    int rc = p ? xg_file_read(&text, NULL, p, 1 << 20) : XG_ENOMEM;
    xg_vec v;
    xg_vec_init(&v, sizeof(xg_feed_source));
    int lineno = 0;
    for (char *line = text, *next; !rc && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        xg_feed_source src;
        int got = parse_source_line(&src, line, p, ++lineno);
        if (got < 0) rc = got;
        if (got > 0) {
            for (size_t i = 0; !rc && i < v.len; i++)
                if (!strcmp(XG_VEC_AT(&v, xg_feed_source, i).name, src.name))
                    rc = xg_error_set(XG_EPARSE, "%s:%d: source '%s' given twice", p, lineno,
                                      src.name);
            if (!rc && !xg_vec_push(&v, &src)) rc = XG_ENOMEM;
            if (rc) xg_feed_source_clear(&src);
        }
    }
    if (!rc && !v.len) rc = xg_error_set(XG_EPARSE, "%s: no sources", p);
    free(text);
    free(def);
    if (rc) {
        xg_feed_sources_free(v.data, v.len);
        return rc;
    }
    *out = v.data;
    *n = v.len;
    return XG_OK;
}

void xg_feed_options_init(xg_feed_options *o)
{
    memset(o, 0, sizeof *o);
    o->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
    o->timeout_ms = DEFAULT_TIMEOUT_MS;
    o->max_bytes = DEFAULT_MAX_BYTES;
}

/* ---- files and directories ---- */

/* "a/b" into out; an empty string when it does not fit (the open that follows then fails). */
static void path_join(char *out, size_t cap, const char *a, const char *b)
{
    if (snprintf(out, cap, "%s/%s", a, b) >= (int)cap) out[0] = '\0';
}

static int mkdirs(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return xg_error_set(XG_EINVAL, "%s: path too long", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return xg_error_set(XG_EIO, "%s: cannot create directory: %s", buf,
                                    strerror(errno));
            *p = c;
            if (!c) break;
        }
    }
    return XG_OK;
}

/* Remove a flat directory (version directories hold only files). */
static void remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char p[4096];
            path_join(p, sizeof p, dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Temporary directories left by an update that was killed: .tmp-<pid>-… whose process is gone. */
static void remove_stale_tmp(const char *source_dir)
{
    DIR *d = opendir(source_dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        long pid = 0;
        if (strncmp(e->d_name, ".tmp-", 5) || sscanf(e->d_name + 5, "%ld", &pid) != 1) continue;
        if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) == 0) continue;
        char p[4096];
        path_join(p, sizeof p, source_dir, e->d_name);
        remove_flat_dir(p);
    }
    closedir(d);
}

static void fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int copy_file(const char *from, const char *to)
{
    char *data = NULL;
    size_t len = 0;
    int rc = xg_file_read(&data, &len, from, 0);
    if (rc) return rc;
    FILE *f = fopen(to, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fflush(f) || fsync(fileno(f)))
        rc = xg_error_set(XG_EIO, "%s: cannot write", to);
    if (f) fclose(f);
    free(data);
    return rc;
}

/* The name a URL's file is kept under: OFAC's sets by position (the loaders find alt/add beside
 * sdn.csv by name), other files by the URL's last path segment, lower-cased. */
static void local_name(char out[64], const char *format, const char *url, size_t i)
{
    static const char *const sdn[] = {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"};
    static const char *const cons[] = {"cons_prim.csv", "cons_alt.csv", "cons_add.csv",
                                       "cons_comments.csv"};
    if (i < 4 && !strcmp(format, "ofac_sdn")) {
        snprintf(out, 64, "%s", sdn[i]);
        return;
    }
    if (i < 4 && !strcmp(format, "ofac_cons")) {
        snprintf(out, 64, "%s", cons[i]);
        return;
    }
    const char *end = url + strcspn(url, "?#");
    const char *start = end;
    while (start > url && start[-1] != '/')
        start--;
    size_t o = 0;
    for (const char *p = start; p < end && o + 1 < 64; p++) {
        unsigned char c = (unsigned char)tolower((unsigned char)*p);
        out[o++] = isalnum(c) || c == '.' || c == '_' || c == '-' ? (char)c : '_';
    }
    out[o] = '\0';
    if (!o || out[0] == '.') snprintf(out, 64, "file%zu", i + 1);
}

/* local_name(), made unique within the set: a second "export" becomes "2-export". */
static void unique_name(char names[][64], const char *format, const char *url, size_t i)
{
    local_name(names[i], format, url, i);
    for (size_t k = 0; k < i; k++)
        if (!strcmp(names[k], names[i])) {
            char base[64];
            memcpy(base, names[i], 64);
            if (snprintf(names[i], 64, "%zu-%.50s", i + 1, base) >= 64) names[i][63] = 0;
            break;
        }
}

/* The file of the version in force that URL i produced: under its own name, or (a source given
 * without a format) under the OFAC name it was renamed to. "" when there is none. */
static void kept_name(char out[64], const char *old_dir, const xg_feed_source *src, size_t i,
                      char names[][64])
{
    static const char *const formats[] = {"ofac_sdn", "ofac_cons"};
    char path[4200];
    struct stat st;
    path_join(path, sizeof path, old_dir, names[i]);
    if (*old_dir && stat(path, &st) == 0) {
        snprintf(out, 64, "%s", names[i]);
        return;
    }
    out[0] = '\0';
    for (size_t k = 0; *old_dir && !strcmp(src->format, "auto") && k < 2; k++) {
        char n[64];
        local_name(n, formats[k], src->urls[i], i);
        path_join(path, sizeof path, old_dir, n);
        if (stat(path, &st) == 0) {
            snprintf(out, 64, "%s", n);
            return;
        }
    }
}

/* ---- download ---- */

typedef struct {
    FILE *f;
    long long bytes, max;
    bool too_big;
    char etag[256], last_modified[64];
    const xg_feed_options *opt;
    const char *source;
    size_t file, nfiles;
} transfer;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    transfer *t = ud;
    size_t n = size * nmemb;
    if (t->bytes + (long long)n > t->max) {
        t->too_big = true;
        return 0;
    }
    t->bytes += (long long)n;
    return fwrite(ptr, 1, n, t->f);
}

static void header_value(char *out, size_t cap, const char *line, size_t n, size_t name_len)
{
    const char *v = line + name_len;
    size_t m = n - name_len;
    while (m && (*v == ' ' || *v == '\t'))
        v++, m--;
    while (m && isspace((unsigned char)v[m - 1]))
        m--;
    if (m >= cap) m = cap - 1;
    memcpy(out, v, m);
    out[m] = '\0';
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    transfer *t = ud;
    size_t n = size * nmemb;
    if (n > 5 && !strncmp(line, "HTTP/", 5)) /* a new response (after a redirect) */
        t->etag[0] = t->last_modified[0] = '\0';
    else if (n > 5 && !strncasecmp(line, "ETag:", 5))
        header_value(t->etag, sizeof t->etag, line, n, 5);
    else if (n > 14 && !strncasecmp(line, "Last-Modified:", 14))
        header_value(t->last_modified, sizeof t->last_modified, line, n, 14);
    return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)ultotal, (void)ulnow;
    transfer *t = ud;
    if (t->opt->progress)
        t->opt->progress(t->opt->progress_ud, t->source, t->file, t->nfiles, (long long)dlnow,
                         (long long)dltotal);
    return t->opt->cancel && *t->opt->cancel; /* non-zero aborts the transfer */
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    sym_curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* One GET into `path`. *http gets the status (304 = not modified); a failure to get a complete
 * 2xx/304 answer is written to reason[] and returns 1. */
static int fetch_url(transfer *t, long *http, char *reason, size_t cap, const char *url,
                     const char *path, const char *etag, const char *last_modified)
{
    t->f = fopen(path, "wb");
    if (!t->f) return xg_error_set(XG_EIO, "%s: cannot write: %s", path, strerror(errno));
    CURL *c = sym_curl_easy_init();
    struct curl_slist *hdr = NULL;
    char line[400], err[CURL_ERROR_SIZE] = "";
    if (etag && *etag) {
        snprintf(line, sizeof line, "If-None-Match: %s", etag);
        hdr = sym_curl_slist_append(hdr, line);
    }
    if (last_modified && *last_modified) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", last_modified);
        hdr = sym_curl_slist_append(hdr, line);
    }
    CURLcode cc = CURLE_OUT_OF_MEMORY;
    if (c) {
        sym_curl_easy_setopt(c, CURLOPT_URL, url);
        sym_curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        sym_curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        sym_curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        sym_curl_easy_setopt(c, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
        sym_curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        sym_curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        sym_curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        sym_curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, t->opt->connect_timeout_ms);
        sym_curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, t->opt->timeout_ms);
        sym_curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max);
        sym_curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
        sym_curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
        sym_curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
        sym_curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
        sym_curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
        sym_curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        sym_curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
        sym_curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        sym_curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
        sym_curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        sym_curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
        cc = sym_curl_easy_perform(c);
        sym_curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, http);
    }
    bool write_ok = fflush(t->f) == 0 && fsync(fileno(t->f)) == 0;
    fclose(t->f);
    t->f = NULL;
    sym_curl_slist_free_all(hdr);
    sym_curl_easy_cleanup(c);
    if (cc == CURLE_ABORTED_BY_CALLBACK && t->opt->cancel && *t->opt->cancel)
        return xg_error_set(XG_EIO, "%s: update cancelled", url); /* not a refusal */
    if (t->too_big || cc == CURLE_FILESIZE_EXCEEDED)
        snprintf(reason, cap, "%s: larger than the size cap of %lld bytes", url, t->max);
    else if (cc == CURLE_PARTIAL_FILE)
        snprintf(reason, cap, "%s: truncated (%s)", url, *err ? err : sym_curl_easy_strerror(cc));
    else if (cc == CURLE_OPERATION_TIMEDOUT)
        snprintf(reason, cap, "%s: timed out (%s)", url, *err ? err : sym_curl_easy_strerror(cc));
    else if (cc != CURLE_OK)
        snprintf(reason, cap, "%s: %s", url, *err ? err : sym_curl_easy_strerror(cc));
    else if (*http != 304 && (*http < 200 || *http > 299))
        snprintf(reason, cap, "%s: HTTP %ld", url, *http);
    else if (!write_ok)
        return xg_error_set(XG_EIO, "%s: cannot write", path);
    else
        return 0;
    return 1;
}

/* ---- checks ---- */

static bool looks_html(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) i = 3;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    static const char *const starts[] = {"<!doctype html", "<html", "<head", "<body", "<title"};
    for (size_t k = 0; k < sizeof starts / sizeof *starts; k++) {
        size_t m = strlen(starts[k]);
        if (n - i >= m && !strncasecmp(s + i, starts[k], m)) return true;
    }
    return false;
}

/* The format the source names, as xg_lists_detect would name its first file. */
static const char *expected_format(const char *format)
{
    if (!strcmp(format, "ofac_cons")) return "ofac_sdn";
    return format;
}

static void publish_date(char out[11], const char *s, size_t n)
{
    const char *p = memmem(s, n, "dateGenerated=\"", 15); /* UN XML */
    if (p && (size_t)(p - s) + 25 <= n && isdigit((unsigned char)p[15])) {
        memcpy(out, p + 15, 10), out[10] = '\0';
        if (xg_date_valid(out)) return;
    }
    p = memmem(s, n, "<Publish_Date>", 14); /* OFAC SDN.XML: MM/DD/YYYY */
    int mm, dd, yy;
    if (p && sscanf(p + 14, "%2d/%2d/%4d", &mm, &dd, &yy) == 3) {
        snprintf(out, 11, "%04d-%02d-%02d", yy, mm, dd);
        if (xg_date_valid(out)) return;
    }
    out[0] = '\0';
}

/* Check each file of the set on its own: 1 with reason[] set when one is refused. */
static int check_files(xg_feed_result *out, const char *dir, char names[][64], size_t n,
                       const char *format, char *detected, size_t dcap)
{
    for (size_t i = 0; i < n; i++) {
        char path[4096], *head = NULL;
        size_t len = 0;
        path_join(path, sizeof path, dir, names[i]);
        FILE *f = fopen(path, "rb");
        if (!f) return xg_error_set(XG_EIO, "%s: cannot open", path);
        head = malloc(SNIFF_BYTES);
        len = head ? fread(head, 1, SNIFF_BYTES, f) : 0;
        fclose(f);
        if (!head) return XG_ENOMEM;
        int bad = 1;
        size_t blank = 0;
        while (blank < len && (isspace((unsigned char)head[blank]) || head[blank] == 0x1A))
            blank++;
        if (blank == len)
            snprintf(out->reason, sizeof out->reason, "%s: empty file", names[i]);
        else if (looks_html(head, len))
            snprintf(out->reason, sizeof out->reason, "%s: an HTML page, not a list file",
                     names[i]);
        else
            bad = 0;
        if (!bad && i == 0) publish_date(out->publish_date, head, len);
        free(head);
        if (bad) return 1;
    }
    char first[4096];
    path_join(first, sizeof first, dir, names[0]);
    const char *fmt = NULL;
    if (xg_lists_detect(&fmt, first)) {
        snprintf(out->reason, sizeof out->reason, "%s", xg_error_message());
        return 1;
    }
    snprintf(detected, dcap, "%s", fmt);
    bool csl_json = !strcmp(format, "csl") && !strcmp(fmt, "csl_json");
    if (strcmp(format, "auto") ? strcmp(fmt, expected_format(format)) != 0 && !csl_json
                               : !strcmp(fmt, "names")) {
        snprintf(out->reason, sizeof out->reason, "%s: %s, not %s", names[0],
                 !strcmp(fmt, "names") ? "not a recognised list format" : fmt,
                 strcmp(format, "auto") ? format : "a list");
        return 1;
    }
    return 0;
}

/* Load the set; 1 with the reason when it does not load, or shrank too much. */
static int check_load(xg_feed_result *out, const char *dir, const xg_feed_options *opt)
{
    char **paths = NULL;
    size_t n = 0;
    int rc = xg_feed_version_paths(&paths, &n, dir);
    if (rc) return rc;
    xg_listset *set = NULL;
    rc = xg_lists_load(&set, (const char *const *)paths, n, 0);
    xg_feed_paths_free(paths);
    if (rc == XG_ENOMEM) return rc;
    if (rc) {
        /* the loaders name the temporary path; the file name is what a reader can act on */
        const char *msg = xg_error_message(), *tmp = strstr(msg, "/.tmp-");
        const char *base = tmp ? strchr(tmp + 1, '/') : NULL;
        snprintf(out->reason, sizeof out->reason, "does not load: %s", base ? base + 1 : msg);
        return 1;
    }
    out->new_entries = (long long)set->nrecords;
    xg_listset_free(set);
    if (out->prev_entries > 0 && !opt->force &&
        (double)out->new_entries < (1.0 - XG_FEED_MAX_SHRINK) * (double)out->prev_entries) {
        snprintf(out->reason, sizeof out->reason,
                 "%lld entries, %.0f %% fewer than the %lld in force (more than %.0f %%; --force "
                 "accepts it)",
                 out->new_entries,
                 100.0 * (1.0 - (double)out->new_entries / (double)out->prev_entries),
                 out->prev_entries, 100.0 * XG_FEED_MAX_SHRINK);
        return 1;
    }
    return 0;
}

/* ---- the update ---- */

typedef struct {
    json_t *row; /* version in force, or NULL */
    char etags[MAX_URLS][256], lms[MAX_URLS][256];
} in_force;

/* "a\nb\n" → parts[i] */
static void split_lines(char parts[][256], size_t cap_each, const char *s)
{
    for (size_t i = 0; s && *s && i < MAX_URLS; i++) {
        size_t n = strcspn(s, "\n");
        snprintf(parts[i], cap_each, "%.*s", (int)n, s);
        s += n;
        if (*s) s++;
    }
}

static int load_in_force(in_force *f, xg_store *s, const char *source)
{
    memset(f, 0, sizeof *f);
    json_t *rows = NULL;
    int rc = xg_store_list_versions_in_force(&rows, s);
    if (rc) return rc;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        if (!strcmp(json_string_value(json_object_get(r, "source")), source)) {
            f->row = json_incref(r);
            break;
        }
    }
    json_decref(rows);
    if (f->row) {
        split_lines(f->etags, 256, json_string_value(json_object_get(f->row, "etag")));
        split_lines(f->lms, 256, json_string_value(json_object_get(f->row, "last_modified")));
    }
    return XG_OK;
}

static const char *row_str(const json_t *row, const char *key)
{
    const char *v = json_string_value(json_object_get(row, key));
    return v ? v : "";
}

static void join_lines(char *out, size_t cap, char parts[][256], size_t n, size_t each)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o < cap; i++)
        o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? "\n" : "", parts[i]);
}

static int record_refusal(xg_feed_result *out, xg_store *s, const xg_feed_source *src,
                          const char *sha)
{
    unsigned char rnd[4];
    char hex[9];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(out->status, sizeof out->status, "refused");
    snprintf(out->refused_id, sizeof out->refused_id, "%s-refused-%s", src->name, hex);
    for (char *p = out->reason; *p; p++) /* one line */
        if (*p == '\n' || *p == '\r') *p = ' ';
    json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", out->refused_id, "source", src->name,
                            "status", "refused", "reason", out->reason, "in_force", 0);
    if (row && sha && *sha) json_object_set_new(row, "sha256", json_string(sha));
    if (row && out->new_entries >= 0)
        json_object_set_new(row, "entries", json_integer(out->new_entries));
    int rc = row ? xg_store_list_version_put(s, row) : XG_ENOMEM;
    json_decref(row);
    return rc;
}

typedef struct {
    char dir[4096];           /* the temporary directory */
    char names[MAX_URLS][64]; /* file names in it */
    char etags[MAX_URLS][256], lms[MAX_URLS][256];
    size_t not_modified;
} download;

/* Download every URL of the source into d->dir; 1 with the reason when one fails. */
static int download_all(download *d, xg_feed_result *out, const xg_feed_source *src,
                        const in_force *f, const xg_feed_options *opt)
{
    const char *old_dir = f->row ? row_str(f->row, "path") : "";
    for (size_t i = 0; i < src->nurls; i++) {
        unique_name(d->names, src->format, src->urls[i], i);
        char path[4096 + 80], old[4096 + 80], kept[64];
        path_join(path, sizeof path, d->dir, d->names[i]);
        kept_name(kept, old_dir, src, i, d->names);
        path_join(old, sizeof old, old_dir, kept);
        bool have_old = *kept != '\0';
        transfer t = {.max = opt->max_bytes,
                      .opt = opt,
                      .source = src->name,
                      .file = i,
                      .nfiles = src->nurls};
        long http = 0;
        int rc = fetch_url(&t, &http, out->reason, sizeof out->reason, src->urls[i], path,
                           have_old ? f->etags[i] : NULL, have_old ? f->lms[i] : NULL);
        if (rc) return rc;
        if (http == 304) {
            if (!have_old) {
                snprintf(out->reason, sizeof out->reason,
                         "%s: 304 Not Modified, but no version of it is kept", src->urls[i]);
                return 1;
            }
            d->not_modified++;
            rc = copy_file(old, path);
            if (rc) return rc;
            snprintf(d->etags[i], sizeof d->etags[i], "%s", f->etags[i]);
            snprintf(d->lms[i], sizeof d->lms[i], "%s", f->lms[i]);
        } else {
            snprintf(d->etags[i], sizeof d->etags[i], "%s", t.etag);
            snprintf(d->lms[i], sizeof d->lms[i], "%s", t.last_modified);
        }
    }
    return 0;
}

/* A source given with format "auto" whose first file is an OFAC SDN-layout file: rename its set
 * to the names the loader looks for. */
static int name_ofac_set(download *d, const xg_feed_source *src, char *format, size_t cap)
{
    bool cons =
        strstr(src->name, "cons") || strstr(src->urls[0], "cons") || strstr(src->urls[0], "CONS");
    snprintf(format, cap, "%s", cons ? "ofac_cons" : "ofac_sdn");
    for (size_t i = 0; i < src->nurls && i < 4; i++) {
        char want[64], from[4200], to[4200];
        local_name(want, format, src->urls[i], i);
        path_join(from, sizeof from, d->dir, d->names[i]);
        path_join(to, sizeof to, d->dir, want);
        if (rename(from, to) != 0)
            return xg_error_set(XG_EIO, "%s: cannot rename: %s", from, strerror(errno));
        snprintf(d->names[i], sizeof d->names[i], "%s", want);
    }
    return XG_OK;
}

static int set_sha(download *d, size_t n, char sha[65])
{
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    for (size_t i = 0; i < n; i++) {
        char path[4200], *data = NULL;
        size_t len = 0;
        path_join(path, sizeof path, d->dir, d->names[i]);
        int rc = xg_file_read(&data, &len, path, 0);
        if (rc) return rc;
        crypto_hash_sha256_update(&h, (const unsigned char *)data, len);
        free(data);
    }
    unsigned char digest[32];
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(sha, 65, digest, sizeof digest);
    return XG_OK;
}

/* Rename the checked set into place and put it in force. */
static int install(download *d, xg_feed_result *out, xg_store *s, const xg_feed_source *src,
                   const char *source_dir)
{
    char final[4200];
    path_join(final, sizeof final, source_dir, out->sha256);
    if (rename(d->dir, final) != 0) {
        if (errno != EEXIST && errno != ENOTEMPTY)
            return xg_error_set(XG_EIO, "%s: cannot rename to %s: %s", d->dir, final,
                                strerror(errno));
        remove_flat_dir(d->dir); /* the same content was kept before */
    }
    fsync_path(source_dir);
    char etag[MAX_URLS * 257], lm[MAX_URLS * 257];
    join_lines(etag, sizeof etag, d->etags, src->nurls, sizeof d->etags[0]);
    join_lines(lm, sizeof lm, d->lms, src->nurls, sizeof d->lms[0]);
    snprintf(out->version, sizeof out->version, "%s-%.12s", src->name, out->sha256);
    json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:b}", "id", out->version,
                            "source", src->name, "status", "ok", "sha256", out->sha256, "entries",
                            (json_int_t)out->new_entries, "etag", etag, "last_modified", lm, "path",
                            final, "in_force", 1);
    if (row && *out->publish_date)
        json_object_set_new(row, "publish_date", json_string(out->publish_date));
    int rc = row ? xg_store_list_version_put(s, row) : XG_ENOMEM;
    json_decref(row);
    if (!rc) out->entries = out->new_entries;
    return rc;
}

/* Same content as in force: keep it, refresh its validators. */
static int keep_unchanged(download *d, xg_feed_result *out, xg_store *s, const xg_feed_source *src,
                          const in_force *f)
{
    snprintf(out->status, sizeof out->status, "unchanged");
    snprintf(out->version, sizeof out->version, "%s", row_str(f->row, "id"));
    snprintf(out->reason, sizeof out->reason, "%s",
             d->not_modified == src->nurls ? "304 Not Modified" : "same content as in force");
    snprintf(out->publish_date, sizeof out->publish_date, "%s", row_str(f->row, "publish_date"));
    out->entries = out->prev_entries;
    char etag[MAX_URLS * 257], lm[MAX_URLS * 257];
    join_lines(etag, sizeof etag, d->etags, src->nurls, sizeof d->etags[0]);
    join_lines(lm, sizeof lm, d->lms, src->nurls, sizeof d->lms[0]);
    json_t *row = json_deep_copy(f->row);
    if (!row) return XG_ENOMEM;
    json_object_set_new(row, "etag", json_string(etag));
    json_object_set_new(row, "last_modified", json_string(lm));
    /* the check itself is recorded (the store stamps it now) */
    json_object_del(row, "checked_at");
    json_object_set_new(row, "check_result", json_string(out->reason));
    int rc = xg_store_list_version_put(s, row);
    json_decref(row);
    return rc;
}

static int run_update(xg_feed_result *out, xg_store *s, const xg_feed_source *src,
                      const xg_feed_options *opt, const in_force *f, const char *source_dir)
{
    download *d = calloc(1, sizeof *d);
    if (!d) return XG_ENOMEM;
    unsigned char rnd[6];
    char hex[13];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    if (snprintf(d->dir, sizeof d->dir, "%s/.tmp-%ld-%s", source_dir, (long)getpid(), hex) >=
        (int)sizeof d->dir)
        d->dir[0] = '\0';
    int rc = mkdir(d->dir, 0755)
                 ? xg_error_set(XG_EIO, "%s: cannot create: %s", d->dir, strerror(errno))
                 : XG_OK;
    char format[16], detected[16] = "";
    snprintf(format, sizeof format, "%s", src->format);
    if (!rc) rc = download_all(d, out, src, f, opt);
    if (!rc && !strcmp(format, "auto")) {
        char first[4200];
        const char *fmt = NULL;
        path_join(first, sizeof first, d->dir, d->names[0]);
        if (!xg_lists_detect(&fmt, first) && !strcmp(fmt, "ofac_sdn"))
            rc = name_ofac_set(d, src, format, sizeof format);
    }
    if (!rc) rc = set_sha(d, src->nurls, out->sha256);
    if (!rc && f->row && !strcmp(out->sha256, row_str(f->row, "sha256"))) {
        rc = keep_unchanged(d, out, s, src, f);
        remove_flat_dir(d->dir);
        free(d);
        return rc;
    }
    if (!rc) rc = check_files(out, d->dir, d->names, src->nurls, format, detected, sizeof detected);
    if (!rc) rc = check_load(out, d->dir, opt);
    if (!rc) {
        snprintf(out->status, sizeof out->status, "new");
        rc = install(d, out, s, src, source_dir);
    }
    if (rc == 1) rc = record_refusal(out, s, src, out->sha256);
    if (rc || strcmp(out->status, "new")) remove_flat_dir(d->dir);
    free(d);
    return rc;
}

int xg_feed_update(xg_feed_result *out, xg_store *s, const xg_feed_source *src,
                   const xg_feed_options *opt)
{
    if (!out || !s || !src || !opt || !opt->state_dir || !src->nurls)
        return xg_error_set(XG_EINVAL, "feed update: missing source, store or state directory");
    memset(out, 0, sizeof *out);
    out->entries = out->new_entries = out->prev_entries = -1;
    int lrc = xg_curl_load(); /* libcurl is opened on first use */
    if (lrc) return lrc;
    pthread_once(&curl_once, curl_init_once);
    if (sodium_init() < 0) return xg_error_set(XG_EINTERNAL, "libsodium failed to initialise");
    char source_dir[4096];
    if (snprintf(source_dir, sizeof source_dir, "%s/lists/%s", opt->state_dir, src->name) >=
        (int)sizeof source_dir)
        return xg_error_set(XG_EINVAL, "%s: state directory path too long", opt->state_dir);
    int rc = mkdirs(source_dir);
    if (rc) return rc;
    remove_stale_tmp(source_dir);
    in_force f;
    rc = load_in_force(&f, s, src->name);
    if (rc) return rc;
    if (f.row) {
        snprintf(out->version, sizeof out->version, "%s", row_str(f.row, "id"));
        json_t *e = json_object_get(f.row, "entries");
        out->prev_entries = out->entries = json_is_integer(e) ? json_integer_value(e) : -1;
    }
    rc = run_update(out, s, src, opt, &f, source_dir);
    json_decref(f.row);
    return rc;
}

/* ---- versions in force ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void xg_feed_paths_free(char **paths)
{
    for (size_t i = 0; paths && paths[i]; i++)
        free(paths[i]);
    free(paths);
}

static int push_path(xg_vec *v, const char *p)
{
    char *dup = strdup(p);
    if (!dup || !xg_vec_push(v, &dup)) {
        free(dup);
        return XG_ENOMEM;
    }
    return XG_OK;
}

static int finish_paths(char ***out, size_t *n, xg_vec *v, int rc)
{
    char *nul = NULL;
    if (!rc && !xg_vec_push(v, &nul)) rc = XG_ENOMEM;
    if (rc) {
        for (size_t i = 0; i < v->len; i++)
            free(XG_VEC_AT(v, char *, i));
        xg_vec_free(v);
        return rc;
    }
    *out = v->data;
    if (n) *n = v->len - 1;
    return XG_OK;
}

/* Append the loadable paths of one version directory to v. */
static int version_paths(xg_vec *v, const char *dir)
{
    static const char *const sets[] = {"sdn.csv", "cons_prim.csv"};
    for (size_t i = 0; i < 2; i++) {
        char p[4200];
        struct stat st;
        path_join(p, sizeof p, dir, sets[i]);
        if (stat(p, &st) == 0) return push_path(v, dir);
    }
    DIR *d = opendir(dir);
    if (!d) return xg_error_set(XG_EIO, "%s: cannot open the version directory", dir);
    xg_vec names;
    xg_vec_init(&names, sizeof(char *));
    struct dirent *e;
    int rc = XG_OK;
    while (!rc && (e = readdir(d)))
        if (e->d_name[0] != '.' && !strstr(e->d_name, "comments"))
            rc = push_path(&names, e->d_name);
    closedir(d);
    if (names.len) qsort(names.data, names.len, sizeof(char *), cmp_str);
    for (size_t i = 0; i < names.len; i++) {
        char p[4200];
        path_join(p, sizeof p, dir, XG_VEC_AT(&names, char *, i));
        if (!rc) rc = push_path(v, p);
        free(XG_VEC_AT(&names, char *, i));
    }
    xg_vec_free(&names);
    if (!rc && !v->len) rc = xg_error_set(XG_EIO, "%s: an empty version directory", dir);
    return rc;
}

int xg_feed_version_paths(char ***out, size_t *n, const char *version_dir)
{
    if (!out || !version_dir) return xg_error_set(XG_EINVAL, "version paths: no directory");
    xg_vec v;
    xg_vec_init(&v, sizeof(char *));
    return finish_paths(out, n, &v, version_paths(&v, version_dir));
}

int xg_feed_paths_in_force(char ***out, size_t *n, xg_store *s)
{
    if (!out || !s) return xg_error_set(XG_EINVAL, "paths in force: no store");
    json_t *rows = NULL;
    int rc = xg_store_list_versions_in_force(&rows, s);
    if (rc) return rc;
    xg_vec v;
    xg_vec_init(&v, sizeof(char *));
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        if (!rc) rc = version_paths(&v, row_str(r, "path"));
    }
    json_decref(rows);
    return finish_paths(out, n, &v, rc);
}

/* ---- naming stored versions; diffs as JSON ---- */

static int single_source(char *out, size_t cap, json_t *rows)
{
    const char *one = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        if (strcmp(row_str(r, "status"), "ok")) continue;
        if (one && strcmp(one, row_str(r, "source")))
            return xg_error_set(XG_EINVAL,
                                "versions of several sources are stored; name the source");
        one = row_str(r, "source");
    }
    if (!one) return xg_error_set(XG_ENOTFOUND, "no list versions stored");
    snprintf(out, cap, "%s", one);
    return XG_OK;
}

int xg_feed_version_dir(char **dir_out, xg_store *s, const char *ref, const char *source)
{
    if (!dir_out || !s || !ref) return xg_error_set(XG_EINVAL, "version: no reference");
    bool current = !strcmp(ref, "current"), previous = !strcmp(ref, "previous");
    json_t *row = NULL, *rows = NULL;
    int rc;
    if (!current && !previous) {
        if ((rc = xg_store_list_version_get(&row, s, ref))) return rc;
        if (strcmp(row_str(row, "status"), "ok") || !*row_str(row, "path")) {
            json_decref(row);
            return xg_error_set(XG_ENOTFOUND, "%s is a refused download, not a version", ref);
        }
        *dir_out = strdup(row_str(row, "path"));
        json_decref(row);
        return *dir_out ? XG_OK : XG_ENOMEM;
    }
    if ((rc = xg_store_list_versions(&rows, s, NULL))) return rc;
    char name[64];
    rc = source ? (snprintf(name, sizeof name, "%s", source), XG_OK)
                : single_source(name, sizeof name, rows);
    bool seen_current = false;
    const json_t *hit = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) /* newest first within a source */
    {
        if (rc || strcmp(row_str(r, "source"), name) || strcmp(row_str(r, "status"), "ok"))
            continue;
        bool in_force = json_is_true(json_object_get(r, "in_force"));
        if ((current && in_force) || (previous && seen_current && !hit && !in_force)) hit = r;
        if (current && hit) break;
        seen_current |= in_force;
    }
    if (!rc && !hit) rc = xg_error_set(XG_ENOTFOUND, "%s: no %s version", name, ref);
    if (!rc && !(*dir_out = strdup(row_str(hit, "path")))) rc = XG_ENOMEM;
    json_decref(rows);
    return rc;
}

static json_t *diff_entry_json(const xg_diff_entry *e)
{
    const xg_record *r = e->new_record ? e->new_record : e->old_record;
    json_t *o = json_pack("{s:s, s:s, s:s}", "id", e->id, "name", r->name, "source",
                          r->source_code ? r->source_code : "");
    if (o && e->kind == XG_DIFF_CHANGED) {
        json_t *f = json_array();
        for (unsigned b = 0; b < XG_DIFF_NFIELDS; b++)
            if (e->fields & (1u << b))
                json_array_append_new(f, json_string(xg_diff_field_name(1u << b)));
        json_object_set_new(o, "fields", f);
        if (e->fields & XG_DIFF_NAME)
            json_object_set_new(o, "old_name", json_string(e->old_record->name));
    }
    return o;
}

json_t *xg_feed_diff_json(const struct xg_lists_diff_result *d)
{
    json_t *arr[3] = {json_array(), json_array(), json_array()};
    for (size_t i = 0; i < d->nentries; i++)
        json_array_append_new(arr[d->entries[i].kind], diff_entry_json(&d->entries[i]));
    return json_pack("{s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I}}", "added", arr[0], "removed", arr[1],
                     "changed", arr[2], "counts", "added", (json_int_t)d->added, "removed",
                     (json_int_t)d->removed, "changed", (json_int_t)d->changed, "unchanged",
                     (json_int_t)d->unchanged);
}
