/*
 * csl.c — the trade.gov Consolidated Screening List CSV (current format: one row per entry,
 * tagged with its source list; header as in csl_sample.csv).
 *
 * The CSL packs lists into single cells: alt_names, addresses, programs and ids are separated by
 * "; ", an id reads "Type, Value, Country", and each address ends with its country (", AM" or, in
 * transcribed Entity List rows, ", China 100071"). `type` is empty for non-Treasury lists; such a
 * row is an individual when it carries personal data (birth date or place, citizenship,
 * nationality), else an entity. Names carrying the legal tail "; and any successor, sub-unit, or
 * subsidiary thereof" keep the plain name as primary and the published form in remarks.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xgate/csv.h"
#include "lists/lists_internal.h"
#include "xgate/country.h"
#include "xgate/error.h"

enum {
    C_ID,
    C_SOURCE,
    C_TYPE,
    C_NAME,
    C_PROGRAMS,
    C_ADDRESSES,
    C_START,
    C_END,
    C_REMARKS,
    C_ALT,
    C_CITIZEN,
    C_DOB,
    C_NATIONAL,
    C_POB,
    C_IDS,
    C_ENTNUM,
    C_TITLE,
    C_NCOLS
};
static const char *const column_names[C_NCOLS] = {
    "_id",           "source",          "type",         "name",
    "programs",      "addresses",       "start_date",   "end_date",
    "remarks",       "alt_names",       "citizenships", "dates_of_birth",
    "nationalities", "places_of_birth", "ids",          "entity_number",
    "title"};

/* Legal tails that qualify a listed name rather than name the party. */
static const char *const name_tails[] = {"; and any successor", ", and any successor",
                                         " and any successor, sub-unit"};

typedef struct {
    int col[C_NCOLS];
    size_t ncols;
    const char *last_source, *last_code; /* arena copies for the current run of rows */
} csl_header;

static const char *cell(const xg_csv *c, const csl_header *h, int k)
{
    int i = h->col[k];
    return i >= 0 && (size_t)i < c->nfields ? c->field[i] : "";
}

static int read_header(lst_ctx *ctx, xg_csv *c, csl_header *h)
{
    int rc = xg_csv_next(c);
    if (rc <= 0) return rc ? rc : xg_error_set(XG_EPARSE, "%s: no records", ctx->file);
    for (int k = 0; k < C_NCOLS; k++)
        h->col[k] = xg_csv_find(c, column_names[k]);
    if (h->col[C_SOURCE] < 0 || h->col[C_NAME] < 0 || h->col[C_ID] < 0)
        return xg_error_set(XG_EPARSE, "%s:1: CSL header lacks _id, source or name", ctx->file);
    h->ncols = c->nfields;
    return XG_OK;
}

/* Strip "and " from the last piece of a "; "-list ("A; B; and C"). */
static void strip_and(const char **s, size_t *n, bool last, bool many)
{
    if (last && many && *n > 4 && !strncmp(*s, "and ", 4)) *s += 4, *n -= 4;
}

static int split_semi(lst_ctx *ctx, lst_rec *b, const char *s,
                      int (*fn)(lst_ctx *, lst_rec *, const char *, size_t))
{
    bool many = strstr(s, "; ") != NULL;
    for (const char *p = s; *p;) {
        const char *hit = strstr(p, "; ");
        size_t n = hit ? (size_t)(hit - p) : strlen(p);
        const char *piece = p;
        strip_and(&piece, &n, !hit, many);
        int rc = fn(ctx, b, piece, n);
        if (rc) return rc;
        p = hit ? hit + 2 : p + strlen(p);
    }
    return XG_OK;
}

static int add_address(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    int rc = lst_rec_address(ctx, b, s, n);
    if (!rc) rc = lst_rec_country(ctx, b, lst_address_country(s, n));
    return rc;
}

static int add_country_piece(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    return lst_rec_country_name(ctx, b, s, n);
}

/* "Passport, 836238033, KP" / "Registration ID, C122790" / "Gender, Male". */
static int add_id_piece(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    const char *comma = memchr(s, ',', n);
    if (!comma) return XG_OK;
    char type[256], value[512];
    snprintf(type, sizeof type, "%.*s", (int)(comma - s), s);
    const char *v = comma + 1, *end = s + n, *country = NULL;
    const char *last = end; /* just after the last comma */
    while (last > v && last[-1] != ',')
        last--;
    if (last > v && end - last == 3 && last[0] == ' ' && isupper((unsigned char)last[1]) &&
        isupper((unsigned char)last[2])) {
        char cc[3] = {last[1], last[2], '\0'};
        if ((country = xg_country_code(cc))) end = last - 1;
    }
    snprintf(value, sizeof value, "%.*s", (int)(end - v), v);
    return lst_rec_ident(ctx, b, type, value, country);
}

static xg_party_type csl_type(const xg_csv *c, const csl_header *h)
{
    const char *t = cell(c, h, C_TYPE);
    if (!strcasecmp(t, "individual")) return XG_PARTY_INDIVIDUAL;
    if (!strcasecmp(t, "entity")) return XG_PARTY_ENTITY;
    if (!strcasecmp(t, "vessel")) return XG_PARTY_VESSEL;
    if (!strcasecmp(t, "aircraft")) return XG_PARTY_AIRCRAFT;
    if (*t) return XG_PARTY_UNKNOWN;
    if (*cell(c, h, C_DOB) || *cell(c, h, C_POB) || *cell(c, h, C_CITIZEN) ||
        *cell(c, h, C_NATIONAL))
        return XG_PARTY_INDIVIDUAL;
    return XG_PARTY_ENTITY;
}

static int set_name(lst_ctx *ctx, lst_rec *b, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof name_tails / sizeof *name_tails; i++) {
        const char *hit = strcasestr(name, name_tails[i]);
        if (hit && hit > name && (size_t)(hit - name) < n) n = (size_t)(hit - name);
    }
    b->r.name = lst_str(ctx, name, n);
    if (!b->r.name) return XG_ENOMEM;
    if (n < strlen(name)) {
        char *listed = xg_arena_printf(ctx->arena, "Listed as: %s", name);
        if (!listed || lst_rec_remark(b, listed, strlen(listed))) return XG_ENOMEM;
    }
    return XG_OK;
}

static int check_date(lst_ctx *ctx, const char *d, const char *col, long line, const char **out)
{
    if (!*d) return 1;
    if (!xg_date_valid(d)) {
        int rc =
            lst_row_problem(ctx, XG_EPARSE, line, "%s '%.40s' is not a date YYYY-MM-DD", col, d);
        return rc ? rc : 0;
    }
    *out = xg_arena_strdup(ctx->arena, d);
    return *out ? 1 : XG_ENOMEM;
}

static const char *source_of(lst_ctx *ctx, csl_header *h, const char *src)
{
    if (!h->last_source || strcmp(h->last_source, src)) {
        h->last_source = xg_arena_strdup(ctx->arena, src);
        h->last_code = h->last_source ? lst_source_code(ctx, h->last_source) : NULL;
    }
    return h->last_source;
}

static int fill_lists(lst_ctx *ctx, lst_rec *b, const xg_csv *c, const csl_header *h)
{
    int rc = split_semi(ctx, b, cell(c, h, C_ALT), lst_rec_alias);
    if (!rc) rc = split_semi(ctx, b, cell(c, h, C_ADDRESSES), add_address);
    if (!rc) rc = lst_split(ctx, b, cell(c, h, C_NATIONAL), "; ", add_country_piece);
    if (!rc) rc = lst_split(ctx, b, cell(c, h, C_CITIZEN), "; ", add_country_piece);
    if (!rc) rc = lst_split(ctx, b, cell(c, h, C_IDS), "; ", add_id_piece);
    if (!rc) rc = lst_split(ctx, b, cell(c, h, C_PROGRAMS), "; ", lst_rec_program);
    const char *rem = cell(c, h, C_REMARKS);
    if (!rc) rc = lst_rec_remark(b, rem, strlen(rem));
    return rc;
}

/* One data row: 0 when loaded or skipped, an error otherwise. */
static int load_row(lst_ctx *ctx, lst_rec *b, const xg_csv *c, csl_header *h)
{
    long line = c->line;
    if (c->nfields != h->ncols)
        return lst_row_problem(ctx, XG_EPARSE, line, "%zu fields where the header has %zu",
                               c->nfields, h->ncols);
    lst_rec_reset(b, ctx, line);
    const char *id = *cell(c, h, C_ID) ? cell(c, h, C_ID) : cell(c, h, C_ENTNUM);
    if (!*id) return lst_row_problem(ctx, XG_EPARSE, line, "empty _id");
    if (!*cell(c, h, C_NAME)) return lst_row_problem(ctx, XG_EPARSE, line, "empty name");
    if (!*cell(c, h, C_SOURCE)) return lst_row_problem(ctx, XG_EPARSE, line, "empty source");
    int rc = check_date(ctx, cell(c, h, C_START), "start_date", line, &b->r.start_date);
    if (rc == 1) rc = check_date(ctx, cell(c, h, C_END), "end_date", line, &b->r.end_date);
    if (rc != 1) return rc;
    b->r.id = lst_str(ctx, id, (size_t)-1);
    b->r.source = source_of(ctx, h, cell(c, h, C_SOURCE));
    b->r.source_code = h->last_code;
    b->r.type = csl_type(c, h);
    if (!b->r.id || !b->r.source || !b->r.source_code || set_name(ctx, b, cell(c, h, C_NAME)))
        return XG_ENOMEM;
    rc = fill_lists(ctx, b, c, h);
    return rc ? rc : lst_rec_commit(ctx, b);
}

static int header_cb(lst_ctx *ctx, struct xg_csv *c, void *h)
{
    return read_header(ctx, c, h);
}

static int row_cb(lst_ctx *ctx, lst_rec *b, const struct xg_csv *c, void *h)
{
    return load_row(ctx, b, c, h);
}

int lst_load_csl(lst_ctx *ctx, const char *data, size_t len)
{
    csl_header h = {0};
    return lst_load_csv_rows(ctx, data, len, &h, header_cb, row_cb);
}
