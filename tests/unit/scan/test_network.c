/*
 * test_network.c — the intermediary network (xg_scan_network) over results built here: deals,
 * names resolved without a text context (spacing, traditional characters) and through a shared
 * listed match, the ranking of intermediaries, repeat buyers, and the GraphML export parsed back
 * with libxml2 (names with XML specials escaped).
 */
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"
#include "xgate/scan.h"

/* One scanned document's result, as xg_scan_bytes returns it (only the keys linking reads). */
static json_t *doc(const char *name, const char *pn, const char *buyer, const char *buyer_listed,
                   const char *supplier, double amount, int flagged, const char *risk,
                   const char *provider)
{
    json_t *parties = json_array();
    if (buyer)
        json_array_append_new(
            parties, json_pack("{s:s, s:s, s:o}", "role", "buyer", "name", buyer, "screening",
                               buyer_listed ? json_pack("[{s:s, s:s, s:f}]", "name", buyer_listed,
                                                        "source", "Entity List", "score", 1.0)
                                            : json_array()));
    if (supplier)
        json_array_append_new(parties, json_pack("{s:s, s:s, s:[]}", "role", "supplier", "name",
                                                 supplier, "screening"));
    json_t *fields = json_pack("{s:s, s:s, s:o, s:n, s:o, s:o, s:n, s:s}", "project_number", pn,
                               "title", "t", "buyer", buyer ? json_string(buyer) : json_null(),
                               "agency", "supplier", supplier ? json_string(supplier) : json_null(),
                               "amount_cny", amount >= 0 ? json_real(amount) : json_null(),
                               "currency_amount", "date", "2025-01-02");
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:f, s:[], s:o, s:[], s:[], s:[], s:[], "
                     "s:o, s:o, s:[], s:[]}",
                     "document", name, "language", "zh", "encoding", "utf-8", "notice_type",
                     "result", "flagged", flagged, "risk", risk, "score", flagged ? 0.8 : 0.0,
                     "signals", "providers", provider ? json_pack("[s]", provider) : json_array(),
                     "chips", "instances", "models", "mentions", "fields", fields, "parties",
                     parties, "items", "linked");
}

static const json_t *node_named(const json_t *net, const char *name)
{
    size_t i;
    json_t *n;
    json_array_foreach(
        json_object_get(net, "nodes"), i,
        n) if (!strcmp(json_string_value(json_object_get(n, "name")), name)) return n;
    return NULL;
}

static json_t *corpus(void)
{
    json_t *d = json_array();
    /* 甲 serves two listed buyers, written three ways (spacing, traditional 資) */
    json_array_append_new(d, doc("a1", "P-0001", "四川大学", "Sichuan University",
                                 "北京甲资科技有限公司", 100, 1, "high", "AWS"));
    json_array_append_new(d, doc("a2", "P-0002", "国防科技大学", "NUDT", "北京甲资科技 有限公司",
                                 200, 1, "high", "AWS"));
    json_array_append_new(d, doc("a3", "P-0003", "四川大学", "Sichuan University",
                                 "北京甲資科技有限公司", 50, 1, "high", "Azure"));
    /* 乙 serves one unlisted flagged buyer and the first listed buyer under another name */
    json_array_append_new(
        d, doc("b1", "P-0004", "深圳大学", NULL, "上海乙数据有限公司", 300, 1, "medium", "AWS"));
    json_array_append_new(d, doc("b2", "P-0005", "Sichuan Univ.", "Sichuan University",
                                 "上海乙数据有限公司", -1, 1, "high", "AWS"));
    /* not a deal: nothing US-related */
    json_array_append_new(
        d, doc("c1", "P-0006", "浙江大学", NULL, "杭州丙网络有限公司", 10, 0, "none", NULL));
    xg_scan_link(d);
    return d;
}

/* From one combination of the run (xg_scan_combined): the same network, and findings equal to
 * xg_scan_findings' (every deal that is flagged or risky; the unflagged one left out). */
Test(scan_network, one_combination_gives_the_same_network_and_findings)
{
    json_t *d = corpus(), *net = NULL, *net2 = NULL;
    cr_assert_eq(xg_scan_network(&net, d, NULL), 0, "%s", xg_error_message());
    json_t *comb = xg_scan_combined(d);
    cr_assert_eq(json_array_size(comb), json_array_size(d), "one per unlinked document");
    cr_assert_eq(xg_scan_network_of(&net2, comb, NULL), 0, "%s", xg_error_message());
    cr_expect(json_equal(net, net2));
    json_t *fin = xg_scan_findings(d), *fin2 = xg_scan_findings_of(comb);
    cr_expect_eq(json_array_size(fin), json_array_size(d) - 1, "c1 is neither flagged nor risky");
    cr_expect(json_equal(fin, fin2));
    char *h1 = NULL, *h2 = NULL;
    cr_assert_eq(xg_scan_report_html_network(&h1, d, net, "t"), 0);
    cr_assert_eq(xg_scan_report_html_findings(&h2, d, fin2, net2, "t"), 0);
    cr_expect_str_eq(h1, h2);
    cr_expect_eq(xg_scan_network_of(&net2, NULL, NULL), XG_EINVAL);
    free(h1);
    free(h2);
    json_decref(fin);
    json_decref(fin2);
    json_decref(comb);
    json_decref(net);
    json_decref(net2);
    json_decref(d);
}

Test(scan_network, ranks_intermediaries_and_resolves_names)
{
    json_t *d = corpus(), *net = NULL;
    cr_assert_eq(xg_scan_network(&net, d, NULL), 0, "%s", xg_error_message());
    const json_t *im = json_object_get(net, "intermediaries");
    cr_assert_eq(json_array_size(im), 2, "the domestic supplier is no intermediary");
    const json_t *first = json_array_get(im, 0), *second = json_array_get(im, 1);
    cr_assert_str_eq(json_string_value(json_object_get(first, "name")), "北京甲资科技有限公司");
    cr_assert_eq(json_array_size(json_object_get(first, "names")), 3, "three spellings kept");
    cr_assert_eq(json_integer_value(json_object_get(first, "buyers")), 2);
    cr_assert_eq(json_integer_value(json_object_get(first, "listed_buyers")), 2);
    cr_assert_eq(json_integer_value(json_object_get(first, "deals")), 3);
    cr_assert_float_eq(json_number_value(json_object_get(first, "amount_cny")), 350, 1e-9);
    cr_assert_eq(json_integer_value(json_object_get(first, "rank")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(second, "name")), "上海乙数据有限公司");
    cr_assert_eq(json_integer_value(json_object_get(second, "listed_buyers")), 1);
    cr_assert_eq(json_integer_value(json_object_get(second, "flagged_buyers")), 2);
    /* "Sichuan Univ." and 四川大学 share their listed match: one node with both spellings */
    const json_t *scu = node_named(net, "四川大学");
    cr_assert(scu);
    cr_assert_eq(json_array_size(json_object_get(scu, "names")), 2);
    cr_assert_null(node_named(net, "Sichuan Univ."));
    cr_assert_null(node_named(net, "浙江大学"), "no deal, no node");
    /* 四川大学: three flagged deals through two intermediaries */
    const json_t *rb = json_object_get(net, "repeat_buyers");
    cr_assert_eq(json_array_size(rb), 1);
    const json_t *r = json_array_get(rb, 0);
    cr_assert_str_eq(json_string_value(json_object_get(r, "name")), "四川大学");
    cr_assert_eq(json_integer_value(json_object_get(r, "purchases")), 3);
    cr_assert_eq(json_array_size(json_object_get(r, "intermediaries")), 2);
    cr_assert_eq(json_array_size(json_object_get(r, "why")), 2);
    cr_assert_eq(json_array_size(json_object_get(r, "documents")), 3);
    /* edges: buyer → supplier, supplier → provider, aggregated */
    size_t i, nbuy = 0;
    json_t *e;
    json_array_foreach(json_object_get(net, "edges"), i, e)
    {
        const char *k = json_string_value(json_object_get(e, "kind"));
        cr_assert(!strcmp(k, "buys_from") || !strcmp(k, "resells"), "kind %s", k);
        nbuy += !strcmp(k, "buys_from");
        cr_assert_gt(json_array_size(json_object_get(e, "documents")), 0);
    }
    cr_assert_eq(nbuy, 4, "四川大学→甲, 国防科技大学→甲, 深圳大学→乙, 四川大学→乙");
    json_decref(net);
    json_decref(d);
}

Test(scan_network, graphml_parses_back_with_escaped_names)
{
    json_t *d = json_array();
    json_array_append_new(
        d, doc("x<1>&\"'", "P-0100", "A & B <Labs>", NULL, "C \"D\" Ltd", 5, 1, "medium", "AWS"));
    json_t *net = NULL;
    cr_assert_eq(xg_scan_network(&net, d, NULL), 0);
    char *xml = NULL;
    cr_assert_eq(xg_scan_network_graphml(&xml, net), 0);
    xmlDocPtr x = xmlReadMemory(xml, (int)strlen(xml), "g.graphml", NULL, XML_PARSE_NONET);
    cr_assert(x, "GraphML is well-formed XML");
    xmlNodePtr root = xmlDocGetRootElement(x);
    cr_assert_str_eq((const char *)root->name, "graphml");
    size_t nodes = 0, edges = 0, keys = 0;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (!strcmp((const char *)c->name, "key")) keys++;
        if (strcmp((const char *)c->name, "graph")) continue;
        for (xmlNodePtr g = c->children; g; g = g->next)
            if (g->type == XML_ELEMENT_NODE) {
                nodes += !strcmp((const char *)g->name, "node");
                edges += !strcmp((const char *)g->name, "edge");
            }
    }
    cr_assert_eq(nodes, json_array_size(json_object_get(net, "nodes")));
    cr_assert_eq(edges, json_array_size(json_object_get(net, "edges")));
    cr_assert_gt(keys, 10);
    cr_assert(strstr(xml, "A &amp; B &lt;Labs&gt;"));
    xmlFreeDoc(x);
    free(xml);
    json_decref(net);
    json_decref(d);
}

Test(scan_network, empty_and_bad_input)
{
    json_t *d = json_array(), *net = NULL;
    cr_assert_eq(xg_scan_network(&net, d, NULL), 0);
    cr_assert_eq(json_array_size(json_object_get(net, "nodes")), 0);
    cr_assert_eq(json_array_size(json_object_get(net, "intermediaries")), 0);
    char *xml = NULL;
    cr_assert_eq(xg_scan_network_graphml(&xml, net), 0);
    cr_assert(strstr(xml, "<graph id=\"xgate-scan\""));
    free(xml);
    json_decref(net);
    cr_assert_eq(xg_scan_network(&net, NULL, NULL), XG_EINVAL);
    cr_assert_eq(xg_scan_network_graphml(&xml, NULL), XG_EINVAL);
    json_decref(d);
}
