/*
 * decide_write.c — a decision's response written as JSON text, without its tree (issue 11).
 *
 * decide.c's response_json builds the answer as a jansson tree; the store writes it sorted
 * (json_dumps with JSON_COMPACT | JSON_SORT_KEYS: the row and the audit payload) and the HTTP
 * service encodes it in insertion order with "created" and "audit" added after the commit. These
 * writers produce both texts from the decision itself, byte for byte: every object of
 * response_json is a list of fields in its insertion order (sorted as jansson sorts keys for the
 * stored form); the parts that are trees already (a party's screening and cleared hits, the
 * reasons, the classification, the graph's cycles and missing, the list versions) are encoded
 * from their trees — sorted by store_json_sorted_append, in order by the caller's encoder.
 *
 * Where the tree would come out otherwise than the fields say (a NULL string json_pack refuses or
 * json_object_set_new drops, a string that is not UTF-8, a real jansson will not hold) the sorted
 * writer answers 1 and the caller builds the tree instead; the answer writer runs only after the
 * sorted one succeeded on the same decision, so it meets none of those.
 * tests/unit/policy/test_decide_write.c compares the texts with the tree's on many decisions.
 */
#include "policy/decide_internal.h"
#include "store/json_sorted.h"

#include <math.h>
#include <string.h>

enum { W_OK = 0, W_FALLBACK = 1, W_NOMEM = -1 };
enum { F_STR, F_NULL, F_REAL, F_TREE, F_EMPTY_OBJ, F_FN };

typedef struct wctx {
    xg_buf *b;
    bool sorted;           /* the store's form; else the answer's (insertion order) */
    xg_decide_encoder enc; /* the answer's encoder of trees */
    const dctx *d;
} wctx;

typedef struct wfield {
    const char *key;
    int kind;
    const char *s;
    double v;
    const json_t *j;
    int (*fn)(wctx *, const void *);
    const void *arg;
} wfield;

static int w_lit(wctx *w, const char *s, size_t n)
{
    return xg_buf_append(w->b, s, n) ? W_NOMEM : W_OK;
}

static int w_str(wctx *w, const char *s)
{
    if (!s) return W_FALLBACK;
    int rc = xg_buf_json_string(w->b, s, strlen(s));
    return rc == -2 ? W_FALLBACK : rc ? W_NOMEM : W_OK;
}

/* json_real refuses what is not finite; the store writes "%.17g" in jansson's 25 bytes, the answer
 * "%.12g" as the server's encoder does (json_put_real). */
static int w_real(wctx *w, double v)
{
    if (!isfinite(v)) return W_FALLBACK;
    int rc = w->sorted ? xg_buf_json_real(w->b, v, 17, 25) : xg_buf_json_real(w->b, v, 12, 48);
    return rc == -2 ? W_FALLBACK : rc ? W_NOMEM : W_OK;
}

static int w_tree(wctx *w, const json_t *j, int depth)
{
    if (!j) return W_FALLBACK;
    if (w->sorted) return store_json_sorted_append(w->b, j, depth);
    return w->enc(w->b, j) ? W_NOMEM : W_OK;
}

/* jansson's compare_keys (the keys here are plain ASCII without NUL) */
static int key_cmp(const char *a, const char *b)
{
    return strcmp(a, b);
}

static int w_object(wctx *w, wfield *f, size_t n, int depth)
{
    if (w->sorted)
        for (size_t i = 1; i < n; i++) {
            wfield x = f[i];
            size_t k = i;
            for (; k > 0 && key_cmp(f[k - 1].key, x.key) > 0; k--)
                f[k] = f[k - 1];
            f[k] = x;
        }
    int rc = w_lit(w, "{", 1);
    for (size_t i = 0; i < n && !rc; i++) {
        if (i) rc = w_lit(w, ",", 1);
        if (!rc) rc = w_str(w, f[i].key);
        if (!rc) rc = w_lit(w, ":", 1);
        if (rc) break;
        switch (f[i].kind) {
        case F_STR:
            rc = w_str(w, f[i].s);
            break;
        case F_NULL:
            rc = w_lit(w, "null", 4);
            break;
        case F_REAL:
            rc = w_real(w, f[i].v);
            break;
        case F_TREE:
            rc = w_tree(w, f[i].j, depth + 1);
            break;
        case F_EMPTY_OBJ:
            rc = w_lit(w, "{}", 2);
            break;
        default:
            rc = f[i].fn(w, f[i].arg);
        }
    }
    return rc ? rc : w_lit(w, "}", 1);
}

#define STR(k, v) ((wfield){.key = (k), .kind = F_STR, .s = (v)})
#define STR_OR_NULL(k, v) ((v) ? STR(k, v) : (wfield){.key = (k), .kind = F_NULL})
#define REAL(k, x) ((wfield){.key = (k), .kind = F_REAL, .v = (x)})
#define NUL(k) ((wfield){.key = (k), .kind = F_NULL})
#define TREE(k, t) ((wfield){.key = (k), .kind = F_TREE, .j = (t)})
#define FN(k, f, a) ((wfield){.key = (k), .kind = F_FN, .fn = (f), .arg = (a)})

/* ---- parties_json ---- */

static int w_near_miss(wctx *w, const void *arg)
{
    const dparty *pt = arg;
    wfield f[] = {REAL("score", pt->near_miss),
                  STR("candidate", pt->near_miss_name ? pt->near_miss_name : "")};
    return w_object(w, f, 2, 3);
}

static int w_party(wctx *w, const dparty *pt)
{
    const dctx *d = w->d;
    wfield f[12];
    size_t n = 0;
    f[n++] = STR("role", pt->role);
    f[n++] = STR("name", pt->name);
    f[n++] = TREE("screening", pt->screening);
    if (pt->country) f[n++] = STR("country", pt->country);
    if (pt->headquarters) f[n++] = STR("headquarters", pt->headquarters);
    if (pt->cleared) f[n++] = TREE("cleared", pt->cleared);
    if (pt->node > 0) {
        const own_node *nd = &d->g.nodes[pt->node];
        f[n++] = nd->share_known || nd->share > 0 ? REAL("share_percent", pct(nd->share))
                                                  : NUL("share_percent");
        f[n++] = STR("source", nd->source);
    }
    if (pt->near_miss > 0) f[n++] = FN("near_miss", w_near_miss, pt);
    return w_object(w, f, n, 2);
}

static int w_parties(wctx *w, const void *arg)
{
    (void)arg;
    int rc = w_lit(w, "[", 1);
    for (size_t i = 0; i < w->d->nparties && !rc; i++) {
        if (i) rc = w_lit(w, ",", 1);
        if (!rc) rc = w_party(w, &w->d->parties[i]);
    }
    return rc ? rc : w_lit(w, "]", 1);
}

/* ---- resource_json ---- */

static int w_resource(wctx *w, const void *arg)
{
    (void)arg;
    const dctx *d = w->d;
    wfield f[10];
    size_t n = 0;
    f[n++] = STR("item", d->r.item);
    f[n++] = STR("canonical", d->cls->canonical);
    f[n++] = STR("kind", d->r.kind ? d->r.kind : xg_item_kind_name(d->cls->kind));
    f[n++] = STR("delivery", d->delivery);
    if (d->r.provider) f[n++] = STR("provider", d->r.provider);
    if (d->resolved_note) f[n++] = STR("resolved", d->resolved_note);
    f[n++] = d->r.count > 0 ? REAL("count", d->r.count) : NUL("count");
    f[n++] = d->r.tokens > 0 ? REAL("tokens", d->r.tokens) : NUL("tokens");
    if (d->cls->tpp > 0)
        f[n++] = REAL("tpp_total", d->cls->tpp * (d->r.count > 0 ? d->r.count : 1));
    return w_object(w, f, n, 1);
}

/* ---- ownership_json ---- */

static int w_edges(wctx *w, const void *arg)
{
    (void)arg;
    const own_graph *g = &w->d->g;
    int rc = w_lit(w, "[", 1);
    for (size_t i = 0; i < g->nedges && !rc; i++) {
        const own_edge *e = &g->edges[i];
        wfield f[] = {STR("owner", g->nodes[e->owner].name), STR("owned", g->nodes[e->owned].name),
                      e->percent >= 0 ? REAL("percent", e->percent) : NUL("percent"),
                      STR("source", e->source ? e->source : "")};
        if (i) rc = w_lit(w, ",", 1);
        if (!rc) rc = w_object(w, f, 4, 3);
    }
    return rc ? rc : w_lit(w, "]", 1);
}

static int w_parent(wctx *w, const void *arg)
{
    (void)arg;
    const own_graph *g = &w->d->g;
    const own_node *nd = &g->nodes[g->ultimate_parent];
    wfield f[3];
    size_t n = 0;
    f[n++] = STR("name", nd->name);
    f[n++] = STR("how", g->ultimate_parent_how);
    if (nd->headquarters) f[n++] = STR("headquarters", nd->headquarters);
    return w_object(w, f, n, 2);
}

static int w_ownership(wctx *w, const void *arg)
{
    (void)arg;
    const own_graph *g = &w->d->g;
    wfield f[] = {
        g->ultimate_parent >= 0 ? FN("ultimate_parent", w_parent, NULL) : NUL("ultimate_parent"),
        FN("edges", w_edges, NULL), TREE("cycles", g->cycles), TREE("missing", g->missing)};
    return w_object(w, f, 4, 1);
}

/* ---- the access and versions objects of response_json ---- */

static int w_access(wctx *w, const void *arg)
{
    (void)arg;
    const dctx *d = w->d;
    wfield f[5];
    size_t n = 0;
    f[n++] = STR_OR_NULL("source_country", d->source_country);
    if (d->source_country_from) f[n++] = STR("source_country_from", d->source_country_from);
    if (d->geo_info && d->r.source_ip && !d->r.source_country)
        f[n++] = STR("geoip_database", d->geo_info);
    f[n++] = STR_OR_NULL("payment_country", d->r.payment_country);
    f[n++] = STR("delivery", d->delivery);
    return w_object(w, f, n, 1);
}

static int w_versions(wctx *w, const void *arg)
{
    (void)arg;
    const dctx *d = w->d;
    const json_t *lv = d->ctx->list_versions;
    wfield f[] = {STR("lists", xg_snapshot_hash(d->ctx->snapshot)),
                  STR("catalog", xg_catalog_version(d->ctx->catalog)),
                  STR("policy", d->r.policy),
                  STR("policy_data", d->p->version),
                  STR("as_of", d->r.as_of),
                  STR("list_origin", d->ctx->list_origin ? d->ctx->list_origin : "unknown"),
                  json_is_object(lv) ? TREE("list_versions", lv)
                                     : (wfield){.key = "list_versions", .kind = F_EMPTY_OBJ}};
    return w_object(w, f, 7, 1);
}

/* ---- the response ---- */

int decide_write_sorted(const dctx *d, xg_buf *b, size_t *tail_at)
{
    /* sorted: access, classification, decision, decision_id | ownership, parties, reasons,
     * resource, versions; a response is 3-6 KB: one allocation for most */
    wctx w = {.b = b, .sorted = true, .d = d};
    if (xg_buf_reserve(b, 8191)) return W_NOMEM;
    int rc = w_lit(&w, "{\"access\":", 10);
    if (!rc) rc = w_access(&w, NULL);
    if (!rc) rc = w_lit(&w, ",\"classification\":", 18);
    const decide_text *ct = d->cls ? decide_cls_text(d, NULL) : NULL;
    if (!rc) rc = ct ? w_lit(&w, ct->text, ct->len) : w_tree(&w, d->cls ? d->cls->json : NULL, 1);
    if (!rc) rc = w_lit(&w, ",\"decision\":", 12);
    if (!rc) rc = w_str(&w, xg_outcome_name(d->outcome));
    if (!rc) rc = w_lit(&w, ",\"decision_id\":", 15);
    if (!rc) rc = w_lit(&w, "", 1); /* the head's NUL */
    *tail_at = b->len;
    if (!rc) rc = w_lit(&w, ",\"ownership\":", 13);
    if (!rc) rc = w_ownership(&w, NULL);
    if (!rc) rc = w_lit(&w, ",\"parties\":", 11);
    if (!rc) rc = w_parties(&w, NULL);
    if (!rc) rc = w_lit(&w, ",\"reasons\":", 11);
    if (!rc) rc = w_tree(&w, d->reasons, 1);
    if (!rc) rc = w_lit(&w, ",\"resource\":", 12);
    if (!rc) rc = w_resource(&w, NULL);
    if (!rc) rc = w_lit(&w, ",\"versions\":", 12);
    if (!rc) rc = w_versions(&w, NULL);
    if (!rc) rc = w_lit(&w, "}", 1); /* xg_buf_append ends it with a NUL */
    return rc;
}

int decide_write_answer(const dctx *d, xg_buf *b, xg_decide_encoder enc, const char *id,
                        const char *created, long long seq, const char *hash)
{
    wctx w = {.b = b, .sorted = false, .enc = enc, .d = d};
    int rc = w_lit(&w, "{\"decision_id\":", 15);
    if (!rc) rc = id ? w_str(&w, id) : w_lit(&w, "null", 4);
    if (!rc) rc = w_lit(&w, ",\"decision\":", 12);
    if (!rc) rc = w_str(&w, xg_outcome_name(d->outcome));
    if (!rc) rc = w_lit(&w, ",\"reasons\":", 11);
    if (!rc) rc = w_tree(&w, d->reasons, 1);
    if (!rc) rc = w_lit(&w, ",\"parties\":", 11);
    if (!rc) rc = w_parties(&w, NULL);
    if (!rc) rc = w_lit(&w, ",\"resource\":", 12);
    if (!rc) rc = w_resource(&w, NULL);
    if (!rc) rc = w_lit(&w, ",\"classification\":", 18);
    const decide_text *ct = decide_cls_text(d, enc);
    if (!rc) rc = ct ? w_lit(&w, ct->text, ct->len) : w_tree(&w, d->cls->json, 1);
    if (!rc) rc = w_lit(&w, ",\"ownership\":", 13);
    if (!rc) rc = w_ownership(&w, NULL);
    if (!rc) rc = w_lit(&w, ",\"access\":", 10);
    if (!rc) rc = w_access(&w, NULL);
    if (!rc) rc = w_lit(&w, ",\"versions\":", 12);
    if (!rc) rc = w_versions(&w, NULL);
    if (!rc && created) {
        rc = w_lit(&w, ",\"created\":", 11);
        if (!rc) rc = w_str(&w, created);
        if (!rc) rc = w_lit(&w, ",\"audit\":{\"seq\":", 16);
        if (!rc) rc = xg_buf_json_int(b, seq) ? W_NOMEM : W_OK;
        if (!rc) rc = w_lit(&w, ",\"hash\":", 8);
        if (!rc) rc = w_str(&w, hash);
        if (!rc) rc = w_lit(&w, "}", 1);
    }
    return rc ? rc : w_lit(&w, "}", 1);
}
