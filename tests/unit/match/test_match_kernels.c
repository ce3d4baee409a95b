/*
 * test_match_kernels.c — the similarity kernels against jellyfish's golden values (all 3,000 rows
 * of string_similarity_jellyfish.tsv, within 1e-9), both argument orders, and the cached
 * Jaro-Winkler against the plain one.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "match/kernels.h"
#include "xgate/screen.h"

typedef struct golden {
    char *a, *b;
    double jaro, jw;
    size_t lev;
} golden;

static golden *load_golden(size_t *n_out, char **buf_out)
{
    const char *shared = getenv("XGATE_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/data/oracles/string_similarity_jellyfish.tsv",
             shared ? shared : "/work/shared");
    char *buf;
    size_t len;
    cr_assert_eq(xg_file_read(&buf, &len, path, 0), 0, "cannot read %s", path);
    golden *rows = calloc(4000, sizeof *rows);
    size_t n = 0;
    char *line = strchr(buf, '\n') + 1; /* skip the header */
    while (line && *line && n < 4000) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        char *f[5];
        int k = 0;
        for (char *p = line; k < 5; k++) {
            f[k] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = 0;
            p = tab + 1;
        }
        cr_assert_eq(k, 4, "bad golden row %zu", n + 1);
        rows[n++] = (golden){f[0], f[1], strtod(f[2], NULL), strtod(f[3], NULL),
                             (size_t)strtoul(f[4], NULL, 10)};
        line = nl ? nl + 1 : NULL;
    }
    *n_out = n;
    *buf_out = buf;
    return rows;
}

Test(match_kernels, golden_jaro_jw_levenshtein_all_rows)
{
    size_t n;
    char *buf;
    golden *g = load_golden(&n, &buf);
    cr_assert_eq(n, 3000, "expected 3000 golden rows, got %zu", n);
    for (size_t i = 0; i < n; i++) {
        double j = xg_jaro(g[i].a, g[i].b), jw = xg_jaro_winkler(g[i].a, g[i].b);
        cr_assert(fabs(j - g[i].jaro) < 1e-9, "jaro(%s,%s)=%.12f want %.12f", g[i].a, g[i].b, j,
                  g[i].jaro);
        cr_assert(fabs(jw - g[i].jw) < 1e-9, "jw(%s,%s)=%.12f want %.12f", g[i].a, g[i].b, jw,
                  g[i].jw);
        cr_assert_eq(xg_levenshtein(g[i].a, g[i].b), g[i].lev, "lev(%s,%s)=%zu want %zu", g[i].a,
                     g[i].b, xg_levenshtein(g[i].a, g[i].b), g[i].lev);
    }
    free(g);
    free(buf);
}

Test(match_kernels, symmetric_and_cached_equals_plain)
{
    size_t n;
    char *buf;
    golden *g = load_golden(&n, &buf);
    for (size_t i = 0; i < n; i++) {
        double jw = xg_jaro_winkler(g[i].a, g[i].b);
        cr_assert(fabs(xg_jaro_winkler(g[i].b, g[i].a) - jw) < 1e-12, "asymmetric %s/%s", g[i].a,
                  g[i].b);
        cr_assert_eq(xg_levenshtein(g[i].b, g[i].a), g[i].lev);
        xg_jw_pattern p;
        xg_jw_prepare(&p, g[i].a);
        cr_assert(fabs(xg_jw_cached(&p, g[i].b, strlen(g[i].b)) - jw) < 1e-12,
                  "cached differs on %s/%s", g[i].a, g[i].b);
    }
    free(g);
    free(buf);
}

Test(match_kernels, textbook_values_and_edges)
{
    cr_assert(fabs(xg_jaro_winkler("MARTHA", "MARHTA") - 0.961111111111) < 1e-9);
    cr_assert(fabs(xg_jaro("", "") - 0.0) < 1e-12);
    cr_assert(fabs(xg_jaro_winkler("abc", "abc") - 1.0) < 1e-12);
    cr_assert_eq(xg_levenshtein("", "abc"), 3);
    cr_assert_eq(xg_levenshtein("kitten", "sitting"), 3);
    cr_assert_eq(xg_levenshtein("深圳大学", "深圳大學"), 1);
    /* longer than the 64-byte fast path */
    char a[200], b[200];
    memset(a, 'x', 150);
    a[150] = 0;
    memcpy(b, a, 151);
    b[75] = 'y';
    cr_assert_eq(xg_levenshtein(a, b), 1);
    cr_assert(xg_jaro_winkler(a, b) > 0.99);
    /* invalid UTF-8 never crashes */
    cr_assert(xg_jaro_winkler("\xff\xfe", "\xc3") >= 0.0);
}

/* The bit-parallel paths (one word, four words, cached pattern) against the textbook scan on
 * random strings over a small alphabet (many repeats, so many transpositions). */
Test(match_kernels, fast_paths_equal_textbook_on_random_strings)
{
    unsigned seed = 12345;
    char a[260], b[260];
    uint32_t ca[260], cb[260];
    for (int iter = 0; iter < 40000; iter++) {
        size_t na = (seed = seed * 1103515245u + 12345u) >> 16 & 255;
        size_t nb = (seed = seed * 1103515245u + 12345u) >> 16 & 255;
        if (iter % 2) na %= 70, nb %= 70;
        for (size_t i = 0; i < na; i++) {
            seed = seed * 1103515245u + 12345u;
            a[i] = (char)('a' + (seed >> 16) % 5);
            ca[i] = (uint32_t)a[i];
        }
        for (size_t i = 0; i < nb; i++) {
            seed = seed * 1103515245u + 12345u;
            b[i] = (char)('a' + (seed >> 16) % 5);
            cb[i] = (uint32_t)b[i];
        }
        a[na] = b[nb] = 0;
        double want = xg_jaro_winkler_cp(ca, na, cb, nb);
        cr_assert(fabs(xg_jaro_winkler_cp(cb, nb, ca, na) - want) < 1e-12, "asymmetric %s/%s", a,
                  b);
        cr_assert(fabs(xg_jaro_winkler(a, b) - want) < 1e-12, "jw(%s,%s)", a, b);
        xg_jw_pattern p;
        xg_jw_prepare(&p, b);
        cr_assert(fabs(xg_jw_cached(&p, a, na) - want) < 1e-12, "cached jw(%s,%s)", a, b);
        cr_assert_eq(xg_levenshtein(a, b), xg_levenshtein_cp(ca, na, cb, nb));
    }
}

/* xg_jw_below is a true bound: whenever it says "below", the kernel agrees, on random words of
 * mixed alphabets and lengths (including the cut-offs the scorer uses), on the golden pairs, and
 * it never claims anything for non-ASCII strings. It also rejects something: it is useful. */
Test(match_kernels, jw_below_is_a_true_bound)
{
    static const double floors[] = {0.5, 0.7, 0.8, 0.85, 0.92, 0.95, 1.0};
    unsigned seed = 777;
    char a[80], b[80];
    size_t rejected = 0, total = 0;
    for (int iter = 0; iter < 200000; iter++) {
        size_t na = 1 + ((seed = seed * 1103515245u + 12345u) >> 16) % 24;
        size_t nb = 1 + ((seed = seed * 1103515245u + 12345u) >> 16) % 24;
        unsigned alpha = 2 + (unsigned)(iter % 30); /* small alphabets: many common letters */
        for (size_t i = 0; i < na; i++) {
            seed = seed * 1103515245u + 12345u;
            a[i] = (char)((iter % 7 == 0 ? '0' : 'a') + (seed >> 16) % alpha);
        }
        for (size_t i = 0; i < nb; i++) {
            seed = seed * 1103515245u + 12345u;
            b[i] = (char)('a' + (seed >> 16) % alpha);
        }
        if (iter % 3 == 0) { /* a near copy: one letter changed, so the values reach the floors */
            nb = na;
            memcpy(b, a, na);
            b[(seed >> 8) % nb] = 'q';
        }
        a[na] = b[nb] = 0;
        double jw = xg_jaro_winkler(a, b);
        for (size_t f = 0; f < sizeof floors / sizeof *floors; f++) {
            total++;
            if (!xg_jw_below(a, na, b, nb, floors[f])) continue;
            rejected++;
            cr_assert(jw < floors[f], "jw(%s,%s) = %.12f, bound said below %g", a, b, jw,
                      floors[f]);
        }
    }
    cr_assert(rejected > total / 10, "the bound rejected only %zu of %zu", rejected, total);
    size_t n;
    char *buf;
    golden *g = load_golden(&n, &buf);
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < sizeof floors / sizeof *floors; f++)
            if (xg_jw_below(g[i].a, strlen(g[i].a), g[i].b, strlen(g[i].b), floors[f]))
                cr_assert(g[i].jw < floors[f], "golden %s/%s", g[i].a, g[i].b);
    free(g);
    free(buf);
    cr_assert_not(xg_jw_below("m\xc3\xbcller", 7, "zzzzzz", 6, 0.8), "non-ASCII: no claim");
}

/* The textbook optimal string alignment distance (adjacent transpositions count one edit). */
static size_t osa_textbook(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), d[80][80];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[na][nb];
}

/* xg_osa_distance's bit-parallel path (ASCII, at most 64 bytes) equals the textbook table on
 * random words with swapped and changed letters, lengths 0 to 64 (the word boundary included). */
Test(match_kernels, osa_bits_equal_textbook)
{
    unsigned seed = 4242;
    char a[80], b[80];
    static const char *fixed[][3] = {{"ca", "abc", "3"},
                                     {"abcd", "acbd", "1"},
                                     {"", "abc", "3"},
                                     {"abc", "", "3"},
                                     {"aleksandr", "alexander", "3"}};
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
        cr_assert_eq(xg_osa_distance(fixed[k][0], fixed[k][1]), (size_t)atoi(fixed[k][2]),
                     "osa(%s,%s)", fixed[k][0], fixed[k][1]);
    for (int iter = 0; iter < 100000; iter++) {
        size_t na = ((seed = seed * 1103515245u + 12345u) >> 16) % 65;
        if (iter % 2) na %= 12;
        unsigned alpha = 2 + (unsigned)(iter % 5);
        for (size_t i = 0; i < na; i++) {
            seed = seed * 1103515245u + 12345u;
            a[i] = (char)('a' + (seed >> 16) % alpha);
        }
        a[na] = 0;
        size_t nb = na;
        memcpy(b, a, na + 1);
        for (int e = (int)(((seed = seed * 1103515245u + 12345u) >> 16) % 5); e > 0; e--) {
            seed = seed * 1103515245u + 12345u;
            size_t at = nb ? (seed >> 16) % nb : 0;
            if (e % 2 && nb >= 2 && at + 1 < nb) { /* swap two neighbours */
                char t = b[at];
                b[at] = b[at + 1];
                b[at + 1] = t;
            } else if (nb) {
                b[at] = (char)('a' + (seed >> 8) % alpha);
            }
        }
        if (iter % 7 == 0) { /* another length */
            nb = ((seed = seed * 1103515245u + 12345u) >> 16) % 65;
            for (size_t i = 0; i < nb; i++) {
                seed = seed * 1103515245u + 12345u;
                b[i] = (char)('a' + (seed >> 16) % alpha);
            }
            b[nb] = 0;
        }
        cr_assert_eq(xg_osa_distance(a, b), osa_textbook(a, b), "osa(%s,%s)", a, b);
        cr_assert_eq(xg_osa_distance(b, a), osa_textbook(b, a), "osa(%s,%s)", b, a);
    }
}
