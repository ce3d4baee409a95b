/*
 * keys.c — API keys for the HTTP service, stored only as salted hashes.
 *
 * A key reads "xgk_<id>_<secret>": the id (12 hex digits) finds the row without scanning, the
 * secret (32 random bytes, hex) is hashed with BLAKE2b (libsodium crypto_generichash) keyed by a
 * per-key random salt, and compared in constant time. The secret is shown once, at creation.
 */
#include "store/store_internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

#define KEY_PREFIX "xgk_"
#define KEY_ID_BYTES 6
#define KEY_SECRET_BYTES 32
#define KEY_SALT_BYTES 16

static const char *const roles[] = {"service", "analyst", "admin"};

static int role_valid(const char *role)
{
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (role && !strcmp(role, roles[i])) return 1;
    return 0;
}

static void secret_hash(char out[65], const char *secret, const unsigned char *salt)
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), salt,
                       KEY_SALT_BYTES);
    sodium_bin2hex(out, 65, h, sizeof h);
}

int xg_store_key_create(char **key_out, xg_store *s, const char *role, const char *name)
{
    if (!role_valid(role))
        return xg_error_set(XG_EINVAL, "role '%s': expected service, analyst or admin",
                            role ? role : "");
    char *id = store_random_id("", KEY_ID_BYTES), *secret = store_random_id("", KEY_SECRET_BYTES);
    unsigned char salt[KEY_SALT_BYTES];
    randombytes_buf(salt, sizeof salt);
    char salt_hex[2 * KEY_SALT_BYTES + 1], hash[65], now[32];
    sodium_bin2hex(salt_hex, sizeof salt_hex, salt, sizeof salt);
    int rc = XG_ENOMEM;
    if (!id || !secret) goto out;
    secret_hash(hash, secret, salt);
    store_now(now);
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    if (!(rc = store_begin(s)) &&
        !(rc = store_prepare(&st, s,
                             "INSERT INTO api_keys (id, salt, hash, role, name, created)"
                             " VALUES (?, ?, ?, ?, ?, ?)"))) {
        const char *v[] = {id, salt_hex, hash, role, name, now};
        for (int i = 0; i < 6; i++)
            store_bind_text(st, i + 1, v[i]);
        rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "api key insert");
        db_finalize(st);
        /* other nodes forget a cached "unknown key" for it */
        if (!rc) rc = store_notify(s, "key", id);
        if (!rc) rc = store_commit(s);
        if (rc) store_rollback(s);
    }
    pthread_mutex_unlock(&s->lock);
    if (!rc) {
        size_t n = strlen(KEY_PREFIX) + strlen(id) + 1 + strlen(secret) + 1;
        *key_out = malloc(n);
        if (*key_out)
            snprintf(*key_out, n, KEY_PREFIX "%s_%s", id, secret);
        else
            rc = XG_ENOMEM;
    }
out:
    if (secret) sodium_memzero(secret, strlen(secret));
    free(id);
    free(secret);
    return rc;
}

/* Split "xgk_<id>_<secret>"; false when the shape is wrong. */
static int key_split(char id[2 * KEY_ID_BYTES + 1], const char **secret, const char *key)
{
    size_t plen = strlen(KEY_PREFIX);
    if (!key || strncmp(key, KEY_PREFIX, plen)) return 0;
    const char *p = key + plen, *us = strchr(p, '_');
    if (!us || us - p != 2 * KEY_ID_BYTES || strlen(us + 1) != 2 * KEY_SECRET_BYTES) return 0;
    memcpy(id, p, 2 * KEY_ID_BYTES);
    id[2 * KEY_ID_BYTES] = '\0';
    *secret = us + 1;
    return 1;
}

int xg_store_key_lookup(char **role_out, char **name_out, xg_store *s, const char *key)
{
    char id[2 * KEY_ID_BYTES + 1];
    const char *secret;
    if (!key_split(id, &secret, key)) return xg_error_set(XG_ENOTFOUND, "unknown API key");
    xg_store *rd = store_read_begin(s);
    db_stmt *st;
    int rc = store_prepare(&st, rd,
                           "SELECT salt, hash, role, name FROM api_keys"
                           " WHERE id = ? AND revoked IS NULL");
    if (!rc) {
        store_bind_text(st, 1, id);
        rc = xg_error_set(XG_ENOTFOUND, "unknown or revoked API key");
        unsigned char salt[KEY_SALT_BYTES];
        int step = db_step(st);
        /* the store failing (PostgreSQL gone) is not an unknown key: 503, not 401 */
        if (step != DB_ROW && step != DB_DONE) rc = store_error(rd, "key lookup");
        if (step == DB_ROW && sodium_hex2bin(salt, sizeof salt, store_col_text(st, 0),
                                             2 * KEY_SALT_BYTES, NULL, NULL, NULL) == 0) {
            char hash[65];
            secret_hash(hash, secret, salt);
            if (sodium_memcmp(hash, store_col_text(st, 1), 64) == 0) {
                *role_out = store_col_dup(st, 2);
                *name_out = store_col_dup(st, 3);
                if (!*name_out) *name_out = strdup("");
                rc = XG_OK;
            }
        }
        db_finalize(st);
    }
    store_read_end(s, rd);
    return rc;
}

int xg_store_keys_list(json_t **out, xg_store *s)
{
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "SELECT id, role, name, created, revoked FROM api_keys"
                           " ORDER BY created, id");
    if (!rc) {
        json_t *arr = json_array();
        while (db_step(st) == DB_ROW) {
            json_t *k = json_object();
            const char *names[] = {"id", "role", "name", "created", "revoked"};
            for (int i = 0; i < 5; i++) {
                const char *t = db_column_text(st, i);
                json_object_set_new(k, names[i], t ? json_string((const char *)t) : json_null());
            }
            json_array_append_new(arr, k);
        }
        db_finalize(st);
        *out = arr;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int xg_store_key_revoke(xg_store *s, const char *key_id)
{
    char now[32];
    store_now(now);
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_begin(s);
    if (!rc && !(rc = store_prepare(&st, s,
                                    "UPDATE api_keys SET revoked = ? WHERE id = ?"
                                    " AND revoked IS NULL"))) {
        store_bind_text(st, 1, now);
        store_bind_text(st, 2, key_id);
        if (db_step(st) != DB_DONE)
            rc = store_error(s, "api key revoke");
        else if (db_changes(s->db) == 0)
            rc = xg_error_set(XG_ENOTFOUND, "no active API key with id '%s'", key_id);
        db_finalize(st);
        /* every node drops its cached keys: the revoked key is refused at once */
        if (!rc) rc = store_notify(s, "key", key_id);
        if (!rc) rc = store_commit(s);
        if (rc) store_rollback(s);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}
