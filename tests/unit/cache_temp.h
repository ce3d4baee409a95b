/*
 * cache_temp.h — a throwaway cache directory for unit tests of the files kept between runs
 * (compiled lexicon, field gate, CC-CEDICT table, Hant-Hans table).
 *
 * cache_temp_open makes a new directory from the template /tmp/xg-TAG-XXXXXX into dir[64] and
 * points XGATE_SNAPSHOT_DIR at it; cache_temp_remove, in the caller's teardown, removes it whole.
 */
#ifndef XG_TEST_CACHE_TEMP_H
#define XG_TEST_CACHE_TEMP_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

static inline void cache_temp_open(char dir[64], const char *tag)
{
    snprintf(dir, 64, "/tmp/xg-%s-XXXXXX", tag);
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", dir, 1), 0);
}

static inline void cache_temp_remove(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

#endif
