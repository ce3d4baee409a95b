/*
 * score.c — how similar is a query name to one list name, and why.
 *
 * Names are aligned token by token, in any order: every plausible pair (query token, list token)
 * gets a similarity — symbols compare by equality (`Co., Ltd.` = `Company Limited`), numbers
 * must be equal, words by Jaro-Winkler checked by edit distance — and the best pairs are taken
 * greedily, each token used once. A query token may also pair with two adjacent list tokens
 * ("huawei" ~ "hua wei") and the other way round. The score is the matched weight over the
 * matched weight plus penalties for what stayed unmatched (query words cost 0.8 of their weight,
 * list words 0.3), so "Sichuan Agricultural University" stays far from "Sichuan University"
 * while "National University of Defense Technology" is close to "... (NUDT)".
 *
 * When both names carry Han characters, the Dice coefficient of their character bigrams is
 * computed as well: same-script Chinese is compared in its own script, not only through pinyin.
 */
#include "core/core.h"
#include "match/score.h"
#include "match/zh_pieces.h"
#include "xgate/core.h"
#include "xgate/screen.h"

#include <ctype.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

double xg_token_weight(const xg_token *t)
{
    switch (t->kind) {
    case XG_TOK_NUMBER:
        return XG_W_NUMBER;
    case XG_TOK_LEGAL:
        return XG_W_LEGAL;
    case XG_TOK_ORG:
        return XG_W_ORG;
    case XG_TOK_STOP:
        return XG_W_STOP;
    default:
        return XG_W_WORD;
    }
}

float xg_symbol_weight(size_t df, size_t n)
{
    if (!df || n < 64) return (float)XG_W_ORG;
    double w = log((double)n / (double)df) / log((double)n / 16.0);
    w *= w;
    return (float)(w < XG_W_ORG_MIN ? XG_W_ORG_MIN : w > 1.0 ? 1.0 : w);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

size_t xg_han_bigrams(uint32_t *out, size_t cap, const char *han)
{
    if (!han || !*han) return 0;
    size_t n = 0, total = strlen(han);
    const char *p = han;
    while (*p && n < cap) {
        size_t l1 = utf8_len((unsigned char)*p);
        if ((size_t)(p - han) + l1 >= total) break;
        size_t l2 = utf8_len((unsigned char)p[l1]);
        if ((size_t)(p - han) + l1 + l2 > total) break;
        out[n++] = (uint32_t)XXH32(p, l1 + l2, 0x68616e);
        p += l1;
    }
    qsort(out, n, sizeof *out, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || out[k - 1] != out[i]) out[k++] = out[i];
    return k;
}

/* True when token `a` (an unmatched plain word) is the acronym of the name's other words, in
 * order ("nudt" in "National University of Defense Technology (NUDT)", "smic"): it repeats the
 * name rather than adding to it, so it costs nothing when unmatched. */
static int is_own_acronym(const xg_token *t, size_t n, size_t a)
{
    const char *s = t[a].text;
    size_t len = strlen(s), k = 0;
    if (t[a].kind != XG_TOK_WORD || len < 3 || len > 8) return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalpha((unsigned char)s[i])) return 0;
    for (size_t i = 0; i < n && k < len; i++)
        if (i != a && t[i].kind != XG_TOK_STOP && t[i].text[0] == s[k]) k++;
    return k == len;
}

/* The words whose initials spell the name's own acronym token `a` (the first word taking each
 * letter, in order): what the acronym stands for. */
static uint64_t acronym_expansion(const xg_token *t, size_t n, size_t a)
{
    const char *s = t[a].text;
    size_t len = strlen(s), k = 0;
    uint64_t m = 0;
    for (size_t i = 0; i < n && i < 64 && k < len; i++)
        if (i != a && t[i].kind != XG_TOK_STOP && t[i].text[0] == s[k]) m |= 1ULL << i, k++;
    return k == len ? m : 0;
}

static uint64_t acronym_mask(const xg_token *t, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        if (is_own_acronym(t, n, i)) m |= 1ULL << i;
    return m;
}

static uint64_t phrase_mask(const xg_token *t, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        if (strchr(t[i].text, ' ')) m |= 1ULL << i;
    return m;
}

static uint64_t reading_mask(const xg_token *t, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        if (t[i].alt && strchr(t[i].alt, ' ')) m |= 1ULL << i;
    return m;
}

static uint64_t repeat_mask(const xg_token *t, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n && i < 64; i++)
        for (size_t k = i + 1; k < n && k < 64; k++)
            if (!strcmp(t[i].text, t[k].text)) m |= 1ULL << i | 1ULL << k;
    return m;
}

static void word_sig_of(xg_word_sig *g, const char *s);

/* The words of a senses string ("hygiene|sanitation") measured into q->sense_sig from *nsense on,
 * their text copied into q->sense_text from *used on, as senses_text_sim reads them (words of 64
 * bytes or more are never compared). Returns how many, or XG_SENSES_UNPREPARED when they do not
 * fit (nothing kept). */
static uint16_t prepare_senses(xg_score_query *q, const char *senses, size_t *nsense, size_t *used)
{
    size_t at = *nsense, u = *used;
    if (!senses) return 0;
    for (const char *p = senses; *p;) {
        size_t len = strcspn(p, "|");
        if (len < 64) {
            if (at == XG_SCORE_MAX_SENSES || u + len + 1 > XG_SCORE_SENSE_TEXT)
                return XG_SENSES_UNPREPARED;
            memcpy(q->sense_text + u, p, len);
            q->sense_text[u + len] = '\0';
            word_sig_of(&q->sense_sig[at++], q->sense_text + u);
            u += len + 1;
        }
        p += len + (p[len] == '|');
    }
    uint16_t n = (uint16_t)(at - *nsense);
    *nsense = at;
    *used = u;
    return n;
}

static int has_symbol(const xg_token *t, size_t n, const char *sym, int from_han);
static int company_query(const xg_score_query *q);
static size_t reading_words(char *buf, size_t cap, const char *reading, const char **w,
                            size_t wcap);

/* The words of the query's multi-word readings (q->readings) into q->read_sig, as reading_span
 * splits them; a token whose words do not fit keeps XG_SENSES_UNPREPARED. */
static void prepare_readings(xg_score_query *q)
{
    size_t at = 0, used = 0;
    for (size_t i = 0; i < q->ntok; i++) {
        q->read_at[i] = (uint16_t)at;
        q->read_n[i] = 0;
        if (i >= 64 || !(q->readings >> i & 1)) continue;
        const char *w[XG_SCORE_MAX_READ_WORDS];
        size_t n = reading_words(q->read_text + used, sizeof q->read_text - used,
                                 q->name->tokens[i].alt, w, XG_SCORE_MAX_READ_WORDS - at);
        if (n == (size_t)-1) {
            q->read_n[i] = XG_SENSES_UNPREPARED;
            continue;
        }
        for (size_t k = 0; k < n; k++)
            word_sig_of(&q->read_sig[at + k], w[k]);
        q->read_n[i] = (uint16_t)n;
        at += n;
        used += strnlen(q->name->tokens[i].alt, 127) + 1;
    }
    q->nread = at;
}

/* The lengths of the words xg_sound_sim can accept for `pattern`, read as it reads it: each
 * group (up to a space) moves a reached position on by one of its non-empty spellings, so the
 * word's length is the sum of one such spelling's length per group. *lo > *hi: none. */
static void sound_span(const char *pattern, uint16_t *lo, uint16_t *hi)
{
    size_t mn = 0, mx = 0;
    *lo = 1, *hi = 0;
    if (!pattern) return;
    for (const char *p = pattern; *p;) {
        size_t gmin = SIZE_MAX, gmax = 0;
        while (*p && *p != ' ') {
            const char *alt = p;
            while (*p && *p != ' ' && *p != '|')
                p++;
            size_t n = (size_t)(p - alt);
            if (n && n < gmin) gmin = n;
            if (n > gmax) gmax = n;
            if (*p == '|') p++;
        }
        while (*p == ' ')
            p++;
        if (gmin == SIZE_MAX) return; /* a group with no spelling: nothing is reached */
        mn += gmin, mx += gmax;
        if (mn > 63) return; /* xg_sound_sim takes no word over 63 bytes */
    }
    *lo = (uint16_t)mn, *hi = (uint16_t)(mx > 63 ? 63 : mx);
}

void xg_score_prepare(xg_score_query *q, const xg_name *name, const uint32_t *bigrams,
                      size_t nbigrams, xg_jw_pattern *pats)
{
    q->name = name;
    q->memo = NULL;
    q->pat = pats;
    q->ntok = name->ntokens < XG_SCORE_MAX_TOKENS ? name->ntokens : XG_SCORE_MAX_TOKENS;
    q->truncated = name->ntokens > XG_SCORE_MAX_TOKENS;
    size_t nsense = 0, used = 0;
    for (size_t i = 0; i < q->ntok; i++) {
        xg_jw_prepare(&q->pat[i], name->tokens[i].text);
        q->len[i] = q->pat[i].len;
        q->w[i] = (float)xg_token_weight(&name->tokens[i]);
        sound_span(name->tokens[i].sound, &q->sound_min[i], &q->sound_max[i]);
        word_sig_of(&q->text_sig[i], name->tokens[i].text);
        if (name->tokens[i].alt) word_sig_of(&q->alt_sig[i], name->tokens[i].alt);
        q->sense_at[i] = (uint16_t)nsense;
        q->sense_n[i] = prepare_senses(q, name->tokens[i].senses, &nsense, &used);
    }
    q->han_bigrams = bigrams;
    q->nhan_bigrams = nbigrams;
    q->text = NULL;
    q->acronyms = acronym_mask(name->tokens, q->ntok);
    q->phrases = phrase_mask(name->tokens, q->ntok);
    q->readings = reading_mask(name->tokens, q->ntok);
    prepare_readings(q);
    q->repeats = repeat_mask(name->tokens, q->ntok);
    q->places = 0;
    q->levels = 0;
    for (size_t i = 0; i < q->ntok && i < 64; i++) {
        if (name->tokens[i].place && name->tokens[i].from_han) q->places |= 1ULL << i;
        if (name->tokens[i].level) q->levels = 1;
    }
    /* the Chinese-name rules' query side, once here rather than per candidate */
    q->han = name->han != NULL;
    q->university = (unsigned char)has_symbol(name->tokens, q->ntok, "UNIVERSITY", 1);
    q->company = (unsigned char)(q->han && company_query(q));
    q->pieces = 0;
    if (q->han) xg_zh_pieces_prepare(q);
}

/* Spelling variants of transliteration folded to one form, so that the edit-distance check
 * counts differences of sound, not of romanisation system: x = ks, ph = f, w = v, kh = h,
 * ck = k, and a final -ij/-iy/-yj = y (Dmitrij, Dmitriy, Dmitry). Returns 0 when the word does
 * not fit. */
static int fold_romanisation(char *out, size_t cap, const char *w)
{
    size_t k = 0, n = strlen(w);
    if (n + n + 1 > cap) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = w[i], d = w[i + 1];
        if (c == 'x') {
            out[k++] = 'k';
            out[k++] = 's';
        } else if ((c == 'p' && d == 'h') || (c == 'k' && d == 'h') || (c == 'c' && d == 'k')) {
            out[k++] = c == 'p' ? 'f' : c == 'k' ? 'h' : 'k';
            i++;
        } else if ((c == 'i' || c == 'y') && (d == 'j' || d == 'y') && i + 2 == n) {
            out[k++] = 'y';
            i++;
        } else {
            out[k++] = c == 'w' ? 'v' : c;
        }
    }
    out[k] = 0;
    return 1;
}

static size_t bits64(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (size_t)((x * 0x0101010101010101ULL) >> 56);
}

/* xg_jw_below_letters(a, na, ma, b, nb, mb, XG_PAIR_FLOOR) for two ASCII words: its first test,
 * from the letter sets, made here (most pairs stop at it, without a call), its second in the
 * kernel. */
static inline int pair_below(const char *a, size_t na, uint64_t ma, const char *b, size_t nb,
                             uint64_t mb)
{
    if (!na || !nb) return 0;
    if (na <= 64 && nb <= 64) {
        size_t qa = bits64(ma & ~mb), qb = bits64(mb & ~ma);
        size_t ua = na > qa ? na - qa : 0, ub = nb > qb ? nb - qb : 0;
        if ((ua < ub ? ua : ub) < xg_jw_below_min[na][nb]) return 1;
        return xg_jw_below_positions(a, na, ma, b, nb, mb, XG_PAIR_FLOOR);
    }
    return xg_jw_below_letters(a, na, ma, b, nb, mb, XG_PAIR_FLOOR);
}

/* The bag distance of two ASCII words: the larger of the two counts of bytes one word has beyond
 * the other's (as multisets). An edit changes each count by at most one and a swap by none, so
 * it is a lower bound of the edit distance (xg_osa_distance). The counts differ by na - nb. */
static size_t bag_distance(const char *a, size_t na, const char *b, size_t nb)
{
    int8_t c[128] = {0};
    for (size_t i = 0; i < na; i++)
        c[(unsigned char)a[i] & 127]++;
    for (size_t i = 0; i < nb; i++)
        c[(unsigned char)b[i] & 127]--;
    size_t more = 0; /* the bytes of a beyond b's, each value counted once */
    for (size_t i = 0; i < na; i++) {
        unsigned char x = (unsigned char)a[i] & 127;
        if (c[x] > 0) more += (size_t)c[x], c[x] = 0;
    }
    size_t less = more + nb - na; /* the bytes of b beyond a's */
    return more > less ? more : less;
}

/* The letter-set bits (xg_jw_letters: byte value modulo 64) of the letters fold_romanisation
 * may rewrite: x, w, h (ph, kh), k (ck), j and y (a final -ij, -iy, -yj, -yy). */
#define FOLD_BITS                                                                                  \
    (1ULL << ('x' & 63) | 1ULL << ('w' & 63) | 1ULL << ('h' & 63) | 1ULL << ('k' & 63) |           \
     1ULL << ('j' & 63) | 1ULL << ('y' & 63))

/* Word similarity: Jaro-Winkler, refused when the edit distance (a swap of two letters counting
 * as one edit) is over a quarter of the longer word — Jaro-Winkler alone is generous to words
 * sharing letters (belletech ~ baltech 0.86). One typo is allowed from four letters on, two from
 * eight. */
static double word_sim(const xg_jw_pattern *p, const xg_word_sig *qs, const char *b, size_t blen,
                       const xg_word_sig *bs, double edits_per_char)
{
    size_t qlen = qs->len;
    if (qlen == blen && !memcmp(p->s, b, qlen)) return 1.0;
    if (qlen <= 3 || blen <= 3) return 0.0; /* short words and acronyms must be equal */
    size_t mx = qlen > blen ? qlen : blen, diff = qlen > blen ? qlen - blen : blen - qlen;
    if ((double)diff > (double)mx * edits_per_char) return 0.0; /* edits >= diff */
    /* too few common letters (the letters measured once per token; blen is bs->len unless
     * capped at 0xFFFF by xg_score_list_init) */
    if (bs->len == blen && qs->ascii && bs->ascii && qlen <= 64 && blen <= 64) {
        uint64_t ma = qs->letters, mb = bs->letters;
        size_t qa = bits64(ma & ~mb), qb = bits64(mb & ~ma);
        /* Neither word has a letter fold_romanisation rewrites (x, w, h of ph/kh, k of ck, j or
         * y of a final -ij/-iy/-yj/-yy; their bits, modulo 64 as xg_jw_letters sets them): both
         * fold to themselves, so the edit test below is the only one, and the edit distance is
         * at least the larger count of letter-set bits the other word lacks (each such byte
         * must be substituted or deleted) and at least the bag distance. */
        int plain = !((ma | mb) & FOLD_BITS);
        double most = (double)mx * edits_per_char;
        if (plain && (double)(qa > qb ? qa : qb) > most) return 0.0;
        size_t ua = qlen > qa ? qlen - qa : 0, ub = blen > qb ? blen - qb : 0;
        if ((ua < ub ? ua : ub) < xg_jw_below_min[qlen][blen]) return 0.0;
        if (plain && (double)bag_distance(p->s, qlen, b, blen) > most) return 0.0;
        if (xg_jw_below_positions(p->s, qlen, ma, b, blen, mb, XG_PAIR_FLOOR)) return 0.0;
    } else if (bs->len == blen ? qs->ascii && bs->ascii &&
                                     pair_below(p->s, qlen, qs->letters, b, blen, bs->letters)
                               : xg_jw_below(p->s, qlen, b, blen, XG_PAIR_FLOOR))
        return 0.0;
    double jw = xg_jw_cached(p, b, blen);
    if (jw < XG_PAIR_FLOOR) return 0.0;
    if ((double)xg_osa_distance(p->s, b) <= (double)mx * edits_per_char) return jw;
    /* romanisations of the same name differ in spelling, not in sound: aleksandr ~ alexander */
    char fa[128], fb[128];
    if (!fold_romanisation(fa, sizeof fa, p->s) || !fold_romanisation(fb, sizeof fb, b)) return 0.0;
    size_t la = strlen(fa), lb = strlen(fb), fm = la > lb ? la : lb;
    return (double)xg_osa_distance(fa, fb) <= (double)fm * edits_per_char ? jw : 0.0;
}

/* Whether the text is the symbol lower-cased: ASCII letters only, as tolower does in the C
 * locale (xgate never calls setlocale) and in UTF-8 ones (bytes over 0x7F unchanged), inline
 * rather than a call per letter. */
static inline int symbol_is_text(const char *sym, const char *text)
{
    for (; *sym && *text; sym++, text++) {
        unsigned char c = (unsigned char)*sym;
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)*text) return 0;
    }
    return !*sym && !*text;
}

/* Code points in s (n bytes): the bytes that are not UTF-8 continuation bytes (10xxxxxx), eight
 * at a time — a byte's top bit set and the next one clear marks a continuation; the marks, one
 * per byte, are summed by a multiplication (no POPCNT on baseline x86-64). */
static size_t cp_count(const char *s, size_t n)
{
    size_t k = n, i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        uint64_t cont = (x & ~(x << 1) & 0x8080808080808080ULL) >> 7;
        k -= (size_t)((cont * 0x0101010101010101ULL) >> 56);
    }
    for (; i < n; i++)
        k -= ((unsigned char)s[i] & 0xC0) == 0x80;
    return k;
}

/* Whether the measured word holds no space: its letter set (one bit per byte value modulo 64)
 * lacks the space's bit, or strchr finds none — what !strchr(g->s, ' ') says, mostly without
 * reading the text. */
static int sig_one_word(const xg_word_sig *g)
{
    return !(g->letters >> (' ' & 63) & 1) || !strchr(g->s, ' ');
}

/* word_sig_of for a word of n bytes (its length known). */
static void word_sig_of_n(xg_word_sig *g, const char *s, size_t n)
{
    g->s = s;
    g->len = n;
    g->letters = xg_jw_letters(s, g->len, &g->ascii);
    g->cps = g->ascii ? g->len : cp_count(s, g->len);
}

static void word_sig_of(xg_word_sig *g, const char *s)
{
    g->s = s;
    g->len = strlen(s);
    g->letters = xg_jw_letters(s, g->len, &g->ascii);
    g->cps = g->ascii ? g->len : cp_count(s, g->len);
}

/* A token's text and alt measured (alt only when it has one). */
typedef struct tok_sig {
    xg_word_sig text, alt;
} tok_sig;

static void tok_sig_of(tok_sig *g, const xg_token *t)
{
    word_sig_of(&g->text, t->text);
    if (t->alt) word_sig_of(&g->alt, t->alt);
}

void xg_tok_meas_of(xg_tok_meas *m, const xg_token *t)
{
    tok_sig g;
    tok_sig_of(&g, t);
    *m = (xg_tok_meas){.letters = {g.text.letters},
                       .len = {(uint32_t)g.text.len},
                       .cps = {(uint32_t)g.text.cps},
                       .ascii = {(uint8_t)g.text.ascii}};
    if (t->alt) {
        m->letters[1] = g.alt.letters;
        m->len[1] = (uint32_t)g.alt.len;
        m->cps[1] = (uint32_t)g.alt.cps;
        m->ascii[1] = (uint8_t)g.alt.ascii;
    }
}

/* A token's signature from its measurements (tok_sig_of without measuring). */
static void tok_sig_from(tok_sig *g, const xg_token *t, const xg_tok_meas *m)
{
    g->text = (xg_word_sig){t->text, m->len[0], m->cps[0], m->letters[0], m->ascii[0]};
    if (t->alt) g->alt = (xg_word_sig){t->alt, m->len[1], m->cps[1], m->letters[1], m->ascii[1]};
}

static double sig_word_close(const xg_word_sig *a, const xg_word_sig *b, double edits_per_char);

/* Similarity of two single words without a prepared pattern: equal, or close as in word_sim.
 * The tests that settle most pairs are made inline, where it is called; sig_word_close makes
 * the others. */
static inline double sig_word_sim(const xg_word_sig *a, const xg_word_sig *b, double edits_per_char)
{
    size_t la = a->len, lb = b->len, mx = la > lb ? la : lb;
    if (la == lb && !memcmp(a->s, b->s, la)) return 1.0;
    if (la <= 3 || lb <= 3) return 0.0;
    /* the distance is at least the difference in code points: too far, no need to look */
    size_t dc = a->cps > b->cps ? a->cps - b->cps : b->cps - a->cps;
    if ((double)dc > (double)mx * edits_per_char) return 0.0;
    if (a->ascii && b->ascii && la <= 64 && lb <= 64) {
        /* Each byte of one word whose letter-set bit (xg_jw_letters) the other word lacks is in
         * none of the other's bytes: an edit (a substitution or deletion; a swap keeps the
         * letters) must take it. So the edit distance is at least the larger count of such bits,
         * and when that is already too far the pair fails sig_word_close's edit test whatever
         * its Jaro-Winkler. */
        size_t qa = bits64(a->letters & ~b->letters), qb = bits64(b->letters & ~a->letters);
        if ((double)(qa > qb ? qa : qb) > (double)mx * edits_per_char) return 0.0;
    }
    return sig_word_close(a, b, edits_per_char);
}

/* sig_word_sim past its first tests: two words longer than 3 bytes, not equal, their lengths in
 * code points close enough. */
static double sig_word_close(const xg_word_sig *a, const xg_word_sig *b, double edits_per_char)
{
    size_t la = a->len, lb = b->len, mx = la > lb ? la : lb;
    if (a->ascii && b->ascii) {
        /* the bag distance is a lower bound of the edit distance: too far, no need to look */
        if (la <= 64 && lb <= 64 &&
            (double)bag_distance(a->s, la, b->s, lb) > (double)mx * edits_per_char)
            return 0.0;
        if (pair_below(a->s, la, a->letters, b->s, lb, b->letters))
            return 0.0; /* too few common letters */
    }
    double jw = a->ascii && b->ascii ? xg_jaro_winkler_ascii(a->s, la, b->s, lb)
                                     : xg_jaro_winkler(a->s, b->s);
    if (jw < XG_PAIR_FLOOR) return 0.0;
    return (double)xg_osa_distance(a->s, b->s) <= (double)mx * edits_per_char ? jw : 0.0;
}

/* A one-word reading (a token's alt) against a token: its text, its symbol or its own alt
 * (ntext, nalt: the token's text and alt measured; nalt read only when it has one). */
static double reading_sig_sim(const xg_word_sig *r, const xg_token *n, const xg_word_sig *ntext,
                              const xg_word_sig *nalt, double edits)
{
    if (n->symbol && symbol_is_text(n->symbol, r->s)) return 1.0;
    double s = sig_word_sim(r, ntext, edits);
    if (s < 1.0 && n->alt && sig_one_word(nalt)) {
        double a = sig_word_sim(r, nalt, edits);
        if (a > s) s = a;
    }
    return s;
}

static double reading_sim(const char *r, const xg_token *n, double edits)
{
    xg_word_sig rs;
    tok_sig ns;
    word_sig_of(&rs, r);
    tok_sig_of(&ns, n);
    return reading_sig_sim(&rs, n, &ns.text, &ns.alt, edits);
}

/* The other readings of a Han word (xg_token.alt: pinyin beside a translation, a gloss beside
 * pinyin): the best of text/alt against text/alt. Multi-word readings are aligned as spans. */
static double alt_sim(const xg_score_query *q, size_t qi, const xg_token *n, const tok_sig *ns,
                      double edits)
{
    const xg_token *t = &q->name->tokens[qi];
    double s = 0.0;
    if (t->alt && sig_one_word(&q->alt_sig[qi]))
        s = reading_sig_sim(&q->alt_sig[qi], n, &ns->text, &ns->alt, edits);
    if (s < 1.0 && n->alt && sig_one_word(&ns->alt)) {
        double b = reading_sig_sim(&ns->alt, t, &q->text_sig[qi], &q->alt_sig[qi], edits);
        if (b > s) s = b;
    }
    return s;
}

/* senses_text for query token qi, from its senses' words measured in xg_score_prepare. */
static double senses_sim(const xg_score_query *q, size_t qi, const xg_token *n, const tok_sig *ns);

/* The best of a Chinese word's other English senses (xg_token.senses, "hygiene|sanitation")
 * against a Latin list word, as English words are compared. */
static double senses_text_sim(const char *senses, const xg_token *n)
{
    if (!senses || n->from_han) return 0.0;
    double best = 0.0;
    char word[64];
    for (const char *p = senses; *p && best < 1.0;) {
        size_t len = strcspn(p, "|");
        if (len < sizeof word) {
            memcpy(word, p, len);
            word[len] = '\0';
            double s = reading_sim(word, n, XG_EDITS);
            if (s > best) best = s;
        }
        p += len + (p[len] == '|');
    }
    return best;
}

/* Whether a spelling's letter `p` is heard in the list word's letter at text[k]: the same
 * letter, or a vowel for a vowel (brands keep a syllable's consonants and spell its vowels as
 * English does: 欧赛 ou sai is "Ausay", 恩 en is "on" in "Dason"; y after the first letter is a
 * vowel), or c for k (科斯 ke si is "cos" in "Arcos": c before a, o, u is k in English). */
static int sound_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static int sound_letter(const char *text, size_t k, char p)
{
    char t = text[k];
    if (t == p) return 1;
    if (sound_vowel(p) && (sound_vowel(t) || (t == 'y' && k > 0))) return 1;
    return p == 'k' && t == 'c';
}

/* The positions of `text` reachable after each syllable group of the pattern ("ou|o sai"), as a
 * bit set: a group moves every reached position on by each of its spellings found there. */
double xg_sound_sim(const char *pattern, const char *text)
{
    size_t len = strlen(text);
    if (!pattern || len < XG_SOUND_MIN_LEN || len > 63) return 0.0;
    for (size_t i = 0; i < len; i++)
        if (text[i] < 'a' || text[i] > 'z') return 0.0;
    uint64_t reached = 1;
    for (const char *p = pattern; *p && reached;) {
        uint64_t next = 0;
        while (*p && *p != ' ') {
            const char *alt = p;
            while (*p && *p != ' ' && *p != '|')
                p++;
            size_t n = (size_t)(p - alt);
            /* the reached positions only, in order (no bit past len is ever set) */
            for (uint64_t r = n ? reached : 0; r; r &= r - 1) {
                size_t at = (size_t)__builtin_ctzll(r);
                if (at + n > len) break;
                size_t k = 0;
                while (k < n && sound_letter(text, at + k, alt[k]))
                    k++;
                if (k == n) next |= 1ULL << (at + n);
            }
            if (*p == '|') p++;
        }
        while (*p == ' ')
            p++;
        reached = next;
    }
    return reached >> len & 1 ? XG_SOUND_SIM : 0.0;
}

/* The consonants of a word as a Chinese syllable sequence sounds them: vowels (and y, w) out,
 * zh/ch/sh as z/c/s and ng as n, which southern speakers and their spellings merge. */
static size_t sound_skeleton(char *out, size_t cap, const char *w)
{
    size_t k = 0;
    for (size_t i = 0; w[i] && k + 1 < cap; i++) {
        char c = w[i];
        if (sound_vowel(c) || c == 'y' || c == 'w') continue;
        if (c == 'h' && i && (w[i - 1] == 'z' || w[i - 1] == 'c' || w[i - 1] == 's')) continue;
        if (c == 'g' && i && w[i - 1] == 'n') continue;
        out[k++] = c;
    }
    out[k] = '\0';
    return k;
}

/* True when a Chinese brand read by sound (a token with a sound pattern) is only a near spelling
 * of a Latin word that sounds other consonants: 长荣 changrong is not "Chongbong", 联发 lianfa
 * not "Liang" — a brand's spellings change its vowels (xintuo ~ xinta), not its consonants, and
 * the sound pattern (xg_sound_sim) has had its say on the learned ones. */
static int han_other_consonants(const xg_token *t, const xg_token *n)
{
    if (!t->from_han || !t->sound || n->from_han || t->kind != XG_TOK_WORD) return 0;
    char a[64], b[64];
    if (strlen(t->text) >= sizeof a || strlen(n->text) >= sizeof b) return 0;
    sound_skeleton(a, sizeof a, t->text);
    sound_skeleton(b, sizeof b, n->text);
    return strcmp(a, b) != 0;
}

static double senses_sim(const xg_score_query *q, size_t qi, const xg_token *n, const tok_sig *ns)
{
    const char *senses = q->name->tokens[qi].senses;
    if (!senses || n->from_han) return 0.0;
    if (q->sense_n[qi] == XG_SENSES_UNPREPARED) return senses_text_sim(senses, n);
    double best = 0.0;
    const xg_word_sig *w = &q->sense_sig[q->sense_at[qi]];
    for (size_t k = 0; k < q->sense_n[qi] && best < 1.0; k++) {
        double s = reading_sig_sim(&w[k], n, &ns->text, &ns->alt, XG_EDITS);
        if (s > best) best = s;
    }
    return best;
}

/* ns: the list token measured (tok_sig_of). */
static double token_sim(const xg_score_query *q, size_t qi, const xg_token *n, size_t nlen,
                        const tok_sig *ns)
{
    const xg_token *t = &q->name->tokens[qi];
    if (t->kind == XG_TOK_NUMBER || n->kind == XG_TOK_NUMBER)
        return t->kind == n->kind && !strcmp(t->text, n->text) ? 1.0 : 0.0;
    if (t->symbol && n->symbol) {
        if (t->symbol == n->symbol || !strcmp(t->symbol, n->symbol)) return 1.0;
        /* different legal forms neither pair nor weigh much unmatched: a swap is neutral */
        if (t->kind == XG_TOK_LEGAL && n->kind == XG_TOK_LEGAL) return 0.0;
    } else if (t->symbol && symbol_is_text(t->symbol, n->text)) {
        return 1.0;
    } else if (n->symbol && symbol_is_text(n->symbol, t->text)) {
        return 1.0;
    }
    /* pinyin from Han is a lossy rendering (polyphonic characters, brand spellings): a third */
    double edits = t->from_han || n->from_han ? XG_EDITS_HAN : XG_EDITS;
    double s = word_sim(&q->pat[qi], &q->text_sig[qi], n->text, nlen, &ns->text, edits);
    if (s > 0.0 && s < 1.0 && t->sound && han_other_consonants(t, n)) s = 0.0; /* Han brands */
    if (s < 1.0 && (t->alt || n->alt)) {
        double a = alt_sim(q, qi, n, ns, edits);
        if (a > s) s = a;
    }
    if (s < 1.0 && t->senses) { /* the query's side only */
        double a = senses_sim(q, qi, n, ns);
        if (a > s) s = a;
    }
    /* (a word whose length no spelling of the pattern has is not spelled by it) */
    if (s < XG_SOUND_SIM && t->sound && !n->from_han && nlen >= q->sound_min[qi] &&
        nlen <= q->sound_max[qi]) { /* the query's side only */
        double a = xg_sound_sim(t->sound, n->text);
        if (a > s) s = a;
    }
    return s;
}

typedef struct pairbuf {
    xg_pair *p;
    size_t n, cap;
} pairbuf;

static void push_pair(pairbuf *b, size_t qi, size_t qn, size_t ni, size_t nn, double sim)
{
    if (b->n < b->cap)
        b->p[b->n++] =
            (xg_pair){(uint8_t)qi, (uint8_t)qn, (uint8_t)ni, (uint8_t)nn, 0, 0, (float)sim, 0};
}

/* Tokens that may be split or merged: anything but numbers and stop words, so that a mistyped
 * legal form ("co limioed") can still meet its list form ("co limited"). */
static int is_word(const xg_token *t)
{
    return t->kind != XG_TOK_NUMBER && t->kind != XG_TOK_STOP;
}

/* Pairs of one token with two adjacent tokens joined ("huawei" ~ "hua" + "wei"); spaces inside
 * the single token (a multi-word legal form) are ignored. `ss`, `sa` and `sb` are the three
 * measured (their byte lengths, letter sets); `spaced`: the single may hold a space. */
static double joined_sim(const xg_word_sig *ss, int spaced, const xg_word_sig *sa,
                         const xg_word_sig *sb)
{
    const char *single = ss->s, *a = sa->s, *b = sb->s;
    size_t nsingle = ss->len, la = sa->len, lb = sb->len;
    char flat[128], joined[128];
    if (single[0] != a[0]) return 0.0; /* first letters agree in nearly every split word */
    /* the flattened single is no longer than the single: too short for the pair, no need to look */
    if (nsingle + 2 < la + lb || la + lb > 120) return 0.0;
    const char *f = single; /* the single flattened: itself when it holds no space and fits */
    size_t ls = nsingle;
    int whole = !spaced && nsingle < sizeof flat - 1;
    if (!whole) {
        ls = 0;
        for (const char *p = single; *p && ls < sizeof flat - 1; p++)
            if (*p != ' ') flat[ls++] = *p;
        flat[ls] = 0;
        f = flat;
    }
    if (ls < 4 || la + lb > 120) return 0.0;
    if (ls + 2 < la + lb || la + lb + 2 < ls) return 0.0;
    memcpy(joined, a, la);
    memcpy(joined + la, b, lb + 1);
    /* xg_jw_below(f, ls, joined, la + lb, ...), the letter sets known when f is the single (the
     * pair's: the union of its two words'); it says "not below" unless both are ASCII */
    if (whole ? ss->ascii && sa->ascii && sb->ascii &&
                    xg_jw_below_letters(f, ls, ss->letters, joined, la + lb,
                                        sa->letters | sb->letters, XG_SPLIT_FLOOR)
              : xg_jw_below(f, ls, joined, la + lb, XG_SPLIT_FLOOR))
        return 0.0;
    double jw = xg_jaro_winkler(f, joined);
    return jw >= XG_SPLIT_FLOOR ? jw : 0.0;
}

/* Whether joined_sim can find a pair: its length tests, made before the call. A single token with
 * no space (`spaced` 0: its bit of the phrase mask) is its own flattened form when shorter than
 * joined_sim's buffer, so the tests on the flattened length are made on its length. */
static inline int joined_may(size_t nsingle, int spaced, size_t la, size_t lb)
{
    if (nsingle + 2 < la + lb || la + lb > 120) return 0;
    if (!spaced && nsingle < 127 && (nsingle < 4 || la + lb + 2 < nsingle)) return 0;
    return 1;
}

/* List token j measured for joined_sim: from the snapshot's measurements when there are, with
 * its length as split_pairs reads it. */
static inline void list_word_sig(xg_word_sig *g, const xg_score_list *l, const xg_tok_meas *meas,
                                 size_t j, size_t len)
{
    const char *s = l->name->tokens[j].text;
    if (meas)
        *g = (xg_word_sig){s, len, meas[l->tok[j]].cps[0], meas[l->tok[j]].letters[0],
                           meas[l->tok[j]].ascii[0]};
    else
        word_sig_of_n(g, s, len);
}

/* A joined pair needs its first letters equal (joined_sim's first check): tested here before the
 * call, on every (query token, list token) pair of every candidate, it is most of the cost. */
static void split_pairs(const xg_score_query *q, const xg_score_list *l, size_t nn, pairbuf *b)
{
    const xg_token *qt = q->name->tokens, *nt = l->name->tokens;
    const xg_tok_meas *meas = q->memo && l->tok ? q->memo->meas : NULL;
    size_t nlen[64];
    char first[64];           /* the list words' first letters, read once (0: not a word) */
    uint64_t firsts[4] = {0}; /* the set of them: a query word with none of them meets no word */
    for (size_t j = 0; j < nn; j++) {
        nlen[j] = l->len ? l->len[j] : strlen(nt[j].text);
        first[j] = is_word(&nt[j]) ? nt[j].text[0] : 0;
        unsigned char f = (unsigned char)first[j];
        firsts[f >> 6] |= 1ULL << (f & 63);
    }
    for (size_t i = 0; i < q->ntok; i++) {
        if (!is_word(&qt[i])) continue;
        char c = qt[i].text[0];
        if (!c) continue; /* an empty word meets no first letter (joined_sim needs four) */
        unsigned char uc = (unsigned char)c;
        if (!(firsts[uc >> 6] >> (uc & 63) & 1)) continue;
        int pair_q = i + 1 < q->ntok && is_word(&qt[i + 1]);
        for (size_t j = 0; j < nn; j++) {
            if (first[j] != c) continue;
            if (j + 1 < nn && is_word(&nt[j + 1]) &&
                joined_may(q->len[i], i >= 64 || (q->phrases >> i & 1), nlen[j], nlen[j + 1])) {
                int qsp = i >= 64 || (q->phrases >> i & 1);
                xg_word_sig sa, sb;
                list_word_sig(&sa, l, meas, j, nlen[j]);
                list_word_sig(&sb, l, meas, j + 1, nlen[j + 1]);
                double s = joined_sim(&q->text_sig[i], qsp, &sa, &sb);
                if (s > 0) push_pair(b, i, 1, j, 2, s);
            }
            if (pair_q &&
                joined_may(nlen[j], j >= 64 || (l->phrases >> j & 1), q->len[i], q->len[i + 1])) {
                int nsp = j >= 64 || (l->phrases >> j & 1);
                xg_word_sig ss;
                list_word_sig(&ss, l, meas, j, nlen[j]);
                double s = joined_sim(&ss, nsp, &q->text_sig[i], &q->text_sig[i + 1]);
                if (s > 0) push_pair(b, i, 2, j, 1, s);
            }
        }
    }
}

/* Pair x goes before pair y: the more similar first, spans first on ties. */
static int pair_before(const xg_pair *x, const xg_pair *y)
{
    if (x->sim != y->sim) return x->sim > y->sim;
    return x->qn + x->nn > y->qn + y->nn; /* prefer spans on ties */
}

/* The candidate pairs, stably (the order glibc's qsort gave them). */
XG_DEFINE_STABLE_SORT(sort_pairs, xg_pair, pair_before)

/* snprintf(buf, cap, "%s", s) without the format machinery: s, cut to cap - 1 bytes. */
static void copy_text(char *buf, size_t cap, const char *s)
{
    size_t n = strnlen(s, cap - 1);
    memcpy(buf, s, n);
    buf[n] = '\0';
}

static uint64_t span_mask(size_t i, size_t n)
{
    if (i >= 64) return 0;
    uint64_t bits = n >= 64 ? ~0ULL : (1ULL << n) - 1;
    return bits << i;
}

/* A multi-word legal form or organisation phrase left unmatched on one side ("joint stock
 * company", "obshchestvo s ogranichennoi otvetstvennostyu") may meet its words spread over the
 * other side, where a typo or a new word order kept the text module from seeing the phrase.
 * When at least half of its words (two or more) are found among unmatched single-word tokens,
 * the phrase and those tokens count as matched, the phrase's weight shared among them. */
static void cover_phrases(const xg_score_query *q, const xg_score_list *l, size_t nn,
                          xg_score_detail *d, int query_phrase)
{
    const xg_token *pt = query_phrase ? q->name->tokens : l->name->tokens;
    const xg_token *ot = query_phrase ? l->name->tokens : q->name->tokens;
    size_t np = query_phrase ? q->ntok : nn, no = query_phrase ? nn : q->ntok;
    uint64_t *pm = query_phrase ? &d->q_matched : &d->n_matched;
    uint64_t *om = query_phrase ? &d->n_matched : &d->q_matched;
    /* the phrase masks say which tokens hold a space, as strchr(text, ' ') would */
    uint64_t pph = query_phrase ? q->phrases : l->phrases,
             oph = query_phrase ? l->phrases : q->phrases;
    /* A phrase is covered by two or more of the other side's unmatched single-word tokens (not
     * numbers): with fewer than two of them left, no phrase can be (the usual case once the
     * alignment met nearly everything). */
    uint64_t open = ~*om & ~oph & (no >= 64 ? ~0ULL : (1ULL << no) - 1);
    for (uint64_t left = open; left; left &= left - 1)
        if (ot[__builtin_ctzll(left)].kind == XG_TOK_NUMBER) open &= ~(left & -left);
    if (!(open & (open - 1))) return; /* fewer than two bits */
    xg_word_sig osig[64]; /* the other side's words, each measured once, when first compared */
    uint64_t measured = 0;
    const xg_tok_meas *meas = q->memo && l->tok ? q->memo->meas : NULL;
    /* the phrases not met, in order (*pm gains only the bit of the phrase being read) */
    uint64_t phr = pph & ~*pm & (np >= 64 ? ~0ULL : (1ULL << np) - 1);
    for (; phr; phr &= phr - 1) {
        size_t j = (size_t)__builtin_ctzll(phr);
        if (pt[j].kind == XG_TOK_NUMBER) continue;
        uint64_t still = open & ~*om; /* *om grows as phrases are covered */
        if (!(still & (still - 1))) return;
        char buf[256], *p = buf;
        copy_text(buf, sizeof buf, pt[j].text);
        /* its words as the loop below counts them (at most 16), and how many must be found: when
         * the words left cannot reach it, the phrase is given up (nothing it found is kept) */
        size_t all = 0;
        for (const char *x = buf; *x && all < 16;) {
            while (*x == ' ')
                x++;
            if (!*x) break;
            all++;
            while (*x && *x != ' ')
                x++;
        }
        size_t need = all < 4 ? 2 : (all + 1) / 2;
        if (bits64(still) < need) continue; /* each word found takes one of them */
        size_t nw = 0, found = 0, at[16];
        float sims[16];
        uint64_t got = 0;
        for (;;) { /* the words, as strtok_r(buf, " ") gives them, at most 16 */
            while (*p == ' ')
                p++;
            if (!*p || nw >= 16 || found + (all - nw) < need) break;
            char *w = p;
            while (*p && *p != ' ')
                p++;
            size_t wlen = (size_t)(p - w);
            if (*p) *p++ = '\0';
            nw++;
            xg_word_sig ws;
            word_sig_of_n(&ws, w, wlen);
            /* the open words not yet met (open: below no and 64, no phrase, no number) */
            for (uint64_t c = open & ~*om & ~got; c && found < 16; c &= c - 1) {
                size_t i = (size_t)__builtin_ctzll(c);
                if (!(measured >> i & 1)) {
                    if (query_phrase && meas) /* the list word, measured once per snapshot */
                        osig[i] = (xg_word_sig){ot[i].text, meas[l->tok[i]].len[0],
                                                meas[l->tok[i]].cps[0], meas[l->tok[i]].letters[0],
                                                meas[l->tok[i]].ascii[0]};
                    else if (query_phrase)
                        word_sig_of(&osig[i], ot[i].text);
                    else
                        osig[i] = q->text_sig[i]; /* the query's words, measured at prepare */
                    measured |= 1ULL << i;
                }
                double sim = sig_word_sim(&osig[i], &ws, XG_EDITS); /* phrase_word_sim */
                if (sim < XG_PAIR_FLOOR) continue;
                got |= 1ULL << i;
                at[found] = i;
                sims[found++] = (float)sim;
                break;
            }
        }
        /* found < 2 || found * 2 < nw, nw being all when every word was read */
        if (found < need || d->npairs + found > XG_SCORE_MAX_TOKENS) continue;
        *pm |= 1ULL << j;
        *om |= got;
        for (size_t k = 0; k < found; k++) {
            size_t qi = query_phrase ? j : at[k], ni = query_phrase ? at[k] : j;
            d->pairs[d->npairs++] = (xg_pair){
                (uint8_t)qi, 1, (uint8_t)ni, 1, (uint8_t)found, (uint8_t)query_phrase, sims[k], 0};
        }
    }
}

/* True when `word` is one of the space-separated words of `phrase`. */
static int phrase_has_word(const char *phrase, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = phrase; (p = strstr(p, word)); p++)
        if ((p == phrase || p[-1] == ' ') && (p[n] == ' ' || !p[n])) return 1;
    return 0;
}

/* An unmatched word that repeats a word of an already matched phrase on the other side ("joint"
 * left over after "stock company" met "joint stock company") is part of that phrase: it costs
 * nothing and adds nothing (XG_ABSORBED). */
static void absorb_phrase_words(const xg_score_query *q, const xg_score_list *l, size_t nn,
                                xg_score_detail *d, int query_phrase)
{
    const xg_token *pt = query_phrase ? q->name->tokens : l->name->tokens;
    const xg_token *ot = query_phrase ? l->name->tokens : q->name->tokens;
    size_t np = query_phrase ? q->ntok : nn, no = query_phrase ? nn : q->ntok;
    uint64_t pm = query_phrase ? d->q_matched : d->n_matched;
    uint64_t *om = query_phrase ? &d->n_matched : &d->q_matched;
    uint64_t pph = query_phrase ? q->phrases : l->phrases,
             oph = query_phrase ? l->phrases : q->phrases;
    /* the matched phrases: none (the usual case), and no word is absorbed */
    uint64_t phr = pm & pph & (np >= 64 ? ~0ULL : (1ULL << np) - 1);
    if (!phr) return;
    /* The letter sets (xg_jw_letters) of the phrases and words, when measured: a word with a byte
     * its phrase lacks is not in it, and the search is not made. */
    const xg_tok_meas *meas = q->memo && l->tok ? q->memo->meas : NULL;
    int sets = meas != NULL; /* the query's tokens measured at prepare, the list's by id */
    uint64_t plet[64], all = 0;
    if (sets)
        for (uint64_t left = phr; left; left &= left - 1) {
            size_t j = (size_t)__builtin_ctzll(left);
            plet[j] = query_phrase ? q->text_sig[j].letters : meas[l->tok[j]].letters[0];
            all |= plet[j];
        }
    for (size_t i = 0; i < no && i < 64 && d->npairs < XG_SCORE_MAX_TOKENS; i++) {
        if ((*om >> i & 1) || (oph >> i & 1) || ot[i].kind == XG_TOK_NUMBER) continue;
        uint64_t wlet = 0;
        if (sets) {
            wlet = query_phrase ? meas[l->tok[i]].letters[0] : q->text_sig[i].letters;
            if (wlet & ~all) continue; /* in none of the phrases */
        }
        for (uint64_t left = phr; left; left &= left - 1) {
            size_t j = (size_t)__builtin_ctzll(left);
            if (sets && (wlet & ~plet[j])) continue;
            if (!phrase_has_word(pt[j].text, ot[i].text)) continue;
            *om |= 1ULL << i;
            size_t qi = query_phrase ? j : i, ni = query_phrase ? i : j;
            d->pairs[d->npairs++] = (xg_pair){
                (uint8_t)qi, 1, (uint8_t)ni, 1, XG_ABSORBED, (uint8_t)query_phrase, 1.0f, 0};
            break;
        }
    }
}

/* A multi-word reading ("research institute", the other rendering of 研究院 "academy") split into
 * words as reading_span reads it: copied (cut to 127 bytes) into buf (cap bytes, at least the
 * reading's length + 1, or 128) and cut at spaces; the words' starts into w. (size_t)-1 when they
 * do not fit (more than wcap words, or buf too small). */
static size_t reading_words(char *buf, size_t cap, const char *reading, const char **w, size_t wcap)
{
    if (cap < 128 && strlen(reading) + 1 > cap) return (size_t)-1;
    copy_text(buf, 128, reading);
    size_t n = 0;
    char *save = NULL;
    for (char *x = strtok_r(buf, " ", &save); x; x = strtok_r(NULL, " ", &save)) {
        if (n == wcap) return (size_t)-1;
        w[n++] = x;
    }
    return n;
}

/* A multi-word reading against the tokens of the other side from `at` on, stop words between
 * skipped: the span covered, its similarity the weakest word's; 0 when a word is missing. The
 * similarity of word k with token o[j] is sim_of(ctx, k, j). */
typedef double (*reading_sim_fn)(const void *ctx, size_t word, size_t tok);

static size_t reading_span_of(size_t nw, const xg_token *o, size_t no, size_t at, double *sim,
                              reading_sim_fn sim_of, const void *ctx)
{
    size_t k = at;
    *sim = 1.0;
    for (size_t w = 0; w < nw; w++) {
        while (k > at && k < no && o[k].kind == XG_TOK_STOP)
            k++;
        if (k >= no || o[k].kind == XG_TOK_NUMBER || o[k].kind == XG_TOK_STOP) return 0;
        double s = sim_of(ctx, w, k);
        if (s < XG_PAIR_FLOOR) return 0;
        if (s < *sim) *sim = s;
        k++;
    }
    return k - at;
}

typedef struct words_ctx {
    const char *const *w;
    const xg_token *o;
} words_ctx;

static double words_sim(const void *ctx, size_t word, size_t tok)
{
    const words_ctx *c = ctx;
    return reading_sim(c->w[word], &c->o[tok], XG_EDITS);
}

/* The span matching from the reading's text, every similarity computed. */
static size_t reading_span(const char *reading, const xg_token *o, size_t no, size_t at,
                           double *sim)
{
    char buf[128];
    const char *w[64];
    size_t nw = reading_words(buf, sizeof buf, reading, w, 64);
    if (nw == (size_t)-1) { /* more than 64 words in 127 bytes cannot be: every word is a byte */
        *sim = 1.0;
        return 0;
    }
    words_ctx c = {w, o};
    return reading_span_of(nw, o, no, at, sim, words_sim, &c);
}

/* The query's reading words against list tokens, from the memo's rows (computed on first need,
 * -1 until then). */
typedef struct qread_ctx {
    const xg_score_query *q;
    double *const *rows;
    const xg_token *o;
    size_t col;              /* the first word's column */
    const uint32_t *id;      /* the list tokens' ids (xg_score_list.tok) */
    const xg_tok_meas *meas; /* measured by id (xg_sim_memo.meas), or NULL */
} qread_ctx;

static double qread_sim(const void *ctx, size_t word, size_t tok)
{
    const qread_ctx *c = ctx;
    double *cell = &c->rows[tok][c->col + word];
    if (*cell < 0) {
        const xg_token *t = &c->o[tok];
        tok_sig ns;
        if (c->meas)
            tok_sig_from(&ns, t, &c->meas[c->id[tok]]);
        else
            tok_sig_of(&ns, t);
        *cell = reading_sig_sim(&c->q->read_sig[c->col - c->q->ntok + word], t, &ns.text, &ns.alt,
                                XG_EDITS);
    }
    return *cell;
}

/* A list token's reading words against the query's tokens: its row's block after the query's
 * reading columns, word-major (computed with the row, see memo_row). */
typedef struct lread_ctx {
    const double *block; /* nw × ntok */
    size_t ntok;
} lread_ctx;

static double lread_sim(const void *ctx, size_t word, size_t tok)
{
    const lread_ctx *c = ctx;
    return c->block[word * c->ntok + tok];
}

static const double *list_reading_block(const xg_score_query *q, const double *row, size_t *nw);

static void reading_pairs(const xg_score_query *q, const xg_score_list *l, size_t nn, pairbuf *b,
                          double *const *rows)
{
    const xg_token *qt = q->name->tokens;
    const xg_name *n = l->name;
    if (!q->readings && !l->readings) return; /* nearly every pair of names */
    for (size_t i = 0; i < q->ntok; i++) {
        int qr = i < 64 && (q->readings >> i & 1);
        qread_ctx qc = {
            q, rows, n->tokens, q->ntok + q->read_at[i], l->tok, q->memo ? q->memo->meas : NULL};
        int qmemo = qr && rows && q->read_n[i] != XG_SENSES_UNPREPARED;
        for (size_t j = 0; j < nn; j++) {
            double sim;
            size_t span;
            if (qr &&
                (span = qmemo
                            ? reading_span_of(q->read_n[i], n->tokens, nn, j, &sim, qread_sim, &qc)
                            : reading_span(qt[i].alt, n->tokens, nn, j, &sim)) > 1 &&
                b->n < b->cap) {
                push_pair(b, i, 1, j, span, sim);
                b->p[b->n - 1].reading = 1;
            }
            if (j < 64 && (l->readings >> j & 1)) {
                size_t nw = 0;
                const double *block = rows ? list_reading_block(q, rows[j], &nw) : NULL;
                lread_ctx lc = {block, q->ntok};
                span = block ? reading_span_of(nw, qt, q->ntok, i, &sim, lread_sim, &lc)
                             : reading_span(n->tokens[j].alt, qt, q->ntok, i, &sim);
                if (span > 1 && b->n < b->cap) {
                    push_pair(b, i, span, j, 1, sim);
                    b->p[b->n - 1].reading = 1;
                }
            }
        }
    }
}

/* The similarities of every query token with list token j, from the query's memo (computed on
 * first meeting); NULL when the memo is full or out of memory. */
static size_t memo_slot(const xg_sim_memo *m, uint32_t id)
{
    size_t h = ((size_t)(id + 1) * 2654435761u) & (m->size - 1);
    while (m->keys[h] && m->keys[h] != id + 1)
        h = (h + 1) & (m->size - 1);
    return h;
}

/* Twice the slots, the rows kept (they stay where they are in the arena); 0 when out of memory
 * or at the cap, and the memo stays as it was. */
static int memo_grow(xg_sim_memo *m)
{
    size_t size = m->size * 2;
    if (size > XG_SIM_MEMO_MAX) return 0;
    uint32_t *keys = xg_arena_alloc(m->arena, size * sizeof *keys);
    double **rows = xg_arena_alloc(m->arena, size * sizeof *rows);
    if (!keys || !rows) return 0;
    xg_sim_memo g = *m;
    g.keys = keys, g.rows = rows, g.size = size;
    for (size_t h = 0; h < m->size; h++)
        if (m->keys[h]) {
            size_t k = memo_slot(&g, m->keys[h] - 1);
            keys[k] = m->keys[h];
            rows[k] = m->rows[h];
        }
    *m = g;
    return 1;
}

/* A row: the ntok query tokens' similarities with the list token; then the query's nread
 * reading words' (-1 until reading_pairs needs one); then, at ntok + nread, how many words the
 * token's own multi-word reading has (-1: none, or they did not fit) and their similarities with
 * the query's tokens, word-major. */
static const double *list_reading_block(const xg_score_query *q, const double *row, size_t *nw)
{
    double c = row[q->ntok + q->nread];
    if (c < 0) return NULL;
    *nw = (size_t)c;
    return row + q->ntok + q->nread + 1;
}

static double *memo_row(const xg_score_query *q, uint32_t id, const xg_token *t, size_t tlen)
{
    xg_sim_memo *m = q->memo;
    size_t h = memo_slot(m, id);
    if (m->keys[h]) return m->rows[h];
    if (2 * m->n >= m->size) {
        if (!memo_grow(m)) return NULL;
        h = memo_slot(m, id);
    }
    char buf[128];
    const char *w[64];
    size_t nw =
        t->alt && strchr(t->alt, ' ') ? reading_words(buf, sizeof buf, t->alt, w, 64) : (size_t)-1;
    size_t base = q->ntok + q->nread, cells = base + 1 + (nw == (size_t)-1 ? 0 : nw * q->ntok);
    double *row = xg_arena_alloc_uninit(m->arena, cells * sizeof *row);
    if (!row) return NULL;
    tok_sig ns;
    if (m->meas)
        tok_sig_from(&ns, t, &m->meas[id]);
    else
        tok_sig_of(&ns, t);
    for (size_t i = 0; i < q->ntok; i++)
        row[i] = token_sim(q, i, t, tlen, &ns);
    for (size_t k = q->ntok; k < base; k++)
        row[k] = -1;
    row[base] = nw == (size_t)-1 ? -1 : (double)nw;
    for (size_t k = 0; nw != (size_t)-1 && k < nw; k++) {
        xg_word_sig ws;
        word_sig_of(&ws, w[k]);
        for (size_t i = 0; i < q->ntok; i++)
            row[base + 1 + k * q->ntok + i] = reading_sig_sim(
                &ws, &q->name->tokens[i], &q->text_sig[i], &q->alt_sig[i], XG_EDITS);
    }
    m->keys[h] = id + 1;
    m->rows[h] = row;
    m->n++;
    return row;
}

/* Greedy best-pairs alignment; fills d->pairs and the matched bit sets. */
static void align(const xg_score_query *q, const xg_score_list *l, size_t nn, xg_score_detail *d)
{
    xg_pair cand[512];
    pairbuf b = {cand, 0, sizeof cand / sizeof *cand};
    const xg_name *n = l->name;
    double *rows[64];
    size_t nrows = 0; /* rows found for list tokens 0 .. nrows-1 */
    if (q->memo && l->tok)
        for (; nrows < nn; nrows++) {
            rows[nrows] = memo_row(q, l->tok[nrows], &n->tokens[nrows],
                                   l->len ? l->len[nrows] : strlen(n->tokens[nrows].text));
            if (!rows[nrows]) break;
        }
    if (nrows == nn) { /* every row from the memo (the usual case) */
        for (size_t i = 0; i < q->ntok; i++)
            for (size_t j = 0; j < nn; j++)
                if (rows[j][i] >= XG_PAIR_FLOOR) push_pair(&b, i, 1, j, 1, rows[j][i]);
    } else {
        for (size_t j = nrows; j < nn; j++) /* the memo is full: computed here */
            rows[j] = NULL;
        for (size_t i = 0; i < q->ntok; i++)
            for (size_t j = 0; j < nn; j++) {
                size_t nlen = l->len ? l->len[j] : strlen(n->tokens[j].text);
                tok_sig ns;
                if (!rows[j]) tok_sig_of(&ns, &n->tokens[j]);
                double s = rows[j] ? rows[j][i] : token_sim(q, i, &n->tokens[j], nlen, &ns);
                if (s >= XG_PAIR_FLOOR) push_pair(&b, i, 1, j, 1, s);
            }
    }
    split_pairs(q, l, nn, &b);
    reading_pairs(q, l, nn, &b, nrows == nn ? rows : NULL);
    xg_pair tmp[sizeof cand / sizeof *cand];
    sort_pairs(cand, b.n, tmp);
    d->npairs = 0;
    d->q_matched = d->n_matched = 0;
    for (size_t k = 0; k < b.n && d->npairs < XG_SCORE_MAX_TOKENS; k++) {
        uint64_t qm = span_mask(cand[k].qi, cand[k].qn), nm = span_mask(cand[k].ni, cand[k].nn);
        if ((d->q_matched & qm) || (d->n_matched & nm)) continue;
        d->q_matched |= qm;
        d->n_matched |= nm;
        d->pairs[d->npairs++] = cand[k];
    }
    if (l->phrases) cover_phrases(q, l, nn, d, 0); /* most names have no phrase: skip */
    if (q->phrases) cover_phrases(q, l, nn, d, 1);
    if (l->phrases) absorb_phrase_words(q, l, nn, d, 0);
    if (q->phrases) absorb_phrase_words(q, l, nn, d, 1);
}

static double tw(const xg_token *t, const float *w, size_t i)
{
    return w ? (double)w[i] : xg_token_weight(&t[i]);
}

static double span_weight(const xg_token *t, const float *w, size_t i, size_t n)
{
    double s = 0;
    for (size_t k = 0; k < n; k++)
        s += tw(t, w, i + k);
    return s / (double)n;
}

/* An organisation word translated from Han is a glossary rendering, not the listed wording:
 * 研究中心 gives "research" and "center" where the list says "Center". Such a word left
 * unmatched counts half — when it is a common one; a telling word (农业, agricultural) counts in
 * full, so 四川农业大学 stays apart from Sichuan University. */
static double unmatched_share(const xg_token *t, double w)
{
    return t->from_han && t->kind == XG_TOK_ORG && w < XG_GENERIC_WEIGHT ? XG_UNMATCHED_HAN_ORG
                                                                         : 1.0;
}

/* ---- Chinese names of organisations (issue 13) ---- */

/* A chained Chinese name (xg_token.level: 中国人民解放军 | 国防科技大学, 北京航空航天大学 |
 * 杭州创新研究院) names its parent and its unit; a list name may be either. The query tokens of
 * the levels that met nothing, when another level met something and the list name's own words
 * were all met (stop words, legal forms and its acronym aside: the list names a whole level, not a
 * sibling — 军事医学研究院基础医学研究所 is not "…, Institute of Bioengineering"). */
static uint64_t skipped_levels(const xg_score_query *q, const xg_score_list *l, size_t nn,
                               uint64_t q_matched, uint64_t n_matched, unsigned *last_met)
{
    const xg_token *t = q->name->tokens, *lt = l->name->tokens;
    uint64_t met[4] = {0, 0, 0, 0}, mask = 0;
    unsigned top = 0;
    for (size_t i = 0; i < q->ntok && i < 64; i++) {
        unsigned v = t[i].level;
        if (v > top) top = v;
        if (v && (q_matched >> i & 1)) met[v / 64] |= 1ull << (v % 64);
        if (v && (q_matched >> i & 1) && v > *last_met) *last_met = v;
    }
    if (top < 2 || !(met[0] | met[1] | met[2] | met[3])) return 0;
    for (size_t j = 0; j < nn; j++)
        if (!(n_matched >> j & 1) && !(l->acronyms >> j & 1) &&
            (lt[j].kind == XG_TOK_WORD || lt[j].kind == XG_TOK_NUMBER))
            return 0;
    for (size_t i = 0; i < q->ntok && i < 64; i++) {
        unsigned v = t[i].level;
        if (v && !(met[v / 64] >> (v % 64) & 1)) mask |= 1ull << i;
    }
    return mask;
}

static int has_symbol(const xg_token *t, size_t n, const char *sym, int from_han)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].symbol && (!from_han || t[i].from_han) && !strcmp(t[i].symbol, sym)) return 1;
    return 0;
}

/* Whether the query is the Chinese name of a university and the list name a university's or an
 * institute's: a university is named by its qualifiers — 天津理工大学 (Tianjin University of
 * Technology) is not Tianjin University, 南京工业大学 not Nanjing University of Science and
 * Technology, 哈尔滨理工大学 not Harbin Institute of Technology — so unmatched words, organisation
 * words and the head noun too, count as plain words on both sides. Only for Han queries: an
 * official Chinese name is whole, an English query may be cut. Established names that are not
 * word-for-word (哈尔滨工业大学 = Harbin Institute of Technology) are the glossary's. */
static int universities(const xg_score_query *q, const xg_score_list *l)
{
    const xg_token *lt = l->name->tokens;
    size_t nn = l->name->ntokens;
    return q->university && /* has_symbol(query tokens, "UNIVERSITY", 1), xg_score_prepare */
           (has_symbol(lt, nn, "UNIVERSITY", 0) || has_symbol(lt, nn, "INSTITUTE", 0));
}

/* The head of an institution's name read from Han (大学, 研究所, 研究院: UNIVERSITY, INSTITUTE,
 * ACADEMY). Left unmatched, the query names another kind of body than the list name — 中国建筑科学
 * 研究院 (an academy) is not "China Construction Technology Co., Ltd." — so it counts as a plain
 * word, not as a generic organisation word. */
static int is_head(const xg_token *t)
{
    return t->from_han && t->kind == XG_TOK_ORG && t->symbol &&
           (!strcmp(t->symbol, "UNIVERSITY") || !strcmp(t->symbol, "INSTITUTE") ||
            !strcmp(t->symbol, "ACADEMY"));
}

/* True when a list token of head `t`'s symbol was met by another query word's multi-word reading
 * (研究院 "research institute" took "…, Military Veterinary Research Institute", so 研究所 found
 * its institute taken): the head is in the list name, not another one. */
static int head_taken(const xg_token *t, const xg_name *n, const xg_score_detail *d)
{
    for (size_t k = 0; k < d->npairs; k++) {
        const xg_pair *p = &d->pairs[k];
        for (size_t j = p->ni; p->reading && j < (size_t)p->ni + p->nn && j < n->ntokens; j++)
            if (n->tokens[j].symbol && !strcmp(n->tokens[j].symbol, t->symbol)) return 1;
    }
    return 0;
}

/* Whether the query is the Chinese name of a company (a legal form read from Han: 有限公司) that
 * names no institution of its own (no 大学, 研究所, 研究院). Such a query is not an institution
 * of the list: 中国国际航空股份有限公司 (Air China) is not the "Aerospace Information Research
 * Institute, Chinese Academy of Sciences", though both say "China" and "aerospace". */
static int company_query(const xg_score_query *q)
{
    const xg_token *t = q->name->tokens;
    int legal = 0;
    for (size_t i = 0; i < q->ntok; i++) {
        if (is_head(&t[i])) return 0;
        if (t[i].kind == XG_TOK_LEGAL && t[i].from_han) legal = 1;
    }
    return legal;
}

/* A list name's head word (university, institute, academy), which a company's name lacks: left
 * unmatched by a company query, it counts as a plain word (XG_W_WORD), as is_head does for the
 * query's side. */
static int is_list_head(const xg_token *t)
{
    return !t->from_han && t->kind == XG_TOK_ORG && t->symbol &&
           (!strcmp(t->symbol, "UNIVERSITY") || !strcmp(t->symbol, "INSTITUTE") ||
            !strcmp(t->symbol, "ACADEMY"));
}

/* Whether `word` is written inside parentheses of `folded` before `end` (the unit's own
 * abbreviation: "(NSCC-GZ)"). */
static int in_parentheses(const char *folded, const char *end, const char *word)
{
    size_t len = strlen(word);
    for (const char *o = strchr(folded, '('); o && o < end; o = strchr(o + 1, '(')) {
        const char *c = strchr(o, ')');
        if (!c || c > end) return 0;
        for (const char *w = o + 1; w + len <= c; w++)
            if (!strncmp(w, word, len) && !isalnum((unsigned char)w[-1]) &&
                !isalnum((unsigned char)w[len]))
                return 1;
    }
    return 0;
}

/* A list name written "unit, parent" ("National Supercomputing Center Guangzhou (NSCC-GZ), Sun
 * Yat-Sen University"; "Institute of X, Chinese Academy of Sciences") against a Chinese query
 * that names the unit whole and leaves its parent out (国家超级计算广州中心): the parent's words —
 * the list name's unmatched tail after its last comma, naming a university or an academy (not an
 * institute), every word before it met but the unit's abbreviation in
 * parentheses — cost as an unmet level of a chained name (XG_UNMATCHED_LEVEL), as the query's own
 * parent left out does against a listed unit; the abbreviation costs nothing, as an acronym.
 * Returns the mask of those list tokens (first 64); 0 unless the query is Han with every word
 * met and the name so. */
static uint64_t listed_parent_unmet(const xg_score_query *q, const xg_score_list *l, size_t nn,
                                    uint64_t q_matched, uint64_t n_matched)
{
    const xg_name *n = l->name;
    if (!q->han || nn < 2 || !n->folded || (n_matched >> (nn - 1) & 1)) return 0;
    const xg_token *t = q->name->tokens, *lt = n->tokens;
    for (size_t i = 0; i < q->ntok && i < 64; i++)
        if (!(q_matched >> i & 1) && !(q->acronyms >> i & 1) && t[i].kind != XG_TOK_STOP &&
            t[i].kind != XG_TOK_LEGAL)
            return 0;
    /* the tail: the unmatched words from the one that opens the part after the last comma */
    const char *comma = strrchr(n->folded, ',');
    if (!comma) return 0;
    const char *w = comma + 1;
    while (*w == ' ')
        w++;
    size_t first = nn;
    while (first > 0 && !(n_matched >> (first - 1) & 1))
        first--;
    for (; first < nn; first++) {
        size_t len = strlen(lt[first].text);
        if (!strncmp(w, lt[first].text, len) && !isalnum((unsigned char)w[len])) break;
    }
    if (first == 0 || first == nn) return 0;
    /* a parent ranks above its units: a university or an academy, not an institute
     * ("Academy of Military Medical Sciences, Institute of Medical Equipment" names the unit
     * last) */
    int head = 0, met = 0;
    for (size_t j = first; j < nn; j++)
        if (is_list_head(&lt[j])) {
            if (!strcmp(lt[j].symbol, "INSTITUTE")) return 0;
            head = 1;
        }
    for (size_t j = 0; j < first; j++) {
        if (!(n_matched >> j & 1) && !(l->acronyms >> j & 1) &&
            (lt[j].kind == XG_TOK_WORD || lt[j].kind == XG_TOK_NUMBER) &&
            !in_parentheses(n->folded, comma, lt[j].text))
            return 0;
        met |= (n_matched >> j & 1) && lt[j].kind == XG_TOK_WORD;
    }
    if (!head || !met) return 0;
    uint64_t mask = 0;
    for (size_t j = first; j < nn; j++)
        mask |= 1ull << j;
    return mask;
}

/* The cost of unmatched list word j of a "unit, parent" name (listed_parent_unmet's mask
 * `parent`), added to *level: a parent word a tenth of its weight, the unit's abbreviation in
 * parentheses nothing; 0 when j is neither (a plain unmatched word). */
static int parent_word(const xg_name *n, const float *nw, size_t j, uint64_t parent, double *level)
{
    if (parent >> j & 1) {
        *level += tw(n->tokens, nw, j) * XG_UNMATCHED_LEVEL;
        return 1;
    }
    return in_parentheses(n->folded, strrchr(n->folded, ','), n->tokens[j].text);
}

static int is_qualifier(const xg_token *t)
{
    return t->kind == XG_TOK_WORD || t->kind == XG_TOK_ORG;
}

static int has_unmatched_number(const xg_token *t, size_t n, uint64_t matched)
{
    for (size_t i = 0; i < n && i < 64; i++)
        if (t[i].kind == XG_TOK_NUMBER && !(matched >> i & 1)) return 1;
    return 0;
}

static double han_dice(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (!na || !nb) return -1.0;
    size_t i = 0, j = 0, common = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j])
            common++, i++, j++;
        else if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return 2.0 * (double)common / (double)(na + nb);
}

void xg_score_list_init(xg_score_list *l, const xg_name *n, const float *w, uint16_t *len,
                        const uint32_t *big, size_t nbig)
{
    l->name = n;
    l->tok = NULL;
    l->w = w;
    l->big = big;
    l->nbig = nbig;
    l->acronyms = acronym_mask(n->tokens, n->ntokens < 64 ? n->ntokens : 64);
    l->phrases = phrase_mask(n->tokens, n->ntokens);
    l->readings = reading_mask(n->tokens, n->ntokens);
    l->repeats = repeat_mask(n->tokens, n->ntokens);
    if (len)
        for (size_t i = 0; i < n->ntokens; i++) {
            size_t k = strlen(n->tokens[i].text);
            len[i] = (uint16_t)(k > 0xFFFF ? 0xFFFF : k);
        }
    l->len = len;
}

/* The official Chinese name of a company is place + trade name + sector + legal form (深圳市亿路发
 * 科技有限公司), its English name often the trade name with another sector word or none ("Yilufa
 * Electronics Ltd."), and its short name the trade name alone (海思 for "Shanghai Haisi Technology
 * Co., Ltd."). When the query is such a name (a legal form read from Han, or Han words only, none
 * of them a dictionary word with an English sense) and every plain word of both names was met —
 * the trade name, nothing else distinctive left on either side but a place — the place, sector and
 * stop words left unmatched are weak evidence: they cost XG_GENERIC_SHARE of their weight (a place
 * XG_PLACE_UNMET), not all of it. Only when the list name is a company's too (a legal form or an
 * organisation word: 联想集团有限公司 is not the person "Lian Yang"), the trade name met it closely
 * (XG_TRADE_NAME_SIM, or by a learned spelling: 美的 Midea is not the vessel MIDSEA), and the two
 * names do not each name a place of their own (another city is evidence against). A list name's
 * place is a word CC-CEDICT spells as a Chinese place (xg_text_latin_place). */
static int latin_place(const xg_score_query *q, const xg_token *t)
{
    return q->text && t->kind == XG_TOK_WORD && !t->from_han &&
           xg_text_latin_place(q->text, t->text);
}

/* A numbered unit named by its number (航天771所, 中国电科13所: a group's word, the unit's number,
 * 所 or 院) against a list name that spells the unit's parent in full before the number ("China
 * Aerospace Science and Technology Corporation (CASC) 9th Academy 771 Research Institute"): when
 * the query is Han with every word met, its number met the list name's number, a head word
 * (institute, academy) follows that number within three tokens on both sides, and a word of the
 * parent before the number was met (航天 "aerospace"; another group's unit of the same number
 * meets none), the parent's other words cost as an unmet level of a chained name, as
 * listed_parent_unmet's do. Returns the mask of those list tokens (first 64), 0 when the names
 * are not so; every unmatched word after the number must be an organisation word ("research"). */
static uint64_t numbered_unit_parent(const xg_score_query *q, const xg_score_list *l, size_t nn,
                                     uint64_t q_matched, uint64_t n_matched)
{
    const xg_token *t = q->name->tokens, *lt = l->name->tokens;
    size_t qnum = q->ntok;
    for (size_t i = 0; i < q->ntok && i < 64; i++) {
        if (!(q_matched >> i & 1) && !(q->acronyms >> i & 1) && t[i].kind != XG_TOK_STOP &&
            t[i].kind != XG_TOK_LEGAL)
            return 0;
        if (t[i].kind == XG_TOK_NUMBER && i + 1 < q->ntok && is_head(&t[i + 1])) qnum = i;
    }
    if (qnum == q->ntok || nn > 64) return 0;
    size_t num = nn;
    for (size_t j = 0; j < nn && num == nn; j++)
        if (lt[j].kind == XG_TOK_NUMBER && (n_matched >> j & 1) &&
            !strcmp(lt[j].text, t[qnum].text))
            for (size_t k = j + 1; k < nn && k <= j + 3; k++)
                if (is_list_head(&lt[k]) && (n_matched >> k & 1)) num = j;
    if (num == nn || num == 0) return 0;
    for (size_t j = num + 1; j < nn; j++)
        if (!(n_matched >> j & 1) && lt[j].kind != XG_TOK_ORG && lt[j].kind != XG_TOK_STOP)
            return 0;
    int met = 0;
    uint64_t mask = 0;
    for (size_t j = 0; j < num; j++) {
        if (n_matched >> j & 1)
            met |= lt[j].kind == XG_TOK_WORD && !latin_place(q, &lt[j]);
        else
            mask |= 1ull << j;
    }
    return met ? mask : 0;
}

/* Whether query word t may stand under no letter of a parent's acronym: a legal form or stop word
 * ("company limited", 的) or the word group (CETC is China Electronics Technology [Group]
 * Corporation). */
static int acronym_silent(const xg_token *t)
{
    return t->kind == XG_TOK_LEGAL || t->kind == XG_TOK_STOP ||
           (t->kind == XG_TOK_ORG && !strcmp(t->text, "group"));
}

/* The same numbered unit against a list name that writes its parent after the unit, as an
 * acronym ("15th Research Institute of CETC", "The 6th Research Institute of CEC"): the query's
 * number and head met the list name's number and the head within three tokens after it, nothing
 * unmet in the list name but organisation and stop words and one parent word after the head, and
 * that word is an acronym (three to six letters) whose letters are the initials of the query's
 * unmet words before the number, in order, from the first (中国电科 read as China Electronics
 * Technology Group Company Limited: c e t [group] c; a final C may stand for a Corporation the
 * query leaves out: 中国电子 China Electronics = CEC). Another group's unit of the same number
 * spells other initials (航天科工 a s i …); a unit of another number meets no number. Returns the
 * list mask of the acronym (it names the query's parent) and sets *qcover to the query words it
 * spells (xg_score_name counts both as met: the words are not missing, the acronym is no other
 * word); 0 when the names are not so. */
static uint64_t numbered_unit_parent_after(const xg_score_query *q, const xg_score_list *l,
                                           size_t nn, uint64_t q_matched, uint64_t n_matched,
                                           uint64_t *qcover)
{
    const xg_token *t = q->name->tokens, *lt = l->name->tokens;
    size_t qnum = q->ntok;
    if (nn > 64 || q->ntok > 64) return 0;
    for (size_t i = 0; i < q->ntok && qnum == q->ntok; i++)
        if (t[i].kind == XG_TOK_NUMBER && i + 1 < q->ntok && is_head(&t[i + 1]) &&
            (q_matched >> i & 1) && (q_matched >> (i + 1) & 1))
            qnum = i;
    if (qnum == q->ntok) return 0;
    for (size_t i = qnum; i < q->ntok; i++) /* after the number, every word met */
        if (!(q_matched >> i & 1) && t[i].kind != XG_TOK_STOP && t[i].kind != XG_TOK_LEGAL)
            return 0;
    size_t num = nn, head = nn;
    for (size_t j = 0; j < nn && num == nn; j++)
        if (lt[j].kind == XG_TOK_NUMBER && (n_matched >> j & 1) &&
            !strcmp(lt[j].text, t[qnum].text))
            for (size_t k = j + 1; k < nn && k <= j + 3 && head == nn; k++)
                if (is_list_head(&lt[k]) && (n_matched >> k & 1)) num = j, head = k;
    if (num == nn) return 0;
    size_t acr = nn;
    for (size_t j = 0; j < nn; j++) {
        if ((n_matched >> j & 1) || lt[j].kind == XG_TOK_STOP ||
            (lt[j].kind == XG_TOK_ORG && j < head))
            continue;
        if (j < head || acr != nn || lt[j].kind != XG_TOK_WORD) return 0;
        acr = j;
    }
    if (acr == nn) return 0;
    const char *a = lt[acr].text;
    size_t len = strlen(a), k = 0;
    if (len < 3 || len > 6) return 0;
    uint64_t cover = 0;
    for (size_t i = 0; i < qnum; i++) {
        if (q_matched >> i & 1) continue;
        cover |= 1ull << i;
        if (k < len && t[i].text[0] == a[k])
            k++;
        else if (!acronym_silent(&t[i]) || k == 0)
            return 0;
    }
    if (k < 2 || (k < len && !(k == len - 1 && a[k] == 'c'))) return 0;
    *qcover = cover;
    return 1ull << acr;
}

/* Whether a query word that met the list name is a listed company's brand, as data/text/
 * zh_brands.tsv reads a Chinese brand word (杰赛 gci, 卓望 aspire; xg_text_brand): the query then
 * names that company's trade name whatever sector word follows it (杰赛科技, 卓望科技), as a legal
 * form read from Han says that it names a company. Asked only when neither did. */
static int brand_met(const xg_score_query *q, const xg_score_detail *d)
{
    for (size_t i = 0; q->text && i < q->ntok && i < 64; i++)
        if ((d->q_matched >> i & 1) && q->name->tokens[i].from_han &&
            q->name->tokens[i].kind == XG_TOK_WORD &&
            xg_text_brand(q->text, q->name->tokens[i].text))
            return 1;
    return 0;
}

static int trade_name_met(const xg_score_query *q, const xg_score_list *l, size_t nn,
                          const xg_score_detail *d)
{
    const xg_token *t = q->name->tokens, *lt = l->name->tokens;
    int legal = 0, met = 0, words_only = 1, own_place = 0;
    for (size_t i = 0; i < q->ntok && i < 64; i++) {
        int m = d->q_matched >> i & 1;
        if (t[i].kind == XG_TOK_LEGAL && t[i].from_han) legal = 1;
        if (t[i].kind != XG_TOK_WORD || !t[i].from_han) words_only = 0;
        if (t[i].kind != XG_TOK_WORD && t[i].kind != XG_TOK_NUMBER) continue;
        if (!m && !t[i].place && !(q->acronyms >> i & 1)) return 0;
        if (!m && t[i].place) own_place = 1;
        if (m && !t[i].place) met = 1;
        /* a short name that is a common word (光明 "bright") is no distinctive trade name */
        if (m && (t[i].alt || t[i].senses)) words_only = 0;
    }
    if (!met || !(legal || words_only || brand_met(q, d))) return 0;
    int company = 0; /* the list name is a company's or an organisation's too, not a person's */
    for (size_t j = 0; j < nn; j++) {
        if (lt[j].kind == XG_TOK_LEGAL || lt[j].kind == XG_TOK_ORG) company = 1;
        if (!(d->n_matched >> j & 1) && !(l->acronyms >> j & 1) &&
            (lt[j].kind == XG_TOK_WORD || lt[j].kind == XG_TOK_NUMBER) &&
            (own_place || !latin_place(q, &lt[j])))
            return 0;
    }
    for (size_t k = 0; company && k < d->npairs; k++) { /* the trade name met closely */
        const xg_pair *p = &d->pairs[k];
        const xg_token *qt = &t[p->qi];
        if (qt->kind != XG_TOK_WORD || qt->place || p->sim >= XG_TRADE_NAME_SIM) continue;
        if (!(p->qn == 1 && p->nn == 1 && qt->sound && xg_sound_sim(qt->sound, lt[p->ni].text) > 0))
            return 0;
    }
    return company;
}

/* Whether list token t, left unmet, is a place word that costs a Chinese query as a place unit
 * (XG_HAN_PLACE_UNMET): the query (not a company's trade name, see trade_name_met) does not name
 * the list name's city ("Beijing" in its English). Only Latin place words: a list token's own
 * place flag (北京 in a Chinese form) is not kept in a mapped snapshot. */
static int han_unit_place_unmet(const xg_score_query *q, const xg_token *t)
{
    return q->han && latin_place(q, t);
}

/* True when token i repeats the text of a matched token of the same name: "长光卫星技术股份有限公司
 * (长光卫星)" names its brand twice, and the second time adds nothing to miss. */
static int repeats_matched(const xg_token *t, size_t n, uint64_t matched, size_t i)
{
    for (size_t k = 0; k < n && k < 64; k++)
        if (k != i && (matched >> k & 1) && !strcmp(t[k].text, t[i].text)) return 1;
    return 0;
}

/* The syllables of a pinyin word, counted as its groups of vowels (jinan 2, mosite 3). */
static size_t pinyin_syllables(const char *w)
{
    size_t n = 0;
    for (size_t i = 0; w[i]; i++)
        if (sound_vowel(w[i]) && (i == 0 || !sound_vowel(w[i - 1]))) n++;
    return n;
}

/* True when a Chinese query's match rests on a guessed spelling alone: a word read from Han met
 * one list word or two joined inexactly — a near pinyin (华润 huarun ~ "Harun", 清华 qinghua ~
 * "Qiang Hu") or a learned spelling (暨南 jinan ~ "Hunan" by ji → hi, 七喜 qixi ~ "Qisu") — where
 * the word is short (two syllables: a letter changes another name) or the list word a Chinese place
 * (Hunan), and no other distinctive word (a word or number, not an organisation, legal or stop
 * word) met closely (XG_TRADE_NAME_SIM) beside it: a learned spelling carries a brand next to its
 * city (广州欧赛 → "Guangzhou Ausay") or a name of three syllables (莫斯特 mosite ~ "Most"), not
 * two on its own. */
static int unsupported_guess(const xg_score_query *q, const xg_score_list *l,
                             const xg_score_detail *d)
{
    int guess = 0;
    for (size_t k = 0; k < d->npairs; k++) {
        const xg_pair *p = &d->pairs[k];
        const xg_token *t = &q->name->tokens[p->qi];
        if (p->cover == XG_ABSORBED || (t->kind != XG_TOK_WORD && t->kind != XG_TOK_NUMBER))
            continue;
        if (p->sim >= XG_TRADE_NAME_SIM) return 0;
        if (t->from_han && p->qn == 1 &&
            (pinyin_syllables(t->text) <= 2 || latin_place(q, &l->name->tokens[p->ni])))
            guess = 1;
    }
    return guess;
}

/* Whether list word j is left unmet: not matched, not the name's acronym nor a word the query's
 * acronym expanded to, not a repeat of a matched word. */
static inline int list_word_unmet(const xg_score_list *l, size_t nn, uint64_t matched,
                                  uint64_t expanded, size_t j)
{
    return !(matched >> j & 1) && !(l->acronyms >> j & 1) && !(expanded >> j & 1) &&
           !((l->repeats >> j & 1) && repeats_matched(l->name->tokens, nn, matched, j));
}

double xg_score_name(const xg_score_query *q, const xg_score_list *l, xg_score_detail *d)
{
    const xg_name *n = l->name;
    const float *nw = l->w;
    size_t nn = n->ntokens < 64 ? n->ntokens : 64;
    align(q, l, nn, d);
    if (q->pieces & ~d->q_matched) xg_zh_pieces_meet(q, l, nn, d); /* Han queries only */
    double num = 0, wm = 0, uq = 0, ul = 0, up = 0;
    for (size_t k = 0; k < d->npairs; k++) {
        const xg_pair *p = &d->pairs[k];
        double w = (span_weight(q->name->tokens, q->w, p->qi, p->qn) +
                    span_weight(n->tokens, nw, p->ni, p->nn)) /
                   2.0;
        if (p->qn == 1 && p->qi < 64 && (q->places >> p->qi & 1)) w *= XG_PLACE_WEIGHT;
        if (p->cover == XG_ABSORBED)
            w = 0;
        else if (p->cover) /* the phrase's weight, shared by the words that cover it */
            w = (p->cover_query ? q->w[p->qi] : tw(n->tokens, nw, p->ni)) / p->cover;
        num += w * p->sim;
        wm += w;
    }
    d->last_met_level = 0; /* a query with no chain levels skips none (and meets level 0) */
    d->level_skipped =
        q->levels ? skipped_levels(q, l, nn, d->q_matched, d->n_matched, &d->last_met_level) : 0;
    d->unmatched_level = d->qualifier = d->head = 0;
    /* The Chinese-name rules (issue 13): decided per query (xg_score_prepare), so that a Latin
     * query only reads q->han and q->university here. */
    const int han = q->han;
    uint64_t parent = 0;
    int trade = 0;
    int univ = universities(q, l);
    if (han) {
        if (!d->level_skipped) parent = listed_parent_unmet(q, l, nn, d->q_matched, d->n_matched);
        if (!d->level_skipped && !parent)
            parent = numbered_unit_parent(q, l, nn, d->q_matched, d->n_matched);
        if (!d->level_skipped && !parent) { /* the parent's acronym meets the words it spells */
            uint64_t qcover = 0;
            d->n_matched |=
                numbered_unit_parent_after(q, l, nn, d->q_matched, d->n_matched, &qcover);
            d->q_matched |= qcover;
        }
        trade = !univ && trade_name_met(q, l, nn, d);
    }
    d->list_parent = parent;
    const int company = q->company; /* Han queries only */
    /* no rule of the list-word loop applies: company and trade imply han */
    const int plain = !han && !univ;
    for (size_t i = 0; i < q->ntok; i++)
        if (!(d->q_matched >> i & 1) && !(q->acronyms >> i & 1) &&
            !((q->repeats >> i & 1) &&
              repeats_matched(q->name->tokens, q->ntok, d->q_matched, i))) {
            const xg_token *t = &q->name->tokens[i];
            if (i < 64 && (d->level_skipped >> i & 1))
                d->unmatched_level +=
                    q->w[i] *
                    (t->level > d->last_met_level ? XG_UNMATCHED_UNIT_LEVEL : XG_UNMATCHED_LEVEL);
            else if (univ && is_qualifier(t))
                d->qualifier += XG_W_WORD;
            else if (is_head(t) && !head_taken(t, n, d))
                d->head += XG_W_WORD;
            else if (trade)
                uq += q->w[i] * (t->place ? XG_PLACE_UNMET : XG_GENERIC_SHARE);
            else
                uq += q->w[i] * unmatched_share(t, q->w[i]);
        }
    /* A query naming the list's own acronym exactly ("NUDT" for "National University of Defense
     * Technology (NUDT)") names what it stands for: those words are not missing. */
    uint64_t expanded = 0;
    for (size_t k = 0; l->acronyms && k < d->npairs; k++) {
        const xg_pair *p = &d->pairs[k];
        if (p->qn == 1 && p->nn == 1 && !p->cover && p->sim >= 1.0f && p->ni < 64 &&
            (l->acronyms >> p->ni & 1))
            expanded |= acronym_expansion(n->tokens, nn, p->ni);
    }
    if (plain) { /* a Latin query: every unmatched list word is a plain one */
        for (size_t j = 0; j < nn; j++)
            if (list_word_unmet(l, nn, d->n_matched, expanded, j)) ul += tw(n->tokens, nw, j);
    } else {
        for (size_t j = 0; j < nn; j++)
            if (list_word_unmet(l, nn, d->n_matched, expanded, j)) {
                if (univ && is_qualifier(&n->tokens[j]))
                    d->qualifier += XG_W_WORD;
                else if (company && is_list_head(&n->tokens[j]))
                    d->head += XG_W_WORD;
                else if (trade)
                    ul += tw(n->tokens, nw, j) *
                          (latin_place(q, &n->tokens[j]) ? XG_PLACE_UNMET : XG_GENERIC_SHARE);
                else if (!han)
                    ul += tw(n->tokens, nw, j);
                else if (han_unit_place_unmet(q, &n->tokens[j]))
                    up += XG_HAN_PLACE_UNMET;
                else if (!parent || !parent_word(n, nw, j, parent, &d->unmatched_level))
                    ul += tw(n->tokens, nw, j);
            }
    }
    double den = wm + XG_UNMATCHED_QUERY * (uq + up + d->qualifier + d->head + d->unmatched_level) +
                 XG_UNMATCHED_LIST * ul;
    d->matched_weight = wm;
    d->unmatched_query = uq;
    d->unmatched_list = ul;
    d->token_score = den > 0 ? num / den : 0.0;
    d->number_mismatch = has_unmatched_number(q->name->tokens, q->ntok, d->q_matched) &&
                         has_unmatched_number(n->tokens, nn, d->n_matched);
    d->han_score = han_dice(q->han_bigrams, q->nhan_bigrams, l->big, l->nbig);
    d->method = XG_METHOD_TOKENS;
    d->score = d->token_score;
    if (d->han_score >= 0) {
        /* Han agreement counts double next to the pinyin/glossary alignment. */
        double combined = (2.0 * d->han_score + d->token_score) / 3.0;
        if (combined > d->score) {
            d->score = combined;
            d->method = XG_METHOD_HAN;
        }
    }
    if (d->number_mismatch && d->score > XG_NUMBER_MISMATCH_CAP) d->score = XG_NUMBER_MISMATCH_CAP;
    d->unsupported = han && d->method == XG_METHOD_TOKENS && d->score > XG_UNSUPPORTED_CAP &&
                     unsupported_guess(q, l, d);
    if (d->unsupported) d->score = XG_UNSUPPORTED_CAP;
    if (d->score > 1.0) d->score = 1.0;
    return d->score;
}

static json_t *span_text(const xg_token *t, size_t i, size_t n)
{
    if (n == 1) return json_string_nocheck(t[i].text);
    char buf[512];
    size_t len = 0;
    for (size_t k = 0; k < n && len < sizeof buf; k++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", k ? " " : "", t[i + k].text);
    /* cut at the buffer's end, a character may be split: only then is the text checked */
    return len < sizeof buf - 1 ? json_string_nocheck(buf) : json_string(buf);
}

static const char *kind_name(xg_token_kind k)
{
    static const char *names[] = {"word", "number", "legal", "org", "stop"};
    return (unsigned)k < 5 ? names[k] : "word";
}

static double round3(double x)
{
    return (double)(long)(x * 1000.0 + 0.5) / 1000.0;
}

/* {"kind": kind, "weight": weight, "factor": factor}, as json_pack("{s:s,s:f,s:f}") builds it,
 * without parsing a format for every penalty of every explanation. */
static json_t *penalty_json(const char *kind, double weight, double factor)
{
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "kind", json_string_nocheck(kind));
    json_object_set_new_nocheck(o, "weight", json_real(weight));
    json_object_set_new_nocheck(o, "factor", json_real(factor));
    return o;
}

static json_t *unmatched_json(const xg_token *t, size_t n, uint64_t matched)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n && i < 64; i++)
        if (!(matched >> i & 1)) json_array_append_new(a, json_string_nocheck(t[i].text));
    return a;
}

/* "nested": which levels of a chained Chinese query met the list name and how they relate: the
 * list names the query's parent (北京航空航天大学 of 北京航空航天大学杭州创新研究院) or the query's
 * own unit with its parent or prefix left out (国防科技大学 of 中国人民解放军国防科技大学). */
static void nested_explain(json_t *e, json_t *pen, const xg_token *t, size_t ntok,
                           const xg_score_detail *d)
{
    unsigned first_met = 0, last_skipped = 0, top = 0;
    json_t *skipped = json_array();
    for (size_t i = 0; i < ntok && i < 64; i++) {
        unsigned v = t[i].level;
        if (v > top) top = v;
        if (d->level_skipped >> i & 1) {
            if (v > last_skipped) last_skipped = v;
            json_array_append_new(skipped, json_string_nocheck(t[i].text));
        } else if (v && (!first_met || v < first_met)) {
            first_met = v;
        }
    }
    const char *rel = last_skipped > first_met ? "listed_parent" : "listed_unit";
    json_object_set_new_nocheck(e, "nested",
                                json_pack("{s:s,s:i,s:o}", "relation", rel, "levels", (int)top,
                                          "unmatched_levels", skipped));
    json_array_append_new(
        pen, penalty_json("unmatched_levels", round3(d->unmatched_level), XG_UNMATCHED_QUERY));
}

/* True when a pair met a Latin list word that the query word's sound pattern spells otherwise
 * than its pinyin (莫斯特 mosite ~ most). */
static int learned_spelling(const xg_token *qt, const xg_name *n, const xg_pair *p)
{
    const xg_token *nt = &n->tokens[p->ni];
    return !nt->from_han && strcmp(qt->text, nt->text) != 0 &&
           xg_sound_sim(qt->sound, nt->text) > 0;
}

/* True when a pair met a Latin list word through another English sense of the query word
 * (卫生 health ~ hygiene), not through its own text or alt. */
static int other_sense(const xg_token *qt, const xg_name *n, const xg_pair *p)
{
    const xg_token *nt = &n->tokens[p->ni];
    double own = reading_sim(qt->text, nt, XG_EDITS);
    if (qt->alt && !strchr(qt->alt, ' ')) {
        double a = reading_sim(qt->alt, nt, XG_EDITS);
        if (a > own) own = a;
    }
    return senses_text_sim(qt->senses, nt) > own;
}

json_t *xg_score_explain(const xg_score_query *q, const xg_name *n, const xg_score_detail *d)
{
    return xg_score_explain_tokens(q->name->tokens, q->ntok, q->truncated, n, d);
}

json_t *xg_score_explain_tokens(const xg_token *qt, size_t ntok, int truncated, const xg_name *n,
                                const xg_score_detail *d)
{
    static const char *methods[] = {"token_alignment", "han_bigrams", "identifier"};
    json_t *e = json_object(), *pairs = json_array(), *pen = json_array();
    json_object_set_new_nocheck(e, "method", json_string_nocheck(methods[d->method]));
    for (size_t k = 0; k < d->npairs; k++) {
        const xg_pair *p = &d->pairs[k];
        json_t *o = json_object();
        json_object_set_new_nocheck(o, "query", span_text(qt, p->qi, p->qn));
        json_object_set_new_nocheck(o, "list", span_text(n->tokens, p->ni, p->nn));
        json_object_set_new_nocheck(o, "score", json_real(round3(p->sim)));
        const xg_token *t = &qt[p->qi];
        json_object_set_new_nocheck(o, "kind", json_string_nocheck(kind_name(t->kind)));
        char how[512];
        if (p->reading == XG_READING_PIECES) {
            json_object_set_new_nocheck(o, "via", json_string_nocheck("pieces"));
            if (!xg_zh_pieces_describe(how, sizeof how, qt, p->qi, p->qn, n->tokens, p->ni, p->nn))
                json_object_set_new(o, "pieces", json_string(how));
        } else if (p->reading)
            json_object_set_new_nocheck(o, "reading", json_true());
        else if (p->qn == 1 && p->nn == 1 && t->sound && !p->cover && learned_spelling(t, n, p))
            json_object_set_new_nocheck(o, "via", json_string_nocheck("learned spelling"));
        else if (p->qn == 1 && p->nn == 1 && t->senses && !p->cover && other_sense(t, n, p))
            json_object_set_new_nocheck(o, "via", json_string_nocheck("gloss"));
        else if (p->qn + p->nn > 2)
            json_object_set_new_nocheck(o, "joined", json_true());
        if (p->cover) json_object_set_new_nocheck(o, "phrase", json_true());
        json_array_append_new(pairs, o);
    }
    json_object_set_new_nocheck(e, "pairs", pairs);
    json_object_set_new_nocheck(e, "unmatched_query", unmatched_json(qt, ntok, d->q_matched));
    size_t nn = n->ntokens < 64 ? n->ntokens : 64;
    json_object_set_new_nocheck(e, "unmatched_list", unmatched_json(n->tokens, nn, d->n_matched));
    if (d->unmatched_query > 0)
        json_array_append_new(pen, penalty_json("unmatched_query_tokens",
                                                round3(d->unmatched_query), XG_UNMATCHED_QUERY));
    if (d->unmatched_list > 0)
        json_array_append_new(pen, penalty_json("unmatched_list_tokens", round3(d->unmatched_list),
                                                XG_UNMATCHED_LIST));
    if (d->qualifier > 0)
        json_array_append_new(
            pen, penalty_json("university_qualifiers", round3(d->qualifier), XG_UNMATCHED_QUERY));
    if (d->head > 0)
        json_array_append_new(
            pen, penalty_json("institution_head", round3(d->head), XG_UNMATCHED_QUERY));
    if (d->level_skipped) nested_explain(e, pen, qt, ntok, d);
    if (d->list_parent) {
        json_t *parent = json_array();
        for (size_t j = 0; j < nn; j++)
            if (d->list_parent >> j & 1)
                json_array_append_new(parent, json_string_nocheck(n->tokens[j].text));
        json_object_set_new_nocheck(
            e, "nested",
            json_pack("{s:s,s:o}", "relation", "listed_with_parent", "unmatched_parent", parent));
        json_array_append_new(pen, penalty_json("unmatched_list_parent", round3(d->unmatched_level),
                                                XG_UNMATCHED_QUERY));
    }
    if (d->number_mismatch)
        json_array_append_new(
            pen, json_pack("{s:s,s:f}", "kind", "number_mismatch", "cap", XG_NUMBER_MISMATCH_CAP));
    if (d->unsupported)
        json_array_append_new(
            pen, json_pack("{s:s,s:f}", "kind", "unsupported_spelling", "cap", XG_UNSUPPORTED_CAP));
    if (truncated)
        json_array_append_new(
            pen, json_pack("{s:s,s:i}", "kind", "query_truncated", "tokens", XG_SCORE_MAX_TOKENS));
    json_object_set_new_nocheck(e, "penalties", pen);
    json_object_set_new_nocheck(e, "token_score", json_real(round3(d->token_score)));
    if (d->han_score >= 0)
        json_object_set_new_nocheck(e, "han_score", json_real(round3(d->han_score)));
    return e;
}

/* ---- the explanation as text (xg_score_explain_write): the tree above, key for key ---- */

static int w_lit(xg_buf *b, const char *s)
{
    return xg_buf_append(b, s, strlen(s));
}

static int w_str(xg_buf *b, const char *s)
{
    return xg_buf_json_string(b, s, strlen(s)) ? -1 : 0;
}

static int w_real(xg_buf *b, double v)
{
    return isfinite(v) && xg_buf_json_real(b, v, 12, 48) == 0 ? 0 : -1;
}

/* span_text's string: 1 when it would cut the text (joined length of 511 bytes or more). */
static int w_span(xg_buf *b, const xg_token *t, size_t i, size_t n)
{
    if (n == 1) return w_str(b, t[i].text);
    size_t len = n - 1;
    for (size_t k = 0; k < n; k++)
        len += strlen(t[i + k].text);
    if (len >= 511) return 1;
    char buf[512], *p = buf;
    for (size_t k = 0; k < n; k++) {
        if (k) *p++ = ' ';
        size_t l = strlen(t[i + k].text);
        memcpy(p, t[i + k].text, l);
        p += l;
    }
    return xg_buf_json_string(b, buf, (size_t)(p - buf)) ? -1 : 0;
}

static int w_penalty(xg_buf *b, int *first, const char *kind, double weight, double factor)
{
    if ((*first ? 0 : xg_buf_putc(b, ',')) || w_lit(b, "{\"kind\":") || w_str(b, kind) ||
        w_lit(b, ",\"weight\":") || w_real(b, weight) || w_lit(b, ",\"factor\":") ||
        w_real(b, factor) || xg_buf_putc(b, '}'))
        return -1;
    *first = 0;
    return 0;
}

static int w_cap(xg_buf *b, int *first, const char *kind, double cap)
{
    if ((*first ? 0 : xg_buf_putc(b, ',')) || w_lit(b, "{\"kind\":") || w_str(b, kind) ||
        w_lit(b, ",\"cap\":") || w_real(b, cap) || xg_buf_putc(b, '}'))
        return -1;
    *first = 0;
    return 0;
}

static int w_unmatched(xg_buf *b, const xg_token *t, size_t n, uint64_t matched)
{
    if (xg_buf_putc(b, '[')) return -1;
    int first = 1;
    for (size_t i = 0; i < n && i < 64; i++)
        if (!(matched >> i & 1)) {
            if ((!first && xg_buf_putc(b, ',')) || w_str(b, t[i].text)) return -1;
            first = 0;
        }
    return xg_buf_putc(b, ']');
}

int xg_score_explain_write(xg_buf *b, const xg_token *qt, size_t ntok, int truncated,
                           const xg_name *n, const xg_score_detail *d)
{
    static const char *methods[] = {"token_alignment", "han_bigrams", "identifier"};
    if (d->level_skipped && d->list_parent) return 1; /* the tree keeps the first key's place */
    if (w_lit(b, "{\"method\":") || w_str(b, methods[d->method]) || w_lit(b, ",\"pairs\":["))
        return -1;
    for (size_t k = 0; k < d->npairs; k++) {
        const xg_pair *p = &d->pairs[k];
        const xg_token *t = &qt[p->qi];
        int rc;
        if ((k && xg_buf_putc(b, ',')) || w_lit(b, "{\"query\":")) return -1;
        if ((rc = w_span(b, qt, p->qi, p->qn)) != 0 || w_lit(b, ",\"list\":") < 0 ||
            (rc = w_span(b, n->tokens, p->ni, p->nn)) != 0)
            return rc ? rc : -1;
        if (w_lit(b, ",\"score\":") || w_real(b, round3(p->sim)) || w_lit(b, ",\"kind\":") ||
            w_str(b, kind_name(t->kind)))
            return -1;
        rc = 0;
        char how[512];
        if (p->reading == XG_READING_PIECES) {
            rc = w_lit(b, ",\"via\":\"pieces\"");
            if (!rc &&
                !xg_zh_pieces_describe(how, sizeof how, qt, p->qi, p->qn, n->tokens, p->ni, p->nn))
                rc = w_lit(b, ",\"pieces\":") || w_str(b, how);
        } else if (p->reading)
            rc = w_lit(b, ",\"reading\":true");
        else if (p->qn == 1 && p->nn == 1 && t->sound && !p->cover && learned_spelling(t, n, p))
            rc = w_lit(b, ",\"via\":\"learned spelling\"");
        else if (p->qn == 1 && p->nn == 1 && t->senses && !p->cover && other_sense(t, n, p))
            rc = w_lit(b, ",\"via\":\"gloss\"");
        else if (p->qn + p->nn > 2)
            rc = w_lit(b, ",\"joined\":true");
        if (rc || (p->cover && w_lit(b, ",\"phrase\":true")) || xg_buf_putc(b, '}')) return -1;
    }
    size_t nn = n->ntokens < 64 ? n->ntokens : 64;
    if (w_lit(b, "],\"unmatched_query\":") || w_unmatched(b, qt, ntok, d->q_matched) ||
        w_lit(b, ",\"unmatched_list\":") || w_unmatched(b, n->tokens, nn, d->n_matched))
        return -1;
    if (d->level_skipped) { /* nested_explain's object */
        unsigned first_met = 0, last_skipped = 0, top = 0;
        for (size_t i = 0; i < ntok && i < 64; i++) {
            unsigned v = qt[i].level;
            if (v > top) top = v;
            if (d->level_skipped >> i & 1) {
                if (v > last_skipped) last_skipped = v;
            } else if (v && (!first_met || v < first_met)) {
                first_met = v;
            }
        }
        const char *rel = last_skipped > first_met ? "listed_parent" : "listed_unit";
        if (w_lit(b, ",\"nested\":{\"relation\":") || w_str(b, rel) || w_lit(b, ",\"levels\":") ||
            xg_buf_json_int(b, (int)top) || w_lit(b, ",\"unmatched_levels\":") ||
            w_unmatched(b, qt, ntok, ~d->level_skipped) || xg_buf_putc(b, '}'))
            return -1;
    }
    if (d->list_parent &&
        (w_lit(b, ",\"nested\":{\"relation\":\"listed_with_parent\",\"unmatched_parent\":") ||
         w_unmatched(b, n->tokens, nn, ~d->list_parent) || xg_buf_putc(b, '}')))
        return -1;
    int first = 1;
    if (w_lit(b, ",\"penalties\":[") ||
        (d->unmatched_query > 0 && w_penalty(b, &first, "unmatched_query_tokens",
                                             round3(d->unmatched_query), XG_UNMATCHED_QUERY)) ||
        (d->unmatched_list > 0 && w_penalty(b, &first, "unmatched_list_tokens",
                                            round3(d->unmatched_list), XG_UNMATCHED_LIST)) ||
        (d->qualifier > 0 &&
         w_penalty(b, &first, "university_qualifiers", round3(d->qualifier), XG_UNMATCHED_QUERY)) ||
        (d->head > 0 &&
         w_penalty(b, &first, "institution_head", round3(d->head), XG_UNMATCHED_QUERY)) ||
        (d->level_skipped && w_penalty(b, &first, "unmatched_levels", round3(d->unmatched_level),
                                       XG_UNMATCHED_QUERY)) ||
        (d->list_parent && w_penalty(b, &first, "unmatched_list_parent", round3(d->unmatched_level),
                                     XG_UNMATCHED_QUERY)) ||
        (d->number_mismatch && w_cap(b, &first, "number_mismatch", XG_NUMBER_MISMATCH_CAP)) ||
        (d->unsupported && w_cap(b, &first, "unsupported_spelling", XG_UNSUPPORTED_CAP)))
        return -1;
    if (truncated && ((first ? 0 : xg_buf_putc(b, ',')) ||
                      w_lit(b, "{\"kind\":\"query_truncated\",\"tokens\":") ||
                      xg_buf_json_int(b, XG_SCORE_MAX_TOKENS) || xg_buf_putc(b, '}')))
        return -1;
    if (w_lit(b, "],\"token_score\":") || w_real(b, round3(d->token_score))) return -1;
    if (d->han_score >= 0 && (w_lit(b, ",\"han_score\":") || w_real(b, round3(d->han_score))))
        return -1;
    return 0;
}
