/* Fuzz target: a whole file through the scanner (format and encoding detection, HTML, JSON
 * records, normalisation, Hyperscan, field patterns, linking and the report). Any bytes give a
 * result or an error code, never a crash; every mention's offset lies inside the text. A second
 * scanner with the field gate off (every pattern searched over the whole text, no windows) gives
 * the same JSON: the gate and its windows, walked ones included, only skip what cannot match. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan_internal.h"
#include "xgate/error.h"
#include "xgate/scan.h"

static xg_scanner *sc, *whole;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sc) {
        if (xg_scanner_new(&sc, NULL, NULL, NULL)) abort();
        scan_patterns_set_gate(0);
        if (xg_scanner_new(&whole, NULL, NULL, NULL)) abort();
        scan_patterns_set_gate(1);
    }
    json_t *docs = NULL, *ref = NULL;
    int rc = xg_scan_bytes(&docs, sc, "fuzz.txt", (const char *)data, size);
    if (xg_scan_bytes(&ref, whole, "fuzz.txt", (const char *)data, size) != rc) abort();
    if (rc == 0) {
        char *a = json_dumps(docs, JSON_SORT_KEYS | JSON_COMPACT);
        char *b = json_dumps(ref, JSON_SORT_KEYS | JSON_COMPACT);
        if (!a || !b || strcmp(a, b)) abort();
        free(a);
        free(b);
        json_decref(ref);
    }
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
