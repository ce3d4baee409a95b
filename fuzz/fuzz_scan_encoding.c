/* Fuzz target: encoding detection (UTF-8, UTF-16, GB18030, Big5) and normalisation (NFKC, CJK
 * space removal, traditional folding). Decoded text is valid UTF-8, the folded copy keeps the
 * length of the text as printed, and the one-pass normalisation equals the two-pass reference. Also
 * amounts and Chinese numerals on the same bytes, and xg_utf8_valid (SSE2, sixteen bytes at a time)
 * against a check one code point at a time. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "scan/scan_internal.h"

static uint32_t *fold;

/* The reference: one code point at a time through xg_utf8_next. */
static bool utf8_valid_by_character(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = xg_utf8_next(s + i, n - i, &cp);
        if (!k) return false;
        i += k;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fold && scan_fold_table(&fold)) abort();
    if (xg_utf8_valid((const char *)data, size) !=
        utf8_valid_by_character((const char *)data, size))
        abort(); /* the library's fast check gives the decoder's answer */
    char *u = NULL;
    size_t ul = 0;
    const char *enc = NULL;
    if (scan_to_utf8(&u, &ul, &enc, (const char *)data, size) == 0) {
        if (!xg_utf8_valid(u, ul) || !enc) abort();
        scan_doc d = {0}, r = {0};
        const uint32_t *t = size % 2 ? fold : NULL; /* with and without folding */
        int rc = scan_normalise(&d, u, ul, t);
        if (rc != scan_normalise_two_pass(&r, u, ul, t)) abort();
        if (rc == 0) {
            if (!xg_utf8_valid(d.text, d.len)) abort();
            if (d.orig && strlen(d.orig) != strlen(d.text)) abort();
            if (d.len != r.len || memcmp(d.text, r.text, d.len + 1) || d.nfolded != r.nfolded ||
                !d.orig != !r.orig || (d.orig && memcmp(d.orig, r.orig, d.len + 1)))
                abort();
            free(d.text);
            free(d.orig);
            free(r.text);
            free(r.orig);
        }
        double v;
        char cur[8];
        scan_parse_amount(u, ul, &v, cur);
        free(u);
    }
    return 0;
}
