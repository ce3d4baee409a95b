/* test_text_latin_ascii.c — data/text/latin_ascii.tsv stands in for ICU's Latin-ASCII when the
 * name tables' phrase keys are made at context load (so that loading opens no ICU transliterator,
 * issue 12): every row must be ICU's own answer for its letter, and every line of the name tables
 * (data/names) must give the same phrase key through the table as through ICU. Runs against the
 * bundled data (XGATE_DATA). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "text/text_internal.h"
#include "xgate/error.h"

static const char *data_dir(void)
{
    const char *d = getenv("XGATE_DATA");
    return d ? d : "data";
}

static xg_text_ctx *ctx;

static void setup(void)
{
    cr_assert_eq(xg_text_ctx_load(&ctx, NULL), 0, "%s", xg_error_message());
}

static void teardown(void)
{
    xg_text_ctx_free(ctx);
}

TestSuite(text_latin_ascii, .init = setup, .fini = teardown);

static int row_cb(void *arg, const char *path, long lineno, char *line)
{
    size_t *rows = arg;
    char *tab = strchr(line, '\t');
    cr_assert_not_null(tab, "%s:%ld", path, lineno);
    *tab = '\0';
    char *icu = NULL;
    cr_assert_eq(xg_translit(&icu, XG_TR_LATIN_ASCII, line, strlen(line)), 0);
    cr_assert_str_eq(icu, tab + 1, "%s:%ld: ICU gives '%s' for %s", path, lineno, icu, line);
    char *table = xg_text_latin_ascii_table(ctx, line);
    cr_assert_not_null(table, "%s not in the loaded table", line);
    cr_assert_str_eq(table, icu);
    free(icu), free(table);
    (*rows)++;
    return 0;
}

Test(text_latin_ascii, every_row_is_icus_answer)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/text/latin_ascii.tsv", data_dir());
    size_t rows = 0;
    cr_assert_eq(xg_text_each_line(path, row_cb, &rows), 0, "%s", xg_error_message());
    cr_assert_geq(rows, 10);
    /* a letter not in the table: NULL, so that the caller asks ICU */
    char *none = xg_text_latin_ascii_table(ctx, "\xc9\xb8"); /* ɸ */
    cr_assert_null(none);
    char *plain = xg_text_latin_ascii_table(ctx, "spolka");
    cr_assert_str_eq(plain, "spolka");
    free(plain);
}

typedef struct {
    size_t lines, via_table;
} key_count;

static int key_cb(void *arg, const char *path, long lineno, char *line)
{
    key_count *k = arg;
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    int ra = xg_text_phrase_key(ctx, &a, &alen, line, strlen(line));
    int rb = xg_text_phrase_key(NULL, &b, &blen, line, strlen(line));
    cr_assert_eq(ra, rb, "%s:%ld", path, lineno);
    if (ra >= 0) {
        cr_assert_eq(alen, blen, "%s:%ld: '%s' vs ICU '%s'", path, lineno, a, b);
        cr_assert_eq(memcmp(a, b, alen), 0, "%s:%ld: '%s' vs ICU '%s'", path, lineno, a, b);
        for (const unsigned char *p = (const unsigned char *)line; *p; p++)
            if (*p >= 0x80) {
                k->via_table++;
                break;
            }
    }
    free(a), free(b);
    k->lines++;
    return 0;
}

Test(text_latin_ascii, name_tables_keys_as_through_icu)
{
    static const char *const files[] = {"names/org_types.yml", "names/symbols.yml",
                                        "names/stopwords.yml", "names/xg_terms.tsv"};
    key_count k = {0};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", data_dir(), files[i]);
        cr_assert_eq(xg_text_each_line(path, key_cb, &k), 0, "%s", xg_error_message());
    }
    cr_assert_gt(k.lines, 1000);
    cr_assert_gt(k.via_table, 100);
}
