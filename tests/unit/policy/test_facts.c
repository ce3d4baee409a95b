/* The facts a decision is taken over: gathered from the store in one step (exactly the names the
 * ownership walk asks about, the customer's licenses only), read back by the walk without the
 * store, and compared fact by fact. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/facts.h"
#include "xgate/error.h"

static xg_policy_set *P;
static xg_store *DB;
static char dbpath[128];

static void setup(void)
{
    cr_assert_eq(xg_policy_load(&P, NULL), 0, "%s", xg_error_message());
    snprintf(dbpath, sizeof dbpath, "sqlite:/tmp/xg-facts-test-%d.db", getpid());
    cr_assert_eq(xg_store_open(&DB, dbpath), 0, "%s", xg_error_message());
}

static void teardown(void)
{
    xg_store_close(DB);
    xg_policy_free(P);
    char p[160];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", dbpath + 7, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
        unlink(p);
    }
}

TestSuite(policy_facts, .init = setup, .fini = teardown, .timeout = 0);

static json_t *J(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    cr_assert_not_null(j, "test JSON: %s", e.text);
    return j;
}

static void put_customer(const char *json)
{
    json_t *c = J(json);
    char *id;
    cr_assert_eq(xg_store_customer_put(&id, DB, c), 0, "%s", xg_error_message());
    free(id);
    json_decref(c);
}

static json_t *gather(const char *request)
{
    json_t *req = J(request), *f;
    cr_assert_eq(facts_gather(&f, DB, req, P, NULL, "2026-11-22", 12), 0, "%s", xg_error_message());
    json_decref(req);
    return f;
}

static bool has_line(const json_t *lines, const char *want)
{
    size_t i;
    const json_t *l;
    json_array_foreach(lines, i, l) if (!strcmp(json_string_value(l), want)) return true;
    return false;
}

Test(policy_facts, gathers_what_the_walk_asks_and_the_customers_licenses)
{
    put_customer("{\"id\":\"c-g\",\"name\":\"Gather Test GmbH\",\"country\":\"DE\","
                 "\"verification\":\"verified\",\"owners\":[{\"name\":\"Holdco One\","
                 "\"country\":\"NL\",\"percent\":70}]}");
    put_customer("{\"name\":\"Holdco One\",\"country\":\"NL\",\"owners\":[{\"name\":\"Top Parent "
                 "Ltd\",\"country\":\"GB\",\"percent\":100}]}");
    json_t *l1 = J("{\"number\":\"L-G-1\",\"party\":\"gather test gmbh.\",\"items\":[\"4A090\"],"
                   "\"destinations\":[\"DE\"],\"valid_from\":\"2026-01-01\"}");
    json_t *l2 = J("{\"number\":\"L-OTHER\",\"party\":\"Someone Else\",\"items\":[\"4A090\"],"
                   "\"destinations\":[\"DE\"],\"valid_from\":\"2026-01-01\"}");
    cr_assert_eq(xg_store_license_add(DB, l1), 0, "%s", xg_error_message());
    cr_assert_eq(xg_store_license_add(DB, l2), 0, "%s", xg_error_message());
    json_decref(l1);
    json_decref(l2);

    json_t *f = gather("{\"customer\":{\"id\":\"c-g\"},\"resource\":{\"item\":\"H100\"}}");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "customer"), "name")),
                     "Gather Test GmbH");
    /* the walk asked about the customer, its owner (found through the store) and that owner's
     * owner, and about nobody else */
    const json_t *own = json_object_get(f, "ownership");
    cr_assert_eq(json_object_size(own), 3, "%s", json_dumps(own, 0));
    cr_assert_eq(json_array_size(json_object_get(own, "Gather Test GmbH")), 1);
    cr_assert_eq(json_array_size(json_object_get(own, "Holdco One")), 1);
    cr_assert_eq(json_array_size(json_object_get(own, "Top Parent Ltd")), 0);
    /* only the customer's license (its name as the license check compares names) */
    const json_t *lic = json_object_get(f, "licenses");
    cr_assert_eq(json_array_size(lic), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(lic, 0), "number")), "L-G-1");

    /* the walk over the facts alone builds the graph the store gave */
    xg_arena a;
    xg_arena_init(&a, 4096);
    dreq r;
    json_t *req = J("{\"customer\":{\"id\":\"c-g\"},\"resource\":{\"item\":\"H100\"}}");
    cr_assert_eq(dreq_parse(&r, &a, req, P, json_object_get(f, "customer"), NULL, "2026-11-22"), 0,
                 "%s", xg_error_message());
    cr_assert(r.registered);
    own_source src = facts_ownership_source(f);
    own_graph g;
    cr_assert_eq(own_build(&g, &a, &r, &src, 12), 0);
    cr_assert_eq(g.nnodes, 3);
    cr_assert_str_eq(g.nodes[g.ultimate_parent].name, "Top Parent Ltd");
    cr_assert_float_eq(g.nodes[g.ultimate_parent].share, 0.7, 1e-9);
    own_free(&g);
    json_decref(r.json);
    json_decref(req);
    xg_arena_free(&a);

    /* the canonical form is stable: sorted keys, compact */
    char *c1 = facts_canonical(f), *c2 = facts_canonical(f);
    cr_assert_str_eq(c1, c2);
    cr_assert_eq(strncmp(c1, "{\"customer\":{", 13), 0, "%s", c1);
    free(c1);
    free(c2);
    json_decref(f);
}

Test(policy_facts, unknown_customer_and_no_store)
{
    json_t *req = J("{\"customer\":{\"id\":\"c-nobody\"},\"resource\":{\"item\":\"H100\"}}"), *f;
    cr_assert_eq(facts_gather(&f, DB, req, P, NULL, "2026-11-22", 12), XG_ENOTFOUND);
    cr_assert(strstr(xg_error_message(), "customer.id: no registered customer 'c-nobody'"), "%s",
              xg_error_message());
    /* without a store there is nothing to read: a dry run's facts are empty */
    cr_assert_eq(facts_gather(&f, NULL, req, P, NULL, "2026-11-22", 12), 0);
    json_t *empty = facts_empty();
    cr_assert(json_equal(f, empty));
    json_decref(empty);
    json_decref(f);
    json_decref(req);
}

Test(policy_facts, diff_names_each_fact)
{
    json_t *a =
        J("{\"customer\":{\"id\":\"c1\",\"name\":\"Acme\",\"country\":\"DE\","
          "\"updated\":\"2026-01-01\"},"
          "\"ownership\":{\"Acme\":[{\"name\":\"Owner X\",\"percent\":30,\"source\":\"c1\"},"
          "{\"name\":\"Gone Co\",\"percent\":10,\"source\":\"c1\"}]},"
          "\"licenses\":[{\"number\":\"L-1\",\"party\":\"Acme\",\"items\":[\"H100\"],"
          "\"destinations\":[\"DE\"],\"valid_from\":\"2026-01-01\",\"valid_to\":null}]}");
    json_t *b =
        J("{\"customer\":{\"id\":\"c1\",\"name\":\"Acme\",\"country\":\"CN\","
          "\"updated\":\"2026-02-01\"},"
          "\"ownership\":{\"Acme\":[{\"name\":\"Owner X\",\"percent\":60,\"source\":\"c1\"},"
          "{\"name\":\"New Co\",\"source\":\"c1\"}]},"
          "\"licenses\":[{\"number\":\"L-1\",\"party\":\"Acme\",\"items\":[\"H100\"],"
          "\"destinations\":[\"DE\"],\"valid_from\":\"2026-01-01\","
          "\"valid_to\":\"2026-06-30\"},{\"number\":\"L-2026-001\",\"party\":\"Acme\","
          "\"items\":[\"4A090\"],\"destinations\":[\"CN\"],\"valid_from\":\"2026-03-01\","
          "\"valid_to\":null}]}");
    json_t *d;
    cr_assert_eq(facts_diff(&d, a, b), 0);
    char *text = json_dumps(d, 0);
    cr_assert(has_line(d, "customer: country DE → CN"), "%s", text);
    cr_assert(has_line(d, "ownership: Owner X in Acme 30% → 60%"), "%s", text);
    cr_assert(has_line(d, "ownership: added New Co as owner of Acme (share not on file)"), "%s",
              text);
    cr_assert(has_line(d, "ownership: removed Gone Co as owner of Acme (10%)"), "%s", text);
    cr_assert(has_line(d, "licenses: L-1 valid_to (none) → 2026-06-30"), "%s", text);
    cr_assert(has_line(d, "licenses: added L-2026-001 for Acme (items [\"4A090\"], destinations "
                          "[\"CN\"], valid 2026-03-01 to open)"),
              "%s", text);
    cr_assert_eq(json_array_size(d), 6, "%s (timestamps are not facts that differ)", text);
    free(text);
    json_decref(d);

    /* the reverse direction: removed license, record re-saved only */
    cr_assert_eq(facts_diff(&d, b, a), 0);
    cr_assert(has_line(d, "licenses: removed L-2026-001 for Acme (items [\"4A090\"], destinations "
                          "[\"CN\"], valid 2026-03-01 to open)"));
    json_decref(d);
    cr_assert_eq(facts_diff(&d, a, a), 0);
    cr_assert_eq(json_array_size(d), 0);
    json_decref(d);
    json_t *c = json_deep_copy(a);
    json_object_set_new(json_object_get(c, "customer"), "updated", json_string("2026-05-05"));
    cr_assert_eq(facts_diff(&d, a, c), 0);
    cr_assert_eq(json_array_size(d), 1);
    cr_assert(strstr(json_string_value(json_array_get(d, 0)), "saved again"));
    json_decref(d);
    /* a record that appears */
    json_t *e = facts_empty();
    cr_assert_eq(facts_diff(&d, e, a), 0);
    cr_assert(has_line(d, "customer: record c1 now on file"));
    json_decref(d);
    json_decref(e);
    json_decref(c);
    json_decref(a);
    json_decref(b);
}

Test(policy_facts, alerts_and_usage_differ_and_a_missing_key_is_none)
{
    /* facts stored before alerts and usage were gathered: no keys, the same as none */
    json_t *old = J("{\"customer\":null,\"ownership\":{},\"licenses\":[]}"), *d;
    json_t *none = facts_empty();
    cr_assert_eq(facts_diff(&d, old, none), 0);
    cr_assert_eq(json_array_size(d), 0, "%s", json_dumps(d, 0));
    json_decref(d);

    json_t *now = J("{\"customer\":null,\"ownership\":{},\"licenses\":[],\"open_alerts\":[{\"id\":"
                    "\"alr_1\",\"party\":\"Nordwind Optics AG\",\"list\":\"1260H\",\"entry_id\":"
                    "\"T-1\",\"entry_name\":\"Nordwind Optics AG\",\"score\":1.0}],\"usage\":{"
                    "\"customer\":\"c-1\",\"ops_high\":3e24,\"window_days\":90,\"to\":"
                    "\"2026-11-22\"}}");
    cr_assert_eq(facts_diff(&d, old, now), 0);
    char *text = json_dumps(d, 0);
    cr_assert_eq(json_array_size(d), 2, "%s", text);
    cr_assert(has_line(d, "alerts: open alr_1 on Nordwind Optics AG (1260H T-1 Nordwind Optics AG, "
                          "score 1)"),
              "%s", text);
    cr_assert(has_line(d, "usage: c-1 (none) → 3e+24 ops (high) in the 90 days to 2026-11-22"),
              "%s", text);
    free(text);
    json_decref(d);

    /* the other way: the alert is no longer open, the usage changed */
    json_t *later = json_deep_copy(now);
    json_array_clear(json_object_get(later, "open_alerts"));
    json_object_set_new(json_object_get(later, "usage"), "ops_high", json_real(0));
    cr_assert_eq(facts_diff(&d, now, later), 0);
    text = json_dumps(d, 0);
    cr_assert(has_line(d, "alerts: no longer open alr_1 on Nordwind Optics AG (1260H T-1 Nordwind "
                          "Optics AG, score 1)"),
              "%s", text);
    cr_assert(has_line(d, "usage: c-1 3e+24 ops (high) in the 90 days to 2026-11-22 → 0 ops (high) "
                          "in the 90 days to 2026-11-22"),
              "%s", text);
    free(text);
    json_decref(d);
    json_decref(later);
    json_decref(now);
    json_decref(none);
    json_decref(old);
}
