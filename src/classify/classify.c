/*
 * classify.c — TPP, PD and the 3A090/4A090 classification of one item as of a date, with the
 * license map by destination scope, SKU overlays, exceptions, notes and sources.
 *
 * One path serves catalog items, ad-hoc --spec figures and imported table rows: each is turned
 * into an xg_cls_input first. Thresholds are compared on unrounded values (JSON shows TPP to 0.1
 * and PD to 0.01); comparisons absorb floating-point noise below the epsilon in rules.json, so
 * 1600 / 270.27027… still counts as PD 5.92.
 */
#include "classify/classify_internal.h"
#include "xgate/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { XG_MAX_SCOPES = 32 };

typedef struct priv {
    xg_arena arena;
} priv;

typedef struct scope_pick {
    const char *scope;
    const xg_lrow *row;
} scope_pick;

typedef struct state {
    const xg_catalog *c;
    const xg_rules *r;
    const xg_cls_input *in;
    const char *as_of;
    xg_classification *cl;
    xg_arena *a;
    xg_vec notes;    /* const char * */
    xg_vec overlays; /* const char * */
    scope_pick picks[XG_MAX_SCOPES];
    size_t npicks;
    unsigned cls;
    const char *chip_paragraph;
    const char *basis;
    const xg_regime *regime;
    const xg_regime *layers[8];
    size_t nlayers;
    const char *hbm_density_text;
} state;

void xg_cls_input_init(xg_cls_input *in)
{
    memset(in, 0, sizeof *in);
    for (size_t i = 0; i < XG_PREC_MAX; i++)
        in->perf[i] = NAN;
    in->tpp_direct = in->pd_direct = NAN;
    in->die_mm2 = in->dram_bw = in->interconnect = in->package_mm2 = NAN;
    in->count = 1;
    in->datacenter = true;
}

void xg_cls_input_from_chip(xg_cls_input *in, const xg_chip *ch)
{
    memcpy(in->perf, ch->perf, sizeof in->perf);
    in->sparse = ch->sparse;
    in->datacenter = ch->datacenter;
    in->die_mm2 = ch->die_mm2;
    in->dram_bw = ch->dram_bw;
    in->interconnect = ch->interconnect;
    in->package_mm2 = ch->package_mm2;
    in->memory = ch->category && !strcmp(ch->category, "memory");
    in->chip = ch;
    in->vendor = ch->vendor;
    in->release = ch->release;
}

static void note(state *s, const char *text)
{
    if (!text) return;
    for (size_t i = 0; i < s->notes.len; i++) /* the same caveat once */
        if (!strcmp(XG_VEC_AT(&s->notes, const char *, i), text)) return;
    xg_vec_push(&s->notes, &text);
}

/* "x or more", with the noise allowance from rules.json. */
static bool ge(const state *s, double x, double t)
{
    return x >= t - s->r->eps * (fabs(t) > 1 ? fabs(t) : 1);
}

/* ---- TPP and PD ---- */

/* Highest dense figure × bit length over the counting precisions; NAN when there is none. */
static double compute_tpp(state *s, const xg_cls_input *in)
{
    const xg_rules *r = s->r;
    if (!isnan(in->tpp_direct)) {
        s->basis = "TPP given directly";
        return in->tpp_direct;
    }
    double best = NAN;
    for (size_t p = 0; p < r->nprec; p++) {
        double v = in->perf[p];
        if (isnan(v) || !r->prec[p].counts) continue;
        double dense = in->sparse && r->prec[p].sparse ? v / r->sparse_div : v;
        double t = dense * r->prec[p].bits;
        if (isnan(best) || t > best) {
            best = t;
            s->basis = xg_arena_printf(s->a, "%s %g %s%s × %g bits", r->prec[p].id, dense,
                                       strncmp(r->prec[p].id, "int", 3) ? "TFLOPS" : "TOPS",
                                       in->sparse && r->prec[p].sparse ? " (sparse figure halved)"
                                                                       : " dense",
                                       r->prec[p].bits);
        }
    }
    return best;
}

/* ---- the ECCN paragraph for one chip's figures ---- */

static void classify_oct2022(state *s, double tpp)
{
    const xg_rules *r = s->r;
    double ic = s->in->interconnect;
    if (!ge(s, tpp, r->oct2022.tpp_min)) return;
    if (isnan(ic)) {
        s->cl->undetermined = true;
        note(s, "interconnect rate unknown: the Oct 2022 test needs it");
        return;
    }
    if (ge(s, ic, r->oct2022.ic_min)) {
        s->cls = XG_CLS_A;
        s->chip_paragraph = r->oct2022.paragraph;
    } else
        note(s, xg_arena_printf(s->a, "Oct 2022 rule: TPP ≥ %g but interconnect %g GB/s < %g GB/s",
                                r->oct2022.tpp_min, ic, r->oct2022.ic_min));
}

static void classify_tpp_pd(state *s, double tpp, double pd)
{
    const xg_tp_rules *t = &s->r->tp;
    if (!s->in->datacenter) {
        if (ge(s, tpp, t->note2_tpp)) {
            s->cls = XG_CLS_NAC;
            s->chip_paragraph = t->pa1;
        } else
            note(s, xg_arena_printf(s->a,
                                    "Note 2 to 3A090: not designed or marketed for "
                                    "datacenters and TPP < %g — outside 3A090",
                                    t->note2_tpp));
        return;
    }
    if (ge(s, tpp, t->a1_tpp)) {
        s->cls = XG_CLS_A;
        s->chip_paragraph = t->pa1;
        return;
    }
    double lowest = t->a2_tpp < t->b2_tpp ? t->a2_tpp : t->b2_tpp;
    if (!ge(s, tpp, lowest)) return;
    if (isnan(pd)) {
        s->cl->undetermined = true;
        note(s, "applicable die area unknown: PD decides between 3A090.a.2, 3A090.b and "
                "outside for this TPP");
        return;
    }
    if (ge(s, tpp, t->a2_tpp) && ge(s, pd, t->a2_pd)) {
        s->cls = XG_CLS_A;
        s->chip_paragraph = t->pa2;
    } else if (ge(s, tpp, t->b1_tpp) && !ge(s, tpp, t->b1_tpp_below) && ge(s, pd, t->b1_pd) &&
               !ge(s, pd, t->b1_pd_below)) {
        s->cls = XG_CLS_B;
        s->chip_paragraph = t->pb1;
    } else if (ge(s, tpp, t->b2_tpp) && ge(s, pd, t->b2_pd) && !ge(s, pd, t->b2_pd_below)) {
        s->cls = XG_CLS_B;
        s->chip_paragraph = t->pb2;
    }
}

static void classify_memory(state *s)
{
    const xg_cls_input *in = s->in;
    if (isnan(in->dram_bw) || isnan(in->package_mm2) || in->package_mm2 <= 0) {
        s->cl->undetermined = true;
        note(s, "HBM bandwidth or package area unknown");
        return;
    }
    double d = in->dram_bw / in->package_mm2;
    s->hbm_density_text = xg_arena_printf(s->a, "%.2f", d);
    if (!s->regime || !s->regime->hbm) {
        note(s, "3A090.c (HBM) not in force on this date");
        return;
    }
    if (d > s->r->hbm.above && !ge(s, s->r->hbm.above, d)) {
        s->cls = XG_CLS_HBM;
        s->chip_paragraph = s->r->hbm.paragraph;
    }
}

/* ---- regime, layers, overlays, license rows ---- */

static bool date_in(const char *d, const char *from, const char *until)
{
    return (!from || strcmp(d, from) >= 0) && (!until || strcmp(d, until) <= 0);
}

static void pick_regime(state *s, const xg_classify_opts *opts)
{
    const xg_rules *r = s->r;
    for (size_t i = 0; i < r->nregimes; i++)
        if (date_in(s->as_of, r->regimes[i].effective, r->regimes[i].until))
            s->regime = &r->regimes[i];
    bool want = opts && opts->ai_diffusion;
    for (size_t i = 0; i < r->nlayers && s->nlayers < 8; i++) {
        const xg_regime *l = &r->layers[i];
        if ((want || l->enabled_default) && date_in(s->as_of, l->effective, l->until))
            s->layers[s->nlayers++] = l;
    }
}

static void apply_rows(state *s, const xg_lrow *rows, size_t n, unsigned cls, bool any)
{
    for (size_t i = 0; i < n; i++) {
        const xg_lrow *w = &rows[i];
        if (!any && !(w->classes & cls)) continue;
        if (w->if_jan2026 && !s->cl->jan2026_class) continue;
        if (!date_in(s->as_of, w->from, w->until)) continue;
        size_t k = 0;
        while (k < s->npicks && strcmp(s->picks[k].scope, w->scope))
            k++;
        if (k == s->npicks) {
            if (k == XG_MAX_SCOPES) continue;
            s->picks[s->npicks++].scope = w->scope;
        }
        s->picks[k].row = w;
    }
}

static void apply_regime_rows(state *s, const xg_regime *g, unsigned cls)
{
    if (!g) return;
    if (g->inherit) apply_regime_rows(s, g->inherit, cls);
    apply_rows(s, g->rows, g->nrows, cls, false);
}

static void apply_overlays(state *s)
{
    const xg_chip *ch = s->in->chip;
    if (!ch) return;
    for (size_t i = 0; i < s->r->noverlays; i++) {
        const xg_overlay *o = &s->r->overlays[i];
        bool hit = false;
        for (size_t k = 0; k < o->chip_names.n; k++)
            hit |= !strcmp(o->chip_names.v[k], ch->name);
        if (!hit) continue;
        if (!date_in(s->as_of, o->from, o->until)) {
            if (strcmp(s->as_of, o->from) < 0)
                note(s, xg_arena_printf(s->a, "%s not yet in force (from %s)", o->id, o->from));
            continue;
        }
        xg_vec_push(&s->overlays, &o->id);
        note(s, xg_arena_printf(s->a, "%s: %s", o->id, o->cite ? o->cite : ""));
        apply_rows(s, o->rows, o->nrows, 0, true);
    }
}

static void fill_license(state *s)
{
    apply_regime_rows(s, s->regime, s->cls);
    for (size_t i = 0; i < s->nlayers; i++) {
        apply_rows(s, s->layers[i]->rows, s->layers[i]->nrows, s->cls, false);
        const xg_regime *l = s->layers[i];
        xg_buf t1;
        xg_buf_init(&t1);
        for (size_t k = 0; k < l->tier1.n; k++)
            xg_buf_printf(&t1, "%s%s", k ? " " : "", l->tier1.v[k]);
        note(s, xg_arena_printf(s->a,
                                "%s layer applied (%s); Tier 1: %s; Tier 2: every other "
                                "destination outside D:5 and Macau",
                                l->name, l->cite ? l->cite : "", t1.data ? t1.data : ""));
        xg_buf_free(&t1);
    }
    apply_overlays(s);
    xg_license_req *req = xg_arena_alloc(s->a, (s->npicks + 1) * sizeof *req);
    for (size_t i = 0; i < s->npicks; i++) {
        req[i].scope = s->picks[i].scope;
        req[i].policy = s->picks[i].row->policy;
        req[i].citation = s->picks[i].row->cite;
        if (s->picks[i].row->note) note(s, s->picks[i].row->note);
    }
    s->cl->license = req;
    s->cl->nlicense = s->npicks;
}

/* ---- JSON ---- */

static json_t *jround(double v, double scale)
{
    double r = round(v * scale) / scale;
    if (r == trunc(r) && fabs(r) < 9e15) return json_integer((json_int_t)r);
    return json_real(r);
}

static json_t *jstrs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static void json_hw(state *s, json_t *o)
{
    xg_classification *cl = s->cl;
    const xg_cls_input *in = s->in;
    json_object_set_new(o, "tpp", isnan(cl->tpp) ? json_null() : jround(cl->tpp, 10));
    json_object_set_new(o, "pd", cl->pd > 0 ? jround(cl->pd, 100) : json_null());
    json_object_set_new(o, "tpp_basis", s->basis ? json_string(s->basis) : json_null());
    if (cl->kind != XG_ITEM_CHIP) {
        json_t *comp = json_array();
        json_array_append_new(
            comp, json_pack("{s:s,s:i,s:o}", "item", cl->component, "count", (int)cl->count, "tpp",
                            isnan(cl->chip_tpp) ? json_null() : jround(cl->chip_tpp, 10)));
        json_object_set_new(o, "components", comp);
    }
    json_object_set_new(o, "die_mm2", isnan(in->die_mm2) ? json_null() : jround(in->die_mm2, 100));
    json_object_set_new(o, "dram_bw_gbs",
                        isnan(in->dram_bw) ? json_null() : jround(in->dram_bw, 10));
    json_object_set_new(o, "interconnect_gbs",
                        isnan(in->interconnect) ? json_null() : jround(in->interconnect, 10));
    if (s->hbm_density_text)
        json_object_set_new(o, "hbm_bw_density", json_string(s->hbm_density_text));
    json_object_set_new(o, "eccn", cl->eccn ? json_string(cl->eccn) : json_null());
    json_object_set_new(o, "paragraph", cl->paragraph ? json_string(cl->paragraph) : json_null());
    json_object_set_new(o, "datacenter", json_boolean(cl->datacenter));
    json_object_set_new(o, "exceptions", jstrs(cl->exceptions, cl->nexceptions));
    json_object_set_new(o, "overlays", jstrs(cl->overlays, cl->noverlays));
    json_object_set_new(o, "jan2026_class", json_boolean(cl->jan2026_class));
    json_object_set_new(o, "undetermined", json_boolean(cl->undetermined));
}

static void build_json(state *s)
{
    xg_classification *cl = s->cl;
    json_t *o = json_object();
    json_object_set_new(o, "item", json_string(cl->item));
    json_object_set_new(o, "canonical", cl->canonical ? json_string(cl->canonical) : json_null());
    json_object_set_new(o, "kind", json_string(xg_item_kind_name(cl->kind)));
    if (s->in->vendor) json_object_set_new(o, "vendor", json_string(s->in->vendor));
    if (s->in->release && cl->kind == XG_ITEM_CHIP)
        json_object_set_new(o, "release", json_string(s->in->release));
    if (cl->kind == XG_ITEM_MODEL) {
        const xg_model *m = s->in->entry->model;
        json_object_set_new(o, "tpp", json_integer(0));
        json_object_set_new(o, "pd", json_null());
        json_object_set_new(o, "eccn", json_null());
        json_object_set_new(o, "paragraph", json_null());
        json_object_set_new(o, "provider", json_string(m->provider));
        if (m->model_vendor) json_object_set_new(o, "model_vendor", json_string(m->model_vendor));
        json_object_set_new(o, "unsupported_regions", jstrs(m->regions.v, m->regions.n));
        json_object_set_new(o, "ownership_rule", json_boolean(m->ownership_rule));
        json_object_set_new(o, "exceptions", json_array());
        json_object_set_new(o, "overlays", json_array());
    } else
        json_hw(s, o);
    json_t *lic = json_object(), *det = json_array();
    for (size_t i = 0; i < cl->nlicense; i++) {
        json_object_set_new(lic, cl->license[i].scope, json_string(cl->license[i].policy));
        json_array_append_new(det,
                              json_pack("{s:s,s:s,s:s?}", "scope", cl->license[i].scope, "policy",
                                        cl->license[i].policy, "cite", cl->license[i].citation));
    }
    json_object_set_new(o, "license", lic);
    json_object_set_new(o, "license_detail", det);
    json_object_set_new(o, "regime", json_string(cl->regime));
    json_object_set_new(o, "regime_name",
                        s->regime ? json_string(s->regime->name) : json_string("none"));
    json_object_set_new(o, "as_of", json_string(s->as_of));
    json_object_set_new(o, "notes", jstrs(s->notes.data, s->notes.len));
    const xg_strv *src = s->in->sources;
    json_object_set_new(o, "sources", src ? jstrs(src->v, src->n) : json_array());
    json_object_set_new(o, "catalog_version", json_string(xg_catalog_version(s->c)));
    cl->json = o;
}

/* ---- the run ---- */

static void set_eccn(state *s)
{
    xg_classification *cl = s->cl;
    bool sys = cl->kind == XG_ITEM_SYSTEM || cl->kind == XG_ITEM_INSTANCE;
    const char *letter = s->cls == XG_CLS_B ? "b" : "a";
    if (!s->cls) return;
    if (s->cls == XG_CLS_HBM) {
        cl->eccn = s->chip_paragraph;
        cl->paragraph = s->chip_paragraph;
        return;
    }
    if (sys) {
        cl->eccn = xg_arena_printf(s->a, "4A090.%s", letter);
        cl->paragraph = cl->eccn;
        note(s, xg_arena_printf(s->a,
                                "4A090.%s: contains %u × %s (%s); node TPP = count × chip "
                                "TPP",
                                letter, cl->count, cl->component, s->chip_paragraph));
    } else {
        cl->eccn = xg_arena_printf(s->a, "3A090.%s", letter);
        cl->paragraph = s->chip_paragraph;
    }
    if (s->cls == XG_CLS_NAC) {
        cl->nac_eligible = true;
        /* Two named exceptions share 15 CFR 740.29 (Notified Advanced Computing, Advanced
         * Computing Authorized): listed apart so a filter on either name finds the item. */
        cl->exceptions = xg_arena_alloc(s->a, 2 * sizeof(char *));
        cl->exceptions[0] = "NAC";
        cl->exceptions[1] = "ACA";
        cl->nexceptions = 2;
        note(s, xg_arena_printf(s->a,
                                "Note 2 to 3A090: not designed or marketed for "
                                "datacenters, TPP ≥ %g — 3A090.a, eligible for License "
                                "Exception NAC/ACA",
                                s->r->tp.note2_tpp));
    }
}

static void hardware(state *s)
{
    xg_classification *cl = s->cl;
    const xg_cls_input *in = s->in;
    double tpp = compute_tpp(s, in);
    cl->chip_tpp = tpp;
    cl->tpp = isnan(tpp) ? NAN : tpp * in->count;
    cl->dram_bw = isnan(in->dram_bw) ? 0 : in->dram_bw;
    double pd = !isnan(in->pd_direct)                  ? in->pd_direct
                : (!isnan(tpp) && !isnan(in->die_mm2)) ? tpp / in->die_mm2
                                                       : NAN;
    cl->pd = isnan(pd) ? 0 : pd;
    if (in->memory)
        classify_memory(s);
    else if (isnan(tpp)) {
        cl->undetermined = true;
        note(s, "no per-precision performance figures: TPP unknown");
    } else if (!s->regime)
        note(s, xg_arena_printf(s->a,
                                "no 3A090 regime in force on this date (the first, %s, "
                                "took effect on %s)",
                                s->r->regimes[0].name, s->r->regimes[0].effective));
    else if (s->regime->criteria == 0)
        classify_oct2022(s, tpp);
    else
        classify_tpp_pd(s, tpp, pd);
    cl->jan2026_class = !isnan(tpp) && !isnan(in->dram_bw) &&
                        !ge(s, tpp, s->r->jan2026.tpp_below) &&
                        !ge(s, in->dram_bw, s->r->jan2026.bw_below);
    set_eccn(s);
    if (!s->cls && !cl->undetermined && !in->memory && !isnan(tpp) && s->regime)
        note(s, "outside 3A090/4A090 on these figures");
    if (in->chip && in->chip->confidence)
        note(s, xg_arena_printf(s->a, "figure confidence: %s", in->chip->confidence));
}

static void finish_lists(state *s)
{
    xg_classification *cl = s->cl;
    if (s->in->notes)
        for (size_t i = 0; i < s->in->notes->n; i++)
            note(s, s->in->notes->v[i]);
    if (s->in->chip && s->in->entry && s->in->entry->sys)
        for (size_t i = 0; i < s->in->chip->notes.n; i++)
            note(s, s->in->chip->notes.v[i]);
    note(s, s->in->extra_note);
    cl->overlays = xg_arena_alloc(s->a, (s->overlays.len + 1) * sizeof(char *));
    if (s->overlays.len) memcpy(cl->overlays, s->overlays.data, s->overlays.len * sizeof(char *));
    cl->noverlays = s->overlays.len;
}

int xg_cls_run(xg_classification **out, const xg_catalog *c, const xg_cls_input *in,
               const char *as_of, const xg_classify_opts *opts)
{
    xg_classification *cl = calloc(1, sizeof *cl);
    priv *p = calloc(1, sizeof *p);
    if (!cl || !p) {
        free(cl);
        free(p);
        return xg_error_set(XG_ENOMEM, "out of memory");
    }
    xg_arena_init(&p->arena, 4096);
    cl->priv = p;
    state s = {.c = c, .r = &c->rules, .in = in, .as_of = as_of, .cl = cl, .a = &p->arena};
    s.as_of = xg_arena_strdup(s.a, as_of);
    xg_vec_init(&s.notes, sizeof(char *));
    xg_vec_init(&s.overlays, sizeof(char *));
    cl->item = xg_arena_strdup(s.a, in->item ? in->item : "");
    cl->canonical = in->canonical ? xg_arena_strdup(s.a, in->canonical) : NULL;
    cl->kind = in->kind;
    cl->count = in->count;
    cl->component =
        in->kind == XG_ITEM_SYSTEM || in->kind == XG_ITEM_INSTANCE ? in->chip->name : NULL;
    cl->datacenter = in->datacenter;
    pick_regime(&s, opts);
    cl->regime = s.regime ? s.regime->effective : "none";
    if (in->datacenter_assumed) note(&s, "datacenter not stated: assumed yes");
    if (in->kind != XG_ITEM_MODEL) {
        hardware(&s);
        fill_license(&s);
    } else {
        cl->tpp = 0;
        cl->provider = in->entry->model->provider;
        cl->unsupported_regions = in->entry->model->regions.v;
        cl->nunsupported_regions = in->entry->model->regions.n;
        cl->ownership_rule = in->entry->model->ownership_rule;
        cl->license = NULL;
        note(&s, "a hosted model service is not an export of a 3A090 item; the provider's "
                 "access restrictions are policy, not law (RULES.md §4)");
    }
    finish_lists(&s);
    build_json(&s);
    xg_vec_free(&s.notes);
    xg_vec_free(&s.overlays);
    if (!cl->json) {
        xg_classification_free(cl);
        return xg_error_set(XG_ENOMEM, "out of memory");
    }
    *out = cl;
    return 0;
}

void xg_classification_free(xg_classification *cl)
{
    if (!cl) return;
    json_decref(cl->json);
    priv *p = cl->priv;
    if (p) {
        xg_arena_free(&p->arena);
        free(p);
    }
    free(cl);
}

/* ---- public entry points ---- */

static int check_date(const char *as_of, char today[11], const char **use)
{
    if (!as_of) {
        xg_date_today(today);
        *use = today;
        return 0;
    }
    if (!xg_date_valid(as_of))
        return xg_error_set(XG_EINVAL, "as-of date \"%.40s\" is not YYYY-MM-DD", as_of);
    *use = as_of;
    return 0;
}

int xg_classify_item_ex(xg_classification **out, const xg_catalog *c, const char *item,
                        const char *as_of, const xg_classify_opts *opts)
{
    char today[11];
    const char *d = NULL;
    if (!out || !c || !item) return xg_error_set(XG_EINVAL, "classify: missing argument");
    if (check_date(as_of, today, &d)) return XG_EINVAL;
    const xg_catalog_entry *e;
    int rc = xg_catalog_lookup(c, item, &e);
    if (rc) return rc;
    const xg_item *it = (const xg_item *)e;
    xg_cls_input in;
    xg_cls_input_init(&in);
    if (it->chip) xg_cls_input_from_chip(&in, it->chip);
    in.item = item;
    in.canonical = e->name;
    in.kind = e->kind;
    in.entry = it;
    if (it->sys) {
        in.count = it->sys->count;
        in.notes = &it->sys->notes;
        in.sources = &it->sys->sources;
        in.vendor = it->sys->provider;
    } else if (it->chip) {
        in.notes = &it->chip->notes;
        in.sources = &it->chip->sources;
    } else {
        in.notes = &it->model->notes;
        in.sources = &it->model->sources;
        in.vendor = it->model->provider;
    }
    return xg_cls_run(out, c, &in, d, opts);
}

int xg_classify_item(xg_classification **out, const xg_catalog *c, const char *item,
                     const char *as_of)
{
    return xg_classify_item_ex(out, c, item, as_of, NULL);
}
