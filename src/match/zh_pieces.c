/* A Chinese word read part by meaning, part by pinyin, against consecutive list words (issue 13;
 * see zh_pieces.h). */
#include "match/zh_pieces.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Characters and entries of a query run at most, letters of a list run at most. */
#define ZP_MAX_CHARS 16
#define ZP_MAX_ENTRIES 64
#define ZP_MAX_LETTERS 64
/* Query words and list words in a run at most. */
#define ZP_MAX_QUERY_WORDS 3
#define ZP_MAX_LIST_WORDS 4

/* Readings of an entry kept at most: sounds (pinyin and learned spellings), glosses. */
#define ZP_SOUNDS XG_ZH_PIECE_SOUNDS
#define ZP_GLOSSES XG_ZH_PIECE_GLOSSES

typedef xg_zh_piece zp_entry;

/* A run of query words' entries: e[0 .. n), their characters counted from base. */
typedef struct {
    const zp_entry *e;
    size_t n, nchars, base;
    uint32_t first; /* letters a reading of the first character(s) starts with, a = bit 0 */
    uint32_t last;  /* characters (bit c) that end a query word */
} zp_query;

typedef struct {
    char s[ZP_MAX_LETTERS + 1];
    size_t len;
    uint8_t start[ZP_MAX_LETTERS + 1]; /* the list word starting at a letter + 1, else 0 */
    uint8_t end[ZP_MAX_LIST_WORDS];    /* where list word k ends */
} zp_list;

/* A step of the programme: reached (c, pos) by entry e's alternative k from pos `from`. */
typedef struct {
    uint8_t cost; /* learned spellings used; 0xFF: not reached */
    uint8_t e, k, from;
} zp_step;

static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Split s[0..n) at sep into at most cap alternatives; returns how many. */
static uint8_t split_alts(const char *s, size_t n, char sep, const char **a, uint8_t *an,
                          size_t cap)
{
    uint8_t k = 0;
    for (size_t i = 0; i < n && k < cap;) {
        const char *c = memchr(s + i, sep, n - i);
        size_t end = c ? (size_t)(c - s) : n;
        if (end > i && end - i < 64) a[k] = s + i, an[k++] = (uint8_t)(end - i);
        i = end + 1;
    }
    return k;
}

static uint32_t first_letters(const zp_entry *e)
{
    uint32_t m = 0;
    for (size_t k = 0; k < e->nsnd; k++)
        if (e->snd[k][0] >= 'a' && e->snd[k][0] <= 'z') m |= 1u << (e->snd[k][0] - 'a');
    for (size_t k = 0; k < e->ngl; k++)
        if (e->gl[k][0] >= 'a' && e->gl[k][0] <= 'z') m |= 1u << (e->gl[k][0] - 'a');
    return m;
}

/* Parse the pieces p of one query word into e[*n ..) (cap entries in all), its characters counted
 * from *nchars (both advanced); -1 when it has none or they do not fit (ZP_MAX_ENTRIES entries,
 * ZP_MAX_CHARS characters at most for a word). */
static int parse_word(zp_entry *e0, size_t cap, size_t *n, size_t *nchars, const char *p)
{
    size_t start = *nchars, n0 = *n;
    if (!p) return -1;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        const char *eq = strchr(p, '='), *colon = eq ? strchr(eq, ':') : NULL;
        if (!colon || *n == cap || *n - n0 == ZP_MAX_ENTRIES || eq - p > 255) return -1;
        const char *end = colon + 1 + strcspn(colon + 1, " ");
        zp_entry *e = &e0[(*n)++];
        e->han = p;
        e->hanlen = (uint8_t)(eq - p);
        e->at = (uint16_t)*nchars;
        e->nsnd = split_alts(eq + 1, (size_t)(colon - eq - 1), '|', e->snd, e->sndlen, ZP_SOUNDS);
        e->ngl = split_alts(colon + 1, (size_t)(end - colon - 1), ',', e->gl, e->gllen, ZP_GLOSSES);
        size_t nch = utf8_chars(e->han, e->hanlen);
        if (nch == 0 || nch > ZP_MAX_CHARS) return -1;
        e->nchars = (uint8_t)nch;
        if (colon > eq + 1) { /* a character: the next one starts after it */
            if (nch != 1 || !e->nsnd || ++*nchars - start > ZP_MAX_CHARS) return -1;
        }
        p = end;
    }
    return 0;
}

/* The view z of the run of query words i .. i+qn) of q's parsed pieces; -1 when a word has no
 * pieces or they do not fit (ZP_MAX_ENTRIES entries, ZP_MAX_CHARS characters). */
static int view_query(zp_query *z, const xg_score_query *q, size_t i, size_t qn)
{
    size_t n = 0, nch = 0;
    z->first = z->last = 0;
    for (size_t t = i; t < i + qn; t++) {
        if (!(q->pieces >> t & 1)) return -1;
        n += q->piece_n[t];
        nch += q->piece_chars[t];
        if (n > ZP_MAX_ENTRIES || nch > ZP_MAX_CHARS) return -1;
        if (nch) z->last |= 1u << (nch - 1);
    }
    if (!nch) return -1;
    z->e = &q->piece[q->piece_at[i]];
    z->n = n;
    z->nchars = nch;
    z->base = z->e[0].at;
    z->first = q->pieces_first[i];
    return 0;
}

/* The entries of the query tokens qt[qi .. qi+qn) into e (ZP_MAX_ENTRIES), viewed by z; -1 when
 * one has no pieces or they do not fit. */
static int parse_query(zp_query *z, zp_entry *e, const xg_token *qt, size_t qi, size_t qn)
{
    size_t n = 0, nch = 0;
    z->first = z->last = 0;
    for (size_t t = qi; t < qi + qn; t++) {
        if (parse_word(e, ZP_MAX_ENTRIES, &n, &nch, qt[t].pieces) || nch > ZP_MAX_CHARS) return -1;
        if (nch) z->last |= 1u << (nch - 1);
    }
    for (size_t k = 0; k < n && e[k].at == 0; k++)
        z->first |= first_letters(&e[k]);
    z->e = e;
    z->n = n;
    z->nchars = nch;
    z->base = 0;
    return nch ? 0 : -1;
}

void xg_zh_pieces_prepare(xg_score_query *q)
{
    const xg_token *qt = q->name->tokens;
    size_t n = 0, nch = 0;
    q->pieces = 0;
    q->pieces_fit = 1;
    for (size_t i = 0; i < q->ntok && i < 64; i++) {
        if (!qt[i].pieces) continue;
        size_t n0 = n, c0 = nch;
        if (parse_word(q->piece, XG_SCORE_MAX_PIECES, &n, &nch, qt[i].pieces)) {
            if (n == XG_SCORE_MAX_PIECES) break; /* did not fit: parsed per candidate */
            n = n0, nch = c0;
            continue;
        }
        uint32_t first = 0;
        for (size_t k = n0; k < n && q->piece[k].at == c0; k++)
            first |= first_letters(&q->piece[k]);
        if (nch == c0 || !first) { /* no character, or nothing to start with */
            n = n0, nch = c0;
            continue;
        }
        q->pieces_first[i] = first;
        q->pieces |= 1ULL << i;
        q->piece_at[i] = (uint16_t)n0;
        q->piece_n[i] = (uint16_t)(n - n0);
        q->piece_chars[i] = (uint8_t)(nch - c0);
    }
    if (n < XG_SCORE_MAX_PIECES) return;
    /* they did not fit: which words have pieces, each parsed alone */
    q->pieces = 0;
    q->pieces_fit = 0;
    for (size_t i = 0; i < q->ntok && i < 64; i++) {
        zp_entry e[ZP_MAX_ENTRIES];
        zp_query z;
        if (qt[i].pieces && !parse_query(&z, e, qt, i, 1) && z.first)
            q->pieces_first[i] = z.first, q->pieces |= 1ULL << i;
    }
}

/* A list word the pieces may meet: a plain or organisation word ("electronic", "cloud") of
 * lower-case letters, not read from Han. */
static int list_word_ok(const xg_token *t)
{
    if ((t->kind != XG_TOK_WORD && t->kind != XG_TOK_ORG) || t->from_han || !t->text[0]) return 0;
    for (const char *p = t->text; *p; p++)
        if (*p < 'a' || *p > 'z') return 0;
    return 1;
}

static int parse_list(zp_list *z, const xg_token *lt, size_t ni, size_t nn)
{
    z->len = 0;
    memset(z->start, 0, sizeof z->start);
    for (size_t k = 0; k < nn; k++) {
        size_t n = strlen(lt[ni + k].text);
        if (z->len + n > ZP_MAX_LETTERS) return -1;
        z->start[z->len] = (uint8_t)(k + 1);
        memcpy(z->s + z->len, lt[ni + k].text, n);
        z->len += n;
        z->end[k] = (uint8_t)z->len;
    }
    z->s[z->len] = '\0';
    return 0;
}

/* A gloss close enough to a list word: equal, or the same word with another ending
 * (technology ~ technologies, electric ~ electronic, measure ~ measuring, orient ~ oriental): five
 * letters in common at least, the shorter word's all but two, the longer's all but four; not
 * merely a shared start (country ≠ county, general ≠ generation). */
static int gloss_close(const char *g, size_t gn, const char *w, size_t wn)
{
    if (gn == wn && !memcmp(g, w, gn)) return 1;
    size_t common = 0, lo = gn < wn ? gn : wn, hi = gn < wn ? wn : gn;
    while (common < lo && g[common] == w[common])
        common++;
    return common >= 5 && common + 2 >= lo && common + 4 >= hi;
}

/* What a character left unread costs in the programme (more than any number of learned
 * spellings), and the marker of such a step. */
#define ZP_SKIP 32
#define ZP_SKIPPED 0x40
#define ZP_GLOSS 0x80

/* The programme: steps[c][pos] for c characters read and pos letters spelled (every list word
 * ending at a letter of the run can then be asked: a prefix of the run is spelled the same way).
 * Returns the cost of reading every character and spelling every letter (ZP_SKIP for each character
 * left unread — one in four at most, the last of its query word right after a piece read by its
 * meaning — plus one for each learned spelling used), or -1. */
static int spell(const zp_query *z, const zp_list *L,
                 zp_step steps[ZP_MAX_CHARS + 1][ZP_MAX_LETTERS + 1])
{
    for (size_t c = 0; c <= z->nchars; c++)
        for (size_t pos = 0; pos <= L->len; pos++)
            steps[c][pos].cost = 0xFF;
    steps[0][0] = (zp_step){0, 0, 0, 0};
    size_t e0 = 0, reach = 0; /* the furthest row reached */
    for (size_t c = 0; c < z->nchars; c++) {
        while (e0 < z->n && z->e[e0].at - z->base < c)
            e0++;
        for (size_t pos = 0; pos <= L->len; pos++) {
            unsigned cost = steps[c][pos].cost;
            if (cost == 0xFF) continue;
            /* leave character c unread: the last of its query word, after a character or word
             * read by its meaning (钛 titanium | 金), one in four at most */
            if ((z->last >> c & 1) && (steps[c][pos].k & ZP_GLOSS) &&
                cost / ZP_SKIP < z->nchars / 4) {
                size_t ei = e0;
                while (ei < z->n && !z->e[ei].nsnd)
                    ei++;
                zp_step *to = &steps[c + 1][pos];
                if (ei < z->n && cost + ZP_SKIP < to->cost)
                    *to =
                        (zp_step){(uint8_t)(cost + ZP_SKIP), (uint8_t)ei, ZP_SKIPPED, (uint8_t)pos},
                    reach = reach > c + 1 ? reach : c + 1;
            }
            for (size_t ei = e0; ei < z->n && z->e[ei].at - z->base == c; ei++) {
                const zp_entry *e = &z->e[ei];
                for (size_t k = 0; k < e->nsnd; k++) {
                    const char *a = e->snd[k];
                    size_t an = e->sndlen[k];
                    if (a[0] != L->s[pos] || pos + an > L->len || memcmp(L->s + pos, a, an))
                        continue;
                    int inside = 0; /* no syllable across two list words */
                    for (size_t x = pos + 1; x < pos + an && !inside; x++)
                        inside = L->start[x] != 0;
                    zp_step *to = &steps[c + 1][pos + an];
                    unsigned nc = cost + (k > 0);
                    if (!inside && nc < to->cost)
                        *to = (zp_step){(uint8_t)nc, (uint8_t)ei, (uint8_t)k, (uint8_t)pos},
                        reach = reach > c + 1 ? reach : c + 1;
                }
                if (!L->start[pos]) continue;
                size_t w = L->start[pos] - 1, wend = L->end[w];
                for (size_t k = 0; k < e->ngl; k++) {
                    if (e->gl[k][0] != L->s[pos] ||
                        !gloss_close(e->gl[k], e->gllen[k], L->s + pos, wend - pos))
                        continue;
                    zp_step *to = &steps[c + e->nchars][wend];
                    if (cost < to->cost)
                        *to = (zp_step){(uint8_t)cost, (uint8_t)ei, (uint8_t)(ZP_GLOSS | k),
                                        (uint8_t)pos},
                        reach = reach > c + e->nchars ? reach : c + e->nchars;
                    break;
                }
            }
        }
        if (reach <= c) return -1; /* no way past character c */
    }
    unsigned cost = steps[z->nchars][L->len].cost;
    return cost == 0xFF ? -1 : (int)cost;
}

void xg_zh_pieces_meet(const xg_score_query *q, const xg_score_list *l, size_t nn,
                       xg_score_detail *d)
{
    const xg_token *qt = q->name->tokens, *lt = l->name->tokens;
    uint64_t free_q = q->pieces & ~d->q_matched, free_l = 0;
    uint32_t lfirst = 0; /* first letters of the free list words */
    for (size_t j = 0; j < nn; j++)
        if (!(d->n_matched >> j & 1) && list_word_ok(&lt[j]))
            free_l |= 1ull << j, lfirst |= 1u << (lt[j].text[0] - 'a');
    if (!free_l) return;
    zp_step steps[ZP_MAX_CHARS + 1][ZP_MAX_LETTERS + 1];
    zp_entry own[ZP_MAX_ENTRIES]; /* when the query's pieces did not fit in q->piece */
    size_t ntok = q->ntok < 64 ? q->ntok : 64;
    for (size_t i = 0; i < ntok && free_q && free_l; i++) {
        if (!(free_q >> i & 1) || !(q->pieces_first[i] & lfirst)) continue;
        size_t qmax = 1;
        while (qmax < ZP_MAX_QUERY_WORDS && i + qmax < ntok && (free_q >> (i + qmax) & 1))
            qmax++;
        int done = 0;
        for (size_t qn = qmax; qn >= 1 && !done; qn--) {
            zp_query z;
            if ((q->pieces_fit ? view_query(&z, q, i, qn) : parse_query(&z, own, qt, i, qn)) ||
                z.nchars < 2)
                continue;
            for (size_t j = 0; j < nn && !done; j++) {
                if (!(free_l >> j & 1) || !(z.first >> (lt[j].text[0] - 'a') & 1)) continue;
                size_t mmax = 1;
                while (mmax < ZP_MAX_LIST_WORDS && j + mmax < nn && (free_l >> (j + mmax) & 1))
                    mmax++;
                zp_list L;
                while (mmax > 0 && parse_list(&L, lt, j, mmax))
                    mmax--;
                if (!mmax) continue;
                spell(&z, &L, steps);
                for (size_t m = mmax; m >= 1 && !done; m--) {
                    size_t end = L.end[m - 1];
                    unsigned cost = steps[z.nchars][end].cost;
                    if (cost == 0xFF || end < XG_PIECES_MIN_LETTERS ||
                        d->npairs >= XG_SCORE_MAX_TOKENS)
                        continue;
                    double sim = cost >= ZP_SKIP ? XG_PIECES_SKIP_SIM
                                 : cost          ? XG_SOUND_SIM
                                                 : XG_PIECES_SIM;
                    d->pairs[d->npairs++] = (xg_pair){.qi = (uint8_t)i,
                                                      .qn = (uint8_t)qn,
                                                      .ni = (uint8_t)j,
                                                      .nn = (uint8_t)m,
                                                      .sim = (float)sim,
                                                      .reading = XG_READING_PIECES};
                    for (size_t k = 0; k < qn; k++)
                        d->q_matched |= 1ull << (i + k), free_q &= ~(1ull << (i + k));
                    for (size_t k = 0; k < m; k++)
                        d->n_matched |= 1ull << (j + k), free_l &= ~(1ull << (j + k));
                    done = 1;
                }
            }
        }
    }
}

int xg_zh_pieces_describe(char *buf, size_t cap, const xg_token *qt, size_t qi, size_t qn,
                          const xg_token *lt, size_t ni, size_t nn)
{
    zp_entry own[ZP_MAX_ENTRIES];
    zp_query z;
    zp_list L;
    zp_step steps[ZP_MAX_CHARS + 1][ZP_MAX_LETTERS + 1];
    if (!cap || parse_query(&z, own, qt, qi, qn) || parse_list(&L, lt, ni, nn) ||
        spell(&z, &L, steps) < 0)
        return -1;
    /* walk back from the end, then write the pieces in order */
    const zp_step *path[ZP_MAX_CHARS];
    size_t np = 0;
    for (size_t c = z.nchars, pos = L.len; c > 0 && np < ZP_MAX_CHARS;) {
        const zp_step *s = &steps[c][pos];
        path[np++] = s;
        c = z.e[s->e].at - z.base;
        pos = s->from;
    }
    size_t used = 0;
    for (size_t k = np; k-- > 0;) {
        const zp_step *s = path[k];
        const zp_entry *e = &z.e[s->e];
        const char *how = s->k & ZP_GLOSS     ? "gloss"
                          : s->k & ZP_SKIPPED ? "not read"
                          : s->k              ? "learned spelling"
                                              : "pinyin";
        const char *a = "";
        size_t an = 0;
        if (s->k & ZP_GLOSS)
            a = e->gl[s->k & 0x3F], an = e->gllen[s->k & 0x3F];
        else if (!(s->k & ZP_SKIPPED))
            a = e->snd[s->k], an = e->sndlen[s->k];
        int w = snprintf(buf + used, cap - used, "%s%.*s%s%.*s (%s)", used ? ", " : "",
                         (int)e->hanlen, e->han, an ? " " : "", (int)an, a, how);
        if (w < 0 || (size_t)w >= cap - used) return -1;
        used += (size_t)w;
    }
    return 0;
}
