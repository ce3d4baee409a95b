/*
 * kernels.h — string similarity kernels shared inside the matcher (internal).
 *
 * The public entry points (xg_jaro, xg_jaro_winkler, xg_levenshtein in xgate/screen.h) take two
 * UTF-8 strings. The scorer compares one query token with many list tokens, so it prepares the
 * query side once (xg_jw_pattern: its code points and, when it is ASCII and short, the
 * bit masks of its positions per byte) and compares it with each candidate without allocating.
 * Semantics are jellyfish's: by Unicode code point, prefix scale 0.1, at most 4 prefix
 * characters, prefix bonus only when Jaro > 0.7.
 */
#ifndef XG_MATCH_KERNELS_H
#define XG_MATCH_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Longest string (in code points) the kernels compare in full; longer inputs are cut here so that
 * every buffer lives on the stack. Names are at most XG_NAME_MAX_BYTES anyway. */
#define XG_KERNEL_MAX_CP 4096

/* Decode UTF-8 into code points (at most `cap`); invalid bytes become U+FFFD. Returns the count. */
size_t xg_match_utf8_decode(uint32_t *out, size_t cap, const char *s, size_t n);

/* Jaro and Jaro-Winkler over code point arrays. */
double xg_jaro_cp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
double xg_jaro_winkler_cp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
size_t xg_levenshtein_cp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, each substring
 * edited once) by code point: a swapped pair of letters is one typo, not two. Strings over 64
 * code points fall back to Levenshtein. */
size_t xg_osa_distance(const char *a, const char *b);

/* 1 when the Jaro-Winkler similarity of a and b (na, nb bytes) is surely below `floor`, from
 * their letters alone: a character of one string that occurs nowhere in the other cannot be a
 * Jaro match, so matches <= min(na - missing_a, nb - missing_b), and Jaro-Winkler is at most
 * what that many matches, no transposition and a full prefix would give. A true upper bound
 * (checked in tests/unit/match/test_match_kernels.c): callers skip the kernel when it says 1 and
 * the kernel's value would have been thrown away. 0 (no claim) for non-ASCII strings. */
int xg_jw_below(const char *a, size_t na, const char *b, size_t nb, double floor);
/* The letters of s (n bytes) as xg_jw_below sees them: bit (byte & 63) per byte; *ascii set to 1
 * when every byte is below 0x80. */
uint64_t xg_jw_letters(const char *s, size_t n, int *ascii);
/* xg_jw_below for two ASCII strings whose xg_jw_letters are known (ma, mb): the same answer,
 * without measuring the letters again for every pair. */
int xg_jw_below_letters(const char *a, size_t na, uint64_t ma, const char *b, size_t nb,
                        uint64_t mb, double floor);
/* xg_jw_below_letters' second test alone, by the characters' positions (na, nb >= 1): for a
 * caller that made the first, from the letter sets, itself (xg_jw_below_min). */
int xg_jw_below_positions(const char *a, size_t na, uint64_t ma, const char *b, size_t nb,
                          uint64_t mb, double floor);
/* That first test's table for the floor 0.80 (XG_PAIR_FLOOR): the fewest Jaro matches of
 * strings of na and nb bytes (1 .. 64) that do not keep Jaro-Winkler under it (65: none).
 * Filled once, by the first xg_jw_prepare; all zero (no claim) until then. */
extern unsigned char xg_jw_below_min[65][65];

/* xg_jaro_winkler(a, b) for two ASCII strings of known lengths (na, nb bytes): the same value,
 * without measuring them again. */
double xg_jaro_winkler_ascii(const char *a, size_t na, const char *b, size_t nb);

/* ASCII strings up to 64 * XG_JW_WORDS bytes run bit-parallel. */
#define XG_JW_WORDS 4

/* A prepared pattern for many Jaro-Winkler comparisons against the same string: for an ASCII
 * pattern, bit i of pm[i / 64][c] is set where s[i] == c (only the words its length needs are
 * initialised). */
typedef struct xg_jw_pattern {
    const char *s; /* borrowed */
    size_t len;    /* bytes */
    int ascii;     /* all bytes < 0x80, and len <= 64 * XG_JW_WORDS */
    uint64_t pm[XG_JW_WORDS][128];
} xg_jw_pattern;

void xg_jw_prepare(xg_jw_pattern *p, const char *s);
/* Jaro-Winkler of the prepared pattern against `b` (length nb bytes): equal to
 * xg_jaro_winkler(p->s, b). */
double xg_jw_cached(const xg_jw_pattern *p, const char *b, size_t nb);

#endif
