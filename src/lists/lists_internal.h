/*
 * lists_internal.h — what the list loaders share: a load context (the set being built, the file
 * being read, strict or lenient), a record builder that owns the per-record scratch arrays, and
 * small text helpers. Every loader works on a buffer in memory, so fuzz targets and tests can feed
 * bytes directly (lst_load_buffer) without files.
 */
#ifndef XG_LISTS_INTERNAL_H
#define XG_LISTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"
#include "xgate/lists.h"

/* What a loader writes into. Strings are copied into `arena`, records pushed onto `records`. */
typedef struct lst_ctx {
    xg_arena *arena;
    xg_vec *records;  /* xg_record */
    xg_vec *skipped;  /* xg_skipped_row */
    const char *file; /* arena copy of the path being read */
    int flags;        /* XG_LOAD_* */
    size_t count;     /* records this file added */
    const char *note; /* optional remark on the file for `lists info` (arena string) */
    bool ofac_cons;   /* the SDN-layout loader reads OFAC's non-SDN cons_prim/alt/add.csv */
} lst_ctx;

/* A problem with one row: in lenient mode it is recorded and 0 is returned (skip the row and go
 * on); otherwise the error is set ("file:line: problem") and `code` returned. */
int lst_row_problem(lst_ctx *ctx, int code, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same for an error whose message is already set (e.g. by the CSV reader). */
int lst_row_error(lst_ctx *ctx, int code, long line);

/* ---- record builder ---- */
typedef struct lst_rec {
    xg_record r;
    xg_vec aliases, countries, ids, addresses, programs;
    xg_buf remarks;
} lst_rec;

void lst_rec_init(lst_rec *b);
void lst_rec_free(lst_rec *b);
/* Start a new record in file ctx->file at `line`; every field is empty. */
void lst_rec_reset(lst_rec *b, lst_ctx *ctx, long line);
/* Setters copy [s, s+n) trimmed into the arena; empty text is ignored. n = (size_t)-1 means
 * strlen. They return 0 or XG_ENOMEM. */
const char *lst_str(lst_ctx *ctx, const char *s, size_t n);
int lst_rec_alias(lst_ctx *ctx, lst_rec *b, const char *s, size_t n);
int lst_rec_country(lst_ctx *ctx, lst_rec *b, const char *iso2);
/* Country by name or code via xg_country_code; unknown names are ignored. */
int lst_rec_country_name(lst_ctx *ctx, lst_rec *b, const char *s, size_t n);
int lst_rec_address(lst_ctx *ctx, lst_rec *b, const char *s, size_t n);
int lst_rec_program(lst_ctx *ctx, lst_rec *b, const char *s, size_t n);
/* An identifier with its type as published ("Passport", "Tax ID/INN"); the type is mapped to a
 * scheme through data/lists/id_schemes.tsv (types marked "-" are dropped). */
int lst_rec_ident(lst_ctx *ctx, lst_rec *b, const char *type, const char *value,
                  const char *country);
int lst_rec_remark(lst_rec *b, const char *s, size_t n);
/* Copy the scratch arrays into the arena and push the record. The record must have an id and a
 * name (checked by the caller). */
int lst_rec_commit(lst_ctx *ctx, lst_rec *b);

/* ---- shared text helpers ---- */
/* Split s at every `sep` (e.g. "; "), calling fn on each trimmed non-empty piece. */
typedef int (*lst_piece_fn)(lst_ctx *ctx, lst_rec *b, const char *s, size_t n);
int lst_split(lst_ctx *ctx, lst_rec *b, const char *s, const char *sep, lst_piece_fn fn);
/* The last ", "-separated part of an address that names a country, as ISO-2, or NULL. */
const char *lst_address_country(const char *addr, size_t n);
/* Source code for a source name: "(EL)" in the name, else data/lists/source_codes.tsv, else the
 * initials of its words. Arena string. */
const char *lst_source_code(lst_ctx *ctx, const char *source);
/* Source list of an OFAC non-SDN (cons_prim.csv) entry from its programs, through
 * data/lists/ofac_cons_programs.tsv. Static string. */
const char *lst_cons_source(const char *const *programs, size_t nprograms);
/* Scheme for a published identifier type; NULL when the type is not an identifier ("-"). */
const char *lst_id_scheme(lst_ctx *ctx, const char *type);
/* True when `scheme` is one of data/lists/id_schemes.tsv's schemes (USCC, PASSPORT …). */
bool lst_id_scheme_known(const char *scheme);
/* Pull the identifiers OFAC writes into remarks ("Passport 123 (Iran)") into b. */
int lst_remark_idents(lst_ctx *ctx, lst_rec *b, const char *remarks);
/* ASCII-case-insensitive prefix test. */
bool lst_prefix(const char *s, const char *prefix);
/* True for a valid 18-character Chinese Unified Social Credit Code (check digit verified). */
bool lst_is_uscc(const char *s, size_t n);

/* ---- loaders (each over one buffer) ---- */
/* The row loop both CSV formats share: read the header into `header`, then hand each row to
 * `row` with one reusable record builder; a malformed row is an error (or a skip when lenient). */
struct xg_csv;
typedef int (*lst_csv_header_fn)(lst_ctx *ctx, struct xg_csv *c, void *header);
typedef int (*lst_csv_row_fn)(lst_ctx *ctx, lst_rec *b, const struct xg_csv *c, void *header);
int lst_load_csv_rows(lst_ctx *ctx, const char *data, size_t len, void *header,
                      lst_csv_header_fn read_header, lst_csv_row_fn load_row);
int lst_load_csl(lst_ctx *ctx, const char *data, size_t len);
int lst_load_csl_json(lst_ctx *ctx, const char *data, size_t len);
int lst_load_xgate_csv(lst_ctx *ctx, const char *data, size_t len);
int lst_load_names(lst_ctx *ctx, const char *data, size_t len);
int lst_load_un_xml(lst_ctx *ctx, const char *data, size_t len);
/* alt/add may be NULL (absent beside sdn.csv); their names are for messages. */
int lst_load_sdn(lst_ctx *ctx, const char *sdn, size_t sdn_len, const char *alt_name,
                 const char *alt, size_t alt_len, const char *add_name, const char *add,
                 size_t add_len);

/* OFAC remarks into b: the nationalities and citizenships, the identifiers, the remark itself. */
int lst_sdn_remarks(lst_ctx *ctx, lst_rec *b, const char *remarks);
/* OFAC's SDN.XML (sdnList of sdnEntry). */
int lst_load_sdn_xml(lst_ctx *ctx, const char *data, size_t len);

/* The sdn.csv (or SDN.CSV), else OFAC's non-SDN cons_prim.csv (CONS_PRIM.CSV), inside a
 * directory: heap path, or NULL when there is none. */
char *lst_dir_sdn_path(const char *dir);
/* Read at most `max` bytes from the start of a file (heap, NUL-terminated). */
int lst_read_head(char **out, size_t *len, const char *path, size_t max);

/* Format of a buffer (see xg_lists_detect), or NULL with the error set. */
const char *lst_detect_buffer(const char *data, size_t len, const char *name);

/* Load one buffer into a new set, for fuzzing and tests. `format` is a format name, NULL to detect
 * it from content, or "ofac_sdn_triple" for sdn.csv, alt.csv and add.csv concatenated as published
 * (each part ends with 0x1A), "ofac_cons_triple" for cons_prim.csv, cons_alt.csv and cons_add.csv
 * the same way. */
int lst_load_buffer(xg_listset **out, const char *name, const char *format, const char *data,
                    size_t len, int flags);

#endif
