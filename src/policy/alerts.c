/*
 * alerts.c — what monitoring found, as a fact the decision must weigh: a customer with an open
 * monitor alert (a stored party of theirs hit a list entry added or changed since) gets REVIEW,
 * whatever the screening of this request found, until an analyst clears or confirms the alert.
 *
 * Kept apart from the rules on purpose: it reads the store, and the decision engine is moving
 * to "gather facts, then a pure engine" — this function is one fact-gathering step to move there.
 */
#include "policy/decide_internal.h"

#include <stdio.h>

#include "xgate/store.h"

int decide_open_alerts(dctx *d)
{
    if (!d->ctx->store || !d->r.name) return 0;
    json_t *open;
    int rc = xg_store_alerts_open_for(&open, d->ctx->store, d->r.name);
    if (rc) return rc;
    size_t n = json_array_size(open);
    if (n) {
        char detail[256];
        snprintf(detail, sizeof detail,
                 "%zu open monitoring alert%s on this customer's parties (xgate alerts list)", n,
                 n == 1 ? "" : "s");
        reason_add(d, "open_monitor_alert", OUT_REVIEW, NULL, detail,
                   json_pack("{s:O}", "alerts", open));
    }
    json_decref(open);
    return 0;
}
