/*
 * import.c — customer records from a CSV file, turned into request-style customer objects.
 *
 * Compliance teams keep customer lists in spreadsheets, so the CSV has one row per customer with
 * the CIP fields as columns (docs/decide.md lists them); list-valued cells use "; " and
 * owners read "Name|CC|percent" so that a whole record fits one row. Columns are found by header
 * name, in any order; unknown columns are an error (a misspelt "contry" must not vanish).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xgate/csv.h"
#include "xgate/error.h"
#include "xgate/store.h"

static const char *const columns[] = {"id",
                                      "name",
                                      "aliases",
                                      "country",
                                      "headquarters",
                                      "region",
                                      "ultimate_parent",
                                      "ultimate_parent_headquarters",
                                      "ids",
                                      "address",
                                      "payment_means",
                                      "payment_source",
                                      "payment_country",
                                      "email",
                                      "phone",
                                      "verification",
                                      "owners",
                                      NULL};

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* "a; b; c" → ["a","b","c"] (empty items dropped). Modifies `cell`. */
static json_t *split_list(char *cell)
{
    json_t *a = json_array();
    for (char *save = NULL, *t = strtok_r(cell, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        t = trim(t);
        if (*t) json_array_append_new(a, json_string(t));
    }
    return a;
}

/* "Name|CC|60; Other|DE|40" → owners. */
static int split_owners(json_t **out, char *cell, const char *file, long line)
{
    json_t *a = json_array();
    for (char *save = NULL, *t = strtok_r(cell, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        t = trim(t);
        if (!*t) continue;
        char *f[3] = {t, NULL, NULL};
        for (int i = 1; i < 3 && f[i - 1]; i++) {
            char *bar = strchr(f[i - 1], '|');
            if (bar) *bar = '\0', f[i] = bar + 1;
        }
        json_t *o = json_pack("{s:s}", "name", trim(f[0]));
        if (f[1] && *trim(f[1])) json_object_set_new(o, "headquarters", json_string(trim(f[1])));
        if (f[2] && *trim(f[2])) {
            char *end;
            double pct = strtod(trim(f[2]), &end);
            if (*end || pct < 0 || pct > 100) {
                json_decref(o);
                json_decref(a);
                return xg_error_set(XG_EPARSE, "%s:%ld: owners: percent '%s' is not 0-100", file,
                                    line, f[2]);
            }
            json_object_set_new(o, "percent", json_real(pct));
        }
        json_array_append_new(a, o);
    }
    *out = a;
    return XG_OK;
}

static int set_cell(json_t *c, const char *col, char *v, const char *file, long line)
{
    v = trim(v);
    if (!*v) return XG_OK;
    if (!strcmp(col, "aliases") || !strcmp(col, "ids")) {
        json_object_set_new(c, col, split_list(v));
    } else if (!strcmp(col, "owners")) {
        json_t *o = NULL;
        int rc = split_owners(&o, v, file, line);
        if (rc) return rc;
        json_object_set_new(c, "owners", o);
    } else if (!strncmp(col, "ultimate_parent", 15)) {
        json_t *up = json_object_get(c, "ultimate_parent");
        if (!up) json_object_set_new(c, "ultimate_parent", up = json_object());
        json_object_set_new(up, col[15] ? "headquarters" : "name", json_string(v));
    } else if (!strncmp(col, "payment_", 8)) {
        json_t *p = json_object_get(c, "payment");
        if (!p) json_object_set_new(c, "payment", p = json_object());
        json_object_set_new(p, col + 8, json_string(v));
    } else {
        json_object_set_new(c, col, json_string(v));
    }
    return XG_OK;
}

static int header(int *map, xg_csv *csv, const char *file)
{
    for (size_t i = 0; i < csv->nfields; i++) {
        map[i] = -1;
        const char *h = trim(csv->field[i]);
        for (int k = 0; columns[k]; k++)
            if (!strcmp(h, columns[k])) map[i] = k;
        if (map[i] < 0)
            return xg_error_set(XG_EPARSE, "%s:%ld: unknown column '%s'", file, csv->line, h);
    }
    if (xg_csv_find(csv, "name") < 0)
        return xg_error_set(XG_EPARSE, "%s:%ld: the header has no 'name' column", file, csv->line);
    return XG_OK;
}

int xg_customers_parse_csv(json_t **out, const char *data, size_t len, const char *name)
{
    xg_csv csv;
    xg_csv_init(&csv, data, len, name);
    json_t *arr = json_array();
    int map[64], rc, ncols = 0;
    long rows = 0;
    while ((rc = xg_csv_next(&csv)) == 1) {
        rc = XG_OK;
        if (!ncols) {
            if (csv.nfields > 64) {
                rc = xg_error_set(XG_EPARSE, "%s: more than 64 columns", name);
                break;
            }
            if ((rc = header(map, &csv, name))) break;
            ncols = (int)csv.nfields;
            continue;
        }
        if ((int)csv.nfields != ncols) {
            rc = xg_error_set(XG_EPARSE, "%s:%ld: %zu fields, the header has %d", name, csv.line,
                              csv.nfields, ncols);
            break;
        }
        json_t *c = json_object();
        for (int i = 0; i < ncols && !rc; i++)
            rc = set_cell(c, columns[map[i]], csv.field[i], name, csv.line);
        if (!rc) {
            rc = xg_store_customer_validate(c);
            if (rc) {
                char msg[512];
                snprintf(msg, sizeof msg, "%s", xg_error_message());
                rc = xg_error_set(rc, "%s:%ld: %s", name, csv.line, msg);
            }
        }
        if (rc) {
            json_decref(c);
            break;
        }
        json_array_append_new(arr, c);
        rows++;
    }
    xg_csv_free(&csv);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    if (!ncols) {
        json_decref(arr);
        return xg_error_set(XG_EPARSE, "%s: empty (no header row)", name);
    }
    *out = arr;
    return XG_OK;
}
