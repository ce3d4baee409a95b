/*
 * scan.c — one document from text to finding: lexicon matches, fields, classification of the
 * chips and instances named, screening of the parties, signals, `flagged`, score and risk.
 *
 * `flagged` follows TENDERS.md "What `flagged` means" literally: a US frontier model service; a
 * 3A090/4A090 item (by the catalog, never by the lexicon) unless only a US cloud's China region is
 * involved; or GPU/AI compute from a US cloud outside its China regions even when no chip is named.
 * Domestic chips and clouds and non-3A090 chips never flag. The intermediary (supplier) and a
 * listed party raise the score and risk but never flag by themselves.
 */
#include "scan/scan_internal.h"
#include "xgate/error.h"

#include <math.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_MENTIONS 200

/* What each scanner (and each clone) has of its own: caches, arena, buffers. */
static int scanner_own_init(xg_scanner *s)
{
    s->item_cache = json_object();
    s->screen_cache = json_object();
    s->screen_text = json_object();
    xg_arena_init(&s->arena, 16384);
    xg_buf_init(&s->line);
    xg_buf_init(&s->mentions);
    xg_buf_init(&s->parties);
    return s->item_cache && s->screen_cache && s->screen_text ? 0 : XG_ENOMEM;
}

int xg_scanner_new(xg_scanner **out, const char *lexicon_path, const xg_snapshot *snap,
                   const xg_catalog *catalog)
{
    xg_scanner *s = calloc(1, sizeof *s);
    if (!s) return XG_ENOMEM;
    s->snap = snap;
    s->catalog = catalog;
    scan_structure_init();
    char *lp = lexicon_path ? strdup(lexicon_path) : xg_data_path("scan/lexicon.tsv");
    char *kp = xg_data_path("scan/record_keys.tsv");
    int rc = (lp && kp) ? 0 : XG_ENOMEM;
    if (!rc) rc = scan_fold_table(&s->fold);
    if (!rc) rc = scan_patterns_new(&s->pat);
    if (!rc) { /* the field gate's literals share the lexicon's Hyperscan pass */
        const char **lits;
        unsigned *lflags;
        size_t nlits;
        rc = scan_patterns_gate_literals(s->pat, &lits, &lflags, &nlits);
        if (!rc) rc = lx_load_gated(&s->lex, lp, s->fold, lits, lflags, nlits);
        free(lits);
        free(lflags);
    }
    if (!rc) rc = scan_keymap_load(&s->keymap, kp);
    if (!rc) rc = scan_keys_new(&s->keys, s->keymap);
    free(lp);
    free(kp);
    if (!rc) rc = scanner_own_init(s);
    if (rc) {
        xg_scanner_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int xg_scanner_clone(xg_scanner **out, const xg_scanner *src)
{
    xg_scanner *s = calloc(1, sizeof *s);
    if (!s) return XG_ENOMEM;
    s->parent = src;
    s->snap = src->snap;
    s->catalog = src->catalog;
    s->all = src->all;
    memcpy(s->as_of, src->as_of, sizeof s->as_of);
    s->fold = src->fold;
    s->keymap = src->keymap; /* read only (json_object_get), never referenced or released here */
    s->keys = src->keys;     /* read only too */
    int rc = lx_clone(&s->lex, &src->lex);
    if (!rc) rc = scan_patterns_clone(&s->pat, src->pat);
    if (!rc) rc = scanner_own_init(s);
    if (rc) {
        xg_scanner_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void xg_scanner_set_refs(xg_scanner *s, const xg_snapshot *snap, const xg_catalog *catalog)
{
    s->snap = snap;
    s->catalog = catalog;
    json_object_clear(s->item_cache);
    json_object_clear(s->screen_cache);
    json_object_clear(s->screen_text);
}

void xg_scanner_set_all(xg_scanner *s, int all)
{
    s->all = all != 0;
}

void xg_scanner_free(xg_scanner *s)
{
    if (!s) return;
    lx_free(&s->lex);
    scan_patterns_free(s->pat);
    if (!s->parent) {
        free(s->fold);
        json_decref(s->keymap);
        scan_keys_free(s->keys);
    }
    json_decref(s->item_cache);
    json_decref(s->screen_cache);
    json_decref(s->screen_text);
    xg_arena_free(&s->arena);
    xg_buf_free(&s->line);
    xg_buf_free(&s->mentions);
    xg_buf_free(&s->parties);
    free(s);
}

size_t xg_scanner_nterms(const xg_scanner *s)
{
    return s->lex.nterms;
}

int xg_scanner_set_as_of(xg_scanner *s, const char *as_of)
{
    if (as_of && !xg_date_valid(as_of))
        return xg_error_set(XG_EINVAL, "as-of date '%s' is not YYYY-MM-DD", as_of);
    snprintf(s->as_of, sizeof s->as_of, "%s", as_of ? as_of : "");
    json_object_clear(s->item_cache);
    json_object_clear(s->screen_cache);
    json_object_clear(s->screen_text);
    return 0;
}

/* ---- small JSON helpers ---- */

static void add_unique(json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (!strcasecmp(json_string_value(v), s)) return;
    json_array_append_new(arr, json_string(s));
}

/* Drop family names that a more specific name in the same list extends ("Ascend" when
 * "Ascend 910B" is there, "p4d" when "p4d.24xlarge" is). */
static void drop_prefixes(json_t *arr)
{
    for (size_t i = 0; i < json_array_size(arr);) {
        const char *a = json_string_value(json_array_get(arr, i));
        size_t al = strlen(a);
        int drop = 0;
        for (size_t j = 0; j < json_array_size(arr) && !drop; j++) {
            const char *b = json_string_value(json_array_get(arr, j));
            if (j != i && strlen(b) > al && !strncasecmp(a, b, al) &&
                (b[al] == ' ' || b[al] == '.' || b[al] == '-'))
                drop = 1;
        }
        if (drop)
            json_array_remove(arr, i);
        else
            i++;
    }
}

static json_t *num_or_null(double v)
{
    if (v < 0) return json_null();
    if (v == floor(v) && v < 9e15) return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Objects built as json_pack builds them, without reading a format string for every document
 * (json_pack was 12 % of the work per document): values are added in order; a NULL value (a
 * NULL or non-UTF-8 string, a real that is not finite) makes the whole object NULL, as json_pack
 * gives, and the values still to come are released, as json_pack releases them. */
typedef struct {
    json_t *o;
    int bad;
} obj_b;

static obj_b ob_new(void)
{
    obj_b b = {json_object(), 0};
    if (!b.o) b.bad = 1;
    return b;
}

/* "s:o": the value is stolen */
static void ob_o(obj_b *b, const char *k, json_t *v)
{
    if (!v) {
        b->bad = 1;
        return;
    }
    if (b->bad) {
        json_decref(v);
        return;
    }
    if (json_object_set_new_nocheck(b->o, k, v)) b->bad = 1; /* v is released */
}

/* "s:s" */
static void ob_s(obj_b *b, const char *k, const char *v)
{
    ob_o(b, k, v ? json_string(v) : NULL);
}

/* "s:O" */
static void ob_O(obj_b *b, const char *k, json_t *v)
{
    ob_o(b, k, json_incref(v));
}

static json_t *ob_end(obj_b *b)
{
    if (!b->bad) return b->o;
    json_decref(b->o);
    return NULL;
}

/* Snippet: up to SCAN_SNIPPET_BYTES either side of [from, to), cut at character boundaries, line
 * breaks shown as spaces, up to a NUL: an arena string, its length in *n; NULL out of memory. */
static char *snippet_bytes(xg_arena *a, const scan_doc *d, size_t from, size_t to, size_t *n)
{
    const char *t = d->orig ? d->orig : d->text;
    size_t s = from > SCAN_SNIPPET_BYTES ? from - SCAN_SNIPPET_BYTES : 0;
    size_t e = to + SCAN_SNIPPET_BYTES < d->len ? to + SCAN_SNIPPET_BYTES : d->len;
    while (s < from && ((unsigned char)t[s] & 0xC0) == 0x80)
        s++;
    while (e > to && e < d->len && ((unsigned char)t[e] & 0xC0) == 0x80)
        e--;
    char *buf = xg_arena_alloc(a, e - s + 1);
    if (!buf) return NULL;
    size_t k = 0;
    for (size_t i = s; i < e && t[i]; i++)
        buf[k++] = (t[i] == '\n' || t[i] == '\t') ? ' ' : t[i];
    buf[k] = 0;
    *n = k;
    return buf;
}

static json_t *snippet(xg_arena *a, const scan_doc *d, size_t from, size_t to)
{
    size_t n;
    char *buf = snippet_bytes(a, d, from, to, &n);
    json_t *j = buf ? json_stringn(buf, n) : NULL;
    return j ? j : json_null();
}

/* ---- classification and screening (cached per scanner: names repeat across a corpus) ---- */

/* The ECCN of a catalog item as a new JSON value (string or null). */
static json_t *classify(xg_scanner *s, const char *item)
{
    json_t *c = json_object_get(s->item_cache, item);
    if (c) return json_incref(c);
    json_t *v = json_null();
    xg_classification *cl = NULL;
    if (s->catalog && xg_classify_item(&cl, s->catalog, item, s->as_of[0] ? s->as_of : NULL) == 0 &&
        cl) {
        if (cl->eccn) {
            json_decref(v);
            v = json_string(cl->eccn);
        }
        xg_classification_free(cl);
    }
    xg_error_clear();
    json_object_set(s->item_cache, item, v);
    return v;
}

/* Screening matches for a name (a new JSON array, empty without a snapshot), not cached. */
static json_t *screen_uncached(xg_scanner *s, const char *name)
{
    json_t *arr = json_array();
    xg_screen_result *r = NULL;
    xg_screen_query q = {
        .name = name, .threshold = -1, .limit = 3, .as_of = s->as_of[0] ? s->as_of : NULL};
    if (s->snap && xg_screen(&r, s->snap, &q) == 0 && r) {
        json_t *j = xg_screen_result_json(r);
        json_t *m = json_object_get(j, "matches");
        if (json_is_array(m)) json_array_extend(arr, m);
        json_decref(j);
        xg_screen_result_free(r);
    }
    xg_error_clear();
    return arr;
}

/* The same, cached per name. */
static json_t *screen(xg_scanner *s, const char *name)
{
    json_t *c = json_object_get(s->screen_cache, name);
    if (c) return json_incref(c);
    json_t *arr = screen_uncached(s, name);
    if (arr && json_object_size(s->screen_cache) < 100000)
        json_object_set(s->screen_cache, name, arr);
    return arr;
}

/* The same as the text the JSONL line holds (json_dumps of the array), cached per name: a new
 * JSON string, or NULL out of memory. */
static json_t *screen_as_text(xg_scanner *s, const char *name)
{
    json_t *c = json_object_get(s->screen_text, name);
    if (c) return json_incref(c);
    json_t *arr = screen_uncached(s, name);
    char *t = arr ? json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(arr);
    json_t *v = t ? json_string_nocheck(t) : NULL;
    free(t);
    if (v && json_object_size(s->screen_text) < 100000) json_object_set(s->screen_text, name, v);
    return v;
}

/* ---- evidence from lexicon matches ---- */

typedef struct {
    int has[LX_NCATS];
    json_t *providers, *chips, *instances, *models, *mentions;
    json_t *us_chips; /* US accelerators and instances, to be classified */
    /* results as text (xg_scan_file_text): the mentions written into `mt` (mentions NULL) */
    xg_buf *mt;
    size_t nment;
    xg_arena *a;
} evidence;

static void evidence_free(evidence *e)
{
    json_decref(e->providers);
    json_decref(e->chips);
    json_decref(e->instances);
    json_decref(e->models);
    json_decref(e->mentions);
    json_decref(e->us_chips);
}

/* s[0..n) as a JSON string, or null when it is not UTF-8 (json_stringn gives NULL then, and
 * the tree holds json_null()). 0, or -1 out of memory. */
static int text_str_or_null(xg_buf *b, const char *s, size_t n)
{
    size_t mark = b->len;
    int r = xg_buf_json_string(b, s, n);
    if (r != -2) return r;
    b->len = mark;
    return xg_buf_append(b, "null", 4);
}

/* The snippet as snippet() makes it, as text (null where it gives null). */
static int snippet_text(xg_buf *b, xg_arena *a, const scan_doc *d, size_t from, size_t to)
{
    size_t n;
    char *buf = snippet_bytes(a, d, from, to, &n);
    return buf ? text_str_or_null(b, buf, n) : xg_buf_append(b, "null", 4);
}

/* One mention as the object record_match and add_arith build, appended to the mentions' text;
 * one that cannot be built is left out, as json_array_append_new leaves out a NULL object. */
static void mention_text(evidence *e, const scan_doc *d, const char *category, size_t from,
                         size_t to, const char *canonical)
{
    const char *src = d->orig ? d->orig : d->text;
    xg_buf *b = e->mt;
    size_t mark = b->len;
    int bad = xg_buf_puts(b, e->nment ? ",{\"category\":" : "{\"category\":") ||
              xg_buf_json_string(b, category, strlen(category)) ||
              xg_buf_append(b, ",\"term\":", 8) || text_str_or_null(b, src + from, to - from) ||
              xg_buf_append(b, ",\"canonical\":", 13) ||
              xg_buf_json_string(b, canonical, strlen(canonical)) ||
              xg_buf_append(b, ",\"offset\":", 10) || xg_buf_json_int(b, (long long)from) ||
              xg_buf_append(b, ",\"snippet\":", 11) || snippet_text(b, e->a, d, from, to) ||
              xg_buf_putc(b, '}');
    if (bad) {
        b->len = mark;
        return;
    }
    e->nment++;
}

static void record_match(evidence *e, const lx_term *t, const scan_doc *d, const lx_match *m)
{
    e->has[t->cat]++;
    switch (t->cat) {
    case LX_PROVIDER:
        add_unique(e->providers, t->canonical);
        break;
    case LX_PRODUCT:
    case LX_INSTANCE:
    case LX_MODEL:
        if (t->provider[0]) add_unique(e->providers, t->provider);
        break;
    default:
        break;
    }
    if (t->cat == LX_CHIP || t->cat == LX_DOMESTIC_CHIP) add_unique(e->chips, t->canonical);
    if (t->cat == LX_CHIP || t->cat == LX_INSTANCE) add_unique(e->us_chips, t->canonical);
    if (t->cat == LX_INSTANCE) add_unique(e->instances, t->canonical);
    if (t->cat == LX_MODEL || t->cat == LX_MODEL_OTHER) add_unique(e->models, t->canonical);
    if (e->mt) {
        if (e->nment < MAX_MENTIONS)
            mention_text(e, d, lx_category_name(t->cat), m->from, m->to, t->canonical);
        return;
    }
    if (json_array_size(e->mentions) >= MAX_MENTIONS) return;
    const char *src = d->orig ? d->orig : d->text;
    json_t *term = json_stringn(src + m->from, m->to - m->from);
    obj_b b = ob_new();
    ob_s(&b, "category", lx_category_name(t->cat));
    ob_o(&b, "term", term ? term : json_null());
    ob_s(&b, "canonical", t->canonical);
    ob_o(&b, "offset", json_integer((json_int_t)m->from));
    ob_o(&b, "snippet", snippet(e->a, d, m->from, m->to));
    json_array_append_new(e->mentions, ob_end(&b));
}

static int gather(evidence *e, xg_scanner *s, const scan_doc *d, xg_buf *mt)
{
    memset(e, 0, sizeof *e);
    e->providers = json_array();
    e->chips = json_array();
    e->instances = json_array();
    e->models = json_array();
    e->mt = mt;
    e->a = &s->arena;
    if (!mt) e->mentions = json_array();
    e->us_chips = json_array();
    xg_vec m;
    xg_vec_init(&m, sizeof(lx_match));
    int rc;
    if (s->lex.ngate) { /* one pass: the lexicon's terms and the field gate's literals */
        scan_gate_begin(s->pat, d);
        rc = lx_scan_gated(&s->lex, d->text, d->len, &m, scan_gate_hit, s->pat);
        scan_gate_end(s->pat, d, !rc);
    } else
        rc = lx_scan(&s->lex, d->text, d->len, &m);
    for (size_t i = 0; !rc && i < m.len; i++) {
        const lx_match *x = &XG_VEC_AT(&m, lx_match, i);
        record_match(e, &s->lex.terms[x->id], d, x);
    }
    xg_vec_free(&m);
    drop_prefixes(e->chips);
    drop_prefixes(e->instances);
    drop_prefixes(e->us_chips);
    drop_prefixes(e->models);
    return rc;
}

/* ---- parties ---- */

static int listed(const json_t *screening)
{
    return json_array_size(screening) > 0;
}

static json_t *party(xg_scanner *s, const char *role, const char *name, int *is_listed)
{
    json_t *sc = screen(s, name);
    if (is_listed && listed(sc)) *is_listed = 1;
    obj_b b = ob_new();
    ob_s(&b, "role", role);
    ob_s(&b, "name", name);
    ob_o(&b, "screening", sc);
    return ob_end(&b);
}

static json_t *parties(xg_scanner *s, const scan_doc *d, const scan_fields *f, int *buyer_listed,
                       int *supplier_listed, int *mentioned_listed, int body)
{
    json_t *arr = json_array();
    if (f->buyer) json_array_append_new(arr, party(s, "buyer", f->buyer, buyer_listed));
    if (f->supplier) json_array_append_new(arr, party(s, "supplier", f->supplier, supplier_listed));
    if (!body) return arr;
    xg_vec names;
    xg_vec_init(&names, sizeof(char *));
    scan_orgs_extract(&names, &s->arena, s->pat, d);
    for (size_t i = 0; i < names.len; i++) {
        const char *n = XG_VEC_AT(&names, char *, i);
        if ((f->buyer && !strcmp(n, f->buyer)) || (f->supplier && !strcmp(n, f->supplier)) ||
            (f->agency && !strcmp(n, f->agency)))
            continue;
        json_array_append_new(arr, party(s, "mentioned", n, mentioned_listed));
    }
    xg_vec_free(&names);
    return arr;
}

/* A party as party() builds it, appended to the parties' text (`first`: no comma before it);
 * one that cannot be built (a name that is not UTF-8) is left out, as parties() leaves it out.
 * 1 written, 0 left out, -1 out of memory. */
static int party_text(xg_buf *b, xg_scanner *s, const char *role, const char *name, int *is_listed,
                      int first)
{
    json_t *sc = screen_as_text(s, name);
    if (!sc) return -1;
    const char *st = json_string_value(sc);
    size_t sl = json_string_length(sc);
    if (is_listed && sl > 2) *is_listed = 1; /* not "[]" */
    size_t mark = b->len;
    int r = xg_buf_append(b, first ? "{\"role\":" : ",{\"role\":", first ? 8 : 9);
    if (!r) r = xg_buf_json_string(b, role, strlen(role));
    if (!r) r = xg_buf_append(b, ",\"name\":", 8);
    if (!r) r = xg_buf_json_string(b, name, strlen(name));
    if (!r) r = xg_buf_append(b, ",\"screening\":", 13);
    if (!r) r = xg_buf_append(b, st, sl);
    if (!r) r = xg_buf_putc(b, '}');
    json_decref(sc);
    if (r == -2) {
        b->len = mark;
        return 0;
    }
    return r ? -1 : 1;
}

/* The parties' array as parties() builds it, appended as text. 0, or -1 out of memory. */
static int parties_text(xg_buf *b, xg_scanner *s, const scan_doc *d, const scan_fields *f,
                        int *buyer_listed, int *supplier_listed, int *mentioned_listed, int body)
{
    int n = 0, r = 0;
    if (xg_buf_putc(b, '[')) return -1;
    if (f->buyer && (r = party_text(b, s, "buyer", f->buyer, buyer_listed, !n)) > 0) n++;
    if (r >= 0 && f->supplier &&
        (r = party_text(b, s, "supplier", f->supplier, supplier_listed, !n)) > 0)
        n++;
    if (r >= 0 && body) {
        xg_vec names;
        xg_vec_init(&names, sizeof(char *));
        scan_orgs_extract(&names, &s->arena, s->pat, d);
        for (size_t i = 0; r >= 0 && i < names.len; i++) {
            const char *nm = XG_VEC_AT(&names, char *, i);
            if ((f->buyer && !strcmp(nm, f->buyer)) || (f->supplier && !strcmp(nm, f->supplier)) ||
                (f->agency && !strcmp(nm, f->agency)))
                continue;
            if ((r = party_text(b, s, "mentioned", nm, mentioned_listed, !n)) > 0) n++;
        }
        xg_vec_free(&names);
    }
    return r < 0 || xg_buf_putc(b, ']') ? -1 : 0;
}

/* ---- the decision ---- */

typedef struct {
    int restricted, us_outside, china_only, model, flagged;
    int buyer_listed, supplier_listed, mentioned_listed;
} verdict;

/* US accelerators and cloud instances, classified. Domestic accelerators (Ascend …) are listed
 * under "chips" but are not US items: whatever their performance, buying them is not access to
 * restricted US compute, so they are not classified here. */
static json_t *items(xg_scanner *s, const evidence *e, int *restricted)
{
    json_t *arr = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(e->us_chips, i, v)
    {
        json_t *eccn = classify(s, json_string_value(v));
        if (json_is_string(eccn)) *restricted = 1;
        obj_b b = ob_new();
        ob_O(&b, "item", v);
        ob_o(&b, "eccn", eccn);
        json_array_append_new(arr, ob_end(&b));
    }
    return arr;
}

static json_t *signals(const evidence *e, const scan_fields *f, const verdict *v)
{
    json_t *s = json_array();
    const int *h = e->has;
    int relevant = v->us_outside || v->restricted || v->model;
    if (h[LX_ACCESS_OVERSEAS]) add_unique(s, "overseas_account");
    if (h[LX_ACCESS_RENTAL]) add_unique(s, "cloud_rental");
    if (v->model &&
        (h[LX_ACCESS_API] || h[LX_ACCESS_ACCOUNT] || h[LX_ACCESS_TOKENS] || f->tokens > 0))
        add_unique(s, "model_api");
    if (v->model && !strcmp(f->notice_type, "news")) add_unique(s, "model_api");
    if (f->tokens > 0 || (h[LX_ACCESS_TOKENS] && (v->model || json_array_size(e->models))))
        add_unique(s, "token_purchase");
    if (f->supplier && relevant) add_unique(s, "intermediary");
    if (h[LX_INTERMEDIARY_ROLE] && relevant) add_unique(s, "reseller");
    if (h[LX_SHORTFALL] && h[LX_DOMESTIC_CLOUD]) add_unique(s, "domestic_shortfall");
    if (v->restricted) add_unique(s, "restricted_chip");
    if (v->us_outside) add_unique(s, "us_provider");
    if (h[LX_PROVIDER_CHINA_REGION]) add_unique(s, "china_region");
    if (v->buyer_listed) add_unique(s, "listed_buyer");
    if (v->supplier_listed) add_unique(s, "listed_supplier");
    if (v->mentioned_listed) add_unique(s, "listed_party");
    return s;
}

static const struct {
    const char *signal;
    double weight;
} WEIGHTS[] = {{"restricted_chip", 0.3}, {"us_provider", 0.15},    {"overseas_account", 0.2},
               {"model_api", 0.3},       {"token_purchase", 0.1},  {"cloud_rental", 0.05},
               {"intermediary", 0.1},    {"reseller", 0.05},       {"domestic_shortfall", 0.1},
               {"listed_buyer", 0.3},    {"listed_supplier", 0.2}, {"listed_party", 0.1},
               {"china_region", 0.05}};

static double score_of(const json_t *sig, int flagged)
{
    double sum = 0;
    size_t i;
    json_t *v;
    json_array_foreach(sig, i, v) for (size_t k = 0; k < sizeof WEIGHTS / sizeof *WEIGHTS;
                                       k++) if (!strcmp(json_string_value(v), WEIGHTS[k].signal))
        sum += WEIGHTS[k].weight;
    double s = flagged ? 0.5 + sum / 2 : sum / 2;
    if (!flagged && s > 0.45) s = 0.45;
    if (s > 1) s = 1;
    return round(s * 1000) / 1000;
}

/* high: flagged with a listed buyer or supplier, or strong evidence; medium: flagged, or a listed
 * buyer/supplier without a flag; low: something US-related is named (a provider, a China region,
 * a restricted chip, a US model, a listed organisation) without a flag; none otherwise. */
static const char *risk_of(const verdict *v, const evidence *e, double score)
{
    if (v->flagged && (v->buyer_listed || v->supplier_listed || score >= 0.8)) return "high";
    if (v->flagged || v->buyer_listed || v->supplier_listed) return "medium";
    if (json_array_size(e->providers) || e->has[LX_PROVIDER_CHINA_REGION] || v->restricted ||
        e->has[LX_MODEL] || v->mentioned_listed)
        return "low";
    return "none";
}

static json_t *fields_json(const scan_fields *f)
{
    json_t *cur = json_null();
    if (f->currency_amount >= 0) {
        json_decref(cur);
        cur = json_pack("[o, s]", num_or_null(f->currency_amount), f->currency);
    }
    obj_b b = ob_new();
    ob_o(&b, "project_number", str_or_null(f->project_number));
    ob_o(&b, "title", str_or_null(f->title));
    ob_o(&b, "buyer", str_or_null(f->buyer));
    ob_o(&b, "agency", str_or_null(f->agency));
    ob_o(&b, "supplier", str_or_null(f->supplier));
    ob_o(&b, "amount_cny", num_or_null(f->amount_cny));
    ob_o(&b, "currency_amount", cur);
    ob_o(&b, "date", str_or_null(f->date));
    ob_o(&b, "tokens", num_or_null(f->tokens));
    ob_o(&b, "gpus", num_or_null(f->gpus));
    ob_o(&b, "servers", num_or_null(f->servers));
    ob_o(&b, "gpu_hours", num_or_null(f->gpu_hours));
    return ob_end(&b);
}

static void add_model_names(json_t *models, xg_scanner *s, const scan_doc *d)
{
    xg_vec names;
    xg_vec_init(&names, sizeof(char *));
    scan_model_names(&names, &s->arena, s->pat, d);
    for (size_t i = 0; i < names.len; i++)
        add_unique(models, XG_VEC_AT(&names, char *, i));
    drop_prefixes(models);
    xg_vec_free(&names);
}

/* The verdict from the evidence, once v->restricted is known (the parties' flags come later). */
static void verdict_of(verdict *v, const evidence *e)
{
    const int *h = e->has;
    int overseas = h[LX_ACCESS_OVERSEAS] > 0;
    v->china_only = h[LX_PROVIDER_CHINA_REGION] && !overseas;
    v->us_outside = json_array_size(e->providers) > 0 && !v->china_only;
    v->model = h[LX_MODEL] > 0;
    int compute =
        h[LX_COMPUTE] || h[LX_CHIP_HINT] || h[LX_CHIP] || h[LX_INSTANCE] || h[LX_ACCESS_RENTAL];
    v->flagged = v->model || (v->us_outside && compute) || (v->restricted && !v->china_only);
}

/* The gate: organisations named in the body and model names are looked for only where the
 * lexicon found something (or on every document with xg_scanner_set_all). */
static int body_of(const xg_scanner *s, const evidence *e)
{
    int terms = 0;
    for (int c = 0; c < LX_NCATS; c++)
        terms += e->has[c];
    return s->all || terms > 0;
}

static json_t *analyse(xg_scanner *s, const scan_doc *d, evidence *e, const scan_fields *f)
{
    verdict v = {0};
    json_t *it = items(s, e, &v.restricted);
    verdict_of(&v, e);
    int body = body_of(s, e);
    json_t *pt = parties(s, d, f, &v.buyer_listed, &v.supplier_listed, &v.mentioned_listed, body);
    if (body) add_model_names(e->models, s, d);
    json_t *sig = signals(e, f, &v);
    double score = score_of(sig, v.flagged);
    obj_b b = ob_new();
    ob_s(&b, "document", d->name);
    ob_s(&b, "language", f->language);
    ob_s(&b, "encoding", d->encoding ? d->encoding : "utf-8");
    ob_s(&b, "notice_type", f->notice_type);
    ob_o(&b, "flagged", json_boolean(v.flagged));
    ob_s(&b, "risk", risk_of(&v, e, score));
    ob_o(&b, "score", json_real(score));
    ob_o(&b, "signals", sig);
    ob_O(&b, "providers", e->providers);
    ob_O(&b, "chips", e->chips);
    ob_O(&b, "instances", e->instances);
    ob_O(&b, "models", e->models);
    ob_O(&b, "mentions", e->mentions);
    ob_o(&b, "fields", fields_json(f));
    ob_o(&b, "parties", pt);
    ob_o(&b, "items", it);
    ob_o(&b, "linked", json_array());
    return ob_end(&b);
}

/* ---- results as text (xg_scan_file_text): the bytes the JSONL writer gives for analyse()'s
 * tree, written from the evidence and fields without building it ---- */

/* A literal appended. */
#define TPUT(b, lit) xg_buf_append((b), (lit), sizeof(lit) - 1)

/* The score (a multiple of 0.001 in [0, 1], as score_of rounds it) as jansson writes the real:
 * "%.12g" of k / 1000 is its short decimal form, ".0" added to a whole number; anything else
 * through xg_buf_json_real. */
static int text_score(xg_buf *b, double v)
{
    long k = lround(v * 1000);
    if (k < 0 || k > 1000 || (double)k / 1000 != v) return xg_buf_json_real(b, v, 12, 25);
    if (k == 1000) return TPUT(b, "1.0");
    char t[8] = {'0', '.'};
    size_t n = 2;
    int d[3] = {(int)(k / 100), (int)(k / 10 % 10), (int)(k % 10)};
    int last = d[2] ? 3 : d[1] ? 2 : 1;
    for (int i = 0; i < last; i++)
        t[n++] = (char)('0' + d[i]);
    return xg_buf_append(b, t, n);
}

/* s as a JSON string; NULL or not UTF-8: -2 (the tree could not be built). */
static int text_str(xg_buf *b, const char *s)
{
    return s ? xg_buf_json_string(b, s, strlen(s)) : -2;
}

static int text_str_or_null_z(xg_buf *b, const char *s)
{
    return s ? xg_buf_json_string(b, s, strlen(s)) : xg_buf_append(b, "null", 4);
}

/* num_or_null(v) as text; a real that is not finite: -2 (json_real gives NULL). */
static int text_num(xg_buf *b, double v)
{
    if (v < 0) return xg_buf_append(b, "null", 4);
    if (v == floor(v) && v < 9e15) return xg_buf_json_int(b, (long long)v);
    return isfinite(v) ? xg_buf_json_real(b, v, 12, 25) : -2;
}

/* An array of JSON strings. */
static int text_strings(xg_buf *b, const json_t *arr)
{
    int r = xg_buf_putc(b, '[');
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!r && i) r = xg_buf_putc(b, ',');
        if (!r) r = xg_buf_json_string(b, json_string_value(v), json_string_length(v));
    }
    return r ? r : xg_buf_putc(b, ']');
}

static int fields_text(xg_buf *b, const scan_fields *f)
{
    int r = TPUT(b, "{\"project_number\":") || text_str_or_null_z(b, f->project_number) ||
            TPUT(b, ",\"title\":") || text_str_or_null_z(b, f->title) || TPUT(b, ",\"buyer\":") ||
            text_str_or_null_z(b, f->buyer) || TPUT(b, ",\"agency\":") ||
            text_str_or_null_z(b, f->agency) || TPUT(b, ",\"supplier\":") ||
            text_str_or_null_z(b, f->supplier) || TPUT(b, ",\"amount_cny\":") ||
            text_num(b, f->amount_cny) || TPUT(b, ",\"currency_amount\":");
    if (!r && f->currency_amount >= 0)
        r = xg_buf_putc(b, '[') || text_num(b, f->currency_amount) || xg_buf_putc(b, ',') ||
            text_str(b, f->currency) || xg_buf_putc(b, ']');
    else if (!r)
        r = xg_buf_append(b, "null", 4);
    return r || TPUT(b, ",\"date\":") || text_str_or_null_z(b, f->date) ||
           TPUT(b, ",\"tokens\":") || text_num(b, f->tokens) || TPUT(b, ",\"gpus\":") ||
           text_num(b, f->gpus) || TPUT(b, ",\"servers\":") || text_num(b, f->servers) ||
           TPUT(b, ",\"gpu_hours\":") || text_num(b, f->gpu_hours) || xg_buf_putc(b, '}');
}

/* items() as text. */
static int items_text(xg_buf *b, xg_scanner *s, const evidence *e)
{
    int r = xg_buf_putc(b, '[');
    size_t i;
    json_t *v;
    json_array_foreach(e->us_chips, i, v)
    {
        json_t *eccn = classify(s, json_string_value(v));
        if (!r) r = xg_buf_puts(b, i ? ",{\"item\":" : "{\"item\":");
        if (!r) r = xg_buf_json_string(b, json_string_value(v), json_string_length(v));
        if (!r) r = TPUT(b, ",\"eccn\":");
        if (!r)
            r = json_is_string(eccn)
                    ? xg_buf_json_string(b, json_string_value(eccn), json_string_length(eccn))
                    : xg_buf_append(b, "null", 4);
        if (!r) r = xg_buf_putc(b, '}');
        json_decref(eccn);
    }
    return r ? r : xg_buf_putc(b, ']');
}

/* analyse() as text into s->line, given to the sink with the document's link key and content
 * fingerprint (a hash of the line after the document's name: what differs between copies is only
 * the name and the links). */
static int analyse_text(xg_scanner *s, const scan_doc *d, evidence *e, const scan_fields *f)
{
    verdict v = {0};
    size_t i;
    json_t *x;
    json_array_foreach(e->us_chips, i, x)
    {
        json_t *eccn = classify(s, json_string_value(x));
        if (json_is_string(eccn)) v.restricted = 1;
        json_decref(eccn);
    }
    verdict_of(&v, e);
    int body = body_of(s, e);
    xg_buf *pt = &s->parties;
    xg_buf_reset(pt);
    if (parties_text(pt, s, d, f, &v.buyer_listed, &v.supplier_listed, &v.mentioned_listed, body))
        return xg_error_set(XG_ENOMEM, "%s: result could not be built", d->name);
    if (body) add_model_names(e->models, s, d);
    json_t *sig = signals(e, f, &v);
    double score = score_of(sig, v.flagged);
    const char *enc = s->sink_encoding ? s->sink_encoding : d->encoding ? d->encoding : "utf-8";
    xg_buf *b = &s->line;
    xg_buf_reset(b);
    int r = TPUT(b, "{\"document\":") || text_str(b, d->name);
    size_t named = b->len;
    r = r || TPUT(b, ",\"language\":") || text_str(b, f->language) || TPUT(b, ",\"encoding\":") ||
        text_str(b, enc) || TPUT(b, ",\"notice_type\":") || text_str(b, f->notice_type) ||
        xg_buf_puts(b, v.flagged ? ",\"flagged\":true" : ",\"flagged\":false") ||
        TPUT(b, ",\"risk\":") || text_str(b, risk_of(&v, e, score)) || TPUT(b, ",\"score\":") ||
        text_score(b, score) || TPUT(b, ",\"signals\":") || text_strings(b, sig) ||
        TPUT(b, ",\"providers\":") || text_strings(b, e->providers) || TPUT(b, ",\"chips\":") ||
        text_strings(b, e->chips) || TPUT(b, ",\"instances\":") || text_strings(b, e->instances) ||
        TPUT(b, ",\"models\":") || text_strings(b, e->models) || TPUT(b, ",\"mentions\":[") ||
        xg_buf_append(b, e->mt->data, e->mt->len) || TPUT(b, "],\"fields\":") ||
        fields_text(b, f) || TPUT(b, ",\"parties\":") || xg_buf_append(b, pt->data, pt->len) ||
        TPUT(b, ",\"items\":") || items_text(b, s, e) || TPUT(b, ",\"linked\":");
    json_decref(sig);
    if (r) return xg_error_set(XG_ENOMEM, "%s: result could not be built", d->name);
    char *key = scan_link_key_of(f->project_number, f->buyer, f->title);
    xg_scan_text t = {.line = b->data,
                      .len = b->len,
                      .name = d->name,
                      .name_len = strlen(d->name),
                      .key = key,
                      .fingerprint = XXH3_64bits(b->data + named, b->len - named)};
    int rc = s->sink(s->sink_ctx, &t);
    free(key);
    return rc;
}

/* A quantity worked out (GPUs as servers × cards, token counts or GPU-hours summed) is evidence
 * like a term: a mention of category "quantity" whose canonical form is the arithmetic
 * ("gpus = 500 × 8 = 4000"), at the first phrase it came from. */
static void add_arith(evidence *e, const scan_doc *d, const char *field, const scan_arith *ar)
{
    if (!ar->expr) return;
    const char *src = d->orig ? d->orig : d->text;
    char *canon = malloc(strlen(field) + strlen(ar->expr) + 4);
    if (!canon) return;
    sprintf(canon, "%s = %s", field, ar->expr);
    if (e->mt) {
        mention_text(e, d, "quantity", ar->from, ar->to, canon);
        free(canon);
        return;
    }
    json_t *term = json_stringn(src + ar->from, ar->to - ar->from);
    json_array_append_new(e->mentions, json_pack("{s:s, s:o, s:s, s:I, s:o}", "category",
                                                 "quantity", "term", term ? term : json_null(),
                                                 "canonical", canon, "offset", (json_int_t)ar->from,
                                                 "snippet", snippet(e->a, d, ar->from, ar->to)));
    free(canon);
}

/* One document's result: a tree into *out, or with a sink (xg_scan_file_text) its text given to
 * the sink and *out NULL. Everything the document allocates on the side (fields, names found in
 * the body, snippets written as text) comes from the scanner's arena, reset at the end. */
static int scan_doc_run(json_t **out, xg_scanner *s, const scan_doc *d)
{
    evidence e;
    xg_buf *mt = s->sink ? &s->mentions : NULL;
    if (mt) xg_buf_reset(mt);
    int rc = gather(&e, s, d, mt);
    if (!rc) {
        scan_fields f;
        scan_fields_extract(&f, &s->arena, s->pat, d);
        add_arith(&e, d, "gpus", &f.gpus_arith);
        add_arith(&e, d, "tokens", &f.tokens_arith);
        add_arith(&e, d, "gpu_hours", &f.gpu_hours_arith);
        if (mt) {
            *out = NULL;
            rc = analyse_text(s, d, &e, &f);
        } else {
            json_t *j = analyse(s, d, &e, &f);
            if (j)
                *out = j;
            else
                rc = xg_error_set(XG_ENOMEM, "%s: result could not be built", d->name);
        }
    }
    evidence_free(&e);
    xg_arena_reset(&s->arena);
    return rc;
}

/* ---- entry points ---- */

/* xg_scan_document on text known to be valid UTF-8 (decoded by scan_to_utf8, or written from
 * a JSON record, whose strings jansson has checked): not checked again. */
static int scan_valid_document(json_t **out, xg_scanner *s, const char *name, const char *utf8,
                               size_t len, const char *encoding)
{
    scan_doc d = {.name = (char *)name, .encoding = encoding ? encoding : "utf-8"};
    int rc = scan_normalise(&d, utf8, len, s->fold);
    if (rc) return rc;
    rc = scan_doc_run(out, s, &d);
    free(d.text);
    free(d.orig);
    return rc;
}

int xg_scan_document(json_t **out, xg_scanner *s, const char *name, const char *utf8, size_t len,
                     const char *encoding)
{
    if (!xg_utf8_valid(utf8, len))
        return xg_error_set(XG_EUTF8, "%s: text is not valid UTF-8", name);
    return scan_valid_document(out, s, name, utf8, len, encoding);
}

int xg_scan_decode(char **out, size_t *out_len, const char **encoding, const xg_scanner *s,
                   const char *bytes, size_t len)
{
    char *u;
    size_t ul;
    int rc = scan_to_utf8(&u, &ul, encoding, bytes, len);
    if (rc) return rc;
    scan_doc d = {0};
    rc = scan_normalise(&d, u, ul, s ? s->fold : NULL);
    free(u);
    if (rc) return rc;
    free(d.orig);
    *out = d.text;
    *out_len = d.len;
    return 0;
}

/* Record `n` of file `name`, written as text `t` (freed here), scanned as document NAME#n. */
static int append_text(json_t *docs, xg_scanner *s, const char *name, size_t n, char *t, size_t tl,
                       const char *enc)
{
    int rc;
    char *nm = malloc(strlen(name) + 24);
    if (!nm) {
        free(t);
        return XG_ENOMEM;
    }
    sprintf(nm, "%s#%zu", name, n);
    json_t *j = NULL;
    rc = scan_valid_document(&j, s, nm, t, tl, enc);
    free(t);
    free(nm);
    if (!rc) json_array_append_new(docs, j);
    return rc;
}

static int append_record(json_t *docs, xg_scanner *s, const char *name, size_t n, const json_t *rec,
                         const char *enc)
{
    char *t;
    size_t tl;
    int rc = scan_record_to_text(&t, &tl, rec, s->keymap);
    if (rc) return rc;
    return append_text(docs, s, name, n, t, tl, enc);
}

static int is_json_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* JSON: one value (an array of records or one record) or JSON Lines. */
/* A file that is one record or an array of them, pretty-printed or not (the portals' .json
 * exports), read without JSON trees when scan_record_keys_text (flat records) or
 * scan_record_nested_keys_text (records with objects or arrays) reads every record: the documents
 * jansson's whole parse gives (NAME#1 …). Returns 1, having appended nothing, for anything else
 * (an empty array, another kind of element, something after the value, a record the readers
 * decline …): the caller parses the file with jansson as before. Otherwise 0,
 * with what appending the documents returned in *rc. */
static int json_records_fast(json_t *docs, xg_scanner *s, const char *name, const char *u,
                             size_t ul, const char *enc, int *rc)
{
    typedef struct {
        char *t;
        size_t tl;
    } rec_text;
    xg_vec recs;
    xg_vec_init(&recs, sizeof(rec_text));
    const char *p = u, *end = u + ul;
    while (p < end && is_json_ws(*p))
        p++;
    int array = p < end && *p == '[', ok = 0;
    if (array) p++;
    for (;;) {
        while (p < end && is_json_ws(*p))
            p++;
        if (p >= end || *p != '{') break;
        const char *q = p + 1; /* the closing brace: a flat record holds no '{' or '[' */
        for (int in_str = 0; q < end; q++) {
            if (in_str) {
                if (*q == '\\')
                    q++;
                else if (*q == '"')
                    in_str = 0;
            } else if (*q == '"')
                in_str = 1;
            else if (*q == '{' || *q == '[' || *q == '}')
                break;
        }
        if (q >= end) break;
        rec_text r;
        if (*q != '}') { /* a nested value: the record read to its end by the nested reader */
            size_t used;
            if (scan_record_nested_keys_text(&r.t, &r.tl, p, (size_t)(end - p), s->keys, &used))
                break;
            q = p + used - 1;
        } else if (scan_record_keys_text(&r.t, &r.tl, p, (size_t)(q + 1 - p), s->keys))
            break;
        if (!xg_vec_push(&recs, &r)) {
            free(r.t);
            break;
        }
        p = q + 1;
        while (p < end && is_json_ws(*p))
            p++;
        if (!array) {
            ok = 1;
            break;
        }
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == ']') {
            p++;
            ok = 1;
        }
        break;
    }
    while (ok && p < end && is_json_ws(*p))
        p++;
    ok = ok && p == end;
    *rc = 0;
    for (size_t i = 0; i < recs.len; i++) {
        rec_text *r = &XG_VEC_AT(&recs, rec_text, i);
        if (ok && !*rc)
            *rc = append_text(docs, s, name, i + 1, r->t, r->tl, enc); /* frees r->t */
        else
            free(r->t);
    }
    xg_vec_free(&recs);
    return ok ? 0 : 1;
}

static int scan_json(json_t *docs, xg_scanner *s, const char *name, const char *u, size_t ul,
                     const char *enc)
{
    json_error_t err;
    /* JSON Lines of records, the usual portal export, are read without JSON trees
     * (scan_record_keys_text for flat records, else scan_record_nested_keys_text) where that
     * gives the same text; any other line goes to jansson
     * as before. When the first line is one complete record and more follows, the file cannot
     * be one JSON value, so it is not parsed whole first. */
    const char *nl1 = memchr(u, '\n', ul);
    size_t l1 = nl1 ? (size_t)(nl1 - u) : ul;
    char *t1 = NULL;
    size_t t1l = 0;
    int lines = 0;
    if (nl1 && scan_record_keys_text(&t1, &t1l, u, l1, s->keys) == 0) {
        for (const char *q = nl1; q < u + ul && !lines; q++)
            lines = !is_json_ws(*q);
        if (!lines) free(t1);
    }
    if (!lines) {
        int rc;
        if (json_records_fast(docs, s, name, u, ul, enc, &rc) == 0) return rc;
    }
    json_t *all = lines ? NULL : json_loadb(u, ul, JSON_DECODE_ANY, &err);
    if (all) {
        int rc = 0;
        if (json_is_array(all)) {
            size_t i;
            json_t *r;
            json_array_foreach(all, i, r) if (!rc) rc = append_record(docs, s, name, i + 1, r, enc);
        } else
            rc = append_record(docs, s, name, 1, all, enc);
        json_decref(all);
        return rc;
    }
    int first_error_line = lines ? 0 : err.line;
    size_t n = 0;
    long lineno = 0;
    const char *p = u;
    if (lines) {
        int rc = append_text(docs, s, name, ++n, t1, t1l, enc);
        if (rc) return rc;
        lineno = 1;
        p = nl1 + 1;
    }
    for (const char *end = u + ul; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        size_t k = 0;
        while (k < ll && (p[k] == ' ' || p[k] == '\t' || p[k] == '\r'))
            k++;
        char *t;
        size_t tl;
        if (k < ll && (scan_record_keys_text(&t, &tl, p, ll, s->keys) == 0 ||
                       scan_record_nested_keys_text(&t, &tl, p, ll, s->keys, NULL) == 0)) {
            int rc = append_text(docs, s, name, ++n, t, tl, enc);
            if (rc) return rc;
        } else if (k < ll) {
            json_t *r = json_loadb(p, ll, 0, &err);
            if (!r)
                return xg_error_set(XG_EPARSE, "%s:%ld: malformed JSON (%s)", name,
                                    n ? lineno : (long)first_error_line, err.text);
            int rc = append_record(docs, s, name, ++n, r, enc);
            json_decref(r);
            if (rc) return rc;
        }
        p = nl ? nl + 1 : end;
    }
    return 0;
}

static int looks_html(const char *name, const char *u, size_t ul)
{
    const char *dot = strrchr(name, '.');
    if (dot &&
        (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm") || !strcasecmp(dot, ".xhtml")))
        return 1;
    size_t lim = ul < 2048 ? ul : 2048;
    static const char *const TAGS[] = {"<html",  "<HTML", "<!DOCTYPE", "<!doctype", "<body",
                                       "<table", "<div",  "<p>",       NULL};
    for (int i = 0; TAGS[i]; i++)
        if (memmem(u, lim, TAGS[i], strlen(TAGS[i]))) return 1;
    return 0;
}

static int pdf_to_text(char **out, size_t *out_len, const char *name, const char *bytes,
                       size_t len);

/* A PDF whose text layer is empty or nearly so (fewer than 10 visible characters a page: scanned
 * pages, images of text) needs OCR: reported as such, never as a clean document. */
static int pdf_needs_ocr(const char *t, size_t n)
{
    size_t pages = 1, visible = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '\f' && i + 1 < n) pages++;
        if (c > ' ' && (c & 0xC0) != 0x80) visible++;
    }
    return visible < 10 * pages;
}

/* DOCX, XLSX, ODT, ODS: the text of the document, scanned as one document. */
static int scan_office(json_t **out, xg_scanner *s, const char *name, const char *bytes, size_t len)
{
    char *t;
    size_t tl;
    const char *kind = "docx";
    int rc = scan_office_to_text(&t, &tl, &kind, bytes, len);
    if (rc) {
        char why[256];
        snprintf(why, sizeof why, "%s", xg_error_message());
        return xg_error_set(rc, "%s: %s", name, why);
    }
    json_t *j = NULL;
    rc = xg_scan_document(&j, s, name, t, tl, kind);
    free(t);
    if (rc) return rc;
    *out = json_array();
    json_array_append_new(*out, j);
    return 0;
}

int xg_scan_bytes(json_t **out, xg_scanner *s, const char *name, const char *bytes, size_t len)
{
    if (scan_is_zip(bytes, len)) return scan_office(out, s, name, bytes, len);
    if (len >= 5 && !memcmp(bytes, "%PDF-", 5)) {
        char *t;
        size_t tl;
        int rc = pdf_to_text(&t, &tl, name, bytes, len);
        if (rc) return rc;
        if (pdf_needs_ocr(t, tl)) {
            free(t);
            return xg_error_set(XG_EFORMAT,
                                "%s: needs OCR: the PDF has no text layer (scanned pages?); not "
                                "scanned",
                                name);
        }
        json_t *j = NULL;
        const char *enc = s->sink_encoding;
        s->sink_encoding = "pdf"; /* as the trees' "encoding" is set below */
        rc = (tl >= 5 && !memcmp(t, "%PDF-", 5))
                 ? xg_error_set(XG_EFORMAT, "%s: pdftotext returned a PDF", name)
                 : xg_scan_bytes(&j, s, name, t, tl);
        s->sink_encoding = enc;
        free(t);
        if (rc) return rc;
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) json_object_set_new(v, "encoding", json_string("pdf"));
        *out = j;
        return 0;
    }
    const char *u;
    char *owned;
    size_t ul;
    const char *enc;
    int rc = scan_to_utf8_view(&u, &ul, &owned, &enc, bytes, len);
    if (rc) { /* the message is formatted from a copy: xg_error_set writes the buffer it reads */
        char why[256];
        snprintf(why, sizeof why, "%s", xg_error_message());
        return xg_error_set(rc, "%s: %s", name, why);
    }
    json_t *docs = json_array();
    size_t k = 0;
    while (k < ul && (u[k] == ' ' || u[k] == '\n' || u[k] == '\r' || u[k] == '\t'))
        k++;
    if (k < ul && (u[k] == '{' || u[k] == '['))
        rc = scan_json(docs, s, name, u, ul, enc);
    else if (looks_html(name, u, ul)) {
        char *t;
        size_t tl;
        rc = scan_html_valid_to_text(&t, &tl, u, ul); /* u: checked by scan_to_utf8_view */
        json_t *j = NULL;
        if (!rc) {
            rc = xg_scan_document(&j, s, name, t, tl, enc);
            free(t);
        }
        if (!rc) json_array_append_new(docs, j);
    } else {
        json_t *j = NULL;
        rc = scan_valid_document(&j, s, name, u, ul, enc);
        if (!rc) json_array_append_new(docs, j);
    }
    free(owned);
    if (rc) {
        json_decref(docs);
        return rc;
    }
    *out = docs;
    return 0;
}

extern char **environ;

/* PDF text through poppler's pdftotext (run without a shell; temporary files in $TMPDIR). */
static int pdf_to_text(char **out, size_t *out_len, const char *name, const char *bytes, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    char in[512], txt[600];
    snprintf(in, sizeof in, "%s/xgate-scan-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(in);
    if (fd < 0) return xg_error_set(XG_EIO, "%s: cannot create a temporary file", name);
    size_t w = 0;
    while (w < len) {
        ssize_t k = write(fd, bytes + w, len - w);
        if (k <= 0) break;
        w += (size_t)k;
    }
    close(fd);
    snprintf(txt, sizeof txt, "%s.txt", in);
    char *argv[] = {"pdftotext", "-q", "-enc", "UTF-8", in, txt, NULL};
    pid_t pid;
    int st = -1, rc;
    if (w == len && posix_spawnp(&pid, "pdftotext", NULL, NULL, argv, environ) == 0)
        waitpid(pid, &st, 0);
    if (st == -1 || (WIFEXITED(st) && WEXITSTATUS(st) == 127))
        rc = xg_error_set(XG_EFORMAT,
                          "%s: PDF skipped: pdftotext (poppler-utils) is not "
                          "installed",
                          name);
    else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        rc = xg_error_set(XG_EFORMAT, "%s: unreadable PDF (pdftotext exit %d)", name,
                          WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    else
        rc = xg_file_read(out, out_len, txt, 0);
    unlink(in);
    unlink(txt);
    return rc;
}

int xg_scan_file(json_t **out, xg_scanner *s, const char *path, size_t max_bytes)
{
    char *data;
    size_t len;
    int rc = xg_file_read(&data, &len, path, max_bytes ? max_bytes : (size_t)256 << 20);
    if (rc) return rc;
    rc = xg_scan_bytes(out, s, path, data, len);
    free(data);
    return rc;
}

int xg_scan_file_text(xg_scanner *s, const char *path, size_t max_bytes, xg_scan_text_fn fn,
                      void *ctx)
{
    if (!s || !fn) return xg_error_set(XG_EINVAL, "xg_scan_file_text: no scanner or callback");
    json_t *out = NULL;
    s->sink = fn;
    s->sink_ctx = ctx;
    s->sink_encoding = NULL;
    int rc = xg_scan_file(&out, s, path, max_bytes);
    s->sink = NULL;
    s->sink_ctx = NULL;
    json_decref(out); /* empty: every document went to fn */
    return rc;
}
