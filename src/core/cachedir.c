/*
 * cachedir.c — where compiled files are kept between runs (the lists' snapshot, the scanner's
 * compiled tables) and the identity of the running binary that goes into their keys.
 */
#include "core/core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

int xg_cache_dir(char *out, size_t cap)
{
    const char *env = getenv("XGATE_SNAPSHOT_DIR");
    int n;
    if (env && *env) {
        if (!strcmp(env, "off")) return -1;
        n = snprintf(out, cap, "%s", env);
    } else if ((env = getenv("XDG_CACHE_HOME")) && *env) {
        n = snprintf(out, cap, "%s/xgate", env);
    } else if ((env = getenv("HOME")) && *env) {
        char parent[4096];
        snprintf(parent, sizeof parent, "%s/.cache", env);
        mkdir(parent, 0700);
        n = snprintf(out, cap, "%s/.cache/xgate", env);
    } else {
        return -1;
    }
    if (n <= 0 || (size_t)n >= cap) return -1;
    if (mkdir(out, 0700) && errno != EEXIST) return -1;
    return 0;
}

void xg_build_id(uint8_t id[16])
{
    struct stat sb;
    uint64_t v[4] = {0x78676174650a, 0, 0, 0};
    if (!stat("/proc/self/exe", &sb))
        v[1] = (uint64_t)sb.st_size,
        v[2] = (uint64_t)sb.st_mtim.tv_sec * 1000000000u + (uint64_t)sb.st_mtim.tv_nsec,
        v[3] = (uint64_t)sb.st_ino;
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(v, sizeof v));
    memcpy(id, c.digest, 16);
}
