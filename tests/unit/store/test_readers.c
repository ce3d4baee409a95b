/* Read connections (store_read_begin): reads on the decision path run beside the writer and see
 * every commit made before they began; the limit holds; with none allowed, or none possible (an
 * in-memory SQLite database), reads run on the writer connection; on PostgreSQL a read
 * connection killed by the server is replaced by the next read. Runs on both backends
 * (tests/cli/test_store_unit_pg.sh). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store_temp.h"
#include "store/store_internal.h"
#include "xgate/error.h"
#include "xgate/store.h"

#define WRITERS 4
#define READERS 6
#define EACH 20

static json_int_t readers_stat(xg_store *s, const char *key)
{
    json_t *info;
    cr_assert_eq(xg_store_info(&info, s), 0, "%s", xg_error_message());
    json_t *v = json_object_get(json_object_get(info, "read_connections"), key);
    cr_assert(v, "store info has no read_connections.%s", key);
    json_int_t n = json_is_boolean(v) ? json_is_true(v) : json_integer_value(v);
    json_decref(info);
    return n;
}

typedef struct {
    xg_store *s;
    int id, fails;
    char why[256];
} worker;

/* Record a decision and read it back at once, then add an ownership edge and read it back: a
 * read that starts after a commit returned sees it. */
static void *write_then_read(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < EACH && !w->fails; i++) {
        json_t *resp =
            json_pack("{s:s,s:{s:s,s:s,s:s,s:s}}", "decision", "ALLOW", "versions", "lists", "l1",
                      "catalog", "c1", "policy", "p1", "as_of", "2026-12-05");
        json_t *req = json_pack("{s:{s:s}}", "customer", "name", "Reader Test Ltd");
        json_t *d = NULL;
        if (xg_store_decision_record(w->s, resp, req)) {
            w->fails++;
            snprintf(w->why, sizeof w->why, "record: %s", xg_error_message());
        } else if (xg_store_decision_get(&d, w->s,
                                         json_string_value(json_object_get(resp, "decision_id")))) {
            w->fails++;
            snprintf(w->why, sizeof w->why, "read back: %s", xg_error_message());
        }
        json_decref(d);
        json_decref(resp);
        json_decref(req);
        char owned[64], owner[64];
        snprintf(owned, sizeof owned, "Owned %d-%d", w->id, i);
        snprintf(owner, sizeof owner, "Owner %d-%d", w->id, i);
        json_t *o = json_pack("{s:s,s:s}", "name", owner, "country", "DE"), *edges = NULL;
        if (!w->fails && xg_store_ownership_add(w->s, o, owned, "test")) {
            w->fails++;
            snprintf(w->why, sizeof w->why, "ownership add: %s", xg_error_message());
        } else if (!w->fails &&
                   (xg_store_ownership_of(&edges, w->s, owned) || json_array_size(edges) != 1 ||
                    strcmp(json_string_value(json_object_get(json_array_get(edges, 0), "name")),
                           owner))) {
            w->fails++;
            snprintf(w->why, sizeof w->why, "ownership of %s: not seen after its commit", owned);
        }
        json_decref(o);
        json_decref(edges);
    }
    return NULL;
}

/* Reads only, all the time, while the writers commit. */
static void *read_only(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 3 * EACH && !w->fails; i++) {
        json_t *l = NULL, *a = NULL, *e = NULL;
        if (xg_store_licenses_list(&l, w->s) || xg_store_alerts_open_for(&a, w->s, "Someone") ||
            xg_store_ownership_of(&e, w->s, "Owned 0-0")) {
            w->fails++;
            snprintf(w->why, sizeof w->why, "read: %s", xg_error_message());
        }
        json_decref(l);
        json_decref(a);
        json_decref(e);
    }
    return NULL;
}

static void run_mixed(xg_store *s)
{
    pthread_t t[WRITERS + READERS];
    worker w[WRITERS + READERS];
    for (int i = 0; i < WRITERS + READERS; i++) {
        w[i] = (worker){.s = s, .id = i};
        pthread_create(&t[i], NULL, i < WRITERS ? write_then_read : read_only, &w[i]);
    }
    for (int i = 0; i < WRITERS + READERS; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].fails, 0, "thread %d: %s", i, w[i].why);
    }
    json_t *v;
    cr_assert_eq(xg_store_audit_verify(&v, s), 0);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), WRITERS * EACH);
    json_decref(v);
}

Test(store_readers, reads_beside_the_writer_see_every_commit)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "readers");
    cr_assert_eq(readers_stat(s, "available"), 1);
    cr_assert_eq(readers_stat(s, "max"), XG_STORE_READERS_DEFAULT);
    run_mixed(s);
    /* the reads ran on read connections, never more than allowed */
    cr_assert_gt(readers_stat(s, "reads"), 0);
    cr_assert_eq(readers_stat(s, "on_writer"), 0);
    cr_assert_leq(readers_stat(s, "open"), XG_STORE_READERS_DEFAULT);
    cr_assert_geq(readers_stat(s, "open"), 1);
    temp_store_remove(&tmp, s);
}

Test(store_readers, the_limit_holds_and_zero_reads_on_the_writer)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "readers_limit");
    cr_assert_eq(xg_store_readers_set(s, -1), XG_EINVAL);
    cr_assert_eq(xg_store_readers_set(s, 2), 0);
    run_mixed(s);
    cr_assert_leq(readers_stat(s, "open"), 2);
    cr_assert_eq(readers_stat(s, "on_writer"), 0);
    /* none allowed: the idle ones are closed and every read runs on the writer connection */
    cr_assert_eq(xg_store_readers_set(s, 0), 0);
    cr_assert_eq(readers_stat(s, "open"), 0);
    json_int_t before = readers_stat(s, "reads");
    json_t *e = NULL;
    cr_assert_eq(xg_store_ownership_of(&e, s, "Owned 1-3"), 0, "%s", xg_error_message());
    cr_assert_eq(json_array_size(e), 1);
    json_decref(e);
    cr_assert_eq(readers_stat(s, "reads"), before);
    cr_assert_eq(readers_stat(s, "on_writer"), 1);
    temp_store_remove(&tmp, s);
}

Test(store_readers, an_in_memory_database_reads_on_the_writer)
{
    if (temp_store_is_pg()) cr_skip_test("SQLite only");
    xg_store *s;
    cr_assert_eq(xg_store_open(&s, "sqlite::memory:"), 0, "%s", xg_error_message());
    json_t *o = json_pack("{s:s}", "name", "Parent AG"), *e = NULL;
    cr_assert_eq(xg_store_ownership_add(s, o, "Child GmbH", "test"), 0, "%s", xg_error_message());
    cr_assert_eq(xg_store_ownership_of(&e, s, "Child GmbH"), 0, "%s", xg_error_message());
    cr_assert_eq(json_array_size(e), 1, "a second connection would see another database");
    cr_assert_eq(readers_stat(s, "available"), 0);
    cr_assert_eq(readers_stat(s, "open"), 0);
    json_decref(o);
    json_decref(e);
    xg_store_close(s);
}

Test(store_readers, a_read_connection_killed_by_the_server_is_replaced)
{
    if (!temp_store_is_pg()) cr_skip_test("PostgreSQL only");
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "readers_kill");
    json_t *o = json_pack("{s:s}", "name", "Parent AG"), *e = NULL;
    cr_assert_eq(xg_store_ownership_add(s, o, "Child GmbH", "test"), 0, "%s", xg_error_message());
    cr_assert_eq(xg_store_ownership_of(&e, s, "Child GmbH"), 0, "%s", xg_error_message());
    json_decref(e);
    cr_assert_eq(readers_stat(s, "open"), 1);
    /* the server ends every session of this database: the writer's and the reader's */
    temp_store_exec(&tmp, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    /* the next read connects again (outside a transaction a statement is sent again) */
    e = NULL;
    cr_assert_eq(xg_store_ownership_of(&e, s, "Child GmbH"), 0, "%s", xg_error_message());
    cr_assert_eq(json_array_size(e), 1);
    json_decref(e);
    /* and a write after it, then a read of that write */
    json_t *o2 = json_pack("{s:s}", "name", "Second Parent AG");
    cr_assert_eq(xg_store_ownership_add(s, o2, "Child GmbH", "test"), 0, "%s", xg_error_message());
    e = NULL;
    cr_assert_eq(xg_store_ownership_of(&e, s, "Child GmbH"), 0, "%s", xg_error_message());
    cr_assert_eq(json_array_size(e), 2);
    cr_assert_eq(readers_stat(s, "on_writer"), 0);
    json_decref(e);
    json_decref(o);
    json_decref(o2);
    temp_store_remove(&tmp, s);
}

/* xg_store_reads_begin: one read connection for a thread's reads until xg_store_reads_end; each
 * read is counted; pairs nest; a second store's begin holds nothing; the connection goes back to
 * the pool at the end. */
Test(store_readers, a_held_read_connection_serves_every_read_of_the_thread)
{
    temp_store tmp, tmp2;
    xg_store *s = temp_store_open(&tmp, "readers_hold");
    xg_store *s2 = temp_store_open(&tmp2, "readers_hold2");
    json_t *o = json_pack("{s:s}", "name", "Parent AG"), *e = NULL;
    cr_assert_eq(xg_store_ownership_add(s, o, "Child GmbH", "test"), 0, "%s", xg_error_message());
    json_decref(o);
    json_int_t reads0 = readers_stat(s, "reads");
    xg_store_reads_begin(s);
    xg_store_reads_begin(s);  /* nested: counted */
    xg_store_reads_begin(s2); /* another store: nothing held for it */
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(xg_store_ownership_of(&e, s, "Child GmbH"), 0, "%s", xg_error_message());
        cr_assert_eq(json_array_size(e), 1);
        json_decref(e);
    }
    cr_assert_eq(xg_store_ownership_of(&e, s2, "Child GmbH"), 0, "%s", xg_error_message());
    cr_assert_eq(json_array_size(e), 0);
    json_decref(e);
    cr_assert_eq(readers_stat(s2, "reads"), 1, "the second store's read took its own connection");
    xg_store_reads_end(s2);
    xg_store_reads_end(s);
    /* still held (the outer pair): a write and a read after it see each other */
    o = json_pack("{s:s}", "name", "Other Parent AG");
    cr_assert_eq(xg_store_ownership_add(s, o, "Child GmbH", "test"), 0, "%s", xg_error_message());
    json_decref(o);
    cr_assert_eq(xg_store_ownership_of(&e, s, "Child GmbH"), 0, "%s", xg_error_message());
    cr_assert_eq(json_array_size(e), 2, "a read on the held connection sees the commit before it");
    json_decref(e);
    cr_assert_eq(readers_stat(s, "open"), 1, "every read ran on the one held connection");
    xg_store_reads_end(s);
    cr_assert_eq(readers_stat(s, "reads"), reads0 + 6, "each read counted once");
    cr_assert_eq(readers_stat(s, "on_writer"), 0);
    /* given back: the next read takes it from the pool */
    cr_assert_eq(xg_store_ownership_of(&e, s, "Child GmbH"), 0, "%s", xg_error_message());
    json_decref(e);
    cr_assert_eq(readers_stat(s, "open"), 1);
    cr_assert_eq(readers_stat(s, "reads"), reads0 + 7);
    temp_store_remove(&tmp2, s2);
    temp_store_remove(&tmp, s);
}

#define HOLDERS 6
#define HOLDS 40

/* Threads that hold the only read connection in turn and read the in-memory licenses, which are
 * dropped again and again (so they are read again): the loader takes its read handle before the
 * licenses' lock, so a holder waiting for that lock never blocks the loader. */
static void *hold_and_read_licenses(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < HOLDS && !w->fails; i++) {
        xg_store_reads_begin(w->s);
        json_t *all = NULL, *e = NULL;
        if (xg_store_licenses_cached(&all, w->s) || json_array_size(all) != 1 ||
            xg_store_ownership_of(&e, w->s, "Nobody Ltd")) {
            w->fails++;
            snprintf(w->why, sizeof w->why, "read %d: %s", i, xg_error_message());
        }
        json_decref(all);
        json_decref(e);
        xg_store_reads_end(w->s);
        if (i % 3 == w->id % 3) xg_store_licenses_forget(w->s);
    }
    return NULL;
}

Test(store_readers, holders_and_the_license_loader_share_one_connection)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "readers_hold_lic");
    cr_assert_eq(xg_store_readers_set(s, 1), 0);
    json_t *l = json_pack("{s:s,s:s,s:[s],s:[s],s:s}", "number", "L-1", "party", "Hold Ltd",
                          "items", "p5.48xlarge", "destinations", "AE", "valid_from", "2026-01-01");
    cr_assert_eq(xg_store_license_add(s, l), 0, "%s", xg_error_message());
    json_decref(l);
    pthread_t t[HOLDERS];
    worker w[HOLDERS];
    for (int i = 0; i < HOLDERS; i++) {
        w[i] = (worker){.s = s, .id = i};
        pthread_create(&t[i], NULL, hold_and_read_licenses, &w[i]);
    }
    for (int i = 0; i < HOLDERS; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].fails, 0, "thread %d: %s", i, w[i].why);
    }
    cr_assert_eq(readers_stat(s, "open"), 1);
    cr_assert_eq(readers_stat(s, "on_writer"), 0);
    temp_store_remove(&tmp, s);
}
