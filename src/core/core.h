/*
 * core/core.h — the library's internal core: the public building blocks (xgate/core.h, the CSV
 * reader in xgate/csv.h) plus the helpers every module shares but no library user needs: one
 * UTF-8 decoder, one edit distance, one JSON string getter. Not installed; src/cli and src/server
 * use the public headers only (scripts/check-layers checks it).
 */
#ifndef XG_CORE_CORE_H
#define XG_CORE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>
#include <xxhash.h>

#include "xgate/core.h"
#include "xgate/csv.h"

/* ---- JSON strings ---- */

/* The length of the longest prefix of s[0..n) that a JSON string holds as it is: no control
 * character (< 0x20), '"' or '\\'. When high is not NULL, *high is set to true if that prefix
 * holds a byte >= 0x80 (and left as it was otherwise). Inline: the JSON writers
 * (xg_buf_json_string, the audit payload) call it once a run, and a stored JSON text has a quote
 * every few bytes.
 *
 * Eight bytes at a time: in a word x, (x - 0x20..20) & ~x & 0x80..80 has the high bit of every
 * byte below 0x20 set, and of none before the first such byte (a borrow only runs upwards);
 * likewise (y - 0x01..01) & ~y for y = x ^ c..c and the bytes equal to c. So the lowest bit of
 * the three ORed names the first byte to escape (little-endian; elsewhere byte by byte). */
static inline size_t xg_json_plain_run(const char *s, size_t n, bool *high)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t seen = 0;
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; i + 8 <= n; i += 8) {
        uint64_t x, q, bs;
        memcpy(&x, s + i, 8);
        q = x ^ (ones * '"');
        bs = x ^ (ones * '\\');
        uint64_t m = (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & highs;
        if (m) {
            unsigned k = (unsigned)__builtin_ctzll(m) >> 3; /* the first byte to escape */
            if (high && k && (x & ((1ULL << (8 * k)) - 1) & highs)) *high = true;
            if (high && (seen & highs)) *high = true;
            return i + k;
        }
        seen |= x;
    }
#endif
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\') break;
        seen |= c;
    }
    if (high && (seen & highs)) *high = true;
    return i;
}

/* ---- UTF-8 ---- */
enum { XG_UTF8_REPLACEMENT = 0xFFFD };

/* Decode the code point at s, with n >= 1 bytes there. Returns its length (1 to 4) and sets *cp,
 * or returns 0 when s does not start a well-formed sequence (truncated, a bad continuation byte,
 * overlong, a surrogate, over U+10FFFF): *cp is then U+FFFD and a caller that replaces bad input
 * skips one byte. No byte after the first one that fails is read, so NUL-terminated text may be
 * passed with n = 4. The library's one decoder (inline: it sits on the scorer's hot path);
 * xg_utf8_valid is built on it. */
static inline size_t xg_utf8_next(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t c = p[0], min;
    size_t len;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0)
        len = 2, c &= 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
        len = 3, c &= 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
        len = 4, c &= 0x07, min = 0x10000;
    else
        goto bad;
    for (size_t i = 1; i < len; i++) {
        if (i >= n || (p[i] & 0xC0) != 0x80) goto bad;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) goto bad;
    *cp = c;
    return len;
bad:
    *cp = XG_UTF8_REPLACEMENT;
    return 0;
}

/* Encode cp (at most U+10FFFF, not a surrogate: the caller's to check) as UTF-8 into out.
 * Returns its length, 1 to 4. The library's one encoder, beside its one decoder. */
static inline size_t xg_utf8_put(char out[4], uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* ---- stable sort ---- */
/* XG_DEFINE_STABLE_SORT(name, type, before) defines
 *     static void name(type *p, size_t n, type *tmp)
 * which sorts p[0..n) stably by before(const type *a, const type *b) (1 when a goes first), with
 * tmp room for n elements: insertion over runs of 12, then merges between p and tmp. The order is
 * the one glibc's merge-sort qsort gives, without its comparator calls through a pointer or its
 * byte-wise copies; the scorer sorts its candidate pairs, query keys and results with it. */
#define XG_DEFINE_STABLE_SORT(name, type, before)                                                  \
    static void name(type *p, size_t n, type *tmp)                                                 \
    {                                                                                              \
        enum { RUN = 12 };                                                                         \
        for (size_t lo = 0; lo < n; lo += RUN) {                                                   \
            size_t hi = lo + RUN < n ? lo + RUN : n;                                               \
            for (size_t i = lo + 1; i < hi; i++) {                                                 \
                type x = p[i];                                                                     \
                size_t j = i;                                                                      \
                for (; j > lo && before(&x, &p[j - 1]); j--)                                       \
                    p[j] = p[j - 1];                                                               \
                p[j] = x;                                                                          \
            }                                                                                      \
        }                                                                                          \
        type *src = p;                                                                             \
        type *dst = tmp;                                                                           \
        for (size_t w = RUN; w < n; w *= 2) {                                                      \
            for (size_t lo = 0; lo < n; lo += 2 * w) {                                             \
                size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;        \
                size_t i = lo, j = mid, k = lo;                                                    \
                while (i < mid && j < hi)                                                          \
                    dst[k++] = before(&src[j], &src[i]) ? src[j++] : src[i++];                     \
                while (i < mid)                                                                    \
                    dst[k++] = src[i++];                                                           \
                while (j < hi)                                                                     \
                    dst[k++] = src[j++];                                                           \
            }                                                                                      \
            type *t = src;                                                                         \
            src = dst;                                                                             \
            dst = t;                                                                               \
        }                                                                                          \
        if (src != p) memcpy(p, src, n * sizeof *p);                                               \
    }

/* ---- edit distance ---- */
enum { XG_EDIT_MAX = 4096 }; /* units of b counted; the rest is cut */

/* Levenshtein distance between two arrays of code units (code points, or bytes widened): unit
 * insertions, deletions and substitutions. No allocation. */
size_t xg_edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* ---- files kept between runs (cachedir.c) ---- */
/* The cache directory into out[cap]: $XGATE_SNAPSHOT_DIR ("off": none), else
 * $XDG_CACHE_HOME/xgate, else ~/.cache/xgate; created when missing. 0, or -1 for no cache. */
int xg_cache_dir(char *out, size_t cap);
/* The running binary's identity (size, modification time and inode of the file holding xgate's
 * code, found by dladdr so that it is xgate's under valgrind too; /proc/self/exe as a fallback),
 * hashed: part of the key of every file the binary compiled, so that another build compiles
 * again. Computed once per process. */
void xg_build_id(uint8_t id[16]);
/* <cache dir>/<stem>-<key in hex>.<ext> into out[cap]; -1 when there is no cache directory. */
int xg_cache_path(char *out, size_t cap, const char *stem, const char *ext, XXH128_hash_t key);
/* The payload of `file` (heap, NUL-terminated after *len bytes) when the file holds `magic`
 * (8 bytes), `key` and a payload with its checksum; NULL when missing, truncated, damaged or of
 * another key: the caller builds the table and writes it again. */
char *xg_cache_get(const char *file, const char magic[8], XXH128_hash_t key, size_t *len);
/* A read-only mapping of a cache file (xg_cache_map). */
typedef struct xg_cache_mapping {
    void *base;
    size_t size;
} xg_cache_mapping;
/* As xg_cache_get, but the file is mapped read-only and the payload used in place: a pointer
 * to its *len bytes (aligned to 32 bytes within the page-aligned mapping), valid until
 * xg_cache_unmap(m); NULL (and nothing mapped) when missing, damaged or of another key. */
const void *xg_cache_map(const char *file, const char magic[8], XXH128_hash_t key, size_t *len,
                         xg_cache_mapping *m);
void xg_cache_unmap(xg_cache_mapping *m);
/* After `written` (a path in the cache directory) was written: keep it and the newest
 * $XGATE_SNAPSHOT_KEEP - 1 (default 3) other files named <stem>-*.<ext> beside it (tables of
 * other builds or sources), remove the rest and <stem>-*.tmp files a crashed writer left more than
 * an hour ago. A process that has a removed file mapped keeps its mapping. */
void xg_cache_prune(const char *written, const char *stem, const char *ext);
/* Write `file` (temporary file, rename); failure only means no cache. */
void xg_cache_put(const char *file, const char magic[8], XXH128_hash_t key, const void *body,
                  size_t len);

/* ---- JSON ---- */
/* The string value of o[key], or NULL when it is absent or not a string. */
const char *xg_json_str(const json_t *o, const char *key);

#endif
