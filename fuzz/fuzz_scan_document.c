/* Fuzz target: a whole file through the scanner (format and encoding detection, HTML, JSON
 * records, normalisation, Hyperscan, field patterns, linking and the report). Any bytes give a
 * result or an error code, never a crash; every mention's offset lies inside the text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"
#include "xgate/scan.h"

static xg_scanner *sc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sc && xg_scanner_new(&sc, NULL, NULL, NULL)) abort();
    json_t *docs = NULL;
    int rc = xg_scan_bytes(&docs, sc, "fuzz.txt", (const char *)data, size);
    if (rc == 0) {
        if (!json_is_array(docs)) abort();
        xg_scan_link(docs);
        char *html = NULL;
        if (xg_scan_report_html(&html, docs, "fuzz")) abort();
        free(html);
        json_decref(docs);
    } else if (rc != XG_EFORMAT && rc != XG_EPARSE && rc != XG_EUTF8 && rc != XG_ETOOBIG)
        abort();
    return 0;
}
