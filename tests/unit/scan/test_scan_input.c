/*
 * test_scan_input.c — reading: encodings (GB18030 and Big5 copies made with iconv), NFKC and
 * CJK space removal, HTML tables, JSON records, the real notices and news reports, amounts and
 * numerals, lexicon word boundaries, and bad input (binary, undecodable, malformed JSON); results
 * written as text without trees (xg_scan_file_text) against the trees.
 */
#include <criterion/criterion.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "scan/scan_internal.h"
#include "xgate/classify.h"
#include "xgate/error.h"
#include "xgate/scan.h"
#include "xgate/screen.h"
#include "xgate/text.h"

static xg_scanner *sc;
static xg_text_ctx *text;
static xg_snapshot *snap;

static void bare(void)
{
    cr_assert_eq(xg_scanner_new(&sc, NULL, NULL, NULL), 0, "%s", xg_error_message());
}

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

static char *read_shared(const char *rel, size_t *len)
{
    const char *s = getenv("XGATE_SHARED");
    char p[512];
    snprintf(p, sizeof p, "%s/%s", s && *s ? s : "/work/shared", rel);
    char *data = NULL;
    cr_assert_eq(xg_file_read(&data, len, p, 0), 0, "%s", xg_error_message());
    return data;
}

static char *convert(const char *to, const char *in, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    cr_assert(cd != (iconv_t)-1, "iconv to %s", to);
    size_t cap = len * 2 + 16, left = cap;
    char *out = malloc(cap), *op = out, *ip = (char *)in;
    size_t il = len;
    cr_assert_neq(iconv(cd, &ip, &il, &op, &left), (size_t)-1, "iconv %s", to);
    iconv_close(cd);
    *out_len = cap - left;
    return out;
}

static json_t *scan1(const char *name, const char *bytes, size_t len)
{
    json_t *docs = NULL;
    cr_assert_eq(xg_scan_bytes(&docs, sc, name, bytes, len), 0, "%s", xg_error_message());
    json_t *d = json_incref(json_array_get(docs, 0));
    json_decref(docs);
    return d;
}

static const char *field(const json_t *d, const char *k)
{
    return json_string_value(json_object_get(json_object_get(d, "fields"), k));
}

Test(scan_input, gb18030_copy_reads_like_the_original, .init = bare, .fini = done)
{
    size_t len, gl;
    char *u = read_shared("data/tenders/examples/ex04_scu_azure_openai_tokens.txt", &len);
    char *g = convert("GB18030", u, len, &gl);
    cr_assert(!xg_utf8_valid(g, gl));
    json_t *a = scan1("utf8.txt", u, len), *b = scan1("gb.txt", g, gl);
    cr_expect_str_eq(json_string_value(json_object_get(b, "encoding")), "gb18030");
    cr_expect_str_eq(field(b, "buyer"), "四川大学");
    cr_expect(json_equal(json_object_get(a, "models"), json_object_get(b, "models")));
    cr_expect(json_equal(json_object_get(a, "flagged"), json_object_get(b, "flagged")));
    cr_expect(json_equal(json_object_get(a, "mentions"), json_object_get(b, "mentions")));
    json_decref(a);
    json_decref(b);
    free(u);
    free(g);
}

Test(scan_input, big5_copy_of_the_traditional_example, .init = bare, .fini = done)
{
    size_t len, bl;
    char *u = read_shared("data/tenders/examples/ex07_hk_traditional_azure.txt", &len);
    char *b5 = convert("BIG5", u, len, &bl);
    json_t *d = scan1("big5.txt", b5, bl);
    cr_expect_str_eq(json_string_value(json_object_get(d, "encoding")), "big5");
    cr_expect_str_eq(json_string_value(json_object_get(d, "language")), "zh-Hant");
    cr_expect_str_eq(field(d, "buyer"), "香港數智科研有限公司");
    cr_expect_str_eq(field(d, "project_number"), "HKAI-T-2024-117");
    cr_expect(json_is_true(json_object_get(d, "flagged")));
    json_t *cur = json_object_get(json_object_get(d, "fields"), "currency_amount");
    cr_expect_eq(json_integer_value(json_array_get(cur, 0)), 1200000);
    cr_expect_str_eq(json_string_value(json_array_get(cur, 1)), "HKD");
    json_decref(d);
    free(u);
    free(b5);
}

Test(scan_input, stray_spaces_and_full_width_forms, .init = bare, .fini = done)
{
    const char *t =
        "某单位算 力 服务采购公告\n项目编号：ＡＢ－２０２４－１\n预算金额：￥３６.８万元\n"
        "采购需求：租用亚马逊 云 科技海外 账号的GPU算力\n";
    char *out;
    size_t ol;
    const char *enc;
    cr_assert_eq(xg_scan_decode(&out, &ol, &enc, sc, t, strlen(t)), 0);
    cr_expect(strstr(out, "算力服务"), "%s", out);
    cr_expect(strstr(out, "AB-2024-1"), "%s", out);
    free(out);
    json_t *d = scan1("fw.txt", t, strlen(t));
    cr_expect_str_eq(field(d, "project_number"), "AB-2024-1");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(d, "fields"), "amount_cny")),
                 368000);
    cr_expect(json_is_true(json_object_get(d, "flagged")));
    /* offsets point into the normalised text */
    json_t *m = json_array_get(json_object_get(d, "mentions"), 0);
    cr_expect(json_is_integer(json_object_get(m, "offset")));
    json_decref(d);
}

Test(scan_input, html_tables_entities_and_scripts, .init = bare, .fini = done)
{
    const char *h =
        "<html><head><title>某大学GPU云服务器租用成交结果公告</title><script>var a='AWS "
        "p5';</script><style>.x{}</style></head><body><table><tr><td>项目编号</td>"
        "<td>XY-2024-9</td></tr><tr><td>供应商名称</td><td>某某科技&amp;信息有限公司</td>"
        "</tr><tr><td>成交金额</td><td>&yen;199,804.00元</td></tr></table>"
        "<p>服务内容:微软Azure OpenAI服务&nbsp;GPT-4o调用</p></body></html>";
    json_t *d = scan1("n.html", h, strlen(h));
    cr_expect_str_eq(field(d, "project_number"), "XY-2024-9");
    cr_expect_str_eq(field(d, "supplier"), "某某科技&信息有限公司");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(d, "fields"), "amount_cny")),
                 199804);
    cr_expect_str_eq(json_string_value(json_object_get(d, "notice_type")), "result");
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(d, "mentions"), i, m) cr_expect(
        strcmp(json_string_value(json_object_get(m, "term")), "p5"), "script text must be dropped");
    cr_expect(json_is_true(json_object_get(d, "flagged")));
    json_decref(d);
}

Test(scan_input, ccgp_notice_fields_from_the_body, .init = bare, .fini = done)
{
    const char *files[] = {"data/tenders/real/ccgp_result_notice_LHACG2025000057.txt",
                           "data/tenders/real/ccgp_result_notice_LHACG2025000057.sanitized.html"};
    for (int k = 0; k < 2; k++) {
        size_t len;
        char *b = read_shared(files[k], &len);
        json_t *d = scan1(files[k], b, len);
        cr_expect_str_eq(field(d, "project_number"), "LHACG2025000057");
        cr_expect_str_eq(field(d, "buyer"), "深圳市龙华科技实验高级中学");
        cr_expect_str_eq(field(d, "supplier"), "深圳市金龙空调电器有限公司");
        cr_expect_str_eq(field(d, "title"), "深圳市龙华科技实验高级中学空调采购");
        cr_expect_str_eq(field(d, "date"), "2025-05-27");
        cr_expect_eq(json_number_value(json_object_get(json_object_get(d, "fields"), "amount_cny")),
                     6687920.0, "body amount, not the rounded summary");
        cr_expect_str_eq(json_string_value(json_object_get(d, "notice_type")), "result");
        cr_expect(json_is_false(json_object_get(d, "flagged")));
        json_decref(d);
        free(b);
    }
}

Test(scan_input, carrier_records_are_domestic_buys, .init = bare, .fini = done)
{
    const char *files[] = {"data/tenders/real/carrier_soe_notices_compute_keyword_hits.jsonl",
                           "data/tenders/real/carrier_soe_notices_random_nonhits.jsonl"};
    size_t total = 0;
    for (int k = 0; k < 2; k++) {
        size_t len;
        char *b = read_shared(files[k], &len);
        json_t *docs = NULL;
        cr_assert_eq(xg_scan_bytes(&docs, sc, "carrier.jsonl", b, len), 0, "%s",
                     xg_error_message());
        total += json_array_size(docs);
        size_t i;
        json_t *d;
        json_array_foreach(docs, i, d)
        {
            cr_expect(json_is_false(json_object_get(d, "flagged")), "%s",
                      json_string_value(json_object_get(d, "document")));
            if (i == 0)
                cr_expect_str_eq(json_string_value(json_object_get(d, "document")),
                                 "carrier.jsonl#1");
        }
        json_decref(docs);
        free(b);
    }
    cr_expect_eq(total, 175);
}

/* The tree-free JSON Lines reader (record_fast.c) writes exactly the text the jansson path
 * writes, and declines what it is not sure of (then jansson reads the line as before). */
static int fast_text(const char *line, size_t len, char **text, size_t *tl)
{
    return scan_record_line_text(text, tl, line, len, sc->keymap);
}

/* Calls fn on each line of b[0..len) longer than one byte (without its line feed); how many. */
static size_t each_line(const char *b, size_t len, void (*fn)(const char *, size_t))
{
    size_t n = 0;
    for (const char *p = b, *end = b + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (ll > 1) {
            fn(p, ll);
            n++;
        }
        p = nl ? nl + 1 : end;
    }
    return n;
}

static void expect_same_text(const char *line, size_t len)
{
    char *fast = NULL, *slow = NULL;
    size_t fl = 0, sl = 0;
    cr_assert_eq(fast_text(line, len, &fast, &fl), 0, "declined: %.*s", (int)len, line);
    json_error_t err;
    json_t *r = json_loadb(line, len, 0, &err);
    cr_assert(r, "jansson refuses: %.*s", (int)len, line);
    cr_assert_eq(scan_record_to_text(&slow, &sl, r, sc->keymap), 0);
    cr_expect(fl == sl && !memcmp(fast, slow, fl), "%.*s\nfast:\n%s\njansson:\n%s", (int)len, line,
              fast, slow);
    json_decref(r);
    free(fast);
    free(slow);
}

Test(scan_input, jsonl_records_read_without_trees_as_jansson_reads_them, .init = bare, .fini = done)
{
    const char *files[] = {"data/tenders/real/carrier_soe_notices_compute_keyword_hits.jsonl",
                           "data/tenders/real/carrier_soe_notices_random_nonhits.jsonl"};
    size_t lines = 0;
    for (int k = 0; k < 2; k++) {
        size_t len;
        char *b = read_shared(files[k], &len);
        lines += each_line(b, len, expect_same_text);
        free(b);
    }
    cr_expect_eq(lines, 175);
    const char *same[] = {
        "{}",
        " {\"title\" : \"A\\u00e9\\ud83d\\ude00\" , \"n\":-0,\"x\":1.5e3,\"y\":0.1,\"b\":true} \r",
        "{\"budget\":\"\\\"q\\\"\\/\\t\\\\\",\"\":\"empty key\",\"z\":null,\"f\":false,\"e\":\"\"}",
        "{\"projectNo\":\"ZB-1\",\"title\":\"某大学采购公告\",\"content_text\":\"采购人:某大学\"}",
        "{\"big\":9223372036854775807,\"neg\":-9223372036854775808,\"r\":1E-5,\"s\":2e+2}",
        /* keys of the map (told apart by their entry) and others (compared) side by side */
        "{\"a\":\"1\",\"b\":\"2\",\"title\":\"T\",\"buyer\":\"B\",\"ab\":3,\"url\":\"u\",\"c\":"
        "\"\"}",
        /* integers written as they are (up to eighteen digits) and formatted (more, "-0") */
        "{\"i\":0,\"j\":-12,\"k\":123456789012345678,\"l\":-123456789012345678,\"m\":"
        "1234567890123456789,\"n\":-0,\"o\":7}",
        /* the bare keys in the reverse of the map's order, one of them not a string */
        "{\"noticeType\":\"N\",\"categoryname\":\"C2\",\"x\":\"1\",\"category\":7,\"title\":\"T\"}",
        /* strings of sixteen bytes and more, with the escape or the end in and after a block;
         * keys of 1-11, 16 and 17 bytes (each case of the hash's last, partial word) */
        "{\"k\":\"0123456789abcdef\",\"ke\":\"0123456789abcde\\\"f\",\"key\":"
        "\"0123456789abcdef0\\n\","
        "\"key4\":\"采购人采购人采购人采购人\",\"key_5\":\"0123456789abcdef0123456789abcdef\","
        "\"key_6x\":\"\\t0123456789abcdef\",\"key_7xy\":\"ab\",\"key_8xyz\":\"x\",\"key_9xyzw\":"
        "\"y\","
        "\"key_10xyzw\":\"z\",\"key_11xyzwv\":\"w\",\"key_16xyzwvutsrq\":\"v\","
        "\"key_17xyzwvutsrqp\":\"0123456789abcdef0123456789abcde\\u00e9\"}"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        expect_same_text(same[i], strlen(same[i]));
    const char *declined[] = {"{\"a\":1,\"a\":2}",
                              "{\"title\":\"a\",\"b\":1,\"title\":\"c\"}",
                              "{\"x\":1,\"title\":\"a\",\"y\":2,\"x\":3}",
                              "{\"a\":{\"b\":\"c\"}}",
                              "{\"a\":[1]}",
                              "{\"a\":\"\\u0000\"}",
                              "{\"a\":\"\\ud83d\"}",
                              "{\"a\":\"\\ude00\"}",
                              "{\"a\":01}",
                              "{\"a\":1.}",
                              "{\"a\":99999999999999999999}",
                              "{\"a\":1e999}",
                              "{\"a\":\"x\"} x",
                              "{\"a\":\"x\",}",
                              "{\"a\":tru}",
                              "{\"a\":\"tab\there\"}",
                              "{\"a\":\"0123456789abcdef0123\there\"}",
                              "{\"a\":\"0123456789abcdef0123456789abcdef\x01\"}",
                              "{\"key_17xyzwvutsrqp\":1,\"key_17xyzwvutsrqp\":2}",
                              "{\"a\":\"\\x\"}",
                              "[{\"a\":1}]",
                              "{\"a\":\"x\"",
                              ""};
    for (size_t i = 0; i < sizeof declined / sizeof *declined; i++) {
        char *t = NULL;
        size_t tl = 0;
        cr_expect_eq(fast_text(declined[i], strlen(declined[i]), &t, &tl), 1, "accepted: %s",
                     declined[i]);
    }
}

/* The nested reader (scan_record_nested_text) against jansson + scan_record_to_text: the same
 * text for every record it reads, flat or nested. */
static void expect_same_nested(const char *line, size_t len)
{
    char *fast = NULL, *slow = NULL;
    size_t fl = 0, sl = 0;
    cr_assert_eq(scan_record_nested_text(&fast, &fl, line, len, sc->keymap), 0, "declined: %.*s",
                 (int)len, line);
    json_error_t err;
    json_t *r = json_loadb(line, len, 0, &err);
    cr_assert(r, "jansson refuses: %.*s", (int)len, line);
    cr_assert_eq(scan_record_to_text(&slow, &sl, r, sc->keymap), 0);
    cr_expect(fl == sl && !memcmp(fast, slow, fl), "%.*s\nfast:\n%s\njansson:\n%s", (int)len, line,
              fast, slow);
    json_decref(r);
    free(fast);
    free(slow);
}

Test(scan_input, nested_records_read_without_trees_as_jansson_reads_them, .init = bare,
     .fini = done)
{
    /* the real nested and flat .json records, each written compact and indented */
    const char *files[] = {"data/tenders/real/yichang_ggzy_candidate_publicity_parsed_5.json",
                           "data/tenders/real/yichang_ggzy_zhongbiao_result_5.json"};
    size_t recs = 0;
    for (int k = 0; k < 2; k++) {
        size_t len;
        char *b = read_shared(files[k], &len);
        json_t *all = json_loadb(b, len, 0, NULL);
        cr_assert(json_is_array(all));
        size_t i;
        json_t *r;
        json_array_foreach(all, i, r)
        {
            for (int f = 0; f < 2; f++) {
                char *d = json_dumps(r, f ? JSON_INDENT(2) : JSON_COMPACT);
                expect_same_nested(d, strlen(d));
                free(d);
            }
            recs++;
        }
        json_decref(all);
        free(b);
    }
    cr_expect_eq(recs, 10);
    /* the flat JSON Lines records too */
    size_t len;
    char *b = read_shared("data/tenders/real/carrier_soe_notices_random_nonhits.jsonl", &len);
    size_t lines = each_line(b, len, expect_same_nested);
    free(b);
    cr_expect_gt(lines, 0);
    const char *same[] = {
        "{}",
        "{\"a\":{},\"b\":[],\"c\":[[]],\"d\":{\"e\":{}}}",
        /* bare keys in nested objects, in the reverse of the map's order, after the record's */
        "{\"x\":{\"noticeType\":\"N\",\"y\":\"1\",\"title\":\"T2\"},\"categoryname\":\"C\","
        "\"z\":[{\"title\":\"T3\"},{\"category\":\"K\",\"title\":7}],\"title\":\"T1\"}",
        /* arrays under a key: each element under it, arrays of arrays, objects in arrays */
        "{\"budget\":[1,\"2\",[3.5,[\"x\",true,null]],{\"buyer\":\"B\",\"q\":-0}],\"k\":[\"\"]}",
        /* skipped ("-") and bare ("=") keys holding objects and arrays: their bare members are
         * still written first, nothing else of them */
        "{\"url\":{\"title\":\"U\",\"v\":\"w\"},\"title\":[\"A\",{\"title\":\"B\",\"c\":\"d\"}],"
        "\"id\":[{\"category\":\"C\"}]}",
        /* the same key in different objects; the empty key; escapes and numbers */
        "{\"a\":{\"a\":{\"a\":\"1\"}},\"\":{\"\":\"e\\u00e9\\n\"},\"n\":1e2,\"m\":"
        "1234567890123456789}"
        "",
        " { \"p\" : [ { \"title\" : \"\\ud83d\\ude00\" } , 2 ] } \r\n",
        /* nesting to the reader's limit of sixteen */
        "{\"a\":[[[[[[[[[[[[[[[\"deep\"]]]]]]]]]]]]]]]}",
    };
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        expect_same_nested(same[i], strlen(same[i]));
    const char *declined[] = {"{\"a\":{\"b\":1,\"b\":2}}",
                              "{\"a\":[{\"title\":\"x\",\"title\":\"y\"}]}",
                              "{\"a\":{},\"a\":[]}",
                              "{\"a\":[[[[[[[[[[[[[[[[\"deep\"]]]]]]]]]]]]]]]]}",
                              "{\"a\":[1,]}",
                              "{\"a\":{\"b\":1,}}",
                              "{\"a\":[1 2]}",
                              "{\"a\":{\"b\"}}",
                              "{\"a\":[\"\\u0000\"]}",
                              "{\"a\":[1]",
                              "{\"a\":[1]}}",
                              "[{\"a\":1}]",
                              "\"a\"",
                              ""};
    for (size_t i = 0; i < sizeof declined / sizeof *declined; i++) {
        char *t = NULL;
        size_t tl = 0;
        cr_expect_eq(scan_record_nested_text(&t, &tl, declined[i], strlen(declined[i]), sc->keymap),
                     1, "accepted: %s", declined[i]);
    }
}

Test(scan_input, news_reports_entities_and_the_entity_list, .init = with_lists, .fini = done)
{
    size_t len;
    char *b = read_shared("data/tenders/news/news_tender_review_report.txt", &len);
    json_t *d = scan1("news.txt", b, len);
    cr_expect_str_eq(json_string_value(json_object_get(d, "notice_type")), "news");
    cr_expect_str_eq(json_string_value(json_object_get(d, "language")), "en");
    cr_expect(json_is_true(json_object_get(d, "flagged")));
    json_t *want = json_pack("[s,s]", "AWS", "Azure");
    cr_expect(json_equal(json_object_get(d, "providers"), want));
    json_decref(want);
    want = json_pack("[s,s]", "A100", "H100");
    cr_expect(json_equal(json_object_get(d, "chips"), want));
    json_decref(want);
    json_t *f = json_object_get(d, "fields");
    cr_expect_eq(json_integer_value(json_object_get(f, "amount_cny")), 200000);
    cr_expect_eq(json_integer_value(json_object_get(f, "tokens")), 40000000);
    int scu = 0, szu = 0;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(d, "parties"), i, p)
    {
        const char *n = json_string_value(json_object_get(p, "name"));
        if (!strcmp(n, "Shenzhen University")) szu = 1;
        if (!strcmp(n, "Sichuan University")) {
            const json_t *m = json_array_get(json_object_get(p, "screening"), 0);
            scu = m && strstr(json_string_value(json_object_get(m, "source")), "Entity List");
        }
    }
    cr_expect(szu, "Shenzhen University mentioned");
    cr_expect(scu, "Sichuan University found on the Entity List");
    json_decref(d);
    free(b);
    b = read_shared("data/tenders/news/news_cloud_loophole_analysis.txt", &len);
    d = scan1("news2.txt", b, len);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(d, "providers"), 0)), "AWS");
    cr_expect(json_is_true(json_object_get(d, "flagged")));
    json_decref(d);
    free(b);
}

Test(scan_input, amounts_and_numerals)
{
    double v;
    char cur[8];
    struct {
        const char *s;
        double v;
        const char *cur;
    } cases[] = {{"200000.00元", 200000, "CNY"},
                 {"20.0000万元(人民币)", 200000, "CNY"},
                 {"¥36.8万元", 368000, "CNY"},
                 {"94.52万元", 945200, "CNY"},
                 {"3,280,000.00元", 3280000, "CNY"},
                 {"伍拾万元整", 500000, "CNY"},
                 {"港币一百二十万元", 1200000, "HKD"},
                 {"HK$1.2 million", 1200000, "HKD"},
                 {"US$ 3,000", 3000, "USD"},
                 {"1.5亿元", 150000000, "CNY"},
                 {"壹佰贰拾叁万肆仟伍佰陆拾柒元", 1234567, "CNY"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_assert_eq(scan_parse_amount(cases[i].s, strlen(cases[i].s), &v, cur), 0, "%s",
                     cases[i].s);
        cr_expect(fabs(v - cases[i].v) < 1e-6, "%s → %f", cases[i].s, v);
        cr_expect_str_eq(cur, cases[i].cur, "%s", cases[i].s);
    }
    cr_expect_eq(scan_parse_cn_number("三千万", 9, &v), 9);
    cr_expect_eq(v, 3e7);
    cr_expect_eq(scan_parse_cn_number("4000万", 7, &v), 7);
    cr_expect_eq(v, 4e7);
    cr_expect_neq(scan_parse_amount("下浮率", 9, &v, cur), 0);
}

Test(scan_input, short_latin_terms_match_whole_words, .init = bare, .fini = done)
{
    const char *t = "实例p5e.48xlarge与A1000、H200、EC2X、TPUs及GPT-4o";
    json_t *d = scan1("w.txt", t, strlen(t));
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(d, "mentions"), i, m)
    {
        const char *term = json_string_value(json_object_get(m, "term"));
        cr_expect(strcmp(term, "p5") && strcmp(term, "A100") && strcmp(term, "H20") &&
                      strcmp(term, "EC2") && strcmp(term, "TPU") && strcmp(term, "GPT-4"),
                  "matched inside a word: %s", term);
    }
    json_decref(d);
}

Test(scan_input, binary_undecodable_and_malformed_json, .init = bare, .fini = done)
{
    json_t *docs = NULL;
    const char bin[] = "\x7f"
                       "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
    cr_expect_eq(xg_scan_bytes(&docs, sc, "a.out", bin, sizeof bin - 1), XG_EFORMAT);
    const char junk[] = "\x81\x30\xff\xfe\x80\x80\xff\xff\xff\x81";
    cr_expect_eq(xg_scan_bytes(&docs, sc, "junk.txt", junk, sizeof junk - 1), XG_EFORMAT);
    const char *bad = "{\"title\": \"x\"}\n{\"title\": \n";
    cr_expect_eq(xg_scan_bytes(&docs, sc, "bad.jsonl", bad, strlen(bad)), XG_EPARSE);
    cr_expect(strstr(xg_error_message(), "bad.jsonl:2"), "%s", xg_error_message());
    const char *arr = "[{\"title\":\"某大学采购公告\",\"budget\":\"18.4万元\"},{\"title\":\"b\"}]";
    cr_assert_eq(xg_scan_bytes(&docs, sc, "arr.json", arr, strlen(arr)), 0);
    cr_expect_eq(json_array_size(docs), 2);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(docs, 1), "document")),
                     "arr.json#2");
    cr_expect_eq(json_integer_value(json_object_get(
                     json_object_get(json_array_get(docs, 0), "fields"), "amount_cny")),
                 184000);
    json_decref(docs);
    cr_expect_eq(xg_scan_bytes(&docs, sc, "empty.txt", "", 0), 0);
    json_decref(docs);
}

/* A .json file that is an array of flat records (or one record), pretty-printed as the portals
 * export it, is read without JSON trees (json_records_fast in scan.c); what it gives must be what
 * the same records give one per line (each read as jansson reads it), and a file with a nested
 * value or another element, read by jansson whole, must give that too. */
static char *dump_docs(const char *name, const char *bytes)
{
    json_t *docs = NULL;
    cr_assert_eq(xg_scan_bytes(&docs, sc, name, bytes, strlen(bytes)), 0, "%s: %s", name,
                 xg_error_message());
    char *s = json_dumps(docs, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(docs);
    return s;
}

Test(scan_input, json_arrays_of_records_read_as_their_lines, .init = bare, .fini = done)
{
    static const char *const R[] = {
        "{\"title\": \"某大学GPU云服务器租赁项目中标结果公告\",\n  \"infodate\": \"2025-03-24\",\n"
        "  \"content_text\": \"| 招标人:\\r\\n | 北京大学\\r\\n | 中标金额:120万元 "
        "\\u4e2d\\\"\\\\\",\n"
        "  \"budget\": 18.5, \"ok\": true, \"none\": null}",
        "{\"projectNo\":\"LHACG2025000057\",\"buyer\":\"香港數智科研有限公司\",\"x\":-3e2}",
        "{ \"title\" : \"AWS H100 \\ud83d\\ude00\" }",
        "{\"title\": \"nested\", \"extra\": {\"a\": [1, 2]}}",
    };
    /* which records each case holds, and how the array is written */
    static const struct {
        int recs[4], n;
        const char *open, *sep, *close;
    } C[] = {
        {{0, 1, 2}, 3, "[\n ", ",\n ", "\n]\n"},
        {{2, 0}, 2, "[", ",", "]"},
        {{1, 3, 0}, 3, "[\n", " ,\n", "]"}, /* a nested value: jansson reads the file */
        {{0}, 1, "", "", "\n"},             /* one record, not in an array */
        {{1}, 1, " [ ", "", " ] "},
    };
    for (size_t c = 0; c < sizeof C / sizeof *C; c++) {
        xg_buf arr, lines;
        xg_buf_init(&arr);
        xg_buf_init(&lines);
        xg_buf_puts(&arr, C[c].open);
        for (int i = 0; i < C[c].n; i++) {
            if (i) xg_buf_puts(&arr, C[c].sep);
            xg_buf_puts(&arr, R[C[c].recs[i]]);
            for (const char *q = R[C[c].recs[i]]; *q; q++) /* the record on one line */
                if (*q != '\n') xg_buf_putc(&lines, *q);
            xg_buf_putc(&lines, '\n');
        }
        xg_buf_puts(&arr, C[c].close);
        if (C[c].n == 1) xg_buf_puts(&lines, "\n"); /* one record: a file of one line */
        char *a = dump_docs("r.json", arr.data), *l = dump_docs("r.json", lines.data);
        cr_expect_str_eq(a, l, "case %zu:\n%s", c, arr.data);
        json_t *docs = json_loads(a, 0, NULL);
        cr_expect_eq(json_array_size(docs), (size_t)C[c].n, "case %zu", c);
        json_decref(docs);
        free(a);
        free(l);
        xg_buf_free(&arr);
        xg_buf_free(&lines);
    }
}

/* Every mention's byte offset points at its term in the decoded, normalised UTF-8 text: the text
 * before traditional folding holds the term as printed, and the folded text (what the lexicon
 * saw) has a character boundary at both ends. */
static void expect_offsets(const char *name, const char *bytes, size_t len)
{
    char *raw, *folded;
    size_t rl, fl;
    const char *enc;
    cr_assert_eq(xg_scan_decode(&raw, &rl, &enc, NULL, bytes, len), 0, "%s", name);
    cr_assert_eq(xg_scan_decode(&folded, &fl, &enc, sc, bytes, len), 0, "%s", name);
    cr_assert_eq(rl, fl, "%s: folding keeps byte lengths", name);
    json_t *d = scan1(name, bytes, len);
    json_t *ms = json_object_get(d, "mentions");
    cr_expect_gt(json_array_size(ms), 0, "%s has mentions", name);
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        const char *term = json_string_value(json_object_get(m, "term"));
        size_t off = (size_t)json_integer_value(json_object_get(m, "offset")), tl = strlen(term);
        cr_assert_leq(off + tl, rl, "%s: %s at %zu past the end", name, term, off);
        cr_expect_eq(memcmp(raw + off, term, tl), 0, "%s: '%s' not at byte %zu: '%.*s'", name, term,
                     off, (int)tl, raw + off);
        cr_expect(xg_utf8_valid(folded + off, tl), "%s: %s cut a character", name, term);
        cr_expect(strstr(json_string_value(json_object_get(m, "snippet")), term), "%s", term);
    }
    json_decref(d);
    free(raw);
    free(folded);
}

/* The labelled examples and the news reports. */
static const char *const EXAMPLES_AND_NEWS[] = {
    "data/tenders/examples/ex01_szu_aws_gpu_notice.txt",
    "data/tenders/examples/ex02_szu_aws_gpu_result.txt",
    "data/tenders/examples/ex03_zhejianglab_aws_single_source.txt",
    "data/tenders/examples/ex04_scu_azure_openai_tokens.txt",
    "data/tenders/examples/ex05_neg_domestic_ascend.txt",
    "data/tenders/examples/ex06_neg_generic_cloud.txt",
    "data/tenders/examples/ex07_hk_traditional_azure.txt",
    "data/tenders/news/news_cloud_loophole_analysis.txt",
    "data/tenders/news/news_tender_review_report.txt"};

Test(scan_input, mention_offsets_point_at_the_term, .init = bare, .fini = done)
{
    const char *const *rel = EXAMPLES_AND_NEWS;
    for (size_t i = 0; i < sizeof EXAMPLES_AND_NEWS / sizeof *rel; i++) {
        size_t len;
        char *u = read_shared(rel[i], &len);
        expect_offsets(rel[i], u, len);
        free(u);
    }
    /* offsets are into the decoded UTF-8, not into the GB18030 or Big5 bytes */
    size_t len, cl;
    char *u = read_shared("data/tenders/examples/ex04_scu_azure_openai_tokens.txt", &len);
    char *g = convert("GB18030", u, len, &cl);
    expect_offsets("ex04 GB18030", g, cl);
    free(u);
    free(g);
    u = read_shared("data/tenders/examples/ex07_hk_traditional_azure.txt", &len);
    g = convert("BIG5", u, len, &cl);
    expect_offsets("ex07 Big5", g, cl);
    free(u);
    free(g);
    /* stray spaces and full-width forms: offsets count the text after they are normalised */
    const char *t = "某单位算 力 服务采购公告\n采购需求：租用亚马逊 云 科技海外 账号的ＧＰＵ算力，"
                    "Ｈ１００ 8卡\n";
    expect_offsets("stray spaces", t, strlen(t));
}

/* ---- results written as text (xg_scan_file_text) without JSON trees: each line is byte for byte
 * what jansson writes for the tree xg_scan_file returns (cut after "linked":), with the same name
 * and link key, and fingerprints that tell copies apart exactly as the trees' do; the same errors
 * for the same files ---- */

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

Test(scan_input, lines_written_without_trees_are_what_jansson_writes_for_the_trees,
     .init = with_lists, .fini = done)
{
    const char *sh = getenv("XGATE_SHARED");
    char dir[] = "/tmp/xgate-scan-text-XXXXXX";
    cr_assert(mkdtemp(dir));
    static const char *const rel[] = {
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
    for (size_t i = 0; i < sizeof EXAMPLES_AND_NEWS / sizeof *EXAMPLES_AND_NEWS; i++) {
        snprintf(p, sizeof p, "%s/%s", sh && *sh ? sh : "/work/shared", EXAMPLES_AND_NEWS[i]);
        expect_same(p, tfp, xfp, &k);
    }
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        snprintf(p, sizeof p, "%s/%s", sh && *sh ? sh : "/work/shared", rel[i]);
        expect_same(p, tfp, xfp, &k);
    }
    /* a copy under another name, control characters, quotes and backslashes, more mentions than
     * are kept, worked-out GPUs; a name that is not UTF-8; a binary file */
    char *ex = NULL;
    size_t exl = 0;
    snprintf(p, sizeof p, "%s/%s", sh && *sh ? sh : "/work/shared", EXAMPLES_AND_NEWS[0]);
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
