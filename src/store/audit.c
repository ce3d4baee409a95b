/*
 * audit.c — the tamper-evident audit chain.
 *
 * Each entry hashes (SHA-256: sha256.h) the previous entry's hash followed by a canonical payload
 * rebuilt from the row it records (a decision or a review action): a compact JSON object with
 * sorted keys whose values are the stored column texts, so verification needs no other state than
 * the rows themselves. Entries are appended in the transaction that writes the row, together with
 * audit_head (last seq and hash): the head is what reveals a truncated tail, which a chain alone
 * cannot show. Verification walks the chain in seq order and names the first row that is missing,
 * out of order, edited (the audit row or the row it records), or cut off.
 */
#include "store/store_internal.h"
#include "core/core.h"
#include "store/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "xgate/error.h"

static const char zero_hash[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* The canonical payload is a compact JSON object with its keys in sorted order, written by hand
 * rather than through jansson: verification rebuilds it for every row of the chain, and the
 * generic encoder (UTF-8 validation, allocation per value) was half of the time of a 1M-row
 * verify. Strings are escaped minimally (quote, backslash, control characters) and otherwise
 * kept byte for byte, so the payload is exactly the stored text. */
typedef struct canon {
    char *buf;
    size_t len, cap;
} canon;

/* Room for n more bytes and the NUL. */
static void canon_reserve(canon *c, size_t n)
{
    if (c->len + n + 1 <= c->cap) return;
    size_t cap = c->cap ? c->cap : 1024;
    while (cap < c->len + n + 1)
        cap *= 2;
    char *b = realloc(c->buf, cap);
    if (!b) abort(); /* an allocation failure here cannot be reported more usefully */
    c->buf = b;
    c->cap = cap;
}

static void canon_put(canon *c, const char *s, size_t n)
{
    canon_reserve(c, n);
    memcpy(c->buf + c->len, s, n);
    c->len += n;
    c->buf[c->len] = '\0';
}

/* A control character at s[i - 1] (already consumed): \u00XX, lower-case hex, with room kept for
 * every byte still to come doubled. Returns the new write position. */
static char *canon_control(canon *c, char *w, unsigned char ch, size_t left)
{
    static const char hex[] = "0123456789abcdef";
    c->len = (size_t)(w - c->buf);
    canon_reserve(c, 6 + 2 * left + 1);
    w = c->buf + c->len;
    memcpy(w, "\\u00", 4);
    w[4] = hex[ch >> 4];
    w[5] = hex[ch & 15];
    return w + 6;
}

/* One pass: room for every byte doubled ('"' and '\\' take two), more taken at a control
 * character (six). With SSE2, sixteen bytes are looked at and stored at once (the store runs
 * ahead of what is kept: room is there, since at least 2 * 16 + 1 bytes remain reserved while
 * sixteen bytes of input are left) and the write position moves past the bytes that need no
 * escape; the tail goes eight bytes at a time (xg_json_plain_run). The payload's values are JSON
 * texts, so a quote comes every few bytes: the run is found without leaving the loop. */
static void canon_string(canon *c, const char *s)
{
    if (!s) {
        canon_put(c, "null", 4);
        return;
    }
    size_t n = strlen(s);
    canon_reserve(c, 2 * n + 2);
    char *w = c->buf + c->len;
    *w++ = '"';
    size_t i = 0;
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  ctl = _mm_set1_epi8(0x1f);
    while (i + 16 <= n) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)w, x);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
                                 _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x)); /* unsigned <= 0x1f */
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (!mask) {
            w += 16;
            i += 16;
            continue;
        }
        unsigned k = (unsigned)__builtin_ctz(mask);
        w += k;
        i += k;
        unsigned char ch = (unsigned char)s[i++];
        if (ch == '"' || ch == '\\') {
            *w++ = '\\';
            *w++ = (char)ch;
        } else {
            w = canon_control(c, w, ch, n - i);
        }
    }
#endif
    for (;;) {
        size_t run = xg_json_plain_run(s + i, n - i, NULL);
        memcpy(w, s + i, run);
        w += run;
        i += run;
        if (i >= n) break;
        unsigned char ch = (unsigned char)s[i++];
        if (ch == '"' || ch == '\\') {
            *w++ = '\\';
            *w++ = (char)ch;
            continue;
        }
        w = canon_control(c, w, ch, n - i);
    }
    *w++ = '"';
    *w = '\0';
    c->len = (size_t)(w - c->buf);
}

/* keys[] must be in sorted order. */
static char *canon_object(const char *const *keys, const char *const *values, int n)
{
    canon c = {0};
    canon_put(&c, "{", 1);
    for (int i = 0; i < n; i++) {
        if (i) canon_put(&c, ",", 1);
        canon_string(&c, keys[i]);
        canon_put(&c, ":", 1);
        canon_string(&c, values[i]);
    }
    canon_put(&c, "}", 1);
    return c.buf;
}

char *store_decision_payload(const char *id, const char *created, const char *outcome,
                             const char *request, const char *response, const char *list_hash,
                             const char *catalog_version, const char *policy, const char *as_of,
                             const char *facts)
{
    /* "facts" joined the payload with the facts column: a row without facts (recorded before)
     * keeps the payload it was chained with, so old chains still verify. */
    static const char *const keys[] = {"as_of",   "catalog_version", "created", "facts",
                                       "id",      "list_hash",       "outcome", "policy",
                                       "request", "response"};
    const char *values[] = {as_of,     catalog_version, created, facts,   id,
                            list_hash, outcome,         policy,  request, response};
    if (facts) return canon_object(keys, values, 10);
    static const char *const keys9[] = {"as_of",  "catalog_version", "created",
                                        "id",     "list_hash",       "outcome",
                                        "policy", "request",         "response"};
    const char *values9[] = {as_of,   catalog_version, created, id,      list_hash,
                             outcome, policy,          request, response};
    return canon_object(keys9, values9, 9);
}

char *store_review_payload(const char *id, const char *decision_id, const char *action,
                           const char *outcome, const char *reason, const char *reviewer,
                           const char *created)
{
    static const char *const keys[] = {"action",  "created", "decision_id", "id",
                                       "outcome", "reason",  "reviewer"};
    const char *values[] = {action, created, decision_id, id, outcome, reason, reviewer};
    return canon_object(keys, values, 7);
}

char *store_alert_event_payload(const char *id, const char *alert_id, const char *event,
                                const char *detail, const char *reviewer, const char *created)
{
    static const char *const keys[] = {"alert_id", "created", "detail", "event", "id", "reviewer"};
    const char *values[] = {alert_id, created, detail, event, id, reviewer};
    return canon_object(keys, values, 6);
}

static void sha256_hex(char out[65], const void *data, size_t n)
{
    store_sha256_hex(out, data, n, NULL, 0); /* SHA extensions when present (sha256.h) */
}

/* hash = SHA-256(prev_hash_hex || payload): the hex form keeps the input printable for anyone
 * re-checking the chain with other tools (sha256sum over the two strings concatenated). */
static void chain_hash(char out[65], const char *prev, const char *payload)
{
    store_sha256_hex(out, prev, 64, payload, strlen(payload));
}

static int head_read(xg_store *s, long long *seq, char hash[65], int *present)
{
    db_stmt *st;
    int rc = store_prepare(&st, s, "SELECT seq, hash FROM audit_head WHERE id = 1");
    if (rc) return rc;
    *present = 0;
    *seq = 0;
    memcpy(hash, zero_hash, 65);
    if (db_step(st) == DB_ROW) {
        *present = 1;
        *seq = db_column_int64(st, 0);
        snprintf(hash, 65, "%s", store_col_text(st, 1));
    }
    db_finalize(st);
    return XG_OK;
}

int store_audit_append(xg_store *s, const char *kind, const char *ref, const char *payload,
                       long long *seq_out, char hash_out[65])
{
    long long seq;
    char prev[65], payload_hash[65], hash[65], now[32];
    int present, rc = head_read(s, &seq, prev, &present);
    if (rc) return rc;
    if (!present && seq == 0) {
        /* No head yet: the chain must be empty too, or someone removed the head. */
        db_stmt *st;
        if ((rc = store_prepare(&st, s, "SELECT COUNT(*) FROM audit"))) return rc;
        long long n = db_step(st) == DB_ROW ? db_column_int64(st, 0) : 0;
        db_finalize(st);
        if (n)
            return xg_error_set(XG_ECORRUPT,
                                "audit head record missing while the chain holds "
                                "%lld rows; run `xgate audit verify`",
                                n);
    }
    seq += 1;
    sha256_hex(payload_hash, payload, strlen(payload));
    chain_hash(hash, prev, payload);
    store_now(now);
    db_stmt *st;
    if ((rc = store_prepare(&st, s,
                            "INSERT INTO audit (seq, kind, ref, payload_hash, prev_hash,"
                            " hash, created) VALUES (?, ?, ?, ?, ?, ?, ?)")))
        return rc;
    db_bind_int64(st, 1, seq);
    const char *v[] = {kind, ref, payload_hash, prev, hash, now};
    for (int i = 0; i < 6; i++)
        store_bind_text(st, i + 2, v[i]);
    rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "audit append");
    db_finalize(st);
    if (rc) return rc;
    if ((rc = store_prepare(&st, s,
                            "INSERT INTO audit_head (id, seq, hash, updated)"
                            " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                            " seq = excluded.seq, hash = excluded.hash,"
                            " updated = excluded.updated")))
        return rc;
    db_bind_int64(st, 1, seq);
    store_bind_text(st, 2, hash);
    store_bind_text(st, 3, now);
    rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "audit head");
    db_finalize(st);
    if (rc) return rc;
    *seq_out = seq;
    memcpy(hash_out, hash, 65);
    return XG_OK;
}

/* ---- appending many entries in one transaction (group commit, batches) ---- */

static int head_read_lock(xg_store *s, long long *seq, char hash[65], int *present)
{
    db_stmt *st;
    int rc = store_prepare(&st, s, store_is_pg(s) ? SQL_CHAIN_HEAD_LOCK_PG : SQL_CHAIN_HEAD_SQLITE);
    if (rc) return rc;
    *present = 0;
    *seq = 0;
    memcpy(hash, zero_hash, 65);
    int step = db_step(st);
    if (step == DB_ROW) {
        *present = 1;
        *seq = db_column_int64(st, 0);
        snprintf(hash, 65, "%s", store_col_text(st, 1));
    }
    db_finalize(st);
    return step == DB_ROW || step == DB_DONE ? XG_OK : store_error(s, "audit chain lock");
}

int store_chain_head_lock(xg_store *s, long long *seq, char hash[65])
{
    int present, rc = head_read_lock(s, seq, hash, &present);
    if (rc || present) return rc;
    /* Reads sent ahead with the BEGIN (gc_txn: the next decision number) ran before the table
     * lock below: run them again after it. */
    db_prefetch_clear(s->db);
    /* No head yet (an empty chain): the first appenders serialise on the table instead (and read
     * again: another process may have appended while this one waited for the lock). */
    if (store_is_pg(s)) {
        if ((rc = store_exec(s, SQL_CHAIN_EMPTY_LOCK_PG))) return rc;
        if ((rc = head_read_lock(s, seq, hash, &present)) || present) return rc;
    }
    /* Still none: the chain must be empty too, or someone removed the head. */
    db_stmt *st;
    if ((rc = store_prepare(&st, s, "SELECT COUNT(*) FROM audit"))) return rc;
    long long n = db_step(st) == DB_ROW ? db_column_int64(st, 0) : 0;
    db_finalize(st);
    if (n)
        return xg_error_set(XG_ECORRUPT,
                            "audit head record missing while the chain holds "
                            "%lld rows; run `xgate audit verify`",
                            n);
    return XG_OK;
}

void store_payload_hash(char out[65], const char *payload)
{
    sha256_hex(out, payload, strlen(payload));
}

int store_audit_append_many(xg_store *s, int n, const char *kind, const char *const *refs,
                            const char *const *payloads, const char *const *payload_hashes,
                            long long *seq, char hash[65], long long *seqs_out,
                            char (*hashes_out)[65])
{
    if (n <= 0) return XG_OK;
    char now[32];
    store_now(now);
    char(*prev)[65] = malloc((size_t)n * 65);
    store_val *v = calloc((size_t)n * 7, sizeof *v);
    if (!prev || !v) {
        free(prev);
        free(v);
        return xg_error_set(XG_ENOMEM, "audit append: out of memory");
    }
    for (int i = 0; i < n; i++) {
        memcpy(prev[i], hash, 65);
        chain_hash(hashes_out[i], hash, payloads[i]);
        memcpy(hash, hashes_out[i], 65);
        seqs_out[i] = ++*seq;
        store_val *r = v + (size_t)i * 7;
        r[0] = (store_val){.i = seqs_out[i], .is_int = 1};
        r[1].s = kind;
        r[2].s = refs[i];
        r[3].s = payload_hashes[i];
        r[4].s = prev[i];
        r[5].s = hashes_out[i];
        r[6].s = now;
    }
    int rc = store_insert_rows(s,
                               "INSERT INTO audit (seq, kind, ref, payload_hash, prev_hash,"
                               " hash, created)",
                               7, n, v, "audit append");
    free(v);
    free(prev);
    if (rc) return rc;
    db_stmt *st;
    if ((rc = store_prepare(&st, s,
                            "INSERT INTO audit_head (id, seq, hash, updated)"
                            " VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                            " seq = excluded.seq, hash = excluded.hash,"
                            " updated = excluded.updated")))
        return rc;
    db_bind_int64(st, 1, *seq);
    store_bind_text(st, 2, hash);
    store_bind_text(st, 3, now);
    rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "audit head");
    db_finalize(st);
    return rc;
}

/* ---- verification ---- */

typedef struct verify_state {
    xg_store *s;
    db_stmt *dec, *rev, *alert;
    long long rows;
    json_t *first_bad;
} verify_state;

static void bad(verify_state *v, long long seq, const char *ref, const char *problem,
                const char *detail)
{
    if (v->first_bad) return;
    v->first_bad = json_pack("{s:I,s:s,s:s,s:s}", "seq", (json_int_t)seq, "ref", ref ? ref : "",
                             "problem", problem, "detail", detail);
}

/* Rebuild the canonical payload of the row an entry records; NULL with *missing set when the
 * row is gone. */
static char *payload_of(verify_state *v, const char *kind, const char *ref, int *missing)
{
    *missing = 0;
    db_stmt *st = !strcmp(kind, "decision") ? v->dec
                  : !strcmp(kind, "review") ? v->rev
                  : !strcmp(kind, "alert")  ? v->alert
                                            : NULL;
    if (!st) return NULL;
    db_reset(st);
    store_bind_text(st, 1, ref);
    if (db_step(st) != DB_ROW) {
        *missing = 1;
        return NULL;
    }
    const char *c[10];
    for (int i = 0; i < 10; i++)
        c[i] = db_column_text(st, i);
    if (st == v->dec)
        return store_decision_payload(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
    if (st == v->alert) return store_alert_event_payload(c[0], c[1], c[2], c[3], c[4], c[5]);
    return store_review_payload(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
}

/* The payload a decision row was chained with before absent policy / as_of were hashed as ""
 * (they were hashed as null, while the NOT NULL columns stored ""): rebuilt from the row payload_of
 * just read, with null for an empty policy or as_of. NULL when neither is empty (no other form). */
static char *legacy_decision_payload(verify_state *v)
{
    const char *c[10];
    for (int i = 0; i < 10; i++)
        c[i] = db_column_text(v->dec, i);
    int policy_empty = c[7] && !*c[7], as_of_empty = c[8] && !*c[8];
    if (!policy_empty && !as_of_empty) return NULL;
    return store_decision_payload(c[0], c[1], c[2], c[3], c[4], c[5], c[6],
                                  policy_empty ? NULL : c[7], as_of_empty ? NULL : c[8], c[9]);
}

/* When a link breaks, say whether the row sits somewhere else in the chain (reordered) or
 * its predecessor is gone (deleted). */
static const char *link_problem(verify_state *v, const char *prev_hash, long long seq)
{
    db_stmt *st;
    if (store_prepare(&st, v->s, "SELECT seq FROM audit WHERE hash = ?")) return "broken link";
    store_bind_text(st, 1, prev_hash);
    long long at = db_step(st) == DB_ROW ? db_column_int64(st, 0) : -1;
    db_finalize(st);
    if (at >= 0 && at != seq - 1) return "reordered";
    return "deleted or edited";
}

static int verify_row(verify_state *v, db_stmt *st, long long expect, char prev[65])
{
    long long seq = db_column_int64(st, 0);
    const char *kind = store_col_text(st, 1), *ref = store_col_text(st, 2);
    const char *payload_hash = store_col_text(st, 3), *prev_hash = store_col_text(st, 4);
    const char *hash = store_col_text(st, 5);
    char detail[256];
    if (seq != expect) {
        snprintf(detail, sizeof detail,
                 "expected seq %lld, found %lld: rows %lld..%lld are missing", expect, seq, expect,
                 seq - 1);
        bad(v, expect, ref, "deleted", detail);
        return 1;
    }
    if (strcmp(prev_hash, prev)) {
        snprintf(detail, sizeof detail, "prev_hash does not match the hash of seq %lld", seq - 1);
        bad(v, seq, ref, link_problem(v, prev_hash, seq), detail);
        return 1;
    }
    int missing;
    char *payload = payload_of(v, kind, ref, &missing);
    if (!payload) {
        snprintf(detail, sizeof detail, "%s %s recorded by this entry is %s", kind, ref,
                 missing ? "missing" : "of an unknown kind");
        bad(v, seq, ref, missing ? "deleted" : "edited", detail);
        return 1;
    }
    char ph[65], h[65];
    sha256_hex(ph, payload, strlen(payload));
    if (strcmp(ph, payload_hash) && !strcmp(kind, "decision")) {
        char *old = legacy_decision_payload(v);
        if (old) {
            char oph[65];
            sha256_hex(oph, old, strlen(old));
            if (!strcmp(oph, payload_hash)) {
                free(payload);
                payload = old;
                memcpy(ph, oph, 65);
            } else {
                free(old);
            }
        }
    }
    chain_hash(h, prev, payload);
    free(payload);
    if (strcmp(ph, payload_hash)) {
        snprintf(detail, sizeof detail, "%s %s differs from what was recorded", kind, ref);
        bad(v, seq, ref, "edited", detail);
        return 1;
    }
    if (strcmp(h, hash)) {
        bad(v, seq, ref, "edited", "the audit row's hash does not match its content");
        return 1;
    }
    memcpy(prev, hash, 65);
    return 0;
}

static int verify_tail(verify_state *v, long long last, const char *last_hash)
{
    long long hseq;
    char hhash[65], detail[256];
    int present, rc = head_read(v->s, &hseq, hhash, &present);
    if (rc) return rc;
    if (!present && last > 0) {
        bad(v, last, "", "truncated", "the audit head record is missing");
    } else if (present && hseq > last) {
        snprintf(detail, sizeof detail, "the head records seq %lld but the chain ends at %lld",
                 hseq, last);
        bad(v, last + 1, "", "truncated", detail);
    } else if (present && hseq < last) {
        snprintf(detail, sizeof detail, "rows after seq %lld were added outside xgate", hseq);
        bad(v, hseq + 1, "", "edited", detail);
    } else if (present && strcmp(hhash, last_hash)) {
        bad(v, last, "", "edited", "the last row's hash differs from the head record");
    }
    return XG_OK;
}

/* Rows recorded without an audit entry are as suspect as entries without rows. NOT EXISTS, not
 * NOT IN: each probe is one lookup in the audit_ref index (kind, ref), and PostgreSQL plans it as
 * an anti-join. NOT IN made PostgreSQL re-scan the audit subquery for every row once the refs
 * outgrew work_mem (quadratic: 1M decisions never finished). audit.ref is NOT NULL, so the two
 * forms return the same rows. */
static int verify_unchained(verify_state *v)
{
    db_stmt *st;
    int rc = store_prepare(&st, v->s,
                           "SELECT d.id FROM decisions d WHERE NOT EXISTS"
                           " (SELECT 1 FROM audit a WHERE a.kind = 'decision' AND a.ref = d.id)"
                           " UNION ALL"
                           " SELECT r.id FROM review_actions r WHERE NOT EXISTS"
                           " (SELECT 1 FROM audit a WHERE a.kind = 'review' AND a.ref = r.id)"
                           " UNION ALL"
                           " SELECT e.id FROM alert_events e WHERE NOT EXISTS"
                           " (SELECT 1 FROM audit a WHERE a.kind = 'alert' AND a.ref = e.id)"
                           " LIMIT 1");
    if (rc) return rc;
    if (db_step(st) == DB_ROW)
        bad(v, 0, store_col_text(st, 0), "inserted", "row has no audit entry");
    db_finalize(st);
    return XG_OK;
}

static int verify_walk(verify_state *v)
{
    db_stmt *st;
    /* Streamed (a cursor on PostgreSQL): memory stays bounded whatever the chain's length. */
    if (db_prepare_stream(v->s->db,
                          "SELECT seq, kind, ref, payload_hash, prev_hash, hash"
                          " FROM audit ORDER BY seq",
                          &st))
        return store_error(v->s, "prepare");
    int rc = XG_OK;
    char prev[65];
    memcpy(prev, zero_hash, 65);
    long long expect = 1;
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        v->rows++;
        if (v->first_bad) continue;
        if (verify_row(v, st, expect, prev)) continue;
        expect++;
    }
    db_finalize(st);
    if (step != DB_DONE) return store_error(v->s, "audit read");
    if (!v->first_bad) rc = verify_tail(v, expect - 1, prev);
    if (!rc && !v->first_bad) rc = verify_unchained(v);
    return rc;
}

int xg_store_audit_verify(json_t **out, xg_store *s)
{
    pthread_mutex_lock(&s->lock);
    verify_state v = {.s = s};
    int rc = store_prepare(&v.dec, s,
                           "SELECT id, created, outcome, request, response, list_hash,"
                           " catalog_version, policy, as_of, facts FROM decisions WHERE id = ?");
    if (!rc)
        rc = store_prepare(&v.rev, s,
                           "SELECT id, decision_id, action, outcome, reason, reviewer,"
                           " created FROM review_actions WHERE id = ?");
    if (!rc)
        rc = store_prepare(&v.alert, s,
                           "SELECT id, alert_id, event, detail, reviewer, created"
                           " FROM alert_events WHERE id = ?");
    /* One read transaction: a consistent view even while decisions are being written. */
    if (!rc && db_begin_read(s->db)) rc = store_error(s, "begin");
    if (!rc) {
        rc = verify_walk(&v);
        db_commit(s->db);
    }
    db_finalize(v.dec);
    db_finalize(v.rev);
    db_finalize(v.alert);
    pthread_mutex_unlock(&s->lock);
    if (rc) {
        json_decref(v.first_bad);
        return rc;
    }
    *out = json_pack("{s:b,s:I,s:o}", "ok", v.first_bad == NULL, "rows", (json_int_t)v.rows,
                     "first_bad", v.first_bad ? v.first_bad : json_null());
    return XG_OK;
}

int xg_store_audit_head(json_t **out, xg_store *s)
{
    pthread_mutex_lock(&s->lock);
    long long seq;
    char hash[65];
    int present, rc = head_read(s, &seq, hash, &present);
    pthread_mutex_unlock(&s->lock);
    if (rc) return rc;
    *out = json_pack("{s:I,s:s}", "seq", (json_int_t)seq, "hash", present ? hash : zero_hash);
    return XG_OK;
}
