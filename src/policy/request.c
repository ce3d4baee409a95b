/*
 * request.c — validating an access request (issue 4's JSON) before anything is decided.
 *
 * Strict on shape, because a typo in a compliance request must not pass as "no owners": unknown
 * fields, wrong types, unknown countries and profiles, bad dates and addresses are errors naming
 * the field (customer.owners[1].percent …). Countries may be given as ISO-2, ISO-3 or a name and
 * are normalised to ISO-2. A registered customer (customer.id) comes as its stored record in the
 * gathered facts (facts.h) and the request's own fields are laid over it, so a request can say
 * only {"id": "…"}.
 */
#include "policy/engine.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "xgate/country.h"
#include "xgate/error.h"

static const char *const top_fields[] = {"customer",   "intermediaries", "resource",
                                         "access",     "as_of",          "policy",
                                         "request_id", "note",           NULL};
static const char *const customer_fields[] = {
    "id",      "name",    "aliases", "country", "headquarters", "region", "ultimate_parent",
    "owners",  "ids",     "address", "payment", "email",        "phone",  "verification",
    "created", "updated", NULL};
static const char *const owner_fields[] = {"name",   "country", "headquarters", "percent",
                                           "owners", "ids",     "source",       NULL};
static const char *const up_fields[] = {"name", "headquarters", "country", "ids", NULL};
static const char *const inter_fields[] = {
    "name", "country", "headquarters", "role", "names_end_user", "ids", NULL};
static const char *const resource_fields[] = {"kind", "provider", "item", "count", "tokens", NULL};
static const char *const access_fields[] = {
    "region", "source_ip", "source_country", "source_region", "payment_country", "end_use", NULL};

static int only_known(const json_t *o, const char *const *known, const char *where)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        int ok = 0;
        for (const char *const *f = known; *f; f++)
            ok |= !strcmp(k, *f);
        if (!ok) return xg_error_set(XG_EINVAL, "%s.%s: unknown field", where, k);
    }
    return XG_OK;
}

static int get_str(const char **out, const json_t *o, const char *key, const char *where,
                   bool required)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required) return xg_error_set(XG_EINVAL, "%s.%s: required", where, key);
        return XG_OK;
    }
    if (!json_is_string(v)) return xg_error_set(XG_EINVAL, "%s.%s: expected a string", where, key);
    if (json_string_length(v) > DREQ_MAX_NAME)
        return xg_error_set(XG_ETOOBIG, "%s.%s: longer than %d bytes", where, key, DREQ_MAX_NAME);
    const char *s = json_string_value(v);
    if (!*s) {
        if (required) return xg_error_set(XG_EINVAL, "%s.%s: empty", where, key);
        return XG_OK;
    }
    *out = s;
    return XG_OK;
}

static int get_country(const char **out, const json_t *o, const char *key, const char *where)
{
    const char *s;
    int rc = get_str(&s, o, key, where, false);
    if (rc || !s) {
        *out = NULL;
        return rc;
    }
    *out = xg_country_code(s);
    if (!*out) return xg_error_set(XG_EINVAL, "%s.%s: unknown country '%s'", where, key, s);
    return XG_OK;
}

/* ISO 3166-2: a known ISO-2 country, '-', one to three letters or digits. */
static int get_region(const char **out, xg_arena *a, const json_t *o, const char *key,
                      const char *where)
{
    const char *s;
    int rc = get_str(&s, o, key, where, false);
    *out = NULL;
    if (rc || !s) return rc;
    size_t n = strlen(s);
    bool ok = n >= 4 && n <= 6 && s[2] == '-';
    for (size_t i = 3; ok && i < n; i++)
        ok = isalnum((unsigned char)s[i]);
    char cc[3] = {ok ? s[0] : 0, ok ? s[1] : 0, 0};
    if (!ok || !xg_country_code(cc))
        return xg_error_set(XG_EINVAL, "%s.%s: '%s' is not an ISO 3166-2 code (e.g. UA-43)", where,
                            key, s);
    char *up = xg_arena_strdup(a, s);
    for (char *p = up; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    *out = up;
    return XG_OK;
}

static int parse_owners(const json_t *owners, const char *where, int depth, size_t *count)
{
    if (!owners || json_is_null(owners)) return XG_OK;
    if (!json_is_array(owners))
        return xg_error_set(XG_EINVAL, "%s.owners: expected an array", where);
    if (depth > 12) return xg_error_set(XG_EINVAL, "%s.owners: nested deeper than 12", where);
    size_t i;
    json_t *o;
    json_array_foreach(owners, i, o)
    {
        char w[512];
        snprintf(w, sizeof w, "%s.owners[%zu]", where, i);
        if (++*count > DREQ_MAX_OWNERS)
            return xg_error_set(XG_ETOOBIG, "%s: more than %d owners", w, DREQ_MAX_OWNERS);
        if (!json_is_object(o)) return xg_error_set(XG_EINVAL, "%s: expected an object", w);
        const char *s, *c;
        int rc;
        if ((rc = only_known(o, owner_fields, w)) || (rc = get_str(&s, o, "name", w, true)))
            return rc;
        const char *keys[] = {"country", "headquarters"};
        for (int k = 0; k < 2; k++) {
            if ((rc = get_country(&c, o, keys[k], w))) return rc;
            if (c) json_object_set_new(o, keys[k], json_string(c));
        }
        const json_t *p = json_object_get(o, "percent");
        if (p && !json_is_null(p) &&
            (!json_is_number(p) || json_number_value(p) < 0 || json_number_value(p) > 100))
            return xg_error_set(XG_EINVAL, "%s.percent: expected a number from 0 to 100", w);
        if ((rc = parse_owners(json_object_get(o, "owners"), w, depth + 1, count))) return rc;
    }
    return XG_OK;
}

static int parse_ids(dreq *r, xg_arena *a, const json_t *c)
{
    const json_t *ids = json_object_get(c, "ids");
    if (!ids || json_is_null(ids)) return XG_OK;
    if (!json_is_array(ids) || json_array_size(ids) > 64)
        return xg_error_set(XG_EINVAL, "customer.ids: expected an array of up to 64 strings");
    r->ids = xg_arena_alloc(a, (json_array_size(ids) + 1) * sizeof *r->ids);
    size_t i;
    const json_t *v;
    json_array_foreach(ids, i, v)
    {
        if (!json_is_string(v) || !strchr(json_string_value(v), ':'))
            return xg_error_set(XG_EINVAL, "customer.ids[%zu]: expected \"SCHEME:VALUE\"", i);
        r->ids[r->nids++] = json_string_value(v);
    }
    return XG_OK;
}

/* Lay the request's customer over the stored record of the same id (from the gathered facts). */
static int merge_registered(dreq *r, json_t *cust, const json_t *record)
{
    const char *id;
    int rc = get_str(&id, cust, "id", "customer", false);
    if (rc || !id || !record) return rc;
    if (!json_is_object(record))
        return xg_error_set(XG_ENOTFOUND, "customer.id: no registered customer '%s'", id);
    json_t *stored = json_deep_copy(record);
    if (!stored) return XG_ENOMEM;
    const char *k;
    json_t *v;
    json_object_foreach(cust, k, v) json_object_set(stored, k, v);
    json_object_update(cust, stored);
    json_decref(stored);
    r->registered = true;
    return XG_OK;
}

static int parse_customer(dreq *r, xg_arena *a, json_t *cust, const json_t *record)
{
    if (!json_is_object(cust)) return xg_error_set(XG_EINVAL, "customer: required object");
    int rc = merge_registered(r, cust, record);
    if (rc || (rc = only_known(cust, customer_fields, "customer"))) return rc;
    if ((rc = get_str(&r->customer_id, cust, "id", "customer", false)) ||
        (rc = get_str(&r->name, cust, "name", "customer", true)) ||
        (rc = get_country(&r->country, cust, "country", "customer")) ||
        (rc = get_country(&r->headquarters, cust, "headquarters", "customer")) ||
        (rc = get_region(&r->region, a, cust, "region", "customer")) ||
        (rc = get_str(&r->verification, cust, "verification", "customer", false)) ||
        (rc = parse_ids(r, a, cust)))
        return rc;
    r->verified = r->verification && !strcmp(r->verification, "verified");
    const json_t *pay = json_object_get(cust, "payment");
    if (pay && !json_is_object(pay))
        return xg_error_set(XG_EINVAL, "customer.payment: expected an object");
    const char *pc = NULL;
    if (pay && (rc = get_country(&pc, pay, "country", "customer.payment"))) return rc;
    if (!r->payment_country) r->payment_country = pc;
    const json_t *up = json_object_get(cust, "ultimate_parent");
    if (up && !json_is_null(up)) {
        if (!json_is_object(up))
            return xg_error_set(XG_EINVAL, "customer.ultimate_parent: expected an object");
        const char *w = "customer.ultimate_parent", *c;
        if ((rc = only_known(up, up_fields, w)) ||
            (rc = get_str(&r->up_name, up, "name", w, true)) ||
            (rc = get_country(&r->up_headquarters, up, "headquarters", w)) ||
            (rc = get_country(&c, up, "country", w)))
            return rc;
        if (!r->up_headquarters) r->up_headquarters = c;
    }
    size_t count = 0;
    r->owners = json_object_get(cust, "owners");
    return parse_owners(json_object_get(cust, "owners"), "customer", 0, &count);
}

static int parse_intermediaries(dreq *r, xg_arena *a, const json_t *arr)
{
    if (!arr || json_is_null(arr)) return XG_OK;
    if (!json_is_array(arr)) return xg_error_set(XG_EINVAL, "intermediaries: expected an array");
    if (json_array_size(arr) > DREQ_MAX_INTERMEDIARIES)
        return xg_error_set(XG_ETOOBIG, "intermediaries: more than %d", DREQ_MAX_INTERMEDIARIES);
    r->intermediaries = xg_arena_alloc(a, (json_array_size(arr) + 1) * sizeof *r->intermediaries);
    size_t i;
    const json_t *o;
    json_array_foreach(arr, i, o)
    {
        char w[64];
        snprintf(w, sizeof w, "intermediaries[%zu]", i);
        if (!json_is_object(o)) return xg_error_set(XG_EINVAL, "%s: expected an object", w);
        dreq_party *p = &r->intermediaries[r->nintermediaries++];
        int rc;
        if ((rc = only_known(o, inter_fields, w)) || (rc = get_str(&p->name, o, "name", w, true)) ||
            (rc = get_country(&p->country, o, "country", w)) ||
            (rc = get_country(&p->headquarters, o, "headquarters", w)) ||
            (rc = get_str(&p->role, o, "role", w, false)))
            return rc;
        const json_t *n = json_object_get(o, "names_end_user");
        if (n && !json_is_null(n) && !json_is_boolean(n))
            return xg_error_set(XG_EINVAL, "%s.names_end_user: expected true or false", w);
        if (!p->headquarters) p->headquarters = p->country;
        p->names_end_user_given = json_is_boolean(n);
        p->names_end_user = !json_is_false(n);
    }
    return XG_OK;
}

static int parse_resource(dreq *r, const json_t *res)
{
    if (!json_is_object(res)) return xg_error_set(XG_EINVAL, "resource: required object");
    int rc;
    if ((rc = only_known(res, resource_fields, "resource")) ||
        (rc = get_str(&r->item, res, "item", "resource", true)) ||
        (rc = get_str(&r->kind, res, "kind", "resource", false)) ||
        (rc = get_str(&r->provider, res, "provider", "resource", false)))
        return rc;
    const char *kinds[] = {"instance", "chip", "system", "model"};
    bool ok = !r->kind;
    for (int i = 0; i < 4 && !ok; i++)
        ok = !strcmp(r->kind, kinds[i]);
    if (!ok)
        return xg_error_set(XG_EINVAL,
                            "resource.kind: '%s' (expected instance, chip, system or "
                            "model)",
                            r->kind);
    const char *nums[] = {"count", "tokens"};
    double *dst[] = {&r->count, &r->tokens};
    for (int i = 0; i < 2; i++) {
        const json_t *v = json_object_get(res, nums[i]);
        if (!v || json_is_null(v)) continue;
        if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1e18)
            return xg_error_set(XG_EINVAL, "resource.%s: expected a non-negative number", nums[i]);
        *dst[i] = json_number_value(v);
    }
    return XG_OK;
}

static int parse_access(dreq *r, xg_arena *a, const json_t *acc)
{
    if (!acc || json_is_null(acc)) return XG_OK;
    if (!json_is_object(acc)) return xg_error_set(XG_EINVAL, "access: expected an object");
    int rc;
    const char *pay = NULL;
    if ((rc = only_known(acc, access_fields, "access")) ||
        (rc = get_str(&r->cloud_region, acc, "region", "access", false)) ||
        (rc = get_str(&r->source_ip, acc, "source_ip", "access", false)) ||
        (rc = get_country(&r->source_country, acc, "source_country", "access")) ||
        (rc = get_region(&r->source_region, a, acc, "source_region", "access")) ||
        (rc = get_country(&pay, acc, "payment_country", "access")) ||
        (rc = get_str(&r->end_use, acc, "end_use", "access", false)))
        return rc;
    if (pay) r->payment_country = pay;
    unsigned char buf[16];
    if (r->source_ip && inet_pton(AF_INET, r->source_ip, buf) != 1 &&
        inet_pton(AF_INET6, r->source_ip, buf) != 1)
        return xg_error_set(XG_EINVAL, "access.source_ip: '%s' is not an IPv4 or IPv6 address",
                            r->source_ip);
    if (r->end_use && strcmp(r->end_use, "training") && strcmp(r->end_use, "inference") &&
        strcmp(r->end_use, "other"))
        return xg_error_set(XG_EINVAL,
                            "access.end_use: '%s' (expected training, inference or "
                            "other)",
                            r->end_use);
    return XG_OK;
}

static int parse_top(dreq *r, const json_t *req, const xg_policy_set *p, const char *dpolicy,
                     const char *das_of)
{
    int rc;
    const char *pol, *as_of;
    if ((rc = only_known(req, top_fields, "request")) ||
        (rc = get_str(&pol, req, "policy", "request", false)) ||
        (rc = get_str(&as_of, req, "as_of", "request", false)))
        return rc;
    r->policy = pol ? pol : dpolicy ? dpolicy : pol_setting_str(p, "default_policy", "provider");
    if (!pol_profile_find(p, r->policy))
        return xg_error_set(XG_ENOTFOUND,
                            "policy: unknown profile '%s' (ear, remote-access, "
                            "provider)",
                            r->policy);
    r->as_of = as_of ? as_of : das_of;
    if (r->as_of && !xg_date_valid(r->as_of))
        return xg_error_set(XG_EINVAL, "as_of: '%s' is not a date (YYYY-MM-DD)", r->as_of);
    return XG_OK;
}

/* Whether parsing writes into the request's customer: a registered customer's record laid under
 * it (customer.id), owners' countries normalised in place (customer.owners). Only then does the
 * parse take a copy of the request; otherwise it holds the caller's (read, never written), which
 * saves a decision ~45 allocations. */
static bool writes_customer(const json_t *request)
{
    const json_t *cust = json_object_get(request, "customer");
    return json_is_object(cust) && (json_object_get(cust, "id") || json_object_get(cust, "owners"));
}

int dreq_parse(dreq *r, xg_arena *arena, const json_t *request, const xg_policy_set *p,
               const json_t *customer_record, const char *default_policy, const char *default_as_of)
{
    memset(r, 0, sizeof *r);
    if (!json_is_object(request)) return xg_error_set(XG_EINVAL, "request: expected a JSON object");
    r->json = writes_customer(request) ? json_deep_copy(request) : json_incref((json_t *)request);
    if (!r->json) return XG_ENOMEM;
    int rc = parse_top(r, r->json, p, default_policy, default_as_of);
    if (!rc && !r->as_of) {
        char *today = xg_arena_alloc(arena, 11);
        xg_date_today(today);
        r->as_of = today;
    }
    if (!rc) rc = parse_access(r, arena, json_object_get(r->json, "access"));
    if (!rc) rc = parse_customer(r, arena, json_object_get(r->json, "customer"), customer_record);
    if (!rc) rc = parse_intermediaries(r, arena, json_object_get(r->json, "intermediaries"));
    if (!rc) rc = parse_resource(r, json_object_get(r->json, "resource"));
    if (rc) {
        json_decref(r->json);
        r->json = NULL;
        return rc;
    }
    if (!r->headquarters) r->headquarters = r->country;
    return XG_OK;
}
