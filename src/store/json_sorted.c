/*
 * json_sorted.c — json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) written by hand (json_sorted.h).
 *
 * Follows jansson 2.14's dump.c for those flags: compact separators, an object's keys sorted by
 * compare_keys (memcmp over the shorter length, then the shorter first), strings through
 * dump_string without JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH, integers as JSON_INTEGER_FORMAT and
 * reals through jsonp_dtostr at precision 17. Where jansson could fail (a string that is not
 * UTF-8, a real that does not fit its 25-byte buffer, deep nesting or a cycle) the whole value is
 * handed to json_dumps, so the answer, NULL included, is always jansson's.
 * tests/unit/store/test_json_sorted.c compares the bytes with jansson's on many values.
 */
#include "store/json_sorted.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/core.h"

/* Below jansson's own limit (2048): anything deeper goes to json_dumps, which decides. */
#define SORTED_MAX_DEPTH 512
/* jansson 2.14's MAX_REAL_STR_LENGTH: a real whose text does not fit fails there. */
#define REAL_BUF 25

enum { ENC_OK = 0, ENC_NOMEM = -1, ENC_FALLBACK = -2 };

static inline int put(xg_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap && xg_buf_reserve(b, n) != 0) return ENC_NOMEM;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return ENC_OK;
}

static inline int put_c(xg_buf *b, char c)
{
    if (b->len + 2 > b->cap && xg_buf_reserve(b, 1) != 0) return ENC_NOMEM;
    b->data[b->len++] = c;
    return ENC_OK;
}

/* dump_string (xg_buf_json_string); a string that is not UTF-8 goes to jansson. */
static int put_string(xg_buf *b, const char *s, size_t n)
{
    int rc = xg_buf_json_string(b, s, n);
    return rc == -2 ? ENC_FALLBACK : rc ? ENC_NOMEM : ENC_OK;
}

static int put_integer(xg_buf *b, json_int_t v)
{
    char num[24], *end = num + sizeof num, *p = end;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) *--p = '-';
    return put(b, p, (size_t)(end - p));
}

/* jsonp_dtostr(buffer, 25, v, 17) */
static int put_real(xg_buf *b, double v)
{
    int rc = xg_buf_json_real(b, v, 17, REAL_BUF);
    return rc == -2 ? ENC_FALLBACK : rc ? ENC_NOMEM : ENC_OK;
}

typedef struct sorted_key {
    const char *key;
    size_t len;
    const json_t *value;
} sorted_key;

/* jansson's compare_keys */
static int key_cmp(const sorted_key *a, const sorted_key *b)
{
    size_t min = a->len < b->len ? a->len : b->len;
    int r = memcmp(a->key, b->key, min);
    if (r) return r;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int key_cmp_q(const void *a, const void *b)
{
    return key_cmp(a, b);
}

static void keys_sort(sorted_key *k, size_t n)
{
    if (n > 16) {
        qsort(k, n, sizeof *k, key_cmp_q);
        return;
    }
    for (size_t i = 1; i < n; i++) { /* insertion sort: most objects have a handful of keys */
        sorted_key x = k[i];
        size_t j = i;
        for (; j > 0 && key_cmp(&k[j - 1], &x) > 0; j--)
            k[j] = k[j - 1];
        k[j] = x;
    }
}

static int encode(xg_buf *b, const json_t *j, int depth);

static int encode_object(xg_buf *b, const json_t *j, int depth)
{
    size_t n = json_object_size(j);
    if (n == 0) return put(b, "{}", 2);
    sorted_key local[32], *keys = n <= 32 ? local : malloc(n * sizeof *keys);
    if (!keys) return ENC_NOMEM;
    size_t i = 0;
    for (void *it = json_object_iter((json_t *)j); it && i < n;
         it = json_object_iter_next((json_t *)j, it), i++) {
        keys[i].key = json_object_iter_key(it);
        keys[i].len = json_object_iter_key_len(it);
        keys[i].value = json_object_iter_value(it);
    }
    int rc = i == n ? ENC_OK : ENC_FALLBACK;
    if (!rc) {
        keys_sort(keys, n);
        rc = put_c(b, '{');
    }
    for (i = 0; i < n && !rc; i++) {
        if (i) rc = put_c(b, ',');
        if (!rc) rc = put_string(b, keys[i].key, keys[i].len);
        if (!rc) rc = put_c(b, ':');
        if (!rc) rc = encode(b, keys[i].value, depth + 1);
    }
    if (!rc) rc = put_c(b, '}');
    if (keys != local) free(keys);
    return rc;
}

static int encode(xg_buf *b, const json_t *j, int depth)
{
    if (depth > SORTED_MAX_DEPTH) return ENC_FALLBACK;
    switch (json_typeof(j)) {
    case JSON_NULL:
        return put(b, "null", 4);
    case JSON_TRUE:
        return put(b, "true", 4);
    case JSON_FALSE:
        return put(b, "false", 5);
    case JSON_INTEGER:
        return put_integer(b, json_integer_value(j));
    case JSON_REAL:
        return put_real(b, json_real_value(j));
    case JSON_STRING:
        return put_string(b, json_string_value(j), json_string_length(j));
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        int rc = put_c(b, '[');
        for (size_t i = 0; i < n && !rc; i++) {
            if (i) rc = put_c(b, ',');
            if (!rc) rc = encode(b, json_array_get(j, i), depth + 1);
        }
        return rc ? rc : put_c(b, ']');
    }
    case JSON_OBJECT:
        return encode_object(b, j, depth);
    }
    return ENC_FALLBACK;
}

int store_json_sorted_append(xg_buf *b, const json_t *j, int depth)
{
    int rc = encode(b, j, depth);
    return rc == ENC_OK ? 0 : rc == ENC_FALLBACK ? 1 : -1;
}

char *store_json_sorted(const json_t *j)
{
    if (!json_is_object(j) && !json_is_array(j))
        return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    xg_buf b;
    xg_buf_init(&b);
    /* a decision's response is ~3 KB: one allocation of 4 KB, not 2 KB and a realloc */
    if (xg_buf_reserve(&b, 4095) != 0) return NULL;
    int rc = encode(&b, j, 0);
    if (rc == ENC_OK) {
        b.data[b.len] = '\0';
        return b.data;
    }
    xg_buf_free(&b);
    return rc == ENC_FALLBACK ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
}
