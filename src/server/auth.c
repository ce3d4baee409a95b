/*
 * auth.c — API keys and per-key rate limits.
 *
 * Keys live hashed in the store; asking SQLite on every request would serialise the whole server
 * on the store's lock, so a resolved key is cached for AUTH_TTL_S seconds under the SHA-256 of
 * the key (the key itself is never kept or logged). Unknown keys are cached briefly too, so that a
 * flood of bad keys cannot hammer the database. The cache entry also holds the key's token bucket
 * (refilled at opts.rate per second up to opts.burst); a bucket forgotten with its entry starts
 * full again, which errs on the side of serving. A revoked key stops working within AUTH_TTL_S;
 * on a PostgreSQL store every node forgets its cache when any node creates or revokes a key
 * (notify.c), so there it stops working at once (docs/nodes.md).
 */
#include "server/server_int.h"

#include "xgate/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define AUTH_SLOTS 4096
#define AUTH_PROBE 8
#define AUTH_TTL_S 30.0
#define AUTH_NEG_TTL_S 5.0

typedef struct auth_entry {
    unsigned char hash[32];
    bool used;
    xg_role role; /* ROLE_NONE: a known-bad key */
    char name[64];
    double expires;
    double tokens, refilled;
} auth_entry;

struct xg_auth {
    pthread_mutex_t lock;
    double rate, burst;
    auth_entry *slots;
    /* bumped by auth_forget_all: an answer the store gave before a flush is not cached after it
     * (a key revoked while its lookup ran would otherwise be served for AUTH_TTL_S) */
    unsigned long generation;
};

xg_role role_parse(const char *s)
{
    if (!s) return ROLE_NONE;
    if (!strcmp(s, "service")) return ROLE_SERVICE;
    if (!strcmp(s, "analyst")) return ROLE_ANALYST;
    if (!strcmp(s, "admin")) return ROLE_ADMIN;
    return ROLE_NONE;
}

const char *role_name(xg_role r)
{
    static const char *names[] = {"none", "service", "analyst", "admin"};
    return names[r];
}

int auth_new(xg_auth **out, double rate, double burst)
{
    xg_auth *a = calloc(1, sizeof *a);
    if (!a || !(a->slots = calloc(AUTH_SLOTS, sizeof *a->slots))) {
        free(a);
        return xg_error_set(XG_ENOMEM, "out of memory for the key cache");
    }
    pthread_mutex_init(&a->lock, NULL);
    a->rate = rate;
    a->burst = burst < 1 ? 1 : burst;
    *out = a;
    return 0;
}

void auth_free(xg_auth *a)
{
    if (!a) return;
    sodium_memzero(a->slots, AUTH_SLOTS * sizeof *a->slots);
    free(a->slots);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

/* The live entry for a hash, or NULL; caller holds the lock. */
static auth_entry *find(xg_auth *a, const unsigned char h[32], double now)
{
    size_t base = ((size_t)h[0] << 8 | h[1]) % AUTH_SLOTS;
    for (size_t i = 0; i < AUTH_PROBE; i++) {
        auth_entry *e = &a->slots[(base + i) % AUTH_SLOTS];
        if (e->used && e->expires > now && !memcmp(e->hash, h, 32)) return e;
    }
    return NULL;
}

/* A slot for a new entry: a free or expired one, else the one expiring first. */
static auth_entry *claim(xg_auth *a, const unsigned char h[32], double now)
{
    size_t base = ((size_t)h[0] << 8 | h[1]) % AUTH_SLOTS;
    auth_entry *victim = NULL;
    for (size_t i = 0; i < AUTH_PROBE; i++) {
        auth_entry *e = &a->slots[(base + i) % AUTH_SLOTS];
        if (!e->used || e->expires <= now || !memcmp(e->hash, h, 32)) return e;
        if (!victim || e->expires < victim->expires) victim = e;
    }
    return victim;
}

static bool take_token(xg_auth *a, auth_entry *e, double now)
{
    if (a->rate < 0) return true;
    e->tokens += (now - e->refilled) * a->rate;
    if (e->tokens > a->burst) e->tokens = a->burst;
    e->refilled = now;
    if (e->tokens < 1.0) return false;
    e->tokens -= 1.0;
    return true;
}

/* Ask the store (outside the lock: it may take a while), cache the answer and charge its bucket. */
static int resolve(xg_auth *a, xg_store *store, const unsigned char h[32], const char *key,
                   double now, xg_role *role_out, char name_out[64], bool *limited)
{
    char *role = NULL, *name = NULL;
    if (!store) return xg_error_set(XG_EINTERNAL, "the key store is not available");
    pthread_mutex_lock(&a->lock);
    unsigned long generation = a->generation;
    pthread_mutex_unlock(&a->lock);
    int rc = xg_store_key_lookup(&role, &name, store, key);
    if (rc != 0 && rc != XG_ENOTFOUND) return rc;
    pthread_mutex_lock(&a->lock);
    auth_entry *e = claim(a, h, now);
    memset(e, 0, sizeof *e);
    memcpy(e->hash, h, 32);
    e->used = true;
    e->role = rc == 0 ? role_parse(role) : ROLE_NONE;
    snprintf(e->name, sizeof e->name, "%s", name ? name : "");
    e->expires = now + (e->role != ROLE_NONE ? AUTH_TTL_S : AUTH_NEG_TTL_S);
    if (generation != a->generation) e->expires = now; /* flushed meanwhile: this request only */
    e->tokens = a->burst;
    e->refilled = now;
    *role_out = e->role;
    memcpy(name_out, e->name, 64);
    if (e->role != ROLE_NONE) *limited = !take_token(a, e, now);
    pthread_mutex_unlock(&a->lock);
    free(role);
    free(name);
    return *role_out == ROLE_NONE ? XG_ENOTFOUND : 0;
}

int auth_lookup(xg_auth *a, xg_store *store, const char *key, xg_role *role, char name_out[64],
                bool *limited)
{
    unsigned char h[32];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    double now = xg_clock_seconds();
    *limited = false;
    pthread_mutex_lock(&a->lock);
    auth_entry *e = find(a, h, now);
    if (e) {
        *role = e->role;
        memcpy(name_out, e->name, 64);
        if (e->role != ROLE_NONE) *limited = !take_token(a, e, now);
        pthread_mutex_unlock(&a->lock);
        return e->role == ROLE_NONE ? XG_ENOTFOUND : 0;
    }
    pthread_mutex_unlock(&a->lock);
    return resolve(a, store, h, key, now, role, name_out, limited);
}

void auth_forget_all(xg_auth *a)
{
    pthread_mutex_lock(&a->lock);
    sodium_memzero(a->slots, AUTH_SLOTS * sizeof *a->slots);
    a->generation++;
    pthread_mutex_unlock(&a->lock);
}
