/* ICU transliteration with one set of transliterators per thread. Opening a UTransliterator
 * compiles its rules (milliseconds for Any-Latin), so each thread opens the ones it uses once and
 * keeps them until it exits; the shared xg_text_ctx stays read-only. Cyrillic goes through the
 * BGN/PCGN romanisation first (ромашка → romashka, Дмитрий → dmitriy), which is how Russian names
 * are written in English-language lists, rather than ICU's scholarly default (romaška). */
#include "text/text_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>
#include <xxhash.h>

#include "xgate/error.h"

static const char *const transform_ids[XG_TR_COUNT] = {
    [XG_TR_HANT_HANS] = "Hant-Hans", [XG_TR_RUSSIAN_LATIN] = "Russian-Latin/BGN",
    [XG_TR_ANY_LATIN] = "Any-Latin", [XG_TR_LATIN_ASCII] = "Latin-ASCII",
    [XG_TR_HAN_LATIN] = "Han-Latin",
};

static _Thread_local UTransliterator *thread_tr[XG_TR_COUNT];

/* Tests set this to compare the Hant-Hans table with ICU itself. */
bool xg_translit_hans_off;
static pthread_key_t cleanup_key;
static pthread_once_t cleanup_once = PTHREAD_ONCE_INIT;

static void close_thread_transliterators(void *unused)
{
    (void)unused;
    for (int i = 0; i < XG_TR_COUNT; i++) {
        if (thread_tr[i]) utrans_close(thread_tr[i]);
        thread_tr[i] = NULL;
    }
}

static void make_cleanup_key(void)
{
    pthread_key_create(&cleanup_key, close_thread_transliterators);
}

static UTransliterator *thread_transliterator(int which)
{
    if (thread_tr[which]) return thread_tr[which];
    UErrorCode st = U_ZERO_ERROR;
    UChar id[64];
    u_uastrcpy(id, transform_ids[which]);
    UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) return NULL;
    pthread_once(&cleanup_once, make_cleanup_key);
    pthread_setspecific(cleanup_key, (void *)1); /* any non-NULL value arms the destructor */
    return thread_tr[which] = t;
}

static int to_utf8(char **out, const UChar *u, int32_t ulen)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = 0;
    u_strToUTF8(NULL, 0, &need, u, ulen, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return XG_EUTF8;
    char *s = malloc((size_t)need + 1);
    if (!s) return XG_ENOMEM;
    st = U_ZERO_ERROR;
    u_strToUTF8(s, need + 1, NULL, u, ulen, &st);
    if (U_FAILURE(st)) return free(s), XG_EUTF8;
    s[need] = '\0';
    *out = s;
    return 0;
}

/* Transliterate into a UTF-16 buffer of `cap` units; XG_ETOOBIG when it did not fit. */
static int run_transform(UTransliterator *t, UChar *buf, int32_t cap, const char *s, size_t n,
                         int32_t *len)
{
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(buf, cap, len, s, (int32_t)n, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR || st == U_STRING_NOT_TERMINATED_WARNING) return XG_ETOOBIG;
    if (U_FAILURE(st)) return XG_EUTF8;
    int32_t limit = *len;
    st = U_ZERO_ERROR;
    utrans_transUChars(t, buf, len, cap, 0, &limit, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) return XG_ETOOBIG;
    return U_FAILURE(st) ? XG_EINTERNAL : 0;
}

/* ---- Hant-Hans from a table (issue 12) ----
 * Opening any ICU transliterator first builds ICU's registry of them (~140M instructions, most
 * of a Chinese query's start-up), and every Chinese name goes through Hant-Hans. ICU's Hant-Hans
 * is a rule set of plain string rules ("\u5D11\u5D19 > \u6606\u4ED1;"), no context, filter or
 * other transform, so it is kept here as a table in the cache directory (keyed by ICU's version
 * and the binary) and applied as ICU applies it: at each position the first rule, in ICU's
 * order, whose source matches, else the character itself. The table is made from the rules ICU
 * gives back (utrans_toRules), only when every rule has that form and the table reproduces ICU
 * on every rule's source; else, or without a cache directory, ICU does the work as before. */

#define HANS_MAGIC "XGHANS01"

typedef struct hans_rule {
    uint32_t from, from_len, to, to_len; /* offsets and lengths in UTF-16 units into the pool */
} hans_rule;

static struct {
    char *data;             /* heap: the cache file's payload */
    const hans_rule *rules; /* sorted by first unit, ICU's order within one */
    uint32_t nrules;
    const UChar *pool;
    uint32_t pool_len;
} hans;
static pthread_mutex_t hans_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int hans_loaded;

/* "\uXXXX" at s: the unit, or -1. */
static int32_t escaped_unit(const UChar *s, const UChar *end)
{
    if (end - s < 6 || s[0] != '\\' || s[1] != 'u') return -1;
    int32_t v = 0;
    for (int i = 2; i < 6; i++) {
        UChar c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

typedef struct rule_order {
    UChar first;
    uint32_t at;
} rule_order;

static int cmp_rule_order(const void *a, const void *b)
{
    const rule_order *x = a, *y = b;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Rules sorted by first unit, keeping ICU's order among those of one first unit. */
static int sort_rules(hans_rule *r, uint32_t n, const UChar *pool)
{
    rule_order *o = malloc((size_t)n * sizeof *o);
    hans_rule *copy = malloc((size_t)n * sizeof *copy);
    if (!o || !copy) return free(o), free(copy), -1;
    for (uint32_t i = 0; i < n; i++)
        o[i] = (rule_order){.first = pool[r[i].from], .at = i};
    qsort(o, n, sizeof *o, cmp_rule_order);
    memcpy(copy, r, (size_t)n * sizeof *copy);
    for (uint32_t i = 0; i < n; i++)
        r[i] = copy[o[i].at];
    free(o);
    free(copy);
    return 0;
}

/* Parse ICU's Hant-Hans rules into a payload: u32 nrules, u32 pool_len, rules, pool. -1 when a
 * rule is not of the plain form. */
static int hans_compile(xg_buf *out, const UChar *t, int32_t n)
{
    xg_buf rules, pool;
    xg_buf_init(&rules);
    xg_buf_init(&pool);
    const UChar *p = t, *end = t + n;
    int ok = 1;
    while (ok && p < end) {
        if (*p == '\n' || *p == ' ') {
            p++;
            continue;
        }
        hans_rule r = {.from = (uint32_t)(pool.len / 2)};
        int32_t u;
        while ((u = escaped_unit(p, end)) >= 0) {
            UChar c = (UChar)u;
            ok = ok && !xg_buf_append(&pool, (const char *)&c, 2);
            r.from_len++, p += 6;
        }
        ok = ok && r.from_len && end - p >= 3 && p[0] == ' ' && p[1] == '>' && p[2] == ' ';
        p += 3;
        r.to = (uint32_t)(pool.len / 2);
        while (ok && (u = escaped_unit(p, end)) >= 0) {
            UChar c = (UChar)u;
            ok = !xg_buf_append(&pool, (const char *)&c, 2);
            r.to_len++, p += 6;
        }
        ok = ok && p < end && *p == ';';
        p++;
        ok = ok && !xg_buf_append(&rules, (const char *)&r, sizeof r);
    }
    uint32_t head[2] = {(uint32_t)(rules.len / sizeof(hans_rule)), (uint32_t)(pool.len / 2)};
    ok = ok && head[0] && !sort_rules((hans_rule *)rules.data, head[0], (const UChar *)pool.data);
    ok = ok && head[0] && !xg_buf_append(out, (const char *)head, sizeof head) &&
         !xg_buf_append(out, rules.data, rules.len) && !xg_buf_append(out, pool.data, pool.len);
    xg_buf_free(&rules);
    xg_buf_free(&pool);
    return ok ? 0 : -1;
}

/* Point `hans` at a payload (owned by it from here); -1 when its sizes do not add up. */
static int hans_use(char *data, size_t len)
{
    uint32_t head[2];
    if (len < sizeof head) return free(data), -1;
    memcpy(head, data, sizeof head);
    if (head[0] > len / sizeof(hans_rule) ||
        len != sizeof head + (size_t)head[0] * sizeof(hans_rule) + (size_t)head[1] * 2)
        return free(data), -1;
    const hans_rule *r = (const hans_rule *)(data + sizeof head);
    for (uint32_t i = 0; i < head[0]; i++)
        if (!r[i].from_len || r[i].from > head[1] || r[i].from_len > head[1] - r[i].from ||
            r[i].to > head[1] || r[i].to_len > head[1] - r[i].to)
            return free(data), -1;
    hans.data = data;
    hans.rules = r;
    hans.nrules = head[0];
    hans.pool = (const UChar *)(r + head[0]);
    hans.pool_len = head[1];
    return 0;
}

/* Hant-Hans of u[0..n) by the table, appended to out (UTF-16). */
static int hans_apply(xg_buf *out, const UChar *u, int32_t n)
{
    for (int32_t i = 0; i < n;) {
        uint32_t lo = 0, hi = hans.nrules; /* first rule whose first unit is >= u[i] */
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (hans.pool[hans.rules[mid].from] < u[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        int done = 0;
        for (uint32_t k = lo; k < hans.nrules && hans.pool[hans.rules[k].from] == u[i]; k++) {
            const hans_rule *r = &hans.rules[k];
            if (r->from_len > (uint32_t)(n - i) ||
                memcmp(hans.pool + r->from, u + i, r->from_len * sizeof(UChar)))
                continue;
            if (xg_buf_append(out, (const char *)(hans.pool + r->to), r->to_len * sizeof(UChar)))
                return XG_ENOMEM;
            i += (int32_t)r->from_len;
            done = 1;
            break;
        }
        if (!done && xg_buf_append(out, (const char *)(u + i++), sizeof(UChar))) return XG_ENOMEM;
    }
    return 0;
}

static int icu_run(UTransliterator *t, const UChar *in, int32_t n, UChar *buf, int32_t cap,
                   int32_t *len)
{
    UErrorCode st = U_ZERO_ERROR;
    memcpy(buf, in, (size_t)n * sizeof(UChar));
    *len = n;
    int32_t limit = n;
    utrans_transUChars(t, buf, len, cap, 0, &limit, &st);
    return U_FAILURE(st) ? -1 : 0;
}

/* Whether the table gives ICU's output on every rule's source, alone and between two other
 * characters. */
static int hans_verify(UTransliterator *t)
{
    UChar in[80], buf[400];
    int ok = 1;
    xg_buf mine;
    xg_buf_init(&mine);
    for (uint32_t k = 0; ok && k < hans.nrules; k++) {
        const hans_rule *r = &hans.rules[k];
        ok = r->from_len <= 60;
        for (int framed = 0; ok && framed < 2; framed++) {
            int32_t n = 0;
            if (framed) in[n++] = 0x4E2D; /* 中 */
            memcpy(in + n, hans.pool + r->from, r->from_len * sizeof(UChar));
            n += (int32_t)r->from_len;
            if (framed) in[n++] = 'x';
            int32_t len;
            mine.len = 0;
            ok = !icu_run(t, in, n, buf, 400, &len) && !hans_apply(&mine, in, n) &&
                 mine.len == (size_t)len * sizeof(UChar) && !memcmp(mine.data, buf, mine.len);
        }
    }
    xg_buf_free(&mine);
    return ok;
}

static uint8_t analyser_id[16];
static pthread_once_t analyser_once = PTHREAD_ONCE_INIT;

static void analyser_compute(void)
{
    struct {
        uint8_t build[16];
        UVersionInfo icu;
    } in;
    memset(&in, 0, sizeof in);
    xg_build_id(in.build);
    u_getVersion(in.icu);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(&in, sizeof in));
    memcpy(analyser_id, c.digest, 16);
}

void xg_text_analyser_id(uint8_t id[16])
{
    pthread_once(&analyser_once, analyser_compute);
    memcpy(id, analyser_id, 16);
}

static void hans_load(void)
{
    uint8_t id[16];
    xg_text_analyser_id(id);
    XXH3_state_t *st = XXH3_createState();
    if (!st) return;
    XXH3_128bits_reset(st);
    XXH3_128bits_update(st, HANS_MAGIC, 8);
    XXH3_128bits_update(st, id, sizeof id);
    XXH128_hash_t key = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    char file[4200];
    if (xg_cache_path(file, sizeof file, "hanthans", "tab", key)) return;
    size_t len;
    char *data = xg_cache_get(file, HANS_MAGIC, key, &len);
    if (data && hans_use(data, len) == 0) return;
    /* cold: from ICU's rules, checked against ICU */
    UErrorCode err = U_ZERO_ERROR;
    UChar idu[16];
    u_uastrcpy(idu, transform_ids[XG_TR_HANT_HANS]);
    UTransliterator *t = utrans_openU(idu, -1, UTRANS_FORWARD, NULL, 0, NULL, &err);
    if (U_FAILURE(err)) return;
    int32_t need = utrans_toRules(t, 1, NULL, 0, &err);
    err = U_ZERO_ERROR;
    UChar *text = need > 0 ? malloc(((size_t)need + 1) * sizeof *text) : NULL;
    xg_buf out;
    xg_buf_init(&out);
    if (text && utrans_toRules(t, 1, text, need + 1, &err) == need && !U_FAILURE(err) &&
        hans_compile(&out, text, need) == 0) {
        size_t n = out.len;
        char *copy = malloc(n ? n : 1);
        if (copy) memcpy(copy, out.data, n);
        if (copy && hans_use(copy, n) == 0) {
            if (hans_verify(t)) {
                xg_cache_put(file, HANS_MAGIC, key, out.data, out.len);
                xg_cache_prune(file, "hanthans", "tab");
            } else
                free(hans.data), memset(&hans, 0, sizeof hans);
        }
    }
    xg_buf_free(&out);
    free(text);
    utrans_close(t);
}

void xg_translit_hans_reset(void)
{
    pthread_mutex_lock(&hans_lock);
    free(hans.data);
    memset(&hans, 0, sizeof hans);
    atomic_store_explicit(&hans_loaded, 0, memory_order_release);
    pthread_mutex_unlock(&hans_lock);
}

bool xg_translit_hans_table(void)
{
    return atomic_load_explicit(&hans_loaded, memory_order_acquire) && hans.rules;
}

/* Hant-Hans by the table into *out (heap UTF-8); 1 when there is no table (ask ICU). */
static int hans_translit(char **out, const char *s, size_t n)
{
    if (!atomic_load_explicit(&hans_loaded, memory_order_acquire)) {
        pthread_mutex_lock(&hans_lock);
        if (!atomic_load_explicit(&hans_loaded, memory_order_relaxed)) hans_load();
        atomic_store_explicit(&hans_loaded, 1, memory_order_release);
        pthread_mutex_unlock(&hans_lock);
    }
    if (!hans.rules) return 1;
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8(NULL, 0, &ulen, s, (int32_t)n, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return XG_EUTF8;
    UChar *u = malloc(((size_t)ulen + 1) * sizeof *u);
    if (!u) return XG_ENOMEM;
    st = U_ZERO_ERROR;
    u_strFromUTF8(u, ulen + 1, NULL, s, (int32_t)n, &st);
    xg_buf res;
    xg_buf_init(&res);
    int rc = U_FAILURE(st) ? XG_EUTF8 : hans_apply(&res, u, ulen);
    if (rc == 0) rc = to_utf8(out, (const UChar *)res.data, (int32_t)(res.len / sizeof(UChar)));
    xg_buf_free(&res);
    free(u);
    return rc;
}

int xg_translit(char **out, int which, const char *s, size_t n)
{
    if (which == XG_TR_HANT_HANS && !xg_translit_hans_off) {
        int rc = hans_translit(out, s, n);
        if (rc == XG_ENOMEM) return xg_error_set(rc, "transliteration: out of memory");
        if (rc == XG_EUTF8) return xg_error_set(rc, "transliteration Hant-Hans failed");
        if (rc == 0) return 0;
    }
    UTransliterator *t = thread_transliterator(which);
    if (!t)
        return xg_error_set(XG_EINTERNAL, "ICU transliterator %s unavailable",
                            transform_ids[which]);
    int32_t cap = (int32_t)n * 4 + 64;
    for (int attempt = 0; attempt < 4; attempt++, cap *= 4) {
        UChar *buf = malloc((size_t)cap * sizeof *buf);
        if (!buf) return xg_error_set(XG_ENOMEM, "transliteration: out of memory");
        int32_t len = 0;
        int rc = run_transform(t, buf, cap, s, n, &len);
        if (rc == 0) rc = to_utf8(out, buf, len);
        free(buf);
        if (rc != XG_ETOOBIG) {
            if (rc) return xg_error_set(rc, "transliteration %s failed", transform_ids[which]);
            return 0;
        }
    }
    return xg_error_set(XG_ETOOBIG, "transliteration %s: output too large", transform_ids[which]);
}

int xg_text_to_simplified(char **out, struct xg_arena *arena, const char *utf8, size_t len)
{
    if (!xg_utf8_valid(utf8, len)) return xg_error_set(XG_EUTF8, "text: invalid UTF-8");
    char *heap;
    int rc = xg_translit(&heap, XG_TR_HANT_HANS, utf8, len);
    if (rc) return rc;
    *out = xg_arena_strdup(arena, heap);
    free(heap);
    return *out ? 0 : xg_error_set(XG_ENOMEM, "text: out of memory");
}
