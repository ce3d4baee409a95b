/*
 * test_cache_prune.c — xg_cache_prune (core/cachedir.c) keeps the file just written and the newest
 * XGATE_SNAPSHOT_KEEP - 1 others of its stem and extension, removes the older ones and stale
 * temporary files of the stem, and never touches other files.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "core/core.h"

static char dir[64];

static void make(const char *name, time_t age)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("x", f);
    fclose(f);
    struct utimbuf t = {.actime = time(NULL) - age, .modtime = time(NULL) - age};
    cr_assert_eq(utime(path, &t), 0);
}

static bool exists(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

Test(core_cache_prune, keeps_newest_of_its_stem)
{
    snprintf(dir, sizeof dir, "/tmp/xg-prune-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(setenv("XGATE_SNAPSHOT_KEEP", "3", 1), 0);
    make("cedict-01.tab", 500); /* the one written, oldest on purpose */
    make("cedict-02.tab", 400);
    make("cedict-03.tab", 300);
    make("cedict-04.tab", 200);
    make("cedict-05.tab", 100);
    make("cedict-06.tab.9.0.tmp", 7200);
    make("cedict-07.tab.9.1.tmp", 60);
    make("hanthans-01.tab", 9000);
    make("lists-01.xgsnap", 9000);
    make("cedict-08.other", 9000);
    char written[256];
    snprintf(written, sizeof written, "%s/cedict-01.tab", dir);
    xg_cache_prune(written, "cedict", "tab");
    unsetenv("XGATE_SNAPSHOT_KEEP");
    cr_assert(exists("cedict-01.tab"), "the file written stays");
    cr_assert(exists("cedict-05.tab") && exists("cedict-04.tab"), "the two newest others stay");
    cr_assert(!exists("cedict-03.tab") && !exists("cedict-02.tab"), "older ones go");
    cr_assert(!exists("cedict-06.tab.9.0.tmp"), "a stale temporary file goes");
    cr_assert(exists("cedict-07.tab.9.1.tmp"), "a recent temporary file stays");
    cr_assert(exists("hanthans-01.tab") && exists("lists-01.xgsnap") && exists("cedict-08.other"),
              "other files are never touched");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}
