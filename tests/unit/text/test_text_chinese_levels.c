/* test_text_chinese_levels.c — the chain of a Chinese organisation's name (xg_token.level) and
 * abbreviations read as the names they stand for (data/text/zh_abbrev.tsv), issue 13. Runs
 * against the bundled data (XGATE_DATA). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/text.h"

static xg_text_ctx *ctx;
static xg_arena arena;

static void setup(void)
{
    cr_assert_eq(xg_text_ctx_load(&ctx, NULL), 0, "load: %s", xg_error_message());
    xg_arena_init(&arena, 0);
}

static void teardown(void)
{
    xg_arena_free(&arena);
    xg_text_ctx_free(ctx);
}

static xg_name an(const char *s)
{
    xg_name n;
    cr_assert_eq(xg_name_analyse(&n, &arena, ctx, s, strlen(s), 0), 0, "%s: %s", s,
                 xg_error_message());
    return n;
}

/* "text/level" of every token, space separated. */
static const char *levels(const xg_name *n)
{
    static char buf[1024];
    buf[0] = '\0';
    for (size_t i = 0; i < n->ntokens; i++) {
        char one[160];
        snprintf(one, sizeof one, "%s%s/%u", buf[0] ? " " : "", n->tokens[i].text,
                 n->tokens[i].level);
        strncat(buf, one, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

static unsigned top_level(const xg_name *n)
{
    unsigned top = 0;
    for (size_t i = 0; i < n->ntokens; i++)
        if (n->tokens[i].level > top) top = n->tokens[i].level;
    return top;
}

TestSuite(text_zh_levels, .init = setup, .fini = teardown);

/* A prefix (中国人民解放军) is a level before the unit's own name. */
Test(text_zh_levels, prefix_is_a_level)
{
    xg_name n = an("中国人民解放军国防科技大学");
    cr_assert_eq(top_level(&n), 2, "%s", levels(&n));
    cr_assert_eq(n.tokens[0].level, 1, "%s", levels(&n));
    cr_assert_eq(n.tokens[n.ntokens - 1].level, 2, "%s", levels(&n));
    cr_assert_str_eq(n.tokens[n.ntokens - 1].symbol, "UNIVERSITY");
    /* the same in traditional characters */
    xg_name t = an("中國人民解放軍國防科技大學");
    cr_assert_str_eq(levels(&t), levels(&n));
}

/* A parent written first, then its unit: 北京航空航天大学 | 杭州创新研究院; the academy of the
 * AMMS example of issue 13 is three levels deep. */
Test(text_zh_levels, parent_then_unit)
{
    xg_name n = an("北京航空航天大学杭州创新研究院");
    cr_assert_eq(top_level(&n), 2, "%s", levels(&n));
    cr_assert(strstr(levels(&n), "beijing/1"), "%s", levels(&n));
    cr_assert(strstr(levels(&n), "hangzhou/2"), "%s", levels(&n));
    xg_name amms = an("中国人民解放军军事科学院军事医学研究院");
    cr_assert_eq(top_level(&amms), 3, "%s", levels(&amms));
    /* a space between the levels (as the METI list writes it) keeps counting */
    xg_name sp = an("軍事医学研究院 微生物流行病研究所");
    cr_assert_eq(top_level(&sp), 2, "%s", levels(&sp));
}

/* A legal form after a group (集团 | 有限公司) is no level of its own; one-level names and Latin
 * names are not chained. */
Test(text_zh_levels, legal_forms_and_plain_names)
{
    xg_name n = an("联想集团有限公司");
    cr_assert_eq(top_level(&n), 1, "%s", levels(&n));
    xg_name sc = an("四川大学");
    cr_assert_eq(top_level(&sc), 1, "%s", levels(&sc));
    xg_name en = an("National University of Defense Technology");
    cr_assert_eq(top_level(&en), 0, "%s", levels(&en));
    /* a company and its branch */
    xg_name br = an("黎巴嫩卡氏有限公司广州代表处");
    cr_assert_eq(top_level(&br), 2, "%s", levels(&br));
}

/* An abbreviation reads as the full name (北航 = 北京航空航天大学); inside another word it is not
 * one (湖北航天 is 湖北 + 航天: Hubei aerospace). */
Test(text_zh_levels, abbreviations)
{
    xg_name ab = an("北航"), full = an("北京航空航天大学");
    cr_assert_str_eq(ab.latin, full.latin);
    cr_assert_str_eq(ab.han, "北航"); /* the characters as written, for same-script n-grams */
    xg_name hit = an("哈工大"), hit_full = an("哈尔滨工业大学");
    cr_assert_str_eq(hit.latin, hit_full.latin);
    xg_name hubei = an("湖北航天");
    cr_assert(strstr(hubei.latin, "hubei") && strstr(hubei.latin, "aerospace"), "%s", hubei.latin);
    cr_assert_null(strstr(hubei.latin, "university"), "%s", hubei.latin);
    /* inside a longer name: the unit of an abbreviated parent */
    xg_name unit = an("北航杭州创新研究院");
    cr_assert(strstr(unit.latin, "aeronautics") && strstr(unit.latin, "hangzhou"), "%s",
              unit.latin);
    cr_assert_eq(top_level(&unit), 2, "%s", levels(&unit));
}

/* A brand in lone characters keeps its pinyin and gets its characters' meanings run together as
 * its other reading: 东方网力 is "Dongfang Netpower" in the lists (网 net, 力 power). */
Test(text_zh_levels, brand_meanings_as_other_reading)
{
    xg_name n = an("东方网力科技股份有限公司");
    const xg_token *brand = NULL;
    for (size_t i = 0; i < n.ntokens; i++)
        if (!strcmp(n.tokens[i].text, "wangli")) brand = &n.tokens[i];
    cr_assert_not_null(brand, "%s", n.latin);
    cr_assert_str_eq(brand->alt, "netpower");
}

static const xg_token *find_token(const xg_name *n, const char *text)
{
    for (size_t i = 0; i < n->ntokens; i++)
        if (!strcmp(n->tokens[i].text, text)) return &n->tokens[i];
    return NULL;
}

/* A dictionary word of an institution's name keeps its other English senses from CC-CEDICT
 * (xg_token.senses): 卫生 reads "health" and also "hygiene", 基础 "base" and also "basis", in
 * simplified and traditional forms; the sense chosen as text or alt is not repeated. */
Test(text_zh_levels, institution_words_keep_their_other_senses)
{
    const char *q[] = {"军事医学研究院卫生学环境医学研究所", "軍事醫學研究院衛生學環境醫學研究所"};
    for (size_t i = 0; i < 2; i++) {
        xg_name n = an(q[i]);
        const xg_token *t = find_token(&n, "health");
        cr_assert_not_null(t, "%s", levels(&n));
        cr_assert_str_eq(t->senses ? t->senses : "", "hygiene|sanitation", "%s", q[i]);
    }
    xg_name n = an("军事医学研究院基础医学研究所");
    const xg_token *t = find_token(&n, "base");
    cr_assert_not_null(t, "%s", levels(&n));
    cr_assert_str_eq(t->senses ? t->senses : "", "foundation|basis|underlying");
    /* glossary words and legal forms carry none */
    for (size_t i = 0; i < n.ntokens; i++)
        if (strcmp(n.tokens[i].text, "base"))
            cr_assert_null(n.tokens[i].senses, "%s", n.tokens[i].text);
}

/* A company's name reads its dictionary words in pinyin, brands first: no other senses there
 * (they raised false alerts on unlisted companies), nor on Latin names. */
Test(text_zh_levels, no_senses_outside_institutions)
{
    const char *q[] = {"北京卫生用品有限公司", "Institute of Hygiene"};
    for (size_t i = 0; i < 2; i++) {
        xg_name n = an(q[i]);
        for (size_t k = 0; k < n.ntokens; k++)
            cr_assert_null(n.tokens[k].senses, "%s: %s", q[i], n.tokens[k].text);
    }
}

/* "text/place" of every token, space separated. */
static const char *places(const xg_name *n)
{
    static char buf[1024];
    buf[0] = '\0';
    for (size_t i = 0; i < n->ntokens; i++) {
        char one[160];
        snprintf(one, sizeof one, "%s%s/%u", buf[0] ? " " : "", n->tokens[i].text,
                 n->tokens[i].place);
        strncat(buf, one, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

/* Place words (xg_token.place): CC-CEDICT cities and provinces and glossary places, not the
 * country (part of names in English too), not a glossary PLACE word that names an institution. */
Test(text_zh_levels, place_words_are_marked)
{
    xg_name n = an("北京航空航天大学");
    cr_assert_str_eq(places(&n), "beijing/1 aeronautics/0 astronautics/0 university/0");
    n = an("深圳市亿路发科技有限公司");
    cr_assert_eq(n.tokens[0].place, 1, "%s", places(&n));
    cr_assert_str_eq(n.tokens[0].text, "shenzhen");
    n = an("四川大学");
    cr_assert_eq(n.tokens[0].place, 1, "%s", places(&n));
    n = an("香港通亞電子有限公司");
    cr_assert_eq(n.tokens[0].place, 1, "%s", places(&n));
    n = an("中国科学技术大学");
    for (size_t i = 0; i < n.ntokens; i++)
        cr_assert_eq(n.tokens[i].place, 0, "%s", places(&n));
    n = an("北京理工大学");
    for (size_t i = 0; i < n.ntokens; i++)
        cr_assert_eq(n.tokens[i].place, 0, "%s", places(&n));
}

/* A brand CC-CEDICT names in English is read by that name, without pinyin or sound pattern:
 * 美的 is Midea (not "meidi", which met "Mehdi"), 海尔 Haier. */
Test(text_zh_levels, brands_read_by_their_english_name)
{
    xg_name n = an("美的集团股份有限公司");
    cr_assert_str_eq(n.tokens[0].text, "midea");
    cr_assert_null(n.tokens[0].alt);
    cr_assert_null(n.tokens[0].sound);
    n = an("海尔集团");
    cr_assert_str_eq(n.tokens[0].text, "haier");
}

/* Hong Kong / Taiwan variant characters ICU Hant-Hans leaves alone (data/text/zh_variants.tsv)
 * read like the standard forms: 滙 as 匯 (汇), 衞 as 衛 (卫), 峯 as 峰. */
Test(text_zh_levels, hong_kong_taiwan_variants)
{
    const char *pairs[][2] = {
        {"滙高國際實業有限公司", "匯高國際實業有限公司"},
        {"軍事醫學研究院衞生學環境醫學研究所", "軍事醫學研究院衛生學環境醫學研究所"},
        {"峯會科技有限公司", "峰会科技有限公司"}};
    for (size_t i = 0; i < 3; i++) {
        xg_name a = an(pairs[i][0]), b = an(pairs[i][1]);
        cr_assert_str_eq(a.han, b.han, "%s", pairs[i][0]);
        cr_assert_str_eq(a.latin, b.latin, "%s", pairs[i][0]);
    }
}
