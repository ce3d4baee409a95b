/*
 * kernels.c — our own Jaro, Jaro-Winkler and Levenshtein, equal to jellyfish (by code point).
 *
 * The scorer calls Jaro-Winkler millions of times per second, so the common case — two ASCII
 * tokens of at most 64 bytes — runs bit-parallel: the positions of each byte of one string are a
 * 64-bit mask, the search window is a mask, and "first unflagged match in the window" is the
 * lowest set bit of (positions & window & ~flagged). That is exactly jellyfish's greedy scan, one
 * word operation per character instead of a loop over the window. Everything else (non-ASCII,
 * longer strings) decodes to code points in stack buffers and runs the textbook scan. No
 * allocation per pair anywhere.
 */
#include "core/core.h"
#include "match/kernels.h"
#include "xgate/screen.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* Jellyfish's Winkler parameters: prefix scale, longest prefix counted, Jaro needed for a bonus. */
#define JW_PREFIX_SCALE 0.1
#define JW_PREFIX_MAX 4
#define JW_BOOST_THRESHOLD 0.7

size_t xg_match_utf8_decode(uint32_t *out, size_t cap, const char *s, size_t n)
{
    size_t k = 0, i = 0;
    while (i < n && k < cap) {
        size_t len = xg_utf8_next(s + i, n - i, &out[k++]);
        i += len ? len : 1; /* a bad byte reads as U+FFFD */
    }
    return k;
}

static double jaro_from_counts(size_t m, size_t t, size_t na, size_t nb)
{
    if (!m) return 0.0;
    double cm = (double)m;
    return (cm / (double)na + cm / (double)nb + (cm - (double)(t / 2)) / cm) / 3.0;
}

static size_t search_range(size_t na, size_t nb)
{
    size_t mx = na > nb ? na : nb;
    return mx / 2 > 0 ? mx / 2 - 1 : 0;
}

/* Jellyfish's scan: for each a[i], the first unflagged equal b[j] within the window. */
double xg_jaro_cp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (!na || !nb) return 0.0;
    unsigned char af[XG_KERNEL_MAX_CP], bf[XG_KERNEL_MAX_CP];
    if (na > XG_KERNEL_MAX_CP) na = XG_KERNEL_MAX_CP;
    if (nb > XG_KERNEL_MAX_CP) nb = XG_KERNEL_MAX_CP;
    memset(af, 0, na);
    memset(bf, 0, nb);
    size_t r = search_range(na, nb), m = 0;
    for (size_t i = 0; i < na; i++) {
        size_t lo = i > r ? i - r : 0, hi = i + r < nb - 1 ? i + r : nb - 1;
        for (size_t j = lo; j <= hi && j < nb; j++) {
            if (!bf[j] && b[j] == a[i]) {
                af[i] = bf[j] = 1;
                m++;
                break;
            }
        }
    }
    if (!m) return 0.0;
    size_t t = 0, k = 0;
    for (size_t i = 0; i < na; i++) {
        if (!af[i]) continue;
        while (k < nb && !bf[k])
            k++;
        if (k < nb && a[i] != b[k]) t++;
        k++;
    }
    return jaro_from_counts(m, t, na, nb);
}

static double winkler_cp(double j, const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (j <= JW_BOOST_THRESHOLD) return j;
    size_t lim = na < nb ? na : nb, p = 0;
    if (lim > JW_PREFIX_MAX) lim = JW_PREFIX_MAX;
    while (p < lim && a[p] == b[p])
        p++;
    return p ? j + (double)p * JW_PREFIX_SCALE * (1.0 - j) : j;
}

double xg_jaro_winkler_cp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    return winkler_cp(xg_jaro_cp(a, na, b, nb), a, na, b, nb);
}

/* ---- ASCII, bit-parallel ---- */

static int is_ascii(const char *s, size_t n)
{
    uint64_t acc = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= (unsigned char)s[i];
    return !(acc & 0x8080808080808080ULL);
}

/* ---- ASCII, multi-word: strings up to BLOCK_MAX bytes ---- */

#define BLOCK_WORDS XG_JW_WORDS
#define BLOCK_MAX (64 * BLOCK_WORDS)

/* Jaro of a (iterated, at most BLOCK_MAX bytes) against b (ASCII, at most 64 bytes) whose byte
 * positions are in pm; -1 when a turns out not to be ASCII (checked on the way, not before).
 * Branch-free scan: the window mask slides by one bit per character of a, and the lowest set bit of
 * (positions & window & ~taken) is jellyfish's "first unflagged match". Characters of a past the
 * last window that reaches b are not scanned. */
/* Bit count without a library call (the build targets baseline x86-64, without POPCNT). */
static size_t popcount64(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (size_t)((x * 0x0101010101010101ULL) >> 56);
}

static size_t transpositions_word(const unsigned char *a, uint64_t aflag, const unsigned char *b,
                                  uint64_t bflag)
{
    size_t t = 0;
    for (; aflag; aflag &= aflag - 1, bflag &= bflag - 1)
        t += a[__builtin_ctzll(aflag)] != b[__builtin_ctzll(bflag)];
    return t;
}

static double jaro_bits(const unsigned char *a, size_t na, const uint64_t *pm,
                        const unsigned char *b, size_t nb)
{
    if (!na || !nb) return 0.0;
    size_t r = search_range(na, nb), end = nb + r < na ? nb + r : na, m = 0, t = 0;
    uint64_t bflag = 0, win = r + 1 >= 64 ? ~0ULL : (1ULL << (r + 1)) - 1;
    if (end <= 64) { /* the common case: one word of flags on each side */
        uint64_t aflag = 0;
        unsigned acc = 0;
        for (size_t i = 0; i < end; i++) {
            uint64_t cand = pm[a[i] & 0x7F] & win & ~bflag;
            acc |= a[i];
            bflag |= cand & (0 - cand);
            aflag |= (uint64_t)(cand != 0) << i;
            win = (win << 1) | (i < r); /* grows on the right, then slides */
        }
        if ((acc & 0x80) || (end < na && !is_ascii((const char *)a + end, na - end)))
            return -1.0; /* not ASCII after all: the caller compares by code point */
        if (!aflag) return 0.0;
        m = popcount64(aflag);
        t = transpositions_word(a, aflag, b, bflag);
        return jaro_from_counts(m, t, na, nb);
    }
    uint64_t aflag[BLOCK_WORDS] = {0};
    if (!is_ascii((const char *)a, na)) return -1.0;
    for (size_t i = 0; i < end; i++) {
        uint64_t cand = pm[a[i] & 0x7F] & win & ~bflag;
        bflag |= cand & (0 - cand);
        aflag[i / 64] |= (uint64_t)(cand != 0) << (i % 64);
        m += cand != 0;
        win = i < r ? (win << 1) | 1 : win << 1;
    }
    if (!m) return 0.0;
    for (size_t w = 0; bflag; w++) {
        for (uint64_t f = aflag[w]; f && bflag; f &= f - 1) {
            t += a[w * 64 + (size_t)__builtin_ctzll(f)] != b[__builtin_ctzll(bflag)];
            bflag &= bflag - 1;
        }
    }
    return jaro_from_counts(m, t, na, nb);
}

/* Take the lowest set bit of pm[.][c] & [lo, hi] & ~flag across the words; 1 when found. */
static int take_in_window(const uint64_t (*pm)[128], unsigned char c, uint64_t *flag, size_t lo,
                          size_t hi)
{
    for (size_t w = lo / 64; w <= hi / 64; w++) {
        uint64_t mask = ~0ULL;
        if (w == lo / 64) mask &= ~0ULL << (lo % 64);
        if (w == hi / 64 && hi % 64 != 63) mask &= (1ULL << (hi % 64 + 1)) - 1;
        uint64_t cand = pm[w][c] & mask & ~flag[w];
        if (cand) {
            flag[w] |= cand & (0 - cand);
            return 1;
        }
    }
    return 0;
}

static double jaro_block(const unsigned char *a, size_t na, const uint64_t (*pm)[128],
                         const unsigned char *b, size_t nb)
{
    if (!na || !nb) return 0.0;
    size_t r = search_range(na, nb), m = 0;
    uint64_t bflag[BLOCK_WORDS] = {0}, aflag[BLOCK_WORDS] = {0};
    for (size_t i = 0; i < na; i++) {
        size_t lo = i > r ? i - r : 0, hi = i + r < nb - 1 ? i + r : nb - 1;
        if (lo > hi) break; /* windows only move right */
        if (take_in_window(pm, a[i], bflag, lo, hi)) {
            aflag[i / 64] |= 1ULL << (i % 64);
            m++;
        }
    }
    if (!m) return 0.0;
    size_t t = 0, wa = 0, wb = 0;
    for (size_t k = 0; k < m; k++) {
        while (!aflag[wa])
            wa++;
        while (!bflag[wb])
            wb++;
        size_t i = wa * 64 + (size_t)__builtin_ctzll(aflag[wa]);
        size_t j = wb * 64 + (size_t)__builtin_ctzll(bflag[wb]);
        t += a[i] != b[j];
        aflag[wa] &= aflag[wa] - 1;
        bflag[wb] &= bflag[wb] - 1;
    }
    return jaro_from_counts(m, t, na, nb);
}

static double winkler_bytes(double j, const char *a, size_t na, const char *b, size_t nb)
{
    if (j <= JW_BOOST_THRESHOLD) return j;
    size_t lim = na < nb ? na : nb, p = 0;
    if (lim > JW_PREFIX_MAX) lim = JW_PREFIX_MAX;
    while (p < lim && a[p] == b[p])
        p++;
    return p ? j + (double)p * JW_PREFIX_SCALE * (1.0 - j) : j;
}

/* Masks of b's positions, set and cleared per call so that the tables stay zero between calls. */
static _Thread_local uint64_t tls_pm[128];
static _Thread_local uint64_t tls_block[BLOCK_WORDS][128];

/* Jaro of two ASCII strings of at most BLOCK_MAX bytes each. */
static double jaro_ascii(const char *a, size_t na, const char *b, size_t nb)
{
    const unsigned char *ua = (const unsigned char *)a, *ub = (const unsigned char *)b;
    double r;
    if (nb <= 64) {
        for (size_t j = 0; j < nb; j++)
            tls_pm[ub[j]] |= 1ULL << j;
        r = jaro_bits(ua, na, tls_pm, ub, nb);
        for (size_t j = 0; j < nb; j++)
            tls_pm[ub[j]] = 0;
        return r;
    }
    for (size_t j = 0; j < nb; j++)
        tls_block[j / 64][ub[j]] |= 1ULL << (j % 64);
    r = jaro_block(ua, na, (const uint64_t(*)[128])tls_block, ub, nb);
    for (size_t j = 0; j < nb; j++)
        tls_block[j / 64][ub[j]] = 0;
    return r;
}

static int fits_ascii(const char *a, size_t na, const char *b, size_t nb)
{
    return na <= BLOCK_MAX && nb <= BLOCK_MAX && is_ascii(a, na) && is_ascii(b, nb);
}

static double jaro_generic(const char *a, size_t na, const char *b, size_t nb, int winkler)
{
    uint32_t ca[XG_KERNEL_MAX_CP], cb[XG_KERNEL_MAX_CP];
    size_t ma = xg_match_utf8_decode(ca, XG_KERNEL_MAX_CP, a, na);
    size_t mb = xg_match_utf8_decode(cb, XG_KERNEL_MAX_CP, b, nb);
    return winkler ? xg_jaro_winkler_cp(ca, ma, cb, mb) : xg_jaro_cp(ca, ma, cb, mb);
}

double xg_jaro(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na <= 64 && nb <= 64 && is_ascii(a, na) && is_ascii(b, nb)) return jaro_ascii(a, na, b, nb);
    return jaro_generic(a, na, b, nb, 0);
}

double xg_jaro_winkler(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (fits_ascii(a, na, b, nb)) return winkler_bytes(jaro_ascii(a, na, b, nb), a, na, b, nb);
    return jaro_generic(a, na, b, nb, 1);
}

double xg_jaro_winkler_ascii(const char *a, size_t na, const char *b, size_t nb)
{
    if (na <= BLOCK_MAX && nb <= BLOCK_MAX)
        return winkler_bytes(jaro_ascii(a, na, b, nb), a, na, b, nb);
    return jaro_generic(a, na, b, nb, 1);
}

uint64_t xg_jw_letters(const char *s, size_t n, int *ascii)
{
    const unsigned char *u = (const unsigned char *)s;
    uint64_t m = 0;
    unsigned acc = 0;
    /* one bit per byte value modulo 64: bytes sharing a bit look present (a looser bound) */
    for (size_t i = 0; i < n; i++)
        acc |= u[i], m |= 1ULL << (u[i] & 63);
    *ascii = !(acc & 0x80);
    return m;
}

int xg_jw_below(const char *a, size_t na, const char *b, size_t nb, double floor)
{
    if (!na || !nb) return 0;
    int asa, asb;
    uint64_t ma = xg_jw_letters(a, na, &asa), mb = xg_jw_letters(b, nb, &asb);
    if (!asa || !asb) return 0;
    return xg_jw_below_letters(a, na, ma, b, nb, mb, floor);
}

/* Whether at most m Jaro matches of strings of na and nb characters keep Jaro-Winkler under
 * floor (no transposition, a full prefix): the fewer the matches, the surer. */
static int below_with_matches_calc(size_t m, size_t na, size_t nb, double floor)
{
    if (!m) return 0.0 < floor;
    double j = ((double)m / (double)na + (double)m / (double)nb + 1.0) / 3.0;
    double jw = j > JW_BOOST_THRESHOLD ? j + JW_PREFIX_MAX * JW_PREFIX_SCALE * (1.0 - j) : j;
    return jw + 1e-9 < floor; /* the margin: the kernel rounds differently */
}

/* The scorer's pair floor (XG_PAIR_FLOOR), for which the answer is read from a table: the
 * fewest matches that are not under the floor, per pair of lengths up to 64, each found by
 * below_with_matches_calc itself (its answer only changes once as m grows: j grows with m, and
 * Jaro-Winkler with j), so the table answers exactly as the calculation would, without its two
 * divisions. Another floor is calculated. */
#define BELOW_TABLE_FLOOR 0.80
#define BELOW_TABLE_MAX 64
/* exported (kernels.h): score.c makes the first test of xg_jw_below_letters inline */
unsigned char xg_jw_below_min[BELOW_TABLE_MAX + 1][BELOW_TABLE_MAX + 1];
static atomic_int below_ready;
static pthread_once_t below_once = PTHREAD_ONCE_INIT;

static void below_table_make(void)
{
    for (size_t na = 1; na <= BELOW_TABLE_MAX; na++)
        for (size_t nb = 1; nb <= BELOW_TABLE_MAX; nb++) {
            size_t m = 0;
            while (m <= BELOW_TABLE_MAX && below_with_matches_calc(m, na, nb, BELOW_TABLE_FLOOR))
                m++;
            xg_jw_below_min[na][nb] = (unsigned char)m; /* BELOW_TABLE_MAX + 1: always under */
        }
    atomic_store_explicit(&below_ready, 1, memory_order_release);
}

/* The table, made once, before the first query's patterns (xg_jw_prepare); until then (or for
 * another floor, or longer strings) the answer is calculated. */
static void below_table_ready(void)
{
    if (!atomic_load_explicit(&below_ready, memory_order_acquire))
        pthread_once(&below_once, below_table_make);
}

static inline int below_with_matches(size_t m, size_t na, size_t nb, double floor)
{
    if (floor == BELOW_TABLE_FLOOR && (na | nb) <= BELOW_TABLE_MAX &&
        atomic_load_explicit(&below_ready, memory_order_acquire))
        return m < xg_jw_below_min[na][nb];
    return below_with_matches_calc(m, na, nb, floor);
}

int xg_jw_below_letters(const char *a, size_t na, uint64_t ma, const char *b, size_t nb,
                        uint64_t mb, double floor)
{
    if (!na || !nb) return 0;
    /* First from the masks alone: a letter of one string missing from the other is at least one
     * character without a partner, so the matches are at most the length less those letters. A
     * count over that bound that is already under the floor answers as the exact count would
     * (the answer only grows surer as the count falls); most dissimilar words stop here. */
    size_t qa = popcount64(ma & ~mb), qb = popcount64(mb & ~ma);
    size_t ua_max = na > qa ? na - qa : 0, ub_max = nb > qb ? nb - qb : 0;
    if (below_with_matches(ua_max < ub_max ? ua_max : ub_max, na, nb, floor)) return 1;
    return xg_jw_below_positions(a, na, ma, b, nb, mb, floor);
}

int xg_jw_below_positions(const char *a, size_t na, uint64_t ma, const char *b, size_t nb,
                          uint64_t mb, double floor)
{
    const unsigned char *ua = (const unsigned char *)a, *ub = (const unsigned char *)b;
    size_t ka = 0, kb = 0; /* characters with a possible partner on the other side */
    for (size_t i = 0; i < na; i++)
        ka += mb >> (ua[i] & 63) & 1;
    for (size_t j = 0; j < nb; j++)
        kb += ma >> (ub[j] & 63) & 1;
    return below_with_matches(ka < kb ? ka : kb, na, nb, floor);
}

void xg_jw_prepare(xg_jw_pattern *p, const char *s)
{
    below_table_ready();
    p->s = s;
    p->len = strlen(s);
    p->ascii = p->len <= BLOCK_MAX && is_ascii(s, p->len);
    if (!p->ascii) return;
    size_t words = p->len ? (p->len + 63) / 64 : 1;
    memset(p->pm, 0, words * sizeof p->pm[0]);
    for (size_t j = 0; j < p->len; j++)
        p->pm[j / 64][(unsigned char)s[j]] |= 1ULL << (j % 64);
}

/* jellyfish(b, pattern): b is scanned against the pattern's masks. Jaro-Winkler is symmetric
 * (the unit tests check it on the golden pairs both ways), so this equals jw(pattern, b). */
double xg_jw_cached(const xg_jw_pattern *p, const char *b, size_t nb)
{
    const unsigned char *ub = (const unsigned char *)b, *us = (const unsigned char *)p->s;
    if (p->ascii && p->len <= 64 && nb <= BLOCK_MAX) {
        double j = jaro_bits(ub, nb, p->pm[0], us, p->len);
        if (j >= 0) return winkler_bytes(j, b, nb, p->s, p->len);
    } else if (p->ascii && nb <= BLOCK_MAX && is_ascii(b, nb)) {
        /* a long pattern against a short string: one word of masks for the short one beats
         * four for the pattern (Jaro is symmetric; the tests check it) */
        double j = nb <= 64 ? jaro_ascii(p->s, p->len, b, nb)
                            : jaro_block(ub, nb, (const uint64_t(*)[128])p->pm, us, p->len);
        return winkler_bytes(j, b, nb, p->s, p->len);
    }
    return jaro_generic(p->s, p->len, b, nb, 1);
}

/* ---- Levenshtein ---- */

/* Myers/Hyyrö bit-vector edit distance; a at most 64 bytes, both ASCII. */
static size_t lev_bits(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
    uint64_t pm[128] = {0};
    for (size_t i = 0; i < na; i++)
        pm[a[i]] |= 1ULL << i;
    uint64_t vp = na == 64 ? ~0ULL : (1ULL << na) - 1, vn = 0, last = 1ULL << (na - 1);
    size_t d = na;
    for (size_t j = 0; j < nb; j++) {
        uint64_t x = pm[b[j]] | vn;
        uint64_t d0 = (((x & vp) + vp) ^ vp) | x;
        uint64_t hp = vn | ~(d0 | vp), hn = vp & d0;
        if (hp & last) d++;
        if (hn & last) d--;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
    }
    return d;
}

size_t xg_levenshtein_cp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    return xg_edit_distance(a, na, b, nb);
}

size_t xg_levenshtein(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na && na <= 64 && is_ascii(a, na) && is_ascii(b, nb))
        return lev_bits((const unsigned char *)a, na, (const unsigned char *)b, nb);
    uint32_t ca[XG_KERNEL_MAX_CP], cb[XG_KERNEL_MAX_CP];
    size_t ma = xg_match_utf8_decode(ca, XG_KERNEL_MAX_CP, a, na);
    size_t mb = xg_match_utf8_decode(cb, XG_KERNEL_MAX_CP, b, nb);
    return xg_levenshtein_cp(ca, ma, cb, mb);
}

/* ---- optimal string alignment ---- */

#define OSA_MAX 64

/* Hyyrö's bit-parallel optimal string alignment distance (Levenshtein's bit vectors with a
 * transposition mask: a pair swapped back where both its characters match, diagonally, what the
 * previous column had unmatched); a at most 64 bytes, both ASCII. Equal to the table below (the
 * unit tests compare them). */
static size_t osa_bits(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
    if (!na) return nb;
    uint64_t pm[128] = {0};
    for (size_t i = 0; i < na; i++)
        pm[a[i]] |= 1ULL << i;
    uint64_t vp = na == 64 ? ~0ULL : (1ULL << na) - 1, vn = 0, d0 = 0, pm_old = 0;
    uint64_t last = 1ULL << (na - 1);
    size_t d = na;
    for (size_t j = 0; j < nb; j++) {
        uint64_t pmj = pm[b[j]];
        uint64_t tr = ((~d0 & pmj) << 1) & pm_old;
        d0 = ((((pmj & vp) + vp) ^ vp) | pmj | vn) | tr;
        uint64_t hp = vn | ~(d0 | vp), hn = d0 & vp;
        if (hp & last) d++;
        if (hn & last) d--;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        pm_old = pmj;
    }
    return d;
}

size_t xg_osa_distance(const char *a, const char *b)
{
    uint32_t ca[OSA_MAX + 1], cb[OSA_MAX + 1];
    size_t la = strlen(a), lb = strlen(b);
    /* two ASCII words of at most 64 bytes (code points are bytes): one word of bit vectors */
    if (la <= OSA_MAX && lb <= OSA_MAX && is_ascii(a, la) && is_ascii(b, lb))
        return osa_bits((const unsigned char *)a, la, (const unsigned char *)b, lb);
    if (la > 4 * OSA_MAX || lb > 4 * OSA_MAX) return xg_levenshtein(a, b);
    size_t na = xg_match_utf8_decode(ca, OSA_MAX + 1, a, la);
    size_t nb = xg_match_utf8_decode(cb, OSA_MAX + 1, b, lb);
    if (na > OSA_MAX || nb > OSA_MAX) return xg_levenshtein(a, b);
    /* three rows: two back (for transpositions), previous, current */
    size_t r0[OSA_MAX + 1], r1[OSA_MAX + 1], r2[OSA_MAX + 1];
    size_t *pp = r0, *prev = r1, *cur = r2;
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t cost = ca[i - 1] != cb[j - 1];
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] &&
                pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[nb];
}
