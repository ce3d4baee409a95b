/* Fuzz target: the configuration reader on arbitrary bytes either refuses the text with a message
 * naming a line, or accepts it and every stored setting is a known key with a non-empty value on a
 * line that exists. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/config.h"
#include "xgate/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xg_config *c = NULL;
    int rc = xg_config_parse(&c, (const char *)data, size, "fuzz.conf");
    if (rc != XG_OK) {
        if (c || (rc == XG_EPARSE && !strstr(xg_error_message(), "fuzz.conf:"))) abort();
        return 0;
    }
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    for (size_t i = 0; i < xg_config_size(c); i++) {
        const char *k, *v;
        int line;
        if (xg_config_entry(c, i, &k, &v, &line) != XG_OK) abort();
        if (!xg_config_key_known(k) || !*v || line < 1 || (size_t)line > lines) abort();
        if (xg_config_count(c, k) == 0 || !xg_config_get(c, k)) abort();
    }
    xg_config_free(c);
    return 0;
}
