/*
 * fuzz_server_freshness.c — the server's freshness-limits parser (data/lists/refresh_limits.tsv,
 * src/server/refresh.c) and the classification of a refusal reason into a metrics label, fed
 * arbitrary bytes. Must never crash or leak; a parsed table always has a default row, and every
 * reason maps to one of the fixed labels.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)freshness_parse((const char *)data, size, "fuzz");
    char *reason = malloc(size + 1);
    if (!reason) return 0;
    memcpy(reason, data, size);
    reason[size] = '\0';
    feed_fail_kind k = feed_fail_classify(reason);
    if (k >= FEED_FAIL_KINDS || !feed_fail_name(k)[0]) __builtin_trap();
    free(reason);
    return 0;
}
