/* Loading the text context: legal forms, organisation symbols and stop words (rigour's YAML plus
 * our own TSV of additions and overrides), the Chinese organisation glossary and CC-CEDICT.
 * Everything is inserted once into hash maps whose keys and values live in the context arena;
 * the first insertion of a key wins, so files are loaded from the most to the least specific:
 * our overrides, then rigour's legal forms, then rigour's organisation symbols. */
#include "text/text_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "xgate/error.h"

char xg_phrase_prefix_marker;

bool xg_text_has_han(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int32_t cp;
        i += xg_utf8_decode(s + i, &cp);
        if (xg_cp_is_han(cp)) return true;
    }
    return false;
}

static const char *kind_names[] = {"WORD", "NUMBER", "LEGAL", "ORG", "STOP"};

int xg_text_kind_parse(const char *s, size_t n, xg_token_kind *kind)
{
    for (int k = 0; k < 5; k++)
        if (strlen(kind_names[k]) == n && strncasecmp(kind_names[k], s, n) == 0)
            return *kind = (xg_token_kind)k, 0;
    return -1;
}

/* Insert every proper token prefix of key so that phrase matching can stop at the first miss. */
static int add_prefixes(xg_text_ctx *ctx, const char *key, size_t keylen)
{
    for (size_t i = 0; i < keylen; i++) {
        if (key[i] != ' ') continue;
        if (!xg_strmap_put(&ctx->phrases, key, i, &xg_phrase_prefix_marker)) return XG_ENOMEM;
    }
    return 0;
}

/* Add one phrase; an existing key keeps its meaning, except that a prefix marker is upgraded. */
int xg_text_add_phrase(xg_text_ctx *ctx, const char *text, size_t n, xg_token_kind kind,
                       const char *symbol, bool ours)
{
    char *heap;
    size_t keylen;
    int count = xg_text_phrase_key(ctx, &heap, &keylen, text, n);
    if (count < 0) return count;
    int rc = 0;
    if (count == 0 || xg_text_has_han(heap, keylen) || keylen > 200) goto done; /* Han: glossary */
    char *key = xg_arena_strndup(&ctx->arena, heap, keylen);
    xg_phrase *ph = xg_arena_alloc(&ctx->arena, sizeof *ph);
    if (!key || !ph) {
        rc = XG_ENOMEM;
        goto done;
    }
    ph->kind = kind;
    ph->symbol = symbol ? xg_arena_strdup(&ctx->arena, symbol) : NULL;
    /* rigour's 1–2 letter forms (AG, SA, AS) are often plain words; ours (Co) are not */
    ph->short_edge = !ours && kind == XG_TOK_LEGAL && count == 1 && keylen <= 2;
    if (ours && ph->symbol && !xg_strmap_get(&ctx->symbol_kind, ph->symbol, strlen(ph->symbol))) {
        xg_token_kind *k = xg_arena_alloc(&ctx->arena, sizeof *k);
        if (!k) {
            rc = XG_ENOMEM;
            goto done;
        }
        *k = kind;
        if (!xg_strmap_put(&ctx->symbol_kind, ph->symbol, strlen(ph->symbol), k)) rc = XG_ENOMEM;
    }
    void *got = xg_strmap_put(&ctx->phrases, key, keylen, ph);
    if (!got)
        rc = XG_ENOMEM;
    else if (got == &xg_phrase_prefix_marker) {
        for (size_t i = 0; i < ctx->phrases.cap; i++) /* rare: upgrade the marker in place */
            if (ctx->phrases.slots[i].value == got && ctx->phrases.slots[i].keylen == keylen &&
                memcmp(ctx->phrases.slots[i].key, key, keylen) == 0)
                ctx->phrases.slots[i].value = ph;
    }
    if (rc == 0) rc = add_prefixes(ctx, key, keylen);
    if ((size_t)count > ctx->max_phrase) ctx->max_phrase = (size_t)count;
done:
    free(heap);
    return rc ? xg_error_set(rc, "phrase table: out of memory") : 0;
}

int xg_text_ctx_load(xg_text_ctx **out, const char *data_dir)
{
    double t0 = xg_clock_seconds();
    const char *dir = data_dir ? data_dir : xg_data_dir();
    xg_text_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return xg_error_set(XG_ENOMEM, "text: out of memory");
    xg_arena_init(&ctx->arena, 1 << 20);
    xg_strmap_init(&ctx->phrases);
    xg_strmap_init(&ctx->han);
    xg_strmap_init(&ctx->person_prefix);
    xg_strmap_init(&ctx->surnames2);
    xg_strmap_init(&ctx->shinjitai);
    xg_strmap_init(&ctx->sound);
    xg_strmap_init(&ctx->latin_places);
    xg_strmap_init(&ctx->brands);
    xg_strmap_init(&ctx->symbol_kind);
    xg_strmap_init(&ctx->ko_surnames);
    xg_strmap_init(&ctx->ar_names);
    xg_strmap_init(&ctx->latin_ascii);
    pthread_mutex_init(&ctx->cedict_lock, NULL);
    atomic_init(&ctx->cedict_state, CEDICT_PENDING);
    ctx->data_dir = strdup(dir);
    int rc = ctx->data_dir ? 0 : xg_error_set(XG_ENOMEM, "text: out of memory");
    if (rc == 0) rc = xg_text_load_latin_ascii(ctx, dir);
    if (rc == 0) rc = xg_text_load_names(ctx, dir);
    if (rc == 0) rc = xg_text_load_glossary(ctx, dir);
    if (rc == 0) rc = xg_text_check_cedict(dir); /* a missing file fails here, not mid-query */
    if (rc == 0) rc = xg_text_load_sound(ctx, dir);
    if (rc == 0 && getenv("XGATE_TEXT_EAGER") && *getenv("XGATE_TEXT_EAGER") &&
        strcmp(getenv("XGATE_TEXT_EAGER"), "0") != 0)
        rc = xg_text_need_cedict(ctx);
    if (rc) {
        xg_text_ctx_free(ctx);
        return rc;
    }
    ctx->load_ms = (xg_clock_seconds() - t0) * 1e3;
    *out = ctx;
    return 0;
}

void xg_text_ctx_free(xg_text_ctx *ctx)
{
    if (!ctx) return;
    xg_strmap_free(&ctx->phrases);
    xg_strmap_free(&ctx->han);
    xg_strmap_free(&ctx->person_prefix);
    xg_strmap_free(&ctx->surnames2);
    xg_strmap_free(&ctx->shinjitai);
    xg_strmap_free(&ctx->sound);
    xg_strmap_free(&ctx->latin_places);
    xg_strmap_free(&ctx->brands);
    xg_strmap_free(&ctx->symbol_kind);
    xg_strmap_free(&ctx->ko_surnames);
    xg_strmap_free(&ctx->ar_names);
    xg_strmap_free(&ctx->latin_ascii);
    free(ctx->cedict_text);
    xg_cedict_tab_free(ctx->cedict_tab);
    free(ctx->data_dir);
    free(ctx->cedict_error);
    pthread_mutex_destroy(&ctx->cedict_lock);
    xg_arena_free(&ctx->arena);
    free(ctx);
}

int xg_text_need_cedict(const xg_text_ctx *cctx)
{
    /* the context is allocated writable by xg_text_ctx_load; callers hold it as const because
     * everything but this deferred load is read-only */
    xg_text_ctx *ctx = (xg_text_ctx *)cctx;
    if (atomic_load_explicit(&ctx->cedict_state, memory_order_acquire) == CEDICT_READY) return 0;
    pthread_mutex_lock(&ctx->cedict_lock);
    if (atomic_load_explicit(&ctx->cedict_state, memory_order_relaxed) == CEDICT_PENDING) {
        double t0 = xg_clock_seconds();
        int rc = xg_text_load_cedict(ctx, ctx->data_dir);
        ctx->cedict_ms = (xg_clock_seconds() - t0) * 1e3;
        if (rc) {
            ctx->cedict_rc = rc;
            ctx->cedict_error = strdup(xg_error_message());
        }
        atomic_store_explicit(&ctx->cedict_state, rc ? CEDICT_FAILED : CEDICT_READY,
                              memory_order_release);
    }
    int state = atomic_load_explicit(&ctx->cedict_state, memory_order_relaxed);
    int rc = state == CEDICT_READY ? 0 : ctx->cedict_rc;
    const char *msg = ctx->cedict_error;
    pthread_mutex_unlock(&ctx->cedict_lock);
    if (rc) return xg_error_set(rc, "%s", msg ? msg : "CC-CEDICT: cannot load");
    return 0;
}

int xg_text_ctx_load_all(const xg_text_ctx *ctx)
{
    return ctx ? xg_text_need_cedict(ctx) : xg_error_set(XG_EINVAL, "text: no context");
}

void xg_text_ctx_info(const xg_text_ctx *ctx, xg_text_info *out)
{
    (void)xg_text_need_cedict(ctx); /* the sizes include CC-CEDICT; a failed load counts none */
    out->phrases = ctx->phrases.len;
    out->han_words = ctx->han.len + xg_cedict_tab_words(ctx->cedict_tab);
    out->cedict_entries = ctx->cedict_entries;
    out->load_ms = ctx->load_ms + ctx->cedict_ms;
}
