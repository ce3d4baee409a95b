/*
 * test_match_zh_sound.c — a Chinese query word read by sound meets its listed Latin spelling
 * through the learned spellings of its syllables (data/text/zh_sound.tsv, issue 13), and says so
 * in the explanation; names that merely share a spelled word stay below the threshold. The list
 * is the EU 833 Annex IV entry of Most Development Limited without its Chinese alias (as the
 * benchmark strips it, so that the Chinese query tests the reading), beside real list names that
 * the learned spellings also reach (Hollin Hair Accessories, from the METI list).
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
static char path[] = "/tmp/xg-zh-sound-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(
        path,
        LIST_TEMP_HEADER
        "EU833-IV-641,EU Regulation 833/2014 Annex IV,Entity,Most Development Limited,"
        "Most Development; Most Development Ltd,HK,,,,,EU-RUS,2024-02-23,,\n"
        "METI-4300,METI End User List,Entity,Hollin Hair Accessories,,CN,,,,,METI,,,\n"
        "METI-0001,METI End User List,Entity,Mosaic Development Limited,,HK,,,,,METI,,,\n",
        &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

TestSuite(match_zh_sound, .init = setup, .fini = teardown);

/* 莫斯特發展有限公司 (traditional, as the list prints it) and its simplified form find Most
 * Development Limited: mosite ~ most by the learned spellings si → s, te → t, which also make
 * "most" one of the query's index keys (its pinyin's letters alone did not reach it). */
Test(match_zh_sound, brand_found_by_learned_spelling)
{
    const char *q[] = {"莫斯特發展有限公司", "莫斯特发展有限公司"};
    for (size_t i = 0; i < 2; i++) {
        xg_screen_result *r = list_temp_screen(snap, q[i], -1);
        cr_assert_geq(r->nmatches, 1, "%s", q[i]);
        cr_assert_str_eq(r->matches[0].record->name, "Most Development Limited", "%s", q[i]);
        cr_assert_geq(r->matches[0].score, XG_SCREEN_DEFAULT_THRESHOLD, "%s", q[i]);
        cr_assert_str_eq(list_temp_pair(&r->matches[0], "mosite", "via"), "learned spelling", "%s",
                         q[i]);
        for (size_t k = 1; k < r->nmatches; k++) /* Mosaic is no spelling of 莫斯特 */
            cr_assert_str_neq(r->matches[k].record->name, "Mosaic Development Limited");
        xg_screen_result_free(r);
    }
}

/* Negatives: 海尔集团公司 (Haier Group) spells "hair" by the learned er → r, but one shared
 * word of a longer name is no match; a Latin query never reads by sound. */
Test(match_zh_sound, shared_spelled_word_stays_below)
{
    xg_screen_result *r = list_temp_screen(snap, "海尔集团公司", -1);
    cr_assert_eq(r->nmatches, 0, "%s", r->nmatches ? r->matches[0].record->name : "");
    xg_screen_result_free(r);
    r = list_temp_screen(snap, "Mosite Development Limited", -1);
    for (size_t k = 0; k < r->nmatches; k++)
        cr_assert_null(list_temp_pair(&r->matches[k], "mosite", "via"));
    xg_screen_result_free(r);
}
