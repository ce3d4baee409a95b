/*
 * country.c — country name/code → ISO 3166-1 alpha-2 (see xgate/country.h).
 *
 * The names come from iso-codes (a Debian package kept current by Debian) rather than a C table,
 * and the list-specific spellings from data/countries/aliases.tsv, so that neither needs a code
 * change when a country is renamed. Every name becomes a folded key (case, accents, punctuation,
 * a leading "the"); the keys sit in one sorted array searched by bsearch. Built once under
 * pthread_once and never changed afterwards, so lookups need no lock.
 */
#include "xgate/country.h"

#include <ctype.h>
#include <stdbool.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/core.h"
#include "xgate/error.h"

#define ISO3166_JSON "/usr/share/iso-codes/json/iso_3166-1.json"

typedef struct {
    char code[3];
    char *name;
} country;

typedef struct {
    char *key;
    int country; /* index into countries */
    int order;   /* insertion order: the first spelling of a key wins */
} key_entry;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static xg_vec countries; /* country */
static xg_vec keys;      /* key_entry, sorted by key after loading */
static int status = XG_OK;
static char status_msg[512];

static void note_problem(int code, const char *msg)
{
    if (status != XG_OK) return;
    status = code;
    snprintf(status_msg, sizeof status_msg, "%s", msg);
}

/* Append one code point of the folded form: letters and digits stay, everything else is a space
 * ('&' reads "and", so "Trinidad & Tobago" is "Trinidad and Tobago"). */
static void fold_codepoint(xg_buf *out, utf8proc_int32_t cp)
{
    if (cp < 0x80) {
        if (isalnum(cp))
            xg_buf_putc(out, (char)cp);
        else if (cp == '&')
            xg_buf_puts(out, " and ");
        else
            xg_buf_putc(out, ' ');
        return;
    }
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) {
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t n = utf8proc_encode_char(cp, enc);
        xg_buf_append(out, (const char *)enc, (size_t)n);
    } else {
        xg_buf_putc(out, ' ');
    }
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return false;
    return true;
}

/* The comparison key of a name, heap-allocated; NULL for invalid UTF-8 or an empty key. On ASCII,
 * NFKC with case folding and marks stripped is plain lowercasing, so a code or an English name
 * (what a decision request carries) skips utf8proc_map, which costs most of a lookup. */
static char *fold_key(const char *s)
{
    xg_buf raw;
    xg_buf_init(&raw);
    if (is_ascii(s)) {
        for (; *s; s++)
            fold_codepoint(&raw, *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
    } else {
        utf8proc_uint8_t *mapped = NULL;
        utf8proc_ssize_t n =
            utf8proc_map((const utf8proc_uint8_t *)s, 0, &mapped,
                         UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                             UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
        if (n < 0) return NULL;
        for (utf8proc_ssize_t i = 0; i < n;) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k = utf8proc_iterate(mapped + i, n - i, &cp);
            if (k <= 0) break;
            fold_codepoint(&raw, cp);
            i += k;
        }
        free(mapped);
    }
    /* collapse spaces, trim, drop a leading "the" */
    xg_buf key;
    xg_buf_init(&key);
    const char *p = raw.data ? raw.data : "";
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        if (p == w) break;
        if (key.len == 0 && p - w == 3 && !memcmp(w, "the", 3)) continue;
        if (key.len) xg_buf_putc(&key, ' ');
        xg_buf_append(&key, w, (size_t)(p - w));
    }
    xg_buf_free(&raw);
    if (!key.len) {
        xg_buf_free(&key);
        return NULL;
    }
    return xg_buf_steal(&key);
}

static void add_key(const char *name, int idx)
{
    char *k = name ? fold_key(name) : NULL;
    if (!k) return;
    key_entry e = {k, idx, (int)keys.len};
    if (!xg_vec_push(&keys, &e)) free(k);
}

/* "Korea, Democratic People's Republic of" is also written "Democratic People's Republic of
 * Korea"; add that reading of every "Head, Tail" name. */
static void add_name(const char *name, int idx)
{
    if (!name) return;
    add_key(name, idx);
    const char *comma = strstr(name, ", ");
    if (!comma || strstr(comma + 2, ", ")) return;
    char buf[256];
    snprintf(buf, sizeof buf, "%s %.*s", comma + 2, (int)(comma - name), name);
    add_key(buf, idx);
}

static int add_country(const char *code, const char *name)
{
    country c = {{0}, NULL};
    c.code[0] = (char)toupper((unsigned char)code[0]);
    c.code[1] = (char)toupper((unsigned char)code[1]);
    c.name = strdup(name);
    if (!c.name || !xg_vec_push(&countries, &c)) {
        free(c.name);
        return -1;
    }
    return (int)countries.len - 1;
}

static int find_country(const char *code)
{
    for (size_t i = 0; i < countries.len; i++) {
        const country *c = &XG_VEC_AT(&countries, country, i);
        if (toupper((unsigned char)code[0]) == c->code[0] &&
            toupper((unsigned char)code[1]) == c->code[1] && !code[2])
            return (int)i;
    }
    return -1;
}

static void load_iso_codes(void)
{
    const char *path = getenv("XGATE_ISO3166_JSON");
    if (!path || !*path) path = ISO3166_JSON;
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    json_t *arr = root ? json_object_get(root, "3166-1") : NULL;
    if (!json_is_array(arr)) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s: %s (install the iso-codes package)", path,
                 root ? "no \"3166-1\" array" : jerr.text);
        note_problem(root ? XG_EPARSE : XG_EIO, msg);
        json_decref(root);
        return;
    }
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *a2 = xg_json_str(o, "alpha_2"), *name = xg_json_str(o, "name");
        if (!a2 || strlen(a2) != 2 || !name) continue;
        const char *common = xg_json_str(o, "common_name");
        int idx = add_country(a2, common ? common : name);
        if (idx < 0) break;
        add_key(a2, idx);
        add_key(xg_json_str(o, "alpha_3"), idx);
        add_name(name, idx);
        add_name(xg_json_str(o, "official_name"), idx);
        add_name(common, idx);
    }
    json_decref(root);
}

static void load_aliases(void)
{
    char *path = xg_data_path("countries/aliases.tsv");
    char *text = NULL;
    if (!path || xg_file_read(&text, NULL, path, 0)) {
        note_problem(XG_EIO, xg_error_message());
        free(path);
        return;
    }
    long lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        lineno++;
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab) continue;
        *tab = '\0';
        char *code = tab + 1;
        code[strcspn(code, "\r \t")] = '\0';
        if (strlen(code) != 2) {
            char msg[400];
            snprintf(msg, sizeof msg, "%s:%ld: '%s' is not a two-letter code", path, lineno, code);
            note_problem(XG_EPARSE, msg);
            continue;
        }
        int idx = find_country(code);
        if (idx < 0) idx = add_country(code, line);
        if (idx < 0) break;
        add_key(code, idx);
        add_name(line, idx);
    }
    free(text);
    free(path);
}

static int cmp_key(const void *a, const void *b)
{
    const key_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : x->order - y->order;
}

static void build(void)
{
    xg_vec_init(&countries, sizeof(country));
    xg_vec_init(&keys, sizeof(key_entry));
    load_iso_codes();
    load_aliases();
    if (keys.len) qsort(keys.data, keys.len, sizeof(key_entry), cmp_key);
    /* keep the first spelling of each key */
    size_t w = 0;
    for (size_t r = 0; r < keys.len; r++) {
        key_entry *e = &XG_VEC_AT(&keys, key_entry, r);
        if (w && !strcmp(XG_VEC_AT(&keys, key_entry, w - 1).key, e->key))
            free(e->key);
        else
            XG_VEC_AT(&keys, key_entry, w++) = *e;
    }
    keys.len = w;
}

static int cmp_search(const void *k, const void *e)
{
    return strcmp(k, ((const key_entry *)e)->key);
}

const char *xg_country_code(const char *name_or_code)
{
    if (!name_or_code || !*name_or_code) return NULL;
    pthread_once(&once, build);
    /* A short run of ASCII letters and digits (a code, what a request carries) folds to itself
     * lowercased: fold_key's answer without its two buffers ("the" alone folds to nothing). */
    char small[16];
    size_t n = 0;
    while (n < sizeof small - 1 && isalnum((unsigned char)name_or_code[n])) {
        small[n] = (char)tolower((unsigned char)name_or_code[n]);
        n++;
    }
    small[n] = '\0';
    if (!name_or_code[n] && strcmp(small, "the")) {
        const key_entry *e =
            keys.len ? bsearch(small, keys.data, keys.len, sizeof(key_entry), cmp_search) : NULL;
        return e ? XG_VEC_AT(&countries, country, e->country).code : NULL;
    }
    char *k = fold_key(name_or_code);
    if (!k) return NULL;
    const key_entry *e =
        keys.len ? bsearch(k, keys.data, keys.len, sizeof(key_entry), cmp_search) : NULL;
    free(k);
    return e ? XG_VEC_AT(&countries, country, e->country).code : NULL;
}

const char *xg_country_name(const char *code)
{
    if (!code || strlen(code) != 2) return NULL;
    pthread_once(&once, build);
    int idx = find_country(code);
    return idx < 0 ? NULL : XG_VEC_AT(&countries, country, idx).name;
}

int xg_country_status(void)
{
    pthread_once(&once, build);
    if (status != XG_OK) return xg_error_set(status, "%s", status_msg);
    return XG_OK;
}
