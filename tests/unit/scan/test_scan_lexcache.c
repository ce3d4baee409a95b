/*
 * test_scan_lexcache.c — the compiled lexicon kept between runs (lexicon.c): a cold load compiles
 * and writes lexicon-<key>.hsdb, a warm load reads it and matches exactly alike, damage (a
 * flipped byte, a truncated file, garbage) is never trusted (compiled again and rewritten), and
 * XGATE_SNAPSHOT_DIR=off writes nothing.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../cache_temp.h"
#include "core/core.h"
#include "scan/hs_dl.h"
#include "scan/scan_internal.h"
#include "xgate/error.h"

static char dir[64];

static void setup(void)
{
    cache_temp_open(dir, "lexcache");
}

static void teardown(void)
{
    cache_temp_remove(dir);
}

static const char TEXT[] =
    "采购人：某大学 项目名称：算力租赁 通过亚马逊云科技 AWS 海外账号租用 H100 "
    "GPU 服务器 p5.48xlarge，调用 GPT-4 API 与 Azure OpenAI。";

static void load(lx_lexicon *lx)
{
    char *p = xg_data_path("scan/lexicon.tsv");
    cr_assert_not_null(p);
    cr_assert_eq(lx_load(lx, p, NULL), 0, "%s", xg_error_message());
    free(p);
}

/* The matches of TEXT as "from-to:id," into out. */
static void matches(const lx_lexicon *lx, char *out, size_t cap)
{
    xg_vec m;
    xg_vec_init(&m, sizeof(lx_match));
    cr_assert_eq(lx_scan(lx, TEXT, strlen(TEXT), &m), 0);
    cr_assert_gt(m.len, 5);
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < m.len && k < cap; i++) {
        const lx_match *x = &XG_VEC_AT(&m, lx_match, i);
        k += (size_t)snprintf(out + k, cap - k, "%zu-%zu:%u,", x->from, x->to, x->id);
    }
    xg_vec_free(&m);
}

static void damage_and_check(const char *ref, void (*damage)(const char *path))
{
    char path[512];
    cr_assert_eq(cache_temp_count(dir, "lexicon", ".hsdb", path, sizeof path), 1);
    damage(path);
    lx_lexicon lx;
    load(&lx);
    cr_assert_eq(lx.from_cache, 0, "a damaged cache file was trusted");
    char got[4096];
    matches(&lx, got, sizeof got);
    cr_assert_str_eq(got, ref);
    lx_free(&lx);
    load(&lx); /* rewritten: read back */
    cr_assert_eq(lx.from_cache, 1);
    matches(&lx, got, sizeof got);
    cr_assert_str_eq(got, ref);
    lx_free(&lx);
}

static void flip(const char *path)
{
    char *data;
    size_t len;
    cr_assert_eq(xg_file_read(&data, &len, path, 0), 0);
    cr_assert_gt(len, 100);
    data[len / 2] ^= 0x20;
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(data, 1, len, f);
    fclose(f);
    free(data);
}

static void truncate_half(const char *path)
{
    char *data;
    size_t len;
    cr_assert_eq(xg_file_read(&data, &len, path, 0), 0);
    cr_assert_eq(truncate(path, (off_t)(len / 2)), 0);
    free(data);
}

static void garbage(const char *path)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs("XGLXHS01 not a database at all", f);
    fclose(f);
}

Test(scan_lexcache, cold_then_warm_then_damaged, .init = setup, .fini = teardown)
{
    lx_lexicon lx;
    load(&lx);
    cr_assert_eq(lx.from_cache, 0);
    char ref[4096], got[4096], path[512];
    matches(&lx, ref, sizeof ref);
    lx_free(&lx);
    cr_assert_eq(cache_temp_count(dir, "lexicon", ".hsdb", path, sizeof path), 1,
                 "no cache file written");
    load(&lx);
    cr_assert_eq(lx.from_cache, 1, "the cache file was not read");
    matches(&lx, got, sizeof got);
    cr_assert_str_eq(got, ref);
    lx_lexicon cl;
    cr_assert_eq(lx_clone(&cl, &lx), 0);
    matches(&cl, got, sizeof got);
    cr_assert_str_eq(got, ref);
    lx_free(&cl);
    lx_free(&lx);
    damage_and_check(ref, flip);
    damage_and_check(ref, truncate_half);
    damage_and_check(ref, garbage);
}

Test(scan_lexcache, off_writes_nothing, .init = setup, .fini = teardown)
{
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", "off", 1), 0);
    lx_lexicon lx;
    load(&lx);
    cr_assert_eq(lx.from_cache, 0);
    lx_free(&lx);
    load(&lx); /* a second load compiles again */
    cr_assert_eq(lx.from_cache, 0);
    lx_free(&lx);
    char path[512];
    cr_assert_eq(cache_temp_count(dir, "lexicon", ".hsdb", path, sizeof path), 0);
}

/* lx_load_gated: extra byte literals in the lexicon's database leave the terms' matches as
 * lx_load's and come to the gate callback, every occurrence with its end, caseless (ASCII) where
 * asked, punctuation and non-ASCII bytes matched as they are. */
typedef struct {
    char got[2048];
    size_t k;
} gate_log;

static void on_lit(void *ctx, unsigned lit, unsigned long long to)
{
    gate_log *g = ctx;
    g->k += (size_t)snprintf(g->got + g->k, sizeof g->got - g->k, "%u@%llu,", lit, to);
}

static int cmp_hit(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(scan_lexcache, gate_literals_share_the_pass, .init = setup, .fini = teardown)
{
    lx_lexicon plain, gated;
    load(&plain);
    char ref[4096], got[4096];
    matches(&plain, ref, sizeof ref);
    char *p = xg_data_path("scan/lexicon.tsv");
    cr_assert_not_null(p);
    /* 0: caseless ASCII; 1: exact, with a dot; 2: Han bytes; 3: regex characters, absent */
    const char *const lits[] = {"gpu", "p5.48", "项目名称", "(x)"};
    const unsigned fl[] = {HS_FLAG_CASELESS, 0, 0, 0};
    cr_assert_eq(lx_load_gated(&gated, p, NULL, lits, fl, 4), 0, "%s", xg_error_message());
    free(p);
    cr_assert_eq(gated.ngate, 4);
    matches(&gated, got, sizeof got);
    cr_assert_str_eq(got, ref, "the terms' matches changed");
    xg_vec m;
    xg_vec_init(&m, sizeof(lx_match));
    gate_log g = {{0}, 0};
    cr_assert_eq(lx_scan_gated(&gated, TEXT, strlen(TEXT), &m, on_lit, &g), 0);
    for (size_t i = 0; i < m.len; i++)
        cr_assert_lt(XG_VEC_AT(&m, lx_match, i).id, gated.nterms);
    xg_vec_free(&m);
    /* the expected occurrences, byte by byte */
    char want[2048];
    size_t k = 0, n = strlen(TEXT);
    for (unsigned l = 0; l < 4; l++) {
        size_t ll = strlen(lits[l]);
        for (size_t at = 0; at + ll <= n; at++)
            if (fl[l] ? !strncasecmp(TEXT + at, lits[l], ll) : !memcmp(TEXT + at, lits[l], ll))
                k += (size_t)snprintf(want + k, sizeof want - k, "%u@%zu,", l, at + ll);
    }
    /* compare as sorted sets (the pass reports in order of ends, not of literals) */
    char *a[64], *b[64];
    size_t na = 0, nb = 0;
    for (char *t = strtok(want, ","); t && na < 64; t = strtok(NULL, ","))
        a[na++] = t;
    for (char *t = strtok(g.got, ","); t && nb < 64; t = strtok(NULL, ","))
        b[nb++] = t;
    cr_assert_eq(na, 3, "GPU, p5.48 and 项目名称 once each, (x) never: %zu", na);
    cr_assert_eq(nb, na);
    qsort(a, na, sizeof *a, cmp_hit);
    qsort(b, nb, sizeof *b, cmp_hit);
    for (size_t i = 0; i < na; i++)
        cr_assert_str_eq(a[i], b[i]);
    lx_free(&gated);
    lx_free(&plain);
}
