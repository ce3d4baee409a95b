/*
 * cache.c — the scanner's compiled Hyperscan databases (the lexicon's and the field gate's) kept
 * between runs through core's cache files (xg_cache_get/xg_cache_put in core/cachedir.c), so
 * that a scan does not build them again at every start. What follows is core's rule for every
 * cache file:
 *
 * A file lives in the cache directory (xg_cache_dir: $XGATE_SNAPSHOT_DIR, where the lists'
 * snapshot goes; "off": none) as <stem>-<key>.<ext>, the key a 128-bit hash of everything the
 * table is built from (its source, the library versions, the binary: the caller decides). It
 * holds an 8-byte magic, the key, the XXH3-64 of the payload, then the payload. Reading checks all
 * of them: a missing, truncated or damaged file, or one of another key or kind, is never trusted,
 * and the caller builds the table and writes it again. Writing goes to a temporary file renamed
 * into place, so a reader sees the old file or the new one whole; a directory that cannot be
 * written just means no cache.
 */
#include "scan/hs_dl.h"
#include "scan/scan_internal.h"
#include "xgate/error.h"

#include <stdlib.h>
#include <string.h>

void scan_cache_hs_key(XXH3_state_t *st)
{
    const char *v = sym_hs_version();
    XXH3_128bits_update(st, v, strlen(v) + 1);
    hs_platform_info_t plat;
    memset(&plat, 0, sizeof plat);
    if (sym_hs_populate_platform(&plat) == HS_SUCCESS) XXH3_128bits_update(st, &plat, sizeof plat);
}

void *scan_cache_hs_get(const char *file, const char magic[8], XXH128_hash_t key)
{
    size_t len;
    char *body = xg_cache_get(file, magic, key, &len);
    hs_database_t *db = NULL;
    if (body && sym_hs_deserialize_database(body, len, &db) != HS_SUCCESS) db = NULL;
    free(body);
    return db;
}

void scan_cache_hs_put(const char *file, const char magic[8], XXH128_hash_t key, const void *db)
{
    char *body = NULL;
    size_t len = 0;
    if (sym_hs_serialize_database(db, &body, &len) != HS_SUCCESS) return;
    xg_cache_put(file, magic, key, body, len);
    free(body);
}
