/*
 * test_match_zh_unit.c — two readings of Chinese names of organisations listed in English (issue
 * 13): 中国/中華/中华 read as "China" and as "Chinese" (han.c), and a list name's city left unmet
 * by a Chinese query costing as an unmatched word (han_unit_place_unmet in score.c). The records
 * are real: the DoD 1260H list's Chinese Academy of Ordnance Science and CASIC, the METI list's
 * Jiangsu Institute of Automation.
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
static char path[] = "/tmp/xg-zh-unit-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(path,
                   LIST_TEMP_HEADER
                   "1260H-33053b224e0b,DoD Section 1260H Chinese Military Companies,Entity,"
                   "Chinese Academy of Ordnance Science,,CN,China North Industries Group "
                   "Corporation Limited,,,,1260H,2026-06-08,,\n"
                   "1260H-bdf852c86aa6,DoD Section 1260H Chinese Military Companies,Entity,"
                   "China Aerospace Science and Industry Corporation Limited,CASIC,CN,,,,,1260H,"
                   "2021-06-03,,\n"
                   "METI-0001,METI End User List,Entity,Jiangsu Institute of Automation,,CN,,,,,"
                   "METI,,,\n"
                   "METI-0002,METI End User List,Entity,Harbin Engineering University,,CN,,,,,"
                   "METI,,,\n",
                   &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

static void expect_found(const char *query, const char *name)
{
    xg_screen_result *r = list_temp_screen(snap, query, -1);
    cr_assert_geq(r->nmatches, 1, "%s", query);
    cr_assert_str_eq(r->matches[0].record->name, name, "%s", query);
    cr_assert_geq(r->matches[0].score, XG_SCREEN_DEFAULT_THRESHOLD, "%s", query);
    xg_screen_result_free(r);
}

static void expect_nothing(const char *query)
{
    xg_screen_result *r = list_temp_screen(snap, query, -1);
    cr_assert_eq(r->nmatches, 0, "%s: %s %.3f", query,
                 r->nmatches ? r->matches[0].record->name : "",
                 r->nmatches ? r->matches[0].score : 0.0);
    xg_screen_result_free(r);
}

TestSuite(match_zh_unit, .init = setup, .fini = teardown);

/* 中国兵器科学研究院 is the "Chinese Academy of Ordnance Science", in simplified and traditional
 * characters: 中国 meets "chinese" as its other sense; 中国航天科工集团 (CASIC) still meets
 * "China Aerospace Science and Industry Corporation Limited" by "china" first. */
Test(match_zh_unit, china_read_as_chinese)
{
    const char *q[] = {"中国兵器科学研究院", "中國兵器科學研究院"};
    for (size_t i = 0; i < 2; i++) {
        expect_found(q[i], "Chinese Academy of Ordnance Science");
        xg_screen_result *r = list_temp_screen(snap, q[i], -1);
        cr_assert_str_eq(list_temp_pair(&r->matches[0], "china", "list"), "chinese", "%s", q[i]);
        xg_screen_result_free(r);
    }
    xg_screen_result *r = list_temp_screen(snap, "中国航天科工集团", 0.5);
    cr_assert_geq(r->nmatches, 1);
    cr_assert_str_eq(r->matches[0].record->name,
                     "China Aerospace Science and Industry Corporation Limited");
    cr_assert_str_eq(list_temp_pair(&r->matches[0], "china", "list"), "china");
    xg_screen_result_free(r);
}

/* Negatives sharing words with the listed academy: 中国中医科学院 (China Academy of Chinese
 * Medical Sciences) and 中国农业科学院 (Chinese Academy of Agricultural Sciences) are other
 * academies, unlisted. */
Test(match_zh_unit, other_chinese_academies_stay_below)
{
    expect_nothing("中国中医科学院");
    expect_nothing("中国农业科学院");
}

/* 江苏自动化研究所 is the listed Jiangsu Institute of Automation; 自动化研究所 without the
 * province (any institute of automation: 中国科学院自动化研究所 in Beijing, 沈阳自动化研究所)
 * leaves "Jiangsu" unmet, which costs as an unmatched word: no alert. 哈尔滨工程大学 is the
 * listed Harbin Engineering University; 工程大学 alone is not. */
Test(match_zh_unit, list_place_unmet_by_query)
{
    expect_found("江苏自动化研究所", "Jiangsu Institute of Automation");
    expect_nothing("自动化研究所");
    expect_found("哈尔滨工程大学", "Harbin Engineering University");
    expect_nothing("工程大学");
}

/* The first level of a nested explanation: its relation and the query words it left unmet. */
static void expect_owner_level(const char *query, const char *unmet)
{
    xg_screen_result *r = list_temp_screen(snap, query, -1);
    cr_assert_geq(r->nmatches, 1, "%s", query);
    json_t *x = xg_screen_match_explanation(&r->matches[0]);
    json_t *nested = json_object_get(x, "nested");
    cr_assert_not_null(nested, "%s", query);
    cr_assert_str_eq(json_string_value(json_object_get(nested, "relation")), "listed_unit");
    json_t *skipped = json_object_get(nested, "unmatched_levels");
    cr_assert_str_eq(json_string_value(json_array_get(skipped, 0)), unmet, "%s", query);
    json_decref(x);
    xg_screen_result_free(r);
}

/* A place prefix before a unit whose own name starts with a place (中国 | 哈尔滨工程大学, 黑龙江省
 * | 哈尔滨工程大学) is an owner level the list name does not carry: found, the prefix stated as an
 * unmet level. A prefix before a unit without a place of its own is not (四川省 | 农业大学 stays
 * unlisted), nor is another university of the same city with the prefix (哈尔滨理工大学, Harbin
 * University of Science and Technology). A province named with its word 省 is still the list's own
 * place when the unit has no other (江苏省 | 自动化研究所 is the Jiangsu Institute of Automation).
 */
Test(match_zh_unit, leading_place_prefix)
{
    expect_found("中国哈尔滨工程大学", "Harbin Engineering University");
    expect_found("黑龙江省哈尔滨工程大学", "Harbin Engineering University");
    expect_found("黑龍江省哈爾濱工程大學", "Harbin Engineering University");
    expect_owner_level("中国哈尔滨工程大学", "china");
    expect_owner_level("黑龙江省哈尔滨工程大学", "heilongjiang");
    expect_nothing("黑龙江省哈尔滨理工大学");
    expect_nothing("四川省农业大学");
    expect_found("江苏省自动化研究所", "Jiangsu Institute of Automation");
}
