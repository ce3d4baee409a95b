/*
 * test_scan.c — the tender scanner against the labelled examples (every field of labels.json),
 * the real notices, the news reports, encodings (GB18030 and Big5 copies made here with iconv),
 * HTML, JSON records, and malformed or binary input.
 */
#include <criterion/criterion.h>
#include <iconv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "scan/scan_internal.h"
#include "xgate/classify.h"
#include "xgate/error.h"
#include "xgate/scan.h"
#include "xgate/screen.h"
#include "xgate/text.h"

static xg_text_ctx *g_text;
static xg_snapshot *g_snap;
static xg_catalog *g_cat;
static xg_scanner *g_sc;

static const char *shared(void)
{
    const char *s = getenv("XGATE_SHARED");
    return s && *s ? s : "/work/shared";
}

static char *shared_path(const char *rel)
{
    char *p = malloc(strlen(shared()) + strlen(rel) + 2);
    sprintf(p, "%s/%s", shared(), rel);
    return p;
}

static void setup_full(void)
{
    cr_assert_eq(xg_text_ctx_load(&g_text, NULL), 0, "text: %s", xg_error_message());
    cr_assert_eq(xg_snapshot_load(&g_snap, NULL, 0, 0, g_text), 0, "lists: %s", xg_error_message());
    cr_assert_eq(xg_catalog_load(&g_cat, NULL), 0, "catalog: %s", xg_error_message());
    cr_assert_eq(xg_scanner_new(&g_sc, NULL, g_snap, g_cat), 0, "%s", xg_error_message());
}

static void setup_bare(void)
{
    cr_assert_eq(xg_scanner_new(&g_sc, NULL, NULL, NULL), 0, "%s", xg_error_message());
}

static void teardown(void)
{
    xg_scanner_free(g_sc);
    if (g_snap) xg_snapshot_unref(g_snap);
    if (g_cat) xg_catalog_free(g_cat);
    if (g_text) xg_text_ctx_free(g_text);
    g_sc = NULL;
    g_snap = NULL;
    g_cat = NULL;
    g_text = NULL;
}

/* Scan a file of the shared data; one document expected unless `index` picks a record. */
static json_t *scan_shared(const char *rel, size_t index)
{
    char *p = shared_path(rel);
    json_t *docs = NULL;
    cr_assert_eq(xg_scan_file(&docs, g_sc, p, 0), 0, "%s: %s", rel, xg_error_message());
    free(p);
    cr_assert(index < json_array_size(docs));
    json_t *d = json_incref(json_array_get(docs, index));
    json_decref(docs);
    return d;
}

static json_t *scan_text(const char *name, const char *text)
{
    json_t *docs = NULL;
    cr_assert_eq(xg_scan_bytes(&docs, g_sc, name, text, strlen(text)), 0, "%s", xg_error_message());
    json_t *d = json_incref(json_array_get(docs, 0));
    json_decref(docs);
    return d;
}

/* Same members, order ignored. */
static int same_set(const json_t *a, const json_t *b)
{
    if (json_array_size(a) != json_array_size(b)) return 0;
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(a, i, x)
    {
        int found = 0;
        json_array_foreach(b, j, y) if (json_equal(x, y)) found = 1;
        if (!found) return 0;
    }
    return 1;
}

static int subset(const json_t *a, const json_t *b)
{
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(a, i, x)
    {
        int found = 0;
        json_array_foreach(b, j, y) if (json_equal(x, y)) found = 1;
        if (!found) return 0;
    }
    return 1;
}

static int num_eq(const json_t *want, const json_t *got)
{
    if (json_is_null(want)) return json_is_null(got);
    return json_is_number(got) && fabs(json_number_value(want) - json_number_value(got)) < 0.01;
}

static void check_label(const char *file, const json_t *lab, const json_t *d)
{
    const json_t *f = json_object_get(d, "fields");
    static const char *const STR_FIELDS[] = {"project_number", "buyer", "agency", "supplier",
                                             "date"};
    cr_expect(json_equal(json_object_get(lab, "flagged"), json_object_get(d, "flagged")),
              "%s: flagged", file);
    cr_expect(json_equal(json_object_get(lab, "notice_type"), json_object_get(d, "notice_type")),
              "%s: notice_type %s", file, json_string_value(json_object_get(d, "notice_type")));
    for (size_t k = 0; k < sizeof STR_FIELDS / sizeof *STR_FIELDS; k++) {
        json_t *want = json_object_get(lab, STR_FIELDS[k]);
        if (!want) continue;
        cr_expect(json_equal(want, json_object_get(f, STR_FIELDS[k])), "%s: %s: got %s", file,
                  STR_FIELDS[k], json_string_value(json_object_get(f, STR_FIELDS[k])));
    }
    static const char *const NUM_FIELDS[] = {"amount_cny", "tokens"};
    for (size_t k = 0; k < sizeof NUM_FIELDS / sizeof *NUM_FIELDS; k++) {
        json_t *want = json_object_get(lab, NUM_FIELDS[k]);
        if (want)
            cr_expect(num_eq(want, json_object_get(f, NUM_FIELDS[k])), "%s: %s", file,
                      NUM_FIELDS[k]);
    }
    json_t *cur = json_object_get(lab, "currency_amount");
    if (cur) {
        json_t *got = json_object_get(f, "currency_amount");
        cr_expect(num_eq(json_array_get(cur, 0), json_array_get(got, 0)) &&
                      json_equal(json_array_get(cur, 1), json_array_get(got, 1)),
                  "%s: currency_amount", file);
    }
    static const char *const SETS[] = {"providers", "chips", "models", "instances"};
    for (size_t k = 0; k < sizeof SETS / sizeof *SETS; k++) {
        json_t *want = json_object_get(lab, SETS[k]);
        if (want) cr_expect(same_set(want, json_object_get(d, SETS[k])), "%s: %s", file, SETS[k]);
    }
    json_t *sig = json_object_get(lab, "signals");
    if (sig) cr_expect(subset(sig, json_object_get(d, "signals")), "%s: signals", file);
    if (json_object_get(lab, "buyer_listed")) {
        const json_t *p = json_array_get(json_object_get(d, "parties"), 0);
        cr_expect_str_eq(json_string_value(json_object_get(p, "role")), "buyer");
        const json_t *m = json_array_get(json_object_get(p, "screening"), 0);
        cr_expect_str_eq(json_string_value(json_object_get(m, "name")), "Sichuan University");
        cr_expect_str_eq(json_string_value(json_object_get(d, "risk")), "high");
        json_t *one = json_pack("[s]", "listed_buyer");
        cr_expect(subset(one, json_object_get(d, "signals")));
        json_decref(one);
    }
}

Test(scan_examples, every_label_field, .init = setup_full, .fini = teardown, .timeout = 0)
{
    char *lp = shared_path("data/tenders/examples/labels.json");
    json_error_t err;
    json_t *labels = json_load_file(lp, 0, &err);
    cr_assert(labels, "%s: %s", lp, err.text);
    free(lp);
    const char *file;
    json_t *lab;
    int n = 0;
    json_object_foreach(labels, file, lab)
    {
        if (file[0] == '_') continue;
        char rel[256];
        snprintf(rel, sizeof rel, "data/tenders/examples/%s", file);
        json_t *d = scan_shared(rel, 0);
        check_label(file, lab, d);
        json_decref(d);
        n++;
    }
    cr_expect_eq(n, 7);
    json_decref(labels);
}

Test(scan_examples, restricted_items_come_from_the_catalog, .init = setup_full, .fini = teardown)
{
    json_t *d = scan_shared("data/tenders/examples/ex01_szu_aws_gpu_notice.txt", 0);
    size_t i;
    json_t *it;
    int a100 = 0;
    json_array_foreach(json_object_get(d, "items"), i, it)
    {
        const char *name = json_string_value(json_object_get(it, "item"));
        if (!strcmp(name, "A100")) {
            a100 = 1;
            cr_expect(json_is_string(json_object_get(it, "eccn")), "A100 should be 3A090");
        }
    }
    cr_expect(a100);
    json_decref(d);
    /* T4, A10, V100 are named but not restricted: with no US cloud, nothing flags */
    d = scan_text("t4.txt",
                  "某大学采购公告\n采购需求:采购配备NVIDIA T4、A10及V100显卡的服务器3台。\n");
    cr_expect(json_is_false(json_object_get(d, "flagged")));
    json_array_foreach(json_object_get(d, "items"), i, it)
        cr_expect(json_is_null(json_object_get(it, "eccn")), "%s",
                  json_string_value(json_object_get(it, "item")));
    json_decref(d);
    d = scan_text("h100.txt", "某研究院服务器采购公告\n采购需求:8卡H100服务器2台\n");
    cr_expect(json_is_true(json_object_get(d, "flagged")));
    json_decref(d);
}

Test(scan_examples, procurement_and_result_notices_are_linked, .init = setup_bare, .fini = teardown)
{
    json_t *docs = json_array();
    const char *f[] = {"ex01_szu_aws_gpu_notice.txt", "ex02_szu_aws_gpu_result.txt",
                       "ex06_neg_generic_cloud.txt"};
    for (int i = 0; i < 3; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "data/tenders/examples/%s", f[i]);
        json_array_append_new(docs, scan_shared(rel, 0));
    }
    cr_expect_eq(xg_scan_link(docs), 1);
    cr_expect_eq(json_array_size(json_object_get(json_array_get(docs, 0), "linked")), 1);
    cr_expect_eq(json_array_size(json_object_get(json_array_get(docs, 2), "linked")), 0);
    json_t *fin = xg_scan_findings(docs);
    cr_assert_eq(json_array_size(fin), 1);
    json_t *one = json_array_get(fin, 0);
    cr_expect_str_eq(json_string_value(json_object_get(one, "supplier")),
                     "成都运达科技股份有限公司");
    cr_expect_str_eq(json_string_value(json_object_get(one, "buyer")), "深圳大学");
    cr_expect_eq(json_integer_value(json_object_get(one, "amount_cny")), 199804);
    cr_expect_eq(json_array_size(json_object_get(one, "documents")), 2);
    cr_expect_eq(json_integer_value(json_object_get(one, "duplicates")), 0);
    /* the provider named in the procurement notice sits beside the supplier of the result */
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(one, "providers"), 0)),
                     "AWS");
    cr_expect_str_eq(json_string_value(json_object_get(one, "project_number")), "SZU-CG-2024-0318");
    char *html = NULL;
    cr_assert_eq(xg_scan_report_html(&html, docs, "t"), 0);
    cr_expect(strstr(html, "<svg") && strstr(html, "成都运达科技股份有限公司"));
    cr_expect(!strstr(html, "http://") && !strstr(html, "https://"), "self-contained");
    free(html);
    json_decref(fin);
    json_decref(docs);
}

/* Reposted or replicated notices: a copy links to its original and the project's other notice,
 * never to the other copies, and the finding counts the copies instead of listing them. */
Test(scan_examples, identical_copies_are_linked_once, .init = setup_bare, .fini = teardown)
{
    json_t *docs = json_array();
    const char *f[] = {"ex01_szu_aws_gpu_notice.txt", "ex02_szu_aws_gpu_result.txt"};
    for (int copy = 0; copy < 50; copy++)
        for (int i = 0; i < 2; i++) {
            char rel[256], name[64];
            snprintf(rel, sizeof rel, "data/tenders/examples/%s", f[i]);
            json_t *d = scan_shared(rel, 0);
            snprintf(name, sizeof name, "copy%02d/%s", copy, f[i]);
            json_object_set_new(d, "document", json_string(name));
            json_array_append_new(docs, d);
        }
    cr_expect_eq(xg_scan_link(docs), 1);
    size_t i, total = 0;
    json_t *d;
    json_array_foreach(docs, i, d) total += json_array_size(json_object_get(d, "linked"));
    /* the two originals link to each other (2); each of 98 copies to both originals (196) */
    cr_expect_eq(total, 2 + 98 * 2);
    json_t *l = json_object_get(json_array_get(docs, 2), "linked");
    cr_expect_str_eq(json_string_value(json_array_get(l, 0)), "copy00/ex01_szu_aws_gpu_notice.txt");
    cr_expect_str_eq(json_string_value(json_array_get(l, 1)), "copy00/ex02_szu_aws_gpu_result.txt");
    json_t *fin = xg_scan_findings(docs);
    cr_assert_eq(json_array_size(fin), 1);
    json_t *one = json_array_get(fin, 0);
    cr_expect_eq(json_array_size(json_object_get(one, "documents")), 2);
    cr_expect_eq(json_integer_value(json_object_get(one, "duplicates")), 98);
    cr_expect_str_eq(json_string_value(json_object_get(one, "supplier")),
                     "成都运达科技股份有限公司");
    /* the findings from one combination of the whole run (what `xgate scan` makes once for the
     * summary, the network and the report) are the same as those made on their own */
    json_t *comb = xg_scan_combined(docs);
    cr_assert(json_is_array(comb));
    json_t *fin2 = xg_scan_findings_of(comb);
    cr_expect(json_equal(fin, fin2));
    /* linking and combining at once (linking's fingerprints reused): the same links and copies */
    size_t groups = 0;
    json_t *comb2 = xg_scan_link_combined(docs, &groups);
    cr_expect_eq(groups, 1);
    cr_expect(json_equal(comb, comb2));
    json_decref(comb2);
    cr_expect_null(xg_scan_link_combined(NULL, NULL));
    json_decref(fin2);
    json_decref(comb);
    cr_expect_null(xg_scan_combined(NULL));
    /* a notice that differs (here: another amount) is not a copy */
    json_t *changed = json_deep_copy(json_array_get(docs, 3));
    json_object_set_new(json_object_get(changed, "fields"), "amount_cny", json_integer(1));
    json_object_set_new(changed, "document", json_string("changed/ex02.txt"));
    json_array_append_new(docs, changed);
    xg_scan_link(docs);
    cr_expect_eq(json_array_size(json_object_get(json_array_get(docs, 0), "linked")), 2);
    json_decref(fin);
    json_decref(docs);
}
