/*
 * xgate/classify.h — what is asked for, under the export rules as of a date.
 *
 * The catalog (chips, systems, cloud instance types, model services) is loaded from data files
 * under data/catalog/; each figure carries its source. Classification computes TPP and PD from
 * dense per-precision figures, assigns 3A090.a/.b (with paragraph), Note 2, 3A090.c, 4A090 for
 * systems and instances (node TPP), NAC/ACA, SKU overlays (H20, MI308 letters) and the license
 * requirement by destination group and headquarters, for the regime in force on `as_of`.
 * The catalog is immutable after load and safe to share between threads.
 */
#ifndef XGATE_CLASSIFY_H
#define XGATE_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

typedef struct xg_catalog xg_catalog;

typedef enum { XG_ITEM_CHIP = 0, XG_ITEM_SYSTEM, XG_ITEM_INSTANCE, XG_ITEM_MODEL } xg_item_kind;

/* "chip", "system", "instance", "model". */
const char *xg_item_kind_name(xg_item_kind k);

/* Load the catalog from `data_dir` (NULL: xg_data_dir()). */
int xg_catalog_load(xg_catalog **out, const char *data_dir);
void xg_catalog_free(xg_catalog *c);
/* A version string for the loaded catalog (content hash prefix), written with each decision. */
const char *xg_catalog_version(const xg_catalog *c);

typedef struct xg_classification {
    const char *item;      /* as given */
    const char *canonical; /* catalog name */
    xg_item_kind kind;
    double tpp;            /* per chip, or per node for systems/instances; 0 for models */
    double pd;             /* 0 when unknown or not applicable */
    const char *eccn;      /* "3A090.a", "3A090.b", "4A090.a", … or NULL (outside 3A090/4A090) */
    const char *paragraph; /* "3A090.a.1" … or NULL */
    bool datacenter;
    bool nac_eligible;     /* License Exception NAC/ACA eligible */
    const char **overlays; /* SKU overlays in force: "H20_LETTER_2025", "MI308_LETTER_2025" … */
    size_t noverlays;
    const char *regime; /* effective date of the regime applied, e.g. "2023-11-17" */
    /* for model services */
    const char *provider;             /* "anthropic", "openai", "azure-openai", … */
    const char **unsupported_regions; /* ISO-2 codes the provider does not serve */
    size_t nunsupported_regions;
    bool ownership_rule; /* provider bars companies > 50 % owned from those regions */
    json_t *json;        /* the full CLI JSON object (owned by this struct) */
    void *priv;
    /* ---- added fields (after the original contract) ---- */
    double chip_tpp;       /* TPP of one chip (= tpp for chips; per component chip for systems) */
    const char *component; /* systems/instances: canonical chip name; NULL otherwise */
    unsigned count;        /* systems/instances: number of chips; 1 for chips */
    double dram_bw;        /* total DRAM bandwidth of one chip, GB/s; 0 unknown */
    bool undetermined;     /* figures missing (no perf, or no die area where PD decides) */
    bool jan2026_class;    /* meets the Jan 2026 criteria (TPP < 21,000 and DRAM bw < 6,500 GB/s) */
    const struct xg_license_req *license; /* license requirement per destination scope */
    size_t nlicense;
    const char **exceptions; /* "NAC", "ACA" (15 CFR 740.29) … */
    size_t nexceptions;
} xg_classification;

/* Classify a named item (chip, system, instance type or model service; case, spacing and alias
 * insensitive). XG_ENOTFOUND for an unknown item, with the nearest catalog names in the message.
 * `as_of` is YYYY-MM-DD or NULL (today). */
int xg_classify_item(xg_classification **out, const xg_catalog *c, const char *item,
                     const char *as_of);

/* Classify an ad-hoc specification 'fp8=1979,die=814,datacenter=yes[,sparse=yes][,dram_bw=3350]'.
 */
int xg_classify_spec(xg_classification **out, const xg_catalog *c, const char *spec,
                     const char *as_of);

void xg_classification_free(xg_classification *cl);

/* ---- additions to the original contract ---- */

/* One row of the license map: for destinations in `scope` ("CN" China incl. Hong Kong, "MO",
 * "D:5", "D:4", "D:1" — Country Groups not also in A:5/A:6 —, "headquartered D:5/Macau", and under
 * the AI Diffusion layer "Tier 1"/"Tier 2"), the review `policy` ("presumption of denial",
 * "case-by-case", "presumption of approval", "License Exception NAC/ACA", "no license required", …)
 * and the CFR/FR `citation`. Destinations in no listed scope need no license for this item. For a
 * destination in several scopes the most specific wins: CN, MO, D:5, D:4, D:1. Strings belong to
 * the catalog. */
typedef struct xg_license_req {
    const char *scope;
    const char *policy;
    const char *citation;
} xg_license_req;

typedef struct xg_classify_opts {
    bool
        ai_diffusion; /* apply the Jan 2025 AI Diffusion layer inside its window (off by default) */
} xg_classify_opts;

/* As xg_classify_item / xg_classify_spec, with options (NULL = defaults). */
int xg_classify_item_ex(xg_classification **out, const xg_catalog *c, const char *item,
                        const char *as_of, const xg_classify_opts *opts);
int xg_classify_spec_ex(xg_classification **out, const xg_catalog *c, const char *spec,
                        const char *as_of, const xg_classify_opts *opts);

/* Called once per data row of an imported table. `cl` is NULL when the row could not be
 * classified (then `error` says why); `cl` is borrowed: it is freed after the callback returns.
 * A non-zero return stops the import and is returned by the import function. */
typedef int (*xg_import_cb)(void *ud, const xg_classification *cl, long line, const char *error);

/* Classify every row of an Epoch-format hardware CSV (header with "Hardware name" and the
 * precision columns, values in FLOP/s or OP/s). Rows with no usable figure are reported with
 * cl == NULL and an error, never fatal. *nrows gets the number of data rows seen. Returns 0, a
 * negative XG_E* code for an unreadable file or a header without "Hardware name", or the
 * callback's non-zero value. */
int xg_classify_import_csv(const xg_catalog *c, const char *path, const char *as_of,
                           const xg_classify_opts *opts, xg_import_cb cb, void *ud, size_t *nrows);
/* The same over a buffer in memory; `name` is used in messages. */
int xg_classify_import_buf(const xg_catalog *c, const char *data, size_t len, const char *name,
                           const char *as_of, const xg_classify_opts *opts, xg_import_cb cb,
                           void *ud, size_t *nrows);

/* A catalog entry, for listing and for building lexicons (the scanner). Strings belong to the
 * catalog. */
typedef struct xg_catalog_entry {
    const char *name; /* canonical name */
    xg_item_kind kind;
    const char *vendor; /* chips: vendor; systems/instances/models: provider */
    const char *const *aliases;
    size_t naliases;
    bool datacenter;       /* chips (and the chip inside a system) */
    const char *component; /* systems/instances: chip name; else NULL */
    unsigned count;        /* systems/instances: chips per node; else 1 */
} xg_catalog_entry;

/* Number of entries, and entry i (0 ≤ i < size; NULL out of range), in catalog file order:
 * chips, then systems and instances, then model services. */
size_t xg_catalog_size(const xg_catalog *c);
const xg_catalog_entry *xg_catalog_entry_at(const xg_catalog *c, size_t i);

/* Resolve a name (case, spacing, punctuation, vendor prefix and alias insensitive) to its entry;
 * XG_ENOTFOUND with the nearest names in the message. */
int xg_catalog_lookup(const xg_catalog *c, const char *name, const xg_catalog_entry **out);

/* Up to `max` catalog names nearest to `name` (edit distance on normalised names), best first;
 * returns how many were written. Pointers belong to the catalog. */
size_t xg_catalog_nearest(const xg_catalog *c, const char *name, const char **out, size_t max);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
