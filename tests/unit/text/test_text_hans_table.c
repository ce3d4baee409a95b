/*
 * test_text_hans_table.c — Hant-Hans by the cached table of ICU's rules (translit.c, issue 12)
 * gives ICU's own output: on every CJK Unified Ideograph (U+4E00..U+9FFF, in runs of 40), on
 * every traditional CC-CEDICT headword (in runs of ten, so that rules meet their neighbours)
 * and on mixed text; a damaged table file (flipped payload, key or checksum byte, truncated,
 * garbage) is never trusted: it is built again, rewritten whole, and the answers stay ICU's.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cache_temp.h"
#include "text/text_internal.h"
#include "xgate/error.h"

static char dir[64];

static void setup(void)
{
    cache_temp_open(dir, "hanstab");
    xg_translit_hans_reset();
    xg_translit_hans_off = false;
}

static void teardown(void)
{
    cache_temp_remove(dir);
    xg_translit_hans_reset();
    xg_translit_hans_off = false;
}

/* Hant-Hans of s by the table and by ICU: the same, and the table was used. */
static void same_as_icu(const char *s, size_t n)
{
    char *table = NULL, *icu = NULL;
    xg_translit_hans_off = false;
    cr_assert_eq(xg_translit(&table, XG_TR_HANT_HANS, s, n), 0, "%s", xg_error_message());
    cr_assert(xg_translit_hans_table(), "the table is in use");
    xg_translit_hans_off = true;
    cr_assert_eq(xg_translit(&icu, XG_TR_HANT_HANS, s, n), 0, "%s", xg_error_message());
    xg_translit_hans_off = false;
    cr_assert_str_eq(table, icu, "input %.*s", (int)n, s);
    free(table);
    free(icu);
}

static void put_cp(xg_buf *b, int32_t cp)
{
    char u[4] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                 (char)(0x80 | (cp & 0x3F))};
    cr_assert_eq(xg_buf_append(b, u, 3), 0);
}

Test(text_hans_table, every_ideograph_as_icu, .init = setup, .fini = teardown)
{
    xg_buf b;
    xg_buf_init(&b);
    for (int32_t cp = 0x4E00; cp <= 0x9FFF; cp++) {
        put_cp(&b, cp);
        if ((cp - 0x4E00) % 40 == 39 || cp == 0x9FFF) {
            same_as_icu(b.data, b.len);
            b.len = 0;
        }
    }
    xg_buf_free(&b);
    const char *mixed[] = {"華為技術有限公司", "Huawei 華為 Co., Ltd. (臺灣)",
                           "乾隆 乾燥 乾坤",   "",
                           "ascii only",       "𠀀𠀁 華",
                           "于飛 鮮于",        "崑崙山 金崙溪"};
    for (size_t i = 0; i < sizeof mixed / sizeof *mixed; i++)
        same_as_icu(mixed[i], strlen(mixed[i]));
}

Test(text_hans_table, every_cedict_headword_as_icu, .init = setup, .fini = teardown)
{
    char path[4200], *text;
    size_t len;
    snprintf(path, sizeof path, "%s/cedict/cedict_ts.u8", xg_data_dir());
    cr_assert_eq(xg_file_read(&text, &len, path, 0), 0, "%s", xg_error_message());
    xg_buf b;
    xg_buf_init(&b);
    int words = 0;
    for (char *p = text; p < text + len;) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p)), *end = nl ? nl : text + len;
        char *sp = memchr(p, ' ', (size_t)(end - p));
        if (*p != '#' && sp) {
            cr_assert_eq(xg_buf_append(&b, p, (size_t)(sp - p)), 0);
            if (++words % 10 == 0) {
                same_as_icu(b.data, b.len);
                b.len = 0;
            }
        }
        p = end + 1;
    }
    if (b.len) same_as_icu(b.data, b.len);
    cr_assert_gt(words, 100000);
    xg_buf_free(&b);
    free(text);
}

static const char sample[] = "華為技術有限公司 中國航天科技集團 臺灣積體電路製造 崑崙 乾隆";

static char *convert_fresh(void)
{
    xg_translit_hans_reset();
    char *out;
    cr_assert_eq(xg_translit(&out, XG_TR_HANT_HANS, sample, strlen(sample)), 0);
    return out;
}

Test(text_hans_table, damaged_file_rebuilt, .init = setup, .fini = teardown)
{
    char path[512];
    cr_assert_eq(cache_temp_count(dir, "hanthans", ".tab", path, sizeof path), 0);
    char *ref = convert_fresh();
    cr_assert_eq(cache_temp_count(dir, "hanthans", ".tab", path, sizeof path), 1,
                 "the first Hant-Hans writes the table");
    char *warm = convert_fresh();
    cr_assert_str_eq(warm, ref);
    cr_assert(xg_translit_hans_table());
    free(warm);
    char *good;
    size_t len;
    cr_assert_eq(xg_file_read(&good, &len, path, 0), 0);
    cr_assert_gt(len, 1000);
    size_t at[] = {len - 3, len / 2, 12, 26, 3, len, 0};
    for (size_t k = 0; k < sizeof at / sizeof *at; k++) {
        char *bad = malloc(len);
        cr_assert_not_null(bad);
        memcpy(bad, good, len);
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f);
        if (at[k] == 0)
            fputs("XGHANS01 garbage", f);
        else if (at[k] >= len)
            fwrite(bad, 1, len / 2, f);
        else
            bad[at[k]] ^= 0x20, fwrite(bad, 1, len, f);
        fclose(f);
        char *got = convert_fresh();
        cr_assert_str_eq(got, ref, "damage at %zu", at[k]);
        char *again;
        size_t len2;
        cr_assert_eq(xg_file_read(&again, &len2, path, 0), 0);
        cr_assert(len2 == len && !memcmp(again, good, len), "damage at %zu: not rewritten", at[k]);
        free(again);
        free(got);
        free(bad);
    }
    free(good);
    free(ref);
}
