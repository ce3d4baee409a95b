/* Fuzz the decision request parser (dreq_parse: JSON shape, countries, regions, owners,
 * intermediaries, dates, IP addresses), the ownership walk over whatever owners it accepts, and
 * the customers CSV importer. Policy data is loaded once from $XGATE_DATA or the bundled data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/engine.h"
#include "xgate/decide.h"
#include "xgate/store.h"

static xg_policy_set *P;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!P && xg_policy_load(&P, NULL)) abort();
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (j) {
        xg_arena a;
        xg_arena_init(&a, 4096);
        dreq r;
        if (dreq_parse(&r, &a, j, P, NULL, NULL, NULL) == 0) {
            own_graph g;
            if (own_build(&g, &a, &r, NULL, 12) == 0) own_free(&g);
            json_decref(r.json);
        }
        xg_arena_free(&a);
        json_decref(j);
    }
    json_t *customers;
    if (xg_customers_parse_csv(&customers, (const char *)data, size, "fuzz.csv") == 0)
        json_decref(customers);
    return 0;
}
