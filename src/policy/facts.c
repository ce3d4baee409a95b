/*
 * facts.c — gathering what a decision reads from the store, and saying how two gatherings differ.
 *
 * Gathering runs the same request parser and ownership walk the engine runs, but with the walk's
 * edge source reading the store and writing down every answer: the names the walk asks about
 * depend on the edges found (an owner on file leads to its own owners), so only the walk itself
 * knows which lookups a decision makes. The engine then walks again over what was written down
 * and, given the same request, asks exactly the same questions.
 *
 * The diff is for people: each line names the fact (customer field, ownership edge, license
 * number) and its value before and after, so a replay that changed its outcome says why.
 */
#include "policy/facts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/decide_internal.h"
#include "store/json_sorted.h"
#include "xgate/error.h"

json_t *facts_empty(void)
{
    return json_pack("{s:n,s:o,s:o,s:o,s:n}", "customer", "ownership", json_object(), "licenses",
                     json_array(), "open_alerts", json_array(), "usage");
}

char *facts_canonical(const json_t *facts)
{
    return store_json_sorted(facts); /* json_dumps(JSON_COMPACT | JSON_SORT_KEYS), by hand */
}

bool facts_same_name(const char *a, const char *b)
{
    for (;; a++, b++) {
        while (*a == ' ' || *a == ',' || *a == '.')
            a++;
        while (*b == ' ' || *b == ',' || *b == '.')
            b++;
        if (!*a || !*b) return !*a && !*b;
        if ((*a | 32) != (*b | 32)) return false;
    }
}

bool facts_license_party(const json_t *license, const char *name, const char *customer_id)
{
    const char *party = json_string_value(json_object_get(license, "party"));
    return party &&
           ((name && facts_same_name(party, name)) || (customer_id && !strcmp(party, customer_id)));
}

/* ---- the two edge sources of the ownership walk ---- */

static int owners_from_facts(json_t **out, void *ctx, const char *name)
{
    json_t *edges = json_object_get(ctx, name);
    *out = json_is_array(edges) ? json_incref(edges) : json_array();
    return *out ? XG_OK : XG_ENOMEM;
}

own_source facts_ownership_source(const json_t *facts)
{
    return (own_source){owners_from_facts, json_object_get(facts, "ownership")};
}

typedef struct recorder {
    xg_store *store;
    json_t *ownership;
} recorder;

static int owners_from_store(json_t **out, void *ctx, const char *name)
{
    recorder *rec = ctx;
    int rc = xg_store_ownership_of(out, rec->store, name);
    if (rc) return rc;
    if (json_object_set(rec->ownership, name, *out)) {
        json_decref(*out);
        return xg_error_set(XG_ENOMEM, "facts: cannot record the owners of '%s'", name);
    }
    return XG_OK;
}

/* The stored record of customer.id; JSON null when the id is not registered (the parser then
 * names it), NULL when the request names no id. */
static int customer_record(json_t **out, xg_store *store, const json_t *request)
{
    *out = NULL;
    const json_t *id = json_object_get(json_object_get(request, "customer"), "id");
    if (!json_is_string(id) || !*json_string_value(id) || json_string_length(id) > DREQ_MAX_NAME)
        return XG_OK;
    int rc = xg_store_customer_get(out, store, json_string_value(id));
    if (rc == XG_ENOTFOUND) {
        *out = json_null();
        return XG_OK;
    }
    return rc;
}

static int licenses_of(json_t **out, xg_store *store, const dreq *r)
{
    json_t *all; /* shared with other threads (xg_store_licenses_cached): copy what we keep */
    int rc = xg_store_licenses_cached(&all, store);
    if (rc) return rc;
    *out = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(all, i, l)
    {
        if (facts_license_party(l, r->name, r->customer_id))
            json_array_append_new(*out, json_deep_copy(l));
    }
    json_decref(all);
    return XG_OK;
}

/* The clearances on file for party `name` into map[name] (only when there are any). */
static int clearances_of(json_t *map, xg_store *store, const char *name)
{
    if (!name || !*name || json_object_get(map, name)) return XG_OK;
    json_t *c = NULL;
    int rc = xg_store_clearances_for(&c, store, name);
    if (rc) return rc;
    if (json_array_size(c)) return json_object_set_new(map, name, c) ? XG_ENOMEM : XG_OK;
    json_decref(c);
    return XG_OK;
}

/* The clearances of the parties after the first (the walk's owners, the intermediaries), sent
 * ahead in one round trip (the first party's went with xg_store_facts_prefetch). */
static void prefetch_clearances(xg_store *store, const own_graph *g, const dreq *r)
{
    const char *names[16];
    size_t n = 0;
    for (size_t i = 1; i < g->nnodes && n < 16; i++)
        names[n++] = g->nodes[i].name;
    for (size_t i = 0; i < r->nintermediaries && n < 16; i++)
        names[n++] = r->intermediaries[i].name;
    if (n) xg_store_clearances_prefetch(store, names, n);
}

/* With `keep` (a parsed request, its graph and the arena they live in), the parse and the
 * walk are the caller's: it decides over them and frees them, whatever the outcome. */
static int gather_facts(json_t **out, xg_store *store, const json_t *request,
                        const xg_policy_set *p, const char *default_policy,
                        const char *default_as_of, int max_depth, facts_parsed *keep)
{
    *out = NULL;
    if (!store) {
        *out = facts_empty();
        return *out ? XG_OK : XG_ENOMEM;
    }
    json_t *cust;
    int rc = customer_record(&cust, store, request);
    if (rc) return rc;
    xg_arena own_arena, *arena = keep ? keep->arena : &own_arena;
    if (!keep) xg_arena_init(&own_arena, 8 * 1024);
    dreq own_r, *rp = keep ? keep->r : &own_r;
    own_graph own_g, *g = keep ? keep->g : &own_g;
    rc = dreq_parse(rp, arena, request, p, cust, default_policy, default_as_of);
    dreq r = *rp;
    json_t *facts = NULL;
    if (!rc) {
        /* The reads below, sent ahead in one round trip on PostgreSQL (the walk's first question,
         * the customer party's clearances and open alerts, the usage rule's customer lookup). */
        const char *who = r.customer_id ? r.customer_id : r.name;
        xg_store_facts_prefetch(store, r.name, usage_rule_config() ? who : NULL,
                                r.customer_id != NULL);
        recorder rec = {store, json_object()};
        own_source src = {owners_from_store, &rec};
        rc = own_build(g, arena, &r, &src, max_depth);
        if (!rc) prefetch_clearances(store, g, &r);
        json_t *clearances = json_object();
        for (size_t i = 0; !rc && i < g->nnodes; i++)
            rc = clearances_of(clearances, store, g->nodes[i].name);
        for (size_t i = 0; !rc && i < r.nintermediaries; i++)
            rc = clearances_of(clearances, store, r.intermediaries[i].name);
        if (!keep) own_free(g);
        json_t *licenses = NULL, *alerts = NULL, *usage = NULL;
        if (!rc) rc = licenses_of(&licenses, store, &r);
        if (!rc)
            rc = r.name ? xg_store_alerts_open_for(&alerts, store, r.name)
                        : ((alerts = json_array()) ? XG_OK : XG_ENOMEM);
        if (!rc) rc = usage_rule_fact(&usage, store, &r);
        if (!rc) {
            facts = json_pack("{s:O,s:o,s:o,s:o,s:o}", "customer",
                              json_is_object(cust) ? cust : json_null(), "ownership", rec.ownership,
                              "licenses", licenses, "open_alerts", alerts, "usage", usage);
            /* only when there are any: a missing key means none, as in older facts */
            if (facts && json_object_size(clearances))
                json_object_set(facts, "clearances", clearances);
            json_decref(clearances);
        } else {
            json_decref(clearances);
            json_decref(rec.ownership);
            json_decref(licenses);
            json_decref(alerts);
            json_decref(usage);
        }
    }
    if (!keep) {
        json_decref(r.json);
        xg_arena_free(&own_arena);
    }
    json_decref(cust);
    if (!rc && !facts) rc = xg_error_set(XG_ENOMEM, "facts: out of memory");
    *out = facts;
    return rc;
}

/* The facts' reads (customer, ownership walk, clearances, licenses, open alerts, usage) on one
 * read connection held for the whole gathering: one pass through the pool instead of one per
 * read (with many clients the pool's lock and its waits cost more than the reads themselves). */
int facts_gather(json_t **out, xg_store *store, const json_t *request, const xg_policy_set *p,
                 const char *default_policy, const char *default_as_of, int max_depth)
{
    return facts_gather_parsed(out, store, request, p, default_policy, default_as_of, max_depth,
                               NULL);
}

int facts_gather_parsed(json_t **out, xg_store *store, const json_t *request,
                        const xg_policy_set *p, const char *default_policy,
                        const char *default_as_of, int max_depth, facts_parsed *keep)
{
    if (!store) keep = NULL; /* nothing walked: the caller parses and walks the empty facts */
    if (store) xg_store_reads_begin(store);
    int rc = gather_facts(out, store, request, p, default_policy, default_as_of, max_depth, keep);
    if (store) xg_store_reads_end(store);
    return rc;
}

/* ---- differences ---- */

/* A value as a reader sees it: strings bare, numbers without trailing zeros, the rest as JSON. */
static char *show(const json_t *v)
{
    char buf[64];
    if (!v || json_is_null(v)) return strdup("(none)");
    if (json_is_string(v)) return strdup(json_string_value(v));
    if (json_is_number(v)) {
        snprintf(buf, sizeof buf, "%g", json_number_value(v));
        return strdup(buf);
    }
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

static void say(json_t *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(json_t *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) >= 0) json_array_append_new(out, json_string(s));
    va_end(ap);
    free(s);
}

static bool is_timestamp_field(const char *k)
{
    return !strcmp(k, "created") || !strcmp(k, "updated");
}

static void diff_customer(json_t *out, const json_t *a, const json_t *b)
{
    if (json_equal(a, b)) return;
    const char *id = json_string_value(json_object_get(json_is_object(b) ? b : a, "id"));
    if (!json_is_object(a) || !json_is_object(b)) {
        say(out, "customer: record %s %s", id ? id : "",
            json_is_object(b) ? "now on file" : "no longer on file");
        return;
    }
    size_t before = json_array_size(out);
    const char *k;
    json_t *v;
    /* every field of either record, once: a's fields, then b's that a lacks */
    json_object_foreach((json_t *)a, k, v)
    {
        const json_t *w = json_object_get(b, k);
        if (is_timestamp_field(k) || json_equal(v, w)) continue;
        char *x = show(v), *y = show(w);
        say(out, "customer: %s %s → %s", k, x, y);
        free(x);
        free(y);
    }
    json_object_foreach((json_t *)b, k, v)
    {
        if (is_timestamp_field(k) || json_object_get(a, k)) continue;
        char *y = show(v);
        say(out, "customer: %s (none) → %s", k, y);
        free(y);
    }
    if (json_array_size(out) == before) {
        char *x = show(json_object_get(a, "updated")), *y = show(json_object_get(b, "updated"));
        say(out, "customer: record %s saved again (updated %s → %s), no field changed",
            id ? id : "", x, y);
        free(x);
        free(y);
    }
}

/* The edge `owner` → `owned` in an ownership map, or NULL. */
static const json_t *edge_in(const json_t *map, const char *owned, const char *owner)
{
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(map, owned), i, e)
    {
        const char *n = json_string_value(json_object_get(e, "name"));
        if (n && !strcmp(n, owner)) return e;
    }
    return NULL;
}

static char *percent_text(const json_t *e)
{
    const json_t *p = json_object_get(e, "percent");
    char buf[64];
    if (json_is_number(p))
        snprintf(buf, sizeof buf, "%g%%", json_number_value(p));
    else
        snprintf(buf, sizeof buf, "share not on file");
    return strdup(buf);
}

/* An edge on file in both gatherings whose share, country, headquarters or source changed. */
static void edge_changed(json_t *out, const char *owned, const json_t *e, const json_t *o)
{
    const char *owner = json_string_value(json_object_get(e, "name"));
    char *pe = percent_text(e), *po = percent_text(o);
    if (strcmp(pe, po)) say(out, "ownership: %s in %s %s → %s", owner, owned, pe, po);
    free(pe);
    free(po);
    const char *keys[] = {"country", "headquarters", "source"};
    for (int k = 0; k < 3; k++) {
        const json_t *x = json_object_get(e, keys[k]), *y = json_object_get(o, keys[k]);
        if (json_equal(x, y) || (!x && !y)) continue;
        char *sx = show(x), *sy = show(y);
        say(out, "ownership: %s (owner of %s) %s %s → %s", owner, owned, keys[k], sx, sy);
        free(sx);
        free(sy);
    }
}

/* Edges of `from` that `to` lacks although its walk asked about the same owned name ("added" or
 * "removed" by the direction); with `changes`, edges in both that differ. */
static void diff_edges(json_t *out, const json_t *from, const json_t *to, const char *verb,
                       bool changes)
{
    const char *owned;
    json_t *edges;
    json_object_foreach((json_t *)from, owned, edges)
    {
        if (!json_object_get(to, owned)) continue; /* not asked about this time: see below */
        size_t i;
        json_t *e;
        json_array_foreach(edges, i, e)
        {
            const char *owner = json_string_value(json_object_get(e, "name"));
            const json_t *o = owner ? edge_in(to, owned, owner) : NULL;
            if (changes && o && !json_equal(e, o)) edge_changed(out, owned, e, o);
            if (!changes && owner && !o) {
                char *pe = percent_text(e);
                say(out, "ownership: %s %s as owner of %s (%s)", verb, owner, owned, pe);
                free(pe);
            }
        }
    }
}

static void diff_ownership(json_t *out, const json_t *a, const json_t *b)
{
    if (json_equal(a, b)) return;
    size_t before = json_array_size(out);
    diff_edges(out, a, b, NULL, true);
    diff_edges(out, b, a, "added", false);
    diff_edges(out, a, b, "removed", false);
    if (json_array_size(out) == before) {
        /* the same edges where both walks asked, but the walks reached other names */
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)b, k, v)
        {
            if (!json_object_get(a, k)) say(out, "ownership: the walk now also reaches %s", k);
        }
        json_object_foreach((json_t *)a, k, v)
        {
            if (!json_object_get(b, k)) say(out, "ownership: the walk no longer reaches %s", k);
        }
    }
}

static const json_t *license_numbered(const json_t *arr, const char *number)
{
    size_t i;
    const json_t *l;
    json_array_foreach(arr, i, l)
    {
        const char *n = json_string_value(json_object_get(l, "number"));
        if (n && !strcmp(n, number)) return l;
    }
    return NULL;
}

static void say_license(json_t *out, const char *verb, const json_t *l)
{
    char *items = show(json_object_get(l, "items")),
         *dest = show(json_object_get(l, "destinations"));
    char *from = show(json_object_get(l, "valid_from")), *to = show(json_object_get(l, "valid_to"));
    say(out, "licenses: %s %s for %s (items %s, destinations %s, valid %s to %s)", verb,
        json_string_value(json_object_get(l, "number")),
        json_string_value(json_object_get(l, "party")), items, dest, from,
        json_is_string(json_object_get(l, "valid_to")) ? to : "open");
    free(items);
    free(dest);
    free(from);
    free(to);
}

static void diff_licenses(json_t *out, const json_t *a, const json_t *b)
{
    if (json_equal(a, b)) return;
    size_t i;
    const json_t *l;
    json_array_foreach(b, i, l)
    {
        const char *n = json_string_value(json_object_get(l, "number"));
        const json_t *old = n ? license_numbered(a, n) : NULL;
        if (!old) {
            if (n) say_license(out, "added", l);
            continue;
        }
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)l, k, v)
        {
            const json_t *w = json_object_get(old, k);
            if (json_equal(v, w) || !strcmp(k, "created")) continue;
            char *x = show(w), *y = show(v);
            say(out, "licenses: %s %s %s → %s", n, k, x, y);
            free(x);
            free(y);
        }
    }
    json_array_foreach(a, i, l)
    {
        const char *n = json_string_value(json_object_get(l, "number"));
        if (n && !license_numbered(b, n)) say_license(out, "removed", l);
    }
}

static const json_t *alert_with_id(const json_t *arr, const char *id)
{
    size_t i;
    const json_t *a;
    json_array_foreach(arr, i, a)
    {
        const char *n = json_string_value(json_object_get(a, "id"));
        if (n && !strcmp(n, id)) return a;
    }
    return NULL;
}

static void say_alert(json_t *out, const char *verb, const json_t *a)
{
    char *score = show(json_object_get(a, "score"));
    const char *party = json_string_value(json_object_get(a, "party")),
               *list = json_string_value(json_object_get(a, "list")),
               *entry = json_string_value(json_object_get(a, "entry_id")),
               *ename = json_string_value(json_object_get(a, "entry_name"));
    say(out, "alerts: %s %s on %s (%s %s %s, score %s)", verb,
        json_string_value(json_object_get(a, "id")), party ? party : "?", list ? list : "?",
        entry ? entry : "?", ename ? ename : "", score);
    free(score);
}

/* Open monitoring alerts by id; a missing key (facts stored before alerts were facts) is none. */
static void diff_alerts(json_t *out, const json_t *a, const json_t *b)
{
    if (json_equal(a, b)) return;
    size_t i;
    const json_t *x;
    json_array_foreach(b, i, x)
    {
        const char *id = json_string_value(json_object_get(x, "id"));
        if (id && !alert_with_id(a, id)) say_alert(out, "open", x);
    }
    json_array_foreach(a, i, x)
    {
        const char *id = json_string_value(json_object_get(x, "id"));
        if (id && !alert_with_id(b, id)) say_alert(out, "no longer open", x);
    }
}

static char *usage_text(const json_t *u)
{
    if (!json_is_object(u)) return strdup("(none)");
    char *ops = show(json_object_get(u, "ops_high")),
         *days = show(json_object_get(u, "window_days")), *to = show(json_object_get(u, "to")),
         *s = NULL;
    if (asprintf(&s, "%s ops (high) in the %s days to %s", ops, days, to) < 0) s = NULL;
    free(ops);
    free(days);
    free(to);
    return s;
}

/* The customer's compute usage over the rule's window; a missing key is none. */
static void diff_usage(json_t *out, const json_t *a, const json_t *b)
{
    if (json_equal(a, b) || (!json_is_object(a) && !json_is_object(b))) return;
    const char *who = json_string_value(json_object_get(json_is_object(b) ? b : a, "customer"));
    char *x = usage_text(a), *y = usage_text(b);
    say(out, "usage: %s %s → %s", who ? who : "", x ? x : "?", y ? y : "?");
    free(x);
    free(y);
}

/* "lists: ofac_sdn ofac_sdn-aaa → ofac_sdn-bbb" (absent = "bundled"). */
static void diff_list_versions(json_t *out, const json_t *a, const json_t *b)
{
    if (!json_is_object(a) || !json_is_object(b)) return; /* older facts: not recorded */
    const json_t *sides[2] = {a, b};
    for (int s = 0; s < 2; s++) {
        const char *src;
        json_t *v;
        json_object_foreach((json_t *)sides[s], src, v)
        {
            const json_t *x = json_object_get(a, src), *y = json_object_get(b, src);
            if (s == 1 && x) continue; /* said already */
            const char *xi = json_string_value(json_object_get(x, "id"));
            const char *yi = json_string_value(json_object_get(y, "id"));
            if (xi && yi && !strcmp(xi, yi)) continue;
            say(out, "lists: %s %s → %s", src, xi ? xi : "bundled", yi ? yi : "bundled");
        }
    }
}

/* "clearances: added clr_… of P for SDN:123 (by, reason)" / "removed". */
static void diff_clearances(json_t *out, const json_t *a, const json_t *b)
{
    const json_t *sides[2] = {a, b};
    for (int s = 0; s < 2; s++) {
        const char *party;
        json_t *arr;
        json_object_foreach((json_t *)sides[s], party, arr)
        {
            size_t i;
            json_t *c;
            json_array_foreach(arr, i, c)
            {
                const char *id = json_string_value(json_object_get(c, "id"));
                const json_t *other = json_object_get(sides[!s], party);
                bool found = false;
                size_t k;
                json_t *o;
                json_array_foreach(other, k, o) found |=
                    id && json_equal(json_object_get(o, "id"), json_object_get(c, "id"));
                if (found) continue;
                const char *ek = json_string_value(json_object_get(c, "entry_key"));
                const char *by = json_string_value(json_object_get(c, "reviewer"));
                const char *why = json_string_value(json_object_get(c, "reason"));
                say(out, "clearances: %s %s of %s for %s (%s: %s)", s ? "added" : "removed",
                    id ? id : "?", party, ek ? ek : "?", by ? by : "?", why ? why : "");
            }
        }
    }
}

int facts_diff(json_t **out, const json_t *before, const json_t *after)
{
    json_t *d = json_array();
    if (!d) return XG_ENOMEM;
    diff_customer(d, json_object_get(before, "customer"), json_object_get(after, "customer"));
    diff_ownership(d, json_object_get(before, "ownership"), json_object_get(after, "ownership"));
    diff_licenses(d, json_object_get(before, "licenses"), json_object_get(after, "licenses"));
    diff_alerts(d, json_object_get(before, "open_alerts"), json_object_get(after, "open_alerts"));
    diff_usage(d, json_object_get(before, "usage"), json_object_get(after, "usage"));
    diff_list_versions(d, json_object_get(before, "list_versions"),
                       json_object_get(after, "list_versions"));
    diff_clearances(d, json_object_get(before, "clearances"), json_object_get(after, "clearances"));
    *out = d;
    return XG_OK;
}
