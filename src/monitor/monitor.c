/*
 * monitor.c — one monitor run: what changed in the lists, which stored parties it hits.
 *
 * The run is shaped by its cost: the entries that changed are few (hundreds) and the stored
 * parties many (up to millions), so the parties are read once, merged by name key (a customer
 * that is also another customer's owner is one party with two relations), indexed once, and the
 * changed entries query that index. Everything a hit needs (roles, the customers it affects, the
 * decisions in force that named it) is gathered while reading, so the store is written only
 * with finished alerts, one chunk of entries per transaction.
 *
 * Reading and analysing a million parties is most of a run, and between two runs the parties
 * rarely change: a run that read them writes a compiled party file (partyfile.h) named by the
 * store's party generation, and the next run maps it instead while the generation (and the text
 * analysis data) are the same. The file is written only after the run's last chunk committed,
 * so a file in force means "these parties were screened and recorded by a completed run": their
 * fingerprints are the store's, and no party needs a forward screen.
 */
#include "xgate/monitor.h"

#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

#include "core/core.h"
#include "monitor/partyfile.h"
#include "xgate/error.h"

#define DEFAULT_CHUNK 2000
/* Owner chains are followed this deep to the customers they reach (as decide does). */
#define MAX_OWNER_DEPTH 12

typedef struct strlist {
    const char **v;
    uint32_t n, cap;
} strlist;

typedef struct mparty {
    const char *key, *name;
    strlist aliases, ids, roles, customers, decisions;
    char fp[33];
} mparty;

typedef struct strmap {
    uint64_t *slot; /* hash tag | index + 1 (map_find), 0 empty */
    size_t size;
} strmap;

typedef struct run_ctx {
    xg_arena arena;
    mparty *p;
    size_t n, cap;
    strmap map;
    int rc;
} run_ctx;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int list_add(strlist *l, const char *s, int unique)
{
    if (!s || !*s) return 0;
    if (unique)
        for (uint32_t i = 0; i < l->n; i++)
            if (!strcmp(l->v[i], s)) return 0;
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 2;
        const char **v = realloc(l->v, cap * sizeof *v);
        if (!v) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 1;
}

static uint64_t key_hash(const char *k)
{
    return XXH3_64bits(k, strlen(k));
}

/* Slots hold (upper 32 bits of the key's hash) << 32 | (index + 1); 0 is empty. Comparing the
 * stored hash bits first spares most key comparisons (and their cache misses). */
#define SLOT_TAG(h) ((h)&0xFFFFFFFF00000000ull)
#define SLOT_INDEX(v) ((uint32_t)(v)-1)

static int map_grow(run_ctx *c)
{
    size_t size = c->map.size ? c->map.size * 2 : 1024;
    uint64_t *slot = calloc(size, sizeof *slot);
    if (!slot) return -2;
    for (size_t i = 0; i < c->map.size; i++) {
        if (!c->map.slot[i]) continue;
        size_t h = key_hash(c->p[SLOT_INDEX(c->map.slot[i])].key) & (size - 1);
        while (slot[h])
            h = (h + 1) & (size - 1);
        slot[h] = c->map.slot[i];
    }
    free(c->map.slot);
    c->map.slot = slot;
    c->map.size = size;
    return 0;
}

/* Find (or with `add`, insert as index `add_index`) a party by key; returns index, -1 when absent
 * (not added), -2 out of memory. */
static long map_find(run_ctx *c, const char *key, int add, size_t add_index)
{
    if (add && (c->n + 1) * 2 > c->map.size && map_grow(c)) return -2;
    if (!c->map.size) return -1;
    uint64_t hv = key_hash(key);
    size_t h = hv & (c->map.size - 1);
    while (c->map.slot[h]) {
        uint64_t v = c->map.slot[h];
        if (SLOT_TAG(v) == SLOT_TAG(hv) && !strcmp(c->p[SLOT_INDEX(v)].key, key))
            return SLOT_INDEX(v);
        h = (h + 1) & (c->map.size - 1);
    }
    if (!add) return -1;
    c->map.slot[h] = SLOT_TAG(hv) | ((uint64_t)add_index + 1);
    return (long)add_index;
}

static int add_json_strings(run_ctx *c, strlist *l, const char *text)
{
    if (!text || !*text || !strcmp(text, "[]")) return 0;
    json_t *a = json_loads(text, 0, NULL);
    size_t i;
    json_t *v;
    int rc = 0;
    json_array_foreach(a, i, v)
    {
        const char *s = json_string_value(v);
        if (!s) continue;
        rc = list_add(l, xg_arena_strdup(&c->arena, s), 1);
        if (rc < 0) break;
        rc = 0;
    }
    json_decref(a);
    return rc;
}

static int on_party(const xg_stored_party *sp, void *ctx)
{
    run_ctx *c = ctx;
    if (!sp->key || !*sp->key) return 0;
    /* find, or insert as the next index (filled in below) */
    long i = map_find(c, sp->key, 1, c->n);
    if (i == -2) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
    if ((size_t)i == c->n) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 1024;
            mparty *p = realloc(c->p, cap * sizeof *p);
            if (!p) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
            c->p = p;
            c->cap = cap;
        }
        mparty *p = &c->p[c->n];
        memset(p, 0, sizeof *p);
        p->key = xg_arena_strdup(&c->arena, sp->key);
        p->name = xg_arena_strdup(&c->arena, sp->name);
        if (!p->key || !p->name) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
        c->n++;
    }
    mparty *p = &c->p[i];
    int rc = 0;
    if (list_add(&p->roles, sp->role, 1) < 0 ||
        list_add(&p->customers,
                 sp->customer && *sp->customer ? xg_arena_strdup(&c->arena, sp->customer) : NULL,
                 1) < 0 ||
        list_add(&p->decisions,
                 sp->decision_id ? xg_arena_strdup(&c->arena, sp->decision_id) : NULL, 1) < 0)
        return xg_error_set(XG_ENOMEM, "monitor: out of memory");
    /* a customer's role name may be a static string from the store: keep our own copy */
    if (p->roles.n && p->roles.v[p->roles.n - 1] == sp->role)
        p->roles.v[p->roles.n - 1] = xg_arena_strdup(&c->arena, sp->role);
    if ((rc = add_json_strings(c, &p->aliases, sp->aliases))) return rc;
    return add_json_strings(c, &p->ids, sp->ids);
}

/* Owners relate to what they own; follow chains so an owner's owner reaches the customer. */
static int close_ownership(run_ctx *c)
{
    for (int round = 0; round < MAX_OWNER_DEPTH; round++) {
        int changed = 0;
        for (size_t i = 0; i < c->n; i++) {
            mparty *p = &c->p[i];
            for (uint32_t k = 0; k < p->customers.n; k++) {
                char key[512];
                size_t j = 0;
                int space = 0;
                for (const char *s = p->customers.v[k]; *s && j + 2 < sizeof key; s++) {
                    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
                        space = j > 0;
                        continue;
                    }
                    if (space) key[j++] = ' ';
                    space = 0;
                    key[j++] = (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
                }
                key[j] = '\0';
                long o = map_find(c, key, 0, 0);
                if (o < 0 || (size_t)o == i) continue;
                mparty *q = &c->p[o];
                for (uint32_t m = 0; m < q->customers.n; m++) {
                    int r = list_add(&p->customers, q->customers.v[m], 1);
                    if (r < 0) return r;
                    changed |= r;
                }
                for (uint32_t m = 0; m < q->decisions.n; m++) {
                    int r = list_add(&p->decisions, q->decisions.v[m], 1);
                    if (r < 0) return r;
                }
            }
        }
        if (!changed) break;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void hash_list(crypto_generichash_state *st, char tag, const char **v, size_t n, int sort)
{
    const char **copy = v;
    if (sort && n > 1) {
        copy = malloc(n * sizeof *copy);
        if (copy) {
            memcpy(copy, v, n * sizeof *copy);
            qsort(copy, n, sizeof *copy, cmp_str);
        } else {
            copy = v;
        }
    }
    unsigned char t[2] = {(unsigned char)tag, 0x1e};
    crypto_generichash_update(st, t, 2);
    for (size_t i = 0; i < n; i++) {
        const char *s = copy[i] ? copy[i] : "";
        crypto_generichash_update(st, (const unsigned char *)s, strlen(s) + 1);
    }
    if (copy != v) free(copy);
}

static void hash_hex(char out[33], crypto_generichash_state *st)
{
    unsigned char h[16];
    crypto_generichash_final(st, h, sizeof h);
    sodium_bin2hex(out, 33, h, sizeof h);
}

static void party_fp(mparty *p)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 16);
    hash_list(&st, 'n', &p->key, 1, 0);
    hash_list(&st, 'a', p->aliases.v, p->aliases.n, 1);
    hash_list(&st, 'i', p->ids.v, p->ids.n, 1);
    hash_hex(p->fp, &st);
}

void xg_monitor_entry_fingerprint(char out[33], const xg_record *r)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 16);
    const char *one[] = {r->name, xg_party_type_name(r->type), r->start_date, r->end_date};
    hash_list(&st, 'n', one, 4, 0);
    hash_list(&st, 'a', r->aliases, r->naliases, 1);
    hash_list(&st, 'c', r->countries, r->ncountries, 1);
    hash_list(&st, 'd', r->addresses, r->naddresses, 1);
    hash_list(&st, 'p', r->programs, r->nprograms, 1);
    for (size_t i = 0; i < r->nids; i++) {
        const char *id[] = {r->ids[i].scheme, r->ids[i].value, r->ids[i].country};
        hash_list(&st, 'i', id, 3, 0);
    }
    hash_hex(out, &st);
}

static void run_ctx_free(run_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        mparty *p = &c->p[i];
        free(p->aliases.v), free(p->ids.v), free(p->roles.v), free(p->customers.v);
        free(p->decisions.v);
    }
    free(c->p);
    free(c->map.slot);
    xg_arena_free(&c->arena);
}

/* ---- seen entries ---- */

typedef struct seen_entry {
    const char *key, *fp;
    int visited;
} seen_entry;

typedef struct seen_set {
    xg_arena *arena;
    seen_entry *v;
    size_t n, cap;
    uint32_t *slot;
    size_t size;
} seen_set;

static long seen_find(const seen_set *s, const char *key)
{
    if (!s->size) return -1;
    size_t h = key_hash(key) & (s->size - 1);
    while (s->slot[h]) {
        if (!strcmp(s->v[s->slot[h] - 1].key, key)) return s->slot[h] - 1;
        h = (h + 1) & (s->size - 1);
    }
    return -1;
}

static int on_seen(const char *key, const char *fp, void *ctx)
{
    seen_set *s = ctx;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        seen_entry *v = realloc(s->v, cap * sizeof *v);
        if (!v) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = (seen_entry){xg_arena_strdup(s->arena, key), xg_arena_strdup(s->arena, fp), 0};
    return 0;
}

static int seen_index(seen_set *s)
{
    s->size = 1024;
    while (s->size < s->n * 2)
        s->size <<= 1;
    s->slot = calloc(s->size, sizeof *s->slot);
    if (!s->slot) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
    for (size_t i = 0; i < s->n; i++) {
        size_t h = key_hash(s->v[i].key) & (s->size - 1);
        while (s->slot[h])
            h = (h + 1) & (s->size - 1);
        s->slot[h] = (uint32_t)i + 1;
    }
    return 0;
}

/* ---- the run ---- */

typedef struct delta_entry {
    size_t record;
    const char *key;
    char fp[33];
    int changed; /* 0 added, 1 changed */
} delta_entry;

static json_t *strlist_json(const strlist *l)
{
    json_t *a = json_array();
    for (uint32_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

/* The stored version whose directory holds the record's file: {"source","id","sha256"}, or
 * JSON null (bundled or explicit files). */
static json_t *version_of(const json_t *versions, const xg_record *r)
{
    const char *source;
    json_t *v;
    json_object_foreach((json_t *)versions, source, v)
    {
        const char *path = json_string_value(json_object_get(v, "path"));
        size_t n = path ? strlen(path) : 0;
        if (n && r->file && !strncmp(r->file, path, n) && (r->file[n] == '/' || !r->file[n]))
            return json_pack("{s:s,s:O,s:O}", "source", source, "id", json_object_get(v, "id"),
                             "sha256", json_object_get(v, "sha256"));
    }
    return json_null();
}

static json_t *named_versions(const json_t *versions)
{
    json_t *o = json_object();
    const char *source;
    json_t *v;
    json_object_foreach((json_t *)versions, source, v)
    {
        json_t *c = json_pack("{s:O,s:O}", "id", json_object_get(v, "id"), "sha256",
                              json_object_get(v, "sha256"));
        if (c && json_object_get(v, "publish_date"))
            json_object_set(c, "publish_date", json_object_get(v, "publish_date"));
        json_object_set_new(o, source, c);
    }
    return o;
}

const json_t *xg_monitor_clearance_of(const json_t *clearances, const xg_record *rec, int *applies)
{
    if (applies) *applies = 0;
    if (!rec || !json_is_array(clearances)) return NULL;
    const char *src = rec->source_code && *rec->source_code ? rec->source_code : rec->source;
    size_t sl = src ? strlen(src) : 0, il = rec->id ? strlen(rec->id) : 0;
    size_t i;
    json_t *c;
    json_array_foreach(clearances, i, c)
    {
        const char *ek = json_string_value(json_object_get(c, "entry_key"));
        if (!ek || strlen(ek) != sl + 1 + il || (sl && strncmp(ek, src, sl)) || ek[sl] != ':' ||
            (il && strcmp(ek + sl + 1, rec->id)))
            continue;
        char fp[33];
        xg_monitor_entry_fingerprint(fp, rec);
        const char *efp = json_string_value(json_object_get(c, "entry_fp"));
        const char *pfp = json_string_value(json_object_get(c, "party_fp"));
        const char *now = json_string_value(json_object_get(c, "party_fp_now"));
        if (applies) *applies = efp && !strcmp(efp, fp) && (!now || (pfp && !strcmp(now, pfp)));
        return c;
    }
    return NULL;
}

static json_t *hit_json(const mparty *p, const xg_record *r, const delta_entry *d,
                        const xg_party_hit *h, const json_t *versions)
{
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:O}", "party_key", p->key,
        "party_name", p->name, "party_fp", p->fp, "roles", strlist_json(&p->roles), "customers",
        strlist_json(&p->customers), "decisions", strlist_json(&p->decisions), "entry_key", d->key,
        "source", r->source ? r->source : "", "source_code", r->source_code ? r->source_code : "",
        "entry_id", r->id ? r->id : "", "entry_name", r->name ? r->name : "", "entry_fp", d->fp,
        "matched", h->matched ? h->matched : "", "score", h->score, "explanation", h->explanation);
    json_object_set_new(json_object_get(o, "explanation"), "party_name_matched",
                        json_string(h->party_name ? h->party_name : p->name));
    json_object_set_new(o, "list_version", version_of(versions, r));
    return o;
}

typedef struct run_state run_state;
static int build_index(run_state *S, const xg_text_ctx *text);

static void merge_result(json_t *report, json_t *res, xg_store *store)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(res, "opened"), i, v)
    {
        json_t *a;
        if (xg_store_alert_get(&a, store, json_string_value(v)) == 0)
            json_array_append_new(json_object_get(report, "opened"), a);
    }
    json_array_extend(json_object_get(report, "closed"), json_object_get(res, "closed"));
    const char *k[] = {"suppressed", "still_open"};
    for (int j = 0; j < 2; j++)
        json_object_set_new(report, k[j],
                            json_integer(json_integer_value(json_object_get(report, k[j])) +
                                         json_integer_value(json_object_get(res, k[j]))));
}

struct run_state {
    xg_store *store;
    const xg_snapshot *snap;
    const xg_monitor_opts *o;
    xg_party_index *pi;
    run_ctx *c;
    delta_entry *delta;
    size_t ndelta;
    seen_set *seen;
    json_t *report;
    double t_screen, t_store;
    /* per record of the lists: its key and fingerprint (in force only), and whether the delta
     * holds it */
    const char **rec_key;
    char (*rec_fp)[33];
    unsigned char *in_delta;
    json_t *party_hits, *parties_put; /* for the last chunk */
    /* the party file in use (parties are read from it, not from c), or NULL */
    pf_file *pf;
    size_t nparties;
    xg_arena tmp; /* parties of the file materialised for their hits */
    /* a run without a file: the names indexed, in order (for the file it writes) */
    uint32_t *name_party;
    const char **name_raw;
    size_t nnames, namecap;
    int record; /* a party file will be written: record the names' keys */
};

/* Party i: the merged one, or one materialised from the party file. */
static const mparty *party_get(run_state *S, uint32_t i, mparty *tmp)
{
    if (!S->pf) return &S->c->p[i];
    const pf_file *f = S->pf;
    const pf_party *q = &f->parties[i];
    memset(tmp, 0, sizeof *tmp);
    tmp->key = f->str + q->key;
    tmp->name = f->str + q->name;
    memcpy(tmp->fp, f->str + q->fp, 32);
    tmp->fp[32] = '\0';
    strlist *l[PF_LISTS] = {&tmp->aliases, &tmp->ids, &tmp->roles, &tmp->customers,
                            &tmp->decisions};
    uint32_t r = q->refs_at;
    for (int k = 0; k < PF_LISTS; k++) {
        const char **v = xg_arena_alloc(&S->tmp, (q->n[k] + 1) * sizeof *v);
        if (!v) continue; /* out of memory: an empty list */
        for (uint32_t m = 0; m < q->n[k]; m++)
            v[m] = f->str + f->refs[r + m];
        l[k]->v = v;
        l[k]->n = l[k]->cap = q->n[k];
        r += q->n[k];
    }
    return tmp;
}

static int note_name(run_state *S, uint32_t party, const char *name)
{
    if (!name || !*name) return 0; /* xg_party_index_add_name skips it too */
    if (S->nnames == S->namecap) {
        size_t cap = S->namecap ? S->namecap * 2 : 1024;
        uint32_t *a = realloc(S->name_party, cap * sizeof *a);
        if (a) S->name_party = a;
        const char **b = a ? realloc(S->name_raw, cap * sizeof *b) : NULL;
        if (!b) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
        S->name_raw = b;
        S->namecap = cap;
    }
    S->name_party[S->nnames] = party;
    S->name_raw[S->nnames++] = name;
    return 0;
}

/* The index of the parties' names, restricted to the keys the delta's entries look up. From the
 * party file: its recorded keys, without analysing a name; else every name analysed, and the
 * keys recorded for the file this run writes. */
static int build_index(run_state *S, const xg_text_ctx *text)
{
    xg_party_index *pi;
    int rc = xg_party_index_new(&pi, text);
    size_t *recs = rc ? NULL : malloc((S->ndelta + 1) * sizeof *recs);
    if (!rc && !recs) rc = xg_error_set(XG_ENOMEM, "monitor: out of memory");
    for (size_t i = 0; !rc && i < S->ndelta; i++)
        recs[i] = S->delta[i].record;
    if (!rc) rc = xg_party_index_restrict(pi, S->snap, recs, S->ndelta);
    free(recs);
    if (!rc && S->pf) {
        const pf_file *f = S->pf;
        xg_party_keys k = {.nnames = f->h.nnames,
                           .nkeys = f->h.nkeys,
                           .npost = f->h.npost,
                           .keys = f->keys,
                           .off = f->off,
                           .post = f->post};
        rc = xg_party_index_add_keyed(pi, &k, f->name_party, f->str, f->name_raw);
        for (size_t i = 0; !rc && i < f->h.nparties; i++) {
            const pf_party *q = &f->parties[i];
            for (uint32_t m = 0; !rc && m < q->n[1]; m++)
                rc = xg_party_index_add_id(pi, (uint32_t)i,
                                           f->str + f->refs[q->refs_at + q->n[0] + m]);
        }
    } else if (!rc) {
        if (S->record) rc = xg_party_index_record_keys(pi);
        run_ctx *c = S->c;
        for (size_t i = 0; !rc && i < c->n; i++) {
            const mparty *p = &c->p[i];
            if (S->record) rc = note_name(S, (uint32_t)i, p->name);
            if (!rc) rc = xg_party_index_add_name(pi, (uint32_t)i, p->name);
            for (uint32_t k = 0; !rc && k < p->aliases.n; k++) {
                if (S->record) rc = note_name(S, (uint32_t)i, p->aliases.v[k]);
                if (!rc) rc = xg_party_index_add_name(pi, (uint32_t)i, p->aliases.v[k]);
            }
            for (uint32_t k = 0; !rc && k < p->ids.n; k++)
                rc = xg_party_index_add_id(pi, (uint32_t)i, p->ids.v[k]);
        }
    }
    if (!rc) rc = xg_party_index_finish(pi);
    if (rc) {
        xg_party_index_free(pi);
        return rc;
    }
    S->pi = pi;
    return 0;
}

/* Where this store's party file lives: beside a SQLite store ("<path>.parties"), in the snapshot
 * directory for PostgreSQL (named by the store's generation token); NULL when
 * XGATE_SNAPSHOT_DIR is "off" (no compiled files) or there is no place. Heap. */
static char *party_file_path(xg_store *store, const char *token)
{
    const char *env = getenv("XGATE_SNAPSHOT_DIR");
    if (env && !strcmp(env, "off")) return NULL;
    const char *db = xg_store_sqlite_path(store);
    char buf[4200];
    if (db) {
        if (!*db || !strcmp(db, ":memory:") || !strncmp(db, "file:", 5)) return NULL;
        if (snprintf(buf, sizeof buf, "%s.parties", db) >= (int)sizeof buf) return NULL;
        return strdup(buf);
    }
    int n;
    if (env && *env) {
        n = snprintf(buf, sizeof buf, "%s", env);
    } else if ((env = getenv("XDG_CACHE_HOME")) && *env) {
        n = snprintf(buf, sizeof buf, "%s/xgate", env);
    } else if ((env = getenv("HOME")) && *env) {
        snprintf(buf, sizeof buf, "%s/.cache", env);
        mkdir(buf, 0700);
        n = snprintf(buf, sizeof buf, "%s/.cache/xgate", env);
    } else {
        return NULL;
    }
    if (n <= 0 || (size_t)n >= sizeof buf - 64) return NULL;
    if (mkdir(buf, 0700) && errno != EEXIST) return NULL;
    snprintf(buf + n, sizeof buf - (size_t)n, "/store-%.32s.parties", token);
    return strdup(buf);
}

/* Write the party file of a run that read the parties itself. */
static int write_party_file(run_state *S, const char *path, const char *token, int64_t counter,
                            const uint8_t key[16])
{
    xg_party_keys k;
    int rc = xg_party_index_recorded_keys(S->pi, &k);
    if (rc) return rc;
    if (k.nnames != S->nnames)
        return xg_error_set(XG_EINTERNAL, "party file: %zu names indexed, %zu noted", k.nnames,
                            S->nnames);
    run_ctx *c = S->c;
    pf_in_party *in = malloc((c->n + 1) * sizeof *in);
    if (!in) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
    for (size_t i = 0; i < c->n; i++) {
        const mparty *p = &c->p[i];
        const strlist *l[PF_LISTS] = {&p->aliases, &p->ids, &p->roles, &p->customers,
                                      &p->decisions};
        in[i].key = p->key;
        in[i].name = p->name;
        in[i].fp = p->fp;
        for (int m = 0; m < PF_LISTS; m++) {
            in[i].lists[m] = l[m]->v;
            in[i].n[m] = l[m]->n;
        }
    }
    rc = pf_write(path, token, counter, key, in, c->n, S->name_party, S->name_raw, &k);
    free(in);
    return rc;
}

/* Cancelled between chunks: what was committed stays; the run is recorded as cancelled with the
 * entries left. Nothing of the last chunk's work is done (the parties' fingerprints, the party
 * hits, the removals): the next run finds the entries left unseen and the parties unchanged-not-
 * recorded, and does it all. */
static int cancel_run(run_state *S, const char *run_id, const char *started, double t0, size_t done)
{
    json_int_t left = (json_int_t)(S->ndelta - done);
    json_t *stats =
        json_pack("{s:O,s:O,s:O,s:f,s:b,s:I}", "delta", json_object_get(S->report, "delta"),
                  "parties", json_object_get(S->report, "parties"), "entries_in_force",
                  json_object_get(S->report, "entries_in_force"), "seconds", now_s() - t0,
                  "cancelled", 1, "entries_left", left);
    json_t *ch = json_pack("{s:s,s:[],s:[],s:[],s:{s:s,s:s,s:o}}", "list_hash",
                           xg_snapshot_lists(S->snap)->hash, "seen_put", "seen_del", "hits", "run",
                           "id", run_id, "started", started, "stats", stats);
    json_t *res = NULL;
    int rc = ch ? xg_store_monitor_apply(&res, S->store, ch)
                : xg_error_set(XG_ENOMEM, "monitor: out of memory");
    json_decref(ch);
    json_decref(res);
    if (rc) return rc;
    json_object_set_new(S->report, "cancelled", json_true());
    json_object_set_new(S->report, "entries_left", json_integer(left));
    return 0;
}

static int run_chunks(run_state *S, const char *run_id, const char *started, double t0)
{
    const xg_listset *lists = xg_snapshot_lists(S->snap);
    size_t chunk = S->o->chunk ? S->o->chunk : DEFAULT_CHUNK;
    double thr = S->o->threshold;
    size_t done = 0;
    int rc = 0;
    do {
        size_t end = done + chunk < S->ndelta ? done + chunk : S->ndelta;
        int last = end == S->ndelta;
        json_t *ch = json_pack("{s:s,s:s?,s:[],s:[],s:[]}", "list_hash", lists->hash, "webhook",
                               S->o->webhook_url, "seen_put", "seen_del", "hits");
        double ts = now_s();
        for (size_t i = done; !rc && i < end; i++) {
            const delta_entry *d = &S->delta[i];
            const xg_record *r = &lists->records[d->record];
            json_array_append_new(json_object_get(ch, "seen_put"),
                                  json_pack("[s,s,s,s,s]", d->key, r->source ? r->source : "",
                                            r->id ? r->id : "", d->fp, r->name ? r->name : ""));
            if (!S->pi) continue;
            xg_party_hit *h;
            size_t nh;
            rc = xg_party_index_screen(&h, &nh, S->pi, S->snap, d->record, thr);
            for (size_t k = 0; !rc && k < nh; k++) {
                mparty tmp;
                json_array_append_new(
                    json_object_get(ch, "hits"),
                    hit_json(party_get(S, h[k].party, &tmp), r, d, &h[k], S->o->list_versions));
            }
            if (!rc) xg_party_hits_free(h, nh);
        }
        S->t_screen += now_s() - ts;
        if (last && !rc) {
            json_array_extend(json_object_get(ch, "hits"), S->party_hits);
            json_object_set(ch, "parties_put", S->parties_put);
            for (size_t i = 0; i < S->seen->n; i++)
                if (!S->seen->v[i].visited)
                    json_array_append_new(json_object_get(ch, "seen_del"),
                                          json_string(S->seen->v[i].key));
            json_t *stats =
                json_pack("{s:O,s:O,s:O,s:f}", "delta", json_object_get(S->report, "delta"),
                          "parties", json_object_get(S->report, "parties"), "entries_in_force",
                          json_object_get(S->report, "entries_in_force"), "seconds", now_s() - t0);
            json_object_set_new(
                ch, "run",
                json_pack("{s:s,s:s,s:o}", "id", run_id, "started", started, "stats", stats));
        }
        json_t *res = NULL;
        ts = now_s();
        if (!rc) rc = xg_store_monitor_apply(&res, S->store, ch);
        S->t_store += now_s() - ts;
        json_decref(ch);
        if (rc) break;
        merge_result(S->report, res, S->store);
        json_decref(res);
        done = end;
        if (S->o->progress) S->o->progress(done, S->ndelta, S->o->progress_ctx);
        if (done < S->ndelta && S->o->cancel && *S->o->cancel)
            return cancel_run(S, run_id, started, t0, done);
    } while (done < S->ndelta);
    return rc;
}

/* Which entries in force are new or changed since the last run (all with `full`). */
static int find_delta(run_state *S, xg_arena *a, size_t *added, size_t *changed, size_t *in_force)
{
    const xg_listset *lists = xg_snapshot_lists(S->snap);
    char today[11];
    xg_date_today(today);
    S->delta = calloc(lists->nrecords + 1, sizeof *S->delta);
    S->rec_key = calloc(lists->nrecords + 1, sizeof *S->rec_key);
    S->rec_fp = calloc(lists->nrecords + 1, sizeof *S->rec_fp);
    S->in_delta = calloc(lists->nrecords + 1, 1);
    if (!S->delta || !S->rec_key || !S->rec_fp || !S->in_delta)
        return xg_error_set(XG_ENOMEM, "monitor: out of memory");
    /* keys of this run, to tell a repeated source+id apart ("#2", "#3" …) */
    seen_set mine = {.arena = a};
    int rc = 0;
    for (size_t i = 0; i < lists->nrecords && !rc; i++) {
        const xg_record *r = &lists->records[i];
        if (xg_record_is_delisted(r, today)) continue;
        (*in_force)++;
        const char *src = r->source_code && *r->source_code ? r->source_code : r->source;
        char *key = xg_arena_printf(a, "%s:%s", src ? src : "", r->id ? r->id : "");
        for (int dup = 2; key && seen_find(&mine, key) >= 0; dup++)
            key = xg_arena_printf(a, "%s:%s#%d", src ? src : "", r->id ? r->id : "", dup);
        if (!key) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
        if ((rc = on_seen(key, "", &mine))) break;
        if (mine.n * 2 > mine.size) {
            free(mine.slot);
            if ((rc = seen_index(&mine))) break;
        } else {
            size_t h = key_hash(key) & (mine.size - 1);
            while (mine.slot[h])
                h = (h + 1) & (mine.size - 1);
            mine.slot[h] = (uint32_t)mine.n;
        }
        delta_entry *d = &S->delta[S->ndelta];
        d->record = i;
        d->key = key;
        xg_monitor_entry_fingerprint(d->fp, r);
        S->rec_key[i] = key;
        memcpy(S->rec_fp[i], d->fp, 33);
        long s = seen_find(S->seen, key);
        if (s >= 0) S->seen->v[s].visited = 1;
        if (s >= 0 && !strcmp(S->seen->v[s].fp, d->fp) && !S->o->full) continue;
        d->changed = s >= 0;
        *(s >= 0 ? changed : added) += 1;
        S->in_delta[i] = 1;
        S->ndelta++;
    }
    free(mine.v);
    free(mine.slot);
    return rc;
}

/* A party whose names or identifiers changed since it was last screened (or that is new) is
 * screened forward against every entry in force that the reverse pass does not cover: a
 * cleared pair alerts again when the party changes, and a new customer meets old entries. */
static int screen_party_forward(run_state *S, size_t pidx, double thr)
{
    const mparty *p = &S->c->p[pidx];
    const xg_listset *lists = xg_snapshot_lists(S->snap);
    int rc = 0;
    for (uint32_t n = 0; !rc && n <= p->aliases.n; n++) {
        xg_screen_query q = {.name = n ? p->aliases.v[n - 1] : p->name,
                             .threshold = thr,
                             .limit = 50,
                             .ids = n ? NULL : p->ids.v,
                             .nids = n ? 0 : p->ids.n};
        xg_screen_result *res;
        if ((rc = xg_screen(&res, S->snap, &q))) {
            if (rc == XG_EUTF8 || rc == XG_EINVAL) rc = 0; /* a stored name screen refuses */
            continue;
        }
        for (size_t m = 0; m < res->nmatches; m++) {
            size_t rec = (size_t)(res->matches[m].record - lists->records);
            if (S->in_delta[rec] || !S->rec_key[rec]) continue;
            delta_entry d = {.record = rec, .key = S->rec_key[rec]};
            memcpy(d.fp, S->rec_fp[rec], 33);
            xg_party_hit h = {.party = (uint32_t)pidx,
                              .score = res->matches[m].score,
                              .party_name = q.name,
                              .matched = res->matches[m].matched,
                              .explanation = xg_screen_match_explanation(&res->matches[m])};
            json_array_append_new(S->party_hits,
                                  hit_json(p, res->matches[m].record, &d, &h, S->o->list_versions));
            json_decref(h.explanation);
        }
        xg_screen_result_free(res);
    }
    return rc;
}

static int forward_changed_parties(run_state *S, seen_set *pseen, size_t in_force)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < S->c->n; i++) {
        const mparty *p = &S->c->p[i];
        long k = seen_find(pseen, p->key);
        if (k >= 0 && !strcmp(pseen->v[k].fp, p->fp)) continue;
        json_array_append_new(S->parties_put, json_pack("[s,s]", p->key, p->fp));
        /* every entry in force is in the delta: the reverse pass covers this party already */
        if (S->ndelta < in_force) rc = screen_party_forward(S, i, S->o->threshold);
    }
    return rc;
}

int xg_monitor_run(json_t **report, xg_store *store, const xg_snapshot *snap,
                   const xg_text_ctx *text, const xg_monitor_opts *opts)
{
    if (!report || !store || !snap || !text)
        return xg_error_set(XG_EINVAL, "monitor: store, lists and text needed");
    xg_monitor_opts defaults = {.threshold = -1};
    const xg_monitor_opts *o = opts ? opts : &defaults;
    if (o->threshold > 1.0)
        return xg_error_set(XG_EINVAL, "monitor: threshold %g is outside [0, 1]", o->threshold);
    double t0 = now_s();
    char started[32], *run_id = NULL;
    {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
        unsigned char raw[8];
        char hex[17];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
        run_id = malloc(24);
        if (!run_id) return xg_error_set(XG_ENOMEM, "monitor: out of memory");
        snprintf(run_id, 24, "mon_%s", hex);
    }
    run_ctx c = {0};
    xg_arena_init(&c.arena, 1 << 20);
    seen_set seen = {.arena = &c.arena};
    run_state S = {.store = store, .snap = snap, .o = o, .c = &c, .seen = &seen};
    size_t added = 0, changed = 0, in_force = 0;
    int rc = xg_store_monitor_seen_each(store, on_seen, &seen);
    if (!rc) rc = seen_index(&seen);
    if (!rc) rc = find_delta(&S, &c.arena, &added, &changed, &in_force);
    size_t removed = 0;
    for (size_t i = 0; !rc && i < seen.n; i++)
        removed += !seen.v[i].visited;
    double t_parties = 0, t_index = 0, t_forward = 0, t_file = 0;
    seen_set pseen = {.arena = &c.arena};
    S.party_hits = json_array();
    S.parties_put = json_array();
    xg_arena_init(&S.tmp, 1 << 16);
    /* the party file: read before the parties, so that a party written meanwhile makes the file
     * written below stale rather than wrong */
    char token[33] = "";
    int64_t counter = 0;
    uint8_t akey[16];
    char *pf_path = NULL;
    const char *pf_why = NULL;
    pf_file pf;
    memset(&pf, 0, sizeof pf);
    json_t *pf_report = json_object();
    if (!rc) {
        double ts = now_s();
        if (!xg_store_party_generation(store, token, &counter) &&
            (pf_path = party_file_path(store, token))) {
            pf_analysis_key(akey);
            if (!pf_open(&pf, pf_path, token, counter, akey, &pf_why)) S.pf = &pf;
        }
        xg_error_clear();
        t_file = now_s() - ts;
        if (S.pf) {
            json_object_set_new(pf_report, "status", json_string("used"));
        } else if (pf_why && strcmp(pf_why, "absent")) {
            json_object_set_new(pf_report, "status", json_string("refused"));
            json_object_set_new(pf_report, "reason", json_string(pf_why));
        } else {
            json_object_set_new(pf_report, "status", json_string(pf_path ? "absent" : "off"));
        }
        if (pf_path) json_object_set_new(pf_report, "path", json_string(pf_path));
        S.record = pf_path && !S.pf;
    }
    if (!rc && S.pf) {
        S.nparties = pf.h.nparties;
        double ts = now_s();
        if (S.nparties && S.ndelta) rc = build_index(&S, text);
        t_index = now_s() - ts;
    } else if (!rc) {
        double ts = now_s();
        rc = xg_store_parties_each(store, on_party, &c);
        if (!rc) rc = close_ownership(&c);
        for (size_t i = 0; !rc && i < c.n; i++)
            party_fp(&c.p[i]);
        if (!rc) rc = xg_store_monitor_parties_each(store, on_seen, &pseen);
        if (!rc) rc = seen_index(&pseen);
        S.nparties = c.n;
        t_parties = now_s() - ts;
        ts = now_s();
        if (!rc && c.n && S.ndelta) rc = build_index(&S, text);
        t_index = now_s() - ts;
        ts = now_s();
        if (!rc) rc = forward_changed_parties(&S, &pseen, in_force);
        t_forward = now_s() - ts;
    }
    if (!rc) {
        S.report = json_pack("{s:s,s:s,s:I,s:{s:I,s:I,s:I},s:I,s:I,s:I,s:[],s:[],s:i,s:i}",
                             "run_id", run_id, "list_hash", xg_snapshot_lists(snap)->hash,
                             "entries_in_force", (json_int_t)in_force, "delta", "added",
                             (json_int_t)added, "changed", (json_int_t)changed, "removed",
                             (json_int_t)removed, "parties", (json_int_t)S.nparties,
                             "parties_changed", (json_int_t)json_array_size(S.parties_put),
                             "party_names", (json_int_t)xg_party_index_names(S.pi), "opened",
                             "closed", "suppressed", 0, "still_open", 0);
        if (o->progress) o->progress(0, S.ndelta, o->progress_ctx);
        rc = run_chunks(&S, run_id, started, t0);
    }
    if (!rc) json_object_set_new(S.report, "list_versions", named_versions(o->list_versions));
    /* the run committed: the parties it read are the file of the next run */
    if (!rc && !S.pf && pf_path && !json_is_true(json_object_get(S.report, "cancelled"))) {
        double ts = now_s();
        int w = S.pi ? write_party_file(&S, pf_path, token, counter, akey) : 1;
        json_object_set_new(pf_report, "written", json_boolean(!w));
        if (w)
            json_object_set_new(pf_report, "not_written",
                                json_string(S.pi ? xg_error_message() : "no names were indexed"));
        else if (!pf_why || !strcmp(pf_why, "absent"))
            json_object_set_new(pf_report, "status", json_string("written"));
        xg_error_clear();
        t_file += now_s() - ts;
    }
    if (!rc) json_object_set(S.report, "party_file", pf_report);
    if (!rc)
        json_object_set_new(S.report, "seconds",
                            json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f}", "parties", t_parties,
                                      "party_file", t_file, "index", t_index, "screen", S.t_screen,
                                      "forward", t_forward, "store", S.t_store, "total",
                                      now_s() - t0));
    json_decref(pf_report);
    free(pf_path);
    free(S.name_party);
    free(S.name_raw);
    xg_arena_free(&S.tmp);
    xg_party_index_free(S.pi); /* before the file it borrows names from */
    pf_close(&pf);
    free(S.delta);
    free(S.rec_key);
    free(S.rec_fp);
    free(S.in_delta);
    free(pseen.v);
    free(pseen.slot);
    json_decref(S.party_hits);
    json_decref(S.parties_put);
    free(seen.v);
    free(seen.slot);
    run_ctx_free(&c);
    free(run_id);
    if (rc) {
        json_decref(S.report);
        return rc;
    }
    *report = S.report;
    return 0;
}
