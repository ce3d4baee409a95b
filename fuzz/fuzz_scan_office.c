/* Fuzz target: DOCX, XLSX, ODT and ODS archives to text (libzip from memory, libxml2 parts,
 * the size, ratio and cell limits). The text is always valid UTF-8; a refusal is an error code,
 * never a crash. Seeds in fuzz/corpus/scan_office/ are small documents written by
 * tests/cli/office/mkoffice.py. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/core.h"
#include "scan/scan_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *t = NULL;
    size_t n = 0;
    const char *kind = NULL;
    if (scan_office_to_text(&t, &n, &kind, (const char *)data, size) == 0) {
        if (!xg_utf8_valid(t, n) || !kind) abort();
        free(t);
    }
    return 0;
}
