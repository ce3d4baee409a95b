/*
 * fingerprint.h — a cheap content key of list files (internal): XXH3-128 over exactly what a load
 * of the same paths reads (each file's resolved path and bytes; for an OFAC SDN triple alt.csv and
 * add.csv too, or a mark that one is missing), so that a compiled snapshot of the set can be found
 * and checked before any file is parsed. Not a cryptographic hash: xg_listset.hash and
 * xg_list_file.sha256 (SHA-256) stay the names of list versions in decisions and audits.
 */
#ifndef XG_LISTS_FINGERPRINT_H
#define XG_LISTS_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/lists.h"

/* The key of what xg_lists_load(paths) would read, from the files' bytes (mapped, not parsed).
 * XG_OK, or an error (a path missing, unreadable or of no known format; message set) — the load
 * would then fail too and says why. */
int lst_fingerprint(uint8_t key[16], const char *const *paths, size_t npaths);

/* xg_lists_load that also returns the key of the bytes it parsed (equal to lst_fingerprint's over
 * the same unchanged files). */
int lst_load_fingerprinted(xg_listset **out, const char *const *paths, size_t npaths, int flags,
                           uint8_t key[16]);

#endif
