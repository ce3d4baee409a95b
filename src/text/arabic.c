/* Arabic names. ICU's Arabic-Latin writes what the script writes — consonants (محمد علي →
 * mhmd ly) — which shares too little with the listed Latin forms (Mohamed Ali). Common words of
 * Arabic personal names are read from data/text/ar_names.tsv instead, after the usual
 * normalisation of Arabic spelling (alef forms, ta marbuta, alif maqsura, diacritics); the
 * article ال is split off as "al", as lists write it (التكريتي → al tikriti). Other words go on
 * to ICU unchanged. */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

static bool is_arabic_mark(int32_t cp)
{
    return (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || (cp >= 0x06D6 && cp <= 0x06ED) ||
           cp == 0x0640;
}

static int32_t normal_letter(int32_t cp)
{
    switch (cp) {
    case 0x0622:
    case 0x0623:
    case 0x0625:
    case 0x0671:
        return 0x0627; /* alef forms → ا */
    case 0x0629:
        return 0x0647; /* ة → ه */
    case 0x0649:
    case 0x06CC:
        return 0x064A; /* ى ی → ي */
    case 0x06A9:
        return 0x0643; /* ک → ك */
    default:
        return cp;
    }
}

static void put_cp(xg_buf *b, int32_t cp)
{
    char u[3] = {(char)(0xC0 | (cp >> 6)), (char)(0x80 | (cp & 0x3F)), 0};
    if (cp < 0x800) xg_buf_append(b, u, 2);
}

/* Normalised spelling of an all-Arabic word into b; false when s is not one. */
bool xg_text_arabic_key(xg_buf *b, const char *s, size_t n)
{
    xg_buf_reset(b);
    for (size_t i = 0; i < n;) {
        int32_t cp;
        i += xg_utf8_decode(s + i, &cp);
        if (cp < 0x0600 || cp > 0x06FF) return false;
        if (!is_arabic_mark(cp)) put_cp(b, normal_letter(cp));
    }
    return b->len > 0;
}

static int push_words(xg_arena *a, xg_vec *out, const char *words)
{
    for (const char *p = words; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (!len) break;
        xg_wtok t = {.latin = 1};
        t.text = xg_arena_strndup(a, p, len);
        if (!t.text || !xg_vec_push(out, &t)) return XG_ENOMEM;
        p += len;
    }
    return 0;
}

/* One Arabic word: a known word, or the article + a known word, or the article + the rest left
 * for ICU; returns 1 when it pushed nothing (not Arabic, or nothing known). */
static int arabic_word(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const xg_wtok *t,
                       xg_buf *key)
{
    if (!xg_text_arabic_key(key, t->text, strlen(t->text))) return 1;
    const char *latin = xg_strmap_get(&ctx->ar_names, key->data, key->len);
    if (latin) return push_words(a, out, latin);
    static const char article[] = "\xd8\xa7\xd9\x84"; /* ال */
    if (key->len <= 4 + 2 || memcmp(key->data, article, 4) != 0) return 1;
    int rc = push_words(a, out, "al");
    latin = xg_strmap_get(&ctx->ar_names, key->data + 4, key->len - 4);
    if (rc || latin) return rc ? rc : push_words(a, out, latin);
    xg_wtok rest = {0}; /* not Latin: transliterated by ICU next */
    rest.text = xg_arena_strndup(a, key->data + 4, key->len - 4);
    return rest.text && xg_vec_push(out, &rest) ? 0 : XG_ENOMEM;
}

int xg_text_arabic_names(const xg_text_ctx *ctx, xg_arena *a, xg_vec *toks)
{
    xg_wtok *t = toks->data;
    bool any = false;
    for (size_t i = 0; i < toks->len && !any; i++)
        any = t[i].text && !t[i].latin && !t[i].han_run && (unsigned char)t[i].text[0] >= 0xD8 &&
              (unsigned char)t[i].text[0] <= 0xDB;
    if (!any || !ctx->ar_names.len) return 0;
    xg_vec out;
    xg_vec_init(&out, sizeof(xg_wtok));
    xg_buf key;
    xg_buf_init(&key);
    int rc = 0;
    for (size_t i = 0; i < toks->len && rc == 0; i++) {
        int r = t[i].text && !t[i].done && !t[i].latin && !t[i].han_run
                    ? arabic_word(ctx, a, &out, &t[i], &key)
                    : 1;
        if (r == 1)
            rc = xg_vec_push(&out, &t[i]) ? 0 : XG_ENOMEM;
        else
            rc = r;
    }
    xg_buf_free(&key);
    if (rc) return xg_vec_free(&out), xg_error_set(rc, "name: out of memory");
    xg_vec_free(toks);
    *toks = out;
    return 0;
}
