/*
 * cache_temp.h — a throwaway cache directory for unit tests of the files kept between runs
 * (compiled lexicon, field gate, CC-CEDICT table, Hant-Hans table).
 *
 * cache_temp_open makes a new directory from the template /tmp/xg-TAG-XXXXXX into dir[64] and
 * points XGATE_SNAPSHOT_DIR at it; cache_temp_remove, in the caller's teardown, removes it whole;
 * cache_temp_count finds the cache files of one kind in it.
 */
#ifndef XG_TEST_CACHE_TEMP_H
#define XG_TEST_CACHE_TEMP_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

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

/* How many files named STEM-….EXT (ext with its dot) dir holds; the path of the last one read
 * into out[cap]. Temporary files (….EXT.tmp, ….tmp) do not count. */
static inline int cache_temp_count(const char *dir, const char *stem, const char *ext, char *out,
                                   size_t cap)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    size_t sl = strlen(stem), el = strlen(ext);
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (!strncmp(e->d_name, stem, sl) && e->d_name[sl] == '-' && l > el &&
            !strcmp(e->d_name + l - el, ext)) {
            snprintf(out, cap, "%s/%s", dir, e->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

#endif
