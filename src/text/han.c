/* Chinese (Han) runs: segmentation and rendering. A run (already simplified) is segmented by
 * longest match over our organisation glossary ∪ CC-CEDICT, with ordinal and numeral runs
 * (第三, 五〇二所) read as numbers. Then each segment becomes tokens:
 *   glossary word   → its English translation (大学 → university/UNIVERSITY, 有限公司 → LLC);
 *   CEDICT proper   → pinyin words split where CEDICT capitalises (四川 → sichuan,
 *                     习近平 → xi jinping), the gloss as `alt` when it is one word (kelly);
 *   CEDICT common   → in an institution's name (one holding 研究所, 大学, 实验室 … marked INST in
 *                     the glossary) its English gloss (毒理 → toxicology) with the pinyin as
 *                     `alt`, since institutes are named by their field; elsewhere, and in
 *                     company names whose distinctive words are brands (伟业 is "Weiye", not
 *                     "exploit"), the pinyin with a one-word gloss as `alt`;
 *   lone characters → consecutive ones joined into one pinyin word (欧赛 → ousai), since a
 *                     brand or given name written in characters is read as one word in English.
 * A run of 2–4 characters with no dictionary word at all (or any run in a person's name) is read
 * as a person's name: surname (one character, or two from zh_surnames2.txt) then given name. */
#include "text/text_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

enum seg_kind { SEG_CHAR, SEG_WORD, SEG_NUMBER };

typedef struct {
    const char *s;
    size_t n; /* bytes */
    size_t nchars;
    const xg_hanword *w;
    enum seg_kind kind;
    long number;
} seg;

/* ---- numerals ---- */
static int numeral_value(int32_t cp)
{
    static const int32_t digits[] = {0x3007, 0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
                                     0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D}; /* 〇零一二…九 */
    static const int values[] = {0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    for (size_t i = 0; i < sizeof digits / sizeof *digits; i++)
        if (cp == digits[i]) return values[i];
    if (cp == 0x4E24) return 2;     /* 两 */
    if (cp == 0x5341) return -10;   /* 十 */
    if (cp == 0x767E) return -100;  /* 百 */
    if (cp == 0x5343) return -1000; /* 千 */
    return -1;
}

/* Read a numeral run at s: 五〇二 → 502 (digit by digit), 十四 → 14, 一百零二 → 102.
 * Returns bytes consumed (0: none) and the count of characters in *nchars. */
static size_t read_numeral(const char *s, size_t n, long *value, size_t *nchars)
{
    long total = 0, current = 0, digits = 0;
    bool positional = false;
    size_t i = 0;
    *nchars = 0;
    while (i < n && *nchars < 12) {
        int32_t cp;
        size_t len = xg_utf8_decode(s + i, &cp);
        int v = numeral_value(cp);
        if (v == -1) break;
        if (v >= 0) {
            current = current * (positional ? 1 : 10) + v;
            digits = digits * 10 + v;
        } else {
            positional = true;
            total += (current ? current : 1) * -v;
            current = 0;
        }
        i += len;
        (*nchars)++;
    }
    *value = positional ? total + current : digits;
    return i;
}

static bool unit_follows(const char *s, size_t n)
{
    static const char *units[] = {"所", "院", "厂", "室", "号", "部", "局", "处",
                                  "队", "研", "分", "基", "中", "团", "总", "设"};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (n >= 3 && memcmp(s, units[i], 3) == 0) return true;
    return false;
}

/* ---- segmentation ---- */
static size_t char_bytes(const char *s)
{
    int32_t cp;
    return xg_utf8_decode(s, &cp);
}

/* True when a CEDICT word holds an organisation glossary word after its first character
 * (四川大学, 北京大学 are CEDICT entries; splitting them yields sichuan + UNIVERSITY). */
static bool hides_glossary(const xg_text_ctx *ctx, const char *s, const size_t *ends, size_t c)
{
    for (size_t from = 1; from < c; from++)
        for (size_t to = from + 2; to <= c; to++) {
            const xg_hanword *g =
                xg_text_han_get(ctx, s + ends[from - 1], ends[to - 1] - ends[from - 1]);
            if (g && g->glossary && !g->place) return true;
        }
    return false;
}

/* 深圳市, 黑龙江省 are CEDICT words, but English names write the place without 市/省: split
 * them when the place alone is a word. */
static bool admin_suffix(const xg_text_ctx *ctx, const char *s, const size_t *ends, size_t c)
{
    static const char *suffixes[] = {"省", "市", "县", "区"};
    const char *last = s + ends[c - 2];
    for (size_t i = 0; i < 4; i++)
        if (ends[c - 1] - ends[c - 2] == 3 && memcmp(last, suffixes[i], 3) == 0)
            return xg_text_han_get(ctx, s, ends[c - 2]) != NULL;
    return false;
}

static bool numeral_segment(const char *s, size_t n, seg *out)
{
    const char *ord = "第";
    size_t skip = n > 3 && memcmp(s, ord, 3) == 0 ? 3 : 0;
    long v;
    size_t nch, used = read_numeral(s + skip, n - skip, &v, &nch);
    if (!used || !(skip || unit_follows(s + used, n - used))) return false;
    *out = (seg){
        .s = s, .n = skip + used, .nchars = nch + (skip ? 1 : 0), .kind = SEG_NUMBER, .number = v};
    return true;
}

/* Segmentation is a shortest path over the run: each segment costs, fewer segments win (maximum
 * matching, better than greedy left-to-right: 浩通商贸 is 浩+通+商贸, not 浩+通商+贸), glossary
 * words beat CC-CEDICT words of the same span, and a lone character costs more than any word. */
enum { COST_GLOSSARY = 90, COST_NUMBER = 90, COST_WORD = 100, COST_CHAR = 120 };

typedef struct {
    unsigned cost;
    seg last; /* the segment ending here on the best path */
} seg_step;

/* The dictionary word spanning chars [i, i+c) of the run, if it may be a segment; one: the entry
 * of char i alone (looked up once, for c == 1 and for the lone character). */
static const xg_hanword *word_at(const xg_text_ctx *ctx, const char *s, const size_t *pos, size_t i,
                                 size_t c, bool abbrev, const xg_hanword *one)
{
    const xg_hanword *w = c == 1 ? one : xg_text_han_get(ctx, s + pos[i], pos[i + c] - pos[i]);
    if (!w || (c == 1 && !w->glossary) || (w->expands && !abbrev)) return NULL;
    if (!w->glossary && c >= 3) {
        size_t ends[16];
        for (size_t k = 0; k < c; k++)
            ends[k] = pos[i + k + 1] - pos[i];
        if (hides_glossary(ctx, s + pos[i], ends, c) || admin_suffix(ctx, s + pos[i], ends, c))
            return NULL;
    }
    return w;
}

static void relax(seg_step *steps, size_t to, unsigned cost, seg sg)
{
    if (cost < steps[to].cost) steps[to].cost = cost, steps[to].last = sg;
}

static void step_from(const xg_text_ctx *ctx, const char *s, size_t n, const size_t *pos, size_t m,
                      seg_step *steps, size_t i, bool abbrev)
{
    unsigned base = steps[i].cost;
    const char *at = s + pos[i];
    seg num;
    if (numeral_segment(at, n - pos[i], &num) && i + num.nchars <= m)
        relax(steps, i + num.nchars, base + COST_NUMBER, num);
    seg lone = {.s = at, .n = pos[i + 1] - pos[i], .nchars = 1, .kind = SEG_CHAR};
    lone.w = xg_text_han_get(ctx, at, lone.n);
    for (size_t c = 1; c <= ctx->max_han && c <= 12 && i + c <= m; c++) {
        const xg_hanword *w = word_at(ctx, s, pos, i, c, abbrev, lone.w);
        if (!w) continue;
        seg sg = {.s = at, .n = pos[i + c] - pos[i], .nchars = c, .w = w, .kind = SEG_WORD};
        relax(steps, i + c, base + (w->glossary ? COST_GLOSSARY : COST_WORD), sg);
    }
    relax(steps, i + 1, base + COST_CHAR, lone);
}

/* abbrev: whether abbreviations (北航) may be segments; not inside the name one stands for. */
static int segment(const xg_text_ctx *ctx, const char *s, size_t n, xg_vec *segs, bool abbrev)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i += char_bytes(s + i))
        m++;
    size_t *pos = malloc((m + 1) * sizeof *pos);
    seg_step *steps = malloc((m + 1) * sizeof *steps);
    if (!pos || !steps) return free(pos), free(steps), XG_ENOMEM;
    for (size_t i = 0, k = 0; k <= m; k++) {
        pos[k] = i, steps[k].cost = k ? ~0u : 0;
        if (i < n) i += char_bytes(s + i);
    }
    for (size_t i = 0; i < m; i++)
        if (steps[i].cost != ~0u) step_from(ctx, s, n, pos, m, steps, i, abbrev);
    size_t count = 0, at = m;
    for (; at > 0; at -= steps[at].last.nchars)
        count++;
    int rc = 0;
    for (size_t k = 0; k < count && rc == 0; k++) /* reserve, then fill from the end */
        if (!xg_vec_push(segs, &steps[m].last)) rc = XG_ENOMEM;
    seg *out = (seg *)segs->data + segs->len - count;
    for (at = m; rc == 0 && at > 0; at -= steps[at].last.nchars)
        out[--count] = steps[at].last;
    free(pos);
    free(steps);
    return rc;
}

/* ---- pinyin ---- */
/* Append CEDICT pinyin as words: tone digits dropped, ü as u, a capitalised syllable starting a
 * new word when split_proper (Xi2 Jin4 ping2 → "xi jinping"), other syllables joined. */
static void pinyin_words(xg_buf *b, const char *py, size_t n, bool split_proper)
{
    bool first = true;
    for (size_t i = 0; i < n;) {
        while (i < n && py[i] == ' ')
            i++;
        size_t start = i;
        while (i < n && py[i] != ' ')
            i++;
        if (start == i || !isalpha((unsigned char)py[start])) continue;
        if (!first && split_proper && isupper((unsigned char)py[start])) xg_buf_putc(b, ' ');
        for (size_t j = start; j < i; j++)
            if (isalpha((unsigned char)py[j])) xg_buf_putc(b, (char)tolower((unsigned char)py[j]));
        first = false;
    }
}

/* Pinyin of one character: CEDICT's reading, else ICU Han-Latin. */
static void char_pinyin(xg_buf *b, const seg *sg)
{
    if (sg->w && sg->w->pinyin) {
        pinyin_words(b, sg->w->pinyin, sg->w->pinyin_len, false);
        return;
    }
    char *latin = NULL, *folded = NULL;
    size_t n;
    if (xg_translit(&latin, XG_TR_HAN_LATIN, sg->s, sg->n) == 0 &&
        xg_text_fold_heap(&folded, &n, latin, strlen(latin)) == 0)
        for (char *p = folded; *p; p++)
            if (isalnum((unsigned char)*p)) xg_buf_putc(b, (char)tolower((unsigned char)*p));
    free(latin);
    free(folded);
}

/* ---- glosses ---- */
static bool gloss_skipped(const char *g, size_t n)
{
    static const char *skip[] = {"CL:",      "surname",  "variant of", "old variant", "see ",
                                 "abbr",     "used in",  "(used",      "Japanese",    "also ",
                                 "(Tw)",     "(dialect", "erhua",      "(literary",   "(old)",
                                 "(archaic", "(coll",    "(slang"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (n >= strlen(skip[i]) && strncmp(g, skip[i], strlen(skip[i])) == 0) return true;
    return false;
}

/* The first usable gloss without parentheses, cut at a comma, without a leading "to "/"a "/"the ",
 * at most `max_words` words. Returns false when there is none. */
bool xg_text_clean_gloss(xg_buf *out, const char *field, size_t n, int max_words)
{
    for (size_t i = 0; i < n;) {
        size_t start = i;
        while (i < n && field[i] != '/')
            i++;
        const char *g = field + start;
        size_t len = i - start;
        i++;
        if (len == 0 || gloss_skipped(g, len)) continue;
        xg_buf_reset(out);
        int depth = 0;
        for (size_t j = 0; j < len && g[j] != ',' && g[j] != ';'; j++) {
            if (g[j] == '(' || g[j] == '[')
                depth++;
            else if (g[j] == ')' || g[j] == ']')
                depth -= depth > 0;
            else if (!depth)
                xg_buf_putc(out, g[j]);
        }
        char *t = out->data ? out->data : "";
        while (*t == ' ')
            t++;
        static const char *lead[] = {"to ", "a ", "an ", "the "};
        for (size_t k = 0; k < 4; k++)
            if (strncmp(t, lead[k], strlen(lead[k])) == 0) t += strlen(lead[k]);
        int words = 0;
        for (const char *p = t; *p; p++)
            if (*p != ' ' && (p == t || p[-1] == ' ')) words++;
        if (words == 0 || words > max_words) continue;
        memmove(out->data, t, strlen(t) + 1);
        out->len = strlen(out->data);
        while (out->len && out->data[out->len - 1] == ' ')
            out->data[--out->len] = '\0';
        return true;
    }
    return false;
}

/* A single-word gloss folded to a comparison form ("Kelly" → kelly), for `alt`. */
static char *gloss_word(xg_arena *a, const xg_hanword *w)
{
    if (!w || w->glossary || !w->english) return NULL;
    xg_buf b;
    xg_buf_init(&b);
    char *res = NULL;
    if (xg_text_clean_gloss(&b, w->english, w->english_len, 1)) {
        bool ok = true;
        for (size_t i = 0; i < b.len; i++)
            ok = ok && isalpha((unsigned char)b.data[i]);
        for (size_t i = 0; ok && i < b.len; i++)
            b.data[i] = (char)tolower((unsigned char)b.data[i]);
        if (ok) res = xg_arena_strndup(a, b.data, b.len);
    }
    xg_buf_free(&b);
    return res;
}

/* The other one-word English senses of a CEDICT word ("health/hygiene/sanitation" →
 * "hygiene|sanitation" when "health" is the token's text), lower case, letters only, at least
 * SENSE_MIN_LEN letters and at most SENSE_MAX of them, for xg_token.senses; NULL when none. */
enum { SENSE_MIN_LEN = 4, SENSE_MAX = 6 };

static char *gloss_senses(xg_arena *a, const xg_hanword *w, const char *used)
{
    if (!w || w->glossary || w->proper || !w->english) return NULL;
    xg_buf b, g;
    xg_buf_init(&b);
    xg_buf_init(&g);
    int count = 0;
    for (size_t i = 0; i < w->english_len && count < SENSE_MAX;) {
        size_t start = i;
        while (i < w->english_len && w->english[i] != '/')
            i++;
        size_t len = i - start;
        i++;
        if (!len || !xg_text_clean_gloss(&g, w->english + start, len, 1)) continue;
        bool ok = g.len >= SENSE_MIN_LEN;
        for (size_t k = 0; ok && k < g.len; k++) {
            ok = isalpha((unsigned char)g.data[k]) != 0;
            g.data[k] = (char)tolower((unsigned char)g.data[k]);
        }
        if (!ok || (used && strcmp(g.data, used) == 0)) continue;
        bool seen = false; /* "|" + sense + "|" inside "|" + the senses so far + "|" */
        for (const char *p = b.data; p && !seen && (p = strstr(p, g.data)); p++)
            seen = (p == b.data || p[-1] == '|') && (p[g.len] == '|' || p[g.len] == '\0');
        if (seen) continue;
        if (b.len) xg_buf_putc(&b, '|');
        xg_buf_append(&b, g.data, g.len);
        count++;
    }
    char *res = b.len ? xg_arena_strndup(a, b.data, b.len) : NULL;
    xg_buf_free(&b);
    xg_buf_free(&g);
    return res;
}

/* Give the last token pushed, when it is the only one pushed since `before`, the other senses
 * of its dictionary word. */
static void set_senses(xg_arena *a, xg_vec *out, size_t before, const xg_hanword *w)
{
    if (out->len != before + 1) return;
    xg_wtok *t = &XG_VEC_AT(out, xg_wtok, out->len - 1);
    if (t->kind != XG_TOK_WORD && t->kind != XG_TOK_ORG) return; /* not legal forms, stop words */
    t->senses = gloss_senses(a, w, t->text);
    if (t->senses && t->alt) { /* the alt reading is compared already */
        size_t n = strlen(t->alt);
        if (!strncmp(t->senses, t->alt, n) && (t->senses[n] == '|' || !t->senses[n]))
            t->senses = t->senses[n] ? t->senses + n + 1 : NULL;
    }
}

/* ---- learned spellings ---- */
char *xg_text_sound_pattern(const xg_text_ctx *ctx, xg_arena *a, const char *syllables, size_t n)
{
    if (!ctx->sound.len) return NULL;
    xg_buf b;
    xg_buf_init(&b);
    size_t count = 0, learned = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && syllables[i] == ' ')
            i++;
        size_t start = i;
        while (i < n && syllables[i] != ' ')
            i++;
        if (i == start) continue;
        const char *alts = xg_strmap_get(&ctx->sound, syllables + start, i - start);
        if (count++) xg_buf_putc(&b, ' ');
        xg_buf_append(&b, syllables + start, i - start);
        if (alts) xg_buf_putc(&b, '|'), xg_buf_append(&b, alts, strlen(alts)), learned++;
        /* zh, ch, sh are spoken and spelled z, c, s in the south, Hong Kong and Taiwan (仕 shi
         * is "s" in "Dason"): a retroflex syllable takes its flat one's spellings as well */
        if (i - start > 2 && syllables[start + 1] == 'h' &&
            (syllables[start] == 'z' || syllables[start] == 'c' || syllables[start] == 's')) {
            char flat[16];
            size_t fn = i - start - 1;
            if (fn < sizeof flat) {
                flat[0] = syllables[start];
                memcpy(flat + 1, syllables + start + 2, fn - 1);
                const char *falts = xg_strmap_get(&ctx->sound, flat, fn);
                xg_buf_putc(&b, '|'), xg_buf_append(&b, flat, fn);
                if (falts) xg_buf_putc(&b, '|'), xg_buf_append(&b, falts, strlen(falts)), learned++;
            }
        }
    }
    char *res = count >= 2 && learned ? xg_arena_strndup(a, b.data, b.len) : NULL;
    xg_buf_free(&b);
    return res;
}

/* The toneless syllables of a CEDICT reading, space-separated ("Hua2 wei2" → "hua wei"). */
static void pinyin_syllables(xg_buf *b, const char *py, size_t n)
{
    for (size_t i = 0; i < n;) {
        while (i < n && py[i] == ' ')
            i++;
        size_t start = i;
        while (i < n && py[i] != ' ')
            i++;
        if (i == start || !isalpha((unsigned char)py[start])) continue;
        if (b->len) xg_buf_putc(b, ' ');
        pinyin_words(b, py + start, i - start, false);
    }
}

/* Give the last token pushed a sound pattern of `syllables` (words without an English gloss). */
static void set_sound(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const xg_buf *syllables)
{
    if (!out->len || !syllables->len) return;
    XG_VEC_AT(out, xg_wtok, out->len - 1).sound =
        xg_text_sound_pattern(ctx, a, syllables->data, syllables->len);
}

/* ---- pieces (xg_token.pieces) ---- */
/* A word read as one Latin word may be written in English part by meaning, part by sound (新国脉
 * "New Guomai", 天翼云 "Tianyi Cloud"): each of its characters with its pinyin, learned spellings
 * and first one-word glosses, and the dictionary words inside it with their glosses, so that the
 * scorer can cut it into pieces (src/match/zh_pieces.c). */
enum {
    PIECE_GLOSSES = 3,     /* of the word's first entry */
    PIECE_GLOSSES_ALL = 6, /* with its other entries' (xg_hanword.more_english) */
    PIECE_GLOSS_MIN = 3,
    PIECE_GLOSS_MAX = 24,
    PIECE_MAX_CHARS = 8
};

/* Append to b, after its byte `from`, the first one-word English glosses of the "/gloss/" fields
 * f[0..n), ","-separated, lower case (with `dedupe`, not those already there nor `roman`), until it
 * holds `max` (*count). */
static void piece_gloss_field(xg_buf *b, size_t from, const char *f, size_t n, int max, int *count,
                              bool dedupe, const char *roman)
{
    xg_buf g;
    xg_buf_init(&g);
    for (size_t i = 0; i < n && *count < max;) {
        size_t start = i;
        while (i < n && f[i] != '/')
            i++;
        size_t len = i - start;
        i++;
        if (!len || !xg_text_clean_gloss(&g, f + start, len, 1)) continue;
        bool ok = g.len >= PIECE_GLOSS_MIN && g.len < PIECE_GLOSS_MAX;
        for (size_t k = 0; ok && k < g.len; k++)
            ok = isalpha((unsigned char)g.data[k]) != 0;
        if (!ok) continue;
        for (size_t k = 0; k < g.len; k++)
            g.data[k] = (char)tolower((unsigned char)g.data[k]);
        if (dedupe && roman && strlen(roman) == g.len && !memcmp(roman, g.data, g.len))
            continue; /* the word's own pinyin (小米 "Xiaomi"): a romanisation, not a meaning */
        for (size_t at = from; dedupe && ok && at + g.len <= b->len; at++) /* already there */
            ok = !((at == from || b->data[at - 1] == ',') && !memcmp(b->data + at, g.data, g.len) &&
                   (at + g.len == b->len || b->data[at + g.len] == ','));
        if (!ok) continue;
        if ((*count)++) xg_buf_putc(b, ',');
        xg_buf_append(b, g.data, g.len);
    }
    xg_buf_free(&g);
}

/* Append ":" and the first one-word English glosses of w (of its first entry, then of its
 * others), ","-separated, lower case. */
static void piece_glosses(xg_buf *b, const xg_hanword *w)
{
    xg_buf_putc(b, ':');
    if (!w || !w->english) return;
    if (w->glossary) { /* a glossary rendering: when it is one plain word */
        bool ok = !w->symbol && w->english_len >= PIECE_GLOSS_MIN &&
                  w->english_len < PIECE_GLOSS_MAX && w->kind == XG_TOK_WORD;
        for (size_t k = 0; ok && k < w->english_len; k++)
            ok = isalpha((unsigned char)w->english[k]) != 0;
        for (size_t k = 0; ok && k < w->english_len; k++)
            xg_buf_putc(b, (char)tolower((unsigned char)w->english[k]));
        return;
    }
    int count = 0;
    size_t from = b->len;
    piece_gloss_field(b, from, w->english, w->english_len, PIECE_GLOSSES, &count, false, NULL);
    if (w->more_english) {
        char roman[64]; /* the pinyin's letters, lower case: "xiaomi" */
        size_t r = 0;
        for (size_t k = 0; w->pinyin && k < w->pinyin_len && r + 1 < sizeof roman; k++)
            if (isalpha((unsigned char)w->pinyin[k]))
                roman[r++] = (char)tolower((unsigned char)w->pinyin[k]);
        roman[r] = '\0';
        piece_gloss_field(b, from, w->more_english, w->more_english_len, PIECE_GLOSSES_ALL, &count,
                          true, roman);
    }
}

/* Append "|" and the learned spellings of one pinyin syllable (and of its flat form, as
 * xg_text_sound_pattern reads zh, ch, sh). */
static void piece_spellings(const xg_text_ctx *ctx, xg_buf *b, const char *syl, size_t n)
{
    const char *alts = ctx->sound.len ? xg_strmap_get(&ctx->sound, syl, n) : NULL;
    if (alts) xg_buf_putc(b, '|'), xg_buf_append(b, alts, strlen(alts));
    if (n > 2 && n < 16 && syl[1] == 'h' && (syl[0] == 'z' || syl[0] == 'c' || syl[0] == 's')) {
        char flat[16];
        flat[0] = syl[0];
        memcpy(flat + 1, syl + 2, n - 2);
        xg_buf_putc(b, '|'), xg_buf_append(b, flat, n - 1);
        const char *falts = ctx->sound.len ? xg_strmap_get(&ctx->sound, flat, n - 1) : NULL;
        if (falts) xg_buf_putc(b, '|'), xg_buf_append(b, falts, strlen(falts));
    }
}

/* The pieces of the Han word s[0..n) (see xg_token.pieces), or NULL: none or more than
 * PIECE_MAX_CHARS characters, or a character without a reading. */
static char *word_pieces(const xg_text_ctx *ctx, xg_arena *a, const char *s, size_t n)
{
    size_t pos[PIECE_MAX_CHARS + 1], m = 0;
    for (size_t i = 0; i < n; i += char_bytes(s + i)) {
        if (m == PIECE_MAX_CHARS) return NULL;
        pos[m++] = i;
    }
    pos[m] = n;
    if (m < 1) return NULL;
    xg_buf b;
    xg_buf_init(&b);
    bool ok = true;
    for (size_t i = 0; ok && i < m; i++) {
        /* the dictionary words starting here, the whole word too (its other glosses: 东方 "east",
         * "orient") */
        for (size_t c = 2; i + c <= m; c++) {
            const xg_hanword *w = xg_text_han_get(ctx, s + pos[i], pos[i + c] - pos[i]);
            if (!w || w->glossary || w->expands) continue;
            size_t at = b.len;
            if (b.len) xg_buf_putc(&b, ' ');
            xg_buf_append(&b, s + pos[i], pos[i + c] - pos[i]);
            xg_buf_putc(&b, '=');
            size_t mark = b.len;
            piece_glosses(&b, w);
            if (b.len == mark + 1) b.len = at; /* no gloss: nothing to add */
        }
        seg sg = {.s = s + pos[i], .n = pos[i + 1] - pos[i], .nchars = 1, .kind = SEG_CHAR};
        sg.w = xg_text_han_get(ctx, sg.s, sg.n);
        if (b.len) xg_buf_putc(&b, ' ');
        xg_buf_append(&b, sg.s, sg.n);
        xg_buf_putc(&b, '=');
        size_t at = b.len;
        char_pinyin(&b, &sg);
        size_t syl = b.len - at;
        ok = syl > 0 && syl < 16;
        if (ok) {
            char py[16];
            memcpy(py, b.data + at, syl);
            piece_spellings(ctx, &b, py, syl);
            piece_glosses(&b, sg.w);
        }
    }
    char *res = ok && b.len ? xg_arena_strndup(a, b.data, b.len) : NULL;
    xg_buf_free(&b);
    return res;
}

/* Give the last token pushed, when it is the only one pushed since `before` and a word (not an
 * organisation word, legal form or stop word), the pieces of s[0..n). */
static void set_pieces(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, size_t before,
                       const char *s, size_t n)
{
    if (out->len != before + 1) return;
    xg_wtok *t = &XG_VEC_AT(out, xg_wtok, out->len - 1);
    if (t->kind == XG_TOK_WORD && !t->symbol) t->pieces = word_pieces(ctx, a, s, n);
}

/* ---- emission ---- */
static int push_word(xg_arena *a, xg_vec *out, const char *text, size_t n, xg_token_kind kind,
                     const char *alt)
{
    xg_wtok t = {.kind = kind, .from_han = 1, .done = 1, .latin = 1, .alt = alt};
    t.text = xg_arena_strndup(a, text, n);
    if (!t.text || !xg_vec_push(out, &t)) return XG_ENOMEM;
    return 0;
}

/* Push each space-separated word of b as its own token; alt goes on the first. */
static int push_words(xg_arena *a, xg_vec *out, const xg_buf *b, const char *alt)
{
    for (size_t i = 0; i < b->len;) {
        while (i < b->len && b->data[i] == ' ')
            i++;
        size_t start = i;
        while (i < b->len && b->data[i] != ' ')
            i++;
        if (i > start) {
            int rc = push_word(a, out, b->data + start, i - start, XG_TOK_WORD, alt);
            if (rc) return rc;
            alt = NULL;
        }
    }
    return 0;
}

static char *joined_pinyin(xg_arena *a, const xg_hanword *w)
{
    if (!w || !w->pinyin) return NULL;
    xg_buf b;
    xg_buf_init(&b);
    pinyin_words(&b, w->pinyin, w->pinyin_len, false);
    char *s = b.len ? xg_arena_strndup(a, b.data, b.len) : NULL;
    xg_buf_free(&b);
    return s;
}

static int emit_glossary(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const xg_hanword *w,
                         const char *s, size_t n)
{
    if (w->english_len == 0) return 0; /* 第 and the like: no token of their own */
    char *alt = w->alt_english ? (char *)w->alt_english : joined_pinyin(a, w);
    if (w->symbol || w->kind == XG_TOK_STOP) {
        xg_wtok t = {.kind = w->kind, .symbol = w->symbol, .from_han = 1, .done = 1, .latin = 1};
        t.text = (char *)w->english;
        t.alt = alt;
        return xg_vec_push(out, &t) ? 0 : XG_ENOMEM;
    }
    size_t before = out->len;
    int rc = xg_text_emit_words(ctx, a, out, w->english, w->english_len, alt);
    /* a brand or a name read whole (知道创宇 Knownsec, 中航 AVIC) may be written by its pinyin */
    if (rc == 0 && !w->place) set_pieces(ctx, a, out, before, s, n);
    /* 中国, 中华 are "China" in some English names and "Chinese" in others (中国科学院 "Chinese
     * Academy of Sciences", 中华书局 "Chinese Book Company"): the adjective is the word's other
     * sense, so that 中国X meets "China X" and "Chinese X" alike */
    if (rc == 0 && out->len == before + 1) {
        xg_wtok *t = &XG_VEC_AT(out, xg_wtok, before);
        if (t->text && !strcmp(t->text, "china") && !t->senses) t->senses = "chinese";
    }
    /* and the other way round inside a longer rendering: 中国科学院 is "Chinese Academy of
     * Sciences" by its own English name, "China Academy of Science" in some lists' (the
     * Shenyang Institute of Automation's entry) */
    for (size_t i = before; rc == 0 && out->len > before + 1 && i < out->len; i++) {
        xg_wtok *t = &XG_VEC_AT(out, xg_wtok, i);
        if (t->text && !strcmp(t->text, "chinese") && !t->senses) t->senses = "china";
    }
    return rc;
}

/* A brand CC-CEDICT names in English (美的 "Midea (brand)", 海尔 "Haier (PRC household appliance
 * brand)", 海康 "… /Haikang (company name)/", 长荣 "Evergreen (Group), Taiwan-based shipping …"):
 * that one-word name, lower case, else NULL. */
static char *brand_word(xg_arena *a, const xg_hanword *w)
{
    if (!w->proper || !w->english) return NULL;
    const char *p = w->english, *end = p + w->english_len;
    while (p < end) {
        const char *e = memchr(p, '/', (size_t)(end - p));
        if (!e) e = end;
        const char *paren = memchr(p, '(', (size_t)(e - p));
        if (paren && (memmem(paren, (size_t)(e - paren), "brand)", 6) ||
                      memmem(paren, (size_t)(e - paren), "company name)", 13) ||
                      memmem(paren, (size_t)(e - paren), "(Group)", 7))) {
            size_t n = (size_t)(paren - p);
            while (n && p[n - 1] == ' ')
                n--;
            bool ok = n >= 2 && n < 32;
            for (size_t i = 0; ok && i < n; i++)
                ok = isalpha((unsigned char)p[i]);
            if (!ok) return NULL;
            char *s = xg_arena_strndup(a, p, n);
            for (size_t i = 0; s && i < n; i++)
                s[i] = (char)tolower((unsigned char)s[i]);
            return s;
        }
        p = e + 1;
    }
    return NULL;
}

static int emit_cedict(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const seg *sg, int context)
{
    const xg_hanword *w = sg->w;
    /* a brand with its own English name is read by it, not by its pinyin and sound: 美的 is
     * Midea, and "meidi" would meet "Mehdi" */
    char *brand = brand_word(a, w);
    size_t before = out->len;
    if (brand) {
        int brc = push_word(a, out, brand, strlen(brand), XG_TOK_WORD, NULL);
        if (brc == 0) set_pieces(ctx, a, out, before, sg->s, sg->n);
        return brc;
    }
    xg_buf b;
    xg_buf_init(&b);
    int rc;
    if (!w->proper && context == XG_HAN_INSTITUTION &&
        xg_text_clean_gloss(&b, w->english, w->english_len, 3)) {
        rc = xg_text_emit_words(ctx, a, out, b.data, b.len, joined_pinyin(a, w));
        if (rc == 0) set_senses(a, out, before, w);
    } else {
        pinyin_words(&b, w->pinyin, w->pinyin_len, w->proper);
        char *alt = gloss_word(a, w);
        if (alt && strcmp(alt, b.data ? b.data : "") == 0) alt = NULL;
        rc = push_words(a, out, &b, alt);
        if (rc == 0 && out->len == before + 1) { /* one word read by sound */
            xg_buf_reset(&b);
            pinyin_syllables(&b, w->pinyin, w->pinyin_len);
            set_sound(ctx, a, out, &b);
            set_pieces(ctx, a, out, before, sg->s, sg->n);
        }
    }
    xg_buf_free(&b);
    return rc;
}

static int emit_number(xg_arena *a, xg_vec *out, long v)
{
    char num[32];
    int n = snprintf(num, sizeof num, "%ld", v);
    return push_word(a, out, num, (size_t)n, XG_TOK_NUMBER, NULL);
}

/* A brand written in characters is often rendered by their meanings run together (网力 →
 * "Netpower"): the first one-word English gloss of each of 2–4 characters, joined, as the
 * word's other reading; NULL when a character has none. */
static char *meaning_word(xg_arena *a, const seg *segs, size_t from, size_t to)
{
    if (to - from < 2 || to - from > 4) return NULL;
    xg_buf b, g;
    xg_buf_init(&b);
    xg_buf_init(&g);
    bool ok = true;
    for (size_t i = from; ok && i < to; i++) {
        const xg_hanword *w = segs[i].w;
        ok = w && !w->glossary && w->english &&
             xg_text_clean_gloss(&g, w->english, w->english_len, 1);
        for (size_t k = 0; ok && k < g.len; k++)
            ok = isalpha((unsigned char)g.data[k]);
        for (size_t k = 0; ok && k < g.len; k++)
            xg_buf_putc(&b, (char)tolower((unsigned char)g.data[k]));
    }
    char *res = ok && b.len ? xg_arena_strndup(a, b.data, b.len) : NULL;
    xg_buf_free(&b);
    xg_buf_free(&g);
    return res;
}

/* Consecutive lone characters (no dictionary word) become one pinyin word, their joined meanings
 * its other reading, and the learned spellings of its syllables its sound pattern. */
static int emit_chars(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const seg *segs,
                      size_t from, size_t to)
{
    xg_buf b, syl;
    xg_buf_init(&b);
    xg_buf_init(&syl);
    for (size_t i = from; i < to; i++) {
        size_t at = b.len;
        char_pinyin(&b, &segs[i]);
        if (b.len > at) {
            if (syl.len) xg_buf_putc(&syl, ' ');
            xg_buf_append(&syl, b.data + at, b.len - at);
        }
    }
    char *meaning = meaning_word(a, segs, from, to);
    size_t before = out->len;
    int rc = b.len ? push_word(a, out, b.data, b.len, XG_TOK_WORD, meaning) : 0;
    if (rc == 0 && b.len) set_sound(ctx, a, out, &syl);
    if (rc == 0 && b.len && to > from) /* the lone characters are contiguous in the run */
        set_pieces(ctx, a, out, before, segs[from].s,
                   (size_t)(segs[to - 1].s + segs[to - 1].n - segs[from].s));
    xg_buf_free(&b);
    xg_buf_free(&syl);
    return rc;
}

/* The pinyin syllable number `index` of a CEDICT reading ("Xi2 Jin4 ping2", 1 → jin). */
static void nth_syllable(xg_buf *b, const xg_hanword *w, size_t index)
{
    const char *py = w->pinyin, *end = py + w->pinyin_len;
    for (size_t k = 0; py < end; k++) {
        while (py < end && *py == ' ')
            py++;
        const char *start = py;
        while (py < end && *py != ' ')
            py++;
        if (k == index) {
            pinyin_words(b, start, (size_t)(py - start), false);
            return;
        }
    }
}

/* A person's name: surname (one character, or two from zh_surnames2.txt), then the given name as
 * one word. A name CEDICT knows gives its own reading (polyphones: 单 is shan as a surname). */
static int emit_person(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const char *s, size_t n)
{
    size_t c1 = char_bytes(s), c2 = c1 < n ? c1 + char_bytes(s + c1) : c1;
    size_t surname = c2 < n && xg_strmap_get(&ctx->surnames2, s, c2) ? c2 : c1;
    const xg_hanword *whole = xg_text_han_get(ctx, s, n);
    bool known = whole && whole->proper && whole->pinyin;
    xg_buf b;
    xg_buf_init(&b);
    for (size_t i = 0, index = 0; i < n; index++) {
        size_t len = char_bytes(s + i);
        seg sg = {.s = s + i, .n = len, .nchars = 1, .w = xg_text_han_get(ctx, s + i, len)};
        if (i == surname) xg_buf_putc(&b, ' ');
        if (known)
            nth_syllable(&b, whole, index);
        else if (i == 0 && surname == c1 && sg.w && sg.w->surname_pinyin)
            pinyin_words(&b, sg.w->surname_pinyin, strlen(sg.w->surname_pinyin), false);
        else
            char_pinyin(&b, &sg);
        i += len;
    }
    int rc = push_words(a, out, &b, NULL);
    xg_buf_free(&b);
    return rc;
}

static int run_context(const seg *segs, size_t n)
{
    int context = XG_HAN_PLAIN;
    for (size_t i = 0; i < n; i++) {
        const xg_hanword *w = segs[i].w;
        if (segs[i].kind != SEG_WORD || !w->glossary || w->place) continue;
        if (w->institution) return XG_HAN_INSTITUTION;
        context = XG_HAN_ORGANISATION;
    }
    return context;
}

/* Only runs of lone characters: a CEDICT person (习近平 Xi2 Jin4 ping2) already splits by its
 * capitals, and a place (天津 Tian1 jin1) must not be split as surname + given name. */
static bool run_is_person(const seg *segs, size_t n, size_t nchars)
{
    if (nchars < 2 || nchars > 4) return false;
    for (size_t i = 0; i < n; i++)
        if (segs[i].kind != SEG_CHAR) return false;
    return true;
}

int xg_text_han_context(const xg_text_ctx *ctx, const char *run, size_t n, xg_vec *segs)
{
    xg_vec_init(segs, sizeof(seg));
    if (xg_text_need_cedict(ctx)) return XG_HAN_PLAIN; /* xg_text_han_run reports it */
    if (segment(ctx, run, n, segs, true) == 0) return run_context(segs->data, segs->len);
    xg_vec_free(segs); /* out of memory: xg_text_han_run segments again, and reports it */
    return XG_HAN_PLAIN;
}

/* Mark the tokens out[from..] with the current level; a level-ending word (INST, LEVEL) opens the
 * next level for whatever follows it, in this run or the next — but a legal form alone
 * (集团 | 有限公司) is no level of its own: it stays with the level it closes. */
static void mark_level(xg_vec *out, size_t from, const xg_hanword *w, xg_han_level *level)
{
    bool words = false;
    for (size_t k = from; k < out->len; k++) {
        xg_token_kind kind = XG_VEC_AT(out, xg_wtok, k).kind;
        words = words || (kind != XG_TOK_LEGAL && kind != XG_TOK_STOP);
    }
    if (words && level->pending && level->level < 255) level->level++;
    if (words) level->pending = false;
    for (size_t k = from; k < out->len; k++)
        XG_VEC_AT(out, xg_wtok, k).level = level->level;
    if (w && w->ends_level) level->pending = true;
}

/* Whether s[i..n) starts with the literal `lit`. */
#define AT(s, i, n, lit) (sizeof lit - 1 <= (n) - (i) && !memcmp((s) + (i), lit, sizeof lit - 1))

/* Whether a dictionary word names a place: a glossary PLACE word other than the country, or a
 * CC-CEDICT proper noun whose first sense is a city, province, county … (北京 "Beijing, capital of
 * …", 四川 "Sichuan province …", 深圳 "Shenzhen subprovincial city …"). */
bool xg_text_hanword_place(const xg_hanword *w)
{
    /* the country (中国 China, 中华人民共和国) is part of a name in English too ("University of
     * Science and Technology of China"), not where a branch sits */
    if (w->glossary) return w->place && !memmem(w->english, w->english_len, "china", 5);
    if (!w->proper || !w->english) return false;
    const char *e = w->english, *end = memchr(e, '/', w->english_len);
    size_t n = end ? (size_t)(end - e) : w->english_len;
    /* "municipality", " city", "province", "capital of", " county", "prefecture", "autonomous
     * region" or " district" in the first sense, in one pass (every CC-CEDICT proper noun comes
     * here when the dictionary loads: eight memmem calls each cost more) */
    for (size_t i = 0; i < n; i++)
        switch (e[i]) {
        case 'm':
            if (AT(e, i, n, "municipality")) return true;
            break;
        case 'p':
            if (AT(e, i, n, "province") || AT(e, i, n, "prefecture")) return true;
            break;
        case 'c':
            if (AT(e, i, n, "capital of")) return true;
            break;
        case 'a':
            if (AT(e, i, n, "autonomous region")) return true;
            break;
        case ' ':
            if (AT(e, i, n, " city") || AT(e, i, n, " county") || AT(e, i, n, " district"))
                return true;
            break;
        }
    return false;
}
#undef AT

/* Mark the tokens out[from..] as a place's (xg_token.place) — unless one is an organisation
 * word or legal form: 北京理工大学 is a glossary PLACE word but names a university. */
static void mark_place(xg_vec *out, size_t from)
{
    for (size_t k = from; k < out->len; k++) {
        xg_token_kind kind = XG_VEC_AT(out, xg_wtok, k).kind;
        if (kind == XG_TOK_ORG || kind == XG_TOK_LEGAL) return;
    }
    for (size_t k = from; k < out->len; k++)
        XG_VEC_AT(out, xg_wtok, k).place = 1;
}

/* Whether segment s is a place word, or the administrative word after one (黑龙江 | 省); not an
 * established name that the glossary reads whole as a place's (哈尔滨工业大学, 4 characters or
 * more). */
static bool seg_place(const seg *s, bool after_place)
{
    if (s->kind != SEG_WORD || s->w->expands) return false;
    if (s->w->glossary && s->w->place) return s->w->nchars < 4; /* the country too (中国) */
    if (after_place && s->w->glossary && s->w->kind == XG_TOK_STOP) return true; /* 省 市 区 县 */
    return xg_text_hanword_place(s->w);
}

/* The number of leading segments that name where an organisation sits before its own name begins
 * with a place again (中国 | 哈尔滨工业大学, 黑龙江省 | 哈尔滨工业大学, 北京市 |
 * 北京微电子技术研究所): an owner level of the name's chain, as 中国人民解放军 is, which a list
 * name need not carry (issue 13). 0 when the name does not start so. */
static size_t leading_places(const seg *sg, size_t n)
{
    size_t p = 0;
    while (p < n && seg_place(&sg[p], p > 0))
        p++;
    if (p == 0) return 0;
    /* the unit is an established name read whole, or starts with the chain's last place word
     * and has more words */
    if (p < n && sg[p].kind == SEG_WORD && sg[p].w->glossary && sg[p].w->place) return p;
    for (size_t k = p - 1; k > 0; k--)
        if (seg_place(&sg[k], false) && k + 1 < n) return k;
    return 0;
}

/* 1 when the name starts with a group's word (zh_groups.tsv) and a listed company's brand word of
 * two characters or more follows it (航天 | 晨光, 中国 | 外运长航): the group word is then an owner
 * level of the name's chain, as a leading place is, which a list name need not carry (Aerosun
 * Corporation, Sinotrans & CSC); 0 otherwise. */
static size_t leading_group(const seg *sg, size_t n)
{
    return n >= 2 && sg[0].kind == SEG_WORD && sg[0].w->group && sg[1].kind == SEG_WORD &&
                   sg[1].w->brand && sg[1].w->nchars >= 2
               ? 1
               : 0;
}

static int han_run(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const char *run, size_t n,
                   int flags, int context, xg_han_level *level, bool abbrev, const xg_vec *made)
{
    xg_vec segs;
    int rc = 0;
    if (made) { /* segmented with abbrev by xg_text_han_context: a view, the caller frees it */
        segs = *made;
    } else {
        xg_vec_init(&segs, sizeof(seg));
        rc = segment(ctx, run, n, &segs, abbrev);
    }
    const seg *sg = segs.data;
    size_t nchars = 0;
    for (size_t i = 0; i < segs.len; i++)
        nchars += sg[i].nchars;
    int own = run_context(sg, segs.len);
    if (own > context) context = own;
    if (rc == 0 && ((flags & XG_NAME_PERSON) ||
                    (context == XG_HAN_PLAIN && run_is_person(sg, segs.len, nchars)))) {
        size_t from = out->len;
        rc = emit_person(ctx, a, out, run, n);
        mark_level(out, from, NULL, level);
        if (!made) xg_vec_free(&segs);
        return rc;
    }
    size_t owner = 0;
    if (out->len == 0 && level->level <= 1) {
        owner = leading_places(sg, segs.len);
        if (!owner) owner = leading_group(sg, segs.len);
    }
    for (size_t i = 0; rc == 0 && i < segs.len;) {
        size_t from = out->len;
        if (sg[i].kind == SEG_CHAR) {
            size_t j = i;
            while (j < segs.len && sg[j].kind == SEG_CHAR)
                j++;
            rc = emit_chars(ctx, a, out, sg, i, j);
            mark_level(out, from, NULL, level);
            i = j;
            continue;
        }
        if (sg[i].kind == SEG_NUMBER)
            rc = emit_number(a, out, sg[i].number);
        else if (sg[i].w->expands) /* 北航: read 北京航空航天大学 instead */
            rc = han_run(ctx, a, out, sg[i].w->expands, strlen(sg[i].w->expands), flags, context,
                         level, false, NULL);
        else if (sg[i].w->glossary)
            rc = emit_glossary(ctx, a, out, sg[i].w, sg[i].s, sg[i].n);
        else
            rc = emit_cedict(ctx, a, out, &sg[i], context);
        if (rc == 0 && sg[i].kind == SEG_WORD && !sg[i].w->expands &&
            xg_text_hanword_place(sg[i].w))
            mark_place(out, from);
        if (sg[i].kind != SEG_WORD || !sg[i].w->expands)
            mark_level(out, from, sg[i].kind == SEG_WORD ? sg[i].w : NULL, level);
        if (i + 1 == owner) level->pending = true;
        i++;
    }
    if (!made) xg_vec_free(&segs);
    return rc;
}

int xg_text_han_run(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const char *run, size_t n,
                    int flags, int context, xg_han_level *level, const xg_vec *segs)
{
    int rc = xg_text_need_cedict(ctx);
    if (rc) return rc;
    rc = han_run(ctx, a, out, run, n, flags, context, level, true, segs && segs->len ? segs : NULL);
    return rc ? xg_error_set(rc, "name: out of memory") : 0;
}
