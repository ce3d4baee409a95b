/*
 * test_match_zh_abbrev.c — the short names that listed Chinese organisations call themselves
 * (data/text/zh_abbrev.tsv, issue 13, zh13f) read as their full names: the national
 * supercomputing centres (国家超算无锡中心 = 国家超级计算无锡中心), CETC (中国电科), CASC
 * (航天科技集团), USTC (中科大). The list rows are real: the METI End User List's names of the
 * centres and of CASC, the 1260H list's CETC row, the Entity List's USTC name. Negatives: a longer
 * word holding the abbreviation's characters (中电科技) and a centre on none of these lists
 * (国家超算郑州中心) are not read as a listed one.
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
static char path[] = "/tmp/xg-zh-abbrev-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(
        path,
        LIST_TEMP_HEADER
        "METI-2832,METI End User List,Entity,National Supercomputing Center Changsha (NSCC-CS),,CN,"
        ",,,,METI,,,\n"
        "METI-2833,METI End User List,Entity,National Supercomputing Center Tianjin (NSCC-TJ),,CN,"
        ",,,,METI,,,\n"
        "METI-4765,METI End User List,Entity,National Supercomputing Center Jinan,,CN,,,,,METI,,,\n"
        "METI-4772,METI End User List,Entity,National Supercomputing Center Wuxi,,CN,,,,,METI,,,\n"
        "METI-0111,METI End User List,Entity,CHINA AEROSPACE SCIENCE AND TECHNOLOGY "
        "CORPORATION,,CN,"
        ",,,,METI,,,\n"
        "1260H-6d6ad6bd0353,DoD Section 1260H Chinese Military Companies,Entity,"
        "China Electronics Technology Group Corporation,CETC,CN,,,,,1260H,2021-06-03,,\n"
        "EL-USTC,Entity List,Entity,University of Science and Technology of China,,CN,,,,,EL,,,\n",
        &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

TestSuite(match_zh_abbrev, .init = setup, .fini = teardown);

/* Each short name, simplified and traditional, finds its organisation first. */
Test(match_zh_abbrev, short_names_read_as_full_names)
{
    struct {
        const char *q, *name;
    } c[] = {
        {"国家超算无锡中心", "National Supercomputing Center Wuxi"},
        {"國家超算無錫中心", "National Supercomputing Center Wuxi"},
        {"国家超算长沙中心", "National Supercomputing Center Changsha (NSCC-CS)"},
        {"国家超算天津中心", "National Supercomputing Center Tianjin (NSCC-TJ)"},
        {"国家超算济南中心", "National Supercomputing Center Jinan"},
        {"中国电科", "China Electronics Technology Group Corporation"},
        {"中國電科", "China Electronics Technology Group Corporation"},
        {"航天科技集团", "CHINA AEROSPACE SCIENCE AND TECHNOLOGY CORPORATION"},
        {"中科大", "University of Science and Technology of China"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        xg_screen_result *r = list_temp_screen(snap, c[i].q, -1);
        cr_assert_geq(r->nmatches, 1, "%s", c[i].q);
        cr_assert_str_eq(r->matches[0].record->name, c[i].name, "%s", c[i].q);
        xg_screen_result_free(r);
    }
}

/* 中电科技 is no abbreviation (中电科 is not one; the glossary reads 中电科技 whole, so that its
 * CETC reading does not split 中电科|技: test_match_zh_official.c), and the
 * Zhengzhou centre is not the Wuxi or Jinan one: its city differs. */
Test(match_zh_abbrev, other_names_not_expanded)
{
    const char *q[] = {"中电科技", "国家超算郑州中心", "国家超级计算郑州中心"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        xg_screen_result *r = list_temp_screen(snap, q[i], -1);
        cr_assert_eq(r->nmatches, 0, "%s: %s", q[i], r->nmatches ? r->matches[0].record->name : "");
        xg_screen_result_free(r);
    }
}
