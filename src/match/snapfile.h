/*
 * snapfile.h — the compiled snapshot file (internal): analysed list names, their per-token data
 * and both indexes in flat arrays (offsets, not pointers), written once per list version and
 * mapped at start so that a process skips name analysis and index building.
 *
 * Since format 2 the file holds the list set too (records with every field, the files with their
 * SHA-256, the per-source counts, rows skipped in lenient mode), so that a warm start parses no
 * list file: the key is then the XXH3-128 of the list files' bytes (lists/fingerprint.h).
 *
 * Layout (native byte order; the header records the sizes it was written with):
 *   header (xg_snapfile_hdr) | body: sections, each 8-byte aligned | trailer: XXH3-128 of the body
 * A string is a uint32 offset + 1 into the string section (0 = NULL); the section ends with NUL.
 * The key (XXH3-128 over the list content hash, the load flags, the data files that shape name
 * analysis and the format version) names the lists the file belongs to; the build id names the
 * binary that wrote it. Nothing in a file is trusted before xg_snapfile_parse has checked it.
 */
#ifndef XG_MATCH_SNAPFILE_H
#define XG_MATCH_SNAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "match/index.h"

#define XG_SNAPFILE_VERSION 3u

enum {
    XG_SF_STR,    /* char: NUL-terminated strings */
    XG_SF_NAME,   /* xg_snapfile_name */
    XG_SF_TOK,    /* xg_snapfile_tok */
    XG_SF_TOKW,   /* float per token */
    XG_SF_TOKLEN, /* uint16_t per token */
    XG_SF_TOKID,  /* uint32_t per token */
    XG_SF_BIG,    /* uint32_t Han bigram hashes */
    XG_SF_SYMW,   /* xg_snapfile_symw, sorted by hash */
    XG_SF_NKEYS,  /* names index: uint64_t keys */
    XG_SF_NOFF,   /* uint32_t offsets (nkeys + 1) */
    XG_SF_NPOST,  /* uint32_t name ids */
    XG_SF_IKEYS,  /* identifier index: keys, offsets, record ids */
    XG_SF_IOFF,
    XG_SF_IPOST,
    XG_SF_REC,    /* xg_snapfile_rec: the list set's records */
    XG_SF_REF,    /* uint32_t string references: records' aliases, countries, addresses, programs */
    XG_SF_IDENT,  /* xg_snapfile_ident */
    XG_SF_LFILE,  /* xg_snapfile_lfile: the files read */
    XG_SF_SOURCE, /* xg_snapfile_source */
    XG_SF_SKIP,   /* xg_snapfile_skip: rows skipped (lenient loads) */
    XG_SF_TOKMEAS, /* xg_tok_meas (score.h) by token id: measured when written (format 3) */
    XG_SF_NSECTIONS
};

typedef struct xg_snapfile_hdr {
    char magic[8];     /* "XGSNAPF\n" */
    uint32_t version;  /* XG_SNAPFILE_VERSION */
    uint32_t layout;   /* sizes of the structures below and a byte-order mark, see .c */
    uint8_t key[16];   /* which lists, flags and analysis data */
    uint8_t build[16]; /* which binary */
    uint64_t nrecords; /* records of the list set */
    char hash[72];     /* the set's SHA-256 (hex, NUL-terminated): xg_listset.hash */
    uint64_t body_len; /* bytes between header and trailer */
    uint64_t sec[XG_SF_NSECTIONS][2]; /* offset from file start, element count */
} xg_snapfile_hdr;

typedef struct xg_snapfile_name {
    uint32_t record, alias;                /* alias 0: the record's name; k: aliases[k - 1] */
    uint32_t original, folded, latin, han; /* strings */
    uint32_t tok, ntok;                    /* tokens tok .. tok + ntok - 1 */
    uint32_t big, nbig;                    /* Han bigrams */
    uint32_t form, is_person;
    uint64_t acronyms, phrases, readings, repeats;
} xg_snapfile_name;

typedef struct xg_snapfile_tok {
    uint32_t text, symbol, alt; /* strings */
    uint8_t kind, from_han, level, pad;
} xg_snapfile_tok;

typedef struct xg_snapfile_symw {
    uint64_t hash;
    float weight;
    uint32_t pad;
} xg_snapfile_symw;

/* A record: strings as above; list fields index XG_SF_REF (ids: XG_SF_IDENT) */
typedef struct xg_snapfile_rec {
    uint32_t id, source, source_code, name, start_date, end_date, parent, remarks, file;
    uint32_t type;
    uint32_t aliases, naliases, countries, ncountries, addresses, naddresses, programs, nprograms;
    uint32_t ids, nids;
    double parent_percent;
    int64_t line;
} xg_snapfile_rec;

typedef struct xg_snapfile_ident {
    uint32_t scheme, value, country, pad;
} xg_snapfile_ident;

typedef struct xg_snapfile_lfile {
    uint32_t path, format, note, pad;
    uint64_t records;
    char sha256[72]; /* hex, NUL-terminated */
} xg_snapfile_lfile;

typedef struct xg_snapfile_source {
    uint32_t source_code, source;
    uint64_t records;
} xg_snapfile_source;

typedef struct xg_snapfile_skip {
    uint32_t file, problem;
    int64_t line;
} xg_snapfile_skip;

/* A checked view into a buffer holding a snapshot file (pointers into the buffer). */
typedef struct xg_snapfile {
    const xg_snapfile_hdr *hdr;
    const char *str;
    size_t nstr;
    const xg_snapfile_name *names;
    size_t nnames;
    const xg_snapfile_tok *toks;
    size_t ntoks;
    const float *tokw;
    const uint16_t *toklen;
    const uint32_t *tokid;
    const uint32_t *big;
    size_t nbig;
    const xg_snapfile_symw *symw;
    size_t nsymw;
    xg_index names_idx, ids_idx; /* point into the buffer: never xg_index_free them */
    const xg_snapfile_rec *recs;
    size_t nrecs;
    const uint32_t *refs;
    size_t nrefs;
    const xg_snapfile_ident *idents;
    size_t nidents;
    const xg_snapfile_lfile *files;
    size_t nfiles;
    const xg_snapfile_source *sources;
    size_t nsources;
    const xg_snapfile_skip *skipped;
    size_t nskipped;
    const struct xg_tok_meas *meas; /* by token id; each checked against a token of that id */
    size_t nmeas;
} xg_snapfile;

/* Check buf[len] (8-byte aligned) completely — magic, format version, layout, section bounds,
 * checksum, every string, token, bigram, index, record, list and identifier reference (a record
 * has an id, a name, a known party type; its list entries are strings) — and fill *out. On failure
 * returns XG_EFORMAT and *problem names the defect ("truncated", "format version 7, not 1",
 * "checksum mismatch", "malformed: …"); the error message is not set. Never reads outside buf. */
int xg_snapfile_parse(xg_snapfile *out, const void *buf, size_t len, const char **problem);

/* String reference → pointer (NULL for 0); only for a parsed file. */
const char *xg_snapfile_str(const xg_snapfile *f, uint32_t ref);

struct xg_snapshot;
/* Serialise a built snapshot and its list set into a heap buffer (*out, *len; free()). Equal
 * strings are stored once. */
int xg_snapfile_serialise(void **out, size_t *len, const struct xg_snapshot *s,
                          const uint8_t key[16], const uint8_t build[16]);

#endif
