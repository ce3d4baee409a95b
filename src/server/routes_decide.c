/*
 * routes_decide.c — decisions, reviews and the audit chain.
 *
 * The decision engine validates the request itself (it names the offending field); the server
 * only bounds the body and maps the engine's error codes to HTTP. A decision is answered only
 * after xg_decide returns, which is after the store made it durable, so a client that saw a
 * decision id can always read it back. The reviewer of a review is the API key's name, never a
 * field of the body, so that analysts cannot sign for each other.
 */
#include "server/server_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/core.h"

#define MAX_REASON 2000

/* The engine names the offending field first ("customer.country: unknown country 'ZZ'"); an
 * integrating client wants it in error.field, not only inside the message. NULL when the
 * message does not open with a field path. */
static const char *field_of(const char *msg, char *buf, size_t buflen)
{
    size_t n = strspn(msg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]");
    if (n == 0 || n >= buflen || msg[n] != ':' || msg[n + 1] != ' ') return NULL;
    memcpy(buf, msg, n);
    buf[n] = '\0';
    return buf;
}

/* The decision's trees (hits, reasons, the classification) as reply_json encodes them. */
static int encode_answer(xg_buf *b, const json_t *j)
{
    return json_encode(b, j, 0);
}

/* The answer is written straight into this thread's answer buffer (xg_decide_write): the bytes
 * reply_json would send for xg_decide's response, without its tree. */
void route_decide(xg_req *r)
{
    if (!req_read_json(r, false) || !req_need_store(r)) return;
    if (!r->srv->policies || !r->srv->catalog) {
        reply_error(r, 503, "unavailable", NULL, "decisions are not available");
        return;
    }
    json_t *named = NULL;
    char origin[16];
    xg_snapshot *snap = server_snapshot_get_named(r->srv, &named, origin);
    xg_decide_ctx ctx = {.snapshot = snap,
                         .list_versions = named,
                         .list_origin = origin,
                         .catalog = r->srv->catalog,
                         .policies = r->srv->policies,
                         .store = r->srv->store,
                         .default_policy = r->srv->policy,
                         .default_as_of = r->srv->as_of};
    xg_buf *b = answer_buf();
    if (!b) {
        xg_snapshot_unref(snap);
        json_decref(named);
        reply_error(r, 500, "internal", NULL, "out of memory");
        return;
    }
    const char *outcome = NULL;
    int rc = xg_decide_write(b, &outcome, &ctx, r->json, encode_answer);
    xg_snapshot_unref(snap);
    json_decref(named);
    char field[96];
    if (rc == XG_EINVAL || rc == XG_EPARSE || rc == XG_EUTF8 || rc == XG_ETOOBIG) {
        reply_error(r, 400, "invalid_request", field_of(xg_error_message(), field, sizeof field),
                    "%s", xg_error_message());
        return;
    }
    if (rc == XG_ENOTFOUND) {
        reply_error(r, 400, "unknown_value", field_of(xg_error_message(), field, sizeof field),
                    "%s", xg_error_message());
        return;
    }
    if (rc != 0) {
        reply_lib_error(r, rc, "decide");
        return;
    }
    metrics_decision(&r->srv->metrics, outcome);
    reply_json_written(r, 200, b);
}

/* POST /v1/decide/batch {"requests": [decide request, …]}: every request decided over one
 * snapshot and all recorded in one transaction, so the batch is durable as a whole or not at all;
 * a bad request fails the batch with a 400 naming its index and field ("requests[3].customer"). */
void route_decide_batch(xg_req *r)
{
    if (!req_read_json(r, false)) return;
    json_t *reqs = json_object_get(r->json, "requests");
    if (!json_is_array(reqs)) {
        reply_error(r, 400, reqs ? "invalid_field" : "missing_field", "requests",
                    "'requests' must be an array of decide requests");
        return;
    }
    size_t limit = (size_t)r->srv->opts.max_batch < XG_STORE_BATCH_MAX
                       ? (size_t)r->srv->opts.max_batch
                       : XG_STORE_BATCH_MAX;
    if (json_array_size(reqs) > limit) {
        reply_error(r, 413, "batch_too_large", "requests", "%zu requests; the limit is %zu",
                    json_array_size(reqs), limit);
        return;
    }
    if (!req_need_store(r)) return;
    if (!r->srv->policies || !r->srv->catalog) {
        reply_error(r, 503, "unavailable", NULL, "decisions are not available");
        return;
    }
    json_t *named = NULL;
    char origin[16];
    xg_snapshot *snap = server_snapshot_get_named(r->srv, &named, origin);
    xg_decide_ctx ctx = {.snapshot = snap,
                         .list_versions = named,
                         .list_origin = origin,
                         .catalog = r->srv->catalog,
                         .policies = r->srv->policies,
                         .store = r->srv->store,
                         .default_policy = r->srv->policy,
                         .default_as_of = r->srv->as_of};
    json_t *out = NULL;
    size_t bad;
    int rc = xg_decide_batch(&out, &bad, &ctx, reqs);
    xg_snapshot_unref(snap);
    json_decref(named);
    char field[96];
    if (bad != (size_t)-1 &&
        (rc == XG_EINVAL || rc == XG_EPARSE || rc == XG_EUTF8 || rc == XG_ETOOBIG)) {
        reply_error(r, 400, "invalid_request", field_of(xg_error_message(), field, sizeof field),
                    "%s", xg_error_message());
        return;
    }
    if (bad != (size_t)-1 && rc == XG_ENOTFOUND) {
        reply_error(r, 400, "unknown_value", field_of(xg_error_message(), field, sizeof field),
                    "%s", xg_error_message());
        return;
    }
    if (rc != 0) {
        reply_lib_error(r, rc, "decide batch");
        return;
    }
    size_t i;
    json_t *d;
    json_array_foreach(out, i, d)
        metrics_decision(&r->srv->metrics, json_string_value(json_object_get(d, "decision")));
    reply_json(r, 200, json_pack("{s:o}", "decisions", out));
}

void route_decision_get(xg_req *r)
{
    const char *id = r->param;
    if (!req_need_store(r) || !req_valid_id(r, id)) return;
    json_t *d = NULL;
    int rc = xg_store_decision_get(&d, r->srv->store, id);
    if (rc == XG_ENOTFOUND)
        reply_error(r, 404, "not_found", "id", "no decision '%s'", id);
    else if (rc != 0)
        reply_lib_error(r, rc, "decision");
    else
        reply_json(r, 200, d);
}

void route_decisions_list(xg_req *r)
{
    static const char *const known[] = {"decision", "status", "limit", "cursor", NULL};
    char decision[32] = "", status[16] = "", cursor[256] = "";
    int got_d, got_s;
    if (!req_query_only(r, known) ||
        (got_d = req_query(r, "decision", decision, sizeof decision)) < 0 ||
        (got_s = req_query(r, "status", status, sizeof status)) < 0)
        return;
    bool has_d = got_d && decision[0], has_s = got_s && status[0];
    bool has_c, ok = !has_d || xg_outcome_parse(decision) >= 0;
    int limit;
    if (!ok) {
        reply_error(r, 400, "invalid_field", "decision",
                    "'decision' must be ALLOW, REVIEW, LICENSE_REQUIRED or DENY");
        return;
    }
    if (has_s && strcmp(status, "open") && strcmp(status, "resolved")) {
        reply_error(r, 400, "invalid_field", "status", "'status' must be open or resolved");
        return;
    }
    if (!req_paging(r, &limit, cursor, sizeof cursor, &has_c) || !req_need_store(r)) return;
    json_t *out = NULL;
    int rc = xg_store_decisions_list(&out, r->srv->store, has_d ? decision : NULL,
                                     has_s ? status : NULL, limit, has_c ? cursor : NULL);
    if (rc == XG_EINVAL || rc == XG_EPARSE)
        reply_error(r, 400, "invalid_field", "cursor", "%s", xg_error_message());
    else if (rc != 0)
        reply_lib_error(r, rc, "decisions");
    else
        reply_json(r, 200, out);
}

void route_review(xg_req *r)
{
    const char *id = r->param;
    const char *action, *reason;
    if (!req_read_json(r, false) || !field_string(r, r->json, "action", true, 16, &action) ||
        !field_string(r, r->json, "reason", true, MAX_REASON, &reason))
        return;
    if (strcmp(action, "clear") && strcmp(action, "confirm")) {
        reply_error(r, 400, "invalid_field", "action", "'action' must be clear or confirm");
        return;
    }
    if (!req_need_store(r) || !req_valid_id(r, id)) return;
    json_t *out = NULL;
    int rc = xg_store_review_resolve(&out, r->srv->store, id, action, reason, r->key_name);
    if (rc == XG_ENOTFOUND) {
        reply_error(r, 404, "not_found", "decision_id", "no decision '%s'", id);
    } else if (rc == XG_EINVAL) {
        reply_error(r, 409, "not_open", "decision_id", "%s", xg_error_message());
    } else if (rc != 0) {
        reply_lib_error(r, rc, "review");
    } else {
        atomic_fetch_add(&r->srv->metrics.reviews[action[1] == 'l' ? 0 : 1], 1);
        reply_json(r, 200, out);
    }
}

void route_audit_verify(xg_req *r)
{
    if (!req_need_store(r)) return;
    json_t *out = NULL;
    int rc = xg_store_audit_verify(&out, r->srv->store);
    if (rc != 0)
        reply_lib_error(r, rc, "audit verify");
    else
        reply_json(r, 200, out);
}
