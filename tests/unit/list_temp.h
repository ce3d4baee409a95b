/*
 * list_temp.h — a throwaway list file for unit tests that screen against a few real list rows.
 *
 * list_temp_load writes CSV (xgate's own list format, header included) to a new file made from
 * the template PATH (mkstemps: it must end in "XXXXXX.xgate.csv"), then loads the name data and a
 * snapshot of that one list; list_temp_free, in the caller's teardown, frees both and unlinks PATH.
 */
#ifndef XG_TEST_LIST_TEMP_H
#define XG_TEST_LIST_TEMP_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xgate/error.h"
#include "xgate/screen.h"

/* The header line of xgate's own list format. */
#define LIST_TEMP_HEADER                                                                           \
    "id,source,type,name,aliases,country,parent,parent_percent,ids,addresses,programs,"            \
    "start_date,end_date,remarks\n"

static inline void list_temp_load(char *path, const char *csv, xg_text_ctx **text,
                                  xg_snapshot **snap)
{
    int fd = mkstemps(path, 10);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    fputs(csv, f);
    cr_assert_eq(fclose(f), 0);
    const char *p[] = {path};
    cr_assert_eq(xg_text_ctx_load(text, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_snapshot_load(snap, p, 1, 0, *text), 0, "%s", xg_error_message());
}

static inline void list_temp_free(const char *path, xg_text_ctx *text, xg_snapshot *snap)
{
    xg_snapshot_unref(snap);
    xg_text_ctx_free(text);
    unlink(path);
}

#endif
