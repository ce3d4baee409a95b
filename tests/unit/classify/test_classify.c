/*
 * Classification tests: every worked value and boundary of RULES.md §1, sparse against dense
 * input, each regime date, every instance of RULES.md §5, model services, bad specs and the whole
 * Epoch table. The catalog comes from $XGATE_DATA (the bundled data/).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/classify.h"
#include "xgate/error.h"

static xg_catalog *cat;

static void setup(void)
{
    int rc = xg_catalog_load(&cat, getenv("XGATE_DATA"));
    cr_assert_eq(rc, 0, "catalog load: %s", xg_error_message());
}

static void teardown(void)
{
    xg_catalog_free(cat);
}

TestSuite(classify, .init = setup, .fini = teardown);

static xg_classification *item(const char *name, const char *as_of)
{
    xg_classification *cl = NULL;
    int rc = xg_classify_item(&cl, cat, name, as_of);
    cr_assert_eq(rc, 0, "%s: %s", name, xg_error_message());
    return cl;
}

static xg_classification *spec(const char *s, const char *as_of)
{
    xg_classification *cl = NULL;
    int rc = xg_classify_spec(&cl, cat, s, as_of);
    cr_assert_eq(rc, 0, "%s: %s", s, xg_error_message());
    return cl;
}

static const char *policy(const xg_classification *cl, const char *scope)
{
    for (size_t i = 0; i < cl->nlicense; i++)
        if (!strcmp(cl->license[i].scope, scope)) return cl->license[i].policy;
    return NULL;
}

static bool has_overlay(const xg_classification *cl, const char *id)
{
    for (size_t i = 0; i < cl->noverlays; i++)
        if (!strcmp(cl->overlays[i], id)) return true;
    return false;
}

#define ASSERT_STR(a, b)                                                                           \
    cr_assert((a) && !strcmp((a), (b)), "got %s, expected %s", (a) ? (a) : "NULL", (b))

static void check_chip(const char *name, double tpp, double pd, const char *eccn, const char *para)
{
    xg_classification *cl = item(name, "2024-06-01");
    cr_assert_eq(round(cl->tpp), tpp, "%s TPP %f", name, cl->tpp);
    cr_assert_eq(round(cl->pd * 100) / 100, pd, "%s PD %f", name, cl->pd);
    if (eccn) {
        ASSERT_STR(cl->eccn, eccn);
        ASSERT_STR(cl->paragraph, para);
    } else
        cr_assert_null(cl->eccn, "%s: %s", name, cl->eccn);
    xg_classification_free(cl);
}

Test(classify, rules_worked_values)
{
    check_chip("A100", 4992, 6.04, "3A090.a", "3A090.a.1");
    check_chip("A100 PCIe", 4992, 6.04, "3A090.a", "3A090.a.1");
    check_chip("A800", 4992, 6.04, "3A090.a", "3A090.a.1");
    check_chip("H100 SXM", 15832, 19.45, "3A090.a", "3A090.a.1");
    check_chip("H800", 15832, 19.45, "3A090.a", "3A090.a.1");
    check_chip("H200", 15832, 19.45, "3A090.a", "3A090.a.1");
    check_chip("H20", 2368, 2.91, NULL, NULL);
    check_chip("L40S", 5864, 9.64, "3A090.a", "3A090.a.1");
    check_chip("L20", 1912, 3.14, NULL, NULL);
    check_chip("RTX 4090", 5285, 8.68, "3A090.a", "3A090.a.1");
}

Test(classify, rtx4090_is_note2_nac)
{
    xg_classification *cl = item("GeForce RTX 4090", NULL);
    cr_assert(!cl->datacenter);
    cr_assert(cl->nac_eligible);
    cr_assert_eq(cl->nexceptions, 2);
    ASSERT_STR(cl->exceptions[0], "NAC");
    ASSERT_STR(cl->exceptions[1], "ACA");
    ASSERT_STR(policy(cl, "headquartered D:5/Macau"), "no license required");
    ASSERT_STR(policy(cl, "D:5"), "presumption of denial");
    xg_classification_free(cl);
}

Test(classify, chinese_and_cloud_prefixes_resolve)
{
    struct {
        const char *as, *is;
    } t[] = {{"华为昇腾910B", "Ascend 910B"},
             {"昇腾910C", "Ascend 910C"},
             {"英伟达 A800 加速卡", "A800 SXM4 80GB"},
             {"AWS p5.48xlarge", "p5.48xlarge"},
             {"Azure ND96isr_H100_v5", "ND96isr_H100_v5"},
             {"GCP a3-highgpu-8g", "a3-highgpu-8g"},
             {"MI300X GPU", "Instinct MI300X"},
             {"微软 Azure OpenAI 服务", "GPT-4o (Azure OpenAI)"},
             {"AWS p5.48xlarge instance", "p5.48xlarge"},
             {"RTX 4090D", "RTX 4090 D"}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        const xg_catalog_entry *e;
        cr_assert_eq(xg_catalog_lookup(cat, t[i].as, &e), 0, "%s: %s", t[i].as, xg_error_message());
        ASSERT_STR(e->name, t[i].is);
    }
    const xg_catalog_entry *e;
    cr_assert_eq(xg_catalog_lookup(cat, "GPU", &e), XG_ENOTFOUND, "a bare suffix is no item");
    cr_assert_eq(xg_catalog_lookup(cat, "nvidia", &e), XG_ENOTFOUND);
}

Test(classify, nvidia_oct2023_list_needs_licenses)
{
    const char *names[] = {"A100", "A800", "H100", "H800", "L40", "L40S", "RTX 4090"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        xg_classification *cl = item(names[i], "2023-11-17");
        cr_assert_not_null(cl->eccn, "%s", names[i]);
        cr_assert_not_null(policy(cl, "CN"), "%s", names[i]);
        xg_classification_free(cl);
    }
}

Test(classify, aliases_resolve_to_one_chip)
{
    const char *forms[] = {"H100 SXM5 80GB",
                           "h100-sxm",
                           "H100-SXM5-80GB",
                           "NVIDIA H100",
                           "  nvidia   h100 sxm5 ",
                           "H100 SXM5 94GB",
                           "英伟达H100",
                           "NVIDIA H100 Tensor Core GPU",
                           "H100 GPU"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        xg_classification *cl = item(forms[i], NULL);
        ASSERT_STR(cl->canonical, "H100 SXM5 80GB");
        ASSERT_STR(cl->item, forms[i]);
        xg_classification_free(cl);
    }
}

static void check_spec(const char *s, const char *eccn, const char *para)
{
    xg_classification *cl = spec(s, "2024-06-01");
    if (eccn) {
        ASSERT_STR(cl->eccn, eccn);
        ASSERT_STR(cl->paragraph, para);
    } else
        cr_assert_null(cl->eccn, "%s → %s", s, cl->eccn);
    xg_classification_free(cl);
}

Test(classify, rules_boundaries)
{
    check_spec("tpp=4800,pd=0.1,datacenter=yes", "3A090.a", "3A090.a.1");
    check_spec("tpp=4800,pd=100,datacenter=yes", "3A090.a", "3A090.a.1");
    check_spec("tpp=1600,pd=5.92,datacenter=yes", "3A090.a", "3A090.a.2");
    check_spec("tpp=2400,pd=1.6,datacenter=yes", "3A090.b", "3A090.b.1");
    check_spec("tpp=1600,pd=3.2,datacenter=yes", "3A090.b", "3A090.b.2");
    check_spec("tpp=2399.9,pd=3.199,datacenter=yes", NULL, NULL);
    check_spec("tpp=4799,pd=7,datacenter=no", NULL, NULL);
    check_spec("tpp=4800,pd=7,datacenter=no", "3A090.a", "3A090.a.1");
    check_spec("tpp=1599.9,pd=10,datacenter=yes", NULL, NULL);
    check_spec("tpp=4799.9,pd=5.9199,datacenter=yes", "3A090.b", "3A090.b.1");
    check_spec("tpp=2399.9,pd=5.9199,datacenter=yes", "3A090.b", "3A090.b.2");
    /* die area rather than PD: 1600 / 270.2702… is 5.92 up to rounding noise */
    check_spec("tpp=1600,die=270.27027027027026,datacenter=yes", "3A090.a", "3A090.a.2");
}

Test(classify, sparse_figures_are_halved)
{
    xg_classification *d = spec("fp8=1979,die=814,datacenter=yes", NULL);
    xg_classification *s = spec("fp8=3958,die=814,datacenter=yes,sparse=yes", NULL);
    cr_assert_eq(d->tpp, 15832);
    cr_assert_eq(s->tpp, d->tpp);
    cr_assert_eq(s->pd, d->pd);
    xg_classification_free(d);
    xg_classification_free(s);
    /* FP64/FP32 are never sparse figures; TF32 never counts */
    xg_classification *f = spec("fp64=100,tf32=1000,sparse=yes,die=800", NULL);
    cr_assert_eq(f->tpp, 6400);
    xg_classification_free(f);
    xg_classification *t = spec("tf32=5000,fp16=1", NULL);
    cr_assert_eq(t->tpp, 16);
    xg_classification_free(t);
}

Test(classify, spec_without_datacenter_assumes_datacenter)
{
    xg_classification *cl = spec("fp8=1979,die=814", NULL);
    cr_assert(cl->datacenter);
    ASSERT_STR(cl->eccn, "3A090.a");
    xg_classification_free(cl);
}

Test(classify, bad_specs_are_refused)
{
    const char *bad[] = {"",
                         "fp8",
                         "fp8=",
                         "fp8=abc",
                         "fp8=-1",
                         "fp8=1e400",
                         "fp8=nan",
                         "foo=1",
                         "datacenter=maybe,fp8=1",
                         "die=0,fp8=1",
                         "datacenter=yes",
                         "pd=3,die=2,tpp=5",
                         "fp8=1,,die=",
                         "=1",
                         "fp8=1e13"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        xg_classification *cl = NULL;
        int rc = xg_classify_spec(&cl, cat, bad[i], NULL);
        cr_assert_lt(rc, 0, "spec \"%s\" accepted", bad[i]);
        cr_assert_null(cl);
        cr_assert_neq(xg_error_message()[0], 0);
    }
    char *big = malloc(10000);
    memset(big, 'x', 9999);
    big[9999] = 0;
    xg_classification *cl = NULL;
    cr_assert_eq(xg_classify_spec(&cl, cat, big, NULL), XG_ETOOBIG);
    free(big);
    cr_assert_eq(xg_classify_spec(&cl, cat, "fp8=1", "2024-13-01"), XG_EINVAL);
    cr_assert_eq(xg_classify_item(&cl, cat, "H100", "yesterday"), XG_EINVAL);
}

Test(classify, regime_oct2022)
{
    xg_classification *a = item("A100", "2022-10-06");
    cr_assert_null(a->eccn);
    ASSERT_STR(a->regime, "none");
    xg_classification_free(a);
    a = item("A100", "2022-10-07");
    ASSERT_STR(a->regime, "2022-10-07");
    ASSERT_STR(a->eccn, "3A090.a");
    ASSERT_STR(policy(a, "CN"), "presumption of denial");
    cr_assert_null(policy(a, "D:1"), "Oct 2022 reached China and Macau only");
    cr_assert_null(policy(a, "headquartered D:5/Macau"));
    xg_classification_free(a);
    const char *designed_around[] = {"A800", "H800"};
    for (int i = 0; i < 2; i++) {
        xg_classification *cl = item(designed_around[i], "2023-11-16");
        cr_assert_null(cl->eccn, "%s under Oct 2022", designed_around[i]);
        xg_classification_free(cl);
        cl = item(designed_around[i], "2023-11-17");
        ASSERT_STR(cl->eccn, "3A090.a");
        ASSERT_STR(cl->regime, "2023-11-17");
        xg_classification_free(cl);
    }
    /* the 4090 was outside the Oct 2022 rule (PCIe only) and inside from Nov 2023 */
    xg_classification *g = item("RTX 4090", "2023-06-01");
    cr_assert_null(g->eccn);
    xg_classification_free(g);
}

Test(classify, regime_nov2023_license_scopes)
{
    xg_classification *cl = item("H100", "2024-01-01");
    ASSERT_STR(cl->regime, "2023-11-17");
    ASSERT_STR(policy(cl, "D:5"), "presumption of denial");
    ASSERT_STR(policy(cl, "MO"), "presumption of denial");
    ASSERT_STR(policy(cl, "CN"), "presumption of denial");
    ASSERT_STR(policy(cl, "headquartered D:5/Macau"), "presumption of denial");
    cr_assert_not_null(policy(cl, "D:1"));
    cr_assert_not_null(policy(cl, "D:4"));
    xg_classification_free(cl);
}

Test(classify, regime_dec2024_hbm)
{
    xg_classification *cl = item("HBM3E", "2024-12-01");
    cr_assert_null(cl->eccn);
    xg_classification_free(cl);
    cl = item("HBM3E", "2024-12-02");
    ASSERT_STR(cl->regime, "2024-12-02");
    ASSERT_STR(cl->eccn, "3A090.c");
    ASSERT_STR(policy(cl, "CN"), "presumption of denial");
    xg_classification_free(cl);
}

Test(classify, regime_apr2025_letters)
{
    xg_classification *cl = item("H20", "2025-04-08");
    cr_assert(!has_overlay(cl, "H20_LETTER_2025"));
    cr_assert_eq(cl->nlicense, 0);
    xg_classification_free(cl);
    cl = item("H20", "2025-04-09");
    ASSERT_STR(cl->regime, "2025-04-09");
    cr_assert_null(cl->eccn, "the H20 stays outside 3A090: the letter is an overlay");
    cr_assert(has_overlay(cl, "H20_LETTER_2025"));
    cr_assert_not_null(policy(cl, "CN"));
    cr_assert_not_null(policy(cl, "headquartered D:5/Macau"));
    xg_classification_free(cl);
    cl = item("HGX H20 8-GPU", "2025-06-01");
    cr_assert(has_overlay(cl, "H20_LETTER_2025"), "systems inherit their chip's overlay");
    xg_classification_free(cl);
    cl = item("MI308X", "2025-04-14");
    cr_assert(!has_overlay(cl, "MI308_LETTER_2025"));
    xg_classification_free(cl);
    cl = item("MI308X", "2025-04-15");
    cr_assert(has_overlay(cl, "MI308_LETTER_2025"));
    xg_classification_free(cl);
}

Test(classify, regime_jan2026)
{
    xg_classification *cl = item("H200", "2026-01-14");
    cr_assert(cl->jan2026_class);
    ASSERT_STR(policy(cl, "CN"), "presumption of denial");
    xg_classification_free(cl);
    cl = item("H200", "2026-01-15");
    ASSERT_STR(cl->regime, "2026-01-15");
    ASSERT_STR(policy(cl, "CN"), "case-by-case");
    ASSERT_STR(policy(cl, "MO"), "case-by-case");
    ASSERT_STR(policy(cl, "D:5"), "presumption of denial");
    ASSERT_STR(policy(cl, "headquartered D:5/Macau"), "presumption of denial");
    xg_classification_free(cl);
    cl = item("MI325X", "2026-02-01");
    cr_assert(cl->jan2026_class, "MI325X class: TPP %f, bw %f", cl->tpp, cl->dram_bw);
    xg_classification_free(cl);
    cl = item("B200", "2026-02-01");
    cr_assert(!cl->jan2026_class);
    ASSERT_STR(policy(cl, "CN"), "presumption of denial");
    xg_classification_free(cl);
    cl = item("p5e.48xlarge", "2026-02-01");
    cr_assert(cl->jan2026_class, "judged on the component chip");
    xg_classification_free(cl);
}

Test(classify, ai_diffusion_is_off_by_default)
{
    xg_classification *cl = item("H100", "2025-03-01");
    cr_assert_null(policy(cl, "Tier 2"));
    xg_classification_free(cl);
    xg_classify_opts o = {.ai_diffusion = true};
    cr_assert_eq(xg_classify_item_ex(&cl, cat, "H100", "2025-03-01", &o), 0);
    cr_assert_not_null(policy(cl, "Tier 2"));
    cr_assert_not_null(policy(cl, "Tier 1"));
    xg_classification_free(cl);
    cr_assert_eq(xg_classify_item_ex(&cl, cat, "H100", "2025-06-01", &o), 0);
    cr_assert_null(policy(cl, "Tier 2"), "rescinded window ends 2025-05-12");
    xg_classification_free(cl);
}

Test(classify, rules_section5_instances)
{
    struct {
        const char *name;
        double tpp;
        const char *chip;
    } t[] = {
        {"p4d.24xlarge", 39936, "A100 SXM4 40GB"},
        {"p4de.24xlarge", 39936, "A100 SXM4 80GB"},
        {"p5.48xlarge", 126656, "H100 SXM5 80GB"},
        {"p5e.48xlarge", 126656, "H200 SXM 141GB"},
        {"p5en.48xlarge", 126656, "H200 SXM 141GB"},
        {"ND96asr_v4", 39936, "A100 SXM4 40GB"},
        {"Standard_ND96amsr_A100_v4", 39936, "A100 SXM4 80GB"},
        {"ND96isr_H100_v5", 126656, "H100 SXM5 80GB"},
        {"a2-highgpu-8g", 39936, "A100 SXM4 40GB"},
        {"a2-ultragpu-8g", 39936, "A100 SXM4 80GB"},
        {"a3-highgpu-8g", 126656, "H100 SXM5 80GB"},
        {"a3-megagpu-8g", 126656, "H100 SXM5 80GB"},
        {"a3-ultragpu-8g", 126656, "H200 SXM 141GB"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        xg_classification *cl = item(t[i].name, NULL);
        cr_assert_eq(cl->kind, XG_ITEM_INSTANCE, "%s", t[i].name);
        cr_assert_eq(cl->tpp, t[i].tpp, "%s: %f", t[i].name, cl->tpp);
        cr_assert_eq(cl->count, 8);
        ASSERT_STR(cl->component, t[i].chip);
        ASSERT_STR(cl->eccn, "4A090.a");
        xg_classification_free(cl);
    }
    const char *g4dn[] = {"g4dn.xlarge",   "g4dn.2xlarge",  "g4dn.4xlarge", "g4dn.8xlarge",
                          "g4dn.12xlarge", "g4dn.16xlarge", "g4dn.metal"};
    for (size_t i = 0; i < sizeof g4dn / sizeof *g4dn; i++) {
        xg_classification *cl = item(g4dn[i], NULL);
        cr_assert_null(cl->eccn, "%s", g4dn[i]);
        ASSERT_STR(cl->component, "T4");
        xg_classification_free(cl);
    }
}

Test(classify, every_instance_and_system_has_a_node_tpp)
{
    for (size_t i = 0; i < xg_catalog_size(cat); i++) {
        const xg_catalog_entry *e = xg_catalog_entry_at(cat, i);
        if (e->kind != XG_ITEM_INSTANCE && e->kind != XG_ITEM_SYSTEM) continue;
        xg_classification *cl = item(e->name, NULL);
        cr_assert_not_null(cl->component);
        if (!isnan(cl->chip_tpp)) cr_assert_eq(cl->tpp, cl->chip_tpp * cl->count, "%s", e->name);
        cr_assert_not_null(cl->json);
        xg_classification_free(cl);
    }
}

Test(classify, model_services)
{
    xg_classification *cl = item("claude-sonnet-4", NULL);
    cr_assert_eq(cl->kind, XG_ITEM_MODEL);
    ASSERT_STR(cl->provider, "anthropic");
    cr_assert(cl->ownership_rule);
    bool cn = false;
    for (size_t i = 0; i < cl->nunsupported_regions; i++)
        cn |= !strcmp(cl->unsupported_regions[i], "CN");
    cr_assert(cn);
    cr_assert_null(cl->eccn);
    xg_classification_free(cl);
    const char *names[] = {"Claude on Amazon Bedrock",
                           "Vertex AI Claude",
                           "gpt-4o",
                           "o3",
                           "Azure OpenAI",
                           "Gemini",
                           "gemini-2.5-pro"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        cl = item(names[i], NULL);
        cr_assert_eq(cl->kind, XG_ITEM_MODEL, "%s", names[i]);
        cr_assert_gt(cl->nunsupported_regions, 0);
        xg_classification_free(cl);
    }
}

Test(classify, unknown_item_names_nearest)
{
    xg_classification *cl = NULL;
    cr_assert_eq(xg_classify_item(&cl, cat, "H100 SXM9 Turbo", NULL), XG_ENOTFOUND);
    cr_assert_null(cl);
    cr_assert(strstr(xg_error_message(), "unknown item"));
    cr_assert(strstr(xg_error_message(), "nearest"));
    cr_assert_eq(xg_classify_item(&cl, cat, "", NULL), XG_ENOTFOUND);
    cr_assert(strstr(xg_error_message(), "item name: empty"));
    cr_assert_eq(xg_classify_item(&cl, cat, "\xff\xfe", NULL), XG_ENOTFOUND);
    cr_assert(strstr(xg_error_message(), "item name: invalid UTF-8"));
}

Test(classify, json_has_the_documented_fields)
{
    xg_classification *cl = item("p5.48xlarge", "2024-06-01");
    const char *keys[] = {"item",       "canonical", "kind",       "tpp",        "pd",
                          "eccn",       "paragraph", "datacenter", "exceptions", "overlays",
                          "components", "license",   "regime",     "notes",      "sources"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        cr_assert_not_null(json_object_get(cl->json, keys[i]), "%s", keys[i]);
    json_t *comp = json_array_get(json_object_get(cl->json, "components"), 0);
    ASSERT_STR(json_string_value(json_object_get(comp, "item")), "H100 SXM5 80GB");
    cr_assert_eq(json_integer_value(json_object_get(comp, "count")), 8);
    xg_classification_free(cl);
}

Test(classify, catalog_covers_the_issue_list)
{
    const char *must[] = {"T4",
                          "A10",
                          "V100",
                          "A10G",
                          "L4",
                          "B200",
                          "GB200",
                          "MI300X",
                          "MI325X",
                          "MI355X",
                          "Gaudi 3",
                          "Max 1550",
                          "Ascend 910B",
                          "Ascend 910C",
                          "p3.2xlarge",
                          "g5.xlarge",
                          "g6.xlarge",
                          "g6e.xlarge",
                          "p6-b200.48xlarge",
                          "NC24ads_A100_v4",
                          "g2-standard-4",
                          "BM.GPU.H100.8",
                          "DGX H100",
                          "HGX A100 8-GPU"};
    for (size_t i = 0; i < sizeof must / sizeof *must; i++) {
        const xg_catalog_entry *e;
        cr_assert_eq(xg_catalog_lookup(cat, must[i], &e), 0, "%s", must[i]);
    }
    cr_assert_gt(xg_catalog_size(cat), 200);
    cr_assert_eq(strlen(xg_catalog_version(cat)), 12);
}

typedef struct tally {
    size_t ok, failed, a, h100;
} tally;

static int count_row(void *ud, const xg_classification *cl, long line, const char *error)
{
    tally *t = ud;
    if (!cl) {
        cr_assert_not_null(error);
        t->failed++;
        return 0;
    }
    t->ok++;
    if (cl->eccn && !strncmp(cl->eccn, "3A090.a", 7)) t->a++;
    if (!strcmp(cl->item, "NVIDIA H100 SXM5 80GB")) {
        cr_assert_eq(cl->tpp, 15832);
        ASSERT_STR(cl->canonical, "H100 SXM5 80GB");
        t->h100++;
    }
    return 0;
}

Test(classify, whole_epoch_table_imports)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data/hardware/epoch_ml_hardware_specs.csv",
             getenv("XGATE_SHARED") ? getenv("XGATE_SHARED") : "../shared");
    tally t = {0};
    size_t rows = 0;
    int rc = xg_classify_import_csv(cat, path, "2026-11-22", NULL, count_row, &t, &rows);
    cr_assert_eq(rc, 0, "%s", xg_error_message());
    cr_assert_eq(rows, 175);
    cr_assert_eq(t.ok + t.failed, rows);
    cr_assert_gt(t.ok, 150);
    cr_assert_gt(t.a, 40);
    cr_assert_eq(t.h100, 1);
}

Test(classify, odd_tables_never_crash)
{
    const char *bufs[] = {
        "",
        "no,header,here\n1,2,3\n",
        "Hardware name,FP8 performance (FLOP/s)\n\"unterminated,1\n",
        "Hardware name,FP8 performance (FLOP/s)\nX,abc\nY,\n,5e14\nZ,1e15,extra\n",
        "Hardware name,FP8 performance (FLOP/s),Die Size (mm^2)\nQ,1e400,0\n",
        "\xef\xbb\xbfHardware name,INT8 performance (OP/s)\r\nW,6e14\r\n\x1a"};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) {
        tally t = {0};
        size_t rows = 0;
        (void)xg_classify_import_buf(cat, bufs[i], strlen(bufs[i]), "t", NULL, NULL, count_row, &t,
                                     &rows);
        cr_assert_eq(t.ok + t.failed, rows);
    }
    tally t = {0};
    size_t rows = 0;
    const char *w = bufs[5];
    cr_assert_eq(xg_classify_import_buf(cat, w, strlen(w), "t", NULL, NULL, count_row, &t, &rows),
                 0);
    cr_assert_eq(t.ok, 1);
    cr_assert_eq(t.a, 1);
}

/* ---- broken catalogs: a clear error naming the file, never a crash ---- */

static char tmpdir[] = "/tmp/xg-cls-XXXXXX";

static void copy_catalog(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/catalog && cp %s/catalog/*.json %s/catalog/", dir,
             getenv("XGATE_DATA"), dir);
    cr_assert_eq(system(cmd), 0);
}

/* Replace the first occurrence of `from` by `to` in catalog/<file>. */
static void patch(const char *dir, const char *file, const char *from, const char *to)
{
    char path[512];
    snprintf(path, sizeof path, "%s/catalog/%s", dir, file);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *at = strstr(buf, from);
    cr_assert_not_null(at, "%s not in %s", from, file);
    f = fopen(path, "wb");
    fwrite(buf, 1, (size_t)(at - buf), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
}

static void expect_load_error(const char *file, const char *from, const char *to, const char *msg)
{
    char dir[64];
    snprintf(dir, sizeof dir, "%s", tmpdir);
    cr_assert_not_null(mkdtemp(dir));
    copy_catalog(dir);
    patch(dir, file, from, to);
    xg_catalog *c = NULL;
    int rc = xg_catalog_load(&c, dir);
    cr_assert_lt(rc, 0, "%s: %s → %s loaded", file, from, to);
    cr_assert_null(c);
    cr_assert(strstr(xg_error_message(), msg), "message \"%s\" lacks \"%s\"", xg_error_message(),
              msg);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(classify, broken_catalogs_are_refused_with_the_file_named)
{
    expect_load_error("chips.json", "\"chips\": [", "\"chips\": [[", "chips.json");
    expect_load_error("chips.json", "\"fp8\": 296", "\"fp9\": 296", "unknown precision");
    expect_load_error("chips.json", "\"die_mm2\": 826", "\"die_mm2\": -826", "die_mm2");
    expect_load_error("chips.json", "\"sources\": [\"nv-a30\"]", "\"sources\": [\"nowhere\"]",
                      "unknown source id");
    expect_load_error("systems.json", "\"chip\": \"A100 SXM4 80GB\"", "\"chip\": \"A100 XYZ\"",
                      "unknown chip");
    expect_load_error("systems.json", "\"count\": 8", "\"count\": 0", "count");
    expect_load_error("models.json", "\"Claude Bedrock\"", "\"Claude API\"", "names both");
    expect_load_error("rules.json", "\"effective\": \"2023-11-17\"",
                      "\"effective\": \"2023-13-17\"", "date");
    expect_load_error("rules.json", "\"pd_min\": 5.92", "\"pd_min\": \"5.92\"", "pd_min");
    expect_load_error("rules.json", "\"inherit\": \"2024-12-02\"", "\"inherit\": \"2099-01-01\"",
                      "inherits");
    xg_catalog *c = NULL;
    cr_assert_lt(xg_catalog_load(&c, "/nonexistent/xgate"), 0);
    cr_assert(strstr(xg_error_message(), "/nonexistent/xgate"));
}

Test(classify, thresholds_come_from_rules_json)
{
    char dir[64];
    snprintf(dir, sizeof dir, "%s", tmpdir);
    cr_assert_not_null(mkdtemp(dir));
    copy_catalog(dir);
    /* move the a.1 threshold: the H20 (2368) becomes 3A090.a.1 */
    patch(dir, "rules.json", "\"a1\": {\"tpp_min\": 4800", "\"a1\": {\"tpp_min\": 2000");
    xg_catalog *c = NULL;
    cr_assert_eq(xg_catalog_load(&c, dir), 0, "%s", xg_error_message());
    xg_classification *cl = NULL;
    cr_assert_eq(xg_classify_item(&cl, c, "H20", "2024-06-01"), 0);
    cr_assert(cl->paragraph && !strcmp(cl->paragraph, "3A090.a.1"));
    cr_assert_str_neq(xg_catalog_version(c), xg_catalog_version(cat));
    xg_classification_free(cl);
    xg_catalog_free(c);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
