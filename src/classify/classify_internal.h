/*
 * classify_internal.h — the loaded catalog and rule data, shared by the catalog loader, the
 * classifier and the table importer. Everything is allocated from the catalog's arena and is
 * read-only after xg_catalog_load, so one catalog serves many threads.
 *
 * Thresholds, dates, bit lengths and license rows all come from data/catalog/rules.json; the
 * structs below only give them names.
 */
#ifndef XG_CLASSIFY_INTERNAL_H
#define XG_CLASSIFY_INTERNAL_H

#include "core/core.h"
#include "xgate/classify.h"

#include <stdbool.h>
#include <stddef.h>

enum { XG_PREC_MAX = 16 };

/* Item classes a license row can name (bit set). */
enum { XG_CLS_A = 1, XG_CLS_B = 2, XG_CLS_NAC = 4, XG_CLS_HBM = 8 };

typedef struct xg_strv {
    const char **v;
    size_t n;
} xg_strv;

typedef struct xg_prec {
    const char *id;
    const char *alias; /* e.g. "bf16" for fp16, or NULL */
    double bits;
    bool counts; /* may set the TPP maximum (false for TF32) */
    bool sparse; /* vendor "with sparsity" figures exist for it (halved when flagged) */
} xg_prec;

typedef struct xg_chip {
    const char *name, *vendor, *category, *release, *confidence;
    double perf[XG_PREC_MAX]; /* TFLOPS/TOPS as published; NAN when absent */
    bool sparse, datacenter, hbm;
    double die_mm2, dram_bw, interconnect, package_mm2; /* NAN when unknown */
    xg_strv notes, sources;
} xg_chip;

typedef struct xg_sys {
    const char *provider;
    const xg_chip *chip;
    unsigned count;
    xg_strv notes, sources;
} xg_sys;

typedef struct xg_model {
    const char *provider, *model_vendor;
    xg_strv regions, notes, sources;
    bool ownership_rule;
} xg_model;

typedef struct xg_item {
    xg_catalog_entry pub;
    const xg_chip *chip;   /* chips, and the component of systems */
    const xg_sys *sys;     /* systems and instances */
    const xg_model *model; /* model services */
} xg_item;

typedef struct xg_lrow {
    const char *scope, *policy, *cite, *note, *from, *until;
    unsigned classes; /* 0 = any (overlay rows) */
    bool if_jan2026;
} xg_lrow;

typedef struct xg_regime {
    const char *id, *name, *effective, *until, *cite, *note;
    int criteria; /* 0: oct2022 (TPP and interconnect), 1: tpp_pd */
    bool hbm, layer, enabled_default;
    const struct xg_regime *inherit;
    xg_lrow *rows;
    size_t nrows;
    xg_strv tier1; /* layers: Tier 1 countries */
} xg_regime;

typedef struct xg_overlay {
    const char *id, *from, *until, *cite;
    xg_strv chip_names;
    xg_lrow *rows;
    size_t nrows;
} xg_overlay;

/* The Nov 2023 (tpp_pd) thresholds and their paragraph names. */
typedef struct xg_tp_rules {
    double a1_tpp, a2_tpp, a2_pd, b1_tpp, b1_tpp_below, b1_pd, b1_pd_below;
    double b2_tpp, b2_pd, b2_pd_below, note2_tpp;
    const char *pa1, *pa2, *pb1, *pb2, *cite;
} xg_tp_rules;

typedef struct xg_rules {
    xg_prec prec[XG_PREC_MAX];
    size_t nprec;
    double sparse_div, eps;
    const char *sparse_cite, *tpp_cite, *pd_cite;
    struct {
        double tpp_min, ic_min;
        const char *paragraph, *cite;
    } oct2022;
    xg_tp_rules tp;
    struct {
        double above;
        const char *paragraph, *cite;
    } hbm;
    struct {
        double tpp_below, bw_below;
        const char *cite;
    } jan2026;
    xg_regime *regimes;
    size_t nregimes;
    xg_regime *layers;
    size_t nlayers;
    xg_overlay *overlays;
    size_t noverlays;
} xg_rules;

typedef struct xg_key {
    const char *key; /* normalised */
    size_t item;
} xg_key;

struct xg_catalog {
    xg_arena arena;
    xg_chip *chips;
    size_t nchips;
    xg_sys *systems;
    size_t nsystems;
    xg_model *models;
    size_t nmodels;
    xg_item *items;
    size_t nitems;
    xg_key *keys;
    size_t nkeys;
    xg_strv strip_prefixes, strip_suffixes, consumer_markers;
    xg_rules rules;
    char version[13];
};

/* Lowercase ASCII letters and digits of s (other ASCII dropped, non-ASCII bytes kept) into out
 * (size cap); returns the length. */
size_t xg_cls_normalise(const char *s, char *out, size_t cap);

/* The item for a name, or NULL. */
const xg_item *xg_cls_find(const xg_catalog *c, const char *name);

/* Load data/catalog/rules.json into c->rules (arena-allocated). */
int xg_cls_rules_load(xg_catalog *c, const char *path);

/* The values a classification is computed from; shared by catalog items, --spec and --import. */
typedef struct xg_cls_input {
    const char *item, *canonical, *vendor, *release;
    xg_item_kind kind;
    double perf[XG_PREC_MAX];
    bool sparse, datacenter, datacenter_assumed;
    double tpp_direct, pd_direct; /* NAN unless given directly (--spec tpp=, pd=) */
    double die_mm2, dram_bw, interconnect, package_mm2;
    const xg_chip *chip;  /* catalog chip (for overlays), or NULL */
    const xg_item *entry; /* catalog entry, or NULL */
    unsigned count;       /* chips per node (1 for chips) */
    bool memory;          /* an HBM stack */
    const xg_strv *notes, *sources;
    const char *extra_note;
} xg_cls_input;

void xg_cls_input_init(xg_cls_input *in);
void xg_cls_input_from_chip(xg_cls_input *in, const xg_chip *ch);

/* Classify prepared input as of a date (validated YYYY-MM-DD). */
int xg_cls_run(xg_classification **out, const xg_catalog *c, const xg_cls_input *in,
               const char *as_of, const xg_classify_opts *opts);

#endif
