/*
 * xgate/core.h — small building blocks with no domain words: arenas, growable strings and arrays,
 * whole-file reading, data-directory lookup, dates, UTF-8 validation. Public: the command line, the
 * server and library users build on them; the library's own internal helpers are in
 * src/core/core.h.
 *
 * Memory: an arena owns every block allocated from it; xg_arena_free releases them all at once.
 * Per-request work allocates from an arena and frees it at the end; loaded snapshots keep one
 * arena for their lifetime.
 */
#ifndef XGATE_CORE_H
#define XGATE_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

/* ---- arena ---- */
typedef struct xg_arena_block xg_arena_block;
typedef struct xg_arena {
    xg_arena_block *head;
    size_t block_size; /* default size of a new block */
    size_t used_total; /* bytes handed out, for memory reports */
} xg_arena;

void xg_arena_init(xg_arena *a, size_t block_size);
void xg_arena_free(xg_arena *a);
/* Forget every allocation but keep the memory for the next ones (one block as large as all the
 * blocks together, up to 4 MB), so that a scratch arena reused per request mallocs nothing once
 * warm. */
void xg_arena_reset(xg_arena *a);
/* 16-byte aligned, zeroed memory; NULL only when the system is out of memory. */
void *xg_arena_alloc(xg_arena *a, size_t n);
/* As xg_arena_alloc, but the contents are undefined (not zeroed): for memory the caller writes in
 * full before reading any of it, where zeroing would be wasted work. */
void *xg_arena_alloc_uninit(xg_arena *a, size_t n);
char *xg_arena_strdup(xg_arena *a, const char *s);
char *xg_arena_strndup(xg_arena *a, const char *s, size_t n);
char *xg_arena_printf(xg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- growable string (heap) ---- */
typedef struct xg_buf {
    char *data; /* always NUL-terminated when cap > 0 */
    size_t len, cap;
} xg_buf;

void xg_buf_init(xg_buf *b);
void xg_buf_free(xg_buf *b);
void xg_buf_reset(xg_buf *b);
int xg_buf_reserve(xg_buf *b, size_t extra);
int xg_buf_append(xg_buf *b, const char *s, size_t n);
int xg_buf_puts(xg_buf *b, const char *s);
int xg_buf_putc(xg_buf *b, char c);
int xg_buf_printf(xg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the string over to the caller (free() it); the buffer is left empty. */
char *xg_buf_steal(xg_buf *b);
/* s[0..n) appended as a JSON string, byte for byte as jansson's json_dumps writes it without
 * JSON_ENSURE_ASCII or JSON_ESCAPE_SLASH ('"', '\\' and control characters escaped, uppercase
 * \u00XX). 0; -1 out of memory; -2 when s is not UTF-8 (jansson refuses to encode it), b then
 * holding a partial string for the caller to discard. */
int xg_buf_json_string(xg_buf *b, const char *s, size_t n);
/* v appended as a JSON real, as jansson's jsonp_dtostr writes it: "%.<precision>g" with a '.'
 * whatever the locale, ".0" after a whole number, the exponent without '+' or leading zeros.
 * width: the text buffer's size (jansson's is 25), NUL included. 0; -1 out of memory; -2 when the
 * text does not fit in width (jansson fails then). */
int xg_buf_json_real(xg_buf *b, double v, int precision, size_t width);
/* v appended as a JSON integer ("%lld", as jansson writes one). 0, or -1 out of memory. */
int xg_buf_json_int(xg_buf *b, long long v);

/* ---- growable array of fixed-size elements (heap) ---- */
typedef struct xg_vec {
    void *data;
    size_t len, cap, elem;
} xg_vec;

void xg_vec_init(xg_vec *v, size_t elem_size);
void xg_vec_free(xg_vec *v);
/* Append one element (copied from `elem`); returns a pointer to the stored copy or NULL on ENOMEM.
 */
void *xg_vec_push(xg_vec *v, const void *elem);
#define XG_VEC_AT(v, type, i) (((type *)(v)->data)[i])

/* ---- files ---- */
/* Read a whole file into a NUL-terminated heap buffer; *len_out gets its length. XG_EIO with the
 * path and errno text on failure; XG_ETOOBIG over max_bytes (0 = no limit). */
int xg_file_read(char **out, size_t *len_out, const char *path, size_t max_bytes);

/* ---- bundled data ---- */
/* The directory holding xgate's bundled data: $XGATE_DATA, else `data/` beside the running binary
 * or its parent (build/xgate → ./data), else ../share/xgate/data beside the binary, else the
 * PREFIX/share/xgate/data compiled in by `make install` (XG_DATADIR), else ./data.
 * Returns a static string. */
const char *xg_data_dir(void);
/* Join the data directory and a relative path into a heap string (free() it). */
char *xg_data_path(const char *relative);

/* ---- dates ---- */
/* Today's date in UTC as YYYY-MM-DD (written into out[11]). */
void xg_date_today(char out[11]);
/* True when s is a valid ISO date YYYY-MM-DD. */
bool xg_date_valid(const char *s);

/* ---- clocks ---- */
/* Seconds on the monotonic clock (CLOCK_MONOTONIC): for durations, never for dates. */
double xg_clock_seconds(void);

/* ---- UTF-8 ---- */
/* True when [s, s+n) is valid UTF-8 (no overlongs, no surrogates). */
bool xg_utf8_valid(const char *s, size_t n);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
