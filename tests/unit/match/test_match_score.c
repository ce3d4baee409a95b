/*
 * test_match_score.c — the token aligner on hand-built analysed names (independent of the text
 * module): order-free alignment, light legal/org symbols, numbers that must agree, split and
 * merged words, the asymmetric penalty for unmatched words, Han bigrams, and the index keys.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "match/index.h"
#include "match/score.h"

/* Build a name from "text/KIND/SYMBOL" words separated by spaces, e.g. "sichuan univ/O/UNIVERSITY".
 */
static xg_name mk(const char *spec, const char *han)
{
    static xg_token pool[64][32];
    static char store[64][512];
    static int slot;
    int s = slot++ % 64;
    xg_name n = {0};
    strncpy(store[s], spec, sizeof store[s] - 1);
    n.original = spec;
    n.latin = spec;
    n.han = han;
    n.tokens = pool[s];
    for (char *save, *w = strtok_r(store[s], " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        xg_token *t = &pool[s][n.ntokens++];
        memset(t, 0, sizeof *t);
        t->kind = XG_TOK_WORD;
        char *k = strchr(w, '/');
        if (k) {
            *k++ = 0;
            char *sym = strchr(k, '/');
            if (sym) *sym++ = 0;
            t->kind = *k == 'N'   ? XG_TOK_NUMBER
                      : *k == 'L' ? XG_TOK_LEGAL
                      : *k == 'O' ? XG_TOK_ORG
                                  : XG_TOK_STOP;
            t->symbol = sym;
        }
        for (char *u = w; *u; u++)
            if (*u == '_') *u = ' '; /* "joint_stock_company/L/JSC" is one token of three words */
        t->text = w;
    }
    return n;
}

static double score(const char *q, const char *n, xg_score_detail *d)
{
    xg_name qn = mk(q, NULL), nn = mk(n, NULL);
    xg_score_query sq;
    static xg_jw_pattern pats[XG_SCORE_MAX_TOKENS];
    xg_score_prepare(&sq, &qn, NULL, 0, pats);
    xg_score_list l;
    xg_score_list_init(&l, &nn, NULL, NULL, NULL, 0);
    return xg_score_name(&sq, &l, d);
}

Test(match_score, identical_and_word_order_free)
{
    xg_score_detail d;
    cr_assert_float_eq(
        score("huawei technologies/O/TECHNOLOGY", "huawei technologies/O/TECHNOLOGY", &d), 1.0,
        1e-9);
    cr_assert_float_eq(score("haige guangzhou", "guangzhou haige", &d), 1.0, 1e-9);
    cr_assert_eq(d.npairs, 2);
}

Test(match_score, unmatched_query_words_cost_more_than_list_words)
{
    xg_score_detail d;
    double agri = score("sichuan agricultural university/O/UNIVERSITY",
                        "sichuan university/O/UNIVERSITY", &d);
    cr_assert_lt(agri, 0.75, "Sichuan Agricultural University scored %f", agri);
    double nudt =
        score("national university/O/UNIVERSITY of/S defense technology/O/TECHNOLOGY",
              "national university/O/UNIVERSITY of/S defense technology/O/TECHNOLOGY nudt", &d);
    cr_assert_gt(nudt, 0.9, "NUDT with its acronym scored %f", nudt);
}

Test(match_score, legal_forms_are_light_symbols)
{
    xg_score_detail d;
    double s = score("guangzhou ausay technology/O/TECHNOLOGY co/L/CO limited/L/LTD",
                     "guangzhou ausay technology/O/TECHNOLOGY company/L/CO ltd/L/LTD", &d);
    cr_assert_float_eq(s, 1.0, 1e-9);
    /* a generic word alone does not make a match */
    s = score("belletech corp/L/CORP", "11420/N corp/L/CORP", &d);
    cr_assert_lt(s, 0.5, "BELLETECH CORP vs 11420 CORP scored %f", s);
}

Test(match_score, numbers_must_agree)
{
    xg_score_detail d;
    double s = score("china academy/O/ACADEMY 502/N institute/O/INSTITUTE",
                     "china academy/O/ACADEMY 513/N institute/O/INSTITUTE", &d);
    cr_assert_leq(s, XG_NUMBER_MISMATCH_CAP);
    cr_assert(d.number_mismatch);
}

Test(match_score, typos_and_split_words)
{
    xg_score_detail d;
    double s = score("huawei technologies/O/TECHNOLOGY", "hua wei technologies/O/TECHNOLOGY", &d);
    cr_assert_gt(s, 0.9, "split word scored %f", s);
    s = score("hua wei", "huawei", &d);
    cr_assert_gt(s, 0.9, "merged word scored %f", s);
    s = score("huawie technologies/O/TECHNOLOGY", "huawei technologies/O/TECHNOLOGY", &d);
    cr_assert_gt(s, 0.85, "typo scored %f", s);
    /* different short words are different */
    s = score("abc", "abd", &d);
    cr_assert_lt(s, 0.5);
}

Test(match_score, han_bigrams)
{
    uint32_t a[64], b[64];
    size_t na = xg_han_bigrams(a, 64, "广州欧赛科技有限公司"),
           nb = xg_han_bigrams(b, 64, "广州欧赛科技有限公司");
    cr_assert_eq(na, 9);
    xg_name qn =
        mk("guangzhou ousai keji/O/TECHNOLOGY youxiangongsi/L/LTD", "广州欧赛科技有限公司");
    xg_name nn =
        mk("guangzhou ousai keji/O/TECHNOLOGY youxiangongsi/L/LTD", "广州欧赛科技有限公司");
    xg_score_query sq;
    static xg_jw_pattern pats[XG_SCORE_MAX_TOKENS];
    xg_score_prepare(&sq, &qn, a, na, pats);
    xg_score_detail d;
    xg_score_list l;
    xg_score_list_init(&l, &nn, NULL, NULL, b, nb);
    cr_assert_float_eq(xg_score_name(&sq, &l, &d), 1.0, 1e-9);
    json_t *e = xg_score_explain(&sq, &nn, &d);
    cr_assert(json_object_get(e, "pairs"));
    cr_assert(json_object_get(e, "han_score"));
    json_decref(e);
}

Test(match_score, index_finds_keys)
{
    xg_index_builder b = {0};
    xg_name n1 = mk("sichuan university/O/UNIVERSITY", NULL),
            n2 = mk("huawei technologies/O/TECHNOLOGY", NULL);
    xg_key keys[256];
    size_t k = xg_name_keys(keys, 256, &n1, 0);
    for (size_t i = 0; i < k; i++)
        xg_index_builder_add(&b, keys[i].hash, 0);
    k = xg_name_keys(keys, 256, &n2, 0);
    for (size_t i = 0; i < k; i++)
        xg_index_builder_add(&b, keys[i].hash, 1);
    xg_index idx;
    cr_assert_eq(xg_index_builder_finish(&b, &idx), 0);
    const uint32_t *ids;
    cr_assert_eq(xg_index_get(&idx, xg_key_hash('w', "huawei", 6), &ids), 1);
    cr_assert_eq(ids[0], 1);
    cr_assert_eq(xg_index_get(&idx, xg_key_hash('t', "sic", 3), &ids), 1);
    cr_assert_eq(xg_index_get(&idx, xg_key_hash('w', "nothing", 7), &ids), 0);
    xg_index_free(&idx);
    char norm[64];
    cr_assert_eq(xg_ident_normalise(norm, sizeof norm, "9144-0101 ma5alqnr86"), 18);
    cr_assert_str_eq(norm, "91440101MA5ALQNR86");
}

Test(match_score, phrase_words_spread_over_the_other_side)
{
    xg_score_detail d;
    /* a typo kept the text module from seeing the legal phrase in the query */
    double s = score("obshchestvo s ogranichennoi otevtstvennostyu gazprom russkaya",
                     "obshchestvo_s_ogranichennoi_otvetstvennostyu/L/LLC gazprom russkaya", &d);
    cr_assert_gt(s, 0.9, "phrase cover scored %f", s);
    /* and a reordered phrase in the query */
    s = score("stock_company/L/JSC dagdizel plant joint",
              "joint_stock_company/L/JSC dagdizel plant", &d);
    cr_assert_gt(s, 0.8, "reordered phrase scored %f", s);
    /* a phrase does not make a match on its own */
    s = score("joint stock company", "joint_stock_company/L/JSC dagdizel plant", &d);
    cr_assert_lt(s, 0.5, "bare phrase scored %f", s);
}

Test(match_score, a_word_repeated_in_the_same_name_counts_once)
{
    xg_score_detail d;
    double s = score("changguang satellite technology/O/TECHNOLOGY changguang satellite",
                     "chang guang satellite technology/O/TECHNOLOGY", &d);
    cr_assert_gt(s, 0.9, "repeated brand scored %f", s);
}
