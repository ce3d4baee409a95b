/*
 * xgate/config.h — the service configuration file (/etc/xgate/xgate.conf): `key = value` lines.
 *
 * Format (docs/install.md has the reference with every key):
 *   - one `key = value` per line; spaces around the key, the `=` and the value are ignored;
 *   - a line whose first non-blank character is `#` is a comment; blank lines are ignored;
 *   - keys are known names (xg_config_key_known); `list` and `source` may repeat, every other key
 *     may appear once; a value is never empty and is taken verbatim (no quotes, no escapes);
 *   - the file is UTF-8 text without NUL bytes, at most XG_CONFIG_MAX_BYTES.
 * Each value is checked by type when the file is read (a port list, a store URL, a number in
 * range, a duration, a date, text|json …). Errors are XG_EPARSE with "FILE:LINE: KEY: problem",
 * so the message names the file, the line and the key. The library only reads the file: which
 * keys a command uses, and how command-line flags override them, is the command's business.
 */
#ifndef XGATE_CONFIG_H
#define XGATE_CONFIG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

#define XG_CONFIG_MAX_BYTES (1 << 20)

typedef struct xg_config xg_config;

/* Parse `len` bytes of configuration text; `name` (e.g. the file path) prefixes error messages.
 * *out is released with xg_config_free. XG_EPARSE (file, line, key, problem), XG_ETOOBIG,
 * XG_ENOMEM. */
int xg_config_parse(xg_config **out, const char *text, size_t len, const char *name);

/* Read and parse the file at `path` (XG_EIO when it cannot be read). */
int xg_config_load(xg_config **out, const char *path);

/* The value of a single-valued key, or NULL when the file does not set it. For a repeatable key,
 * the last value. */
const char *xg_config_get(const xg_config *c, const char *key);

/* How many times `key` is set, and its i-th value (in file order) or NULL. */
size_t xg_config_count(const xg_config *c, const char *key);
const char *xg_config_value(const xg_config *c, const char *key, size_t i);

/* The line on which the i-th value of `key` was set (1-based), or 0. */
int xg_config_line(const xg_config *c, const char *key, size_t i);

/* The file name given to xg_config_parse / xg_config_load. */
const char *xg_config_name(const xg_config *c);

/* Every setting in file order: the i-th key, value and line (i < xg_config_size). */
size_t xg_config_size(const xg_config *c);
int xg_config_entry(const xg_config *c, size_t i, const char **key, const char **value, int *line);

/* True when `key` is a key the file may set. */
int xg_config_key_known(const char *key);

/* A duration value: a whole number with a unit s, m, h or d ("90s", "15m", "6h", "1d"), or "0" /
 * "off" for none. *seconds gets the total; XG_EINVAL when malformed or above 365 days. */
int xg_config_duration(const char *value, long *seconds);

/* A boolean value: on/off, yes/no, true/false, 1/0. XG_EINVAL otherwise. */
int xg_config_bool(const char *value, int *out);

void xg_config_free(xg_config *c);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
