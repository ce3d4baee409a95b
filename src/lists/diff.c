/*
 * diff.c — what changed between two versions of a list: entries added, removed and changed,
 * keyed by each list's own stable id (SDN ent_num, CSL _id, UN DATAID, xgate id), and for a
 * changed entry which fields changed. The monitor re-screens stored parties against only the
 * added and changed entries, so the diff must be exact: a field compares equal only when it holds
 * the same values (multi-valued fields as sets, since a publisher may reorder them).
 *
 * Both sets are sorted by key and merged in one pass: O(n log n) for n entries.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/lists.h"

static const char *const field_names[XG_DIFF_NFIELDS] = {"names",     "aliases",  "identifiers",
                                                         "addresses", "programs", "countries",
                                                         "dates",     "type",     "source"};

const char *xg_diff_field_name(unsigned bit)
{
    for (unsigned i = 0; i < XG_DIFF_NFIELDS; i++)
        if (bit == 1u << i) return field_names[i];
    return NULL;
}

typedef struct {
    char *key; /* heap */
    const xg_record *rec;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

static void free_keys(keyed *k, size_t n)
{
    for (size_t i = 0; k && i < n; i++)
        free(k[i].key);
    free(k);
}

static keyed *make_keys(const xg_listset *set, bool qualified)
{
    keyed *k = calloc(set->nrecords ? set->nrecords : 1, sizeof *k);
    for (size_t i = 0; k && i < set->nrecords; i++) {
        const xg_record *r = &set->records[i];
        k[i].rec = r;
        if (qualified) {
            size_t n = strlen(r->source_code ? r->source_code : "") + strlen(r->id) + 2;
            k[i].key = malloc(n);
            if (k[i].key)
                snprintf(k[i].key, n, "%s:%s", r->source_code ? r->source_code : "", r->id);
        } else {
            k[i].key = strdup(r->id);
        }
        if (!k[i].key) {
            free_keys(k, i);
            return NULL;
        }
    }
    if (k && set->nrecords) qsort(k, set->nrecords, sizeof *k, cmp_keyed);
    return k;
}

static bool has_duplicates(const keyed *k, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (!strcmp(k[i].key, k[i - 1].key)) return true;
    return false;
}

static bool str_eq(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

/* Every string of a is in b (n small: linear scans). */
static bool subset(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    for (size_t i = 0; i < na; i++) {
        bool found = false;
        for (size_t j = 0; j < nb && !found; j++)
            found = !strcmp(a[i], b[j]);
        if (!found) return false;
    }
    return true;
}

static bool set_eq(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    return subset(a, na, b, nb) && subset(b, nb, a, na);
}

static bool ident_in(const xg_ident *x, const xg_ident *v, size_t n)
{
    for (size_t j = 0; j < n; j++)
        if (str_eq(x->scheme, v[j].scheme) && str_eq(x->value, v[j].value) &&
            str_eq(x->country, v[j].country))
            return true;
    return false;
}

static bool idents_eq(const xg_record *a, const xg_record *b)
{
    for (size_t i = 0; i < a->nids; i++)
        if (!ident_in(&a->ids[i], b->ids, b->nids)) return false;
    for (size_t i = 0; i < b->nids; i++)
        if (!ident_in(&b->ids[i], a->ids, a->nids)) return false;
    return true;
}

static unsigned changed_fields(const xg_record *a, const xg_record *b)
{
    unsigned f = 0;
    if (!str_eq(a->name, b->name)) f |= XG_DIFF_NAME;
    if (!set_eq(a->aliases, a->naliases, b->aliases, b->naliases)) f |= XG_DIFF_ALIASES;
    if (!idents_eq(a, b)) f |= XG_DIFF_IDS;
    if (!set_eq(a->addresses, a->naddresses, b->addresses, b->naddresses)) f |= XG_DIFF_ADDRESSES;
    if (!set_eq(a->programs, a->nprograms, b->programs, b->nprograms)) f |= XG_DIFF_PROGRAMS;
    if (!set_eq(a->countries, a->ncountries, b->countries, b->ncountries)) f |= XG_DIFF_COUNTRIES;
    if (!str_eq(a->start_date, b->start_date) || !str_eq(a->end_date, b->end_date))
        f |= XG_DIFF_DATES;
    if (a->type != b->type) f |= XG_DIFF_TYPE;
    if (!str_eq(a->source, b->source)) f |= XG_DIFF_SOURCE;
    return f;
}

static int push(xg_vec *v, xg_diff_kind kind, const xg_record *o, const xg_record *n,
                unsigned fields)
{
    xg_diff_entry e = {kind, (n ? n : o)->id, o, n, fields};
    return xg_vec_push(v, &e) ? XG_OK : XG_ENOMEM;
}

static int merge(xg_lists_diff_result *d, xg_vec *v, const keyed *a, size_t na, const keyed *b,
                 size_t nb)
{
    size_t i = 0, j = 0;
    int rc = XG_OK;
    while (!rc && (i < na || j < nb)) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i].key, b[j].key);
        if (c < 0) {
            rc = push(v, XG_DIFF_REMOVED, a[i++].rec, NULL, 0);
            d->removed++;
        } else if (c > 0) {
            rc = push(v, XG_DIFF_ADDED, NULL, b[j++].rec, 0);
            d->added++;
        } else {
            unsigned f = changed_fields(a[i].rec, b[j].rec);
            if (f) {
                rc = push(v, XG_DIFF_CHANGED, a[i].rec, b[j].rec, f);
                d->changed++;
            } else {
                d->unchanged++;
            }
            i++, j++;
        }
    }
    return rc;
}

int xg_lists_diff(xg_lists_diff_result **out, const xg_listset *old_set, const xg_listset *new_set)
{
    if (!out || !old_set || !new_set) return xg_error_set(XG_EINVAL, "lists diff: missing set");
    keyed *a = make_keys(old_set, false), *b = make_keys(new_set, false);
    if (a && b && (has_duplicates(a, old_set->nrecords) || has_duplicates(b, new_set->nrecords))) {
        free_keys(a, old_set->nrecords);
        free_keys(b, new_set->nrecords);
        a = make_keys(old_set, true);
        b = make_keys(new_set, true);
    }
    xg_lists_diff_result *d = calloc(1, sizeof *d);
    xg_vec v;
    xg_vec_init(&v, sizeof(xg_diff_entry));
    int rc = a && b && d ? merge(d, &v, a, old_set->nrecords, b, new_set->nrecords) : XG_ENOMEM;
    free_keys(a, old_set->nrecords);
    free_keys(b, new_set->nrecords);
    if (rc) {
        xg_vec_free(&v);
        free(d);
        return xg_error_set(rc, "out of memory while comparing lists");
    }
    d->entries = v.data;
    d->nentries = v.len;
    *out = d;
    return XG_OK;
}

void xg_lists_diff_free(xg_lists_diff_result *d)
{
    if (!d) return;
    free(d->entries);
    free(d);
}
