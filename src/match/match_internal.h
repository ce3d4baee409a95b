/*
 * match_internal.h — the snapshot's layout, shared by snapshot.c (build) and screen.c (query).
 *
 * One entry per listed name (primary name or alias), analysed once at build time, with its Han
 * bigram hashes for same-script comparison; the name index maps keys to these entries and the
 * identifier index maps normalised identifier values to records.
 */
#ifndef XG_MATCH_INTERNAL_H
#define XG_MATCH_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "match/index.h"
#include "match/score.h"
#include "xgate/screen.h"

typedef struct xg_mname {
    uint32_t record;  /* index into lists->records */
    const char *raw;  /* the name or alias as published */
    xg_name an;       /* analysed once, at build */
    xg_score_list sl; /* what the scorer needs: weights, lengths, acronyms, Han bigrams */
    uint32_t form;    /* the first name analysed exactly like this one (itself when unique): names
                       * of one form score alike, so a query scores each form once */
} xg_mname;

typedef struct xg_symw {
    uint64_t hash; /* of the symbol text */
    float weight;
} xg_symw;

/* A name's vote: its weight, 0 for a name no key of the query touched (every key weighs more
 * than 0). The names a query touched are listed (xg_votes.touched) and set back to 0 when their
 * votes are read (top_k in screen.c), so nothing else is cleared between queries. */
typedef float xg_vote;

/* Scratch for one query, reused across queries: the candidate votes and the names touched, an
 * arena for the query's temporaries (reset, not freed, after each query) and room for the query
 * tokens' Jaro-Winkler patterns (XG_VOTES_PATTERNS of them). */
#define XG_VOTES_PATTERNS XG_SCORE_MAX_TOKENS
typedef struct xg_votes {
    struct xg_votes *next;
    xg_vote *vote; /* all 0 between queries */
    uint32_t *touched;
    size_t ntouched;
    xg_arena scratch;
    struct xg_jw_pattern *pats;
    void *raw; /* per-query room that is not zeroed (xg_votes_raw), raw_cap bytes */
    size_t raw_cap;
} xg_votes;

struct xg_snapshot {
    atomic_int refs;
    xg_listset *lists;
    const xg_text_ctx *text;
    xg_arena arena;
    xg_mname *names;
    size_t nnames;
    xg_index names_idx; /* keys → name entries */
    xg_index ids_idx;   /* normalised identifier values → records */
    xg_symw *symw;      /* organisation-symbol weights, sorted by hash */
    size_t nsymw;
    xg_tok_meas *tok_meas; /* by token id (xg_score_list.tok), heap or in the mapped file (then
                              tok_meas_mapped); NULL: measured per query */
    size_t ntok_meas;
    bool tok_meas_mapped;
    double build_seconds;
    double load_seconds; /* xg_snapshot_load: lists, key, and the build or the mapping */
    void *map;           /* the mapped snapshot file the names and indexes point into, or NULL */
    size_t map_len;
    void *attach_mem; /* one populated anonymous mapping: what attaching a mapped file builds */
    size_t attach_len;
    const char *origin;     /* "mapped", "built", "built-uncached" */
    const char *key_source; /* "stat", "hashed", or NULL without a cache */
    char *file_path;        /* the snapshot file read or written (heap), or NULL */
    char *file_note;        /* why a file was not used or not written (heap), or NULL */
    /* The one mutable part: a pool of vote buffers, taken and given back under the lock. */
    pthread_mutex_t votes_lock;
    xg_votes *votes_pool;
};

/* Take a vote buffer sized for the snapshot (NULL on ENOMEM) and give it back. */
xg_votes *xg_votes_take(xg_snapshot *s);
void xg_votes_give(xg_snapshot *s, xg_votes *v);
/* At least n bytes of the vote buffer's room for one query, not zeroed (arena allocations are,
 * which costs more than the work for the largest arrays); NULL on ENOMEM. Valid until the next
 * call or until the buffer is given back. */
void *xg_votes_raw(xg_votes *v, size_t n);

/* Token weights of an analysed name into w[n] (symbol weights from the snapshot). */
void xg_snapshot_token_weights(const xg_snapshot *s, const xg_name *an, float *w, size_t n);

#endif
