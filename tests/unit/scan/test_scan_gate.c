/*
 * test_scan_gate.c — the field gate (fields.c) only skips patterns that cannot match: with the gate
 * on and off, every test document (tests/scan, the shared examples, news and real notices) gives
 * the same JSON. And the scanner's compiled tables kept between runs (cache.c: the gate's
 * Hyperscan database fieldgate-<key>.hsdb, the folding table fold-<key>.tab) are never trusted
 * when damaged: a truncated, bit-flipped, garbage or wrong-key file is built and written again,
 * with the same results.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cache_temp.h"
#include "core/core.h"
#include "scan/scan_internal.h"
#include "xgate/error.h"
#include "xgate/scan.h"

static char dir[64];

static void setup(void)
{
    cache_temp_open(dir, "scangate");
}

static void teardown(void)
{
    scan_patterns_set_gate(1);
    cache_temp_remove(dir);
}

/* The folders of test documents: tests/scan (beside $XGATE_DATA) and the shared tenders. */
static void folders(char out[][1024], size_t *n)
{
    const char *data = getenv("XGATE_DATA");
    const char *shared = getenv("XGATE_SHARED");
    if (!shared || !*shared) shared = "/work/shared";
    *n = 0;
    if (data && *data) {
        snprintf(out[(*n)++], 1024, "%s/../tests/scan/jsonl/in", data);
        snprintf(out[(*n)++], 1024, "%s/../tests/scan/network", data);
    }
    static const char *const sub[] = {"examples", "news", "real"};
    for (size_t i = 0; i < 3; i++)
        snprintf(out[(*n)++], 1024, "%s/data/tenders/%s", shared, sub[i]);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every document of every folder scanned by `sc`, as one string (file name, then its JSON). */
static char *scan_all(xg_scanner *sc, size_t *nfiles)
{
    char dirs[8][1024];
    size_t nd;
    folders(dirs, &nd);
    xg_buf b;
    xg_buf_init(&b);
    *nfiles = 0;
    for (size_t i = 0; i < nd; i++) {
        DIR *d = opendir(dirs[i]);
        if (!d) continue;
        char *names[256];
        size_t n = 0;
        for (struct dirent *e; (e = readdir(d)) && n < 256;)
            if (e->d_name[0] != '.' && strcmp(e->d_name, "labels.json"))
                names[n++] = strdup(e->d_name);
        closedir(d);
        qsort(names, n, sizeof *names, cmp_str);
        for (size_t k = 0; k < n; k++) {
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dirs[i], names[k]);
            json_t *docs = NULL;
            cr_assert_eq(xg_scan_file(&docs, sc, path, 0), 0, "%s: %s", path, xg_error_message());
            char *s = json_dumps(docs, JSON_SORT_KEYS | JSON_COMPACT);
            cr_assert_not_null(s);
            xg_buf_printf(&b, "%s\n%s\n", path, s);
            free(s);
            json_decref(docs);
            free(names[k]);
            (*nfiles)++;
        }
    }
    return xg_buf_steal(&b);
}

Test(scan_gate, on_and_off_give_the_same_json, .init = setup, .fini = teardown, .timeout = 600)
{
    xg_scanner *sc;
    cr_assert_eq(xg_scanner_new(&sc, NULL, NULL, NULL), 0, "%s", xg_error_message());
    size_t n_on, n_off;
    char *on = scan_all(sc, &n_on);
    xg_scanner_free(sc);
    cr_assert_gt(n_on, 20, "the test documents were not found (%zu files)", n_on);
    scan_patterns_set_gate(0);
    cr_assert_eq(xg_scanner_new(&sc, NULL, NULL, NULL), 0, "%s", xg_error_message());
    char *off = scan_all(sc, &n_off);
    xg_scanner_free(sc);
    cr_assert_eq(n_on, n_off);
    cr_assert(!strcmp(on, off), "the gate changed a result");
    free(on);
    free(off);
}

/* The windows (fields.c, WINDOWED): a windowed pattern is tried only from a few bytes before each
 * occurrence of its literals, so a label whose literal sits late in it (中标(成交)供应商,
 * 采购项目编号, 公告发布日期), an organisation whose name runs far before its suffix (a long Han
 * run, parentheses, four-byte Han), neighbouring and repeated labels must all give what the
 * unwindowed search gives. Thousands of generated notices, gate on and off, the same JSON. */
static const char *const PIECES[] = {
    "采购人", "采购", "名称", "单位", "信息", "供应商", "拟定", "中标", "(成交)", "成交", "投标",
    "总", "价", "为", "金额", "价格", "预算", "最高限价", "控制价", "项目", "编号", "招标",
    "标段(包)", "代理", "机构", "发布", "日期", "公告", "公示", "时间", "有限公司", "股份", "有限",
    "责任", "大学", "学院", "研究院", "研究", "所", "中心", "实验室", "集团", "(", ")", ":", "|",
    " ", "\n", "\n", "2025年3月1日", "2024-12-05", "120", "8", "万元", "元", "人民币", "北京",
    "科技", "数智", "云", "\xF0\xA0\x80\x80", "。", ",", ";", "Project No.", "tender number",
    "Buyer", "Purchaser:", "Successful tenderer", "awarded to", "Contract value", "Budget",
    "Date of award", "Technology Co., Ltd.", "University", "abc", "x", "(盖章)", "服务器", "卡",
    /* whole labels, so that every field is found often */
    "采购代理机构:", "代理机构名称|", "招标机构 : ", "中标(成交)供应商:", "采购项目编号:",
    "公告发布日期:", "拟定供应商名称:", "采购人信息\n名称:", "总中标金额:", "预算金额(万元):",
    "项目名称:", "采购人:", "中标金额:", "成交日期:", "项目代码|", "(投标)供应商名称:"};

/* Notices of 4–123 pieces drawn from `pieces` (and runs of Han), scanned with the gate on and off:
 * the same JSON, and each field of `keys` (then the organisations in the body, when `orgs`) found
 * in more than 50 of the 3000. */
static void generated_notices(const char *const *pieces, size_t np, const char *const *keys,
                              size_t nkeys, int orgs, unsigned long long r)
{
    xg_scanner *on, *off;
    cr_assert_eq(xg_scanner_new(&on, NULL, NULL, NULL), 0, "%s", xg_error_message());
    scan_patterns_set_gate(0);
    cr_assert_eq(xg_scanner_new(&off, NULL, NULL, NULL), 0, "%s", xg_error_message());
    scan_patterns_set_gate(1);
    size_t differ = 0, found[16] = {0};
    cr_assert_lt(nkeys, 16);
    for (int n = 0; n < 3000; n++) {
        xg_buf b;
        xg_buf_init(&b);
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        size_t k = 4 + (size_t)(r >> 33) % 120;
        for (size_t i = 0; i < k; i++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            size_t w = (size_t)(r >> 33) % (np + 8);
            if (w < np)
                xg_buf_puts(&b, pieces[w]);
            else /* a run of Han characters (a name) */
                for (size_t j = 0; j < 1 + (r >> 50) % 40; j++)
                    xg_buf_puts(&b, "智算");
        }
        json_t *a = NULL, *c = NULL;
        cr_assert_eq(xg_scan_document(&a, on, "g.txt", b.data, b.len, NULL), 0, "%s",
                     xg_error_message());
        cr_assert_eq(xg_scan_document(&c, off, "g.txt", b.data, b.len, NULL), 0, "%s",
                     xg_error_message());
        char *sa = json_dumps(a, JSON_SORT_KEYS | JSON_COMPACT);
        char *sc = json_dumps(c, JSON_SORT_KEYS | JSON_COMPACT);
        if (strcmp(sa, sc)) {
            differ++;
            cr_log_error("windowed: %s\nwhole:    %s\ntext: %s", sa, sc, b.data);
        }
        const json_t *f = json_object_get(a, "fields");
        for (size_t i = 0; i < nkeys; i++)
            if (!json_is_null(json_object_get(f, keys[i]))) found[i]++;
        size_t i;
        json_t *pt;
        json_array_foreach(json_object_get(a, "parties"), i,
                           pt) if (!strcmp(json_string_value(json_object_get(pt, "role")),
                                           "mentioned")) found[nkeys]++;
        free(sa);
        free(sc);
        json_decref(a);
        json_decref(c);
        xg_buf_free(&b);
    }
    xg_scanner_free(on);
    xg_scanner_free(off);
    cr_assert_eq(differ, 0, "%zu generated notices differ", differ);
    for (size_t i = 0; i < nkeys + (orgs != 0); i++) {
        cr_log_info("%s: %zu", i < nkeys ? keys[i] : "organisations", found[i]);
        cr_expect_gt(found[i], 50, "the generator hardly made %s (%zu)",
                     i < nkeys ? keys[i] : "organisations", found[i]);
    }
}

Test(scan_gate, windows_find_what_the_whole_search_finds, .init = setup, .fini = teardown,
     .timeout = 900)
{
    /* each field of a windowed pattern, and organisations in the body, found often enough */
    static const char *const KEYS[] = {"project_number", "title",      "buyer", "agency",
                                       "supplier",       "amount_cny", "date"};
    generated_notices(PIECES, sizeof PIECES / sizeof *PIECES, KEYS, sizeof KEYS / sizeof *KEYS, 1,
                      0x9E3779B97F4A7C15ull);
}

/* The walked windows (fields.c, WALK): a quantity opens with a number of any length, and the
 * words between it and its literal (显卡, 10台8卡, 云服务器, 万卡时, HK$ …) are walked back over.
 * Numbers long and short, with commas and points, next to each of those words, the literals of
 * every quantity pattern, and other characters that end a walk (。, :, Latin and Han neighbours).
 */
static const char *const QPIECES[] = {"8",
                                      "1,024",
                                      "12",
                                      "3.5",
                                      "0",
                                      "2025",
                                      " ",
                                      "  ",
                                      "\n",
                                      "\t",
                                      ",",
                                      ".",
                                      "*",
                                      "x",
                                      "×",
                                      "张",
                                      "块",
                                      "片",
                                      "台",
                                      "个",
                                      "云",
                                      "显卡",
                                      "加速卡",
                                      "计算卡",
                                      "GPU卡",
                                      "GPU",
                                      "gpu",
                                      "卡",
                                      "卡时",
                                      "GPU小时",
                                      "GPU-hours",
                                      "GPU hour",
                                      "服务器",
                                      "主机",
                                      "节点",
                                      "servers",
                                      "Servers",
                                      "cloud ",
                                      "nodes",
                                      "token",
                                      "Tokens",
                                      "令牌",
                                      "万",
                                      "亿",
                                      "千万",
                                      "百万",
                                      "两",
                                      "十",
                                      "三",
                                      "万元",
                                      "亿元",
                                      "元",
                                      "人民币",
                                      "HK$",
                                      "US$",
                                      "$",
                                      "USD",
                                      "H100",
                                      "A800",
                                      "每台",
                                      "配置",
                                      "64 servers",
                                      "10台服务器",
                                      "16 台 GPU 云服务器",
                                      "3 个云服务器",
                                      "8 cloud servers",
                                      "。",
                                      ":",
                                      "|",
                                      "(",
                                      "采购",
                                      "智算",
                                      "abc",
                                      "Z",
                                      "-",
                                      "一二"};

Test(scan_gate, walked_windows_find_what_the_whole_search_finds, .init = setup, .fini = teardown,
     .timeout = 900)
{
    static const char *const KEYS[] = {"tokens", "gpus", "servers", "gpu_hours", "amount_cny"};
    generated_notices(QPIECES, sizeof QPIECES / sizeof *QPIECES, KEYS, sizeof KEYS / sizeof *KEYS,
                      0, 0xD1B54A32D192ED03ull);
}

static const char TEXT[] =
    "採購人：香港數智科研有限公司 項目名稱：算力租賃 采购人：某大学 通过亚马逊云科技 AWS "
    "海外账号租用 "
    "H100 GPU 服务器 500 台服务器，每台 8 卡，中标金额：人民币 120 万元，调用 GPT-4 API 与 Azure "
    "OpenAI。发布日期：2025-03-01";

static char *scan_text(void)
{
    xg_scanner *sc;
    cr_assert_eq(xg_scanner_new(&sc, NULL, NULL, NULL), 0, "%s", xg_error_message());
    json_t *docs = NULL;
    cr_assert_eq(xg_scan_bytes(&docs, sc, "t.txt", TEXT, strlen(TEXT)), 0, "%s",
                 xg_error_message());
    char *s = json_dumps(docs, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(docs);
    xg_scanner_free(sc);
    return s;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

enum { FLIP_BODY, FLIP_KEY, FLIP_SUM, TRUNCATE, HEADER_ONLY, EMPTY, GARBAGE, OTHER_KIND };

/* Damage `path` (whose good bytes are good[len]) the `how` way; `other` is another cache file. */
static void damage(const char *path, const char *good, size_t len, int how, const char *other)
{
    char *d = malloc(len + 64);
    memcpy(d, good, len);
    size_t n = len;
    switch (how) {
    case FLIP_BODY:
        d[len - len / 3] ^= 0x01;
        break;
    case FLIP_KEY:
        d[12] ^= 0x80;
        break; /* a file written for another key */
    case FLIP_SUM:
        d[27] ^= 0x04;
        break;
    case TRUNCATE:
        n = len - 5;
        break;
    case HEADER_ONLY:
        n = 32;
        break;
    case EMPTY:
        n = 0;
        break;
    case GARBAGE:
        n = (size_t)snprintf(d, len, "XGFGHS01XGFOLD01 not a table");
        break;
    case OTHER_KIND: {
        char *o;
        cr_assert_eq(xg_file_read(&o, &n, other, 0), 0);
        free(d);
        d = o;
        break;
    }
    }
    write_file(path, d, n);
    free(d);
}

Test(scan_gate, damaged_cache_files_are_rebuilt, .init = setup, .fini = teardown, .timeout = 600)
{
    char *ref = scan_text(); /* cold: builds and writes */
    char gate[512], fold[512];
    cr_assert_eq(cache_temp_count(dir, "fieldgate", ".hsdb", gate, sizeof gate), 1,
                 "no fieldgate file");
    cr_assert_eq(cache_temp_count(dir, "fold", ".tab", fold, sizeof fold), 1, "no fold file");
    char *s = scan_text(); /* warm: read back */
    cr_assert_str_eq(s, ref);
    free(s);
    const char *files[2] = {gate, fold};
    for (int f = 0; f < 2; f++) {
        char *good;
        size_t len;
        cr_assert_eq(xg_file_read(&good, &len, files[f], 0), 0);
        cr_assert_gt(len, 64);
        for (int how = FLIP_BODY; how <= OTHER_KIND; how++) {
            damage(files[f], good, len, how, files[1 - f]);
            s = scan_text();
            cr_assert_str_eq(s, ref, "file %s damaged (%d): another result", files[f], how);
            free(s);
            char *now;
            size_t nlen;
            cr_assert_eq(xg_file_read(&now, &nlen, files[f], 0), 0);
            cr_assert(nlen == len && !memcmp(now, good, len),
                      "file %s damaged (%d) was not written again", files[f], how);
            free(now);
        }
        /* a missing file is written again too */
        cr_assert_eq(unlink(files[f]), 0);
        s = scan_text();
        cr_assert_str_eq(s, ref);
        free(s);
        cr_assert_eq(access(files[f], R_OK), 0);
        free(good);
    }
    free(ref);
}

/* A fold file that checks out (magic, key, checksum) but maps a character to something a 3-byte
 * UTF-8 sequence cannot hold is not trusted either: the text must stay valid UTF-8. */
Test(scan_gate, fold_table_out_of_range_is_rebuilt, .init = setup, .fini = teardown, .timeout = 600)
{
    char *ref = scan_text();
    char fold[512];
    cr_assert_eq(cache_temp_count(dir, "fold", ".tab", fold, sizeof fold), 1);
    char *good;
    size_t len;
    cr_assert_eq(xg_file_read(&good, &len, fold, 0), 0);
    static const uint32_t bad[] = {0x110000, 0xD800, 0x41, 0x10000};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        char *d = malloc(len);
        memcpy(d, good, len);
        memcpy(d + 32 + 4 * 100, &bad[k], 4);
        uint64_t sum = XXH3_64bits(d + 32, len - 32);
        memcpy(d + 24, &sum, 8);
        write_file(fold, d, len);
        free(d);
        char *s = scan_text();
        cr_assert_str_eq(s, ref);
        free(s);
        char *now;
        size_t nlen;
        cr_assert_eq(xg_file_read(&now, &nlen, fold, 0), 0);
        cr_assert(nlen == len && !memcmp(now, good, len), "entry %#x was trusted", bad[k]);
        free(now);
    }
    free(good);
    free(ref);
}

Test(scan_gate, cache_off_writes_nothing, .init = setup, .fini = teardown, .timeout = 600)
{
    char *ref = scan_text();
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", "off", 1), 0);
    char *s = scan_text();
    cr_assert_str_eq(s, ref);
    free(s);
    free(ref);
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", dir, 1), 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -f '%s'/*", dir);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", "off", 1), 0);
    s = scan_text();
    free(s);
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", dir, 1), 0);
    char path[512];
    cr_assert_eq(cache_temp_count(dir, "fieldgate", ".hsdb", path, sizeof path), 0);
    cr_assert_eq(cache_temp_count(dir, "fold", ".tab", path, sizeof path), 0);
}
