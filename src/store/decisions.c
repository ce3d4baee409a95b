/*
 * decisions.c — decisions and their review, each written with its audit entry in one transaction.
 *
 * A decision row is never updated except for its review status (which is not part of what the
 * chain hashes); a review is a new row that records the analyst's outcome, so the original answer
 * and the later one both stay readable and both are chained.
 */
#include "store/store_internal.h"
#include "core/core.h"
#include "store/json_sorted.h"

#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

/* Remember whom each reseller serves (CIP and reseller facts). One upsert per intermediary: a
 * multi-row upsert may not touch one row twice, and decisions rarely name intermediaries. */
static int record_resellers(xg_store *s, const json_t *request, const char *now)
{
    const json_t *cust = json_object_get(request, "customer");
    const char *cname =
        xg_json_str(cust, "name") ? xg_json_str(cust, "name") : xg_json_str(cust, "id");
    db_stmt *st;
    int rc;
    size_t i;
    const json_t *im;
    json_array_foreach(json_object_get(request, "intermediaries"), i, im)
    {
        const char *name = xg_json_str(im, "name");
        if (!name || !cname) continue;
        if ((rc =
                 store_prepare(&st, s,
                               "INSERT INTO resellers (name_key, serves_key, name, country, serves,"
                               " names_end_user, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?)"
                               " ON CONFLICT (name_key, serves_key) DO UPDATE SET"
                               " last_seen = excluded.last_seen,"
                               " names_end_user = excluded.names_end_user")))
            return rc;
        char *nk = store_name_key(name), *sk = store_name_key(cname);
        const json_t *neu = json_object_get(im, "names_end_user");
        const char *v[] = {nk, sk, name, xg_json_str(im, "country"), cname};
        for (int k = 0; k < 5; k++)
            store_bind_text(st, k + 1, v[k]);
        if (json_is_boolean(neu))
            db_bind_int(st, 6, json_is_true(neu));
        else
            db_bind_null(st, 6);
        store_bind_text(st, 7, now);
        store_bind_text(st, 8, now);
        rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "reseller record");
        db_finalize(st);
        free(nk);
        free(sk);
        if (rc) return rc;
    }
    return XG_OK;
}

/* A decision without a policy or an as_of date stores "" in the NOT NULL column, and its audit
 * payload carries the same "" (not null), so the hash is rebuilt from the row byte for byte on
 * either backend. Rows chained before this hashed null there; verify accepts that form too. */
static const char *store_or_empty(const char *v)
{
    return v ? v : "";
}

/* ---- group commit ----
 * Concurrent decisions share one transaction: a thread that records a decision queues it; if no
 * other thread is committing, it becomes the leader, takes every decision queued so far (its own
 * and those that arrived while the previous batch was committing) and writes them in one
 * transaction (if one of them fails, the batch is rolled back and each is written alone, so only
 * the failing one fails), with one COMMIT — one fsync — for the batch. Every thread returns only
 * after the COMMIT of its batch, so a reply still means durable. There is no timer: a decision
 * waits at most for the batch in flight and its own, and one thread alone commits exactly as before
 * (a batch of one). Batches are capped at GC_MAX_BATCH decisions.
 *
 * A batch costs a fixed number of statements whatever its size (round trips matter on
 * PostgreSQL). SQLite: the chain head read, the next decision number, the decisions, their access
 * records and their audit entries (the chain hashes computed here), the head's update and the
 * COMMIT. PostgreSQL: the BEGIN, then one round trip (gc_txn_pg, below); reseller relations are
 * one upsert each on both. Each waiting thread sleeps on its own semaphore: the leader wakes
 * exactly the threads of its batch, and the thread at the head of the queue to lead the next one.
 *
 * The queue holds units: a decision alone, or a batch (xg_store_decisions_record_batch) that must
 * commit as a whole. A leader takes whole units (at least one, so a group may exceed
 * GC_MAX_BATCH by one batch) and a failing group is retried unit by unit. */
#define GC_MAX_BATCH 256

struct gc_item {
    char *id, *req, *resp, *payload, *acc_id;
    char now[32];
    const char *outcome, *customer, *facts, *cname, *ip, *country;
    const char *lists, *catalog, *policy, *as_of; /* the response's versions (NULL: absent) */
    const json_t *request;
    json_t *response;
    long long seq;
    char hash[65];
    char payload_hash[65]; /* SHA-256 of payload, computed before the lock */
    int rc;
    int lead;   /* set under gc_lock before the post: this unit's thread leads the next group */
    int unit_n; /* the first item of a unit: its items (1, or a batch's n); 0 for the others */
    char err[512];
    sem_t sem; /* posted once: the unit is done, or its thread leads */
    gc_item *next;
};

static void gc_fail(gc_item *it, int rc)
{
    it->rc = rc;
    snprintf(it->err, sizeof it->err, "%s", xg_error_message());
}

/* Every item of `batch` done: committed (rc 0) or failed with rc and the current message. */
static void gc_settle(gc_item *batch, int rc)
{
    for (gc_item *it = batch; it; it = it->next)
        if (!rc)
            it->rc = 0;
        else
            gc_fail(it, rc);
}

static long long next_decision_n(xg_store *s)
{
    db_stmt *st;
    if (store_prepare(&st, s, SQL_NEXT_DECISION_N)) return -1;
    long long n = db_step(st) == DB_ROW ? db_column_int64(st, 0) : -1;
    db_finalize(st);
    return n;
}

#define DEC_COLS 14
#define ACC_COLS 6

/* A decision row's values after n (id … facts), as both backends write them. */
static void decision_values(const gc_item *it, const char *v[DEC_COLS - 1])
{
    const char *row[] = {it->id,
                         it->now,
                         it->outcome,
                         it->req,
                         it->resp,
                         it->lists,
                         it->catalog,
                         it->policy ? it->policy : "",
                         it->as_of ? it->as_of : "",
                         it->customer,
                         !strcmp(it->outcome, "REVIEW") ? "open" : NULL,
                         it->outcome,
                         it->facts};
    memcpy(v, row, sizeof row);
}

/* An access record's values (id, decision_id, customer, ip, country, created). */
static void access_values(const gc_item *it, store_val *a)
{
    const char *w[] = {it->acc_id, it->id, it->cname, it->ip, it->country, it->now};
    for (int c = 0; c < ACC_COLS; c++)
        a[c].s = w[c];
}

/* The rows of a batch (inside the transaction, after the chain lock that read the head). */
static int write_batch(xg_store *s, gc_item *batch, int n, long long seq, char head[65])
{
    long long n0 = next_decision_n(s);
    if (n0 < 0) return store_error(s, "decision number");
    /* PostgreSQL: the rows' INSERTs and the head's update are queued and sent with the COMMIT, in
     * one round trip (db_defer); a failing one fails the COMMIT (gc_txn then retries unit by unit,
     * as when it fails here). */
    db_defer(s->db, 1);
    store_val *dv = calloc((size_t)n * DEC_COLS, sizeof *dv);
    store_val *av = calloc((size_t)n * ACC_COLS, sizeof *av);
    const char **refs = calloc((size_t)n, sizeof *refs), **pl = calloc((size_t)n, sizeof *pl);
    long long *seqs = calloc((size_t)n, sizeof *seqs);
    char(*hashes)[65] = calloc((size_t)n, 65);
    const char **phs = calloc((size_t)n, sizeof *phs);
    int rc = XG_OK, k = 0, na = 0;
    if (!dv || !av || !refs || !pl || !seqs || !hashes || !phs)
        rc = xg_error_set(XG_ENOMEM, "decision record: out of memory");
    for (gc_item *it = batch; it && !rc; it = it->next, k++) {
        store_val *d = dv + (size_t)k * DEC_COLS;
        d[0] = (store_val){.i = n0 + k, .is_int = 1};
        const char *v[DEC_COLS - 1];
        decision_values(it, v);
        for (int c = 0; c < DEC_COLS - 1; c++)
            d[c + 1].s = v[c];
        if (it->ip || it->country) access_values(it, av + (size_t)na++ * ACC_COLS);
        refs[k] = it->id;
        pl[k] = it->payload;
        phs[k] = it->payload_hash;
    }
    if (!rc)
        rc = store_insert_rows(s,
                               "INSERT INTO decisions (n, id, created, outcome, request, response,"
                               " list_hash, catalog_version, policy, as_of, customer_name,"
                               " review_status, final_outcome, facts)",
                               DEC_COLS, n, dv, "decision insert");
    if (!rc && na)
        rc = store_insert_rows(s,
                               "INSERT INTO access_records (id, decision_id, customer, ip, country,"
                               " created)",
                               ACC_COLS, na, av, "access record");
    for (gc_item *it = batch; it && !rc; it = it->next)
        rc = record_resellers(s, it->request, it->now);
    if (!rc)
        rc = store_audit_append_many(s, n, "decision", refs, pl, phs, &seq, head, seqs, hashes);
    k = 0;
    for (gc_item *it = batch; it && !rc; it = it->next, k++) {
        it->seq = seqs[k];
        memcpy(it->hash, hashes[k], 65);
    }
    free(dv);
    free(av);
    free(refs);
    free(pl);
    free(seqs);
    free(hashes);
    free(phs);
    return rc;
}

/* ---- PostgreSQL: the group in one round trip after the BEGIN ----
 * The statements are queued (db_defer) and sent with the COMMIT: the audit chain's append
 * (xg_chain_append, migration 12: the head locked, the entries' hashes computed and written by
 * the server), then the decisions (numbered after the largest n, read after that lock), their
 * access records and reseller relations. The chain head is thus held only while the server runs
 * the statements of that one round trip and the COMMIT, never across a round trip to this
 * process, so the groups of several nodes follow one another closely. */

/* a PostgreSQL array literal of texts: {"a","b"} (quotes and backslashes escaped) */
static void pg_text_array(xg_buf *b, const char *const *v, int n)
{
    xg_buf_putc(b, '{');
    for (int i = 0; i < n; i++) {
        xg_buf_puts(b, i ? ",\"" : "\"");
        for (const char *p = v[i]; *p; p++) {
            if (*p == '"' || *p == '\\') xg_buf_putc(b, '\\');
            xg_buf_putc(b, *p);
        }
        xg_buf_putc(b, '"');
    }
    xg_buf_putc(b, '}');
}

/* Queue the chain's append of the decisions of `batch` (kept: its rows are read after COMMIT). */
static int chain_append_pg(xg_store *s, gc_item *batch, int n, db_stmt **out)
{
    xg_buf refs, payloads, lens, phs;
    xg_buf_init(&refs);
    xg_buf_init(&payloads);
    xg_buf_init(&lens);
    xg_buf_init(&phs);
    const char **rv = calloc((size_t)n, sizeof *rv), **hv = calloc((size_t)n, sizeof *hv);
    int rc = rv && hv ? XG_OK : xg_error_set(XG_ENOMEM, "decision record: out of memory");
    int k = 0;
    xg_buf_putc(&lens, '{');
    for (gc_item *it = batch; it && !rc; it = it->next, k++) {
        size_t len = strlen(it->payload);
        rv[k] = it->id;
        hv[k] = it->payload_hash;
        xg_buf_append(&payloads, it->payload, len);
        xg_buf_printf(&lens, k ? ",%zu" : "%zu", len);
    }
    xg_buf_putc(&lens, '}');
    char now[32];
    store_now(now);
    db_stmt *st = NULL;
    if (!rc) {
        pg_text_array(&refs, rv, n);
        pg_text_array(&phs, hv, n);
        if (!refs.data || !payloads.data || !lens.data || !phs.data)
            rc = xg_error_set(XG_ENOMEM, "decision record: out of memory");
    }
    if (!rc)
        rc = store_prepare(&st, s,
                           "SELECT o_seq, o_hash FROM xg_chain_append(?, ?::TEXT[], ?, ?::INT[],"
                           " ?::TEXT[], ?)");
    if (!rc) {
        const char *v[] = {"decision", refs.data, payloads.data, lens.data, phs.data, now};
        for (int i = 0; i < 6; i++)
            store_bind_text(st, i + 1, v[i]);
        db_defer_rows(st);
        if (db_step(st) != DB_DONE) rc = store_error(s, "audit append");
    }
    if (rc && st) {
        db_finalize(st);
        st = NULL;
    }
    *out = st;
    free(rv);
    free(hv);
    xg_buf_free(&refs);
    xg_buf_free(&payloads);
    xg_buf_free(&lens);
    xg_buf_free(&phs);
    return rc;
}

/* Queue the n decision rows of `batch`, numbered after the largest n each statement reads (after
 * the chain's lock, queued before them; a statement sees the rows of the one before it). */
static int decisions_insert_pg(xg_store *s, gc_item *batch, int n)
{
    int per = store_rows_per_statement(s, DEC_COLS - 1), rc = XG_OK, left = n;
    for (gc_item *it = batch; it && !rc;) {
        int m = 0, size = per;
        while (size > left)
            size /= 2;
        left -= size;
        xg_buf sql;
        xg_buf_init(&sql);
        xg_buf_puts(&sql, "INSERT INTO decisions (n, id, created, outcome, request, response,"
                          " list_hash, catalog_version, policy, as_of, customer_name,"
                          " review_status, final_outcome, facts)"
                          " SELECT m.n0 + v.k, v.id, v.created, v.outcome, v.request, v.response,"
                          " v.list_hash, v.catalog_version, v.policy, v.as_of, v.customer_name,"
                          " v.review_status, v.final_outcome, v.facts"
                          " FROM (SELECT COALESCE(MAX(n), 0) AS n0 FROM decisions) m, (VALUES ");
        for (; m < size; m++) {
            xg_buf_printf(&sql, m ? ",(%d" : "(%d", m + 1);
            for (int c = 0; c < DEC_COLS - 1; c++)
                xg_buf_puts(&sql, ",?");
            xg_buf_putc(&sql, ')');
        }
        xg_buf_puts(&sql, ") AS v(k, id, created, outcome, request, response, list_hash,"
                          " catalog_version, policy, as_of, customer_name, review_status,"
                          " final_outcome, facts)");
        db_stmt *st;
        /* a power of two rows (store_insert_rows): prepared on the server once a session */
        rc = !sql.data ? xg_error_set(XG_ENOMEM, "decision record: out of memory")
                       : store_prepare(&st, s, sql.data);
        xg_buf_free(&sql);
        if (rc) break;
        int i = 1;
        for (int r = 0; r < m; r++, it = it->next) {
            const char *v[DEC_COLS - 1];
            decision_values(it, v);
            for (int c = 0; c < DEC_COLS - 1; c++)
                store_bind_text(st, i++, v[c]);
        }
        rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "decision insert");
        db_finalize(st);
    }
    return rc;
}

/* The rows of a batch on PostgreSQL, queued (db_defer) for the COMMIT's round trip; *chain: the
 * append whose rows (seq, hash of each entry) are read after the COMMIT. */
static int write_batch_pg(xg_store *s, gc_item *batch, int n, db_stmt **chain)
{
    db_defer(s->db, 1);
    int rc = chain_append_pg(s, batch, n, chain);
    if (!rc) rc = decisions_insert_pg(s, batch, n);
    int na = 0;
    for (gc_item *it = batch; it; it = it->next)
        na += it->ip || it->country;
    store_val *av = na ? calloc((size_t)na * ACC_COLS, sizeof *av) : NULL;
    if (!rc && na && !av) rc = xg_error_set(XG_ENOMEM, "decision record: out of memory");
    int k = 0;
    for (gc_item *it = batch; it && !rc && na; it = it->next)
        if (it->ip || it->country) access_values(it, av + (size_t)k++ * ACC_COLS);
    if (!rc && na)
        rc = store_insert_rows(s,
                               "INSERT INTO access_records (id, decision_id, customer, ip, country,"
                               " created)",
                               ACC_COLS, na, av, "access record");
    free(av);
    for (gc_item *it = batch; it && !rc; it = it->next)
        rc = record_resellers(s, it->request, it->now);
    return rc;
}

static int gc_txn_pg(xg_store *s, gc_item *batch, int n)
{
    int rc = store_begin(s);
    if (rc) {
        gc_settle(batch, rc);
        return 0;
    }
    db_stmt *chain = NULL;
    int bad = (rc = write_batch_pg(s, batch, n, &chain)) != 0;
    if (!rc && (rc = store_commit(s)) && db_deferred_failed(s->db)) bad = 1; /* a queued row */
    if (rc) store_rollback(s);
    /* the chain's rows: each entry's seq and hash, in the order of the batch */
    for (gc_item *it = batch; it && !rc; it = it->next)
        if (db_step(chain) == DB_ROW) {
            it->seq = db_column_int64(chain, 0);
            snprintf(it->hash, sizeof it->hash, "%s", store_col_text(chain, 1));
        } else {
            rc = xg_error_set(XG_ESTORE, "audit append: the server returned fewer entries");
        }
    if (chain) db_finalize(chain);
    gc_settle(batch, rc);
    return bad;
}

/* One transaction for the items of `batch` (n of them); each item's rc and message are set.
 * Returns 1 when writing the rows failed (the transaction is then rolled back), 0 otherwise. */
static int gc_txn(xg_store *s, gc_item *batch, int n)
{
    if (store_is_pg(s)) return gc_txn_pg(s, batch, n);
    int rc = store_begin(s);
    /* The chain lock comes first: the next decision number and the head depend on it. */
    long long seq;
    char head[65];
    if (!rc && (rc = store_chain_head_lock(s, &seq, head))) store_rollback(s);
    if (rc) {
        gc_settle(batch, rc);
        return 0;
    }
    int bad = (rc = write_batch(s, batch, n, seq, head)) != 0;
    if (!rc && (rc = store_commit(s)) && db_deferred_failed(s->db)) bad = 1; /* a queued row */
    if (rc) store_rollback(s);
    gc_settle(batch, rc);
    return bad;
}

/* The last item of the unit that starts at `u` (a decision alone, or a whole batch). */
static gc_item *unit_last(gc_item *u)
{
    gc_item *last = u;
    for (int k = 1; k < u->unit_n; k++)
        last = last->next;
    return last;
}

/* Write one group: one transaction (no savepoints: one round trip fewer per decision); when a
 * decision in it fails, the group is rolled back and each of its units (a decision, or a batch
 * that must be all or nothing) is written alone, so that only the failing one fails. */
static void gc_run(xg_store *s, gc_item *group, int n)
{
    pthread_mutex_lock(&s->lock);
    if (gc_txn(s, group, n) && group->unit_n < n)
        for (gc_item *u = group; u;) {
            gc_item *last = unit_last(u), *next = last->next;
            last->next = NULL;
            gc_txn(s, u, u->unit_n);
            last->next = next;
            u = next;
        }
    s->gc_batches++;
    s->gc_decisions += (unsigned long long)n;
    pthread_mutex_unlock(&s->lock);
}

/* Queue the unit that starts at `it` (it->unit_n items linked by next) and return once it is
 * committed (or failed).
 *
 * A waiting thread sleeps on its unit's semaphore, posted exactly once: when its unit is done, or
 * when it is handed the lead (its unit then heads the queue). The leader hands the lead on under
 * gc_lock, drops it and only then posts, so a woken thread returns without touching gc_lock (no
 * mutex hand-off per follower); sem_post/sem_wait order the leader's writes (rc, seq, hash) before
 * the follower's reads. */
static int gc_submit(xg_store *s, gc_item *it)
{
    gc_item *tail = unit_last(it);
    tail->next = NULL;
    if (s->gc_off) {
        gc_run(s, it, it->unit_n);
        return it->rc ? xg_error_set(it->rc, "%s", it->err) : XG_OK;
    }
    sem_init(&it->sem, 0, 0);
    pthread_mutex_lock(&s->gc_lock);
    if (s->gc_tail)
        s->gc_tail->next = it;
    else
        s->gc_head = it;
    s->gc_tail = tail;
    if (s->gc_leader) {
        pthread_mutex_unlock(&s->gc_lock);
        while (sem_wait(&it->sem))
            ; /* EINTR */
        if (!it->lead) goto done;
        pthread_mutex_lock(&s->gc_lock); /* the lead, handed over with gc_leader kept at 1 */
    }
    s->gc_leader = 1;
    /* Lead: take whole units up to GC_MAX_BATCH queued decisions (at least one unit; this one
     * among them: it heads the queue, which is FIFO). */
    gc_item *group = s->gc_head, *last = NULL, *u = group;
    int n = 0;
    while (u && (n == 0 || n + u->unit_n <= GC_MAX_BATCH)) {
        last = unit_last(u);
        n += u->unit_n;
        u = last->next;
    }
    s->gc_head = u;
    if (!s->gc_head) s->gc_tail = NULL;
    last->next = NULL;
    pthread_mutex_unlock(&s->gc_lock);
    gc_run(s, group, n);
    /* The first queued unit's thread leads the next group; with none, the next arrival leads. */
    pthread_mutex_lock(&s->gc_lock);
    gc_item *next_lead = s->gc_head;
    if (next_lead)
        next_lead->lead = 1;
    else
        s->gc_leader = 0;
    pthread_mutex_unlock(&s->gc_lock);
    if (next_lead) sem_post(&next_lead->sem);
    for (gc_item *v = group, *next; v; v = next) {
        next = unit_last(v)->next; /* a unit belongs to its thread once posted */
        if (v != it) sem_post(&v->sem);
    }
done:
    sem_destroy(&it->sem);
    if (it->rc) return xg_error_set(it->rc, "%s", it->err);
    return XG_OK;
}

/* The rest of gc_prepare, after the id, the texts, the outcome and the versions: what the
 * request and `customer` / `country` (the customer party's name, the answer's source country)
 * give, and the audit payload with its hash. */
static int gc_prepare_rest(gc_item *it, const json_t *request, const char *facts,
                           const char *customer, const char *country)
{
    if (xg_json_str(json_object_get(request, "customer"), "name"))
        customer = xg_json_str(json_object_get(request, "customer"), "name");
    /* else a registered customer named by id: the engine's customer party */
    const json_t *cust = json_object_get(request, "customer");
    it->cname = xg_json_str(cust, "name") ? xg_json_str(cust, "name") : xg_json_str(cust, "id");
    it->ip = xg_json_str(json_object_get(request, "access"), "source_ip");
    it->country = country;
    if (it->ip || it->country) it->acc_id = store_time_id("acc_", 8);
    store_now(it->now);
    it->payload = it->id && it->req && it->resp
                      ? store_decision_payload(it->id, it->now, it->outcome, it->req, it->resp,
                                               it->lists, it->catalog, store_or_empty(it->policy),
                                               store_or_empty(it->as_of), facts)
                      : NULL;
    it->customer = customer;
    it->facts = facts;
    it->request = request;
    if (!it->id || !it->req || !it->resp || !it->payload ||
        ((it->ip || it->country) && !it->acc_id))
        return xg_error_set(XG_ENOMEM, "decision record: out of memory");
    store_payload_hash(it->payload_hash, it->payload); /* outside every lock */
    return XG_OK;
}

/* Everything a decision's rows need, computed before any lock is taken. */
static int gc_prepare(gc_item *it, json_t *response, const json_t *request, const char *facts)
{
    memset(it, 0, sizeof *it);
    const char *outcome = xg_json_str(response, "decision");
    if (!outcome) return xg_error_set(XG_EINVAL, "decision record: response has no 'decision'");
    if (xg_json_str(response, "decision_id"))
        it->id = strdup(xg_json_str(response, "decision_id"));
    else {
        it->id = store_time_id("dec_", 10);
        json_object_set_new(response, "decision_id", json_string(it->id));
    }
    json_object_del(response, "audit");
    /* json_dumps(JSON_COMPACT | JSON_SORT_KEYS) byte for byte, by hand (json_sorted.h) */
    it->req = store_json_sorted(request);
    it->resp = store_json_sorted(response);
    it->outcome = xg_json_str(response, "decision");
    const json_t *versions = json_object_get(response, "versions");
    it->lists = xg_json_str(versions, "lists");
    it->catalog = xg_json_str(versions, "catalog");
    it->policy = xg_json_str(versions, "policy");
    it->as_of = xg_json_str(versions, "as_of");
    it->response = response;
    return gc_prepare_rest(
        it, request, facts,
        xg_json_str(json_array_get(json_object_get(response, "parties"), 0), "name"),
        xg_json_str(json_object_get(response, "access"), "source_country"));
}

/* After the commit: "created" and "audit" on the response (when rc is 0); frees the item. */
static void gc_finish(gc_item *it, int rc)
{
    if (!rc && it->response) {
        json_object_set_new(it->response, "created", json_string(it->now));
        json_object_set_new(it->response, "audit",
                            json_pack("{s:I,s:s}", "seq", (json_int_t)it->seq, "hash", it->hash));
    }
    free(it->payload);
    free(it->req);
    free(it->resp);
    free(it->id);
    free(it->acc_id);
}

int xg_store_decision_record(xg_store *s, json_t *response, const json_t *request)
{
    return xg_store_decision_record_facts(s, response, request, NULL);
}

int xg_store_decision_record_facts(xg_store *s, json_t *response, const json_t *request,
                                   const char *facts)
{
    gc_item it;
    int rc = gc_prepare(&it, response, request, facts);
    it.unit_n = 1;
    if (!rc) rc = gc_submit(s, &it);
    gc_finish(&it, rc);
    return rc;
}

int xg_store_decision_record_text(xg_store *s, xg_store_decision_text *t, const json_t *request,
                                  const char *facts)
{
    gc_item it;
    memset(&it, 0, sizeof it);
    if (!t->outcome || !t->resp_head || !t->resp_tail)
        return xg_error_set(XG_EINVAL, "decision record: no outcome or response text");
    it.id = store_time_id("dec_", 10);
    it.req = store_json_sorted(request);
    xg_buf resp;
    xg_buf_init(&resp);
    if (it.id && xg_buf_reserve(&resp, strlen(t->resp_head) + strlen(t->resp_tail) + 40) == 0 &&
        xg_buf_puts(&resp, t->resp_head) == 0 &&
        xg_buf_json_string(&resp, it.id, strlen(it.id)) == 0 &&
        xg_buf_puts(&resp, t->resp_tail) == 0)
        it.resp = xg_buf_steal(&resp);
    xg_buf_free(&resp);
    it.outcome = t->outcome;
    it.lists = t->lists;
    it.catalog = t->catalog;
    it.policy = t->policy;
    it.as_of = t->as_of;
    int rc = gc_prepare_rest(&it, request, facts, t->customer, t->source_country);
    it.unit_n = 1;
    if (!rc) rc = gc_submit(s, &it);
    if (!rc) {
        snprintf(t->id, sizeof t->id, "%s", it.id);
        memcpy(t->created, it.now, sizeof t->created);
        t->seq = it.seq;
        memcpy(t->hash, it.hash, sizeof t->hash);
    }
    gc_finish(&it, rc);
    return rc;
}

int xg_store_decisions_record_batch(xg_store *s, json_t *const *responses,
                                    const json_t *const *requests, const char *const *facts,
                                    size_t n)
{
    if (n == 0) return XG_OK;
    if (n > XG_STORE_BATCH_MAX)
        return xg_error_set(XG_ETOOBIG, "decision batch: %zu decisions, at most %d", n,
                            XG_STORE_BATCH_MAX);
    gc_item *items = calloc(n, sizeof *items);
    if (!items) return xg_error_set(XG_ENOMEM, "decision batch: out of memory");
    int rc = XG_OK;
    size_t prepared = 0;
    for (; prepared < n && !rc; prepared++) {
        rc = gc_prepare(&items[prepared], responses[prepared], requests[prepared],
                        facts ? facts[prepared] : NULL);
        if (prepared) items[prepared - 1].next = &items[prepared];
    }
    if (!rc) {
        /* one unit of the group commit: it may share a transaction with other decisions and
         * batches, but is never split (a failing group retries it alone, all or nothing) */
        items[0].unit_n = (int)n;
        rc = gc_submit(s, &items[0]);
    }
    for (size_t i = 0; i < prepared; i++)
        gc_finish(&items[i], rc);
    free(items);
    return rc;
}

static json_t *parse_or_string(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    return v ? v : text ? json_string(text) : json_null();
}

static json_t *reviews_of(xg_store *s, const char *decision_id)
{
    json_t *arr = json_array();
    db_stmt *st;
    if (store_prepare(&st, s,
                      "SELECT r.id, r.action, r.outcome, r.reason, r.reviewer, r.created,"
                      " a.seq, a.hash FROM review_actions r LEFT JOIN audit a"
                      " ON a.kind = 'review' AND a.ref = r.id"
                      " WHERE r.decision_id = ? ORDER BY r.created"))
        return arr;
    store_bind_text(st, 1, decision_id);
    while (db_step(st) == DB_ROW) {
        json_t *r = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", store_col_text(st, 0), "action",
                              store_col_text(st, 1), "outcome", store_col_text(st, 2), "reason",
                              store_col_text(st, 3), "reviewer", store_col_text(st, 4), "created",
                              store_col_text(st, 5));
        json_object_set_new(r, "audit",
                            json_pack("{s:I,s:s}", "seq", (json_int_t)db_column_int64(st, 6),
                                      "hash", store_col_text(st, 7)));
        json_array_append_new(arr, r);
    }
    db_finalize(st);
    return arr;
}

static int decision_get_locked(json_t **out, xg_store *s, const char *id)
{
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "SELECT d.id, d.created, d.outcome, d.request, d.response, d.list_hash,"
                           " d.catalog_version, d.policy, d.as_of, d.review_status,"
                           " d.final_outcome, a.seq, a.hash, d.facts FROM decisions d"
                           " LEFT JOIN audit a"
                           " ON a.kind = 'decision' AND a.ref = d.id WHERE d.id = ?");
    if (rc) return rc;
    store_bind_text(st, 1, id);
    if (db_step(st) != DB_ROW) {
        db_finalize(st);
        return xg_error_set(XG_ENOTFOUND, "no decision with id '%s'", id);
    }
    json_t *o = json_object();
    json_object_set_new(o, "decision_id", json_string(store_col_text(st, 0)));
    json_object_set_new(o, "created", json_string(store_col_text(st, 1)));
    json_object_set_new(o, "decision", json_string(store_col_text(st, 2)));
    json_object_set_new(o, "request", parse_or_string(db_column_text(st, 3)));
    json_object_set_new(o, "response", parse_or_string(db_column_text(st, 4)));
    json_object_set_new(o, "versions",
                        json_pack("{s:s,s:s,s:s,s:s}", "lists", store_col_text(st, 5), "catalog",
                                  store_col_text(st, 6), "policy", store_col_text(st, 7), "as_of",
                                  store_col_text(st, 8)));
    const char *rs = db_column_text(st, 9);
    json_object_set_new(o, "review_status", rs ? json_string((const char *)rs) : json_null());
    json_object_set_new(o, "final_outcome", json_string(store_col_text(st, 10)));
    const char *facts = db_column_text(st, 13);
    json_object_set_new(o, "facts", facts ? parse_or_string(facts) : json_null());
    json_object_set_new(o, "audit",
                        json_pack("{s:I,s:s}", "seq", (json_int_t)db_column_int64(st, 11), "hash",
                                  store_col_text(st, 12)));
    db_finalize(st);
    json_object_set_new(o, "reviews", reviews_of(s, id));
    *out = o;
    return XG_OK;
}

int xg_store_decision_get(json_t **out, xg_store *s, const char *decision_id)
{
    xg_store *rd = store_read_begin(s);
    int rc = decision_get_locked(out, rd, decision_id ? decision_id : "");
    store_read_end(s, rd);
    return rc;
}

static json_t *summary_row(db_stmt *st)
{
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "decision_id", store_col_text(st, 0),
                          "created", store_col_text(st, 1), "decision", store_col_text(st, 2),
                          "customer", store_col_text(st, 3), "policy", store_col_text(st, 4),
                          "as_of", store_col_text(st, 5));
    const char *rs = db_column_text(st, 6);
    json_object_set_new(o, "review_status", rs ? json_string((const char *)rs) : json_null());
    json_object_set_new(o, "final_outcome", json_string(store_col_text(st, 7)));
    return o;
}

int xg_store_decisions_list(json_t **out, xg_store *s, const char *decision, const char *status,
                            int limit, const char *cursor)
{
    if (limit <= 0 || limit > 1000) limit = 100;
    long long after = 0;
    if (cursor && *cursor) {
        char *end;
        after = strtoll(cursor, &end, 10);
        if (*end || after < 0) return xg_error_set(XG_EINVAL, "cursor '%s' is not valid", cursor);
    }
    if (status && strcmp(status, "open") && strcmp(status, "resolved"))
        return xg_error_set(XG_EINVAL, "status '%s': expected open or resolved", status);
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "SELECT id, created, outcome, COALESCE(customer_name, ''), policy,"
                           " as_of, review_status, final_outcome, n FROM decisions WHERE n > ?"
                           " AND (? IS NULL OR outcome = ?) AND (? IS NULL OR review_status = ?)"
                           " ORDER BY n LIMIT ?");
    if (!rc) {
        db_bind_int64(st, 1, after);
        store_bind_text(st, 2, decision);
        store_bind_text(st, 3, decision);
        store_bind_text(st, 4, status);
        store_bind_text(st, 5, status);
        db_bind_int(st, 6, limit + 1);
        json_t *arr = json_array();
        long long last = 0;
        int count = 0, more = 0;
        while (db_step(st) == DB_ROW) {
            if (count == limit) {
                more = 1;
                break;
            }
            json_array_append_new(arr, summary_row(st));
            last = db_column_int64(st, 8);
            count++;
        }
        db_finalize(st);
        char cur[32];
        snprintf(cur, sizeof cur, "%lld", last);
        *out = json_pack("{s:o,s:o}", "decisions", arr, "next_cursor",
                         more ? json_string(cur) : json_null());
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int insert_review(xg_store *s, const char *rid, const char *decision_id, const char *action,
                         const char *outcome, const char *reason, const char *reviewer,
                         const char *now)
{
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "INSERT INTO review_actions (id, decision_id, action, outcome,"
                           " reason, reviewer, created) VALUES (?,?,?,?,?,?,?)");
    if (rc) return rc;
    const char *v[] = {rid, decision_id, action, outcome, reason, reviewer, now};
    for (int i = 0; i < 7; i++)
        store_bind_text(st, i + 1, v[i]);
    rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "review insert");
    db_finalize(st);
    if (rc) return rc;
    if ((rc = store_prepare(&st, s,
                            "UPDATE decisions SET review_status = 'resolved',"
                            " final_outcome = ? WHERE id = ? AND review_status = 'open'")))
        return rc;
    store_bind_text(st, 1, outcome);
    store_bind_text(st, 2, decision_id);
    rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "review update");
    if (!rc && db_changes(s->db) != 1)
        rc = xg_error_set(XG_EINVAL, "decision %s is not an open review", decision_id);
    db_finalize(st);
    return rc;
}

static int review_check(xg_store *s, const char *decision_id)
{
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT review_status FROM decisions WHERE id = ?");
    if (rc) return rc;
    store_bind_text(st, 1, decision_id);
    if (db_step(st) != DB_ROW)
        rc = xg_error_set(XG_ENOTFOUND, "no decision with id '%s'", decision_id);
    else if (strcmp(store_col_text(st, 0), "open"))
        rc = xg_error_set(XG_EINVAL, "decision %s is not an open review (status: %s)", decision_id,
                          db_column_type(st, 0) == DB_NULL ? "not a REVIEW decision"
                                                           : store_col_text(st, 0));
    db_finalize(st);
    return rc;
}

int xg_store_review_resolve(json_t **out, xg_store *s, const char *decision_id, const char *action,
                            const char *reason, const char *reviewer)
{
    const char *outcome = action && !strcmp(action, "clear")     ? "ALLOW"
                          : action && !strcmp(action, "confirm") ? "DENY"
                                                                 : NULL;
    if (!outcome)
        return xg_error_set(XG_EINVAL, "action '%s': expected clear or confirm",
                            action ? action : "");
    if (!reason || !*reason) return xg_error_set(XG_EINVAL, "reason: required");
    if (!reviewer || !*reviewer) return xg_error_set(XG_EINVAL, "reviewer: required");
    if (!decision_id) return xg_error_set(XG_EINVAL, "decision_id: required");
    char now[32], hash[65];
    store_now(now);
    char *rid = store_random_id("rev_", 10);
    char *payload = store_review_payload(rid, decision_id, action, outcome, reason, reviewer, now);
    long long seq = 0;
    pthread_mutex_lock(&s->lock);
    int rc = store_begin(s);
    if (!rc && (rc = store_chain_lock(s))) store_rollback(s);
    if (!rc) {
        rc = review_check(s, decision_id);
        if (!rc) rc = insert_review(s, rid, decision_id, action, outcome, reason, reviewer, now);
        if (!rc) rc = store_audit_append(s, "review", rid, payload, &seq, hash);
        if (!rc) rc = store_commit(s);
        if (rc) store_rollback(s);
    }
    pthread_mutex_unlock(&s->lock);
    if (!rc)
        *out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:I,s:s}}", "review_id", rid,
                         "decision_id", decision_id, "action", action, "outcome", outcome, "reason",
                         reason, "reviewer", reviewer, "created", now, "audit", "seq",
                         (json_int_t)seq, "hash", hash);
    free(rid);
    free(payload);
    return rc;
}

/* The reseller → customer relations recorded with decisions (CIP: foreign resellers and whom they
 * serve), for `xgate customers resellers`. */
int xg_store_resellers_list(json_t **out, xg_store *s, const char *name)
{
    char *key = name ? store_name_key(name) : NULL;
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "SELECT name, country, serves, names_end_user, first_seen, last_seen"
                           " FROM resellers WHERE ?1 IS NULL OR name_key = ?1"
                           " ORDER BY name_key, serves_key");
    if (!rc) {
        store_bind_text(st, 1, key);
        json_t *arr = json_array();
        while (db_step(st) == DB_ROW) {
            json_t *r = json_pack(
                "{s:s,s:o,s:s}", "name", store_col_text(st, 0), "country",
                db_column_type(st, 1) == DB_NULL ? json_null() : json_string(store_col_text(st, 1)),
                "serves", store_col_text(st, 2));
            json_object_set_new(r, "names_end_user",
                                db_column_type(st, 3) == DB_NULL
                                    ? json_null()
                                    : json_boolean(db_column_int(st, 3)));
            json_object_set_new(r, "first_seen", json_string(store_col_text(st, 4)));
            json_object_set_new(r, "last_seen", json_string(store_col_text(st, 5)));
            json_array_append_new(arr, r);
        }
        db_finalize(st);
        *out = arr;
    }
    pthread_mutex_unlock(&s->lock);
    free(key);
    return rc;
}
