/*
 * test_match_zh_numbered_after.c — a numbered unit's short Chinese name against a list name that
 * writes the unit first and its parent after it, as an acronym (issue 13;
 * numbered_unit_parent_after in score.c): 中国电科15所 is the 1260H list's "15th Research Institute
 * of CETC", 中国电子六所 its "The 6th Research Institute of CEC". The records are real (DoD
 * Section 1260H, 2026-06-08).
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
static char path[] = "/tmp/xg-zh-numbered-after-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(path,
                   LIST_TEMP_HEADER
                   "1260H-d2a66f3b1cab,DoD Section 1260H Chinese Military Companies,Entity,"
                   "15th Research Institute of CETC,,CN,,,,,1260H,2026-06-08,,\n"
                   "1260H-ad8dd4e00c46,DoD Section 1260H Chinese Military Companies,Entity,"
                   "14th Research Institute of CETC,,CN,,,,,1260H,2026-06-08,,\n"
                   "1260H-ccb7bfce5d8d,DoD Section 1260H Chinese Military Companies,Entity,"
                   "The 6th Research Institute of CEC,,CN,,,,,1260H,2026-06-08,,\n"
                   "1260H-6d6ad6bd0353,DoD Section 1260H Chinese Military Companies,Entity,"
                   "China Electronics Technology Group Corporation,,CN,,,,,1260H,2026-06-08,,\n",
                   &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

/* The best match of `query` at any score: its name and score. */
static double best(const char *query, const char **name)
{
    return list_temp_best(snap, query, name);
}

TestSuite(match_zh_numbered_after, .init = setup, .fini = teardown);

/* 中国电科 reads as China Electronics Technology Group Company Limited, whose initials spell CETC
 * (group left silent); 15 meets "15th", 所 the institute: the unit is found first (0.406 before the
 * rule), and so is the 14th by its own number. 中国电子 (China Electronics) spells CEC, its final
 * C the corporation the short name leaves out (0.473 before). */
Test(match_zh_numbered_after, acronym_parent_after_the_unit)
{
    const char *name;
    double s = best("中国电科15所", &name);
    cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
    cr_assert_str_eq(name, "15th Research Institute of CETC");
    s = best("中国电科14所", &name);
    cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
    cr_assert_str_eq(name, "14th Research Institute of CETC");
    s = best("中国电子六所", &name);
    cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
    cr_assert_str_eq(name, "The 6th Research Institute of CEC");
}

/* Negatives: another number of the same group (15所 does not meet the 14th, 中国电科54所 meets
 * neither), the same number under another group (航天科工15所: a s i …; 中国电子15所: China
 * Electronics is CEC, not CETC; 中国电科6所: CETC's initials are not CEC's) stay below the
 * threshold against those records. */
Test(match_zh_numbered_after, other_numbers_and_groups_stay_below)
{
    struct {
        const char *q, *name;
    } c[] = {
        {"中国电科15所", "14th Research Institute of CETC"},
        {"中国电科54所", "15th Research Institute of CETC"},
        {"中国电科54所", "14th Research Institute of CETC"},
        {"航天科工15所", "15th Research Institute of CETC"},
        {"中国电子15所", "15th Research Institute of CETC"},
        {"中国电科6所", "The 6th Research Institute of CEC"},
        {"中国电子六所", "15th Research Institute of CETC"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        double s = list_temp_score_named(snap, c[i].q, c[i].name);
        cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "%s: %s %.3f", c[i].q, c[i].name, s);
    }
}
