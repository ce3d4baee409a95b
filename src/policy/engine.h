/*
 * engine.h — the decision engine's internal pieces: the validated request, the ownership graph
 * and its aggregates, and GeoIP. Split so that each piece can be tested alone (tests/unit/policy).
 */
#ifndef XG_POLICY_ENGINE_H
#define XG_POLICY_ENGINE_H

#include <stdbool.h>
#include <jansson.h>

#include "core/core.h"
#include "policy/policy_internal.h"

#define DREQ_MAX_NAME 1024
#define DREQ_MAX_OWNERS 256
#define DREQ_MAX_INTERMEDIARIES 32

typedef struct dreq_party {
    const char *name, *country, *headquarters, *role;
    bool names_end_user, names_end_user_given;
} dreq_party;

/* A request after validation: countries as ISO-2, defaults applied. Strings live in the arena or
 * in `json` (the merged request, owned). */
typedef struct dreq {
    json_t *json; /* the request as decided (customer merged with its stored record) */
    const char *policy, *as_of;
    const char *customer_id; /* registered id or NULL */
    bool registered, verified;
    const char *verification;
    const char *name, *country, *headquarters, *region;
    const char **ids;
    size_t nids;
    const json_t *owners;                  /* array (may be NULL) */
    const char *up_name, *up_headquarters; /* ultimate parent as given, or NULL */
    dreq_party *intermediaries;
    size_t nintermediaries;
    const char *item, *kind, *provider;
    double count, tokens;
    const char *cloud_region, *source_ip, *source_country, *source_region, *payment_country;
    const char *end_use;
} dreq;

/* Validate and normalise `request`; fills *r (memory from `arena`, r->json owned: json_decref).
 * Unknown profiles, countries, fields and malformed values are XG_EINVAL/XG_ENOTFOUND naming the
 * field. `customer_record` is the stored record of customer.id from the gathered facts, merged
 * under the request's customer; NULL when none was looked up (no store, or no id), JSON null when
 * the id is not registered (XG_ENOTFOUND naming it). The parser itself never reads the store. */
int dreq_parse(dreq *r, xg_arena *arena, const json_t *request, const xg_policy_set *p,
               const json_t *customer_record, const char *default_policy,
               const char *default_as_of);

/* ---- ownership ---- */

typedef struct own_node {
    const char *name, *key, *country, *headquarters;
    const char *role;   /* customer, owner, ultimate_parent */
    const char *source; /* request, store, derived */
    double share;     /* aggregate share of the customer held (sum over paths of products), 0..1 */
    bool share_known; /* false when a percent on every path to it is missing */
    int depth;
    void *user; /* the engine's per-node data (screening) */
} own_node;

typedef struct own_edge {
    int owner, owned;
    double percent; /* < 0 when unknown */
    const char *source;
} own_edge;

typedef struct own_graph {
    own_node *nodes;
    size_t nnodes;
    own_edge *edges;
    size_t nedges;
    json_t *cycles;                  /* [[names…], …] */
    json_t *missing;                 /* ["what is missing", …] */
    int ultimate_parent;             /* node index or -1 */
    const char *ultimate_parent_how; /* "request", "customer record", "majority chain" */
} own_graph;

/* Where the walk finds the ownership edges on file: owners_of gives the direct owners of a name,
 * [{"name","country"?,"headquarters"?,"percent"?,"source"}] (new reference). The engine reads
 * them from the gathered facts (facts.h); gathering reads the store and records what it read. */
typedef struct own_source {
    int (*owners_of)(json_t **out, void *ctx, const char *name);
    void *ctx;
} own_source;

/* Build the graph from the request (nested owners, ultimate parent) and the edges on file (when
 * a source is given), compute every node's aggregate share, find cycles and missing data. */
int own_build(own_graph *g, xg_arena *arena, const dreq *r, const own_source *src, int max_depth);
void own_free(own_graph *g);

/* Aggregate share (0..1) of the customer held by nodes for which pred(node) is true, counting a
 * path once, at the first such node met walking up from the customer. `controlled` gets whether
 * the customer is owned >= threshold by such nodes under OFAC's recursive reading (an entity
 * owned >= threshold by them counts as one of them). */
typedef bool (*own_pred)(const own_node *n, void *ctx);
double own_share_held(const own_graph *g, own_pred pred, void *ctx, double threshold,
                      bool *controlled);

/* ---- GeoIP ---- */

/* Country (ISO-2) of an IPv4/IPv6 address from Debian's geoip-database, or NULL when unknown.
 * *db_info gets the database's description (with its date) or NULL when no database opened. */
const char *geo_country(const char *ip, const xg_policy_set *p, const char **db_info);

#endif
