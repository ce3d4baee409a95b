/*
 * customers.c — customer identification records, ownership edges and licenses on file.
 *
 * A customer is kept both as the JSON record it was given in (request-style, plus the CIP fields
 * of proposed 15 CFR 7.302) and as columns for the fields the gate queries. Owners given in a
 * record become ownership edges (owner → owned, percent, source), nested owners included, so the
 * decision engine can walk stored ownership of any name it meets, not only of registered
 * customers. Names are matched by a case- and space-folded key.
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "xgate/country.h"
#include "xgate/error.h"

#define MAX_OWNER_DEPTH 8
#define MAX_LIST_ENTRIES 256 /* aliases, ids, license items and destinations */

static int check_string(const json_t *o, const char *key, const char *where)
{
    const json_t *v = json_object_get(o, key);
    if (v && !json_is_string(v) && !json_is_null(v))
        return xg_error_set(XG_EINVAL, "%s.%s: expected a string", where, key);
    if (json_is_string(v) && json_string_length(v) > 4096)
        return xg_error_set(XG_ETOOBIG, "%s.%s: longer than 4096 bytes", where, key);
    return XG_OK;
}

static int check_country(const json_t *o, const char *key, const char *where)
{
    const char *c = xg_json_str(o, key);
    if (c && *c && !xg_country_code(c))
        return xg_error_set(XG_EINVAL, "%s.%s: unknown country '%s'", where, key, c);
    return XG_OK;
}

static int check_owners(const json_t *owners, const char *where, int depth)
{
    if (!owners) return XG_OK;
    if (!json_is_array(owners))
        return xg_error_set(XG_EINVAL, "%s.owners: expected an array", where);
    if (depth > MAX_OWNER_DEPTH)
        return xg_error_set(XG_EINVAL, "%s.owners: nested deeper than %d", where, MAX_OWNER_DEPTH);
    size_t i;
    const json_t *o;
    json_array_foreach(owners, i, o)
    {
        char w[256];
        snprintf(w, sizeof w, "%s.owners[%zu]", where, i);
        if (!json_is_object(o)) return xg_error_set(XG_EINVAL, "%s: expected an object", w);
        if (!xg_json_str(o, "name") || !*xg_json_str(o, "name"))
            return xg_error_set(XG_EINVAL, "%s.name: required", w);
        const json_t *p = json_object_get(o, "percent");
        if (p && (!json_is_number(p) || json_number_value(p) < 0 || json_number_value(p) > 100))
            return xg_error_set(XG_EINVAL, "%s.percent: expected a number from 0 to 100", w);
        int rc;
        if ((rc = check_string(o, "name", w)) || (rc = check_country(o, "country", w)) ||
            (rc = check_country(o, "headquarters", w)) ||
            (rc = check_owners(json_object_get(o, "owners"), w, depth + 1)))
            return rc;
    }
    return XG_OK;
}

int xg_store_customer_validate(const json_t *c)
{
    if (!json_is_object(c)) return xg_error_set(XG_EINVAL, "customer: expected an object");
    const char *w = "customer";
    if (!xg_json_str(c, "name") || !*xg_json_str(c, "name"))
        return xg_error_set(XG_EINVAL, "customer.name: required");
    const char *strs[] = {"id", "name", "address", "email", "phone", "verification", "region"};
    int rc;
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        if ((rc = check_string(c, strs[i], w))) return rc;
    if ((rc = check_country(c, "country", w)) || (rc = check_country(c, "headquarters", w)))
        return rc;
    const char *ver = xg_json_str(c, "verification");
    if (ver && strcmp(ver, "verified") && strcmp(ver, "unverified") && strcmp(ver, "pending"))
        return xg_error_set(XG_EINVAL,
                            "customer.verification: '%s' (expected verified, "
                            "unverified or pending)",
                            ver);
    const json_t *up = json_object_get(c, "ultimate_parent");
    if (up && !json_is_object(up) && !json_is_null(up))
        return xg_error_set(XG_EINVAL, "customer.ultimate_parent: expected an object");
    if (json_is_object(up) &&
        ((rc = check_string(up, "name", "customer.ultimate_parent")) ||
         (rc = check_country(up, "headquarters", "customer.ultimate_parent")) ||
         (rc = check_country(up, "country", "customer.ultimate_parent"))))
        return rc;
    const char *arrs[] = {"aliases", "ids"};
    for (size_t k = 0; k < 2; k++) {
        const json_t *a = json_object_get(c, arrs[k]), *e;
        size_t i;
        if (a && !json_is_array(a))
            return xg_error_set(XG_EINVAL, "customer.%s: expected an array of strings", arrs[k]);
        if (json_array_size(a) > MAX_LIST_ENTRIES)
            return xg_error_set(XG_ETOOBIG, "customer.%s: more than %d entries", arrs[k],
                                MAX_LIST_ENTRIES);
        json_array_foreach(a, i, e)
        {
            if (!json_is_string(e))
                return xg_error_set(XG_EINVAL, "customer.%s[%zu]: expected a string", arrs[k], i);
            if (json_string_length(e) > 4096)
                return xg_error_set(XG_ETOOBIG, "customer.%s[%zu]: longer than 4096 bytes", arrs[k],
                                    i);
        }
    }
    const json_t *pay = json_object_get(c, "payment");
    if (pay && !json_is_object(pay))
        return xg_error_set(XG_EINVAL, "customer.payment: expected an object");
    if (pay && ((rc = check_country(pay, "country", "customer.payment")) ||
                (rc = check_string(pay, "means", "customer.payment")) ||
                (rc = check_string(pay, "source", "customer.payment"))))
        return rc;
    return check_owners(json_object_get(c, "owners"), w, 0);
}

static int edge_insert(xg_store *s, const json_t *owner, const char *owned, const char *source,
                       const char *now)
{
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "INSERT INTO ownership (id, owner_name, owner_key,"
                           " owner_country, owner_headquarters, owned_name, owned_key,"
                           " percent, source, created) VALUES (?,?,?,?,?,?,?,?,?,?)");
    if (rc) return rc;
    char *id = store_random_id("own_", 8), *ok = store_name_key(xg_json_str(owner, "name"));
    char *dk = store_name_key(owned);
    const char *v[] = {id,
                       xg_json_str(owner, "name"),
                       ok,
                       xg_json_str(owner, "country"),
                       xg_json_str(owner, "headquarters"),
                       owned,
                       dk};
    for (int i = 0; i < 7; i++)
        store_bind_text(st, i + 1, v[i]);
    const json_t *p = json_object_get(owner, "percent");
    if (json_is_number(p))
        db_bind_double(st, 8, json_number_value(p));
    else
        db_bind_null(st, 8);
    store_bind_text(st, 9, source);
    store_bind_text(st, 10, now);
    rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "ownership insert");
    db_finalize(st);
    free(id);
    free(ok);
    free(dk);
    return rc;
}

static int edges_from_owners(xg_store *s, const json_t *owners, const char *owned,
                             const char *source, const char *now)
{
    size_t i;
    const json_t *o;
    json_array_foreach(owners, i, o)
    {
        int rc = edge_insert(s, o, owned, source, now);
        if (!rc)
            rc = edges_from_owners(s, json_object_get(o, "owners"), xg_json_str(o, "name"), source,
                                   now);
        if (rc) return rc;
    }
    return XG_OK;
}

static char *dump_array(const json_t *a)
{
    return a ? json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("[]");
}

static int customer_upsert(xg_store *s, const char *id, const json_t *c, const char *now)
{
    db_stmt *st;
    int rc = store_prepare(
        &st, s,
        "INSERT INTO customers (id, legal_name, name_key, aliases, country, headquarters,"
        " ultimate_parent, identifiers, address, payment_means, payment_source, payment_country,"
        " email, phone, verification, record, created, updated)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET"
        " legal_name = excluded.legal_name, name_key = excluded.name_key,"
        " aliases = excluded.aliases, country = excluded.country,"
        " headquarters = excluded.headquarters, ultimate_parent = excluded.ultimate_parent,"
        " identifiers = excluded.identifiers, address = excluded.address,"
        " payment_means = excluded.payment_means, payment_source = excluded.payment_source,"
        " payment_country = excluded.payment_country, email = excluded.email,"
        " phone = excluded.phone, verification = excluded.verification,"
        " record = excluded.record, updated = excluded.updated");
    if (rc) return rc;
    const json_t *pay = json_object_get(c, "payment");
    char *key = store_name_key(xg_json_str(c, "name"));
    char *aliases = dump_array(json_object_get(c, "aliases"));
    char *up =
        json_is_object(json_object_get(c, "ultimate_parent"))
            ? json_dumps(json_object_get(c, "ultimate_parent"), JSON_COMPACT | JSON_SORT_KEYS)
            : NULL;
    char *ids = dump_array(json_object_get(c, "ids"));
    char *record = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    const char *v[] = {id,
                       xg_json_str(c, "name"),
                       key,
                       aliases,
                       xg_json_str(c, "country"),
                       xg_json_str(c, "headquarters"),
                       up,
                       ids,
                       xg_json_str(c, "address"),
                       xg_json_str(pay, "means"),
                       xg_json_str(pay, "source"),
                       xg_json_str(pay, "country"),
                       xg_json_str(c, "email"),
                       xg_json_str(c, "phone"),
                       xg_json_str(c, "verification") ? xg_json_str(c, "verification")
                                                      : "unverified",
                       record,
                       now,
                       now};
    for (int i = 0; i < 18; i++)
        store_bind_text(st, i + 1, v[i]);
    rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "customer upsert");
    db_finalize(st);
    free(key);
    free(aliases);
    free(up);
    free(ids);
    free(record);
    return rc;
}

/* Countries are stored as ISO-2 whatever form they were given in (validated before). */
static void normalise_country(json_t *o, const char *key)
{
    const char *c = xg_json_str(o, key);
    if (c && *c && xg_country_code(c)) json_object_set_new(o, key, json_string(xg_country_code(c)));
}

static void normalise_owners(json_t *owners)
{
    size_t i;
    json_t *o;
    json_array_foreach(owners, i, o)
    {
        normalise_country(o, "country");
        normalise_country(o, "headquarters");
        normalise_owners(json_object_get(o, "owners"));
    }
}

static void normalise(json_t *c)
{
    normalise_country(c, "country");
    normalise_country(c, "headquarters");
    json_t *up = json_object_get(c, "ultimate_parent"), *pay = json_object_get(c, "payment");
    if (json_is_object(up)) normalise_country(up, "headquarters"), normalise_country(up, "country");
    if (json_is_object(pay)) normalise_country(pay, "country");
    normalise_owners(json_object_get(c, "owners"));
}

int xg_store_customer_put(char **id_out, xg_store *s, const json_t *customer)
{
    int rc = xg_store_customer_validate(customer);
    if (rc) return rc;
    json_t *c = json_deep_copy(customer);
    normalise(c);
    char *id = xg_json_str(c, "id") && *xg_json_str(c, "id") ? strdup(xg_json_str(c, "id"))
                                                             : store_random_id("cus_", 8);
    json_object_set_new(c, "id", json_string(id));
    if (!xg_json_str(c, "verification"))
        json_object_set_new(c, "verification", json_string("unverified"));
    char now[32], source[300];
    store_now(now);
    snprintf(source, sizeof source, "customer:%s", id);
    pthread_mutex_lock(&s->lock);
    rc = store_begin(s);
    if (!rc) {
        rc = customer_upsert(s, id, c, now);
        db_stmt *st;
        if (!rc && !(rc = store_prepare(&st, s, "DELETE FROM ownership WHERE source = ?"))) {
            store_bind_text(st, 1, source);
            rc = db_step(st) == DB_DONE ? XG_OK : store_error(s, "ownership delete");
            db_finalize(st);
        }
        if (!rc)
            rc = edges_from_owners(s, json_object_get(c, "owners"), xg_json_str(c, "name"), source,
                                   now);
        if (!rc) rc = store_commit(s);
        if (rc) store_rollback(s);
    }
    pthread_mutex_unlock(&s->lock);
    json_decref(c);
    if (rc) {
        free(id);
        return rc;
    }
    *id_out = id;
    return XG_OK;
}

static json_t *customer_row(db_stmt *st)
{
    json_t *rec = json_loads(store_col_text(st, 0), 0, NULL);
    if (!rec) rec = json_object();
    json_object_set_new(rec, "created", json_string(store_col_text(st, 1)));
    json_object_set_new(rec, "updated", json_string(store_col_text(st, 2)));
    return rec;
}

static int customer_get_where(json_t **out, xg_store *s, const char *where, const char *value)
{
    db_stmt *st;
    int rc = store_prepare(
        &st, s, !strcmp(where, "id") ? SQL_CUSTOMER_BY("id") : SQL_CUSTOMER_BY("name_key"));
    if (rc) return rc;
    db_bind_text_static(st, 1, value); /* lives past db_finalize (which clears it) */
    if (db_step(st) == DB_ROW)
        *out = customer_row(st);
    else
        rc = xg_error_set(XG_ENOTFOUND, "no customer with %s '%s'",
                          !strcmp(where, "id") ? "id" : "name", value);
    db_finalize(st);
    return rc;
}

int xg_store_customer_get(json_t **out, xg_store *s, const char *id)
{
    xg_store *rd = store_read_begin(s);
    int rc = customer_get_where(out, rd, "id", id ? id : "");
    store_read_end(s, rd);
    return rc;
}

int xg_store_customer_find(json_t **out, xg_store *s, const char *name)
{
    char *key = store_name_key(name);
    xg_store *rd = store_read_begin(s);
    int rc = customer_get_where(out, rd, "name_key", key);
    store_read_end(s, rd);
    free(key);
    return rc;
}

int xg_store_customers_list(json_t **out, xg_store *s, int limit, const char *cursor)
{
    if (limit <= 0 || limit > 1000) limit = 100;
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    int rc = store_prepare(&st, s,
                           "SELECT record, created, updated, id FROM customers"
                           " WHERE id > ? ORDER BY id LIMIT ?");
    if (!rc) {
        store_bind_text(st, 1, cursor ? cursor : "");
        db_bind_int(st, 2, limit + 1);
        json_t *arr = json_array();
        char *last = NULL;
        int n = 0, more = 0;
        while (db_step(st) == DB_ROW) {
            if (n == limit) {
                more = 1;
                break;
            }
            json_array_append_new(arr, customer_row(st));
            free(last);
            last = store_col_dup(st, 3);
            n++;
        }
        db_finalize(st);
        *out = json_pack("{s:o,s:o}", "customers", arr, "next_cursor",
                         more && last ? json_string(last) : json_null());
        free(last);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int xg_store_ownership_add(xg_store *s, const json_t *owner, const char *owned_name,
                           const char *source)
{
    if (!json_is_object(owner) || !xg_json_str(owner, "name") || !owned_name)
        return xg_error_set(XG_EINVAL, "ownership: owner.name and owned name are required");
    char now[32];
    store_now(now);
    pthread_mutex_lock(&s->lock);
    int rc = store_begin(s);
    if (!rc) {
        rc = edge_insert(s, owner, owned_name, source ? source : "manual", now);
        if (!rc) rc = store_commit(s);
        if (rc) store_rollback(s);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int xg_store_ownership_of(json_t **out, xg_store *s, const char *owned_name)
{
    char *key = store_name_key(owned_name);
    xg_store *rd = store_read_begin(s);
    db_stmt *st;
    int rc = store_prepare(&st, rd, SQL_OWNERS_OF);
    if (!rc) {
        db_bind_text_static(st, 1, key); /* freed after db_finalize, which clears it */
        json_t *arr = json_array();
        while (db_step(st) == DB_ROW) {
            json_t *e = json_pack("{s:s}", "name", store_col_text(st, 0));
            if (db_column_type(st, 1) != DB_NULL)
                json_object_set_new(e, "country", json_string(store_col_text(st, 1)));
            if (db_column_type(st, 2) != DB_NULL)
                json_object_set_new(e, "headquarters", json_string(store_col_text(st, 2)));
            if (db_column_type(st, 3) != DB_NULL)
                json_object_set_new(e, "percent", json_real(db_column_double(st, 3)));
            json_object_set_new(e, "source", json_string(store_col_text(st, 4)));
            json_array_append_new(arr, e);
        }
        db_finalize(st);
        *out = arr;
    }
    store_read_end(s, rd);
    free(key);
    return rc;
}

/* ---- licenses ---- */

static int check_str_array(const json_t *a, const char *field)
{
    size_t i;
    const json_t *e;
    if (!json_is_array(a) || json_array_size(a) == 0)
        return xg_error_set(XG_EINVAL, "license.%s: expected a non-empty array of strings", field);
    if (json_array_size(a) > MAX_LIST_ENTRIES)
        return xg_error_set(XG_ETOOBIG, "license.%s: more than %d entries", field,
                            MAX_LIST_ENTRIES);
    json_array_foreach(a, i, e)
    {
        if (!json_is_string(e))
            return xg_error_set(XG_EINVAL, "license.%s[%zu]: expected a string", field, i);
        if (json_string_length(e) > 1024)
            return xg_error_set(XG_ETOOBIG, "license.%s[%zu]: longer than 1024 bytes", field, i);
    }
    return XG_OK;
}

int xg_store_license_add(xg_store *s, const json_t *lic)
{
    if (!json_is_object(lic)) return xg_error_set(XG_EINVAL, "license: expected an object");
    int rc;
    const char *strs[] = {"number", "party", "valid_from", "valid_to", "conditions"};
    for (int i = 0; i < 5; i++)
        if ((rc = check_string(lic, strs[i], "license"))) return rc;
    const char *req[] = {"number", "party", "valid_from"};
    for (int i = 0; i < 3; i++)
        if (!xg_json_str(lic, req[i]) || !*xg_json_str(lic, req[i]))
            return xg_error_set(XG_EINVAL, "license.%s: required", req[i]);
    if ((rc = check_str_array(json_object_get(lic, "items"), "items")) ||
        (rc = check_str_array(json_object_get(lic, "destinations"), "destinations")))
        return rc;
    if (!xg_date_valid(xg_json_str(lic, "valid_from")))
        return xg_error_set(XG_EINVAL, "license.valid_from: '%s' is not a date (YYYY-MM-DD)",
                            xg_json_str(lic, "valid_from"));
    if (xg_json_str(lic, "valid_to") && !xg_date_valid(xg_json_str(lic, "valid_to")))
        return xg_error_set(XG_EINVAL, "license.valid_to: '%s' is not a date (YYYY-MM-DD)",
                            xg_json_str(lic, "valid_to"));
    if (xg_json_str(lic, "valid_to") &&
        strcmp(xg_json_str(lic, "valid_to"), xg_json_str(lic, "valid_from")) < 0)
        return xg_error_set(XG_EINVAL, "license.valid_to: '%s' is before valid_from '%s'",
                            xg_json_str(lic, "valid_to"), xg_json_str(lic, "valid_from"));
    char now[32];
    store_now(now);
    char *items = json_dumps(json_object_get(lic, "items"), JSON_COMPACT);
    char *dests = json_dumps(json_object_get(lic, "destinations"), JSON_COMPACT);
    char *pk = store_name_key(xg_json_str(lic, "party"));
    pthread_mutex_lock(&s->lock);
    db_stmt *st;
    rc = store_prepare(&st, s,
                       "INSERT INTO licenses (number, party, party_key, items,"
                       " destinations, valid_from, valid_to, conditions, created)"
                       " VALUES (?,?,?,?,?,?,?,?,?)");
    if (!rc) {
        const char *v[] = {xg_json_str(lic, "number"),
                           xg_json_str(lic, "party"),
                           pk,
                           items,
                           dests,
                           xg_json_str(lic, "valid_from"),
                           xg_json_str(lic, "valid_to"),
                           xg_json_str(lic, "conditions"),
                           now};
        for (int i = 0; i < 9; i++)
            store_bind_text(st, i + 1, v[i]);
        int step = db_step(st);
        if (step == DB_CONSTRAINT)
            rc = xg_error_set(XG_EEXIST, "license.number: '%s' is already on file",
                              xg_json_str(lic, "number"));
        else if (step != DB_DONE)
            rc = store_error(s, "license insert");
        db_finalize(st);
        /* the other nodes drop their copies (the insert committed: autocommit) */
        if (!rc) rc = store_notify(s, "license", xg_json_str(lic, "number"));
    }
    pthread_mutex_unlock(&s->lock);
    if (!rc) xg_store_licenses_forget(s);
    free(items);
    free(dests);
    free(pk);
    return rc;
}

/* The licenses, read on rd (a read handle of store_read_begin). */
static int licenses_read(json_t **out, xg_store *rd)
{
    db_stmt *st;
    int rc = store_prepare(&st, rd,
                           "SELECT number, party, items, destinations, valid_from,"
                           " valid_to, conditions, created FROM licenses ORDER BY number");
    if (!rc) {
        json_t *arr = json_array();
        while (db_step(st) == DB_ROW) {
            json_t *l = json_pack("{s:s,s:s}", "number", store_col_text(st, 0), "party",
                                  store_col_text(st, 1));
            json_object_set_new(l, "items", json_loads(store_col_text(st, 2), 0, NULL));
            json_object_set_new(l, "destinations", json_loads(store_col_text(st, 3), 0, NULL));
            json_object_set_new(l, "valid_from", json_string(store_col_text(st, 4)));
            const char *cols[] = {"valid_to", "conditions"};
            for (int i = 0; i < 2; i++)
                json_object_set_new(l, cols[i],
                                    db_column_type(st, 5 + i) == DB_NULL
                                        ? json_null()
                                        : json_string(store_col_text(st, 5 + i)));
            json_object_set_new(l, "created", json_string(store_col_text(st, 7)));
            json_array_append_new(arr, l);
        }
        db_finalize(st);
        *out = arr;
    }
    return rc;
}

int xg_store_licenses_list(json_t **out, xg_store *s)
{
    xg_store *rd = store_read_begin(s);
    int rc = licenses_read(out, rd);
    store_read_end(s, rd);
    return rc;
}

/* ---- licenses in memory ---- */

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int license_cache_fresh(const xg_store *s, long long now)
{
    return s->lic_cache && now - s->lic_loaded_ms < XG_STORE_LICENSE_CACHE_MS;
}

int xg_store_licenses_cached(json_t **out, xg_store *s)
{
    *out = NULL;
    pthread_mutex_lock(&s->lic_lock);
    if (license_cache_fresh(s, mono_ms())) {
        *out = json_incref(s->lic_cache);
        pthread_mutex_unlock(&s->lic_lock);
        return XG_OK;
    }
    pthread_mutex_unlock(&s->lic_lock);
    /* The read handle before lic_lock, never after: a thread that holds a read connection
     * (xg_store_reads_begin) may wait here for lic_lock, so its holder must not wait for one. */
    xg_store *rd = store_read_begin(s);
    pthread_mutex_lock(&s->lic_lock);
    long long now = mono_ms();
    int rc = XG_OK;
    if (!license_cache_fresh(s, now)) { /* else another thread loaded it meanwhile */
        json_t *fresh = NULL;
        rc = licenses_read(&fresh, rd);
        if (!rc) { /* on failure the old copy stays until a read succeeds, but is not served */
            json_decref(s->lic_cache);
            s->lic_cache = fresh;
            s->lic_loaded_ms = now;
            s->lic_loads++;
        }
    }
    if (!rc) *out = json_incref(s->lic_cache);
    pthread_mutex_unlock(&s->lic_lock);
    store_read_end(s, rd);
    return rc;
}

void xg_store_licenses_forget(xg_store *s)
{
    pthread_mutex_lock(&s->lic_lock);
    if (s->lic_cache) {
        json_decref(s->lic_cache);
        s->lic_cache = NULL;
        s->lic_flushes++;
    }
    pthread_mutex_unlock(&s->lic_lock);
}

void xg_store_license_cache_stats(xg_store *s, unsigned long long *loads,
                                  unsigned long long *flushes)
{
    pthread_mutex_lock(&s->lic_lock);
    if (loads) *loads = s->lic_loads;
    if (flushes) *flushes = s->lic_flushes;
    pthread_mutex_unlock(&s->lic_lock);
}
