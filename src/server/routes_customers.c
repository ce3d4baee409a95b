/*
 * routes_customers.c — the customer records: list them (paged), create or update one, read one.
 *
 * A POST names an existing record by its id to update it (200) or creates one (201); either way
 * the answer is the record as stored, so a client sees what the store made of its fields.
 */
#include "server/server_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/core.h"

void route_customers_list(xg_req *r)
{
    if (!req_need_store(r)) return;
    static const char *const known[] = {"limit", "cursor", NULL};
    char cursor[256] = "";
    bool has_c;
    int limit;
    if (!req_query_only(r, known) || !req_paging(r, &limit, cursor, sizeof cursor, &has_c)) return;
    json_t *out = NULL;
    int rc = xg_store_customers_list(&out, r->srv->store, limit, has_c ? cursor : NULL);
    if (rc == XG_EINVAL || rc == XG_EPARSE)
        reply_error(r, 400, "invalid_field", "cursor", "%s", xg_error_message());
    else if (rc != 0)
        reply_lib_error(r, rc, "customers");
    else
        reply_json(r, 200, out);
}

void route_customer_put(xg_req *r)
{
    if (!req_need_store(r)) return;
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

void route_customer_get(xg_req *r)
{
    const char *id = r->param;
    if (!req_need_store(r) || !req_valid_id(r, id)) return;
    json_t *c = NULL;
    int rc = xg_store_customer_get(&c, r->srv->store, id);
    if (rc == XG_ENOTFOUND)
        reply_error(r, 404, "not_found", "id", "no customer '%s'", id);
    else if (rc != 0)
        reply_lib_error(r, rc, "customer");
    else
        reply_json(r, 200, c);
}
