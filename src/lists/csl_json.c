/*
 * csl_json.c — the trade.gov Consolidated Screening List as JSON (consolidated.json, the API v1
 * shape): {"results": [{"_id", "name", "alt_names": [...], "addresses": [{"address", "city",
 * "state", "postal_code", "country"}], "ids": [{"type", "number", "country"}], "source", "type",
 * "programs": [...], "start_date", "end_date", "nationalities", "citizenships", "remarks", …}]}.
 *
 * The same entries as the CSV, with the lists already split, so this loader maps fields and
 * nothing more. Each entry is checked like a CSV row (an id, a name, a source, ISO dates); a bad
 * entry is an error naming its position in "results" (the "line"), or a skip when lenient.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lists/lists_internal.h"
#include "xgate/country.h"
#include "xgate/error.h"

static const char *str_field(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* "_id" (string or number), else "id", else "entity_number". */
static const char *entry_id(lst_ctx *ctx, const json_t *o)
{
    static const char *const keys[] = {"_id", "id", "entity_number"};
    for (size_t i = 0; i < 3; i++) {
        const json_t *v = json_object_get(o, keys[i]);
        if (json_is_string(v) && *json_string_value(v))
            return lst_str(ctx, json_string_value(v), (size_t)-1);
        if (json_is_integer(v))
            return xg_arena_printf(ctx->arena, "%lld", (long long)json_integer_value(v));
    }
    return "";
}

static xg_party_type entry_type(const json_t *o)
{
    const char *t = str_field(o, "type");
    if (!strcasecmp(t, "individual")) return XG_PARTY_INDIVIDUAL;
    if (!strcasecmp(t, "entity")) return XG_PARTY_ENTITY;
    if (!strcasecmp(t, "vessel")) return XG_PARTY_VESSEL;
    if (!strcasecmp(t, "aircraft")) return XG_PARTY_AIRCRAFT;
    if (*t) return XG_PARTY_UNKNOWN;
    static const char *const personal[] = {"dates_of_birth", "places_of_birth", "citizenships",
                                           "nationalities"};
    for (size_t i = 0; i < 4; i++) {
        const json_t *v = json_object_get(o, personal[i]);
        if ((json_is_array(v) && json_array_size(v)) ||
            (json_is_string(v) && *json_string_value(v)))
            return XG_PARTY_INDIVIDUAL;
    }
    return XG_PARTY_ENTITY;
}

typedef int (*piece_fn)(lst_ctx *ctx, lst_rec *b, const char *s, size_t n);

/* A list field: an array of strings, or one string of "; "-separated pieces. */
static int each_string(lst_ctx *ctx, lst_rec *b, const json_t *v, piece_fn fn)
{
    if (json_is_string(v)) return lst_split(ctx, b, json_string_value(v), "; ", fn);
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e)) continue;
        int rc = fn(ctx, b, json_string_value(e), json_string_length(e));
        if (rc) return rc;
    }
    return XG_OK;
}

static int add_country(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    return lst_rec_country_name(ctx, b, s, n);
}

static int add_address_text(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    int rc = lst_rec_address(ctx, b, s, n);
    return rc ? rc : lst_rec_country(ctx, b, lst_address_country(s, n));
}

static int add_addresses(lst_ctx *ctx, lst_rec *b, const json_t *v)
{
    size_t i;
    const json_t *a;
    json_array_foreach(v, i, a)
    {
        if (json_is_string(a)) {
            int rc = add_address_text(ctx, b, json_string_value(a), json_string_length(a));
            if (rc) return rc;
            continue;
        }
        static const char *const parts[] = {"address", "city", "state", "postal_code", "country"};
        xg_buf text;
        xg_buf_init(&text);
        for (size_t k = 0; k < 5; k++) {
            const char *p = str_field(a, parts[k]);
            if (*p) xg_buf_printf(&text, "%s%s", text.len ? ", " : "", p);
        }
        int rc = text.len ? lst_rec_address(ctx, b, text.data, text.len) : XG_OK;
        const char *country = str_field(a, "country");
        if (!rc && *country)
            rc = lst_rec_country_name(ctx, b, country, strlen(country));
        else if (!rc && text.len) /* no country field: the end of the address names it */
            rc = lst_rec_country(ctx, b, lst_address_country(text.data, text.len));
        xg_buf_free(&text);
        if (rc) return rc;
    }
    return XG_OK;
}

static int add_ids(lst_ctx *ctx, lst_rec *b, const json_t *v)
{
    size_t i;
    const json_t *d;
    json_array_foreach(v, i, d)
    {
        const char *type = str_field(d, "type"), *number = str_field(d, "number");
        if (!*number) number = str_field(d, "value");
        if (!*type || !*number) continue;
        const char *country = str_field(d, "country"); /* ISO-2 (a static string) or NULL */
        int rc = lst_rec_ident(ctx, b, type, number, *country ? xg_country_code(country) : NULL);
        if (rc) return rc;
    }
    return XG_OK;
}

static int date_field(lst_ctx *ctx, const json_t *o, const char *key, long line, const char **out)
{
    const char *d = str_field(o, key);
    if (!*d) return 1;
    if (!xg_date_valid(d)) {
        int rc =
            lst_row_problem(ctx, XG_EPARSE, line, "%s '%.40s' is not a date YYYY-MM-DD", key, d);
        return rc ? rc : 0;
    }
    *out = lst_str(ctx, d, (size_t)-1);
    return *out ? 1 : XG_ENOMEM;
}

static int load_entry(lst_ctx *ctx, lst_rec *b, const json_t *o, long line)
{
    if (!json_is_object(o)) return lst_row_problem(ctx, XG_EPARSE, line, "not an object");
    lst_rec_reset(b, ctx, line);
    const char *id = entry_id(ctx, o);
    if (!id) return XG_ENOMEM;
    if (!*id) return lst_row_problem(ctx, XG_EPARSE, line, "no _id");
    if (!*str_field(o, "name")) return lst_row_problem(ctx, XG_EPARSE, line, "no name");
    if (!*str_field(o, "source")) return lst_row_problem(ctx, XG_EPARSE, line, "no source");
    int rc = date_field(ctx, o, "start_date", line, &b->r.start_date);
    if (rc == 1) rc = date_field(ctx, o, "end_date", line, &b->r.end_date);
    if (rc != 1) return rc;
    b->r.id = id;
    b->r.source = lst_str(ctx, str_field(o, "source"), (size_t)-1);
    b->r.source_code = b->r.source ? lst_source_code(ctx, b->r.source) : NULL;
    b->r.name = lst_str(ctx, str_field(o, "name"), (size_t)-1);
    b->r.type = entry_type(o);
    if (!b->r.source || !b->r.source_code || !b->r.name) return XG_ENOMEM;
    rc = each_string(ctx, b, json_object_get(o, "alt_names"), lst_rec_alias);
    if (!rc) rc = add_addresses(ctx, b, json_object_get(o, "addresses"));
    if (!rc) rc = each_string(ctx, b, json_object_get(o, "nationalities"), add_country);
    if (!rc) rc = each_string(ctx, b, json_object_get(o, "citizenships"), add_country);
    if (!rc) rc = add_ids(ctx, b, json_object_get(o, "ids"));
    if (!rc) rc = each_string(ctx, b, json_object_get(o, "programs"), lst_rec_program);
    const char *rem = str_field(o, "remarks");
    if (!rc) rc = lst_rec_remark(b, rem, strlen(rem));
    return rc ? rc : lst_rec_commit(ctx, b);
}

int lst_load_csl_json(lst_ctx *ctx, const char *data, size_t len)
{
    json_error_t err;
    json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) return xg_error_set(XG_EPARSE, "%s:%d: JSON: %s", ctx->file, err.line, err.text);
    const json_t *results = json_object_get(root, "results");
    if (!json_is_array(results)) {
        json_decref(root);
        return xg_error_set(XG_EPARSE, "%s: JSON without a \"results\" array", ctx->file);
    }
    lst_rec b;
    lst_rec_init(&b);
    int rc = XG_OK;
    for (size_t i = 0; !rc && i < json_array_size(results); i++)
        rc = load_entry(ctx, &b, json_array_get(results, i), (long)i + 1);
    lst_rec_free(&b);
    json_decref(root);
    return rc;
}
