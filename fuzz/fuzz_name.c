/* Fuzz target: name analysis on arbitrary bytes — invalid UTF-8 must be XG_EUTF8, anything else
 * must analyse without crashing, as an organisation and as a person, and every token must be
 * non-empty text. The context (≈50 ms to load) is loaded once for the whole run. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/text.h"

static xg_text_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ctx && xg_text_ctx_load(&ctx, NULL) != 0) abort();
    xg_arena arena;
    xg_arena_init(&arena, 0);
    for (int flags = 0; flags <= XG_NAME_PERSON; flags++) {
        xg_name n;
        int rc = xg_name_analyse(&n, &arena, ctx, (const char *)data, size, flags);
        if (rc == XG_EUTF8 && !xg_utf8_valid((const char *)data, size)) continue;
        if (rc != 0) abort();
        for (size_t i = 0; i < n.ntokens; i++)
            if (!n.tokens[i].text || !*n.tokens[i].text) abort();
        if (strlen(n.original) > XG_NAME_MAX_BYTES) abort();
    }
    xg_arena_free(&arena);
    return 0;
}
