/*
 * test_scan_text.c — results written as text (xg_scan_file_text) without JSON trees: each line is
 * byte for byte what jansson writes for the tree xg_scan_file returns (cut after "linked":), with
 * the same name and link key, and fingerprints that tell copies apart exactly as the trees' do;
 * the same errors for the same files.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/scan.h"
#include "xgate/screen.h"
#include "xgate/text.h"

static xg_scanner *sc;
static xg_text_ctx *text;
static xg_snapshot *snap;

static void with_lists(void)
{
    cr_assert_eq(xg_text_ctx_load(&text, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_snapshot_load(&snap, NULL, 0, 0, text), 0, "%s", xg_error_message());
    cr_assert_eq(xg_scanner_new(&sc, NULL, snap, NULL), 0, "%s", xg_error_message());
}

static void done(void)
{
    xg_scanner_free(sc);
    if (snap) xg_snapshot_unref(snap);
    if (text) xg_text_ctx_free(text);
    sc = NULL;
    snap = NULL;
    text = NULL;
}

#define MAXDOCS 400

typedef struct {
    size_t n;
    char *line[MAXDOCS], *name[MAXDOCS], *key[MAXDOCS];
    size_t len[MAXDOCS];
    uint64_t fp[MAXDOCS];
} texts;

static int keep(void *ctx, const xg_scan_text *d)
{
    texts *t = ctx;
    cr_assert_lt(t->n, MAXDOCS);
    cr_assert_eq(strlen(d->name), d->name_len);
    t->line[t->n] = strndup(d->line, d->len);
    t->len[t->n] = d->len;
    t->name[t->n] = strdup(d->name);
    t->key[t->n] = d->key ? strdup(d->key) : NULL;
    t->fp[t->n] = d->fingerprint;
    t->n++;
    return 0;
}

/* Every document of `path` both ways; the fingerprints of both go to tfp/xfp from *k on. */
static void expect_same(const char *path, uint64_t *tfp, uint64_t *xfp, size_t *k)
{
    json_t *docs = NULL;
    texts t = {0};
    int rc1 = xg_scan_file(&docs, sc, path, 0);
    char why[512];
    snprintf(why, sizeof why, "%s", rc1 ? xg_error_message() : "");
    int rc2 = xg_scan_file_text(sc, path, 0, keep, &t);
    cr_assert_eq(rc1, rc2, "%s: %d and %d", path, rc1, rc2);
    if (rc1) {
        cr_assert_str_eq(why, xg_error_message(), "%s", path);
        for (size_t i = 0; i < t.n; i++)
            free(t.line[i]), free(t.name[i]), free(t.key[i]);
        return;
    }
    cr_assert_eq(json_array_size(docs), t.n, "%s", path);
    for (size_t i = 0; i < t.n; i++) {
        json_t *d = json_array_get(docs, i);
        char *s = json_dumps(d, JSON_COMPACT | JSON_REAL_PRECISION(12));
        cr_assert(s);
        char *cut = strstr(s, ",\"linked\":[]}");
        cr_assert(cut && !cut[13], "%s: the tree ends with its links", path);
        size_t n = (size_t)(cut - s) + 10;
        cr_assert_eq(t.len[i], n, "%s #%zu: %zu and %zu bytes", path, i, t.len[i], n);
        cr_assert(!memcmp(t.line[i], s, n), "%s #%zu:\n%s\n%s", path, i, t.line[i], s);
        cr_assert_str_eq(t.name[i], json_string_value(json_object_get(d, "document")));
        char *key = xg_scan_link_key(d);
        cr_assert((key == NULL) == (t.key[i] == NULL), "%s #%zu: link key", path, i);
        if (key) cr_assert_str_eq(key, t.key[i]);
        cr_assert_lt(*k, MAXDOCS);
        tfp[*k] = xg_scan_fingerprint(d);
        xfp[*k] = t.fp[i];
        (*k)++;
        free(key);
        free(s);
        free(t.line[i]), free(t.name[i]), free(t.key[i]);
    }
    json_decref(docs);
}

static void write_file(const char *path, const char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "%s", path);
    cr_assert_eq(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

Test(scan_text, lines_are_what_jansson_writes_for_the_trees, .init = with_lists, .fini = done)
{
    const char *sh = getenv("XGATE_SHARED");
    char dir[] = "/tmp/xgate-scan-text-XXXXXX";
    cr_assert(mkdtemp(dir));
    static const char *const rel[] = {
        "data/tenders/examples/ex01_szu_aws_gpu_notice.txt",
        "data/tenders/examples/ex02_szu_aws_gpu_result.txt",
        "data/tenders/examples/ex03_zhejianglab_aws_single_source.txt",
        "data/tenders/examples/ex04_scu_azure_openai_tokens.txt",
        "data/tenders/examples/ex05_neg_domestic_ascend.txt",
        "data/tenders/examples/ex06_neg_generic_cloud.txt",
        "data/tenders/examples/ex07_hk_traditional_azure.txt",
        "data/tenders/news/news_tender_review_report.txt",
        "data/tenders/news/news_cloud_loophole_analysis.txt",
        "data/tenders/real/carrier_soe_notices_compute_keyword_hits.jsonl",
        "data/tenders/real/carrier_soe_notices_random_nonhits.jsonl",
        "data/tenders/real/ccgp_result_notice_LHACG2025000057.sanitized.html",
        "data/tenders/real/ccgp_result_notice_LHACG2025000057.txt",
        "data/tenders/real/yichang_ggzy_candidate_publicity_parsed_5.json",
        "data/tenders/real/yichang_ggzy_zhongbiao_result_5.json",
    };
    static uint64_t tfp[MAXDOCS], xfp[MAXDOCS];
    size_t k = 0;
    char p[600];
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        snprintf(p, sizeof p, "%s/%s", sh && *sh ? sh : "/work/shared", rel[i]);
        expect_same(p, tfp, xfp, &k);
    }
    /* a copy under another name, control characters, quotes and backslashes, more mentions than
     * are kept, worked-out GPUs; a name that is not UTF-8; a binary file */
    char *ex = NULL;
    size_t exl = 0;
    snprintf(p, sizeof p, "%s/%s", sh && *sh ? sh : "/work/shared", rel[0]);
    cr_assert_eq(xg_file_read(&ex, &exl, p, 0), 0);
    snprintf(p, sizeof p, "%s/copy.txt", dir);
    write_file(p, ex, exl);
    expect_same(p, tfp, xfp, &k);
    xg_buf b;
    xg_buf_init(&b);
    xg_buf_puts(&b, "采购人：某某大学\n项目编号：ABC-12345\n500台服务器，每台8卡\n");
    for (int i = 0; i < 150; i++)
        xg_buf_puts(&b, "租用 AWS p4d 实例 A100 GPU \x01 \"q\" \\ \t OpenAI API\n");
    snprintf(p, sizeof p, "%s/many.txt", dir);
    write_file(p, b.data, b.len);
    expect_same(p, tfp, xfp, &k);
    snprintf(p, sizeof p, "%s/bad\xff.txt", dir);
    write_file(p, "AWS A100", 8);
    expect_same(p, tfp, xfp, &k);
    unlink(p);
    snprintf(p, sizeof p, "%s/bin.dat", dir);
    write_file(p, "\x00\x01\x02\x03\x00\x00\xff\xfe", 8);
    expect_same(p, tfp, xfp, &k);
    unlink(p);
    /* copies: equal fingerprints exactly where the trees' are equal */
    size_t same = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++) {
            cr_assert_eq(tfp[i] == tfp[j], xfp[i] == xfp[j], "documents %zu and %zu", i, j);
            same += tfp[i] == tfp[j];
        }
    cr_assert_geq(same, 1, "the copy has its original's fingerprint");
    snprintf(p, sizeof p, "%s/copy.txt", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/many.txt", dir);
    unlink(p);
    rmdir(dir);
    xg_buf_free(&b);
    free(ex);
}
