/*
 * usage_rule.c — the compute-accounting rule of the decision (issue 14), kept apart from the
 * other conditions: a foreign customer whose high compute estimate over the last window (90 days
 * before the as-of date) is at or above the early-warning level of
 * data/policy/compute_thresholds.tsv gets the profile's outcome (REVIEW) for further 3A090/4A090
 * capacity. One fact is gathered (the customer's stored usage) and one rule row applied, so the
 * function moves as a unit when decide is split into fact gathering and a pure engine.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "policy/decide_internal.h"
#include "policy/policy_internal.h"
#include "xgate/usage.h"

static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static xg_usage_config *config; /* loaded once from the bundled data; NULL when unreadable */

static void config_load(void)
{
    if (xg_usage_config_load(&config, NULL)) config = NULL;
}

static bool is_foreign(const dreq *r)
{
    return !r->country || strcmp(r->country, "US") ||
           (r->headquarters && strcmp(r->headquarters, "US"));
}

void usage_rule_apply(dctx *d)
{
    if (!d->compute || !d->ctx->store || !is_foreign(&d->r)) return;
    const pol_rule *row = pol_rule_for(d->pr, "usage_early_warning", d->delivery, d->r.as_of);
    if (!row || !strcmp(row->outcome, "OFF")) return;
    pthread_once(&config_once, config_load);
    const xg_usage_threshold *ew = xg_usage_early_warning(config);
    if (!ew) return;
    double ops = 0;
    const char *who = d->r.customer_id ? d->r.customer_id : d->r.name;
    if (!who || xg_usage_customer_ops(&ops, d->ctx->store, config, who, d->r.as_of) ||
        ops < ew->ops)
        return;
    char detail[600];
    snprintf(detail, sizeof detail,
             "foreign customer %s ran an estimated %.3g operations (high estimate) in the %d days "
             "to %s, at or above the early-warning level of %.3g (%s): further 3A090/4A090 "
             "capacity needs review",
             d->r.name ? d->r.name : who, ops, config->window_days, d->r.as_of, ew->ops, ew->key);
    int out = !strcmp(row->outcome, "DENY")               ? OUT_DENY
              : !strcmp(row->outcome, "LICENSE_REQUIRED") ? OUT_LICENSE
              : !strcmp(row->outcome, "REVIEW")           ? OUT_REVIEW
                                                          : OUT_ALLOW;
    reason_add(d, "usage_early_warning", out, row, detail,
               json_pack("{s:s,s:f,s:f,s:s,s:s,s:i}", "customer", who, "ops_high", ops, "threshold",
                         ew->ops, "threshold_key", ew->key, "threshold_citation", ew->citation,
                         "window_days", config->window_days));
}
