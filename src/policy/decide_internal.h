/*
 * decide_internal.h — one decision in progress: the parsed request, the classification, every
 * party met with its screening, the ownership graph, and the reasons collected so far. rules.c
 * fills the reasons condition by condition; decide.c drives and writes the response.
 */
#ifndef XG_DECIDE_INTERNAL_H
#define XG_DECIDE_INTERNAL_H

#include "policy/engine.h"
#include "xgate/classify.h"
#include "xgate/decide.h"
#include "xgate/screen.h"
#include "xgate/store.h"
#include "xgate/usage.h"

enum { OUT_ALLOW = 0, OUT_REVIEW, OUT_LICENSE, OUT_DENY };

typedef struct dparty {
    const char *role, *name, *country, *headquarters;
    double share;      /* aggregate share of the customer, -1 unknown or not an owner */
    bool is_party;     /* a party to the transaction (not a minor owner) */
    bool sdn, entity;  /* hits by category */
    int node;          /* ownership node or -1 */
    json_t *screening; /* [{list, source, id, name, matched, score, category}] */
    json_t *cleared;   /* hits an analyst cleared (still holding): [{…, "clearance": {…}}] */
    double near_miss;  /* best score under the threshold, 0 if none */
    const char *near_miss_name;
} dparty;

typedef struct dctx {
    const xg_decide_ctx *ctx;
    const xg_policy_set *p;
    const pol_profile *pr;
    int profile_index;
    dreq r;
    xg_arena arena;
    xg_classification *cls;     /* read only: may be shared with the classification cache */
    struct ccache_ref *cls_ref; /* the cache's hold on cls, or NULL when the decision owns it */
    const char *delivery;       /* export, remote, model */
    const char *resolved_note;  /* how resource.provider chose the model service, or NULL */
    bool compute;               /* 3A090/4A090 item */
    own_graph g;
    dparty *parties;
    size_t nparties;
    json_t *reasons;
    int outcome;
    const char *source_country, *source_country_from, *geo_info;
    json_t *licenses;          /* licenses on file (array) or NULL */
    const json_t *open_alerts; /* facts "open_alerts" (borrowed; array or NULL = none) */
    const json_t *usage;       /* facts "usage" (borrowed; object or NULL/null = none) */
    const json_t *clearances;  /* facts "clearances": {"<party name>": [clearance…]} or NULL */
    double threshold;
    const char *cite; /* when set, the citation of the next reasons (e.g. a provider's own terms) */
} dctx;

/* Evaluate every condition of the profile and append reasons (conditions.c). */
int rules_apply(dctx *d);

/* The compute-accounting rule (usage_rule.c): REVIEW for a foreign customer above the
 * early-warning compute level. */
void usage_rule_apply(dctx *d);

/* The usage data the rule compares against (loaded once from the bundled data; NULL when it
 * cannot be read). */
const xg_usage_config *usage_rule_config(void);

/* The "usage" fact of request `r` from `store`: {"customer","ops_high","window_days","to"}, the
 * customer's high compute estimate over the window to the as-of date, or JSON null when there is
 * no customer or no usage data. *out is a new reference. */
int usage_rule_fact(json_t **out, xg_store *store, const dreq *r);

/* Append a reason and raise the outcome; `evidence` is stolen. */
void reason_add(dctx *d, const char *rule, int outcome, const pol_rule *row, const char *detail,
                json_t *evidence);

/* Open monitoring alerts on the customer (facts "open_alerts") → a REVIEW reason (alerts.c). */
int decide_open_alerts(dctx *d);

/* A share (0..1) as a percentage rounded to 1e-6, so 0.55 prints as 55.0 and
 * not 55.000000000000007. */
double pct(double share);

/* A tree's text, and the encoder that wrote it (NULL: the store's sorted form). */
typedef struct decide_text {
    xg_decide_encoder enc;
    size_t len;
    char text[];
} decide_text;

/* The classification's text (sorted when enc is NULL, else as enc writes it) when the decision's
 * classification is the cache's: made once and kept with the cached copy (decide.c). NULL when
 * not cached, out of memory, or not writable so (encode the tree then). */
const decide_text *decide_cls_text(const dctx *d, xg_decide_encoder enc);

/* The response of response_json as the store writes it (json_dumps with JSON_COMPACT |
 * JSON_SORT_KEYS) cut at the decision id's value, appended to the empty b: the head (ending with
 * "decision_id":) and a NUL, then from b->data + *tail_at the tail (what follows the value) and a
 * NUL. 0; 1 when the text would not be the tree's (the tree must be built: a NULL or non-UTF-8
 * string, a real jansson refuses); -1 out of memory (decide_write.c). */
int decide_write_sorted(const dctx *d, xg_buf *b, size_t *tail_at);

/* The answer after the commit (xg_decide_write): the response in insertion order with the
 * decision id (NULL: null), then "created" and "audit" when created is not NULL. Only after
 * decide_write_sorted returned 0 for d. 0, or -1 out of memory / enc failed. */
int decide_write_answer(const dctx *d, xg_buf *b, xg_decide_encoder enc, const char *id,
                        const char *created, long long seq, const char *hash);

#endif
