/*
 * usage_rule.c — the compute-accounting rule of the decision (issue 14), kept apart from the
 * other conditions: a foreign customer whose high compute estimate over the last window (90 days
 * before the as-of date) is at or above the early-warning level of
 * data/policy/compute_thresholds.tsv gets the profile's outcome (REVIEW) for further 3A090/4A090
 * capacity. The customer's stored usage is gathered with the other facts (facts.c, "usage":
 * usage_rule_fact); the rule reads only the facts, so a replay over stored facts does not see
 * usage imported later.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "policy/decide_internal.h"
#include "policy/policy_internal.h"
#include "xgate/error.h"
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

const xg_usage_config *usage_rule_config(void)
{
    pthread_once(&config_once, config_load);
    return config;
}

int usage_rule_fact(json_t **out, xg_store *store, const dreq *r)
{
    *out = json_null();
    const xg_usage_config *cfg = usage_rule_config();
    const char *who = r->customer_id ? r->customer_id : r->name;
    double ops = 0;
    /* as before the facts: usage that cannot be read is no usage (the rule stays silent) */
    if (!cfg || !who || xg_usage_customer_ops(&ops, store, cfg, who, r->as_of)) return 0;
    json_decref(*out);
    *out = json_pack("{s:s,s:f,s:i,s:s}", "customer", who, "ops_high", ops, "window_days",
                     cfg->window_days, "to", r->as_of ? r->as_of : "");
    return *out ? 0 : xg_error_set(XG_ENOMEM, "facts: out of memory");
}

void usage_rule_apply(dctx *d)
{
    if (!d->compute || !json_is_object(d->usage) || !is_foreign(&d->r)) return;
    const pol_rule *row = pol_rule_for(d->pr, "usage_early_warning", d->delivery, d->r.as_of);
    if (!row || !strcmp(row->outcome, "OFF")) return;
    const xg_usage_threshold *ew = xg_usage_early_warning(usage_rule_config());
    if (!ew) return;
    const char *who = json_string_value(json_object_get(d->usage, "customer"));
    const json_t *ops_v = json_object_get(d->usage, "ops_high");
    const json_t *win_v = json_object_get(d->usage, "window_days");
    if (!who || !json_is_number(ops_v)) return;
    double ops = json_number_value(ops_v);
    int window_days = json_is_integer(win_v) ? (int)json_integer_value(win_v) : config->window_days;
    if (ops < ew->ops) return;
    char detail[600];
    snprintf(detail, sizeof detail,
             "foreign customer %s ran an estimated %.3g operations (high estimate) in the %d days "
             "to %s, at or above the early-warning level of %.3g (%s): further 3A090/4A090 "
             "capacity needs review",
             d->r.name ? d->r.name : who, ops, window_days, d->r.as_of, ew->ops, ew->key);
    int out = !strcmp(row->outcome, "DENY")               ? OUT_DENY
              : !strcmp(row->outcome, "LICENSE_REQUIRED") ? OUT_LICENSE
              : !strcmp(row->outcome, "REVIEW")           ? OUT_REVIEW
                                                          : OUT_ALLOW;
    reason_add(d, "usage_early_warning", out, row, detail,
               json_pack("{s:s,s:f,s:f,s:s,s:s,s:i}", "customer", who, "ops_high", ops, "threshold",
                         ew->ops, "threshold_key", ew->key, "threshold_citation", ew->citation,
                         "window_days", window_days));
}
