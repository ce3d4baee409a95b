/*
 * fuzz_http_body.c — the checks every HTTP request body passes before a route sees it (UTF-8,
 * nesting depth, JSON parse, object), fed arbitrary bytes. Must never crash, leak or recurse
 * deeply, and must accept exactly the bodies jansson accepts as objects within the depth limit.
 */
#include <stddef.h>
#include <stdint.h>

#include "server/server_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = NULL;
    char msg[256];
    const char *code = body_parse(&j, (const char *)data, size, msg, sizeof msg);
    if (!code && !json_is_object(j)) __builtin_trap();
    if (code && j) __builtin_trap();
    json_decref(j);
    return 0;
}
