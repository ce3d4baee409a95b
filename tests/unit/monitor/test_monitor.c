/*
 * test_monitor.c — reverse screening and monitor runs: the party index finds exactly the hits a
 * forward screen finds (same scores), fingerprints follow the fields that matter, webhook
 * signatures are HMAC-SHA256, and runs over a store open, suppress and close alerts.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <unistd.h>

#include "../store_temp.h"
#include "xgate/error.h"
#include "xgate/monitor.h"

static xg_text_ctx *text;

static xg_snapshot *load(const char *file)
{
    const char *sh = getenv("XGATE_SHARED") ? getenv("XGATE_SHARED") : "/work/shared";
    char path[1024];
    snprintf(path, sizeof path, "%s/data/lists/%s", sh, file);
    const char *p[] = {path};
    if (!text) cr_assert_eq(xg_text_ctx_load(&text, NULL), 0, "%s", xg_error_message());
    xg_snapshot *s;
    cr_assert_eq(xg_snapshot_load(&s, p, 1, 0, text), 0, "%s", xg_error_message());
    return s;
}

static const char *const parties[] = {"Huawei Technologies Co Ltd",
                                      "Qihoo 360 Technology",
                                      "China Mobile Comm",
                                      "Aviation Industry Corp of China",
                                      "Nordwind Optics AG",
                                      "Helios Quantum Analytics Ltd",
                                      "Zhejiang Dahua Technology",
                                      "Hikvision Digital Technology",
                                      "Sinochem Group",
                                      "Amber Birch Logistics GmbH"};
#define NPARTIES (sizeof parties / sizeof *parties)

Test(party_index, finds_what_forward_screening_finds_with_the_same_scores)
{
    xg_snapshot *s = load("dod_1260h_2026.xgate.csv");
    xg_party_index *pi;
    cr_assert_eq(xg_party_index_new(&pi, text), 0);
    for (size_t i = 0; i < NPARTIES; i++)
        cr_assert_eq(xg_party_index_add_name(pi, (uint32_t)i, parties[i]), 0);
    cr_assert_eq(xg_party_index_finish(pi), 0);
    cr_assert_eq(xg_party_index_names(pi), NPARTIES);
    const xg_listset *l = xg_snapshot_lists(s);
    /* forward: every party screened against all lists, limit high enough to see every match */
    size_t forward = 0, reverse = 0;
    for (size_t p = 0; p < NPARTIES; p++) {
        xg_screen_query q = {.name = parties[p], .threshold = -1, .limit = 1000};
        xg_screen_result *r;
        cr_assert_eq(xg_screen(&r, s, &q), 0);
        for (size_t m = 0; m < r->nmatches; m++) {
            size_t rec = (size_t)(r->matches[m].record - l->records);
            xg_party_hit *h;
            size_t nh;
            cr_assert_eq(xg_party_index_screen(&h, &nh, pi, s, rec, -1), 0);
            int found = 0;
            for (size_t k = 0; k < nh; k++)
                if (h[k].party == p) {
                    found = 1;
                    cr_expect(fabs(h[k].score - r->matches[m].score) < 1e-9,
                              "%s vs %s: reverse %f, forward %f", parties[p], l->records[rec].name,
                              h[k].score, r->matches[m].score);
                    cr_expect(h[k].explanation != NULL);
                }
            cr_expect(found, "%s ~ %s found forward, not by the party index", parties[p],
                      l->records[rec].name);
            xg_party_hits_free(h, nh);
            forward++;
        }
        xg_screen_result_free(r);
    }
    /* reverse: every hit of the index is a forward match */
    for (size_t rec = 0; rec < l->nrecords; rec++) {
        xg_party_hit *h;
        size_t nh;
        cr_assert_eq(xg_party_index_screen(&h, &nh, pi, s, rec, -1), 0);
        for (size_t k = 0; k < nh; k++) {
            xg_screen_query q = {.name = parties[h[k].party], .threshold = -1, .limit = 1000};
            xg_screen_result *r;
            cr_assert_eq(xg_screen(&r, s, &q), 0);
            int found = 0;
            for (size_t m = 0; m < r->nmatches; m++)
                found |= r->matches[m].record == &l->records[rec];
            cr_expect(found, "index hit %s ~ %s is not a forward match", parties[h[k].party],
                      l->records[rec].name);
            xg_screen_result_free(r);
            reverse++;
        }
        xg_party_hits_free(h, nh);
    }
    cr_expect(forward >= 3, "only %zu forward matches: the test needs some", forward);
    cr_expect_eq(forward, reverse);
    xg_party_index_free(pi);
    xg_snapshot_unref(s);
}

/* An index restricted to some records (a monitor run's delta) keeps only the names sharing a key
 * with them, yet screening those records gives exactly the hits, scores and explanations of the
 * full index; other records are refused. */
Test(party_index, restricted_to_the_delta_gives_the_same_hits)
{
    xg_snapshot *s = load("dod_1260h_2026.xgate.csv");
    const xg_listset *l = xg_snapshot_lists(s);
    /* the delta: every third record */
    size_t recs[512], nrecs = 0;
    for (size_t r = 0; r < l->nrecords && nrecs < 512; r += 3)
        recs[nrecs++] = r;
    cr_assert_gt(nrecs, 10);
    xg_party_index *full, *part;
    cr_assert_eq(xg_party_index_new(&full, text), 0);
    cr_assert_eq(xg_party_index_new(&part, text), 0);
    cr_assert_eq(xg_party_index_restrict(part, s, recs, nrecs), 0);
    cr_assert_neq(xg_party_index_restrict(part, s, recs, nrecs), 0, "restricted twice");
    /* parties: the fixed ones, the listed names themselves and variants of them, and filler */
    char name[512];
    uint32_t n = 0;
    for (size_t i = 0; i < NPARTIES; i++, n++) {
        cr_assert_eq(xg_party_index_add_name(full, n, parties[i]), 0);
        cr_assert_eq(xg_party_index_add_name(part, n, parties[i]), 0);
    }
    for (size_t r = 0; r < l->nrecords; r += 2, n++) {
        snprintf(name, sizeof name, r % 4 ? "%s" : "%s Holding Ltd", l->records[r].name);
        cr_assert_eq(xg_party_index_add_name(full, n, name), 0);
        cr_assert_eq(xg_party_index_add_name(part, n, name), 0);
    }
    for (int i = 0; i < 300; i++, n++) {
        snprintf(name, sizeof name, "Zorblat %d Quixom Fabrik", i);
        cr_assert_eq(xg_party_index_add_name(full, n, name), 0);
        cr_assert_eq(xg_party_index_add_name(part, n, name), 0);
    }
    cr_assert_eq(xg_party_index_finish(full), 0);
    cr_assert_eq(xg_party_index_finish(part), 0);
    cr_assert_eq(xg_party_index_names(full), xg_party_index_names(part));
    size_t hits = 0;
    for (size_t i = 0; i < nrecs; i++) {
        xg_party_hit *a, *b;
        size_t na, nb;
        cr_assert_eq(xg_party_index_screen(&a, &na, full, s, recs[i], -1), 0);
        cr_assert_eq(xg_party_index_screen(&b, &nb, part, s, recs[i], -1), 0);
        cr_assert_eq(na, nb, "%s: %zu hits in full, %zu restricted", l->records[recs[i]].name, na,
                     nb);
        for (size_t k = 0; k < na; k++) {
            cr_expect_eq(a[k].party, b[k].party);
            cr_expect_eq(a[k].score, b[k].score);
            cr_expect_str_eq(a[k].party_name, b[k].party_name);
            cr_expect_str_eq(a[k].matched, b[k].matched);
            cr_expect(json_equal(a[k].explanation, b[k].explanation));
        }
        hits += na;
        xg_party_hits_free(a, na);
        xg_party_hits_free(b, nb);
    }
    cr_expect_gt(hits, nrecs / 2, "only %zu hits: the test needs many", hits);
    xg_party_hit *h;
    size_t nh;
    cr_expect_neq(xg_party_index_screen(&h, &nh, part, s, 1, -1), 0,
                  "record 1 is not in the delta");
    xg_party_index_free(full);
    xg_party_index_free(part);
    xg_snapshot_unref(s);
}

Test(party_index, identifiers_match_exactly)
{
    xg_snapshot *s = load("eu_833_annex_iv_2026.xgate.csv");
    const xg_listset *l = xg_snapshot_lists(s);
    size_t rec = 0;
    while (rec < l->nrecords && !l->records[rec].nids)
        rec++;
    cr_assert_lt(rec, l->nrecords);
    xg_party_index *pi;
    cr_assert_eq(xg_party_index_new(&pi, text), 0);
    cr_assert_eq(xg_party_index_add_name(pi, 0, "Unrelated Name GmbH"), 0);
    char id[256];
    snprintf(id, sizeof id, "INN:%s", l->records[rec].ids[0].value);
    cr_assert_eq(xg_party_index_add_id(pi, 0, id), 0);
    cr_assert_eq(xg_party_index_finish(pi), 0);
    xg_party_hit *h;
    size_t nh;
    cr_assert_eq(xg_party_index_screen(&h, &nh, pi, s, rec, -1), 0);
    cr_assert_eq(nh, 1);
    cr_expect_eq(h[0].score, 1.0);
    cr_expect_str_eq(json_string_value(json_object_get(h[0].explanation, "method")), "identifier");
    xg_party_hits_free(h, nh);
    cr_assert_eq(xg_party_index_add_name(pi, 1, "late"), XG_EINVAL); /* finished */
    xg_party_index_free(pi);
    xg_snapshot_unref(s);
}

Test(fingerprint, follows_the_fields_that_matter)
{
    const char *a1[] = {"Alpha", "Beta"}, *a2[] = {"Beta", "Alpha"}, *a3[] = {"Alpha", "Gamma"};
    xg_record r = {.id = "1", .name = "Acme", .aliases = a1, .naliases = 2};
    char f1[33], f2[33], f3[33], f4[33];
    xg_monitor_entry_fingerprint(f1, &r);
    r.aliases = a2; /* order is not a change */
    xg_monitor_entry_fingerprint(f2, &r);
    cr_expect_str_eq(f1, f2);
    r.aliases = a3;
    xg_monitor_entry_fingerprint(f3, &r);
    cr_expect_str_neq(f1, f3);
    r.aliases = a1;
    r.remarks = "remarks do not matter";
    r.line = 99;
    xg_monitor_entry_fingerprint(f4, &r);
    cr_expect_str_eq(f1, f4);
    r.end_date = "2026-01-01";
    xg_monitor_entry_fingerprint(f4, &r);
    cr_expect_str_neq(f1, f4);
    cr_expect_eq(strlen(f1), 32);
}

Test(webhook, signature_is_hmac_sha256)
{
    /* RFC 4231, test case 2 */
    char sig[65];
    const char *body = "what do ya want for nothing?";
    xg_monitor_sign(sig, (const unsigned char *)"Jefe", 4, body, strlen(body));
    cr_expect_str_eq(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static temp_store tmp;

static xg_store *fresh(void)
{
    xg_store *st = temp_store_open(&tmp, "monitor");
    return st;
}

static void cleanup(xg_store *st)
{
    temp_store_remove(&tmp, st);
}

Test(monitor_run, opens_once_suppresses_cleared_pairs_and_verifies)
{
    xg_snapshot *s = load("dod_1260h_2026.xgate.csv");
    xg_store *st = fresh();
    char *id;
    json_t *c = json_pack("{s:s,s:s}", "name", "Huawei Technologies Co Ltd", "country", "CN");
    cr_assert_eq(xg_store_customer_put(&id, st, c), 0, "%s", xg_error_message());
    free(id);
    json_decref(c);
    json_t *r;
    cr_assert_eq(xg_monitor_run(&r, st, s, text, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(json_array_size(json_object_get(r, "opened")), 1);
    const char *aid =
        json_string_value(json_object_get(json_array_get(json_object_get(r, "opened"), 0), "id"));
    char alert_id[64];
    snprintf(alert_id, sizeof alert_id, "%s", aid);
    json_decref(r);
    xg_monitor_opts full = {.threshold = -1, .full = 1, .chunk = 7};
    cr_assert_eq(xg_monitor_run(&r, st, s, text, &full), 0);
    cr_expect_eq(json_array_size(json_object_get(r, "opened")), 0);
    cr_expect_eq(json_integer_value(json_object_get(r, "still_open")), 1);
    json_decref(r);
    cr_assert_eq(xg_store_alert_resolve(&r, st, alert_id, "clear", "test", "unit"), 0);
    json_decref(r);
    cr_assert_eq(xg_monitor_run(&r, st, s, text, &full), 0);
    cr_expect_eq(json_array_size(json_object_get(r, "opened")), 0);
    cr_expect_eq(json_integer_value(json_object_get(r, "suppressed")), 1);
    json_decref(r);
    cr_expect_eq(xg_store_alert_resolve(&r, st, alert_id, "confirm", "x", "unit"), XG_EINVAL);
    cr_expect_eq(xg_store_alert_resolve(&r, st, "alr_none", "clear", "x", "unit"), XG_ENOTFOUND);
    xg_monitor_opts bad = {.threshold = 1.5};
    cr_expect_eq(xg_monitor_run(&r, st, s, text, &bad), XG_EINVAL);
    cr_assert_eq(xg_store_audit_verify(&r, st), 0);
    cr_expect(json_is_true(json_object_get(r, "ok")));
    json_decref(r);
    cleanup(st);
    xg_snapshot_unref(s);
}

static int strcmp_p(const char *const *a, const char *const *b)
{
    return strcmp(*a, *b);
}

/* The pairs (party key, entry key) of an alert list, sorted, one string. */
static char *alert_pairs(const json_t *alerts)
{
    size_t n = json_array_size(alerts), len = 1;
    char **v = calloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const json_t *a = json_array_get(alerts, i);
        const char *p = json_string_value(json_object_get(json_object_get(a, "party"), "key"));
        const char *e = json_string_value(json_object_get(json_object_get(a, "entry"), "key"));
        cr_assert(p && e);
        cr_assert(asprintf(&v[i], "%s|%s;", p, e) > 0);
        len += strlen(v[i]);
    }
    qsort(v, n, sizeof *v, (int (*)(const void *, const void *))strcmp_p);
    char *out = calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        strcat(out, v[i]);
        free(v[i]);
    }
    free(v);
    return out;
}

static volatile int cancel_flag;
static void cancel_after_first_chunk(size_t done, size_t total, void *ctx)
{
    (void)total;
    (void)ctx;
    if (done > 0) cancel_flag = 1;
}

static int count_row(void *ctx, int n, char **v, char **names)
{
    (void)names;
    if (n == 2 && v[0] && v[1]) {
        ((int *)ctx)[0]++;
        if (strstr(v[1], "\"cancelled\": true") || strstr(v[1], "\"cancelled\":true"))
            ((int *)ctx)[1]++;
    }
    return 0;
}

Test(monitor_run, a_cancelled_run_is_completed_by_the_next)
{
    xg_snapshot *s = load("dod_1260h_2026.xgate.csv");
    /* the reference: one run to the end on a store of its own */
    xg_store *ref = fresh();
    temp_store ref_tmp = tmp;
    for (size_t i = 0; i < NPARTIES; i++) {
        char *id;
        json_t *c = json_pack("{s:s}", "name", parties[i]);
        cr_assert_eq(xg_store_customer_put(&id, ref, c), 0, "%s", xg_error_message());
        free(id);
        json_decref(c);
    }
    json_t *r;
    xg_monitor_opts o = {.threshold = -1, .chunk = 20};
    cr_assert_eq(xg_monitor_run(&r, ref, s, text, &o), 0, "%s", xg_error_message());
    cr_assert_null(json_object_get(r, "cancelled"));
    char *want = alert_pairs(json_object_get(r, "opened"));
    cr_assert(json_array_size(json_object_get(r, "opened")) >= 3, "%s", want);
    json_decref(r);
    temp_store_remove(&ref_tmp, ref);

    /* the same, cancelled after its first chunk, then run again */
    xg_store *st = fresh();
    for (size_t i = 0; i < NPARTIES; i++) {
        char *id;
        json_t *c = json_pack("{s:s}", "name", parties[i]);
        cr_assert_eq(xg_store_customer_put(&id, st, c), 0, "%s", xg_error_message());
        free(id);
        json_decref(c);
    }
    cancel_flag = 0;
    xg_monitor_opts oc = {
        .threshold = -1, .chunk = 20, .progress = cancel_after_first_chunk, .cancel = &cancel_flag};
    cr_assert_eq(xg_monitor_run(&r, st, s, text, &oc), 0, "%s", xg_error_message());
    cr_assert(json_is_true(json_object_get(r, "cancelled")));
    /* the delta: every entry in force (the delisted ones are not) */
    json_int_t entries = json_integer_value(json_object_get(json_object_get(r, "delta"), "added"));
    cr_assert(entries > 40);
    cr_assert_eq(json_integer_value(json_object_get(r, "entries_left")), entries - 20);
    json_t *first = json_deep_copy(json_object_get(r, "opened"));
    json_decref(r);
    if (!tmp.pg) {
        sqlite3 *db;
        cr_assert_eq(sqlite3_open(tmp.path, &db), SQLITE_OK);
        int counts[2] = {0, 0};
        cr_assert_eq(
            sqlite3_exec(db, "SELECT id, stats FROM monitor_runs", count_row, counts, NULL),
            SQLITE_OK);
        sqlite3_close(db);
        cr_expect_eq(counts[0], 1, "the cancelled run is recorded");
        cr_expect_eq(counts[1], 1, "as cancelled");
    }
    /* the next run completes the work: together the two opened exactly the reference's alerts */
    cr_assert_eq(xg_monitor_run(&r, st, s, text, &o), 0, "%s", xg_error_message());
    cr_assert_null(json_object_get(r, "cancelled"));
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(r, "delta"), "added")),
                 entries - 20, "the entries left, and only those");
    json_array_extend(first, json_object_get(r, "opened"));
    json_decref(r);
    char *got = alert_pairs(first);
    cr_expect_str_eq(got, want);
    json_decref(first);
    /* and the alerts in the store are those, each once */
    cr_assert_eq(xg_store_alerts_list(&r, st, NULL), 0);
    char *stored = alert_pairs(r);
    cr_expect_str_eq(stored, want);
    json_decref(r);
    /* nothing left to do */
    cr_assert_eq(xg_monitor_run(&r, st, s, text, &o), 0);
    cr_expect_eq(json_array_size(json_object_get(r, "opened")), 0);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(r, "delta"), "added")), 0);
    json_decref(r);
    free(want);
    free(got);
    free(stored);
    cleanup(st);
    xg_snapshot_unref(s);
}
