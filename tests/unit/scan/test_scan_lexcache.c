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
#include <unistd.h>

#include "../cache_temp.h"
#include "core/core.h"
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
