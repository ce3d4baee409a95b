/*
 * xgate_csv.c — xgate's own CSV for in-house lists and transcriptions, with parent links.
 *
 * Columns (any order; only `name` is required, an unknown column is an error so that a typo never
 * drops data in silence): id,source,type,name,aliases,country,parent,parent_percent,ids,
 * addresses,programs,start_date,end_date,remarks. aliases, ids, addresses and programs are
 * separated by "; "; an id reads SCHEME:VALUE (a value without a scheme is kept as ID, or as USCC
 * when it is a valid Unified Social Credit Code); country holds ISO-2 codes or names (several
 * separated by "; "); when it is empty the countries are read from the end of the addresses.
 * A missing id becomes basename:line; a missing source becomes the file's basename.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xgate/csv.h"
#include "lists/lists_internal.h"
#include "xgate/country.h"
#include "xgate/error.h"

enum {
    X_ID,
    X_SOURCE,
    X_TYPE,
    X_NAME,
    X_ALIASES,
    X_COUNTRY,
    X_PARENT,
    X_PCT,
    X_IDS,
    X_ADDRESSES,
    X_PROGRAMS,
    X_START,
    X_END,
    X_REMARKS,
    X_NCOLS
};
static const char *const column_names[X_NCOLS] = {
    "id",  "source",    "type",     "name",       "aliases",  "country", "parent", "parent_percent",
    "ids", "addresses", "programs", "start_date", "end_date", "remarks"};

typedef struct {
    int col[X_NCOLS];
    size_t ncols;
    const char *basename;
    const char *last_source, *last_code;
} xg_header;

static const char *cell(const xg_csv *c, const xg_header *h, int k)
{
    int i = h->col[k];
    return i >= 0 && (size_t)i < c->nfields ? c->field[i] : "";
}

static int read_header(lst_ctx *ctx, xg_csv *c, xg_header *h)
{
    int rc = xg_csv_next(c);
    if (rc <= 0) return rc ? rc : xg_error_set(XG_EPARSE, "%s: no records", ctx->file);
    for (size_t i = 0; i < c->nfields; i++) {
        bool known = false;
        for (int k = 0; k < X_NCOLS; k++)
            known |= !strcmp(c->field[i], column_names[k]);
        if (!known)
            return xg_error_set(XG_EPARSE,
                                "%s:%ld: unknown column '%.60s' (xgate CSV columns: id, source, "
                                "type, name, aliases, country, parent, parent_percent, ids, "
                                "addresses, programs, start_date, end_date, remarks)",
                                ctx->file, c->line, c->field[i]);
    }
    for (int k = 0; k < X_NCOLS; k++)
        h->col[k] = xg_csv_find(c, column_names[k]);
    if (h->col[X_NAME] < 0)
        return xg_error_set(XG_EPARSE, "%s:%ld: no 'name' column", ctx->file, c->line);
    h->ncols = c->nfields;
    const char *slash = strrchr(ctx->file, '/');
    h->basename = slash ? slash + 1 : ctx->file;
    return XG_OK;
}

/* "USCC:91440101MA5ALQNR86", "Tax ID/INN:7704730655", "CR No. 3176428", "5099000013". */
static int add_id_piece(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s", (int)n, s);
    char *colon = strchr(buf, ':');
    if (colon) {
        *colon = '\0';
        return lst_rec_ident(ctx, b, buf, colon + 1, NULL);
    }
    char *space = strrchr(buf, ' ');
    if (space && strpbrk(space, "0123456789")) { /* "CR No. 3176428": label, then value */
        *space = '\0';
        return lst_rec_ident(ctx, b, buf, space + 1, NULL);
    }
    return lst_rec_ident(ctx, b, "", buf, NULL);
}

static int add_address(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    return lst_rec_address(ctx, b, s, n);
}

static int parse_type(const char *t, xg_party_type *out)
{
    static const struct {
        const char *name;
        xg_party_type type;
    } types[] = {{"", XG_PARTY_ENTITY},
                 {"entity", XG_PARTY_ENTITY},
                 {"organization", XG_PARTY_ENTITY},
                 {"company", XG_PARTY_ENTITY},
                 {"individual", XG_PARTY_INDIVIDUAL},
                 {"person", XG_PARTY_INDIVIDUAL},
                 {"vessel", XG_PARTY_VESSEL},
                 {"aircraft", XG_PARTY_AIRCRAFT}};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (!strcasecmp(t, types[i].name)) {
            *out = types[i].type;
            return 0;
        }
    return -1;
}

/* Countries from the country column, else from the addresses. 1 = ok, else a row problem. */
static int fill_countries(lst_ctx *ctx, lst_rec *b, const char *col, long line)
{
    for (const char *p = col; *p;) {
        const char *hit = strstr(p, "; ");
        size_t n = hit ? (size_t)(hit - p) : strlen(p);
        char buf[128];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < 127 ? n : 127), p);
        const char *cc = *buf ? xg_country_code(buf) : NULL;
        if (*buf && !cc) {
            int rc = lst_row_problem(ctx, XG_EPARSE, line, "unknown country '%.60s'", buf);
            return rc ? rc : 0;
        }
        if (lst_rec_country(ctx, b, cc)) return XG_ENOMEM;
        p = hit ? hit + 2 : p + n;
    }
    if (!*col)
        for (size_t i = 0; i < b->addresses.len; i++) {
            const char *a = XG_VEC_AT(&b->addresses, const char *, i);
            if (lst_rec_country(ctx, b, lst_address_country(a, strlen(a)))) return XG_ENOMEM;
        }
    return 1;
}

/* Dates and the parent percentage. 1 = ok, else a row problem. */
static int fill_scalars(lst_ctx *ctx, lst_rec *b, const xg_csv *c, const xg_header *h)
{
    const char *dates[2] = {cell(c, h, X_START), cell(c, h, X_END)};
    const char **outs[2] = {&b->r.start_date, &b->r.end_date};
    for (int i = 0; i < 2; i++) {
        if (!*dates[i]) continue;
        if (!xg_date_valid(dates[i])) {
            int rc = lst_row_problem(ctx, XG_EPARSE, c->line, "%s '%.40s' is not a date YYYY-MM-DD",
                                     i ? "end_date" : "start_date", dates[i]);
            return rc ? rc : 0;
        }
        if (!(*outs[i] = xg_arena_strdup(ctx->arena, dates[i]))) return XG_ENOMEM;
    }
    const char *pct = cell(c, h, X_PCT);
    if (*pct) {
        char *end;
        double v = strtod(pct, &end);
        while (*end == ' ' || *end == '%')
            end++;
        if (*end || !(v >= 0 && v <= 100)) {
            int rc = lst_row_problem(ctx, XG_EPARSE, c->line,
                                     "parent_percent '%.40s' is not a number from 0 to 100", pct);
            return rc ? rc : 0;
        }
        b->r.parent_percent = v;
    }
    const char *parent = cell(c, h, X_PARENT);
    if (*parent && !(b->r.parent = lst_str(ctx, parent, (size_t)-1))) return XG_ENOMEM;
    return 1;
}

static int set_identity(lst_ctx *ctx, lst_rec *b, const xg_csv *c, xg_header *h)
{
    const char *id = cell(c, h, X_ID);
    b->r.id = h->col[X_ID] >= 0 ? lst_str(ctx, id, (size_t)-1)
                                : xg_arena_printf(ctx->arena, "%s:%ld", h->basename, c->line);
    const char *src = *cell(c, h, X_SOURCE) ? cell(c, h, X_SOURCE) : h->basename;
    if (!h->last_source || strcmp(h->last_source, src)) {
        h->last_source = xg_arena_strdup(ctx->arena, src);
        h->last_code = h->last_source ? lst_source_code(ctx, h->last_source) : NULL;
    }
    b->r.source = h->last_source;
    b->r.source_code = h->last_code;
    b->r.name = lst_str(ctx, cell(c, h, X_NAME), (size_t)-1);
    return b->r.id && b->r.source && b->r.source_code && b->r.name ? XG_OK : XG_ENOMEM;
}

static int load_row(lst_ctx *ctx, lst_rec *b, const xg_csv *c, xg_header *h)
{
    long line = c->line;
    if (c->nfields != h->ncols)
        return lst_row_problem(ctx, XG_EPARSE, line, "%zu fields where the header has %zu",
                               c->nfields, h->ncols);
    lst_rec_reset(b, ctx, line);
    if (!*cell(c, h, X_NAME)) return lst_row_problem(ctx, XG_EPARSE, line, "empty name");
    if (h->col[X_ID] >= 0 && !*cell(c, h, X_ID))
        return lst_row_problem(ctx, XG_EPARSE, line, "empty id");
    if (parse_type(cell(c, h, X_TYPE), &b->r.type))
        return lst_row_problem(ctx, XG_EPARSE, line, "unknown type '%.40s'", cell(c, h, X_TYPE));
    int rc = set_identity(ctx, b, c, h);
    if (!rc) rc = lst_split(ctx, b, cell(c, h, X_ALIASES), "; ", lst_rec_alias);
    if (!rc) rc = lst_split(ctx, b, cell(c, h, X_ADDRESSES), "; ", add_address);
    if (!rc) rc = lst_split(ctx, b, cell(c, h, X_IDS), "; ", add_id_piece);
    if (!rc) rc = lst_split(ctx, b, cell(c, h, X_PROGRAMS), "; ", lst_rec_program);
    if (!rc) rc = lst_rec_remark(b, cell(c, h, X_REMARKS), strlen(cell(c, h, X_REMARKS)));
    if (rc) return rc;
    rc = fill_countries(ctx, b, cell(c, h, X_COUNTRY), line);
    if (rc == 1) rc = fill_scalars(ctx, b, c, h);
    if (rc != 1) return rc;
    return lst_rec_commit(ctx, b);
}

static int header_cb(lst_ctx *ctx, struct xg_csv *c, void *h)
{
    return read_header(ctx, c, h);
}

static int row_cb(lst_ctx *ctx, lst_rec *b, const struct xg_csv *c, void *h)
{
    return load_row(ctx, b, c, h);
}

int lst_load_xgate_csv(lst_ctx *ctx, const char *data, size_t len)
{
    xg_header h = {0};
    return lst_load_csv_rows(ctx, data, len, &h, header_cb, row_cb);
}
