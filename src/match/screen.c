/*
 * screen.c — one screening query: candidates from the index, scores, and the result.
 *
 * The query is analysed like a listed name. Its keys are looked up rarest first; each name
 * sharing keys gains the keys' inverse document frequency, and only the best-ranked few dozen
 * names are scored in full — so a query costs the same whether the lists hold 1,000 or 100,000
 * names, and never scans them all. Scores are kept per record (best name or alias). Identifier
 * matches (`--id USCC:…`) come from their own index and score 1.0. Delisted records are reported
 * apart and never alert; the best score under the threshold is kept as a near-miss signal.
 * All per-query memory lives in one arena owned by the result.
 */
#include "match/match_internal.h"
#include "match/score.h"
#include "xgate/country.h"
#include "xgate/error.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define QUERY_MAX_KEYS 2048
/* Keys held by more names than this are skipped once a rarer key has been used: "ion" or
 * "china" would touch thousands of names and add almost nothing to the ranking. */
#define DF_CAP 3000
/* Postings read per query at most (rarest keys first): bounds the cost of long queries. */
#define POSTINGS_BUDGET 40000
/* Names scored in full per query: enough that a name ranked low by shared keys (a typo in a
 * rare word) is still scored, few enough to keep a query well under a millisecond. */
#define CANDIDATES_MIN 64
#define CANDIDATES_MAX 400
/* Matches reported per query at most, whatever the caller asks. */
#define LIMIT_MAX 10000

/* First block of a result's arena (the query text, the match arrays, identifier strings): under
 * 1 kB with its header, malloc serves it from its thread cache without consolidating. */
#define RESULT_ARENA_BLOCK 960

#define ROUND_UP16(n) (((n) + 15) & ~(size_t)15)

const double XG_SCREEN_DEFAULT_THRESHOLD = 0.80;

typedef struct cand {
    uint32_t name;
    float weight;
} cand;

typedef struct rec_best {
    uint32_t record, name;
    double score;
    int by_ident;
    const char *ident_scheme, *ident_value, *list_scheme;
    const char *query_scheme; /* the query's scheme when it differs from the list's, else NULL */
    const xg_score_detail *detail; /* the best name's, kept from scoring; NULL: score it again */
} rec_best;

typedef struct screen_priv {
    xg_arena arena; /* what the result holds; the query's temporaries are in xg_votes.scratch */
    xg_screen_match near;
    const xg_token *qtok; /* the query's tokens as the explanations read them, in the arena once
                           * a name match is reported; NULL before */
} screen_priv;

/* What a match's explanation is made of (xg_screen_match.why), in the result's arena: the JSON
 * is built only when asked (xg_screen_match_explanation), so a caller that reads scores pays for
 * none. For a name: the query's tokens (shared by the result's matches), the listed name (the
 * snapshot's) and the scorer's detail, cut after its pairs; for an identifier: the strings. */
typedef struct match_why {
    int by_ident;
    const char *ident_value, *list_scheme, *query_scheme;
    const xg_token *qtok;
    size_t ntok;
    int truncated, alias;
    const xg_name *list;
    xg_score_detail d; /* last: only XG_SCORE_DETAIL_SIZE(d.npairs) bytes of it are allocated */
} match_why;

static double key_weight(char kind, size_t df, size_t n)
{
    double idf = log(1.0 + (double)n / (double)df);
    switch (kind) {
    case 'w':
        return 2.0 * idf;
    case 't':
    case 'p':
        return 0.5 * idf;
    default:
        return idf;
    }
}

typedef struct qkey {
    uint64_t hash;
    char kind;
    const uint32_t *ids;
    size_t df;
} qkey;

static int qkey_before(const qkey *x, const qkey *y)
{
    if (x->df != y->df) return x->df < y->df;
    return x->hash < y->hash;
}

/* The query's keys, rarest first, stably (the order glibc's qsort gave them). */
XG_DEFINE_STABLE_SORT(sort_qkeys, qkey, qkey_before)

/* Room for every key of a name this long: words give ~20 keys, Han characters one each. */
static size_t keys_cap(const xg_name *qn)
{
    size_t cap = 64 + 48 * qn->ntokens + (qn->han ? strlen(qn->han) : 0);
    return cap > QUERY_MAX_KEYS ? QUERY_MAX_KEYS : cap;
}

/* Rarity-weighted votes per name, into the vote buffer v (touched names listed); keys: room for
 * keys_cap(qn) keys. */
static int accumulate(const xg_snapshot *s, const xg_name *qn, xg_arena *a, xg_votes *v,
                      xg_key *keys)
{
    size_t cap = keys_cap(qn);
    size_t nk = xg_name_keys(keys, cap, qn, 1), nq = 0, total = 0;
    /* the looked-up keys and the sort's room: as many as the name gave, not `cap` */
    qkey *qk = xg_arena_alloc(a, 2 * (nk + 1) * sizeof *qk);
    if (!qk) return xg_error_set(XG_ENOMEM, "screen: out of memory");
    /* A query word found whole needs no fuzzy keys: its trigrams and phonetic key would only
     * add thousands of postings for names that share letters with it. The words' postings are
     * kept from this first look (each key is looked up once). */
    uint64_t found[4] = {0};
    for (size_t i = 0; i < nk; i++) {
        if (keys[i].kind != 'w') continue;
        const uint32_t *ids;
        size_t df = xg_index_get(&s->names_idx, keys[i].hash, &ids);
        qk[i] = (qkey){keys[i].hash, 'w', ids, df};
        if (df && keys[i].tok < 256) found[keys[i].tok / 64] |= 1ULL << (keys[i].tok % 64);
    }
    for (size_t i = 0; i < nk; i++) {
        if (keys[i].kind == 'w') { /* looked up above; nq <= i, so qk[i] is still there */
            if (qk[i].df) qk[nq++] = qk[i];
            continue;
        }
        const uint32_t *ids;
        int fuzzy = keys[i].kind == 't' || keys[i].kind == 'p';
        if (fuzzy && keys[i].tok < 256 && (found[keys[i].tok / 64] >> (keys[i].tok % 64) & 1))
            continue;
        size_t df = xg_index_get(&s->names_idx, keys[i].hash, &ids);
        if (df) qk[nq++] = (qkey){keys[i].hash, keys[i].kind, ids, df};
    }
    sort_qkeys(qk, nq, qk + nk + 1);
    size_t used = 0;
    for (size_t i = 0; i < nq; i++) {
        if (i && qk[i].hash == qk[i - 1].hash) continue;
        if (used && (qk[i].df > DF_CAP || total > POSTINGS_BUDGET)) break;
        qk[used++] = qk[i];
        total += qk[i].df;
    }
    xg_vote *vote = v->vote; /* all 0: top_k set back the last query's */
    uint32_t *touched = v->touched;
    size_t ntouched = 0; /* a local: the stores below cannot alias it */
    /* one posting: a positive weight's bits are not 0, so "untouched" is an integer test. The
     * name is written to the touched list whatever its vote and kept only when new: no branch on
     * a vote that is a cache miss (new or not is a coin toss the CPU would mispredict, and each
     * miss would wait on the vote's load) */
#define VOTE(id_)                                                                                  \
    do {                                                                                           \
        uint32_t id = (id_), bits;                                                                 \
        float x = vote[id];                                                                        \
        memcpy(&bits, &x, sizeof bits);                                                            \
        touched[ntouched] = id;                                                                    \
        ntouched += !bits;                                                                         \
        vote[id] = x + w;                                                                          \
    } while (0)
    for (size_t i = 0; i < used; i++) {
        float w = (float)key_weight(qk[i].kind, qk[i].df, s->nnames);
        const uint32_t *ids = qk[i].ids, *end = ids + qk[i].df;
        /* four postings a turn, in order (one loop test for four) */
        for (; end - ids >= 4; ids += 4) {
            VOTE(ids[0]);
            VOTE(ids[1]);
            VOTE(ids[2]);
            VOTE(ids[3]);
        }
        for (; ids < end; ids++)
            VOTE(*ids);
    }
#undef VOTE
    v->ntouched = ntouched;
    return 0;
}

/* Keep the k heaviest voted names (min-heap on weight); returns how many were kept. Names are
 * stored +1 in cand.name. Every touched name's vote is set back to 0 here, for the next query. */
static size_t top_k(cand *heap, size_t k, xg_votes *v)
{
    size_t n = 0, t = 0;
    xg_vote *vote = v->vote;
    const uint32_t *touched = v->touched;
    const size_t ntouched = v->ntouched;
    for (; t < ntouched && n < k; t++) { /* the heap fills */
        uint32_t id = touched[t];
        cand c = {id + 1, vote[id]};
        vote[id] = 0;
        size_t i = n++;
        heap[i] = c;
        while (i && heap[(i - 1) / 2].weight > heap[i].weight) {
            cand tmp = heap[i];
            heap[i] = heap[(i - 1) / 2];
            heap[(i - 1) / 2] = tmp;
            i = (i - 1) / 2;
        }
    }
    float least = n ? heap[0].weight : 0; /* the heap's lightest, kept in a register */
    while (t < ntouched) { /* the heap is full: a name enters only heavier than its least */
        /* four names a turn while none of them enters (the touched names are distinct) */
        for (; ntouched - t >= 4; t += 4) {
            uint32_t a = touched[t], b = touched[t + 1], c = touched[t + 2], d = touched[t + 3];
            if (vote[a] > least || vote[b] > least || vote[c] > least || vote[d] > least) break;
            vote[a] = vote[b] = vote[c] = vote[d] = 0;
        }
        if (t == ntouched) break;
        uint32_t id = touched[t++];
        float w = vote[id];
        vote[id] = 0;
        if (!(w > least)) continue;
        heap[0] = (cand){id + 1, w};
        for (size_t i = 0;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < n && heap[l].weight < heap[m].weight) m = l;
            if (r < n && heap[r].weight < heap[m].weight) m = r;
            if (m == i) break;
            cand tmp = heap[i];
            heap[i] = heap[m];
            heap[m] = tmp;
            i = m;
        }
        least = heap[0].weight;
    }
    v->ntouched = 0;
    return n;
}

static int country_ok(const xg_record *r, const char *cc)
{
    if (!cc || !*cc || !r->ncountries) return 1;
    for (size_t i = 0; i < r->ncountries; i++)
        if (!strcasecmp(r->countries[i], cc)) return 1;
    return 0;
}

static int record_ok(const xg_record *r, const xg_screen_query *q)
{
    if (!country_ok(r, q->country)) return 0;
    if (q->is_person &&
        (r->type == XG_PARTY_ENTITY || r->type == XG_PARTY_VESSEL || r->type == XG_PARTY_AIRCRAFT))
        return 0;
    return 1;
}

/* Per-record best in an open-addressing table keyed by record index + 1. */
typedef struct best_table {
    uint32_t *keys;
    rec_best **vals;
    size_t size;
    rec_best *items;
    size_t n, cap;
} best_table;

static rec_best *best_slot(best_table *b, uint32_t record, int *fresh)
{
    size_t h = ((record + 1) * 2654435761u) & (b->size - 1);
    while (b->keys[h] && b->keys[h] != record + 1)
        h = (h + 1) & (b->size - 1);
    *fresh = !b->keys[h];
    if (*fresh) {
        if (b->n == b->cap) return NULL;
        b->keys[h] = record + 1;
        b->vals[h] = &b->items[b->n++];
        *b->vals[h] = (rec_best){.record = record}; /* the items are not zeroed */
    }
    return b->vals[h];
}

/* The same value under another scheme (a passport number equal to a registration number) is not
 * an exact identifier match: it still alerts, for review, but below exact ones, and says so. */
#define XG_IDENT_OTHER_SCHEME 0.9

/* The query's scheme in the lists' vocabulary ("Unified Social Credit Code" → USCC), or NULL. */
static const char *query_scheme(xg_arena *a, const char *id, const char *colon)
{
    if (!colon || colon == id) return NULL;
    char *label = xg_arena_strndup(a, id, (size_t)(colon - id));
    char scheme[256];
    if (!label || xg_lists_id_scheme(scheme, sizeof scheme, label) != XG_OK || !scheme[0])
        return NULL;
    return xg_arena_strdup(a, scheme);
}

static int ident_matches(const xg_snapshot *s, const xg_screen_query *q, best_table *bt,
                         xg_arena *a)
{
    char norm[256], lnorm[256];
    for (size_t i = 0; i < q->nids; i++) {
        const char *colon = q->ids[i] ? strchr(q->ids[i], ':') : NULL;
        const char *value = colon ? colon + 1 : q->ids[i];
        if (!value) continue;
        const char *qs = query_scheme(a, q->ids[i], colon);
        size_t n = xg_ident_normalise(norm, sizeof norm, value);
        const uint32_t *recs;
        size_t nr = n ? xg_index_get(&s->ids_idx, xg_key_hash('i', norm, n), &recs) : 0;
        for (size_t k = 0; k < nr; k++) {
            const xg_record *r = &s->lists->records[recs[k]];
            if (!record_ok(r, q)) continue;
            for (size_t j = 0; j < r->nids; j++) {
                if (!r->ids[j].value) continue;
                xg_ident_normalise(lnorm, sizeof lnorm, r->ids[j].value);
                if (strcmp(norm, lnorm)) continue;
                const char *ls = r->ids[j].scheme;
                /* only two known schemes can be said to differ ("ID", "TAX" vs TAX_ID: no) */
                int other = qs && ls && strcmp(qs, ls) != 0 && xg_lists_id_scheme_known(qs) &&
                            xg_lists_id_scheme_known(ls);
                double score = other ? XG_IDENT_OTHER_SCHEME : 1.0;
                int fresh;
                rec_best *b = best_slot(bt, recs[k], &fresh);
                if (!b) break;
                if (!fresh && b->by_ident && b->score >= score) continue;
                b->score = score;
                b->by_ident = 1;
                b->ident_scheme = colon ? q->ids[i] : NULL;
                b->ident_value = value;
                b->list_scheme = ls;
                b->query_scheme = other ? qs : NULL;
                if (!other) break;
            }
        }
    }
    return 0;
}

/* Scores of name forms already scored in this query (see xg_mname.form): open addressing on
 * form + 1. */
typedef struct form_memo {
    uint32_t *keys;
    double *score;
    const xg_score_detail **detail; /* the form's detail when a record kept it, else NULL */
    size_t size;
} form_memo;

static size_t memo_slot(form_memo *fm, uint32_t form, int *fresh)
{
    size_t h = ((form + 1) * 2654435761u) & (fm->size - 1);
    while (fm->keys[h] && fm->keys[h] != form + 1)
        h = (h + 1) & (fm->size - 1);
    *fresh = !fm->keys[h];
    fm->keys[h] = form + 1;
    return h;
}

/* How many candidates ahead score_candidates fetches a name's data into the cache. */
#define XG_PREFETCH_AHEAD 4

/* details: room for nc + 1 details, not zeroed (xg_score_name sets all it reads). */
static int score_candidates(const xg_snapshot *s, const xg_screen_query *q, xg_score_query *sq,
                            const cand *c, size_t nc, best_table *bt, xg_arena *a,
                            xg_score_detail *details)
{
    form_memo fm = {.size = 64};
    while (fm.size < 2 * nc)
        fm.size <<= 1;
    fm.keys = xg_arena_alloc(a, fm.size * sizeof *fm.keys);
    fm.score = xg_arena_alloc(a, fm.size * sizeof *fm.score);
    fm.detail = xg_arena_alloc(a, fm.size * sizeof *fm.detail);
    /* the detail being scored into; a record that keeps it takes it, and the next is used */
    xg_score_detail *d = details++;
    if (!fm.keys || !fm.score || !fm.detail)
        return xg_error_set(XG_ENOMEM, "screen: out of memory");
    /* token similarities shared by the candidates (they share words with the query), kept in the
     * scratch arena for the matches scored again when the result is assembled */
    xg_sim_memo *memo = xg_arena_alloc(a, sizeof *memo);
    if (!memo) return xg_error_set(XG_ENOMEM, "screen: out of memory");
    *memo = (xg_sim_memo){.meas = s->tok_meas, .size = 64, .arena = a};
    size_t ntok = 0;
    for (size_t i = 0; i < nc; i++)
        ntok += s->names[c[i].name - 1].an.ntokens;
    /* a quarter of the candidates' tokens: they share most (a query meets about a hundred
     * distinct list tokens in a thousand); the memo doubles when half full */
    while (memo->size < ntok / 2 && memo->size < XG_SIM_MEMO_MAX)
        memo->size <<= 1;
    memo->keys = xg_arena_alloc(a, memo->size * sizeof *memo->keys);
    memo->rows = xg_arena_alloc(a, memo->size * sizeof *memo->rows);
    if (!memo->keys || !memo->rows) return xg_error_set(XG_ENOMEM, "screen: out of memory");
    sq->memo = memo;
    for (size_t i = 0; i < nc; i++) {
        /* Candidates sit anywhere in the snapshot: their names, records and tokens are cache
         * misses that the scorer would wait on. Fetch them ahead, in two steps: the name a few
         * candidates on, then what that name points at once it is in cache. No effect on
         * results. */
        if (i + 2 * XG_PREFETCH_AHEAD < nc) {
            /* all of it: a name is 160 bytes, three cache lines whatever its alignment (the
             * third holds the token ids and the form, read first) */
            const char *f = (const char *)&s->names[c[i + 2 * XG_PREFETCH_AHEAD].name - 1];
            for (size_t o = 0; o < sizeof(xg_mname); o += 64)
                __builtin_prefetch(f + o);
        }
        if (i + XG_PREFETCH_AHEAD < nc) {
            const xg_mname *f = &s->names[c[i + XG_PREFETCH_AHEAD].name - 1];
            __builtin_prefetch(&s->lists->records[f->record]);
            /* its tokens' first three cache lines, its token ids, weights and lengths: with no
             * test on the name's fields (a prefetch never faults, past an array's end or at NULL),
             * so no branch waits on a name that is still on its way */
            const char *t = (const char *)f->an.tokens;
            __builtin_prefetch(t);
            __builtin_prefetch(t + 64);
            __builtin_prefetch(t + 128);
            __builtin_prefetch(f->sl.tok);
            __builtin_prefetch(f->sl.w);
            __builtin_prefetch(f->sl.len);
        }
        const xg_mname *m = &s->names[c[i].name - 1];
        const xg_record *r = &s->lists->records[m->record];
        if (!record_ok(r, q)) continue;
        int fresh, fresh_rec;
        size_t h = memo_slot(&fm, m->form, &fresh);
        double sc = fresh ? (fm.score[h] = xg_score_name(sq, &m->sl, d)) : fm.score[h];
        if (sc <= 0) continue;
        rec_best *b = best_slot(bt, m->record, &fresh_rec);
        if (!b || (!fresh_rec && (b->by_ident || b->score >= sc))) continue;
        b->score = sc;
        b->name = c[i].name - 1;
        if (fresh) { /* the record keeps this detail: score the next form into a new one */
            fm.detail[h] = d;
            d = details++; /* at most one per candidate is kept */
        }
        b->detail = fm.detail[h];
    }
    return 0;
}

/* Best first: higher score, then lower record index (records are unique: a total order). */
static int best_before(const rec_best *x, const rec_best *y)
{
    if (x->score != y->score) return x->score > y->score;
    return x->record < y->record;
}

static int best_ptr_before(const rec_best *const *x, const rec_best *const *y)
{
    return best_before(*x, *y);
}

/* Pointers to the per-record bests; the order is total, so it is the one qsort gave, without
 * moving the records. */
XG_DEFINE_STABLE_SORT(sort_best, const rec_best *, best_ptr_before)

static json_t *ident_explain(const match_why *b)
{
    json_t *e = json_object();
    json_object_set_new_nocheck(e, "method", json_string_nocheck("identifier"));
    json_object_set_new_nocheck(e, "identifier", json_string(b->ident_value));
    if (b->list_scheme) json_object_set_new_nocheck(e, "list_scheme", json_string(b->list_scheme));
    json_t *pen = json_array();
    if (b->query_scheme)
        json_array_append_new(pen,
                              json_pack("{s:s,s:s,s:s,s:f}", "kind", "identifier_scheme_differs",
                                        "query_scheme", b->query_scheme, "list_scheme",
                                        b->list_scheme, "score", XG_IDENT_OTHER_SCHEME));
    json_object_set_new_nocheck(e, "penalties", pen);
    return e;
}

json_t *xg_screen_match_explanation(const xg_screen_match *m)
{
    const match_why *w = m ? m->why : NULL;
    if (!w) return NULL;
    if (w->by_ident) return ident_explain(w);
    json_t *e = xg_score_explain_tokens(w->qtok, w->ntok, w->truncated, w->list, &w->d);
    json_object_set_new_nocheck(e, "name_kind",
                                json_string_nocheck(w->alias ? "alias" : "primary"));
    return e;
}

int xg_screen_match_explanation_write(const xg_screen_match *m, xg_buf *b)
{
    const match_why *w = m ? m->why : NULL;
    if (!w || !b) return -1;
    if (w->by_ident) return 1;
    size_t start = b->len;
    int rc = xg_score_explain_write(b, w->qtok, w->ntok, w->truncated, w->list, &w->d);
    if (rc == 0 &&
        xg_buf_puts(b, w->alias ? ",\"name_kind\":\"alias\"}" : ",\"name_kind\":\"primary\"}"))
        rc = -1;
    if (rc) b->len = start;
    return rc;
}

/* The query's tokens the explanations read (xg_score_explain_tokens), copied once per result
 * from the scratch arena, which is reset after the query. NULL on ENOMEM. */
static const xg_token *query_tokens(screen_priv *p, const xg_score_query *sq)
{
    if (p->qtok || !sq->ntok) return p->qtok;
    xg_arena *a = &p->arena;
    xg_token *t = xg_arena_alloc(a, sq->ntok * sizeof *t);
    if (!t) return NULL;
    for (size_t i = 0; i < sq->ntok; i++) {
        const xg_token *q = &sq->name->tokens[i];
        /* the symbol is not read (and would point into the scratch arena) */
        t[i] = (xg_token){
            .kind = q->kind, .from_han = q->from_han, .level = q->level, .place = q->place};
        if (!(t[i].text = xg_arena_strdup(a, q->text ? q->text : "")) ||
            (q->alt && !(t[i].alt = xg_arena_strdup(a, q->alt))) ||
            (q->sound && !(t[i].sound = xg_arena_strdup(a, q->sound))) ||
            (q->senses && !(t[i].senses = xg_arena_strdup(a, q->senses))) ||
            (q->pieces && !(t[i].pieces = xg_arena_strdup(a, q->pieces))))
            return NULL;
    }
    return p->qtok = t;
}

static int fill_match(xg_screen_match *m, const xg_snapshot *s, const xg_score_query *sq,
                      const rec_best *b, screen_priv *p)
{
    xg_arena *a = &p->arena;
    m->record = &s->lists->records[b->record];
    m->score = b->score;
    if (b->by_ident) {
        const char *scheme = b->list_scheme ? b->list_scheme : "ID";
        m->matched = xg_arena_printf(a, "ID:%s:%s", scheme, b->ident_value);
        match_why *w = xg_arena_alloc(a, offsetof(match_why, d));
        if (!m->matched || !w || !(w->ident_value = xg_arena_strdup(a, b->ident_value)) ||
            (b->query_scheme && !(w->query_scheme = xg_arena_strdup(a, b->query_scheme))))
            return xg_error_set(XG_ENOMEM, "screen: out of memory");
        w->by_ident = 1;
        w->list_scheme = b->list_scheme; /* the record's: the snapshot's */
        m->why = w;
        return 0;
    }
    const xg_mname *nm = &s->names[b->name];
    m->matched = nm->raw;
    xg_score_detail d; /* scored again only when the detail was not kept */
    const xg_score_detail *kept = b->detail;
    if (!kept) {
        xg_score_name(sq, &nm->sl, &d);
        kept = &d;
    }
    match_why *w = xg_arena_alloc(a, offsetof(match_why, d) + XG_SCORE_DETAIL_SIZE(kept->npairs));
    const xg_token *qt = query_tokens(p, sq);
    if (!w || (sq->ntok && !qt)) return xg_error_set(XG_ENOMEM, "screen: out of memory");
    memcpy(&w->d, kept, XG_SCORE_DETAIL_SIZE(kept->npairs));
    w->qtok = qt;
    w->ntok = sq->ntok;
    w->truncated = sq->truncated;
    w->list = &nm->an;
    w->alias = nm->raw != m->record->name;
    m->why = w;
    return 0;
}

static int assemble(xg_screen_result *r, const xg_snapshot *s, const xg_screen_query *q,
                    const xg_score_query *sq, best_table *bt, const char *as_of, int limit,
                    xg_arena *scratch)
{
    screen_priv *p = r->priv;
    const rec_best **order = xg_arena_alloc(scratch, 2 * (bt->n + 1) * sizeof *order);
    if (!order) return xg_error_set(XG_ENOMEM, "screen: out of memory");
    /* Only the records at or above the threshold are reported in order; under it, only the best
     * that is not delisted is (the near miss). So only the first are sorted, and the near miss is
     * the best of the others by the same total order — what sorting all of them gave. */
    size_t nabove = 0;
    const rec_best *near = NULL;
    for (size_t i = 0; i < bt->n; i++) {
        const rec_best *b = &bt->items[i];
        if (b->score >= r->threshold)
            order[nabove++] = b;
        else if ((!near || best_before(b, near)) &&
                 !xg_record_is_delisted(&s->lists->records[b->record], as_of))
            near = b;
    }
    sort_best(order, nabove, order + bt->n + 1);
    /* room for what will be reported, not for `limit`: the result's arena stays one small block */
    size_t nm = 0, nd = 0;
    for (size_t i = 0; i < nabove; i++)
        if (xg_record_is_delisted(&s->lists->records[order[i]->record], as_of))
            nd += nd < (size_t)limit;
        else
            nm += nm < (size_t)limit;
    r->matches = xg_arena_alloc(&p->arena, (nm + 1) * sizeof *r->matches);
    r->delisted = xg_arena_alloc(&p->arena, (nd + 1) * sizeof *r->delisted);
    if (!r->matches || !r->delisted) return xg_error_set(XG_ENOMEM, "screen: out of memory");
    for (size_t i = 0; i < nabove; i++) {
        const rec_best *b = order[i];
        int gone = xg_record_is_delisted(&s->lists->records[b->record], as_of);
        int rc = 0;
        if (gone && r->ndelisted < (size_t)limit)
            rc = fill_match(&r->delisted[r->ndelisted++], s, sq, b, p);
        else if (!gone && r->nmatches < (size_t)limit)
            rc = fill_match(&r->matches[r->nmatches++], s, sq, b, p);
        if (rc) return rc;
    }
    if (near) {
        int rc = fill_match(&p->near, s, sq, near, p);
        if (rc) return rc;
        r->best_below = near->score;
        r->near_miss = &p->near;
    }
    return 0;
}

static int validate(const xg_screen_query *q)
{
    if (!q || !q->name) return xg_error_set(XG_EINVAL, "screen: a name is required");
    if (q->threshold > 1.0)
        return xg_error_set(XG_EINVAL, "screen: threshold %g is outside [0, 1]", q->threshold);
    if (q->as_of && !xg_date_valid(q->as_of))
        return xg_error_set(XG_EINVAL, "screen: as-of date '%s' is not YYYY-MM-DD", q->as_of);
    if (!xg_utf8_valid(q->name, strlen(q->name)))
        return xg_error_set(XG_EUTF8, "screen: the name is not valid UTF-8");
    /* An unknown code would silently drop every record with a known country: refuse it (unless
     * the country table itself failed to load, when any two letters pass). */
    if (q->country && *q->country) {
        const char *cc = xg_country_code(q->country);
        if (strlen(q->country) != 2 || (xg_country_status() == 0 && !cc))
            return xg_error_set(XG_EINVAL, "screen: country '%s' is not a known ISO-2 code",
                                q->country);
    }
    return 0;
}

/* Analyse the query and prepare its scorer (patterns per token, Han bigrams, weights). */
static int prepare_query(xg_score_query *sq, xg_name *qn, const xg_snapshot *s,
                         const xg_screen_query *q, xg_votes *v)
{
    int rc = xg_name_analyse(qn, &v->scratch, s->text, q->name, strlen(q->name),
                             q->is_person ? XG_NAME_PERSON : 0);
    if (rc) return rc;
    /* a string of n bytes has fewer than n character bigrams */
    size_t bigcap = qn->han ? strlen(qn->han) : 0;
    bigcap = bigcap > 1024 ? 1024 : bigcap;
    uint32_t *big = bigcap ? xg_arena_alloc(&v->scratch, bigcap * sizeof *big) : NULL;
    if (bigcap && !big) return xg_error_set(XG_ENOMEM, "screen: out of memory");
    size_t nbig = bigcap ? xg_han_bigrams(big, bigcap, qn->han) : 0;
    /* v->pats holds XG_SCORE_MAX_TOKENS patterns, as many as the scorer prepares */
    xg_score_prepare(sq, qn, big, nbig, v->pats);
    sq->text = s->text;
    xg_snapshot_token_weights(s, qn, sq->w, sq->ntok);
    return 0;
}

static int run_with(xg_screen_result *r, const xg_snapshot *s, const xg_screen_query *q,
                    xg_votes *v, const char *as_of)
{
    xg_arena *a = &v->scratch;
    int limit = q->limit > 0 ? q->limit : 10;
    if (limit > LIMIT_MAX) limit = LIMIT_MAX;
    xg_name *qn = xg_arena_alloc(a, sizeof *qn);
    if (!qn) return xg_error_set(XG_ENOMEM, "screen: out of memory");
    /* about 10 kB, not zeroed (as parties.c): xg_score_prepare sets all the scorer reads */
    xg_score_query sqs, *sq = &sqs;
    int rc = prepare_query(sq, qn, s, q, v);
    if (rc) return rc;
    size_t k = (size_t)limit * 6;
    k = k < CANDIDATES_MIN ? CANDIDATES_MIN : k > CANDIDATES_MAX ? CANDIDATES_MAX : k;
    cand *heap = xg_arena_alloc(a, k * sizeof *heap);
    best_table bt = {.size = 64, .cap = k + q->nids * 4 + 16};
    while (bt.size < 2 * bt.cap)
        bt.size <<= 1;
    bt.keys = xg_arena_alloc(a, bt.size * sizeof *bt.keys);
    bt.vals = xg_arena_alloc(a, bt.size * sizeof *bt.vals);
    /* the largest arrays, written before they are read, in room that is not zeroed */
    size_t kcap = keys_cap(qn);
    size_t kbytes = ROUND_UP16(kcap * sizeof(xg_key)),
           ibytes = ROUND_UP16(bt.cap * sizeof *bt.items);
    unsigned char *raw = xg_votes_raw(v, kbytes + ibytes + (k + 1) * sizeof(xg_score_detail));
    if (!heap || !bt.keys || !bt.vals || !raw)
        return xg_error_set(XG_ENOMEM, "screen: out of memory");
    bt.items = (rec_best *)(raw + kbytes);
    if ((rc = accumulate(s, qn, a, v, (xg_key *)raw))) return rc;
    size_t nc = top_k(heap, k, v);
    ident_matches(s, q, &bt, a);
    if ((rc = score_candidates(s, q, sq, heap, nc, &bt, a,
                               (xg_score_detail *)(raw + kbytes + ibytes))))
        return rc;
    return assemble(r, s, q, sq, &bt, as_of, limit, a);
}

static int run(xg_screen_result *r, const xg_snapshot *s, const xg_screen_query *q)
{
    char today[11];
    const char *as_of = q->as_of;
    if (!as_of) {
        xg_date_today(today);
        as_of = today;
    }
    /* the snapshot is shared read-only; only its pool of per-query scratch is locked, briefly */
    xg_snapshot *ms = (xg_snapshot *)s;
    xg_votes *v = xg_votes_take(ms);
    if (!v) return xg_error_set(XG_ENOMEM, "screen: out of memory");
    int rc = run_with(r, s, q, v, as_of);
    xg_votes_give(ms, v); /* resets the scratch arena: nothing in the result points into it */
    return rc;
}

int xg_screen(xg_screen_result **out, const xg_snapshot *snap, const xg_screen_query *q)
{
    if (!out || !snap) return xg_error_set(XG_EINVAL, "screen: no snapshot");
    int rc = validate(q);
    if (rc) return rc;
    xg_screen_result *r = calloc(1, sizeof *r);
    screen_priv *p = calloc(1, sizeof *p);
    if (!r || !p) {
        free(r), free(p);
        return xg_error_set(XG_ENOMEM, "screen: out of memory");
    }
    r->priv = p;
    /* the query and a few matches: one block small enough for malloc's per-thread cache */
    xg_arena_init(&p->arena, RESULT_ARENA_BLOCK);
    r->query = xg_arena_strdup(&p->arena, q->name);
    r->threshold = q->threshold < 0 ? XG_SCREEN_DEFAULT_THRESHOLD : q->threshold;
    rc = r->query ? run(r, snap, q) : xg_error_set(XG_ENOMEM, "screen: out of memory");
    if (rc) {
        xg_screen_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void xg_screen_result_free(xg_screen_result *r)
{
    if (!r) return;
    screen_priv *p = r->priv;
    if (p) {
        xg_arena_free(&p->arena);
        free(p);
    }
    free(r);
}

static double round3(double x)
{
    return floor(x * 1000.0 + 0.5) / 1000.0;
}

static json_t *strings_json(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

json_t *xg_screen_match_json(const xg_screen_match *m)
{
    const xg_record *r = m->record;
    json_t *o = json_object();
    json_object_set_new_nocheck(o, "id", json_string(r->id ? r->id : ""));
    json_object_set_new_nocheck(o, "source", json_string(r->source ? r->source : ""));
    if (r->source_code) json_object_set_new_nocheck(o, "source_code", json_string(r->source_code));
    json_object_set_new_nocheck(o, "type", json_string_nocheck(xg_party_type_name(r->type)));
    json_object_set_new_nocheck(o, "name", json_string(r->name ? r->name : ""));
    json_object_set_new_nocheck(o, "matched", json_string(m->matched ? m->matched : ""));
    json_object_set_new_nocheck(o, "score", json_real(round3(m->score)));
    json_object_set_new_nocheck(o, "countries", strings_json(r->countries, r->ncountries));
    if (r->nprograms)
        json_object_set_new_nocheck(o, "programs", strings_json(r->programs, r->nprograms));
    if (r->end_date) json_object_set_new_nocheck(o, "end_date", json_string(r->end_date));
    if (r->parent) json_object_set_new_nocheck(o, "parent", json_string(r->parent));
    /* (NULL on ENOMEM: the key is left out, as jansson leaves out a missing value) */
    json_object_set_new_nocheck(o, "explanation", xg_screen_match_explanation(m));
    return o;
}

json_t *xg_screen_result_json(const xg_screen_result *r)
{
    json_t *o = json_object(), *m = json_array(), *d = json_array();
    json_object_set_new_nocheck(o, "query", json_string(r->query));
    json_object_set_new_nocheck(o, "threshold", json_real(r->threshold));
    for (size_t i = 0; i < r->nmatches; i++)
        json_array_append_new(m, xg_screen_match_json(&r->matches[i]));
    for (size_t i = 0; i < r->ndelisted; i++)
        json_array_append_new(d, xg_screen_match_json(&r->delisted[i]));
    json_object_set_new_nocheck(o, "matches", m);
    json_object_set_new_nocheck(o, "delisted", d);
    json_object_set_new_nocheck(o, "best_below", json_real(round3(r->best_below)));
    if (r->near_miss)
        json_object_set_new_nocheck(o, "near_miss", xg_screen_match_json(r->near_miss));
    return o;
}
