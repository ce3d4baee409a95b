/*
 * routes.c — the HTTP API in one table: each row is a method and a path pattern, the least role a
 * key needs, the handler and the metrics label. Matching (router.c), the role check, the metrics
 * series (metrics.c) and the OpenAPI contract test (tests/http/test_serve_contract.sh, which reads
 * this table and docs/openapi.json and requires them to agree) all read it, so adding a route is
 * one row here plus its handler in a routes_<area>.c.
 *
 * Rows are tried in order; the first whose path and method fit serves the request. A path that fits
 * a row but none of its methods is a 405 naming the methods it has.
 */
#include "server/server_int.h"

#include <string.h>

/* clang-format off */
const route_def route_table[] = {
    /* method  path                          role           handler               metrics label */
    {"POST", "/v1/screen",                 ROLE_SERVICE, route_screen,         "/v1/screen"},
    {"POST", "/v1/screen/batch",           ROLE_SERVICE, route_screen_batch,   "/v1/screen/batch"},
    {"POST", "/v1/classify",               ROLE_SERVICE, route_classify,       "/v1/classify"},
    {"POST", "/v1/decide",                 ROLE_SERVICE, route_decide,         "/v1/decide"},
    {"POST", "/v1/decide/batch",           ROLE_SERVICE, route_decide_batch,   "/v1/decide/batch"},
    {"GET",  "/v1/decisions/{id}",         ROLE_ANALYST, route_decision_get,   "/v1/decisions/{id}"},
    {"GET",  "/v1/decisions",              ROLE_ANALYST, route_decisions_list, "/v1/decisions"},
    {"POST", "/v1/reviews/{decision_id}",  ROLE_ANALYST, route_review,         "/v1/reviews/{decision_id}"},
    {"GET",  "/v1/customers",              ROLE_ANALYST, route_customers_list, "/v1/customers"},
    {"POST", "/v1/customers",              ROLE_ADMIN,   route_customer_put,   "/v1/customers"},
    {"GET",  "/v1/customers/{id}",         ROLE_ANALYST, route_customer_get,   "/v1/customers/{id}"},
    {"GET",  "/v1/lists",                  ROLE_SERVICE, route_lists,          "/v1/lists"},
    {"POST", "/v1/lists/reload",           ROLE_ADMIN,   route_lists_reload,   "/v1/lists/reload"},
    {"GET",  "/v1/lists/versions",         ROLE_ANALYST, route_lists_versions, "/v1/lists/versions"},
    {"GET",  "/v1/lists/diff",             ROLE_ANALYST, route_lists_diff,     "/v1/lists/diff"},
    {"POST", "/v1/lists/update",           ROLE_ADMIN,   route_lists_update,   "/v1/lists/update"},
    {"GET",  "/v1/alerts",                 ROLE_ANALYST, route_alerts,         "/v1/alerts"},
    {"POST", "/v1/alerts/{id}",            ROLE_ANALYST, route_alert,          "/v1/alerts/{id}"},
    {"GET",  "/v1/audit/verify",           ROLE_ANALYST, route_audit_verify,   "/v1/audit/verify"},
    {"POST", "/v1/keys",                   ROLE_ADMIN,   route_keys,           "/v1/keys"},
    {"GET",  "/healthz",                   ROLE_NONE,    route_healthz,        "/healthz"},
    {"GET",  "/metrics",                   ROLE_NONE,    route_metrics,        "/metrics"},
    {"GET",  "/v1/openapi.json",           ROLE_NONE,    route_openapi,        "/v1/openapi.json"},
    {"POST", "/v1/usage",                  ROLE_SERVICE, route_usage,          "/v1/usage"},
    {"GET",  "/v1/usage/report",           ROLE_ANALYST, route_usage_report,   "/v1/usage/report"},
    {"GET",  "*",                          ROLE_NONE,    route_console,        "console"},
};
/* clang-format on */

const size_t route_count = sizeof route_table / sizeof *route_table;

_Static_assert(sizeof route_table / sizeof *route_table <= XG_ROUTES_MAX,
               "more routes than metrics slots: raise XG_ROUTES_MAX");

int route_slot(const route_def *d)
{
    if (!d) return ROUTE_SLOT_UNKNOWN;
    for (size_t i = 0; i < route_count; i++)
        if (!strcmp(route_table[i].label, d->label)) return (int)i;
    return ROUTE_SLOT_UNKNOWN;
}
