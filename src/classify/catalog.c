/*
 * catalog.c — loads the hardware and model catalog (data/catalog/{chips,systems,models}.json)
 * and resolves names. Names are matched on a normalised key (lowercase letters and digits only)
 * so that "H100 SXM5 80GB", "h100-sxm5-80gb" and "NVIDIA H100 SXM5 80 GB" meet; keys live in one
 * sorted array searched by bisection, which is small, cache-friendly and needs no hashing code.
 * A duplicate key across two items is a data error: a name must never mean two things.
 */
#include "classify/classify_internal.h"
#include "xgate/error.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

enum { XG_NAME_MAX = 512 };

size_t xg_cls_normalise(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x80)
            out[n++] = (char)ch;
        else if (isalnum(ch))
            out[n++] = (char)tolower(ch);
    }
    out[n] = 0;
    return n;
}

/* ---- small JSON readers that name file and item in their errors ---- */

typedef struct ctx {
    xg_catalog *c;
    const char *file;
} ctx;

static const char *jstr(ctx *x, json_t *o, const char *key, bool required, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required) xg_error_set(XG_EPARSE, "%s: %s: missing \"%s\"", x->file, where, key);
        return NULL;
    }
    if (!json_is_string(v)) {
        xg_error_set(XG_EPARSE, "%s: %s: \"%s\" must be a string", x->file, where, key);
        return NULL;
    }
    return xg_arena_strdup(&x->c->arena, json_string_value(v));
}

static int jnum(ctx *x, json_t *o, const char *key, double *out, const char *where)
{
    json_t *v = json_object_get(o, key);
    *out = NAN;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_number(v))
        return xg_error_set(XG_EPARSE, "%s: %s: \"%s\" must be a number", x->file, where, key);
    double d = json_number_value(v);
    if (!isfinite(d) || d < 0)
        return xg_error_set(XG_EPARSE, "%s: %s: \"%s\" out of range", x->file, where, key);
    *out = d;
    return 0;
}

static int jstrv(ctx *x, json_t *o, const char *key, xg_strv *out, const char *where)
{
    json_t *a = json_object_get(o, key);
    out->v = NULL;
    out->n = 0;
    if (!a || json_is_null(a)) return 0;
    if (!json_is_array(a))
        return xg_error_set(XG_EPARSE, "%s: %s: \"%s\" must be an array", x->file, where, key);
    out->v = xg_arena_alloc(&x->c->arena, (json_array_size(a) + 1) * sizeof *out->v);
    if (!out->v) return xg_error_set(XG_ENOMEM, "out of memory");
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v))
            return xg_error_set(XG_EPARSE, "%s: %s: \"%s\"[%zu] must be a string", x->file, where,
                                key, i);
        out->v[out->n++] = xg_arena_strdup(&x->c->arena, json_string_value(v));
    }
    return 0;
}

/* Source ids → their full text from the file's "sources" table (unknown id is an error). */
static int resolve_sources(ctx *x, json_t *table, xg_strv *s, const char *where)
{
    for (size_t i = 0; i < s->n; i++) {
        json_t *t = json_object_get(table, s->v[i]);
        if (!json_is_string(t))
            return xg_error_set(XG_EPARSE, "%s: %s: unknown source id \"%s\"", x->file, where,
                                s->v[i]);
        s->v[i] = xg_arena_strdup(&x->c->arena, json_string_value(t));
    }
    return 0;
}

static json_t *load_json(ctx *x, const char *dir, const char *name, XXH64_state_t *h)
{
    char *path = xg_arena_printf(&x->c->arena, "%s/catalog/%s", dir, name);
    x->file = path;
    char *text;
    size_t len;
    if (xg_file_read(&text, &len, path, 16u << 20)) return NULL;
    XXH64_update(h, text, len);
    json_error_t e;
    json_t *j = json_loadb(text, len, 0, &e);
    free(text);
    if (!j)
        xg_error_set(XG_EPARSE, "%s:%d: %s", path, e.line, e.text);
    else if (!json_is_object(j)) {
        json_decref(j);
        xg_error_set(XG_EPARSE, "%s: top level must be an object", path);
        return NULL;
    }
    return j;
}

static const char *item_where(ctx *x, const char *list, size_t i, json_t *o)
{
    json_t *n = json_object_get(o, "name");
    return xg_arena_printf(&x->c->arena, "%s[%zu] (%s)", list, i,
                           json_is_string(n) ? json_string_value(n) : "?");
}

static int load_perf(ctx *x, json_t *o, xg_chip *ch, const char *where)
{
    const xg_rules *r = &x->c->rules;
    for (size_t p = 0; p < XG_PREC_MAX; p++)
        ch->perf[p] = NAN;
    json_t *perf = json_object_get(o, "perf");
    if (!json_is_object(perf))
        return xg_error_set(XG_EPARSE, "%s: %s: \"perf\" must be an object", x->file, where);
    const char *k;
    json_t *v;
    json_object_foreach(perf, k, v)
    {
        size_t p = 0;
        while (p < r->nprec && strcmp(r->prec[p].id, k))
            p++;
        if (p == r->nprec)
            return xg_error_set(XG_EPARSE, "%s: %s: unknown precision \"%s\"", x->file, where, k);
        if (!json_is_number(v) || json_number_value(v) < 0 || !isfinite(json_number_value(v)))
            return xg_error_set(XG_EPARSE, "%s: %s: perf.%s must be a number ≥ 0", x->file, where,
                                k);
        ch->perf[p] = json_number_value(v);
    }
    return 0;
}

static int load_chip(ctx *x, json_t *o, json_t *srcs, xg_chip *ch, const char *where)
{
    if (!json_is_object(o)) return xg_error_set(XG_EPARSE, "%s: %s: not an object", x->file, where);
    if (!(ch->name = jstr(x, o, "name", true, where))) return XG_EPARSE;
    if (!(ch->vendor = jstr(x, o, "vendor", true, where))) return XG_EPARSE;
    ch->category = jstr(x, o, "category", false, where);
    ch->release = jstr(x, o, "release", false, where);
    ch->confidence = jstr(x, o, "confidence", false, where);
    ch->datacenter = json_is_true(json_object_get(o, "datacenter"));
    ch->sparse = json_is_true(json_object_get(o, "sparse"));
    ch->hbm = json_is_true(json_object_get(o, "hbm"));
    if (load_perf(x, o, ch, where) || jnum(x, o, "die_mm2", &ch->die_mm2, where) ||
        jnum(x, o, "dram_bw_gbs", &ch->dram_bw, where) ||
        jnum(x, o, "interconnect_gbs", &ch->interconnect, where) ||
        jnum(x, o, "package_mm2", &ch->package_mm2, where) ||
        jstrv(x, o, "notes", &ch->notes, where) || jstrv(x, o, "sources", &ch->sources, where) ||
        resolve_sources(x, srcs, &ch->sources, where))
        return XG_EPARSE;
    if (ch->die_mm2 == 0) return xg_error_set(XG_EPARSE, "%s: %s: die_mm2 is 0", x->file, where);
    return 0;
}

static xg_item *new_item(xg_catalog *c, xg_vec *items, const char *name, xg_item_kind kind,
                         const char *vendor)
{
    xg_item it = {0};
    it.pub.name = name;
    it.pub.kind = kind;
    it.pub.vendor = vendor;
    it.pub.count = 1;
    (void)c;
    return xg_vec_push(items, &it);
}

static int set_aliases(ctx *x, json_t *o, xg_item *it, const char *where)
{
    xg_strv a;
    if (jstrv(x, o, "aliases", &a, where)) return XG_EPARSE;
    it->pub.aliases = (const char *const *)a.v;
    it->pub.naliases = a.n;
    return 0;
}

static int load_chips(ctx *x, json_t *root, xg_vec *items)
{
    xg_catalog *c = x->c;
    json_t *arr = json_object_get(root, "chips"), *srcs = json_object_get(root, "sources");
    if (!json_is_array(arr))
        return xg_error_set(XG_EPARSE, "%s: \"chips\" must be an array", x->file);
    if (jstrv(x, root, "lookup_strip_prefixes", &c->strip_prefixes, "top level") ||
        jstrv(x, root, "lookup_strip_suffixes", &c->strip_suffixes, "top level") ||
        jstrv(x, root, "consumer_markers", &c->consumer_markers, "top level"))
        return XG_EPARSE;
    c->nchips = json_array_size(arr);
    c->chips = xg_arena_alloc(&c->arena, (c->nchips + 1) * sizeof *c->chips);
    if (!c->chips) return xg_error_set(XG_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->nchips; i++) {
        json_t *o = json_array_get(arr, i);
        const char *where = item_where(x, "chips", i, o);
        xg_chip *ch = &c->chips[i];
        if (load_chip(x, o, srcs, ch, where)) return XG_EPARSE;
        xg_item *it = new_item(c, items, ch->name, XG_ITEM_CHIP, ch->vendor);
        if (!it) return xg_error_set(XG_ENOMEM, "out of memory");
        it->chip = ch;
        it->pub.datacenter = ch->datacenter;
        if (set_aliases(x, o, it, where)) return XG_EPARSE;
    }
    return 0;
}

static const xg_chip *chip_by_name(const xg_catalog *c, const char *name)
{
    for (size_t i = 0; i < c->nchips; i++)
        if (!strcmp(c->chips[i].name, name)) return &c->chips[i];
    return NULL;
}

static int load_systems(ctx *x, json_t *root, xg_vec *items)
{
    xg_catalog *c = x->c;
    json_t *arr = json_object_get(root, "items"), *srcs = json_object_get(root, "sources");
    if (!json_is_array(arr))
        return xg_error_set(XG_EPARSE, "%s: \"items\" must be an array", x->file);
    c->nsystems = json_array_size(arr);
    c->systems = xg_arena_alloc(&c->arena, (c->nsystems + 1) * sizeof *c->systems);
    if (!c->systems) return xg_error_set(XG_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->nsystems; i++) {
        json_t *o = json_array_get(arr, i);
        const char *where = item_where(x, "items", i, o);
        xg_sys *s = &c->systems[i];
        const char *name = jstr(x, o, "name", true, where), *kind = jstr(x, o, "kind", true, where);
        const char *chip = jstr(x, o, "chip", true, where);
        if (!name || !kind || !chip || !(s->provider = jstr(x, o, "provider", true, where)))
            return XG_EPARSE;
        if (!(s->chip = chip_by_name(c, chip)))
            return xg_error_set(XG_EPARSE, "%s: %s: unknown chip \"%s\"", x->file, where, chip);
        json_t *n = json_object_get(o, "count");
        if (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > 1000000)
            return xg_error_set(XG_EPARSE, "%s: %s: \"count\" must be an integer ≥ 1", x->file,
                                where);
        s->count = (unsigned)json_integer_value(n);
        bool inst = !strcmp(kind, "instance");
        if (!inst && strcmp(kind, "system"))
            return xg_error_set(XG_EPARSE, "%s: %s: kind must be system or instance", x->file,
                                where);
        if (jstrv(x, o, "notes", &s->notes, where) || jstrv(x, o, "sources", &s->sources, where) ||
            resolve_sources(x, srcs, &s->sources, where))
            return XG_EPARSE;
        xg_item *it =
            new_item(c, items, name, inst ? XG_ITEM_INSTANCE : XG_ITEM_SYSTEM, s->provider);
        if (!it) return xg_error_set(XG_ENOMEM, "out of memory");
        it->sys = s;
        it->chip = s->chip;
        it->pub.component = s->chip->name;
        it->pub.count = s->count;
        it->pub.datacenter = s->chip->datacenter;
        if (set_aliases(x, o, it, where)) return XG_EPARSE;
    }
    return 0;
}

static int load_models(ctx *x, json_t *root, xg_vec *items)
{
    xg_catalog *c = x->c;
    json_t *arr = json_object_get(root, "models"), *srcs = json_object_get(root, "sources");
    if (!json_is_array(arr))
        return xg_error_set(XG_EPARSE, "%s: \"models\" must be an array", x->file);
    c->nmodels = json_array_size(arr);
    c->models = xg_arena_alloc(&c->arena, (c->nmodels + 1) * sizeof *c->models);
    if (!c->models) return xg_error_set(XG_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->nmodels; i++) {
        json_t *o = json_array_get(arr, i);
        const char *where = item_where(x, "models", i, o);
        xg_model *m = &c->models[i];
        const char *name = jstr(x, o, "name", true, where);
        if (!name || !(m->provider = jstr(x, o, "provider", true, where))) return XG_EPARSE;
        m->model_vendor = jstr(x, o, "model_vendor", false, where);
        m->ownership_rule = json_is_true(json_object_get(o, "ownership_rule"));
        if (jstrv(x, o, "unsupported_regions", &m->regions, where) ||
            jstrv(x, o, "notes", &m->notes, where) || jstrv(x, o, "sources", &m->sources, where) ||
            resolve_sources(x, srcs, &m->sources, where))
            return XG_EPARSE;
        xg_item *it = new_item(c, items, name, XG_ITEM_MODEL, m->provider);
        if (!it) return xg_error_set(XG_ENOMEM, "out of memory");
        it->model = m;
        if (set_aliases(x, o, it, where)) return XG_EPARSE;
    }
    return 0;
}

/* ---- the name index ---- */

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const xg_key *)a)->key, ((const xg_key *)b)->key);
}

static int add_key(xg_catalog *c, xg_vec *keys, const char *name, size_t item)
{
    char buf[XG_NAME_MAX];
    if (!xg_cls_normalise(name, buf, sizeof buf))
        return xg_error_set(XG_EPARSE, "catalog: name \"%s\" has no letters or digits", name);
    xg_key k = {xg_arena_strdup(&c->arena, buf), item};
    return xg_vec_push(keys, &k) ? 0 : xg_error_set(XG_ENOMEM, "out of memory");
}

static int build_index(xg_catalog *c)
{
    xg_vec keys;
    xg_vec_init(&keys, sizeof(xg_key));
    int rc = 0;
    for (size_t i = 0; i < c->nitems && !rc; i++) {
        const xg_catalog_entry *e = &c->items[i].pub;
        rc = add_key(c, &keys, e->name, i);
        for (size_t a = 0; a < e->naliases && !rc; a++)
            rc = add_key(c, &keys, e->aliases[a], i);
    }
    if (rc) {
        xg_vec_free(&keys);
        return rc;
    }
    qsort(keys.data, keys.len, sizeof(xg_key), key_cmp);
    xg_key *k = keys.data;
    size_t n = 0;
    for (size_t i = 0; i < keys.len; i++) {
        if (n && !strcmp(k[n - 1].key, k[i].key)) {
            if (k[n - 1].item == k[i].item) continue; /* an alias equal to the name */
            rc = xg_error_set(XG_EPARSE, "catalog: \"%s\" names both \"%s\" and \"%s\"", k[i].key,
                              c->items[k[n - 1].item].pub.name, c->items[k[i].item].pub.name);
            break;
        }
        k[n++] = k[i];
    }
    if (!rc) {
        c->keys = xg_arena_alloc(&c->arena, (n + 1) * sizeof(xg_key));
        if (c->keys)
            memcpy(c->keys, k, n * sizeof(xg_key));
        else
            rc = xg_error_set(XG_ENOMEM, "out of memory");
        c->nkeys = n;
    }
    xg_vec_free(&keys);
    return rc;
}

static const xg_item *find_key(const xg_catalog *c, const char *key)
{
    xg_key probe = {key, 0};
    const xg_key *k = bsearch(&probe, c->keys, c->nkeys, sizeof(xg_key), key_cmp);
    return k ? &c->items[k->item] : NULL;
}

/* Drop a trailing memory size ("80gb") so "H100 SXM5 96GB" still finds the SXM5 part. */
static bool strip_memory_suffix(char *k)
{
    size_t n = strlen(k);
    if (n < 4 || strcmp(k + n - 2, "gb")) return false;
    size_t i = n - 2;
    while (i > 0 && isdigit((unsigned char)k[i - 1]))
        i--;
    if (i == n - 2 || i == 0) return false;
    k[i] = 0;
    return true;
}

/* Drop one listed vendor prefix ("nvidia", "华为") from p, if more follows; returns the rest. */
static char *strip_prefix(const xg_catalog *c, char *p)
{
    for (size_t i = 0; i < c->strip_prefixes.n; i++) {
        size_t l = strlen(c->strip_prefixes.v[i]);
        if (!strncmp(p, c->strip_prefixes.v[i], l) && p[l]) return p + l;
    }
    return p;
}

/* Drop one listed generic suffix ("gpu", "加速卡"), if something is left. */
static bool strip_suffix(const xg_catalog *c, char *p)
{
    size_t n = strlen(p);
    for (size_t i = 0; i < c->strip_suffixes.n; i++) {
        size_t l = strlen(c->strip_suffixes.v[i]);
        if (n > l && !strcmp(p + n - l, c->strip_suffixes.v[i])) {
            p[n - l] = 0;
            return true;
        }
    }
    return false;
}

/* Exact key first; then the name without a vendor prefix, a generic suffix or a trailing memory
 * size, in any order, up to `depth` steps — so "英伟达H100 GPU", "微软 Azure OpenAI 服务" and
 * "NVIDIA H100 SXM5 96GB" resolve while nothing is guessed beyond the catalog's own aliases. */
static const xg_item *find_variants(const xg_catalog *c, const char *key, int depth)
{
    const xg_item *it = find_key(c, key);
    if (it || depth == 0) return it;
    char v[XG_NAME_MAX];
    snprintf(v, sizeof v, "%s", key);
    char *q = strip_prefix(c, v);
    if (q != v && (it = find_variants(c, q, depth - 1))) return it;
    snprintf(v, sizeof v, "%s", key);
    if (strip_suffix(c, v) && (it = find_variants(c, v, depth - 1))) return it;
    snprintf(v, sizeof v, "%s", key);
    if (strip_memory_suffix(v) && (it = find_variants(c, v, depth - 1))) return it;
    return NULL;
}

const xg_item *xg_cls_find(const xg_catalog *c, const char *name)
{
    char k[XG_NAME_MAX];
    if (!c || !name || !xg_cls_normalise(name, k, sizeof k)) return NULL;
    return find_variants(c, k, 4);
}

/* ---- nearest names ---- */

/* Bytes of the normalised names (at most 64 of each), by the library's one edit distance. */
static size_t edit_distance(const char *a, const char *b)
{
    uint32_t ua[64], ub[64];
    size_t la = 0, lb = 0;
    for (; a[la] && la < 64; la++)
        ua[la] = (unsigned char)a[la];
    for (; b[lb] && lb < 64; lb++)
        ub[lb] = (unsigned char)b[lb];
    return xg_edit_distance(ua, la, ub, lb);
}

size_t xg_catalog_nearest(const xg_catalog *c, const char *name, const char **out, size_t max)
{
    char k[XG_NAME_MAX];
    if (!c || !name || !max || !c->nitems) return 0;
    xg_cls_normalise(name, k, sizeof k);
    size_t *best = malloc(c->nitems * sizeof *best);
    if (!best) return 0;
    for (size_t i = 0; i < c->nitems; i++)
        best[i] = SIZE_MAX;
    for (size_t i = 0; i < c->nkeys; i++) {
        size_t d = edit_distance(k, c->keys[i].key);
        /* a key that contains the query (or the reverse) is a strong hint */
        if (k[0] && (strstr(c->keys[i].key, k) || strstr(k, c->keys[i].key))) d /= 4;
        if (d < best[c->keys[i].item]) best[c->keys[i].item] = d;
    }
    size_t n = 0;
    for (; n < max; n++) { /* selection of the `max` smallest; max is tiny */
        size_t pick = SIZE_MAX;
        for (size_t i = 0; i < c->nitems; i++)
            if (best[i] != SIZE_MAX && (pick == SIZE_MAX || best[i] < best[pick])) pick = i;
        if (pick == SIZE_MAX) break;
        out[n] = c->items[pick].pub.name;
        best[pick] = SIZE_MAX;
    }
    free(best);
    return n;
}

int xg_catalog_lookup(const xg_catalog *c, const char *name, const xg_catalog_entry **out)
{
    if (!c || !name || !out) return xg_error_set(XG_EINVAL, "catalog lookup: no name");
    if (!xg_utf8_valid(name, strlen(name)))
        return xg_error_set(XG_ENOTFOUND, "item name: invalid UTF-8");
    if (!*name) return xg_error_set(XG_ENOTFOUND, "item name: empty");
    const xg_item *it = xg_cls_find(c, name);
    if (it) {
        *out = &it->pub;
        return 0;
    }
    const char *near[3];
    size_t n = xg_catalog_nearest(c, name, near, 3);
    return xg_error_set(XG_ENOTFOUND, "unknown item \"%.200s\"; nearest: %s%s%s%s%s", name,
                        n > 0 ? near[0] : "-", n > 1 ? ", " : "", n > 1 ? near[1] : "",
                        n > 2 ? ", " : "", n > 2 ? near[2] : "");
}

/* ---- load / free / iterate ---- */

static int load_all(xg_catalog *c, const char *dir)
{
    ctx x = {c, NULL};
    XXH64_state_t *h = XXH64_createState();
    if (!h) return xg_error_set(XG_ENOMEM, "out of memory");
    XXH64_reset(h, 0);
    xg_vec items;
    xg_vec_init(&items, sizeof(xg_item));
    int rc = XG_EPARSE;
    json_t *chips = NULL, *systems = NULL, *models = NULL;
    char *rules = xg_arena_printf(&c->arena, "%s/catalog/rules.json", dir);
    char *rtext = NULL;
    size_t rlen = 0;
    if ((rc = xg_file_read(&rtext, &rlen, rules, 16u << 20))) goto out;
    XXH64_update(h, rtext, rlen);
    free(rtext);
    rc = XG_EPARSE;
    if (xg_cls_rules_load(c, rules)) goto out;
    if (!(chips = load_json(&x, dir, "chips.json", h)) || load_chips(&x, chips, &items)) goto out;
    if (!(systems = load_json(&x, dir, "systems.json", h)) || load_systems(&x, systems, &items))
        goto out;
    if (!(models = load_json(&x, dir, "models.json", h)) || load_models(&x, models, &items))
        goto out;
    c->nitems = items.len;
    c->items = xg_arena_alloc(&c->arena, (items.len + 1) * sizeof(xg_item));
    if (!c->items) {
        rc = xg_error_set(XG_ENOMEM, "out of memory");
        goto out;
    }
    memcpy(c->items, items.data, items.len * sizeof(xg_item));
    if ((rc = build_index(c))) goto out;
    snprintf(c->version, sizeof c->version, "%012llx",
             (unsigned long long)(XXH64_digest(h) & 0xffffffffffffULL));
    rc = 0;
out:
    json_decref(chips);
    json_decref(systems);
    json_decref(models);
    xg_vec_free(&items);
    XXH64_freeState(h);
    return rc;
}

int xg_catalog_load(xg_catalog **out, const char *data_dir)
{
    if (!out) return xg_error_set(XG_EINVAL, "xg_catalog_load: out is NULL");
    xg_catalog *c = calloc(1, sizeof *c);
    if (!c) return xg_error_set(XG_ENOMEM, "out of memory");
    xg_arena_init(&c->arena, 64 * 1024);
    int rc = load_all(c, data_dir ? data_dir : xg_data_dir());
    if (rc) {
        xg_catalog_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void xg_catalog_free(xg_catalog *c)
{
    if (!c) return;
    xg_arena_free(&c->arena);
    free(c);
}

const char *xg_catalog_version(const xg_catalog *c)
{
    return c ? c->version : "";
}

size_t xg_catalog_size(const xg_catalog *c)
{
    return c ? c->nitems : 0;
}

const xg_catalog_entry *xg_catalog_entry_at(const xg_catalog *c, size_t i)
{
    return c && i < c->nitems ? &c->items[i].pub : NULL;
}

const char *xg_item_kind_name(xg_item_kind k)
{
    switch (k) {
    case XG_ITEM_CHIP:
        return "chip";
    case XG_ITEM_SYSTEM:
        return "system";
    case XG_ITEM_INSTANCE:
        return "instance";
    case XG_ITEM_MODEL:
        return "model";
    }
    return "unknown";
}
