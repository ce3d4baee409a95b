/*
 * partyfile.h — the compiled party file of a monitor run (internal).
 *
 * A monitor run reads and merges every stored party and analyses their names: at a million
 * parties most of its time. The file keeps that work for the next run: the merged parties (their
 * strings, relations and fingerprints) and the query-side keys of their names as an inverted
 * index (xg_party_keys), in one flat, offset-based payload that is mapped, not parsed. Its header
 * names the store's party generation and the text analysis data it was built with; a file whose
 * generation or analysis key differs, or that fails its checksum or any bound, is refused.
 *
 * Layout (little-endian, every section 8-byte aligned, in this order after the 136-byte header):
 *   keys u64[nkeys] · parties pf_party[nparties] · name_party u32[nnames] · name_raw u32[nnames]
 *   · off u32[nkeys + 1] · post u32[npost] · refs u32[nrefs] · strings char[nstr]
 * Strings are offsets into `strings` (NUL-terminated; its last byte is NUL). A party's lists
 * (aliases, ids, roles, customers, decisions) are consecutive runs of refs from `refs_at`.
 */
#ifndef XG_MONITOR_PARTYFILE_H
#define XG_MONITOR_PARTYFILE_H
#include <stddef.h>
#include <stdint.h>

#include "xgate/screen.h"

#define PF_MAGIC "XGPARTY\n"
#define PF_VERSION 1u
#define PF_LISTS 5 /* aliases, ids, roles, customers, decisions */

typedef struct pf_header {
    char magic[8];
    uint32_t version, header_size;
    char token[32]; /* the store's party generation token (hex) */
    int64_t counter;
    uint8_t analysis_key[16];
    uint64_t payload_size, checksum; /* XXH3-64 of the payload */
    uint64_t nparties, nnames, nkeys, npost, nrefs, nstr;
} pf_header;

typedef struct pf_party {
    uint32_t key, name, fp; /* string offsets; fp is the 32-hex fingerprint */
    uint32_t refs_at;
    uint32_t n[PF_LISTS];
} pf_party;

/* A checked, mapped file (or the arrays of one being written). */
typedef struct pf_file {
    void *map;
    size_t map_size;
    pf_header h;
    const uint64_t *keys;
    const pf_party *parties;
    const uint32_t *name_party, *name_raw, *off, *post, *refs;
    const char *str;
} pf_file;

/* The key of the text analysis: the files under the data directory's text/, names/ and cedict/,
 * the binary (size, modification time, inode) and the format version — a file built with other
 * data or another build may index other keys. */
void pf_analysis_key(uint8_t key[16]);

/* Check a payload in memory (buf, len) against the expected generation and analysis key; on
 * success f points into buf. NULL, or the reason it is refused (a static string). */
const char *pf_check(pf_file *f, const void *buf, size_t len, const char token[33], int64_t counter,
                     const uint8_t key[16]);
/* Map and check path: 0 and *f, or -1 with *why (static string; "absent" for a missing file). */
int pf_open(pf_file *f, const char *path, const char token[33], int64_t counter,
            const uint8_t key[16], const char **why);
void pf_close(pf_file *f);

/* What a writer gives: the parties' strings as pointers. */
typedef struct pf_in_party {
    const char *key, *name, *fp;
    const char *const *lists[PF_LISTS];
    uint32_t n[PF_LISTS];
} pf_in_party;

/* Write the file atomically (path.tmp.PID, fsync, rename): 0, or an XG_ error (message set). */
int pf_write(const char *path, const char token[33], int64_t counter, const uint8_t key[16],
             const pf_in_party *parties, size_t nparties, const uint32_t *name_party,
             const char *const *name_raw, const xg_party_keys *keys);
#endif
