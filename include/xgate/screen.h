/*
 * xgate/screen.h — screening names against a loaded snapshot of restricted-party lists.
 *
 * A snapshot is the immutable product of loading lists: the records, their analysed names and
 * aliases (transliterated once, at load), and the candidate index. It is shared read-only by all
 * threads; a reload builds a new snapshot and the caller swaps a pointer (xg_snapshot_ref/unref
 * keep an old one alive while requests still use it).
 *
 * xg_screen runs one query: candidates from the index (never a scan of every name), each scored
 * in [0, 1] with an explanation; matches at or above the threshold, best first; records delisted as
 * of the query date go to `delisted`, never to `matches`. The explanations are built when asked
 * (xg_screen_match_explanation, xg_screen_match_json, xg_screen_result_json), from facts the
 * result keeps: a caller that reads only the scores builds no JSON.
 */
#ifndef XGATE_SCREEN_H
#define XGATE_SCREEN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "xgate/core.h"
#include "xgate/lists.h"
#include "xgate/text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

typedef struct xg_snapshot xg_snapshot;

/* The default alert threshold, chosen from measurement (see BENCHMARKS.md and docs/screen.md). */
extern const double XG_SCREEN_DEFAULT_THRESHOLD;

/* Build a snapshot from loaded lists. Takes ownership of `lists` on success. `text` is borrowed
 * and must outlive the snapshot. */
int xg_snapshot_build(xg_snapshot **out, xg_listset *lists, const xg_text_ctx *text);

/* Load paths (NULL/0 = the bundled defaults) and build a snapshot in one step. */
int xg_snapshot_load(xg_snapshot **out, const char *const *paths, size_t npaths, int load_flags,
                     const xg_text_ctx *text);

void xg_snapshot_ref(xg_snapshot *s);
void xg_snapshot_unref(xg_snapshot *s); /* frees on the last reference */

const xg_listset *xg_snapshot_lists(const xg_snapshot *s);
const char *xg_snapshot_hash(const xg_snapshot *s); /* the list content hash (hex) */

typedef struct xg_screen_query {
    const char *name;       /* UTF-8; required */
    double threshold;       /* < 0: XG_SCREEN_DEFAULT_THRESHOLD */
    int limit;              /* <= 0: 10 */
    const char *country;    /* ISO-2 or NULL: drops records whose known countries all differ */
    const char *const *ids; /* "SCHEME:VALUE" strings; an exact identifier match scores 1.0 */
    size_t nids;
    const char *as_of; /* YYYY-MM-DD or NULL (today): decides what is delisted */
    int is_person;     /* 1: the name is an individual's ("SURNAME, Given" reordered) */
} xg_screen_query;

typedef struct xg_screen_match {
    const xg_record *record; /* borrowed from the snapshot */
    const char *matched;     /* the name or alias that matched (or "ID:SCHEME:VALUE") */
    double score;            /* [0, 1] */
    const void *why; /* private: what xg_screen_match_explanation builds the explanation from */
} xg_screen_match;

typedef struct xg_screen_result {
    const char *query;
    double threshold;
    xg_screen_match *matches; /* score >= threshold, best first, at most limit */
    size_t nmatches;
    xg_screen_match *delisted; /* delisted records that scored >= threshold */
    size_t ndelisted;
    double best_below; /* best score under the threshold (near-miss red flag), 0 if none */
    const xg_screen_match *near_miss; /* that candidate, or NULL */
    void *priv;
} xg_screen_result;

int xg_screen(xg_screen_result **out, const xg_snapshot *snap, const xg_screen_query *q);
void xg_screen_result_free(xg_screen_result *r);

/* The CLI/HTTP JSON form: {"query","threshold","matches":[{"id","source","type","name","matched",
 * "score","countries","explanation"}],"delisted":[…]}. New reference. */
json_t *xg_screen_result_json(const xg_screen_result *r);

/* Similarity kernels (by Unicode code point; equal to jellyfish within 1e-9). */
double xg_jaro(const char *a, const char *b);
double xg_jaro_winkler(const char *a, const char *b);
size_t xg_levenshtein(const char *a, const char *b);

/* ---- additions (after the first contract) ---- */

/* The JSON form of one match, as inside xg_screen_result_json's arrays. New reference. */
json_t *xg_screen_match_json(const xg_screen_match *m);

/* A match's explanation (a match of a result's matches, delisted or near_miss): the method, token
 * pairs with their scores, unmatched tokens, penalties, "name_kind" (or, for an identifier, the
 * identifier and schemes) — the "explanation" of xg_screen_match_json. Built at each call from
 * what the result keeps, and reading the snapshot's names: call it while the result and the
 * snapshot it was screened against are alive. New reference (the caller owns it); NULL on ENOMEM.
 * (Before, the match held the tree as `json_t *explanation`, built for every reported match
 * during xg_screen.) */
json_t *xg_screen_match_explanation(const xg_screen_match *m);

/* The same explanation written as JSON text at the end of b, without building the tree: the
 * bytes the tree encodes to (keys in their order, no spaces, reals as jansson writes them at
 * precision 12). 0 when written; 1 when this match's explanation is left to the tree (an
 * identifier match, a joined span the tree cuts, or two "nested" relations; b unchanged); -1 out
 * of memory or a text that is not UTF-8 (b unchanged). Same lifetime rule as above. */
int xg_screen_match_explanation_write(const xg_screen_match *m, xg_buf *b);

/* Number of names and aliases indexed in the snapshot. */
size_t xg_snapshot_names(const xg_snapshot *s);

/* Seconds spent in xg_snapshot_build (name analysis and indexing), for load-time reports. */
double xg_snapshot_build_seconds(const xg_snapshot *s);

/* ---- the compiled snapshot file (xg_snapshot_load) ----
 *
 * xg_snapshot_load keeps a compiled snapshot — analysed names, token data and both indexes in
 * flat arrays — in a cache directory, one file per list version, keyed by an XXH3-128 hash of the
 * lists' content, the load flags, the data files that shape name analysis (data/text, data/names,
 * data/cedict) and the file format version, and stamped with the binary that wrote it. A later
 * load with the same key maps the file (mmap) instead of analysing and indexing again; results
 * are identical. The file is checked completely before use (magic, format version, layout,
 * checksum over the body, every reference in bounds, key, build): any mismatch — truncated, from
 * another version, from other lists, a flipped byte — means it is rebuilt and rewritten (temp
 * file, fsync, rename), with a note saying why. The directory is $XGATE_SNAPSHOT_DIR ("off"
 * disables the cache), else $XDG_CACHE_HOME/xgate, else ~/.cache/xgate; one that cannot be
 * written just means no cache, never an error. xg_snapshot_build never uses the cache. */

/* "mapped" (from the file), "built" (analysed; the file was missing or refused, and written),
 * "built-uncached" (no cache directory, or xg_snapshot_build). */
const char *xg_snapshot_origin(const xg_snapshot *s);
/* How the file's key was found: "stat" (remembered beside the snapshot files for the list and
 * data files' unchanged path, inode, size and times: nothing hashed), "hashed" (their bytes
 * hashed), or "" without a cache. */
const char *xg_snapshot_key_source(const xg_snapshot *s);
/* The snapshot file read or written, or NULL without a cache. */
const char *xg_snapshot_file_path(const xg_snapshot *s);
/* Why a file was refused ("snapshot file PATH: checksum mismatch; rebuilt") or not written, or
 * NULL when nothing went wrong. */
const char *xg_snapshot_file_note(const xg_snapshot *s);
/* Seconds spent in xg_snapshot_load (lists, key, and the build or the mapping). */
double xg_snapshot_load_seconds(const xg_snapshot *s);

/* ---- reverse screening: list entries against an index of stored parties (monitoring) ----
 *
 * A monitor run re-screens every stored party against the list entries that changed. Rather than
 * screening each party (a million queries), the parties' names are analysed and indexed once and
 * each changed entry's names query that index: the cost follows the size of the diff. Candidates
 * are then scored exactly as xg_screen would score them — the party's name as the query, the
 * entry's name or alias as the listed name, with the snapshot's token weights — so a monitor hit
 * is the hit `xgate screen` would give for that party and that entry. Party identifiers
 * ("SCHEME:VALUE") equal to an entry's identifier score 1.0.
 */
typedef struct xg_party_index xg_party_index;

/* An empty index; parties are numbered by the caller (0 .. n-1, any order, names repeatable). */
int xg_party_index_new(xg_party_index **out, const xg_text_ctx *text);
/* Index only for these records of the snapshot (a monitor run's delta): before any name is added,
 * once. A name is then kept only when it shares a key with one of the records' names, so the index
 * holds a few postings instead of every name's keys; names are still analysed when added (their
 * count weighs the keys as before) and kept ones again when scored. Screening the records gives
 * exactly the hits of an unrestricted index; screening any other record is XG_EINVAL. */
int xg_party_index_restrict(xg_party_index *pi, const xg_snapshot *snap, const size_t *records,
                            size_t n);
/* Add one name (or alias) of party `party`; analysed now. */
int xg_party_index_add_name(xg_party_index *pi, uint32_t party, const char *name);
/* Add one identifier "SCHEME:VALUE" (or a bare value) of party `party`. */
int xg_party_index_add_id(xg_party_index *pi, uint32_t party, const char *id);
/* The query-side keys of every name added, as an inverted index: name ordinals (0 .. nnames-1, in
 * the order of the add calls, kept or not) under each key. Saved by a monitor run (its party
 * file) so that the next run indexes the same names without analysing them again. */
typedef struct xg_party_keys {
    size_t nnames, nkeys, npost;
    const uint64_t *keys; /* sorted, unique */
    const uint32_t *off;  /* nkeys + 1 offsets into post */
    const uint32_t *post; /* name ordinals, ascending within a key */
} xg_party_keys;
/* Record the keys of the names added from now on (before any name is added). */
int xg_party_index_record_keys(xg_party_index *pi);
/* The recorded keys (after xg_party_index_finish; borrowed from the index). */
int xg_party_index_recorded_keys(xg_party_index *pi, xg_party_keys *out);
/* Add the names of recorded keys at once, to a restricted index to which no name was added:
 * name ordinal i is the string at base + raw[i], of party party[i]. The index is then the one
 * adding each name with xg_party_index_add_name would have built, without analysing any name that
 * is not kept. The keys must be well formed (sorted unique keys, offsets ascending within npost,
 * ordinals < nnames); the strings are borrowed until the index is freed. */
int xg_party_index_add_keyed(xg_party_index *pi, const xg_party_keys *k, const uint32_t *party,
                             const char *base, const uint32_t *raw);
/* Pack the index; no adds afterwards. */
int xg_party_index_finish(xg_party_index *pi);
/* Names added (kept or not). */
size_t xg_party_index_names(const xg_party_index *pi);
void xg_party_index_free(xg_party_index *pi);

typedef struct xg_party_hit {
    uint32_t party;
    double score;
    const char *party_name; /* the party's name that matched (borrowed from the index) */
    const char *matched;    /* the entry's name or alias (or "ID:SCHEME:VALUE"), borrowed */
    json_t *explanation;    /* owned by the hit list */
} xg_party_hit;

/* Screen record `record` of the snapshot's lists against the parties: every party whose best
 * name scores >= threshold (< 0: the default), best first, one hit per party. *hits is heap
 * (xg_party_hits_free). Not for concurrent use of one index. */
int xg_party_index_screen(xg_party_hit **hits, size_t *nhits, xg_party_index *pi,
                          const xg_snapshot *snap, size_t record, double threshold);
void xg_party_hits_free(xg_party_hit *hits, size_t n);
#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
