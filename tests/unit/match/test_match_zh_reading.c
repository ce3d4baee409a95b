/*
 * test_match_zh_reading.c — readings of Chinese institution names (issue 13). 中国 is "China" in
 * some English names and "Chinese" in others, inside a longer glossary rendering too: 中国科学院
 * reads "Chinese Academy of Sciences", and the Entity List writes the Shenyang Institute of
 * Automation as "China Academy of Science—Shenyang Institute of Automation". And a company's
 * Chinese name (a legal form, no institution head word of its own) is not an institute's:
 * 中国国际航空股份有限公司 (Air China, on no list) shares "China" and "aerospace" with the
 * "Aerospace Information Research Institute, Chinese Academy of Sciences" but stays below the
 * threshold, while the institute's own Chinese name still finds it.
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
static char path[] = "/tmp/xg-zh-reading-XXXXXX.xgate.csv";

static void setup(void)
{
    list_temp_load(path,
                   LIST_TEMP_HEADER
                   "CSL-1,Entity List,Entity,China Academy of Science—Shenyang Institute of "
                   "Automation,,CN,,,,,EL,,,\n"
                   "CSL-2,Entity List,Entity,\"Aerospace Information Research Institute, Chinese "
                   "Academy of Sciences\",AIRI,CN,,,,,EL,,,\n"
                   "1260H-1,DoD 1260H,Entity,Shenyang Aircraft Design Institute,,CN,,,,,1260H,,,\n",
                   &text, &snap);
}

static void teardown(void)
{
    list_temp_free(path, text, snap);
}

TestSuite(match_zh_reading, .init = setup, .fini = teardown);

Test(match_zh_reading, chinese_academy_reads_china_too)
{
    const char *q[] = {"中国科学院沈阳自动化研究所", "中國科學院瀋陽自動化研究所"};
    for (size_t i = 0; i < 2; i++) {
        double s = list_temp_score(snap, q[i], "CSL-1");
        cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%s: %.3f", q[i], s);
    }
    /* another institute of the Academy in the same city is not this one */
    double s = list_temp_score(snap, "中国科学院沈阳计算技术研究所", "CSL-1");
    cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
}

Test(match_zh_reading, company_is_not_an_institute)
{
    double s = list_temp_score(snap, "中国国际航空股份有限公司", "CSL-2");
    cr_assert_lt(s, XG_SCREEN_DEFAULT_THRESHOLD, "Air China ~ AIRI %.3f", s);
    s = list_temp_score(snap, "中国科学院空天信息创新研究院", "CSL-2");
    cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "AIRI's own name %.3f", s);
    s = list_temp_score(snap, "沈阳飞机设计研究所", "1260H-1");
    cr_assert_geq(s, XG_SCREEN_DEFAULT_THRESHOLD, "%.3f", s);
}
