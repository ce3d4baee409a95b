/*
 * test_text_names_cache.c — the compiled name tables kept between runs (names_tab.c, issue 12):
 * a cold load writes names-<key>.tab, a warm load reads it and analyses names exactly as the cold
 * load and a load without cache, and a damaged file (a flipped payload byte, a flipped key byte,
 * a truncated file, garbage) is never trusted: it is built again and rewritten whole, and so is
 * a sound table of another key (other name tables: answers of its own). Runs against the bundled
 * data (XGATE_DATA).
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
    cache_temp_open(dir, "namescache");
}

static void teardown(void)
{
    cache_temp_remove(dir);
}

static const char *const names[] = {
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
    "华为技术有限公司",
    "First Nuclear Corp",
    "AG",
};
#define NNAMES (sizeof names / sizeof *names)

/* Every name analysed, and the context's phrase count, as one string (heap), loading a new
 * context from `data` (NULL: the bundled data). */
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
    fprintf(f, "phrases %zu\n", (size_t)info.phrases);
    fclose(f);
    xg_text_ctx_free(ctx);
    return out;
}

static char *render_all(void)
{
    return render_data(NULL);
}

/* The path of the names table in dir (into out; the last one read when there are several);
 * returns how many there are. */
static int cache_file(char *out, size_t cap)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "names-", 6) && strstr(e->d_name, ".tab") &&
            !strstr(e->d_name, ".tmp")) {
            snprintf(out, cap, "%s/%s", dir, e->d_name);
            n++;
        }
    closedir(d);
    return n;
}

static char *read_cache(size_t *len)
{
    char path[512], *data;
    cr_assert_eq(cache_file(path, sizeof path), 1);
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

/* Damage the cache file at `at` (XOR 0x20; at >= len: truncate to half; at == 0: garbage), load,
 * and check the names come out as ref and the file is rewritten as it was. */
static void damage_and_check(const char *ref, size_t at)
{
    char path[512];
    size_t len;
    char *good = read_cache(&len);
    cr_assert_eq(cache_file(path, sizeof path), 1);
    char *bad = malloc(len);
    cr_assert_not_null(bad);
    memcpy(bad, good, len);
    if (at == 0)
        write_file(path, "XGNAMT01 not a table", 20);
    else if (at >= len)
        write_file(path, bad, len / 2);
    else
        bad[at] ^= 0x20, write_file(path, bad, len);
    char *got = render_all();
    cr_assert_str_eq(got, ref);
    size_t len2;
    char *again = read_cache(&len2);
    cr_assert(len2 == len && !memcmp(again, good, len), "damaged file %zu not rewritten", at);
    free(got);
    free(again);
    free(bad);
    free(good);
}

Test(text_names_cache, cold_warm_uncached_damaged_alike, .init = setup, .fini = teardown)
{
    char path[512];
    cr_assert_eq(cache_file(path, sizeof path), 0);
    char *cold = render_all();
    cr_assert_eq(cache_file(path, sizeof path), 1, "the cold load writes the table");
    char *warm = render_all();
    cr_assert_str_eq(warm, cold);
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", "off", 1), 0);
    char *off = render_all();
    cr_assert_str_eq(off, cold);
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", dir, 1), 0);
    size_t len;
    free(read_cache(&len));
    cr_assert_gt(len, 1000);
    damage_and_check(cold, len - 10); /* payload: a person prefix */
    damage_and_check(cold, len / 2);  /* payload: a phrase */
    damage_and_check(cold, 12);       /* key */
    damage_and_check(cold, 26);       /* checksum */
    damage_and_check(cold, 3);        /* magic */
    damage_and_check(cold, len);      /* truncated */
    damage_and_check(cold, 0);        /* garbage */
    free(cold);
    free(warm);
    free(off);
}

/* A data directory of links to the bundled data but for a copy of data/names whose xg_terms.tsv
 * makes "zzqxacme" a stop word (other tables: another key, other answers), into data[cap]. */
static void data_copy(char *data, size_t cap)
{
    snprintf(data, cap, "%s/data", dir);
    char cmd[8192];
    snprintf(
        cmd, sizeof cmd,
        "mkdir '%s' && for d in '%s'/*; do ln -s \"$d\" '%s'/; done && rm '%s/names' && "
        "cp -r '%s/names' '%s/names' && printf 'zzqxacme\\tSTOP\\n' >> '%s/names/xg_terms.tsv'",
        data, xg_data_dir(), data, data, xg_data_dir(), data, data);
    cr_assert_eq(system(cmd), 0);
}

Test(text_names_cache, table_of_another_key_rebuilt, .init = setup, .fini = teardown)
{
    char first[512], path[512], data[256];
    char *ref = render_all();
    cr_assert_eq(cache_file(first, sizeof first), 1);
    size_t len_a;
    char *table_a = read_cache(&len_a);
    data_copy(data, sizeof data);
    char *copy = render_data(data);
    cr_assert_str_neq(copy, ref, "the amended terms answer otherwise");
    cr_assert_eq(cache_file(path, sizeof path), 2, "other name tables: another table");
    if (!strcmp(path, first)) { /* the other one */
        DIR *d = opendir(dir);
        struct dirent *e;
        while ((e = readdir(d)))
            if (!strncmp(e->d_name, "names-", 6) && strcmp(strrchr(first, '/') + 1, e->d_name))
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        closedir(d);
    }
    char *table_b;
    size_t len_b;
    cr_assert_eq(xg_file_read(&table_b, &len_b, path, 0), 0);
    write_file(path, table_a, len_a); /* a sound table, but of the other key */
    char *got = render_data(data);
    cr_assert_str_eq(got, copy, "the other key's table is not used");
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
    free(copy);
    free(table_a);
    free(ref);
}
