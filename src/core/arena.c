/* Arena allocator: many small allocations, one free. Blocks are chained; a request larger than the
 * block size gets a block of its own so nothing is ever wasted on a huge field. */
#include "core/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xg_arena_block {
    xg_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void xg_arena_init(xg_arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
    a->used_total = 0;
}

void xg_arena_free(xg_arena *a)
{
    xg_arena_block *b = a->head;
    while (b) {
        xg_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

#define ARENA_RESET_MAX (4u << 20)

void xg_arena_reset(xg_arena *a)
{
    xg_arena_block *b = a->head;
    a->used_total = 0;
    if (!b) return;
    if (!b->next) {
        b->used = 0;
        return;
    }
    size_t total = 0;
    for (; b; b = b->next)
        total += b->size;
    xg_arena_free(a);
    /* the next round fits in one block (a huge one-off request is not kept) */
    if (total > a->block_size) a->block_size = total < ARENA_RESET_MAX ? total : ARENA_RESET_MAX;
}

/* n bytes (rounded up to 16) from the head block or a new one, not zeroed. */
static inline void *arena_take(xg_arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) return NULL;
    xg_arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = need > a->block_size ? need : a->block_size;
        b = malloc(sizeof *b + size);
        if (!b) return NULL;
        b->size = size;
        b->used = 0;
        if (a->head && need > a->block_size) {
            /* keep the partly used head block current for small requests */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used_total += need;
    return p;
}

void *xg_arena_alloc_uninit(xg_arena *a, size_t n)
{
    return arena_take(a, n);
}

void *xg_arena_alloc(xg_arena *a, size_t n)
{
    void *p = arena_take(a, n);
    if (p) memset(p, 0, n);
    return p;
}

char *xg_arena_strndup(xg_arena *a, const char *s, size_t n)
{
    char *p = xg_arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xg_arena_strdup(xg_arena *a, const char *s)
{
    return s ? xg_arena_strndup(a, s, strlen(s)) : NULL;
}

char *xg_arena_printf(xg_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = n >= 0 ? xg_arena_alloc(a, (size_t)n + 1) : NULL;
    if (p) vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}
