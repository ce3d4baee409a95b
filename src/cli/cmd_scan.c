/*
 * cmd_scan.c — `xgate scan [--list PATH …] [--json] [--report FILE] [--as-of DATE] PATH…`
 *
 * Reads files and folders (recursively, in name order so runs are reproducible), scans every
 * document, links notices of one project, then prints JSONL (one object per document) or a
 * summary of the combined findings, and optionally writes the HTML report. All documents are
 * held until the end because linking needs them all. An unreadable file is reported at once and
 * the run goes on; the exit code is 1 at the end if any input was unreadable. A progress bar is
 * drawn on stderr only when stderr is a terminal.
 */
#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/scan_net.h"
#include "xgate/core.h"
#include "xgate/classify.h"
#include "xgate/error.h"
#include "xgate/scan.h"
#include "xgate/screen.h"
#include "xgate/text.h"

#include <dirent.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD "scan"

static const cli_opt scan_opts[] = {
    {"list", 'l', 'l', "PATH",
     "screen the parties named in documents against these lists (repeatable; default the "
     "bundled lists)"},
    {"json", 'j', 'j', NULL, "one JSON object per document (JSON lines)"},
    {"report", 'r', 'r', "FILE", "also write a self-contained HTML report to FILE"},
    {"as-of", 'a', 'a', "YYYY-MM-DD", "the date for classification and screening (default today)"},
    {"lexicon", 'x', 'x', "FILE", "use another lexicon (default data/scan/lexicon.tsv)"},
    {"jobs", 'J', 0, "N",
     "scan with N threads (default: every online core); the output does not depend on N"},
    {"all", 'A', 0, NULL,
     "look for organisations and model names in every document, not only where a lexicon term "
     "matched"},
    {"network", 'N', 0, NULL,
     "with --json, end with one line {\"network\": …}: the intermediary network across all "
     "documents (the summary and the report always show it)"},
    {"graph", 'G', 0, "FILE", "also write the intermediary network as GraphML to FILE"},
    {"state", 'S', 0, "DB",
     "incremental run: keep files, findings and the graph in the store DB (sqlite:PATH or a "
     "path), read only new or changed files and report what is new since the last run"},
    {0}};

static const char *const scan_usage[] = {"[options] PATH...", NULL};

const cli_spec cli_spec_scan = {
    .name = "scan",
    .summary = "Scan tender and procurement documents for attempts to reach restricted US compute "
               "or models.",
    .usage = scan_usage,
    .description =
        "PATH is a file or a folder (read recursively, in name order, hidden entries skipped). "
        "Documents may be text, HTML, JSON or JSON-lines records, PDF, or DOCX, XLSX, ODT and ODS "
        "files, in UTF-8, GB18030 or Big5. Notices of one project are linked, then the findings "
        "are printed: a summary, or with --json one object per document. Files are scanned by "
        "--jobs threads; the output is the same whatever their number.\n\n"
        "Across all notices, the intermediary network (buyers, intermediaries, providers, models; "
        "names resolved across notices) ranks the intermediaries by the listed or flagged buyers "
        "they serve and names the buyers of restricted compute that buy again or through several "
        "intermediaries, each claim with its documents: in the summary, in the report (a network "
        "chart and tables), with --network as the last JSON line, with --graph as GraphML. With "
        "--state, a run reads only the files that are new or changed since the last run with the "
        "same state and says what is new.\n\n"
        "An unreadable file is reported at once and the run goes on; the exit code is 1 at the "
        "end if any input was unreadable. A progress bar is drawn on stderr only when it is a "
        "terminal.",
    .opts = scan_opts,
};

typedef struct {
    char **v;
    size_t n, cap;
} strvec;

static int sv_push(strvec *s, const char *x)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        char **nv = realloc(s->v, nc * sizeof *nv);
        if (!nv) return -1;
        s->v = nv;
        s->cap = nc;
    }
    return (s->v[s->n++] = strdup(x)) ? 0 : -1;
}

static void sv_free(strvec *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files under `path` (itself when a file), hidden entries skipped; returns -1 if it is missing. */
static int collect(strvec *files, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) return sv_push(files, path) ? -1 : 0;
    if (depth > 64) return 0;
    DIR *d = opendir(path);
    if (!d) return -1;
    strvec sub = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            char *p = malloc(strlen(path) + strlen(e->d_name) + 2);
            if (!p) break;
            sprintf(p, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
            sv_push(&sub, p);
            free(p);
        }
    closedir(d);
    qsort(sub.v, sub.n, sizeof *sub.v, by_name);
    int bad = 0;
    for (size_t i = 0; i < sub.n; i++)
        if (collect(files, sub.v[i], depth + 1)) bad = 1;
    sv_free(&sub);
    return bad ? -1 : 0;
}

static void progress(size_t done, size_t total, double bytes)
{
    int w = 30, fill = total ? (int)((double)w * (double)done / (double)total) : w;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu files  %.1f MB", fill, "##############################",
            w - fill, "", done, total, bytes / 1e6);
    if (done == total) fputc('\n', stderr);
}

static void print_list(const char *label, const json_t *arr)
{
    if (!json_array_size(arr)) return;
    size_t i;
    json_t *v;
    printf("  %s: ", label);
    json_array_foreach(arr, i, v) printf("%s%s", i ? ", " : "", json_string_value(v));
    putchar('\n');
}

/* `fin`: xg_scan_findings_of (NULL: made here). */
static void print_summary(const json_t *docs, const json_t *findings, size_t unreadable)
{
    json_t *fin = findings ? json_incref((json_t *)findings) : xg_scan_findings(docs);
    size_t i, nflag = 0;
    json_t *f;
    json_array_foreach(docs, i, f) nflag += json_is_true(json_object_get(f, "flagged"));
    json_array_foreach(fin, i, f)
    {
        const char *pn = json_string_value(json_object_get(f, "project_number"));
        const char *buyer = json_string_value(json_object_get(f, "buyer"));
        printf("%s %-6s %.2f  %s  %s\n",
               json_is_true(json_object_get(f, "flagged")) ? "FLAGGED" : "REVIEW ",
               json_string_value(json_object_get(f, "risk")),
               json_number_value(json_object_get(f, "score")), pn ? pn : "-",
               buyer ? buyer : "(no buyer named)");
        const char *sup = json_string_value(json_object_get(f, "supplier"));
        if (sup) printf("  intermediary (supplier): %s\n", sup);
        json_t *a = json_object_get(f, "amount_cny"), *c = json_object_get(f, "currency_amount");
        if (json_is_number(a)) printf("  amount: %.2f CNY\n", json_number_value(a));
        if (json_is_array(c))
            printf("  amount: %.2f %s\n", json_number_value(json_array_get(c, 0)),
                   json_string_value(json_array_get(c, 1)));
        print_list("providers", json_object_get(f, "providers"));
        print_list("chips", json_object_get(f, "chips"));
        print_list("instances", json_object_get(f, "instances"));
        print_list("models", json_object_get(f, "models"));
        print_list("signals", json_object_get(f, "signals"));
        size_t k;
        json_t *l;
        json_array_foreach(json_object_get(f, "listed"), k, l) printf(
            "  listed %s: %s = %s (%s, %.2f)\n", json_string_value(json_object_get(l, "role")),
            json_string_value(json_object_get(l, "name")),
            json_string_value(json_object_get(l, "match")),
            json_string_value(json_object_get(l, "source")),
            json_number_value(json_object_get(l, "score")));
        print_list("documents", json_object_get(f, "documents"));
        json_int_t dup = json_integer_value(json_object_get(f, "duplicates"));
        if (dup) printf("  and %lld identical copies of these documents\n", (long long)dup);
    }
    printf("%zu documents, %zu flagged, %zu findings, %zu unreadable files\n",
           json_array_size(docs), nflag, json_array_size(fin), unreadable);
    json_decref(fin);
}

static int write_report(const char *path, const json_t *docs, const json_t *fin, const json_t *net)
{
    char *html = NULL;
    if (xg_scan_report_html_findings(&html, docs, fin, net, "xgate scan report")) return -1;
    FILE *f = fopen(path, "w");
    int ok = f && fputs(html, f) >= 0;
    if (f && fclose(f)) ok = 0;
    free(html);
    return ok ? 0 : -1;
}

/* Reference data: text context, lists snapshot, catalog. Missing pieces disable screening or
 * classification with a warning; explicitly named lists that fail to load are an error. */
typedef struct {
    xg_text_ctx *text;
    xg_snapshot *snap;
    xg_catalog *cat;
} refdata;

static int load_refdata(refdata *r, const strvec *lists)
{
    memset(r, 0, sizeof *r);
    if (xg_text_ctx_load(&r->text, NULL))
        fprintf(stderr, "xgate scan: warning: name data not loaded (%s)\n", xg_error_message());
    if (r->text) {
        if (xg_snapshot_load(&r->snap, (const char *const *)lists->v, lists->n, 0, r->text)) {
            if (lists->n) return cli_fail(XG_EXIT_ERROR, CMD, 1, "cannot load the lists");
            fprintf(stderr, "xgate scan: warning: parties not screened (%s)\n", xg_error_message());
        }
    }
    if (xg_catalog_load(&r->cat, NULL))
        fprintf(stderr,
                "xgate scan: warning: catalog not loaded, no item counts as restricted"
                " (%s)\n",
                xg_error_message());
    return 0;
}

/* The reference data load in a thread of its own while the lexicon compiles. */
typedef struct {
    refdata *ref;
    const strvec *lists;
    int rc;
} refdata_job;

static void *load_refdata_run(void *arg)
{
    refdata_job *j = arg;
    j->rc = load_refdata(j->ref, j->lists);
    return NULL;
}

static void free_refdata(refdata *r)
{
    if (r->snap) xg_snapshot_unref(r->snap);
    if (r->cat) xg_catalog_free(r->cat);
    if (r->text) xg_text_ctx_free(r->text);
}

/* The files are scanned by `jobs` threads, each with its own scanner (a clone sharing the
 * compiled lexicon and patterns); each takes the next file in name order. Results are kept per
 * file and joined in name order, and errors and progress are printed in name order as soon as
 * every earlier file is done, so the output is the same whatever the number of threads. */
/* With --json alone, a document's result is kept only as its JSONL line up to its last key
 * ("linked":, always last) with what linking needs, as the scanner writes them without a JSON
 * tree (xg_scan_file_text): the trees of a large corpus took hundreds of MB, every page of them a
 * page fault, and building, serialising and freeing them was a third of a document's cost. */
typedef struct {
    char *line; /* up to and including "linked": */
    size_t len;
    char *name; /* "document" */
    size_t name_len;
    char *key; /* the link key, or NULL */
    uint64_t fp;
} doc_text;

typedef struct {
    doc_text *v;
    size_t n, cap;
} doc_texts;

static void doc_texts_free(doc_texts *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].line);
        free(t->v[i].name);
        free(t->v[i].key);
    }
    free(t->v);
    memset(t, 0, sizeof *t);
}

static int jsonl_string(xg_buf *b, const char *s, size_t n);
static int jsonl_line(xg_buf *b, const json_t *doc);

/* xg_scan_file_text's callback: the document appended to a file's doc_texts. */
static int doc_text_add(void *ctx, const xg_scan_text *d)
{
    doc_texts *t = ctx;
    if (t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 16;
        doc_text *nv = realloc(t->v, nc * sizeof *nv);
        if (!nv) return xg_error_set(XG_ENOMEM, "out of memory");
        t->v = nv;
        t->cap = nc;
    }
    doc_text *x = &t->v[t->n];
    memset(x, 0, sizeof *x);
    x->line = malloc(d->len ? d->len : 1);
    x->name = malloc(d->name_len + 1);
    x->key = d->key ? strdup(d->key) : NULL;
    t->n++; /* freed by doc_texts_free whatever happens next */
    if (!x->line || !x->name || (d->key && !x->key))
        return xg_error_set(XG_ENOMEM, "out of memory");
    memcpy(x->line, d->line, d->len);
    x->len = d->len;
    memcpy(x->name, d->name, d->name_len);
    x->name[d->name_len] = '\0';
    x->name_len = d->name_len;
    x->fp = d->fingerprint;
    return 0;
}

/* Moves every entry of `from` to the end of `to`. */
static int doc_texts_add_all(doc_texts *to, doc_texts *from)
{
    if (to->n + from->n > to->cap) {
        size_t nc = to->cap ? to->cap : 1024;
        while (nc < to->n + from->n)
            nc *= 2;
        doc_text *nv = realloc(to->v, nc * sizeof *nv);
        if (!nv) return -1;
        to->v = nv;
        to->cap = nc;
    }
    memcpy(to->v + to->n, from->v, from->n * sizeof *from->v);
    to->n += from->n;
    from->n = 0;
    return 0;
}

typedef struct {
    const strvec *files;
    json_t **out;        /* per file: its documents, or NULL when unreadable */
    doc_texts *texts;    /* per file, with --json alone: its documents as text (out stays NULL) */
    char **err;          /* per file: the message, or NULL */
    unsigned char *done; /* 1 read, 2 unreadable */
    size_t next, cursor, bad;
    double bytes;
    int tty;
    pthread_mutex_t mu;
} scan_pool;

typedef struct {
    scan_pool *pool;
    xg_scanner *sc;
} scan_worker;

static char *error_line(const char *file)
{
    const char *why = xg_error_message();
    size_t nl = strlen(file); /* library messages usually name the file already */
    size_t n = strlen(why) + nl + 16;
    char *m = malloc(n);
    if (!m) return NULL;
    if (!strncmp(why, file, nl) && (why[nl] == ':' || why[nl] == ' '))
        snprintf(m, n, "%s", why);
    else
        snprintf(m, n, "%s: %s", file, why);
    return m;
}

/* Called with the lock held: print what is finished, in order. */
static void pool_report(scan_pool *p)
{
    size_t n = p->files->n;
    while (p->cursor < n && p->done[p->cursor]) {
        size_t i = p->cursor++;
        if (p->err[i] || p->done[i] == 2) {
            if (p->tty) fputc('\n', stderr);
            fprintf(stderr, "xgate scan: %s\n", p->err[i] ? p->err[i] : p->files->v[i]);
            p->bad++;
        }
        if (p->tty && (i % 16 == 0 || i + 1 == n)) progress(i + 1, n, p->bytes);
    }
}

static void *scan_worker_run(void *arg)
{
    scan_worker *w = arg;
    scan_pool *p = w->pool;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->files->n) break;
        json_t *out = NULL;
        char *err = NULL;
        struct stat st;
        double sz = stat(p->files->v[i], &st) == 0 ? (double)st.st_size : 0;
        unsigned char state = 1;
        if (p->texts) {
            if (xg_scan_file_text(w->sc, p->files->v[i], 0, doc_text_add, &p->texts[i])) {
                doc_texts_free(&p->texts[i]); /* what a failing file gave before it failed */
                err = error_line(p->files->v[i]);
                state = 2;
            }
        } else if (xg_scan_file(&out, w->sc, p->files->v[i], 0)) {
            err = error_line(p->files->v[i]);
            out = NULL;
            state = 2;
        }
        pthread_mutex_lock(&p->mu);
        p->out[i] = out;
        p->err[i] = err;
        p->bytes += sz;
        p->done[i] = state;
        pool_report(p);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Returns the number of unreadable files, or -1 when the threads could not be set up. The
 * documents go to `docs`, or with `texts` (--json alone) to it as doc_texts, in file order. */
static long scan_all(json_t *docs, doc_texts *texts, xg_scanner *sc, const strvec *files, int jobs)
{
    size_t n = files->n;
    scan_pool p = {.files = files, .tty = cli_stderr_is_tty() && n > 1};
    p.out = calloc(n ? n : 1, sizeof *p.out);
    p.err = calloc(n ? n : 1, sizeof *p.err);
    p.done = calloc(n ? n : 1, 1);
    if (texts) p.texts = calloc(n ? n : 1, sizeof *p.texts);
    if ((size_t)jobs > n) jobs = n ? (int)n : 1;
    scan_worker *w = calloc((size_t)jobs, sizeof *w);
    pthread_t *tid = calloc((size_t)jobs, sizeof *tid);
    long rc = (p.out && p.err && p.done && w && tid && (!texts || p.texts)) ? 0 : -1;
    pthread_mutex_init(&p.mu, NULL);
    int started = 0;
    for (int k = 0; !rc && k < jobs; k++) {
        w[k].pool = &p;
        if (k == 0)
            w[k].sc = sc; /* the main thread scans with the scanner itself */
        else if (xg_scanner_clone(&w[k].sc, sc))
            rc = -1;
    }
    for (int k = 1; !rc && k < jobs; k++) {
        if (pthread_create(&tid[k], NULL, scan_worker_run, &w[k])) break;
        started = k;
    }
    if (!rc) scan_worker_run(&w[0]);
    for (int k = 1; k <= started; k++)
        pthread_join(tid[k], NULL);
    for (int k = 1; k < jobs && w; k++)
        xg_scanner_free(w[k].sc);
    for (size_t i = 0; !rc && i < n; i++)
        if (p.out[i]) json_array_extend(docs, p.out[i]);
    for (size_t i = 0; !rc && texts && i < n; i++) { /* joined in file order */
        doc_texts *f = &p.texts[i];
        if (f->n && doc_texts_add_all(texts, f)) rc = -1;
    }
    for (size_t i = 0; texts && p.texts && i < n; i++)
        doc_texts_free(&p.texts[i]);
    free(p.texts);
    for (size_t i = 0; i < n && p.out && p.err; i++) {
        json_decref(p.out[i]);
        free(p.err[i]);
    }
    if (!rc) rc = (long)p.bad;
    pthread_mutex_destroy(&p.mu);
    free(p.out);
    free(p.err);
    free(p.done);
    free(w);
    free(tid);
    return rc;
}

/* JSONL output: the documents are serialised by `jobs` threads (each a stride of them) into
 * strings, printed in order as soon as each is ready; one thread writes straight to stdout. */
typedef struct {
    const json_t *docs;
    char **out;
    unsigned char *ready;
    size_t from, step;
    pthread_mutex_t *mu;
    pthread_cond_t *cv;
} dump_job;

#define JSONL_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(12))

/* A document's JSONL line, the bytes json_dumps(JSONL_FLAGS) gives (jansson 2.14 dump.c: keys in
 * insertion order, "," and ":" without spaces, '"', '\\' and control characters escaped,
 * "\\u%04X" for those without a short form, UTF-8 as is, integers "%lld"; reals are formatted
 * by jansson itself), without jansson's per-container cycle check (results are trees) or its
 * callback per token. jansson checked every string's UTF-8 when it was made. -1: not written
 * (a type it does not know), the caller uses json_dumps. */
/* xg_buf_append and xg_buf_putc without a call while the buffer has room (a line is mostly
 * single bytes and short runs). */
static inline int jput(xg_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) return xg_buf_append(b, s, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static inline int jputc(xg_buf *b, char c)
{
    if (b->len + 2 > b->cap) return xg_buf_putc(b, c);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return 0;
}

static int jsonl_string(xg_buf *b, const char *s, size_t n)
{
    static const char HEX[] = "0123456789ABCDEF";
    jputc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        jput(b, s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 0};
        size_t el = 2;
        switch (c) {
        case '"':
        case '\\':
            e[1] = (char)c;
            break;
        case '\b':
            e[1] = 'b';
            break;
        case '\f':
            e[1] = 'f';
            break;
        case '\n':
            e[1] = 'n';
            break;
        case '\r':
            e[1] = 'r';
            break;
        case '\t':
            e[1] = 't';
            break;
        default:
            e[1] = 'u';
            e[2] = '0';
            e[3] = '0';
            e[4] = HEX[c >> 4];
            e[5] = HEX[c & 15];
            el = 6;
        }
        jput(b, e, el);
    }
    jput(b, s + run, n - run);
    return jputc(b, '"');
}

static int jsonl_value(xg_buf *b, const json_t *v, int depth)
{
    if (depth > 64) return -1;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        jputc(b, '{');
        int first = 1;
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            if (!first) jputc(b, ',');
            first = 0;
            jsonl_string(b, k, strlen(k));
            jputc(b, ':');
            if (jsonl_value(b, x, depth + 1)) return -1;
        }
        return jputc(b, '}');
    }
    case JSON_ARRAY: {
        jputc(b, '[');
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (i) jputc(b, ',');
            if (jsonl_value(b, x, depth + 1)) return -1;
        }
        return jputc(b, ']');
    }
    case JSON_STRING:
        return jsonl_string(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return xg_buf_json_int(b, (long long)json_integer_value(v));
    case JSON_REAL: {
        char num[64];
        size_t n = json_dumpb(v, num, sizeof num, JSONL_FLAGS | JSON_ENCODE_ANY);
        if (!n || n >= sizeof num) return -1;
        return jput(b, num, n);
    }
    case JSON_TRUE:
        return jput(b, "true", 4);
    case JSON_FALSE:
        return jput(b, "false", 5);
    case JSON_NULL:
        return jput(b, "null", 4);
    }
    return -1;
}

/* Into b (emptied first): the line with its newline; 0, or -1 when nothing could be written. */
static int jsonl_line(xg_buf *b, const json_t *doc)
{
    xg_buf_reset(b);
    if (json_is_object(doc) && jsonl_value(b, doc, 0) == 0) return xg_buf_putc(b, '\n');
    xg_buf_reset(b);
    char *s = json_dumps(doc, JSONL_FLAGS);
    if (!s) return -1;
    xg_buf_puts(b, s);
    free(s);
    return xg_buf_putc(b, '\n');
}

static void *dump_run(void *arg)
{
    dump_job *j = arg;
    size_t n = json_array_size(j->docs);
    for (size_t i = j->from; i < n; i += j->step) {
        xg_buf b;
        xg_buf_init(&b);
        char *s = NULL;
        if (jsonl_line(&b, json_array_get(j->docs, i)) == 0) {
            b.data[--b.len] = 0; /* printed with puts */
            s = xg_buf_steal(&b);
        }
        xg_buf_free(&b);
        pthread_mutex_lock(j->mu);
        j->out[i] = s;
        j->ready[i] = 1;
        pthread_cond_broadcast(j->cv);
        pthread_mutex_unlock(j->mu);
    }
    return NULL;
}

/* One growing buffer for every line (json_dumpf writes each token through stdio). */
static void dump_one_thread(const json_t *docs)
{
    xg_buf b;
    xg_buf_init(&b);
    size_t n = json_array_size(docs);
    for (size_t i = 0; i < n; i++)
        if (jsonl_line(&b, json_array_get(docs, i)) == 0) fwrite(b.data, 1, b.len, stdout);
    xg_buf_free(&b);
}

static void print_jsonl(const json_t *docs, int jobs)
{
    size_t n = json_array_size(docs);
    if (jobs > 8) jobs = 8;
    char **out = jobs > 1 && n > 64 ? calloc(n, sizeof *out) : NULL;
    unsigned char *ready = out ? calloc(n, 1) : NULL;
    dump_job *dj = ready ? calloc((size_t)jobs, sizeof *dj) : NULL;
    pthread_t *tid = dj ? calloc((size_t)jobs, sizeof *tid) : NULL;
    if (!tid) {
        free(out);
        free(ready);
        free(dj);
        dump_one_thread(docs);
        return;
    }
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    int started = 0;
    for (int k = 0; k < jobs; k++) {
        dj[k] = (dump_job){docs, out, ready, (size_t)k, (size_t)jobs, &mu, &cv};
        if (pthread_create(&tid[k], NULL, dump_run, &dj[k])) break;
        started = k + 1;
    }
    if (started < jobs) { /* the rest of the documents are serialised here, in order below */
        for (size_t i = 0; i < n; i++)
            if (i % (size_t)jobs >= (size_t)started) {
                xg_buf b;
                xg_buf_init(&b);
                out[i] = NULL;
                if (jsonl_line(&b, json_array_get(docs, i)) == 0) {
                    b.data[--b.len] = 0; /* printed with puts */
                    out[i] = xg_buf_steal(&b);
                }
                xg_buf_free(&b);
                pthread_mutex_lock(&mu);
                ready[i] = 1;
                pthread_mutex_unlock(&mu);
            }
    }
    for (size_t i = 0; i < n; i++) {
        pthread_mutex_lock(&mu);
        while (!ready[i])
            pthread_cond_wait(&cv, &mu);
        pthread_mutex_unlock(&mu);
        if (out[i]) puts(out[i]);
        free(out[i]);
    }
    for (int k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    pthread_cond_destroy(&cv);
    pthread_mutex_destroy(&mu);
    free(out);
    free(ready);
    free(dj);
    free(tid);
}

/* --json alone: the documents kept as text are linked (xg_scan_link_indices, the links
 * xg_scan_link would set) and printed, each line its text and its "linked" array. */
static int print_texts(const doc_texts *t)
{
    size_t n = t->n, *off = NULL, *to = NULL;
    const char **keys = malloc((n ? n : 1) * sizeof *keys);
    uint64_t *fps = malloc((n ? n : 1) * sizeof *fps);
    int rc = keys && fps ? 0 : -1;
    for (size_t i = 0; !rc && i < n; i++) {
        keys[i] = t->v[i].key;
        fps[i] = t->v[i].fp;
    }
    if (!rc) rc = xg_scan_link_indices(&off, &to, NULL, keys, fps, n) ? -1 : 0;
    free(keys);
    free(fps);
    xg_buf b;
    xg_buf_init(&b);
    for (size_t i = 0; !rc && i < n; i++) {
        const doc_text *d = &t->v[i];
        xg_buf_reset(&b);
        xg_buf_append(&b, d->line, d->len);
        xg_buf_putc(&b, '[');
        for (size_t j = off[i]; j < off[i + 1]; j++) {
            if (j > off[i]) xg_buf_putc(&b, ',');
            jsonl_string(&b, t->v[to[j]].name, t->v[to[j]].name_len);
        }
        xg_buf_append(&b, "]}\n", 3);
        fwrite(b.data, 1, b.len, stdout);
    }
    xg_buf_free(&b);
    free(off);
    free(to);
    return rc;
}

/* glibc malloc: the documents' results are held until the end and a document's buffers are
 * freed and taken again for the next, so returning memory to the system (trimming the heap,
 * mmap for large buffers) only costs page faults; measured in BENCHMARKS.md "scan". */
static void tune_malloc(void)
{
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
}

#if defined(__SANITIZE_ADDRESS__)
#define SCAN_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SCAN_FREE_AT_EXIT 1
#endif
#endif

/* The results of every document (one JSON tree each, tens of MB for a large corpus) are freed
 * just before the process exits, which returns them all to the system anyway: taking the trees
 * apart node by node cost a tenth of a run (BENCHMARKS.md "scan"). Sanitised builds free them,
 * so that the leak checker still sees every other allocation. */
static void release_docs(json_t *docs)
{
#ifdef SCAN_FREE_AT_EXIT
    json_decref(docs);
#else
    (void)docs;
#endif
}

int cmd_scan(int argc, char **argv)
{
    strvec lists = {0}, files = {0};
    int json = 0, network = 0, c, rc = XG_EXIT_OK, jobs = default_jobs(), all = 0;
    const char *report = NULL, *as_of = NULL, *lexicon = NULL, *graph = NULL, *state_url = NULL;
    scan_state *state = NULL;
    json_t *news = NULL;
    cli_parser p;
    cli_parser_init(&p, &cli_spec_scan, argc, argv);
    while ((c = cli_next(&p)) != CLI_END)
        switch (c) {
        case 'l':
            sv_push(&lists, p.arg);
            break;
        case 'j':
            json = 1;
            break;
        case 'r':
            report = p.arg;
            break;
        case 'a':
            as_of = p.arg;
            break;
        case 'x':
            lexicon = p.arg;
            break;
        case 'J': {
            char *end;
            long v = strtol(p.arg, &end, 10);
            if (end == p.arg || *end || v < 1 || v > 256) {
                sv_free(&lists);
                return cli_fail(XG_EXIT_USAGE, CMD, 0, "--jobs '%s' is not a number from 1 to 256",
                                p.arg);
            }
            jobs = (int)v;
            break;
        }
        case 'A':
            all = 1;
            break;
        case 'N':
            network = 1;
            break;
        case 'G':
            graph = p.arg;
            break;
        case 'S':
            state_url = p.arg;
            break;
        default:
            sv_free(&lists);
            return cli_exit_code(c);
        }
    if (!p.noperands) {
        cli_usage(&cli_spec_scan, stderr);
        sv_free(&lists);
        return XG_EXIT_USAGE;
    }
    if (as_of && !xg_date_valid(as_of)) {
        sv_free(&lists);
        return cli_fail(XG_EXIT_USAGE, CMD, 0, "--as-of '%s' is not YYYY-MM-DD", as_of);
    }
    size_t missing = 0;
    for (int i = 0; i < p.noperands; i++)
        if (collect(&files, cli_operands(&p)[i], 0)) {
            fprintf(stderr, "xgate scan: %s: cannot read (missing or unreadable)\n",
                    cli_operands(&p)[i]);
            missing++;
        }
    tune_malloc();
    refdata ref;
    memset(&ref, 0, sizeof ref);
    xg_scanner *sc = NULL;
    refdata_job job = {.ref = &ref, .lists = &lists};
    pthread_t loader;
    int threaded = pthread_create(&loader, NULL, load_refdata_run, &job) == 0;
    if (!threaded) load_refdata_run(&job);
    int sc_rc = xg_scanner_new(&sc, lexicon, NULL, NULL);
    char sc_err[512];
    snprintf(sc_err, sizeof sc_err, "%s", sc_rc ? xg_error_message() : "");
    if (threaded) pthread_join(loader, NULL);
    if ((rc = job.rc)) goto done;
    if (sc_rc) {
        rc = cli_fail(XG_EXIT_ERROR, CMD, 0, "cannot build the scanner: %s", sc_err);
        goto done;
    }
    xg_scanner_set_refs(sc, ref.snap, ref.cat);
    if (as_of) xg_scanner_set_as_of(sc, as_of);
    xg_scanner_set_all(sc, all);
    if (state_url && (rc = scan_state_open(&state, state_url))) goto done;
    json_t *docs = json_array();
    /* --json alone prints each document and its links, nothing across documents: results are
     * kept as text (doc_text) */
    int text_only = json && !network && !report && !graph && !state;
    doc_texts texts = {0};
    size_t bad = missing;
    long nbad;
    if (state) { /* only new or changed files are read; the others' results come from the store */
        const char **toread = NULL;
        size_t ntoread = 0;
        if (scan_state_plan(state, files.v, files.n, &toread, &ntoread)) {
            json_decref(docs);
            rc = cli_fail(XG_EXIT_ERROR, CMD, 0, "out of memory");
            goto done;
        }
        strvec sub = {(char **)toread, ntoread, ntoread};
        nbad = scan_all(docs, NULL, sc, &sub, jobs);
        free(toread);
        if (nbad >= 0) {
            json_t *merged = scan_state_merge(state, docs);
            json_decref(docs);
            docs = merged;
        }
    } else
        nbad = scan_all(docs, text_only ? &texts : NULL, sc, &files, jobs);
    if (nbad < 0) {
        json_decref(docs);
        doc_texts_free(&texts);
        rc = cli_fail(XG_EXIT_ERROR, CMD, 1, "cannot start the scanning threads");
        goto done;
    }
    bad += (size_t)nbad;
    if (text_only) {
        if (print_texts(&texts)) rc = cli_fail(XG_EXIT_ERROR, CMD, 0, "out of memory");
        doc_texts_free(&texts);
        json_decref(docs);
        if (!rc && bad) rc = XG_EXIT_INPUT;
        goto done;
    }
    json_t *net = NULL, *fin = NULL;
    /* the network is built only where it is printed, written or stored: JSONL alone (without
     * --network) never shows it; the findings and the network are made of one combination of
     * linked notices (xg_scan_link_combined: linking's fingerprints reused), not one each */
    int want_net = !json || network || report || graph || state;
    int want_fin = !json || report || state;
    json_t *combined = NULL;
    if (want_net)
        combined = xg_scan_link_combined(docs, NULL);
    else
        xg_scan_link(docs);
    if (combined && want_fin) fin = xg_scan_findings_of(combined);
    if (want_net && (!combined || xg_scan_network_of(&net, combined, ref.text)))
        fprintf(stderr, "xgate scan: warning: no network (%s)\n", xg_error_message());
    json_decref(combined);
    if (state) rc = scan_state_commit(state, docs, fin, net, &news);
    if (json) {
        print_jsonl(docs, jobs);
        if (network && net) {
            json_t *line = json_pack("{s:O}", "network", net);
            char *s = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(12));
            if (s) puts(s);
            free(s);
            json_decref(line);
        }
        if (news) {
            json_t *line = json_pack("{s:O}", "state", news);
            char *s = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(12));
            if (s) puts(s);
            free(s);
            json_decref(line);
        }
    } else {
        print_summary(docs, fin, bad);
        if (net) scan_print_network(net);
        if (news) scan_state_print(news);
    }
    if (report && write_report(report, docs, fin, net))
        rc = cli_fail(XG_EXIT_ERROR, CMD, 0, "cannot write the report to %s", report);
    if (graph && (!net || scan_write_graph(graph, net)))
        rc = cli_fail(XG_EXIT_ERROR, CMD, 0, "cannot write the graph to %s", graph);
    json_decref(net);
    json_decref(fin);
    release_docs(docs);
    if (!rc && bad) rc = XG_EXIT_INPUT;
done:
    json_decref(news);
    scan_state_free(state);
    xg_scanner_free(sc);
    free_refdata(&ref);
    sv_free(&lists);
    sv_free(&files);
    return rc;
}
