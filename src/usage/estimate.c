/*
 * estimate.c — one usage row in operations. The TPP the catalog computes for a chip is
 * 2 × MAC rate × bit length, i.e. its dense operation rate weighted by operand width; divided by
 * 16 it is the chip's dense 16-bit rate in tera-operations per second, the rate large training
 * runs use. A system or instance is its chip × count; the ECCN class is the chip's.
 */
#include <string.h>

#include "xgate/error.h"
#include "xgate/usage.h"

/* TPP ÷ 16 = dense 16-bit TOPS (TPP = 2 × MacTOPS × bit length, 15 CFR 774 Supp. 1, 3A090). */
#define TPP_BITS_16 16.0
#define TERA 1e12
#define SECONDS_PER_HOUR 3600.0

static const char *class_of(const char *eccn)
{
    if (!eccn) return "none";
    if (strstr(eccn, "3A090.a") || strstr(eccn, "4A090.a")) return "3A090.a";
    if (strstr(eccn, "3A090.b") || strstr(eccn, "4A090.b")) return "3A090.b";
    return "none";
}

int xg_usage_estimate_item(xg_usage_estimate *out, const xg_catalog *cat, const char *item,
                           double count, double hours)
{
    if (!(count >= 0) || !(hours >= 0))
        return xg_error_set(XG_EINVAL, "%s: negative count or hours", item);
    xg_classification *cl;
    int rc = xg_classify_item(&cl, cat, item, NULL);
    if (rc) return rc;
    if (cl->kind == XG_ITEM_MODEL || !(cl->chip_tpp > 0)) {
        rc = xg_error_set(XG_EINVAL, "%s: %s has no accelerator TPP to estimate from", item,
                          cl->kind == XG_ITEM_MODEL ? "a model service" : "the catalog entry");
        xg_classification_free(cl);
        return rc;
    }
    const xg_catalog_entry *e = NULL;
    xg_catalog_lookup(cat, item, &e);
    out->canonical = e ? e->name : NULL;
    unsigned per_item = cl->count ? cl->count : 1;
    /* The class of the accelerator itself: 3A090.a/.b of the chip (4A090 of a node follows it). */
    const char *cls = class_of(cl->eccn);
    if (cl->kind != XG_ITEM_CHIP && cl->component) {
        xg_classification *chip;
        if (!xg_classify_item(&chip, cat, cl->component, NULL)) {
            cls = class_of(chip->eccn);
            xg_classification_free(chip);
        }
    }
    out->eccn_class = cls;
    out->accelerators = count * per_item;
    out->peak_ops_per_s = cl->chip_tpp / TPP_BITS_16 * TERA;
    out->accel_hours = out->accelerators * hours;
    out->peak_ops = out->accelerators * out->peak_ops_per_s * hours * SECONDS_PER_HOUR;
    xg_classification_free(cl);
    return XG_OK;
}
