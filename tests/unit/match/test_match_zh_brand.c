/*
 * test_match_zh_brand.c — a Chinese company's trade name read by sound meets the English
 * spelling its owners chose when that spelling keeps the syllables' consonants and writes their
 * vowels freely (欧赛 ou sai = "Ausay"), spells k as c (科斯 ke si = "cos" in "Arcos"), or
 * writes a retroflex syllable flat as the south does (仕 shi = "s" in "Dason") — issue 13. The
 * examples are EU 833 Annex IV entries with their Chinese aliases left out, as the benchmark
 * strips them. Negatives: real list names that share every generic word (technology, Hong Kong,
 * company limited) but spell another trade name stay below the threshold.
 */
#include <criterion/criterion.h>
#include <jansson.h>
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
static char path[] = "/tmp/xg-zh-brand-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(
        path,
        LIST_TEMP_HEADER
        "EU833-IV-603,EU Regulation 833/2014 Annex IV,Entity,Guangzhou Ausay Technology Co "
        "Limited,\"Ausay Pcb, HK Ausay Technology Co.,Limited\",CN,,,,,EU-RUS,2024-02-23,,\n"
        "EU833-IV-665,EU Regulation 833/2014 Annex IV,Entity,\"Dason HK Technology Co., Ltd.\","
        "\"Dason (HK) Technology Co., Limited\",HK,,,,,EU-RUS,2024-06-25,,\n"
        "EU833-IV-795,EU Regulation 833/2014 Annex IV,Entity,Arcos Harbin Supply Chain Management "
        "Co. Ltd.,,CN,,,,,EU-RUS,2024-06-25,,\n"
        "EU833-IV-719,EU Regulation 833/2014 Annex IV,Entity,Endezo Technology (Hong Kong) "
        "Limited,,HK,,,,,EU-RUS,2024-06-25,,\n"
        "METI-5774,METI End User List,Entity,\"Jinpai Technology (Hong Kong) Co., Ltd.\",,HK,,,,,"
        "METI,,,\n"
        "METI-4859,METI End User List,Entity,Liang Technology,,CN,,,,,METI,,,\n"
        "SDN-19569,OFAC SDN,Entity,CHONGBONG SHIPPING CO LTD,,KP,,,,,DPRK,,,\n",
        &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

TestSuite(match_zh_brand, .init = setup, .fini = teardown);

/* Simplified and traditional forms of three official names find their English entries, and
 * the explanation says the trade name met by a learned spelling. */
Test(match_zh_brand, trade_name_spelled_freely)
{
    const struct {
        const char *query, *brand, *name;
    } c[] = {
        {"广州欧赛科技有限公司", "ousai", "Guangzhou Ausay Technology Co Limited"},
        {"廣州歐賽科技有限公司", "ousai", "Guangzhou Ausay Technology Co Limited"},
        {"达仕恩(香港)科技有限公司", "dashien", "Dason HK Technology Co., Ltd."},
        {"達仕恩(香港)科技有限公司", "dashien", "Dason HK Technology Co., Ltd."},
        {"阿尔科斯（哈尔滨）供应链管理有限公司", "aerkesi",
         "Arcos Harbin Supply Chain Management Co. Ltd."},
        {"阿爾科斯（哈爾濱）供應鏈管理有限公司", "aerkesi",
         "Arcos Harbin Supply Chain Management Co. Ltd."},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        xg_screen_result *r = list_temp_screen(snap, c[i].query, -1);
        cr_assert_geq(r->nmatches, 1, "%s", c[i].query);
        cr_assert_str_eq(r->matches[0].record->name, c[i].name, "%s", c[i].query);
        cr_assert_geq(r->matches[0].score, XG_SCREEN_DEFAULT_THRESHOLD, "%s", c[i].query);
        cr_assert_str_eq(list_temp_pair(&r->matches[0], c[i].brand, "via"), "learned spelling",
                         "%s", c[i].query);
        xg_screen_result_free(r);
    }
}

/* Real names that share the generic words: 香港德容电子科技有限公司 (listed as "Hong Kong Park On
 * Electronics Technology", not here) and 易准科技（香港）有限公司 ("Sure Technology (Hong Kong)")
 * meet none of the Hong Kong technology companies above, nor does 达仕恩 meet Jinpai or Endezo. */
Test(match_zh_brand, other_trade_names_stay_below)
{
    const char *q[] = {"香港德容电子科技有限公司", "易准科技（香港）有限公司",
                       "达仕恩(香港)科技有限公司"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        xg_screen_result *r = list_temp_screen(snap, q[i], -1);
        for (size_t k = 0; k < r->nmatches; k++)
            if (strncmp(r->matches[k].record->name, "Dason", 5) || i < 2)
                cr_assert_lt(r->matches[k].score, XG_SCREEN_DEFAULT_THRESHOLD, "%s ~ %s (%.3f)",
                             q[i], r->matches[k].record->name, r->matches[k].score);
        xg_screen_result_free(r);
    }
}

/* The pattern: consonants kept in order, a vowel for a vowel (y after the first letter), c for
 * k; not a consonant for another, nor letters left over. */
Test(match_zh_brand, vowels_free_consonants_kept)
{
    cr_assert_eq(xg_sound_sim("ou|o sai", "ausay"), XG_SOUND_SIM);
    cr_assert_eq(xg_sound_sim("a er|r ke|ko si|s", "arcos"), XG_SOUND_SIM);
    cr_assert_eq(xg_sound_sim("ou|o sai", "ausak"), 0.0);
    cr_assert_eq(xg_sound_sim("ou|o sai", "oubsai"), 0.0);
    cr_assert_eq(xg_sound_sim("ou|o sai", "yusai"), 0.0); /* y first is a consonant */
    cr_assert_eq(xg_sound_sim("a er|r ke|ko si|s", "argos"), 0.0);
}

/* A brand read by sound is not a near spelling with other consonants: 聯發科技 (MediaTek,
 * lianfa) is not "Liang Technology", and 長榮海運 (Evergreen Marine, which CC-CEDICT names
 * "Evergreen (Group)") is not "CHONGBONG SHIPPING CO LTD" — neither is on a list. */
Test(match_zh_brand, other_consonants_stay_below)
{
    const char *q[] = {"聯發科技股份有限公司", "联发科技股份有限公司", "長榮海運股份有限公司",
                       "长荣海运股份有限公司"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        xg_screen_result *r = list_temp_screen(snap, q[i], -1);
        for (size_t k = 0; k < r->nmatches; k++)
            cr_assert_lt(r->matches[k].score, XG_SCREEN_DEFAULT_THRESHOLD, "%s ~ %s (%.3f)", q[i],
                         r->matches[k].record->name, r->matches[k].score);
        xg_screen_result_free(r);
    }
}
