/*
 * usage_internal.h — what the compute-accounting files share: a string map with owned keys (the
 * text module's open-addressing map, keys copied into an arena). Charts are drawn by the shared
 * writer, core/chart.h.
 */
#ifndef XG_USAGE_INTERNAL_H
#define XG_USAGE_INTERNAL_H

#include "core/core.h"
#include "text/text_internal.h"
#include "xgate/usage.h"

typedef struct usage_map {
    xg_strmap map;
    xg_arena arena;
} usage_map;

void usage_map_init(usage_map *m);
void usage_map_free(usage_map *m);
void *usage_map_get(const usage_map *m, const char *key);
/* Store a copy of `key` with `value` unless present; returns the value stored (the old one when
 * the key was there), NULL on ENOMEM. */
void *usage_map_put(usage_map *m, const char *key, void *value);
/* A string copied into the map's arena. */
char *usage_map_strdup(usage_map *m, const char *s);

#endif
