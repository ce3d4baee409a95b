/*
 * test_match_chinese.c — Chinese names of organisations listed in English (issue 13) against the
 * real Entity List entries for PRC research institutions: prefixes that used to drag a score
 * (中国人民解放军), a listed parent named inside a longer name with the relation explained,
 * abbreviations, traditional forms, and negatives that share words with listed names (another
 * university of the same city, a sibling institute) staying below the threshold; a word's other
 * English senses (卫生 health, also hygiene) meeting the listed translation.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../list_temp.h"
#include "xgate/error.h"
#include "xgate/screen.h"

static xg_text_ctx *text;
static xg_snapshot *snap;

static void setup(void)
{
    list_shared_load("csl_entity_list_prc_research.csv", &text, &snap);
}

static void teardown(void)
{
    xg_snapshot_unref(snap);
    xg_text_ctx_free(text);
}

static xg_screen_result *screen(const char *name)
{
    xg_screen_query q = {.name = name, .threshold = -1};
    xg_screen_result *r;
    cr_assert_eq(xg_screen(&r, snap, &q), 0, "%s", xg_error_message());
    return r;
}

/* The first match's primary name, or "" when nothing alerts. */
static const char *first(const xg_screen_result *r)
{
    return r->nmatches ? r->matches[0].record->name : "";
}

TestSuite(match_zh, .init = setup, .fini = teardown);

/* 中国人民解放军国防科技大学 scored 0.50 against NUDT while 国防科技大学 alone was found. */
Test(match_zh, pla_prefix_no_longer_drags)
{
    const char *q[] = {"中国人民解放军国防科技大学", "中國人民解放軍國防科技大學",
                       "中国人民解放军空军工程大学"};
    const char *want[] = {"National University of Defense Technology (NUDT)",
                          "National University of Defense Technology (NUDT)",
                          "Air Force Engineering University"};
    for (size_t i = 0; i < 3; i++) {
        xg_screen_result *r = screen(q[i]);
        cr_assert_str_eq(first(r), want[i], "%s", q[i]);
        cr_assert_geq(r->matches[0].score, XG_SCREEN_DEFAULT_THRESHOLD);
        /* AFEU's listing has the prefixed name as an alias: met whole, nothing nested */
        if (i < 2) cr_assert_str_eq(list_temp_relation(&r->matches[0]), "listed_unit", "%s", q[i]);
        xg_screen_result_free(r);
    }
}

/* A unit of a listed university is found as the university, and the explanation says the list
 * names the query's parent; the academy of the AMMS example is found through two prefixes. */
Test(match_zh, listed_parent_inside_a_longer_name)
{
    xg_screen_result *r = screen("北京航空航天大学杭州创新研究院");
    cr_assert(strstr(first(r), "Beijing University of Aeronautics and Astronautics"), "%s",
              first(r));
    cr_assert_str_eq(list_temp_relation(&r->matches[0]), "listed_parent");
    json_t *x = xg_screen_match_explanation(&r->matches[0]);
    char *e = json_dumps(x, 0);
    json_decref(x);
    cr_assert(strstr(e, "hangzhou") && strstr(e, "unmatched_levels"), "%s", e);
    free(e);
    xg_screen_result_free(r);
    r = screen("中国人民解放军军事科学院军事医学研究院");
    cr_assert_str_eq(first(r), "Academy of Military Medical Sciences");
    xg_screen_result_free(r);
}

/* Netpower is 网力 by meaning; the pinyin reading alone (wangli) would miss it. */
Test(match_zh, brand_by_meaning)
{
    const char *sh = getenv("XGATE_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/data/lists/csl_meti_names_2022-12.txt",
             sh ? sh : "/work/shared");
    const char *p[] = {path};
    xg_snapshot *s;
    cr_assert_eq(xg_snapshot_load(&s, p, 1, 0, text), 0, "%s", xg_error_message());
    xg_screen_query q = {.name = "东方网力科技股份有限公司", .threshold = -1};
    xg_screen_result *r;
    cr_assert_eq(xg_screen(&r, s, &q), 0, "%s", xg_error_message());
    int found = 0;
    for (size_t i = 0; i < r->nmatches && i < 3; i++)
        found = found || strstr(r->matches[i].record->name, "Netpower") != NULL;
    cr_assert(found, "Dongfang Netpower not among the first three");
    xg_screen_result_free(r);
    xg_snapshot_unref(s);
}

Test(match_zh, abbreviations)
{
    const char *q[] = {"北航", "哈工大", "国防科大", "西工大", "北邮"};
    const char *want[] = {"Beijing University of Aeronautics and Astronautics (BUAA)",
                          "Harbin Institute of Technology",
                          "National University of Defense Technology (NUDT)",
                          "Northwestern Polytechnical University",
                          "Beijing University of Posts and Telecommunications (BUPT)"};
    for (size_t i = 0; i < 5; i++) {
        xg_screen_result *r = screen(q[i]);
        cr_assert_str_eq(first(r), want[i], "%s", q[i]);
        xg_screen_result_free(r);
    }
}

/* Negatives sharing words with listed names: another university of the same city (Tianjin
 * University and Nanjing University of Science and Technology are listed), a sibling institute
 * of a listed one, another CAS institute. */
Test(match_zh, same_city_universities_and_siblings_stay_quiet)
{
    const char *q[] = {"天津理工大学", "天津科技大学",   "南京工业大学",          "西北大学",
                       "南京大学",     "哈尔滨理工大学", "中国科学院半导体研究所"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        xg_screen_result *r = screen(q[i]);
        cr_assert_eq(r->nmatches, 0, "%s alerts as %s (%.3f)", q[i], first(r),
                     r->nmatches ? r->matches[0].score : 0);
        xg_screen_result_free(r);
    }
    /* the sibling institute is not reported, whatever the parent does */
    xg_screen_result *r = screen("军事医学研究院基础医学研究所");
    for (size_t i = 0; i < r->nmatches; i++)
        cr_assert_null(strstr(r->matches[i].record->name, "Bioengineering"), "%s",
                       r->matches[i].record->name);
    xg_screen_result_free(r);
}

/* The listed institutes of the AMMS translate a word by another of its senses than the first
 * CC-CEDICT gives (卫生 "health" → Hygiene, 基础 "base" → Basic): the unit itself is found first,
 * above its listed parent, and the explanation says the pair met through a gloss. */
Test(match_zh, other_senses_of_a_word)
{
    const char *q[] = {"军事医学研究院卫生学环境医学研究所", "軍事醫學研究院衛生學環境醫學研究所",
                       "军事医学研究院基础医学研究所"};
    const char *want[] = {
        "Academy of Military Medical Sciences, Institute of Hygiene and Environmental Medicine",
        "Academy of Military Medical Sciences, Institute of Hygiene and Environmental Medicine",
        "Academy of Military Medical Sciences, Institute of Basic Medicine"};
    const char *pair[] = {"hygiene", "hygiene", "basic"};
    for (size_t i = 0; i < 3; i++) {
        xg_screen_result *r = screen(q[i]);
        cr_assert_str_eq(first(r), want[i], "%s", q[i]);
        cr_assert_geq(r->matches[0].score, XG_SCREEN_DEFAULT_THRESHOLD, "%s", q[i]);
        json_t *x = xg_screen_match_explanation(&r->matches[0]);
        json_t *pairs = json_object_get(x, "pairs");
        int via = 0;
        for (size_t k = 0; k < json_array_size(pairs); k++) {
            json_t *p = json_array_get(pairs, k);
            const char *v = json_string_value(json_object_get(p, "via"));
            const char *l = json_string_value(json_object_get(p, "list"));
            via = via || (v && l && !strcmp(v, "gloss") && !strcmp(l, pair[i]));
        }
        char *e = json_dumps(x, 0);
        cr_assert(via, "%s: no pair via gloss with %s in %s", q[i], pair[i], e);
        free(e);
        json_decref(x);
        xg_screen_result_free(r);
    }
}

/* Negatives sharing those words: the unlisted Institute of Basic Medical Sciences of the Chinese
 * Academy of Medical Sciences (医学科学院, not the AMMS) and the China CDC's institute of
 * environmental health stay below the threshold. */
Test(match_zh, other_senses_do_not_make_other_institutes_alert)
{
    const char *q[] = {"中国医学科学院基础医学研究所",
                       "中国疾病预防控制中心环境与健康相关产品安全所", "北京大学基础医学院"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        xg_screen_result *r = screen(q[i]);
        cr_assert_eq(r->nmatches, 0, "%s alerts as %s (%.3f)", q[i], first(r),
                     r->nmatches ? r->matches[0].score : 0);
        xg_screen_result_free(r);
    }
}

/* A query naming another kind of institution than the listed one (an academy, not the listed
 * university) stays below the threshold, and the explanation names the unmatched head. */
Test(match_zh, another_institution_head_stays_quiet)
{
    xg_screen_result *r = screen("北京航空航天研究院");
    cr_assert_eq(r->nmatches, 0, "alerts as %s (%.3f)", first(r),
                 r->nmatches ? r->matches[0].score : 0);
    xg_screen_result_free(r);
    xg_screen_query q = {.name = "北京航空航天研究院", .threshold = 0.3};
    cr_assert_eq(xg_screen(&r, snap, &q), 0, "%s", xg_error_message());
    int head = 0;
    for (size_t i = 0; i < r->nmatches && !head; i++) {
        if (!strstr(r->matches[i].record->name, "Beijing University of Aeronautics")) continue;
        json_t *x = xg_screen_match_explanation(&r->matches[i]);
        json_t *pen = json_object_get(x, "penalties");
        for (size_t k = 0; k < json_array_size(pen); k++)
            head =
                head || !strcmp(json_string_value(json_object_get(json_array_get(pen, k), "kind")),
                                "institution_head");
        json_decref(x);
    }
    cr_assert(head, "no institution_head penalty against BUAA");
    xg_screen_result_free(r);
    /* the listed university itself still alerts */
    r = screen("北京航空航天大学");
    cr_assert_str_eq(first(r), "Beijing University of Aeronautics and Astronautics (BUAA)");
    xg_screen_result_free(r);
}

/* Traditional characters in their Hong Kong / Taiwan variant forms (衞 for 衛, ICU leaves it) find
 * the listed institute as the standard forms do. */
Test(match_zh, hong_kong_taiwan_variant_forms)
{
    xg_screen_result *r = screen("軍事醫學研究院衞生學環境醫學研究所");
    cr_assert_str_eq(
        first(r),
        "Academy of Military Medical Sciences, Institute of Hygiene and Environmental Medicine");
    cr_assert_geq(r->matches[0].score, XG_SCREEN_DEFAULT_THRESHOLD);
    xg_screen_result_free(r);
}
