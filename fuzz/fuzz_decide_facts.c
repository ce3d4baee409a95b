/* Fuzz what a replay reads back from a decision row: the stored facts (docs/decide-facts.md). The
 * input is taken as a facts value; the request parser merges its customer record, the ownership
 * walk reads its edges, the diff compares it with empty facts and with itself. A row's facts are
 * chained, but a replay must not trust their shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/facts.h"
#include "xgate/decide.h"

static xg_policy_set *P;
static json_t *REQ;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!P && xg_policy_load(&P, NULL)) abort();
    if (!REQ)
        REQ = json_loads("{\"customer\":{\"id\":\"c-1\",\"name\":\"Fuzz Customer Ltd\"},"
                         "\"resource\":{\"item\":\"H100\"}}",
                         0, NULL);
    json_t *facts = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!facts) return 0;
    xg_arena a;
    xg_arena_init(&a, 4096);
    dreq r;
    const json_t *record = json_object_get(facts, "customer");
    if (dreq_parse(&r, &a, REQ, P, json_is_object(record) ? record : NULL, NULL, "2026-11-22") ==
        0) {
        own_source src = facts_ownership_source(facts);
        own_graph g;
        if (own_build(&g, &a, &r, &src, 12) == 0) own_free(&g);
        json_decref(r.json);
    }
    xg_arena_free(&a);
    json_t *empty = facts_empty(), *d;
    if (facts_diff(&d, empty, facts) == 0) json_decref(d);
    if (facts_diff(&d, facts, empty) == 0) json_decref(d);
    if (facts_diff(&d, facts, facts) == 0) json_decref(d);
    free(facts_canonical(facts));
    json_decref(empty);
    json_decref(facts);
    return 0;
}
