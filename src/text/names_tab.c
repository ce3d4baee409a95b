/* The name tables (load_names.c: xg_terms.tsv, org_types.yml, symbols.yml, stopwords.yml) as a
 * finished table kept in the cache directory (issue 12). Building them parses 220 kB of YAML and
 * folds and tokenises every phrase (xg_text_phrase_key): about 120M instructions, most of a warm
 * `xgate screen`. A cold load builds them as before and then writes what they made: every entry
 * of the phrase map (its folded key and either the prefix marker or the phrase's kind, symbol and
 * short_edge), the symbol kinds, the person prefixes and max_phrase. A warm load (xg_cache_get
 * checks magic, key and checksum) checks every record's bounds first and only then inserts the
 * entries, copied once into the context arena: no YAML, no folding. The key hashes the binary and
 * the running ICU's version (xg_text_analyser_id: phrases with letters latin_ascii.tsv lacks go
 * through ICU's transliterators) and the content of the four files and of latin_ascii.tsv (phrase
 * keys fold through it), so any change to them builds again. */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "xgate/error.h"

#define NAMES_MAGIC "XGNAMT01"
#define NAMES_VERSION 1u
#define NO_SYMBOL UINT32_MAX

static const char *const sources[] = {"names/xg_terms.tsv", "names/org_types.yml",
                                      "names/symbols.yml", "names/stopwords.yml",
                                      "text/latin_ascii.tsv"};

int xg_names_tab_key(const char *dir, XXH128_hash_t *key)
{
    XXH3_state_t *st = XXH3_createState();
    if (!st) return -1;
    uint8_t id[16];
    xg_text_analyser_id(id);
    XXH3_128bits_reset(st);
    XXH3_128bits_update(st, NAMES_MAGIC, 8);
    XXH3_128bits_update(st, id, sizeof id);
    int rc = 0;
    for (size_t f = 0; f < sizeof sources / sizeof *sources && rc == 0; f++) {
        char path[4096], *text;
        size_t len;
        snprintf(path, sizeof path, "%s/%s", dir, sources[f]);
        rc = xg_file_read(&text, &len, path, 64u << 20);
        if (rc) break; /* the build reports it */
        uint64_t n = len;
        XXH3_128bits_update(st, &n, sizeof n);
        XXH3_128bits_update(st, text, len);
        free(text);
    }
    if (rc == 0) *key = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    if (rc) xg_error_clear();
    return rc ? -1 : 0;
}

/* ---- writing (after a build) ---- */

static int put_u32(xg_buf *b, uint32_t v)
{
    return xg_buf_append(b, (const char *)&v, sizeof v);
}

static int put_str(xg_buf *b, const char *s, size_t n)
{
    return put_u32(b, (uint32_t)n) || xg_buf_append(b, s, n) || xg_buf_putc(b, '\0');
}

void xg_names_tab_write(const xg_text_ctx *ctx, const char *file, XXH128_hash_t key)
{
    xg_buf b;
    xg_buf_init(&b);
    int bad = put_u32(&b, NAMES_VERSION) || put_u32(&b, (uint32_t)ctx->max_phrase) ||
              put_u32(&b, (uint32_t)ctx->phrases.len) ||
              put_u32(&b, (uint32_t)ctx->symbol_kind.len) ||
              put_u32(&b, (uint32_t)ctx->person_prefix.len);
    for (size_t i = 0; i < ctx->phrases.cap && !bad; i++) {
        const xg_strmap_slot *sl = &ctx->phrases.slots[i];
        if (!sl->key) continue;
        const xg_phrase *ph = sl->value;
        bad = put_str(&b, sl->key, sl->keylen) ||
              xg_buf_putc(&b, sl->value == &xg_phrase_prefix_marker ? 0 : 1);
        if (bad || sl->value == &xg_phrase_prefix_marker) continue;
        bad = xg_buf_putc(&b, (char)ph->kind) || xg_buf_putc(&b, (char)ph->short_edge) ||
              (ph->symbol ? put_str(&b, ph->symbol, strlen(ph->symbol)) : put_u32(&b, NO_SYMBOL));
    }
    for (size_t i = 0; i < ctx->symbol_kind.cap && !bad; i++) {
        const xg_strmap_slot *sl = &ctx->symbol_kind.slots[i];
        if (sl->key)
            bad = put_str(&b, sl->key, sl->keylen) ||
                  xg_buf_putc(&b, (char)*(const xg_token_kind *)sl->value);
    }
    for (size_t i = 0; i < ctx->person_prefix.cap && !bad; i++) {
        const xg_strmap_slot *sl = &ctx->person_prefix.slots[i];
        if (sl->key) bad = put_str(&b, sl->key, sl->keylen);
    }
    if (!bad) {
        xg_cache_put(file, NAMES_MAGIC, key, b.data, b.len);
        xg_cache_prune(file, "names", "tab");
    }
    xg_buf_free(&b);
}

/* ---- reading (the warm load) ---- */

typedef struct reader {
    const char *p, *end;
    bool ok;
} reader;

static uint32_t get_u32(reader *r)
{
    uint32_t v = 0;
    if (r->ok && (size_t)(r->end - r->p) >= sizeof v)
        memcpy(&v, r->p, sizeof v), r->p += sizeof v;
    else
        r->ok = false;
    return v;
}

static unsigned char get_u8(reader *r)
{
    if (r->ok && r->p < r->end) return (unsigned char)*r->p++;
    r->ok = false;
    return 0;
}

/* A NUL-terminated string of the table (NULL and !r->ok when out of bounds). */
static const char *get_str(reader *r, uint32_t n)
{
    if (!r->ok || (size_t)(r->end - r->p) <= n || r->p[n] != '\0' || memchr(r->p, '\0', n)) {
        r->ok = false;
        return NULL;
    }
    const char *s = r->p;
    r->p += n + 1;
    return s;
}

/* Walk the table; with ctx NULL only check it, else insert every entry (0, or -1 when a key was
 * already there: a damaged table). */
static int walk(xg_text_ctx *ctx, const char *p, size_t len)
{
    reader r = {p, p + len, true};
    uint32_t version = get_u32(&r), max_phrase = get_u32(&r), nph = get_u32(&r), nsym = get_u32(&r),
             npre = get_u32(&r);
    if (version != NAMES_VERSION) return -1;
    for (uint32_t i = 0; i < nph && r.ok; i++) {
        uint32_t n = get_u32(&r);
        const char *key = get_str(&r, n);
        unsigned type = get_u8(&r);
        void *value = &xg_phrase_prefix_marker;
        if (type == 1) {
            unsigned kind = get_u8(&r), edge = get_u8(&r);
            uint32_t sn = get_u32(&r);
            const char *sym = sn == NO_SYMBOL ? NULL : get_str(&r, sn);
            r.ok = r.ok && kind <= XG_TOK_STOP && edge <= 1;
            if (r.ok && ctx) {
                xg_phrase *ph = xg_arena_alloc(&ctx->arena, sizeof *ph);
                if (!ph) return -1;
                ph->kind = (xg_token_kind)kind;
                ph->short_edge = (unsigned char)edge;
                ph->symbol = sym;
                value = ph;
            }
        } else if (type != 0)
            r.ok = false;
        if (r.ok && ctx && xg_strmap_put(&ctx->phrases, key, n, value) != value) return -1;
    }
    for (uint32_t i = 0; i < nsym && r.ok; i++) {
        uint32_t n = get_u32(&r);
        const char *key = get_str(&r, n);
        unsigned kind = get_u8(&r);
        r.ok = r.ok && kind <= XG_TOK_STOP;
        if (r.ok && ctx) {
            xg_token_kind *k = xg_arena_alloc(&ctx->arena, sizeof *k);
            if (!k) return -1;
            *k = (xg_token_kind)kind;
            if (xg_strmap_put(&ctx->symbol_kind, key, n, k) != k) return -1;
        }
    }
    for (uint32_t i = 0; i < npre && r.ok; i++) {
        uint32_t n = get_u32(&r);
        const char *key = get_str(&r, n);
        if (r.ok && ctx && xg_strmap_put(&ctx->person_prefix, key, n, (void *)key) != key)
            return -1;
    }
    if (!r.ok || r.p != r.end) return -1;
    if (ctx) ctx->max_phrase = max_phrase;
    return 0;
}

static void reset(xg_text_ctx *ctx)
{
    xg_strmap_free(&ctx->phrases);
    xg_strmap_free(&ctx->symbol_kind);
    xg_strmap_free(&ctx->person_prefix);
    xg_strmap_init(&ctx->phrases);
    xg_strmap_init(&ctx->symbol_kind);
    xg_strmap_init(&ctx->person_prefix);
    ctx->max_phrase = 0;
}

int xg_names_tab_open(xg_text_ctx *ctx, const char *file, XXH128_hash_t key)
{
    size_t len;
    char *data = xg_cache_get(file, NAMES_MAGIC, key, &len);
    if (!data) return -1;
    char *copy = walk(NULL, data, len) == 0 ? xg_arena_alloc(&ctx->arena, len ? len : 1) : NULL;
    if (copy) memcpy(copy, data, len);
    free(data);
    if (!copy) return -1;
    if (walk(ctx, copy, len) != 0) {
        reset(ctx); /* a key twice: not ours; the maps were empty before */
        return -1;
    }
    return 0;
}
