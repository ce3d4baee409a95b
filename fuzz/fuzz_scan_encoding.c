/* Fuzz target: encoding detection (UTF-8, UTF-16, GB18030, Big5) and normalisation (NFKC, CJK
 * space removal, traditional folding). Decoded text is valid UTF-8, the folded copy keeps the
 * length of the text as printed, and the one-pass normalisation equals the two-pass reference. Also
 * amounts and Chinese numerals on the same bytes, and scan_utf8_valid against xg_utf8_valid. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "scan/scan_internal.h"

static uint32_t *fold;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fold && scan_fold_table(&fold)) abort();
    if (scan_utf8_valid((const char *)data, size) != xg_utf8_valid((const char *)data, size))
        abort(); /* the scanner's UTF-8 check gives the library's answer */
    char *u = NULL;
    size_t ul = 0;
    const char *enc = NULL;
    if (scan_to_utf8(&u, &ul, &enc, (const char *)data, size) == 0) {
        if (!xg_utf8_valid(u, ul) || !enc) abort();
        scan_doc d = {0}, r = {0};
        int rc = scan_normalise(&d, u, ul, fold);
        if (rc != scan_normalise_two_pass(&r, u, ul, fold)) abort();
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
