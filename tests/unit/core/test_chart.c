#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>

#include "core/chart.h"
#include "xgate/error.h"

/* Parse one chart (a <figure> with its <svg>) as XML: it must be well-formed on its own. */
static xmlDocPtr parse(const xg_buf *b)
{
    xmlDocPtr doc = xmlReadMemory(b->data, (int)b->len, "chart.xml", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(doc, "not well-formed XML: %s", b->data);
    return doc;
}

/* The nodes matching an XPath expression. */
static xmlXPathObjectPtr nodes(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    xmlXPathFreeContext(ctx);
    cr_assert_not_null(o, "bad xpath %s", expr);
    return o;
}

static int count(xmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr o = nodes(doc, expr);
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The string value of an XPath expression, copied into a static buffer. */
static const char *str(xmlDocPtr doc, const char *expr)
{
    static char out[512];
    char full[600];
    snprintf(full, sizeof full, "string(%s)", expr);
    xmlXPathObjectPtr o = nodes(doc, full);
    snprintf(out, sizeof out, "%s", o->stringval ? (const char *)o->stringval : "");
    xmlXPathFreeObject(o);
    return out;
}

Test(chart, hbar_is_well_formed_with_a_coloured_bar_label_and_number_per_row)
{
    xg_chart_item it[] = {{"Azure", 5}, {"AWS", 5}, {"Google <Cloud> & \"Co\"", 2}, {"Zero", 0}};
    xg_chart_sort_desc(it, 4);
    cr_assert_str_eq(it[0].label, "AWS"); /* ties by label */
    cr_assert_str_eq(it[1].label, "Azure");
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_hbar(&b, "Findings by provider", it, 4, 0), 0);
    xmlDocPtr doc = parse(&b);
    cr_assert_str_eq(str(doc, "/figure/figcaption"), "Findings by provider");
    cr_assert_eq(count(doc, "//g[@class='row']"), 4);
    cr_assert_eq(count(doc, "//rect[@class='bar']"), 4);
    /* every bar has an explicit fill that is not black */
    cr_assert_eq(count(doc, "//rect[@class='bar'][not(@fill) or @fill='#000000' or @fill='black']"),
                 0);
    /* labels, data and numbers of every row; escaping survives the round trip */
    cr_assert_str_eq(str(doc, "//g[@class='row'][1]/@data-label"), "AWS");
    cr_assert_str_eq(str(doc, "//g[@class='row'][2]/text[1]"), "Azure");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/@data-label"), "Google <Cloud> & \"Co\"");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/text[@class='num']"), "2");
    cr_assert_str_eq(str(doc, "//g[@class='row'][4]/@data-value"), "0");
    /* equal values draw equal bars; the largest is the full length; zero draws nothing */
    cr_assert_str_eq(str(doc, "//g[@class='row'][1]/rect/@width"), "300");
    cr_assert_str_eq(str(doc, "//g[@class='row'][2]/rect/@width"), "300");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/rect/@width"), "120");
    cr_assert_str_eq(str(doc, "//g[@class='row'][4]/rect/@width"), "0");
    xmlFreeDoc(doc);
    xg_buf_free(&b);
}

Test(chart, hbar_sums_rows_past_the_limit_into_other)
{
    xg_chart_item it[15];
    char labels[15][16];
    for (int i = 0; i < 15; i++) {
        snprintf(labels[i], sizeof labels[i], "b%02d", i);
        it[i].label = labels[i];
        it[i].value = 15 - i;
    }
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_hbar(&b, "Buyers", it, 15, 12), 0);
    xmlDocPtr doc = parse(&b);
    cr_assert_eq(count(doc, "//rect[@class='bar']"), 12);
    cr_assert_str_eq(str(doc, "/figure/@data-rows"), "12");
    /* rows 12..15 hold 4+3+2+1 = 10 */
    cr_assert_str_eq(str(doc, "//g[@class='row'][12]/@data-label"), "other (4)");
    cr_assert_str_eq(str(doc, "//g[@class='row'][12]/@data-value"), "10");
    xmlXPathObjectPtr o = nodes(doc, "sum(//g[@class='row']/@data-value)");
    cr_assert_float_eq(o->floatval, 120.0, 1e-9);
    xmlXPathFreeObject(o);
    xmlFreeDoc(doc);
    xg_buf_free(&b);
}

Test(chart, long_labels_are_shortened_and_kept_whole_in_the_title)
{
    const char *cn = "四川省成都市高新技术产业开发区某某某人工智能计算中心有限公司";
    xg_chart_item it[] = {{cn, 3}};
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_hbar(&b, "Buyers", it, 1, 0), 0);
    xmlDocPtr doc = parse(&b);
    const char *drawn = str(doc, "//g[@class='row']/text[1]");
    cr_assert(strlen(drawn) < strlen(cn), "shortened: %s", drawn);
    cr_assert(strstr(drawn, "…") != NULL);
    cr_assert_eq(strncmp(drawn, cn, strlen(drawn) - strlen("…")), 0,
                 "a prefix at a character boundary");
    cr_assert(strstr(str(doc, "//g[@class='row']/title"), cn) != NULL);
    cr_assert_str_eq(str(doc, "//g[@class='row']/@data-label"), cn);
    xmlFreeDoc(doc);
    xg_buf_free(&b);
}

Test(chart, stacked_segments_add_up_and_have_a_legend)
{
    const char *rows[] = {"2025-01", "2025-02"};
    const char *series[] = {"screen", "decide", "classify"};
    double v[] = {3, 1, 0, 0, 2, 2};
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_stacked(&b, "Requests", rows, 2, series, 3, v), 0);
    xmlDocPtr doc = parse(&b);
    cr_assert_eq(count(doc, "//g[@class='legend']"), 3);
    cr_assert_eq(count(doc, "//rect[@class='seg']"), 4); /* the zero segments are not drawn */
    cr_assert_str_eq(str(doc, "//g[@class='row'][1]/@data-value"), "4");
    cr_assert_str_eq(str(doc, "//g[@class='row'][2]/text[@class='num']"), "4");
    cr_assert_str_eq(str(doc, "//g[@class='row'][2]/rect[1]/@data-series"), "decide");
    /* both rows total 4: their segments end at the same x */
    xmlXPathObjectPtr o = nodes(doc, "sum(//g[@class='row'][1]/rect/@width)");
    xmlXPathObjectPtr p = nodes(doc, "sum(//g[@class='row'][2]/rect/@width)");
    cr_assert_float_eq(o->floatval, 300.0, 1e-9);
    cr_assert_float_eq(p->floatval, 300.0, 1e-9);
    xmlXPathFreeObject(o);
    xmlXPathFreeObject(p);
    cr_assert_eq(count(doc, "//rect[not(@fill)]"), 0);
    xmlFreeDoc(doc);
    xg_buf_free(&b);
}

Test(chart, timeseries_draws_every_period_in_order)
{
    xg_chart_item it[] = {{"2025-01", 2}, {"2025-02", 0}, {"2025-03", 4}};
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_timeseries(&b, "By month", it, 3), 0);
    xmlDocPtr doc = parse(&b);
    cr_assert_eq(count(doc, "//rect[@class='bar']"), 3);
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/@data-label"), "2025-03");
    cr_assert_str_eq(str(doc, "//g[@class='row'][1]/rect/@height"), "60");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/rect/@height"), "120");
    cr_assert_str_eq(str(doc, "//g[@class='row'][2]/rect/@height"), "0");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/text[@class='num']"), "4");
    cr_assert_str_eq(str(doc, "//g[@class='row'][2]/text[2]"), "2025-02");
    xmlFreeDoc(doc);
    xg_buf_free(&b);
}

Test(chart, empty_charts_say_none_and_bad_arguments_are_refused)
{
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_hbar(&b, "Nothing", NULL, 0, 12), 0);
    xmlDocPtr doc = parse(&b);
    cr_assert_str_eq(str(doc, "/figure/p[@class='none']"), "none");
    cr_assert_eq(count(doc, "//svg"), 0);
    xmlFreeDoc(doc);
    cr_assert_eq(xg_chart_hbar(&b, "x", NULL, 2, 0), XG_EINVAL);
    cr_assert_eq(xg_chart_timeseries(NULL, "x", NULL, 0), XG_EINVAL);
    cr_assert_eq(xg_chart_stacked(&b, "x", NULL, 1, NULL, 0, NULL), XG_EINVAL);
    cr_assert_str_neq(xg_chart_colour(0), xg_chart_colour(1));
    xg_buf_free(&b);
}

Test(chart, stacked_timeseries_stacks_every_period_with_its_colours)
{
    const char *periods[] = {"2026-01-01", "2026-01-08", "2026-01-15"};
    const char *series[] = {"3A090.a", "3A090.b", "none"};
    const char *colours[] = {"#c0392b", "#e67e22", "#7f8c8d"};
    double v[] = {30, 10, 0, 0, 0, 0, 0.5, 0, 19.5};
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_stacked_timeseries(&b, "cus_a <&>", periods, 3, series, 3, v, colours),
                 0);
    xmlDocPtr doc = parse(&b);
    cr_assert_str_eq(str(doc, "/figure/@data-chart"), "stacked-timeseries");
    cr_assert_str_eq(str(doc, "/figure/figcaption"), "cus_a <&>");
    cr_assert_eq(count(doc, "//g[@class='legend']"), 3);
    cr_assert_eq(count(doc, "//g[@class='row']"), 3);
    cr_assert_eq(count(doc, "//rect[@class='seg']"), 4); /* zero segments are not drawn */
    cr_assert_str_eq(str(doc, "//g[@class='row'][1]/@data-value"), "40");
    cr_assert_str_eq(str(doc, "//g[@class='row'][1]/text[@class='num']"), "40");
    cr_assert_str_eq(str(doc, "//g[@class='row'][2]/text[@class='num']"), "0");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/@data-label"), "2026-01-15");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/text[2]"), "2026-01-15");
    /* the given colours, by series */
    cr_assert_str_eq(str(doc, "//rect[@data-series='3A090.a']/@fill"), "#c0392b");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/rect[@data-series='none']/@fill"), "#7f8c8d");
    cr_assert_str_eq(str(doc, "//g[@class='legend'][2]/rect/@fill"), "#e67e22");
    /* the largest total is the full height (120), 20 of 40 is half of it, segments add up */
    xmlXPathObjectPtr o = nodes(doc, "sum(//g[@class='row'][1]/rect/@height)");
    xmlXPathObjectPtr p = nodes(doc, "sum(//g[@class='row'][3]/rect/@height)");
    cr_assert_float_eq(o->floatval, 120.0, 1e-9);
    cr_assert_float_eq(p->floatval, 60.0, 1e-9);
    xmlXPathFreeObject(o);
    xmlXPathFreeObject(p);
    cr_assert_str_eq(str(doc, "//g[@class='row'][1]/rect[@data-series='3A090.a']/@height"), "90");
    /* the default palette when no colours are given */
    xg_buf_free(&b);
    xmlFreeDoc(doc);
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_stacked_timeseries(&b, "t", periods, 1, series, 3, v, NULL), 0);
    doc = parse(&b);
    cr_assert_str_eq(str(doc, "//rect[@data-series='3A090.b']/@fill"), xg_chart_colour(1));
    xmlFreeDoc(doc);
    cr_assert_eq(xg_chart_stacked_timeseries(&b, "t", periods, 1, NULL, 0, v, NULL), XG_EINVAL);
    xg_buf_free(&b);
}

Test(chart, drawn_numbers_are_short_and_data_values_exact)
{
    xg_chart_item it[] = {{"a", 4000000}, {"b", 12345678}, {"c", 1.0 / 3}, {"d", 1500.5}};
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_hbar(&b, "n", it, 4, 0), 0);
    xmlDocPtr doc = parse(&b);
    cr_assert_str_eq(str(doc, "//g[@class='row'][1]/text[@class='num']"), "4000000");
    cr_assert_str_eq(str(doc, "//g[@class='row'][2]/text[@class='num']"), "12.3M");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/text[@class='num']"), "0.333");
    cr_assert_str_eq(str(doc, "//g[@class='row'][3]/@data-value"), "0.333333333333333");
    cr_assert_str_eq(str(doc, "//g[@class='row'][4]/text[@class='num']"), "1.5k");
    xmlFreeDoc(doc);
    xg_buf_free(&b);
}
