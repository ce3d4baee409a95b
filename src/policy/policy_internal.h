/*
 * policy_internal.h — the loaded policy data (the TSV files under data/policy/) and the queries the
 * decision engine asks of it. Everything is immutable after xg_policy_load and owned by one arena,
 * so one policy set is shared by every thread of a server.
 */
#ifndef XG_POLICY_INTERNAL_H
#define XG_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"
#include "xgate/decide.h"

typedef struct pol_dated {
    const char *from, *to; /* "" = open */
} pol_dated;

typedef struct pol_group_row {
    const char *group, *country;
    pol_dated when;
    bool confirmed;
    const char *citation, *note;
} pol_group_row;

typedef struct pol_alias {
    const char *country, *treated_as;
    pol_dated when;
    const char *citation;
} pol_alias;

typedef struct pol_embargo {
    const char *code, *name;
    pol_dated when;
    const char *citation, *note;
} pol_embargo;

typedef struct pol_list_effect {
    const char *source, *category; /* category: sdn, entity, other */
    const char *outcome[3];        /* ear, remote-access, provider */
    const char *citation, *note;
} pol_list_effect;

typedef struct pol_license_policy {
    const char *id;
    pol_dated when;
    bool confirmed;
    const char *text, *citation;
} pol_license_policy;

typedef struct pol_scope {
    const char *scope;
    pol_dated when;
    const char *include, *exclude, *citation;
} pol_scope;

typedef struct pol_rule {
    const char *rule, *applies_to, *outcome;
    pol_dated when;
    bool confirmed;
    const char *citation, *text;
} pol_rule;

typedef struct pol_profile {
    const char *name, *description, *file;
    pol_rule *rules;
    size_t nrules;
} pol_profile;

typedef struct pol_setting {
    const char *key, *value, *reason;
} pol_setting;

struct xg_policy_set {
    xg_arena arena;
    pol_group_row *groups;
    size_t ngroups;
    pol_alias *aliases;
    size_t naliases;
    pol_embargo *embargoes;
    size_t nembargoes;
    pol_list_effect *effects;
    size_t neffects;
    pol_license_policy *license_policies;
    size_t nlicense_policies;
    pol_scope *scopes;
    size_t nscopes;
    pol_profile *profiles;
    size_t nprofiles;
    pol_setting *settings;
    size_t nsettings;
    char version[17]; /* content hash prefix of every policy file read */
};

/* True when `as_of` falls within the row's dates (inclusive). */
bool pol_in_force(const pol_dated *d, const char *as_of);

/* The country an ISO-2 code counts as for group membership (HK → CN), as of a date. */
const char *pol_treated_as(const xg_policy_set *p, const char *country, const char *as_of);

/* Is `country` in `group` as of the date? *row_out (optional) gets the row used. */
bool pol_in_group(const xg_policy_set *p, const char *group, const char *country, const char *as_of,
                  const pol_group_row **row_out);

/* Does the scope in force reach `country`? *scope_out gets the scope row; *why gets the group or
 * code that matched (static or arena string). False when no row of the scope is in force. */
bool pol_scope_reaches(const xg_policy_set *p, const char *scope, const char *country,
                       const char *as_of, const pol_scope **scope_out, const char **why);

/* The embargo row for an ISO-2 country or ISO 3166-2 region in force, or NULL. */
const pol_embargo *pol_embargoed(const xg_policy_set *p, const char *code, const char *as_of);

const pol_list_effect *pol_list_effect_for(const xg_policy_set *p, const char *source_code);
const pol_license_policy *pol_license_policy_for(const xg_policy_set *p, const char *id,
                                                 const char *as_of);
const pol_profile *pol_profile_find(const xg_policy_set *p, const char *name);
/* The first row of `rule` for the delivery ("export", "remote", "model") in force on the date. */
const pol_rule *pol_rule_for(const pol_profile *pr, const char *rule, const char *delivery,
                             const char *as_of);
/* Index of a profile name among ear, remote-access, provider (for list effects), or -1. */
int pol_profile_index(const char *name);

const char *pol_setting_str(const xg_policy_set *p, const char *key, const char *dflt);
double pol_setting_num(const xg_policy_set *p, const char *key, double dflt);

#endif
