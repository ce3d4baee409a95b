/*
 * tables.c — the loaders' reference tables, read from data files rather than written in C:
 * data/lists/source_codes.tsv (source name → short code) and data/lists/id_schemes.tsv
 * (identifier type as published → scheme). Loaded once per process under pthread_once and
 * read-only afterwards. A missing table degrades gracefully (codes from initials, schemes from the
 * published type), never fails a load.
 *
 * Identifier types are compared as folded words (lower-case letters and digits, one space between
 * words), and a label must end on a word boundary, so "Tax ID/INN" picks INN over TAX_ID and
 * "TIN" never matches "Tinfoil".
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "lists/lists_internal.h"
#include "xgate/country.h"
#include "xgate/error.h"

typedef struct {
    char *pattern; /* source table: lower-case substring; id table: folded label */
    char *value;
    size_t len; /* of pattern */
} table_row;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static xg_vec source_rows, id_rows, cons_rows;

/* Fold s into lower-case words of letters and digits joined by single spaces; pos[i] (if given)
 * is the byte offset in s just after the character that produced out[i]. Returns out's length. */
static size_t fold_words(const char *s, size_t n, char *out, size_t cap, size_t *pos)
{
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n && s[i] && o + 2 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch)) {
            if (space && o) {
                if (pos) pos[o] = i;
                out[o++] = ' ';
            }
            space = false;
            if (pos) pos[o] = i + 1;
            out[o++] = (char)tolower(ch);
        } else {
            space = true;
        }
    }
    out[o] = '\0';
    return o;
}

static void read_table(const char *rel, xg_vec *rows, bool fold)
{
    xg_vec_init(rows, sizeof(table_row));
    char *path = xg_data_path(rel), *text = NULL;
    if (!path || xg_file_read(&text, NULL, path, 0)) {
        free(path);
        return;
    }
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab) continue;
        *tab = '\0';
        char *val = tab + 1;
        val[strcspn(val, "\r\t")] = '\0';
        char key[256];
        if (fold)
            fold_words(line, strlen(line), key, sizeof key, NULL);
        else {
            snprintf(key, sizeof key, "%s", line);
            for (char *k = key; *k; k++)
                *k = (char)tolower((unsigned char)*k);
        }
        table_row r = {strdup(key), strdup(val), strlen(key)};
        if (!r.pattern || !r.value || !*r.pattern || !xg_vec_push(rows, &r)) {
            free(r.pattern);
            free(r.value);
        }
    }
    free(text);
    free(path);
}

static void load_tables(void)
{
    read_table("lists/source_codes.tsv", &source_rows, false);
    read_table("lists/id_schemes.tsv", &id_rows, true);
    read_table("lists/ofac_cons_programs.tsv", &cons_rows, false);
}

bool lst_prefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix)) return false;
    return true;
}

static bool contains_ci(const char *hay, const char *needle_lower)
{
    for (; *hay; hay++)
        if (lst_prefix(hay, needle_lower)) return true;
    return false;
}

/* "(EL)" in "Entity List (EL) - Bureau of Industry and Security". */
static const char *paren_code(lst_ctx *ctx, const char *source)
{
    for (const char *p = strchr(source, '('); p; p = strchr(p + 1, '(')) {
        size_t n = 0;
        while (p[1 + n] && (isupper((unsigned char)p[1 + n]) || isdigit((unsigned char)p[1 + n]) ||
                            p[1 + n] == '-'))
            n++;
        if (n >= 2 && n <= 12 && p[1 + n] == ')') return xg_arena_strndup(ctx->arena, p + 1, n);
    }
    return NULL;
}

static const char *initials(lst_ctx *ctx, const char *source)
{
    char out[16];
    size_t o = 0, words = 0;
    const char *p = source;
    while (*p && o + 1 < sizeof out) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *w = p;
        while (isalnum((unsigned char)*p))
            p++;
        if (p == w) break;
        words++;
        size_t n = (size_t)(p - w);
        bool small =
            (n == 2 && lst_prefix(w, "of")) ||
            (n == 3 && (lst_prefix(w, "the") || lst_prefix(w, "and") || lst_prefix(w, "for")));
        if (!small) out[o++] = (char)toupper((unsigned char)*w);
    }
    out[o] = '\0';
    if (words == 1 && strlen(source) <= 12) { /* a one-word source is its own code */
        char *c = xg_arena_strdup(ctx->arena, source);
        for (char *q = c; q && *q; q++)
            *q = (char)toupper((unsigned char)*q);
        return c;
    }
    return xg_arena_strdup(ctx->arena, o ? out : "LIST");
}

const char *lst_source_code(lst_ctx *ctx, const char *source)
{
    pthread_once(&once, load_tables);
    const char *code = paren_code(ctx, source);
    if (code) return code;
    for (size_t i = 0; i < source_rows.len; i++) {
        table_row *r = &XG_VEC_AT(&source_rows, table_row, i);
        if (contains_ci(source, r->pattern)) return r->value;
    }
    return initials(ctx, source);
}

const char *lst_cons_source(const char *const *programs, size_t nprograms)
{
    pthread_once(&once, load_tables);
    const char *fallback = "Non-SDN Consolidated Sanctions List (CONS) - Treasury Department";
    for (size_t i = 0; i < cons_rows.len; i++) {
        const table_row *r = &XG_VEC_AT(&cons_rows, table_row, i);
        if (!strcmp(r->pattern, "*")) {
            fallback = r->value;
            continue;
        }
        for (size_t k = 0; k < nprograms; k++)
            if (lst_prefix(programs[k], r->pattern)) return r->value;
    }
    return fallback;
}

/* Longest id-table label that begins `folded` on a word boundary; its row, or NULL. */
static const table_row *match_label(const char *folded, size_t *label_len)
{
    const table_row *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < id_rows.len; i++) {
        const table_row *r = &XG_VEC_AT(&id_rows, table_row, i);
        size_t n = r->len;
        if (n > best_len && r->pattern[0] == folded[0] && !strncmp(folded, r->pattern, n) &&
            (folded[n] == ' ' || !folded[n])) {
            best = r;
            best_len = n;
        }
    }
    *label_len = best_len;
    return best;
}

const char *lst_id_scheme(lst_ctx *ctx, const char *type)
{
    pthread_once(&once, load_tables);
    /* "Número de pasaporte" reads as "numero de pasaporte" */
    utf8proc_uint8_t *plain = NULL;
    if (type && utf8proc_map((const utf8proc_uint8_t *)type, 0, &plain,
                             UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                 UTF8PROC_STRIPMARK) < 0)
        plain = NULL;
    const char *t = plain ? (const char *)plain : type ? type : "";
    char folded[256];
    size_t n = fold_words(t, strlen(t), folded, sizeof folded, NULL);
    free(plain);
    if (!n) return "ID";
    size_t len;
    const table_row *r = match_label(folded, &len);
    if (r) return strcmp(r->value, "-") ? r->value : NULL;
    char *s = xg_arena_strdup(ctx->arena, folded);
    for (char *q = s; q && *q; q++)
        *q = *q == ' ' ? '_' : (char)toupper((unsigned char)*q);
    return s;
}

bool lst_id_scheme_known(const char *scheme)
{
    pthread_once(&once, load_tables);
    for (size_t i = 0; scheme && i < id_rows.len; i++)
        if (!strcmp(XG_VEC_AT(&id_rows, table_row, i).value, scheme)) return true;
    return false;
}

int xg_lists_id_scheme(char *out, size_t size, const char *type)
{
    xg_arena a;
    xg_arena_init(&a, 512);
    lst_ctx tmp = {.arena = &a};
    const char *scheme = lst_id_scheme(&tmp, type ? type : "");
    if (!scheme) scheme = "";
    size_t n = strlen(scheme);
    int rc = XG_OK;
    if (n >= size)
        rc = xg_error_set(XG_ETOOBIG, "identifier scheme of \"%.40s\" is over %zu bytes",
                          type ? type : "", size);
    else
        memcpy(out, scheme, n + 1);
    xg_arena_free(&a);
    return rc;
}

int xg_lists_id_scheme_known(const char *scheme)
{
    return lst_id_scheme_known(scheme);
}

/* ---- identifiers in OFAC remarks ---- */

static bool remark_scheme_wanted(const char *scheme)
{
    static const char *const wanted[] = {"PASSPORT", "NATIONAL_ID", "REGISTRATION", "USCC",
                                         "TAX_ID",   "VAT",         "SWIFT",        "LEI",
                                         "IMO",      "OGRN",        "INN",          "DUNS"};
    for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++)
        if (!strcmp(scheme, wanted[i])) return true;
    return false;
}

/* "Passport 2863795S (Iraq) expires 23 Aug 2005" → value "2863795S", country IQ. */
static int remark_ident(lst_ctx *ctx, lst_rec *b, const char *item, size_t n, const char *scheme,
                        size_t label_end)
{
    const char *v = item + label_end, *end = item + n;
    while (v < end && (*v == ' ' || *v == ':' || *v == '#'))
        v++;
    if (v < end && *v == '(') { /* "Unified Social Credit Code (USCC) 9122…": the label's acronym */
        const char *close = memchr(v, ')', (size_t)(end - v));
        if (close && close + 1 < end && close[1] == ' ') v = close + 2;
    }
    static const char *const fillers[] = {"No. ", "No ", "Number ", "IMO ", "# "};
    for (size_t i = 0; i < sizeof fillers / sizeof *fillers; i++)
        if ((size_t)(end - v) > strlen(fillers[i]) && !strncmp(v, fillers[i], strlen(fillers[i])))
            v += strlen(fillers[i]);
    const char *stop = end, *country = NULL;
    size_t country_len = 0;
    for (const char *q = v; q < end; q++) {
        if (q[0] == ' ' && q + 1 < end && q[1] == '(') {
            const char *close = memchr(q, ')', (size_t)(end - q));
            if (close) country = q + 2, country_len = (size_t)(close - q - 2);
            stop = q;
            break;
        }
        if (!strncmp(q, " expires", 8) || !strncmp(q, " issued", 7)) {
            stop = q;
            break;
        }
    }
    while (stop > v && (stop[-1] == '.' || stop[-1] == ' ' || stop[-1] == ','))
        stop--;
    if (stop <= v || stop - v > 64) return XG_OK;
    const char *value = xg_arena_strndup(ctx->arena, v, (size_t)(stop - v));
    const char *cc = NULL;
    if (country) {
        char buf[128];
        snprintf(buf, sizeof buf, "%.*s", (int)country_len, country);
        cc = xg_country_code(buf);
    }
    if (!value) return XG_ENOMEM;
    return lst_rec_ident(ctx, b, scheme, value, cc);
}

int lst_remark_idents(lst_ctx *ctx, lst_rec *b, const char *remarks)
{
    pthread_once(&once, load_tables);
    for (const char *p = remarks; p && *p;) {
        const char *semi = strstr(p, "; ");
        size_t n = semi ? (size_t)(semi - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        char folded[128];
        size_t pos[128];
        fold_words(p, n, folded, sizeof folded, pos);
        size_t len;
        const table_row *r = match_label(folded, &len);
        if (r && len && strcmp(r->value, "-") && remark_scheme_wanted(r->value)) {
            int rc = remark_ident(ctx, b, p, n, r->value, pos[len - 1]);
            if (rc) return rc;
        }
        p = semi ? semi + 2 : p + n;
    }
    return XG_OK;
}

/* GB 32100-2015: 18 characters from a 31-letter alphabet, the last a weighted check character. */
bool lst_is_uscc(const char *s, size_t n)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    if (n != 18) return false;
    int sum = 0, v[18];
    for (size_t i = 0; i < 18; i++) {
        const char *hit = s[i] ? strchr(alphabet, toupper((unsigned char)s[i])) : NULL;
        if (!hit) return false;
        v[i] = (int)(hit - alphabet);
    }
    for (int i = 0; i < 17; i++)
        sum += v[i] * weights[i];
    int check = (31 - sum % 31) % 31;
    return v[17] == check;
}
