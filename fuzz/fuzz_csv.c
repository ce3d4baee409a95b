/* Fuzz target: the CSV reader must never read outside the buffer, must always make progress
 * (every call consumes input or reports the end), and after an error must resume cleanly. Small
 * limits make the size checks reachable. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "xgate/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xg_csv c;
    xg_csv_init(&c, (const char *)data, size, "fuzz.csv");
    c.max_field = 256;
    c.max_fields = 64;
    long last_line = 0;
    for (size_t calls = 0;; calls++) {
        int rc = xg_csv_next(&c);
        if (rc == 0) break;
        if (rc == 1)
            for (size_t i = 0; i < c.nfields; i++)
                if (c.len[i] > c.max_field) abort();
        if (c.line < last_line || calls > size + 2) abort(); /* no progress */
        last_line = c.line;
    }
    xg_csv_free(&c);
    return 0;
}
