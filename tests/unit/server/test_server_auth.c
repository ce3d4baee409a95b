/*
 * test_server_auth.c — the key cache (src/server/auth.c): a resolved key is served from the cache
 * after it was revoked in the store (for up to AUTH_TTL_S), until auth_forget_all, which the
 * notification listener calls when another node creates or revokes a key (docs/nodes.md).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"
#include "../store_temp.h"

Test(server_auth, forget_all_drops_a_revoked_key)
{
    temp_store t;
    xg_store *s = temp_store_open(&t, "auth");
    char *key = NULL;
    cr_assert_eq(xg_store_key_create(&key, s, "service", "cached"), 0, "%s", xg_error_message());
    xg_auth *a;
    cr_assert_eq(auth_new(&a, -1, 1), 0);
    xg_role role = ROLE_NONE;
    char name[64];
    bool limited = true;
    cr_assert_eq(auth_lookup(a, s, key, &role, name, &limited), 0);
    cr_assert_eq(role, ROLE_SERVICE);
    cr_assert_str_eq(name, "cached");
    cr_assert_not(limited);

    char id[32];
    snprintf(id, sizeof id, "%.12s", key + 4); /* "xgk_<12 hex>_<secret>" */
    cr_assert_eq(xg_store_key_revoke(s, id), 0, "%s", xg_error_message());
    /* still cached: the store is not asked */
    cr_assert_eq(auth_lookup(a, s, key, &role, name, &limited), 0);
    cr_assert_eq(role, ROLE_SERVICE);
    /* forgotten: the store is asked and refuses it */
    auth_forget_all(a);
    cr_assert_eq(auth_lookup(a, s, key, &role, name, &limited), XG_ENOTFOUND);
    cr_assert_eq(role, ROLE_NONE);

    auth_free(a);
    free(key);
    temp_store_remove(&t, s);
}
