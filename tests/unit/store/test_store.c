/* Store tests: migrations, keys, customers, decisions, review and the audit chain under tampering
 * (edit, delete, reorder, truncate) done with the SQLite API, as an attacker with file access. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../store_temp.h"
#include "store/db.h"
#include "store/store_internal.h"
#include "xgate/error.h"
#include "xgate/store.h"

static temp_store tmp;

static xg_store *fresh(void)
{
    return temp_store_open(&tmp, "store");
}

static void cleanup(xg_store *s)
{
    temp_store_remove(&tmp, s);
}

/* Tampering behind xgate's back, with the backend's own client (sqlite3 or libpq). */
static void sql(const char *stmt)
{
    temp_store_exec(&tmp, stmt);
}

static json_t *decision(xg_store *s, const char *outcome, int i)
{
    json_t *req =
        json_pack("{s:{s:s,s:s},s:{s:s},s:{s:s}}", "customer", "name", "Acme Ltd", "country", "DE",
                  "resource", "item", "p5.48xlarge", "access", "source_ip", "192.0.2.1");
    json_t *resp = json_pack("{s:s,s:[],s:{s:s,s:s,s:s,s:s},s:i}", "decision", outcome, "reasons",
                             "versions", "lists", "abc", "catalog", "cat1", "policy", "provider",
                             "as_of", "2026-11-22", "n", i);
    cr_assert_eq(xg_store_decision_record(s, resp, req), 0, "%s", xg_error_message());
    json_decref(req);
    return resp;
}

static json_t *verify(xg_store *s)
{
    json_t *v;
    cr_assert_eq(xg_store_audit_verify(&v, s), 0, "%s", xg_error_message());
    return v;
}

static void expect_bad(xg_store *s, long long seq, const char *problem)
{
    json_t *v = verify(s);
    cr_assert(json_is_false(json_object_get(v, "ok")), "chain reported ok");
    json_t *fb = json_object_get(v, "first_bad");
    cr_assert_eq(json_integer_value(json_object_get(fb, "seq")), seq, "seq %lld: %s",
                 (long long)json_integer_value(json_object_get(fb, "seq")),
                 json_string_value(json_object_get(fb, "detail")));
    cr_assert_str_eq(json_string_value(json_object_get(fb, "problem")), problem);
    json_decref(v);
}

static xg_store *chain_of(int n)
{
    xg_store *s = fresh();
    for (int i = 0; i < n; i++)
        json_decref(decision(s, i % 3 ? "ALLOW" : "REVIEW", i));
    json_t *v = verify(s);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), n);
    json_decref(v);
    return s;
}

Test(store_open, migrates_once_and_rejects_bad_urls)
{
    xg_store *s = fresh();
    int v;
    cr_assert_eq(xg_store_schema_version(&v, s), 0);
    cr_assert_geq(v, 3); /* migrations are appended: 3 and more */
    int first = v;
    xg_store_close(s);
    cr_assert_eq(xg_store_open(&s, tmp.url), 0); /* reopening applies nothing twice */
    cr_assert_eq(xg_store_schema_version(&v, s), 0);
    cr_assert_eq(v, first);
    xg_store *t;
    cr_assert_eq(xg_store_open(&t, "mysql://x"), XG_EINVAL);
    cr_assert_eq(xg_store_open(&t, "sqlite:"), XG_EINVAL);
    cleanup(s);
}

/* Migration 11: on PostgreSQL (built with lz4, as Debian's is) the decisions' JSON columns are
 * compressed with lz4; a long response written after it is, and reads back whole. */
Test(store_open, decisions_json_compressed_with_lz4_on_postgresql)
{
    xg_store *s = fresh();
    char pad[6000];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    json_t *req = json_pack("{s:{s:s,s:s}}", "customer", "name", "Acme Ltd", "country", "DE");
    json_t *resp = json_pack("{s:s,s:[s],s:{s:s},s:i}", "decision", "ALLOW", "reasons", pad,
                             "versions", "lists", "abc", "n", 1);
    cr_assert_eq(xg_store_decision_record(s, resp, req), 0, "%s", xg_error_message());
    const char *id = json_string_value(json_object_get(resp, "decision_id"));
    cr_assert(id);
    json_t *got = NULL;
    cr_assert_eq(xg_store_decision_get(&got, s, id), 0, "%s", xg_error_message());
    cr_assert_str_eq(json_string_value(json_array_get(
                         json_object_get(json_object_get(got, "response"), "reasons"), 0)),
                     pad);
    json_decref(got);
    if (temp_store_is_pg()) {
        static const char *const q[] = {
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'decisions'::regclass"
            " AND attname IN ('request', 'response') AND attcompression = 'l'",
            "SELECT count(*) FROM decisions WHERE pg_column_compression(response) = 'lz4'"};
        for (int i = 0; i < 2; i++) {
            db_stmt *st;
            cr_assert_eq(db_prepare(s->db, q[i], &st), DB_OK, "%s", db_errmsg(s->db));
            cr_assert_eq(db_step(st), DB_ROW, "%s", db_errmsg(s->db));
            cr_assert_eq(db_column_int(st, 0), i ? 1 : 2, "%s", q[i]);
            db_finalize(st);
        }
    }
    json_decref(req);
    json_decref(resp);
    cleanup(s);
}

Test(store_open, upgrades_a_version_1_database)
{
    /* the version-1 file layout is SQLite's; PostgreSQL's migrations started later */
    if (temp_store_is_pg()) cr_skip_test("SQLite file layout");
    xg_store *s = fresh();
    xg_store_close(s);
    /* Roll the file back to what version 1 created, as an older xgate left it. */
    sql("DROP TRIGGER customers_party_gen_i; DROP TRIGGER customers_party_gen_u;"
        "DROP TRIGGER customers_party_gen_d; DROP TRIGGER ownership_party_gen_i;"
        "DROP TRIGGER ownership_party_gen_u; DROP TRIGGER ownership_party_gen_d;"
        "DROP TRIGGER resellers_party_gen_i; DROP TRIGGER resellers_party_gen_u;"
        "DROP TRIGGER resellers_party_gen_d; DROP TRIGGER decisions_party_gen_i;"
        "DROP TRIGGER decisions_party_gen_u; DROP TRIGGER decisions_party_gen_d;"
        "DROP TABLE party_generation;"
        "DROP INDEX ownership_owned_owner; CREATE INDEX ownership_owned ON ownership(owned_key);"
        "DROP INDEX customers_name_updated; CREATE INDEX customers_name ON customers(name_key);"
        "DROP INDEX audit_ref; DROP INDEX review_actions_decision; DROP TABLE usage_rows; DROP "
        "TABLE list_versions;"
        "ALTER TABLE decisions DROP COLUMN facts;"
        "DROP TABLE monitor_seen; DROP TABLE monitor_runs; DROP TABLE alerts;"
        "DROP TABLE alert_customers; DROP TABLE alert_events; DROP TABLE clearances;"
        "DROP TABLE webhook_deliveries; DROP TABLE monitor_parties;"
        "DROP TABLE scan_files; DROP TABLE scan_documents; DROP TABLE scan_runs;"
        "DELETE FROM schema_version WHERE version >= 2");
    cr_assert_eq(xg_store_open(&s, tmp.url), 0, "%s", xg_error_message());
    int v;
    cr_assert_eq(xg_store_schema_version(&v, s), 0);
    cr_assert_geq(v, 3);
    xg_store_close(s);
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(tmp.path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND"
                                    " name IN ('audit_ref', 'review_actions_decision')",
                                    -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);
    cr_assert_eq(xg_store_open(&s, tmp.url), 0);
    cleanup(s);
}

/* The rows of one read, one line per row ("a|b|…"; NULL as "-"). */
static char *rows_of(xg_store *s, const char *q, const char *param)
{
    db_stmt *st;
    cr_assert_eq(db_prepare(s->db, q, &st), DB_OK, "%s: %s", q, db_errmsg(s->db));
    if (param) db_bind_text(st, 1, param);
    static char out[4096];
    size_t n = 0;
    out[0] = '\0';
    while (db_step(st) == DB_ROW) {
        for (int i = 0; i < db_column_count(st); i++) {
            const char *t = db_column_type(st, i) == DB_NULL ? "-" : db_column_text(st, i);
            n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? "|" : "", t);
        }
        n += (size_t)snprintf(out + n, sizeof out - n, "\n");
        cr_assert_lt(n, sizeof out - 1);
    }
    db_finalize(st);
    return strdup(out);
}

/* Migration 13 on a store left at version 12 (the indexes it replaces, rows whose ORDER BY keys
 * tie): applied at open, the old indexes gone, and on SQLite the facts' reads run without a sorter
 * and return their rows in the order they did at version 12 (ties in rowid order). */
Test(store_open, migration_13_indexes_the_facts_reads)
{
    xg_store *s = fresh();
    xg_store_close(s);
    sql("DROP INDEX ownership_owned_owner; CREATE INDEX ownership_owned ON ownership(owned_key);"
        "DROP INDEX customers_name_updated; CREATE INDEX customers_name ON customers(name_key);"
        "DROP INDEX clearances_party;"
        "CREATE INDEX clearances_pair ON clearances(party_key, entry_key);"
        "DELETE FROM schema_version WHERE version >= 13;"
        "INSERT INTO ownership (id, owner_name, owner_key, owner_country, owned_name, owned_key,"
        " percent, source, created) VALUES"
        " ('o5', 'Bee', 'bee', 'CN', 'Acme', 'acme', 10, 's1', 't'),"
        " ('o1', 'Ant', 'ant', NULL, 'Acme', 'acme', 20, 's2', 't'),"
        " ('o4', 'Bee', 'bee', 'HK', 'Acme', 'acme', 30, 's3', 't'),"
        " ('o2', 'Ant', 'ant', 'RU', 'Acme', 'acme', NULL, 's4', 't'),"
        " ('o3', 'Cat', 'cat', NULL, 'Other', 'other', 5, 's5', 't');"
        "INSERT INTO customers (id, legal_name, name_key, verification, record, created, updated)"
        " VALUES ('c3', 'Acme', 'acme', 'none', 'r3', 't', '2026-01-01'),"
        " ('c1', 'Acme', 'acme', 'none', 'r1', 't', '2026-02-01'),"
        " ('c2', 'Acme', 'acme', 'none', 'r2', 't', '2026-02-01');"
        "INSERT INTO clearances (id, alert_id, party_key, entry_key, entry_fp, party_fp, reason,"
        " reviewer, created) VALUES"
        " ('k4', 'a', 'acme', 'SDN:2', 'f', 'p', 'r', 'w', '2026-01-01'),"
        " ('k2', 'a', 'acme', 'SDN:1', 'f', 'p', 'r', 'w', '2026-01-01'),"
        " ('k3', 'a', 'acme', 'SDN:2', 'f', 'p', 'r', 'w', '2026-03-01'),"
        " ('k1', 'a', 'acme', 'SDN:2', 'f', 'p', 'r', 'w', '2026-03-01');");
    static const char *const reads[] = {SQL_OWNERS_OF, SQL_CLEARANCES_FOR,
                                        SQL_CUSTOMER_BY("name_key")};
    /* the order at version 12 (the sorter kept the index scan's rowid order among ties) */
    static const char *const want[] = {
        "Ant|-|-|20.0|s2\nAnt|RU|-|-|s4\nBee|CN|-|10.0|s1\nBee|HK|-|30.0|s3\n",
        "k2|a|SDN:1|f|p|r|w|2026-01-01|-\nk3|a|SDN:2|f|p|r|w|2026-03-01|-\n"
        "k1|a|SDN:2|f|p|r|w|2026-03-01|-\nk4|a|SDN:2|f|p|r|w|2026-01-01|-\n",
        "r1|t|2026-02-01\n"};
    cr_assert_eq(xg_store_open(&s, tmp.url), 0, "%s", xg_error_message());
    int v;
    cr_assert_eq(xg_store_schema_version(&v, s), 0);
    cr_assert_eq(v, store_migrations_latest());
    cr_assert_geq(v, 13);
    char *idx =
        rows_of(s,
                temp_store_is_pg()
                    ? "SELECT indexname FROM pg_indexes WHERE indexname IN ("
                      "'ownership_owned_owner', 'customers_name_updated', 'clearances_party',"
                      " 'ownership_owned', 'customers_name', 'clearances_pair')"
                      " ORDER BY indexname"
                    : "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ("
                      "'ownership_owned_owner', 'customers_name_updated', 'clearances_party',"
                      " 'ownership_owned', 'customers_name', 'clearances_pair')"
                      " ORDER BY name",
                NULL);
    cr_assert_str_eq(idx, "clearances_party\ncustomers_name_updated\nownership_owned_owner\n");
    free(idx);
    if (!temp_store_is_pg()) { /* PostgreSQL orders ties as its plan falls: not asserted */
        for (int i = 0; i < 3; i++) {
            char *got = rows_of(s, reads[i], "acme");
            cr_assert_str_eq(got, want[i], "%s", reads[i]);
            free(got);
            char q[1024];
            snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", reads[i]);
            char *plan = rows_of(s, q, "acme");
            cr_assert_null(strstr(plan, "TEMP B-TREE"), "%s\n%s", reads[i], plan);
            free(plan);
        }
    }
    cleanup(s);
}

Test(store_keys, create_lookup_revoke)
{
    xg_store *s = fresh();
    char *key, *role, *name;
    cr_assert_eq(xg_store_key_create(&key, s, "analyst", "alice"), 0);
    cr_assert_eq(strncmp(key, "xgk_", 4), 0);
    cr_assert_eq(xg_store_key_lookup(&role, &name, s, key), 0);
    cr_assert_str_eq(role, "analyst");
    cr_assert_str_eq(name, "alice");
    free(role);
    free(name);
    char wrong[200];
    snprintf(wrong, sizeof wrong, "%s", key);
    wrong[strlen(wrong) - 1] ^= 1;
    cr_assert_eq(xg_store_key_lookup(&role, &name, s, wrong), XG_ENOTFOUND);
    cr_assert_eq(xg_store_key_lookup(&role, &name, s, "nonsense"), XG_ENOTFOUND);
    char id[13];
    memcpy(id, key + 4, 12);
    id[12] = 0;
    cr_assert_eq(xg_store_key_revoke(s, id), 0);
    cr_assert_eq(xg_store_key_lookup(&role, &name, s, key), XG_ENOTFOUND);
    cr_assert_eq(xg_store_key_revoke(s, id), XG_ENOTFOUND);
    cr_assert_eq(xg_store_key_create(&role, s, "root", NULL), XG_EINVAL);
    free(key);
    cleanup(s);
}

Test(store_customers, put_get_find_and_ownership_edges)
{
    xg_store *s = fresh();
    json_t *c =
        json_loads("{\"id\":\"c1\",\"name\":\"Lion Data Pte Ltd\",\"country\":\"SG\","
                   "\"owners\":[{\"name\":\"Dragon Holdings\",\"headquarters\":\"CN\","
                   "\"percent\":60,\"owners\":[{\"name\":\"Dragon Group\",\"percent\":100}]}],"
                   "\"verification\":\"verified\"}",
                   0, NULL);
    char *id;
    cr_assert_eq(xg_store_customer_put(&id, s, c), 0, "%s", xg_error_message());
    cr_assert_str_eq(id, "c1");
    free(id);
    cr_assert_eq(xg_store_customer_put(&id, s, c), 0); /* idempotent: edges replaced */
    free(id);
    json_t *got, *edges;
    cr_assert_eq(xg_store_customer_find(&got, s, "  lion DATA pte ltd "), 0);
    cr_assert_str_eq(json_string_value(json_object_get(got, "id")), "c1");
    json_decref(got);
    cr_assert_eq(xg_store_ownership_of(&edges, s, "Lion Data Pte Ltd"), 0);
    cr_assert_eq(json_array_size(edges), 1);
    cr_assert_eq(json_real_value(json_object_get(json_array_get(edges, 0), "percent")), 60.0);
    json_decref(edges);
    cr_assert_eq(xg_store_ownership_of(&edges, s, "dragon holdings"), 0);
    cr_assert_eq(json_array_size(edges), 1);
    json_decref(edges);
    json_t *bad = json_loads("{\"name\":\"X\",\"country\":\"Xanadu\"}", 0, NULL);
    cr_assert_eq(xg_store_customer_put(&id, s, bad), XG_EINVAL);
    cr_assert(strstr(xg_error_message(), "customer.country"));
    json_decref(bad);
    cr_assert_eq(xg_store_customer_get(&got, s, "nope"), XG_ENOTFOUND);
    json_decref(c);
    cleanup(s);
}

Test(store_licenses, add_list_and_duplicate)
{
    xg_store *s = fresh();
    json_t *l =
        json_loads("{\"number\":\"D1234567\",\"party\":\"Acme\",\"items\":[\"p5.48xlarge\"],"
                   "\"destinations\":[\"AE\"],\"valid_from\":\"2026-01-01\","
                   "\"valid_to\":\"2027-12-31\"}",
                   0, NULL);
    cr_assert_eq(xg_store_license_add(s, l), 0, "%s", xg_error_message());
    cr_assert_eq(xg_store_license_add(s, l), XG_EEXIST);
    json_t *all;
    cr_assert_eq(xg_store_licenses_list(&all, s), 0);
    cr_assert_eq(json_array_size(all), 1);
    json_decref(all);
    json_object_set_new(l, "valid_from", json_string("2026-13-01"));
    json_object_set_new(l, "number", json_string("X"));
    cr_assert_eq(xg_store_license_add(s, l), XG_EINVAL);
    json_decref(l);
    cleanup(s);
}

Test(store_review, resolve_once_and_keep_the_original)
{
    xg_store *s = fresh();
    json_t *d = decision(s, "REVIEW", 0), *a = decision(s, "ALLOW", 1);
    const char *id = json_string_value(json_object_get(d, "decision_id"));
    json_t *q;
    cr_assert_eq(xg_store_decisions_list(&q, s, NULL, "open", 10, NULL), 0);
    cr_assert_eq(json_array_size(json_object_get(q, "decisions")), 1);
    json_decref(q);
    json_t *r;
    cr_assert_eq(xg_store_review_resolve(&r, s, id, "maybe", "x", "bob"), XG_EINVAL);
    cr_assert_eq(xg_store_review_resolve(&r, s, "dec_none", "clear", "x", "bob"), XG_ENOTFOUND);
    cr_assert_eq(xg_store_review_resolve(&r, s,
                                         json_string_value(json_object_get(a, "decision_id")),
                                         "clear", "x", "bob"),
                 XG_EINVAL);
    cr_assert_eq(xg_store_review_resolve(&r, s, id, "confirm", "owner is listed", "bob"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(r, "outcome")), "DENY");
    json_decref(r);
    cr_assert_eq(xg_store_review_resolve(&r, s, id, "clear", "again", "bob"), XG_EINVAL);
    json_t *g;
    cr_assert_eq(xg_store_decision_get(&g, s, id), 0);
    cr_assert_str_eq(json_string_value(json_object_get(g, "decision")), "REVIEW");
    cr_assert_str_eq(json_string_value(json_object_get(g, "final_outcome")), "DENY");
    cr_assert_eq(json_array_size(json_object_get(g, "reviews")), 1);
    json_decref(g);
    cr_assert_eq(xg_store_decisions_list(&q, s, NULL, "open", 10, NULL), 0);
    cr_assert_eq(json_array_size(json_object_get(q, "decisions")), 0);
    json_decref(q);
    json_t *v = verify(s);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), 3);
    json_decref(v);
    json_decref(d);
    json_decref(a);
    cleanup(s);
}

static int is_hex(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!p[i] || !strchr("0123456789abcdef", p[i])) return 0;
    return 1;
}

/* Decision ids lead with the milliseconds since the epoch (12 hex, big-endian), then 80 random
 * bits: later ids sort after, and ids made before this format (20 random hex) keep working. */
Test(store_ids, time_ordered_ids_and_old_ids_still_found)
{
    char *a = store_time_id("dec_", 10);
    struct timespec ms = {0, 2000000};
    nanosleep(&ms, NULL);
    char *b = store_time_id("dec_", 10), *c = store_time_id("acc_", 8);
    cr_assert_eq(strlen(a), 4 + 12 + 20);
    cr_assert_eq(strlen(c), 4 + 12 + 16);
    cr_assert(!strncmp(a, "dec_", 4) && is_hex(a + 4, 32), "%s", a);
    cr_assert(!strncmp(c, "acc_", 4) && is_hex(c + 4, 28), "%s", c);
    cr_assert_lt(strcmp(a, b), 0, "%s !< %s", a, b);
    cr_assert_neq(strcmp(a + 16, b + 16), 0);
    long long now = (long long)time(NULL) * 1000;
    char head[13] = {0};
    memcpy(head, b + 4, 12);
    long long lead = strtoll(head, NULL, 16);
    cr_assert(lead > now - 60000 && lead < now + 60000, "%lld vs %lld", lead, now);
    free(a);
    free(b);
    free(c);

    xg_store *s = fresh();
    /* a decision recorded under an id of the old format (dec_ + 20 random hex) */
    const char *old = "dec_3f9a0c1b2d4e5f607182";
    json_t *req = json_pack("{s:{s:s}}", "customer", "name", "Acme Ltd");
    json_t *resp = json_pack("{s:s,s:s,s:[],s:{s:s,s:s}}", "decision_id", old, "decision", "REVIEW",
                             "reasons", "versions", "lists", "abc", "catalog", "cat1");
    cr_assert_eq(xg_store_decision_record(s, resp, req), 0, "%s", xg_error_message());
    json_decref(req);
    json_decref(resp);
    json_t *n1 = decision(s, "REVIEW", 1), *n2 = decision(s, "ALLOW", 2);
    const char *i1 = json_string_value(json_object_get(n1, "decision_id")),
               *i2 = json_string_value(json_object_get(n2, "decision_id"));
    cr_assert_eq(strlen(i1), 36, "%s", i1);
    cr_assert_leq(strncmp(i1, i2, 16), 0, "%s then %s", i1, i2); /* same ms: either order */
    /* the HTTP path: the id comes back whole in t.id and in the stored response */
    xg_store_decision_text t = {.outcome = "ALLOW",
                                .resp_head = "{\"decision\":\"ALLOW\",\"decision_id\":",
                                .resp_tail = ",\"reasons\":[]}"};
    json_t *treq = json_pack("{s:{s:s}}", "customer", "name", "Acme Ltd");
    cr_assert_eq(xg_store_decision_record_text(s, &t, treq, NULL), 0, "%s", xg_error_message());
    json_decref(treq);
    cr_assert_eq(strlen(t.id), 36, "%s", t.id);
    const char *ids[] = {old, i1, i2, t.id};
    for (int i = 0; i < 4; i++) {
        json_t *g;
        cr_assert_eq(xg_store_decision_get(&g, s, ids[i]), 0, "%s: %s", ids[i], xg_error_message());
        cr_assert_str_eq(json_string_value(json_object_get(g, "decision_id")), ids[i]);
        json_decref(g);
    }
    json_t *r;
    cr_assert_eq(xg_store_review_resolve(&r, s, old, "clear", "not them", "bob"), 0, "%s",
                 xg_error_message());
    json_decref(r);
    cr_assert_eq(xg_store_review_resolve(&r, s, i1, "confirm", "listed", "bob"), 0, "%s",
                 xg_error_message());
    json_decref(r);
    json_t *g;
    cr_assert_eq(xg_store_decision_get(&g, s, old), 0);
    cr_assert_str_eq(json_string_value(json_object_get(g, "final_outcome")), "ALLOW");
    json_decref(g);
    json_t *v = verify(s);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), 6);
    json_decref(v);
    json_decref(n1);
    json_decref(n2);
    cleanup(s);
}

Test(store_list, pages_with_a_cursor)
{
    xg_store *s = chain_of(7);
    json_t *p1, *p2;
    cr_assert_eq(xg_store_decisions_list(&p1, s, NULL, NULL, 5, NULL), 0);
    cr_assert_eq(json_array_size(json_object_get(p1, "decisions")), 5);
    const char *cur = json_string_value(json_object_get(p1, "next_cursor"));
    cr_assert_not_null(cur);
    cr_assert_eq(xg_store_decisions_list(&p2, s, NULL, NULL, 5, cur), 0);
    cr_assert_eq(json_array_size(json_object_get(p2, "decisions")), 2);
    cr_assert(json_is_null(json_object_get(p2, "next_cursor")));
    json_decref(p1);
    json_decref(p2);
    cr_assert_eq(xg_store_decisions_list(&p1, s, NULL, NULL, 5, "zz"), XG_EINVAL);
    cleanup(s);
}

Test(store_audit, edited_decision_is_named)
{
    xg_store *s = chain_of(5);
    sql("UPDATE decisions SET outcome = 'DENY' WHERE n = 3");
    expect_bad(s, 3, "edited");
    cleanup(s);
}

Test(store_audit, edited_audit_row_is_named)
{
    xg_store *s = chain_of(5);
    sql("UPDATE audit SET kind = 'review' WHERE seq = 2");
    expect_bad(s, 2, "deleted"); /* the row it now points at does not exist */
    cleanup(s);
    s = chain_of(5);
    sql("UPDATE audit SET hash = '00' || substr(hash, 3) WHERE seq = 4");
    expect_bad(s, 4, "edited");
    cleanup(s);
}

Test(store_audit, deleted_row_is_named)
{
    xg_store *s = chain_of(6);
    sql("DELETE FROM audit WHERE seq = 3");
    expect_bad(s, 3, "deleted");
    cleanup(s);
    s = chain_of(6);
    sql("DELETE FROM decisions WHERE n = 2");
    expect_bad(s, 2, "deleted");
    cleanup(s);
}

Test(store_audit, reordered_rows_are_named)
{
    xg_store *s = chain_of(6);
    sql("UPDATE audit SET seq = -1 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 4;"
        " UPDATE audit SET seq = 4 WHERE seq = -1");
    expect_bad(s, 3, "reordered");
    cleanup(s);
}

Test(store_audit, truncated_tail_is_named)
{
    xg_store *s = chain_of(6);
    sql("DELETE FROM audit WHERE seq >= 5");
    expect_bad(s, 5, "truncated");
    cleanup(s);
}

Test(store_audit, unchained_row_is_named)
{
    xg_store *s = chain_of(2);
    sql("INSERT INTO decisions (n, id, created, outcome, request, response, list_hash,"
        " catalog_version, policy, as_of, customer_name, review_status, final_outcome, facts)"
        " SELECT n + 100, id || 'x', created, outcome, request, response,"
        " list_hash, catalog_version, policy, as_of, customer_name, review_status, final_outcome,"
        " facts FROM decisions WHERE n = 1");
    json_t *v = verify(s);
    cr_assert(json_is_false(json_object_get(v, "ok")));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(v, "first_bad"), "problem")),
                     "inserted");
    json_decref(v);
    cleanup(s);
}

/* The same check for the other two chained tables (review actions, alert events): a row
 * inserted behind the chain's back is named, whichever table it is in. */
Test(store_audit, unchained_review_and_alert_rows_are_named)
{
    const char *rows[] = {
        "INSERT INTO review_actions (id, decision_id, action, outcome, reason, reviewer, created)"
        " VALUES ('rev_forged', 'dec_x', 'clear', 'ALLOW', 'r', 'eve', '2026-01-01T00:00:00Z')",
        "INSERT INTO alert_events (id, alert_id, event, detail, reviewer, created)"
        " VALUES ('aev_forged', 'alr_x', 'cleared', '{}', 'eve', '2026-01-01T00:00:00Z')",
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        xg_store *s = chain_of(3);
        sql(rows[i]);
        json_t *v = verify(s);
        cr_assert(json_is_false(json_object_get(v, "ok")));
        json_t *bad = json_object_get(v, "first_bad");
        cr_assert_str_eq(json_string_value(json_object_get(bad, "problem")), "inserted");
        cr_assert_str_eq(json_string_value(json_object_get(bad, "ref")),
                         i ? "aev_forged" : "rev_forged");
        json_decref(v);
        cleanup(s);
    }
}

/* Many distinct statement texts (multi-row INSERTs of batches of 1 to 70 decisions), then the
 * store's PostgreSQL session killed under it (as a server restart or failover would): the next
 * decisions are recorded on a new session and the chain stays valid. Written for a prepared-
 * statement cache (tried, not kept: not faster; see bench/results/store_pgcache.md), which would
 * have to prepare every statement again on the new session. SQLite runs the same calls. */
Test(store_db, many_statement_texts_and_a_new_session)
{
    xg_store *s = fresh();
    json_t *req = json_pack("{s:{s:s,s:s}}", "customer", "name", "Acme Ltd", "country", "DE");
    json_t *resp[70];
    const json_t *reqs[70];
    int total = 0;
    for (int round = 0; round < 2; round++) {
        for (int n = 1; n <= 70; n++) {
            for (int i = 0; i < n; i++) {
                resp[i] = json_pack("{s:s,s:[],s:{s:s},s:i}", "decision", "ALLOW", "reasons",
                                    "versions", "lists", "abc", "n", total + i);
                reqs[i] = req;
            }
            cr_assert_eq(xg_store_decisions_record_batch(s, resp, reqs, NULL, (size_t)n), 0,
                         "batch of %d: %s", n, xg_error_message());
            for (int i = 0; i < n; i++)
                json_decref(resp[i]);
            total += n;
            if (round == 0 && n == 70) {
                if (temp_store_is_pg())
                    sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()");
                json_decref(decision(s, "REVIEW", -1));
                total++;
            }
            if (n % 35) continue;
            json_t *v = verify(s);
            cr_assert(json_is_true(json_object_get(v, "ok")), "round %d n %d", round, n);
            cr_assert_eq(json_integer_value(json_object_get(v, "rows")), total);
            json_decref(v);
        }
    }
    json_decref(req);
    cleanup(s);
}

Test(store_import, customers_csv_columns_lists_and_owners)
{
    const char *csv = "name,aliases,country,owners,payment_country,ultimate_parent,"
                      "ultimate_parent_headquarters\n"
                      "Lion Data Pte Ltd,Lion Data; LDPL,Singapore,\"Dragon Holdings|CN|60; "
                      "Tiger Fund|SG|40\",SG,Dragon Group,China\n";
    json_t *all;
    cr_assert_eq(xg_customers_parse_csv(&all, csv, strlen(csv), "c.csv"), 0, "%s",
                 xg_error_message());
    cr_assert_eq(json_array_size(all), 1);
    json_t *c = json_array_get(all, 0);
    cr_assert_eq(json_array_size(json_object_get(c, "aliases")), 2);
    json_t *o = json_array_get(json_object_get(c, "owners"), 1);
    cr_assert_str_eq(json_string_value(json_object_get(o, "name")), "Tiger Fund");
    cr_assert_eq(json_real_value(json_object_get(o, "percent")), 40.0);
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(c, "ultimate_parent"), "headquarters")),
        "China");
    json_decref(all);
    const char *bad = "name,owners\nX,\"Y|CN|160\"\n";
    cr_assert_eq(xg_customers_parse_csv(&all, bad, strlen(bad), "b.csv"), XG_EPARSE);
    cr_assert(strstr(xg_error_message(), "b.csv:2"), "%s", xg_error_message());
    const char *nohdr = "";
    cr_assert_eq(xg_customers_parse_csv(&all, nohdr, 0, "e.csv"), XG_EPARSE);
    const char *short_row = "name,country\nX\n";
    cr_assert_eq(xg_customers_parse_csv(&all, short_row, strlen(short_row), "s.csv"), XG_EPARSE);
}

/* A decision whose versions name no policy and no as_of date: both are stored as "" and hashed as
 * "" (the columns are NOT NULL), so the chain is the same on either backend. */
static json_t *decision_without_policy(xg_store *s)
{
    json_t *req = json_pack("{s:{s:s}}", "customer", "name", "Acme Ltd");
    json_t *resp = json_pack("{s:s,s:[],s:{s:s,s:s}}", "decision", "ALLOW", "reasons", "versions",
                             "lists", "abc", "catalog", "cat1");
    cr_assert_eq(xg_store_decision_record(s, resp, req), 0, "%s", xg_error_message());
    json_decref(req);
    return resp;
}

static void hex_sha256(char out[65], const char *a, const char *b)
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)a, strlen(a));
    crypto_hash_sha256_update(&st, (const unsigned char *)b, strlen(b));
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

Test(store_audit, absent_policy_and_as_of_are_stored_and_hashed_as_empty)
{
    xg_store *s = fresh();
    json_decref(decision_without_policy(s));
    json_decref(decision(s, "ALLOW", 1));
    db_stmt *st;
    cr_assert_eq(store_prepare(&st, s, "SELECT policy, as_of FROM decisions ORDER BY n"), 0);
    cr_assert_eq(db_step(st), DB_ROW);
    cr_assert_str_eq(store_col_text(st, 0), "");
    cr_assert_str_eq(store_col_text(st, 1), "");
    cr_assert_not_null(db_column_text(st, 0), "policy stored as NULL");
    db_finalize(st);
    json_t *v = verify(s);
    cr_assert(json_is_true(json_object_get(v, "ok")), "%s",
              json_string_value(json_object_get(json_object_get(v, "first_bad"), "detail")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), 2);
    json_decref(v);
    /* the "" is part of what is hashed: a policy written in afterwards is an edit */
    sql("UPDATE decisions SET policy = 'provider' WHERE n = 1");
    expect_bad(s, 1, "edited");
    cleanup(s);
}

/* The canonical payload's escaping, the reference written out byte by byte: '"' and '\\' take a
 * backslash, a control character is \u00XX in lower-case hex, every other byte (0x7f and bytes
 * above 0x7f included) is kept. The strings put an escape at every offset of lengths around the
 * sixteen-byte steps of canon_string, the quotes of a JSON text every few bytes, and runs longer
 * than 16 with none. */
static void ref_string(char **w, const char *s)
{
    if (!s) {
        *w += sprintf(*w, "null");
        return;
    }
    *(*w)++ = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            *w += sprintf(*w, "\\%c", c);
        else if (c < 0x20)
            *w += sprintf(*w, "\\u%04x", c);
        else
            *(*w)++ = (char)c;
    }
    *(*w)++ = '"';
    **w = '\0';
}

Test(store_audit, payload_escaping_matches_the_reference_at_every_offset)
{
    static const char specials[] = {'"',  '\\', 0x01,       0x1f,      0x0a,
                                    0x20, 0x7f, (char)0x80, (char)0xff};
    char str[80], want[80 * 6 + 256];
    int checked = 0;
    for (int len = 1; len <= 70; len++)
        for (int at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof specials; k++) {
                for (int i = 0; i < len; i++)
                    str[i] = (char)('a' + i % 26);
                str[at] = specials[k];
                if (len > 40) str[len - 3] = '"'; /* a second escape in the same stretch */
                str[len] = '\0';
                char *p = store_review_payload("rev_1", str, "approve", NULL, str, "r\"x", "t");
                char *w = want;
                const char *keys[] = {"action",  "created", "decision_id", "id",
                                      "outcome", "reason",  "reviewer"};
                const char *vals[] = {"approve", "t", str, "rev_1", NULL, str, "r\"x"};
                *w++ = '{';
                for (int i = 0; i < 7; i++) {
                    if (i) *w++ = ',';
                    ref_string(&w, keys[i]);
                    *w++ = ':';
                    ref_string(&w, vals[i]);
                }
                *w++ = '}';
                *w = '\0';
                cr_assert_str_eq(p, want, "len %d, byte 0x%02x at %d", len,
                                 (unsigned char)specials[k], at);
                free(p);
                checked++;
            }
    /* a JSON text with many escapes and control characters in a row, longer than any buffer step */
    char big[3000];
    size_t n = 0;
    while (n + 12 < sizeof big) {
        memcpy(big + n, "{\"k\":\"v\\\\\"}", 11);
        n += 11;
        big[n] = (char)(n % 32 ? n % 32 : 0x1e);
        n++;
    }
    big[n] = '\0';
    char *p = store_review_payload("a", "b", "c", "d", big, "e", "f");
    char *ref = malloc(6 * n + 256), *w = ref;
    const char *keys[] = {"action",  "created", "decision_id", "id",
                          "outcome", "reason",  "reviewer"};
    const char *vals[] = {"c", "f", "b", "a", "d", big, "e"};
    *w++ = '{';
    for (int i = 0; i < 7; i++) {
        if (i) *w++ = ',';
        ref_string(&w, keys[i]);
        *w++ = ':';
        ref_string(&w, vals[i]);
    }
    *w++ = '}';
    *w = '\0';
    cr_assert_str_eq(p, ref);
    free(p);
    free(ref);
    cr_assert_eq(checked, 70 * 71 / 2 * 9);
}

/* Rows chained before the fix hashed an absent policy / as_of as null: they still verify. The
 * test rewrites the first entry (and the links after it) as the old code wrote them. */
Test(store_audit, rows_hashed_with_null_policy_before_the_fix_still_verify)
{
    xg_store *s = fresh();
    json_decref(decision_without_policy(s));
    json_decref(decision(s, "ALLOW", 1));
    db_stmt *st;
    cr_assert_eq(store_prepare(&st, s,
                               "SELECT id, created, outcome, request, response, list_hash,"
                               " catalog_version FROM decisions WHERE n = 1"),
                 0);
    cr_assert_eq(db_step(st), DB_ROW);
    char *old = store_decision_payload(
        store_col_text(st, 0), store_col_text(st, 1), store_col_text(st, 2), store_col_text(st, 3),
        store_col_text(st, 4), store_col_text(st, 5), store_col_text(st, 6), NULL, NULL, NULL);
    db_finalize(st);
    cr_assert_not_null(strstr(old, "\"policy\":null"));
    char ph[65], h1[65], h2[65], payload2_hash[65];
    hex_sha256(ph, "", old);
    hex_sha256(h1, "0000000000000000000000000000000000000000000000000000000000000000", old);
    free(old);
    /* entry 2's hash covers entry 1's: recompute it from its recorded payload */
    cr_assert_eq(store_prepare(&st, s, "SELECT payload_hash FROM audit WHERE seq = 2"), 0);
    cr_assert_eq(db_step(st), DB_ROW);
    snprintf(payload2_hash, sizeof payload2_hash, "%s", store_col_text(st, 0));
    db_finalize(st);
    cr_assert_eq(store_prepare(&st, s,
                               "SELECT id, created, outcome, request, response, list_hash,"
                               " catalog_version, policy, as_of, facts FROM decisions WHERE n = 2"),
                 0);
    cr_assert_eq(db_step(st), DB_ROW);
    char *p2 = store_decision_payload(
        store_col_text(st, 0), store_col_text(st, 1), store_col_text(st, 2), store_col_text(st, 3),
        store_col_text(st, 4), store_col_text(st, 5), store_col_text(st, 6), store_col_text(st, 7),
        store_col_text(st, 8), db_column_text(st, 9));
    db_finalize(st);
    hex_sha256(h2, h1, p2);
    free(p2);
    char q[512];
    snprintf(q, sizeof q,
             "UPDATE audit SET payload_hash = '%s', hash = '%s' WHERE seq = 1;"
             " UPDATE audit SET prev_hash = '%s', hash = '%s' WHERE seq = 2;"
             " UPDATE audit_head SET hash = '%s'",
             ph, h1, h1, h2, h2);
    sql(q);
    json_t *v = verify(s);
    cr_assert(json_is_true(json_object_get(v, "ok")), "%s",
              json_string_value(json_object_get(json_object_get(v, "first_bad"), "detail")));
    json_decref(v);
    /* the old form is accepted only for an empty column: a changed policy is still an edit */
    sql("UPDATE decisions SET as_of = '2026-01-01' WHERE n = 1");
    expect_bad(s, 1, "edited");
    cleanup(s);
}
