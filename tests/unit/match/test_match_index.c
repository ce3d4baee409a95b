/*
 * test_match_index.c — xg_index_get (src/match/index.c) finds a key's postings by guessing its
 * place from its value and bracketing from there; whatever the keys' spread, it must give what a
 * plain bisection gives: every present key found with its own postings, every absent key absent.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "match/index.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* n sorted unique keys drawn by draw(); off[i] = 2i, post[2i], post[2i + 1] = i, i */
static xg_index make(size_t n, uint64_t (*draw)(size_t))
{
    xg_index idx = {0};
    idx.keys = malloc((n + 1) * sizeof *idx.keys);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        idx.keys[k++] = draw(i);
    qsort(idx.keys, k, sizeof *idx.keys, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || idx.keys[i] != idx.keys[u - 1]) idx.keys[u++] = idx.keys[i];
    idx.nkeys = u;
    idx.off = malloc((u + 1) * sizeof *idx.off);
    idx.post = malloc((2 * u + 1) * sizeof *idx.post);
    for (size_t i = 0; i <= u; i++)
        idx.off[i] = (uint32_t)(2 * i);
    for (size_t i = 0; i < u; i++)
        idx.post[2 * i] = idx.post[2 * i + 1] = (uint32_t)i;
    idx.npost = 2 * u;
    return idx;
}

static size_t reference(const xg_index *idx, uint64_t key)
{
    size_t lo = 0, hi = idx->nkeys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (idx->keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < idx->nkeys && idx->keys[lo] == key ? lo : SIZE_MAX;
}

static void check(const xg_index *idx, uint64_t key)
{
    const uint32_t *ids = NULL;
    size_t df = xg_index_get(idx, key, &ids), want = reference(idx, key);
    if (want == SIZE_MAX) {
        cr_assert_eq(df, 0, "key %llx absent, found", (unsigned long long)key);
        return;
    }
    cr_assert_eq(df, 2, "key %llx", (unsigned long long)key);
    cr_assert_eq(ids[0], (uint32_t)want);
}

static void check_all(const xg_index *idx)
{
    for (size_t i = 0; i < idx->nkeys; i++) {
        check(idx, idx->keys[i]);
        check(idx, idx->keys[i] - 1);
        check(idx, idx->keys[i] + 1);
    }
    for (int i = 0; i < 20000; i++)
        check(idx, next());
    check(idx, 0);
    check(idx, UINT64_MAX);
}

static void drop(xg_index *idx)
{
    free(idx->keys);
    free(idx->off);
    free(idx->post);
}

static uint64_t even(size_t i)
{
    return (void)i, next();
}
/* all in a narrow band: the guess lands far from the answer */
static uint64_t band(size_t i)
{
    return (void)i, 0x7000000000000000ULL + (next() >> 40);
}
/* two clumps at the ends, and the extremes themselves */
static uint64_t ends(size_t i)
{
    if (i == 0) return 0;
    if (i == 1) return UINT64_MAX;
    return i % 2 ? next() >> 50 : UINT64_MAX - (next() >> 50);
}
/* small consecutive values: every guess is index 0 */
static uint64_t small(size_t i)
{
    return (uint64_t)i * 3;
}

Test(index, get_equals_bisection_whatever_the_spread)
{
    uint64_t (*draws[])(size_t) = {even, band, ends, small};
    size_t sizes[] = {0, 1, 2, 3, 7, 64, 1000, 50000};
    for (size_t d = 0; d < sizeof draws / sizeof *draws; d++)
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            xg_index idx = make(sizes[s], draws[d]);
            check_all(&idx);
            drop(&idx);
        }
}
