/*
 * partyfile.c — writing, mapping and checking the compiled party file (see partyfile.h).
 *
 * Nothing in a file is trusted: the header must name this format, the store's current party
 * generation and the analysis data in use, the payload must have the size the header says and
 * its checksum, and every count, offset and ordinal must lie within its section before the run
 * reads a byte through it.
 */
#include "monitor/partyfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "core/core.h"
#include "text/text_internal.h"
#include "xgate/error.h"

_Static_assert(sizeof(pf_header) == 136, "party file header is 136 bytes");

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names and contents of the regular files directly in dir, in name order (as the lists snapshot
 * keys itself on the same directories). */
static void hash_dir(XXH3_state_t *st, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        XXH3_128bits_update(st, "-", 1);
        return;
    }
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;)
        if (e->d_name[0] != '.' && (names[n] = strdup(e->d_name))) n++;
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
            free(names[i]);
            continue;
        }
        XXH3_128bits_update(st, names[i], strlen(names[i]) + 1);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (fd >= 0 && !fstat(fd, &sb) && S_ISREG(sb.st_mode) && sb.st_size > 0) {
            void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (m != MAP_FAILED) {
                XXH3_128bits_update(st, m, (size_t)sb.st_size);
                munmap(m, (size_t)sb.st_size);
            }
        }
        if (fd >= 0) close(fd);
        free(names[i]);
    }
}

void pf_analysis_key(uint8_t key[16])
{
    XXH3_state_t *st = XXH3_createState();
    if (!st) {
        memset(key, 0, 16);
        return;
    }
    XXH3_128bits_reset(st);
    uint32_t v = PF_VERSION;
    XXH3_128bits_update(st, &v, sizeof v);
    /* what analyses names (as the lists snapshot file checks it): another build or another ICU
     * may analyse, and so key, names otherwise */
    uint8_t id[16];
    xg_text_analyser_id(id);
    XXH3_128bits_update(st, id, sizeof id);
    static const char *const dirs[] = {"text", "names", "cedict"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", xg_data_dir(), dirs[i]);
        hash_dir(st, path);
    }
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
    memcpy(key, c.digest, 16);
    XXH3_freeState(st);
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Section sizes of a header, in payload order; 0 and the total, or -1 when they overflow. */
static int sections(const pf_header *h, size_t sz[8], size_t *total)
{
    const uint64_t lim = (uint64_t)1 << 40, lim32 = UINT32_MAX;
    if (h->nparties > lim32 || h->nnames > lim32 || h->nkeys >= lim32 || h->npost > lim32 ||
        h->nrefs > lim32 || h->nstr > lim32 || h->nstr == 0)
        return -1;
    sz[0] = h->nkeys * 8;
    sz[1] = h->nparties * sizeof(pf_party);
    sz[2] = h->nnames * 4;
    sz[3] = h->nnames * 4;
    sz[4] = (h->nkeys + 1) * 4;
    sz[5] = h->npost * 4;
    sz[6] = h->nrefs * 4;
    sz[7] = h->nstr;
    uint64_t t = 0;
    for (int i = 0; i < 8; i++)
        t += align8(sz[i]);
    if (t > lim) return -1;
    *total = (size_t)t;
    return 0;
}

const char *pf_check(pf_file *f, const void *buf, size_t len, const char token[33], int64_t counter,
                     const uint8_t key[16])
{
    memset(f, 0, sizeof *f);
    if (len < sizeof(pf_header)) return "truncated header";
    memcpy(&f->h, buf, sizeof f->h);
    const pf_header *h = &f->h;
    if (memcmp(h->magic, PF_MAGIC, 8)) return "not a party file";
    if (h->version != PF_VERSION || h->header_size != sizeof(pf_header))
        return "other format version";
    if (memcmp(h->token, token, 32) || h->counter != counter)
        return "stale (the stored parties changed since it was written)";
    if (memcmp(h->analysis_key, key, 16)) return "built with other text analysis data";
    size_t sz[8], total;
    if (sections(h, sz, &total) || h->payload_size != total) return "bad section sizes";
    if (len - sizeof(pf_header) != total) return "truncated or extended payload";
    const unsigned char *p = (const unsigned char *)buf + sizeof(pf_header);
    if (XXH3_64bits(p, total) != h->checksum) return "checksum mismatch";
    const void *sec[8];
    for (int i = 0; i < 8; i++) {
        sec[i] = p;
        p += align8(sz[i]);
    }
    f->keys = sec[0];
    f->parties = sec[1];
    f->name_party = sec[2];
    f->name_raw = sec[3];
    f->off = sec[4];
    f->post = sec[5];
    f->refs = sec[6];
    f->str = sec[7];
    /* every bound the run relies on */
    if (f->str[h->nstr - 1]) return "unterminated strings";
    for (size_t i = 1; i < h->nkeys; i++)
        if (f->keys[i] <= f->keys[i - 1]) return "keys out of order";
    if (f->off[0] != 0 || f->off[h->nkeys] != h->npost) return "bad postings";
    for (size_t i = 0; i < h->nkeys; i++)
        if (f->off[i + 1] < f->off[i]) return "bad postings";
    for (size_t i = 0; i < h->npost; i++)
        if (f->post[i] >= h->nnames) return "bad name ordinal";
    for (size_t i = 0; i < h->nnames; i++)
        if (f->name_party[i] >= h->nparties || f->name_raw[i] >= h->nstr) return "bad name";
    for (size_t i = 0; i < h->nrefs; i++)
        if (f->refs[i] >= h->nstr) return "bad string reference";
    for (size_t i = 0; i < h->nparties; i++) {
        const pf_party *q = &f->parties[i];
        if (q->key >= h->nstr || q->name >= h->nstr || q->fp >= h->nstr ||
            strlen(f->str + q->fp) != 32)
            return "bad party";
        uint64_t end = q->refs_at;
        for (int l = 0; l < PF_LISTS; l++)
            end += q->n[l];
        if (end > h->nrefs) return "bad party lists";
    }
    return NULL;
}

int pf_open(pf_file *f, const char *path, const char token[33], int64_t counter,
            const uint8_t key[16], const char **why)
{
    memset(f, 0, sizeof *f);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *why = errno == ENOENT ? "absent" : "cannot open";
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        close(fd);
        *why = "not a regular file";
        return -1;
    }
    size_t n = (size_t)sb.st_size;
    if (n < sizeof(pf_header)) {
        close(fd);
        *why = "truncated header";
        return -1;
    }
    void *m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        *why = "cannot map";
        return -1;
    }
    const char *bad = pf_check(f, m, n, token, counter, key);
    if (bad) {
        munmap(m, n);
        memset(f, 0, sizeof *f);
        *why = bad;
        return -1;
    }
    f->map = m;
    f->map_size = n;
    return 0;
}

void pf_close(pf_file *f)
{
    if (f && f->map) munmap(f->map, f->map_size);
    if (f) memset(f, 0, sizeof *f);
}

/* ---- writing ---- */

typedef struct sbuf {
    char *d;
    size_t n, cap;
} sbuf;

static int sb_grow(sbuf *b, size_t more)
{
    if (b->n + more <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap < b->n + more)
        cap *= 2;
    char *d = realloc(b->d, cap);
    if (!d) return -1;
    b->d = d;
    b->cap = cap;
    return 0;
}

/* A string's offset in the blob: the same pointer as the last one written is written once. */
static int put_str(sbuf *b, const char *s, uint32_t *off)
{
    if (!s) s = "";
    size_t n = strlen(s) + 1;
    if (b->n + n > UINT32_MAX || sb_grow(b, n)) return -1;
    memcpy(b->d + b->n, s, n);
    *off = (uint32_t)b->n;
    b->n += n;
    return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int write_section(int fd, const void *p, size_t n, XXH3_state_t *st)
{
    static const char zero[8];
    size_t pad = align8(n) - n;
    if (n && write_all(fd, p, n)) return -1;
    if (pad && write_all(fd, zero, pad)) return -1;
    if (n) XXH3_64bits_update(st, p, n);
    if (pad) XXH3_64bits_update(st, zero, pad);
    return 0;
}

int pf_write(const char *path, const char token[33], int64_t counter, const uint8_t key[16],
             const pf_in_party *parties, size_t nparties, const uint32_t *name_party,
             const char *const *name_raw, const xg_party_keys *keys)
{
    if (nparties > UINT32_MAX || keys->nnames > UINT32_MAX || keys->npost > UINT32_MAX)
        return xg_error_set(XG_ETOOBIG, "party file: too many parties");
    sbuf str = {0};
    pf_party *pp = malloc((nparties + 1) * sizeof *pp);
    uint32_t *raw = malloc((keys->nnames + 1) * sizeof *raw);
    size_t nrefs = 0;
    for (size_t i = 0; i < nparties; i++)
        for (int l = 0; l < PF_LISTS; l++)
            nrefs += parties[i].n[l];
    uint32_t *refs = nrefs <= UINT32_MAX ? malloc((nrefs + 1) * sizeof *refs) : NULL;
    int bad = !pp || !raw || !refs;
    size_t r = 0;
    for (size_t i = 0; !bad && i < nparties; i++) {
        const pf_in_party *q = &parties[i];
        pf_party *o = &pp[i];
        memset(o, 0, sizeof *o);
        bad = put_str(&str, q->key, &o->key) || put_str(&str, q->name, &o->name) ||
              put_str(&str, q->fp, &o->fp);
        o->refs_at = (uint32_t)r;
        for (int l = 0; !bad && l < PF_LISTS; l++) {
            o->n[l] = q->n[l];
            for (uint32_t k = 0; !bad && k < q->n[l]; k++) {
                /* a customer's own name is usually its first "customers" entry */
                if (l == 3 && q->lists[l][k] == q->name)
                    refs[r++] = o->name;
                else
                    bad = put_str(&str, q->lists[l][k], &refs[r++]);
            }
        }
    }
    for (size_t i = 0; !bad && i < keys->nnames; i++)
        bad = put_str(&str, name_raw[i], &raw[i]);
    if (!bad && !str.n) bad = put_str(&str, "", &(uint32_t){0});
    if (bad) {
        free(pp), free(raw), free(refs), free(str.d);
        return xg_error_set(XG_ENOMEM, "party file: out of memory");
    }
    pf_header h = {.version = PF_VERSION,
                   .header_size = sizeof(pf_header),
                   .counter = counter,
                   .nparties = nparties,
                   .nnames = keys->nnames,
                   .nkeys = keys->nkeys,
                   .npost = keys->npost,
                   .nrefs = nrefs,
                   .nstr = str.n};
    memcpy(h.magic, PF_MAGIC, 8);
    memcpy(h.token, token, 32);
    memcpy(h.analysis_key, key, 16);
    size_t sz[8], total;
    int rc = sections(&h, sz, &total) ? xg_error_set(XG_ETOOBIG, "party file: too large") : 0;
    h.payload_size = total;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = rc ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (!rc && fd < 0) rc = xg_error_set(XG_EIO, "party file %s: %s", tmp, strerror(errno));
    XXH3_state_t *st = rc ? NULL : XXH3_createState();
    if (!rc && !st) rc = xg_error_set(XG_ENOMEM, "party file: out of memory");
    if (!rc) {
        XXH3_64bits_reset(st);
        /* the header first with a zero checksum, rewritten once the payload is hashed */
        uint32_t zero = 0;
        const uint32_t *off = keys->off ? keys->off : &zero;
        int w = write_all(fd, &h, sizeof h) || write_section(fd, keys->keys, sz[0], st) ||
                write_section(fd, pp, sz[1], st) || write_section(fd, name_party, sz[2], st) ||
                write_section(fd, raw, sz[3], st) || write_section(fd, off, sz[4], st) ||
                write_section(fd, keys->post, sz[5], st) || write_section(fd, refs, sz[6], st) ||
                write_section(fd, str.d, sz[7], st);
        h.checksum = XXH3_64bits_digest(st);
        if (!w) w = pwrite(fd, &h, sizeof h, 0) != (ssize_t)sizeof h;
        if (!w) w = fsync(fd);
        if (close(fd)) w = 1;
        fd = -1;
        if (!w) w = rename(tmp, path);
        if (w) {
            rc = xg_error_set(XG_EIO, "party file %s: %s", path, strerror(errno));
            unlink(tmp);
        }
    }
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    XXH3_freeState(st);
    free(pp), free(raw), free(refs), free(str.d);
    return rc;
}
