/* Reading the name tables: data/names/xg_terms.tsv (ours: abbreviations, stop words, ordinal
 * numbers and overrides of rigour's choices) first, then rigour's org_types.yml (legal forms →
 * their `generic` class, e.g. GmbH, ООО, Co., Ltd. → LLC), symbols.yml (organisation words →
 * their key, e.g. univ, университет → UNIVERSITY) and the person-title list of stopwords.yml. */
#include "text/text_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <yaml.h>

#include "xgate/error.h"

/* ---- TSV of our own terms: phrase <TAB> KIND [<TAB> SYMBOL] ---- */
static int load_terms_line(xg_text_ctx *ctx, const char *path, long lineno, char *line)
{
    char *f[3] = {line, NULL, NULL};
    for (int i = 1; i < 3; i++) {
        char *tab = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
        if (tab) *tab = '\0', f[i] = tab + 1;
    }
    xg_token_kind kind;
    bool domain = f[1] && strcmp(f[1], "DOMAIN") == 0;
    if (domain)
        kind = XG_TOK_WORD;
    else if (!f[1] || xg_text_kind_parse(f[1], strlen(f[1]), &kind) != 0)
        return xg_error_set(XG_EPARSE, "%s:%ld: expected phrase<TAB>KIND[<TAB>SYMBOL]", path,
                            lineno);
    const char *sym = f[2] && *f[2] ? f[2] : NULL;
    if ((domain || kind == XG_TOK_LEGAL || kind == XG_TOK_ORG || kind == XG_TOK_NUMBER) && !sym)
        return xg_error_set(XG_EPARSE, "%s:%ld: %s needs a symbol", path, lineno, f[1]);
    if (kind == XG_TOK_WORD && sym && !domain)
        return xg_error_set(XG_EPARSE, "%s:%ld: WORD takes no symbol", path, lineno);
    return xg_text_add_phrase(ctx, f[0], strlen(f[0]), kind, sym, true);
}

/* Calls fn on each non-comment line of a UTF-8 text file (tabs kept, CR and LF removed). */
int xg_text_each_line(const char *path, int (*fn)(void *, const char *, long, char *), void *arg)
{
    char *text;
    size_t len;
    int rc = xg_file_read(&text, &len, path, 64u << 20);
    if (rc) return rc;
    if (!xg_utf8_valid(text, len)) {
        free(text);
        return xg_error_set(XG_EUTF8, "%s: invalid UTF-8", path);
    }
    long lineno = 0;
    for (char *p = text; rc == 0 && p < text + len;) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        char *end = nl ? nl : text + len;
        lineno++;
        if (end > p && end[-1] == '\r') end[-1] = '\0';
        *end = '\0';
        if (*p && *p != '#') rc = fn(arg, path, lineno, p);
        p = end + 1;
    }
    free(text);
    return rc;
}

/* ---- Latin letters → ASCII without ICU (phrase keys) ---- */
static int latin_ascii_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *tab = strchr(line, '\t');
    int32_t cp;
    utf8proc_ssize_t n =
        tab ? utf8proc_iterate((const utf8proc_uint8_t *)line, tab - line, &cp) : -1;
    if (!tab || n <= 1 || n != tab - line || !tab[1] || strchr(tab + 1, '\t'))
        return xg_error_set(XG_EPARSE, "%s:%ld: not LETTER<TAB>ASCII", path, lineno);
    for (const char *a = tab + 1; *a; a++)
        if ((unsigned char)*a >= 0x80)
            return xg_error_set(XG_EPARSE, "%s:%ld: not ASCII after the tab", path, lineno);
    char *key = xg_arena_strndup(&ctx->arena, line, (size_t)n);
    char *val = xg_arena_strdup(&ctx->arena, tab + 1);
    if (!key || !val || !xg_strmap_put(&ctx->latin_ascii, key, (size_t)n, val))
        return xg_error_set(XG_ENOMEM, "text: out of memory");
    return 0;
}

int xg_text_load_latin_ascii(xg_text_ctx *ctx, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/text/latin_ascii.tsv", dir);
    return xg_text_each_line(path, latin_ascii_line, ctx);
}

char *xg_text_latin_ascii_table(const xg_text_ctx *ctx, const char *w)
{
    xg_buf b;
    xg_buf_init(&b);
    size_t len = strlen(w);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)w[i];
        if (c < 0x80) {
            xg_buf_putc(&b, (char)c);
            i++;
            continue;
        }
        int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)w + i, (utf8proc_ssize_t)(len - i), &cp);
        const char *a = n > 0 ? xg_strmap_get(&ctx->latin_ascii, w + i, (size_t)n) : NULL;
        if (!a) {
            xg_buf_free(&b);
            return NULL;
        }
        xg_buf_puts(&b, a);
        i += (size_t)n;
    }
    return b.data ? xg_buf_steal(&b) : strdup("");
}

static int terms_cb(void *ctx, const char *path, long lineno, char *line)
{
    return load_terms_line(ctx, path, lineno, line);
}

/* ---- YAML ---- */
static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int add_scalar(xg_text_ctx *ctx, yaml_node_t *n, xg_token_kind kind, const char *sym)
{
    const char *s = scalar(n);
    return s && *s ? xg_text_add_phrase(ctx, s, strlen(s), kind, sym, false) : 0;
}

static int add_sequence(xg_text_ctx *ctx, yaml_document_t *d, yaml_node_t *seq, xg_token_kind kind,
                        const char *sym)
{
    if (!seq || seq->type != YAML_SEQUENCE_NODE) return 0;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top;
         it++) {
        int rc = add_scalar(ctx, yaml_document_get_node(d, *it), kind, sym);
        if (rc) return rc;
    }
    return 0;
}

static int load_yaml(const char *path, yaml_document_t *doc)
{
    FILE *f = fopen(path, "rb");
    if (!f) return xg_error_set(XG_EIO, "%s: cannot open", path);
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, doc);
    int rc = ok && yaml_document_get_root_node(doc)
                 ? 0
                 : xg_error_set(XG_EPARSE, "%s:%zu: %s", path, parser.problem_mark.line + 1,
                                parser.problem ? parser.problem : "empty document");
    if (ok && rc) yaml_document_delete(doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}

/* Symbol of a legal form: its generic class (LLC, JSC …), else its compare or display form. */
static char *legal_symbol(xg_text_ctx *ctx, yaml_document_t *d, yaml_node_t *type)
{
    const char *s = scalar(map_get(d, type, "generic"));
    if (!s || !*s) s = scalar(map_get(d, type, "compare"));
    if (!s || !*s) s = scalar(map_get(d, type, "display"));
    if (!s || !*s) return NULL;
    char *sym = xg_arena_strdup(&ctx->arena, s);
    for (char *p = sym; p && *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return sym;
}

static int load_org_types(xg_text_ctx *ctx, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/names/org_types.yml", dir);
    yaml_document_t doc;
    int rc = load_yaml(path, &doc);
    if (rc) return rc;
    yaml_node_t *types = map_get(&doc, yaml_document_get_root_node(&doc), "types");
    if (!types || types->type != YAML_SEQUENCE_NODE)
        rc = xg_error_set(XG_EPARSE, "%s: no `types` list", path);
    for (yaml_node_item_t *it = rc ? NULL : types->data.sequence.items.start;
         it && it < types->data.sequence.items.top && rc == 0; it++) {
        yaml_node_t *t = yaml_document_get_node(&doc, *it);
        const char *sym = legal_symbol(ctx, &doc, t);
        if (!sym) continue;
        rc = add_scalar(ctx, map_get(&doc, t, "display"), XG_TOK_LEGAL, sym);
        if (rc == 0) rc = add_scalar(ctx, map_get(&doc, t, "compare"), XG_TOK_LEGAL, sym);
        if (rc == 0) rc = add_sequence(ctx, &doc, map_get(&doc, t, "aliases"), XG_TOK_LEGAL, sym);
    }
    yaml_document_delete(&doc);
    return rc;
}

/* org_symbols and org_domains: key → aliases. "co" and "corp" (company, corporation, 公司 …)
 * are legal-form words; the other org_symbols are generic organisation words (ORG); org_domains
 * are sector words (agriculture, semiconductor, nuclear): WORD tokens with a symbol, because
 * they tell organisations apart ("Sichuan Agricultural University" is not "Sichuan University").
 * A symbol that xg_terms.tsv defines keeps the kind given there. */
static int load_symbol_section(xg_text_ctx *ctx, yaml_document_t *d, yaml_node_t *sec,
                               xg_token_kind fallback)
{
    if (!sec || sec->type != YAML_MAPPING_NODE) return 0;
    for (yaml_node_pair_t *p = sec->data.mapping.pairs.start; p < sec->data.mapping.pairs.top;
         p++) {
        const char *key = scalar(yaml_document_get_node(d, p->key));
        if (!key) continue;
        bool legal = strcmp(key, "co") == 0 || strcmp(key, "corp") == 0;
        char *sym = xg_arena_strdup(&ctx->arena, legal ? "CO" : key);
        if (!sym) return XG_ENOMEM;
        for (char *c = sym; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        xg_token_kind kind = legal ? XG_TOK_LEGAL : fallback;
        const xg_token_kind *ours = xg_strmap_get(&ctx->symbol_kind, sym, strlen(sym));
        if (ours) kind = *ours; /* one kind per symbol, as xg_terms.tsv says */
        int rc = xg_text_add_phrase(ctx, key, strlen(key), kind, sym, false);
        if (rc == 0) rc = add_sequence(ctx, d, yaml_document_get_node(d, p->value), kind, sym);
        if (rc) return rc;
    }
    return 0;
}

static int load_symbols(xg_text_ctx *ctx, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/names/symbols.yml", dir);
    yaml_document_t doc;
    int rc = load_yaml(path, &doc);
    if (rc) return rc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    rc = load_symbol_section(ctx, &doc, map_get(&doc, root, "org_symbols"), XG_TOK_ORG);
    if (rc == 0)
        rc = load_symbol_section(ctx, &doc, map_get(&doc, root, "org_domains"), XG_TOK_WORD);
    yaml_document_delete(&doc);
    return rc;
}

static int load_person_prefixes(xg_text_ctx *ctx, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/names/stopwords.yml", dir);
    yaml_document_t doc;
    int rc = load_yaml(path, &doc);
    if (rc) return rc;
    yaml_node_t *seq = map_get(&doc, yaml_document_get_root_node(&doc), "PERSON_NAME_PREFIXES");
    for (yaml_node_item_t *it =
             seq && seq->type == YAML_SEQUENCE_NODE ? seq->data.sequence.items.start : NULL;
         it && it < seq->data.sequence.items.top && rc == 0; it++) {
        const char *s = scalar(yaml_document_get_node(&doc, *it));
        char *key;
        size_t keylen;
        if (!s || xg_text_phrase_key(ctx, &key, &keylen, s, strlen(s)) <= 0) continue;
        char *k = xg_arena_strndup(&ctx->arena, key, keylen);
        free(key);
        if (!k || !xg_strmap_put(&ctx->person_prefix, k, keylen, k)) rc = XG_ENOMEM;
    }
    yaml_document_delete(&doc);
    return rc;
}

static int build_names(xg_text_ctx *ctx, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/names/xg_terms.tsv", dir);
    int rc = xg_text_each_line(path, terms_cb, ctx);
    if (rc == 0) rc = load_org_types(ctx, dir);
    if (rc == 0) rc = load_symbols(ctx, dir);
    if (rc == 0) rc = load_person_prefixes(ctx, dir);
    return rc;
}

/* With a cache directory, what build_names made is kept between runs (names_tab.c): a warm
 * load reads the compiled table; a missing, damaged or stale one is built again and rewritten.
 * An unreadable source is left to build_names, which reports it as before. */
int xg_text_load_names(xg_text_ctx *ctx, const char *dir)
{
    char cdir[4096], file[4200];
    XXH128_hash_t key;
    int cached = xg_cache_dir(cdir, sizeof cdir) == 0 && xg_names_tab_key(dir, &key) == 0 &&
                 xg_cache_path(file, sizeof file, "names", "tab", key) == 0;
    if (cached && xg_names_tab_open(ctx, file, key) == 0) return 0;
    int rc = build_names(ctx, dir);
    if (rc == 0 && cached) xg_names_tab_write(ctx, file, key);
    return rc;
}
