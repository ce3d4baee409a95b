/*
 * test_match_zh_guess.c — a Chinese name that meets a list name only through a guessed spelling
 * of a short word (a near pinyin, or a learned spelling of a two-syllable word or of a place) and
 * no word met exactly beside it stays under the default threshold (XG_UNSUPPORTED_CAP, issue 13,
 * zh13f), and says so; the same spellings still carry a name when another word supports them or
 * when the word is longer. The list rows are real: Hunan University (METI End User List),
 * HARUN, QIANG HU and Lian Yang (METI names of unknown type), Hong Kong Qisu Electronic Technology
 * (EU 833 Annex IV, its Chinese aliases stripped as the benchmark strips them), Guangzhou Ausay
 * Technology (EU 833 Annex IV, likewise) and Most Development Limited (EU 833 Annex IV).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../list_temp.h"
#include "match/score.h"
#include "xgate/error.h"
#include "xgate/screen.h"

static xg_text_ctx *text;
static xg_snapshot *snap;
static char path[] = "/tmp/xg-zh-guess-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(
        path,
        LIST_TEMP_HEADER
        "METI-HNU,METI End User List,Entity,Hunan University,,CN,,,,,METI,,,\n"
        "METI-HARUN,METI End User List,Entity,HARUN,,,,,,,METI,,,\n"
        "METI-0668,METI End User List,Entity,QIANG HU,,,,,,,METI,,,\n"
        "METI-1631,METI End User List,Entity,Lian Yang,,,,,,,METI,,,\n"
        "EU833-IV-714,EU Regulation 833/2014 Annex IV,Entity,"
        "Hong Kong Qisu Electronic Technology Co. Ltd.,"
        "\"Shenzhen Qisu Electronic Technology Co., Ltd\",HK,,,,,EU-RUS,2024-02-23,,\n"
        "EU833-IV-603,EU Regulation 833/2014 Annex IV,Entity,Guangzhou Ausay Technology Co Limited,"
        "\"Ausay Pcb; HK Ausay Technology Co.,Limited\",CN,,,,,EU-RUS,2024-02-23,,\n"
        "EU833-IV-641,EU Regulation 833/2014 Annex IV,Entity,Most Development Limited,"
        "Most Development; Most Development Ltd,HK,,,,,EU-RUS,2024-02-23,,\n",
        &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

TestSuite(match_zh_guess, .init = setup, .fini = teardown);

/* Whether the match's explanation carries a penalty of this kind. */
static int has_penalty(const xg_screen_match *m, const char *kind)
{
    json_t *e = xg_screen_match_explanation(m);
    json_t *pen = json_object_get(e, "penalties");
    int found = 0;
    for (size_t i = 0; i < json_array_size(pen) && !found; i++)
        found = !strcmp(json_string_value(json_object_get(json_array_get(pen, i), "kind")), kind);
    json_decref(e);
    return found;
}

/* Real organisations on no list (CC-CEDICT headwords; bench/screen/zh_negatives_dev.tsv holds 七喜
 * and 华润): 暨南大学 Jinan University (jinan ~ "Hunan" by the learned ji → hi, a place), 济南大学
 * University of Jinan (the same), 七喜 Hedy (qixi ~ "Qisu" by xi → su), 华润 China Resources
 * (huarun ~ "Harun", one letter), and the short names 清华 (Tsinghua; qinghua ~ "Qiang Hu", two
 * words joined) and 联想 (Lenovo; lianxiang ~ "Lian Yang") — each shares only a guessed word. */
Test(match_zh_guess, guessed_short_word_alone_stays_below)
{
    const char *q[] = {"暨南大学", "暨南大學", "济南大学", "七喜", "华润", "華潤", "清华", "联想"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        xg_screen_result *r = list_temp_screen(snap, q[i], -1);
        cr_assert_eq(r->nmatches, 0, "%s: %s", q[i], r->nmatches ? r->matches[0].record->name : "");
        xg_screen_result_free(r);
    }
    xg_screen_result *r = list_temp_screen(snap, "暨南大学", 0.5);
    cr_assert_geq(r->nmatches, 1);
    cr_assert_str_eq(r->matches[0].record->name, "Hunan University");
    cr_assert_float_eq(r->matches[0].score, XG_UNSUPPORTED_CAP, 1e-9);
    cr_assert(has_penalty(&r->matches[0], "unsupported_spelling"));
    xg_screen_result_free(r);
}

/* The name itself, a spelling supported by its city, and a learned spelling of three syllables
 * are still found: 湖南大学 → Hunan University (exact), 广州欧赛科技有限公司 → Guangzhou Ausay
 * (ou sai ~ "Ausay" beside Guangzhou), 莫斯特发展有限公司 → Most Development (mosite ~ "most"). */
Test(match_zh_guess, supported_or_long_spellings_still_found)
{
    struct {
        const char *q, *name;
    } c[] = {{"湖南大学", "Hunan University"},
             {"广州欧赛科技有限公司", "Guangzhou Ausay Technology Co Limited"},
             {"莫斯特发展有限公司", "Most Development Limited"},
             {"深圳旗速电子科技有限公司", "Hong Kong Qisu Electronic Technology Co. Ltd."}};
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        xg_screen_result *r = list_temp_screen(snap, c[i].q, -1);
        cr_assert_geq(r->nmatches, 1, "%s", c[i].q);
        cr_assert_str_eq(r->matches[0].record->name, c[i].name, "%s", c[i].q);
        cr_assert(!has_penalty(&r->matches[0], "unsupported_spelling"), "%s", c[i].q);
        xg_screen_result_free(r);
    }
}

/* Latin queries never take the cap: "Hunen University" (one typo) is scored as before. */
Test(match_zh_guess, latin_queries_unchanged)
{
    xg_screen_result *r = list_temp_screen(snap, "Hunen University", -1);
    cr_assert_geq(r->nmatches, 1);
    cr_assert_str_eq(r->matches[0].record->name, "Hunan University");
    cr_assert(!has_penalty(&r->matches[0], "unsupported_spelling"));
    xg_screen_result_free(r);
}
