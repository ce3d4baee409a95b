/*
 * test_match_zh_brands.c — brand names and short names of listed companies (issue 13, zh13h).
 * data/text/zh_brands.tsv reads a company's Chinese brand word as the English brand it writes for
 * it (雷电微力 = M&S, 卓望 = Aspire, 晨光 = Aerosun); a query word met by such a one-word brand
 * names that company's trade name, so that a sector word beside it (杰赛科技, 卓望科技, 际上导航)
 * finds the company whose English name adds its city, sector and legal form; the glossary reads a
 * stock short name's 股份 as the legal form (中直股份 = Avicopter PLC) and an institute's short
 * 所 as "institute" (中科院计算所). The list rows are real: the DoD 1260H list's and the Entity
 * List's names. Negatives: an unlisted company sharing a brand word with a listed one but naming
 * another business (晨光文具, M&G Stationery; 卓望 is not in 卓越) stays below the threshold.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../list_temp.h"
#include "xgate/error.h"
#include "xgate/screen.h"

static xg_text_ctx *text;
static xg_snapshot *snap;
static char path[] = "/tmp/xg-zh-brands-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(
        path,
        LIST_TEMP_HEADER
        "1260H-434e68648f6f,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"Guangzhou GCI Science & Technology Co., Ltd.\",,CN,,,,,1260H,,,\n"
        "1260H-91233e2db252,DoD Section 1260H Chinese Military Companies,Entity,"
        "Aspire Technologies (Shenzhen) Limited,,CN,,,,,1260H,,,\n"
        "1260H-46947c3ddcf6,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"Wuhan Geosun Navigation Technology Co., Ltd.\",Geosun,CN,,,,,1260H,,,\n"
        "1260H-9863fa7a37c1,DoD Section 1260H Chinese Military Companies,Entity,"
        "Avicopter PLC,,CN,,,,,1260H,,,\n"
        "1260H-mns,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"Chengdu M&S Electronics Technology Co., Ltd.\",M&S Electronics,CN,,,,,1260H,,,\n"
        "1260H-12fc0e65b8b5,DoD Section 1260H Chinese Military Companies,Entity,"
        "Aerosun Corporation,Aerosun,CN,,,,,1260H,,,\n"
        "EL-ICT,Entity List,Entity,Chinese Academy of Sciences Institute of Computing "
        "Technology,,CN,,,,,EL,,,\n"
        "EL-IOP,Entity List,Entity,\"Chinese Academy of Sciences, Institute of "
        "Physics\",IOPCAS,CN,,,,,EL,,,\n",
        &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

TestSuite(match_zh_brands, .init = setup, .fini = teardown);

static void finds_first(const char *q, const char *name)
{
    xg_screen_result *r = list_temp_screen(snap, q, -1);
    cr_assert_geq(r->nmatches, 1, "%s: nothing at the default threshold", q);
    cr_assert_str_eq(r->matches[0].record->name, name, "%s", q);
    xg_screen_result_free(r);
}

/* A brand word alone or with the word its English alias holds is read as the English brand. */
Test(match_zh_brands, brand_words_read_as_english_brands)
{
    finds_first("雷电微力", "Chengdu M&S Electronics Technology Co., Ltd.");
    finds_first("雷電微力", "Chengdu M&S Electronics Technology Co., Ltd.");
    finds_first("卓望", "Aspire Technologies (Shenzhen) Limited");
}

/* A brand word met with a sector word: the English name's city, other sector words and legal
 * form are weak evidence against (trade_name_met), as for an official name with a legal form. */
Test(match_zh_brands, brand_with_sector_word_is_a_trade_name)
{
    finds_first("杰赛科技", "Guangzhou GCI Science & Technology Co., Ltd.");
    finds_first("卓望科技", "Aspire Technologies (Shenzhen) Limited");
    finds_first("际上导航", "Wuhan Geosun Navigation Technology Co., Ltd.");
    cr_assert_gt(list_temp_score(snap, "际上导航", "1260H-46947c3ddcf6"), 0.9);
}

/* 股份 ends a stock short name (中直股份 for 中航直升机股份有限公司): a legal form, not "gufen". */
Test(match_zh_brands, stock_short_name_legal_form)
{
    finds_first("中直股份", "Avicopter PLC");
    cr_assert_gt(list_temp_score(snap, "中直股份", "1260H-9863fa7a37c1"), 0.9);
}

/* 所 after a field word is an institute's short name (计算所 for 计算技术研究所). */
Test(match_zh_brands, institute_short_names)
{
    finds_first("中科院计算所", "Chinese Academy of Sciences Institute of Computing Technology");
    finds_first("中科院物理所", "Chinese Academy of Sciences, Institute of Physics");
}

/* 晨光文具 (M&G Stationery, SSE 603899) shares 晨光 with Aerosun but names another business: the
 * unmatched 文具 keeps it below the threshold; 卓越 (a common word holding 卓) is not 卓望. */
Test(match_zh_brands, other_companies_sharing_a_brand_word)
{
    const char *q[] = {"晨光文具", "卓越科技"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        xg_screen_result *r = list_temp_screen(snap, q[i], -1);
        cr_assert_eq(r->nmatches, 0, "%s: %s", q[i], r->nmatches ? r->matches[0].record->name : "");
        xg_screen_result_free(r);
    }
}
