/*
 * ofac_sdn.c — OFAC's legacy SDN CSV triple: sdn.csv (one row per entry), alt.csv (aliases) and
 * add.csv (addresses), joined on ent_num. As published: no header, "-0-" (often "-0- ") for an
 * empty cell, CRLF line ends and a final line holding only the DOS end-of-file byte 0x1A.
 *
 * alt.csv and add.csv are read first into arrays sorted by ent_num, so that each sdn.csv row finds
 * its aliases and addresses by binary search; a side-file row whose ent_num is not in sdn.csv is
 * an error (lenient: a skipped row), so nothing is dropped unnoticed. Either side file may be
 * absent; the file note says so. Names stay as published ("SURNAME, Given": the text module
 * reorders). Programs come bracketed ("SDGT] [IFSR"). Remarks carry identifiers ("Passport 123
 * (Iran)"), nationalities and citizenships, which are lifted into ids and countries.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/csv.h"
#include "lists/lists_internal.h"
#include "xgate/country.h"
#include "xgate/error.h"

#define SDN_SOURCE "Specially Designated Nationals (SDN) - Treasury Department"

enum {
    S_ENT,
    S_NAME,
    S_TYPE,
    S_PROGRAM,
    S_TITLE,
    S_CALLSIGN,
    S_VTYPE,
    S_TONNAGE,
    S_GRT,
    S_VFLAG,
    S_VOWNER,
    S_REMARKS,
    S_NCOLS
};

typedef struct {
    long ent;
    long line;
    const char *text;    /* alias, or address text */
    const char *country; /* add.csv: ISO-2 or NULL */
    bool used;
} side_row;

typedef struct {
    const char *name; /* path for messages, NULL when absent */
    xg_vec rows;      /* side_row, sorted by ent */
} side_file;

/* "-0-" and "-0- " mean empty. */
static const char *val(const xg_csv *c, int i)
{
    const char *s = (size_t)i < c->nfields ? c->field[i] : "";
    const char *t = s;
    while (*t == ' ')
        t++;
    if (!strncmp(t, "-0-", 3)) {
        const char *u = t + 3;
        while (*u == ' ')
            u++;
        if (!*u) return "";
    }
    return s;
}

static bool parse_ent(const char *s, long *out)
{
    char *end;
    while (*s == ' ')
        s++;
    if (!isdigit((unsigned char)*s)) return false;
    *out = strtol(s, &end, 10);
    while (*end == ' ')
        end++;
    return !*end && *out >= 0;
}

static int cmp_side(const void *a, const void *b)
{
    const side_row *x = a, *y = b;
    if (x->ent != y->ent) return x->ent < y->ent ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* One alt.csv row (ent_num,alt_num,alt_type,alt_name,alt_remarks) or add.csv row
 * (ent_num,add_num,address,city/state/postal,country,add_remarks). */
static int side_row_from(lst_ctx *ctx, const xg_csv *c, bool is_add, side_row *r)
{
    const size_t want = is_add ? 6 : 5;
    if (c->nfields != want || !parse_ent(c->field[0], &r->ent))
        return lst_row_problem(ctx, XG_EPARSE, c->line,
                               "expected %zu fields starting with an ent_num, found %zu", want,
                               c->nfields);
    r->line = c->line;
    if (!is_add) {
        r->text = lst_str(ctx, val(c, 3), (size_t)-1);
        return r->text ? XG_OK : XG_ENOMEM;
    }
    const char *parts[3] = {val(c, 2), val(c, 3), val(c, 4)};
    xg_buf b;
    xg_buf_init(&b);
    for (int i = 0; i < 3; i++) {
        const char *t = lst_str(ctx, parts[i], (size_t)-1);
        if (t && *t) xg_buf_printf(&b, "%s%s", b.len ? ", " : "", t);
    }
    r->text = b.len ? xg_arena_strndup(ctx->arena, b.data, b.len) : "";
    xg_buf_free(&b);
    r->country = *parts[2] ? xg_country_code(parts[2]) : NULL;
    return r->text ? XG_OK : XG_ENOMEM;
}

static int read_side(lst_ctx *ctx, side_file *sf, const char *data, size_t len, bool is_add)
{
    xg_csv c;
    xg_csv_init(&c, data, len, sf->name);
    int rc = XG_OK;
    const char *file = ctx->file;
    ctx->file = sf->name; /* row problems name the side file */
    while (!rc) {
        int got = xg_csv_next(&c);
        if (got == 0) break;
        if (got < 0) {
            rc = lst_row_error(ctx, got, c.line);
            continue;
        }
        side_row r = {0};
        long before = (long)ctx->skipped->len;
        rc = side_row_from(ctx, &c, is_add, &r);
        if (!rc && (long)ctx->skipped->len == before && !xg_vec_push(&sf->rows, &r)) rc = XG_ENOMEM;
    }
    ctx->file = file;
    xg_csv_free(&c);
    if (!rc && sf->rows.len) qsort(sf->rows.data, sf->rows.len, sizeof(side_row), cmp_side);
    return rc;
}

/* Rows of a side file for one ent_num: [*first, *first + count). */
static size_t side_find(side_file *sf, long ent, side_row **first)
{
    size_t lo = 0, hi = sf->rows.len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (XG_VEC_AT(&sf->rows, side_row, mid).ent < ent)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    while (lo + n < sf->rows.len && XG_VEC_AT(&sf->rows, side_row, lo + n).ent == ent)
        n++;
    *first = n ? &XG_VEC_AT(&sf->rows, side_row, lo) : NULL;
    return n;
}

static int add_program(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    while (n && (*s == '[' || *s == ' '))
        s++, n--;
    while (n && (s[n - 1] == ']' || s[n - 1] == ' '))
        n--;
    return lst_rec_program(ctx, b, s, n);
}

/* "nationality Iran", "citizen Iran" items in the remarks. */
static int remark_countries(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    static const char *const keys[] = {"nationality ", "citizen ", "Nationality of Registration "};
    while (n && *s == ' ')
        s++, n--;
    while (n && (s[n - 1] == '.' || s[n - 1] == ' '))
        n--;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        size_t k = strlen(keys[i]);
        if (n > k && !strncmp(s, keys[i], k)) return lst_rec_country_name(ctx, b, s + k, n - k);
    }
    return XG_OK;
}

int lst_sdn_remarks(lst_ctx *ctx, lst_rec *b, const char *remarks)
{
    int rc = lst_split(ctx, b, remarks, "; ", remark_countries);
    if (!rc) rc = lst_remark_idents(ctx, b, remarks);
    if (!rc) rc = lst_rec_remark(b, remarks, strlen(remarks));
    return rc;
}

static int attach_side(lst_ctx *ctx, lst_rec *b, side_file *alt, side_file *add, long ent)
{
    side_row *r;
    size_t n = side_find(alt, ent, &r);
    for (size_t i = 0; i < n; i++, r++) {
        r->used = true;
        if (lst_rec_alias(ctx, b, r->text, (size_t)-1)) return XG_ENOMEM;
    }
    n = side_find(add, ent, &r);
    for (size_t i = 0; i < n; i++, r++) {
        r->used = true;
        if (lst_rec_address(ctx, b, r->text, (size_t)-1) || lst_rec_country(ctx, b, r->country))
            return XG_ENOMEM;
    }
    return XG_OK;
}

static int sdn_type(const char *t, xg_party_type *out)
{
    if (!*t)
        *out = XG_PARTY_ENTITY;
    else if (!strcmp(t, "individual"))
        *out = XG_PARTY_INDIVIDUAL;
    else if (!strcmp(t, "vessel"))
        *out = XG_PARTY_VESSEL;
    else if (!strcmp(t, "aircraft"))
        *out = XG_PARTY_AIRCRAFT;
    else
        return -1;
    return 0;
}

static int load_sdn_row(lst_ctx *ctx, lst_rec *b, const xg_csv *c, side_file *alt, side_file *add)
{
    long ent;
    if (c->nfields != S_NCOLS || !parse_ent(c->field[S_ENT], &ent))
        return lst_row_problem(ctx, XG_EPARSE, c->line,
                               "expected 12 fields starting with an ent_num, found %zu",
                               c->nfields);
    lst_rec_reset(b, ctx, c->line);
    if (!*val(c, S_NAME)) return lst_row_problem(ctx, XG_EPARSE, c->line, "empty SDN_Name");
    if (sdn_type(lst_str(ctx, val(c, S_TYPE), (size_t)-1), &b->r.type))
        return lst_row_problem(ctx, XG_EPARSE, c->line, "unknown SDN_Type '%.40s'", val(c, S_TYPE));
    b->r.id = xg_arena_printf(ctx->arena, "%ld", ent);
    b->r.source = SDN_SOURCE;
    b->r.source_code = "SDN";
    b->r.name = lst_str(ctx, val(c, S_NAME), (size_t)-1);
    if (!b->r.id || !b->r.name) return XG_ENOMEM;
    const char *remarks = val(c, S_REMARKS);
    int rc = lst_split(ctx, b, val(c, S_PROGRAM), "] [", add_program);
    if (!rc && ctx->ofac_cons) { /* non-SDN: the list follows from the programs */
        b->r.source = lst_cons_source(b->programs.data, b->programs.len);
        b->r.source_code = lst_source_code(ctx, b->r.source);
    }
    if (!rc) rc = attach_side(ctx, b, alt, add, ent);
    if (!rc && *val(c, S_VFLAG)) rc = lst_rec_country_name(ctx, b, val(c, S_VFLAG), (size_t)-1);
    if (!rc) rc = lst_sdn_remarks(ctx, b, remarks);
    return rc ? rc : lst_rec_commit(ctx, b);
}

static int read_sdn(lst_ctx *ctx, const char *data, size_t len, side_file *alt, side_file *add)
{
    xg_csv c;
    xg_csv_init(&c, data, len, ctx->file);
    lst_rec b;
    lst_rec_init(&b);
    int rc = XG_OK;
    while (!rc) {
        int got = xg_csv_next(&c);
        if (got == 0) break;
        rc = got < 0 ? lst_row_error(ctx, got, c.line) : load_sdn_row(ctx, &b, &c, alt, add);
    }
    lst_rec_free(&b);
    xg_csv_free(&c);
    return rc;
}

/* Side rows that matched no sdn.csv entry. */
static int check_orphans(lst_ctx *ctx, side_file *sf)
{
    const char *file = ctx->file;
    int rc = XG_OK;
    ctx->file = sf->name;
    for (size_t i = 0; i < sf->rows.len && !rc; i++) {
        side_row *r = &XG_VEC_AT(&sf->rows, side_row, i);
        if (!r->used)
            rc = lst_row_problem(ctx, XG_EPARSE, r->line, "ent_num %ld is not in sdn.csv", r->ent);
    }
    ctx->file = file;
    return rc;
}

static const char *side_note(lst_ctx *ctx, const side_file *sf, const char *what, const char *unit)
{
    if (!sf->name) return xg_arena_printf(ctx->arena, "%s missing", what);
    size_t used = 0;
    for (size_t i = 0; i < sf->rows.len; i++)
        used += XG_VEC_AT(&sf->rows, side_row, i).used;
    return xg_arena_printf(ctx->arena, "%s: %zu %s", what, used, unit);
}

int lst_load_sdn(lst_ctx *ctx, const char *sdn, size_t sdn_len, const char *alt_name,
                 const char *alt_data, size_t alt_len, const char *add_name, const char *add_data,
                 size_t add_len)
{
    side_file alt = {alt_name ? xg_arena_strdup(ctx->arena, alt_name) : NULL, {0}};
    side_file add = {add_name ? xg_arena_strdup(ctx->arena, add_name) : NULL, {0}};
    xg_vec_init(&alt.rows, sizeof(side_row));
    xg_vec_init(&add.rows, sizeof(side_row));
    int rc = XG_OK;
    if (alt.name && alt_data) rc = read_side(ctx, &alt, alt_data, alt_len, false);
    if (!rc && add.name && add_data) rc = read_side(ctx, &add, add_data, add_len, true);
    if (!rc) rc = read_sdn(ctx, sdn, sdn_len, &alt, &add);
    if (!rc) rc = check_orphans(ctx, &alt);
    if (!rc) rc = check_orphans(ctx, &add);
    if (!rc) {
        const char *a =
            side_note(ctx, &alt, ctx->ofac_cons ? "cons_alt.csv" : "alt.csv", "aliases");
        const char *d =
            side_note(ctx, &add, ctx->ofac_cons ? "cons_add.csv" : "add.csv", "addresses");
        ctx->note = a && d ? xg_arena_printf(ctx->arena, "%s; %s", a, d) : NULL;
    }
    xg_vec_free(&alt.rows);
    xg_vec_free(&add.rows);
    return rc;
}
