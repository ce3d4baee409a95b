/*
 * link.c — notices of one procurement tied together, and the combined findings.
 *
 * The provider (AWS, Azure) is named in the requirement of the procurement notice; the
 * intermediary is the winning supplier named in the result notice of the same 项目编号. Linking by
 * project number (case and spacing ignored), or by buyer and title when a notice has no number,
 * lets the findings put both in one row, as the 2024 review did by hand.
 *
 * Portals and crawls repost the same notice many times. Within a group, documents whose results
 * are identical apart from their name (same fields, same evidence at the same offsets: the same
 * notice text) are copies: only the first of each is linked to and combined, and copies are
 * counted, so that a corpus of N copies of a notice produces N links, not N².
 */
#include "scan/scan_internal.h"
#include "xgate/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static json_t *scan_combined_fps(const json_t *docs, int all, const uint64_t *fps);

char *scan_link_key_of(const char *pn, const char *buyer, const char *title)
{
    xg_buf b;
    xg_buf_init(&b);
    if (pn && strlen(pn) >= 4) {
        xg_buf_puts(&b, "P:");
        for (const char *p = pn; *p; p++)
            if (!isspace((unsigned char)*p)) xg_buf_putc(&b, (char)toupper((unsigned char)*p));
        return xg_buf_steal(&b);
    }
    if (!buyer || !title) return NULL;
    xg_buf_puts(&b, "T:"); /* "T:%s\x1f%s" */
    xg_buf_puts(&b, buyer);
    xg_buf_putc(&b, '\x1f');
    xg_buf_puts(&b, title);
    return xg_buf_steal(&b);
}

static char *link_key(const json_t *doc)
{
    const json_t *f = json_object_get(doc, "fields");
    return scan_link_key_of(json_string_value(json_object_get(f, "project_number")),
                            json_string_value(json_object_get(f, "buyer")),
                            json_string_value(json_object_get(f, "title")));
}

/* Groups: key → array of document indices (only keys of two or more documents matter). */
static json_t *groups_of(const json_t *docs)
{
    json_t *groups = json_object();
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        char *k = link_key(d);
        if (!k) continue;
        json_t *g = json_object_get(groups, k);
        if (!g) json_object_set_new(groups, k, g = json_array());
        json_array_append_new(g, json_integer((json_int_t)i));
        free(k);
    }
    return groups;
}

/* The bytes hashed, gathered in a block and given to XXH3 a block at a time: the hash of a
 * stream does not depend on how it was cut, and one update per block costs far less than one per
 * tag, key and length. */
typedef struct {
    XXH3_state_t *st;
    size_t n;
    unsigned char b[4096];
} hasher;

static void hput(hasher *h, const void *p, size_t n)
{
    if (n > sizeof h->b - h->n) {
        XXH3_64bits_update(h->st, h->b, h->n);
        h->n = 0;
        if (n > sizeof h->b) {
            XXH3_64bits_update(h->st, p, n);
            return;
        }
    }
    memcpy(h->b + h->n, p, n);
    h->n += n;
}

/* Feed a JSON value to the hash without serialising it: objects in key order as built (a
 * document's keys are always added in the same order), each value tagged by its type. */
static void hash_value(hasher *st, const json_t *v, int depth)
{
    if (!v) { /* a key the document lacks (a party without a role or a name): its own tag */
        char none = (char)0x7f;
        hput(st, &none, 1);
        return;
    }
    char tag = (char)json_typeof(v);
    hput(st, &tag, 1);
    if (depth > 64) return;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            hput(st, k, strlen(k) + 1);
            hash_value(st, x, depth + 1);
        }
    } else if (json_is_array(v)) {
        size_t i, n = json_array_size(v);
        hput(st, &n, sizeof n);
        json_t *x;
        json_array_foreach(v, i, x) hash_value(st, x, depth + 1);
    } else if (json_is_string(v)) {
        size_t n = json_string_length(v);
        hput(st, &n, sizeof n);
        hput(st, json_string_value(v), n);
    } else if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        hput(st, &i, sizeof i);
    } else if (json_is_real(v)) {
        double r = json_real_value(v);
        hput(st, &r, sizeof r);
    }
}

/* A document's content fingerprint: every key but its name and links. Equal fingerprints mean
 * the scanner saw the same notice. What is a function of other keys within one run is left out
 * (a party's screening depends only on its name, items only on chips and instances), which
 * halves the work without weakening the comparison. */
static uint64_t fingerprint(const json_t *doc)
{
    hasher h;
    h.n = 0;
    h.st = XXH3_createState();
    if (!h.st) return 0;
    XXH3_64bits_reset(h.st);
    hasher *st = &h;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)doc, k, v)
    {
        if (!strcmp(k, "document") || !strcmp(k, "linked") || !strcmp(k, "items")) continue;
        hput(st, k, strlen(k) + 1);
        if (strcmp(k, "parties")) {
            hash_value(st, v, 0);
            continue;
        }
        size_t i;
        json_t *p;
        json_array_foreach(v, i, p)
        {
            hash_value(st, json_object_get(p, "role"), 0);
            hash_value(st, json_object_get(p, "name"), 0);
        }
    }
    XXH3_64bits_update(h.st, h.b, h.n);
    uint64_t r = XXH3_64bits_digest(h.st);
    XXH3_freeState(h.st);
    return r;
}

/* For each member of group `g` (document indices), the index of the first member with the same
 * content (itself when it is the first). Returns a new array parallel to `g`. */
static json_t *originals_of(const json_t *docs, const json_t *g, const uint64_t *fps)
{
    json_t *first = json_object(), *orig = json_array();
    size_t i;
    json_t *ix;
    json_array_foreach(g, i, ix)
    {
        char key[20];
        size_t d = (size_t)json_integer_value(ix);
        snprintf(key, sizeof key, "%016llx",
                 (unsigned long long)(fps ? fps[d] : fingerprint(json_array_get(docs, d))));
        json_t *f = json_object_get(first, key);
        if (!f) json_object_set(first, key, f = ix);
        json_array_append(orig, f);
    }
    json_decref(first);
    return orig;
}

/* The members of `g` that are the first of their content, in order. New array. */
static json_t *distinct_of(const json_t *g, const json_t *orig)
{
    json_t *out = json_array();
    for (size_t a = 0; a < json_array_size(g); a++)
        if (json_equal(json_array_get(g, a), json_array_get(orig, a)))
            json_array_append(out, json_array_get(g, a));
    return out;
}

char *xg_scan_link_key(const json_t *doc)
{
    return link_key(doc);
}

uint64_t xg_scan_fingerprint(const json_t *doc)
{
    return fingerprint(doc);
}

/* Documents sorted by key, then by index: each run of one key is a group, its members in
 * document order (as groups_of gives them). */
typedef struct {
    const char *key;
    size_t i;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

typedef struct {
    uint64_t fp;
    size_t i;
} printed;

static int by_print(const void *a, const void *b)
{
    const printed *x = a, *y = b;
    if (x->fp != y->fp) return x->fp < y->fp ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* Marks in `distinct` the first member of each content in group g[0..ng) (as originals_of and
 * distinct_of do); returns how many there are. */
static size_t mark_distinct(unsigned char *distinct, const keyed *g, size_t ng, const uint64_t *fps,
                            printed *tmp)
{
    for (size_t j = 0; j < ng; j++)
        tmp[j] = (printed){fps[g[j].i], g[j].i};
    qsort(tmp, ng, sizeof *tmp, by_print);
    size_t d = 0;
    for (size_t j = 0; j < ng; j++)
        if (j == 0 || tmp[j].fp != tmp[j - 1].fp) {
            distinct[tmp[j].i] = 1;
            d++;
        }
    return d;
}

int scan_link_indices(size_t **offsets, size_t **targets, size_t *groups, unsigned char *grouped,
                      const char *const *keys, const uint64_t *fps, size_t n)
{
    *offsets = NULL;
    *targets = NULL;
    if (groups) *groups = 0;
    size_t nk = 0, ngroups = 0, total = 0;
    size_t *off = calloc(n + 1, sizeof *off);
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    printed *tmp = malloc((n ? n : 1) * sizeof *tmp);
    unsigned char *distinct = calloc(n ? n : 1, 1);
    if (!off || !k || !tmp || !distinct) goto oom;
    for (size_t i = 0; i < n; i++)
        if (keys[i]) k[nk++] = (keyed){keys[i], i};
    qsort(k, nk, sizeof *k, by_key);
    for (size_t s = 0, e; s < nk; s = e) {
        for (e = s + 1; e < nk && !strcmp(k[e].key, k[s].key); e++)
            ;
        if (e - s < 2) continue;
        size_t d = mark_distinct(distinct, k + s, e - s, fps, tmp);
        ngroups++;
        for (size_t j = s; j < e; j++) {
            off[k[j].i + 1] = d - distinct[k[j].i]; /* a copy links to every distinct member */
            if (grouped) grouped[k[j].i] = 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    total = off[n];
    size_t *t = malloc((total ? total : 1) * sizeof *t);
    if (!t) goto oom;
    for (size_t s = 0, e; s < nk; s = e) {
        for (e = s + 1; e < nk && !strcmp(k[e].key, k[s].key); e++)
            ;
        if (e - s < 2) continue;
        for (size_t a = s; a < e; a++) {
            size_t w = off[k[a].i];
            for (size_t b = s; b < e; b++)
                if (b != a && distinct[k[b].i]) t[w++] = k[b].i;
        }
    }
    free(k);
    free(tmp);
    free(distinct);
    *offsets = off;
    *targets = t;
    if (groups) *groups = ngroups;
    return 0;
oom:
    free(off);
    free(k);
    free(tmp);
    free(distinct);
    return XG_ENOMEM;
}

int xg_scan_link_indices(size_t **offsets, size_t **targets, size_t *groups,
                         const char *const *keys, const uint64_t *fingerprints, size_t n)
{
    return scan_link_indices(offsets, targets, groups, NULL, keys, fingerprints, n);
}

/* Every member of a group of two or more gets a new "linked" (empty for the one distinct member of
 * a group of copies); other documents keep theirs. *fps_out (may be NULL) receives the documents'
 * fingerprints (0 for a document without a key; heap, free()), or NULL when memory ran out. */
static size_t link_docs(json_t *docs, uint64_t **fps_out)
{
    size_t n = json_array_size(docs), ngroups = 0, *off = NULL, *t = NULL;
    char **keys = calloc(n ? n : 1, sizeof *keys);
    uint64_t *fps = calloc(n ? n : 1, sizeof *fps);
    unsigned char *grouped = calloc(n ? n : 1, 1);
    if (keys && fps && grouped) {
        for (size_t i = 0; i < n; i++)
            if ((keys[i] = link_key(json_array_get(docs, i))))
                fps[i] = fingerprint(json_array_get(docs, i));
        if (scan_link_indices(&off, &t, &ngroups, grouped, (const char *const *)keys, fps, n))
            ngroups = 0;
    }
    for (size_t i = 0; off && i < n; i++) {
        if (!grouped[i]) continue;
        json_t *linked = json_array();
        for (size_t j = off[i]; j < off[i + 1]; j++)
            json_array_append(linked, json_object_get(json_array_get(docs, t[j]), "document"));
        json_object_set_new(json_array_get(docs, i), "linked", linked);
    }
    for (size_t i = 0; keys && i < n; i++)
        free(keys[i]);
    free(keys);
    if (fps_out && keys && grouped)
        *fps_out = fps;
    else {
        if (fps_out) *fps_out = NULL;
        free(fps);
    }
    free(grouped);
    free(off);
    free(t);
    return ngroups;
}

size_t xg_scan_link(json_t *docs)
{
    return link_docs(docs, NULL);
}

json_t *xg_scan_link_combined(json_t *docs, size_t *groups)
{
    if (!json_is_array(docs)) return NULL;
    uint64_t *fps = NULL;
    size_t g = link_docs(docs, &fps);
    if (groups) *groups = g;
    /* the fingerprints linking computed serve the combination (its copies within groups) */
    json_t *out = scan_combined_fps(docs, 1, fps);
    free(fps);
    return out;
}

static void union_into(json_t *dst, const json_t *src)
{
    size_t i, j;
    json_t *v, *w;
    json_array_foreach(src, i, v)
    {
        int seen = 0;
        json_array_foreach(dst, j, w) if (json_equal(v, w)) seen = 1;
        if (!seen) json_array_append(dst, v);
    }
}

static int risk_rank(const char *r)
{
    return !r ? 0 : !strcmp(r, "high") ? 3 : !strcmp(r, "medium") ? 2 : !strcmp(r, "low") ? 1 : 0;
}

static void take_field(json_t *fin, const char *key, const json_t *fields, const char *fkey)
{
    json_t *v = json_object_get(fields, fkey);
    json_t *cur = json_object_get(fin, key);
    if (v && !json_is_null(v) && (!cur || json_is_null(cur))) json_object_set(fin, key, v);
}

static int is_award(const char *type)
{
    return type &&
           (!strcmp(type, "result") || !strcmp(type, "single_source") || !strcmp(type, "contract"));
}

/* Parties with a screening match: {"role", "name", "match", "source", "score"}, once per name. */
static void add_listed(json_t *dst, const json_t *parties)
{
    size_t i, j;
    json_t *p, *q;
    json_array_foreach(parties, i, p)
    {
        const json_t *m = json_array_get(json_object_get(p, "screening"), 0);
        if (!m) continue;
        int seen = 0;
        json_array_foreach(dst, j, q) if (json_equal(json_object_get(q, "name"),
                                                     json_object_get(p, "name"))) seen = 1;
        if (seen) continue;
        json_array_append_new(
            dst,
            json_pack("{s:O, s:O, s:O, s:O, s:O}", "role", json_object_get(p, "role"), "name",
                      json_object_get(p, "name"), "match", json_object_get(m, "name"), "source",
                      json_object_get(m, "source"), "score", json_object_get(m, "score")));
    }
}

static json_t *combine(const json_t *docs, const json_t *idx)
{
    json_t *fin = json_pack("{s:[], s:b, s:s, s:f, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:[], "
                            "s:[], s:[], s:[], s:[], s:[], s:i}",
                            "documents", "flagged", 0, "risk", "none", "score", 0.0,
                            "project_number", "title", "buyer", "agency", "supplier", "amount_cny",
                            "currency_amount", "date", "providers", "chips", "instances", "models",
                            "signals", "listed", "duplicates", 0);
    /* award notices first for supplier and amount, then the others */
    for (int pass = 0; pass < 2; pass++) {
        size_t i;
        json_t *ix;
        json_array_foreach(idx, i, ix)
        {
            const json_t *d = json_array_get(docs, (size_t)json_integer_value(ix));
            const char *type = json_string_value(json_object_get(d, "notice_type"));
            if (is_award(type) != (pass == 0)) continue;
            const json_t *f = json_object_get(d, "fields");
            json_array_append(json_object_get(fin, "documents"), json_object_get(d, "document"));
            if (json_is_true(json_object_get(d, "flagged")))
                json_object_set_new(fin, "flagged", json_true());
            const char *r = json_string_value(json_object_get(d, "risk"));
            if (risk_rank(r) > risk_rank(json_string_value(json_object_get(fin, "risk"))))
                json_object_set_new(fin, "risk", json_string(r));
            double sc = json_number_value(json_object_get(d, "score"));
            if (sc > json_number_value(json_object_get(fin, "score")))
                json_object_set_new(fin, "score", json_real(sc));
            static const char *const F[] = {"project_number",  "title",    "buyer",
                                            "agency",          "supplier", "amount_cny",
                                            "currency_amount", "date"};
            for (size_t k = 0; k < sizeof F / sizeof *F; k++)
                take_field(fin, F[k], f, F[k]);
            add_listed(json_object_get(fin, "listed"), json_object_get(d, "parties"));
            static const char *const L[] = {"providers", "chips", "instances", "models", "signals"};
            for (size_t k = 0; k < sizeof L / sizeof *L; k++)
                union_into(json_object_get(fin, L[k]), json_object_get(d, L[k]));
        }
    }
    if (json_is_true(json_object_get(fin, "flagged")) &&
        json_is_string(json_object_get(fin, "supplier"))) {
        json_t *one = json_pack("[s]", "intermediary");
        union_into(json_object_get(fin, "signals"), one);
        json_decref(one);
    }
    return fin;
}

static int by_risk(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int rx = risk_rank(json_string_value(json_object_get(x, "risk")));
    int ry = risk_rank(json_string_value(json_object_get(y, "risk")));
    if (rx != ry) return ry - rx;
    double sx = json_number_value(json_object_get(x, "score"));
    double sy = json_number_value(json_object_get(y, "score"));
    return sx < sy ? 1 : sx > sy ? -1 : 0;
}

/* Highest risk first, then highest score (stable enough: ties keep no particular order). */
static void sort_findings(json_t *arr)
{
    size_t n = json_array_size(arr);
    if (n < 2) return;
    json_t **v = malloc(n * sizeof *v);
    if (!v) return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(arr, i));
    qsort(v, n, sizeof *v, by_risk);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, v[i]);
    free(v);
}

/* Flagged, or a medium/high risk (a listed party) without a flag. */
static int worth_reporting(const json_t *x)
{
    return json_is_true(json_object_get(x, "flagged")) ||
           risk_rank(json_string_value(json_object_get(x, "risk"))) >= 2;
}

json_t *xg_scan_findings(const json_t *docs)
{
    json_t *all = scan_combined(docs, 0);
    sort_findings(all);
    return all;
}

json_t *xg_scan_combined(const json_t *docs)
{
    return json_is_array(docs) ? scan_combined(docs, 1) : NULL;
}

json_t *xg_scan_findings_of(const json_t *combined)
{
    json_t *out = json_array();
    size_t i;
    json_t *c;
    /* what scan_combined(docs, 0) keeps: a group's combination or a lone document worth
     * reporting (a lone document's combination is worth reporting exactly when it is) */
    json_array_foreach(combined, i, c) if (worth_reporting(c)) json_array_append(out, c);
    sort_findings(out);
    return out;
}

json_t *scan_combined(const json_t *docs, int all)
{
    return scan_combined_fps(docs, all, NULL);
}

static json_t *scan_combined_fps(const json_t *docs, int all, const uint64_t *fps)
{
    json_t *out = json_array();
    json_t *groups = groups_of(docs);
    size_t n = json_array_size(docs);
    unsigned char *done = calloc(n ? n : 1, 1); /* documents of a group already combined */
    if (!out || !groups || !done) {
        free(done);
        json_decref(groups);
        json_decref(out);
        return NULL;
    }
    const char *k;
    json_t *g;
    json_object_foreach(groups, k, g)
    {
        if (json_array_size(g) < 2) continue;
        json_t *orig = originals_of(docs, g, fps);
        json_t *distinct = distinct_of(g, orig);
        json_t *fin = combine(docs, distinct);
        json_object_set_new(
            fin, "duplicates",
            json_integer((json_int_t)(json_array_size(g) - json_array_size(distinct))));
        json_decref(distinct);
        json_decref(orig);
        if (all || worth_reporting(fin)) json_array_append(out, fin);
        json_decref(fin);
        size_t i;
        json_t *ix;
        json_array_foreach(g, i, ix)
        {
            json_int_t d = json_integer_value(ix);
            if (d >= 0 && (size_t)d < n) done[d] = 1;
        }
    }
    size_t i;
    json_t *d;
    json_array_foreach(docs, i, d)
    {
        if (done[i]) continue;
        if (!all && !worth_reporting(d)) continue;
        json_t *idx = json_pack("[I]", (json_int_t)i);
        json_array_append_new(out, combine(docs, idx));
        json_decref(idx);
    }
    free(done);
    json_decref(groups);
    return out;
}
