/* Fuzz target: the usage importers' reader (xgate CSV, JSONL, AWS CUR 2.0) and the account map.
 * Whatever the bytes: no crash, every line reaches the callback at most once and in order, a row
 * handed over has a customer and an item, no negative count or hours and no end before start,
 * and each row can be estimated against the catalog without harm. The first line break splits
 * the input into an account map and the usage file. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"
#include "xgate/usage.h"

static xg_catalog *cat;

typedef struct seen {
    long last_line;
} seen;

static int check(void *ud, const xg_usage_row *row, long line, const char *skipped,
                 const char *error)
{
    seen *s = ud;
    if (line <= s->last_line) abort();
    s->last_line = line;
    if (!row) {
        if (!skipped && !error) abort();
        return 0;
    }
    if (!row->customer || !row->item || !(row->count >= 0) || !(row->hours >= 0) ||
        row->end < row->start)
        abort();
    xg_usage_estimate e;
    if (xg_usage_estimate_item(&e, cat, row->item, row->count, row->hours) == 0 &&
        (!(e.peak_ops >= 0) || !e.eccn_class))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cat && xg_catalog_load(&cat, getenv("XGATE_DATA") ? getenv("XGATE_DATA") : "data"))
        abort();
    const char *text = (const char *)data;
    const char *nl = memchr(text, '\n', size);
    size_t split = nl ? (size_t)(nl - text) : 0;
    xg_usage_accounts *acc = NULL;
    if (split && xg_usage_accounts_parse(&acc, text, split, "accounts") != 0) acc = NULL;
    seen s = {0};
    xg_usage_parse_buf(text + (nl ? split + 1 : 0), size - (nl ? split + 1 : 0), "fuzz", acc, check,
                       &s);
    xg_usage_accounts_free(acc);
    return 0;
}
