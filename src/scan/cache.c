/*
 * cache.c — the scanner's compiled tables kept between runs (the lexicon's and the field gate's
 * Hyperscan databases, the traditional → simplified folding table), so that a scan does not
 * build them again at every start.
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

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEAD (8 + 16 + 8)

int scan_cache_path(char *out, size_t cap, const char *stem, const char *ext, XXH128_hash_t key)
{
    char dir[4096];
    if (xg_cache_dir(dir, sizeof dir)) return -1;
    int n = snprintf(out, cap, "%s/%s-%016llx%016llx.%s", dir, stem, (unsigned long long)key.high64,
                     (unsigned long long)key.low64, ext);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

char *scan_cache_get(const char *file, const char magic[8], XXH128_hash_t key, size_t *len)
{
    char *data;
    size_t n;
    if (xg_file_read(&data, &n, file, 256u << 20)) {
        xg_error_clear();
        return NULL;
    }
    XXH128_hash_t k;
    uint64_t sum;
    int ok = n >= HEAD && !memcmp(data, magic, 8);
    if (ok) {
        memcpy(&k.low64, data + 8, 8);
        memcpy(&k.high64, data + 16, 8);
        memcpy(&sum, data + 24, 8);
        ok = XXH128_isEqual(k, key) && XXH3_64bits(data + HEAD, n - HEAD) == sum;
    }
    if (!ok) {
        free(data);
        return NULL;
    }
    memmove(data, data + HEAD, n - HEAD);
    data[n - HEAD] = 0;
    *len = n - HEAD;
    return data;
}

void scan_cache_put(const char *file, const char magic[8], XXH128_hash_t key, const void *body,
                    size_t len)
{
    char head[HEAD];
    uint64_t sum = XXH3_64bits(body, len);
    memcpy(head, magic, 8);
    memcpy(head + 8, &key.low64, 8);
    memcpy(head + 16, &key.high64, 8);
    memcpy(head + 24, &sum, 8);
    static atomic_uint serial;
    char tmp[4200];
    int ok = snprintf(tmp, sizeof tmp, "%s.%ld.%u.tmp", file, (long)getpid(),
                      atomic_fetch_add(&serial, 1)) < (int)sizeof tmp;
    int fd = ok ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
    ok = fd >= 0;
    const char *parts[2] = {head, body};
    size_t lens[2] = {sizeof head, len};
    for (int p = 0; ok && p < 2; p++)
        for (size_t done = 0; ok && done < lens[p];) {
            ssize_t w = write(fd, parts[p] + done, lens[p] - done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0)
                ok = 0;
            else
                done += (size_t)w;
        }
    if (fd >= 0 && close(fd)) ok = 0;
    if (ok && rename(tmp, file)) ok = 0;
    if (!ok && fd >= 0) unlink(tmp);
}

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
    char *body = scan_cache_get(file, magic, key, &len);
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
    scan_cache_put(file, magic, key, body, len);
    free(body);
}
