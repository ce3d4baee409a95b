/* Reading the Chinese dictionaries: our organisation glossary (data/text/zh_org_glossary.tsv,
 * simplified term → English words, optionally one token of a given kind and symbol), the list of
 * two-character surnames, and CC-CEDICT (data/cedict/cedict_ts.u8). CC-CEDICT is 117k lines; a
 * cold load reads it into one buffer and its entries point into it (one pass and a hash insert
 * per line), then keeps the result as a compiled table in the cache directory, which later
 * processes map and use in place (cedict_tab.c). */
#include "text/text_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "xgate/error.h"

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static void note_length(xg_text_ctx *ctx, size_t nchars)
{
    if (nchars > ctx->max_han) ctx->max_han = nchars;
}

static int glossary_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *tab = strchr(line, '\t');
    if (!tab)
        return xg_error_set(
            XG_EPARSE,
            "%s:%ld: expected "
            "term<TAB>english[|english][<TAB>[INST,|LEVEL,]KIND:SYMBOL|PLACE|INST|LEVEL]",
            path, lineno);
    *tab = '\0';
    char *english = tab + 1, *spec = strchr(english, '\t');
    if (spec) *spec++ = '\0';
    char *bar = strchr(english, '|'); /* "academy|research institute": a second rendering */
    if (bar) *bar++ = '\0';
    xg_hanword *w = xg_arena_alloc(&ctx->arena, sizeof *w);
    char *term = xg_arena_strdup(&ctx->arena, line);
    if (!w || !term) return XG_ENOMEM;
    w->english = xg_arena_strdup(&ctx->arena, english);
    w->english_len = (uint32_t)strlen(english);
    w->alt_english = bar && *bar ? xg_arena_strdup(&ctx->arena, bar) : NULL;
    w->glossary = 1;
    w->nchars = (unsigned char)count_chars(term, strlen(term));
    if (spec && strncmp(spec, "INST", 4) == 0) {
        w->institution = w->ends_level = 1; /* INST or INST,KIND:SYMBOL */
        spec = spec[4] == ',' ? spec + 5 : spec + 4;
    }
    if (spec && strncmp(spec, "LEVEL", 5) == 0) {
        w->ends_level = 1; /* LEVEL or LEVEL,KIND:SYMBOL */
        spec = spec[5] == ',' ? spec + 6 : spec + 5;
    }
    if (spec && strcmp(spec, "PLACE") == 0) {
        w->place = 1;
    } else if (spec && *spec) {
        char *colon = strchr(spec, ':');
        if (!colon || xg_text_kind_parse(spec, (size_t)(colon - spec), &w->kind) != 0)
            return xg_error_set(XG_EPARSE, "%s:%ld: bad KIND:SYMBOL `%s`", path, lineno, spec);
        w->symbol = colon[1] ? xg_arena_strdup(&ctx->arena, colon + 1) : NULL;
    }
    if (!*term || !xg_text_has_han(term, strlen(term)))
        return xg_error_set(XG_EPARSE, "%s:%ld: term has no Han characters", path, lineno);
    if (xg_strmap_put(&ctx->han, term, strlen(term), w) != w)
        return xg_error_set(XG_EPARSE, "%s:%ld: duplicate term %s", path, lineno, term);
    note_length(ctx, w->nchars);
    return 0;
}

/* "北航<TAB>北京航空航天大学<TAB>source": an abbreviation, segmented like a glossary word and read
 * as the full name it stands for. */
static int abbrev_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *tab = strchr(line, '\t'), *full = tab ? tab + 1 : NULL;
    char *end = full ? strchr(full, '\t') : NULL;
    if (end) *end = '\0';
    if (!tab || tab == line || !*full || !xg_text_has_han(line, (size_t)(tab - line)) ||
        !xg_text_has_han(full, strlen(full)))
        return xg_error_set(XG_EPARSE, "%s:%ld: expected abbreviation<TAB>full name<TAB>source",
                            path, lineno);
    *tab = '\0';
    xg_hanword *w = xg_arena_alloc(&ctx->arena, sizeof *w);
    char *term = xg_arena_strdup(&ctx->arena, line);
    if (!w || !term) return XG_ENOMEM;
    *w = (xg_hanword){.english = "", .glossary = 1, .expands = xg_arena_strdup(&ctx->arena, full)};
    w->nchars = (unsigned char)count_chars(term, strlen(term));
    if (!w->expands) return XG_ENOMEM;
    if (xg_strmap_put(&ctx->han, term, strlen(term), w) != w)
        return xg_error_set(XG_EPARSE, "%s:%ld: %s is already a glossary term", path, lineno, term);
    note_length(ctx, w->nchars);
    return 0;
}

/* "旷视<TAB>megvii<TAB>source" (data/text/zh_brands.tsv): a listed company's brand or group word,
 * read as the English brand it writes for it; a glossary word in all else (glossary_line), the
 * source column required and not kept. A one-word English brand is kept in ctx->brands too
 * (xg_text_brand). */
static int brand_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *tab = strchr(line, '\t'), *src = tab ? strchr(tab + 1, '\t') : NULL;
    if (!tab || tab == line || !src || src == tab + 1 || !src[1])
        return xg_error_set(XG_EPARSE, "%s:%ld: expected brand<TAB>english[|english]<TAB>source",
                            path, lineno);
    *src = '\0';
    size_t n = strcspn(tab + 1, "|");
    char *brand = xg_arena_strndup(&ctx->arena, tab + 1, n);
    if (!brand) return XG_ENOMEM;
    int rc = glossary_line(arg, path, lineno, line);
    if (rc) return rc;
    xg_hanword *w = xg_strmap_get(&ctx->han, line, strlen(line));
    if (w) w->brand = 1;
    if (!n || strchr(brand, ' ')) return 0;
    return xg_strmap_put(&ctx->brands, brand, n, brand) ? 0 : XG_ENOMEM;
}

/* "航天<TAB>CASC, CASIC<TAB>source" (data/text/zh_groups.tsv): a glossary word that names a group
 * and that its companies put before their brand (航天晨光 = Aerosun); marks the word (group). */
static int group_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *tab = strchr(line, '\t'), *src = tab ? strchr(tab + 1, '\t') : NULL;
    if (!tab || tab == line || !src || src == tab + 1 || !src[1])
        return xg_error_set(XG_EPARSE, "%s:%ld: expected word<TAB>group<TAB>source", path, lineno);
    *tab = '\0';
    xg_hanword *w = xg_strmap_get(&ctx->han, line, strlen(line));
    if (!w || !w->glossary || w->expands)
        return xg_error_set(XG_EPARSE, "%s:%ld: %s is not a glossary word", path, lineno, line);
    w->group = 1;
    return 0;
}

static int surname_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *s = xg_arena_strdup(&ctx->arena, line);
    if (!s) return XG_ENOMEM;
    return xg_strmap_put(&ctx->surnames2, s, strlen(s), s) ? 0 : XG_ENOMEM;
}

static int shinjitai_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *tab = strchr(line, '\t');
    if (!tab || !tab[1])
        return xg_error_set(XG_EPARSE, "%s:%ld: expected kanji<TAB>simplified", path, lineno);
    *tab = '\0';
    char *from = xg_arena_strdup(&ctx->arena, line), *to = xg_arena_strdup(&ctx->arena, tab + 1);
    if (!from || !to || !xg_strmap_put(&ctx->shinjitai, from, strlen(from), to)) return XG_ENOMEM;
    return 0;
}

/* data/text/zh_variants.tsv: a Hong Kong or Taiwan variant character → its simplified form, one
 * 3-byte character each side (the fold replaces in place); kept with the shinjitai forms. */
static int zh_variant_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *tab = strchr(line, '\t');
    int32_t cp;
    if (!tab || tab - line != 3 || strlen(tab + 1) != 3 || xg_utf8_decode(line, &cp) != 3 ||
        !xg_cp_is_han(cp) || xg_utf8_decode(tab + 1, &cp) != 3 || !xg_cp_is_han(cp))
        return xg_error_set(XG_EPARSE, "%s:%ld: expected one Han character <TAB> one Han character",
                            path, lineno);
    *tab = '\0';
    char *from = xg_arena_strdup(&ctx->arena, line), *to = xg_arena_strdup(&ctx->arena, tab + 1);
    if (!from || !to || !xg_strmap_put(&ctx->shinjitai, from, 3, to)) return XG_ENOMEM;
    return 0;
}

static int ko_surname_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *tab = strchr(line, '\t');
    if (!tab || !tab[1])
        return xg_error_set(XG_EPARSE, "%s:%ld: expected hangul<TAB>romanisation", path, lineno);
    *tab = '\0';
    char *from = xg_arena_strdup(&ctx->arena, line), *to = xg_arena_strdup(&ctx->arena, tab + 1);
    if (!from || !to || !xg_strmap_put(&ctx->ko_surnames, from, strlen(from), to)) return XG_ENOMEM;
    return 0;
}

static int ar_name_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *tab = strchr(line, '\t');
    xg_buf key;
    xg_buf_init(&key);
    if (!tab || !tab[1] || !xg_text_arabic_key(&key, line, (size_t)(tab - line))) {
        xg_buf_free(&key);
        return xg_error_set(XG_EPARSE, "%s:%ld: expected arabic<TAB>latin", path, lineno);
    }
    char *from = xg_arena_strndup(&ctx->arena, key.data, key.len);
    char *to = xg_arena_strdup(&ctx->arena, tab + 1);
    xg_buf_free(&key);
    if (!from || !to || !xg_strmap_put(&ctx->ar_names, from, strlen(from), to)) return XG_ENOMEM;
    return 0;
}

int xg_text_load_glossary(xg_text_ctx *ctx, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/text/zh_org_glossary.tsv", dir);
    int rc = xg_text_each_line(path, glossary_line, ctx);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/text/zh_abbrev.tsv", dir);
    rc = xg_text_each_line(path, abbrev_line, ctx);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/text/zh_brands.tsv", dir);
    rc = xg_text_each_line(path, brand_line, ctx);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/text/zh_groups.tsv", dir);
    rc = xg_text_each_line(path, group_line, ctx);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/text/ja_shinjitai.tsv", dir);
    rc = xg_text_each_line(path, shinjitai_line, ctx);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/text/zh_variants.tsv", dir);
    rc = xg_text_each_line(path, zh_variant_line, ctx);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/text/ar_names.tsv", dir);
    rc = xg_text_each_line(path, ar_name_line, ctx);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/text/ko_surnames.tsv", dir);
    rc = xg_text_each_line(path, ko_surname_line, ctx);
    if (rc) return rc;
    snprintf(path, sizeof path, "%s/text/zh_surnames2.txt", dir);
    return xg_text_each_line(path, surname_line, ctx);
}

/* A CC-CEDICT place's pinyin as one lower-case word (深圳 Shen1 zhen4 → shenzhen), into
 * ctx->latin_places: English names write Chinese places so, and a list name's place word is then
 * known for one (xg_text_latin_place). Places of several words (Hong Kong) are left out. */
static int latin_place(xg_text_ctx *ctx, const xg_hanword *w)
{
    char word[64];
    size_t n = 0;
    for (uint32_t i = 0; i < w->pinyin_len; i++) {
        char c = w->pinyin[i];
        if (c >= 'A' && c <= 'Z') {
            if (n) return 0; /* a second capital: several words */
            c = (char)(c - 'A' + 'a');
        }
        if (c < 'a' || c > 'z') continue;
        if (n + 1 >= sizeof word) return 0;
        word[n++] = c;
    }
    if (n < 3 || xg_strmap_get(&ctx->latin_places, word, n)) return 0;
    char *key = xg_arena_strndup(&ctx->arena, word, n);
    return key && xg_strmap_put(&ctx->latin_places, key, n, key) ? 0 : XG_ENOMEM;
}

/* Keep the "/gloss/" field g[0..n) of another entry of w (xg_hanword.more_english). */
static int more_english(xg_text_ctx *ctx, xg_hanword *w, const char *g, size_t n)
{
    if (!g || !n || w->more_entries >= XG_HAN_MORE_ENTRIES) return 0;
    size_t old = w->more_english_len, len = old + (old ? 1 : 0) + n;
    char *s = xg_arena_alloc(&ctx->arena, len + 1);
    if (!s) return XG_ENOMEM;
    if (old) memcpy(s, w->more_english, old), s[old] = '/';
    memcpy(s + len - n, g, n);
    s[len] = '\0';
    w->more_english = s;
    w->more_english_len = (uint32_t)len;
    w->more_entries++;
    return 0;
}

/* One CC-CEDICT line: "Trad Simp [pin1 yin1] /gloss/gloss/". Returns 0 when it is not one. */
static int cedict_entry(xg_text_ctx *ctx, char *line, char *end)
{
    char *sp1 = memchr(line, ' ', (size_t)(end - line));
    if (!sp1) return 0;
    char *simp = sp1 + 1, *sp2 = memchr(simp, ' ', (size_t)(end - simp));
    if (!sp2 || sp2[1] != '[') return 0;
    char *py = sp2 + 2, *close = memchr(py, ']', (size_t)(end - py));
    if (!close || close + 3 > end || close[2] != '/') return 0;
    size_t simplen = (size_t)(sp2 - simp);
    if (!xg_text_has_han(simp, simplen)) return 0;
    bool proper = py[0] >= 'A' && py[0] <= 'Z';
    xg_hanword *w = xg_strmap_get(&ctx->han, simp, simplen);
    if (w && (w->glossary || !w->proper || proper)) {
        if (w->glossary && !w->pinyin) w->pinyin = py, w->pinyin_len = (uint32_t)(close - py);
        return w->glossary ? 0 : more_english(ctx, w, close + 3, (size_t)(end - close - 3));
    }
    if (w) { /* the proper-noun reading replaced keeps its glosses for the pieces */
        int rc = more_english(ctx, w, w->english, w->english_len);
        if (rc) return rc;
    }
    if (!w) {
        w = xg_arena_alloc(&ctx->arena, sizeof *w);
        if (!w || !xg_strmap_put(&ctx->han, simp, simplen, w)) return XG_ENOMEM;
        ctx->cedict_entries++;
    }
    /* new word, or a common reading replacing a proper-noun one (欧 Ou1 Europe → ou1) */
    w->pinyin = py;
    w->pinyin_len = (uint32_t)(close - py);
    w->english = close + 3;
    w->english_len = (uint32_t)(end - w->english);
    w->proper = proper;
    w->nchars = (unsigned char)count_chars(simp, simplen);
    note_length(ctx, w->nchars);
    return proper && xg_text_hanword_place(w) ? latin_place(ctx, w) : 0;
}

/* "拓<TAB>tuo4<TAB>tuo4": a polyphone's usual reading replaces whichever CEDICT line came first
 * (广 is guang, not the radical's yan); the surname reading serves surnames. */
static int reading_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (!t1 || t1 == line || !t2 || t2 == t1 + 1)
        return xg_error_set(XG_EPARSE, "%s:%ld: expected han<TAB>reading<TAB>surname reading", path,
                            lineno);
    xg_hanword *w = xg_strmap_get(&ctx->han, line, (size_t)(t1 - line));
    if (!w || w->glossary) return 0;
    char *usual = xg_arena_strndup(&ctx->arena, t1 + 1, (size_t)(t2 - t1 - 1));
    char *surname = t2[1] ? xg_arena_strdup(&ctx->arena, t2 + 1) : NULL;
    if (!usual || (t2[1] && !surname)) return XG_ENOMEM;
    w->pinyin = usual;
    w->pinyin_len = (uint32_t)strlen(usual);
    w->surname_pinyin = surname;
    return 0;
}

bool xg_text_latin_place(const xg_text_ctx *ctx, const char *word)
{
    if (!ctx || !word || xg_text_need_cedict(ctx)) return false;
    if (ctx->cedict_tab) return xg_cedict_tab_place(ctx->cedict_tab, word, strlen(word));
    return xg_strmap_get(&ctx->latin_places, word, strlen(word)) != NULL;
}

bool xg_text_brand(const xg_text_ctx *ctx, const char *word)
{
    return ctx && word && xg_strmap_get(&ctx->brands, word, strlen(word)) != NULL;
}

int xg_text_check_cedict(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/cedict/cedict_ts.u8", dir);
    if (access(path, R_OK))
        return xg_error_set(XG_EIO, "%s: cannot read: %s", path, strerror(errno));
    return 0;
}

/* Every line of text[0..len) through cedict_entry (comments skipped). */
static int cedict_lines(xg_text_ctx *ctx, char *text, size_t len)
{
    int rc = 0;
    for (char *p = text; rc == 0 && p < text + len;) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        char *end = nl ? nl : text + len;
        char *stop = end > p && end[-1] == '\r' ? end - 1 : end;
        if (*p != '#') rc = cedict_entry(ctx, p, stop);
        p = end + 1;
    }
    return rc;
}

#define CEDICT_MAGIC "XGCEDT03"

/* What the compiled table depends on, hashed: the binary (xg_build_id), the dictionary and
 * zh_char_readings.tsv by identity (device, inode, size, modification and change times: the
 * 9 MB dictionary is not read to tell that it did not change), and the glossary's words, which
 * cedict_entry treats apart (they are the only words in `han` before CC-CEDICT is read). */
static int cedict_key(const xg_text_ctx *ctx, const char *path, const char *readings,
                      XXH128_hash_t *key)
{
    struct stat sb;
    if (stat(path, &sb)) return xg_error_set(XG_EIO, "%s: %s", path, strerror(errno));
    XXH3_state_t *st = XXH3_createState();
    if (!st) return xg_error_set(XG_ENOMEM, "%s: out of memory", path);
    uint8_t id[16];
    xg_build_id(id);
    XXH3_128bits_reset(st);
    XXH3_128bits_update(st, CEDICT_MAGIC, 8);
    XXH3_128bits_update(st, id, sizeof id);
    for (int f = 0; f < 2; f++) {
        if (f == 1 && stat(readings, &sb)) memset(&sb, 0, sizeof sb);
        uint64_t v[7] = {(uint64_t)sb.st_dev,          (uint64_t)sb.st_ino,
                         (uint64_t)sb.st_size,         (uint64_t)sb.st_mtim.tv_sec,
                         (uint64_t)sb.st_mtim.tv_nsec, (uint64_t)sb.st_ctim.tv_sec,
                         (uint64_t)sb.st_ctim.tv_nsec};
        XXH3_128bits_update(st, v, sizeof v);
    }
    for (size_t i = 0; i < ctx->han.cap; i++)
        if (ctx->han.slots[i].key) {
            uint32_t n = ctx->han.slots[i].keylen;
            XXH3_128bits_update(st, &n, sizeof n);
            XXH3_128bits_update(st, ctx->han.slots[i].key, n);
        }
    *key = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    return 0;
}

/* The whole dictionary through cedict_entry. Returns 0 with ctx->cedict_text set, or an error for
 * the source file. */
static int load_cedict_source(xg_text_ctx *ctx, const char *path)
{
    char *src;
    size_t len;
    int rc = xg_file_read(&src, &len, path, 64u << 20);
    if (rc) return rc;
    if (!xg_utf8_valid(src, len)) {
        free(src);
        return xg_error_set(XG_EUTF8, "%s: invalid UTF-8", path);
    }
    ctx->cedict_text = src;
    return cedict_lines(ctx, src, len);
}

/* CC-CEDICT and zh_char_readings.tsv into ctx. With a cache directory, a compiled table of the
 * result is kept between runs (cedict_tab.c, keyed by cedict_key): a warm load maps it and
 * reads neither file; a missing, damaged or stale table is built again from the sources. */
int xg_text_load_cedict(xg_text_ctx *ctx, const char *dir)
{
    char path[4096], readings[4096];
    snprintf(path, sizeof path, "%s/cedict/cedict_ts.u8", dir);
    snprintf(readings, sizeof readings, "%s/text/zh_char_readings.tsv", dir);
    XXH128_hash_t key;
    int rc = cedict_key(ctx, path, readings, &key);
    if (rc) return rc;
    char file[4200];
    int cached = !xg_cache_path(file, sizeof file, "cedict", "tab", key);
    if (cached && xg_cedict_tab_open(ctx, file, CEDICT_MAGIC, key) == 0) {
        if (ctx->max_han > 12) ctx->max_han = 12;
        return 0;
    }
    rc = load_cedict_source(ctx, path);
    if (rc == XG_ENOMEM) return xg_error_set(rc, "%s: out of memory", path);
    if (rc) return rc;
    rc = xg_text_each_line(readings, reading_line, ctx);
    if (rc) return rc;
    if (ctx->max_han > 12) ctx->max_han = 12; /* idioms and phrases longer than this never help */
    if (cached) xg_cedict_tab_write(ctx, file, CEDICT_MAGIC, key);
    return 0;
}

/* ---- learned spellings (data/text/zh_sound.tsv, scripts/learn_zh_sound) ---- */

int xg_text_sound_line(xg_strmap *map, xg_arena *a, const char *path, long lineno, char *line)
{
    char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    bool ok = t1 && t1 > line && t2 && t2 > t1 + 1 && t2[1];
    for (const char *p = line; ok && p < t2; p++) /* plain lower-case letters only */
        ok = p == t1 || (*p >= 'a' && *p <= 'z');
    for (const char *p = t2 ? t2 + 1 : ""; ok && *p; p++)
        ok = *p >= '0' && *p <= '9';
    if (!ok || t1 - line > 8 || t2 - t1 - 1 > 8)
        return xg_error_set(XG_EPARSE,
                            "%s:%ld: expected syllable<TAB>spelling<TAB>count (a-z, at most 8 "
                            "letters each)",
                            path, lineno);
    size_t slen = (size_t)(t1 - line);
    const char *old = xg_strmap_get(map, line, slen);
    char *alts = old ? xg_arena_printf(a, "%s|%.*s", old, (int)(t2 - t1 - 1), t1 + 1)
                     : xg_arena_strndup(a, t1 + 1, (size_t)(t2 - t1 - 1));
    char *key = old ? NULL : xg_arena_strndup(a, line, slen);
    if (!alts || (!old && !key)) return XG_ENOMEM;
    if (old) { /* replace the value in place: the map keeps the first key */
        for (size_t i = 0; i < map->cap; i++)
            if (map->slots[i].value == old) map->slots[i].value = alts;
        return 0;
    }
    return xg_strmap_put(map, key, slen, alts) ? 0 : XG_ENOMEM;
}

static int sound_line(void *arg, const char *path, long lineno, char *line)
{
    xg_text_ctx *ctx = arg;
    return xg_text_sound_line(&ctx->sound, &ctx->arena, path, lineno, line);
}

int xg_text_load_sound(xg_text_ctx *ctx, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/text/zh_sound.tsv", dir);
    return xg_text_each_line(path, sound_line, ctx);
}
