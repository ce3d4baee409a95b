/* Unicode folding for comparison: NFKC, case folding, Unicode punctuation lumped to ASCII, and
 * accents removed from Latin and Greek letters only. Marks on other scripts are kept because they
 * carry sound (Cyrillic й, Devanagari vowel signs, Thai vowels) that transliteration needs; ICU's
 * Latin-ASCII later folds whatever Latin remains (ø, ł, æ). */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "xgate/error.h"

size_t xg_utf8_decode(const char *s, int32_t *cp)
{
    uint32_t c;
    size_t len = xg_utf8_next(s, 4, &c); /* NUL-terminated: the decoder stops at the NUL */
    *cp = (int32_t)c;
    return len ? len : 1;
}

bool xg_cp_is_han(int32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2EBEF) || (cp >= 0xF900 && cp <= 0xFAFF) || cp == 0x3007;
}

/* Latin (with IPA and Latin Extended Additional) and Greek bases lose their accents. */
static bool accent_folds(int32_t base)
{
    return (base >= 0 && base < 0x0400) || (base >= 0x1E00 && base <= 0x1FFF);
}

static bool is_mark(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

/* Drop marks whose base folds; returns the new length. */
static utf8proc_ssize_t strip_latin_marks(utf8proc_int32_t *cps, utf8proc_ssize_t n)
{
    utf8proc_ssize_t w = 0;
    int32_t base = -1;
    for (utf8proc_ssize_t r = 0; r < n; r++) {
        if (is_mark(cps[r])) {
            if (accent_folds(base)) continue;
        } else {
            base = cps[r];
        }
        cps[w++] = cps[r];
    }
    return w;
}

/* Printable ASCII (0x20-0x7E) only: folding lower-cases it and nothing else (no compatibility
 * form, no control character, no mark, nothing to lump or ignore), so it needs no utf8proc pass.
 * Returns 1 when it folded s, 0 when s holds anything else, an error when out of memory. */
static int fold_printable_ascii(char **out, size_t *outlen, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E) return 0;
    char *r = malloc(n + 1);
    if (!r) return xg_error_set(XG_ENOMEM, "name: out of memory");
    for (size_t i = 0; i < n; i++)
        r[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + ('a' - 'A')) : s[i];
    r[n] = '\0';
    *out = r;
    *outlen = n;
    return 1;
}

int xg_text_fold_heap(char **out, size_t *outlen, const char *s, size_t n)
{
    int fast = fold_printable_ascii(out, outlen, s, n);
    if (fast) return fast < 0 ? fast : 0;
    if (!xg_utf8_valid(s, n)) return xg_error_set(XG_EUTF8, "name: invalid UTF-8");
    const utf8proc_option_t opt = UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE |
                                  UTF8PROC_IGNORE | UTF8PROC_STRIPCC | UTF8PROC_LUMP |
                                  UTF8PROC_STABLE;
    utf8proc_ssize_t cap = (utf8proc_ssize_t)n + 16;
    utf8proc_int32_t *cps = NULL;
    for (;;) {
        /* room for the UTF-8 re-encoding in place: 4 bytes per code point plus NUL */
        utf8proc_int32_t *tmp = realloc(cps, (size_t)cap * sizeof *cps + 1);
        if (!tmp) return free(cps), xg_error_set(XG_ENOMEM, "name: out of memory");
        cps = tmp;
        utf8proc_ssize_t got =
            utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, cps, cap, opt);
        if (got < 0) return free(cps), xg_error_set(XG_EUTF8, "name: %s", utf8proc_errmsg(got));
        if (got <= cap) {
            got = strip_latin_marks(cps, got);
            utf8proc_ssize_t len = utf8proc_reencode(cps, got, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
            if (len < 0) return free(cps), xg_error_set(XG_EUTF8, "name: %s", utf8proc_errmsg(len));
            *out = (char *)cps;
            *outlen = (size_t)len;
            return 0;
        }
        cap = got;
    }
}

int xg_text_fold(char **out, struct xg_arena *arena, const char *utf8, size_t len)
{
    char *heap;
    size_t n;
    int rc = xg_text_fold_heap(&heap, &n, utf8, len);
    if (rc) return rc;
    *out = xg_arena_strndup(arena, heap, n);
    free(heap);
    return *out ? 0 : xg_error_set(XG_ENOMEM, "fold: out of memory");
}
