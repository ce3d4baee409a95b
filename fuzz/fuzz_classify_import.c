/* Fuzz target: Epoch-format hardware tables. Every data row reaches the callback exactly once
 * (classified or with an error); the import never crashes, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "xgate/classify.h"
#include "xgate/error.h"

static xg_catalog *cat;

static int count(void *ud, const xg_classification *cl, long line, const char *error)
{
    size_t *n = ud;
    if (!cl && !error) abort();
    if (cl && !cl->json) abort();
    (*n)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cat && xg_catalog_load(&cat, getenv("XGATE_DATA") ? getenv("XGATE_DATA") : "data"))
        abort();
    size_t seen = 0, rows = 0;
    int rc = xg_classify_import_buf(cat, (const char *)data, size, "fuzz", "2025-06-01", NULL,
                                    count, &seen, &rows);
    if (rc == 0 && seen != rows) abort();
    return 0;
}
