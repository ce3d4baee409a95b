/* Growable heap strings and arrays. Growth doubles; every append keeps the string NUL-terminated.
 */
#include "core/core.h"
#include "xgate/error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xg_buf_init(xg_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void xg_buf_free(xg_buf *b)
{
    free(b->data);
    xg_buf_init(b);
}

void xg_buf_reset(xg_buf *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

int xg_buf_reserve(xg_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return XG_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) return XG_ENOMEM;
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) return XG_ENOMEM;
    b->data = p;
    b->cap = cap;
    return XG_OK;
}

int xg_buf_append(xg_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap && xg_buf_reserve(b, n)) return XG_ENOMEM;
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return XG_OK;
}

int xg_buf_puts(xg_buf *b, const char *s)
{
    return xg_buf_append(b, s, strlen(s));
}

int xg_buf_putc(xg_buf *b, char c)
{
    if (b->len + 2 > b->cap && xg_buf_reserve(b, 1)) return XG_ENOMEM;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return XG_OK;
}

int xg_buf_printf(xg_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || xg_buf_reserve(b, (size_t)n)) {
        va_end(ap2);
        return XG_ENOMEM;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
    return XG_OK;
}

char *xg_buf_steal(xg_buf *b)
{
    char *p = b->data;
    if (!p) p = calloc(1, 1);
    xg_buf_init(b);
    return p;
}

void xg_vec_init(xg_vec *v, size_t elem_size)
{
    v->data = NULL;
    v->len = v->cap = 0;
    v->elem = elem_size;
}

void xg_vec_free(xg_vec *v)
{
    free(v->data);
    v->data = NULL;
    v->len = v->cap = 0;
}

void *xg_vec_push(xg_vec *v, const void *elem)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        void *p = realloc(v->data, cap * v->elem);
        if (!p) return NULL;
        v->data = p;
        v->cap = cap;
    }
    void *slot = (char *)v->data + v->len * v->elem;
    if (elem)
        memcpy(slot, elem, v->elem);
    else
        memset(slot, 0, v->elem);
    v->len++;
    return slot;
}

static inline int json_put(xg_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap && xg_buf_reserve(b, n) != 0) return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

int xg_buf_json_string(xg_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    bool high = false;
    if (json_put(b, "\"", 1) != 0) return -1;
    for (size_t i = 0;;) {
        size_t run = xg_json_plain_run(s + i, n - i, &high);
        if (json_put(b, s + i, run) != 0) return -1;
        i += run;
        if (i >= n) break;
        unsigned char c = (unsigned char)s[i++];
        /* \b \t \n \f \r by their letter; every other control character as \u00XX */
        static const char short_esc[32] = {
            ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r'};
        char esc[6] = {'\\', (char)c};
        size_t k = 2;
        if (c < 0x20 && short_esc[c]) {
            esc[1] = short_esc[c];
        } else if (c < 0x20) {
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            k = 6;
        }
        if (json_put(b, esc, k) != 0) return -1;
    }
    /* jansson refuses to encode a string that is not UTF-8 (only a _nocheck one can be) */
    if (high && !xg_utf8_valid(s, n)) return -2;
    return json_put(b, "\"", 1) != 0 ? -1 : 0;
}

/* A real that is a whole number of thousandths below 1e9 in magnitude (every score and weight of a
 * screening answer is rounded so): its %.12g form is its decimal digits, because the double
 * nearest to a decimal of at most 12 significant digits prints back as that decimal at precision
 * 12 (< 15, DBL_DIG). Written by hand, exactly as the snprintf path below writes it, for snprintf
 * was the most expensive part of encoding a screening answer (BENCHMARKS.md, HTTP section).
 * 1 when written, 0 when v is not such a number, -1 out of memory. */
static int json_thousandths(xg_buf *b, double v)
{
    if (!(v > -1e9 && v < 1e9) || v == 0) return 0; /* zero: leave -0.0 and 0.0 to snprintf */
    double scaled = v * 1000.0;
    long long k = (long long)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
    if ((double)k / 1000.0 != v) return 0;
    char num[32], *end = num + sizeof num, *p = end;
    unsigned long long u = k < 0 ? 0ull - (unsigned long long)k : (unsigned long long)k;
    unsigned frac = (unsigned)(u % 1000);
    u /= 1000;
    if (frac == 0) {
        *--p = '0';
    } else {
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++, frac /= 10)
            *--p = (char)('0' + frac % 10);
    }
    *--p = '.';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (k < 0) *--p = '-';
    return json_put(b, p, (size_t)(end - p)) == 0 ? 1 : -1;
}

int xg_buf_json_real(xg_buf *b, double v, int precision, size_t width)
{
    if (precision == 12 && width >= 25) { /* the thousandths' form is at most 14 bytes */
        int fast = json_thousandths(b, v);
        if (fast) return fast < 0 ? -1 : 0;
    }
    char num[64];
    if (width > sizeof num) width = sizeof num;
    int n = snprintf(num, width, "%.*g", precision, v);
    if (n < 0 || (size_t)n >= width) return -2;
    for (int i = 0; i < n; i++)
        if (num[i] == ',') num[i] = '.'; /* a locale's decimal comma, as jansson's from_locale */
    if (!strchr(num, '.') && !strchr(num, 'e')) {
        if ((size_t)n + 3 >= width) return -2;
        memcpy(num + n, ".0", 3);
        n += 2;
    }
    char *e = strchr(num, 'e');
    if (e) { /* 1e+20 -> 1e20, 1e-05 -> 1e-5 */
        char *start = e + 1, *end = start + 1;
        if (*start == '-') start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, (size_t)(num + n - end) + 1);
            n -= (int)(end - start);
        }
    }
    return json_put(b, num, (size_t)n);
}

int xg_buf_json_int(xg_buf *b, long long v)
{
    char d[24];
    size_t i = sizeof d;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        d[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) d[--i] = '-';
    return json_put(b, d + i, sizeof d - i);
}
