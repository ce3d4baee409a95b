/* String hash map for the text context: open addressing with linear probing and xxHash keys.
 * Built once at load and then only read, so no deletion and no locking; keys are borrowed from
 * the context arena, which keeps the map to one slot array. */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

void xg_strmap_init(xg_strmap *m)
{
    m->slots = NULL;
    m->cap = m->len = 0;
}

void xg_strmap_free(xg_strmap *m)
{
    free(m->slots);
    xg_strmap_init(m);
}

static size_t slot_of(const xg_strmap_slot *slots, size_t cap, const char *key, size_t n)
{
    size_t i = (size_t)XXH3_64bits(key, n) & (cap - 1);
    while (slots[i].key && !(slots[i].keylen == n && memcmp(slots[i].key, key, n) == 0))
        i = (i + 1) & (cap - 1);
    return i;
}

void *xg_strmap_get(const xg_strmap *m, const char *key, size_t n)
{
    if (!m->cap) return NULL;
    size_t i = slot_of(m->slots, m->cap, key, n);
    return m->slots[i].key ? m->slots[i].value : NULL;
}

static int grow(xg_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    xg_strmap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (size_t j = 0; j < m->cap; j++) {
        if (!m->slots[j].key) continue;
        slots[slot_of(slots, cap, m->slots[j].key, m->slots[j].keylen)] = m->slots[j];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

void *xg_strmap_put(xg_strmap *m, const char *key, size_t n, void *value)
{
    if ((m->len + 1) * 2 > m->cap && grow(m) != 0) return NULL;
    size_t i = slot_of(m->slots, m->cap, key, n);
    if (m->slots[i].key) return m->slots[i].value;
    m->slots[i].key = key;
    m->slots[i].keylen = (uint32_t)n;
    m->slots[i].value = value;
    m->len++;
    return value;
}
