/*
 * routes_alerts.c — monitoring alerts over HTTP, for analysts:
 *   GET  /v1/alerts?status=open|cleared|closed|all   (default open)
 *   POST /v1/alerts/{id}  {"action": "clear"|"confirm", "reason": "…"}
 * and the alerts-by-status gauge of /metrics. The analyst's key name is the reviewer recorded
 * in the audit chain; confirming DENYs the customer's decisions waiting for review.
 */
#include "server/server_int.h"

#include <stdio.h>
#include <string.h>

#include "xgate/core.h"

#define MAX_REASON 2000

static bool alerts_store(xg_req *r)
{
    if (r->srv->store) return true;
    reply_error(r, 503, "unavailable", NULL, "the store is not available");
    return false;
}

void route_alerts(xg_req *r)
{
    static const char *const known[] = {"status", NULL};
    char status[32] = "open";
    if (!req_query_only(r, known)) return;
    int got = req_query(r, "status", status, sizeof status);
    if (got < 0) return; /* answered: too long */
    if (got == 0) snprintf(status, sizeof status, "open");
    if (strcmp(status, "open") && strcmp(status, "cleared") && strcmp(status, "closed") &&
        strcmp(status, "all")) {
        reply_error(r, 400, "invalid_field", "status",
                    "'status' must be open, cleared, closed or all");
        return;
    }
    if (!alerts_store(r)) return;
    json_t *out = NULL;
    int rc = xg_store_alerts_list(&out, r->srv->store, status);
    if (rc)
        reply_lib_error(r, rc, "alerts");
    else
        reply_json(r, 200, json_pack("{s:s,s:o}", "status", status, "alerts", out));
}

void route_alert(xg_req *r)
{
    const char *id = r->param;
    const char *action, *reason;
    if (!req_read_json(r, false) || !field_string(r, r->json, "action", true, 16, &action) ||
        !field_string(r, r->json, "reason", true, MAX_REASON, &reason))
        return;
    if (strcmp(action, "clear") && strcmp(action, "confirm")) {
        reply_error(r, 400, "invalid_field", "action", "'action' must be clear or confirm");
        return;
    }
    if (!*reason) {
        reply_error(r, 400, "invalid_field", "reason", "'reason' must not be empty");
        return;
    }
    if (!alerts_store(r)) return;
    json_t *out = NULL;
    int rc = xg_store_alert_resolve(&out, r->srv->store, id, action, reason, r->key_name);
    if (rc == XG_ENOTFOUND)
        reply_error(r, 404, "not_found", "id", "no alert '%s'", id);
    else if (rc == XG_EINVAL)
        reply_error(r, 409, "not_open", "id", "%s", xg_error_message());
    else if (rc)
        reply_lib_error(r, rc, "alerts");
    else
        reply_json(r, 200, out);
}

void metrics_alerts(xg_buf *b, xg_server *s)
{
    json_t *c = NULL;
    if (!s->store || xg_store_alert_counts(&c, s->store)) return;
    xg_buf_puts(b, "# HELP xgate_alerts Monitoring alerts by status.\n"
                   "# TYPE xgate_alerts gauge\n");
    const char *k;
    json_t *v;
    json_object_foreach(c, k, v)
    {
        if (strspn(k, "abcdefghijklmnopqrstuvwxyz_") != strlen(k)) continue;
        xg_buf_printf(b, "xgate_alerts{status=\"%s\"} %lld\n", k, (long long)json_integer_value(v));
    }
    json_decref(c);
}
