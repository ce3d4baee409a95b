/*
 * cachedir.c — where compiled files are kept between runs (the lists' snapshot, the scanner's
 * compiled tables) and the identity of the running binary that goes into their keys.
 */
#include "core/core.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "xgate/error.h"

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

/* The file that holds this function's code: the xgate binary, or the shared library xgate is
 * linked into, as /proc/self/maps names the mapping around its address. /proc/self/exe would
 * name valgrind's tool when run under valgrind (the same file for every build tested under it);
 * it is the fallback when the maps cannot be read. */
static int build_file_stat(struct stat *sb)
{
    uintptr_t self = (uintptr_t)build_file_stat;
    FILE *f = fopen("/proc/self/maps", "re");
    char line[4600];
    int ok = 0;
    while (f && !ok && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        int at = 0;
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &at) < 2 || !at) continue;
        if (self < lo || self >= hi || line[at] != '/') continue;
        line[strcspn(line, "\n")] = '\0';
        ok = !stat(line + at, sb);
        break;
    }
    if (f) fclose(f);
    return ok || !stat("/proc/self/exe", sb);
}

static uint8_t build_id[16];
static pthread_once_t build_id_once = PTHREAD_ONCE_INIT;

static void compute_build_id(void)
{
    struct stat sb;
    uint64_t v[4] = {0x78676174650a, 0, 0, 0};
    if (build_file_stat(&sb))
        v[1] = (uint64_t)sb.st_size,
        v[2] = (uint64_t)sb.st_mtim.tv_sec * 1000000000u + (uint64_t)sb.st_mtim.tv_nsec,
        v[3] = (uint64_t)sb.st_ino;
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(v, sizeof v));
    memcpy(build_id, c.digest, 16);
}

void xg_build_id(uint8_t id[16])
{
    pthread_once(&build_id_once, compute_build_id);
    memcpy(id, build_id, 16);
}

/* ---- cache files: magic, key, XXH3-64 of the payload, payload ---- */

#define HEAD (8 + 16 + 8)

/* 1 when data[n] starts with magic and key and its payload hashes to the stored XXH3-64. */
static int cache_head_ok(const char *data, size_t n, const char magic[8], XXH128_hash_t key)
{
    if (n < HEAD || memcmp(data, magic, 8)) return 0;
    XXH128_hash_t k;
    uint64_t sum;
    memcpy(&k.low64, data + 8, 8);
    memcpy(&k.high64, data + 16, 8);
    memcpy(&sum, data + 24, 8);
    return XXH128_isEqual(k, key) && XXH3_64bits(data + HEAD, n - HEAD) == sum;
}

int xg_cache_path(char *out, size_t cap, const char *stem, const char *ext, XXH128_hash_t key)
{
    char dir[4096];
    if (xg_cache_dir(dir, sizeof dir)) return -1;
    int n = snprintf(out, cap, "%s/%s-%016llx%016llx.%s", dir, stem, (unsigned long long)key.high64,
                     (unsigned long long)key.low64, ext);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

char *xg_cache_get(const char *file, const char magic[8], XXH128_hash_t key, size_t *len)
{
    char *data;
    size_t n;
    if (xg_file_read(&data, &n, file, 256u << 20)) {
        xg_error_clear();
        return NULL;
    }
    if (!cache_head_ok(data, n, magic, key)) {
        free(data);
        return NULL;
    }
    memmove(data, data + HEAD, n - HEAD);
    data[n - HEAD] = 0;
    *len = n - HEAD;
    return data;
}

const void *xg_cache_map(const char *file, const char magic[8], XXH128_hash_t key, size_t *len,
                         xg_cache_mapping *m)
{
    m->base = NULL;
    m->size = 0;
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat sb;
    if (fstat(fd, &sb) || sb.st_size < HEAD || (uint64_t)sb.st_size > (1ull << 30)) {
        close(fd);
        return NULL;
    }
    size_t n = (size_t)sb.st_size;
    void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return NULL;
    const char *data = p;
    if (!cache_head_ok(data, n, magic, key)) {
        munmap(p, n);
        return NULL;
    }
    m->base = p;
    m->size = n;
    *len = n - HEAD;
    return data + HEAD;
}

void xg_cache_unmap(xg_cache_mapping *m)
{
    if (m->base) munmap(m->base, m->size);
    m->base = NULL;
    m->size = 0;
}

void xg_cache_put(const char *file, const char magic[8], XXH128_hash_t key, const void *body,
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

/* ---- pruning ---- */

typedef struct prune_entry {
    char *name;
    struct timespec mtime;
} prune_entry;

static int cmp_newest(const void *a, const void *b)
{
    const prune_entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec) return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec) return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
    return strcmp(x->name, y->name);
}

void xg_cache_prune(const char *written, const char *stem, const char *ext)
{
    const char *slash = strrchr(written, '/'), *env = getenv("XGATE_SNAPSHOT_KEEP");
    if (!slash || slash == written) return;
    char dir[4096], pre[128], suf[32];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - written), written);
    snprintf(pre, sizeof pre, "%s-", stem);
    snprintf(suf, sizeof suf, ".%s", ext);
    char *end;
    long keep = env && *env ? strtol(env, &end, 10) : 0;
    if (!env || !*env || *end || keep < 1 || keep > 1000) keep = 4;
    DIR *d = opendir(dir);
    if (!d) return;
    prune_entry *v = NULL;
    size_t n = 0, cap = 0, pl = strlen(pre), sl = strlen(suf);
    time_t now = time(NULL);
    for (struct dirent *e; (e = readdir(d));) {
        const char *name = e->d_name;
        size_t len = strlen(name);
        struct stat sb;
        if (strncmp(name, pre, pl) || !strcmp(name, slash + 1) ||
            fstatat(dirfd(d), name, &sb, AT_SYMLINK_NOFOLLOW) || !S_ISREG(sb.st_mode))
            continue;
        if (len > 4 && !strcmp(name + len - 4, ".tmp")) {
            if (sb.st_mtime < now - 3600) unlinkat(dirfd(d), name, 0);
            continue;
        }
        if (len < sl || strcmp(name + len - sl, suf)) continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            prune_entry *nv = realloc(v, ncap * sizeof *nv);
            if (!nv) break;
            v = nv, cap = ncap;
        }
        if (!(v[n].name = strdup(name))) break;
        v[n++].mtime = sb.st_mtim;
    }
    if (n > (size_t)keep - 1) {
        qsort(v, n, sizeof *v, cmp_newest);
        for (size_t i = (size_t)keep - 1; i < n; i++)
            unlinkat(dirfd(d), v[i].name, 0);
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    closedir(d);
}
