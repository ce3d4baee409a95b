/*
 * csv.c — RFC 4180 reader (see csv.h for what it accepts beyond the RFC and why).
 *
 * One pass over the buffer; field texts are copied into one growable string with a NUL after
 * each, so a record costs a handful of allocations however many fields it has. A field over the
 * limit stops growing the copy but is still scanned to its end, so a huge field can neither
 * exhaust memory nor desynchronise the records after it.
 */
#include "xgate/csv.h"

#include <string.h>

#include "xgate/error.h"

void xg_csv_init(xg_csv *c, const char *data, size_t len, const char *name)
{
    memset(c, 0, sizeof *c);
    c->name = name ? name : "<csv>";
    c->max_field = XG_CSV_MAX_FIELD_DEFAULT;
    c->max_fields = XG_CSV_MAX_FIELDS_DEFAULT;
    c->check_utf8 = true;
    c->sep = ',';
    c->p = data;
    c->end = data + len;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) c->p += 3;
    c->next_line = 1;
    xg_buf_init(&c->text);
    xg_vec_init(&c->offs, sizeof(size_t));
    xg_vec_init(&c->lens, sizeof(size_t));
    xg_vec_init(&c->ptrs, sizeof(char *));
}

void xg_csv_free(xg_csv *c)
{
    xg_buf_free(&c->text);
    xg_vec_free(&c->offs);
    xg_vec_free(&c->lens);
    xg_vec_free(&c->ptrs);
}

bool xg_csv_at_end(const xg_csv *c)
{
    for (const char *q = c->p; q < c->end; q++)
        if (*q != 0x1A && *q != '\r' && *q != '\n' && *q != ' ' && *q != '\t') return false;
    return true;
}

int xg_csv_find(const xg_csv *c, const char *name)
{
    for (size_t i = 0; i < c->nfields; i++)
        if (!strcmp(c->field[i], name)) return (int)i;
    return -1;
}

/* Skip to the start of the next physical line, so that reading resumes after a bad record. */
static void resync(xg_csv *c)
{
    while (c->p < c->end && *c->p != '\n')
        c->p++;
    if (c->p < c->end) {
        c->p++;
        c->next_line++;
    }
}

/* Append, but never past the field limit; *over records that the limit was hit. */
static int append_capped(xg_csv *c, size_t field_start, const char *s, size_t n, bool *over)
{
    size_t have = c->text.len - field_start;
    if (have + n > c->max_field) {
        *over = true;
        n = have < c->max_field ? c->max_field - have : 0;
    }
    return n ? xg_buf_append(&c->text, s, n) : XG_OK;
}

/* A quoted field, c->p on the opening quote. Returns 0, or an error after which the caller must
 * not resync (the reader is already placed). */
static int read_quoted(xg_csv *c, size_t start, bool *over)
{
    long opened = c->next_line;
    c->p++;
    for (;;) {
        const char *run = c->p;
        while (c->p < c->end && *c->p != '"') {
            if (*c->p == '\n') c->next_line++;
            c->p++;
        }
        if (append_capped(c, start, run, (size_t)(c->p - run), over)) return XG_ENOMEM;
        if (c->p >= c->end)
            return xg_error_set(XG_EPARSE,
                                "%s:%ld: quoted field opened on this line is never closed", c->name,
                                opened);
        if (c->p + 1 < c->end && c->p[1] == '"') {
            if (append_capped(c, start, "\"", 1, over)) return XG_ENOMEM;
            c->p += 2;
            continue;
        }
        c->p++;
        break;
    }
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
    if (c->p < c->end && *c->p != c->sep && *c->p != '\r' && *c->p != '\n' &&
        !(*c->p == 0x1A && c->p + 1 == c->end)) {
        int rc = xg_error_set(XG_EPARSE, "%s:%ld: text after the closing quote of field %zu",
                              c->name, c->next_line, c->offs.len + 1);
        resync(c);
        return rc;
    }
    return XG_OK;
}

static void read_unquoted(xg_csv *c, size_t start, bool *over, int *rc)
{
    const char *run = c->p;
    while (c->p < c->end && *c->p != c->sep && *c->p != '\n' && *c->p != '\r')
        c->p++;
    const char *stop = c->p;
    /* a DOS end-of-file byte glued to the last field is not data */
    if (c->p == c->end && stop > run && stop[-1] == 0x1A) stop--;
    if (append_capped(c, start, run, (size_t)(stop - run), over)) *rc = XG_ENOMEM;
}

/* Consume the line end after a record: CRLF, LF or a lone CR. */
static void end_record(xg_csv *c)
{
    if (c->p < c->end && *c->p == '\r') c->p++;
    if (c->p < c->end && *c->p == '\n') c->p++;
    c->next_line++;
}

static int finish_record(xg_csv *c)
{
    c->nfields = c->offs.len;
    c->ptrs.len = 0;
    for (size_t i = 0; i < c->nfields; i++) {
        char *f = c->text.data + XG_VEC_AT(&c->offs, size_t, i);
        if (!xg_vec_push(&c->ptrs, &f)) return XG_ENOMEM;
    }
    c->field = c->ptrs.data;
    c->len = c->lens.data;
    if (c->check_utf8)
        for (size_t i = 0; i < c->nfields; i++)
            if (!xg_utf8_valid(c->field[i], c->len[i]))
                return xg_error_set(XG_EUTF8, "%s:%ld: invalid UTF-8 in field %zu", c->name,
                                    c->line, i + 1);
    return 1;
}

static void skip_blank_lines(xg_csv *c)
{
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n' || c->p + 1 >= c->end || c->p[1] != '\n') c->next_line++;
        c->p++;
    }
}

int xg_csv_next(xg_csv *c)
{
    c->nfields = 0;
    skip_blank_lines(c);
    if (xg_csv_at_end(c)) {
        c->p = c->end;
        return 0;
    }
    c->line = c->next_line;
    xg_buf_reset(&c->text);
    if (xg_buf_reserve(&c->text, 256)) return XG_ENOMEM;
    c->offs.len = c->lens.len = 0;
    bool over = false;
    int rc = XG_OK;
    for (;;) {
        size_t start = c->text.len;
        if (c->p < c->end && *c->p == '"') {
            rc = read_quoted(c, start, &over);
            if (rc) return rc;
        } else {
            read_unquoted(c, start, &over, &rc);
            if (rc) return rc;
        }
        size_t flen = c->text.len - start;
        if (xg_buf_putc(&c->text, '\0') || !xg_vec_push(&c->offs, &start) ||
            !xg_vec_push(&c->lens, &flen))
            return XG_ENOMEM;
        if (over) {
            rc = xg_error_set(XG_ETOOBIG, "%s:%ld: field %zu is longer than %zu bytes", c->name,
                              c->line, c->offs.len, c->max_field);
            over = false;
        }
        if (!rc && c->offs.len > c->max_fields)
            rc = xg_error_set(XG_ETOOBIG, "%s:%ld: more than %zu fields", c->name, c->line,
                              c->max_fields);
        if (c->p < c->end && *c->p == c->sep) {
            c->p++;
            continue;
        }
        end_record(c);
        break;
    }
    return rc ? rc : finish_record(c);
}
