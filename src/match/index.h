/*
 * index.h — the candidate index (internal): keys of analysed names → the names holding them.
 *
 * Keys are 64-bit hashes of a kind letter plus text: whole tokens ('w'), adjacent tokens joined
 * ('w', so "huawei" meets "hua wei"), character trigrams of words ('t'), Han character bigrams
 * ('h'), phonetic keys ('p'), sound skeletons of Latin words and of Chinese query words read by
 * sound ('k'), organisation symbols when a name has no plain word ('s'), and
 * identifier values ('i', in a separate index over records). Built once per snapshot: keys are
 * collected as (hash, id) pairs, sorted and packed into one postings array (CSR form).
 */
#ifndef XG_MATCH_INDEX_H
#define XG_MATCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/text.h"

typedef struct xg_index {
    uint64_t *keys; /* sorted, unique */
    uint32_t *off;  /* nkeys + 1 offsets into post */
    uint32_t *post; /* ids, ascending within a key */
    size_t nkeys, npost;
} xg_index;

typedef struct xg_key {
    uint64_t hash;
    char kind;    /* 'w', 't', 'h', 'p', 'k', 's', 'i' */
    uint16_t tok; /* the token a 'w' (whole word), 't' or 'p' key came from; XG_KEY_NOTOK else */
} xg_key;

#define XG_KEY_NOTOK 0xFFFF

typedef struct xg_index_builder {
    uint64_t *pairs_key;
    uint32_t *pairs_id;
    size_t n, cap;
} xg_index_builder;

uint64_t xg_key_hash(char kind, const char *s, size_t n);

/* All keys of an analysed name (cap entries at most); returns the count. A query (for_query)
 * skips the trigrams of its organisation words: their symbol finds their listed forms, and the
 * list side carries those trigrams for mistyped query words. */
size_t xg_name_keys(xg_key *out, size_t cap, const xg_name *n, int for_query);

/* Normalised identifier value (upper case, letters and digits only) into out[cap]; returns len. */
size_t xg_ident_normalise(char *out, size_t cap, const char *value);

int xg_index_builder_add(xg_index_builder *b, uint64_t key, uint32_t id);
/* Pack into idx (heap memory; xg_index_free) and release the builder. */
int xg_index_builder_finish(xg_index_builder *b, xg_index *idx);
void xg_index_builder_free(xg_index_builder *b);

/* The first position in keys[0..n) (sorted ascending) whose key is >= key; n when none. Fastest
 * on evenly spread 64-bit hashes (the position is guessed from the key's value), correct for any
 * sorted keys. The one search of sorted key arrays: the index's, a party index's. */
size_t xg_index_lower_bound(const uint64_t *keys, size_t n, uint64_t key);

/* Postings of a key: *ids and the count (0 when absent). */
size_t xg_index_get(const xg_index *idx, uint64_t key, const uint32_t **ids);
void xg_index_free(xg_index *idx);

#endif
