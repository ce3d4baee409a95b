/* Fuzz target: the tree-free HTML reader (scan_html_fast_text) against libxml2's tree
 * (scan_html_tree_text). Whatever page the fast path accepts must give byte for byte the text the
 * tree gives; anything else it must decline. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "scan/scan_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        scan_structure_init();
        init = 1;
    }
    if (!xg_utf8_valid((const char *)data, size)) return 0;
    char *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    int r = scan_html_fast_text(&a, &al, (const char *)data, size);
    if (r != 0) return 0; /* declined (1) or out of memory */
    if (!xg_utf8_valid(a, al)) abort();
    if (scan_html_tree_text(&b, &bl, (const char *)data, size) != 0) abort();
    if (al != bl || memcmp(a, b, al)) abort();
    free(a);
    free(b);
    return 0;
}
