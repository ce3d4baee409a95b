/*
 * test_match_zh_official.c — registered Chinese names of listed companies (issue 13, zh13g): the
 * sector words of such names (重机 heavy machinery, 数字 digital), the regions their English
 * names translate (北方 northern) and the short names of state groups that their English names
 * write as initials (中航 AVIC, 中电科 CETC, 国投 SDIC) are read from the glossary, so that
 * 中航重机股份有限公司 meets "AVIC Heavy Machinery Company Limited". The list rows are the DoD
 * 1260H list's. Unlisted companies of the same groups or sharing a region word (国投电力, SDIC
 * Power; 北方华创, NAURA) stay below the threshold, and 中电科技 is not cut into 中电科 | 技.
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
static char path[] = "/tmp/xg-zh-official-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(
        path,
        LIST_TEMP_HEADER
        "1260H-4181aea7f3f4,DoD Section 1260H Chinese Military Companies,Entity,"
        "AVIC Heavy Machinery Company Limited,AVIC Heavy Machinery,CN,,,,,1260H,2021-06-03,,\n"
        "1260H-d205ee88151b,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"CETC Digital Technology Co., Ltd.\",\"Shanghai East China Computer Co., Ltd.\",CN,,,,,"
        "1260H,2025-01-07,,\n"
        "1260H-e1768718c0c6,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"Heilongjiang Northern Tools Co., Ltd.\",,CN,,,,,1260H,2024-01-31,,\n"
        "1260H-2bd43ed87336,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"SDIC Intelligence (Xiamen) Information Co., Ltd.\",,CN,,,,,1260H,2024-01-31,,\n"
        "1260H-6d6ad6bd0353,DoD Section 1260H Chinese Military Companies,Entity,"
        "China Electronics Technology Group Corporation,CETC,CN,,,,,1260H,2021-06-03,,\n",
        &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

TestSuite(match_zh_official, .init = setup, .fini = teardown);

/* Each registered name, simplified and traditional, finds its company first. */
Test(match_zh_official, registered_names_find_their_companies)
{
    struct {
        const char *q, *name;
    } c[] = {
        {"中航重机股份有限公司", "AVIC Heavy Machinery Company Limited"},
        {"中航重機股份有限公司", "AVIC Heavy Machinery Company Limited"},
        {"中电科数字技术股份有限公司", "CETC Digital Technology Co., Ltd."},
        {"中電科數字技術股份有限公司", "CETC Digital Technology Co., Ltd."},
        {"黑龙江北方工具有限公司", "Heilongjiang Northern Tools Co., Ltd."},
        {"国投智能（厦门）信息股份有限公司", "SDIC Intelligence (Xiamen) Information Co., Ltd."},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        xg_screen_result *r = list_temp_screen(snap, c[i].q, -1);
        cr_assert_geq(r->nmatches, 1, "%s", c[i].q);
        cr_assert_str_eq(r->matches[0].record->name, c[i].name, "%s", c[i].q);
        xg_screen_result_free(r);
    }
}

/* Unlisted companies sharing a group prefix or a region word, and 中电科技, alert on nothing. */
Test(match_zh_official, unlisted_companies_not_matched)
{
    const char *q[] = {"国投电力控股股份有限公司", "北方华创科技集团股份有限公司", "中电科技"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        xg_screen_result *r = list_temp_screen(snap, q[i], -1);
        cr_assert_eq(r->nmatches, 0, "%s: %s", q[i], r->nmatches ? r->matches[0].record->name : "");
        xg_screen_result_free(r);
    }
}
