/*
 * test_match_zh_trade.c — the official Chinese name of a company (place + trade name + sector +
 * legal form) meets its English name when the trade name meets it, even though the English name
 * drops the city and names another sector (issue 13): 深圳市亿路发科技有限公司 is the EU 833
 * Annex IV entry "Yilufa Electronics Ltd." (its Chinese alias left out, as the benchmark strips
 * it). The place, sector and legal words stay weak only then: a name whose trade name meets a
 * person's or a vessel's name, or one with another distinctive word left on either side, stays
 * below the threshold. A short name (the trade name alone) finds the company whose English name
 * adds its city (a Chinese place CC-CEDICT knows) — unless it is a common word.
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
static char path[] = "/tmp/xg-zh-trade-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(
        path,
        LIST_TEMP_HEADER
        "EU833-IV-605,EU Regulation 833/2014 Annex IV,Entity,Yilufa Electronics Ltd.,"
        "Yilufa Electronics Limited,HK,,,,,EU-RUS,2023-06-23,,\n"
        "SDN-1,OFAC SDN,Vessel,MIDSEA,,,,,,,SDGT,,,\n"
        "SDN-2,OFAC SDN,Individual,Lian Yang,,CN,,,,,SDGT,,,\n"
        "METI-1,METI End User List,Entity,Yilufa Baiwang Electronics Co. Ltd.,,CN,,,,,METI,,,\n"
        "METI-2,METI End User List,Entity,\"Shanghai Haisi Technology Co., Ltd.\",,CN,,,,,METI,,,\n"
        "METI-3,METI End User List,Entity,\"Beijing Guang Ming Electronics Co., Ltd.\",,CN,,,,,"
        "METI,,,\n",
        &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

TestSuite(match_zh_trade, .init = setup, .fini = teardown);

/* City, sector and legal form around the trade name: found, in simplified and traditional
 * characters; the name with another distinctive word (Baiwang) is not. */
Test(match_zh_trade, official_name_meets_trade_name)
{
    const char *names[] = {"深圳市亿路发科技有限公司", "深圳市億路發科技有限公司"};
    for (size_t i = 0; i < 2; i++) {
        double s = list_temp_score(snap, names[i], "EU833-IV-605");
        cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%s: %.3f", names[i], s);
        double other = list_temp_score(snap, names[i], "METI-1");
        cr_assert_lt(other, XG_SCREEN_DEFAULT_THRESHOLD, "%s vs Baiwang: %.3f", names[i], other);
    }
}

/* A trade name that meets a person's name or a vessel's (no legal form, no organisation word)
 * does not make the place and legal words weak: 联想集团 (Lenovo) is not "Lian Yang", 美的集团
 * (Midea) not the vessel MIDSEA. */
Test(match_zh_trade, not_a_company_stays_below)
{
    double s = list_temp_score(snap, "联想集团有限公司", "SDN-2");
    cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "Lian Yang: %.3f", s);
    s = list_temp_score(snap, "美的集团股份有限公司", "SDN-1");
    cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "MIDSEA: %.3f", s);
}

/* Another trade name in the same city and sector stays below the threshold. */
Test(match_zh_trade, another_trade_name_stays_below)
{
    double s = list_temp_score(snap, "深圳市亿达科技有限公司", "EU833-IV-605");
    cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
}

/* 海思 alone finds "Shanghai Haisi Technology Co., Ltd.": the list name's city is a place. */
Test(match_zh_trade, short_name_meets_company_with_its_city)
{
    double s = list_temp_score(snap, "海思", "METI-2");
    cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
    /* … but a common word (光明 "bright") is no distinctive trade name */
    s = list_temp_score(snap, "光明", "METI-3");
    cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "光明: %.3f", s);
}

/* Which Latin words are Chinese places: CC-CEDICT cities and provinces in pinyin, not other
 * words. */
Test(match_zh_trade, latin_places)
{
    cr_assert(xg_text_latin_place(text, "shenzhen"));
    cr_assert(xg_text_latin_place(text, "shanghai"));
    cr_assert(xg_text_latin_place(text, "sichuan"));
    cr_assert_not(xg_text_latin_place(text, "haisi"));
    cr_assert_not(xg_text_latin_place(text, "technology"));
    cr_assert_not(xg_text_latin_place(text, ""));
    cr_assert_not(xg_text_latin_place(NULL, "shenzhen"));
}
