/*
 * listset.c — loading list files into one immutable set (xg_lists_load) and what the set says
 * about itself: per-file and per-source counts, rows skipped in lenient mode, a content hash.
 *
 * All strings live in one arena owned by the set, so freeing a set is one call and loading is a
 * bump allocation per string. The hash is SHA-256 over the bytes of every file read, in the order
 * read (for an SDN triple: sdn.csv, alt.csv, add.csv), so a one-file set's hash equals
 * `sha256sum` of that file and any change to any byte changes it; it keys snapshot caches.
 * A failed load frees everything it built: there is never a half-loaded set.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "lists/fingerprint.h"
#include "lists/lists_internal.h"
#include "xgate/error.h"

#define MAX_LIST_FILE_BYTES ((size_t)1 << 30) /* 1 GiB: far above any published list */

typedef struct {
    xg_arena arena;
    xg_vec records, files, sources, skipped;
    crypto_hash_sha256_state hash;
    XXH3_state_t *fp; /* the fingerprint of the bytes read (lst_load_fingerprinted), or NULL */
} lst_priv;

const char *xg_party_type_name(xg_party_type t)
{
    switch (t) {
    case XG_PARTY_ENTITY:
        return "entity";
    case XG_PARTY_INDIVIDUAL:
        return "individual";
    case XG_PARTY_VESSEL:
        return "vessel";
    case XG_PARTY_AIRCRAFT:
        return "aircraft";
    default:
        return "unknown";
    }
}

int xg_record_is_delisted(const xg_record *r, const char *as_of)
{
    if (!r || !r->end_date || !*r->end_date) return 0;
    char today[11];
    if (!as_of || !*as_of) {
        xg_date_today(today);
        as_of = today;
    }
    return strcmp(r->end_date, as_of) < 0;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

char *lst_dir_sdn_path(const char *dir)
{
    static const char *const names[] = {"sdn.csv", "SDN.CSV", "cons_prim.csv", "CONS_PRIM.CSV"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t n = strlen(dir) + strlen(names[i]) + 2;
        char *p = malloc(n);
        if (!p) return NULL;
        snprintf(p, n, "%s/%s", dir, names[i]);
        if (is_file(p)) return p;
        free(p);
    }
    return NULL;
}

int lst_read_head(char **out, size_t *len, const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f) return xg_error_set(XG_EIO, "%s: cannot open", path);
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        return XG_ENOMEM;
    }
    size_t n = fread(buf, 1, max, f);
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return XG_OK;
}

/* ---- the fingerprint: one update per file a load reads, in the order read ---- */

/* The resolved path, then a mark and the bytes, or a mark that the file is missing (data NULL). */
static void fp_file(XXH3_state_t *st, const char *path, const char *data, size_t len)
{
    XXH3_128bits_update(st, path, strlen(path) + 1);
    uint64_t head[2] = {data ? 1u : 0u, data ? (uint64_t)len : 0u};
    XXH3_128bits_update(st, head, sizeof head);
    if (data && len) XXH3_128bits_update(st, data, len);
}

static void fp_start(XXH3_state_t *st, size_t npaths)
{
    XXH3_128bits_reset(st);
    uint64_t n = npaths;
    XXH3_128bits_update(st, "xgate-lists-fp-1", 16);
    XXH3_128bits_update(st, &n, sizeof n);
}

static void fp_final(XXH3_state_t *st, uint8_t key[16])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
    memcpy(key, c.digest, 16);
}

/* ---- one file ---- */

static int add_file_entry(lst_priv *pv, lst_ctx *ctx, const char *format,
                          const unsigned char digest[32])
{
    xg_list_file f;
    memset(&f, 0, sizeof f);
    f.path = ctx->file;
    f.format = format;
    f.records = ctx->count;
    f.note = ctx->note;
    sodium_bin2hex(f.sha256, sizeof f.sha256, digest, 32);
    return xg_vec_push(&pv->files, &f) ? XG_OK : XG_ENOMEM;
}

/* The same content given twice (a path repeated, or a copy beside the original) would double
 * every match from it; refuse it rather than guess which to keep. */
static int check_not_repeated(lst_priv *pv)
{
    const xg_list_file *last = &XG_VEC_AT(&pv->files, xg_list_file, pv->files.len - 1);
    for (size_t i = 0; i + 1 < pv->files.len; i++) {
        const xg_list_file *f = &XG_VEC_AT(&pv->files, xg_list_file, i);
        if (!strcmp(f->sha256, last->sha256))
            return xg_error_set(XG_EINVAL, "%s: same content as %s, given earlier", last->path,
                                f->path);
    }
    return XG_OK;
}

/* Read a whole file into the hash (set and per-file). */
static int read_hashed(lst_priv *pv, crypto_hash_sha256_state *file_hash, const char *path,
                       char **data, size_t *len)
{
    int rc = xg_file_read(data, len, path, MAX_LIST_FILE_BYTES);
    if (rc) return rc;
    crypto_hash_sha256_update(&pv->hash, (const unsigned char *)*data, *len);
    crypto_hash_sha256_update(file_hash, (const unsigned char *)*data, *len);
    if (pv->fp) fp_file(pv->fp, path, *data, *len);
    return XG_OK;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* OFAC's non-SDN files are the SDN layout under other names: cons_prim.csv is their sdn.csv. */
static bool is_cons_prim(const char *path)
{
    return lst_prefix(base_name(path), "cons_prim");
}

/* alt.csv and add.csv beside an sdn.csv (cons_alt.csv and cons_add.csv beside a cons_prim.csv),
 * in the same letter case. */
static char *sibling_path(const char *sdn_path, const char *lower, const char *upper)
{
    const char *base = base_name(sdn_path);
    bool caps = !strcmp(base, "SDN.CSV") || !strcmp(base, "CONS_PRIM.CSV");
    const char *cons = is_cons_prim(sdn_path) ? (caps ? "CONS_" : "cons_") : "";
    size_t n = (size_t)(base - sdn_path) + strlen(cons) + strlen(caps ? upper : lower) + 1;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%.*s%s%s", (int)(base - sdn_path), sdn_path, cons, caps ? upper : lower);
    return p;
}

static char *sibling(lst_ctx *ctx, const char *sdn_path, const char *lower, const char *upper)
{
    char *p = sibling_path(sdn_path, lower, upper);
    char *a = p ? xg_arena_strdup(ctx->arena, p) : NULL;
    free(p);
    return a;
}

static int load_sdn_files(lst_priv *pv, lst_ctx *ctx, const char *sdn, size_t sdn_len,
                          crypto_hash_sha256_state *fh)
{
    char *alt_path = sibling(ctx, ctx->file, "alt.csv", "ALT.CSV");
    char *add_path = sibling(ctx, ctx->file, "add.csv", "ADD.CSV");
    if (!alt_path || !add_path) return XG_ENOMEM;
    char *alt = NULL, *add = NULL;
    size_t alt_len = 0, add_len = 0;
    int rc = XG_OK;
    /* an sdn.csv without its aliases or addresses misses hits: an error, or with --lenient a
     * reported skip (and the file's note), never a quiet partial load */
    for (int k = 0; k < 2 && !rc; k++) {
        const char *side = k ? add_path : alt_path, *what = k ? "addresses" : "aliases";
        if (is_file(side)) continue;
        side = strrchr(side, '/') ? strrchr(side, '/') + 1 : side;
        if (ctx->flags & XG_LOAD_LENIENT)
            rc = lst_row_problem(ctx, XG_EIO, 0, "%s not found beside it: %s not loaded", side,
                                 what);
        else
            rc = xg_error_set(XG_EIO,
                              "%s: %s not found beside it (the SDN %s); give the whole triple, or "
                              "--lenient to load without",
                              ctx->file, side, what);
    }
    if (!rc && is_file(alt_path)) rc = read_hashed(pv, fh, alt_path, &alt, &alt_len);
    if (!rc && !alt && pv->fp) fp_file(pv->fp, alt_path, NULL, 0);
    if (!rc && is_file(add_path)) rc = read_hashed(pv, fh, add_path, &add, &add_len);
    if (!rc && !add && pv->fp) fp_file(pv->fp, add_path, NULL, 0);
    if (!rc)
        rc = lst_load_sdn(ctx, sdn, sdn_len, alt ? alt_path : NULL, alt, alt_len,
                          add ? add_path : NULL, add, add_len);
    free(alt);
    free(add);
    return rc;
}

static int load_buffer_as(lst_ctx *ctx, const char *fmt, const char *data, size_t len)
{
    if (!strcmp(fmt, "csl")) return lst_load_csl(ctx, data, len);
    if (!strcmp(fmt, "csl_json")) return lst_load_csl_json(ctx, data, len);
    if (!strcmp(fmt, "xgate_csv")) return lst_load_xgate_csv(ctx, data, len);
    if (!strcmp(fmt, "un_xml")) return lst_load_un_xml(ctx, data, len);
    if (!strcmp(fmt, "sdn_xml")) return lst_load_sdn_xml(ctx, data, len);
    if (!strcmp(fmt, "ofac_sdn") || !strcmp(fmt, "ofac_cons"))
        return lst_load_sdn(ctx, data, len, NULL, NULL, 0, NULL, NULL, 0);
    return lst_load_names(ctx, data, len);
}

typedef struct {
    const char *id;
    size_t index; /* into the set's records */
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Ids are unique within a file: a repeat is a mistake in the file (two rows for one party, or a
 * wrong id) that would make decisions cite an ambiguous record. Strict: an error naming both lines.
 * Lenient: the later record is dropped and reported. */
static int check_unique_ids(lst_ctx *ctx, lst_priv *pv, size_t first)
{
    size_t n = pv->records.len - first;
    if (n < 2) return XG_OK;
    id_ref *refs = malloc(n * sizeof *refs);
    bool *drop = calloc(n, sizeof *drop);
    int rc = refs && drop ? XG_OK : XG_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        refs[i] = (id_ref){XG_VEC_AT(&pv->records, xg_record, first + i).id, first + i};
    if (!rc) qsort(refs, n, sizeof *refs, cmp_id_ref);
    for (size_t i = 1; !rc && i < n; i++) {
        if (strcmp(refs[i].id, refs[i - 1].id)) continue;
        const xg_record *keep = &XG_VEC_AT(&pv->records, xg_record, refs[i - 1].index);
        const xg_record *dup = &XG_VEC_AT(&pv->records, xg_record, refs[i].index);
        rc = lst_row_problem(ctx, XG_EPARSE, dup->line, "duplicate id '%.60s' (first on line %ld)",
                             dup->id, keep->line);
        drop[refs[i].index - first] = true;
        refs[i].index = refs[i - 1].index; /* a third copy names the first line too */
    }
    size_t w = first;
    for (size_t i = 0; !rc && i < n; i++)
        if (!drop[i])
            XG_VEC_AT(&pv->records, xg_record, w++) = XG_VEC_AT(&pv->records, xg_record, first + i);
    if (!rc) {
        ctx->count -= pv->records.len - w;
        pv->records.len = w;
    }
    free(refs);
    free(drop);
    return rc;
}

static void init_ctx(lst_ctx *ctx, lst_priv *pv, const char *file, int flags)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->arena = &pv->arena;
    ctx->records = &pv->records;
    ctx->skipped = &pv->skipped;
    ctx->file = file;
    ctx->flags = flags;
}

static int no_records(lst_ctx *ctx, lst_priv *pv, size_t skipped_before)
{
    size_t skipped = pv->skipped.len - skipped_before;
    if (skipped)
        return xg_error_set(XG_EPARSE, "%s: no records (%zu rows skipped, e.g. line %ld: %s)",
                            ctx->file, skipped,
                            XG_VEC_AT(&pv->skipped, xg_skipped_row, skipped_before).line,
                            XG_VEC_AT(&pv->skipped, xg_skipped_row, skipped_before).problem);
    return xg_error_set(XG_EPARSE, "%s: no records", ctx->file);
}

static int load_path(lst_priv *pv, const char *path, int flags)
{
    char *file_path = NULL;
    if (is_dir(path)) {
        char *sdn = lst_dir_sdn_path(path);
        if (!sdn)
            return xg_error_set(XG_EFORMAT,
                                "%s: a directory without an OFAC sdn.csv or cons_prim.csv", path);
        file_path = xg_arena_strdup(&pv->arena, sdn);
        free(sdn);
    } else {
        file_path = xg_arena_strdup(&pv->arena, path);
    }
    if (!file_path) return XG_ENOMEM;
    lst_ctx ctx;
    init_ctx(&ctx, pv, file_path, flags);
    crypto_hash_sha256_state fh;
    crypto_hash_sha256_init(&fh);
    char *data = NULL;
    size_t len = 0, skipped_before = pv->skipped.len, first_record = pv->records.len;
    int rc = read_hashed(pv, &fh, file_path, &data, &len);
    if (rc) return rc;
    const char *fmt = lst_detect_buffer(data, len, file_path);
    if (!fmt)
        rc = XG_EFORMAT;
    else if (!strcmp(fmt, "ofac_sdn")) {
        ctx.ofac_cons = is_cons_prim(file_path);
        if (ctx.ofac_cons) fmt = "ofac_cons";
        rc = load_sdn_files(pv, &ctx, data, len, &fh);
    } else
        rc = load_buffer_as(&ctx, fmt, data, len);
    free(data);
    if (!rc) rc = check_unique_ids(&ctx, pv, first_record);
    if (!rc && ctx.count == 0) rc = no_records(&ctx, pv, skipped_before);
    if (rc) return rc;
    unsigned char digest[32];
    crypto_hash_sha256_final(&fh, digest);
    rc = add_file_entry(pv, &ctx, fmt, digest);
    return rc ? rc : check_not_repeated(pv);
}

/* ---- the set ---- */

static int count_sources(lst_priv *pv)
{
    for (size_t i = 0; i < pv->records.len; i++) {
        const xg_record *r = &XG_VEC_AT(&pv->records, xg_record, i);
        xg_source_count *hit = NULL;
        for (size_t j = pv->sources.len; j-- > 0;) {
            xg_source_count *s = &XG_VEC_AT(&pv->sources, xg_source_count, j);
            if (s->source == r->source || !strcmp(s->source, r->source)) {
                hit = s;
                break;
            }
        }
        if (!hit) {
            xg_source_count s = {r->source_code, r->source, 0};
            hit = xg_vec_push(&pv->sources, &s);
            if (!hit) return XG_ENOMEM;
        }
        hit->records++;
    }
    return XG_OK;
}

static void free_priv(lst_priv *pv)
{
    if (!pv) return;
    XXH3_freeState(pv->fp);
    xg_arena_free(&pv->arena);
    xg_vec_free(&pv->records);
    xg_vec_free(&pv->files);
    xg_vec_free(&pv->sources);
    xg_vec_free(&pv->skipped);
    free(pv);
}

static lst_priv *new_priv(void)
{
    if (sodium_init() < 0) return NULL;
    lst_priv *pv = calloc(1, sizeof *pv);
    if (!pv) return NULL;
    xg_arena_init(&pv->arena, 1 << 20);
    xg_vec_init(&pv->records, sizeof(xg_record));
    xg_vec_init(&pv->files, sizeof(xg_list_file));
    xg_vec_init(&pv->sources, sizeof(xg_source_count));
    xg_vec_init(&pv->skipped, sizeof(xg_skipped_row));
    crypto_hash_sha256_init(&pv->hash);
    return pv;
}

static int finish_set(xg_listset **out, lst_priv *pv)
{
    int rc = count_sources(pv);
    xg_listset *set = rc ? NULL : calloc(1, sizeof *set);
    if (!set) {
        free_priv(pv);
        return xg_error_set(XG_ENOMEM, "out of memory while loading lists");
    }
    unsigned char digest[32];
    crypto_hash_sha256_final(&pv->hash, digest);
    sodium_bin2hex(set->hash, sizeof set->hash, digest, sizeof digest);
    set->records = pv->records.data;
    set->nrecords = pv->records.len;
    set->files = pv->files.data;
    set->nfiles = pv->files.len;
    set->sources = pv->sources.data;
    set->nsources = pv->sources.len;
    set->skipped = pv->skipped.data;
    set->nskipped = pv->skipped.len;
    set->priv = pv;
    *out = set;
    return XG_OK;
}

static int load_all(xg_listset **out, const char *const *paths, size_t npaths, int flags,
                    uint8_t key[16])
{
    if (!out || (!paths && npaths)) return xg_error_set(XG_EINVAL, "xg_lists_load: no output");
    if (!npaths) return xg_error_set(XG_EINVAL, "no list files given");
    lst_priv *pv = new_priv();
    if (!pv) return xg_error_set(XG_ENOMEM, "out of memory while loading lists");
    if (key) {
        if (!(pv->fp = XXH3_createState())) {
            free_priv(pv);
            return xg_error_set(XG_ENOMEM, "out of memory while loading lists");
        }
        fp_start(pv->fp, npaths);
    }
    for (size_t i = 0; i < npaths; i++) {
        int rc = paths[i] ? load_path(pv, paths[i], flags)
                          : xg_error_set(XG_EINVAL, "list path %zu is NULL", i + 1);
        if (rc == XG_ENOMEM) xg_error_set(rc, "out of memory while loading %s", paths[i]);
        if (rc) {
            free_priv(pv);
            return rc;
        }
    }
    if (key) fp_final(pv->fp, key);
    return finish_set(out, pv);
}

int xg_lists_load(xg_listset **out, const char *const *paths, size_t npaths, int flags)
{
    return load_all(out, paths, npaths, flags, NULL);
}

int lst_load_fingerprinted(xg_listset **out, const char *const *paths, size_t npaths, int flags,
                           uint8_t key[16])
{
    if (!key) return xg_error_set(XG_EINVAL, "lst_load_fingerprinted: no key");
    return load_all(out, paths, npaths, flags, key);
}

/* One file into the fingerprint, mapped (a list file is read once, not copied); a missing file
 * is marked when `optional`, else an error. Sets *fmt (when not NULL) to the detected format. */
static int fp_map_file(XXH3_state_t *st, const char *path, bool optional, const char **fmt)
{
    int fd = is_file(path) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb)) {
        if (fd >= 0) close(fd);
        if (!optional) return xg_error_set(XG_EIO, "%s: cannot open", path);
        fp_file(st, path, NULL, 0);
        return XG_OK;
    }
    size_t len = (size_t)sb.st_size;
    if (len > MAX_LIST_FILE_BYTES) {
        close(fd);
        return xg_error_set(XG_ETOOBIG, "%s: too big", path);
    }
    void *m = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
    close(fd);
    if (m == MAP_FAILED) return xg_error_set(XG_EIO, "%s: cannot map", path);
    fp_file(st, path, m ? m : "", len);
    int rc = XG_OK;
    if (fmt && !(*fmt = lst_detect_buffer(m ? m : "", len, path))) rc = XG_EFORMAT;
    if (m) munmap(m, len);
    return rc;
}

int lst_fingerprint(uint8_t key[16], const char *const *paths, size_t npaths)
{
    if (!key || !npaths || !paths) return xg_error_set(XG_EINVAL, "lst_fingerprint: no paths");
    XXH3_state_t *st = XXH3_createState();
    if (!st) return XG_ENOMEM;
    fp_start(st, npaths);
    int rc = XG_OK;
    for (size_t i = 0; i < npaths && !rc; i++) {
        if (!paths[i]) {
            rc = xg_error_set(XG_EINVAL, "list path %zu is NULL", i + 1);
            break;
        }
        char *file = is_dir(paths[i]) ? lst_dir_sdn_path(paths[i]) : strdup(paths[i]);
        const char *fmt = NULL;
        if (!file) {
            rc = xg_error_set(XG_EFORMAT, "%s: no list file", paths[i]);
            break;
        }
        rc = fp_map_file(st, file, false, &fmt);
        if (!rc && !strcmp(fmt, "ofac_sdn")) {
            char *alt = sibling_path(file, "alt.csv", "ALT.CSV");
            char *add = sibling_path(file, "add.csv", "ADD.CSV");
            rc = alt && add ? fp_map_file(st, alt, true, NULL) : XG_ENOMEM;
            if (!rc) rc = fp_map_file(st, add, true, NULL);
            free(alt), free(add);
        }
        free(file);
    }
    if (!rc) fp_final(st, key);
    XXH3_freeState(st);
    return rc;
}

/* The SDN triple in one buffer, as its files are published one after another: each ends with
 * the DOS end-of-file byte 0x1A, which separates sdn, alt and add. */
static int load_sdn_concatenated(lst_ctx *ctx, const char *data, size_t len)
{
    const char *part[3] = {data, NULL, NULL};
    size_t plen[3] = {len, 0, 0};
    for (int i = 0; i < 2; i++) {
        const char *eof = memchr(part[i], 0x1A, plen[i]);
        if (!eof) break;
        part[i + 1] = eof + 1;
        plen[i + 1] = plen[i] - (size_t)(eof + 1 - part[i]);
        plen[i] = (size_t)(eof + 1 - part[i]);
    }
    return lst_load_sdn(ctx, part[0], plen[0], part[1] ? "alt.csv" : NULL, part[1], plen[1],
                        part[2] ? "add.csv" : NULL, part[2], plen[2]);
}

int lst_load_buffer(xg_listset **out, const char *name, const char *format, const char *data,
                    size_t len, int flags)
{
    lst_priv *pv = new_priv();
    if (!pv) return XG_ENOMEM;
    lst_ctx ctx;
    init_ctx(&ctx, pv, xg_arena_strdup(&pv->arena, name ? name : "<buffer>"), flags);
    crypto_hash_sha256_update(&pv->hash, (const unsigned char *)data, len);
    const char *fmt = format ? format : lst_detect_buffer(data, len, ctx.file);
    int rc = XG_EFORMAT;
    ctx.ofac_cons = fmt && !strncmp(fmt, "ofac_cons", 9);
    if (fmt && (!strcmp(fmt, "ofac_sdn_triple") || !strcmp(fmt, "ofac_cons_triple")))
        rc = load_sdn_concatenated(&ctx, data, len);
    else if (fmt)
        rc = load_buffer_as(&ctx, fmt, data, len);
    if (!rc) rc = check_unique_ids(&ctx, pv, 0);
    if (!rc && !ctx.count) rc = no_records(&ctx, pv, 0);
    unsigned char digest[32];
    crypto_hash_sha256(digest, (const unsigned char *)data, len);
    if (!rc) rc = add_file_entry(pv, &ctx, fmt, digest);
    if (rc) {
        free_priv(pv);
        return rc;
    }
    return finish_set(out, pv);
}

void xg_listset_free(xg_listset *set)
{
    if (!set) return;
    free_priv(set->priv);
    free(set);
}

/* ---- bundled defaults ---- */

static const char *const default_relative[] = {
    "lists/ofac_sdn_2021-07", "lists/ofac_cons_2025-12", "lists/un_sc_consolidated_2026-02.xml",
    "lists/csl_entity_list_prc_research.csv", "lists/csl_sample.csv"};
#define NDEFAULT (sizeof default_relative / sizeof *default_relative)
static const char *default_paths[NDEFAULT + 1];
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void build_defaults(void)
{
    for (size_t i = 0; i < NDEFAULT; i++)
        default_paths[i] = xg_data_path(default_relative[i]);
    default_paths[NDEFAULT] = NULL;
}

const char *const *xg_lists_default_paths(void)
{
    pthread_once(&default_once, build_defaults);
    return default_paths;
}
