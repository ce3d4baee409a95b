/*
 * scan_incremental.c — `xgate scan --state DB DIR`: a daily run over a growing folder reads only
 * new or changed files and says what is new since the last run.
 *
 * A file is unchanged when its size and modification time (ns) are those stored; when either
 * differs its content is hashed (XXH3-128), and a file whose hash is the stored one was only
 * touched: it is not scanned again and its new time is recorded. The results of unchanged files'
 * documents come from the store, so linking, findings, the network, the summary, the report and
 * the graph cover the whole folder while only new bytes are scanned. Files stored but no longer
 * found are removed from the state. What is new: the files, the findings that involve a document
 * read this run, and the nodes and edges of the network that the last run's graph did not have
 * (compared by name key and kind, not by run-local node ids).
 */
#include "cli/cli.h"
#include "cli/scan_net.h"
#include "cli/store_cli.h"
#include "xgate/core.h"
#include "xgate/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#define CMD "scan"

typedef struct {
    const char *path;
    long long size, mtime_ns;
    char hash[33];
    int status;
} file_state;

enum { F_NEW, F_CHANGED, F_UNCHANGED, F_TOUCHED };

struct scan_state {
    xg_store *store;
    json_t *files_prev; /* path → {"size","mtime_ns","hash",…} */
    json_t *docs_prev;  /* path → [result …] */
    json_t *last_run;   /* or NULL */
    file_state *files;
    size_t nfiles;
    json_t *read_by_path; /* path → [results read this run] (filled by merge) */
    char run_id[64], started[32];
};

static void now_iso(char out[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char base[24];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%s.%03dZ", base, (int)(ts.tv_nsec / 1000000));
}

int scan_state_open(scan_state **out, const char *url)
{
    scan_state *st = calloc(1, sizeof *st);
    if (!st) return cli_fail(XG_EXIT_ERROR, CMD, 0, "out of memory");
    char *u = NULL;
    if (strncmp(url, "sqlite:", 7) && !strstr(url, "://")) {
        u = malloc(strlen(url) + 8);
        if (u) sprintf(u, "sqlite:%s", url);
    }
    int rc = store_cli_open(&st->store, CMD, u ? u : url);
    free(u);
    if (rc) {
        free(st);
        return rc;
    }
    if (xg_store_scan_files(&st->files_prev, st->store) ||
        xg_store_scan_documents(&st->docs_prev, st->store)) {
        scan_state_free(st);
        return cli_fail(XG_EXIT_ERROR, CMD, 1, "cannot read the scan state");
    }
    if (xg_store_scan_last_run(&st->last_run, st->store)) st->last_run = NULL;
    now_iso(st->started);
    char compact[32];
    size_t k = 0;
    for (const char *p = st->started; *p && k + 1 < sizeof compact; p++)
        if (*p != '-' && *p != ':') compact[k++] = *p;
    compact[k] = 0;
    snprintf(st->run_id, sizeof st->run_id, "scan_%s_%ld", compact, (long)getpid());
    st->read_by_path = json_object();
    *out = st;
    return 0;
}

void scan_state_free(scan_state *st)
{
    if (!st) return;
    json_decref(st->files_prev);
    json_decref(st->docs_prev);
    json_decref(st->last_run);
    json_decref(st->read_by_path);
    free(st->files);
    xg_store_close(st->store);
    free(st);
}

/* XXH3-128 of a file's content as 32 hex digits; -1 when it cannot be read. */
static int hash_file(const char *path, char out[33])
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    XXH3_state_t *h = XXH3_createState();
    if (!h) {
        fclose(f);
        return -1;
    }
    XXH3_128bits_reset(h);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        XXH3_128bits_update(h, buf, n);
    int bad = ferror(f);
    fclose(f);
    XXH128_hash_t d = XXH3_128bits_digest(h);
    XXH3_freeState(h);
    if (bad) return -1;
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)d.high64, (unsigned long long)d.low64);
    return 0;
}

int scan_state_plan(scan_state *st, char *const *paths, size_t n, const char ***toread,
                    size_t *ntoread)
{
    st->files = n ? calloc(n, sizeof *st->files) : NULL;
    const char **tr = n ? calloc(n, sizeof *tr) : NULL;
    if (n && (!st->files || !tr)) {
        free(tr);
        return -1;
    }
    st->nfiles = n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        file_state *f = &st->files[i];
        f->path = paths[i];
        const json_t *prev = json_object_get(st->files_prev, paths[i]);
        struct stat sb;
        if (stat(paths[i], &sb) != 0) {
            f->status = prev ? F_CHANGED : F_NEW;
            tr[k++] = paths[i];
            continue;
        }
        f->size = (long long)sb.st_size;
        f->mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
        if (prev && json_integer_value(json_object_get(prev, "size")) == f->size &&
            json_integer_value(json_object_get(prev, "mtime_ns")) == f->mtime_ns &&
            json_object_get(st->docs_prev, paths[i])) {
            f->status = F_UNCHANGED;
            snprintf(f->hash, sizeof f->hash, "%s",
                     json_string_value(json_object_get(prev, "hash")));
            continue;
        }
        int hashed = hash_file(paths[i], f->hash) == 0;
        const char *ph = json_string_value(json_object_get(prev, "hash"));
        if (prev && hashed && ph && !strcmp(ph, f->hash) &&
            json_object_get(st->docs_prev, paths[i])) {
            f->status = F_TOUCHED;
            continue;
        }
        if (!hashed) f->hash[0] = 0;
        f->status = prev ? F_CHANGED : F_NEW;
        tr[k++] = paths[i];
    }
    *toread = tr;
    *ntoread = k;
    return 0;
}

/* Does result name `doc` come from file `path` ("path" or "path#N")? */
static int from_file(const char *doc, const char *path)
{
    size_t n = strlen(path);
    return doc && !strncmp(doc, path, n) && (doc[n] == 0 || doc[n] == '#');
}

json_t *scan_state_merge(scan_state *st, const json_t *read_docs)
{
    json_t *all = json_array();
    for (size_t i = 0; i < st->nfiles; i++) {
        const file_state *f = &st->files[i];
        size_t k;
        json_t *d;
        if (f->status == F_UNCHANGED || f->status == F_TOUCHED) {
            json_array_foreach(json_object_get(st->docs_prev, f->path), k, d)
            {
                json_t *c = json_deep_copy(d);
                json_object_set_new(c, "linked", json_array()); /* linked again over this run */
                json_array_append_new(all, c);
            }
            continue;
        }
        json_t *mine = json_array();
        json_array_foreach(read_docs, k, d)
        {
            if (!from_file(json_string_value(json_object_get(d, "document")), f->path)) continue;
            json_array_append(all, d);
            json_array_append(mine, d);
        }
        json_object_set_new(st->read_by_path, f->path, mine);
    }
    return all;
}

static json_t *node_keys(const json_t *graph)
{
    json_t *ids = json_object(), *keys = json_object();
    size_t i;
    json_t *n, *e;
    json_array_foreach(json_object_get(graph, "nodes"), i, n)
    {
        json_object_set(ids, json_string_value(json_object_get(n, "id")),
                        json_object_get(n, "key"));
        json_object_set_new(keys, json_string_value(json_object_get(n, "key")), json_true());
    }
    json_array_foreach(json_object_get(graph, "edges"), i, e)
    {
        const char *a = json_string_value(
            json_object_get(ids, json_string_value(json_object_get(e, "source"))));
        const char *b = json_string_value(
            json_object_get(ids, json_string_value(json_object_get(e, "target"))));
        char *k = malloc(strlen(a ? a : "") + strlen(b ? b : "") + 64);
        if (!k) continue;
        sprintf(k, "%s\x1f%s\x1f%s", a ? a : "", b ? b : "",
                json_string_value(json_object_get(e, "kind")));
        json_object_set_new(keys, k, json_true());
        free(k);
    }
    json_decref(ids);
    return keys;
}

/* Nodes and edges of `net` whose keys the previous graph did not have. */
static void graph_news(json_t *news, const json_t *net, const json_t *prev_graph)
{
    json_t *old = node_keys(prev_graph), *nodes = json_array(), *edges = json_array();
    json_t *byid = json_object();
    size_t i;
    json_t *n, *e;
    json_array_foreach(json_object_get(net, "nodes"), i, n)
    {
        json_object_set(byid, json_string_value(json_object_get(n, "id")), n);
        if (json_object_get(old, json_string_value(json_object_get(n, "key")))) continue;
        json_array_append_new(
            nodes, json_pack("{s:O, s:O, s:O}", "name", json_object_get(n, "name"), "kind",
                             json_object_get(n, "kind"), "listed", json_object_get(n, "listed")));
    }
    json_array_foreach(json_object_get(net, "edges"), i, e)
    {
        const json_t *a = json_object_get(byid, json_string_value(json_object_get(e, "source")));
        const json_t *b = json_object_get(byid, json_string_value(json_object_get(e, "target")));
        const char *ka = json_string_value(json_object_get(a, "key"));
        const char *kb = json_string_value(json_object_get(b, "key"));
        if (!ka || !kb) continue;
        char *k = malloc(strlen(ka) + strlen(kb) + 64);
        if (!k) continue;
        sprintf(k, "%s\x1f%s\x1f%s", ka, kb, json_string_value(json_object_get(e, "kind")));
        if (!json_object_get(old, k))
            json_array_append_new(edges, json_pack("{s:O, s:O, s:O, s:O}", "source",
                                                   json_object_get(a, "name"), "target",
                                                   json_object_get(b, "name"), "kind",
                                                   json_object_get(e, "kind"), "documents",
                                                   json_object_get(e, "documents")));
        free(k);
    }
    json_object_set_new(news, "new_nodes", nodes);
    json_object_set_new(news, "new_edges", edges);
    json_decref(old);
    json_decref(byid);
}

int scan_state_commit(scan_state *st, const json_t *docs, const json_t *findings, const json_t *net,
                      json_t **news_out)
{
    json_t *fin = findings ? json_incref((json_t *)findings) : xg_scan_findings(docs);
    json_t *fnew = json_array(), *fchg = json_array(), *frem = json_array();
    json_t *put = json_array(), *del = json_array(), *read = json_object();
    json_int_t unchanged = 0, touched = 0;
    json_t *seen = json_object();
    for (size_t i = 0; i < st->nfiles; i++) {
        const file_state *f = &st->files[i];
        json_object_set_new(seen, f->path, json_true());
        if (f->status == F_UNCHANGED) {
            unchanged++;
            continue;
        }
        json_t *row =
            json_pack("{s:s, s:I, s:I, s:s}", "path", f->path, "size", (json_int_t)f->size,
                      "mtime_ns", (json_int_t)f->mtime_ns, "hash", f->hash);
        if (f->status == F_TOUCHED) {
            touched++;
            json_object_set_new(row, "documents", json_null());
            json_array_append_new(put, row);
            continue;
        }
        json_array_append_new(f->status == F_NEW ? fnew : fchg, json_string(f->path));
        const json_t *mine = json_object_get(st->read_by_path, f->path);
        if (!json_array_size(mine) || !f->hash[0]) {
            /* unreadable this run: forget it, so that the next run reads it again */
            json_decref(row);
            if (json_object_get(st->files_prev, f->path))
                json_array_append_new(del, json_string(f->path));
            continue;
        }
        size_t k;
        json_t *d, *copies = json_array();
        json_array_foreach(mine, k, d)
        {
            json_object_set_new(read, json_string_value(json_object_get(d, "document")),
                                json_true());
            json_t *c = json_deep_copy(d);
            json_object_set_new(c, "linked", json_array());
            json_array_append_new(copies, c);
        }
        json_object_set_new(row, "documents", copies);
        json_array_append_new(put, row);
    }
    const char *p;
    json_t *v;
    json_object_foreach(st->files_prev, p, v) if (!json_object_get(seen, p))
    {
        json_array_append_new(frem, json_string(p));
        json_array_append_new(del, json_string(p));
    }
    json_decref(seen);

    /* findings that involve a document read this run */
    json_t *newfin = json_array();
    size_t i, k;
    json_t *f, *d;
    json_array_foreach(fin, i, f)
    {
        int any = 0;
        json_array_foreach(json_object_get(f, "documents"), k, d) any |=
            json_object_get(read, json_string_value(d)) != NULL;
        if (any)
            json_array_append_new(
                newfin,
                json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "flagged",
                          json_object_get(f, "flagged"), "risk", json_object_get(f, "risk"),
                          "project_number", json_object_get(f, "project_number"), "buyer",
                          json_object_get(f, "buyer"), "supplier", json_object_get(f, "supplier"),
                          "listed", json_object_get(f, "listed"), "documents",
                          json_object_get(f, "documents")));
    }
    json_t *docs_read = json_array();
    json_object_foreach(read, p, v) json_array_append_new(docs_read, json_string(p));

    size_t nflag = 0;
    json_array_foreach(docs, i, d) nflag += json_is_true(json_object_get(d, "flagged"));
    char finished[32];
    now_iso(finished);
    json_t *stats =
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "files", (json_int_t)st->nfiles,
                  "read", (json_int_t)(json_array_size(fnew) + json_array_size(fchg)), "unchanged",
                  unchanged, "touched", touched, "removed", (json_int_t)json_array_size(frem),
                  "documents", (json_int_t)json_array_size(docs), "flagged", (json_int_t)nflag,
                  "findings", (json_int_t)json_array_size(fin));
    json_t *empty = json_object();
    json_t *run = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:O}", "id", st->run_id, "started",
                            st->started, "finished", finished, "stats", stats, "findings", fin,
                            "graph", net ? net : empty, "files_put", put, "files_del", del);
    int rc = 0;
    if (!run || xg_store_scan_record(st->store, run))
        rc = cli_fail(XG_EXIT_ERROR, CMD, 1, "cannot record the scan run");
    json_t *news = NULL;
    if (!rc) {
        json_t *prev = st->last_run
                           ? json_pack("{s:O, s:O}", "id", json_object_get(st->last_run, "id"),
                                       "started", json_object_get(st->last_run, "started"))
                           : json_null();
        news = json_pack("{s:o, s:s, s:O, s:{s:O, s:O, s:O, s:I, s:I}, s:o, s:o}", "previous_run",
                         prev, "run", st->run_id, "stats", stats, "files", "new", fnew, "changed",
                         fchg, "removed", frem, "unchanged", unchanged, "touched", touched,
                         "documents_read", docs_read, "new_findings", newfin);
        docs_read = newfin = NULL;
        graph_news(news, net ? net : empty,
                   st->last_run ? json_object_get(st->last_run, "graph") : empty);
    }
    json_decref(run);
    json_decref(empty);
    json_decref(stats);
    json_decref(fin);
    json_decref(fnew);
    json_decref(fchg);
    json_decref(frem);
    json_decref(put);
    json_decref(del);
    json_decref(read);
    json_decref(docs_read);
    json_decref(newfin);
    if (rc) return rc;
    *news_out = news;
    return 0;
}

static void print_names(const char *label, const json_t *arr)
{
    size_t i;
    json_t *v;
    if (!json_array_size(arr)) return;
    printf("  %s:\n", label);
    json_array_foreach(arr, i, v) printf("    %s\n", json_string_value(v));
}

void scan_state_print(const json_t *news)
{
    const json_t *prev = json_object_get(news, "previous_run");
    const json_t *files = json_object_get(news, "files");
    if (json_is_object(prev))
        printf("since the last run (%s):", json_string_value(json_object_get(prev, "started")));
    else
        printf("first run of this state:");
    printf(" %zu new files, %zu changed, %zu removed, %lld unchanged (not read), %lld touched "
           "(same content, not read)\n",
           json_array_size(json_object_get(files, "new")),
           json_array_size(json_object_get(files, "changed")),
           json_array_size(json_object_get(files, "removed")),
           (long long)json_integer_value(json_object_get(files, "unchanged")),
           (long long)json_integer_value(json_object_get(files, "touched")));
    print_names("new", json_object_get(files, "new"));
    print_names("changed", json_object_get(files, "changed"));
    print_names("removed", json_object_get(files, "removed"));
    size_t i, k;
    json_t *f, *d;
    const json_t *nf = json_object_get(news, "new_findings");
    printf("  %zu new or updated findings\n", json_array_size(nf));
    json_array_foreach(nf, i, f)
    {
        const char *b = json_string_value(json_object_get(f, "buyer"));
        const char *s = json_string_value(json_object_get(f, "supplier"));
        const char *pn = json_string_value(json_object_get(f, "project_number"));
        printf("    %s %-6s %s  %s%s%s\n",
               json_is_true(json_object_get(f, "flagged")) ? "FLAGGED" : "REVIEW ",
               json_string_value(json_object_get(f, "risk")), pn ? pn : "-",
               b ? b : "(no buyer named)", s ? " via " : "", s ? s : "");
        json_array_foreach(json_object_get(f, "documents"), k, d)
            printf("      %s\n", json_string_value(d));
    }
    const json_t *nn = json_object_get(news, "new_nodes"), *ne = json_object_get(news, "new_edges");
    printf("  new in the network: %zu nodes, %zu edges\n", json_array_size(nn),
           json_array_size(ne));
    json_array_foreach(ne, i, f)
        printf("    %s -> %s (%s)\n", json_string_value(json_object_get(f, "source")),
               json_string_value(json_object_get(f, "target")),
               json_string_value(json_object_get(f, "kind")));
}
