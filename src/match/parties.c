/*
 * parties.c — reverse screening: an index over stored parties' names, queried with list entries.
 *
 * Monitoring asks "which of our million stored parties does this new or changed list entry
 * hit?". Screening every party again would cost the size of the store on every run; instead the
 * parties' names are analysed once into the same kind of key index a snapshot holds (parties are
 * entered under their query-side keys, entries look up with their list-side keys, so the pairs
 * that meet are the pairs a forward screen would meet), and each changed entry ranks parties by
 * the rarity of the keys they share. The best-ranked candidates are then scored forward — the
 * party's name as the query, the entry's analysed name from the snapshot as the listed name, with
 * the snapshot's token weights — so the score and explanation are what `xgate screen` would show
 * for that party against that entry.
 */
#include "match/match_internal.h"
#include "match/score.h"
#include "xgate/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PARTY_ARENA_BLOCK (1 << 20)
#define ENTRY_MAX_KEYS 2048
/* Reverse lookups meet far more names per key than forward ones (a million parties, not 40,000
 * listed names), so the caps are wider than screen.c's: keys held by more parties than this are
 * skipped once a rarer key was used, and at most this many postings are read per entry name. */
#define REV_DF_CAP 20000
#define REV_POSTINGS_BUDGET 200000
/* Party names scored in full per entry name (the best ranked by shared keys). */
#define REV_CANDIDATES 96

typedef struct pname {
    uint32_t party;
    int analysed; /* an is valid (restricted indexes analyse kept names again when scored) */
    const char *raw;
    xg_name an;
} pname;

typedef struct pid {
    uint32_t party;
    const char *value; /* as given (after "SCHEME:") */
    const char *norm;  /* normalised */
} pid;

typedef struct rcand {
    uint32_t name;
    float weight;
} rcand;

struct xg_party_index {
    const xg_text_ctx *text;
    xg_arena arena;
    pname *names;
    size_t nnames, cap;
    size_t ntotal; /* names added, kept or not (the N of the key weights) */
    /* xg_party_index_restrict: the keys the given records look up (open addressing, 0 empty;
     * allow_zero for the key hash 0), the records (sorted), and a scratch arena for analysing
     * names that are not kept */
    uint64_t *allow;
    size_t allow_size;
    int allow_zero, restricted;
    size_t *recs, nrecs;
    xg_arena scratch;
    size_t scratch_names;
    /* the allowed keys sorted (akeys), each slot's rank in it (arank), and the kept (rank, name)
     * pairs, packed by a counting sort instead of the builder's radix sort */
    uint64_t *akeys;
    uint32_t *arank, zero_rank, *prank, *pname_id;
    size_t nakeys, npairs, paircap;
    pid *ids;
    size_t nids, idcap;
    xg_index_builder nb, ib;
    xg_index names_idx, ids_idx;
    int finished;
    /* xg_party_index_record_keys: (key, name ordinal) of every name added, packed at finish */
    int record;
    xg_index_builder rb;
    xg_index rec_idx;
    /* scratch for one query at a time */
    uint32_t gen;
    uint32_t *stamp, *touched;
    float *weight;
    xg_key *keys;
    xg_jw_pattern *pats;
    rcand *heap;
};

int xg_party_index_new(xg_party_index **out, const xg_text_ctx *text)
{
    if (!out || !text) return xg_error_set(XG_EINVAL, "party index: text context needed");
    xg_party_index *pi = calloc(1, sizeof *pi);
    if (!pi) return xg_error_set(XG_ENOMEM, "party index: out of memory");
    pi->text = text;
    xg_arena_init(&pi->arena, PARTY_ARENA_BLOCK);
    xg_arena_init(&pi->scratch, PARTY_ARENA_BLOCK);
    *out = pi;
    return 0;
}

static size_t allow_slot(const xg_party_index *pi, uint64_t key)
{
    return (size_t)(key ^ (key >> 29)) * 0x9E3779B97F4A7C15ull >> 7 & (pi->allow_size - 1);
}

/* The key's rank + 1 among the allowed keys, 0 when not allowed. */
static uint32_t allowed(const xg_party_index *pi, uint64_t key)
{
    if (!key) return pi->allow_zero ? pi->zero_rank + 1 : 0;
    for (size_t h = allow_slot(pi, key);; h = (h + 1) & (pi->allow_size - 1)) {
        if (pi->allow[h] == key) return pi->arank[h] + 1;
        if (!pi->allow[h]) return 0;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int rank_keys(xg_party_index *pi)
{
    pi->akeys = malloc((pi->allow_size + 1) * sizeof *pi->akeys);
    pi->arank = calloc(pi->allow_size, sizeof *pi->arank);
    if (!pi->akeys || !pi->arank) return xg_error_set(XG_ENOMEM, "party index: out of memory");
    size_t n = 0;
    if (pi->allow_zero) pi->akeys[n++] = 0;
    for (size_t h = 0; h < pi->allow_size; h++)
        if (pi->allow[h]) pi->akeys[n++] = pi->allow[h];
    qsort(pi->akeys, n, sizeof *pi->akeys, cmp_u64);
    pi->nakeys = n;
    pi->zero_rank = 0; /* 0 sorts first */
    for (size_t h = 0; h < pi->allow_size; h++) {
        if (!pi->allow[h]) continue;
        const uint64_t *f = bsearch(&pi->allow[h], pi->akeys, n, sizeof *f, cmp_u64);
        pi->arank[h] = (uint32_t)(f - pi->akeys);
    }
    return 0;
}

/* The kept pairs packed into names_idx: postings by key rank, names ascending within a key (the
 * order they were added), the same name under the same key once — as xg_index_builder_finish. */
static int pack_restricted(xg_party_index *pi)
{
    xg_index *idx = &pi->names_idx;
    memset(idx, 0, sizeof *idx);
    uint32_t *count = calloc(pi->nakeys + 1, sizeof *count);
    uint32_t *sorted = malloc((pi->npairs + 1) * sizeof *sorted);
    idx->keys = malloc((pi->nakeys + 1) * sizeof *idx->keys);
    idx->off = malloc((pi->nakeys + 2) * sizeof *idx->off);
    idx->post = malloc((pi->npairs + 1) * sizeof *idx->post);
    if (!count || !sorted || !idx->keys || !idx->off || !idx->post) {
        free(count), free(sorted);
        return xg_error_set(XG_ENOMEM, "party index: out of memory");
    }
    for (size_t i = 0; i < pi->npairs; i++)
        count[pi->prank[i] + 1]++;
    for (size_t r = 0; r < pi->nakeys; r++)
        count[r + 1] += count[r];
    for (size_t i = 0; i < pi->npairs; i++)
        sorted[count[pi->prank[i]]++] = pi->pname_id[i];
    /* count[r] is now the end of rank r's run */
    size_t nk = 0, np = 0, start = 0;
    for (size_t r = 0; r < pi->nakeys; r++) {
        size_t end = count[r];
        if (end == start) continue;
        idx->keys[nk] = pi->akeys[r];
        idx->off[nk++] = (uint32_t)np;
        for (size_t i = start; i < end; i++)
            if (i == start || sorted[i] != sorted[i - 1]) idx->post[np++] = sorted[i];
        start = end;
    }
    idx->off[nk] = (uint32_t)np;
    idx->nkeys = nk;
    idx->npost = np;
    free(count), free(sorted);
    free(pi->prank), free(pi->pname_id);
    pi->prank = pi->pname_id = NULL;
    return 0;
}

static int allow_add(xg_party_index *pi, uint64_t key)
{
    if (!key) {
        pi->allow_zero = 1;
        return 0;
    }
    size_t h = allow_slot(pi, key);
    while (pi->allow[h] && pi->allow[h] != key)
        h = (h + 1) & (pi->allow_size - 1);
    pi->allow[h] = key;
    return 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static size_t first_name_of(const xg_snapshot *snap, size_t record)
{
    size_t lo = 0, hi = snap->nnames;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (snap->names[mid].record < record)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int xg_party_index_restrict(xg_party_index *pi, const xg_snapshot *snap, const size_t *records,
                            size_t n)
{
    if (!pi || !snap || (n && !records) || pi->ntotal || pi->restricted)
        return xg_error_set(XG_EINVAL, "party index: restrict before adding names, once");
    if (!pi->keys && !(pi->keys = malloc(ENTRY_MAX_KEYS * sizeof *pi->keys)))
        return xg_error_set(XG_ENOMEM, "party index: out of memory");
    pi->recs = malloc((n + 1) * sizeof *pi->recs);
    if (!pi->recs) return xg_error_set(XG_ENOMEM, "party index: out of memory");
    memcpy(pi->recs, records, n * sizeof *records);
    qsort(pi->recs, n, sizeof *pi->recs, cmp_size);
    pi->nrecs = n;
    /* count the records' keys to size the set */
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (records[i] >= snap->lists->nrecords)
            return xg_error_set(XG_EINVAL, "party index: no record %zu", records[i]);
        for (size_t mi = first_name_of(snap, records[i]);
             mi < snap->nnames && snap->names[mi].record == records[i]; mi++)
            total += xg_name_keys(pi->keys, ENTRY_MAX_KEYS, &snap->names[mi].an, 0);
    }
    pi->allow_size = 1024;
    while (pi->allow_size < total * 2)
        pi->allow_size <<= 1;
    pi->allow = calloc(pi->allow_size, sizeof *pi->allow);
    if (!pi->allow) return xg_error_set(XG_ENOMEM, "party index: out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t mi = first_name_of(snap, records[i]);
             mi < snap->nnames && snap->names[mi].record == records[i]; mi++) {
            size_t nk = xg_name_keys(pi->keys, ENTRY_MAX_KEYS, &snap->names[mi].an, 0);
            for (size_t k = 0; k < nk; k++)
                allow_add(pi, pi->keys[k].hash);
        }
    int rc = rank_keys(pi);
    if (rc) return rc;
    pi->restricted = 1;
    return 0;
}

int xg_party_index_add_name(xg_party_index *pi, uint32_t party, const char *name)
{
    if (!pi || pi->finished) return xg_error_set(XG_EINVAL, "party index: already finished");
    if (!name || !*name) return 0;
    if (pi->nnames == pi->cap) {
        size_t cap = pi->cap ? pi->cap * 2 : 1024;
        pname *n = realloc(pi->names, cap * sizeof *n);
        if (!n) return xg_error_set(XG_ENOMEM, "party index: out of memory");
        pi->names = n;
        pi->cap = cap;
    }
    if (!pi->keys && !(pi->keys = malloc(ENTRY_MAX_KEYS * sizeof *pi->keys)))
        return xg_error_set(XG_ENOMEM, "party index: out of memory");
    pname *p = &pi->names[pi->nnames];
    if (pi->restricted) {
        /* analysed in scratch memory; kept (its text only) when it holds a key the records look
         * up, analysed again if it becomes a candidate */
        if (++pi->scratch_names % 4096 == 0) {
            xg_arena_free(&pi->scratch);
            xg_arena_init(&pi->scratch, PARTY_ARENA_BLOCK);
        }
        xg_name an;
        int rc = xg_name_analyse(&an, &pi->scratch, pi->text, name, strlen(name), 0);
        if (rc) return rc;
        pi->ntotal++;
        size_t nk = xg_name_keys(pi->keys, ENTRY_MAX_KEYS, &an, 1), kept = 0;
        for (size_t k = 0; pi->record && k < nk; k++)
            if ((rc = xg_index_builder_add(&pi->rb, pi->keys[k].hash, (uint32_t)(pi->ntotal - 1))))
                return rc;
        for (size_t k = 0; k < nk; k++) {
            uint32_t rank = allowed(pi, pi->keys[k].hash);
            if (!rank) continue;
            if (pi->npairs == pi->paircap) {
                size_t cap = pi->paircap ? pi->paircap * 2 : 1 << 16;
                uint32_t *a = realloc(pi->prank, cap * sizeof *a);
                if (a) pi->prank = a;
                uint32_t *b = a ? realloc(pi->pname_id, cap * sizeof *b) : NULL;
                if (!b) return xg_error_set(XG_ENOMEM, "party index: out of memory");
                pi->pname_id = b;
                pi->paircap = cap;
            }
            pi->prank[pi->npairs] = rank - 1;
            pi->pname_id[pi->npairs++] = (uint32_t)pi->nnames;
            kept++;
        }
        if (!kept) return 0;
        memset(p, 0, sizeof *p);
        p->party = party;
        p->raw = xg_arena_strdup(&pi->arena, name);
        if (!p->raw) return xg_error_set(XG_ENOMEM, "party index: out of memory");
        pi->nnames++;
        return 0;
    }
    int rc = xg_name_analyse(&p->an, &pi->arena, pi->text, name, strlen(name), 0);
    if (rc) return rc;
    p->party = party;
    p->analysed = 1;
    p->raw = p->an.original;
    size_t nk = xg_name_keys(pi->keys, ENTRY_MAX_KEYS, &p->an, 1);
    for (size_t k = 0; k < nk; k++)
        if ((rc = xg_index_builder_add(&pi->nb, pi->keys[k].hash, (uint32_t)pi->nnames))) return rc;
    for (size_t k = 0; pi->record && k < nk; k++)
        if ((rc = xg_index_builder_add(&pi->rb, pi->keys[k].hash, (uint32_t)pi->ntotal))) return rc;
    pi->nnames++;
    pi->ntotal++;
    return 0;
}

int xg_party_index_record_keys(xg_party_index *pi)
{
    if (!pi || pi->ntotal || pi->finished)
        return xg_error_set(XG_EINVAL, "party index: record keys before adding names");
    pi->record = 1;
    return 0;
}

int xg_party_index_recorded_keys(xg_party_index *pi, xg_party_keys *out)
{
    if (!pi || !out || !pi->record || !pi->finished)
        return xg_error_set(XG_EINVAL, "party index: no recorded keys");
    *out = (xg_party_keys){.nnames = pi->ntotal,
                           .nkeys = pi->rec_idx.nkeys,
                           .npost = pi->rec_idx.npost,
                           .keys = pi->rec_idx.keys,
                           .off = pi->rec_idx.off,
                           .post = pi->rec_idx.post};
    return 0;
}

static long find_key(const xg_party_keys *k, uint64_t key)
{
    size_t lo = xg_index_lower_bound(k->keys, k->nkeys, key);
    return lo < k->nkeys && k->keys[lo] == key ? (long)lo : -1;
}

int xg_party_index_add_keyed(xg_party_index *pi, const xg_party_keys *k, const uint32_t *party,
                             const char *base, const uint32_t *raw)
{
    if (!pi || !k || !pi->restricted || pi->ntotal || pi->nnames || pi->finished ||
        (k->nnames && (!party || !raw || !base)))
        return xg_error_set(XG_EINVAL, "party index: keyed names go to an empty restricted index");
    if (k->nnames >= UINT32_MAX) return xg_error_set(XG_ETOOBIG, "party index: too many names");
    /* the names holding an allowed key are kept, numbered in ordinal order */
    uint32_t *kept = calloc(k->nnames + 1, sizeof *kept); /* kept index + 1, 0 not kept */
    if (!kept) return xg_error_set(XG_ENOMEM, "party index: out of memory");
    size_t npairs = 0;
    for (size_t r = 0; r < pi->nakeys; r++) {
        long f = find_key(k, pi->akeys[r]);
        if (f < 0) continue;
        for (uint32_t j = k->off[f]; j < k->off[f + 1]; j++)
            kept[k->post[j]] = 1;
        npairs += k->off[f + 1] - k->off[f];
    }
    size_t nkept = 0;
    for (size_t i = 0; i < k->nnames; i++)
        if (kept[i]) kept[i] = (uint32_t)++nkept;
    pi->names = malloc((nkept + 1) * sizeof *pi->names);
    pi->prank = malloc((npairs + 1) * sizeof *pi->prank);
    pi->pname_id = malloc((npairs + 1) * sizeof *pi->pname_id);
    if (!pi->names || !pi->prank || !pi->pname_id) {
        free(kept);
        return xg_error_set(XG_ENOMEM, "party index: out of memory");
    }
    pi->cap = nkept + 1;
    pi->paircap = npairs + 1;
    for (size_t i = 0; i < k->nnames; i++) {
        if (!kept[i]) continue;
        pname *p = &pi->names[kept[i] - 1];
        memset(p, 0, sizeof *p);
        p->party = party[i];
        p->raw = base + raw[i];
    }
    /* pairs in ordinal order, as the adds would have made them (pack_restricted sorts by rank,
     * stably) */
    for (size_t r = 0; r < pi->nakeys; r++) {
        long f = find_key(k, pi->akeys[r]);
        if (f < 0) continue;
        for (uint32_t j = k->off[f]; j < k->off[f + 1]; j++) {
            pi->prank[pi->npairs] = (uint32_t)r;
            pi->pname_id[pi->npairs++] = kept[k->post[j]] - 1;
        }
    }
    free(kept);
    pi->nnames = nkept;
    pi->ntotal = k->nnames;
    return 0;
}

int xg_party_index_add_id(xg_party_index *pi, uint32_t party, const char *id)
{
    if (!pi || pi->finished) return xg_error_set(XG_EINVAL, "party index: already finished");
    if (!id) return 0;
    const char *colon = strchr(id, ':');
    const char *value = colon ? colon + 1 : id;
    char norm[256];
    size_t n = xg_ident_normalise(norm, sizeof norm, value);
    if (!n) return 0;
    if (pi->nids == pi->idcap) {
        size_t cap = pi->idcap ? pi->idcap * 2 : 256;
        pid *v = realloc(pi->ids, cap * sizeof *v);
        if (!v) return xg_error_set(XG_ENOMEM, "party index: out of memory");
        pi->ids = v;
        pi->idcap = cap;
    }
    pid *d = &pi->ids[pi->nids];
    d->party = party;
    d->value = xg_arena_strdup(&pi->arena, value);
    d->norm = xg_arena_strndup(&pi->arena, norm, n);
    if (!d->value || !d->norm) return xg_error_set(XG_ENOMEM, "party index: out of memory");
    int rc = xg_index_builder_add(&pi->ib, xg_key_hash('i', norm, n), (uint32_t)pi->nids);
    if (!rc) pi->nids++;
    return rc;
}

int xg_party_index_finish(xg_party_index *pi)
{
    if (!pi || pi->finished) return xg_error_set(XG_EINVAL, "party index: already finished");
    int rc =
        pi->restricted ? pack_restricted(pi) : xg_index_builder_finish(&pi->nb, &pi->names_idx);
    if (!rc) rc = xg_index_builder_finish(&pi->ib, &pi->ids_idx);
    if (!rc && pi->record) rc = xg_index_builder_finish(&pi->rb, &pi->rec_idx);
    if (rc) return rc;
    size_t n = pi->nnames + 1;
    pi->stamp = calloc(n, sizeof *pi->stamp);
    pi->touched = malloc(n * sizeof *pi->touched);
    pi->weight = malloc(n * sizeof *pi->weight);
    pi->pats = malloc(XG_SCORE_MAX_TOKENS * sizeof *pi->pats);
    pi->heap = malloc(REV_CANDIDATES * sizeof *pi->heap);
    if (!pi->keys) pi->keys = malloc(ENTRY_MAX_KEYS * sizeof *pi->keys);
    if (!pi->stamp || !pi->touched || !pi->weight || !pi->pats || !pi->heap || !pi->keys)
        return xg_error_set(XG_ENOMEM, "party index: out of memory");
    pi->finished = 1;
    return 0;
}

size_t xg_party_index_names(const xg_party_index *pi)
{
    return pi ? pi->ntotal : 0;
}

void xg_party_index_free(xg_party_index *pi)
{
    if (!pi) return;
    xg_index_builder_free(&pi->nb);
    xg_index_builder_free(&pi->ib);
    xg_index_free(&pi->names_idx);
    xg_index_free(&pi->ids_idx);
    xg_index_builder_free(&pi->rb);
    xg_index_free(&pi->rec_idx);
    free(pi->names), free(pi->ids), free(pi->stamp), free(pi->touched), free(pi->weight);
    free(pi->keys), free(pi->pats), free(pi->heap), free(pi->allow), free(pi->recs);
    free(pi->akeys), free(pi->arank), free(pi->prank), free(pi->pname_id);
    xg_arena_free(&pi->arena);
    xg_arena_free(&pi->scratch);
    free(pi);
}

/* ---- query ---- */

typedef struct qk {
    const uint32_t *ids;
    size_t df;
    uint64_t hash;
    char kind;
} qk;

static int cmp_qk(const void *a, const void *b)
{
    const qk *x = a, *y = b;
    if (x->df != y->df) return x->df < y->df ? -1 : 1;
    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

static float key_weight(char kind, size_t df, size_t n)
{
    double idf = log(1.0 + (double)n / (double)df);
    return (float)(kind == 'w' ? 2.0 * idf : kind == 't' || kind == 'p' ? 0.5 * idf : idf);
}

/* Votes of one entry name over party names; returns the number of candidates in pi->heap. */
static size_t candidates(xg_party_index *pi, const xg_name *entry)
{
    size_t nk = xg_name_keys(pi->keys, ENTRY_MAX_KEYS, entry, 0), nq = 0, used = 0, total = 0;
    qk q[ENTRY_MAX_KEYS];
    for (size_t i = 0; i < nk; i++) {
        const uint32_t *ids;
        size_t df = xg_index_get(&pi->names_idx, pi->keys[i].hash, &ids);
        if (df) q[nq++] = (qk){ids, df, pi->keys[i].hash, pi->keys[i].kind};
    }
    qsort(q, nq, sizeof *q, cmp_qk);
    if (++pi->gen == 0) {
        memset(pi->stamp, 0, (pi->nnames + 1) * sizeof *pi->stamp);
        pi->gen = 1;
    }
    size_t ntouched = 0;
    for (size_t i = 0; i < nq; i++) {
        if (i && q[i].hash == q[i - 1].hash) continue;
        if (used && (q[i].df > REV_DF_CAP || total > REV_POSTINGS_BUDGET)) break;
        used++;
        total += q[i].df;
        float w = key_weight(q[i].kind, q[i].df, pi->ntotal);
        for (size_t j = 0; j < q[i].df; j++) {
            uint32_t id = q[i].ids[j];
            if (pi->stamp[id] != pi->gen) {
                pi->stamp[id] = pi->gen;
                pi->weight[id] = 0;
                pi->touched[ntouched++] = id;
            }
            pi->weight[id] += w;
        }
    }
    /* the REV_CANDIDATES heaviest (min-heap on weight) */
    size_t n = 0;
    rcand *h = pi->heap;
    for (size_t t = 0; t < ntouched; t++) {
        rcand c = {pi->touched[t], pi->weight[pi->touched[t]]};
        size_t i;
        if (n < REV_CANDIDATES) {
            i = n++;
            h[i] = c;
            while (i && h[(i - 1) / 2].weight > h[i].weight) {
                rcand tmp = h[i];
                h[i] = h[(i - 1) / 2];
                h[(i - 1) / 2] = tmp;
                i = (i - 1) / 2;
            }
            continue;
        }
        if (c.weight <= h[0].weight) continue;
        h[0] = c;
        for (i = 0;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < n && h[l].weight < h[m].weight) m = l;
            if (r < n && h[r].weight < h[m].weight) m = r;
            if (m == i) break;
            rcand tmp = h[i];
            h[i] = h[m];
            h[m] = tmp;
            i = m;
        }
    }
    return n;
}

/* The party's name prepared as a query (weights from the snapshot), as screen.c prepares one. */
static void prepare(xg_party_index *pi, const xg_snapshot *snap, pname *p, xg_score_query *sq,
                    uint32_t *big)
{
    if (!p->analysed) {
        /* it analysed once when added, so it analyses again */
        if (xg_name_analyse(&p->an, &pi->arena, pi->text, p->raw, strlen(p->raw), 0))
            memset(&p->an, 0, sizeof p->an);
        else
            p->raw = p->an.original;
        p->analysed = 1;
    }
    size_t nbig = p->an.han ? xg_han_bigrams(big, 1024, p->an.han) : 0;
    xg_score_prepare(sq, &p->an, big, nbig, pi->pats);
    xg_snapshot_token_weights(snap, &p->an, sq->w, sq->ntok);
}

typedef struct hitw {
    uint32_t party, pname, mname;
    double score;
} hitw;

static int keep_best(hitw **v, size_t *n, size_t *cap, hitw h)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].party == h.party) {
            if (h.score > (*v)[i].score) (*v)[i] = h;
            return 0;
        }
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        hitw *nv = realloc(*v, c * sizeof *nv);
        if (!nv) return xg_error_set(XG_ENOMEM, "party index: out of memory");
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = h;
    return 0;
}

static int cmp_hit(const void *a, const void *b)
{
    const xg_party_hit *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return x->party < y->party ? -1 : x->party > y->party;
}

#define IDENT_NAME UINT32_MAX

static int ident_hits(xg_party_index *pi, const xg_record *r, hitw **v, size_t *n, size_t *cap)
{
    char norm[256];
    for (size_t k = 0; k < r->nids; k++) {
        if (!r->ids[k].value) continue;
        size_t len = xg_ident_normalise(norm, sizeof norm, r->ids[k].value);
        const uint32_t *ids;
        size_t df = len ? xg_index_get(&pi->ids_idx, xg_key_hash('i', norm, len), &ids) : 0;
        for (size_t j = 0; j < df; j++) {
            const pid *d = &pi->ids[ids[j]];
            if (strcmp(d->norm, norm)) continue;
            int rc = keep_best(v, n, cap, (hitw){d->party, ids[j], IDENT_NAME, 1.0});
            if (rc) return rc;
        }
    }
    return 0;
}

static json_t *explain(xg_party_index *pi, const xg_snapshot *snap, const hitw *h,
                       const xg_record *r, const char **matched, const char **party_name)
{
    if (h->mname == IDENT_NAME) {
        const pid *d = &pi->ids[h->pname];
        *party_name = d->value;
        *matched = xg_arena_printf(&pi->arena, "ID:%s", d->value);
        return json_pack("{s:s,s:s,s:[]}", "method", "identifier", "identifier", d->value,
                         "penalties");
    }
    pname *p = &pi->names[h->pname];
    const xg_mname *m = &snap->names[h->mname];
    xg_score_query sq;
    xg_score_detail d;
    uint32_t big[1024];
    prepare(pi, snap, p, &sq, big);
    xg_score_name(&sq, &m->sl, &d);
    json_t *e = xg_score_explain(&sq, &m->an, &d);
    json_object_set_new(e, "name_kind", json_string(m->raw == r->name ? "primary" : "alias"));
    *matched = m->raw;
    *party_name = p->raw;
    return e;
}

int xg_party_index_screen(xg_party_hit **hits, size_t *nhits, xg_party_index *pi,
                          const xg_snapshot *snap, size_t record, double threshold)
{
    if (!hits || !nhits || !pi || !snap || !pi->finished || record >= snap->lists->nrecords)
        return xg_error_set(XG_EINVAL, "party index: bad query");
    if (threshold < 0) threshold = XG_SCREEN_DEFAULT_THRESHOLD;
    *hits = NULL;
    *nhits = 0;
    if (pi->restricted && !bsearch(&record, pi->recs, pi->nrecs, sizeof *pi->recs, cmp_size))
        return xg_error_set(XG_EINVAL, "party index: record %zu is not one it was restricted to",
                            record);
    const xg_record *r = &snap->lists->records[record];
    /* the entry's analysed names: snapshot names are stored in record order */
    size_t lo = first_name_of(snap, record);
    hitw *v = NULL;
    size_t n = 0, cap = 0;
    int rc = ident_hits(pi, r, &v, &n, &cap);
    uint32_t big[1024];
    xg_score_detail d;
    for (size_t mi = lo; !rc && mi < snap->nnames && snap->names[mi].record == record; mi++) {
        const xg_mname *m = &snap->names[mi];
        size_t nc = candidates(pi, &m->an);
        for (size_t c = 0; c < nc && !rc; c++) {
            pname *p = &pi->names[pi->heap[c].name];
            xg_score_query sq;
            prepare(pi, snap, p, &sq, big);
            double sc = xg_score_name(&sq, &m->sl, &d);
            if (sc >= threshold)
                rc = keep_best(&v, &n, &cap, (hitw){p->party, pi->heap[c].name, (uint32_t)mi, sc});
        }
    }
    xg_party_hit *out = NULL;
    if (!rc && n && !(out = calloc(n, sizeof *out)))
        rc = xg_error_set(XG_ENOMEM, "party index: out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        out[i].party = v[i].party;
        out[i].score = v[i].score;
        out[i].explanation = explain(pi, snap, &v[i], r, &out[i].matched, &out[i].party_name);
    }
    free(v);
    if (rc) {
        free(out);
        return rc;
    }
    if (n) qsort(out, n, sizeof *out, cmp_hit);
    *hits = out;
    *nhits = n;
    return 0;
}

void xg_party_hits_free(xg_party_hit *hits, size_t n)
{
    for (size_t i = 0; hits && i < n; i++)
        json_decref(hits[i].explanation);
    free(hits);
}
