/*
 * test_text_tables_cache.c — the compiled tables of the text module kept between runs: CC-CEDICT
 * (cedict_tab.c, cedict-<key>.tab, issue 15) and the name tables (names_tab.c, names-<key>.tab,
 * issue 12). For each: a cold load writes the table, a warm load reads it and analyses names
 * exactly as the cold load and a load without cache, and a damaged file (a flipped payload byte,
 * a flipped key byte, a flipped checksum or magic byte, a truncated file, garbage) is never
 * trusted: it is built again and rewritten whole, and so is a sound table of another key (another
 * copy of the dictionary; name tables with an amended term). Runs against the bundled data
 * (XGATE_DATA).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cache_temp.h"
#include "core/core.h"
#include "xgate/error.h"
#include "xgate/text.h"

static char dir[64];

static void setup(void)
{
    cache_temp_open(dir, "texttables");
}

static void teardown(void)
{
    cache_temp_remove(dir);
}

static const char *const names[] = {
    "华为技术有限公司",
    "中国人民解放军国防科技大学",
    "北京航空航天大学",
    "深圳市大疆创新科技有限公司",
    "李明",
    "欧阳振华",
    "四川大学华西医院",
    "株式会社東芝",
    "中国电子科技集团公司第十四研究所",
    "广州市天河区",
    "哈尔滨工业大学",
    "上海微电子装备(集团)股份有限公司",
    "Huawei Technologies Co., Ltd.",
    "Zzqxacme Trading GmbH",
    "ООО Ромашка",
    "Moscow State University",
    "Dr. John Smith",
    "Mr Li Ming",
    "Sichuan Agricultural University",
    "Bank of China Limited",
    "Société Générale S.A.",
    "Łódź Semiconductor Sp. z o.o.",
    "شركة النفط الوطنية",
    "First Nuclear Corp",
    "AG",
};
#define NNAMES (sizeof names / sizeof *names)

/* Every name analysed, and the context's sizes, as one string (heap), loading a new context
 * from `data` (NULL: the bundled data). */
static char *render_data(const char *data)
{
    xg_text_ctx *ctx;
    cr_assert_eq(xg_text_ctx_load(&ctx, data), 0, "%s", xg_error_message());
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    for (size_t k = 0; k < NNAMES; k++) {
        xg_arena a;
        xg_arena_init(&a, 0);
        xg_name n;
        cr_assert_eq(xg_name_analyse(&n, &a, ctx, names[k], strlen(names[k]), 0), 0, "%s",
                     xg_error_message());
        fprintf(f, "%s|%s|%d", n.latin, n.han ? n.han : "-", n.is_person);
        for (size_t i = 0; i < n.ntokens; i++)
            fprintf(f, " %s/%s/%s/%d/%d", n.tokens[i].text,
                    n.tokens[i].symbol ? n.tokens[i].symbol : "-",
                    n.tokens[i].alt ? n.tokens[i].alt : "-", (int)n.tokens[i].kind,
                    (int)n.tokens[i].level);
        fputc('\n', f);
        xg_arena_free(&a);
    }
    xg_text_info info;
    xg_text_ctx_info(ctx, &info);
    fprintf(f, "han %zu cedict %zu phrases %zu\n", (size_t)info.han_words,
            (size_t)info.cedict_entries, (size_t)info.phrases);
    fprintf(f, "shenzhen %d guangzhou %d\n", xg_text_latin_place(ctx, "shenzhen"),
            xg_text_latin_place(ctx, "guangzhou"));
    fclose(f);
    xg_text_ctx_free(ctx);
    return out;
}

static char *render_all(void)
{
    return render_data(NULL);
}

/* The one table of `stem` in dir, read whole. */
static char *read_cache(const char *stem, size_t *len)
{
    char path[512], *data;
    cr_assert_eq(cache_temp_count(dir, stem, ".tab", path, sizeof path), 1, "%s", stem);
    cr_assert_eq(xg_file_read(&data, len, path, 0), 0, "%s", xg_error_message());
    return data;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Damage the table of `stem` at `at` (XOR 0x20; at >= len: truncate to half; at == 0: garbage
 * after its magic), load, and check the names come out as ref and the file is rewritten as it
 * was. */
static void damage_and_check(const char *stem, const char *magic, const char *ref, size_t at)
{
    char path[512], garbage[64];
    size_t len;
    char *good = read_cache(stem, &len);
    cr_assert_eq(cache_temp_count(dir, stem, ".tab", path, sizeof path), 1);
    char *bad = malloc(len);
    cr_assert_not_null(bad);
    memcpy(bad, good, len);
    if (at == 0) {
        int n = snprintf(garbage, sizeof garbage, "%s not a table", magic);
        write_file(path, garbage, (size_t)n);
    } else if (at >= len)
        write_file(path, bad, len / 2);
    else
        bad[at] ^= 0x20, write_file(path, bad, len);
    char *got = render_all();
    cr_assert_str_eq(got, ref);
    size_t len2;
    char *again = read_cache(stem, &len2);
    cr_assert(len2 == len && !memcmp(again, good, len), "%s: damaged file %zu not rewritten", stem,
              at);
    free(got);
    free(again);
    free(bad);
    free(good);
}

/* Cold, warm and uncached loads alike, then every kind of damage rebuilt; `extra`: one more
 * payload offset to flip (0: none). */
static void cold_warm_damaged(const char *stem, const char *magic, size_t extra)
{
    char path[512];
    cr_assert_eq(cache_temp_count(dir, stem, ".tab", path, sizeof path), 0);
    char *cold = render_all();
    cr_assert_eq(cache_temp_count(dir, stem, ".tab", path, sizeof path), 1,
                 "the cold load writes the %s table", stem);
    char *warm = render_all();
    cr_assert_str_eq(warm, cold);
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", "off", 1), 0);
    char *off = render_all();
    cr_assert_str_eq(off, cold);
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", dir, 1), 0);
    size_t len;
    free(read_cache(stem, &len));
    cr_assert_gt(len, 1000);
    damage_and_check(stem, magic, cold, len - 10); /* payload (the names table: a person prefix) */
    if (extra) damage_and_check(stem, magic, cold, len / extra); /* payload: a phrase */
    damage_and_check(stem, magic, cold, 12);                     /* key */
    damage_and_check(stem, magic, cold, 26);                     /* checksum */
    damage_and_check(stem, magic, cold, 3);                      /* magic */
    damage_and_check(stem, magic, cold, len);                    /* truncated */
    damage_and_check(stem, magic, cold, 0);                      /* garbage */
    free(cold);
    free(warm);
    free(off);
}

Test(text_cedict_cache, cold_warm_uncached_damaged_alike, .init = setup, .fini = teardown)
{
    cold_warm_damaged("cedict", "XGCEDT01", 0);
}

Test(text_names_cache, cold_warm_uncached_damaged_alike, .init = setup, .fini = teardown)
{
    cold_warm_damaged("names", "XGNAMT01", 2);
}

/* A data directory of links to the bundled data but for the folder `sub`, made by the shell
 * command `make` (with %1$s the new data directory, %2$s the bundled one), into data[cap]. */
static void data_copy(char *data, size_t cap, const char *sub, const char *make)
{
    snprintf(data, cap, "%s/data", dir);
    char cmd[8192], made[4096];
    snprintf(made, sizeof made, make, data, xg_data_dir());
    snprintf(cmd, sizeof cmd,
             "mkdir '%s' && for d in '%s'/*; do ln -s \"$d\" '%s'/; done && rm '%s/%s' && %s", data,
             xg_data_dir(), data, data, sub, made);
    cr_assert_eq(system(cmd), 0);
}

/* After a load from data (another key: another table of `stem`), that table swapped for the
 * first one — sound, but of the other key — is not used: the answers stay data's own (`copy`)
 * and the file is rewritten; the first table still answers for the bundled data (ref). */
static void other_key_rebuilt(const char *stem, const char *data, const char *ref, const char *copy,
                              const char *first, const char *table_a, size_t len_a)
{
    char path[512];
    cr_assert_eq(cache_temp_count(dir, stem, ".tab", path, sizeof path), 2,
                 "another key: another %s table", stem);
    if (!strcmp(path, first)) { /* the other one */
        DIR *d = opendir(dir);
        struct dirent *e;
        size_t sl = strlen(stem);
        while ((e = readdir(d)))
            if (!strncmp(e->d_name, stem, sl) && e->d_name[sl] == '-' &&
                strcmp(strrchr(first, '/') + 1, e->d_name))
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        closedir(d);
    }
    char *table_b;
    size_t len_b;
    cr_assert_eq(xg_file_read(&table_b, &len_b, path, 0), 0);
    write_file(path, table_a, len_a);
    char *got = render_data(data);
    cr_assert_str_eq(got, copy, "the other key's %s table is not used", stem);
    char *again;
    size_t len2;
    cr_assert_eq(xg_file_read(&again, &len2, path, 0), 0);
    cr_assert(len2 == len_b && !memcmp(again, table_b, len_b), "stale table not rewritten");
    char *back = render_all();
    cr_assert_str_eq(back, ref, "the first table still answers for the bundled data");
    free(back);
    free(again);
    free(got);
    free(table_b);
}

Test(text_cedict_cache, table_of_another_key_rebuilt, .init = setup, .fini = teardown)
{
    char first[512], data[256];
    char *ref = render_all();
    cr_assert_eq(cache_temp_count(dir, "cedict", ".tab", first, sizeof first), 1);
    size_t len_a;
    char *table_a = read_cache("cedict", &len_a);
    data_copy(data, sizeof data, "cedict",
              "mkdir '%1$s/cedict' && cp '%2$s/cedict/cedict_ts.u8' '%1$s/cedict/'");
    char *copy = render_data(data);
    cr_assert_str_eq(copy, ref, "another copy of the dictionary reads alike");
    other_key_rebuilt("cedict", data, ref, copy, first, table_a, len_a);
    free(copy);
    free(table_a);
    free(ref);
}

Test(text_names_cache, table_of_another_key_rebuilt, .init = setup, .fini = teardown)
{
    char first[512], data[256];
    char *ref = render_all();
    cr_assert_eq(cache_temp_count(dir, "names", ".tab", first, sizeof first), 1);
    size_t len_a;
    char *table_a = read_cache("names", &len_a);
    data_copy(data, sizeof data, "names",
              "cp -r '%2$s/names' '%1$s/names' && "
              "printf 'zzqxacme\\tSTOP\\n' >> '%1$s/names/xg_terms.tsv'");
    char *copy = render_data(data);
    cr_assert_str_neq(copy, ref, "the amended terms answer otherwise");
    other_key_rebuilt("names", data, ref, copy, first, table_a, len_a);
    free(copy);
    free(table_a);
    free(ref);
}
