/* Fuzz target: the zh_sound.tsv line parser (data/text/zh_sound.tsv, learned spellings of pinyin
 * syllables) on arbitrary bytes, line by line into one map — a line is accepted or refused with
 * XG_EPARSE, never anything else — then every accepted syllable's pattern is matched against
 * the input's first line (xg_sound_sim must return 0 or XG_SOUND_SIM). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "match/score.h"
#include "text/text_internal.h"
#include "xgate/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    xg_arena arena;
    xg_arena_init(&arena, 0);
    xg_strmap map;
    xg_strmap_init(&map);
    char *first = NULL;
    long lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        lineno++;
        if (!first) first = line;
        if (!*line || *line == '#') continue;
        int rc = xg_text_sound_line(&map, &arena, "fuzz", lineno, line);
        if (rc != 0 && rc != XG_EPARSE) abort();
    }
    for (size_t i = 0; i < map.cap; i++) {
        if (!map.slots[i].key) continue;
        char *pattern =
            xg_arena_printf(&arena, "%.*s|%s %.*s|%s", (int)map.slots[i].keylen, map.slots[i].key,
                            (const char *)map.slots[i].value, (int)map.slots[i].keylen,
                            map.slots[i].key, (const char *)map.slots[i].value);
        double s = pattern && first ? xg_sound_sim(pattern, first) : 0.0;
        if (s != 0.0 && s != XG_SOUND_SIM) abort();
    }
    xg_strmap_free(&map);
    xg_arena_free(&arena);
    free(text);
    return 0;
}
