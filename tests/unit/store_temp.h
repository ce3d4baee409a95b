/*
 * store_temp.h — a throwaway SQLite store for unit tests: a file under /tmp named by the test's
 * tag, its process and a random number, removed at the end with its WAL and shared-memory files.
 */
#ifndef XG_TEST_STORE_TEMP_H
#define XG_TEST_STORE_TEMP_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xgate/error.h"
#include "xgate/store.h"

typedef struct temp_store {
    char path[256]; /* the database file */
    char url[300];  /* "sqlite:" path, for xg_store_open */
} temp_store;

/* Open (creating and migrating) a new store for test `tag`; fails the test when it cannot. */
static inline xg_store *temp_store_open(temp_store *t, const char *tag)
{
    snprintf(t->path, sizeof t->path, "/tmp/xg-%s-test-%d-%ld.db", tag, (int)getpid(), random());
    snprintf(t->url, sizeof t->url, "sqlite:%s", t->path);
    xg_store *s;
    cr_assert_eq(xg_store_open(&s, t->url), 0, "%s", xg_error_message());
    return s;
}

/* Close `s` (NULL: already closed) and remove the store's files. */
static inline void temp_store_remove(temp_store *t, xg_store *s)
{
    if (s) xg_store_close(s);
    char p[320];
    unlink(t->path);
    snprintf(p, sizeof p, "%s-wal", t->path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", t->path);
    unlink(p);
}

#endif
