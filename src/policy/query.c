/*
 * query.c — questions the engine asks of the loaded policy data, all answered as of a date:
 * group membership (with Hong Kong counted as China), destination scopes, embargoes, list effects,
 * license review policies, profile rules and settings. Linear scans: the tables hold a few hundred
 * rows, which is faster than any index would be to build.
 */
#include "policy/policy_internal.h"

#include <jansson.h>

#include <stdlib.h>
#include <string.h>

bool pol_in_force(const pol_dated *d, const char *as_of)
{
    if (*d->from && strcmp(as_of, d->from) < 0) return false;
    if (*d->to && strcmp(as_of, d->to) > 0) return false;
    return true;
}

const char *pol_treated_as(const xg_policy_set *p, const char *country, const char *as_of)
{
    for (size_t i = 0; i < p->naliases; i++)
        if (!strcmp(p->aliases[i].country, country) && pol_in_force(&p->aliases[i].when, as_of))
            return p->aliases[i].treated_as;
    return country;
}

static bool in_group_exact(const xg_policy_set *p, const char *group, const char *country,
                           const char *as_of, const pol_group_row **row_out)
{
    /* the country first, by its first byte: most rows differ there, while most share the group
     * name's first bytes ("D:1", "D:4", "D:5"); this scan is most of rules_apply's time */
    for (size_t i = 0; i < p->ngroups; i++) {
        const pol_group_row *g = &p->groups[i];
        if (g->country[0] == country[0] && !strcmp(g->country, country) &&
            !strcmp(g->group, group) && pol_in_force(&g->when, as_of)) {
            if (row_out) *row_out = g;
            return true;
        }
    }
    return false;
}

bool pol_in_group(const xg_policy_set *p, const char *group, const char *country, const char *as_of,
                  const pol_group_row **row_out)
{
    if (!country || !*country) return false;
    if (in_group_exact(p, group, country, as_of, row_out)) return true;
    const char *as = pol_treated_as(p, country, as_of);
    return as != country && in_group_exact(p, group, as, as_of, row_out);
}

/* A scope term is a group name (has a ':' or is upper-case and longer than 2) or an ISO-2 code. */
static bool term_reaches(const xg_policy_set *p, const char *term, size_t n, const char *country,
                         const char *as_of)
{
    char t[32];
    if (n >= sizeof t) return false;
    memcpy(t, term, n);
    t[n] = '\0';
    if (n == 2) return !strcmp(t, country) || !strcmp(t, pol_treated_as(p, country, as_of));
    return pol_in_group(p, t, country, as_of, NULL);
}

static const char *list_reaches(const xg_policy_set *p, const char *list, const char *country,
                                const char *as_of)
{
    for (const char *s = list; *s;) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n && term_reaches(p, s, n, country, as_of))
            return s; /* points at the term (space-terminated) */
        s += n;
    }
    return NULL;
}

/* Every include term that reaches the country, comma separated (thread-local buffer). */
static const char *terms_reaching(const xg_policy_set *p, const char *list, const char *country,
                                  const char *as_of)
{
    static _Thread_local char out[128];
    size_t len = 0;
    out[0] = '\0';
    for (const char *s = list; *s;) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n && term_reaches(p, s, n, country, as_of) && len + n + 3 < sizeof out) {
            if (len) out[len++] = ',', out[len++] = ' ';
            memcpy(out + len, s, n);
            out[len += n] = '\0';
        }
        s += n;
    }
    return out;
}

bool pol_scope_reaches(const xg_policy_set *p, const char *scope, const char *country,
                       const char *as_of, const pol_scope **scope_out, const char **why)
{
    if (!country || !*country) return false;
    for (size_t i = 0; i < p->nscopes; i++) {
        const pol_scope *s = &p->scopes[i];
        if (strcmp(s->scope, scope) || !pol_in_force(&s->when, as_of)) continue;
        const char *hit = list_reaches(p, s->include, country, as_of);
        if (!hit || list_reaches(p, s->exclude, country, as_of)) return false;
        if (scope_out) *scope_out = s;
        if (why) *why = terms_reaching(p, s->include, country, as_of);
        return true;
    }
    return false;
}

const pol_embargo *pol_embargoed(const xg_policy_set *p, const char *code, const char *as_of)
{
    if (!code || !*code) return NULL;
    for (size_t i = 0; i < p->nembargoes; i++)
        if (!strcmp(p->embargoes[i].code, code) && pol_in_force(&p->embargoes[i].when, as_of))
            return &p->embargoes[i];
    return NULL;
}

const pol_list_effect *pol_list_effect_for(const xg_policy_set *p, const char *source_code)
{
    const pol_list_effect *any = NULL;
    for (size_t i = 0; i < p->neffects; i++) {
        if (source_code && !strcmp(p->effects[i].source, source_code)) return &p->effects[i];
        if (!strcmp(p->effects[i].source, "*")) any = &p->effects[i];
    }
    return any;
}

const pol_license_policy *pol_license_policy_for(const xg_policy_set *p, const char *id,
                                                 const char *as_of)
{
    for (size_t i = 0; i < p->nlicense_policies; i++)
        if (!strcmp(p->license_policies[i].id, id) &&
            pol_in_force(&p->license_policies[i].when, as_of))
            return &p->license_policies[i];
    return NULL;
}

const pol_profile *pol_profile_find(const xg_policy_set *p, const char *name)
{
    for (size_t i = 0; i < p->nprofiles; i++)
        if (!strcmp(p->profiles[i].name, name)) return &p->profiles[i];
    return NULL;
}

const pol_rule *pol_rule_for(const pol_profile *pr, const char *rule, const char *delivery,
                             const char *as_of)
{
    for (size_t i = 0; i < pr->nrules; i++) {
        const pol_rule *r = &pr->rules[i];
        if (strcmp(r->rule, rule) || !pol_in_force(&r->when, as_of)) continue;
        if (!strcmp(r->applies_to, "any") || !strcmp(r->applies_to, delivery)) return r;
    }
    return NULL;
}

int pol_profile_index(const char *name)
{
    const char *names[] = {"ear", "remote-access", "provider"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, names[i])) return i;
    return -1;
}

const char *pol_setting_str(const xg_policy_set *p, const char *key, const char *dflt)
{
    for (size_t i = 0; i < p->nsettings; i++)
        if (!strcmp(p->settings[i].key, key)) return p->settings[i].value;
    return dflt;
}

double pol_setting_num(const xg_policy_set *p, const char *key, double dflt)
{
    const char *v = pol_setting_str(p, key, NULL);
    if (!v) return dflt;
    char *end;
    double d = strtod(v, &end);
    return end != v && !*end ? d : dflt;
}

int xg_policy_has_profile(const xg_policy_set *p, const char *name)
{
    return name && pol_profile_find(p, name) != NULL;
}

static json_t *dated(const pol_dated *d)
{
    return *d->from || *d->to
               ? json_pack("{s:o,s:o}", "from", *d->from ? json_string(d->from) : json_null(), "to",
                           *d->to ? json_string(d->to) : json_null())
               : json_pack("{s:n,s:n}", "from", "to");
}

int xg_policy_profiles_json(json_t **out, const xg_policy_set *p)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < p->nprofiles; i++) {
        const pol_profile *pr = &p->profiles[i];
        json_t *rules = json_array();
        for (size_t k = 0; k < pr->nrules; k++) {
            const pol_rule *r = &pr->rules[k];
            json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:s,s:s}", "rule", r->rule, "applies_to",
                                  r->applies_to, "outcome", r->outcome, "confirmed", r->confirmed,
                                  "citation", r->citation, "text", r->text);
            json_object_update_new(o, dated(&r->when));
            json_array_append_new(rules, o);
        }
        json_array_append_new(arr, json_pack("{s:s,s:s,s:o}", "name", pr->name, "description",
                                             pr->description, "rules", rules));
    }
    *out = arr;
    return 0;
}
