/*
 * config.c — the numbers compute accounting uses, read from data files rather than written in C:
 * the utilisation range (data/policy/utilisation.tsv) and the compute thresholds
 * (data/policy/compute_thresholds.tsv), each row with its citation, status and date.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/usage.h"

#define MAX_TSV_BYTES (1u << 20)
#define MAX_COLS 8

/* Split a line at tabs in place; returns the number of columns. */
static size_t split_tabs(char *line, char **cols, size_t max)
{
    size_t n = 0;
    for (char *p = line; p && n < max;) {
        cols[n++] = p;
        p = strchr(p, '\t');
        if (p) *p++ = '\0';
    }
    return n;
}

static int parse_number(double *out, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno) return -1;
    *out = v;
    return 0;
}

/* Call `row` for every data line of a TSV file (comments and the header skipped). */
static int read_tsv(const char *path, int (*row)(void *, char **, size_t, long), void *ud)
{
    char *text;
    size_t len;
    int rc = xg_file_read(&text, &len, path, MAX_TSV_BYTES);
    if (rc) return rc;
    long line = 0;
    int header = 1;
    for (char *ln = text, *next; ln && !rc; ln = next) {
        next = strchr(ln, '\n');
        if (next) *next++ = '\0';
        line++;
        size_t l = strlen(ln);
        if (l && ln[l - 1] == '\r') ln[l - 1] = '\0';
        if (!*ln || *ln == '#') continue;
        if (header) {
            header = 0;
            continue;
        }
        char *cols[MAX_COLS];
        size_t n = split_tabs(ln, cols, MAX_COLS);
        rc = row(ud, cols, n, line);
        if (rc) rc = xg_error_set(XG_EPARSE, "%s:%ld: %s", path, line, xg_error_message());
    }
    free(text);
    return rc;
}

static int util_row(void *ud, char **cols, size_t n, long line)
{
    xg_usage_config *c = ud;
    double v;
    if (n < 2 || parse_number(&v, cols[1]))
        return xg_error_set(XG_EPARSE, "expected key, number, citation");
    if (!strcmp(cols[0], "low"))
        c->util_low = v;
    else if (!strcmp(cols[0], "high"))
        c->util_high = v;
    else if (!strcmp(cols[0], "window_days") && v >= 1 && v <= 3660)
        c->window_days = (int)v;
    else
        return xg_error_set(XG_EPARSE, "unknown key or value out of range: %s", cols[0]);
    return XG_OK;
}

static int threshold_row(void *ud, char **cols, size_t n, long line)
{
    xg_usage_config *c = ud;
    double v;
    if (n < 6 || parse_number(&v, cols[1]) || v <= 0)
        return xg_error_set(XG_EPARSE, "expected key, ops (> 0), role, status, date, citation");
    if (strcmp(cols[2], "reporting") && strcmp(cols[2], "early_warning"))
        return xg_error_set(XG_EPARSE, "role must be reporting or early_warning, not '%s'",
                            cols[2]);
    xg_usage_threshold *t = realloc(c->thresholds, (c->nthresholds + 1) * sizeof *t);
    if (!t) return XG_ENOMEM;
    c->thresholds = t;
    t += c->nthresholds++;
    t->key = strdup(cols[0]);
    t->ops = v;
    t->role = strdup(cols[2]);
    t->status = strdup(cols[3]);
    t->date = strdup(cols[4]);
    t->citation = strdup(cols[5]);
    return t->key && t->role && t->status && t->date && t->citation ? XG_OK : XG_ENOMEM;
}

int xg_usage_config_load(xg_usage_config **out, const char *data_dir)
{
    xg_usage_config *c = calloc(1, sizeof *c);
    if (!c) return XG_ENOMEM;
    c->util_low = c->util_high = -1;
    c->window_days = 90;
    const char *dir = data_dir ? data_dir : xg_data_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/policy/utilisation.tsv", dir);
    int rc = read_tsv(path, util_row, c);
    if (!rc && (c->util_low <= 0 || c->util_high > 1 || c->util_low > c->util_high))
        rc = xg_error_set(XG_EPARSE, "%s: needs low and high with 0 < low <= high <= 1", path);
    if (!rc) {
        snprintf(path, sizeof path, "%s/policy/compute_thresholds.tsv", dir);
        rc = read_tsv(path, threshold_row, c);
    }
    if (rc) {
        xg_usage_config_free(c);
        return rc;
    }
    *out = c;
    return XG_OK;
}

void xg_usage_config_free(xg_usage_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nthresholds; i++) {
        xg_usage_threshold *t = &c->thresholds[i];
        free(t->key);
        free(t->role);
        free(t->status);
        free(t->date);
        free(t->citation);
    }
    free(c->thresholds);
    free(c);
}

const xg_usage_threshold *xg_usage_early_warning(const xg_usage_config *c)
{
    for (size_t i = 0; c && i < c->nthresholds; i++)
        if (!strcmp(c->thresholds[i].role, "early_warning")) return &c->thresholds[i];
    return NULL;
}
