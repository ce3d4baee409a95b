/* Fuzz target: the tree-free record readers (src/scan/record_fast.c: flat JSON Lines records
 * and records with nested values) against jansson. Whenever a fast reader accepts a line,
 * jansson must parse it too and scan_record_to_text must write the same text; a line a fast
 * reader declines is the jansson path's business. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "scan/scan_internal.h"
#include "xgate/error.h"

static json_t *keymap;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!keymap) {
        char *p = xg_data_path("scan/record_keys.tsv");
        if (!p || scan_keymap_load(&keymap, p)) abort();
        free(p);
    }
    const char *s = (const char *)data;
    if (!xg_utf8_valid(s, size)) return 0; /* the scanner decodes every file to UTF-8 first */
    char *fast = NULL, *nested = NULL;
    size_t fl = 0, nl = 0;
    int flat_ok = !scan_record_line_text(&fast, &fl, s, size, keymap);
    int nested_ok = !scan_record_nested_text(&nested, &nl, s, size, keymap);
    if (flat_ok && !nested_ok) abort(); /* the nested reader reads every flat record */
    if (!nested_ok) return 0;
    json_error_t err;
    json_t *r = json_loadb(s, size, 0, &err);
    if (!r) abort(); /* accepted a line jansson refuses */
    char *slow = NULL;
    size_t sl = 0;
    if (scan_record_to_text(&slow, &sl, r, keymap)) abort();
    if (flat_ok && (sl != fl || memcmp(slow, fast, fl))) abort(); /* different text */
    if (sl != nl || memcmp(slow, nested, nl)) abort();            /* different text */
    json_decref(r);
    free(slow);
    free(fast);
    free(nested);
    return 0;
}
