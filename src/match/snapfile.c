/*
 * snapfile.c — the compiled snapshot file: serialising a built snapshot into flat sections, and
 * checking a file's bytes before anything in them is used.
 *
 * A snapshot file is a cache, never a source of truth: any defect (short file, other format or
 * layout, checksum mismatch, a reference out of bounds) makes the parser refuse it, and the
 * caller rebuilds from the lists. The parser works on a buffer so that the fuzz target can drive
 * it with arbitrary bytes.
 */
#include "match/snapfile.h"
#include "match/match_internal.h"
#include "match/score.h"
#include "xgate/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static const char MAGIC[8] = {'X', 'G', 'S', 'N', 'A', 'P', 'F', '\n'};

/* Structure sizes and a byte-order mark: a file from another ABI is refused, not misread. */
#define LAYOUT                                                                                     \
    ((uint32_t)(sizeof(xg_snapfile_name) << 16 | sizeof(xg_snapfile_tok) << 8 |                    \
                sizeof(xg_snapfile_hdr) / 8) ^                                                     \
     (uint32_t)(sizeof(xg_snapfile_rec) << 20 ^ sizeof(xg_snapfile_lfile) << 10) ^ 0x5A000000u)

static const size_t ELEM[XG_SF_NSECTIONS] = {
    [XG_SF_STR] = 1,
    [XG_SF_NAME] = sizeof(xg_snapfile_name),
    [XG_SF_TOK] = sizeof(xg_snapfile_tok),
    [XG_SF_TOKW] = sizeof(float),
    [XG_SF_TOKLEN] = sizeof(uint16_t),
    [XG_SF_TOKID] = sizeof(uint32_t),
    [XG_SF_BIG] = sizeof(uint32_t),
    [XG_SF_SYMW] = sizeof(xg_snapfile_symw),
    [XG_SF_NKEYS] = sizeof(uint64_t),
    [XG_SF_NOFF] = sizeof(uint32_t),
    [XG_SF_NPOST] = sizeof(uint32_t),
    [XG_SF_IKEYS] = sizeof(uint64_t),
    [XG_SF_IOFF] = sizeof(uint32_t),
    [XG_SF_IPOST] = sizeof(uint32_t),
    [XG_SF_REC] = sizeof(xg_snapfile_rec),
    [XG_SF_REF] = sizeof(uint32_t),
    [XG_SF_IDENT] = sizeof(xg_snapfile_ident),
    [XG_SF_LFILE] = sizeof(xg_snapfile_lfile),
    [XG_SF_SOURCE] = sizeof(xg_snapfile_source),
    [XG_SF_SKIP] = sizeof(xg_snapfile_skip),
    [XG_SF_TOKMEAS] = sizeof(xg_tok_meas),
};

const char *xg_snapfile_str(const xg_snapfile *f, uint32_t ref)
{
    return ref ? f->str + (ref - 1) : NULL;
}

static int bad(const char **problem, const char *what)
{
    *problem = what;
    return XG_EFORMAT;
}

static int str_ok(const xg_snapfile *f, uint32_t ref)
{
    return ref <= f->nstr;
}

static int index_ok(const xg_index *x, size_t noff, size_t nids)
{
    if (noff != x->nkeys + 1 || x->off[0] != 0 || x->off[x->nkeys] != x->npost) return 0;
    for (size_t i = 0; i < x->nkeys; i++)
        if (x->off[i] > x->off[i + 1] || (i && x->keys[i - 1] >= x->keys[i])) return 0;
    for (size_t i = 0; i < x->npost; i++)
        if (x->post[i] >= nids) return 0;
    return 1;
}

/* A word's stored measures (xg_tok_meas_of) fit its string: len bytes up to the string's NUL, no
 * more code points than bytes, and "ASCII" only of ASCII bytes — so that nothing measured reads
 * past the string or takes a byte for ASCII that is not. */
static int word_meas_ok(const xg_snapfile *f, uint32_t ref, uint32_t len, uint32_t cps,
                        uint8_t ascii)
{
    if (!ref) return 0;
    size_t off = ref - 1;
    if (len >= f->nstr - off || f->str[off + len] || cps > len || ascii > 1) return 0;
    for (size_t k = 0; ascii && k < len; k++)
        if ((unsigned char)f->str[off + k] >= 0x80 || !f->str[off + k]) return 0;
    return 1;
}

/* A list of count string references from off in XG_SF_REF: in bounds, none NULL. */
static int refs_ok(const xg_snapfile *f, uint32_t off, uint32_t count)
{
    if (off > f->nrefs || count > f->nrefs - off) return 0;
    for (uint32_t i = 0; i < count; i++)
        if (!f->refs[off + i] || !str_ok(f, f->refs[off + i])) return 0;
    return 1;
}

static int rec_ok(const xg_snapfile *f, const xg_snapfile_rec *r)
{
    const uint32_t s[] = {r->id,       r->source, r->source_code, r->name, r->start_date,
                          r->end_date, r->parent, r->remarks,     r->file};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        if (!str_ok(f, s[i])) return 0;
    return r->id && r->name && r->type <= XG_PARTY_AIRCRAFT &&
           refs_ok(f, r->aliases, r->naliases) && refs_ok(f, r->countries, r->ncountries) &&
           refs_ok(f, r->addresses, r->naddresses) && refs_ok(f, r->programs, r->nprograms) &&
           r->ids <= f->nidents && r->nids <= f->nidents - r->ids;
}

/* The list set's sections (format 2). */
static const char *lists_ok(const xg_snapfile *f)
{
    if (!memchr(f->hdr->hash, 0, sizeof f->hdr->hash)) return "malformed: list hash";
    for (size_t i = 0; i < f->nidents; i++) {
        const xg_snapfile_ident *d = &f->idents[i];
        if (!str_ok(f, d->scheme) || !str_ok(f, d->value) || !str_ok(f, d->country))
            return "malformed: identifier";
    }
    for (size_t i = 0; i < f->nrecs; i++)
        if (!rec_ok(f, &f->recs[i])) return "malformed: record";
    for (size_t i = 0; i < f->nfiles; i++) {
        const xg_snapfile_lfile *l = &f->files[i];
        if (!l->path || !str_ok(f, l->path) || !l->format || !str_ok(f, l->format) ||
            !str_ok(f, l->note) || !memchr(l->sha256, 0, sizeof l->sha256))
            return "malformed: list file";
    }
    for (size_t i = 0; i < f->nsources; i++)
        if (!f->sources[i].source || !str_ok(f, f->sources[i].source) ||
            !str_ok(f, f->sources[i].source_code))
            return "malformed: source";
    for (size_t i = 0; i < f->nskipped; i++)
        if (!str_ok(f, f->skipped[i].file) || !str_ok(f, f->skipped[i].problem))
            return "malformed: skipped row";
    return NULL;
}

int xg_snapfile_parse(xg_snapfile *out, const void *buf, size_t len, const char **problem)
{
    static char version_problem[64];
    const unsigned char *b = buf;
    memset(out, 0, sizeof *out);
    if (len < sizeof MAGIC || memcmp(b, MAGIC, sizeof MAGIC))
        return bad(problem, len < sizeof MAGIC ? "truncated" : "not a snapshot file");
    if (len < sizeof(xg_snapfile_hdr)) return bad(problem, "truncated");
    if ((uintptr_t)buf % 8) return bad(problem, "malformed: buffer not aligned");
    const xg_snapfile_hdr *h = buf;
    if (h->version != XG_SNAPFILE_VERSION) {
        /* static: the problem outlives the call; the numbers are the same for every thread */
        snprintf(version_problem, sizeof version_problem, "format version %u, not %u",
                 (unsigned)h->version, XG_SNAPFILE_VERSION);
        return bad(problem, version_problem);
    }
    if (h->layout != LAYOUT) return bad(problem, "other structure layout");
    size_t body = sizeof *h;
    if (h->body_len > len || len - h->body_len < body + 16) return bad(problem, "truncated");
    if (len != body + h->body_len + 16) return bad(problem, "malformed: trailing bytes");
    XXH128_hash_t sum = XXH3_128bits(b + body, h->body_len);
    XXH128_canonical_t want;
    XXH128_canonicalFromHash(&want, sum);
    if (memcmp(want.digest, b + body + h->body_len, 16)) return bad(problem, "checksum mismatch");
    const void *sec[XG_SF_NSECTIONS];
    size_t n[XG_SF_NSECTIONS];
    for (int i = 0; i < XG_SF_NSECTIONS; i++) {
        uint64_t off = h->sec[i][0], cnt = h->sec[i][1];
        if (off % 8 || off < body || off > body + h->body_len)
            return bad(problem, "malformed: section offset");
        if (cnt > (body + h->body_len - off) / ELEM[i])
            return bad(problem, "malformed: section size");
        sec[i] = b + off;
        n[i] = (size_t)cnt;
    }
    xg_snapfile f = {.hdr = h};
    f.str = sec[XG_SF_STR];
    f.nstr = n[XG_SF_STR];
    if (!f.nstr || f.str[f.nstr - 1]) return bad(problem, "malformed: strings");
    f.names = sec[XG_SF_NAME];
    f.nnames = n[XG_SF_NAME];
    f.toks = sec[XG_SF_TOK];
    f.ntoks = n[XG_SF_TOK];
    if (n[XG_SF_TOKW] != f.ntoks || n[XG_SF_TOKLEN] != f.ntoks || n[XG_SF_TOKID] != f.ntoks)
        return bad(problem, "malformed: token arrays");
    f.tokw = sec[XG_SF_TOKW];
    f.toklen = sec[XG_SF_TOKLEN];
    f.tokid = sec[XG_SF_TOKID];
    f.big = sec[XG_SF_BIG];
    f.nbig = n[XG_SF_BIG];
    f.symw = sec[XG_SF_SYMW];
    f.nsymw = n[XG_SF_SYMW];
    f.recs = sec[XG_SF_REC];
    f.nrecs = n[XG_SF_REC];
    f.refs = sec[XG_SF_REF];
    f.nrefs = n[XG_SF_REF];
    f.idents = sec[XG_SF_IDENT];
    f.nidents = n[XG_SF_IDENT];
    f.files = sec[XG_SF_LFILE];
    f.nfiles = n[XG_SF_LFILE];
    f.sources = sec[XG_SF_SOURCE];
    f.nsources = n[XG_SF_SOURCE];
    f.skipped = sec[XG_SF_SKIP];
    f.nskipped = n[XG_SF_SKIP];
    f.meas = sec[XG_SF_TOKMEAS];
    f.nmeas = n[XG_SF_TOKMEAS];
    if (f.nnames >= UINT32_MAX || f.ntoks >= UINT32_MAX || h->nrecords >= UINT32_MAX ||
        f.nrecs != h->nrecords || f.nrefs >= UINT32_MAX || f.nidents >= UINT32_MAX)
        return bad(problem, "malformed: counts");
    const char *lp = lists_ok(&f);
    if (lp) return bad(problem, lp);
    /* a token id's measures are checked against its first token; a later token of that id must
     * have the very same text and alt (equal strings are stored once) */
    uint32_t *first = calloc(f.nmeas + 1, sizeof *first); /* token index + 1, by id */
    if (!first) return bad(problem, "out of memory");
    const char *tp = NULL;
    for (size_t i = 0; i < f.ntoks && !tp; i++) {
        const xg_snapfile_tok *t = &f.toks[i];
        uint32_t id = f.tokid[i];
        if (!t->text || !str_ok(&f, t->text) || !str_ok(&f, t->symbol) || !str_ok(&f, t->alt) ||
            t->kind > XG_TOK_STOP || id >= f.ntoks)
            tp = "malformed: token";
        else if (id >= f.nmeas)
            tp = "malformed: token measures";
        else if (first[id])
            tp = f.toks[first[id] - 1].text != t->text || f.toks[first[id] - 1].alt != t->alt
                     ? "malformed: token measures"
                     : NULL;
        else if (!word_meas_ok(&f, t->text, f.meas[id].len[0], f.meas[id].cps[0],
                               f.meas[id].ascii[0]) ||
                 (t->alt && !word_meas_ok(&f, t->alt, f.meas[id].len[1], f.meas[id].cps[1],
                                          f.meas[id].ascii[1])))
            tp = "malformed: token measures";
        else
            first[id] = (uint32_t)i + 1;
    }
    free(first);
    if (tp) return bad(problem, tp);
    for (size_t i = 0; i < f.nnames; i++) {
        const xg_snapfile_name *m = &f.names[i];
        if (m->record >= h->nrecords || m->form > i || m->tok > f.ntoks ||
            m->ntok > f.ntoks - m->tok || m->big > f.nbig || m->nbig > f.nbig - m->big ||
            !str_ok(&f, m->original) || !str_ok(&f, m->folded) || !str_ok(&f, m->latin) ||
            !str_ok(&f, m->han) || m->is_person > 1)
            return bad(problem, "malformed: name");
    }
    for (size_t i = 1; i < f.nsymw; i++)
        if (f.symw[i - 1].hash >= f.symw[i].hash) return bad(problem, "malformed: symbol weights");
    f.names_idx = (xg_index){(uint64_t *)sec[XG_SF_NKEYS], (uint32_t *)sec[XG_SF_NOFF],
                             (uint32_t *)sec[XG_SF_NPOST], n[XG_SF_NKEYS], n[XG_SF_NPOST]};
    f.ids_idx = (xg_index){(uint64_t *)sec[XG_SF_IKEYS], (uint32_t *)sec[XG_SF_IOFF],
                           (uint32_t *)sec[XG_SF_IPOST], n[XG_SF_IKEYS], n[XG_SF_IPOST]};
    if (!index_ok(&f.names_idx, n[XG_SF_NOFF], f.nnames) ||
        !index_ok(&f.ids_idx, n[XG_SF_IOFF], (size_t)h->nrecords))
        return bad(problem, "malformed: index");
    *out = f;
    return 0;
}

/* ---- writing ---- */

typedef struct strtab {
    char *data;
    size_t len, cap;
    uint32_t *slot; /* open addressing: reference of a stored string, 0 = empty */
    size_t nslot, used;
} strtab;

static int strtab_grow(strtab *t)
{
    size_t n = t->nslot ? t->nslot * 2 : 1 << 16;
    uint32_t *slot = calloc(n, sizeof *slot);
    if (!slot) return -1;
    for (size_t i = 0; i < t->nslot; i++) {
        uint32_t ref = t->slot[i];
        if (!ref) continue;
        const char *s = t->data + ref - 1;
        size_t k = (size_t)XXH3_64bits(s, strlen(s)) & (n - 1);
        while (slot[k])
            k = (k + 1) & (n - 1);
        slot[k] = ref;
    }
    free(t->slot);
    t->slot = slot, t->nslot = n;
    return 0;
}

/* Store s once: an equal string stored before gives its reference. */
static uint32_t str_add(strtab *t, const char *s, int *oom)
{
    if (!s) return 0;
    if (*oom || ((t->used + 1) * 2 > t->nslot && strtab_grow(t))) {
        *oom = 1;
        return 0;
    }
    size_t n = strlen(s) + 1;
    size_t k = (size_t)XXH3_64bits(s, n - 1) & (t->nslot - 1);
    for (; t->slot[k]; k = (k + 1) & (t->nslot - 1))
        if (!memcmp(t->data + t->slot[k] - 1, s, n)) return t->slot[k];
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 1 << 16;
        while (cap < t->len + n)
            cap *= 2;
        char *d = realloc(t->data, cap);
        if (!d) {
            *oom = 1;
            return 0;
        }
        t->data = d, t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    if (t->len - n >= UINT32_MAX - 1) *oom = 1;
    uint32_t ref = (uint32_t)(t->len - n + 1);
    t->slot[k] = ref;
    t->used++;
    return ref;
}

/* A growing array of fixed-size elements. */
typedef struct grow {
    void *data;
    size_t n, cap, elem;
} grow;

static void *grow_push(grow *g, int *oom)
{
    if (*oom) return NULL;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 1024;
        void *d = realloc(g->data, cap * g->elem);
        if (!d) {
            *oom = 1;
            return NULL;
        }
        g->data = d, g->cap = cap;
    }
    return memset((char *)g->data + g->n++ * g->elem, 0, g->elem);
}

/* Strings of a record's list into XG_SF_REF; the offset of the first. */
static uint32_t refs_add(grow *refs, strtab *st, const char *const *v, size_t n, int *oom)
{
    uint32_t off = (uint32_t)refs->n;
    for (size_t i = 0; i < n; i++) {
        uint32_t *r = grow_push(refs, oom);
        if (r) *r = str_add(st, v[i], oom);
    }
    return off;
}

/* The list set into its sections (records, refs, idents, files, sources, skipped). */
static void lists_add(const xg_listset *l, strtab *st, grow g[6], int *oom)
{
    grow *recs = &g[0], *refs = &g[1], *idents = &g[2], *files = &g[3], *sources = &g[4],
         *skipped = &g[5];
    for (size_t i = 0; i < l->nrecords && !*oom; i++) {
        const xg_record *r = &l->records[i];
        xg_snapfile_rec *f = grow_push(recs, oom);
        if (!f) break;
        f->id = str_add(st, r->id, oom);
        f->source = str_add(st, r->source, oom);
        f->source_code = str_add(st, r->source_code, oom);
        f->name = str_add(st, r->name, oom);
        f->start_date = str_add(st, r->start_date, oom);
        f->end_date = str_add(st, r->end_date, oom);
        f->parent = str_add(st, r->parent, oom);
        f->remarks = str_add(st, r->remarks, oom);
        f->file = str_add(st, r->file, oom);
        f->type = (uint32_t)r->type;
        f->aliases = refs_add(refs, st, r->aliases, r->naliases, oom);
        f->naliases = (uint32_t)r->naliases;
        f->countries = refs_add(refs, st, r->countries, r->ncountries, oom);
        f->ncountries = (uint32_t)r->ncountries;
        f->addresses = refs_add(refs, st, r->addresses, r->naddresses, oom);
        f->naddresses = (uint32_t)r->naddresses;
        f->programs = refs_add(refs, st, r->programs, r->nprograms, oom);
        f->nprograms = (uint32_t)r->nprograms;
        f->ids = (uint32_t)idents->n;
        f->nids = (uint32_t)r->nids;
        for (size_t k = 0; k < r->nids; k++) {
            xg_snapfile_ident *d = grow_push(idents, oom);
            if (!d) break;
            d->scheme = str_add(st, r->ids[k].scheme, oom);
            d->value = str_add(st, r->ids[k].value, oom);
            d->country = str_add(st, r->ids[k].country, oom);
        }
        f->parent_percent = r->parent_percent;
        f->line = r->line;
    }
    for (size_t i = 0; i < l->nfiles; i++) {
        xg_snapfile_lfile *f = grow_push(files, oom);
        if (!f) break;
        f->path = str_add(st, l->files[i].path, oom);
        f->format = str_add(st, l->files[i].format, oom);
        f->note = str_add(st, l->files[i].note, oom);
        f->records = l->files[i].records;
        memcpy(f->sha256, l->files[i].sha256, sizeof l->files[i].sha256);
    }
    for (size_t i = 0; i < l->nsources; i++) {
        xg_snapfile_source *f = grow_push(sources, oom);
        if (!f) break;
        f->source_code = str_add(st, l->sources[i].source_code, oom);
        f->source = str_add(st, l->sources[i].source, oom);
        f->records = l->sources[i].records;
    }
    for (size_t i = 0; i < l->nskipped; i++) {
        xg_snapfile_skip *f = grow_push(skipped, oom);
        if (!f) break;
        f->file = str_add(st, l->skipped[i].file, oom);
        f->problem = str_add(st, l->skipped[i].problem, oom);
        f->line = l->skipped[i].line;
    }
}

static uint32_t alias_of(const xg_snapshot *s, const xg_mname *m)
{
    const xg_record *r = &s->lists->records[m->record];
    if (m->raw == r->name) return 0;
    for (size_t a = 0; a < r->naliases; a++)
        if (m->raw == r->aliases[a]) return (uint32_t)a + 1;
    return UINT32_MAX; /* not reached: every name is a record's name or alias */
}

int xg_snapfile_serialise(void **out, size_t *len, const xg_snapshot *s, const uint8_t key[16],
                          const uint8_t build[16])
{
    size_t ntoks = 0, nbig = 0;
    for (size_t i = 0; i < s->nnames; i++)
        ntoks += s->names[i].an.ntokens, nbig += s->names[i].sl.nbig;
    strtab st = {0};
    int oom = 0;
    str_add(&st, "", &oom); /* the section is never empty */
    xg_snapfile_name *names = calloc(s->nnames + 1, sizeof *names);
    xg_snapfile_tok *toks = calloc(ntoks + 1, sizeof *toks);
    float *tokw = calloc(ntoks + 1, sizeof *tokw);
    uint16_t *toklen = calloc(ntoks + 1, sizeof *toklen);
    uint32_t *tokid = calloc(ntoks + 1, sizeof *tokid);
    uint32_t *big = calloc(nbig + 1, sizeof *big);
    xg_snapfile_symw *symw = calloc(s->nsymw + 1, sizeof *symw);
    /* the token measures, copied field by field so that padding is zero */
    xg_tok_meas *meas = calloc(s->ntok_meas + 1, sizeof *meas);
    for (size_t i = 0; meas && s->tok_meas && i < s->ntok_meas; i++)
        meas[i] = (xg_tok_meas){{s->tok_meas[i].letters[0], s->tok_meas[i].letters[1]},
                                {s->tok_meas[i].len[0], s->tok_meas[i].len[1]},
                                {s->tok_meas[i].cps[0], s->tok_meas[i].cps[1]},
                                {s->tok_meas[i].ascii[0], s->tok_meas[i].ascii[1]}};
    grow g[6] = {{.elem = sizeof(xg_snapfile_rec)},    {.elem = sizeof(uint32_t)},
                 {.elem = sizeof(xg_snapfile_ident)},  {.elem = sizeof(xg_snapfile_lfile)},
                 {.elem = sizeof(xg_snapfile_source)}, {.elem = sizeof(xg_snapfile_skip)}};
    void *file = NULL;
    int rc = 0;
    if (!names || !toks || !tokw || !toklen || !tokid || !big || !symw || !meas || !s->tok_meas)
        oom = 1;
    size_t kt = 0, kb = 0;
    for (size_t i = 0; i < s->nnames && !oom; i++) {
        const xg_mname *m = &s->names[i];
        xg_snapfile_name *f = &names[i];
        f->record = m->record;
        f->alias = alias_of(s, m);
        f->original = str_add(&st, m->an.original, &oom);
        f->folded = str_add(&st, m->an.folded, &oom);
        f->latin = str_add(&st, m->an.latin, &oom);
        f->han = str_add(&st, m->an.han, &oom);
        f->tok = (uint32_t)kt;
        f->ntok = (uint32_t)m->an.ntokens;
        f->big = (uint32_t)kb;
        f->nbig = (uint32_t)m->sl.nbig;
        f->form = m->form;
        f->is_person = m->an.is_person ? 1 : 0;
        f->acronyms = m->sl.acronyms;
        f->phrases = m->sl.phrases;
        f->readings = m->sl.readings;
        f->repeats = m->sl.repeats;
        for (size_t t = 0; t < m->an.ntokens; t++, kt++) {
            const xg_token *k = &m->an.tokens[t];
            toks[kt] = (xg_snapfile_tok){str_add(&st, k->text, &oom),
                                         str_add(&st, k->symbol, &oom),
                                         str_add(&st, k->alt, &oom),
                                         (uint8_t)k->kind,
                                         k->from_han,
                                         k->level,
                                         0};
            tokw[kt] = m->sl.w ? m->sl.w[t] : (float)xg_token_weight(k);
            toklen[kt] = m->sl.len[t];
            tokid[kt] = m->sl.tok[t];
        }
        if (m->sl.nbig) memcpy(big + kb, m->sl.big, m->sl.nbig * sizeof *big);
        kb += m->sl.nbig;
    }
    for (size_t i = 0; i < s->nsymw; i++)
        symw[i] = (xg_snapfile_symw){s->symw[i].hash, s->symw[i].weight, 0};
    lists_add(s->lists, &st, g, &oom);
    if (oom) {
        rc = xg_error_set(XG_ENOMEM, "snapshot file: out of memory");
        goto done;
    }
    const void *data[XG_SF_NSECTIONS] = {st.data,
                                         names,
                                         toks,
                                         tokw,
                                         toklen,
                                         tokid,
                                         big,
                                         symw,
                                         s->names_idx.keys,
                                         s->names_idx.off,
                                         s->names_idx.post,
                                         s->ids_idx.keys,
                                         s->ids_idx.off,
                                         s->ids_idx.post,
                                         g[0].data,
                                         g[1].data,
                                         g[2].data,
                                         g[3].data,
                                         g[4].data,
                                         g[5].data,
                                         meas};
    size_t count[XG_SF_NSECTIONS] = {st.len,
                                     s->nnames,
                                     ntoks,
                                     ntoks,
                                     ntoks,
                                     ntoks,
                                     nbig,
                                     s->nsymw,
                                     s->names_idx.nkeys,
                                     s->names_idx.nkeys + 1,
                                     s->names_idx.npost,
                                     s->ids_idx.nkeys,
                                     s->ids_idx.nkeys + 1,
                                     s->ids_idx.npost,
                                     g[0].n,
                                     g[1].n,
                                     g[2].n,
                                     g[3].n,
                                     g[4].n,
                                     g[5].n,
                                     s->ntok_meas};
    xg_snapfile_hdr h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, MAGIC, sizeof MAGIC);
    h.version = XG_SNAPFILE_VERSION;
    h.layout = LAYOUT;
    memcpy(h.key, key, 16);
    memcpy(h.build, build, 16);
    h.nrecords = s->lists->nrecords;
    memcpy(h.hash, s->lists->hash, sizeof s->lists->hash);
    size_t pos = sizeof h;
    for (int i = 0; i < XG_SF_NSECTIONS; i++) {
        h.sec[i][0] = pos;
        h.sec[i][1] = count[i];
        pos += (count[i] * ELEM[i] + 7) & ~(size_t)7;
    }
    h.body_len = pos - sizeof h;
    file = calloc(1, pos + 16);
    if (!file) {
        rc = xg_error_set(XG_ENOMEM, "snapshot file: out of memory");
        goto done;
    }
    memcpy(file, &h, sizeof h);
    for (int i = 0; i < XG_SF_NSECTIONS; i++)
        if (count[i] && data[i]) memcpy((char *)file + h.sec[i][0], data[i], count[i] * ELEM[i]);
    XXH128_canonical_t sum;
    XXH128_canonicalFromHash(&sum, XXH3_128bits((char *)file + sizeof h, h.body_len));
    memcpy((char *)file + pos, sum.digest, 16);
    *out = file;
    *len = pos + 16;
    file = NULL;
done:
    for (int i = 0; i < 6; i++)
        free(g[i].data);
    free(file), free(st.data), free(st.slot), free(names), free(toks), free(tokw), free(toklen),
        free(tokid), free(big), free(symw), free(meas);
    return rc;
}
