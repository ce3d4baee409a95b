/* Korean personal names in Hangul. ICU's Hangul-Latin romanises a whole word with Revised
 * Romanisation (김정은 → gimjeong-eun), which shares little with the way lists write the same
 * person (Kim Jong Un). A name made only of short Hangul words is read as a person: the surname
 * (data/text/ko_surnames.tsv: 김 → kim, 박 → park, two-syllable 남궁 …) then each given-name
 * syllable as its own token with the vowels lists use, so that 김정은 gives kim + jong + un and
 * aligns word for word with "Kim Jong Un". */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

static size_t hangul_syllables(const char *s)
{
    size_t count = 0;
    for (size_t i = 0; s[i];) {
        int32_t cp;
        i += xg_utf8_decode(s + i, &cp);
        if (cp < 0xAC00 || cp > 0xD7A3) return 0;
        count++;
    }
    return count;
}

/* A person's name: flagged so; or, unflagged, at most three Hangul words and no legal form,
 * the first being a surname alone (김 정은), or three syllables after a one-syllable surname
 * (김정은), or four after a two-syllable one (남궁민수). Two-syllable words (삼성) stay words. */
static bool looks_like_person(const xg_text_ctx *ctx, const xg_wtok *t, size_t n, int flags)
{
    size_t words = 0, first = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (!t[i].text) continue;
        size_t syl = hangul_syllables(t[i].text);
        any = any || syl > 0;
        if (!(flags & XG_NAME_PERSON) && (syl == 0 || t[i].done)) return false;
        if (words++ == 0) first = i;
    }
    if (!any) return false;
    if (flags & XG_NAME_PERSON) return true;
    const char *w = t[first].text;
    size_t syl = hangul_syllables(w);
    if (words > 3) return false;
    if (syl == 1 && words > 1) return xg_strmap_get(&ctx->ko_surnames, w, 3) != NULL;
    if (syl == 3) return xg_strmap_get(&ctx->ko_surnames, w, 3) != NULL;
    if (syl == 4) return xg_strmap_get(&ctx->ko_surnames, w, 6) != NULL;
    return false;
}

static int push(xg_arena *a, xg_vec *out, const char *s, size_t n)
{
    xg_wtok t = {.latin = 1};
    t.text = xg_arena_strndup(a, s, n);
    return t.text && xg_vec_push(out, &t) ? 0 : XG_ENOMEM;
}

/* Revised Romanisation's eo and eu written o and u and an initial l as r, as lists spell Korean
 * given names (McCune- Reischauer without its breves: 정은 jeong eun → jong un, 철 cheol → chol, 현
 * hyeon → hyon). */
static void lists_vowels(char *w)
{
    if (w[0] == 'l') w[0] = 'r'; /* initial ㄹ: 룡 ryong, as lists write it, not lyong */
    char *o = w;
    for (char *p = w; *p; p++) {
        *o++ = *p;
        if (*p == 'e' && (p[1] == 'o' || p[1] == 'u')) o--;
    }
    *o = '\0';
}

/* Romanise the syllables of s from byte `from` one by one (one ICU call, spaces between). */
static int syllables(xg_arena *a, xg_vec *out, const char *s, size_t from)
{
    xg_buf b;
    xg_buf_init(&b);
    for (size_t i = from; s[i]; i += 3) {
        if (i > from) xg_buf_putc(&b, ' ');
        xg_buf_append(&b, s + i, 3);
    }
    char *latin = NULL;
    int rc = b.len ? xg_translit(&latin, XG_TR_ANY_LATIN, b.data, b.len) : 0;
    xg_buf_free(&b);
    if (rc || !latin) return rc;
    char *save, *w;
    for (w = strtok_r(latin, " -", &save); w && rc == 0; w = strtok_r(NULL, " -", &save)) {
        lists_vowels(w);
        rc = push(a, out, w, strlen(w));
    }
    free(latin);
    return rc;
}

static int person_word(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const char *s, bool first)
{
    size_t syl = hangul_syllables(s), surname = 0; /* bytes of the surname (3 per syllable) */
    const char *rom = NULL;
    if (first && syl >= 3 && (rom = xg_strmap_get(&ctx->ko_surnames, s, 6))) surname = 6;
    if (first && !rom && (rom = xg_strmap_get(&ctx->ko_surnames, s, 3))) surname = 3;
    int rc = rom ? push(a, out, rom, strlen(rom)) : 0;
    return rc ? rc : syllables(a, out, s, surname);
}

int xg_text_korean_names(const xg_text_ctx *ctx, xg_arena *a, xg_vec *toks, int flags)
{
    xg_wtok *t = toks->data;
    if (!ctx->ko_surnames.len || !looks_like_person(ctx, t, toks->len, flags)) return 0;
    xg_vec out;
    xg_vec_init(&out, sizeof(xg_wtok));
    int rc = 0;
    bool first = true;
    for (size_t i = 0; i < toks->len && rc == 0; i++) {
        if (!t[i].text || t[i].done || !hangul_syllables(t[i].text)) {
            if (!xg_vec_push(&out, &t[i])) rc = XG_ENOMEM;
        } else {
            rc = person_word(ctx, a, &out, t[i].text, first);
        }
        if (t[i].text) first = false;
    }
    if (rc) return xg_vec_free(&out), xg_error_set(rc, "name: out of memory");
    xg_vec_free(toks);
    *toks = out;
    return 0;
}
