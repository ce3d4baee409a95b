/*
 * decide.c — one access decision, end to end: validate, classify, walk ownership, screen every
 * party met, apply the profile as of the date, write the decision and its audit entry durably,
 * answer. And replay: the same request against today's lists, catalog and policy data, over the
 * facts stored with the decision or, when asked, over the current store (facts.h).
 *
 * The response is built only from what was decided, and the store adds its id and audit position
 * only after COMMIT, so a caller never sees a decision that a crash could take back.
 */
#include "policy/decide_internal.h"
#include "policy/facts.h"
#include "store/json_sorted.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"
#include "xgate/monitor.h"
#include "xgate/store.h"

/* A party's match as the screener reports it (countries, programs, the explanation an analyst
 * reads on the decision page) plus what the policy made of it: the list code and its category. */
static json_t *match_json(const dctx *d, const xg_screen_match *m, const char **category)
{
    const xg_record *rec = m->record;
    const pol_list_effect *e = pol_list_effect_for(d->p, rec->source_code);
    *category = e ? e->category : "other";
    json_t *o = xg_screen_match_json(m);
    json_object_set_new(o, "list", json_string(rec->source_code ? rec->source_code : ""));
    json_object_set_new(o, "score", json_real(m->score));
    json_object_set_new(o, "category", json_string(*category));
    return o;
}

/* ---- the screening cache ----
 * Screening a party's name is a pure function of the list snapshot, the name, the as-of date and
 * the query's fixed options (threshold -1, limit 5, no identifiers); what a decision takes from it
 * (the match objects with their list code, score and category, the threshold, the near miss)
 * depends besides only on the policy set (categories). Real traffic repeats its customers' names,
 * so the answers are kept in a small table (SCREEN_CACHE_SLOTS entries, direct-mapped by a hash
 * of the key: a new name replaces the one in its slot), shared by every thread under one mutex.
 * The key holds the snapshot (its address and its list content hash) and the policy set (address
 * and version): a list update swaps the snapshot, after which no old entry can match again, and
 * the first lookup under a new snapshot empties the table; the key's date is today's when the
 * request gives none. Not cached: a party screened with
 * identifiers (customer.ids), and a party with clearances on file (they annotate the matches).
 * XG_DECIDE_SCREEN_CACHE=0 in the environment turns the cache off (for measurements). */
#define SCREEN_CACHE_SLOTS 1024

typedef struct scache_entry {
    const void *snap, *policy;
    char *snap_hash, *policy_version, *as_of, *name;
    double threshold, near_miss;
    char *near_miss_name;
    json_t *matches; /* the party's screening array, never modified once stored */
    bool sdn, entity;
} scache_entry;

static pthread_mutex_t scache_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t scache_once = PTHREAD_ONCE_INIT;
static bool scache_on;
static scache_entry *scache;
static const void *scache_snap; /* the snapshot the entries are of */

/* Whether a cache is on: unless its environment variable is "0". */
static bool cache_wanted(const char *var)
{
    const char *e = getenv(var);
    return !(e && !strcmp(e, "0"));
}

/* The slot of (key, as_of) in a table of n slots (FNV-1a over both). */
static size_t cache_slot(const char *key, const char *as_of, size_t n)
{
    unsigned long long h = 1469598103934665603ULL;
    for (const char *c = key; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    for (const char *c = as_of; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    return (size_t)(h % n);
}

static void scache_init(void)
{
    if (cache_wanted("XG_DECIDE_SCREEN_CACHE")) scache = calloc(SCREEN_CACHE_SLOTS, sizeof *scache);
    scache_on = scache != NULL;
}

static void scache_clear(scache_entry *e)
{
    free(e->snap_hash);
    free(e->policy_version);
    free(e->as_of);
    free(e->name);
    free(e->near_miss_name);
    json_decref(e->matches);
    memset(e, 0, sizeof *e);
}

static size_t scache_slot(const char *name, const char *as_of)
{
    return cache_slot(name, as_of, SCREEN_CACHE_SLOTS);
}

/* The date a party is screened as of: the request's, else today's (into buf), as xg_screen
 * takes it, so that an entry made yesterday is not an answer for today (a record whose end date
 * has passed, or whose start date has come). */
static const char *scache_as_of(const dctx *d, char buf[11])
{
    if (d->r.as_of) return d->r.as_of;
    xg_date_today(buf);
    return buf;
}

static bool scache_same(const scache_entry *e, const dctx *d, const char *name, const char *as_of)
{
    return e->name && e->snap == d->ctx->snapshot && e->policy == d->p && !strcmp(e->name, name) &&
           !strcmp(e->as_of, as_of) && !strcmp(e->snap_hash, xg_snapshot_hash(d->ctx->snapshot)) &&
           !strcmp(e->policy_version, d->p->version);
}

/* A hit fills the party from the entry. The matches are shared, not copied: the entry's array
 * goes into every answer that uses it by reference (jansson's reference counts are atomic), and
 * nothing writes to a party's screening once it is built (the rules read it, the encoders read
 * it; the store adds its fields to the top of the answer only). */
static bool scache_get(dctx *d, dparty *pt)
{
    pthread_once(&scache_once, scache_init);
    if (!scache_on) return false;
    bool hit = false;
    pthread_mutex_lock(&scache_lock);
    if (scache_snap != d->ctx->snapshot) { /* a list swap: every entry is of the old lists */
        for (size_t i = 0; i < SCREEN_CACHE_SLOTS; i++)
            if (scache[i].name) scache_clear(&scache[i]);
        scache_snap = d->ctx->snapshot;
    }
    char today[11];
    const char *as_of = scache_as_of(d, today);
    scache_entry *e = &scache[scache_slot(pt->name, as_of)];
    if (scache_same(e, d, pt->name, as_of)) {
        hit = true;
        pt->screening = json_incref(e->matches);
        pt->sdn = e->sdn;
        pt->entity = e->entity;
        pt->near_miss = e->near_miss;
        pt->near_miss_name =
            e->near_miss_name ? xg_arena_strdup(&d->arena, e->near_miss_name) : NULL;
        d->threshold = e->threshold;
    }
    pthread_mutex_unlock(&scache_lock);
    return hit;
}

static void scache_put(const dctx *d, const dparty *pt)
{
    if (!scache_on) return;
    char today[11];
    const char *as_of = scache_as_of(d, today);
    scache_entry n = {.snap = d->ctx->snapshot,
                      .policy = d->p,
                      .snap_hash = strdup(xg_snapshot_hash(d->ctx->snapshot)),
                      .policy_version = strdup(d->p->version),
                      .as_of = strdup(as_of),
                      .name = strdup(pt->name),
                      .threshold = d->threshold,
                      .near_miss = pt->near_miss,
                      .near_miss_name = pt->near_miss_name ? strdup(pt->near_miss_name) : NULL,
                      .matches = json_incref(pt->screening),
                      .sdn = pt->sdn,
                      .entity = pt->entity};
    if (!n.snap_hash || !n.policy_version || !n.as_of || !n.name || !n.matches ||
        (pt->near_miss_name && !n.near_miss_name)) {
        scache_clear(&n);
        return;
    }
    pthread_mutex_lock(&scache_lock);
    if (scache_snap == d->ctx->snapshot) {
        scache_entry *e = &scache[scache_slot(pt->name, as_of)];
        scache_clear(e);
        *e = n;
        n.name = NULL;
    }
    pthread_mutex_unlock(&scache_lock);
    if (n.name) scache_clear(&n);
}

static int screen_party(dctx *d, dparty *pt, const char *const *ids, size_t nids)
{
    const json_t *cls = json_object_get(d->clearances, pt->name);
    bool cacheable = nids == 0 && !cls && strlen(pt->name) <= DREQ_MAX_NAME;
    if (cacheable && scache_get(d, pt)) return XG_OK;
    xg_screen_query q = {.name = pt->name,
                         .threshold = -1,
                         .limit = 5,
                         .ids = ids,
                         .nids = nids,
                         .as_of = d->r.as_of};
    xg_screen_result *res;
    int rc = xg_screen(&res, d->ctx->snapshot, &q);
    if (rc) return rc;
    pt->screening = json_array();
    for (size_t i = 0; i < res->nmatches; i++) {
        const char *cat;
        json_t *m = match_json(d, &res->matches[i], &cat);
        int holds = 0;
        const json_t *c = xg_monitor_clearance_of(cls, res->matches[i].record, &holds);
        if (c) {
            json_t *cj = json_pack(
                "{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(c, "id"), "alert_id",
                json_object_get(c, "alert_id"), "by", json_object_get(c, "reviewer"), "at",
                json_object_get(c, "created"), "reason", json_object_get(c, "reason"));
            json_object_set_new(m, holds ? "clearance" : "earlier_clearance", cj);
        }
        if (holds) { /* reported, but it does not drive the outcome */
            if (!pt->cleared) pt->cleared = json_array();
            json_array_append_new(pt->cleared, m);
            continue;
        }
        json_array_append_new(pt->screening, m);
        pt->sdn |= !strcmp(cat, "sdn");
        pt->entity |= !strcmp(cat, "entity");
    }
    d->threshold = res->threshold;
    pt->near_miss = res->best_below;
    if (res->near_miss && res->near_miss->record)
        pt->near_miss_name =
            xg_arena_strdup(&d->arena, res->near_miss->matched ? res->near_miss->matched
                                                               : res->near_miss->record->name);
    xg_screen_result_free(res);
    if (cacheable) scache_put(d, pt);
    return XG_OK;
}

static int collect_parties(dctx *d)
{
    double minor = pol_setting_num(d->p, "owner_screen_percent", 25) / 100.0;
    size_t n = d->g.nnodes + d->r.nintermediaries;
    d->parties = xg_arena_alloc(&d->arena, (n + 1) * sizeof *d->parties);
    for (size_t i = 0; i < d->g.nnodes; i++) {
        own_node *nd = &d->g.nodes[i];
        dparty *pt = &d->parties[d->nparties++];
        *pt = (dparty){.role = nd->role,
                       .name = nd->name,
                       .country = nd->country,
                       .headquarters = nd->headquarters,
                       .share = i ? nd->share : 1,
                       .node = (int)i};
        pt->is_party = i == 0 || (int)i == d->g.ultimate_parent || !nd->share_known ||
                       nd->share + 1e-9 >= minor;
        nd->user = pt;
        int rc = screen_party(d, pt, i == 0 ? d->r.ids : NULL, i == 0 ? d->r.nids : 0);
        if (rc) return rc;
    }
    for (size_t i = 0; i < d->r.nintermediaries; i++) {
        const dreq_party *ip = &d->r.intermediaries[i];
        dparty *pt = &d->parties[d->nparties++];
        *pt = (dparty){.role = "intermediary",
                       .name = ip->name,
                       .country = ip->country,
                       .headquarters = ip->headquarters,
                       .share = -1,
                       .is_party = true,
                       .node = -1};
        int rc = screen_party(d, pt, NULL, 0);
        if (rc) return rc;
    }
    return XG_OK;
}

/* ---- the classification cache ----
 * Classifying resource.item is a pure function of the catalog (immutable once loaded), the item
 * as given and the as-of date (the request's, or today's, resolved by the request parser), and a
 * deployment asks for a few items over and over; it costs ~0.12 M instructions a decision. So the
 * classifications are kept in a small table (CLS_CACHE_SLOTS entries, direct-mapped by a hash of
 * item and date, a new item replacing the one in its slot) shared by every thread under one mutex.
 * An entry is used only for the same catalog (its address and its version, the content hash), the
 * same item byte for byte and the same date. What the table holds is a copy of the classification
 * that owns every string it points to (cls_clone: an xg_classification points into its catalog,
 * which may be freed while the entry lives); a decision holds a reference on the copy it uses (an
 * entry replaced meanwhile is freed by the last decision holding it) and only reads it; its JSON
 * goes into the answer by reference, as the decision's own did (jansson's reference counts are
 * atomic and nothing writes to an answer's classification). An item that does not classify is not
 * cached. XG_DECIDE_CLASSIFY_CACHE=0 in the environment turns the cache off (for measurements). */
#define CLS_CACHE_SLOTS 256

typedef struct ccache_ref {
    xg_classification cl; /* the copy: its strings in `arena`, its JSON held */
    xg_arena arena;
    atomic_int refs;
    /* cl.json's texts, made by the first decision that writes them (decide_cls_text) */
    _Atomic(decide_text *) sorted, answer;
} ccache_ref;

/* cls_clone copies every pointer member of xg_classification, which ends with nexceptions; a
 * member added after it must be copied there too. */
_Static_assert(offsetof(xg_classification, nexceptions) + sizeof(size_t) ==
                   sizeof(xg_classification),
               "xg_classification gained a member: copy it in cls_clone");

static bool cls_str(xg_arena *a, const char **dst, const char *src)
{
    *dst = src ? xg_arena_strdup(a, src) : NULL;
    return !src || *dst;
}

static bool cls_strs(xg_arena *a, const char ***dst, const char *const *src, size_t n)
{
    *dst = NULL;
    if (!src) return true;
    const char **v = xg_arena_alloc(a, (n + 1) * sizeof *v);
    if (!v) return false;
    for (size_t i = 0; i < n; i++)
        if (!cls_str(a, &v[i], src[i])) return false;
    v[n] = NULL;
    *dst = v;
    return true;
}

static void ccache_unref(ccache_ref *r)
{
    if (r && atomic_fetch_sub(&r->refs, 1) == 1) {
        free(atomic_load(&r->sorted));
        free(atomic_load(&r->answer));
        json_decref(r->cl.json);
        xg_arena_free(&r->arena);
        free(r);
    }
}

/* A copy of `cl` that owns all it points to, with one reference (the caller's); NULL for memory. */
static ccache_ref *cls_clone(const xg_classification *cl)
{
    ccache_ref *r = malloc(sizeof *r);
    if (!r) return NULL;
    r->cl = *cl;
    r->cl.json = NULL;
    r->cl.priv = NULL;
    xg_arena_init(&r->arena, 1024);
    atomic_init(&r->refs, 1);
    atomic_init(&r->sorted, NULL);
    atomic_init(&r->answer, NULL);
    xg_arena *a = &r->arena;
    xg_classification *c = &r->cl;
    bool ok =
        cls_str(a, &c->item, cl->item) && cls_str(a, &c->canonical, cl->canonical) &&
        cls_str(a, &c->eccn, cl->eccn) && cls_str(a, &c->paragraph, cl->paragraph) &&
        cls_strs(a, &c->overlays, cl->overlays, cl->noverlays) &&
        cls_str(a, &c->regime, cl->regime) && cls_str(a, &c->provider, cl->provider) &&
        cls_strs(a, &c->unsupported_regions, cl->unsupported_regions, cl->nunsupported_regions) &&
        cls_str(a, &c->component, cl->component) &&
        cls_strs(a, &c->exceptions, cl->exceptions, cl->nexceptions);
    c->license = NULL;
    if (ok && cl->license) {
        xg_license_req *l = xg_arena_alloc(a, (cl->nlicense + 1) * sizeof *l);
        ok = l != NULL;
        for (size_t i = 0; ok && i < cl->nlicense; i++)
            ok = cls_str(a, &l[i].scope, cl->license[i].scope) &&
                 cls_str(a, &l[i].policy, cl->license[i].policy) &&
                 cls_str(a, &l[i].citation, cl->license[i].citation);
        c->license = l;
    }
    c->json = json_incref(cl->json);
    if (!ok) {
        ccache_unref(r);
        return NULL;
    }
    return r;
}

typedef struct ccache_entry {
    const void *catalog;
    char *catalog_version, *item, *as_of;
    ccache_ref *ref;
} ccache_entry;

static pthread_mutex_t ccache_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t ccache_once = PTHREAD_ONCE_INIT;
static bool ccache_on;
static ccache_entry *ccache;

static void ccache_init(void)
{
    if (cache_wanted("XG_DECIDE_CLASSIFY_CACHE")) ccache = calloc(CLS_CACHE_SLOTS, sizeof *ccache);
    ccache_on = ccache != NULL;
}

static void ccache_clear(ccache_entry *e)
{
    free(e->catalog_version);
    free(e->item);
    free(e->as_of);
    ccache_unref(e->ref);
    memset(e, 0, sizeof *e);
}

static size_t ccache_slot(const char *item, const char *as_of)
{
    return cache_slot(item, as_of, CLS_CACHE_SLOTS);
}

/* The decision lets go of its classification: the cache's copy is released, its own freed. */
static void cls_release(dctx *d)
{
    if (d->cls_ref)
        ccache_unref(d->cls_ref);
    else if (d->cls)
        xg_classification_free(d->cls);
    d->cls = NULL;
    d->cls_ref = NULL;
}

/* A hit sets d->cls to the cached copy, held by the decision (d->cls_ref). */
static bool ccache_get(dctx *d)
{
    pthread_once(&ccache_once, ccache_init);
    if (!ccache_on || !d->r.item || !d->r.as_of) return false;
    pthread_mutex_lock(&ccache_lock);
    ccache_entry *e = &ccache[ccache_slot(d->r.item, d->r.as_of)];
    if (e->ref && e->catalog == d->ctx->catalog && !strcmp(e->item, d->r.item) &&
        !strcmp(e->as_of, d->r.as_of) &&
        !strcmp(e->catalog_version, xg_catalog_version(d->ctx->catalog))) {
        atomic_fetch_add(&e->ref->refs, 1);
        d->cls_ref = e->ref;
        d->cls = &e->ref->cl;
    }
    pthread_mutex_unlock(&ccache_lock);
    return d->cls_ref != NULL;
}

/* Keep a copy of the decision's fresh classification (the decision keeps its own). */
static void ccache_put(const dctx *d)
{
    if (!ccache_on || !d->r.item || !d->r.as_of || !d->cls) return;
    ccache_entry n = {.catalog = d->ctx->catalog,
                      .catalog_version = strdup(xg_catalog_version(d->ctx->catalog)),
                      .item = strdup(d->r.item),
                      .as_of = strdup(d->r.as_of),
                      .ref = cls_clone(d->cls)};
    if (!n.catalog_version || !n.item || !n.as_of || !n.ref) {
        ccache_clear(&n);
        return;
    }
    pthread_mutex_lock(&ccache_lock);
    ccache_entry *e = &ccache[ccache_slot(n.item, n.as_of)];
    ccache_clear(e);
    *e = n;
    pthread_mutex_unlock(&ccache_lock);
}

/* The cached classification's text, kept with it: every decision on a cached item writes the
 * same classification twice (sorted for the store, in order for the answer). Made once, by the
 * first decision that needs it, and published with a compare-and-swap (a decision that loses the
 * race frees its own and takes the winner's). */
const decide_text *decide_cls_text(const dctx *d, xg_decide_encoder enc)
{
    ccache_ref *r = d->cls_ref;
    if (!r || d->cls != &r->cl) return NULL;
    _Atomic(decide_text *) *slot = enc ? &r->answer : &r->sorted;
    decide_text *t = atomic_load(slot);
    if (t) return t->enc == enc ? t : NULL;
    xg_buf b;
    xg_buf_init(&b);
    int rc = xg_buf_reserve(&b, 4095);
    if (!rc) rc = enc ? enc(&b, r->cl.json) : store_json_sorted_append(&b, r->cl.json, 1);
    t = rc ? NULL : malloc(sizeof *t + b.len + 1);
    if (t) {
        t->enc = enc;
        t->len = b.len;
        memcpy(t->text, b.data, b.len);
        t->text[b.len] = '\0';
    }
    xg_buf_free(&b);
    decide_text *none = NULL;
    if (t && !atomic_compare_exchange_strong(slot, &none, t)) {
        free(t);
        t = none;
    }
    return t && t->enc == enc ? t : NULL;
}

/* A provider name folded to its family: lower case, spaces and underscores as '-', then the
 * settings' alias table (`provider_aliases`: gcp=google …), else the part before the first '-'
 * ("aws-bedrock" → "aws", "azure-openai" → "azure"). */
static const char *provider_family(dctx *d, const char *name)
{
    char *f = xg_arena_strdup(&d->arena, name);
    for (char *c = f; *c; c++)
        *c = *c == ' ' || *c == '_' ? '-' : (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
    const char *aliases = pol_setting_str(d->p, "provider_aliases", "");
    size_t n = strlen(f);
    for (const char *a = aliases; (a = strstr(a, f)); a += n)
        if ((a == aliases || a[-1] == ' ') && a[n] == '=') {
            size_t m = strcspn(a + n + 1, " ");
            return xg_arena_strndup(&d->arena, a + n + 1, m);
        }
    f[strcspn(f, "-")] = '\0';
    return f;
}

static const char *cls_provider(const xg_classification *cl)
{
    const char *v = json_string_value(json_object_get(cl->json, "vendor"));
    return cl->provider ? cl->provider : v ? v : "";
}

/* The same model vendor's service offered by `family` (Claude asked for through "aws" is Claude
 * on Amazon Bedrock); NULL when the catalog has none. */
static xg_classification *model_by_provider(dctx *d, const char *family)
{
    const char *vendor = json_string_value(json_object_get(d->cls->json, "model_vendor"));
    for (size_t i = 0; vendor && i < xg_catalog_size(d->ctx->catalog); i++) {
        const xg_catalog_entry *e = xg_catalog_entry_at(d->ctx->catalog, i);
        if (e->kind != XG_ITEM_MODEL || strcmp(provider_family(d, e->vendor), family)) continue;
        xg_classification *c;
        if (xg_classify_item(&c, d->ctx->catalog, e->name, d->r.as_of)) continue;
        const char *v = json_string_value(json_object_get(c->json, "model_vendor"));
        if (v && !strcmp(v, vendor)) return c;
        xg_classification_free(c);
    }
    return NULL;
}

/* resource.provider must be the one that offers the instance or model service: renting
 * p5.48xlarge "from gcp" is a contradiction an analyst must see, not a detail to drop. A model
 * named generically ("claude") with a platform ("aws") is that vendor's service on it. Chips and
 * systems are shipped by whoever sells them, so their provider is only recorded. */
static int check_provider(dctx *d)
{
    if (!d->r.provider || !*d->r.provider ||
        (d->cls->kind != XG_ITEM_INSTANCE && d->cls->kind != XG_ITEM_MODEL))
        return XG_OK;
    const char *want = provider_family(d, d->r.provider), *have = cls_provider(d->cls);
    if (!strcmp(want, provider_family(d, have))) return XG_OK;
    xg_classification *alt = d->cls->kind == XG_ITEM_MODEL ? model_by_provider(d, want) : NULL;
    if (!alt)
        return xg_error_set(XG_EINVAL, "resource.provider: '%s', but %s is offered by %s",
                            d->r.provider, d->cls->canonical, have);
    d->resolved_note = xg_arena_printf(&d->arena, "'%s' through provider '%s' is %s", d->r.item,
                                       d->r.provider, alt->canonical);
    cls_release(d);
    d->cls = alt;
    return XG_OK;
}

/* resource.kind "instance" with a chip or system named is capacity of that hardware rented
 * (remote access), not shipped; "system" with an instance named is accepted as the instance. */
static int classify(dctx *d)
{
    int rc =
        ccache_get(d) ? XG_OK : xg_classify_item(&d->cls, d->ctx->catalog, d->r.item, d->r.as_of);
    if (!rc && !d->cls_ref) ccache_put(d);
    if (rc) {
        char msg[768];
        snprintf(msg, sizeof msg, "%s", xg_error_message());
        return xg_error_set(rc, "resource.item: %s", msg);
    }
    const char *kind = xg_item_kind_name(d->cls->kind);
    bool hardware = d->cls->kind == XG_ITEM_CHIP || d->cls->kind == XG_ITEM_SYSTEM;
    bool rented = d->r.kind && !strcmp(d->r.kind, "instance") && hardware;
    if (d->r.kind && strcmp(d->r.kind, kind) && !rented &&
        !(!strcmp(d->r.kind, "system") && d->cls->kind == XG_ITEM_INSTANCE))
        return xg_error_set(XG_EINVAL, "resource.kind: '%s', but %s is a %s", d->r.kind,
                            d->cls->canonical, kind);
    if ((rc = check_provider(d))) return rc;
    d->delivery = d->cls->kind == XG_ITEM_MODEL                ? "model"
                  : d->cls->kind == XG_ITEM_INSTANCE || rented ? "remote"
                                                               : "export";
    d->compute =
        d->cls->eccn && (!strncmp(d->cls->eccn, "3A090", 5) || !strncmp(d->cls->eccn, "4A090", 5));
    return XG_OK;
}

/* What was asked for, echoed with the delivery it was judged as: the count (and the total TPP it
 * makes) and the tokens are evidence for an analyst and the CIP record, not conditions of any
 * rule in force (the AI Diffusion caps that counted TPP are encoded but off). */
static json_t *resource_json(const dctx *d)
{
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:s}", "item", d->r.item, "canonical", d->cls->canonical, "kind",
                  d->r.kind ? d->r.kind : xg_item_kind_name(d->cls->kind), "delivery", d->delivery);
    if (d->r.provider) json_object_set_new(o, "provider", json_string(d->r.provider));
    if (d->resolved_note) json_object_set_new(o, "resolved", json_string(d->resolved_note));
    json_object_set_new(o, "count", d->r.count > 0 ? json_real(d->r.count) : json_null());
    json_object_set_new(o, "tokens", d->r.tokens > 0 ? json_real(d->r.tokens) : json_null());
    if (d->cls->tpp > 0)
        json_object_set_new(o, "tpp_total",
                            json_real(d->cls->tpp * (d->r.count > 0 ? d->r.count : 1)));
    return o;
}

static void source_country(dctx *d)
{
    if (d->r.source_country) {
        d->source_country = d->r.source_country;
        d->source_country_from = "request";
    } else if (d->r.source_ip) {
        d->source_country = geo_country(d->r.source_ip, d->p, &d->geo_info);
        d->source_country_from =
            d->source_country ? "geoip" : "geoip (no country for this address)";
    }
}

static json_t *parties_json(const dctx *d)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < d->nparties; i++) {
        const dparty *pt = &d->parties[i];
        json_t *o = json_pack("{s:s,s:s,s:O}", "role", pt->role, "name", pt->name, "screening",
                              pt->screening);
        if (pt->country) json_object_set_new(o, "country", json_string(pt->country));
        if (pt->headquarters) json_object_set_new(o, "headquarters", json_string(pt->headquarters));
        if (pt->cleared) json_object_set(o, "cleared", pt->cleared);
        if (pt->node > 0) {
            const own_node *n = &d->g.nodes[pt->node];
            json_object_set_new(o, "share_percent",
                                n->share_known || n->share > 0 ? json_real(pct(n->share))
                                                               : json_null());
            json_object_set_new(o, "source", json_string(n->source));
        }
        if (pt->near_miss > 0)
            json_object_set_new(o, "near_miss",
                                json_pack("{s:f,s:s}", "score", pt->near_miss, "candidate",
                                          pt->near_miss_name ? pt->near_miss_name : ""));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *ownership_json(const dctx *d)
{
    json_t *edges = json_array();
    for (size_t i = 0; i < d->g.nedges; i++) {
        const own_edge *e = &d->g.edges[i];
        json_array_append_new(edges,
                              json_pack("{s:s,s:s,s:o,s:s}", "owner", d->g.nodes[e->owner].name,
                                        "owned", d->g.nodes[e->owned].name, "percent",
                                        e->percent >= 0 ? json_real(e->percent) : json_null(),
                                        "source", e->source ? e->source : ""));
    }
    json_t *up = json_null();
    if (d->g.ultimate_parent >= 0) {
        const own_node *n = &d->g.nodes[d->g.ultimate_parent];
        up = json_pack("{s:s,s:s}", "name", n->name, "how", d->g.ultimate_parent_how);
        if (n->headquarters) json_object_set_new(up, "headquarters", json_string(n->headquarters));
    }
    return json_pack("{s:o,s:o,s:O,s:O}", "ultimate_parent", up, "edges", edges, "cycles",
                     d->g.cycles, "missing", d->g.missing);
}

static json_t *response_json(const dctx *d)
{
    json_t *access = json_object();
    json_object_set_new(access, "source_country",
                        d->source_country ? json_string(d->source_country) : json_null());
    if (d->source_country_from)
        json_object_set_new(access, "source_country_from", json_string(d->source_country_from));
    if (d->geo_info && d->r.source_ip && !d->r.source_country)
        json_object_set_new(access, "geoip_database", json_string(d->geo_info));
    json_object_set_new(access, "payment_country",
                        d->r.payment_country ? json_string(d->r.payment_country) : json_null());
    json_object_set_new(access, "delivery", json_string(d->delivery));
    json_t *versions =
        json_pack("{s:s,s:s,s:s,s:s,s:s}", "lists", xg_snapshot_hash(d->ctx->snapshot), "catalog",
                  xg_catalog_version(d->ctx->catalog), "policy", d->r.policy, "policy_data",
                  d->p->version, "as_of", d->r.as_of);
    json_object_set_new(versions, "list_origin",
                        json_string(d->ctx->list_origin ? d->ctx->list_origin : "unknown"));
    json_object_set_new(versions, "list_versions",
                        json_is_object(d->ctx->list_versions)
                            ? json_deep_copy(d->ctx->list_versions)
                            : json_object());
    return json_pack("{s:n,s:s,s:O,s:o,s:o,s:O,s:o,s:o,s:o}", "decision_id", "decision",
                     xg_outcome_name(d->outcome), "reasons", d->reasons, "parties", parties_json(d),
                     "resource", resource_json(d), "classification", d->cls->json, "ownership",
                     ownership_json(d), "access", access, "versions", versions);
}

static void dctx_free(dctx *d)
{
    for (size_t i = 0; i < d->nparties; i++) {
        json_decref(d->parties[i].screening);
        json_decref(d->parties[i].cleared);
    }
    own_free(&d->g);
    json_decref(d->reasons);
    json_decref(d->licenses);
    json_decref(d->r.json);
    cls_release(d);
    xg_arena_free(&d->arena);
}

static int ownership_depth(const xg_policy_set *p)
{
    return (int)pol_setting_num(p, "max_ownership_depth", 12);
}

static dctx dctx_new(const xg_decide_ctx *ctx)
{
    dctx d = {.ctx = ctx, .p = ctx->policies, .reasons = json_array()};
    xg_arena_init(&d.arena, 16 * 1024);
    return d;
}

/* The engine after the request is parsed into d->r and its ownership graph built into d->g
 * (rc: how that went); d is left for the answer. */
static int decide_engine(dctx *d, const json_t *facts, int rc)
{
    if (!rc) {
        d->pr = pol_profile_find(d->p, d->r.policy);
        d->profile_index = pol_profile_index(d->r.policy);
        rc = classify(d);
    }
    if (!rc) source_country(d);
    d->clearances = json_object_get(facts, "clearances"); /* absent in older facts: none */
    if (!rc) rc = collect_parties(d);
    if (!rc) {
        d->licenses = json_incref(json_object_get(facts, "licenses"));
        d->open_alerts = json_object_get(facts, "open_alerts"); /* absent in older facts: none */
        d->usage = json_object_get(facts, "usage");
    }
    if (!rc) rc = rules_apply(d);
    if (!rc) rc = decide_open_alerts(d);
    return rc;
}

/* decide_engine, then the response tree; frees d. */
static int decide_rest(json_t **response, dctx *d, const json_t *facts, int rc)
{
    rc = decide_engine(d, facts, rc);
    if (!rc) *response = response_json(d);
    dctx_free(d);
    return rc;
}

/* The engine proper: pure over (request, facts, lists, catalog, policy, as-of). Nothing from here
 * on reads the store; what it would have read is in `facts` (facts.h). */
static int decide_over(json_t **response, const xg_decide_ctx *ctx, const json_t *request,
                       const json_t *facts)
{
    dctx d = dctx_new(ctx);
    const json_t *record = json_object_get(facts, "customer");
    int rc = dreq_parse(&d.r, &d.arena, request, d.p, json_is_object(record) ? record : NULL,
                        ctx->default_policy, ctx->default_as_of);
    /* the walk over recorded facts fails only for memory, so it may precede classification */
    if (!rc) {
        own_source src = facts_ownership_source(facts);
        rc = own_build(&d.g, &d.arena, &d.r, &src, ownership_depth(d.p));
    }
    return decide_rest(response, &d, facts, rc);
}

static int check_ctx(const xg_decide_ctx *ctx)
{
    if (!ctx || !ctx->policies || !ctx->snapshot || !ctx->catalog)
        return xg_error_set(XG_EINVAL, "decide: the context needs lists, a catalog and policies");
    return XG_OK;
}

/* The facts from the store, and the list versions the context loaded (which versions were in
 * force is read from the store too, and a replay names a change of them as a fact). With `keep`,
 * the request parsed and the graph walked while gathering are kept for the engine
 * (facts_gather_parsed). */
static int gather_keep(json_t **facts, const xg_decide_ctx *ctx, const json_t *request,
                       facts_parsed *keep)
{
    int rc = facts_gather_parsed(facts, ctx->store, request, ctx->policies, ctx->default_policy,
                                 ctx->default_as_of, ownership_depth(ctx->policies), keep);
    if (!rc &&
        json_object_set_new(*facts, "list_versions",
                            json_is_object(ctx->list_versions) ? json_deep_copy(ctx->list_versions)
                                                               : json_object()))
        rc = xg_error_set(XG_ENOMEM, "decide: out of memory");
    return rc;
}

static int gather(json_t **facts, const xg_decide_ctx *ctx, const json_t *request)
{
    return gather_keep(facts, ctx, request, NULL);
}

/* Gather the facts and decide over them, parsing the request and walking its owners once: the
 * graph walked over the store's answers is the one the engine would build from the facts
 * recorded (the same request asks the same questions), so with a store the engine takes both
 * over; without one it parses and walks the empty facts itself, as a replay does. */
static int gather_and_decide(json_t **response, json_t **facts, const xg_decide_ctx *ctx,
                             const json_t *request)
{
    *facts = NULL;
    if (!ctx->store) {
        int rc = gather(facts, ctx, request);
        return rc ? rc : decide_over(response, ctx, request, *facts);
    }
    dctx d = dctx_new(ctx);
    facts_parsed keep = {&d.arena, &d.r, &d.g};
    int rc = gather_keep(facts, ctx, request, &keep);
    if (rc) {
        dctx_free(&d);
        return rc;
    }
    return decide_rest(response, &d, *facts, XG_OK);
}

/* Gather the facts, decide over them, and record the decision with its facts (canonical JSON,
 * hashed into the audit chain with the rest of the row). */
int xg_decide(json_t **response, const xg_decide_ctx *ctx, const json_t *request)
{
    int rc = check_ctx(ctx);
    json_t *facts = NULL, *resp = NULL;
    if (!rc) rc = gather_and_decide(&resp, &facts, ctx, request);
    if (!rc && ctx->store) {
        char *canon = facts_canonical(facts);
        rc = canon ? xg_store_decision_record_facts(ctx->store, resp, request, canon)
                   : xg_error_set(XG_ENOMEM, "decide: out of memory");
        free(canon);
    }
    json_decref(facts);
    if (rc) {
        json_decref(resp);
        return rc;
    }
    *response = resp;
    return XG_OK;
}

/* The answer through the tree (xg_decide's way), written by enc. */
static int write_tree(xg_buf *b, const char **outcome, json_t *resp, xg_decide_encoder enc)
{
    *outcome =
        xg_outcome_name(xg_outcome_parse(json_string_value(json_object_get(resp, "decision"))));
    int rc =
        enc(b, resp) ? xg_error_set(XG_ENOMEM, "decide: the answer could not be written") : XG_OK;
    json_decref(resp);
    return rc;
}

int xg_decide_write(xg_buf *b, const char **outcome, const xg_decide_ctx *ctx,
                    const json_t *request, xg_decide_encoder enc)
{
    int rc = check_ctx(ctx);
    if (rc) return rc;
    if (!ctx->store) { /* a dry run: rare, the tree */
        json_t *resp = NULL;
        rc = xg_decide(&resp, ctx, request);
        return rc ? rc : write_tree(b, outcome, resp, enc);
    }
    dctx d = dctx_new(ctx);
    facts_parsed keep = {&d.arena, &d.r, &d.g};
    json_t *facts = NULL;
    rc = gather_keep(&facts, ctx, request, &keep);
    if (!rc) rc = decide_engine(&d, facts, XG_OK);
    char *canon = rc ? NULL : facts_canonical(facts);
    if (!rc && !canon) rc = xg_error_set(XG_ENOMEM, "decide: out of memory");
    xg_buf text;
    xg_buf_init(&text);
    size_t tail_at = 0;
    int w = rc ? 0 : decide_write_sorted(&d, &text, &tail_at);
    if (w < 0) rc = xg_error_set(XG_ENOMEM, "decide: out of memory");
    if (!rc && w == 0) {
        xg_store_decision_text t = {.outcome = xg_outcome_name(d.outcome),
                                    .resp_head = text.data,
                                    .resp_tail = text.data + tail_at,
                                    .lists = xg_snapshot_hash(ctx->snapshot),
                                    .catalog = xg_catalog_version(ctx->catalog),
                                    .policy = d.r.policy,
                                    .as_of = d.r.as_of,
                                    .customer = d.nparties ? d.parties[0].name : NULL,
                                    .source_country = d.source_country};
        rc = xg_store_decision_record_text(ctx->store, &t, request, canon);
        if (!rc && decide_write_answer(&d, b, enc, t.id, t.created, t.seq, t.hash))
            rc = xg_error_set(XG_ENOMEM, "decide: the answer could not be written");
        *outcome = t.outcome;
        dctx_free(&d);
    } else if (!rc) { /* left to the tree: recorded and answered as xg_decide does */
        json_t *resp = response_json(&d);
        dctx_free(&d);
        rc = resp ? xg_store_decision_record_facts(ctx->store, resp, request, canon)
                  : xg_error_set(XG_ENOMEM, "decide: out of memory");
        if (!rc)
            rc = write_tree(b, outcome, resp, enc);
        else
            json_decref(resp);
    } else {
        dctx_free(&d);
    }
    xg_buf_free(&text);
    free(canon);
    json_decref(facts); /* after d: its clearances, alerts and usage are borrowed from the facts */
    return rc;
}

int xg_decide_batch(json_t **responses, size_t *bad, const xg_decide_ctx *ctx,
                    const json_t *requests)
{
    *bad = (size_t)-1;
    int rc = check_ctx(ctx);
    if (rc) return rc;
    if (!json_is_array(requests))
        return xg_error_set(XG_EINVAL, "requests: expected an array of decide requests");
    size_t n = json_array_size(requests);
    if (n > XG_STORE_BATCH_MAX)
        return xg_error_set(XG_ETOOBIG, "requests: %zu requests; the limit is %d", n,
                            XG_STORE_BATCH_MAX);
    json_t **resp = calloc(n + 1, sizeof *resp);
    char **canon = calloc(n + 1, sizeof *canon);
    const json_t **reqs = calloc(n + 1, sizeof *reqs);
    if (!resp || !canon || !reqs) rc = xg_error_set(XG_ENOMEM, "decide: out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *facts = NULL;
        reqs[i] = json_array_get(requests, i);
        rc = gather_and_decide(&resp[i], &facts, ctx, reqs[i]);
        if (!rc && ctx->store && !(canon[i] = facts_canonical(facts)))
            rc = xg_error_set(XG_ENOMEM, "decide: out of memory");
        json_decref(facts);
        if (rc) {
            /* name the item: "requests[3].customer.country: …" */
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", xg_error_message());
            xg_error_set(rc, "requests[%zu].%s", i, msg);
            *bad = i;
        }
    }
    if (!rc && ctx->store && n)
        rc = xg_store_decisions_record_batch(ctx->store, resp, reqs, (const char *const *)canon, n);
    json_t *out = rc ? NULL : json_array();
    for (size_t i = 0; i < n && resp; i++) {
        if (out && resp[i])
            json_array_append_new(out, resp[i]);
        else
            json_decref(resp[i]);
        if (canon) free(canon[i]);
    }
    free(resp);
    free(canon);
    free(reqs);
    if (!rc) *responses = out;
    return rc;
}

static json_t *summary(const json_t *resp)
{
    json_t *rules = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(resp, "reasons"), i, r) json_array_append_new(
        rules, json_pack("{s:O,s:O,s:O}", "rule", json_object_get(r, "rule"), "outcome",
                         json_object_get(r, "outcome"), "detail", json_object_get(r, "detail")));
    return json_pack("{s:O,s:O,s:o}", "decision", json_object_get(resp, "decision"), "versions",
                     json_object_get(resp, "versions"), "reasons", rules);
}

static json_t *versions_differ(const json_t *ov, const json_t *nv)
{
    json_t *differs = json_array();
    const char *keys[] = {"lists", "list_versions", "catalog", "policy", "policy_data", "as_of"};
    json_t *none = json_object(); /* a decision recorded before list versions: none named */
    for (int i = 0; i < 6; i++) {
        const json_t *a = json_object_get(ov, keys[i]), *b = json_object_get(nv, keys[i]);
        if (i == 1 && !a) a = none;
        if (i == 1 && !b) b = none;
        if (!json_equal(a, b)) json_array_append_new(differs, json_string(keys[i]));
    }
    json_decref(none);
    return differs;
}

/* Which facts a replay decides over, what differs between the stored facts and the current store,
 * and the note that says what that means. *facts is a new reference. */
static int replay_facts(json_t **facts, json_t *out, const xg_decide_ctx *ctx, const json_t *stored,
                        xg_replay_facts mode)
{
    const json_t *request = json_object_get(stored, "request");
    const json_t *kept = json_object_get(stored, "facts");
    bool have = json_is_object(kept);
    json_t *now = NULL;
    int rc = gather(&now, ctx, request);
    if (rc && (mode == XG_REPLAY_CURRENT_STORE || !have)) return rc;
    json_t *differ = json_null();
    if (have && now && (rc = facts_diff(&differ, kept, now))) {
        json_decref(now);
        return rc;
    }
    bool use_kept = have && mode == XG_REPLAY_STORED_FACTS;
    json_object_set_new(out, "facts_used", json_string(use_kept ? "stored" : "current store"));
    json_object_set_new(out, "facts_differ", differ);
    const char *note = NULL;
    if (!have)
        note = "decided before facts were stored with decisions: replayed over the current store; "
               "what the store held then is not known, so a changed outcome may come from the "
               "store as well as from the versions";
    else if (!now)
        note = "the current store could not be read for this request; replayed over the stored "
               "facts";
    else if (use_kept && json_array_size(differ))
        note = "replayed over the stored facts; the store has changed since (facts_differ): "
               "--current-store decides over what it holds now";
    if (note) json_object_set_new(out, "note", json_string(note));
    if (use_kept) {
        json_decref(now);
        *facts = json_incref((json_t *)kept);
    } else {
        *facts = now;
    }
    return XG_OK;
}

int xg_decide_replay_with(json_t **out, const xg_decide_ctx *ctx, const char *decision_id,
                          xg_replay_facts mode)
{
    int rc = check_ctx(ctx);
    if (rc) return rc;
    if (!ctx->store) return xg_error_set(XG_EINVAL, "replay: needs a store");
    json_t *stored;
    if ((rc = xg_store_decision_get(&stored, ctx->store, decision_id))) return rc;
    const json_t *orig = json_object_get(stored, "response");
    const json_t *ov = json_object_get(orig, "versions");
    xg_decide_ctx c = *ctx;
    c.default_policy = json_string_value(json_object_get(ov, "policy"));
    c.default_as_of = json_string_value(json_object_get(ov, "as_of"));
    json_t *res = json_pack("{s:s}", "decision_id", decision_id), *facts = NULL, *again = NULL;
    rc = replay_facts(&facts, res, &c, stored, mode);
    if (!rc) rc = decide_over(&again, &c, json_object_get(stored, "request"), facts);
    if (!rc) {
        bool holds =
            json_equal(json_object_get(orig, "decision"), json_object_get(again, "decision"));
        json_object_set_new(res, "holds", json_boolean(holds));
        json_object_set_new(res, "versions_differ",
                            versions_differ(ov, json_object_get(again, "versions")));
        json_object_set_new(res, "original", summary(orig));
        json_object_set_new(res, "replayed", summary(again));
        json_object_set(res, "review_status", json_object_get(stored, "review_status"));
        json_object_set(res, "final_outcome", json_object_get(stored, "final_outcome"));
    }
    json_decref(again);
    json_decref(facts);
    json_decref(stored);
    if (rc) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return XG_OK;
}

int xg_decide_replay(json_t **out, const xg_decide_ctx *ctx, const char *decision_id)
{
    return xg_decide_replay_with(out, ctx, decision_id, XG_REPLAY_STORED_FACTS);
}
