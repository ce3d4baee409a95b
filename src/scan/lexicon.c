/*
 * lexicon.c — the scan lexicon (data/scan/lexicon.tsv) loaded and compiled once into a single
 * Hyperscan database, so that a document is matched against every term in one pass whatever the
 * lexicon's size.
 *
 * Terms are literals. A Latin term gets ASCII word boundaries so that "p5" does not fire inside
 * "p5e" and "A10" not inside "A100"; spaces in a term match any run of white space (or none:
 * "RTX4090"), hyphens are optional ("GPT4"). Han characters are never word characters for
 * Hyperscan, so "亚马逊AWS" still matches AWS. Matching is caseless with leftmost start of match,
 * and same-category matches inside a longer one ("亚马逊云" inside "亚马逊云科技") are dropped so
 * that evidence names the longest term while "Azure" (provider) inside "Azure OpenAI" (model)
 * stays.
 */
#include "scan/hs_dl.h"
#include "scan/scan_internal.h"
#include "xgate/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static const char *const CATS[LX_NCATS] = {"provider",      "provider_china_region",
                                           "product",       "chip",
                                           "chip_vendor",   "chip_hint",
                                           "instance",      "model",
                                           "model_other",   "access_overseas",
                                           "access_rental", "access_account",
                                           "access_tokens", "access_api",
                                           "compute",       "intermediary_role",
                                           "domestic_chip", "domestic_cloud",
                                           "shortfall",     "data_local",
                                           "buyer_type"};

const char *lx_category_name(lx_category c)
{
    return (unsigned)c < LX_NCATS ? CATS[c] : "unknown";
}

int lx_category_parse(const char *s, lx_category *out)
{
    for (int i = 0; i < LX_NCATS; i++)
        if (!strcmp(s, CATS[i])) {
            *out = (lx_category)i;
            return 0;
        }
    return XG_ENOTFOUND;
}

static int is_latin_word(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
}

char *lx_term_regex(const char *term, int *flags_out)
{
    xg_buf b;
    xg_buf_init(&b);
    size_t n = strlen(term);
    int lead = n && is_latin_word((unsigned char)term[0]);
    int trail = n && is_latin_word((unsigned char)term[n - 1]);
    if (lead) xg_buf_puts(&b, "\\b");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)term[i];
        if (c == ' ')
            xg_buf_puts(&b, "\\s*");
        else if (c == '-')
            xg_buf_puts(&b, "[-\\s]?");
        else if (c < 0x80 && !is_latin_word(c))
            xg_buf_printf(&b, "\\x%02x", c);
        else
            xg_buf_putc(&b, (char)c);
    }
    if (trail) xg_buf_puts(&b, "\\b");
    *flags_out = HS_FLAG_UTF8 | HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST;
    return xg_buf_steal(&b);
}

/* Fold a term's Han characters with the document folding table (traditional → simplified). */
static void fold_term(char *s, const uint32_t *fold)
{
    if (!fold) return;
    for (unsigned char *p = (unsigned char *)s; *p;) {
        if ((p[0] & 0xF0) == 0xE0 && p[1] && p[2]) {
            uint32_t cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            if (cp >= XG_FOLD_BASE && cp < XG_FOLD_END && fold[cp - XG_FOLD_BASE]) {
                uint32_t t = fold[cp - XG_FOLD_BASE];
                p[0] = (unsigned char)(0xE0 | (t >> 12));
                p[1] = (unsigned char)(0x80 | ((t >> 6) & 0x3F));
                p[2] = (unsigned char)(0x80 | (t & 0x3F));
            }
            p += 3;
        } else
            p++;
    }
}

static int parse_line(lx_lexicon *lx, xg_vec *terms, char *line, const char *path, long lineno,
                      const uint32_t *fold)
{
    char *f[5] = {0};
    int nf = 0;
    for (char *p = line; nf < 5;) {
        f[nf++] = p;
        char *t = strchr(p, '\t');
        if (!t) break;
        *t = 0;
        p = t + 1;
    }
    if (nf < 3 || !f[0][0] || !f[2][0])
        return xg_error_set(XG_EPARSE,
                            "%s:%ld: expected term, category, canonical[, language"
                            "[, provider]] separated by tabs",
                            path, lineno);
    lx_term t = {0};
    if (lx_category_parse(f[1], &t.cat))
        return xg_error_set(XG_EPARSE, "%s:%ld: unknown category '%s'", path, lineno, f[1]);
    if (!xg_utf8_valid(f[0], strlen(f[0])))
        return xg_error_set(XG_EUTF8, "%s:%ld: term is not valid UTF-8", path, lineno);
    t.term = xg_arena_strdup(&lx->arena, f[0]);
    t.canonical = xg_arena_strdup(&lx->arena, f[2]);
    t.language = xg_arena_strdup(&lx->arena, nf > 3 ? f[3] : "");
    t.provider = xg_arena_strdup(&lx->arena, nf > 4 ? f[4] : "");
    if (!t.term || !t.canonical || !t.language || !t.provider) return XG_ENOMEM;
    fold_term(t.term, fold);
    return xg_vec_push(terms, &t) ? 0 : XG_ENOMEM;
}

static int read_terms(lx_lexicon *lx, const char *path, const uint32_t *fold)
{
    char *data;
    size_t len;
    int rc = xg_file_read(&data, &len, path, 16u << 20);
    if (rc) return rc;
    xg_vec terms;
    xg_vec_init(&terms, sizeof(lx_term));
    long lineno = 0;
    for (char *p = data; p && *p && !rc;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        lineno++;
        size_t n = strlen(p);
        if (n && p[n - 1] == '\r') p[--n] = 0;
        if (n && p[0] != '#') rc = parse_line(lx, &terms, p, path, lineno, fold);
        p = nl ? nl + 1 : NULL;
    }
    free(data);
    if (!rc && terms.len == 0) rc = xg_error_set(XG_EPARSE, "%s: no terms", path);
    if (rc) {
        xg_vec_free(&terms);
        return rc;
    }
    lx->terms = xg_arena_alloc(&lx->arena, terms.len * sizeof(lx_term));
    if (!lx->terms) {
        xg_vec_free(&terms);
        return XG_ENOMEM;
    }
    memcpy(lx->terms, terms.data, terms.len * sizeof(lx_term));
    lx->nterms = terms.len;
    xg_vec_free(&terms);
    return 0;
}

/* ---- the compiled database, kept between runs ----
 *
 * Compiling the lexicon takes Hyperscan about a third of a second; the compiled database is kept
 * in the cache directory (cache.c) as lexicon-<key>.hsdb, keyed by an XXH3-128 hash of the
 * Hyperscan version, the host platform and every expression with its flags and id (so another
 * lexicon, folding table or Hyperscan gets another file). Anything that does not check out, or
 * that Hyperscan refuses to deserialise, is ignored and the database compiled and written again. */

#define LX_MAGIC "XGLXHS01"

static XXH128_hash_t lx_key(char **exprs, const unsigned *flags, const unsigned *ids, size_t n)
{
    XXH3_state_t *st = XXH3_createState();
    XXH128_hash_t h = {0, 0};
    if (!st) return h;
    XXH3_128bits_reset(st);
    scan_cache_hs_key(st);
    XXH3_128bits_update(st, &n, sizeof n);
    for (size_t i = 0; i < n; i++) {
        XXH3_128bits_update(st, exprs[i], strlen(exprs[i]) + 1);
        XXH3_128bits_update(st, &flags[i], sizeof flags[i]);
        XXH3_128bits_update(st, &ids[i], sizeof ids[i]);
    }
    h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    return h;
}

/* A byte literal as a regex: letters, digits and bytes from 0x80 as they are, the rest escaped
 * (no HS_FLAG_UTF8, so caseless folds ASCII letters only, as hs_compile_lit does). */
static char *lit_regex(const char *lit)
{
    xg_buf b;
    xg_buf_init(&b);
    for (const unsigned char *c = (const unsigned char *)lit; *c; c++)
        if (*c >= 0x80 || (is_latin_word(*c) && *c != '_'))
            xg_buf_putc(&b, (char)*c);
        else
            xg_buf_printf(&b, "\\x%02x", *c);
    return xg_buf_steal(&b);
}

static int compile_db(lx_lexicon *lx, const char *path, const char *const *lits,
                      const unsigned *lit_flags)
{
    size_t n = lx->nterms + lx->ngate;
    char **exprs = calloc(n, sizeof *exprs);
    unsigned *flags = calloc(n, sizeof *flags), *ids = calloc(n, sizeof *ids);
    int rc = (exprs && flags && ids) ? 0 : XG_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        int fl = 0;
        if (i < lx->nterms)
            exprs[i] = lx_term_regex(lx->terms[i].term, &fl);
        else {
            exprs[i] = lit_regex(lits[i - lx->nterms]);
            fl = (int)lit_flags[i - lx->nterms];
        }
        flags[i] = (unsigned)fl;
        ids[i] = (unsigned)i;
        if (!exprs[i]) rc = XG_ENOMEM;
    }
    hs_compile_error_t *err = NULL;
    hs_database_t *db = NULL;
    char file[4200];
    XXH128_hash_t key = rc ? (XXH128_hash_t){0, 0} : lx_key(exprs, flags, ids, n);
    int cached = !rc && !xg_cache_path(file, sizeof file, "lexicon", "hsdb", key);
    if (cached) db = scan_cache_hs_get(file, LX_MAGIC, key);
    lx->from_cache = db != NULL;
    if (!rc && !db &&
        sym_hs_compile_multi((const char *const *)exprs, flags, ids, (unsigned)n, HS_MODE_BLOCK,
                             NULL, &db, &err) != HS_SUCCESS) {
        rc = xg_error_set(XG_EINTERNAL, "%s: term %d ('%s'): Hyperscan: %s", path, err->expression,
                          err->expression >= 0 && (size_t)err->expression < lx->nterms
                              ? lx->terms[err->expression].term
                              : "",
                          err->message);
        sym_hs_free_compile_error(err);
    } else if (!rc && cached && !lx->from_cache)
        scan_cache_hs_put(file, LX_MAGIC, key, db);
    for (size_t i = 0; exprs && i < n; i++)
        free(exprs[i]);
    free(exprs);
    free(flags);
    free(ids);
    if (rc) return rc;
    hs_scratch_t *scratch = NULL;
    if (sym_hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
        sym_hs_free_database(db);
        return xg_error_set(XG_ENOMEM, "Hyperscan scratch allocation failed");
    }
    lx->db = db;
    lx->scratch = scratch;
    return 0;
}

int lx_load_gated(lx_lexicon *lx, const char *path, const uint32_t *fold_table,
                  const char *const *lits, const unsigned *lit_flags, size_t n)
{
    memset(lx, 0, sizeof *lx);
    xg_arena_init(&lx->arena, 64 * 1024);
    int rc = xg_hs_load(); /* Hyperscan is opened on first use */
    if (!rc) rc = read_terms(lx, path, fold_table);
    lx->ngate = n;
    if (!rc) rc = compile_db(lx, path, lits, lit_flags);
    if (rc) lx_free(lx);
    return rc;
}

int lx_load(lx_lexicon *lx, const char *path, const uint32_t *fold_table)
{
    return lx_load_gated(lx, path, fold_table, NULL, NULL, 0);
}

int lx_clone(lx_lexicon *out, const lx_lexicon *src)
{
    memset(out, 0, sizeof *out);
    hs_scratch_t *scratch = NULL;
    if (sym_hs_clone_scratch(src->scratch, &scratch) != HS_SUCCESS)
        return xg_error_set(XG_ENOMEM, "Hyperscan scratch allocation failed");
    out->terms = src->terms;
    out->nterms = src->nterms;
    out->ngate = src->ngate;
    out->db = src->db;
    out->scratch = scratch;
    out->borrowed = 1;
    return 0;
}

void lx_free(lx_lexicon *lx)
{
    if (lx->scratch) sym_hs_free_scratch(lx->scratch);
    if (lx->borrowed) {
        memset(lx, 0, sizeof *lx);
        return;
    }
    if (lx->db) sym_hs_free_database(lx->db);
    xg_arena_free(&lx->arena);
    memset(lx, 0, sizeof *lx);
}

typedef struct {
    xg_vec *matches;
    unsigned nterms;
    lx_gate_fn *gate;
    void *ctx;
} scan_ctx;

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
                    void *ctx)
{
    const scan_ctx *c = ctx;
    if (id >= c->nterms) {
        if (c->gate) c->gate(c->ctx, id - c->nterms, to);
        return 0;
    }
    lx_match m = {(size_t)from, (size_t)to, id};
    return xg_vec_push(c->matches, &m) ? 0 : 1;
}

static int by_start(const void *a, const void *b)
{
    const lx_match *x = a, *y = b;
    if (x->from != y->from) return x->from < y->from ? -1 : 1;
    if (x->to != y->to) return x->to > y->to ? -1 : 1; /* longest first */
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Drop same-category matches contained in a longer one and exact duplicates. Matches are
 * sorted by start then longest first, so a container precedes what it contains. */
static void prune(const lx_lexicon *lx, xg_vec *v)
{
    lx_match *m = v->data;
    size_t keep = 0;
    for (size_t i = 0; i < v->len; i++) {
        int drop = 0;
        for (size_t j = keep; j-- > 0 && !drop;) {
            if (m[j].to <= m[i].from) {
                if (m[i].from - m[j].from > 256) break; /* terms are short */
                continue;
            }
            if (m[j].from <= m[i].from && m[i].to <= m[j].to &&
                lx->terms[m[j].id].cat == lx->terms[m[i].id].cat)
                drop = 1;
        }
        if (!drop) m[keep++] = m[i];
    }
    v->len = keep;
}

int lx_scan(const lx_lexicon *lx, const char *text, size_t len, xg_vec *matches)
{
    return lx_scan_gated(lx, text, len, matches, NULL, NULL);
}

int lx_scan_gated(const lx_lexicon *lx, const char *text, size_t len, xg_vec *matches,
                  lx_gate_fn *gate, void *ctx)
{
    if (len > 0xFFFFFFFFu) return xg_error_set(XG_ETOOBIG, "document over 4 GiB");
    scan_ctx c = {matches, (unsigned)lx->nterms, gate, ctx};
    hs_error_t e = sym_hs_scan(lx->db, text, (unsigned)len, 0, lx->scratch, on_match, &c);
    if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED)
        return xg_error_set(XG_EINTERNAL, "Hyperscan scan failed (%d)", e);
    if (e == HS_SCAN_TERMINATED) return XG_ENOMEM;
    if (matches->len > 1) qsort(matches->data, matches->len, sizeof(lx_match), by_start);
    prune(lx, matches);
    return 0;
}
