/* Fuzz target: UTF-8 validation never reads past the buffer, and agrees with the one decoder it is
 * built on: the bytes are valid exactly when xg_utf8_next never fails over them. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool valid = xg_utf8_valid((const char *)data, size), decoded = true;
    for (size_t i = 0; i < size;) {
        uint32_t cp;
        size_t len = xg_utf8_next((const char *)data + i, size - i, &cp);
        if (!len) decoded = false;
        if (len && (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) __builtin_trap();
        i += len ? len : 1;
    }
    if (valid != decoded) __builtin_trap();
    return 0;
}
