/*
 * map.c — a string map that owns its keys, over the text module's open-addressing map: the
 * importer caches catalog answers and customer ids in it, the CUR reader the account map.
 */
#include "usage/usage_internal.h"

#include <string.h>

void usage_map_init(usage_map *m)
{
    xg_strmap_init(&m->map);
    xg_arena_init(&m->arena, 64 * 1024);
}

void usage_map_free(usage_map *m)
{
    xg_strmap_free(&m->map);
    xg_arena_free(&m->arena);
}

void *usage_map_get(const usage_map *m, const char *key)
{
    return xg_strmap_get(&m->map, key, strlen(key));
}

void *usage_map_put(usage_map *m, const char *key, void *value)
{
    void *old = usage_map_get(m, key);
    if (old) return old;
    char *k = xg_arena_strdup(&m->arena, key);
    return k ? xg_strmap_put(&m->map, k, strlen(k), value) : NULL;
}

char *usage_map_strdup(usage_map *m, const char *s)
{
    return xg_arena_strdup(&m->arena, s);
}
