/* xg_decide_write against xg_decide on many generated decisions: the answer written as text is
 * byte for byte the tree's (json_dumps COMPACT, reals at precision 12, as the HTTP service
 * encodes it) and the row stored from the text — response, request, facts and the other columns —
 * is the row the tree path stores, ids aside; the chain verifies after both. The requests: the
 * scenario fixtures (tests/decide) under every profile, and a product of names (listed, clean,
 * unicode, escapes, control characters), countries, items, access and ownership forms,
 * registered customers with owners, a license on file and monitor clearances. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xgate/decide.h"
#include "xgate/error.h"
#include "xgate/monitor.h"

static xg_text_ctx *T;
static xg_snapshot *S;
static xg_catalog *C;
static xg_policy_set *P;
static xg_store *DB;
static char dbfile[128];

static void setup(void)
{
    cr_assert_eq(xg_text_ctx_load(&T, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_snapshot_load(&S, NULL, 0, 0, T), 0, "%s", xg_error_message());
    cr_assert_eq(xg_catalog_load(&C, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_policy_load(&P, NULL), 0, "%s", xg_error_message());
    snprintf(dbfile, sizeof dbfile, "/tmp/xg-decide-write-%d-%d.db", getpid(), rand());
    char url[160];
    snprintf(url, sizeof url, "sqlite:%s", dbfile);
    cr_assert_eq(xg_store_open(&DB, url), 0, "%s", xg_error_message());
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
        snprintf(p, sizeof p, "%s%s", dbfile, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
        unlink(p);
    }
}

TestSuite(policy_decide_write, .init = setup, .fini = teardown, .timeout = 0);

/* the HTTP service's encoding of a tree */
static int enc_dump(xg_buf *b, const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
    if (!s) return -1;
    int rc = xg_buf_puts(b, s);
    free(s);
    return rc;
}

/* the stored row of decision `id`, its own id replaced by "ID", one column after another */
static char *row_of(const char *id)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbfile, &db), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT outcome, request, response, list_hash,"
                                    " catalog_version, policy, as_of, customer_name, review_status,"
                                    " final_outcome, facts FROM decisions WHERE id = ?",
                                    -1, &st, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no row %s", id);
    xg_buf b;
    xg_buf_init(&b);
    for (int c = 0; c < 11; c++) {
        const char *v = (const char *)sqlite3_column_text(st, c);
        xg_buf_puts(&b, v ? v : "<NULL>");
        xg_buf_putc(&b, '\n');
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    char *s = xg_buf_steal(&b), *p;
    size_t n = strlen(id);
    while ((p = strstr(s, id))) { /* "dec_…" → "ID" padded: same length */
        memset(p, 'I', n);
    }
    return s;
}

static int ndecided, outcomes[4];

/* what the answers compared held: each must have come up */
static const char *const seen_keys[] = {
    "\"cleared\":[{",
    "\"earlier_clearance\":",
    "\"geoip_database\":",
    "\"ultimate_parent\":{",
    "\"share_percent\":",
    "\"near_miss\":{",
    "\"tpp_total\":",
    "\\u0001",
    "\"edges\":[{",
    "\"list_origin\":\"store\"",
    "\"role\":\"intermediary\"",
    "\"resolved\":",
    "\"share_percent\":null",
    "\u2603",
};
static int seen[sizeof seen_keys / sizeof *seen_keys];

/* One request both ways, compared. */
static void both(const char *req_text, xg_store *store)
{
    json_error_t err;
    json_t *req = json_loads(req_text, 0, &err);
    cr_assert_not_null(req, "%s: %s", req_text, err.text);
    xg_decide_ctx ctx = {S, C, P, store, NULL, "2026-11-22", NULL, NULL};
    json_t *lv = json_pack("{s:{s:s,s:s}}", "ofac_sdn", "id", "v1 \"q\" é", "sha256", "ab");
    if (ndecided % 3 == 1) {
        ctx.list_versions = lv;
        ctx.list_origin = "store";
    }
    json_t *tree = NULL;
    int rc1 = xg_decide(&tree, &ctx, req);
    char msg1[1024];
    snprintf(msg1, sizeof msg1, "%s", xg_error_message());
    xg_buf b;
    xg_buf_init(&b);
    const char *outc = NULL;
    int rc2 = xg_decide_write(&b, &outc, &ctx, req, enc_dump);
    cr_assert_eq(rc1, rc2, "%s: %d (%s) vs %d (%s)", req_text, rc1, msg1, rc2, xg_error_message());
    if (rc1) {
        cr_assert_str_eq(msg1, xg_error_message());
        json_decref(tree);
        xg_buf_free(&b);
        json_decref(req);
        json_decref(lv);
        return;
    }
    ndecided++;
    cr_assert_str_eq(outc, json_string_value(json_object_get(tree, "decision")));
    outcomes[xg_outcome_parse(outc)]++;
    json_t *w = json_loads(b.data, 0, &err);
    cr_assert_not_null(w, "not JSON: %s", b.data);
    const json_t *wid = json_object_get(w, "decision_id");
    char *tid = NULL;
    if (store) {
        tid = strdup(json_string_value(json_object_get(tree, "decision_id")));
        json_object_set(tree, "decision_id", (json_t *)wid); /* in place: the order holds */
        json_object_set(tree, "created", json_object_get(w, "created"));
        json_object_set(tree, "audit", json_object_get(w, "audit"));
    }
    char *want = json_dumps(tree, JSON_COMPACT | JSON_REAL_PRECISION(12));
    cr_assert_str_eq(b.data, want, "answer differs for %s", req_text);
    for (size_t i = 0; i < sizeof seen_keys / sizeof *seen_keys; i++)
        seen[i] += strstr(b.data, seen_keys[i]) != NULL;
    if (store) {
        char *r1 = row_of(tid), *r2 = row_of(json_string_value(wid));
        cr_assert_str_eq(r1, r2, "stored row differs for %s", req_text);
        free(r1);
        free(r2);
    }
    free(want);
    free(tid);
    json_decref(w);
    json_decref(tree);
    xg_buf_free(&b);
    json_decref(req);
    json_decref(lv);
}

static void fixtures(xg_store *store)
{
    const char *data = getenv("XGATE_DATA");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/../tests/decide", data ? data : "data");
    DIR *dh = opendir(dir);
    cr_assert_not_null(dh, "%s", dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dh))) {
        if (!strstr(e->d_name, ".json")) continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        json_t *req = json_load_file(path, 0, NULL);
        cr_assert_not_null(req, "%s", path);
        const char *profiles[] = {"ear", "remote-access", "provider"};
        for (int p = 0; p < 3; p++) {
            json_object_set_new(req, "policy", json_string(profiles[p]));
            char *t = json_dumps(req, 0);
            both(t, store);
            free(t);
        }
        json_decref(req);
        n++;
    }
    closedir(dh);
    cr_assert_gt(n, 15);
}

static const char *names[] = {
    "Sichuan University",
    "BASF SE",
    "Rosoboronexport",
    "Müller \\\"Quote\\\" \\\\ Back/Slash\\tTab GmbH",
    "Control\\u0001Char \\u001f Ltd",
    "北京航空航天大学",
    "Hangzhou Lanxin Technology Co., Ltd.",
    "Merlion Intelligence Pte. Ltd.",
    "Zeta ☃ Компания",
};
static const char *countries[] = {"DE", "CN", "RU", "SG", "AE"};
static const char *resources[] = {
    "{\"item\":\"H100\",\"count\":8}",
    "{\"kind\":\"instance\",\"provider\":\"aws\",\"item\":\"p5.48xlarge\",\"count\":2.5}",
    "{\"kind\":\"model\",\"provider\":\"aws\",\"item\":\"claude\",\"tokens\":1e9}",
    "{\"item\":\"g4dn.xlarge\"}",
    "{\"kind\":\"instance\",\"item\":\"H100\"}",
    "{\"item\":\"Z80\"}", /* an error both ways */
};
static const char *accesses[] = {
    "{\"source_country\":\"DE\",\"payment_country\":\"DE\",\"end_use\":\"training\"}",
    "{\"source_ip\":\"8.8.8.8\"}",
    "{\"source_ip\":\"10.1.2.3\",\"payment_country\":\"CN\"}",
    "{}",
};
static const char *ownership[] = {
    "",
    ",\"ultimate_parent\":{\"name\":\"Alibaba Group Holding Limited\",\"headquarters\":\"CN\"}",
    ",\"owners\":[{\"name\":\"Rosoboronexport\",\"country\":\"RU\",\"percent\":55.5},"
    "{\"name\":\"Temasek \\\"Seed\\\" Partners\",\"headquarters\":\"SG\"}]",
    ",\"owners\":[{\"name\":\"A Corp\",\"percent\":60,\"owners\":[{\"name\":\"B Corp\","
    "\"country\":\"CN\",\"percent\":100}]}]",
};

static void product(xg_store *store)
{
    int k = 0;
    for (size_t n = 0; n < sizeof names / sizeof *names; n++)
        for (size_t r = 0; r < sizeof resources / sizeof *resources; r++) {
            char req[4096];
            const char *c = countries[k % 5], *a = accesses[k % 4], *o = ownership[k % 4];
            const char *im = k % 5 == 2 ? ",\"intermediaries\":[{\"name\":\"Sichuan University\","
                                          "\"country\":\"CN\"}]"
                                        : "";
            snprintf(req, sizeof req,
                     "{\"customer\":{\"name\":\"%s\",\"country\":\"%s\"%s%s},\"resource\":%s,"
                     "\"access\":%s%s,\"policy\":\"%s\"}",
                     names[n], c, k % 3 ? ",\"headquarters\":\"CN\"" : "", o, resources[r], a, im,
                     k % 3 == 0   ? "ear"
                     : k % 3 == 1 ? "remote-access"
                                  : "provider");
            both(req, store);
            k++;
        }
}

Test(policy_decide_write, text_is_the_tree_on_many_decisions)
{
    /* a registered customer with owners, a license on file */
    json_t *cust = json_loads("{\"id\":\"c-w\",\"name\":\"Write Compute Ltd\",\"country\":\"SG\","
                              "\"verification\":\"verified\",\"owners\":[{\"name\":\"Beijing "
                              "Yunhai Holdings Co., Ltd.\",\"country\":\"CN\",\"percent\":30}]}",
                              0, NULL);
    char *cid;
    cr_assert_eq(xg_store_customer_put(&cid, DB, cust), 0, "%s", xg_error_message());
    free(cid);
    json_decref(cust);
    json_t *lic = json_loads("{\"number\":\"L-W-1\",\"party\":\"c-w\",\"items\":[\"3A090\"],"
                             "\"destinations\":[\"SG\"],\"valid_from\":\"2026-01-01\"}",
                             0, NULL);
    cr_assert_eq(xg_store_license_add(DB, lic), 0, "%s", xg_error_message());
    json_decref(lic);
    both("{\"customer\":{\"id\":\"c-w\"},\"resource\":{\"item\":\"H100\"}}", DB);
    both("{\"customer\":{\"id\":\"c-w\"},\"resource\":{\"item\":\"H100\"},\"policy\":\"ear\"}", DB);

    /* clearances: one that holds (the hit is reported in "cleared") and one whose entry changed
     * since (the hit stays, with "earlier_clearance") */
    const char *parties[] = {"rosoboronexport", "sichuan university"};
    const char *pnames[] = {"Rosoboronexport", "Sichuan University"};
    for (int i = 0; i < 2; i++) {
        xg_screen_query q = {.name = pnames[i], .threshold = -1, .limit = 2};
        xg_screen_result *res;
        cr_assert_eq(xg_screen(&res, S, &q), 0);
        cr_assert_geq(res->nmatches, 1);
        const xg_record *rec = res->matches[0].record;
        char fp[33], ek[256];
        xg_monitor_entry_fingerprint(fp, rec);
        const char *src = rec->source_code && *rec->source_code ? rec->source_code : rec->source;
        snprintf(ek, sizeof ek, "%s:%s", src, rec->id);
        json_t *chunk = json_pack(
            "{s:s,s:n,s:[],s:[],s:[{s:s,s:s,s:s,s:[s],s:[s],s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:f,"
            "s:{},s:[]}]}",
            "list_hash", xg_snapshot_hash(S), "webhook", "seen_put", "seen_del", "hits",
            "party_key", parties[i], "party_name", pnames[i], "party_fp", "pfp", "roles",
            "customer", "customers", pnames[i], "entry_key", ek, "source", src, "source_code", src,
            "entry_id", rec->id, "entry_name", rec->name, "entry_fp", i == 0 ? fp : "changed",
            "matched", rec->name, "score", 0.97, "explanation", "decisions");
        json_t *out;
        cr_assert_eq(xg_store_monitor_apply(&out, DB, chunk), 0, "%s", xg_error_message());
        const char *aid = json_string_value(json_array_get(json_object_get(out, "opened"), 0));
        cr_assert_not_null(aid);
        json_t *al;
        cr_assert_eq(xg_store_alert_resolve(&al, DB, aid, "clear", "a \"false\" hit\n", "ana"), 0,
                     "%s", xg_error_message());
        json_decref(al);
        json_decref(out);
        json_decref(chunk);
        xg_screen_result_free(res);
    }

    fixtures(DB);
    product(DB);
    fixtures(NULL); /* dry runs: through the tree */
    cr_assert_gt(ndecided, 150);
    for (int o = 0; o < 4; o++)
        cr_assert_gt(outcomes[o], 0, "no decision %s", xg_outcome_name(o));
    json_t *v;
    cr_assert_eq(xg_store_audit_verify(&v, DB), 0, "%s", xg_error_message());
    cr_assert(json_is_true(json_object_get(v, "ok")) || json_is_true(json_object_get(v, "intact")),
              "%s", json_dumps(v, 0));
    json_decref(v);
    for (size_t i = 0; i < sizeof seen_keys / sizeof *seen_keys; i++)
        cr_expect_gt(seen[i], 0, "no answer with %s", seen_keys[i]);
}
