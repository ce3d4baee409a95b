/* Raw tokenisation of folded text. Words are runs of letters, marks and digits; Han characters
 * form runs of their own (segmented later by dictionary); apostrophes join ("o'brien" → obrien);
 * a dot joins only single letters ("u.s.a." → usa, "g.m.b.h." → gmbh) so "co.ltd" still splits;
 * "&" is a token (a stop word) unless it joins initials (AT&T, R&D); everything else separates.
 * Phrases in the data files go through this same function, so names and phrase keys always tokenise
 * alike. */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "xgate/error.h"

enum cls { C_SEP, C_WORD, C_HAN, C_JOIN, C_DOT, C_AMP };

static bool is_latin_cp(int32_t cp)
{
    return cp < 0x0250 || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2C60 && cp <= 0x2C7F) ||
           (cp >= 0xA720 && cp <= 0xA7FF);
}

static enum cls classify(int32_t cp)
{
    if (cp == '.') return C_DOT;
    if (cp == '&') return C_AMP;
    if (cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == '`' || cp == 0xB4 ||
        cp == 0xB7)
        return C_JOIN;
    if (xg_cp_is_han(cp)) return C_HAN;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LM:
        return C_JOIN; /* ʿ ʾ ー-like modifiers carry no letter of their own */
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return C_WORD;
    default:
        return C_SEP;
    }
}

typedef struct {
    xg_vec *toks;
    xg_arena *a;
    xg_buf word;
    bool han, latin;
    size_t seg; /* letters since the word start or the last joined dot */
} tokeniser;

static int flush(tokeniser *tk)
{
    if (tk->word.len == 0) return 0;
    xg_wtok t = {0};
    t.text = xg_arena_strndup(tk->a, tk->word.data, tk->word.len);
    t.han_run = tk->han;
    t.latin = !tk->han && tk->latin;
    xg_buf_reset(&tk->word);
    tk->latin = true;
    tk->seg = 0;
    if (!t.text || !xg_vec_push(tk->toks, &t)) return XG_ENOMEM;
    return 0;
}

static int add_cp(tokeniser *tk, const char *s, size_t len, int32_t cp, bool han)
{
    if (tk->word.len && tk->han != han) {
        int rc = flush(tk);
        if (rc) return rc;
    }
    tk->han = han;
    if (!is_latin_cp(cp)) tk->latin = false;
    tk->seg++;
    return xg_buf_append(&tk->word, s, len) ? XG_ENOMEM : 0;
}

static bool ascii_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/* add_cp for each byte of a run of ASCII letters and digits (Latin, not Han), in one append. */
static int add_ascii_run(tokeniser *tk, const char *s, size_t len)
{
    if (tk->word.len && tk->han) {
        int rc = flush(tk);
        if (rc) return rc;
    }
    tk->han = false;
    tk->seg += len;
    return xg_buf_append(&tk->word, s, len) ? XG_ENOMEM : 0;
}

static bool next_is_letter(const char *p, const char *end)
{
    if (p >= end) return false;
    int32_t cp;
    xg_utf8_decode(p, &cp);
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO && !xg_cp_is_han(cp);
}

int xg_text_tokenise(xg_vec *toks, xg_arena *a, const char *s, size_t n)
{
    tokeniser tk = {.toks = toks, .a = a, .latin = true};
    xg_buf_init(&tk.word);
    const char *p = s, *end = s + n;
    int rc = 0;
    while (p < end && rc == 0) {
        if (ascii_alnum(*p)) { /* a run of ASCII letters and digits: C_WORD each, one append */
            const char *q = p + 1;
            while (q < end && ascii_alnum(*q))
                q++;
            rc = add_ascii_run(&tk, p, (size_t)(q - p));
            p = q;
            continue;
        }
        int32_t cp;
        size_t len = xg_utf8_decode(p, &cp);
        switch (classify(cp)) {
        case C_WORD:
            rc = add_cp(&tk, p, len, cp, false);
            break;
        case C_HAN:
            rc = add_cp(&tk, p, len, cp, true);
            break;
        case C_JOIN:
            break;
        case C_DOT:
            if (tk.seg == 1 && !tk.han && next_is_letter(p + 1, end))
                tk.seg = 0;
            else
                rc = flush(&tk);
            break;
        case C_AMP:
            if (tk.word.len && tk.seg <= 2 && !tk.han && next_is_letter(p + 1, end)) {
                tk.seg = 0; /* AT&T → att, R&D → rd: initials joined by & are one word */
                break;
            }
            rc = flush(&tk);
            if (rc == 0) rc = add_cp(&tk, "&", 1, '&', false);
            if (rc == 0) rc = flush(&tk);
            break;
        default:
            rc = flush(&tk);
        }
        p += len;
    }
    if (rc == 0) rc = flush(&tk);
    xg_buf_free(&tk.word);
    return rc ? xg_error_set(XG_ENOMEM, "name: out of memory") : 0;
}

int xg_text_phrase_key(const xg_text_ctx *ctx, char **key, size_t *keylen, const char *s, size_t n)
{
    char *folded;
    size_t flen;
    int rc = xg_text_fold_heap(&folded, &flen, s, n);
    if (rc) return rc;
    xg_arena a;
    xg_arena_init(&a, 4096);
    xg_vec toks;
    xg_vec_init(&toks, sizeof(xg_wtok));
    rc = xg_text_tokenise(&toks, &a, folded, flen);
    xg_buf b;
    xg_buf_init(&b);
    int count = 0;
    for (size_t i = 0; rc == 0 && i < toks.len; i++) {
        xg_wtok *t = &XG_VEC_AT(&toks, xg_wtok, i);
        char *ascii = NULL;
        const char *w = t->text;
        /* Latin letters beyond ASCII (ø, ł, æ) fold through ICU Latin-ASCII, as in names: by
         * the table of ICU's own answers when it holds every letter (loading the name tables
         * then opens no ICU transliterator, a costly first call), else by ICU */
        if (t->latin && strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789&") != strlen(w) &&
            ((ctx && (ascii = xg_text_latin_ascii_table(ctx, w))) ||
             xg_translit(&ascii, XG_TR_LATIN_ASCII, w, strlen(w)) == 0))
            w = ascii;
        if (count++) xg_buf_putc(&b, ' ');
        xg_buf_puts(&b, w);
        free(ascii);
    }
    xg_vec_free(&toks);
    xg_arena_free(&a);
    free(folded);
    if (rc) return xg_buf_free(&b), rc;
    *keylen = b.len;
    *key = b.data ? xg_buf_steal(&b) : strdup("");
    return *key ? count : xg_error_set(XG_ENOMEM, "phrase: out of memory");
}
