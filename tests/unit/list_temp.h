/*
 * list_temp.h — a throwaway list file for unit tests that screen against a few real list rows.
 *
 * list_temp_load writes CSV (xgate's own list format, header included) to a new file made from
 * the template PATH (mkstemps: it must end in "XXXXXX.xgate.csv"), then loads the name data and a
 * snapshot of that one list; list_temp_free, in the caller's teardown, frees both and unlinks PATH.
 * list_temp_screen, list_temp_score, list_temp_pair and list_temp_relation ask that snapshot and
 * read its answers.
 * list_shared_load loads one of the shared real lists instead.
 */
#ifndef XG_TEST_LIST_TEMP_H
#define XG_TEST_LIST_TEMP_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The name data and a snapshot of one of the shared real lists ($XGATE_SHARED/data/lists/FILE). */
static inline void list_shared_load(const char *file, xg_text_ctx **text, xg_snapshot **snap)
{
    const char *sh = getenv("XGATE_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/data/lists/%s", sh ? sh : "/work/shared", file);
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

/* The result of screening name at threshold (the caller frees it). */
static inline xg_screen_result *list_temp_screen(xg_snapshot *snap, const char *name,
                                                 double threshold)
{
    xg_screen_query q = {.name = name, .threshold = threshold};
    xg_screen_result *r;
    cr_assert_eq(xg_screen(&r, snap, &q), 0, "%s", xg_error_message());
    return r;
}

/* The best match of name at any score: its score (0 when nothing is reported), and in *record
 * its record's name ("" when none), in a buffer the next call overwrites. */
static inline double list_temp_best(xg_snapshot *snap, const char *name, const char **record)
{
    xg_screen_result *r = list_temp_screen(snap, name, 0.0);
    double s = r->nmatches ? r->matches[0].score : 0.0;
    static char buf[256];
    snprintf(buf, sizeof buf, "%s", r->nmatches ? r->matches[0].record->name : "");
    *record = buf;
    xg_screen_result_free(r);
    return s;
}

/* The best score of record `id` for name at threshold 0 (-1 when not reported). */
static inline double list_temp_score(xg_snapshot *snap, const char *name, const char *id)
{
    xg_screen_result *r = list_temp_screen(snap, name, 0.0);
    double s = -1;
    for (size_t i = 0; i < r->nmatches; i++)
        if (!strcmp(r->matches[i].record->id, id) && r->matches[i].score > s)
            s = r->matches[i].score;
    xg_screen_result_free(r);
    return s;
}

/* The best score of the record named `record` for name at threshold 0 (0 when not reported). */
static inline double list_temp_score_named(xg_snapshot *snap, const char *name, const char *record)
{
    xg_screen_result *r = list_temp_screen(snap, name, 0.0);
    double s = 0;
    for (size_t i = 0; i < r->nmatches; i++)
        if (!strcmp(r->matches[i].record->name, record) && r->matches[i].score > s)
            s = r->matches[i].score;
    xg_screen_result_free(r);
    return s;
}

/* The value of `key` ("list", "via" …) in the explanation's pair for the query word, or NULL; in
 * a buffer the next call overwrites (the explanation is built for the call and freed). */
static inline const char *list_temp_pair(const xg_screen_match *m, const char *query,
                                         const char *key)
{
    static char buf[256];
    const char *v = NULL;
    json_t *e = xg_screen_match_explanation(m);
    cr_assert_not_null(e);
    json_t *pairs = json_object_get(e, "pairs");
    for (size_t i = 0; i < json_array_size(pairs) && !v; i++) {
        json_t *p = json_array_get(pairs, i);
        if (!strcmp(json_string_value(json_object_get(p, "query")), query))
            v = json_string_value(json_object_get(p, key));
    }
    if (v) snprintf(buf, sizeof buf, "%s", v);
    json_decref(e);
    return v ? buf : NULL;
}

/* The explanation's "nested" relation ("listed_unit" …), or NULL; in a buffer the next call
 * overwrites. */
static inline const char *list_temp_relation(const xg_screen_match *m)
{
    static char buf[64];
    json_t *e = xg_screen_match_explanation(m);
    cr_assert_not_null(e);
    const char *v = json_string_value(json_object_get(json_object_get(e, "nested"), "relation"));
    if (v) snprintf(buf, sizeof buf, "%s", v);
    json_decref(e);
    return v ? buf : NULL;
}

#endif
