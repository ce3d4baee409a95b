/*
 * facts_reads.c — a decision's facts' reads sent ahead in one round trip (PostgreSQL).
 *
 * Gathering a decision's facts reads the store a few times (the customer party's owners, its
 * clearances, its open alerts, the customer record the usage rule looks up), each read a
 * statement of its own and so, on PostgreSQL, a network round trip of its own, made one after
 * another on the thread's read connection. Here those statements, with the very SQL and
 * parameters the reads will use (SQL_* in store_internal.h), go to the server in one pipeline
 * (db_prefetch); the reads then find their results on the connection. The reads themselves are
 * unchanged, so what they return is what they returned before: a read that finds no result
 * waiting (a name the walk discovers later, a prefetch that failed) runs as before.
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct ahead {
    xg_store *rd;
    db_stmt *st[DB_PREFETCH_MAX];
    char *key[DB_PREFETCH_MAX];
    int n;
} ahead;

/* Queue one read of one text parameter; `own` (heap, may be NULL) is freed with the batch. */
static void ahead_add(ahead *a, const char *sql, const char *v, char *own)
{
    if (!v || a->n == DB_PREFETCH_MAX || store_prepare(&a->st[a->n], a->rd, sql)) {
        free(own);
        return;
    }
    store_bind_text(a->st[a->n], 1, v);
    a->key[a->n++] = own;
}

static void ahead_add_key(ahead *a, const char *sql, const char *name)
{
    if (!name || !*name) return;
    char *k = store_name_key(name);
    ahead_add(a, sql, k, k);
}

static int ahead_begin(ahead *a, xg_store *s)
{
    memset(a, 0, sizeof *a);
    if (!s || !store_is_pg(s)) return 0;
    a->rd = store_reads_held(s);
    return a->rd != NULL;
}

static void ahead_send(ahead *a)
{
    if (a->n) db_prefetch(a->rd->db, a->st, a->n); /* a failure: the reads run one by one */
    for (int i = 0; i < a->n; i++) {
        db_finalize(a->st[i]); /* back to the statement cache, unstepped */
        free(a->key[i]);
    }
}

void xg_store_facts_prefetch(xg_store *s, const char *name, const char *customer, int by_id)
{
    ahead a;
    if (!ahead_begin(&a, s)) return;
    ahead_add_key(&a, SQL_OWNERS_OF, name);
    ahead_add_key(&a, SQL_CLEARANCES_FOR, name);
    ahead_add_key(&a, SQL_ALERTS_OPEN_FOR, name);
    if (customer && *customer) {
        ahead_add(&a, SQL_CUSTOMER_BY("id"), customer, NULL);
        if (!by_id) ahead_add_key(&a, SQL_CUSTOMER_BY("name_key"), customer);
    }
    ahead_send(&a);
}

void xg_store_clearances_prefetch(xg_store *s, const char *const *names, size_t n)
{
    ahead a;
    if (!ahead_begin(&a, s)) return;
    for (size_t i = 0; i < n; i++)
        ahead_add_key(&a, SQL_CLEARANCES_FOR, names[i]);
    ahead_send(&a);
}
