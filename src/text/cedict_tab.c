/* The compiled CC-CEDICT as a finished table kept in the cache directory and used in place
 * (issues 12 and 15). A cold load reads the dictionary as before (load_han.c) and then writes
 * every CC-CEDICT word it made, in its final state (readings of zh_char_readings.tsv applied),
 * the CEDICT pinyin of the glossary words and the Latin place words, as one position-independent
 * blob: an open-addressing hash of record numbers, fixed-size records of offsets, and the strings
 * they point at. A warm load maps the file (xg_cache_map checks magic, key and checksum), checks
 * the header's bounds and sets the glossary words' pinyin: no per-word parsing, hashing or
 * allocation. A word is turned into an xg_hanword the first time a name asks for it, once per
 * context (the pointer stays valid until the context is freed, as han.c's segments expect). */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#define NONE UINT32_MAX

typedef struct tab_head {
    uint32_t version, nslots, nrec, ngloss, npslots, max_han;
    uint64_t off_slots, off_recs, off_gloss, off_pslots, off_strings, strings_len;
} tab_head;

/* A CC-CEDICT word: offsets into the strings, each string NUL-terminated. */
typedef struct tab_rec {
    uint32_t key, pinyin, english, surname; /* surname: NONE when there is none */
    uint32_t pinyin_len, english_len, surname_len;
    uint32_t more, more_len; /* xg_hanword.more_english; NONE when there is none */
    uint8_t more_entries;
    uint16_t key_len;
    uint8_t nchars, proper;
} tab_rec;

/* A glossary word's CEDICT pinyin. */
typedef struct tab_gloss {
    uint32_t key, key_len, pinyin, pinyin_len;
} tab_gloss;

#define TAB_VERSION 2u

struct xg_cedict_tab {
    xg_cache_mapping map;
    const tab_head *head;
    const uint32_t *slots; /* record number + 1, or 0 */
    const tab_rec *recs;
    const uint32_t *pslots; /* pairs: string offset + 1 (0: empty), length */
    const char *strings;
    _Atomic(xg_hanword *) *words; /* made on first use, under lock, from arena */
    pthread_mutex_t lock;
    xg_arena arena;
};

/* ---- writing (the cold load) ---- */

static uint32_t put_str(xg_buf *s, const char *p, size_t n)
{
    uint32_t at = (uint32_t)s->len;
    if (xg_buf_append(s, p, n) || xg_buf_putc(s, '\0')) return NONE;
    return at;
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 16;
    while (c < n)
        c *= 2;
    return c;
}

static int pad8(xg_buf *b)
{
    while (b->len % 8)
        if (xg_buf_putc(b, '\0')) return -1;
    return 0;
}

void xg_cedict_tab_write(const xg_text_ctx *ctx, const char *file, const char magic[8],
                         XXH128_hash_t key)
{
    xg_buf recs, gloss, strings, out;
    xg_buf_init(&recs);
    xg_buf_init(&gloss);
    xg_buf_init(&strings);
    xg_buf_init(&out);
    uint32_t *slots = NULL, *pslots = NULL;
    int bad = 0;
    uint32_t max_han = 0;
    for (size_t i = 0; i < ctx->han.cap && !bad; i++) {
        const xg_strmap_slot *sl = &ctx->han.slots[i];
        const xg_hanword *w = sl->value;
        if (!sl->key) continue;
        if (w->glossary) {
            if (!w->pinyin) continue;
            tab_gloss g = {.key = put_str(&strings, sl->key, sl->keylen),
                           .key_len = sl->keylen,
                           .pinyin = put_str(&strings, w->pinyin, w->pinyin_len),
                           .pinyin_len = w->pinyin_len};
            bad = g.key == NONE || g.pinyin == NONE ||
                  xg_buf_append(&gloss, (const char *)&g, sizeof g);
            continue;
        }
        tab_rec r = {
            .key = put_str(&strings, sl->key, sl->keylen),
            .pinyin = w->pinyin ? put_str(&strings, w->pinyin, w->pinyin_len) : NONE,
            .english = w->english ? put_str(&strings, w->english, w->english_len) : NONE,
            .surname = w->surname_pinyin
                           ? put_str(&strings, w->surname_pinyin, strlen(w->surname_pinyin))
                           : NONE,
            .pinyin_len = w->pinyin_len,
            .surname_len = w->surname_pinyin ? (uint32_t)strlen(w->surname_pinyin) : 0,
            .english_len = w->english_len,
            .more =
                w->more_english ? put_str(&strings, w->more_english, w->more_english_len) : NONE,
            .more_len = w->more_english_len,
            .more_entries = w->more_entries,
            .key_len = (uint16_t)sl->keylen,
            .nchars = w->nchars,
            .proper = w->proper};
        bad = r.key == NONE || (w->pinyin && r.pinyin == NONE) ||
              (w->english && r.english == NONE) || (w->more_english && r.more == NONE) ||
              (w->surname_pinyin && r.surname == NONE) || sl->keylen > UINT16_MAX ||
              xg_buf_append(&recs, (const char *)&r, sizeof r);
        if (w->nchars > max_han) max_han = w->nchars;
    }
    size_t nrec = recs.len / sizeof(tab_rec), nslots = pow2_at_least(nrec * 2);
    size_t npslots = pow2_at_least(ctx->latin_places.len * 2);
    slots = bad ? NULL : calloc(nslots, sizeof *slots);
    pslots = slots ? calloc(npslots * 2, sizeof *pslots) : NULL;
    bad = bad || !pslots || strings.len >= NONE;
    const tab_rec *r = (const tab_rec *)recs.data;
    for (size_t k = 0; k < nrec && !bad; k++) {
        size_t i = XXH3_64bits(strings.data + r[k].key, r[k].key_len) & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = (uint32_t)k + 1;
    }
    for (size_t j = 0; j < ctx->latin_places.cap && !bad; j++) {
        const xg_strmap_slot *sl = &ctx->latin_places.slots[j];
        if (!sl->key) continue;
        uint32_t at = put_str(&strings, sl->key, sl->keylen);
        bad = at == NONE;
        size_t i = XXH3_64bits(sl->key, sl->keylen) & (npslots - 1);
        while (pslots[2 * i])
            i = (i + 1) & (npslots - 1);
        pslots[2 * i] = at + 1, pslots[2 * i + 1] = sl->keylen;
    }
    tab_head h = {.version = TAB_VERSION,
                  .nslots = (uint32_t)nslots,
                  .nrec = (uint32_t)nrec,
                  .ngloss = (uint32_t)(gloss.len / sizeof(tab_gloss)),
                  .npslots = (uint32_t)npslots,
                  .max_han = max_han};
    if (!bad) {
        bad = xg_buf_append(&out, (const char *)&h, sizeof h) || pad8(&out);
        h.off_slots = out.len;
        bad = bad || xg_buf_append(&out, (const char *)slots, nslots * sizeof *slots) || pad8(&out);
        h.off_recs = out.len;
        bad = bad || xg_buf_append(&out, recs.data, recs.len) || pad8(&out);
        h.off_gloss = out.len;
        bad = bad || xg_buf_append(&out, gloss.data, gloss.len) || pad8(&out);
        h.off_pslots = out.len;
        bad = bad || xg_buf_append(&out, (const char *)pslots, npslots * 2 * sizeof *pslots) ||
              pad8(&out);
        h.off_strings = out.len;
        h.strings_len = strings.len;
        bad = bad || xg_buf_append(&out, strings.data, strings.len);
    }
    if (!bad) {
        memcpy(out.data, &h, sizeof h);
        xg_cache_put(file, magic, key, out.data, out.len);
        xg_cache_prune(file, "cedict", "tab");
    }
    free(slots);
    free(pslots);
    xg_buf_free(&recs);
    xg_buf_free(&gloss);
    xg_buf_free(&strings);
    xg_buf_free(&out);
}

/* ---- reading (the warm load) ---- */

static bool section_ok(size_t len, uint64_t off, uint64_t count, size_t size)
{
    return off % 4 == 0 && off <= len && count <= (len - off) / size;
}

static bool str_ok(const xg_cedict_tab *t, uint32_t off, uint64_t len)
{
    return off < t->head->strings_len && len < t->head->strings_len - off &&
           t->strings[off + len] == '\0';
}

int xg_cedict_tab_open(xg_text_ctx *ctx, const char *file, const char magic[8], XXH128_hash_t key)
{
    xg_cedict_tab *t = calloc(1, sizeof *t);
    if (!t) return -1;
    size_t len;
    const char *p = xg_cache_map(file, magic, key, &len, &t->map);
    const tab_head *h = (const tab_head *)p;
    bool ok = p && len >= sizeof *h && h->version == TAB_VERSION && h->nslots &&
              !(h->nslots & (h->nslots - 1)) && h->npslots && !(h->npslots & (h->npslots - 1)) &&
              h->nrec < h->nslots && section_ok(len, h->off_slots, h->nslots, 4) &&
              section_ok(len, h->off_recs, h->nrec, sizeof(tab_rec)) &&
              section_ok(len, h->off_gloss, h->ngloss, sizeof(tab_gloss)) &&
              section_ok(len, h->off_pslots, 2ull * h->npslots, 4) &&
              section_ok(len, h->off_strings, h->strings_len, 1) && h->strings_len;
    if (ok) {
        t->head = h;
        t->slots = (const uint32_t *)(p + h->off_slots);
        t->recs = (const tab_rec *)(p + h->off_recs);
        t->pslots = (const uint32_t *)(p + h->off_pslots);
        t->strings = p + h->off_strings;
        t->words = calloc(h->nrec ? h->nrec : 1, sizeof *t->words);
        ok = t->words != NULL;
    }
    /* the glossary words' pinyin: every one must be a glossary word of this context (the
     * glossary is in the key), checked before any is set */
    const tab_gloss *g = ok ? (const tab_gloss *)(p + h->off_gloss) : NULL;
    for (uint32_t i = 0; ok && i < h->ngloss; i++) {
        const xg_hanword *w =
            str_ok(t, g[i].key, g[i].key_len) && str_ok(t, g[i].pinyin, g[i].pinyin_len)
                ? xg_strmap_get(&ctx->han, t->strings + g[i].key, g[i].key_len)
                : NULL;
        ok = w && w->glossary && !w->pinyin;
    }
    if (!ok) {
        xg_cedict_tab_free(t);
        return -1;
    }
    for (uint32_t i = 0; i < h->ngloss; i++) {
        xg_hanword *w = xg_strmap_get(&ctx->han, t->strings + g[i].key, g[i].key_len);
        w->pinyin = t->strings + g[i].pinyin;
        w->pinyin_len = g[i].pinyin_len;
    }
    pthread_mutex_init(&t->lock, NULL);
    xg_arena_init(&t->arena, 16384);
    if (h->max_han > ctx->max_han) ctx->max_han = h->max_han;
    ctx->cedict_entries = h->nrec;
    ctx->cedict_tab = t;
    return 0;
}

void xg_cedict_tab_free(xg_cedict_tab *t)
{
    if (!t) return;
    if (t->head) {
        pthread_mutex_destroy(&t->lock);
        xg_arena_free(&t->arena);
    }
    free(t->words);
    xg_cache_unmap(&t->map);
    free(t);
}

size_t xg_cedict_tab_words(const xg_cedict_tab *t)
{
    return t ? t->head->nrec : 0;
}

/* Record k as an xg_hanword (made once; NULL when its offsets are out of bounds). */
static const xg_hanword *word_of(xg_cedict_tab *t, uint32_t k)
{
    xg_hanword *w = atomic_load_explicit(&t->words[k], memory_order_acquire);
    if (w) return w;
    const tab_rec *r = &t->recs[k];
    if ((r->pinyin != NONE && !str_ok(t, r->pinyin, r->pinyin_len)) ||
        (r->english != NONE && !str_ok(t, r->english, r->english_len)) ||
        (r->more != NONE && !str_ok(t, r->more, r->more_len)) ||
        (r->surname != NONE && !str_ok(t, r->surname, r->surname_len)))
        return NULL;
    pthread_mutex_lock(&t->lock);
    w = atomic_load_explicit(&t->words[k], memory_order_relaxed);
    if (!w && (w = xg_arena_alloc(&t->arena, sizeof *w))) {
        w->pinyin = r->pinyin == NONE ? NULL : t->strings + r->pinyin;
        w->pinyin_len = r->pinyin_len;
        w->english = r->english == NONE ? NULL : t->strings + r->english;
        w->english_len = r->english_len;
        w->more_english = r->more == NONE ? NULL : t->strings + r->more;
        w->more_english_len = r->more_len;
        w->more_entries = r->more_entries;
        w->surname_pinyin = r->surname == NONE ? NULL : t->strings + r->surname;
        w->nchars = r->nchars;
        w->proper = r->proper;
        atomic_store_explicit(&t->words[k], w, memory_order_release);
    }
    pthread_mutex_unlock(&t->lock);
    return w;
}

const xg_hanword *xg_text_han_get(const xg_text_ctx *ctx, const char *s, size_t n)
{
    const xg_hanword *w = xg_strmap_get(&ctx->han, s, n);
    xg_cedict_tab *t = ctx->cedict_tab;
    if (w || !t) return w;
    uint32_t mask = t->head->nslots - 1;
    for (uint32_t i = (uint32_t)XXH3_64bits(s, n) & mask, probes = 0; probes <= mask;
         i = (i + 1) & mask, probes++) {
        uint32_t k = t->slots[i];
        if (!k || k > t->head->nrec) return NULL;
        const tab_rec *r = &t->recs[k - 1];
        if (r->key_len == n && str_ok(t, r->key, n) && !memcmp(t->strings + r->key, s, n))
            return word_of(t, k - 1);
    }
    return NULL;
}

bool xg_cedict_tab_place(const xg_cedict_tab *t, const char *word, size_t n)
{
    uint32_t mask = t->head->npslots - 1;
    for (uint32_t i = (uint32_t)XXH3_64bits(word, n) & mask, probes = 0; probes <= mask;
         i = (i + 1) & mask, probes++) {
        uint32_t at = t->pslots[2 * i], len = t->pslots[2 * i + 1];
        if (!at) return false;
        if (len == n && str_ok(t, at - 1, n) && !memcmp(t->strings + at - 1, word, n)) return true;
    }
    return false;
}
