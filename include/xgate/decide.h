/*
 * xgate/decide.h — access decisions: ALLOW, REVIEW, LICENSE_REQUIRED or DENY with cited reasons.
 *
 * A decision context bundles what a decision uses — the list snapshot (screening), the catalog
 * (classification), the policy profiles and country groups (data/policy/), the store — all
 * borrowed. xg_decide validates a request (the JSON of issue 4), classifies the resource, screens
 * every party, walks ownership, applies the profile as of the date, writes the decision durably to
 * the store and its audit chain, and returns the response JSON. What it reads from the store is
 * gathered first into one facts value and recorded with the decision (docs/decide-facts.md).
 */
#ifndef XGATE_DECIDE_H
#define XGATE_DECIDE_H

#include <jansson.h>

#include "xgate/classify.h"
#include "xgate/core.h"
#include "xgate/screen.h"
#include "xgate/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

typedef struct xg_policy_set xg_policy_set;

/* The outcomes of a decision, from the least to the most restrictive. */
enum {
    XG_OUTCOME_ALLOW = 0,
    XG_OUTCOME_REVIEW,
    XG_OUTCOME_LICENSE_REQUIRED,
    XG_OUTCOME_DENY,
    XG_OUTCOME_COUNT
};
/* "ALLOW", "REVIEW", "LICENSE_REQUIRED" or "DENY"; NULL for any other value. */
const char *xg_outcome_name(int outcome);
/* The XG_OUTCOME_* a name stands for ("DENY"), or -1 when it names none. */
int xg_outcome_parse(const char *name);

/* Load policy profiles and country groups from data_dir (NULL: xg_data_dir()). */
int xg_policy_load(xg_policy_set **out, const char *data_dir);
void xg_policy_free(xg_policy_set *p);

typedef struct xg_decide_ctx {
    const xg_snapshot *snapshot;
    const xg_catalog *catalog;
    const xg_policy_set *policies;
    xg_store *store;            /* NULL: decide without recording (dry run) */
    const char *default_policy; /* NULL: "provider" */
    const char *default_as_of;  /* NULL: today */
    /* Which lists the snapshot holds, recorded with every decision in versions.list_versions /
     * list_origin and in its facts ("list_versions"): the named versions
     * (xg_feed_lists_named(): {"<source>": {"id","sha256","publish_date"?}}) and the origin
     * ("store", "bundled" or "files"). NULL: {} and "unknown". */
    const json_t *list_versions;
    const char *list_origin;
} xg_decide_ctx;

/* Decide one request. Malformed requests, unknown items, countries or profiles are XG_EINVAL /
 * XG_ENOTFOUND with a message naming the field. *response is a new reference:
 * {"decision_id","decision","reasons":[{"rule","citation","detail","evidence"}],"parties":[…],
 *  "classification":{…},"versions":{"lists","list_origin","list_versions","catalog","policy",
 *  "as_of"},"audit":{"seq","hash"}}. A party's hits that an analyst cleared (a clearance of the
 * (party, entry) pair that still holds, xg_monitor_clearance_of) are listed in its "cleared"
 * array with the clearance (by, at, reason) and do not drive the outcome; a hit whose clearance
 * no longer holds (the entry or the party changed since) is in "screening" with
 * "earlier_clearance". */
int xg_decide(json_t **response, const xg_decide_ctx *ctx, const json_t *request);

/* Decide every request of the array `requests` (at most XG_STORE_BATCH_MAX) as xg_decide does
 * and record them all in one transaction: all of them or none. *responses = an array of the
 * responses in order (a new reference). When a request is invalid nothing is recorded, *bad is its
 * index and the message names it and its field ("requests[3].customer.country: …"); otherwise
 * *bad is (size_t)-1. */
int xg_decide_batch(json_t **responses, size_t *bad, const xg_decide_ctx *ctx,
                    const json_t *requests);

/* Re-run a stored decision with the current context; *out = {"decision_id","original",
 * "replayed","holds": bool, …}. Same as xg_decide_replay_with(…, XG_REPLAY_STORED_FACTS). */
int xg_decide_replay(json_t **out, const xg_decide_ctx *ctx, const char *decision_id);

/* What a replay decides over. Every decision is taken over facts gathered from the store in one
 * step (the customer record, the ownership edges the walk reached, the licenses of the customer)
 * and recorded with them (docs/decide-facts.md). STORED_FACTS decides over those, so a replay
 * differs only when lists, catalog or policy data differ; CURRENT_STORE gathers them again. A
 * decision recorded before facts were stored is replayed over the current store, with a note. */
typedef enum xg_replay_facts {
    XG_REPLAY_STORED_FACTS = 0,
    XG_REPLAY_CURRENT_STORE = 1
} xg_replay_facts;

/* Replay over the stored facts or the current store. *out = {"decision_id","holds","facts_used":
 * "stored"|"current store","facts_differ": ["customer: country DE → CN", "ownership: …",
 * "licenses: added …"] (stored facts against the current store; null when no facts were stored),
 * "note"?, "versions_differ": [...], "original", "replayed", "review_status", "final_outcome"}. */
int xg_decide_replay_with(json_t **out, const xg_decide_ctx *ctx, const char *decision_id,
                          xg_replay_facts mode);

/* ---- additions (decide work) ---- */

/* Appends the JSON text of a tree at the end of b: 0, or nonzero when it could not. */
typedef int (*xg_decide_encoder)(xg_buf *b, const json_t *j);

/* xg_decide with the answer written as text at the end of b instead of returned as a tree: the
 * bytes `enc` writes for the response xg_decide returns (keys in their order, reals as "%.12g"
 * the way jansson writes them, as xg_buf_json_real(b, v, 12, 48) does), with no tree built for
 * it; the parts that are trees in the decision (screening hits, reasons, the classification, list
 * versions) go through `enc`. The rows stored and the audit entry are the ones xg_decide writes,
 * byte for byte. *outcome: the decision ("ALLOW" … static). A decision the text writers leave to
 * the tree (a string that is not UTF-8, a value jansson would not hold) is answered through the
 * tree and `enc`, as is every decision without a store. Errors as xg_decide's; b then holds part
 * of an answer (discard what was appended). */
int xg_decide_write(xg_buf *b, const char **outcome, const xg_decide_ctx *ctx,
                    const json_t *request, xg_decide_encoder enc);

/* Content hash (16 hex digits) of the policy data files loaded; written with every decision as
 * versions.policy_data. Owned by the set. */
const char *xg_policy_version(const xg_policy_set *p);
/* 1 when a profile of that name is loaded, else 0. */
int xg_policy_has_profile(const xg_policy_set *p, const char *name);
/* The profiles as data: [{"name","description","rules":[{"rule","applies_to","outcome","from",
 * "to","confirmed","citation","text"}]}]. New reference. */
int xg_policy_profiles_json(json_t **out, const xg_policy_set *p);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
