/*
 * routes_decide.c — decisions, reviews, customers, keys and the audit chain: the routes that
 * read or write the store.
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

#include "core/core.h"

#define MAX_REASON 2000
#define MAX_LIST_LIMIT 500

static bool need_store(xg_req *r)
{
    if (r->srv->store) return true;
    reply_error(r, 503, "unavailable", NULL, "the store is not available");
    return false;
}

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

void route_decide(xg_req *r)
{
    if (!req_read_json(r, false) || !need_store(r)) return;
    if (!r->srv->policies || !r->srv->catalog) {
        reply_error(r, 503, "unavailable", NULL, "decisions are not available");
        return;
    }
    xg_snapshot *snap = server_snapshot_get(r->srv);
    xg_decide_ctx ctx = {.snapshot = snap,
                         .catalog = r->srv->catalog,
                         .policies = r->srv->policies,
                         .store = r->srv->store,
                         .default_policy = r->srv->policy,
                         .default_as_of = r->srv->as_of};
    json_t *resp = NULL;
    int rc = xg_decide(&resp, &ctx, r->json);
    xg_snapshot_unref(snap);
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
    metrics_decision(&r->srv->metrics, json_string_value(json_object_get(resp, "decision")));
    reply_json(r, 200, resp);
}

/* Ids travel in paths: bound them and keep them printable. */
static bool valid_id(xg_req *r, const char *id)
{
    size_t n = id ? strlen(id) : 0;
    bool ok = n > 0 && n <= 128;
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)id[i] > 0x20 && id[i] != 0x7f;
    if (!ok) reply_error(r, 404, "not_found", "id", "no such id");
    return ok;
}

void route_decision_get(xg_req *r, const char *id)
{
    if (!need_store(r) || !valid_id(r, id)) return;
    json_t *d = NULL;
    int rc = xg_store_decision_get(&d, r->srv->store, id);
    if (rc == XG_ENOTFOUND)
        reply_error(r, 404, "not_found", "id", "no decision '%s'", id);
    else if (rc != 0)
        reply_lib_error(r, rc, "decision");
    else
        reply_json(r, 200, d);
}

/* limit and cursor query parameters shared by the paged lists. */
static bool paging(xg_req *r, int *limit, char *cursor, size_t cursor_len, bool *has_cursor)
{
    char buf[32];
    *limit = 50;
    int got = req_query(r, "limit", buf, sizeof buf);
    if (got < 0) return false;
    if (got) {
        char *end;
        long v = strtol(buf, &end, 10);
        if (*end || v < 1 || v > MAX_LIST_LIMIT) {
            reply_error(r, 400, "invalid_field", "limit", "'limit' must be 1 to %d",
                        MAX_LIST_LIMIT);
            return false;
        }
        *limit = (int)v;
    }
    if ((got = req_query(r, "cursor", cursor, cursor_len)) < 0) return false;
    *has_cursor = got && cursor[0];
    return true;
}

void route_decisions_list(xg_req *r)
{
    static const char *outcomes[] = {"ALLOW", "REVIEW", "LICENSE_REQUIRED", "DENY"};
    static const char *const known[] = {"decision", "status", "limit", "cursor", NULL};
    char decision[32] = "", status[16] = "", cursor[256] = "";
    int got_d, got_s;
    if (!req_query_only(r, known) ||
        (got_d = req_query(r, "decision", decision, sizeof decision)) < 0 ||
        (got_s = req_query(r, "status", status, sizeof status)) < 0)
        return;
    bool has_d = got_d && decision[0], has_s = got_s && status[0];
    bool has_c, ok = !has_d;
    int limit;
    for (int i = 0; has_d && i < 4; i++)
        ok = ok || !strcmp(decision, outcomes[i]);
    if (!ok) {
        reply_error(r, 400, "invalid_field", "decision",
                    "'decision' must be ALLOW, REVIEW, LICENSE_REQUIRED or DENY");
        return;
    }
    if (has_s && strcmp(status, "open") && strcmp(status, "resolved")) {
        reply_error(r, 400, "invalid_field", "status", "'status' must be open or resolved");
        return;
    }
    if (!paging(r, &limit, cursor, sizeof cursor, &has_c) || !need_store(r)) return;
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

void route_review(xg_req *r, const char *id)
{
    const char *action, *reason;
    if (!req_read_json(r, false) || !field_string(r, r->json, "action", true, 16, &action) ||
        !field_string(r, r->json, "reason", true, MAX_REASON, &reason))
        return;
    if (strcmp(action, "clear") && strcmp(action, "confirm")) {
        reply_error(r, 400, "invalid_field", "action", "'action' must be clear or confirm");
        return;
    }
    if (!need_store(r) || !valid_id(r, id)) return;
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

static void customers_get(xg_req *r)
{
    static const char *const known[] = {"limit", "cursor", NULL};
    char cursor[256] = "";
    bool has_c;
    int limit;
    if (!req_query_only(r, known) || !paging(r, &limit, cursor, sizeof cursor, &has_c)) return;
    json_t *out = NULL;
    int rc = xg_store_customers_list(&out, r->srv->store, limit, has_c ? cursor : NULL);
    if (rc == XG_EINVAL || rc == XG_EPARSE)
        reply_error(r, 400, "invalid_field", "cursor", "%s", xg_error_message());
    else if (rc != 0)
        reply_lib_error(r, rc, "customers");
    else
        reply_json(r, 200, out);
}

static void customers_post(xg_req *r)
{
    if (!req_read_json(r, false)) return;
    json_t *c = json_object_get(r->json, "customer");
    if (!c) c = r->json;
    const char *name;
    if (!json_is_object(c)) {
        reply_error(r, 400, "invalid_field", "customer", "'customer' must be an object");
        return;
    }
    if (!field_string(r, c, "name", true, 1024, &name)) return;
    /* 200 when an existing record (named by its id) is updated, 201 when one is created. */
    const char *given = json_string_value(json_object_get(c, "id"));
    json_t *before = NULL;
    bool existed = given && xg_store_customer_get(&before, r->srv->store, given) == 0;
    json_decref(before);
    char *id = NULL;
    int rc = xg_store_customer_put(&id, r->srv->store, c);
    if (rc == XG_EINVAL || rc == XG_EPARSE || rc == XG_EUTF8 || rc == XG_ETOOBIG) {
        reply_error(r, 400, "invalid_field", NULL, "%s", xg_error_message());
        return;
    }
    if (rc != 0) {
        reply_lib_error(r, rc, "customer");
        return;
    }
    json_t *stored = NULL;
    if (xg_store_customer_get(&stored, r->srv->store, id) != 0 || !json_is_object(stored)) {
        json_decref(stored);
        stored = json_object();
    }
    if (!json_object_get(stored, "id")) json_object_set_new(stored, "id", json_string(id));
    free(id);
    reply_json(r, existed ? 200 : 201, stored);
}

void route_customers(xg_req *r)
{
    if (!need_store(r)) return;
    if (!strcmp(r->method, "POST"))
        customers_post(r);
    else
        customers_get(r);
}

void route_customer_get(xg_req *r, const char *id)
{
    if (!need_store(r) || !valid_id(r, id)) return;
    json_t *c = NULL;
    int rc = xg_store_customer_get(&c, r->srv->store, id);
    if (rc == XG_ENOTFOUND)
        reply_error(r, 404, "not_found", "id", "no customer '%s'", id);
    else if (rc != 0)
        reply_lib_error(r, rc, "customer");
    else
        reply_json(r, 200, c);
}

void route_audit_verify(xg_req *r)
{
    if (!need_store(r)) return;
    json_t *out = NULL;
    int rc = xg_store_audit_verify(&out, r->srv->store);
    if (rc != 0)
        reply_lib_error(r, rc, "audit verify");
    else
        reply_json(r, 200, out);
}

void route_keys(xg_req *r)
{
    const char *role, *name;
    if (!req_read_json(r, false) || !field_string(r, r->json, "role", true, 16, &role) ||
        !field_string(r, r->json, "name", false, 63, &name) || !need_store(r))
        return;
    if (role_parse(role) == ROLE_NONE) {
        reply_error(r, 400, "invalid_field", "role", "'role' must be service, analyst or admin");
        return;
    }
    char *key = NULL;
    int rc = xg_store_key_create(&key, r->srv->store, role, name ? name : role);
    if (rc != 0) {
        reply_lib_error(r, rc, "keys");
        return;
    }
    reply_json(r, 201,
               json_pack("{s:s, s:s, s:s}", "key", key, "role", role, "name", name ? name : role));
    free(key);
}
