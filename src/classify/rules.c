/*
 * rules.c — reads data/catalog/rules.json: precisions and their bit lengths, the 3A090 thresholds,
 * the regimes by effective date (with inherited license rows), the optional layers (AI Diffusion)
 * and the SKU overlays (is-informed letters). Every number and date the classifier compares with
 * comes from here, each next to its citation, so a rule change is a data change.
 */
#include "classify/classify_internal.h"
#include "xgate/error.h"

#include <math.h>
#include <string.h>

typedef struct rctx {
    xg_catalog *c;
    const char *file;
} rctx;

static const char *rs(rctx *x, json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? xg_arena_strdup(&x->c->arena, json_string_value(v)) : NULL;
}

/* A required number at o.key; error names the path. */
static int rn(rctx *x, json_t *o, const char *key, double *out, const char *where)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return xg_error_set(XG_EPARSE, "%s: %s.%s: number required", x->file, where, key);
    *out = json_number_value(v);
    return 0;
}

static int rdate(rctx *x, json_t *o, const char *key, const char **out, bool required,
                 const char *where)
{
    *out = rs(x, o, key);
    if (!*out && !required) return 0;
    if (!*out || !xg_date_valid(*out))
        return xg_error_set(XG_EPARSE, "%s: %s.%s: date YYYY-MM-DD required", x->file, where, key);
    return 0;
}

static int load_precisions(rctx *x, json_t *root)
{
    xg_rules *r = &x->c->rules;
    json_t *a = json_object_get(root, "precisions");
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > XG_PREC_MAX)
        return xg_error_set(XG_EPARSE, "%s: \"precisions\" must be an array of 1..%d", x->file,
                            XG_PREC_MAX);
    size_t i;
    json_t *p;
    json_array_foreach(a, i, p)
    {
        xg_prec *q = &r->prec[i];
        if (!(q->id = rs(x, p, "id")))
            return xg_error_set(XG_EPARSE, "%s: precisions[%zu]: id required", x->file, i);
        if (rn(x, p, "bits", &q->bits, q->id)) return XG_EPARSE;
        q->counts = !json_is_false(json_object_get(p, "counts"));
        q->sparse = !json_is_false(json_object_get(p, "sparse"));
        json_t *al = json_object_get(p, "aliases");
        if (json_is_array(al) && json_is_string(json_array_get(al, 0)))
            q->alias = xg_arena_strdup(&x->c->arena, json_string_value(json_array_get(al, 0)));
    }
    r->nprec = json_array_size(a);
    return 0;
}

static int load_criteria(rctx *x, json_t *root)
{
    xg_rules *r = &x->c->rules;
    json_t *cr = json_object_get(root, "criteria");
    json_t *o = json_object_get(cr, "oct2022"), *t = json_object_get(cr, "tpp_pd");
    json_t *h = json_object_get(cr, "hbm"), *j = json_object_get(cr, "jan2026");
    json_t *a1 = json_object_get(t, "a1"), *a2 = json_object_get(t, "a2");
    json_t *b1 = json_object_get(t, "b1"), *b2 = json_object_get(t, "b2");
    if (!o || !t || !h || !j || !a1 || !a2 || !b1 || !b2)
        return xg_error_set(XG_EPARSE,
                            "%s: criteria: oct2022, tpp_pd (a1 a2 b1 b2), hbm and "
                            "jan2026 are required",
                            x->file);
    if (rn(x, o, "tpp_min", &r->oct2022.tpp_min, "oct2022") ||
        rn(x, o, "interconnect_min_gbs", &r->oct2022.ic_min, "oct2022") ||
        rn(x, a1, "tpp_min", &r->tp.a1_tpp, "a1") || rn(x, a2, "tpp_min", &r->tp.a2_tpp, "a2") ||
        rn(x, a2, "pd_min", &r->tp.a2_pd, "a2") || rn(x, b1, "tpp_min", &r->tp.b1_tpp, "b1") ||
        rn(x, b1, "tpp_below", &r->tp.b1_tpp_below, "b1") ||
        rn(x, b1, "pd_min", &r->tp.b1_pd, "b1") ||
        rn(x, b1, "pd_below", &r->tp.b1_pd_below, "b1") ||
        rn(x, b2, "tpp_min", &r->tp.b2_tpp, "b2") || rn(x, b2, "pd_min", &r->tp.b2_pd, "b2") ||
        rn(x, b2, "pd_below", &r->tp.b2_pd_below, "b2") ||
        rn(x, t, "note2_tpp_min", &r->tp.note2_tpp, "tpp_pd") ||
        rn(x, h, "bw_density_above", &r->hbm.above, "hbm") ||
        rn(x, j, "tpp_below", &r->jan2026.tpp_below, "jan2026") ||
        rn(x, j, "dram_bw_below_gbs", &r->jan2026.bw_below, "jan2026"))
        return XG_EPARSE;
    r->oct2022.paragraph = rs(x, o, "paragraph");
    r->oct2022.cite = rs(x, o, "cite");
    r->tp.pa1 = rs(x, a1, "paragraph");
    r->tp.pa2 = rs(x, a2, "paragraph");
    r->tp.pb1 = rs(x, b1, "paragraph");
    r->tp.pb2 = rs(x, b2, "paragraph");
    r->tp.cite = rs(x, t, "cite");
    r->hbm.paragraph = rs(x, h, "paragraph");
    r->hbm.cite = rs(x, h, "cite");
    r->jan2026.cite = rs(x, j, "cite");
    if (!r->oct2022.paragraph || !r->tp.pa1 || !r->tp.pa2 || !r->tp.pb1 || !r->tp.pb2 ||
        !r->hbm.paragraph)
        return xg_error_set(XG_EPARSE, "%s: criteria: every paragraph must be named", x->file);
    return 0;
}

static unsigned class_bit(const char *s)
{
    if (!strcmp(s, "a")) return XG_CLS_A;
    if (!strcmp(s, "b")) return XG_CLS_B;
    if (!strcmp(s, "nac")) return XG_CLS_NAC;
    if (!strcmp(s, "hbm")) return XG_CLS_HBM;
    return 0;
}

static int load_rows(rctx *x, json_t *a, xg_lrow **rows, size_t *n, const char *where,
                     const char *default_cite)
{
    *n = 0;
    *rows = NULL;
    if (!a) return 0;
    if (!json_is_array(a))
        return xg_error_set(XG_EPARSE, "%s: %s.license must be an array", x->file, where);
    *rows = xg_arena_alloc(&x->c->arena, (json_array_size(a) + 1) * sizeof **rows);
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o)
    {
        xg_lrow *w = &(*rows)[i];
        w->scope = rs(x, o, "scope");
        w->policy = rs(x, o, "policy");
        if (!w->scope || !w->policy)
            return xg_error_set(XG_EPARSE, "%s: %s.license[%zu]: scope and policy required",
                                x->file, where, i);
        w->cite = rs(x, o, "cite");
        if (!w->cite) w->cite = default_cite;
        w->note = rs(x, o, "note");
        if (rdate(x, o, "from", &w->from, false, where) ||
            rdate(x, o, "until", &w->until, false, where))
            return XG_EPARSE;
        const char *cond = rs(x, o, "if");
        if (cond && strcmp(cond, "jan2026"))
            return xg_error_set(XG_EPARSE, "%s: %s.license[%zu]: unknown condition \"%s\"", x->file,
                                where, i, cond);
        w->if_jan2026 = cond != NULL;
        json_t *cl = json_object_get(o, "classes"), *v;
        size_t k;
        json_array_foreach(cl, k, v)
        {
            unsigned b = json_is_string(v) ? class_bit(json_string_value(v)) : 0;
            if (!b)
                return xg_error_set(XG_EPARSE, "%s: %s.license[%zu]: unknown class", x->file, where,
                                    i);
            w->classes |= b;
        }
    }
    *n = json_array_size(a);
    return 0;
}

static int load_regime(rctx *x, json_t *o, xg_regime *g, bool layer, size_t i)
{
    const char *where = layer ? "layers" : "regimes";
    if (!(g->id = rs(x, o, "id")) || !(g->name = rs(x, o, "name")))
        return xg_error_set(XG_EPARSE, "%s: %s[%zu]: id and name required", x->file, where, i);
    g->cite = rs(x, o, "cite");
    g->note = rs(x, o, "note");
    g->layer = layer;
    g->enabled_default = !json_is_false(json_object_get(o, "enabled_by_default"));
    if (rdate(x, o, "effective", &g->effective, true, g->id) ||
        rdate(x, o, "until", &g->until, false, g->id))
        return XG_EPARSE;
    const char *crit = rs(x, o, "criteria");
    g->criteria = crit && !strcmp(crit, "oct2022") ? 0 : 1;
    if (!layer && (!crit || (strcmp(crit, "oct2022") && strcmp(crit, "tpp_pd"))))
        return xg_error_set(XG_EPARSE, "%s: %s: criteria must be oct2022 or tpp_pd", x->file,
                            g->id);
    g->hbm = json_is_true(json_object_get(o, "hbm"));
    const char *inh = rs(x, o, "inherit");
    if (inh) {
        for (size_t k = 0; k < i && !g->inherit; k++)
            if (!strcmp(x->c->rules.regimes[k].id, inh)) g->inherit = &x->c->rules.regimes[k];
        if (!g->inherit)
            return xg_error_set(XG_EPARSE, "%s: %s: inherits unknown or later regime \"%s\"",
                                x->file, g->id, inh);
    }
    json_t *t1 = json_object_get(o, "tier1"), *v;
    size_t k;
    g->tier1.v = xg_arena_alloc(&x->c->arena, (json_array_size(t1) + 1) * sizeof(char *));
    json_array_foreach(t1, k, v) if (json_is_string(v)) g->tier1.v[g->tier1.n++] =
        xg_arena_strdup(&x->c->arena, json_string_value(v));
    return load_rows(x, json_object_get(o, "license"), &g->rows, &g->nrows, g->id, g->cite);
}

static int load_regimes(rctx *x, json_t *root)
{
    xg_rules *r = &x->c->rules;
    json_t *a = json_object_get(root, "regimes"), *l = json_object_get(root, "layers");
    if (!json_is_array(a) || !json_array_size(a))
        return xg_error_set(XG_EPARSE, "%s: \"regimes\" must be a non-empty array", x->file);
    r->regimes = xg_arena_alloc(&x->c->arena, json_array_size(a) * sizeof *r->regimes);
    r->layers = xg_arena_alloc(&x->c->arena, (json_array_size(l) + 1) * sizeof *r->layers);
    for (size_t i = 0; i < json_array_size(a); i++, r->nregimes++) {
        if (load_regime(x, json_array_get(a, i), &r->regimes[i], false, i)) return XG_EPARSE;
        if (i && strcmp(r->regimes[i - 1].effective, r->regimes[i].effective) >= 0)
            return xg_error_set(XG_EPARSE, "%s: regimes must be in date order (%s)", x->file,
                                r->regimes[i].id);
    }
    for (size_t i = 0; i < json_array_size(l); i++, r->nlayers++)
        if (load_regime(x, json_array_get(l, i), &r->layers[i], true, 0)) return XG_EPARSE;
    return 0;
}

static int load_overlays(rctx *x, json_t *root)
{
    xg_rules *r = &x->c->rules;
    json_t *a = json_object_get(root, "overlays");
    r->overlays = xg_arena_alloc(&x->c->arena, (json_array_size(a) + 1) * sizeof *r->overlays);
    size_t i;
    json_t *o;
    json_array_foreach(a, i, o)
    {
        xg_overlay *v = &r->overlays[i];
        if (!(v->id = rs(x, o, "id")))
            return xg_error_set(XG_EPARSE, "%s: overlays[%zu]: id required", x->file, i);
        v->cite = rs(x, o, "cite");
        if (rdate(x, o, "from", &v->from, true, v->id) ||
            rdate(x, o, "until", &v->until, false, v->id))
            return XG_EPARSE;
        json_t *ch = json_object_get(o, "chips"), *s;
        size_t k;
        v->chip_names.v = xg_arena_alloc(&x->c->arena, (json_array_size(ch) + 1) * sizeof(char *));
        json_array_foreach(ch, k, s) if (json_is_string(s)) v->chip_names.v[v->chip_names.n++] =
            xg_arena_strdup(&x->c->arena, json_string_value(s));
        if (load_rows(x, json_object_get(o, "license"), &v->rows, &v->nrows, v->id, v->cite))
            return XG_EPARSE;
        r->noverlays++;
    }
    return 0;
}

int xg_cls_rules_load(xg_catalog *c, const char *path)
{
    rctx x = {c, path};
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    if (!root) return xg_error_set(XG_EPARSE, "%s:%d: %s", path, e.line, e.text);
    xg_rules *r = &c->rules;
    int rc = XG_EPARSE;
    json_t *sd = json_object_get(root, "sparse_divisor"), *eps;
    eps = json_object_get(root, "comparison_epsilon");
    if (!json_is_object(root) || load_precisions(&x, root) || load_criteria(&x, root) ||
        rn(&x, sd, "value", &r->sparse_div, "sparse_divisor") ||
        rn(&x, eps, "value", &r->eps, "comparison_epsilon") || load_regimes(&x, root) ||
        load_overlays(&x, root))
        goto out;
    if (r->sparse_div <= 0) {
        xg_error_set(XG_EPARSE, "%s: sparse_divisor must be > 0", path);
        goto out;
    }
    r->sparse_cite = rs(&x, sd, "cite");
    r->tpp_cite = rs(&x, json_object_get(root, "tpp_definition"), "cite");
    r->pd_cite = rs(&x, json_object_get(root, "pd_definition"), "cite");
    rc = 0;
out:
    json_decref(root);
    return rc;
}
