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
    const char *regime;    /* effective date of the regime applied, e.g. "2023-11-17" */
    /* for model services */
    const char *provider;                /* "anthropic", "openai", "azure-openai", … */
    const char **unsupported_regions;    /* ISO-2 codes the provider does not serve */
    size_t nunsupported_regions;
    bool ownership_rule;                 /* provider bars companies > 50 % owned from those regions */
    json_t *json;          /* the full CLI JSON object (owned by this struct) */
    void *priv;
} xg_classification;

/* Classify a named item (chip, system, instance type or model service; case, spacing and alias
 * insensitive). XG_ENOTFOUND for an unknown item, with the nearest catalog names in the message.
 * `as_of` is YYYY-MM-DD or NULL (today). */
int xg_classify_item(xg_classification **out, const xg_catalog *c, const char *item,
                     const char *as_of);

/* Classify an ad-hoc specification 'fp8=1979,die=814,datacenter=yes[,sparse=yes][,dram_bw=3350]'. */
int xg_classify_spec(xg_classification **out, const xg_catalog *c, const char *spec,
                     const char *as_of);

void xg_classification_free(xg_classification *cl);

#ifdef __cplusplus
}
#endif
#endif
