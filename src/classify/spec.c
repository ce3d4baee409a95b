/*
 * spec.c — ad-hoc specifications: 'fp8=1979,die=814,datacenter=yes[,sparse=yes][,dram_bw=3350]'.
 * Precision keys are the ids in rules.json (fp64 fp32 tf32 fp16 bf16 int16 fp8 int8 int4 fp4, in
 * TFLOPS/TOPS); tpp= and pd= give TPP and PD directly (for boundary checks); die= (mm²),
 * dram_bw= and interconnect= (GB/s), datacenter= and sparse= (yes/no), name=. The spec is
 * untrusted input (an HTTP field too): bounded length, every value checked, unknown keys refused.
 */
#include "classify/classify_internal.h"
#include "xgate/error.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { XG_SPEC_MAX = 4096 };
#define XG_SPEC_VALUE_MAX 1e12 /* far above any real figure; refuses 1e308 and friends */

static int parse_bool(const char *k, const char *v, bool *out)
{
    if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
        *out = true;
    else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
        *out = false;
    else
        return xg_error_set(XG_EINVAL, "spec: %s=\"%.40s\": expected yes or no", k, v);
    return 0;
}

static int parse_num(const char *k, const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (!*v || *end || errno || !isfinite(d) || d < 0 || d > XG_SPEC_VALUE_MAX)
        return xg_error_set(XG_EINVAL, "spec: %s=\"%.40s\": expected a number from 0 to 1e12", k,
                            v);
    *out = d;
    return 0;
}

static int prec_index(const xg_rules *r, const char *k)
{
    for (size_t p = 0; p < r->nprec; p++)
        if (!strcmp(r->prec[p].id, k) || (r->prec[p].alias && !strcmp(r->prec[p].alias, k)))
            return (int)p;
    return -1;
}

static int one_pair(const xg_catalog *c, xg_cls_input *in, char *k, char *v, bool *have_dc,
                    bool *have_perf, xg_arena *a)
{
    for (char *p = k; *p; p++)
        *p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    int pi = prec_index(&c->rules, k);
    if (pi >= 0) {
        *have_perf = true;
        double d;
        if (parse_num(k, v, &d)) return XG_EINVAL;
        in->perf[pi] = isnan(in->perf[pi]) || d > in->perf[pi] ? d : in->perf[pi];
        return 0;
    }
    if (!strcmp(k, "tpp")) return *have_perf = true, parse_num(k, v, &in->tpp_direct);
    if (!strcmp(k, "pd")) return parse_num(k, v, &in->pd_direct);
    if (!strcmp(k, "die") || !strcmp(k, "die_mm2")) {
        if (parse_num(k, v, &in->die_mm2)) return XG_EINVAL;
        return in->die_mm2 > 0 ? 0 : xg_error_set(XG_EINVAL, "spec: die must be > 0");
    }
    if (!strcmp(k, "dram_bw")) return parse_num(k, v, &in->dram_bw);
    if (!strcmp(k, "interconnect")) return parse_num(k, v, &in->interconnect);
    if (!strcmp(k, "datacenter")) return *have_dc = true, parse_bool(k, v, &in->datacenter);
    if (!strcmp(k, "sparse")) return parse_bool(k, v, &in->sparse);
    if (!strcmp(k, "name")) {
        in->canonical = xg_arena_strdup(a, v);
        return 0;
    }
    return xg_error_set(
        XG_EINVAL,
        "spec: unknown key \"%.40s\" (precisions fp64 fp32 tf32 fp16 bf16 int16 "
        "fp8 int8 int4 fp4; tpp pd die dram_bw interconnect datacenter sparse name)",
        k);
}

static int parse_spec(const xg_catalog *c, const char *spec, xg_cls_input *in, xg_arena *a)
{
    size_t n = strlen(spec);
    if (n == 0) return xg_error_set(XG_EINVAL, "spec: empty");
    if (n > XG_SPEC_MAX) return xg_error_set(XG_ETOOBIG, "spec: longer than %d bytes", XG_SPEC_MAX);
    if (!xg_utf8_valid(spec, n)) return xg_error_set(XG_EUTF8, "spec: invalid UTF-8");
    char *copy = xg_arena_strdup(a, spec), *save = NULL;
    bool have_dc = false, have_perf = false;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        char *eq = strchr(tok, '=');
        if (!eq) return xg_error_set(XG_EINVAL, "spec: \"%.40s\" is not key=value", tok);
        *eq = 0;
        char *k = tok, *v = eq + 1, *e = eq;
        while (e > k && e[-1] == ' ')
            *--e = 0;
        while (*v == ' ')
            v++;
        for (e = v + strlen(v); e > v && e[-1] == ' ';)
            *--e = 0;
        if (one_pair(c, in, k, v, &have_dc, &have_perf, a)) return XG_EINVAL;
    }
    if (!have_perf)
        return xg_error_set(XG_EINVAL, "spec: give at least one precision figure (e.g. fp8=1979) "
                                       "or tpp=");
    if (!isnan(in->pd_direct) && !isnan(in->die_mm2))
        return xg_error_set(XG_EINVAL, "spec: give pd= or die=, not both");
    in->datacenter_assumed = !have_dc;
    return 0;
}

int xg_classify_spec_ex(xg_classification **out, const xg_catalog *c, const char *spec,
                        const char *as_of, const xg_classify_opts *opts)
{
    if (!out || !c || !spec) return xg_error_set(XG_EINVAL, "classify: missing argument");
    char today[11];
    if (!as_of) {
        xg_date_today(today);
        as_of = today;
    } else if (!xg_date_valid(as_of))
        return xg_error_set(XG_EINVAL, "as-of date \"%.40s\" is not YYYY-MM-DD", as_of);
    xg_arena a;
    xg_arena_init(&a, 4096);
    xg_cls_input in;
    xg_cls_input_init(&in);
    in.item = spec;
    in.kind = XG_ITEM_CHIP;
    int rc = parse_spec(c, spec, &in, &a);
    if (!rc) {
        in.canonical = in.canonical ? in.canonical : "spec";
        in.extra_note = "classified from the figures given (--spec), not from the catalog";
        rc = xg_cls_run(out, c, &in, as_of, opts);
    }
    xg_arena_free(&a);
    return rc;
}

int xg_classify_spec(xg_classification **out, const xg_catalog *c, const char *spec,
                     const char *as_of)
{
    return xg_classify_spec_ex(out, c, spec, as_of, NULL);
}
