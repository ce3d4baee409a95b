/* xg_name_analyse: one raw name → comparable tokens. The pipeline, in order:
 *   1. validate UTF-8, cut at XG_NAME_MAX_BYTES on a character boundary;
 *   2. fold (NFKC, case fold, Latin/Greek accents); when Han is present, Hant→Hans, Japanese
 *      kanji forms and numeral stand-ins; for persons "SURNAME, Given" → "Given SURNAME";
 *   3. tokenise (Han runs kept whole), Latin letters beyond ASCII through ICU Latin-ASCII;
 *   4. phrases on the original script (legal forms, organisation words, stop words — so ООО and
 *      университет are recognised before transliteration);
 *   5. Korean person names (korean.c) and Arabic name words (arabic.c) from their tables, the
 *      remaining non-Latin words through ICU (BGN for Cyrillic, Any-Latin otherwise), then
 *      phrases again (obshchestvo …);
 *   6. Han runs segmented and rendered (han.c);
 *   7. numbers normalised, adjacent legal-form tokens merged into one (Co., Ltd. → one LLC).
 * Latin-only names never reach ICU, which keeps list loading at hundreds of thousands of
 * names per second. */
#include "text/text_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return false;
    return true;
}

/* ---- phrases ---- */
static bool phrase_fits(const xg_phrase *ph, size_t i, size_t j, size_t from, size_t to, int flags)
{
    if (ph->kind == XG_TOK_WORD && !ph->symbol) return false; /* alias cancelled by xg_terms */
    if ((flags & XG_NAME_PERSON) && ph->kind != XG_TOK_STOP) return false;
    if (ph->short_edge && j + 1 != to) return false; /* "Bank AG", not "Ag Growth" */
    return true;
}

bool xg_text_match_phrases(const xg_text_ctx *ctx, xg_arena *a, xg_wtok *t, size_t from, size_t to,
                           int flags)
{
    bool whole = true;
    xg_buf key;
    xg_buf_init(&key);
    for (size_t i = from; i < to; i++) {
        if (!t[i].text || t[i].done || t[i].han_run) continue;
        size_t best = 0;
        const xg_phrase *bestph = NULL;
        xg_buf_reset(&key);
        for (size_t n = 1; n <= ctx->max_phrase && i + n <= to; n++) {
            xg_wtok *w = &t[i + n - 1];
            if (!w->text || w->done || w->han_run) break;
            if (n > 1) xg_buf_putc(&key, ' ');
            xg_buf_puts(&key, w->text);
            const xg_phrase *ph = xg_strmap_get(&ctx->phrases, key.data, key.len);
            if (!ph) break;
            if (ph != (const xg_phrase *)&xg_phrase_prefix_marker &&
                phrase_fits(ph, i, i + n - 1, from, to, flags))
                best = n, bestph = ph;
        }
        if (!best) continue;
        size_t keylen = 0;
        for (size_t k = 0; k < best; k++)
            keylen += strlen(t[i + k].text) + (k > 0);
        char *merged = best == 1 ? t[i].text : xg_arena_alloc(a, keylen + 1);
        if (!merged) {
            whole = false;
            continue;
        }
        for (size_t k = 1; k < best; k++) {
            if (k == 1) strcpy(merged, t[i].text);
            strcat(merged, " ");
            strcat(merged, t[i + k].text);
            t[i + k].text = NULL;
        }
        t[i].text = merged;
        t[i].done = 1;
        t[i].kind = bestph->kind;
        t[i].symbol = bestph->kind == XG_TOK_NUMBER ? NULL : bestph->symbol;
        if (bestph->kind == XG_TOK_NUMBER) t[i].text = (char *)bestph->symbol;
        i += best - 1;
    }
    xg_buf_free(&key);
    return whole;
}

/* ---- transliteration of the non-Latin, non-Han words ---- */
static int latin_ascii_tokens(xg_arena *a, xg_wtok *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!t[i].latin || !t[i].text || is_ascii(t[i].text)) continue;
        char *ascii;
        int rc = xg_translit(&ascii, XG_TR_LATIN_ASCII, t[i].text, strlen(t[i].text));
        if (rc) return rc;
        t[i].text = xg_arena_strdup(a, ascii);
        free(ascii);
        if (!t[i].text) return XG_ENOMEM;
    }
    return 0;
}

/* True when every token is Latin: then Korean names, Arabic names and ICU leave the tokens as
 * they are (they take only tokens not Latin), so phrases matched again would find nothing new. */
static bool all_latin(const xg_wtok *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].text && !t[i].latin) return false;
    return true;
}

static bool needs_any_latin(const xg_wtok *t)
{
    return t->text && !t->done && !t->han_run && !t->latin;
}

/* Cyrillic alone goes through BGN/PCGN only; anything else (or Cyrillic letters BGN's Russian
 * table leaves) through Any-Latin. Latin-ASCII is not
 * chained: it costs more than the transliteration itself, and folding plus a per-token
 * Latin-ASCII for the rare token still outside ASCII give the same result. */
static int pick_transform(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int32_t cp;
        i += xg_utf8_decode(s + i, &cp);
        if (cp >= 0x80 && !(cp >= 0x0400 && cp <= 0x052F)) return XG_TR_ANY_LATIN;
    }
    return XG_TR_RUSSIAN_LATIN;
}

static bool has_cyrillic(const char *s)
{
    for (size_t i = 0; s[i];) {
        int32_t cp;
        i += xg_utf8_decode(s + i, &cp);
        if (cp >= 0x0400 && cp <= 0x052F) return true;
    }
    return false;
}

/* Transliterate s[0..n) and append its Latin tokens to `out`. */
static int latin_tokens(xg_arena *a, xg_vec *out, const char *s, size_t n)
{
    char *latin = NULL, *folded = NULL;
    size_t flen, before = out->len;
    int which = pick_transform(s, n);
    int rc = xg_translit(&latin, which, s, n);
    if (rc == 0 && which == XG_TR_RUSSIAN_LATIN && has_cyrillic(latin)) {
        char *rest; /* Ukrainian ї, є, Serbian ђ … that BGN Russian leaves alone */
        rc = xg_translit(&rest, XG_TR_ANY_LATIN, latin, strlen(latin));
        if (rc == 0) free(latin), latin = rest;
    }
    if (rc == 0) rc = xg_text_fold_heap(&folded, &flen, latin, strlen(latin));
    if (rc == 0) rc = xg_text_tokenise(out, a, folded, flen);
    free(latin);
    free(folded);
    if (rc || out->len == before) return rc; /* nothing Latin came out (e.g. only marks) */
    xg_wtok *t = &XG_VEC_AT(out, xg_wtok, before);
    rc = latin_ascii_tokens(a, t, out->len - before);
    for (size_t k = 0; k < out->len - before; k++)
        t[k].latin = 1; /* leftovers kept as they are */
    return rc;
}

/* Transliterate toks[i..j) in one ICU call and tokenise the result into `out`. */
static int transliterate_stretch(xg_arena *a, xg_vec *out, const xg_wtok *t, size_t i, size_t j)
{
    xg_buf b;
    xg_buf_init(&b);
    for (size_t k = i; k < j; k++) {
        if (k > i) xg_buf_putc(&b, ' ');
        xg_buf_puts(&b, t[k].text);
    }
    int rc = b.data ? latin_tokens(a, out, b.data, b.len) : XG_ENOMEM;
    xg_buf_free(&b);
    return rc;
}

/* Phrases recognised in their own script (ООО, университет) still need a Latin text. */
static int transliterate_phrases(xg_arena *a, xg_wtok *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!t[i].text || !t[i].done || t[i].latin || t[i].han_run) continue;
        xg_vec words;
        xg_vec_init(&words, sizeof(xg_wtok));
        int rc = latin_tokens(a, &words, t[i].text, strlen(t[i].text));
        xg_buf b;
        xg_buf_init(&b);
        for (size_t k = 0; rc == 0 && k < words.len; k++) {
            if (k) xg_buf_putc(&b, ' ');
            xg_buf_puts(&b, XG_VEC_AT(&words, xg_wtok, k).text);
        }
        xg_vec_free(&words);
        if (rc == 0 && b.len) t[i].text = xg_arena_strndup(a, b.data, b.len);
        t[i].latin = 1;
        xg_buf_free(&b);
        if (rc) return rc;
        if (!t[i].text) return XG_ENOMEM;
    }
    return 0;
}

static int transliterate_rest(xg_arena *a, xg_vec *toks)
{
    int prc = transliterate_phrases(a, toks->data, toks->len);
    if (prc) return prc;
    xg_wtok *t = toks->data;
    size_t n = toks->len, i = 0;
    bool any = false;
    for (size_t k = 0; k < n; k++)
        any = any || needs_any_latin(&t[k]);
    if (!any) return 0;
    xg_vec out;
    xg_vec_init(&out, sizeof(xg_wtok));
    int rc = 0;
    while (rc == 0 && i < n) {
        if (!needs_any_latin(&t[i])) {
            if (!xg_vec_push(&out, &t[i])) rc = XG_ENOMEM;
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && needs_any_latin(&t[j]))
            j++;
        rc = transliterate_stretch(a, &out, t, i, j);
        i = j;
    }
    if (rc) return xg_vec_free(&out), rc;
    xg_vec_free(toks);
    *toks = out;
    return 0;
}

/* ---- Han runs ---- */
static bool has_org_tokens(const xg_wtok *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].text && (t[i].kind == XG_TOK_LEGAL || t[i].kind == XG_TOK_ORG)) return true;
    return false;
}

static int render_han(const xg_text_ctx *ctx, xg_arena *a, xg_vec *toks, int flags)
{
    xg_wtok *t = toks->data;
    size_t n = toks->len;
    bool any = false;
    for (size_t k = 0; k < n; k++)
        any = any || t[k].han_run;
    if (!any) return 0;
    int rc = xg_text_need_cedict(ctx); /* the first Han run of the process reads CC-CEDICT */
    if (rc) return rc;
    int context = XG_HAN_PLAIN;
    /* each run's segmentation, made for its context and read again for its tokens (none for a
     * person: the context is not asked) */
    xg_vec *segs = NULL;
    if (!(flags & XG_NAME_PERSON)) {
        segs = calloc(n, sizeof *segs);
        if (!segs) return XG_ENOMEM;
        if (has_org_tokens(t, n)) context = XG_HAN_ORGANISATION;
        for (size_t k = 0; k < n; k++) {
            int c =
                t[k].han_run ? xg_text_han_context(ctx, t[k].text, strlen(t[k].text), &segs[k]) : 0;
            if (c > context) context = c;
        }
    }
    xg_vec out;
    xg_vec_init(&out, sizeof(xg_wtok));
    xg_han_level level = {.level = 1};
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!t[i].han_run) {
            if (!xg_vec_push(&out, &t[i])) rc = XG_ENOMEM;
            continue;
        }
        rc = xg_text_han_run(ctx, a, &out, t[i].text, strlen(t[i].text), flags, context, &level,
                             segs ? &segs[i] : NULL);
    }
    if (segs)
        for (size_t k = 0; k < n; k++)
            xg_vec_free(&segs[k]);
    free(segs);
    if (rc) return xg_vec_free(&out), rc;
    xg_vec_free(toks);
    *toks = out;
    return 0;
}

int xg_text_emit_words(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const char *text, size_t n,
                       const char *alt)
{
    char *folded;
    size_t flen;
    int rc = xg_text_fold_heap(&folded, &flen, text, n);
    if (rc) return rc;
    size_t before = out->len;
    rc = xg_text_tokenise(out, a, folded, flen);
    free(folded);
    if (rc || out->len == before) return rc; /* nothing Latin came out (e.g. only marks) */
    xg_wtok *t = &XG_VEC_AT(out, xg_wtok, before);
    size_t count = out->len - before;
    rc = latin_ascii_tokens(a, t, count);
    if (rc) return rc;
    for (size_t k = 0; k < count; k++)
        t[k].han_run = 0; /* a gloss is never Han */
    xg_text_match_phrases(ctx, a, t, 0, count, 0);
    for (size_t k = 0; k < count; k++) {
        t[k].from_han = 1;
        t[k].done = 1;
        if (alt && t[k].text) t[k].alt = alt, alt = NULL;
    }
    return 0;
}

/* ---- numbers, legal forms, persons ---- */
static void normalise_number(xg_wtok *t)
{
    char *s = t->text;
    size_t n = strlen(s), d = strspn(s, "0123456789");
    if (t->kind == XG_TOK_NUMBER) return;
    if (!strpbrk(s, "0123456789")) return;
    t->kind = XG_TOK_NUMBER;
    t->symbol = NULL;
    static const char *ord[] = {"st", "nd", "rd", "th"};
    if (d > 0 && n == d + 2)
        for (int k = 0; k < 4; k++)
            if (strcmp(s + d, ord[k]) == 0) s[d] = '\0', n = d;
    if (d == n)
        while (s[0] == '0' && s[1])
            memmove(s, s + 1, strlen(s)); /* 007 = 7 */
}

/* "Co., Ltd." arrives as one phrase, but "Company Limited" or "Corporation Ltd." as two legal
 * words: adjacent legal tokens become one whose symbol is the most specific (not plain CO). */
static void merge_legal(xg_arena *a, xg_wtok *t, size_t n)
{
    size_t prev = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        if (!t[i].text) continue;
        if (t[i].kind != XG_TOK_LEGAL) {
            prev = (size_t)-1;
            continue;
        }
        if (prev == (size_t)-1 || t[prev].from_han != t[i].from_han) {
            prev = i;
            continue;
        }
        char *joined = xg_arena_printf(a, "%s %s", t[prev].text, t[i].text);
        if (!joined) continue;
        t[prev].text = joined;
        if (t[prev].symbol && strcmp(t[prev].symbol, "CO") == 0) t[prev].symbol = t[i].symbol;
        if (!t[prev].alt) t[prev].alt = t[i].alt;
        t[i].text = NULL;
    }
}

/* Leading titles of a person (Mr, Dr, General …) are stop words. */
static void mark_person_prefixes(const xg_text_ctx *ctx, xg_wtok *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!t[i].text) continue;
        if (!xg_strmap_get(&ctx->person_prefix, t[i].text, strlen(t[i].text))) break;
        t[i].kind = XG_TOK_STOP;
        t[i].symbol = NULL;
    }
}

/* "PUTIN, Vladimir Vladimirovich" → "Vladimir Vladimirovich PUTIN" (one comma only). */
static char *reorder_person(xg_arena *a, const char *s)
{
    const char *comma = strchr(s, ',');
    if (!comma || strchr(comma + 1, ',')) return NULL;
    const char *given = comma + 1;
    while (*given == ' ')
        given++;
    if (!*given || comma == s) return NULL;
    return xg_arena_printf(a, "%s %.*s", given, (int)(comma - s), s);
}

/* Whitespace runs → one space, trimmed. */
static char *single_spaces(xg_arena *a, const char *s)
{
    char *out = xg_arena_alloc(a, strlen(s) + 1), *w = out;
    if (!out) return NULL;
    for (; *s; s++) {
        if (isspace((unsigned char)*s)) {
            if (w > out && w[-1] != ' ') *w++ = ' ';
        } else {
            *w++ = *s;
        }
    }
    if (w > out && w[-1] == ' ') w--;
    *w = '\0';
    return out;
}

/* ---- assembly ---- */
static char *han_only(xg_arena *a, const char *s)
{
    size_t n = strlen(s), w = 0;
    char *out = xg_arena_alloc(a, n + 1);
    if (!out) return NULL;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t len = xg_utf8_decode(s + i, &cp);
        if (xg_cp_is_han(cp)) memcpy(out + w, s + i, len), w += len;
        i += len;
    }
    out[w] = '\0';
    return w ? out : NULL;
}

static int assemble(xg_name *out, xg_arena *a, xg_vec *toks)
{
    xg_wtok *t = toks->data;
    size_t n = 0, bytes = 1;
    for (size_t i = 0; i < toks->len; i++)
        if (t[i].text && *t[i].text) n++, bytes += strlen(t[i].text) + 1;
    out->tokens = n ? xg_arena_alloc(a, n * sizeof *out->tokens) : NULL;
    char *latin = xg_arena_alloc(a, bytes), *w = latin;
    if ((n && !out->tokens) || !latin) return XG_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < toks->len; i++) {
        if (!t[i].text || !*t[i].text) continue;
        xg_token *tok = &out->tokens[k++];
        tok->text = t[i].text;
        tok->symbol = t[i].symbol;
        tok->kind = t[i].kind;
        tok->from_han = t[i].from_han;
        tok->alt = t[i].alt;
        tok->level = t[i].level;
        tok->place = t[i].place;
        tok->sound = t[i].sound;
        tok->senses = t[i].senses;
        tok->pieces = t[i].pieces;
        if (w > latin) *w++ = ' ';
        size_t len = strlen(t[i].text);
        memcpy(w, t[i].text, len);
        w += len;
    }
    *w = '\0';
    out->ntokens = n;
    out->latin = latin;
    return 0;
}

static bool is_numeral_before(const char *s, size_t i)
{
    static const char *numerals[] = {"〇", "一", "二", "三", "四", "五",
                                     "六", "七", "八", "九", "十"};
    if (i < 3) return false;
    for (size_t k = 0; k < sizeof numerals / sizeof *numerals; k++)
        if (memcmp(s + i - 3, numerals[k], 3) == 0) return true;
    return false;
}

/* In place, every replacement 3 bytes for 3 bytes: Japanese kanji forms and Hong Kong / Taiwan
 * variants (data/text/zh_variants.tsv: 滙 → 汇) to simplified (総 → 总),
 * and the stand-ins lists use for Chinese numerals — ○/◯ for 〇, katakana ニ for 二 after a
 * numeral — so that 第七○ニ研究所 reads 702 like 第七〇二研究所. */
static void fold_han_variants(const xg_text_ctx *ctx, char *s)
{
    for (size_t i = 0; s[i];) {
        int32_t cp;
        size_t len = xg_utf8_decode(s + i, &cp);
        const char *to = len == 3 ? xg_strmap_get(&ctx->shinjitai, s + i, 3) : NULL;
        if (cp == 0x25CB || cp == 0x25EF) to = "〇";
        if (cp == 0x30CB && is_numeral_before(s, i)) to = "二";
        if (to && strlen(to) == 3) memcpy(s + i, to, 3);
        i += len;
    }
}

static size_t cut_at_char(const char *s, size_t len)
{
    if (len <= XG_NAME_MAX_BYTES) return len;
    size_t n = XG_NAME_MAX_BYTES;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Steps 2–7 on a valid, cut name. */
static int analyse_text(xg_name *out, xg_arena *a, const xg_text_ctx *ctx, char *folded, int flags,
                        xg_vec *toks)
{
    if ((flags & XG_NAME_PERSON)) {
        char *re = reorder_person(a, folded);
        if (re) folded = re;
    }
    out->folded = single_spaces(a, folded);
    out->han = han_only(a, folded);
    if (!out->folded) return XG_ENOMEM;
    int rc = xg_text_tokenise(toks, a, out->folded, strlen(out->folded));
    if (rc == 0) rc = latin_ascii_tokens(a, toks->data, toks->len);
    if (rc) return rc;
    /* a Latin name's phrases are all found by the first pass (unless one could not be merged) */
    bool again = !xg_text_match_phrases(ctx, a, toks->data, 0, toks->len, flags) ||
                 !all_latin(toks->data, toks->len);
    rc = xg_text_korean_names(ctx, a, toks, flags);
    if (rc == 0) rc = xg_text_arabic_names(ctx, a, toks);
    if (rc == 0) rc = transliterate_rest(a, toks);
    if (rc) return rc;
    if (again) xg_text_match_phrases(ctx, a, toks->data, 0, toks->len, flags);
    if ((flags & XG_NAME_PERSON)) mark_person_prefixes(ctx, toks->data, toks->len);
    rc = render_han(ctx, a, toks, flags);
    if (rc) return rc;
    xg_wtok *t = toks->data;
    for (size_t i = 0; i < toks->len; i++)
        if (t[i].text && t[i].kind != XG_TOK_STOP) normalise_number(&t[i]);
    merge_legal(a, t, toks->len);
    return assemble(out, a, toks);
}

int xg_name_analyse(xg_name *out, struct xg_arena *arena, const xg_text_ctx *ctx, const char *utf8,
                    size_t len, int flags)
{
    if (!out || !arena || !ctx || (!utf8 && len))
        return xg_error_set(XG_EINVAL, "xg_name_analyse: NULL argument");
    if (!utf8) utf8 = "";
    if (!xg_utf8_valid(utf8, len)) return xg_error_set(XG_EUTF8, "name: invalid UTF-8");
    len = cut_at_char(utf8, len);
    xg_name res = {0};
    res.is_person = (flags & XG_NAME_PERSON) != 0;
    res.original = xg_arena_strndup(arena, utf8, len);
    char *folded = NULL;
    size_t flen;
    int rc = res.original ? xg_text_fold_heap(&folded, &flen, utf8, len) : XG_ENOMEM;
    if (rc == 0 && xg_text_has_han(folded, flen)) {
        char *simp;
        rc = xg_translit(&simp, XG_TR_HANT_HANS, folded, flen);
        if (rc == 0) free(folded), folded = simp;
        if (rc == 0) fold_han_variants(ctx, folded);
    }
    xg_vec toks;
    xg_vec_init(&toks, sizeof(xg_wtok));
    if (rc == 0) {
        char *f = xg_arena_strdup(arena, folded);
        rc = f ? analyse_text(&res, arena, ctx, f, flags, &toks) : XG_ENOMEM;
    }
    xg_vec_free(&toks);
    free(folded);
    if (rc == XG_ENOMEM) return xg_error_set(XG_ENOMEM, "name: out of memory");
    if (rc) return rc;
    *out = res;
    return 0;
}
