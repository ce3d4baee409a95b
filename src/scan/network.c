/*
 * network.c — the intermediary network across every scanned notice.
 *
 * The seeds' story is not one notice but a few intermediaries buying cloud access for many
 * restricted buyers. Each combined result (a linked group of notices of one project, or one
 * notice; identical copies counted once) that is flagged or names something US-related (risk
 * other than "none") is one deal: the buyer bought from the supplier (the intermediary), who
 * resells the US providers and models named; without a supplier the buyer uses them directly.
 *
 * Nodes are organisations (buyers and suppliers), providers and models. Organisation names are
 * resolved across notices by a name key: the name analysed by the text module (xg_name_analyse:
 * Han romanised, traditional folded, legal forms and stop words left out, organisation words by
 * their symbol), so 成都运达科技股份有限公司, 成都运达科技有限公司 and Chengdu Yunda Technology
 * Co., Ltd. are one node with all three spellings kept; two names whose screening found the same
 * listed entry are one node too. Without a text context the key is the folded name without legal
 * forms' punctuation and spaces (weaker, same script only).
 *
 * Claims: intermediaries ranked by how many listed or flagged buyers they serve, then how many
 * listed, then how much; buyers that bought restricted compute (a flagged deal) more than once or
 * through more than one intermediary. Every claim carries the notices it rests on.
 */
#include "scan/scan_internal.h"
#include "xgate/error.h"
#include "xgate/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct net {
    json_t *nodes;     /* node objects */
    json_t *by_key;    /* key → node index */
    json_t *by_listed; /* "source\x1fmatch" → node index */
    json_t *edges;     /* edge objects */
    json_t *edge_ix;   /* "a\x1fb\x1fkind" → edge index */
    json_t *deals;     /* [{b, s, flagged, amount, date, documents}] (indices, -1 = none) */
    const xg_text_ctx *ctx;
} net;

/* The resolution key of an organisation name (heap). */
static char *org_key(const xg_text_ctx *ctx, const char *name)
{
    xg_arena a;
    xg_arena_init(&a, 4096);
    xg_buf b;
    xg_buf_init(&b);
    xg_name nm;
    if (ctx && !xg_name_analyse(&nm, &a, ctx, name, strlen(name), 0)) {
        for (size_t i = 0; i < nm.ntokens; i++) {
            const xg_token *t = &nm.tokens[i];
            if (t->kind == XG_TOK_LEGAL || t->kind == XG_TOK_STOP) continue;
            const char *w = t->kind == XG_TOK_ORG && t->symbol ? t->symbol : t->text;
            if (!w || !*w) continue;
            if (b.len) xg_buf_putc(&b, ' ');
            xg_buf_puts(&b, w);
        }
    }
    if (!b.len) {
        char *f = NULL, *simp = NULL;
        if (xg_text_fold(&f, &a, name, strlen(name))) f = NULL;
        if (f && xg_text_to_simplified(&simp, &a, f, strlen(f))) simp = NULL;
        const char *src = simp ? simp : f ? f : name;
        xg_buf_puts(&b, "=");
        for (const char *p = src; *p; p++)
            if ((unsigned char)*p >= 0x80 || isalnum((unsigned char)*p)) xg_buf_putc(&b, *p);
    }
    xg_arena_free(&a);
    return xg_buf_steal(&b);
}

static json_int_t ix_of(const json_t *map, const char *k)
{
    json_t *v = json_object_get(map, k);
    return v ? json_integer_value(v) : -1;
}

static void add_unique(json_t *arr, const json_t *v)
{
    size_t i;
    json_t *w;
    if (!v || json_is_null(v)) return;
    json_array_foreach(arr, i, w) if (json_equal(v, w)) return;
    json_array_append(arr, (json_t *)v);
}

static void add_all(json_t *arr, const json_t *src)
{
    size_t i;
    json_t *v;
    json_array_foreach(src, i, v) add_unique(arr, v);
}

static json_t *new_node(net *n, const char *key, const char *kind, const char *name)
{
    json_t *node = json_pack("{s:s, s:s, s:s, s:[], s:s, s:[], s:n, s:b, s:i, s:[], s:{}}", "id",
                             "", "key", key, "kind", kind, "roles", "name", name, "names", "listed",
                             "flagged", 0, "deals", 0, "documents", "_count");
    char id[32];
    snprintf(id, sizeof id, "n%zu", json_array_size(n->nodes));
    json_object_set_new(node, "id", json_string(id));
    json_object_set_new(n->by_key, key, json_integer((json_int_t)json_array_size(n->nodes)));
    json_array_append_new(n->nodes, node);
    return node;
}

/* The listed entry (from a combined result's "listed") screened for `name`, or NULL. */
static const json_t *listed_for(const json_t *c, const char *name)
{
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(c, "listed"), i, l)
    {
        const char *ln = json_string_value(json_object_get(l, "name"));
        if (ln && !strcmp(ln, name)) return l;
    }
    return NULL;
}

/* The node of an organisation (created on first sight), its spelling and role recorded. */
static json_int_t org_node(net *n, const char *name, const char *role, const json_t *listed)
{
    char *key = org_key(n->ctx, name);
    if (!key) return -1;
    json_int_t ix = ix_of(n->by_key, key);
    char lk[1024] = "";
    if (listed && !json_is_string(json_object_get(listed, "source"))) listed = NULL;
    if (listed && !json_is_string(json_object_get(listed, "match"))) listed = NULL;
    if (listed)
        snprintf(lk, sizeof lk, "%s\x1f%s", json_string_value(json_object_get(listed, "source")),
                 json_string_value(json_object_get(listed, "match")));
    if (ix < 0 && *lk && (ix = ix_of(n->by_listed, lk)) >= 0)
        json_object_set_new(n->by_key, key, json_integer(ix));
    json_t *node;
    if (ix < 0) {
        ix = (json_int_t)json_array_size(n->nodes);
        node = new_node(n, key, role, name);
    } else
        node = json_array_get(n->nodes, (size_t)ix);
    free(key);
    if (*lk) {
        if (ix_of(n->by_listed, lk) < 0) json_object_set_new(n->by_listed, lk, json_integer(ix));
        if (json_is_null(json_object_get(node, "listed")))
            json_object_set_new(node, "listed",
                                json_pack("{s:O, s:O, s:O}", "match",
                                          json_object_get(listed, "match"), "source",
                                          json_object_get(listed, "source"), "score",
                                          json_object_get(listed, "score")));
    }
    json_t *r = json_string(role);
    add_unique(json_object_get(node, "roles"), r);
    json_decref(r);
    /* an organisation that supplies anywhere is drawn and ranked as an intermediary */
    if (!strcmp(role, "supplier")) json_object_set_new(node, "kind", json_string("supplier"));
    json_t *cnt = json_object_get(node, "_count");
    json_t *c = json_object_get(cnt, name);
    json_object_set_new(cnt, name, json_integer(c ? json_integer_value(c) + 1 : 1));
    json_t *s = json_string(name);
    add_unique(json_object_get(node, "names"), s);
    json_decref(s);
    return ix;
}

/* A provider or model node, keyed by kind and canonical name. */
static json_int_t thing_node(net *n, const char *kind, const char *name)
{
    char key[512];
    snprintf(key, sizeof key, "%s:%s", kind, name);
    json_int_t ix = ix_of(n->by_key, key);
    if (ix >= 0) return ix;
    ix = (json_int_t)json_array_size(n->nodes);
    json_t *node = new_node(n, key, kind, name);
    json_t *s = json_string(name);
    add_unique(json_object_get(node, "names"), s);
    json_decref(s);
    return ix;
}

static void node_deal(net *n, json_int_t ix, const json_t *c)
{
    json_t *node = json_array_get(n->nodes, (size_t)ix);
    json_object_set_new(node, "deals",
                        json_integer(json_integer_value(json_object_get(node, "deals")) + 1));
    if (json_is_true(json_object_get(c, "flagged")))
        json_object_set_new(node, "flagged", json_true());
    add_all(json_object_get(node, "documents"), json_object_get(c, "documents"));
}

static void add_amount(json_t *o, const char *key, const json_t *amount)
{
    if (!json_is_number(amount)) return;
    json_t *cur = json_object_get(o, key);
    double v = json_number_value(amount) + (json_is_number(cur) ? json_number_value(cur) : 0);
    json_object_set_new(o, key, json_real(v));
}

static void edge(net *n, json_int_t a, json_int_t b, const char *kind, const json_t *c)
{
    char k[96];
    snprintf(k, sizeof k, "%lld\x1f%lld\x1f%s", (long long)a, (long long)b, kind);
    json_int_t ix = ix_of(n->edge_ix, k);
    json_t *e;
    if (ix < 0) {
        e = json_pack("{s:O, s:O, s:s, s:i, s:b, s:n, s:[], s:[], s:[]}", "source",
                      json_object_get(json_array_get(n->nodes, (size_t)a), "id"), "target",
                      json_object_get(json_array_get(n->nodes, (size_t)b), "id"), "kind", kind,
                      "deals", 0, "flagged", 0, "amount_cny", "dates", "what", "documents");
        json_object_set_new(n->edge_ix, k, json_integer((json_int_t)json_array_size(n->edges)));
        json_array_append_new(n->edges, e);
    } else
        e = json_array_get(n->edges, (size_t)ix);
    json_object_set_new(e, "deals",
                        json_integer(json_integer_value(json_object_get(e, "deals")) + 1));
    if (json_is_true(json_object_get(c, "flagged"))) json_object_set_new(e, "flagged", json_true());
    add_amount(e, "amount_cny", json_object_get(c, "amount_cny"));
    add_unique(json_object_get(e, "dates"), json_object_get(c, "date"));
    static const char *const W[] = {"providers", "chips", "instances", "models"};
    for (size_t i = 0; i < sizeof W / sizeof *W; i++)
        add_all(json_object_get(e, "what"), json_object_get(c, W[i]));
    add_all(json_object_get(e, "documents"), json_object_get(c, "documents"));
}

static void add_deal(net *n, const json_t *c)
{
    const char *risk = json_string_value(json_object_get(c, "risk"));
    int flagged = json_is_true(json_object_get(c, "flagged"));
    if (!flagged && (!risk || !strcmp(risk, "none"))) return;
    const char *buyer = json_string_value(json_object_get(c, "buyer"));
    const char *supplier = json_string_value(json_object_get(c, "supplier"));
    if (!buyer && !supplier) return;
    json_int_t b = buyer ? org_node(n, buyer, "buyer", listed_for(c, buyer)) : -1;
    json_int_t s = supplier ? org_node(n, supplier, "supplier", listed_for(c, supplier)) : -1;
    if (b >= 0 && b == s) s = -1; /* a notice naming the buyer as its own supplier */
    if (b >= 0) node_deal(n, b, c);
    if (s >= 0) node_deal(n, s, c);
    if (b >= 0 && s >= 0) edge(n, b, s, "buys_from", c);
    json_int_t from = s >= 0 ? s : b;
    const char *kind = s >= 0 ? "resells" : "uses";
    static const char *const T[][2] = {{"providers", "provider"}, {"models", "model"}};
    for (size_t t = 0; t < 2; t++) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(c, T[t][0]), i, v)
        {
            if (!json_is_string(v)) continue;
            json_int_t p = thing_node(n, T[t][1], json_string_value(v));
            node_deal(n, p, c);
            edge(n, from, p, kind, c);
        }
    }
    json_array_append_new(n->deals, json_pack("{s:I, s:I, s:b, s:O, s:O, s:O}", "b", (json_int_t)b,
                                              "s", (json_int_t)s, "flagged", flagged, "amount_cny",
                                              json_object_get(c, "amount_cny"), "date",
                                              json_object_get(c, "date"), "documents",
                                              json_object_get(c, "documents")));
}

/* The most frequent spelling names the node (the first seen on a tie); the counts go. */
static void settle_names(net *n)
{
    size_t i;
    json_t *node;
    json_array_foreach(n->nodes, i, node)
    {
        json_t *cnt = json_object_get(node, "_count");
        json_int_t best = 0;
        size_t k;
        json_t *sp;
        json_array_foreach(json_object_get(node, "names"), k, sp)
        {
            json_int_t c = json_integer_value(json_object_get(cnt, json_string_value(sp)));
            if (c > best) {
                best = c;
                json_object_set(node, "name", sp);
            }
        }
        json_object_del(node, "_count");
    }
}

static const char *node_name(const net *n, json_int_t ix)
{
    return json_string_value(json_object_get(json_array_get(n->nodes, (size_t)ix), "name"));
}

static double num(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static int by_rank(const void *pa, const void *pb)
{
    const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
    static const char *const K[] = {"listed_or_flagged_buyers", "listed_buyers", "amount_cny",
                                    "buyers"};
    for (size_t i = 0; i < sizeof K / sizeof *K; i++)
        if (num(a, K[i]) != num(b, K[i])) return num(a, K[i]) > num(b, K[i]) ? -1 : 1;
    return strcmp(json_string_value(json_object_get(a, "name")),
                  json_string_value(json_object_get(b, "name")));
}

static int by_repeat(const void *pa, const void *pb)
{
    const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
    double ia = (double)json_array_size(json_object_get(a, "intermediaries"));
    double ib = (double)json_array_size(json_object_get(b, "intermediaries"));
    if (num(a, "purchases") != num(b, "purchases"))
        return num(a, "purchases") > num(b, "purchases") ? -1 : 1;
    if (ia != ib) return ia > ib ? -1 : 1;
    return strcmp(json_string_value(json_object_get(a, "name")),
                  json_string_value(json_object_get(b, "name")));
}

static void sort_array(json_t *arr, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(arr);
    if (n < 2) return;
    json_t **v = malloc(n * sizeof *v);
    if (!v) return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(arr, i));
    qsort(v, n, sizeof *v, cmp);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, v[i]);
    free(v);
}

/* The deals of each node as buyer (`role` "b") or supplier ("s"): index → [deal …]. New. */
static json_t *deals_by(const net *n, const char *role)
{
    json_t *by = json_object();
    size_t k;
    json_t *d;
    json_array_foreach(n->deals, k, d)
    {
        json_int_t ix = json_integer_value(json_object_get(d, role));
        if (ix < 0) continue;
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)ix);
        json_t *a = json_object_get(by, key);
        if (!a) json_object_set_new(by, key, a = json_array());
        json_array_append(a, d);
    }
    return by;
}

static const json_t *deals_of(const json_t *by, size_t i)
{
    char key[32];
    snprintf(key, sizeof key, "%zu", i);
    return json_object_get(by, key);
}

/* Intermediaries: every supplier with the buyers it serves, ranked. */
static json_t *intermediaries(const net *n)
{
    json_t *out = json_array(), *by = deals_by(n, "s");
    size_t i, k;
    json_t *node, *d;
    json_array_foreach(n->nodes, i, node)
    {
        if (strcmp(json_string_value(json_object_get(node, "kind")), "supplier")) continue;
        json_t *served = json_object(), *order = json_array();
        json_t *claim = json_pack(
            "{s:O, s:O, s:O, s:O, s:i, s:i, s:i, s:i, s:i, s:n, s:[], s:[]}", "node",
            json_object_get(node, "id"), "name", json_object_get(node, "name"), "names",
            json_object_get(node, "names"), "listed", json_object_get(node, "listed"), "buyers", 0,
            "listed_buyers", 0, "flagged_buyers", 0, "listed_or_flagged_buyers", 0, "deals", 0,
            "amount_cny", "served", "documents");
        json_array_foreach(deals_of(by, i), k, d)
        {
            json_int_t b = json_integer_value(json_object_get(d, "b"));
            json_object_set_new(
                claim, "deals",
                json_integer(json_integer_value(json_object_get(claim, "deals")) + 1));
            add_amount(claim, "amount_cny", json_object_get(d, "amount_cny"));
            add_all(json_object_get(claim, "documents"), json_object_get(d, "documents"));
            if (b < 0) continue;
            char bk[32];
            snprintf(bk, sizeof bk, "%lld", (long long)b);
            json_t *e = json_object_get(served, bk);
            if (!e) {
                const json_t *bn = json_array_get(n->nodes, (size_t)b);
                e = json_pack("{s:O, s:O, s:O, s:b, s:i, s:n, s:[]}", "node",
                              json_object_get(bn, "id"), "name", json_object_get(bn, "name"),
                              "listed", json_object_get(bn, "listed"), "flagged", 0, "deals", 0,
                              "amount_cny", "documents");
                json_object_set_new(served, bk, e);
                json_array_append(order, e);
            }
            if (json_is_true(json_object_get(d, "flagged")))
                json_object_set_new(e, "flagged", json_true());
            json_object_set_new(e, "deals",
                                json_integer(json_integer_value(json_object_get(e, "deals")) + 1));
            add_amount(e, "amount_cny", json_object_get(d, "amount_cny"));
            add_all(json_object_get(e, "documents"), json_object_get(d, "documents"));
        }
        json_int_t nb = 0, nl = 0, nf = 0, nlf = 0;
        json_array_foreach(order, k, d)
        {
            int l = !json_is_null(json_object_get(d, "listed"));
            int f = json_is_true(json_object_get(d, "flagged"));
            nb++;
            nl += l;
            nf += f;
            nlf += l || f;
        }
        json_object_set_new(claim, "buyers", json_integer(nb));
        json_object_set_new(claim, "listed_buyers", json_integer(nl));
        json_object_set_new(claim, "flagged_buyers", json_integer(nf));
        json_object_set_new(claim, "listed_or_flagged_buyers", json_integer(nlf));
        json_object_set_new(claim, "served", order);
        json_decref(served);
        json_array_append_new(out, claim);
    }
    json_decref(by);
    sort_array(out, by_rank);
    json_array_foreach(out, i, d) json_object_set_new(d, "rank", json_integer((json_int_t)i + 1));
    return out;
}

/* Buyers of restricted compute (flagged deals) more than once or through several intermediaries. */
static json_t *repeat_buyers(const net *n)
{
    json_t *out = json_array(), *by = deals_by(n, "b");
    size_t i, k;
    json_t *node, *d;
    json_array_foreach(n->nodes, i, node)
    {
        const char *kind = json_string_value(json_object_get(node, "kind"));
        if (strcmp(kind, "buyer") && strcmp(kind, "supplier")) continue;
        json_t *deals = json_array(), *via = json_array(), *docs = json_array();
        json_t *amount = json_object();
        json_array_foreach(deals_of(by, i), k, d)
        {
            if (!json_is_true(json_object_get(d, "flagged"))) continue;
            json_int_t s = json_integer_value(json_object_get(d, "s"));
            json_t *sup = s >= 0 ? json_string(node_name(n, s)) : json_null();
            if (s >= 0) add_unique(via, sup);
            json_array_append_new(deals, json_pack("{s:o, s:O, s:O, s:O}", "supplier", sup,
                                                   "amount_cny", json_object_get(d, "amount_cny"),
                                                   "date", json_object_get(d, "date"), "documents",
                                                   json_object_get(d, "documents")));
            add_amount(amount, "v", json_object_get(d, "amount_cny"));
            add_all(docs, json_object_get(d, "documents"));
        }
        size_t np = json_array_size(deals), nv = json_array_size(via);
        if (np >= 2 || nv >= 2) {
            json_t *why = json_array();
            if (np >= 2) json_array_append_new(why, json_string("repeatedly"));
            if (nv >= 2) json_array_append_new(why, json_string("several_intermediaries"));
            json_t *v = json_object_get(amount, "v");
            json_array_append_new(
                out, json_pack("{s:O, s:O, s:O, s:O, s:I, s:o, s:o, s:O, s:o, s:o}", "node",
                               json_object_get(node, "id"), "name", json_object_get(node, "name"),
                               "names", json_object_get(node, "names"), "listed",
                               json_object_get(node, "listed"), "purchases", (json_int_t)np,
                               "intermediaries", json_incref(via), "why", why, "amount_cny",
                               v ? v : json_null(), "deals", json_incref(deals), "documents",
                               json_incref(docs)));
        }
        json_decref(deals);
        json_decref(via);
        json_decref(docs);
        json_decref(amount);
    }
    json_decref(by);
    sort_array(out, by_repeat);
    return out;
}

int xg_scan_network(json_t **out, const json_t *docs, const xg_text_ctx *ctx)
{
    if (!out || !json_is_array(docs)) return xg_error_set(XG_EINVAL, "network: no documents");
    json_t *combined = scan_combined(docs, 1);
    if (!combined) return xg_error_set(XG_ENOMEM, "network: out of memory");
    int rc = xg_scan_network_of(out, combined, ctx);
    json_decref(combined);
    return rc;
}

int xg_scan_network_of(json_t **out, const json_t *combined, const xg_text_ctx *ctx)
{
    if (!out || !json_is_array(combined))
        return xg_error_set(XG_EINVAL, "network: no combined results");
    net n = {json_array(), json_object(), json_object(), json_array(), json_object(), json_array(),
             ctx};
    size_t i;
    json_t *c;
    json_array_foreach(combined, i, c) add_deal(&n, c);
    settle_names(&n);
    json_t *net =
        json_pack("{s:o, s:o, s:o, s:o}", "nodes", n.nodes, "edges", n.edges, "intermediaries",
                  intermediaries(&n), "repeat_buyers", repeat_buyers(&n));
    json_decref(n.by_key);
    json_decref(n.by_listed);
    json_decref(n.edge_ix);
    json_decref(n.deals);
    if (!net) return xg_error_set(XG_ENOMEM, "network: out of memory");
    *out = net;
    return 0;
}

/* ---- GraphML ---- */

/* XML text: the five specials escaped, control characters XML 1.0 forbids dropped. */
static void xml_esc(xg_buf *b, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
        switch (c) {
        case '<':
            xg_buf_puts(b, "&lt;");
            break;
        case '>':
            xg_buf_puts(b, "&gt;");
            break;
        case '&':
            xg_buf_puts(b, "&amp;");
            break;
        case '"':
            xg_buf_puts(b, "&quot;");
            break;
        case '\'':
            xg_buf_puts(b, "&apos;");
            break;
        default:
            xg_buf_putc(b, (char)c);
        }
    }
}

static void data_str(xg_buf *b, const char *key, const char *v)
{
    if (!v) return;
    xg_buf_printf(b, "      <data key=\"%s\">", key);
    xml_esc(b, v);
    xg_buf_puts(b, "</data>\n");
}

/* A JSON array of strings as one " | "-separated value. */
static void data_list(xg_buf *b, const char *key, const json_t *arr)
{
    if (!json_array_size(arr)) return;
    xg_buf_printf(b, "      <data key=\"%s\">", key);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (i) xg_buf_puts(b, " | ");
        xml_esc(b, json_string_value(v));
    }
    xg_buf_puts(b, "</data>\n");
}

static void data_num(xg_buf *b, const char *key, const json_t *v)
{
    if (json_is_integer(v))
        xg_buf_printf(b, "      <data key=\"%s\">%lld</data>\n", key,
                      (long long)json_integer_value(v));
    else if (json_is_real(v))
        xg_buf_printf(b, "      <data key=\"%s\">%.2f</data>\n", key, json_real_value(v));
}

int xg_scan_network_graphml(char **out, const json_t *net)
{
    if (!out || !json_is_object(net)) return xg_error_set(XG_EINVAL, "graphml: no network");
    xg_buf b;
    xg_buf_init(&b);
    xg_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
                    "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
                    "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
                    "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    static const char *const KEYS[][4] = {
        {"label", "node", "label", "string"},       {"kind", "node", "kind", "string"},
        {"names", "node", "names", "string"},       {"roles", "node", "roles", "string"},
        {"listed", "node", "listed_as", "string"},  {"source", "node", "list", "string"},
        {"nflag", "node", "flagged", "boolean"},    {"ndeals", "node", "deals", "int"},
        {"ndocs", "node", "documents", "string"},   {"ekind", "edge", "kind", "string"},
        {"edeals", "edge", "deals", "int"},         {"eflag", "edge", "flagged", "boolean"},
        {"amount", "edge", "amount_cny", "double"}, {"dates", "edge", "dates", "string"},
        {"what", "edge", "what", "string"},         {"edocs", "edge", "documents", "string"}};
    for (size_t i = 0; i < sizeof KEYS / sizeof *KEYS; i++)
        xg_buf_printf(&b, "  <key id=\"%s\" for=\"%s\" attr.name=\"%s\" attr.type=\"%s\"/>\n",
                      KEYS[i][0], KEYS[i][1], KEYS[i][2], KEYS[i][3]);
    xg_buf_puts(&b, "  <graph id=\"xgate-scan\" edgedefault=\"directed\">\n");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(net, "nodes"), i, v)
    {
        xg_buf_puts(&b, "    <node id=\"");
        xml_esc(&b, json_string_value(json_object_get(v, "id")));
        xg_buf_puts(&b, "\">\n");
        data_str(&b, "label", json_string_value(json_object_get(v, "name")));
        data_str(&b, "kind", json_string_value(json_object_get(v, "kind")));
        data_list(&b, "names", json_object_get(v, "names"));
        data_list(&b, "roles", json_object_get(v, "roles"));
        const json_t *l = json_object_get(v, "listed");
        if (json_is_object(l)) {
            data_str(&b, "listed", json_string_value(json_object_get(l, "match")));
            data_str(&b, "source", json_string_value(json_object_get(l, "source")));
        }
        xg_buf_printf(&b, "      <data key=\"nflag\">%s</data>\n",
                      json_is_true(json_object_get(v, "flagged")) ? "true" : "false");
        data_num(&b, "ndeals", json_object_get(v, "deals"));
        data_list(&b, "ndocs", json_object_get(v, "documents"));
        xg_buf_puts(&b, "    </node>\n");
    }
    json_array_foreach(json_object_get(net, "edges"), i, v)
    {
        xg_buf_printf(&b, "    <edge id=\"e%zu\" source=\"", i);
        xml_esc(&b, json_string_value(json_object_get(v, "source")));
        xg_buf_puts(&b, "\" target=\"");
        xml_esc(&b, json_string_value(json_object_get(v, "target")));
        xg_buf_puts(&b, "\">\n");
        data_str(&b, "ekind", json_string_value(json_object_get(v, "kind")));
        data_num(&b, "edeals", json_object_get(v, "deals"));
        xg_buf_printf(&b, "      <data key=\"eflag\">%s</data>\n",
                      json_is_true(json_object_get(v, "flagged")) ? "true" : "false");
        data_num(&b, "amount", json_object_get(v, "amount_cny"));
        data_list(&b, "dates", json_object_get(v, "dates"));
        data_list(&b, "what", json_object_get(v, "what"));
        data_list(&b, "edocs", json_object_get(v, "documents"));
        xg_buf_puts(&b, "    </edge>\n");
    }
    xg_buf_puts(&b, "  </graph>\n</graphml>\n");
    if (!b.data) return xg_error_set(XG_ENOMEM, "graphml: out of memory");
    *out = xg_buf_steal(&b);
    return 0;
}
