/*
 * test_match_screen.c — xg_snapshot and xg_screen on the real shared lists: candidates, scores
 * and explanations, identifiers, the country filter, delisted records, bad and huge queries, the
 * JSON form, and many threads sharing one snapshot.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"
#include "xgate/screen.h"

static xg_text_ctx *text;

static const char *shared(void)
{
    const char *s = getenv("XGATE_SHARED");
    return s ? s : "/work/shared";
}

static xg_snapshot *load(const char *const *files, size_t n)
{
    char paths[8][1024];
    const char *p[8];
    for (size_t i = 0; i < n; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/data/lists/%s", shared(), files[i]);
        p[i] = paths[i];
    }
    if (!text) cr_assert_eq(xg_text_ctx_load(&text, NULL), 0, "%s", xg_error_message());
    xg_snapshot *s;
    cr_assert_eq(xg_snapshot_load(&s, p, n, 0, text), 0, "%s", xg_error_message());
    return s;
}

static xg_screen_result *screen(const xg_snapshot *s, const char *name)
{
    xg_screen_query q = {.name = name, .threshold = -1};
    xg_screen_result *r;
    cr_assert_eq(xg_screen(&r, s, &q), 0, "%s", xg_error_message());
    return r;
}

static const char *PRC[] = {"csl_entity_list_prc_research.csv"};

Test(match_screen, nudt_four_ways_with_explanations)
{
    xg_snapshot *s = load(PRC, 1);
    cr_assert_gt(xg_snapshot_names(s), 60);
    cr_assert_eq(strlen(xg_snapshot_hash(s)), 64);
    const char *q[] = {"National University of Defense Technology", "Hunan Guofang Keji University",
                       "国防科技大学", "国防科学技術大学"};
    for (size_t i = 0; i < 4; i++) {
        xg_screen_result *r = screen(s, q[i]);
        cr_assert_geq(r->nmatches, 1, "%s: no match", q[i]);
        cr_assert_str_eq(r->matches[0].record->id, "c99570ec5878f7fe08538d189905a59c", "%s", q[i]);
        cr_assert_geq(r->matches[0].score, XG_SCREEN_DEFAULT_THRESHOLD);
        json_t *e = xg_screen_match_explanation(&r->matches[0]);
        cr_assert(json_is_string(json_object_get(e, "method")));
        cr_assert(json_array_size(json_object_get(e, "pairs")) > 0);
        json_decref(e);
        xg_screen_result_free(r);
    }
    xg_snapshot_unref(s);
}

Test(match_screen, near_miss_and_threshold)
{
    xg_snapshot *s = load(PRC, 1);
    xg_screen_result *r = screen(s, "Sichuan Agricultural University");
    cr_assert_eq(r->nmatches, 0);
    cr_assert(r->near_miss && r->best_below > 0.3 && r->best_below < r->threshold);
    cr_assert_str_eq(r->near_miss->record->name, "Sichuan University");
    xg_screen_result_free(r);
    xg_screen_query q = {.name = "Sichuan Agricultural University", .threshold = 0.5};
    cr_assert_eq(xg_screen(&r, s, &q), 0);
    cr_assert_eq(r->nmatches, 1);
    xg_screen_result_free(r);
    xg_snapshot_unref(s);
}

Test(match_screen, identifier_country_and_delisted)
{
    const char *files[] = {"eu_833_annex_iv_2026.xgate.csv", "dod_1260h_2026.xgate.csv"};
    xg_snapshot *s = load(files, 2);
    const char *ids[] = {"USCC:9144 0101 MA5A LQNR86"};
    xg_screen_query q = {.name = "Whatever Trading", .threshold = -1, .ids = ids, .nids = 1};
    xg_screen_result *r;
    cr_assert_eq(xg_screen(&r, s, &q), 0);
    cr_assert_eq(r->nmatches, 1);
    cr_assert_str_eq(r->matches[0].record->id, "EU833-IV-603");
    cr_assert_float_eq(r->matches[0].score, 1.0, 1e-12);
    cr_assert(!strncmp(r->matches[0].matched, "ID:", 3));
    xg_screen_result_free(r);

    /* an unknown country code is an error, not a filter that drops every record */
    q = (xg_screen_query){.name = "Guangzhou Ausay", .threshold = -1, .country = "XX"};
    cr_assert_eq(xg_screen(&r, s, &q), XG_EINVAL);
    cr_assert(strstr(xg_error_message(), "'XX'"));

    /* a known country that differs drops the record; no country keeps it */
    q = (xg_screen_query){
        .name = "Guangzhou Ausay Technology Co Limited", .threshold = -1, .country = "RU"};
    cr_assert_eq(xg_screen(&r, s, &q), 0);
    cr_assert_eq(r->nmatches, 0);
    xg_screen_result_free(r);
    q.country = "cn";
    cr_assert_eq(xg_screen(&r, s, &q), 0);
    cr_assert_eq(r->nmatches, 1);
    xg_screen_result_free(r);

    q = (xg_screen_query){.name = "Beijing Megvii Technology Co., Ltd.", .threshold = -1};
    cr_assert_eq(xg_screen(&r, s, &q), 0);
    for (size_t i = 0; i < r->nmatches; i++)
        cr_assert_str_neq(r->matches[i].record->id, "1260H-839948c04e18");
    cr_assert_eq(r->ndelisted, 1);
    cr_assert_str_eq(r->delisted[0].record->id, "1260H-839948c04e18");
    json_t *j = xg_screen_result_json(r);
    cr_assert_eq(json_array_size(json_object_get(j, "delisted")), 1);
    json_decref(j);
    xg_screen_result_free(r);
    q.as_of = "2024-12-31";
    cr_assert_eq(xg_screen(&r, s, &q), 0);
    cr_assert_eq(r->ndelisted, 0);
    cr_assert_str_eq(r->matches[0].record->id, "1260H-839948c04e18");
    xg_screen_result_free(r);
    xg_snapshot_unref(s);
}

Test(match_screen, bad_empty_and_huge_queries)
{
    xg_snapshot *s = load(PRC, 1);
    xg_screen_result *r;
    xg_screen_query q = {.name = "bad \xff name", .threshold = -1};
    cr_assert_eq(xg_screen(&r, s, &q), XG_EUTF8);
    q = (xg_screen_query){.name = NULL};
    cr_assert_eq(xg_screen(&r, s, &q), XG_EINVAL);
    q = (xg_screen_query){.name = "x", .threshold = 2.0};
    cr_assert_eq(xg_screen(&r, s, &q), XG_EINVAL);
    q = (xg_screen_query){.name = "x", .threshold = -1, .as_of = "yesterday"};
    cr_assert_eq(xg_screen(&r, s, &q), XG_EINVAL);
    r = screen(s, "");
    cr_assert_eq(r->nmatches, 0);
    xg_screen_result_free(r);
    r = screen(s, " ,.;- ");
    cr_assert_eq(r->nmatches, 0);
    xg_screen_result_free(r);
    size_t n = 100 * 1024;
    char *big = malloc(n + 64);
    strcpy(big, "National University of Defense Technology ");
    for (size_t i = strlen(big); i < n; i++)
        big[i] = "abc de"[i % 6];
    big[n] = 0;
    r = screen(s, big);
    cr_assert_eq(strlen(r->query), n);
    xg_screen_result_free(r);
    free(big);
    xg_snapshot_unref(s);
}

Test(match_screen, json_form)
{
    xg_snapshot *s = load(PRC, 1);
    xg_screen_result *r = screen(s, "Beijing Institute of Technology, Shenzhen Research Institute");
    json_t *j = xg_screen_result_json(r);
    json_t *m = json_array_get(json_object_get(j, "matches"), 0);
    const char *keys[] = {"id",      "source", "type",      "name",
                          "matched", "score",  "countries", "explanation"};
    for (size_t i = 0; i < 8; i++)
        cr_assert(json_object_get(m, keys[i]), "missing %s", keys[i]);
    cr_assert_str_eq(json_string_value(json_object_get(m, "name")),
                     "Beijing Institute of Technology");
    cr_assert_str_eq(json_string_value(json_object_get(m, "type")), "entity");
    json_decref(j);
    xg_screen_result_free(r);
    xg_snapshot_unref(s);
}

static void *screen_many(void *arg)
{
    xg_snapshot *s = arg;
    for (int i = 0; i < 40; i++) {
        xg_screen_result *r = screen(s, i % 2 ? "国防科技大学" : "Hunan Guofang Keji University");
        if (r->nmatches < 1) return (void *)1;
        xg_screen_result_free(r);
    }
    xg_snapshot_unref(s);
    return NULL;
}

Test(match_screen, threads_share_a_snapshot)
{
    xg_snapshot *s = load(PRC, 1);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        xg_snapshot_ref(s);
        pthread_create(&t[i], NULL, screen_many, s);
    }
    xg_snapshot_unref(s); /* the threads hold the last references */
    for (int i = 0; i < 4; i++) {
        void *rv;
        pthread_join(t[i], &rv);
        cr_assert_null(rv);
    }
}

/* The other reading of a Han word counts: 研究院 is "Academy" in some English names and
 * "Research Institute" in others, so the Chinese name of BIT's Shenzhen institute meets the
 * alias "Beijing Institute of Technology, Shenzhen Research Institute" in full, and the
 * explanation says a reading matched a span. */
Test(match_screen, han_words_match_by_either_reading)
{
    xg_snapshot *s = load(PRC, 1);
    xg_screen_result *r = screen(s, "北京理工大学深圳研究院");
    cr_assert_geq(r->nmatches, 1);
    cr_assert_str_eq(r->matches[0].record->id, "1471b935495fd6460213703781c470a5");
    cr_assert_str_eq(r->matches[0].matched,
                     "Beijing Institute of Technology, Shenzhen Research Institute");
    cr_assert_geq(r->matches[0].score, 0.95);
    json_t *x = xg_screen_match_explanation(&r->matches[0]);
    char *e = json_dumps(x, 0);
    json_decref(x);
    cr_assert(strstr(e, "\"reading\": true"), "%s", e);
    free(e);
    xg_screen_result_free(r);
    r = screen(s, "中国工程物理研究院");
    cr_assert_geq(r->nmatches, 1);
    cr_assert(strstr(r->matches[0].record->name, "Engineering Physics"));
    xg_screen_result_free(r);
    xg_snapshot_unref(s);
}

/* A query that is exactly a list name's own acronym ("NUDT" in "National University of Defense
 * Technology (NUDT)") names the entity: the words the acronym stands for are not missing. An
 * acronym with other words beside it stays below the threshold. */
Test(match_screen, own_acronym_names_the_entity)
{
    xg_snapshot *s = load(PRC, 1);
    xg_screen_result *r = screen(s, "NUDT");
    cr_assert_geq(r->nmatches, 1);
    cr_assert_str_eq(r->matches[0].record->id, "c99570ec5878f7fe08538d189905a59c");
    xg_screen_result_free(r);
    r = screen(s, "NUDT Trading Ltd");
    cr_assert_eq(r->nmatches, 0);
    xg_screen_result_free(r);
    xg_snapshot_unref(s);
}

/* An identifier is exact when value and scheme agree (the query's label read like the lists'
 * types: "Unified Social Credit Code" = USCC); the same value under another known scheme still
 * alerts, at 0.9, and the explanation says the schemes differ. */
Test(match_screen, identifier_schemes)
{
    const char *files[] = {"eu_833_annex_iv_2026.xgate.csv"};
    xg_snapshot *s = load(files, 1);
    const char *exact[] = {"Unified Social Credit Code:91440101MA5ALQNR86"};
    const char *other[] = {"PASSPORT:91440101MA5ALQNR86"};
    xg_screen_query q = {.name = "Whatever", .threshold = -1, .ids = exact, .nids = 1};
    xg_screen_result *r;
    cr_assert_eq(xg_screen(&r, s, &q), 0);
    cr_assert_eq(r->nmatches, 1);
    cr_assert_float_eq(r->matches[0].score, 1.0, 1e-12);
    xg_screen_result_free(r);
    q.ids = other;
    cr_assert_eq(xg_screen(&r, s, &q), 0);
    cr_assert_eq(r->nmatches, 1);
    cr_assert_float_eq(r->matches[0].score, 0.9, 1e-12);
    json_t *x = xg_screen_match_explanation(&r->matches[0]);
    char *e = json_dumps(x, 0);
    json_decref(x);
    cr_assert(strstr(e, "identifier_scheme_differs"), "%s", e);
    free(e);
    xg_screen_result_free(r);
    xg_snapshot_unref(s);
}
