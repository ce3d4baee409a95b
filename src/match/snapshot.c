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
#include "match/snapfile.h"
#include "lists/fingerprint.h"
#include "text/text_internal.h"
#include "xgate/error.h"

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
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

/* The list tokens measured once by id (xg_tok_meas), so that a query's first meeting with a
 * token does not measure it again. Best effort: without memory, queries measure them. */
static void build_token_meas(xg_snapshot *s)
{
    size_t nid = 0;
    for (size_t i = 0; i < s->nnames; i++)
        for (size_t t = 0; s->names[i].sl.tok && t < s->names[i].an.ntokens; t++)
            if (s->names[i].sl.tok[t] >= nid) nid = (size_t)s->names[i].sl.tok[t] + 1;
    xg_tok_meas *m = malloc((nid + 1) * sizeof *m);
    uint8_t *done = calloc(nid + 1, 1);
    if (!m || !done) {
        free(m), free(done);
        return;
    }
    for (size_t i = 0; i < s->nnames; i++)
        for (size_t t = 0; s->names[i].sl.tok && t < s->names[i].an.ntokens; t++) {
            uint32_t id = s->names[i].sl.tok[t];
            if (done[id]) continue;
            done[id] = 1;
            xg_tok_meas_of(&m[id], &s->names[i].an.tokens[t]);
        }
    free(done);
    s->tok_meas = m;
    s->ntok_meas = nid + 1;
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

/* First size of a query's scratch arena; it grows to what the largest query needed. */
#define VOTES_SCRATCH_BLOCK (128 * 1024)

static void votes_free(xg_votes *v)
{
    xg_arena_free(&v->scratch);
    free(v->vote), free(v->touched), free(v->pats), free(v->raw), free(v);
}

void *xg_votes_raw(xg_votes *v, size_t n)
{
    if (n > v->raw_cap) {
        free(v->raw);
        v->raw = malloc(n);
        v->raw_cap = v->raw ? n : 0;
    }
    return v->raw;
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
    v->vote = calloc(s->nnames + 1, sizeof *v->vote);
    v->touched = malloc((s->nnames + 1) * sizeof *v->touched);
    v->pats = malloc(XG_VOTES_PATTERNS * sizeof *v->pats); /* not zeroed: prepare sets them */
    if (!v->vote || !v->touched || !v->pats) {
        votes_free(v);
        return NULL;
    }
    xg_arena_init(&v->scratch, VOTES_SCRATCH_BLOCK);
    return v;
}

void xg_votes_give(xg_snapshot *s, xg_votes *v)
{
    if (!v) return;
    xg_arena_reset(&v->scratch);
    pthread_mutex_lock(&s->votes_lock);
    v->next = s->votes_pool;
    s->votes_pool = v;
    pthread_mutex_unlock(&s->votes_lock);
}

static void snapshot_free(xg_snapshot *s)
{
    for (xg_votes *v = s->votes_pool, *next; v; v = next) {
        next = v->next;
        votes_free(v);
    }
    pthread_mutex_destroy(&s->votes_lock);
    if (s->attach_mem) munmap(s->attach_mem, s->attach_len);
    if (s->map) {
        munmap(s->map, s->map_len); /* the indexes point into it */
    } else {
        xg_index_free(&s->names_idx);
        xg_index_free(&s->ids_idx);
    }
    xg_arena_free(&s->arena);
    if (!s->tok_meas_mapped) free(s->tok_meas);
    free(s->file_path);
    free(s->file_note);
    free(s);
}

static xg_snapshot *snapshot_new(xg_listset *lists, const xg_text_ctx *text)
{
    xg_snapshot *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    atomic_init(&s->refs, 1);
    pthread_mutex_init(&s->votes_lock, NULL);
    s->lists = lists;
    s->text = text;
    s->origin = "built-uncached";
    xg_arena_init(&s->arena, SNAPSHOT_ARENA_BLOCK);
    return s;
}

int xg_snapshot_build(xg_snapshot **out, xg_listset *lists, const xg_text_ctx *text)
{
    if (!out || !lists || !text) return xg_error_set(XG_EINVAL, "snapshot: lists and text needed");
    double t0 = xg_clock_seconds();
    xg_snapshot *s = snapshot_new(lists, text);
    if (!s) return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
    int rc = build_names(s);
    if (!rc) rc = build_weights(s);
    if (!rc) rc = build_forms(s);
    if (!rc) rc = build_token_ids(s);
    if (!rc) rc = index_idents(s);
    if (!rc) build_token_meas(s);
    if (rc) {
        s->lists = NULL; /* ownership passes only on success */
        snapshot_free(s);
        return rc;
    }
    s->build_seconds = xg_clock_seconds() - t0;
    *out = s;
    return 0;
}

/* ---- the snapshot file: written once per list version, mapped at start ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names directly in dir (no dot files, at most 256), sorted, each malloc'd; -1 when dir cannot
 * be opened. */
static ptrdiff_t dir_names(const char *dir, char *names[256])
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;)
        if (e->d_name[0] != '.' && (names[n] = strdup(e->d_name))) n++;
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    return (ptrdiff_t)n;
}

/* Names and contents of the regular files directly in dir, in name order. */
static void hash_dir(XXH3_state_t *st, const char *dir)
{
    char *names[256];
    ptrdiff_t got = dir_names(dir, names);
    if (got < 0) {
        XXH3_128bits_update(st, "-", 1);
        return;
    }
    size_t n = (size_t)got;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
            free(names[i]);
            continue;
        }
        XXH3_128bits_update(st, names[i], strlen(names[i]) + 1);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (fd >= 0 && !fstat(fd, &sb) && S_ISREG(sb.st_mode) && sb.st_size > 0) {
            void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (m != MAP_FAILED) {
                XXH3_128bits_update(st, m, (size_t)sb.st_size);
                munmap(m, (size_t)sb.st_size);
            }
        }
        if (fd >= 0) close(fd);
        free(names[i]);
    }
}

/* One data file's name and content into the key ("-" when it is missing). */
static void hash_file(XXH3_state_t *st, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", xg_data_dir(), rel);
    XXH3_128bits_update(st, rel, strlen(rel) + 1);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    void *m = MAP_FAILED;
    if (fd >= 0 && !fstat(fd, &sb) && S_ISREG(sb.st_mode) && sb.st_size > 0)
        m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
        XXH3_128bits_update(st, m, (size_t)sb.st_size);
        munmap(m, (size_t)sb.st_size);
    } else {
        XXH3_128bits_update(st, "-", 1);
    }
    if (fd >= 0) close(fd);
}

/* The key of a snapshot file: the list files' content (lists/fingerprint.h: XXH3-128 of the bytes
 * a load reads, before any parsing), the load flags, the data files that shape list loading and
 * name analysis, and the format version. The binary (the parsers) is the build id's. */
static void snapshot_key(uint8_t key[16], const uint8_t lists_fp[16], int load_flags)
{
    XXH3_state_t *st = XXH3_createState();
    XXH128_canonical_t c;
    if (!st) {
        memset(key, 0, 16);
        return;
    }
    XXH3_128bits_reset(st);
    uint32_t head[2] = {XG_SNAPFILE_VERSION, (uint32_t)load_flags};
    XXH3_128bits_update(st, head, sizeof head);
    XXH3_128bits_update(st, lists_fp, 16);
    static const char *const dirs[] = {"text", "names", "cedict", "countries"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", xg_data_dir(), dirs[i]);
        hash_dir(st, path);
    }
    static const char *const files[] = {"lists/source_codes.tsv", "lists/id_schemes.tsv",
                                        "lists/ofac_cons_programs.tsv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        hash_file(st, files[i]);
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
    memcpy(key, c.digest, 16);
    XXH3_freeState(st);
}

/* ---- the stat fast path: the key without hashing the files (issue 12) ----
 *
 * Hashing ~14 MB of list and name-data files costs a sixth of a warm start. So the key computed
 * from the files' bytes is remembered in a small side file beside the snapshot files
 * (lists-<name>-<build>.xgstat), together with a signature of those files' identity: path,
 * device, inode, size, type, modification and status-change times of every file the key hashes
 * (and of the directories holding them, which change when an entry is added, removed or renamed).
 * A start whose signature equals the remembered one uses the remembered key; any difference —
 * a file rewritten in place with the same size still gets a new mtime and ctime — hashes as
 * before. A file changed within STAT_RACY_NS of the signature being taken could share its
 * timestamps with its previous state, so no side file is written then (git's "racily clean"). */
#define STAT_MAGIC "xgstat1"
#define STAT_RACY_NS 2000000000LL

typedef struct stat_sig {
    XXH3_state_t *st;
    long long newest; /* latest mtime or ctime seen, ns */
} stat_sig;

static long long ts_ns(struct timespec t)
{
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* One path's identity into the signature ("missing" when it cannot be stat'ed). */
static void sig_path(stat_sig *g, const char *path)
{
    struct stat sb;
    uint64_t v[7] = {0};
    XXH3_128bits_update(g->st, path, strlen(path) + 1);
    if (!stat(path, &sb)) {
        long long m = ts_ns(sb.st_mtim), c = ts_ns(sb.st_ctim);
        v[0] = 1, v[1] = (uint64_t)sb.st_dev, v[2] = (uint64_t)sb.st_ino;
        v[3] = (uint64_t)sb.st_size, v[4] = (uint64_t)sb.st_mode;
        v[5] = (uint64_t)m, v[6] = (uint64_t)c;
        if (m > g->newest) g->newest = m;
        if (c > g->newest) g->newest = c;
    }
    XXH3_128bits_update(g->st, v, sizeof v);
}

/* A directory and every entry hash_dir would read, in name order. */
static void sig_dir(stat_sig *g, const char *dir)
{
    sig_path(g, dir);
    char *names[256];
    ptrdiff_t got = dir_names(dir, names);
    for (ptrdiff_t i = 0; i < got; i++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) < (int)sizeof path)
            sig_path(g, path);
        free(names[i]);
    }
}

/* The signature of everything snapshot_key and lst_fingerprint read: each list path (a directory
 * with all its entries; a file with its directory and the SDN sibling names beside it), the data
 * directories and files of snapshot_key. 0, or -1 without memory. */
static int stat_signature(uint8_t sig[16], long long *newest, const char *const *paths,
                          size_t npaths, int load_flags)
{
    stat_sig g = {XXH3_createState(), 0};
    if (!g.st) return -1;
    XXH3_128bits_reset(g.st);
    uint32_t head[3] = {XG_SNAPFILE_VERSION, (uint32_t)load_flags, (uint32_t)npaths};
    XXH3_128bits_update(g.st, head, sizeof head);
    static const char *const sib[] = {"alt.csv",      "ALT.CSV",      "add.csv",
                                      "ADD.CSV",      "cons_alt.csv", "CONS_ALT.CSV",
                                      "cons_add.csv", "CONS_ADD.CSV"};
    for (size_t i = 0; i < npaths; i++) {
        struct stat sb;
        if (!stat(paths[i], &sb) && S_ISDIR(sb.st_mode)) {
            sig_dir(&g, paths[i]);
            continue;
        }
        sig_path(&g, paths[i]);
        const char *slash = strrchr(paths[i], '/');
        char dir[4096], path[4200];
        int dn = slash ? snprintf(dir, sizeof dir, "%.*s", (int)(slash - paths[i]), paths[i])
                       : snprintf(dir, sizeof dir, ".");
        if (dn <= 0 || dn >= (int)sizeof dir) continue;
        if (!*dir) snprintf(dir, sizeof dir, "/");
        sig_path(&g, dir);
        for (size_t k = 0; k < sizeof sib / sizeof *sib; k++) {
            snprintf(path, sizeof path, "%s/%s", dir, sib[k]);
            sig_path(&g, path);
        }
    }
    static const char *const dirs[] = {"text", "names", "cedict", "countries"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", xg_data_dir(), dirs[i]);
        sig_dir(&g, path);
    }
    static const char *const files[] = {"lists/source_codes.tsv", "lists/id_schemes.tsv",
                                        "lists/ofac_cons_programs.tsv"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", xg_data_dir(), files[i]);
        sig_path(&g, path);
    }
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(g.st));
    memcpy(sig, c.digest, 16);
    XXH3_freeState(g.st);
    *newest = g.newest;
    return 0;
}

/* dir/lists-<name as hex>-<build's first 4 bytes as hex>.<ext>: the names of the cache files. */
static void cache_path(char *path, size_t cap, const char *dir, const uint8_t name[16],
                       const uint8_t build[16], const char *ext)
{
    char hex[33], bhex[9];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", name[i]);
    for (int i = 0; i < 4; i++)
        snprintf(bhex + 2 * i, 3, "%02x", build[i]);
    snprintf(path, cap, "%s/lists-%s-%s.%s", dir, hex, bhex, ext);
}

/* The side file of a list set: named by what was asked for (the list paths, the load flags and
 * the data directory) and the build, so that each set asked for has one, rewritten in place. */
static void stat_path(char *path, size_t cap, const char *dir, const char *const *paths,
                      size_t npaths, int load_flags, const uint8_t build[16])
{
    XXH3_state_t *st = XXH3_createState();
    uint8_t name[16] = {0};
    if (st) {
        XXH3_128bits_reset(st);
        XXH3_128bits_update(st, &load_flags, sizeof load_flags);
        for (size_t i = 0; i < npaths; i++)
            XXH3_128bits_update(st, paths[i], strlen(paths[i]) + 1);
        XXH3_128bits_update(st, xg_data_dir(), strlen(xg_data_dir()) + 1);
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
        memcpy(name, c.digest, 16);
        XXH3_freeState(st);
    }
    cache_path(path, cap, dir, name, build, "xgstat");
}

/* The side file's layout: magic, signature, key, and an XXH3-64 of the three. */
typedef struct stat_rec {
    char magic[8];
    uint8_t sig[16];
    uint8_t key[16];
    uint64_t check;
} stat_rec;

static uint64_t stat_check(const stat_rec *r)
{
    return XXH3_64bits(r, offsetof(stat_rec, check));
}

/* The remembered key when the side file is intact and its signature is sig: 0, else -1. */
static int stat_read(const char *path, const uint8_t sig[16], uint8_t key[16])
{
    stat_rec r;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, &r, sizeof r);
    close(fd);
    if (n != (ssize_t)sizeof r || memcmp(r.magic, STAT_MAGIC, 8) || stat_check(&r) != r.check ||
        memcmp(r.sig, sig, 16))
        return -1;
    memcpy(key, r.key, 16);
    return 0;
}

/* Remember key for sig, unless a file was changed too recently to trust its timestamps. Written
 * to a temporary file and renamed; a failure only means the next start hashes. */
static void stat_write(const char *path, const uint8_t sig[16], const uint8_t key[16],
                       long long newest)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (newest > ts_ns(now) - STAT_RACY_NS) return;
    stat_rec r;
    memset(&r, 0, sizeof r);
    memcpy(r.magic, STAT_MAGIC, 8);
    memcpy(r.sig, sig, 16);
    memcpy(r.key, key, 16);
    r.check = stat_check(&r);
    char tmp[4300];
    static atomic_uint serial;
    if (snprintf(tmp, sizeof tmp, "%s.%ld.%u.tmp", path, (long)getpid(),
                 atomic_fetch_add(&serial, 1)) >= (int)sizeof tmp)
        return;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    int ok = write(fd, &r, sizeof r) == (ssize_t)sizeof r;
    if (close(fd)) ok = 0;
    if (!ok || rename(tmp, path)) unlink(tmp);
}

static void set_note(xg_snapshot *s, const char *path, const char *problem)
{
    free(s->file_note);
    size_t n = strlen(path) + strlen(problem) + 64;
    s->file_note = malloc(n);
    if (s->file_note) snprintf(s->file_note, n, "snapshot file %s: %s", path, problem);
}

/* What attaching a file builds goes into one anonymous mapping, populated at once: fresh pages
 * are zero, and one mmap with MAP_POPULATE costs far less than a page fault per page (and the
 * arena's memset) for the 10+ MB of names, tokens and records of the bundled lists. */
typedef struct bump {
    char *p;
    size_t left;
} bump;

static void *bump_take(bump *b, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!b->p || n > b->left) return NULL;
    void *r = b->p;
    b->p += n, b->left -= n;
    return r;
}

#define ROUND16(n) (((n) + 15) & ~(size_t)15)

static size_t attach_bytes(const xg_snapfile *f)
{
    return ROUND16((f->nnames + 1) * sizeof(xg_mname)) +
           ROUND16((f->ntoks + 1) * sizeof(xg_token)) + ROUND16((f->nsymw + 1) * sizeof(xg_symw)) +
           ROUND16((f->nrefs + 1) * sizeof(char *)) + ROUND16((f->nidents + 1) * sizeof(xg_ident)) +
           ROUND16((f->nrecs + 1) * sizeof(xg_record)) +
           ROUND16((f->nfiles + 1) * sizeof(xg_list_file)) +
           ROUND16((f->nsources + 1) * sizeof(xg_source_count)) +
           ROUND16((f->nskipped + 1) * sizeof(xg_skipped_row));
}

static int attach_alloc(xg_snapshot *s, const xg_snapfile *f, bump *b)
{
    size_t n = attach_bytes(f);
#ifdef MADV_HUGEPAGE
    /* transparent huge pages where the system allows them on request (madvise mode): one fault
     * per 2 MB instead of per 4 kB; the region is 2 MB-aligned inside a larger mapping */
    const size_t huge = (size_t)2 << 20;
    if (n >= 2 * huge) {
        size_t len = (n + huge - 1) / huge * huge + huge;
        char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) return -1;
        char *a = (char *)(((uintptr_t)m + huge - 1) & ~(uintptr_t)(huge - 1));
        size_t alen = (len - (size_t)(a - m)) / huge * huge;
        madvise(a, alen, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
        madvise(a, alen, MADV_POPULATE_WRITE); /* one call, as MAP_POPULATE; may be refused */
#endif
        s->attach_mem = m, s->attach_len = len;
        *b = (bump){a, n};
        return 0;
    }
#endif
    void *m =
        mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (m == MAP_FAILED) return -1;
    s->attach_mem = m, s->attach_len = n;
    *b = (bump){m, n};
    return 0;
}

/* A NUL-terminated hash from the file into out[cap] (cut to fit). */
static void copy_hex(char *out, size_t cap, const char *in)
{
    size_t n = strnlen(in, cap - 1);
    memcpy(out, in, n);
    out[n] = '\0';
}

/* The list set of a checked file: records, files, sources and skipped rows in the snapshot's
 * attach mapping, their strings in the file. The set's priv is NULL: xg_listset_free frees only the
 * set itself, and its memory lives as long as the snapshot. */
static const char *attach_lists(xg_snapshot *s, const xg_snapfile *f, bump *a)
{
    xg_listset *l = calloc(1, sizeof *l);
    if (!l) return "out of memory";
    s->lists = l;
    const char **ptr = bump_take(a, (f->nrefs + 1) * sizeof *ptr);
    xg_ident *ids = bump_take(a, (f->nidents + 1) * sizeof *ids);
    l->records = bump_take(a, (f->nrecs + 1) * sizeof *l->records);
    l->files = bump_take(a, (f->nfiles + 1) * sizeof *l->files);
    l->sources = bump_take(a, (f->nsources + 1) * sizeof *l->sources);
    l->skipped = bump_take(a, (f->nskipped + 1) * sizeof *l->skipped);
    if (!f->nskipped) l->skipped = NULL;
    if (!ptr || !ids || !l->records || !l->files || !l->sources || (f->nskipped && !l->skipped))
        return "out of memory";
    for (size_t i = 0; i < f->nrefs; i++)
        ptr[i] = xg_snapfile_str(f, f->refs[i]);
    for (size_t i = 0; i < f->nidents; i++)
        ids[i] = (xg_ident){xg_snapfile_str(f, f->idents[i].scheme),
                            xg_snapfile_str(f, f->idents[i].value),
                            xg_snapfile_str(f, f->idents[i].country)};
    for (size_t i = 0; i < f->nrecs; i++) {
        const xg_snapfile_rec *fr = &f->recs[i];
        l->records[i] = (xg_record){.id = xg_snapfile_str(f, fr->id),
                                    .source = xg_snapfile_str(f, fr->source),
                                    .source_code = xg_snapfile_str(f, fr->source_code),
                                    .type = (xg_party_type)fr->type,
                                    .name = xg_snapfile_str(f, fr->name),
                                    .aliases = fr->naliases ? ptr + fr->aliases : NULL,
                                    .naliases = fr->naliases,
                                    .countries = fr->ncountries ? ptr + fr->countries : NULL,
                                    .ncountries = fr->ncountries,
                                    .ids = fr->nids ? ids + fr->ids : NULL,
                                    .nids = fr->nids,
                                    .addresses = fr->naddresses ? ptr + fr->addresses : NULL,
                                    .naddresses = fr->naddresses,
                                    .programs = fr->nprograms ? ptr + fr->programs : NULL,
                                    .nprograms = fr->nprograms,
                                    .start_date = xg_snapfile_str(f, fr->start_date),
                                    .end_date = xg_snapfile_str(f, fr->end_date),
                                    .parent = xg_snapfile_str(f, fr->parent),
                                    .parent_percent = fr->parent_percent,
                                    .remarks = xg_snapfile_str(f, fr->remarks),
                                    .file = xg_snapfile_str(f, fr->file),
                                    .line = (long)fr->line};
    }
    l->nrecords = f->nrecs;
    for (size_t i = 0; i < f->nfiles; i++) {
        xg_list_file *lf = &l->files[i];
        memset(lf, 0, sizeof *lf);
        lf->path = xg_snapfile_str(f, f->files[i].path);
        lf->format = xg_snapfile_str(f, f->files[i].format);
        lf->records = (size_t)f->files[i].records;
        lf->note = xg_snapfile_str(f, f->files[i].note);
        copy_hex(lf->sha256, sizeof lf->sha256, f->files[i].sha256);
    }
    l->nfiles = f->nfiles;
    for (size_t i = 0; i < f->nsources; i++)
        l->sources[i] = (xg_source_count){xg_snapfile_str(f, f->sources[i].source_code),
                                          xg_snapfile_str(f, f->sources[i].source),
                                          (size_t)f->sources[i].records};
    l->nsources = f->nsources;
    for (size_t i = 0; i < f->nskipped; i++)
        l->skipped[i] =
            (xg_skipped_row){xg_snapfile_str(f, f->skipped[i].file), (long)f->skipped[i].line,
                             xg_snapfile_str(f, f->skipped[i].problem)};
    l->nskipped = f->nskipped;
    copy_hex(l->hash, sizeof l->hash, f->hdr->hash);
    return NULL;
}

/* Point the snapshot at a checked file: names and tokens are rebuilt in the arena with their
 * strings, weights, lengths, ids and bigrams in the mapping; the indexes are the mapping's. */
static const char *attach(xg_snapshot *s, const xg_snapfile *f)
{
    bump a;
    if (attach_alloc(s, f, &a)) return "out of memory";
    const char *problem = attach_lists(s, f, &a);
    if (problem) return problem;
    const xg_listset *l = s->lists;
    s->names = bump_take(&a, (f->nnames + 1) * sizeof *s->names);
    xg_token *toks = bump_take(&a, (f->ntoks + 1) * sizeof *toks);
    s->symw = bump_take(&a, (f->nsymw + 1) * sizeof *s->symw);
    if (!s->names || !toks || !s->symw) return "out of memory";
    for (size_t i = 0; i < f->ntoks; i++) {
        const xg_snapfile_tok *t = &f->toks[i];
        toks[i] = (xg_token){.text = xg_snapfile_str(f, t->text),
                             .symbol = xg_snapfile_str(f, t->symbol),
                             .kind = (xg_token_kind)t->kind,
                             .from_han = t->from_han,
                             .alt = xg_snapfile_str(f, t->alt),
                             .level = t->level};
    }
    for (size_t i = 0; i < f->nnames; i++) {
        const xg_snapfile_name *fn = &f->names[i];
        const xg_record *r = &l->records[fn->record];
        xg_mname *m = &s->names[i];
        if (fn->alias > r->naliases) return "other lists (alias out of range)";
        m->record = fn->record;
        m->raw = fn->alias ? r->aliases[fn->alias - 1] : r->name;
        if (!m->raw) return "other lists (name missing)";
        m->an = (xg_name){.original = xg_snapfile_str(f, fn->original),
                          .folded = xg_snapfile_str(f, fn->folded),
                          .latin = xg_snapfile_str(f, fn->latin),
                          .tokens = toks + fn->tok,
                          .ntokens = fn->ntok,
                          .han = xg_snapfile_str(f, fn->han),
                          .is_person = fn->is_person != 0};
        m->sl = (xg_score_list){.name = &m->an,
                                .w = f->tokw + fn->tok,
                                .len = f->toklen + fn->tok,
                                .acronyms = fn->acronyms,
                                .phrases = fn->phrases,
                                .readings = fn->readings,
                                .repeats = fn->repeats,
                                .big = fn->nbig ? f->big + fn->big : NULL,
                                .nbig = fn->nbig,
                                .tok = f->tokid + fn->tok};
        m->form = fn->form;
    }
    s->nnames = f->nnames;
    for (size_t i = 0; i < f->nsymw; i++)
        s->symw[i] = (xg_symw){f->symw[i].hash, f->symw[i].weight};
    s->nsymw = f->nsymw;
    s->names_idx = f->names_idx;
    s->ids_idx = f->ids_idx;
    return NULL;
}

/* Map path and attach it when it is this key's and this build's; else a note says why not. */
static int try_map(xg_snapshot *s, const char *path, const uint8_t key[16], const uint8_t build[16])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1; /* no file yet: a plain cold start */
    struct stat sb;
    const char *problem = NULL;
    void *m = MAP_FAILED;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode))
        problem = "not a regular file";
    else if (sb.st_size == 0)
        problem = "truncated";
    else if ((m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)) ==
             MAP_FAILED)
        problem = "cannot map";
    close(fd);
    xg_snapfile f;
    if (!problem && !xg_snapfile_parse(&f, m, (size_t)sb.st_size, &problem)) {
        if (memcmp(f.hdr->key, key, 16))
            problem = "other lists or name data (key differs)";
        else if (memcmp(f.hdr->build, build, 16))
            problem = "written by another build or ICU version";
        else
            problem = attach(s, &f);
    }
    if (!problem) {
        s->map = m;
        s->map_len = (size_t)sb.st_size;
        /* measured when the file was written, checked against the tokens by the parser */
        s->tok_meas = (xg_tok_meas *)f.meas;
        s->ntok_meas = f.nmeas;
        s->tok_meas_mapped = true;
        return 0;
    }
    if (m != MAP_FAILED) munmap(m, (size_t)sb.st_size);
    xg_listset_free(s->lists); /* a set half attached: its memory is the snapshot's */
    s->lists = NULL;
    char why[256];
    snprintf(why, sizeof why, "%s; rebuilt", problem);
    set_note(s, path, why);
    return -1;
}

/* How many snapshot files a cache directory keeps: $XGATE_SNAPSHOT_KEEP (1..1000), else 4 — the
 * current lists' file of this binary, and a few for other binaries (a test build beside a release
 * one) or list versions a process may still be asked for. */
static size_t snapshot_keep(void)
{
    const char *env = getenv("XGATE_SNAPSHOT_KEEP");
    char *end;
    long n = env && *env ? strtol(env, &end, 10) : 0;
    return env && *env && !*end && n >= 1 && n <= 1000 ? (size_t)n : 4;
}

typedef struct snap_entry {
    char *name;
    struct timespec mtime;
} snap_entry;

static int cmp_newest(const void *a, const void *b)
{
    const snap_entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec) return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec) return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
    return strcmp(x->name, y->name);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Remove all but the newest `keep` of v[0..n) (and free the names). */
static void prune_oldest(int dfd, snap_entry *v, size_t n, size_t keep)
{
    if (n > keep) {
        qsort(v, n, sizeof *v, cmp_newest);
        for (size_t i = keep; i < n; i++)
            unlinkat(dfd, v[i].name, 0);
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}

static bool push_entry(snap_entry **v, size_t *n, size_t *cap, const char *name,
                       struct timespec mtime)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        snap_entry *nv = realloc(*v, ncap * sizeof *nv);
        if (!nv) return false;
        *v = nv, *cap = ncap;
    }
    if (!((*v)[*n].name = strdup(name))) return false;
    (*v)[(*n)++].mtime = mtime;
    return true;
}

/* Prune the cache directory after a file was written: keep the newest snapshot_keep() files named
 * lists-*.xgsnap (always `keep`, the one just written) and as many stat side files
 * (lists-*.xgstat), and remove temporary files a crashed writer left more than an hour ago. Other
 * files are never touched; a process that has an old file mapped keeps its mapping (the unlinked
 * inode lives on until it is unmapped). */
static void prune_dir(const char *dir, const char *keep)
{
    DIR *d = opendir(dir);
    if (!d) return;
    snap_entry *v = NULL, *sv = NULL;
    size_t n = 0, cap = 0, sn = 0, scap = 0;
    time_t now = time(NULL);
    for (struct dirent *e; (e = readdir(d));) {
        const char *name = e->d_name;
        if (strncmp(name, "lists-", 6)) continue;
        bool snap = has_suffix(name, ".xgsnap"), tmp = has_suffix(name, ".tmp");
        bool side = has_suffix(name, ".xgstat");
        struct stat sb;
        if ((!snap && !tmp && !side) || fstatat(dirfd(d), name, &sb, AT_SYMLINK_NOFOLLOW) ||
            !S_ISREG(sb.st_mode))
            continue;
        if (tmp) {
            if (sb.st_mtime < now - 3600) unlinkat(dirfd(d), name, 0);
            continue;
        }
        if (side) {
            if (!push_entry(&sv, &sn, &scap, name, sb.st_mtim)) break;
            continue;
        }
        if (!strcmp(name, keep)) continue;
        if (!push_entry(&v, &n, &cap, name, sb.st_mtim)) break;
    }
    prune_oldest(dirfd(d), v, n, snapshot_keep() - 1);
    prune_oldest(dirfd(d), sv, sn, snapshot_keep());
    closedir(d);
}

/* Write the snapshot file atomically (temp file, fsync, rename); failure only leaves a note. */
static void write_file(xg_snapshot *s, const char *path, const uint8_t key[16],
                       const uint8_t build[16])
{
    void *buf = NULL;
    size_t len = 0;
    if (xg_snapfile_serialise(&buf, &len, s, key, build)) {
        set_note(s, path, "not written: out of memory");
        return;
    }
    char tmp[4300];
    static atomic_uint serial; /* two loads in one process write apart */
    if (snprintf(tmp, sizeof tmp, "%s.%ld.%u.tmp", path, (long)getpid(),
                 atomic_fetch_add(&serial, 1)) >= (int)sizeof tmp) {
        free(buf);
        return;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int ok = fd >= 0;
    for (size_t done = 0; ok && done < len;) {
        ssize_t w = write(fd, (char *)buf + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            ok = 0;
        else
            done += (size_t)w;
    }
    if (ok && fsync(fd)) ok = 0;
    if (fd >= 0 && close(fd)) ok = 0;
    if (ok && rename(tmp, path)) ok = 0;
    if (ok) {
        const char *slash = strrchr(path, '/');
        char dir[4300];
        if (slash && (size_t)(slash - path) < sizeof dir) {
            memcpy(dir, path, (size_t)(slash - path));
            dir[slash - path] = '\0';
            prune_dir(dir, slash + 1);
        }
    }
    if (!ok) {
        if (fd >= 0) unlink(tmp);
        char why[256];
        snprintf(why, sizeof why, "not written: %s", strerror(errno));
        if (!s->file_note) set_note(s, path, why); /* a rebuild note says more */
    }
    free(buf);
}

/* The file name of a key: the build in it too, so that two binaries (a test build and a release
 * one) keep a file each instead of replacing each other's at every start. */
static void file_path(char *path, size_t cap, const char *dir, const uint8_t key[16],
                      const uint8_t build[16])
{
    cache_path(path, cap, dir, key, build, "xgsnap");
}

/* Parse the lists and build the snapshot without a file. */
static int load_uncached(xg_snapshot **out, const char *const *paths, size_t npaths, int load_flags,
                         const xg_text_ctx *text, double t0)
{
    xg_listset *lists;
    int rc = xg_lists_load(&lists, paths, npaths, load_flags);
    if (rc) return rc;
    if ((rc = xg_snapshot_build(out, lists, text))) {
        xg_listset_free(lists);
        return rc;
    }
    (*out)->load_seconds = xg_clock_seconds() - t0;
    return 0;
}

int xg_snapshot_load(xg_snapshot **out, const char *const *paths, size_t npaths, int load_flags,
                     const xg_text_ctx *text)
{
    double t0 = xg_clock_seconds();
    if (!out || !text) return xg_error_set(XG_EINVAL, "snapshot: text needed");
    if (!paths || !npaths) {
        paths = xg_lists_default_paths();
        for (npaths = 0; paths && paths[npaths]; npaths++) {
        }
    }
    *out = NULL;
    char dir[4096], path[4200], spath[4200];
    uint8_t fp[16], key[16], build[16], sig[16], sig2[16];
    long long newest = 0, newest2 = 0;
    for (size_t i = 0; i < npaths; i++)
        if (!paths[i]) return load_uncached(out, paths, npaths, load_flags, text, t0);
    /* no cache */
    if (xg_cache_dir(dir, sizeof dir))
        return load_uncached(out, paths, npaths, load_flags, text, t0);
    xg_text_analyser_id(build); /* the binary and the ICU it runs with */
    /* the key: remembered for these files' stat signature, else hashed from their bytes */
    stat_path(spath, sizeof spath, dir, paths, npaths, load_flags, build);
    bool have_sig = !stat_signature(sig, &newest, paths, npaths, load_flags);
    bool hashed = !have_sig || stat_read(spath, sig, key);
    if (hashed) {
        /* a list file that cannot be read: the load says why */
        if (lst_fingerprint(fp, paths, npaths))
            return load_uncached(out, paths, npaths, load_flags, text, t0);
        snapshot_key(key, fp, load_flags);
    }
    file_path(path, sizeof path, dir, key, build);
    xg_snapshot *s = snapshot_new(NULL, text);
    if (!s) return xg_error_set(XG_ENOMEM, "snapshot: out of memory");
    s->file_path = strdup(path);
    if (!try_map(s, path, key, build)) {
        /* remember the hashed key when no file changed while it was hashed */
        if (hashed && have_sig && !stat_signature(sig2, &newest2, paths, npaths, load_flags) &&
            !memcmp(sig, sig2, 16))
            stat_write(spath, sig, key, newest2);
        s->origin = "mapped";
        s->key_source = hashed ? "hashed" : "stat";
        s->load_seconds = xg_clock_seconds() - t0;
        *out = s;
        return 0;
    }
    /* rebuild from scratch (a failed attach may have filled the arena half-way) */
    char *note = s->file_note;
    s->file_note = NULL;
    snapshot_free(s);
    xg_listset *lists;
    int rc = lst_load_fingerprinted(&lists, paths, npaths, load_flags, fp);
    if (!rc && (rc = xg_snapshot_build(&s, lists, text))) xg_listset_free(lists);
    if (rc) {
        free(note);
        return rc;
    }
    /* the key of the bytes parsed: a file changed since it was fingerprinted gets its own */
    snapshot_key(key, fp, load_flags);
    file_path(path, sizeof path, dir, key, build);
    s->file_note = note;
    s->file_path = strdup(path);
    s->origin = "built";
    s->key_source = "hashed";
    write_file(s, path, key, build);
    /* the key of the bytes parsed, remembered when no file changed since the signature */
    if (have_sig && !stat_signature(sig2, &newest2, paths, npaths, load_flags) &&
        !memcmp(sig, sig2, 16))
        stat_write(spath, sig, key, newest2);
    s->load_seconds = xg_clock_seconds() - t0;
    *out = s;
    return 0;
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

double xg_snapshot_load_seconds(const xg_snapshot *s)
{
    return s ? s->load_seconds : 0.0;
}

const char *xg_snapshot_origin(const xg_snapshot *s)
{
    return s ? s->origin : "";
}

const char *xg_snapshot_key_source(const xg_snapshot *s)
{
    return s && s->key_source ? s->key_source : "";
}

const char *xg_snapshot_file_path(const xg_snapshot *s)
{
    return s ? s->file_path : NULL;
}

const char *xg_snapshot_file_note(const xg_snapshot *s)
{
    return s ? s->file_note : NULL;
}
