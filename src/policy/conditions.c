/*
 * conditions.c — the conditions of issue 4's table, each turned into cited reasons.
 *
 * What a condition yields is not decided here: every condition asks the profile (a data file) for
 * its row in force on the as-of date and for the delivery (a chip shipped, compute rented, a model
 * served), so a profile or a date changes outcomes without a rebuild. What is decided here is when
 * a condition holds, and what evidence the analyst sees: the party, the list entry and score, the
 * country-group row, the aggregate ownership, the license that covers it.
 */
#include "policy/decide_internal.h"
#include "policy/facts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xgate/error.h"

/* The one table of outcome names; the engine's OUT_* are the public XG_OUTCOME_*. */
_Static_assert((int)OUT_ALLOW == (int)XG_OUTCOME_ALLOW &&
                   (int)OUT_REVIEW == (int)XG_OUTCOME_REVIEW &&
                   (int)OUT_LICENSE == (int)XG_OUTCOME_LICENSE_REQUIRED &&
                   (int)OUT_DENY == (int)XG_OUTCOME_DENY,
               "OUT_* and XG_OUTCOME_* must agree");
static const char *const outcome_names[XG_OUTCOME_COUNT] = {"ALLOW", "REVIEW", "LICENSE_REQUIRED",
                                                            "DENY"};

const char *xg_outcome_name(int outcome)
{
    return outcome >= 0 && outcome < XG_OUTCOME_COUNT ? outcome_names[outcome] : NULL;
}

int xg_outcome_parse(const char *name)
{
    for (int i = 0; name && i < XG_OUTCOME_COUNT; i++)
        if (!strcmp(name, outcome_names[i])) return i;
    return -1;
}

double pct(double share)
{
    return round(share * 1e8) / 1e6;
}

static int outcome_of(const char *s)
{
    if (!strcmp(s, "DENY")) return OUT_DENY;
    if (!strcmp(s, "LICENSE_REQUIRED")) return OUT_LICENSE;
    if (!strcmp(s, "REVIEW")) return OUT_REVIEW;
    return OUT_ALLOW;
}

void reason_add(dctx *d, const char *rule, int outcome, const pol_rule *row, const char *detail,
                json_t *evidence)
{
    const char *citation = d->cite ? d->cite : row ? row->citation : "";
    json_t *r = json_pack("{s:s,s:s,s:s,s:s,s:o}", "rule", rule, "outcome",
                          xg_outcome_name(outcome), "citation", citation, "detail", detail,
                          "evidence", evidence ? evidence : json_object());
    if (row && row->text && *row->text) json_object_set_new(r, "rule_text", json_string(row->text));
    if (row && !row->confirmed) json_object_set_new(r, "unconfirmed", json_true());
    json_array_append_new(d->reasons, r);
    if (outcome > d->outcome) d->outcome = outcome;
}

/* ---- license review policy and licenses on file ---- */

static bool located_or_hq_d5(dctx *d)
{
    const char *as_of = d->r.as_of;
    const char *up =
        d->g.ultimate_parent >= 0 ? d->g.nodes[d->g.ultimate_parent].headquarters : NULL;
    return pol_scope_reaches(d->p, "compute_headquarters", d->r.country, as_of, NULL, NULL) ||
           pol_scope_reaches(d->p, "compute_headquarters", d->r.headquarters, as_of, NULL, NULL) ||
           pol_scope_reaches(d->p, "compute_headquarters", up, as_of, NULL, NULL);
}

static const pol_license_policy *review_policy(dctx *d, const char *rule)
{
    const char *as_of = d->r.as_of;
    const pol_license_policy *lp = NULL;
    if (!strncmp(rule, "entity", 6)) lp = pol_license_policy_for(d->p, "entity_list", as_of);
    if (!strcmp(rule, "sku_overlay")) lp = pol_license_policy_for(d->p, "sku_letter", as_of);
    if (!lp && !strcmp(rule, "compute_located") && d->cls->jan2026_class &&
        pol_scope_reaches(d->p, "jan2026_case_by_case", d->r.country, as_of, NULL, NULL))
        lp = pol_license_policy_for(d->p, "jan2026_case_by_case", as_of);
    if (!lp && located_or_hq_d5(d))
        lp = pol_license_policy_for(d->p, "d5_presumption_denial", as_of);
    if (!lp) lp = pol_license_policy_for(d->p, "d1_d4_case_by_case", as_of);
    return lp;
}

static bool str_in_array(const json_t *arr, const char *s)
{
    size_t i;
    const json_t *v;
    if (!s) return false;
    json_array_foreach(arr, i, v) if (json_is_string(v) &&
                                      (!strcasecmp(json_string_value(v), s) ||
                                       !strcmp(json_string_value(v), "*"))) return true;
    return false;
}

/* A license naming an ECCN covers the paragraphs under it: "3A090" covers 3A090.a and 3A090.b,
 * "3A090.a" covers 3A090.a.1. */
static bool eccn_covered(const json_t *arr, const char *eccn)
{
    size_t i;
    const json_t *v;
    if (!eccn) return false;
    json_array_foreach(arr, i, v)
    {
        const char *e = json_string_value(v);
        size_t n = e ? strlen(e) : 0;
        if (n >= 5 && !strncasecmp(e, eccn, n) && (!eccn[n] || eccn[n] == '.')) return true;
    }
    return false;
}

static const json_t *license_covering(dctx *d)
{
    size_t i;
    const json_t *l;
    json_array_foreach(d->licenses, i, l)
    {
        const char *from = json_string_value(json_object_get(l, "valid_from"));
        const char *to = json_string_value(json_object_get(l, "valid_to"));
        if (!facts_license_party(l, d->r.name, d->r.customer_id)) continue;
        const json_t *items = json_object_get(l, "items");
        if (!str_in_array(items, d->r.item) && !str_in_array(items, d->cls->canonical) &&
            !eccn_covered(items, d->cls->eccn))
            continue;
        const json_t *dest = json_object_get(l, "destinations");
        if (!str_in_array(dest, d->r.country) &&
            !str_in_array(dest, pol_treated_as(d->p, d->r.country ? d->r.country : "", d->r.as_of)))
            continue;
        if ((from && strcmp(d->r.as_of, from) < 0) || (to && strcmp(d->r.as_of, to) > 0)) continue;
        return l;
    }
    return NULL;
}

/* Apply one rule of the profile: resolve its outcome for this request, convert
 * LICENSE_REQUIRED covered by a license on file, and add the reason. */
static void apply(dctx *d, const char *rule, const char *detail, json_t *evidence)
{
    const pol_rule *row = pol_rule_for(d->pr, rule, d->delivery, d->r.as_of);
    if (!row || !strcmp(row->outcome, "OFF")) {
        json_decref(evidence);
        return;
    }
    int out = outcome_of(row->outcome);
    xg_arena *a = &d->arena;
    if (!strcmp(row->outcome, "REVIEW_IF_TRAINING")) {
        bool training = d->r.end_use && !strcmp(d->r.end_use, "training");
        out = training ? OUT_REVIEW : OUT_ALLOW;
        detail = xg_arena_printf(a, "%s; %s", detail,
                                 training ? "end use is training: a red flag"
                                          : "end use is not training: allowed, noted");
    } else if (!strcmp(row->outcome, "ALLOW_NOTED")) {
        detail = xg_arena_printf(a, "%s (allowed under this profile, noted)", detail);
    }
    if (out == OUT_LICENSE) {
        const pol_license_policy *lp = review_policy(d, rule);
        if (lp)
            json_object_set_new(evidence, "review_policy",
                                json_pack("{s:s,s:s,s:s,s:b}", "policy", lp->id, "text", lp->text,
                                          "citation", lp->citation, "confirmed", lp->confirmed));
        detail = xg_arena_printf(a, "%s; license review policy: %s", detail,
                                 lp ? lp->text : "not stated in the policy data");
        const json_t *lic = license_covering(d);
        const pol_rule *lrow = pol_rule_for(d->pr, "license_on_file", d->delivery, d->r.as_of);
        if (lic && lrow) {
            json_object_set(evidence, "license", (json_t *)lic);
            detail = xg_arena_printf(a, "%s; license %s on file covers party, item and destination",
                                     detail, json_string_value(json_object_get(lic, "number")));
            reason_add(d, rule, OUT_ALLOW, row, detail, evidence);
            reason_add(d, "license_on_file", outcome_of(lrow->outcome), lrow,
                       "LICENSE_REQUIRED becomes ALLOW under the license on file",
                       json_pack("{s:O}", "license", lic));
            return;
        }
    }
    reason_add(d, rule, out, row, detail, evidence);
}

/* ---- listed parties ---- */

/* The evidence of a reason names each hit (list, id, listed name, what matched, score); the full
 * match with its explanation stays with the party, so the reasons stay readable. */
static json_t *hit_json(const json_t *m)
{
    json_t *h = json_object();
    const char *keys[] = {"list", "id", "name", "matched", "score"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        json_object_set(h, keys[k], json_object_get(m, keys[k]));
    return h;
}

static json_t *hits_of(const dparty *pt, const char *category)
{
    json_t *hits = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(pt->screening, i, m)
    {
        if (category && strcmp(json_string_value(json_object_get(m, "category")), category))
            continue;
        json_array_append_new(hits, hit_json(m));
    }
    return hits;
}

static void listed_parties(dctx *d)
{
    char detail[1024];
    for (size_t i = 0; i < d->nparties; i++) {
        dparty *pt = &d->parties[i];
        /* Owners are not parties to the transaction: their listings count through the 50 %
         * rules (sdn_owned, entity_affiliate) and, below those, as red flags. */
        if (!pt->is_party || pt->node > 0) continue;
        if (pt->sdn) {
            snprintf(detail, sizeof detail, "%s %s is on the OFAC SDN list", pt->role, pt->name);
            apply(d, "sdn_listed", detail,
                  json_pack("{s:s,s:s,s:o}", "party", pt->name, "role", pt->role, "matches",
                            hits_of(pt, "sdn")));
        }
        if (pt->entity) {
            snprintf(detail, sizeof detail, "%s %s is on the Entity List", pt->role, pt->name);
            apply(d, "entity_listed", detail,
                  json_pack("{s:s,s:s,s:o}", "party", pt->name, "role", pt->role, "matches",
                            hits_of(pt, "entity")));
        }
        size_t k;
        json_t *m;
        json_array_foreach(pt->screening, k, m)
        {
            if (strcmp(json_string_value(json_object_get(m, "category")), "other")) continue;
            const char *list = json_string_value(json_object_get(m, "list"));
            const pol_list_effect *e = pol_list_effect_for(d->p, list);
            const pol_rule *row = pol_rule_for(d->pr, "other_listed", d->delivery, d->r.as_of);
            if (!row || !e || !strcmp(row->outcome, "OFF")) continue;
            int out = outcome_of(e->outcome[d->profile_index < 0 ? 2 : d->profile_index]);
            snprintf(detail, sizeof detail, "%s %s is on the %s list (%s)", pt->role, pt->name,
                     list, e->note[0] ? e->note : e->citation);
            pol_rule cited = *row;
            cited.citation = e->citation;
            reason_add(d, "other_listed", out, &cited, detail,
                       json_pack("{s:s,s:s,s:o}", "party", pt->name, "role", pt->role, "match",
                                 hit_json(m)));
        }
    }
}

/* ---- ownership aggregates ---- */

static bool pred_sdn(const own_node *n, void *ctx)
{
    return n->user && ((dparty *)n->user)->sdn;
}

static bool pred_entity(const own_node *n, void *ctx)
{
    return n->user && ((dparty *)n->user)->entity;
}

static bool pred_unsupported(const own_node *n, void *ctx)
{
    const xg_classification *cls = ctx;
    const char *hq = n->headquarters ? n->headquarters : n->country;
    for (size_t i = 0; hq && i < cls->nunsupported_regions; i++)
        if (!strcmp(cls->unsupported_regions[i], hq)) return true;
    return false;
}

static json_t *holders(const dctx *d, own_pred pred, void *ctx)
{
    json_t *a = json_array();
    for (size_t i = 1; i < d->g.nnodes; i++)
        if (pred(&d->g.nodes[i], ctx))
            json_array_append_new(a, json_pack("{s:s,s:f}", "name", d->g.nodes[i].name,
                                               "share_percent", pct(d->g.nodes[i].share)));
    return a;
}

static void owned_by(dctx *d, const char *rule, own_pred pred, void *ctx, double threshold,
                     const char *what)
{
    if (pred(&d->g.nodes[0], ctx)) return; /* the customer itself: the listed-party rule */
    bool controlled = false;
    double share = own_share_held(&d->g, pred, ctx, threshold, &controlled);
    if (share + 1e-9 < threshold && !controlled) return;
    char detail[512];
    snprintf(detail, sizeof detail,
             "%s is %.1f %% owned (directly and indirectly, in aggregate) by %s%s", d->r.name,
             100 * share, what,
             controlled && share + 1e-9 < threshold
                 ? "; counted as owned through an entity they own 50 % or more"
                 : "");
    apply(d, rule, detail,
          json_pack("{s:f,s:b,s:f,s:o}", "aggregate_percent", pct(share), "controlled_via_majority",
                    controlled, "threshold_percent", pct(threshold), "owners",
                    holders(d, pred, ctx)));
}

/* ---- places ---- */

static void embargo(dctx *d)
{
    const char *as_of = d->r.as_of;
    const pol_embargo *e = pol_embargoed(d->p, d->r.country, as_of);
    if (!e) e = pol_embargoed(d->p, d->r.region, as_of);
    char detail[512];
    if (e) {
        snprintf(detail, sizeof detail, "customer %s is located in %s (%s)", d->r.name, e->name,
                 e->code);
        apply(
            d, "embargo_located", detail,
            json_pack("{s:s,s:s,s:s}", "code", e->code, "citation", e->citation, "note", e->note));
    }
    for (size_t i = 0; i < d->r.nintermediaries; i++) {
        const pol_embargo *ie = pol_embargoed(d->p, d->r.intermediaries[i].country, as_of);
        if (!ie) continue;
        snprintf(detail, sizeof detail, "intermediary %s is located in %s (%s)",
                 d->r.intermediaries[i].name, ie->name, ie->code);
        apply(d, "embargo_located", detail,
              json_pack("{s:s,s:s}", "code", ie->code, "citation", ie->citation));
    }
    if (e) return;
    const char *what[] = {"access comes from", "payment comes from", "access comes from region"};
    const char *codes[] = {d->source_country, d->r.payment_country, d->r.source_region};
    for (int i = 0; i < 3; i++) {
        const pol_embargo *x = pol_embargoed(d->p, codes[i], as_of);
        if (!x) continue;
        snprintf(detail, sizeof detail, "%s %s (%s) while the customer is located in %s", what[i],
                 x->name, x->code, d->r.country ? d->r.country : "an undeclared country");
        apply(d, "embargo_access", detail,
              json_pack("{s:s,s:s}", "code", x->code, "citation", x->citation));
    }
}

static json_t *group_evidence(const char *scope, const pol_scope *s, const char *why,
                              const char *country, const char *whose)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s}", "scope", scope, "country", country, "whose", whose,
                     "group", why ? why : "", "citation", s ? s->citation : "");
}

static void compute_rules(dctx *d)
{
    if (!d->compute) return;
    const char *as_of = d->r.as_of, *why = NULL;
    const pol_scope *s = NULL;
    char detail[512];
    const char *eccn = d->cls->eccn;
    bool located = pol_scope_reaches(d->p, "compute_located", d->r.country, as_of, &s, &why);
    if (located) {
        snprintf(detail, sizeof detail, "%s (%s) for %s, located in %s (%s)", d->cls->canonical,
                 eccn, d->r.name, d->r.country, why);
        apply(d, "compute_located", detail,
              group_evidence("compute_located", s, why, d->r.country, "customer location"));
        return;
    }
    if (!d->cls->datacenter) {
        snprintf(detail, sizeof detail,
                 "%s is not designed or marketed for datacenters: the "
                 "headquarters rule does not reach it outside D:1/D:4/D:5 and Macau",
                 d->cls->canonical);
        reason_add(d, "compute_headquarters", OUT_ALLOW,
                   pol_rule_for(d->pr, "compute_headquarters", d->delivery, as_of), detail,
                   json_pack("{s:s,s:b}", "eccn", eccn, "nac_eligible", d->cls->nac_eligible));
        return;
    }
    if (d->r.country && !strcmp(d->r.country, "US")) return; /* the rule applies outside the US */
    const char *up =
        d->g.ultimate_parent >= 0 ? d->g.nodes[d->g.ultimate_parent].headquarters : NULL;
    const char *cands[] = {d->r.headquarters, up};
    const char *whose[] = {"customer headquarters", "ultimate parent headquarters"};
    for (int i = 0; i < 2; i++) {
        if (!pol_scope_reaches(d->p, "compute_headquarters", cands[i], as_of, &s, &why)) continue;
        snprintf(detail, sizeof detail, "%s (%s) for %s, located in %s, %s in %s (%s)",
                 d->cls->canonical, eccn, d->r.name, d->r.country ? d->r.country : "?",
                 i ? "whose ultimate parent is headquartered" : "headquartered", cands[i], why);
        apply(d, "compute_headquarters", detail,
              group_evidence("compute_headquarters", s, why, cands[i], whose[i]));
        return;
    }
}

static void sku_overlay(dctx *d)
{
    if (!d->cls->noverlays) return;
    const char *up =
        d->g.ultimate_parent >= 0 ? d->g.nodes[d->g.ultimate_parent].headquarters : NULL;
    const char *cands[] = {d->r.country, d->r.headquarters, up};
    const char *whose[] = {"located", "headquartered", "ultimate parent headquartered"};
    const pol_scope *s;
    const char *why;
    for (int i = 0; i < 3; i++) {
        if (!pol_scope_reaches(d->p, "sku_overlay", cands[i], d->r.as_of, &s, &why)) continue;
        char detail[512];
        snprintf(detail, sizeof detail, "%s is under the %s overlay; %s %s in %s (%s)",
                 d->cls->canonical, d->cls->overlays[0], d->r.name, whose[i], cands[i], why);
        json_t *ov = json_array();
        for (size_t k = 0; k < d->cls->noverlays; k++)
            json_array_append_new(ov, json_string(d->cls->overlays[k]));
        json_t *ev = group_evidence("sku_overlay", s, why, cands[i], whose[i]);
        json_object_set_new(ev, "overlays", ov);
        apply(d, "sku_overlay", detail, ev);
        return;
    }
}

static bool unsupported(const xg_classification *cls, const char *c)
{
    for (size_t i = 0; c && i < cls->nunsupported_regions; i++)
        if (!strcmp(cls->unsupported_regions[i], c)) return true;
    return false;
}

/* The provider's own published terms, from the catalog entry, cite a model_region reason. */
static const char *provider_citation(dctx *d)
{
    const json_t *src = json_object_get(d->cls->json, "sources"), *v;
    size_t i;
    xg_buf b;
    xg_buf_init(&b);
    json_array_foreach(src, i,
                       v) if (json_is_string(v) && !strstr(json_string_value(v), "RULES.md"))
    {
        if (b.len) xg_buf_puts(&b, "; ");
        xg_buf_puts(&b, json_string_value(v));
    }
    const char *out = b.len ? xg_arena_strdup(&d->arena, b.data) : NULL;
    xg_buf_free(&b);
    return out;
}

static void model_region_check(dctx *d);

static void model_region(dctx *d)
{
    if (d->cls->kind != XG_ITEM_MODEL) return;
    const pol_rule *row = pol_rule_for(d->pr, "model_region", d->delivery, d->r.as_of);
    /* provider rows cite the provider's terms; the ear/remote-access rows say why they are not law
     */
    if (row && !strcmp(row->outcome, "DENY")) d->cite = provider_citation(d);
    model_region_check(d);
    d->cite = NULL;
}

static void model_region_check(dctx *d)
{
    const xg_classification *cls = d->cls;
    char detail[512];
    const char *prov = cls->provider ? cls->provider : "the provider";
    const char *where[] = {d->r.country, d->source_country};
    const char *what[] = {"is located in", "accesses from"};
    for (int i = 0; i < 2; i++) {
        if (!unsupported(cls, where[i])) continue;
        snprintf(detail, sizeof detail, "%s %s %s, a region %s does not serve", d->r.name, what[i],
                 where[i], prov);
        apply(d, "model_region", detail,
              json_pack("{s:s,s:s}", "provider", prov, "country", where[i]));
        return;
    }
    if (!cls->ownership_rule) return;
    double limit = pol_setting_num(d->p, "provider_owned_percent", 50) / 100.0;
    bool controlled = false;
    double share = own_share_held(&d->g, pred_unsupported, (void *)cls, limit + 1e-6, &controlled);
    if (share <= limit + 1e-9 && !controlled) return;
    snprintf(detail, sizeof detail,
             "%s is %.1f %% owned (directly and indirectly, in aggregate) by "
             "companies headquartered in regions %s does not serve (more than %.0f %%)",
             d->r.name, 100 * share, prov, 100 * limit);
    apply(d, "model_region", detail,
          json_pack("{s:s,s:f,s:b,s:o}", "provider", prov, "aggregate_percent", pct(share),
                    "controlled_via_majority", controlled, "owners",
                    holders(d, pred_unsupported, (void *)cls)));
}

/* ---- red flags ---- */

static void red_flag(dctx *d, const char *detail, json_t *ev)
{
    apply(d, "red_flag", detail, ev);
}

static void red_flags(dctx *d)
{
    char detail[700];
    double margin = pol_setting_num(d->p, "near_miss_margin", 0.08);
    for (size_t i = 0; i < d->nparties; i++) {
        dparty *pt = &d->parties[i];
        if (!pt->is_party || json_array_size(pt->screening) || pt->near_miss <= 0 ||
            pt->near_miss + margin < d->threshold)
            continue;
        snprintf(detail, sizeof detail,
                 "near match: %s %s scores %.3f against '%s', just under "
                 "the alert threshold %.2f",
                 pt->role, pt->name, pt->near_miss, pt->near_miss_name ? pt->near_miss_name : "?",
                 d->threshold);
        red_flag(d, detail,
                 json_pack("{s:s,s:f,s:s,s:f}", "party", pt->name, "score", pt->near_miss,
                           "candidate", pt->near_miss_name ? pt->near_miss_name : "", "threshold",
                           d->threshold));
    }
    for (size_t i = 0; i < d->r.nintermediaries; i++) {
        const dreq_party *ip = &d->r.intermediaries[i];
        if (!ip->names_end_user_given || ip->names_end_user) continue;
        snprintf(detail, sizeof detail, "intermediary %s will not name its end user", ip->name);
        red_flag(d, detail, json_pack("{s:s,s:b}", "intermediary", ip->name, "names_end_user", 0));
    }
    const char *c[] = {d->r.country, d->source_country, d->r.payment_country};
    const char *label[] = {"declared", "source", "payment"};
    bool differ = false;
    for (int i = 0; i < 3; i++)
        for (int k = i + 1; k < 3; k++)
            differ |= c[i] && c[k] && strcmp(c[i], c[k]);
    if (differ) {
        snprintf(detail, sizeof detail,
                 "countries disagree: declared %s, source %s (%s), payment %s", c[0] ? c[0] : "-",
                 c[1] ? c[1] : "-", d->source_country_from ? d->source_country_from : "-",
                 c[2] ? c[2] : "-");
        json_t *ev = json_object();
        for (int i = 0; i < 3; i++)
            json_object_set_new(ev, label[i], c[i] ? json_string(c[i]) : json_null());
        red_flag(d, detail, ev);
    }
    if (d->r.registered && !d->r.verified) {
        snprintf(detail, sizeof detail, "customer record %s is %s", d->r.customer_id,
                 d->r.verification ? d->r.verification : "unverified");
        red_flag(d, detail, json_pack("{s:s}", "customer_id", d->r.customer_id));
    }
    if (json_array_size(d->g.cycles)) {
        red_flag(d, "ownership cycle: the ownership chain loops back on itself",
                 json_pack("{s:O}", "cycles", d->g.cycles));
    }
    for (size_t i = 0; i < d->nparties; i++) {
        dparty *pt = &d->parties[i];
        if (pt->node <= 0 || !pt->is_party || !json_array_size(pt->screening)) continue;
        const own_node *n = &d->g.nodes[pt->node];
        if (n->share_known)
            snprintf(detail, sizeof detail, "%s %s, holding %.1f %% of %s, is listed (%s)",
                     pt->role, pt->name, 100 * n->share, d->r.name,
                     json_string_value(json_object_get(json_array_get(pt->screening, 0), "list")));
        else
            snprintf(detail, sizeof detail, "%s %s, holding an unknown share of %s, is listed (%s)",
                     pt->role, pt->name, d->r.name,
                     json_string_value(json_object_get(json_array_get(pt->screening, 0), "list")));
        red_flag(d, detail,
                 json_pack("{s:s,s:s,s:o}", "owner", pt->name, "role", pt->role, "matches",
                           hits_of(pt, NULL)));
    }
    if (d->cls->undetermined) {
        red_flag(d, "the item's classification is undetermined (figures missing in the catalog)",
                 json_pack("{s:s}", "item", d->cls->canonical));
    }
}

int rules_apply(dctx *d)
{
    double control = pol_setting_num(d->p, "control_percent", 50) / 100.0;
    listed_parties(d);
    owned_by(d, "sdn_owned", pred_sdn, NULL, control, "SDN parties");
    owned_by(d, "entity_affiliate", pred_entity, NULL, control, "Entity List parties");
    embargo(d);
    compute_rules(d);
    sku_overlay(d);
    model_region(d);
    red_flags(d);
    usage_rule_apply(d); /* usage_rule.c: compute accounting (issue 14) */
    return XG_OK;
}
