/*
 * ownership.c — who owns the customer, directly and indirectly, and how much.
 *
 * The graph joins what the request says (nested owners, the ultimate parent) with the ownership
 * edges in the store, walked upwards by name to a depth limit. Shares multiply along a path and
 * add over paths; a cycle (A owns B owns A) is reported and its back edge ignored, a missing
 * percent is reported and counted as zero, a walk cut at the depth limit is reported — nothing
 * here fails a decision, because a decision with an honest "we do not know" is what an analyst
 * needs. The OFAC reading (an entity owned 50 % or more by blocked persons is itself blocked, so
 * 60 % of 60 % still counts) is computed beside the multiplied share; rules use either.
 */
#include "policy/engine.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

#define OWN_MAX_NODES 128
#define OWN_MAX_STEPS 100000

/* A non-empty string field, or NULL. */
static const char *jstr(const json_t *o, const char *k)
{
    const char *v = xg_json_str(o, k);
    return v && *v ? v : NULL;
}

static char *name_key(xg_arena *a, const char *name)
{
    size_t n = strlen(name);
    char *k = xg_arena_alloc(a, n + 1), *o = k;
    int space = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (isspace(*p) || *p == ',' || *p == '.') {
            space = o > k;
            continue;
        }
        if (space) *o++ = ' ';
        space = 0;
        *o++ = (char)tolower(*p);
    }
    *o = '\0';
    return k;
}

static int node_find(const own_graph *g, const char *key)
{
    for (size_t i = 0; i < g->nnodes; i++)
        if (!strcmp(g->nodes[i].key, key)) return (int)i;
    return -1;
}

static int node_add(own_graph *g, xg_arena *a, const char *name, const char *country,
                    const char *hq, const char *role, const char *source, int depth)
{
    /* A party's headquarters is its country unless told otherwise (docs/decide.md, Request): an
     * owner given as {"country": "CN"} is headquartered in China for the headquarters rule and the
     * providers' ownership rules. */
    if (!hq) hq = country;
    const char *key = name_key(a, name);
    int i = node_find(g, key);
    if (i >= 0) {
        own_node *n = &g->nodes[i];
        if (!n->country && country) n->country = country;
        if (!n->headquarters && hq) n->headquarters = hq;
        return i;
    }
    if (g->nnodes >= OWN_MAX_NODES) return -1;
    own_node *grown = realloc(g->nodes, (g->nnodes + 1) * sizeof *grown);
    if (!grown) return -2;
    g->nodes = grown;
    g->nodes[g->nnodes] = (own_node){.name = name,
                                     .key = key,
                                     .country = country,
                                     .headquarters = hq,
                                     .role = role,
                                     .source = source,
                                     .depth = depth};
    return (int)g->nnodes++;
}

static int edge_add(own_graph *g, int owner, int owned, double pct, const char *source)
{
    for (size_t i = 0; i < g->nedges; i++)
        if (g->edges[i].owner == owner && g->edges[i].owned == owned) return 0;
    own_edge *grown = realloc(g->edges, (g->nedges + 1) * sizeof *grown);
    if (!grown) return XG_ENOMEM;
    g->edges = grown;
    g->edges[g->nedges++] = (own_edge){owner, owned, pct, source};
    return 0;
}

static void missing(own_graph *g, xg_arena *a, const char *fmt, const char *x, const char *y)
{
    json_array_append_new(g->missing, json_string(xg_arena_printf(a, fmt, x, y ? y : "")));
}

static int add_owners(own_graph *g, xg_arena *a, const json_t *owners, int owned, int depth)
{
    size_t i;
    const json_t *o;
    json_array_foreach(owners, i, o)
    {
        const char *name = jstr(o, "name");
        int n = node_add(g, a, name, jstr(o, "country"), jstr(o, "headquarters"), "owner",
                         "request", depth);
        if (n == -2) return XG_ENOMEM;
        if (n < 0) {
            missing(g, a, "ownership graph cut at %s nodes: %s not followed", "128", name);
            continue;
        }
        const json_t *p = json_object_get(o, "percent");
        double pct = json_is_number(p) ? json_number_value(p) : -1;
        if (pct < 0) missing(g, a, "percent of %s in %s not given", name, g->nodes[owned].name);
        int rc = edge_add(g, n, owned, pct, "request");
        if (!rc) rc = add_owners(g, a, json_object_get(o, "owners"), n, depth + 1);
        if (rc) return rc;
    }
    return XG_OK;
}

/* Walk the edges on file upwards from every node, breadth first, to max_depth. */
static int add_stored(own_graph *g, xg_arena *a, const own_source *src, int max_depth)
{
    for (size_t i = 0; i < g->nnodes; i++) {
        int depth = g->nodes[i].depth;
        json_t *edges;
        int rc = src->owners_of(&edges, src->ctx, g->nodes[i].name);
        if (rc) return rc;
        if (json_array_size(edges) && depth >= max_depth) {
            missing(g, a, "ownership of %s not followed past depth %s", g->nodes[i].name, "limit");
            json_decref(edges);
            continue;
        }
        size_t k;
        json_t *e;
        json_array_foreach(edges, k, e)
        {
            if (!jstr(e, "name")) continue; /* facts read back from a row: trust no shape */
            const char *name = xg_arena_strdup(a, jstr(e, "name"));
            const char *c = jstr(e, "country"), *h = jstr(e, "headquarters");
            int n = node_add(g, a, name, c ? xg_arena_strdup(a, c) : NULL,
                             h ? xg_arena_strdup(a, h) : NULL, "owner", "store", depth + 1);
            if (n < 0) continue;
            const json_t *p = json_object_get(e, "percent");
            double pct = json_is_number(p) ? json_number_value(p) : -1;
            if (pct < 0) missing(g, a, "percent of %s in %s not on file", name, g->nodes[i].name);
            edge_add(g, n, (int)i, pct, xg_arena_strdup(a, jstr(e, "source")));
        }
        json_decref(edges);
    }
    return XG_OK;
}

typedef struct walk {
    own_graph *g;
    xg_arena *a;
    int *path;
    int npath;
    long steps;
} walk;

static void report_cycle(walk *w, int at)
{
    json_t *c = json_array();
    int start = 0;
    while (start < w->npath && w->path[start] != at)
        start++;
    for (int i = start; i < w->npath; i++)
        json_array_append_new(c, json_string(w->g->nodes[w->path[i]].name));
    json_array_append_new(c, json_string(w->g->nodes[at].name));
    /* keep each cycle once, whatever node the walk entered it by: same members, same cycle */
    size_t i;
    json_t *old;
    json_array_foreach(w->g->cycles, i, old)
    {
        if (json_array_size(old) != json_array_size(c)) continue;
        bool same = true;
        for (size_t k = 0; k + 1 < json_array_size(c) && same; k++) {
            bool found = false;
            for (size_t m = 0; m + 1 < json_array_size(old) && !found; m++)
                found = json_equal(json_array_get(c, k), json_array_get(old, m));
            same = found;
        }
        if (same) {
            json_decref(c);
            return;
        }
    }
    json_array_append_new(w->g->cycles, c);
}

static void share_walk(walk *w, int node, double share, bool known)
{
    if (++w->steps > OWN_MAX_STEPS) return;
    w->path[w->npath++] = node;
    for (size_t i = 0; i < w->g->nedges; i++) {
        own_edge *e = &w->g->edges[i];
        if (e->owned != node) continue;
        bool on_path = false;
        for (int k = 0; k < w->npath; k++)
            on_path |= w->path[k] == e->owner;
        if (on_path) {
            report_cycle(w, e->owner);
            continue;
        }
        double s = e->percent >= 0 ? share * e->percent / 100.0 : 0;
        own_node *o = &w->g->nodes[e->owner];
        o->share += s;
        o->share_known |= known && e->percent >= 0;
        share_walk(w, e->owner, s, known && e->percent >= 0);
    }
    w->npath--;
}

/* The ultimate parent: as the request gives it, else the stored record's, else the top of the
 * chain of majority owners. */
static void find_ultimate_parent(own_graph *g, xg_arena *a, const dreq *r)
{
    g->ultimate_parent = -1;
    if (r->up_name) {
        g->ultimate_parent =
            node_add(g, a, r->up_name, NULL, r->up_headquarters, "ultimate_parent", "request", 1);
        if (g->ultimate_parent == 0) g->ultimate_parent = -1; /* the customer is its own parent */
        if (g->ultimate_parent > 0) {
            own_node *n = &g->nodes[g->ultimate_parent];
            n->role = "ultimate_parent";
            if (!n->headquarters) n->headquarters = r->up_headquarters;
        }
        g->ultimate_parent_how = "request";
        return;
    }
    int cur = 0;
    for (int steps = 0; steps < OWN_MAX_NODES; steps++) {
        int next = -1;
        for (size_t i = 0; i < g->nedges; i++)
            if (g->edges[i].owned == cur && g->edges[i].percent > 50) next = g->edges[i].owner;
        if (next < 0 || next == 0) break;
        cur = next;
    }
    if (cur != 0) {
        g->ultimate_parent = cur;
        g->nodes[cur].role = "ultimate_parent";
        g->ultimate_parent_how = "majority chain";
    }
}

int own_build(own_graph *g, xg_arena *a, const dreq *r, const own_source *src, int max_depth)
{
    memset(g, 0, sizeof *g);
    g->cycles = json_array();
    g->missing = json_array();
    if (node_add(g, a, r->name, r->country, r->headquarters, "customer", "request", 0) < 0)
        return XG_ENOMEM;
    int rc = add_owners(g, a, r->owners, 0, 1);
    if (!rc && r->up_name) find_ultimate_parent(g, a, r);
    if (!rc && src) rc = add_stored(g, a, src, max_depth);
    if (rc) return rc;
    if (!r->up_name) find_ultimate_parent(g, a, r);
    int *path = xg_arena_alloc(a, (g->nnodes + 1) * sizeof *path);
    walk w = {g, a, path, 0, 0};
    g->nodes[0].share = 1;
    g->nodes[0].share_known = true;
    share_walk(&w, 0, 1.0, true);
    int up = g->ultimate_parent;
    if (up > 0 && g->nodes[up].share == 0 && !g->nodes[up].share_known) {
        /* An ultimate parent named without a chain of percentages controls by definition:
         * count it as the whole owner, and say that this was assumed. */
        missing(g, a, "no ownership chain to the ultimate parent %s: control (100 %%) assumed%s",
                g->nodes[up].name, "");
        if (edge_add(g, up, 0, 100, "ultimate parent (control assumed)")) return XG_ENOMEM;
        for (size_t i = 1; i < g->nnodes; i++)
            g->nodes[i].share = 0, g->nodes[i].share_known = false;
        json_array_clear(g->cycles);
        w.npath = 0;
        share_walk(&w, 0, 1.0, true);
    }
    if (w.steps > OWN_MAX_STEPS)
        missing(g, a, "ownership paths beyond %s steps not counted%s", "100000", "");
    if (g->ultimate_parent >= 0 && !g->nodes[g->ultimate_parent].headquarters &&
        !g->nodes[g->ultimate_parent].country)
        missing(g, a, "headquarters of the ultimate parent %s not given%s",
                g->nodes[g->ultimate_parent].name, "");
    return XG_OK;
}

void own_free(own_graph *g)
{
    free(g->nodes);
    free(g->edges);
    json_decref(g->cycles);
    json_decref(g->missing);
    memset(g, 0, sizeof *g);
}

typedef struct held {
    const own_graph *g;
    own_pred pred;
    void *ctx;
    double threshold;
    int *path;
    int npath;
    long steps;
    signed char *memo; /* OFAC reading: -1 unknown, 0 no, 1 yes */
} held;

static double held_walk(held *h, int node, double share)
{
    double total = 0;
    if (++h->steps > OWN_MAX_STEPS) return 0;
    h->path[h->npath++] = node;
    for (size_t i = 0; i < h->g->nedges; i++) {
        const own_edge *e = &h->g->edges[i];
        if (e->owned != node || e->percent < 0) continue;
        bool on_path = false;
        for (int k = 0; k < h->npath; k++)
            on_path |= h->path[k] == e->owner;
        if (on_path) continue;
        double s = share * e->percent / 100.0;
        if (h->pred(&h->g->nodes[e->owner], h->ctx))
            total += s;
        else
            total += held_walk(h, e->owner, s);
    }
    h->npath--;
    return total;
}

/* OFAC reading: a node counts when pred holds or its direct owners that count hold >= threshold. */
static bool counts(held *h, int node, int depth)
{
    if (h->pred(&h->g->nodes[node], h->ctx)) return true;
    if (h->memo[node] >= 0) return h->memo[node];
    if (depth > 32) return false;
    h->memo[node] = 0; /* a cycle back here counts as no */
    double sum = 0;
    for (size_t i = 0; i < h->g->nedges; i++) {
        const own_edge *e = &h->g->edges[i];
        if (e->owned == node && e->percent >= 0 && counts(h, e->owner, depth + 1))
            sum += e->percent / 100.0;
    }
    h->memo[node] = sum + 1e-9 >= h->threshold;
    return h->memo[node];
}

double own_share_held(const own_graph *g, own_pred pred, void *ctx, double threshold,
                      bool *controlled)
{
    int path[OWN_MAX_NODES + 1];
    signed char memo[OWN_MAX_NODES];
    memset(memo, -1, sizeof memo);
    held h = {g, pred, ctx, threshold, path, 0, 0, memo};
    if (pred(&g->nodes[0], ctx)) {
        if (controlled) *controlled = true;
        return 1.0;
    }
    double share = held_walk(&h, 0, 1.0);
    if (controlled) {
        double direct = 0;
        for (size_t i = 0; i < g->nedges; i++)
            if (g->edges[i].owned == 0 && g->edges[i].percent >= 0 &&
                counts(&h, g->edges[i].owner, 1))
                direct += g->edges[i].percent / 100.0;
        *controlled = direct + 1e-9 >= threshold || share + 1e-9 >= threshold;
    }
    return share;
}
