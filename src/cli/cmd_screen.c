/*
 * cmd_screen.c — `xgate screen`: screen one name, or a batch file, against restricted-party lists.
 *
 *   xgate screen [--list PATH]… [--threshold T] [--limit N] [--country CC] [--id SCHEME:VALUE]…
 *                [--as-of DATE] [--person] [--lenient] [--json] [--timings]
 *                [--snapshot-dir DIR] NAME
 *   xgate screen [--list PATH]… --batch FILE [--json] …
 *
 * Lists load once into a snapshot; every query then runs against it. A batch file is either one
 * name per line, or a CSV whose header has a `name` column (optional `country` and `id`
 * columns apply per row). Results come out in input order — one JSON document per query with
 * --json (JSONL), otherwise a table per query. Finding a match is not an error: the exit code is
 * 0 whatever matched, and non-zero only for bad input or usage, with a one-line message.
 */
#include "cli/cli.h"
#include "cli/opts.h"
#include "xgate/core.h"
#include "xgate/csv.h"
#include "xgate/country.h"
#include "cli/store_cli.h"
#include "xgate/error.h"
#include "xgate/feeds.h"
#include "xgate/monitor.h"
#include "xgate/screen.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_LISTS 64
#define MAX_IDS 32
/* A batch file over this is refused rather than read whole into memory. */
#define BATCH_MAX_BYTES (512u << 20)

typedef struct opts {
    const char *lists[MAX_LISTS];
    size_t nlists;
    const char *ids[MAX_IDS];
    size_t nids;
    double threshold;
    int limit, json, person, lenient, timings;
    int jobs; /* batch threads; 0: one per core */
    const char *country, *as_of, *batch, *db;
    char *name; /* heap */
    /* with a store: the list versions loaded and the clearances that apply */
    xg_store *store;
    const xg_feed_lists *feed;
} opts;

static const cli_opt screen_opts[] = {
    {"list", 'l', 'l', "PATH",
     "a list file, or a directory holding an OFAC SDN triple (repeatable); without --list the "
     "bundled lists are used"},
    {"threshold", 't', 't', "T", "the lowest score that is a match, in [0, 1] (default 0.80)"},
    {"limit", 'n', 'n', "N", "at most N matches per name, 1..10000 (default 10)"},
    {"country", 'c', 'c', "CC",
     "the party's country (ISO code or name): drops records whose countries are known and all "
     "different; an unknown country is an error"},
    {"id", 'i', 'i', "SCHEME:VALUE",
     "an identifier of the party, matched exactly (score 1.0 whatever the name), e.g. "
     "USCC:91440101MA5ALQNR86 (repeatable)"},
    {"as-of", 'a', 'a', "YYYY-MM-DD",
     "the date that decides what is delisted (default today); delisted records are reported as "
     "history, never as matches"},
    {"person", 'p', 'p', NULL,
     "the name is a person's: \"SURNAME, Given\" is reordered and entity, vessel and aircraft "
     "records are skipped"},
    {"lenient", 'L', 'L', NULL,
     "load what can be loaded and print every skipped list row on stderr, instead of failing"},
    {"json", 'j', 'j', NULL, "one JSON document per query (JSON lines in a batch)"},
    {"db", 'd', 'd', "URL",
     "the store (default $XGATE_DB; none when neither is given): screen against the list "
     "versions in force in it (unless --list is given), and mark hits an analyst cleared"},
    {"batch", 'b', 'b', "FILE",
     "screen every name in FILE: one name per line, or a CSV whose header has a `name` column "
     "(optional `country` and `id` columns apply per row)"},
    {"jobs", 'J', 'J', "N",
     "screen a batch on N threads, 1..256 (default: one per core); results stay in input order"},
    {"snapshot-dir", 'S', 'S', "DIR",
     "keep the compiled snapshot of the lists in DIR (default $XGATE_SNAPSHOT_DIR, else "
     "$XDG_CACHE_HOME/xgate, else ~/.cache/xgate; `off`: none)"},
    {"timings", 'T', 'T', NULL,
     "print on stderr where the snapshot came from (mapped, built) and the load and "
     "first-answer times"},
    {0}};

static const char *const screen_usage[] = {"[options] NAME", "--batch FILE [options]", NULL};

const cli_spec cli_spec_screen = {
    .name = "screen",
    .summary = "Screen names against restricted-party lists.",
    .usage = screen_usage,
    .description =
        "Lists load once into a snapshot and every name is screened against it. Options may come "
        "before or after the name; the words of an unquoted name are joined with spaces; `--` "
        "ends the options, for a name that starts with '-'.\n\n"
        "Without --json the result is a table per name: score, list code, primary name, the name "
        "or alias that matched, record id; then delisted records as history, or the closest "
        "score under the threshold when nothing matched. Results come out in input order.\n\n"
        "Exit 0 whether or not anything matched; 1 for unreadable or invalid input (a missing "
        "list or batch file, invalid UTF-8); 2 for usage errors (bad threshold, empty name).",
    .opts = screen_opts,
};

static int parse_number(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end) return -1;
    *out = v;
    return 0;
}

static char *join_args(int argc, char **argv)
{
    xg_buf b;
    xg_buf_init(&b);
    for (int i = 0; i < argc; i++) {
        if (i) xg_buf_putc(&b, ' ');
        xg_buf_puts(&b, argv[i]);
    }
    return xg_buf_steal(&b);
}

static int check_option(opts *o, int c, const char *arg)
{
    double v;
    switch (c) {
    case 'l':
        if (o->nlists == MAX_LISTS) return cli_fail(XG_EXIT_USAGE, "screen", 0, "too many --list");
        o->lists[o->nlists++] = arg;
        return 0;
    case 'i':
        if (o->nids == MAX_IDS) return cli_fail(XG_EXIT_USAGE, "screen", 0, "too many --id");
        if (!strchr(arg, ':') || arg[0] == ':' || !strchr(arg, ':')[1])
            return cli_fail(XG_EXIT_USAGE, "screen", 0, "--id '%s' is not SCHEME:VALUE", arg);
        o->ids[o->nids++] = arg;
        return 0;
    case 't':
        if (parse_number(arg, &v) || !(v >= 0.0 && v <= 1.0))
            return cli_fail(XG_EXIT_USAGE, "screen", 0,
                            "--threshold '%s' is not a number in [0, 1]", arg);
        o->threshold = v;
        return 0;
    case 'n':
        if (parse_number(arg, &v) || v < 1 || v > 10000 || v != (int)v)
            return cli_fail(XG_EXIT_USAGE, "screen", 0,
                            "--limit '%s' is not a whole number in 1..10000", arg);
        o->limit = (int)v;
        return 0;
    case 'c': /* a code or a name ("China"); an unknown one would drop records in silence */
        if (!(o->country = xg_country_code(arg)))
            return cli_fail(XG_EXIT_USAGE, "screen", 0, "--country '%s' is not a known country",
                            arg);
        return 0;
    case 'J':
        if (parse_number(arg, &v) || v < 1 || v > 256 || v != (int)v)
            return cli_fail(XG_EXIT_USAGE, "screen", 0,
                            "--jobs '%s' is not a whole number in 1..256", arg);
        o->jobs = (int)v;
        return 0;
    case 'a':
        if (!xg_date_valid(arg))
            return cli_fail(XG_EXIT_USAGE, "screen", 0, "--as-of '%s' is not YYYY-MM-DD", arg);
        o->as_of = arg;
        return 0;
    }
    return 0;
}

static int parse_args(opts *o, int argc, char **argv)
{
    cli_parser p;
    int c, rc;
    cli_parser_init(&p, &cli_spec_screen, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        switch (c) {
        case 'p':
            o->person = 1;
            break;
        case 'L':
            o->lenient = 1;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'b':
            o->batch = p.arg;
            break;
        case 'd':
            o->db = p.arg;
            break;
        case 'T':
            o->timings = 1;
            break;
        case 'S': /* the library reads the cache directory from the environment */
            if (setenv("XGATE_SNAPSHOT_DIR", p.arg, 1))
                return cli_fail(XG_EXIT_USAGE, "screen", 0, "--snapshot-dir: cannot set");
            break;
        case CLI_HELP:
        case CLI_ERROR:
            return cli_exit_code(c) - 100;
        default:
            if ((rc = check_option(o, c, p.arg))) return rc;
        }
    }
    if (o->batch && p.noperands)
        return cli_fail(XG_EXIT_USAGE, "screen", 0, "give either NAME or --batch FILE, not both");
    if (!o->batch) {
        if (!p.noperands)
            return cli_fail(XG_EXIT_USAGE, "screen", 0, "a NAME or --batch FILE is needed");
        o->name = join_args(p.noperands, cli_operands(&p));
        const char *q = o->name;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!*q) return cli_fail(XG_EXIT_USAGE, "screen", 0, "the name is empty");
    }
    return 0;
}

/* ---- output ---- */

static void print_width(FILE *out, const char *s, int width)
{
    /* pad by characters, not bytes, so that CJK and Cyrillic names keep the columns */
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80) {
            fputc(*p, out);
            continue;
        }
        if (chars == width - 1 && p[1]) {
            fputs("…", out);
            chars++;
            break;
        }
        if (chars >= width) break;
        fputc(*p, out);
        chars++;
    }
    for (; chars < width; chars++)
        fputc(' ', out);
}

static void print_rows(FILE *out, const xg_screen_match *m, size_t n, const json_t *const *clr,
                       const int *holds, int want)
{
    fprintf(out, "  %-5s  %-6s  %-34s  %-34s  %s\n", "score", "list", "name", "matched", "id");
    for (size_t i = 0; i < n; i++) {
        if (holds && holds[i] != want) continue;
        const xg_record *r = m[i].record;
        fprintf(out, "  %.3f  ", m[i].score);
        print_width(out, r->source_code ? r->source_code : "?", 6);
        fputs("  ", out);
        print_width(out, r->name ? r->name : "", 34);
        fputs("  ", out);
        print_width(out, m[i].matched ? m[i].matched : "", 34);
        fprintf(out, "  %s\n", r->id ? r->id : "");
        const json_t *c = clr ? clr[i] : NULL;
        if (c)
            fprintf(out, "         %s by %s at %s: %s\n",
                    holds[i] ? "cleared" : "cleared earlier, but the entry or party changed since;",
                    json_string_value(json_object_get(c, "reviewer")),
                    json_string_value(json_object_get(c, "created")),
                    json_string_value(json_object_get(c, "reason")));
    }
}

static void print_human(FILE *out, const xg_screen_result *r, const json_t *const *clr,
                        const int *holds)
{
    fprintf(out, "%s\n", r->query);
    size_t ncleared = 0;
    for (size_t i = 0; holds && i < r->nmatches; i++)
        ncleared += holds[i] == 1;
    size_t nm = r->nmatches - ncleared;
    if (nm) {
        fprintf(out, "  %zu match%s at or above %.2f:\n", nm, nm == 1 ? "" : "es", r->threshold);
        print_rows(out, r->matches, r->nmatches, clr, holds, 0);
    }
    if (ncleared) {
        fprintf(out, "  %zu hit%s cleared by an analyst (reported, not a match):\n", ncleared,
                ncleared == 1 ? "" : "s");
        print_rows(out, r->matches, r->nmatches, clr, holds, 1);
    }
    if (!r->nmatches) {
        fprintf(out, "  no match at or above %.2f", r->threshold);
        if (r->near_miss)
            fprintf(out, " (closest: %.3f %s [%s])", r->best_below, r->near_miss->record->name,
                    r->near_miss->record->source_code ? r->near_miss->record->source_code : "?");
        fprintf(out, "\n");
    }
    if (r->ndelisted) {
        fprintf(out, "  delisted (history, no alert):\n");
        print_rows(out, r->delisted, r->ndelisted, NULL, NULL, 0);
        for (size_t i = 0; i < r->ndelisted; i++)
            if (r->delisted[i].record->end_date)
                fprintf(out, "    %s: removed %s\n", r->delisted[i].record->name,
                        r->delisted[i].record->end_date);
    }
}

/* Screen one name and write its result to `out`. */
static int screen_to(FILE *out, const xg_snapshot *s, const opts *o, const char *name,
                     const char *country, const char *const *ids, size_t nids)
{
    xg_screen_query q = {.name = name,
                         .threshold = o->threshold,
                         .limit = o->limit,
                         .country = country,
                         .ids = ids,
                         .nids = nids,
                         .as_of = o->as_of,
                         .is_person = o->person};
    xg_screen_result *r;
    int rc = xg_screen(&r, s, &q);
    if (rc) return rc;
    /* the analysts' clearances of this party: a hit whose clearance still holds is reported
     * apart, as cleared; one whose entry or party changed since shows the earlier clearance */
    json_t *clearances = NULL;
    const json_t **clr = NULL;
    int *holds = NULL;
    if (o->store && r->nmatches) {
        if ((rc = xg_store_clearances_for(&clearances, o->store, name))) {
            xg_screen_result_free(r);
            return rc;
        }
        clr = calloc(r->nmatches, sizeof *clr);
        holds = calloc(r->nmatches, sizeof *holds);
        if (!clr || !holds) {
            free(clr), free(holds), json_decref(clearances), xg_screen_result_free(r);
            return XG_ENOMEM;
        }
        for (size_t i = 0; i < r->nmatches; i++)
            clr[i] = xg_monitor_clearance_of(clearances, r->matches[i].record, &holds[i]);
    }
    if (o->json) {
        json_t *j = xg_screen_result_json(r);
        json_t *m = json_object_get(j, "matches"), *cleared = json_array();
        for (size_t i = r->nmatches; clr && i-- > 0;) {
            if (!clr[i]) continue;
            json_t *x = json_array_get(m, i);
            json_object_set_new(x, holds[i] ? "clearance" : "earlier_clearance",
                                json_pack("{s:O,s:O,s:O,s:O,s:O}", "id",
                                          json_object_get(clr[i], "id"), "alert_id",
                                          json_object_get(clr[i], "alert_id"), "by",
                                          json_object_get(clr[i], "reviewer"), "at",
                                          json_object_get(clr[i], "created"), "reason",
                                          json_object_get(clr[i], "reason")));
            if (holds[i]) {
                json_array_insert(cleared, 0, x);
                json_array_remove(m, i);
            }
        }
        if (o->store)
            json_object_set_new(j, "cleared", cleared);
        else
            json_decref(cleared);
        if (o->feed) {
            json_object_set_new(j, "list_origin", json_string(o->feed->origin));
            json_object_set_new(j, "list_versions", xg_feed_lists_named(o->feed));
        }
        char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
        if (text) fprintf(out, "%s\n", text);
        free(text);
        json_decref(j);
    } else {
        print_human(out, r, clr, holds);
    }
    free(clr);
    free(holds);
    json_decref(clearances);
    xg_screen_result_free(r);
    return 0;
}

static int screen_one(const xg_snapshot *s, const opts *o, const char *name, const char *country,
                      const char *const *ids, size_t nids)
{
    return screen_to(stdout, s, o, name, country, ids, nids);
}

/* ---- batch ---- */

static void progress(size_t done, size_t total)
{
    if (!cli_stderr_is_tty() || !total) return;
    int width = 40, fill = (int)((double)done / (double)total * width);
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu", fill,
            "========================================", width - fill, "", done, total);
    if (done == total) fputc('\n', stderr);
    fflush(stderr);
}

static size_t count_lines(const char *data, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += data[i] == '\n';
    return n + (len && data[len - 1] != '\n');
}

/* A batch runs in chunks: the chunk's queries are screened on o->jobs threads, each result
 * written to its own memory stream, then printed in input order — so the output is the same for
 * any number of threads, and memory stays bounded whatever the size of the file. */
#define CHUNK 2048

typedef struct bjob {
    const char *name, *country;
    const char *ids[MAX_IDS + 1];
    size_t nids;
    long line;
    char *own_name, *own_id; /* heap copies (CSV fields do not outlive their row) */
    char *out;
    size_t outlen;
    int rc;
    char err[512];
} bjob;

typedef struct batch {
    const xg_snapshot *s;
    const opts *o;
    bjob jobs[CHUNK];
    size_t n, done, total;
    atomic_size_t next;
} batch;

static void *batch_worker(void *arg)
{
    batch *b = arg;
    for (size_t i; (i = atomic_fetch_add(&b->next, 1)) < b->n;) {
        bjob *j = &b->jobs[i];
        FILE *f = open_memstream(&j->out, &j->outlen);
        if (!f) {
            j->rc = XG_ENOMEM;
            snprintf(j->err, sizeof j->err, "out of memory");
            continue;
        }
        j->rc = screen_to(f, b->s, b->o, j->name, j->country, j->ids, j->nids);
        if (j->rc) snprintf(j->err, sizeof j->err, "%s", xg_error_message());
        fclose(f);
    }
    return NULL;
}

static int threads_for(const opts *o)
{
    if (o->jobs > 0) return o->jobs;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* Screen the chunk's queries and print their results in order; the first that failed stops the
 * batch (as it would have one query at a time), naming its line. */
static int batch_flush(batch *b)
{
    int nt = threads_for(b->o), ret = 0;
    if ((size_t)nt > b->n) nt = (int)b->n;
    atomic_store(&b->next, 0);
    pthread_t tid[256];
    int started = 0;
    for (; started < nt - 1; started++)
        if (pthread_create(&tid[started], NULL, batch_worker, b)) break;
    batch_worker(b); /* this thread works too (and alone when threads cannot start) */
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    for (size_t i = 0; i < b->n; i++) {
        bjob *j = &b->jobs[i];
        if (!ret && j->rc) {
            xg_error_set(j->rc, "%s", j->err);
            ret = cli_fail(XG_EXIT_INPUT, "screen", 1, "%s:%ld", b->o->batch, j->line);
        } else if (!ret && j->out) {
            fwrite(j->out, 1, j->outlen, stdout);
            b->done++;
            progress(b->done, b->total > b->done ? b->total : b->done);
        }
        free(j->out), free(j->own_name), free(j->own_id);
    }
    b->n = 0;
    return ret;
}

/* Queue one query (the batch is flushed when the chunk is full). */
static int batch_add(batch *b, const bjob *j)
{
    b->jobs[b->n++] = *j;
    return b->n == CHUNK ? batch_flush(b) : 0;
}

static batch *batch_new(const xg_snapshot *s, const opts *o, size_t total)
{
    batch *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->s = s;
    b->o = o;
    b->total = total;
    return b;
}

static int batch_lines(const xg_snapshot *s, const opts *o, char *data, size_t len)
{
    batch *b = batch_new(s, o, count_lines(data, len));
    if (!b) return cli_fail(XG_EXIT_INPUT, "screen", 0, "out of memory");
    long line = 0;
    int rc = 0;
    for (char *p = data, *nl; !rc && p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl) *nl = 0;
        line++;
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r') p[--l] = 0;
        const char *name = p;
        while (*name == ' ' || *name == '\t')
            name++;
        if (!*name) continue;
        bjob j = {.name = name, .country = o->country, .nids = o->nids, .line = line};
        for (size_t i = 0; i < o->nids; i++)
            j.ids[i] = o->ids[i];
        rc = batch_add(b, &j);
    }
    if (!rc) rc = batch_flush(b);
    free(b);
    return rc;
}

/* A batch column by name, ignoring case and surrounding spaces: spreadsheets export "NAME",
 * "Name " as readily as "name", and a header missed makes every row a query with its commas. */
static int find_col(const xg_csv *c, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < c->nfields; i++) {
        const char *f = c->field[i];
        while (*f == ' ')
            f++;
        size_t k = strlen(f);
        while (k > n && f[k - 1] == ' ')
            k--;
        if (k == n && !strncasecmp(f, name, n)) return (int)i;
    }
    return -1;
}

static int batch_csv(const xg_snapshot *s, const opts *o, const char *data, size_t len)
{
    xg_csv c;
    xg_csv_init(&c, data, len, o->batch);
    int rc = xg_csv_next(&c), ret = 0;
    int fname = rc == 1 ? find_col(&c, "name") : -1;
    int fcountry = find_col(&c, "country"), fid = find_col(&c, "id");
    batch *b = batch_new(s, o, count_lines(data, len) - 1);
    if (!b) {
        xg_csv_free(&c);
        return cli_fail(XG_EXIT_INPUT, "screen", 0, "out of memory");
    }
    while (!ret && (rc = xg_csv_next(&c)) == 1) {
        const char *name = (size_t)fname < c.nfields ? c.field[fname] : "";
        const char *cc = fcountry >= 0 && (size_t)fcountry < c.nfields && c.field[fcountry][0]
                             ? xg_country_code(c.field[fcountry])
                             : o->country;
        if (!cc && fcountry >= 0 && (size_t)fcountry < c.nfields && c.field[fcountry][0]) {
            if (!(ret = batch_flush(b)))
                ret = cli_fail(XG_EXIT_INPUT, "screen", 0,
                               "%s:%ld: country '%s' is not a known country", o->batch, c.line,
                               c.field[fcountry]);
            break;
        }
        if (!*name) { /* a row is a customer: one not screened is said, not skipped in silence */
            fprintf(stderr, "xgate screen: %s:%ld: empty name, row not screened\n", o->batch,
                    c.line);
            continue;
        }
        bjob j = {.country = cc, .line = c.line};
        for (size_t i = 0; i < o->nids; i++)
            j.ids[j.nids++] = o->ids[i];
        j.name = j.own_name = strdup(name);
        if (fid >= 0 && (size_t)fid < c.nfields && c.field[fid][0])
            j.ids[j.nids++] = j.own_id = strdup(c.field[fid]);
        if (!j.own_name || (j.nids > o->nids && !j.own_id)) {
            free(j.own_name), free(j.own_id);
            ret = cli_fail(XG_EXIT_INPUT, "screen", 0, "out of memory");
            break;
        }
        ret = batch_add(b, &j);
    }
    if (!ret) ret = batch_flush(b);
    for (size_t i = 0; i < b->n; i++) /* left unscreened after an error */
        free(b->jobs[i].own_name), free(b->jobs[i].own_id);
    if (rc < 0 && !ret) ret = cli_fail(XG_EXIT_INPUT, "screen", 1, "batch file");
    free(b);
    xg_csv_free(&c);
    return ret;
}

/* A CSV batch when the first line, read as CSV, has a field that is exactly `name`. */
static int first_line_is_header(const char *data, size_t len)
{
    xg_csv c;
    xg_csv_init(&c, data, len, "batch");
    int is = xg_csv_next(&c) == 1 && c.nfields > 1 && find_col(&c, "name") >= 0;
    if (!is && find_col(&c, "name") == 0 && c.nfields == 1) is = 1;
    xg_csv_free(&c);
    return is;
}

static int run_batch(const xg_snapshot *s, const opts *o)
{
    char *data;
    size_t len;
    if (xg_file_read(&data, &len, o->batch, BATCH_MAX_BYTES))
        return cli_fail(XG_EXIT_INPUT, "screen", 1, "cannot read batch file");
    if (!xg_utf8_valid(data, len)) {
        free(data);
        return cli_fail(XG_EXIT_INPUT, "screen", 0, "%s: not valid UTF-8", o->batch);
    }
    int rc =
        first_line_is_header(data, len) ? batch_csv(s, o, data, len) : batch_lines(s, o, data, len);
    free(data);
    return rc;
}

static void report_skipped(const xg_snapshot *s)
{
    const xg_listset *l = xg_snapshot_lists(s);
    for (size_t i = 0; i < l->nskipped; i++)
        if (l->skipped[i].line > 0)
            fprintf(stderr, "xgate screen: skipped %s:%ld: %s\n", l->skipped[i].file,
                    l->skipped[i].line, l->skipped[i].problem);
        else
            fprintf(stderr, "xgate screen: skipped %s: %s\n", l->skipped[i].file,
                    l->skipped[i].problem);
}

static void report_timings(const xg_snapshot *s, double t0, double t_text, double t_loaded)
{
    const char *path = xg_snapshot_file_path(s);
    fprintf(stderr,
            "xgate screen: snapshot %s%s%s%s%s%s; name data %.1f ms, lists and snapshot %.1f ms "
            "(analysis and index %.1f ms), first answer %.1f ms after the command started\n",
            xg_snapshot_origin(s), path ? " " : "", path ? path : "",
            *xg_snapshot_key_source(s) ? " (key " : "", xg_snapshot_key_source(s),
            *xg_snapshot_key_source(s) ? ")" : "", (t_text - t0) * 1e3,
            xg_snapshot_load_seconds(s) * 1e3,
            strcmp(xg_snapshot_origin(s), "mapped") ? xg_snapshot_build_seconds(s) * 1e3 : 0.0,
            (xg_clock_seconds() - t0) * 1e3);
    (void)t_loaded;
}

int cmd_screen(int argc, char **argv)
{
    double t0 = xg_clock_seconds(), t_text = t0, t_loaded = t0;
    opts o = {.threshold = -1.0};
    int rc = parse_args(&o, argc, argv);
    if (rc) {
        free(o.name);
        return rc < 0 ? rc + 100 : rc;
    }
    xg_text_ctx *text = NULL;
    xg_snapshot *snap = NULL;
    xg_feed_lists lists = {0};
    if (!o.db) o.db = getenv("XGATE_DB");
    if (o.db && *o.db && (rc = store_cli_open_existing(&o.store, "screen", o.db))) {
        free(o.name);
        return rc;
    }
    if (xg_text_ctx_load(&text, NULL)) {
        free(o.name);
        xg_store_close(o.store);
        return cli_fail(XG_EXIT_ERROR, "screen", 1, "cannot load name data");
    }
    t_text = xg_clock_seconds();
    /* --list files win; else the versions in force in the store; else the bundled lists */
    if (xg_feed_lists_choose(&lists, o.store, o.lists, o.nlists)) {
        rc = cli_fail(XG_EXIT_INPUT, "screen", 1, "cannot find the lists in force");
    } else if (o.feed = &lists,
               xg_snapshot_load(&snap, (const char *const *)lists.paths, lists.npaths,
                                o.lenient ? XG_LOAD_LENIENT : 0, text)) {
        rc = cli_fail(XG_EXIT_INPUT, "screen", 1, "cannot load lists");
    } else {
        t_loaded = xg_clock_seconds();
        if (xg_snapshot_file_note(snap))
            fprintf(stderr, "xgate screen: note: %s\n", xg_snapshot_file_note(snap));
        if (o.lenient) report_skipped(snap);
        if (o.batch) {
            rc = run_batch(snap, &o);
        } else if (screen_one(snap, &o, o.name, o.country, o.ids, o.nids)) {
            rc = cli_fail(XG_EXIT_INPUT, "screen", 1, "cannot screen the name");
        }
        if (o.timings) {
            fflush(stdout);
            report_timings(snap, t0, t_text, t_loaded);
        }
    }
    xg_snapshot_unref(snap);
    xg_text_ctx_free(text);
    xg_feed_lists_free(&lists);
    xg_store_close(o.store);
    free(o.name);
    return rc;
}
