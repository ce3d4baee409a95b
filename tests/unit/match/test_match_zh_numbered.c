/*
 * test_match_zh_numbered.c — a numbered unit's short Chinese name against a list name that spells
 * the unit's parent in full before the unit's number (issue 13; numbered_unit_parent in score.c):
 * 航天771所 is the Entity List's "China Aerospace Science and Technology Corporation (CASC) 9th
 * Academy 771 Research Institute"; and 院 alone after a number is a group's numbered academy
 * (zh_org_glossary.tsv: 航天科工二院 is CASIC's "Second Academy"). The records are real (Entity
 * List, 1260H).
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
static char path[] = "/tmp/xg-zh-numbered-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(path,
                   LIST_TEMP_HEADER
                   "EL-771,Entity List,Entity,China Aerospace Science and Technology Corporation "
                   "(CASC) 9th Academy 771 Research Institute,,CN,,,,,EL,,,\n"
                   "EL-772,Entity List,Entity,China Aerospace Science and Technology Corporation "
                   "(CASC) 9th Academy 772 Research Institute,,CN,,,,,EL,,,\n"
                   "1260H-13,DoD Section 1260H Chinese Military Companies,Entity,China Electronics "
                   "Technology Group Corporation 13th Research Institute,,CN,,,,,1260H,,,\n"
                   "1260H-bdf852c86aa6,DoD Section 1260H Chinese Military Companies,Entity,"
                   "China Aerospace Science and Industry Corporation Limited,CASIC,CN,,,,,1260H,"
                   "2021-06-03,,\n"
                   "EL-CASIC2,Entity List,Entity,China Aerospace Science and Industry Corporation "
                   "Second Academy,,CN,,,,,EL,,,\n",
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

TestSuite(match_zh_numbered, .init = setup, .fini = teardown);

/* 航天 ("aerospace") meets a word of the parent the list spells in full, 771 the unit's number,
 * 所 its institute: the parent's other words (China, Science and Technology Corporation, CASC,
 * 9th Academy) cost as an unmet level, and the unit is found above the threshold (0.680 before
 * the rule), each by its own number. */
Test(match_zh_numbered, group_word_and_number_meet_the_unit)
{
    const char *name;
    double s = best("航天771所", &name);
    cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
    cr_assert_str_eq(name, "China Aerospace Science and Technology Corporation (CASC) 9th Academy "
                           "771 Research Institute");
    s = best("航天772所", &name);
    cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
    cr_assert_str_eq(name, "China Aerospace Science and Technology Corporation (CASC) 9th Academy "
                           "772 Research Institute");
}

/* Negatives sharing words with the listed units: another number of the same group (航天773所, no
 * such record), and the same number under a group whose word the parent lacks (兵器771所
 * ordnance, 船舶771所 shipbuilding) stay below the threshold. */
Test(match_zh_numbered, other_numbers_and_groups_stay_below)
{
    const char *q[] = {"航天773所", "兵器771所", "船舶771所"};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        const char *name;
        double s = best(q[i], &name);
        cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "%s: %s %.3f", q[i], name, s);
    }
}

/* Whether `query` reports the record named `name` at or above the threshold. */
static int reports(const char *query, const char *name)
{
    xg_screen_result *r = list_temp_screen(snap, query, -1);
    int found = 0;
    for (size_t i = 0; i < r->nmatches; i++)
        found |= !strcmp(r->matches[i].record->name, name);
    xg_screen_result_free(r);
    return found;
}

/* 院 after a number is the academy the group numbers (第二研究院): 航天科工二院 is CASIC's Second
 * Academy, found first, above the group itself (0.761 below the group's 0.795 when 院 was read
 * as the syllable "yuan"); 航天科工三院, another academy, does not report the Second Academy. */
Test(match_zh_numbered, numbered_academy)
{
    const char *name;
    double s = best("航天科工二院", &name);
    cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
    cr_assert_str_eq(name, "China Aerospace Science and Industry Corporation Second Academy");
    cr_assert(!reports("航天科工三院",
                       "China Aerospace Science and Industry Corporation Second Academy"));
}
