/*
 * json_sorted.h — the store's canonical JSON text: json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS)
 * byte for byte, written by hand (issue 11).
 *
 * Every decision stores its request, response and facts in this form and hashes them into the
 * audit chain, so the text must never change: the encoder writes exactly what jansson 2.14 writes
 * for those flags (keys sorted as jansson sorts them, bytes compared; strings escaped as jansson
 * escapes them, uppercase \u00XX; reals as "%.17g" with ".0" added and the exponent trimmed) and
 * hands anything it does not handle to json_dumps itself (a string that is not UTF-8, a real whose
 * text does not fit jansson's buffer, nesting deeper than jansson allows, a value other than an
 * object or an array). It is faster because it writes into one growing buffer with no callback per
 * token and no allocation per object, and sorts a small object's keys in place.
 */
#ifndef XG_STORE_JSON_SORTED_H
#define XG_STORE_JSON_SORTED_H

#include <jansson.h>

#include "xgate/core.h"

/* The text json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) returns (free() it), or NULL exactly when
 * json_dumps returns NULL (not an object or array, not encodable, out of memory). */
char *store_json_sorted(const json_t *j);

/* The same text of j appended to b, j being at `depth` in the value being written (json_dumps
 * fails deeper than 2048; this hands anything deeper than 512 to the caller). 0 when written; 1
 * when j is left to json_dumps (a string that is not UTF-8, a real jansson cannot write, nesting
 * too deep: b then holds part of it, for the caller to discard); -1 out of memory. */
int store_json_sorted_append(xg_buf *b, const json_t *j, int depth);

#endif
