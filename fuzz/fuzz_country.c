/* Fuzz target: country lookup on arbitrary bytes (invalid UTF-8 included) returns a two-letter
 * code or NULL, and the code maps back to a name. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/country.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[256];
    size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
    memcpy(buf, data, n);
    buf[n] = '\0';
    const char *cc = xg_country_code(buf);
    if (cc && (strlen(cc) != 2 || !xg_country_name(cc))) abort();
    return 0;
}
