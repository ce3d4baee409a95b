/*
 * test_match_golden.c — today's screening results, kept: every query of tests/golden/
 * screen_queries.tsv (the evaluation set of bench/screen plus the hard cases of SCREENING.md)
 * against all shared lists, compared with tests/golden/screen_golden.tsv: the same records in the
 * same order, the same scores (to 1e-9), the same matched names and explanations. A speed-up
 * must not change an answer; a change meant to change answers regenerates the file with
 * `make golden` and lists the changes in its commit.
 *
 * With XG_GOLDEN_WRITE=1 the test writes the golden file instead of comparing (what
 * `make golden` runs).
 *
 * Query lines: OPTIONS <TAB> NAME, OPTIONS "-" or comma-separated: id=SCHEME:VALUE, person,
 * country=CC, asof=YYYY-MM-DD, threshold=T. Defaults: threshold 0.5 (so that near matches are
 * kept too), limit 10, as of 2026-06-01 (fixed, so that delisting does not move with the date).
 *
 * Golden lines: "Q <TAB> n <TAB> name" per query, then one line per reported record: kind (M
 * match, D delisted, N near miss), list file#record id, score (%.12f), matched name, the
 * explanation as compact JSON with sorted keys.
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/screen.h"

#define GOLDEN_ASOF "2026-06-01"

static const char *const LISTS[] = {
    "csl_entity_list_prc_research.csv", "csl_meti_names_2022-12.txt",     "csl_sample.csv",
    "dod_1260h_2026.xgate.csv",         "eu_833_annex_iv_2026.xgate.csv", "ofac_sdn_2021-07",
    "un_sc_consolidated_2026-02.xml"};
#define NLISTS (sizeof LISTS / sizeof *LISTS)

static const char *dir(const char *env, const char *fallback)
{
    const char *s = getenv(env);
    return s && *s ? s : fallback;
}

/* tests/golden beside the data directory (XGATE_DATA is the checkout's data/). */
static void golden_path(char *out, size_t cap, const char *file)
{
    snprintf(out, cap, "%s/../tests/golden/%s", dir("XGATE_DATA", "data"), file);
}

static void line_text(xg_buf *b, const char *s)
{
    for (; s && *s; s++)
        xg_buf_putc(b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static size_t explanations_written, explanations_left;

static void put_match(xg_buf *b, char kind, const xg_screen_match *m)
{
    char file[1024];
    const xg_record *r = m->record;
    snprintf(file, sizeof file, "%s", r->file ? r->file : "?");
    xg_buf_printf(b, "%c\t%s#%s\t%.12f\t", kind, basename(file), r->id ? r->id : "?", m->score);
    line_text(b, m->matched);
    json_t *x = xg_screen_match_explanation(m);
    char *e = json_dumps(x, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    xg_buf_printf(b, "\t%s\n", e ? e : "null");
    free(e);
    /* The explanation written without a tree is the text jansson itself writes for the tree
     * (keys in their order, compact, reals at precision 12), or left to the tree. */
    xg_buf w;
    xg_buf_init(&w);
    xg_buf_puts(&w, "<");
    int rc = xg_screen_match_explanation_write(m, &w);
    cr_assert(rc == 0 || rc == 1, "%s: explanation_write %d", m->matched, rc);
    if (rc == 0) {
        char *t = json_dumps(x, JSON_COMPACT | JSON_REAL_PRECISION(12));
        cr_assert(t && w.len - 1 == strlen(t) && !memcmp(w.data + 1, t, w.len - 1),
                  "%s: written\n%s\ntree\n%s", m->matched, w.data + 1, t ? t : "(null)");
        free(t);
        explanations_written++;
    } else {
        cr_assert_eq(w.len, 1, "%s: left to the tree, but the buffer changed", m->matched);
        explanations_left++;
    }
    xg_buf_free(&w);
    json_decref(x);
}

typedef struct gquery {
    char *opts, *name;
} gquery;

/* Parse the options column into q (ids point into opts, which is modified). */
static void parse_opts(char *opts, xg_screen_query *q, const char **ids, size_t cap)
{
    q->threshold = 0.5;
    q->limit = 10;
    q->as_of = GOLDEN_ASOF;
    if (!strcmp(opts, "-")) return;
    char *save = NULL;
    for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (!strncmp(o, "id=", 3) && q->nids < cap)
            ids[q->nids++] = o + 3;
        else if (!strcmp(o, "person"))
            q->is_person = 1;
        else if (!strncmp(o, "country=", 8))
            q->country = o + 8;
        else if (!strncmp(o, "asof=", 5))
            q->as_of = o + 5;
        else if (!strncmp(o, "threshold=", 10))
            q->threshold = strtod(o + 10, NULL);
        else
            cr_assert_fail("golden: unknown query option '%s'", o);
    }
    q->ids = ids;
}

/* Screen every query; the golden text into b. */
static void run_all(xg_buf *b)
{
    char path[1024];
    golden_path(path, sizeof path, "screen_queries.tsv");
    char *data;
    size_t len;
    cr_assert_eq(xg_file_read(&data, &len, path, 0), 0, "%s", xg_error_message());

    char paths[NLISTS][1024];
    const char *p[NLISTS];
    for (size_t i = 0; i < NLISTS; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/data/lists/%s", dir("XGATE_SHARED", "../shared"),
                 LISTS[i]);
        p[i] = paths[i];
    }
    xg_text_ctx *text;
    xg_snapshot *s;
    cr_assert_eq(xg_text_ctx_load(&text, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_snapshot_load(&s, p, NLISTS, 0, text), 0, "%s", xg_error_message());

    size_t n = 0;
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (!*line || *line == '#') continue;
        char *tab = strchr(line, '\t');
        cr_assert(tab, "golden: query line without a tab: %s", line);
        *tab = 0;
        const char *ids[8];
        xg_screen_query q = {.name = tab + 1};
        parse_opts(line, &q, ids, 8);
        xg_buf_printf(b, "Q\t%zu\t", n++);
        line_text(b, q.name);
        xg_buf_putc(b, '\n');
        xg_screen_result *r;
        int rc = xg_screen(&r, s, &q);
        if (rc) {
            xg_buf_printf(b, "E\t%d\n", rc);
            continue;
        }
        for (size_t i = 0; i < r->nmatches; i++)
            put_match(b, 'M', &r->matches[i]);
        for (size_t i = 0; i < r->ndelisted; i++)
            put_match(b, 'D', &r->delisted[i]);
        if (r->near_miss) put_match(b, 'N', r->near_miss);
        xg_screen_result_free(r);
    }
    cr_assert_gt(n, 100, "golden: only %zu queries in %s", n, path);
    /* identifier matches and the rare cases left to the tree are few */
    cr_assert_gt(explanations_written, 20 * explanations_left, "%zu written, %zu left to the tree",
                 explanations_written, explanations_left);
    free(data);
    xg_snapshot_unref(s);
    xg_text_ctx_free(text);
}

/* Split text into lines in place; returns the count. */
static size_t split_lines(char *t, char ***out)
{
    size_t n = 0, cap = 1024;
    char **v = malloc(cap * sizeof *v);
    for (char *p = t; *p;) {
        if (n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        v[n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl) break;
        *nl = 0;
        p = nl + 1;
    }
    *out = v;
    return n;
}

/* Two result lines agree when every field is equal, the score field within 1e-9. */
static int same_line(const char *a, const char *b)
{
    if (!strcmp(a, b)) return 1;
    if (a[0] == 'Q' || a[0] != b[0]) return 0;
    const char *ta = strchr(a, '\t'), *tb = strchr(b, '\t');
    ta = ta ? strchr(ta + 1, '\t') : NULL; /* after the record key */
    tb = tb ? strchr(tb + 1, '\t') : NULL;
    if (!ta || !tb || ta - a != tb - b || memcmp(a, b, (size_t)(ta - a))) return 0;
    char *ea, *eb;
    double sa = strtod(ta + 1, &ea), sb = strtod(tb + 1, &eb);
    return fabs(sa - sb) <= 1e-9 && !strcmp(ea, eb);
}

Test(match_golden, results_equal_the_golden_file, .timeout = 0)
{
    xg_buf b;
    xg_buf_init(&b);
    run_all(&b);
    char path[1024];
    golden_path(path, sizeof path, "screen_golden.tsv");
    if (getenv("XG_GOLDEN_WRITE") && !strcmp(getenv("XG_GOLDEN_WRITE"), "1")) {
        FILE *f = fopen(path, "w");
        cr_assert(f, "golden: cannot write %s", path);
        fputs(b.data, f);
        cr_assert_eq(fclose(f), 0);
        xg_buf_free(&b);
        return;
    }
    char *want;
    size_t wlen;
    cr_assert_eq(xg_file_read(&want, &wlen, path, 0), 0, "%s (make golden writes it)",
                 xg_error_message());
    char **gl, **wl;
    size_t ng = split_lines(b.data, &gl), nw = split_lines(want, &wl);
    size_t bad = 0, i = 0, j = 0;
    const char *query = "";
    while (i < ng && j < nw) {
        if (gl[i][0] == 'Q') query = gl[i];
        if (!same_line(gl[i], wl[j]) && bad++ < 20)
            cr_log_error("golden differs at %s\n   now: %.300s\n  want: %.300s", query, gl[i],
                         wl[j]);
        /* keep the two in step at the next query after a difference */
        if (!same_line(gl[i], wl[j]) && (gl[i][0] == 'Q') != (wl[j][0] == 'Q')) {
            while (i < ng && gl[i][0] != 'Q')
                i++;
            while (j < nw && wl[j][0] != 'Q')
                j++;
            continue;
        }
        i++, j++;
    }
    bad += (ng - i) + (nw - j);
    cr_assert_eq(bad, 0,
                 "golden: %zu result lines differ from %s (%zu lines now, %zu in the file); "
                 "regenerate with `make golden` only for an intended change",
                 bad, path, ng, nw);
    free(gl), free(wl), free(want);
    xg_buf_free(&b);
}
