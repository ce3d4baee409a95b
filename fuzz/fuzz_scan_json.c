/* Fuzz target: JSON and JSON Lines portal records, scanned as documents named FILE#N. */
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
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    buf[0] = '[';
    memcpy(buf + 1, data, size);
    json_t *docs = NULL;
    if (xg_scan_bytes(&docs, sc, "fuzz.jsonl", buf, size + 1) == 0) json_decref(docs);
    if (xg_scan_bytes(&docs, sc, "fuzz.jsonl", buf + 1, size) == 0) json_decref(docs);
    free(buf);
    return 0;
}
