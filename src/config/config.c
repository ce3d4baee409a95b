/*
 * config.c — the `key = value` configuration file of the service (xgate/config.h).
 *
 * The file is read whole, split into lines, and every setting is checked against the table of
 * known keys below as it is read, so that the first bad line is reported with its number and key
 * and a file that loads is one the service can use. Values are copied into one heap block per
 * entry; the table is tiny, so lookups are linear scans.
 */
#include "xgate/config.h"
#include "core/core.h"
#include "xgate/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    T_LISTEN,   /* civetweb listening ports: [ADDR:]PORT[s|r] , … */
    T_STORE,    /* sqlite:PATH or postgres[ql]://… */
    T_PATH,     /* a file or directory name */
    T_TEXT,     /* any non-empty text */
    T_NAME,     /* [a-z0-9_-]+ */
    T_DATE,     /* YYYY-MM-DD */
    T_INT,      /* whole number in [min, max] */
    T_NUMBER,   /* decimal number in [min, max] */
    T_DURATION, /* 15m, 6h, 1d, off */
    T_URL,      /* http:// or https:// */
    T_FORMAT,   /* text | json */
    T_BOOL      /* on/off … */
} key_type;

struct key_spec {
    const char *name;
    key_type type;
    bool repeat;
    double min, max;
};

/* Every key the file may set. The service reads most of them (cmd_serve); `source`, `refresh`
 * and `webhook` are read and checked here for the features that use them (docs/install.md). */
static const struct key_spec keys[] = {
    {"listen", T_LISTEN, false, 0, 0},    {"db", T_STORE, false, 0, 0},
    {"list", T_PATH, true, 0, 0},         {"source", T_TEXT, true, 0, 0},
    {"refresh", T_DURATION, false, 0, 0}, {"policy", T_NAME, false, 0, 0},
    {"as_of", T_DATE, false, 0, 0},       {"web", T_PATH, false, 0, 0},
    {"threads", T_INT, false, 1, 4096},   {"rate", T_NUMBER, false, -1, 1e9},
    {"burst", T_NUMBER, false, 1, 1e9},   {"max_body", T_INT, false, 1, 1 << 30},
    {"webhook", T_URL, false, 0, 0},      {"log_format", T_FORMAT, false, 0, 0},
    {"access_log", T_BOOL, false, 0, 0},  {"sources", T_PATH, false, 0, 0},
    {"data_dir", T_PATH, false, 0, 0},    {"read_connections", T_INT, false, 0, 256},
};

struct entry {
    char *key, *value;
    int line;
};

struct xg_config {
    char *name;
    struct entry *e;
    size_t n, cap;
};

static const struct key_spec *find_key(const char *k)
{
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(keys[i].name, k)) return &keys[i];
    return NULL;
}

int xg_config_key_known(const char *key)
{
    return key && find_key(key) != NULL;
}

int xg_config_duration(const char *v, long *seconds)
{
    if (!strcmp(v, "off") || !strcmp(v, "0")) {
        *seconds = 0;
        return XG_OK;
    }
    if (!isdigit((unsigned char)v[0])) return XG_EINVAL;
    errno = 0;
    char *end;
    long n = strtol(v, &end, 10);
    if (errno || end[0] == '\0' || end[1] != '\0') return XG_EINVAL;
    long unit = end[0] == 's'   ? 1
                : end[0] == 'm' ? 60
                : end[0] == 'h' ? 3600
                : end[0] == 'd' ? 86400
                                : 0;
    if (!unit || n > 365L * 86400 / unit) return XG_EINVAL;
    *seconds = n * unit;
    return XG_OK;
}

int xg_config_bool(const char *v, int *out)
{
    static const char *yes[] = {"on", "yes", "true", "1"}, *no[] = {"off", "no", "false", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcmp(v, yes[i])) return *out = 1, XG_OK;
        if (!strcmp(v, no[i])) return *out = 0, XG_OK;
    }
    return XG_EINVAL;
}

/* One port item of a civetweb listening_ports value: [ADDR:]PORT with an optional s or r. */
static const char *check_port_item(const char *s, size_t len)
{
    if (len && (s[len - 1] == 's' || s[len - 1] == 'r')) len--;
    size_t colon = len;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ':') colon = i;
    const char *port = colon < len ? s + colon + 1 : s;
    size_t plen = colon < len ? len - colon - 1 : len;
    if (colon == 0) return "an address before ':' is missing";
    if (plen == 0 || plen > 5) return "expected [ADDR:]PORT, e.g. 127.0.0.1:8080";
    long p = 0;
    for (size_t i = 0; i < plen; i++) {
        if (!isdigit((unsigned char)port[i])) return "expected [ADDR:]PORT, e.g. 127.0.0.1:8080";
        p = p * 10 + (port[i] - '0');
    }
    if (p > 65535) return "port above 65535";
    for (size_t i = 0; i < colon && colon < len; i++)
        if (isspace((unsigned char)s[i])) return "space in the address";
    return NULL;
}

/* NULL when the value suits the key, else what is wrong with it. */
static const char *check_value(const struct key_spec *k, const char *v)
{
    switch (k->type) {
    case T_LISTEN:
        for (const char *p = v;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            const char *why = check_port_item(p, len);
            if (why) return why;
            if (!comma) return NULL;
            p = comma + 1;
        }
    case T_STORE:
        if (!strncmp(v, "sqlite:", 7)) return v[7] ? NULL : "sqlite: needs a path (sqlite:PATH)";
        if (!strncmp(v, "postgres://", 11) || !strncmp(v, "postgresql://", 13)) return NULL;
        return "expected sqlite:PATH or postgresql://…";
    case T_PATH:
    case T_TEXT:
        return NULL;
    case T_NAME:
        for (const char *p = v; *p; p++)
            if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' &&
                *p != '_')
                return "expected a name of a-z, 0-9, '-' and '_'";
        return NULL;
    case T_DATE:
        return xg_date_valid(v) ? NULL : "expected a date YYYY-MM-DD";
    case T_INT:
    case T_NUMBER: {
        errno = 0;
        char *end;
        double d = strtod(v, &end);
        if (errno || *end || end == v || d != d) return "expected a number";
        if (k->type == T_INT && d != (double)(long)d) return "expected a whole number";
        if (d < k->min || d > k->max)
            return k->min < 0 ? "out of range (-1 to 1e9)" : "out of range";
        return NULL;
    }
    case T_DURATION: {
        long s;
        return xg_config_duration(v, &s) ? "expected a duration like 90s, 15m, 6h, 1d, or off"
                                         : NULL;
    }
    case T_URL:
        if ((!strncmp(v, "https://", 8) && v[8]) || (!strncmp(v, "http://", 7) && v[7]))
            return NULL;
        return "expected an http:// or https:// URL";
    case T_FORMAT:
        return !strcmp(v, "text") || !strcmp(v, "json") ? NULL : "expected text or json";
    case T_BOOL: {
        int b;
        return xg_config_bool(v, &b) ? "expected on or off" : NULL;
    }
    }
    return "unknown type";
}

void xg_config_free(xg_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].key);
        free(c->e[i].value);
    }
    free(c->e);
    free(c->name);
    free(c);
}

static char *dup_range(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int add_entry(xg_config *c, const char *k, size_t klen, const char *v, size_t vlen, int line)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct entry *e = realloc(c->e, cap * sizeof *e);
        if (!e) return XG_ENOMEM;
        c->e = e;
        c->cap = cap;
    }
    struct entry *e = &c->e[c->n];
    e->key = dup_range(k, klen);
    e->value = dup_range(v, vlen);
    e->line = line;
    if (!e->key || !e->value) {
        free(e->key);
        free(e->value);
        return XG_ENOMEM;
    }
    c->n++;
    return XG_OK;
}

/* Check and store one non-comment line (without its newline). */
static int parse_line(xg_config *c, const char *s, size_t len, int line)
{
    const char *name = c->name;
    const char *eq = memchr(s, '=', len);
    size_t klen = eq ? (size_t)(eq - s) : len;
    if (!eq) /* `policy ear`: the first word is the key that lacks its `=` */
        for (size_t i = 0; i < klen; i++)
            if (isspace((unsigned char)s[i])) klen = i;
    while (klen && isspace((unsigned char)s[klen - 1]))
        klen--;
    char key[40];
    snprintf(key, sizeof key, "%.*s", (int)(klen < 32 ? klen : 32), s);
    for (size_t i = 0; i < klen; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_')
            return xg_error_set(XG_EPARSE, "%s:%d: expected `key = value` (a key is a-z, 0-9, _)",
                                name, line);
    if (klen == 0) return xg_error_set(XG_EPARSE, "%s:%d: expected `key = value`", name, line);
    const struct key_spec *k = klen <= 32 ? find_key(key) : NULL;
    if (!k) return xg_error_set(XG_EPARSE, "%s:%d: %s: unknown key", name, line, key);
    if (!eq)
        return xg_error_set(XG_EPARSE, "%s:%d: %s: expected `%s = value`", name, line, key, key);
    const char *v = eq + 1, *end = s + len;
    while (v < end && isspace((unsigned char)*v))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    if (v == end) return xg_error_set(XG_EPARSE, "%s:%d: %s: needs a value", name, line, key);
    if (!k->repeat)
        for (size_t i = 0; i < c->n; i++)
            if (!strcmp(c->e[i].key, key))
                return xg_error_set(XG_EPARSE, "%s:%d: %s: set twice (first on line %d)", name,
                                    line, key, c->e[i].line);
    int rc = add_entry(c, key, strlen(key), v, (size_t)(end - v), line);
    if (rc) return xg_error_set(rc, "out of memory");
    const char *why = check_value(k, c->e[c->n - 1].value);
    if (why) {
        int r = xg_error_set(XG_EPARSE, "%s:%d: %s: %s (got '%.80s')", name, line, key, why,
                             c->e[c->n - 1].value);
        c->n--;
        free(c->e[c->n].key);
        free(c->e[c->n].value);
        return r;
    }
    return XG_OK;
}

int xg_config_parse(xg_config **out, const char *text, size_t len, const char *name)
{
    if (!out || (!text && len)) return xg_error_set(XG_EINVAL, "config: no text");
    if (!name) name = "config";
    if (len > XG_CONFIG_MAX_BYTES)
        return xg_error_set(XG_ETOOBIG, "%s: larger than %d bytes", name, XG_CONFIG_MAX_BYTES);
    xg_config *c = calloc(1, sizeof *c);
    if (!c || !(c->name = strdup(name))) {
        free(c);
        return xg_error_set(XG_ENOMEM, "out of memory");
    }
    int line = 0, rc = XG_OK;
    for (size_t pos = 0; pos < len && rc == XG_OK;) {
        line++;
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (memchr(s, '\0', n)) {
            rc = xg_error_set(XG_EPARSE, "%s:%d: a NUL byte (not a text file?)", name, line);
            break;
        }
        if (!xg_utf8_valid(s, n)) {
            rc = xg_error_set(XG_EPARSE, "%s:%d: invalid UTF-8", name, line);
            break;
        }
        while (n && isspace((unsigned char)*s))
            s++, n--;
        if (n == 0 || *s == '#') continue;
        rc = parse_line(c, s, n, line);
    }
    if (rc) {
        xg_config_free(c);
        return rc;
    }
    *out = c;
    return XG_OK;
}

int xg_config_load(xg_config **out, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = xg_file_read(&text, &len, path, XG_CONFIG_MAX_BYTES);
    if (rc) return rc;
    rc = xg_config_parse(out, text, len, path);
    free(text);
    return rc;
}

const char *xg_config_value(const xg_config *c, const char *key, size_t i)
{
    for (size_t j = 0; c && j < c->n; j++)
        if (!strcmp(c->e[j].key, key) && i-- == 0) return c->e[j].value;
    return NULL;
}

int xg_config_line(const xg_config *c, const char *key, size_t i)
{
    for (size_t j = 0; c && j < c->n; j++)
        if (!strcmp(c->e[j].key, key) && i-- == 0) return c->e[j].line;
    return 0;
}

size_t xg_config_count(const xg_config *c, const char *key)
{
    size_t n = 0;
    for (size_t j = 0; c && j < c->n; j++)
        n += !strcmp(c->e[j].key, key);
    return n;
}

const char *xg_config_get(const xg_config *c, const char *key)
{
    size_t n = xg_config_count(c, key);
    return n ? xg_config_value(c, key, n - 1) : NULL;
}

const char *xg_config_name(const xg_config *c)
{
    return c ? c->name : NULL;
}

size_t xg_config_size(const xg_config *c)
{
    return c ? c->n : 0;
}

int xg_config_entry(const xg_config *c, size_t i, const char **key, const char **value, int *line)
{
    if (!c || i >= c->n) return XG_EINVAL;
    if (key) *key = c->e[i].key;
    if (value) *value = c->e[i].value;
    if (line) *line = c->e[i].line;
    return XG_OK;
}
