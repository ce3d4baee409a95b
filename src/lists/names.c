/*
 * names.c — a plain name list: one name per line, as published (no CSV quoting is undone, since a
 * name list is not CSV: a stray quote is part of the line).
 *
 * Blank lines are skipped, and so are comments: lines whose first non-blank character is '#'
 * followed by a blank, another '#' or the end of the line. A '#' glued to a word is a name ("#66
 * DIVISION" is on the CSL), so it is kept. Each record gets id basename:line, the basename as its
 * source, code NAMES and type unknown (a bare name does not say what it names).
 */
#include <string.h>

#include "xgate/csv.h"
#include "lists/lists_internal.h"
#include "xgate/error.h"

static bool is_comment(const char *s, size_t n)
{
    return n && s[0] == '#' && (n == 1 || s[1] == ' ' || s[1] == '\t' || s[1] == '#');
}

static int load_line(lst_ctx *ctx, lst_rec *b, const char *s, size_t n, long line,
                     const char *source, const char *basename)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == 0x1A))
        n--;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    if (!n || is_comment(s, n)) return XG_OK;
    if (n > XG_CSV_MAX_FIELD_DEFAULT)
        return lst_row_problem(ctx, XG_ETOOBIG, line, "name longer than %d bytes",
                               XG_CSV_MAX_FIELD_DEFAULT);
    if (!xg_utf8_valid(s, n)) return lst_row_problem(ctx, XG_EUTF8, line, "invalid UTF-8");
    lst_rec_reset(b, ctx, line);
    b->r.id = xg_arena_printf(ctx->arena, "%s:%ld", basename, line);
    b->r.source = source;
    b->r.source_code = "NAMES";
    b->r.type = XG_PARTY_UNKNOWN;
    b->r.name = lst_str(ctx, s, n);
    if (!b->r.id || !b->r.name) return XG_ENOMEM;
    return lst_rec_commit(ctx, b);
}

int lst_load_names(lst_ctx *ctx, const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    const char *slash = strrchr(ctx->file, '/');
    const char *basename = slash ? slash + 1 : ctx->file;
    const char *source = xg_arena_strdup(ctx->arena, basename);
    if (!source) return XG_ENOMEM;
    lst_rec b;
    lst_rec_init(&b);
    int rc = XG_OK;
    for (long line = 1; p < end && !rc; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(stop - p)))
            rc = lst_row_problem(ctx, XG_EPARSE, line, "NUL byte in a name");
        else
            rc = load_line(ctx, &b, p, (size_t)(stop - p), line, source, basename);
        p = nl ? nl + 1 : end;
    }
    lst_rec_free(&b);
    return rc;
}
