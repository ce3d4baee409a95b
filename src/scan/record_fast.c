/*
 * record_fast.c — one JSON Lines record straight to text, without a JSON tree.
 *
 * Portal exports are JSON Lines of flat records (string, number and boolean values). Building a
 * jansson tree for each and taking it apart again was a fifth of a scan of such files, so a flat
 * record is read here in one pass and written exactly as scan_record_to_text writes the tree
 * (structure.c): first the bare keys ("=" in the key map) in the key map's order, then every key
 * in the record's order under its heading ("-" skipped), strings as they are, integers with
 * "%lld", reals with "%.15g", booleans, null and empty strings not at all.
 *
 * Exact by construction: whatever this reader is not sure to read as jansson does (a nested
 * value, a repeated key, \u0000, an unpaired surrogate, a number jansson would refuse or that
 * overflows, anything malformed) makes it decline (1), and the caller parses the line with
 * jansson as before, errors and messages included. The input must be valid UTF-8 (the scanner
 * decodes every file to UTF-8 first); fuzz/fuzz_scan_record.c compares both on every input.
 */
#include "scan/scan_internal.h"
#include "xgate/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef struct {
    size_t k, kl;  /* key: offset and length in the line or the scratch buffer */
    size_t v, vl;  /* string value: the same; numbers formatted in the scratch buffer */
    char kin, vin; /* key, value: in the line as written (no escape), not unescaped */
    char type;     /* 's' string or number (text in v), 'o' other (true, false, null) */
    int km;        /* its entry in the key map, or -1 */
} rf_field;

#define RF_MAX_FIELDS 256
#define RF_SEEN_WORDS 4 /* key map entries told apart by a bit: 256 */

/* The key map compiled: its entries in the map's order (json_object_foreach's, which
 * scan_record_to_text follows), found by an open-addressed hash of the key. */
typedef struct {
    const char *key, *head; /* the map's strings (it outlives the table) */
    size_t kl, hl;
    char kind; /* 'h' a heading, '=' bare, '-' skipped */
} rk_entry;

struct scan_keys {
    rk_entry *e;
    size_t n;
    uint32_t *slot; /* entry index + 1, 0 empty */
    size_t mask;
};

/* Eight bytes at a time, each word mixed in by a multiply; the last (partial) word read by
 * loads that stay inside the key (the last eight bytes, overlapping; two overlapping four-byte
 * loads; the first, middle and last byte), so no call to memcpy. The high half of the result
 * taken. */
static uint32_t key_hash(const char *k, size_t n)
{
    const uint64_t m = 0x9E3779B97F4A7C15u;
    uint64_t h = (uint64_t)n * m, w;
    uint32_t a, z;
    if (n > 8) {
        size_t i = 0;
        for (; n - i > 8; i += 8) {
            memcpy(&w, k + i, 8);
            h = (h ^ w) * m;
            h ^= h >> 29;
        }
        memcpy(&w, k + n - 8, 8);
    } else if (n == 8)
        memcpy(&w, k, 8);
    else if (n >= 4) {
        memcpy(&a, k, 4);
        memcpy(&z, k + n - 4, 4);
        w = ((uint64_t)z << 32) | a;
    } else if (n)
        w = ((uint64_t)(unsigned char)k[0] << 16) | ((uint64_t)(unsigned char)k[n / 2] << 8) |
            (unsigned char)k[n - 1];
    else
        w = 0;
    h = (h ^ w) * m;
    return (uint32_t)(h >> 32);
}

int scan_keys_new(scan_keys **out, const json_t *keymap)
{
    scan_keys *t = calloc(1, sizeof *t);
    size_t n = json_object_size(keymap), cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    if (t) {
        t->e = calloc(n ? n : 1, sizeof *t->e);
        t->slot = calloc(cap, sizeof *t->slot);
    }
    if (!t || !t->e || !t->slot) {
        scan_keys_free(t);
        return XG_ENOMEM;
    }
    t->mask = cap - 1;
    const char *k;
    json_t *h;
    json_object_foreach((json_t *)keymap, k, h)
    {
        rk_entry *x = &t->e[t->n];
        x->key = k;
        x->kl = strlen(k);
        x->head = json_string_value(h);
        x->hl = x->head ? strlen(x->head) : 0;
        x->kind = !x->head ? 'n' : !strcmp(x->head, "=") ? '=' : !strcmp(x->head, "-") ? '-' : 'h';
        size_t i = key_hash(k, x->kl) & t->mask;
        while (t->slot[i])
            i = (i + 1) & t->mask;
        t->slot[i] = (uint32_t)++t->n;
    }
    *out = t;
    return 0;
}

void scan_keys_free(scan_keys *t)
{
    if (!t) return;
    free(t->e);
    free(t->slot);
    free(t);
}

/* The entry of key k (n bytes, no NUL among them), or -1. */
static int key_find(const scan_keys *t, const char *k, size_t n)
{
    for (size_t i = key_hash(k, n) & t->mask; t->slot[i]; i = (i + 1) & t->mask) {
        const rk_entry *x = &t->e[t->slot[i] - 1];
        if (x->kl == n && !memcmp(x->key, k, n)) return (int)(t->slot[i] - 1);
    }
    return -1;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4) return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static int put_utf8(xg_buf *b, unsigned cp)
{
    char u[4];
    return xg_buf_append(b, u, xg_utf8_put(u, cp));
}

/* A string starting after its opening quote: one without an escape is left where it is (*in set,
 * *off from `base`), any other unescaped into b (NUL-terminated there). Returns the position
 * after the closing quote, or NULL to decline. */
static const char *read_string(const char *p, const char *end, const char *base, xg_buf *b,
                               size_t *off, size_t *len, char *in)
{
    const char *start = p;
    *off = b->len;
    *in = 0;
    while (p < end) {
        const char *q = p;
#ifdef __SSE2__
        /* sixteen bytes at a time: the first '"', '\\' or byte below 0x20 found by a mask of
         * the block (a byte v is below 0x20 when min(v, 0x1F) == v, unsigned) */
        const __m128i quote16 = _mm_set1_epi8('"'), bslash16 = _mm_set1_epi8('\\'),
                      ctl16 = _mm_set1_epi8(0x1F);
        for (; end - q >= 16; q += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
            __m128i stop =
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote16), _mm_cmpeq_epi8(v, bslash16)),
                             _mm_cmpeq_epi8(_mm_min_epu8(v, ctl16), v));
            unsigned m = (unsigned)_mm_movemask_epi8(stop);
            if (m) {
                q += __builtin_ctz(m);
                goto stopped;
            }
        }
#endif
        /* eight bytes at a time while none is '"', '\\' or below 0x20 */
        for (uint64_t w; end - q >= 8; q += 8) {
            memcpy(&w, q, 8);
            const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
            uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');
            /* a zero byte of quote or bslash, or a byte below 0x20 (bytes >= 0x80 are not) */
            uint64_t stop =
                ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | ((w - ones * 0x20) & ~w);
            if (stop & high) break;
        }
        while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
            q++;
#ifdef __SSE2__
    stopped:
#endif
        if (p == start && q < end && *q == '"') { /* no escape: not copied */
            *in = 1;
            *off = (size_t)(start - base);
            *len = (size_t)(q - start);
            return q + 1;
        }
        if (q > p && xg_buf_append(b, p, (size_t)(q - p))) return NULL;
        p = q;
        if (p >= end || (unsigned char)*p < 0x20) return NULL;
        if (*p == '"') {
            *len = b->len - *off;
            return xg_buf_putc(b, 0) ? NULL : p + 1;
        }
        /* an escape */
        if (++p >= end) return NULL;
        char c = *p++;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            if (xg_buf_putc(b, c)) return NULL;
            break;
        case 'b':
            if (xg_buf_putc(b, '\b')) return NULL;
            break;
        case 'f':
            if (xg_buf_putc(b, '\f')) return NULL;
            break;
        case 'n':
            if (xg_buf_putc(b, '\n')) return NULL;
            break;
        case 'r':
            if (xg_buf_putc(b, '\r')) return NULL;
            break;
        case 't':
            if (xg_buf_putc(b, '\t')) return NULL;
            break;
        case 'u': {
            unsigned cp;
            if (hex4(p, end, &cp)) return NULL;
            p += 4;
            if (cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return NULL;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, end, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return NULL;
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (put_utf8(b, cp)) return NULL;
            break;
        }
        default:
            return NULL;
        }
    }
    return NULL;
}

/* Past true, false or null at p; NULL when p holds none of them. */
static const char *skip_literal(const char *p, const char *end)
{
    if (end - p >= 4 && (!memcmp(p, "true", 4) || !memcmp(p, "null", 4))) return p + 4;
    if (end - p >= 5 && !memcmp(p, "false", 5)) return p + 5;
    return NULL;
}

/* A number as jansson lexes it, formatted as put_scalar formats it into b, or left in the line
 * (*in set, *off from `base`) when that is the text as written. NULL to decline. */
static const char *read_number(const char *p, const char *end, const char *base, xg_buf *b,
                               size_t *off, size_t *len, char *in)
{
    const char *s = p;
    int real = 0;
    if (p < end && *p == '-') p++;
    if (p >= end || *p < '0' || *p > '9') return NULL;
    if (*p == '0') {
        p++;
        if (p < end && *p >= '0' && *p <= '9') return NULL;
    } else
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    if (p < end && *p == '.') {
        real = 1;
        p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    *in = 0;
    size_t digits = (size_t)(p - s) - (*s == '-');
    if (!real && digits <= 18 && !(digits == 1 && *s == '-' && s[1] == '0')) {
        /* an integer of at most 18 digits (no overflow), not "-0": "%lld" of its value is the
         * text as written (no leading zero, no '+', a '-' only when negative) */
        *in = 1;
        *off = (size_t)(s - base);
        *len = (size_t)(p - s);
        return p;
    }
    char tok[64];
    if ((size_t)(p - s) >= sizeof tok) return NULL; /* long numbers: jansson decides */
    memcpy(tok, s, (size_t)(p - s));
    tok[p - s] = 0;
    char num[64];
    errno = 0;
    if (real) {
        double v = strtod(tok, NULL);
        if (errno) return NULL;
        snprintf(num, sizeof num, "%.15g", v);
    } else {
        long long v = strtoll(tok, NULL, 10);
        if (errno) return NULL;
        snprintf(num, sizeof num, "%lld", v);
    }
    *off = b->len;
    *len = strlen(num);
    return xg_buf_append(b, num, *len + 1) ? NULL : p;
}

/* "label: s" (or s alone when the label is empty), a line; nothing for an empty s (the lengths
 * are the strings': none holds a NUL) */
static void put_line(xg_buf *out, const char *label, size_t ll, const char *s, size_t sl)
{
    if (!sl) return;
    size_t need = (ll ? ll + 2 : 0) + sl + 1;
    if (out->len + need + 1 <= out->cap || !xg_buf_reserve(out, need)) {
        /* room for the line: written at once (a line, a NUL after it, as the appends leave) */
        char *o = out->data + out->len;
        if (ll) {
            memcpy(o, label, ll);
            o[ll] = ':';
            o[ll + 1] = ' ';
            o += ll + 2;
        }
        memcpy(o, s, sl);
        o[sl] = '\n';
        o[sl + 1] = 0;
        out->len += need;
        return;
    }
    if (ll) { /* no memory for it: as much of it as the appends can write */
        xg_buf_append(out, label, ll);
        xg_buf_append(out, ": ", 2);
    }
    xg_buf_append(out, s, sl);
    xg_buf_putc(out, '\n');
}

int scan_record_line_text(char **out, size_t *out_len, const char *line, size_t len,
                          const json_t *keymap)
{
    scan_keys *t;
    if (scan_keys_new(&t, keymap)) return 1;
    int rc = scan_record_keys_text(out, out_len, line, len, t);
    scan_keys_free(t);
    return rc;
}

int scan_record_keys_text(char **out, size_t *out_len, const char *line, size_t len,
                          const scan_keys *keys)
{
    const char *p = line, *end = line + len;
    while (p < end && is_ws(*p))
        p++;
    if (p >= end || *p != '{') return 1;
    p++;
    rf_field f[RF_MAX_FIELDS];
    size_t n = 0;
    /* keys and values unescaped, numbers formatted: allocated when one is (most records' strings
     * hold no escape and their integers are left in the line); a failed append declines */
    xg_buf b;
    xg_buf_init(&b);
    int ok = 0;
    for (int first = 1;; first = 0) {
        while (p < end && is_ws(*p))
            p++;
        if (p < end && *p == '}' && first) {
            p++;
            ok = 1;
            break;
        }
        if (p >= end || *p != '"' || n == RF_MAX_FIELDS) break;
        rf_field *x = &f[n];
        if (!(p = read_string(p + 1, end, line, &b, &x->k, &x->kl, &x->kin))) break;
        if (!x->kin && memchr(b.data + x->k, 0, x->kl)) break;
        while (p < end && is_ws(*p))
            p++;
        if (p >= end || *p != ':') break;
        p++;
        while (p < end && is_ws(*p))
            p++;
        if (p >= end) break;
        if (*p == '"') {
            x->type = 's';
            p = read_string(p + 1, end, line, &b, &x->v, &x->vl, &x->vin);
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            x->type = 'n';
            p = read_number(p, end, line, &b, &x->v, &x->vl, &x->vin);
        } else {
            x->type = 'o';
            x->vin = 0;
            p = skip_literal(p, end);
        }
        if (!p) break;
        n++;
        while (p < end && is_ws(*p))
            p++;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '}') {
            p++;
            ok = 1;
        }
        break;
    }
    while (ok && p < end && is_ws(*p))
        p++;
    if (!ok || p != end) {
        xg_buf_free(&b);
        return 1;
    }
#define KEY(x) ((x).kin ? line + (x).k : b.data + (x).k)
#define VAL(x) ((x).vin ? line + (x).v : b.data + (x).v)
    /* a key given twice: jansson keeps the last value at the first key's place; decline. Keys
     * of the map are told apart by their entry, the others compared */
    size_t bare[RF_MAX_FIELDS], nbare = 0;   /* the fields whose key the map writes bare */
    uint64_t seen[RF_SEEN_WORDS] = {0};      /* the map's entries met (a bit each) */
    size_t other[RF_MAX_FIELDS], nother = 0; /* the fields whose key is not in the map */
    for (size_t i = 0; i < n; i++) {
        int e = f[i].km = key_find(keys, KEY(f[i]), f[i].kl);
        int dup = 0;
        if (e >= 0 && (size_t)e < 64 * RF_SEEN_WORDS) {
            dup = (seen[e / 64] >> (e % 64)) & 1;
            seen[e / 64] |= (uint64_t)1 << (e % 64);
        } else if (e >= 0)
            for (size_t j = 0; j < i && !dup; j++) /* a map too large for the bits */
                dup = f[j].km == e;
        else {
            for (size_t j = 0; j < nother && !dup; j++)
                dup = f[other[j]].kl == f[i].kl && !memcmp(KEY(f[i]), KEY(f[other[j]]), f[i].kl);
            other[nother++] = i;
        }
        if (dup) {
            xg_buf_free(&b);
            return 1;
        }
        if (e >= 0 && keys->e[e].kind == '=') { /* kept in the map's order (insertion) */
            size_t j = nbare++;
            for (; j > 0 && f[bare[j - 1]].km > e; j--)
                bare[j] = bare[j - 1];
            bare[j] = i;
        }
    }
    xg_buf t;
    xg_buf_init(&t);
    xg_buf_reserve(&t, len + 1024);
    /* bare lines first, in the key map's order (strings only; a key is in a record once) */
    for (size_t j = 0; j < nbare; j++)
        if (f[bare[j]].type == 's') put_line(&t, NULL, 0, VAL(f[bare[j]]), f[bare[j]].vl);
    for (size_t i = 0; i < n; i++) {
        const rk_entry *x = f[i].km >= 0 ? &keys->e[f[i].km] : NULL;
        if (x && (x->kind == '-' || x->kind == '=')) continue;
        if (f[i].type == 'o') continue;
        if (x && x->head)
            put_line(&t, x->head, x->hl, VAL(f[i]), f[i].vl);
        else
            put_line(&t, KEY(f[i]), f[i].kl, VAL(f[i]), f[i].vl);
    }
#undef KEY
#undef VAL
    xg_buf_free(&b);
    if (!t.data && xg_buf_reserve(&t, 1)) return XG_ENOMEM;
    *out_len = t.len;
    *out = xg_buf_steal(&t);
    return 0;
}

/* ---- records with nested values ---- */

/* A value of a nested record, in document order: a container's members follow it, `next` is
 * the node after them all. Keys and string or number values as in rf_field. */
typedef struct {
    size_t k, kl, v, vl;
    uint32_t next; /* the node after this one and its members */
    int km;        /* the key's entry in the key map, or -1 (or no key: an array's element) */
    char kin, vin;
    char type; /* 's' string, 'n' number, 'o' true, false or null, '{' object, '[' array */
    char haskey;
} rn_node;

#define RN_MAX_DEPTH 16      /* deeper nesting declines (scan_record_to_text stops at 32) */
#define RN_MAX_MEMBERS 256   /* an object with more members declines (repeated keys: n²) */
#define RN_STACK_NODES 128   /* nodes kept on the stack before the heap */
#define RN_MAX_NODES 1000000 /* more declines */

typedef struct {
    const char *line; /* the text, the base of in-line offsets */
    const char *end;
    xg_buf b; /* unescaped strings, formatted numbers */
    rn_node *n;
    size_t len, cap;
    rn_node stk[RN_STACK_NODES];
    const scan_keys *keys;
} rn_reader;

static rn_node *rn_push(rn_reader *r)
{
    if (r->len == r->cap) {
        if (r->cap >= RN_MAX_NODES) return NULL;
        size_t cap = r->cap * 2;
        rn_node *a = malloc(cap * sizeof *a);
        if (!a) return NULL;
        memcpy(a, r->n, r->len * sizeof *a);
        if (r->n != r->stk) free(r->n);
        r->n = a;
        r->cap = cap;
    }
    rn_node *x = &r->n[r->len++];
    x->haskey = 0;
    x->km = -1;
    x->kin = x->vin = 0;
    x->k = x->kl = x->v = x->vl = 0;
    return x;
}

#define RN_KEY(r, x) ((x)->kin ? (r)->line + (x)->k : (r)->b.data + (x)->k)
#define RN_VAL(r, x) ((x)->vin ? (r)->line + (x)->v : (r)->b.data + (x)->v)

static const char *rn_value(rn_reader *r, const char *p, size_t at, int depth);

static const char *rn_ws(const char *p, const char *end)
{
    while (p < end && is_ws(*p))
        p++;
    return p;
}

/* An object's or array's members after its opening bracket (node `at`); the position after its
 * closing bracket, or NULL to decline. */
static const char *rn_container(rn_reader *r, const char *p, size_t at, int depth)
{
    const char *end = r->end;
    int obj = r->n[at].type == '{';
    size_t members[RN_MAX_MEMBERS], nm = 0;
    p = rn_ws(p, end);
    if (p < end && *p == (obj ? '}' : ']')) return p + 1;
    for (;;) {
        size_t i = r->len;
        rn_node *x = rn_push(r);
        if (!x) return NULL;
        if (obj) {
            if (p >= end || *p != '"' || nm == RN_MAX_MEMBERS) return NULL;
            size_t k, kl;
            char kin;
            if (!(p = read_string(p + 1, end, r->line, &r->b, &k, &kl, &kin))) return NULL;
            x->k = k;
            x->kl = kl;
            x->kin = kin;
            x->haskey = 1;
            if (!kin && memchr(r->b.data + k, 0, kl)) return NULL;
            x->km = key_find(r->keys, RN_KEY(r, x), kl);
            /* a key given twice: jansson keeps the last value at the first key's place */
            for (size_t j = 0; j < nm; j++) {
                const rn_node *y = &r->n[members[j]];
                if (y->km != x->km) continue;
                if (x->km >= 0 || (y->kl == kl && !memcmp(RN_KEY(r, y), RN_KEY(r, x), kl)))
                    return NULL;
            }
            members[nm++] = i;
            p = rn_ws(p, end);
            if (p >= end || *p != ':') return NULL;
            p = rn_ws(p + 1, end);
        }
        if (!(p = rn_value(r, p, i, depth))) return NULL;
        p = rn_ws(p, end);
        if (p < end && *p == ',') {
            p = rn_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == (obj ? '}' : ']')) return p + 1;
        return NULL;
    }
}

/* A value at p into node `at` (pushed, its key set); the position after it, or NULL. */
static const char *rn_value(rn_reader *r, const char *p, size_t at, int depth)
{
    const char *end = r->end;
    size_t v = 0, vl = 0;
    char vin = 0, type;
    if (p >= end) return NULL;
    if (*p == '"') {
        type = 's';
        p = read_string(p + 1, end, r->line, &r->b, &v, &vl, &vin);
    } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
        type = 'n';
        p = read_number(p, end, r->line, &r->b, &v, &vl, &vin);
    } else if (*p == '{' || *p == '[') {
        if (depth >= RN_MAX_DEPTH) return NULL;
        r->n[at].type = *p;
        p = rn_container(r, p + 1, at, depth + 1);
        if (p) r->n[at].next = (uint32_t)r->len;
        return p;
    } else {
        type = 'o';
        p = skip_literal(p, end);
    }
    rn_node *x = &r->n[at];
    x->type = type;
    x->v = v;
    x->vl = vl;
    x->vin = vin;
    x->next = (uint32_t)(at + 1);
    return p;
}

/* put_bare of structure.c: the bare ("=") string members of an object in the key map's order,
 * then those of its objects and arrays, depth first; an array's elements in turn. */
static void rn_bare(rn_reader *r, xg_buf *t, size_t at)
{
    const rn_node *c = &r->n[at];
    if (c->type != '{' && c->type != '[') return;
    if (c->type == '{') {
        size_t bare[RN_MAX_MEMBERS], nb = 0;
        for (size_t i = at + 1; i < c->next; i = r->n[i].next) {
            const rn_node *x = &r->n[i];
            if (x->km < 0 || r->keys->e[x->km].kind != '=' || x->type != 's') continue;
            size_t j = nb++;
            for (; j > 0 && r->n[bare[j - 1]].km > x->km; j--)
                bare[j] = bare[j - 1];
            bare[j] = i;
        }
        for (size_t j = 0; j < nb; j++)
            put_line(t, NULL, 0, RN_VAL(r, &r->n[bare[j]]), r->n[bare[j]].vl);
    }
    for (size_t i = at + 1; i < c->next; i = r->n[i].next)
        rn_bare(r, t, i);
}

/* put_value of structure.c: node `at` under the key of node `kn` (an array's elements under
 * the array's key), or of none (kn == SIZE_MAX). */
static void rn_put(rn_reader *r, xg_buf *t, size_t at, size_t kn)
{
    const rn_node *x = &r->n[at], *k = kn == SIZE_MAX ? NULL : &r->n[kn];
    const rk_entry *e = k && k->km >= 0 ? &r->keys->e[k->km] : NULL;
    if (e && (e->kind == '-' || e->kind == '=')) return;
    if (e && !e->head) e = NULL;
    if (x->type == '{') {
        for (size_t i = at + 1; i < x->next; i = r->n[i].next)
            rn_put(r, t, i, i);
    } else if (x->type == '[') {
        for (size_t i = at + 1; i < x->next; i = r->n[i].next)
            rn_put(r, t, i, kn);
    } else if (x->type != 'o') {
        if (e)
            put_line(t, e->head, e->hl, RN_VAL(r, x), x->vl);
        else if (k)
            put_line(t, RN_KEY(r, k), k->kl, RN_VAL(r, x), x->vl);
        else
            put_line(t, NULL, 0, RN_VAL(r, x), x->vl);
    }
}

int scan_record_nested_keys_text(char **out, size_t *out_len, const char *text, size_t len,
                                 const scan_keys *keys, size_t *used)
{
    rn_reader *r = malloc(sizeof *r);
    if (!r) return 1;
    r->line = text;
    r->end = text + len;
    xg_buf_init(&r->b);
    r->n = r->stk;
    r->len = 0;
    r->cap = RN_STACK_NODES;
    r->keys = keys;
    const char *p = rn_ws(text, r->end);
    int rc = 1;
    if (p < r->end && *p == '{') {
        rn_push(r);
        p = rn_value(r, p, 0, 0);
        if (p && !used) p = rn_ws(p, r->end);
        if (p && (used || p == r->end)) {
            xg_buf t;
            xg_buf_init(&t);
            xg_buf_reserve(&t, (size_t)(p - text) + 1024);
            rn_bare(r, &t, 0);
            rn_put(r, &t, 0, SIZE_MAX);
            if (!t.data && xg_buf_reserve(&t, 1)) {
                rc = XG_ENOMEM;
            } else {
                *out_len = t.len;
                *out = xg_buf_steal(&t);
                if (used) *used = (size_t)(p - text);
                rc = 0;
            }
        }
    }
    xg_buf_free(&r->b);
    if (r->n != r->stk) free(r->n);
    free(r);
    return rc;
}

int scan_record_nested_text(char **out, size_t *out_len, const char *line, size_t len,
                            const json_t *keymap)
{
    scan_keys *t;
    if (scan_keys_new(&t, keymap)) return 1;
    int rc = scan_record_nested_keys_text(out, out_len, line, len, t, NULL);
    scan_keys_free(t);
    return rc;
}
