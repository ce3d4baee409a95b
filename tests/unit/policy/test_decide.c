/* The decision engine through its public API with the real bundled lists and catalog: outcomes,
 * the record written before the answer, replay, dry runs, and several threads deciding on one
 * store (the HTTP service's case) leaving an intact chain. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xgate/decide.h"
#include "xgate/error.h"

static xg_text_ctx *T;
static xg_snapshot *S;
static xg_catalog *C;
static xg_policy_set *P;
static xg_store *DB;
static char dbpath[128];

static void setup(void)
{
    cr_assert_eq(xg_text_ctx_load(&T, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_snapshot_load(&S, NULL, 0, 0, T), 0, "%s", xg_error_message());
    cr_assert_eq(xg_catalog_load(&C, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_policy_load(&P, NULL), 0, "%s", xg_error_message());
    snprintf(dbpath, sizeof dbpath, "sqlite:/tmp/xg-decide-test-%d.db", getpid());
    cr_assert_eq(xg_store_open(&DB, dbpath), 0, "%s", xg_error_message());
}

static void teardown(void)
{
    xg_store_close(DB);
    xg_policy_free(P);
    xg_catalog_free(C);
    xg_snapshot_unref(S);
    xg_text_ctx_free(T);
    char p[160];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", dbpath + 7, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
        unlink(p);
    }
}

TestSuite(policy_decide, .init = setup, .fini = teardown, .timeout = 0);

static json_t *decide(const char *req, const char *policy, xg_store *store)
{
    json_t *r = json_loads(req, 0, NULL), *resp = NULL;
    cr_assert_not_null(r);
    xg_decide_ctx ctx = {S, C, P, store, policy, "2026-11-22", NULL, NULL};
    cr_assert_eq(xg_decide(&resp, &ctx, r), 0, "%s", xg_error_message());
    json_decref(r);
    return resp;
}

static const char *outcome(const json_t *r)
{
    return json_string_value(json_object_get(r, "decision"));
}

Test(policy_decide, profiles_differ_where_the_table_says)
{
    const char *req =
        "{\"customer\":{\"name\":\"Nordlicht Rechenzentrum GmbH\",\"country\":\"DE\","
        "\"ultimate_parent\":{\"name\":\"Hangzhou Lanxin Technology\",\"headquarters\":"
        "\"CN\"}},\"resource\":{\"item\":\"p5.48xlarge\"},\"access\":{\"source_country\":"
        "\"DE\",\"end_use\":\"training\"}}";
    const char *want[][2] = {
        {"ear", "REVIEW"}, {"remote-access", "LICENSE_REQUIRED"}, {"provider", "LICENSE_REQUIRED"}};
    for (int i = 0; i < 3; i++) {
        json_t *r = decide(req, want[i][0], NULL);
        cr_assert_str_eq(outcome(r), want[i][1], "%s", want[i][0]);
        cr_assert(json_is_null(json_object_get(r, "decision_id")), "dry run records nothing");
        json_decref(r);
    }
}

Test(policy_decide, recorded_before_answered_and_replayed)
{
    json_t *r = decide("{\"customer\":{\"name\":\"Sichuan University\",\"country\":\"CN\"},"
                       "\"resource\":{\"item\":\"Claude\"}}",
                       NULL, DB);
    cr_assert_str_eq(outcome(r), "DENY");
    const char *id = json_string_value(json_object_get(r, "decision_id"));
    cr_assert_not_null(id);
    json_t *stored;
    cr_assert_eq(xg_store_decision_get(&stored, DB, id), 0);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(stored, "audit"), "seq")),
                 json_integer_value(json_object_get(json_object_get(r, "audit"), "seq")));
    json_decref(stored);
    json_t *rp;
    xg_decide_ctx ctx = {S, C, P, DB, NULL, NULL, NULL, NULL};
    cr_assert_eq(xg_decide_replay(&rp, &ctx, id), 0, "%s", xg_error_message());
    cr_assert(json_is_true(json_object_get(rp, "holds")));
    cr_assert_eq(json_array_size(json_object_get(rp, "versions_differ")), 0);
    json_decref(rp);
    cr_assert_eq(xg_decide_replay(&rp, &ctx, "dec_none"), XG_ENOTFOUND);
    json_decref(r);
}

Test(policy_decide, errors_name_the_field)
{
    json_t *r = json_loads("{\"customer\":{\"name\":\"X\"},\"resource\":{\"item\":\"Z80\"}}", 0,
                           NULL),
           *resp;
    xg_decide_ctx ctx = {S, C, P, NULL, NULL, NULL, NULL, NULL};
    cr_assert_neq(xg_decide(&resp, &ctx, r), 0);
    cr_assert(strstr(xg_error_message(), "resource.item"), "%s", xg_error_message());
    json_decref(r);
    ctx.default_policy = "nope";
    r = json_loads("{\"customer\":{\"name\":\"X\"},\"resource\":{\"item\":\"H100\"}}", 0, NULL);
    cr_assert_eq(xg_decide(&resp, &ctx, r), XG_ENOTFOUND);
    cr_assert(strstr(xg_error_message(), "policy"));
    json_decref(r);
}

static void *worker(void *arg)
{
    for (int i = 0; i < 10; i++) {
        char req[256];
        snprintf(req, sizeof req,
                 "{\"customer\":{\"name\":\"Worker %ld Customer %d Ltd\",\"country\":\"GB\"},"
                 "\"resource\":{\"item\":\"g4dn.xlarge\"}}",
                 (long)(intptr_t)arg, i);
        json_t *r = json_loads(req, 0, NULL), *resp;
        xg_decide_ctx ctx = {S, C, P, DB, NULL, "2026-11-22", NULL, NULL};
        if (xg_decide(&resp, &ctx, r)) return (void *)1;
        json_decref(resp);
        json_decref(r);
    }
    return NULL;
}

Test(policy_decide, threads_share_one_store_and_the_chain_holds)
{
    json_t *v0;
    cr_assert_eq(xg_store_audit_verify(&v0, DB), 0);
    json_int_t before = json_integer_value(json_object_get(v0, "rows"));
    json_decref(v0);
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++) {
        void *rc;
        pthread_join(t[i], &rc);
        cr_assert_null(rc, "a worker failed");
    }
    json_t *v;
    cr_assert_eq(xg_store_audit_verify(&v, DB), 0);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), before + 40);
    json_decref(v);
}

/* The facts are stored with the decision: a license added later leaves a replay over them
 * unchanged, a replay over the current store changes and names the license. */
Test(policy_decide, replay_over_stored_facts_or_the_current_store)
{
    json_t *cust = json_loads("{\"id\":\"c-rp\",\"name\":\"Replay Compute Ltd\",\"country\":"
                              "\"CN\",\"verification\":\"verified\"}",
                              0, NULL);
    char *cid;
    cr_assert_eq(xg_store_customer_put(&cid, DB, cust), 0, "%s", xg_error_message());
    free(cid);
    json_decref(cust);
    json_t *r =
        decide("{\"customer\":{\"id\":\"c-rp\"},\"resource\":{\"item\":\"H100\"}}", "ear", DB);
    cr_assert_str_eq(outcome(r), "LICENSE_REQUIRED");
    const char *id = json_string_value(json_object_get(r, "decision_id"));
    json_t *stored;
    cr_assert_eq(xg_store_decision_get(&stored, DB, id), 0);
    const json_t *facts = json_object_get(stored, "facts");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(facts, "customer"), "name")),
                     "Replay Compute Ltd");
    cr_assert_eq(json_array_size(json_object_get(facts, "licenses")), 0);
    json_decref(stored);
    json_t *lic = json_loads("{\"number\":\"L-RP-1\",\"party\":\"c-rp\",\"items\":[\"3A090\"],"
                             "\"destinations\":[\"CN\"],\"valid_from\":\"2026-01-01\"}",
                             0, NULL);
    cr_assert_eq(xg_store_license_add(DB, lic), 0, "%s", xg_error_message());
    json_decref(lic);
    xg_decide_ctx ctx = {S, C, P, DB, NULL, NULL, NULL, NULL};
    json_t *rp;
    cr_assert_eq(xg_decide_replay_with(&rp, &ctx, id, XG_REPLAY_STORED_FACTS), 0, "%s",
                 xg_error_message());
    cr_assert(json_is_true(json_object_get(rp, "holds")));
    cr_assert_str_eq(json_string_value(json_object_get(rp, "facts_used")), "stored");
    cr_assert_eq(json_array_size(json_object_get(rp, "facts_differ")), 1);
    json_decref(rp);
    cr_assert_eq(xg_decide_replay_with(&rp, &ctx, id, XG_REPLAY_CURRENT_STORE), 0, "%s",
                 xg_error_message());
    cr_assert(json_is_false(json_object_get(rp, "holds")));
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(rp, "replayed"), "decision")), "ALLOW");
    const char *why = json_string_value(json_array_get(json_object_get(rp, "facts_differ"), 0));
    cr_assert(why && !strncmp(why, "licenses: added L-RP-1 for c-rp", 31), "%s", why);
    cr_assert_eq(json_array_size(json_object_get(rp, "versions_differ")), 0);
    json_decref(rp);
    json_decref(r);
}

/* A decision recorded without facts (as before they were stored) keeps verifying in the chain
 * and replays over the current store, saying so. */
Test(policy_decide, decision_without_facts_replays_over_the_current_store)
{
    json_t *req = json_loads("{\"customer\":{\"name\":\"Old Row Ltd\",\"country\":\"GB\"},"
                             "\"resource\":{\"item\":\"g4dn.xlarge\"}}",
                             0, NULL);
    json_t *resp = decide("{\"customer\":{\"name\":\"Old Row Ltd\",\"country\":\"GB\"},"
                          "\"resource\":{\"item\":\"g4dn.xlarge\"}}",
                          NULL, NULL);
    cr_assert_eq(xg_store_decision_record(DB, resp, req), 0, "%s", xg_error_message());
    const char *id = json_string_value(json_object_get(resp, "decision_id"));
    json_t *stored;
    cr_assert_eq(xg_store_decision_get(&stored, DB, id), 0);
    cr_assert(json_is_null(json_object_get(stored, "facts")));
    json_decref(stored);
    json_t *v;
    cr_assert_eq(xg_store_audit_verify(&v, DB), 0);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    json_decref(v);
    xg_decide_ctx ctx = {S, C, P, DB, NULL, NULL, NULL, NULL};
    json_t *rp;
    cr_assert_eq(xg_decide_replay(&rp, &ctx, id), 0, "%s", xg_error_message());
    cr_assert(json_is_true(json_object_get(rp, "holds")));
    cr_assert_str_eq(json_string_value(json_object_get(rp, "facts_used")), "current store");
    cr_assert(json_is_null(json_object_get(rp, "facts_differ")));
    cr_assert(strstr(json_string_value(json_object_get(rp, "note")), "before facts were stored"));
    json_decref(rp);
    json_decref(resp);
    json_decref(req);
}

/* The screening cache (decide.c) answers for one snapshot only: a name listed in one snapshot and
 * not in another is a hit under the first and clean under the second, in any order, however often
 * the same name comes back. */
Test(policy_decide, screening_cache_follows_the_snapshot)
{
    char dir[64], path[96];
    snprintf(dir, sizeof dir, "/tmp/xg-scache-%d", getpid());
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(path, sizeof path, "%s/inhouse.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("id,source,name,country\nX1,In-house test list,Nordlicht Zeta Compute GmbH,DE\n", f);
    fclose(f);
    const char *paths[] = {path};
    xg_snapshot *listed;
    cr_assert_eq(xg_snapshot_load(&listed, paths, 1, 0, T), 0, "%s", xg_error_message());
    json_t *r = json_loads("{\"customer\":{\"name\":\"Nordlicht Zeta Compute GmbH\",\"country\":"
                           "\"DE\"},\"resource\":{\"item\":\"p5.48xlarge\"},\"access\":{"
                           "\"source_country\":\"DE\"}}",
                           0, NULL);
    cr_assert_not_null(r);
    for (int round = 0; round < 3; round++)
        for (int k = 0; k < 2; k++) {
            xg_decide_ctx ctx = {k ? listed : S, C, P, NULL, NULL, "2026-11-22", NULL, NULL};
            json_t *resp = NULL;
            cr_assert_eq(xg_decide(&resp, &ctx, r), 0, "%s", xg_error_message());
            const json_t *hits =
                json_object_get(json_array_get(json_object_get(resp, "parties"), 0), "screening");
            cr_assert_eq(json_array_size(hits), k ? 1u : 0u, "round %d, %s lists", round,
                         k ? "the in-house" : "the bundled");
            json_decref(resp);
        }
    json_decref(r);
    xg_snapshot_unref(listed);
    unlink(path);
    rmdir(dir);
}

/* The classification cache (decide.c) answers for one catalog and one as-of date only: the same
 * item decided as of dates under different regimes, in turn and again, gets each date's own
 * classification, the one xg_classify_item gives; and a catalog freed and loaded again (possibly
 * at the same address, same version) never leaves the cache pointing into freed memory (the
 * sanitised build checks). */
Test(policy_decide, classification_cache_follows_the_date_and_the_catalog)
{
    const char *dates[] = {"2023-06-01", "2026-11-22", "2025-05-20"};
    const char *items[] = {"H100", "H20", "p5.48xlarge"};
    json_t *want[3][3];
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            xg_classification *cl;
            cr_assert_eq(xg_classify_item(&cl, C, items[i], dates[k]), 0, "%s", xg_error_message());
            want[i][k] = json_incref(cl->json);
            xg_classification_free(cl);
        }
    /* the dates give different classifications, or the test would prove nothing */
    cr_assert(!json_equal(want[0][0], want[0][1]), "H100: 2023-06-01 and 2026-11-22 differ");
    cr_assert(!json_equal(want[1][1], want[1][2]), "H20: 2026-11-22 and 2025-05-20 differ");
    xg_catalog *cat = C;
    for (int round = 0; round < 4; round++) {
        if (round == 2) { /* a new catalog, as a reload would give */
            xg_catalog *c2;
            cr_assert_eq(xg_catalog_load(&c2, NULL), 0, "%s", xg_error_message());
            cat = c2;
        }
        if (round == 3) { /* and that one freed, another loaded: its address may be the same */
            xg_catalog_free(cat);
            cr_assert_eq(xg_catalog_load(&cat, NULL), 0, "%s", xg_error_message());
        }
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) {
                char req[256];
                snprintf(req, sizeof req,
                         "{\"customer\":{\"name\":\"Nordlicht Rechenzentrum GmbH\",\"country\":"
                         "\"DE\"},\"resource\":{\"item\":\"%s\"},\"access\":{\"source_country\":"
                         "\"DE\"},\"as_of\":\"%s\"}",
                         items[i], dates[k]);
                json_t *r = json_loads(req, 0, NULL), *resp = NULL;
                cr_assert_not_null(r);
                xg_decide_ctx ctx = {S, cat, P, NULL, NULL, NULL, NULL, NULL};
                cr_assert_eq(xg_decide(&resp, &ctx, r), 0, "%s", xg_error_message());
                cr_assert(json_equal(json_object_get(resp, "classification"), want[i][k]),
                          "round %d: %s as of %s", round, items[i], dates[k]);
                json_decref(resp);
                json_decref(r);
            }
    }
    if (cat != C) xg_catalog_free(cat);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            json_decref(want[i][k]);
}

/* Several threads deciding over every catalog item as of three dates, each in its own order: more
 * keys than the classification cache has slots, so entries are replaced while other decisions
 * hold them; every answer's classification is still the one xg_classify_item gives (and the
 * sanitised build sees no use after free). */
typedef struct {
    int seed, done, wrong;
} cls_thread_arg;

static const char *const cls_dates[] = {"2023-06-01", "2025-05-20", "2026-11-22"};

static void *cls_thread(void *p)
{
    cls_thread_arg *a = p;
    size_t n = xg_catalog_size(C);
    for (size_t k = 0; k < 3 * n; k++) {
        size_t j = (k * 7919 + (size_t)a->seed * 104729) % (3 * n);
        const xg_catalog_entry *e = xg_catalog_entry_at(C, j / 3);
        const char *date = cls_dates[j % 3];
        json_t *r = json_pack("{s:{s:s,s:s},s:{s:s},s:{s:s},s:s}", "customer", "name",
                              "Nordlicht Rechenzentrum GmbH", "country", "DE", "resource", "item",
                              e->name, "access", "source_country", "DE", "as_of", date);
        xg_decide_ctx ctx = {S, C, P, NULL, NULL, NULL, NULL, NULL};
        json_t *resp = NULL;
        xg_classification *cl = NULL;
        if (r && xg_decide(&resp, &ctx, r) == 0 && xg_classify_item(&cl, C, e->name, date) == 0) {
            a->done++;
            if (!json_equal(json_object_get(resp, "classification"), cl->json)) a->wrong++;
        }
        if (cl) xg_classification_free(cl);
        json_decref(resp);
        json_decref(r);
    }
    return NULL;
}

Test(policy_decide, classification_cache_under_threads)
{
    size_t n = xg_catalog_size(C);
    cr_assert_gt(3 * n, 256u, "more keys than cache slots");
    pthread_t t[4];
    cls_thread_arg a[4] = {{1, 0, 0}, {2, 0, 0}, {3, 0, 0}, {4, 0, 0}};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, cls_thread, &a[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(a[i].wrong, 0, "thread %d: %d of %d classifications differ", i, a[i].wrong,
                     a[i].done);
        cr_assert_gt((size_t)a[i].done, 3 * n / 2, "thread %d decided %d of %zu", i, a[i].done,
                     3 * n);
    }
}
