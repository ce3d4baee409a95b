/*
 * facts.h — everything a decision reads from the store, gathered in one step into one value.
 *
 * The engine never touches the store: xg_decide gathers the facts first (facts_gather), decides
 * over (request, facts, lists, catalog, policy, as-of), and records the facts' canonical JSON
 * with the decision, inside what the audit chain hashes. Replay decides over the stored facts,
 * or gathers them again and names every fact that differs (facts_diff), so a changed outcome
 * always has a stated cause. docs/decide-facts.md describes the value and the replay rules.
 *
 * The facts are a JSON object (canonical form: compact, keys sorted):
 *   {"customer":  the stored record of request customer.id, or null,
 *    "ownership": {"<name asked for>": [{"name","country"?,"headquarters"?,"percent"?,"source"}]}
 *                 for every name the ownership walk asked the store about ([] = none on file),
 *    "licenses":  [the licenses on file whose party is the customer (name or id)],
 *    "open_alerts": [open monitoring alerts on the customer's parties: {"id","party","list",
 *                   "entry_id","entry_name","score"}],
 *    "usage":     {"customer","ops_high","window_days","to"}: the customer's compute usage over
 *                 the usage_early_warning window, or null,
 *    "clearances": {"<party name>": [the latest clearance per list entry of that party
 *                 (xg_store_clearances_for)]}, only when some party met has any,
 *    "list_versions": {"<source>": {"id","sha256","publish_date"?}}: the stored list versions
 *                 the decision screened against ({} for bundled lists or files; set by
 *                 xg_decide from its context, not by facts_gather)}
 * A key missing from stored facts (recorded before it was gathered) means none.
 */
#ifndef XG_POLICY_FACTS_H
#define XG_POLICY_FACTS_H

#include <stdbool.h>
#include <jansson.h>

#include "policy/engine.h"
#include "xgate/store.h"

/* Facts of a decision taken without a store (a dry run): no record, no edges, no licenses, no
 * alerts, no usage.
 * New reference. */
json_t *facts_empty(void);

/* Gather the facts `request` needs from `store` (NULL: facts_empty()). Runs the request parser
 * and the ownership walk against the store so that exactly the names the engine will ask about
 * are looked up. An unknown customer.id is XG_ENOTFOUND naming it. *out is a new reference. */
int facts_gather(json_t **out, xg_store *store, const json_t *request, const xg_policy_set *p,
                 const char *default_policy, const char *default_as_of, int max_depth);

/* facts_gather that also hands the caller the request it parsed and the ownership graph it
 * walked (in keep->arena), so that the engine does not parse and walk a second time: the graph
 * over the store's answers is the one a walk over the recorded facts builds. Only with a store
 * (without one, nothing is kept and the caller parses and walks itself). Whatever the result,
 * *keep->r and *keep->g are the caller's to free (json_decref(r->json), own_free(g)); both must
 * start zeroed. */
typedef struct facts_parsed {
    xg_arena *arena;
    dreq *r;
    own_graph *g;
} facts_parsed;
int facts_gather_parsed(json_t **out, xg_store *store, const json_t *request,
                        const xg_policy_set *p, const char *default_policy,
                        const char *default_as_of, int max_depth, facts_parsed *keep);

/* The facts' canonical JSON (compact, sorted keys; heap, free()), or NULL on allocation failure. */
char *facts_canonical(const json_t *facts);

/* An ownership source reading the facts' "ownership" object (for own_build). */
own_source facts_ownership_source(const json_t *facts);

/* Licenses whose party is `name` or `customer_id` (the filter facts_gather applies). */
bool facts_license_party(const json_t *license, const char *name, const char *customer_id);

/* Names compared as the license check does: case-insensitive, spaces, commas and periods
 * ignored ("ACME Corp." = "Acme Corp"). */
bool facts_same_name(const char *a, const char *b);

/* What differs from `before` to `after`, one line per fact, in the order customer, ownership,
 * licenses, alerts, usage: "customer: country DE → CN", "ownership: Owner X in Y 30% → 60%",
 * "licenses: added L-1 for Y (…)", "alerts: open alr_… on P (…)", "usage: c-1 A → B". *out is a new
 * array (empty when nothing differs). */
int facts_diff(json_t **out, const json_t *before, const json_t *after);

#endif
