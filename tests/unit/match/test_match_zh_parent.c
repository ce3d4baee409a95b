/*
 * test_match_zh_parent.c — a list name written "unit, parent" against the Chinese name of the
 * unit alone (issue 13): the parent's words after the list name's last comma cost as an unmet
 * level of a chained name, the unit's abbreviation in parentheses nothing, and the explanation
 * says "listed_with_parent" (listed_parent_unmet in score.c). The records are the real Entity
 * List entries for PRC research institutions (csl_entity_list_prc_research.csv, shared lists).
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

TestSuite(match_zh_parent, .init = setup, .fini = teardown);

static xg_screen_result *screen(const char *name)
{
    xg_screen_query q = {.name = name, .threshold = -1};
    xg_screen_result *r;
    cr_assert_eq(xg_screen(&r, snap, &q), 0, "%s", xg_error_message());
    return r;
}

/* 国家超级计算广州中心 (simplified and traditional) is the listed "National Supercomputing Center
 * Guangzhou (NSCC-GZ), Sun Yat-Sen University": it scored 0.70 on this list (0.60 on all
 * lists), the university and the unit's abbreviation counting as missing words. */
Test(match_zh_parent, unit_named_without_its_listed_parent)
{
    const char *q[] = {"国家超级计算广州中心", "國家超級計算廣州中心"};
    for (size_t i = 0; i < 2; i++) {
        xg_screen_result *r = screen(q[i]);
        cr_assert_geq(r->nmatches, 1, "%s", q[i]);
        cr_assert_str_eq(r->matches[0].record->name,
                         "National Supercomputing Center Guangzhou (NSCC-GZ), Sun Yat-Sen "
                         "University",
                         "%s", q[i]);
        cr_assert_geq(r->matches[0].score, XG_SCREEN_DEFAULT_THRESHOLD, "%s", q[i]);
        cr_assert_str_eq(list_temp_relation(&r->matches[0]), "listed_with_parent", "%s", q[i]);
        xg_screen_result_free(r);
    }
}

/* Negatives sharing words with the listed unit or its parent: another supercomputing center (its
 * city unmet), the center without a city, the parent university alone, an institute named
 * without its academy whose listed name is not the unit's (电子学研究所 against "Aerospace
 * Information Research Institute, Chinese Academy of Sciences") — none alerts. */
Test(match_zh_parent, siblings_and_the_parent_stay_below)
{
    const char *q[] = {"国家超级计算长沙中心", "国家超级计算中心", "中山大学", "电子学研究所"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        xg_screen_result *r = screen(q[i]);
        for (size_t k = 0; k < r->nmatches; k++)
            cr_assert_lt(r->matches[k].score, XG_SCREEN_DEFAULT_THRESHOLD, "%s ~ %s (%.3f)", q[i],
                         r->matches[k].record->name, r->matches[k].score);
        xg_screen_result_free(r);
    }
}

/* A list name that writes its parent first and the unit last ("Academy of Military Medical
 * Sciences, Institute of Medical Equipment") is no "unit, parent": the academy's own name does not
 * take the relation, nor does a Latin query. */
Test(match_zh_parent, parent_first_names_and_latin_queries_unchanged)
{
    xg_screen_result *r = screen("军事医学研究院");
    for (size_t k = 0; k < r->nmatches; k++) {
        const char *rel = list_temp_relation(&r->matches[k]);
        cr_assert(!rel || strcmp(rel, "listed_with_parent"), "%s", r->matches[k].record->name);
    }
    xg_screen_result_free(r);
    r = screen("National Supercomputing Center Guangzhou");
    for (size_t k = 0; k < r->nmatches; k++) {
        const char *rel = list_temp_relation(&r->matches[k]);
        cr_assert(!rel || strcmp(rel, "listed_with_parent"), "%s", r->matches[k].record->name);
    }
    xg_screen_result_free(r);
}
