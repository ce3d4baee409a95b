/* Group commit: decisions recorded by many threads at once on one store share transactions, and
 * every one is in the chain once, with the seq and hash its caller was given. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store_temp.h"
#include "store/store_internal.h"
#include "xgate/error.h"
#include "xgate/store.h"

#define THREADS 16
#define EACH 25

typedef struct {
    xg_store *s;
    int fails;
    json_t *given; /* decision id → audit seq */
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    w->given = json_object();
    for (int i = 0; i < EACH; i++) {
        json_t *resp = json_pack("{s:s,s:{s:s,s:s,s:s,s:s}}", "decision",
                                 i % 3 ? "ALLOW" : "REVIEW", "versions", "lists", "l1", "catalog",
                                 "c1", "policy", "p1", "as_of", "2026-11-22");
        json_t *req = json_pack("{s:{s:s}}", "customer", "name", "Group Commit Ltd");
        if (xg_store_decision_record(w->s, resp, req))
            w->fails++;
        else
            json_object_set_new(
                w->given, json_string_value(json_object_get(resp, "decision_id")),
                json_incref(json_object_get(json_object_get(resp, "audit"), "seq")));
        json_decref(resp);
        json_decref(req);
    }
    return NULL;
}

Test(group_commit, concurrent_decisions_form_one_chain)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "gc");
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.s = s};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    json_t *seqs = json_object();
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].fails, 0);
        const char *id;
        json_t *seq;
        json_object_foreach(w[i].given, id, seq)
        {
            char k[32];
            snprintf(k, sizeof k, "%lld", (long long)json_integer_value(seq));
            cr_assert_null(json_object_get(seqs, k), "seq %s given twice", k);
            json_object_set(seqs, k, seq);
            json_t *d = NULL;
            cr_assert_eq(xg_store_decision_get(&d, s, id), 0, "%s", xg_error_message());
            cr_assert_eq(json_integer_value(json_object_get(json_object_get(d, "audit"), "seq")),
                         json_integer_value(seq));
            json_decref(d);
        }
        json_decref(w[i].given);
    }
    cr_assert_eq(json_object_size(seqs), THREADS * EACH);
    json_decref(seqs);
    json_t *v;
    cr_assert_eq(xg_store_audit_verify(&v, s), 0);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), THREADS * EACH);
    json_decref(v);
    json_t *info;
    cr_assert_eq(xg_store_info(&info, s), 0);
    json_t *gc = json_object_get(info, "group_commit");
    cr_assert_eq(json_integer_value(json_object_get(gc, "decisions")), THREADS * EACH);
    cr_assert_leq(json_integer_value(json_object_get(gc, "batches")), THREADS * EACH);
    json_decref(info);
    /* a decision that fails inside a batch fails alone: a duplicate id */
    json_t *resp = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s}}", "decision", "ALLOW", "decision_id",
                             "dec_same", "versions", "lists", "l1", "catalog", "c1", "policy", "p1",
                             "as_of", "2026-11-22");
    json_t *req = json_pack("{}");
    cr_assert_eq(xg_store_decision_record(s, resp, req), 0, "%s", xg_error_message());
    json_object_del(resp, "audit");
    cr_assert_neq(xg_store_decision_record(s, resp, req), 0);
    json_decref(resp);
    json_decref(req);
    cr_assert_eq(xg_store_audit_verify(&v, s), 0);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    json_decref(v);
    temp_store_remove(&tmp, s);
}

static void *dup_work(void *arg)
{
    xg_store *s = arg;
    json_t *resp = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s}}", "decision", "ALLOW", "decision_id",
                             "dec_dup", "versions", "lists", "l1", "catalog", "c1", "policy", "p1",
                             "as_of", "2026-11-22");
    json_t *req = json_pack("{}");
    long ok = xg_store_decision_record(s, resp, req) == 0;
    json_decref(resp);
    json_decref(req);
    return (void *)ok;
}

/* The same id from 8 threads at once: whether or not they share a batch, exactly one is recorded,
 * the others fail, and the chain stays valid. */
Test(group_commit, a_failing_decision_fails_alone)
{
    temp_store tmp;
    xg_store *s = temp_store_open(&tmp, "gc-dup");
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, dup_work, s);
    long ok = 0;
    for (int i = 0; i < 8; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok += (long)r;
    }
    cr_assert_eq(ok, 1);
    json_t *v;
    cr_assert_eq(xg_store_audit_verify(&v, s), 0);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), 1);
    json_decref(v);
    temp_store_remove(&tmp, s);
}

static void batch_item(json_t **resp, json_t **req, int i, const char *id)
{
    *resp =
        json_pack("{s:s,s:{s:s,s:s,s:s,s:s}}", "decision", i % 3 ? "ALLOW" : "REVIEW", "versions",
                  "lists", "l1", "catalog", "c1", "policy", "p1", "as_of", "2026-11-22");
    if (id) json_object_set_new(*resp, "decision_id", json_string(id));
    *req = json_pack("{s:{s:s},s:{s:s}}", "customer", "name", "Batch Ltd", "access", "source_ip",
                     "203.0.113.9");
}

/* A batch is one transaction (one group-commit batch in the store's counters) whatever its size,
 * its decisions take consecutive chain positions in order, and a batch holding a bad decision (an
 * id already recorded) records none of them. */
Test(group_commit, a_batch_is_one_transaction)
{
    char path[256], url[300];
    snprintf(path, sizeof path, "/tmp/xg-gc-batch-%d.db", getpid());
    snprintf(url, sizeof url, "sqlite:%s", path);
    xg_store *s;
    cr_assert_eq(xg_store_open(&s, url), 0, "%s", xg_error_message());
    enum { N = XG_STORE_BATCH_MAX };
    json_t *resp[N], *req[N];
    for (int i = 0; i < N; i++)
        batch_item(&resp[i], &req[i], i, NULL);
    unsigned long long b0 = s->gc_batches;
    cr_assert_eq(xg_store_decisions_record_batch(s, resp, (const json_t *const *)req, NULL, N), 0,
                 "%s", xg_error_message());
    cr_assert_eq(s->gc_batches, b0 + 1, "one transaction for the batch");
    for (int i = 0; i < N; i++) {
        json_t *a = json_object_get(resp[i], "audit");
        cr_assert_eq(json_integer_value(json_object_get(a, "seq")), i + 1);
        cr_assert(json_is_string(json_object_get(resp[i], "created")));
    }
    json_t *d = NULL;
    const char *last = json_string_value(json_object_get(resp[N - 1], "decision_id"));
    cr_assert_eq(xg_store_decision_get(&d, s, last), 0, "%s", xg_error_message());
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(d, "audit"), "seq")), N);
    json_decref(d);
    /* all or nothing: the third decision reuses a recorded id */
    json_t *bresp[3], *breq[3];
    for (int i = 0; i < 3; i++)
        batch_item(&bresp[i], &breq[i], i, i == 2 ? last : NULL);
    cr_assert_neq(xg_store_decisions_record_batch(s, bresp, (const json_t *const *)breq, NULL, 3),
                  0);
    for (int i = 0; i < 3; i++) {
        cr_assert_null(json_object_get(bresp[i], "audit"));
        json_decref(bresp[i]);
        json_decref(breq[i]);
    }
    cr_assert_eq(xg_store_decisions_record_batch(s, resp, (const json_t *const *)req, NULL, N + 1),
                 XG_ETOOBIG);
    json_t *v;
    cr_assert_eq(xg_store_audit_verify(&v, s), 0);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), N);
    json_decref(v);
    for (int i = 0; i < N; i++) {
        json_decref(resp[i]);
        json_decref(req[i]);
    }
    xg_store_close(s);
    char p[320];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

static void *batch_work(void *arg)
{
    xg_store *s = arg;
    json_t *resp[50], *req[50];
    long ok = 1;
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 50; i++)
            batch_item(&resp[i], &req[i], i, NULL);
        if (xg_store_decisions_record_batch(s, resp, (const json_t *const *)req, NULL, 50)) ok = 0;
        /* a batch is never split: its chain positions are consecutive */
        json_int_t first =
            json_integer_value(json_object_get(json_object_get(resp[0], "audit"), "seq"));
        for (int i = 0; i < 50; i++) {
            if (json_integer_value(json_object_get(json_object_get(resp[i], "audit"), "seq")) !=
                first + i)
                ok = 0;
            json_decref(resp[i]);
            json_decref(req[i]);
        }
    }
    return (void *)ok;
}

/* Batches share the group-commit queue with single decisions: concurrent batches and singles all
 * land, each batch in consecutive chain positions, and the chain verifies. */
Test(group_commit, batches_join_the_group_commit)
{
    char path[256], url[300];
    snprintf(path, sizeof path, "/tmp/xg-gc-batches-%d.db", getpid());
    snprintf(url, sizeof url, "sqlite:%s", path);
    xg_store *s;
    cr_assert_eq(xg_store_open(&s, url), 0, "%s", xg_error_message());
    pthread_t bt[4], st[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        pthread_create(&bt[i], NULL, batch_work, s);
        w[i] = (worker){.s = s};
        pthread_create(&st[i], NULL, work, &w[i]);
    }
    long batches_ok = 1;
    int fails = 0;
    for (int i = 0; i < 4; i++) { /* every thread joined before any assertion */
        void *r;
        pthread_join(bt[i], &r);
        batches_ok &= (long)r;
        pthread_join(st[i], NULL);
        fails += w[i].fails;
        json_decref(w[i].given);
    }
    cr_assert_eq(batches_ok, 1, "a batch failed or was split");
    cr_assert_eq(fails, 0);
    json_t *v;
    cr_assert_eq(xg_store_audit_verify(&v, s), 0);
    cr_assert(json_is_true(json_object_get(v, "ok")));
    cr_assert_eq(json_integer_value(json_object_get(v, "rows")), 4 * 4 * 50 + 4 * EACH);
    json_decref(v);
    xg_store_close(s);
    char p[320];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}
