/* Fuzz target: HTML to text (libxml2 recovery parser, cells and blocks as separators). The text
 * is always valid UTF-8 when the input is. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/core.h"
#include "scan/scan_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!xg_utf8_valid((const char *)data, size)) return 0;
    char *t = NULL;
    size_t n = 0;
    if (scan_html_to_text(&t, &n, (const char *)data, size) == 0) {
        if (!xg_utf8_valid(t, n)) abort();
        free(t);
    }
    return 0;
}
