/*
 * test_match_zh_pieces.c — a Chinese word read part by meaning, part by pinyin, against
 * consecutive list words (issue 13; src/match/zh_pieces.c): 新国脉 is the 1260H list's "New
 * Guomai" (新 by its meaning, 国脉 by its pinyin), the brand 知道创宇 (Knownsec) its "Zhidao
 * Chuangyu" (the pinyin cut where the list cuts it), 中航电测仪器 its "Zhonghang Electronic
 * Measuring Instruments" (中航 by its pinyin, 电测 by the meanings of 电 and 测), 天翼云 its
 * "Tianyi Cloud" (云 by the gloss of another CC-CEDICT entry than its first). The records are real
 * (DoD Section 1260H, 2026-06-08).
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
static char path[] = "/tmp/xg-zh-pieces-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(
        path,
        LIST_TEMP_HEADER
        "1260H-e35b5ca1b826,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"New Guomai Digital Culture Co., Ltd.\",,CN,,,,,1260H,2026-06-08,,\n"
        "1260H-d77a09f3d91d,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"Beijing Zhidao Chuangyu Information Technology Co., Ltd.\",,CN,,,,,1260H,"
        "2022-10-05,,\n"
        "1260H-01b463bffbe7,DoD Section 1260H Chinese Military Companies,Entity,"
        "Zhonghang Electronic Measuring Instruments Company Limited,,CN,,,,,1260H,"
        "2021-06-03,,\n"
        "1260H-aabecc533462,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"Oriental Blue Sky Titanium Technology Co., Ltd.\",,CN,,,,,1260H,2025-01-07,,\n"
        "1260H-0917f8698465,DoD Section 1260H Chinese Military Companies,Entity,"
        "\"Tianyi Cloud Technology Co., Ltd.\",,CN,,,,,1260H,2026-06-08,,\n",
        &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

TestSuite(match_zh_pieces, .init = setup, .fini = teardown);

/* The word read piece by piece meets the list words it spells: found first above the threshold
 * (before: 0.611, 0.619 and 0.564), in simplified and traditional characters. */
Test(match_zh_pieces, meaning_and_pinyin_spell_the_list_words)
{
    struct {
        const char *q, *name;
    } c[] = {
        {"新国脉数字文化股份有限公司", "New Guomai Digital Culture Co., Ltd."},
        {"新國脈數字文化股份有限公司", "New Guomai Digital Culture Co., Ltd."},
        {"北京知道创宇信息技术股份有限公司",
         "Beijing Zhidao Chuangyu Information Technology Co., Ltd."},
        {"北京知道創宇信息技術股份有限公司",
         "Beijing Zhidao Chuangyu Information Technology Co., Ltd."},
        {"中航电测仪器股份有限公司", "Zhonghang Electronic Measuring Instruments Company Limited"},
        {"中航電測儀器股份有限公司", "Zhonghang Electronic Measuring Instruments Company Limited"},
        /* 云 by the gloss of its second CC-CEDICT entry (雲 云 "cloud"; the first is "to say") */
        {"天翼云科技有限公司", "Tianyi Cloud Technology Co., Ltd."},
        {"天翼雲科技有限公司", "Tianyi Cloud Technology Co., Ltd."},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        const char *name;
        double s = list_temp_best(snap, c[i].q, &name);
        cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%s %.3f", c[i].q, s);
        cr_assert_str_eq(name, c[i].name, "%s", c[i].q);
    }
}

/* Names that share a word or a reading with a listed one but do not spell it whole stay below the
 * threshold against it: 新国 lacks 脉 (every list word must be met), 国脉 lacks 新, 新华 is not
 * "New Guomai", 蓝天 alone is not "Oriental Blue Sky Titanium", 知道 alone not "Zhidao
 * Chuangyu", 中航电子 (AVIC Electronics) not the measuring instruments company; 云 "cloud" (another
 * entry's gloss) out of its place (云天, 天云) or without 天 (翼云) is not "Tianyi Cloud", nor 东方
 * "orient" alone the titanium company. (北京创宇信息技术
 * meets "chuangyu" by its plain pinyin, without the pieces, at 0.898 on this five-row list, as on
 * main: not this rule's; so does 天翼科技 "Tianyi … Technology" at 0.838, without "Cloud".) */
Test(match_zh_pieces, partial_spellings_stay_below)
{
    struct {
        const char *q, *name;
    } c[] = {
        {"新国文化传播有限公司", "New Guomai Digital Culture Co., Ltd."},
        {"新国数字文化股份有限公司", "New Guomai Digital Culture Co., Ltd."},
        {"国脉科技股份有限公司", "New Guomai Digital Culture Co., Ltd."},
        {"新华数字文化股份有限公司", "New Guomai Digital Culture Co., Ltd."},
        {"蓝天科技有限公司", "Oriental Blue Sky Titanium Technology Co., Ltd."},
        {"知道科技有限公司", "Beijing Zhidao Chuangyu Information Technology Co., Ltd."},
        {"中航电子", "Zhonghang Electronic Measuring Instruments Company Limited"},
        /* the other entries' glosses: 云 "cloud" out of its place, or without 天翼 */
        {"云天科技有限公司", "Tianyi Cloud Technology Co., Ltd."},
        {"天云科技有限公司", "Tianyi Cloud Technology Co., Ltd."},
        {"翼云科技有限公司", "Tianyi Cloud Technology Co., Ltd."},
        {"东方科技有限公司", "Oriental Blue Sky Titanium Technology Co., Ltd."},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        double s = list_temp_score_named(snap, c[i].q, c[i].name);
        cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "%s: %s %.3f", c[i].q, c[i].name, s);
    }
}

/* Latin queries have no pieces: "Xinguomai Digital Culture" is not read as "New Guomai". */
Test(match_zh_pieces, latin_queries_have_no_pieces)
{
    double s = list_temp_score_named(snap, "Xinguomai Digital Culture Co., Ltd.",
                                     "New Guomai Digital Culture Co., Ltd.");
    cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
}
