/*
 * routes_usage.c — compute accounting over HTTP (issue 14):
 *   POST /v1/usage          {"rows": [{customer, item, count, start, end|hours, region?,
 *                           account?}…], "keep_good": false} → the import counts (service role)
 *   GET  /v1/usage/report   ?from=YYYY-MM-DD&to=YYYY-MM-DD&customer=ID&charts=true → the report
 *                           (analyst); with charts=true every entry carries its chart (HTML)
 * A batch is one transaction, as a file is on the command line: with a bad row nothing is stored
 * (400 invalid_rows, the counts and every problem by row number) unless keep_good is true.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"
#include "xgate/usage.h"

#define MAX_BATCH_ROWS 100000

static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static xg_usage_config *config; /* NULL when the data files could not be read */

static void config_load(void)
{
    if (xg_usage_config_load(&config, NULL)) config = NULL;
}

static bool ready(xg_req *r, bool need_catalog)
{
    pthread_once(&config_once, config_load);
    if (r->srv->store && config && (!need_catalog || r->srv->catalog)) return true;
    reply_error(r, 503, "unavailable", NULL, "%s is not available",
                !r->srv->store ? "the store"
                : !config      ? "the usage configuration"
                               : "the catalog");
    return false;
}

void route_usage(xg_req *r)
{
    if (!req_read_json(r, false) || !ready(r, true)) return;
    const json_t *rows = json_object_get(r->json, "rows");
    const json_t *keep = json_object_get(r->json, "keep_good");
    const char *k;
    json_t *v;
    json_object_foreach(r->json, k, v)
    {
        if (strcmp(k, "rows") && strcmp(k, "keep_good")) {
            reply_error(r, 400, "invalid_field", k, "unknown field '%s' (rows, keep_good)", k);
            return;
        }
    }
    if (!json_is_array(rows) || !json_array_size(rows)) {
        reply_error(r, 400, "missing_field", "rows", "'rows' must be a non-empty array");
        return;
    }
    if (json_array_size(rows) > MAX_BATCH_ROWS) {
        reply_error(r, 400, "field_too_long", "rows", "at most %d rows per batch", MAX_BATCH_ROWS);
        return;
    }
    if (keep && !json_is_boolean(keep)) {
        reply_error(r, 400, "invalid_field", "keep_good", "'keep_good' must be true or false");
        return;
    }
    xg_usage_import_opts o = {.keep_good = json_is_true(keep)};
    xg_usage_import_stats st;
    int rc = xg_usage_import_json(&st, r->srv->store, r->srv->catalog, rows, "request", &o);
    if (rc && rc != XG_EPARSE) {
        json_decref(st.problems);
        reply_lib_error(r, rc, "usage");
        return;
    }
    json_t *body = xg_usage_import_stats_json(&st, "request");
    json_object_del(body, "file");
    json_object_set_new(body, "committed", json_boolean(!rc));
    json_decref(st.problems);
    if (rc) {
        json_t *err = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "invalid_rows", "message",
                                xg_error_message(), "field", "rows");
        json_object_set_new(err, "import", body);
        reply_json(r, 400, err);
    } else
        reply_json(r, 200, body);
}

/* charts=true: every entry gets "chart", the HTML fragment the usage report draws for it (the
 * shared chart writer), which the console shows. */
static int add_charts(json_t *rep)
{
    static const char *const lists[] = {"customers", "parents"};
    int rc = 0;
    for (int l = 0; l < 2 && !rc; l++) {
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(rep, lists[l]), i, o)
        {
            char *chart = NULL;
            if ((rc = xg_usage_entry_chart(&chart, o))) break;
            json_object_set_new(o, "chart", json_string(chart));
            free(chart);
        }
    }
    return rc;
}

void route_usage_report(xg_req *r)
{
    static const char *const known[] = {"from", "to", "customer", "charts", NULL};
    if (!req_query_only(r, known) || !ready(r, false)) return;
    char from[16], to[16], customer[256], charts[8];
    int hf, ht, hc, hg;
    if ((hf = req_query(r, "from", from, sizeof from)) < 0 ||
        (ht = req_query(r, "to", to, sizeof to)) < 0 ||
        (hc = req_query(r, "customer", customer, sizeof customer)) < 0 ||
        (hg = req_query(r, "charts", charts, sizeof charts)) < 0)
        return;
    if (hg && strcmp(charts, "true") && strcmp(charts, "false")) {
        reply_error(r, 400, "invalid_field", "charts", "'charts' must be true or false");
        return;
    }
    xg_usage_report_opts o = {
        .from = hf ? from : NULL, .to = ht ? to : NULL, .customer = hc ? customer : NULL};
    json_t *rep = NULL;
    int rc = xg_usage_report(&rep, r->srv->store, config, &o);
    if (!rc && hg && !strcmp(charts, "true")) rc = add_charts(rep);
    if (rc) {
        json_decref(rep);
        reply_lib_error(r, rc, "usage report");
    } else
        reply_json(r, 200, rep);
}
