/*
 * alerts.c — what monitoring found, as a fact the decision must weigh: a customer with an open
 * monitor alert (a stored party of theirs hit a list entry added or changed since) gets REVIEW,
 * whatever the screening of this request found, until an analyst clears or confirms the alert.
 *
 * The open alerts are gathered from the store with the other facts (facts.c, "open_alerts");
 * this rule reads only the facts, so a replay over stored facts does not see alerts opened later.
 */
#include "policy/decide_internal.h"

#include <stdio.h>

int decide_open_alerts(dctx *d)
{
    size_t n = json_is_array(d->open_alerts) ? json_array_size(d->open_alerts) : 0;
    if (n) {
        char detail[256];
        snprintf(detail, sizeof detail,
                 "%zu open monitoring alert%s on this customer's parties (xgate alerts list)", n,
                 n == 1 ? "" : "s");
        reason_add(d, "open_monitor_alert", OUT_REVIEW, NULL, detail,
                   json_pack("{s:O}", "alerts", d->open_alerts));
    }
    return 0;
}
