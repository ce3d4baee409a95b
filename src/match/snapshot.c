/*
 * snapshot.c — building the immutable, shareable product of loading lists.
 *
 * Every name and alias is analysed here, once (transliteration, legal-form symbols, Han
 * folding), so that a query pays only for its own analysis. The snapshot is never written after
 * xg_snapshot_build returns; threads share it through an atomic reference count, and a reload
 * builds a new one while the old one lives on until its last user lets go.
 */
#include "match/match_internal.h"
#include "match/score.h"
#include "xgate/error.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#define SNAPSHOT_ARENA_BLOCK (1 << 20)
#define MAX_NAME_KEYS 1024
#define MAX_HAN_BIGRAMS 1024

static size_t count_names(const xg_listset *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->nrecords; i++)
        n += 1 + l->records[i].naliases;
    return n;
}

static int add_name(xg_snapshot *s, uint32_t rec, const char *raw, xg_index_builder *b,
                    xg_key *keys)
{
    const xg_record *r = &s->lists->records[rec];
    if (!raw || !*raw) return 0;
    xg_mname *m = &s->names[s->nnames];
    int flags = r->type == XG_PARTY_INDIVIDUAL ? XG_NAME_PERSON : 0;
    int rc = xg_name_analyse(&m->an, &s->arena, s->text, raw, strlen(raw), flags);
    if (rc)
        return xg_error_set(rc, "%s:%ld: cannot analyse name '%.80s': %s", r->file ? r->file : "?",
                            r->line, raw, xg_error_message());
    m->record = rec;
    m->raw = raw;
    const uint32_t *copy = NULL;
    size_t nb = 0;
    if (m->an.han) {
        uint32_t big[MAX_HAN_BIGRAMS];
        nb = xg_han_bigrams(big, MAX_HAN_BIGRAMS, m->an.han);
        uint32_t *c = xg_arena_alloc(&s->arena, nb * sizeof *c + 1);
        if (!c) return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
        memcpy(c, big, nb * sizeof *c);
        copy = c;
    }
    uint16_t *len = xg_arena_alloc(&s->arena, (m->an.ntokens + 1) * sizeof *len);
    if (!len) return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
    xg_score_list_init(&m->sl, &m->an, NULL, len, copy, nb);
    size_t nk = xg_name_keys(keys, MAX_NAME_KEYS, &m->an, 0);
    uint32_t id = (uint32_t)s->nnames;
    for (size_t k = 0; k < nk; k++)
        if ((rc = xg_index_builder_add(b, keys[k].hash, id))) return rc;
    s->nnames++;
    return 0;
}

static int index_idents(xg_snapshot *s)
{
    xg_index_builder b = {0};
    char norm[256];
    for (size_t i = 0; i < s->lists->nrecords; i++) {
        const xg_record *r = &s->lists->records[i];
        for (size_t k = 0; k < r->nids; k++) {
            if (!r->ids[k].value) continue;
            size_t n = xg_ident_normalise(norm, sizeof norm, r->ids[k].value);
            int rc = n ? xg_index_builder_add(&b, xg_key_hash('i', norm, n), (uint32_t)i) : 0;
            if (rc) {
                xg_index_builder_free(&b);
                return rc;
            }
        }
    }
    return xg_index_builder_finish(&b, &s->ids_idx);
}

static int build_names(xg_snapshot *s)
{
    size_t total = count_names(s->lists);
    s->names = xg_arena_alloc(&s->arena, (total + 1) * sizeof *s->names);
    xg_key *keys = malloc(MAX_NAME_KEYS * sizeof *keys);
    if (!s->names || !keys) {
        free(keys);
        return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
    }
    xg_index_builder b = {0};
    int rc = 0;
    for (size_t i = 0; i < s->lists->nrecords && !rc; i++) {
        const xg_record *r = &s->lists->records[i];
        rc = add_name(s, (uint32_t)i, r->name, &b, keys);
        for (size_t a = 0; a < r->naliases && !rc; a++)
            rc = add_name(s, (uint32_t)i, r->aliases[a], &b, keys);
    }
    free(keys);
    if (!rc) rc = xg_index_builder_finish(&b, &s->names_idx);
    xg_index_builder_free(&b);
    return rc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t symbol_hash(const char *sym)
{
    return xg_key_hash('s', sym, strlen(sym));
}

/* How many names hold each organisation symbol → its weight (see xg_symbol_weight). */
static int build_symbol_weights(xg_snapshot *s)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < s->nnames; i++)
        total += s->names[i].an.ntokens;
    uint64_t *h = malloc((total + 1) * sizeof *h);
    if (!h) return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
    for (size_t i = 0; i < s->nnames; i++)
        for (size_t t = 0; t < s->names[i].an.ntokens; t++) {
            const xg_token *tok = &s->names[i].an.tokens[t];
            if (tok->kind == XG_TOK_ORG && tok->symbol) h[k++] = symbol_hash(tok->symbol);
        }
    qsort(h, k, sizeof *h, cmp_u64);
    s->symw = xg_arena_alloc(&s->arena, (k + 1) * sizeof *s->symw);
    if (!s->symw) {
        free(h);
        return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
    }
    for (size_t i = 0, j; i < k; i = j) {
        for (j = i; j < k && h[j] == h[i]; j++) {
        }
        s->symw[s->nsymw++] = (xg_symw){h[i], xg_symbol_weight(j - i, s->nnames)};
    }
    free(h);
    return 0;
}

void xg_snapshot_token_weights(const xg_snapshot *s, const xg_name *an, float *w, size_t n)
{
    for (size_t i = 0; i < n && i < an->ntokens; i++) {
        const xg_token *t = &an->tokens[i];
        w[i] = (float)xg_token_weight(t);
        if (t->kind != XG_TOK_ORG || !t->symbol) continue;
        uint64_t h = symbol_hash(t->symbol);
        size_t lo = 0, hi = s->nsymw;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (s->symw[mid].hash < h)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* a symbol no listed name holds is as telling as a plain word */
        w[i] = lo < s->nsymw && s->symw[lo].hash == h ? s->symw[lo].weight : 1.0f;
    }
}

/* ---- forms: names analysed alike (the same name on several lists, or spelt differently) ---- */

static void hash_str(XXH64_state_t *st, const char *s)
{
    /* NULL and "" differ: a 0xFF byte never occurs in UTF-8 */
    static const char null_mark[2] = {'\xff', 0};
    if (!s) s = null_mark;
    XXH64_update(st, s, strlen(s) + 1);
}

static uint64_t form_hash(XXH64_state_t *st, const xg_name *n)
{
    XXH64_reset(st, 0x666f726d);
    for (size_t t = 0; t < n->ntokens; t++) {
        const xg_token *k = &n->tokens[t];
        unsigned char kind[2] = {(unsigned char)k->kind, k->from_han};
        XXH64_update(st, kind, sizeof kind);
        hash_str(st, k->text);
        hash_str(st, k->symbol);
        hash_str(st, k->alt);
    }
    hash_str(st, n->han);
    return XXH64_digest(st);
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Everything the scorer reads of a list name: tokens (text, symbol, kind, origin, alt) and the
 * Han string (its bigrams); the weights follow from the tokens. */
static int same_form(const xg_name *a, const xg_name *b)
{
    if (a->ntokens != b->ntokens || !same_str(a->han, b->han)) return 0;
    for (size_t t = 0; t < a->ntokens; t++) {
        const xg_token *x = &a->tokens[t], *y = &b->tokens[t];
        if (x->kind != y->kind || x->from_han != y->from_han || !same_str(x->text, y->text) ||
            !same_str(x->symbol, y->symbol) || !same_str(x->alt, y->alt))
            return 0;
    }
    return 1;
}

static uint64_t token_hash(XXH64_state_t *st, const xg_token *k)
{
    XXH64_reset(st, 0x746f6b);
    unsigned char kind[2] = {(unsigned char)k->kind, k->from_han};
    XXH64_update(st, kind, sizeof kind);
    hash_str(st, k->text);
    hash_str(st, k->symbol);
    hash_str(st, k->alt);
    return XXH64_digest(st);
}

static int same_token(const xg_token *x, const xg_token *y)
{
    return x->kind == y->kind && x->from_han == y->from_han && same_str(x->text, y->text) &&
           same_str(x->symbol, y->symbol) && same_str(x->alt, y->alt);
}

/* Ids of tokens alike (xg_score_list.tok), so that a query compares each once. */
static int build_token_ids(xg_snapshot *s)
{
    size_t total = 0, size = 1024, ntok = 0;
    for (size_t i = 0; i < s->nnames; i++)
        total += s->names[i].an.ntokens;
    while (size < 2 * total)
        size <<= 1;
    uint64_t *h = calloc(size, sizeof *h);
    const xg_token **rep = calloc(size, sizeof *rep);
    uint32_t *ids = calloc(size, sizeof *ids);
    XXH64_state_t *st = XXH64_createState();
    int rc = 0;
    if (!h || !rep || !ids || !st) rc = xg_error_set(XG_ENOMEM, "snapshot: out of memory");
    for (size_t i = 0; i < s->nnames && !rc; i++) {
        xg_mname *m = &s->names[i];
        uint32_t *tok = xg_arena_alloc(&s->arena, (m->an.ntokens + 1) * sizeof *tok);
        if (!tok) {
            rc = xg_error_set(XG_ENOMEM, "snapshot: out of memory");
            break;
        }
        for (size_t t = 0; t < m->an.ntokens; t++) {
            const xg_token *k = &m->an.tokens[t];
            uint64_t th = token_hash(st, k);
            size_t slot = (size_t)th & (size - 1);
            while (rep[slot] && !(h[slot] == th && same_token(rep[slot], k)))
                slot = (slot + 1) & (size - 1);
            if (!rep[slot]) {
                h[slot] = th;
                rep[slot] = k;
                ids[slot] = (uint32_t)ntok++;
            }
            tok[t] = ids[slot];
        }
        m->sl.tok = tok;
    }
    free(h), free(rep), free(ids), XXH64_freeState(st);
    return rc;
}

static int build_forms(xg_snapshot *s)
{
    size_t size = 1024;
    while (size < 2 * s->nnames)
        size <<= 1;
    uint64_t *h = calloc(size, sizeof *h);
    uint32_t *slot = calloc(size, sizeof *slot); /* name index + 1, 0 = empty */
    XXH64_state_t *st = XXH64_createState();
    if (!h || !slot || !st) {
        free(h), free(slot), XXH64_freeState(st);
        return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
    }
    for (size_t i = 0; i < s->nnames; i++) {
        xg_mname *m = &s->names[i];
        uint64_t fh = form_hash(st, &m->an);
        size_t k = (size_t)fh & (size - 1);
        m->form = (uint32_t)i;
        for (; slot[k]; k = (k + 1) & (size - 1))
            if (h[k] == fh && same_form(&s->names[slot[k] - 1].an, &m->an)) {
                m->form = slot[k] - 1;
                break;
            }
        if (!slot[k]) {
            h[k] = fh;
            slot[k] = (uint32_t)i + 1;
        }
    }
    free(h), free(slot), XXH64_freeState(st);
    return 0;
}

static int build_weights(xg_snapshot *s)
{
    int rc = build_symbol_weights(s);
    for (size_t i = 0; i < s->nnames && !rc; i++) {
        xg_mname *m = &s->names[i];
        float *w = xg_arena_alloc(&s->arena, (m->an.ntokens + 1) * sizeof *w);
        if (!w) return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
        xg_snapshot_token_weights(s, &m->an, w, m->an.ntokens);
        m->sl.w = w;
    }
    return rc;
}

xg_votes *xg_votes_take(xg_snapshot *s)
{
    pthread_mutex_lock(&s->votes_lock);
    xg_votes *v = s->votes_pool;
    if (v) s->votes_pool = v->next;
    pthread_mutex_unlock(&s->votes_lock);
    if (v) return v;
    v = calloc(1, sizeof *v);
    if (!v) return NULL;
    v->stamp = calloc(s->nnames + 1, sizeof *v->stamp);
    v->weight = malloc((s->nnames + 1) * sizeof *v->weight);
    v->touched = malloc((s->nnames + 1) * sizeof *v->touched);
    if (!v->stamp || !v->weight || !v->touched) {
        free(v->stamp), free(v->weight), free(v->touched), free(v);
        return NULL;
    }
    return v;
}

void xg_votes_give(xg_snapshot *s, xg_votes *v)
{
    if (!v) return;
    pthread_mutex_lock(&s->votes_lock);
    v->next = s->votes_pool;
    s->votes_pool = v;
    pthread_mutex_unlock(&s->votes_lock);
}

static void snapshot_free(xg_snapshot *s)
{
    for (xg_votes *v = s->votes_pool, *next; v; v = next) {
        next = v->next;
        free(v->stamp), free(v->weight), free(v->touched), free(v);
    }
    pthread_mutex_destroy(&s->votes_lock);
    xg_index_free(&s->names_idx);
    xg_index_free(&s->ids_idx);
    xg_arena_free(&s->arena);
    free(s);
}

int xg_snapshot_build(xg_snapshot **out, xg_listset *lists, const xg_text_ctx *text)
{
    if (!out || !lists || !text) return xg_error_set(XG_EINVAL, "snapshot: lists and text needed");
    double t0 = xg_clock_seconds();
    xg_snapshot *s = calloc(1, sizeof *s);
    if (!s) return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
    atomic_init(&s->refs, 1);
    pthread_mutex_init(&s->votes_lock, NULL);
    s->lists = lists;
    s->text = text;
    xg_arena_init(&s->arena, SNAPSHOT_ARENA_BLOCK);
    int rc = build_names(s);
    if (!rc) rc = build_weights(s);
    if (!rc) rc = build_forms(s);
    if (!rc) rc = build_token_ids(s);
    if (!rc) rc = index_idents(s);
    if (rc) {
        s->lists = NULL; /* ownership passes only on success */
        snapshot_free(s);
        return rc;
    }
    s->build_seconds = xg_clock_seconds() - t0;
    *out = s;
    return 0;
}

int xg_snapshot_load(xg_snapshot **out, const char *const *paths, size_t npaths, int load_flags,
                     const xg_text_ctx *text)
{
    if (!paths || !npaths) {
        paths = xg_lists_default_paths();
        for (npaths = 0; paths && paths[npaths]; npaths++) {
        }
    }
    xg_listset *lists;
    int rc = xg_lists_load(&lists, paths, npaths, load_flags);
    if (rc) return rc;
    rc = xg_snapshot_build(out, lists, text);
    if (rc) xg_listset_free(lists);
    return rc;
}

void xg_snapshot_ref(xg_snapshot *s)
{
    if (s) atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void xg_snapshot_unref(xg_snapshot *s)
{
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1) return;
    xg_listset_free(s->lists);
    snapshot_free(s);
}

const xg_listset *xg_snapshot_lists(const xg_snapshot *s)
{
    return s ? s->lists : NULL;
}

const char *xg_snapshot_hash(const xg_snapshot *s)
{
    return s && s->lists ? s->lists->hash : "";
}

size_t xg_snapshot_names(const xg_snapshot *s)
{
    return s ? s->nnames : 0;
}

double xg_snapshot_build_seconds(const xg_snapshot *s)
{
    return s ? s->build_seconds : 0.0;
}
