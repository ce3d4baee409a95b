/* Policy data and engine pieces that need no lists: loading, dated country groups and scopes,
 * profile rows by date and delivery, request validation, ownership aggregates and cycles. */
#include <criterion/criterion.h>
#include <string.h>

#include "policy/engine.h"
#include "xgate/error.h"

static xg_policy_set *P;

static void setup(void)
{
    cr_assert_eq(xg_policy_load(&P, NULL), 0, "%s", xg_error_message());
}

static void teardown(void)
{
    xg_policy_free(P);
}

TestSuite(policy_data, .init = setup, .fini = teardown);
TestSuite(policy_request, .init = setup, .fini = teardown);
TestSuite(policy_ownership, .init = setup, .fini = teardown);

Test(policy_data, groups_scopes_and_aliases)
{
    cr_assert(pol_in_group(P, "D:5", "CN", "2026-11-22", NULL));
    cr_assert(pol_in_group(P, "D:5", "HK", "2026-11-22", NULL), "HK counts as China");
    cr_assert_not(pol_in_group(P, "D:5", "HK", "2020-01-01", NULL), "not before 85 FR 83765");
    cr_assert_not(pol_in_group(P, "D:5", "DE", "2026-11-22", NULL));
    const char *why;
    cr_assert(pol_scope_reaches(P, "compute_located", "SA", "2026-11-22", NULL, &why));
    cr_assert_str_eq(why, "D:4");
    cr_assert_not(pol_scope_reaches(P, "compute_located", "IL", "2026-11-22", NULL, NULL),
                  "Israel: D:4 but A:6");
    cr_assert_not(pol_scope_reaches(P, "compute_located", "SA", "2023-01-01", NULL, NULL),
                  "Oct 2022 regime: China and Macau only");
    cr_assert(pol_scope_reaches(P, "compute_located", "MO", "2023-01-01", NULL, NULL));
    cr_assert(pol_scope_reaches(P, "compute_headquarters", "CN", "2026-11-22", NULL, NULL));
    cr_assert_not(pol_scope_reaches(P, "compute_headquarters", "SA", "2026-11-22", NULL, NULL));
    cr_assert(pol_embargoed(P, "UA-43", "2026-11-22"));
    cr_assert(pol_embargoed(P, "UA-09", "2026-11-22"));
    cr_assert_null(pol_embargoed(P, "UA-09", "2021-01-01"), "Luhansk only from EO 14065");
    cr_assert_str_eq(pol_list_effect_for(P, "EL")->category, "entity");
    cr_assert_str_eq(pol_list_effect_for(P, "NOSUCH")->source, "*");
    cr_assert_eq(strlen(xg_policy_version(P)), 16);
}

Test(policy_data, profile_rows_by_date_and_delivery)
{
    const pol_profile *ear = pol_profile_find(P, "ear"), *prov = pol_profile_find(P, "provider");
    cr_assert(ear && prov && pol_profile_find(P, "remote-access"));
    cr_assert_null(pol_profile_find(P, "lenient"));
    cr_assert_str_eq(pol_rule_for(ear, "compute_located", "export", "2026-11-22")->outcome,
                     "LICENSE_REQUIRED");
    cr_assert_str_eq(pol_rule_for(ear, "compute_located", "remote", "2026-11-22")->outcome,
                     "REVIEW_IF_TRAINING");
    cr_assert_str_eq(pol_rule_for(prov, "compute_located", "remote", "2026-11-22")->outcome,
                     "LICENSE_REQUIRED");
    /* the Affiliates rule: in force, suspended, back */
    cr_assert_null(pol_rule_for(prov, "entity_affiliate", "remote", "2025-09-28"));
    cr_assert_str_eq(pol_rule_for(prov, "entity_affiliate", "remote", "2025-09-29")->outcome,
                     "DENY");
    cr_assert_str_eq(pol_rule_for(prov, "entity_affiliate", "remote", "2025-11-10")->outcome,
                     "REVIEW");
    cr_assert_str_eq(pol_rule_for(prov, "entity_affiliate", "remote", "2026-11-09")->outcome,
                     "REVIEW");
    cr_assert_str_eq(pol_rule_for(prov, "entity_affiliate", "remote", "2026-11-10")->outcome,
                     "DENY");
    cr_assert_str_eq(pol_rule_for(prov, "model_region", "model", "2026-11-22")->outcome, "DENY");
    cr_assert_str_eq(pol_rule_for(ear, "model_region", "model", "2026-11-22")->outcome,
                     "ALLOW_NOTED");
    json_t *all;
    cr_assert_eq(xg_policy_profiles_json(&all, P), 0);
    cr_assert_eq(json_array_size(all), 3);
    json_decref(all);
}

Test(policy_data, bad_files_name_file_and_line)
{
    char dir[] = "/tmp/xg-policy-XXXXXX";
    cr_assert(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cp -r %s/policy %s/ && printf 'x\\tD:9\\tnot-a-date\\t\\t\\tyes\\tc\\t\\n' >> "
             "%s/policy/country_groups.tsv",
             xg_data_dir(), dir, dir);
    cr_assert_eq(system(cmd), 0);
    xg_policy_set *p;
    cr_assert_eq(xg_policy_load(&p, dir), XG_EPARSE);
    cr_assert(strstr(xg_error_message(), "country_groups.tsv:"), "%s", xg_error_message());
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static int parse(dreq *r, xg_arena *a, const char *json)
{
    json_t *j = json_loads(json, 0, NULL);
    cr_assert_not_null(j, "test JSON");
    int rc = dreq_parse(r, a, j, P, NULL, NULL, "2026-11-22");
    json_decref(j);
    return rc;
}

Test(policy_request, normalises_and_names_fields)
{
    xg_arena a;
    xg_arena_init(&a, 4096);
    dreq r;
    cr_assert_eq(parse(&r, &a,
                       "{\"customer\":{\"name\":\"X\",\"country\":\"China\"},"
                       "\"resource\":{\"item\":\"H100\"},\"access\":{\"source_region\":"
                       "\"ua-43\",\"end_use\":\"training\"}}"),
                 0, "%s", xg_error_message());
    cr_assert_str_eq(r.country, "CN");
    cr_assert_str_eq(r.headquarters, "CN");
    cr_assert_str_eq(r.source_region, "UA-43");
    cr_assert_str_eq(r.policy, "provider");
    cr_assert_str_eq(r.as_of, "2026-11-22");
    json_decref(r.json);
    cr_assert_eq(parse(&r, &a,
                       "{\"customer\":{\"name\":\"X\",\"owners\":[{\"name\":\"Y\"},"
                       "{\"name\":\"Z\",\"percent\":\"60\"}]},\"resource\":{\"item\":\"H100\"}}"),
                 XG_EINVAL);
    cr_assert(strstr(xg_error_message(), "customer.owners[1].percent"), "%s", xg_error_message());
    cr_assert_eq(parse(&r, &a,
                       "{\"customer\":{\"name\":\"X\"},\"resource\":{\"item\":\"H100\"},"
                       "\"intermediaries\":[{\"name\":\"R\",\"names_end_user\":\"no\"}]}"),
                 XG_EINVAL);
    cr_assert(strstr(xg_error_message(), "intermediaries[0].names_end_user"));
    cr_assert_eq(parse(&r, &a, "{\"customer\":{\"name\":\"\"},\"resource\":{\"item\":\"H100\"}}"),
                 XG_EINVAL);
    xg_arena_free(&a);
}

static own_graph build(xg_arena *a, dreq *r, const char *json)
{
    cr_assert_eq(parse(r, a, json), 0, "%s", xg_error_message());
    own_graph g;
    cr_assert_eq(own_build(&g, a, r, NULL, 12), 0);
    return g;
}

static bool pred_name_starts_l(const own_node *n, void *ctx)
{
    return n->name[0] == 'L';
}

Test(policy_ownership, multiplies_along_paths_and_sums_over_paths)
{
    xg_arena a;
    xg_arena_init(&a, 4096);
    dreq r;
    /* C ← A 60 % ← L1 50 %; C ← B 40 % ← L1 50 %; C ← L2 10 % : L1 holds 30 + 20 = 50 %. */
    own_graph g =
        build(&a, &r,
              "{\"customer\":{\"name\":\"C\",\"owners\":["
              "{\"name\":\"A\",\"percent\":60,\"owners\":[{\"name\":\"L1\",\"percent\":50}]},"
              "{\"name\":\"B\",\"percent\":40,\"owners\":[{\"name\":\"L1\",\"percent\":50}]},"
              "{\"name\":\"L2\",\"percent\":10}]},\"resource\":{\"item\":\"x\"}}");
    int l1 = -1;
    for (size_t i = 0; i < g.nnodes; i++)
        if (!strcmp(g.nodes[i].name, "L1")) l1 = (int)i;
    cr_assert(l1 > 0);
    cr_assert_float_eq(g.nodes[l1].share, 0.5, 1e-9);
    bool controlled;
    double held = own_share_held(&g, pred_name_starts_l, NULL, 0.5, &controlled);
    cr_assert_float_eq(held, 0.6, 1e-9); /* L1 50 % + L2 10 % */
    cr_assert(controlled);
    cr_assert_eq(json_array_size(g.cycles), 0);
    own_free(&g);
    json_decref(r.json);
    xg_arena_free(&a);
}

Test(policy_ownership, ofac_reading_counts_majority_owned_entities)
{
    xg_arena a;
    xg_arena_init(&a, 4096);
    dreq r;
    /* L owns 60 % of M, M owns 60 % of C: 36 % by multiplication, blocked by OFAC's reading. */
    own_graph g =
        build(&a, &r,
              "{\"customer\":{\"name\":\"C\",\"owners\":[{\"name\":\"M\",\"percent\":60,"
              "\"owners\":[{\"name\":\"L\",\"percent\":60}]}]},\"resource\":{\"item\":\"x\"}}");
    bool controlled;
    double held = own_share_held(&g, pred_name_starts_l, NULL, 0.5, &controlled);
    cr_assert_float_eq(held, 0.36, 1e-9);
    cr_assert(controlled);
    cr_assert_eq(g.ultimate_parent, 2, "majority chain C ← M ← L");
    own_free(&g);
    json_decref(r.json);
    xg_arena_free(&a);
}

Test(policy_ownership, cycles_and_missing_percent_are_reported)
{
    xg_arena a;
    xg_arena_init(&a, 4096);
    dreq r;
    own_graph g = build(&a, &r,
                        "{\"customer\":{\"name\":\"C\",\"owners\":[{\"name\":\"A\",\"percent\":60,"
                        "\"owners\":[{\"name\":\"C\",\"percent\":50},{\"name\":\"Q\"}]}]},"
                        "\"resource\":{\"item\":\"x\"}}");
    cr_assert_eq(json_array_size(g.cycles), 1);
    bool q = false;
    for (size_t i = 0; i < json_array_size(g.missing); i++)
        q |= strstr(json_string_value(json_array_get(g.missing, i)), "percent of Q") != NULL;
    cr_assert(q, "missing percent of Q reported");
    own_free(&g);
    json_decref(r.json);
    xg_arena_free(&a);
}
