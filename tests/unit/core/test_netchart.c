/*
 * test_netchart.c — the network chart writer (xg_chart_network): every node and edge drawn with
 * its data attributes, well-formed XML (parsed with libxml2), labels escaped, bad edges refused,
 * an empty network captioned "none".
 */
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <string.h>

#include "core/chart.h"
#include "xgate/error.h"

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

Test(netchart, draws_every_node_and_edge)
{
    static const char *const cols[] = {"buyers", "intermediaries", "providers"};
    xg_chart_node nodes[] = {
        {.id = "n0", .label = "四川大学", .kind = "buyer", .column = 0, .value = 2, .highlight = 1},
        {.id = "n1", .label = "A <&> \"B\"", .kind = "supplier", .column = 1, .value = 3},
        {.id = "n2", .label = "AWS", .kind = "provider", .column = 2, .value = 1},
        {.id = "n3", .label = "深圳大学", .kind = "buyer", .column = 0, .value = 1},
    };
    xg_chart_edge edges[] = {{.from = 0, .to = 1, .value = 2, .kind = "buys_from", .highlight = 1},
                             {.from = 3, .to = 1, .value = 1, .kind = "buys_from"},
                             {.from = 1, .to = 2, .value = 3, .kind = "resells", .title = "x"}};
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_network(&b, "net", cols, 3, nodes, 4, edges, 3), 0);
    cr_assert_eq(count(b.data, "<g class=\"node\""), 4);
    cr_assert_eq(count(b.data, "<path class=\"edge\""), 3);
    cr_assert(strstr(b.data, "data-nodes=\"4\" data-edges=\"3\""));
    cr_assert(strstr(b.data, "A &lt;&amp;&gt; &quot;B&quot;"));
    cr_assert(strstr(b.data, "data-source=\"n1\" data-target=\"n2\" data-kind=\"resells\""));
    cr_assert_eq(count(b.data, "stroke=\"#c0392b\""), 1, "the listed node is ringed");
    xmlDocPtr x = xmlReadMemory(b.data, (int)b.len, "c.xml", NULL, XML_PARSE_NONET);
    cr_assert(x, "well-formed");
    xmlFreeDoc(x);
    xg_buf_free(&b);
}

Test(netchart, refuses_bad_input_and_draws_none)
{
    static const char *const cols[] = {"a"};
    xg_chart_node n = {.id = "n0", .label = "x", .column = 0};
    xg_chart_edge e = {.from = 0, .to = 5};
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_chart_network(&b, "t", cols, 1, &n, 1, &e, 1), XG_EINVAL);
    xg_chart_node far = {.id = "n0", .label = "x", .column = 3};
    cr_assert_eq(xg_chart_network(&b, "t", cols, 1, &far, 1, NULL, 0), XG_EINVAL);
    xg_buf_reset(&b);
    cr_assert_eq(xg_chart_network(&b, "t", cols, 1, NULL, 0, NULL, 0), 0);
    cr_assert(strstr(b.data, "<p class=\"none\">none</p>"));
    xg_buf_free(&b);
}
