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
#include "match/kernels.h"
#include "xgate/screen.h"

#include <string.h>

/* Jellyfish's Winkler parameters: prefix scale, longest prefix counted, Jaro needed for a bonus. */
#define JW_PREFIX_SCALE 0.1
#define JW_PREFIX_MAX 4
#define JW_BOOST_THRESHOLD 0.7

size_t xg_match_utf8_decode(uint32_t *out, size_t cap, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    size_t k = 0;
    while (p < end && k < cap) {
        uint32_t c = *p;
        size_t extra = c < 0x80    ? 0
                       : c >= 0xF8 ? 9
                       : c >= 0xF0 ? 3
                       : c >= 0xE0 ? 2
                       : c >= 0xC0 ? 1
                                   : 9;
        int ok = extra != 9 && extra < (size_t)(end - p);
        if (ok && extra) {
            c &= 0x7F >> (extra + 1);
            for (size_t i = 1; i <= extra; i++) {
                if ((p[i] & 0xC0) != 0x80) ok = 0;
                c = (c << 6) | (p[i] & 0x3F);
            }
        }
        out[k++] = ok ? c : 0xFFFD;
        p += ok ? extra + 1 : 1;
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
    unsigned char acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= (unsigned char)s[i];
    return acc < 0x80;
}

/* Jaro of a (iterated) against b whose byte positions are in pm; both at most 64 bytes. */
static double jaro_bits(const unsigned char *a, size_t na, const uint64_t *pm,
                        const unsigned char *b, size_t nb)
{
    if (!na || !nb) return 0.0;
    size_t r = search_range(na, nb);
    uint64_t bflag = 0, aflag = 0;
    size_t m = 0;
    for (size_t i = 0; i < na; i++) {
        size_t lo = i > r ? i - r : 0, hi = i + r < nb - 1 ? i + r : nb - 1;
        if (lo > hi) continue;
        uint64_t win = (hi >= 63 ? ~0ULL : ((1ULL << (hi + 1)) - 1)) & ~((1ULL << lo) - 1);
        uint64_t cand = pm[a[i]] & win & ~bflag;
        if (cand) {
            bflag |= cand & (0 - cand);
            aflag |= 1ULL << i;
            m++;
        }
    }
    if (!m) return 0.0;
    size_t t = 0;
    while (aflag) {
        unsigned i = (unsigned)__builtin_ctzll(aflag), j = (unsigned)__builtin_ctzll(bflag);
        t += a[i] != b[j];
        aflag &= aflag - 1;
        bflag &= bflag - 1;
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

/* Masks of b's positions, set and cleared per call so that the table stays zero between calls. */
static _Thread_local uint64_t tls_pm[128];

static double jaro_ascii(const char *a, size_t na, const char *b, size_t nb)
{
    const unsigned char *ua = (const unsigned char *)a, *ub = (const unsigned char *)b;
    for (size_t j = 0; j < nb; j++)
        tls_pm[ub[j]] |= 1ULL << j;
    double r = jaro_bits(ua, na, tls_pm, ub, nb);
    for (size_t j = 0; j < nb; j++)
        tls_pm[ub[j]] = 0;
    return r;
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
    if (na <= 64 && nb <= 64 && is_ascii(a, na) && is_ascii(b, nb))
        return winkler_bytes(jaro_ascii(a, na, b, nb), a, na, b, nb);
    return jaro_generic(a, na, b, nb, 1);
}

void xg_jw_prepare(xg_jw_pattern *p, const char *s)
{
    memset(p->pm, 0, sizeof p->pm);
    p->s = s;
    p->len = strlen(s);
    p->ascii = is_ascii(s, p->len);
    if (p->ascii && p->len <= 64)
        for (size_t j = 0; j < p->len; j++)
            p->pm[(unsigned char)s[j]] |= 1ULL << j;
}

/* jellyfish(b, pattern): b is scanned against the pattern's masks. Jaro-Winkler is symmetric
 * (the unit tests check it on the golden pairs both ways), so this equals jw(pattern, b). */
double xg_jw_cached(const xg_jw_pattern *p, const char *b, size_t nb)
{
    if (p->ascii && p->len <= 64 && nb <= 64 && is_ascii(b, nb)) {
        double j =
            jaro_bits((const unsigned char *)b, nb, p->pm, (const unsigned char *)p->s, p->len);
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
    if (!na) return nb;
    if (!nb) return na;
    size_t row[XG_KERNEL_MAX_CP + 1];
    if (nb > XG_KERNEL_MAX_CP) nb = XG_KERNEL_MAX_CP;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
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

size_t xg_osa_distance(const char *a, const char *b)
{
    uint32_t ca[OSA_MAX + 1], cb[OSA_MAX + 1];
    size_t la = strlen(a), lb = strlen(b);
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
