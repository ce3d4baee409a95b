/*
 * report.c — stored usage summed per customer and per ultimate parent over a period, with the
 * largest window (90 days) inside it and the thresholds the high estimate crosses.
 *
 * The store hands back daily sums (customer, day, class) in customer order, so memory grows with
 * customers × active days, not with rows. Utilisation is applied here, not at import, so a report
 * can use another range without re-importing. A window is placed by row start days: the largest
 * sum of any `window_days` consecutive days. Parents are the customers' ultimate parents (stated,
 * else the > 50 % ownership chain); two subsidiaries each below a threshold can cross it together.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "usage/usage_internal.h"
#include "xgate/error.h"

#define NCLASSES 3
static const char *const class_names[NCLASSES] = {"3A090.a", "3A090.b", "none"};
#define DEFAULT_MAX_ROWS 20

typedef struct day_sum {
    int64_t day;
    double ah[NCLASSES];
    double peak_ops;
} day_sum;

typedef struct acc {
    char *id;
    xg_vec days; /* day_sum, ascending */
} acc;

typedef struct collect {
    xg_vec custs; /* acc */
} collect;

static int class_index(const char *c)
{
    for (int i = 0; i < NCLASSES - 1; i++)
        if (!strcmp(c, class_names[i])) return i;
    return NCLASSES - 1;
}

static int on_daily(void *ud, const char *cust, int64_t day, const char *cls, double ah, double ops)
{
    collect *c = ud;
    acc *a = c->custs.len ? &XG_VEC_AT(&c->custs, acc, c->custs.len - 1) : NULL;
    if (!a || strcmp(a->id, cust)) {
        acc n = {.id = strdup(cust)};
        xg_vec_init(&n.days, sizeof(day_sum));
        if (!n.id || !(a = xg_vec_push(&c->custs, &n))) return XG_ENOMEM;
    }
    day_sum *d = a->days.len ? &XG_VEC_AT(&a->days, day_sum, a->days.len - 1) : NULL;
    if (!d || d->day != day) {
        day_sum n = {.day = day};
        if (!(d = xg_vec_push(&a->days, &n))) return XG_ENOMEM;
    }
    d->ah[class_index(cls)] += ah;
    d->peak_ops += ops;
    return 0;
}

static void day_string(char out[11], int64_t day)
{
    /* civil from days */
    int64_t z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02u-%02u", (int)((y + (m <= 2)) % 10000), m % 100, d % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

/* Largest sum of peak_ops over `window` consecutive days of a sorted day list. */
static double best_window(const day_sum *d, size_t n, int window, int64_t *from)
{
    double best = 0, cur = 0;
    size_t lo = 0;
    *from = n ? d[0].day : 0;
    for (size_t hi = 0; hi < n; hi++) {
        cur += d[hi].peak_ops;
        while (d[hi].day - d[lo].day >= window)
            cur -= d[lo++].peak_ops;
        if (cur > best) {
            best = cur;
            *from = d[lo].day;
        }
    }
    return best;
}

/* Merge day lists (for a parent): sums by day. */
static void merge_days(xg_vec *into, const xg_vec *from)
{
    xg_vec out;
    xg_vec_init(&out, sizeof(day_sum));
    size_t i = 0, j = 0;
    const day_sum *a = into->data, *b = from->data;
    while (i < into->len || j < from->len) {
        day_sum d;
        if (j >= from->len || (i < into->len && a[i].day < b[j].day))
            d = a[i++];
        else if (i >= into->len || b[j].day < a[i].day)
            d = b[j++];
        else {
            d = a[i++];
            for (int k = 0; k < NCLASSES; k++)
                d.ah[k] += b[j].ah[k];
            d.peak_ops += b[j++].peak_ops;
        }
        xg_vec_push(&out, &d);
    }
    xg_vec_free(into);
    *into = out;
}

typedef struct ctx {
    xg_store *s;
    const xg_usage_config *cfg;
    int64_t from, to;
    size_t max_rows;
} ctx;

/* The summary object of one customer or parent from its days; `ids` are the customers whose
 * rows make it up. */
static int summarise(json_t *o, const ctx *c, const xg_vec *days, const json_t *ids)
{
    const day_sum *d = days->data;
    double ah[NCLASSES] = {0}, peak = 0;
    json_t *series = json_array();
    for (size_t i = 0; i < days->len; i++) {
        char ds[11];
        day_string(ds, d[i].day);
        json_t *e = json_pack("{s:s}", "day", ds);
        for (int k = 0; k < NCLASSES; k++) {
            ah[k] += d[i].ah[k];
            json_object_set_new(e, class_names[k], json_real(d[i].ah[k]));
        }
        peak += d[i].peak_ops;
        json_array_append_new(series, e);
    }
    json_t *ahj = json_pack("{s:f}", "total", ah[0] + ah[1] + ah[2]);
    for (int k = 0; k < NCLASSES; k++)
        json_object_set_new(ahj, class_names[k], json_real(ah[k]));
    json_object_set_new(o, "accelerator_hours", ahj);
    double lo = peak * c->cfg->util_low, hi = peak * c->cfg->util_high;
    json_object_set_new(o, "ops_low", json_real(lo));
    json_object_set_new(o, "ops_high", json_real(hi));
    int64_t wfrom;
    double wpeak = best_window(d, days->len, c->cfg->window_days, &wfrom);
    char wf[11], wt[11];
    day_string(wf, wfrom);
    day_string(wt, wfrom + c->cfg->window_days - 1);
    json_object_set_new(o, "window",
                        json_pack("{s:s,s:s,s:i,s:f,s:f}", "from", wf, "to", wt, "days",
                                  c->cfg->window_days, "ops_low", wpeak * c->cfg->util_low,
                                  "ops_high", wpeak * c->cfg->util_high));
    json_t *crossed = json_array();
    int rc = 0;
    for (size_t t = 0; t < c->cfg->nthresholds && !rc; t++) {
        const xg_usage_threshold *th = &c->cfg->thresholds[t];
        if (hi < th->ops) continue;
        json_t *rows;
        long total;
        if ((rc = xg_store_usage_rows(&rows, &total, c->s, ids, c->from, c->to, c->max_rows)))
            break;
        json_array_append_new(crossed,
                              json_pack("{s:s,s:f,s:s,s:s,s:s,s:s,s:b,s:o,s:I}", "key", th->key,
                                        "ops", th->ops, "role", th->role, "status", th->status,
                                        "date", th->date, "citation", th->citation, "in_window",
                                        wpeak * c->cfg->util_high >= th->ops, "rows", rows,
                                        "rows_total", (json_int_t)total));
    }
    json_object_set_new(o, "thresholds_crossed", crossed);
    json_object_set_new(o, "series", series);
    return rc;
}

static int is_foreign(const json_t *o)
{
    const char *c = json_string_value(json_object_get(o, "country"));
    const char *h = json_string_value(json_object_get(o, "headquarters"));
    if (!c && !h) return 1; /* unknown: treated as foreign until the record says otherwise */
    return (c && strcmp(c, "US")) || (h && strcmp(h, "US"));
}

static char *fold(const char *s)
{
    char *k = strdup(s ? s : "");
    for (char *p = k; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return k;
}

static int parse_day(int64_t *out, const char *s, const char *what)
{
    if (!xg_date_valid(s)) return xg_error_set(XG_EINVAL, "%s '%s': expected YYYY-MM-DD", what, s);
    return xg_usage_parse_time(out, s);
}

static int resolve_customer(char **id, xg_store *s, const char *who)
{
    json_t *c = NULL;
    if (xg_store_customer_get(&c, s, who) && xg_store_customer_find(&c, s, who))
        return xg_error_set(XG_ENOTFOUND, "customer '%s' is not on file", who);
    *id = strdup(json_string_value(json_object_get(c, "id")));
    json_decref(c);
    return *id ? XG_OK : XG_ENOMEM;
}

static void collect_free(collect *col)
{
    for (size_t i = 0; i < col->custs.len; i++) {
        acc *a = &XG_VEC_AT(&col->custs, acc, i);
        free(a->id);
        xg_vec_free(&a->days);
    }
    xg_vec_free(&col->custs);
}

static int build_parents(json_t *parents, const ctx *c, collect *col, json_t *customers)
{
    /* group customers by folded parent name (customers who are their own parent are skipped) */
    json_t *groups = json_object();
    for (size_t i = 0; i < col->custs.len; i++) {
        json_t *cj = json_array_get(customers, i);
        json_t *up = json_object_get(cj, "ultimate_parent");
        const char *how = json_string_value(json_object_get(up, "how"));
        const char *name = json_string_value(json_object_get(up, "name"));
        if (!name || !how || !strcmp(how, "self")) continue;
        char *k = fold(name);
        json_t *g = json_object_get(groups, k);
        if (!g) {
            g = json_pack("{s:O,s:[]}", "parent", up, "idx");
            json_object_set_new(groups, k, g);
        }
        json_array_append_new(json_object_get(g, "idx"), json_integer((json_int_t)i));
        free(k);
    }
    const char *k;
    json_t *g;
    int rc = 0;
    json_object_foreach(groups, k, g)
    {
        if (rc) break;
        xg_vec days;
        xg_vec_init(&days, sizeof(day_sum));
        json_t *ids = json_array(), *subs = json_array();
        size_t j;
        json_t *ix;
        json_array_foreach(json_object_get(g, "idx"), j, ix)
        {
            size_t i = (size_t)json_integer_value(ix);
            acc *a = &XG_VEC_AT(&col->custs, acc, i);
            merge_days(&days, &a->days);
            json_array_append_new(ids, json_string(a->id));
            json_array_append_new(subs, json_string(a->id));
        }
        json_t *up = json_object_get(g, "parent");
        json_t *o = json_pack("{s:s,s:s,s:O,s:b,s:o}", "kind", "ultimate_parent", "customer",
                              json_string_value(json_object_get(up, "name")), "parent", up,
                              "foreign", is_foreign(up), "subsidiaries", subs);
        rc = summarise(o, c, &days, ids);
        json_array_append_new(parents, o);
        json_decref(ids);
        xg_vec_free(&days);
    }
    json_decref(groups);
    return rc;
}

int xg_usage_report(json_t **out, xg_store *s, const xg_usage_config *cfg,
                    const xg_usage_report_opts *opts)
{
    xg_usage_report_opts none = {0};
    if (!opts) opts = &none;
    ctx c = {.s = s,
             .cfg = cfg,
             .from = 0,
             .to = INT64_MAX,
             .max_rows = opts->max_rows ? opts->max_rows : DEFAULT_MAX_ROWS};
    int rc;
    if (opts->from && (rc = parse_day(&c.from, opts->from, "--from"))) return rc;
    if (opts->to) {
        if ((rc = parse_day(&c.to, opts->to, "--to"))) return rc;
        c.to += 86400; /* inclusive */
    }
    if (c.to <= c.from) return xg_error_set(XG_EINVAL, "--to is before --from");
    char *only = NULL;
    if (opts->customer && (rc = resolve_customer(&only, s, opts->customer))) return rc;
    collect col;
    xg_vec_init(&col.custs, sizeof(acc));
    rc = xg_store_usage_daily(s, c.from, c.to, only, on_daily, &col);
    free(only);
    json_t *ids = json_array(), *facts = NULL, *customers = json_array(), *parents = json_array();
    for (size_t i = 0; !rc && i < col.custs.len; i++)
        json_array_append_new(ids, json_string(XG_VEC_AT(&col.custs, acc, i).id));
    if (!rc) rc = xg_store_usage_customers(&facts, s, ids);
    for (size_t i = 0; !rc && i < col.custs.len; i++) {
        acc *a = &XG_VEC_AT(&col.custs, acc, i);
        json_t *f = json_object_get(facts, a->id);
        json_t *o = json_pack("{s:s,s:s}", "kind", "customer", "customer", a->id);
        const char *keys[] = {"name", "country", "headquarters"};
        for (int k = 0; k < 3; k++) {
            json_t *v = json_object_get(f, keys[k]);
            json_object_set_new(o, keys[k], v ? json_incref(v) : json_null());
        }
        json_object_set_new(o, "foreign", json_boolean(is_foreign(f)));
        json_t *up = json_object_get(f, "ultimate_parent");
        json_object_set_new(o, "ultimate_parent", up ? json_incref(up) : json_null());
        json_t *one = json_pack("[s]", a->id);
        rc = summarise(o, &c, &a->days, one);
        json_decref(one);
        json_array_append_new(customers, o);
    }
    if (!rc) rc = build_parents(parents, &c, &col, customers);
    collect_free(&col);
    json_decref(ids);
    json_decref(facts);
    if (rc) {
        json_decref(customers);
        json_decref(parents);
        return rc;
    }
    *out = json_pack("{s:{s:s?,s:s?},s:{s:f,s:f},s:i,s:o,s:o}", "period", "from", opts->from, "to",
                     opts->to, "utilisation", "low", cfg->util_low, "high", cfg->util_high,
                     "window_days", cfg->window_days, "customers", customers, "parents", parents);
    return XG_OK;
}

int xg_usage_customer_ops(double *ops_high, xg_store *s, const xg_usage_config *cfg,
                          const char *customer, const char *as_of)
{
    *ops_high = 0;
    char *id = NULL;
    if (resolve_customer(&id, s, customer)) return XG_OK; /* not on file: no usage */
    char today[11];
    if (!as_of) {
        xg_date_today(today);
        as_of = today;
    }
    int64_t end;
    int rc = parse_day(&end, as_of, "as_of");
    if (rc) {
        free(id);
        return rc;
    }
    end += 86400;
    collect col;
    xg_vec_init(&col.custs, sizeof(acc));
    rc = xg_store_usage_daily(s, end - (int64_t)cfg->window_days * 86400, end, id, on_daily, &col);
    free(id);
    for (size_t i = 0; !rc && i < col.custs.len; i++) {
        acc *a = &XG_VEC_AT(&col.custs, acc, i);
        for (size_t j = 0; j < a->days.len; j++)
            *ops_high += XG_VEC_AT(&a->days, day_sum, j).peak_ops * cfg->util_high;
    }
    collect_free(&col);
    return rc;
}
