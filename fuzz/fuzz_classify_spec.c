/* Fuzz target: --spec strings (an HTTP field too). Any bytes either classify — with a JSON object
 * and a TPP that is not negative — or fail with an error message; never crash or leak. The
 * catalog is loaded once from $XGATE_DATA or ./data. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/classify.h"
#include "xgate/error.h"

static xg_catalog *cat;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cat && xg_catalog_load(&cat, getenv("XGATE_DATA") ? getenv("XGATE_DATA") : "data"))
        abort();
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    xg_classification *cl = NULL;
    int rc = xg_classify_spec(&cl, cat, s, size % 3 ? "2024-06-01" : "2026-02-01");
    if (rc == 0) {
        if (!cl || !cl->json || cl->tpp < 0) abort();
        xg_classification_free(cl);
    } else if (cl || !xg_error_message()[0])
        abort();
    /* every fourth input also as an item name (the miss path computes nearest names, which is
     * slow under ASan): found or XG_ENOTFOUND, nothing else */
    if (size % 4 == 0) {
        rc = xg_classify_item(&cl, cat, s, NULL);
        if (rc == 0)
            xg_classification_free(cl);
        else if (rc != XG_ENOTFOUND)
            abort();
    }
    free(s);
    return 0;
}
