/*
 * routes_keys.c — API keys: an admin creates one for a role; the key is answered once and only its
 * hash is stored.
 */
#include "server/server_int.h"

#include <stdlib.h>

void route_keys(xg_req *r)
{
    const char *role, *name;
    if (!req_read_json(r, false) || !field_string(r, r->json, "role", true, 16, &role) ||
        !field_string(r, r->json, "name", false, 63, &name) || !req_need_store(r))
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
