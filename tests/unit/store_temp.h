/*
 * store_temp.h — a throwaway store for unit tests, on either backend.
 *
 * By default a SQLite file under /tmp named by the test's tag, its process and a random number,
 * removed at the end with its WAL and shared-memory files. When XGATE_TEST_PGURL names a
 * PostgreSQL database (postgresql:///DB?host=…&user=…, e.g. the one tests/lib_pg.sh starts;
 * tests/cli/test_store_unit_pg.sh runs the store-using suites so), each store is a fresh database
 * on that server instead, created through DB and dropped at the end: the same suites then check
 * the PostgreSQL backend. temp_store_exec runs raw SQL on the store behind xgate's back (the
 * tampering tests), with the backend's own client library (libpq through store/pq_dl.h).
 */
#ifndef XG_TEST_STORE_TEMP_H
#define XG_TEST_STORE_TEMP_H

#include <criterion/criterion.h>
#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xgate/error.h"
#include "store/pq_dl.h"
#include "xgate/store.h"

typedef struct temp_store {
    int pg;           /* 1: a PostgreSQL database on the server XGATE_TEST_PGURL names */
    char path[256];   /* SQLite: the database file; PostgreSQL: the database name */
    char url[1024];   /* for xg_store_open */
    char admin[1024]; /* PostgreSQL: XGATE_TEST_PGURL, where the database is created and dropped */
} temp_store;

/* 1 when the unit tests run against PostgreSQL (XGATE_TEST_PGURL set). */
static inline int temp_store_is_pg(void)
{
    const char *u = getenv("XGATE_TEST_PGURL");
    return u && *u;
}

static inline void temp_store_pg_exec(const char *conninfo, const char *sql)
{
    cr_assert_eq(xg_pq_load(), 0, "%s", xg_error_message()); /* libpq is opened on first use */
    PGconn *c = sym_PQconnectdb(conninfo);
    cr_assert_eq(sym_PQstatus(c), CONNECTION_OK, "%s: %s", conninfo, sym_PQerrorMessage(c));
    PGresult *r = sym_PQexec(c, sql);
    ExecStatusType st = sym_PQresultStatus(r);
    cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
              sym_PQerrorMessage(c));
    sym_PQclear(r);
    sym_PQfinish(c);
}

/* Run `sql` (several statements allowed) on the store `t` names, outside xgate. */
static inline void temp_store_exec(const temp_store *t, const char *sql)
{
    if (t->pg) {
        temp_store_pg_exec(t->url, sql);
        return;
    }
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(t->path, &db), SQLITE_OK);
    char *err = NULL;
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK, "%s: %s", sql, err);
    sqlite3_close(db);
}

/* postgresql:///DB?PARAMS → postgresql:///NAME?PARAMS */
static inline void temp_store_pg_url(temp_store *t)
{
    const char *q = strchr(t->admin, '?');
    cr_assert(!strncmp(t->admin, "postgresql:///", 14) && q,
              "XGATE_TEST_PGURL must read postgresql:///DB?host=…: %s", t->admin);
    snprintf(t->url, sizeof t->url, "postgresql:///%s%s", t->path, q);
}

/* Open (creating and migrating) a new store for test `tag`; fails the test when it cannot. */
static inline xg_store *temp_store_open(temp_store *t, const char *tag)
{
    t->pg = temp_store_is_pg();
    if (t->pg) {
        snprintf(t->admin, sizeof t->admin, "%s", getenv("XGATE_TEST_PGURL"));
        snprintf(t->path, sizeof t->path, "xgt_%s_%d_%ld", tag, (int)getpid(), random());
        for (char *p = t->path; *p; p++)
            *p = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
        temp_store_pg_url(t);
        char sql[400];
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->path);
        temp_store_pg_exec(t->admin, sql);
    } else {
        snprintf(t->path, sizeof t->path, "/tmp/xg-%s-test-%d-%ld.db", tag, (int)getpid(),
                 random());
        snprintf(t->url, sizeof t->url, "sqlite:%s", t->path);
    }
    xg_store *s;
    cr_assert_eq(xg_store_open(&s, t->url), 0, "%s", xg_error_message());
    return s;
}

/* Close `s` (NULL: already closed) and remove the store (files, or the database). */
static inline void temp_store_remove(temp_store *t, xg_store *s)
{
    char token[33];
    int64_t counter;
    const char *dir = getenv("XGATE_SNAPSHOT_DIR");
    if (t->pg && s && dir && *dir && strcmp(dir, "off") &&
        !xg_store_party_generation(s, token, &counter)) {
        /* a monitor run's party file of a PostgreSQL store, in the snapshot directory */
        char p[1200];
        snprintf(p, sizeof p, "%s/store-%s.parties", dir, token);
        unlink(p);
    }
    if (s) xg_store_close(s);
    if (t->pg) {
        char sql[400];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->path);
        temp_store_pg_exec(t->admin, sql);
        return;
    }
    char p[320];
    unlink(t->path);
    snprintf(p, sizeof p, "%s-wal", t->path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", t->path);
    unlink(p);
    snprintf(p, sizeof p, "%s.parties", t->path); /* a monitor run's party file */
    unlink(p);
}

#endif
