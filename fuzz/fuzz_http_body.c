/*
 * fuzz_http_body.c — the checks every HTTP request body passes before a route sees it (UTF-8,
 * nesting depth, JSON parse, object), fed arbitrary bytes. Must never crash, leak or recurse
 * deeply, and must accept exactly the bodies jansson accepts as objects within the depth limit:
 * body_parse parses the common bodies itself, so each answer is compared with json_loadb's (the
 * same tree with keys in the same order, or the same error message).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = NULL;
    char msg[256];
    const char *code = body_parse(&j, (const char *)data, size, msg, sizeof msg);
    if (!code && !json_is_object(j)) __builtin_trap();
    if (code && j) __builtin_trap();
    if (!code || !strcmp(code, "invalid_json")) { /* the parse itself: as json_loadb alone */
        json_error_t e;
        json_t *ref = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
        if (!code) {
            if (!ref || !json_equal(j, ref)) __builtin_trap();
            char *a = json_dumps(j, JSON_COMPACT), *b = json_dumps(ref, JSON_COMPACT);
            if (!a || !b || strcmp(a, b)) __builtin_trap();
            free(a);
            free(b);
        } else if (ref) {
            if (json_is_object(ref)) __builtin_trap();
        } else {
            char want[256];
            const char *text =
                strstr(e.text, "JSON_ALLOW_NUL") ? "\\u0000 is not allowed in strings" : e.text;
            snprintf(want, sizeof want, "line %d column %d: %s", e.line, e.column, text);
            if (strcmp(msg, want)) __builtin_trap();
        }
        json_decref(ref);
    }
    json_decref(j);
    return 0;
}
