/*
 * index.c — candidate keys of names, and the packed inverted index over them.
 *
 * A query must never compare itself with every listed name, yet it must find names that differ
 * by typos, split words, word order, script or romanisation. So each name is entered under many
 * cheap keys — its words, joined neighbours, character trigrams, Han bigrams and a phonetic key
 * per word — and a query ranks names by the rarity-weighted keys they share with it (see
 * screen.c). Keys are bare 64-bit hashes: a collision only adds a candidate, which the scorer
 * then rejects. The build is a stable LSD radix sort of (key, id) pairs, so that ~3 million
 * pairs pack in well under a second and ids stay ascending within each key.
 */
#include "match/index.h"
#include "xgate/error.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
/* inlined: a query's keys are mostly 3-byte trigram hashes, which cost less than the call */
#define XXH_INLINE_ALL
#include <xxhash.h>

uint64_t xg_key_hash(char kind, const char *s, size_t n)
{
    return XXH3_64bits_withSeed(s, n, (uint64_t)(unsigned char)kind * 0x9E3779B97F4A7C15ULL);
}

static size_t emit_tok(xg_key *out, size_t k, size_t cap, char kind, const char *s, size_t n,
                       size_t tok)
{
    uint16_t t = tok < XG_KEY_NOTOK ? (uint16_t)tok : XG_KEY_NOTOK;
    if (k < cap && n) out[k++] = (xg_key){xg_key_hash(kind, s, n), kind, t};
    return k;
}

static size_t emit(xg_key *out, size_t k, size_t cap, char kind, const char *s, size_t n)
{
    return emit_tok(out, k, cap, kind, s, n, XG_KEY_NOTOK);
}

/* Soundex digits without truncation: consonant classes, vowels dropped, runs collapsed. */
static size_t phonetic(char *out, size_t cap, const char *w)
{
    static const char code[26] = "01230120022455012623010202";
    size_t k = 0;
    char last = 0;
    for (const char *p = w; *p && k + 1 < cap; p++) {
        int c = tolower((unsigned char)*p);
        if (c < 'a' || c > 'z') return 0; /* only plain Latin words get a key */
        char d = code[c - 'a'];
        if (p == w) {
            out[k++] = (char)c;
        } else if (d != '0' && d != last) {
            out[k++] = d;
        }
        if (c != 'h' && c != 'w') last = d;
    }
    return k;
}

static size_t word_keys(xg_key *out, size_t k, size_t cap, const char *w, int whole, size_t tok)
{
    size_t n = strlen(w);
    if (whole) k = emit_tok(out, k, cap, 'w', w, n, tok);
    if (n >= 3) {
        char padded[72];
        if (n > 64) n = 64;
        padded[0] = ' ';
        memcpy(padded + 1, w, n);
        padded[n + 1] = ' ';
        for (size_t i = 0; i + 3 <= n + 2; i++)
            k = emit_tok(out, k, cap, 't', padded + i, 3, tok);
        char ph[72];
        size_t pl = phonetic(ph, sizeof ph, w);
        if (pl >= 2) k = emit_tok(out, k, cap, 'p', ph, pl, tok);
    }
    return k;
}

static int indexable(const xg_token *t)
{
    return t->kind == XG_TOK_WORD || t->kind == XG_TOK_NUMBER;
}

static size_t han_keys(xg_key *out, size_t k, size_t cap, const char *han)
{
    size_t total = strlen(han);
    for (size_t i = 0; i < total && k < cap;) {
        unsigned char c = (unsigned char)han[i];
        size_t l1 = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (i + l1 >= total) {
            if (i == 0) k = emit(out, k, cap, 'h', han, total); /* a one-character name */
            break;
        }
        unsigned char c2 = (unsigned char)han[i + l1];
        size_t l2 = c2 < 0x80 ? 1 : c2 >= 0xF0 ? 4 : c2 >= 0xE0 ? 3 : c2 >= 0xC0 ? 2 : 1;
        if (i + l1 + l2 > total) break;
        k = emit(out, k, cap, 'h', han + i, l1 + l2);
        i += l1;
    }
    return k;
}

/* The spellings of a sound pattern (xg_token.sound, "ou|o sai|say"): every choice of one
 * spelling per syllable but the all-pinyin one (already the token's own key), each as a
 * whole-word key, at most SOUND_MAX_KEYS of them, so that a query read by sound meets the list
 * names spelled so without a trigram search. */
enum { SOUND_MAX_KEYS = 16, SOUND_MAX_SYLLABLES = 8 };

/* The spellings of a sound pattern, one choice per syllable, turned through as an odometer
 * turns; all zeros is the pinyin. */
typedef struct spellings {
    const char *group[SOUND_MAX_SYLLABLES];
    size_t ng, nalt[SOUND_MAX_SYLLABLES], choice[SOUND_MAX_SYLLABLES];
} spellings;

static void spellings_start(spellings *sp, const char *pattern)
{
    memset(sp, 0, sizeof *sp);
    for (const char *p = pattern; *p && sp->ng < SOUND_MAX_SYLLABLES; sp->ng++) {
        sp->group[sp->ng] = p;
        sp->nalt[sp->ng] = 1;
        for (; *p && *p != ' '; p++)
            sp->nalt[sp->ng] += *p == '|';
        while (*p == ' ')
            p++;
    }
}

/* The next choice; false after the last (back at all zeros). */
static bool spellings_next(spellings *sp)
{
    size_t g = 0;
    while (g < sp->ng && ++sp->choice[g] == sp->nalt[g])
        sp->choice[g++] = 0;
    return g < sp->ng;
}

/* The current choice's spelling into word[cap]: its length, or SIZE_MAX when it does not fit. */
static size_t spellings_word(const spellings *sp, char *word, size_t cap)
{
    size_t len = 0;
    for (size_t i = 0; i < sp->ng; i++) {
        const char *p = sp->group[i];
        for (size_t c = 0; c < sp->choice[i]; c++)
            p = strchr(p, '|') + 1;
        size_t n = strcspn(p, "| ");
        if (len + n >= cap) return SIZE_MAX;
        memcpy(word + len, p, n);
        len += n;
    }
    return len;
}

static size_t sound_keys(xg_key *out, size_t k, size_t cap, const char *pattern, size_t tok)
{
    spellings sp;
    spellings_start(&sp, pattern);
    for (size_t made = 0; made < SOUND_MAX_KEYS && k < cap;) {
        if (!spellings_next(&sp)) break; /* all zeros, the pinyin, is the token's own key */
        char word[72];
        size_t len = spellings_word(&sp, word, sizeof word);
        if (len == SIZE_MAX) return k;
        k = emit_tok(out, k, cap, 'w', word, len, tok);
        made++;
    }
    return k;
}

/* The sound skeleton of a spelling ('k' key): its consonants in order, as score.c's
 * xg_sound_sim hears a Chinese brand in a Latin word — vowels are spelled freely (and y, w with
 * them), k may be written c, zh/ch/sh are said z/c/s and ng n — so a list word spelled by a query
 * word's sound pattern has the skeleton of one of the pattern's spellings ("dason" and 达仕恩
 * da|… s|shi|… en|… are both "dsn"). 0 when w is no plain lowercase word of
 * SOUND_KEY_MIN_LEN..63 letters, as xg_sound_sim takes, or has no consonant. */
enum { SOUND_KEY_MIN_LEN = 4, SOUND_KEY_MIN_CONSONANTS = 3 };

static size_t skeleton(char *out, const char *w, size_t n)
{
    if (n < SOUND_KEY_MIN_LEN || n > 63) return 0;
    size_t k = 0;
    char prev = 0;
    for (size_t i = 0; i < n; i++) {
        char c = w[i];
        if (c < 'a' || c > 'z') return 0;
        if (c == 'k') c = 'c';
        char p = prev;
        prev = c;
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w')
            continue;
        if (c == 'h' && (p == 'z' || p == 'c' || p == 's')) continue;
        if (c == 'g' && p == 'n') continue;
        out[k++] = c;
    }
    return k >= SOUND_KEY_MIN_CONSONANTS ? k : 0;
}

/* The sound skeletons of a query word's sound pattern: of every choice of one spelling per
 * syllable (at most SKELETON_MAX_SPELLINGS of them tried), each distinct one as a 'k' key. */
enum { SKELETON_MAX_SPELLINGS = 256, SKELETON_MAX_KEYS = 8 };

static size_t skeleton_keys(xg_key *out, size_t k, size_t cap, const char *pattern, size_t tok)
{
    spellings sp;
    spellings_start(&sp, pattern);
    uint64_t seen[SKELETON_MAX_KEYS];
    size_t nseen = 0;
    for (size_t tried = 0; tried < SKELETON_MAX_SPELLINGS && k < cap; tried++) {
        char word[72], sk[72];
        size_t len = spellings_word(&sp, word, sizeof word);
        if (len == SIZE_MAX) return k;
        size_t sl = skeleton(sk, word, len);
        if (sl) {
            uint64_t h = xg_key_hash('k', sk, sl);
            size_t j = 0;
            while (j < nseen && seen[j] != h)
                j++;
            if (j == nseen) {
                if (nseen == SKELETON_MAX_KEYS) break;
                seen[nseen++] = h;
                out[k++] = (xg_key){h, 'k', tok < XG_KEY_NOTOK ? (uint16_t)tok : XG_KEY_NOTOK};
            }
        }
        if (!spellings_next(&sp)) break;
    }
    return k;
}

size_t xg_name_keys(xg_key *out, size_t cap, const xg_name *n, int for_query)
{
    size_t k = 0, words = 0;
    for (size_t i = 0; i < n->ntokens && k < cap; i++) {
        const xg_token *t = &n->tokens[i];
        /* organisation words get trigrams too, so that a mistyped one ("internltional") still
         * meets its listed form; their whole-word key is their symbol (below) */
        if (!for_query && t->kind == XG_TOK_ORG && !strchr(t->text, ' '))
            k = word_keys(out, k, cap, t->text, 0, i);
        if (!indexable(t)) continue;
        words++;
        k = word_keys(out, k, cap, t->text, 1, i);
        if (for_query && t->sound) {
            k = sound_keys(out, k, cap, t->sound, i);
            k = skeleton_keys(out, k, cap, t->sound, i);
        } else if (!for_query && !t->from_han && t->kind == XG_TOK_WORD && k < cap) {
            char sk[72];
            size_t sl = skeleton(sk, t->text, strlen(t->text));
            if (sl) k = emit_tok(out, k, cap, 'k', sk, sl, i);
        }
        for (const char *p = for_query ? t->senses : NULL; p && *p && k < cap;) {
            size_t len = strcspn(p, "|"); /* each other English sense, as a whole word */
            k = emit_tok(out, k, cap, 'w', p, len, i);
            p += len + (p[len] == '|');
        }
        if (i + 1 < n->ntokens && indexable(&n->tokens[i + 1])) {
            char joined[160];
            size_t a = strlen(t->text), b = strlen(n->tokens[i + 1].text);
            if (a + b < sizeof joined) {
                memcpy(joined, t->text, a);
                memcpy(joined + a, n->tokens[i + 1].text, b);
                k = emit(out, k, cap, 'w', joined, a + b);
            }
        }
    }
    /* organisation symbols: "National University of Defense Technology" has no plain word */
    for (size_t i = 0; i < n->ntokens; i++)
        if (n->tokens[i].symbol && (n->tokens[i].kind == XG_TOK_ORG || !words))
            k = emit(out, k, cap, 's', n->tokens[i].symbol, strlen(n->tokens[i].symbol));
    if (n->han) k = han_keys(out, k, cap, n->han);
    return k;
}

size_t xg_ident_normalise(char *out, size_t cap, const char *value)
{
    size_t k = 0;
    for (const char *p = value; *p && k + 1 < cap; p++)
        if (isalnum((unsigned char)*p)) out[k++] = (char)toupper((unsigned char)*p);
    out[k] = 0;
    return k;
}

int xg_index_builder_add(xg_index_builder *b, uint64_t key, uint32_t id)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1 << 16;
        uint64_t *k = realloc(b->pairs_key, cap * sizeof *k);
        if (!k) return xg_error_set(XG_ENOMEM, "index: out of memory");
        b->pairs_key = k;
        uint32_t *i = realloc(b->pairs_id, cap * sizeof *i);
        if (!i) return xg_error_set(XG_ENOMEM, "index: out of memory");
        b->pairs_id = i;
        b->cap = cap;
    }
    b->pairs_key[b->n] = key;
    b->pairs_id[b->n++] = id;
    return 0;
}

void xg_index_builder_free(xg_index_builder *b)
{
    free(b->pairs_key);
    free(b->pairs_id);
    memset(b, 0, sizeof *b);
}

/* Stable LSD radix sort of (key, id) by key, 16 bits per pass. */
static int radix_sort(uint64_t *key, uint32_t *id, size_t n)
{
    uint64_t *k2 = malloc(n * sizeof *k2 + 1);
    uint32_t *i2 = malloc(n * sizeof *i2 + 1);
    size_t *count = malloc(65536 * sizeof *count);
    if (!k2 || !i2 || !count) {
        free(k2), free(i2), free(count);
        return xg_error_set(XG_ENOMEM, "index: out of memory");
    }
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(key[i] >> shift) & 0xFFFF]++;
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t pos = count[(key[i] >> shift) & 0xFFFF]++;
            k2[pos] = key[i];
            i2[pos] = id[i];
        }
        memcpy(key, k2, n * sizeof *key);
        memcpy(id, i2, n * sizeof *id);
    }
    free(k2), free(i2), free(count);
    return 0;
}

int xg_index_builder_finish(xg_index_builder *b, xg_index *idx)
{
    memset(idx, 0, sizeof *idx);
    size_t n = b->n;
    int rc = n ? radix_sort(b->pairs_key, b->pairs_id, n) : 0;
    if (rc) return rc;
    idx->keys = malloc((n + 1) * sizeof *idx->keys);
    idx->off = malloc((n + 2) * sizeof *idx->off);
    idx->post = malloc((n + 1) * sizeof *idx->post);
    if (!idx->keys || !idx->off || !idx->post) {
        xg_index_free(idx);
        return xg_error_set(XG_ENOMEM, "index: out of memory");
    }
    size_t nk = 0, np = 0;
    for (size_t i = 0; i < n; i++) {
        if (!nk || idx->keys[nk - 1] != b->pairs_key[i]) {
            idx->keys[nk] = b->pairs_key[i];
            idx->off[nk++] = (uint32_t)np;
        } else if (idx->post[np - 1] == b->pairs_id[i]) {
            continue; /* the same name under the same key twice */
        }
        idx->post[np++] = b->pairs_id[i];
    }
    idx->off[nk] = (uint32_t)np;
    idx->nkeys = nk;
    idx->npost = np;
    xg_index_builder_free(b);
    return 0;
}

/* The first index whose key is >= key (n when none). Keys are 64-bit hashes, spread evenly:
 * the key's place is guessed from its value, then the answer is bracketed by doubling steps from
 * the guess and found by bisection inside the bracket — a few probes near one another instead of
 * a bisection's twenty over the whole array, most of them cache misses. Any key order gives the
 * same answer as a plain bisection; only the number of probes depends on the spread. */
size_t xg_index_lower_bound(const uint64_t *keys, size_t n, uint64_t key)
{
    if (!n) return 0;
    /* key / 2^64 * n, from the key's top half (n < 2^32: offsets are 32-bit), so g < n */
    size_t g = n > UINT32_MAX ? n / 2 : (size_t)(((key >> 32) * (uint64_t)n) >> 32);
    size_t lo, hi;
    if (keys[g] < key) { /* the answer is in (g, n] */
        lo = g + 1;
        for (size_t step = 1;; step <<= 1) {
            hi = lo + step - 1;
            if (hi >= n) {
                hi = n;
                break;
            }
            if (keys[hi] >= key) break; /* in [lo, hi] */
            lo = hi + 1;
        }
    } else { /* keys[g] >= key: the answer is in [0, g] */
        hi = g;
        for (size_t step = 1;; step <<= 1) {
            if (step > hi) {
                lo = 0;
                break;
            }
            if (keys[hi - step] < key) { /* in (hi - step, hi] */
                lo = hi - step + 1;
                break;
            }
            hi -= step;
        }
    }
    while (lo < hi) { /* keys[lo - 1] < key (or lo == 0); keys[hi] >= key (or hi == n) */
        size_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t xg_index_get(const xg_index *idx, uint64_t key, const uint32_t **ids)
{
    size_t lo = xg_index_lower_bound(idx->keys, idx->nkeys, key);
    if (lo == idx->nkeys || idx->keys[lo] != key) return 0;
    *ids = idx->post + idx->off[lo];
    return idx->off[lo + 1] - idx->off[lo];
}

void xg_index_free(xg_index *idx)
{
    free(idx->keys);
    free(idx->off);
    free(idx->post);
    memset(idx, 0, sizeof *idx);
}
