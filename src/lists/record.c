/*
 * record.c — building one xg_record at a time, whatever the format.
 *
 * Loaders push names, aliases, countries and identifiers into scratch vectors that are reused from
 * row to row; commit copies them into the set's arena as exact-size arrays. Deduplication and
 * trimming happen here once, so that every format yields records of the same shape (no empty
 * aliases, no alias equal to the name, countries ISO-2 and unique).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xgate/csv.h"

#include "lists/lists_internal.h"
#include "xgate/country.h"
#include "xgate/error.h"

static int record_skip(lst_ctx *ctx, long line, const char *msg)
{
    xg_skipped_row s = {ctx->file, line, xg_arena_strdup(ctx->arena, msg)};
    if (!s.problem || !xg_vec_push(ctx->skipped, &s)) return XG_ENOMEM;
    return XG_OK;
}

int lst_row_problem(lst_ctx *ctx, int code, long line, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ctx->flags & XG_LOAD_LENIENT) return record_skip(ctx, line, msg);
    return xg_error_set(code, "%s:%ld: %s", ctx->file, line, msg);
}

int lst_row_error(lst_ctx *ctx, int code, long line)
{
    if (code == XG_ENOMEM || !(ctx->flags & XG_LOAD_LENIENT)) return code;
    /* the message reads "file:line: problem"; keep only the problem */
    const char *msg = xg_error_message();
    size_t flen = strlen(ctx->file);
    if (!strncmp(msg, ctx->file, flen) && msg[flen] == ':') {
        const char *p = strchr(msg + flen + 1, ':');
        if (p) msg = p + 1 + (p[1] == ' ');
    }
    return record_skip(ctx, line, msg);
}

void lst_rec_init(lst_rec *b)
{
    memset(b, 0, sizeof *b);
    xg_vec_init(&b->aliases, sizeof(const char *));
    xg_vec_init(&b->countries, sizeof(const char *));
    xg_vec_init(&b->ids, sizeof(xg_ident));
    xg_vec_init(&b->addresses, sizeof(const char *));
    xg_vec_init(&b->programs, sizeof(const char *));
    xg_buf_init(&b->remarks);
}

void lst_rec_free(lst_rec *b)
{
    xg_vec_free(&b->aliases);
    xg_vec_free(&b->countries);
    xg_vec_free(&b->ids);
    xg_vec_free(&b->addresses);
    xg_vec_free(&b->programs);
    xg_buf_free(&b->remarks);
}

void lst_rec_reset(lst_rec *b, lst_ctx *ctx, long line)
{
    memset(&b->r, 0, sizeof b->r);
    b->r.parent_percent = -1;
    b->r.file = ctx->file;
    b->r.line = line;
    b->aliases.len = b->countries.len = b->ids.len = b->addresses.len = b->programs.len = 0;
    xg_buf_reset(&b->remarks);
}

const char *lst_str(lst_ctx *ctx, const char *s, size_t n)
{
    if (!s) return NULL;
    if (n == (size_t)-1) n = strlen(s);
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return n ? xg_arena_strndup(ctx->arena, s, n) : "";
}

static bool in_list(const xg_vec *v, const char *s)
{
    for (size_t i = 0; i < v->len; i++)
        if (!strcmp(XG_VEC_AT(v, const char *, i), s)) return true;
    return false;
}

/* Trim, skip empty and duplicate, copy, push. */
static int push_unique(lst_ctx *ctx, xg_vec *v, const char *s, size_t n, const char *also_not)
{
    const char *t = lst_str(ctx, s, n);
    if (!t) return XG_ENOMEM;
    if (!*t || in_list(v, t) || (also_not && !strcmp(also_not, t))) return XG_OK;
    return xg_vec_push(v, &t) ? XG_OK : XG_ENOMEM;
}

int lst_rec_alias(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    return push_unique(ctx, &b->aliases, s, n, b->r.name);
}

int lst_rec_address(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    return push_unique(ctx, &b->addresses, s, n, NULL);
}

int lst_rec_program(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    return push_unique(ctx, &b->programs, s, n, NULL);
}

int lst_rec_country(lst_ctx *ctx, lst_rec *b, const char *iso2)
{
    (void)ctx;
    if (!iso2 || in_list(&b->countries, iso2)) return XG_OK;
    return xg_vec_push(&b->countries, &iso2) ? XG_OK : XG_ENOMEM;
}

int lst_rec_country_name(lst_ctx *ctx, lst_rec *b, const char *s, size_t n)
{
    char buf[256];
    if (n == (size_t)-1) n = strlen(s);
    if (!n || n >= sizeof buf) return XG_OK;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return lst_rec_country(ctx, b, xg_country_code(buf));
}

int lst_rec_ident(lst_ctx *ctx, lst_rec *b, const char *type, const char *value,
                  const char *country)
{
    const char *v = lst_str(ctx, value, (size_t)-1);
    if (!v) return XG_ENOMEM;
    if (!*v) return XG_OK;
    const char *scheme = lst_is_uscc(v, strlen(v)) ? "USCC" : lst_id_scheme(ctx, type);
    if (!scheme) return XG_OK;
    for (size_t i = 0; i < b->ids.len; i++) {
        xg_ident *id = &XG_VEC_AT(&b->ids, xg_ident, i);
        if (!strcmp(id->scheme, scheme) && !strcmp(id->value, v)) return XG_OK;
    }
    xg_ident id = {scheme, v, country};
    return xg_vec_push(&b->ids, &id) ? XG_OK : XG_ENOMEM;
}

int lst_rec_remark(lst_rec *b, const char *s, size_t n)
{
    if (!s || !n) return XG_OK;
    if (b->remarks.len && xg_buf_puts(&b->remarks, "; ")) return XG_ENOMEM;
    return xg_buf_append(&b->remarks, s, n);
}

static const char **copy_strings(lst_ctx *ctx, const xg_vec *v, size_t *n_out)
{
    *n_out = v->len;
    if (!v->len) return NULL;
    const char **a = xg_arena_alloc(ctx->arena, v->len * sizeof *a);
    if (a) memcpy(a, v->data, v->len * sizeof *a);
    return a;
}

int lst_rec_commit(lst_ctx *ctx, lst_rec *b)
{
    xg_record *r = &b->r;
    r->aliases = copy_strings(ctx, &b->aliases, &r->naliases);
    r->countries = copy_strings(ctx, &b->countries, &r->ncountries);
    r->addresses = copy_strings(ctx, &b->addresses, &r->naddresses);
    r->programs = copy_strings(ctx, &b->programs, &r->nprograms);
    r->nids = b->ids.len;
    if (r->nids) {
        r->ids = xg_arena_alloc(ctx->arena, r->nids * sizeof *r->ids);
        if (r->ids) memcpy(r->ids, b->ids.data, r->nids * sizeof *r->ids);
    }
    if (b->remarks.len) r->remarks = xg_arena_strndup(ctx->arena, b->remarks.data, b->remarks.len);
    if ((r->naliases && !r->aliases) || (r->ncountries && !r->countries) ||
        (r->naddresses && !r->addresses) || (r->nprograms && !r->programs) ||
        (r->nids && !r->ids) || (b->remarks.len && !r->remarks))
        return XG_ENOMEM;
    if (!xg_vec_push(ctx->records, r)) return XG_ENOMEM;
    ctx->count++;
    return XG_OK;
}

int lst_split(lst_ctx *ctx, lst_rec *b, const char *s, const char *sep, lst_piece_fn fn)
{
    size_t seplen = strlen(sep);
    for (const char *p = s; p && *p;) {
        const char *hit = strstr(p, sep);
        size_t n = hit ? (size_t)(hit - p) : strlen(p);
        int rc = fn(ctx, b, p, n);
        if (rc) return rc;
        p = hit ? hit + seplen : p + n;
    }
    return XG_OK;
}

/* Is [s, s+n) a postal code (digits, spaces, dashes, at least one digit)? */
static bool postal(const char *s, size_t n)
{
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)s[i]))
            digit = true;
        else if (s[i] != ' ' && s[i] != '-')
            return false;
    }
    return digit;
}

static const char *segment_country(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '.'))
        n--;
    /* "China 100071": a postal code after the country */
    size_t k = n;
    while (k && (isdigit((unsigned char)s[k - 1]) || s[k - 1] == '-'))
        k--;
    if (k && k < n && s[k - 1] == ' ') n = k - 1;
    if (!n || n > 120) return NULL;
    char buf[128];
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (n == 2) /* a bare code only in capitals: "AM", never "to" or "de" */
        return isupper((unsigned char)buf[0]) && isupper((unsigned char)buf[1])
                   ? xg_country_code(buf)
                   : NULL;
    if (n == 3 && !(isupper((unsigned char)buf[0]) && isupper((unsigned char)buf[1]))) return NULL;
    return xg_country_code(buf);
}

/* A whole segment that is a country name (not a bare code), scanning from the end. */
static const char *any_segment_country(const char *addr, const char *end)
{
    while (end > addr) {
        const char *seg = end;
        while (seg > addr && seg[-1] != ',')
            seg--;
        const char *s = seg;
        size_t len = (size_t)(end - seg);
        while (len && *s == ' ')
            s++, len--;
        const char *cc = len > 3 ? segment_country(s, len) : NULL;
        if (cc) return cc;
        end = seg > addr ? seg - 1 : addr; /* the comma that ends the segment before */
    }
    return NULL;
}

const char *lst_address_country(const char *addr, size_t n)
{
    /* the last segment, or the one before it when the last is a postal code; failing that, any
     * segment that is a country name ("298310, Republic of Crimea, Kerch, …") */
    const char *end = addr + n;
    for (int tries = 0; tries < 2 && end > addr; tries++) {
        const char *seg = end;
        while (seg > addr && seg[-1] != ',')
            seg--;
        size_t len = (size_t)(end - seg);
        if (!postal(seg, len)) {
            const char *cc = segment_country(seg, len);
            return cc ? cc : any_segment_country(addr, addr + n);
        }
        end = seg > addr ? seg - 1 : addr;
    }
    return any_segment_country(addr, addr + n);
}

int lst_load_csv_rows(lst_ctx *ctx, const char *data, size_t len, void *header,
                      lst_csv_header_fn read_header, lst_csv_row_fn load_row)
{
    xg_csv c;
    xg_csv_init(&c, data, len, ctx->file);
    lst_rec b;
    lst_rec_init(&b);
    int rc = read_header(ctx, &c, header);
    while (!rc) {
        int got = xg_csv_next(&c);
        if (got == 0) break;
        rc = got < 0 ? lst_row_error(ctx, got, c.line) : load_row(ctx, &b, &c, header);
    }
    lst_rec_free(&b);
    xg_csv_free(&c);
    return rc;
}
