/*
 * xgate/csv.h — an RFC 4180 CSV reader over a buffer already in memory.
 *
 * Real files are messier than the RFC, so the reader also accepts what publishers actually ship:
 * a UTF-8 byte-order mark, LF or CRLF line ends, a DOS end-of-file byte (0x1A) at the end, quoted
 * fields with doubled quotes and embedded newlines, and blank lines (skipped). It is strict where
 * silence would lose data: an unterminated quote, text after a closing quote, a field over the
 * size limit or invalid UTF-8 is an error naming the line. After an error the reader has already
 * moved to the next line, so a lenient caller can report the row and carry on.
 *
 * Fields point into the reader's own storage and stay valid until the next xg_csv_next() call.
 */
#ifndef XGATE_CSV_H
#define XGATE_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "xgate/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

enum {
    XG_CSV_MAX_FIELD_DEFAULT = 64 * 1024, /* bytes per field */
    XG_CSV_MAX_FIELDS_DEFAULT = 4096      /* fields per record */
};

typedef struct xg_csv {
    /* configuration (set after xg_csv_init, before the first read) */
    const char *name;  /* used in error messages, e.g. the file path */
    size_t max_field;  /* bytes per field */
    size_t max_fields; /* fields per record */
    bool check_utf8;   /* validate every record as UTF-8 (default true) */
    char sep;          /* field separator (default ',') */

    /* the current record, after xg_csv_next() returned 1 */
    size_t nfields;
    char **field; /* NUL-terminated field texts */
    size_t *len;  /* their lengths */
    long line;    /* line on which the record starts (1-based) */

    /* private */
    const char *p, *end;
    long next_line;
    xg_buf text;
    xg_vec offs, lens, ptrs;
} xg_csv;

/* Prepare to read [data, data+len). The buffer must outlive the reader. A leading BOM is skipped.
 */
void xg_csv_init(xg_csv *c, const char *data, size_t len, const char *name);

/* Read the next record. Returns 1 with the record in c->field, 0 at the end of the data, or a
 * negative XG_E* code (XG_EPARSE, XG_ETOOBIG, XG_EUTF8, XG_ENOMEM) with a message
 * "name:line: problem"; c->line is then the line of the bad record and the next call continues
 * with the following line. */
int xg_csv_next(xg_csv *c);

/* Index of the field equal to `name` in the current record (e.g. a header), or -1. */
int xg_csv_find(const xg_csv *c, const char *name);

/* True when every byte left is end-of-file noise (0x1A, blanks, line ends). */
bool xg_csv_at_end(const xg_csv *c);

void xg_csv_free(xg_csv *c);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
