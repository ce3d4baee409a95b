/*
 * test_match_snapfile.c — the compiled snapshot file: a cold load writes it, a warm load maps it
 * and screens exactly alike, and every kind of damage (truncated, a flipped byte, another format
 * version, a file of other lists, garbage) is refused and rebuilt with a note, never trusted.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "match/snapfile.h"
#include "xgate/error.h"
#include "xgate/screen.h"

static xg_text_ctx *text;
static char dir[64];

static const char *data_dir(void)
{
    const char *d = getenv("XGATE_DATA");
    return d ? d : "data";
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/xg-snapfile-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", dir, 1), 0);
    cr_assert_eq(xg_text_ctx_load(&text, NULL), 0, "%s", xg_error_message());
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    xg_text_ctx_free(text);
    text = NULL;
}

TestSuite(match_snapfile, .init = setup, .fini = teardown);

static xg_snapshot *load_list(const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/lists/%s", data_dir(), file);
    const char *p[] = {path};
    xg_snapshot *s;
    cr_assert_eq(xg_snapshot_load(&s, p, 1, 0, text), 0, "%s", xg_error_message());
    return s;
}

static xg_snapshot *load(void)
{
    return load_list("csl_entity_list_prc_research.csv");
}

/* The JSON of a few queries (Latin, Chinese, a typo, an identifier-free miss), as one string. */
static char *answers(const xg_snapshot *s)
{
    static const char *const names[] = {"Sichuan University", "国防科技大学",
                                        "Harbin Instiute of Technology", "Beihang",
                                        "Nobody In Particular Ltd"};
    json_t *all = json_array();
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        xg_screen_query q = {.name = names[i], .threshold = 0.5, .as_of = "2026-01-01"};
        xg_screen_result *r;
        cr_assert_eq(xg_screen(&r, s, &q), 0, "%s", xg_error_message());
        json_array_append_new(all, xg_screen_result_json(r));
        xg_screen_result_free(r);
    }
    char *out = json_dumps(all, JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    json_decref(all);
    return out;
}

static char *file_of(const xg_snapshot *s)
{
    cr_assert_not_null(xg_snapshot_file_path(s));
    return strdup(xg_snapshot_file_path(s));
}

static size_t file_size(const char *path)
{
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0, "%s", path);
    return (size_t)sb.st_size;
}

static void patch(const char *path, size_t at, const void *bytes, size_t n)
{
    int fd = open(path, O_WRONLY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(pwrite(fd, bytes, n, (off_t)at), (ssize_t)n);
    close(fd);
}

/* Load once more and expect a rebuild whose note names `problem`, then a clean warm load. */
static void expect_rebuilt(const char *problem, const char *want_answers)
{
    xg_snapshot *s = load();
    cr_assert_str_eq(xg_snapshot_origin(s), "built");
    cr_assert_not_null(xg_snapshot_file_note(s), "no note for %s", problem);
    cr_assert(strstr(xg_snapshot_file_note(s), problem), "note '%s' lacks '%s'",
              xg_snapshot_file_note(s), problem);
    char *a = answers(s);
    cr_assert_str_eq(a, want_answers);
    free(a);
    xg_snapshot_unref(s);
    s = load();
    cr_assert_str_eq(xg_snapshot_origin(s), "mapped");
    cr_assert_null(xg_snapshot_file_note(s));
    xg_snapshot_unref(s);
}

Test(match_snapfile, cold_then_warm_identical)
{
    xg_snapshot *cold = load();
    cr_assert_str_eq(xg_snapshot_origin(cold), "built");
    cr_assert_null(xg_snapshot_file_note(cold), "%s", xg_snapshot_file_note(cold));
    char *path = file_of(cold);
    cr_assert_gt(file_size(path), sizeof(xg_snapfile_hdr));
    xg_snapshot *warm = load();
    cr_assert_str_eq(xg_snapshot_origin(warm), "mapped");
    cr_assert_str_eq(xg_snapshot_file_path(warm), path);
    cr_assert_eq(xg_snapshot_names(warm), xg_snapshot_names(cold));
    cr_assert_str_eq(xg_snapshot_hash(warm), xg_snapshot_hash(cold));
    char *a = answers(cold), *b = answers(warm);
    cr_assert_str_eq(a, b);
    cr_assert(strstr(a, "\"matches\": [{") || strstr(a, "\"matches\":[{"),
              "no match at all: %.300s", a);
    free(a), free(b), free(path);
    xg_snapshot_unref(cold);
    xg_snapshot_unref(warm);
}

static char *prepare(void)
{
    xg_snapshot *s = load();
    char *a = answers(s);
    char *path = file_of(s);
    xg_snapshot_unref(s);
    return (free(path), a);
}

static char *path_now(void)
{
    xg_snapshot *s = load();
    cr_assert_str_eq(xg_snapshot_origin(s), "mapped");
    char *p = file_of(s);
    xg_snapshot_unref(s);
    return p;
}

Test(match_snapfile, truncated)
{
    char *want = prepare(), *path = path_now();
    cr_assert_eq(truncate(path, (off_t)(file_size(path) / 2)), 0);
    expect_rebuilt("truncated", want);
    cr_assert_eq(truncate(path, 0), 0);
    expect_rebuilt("truncated", want);
    cr_assert_eq(truncate(path, 5), 0);
    expect_rebuilt("truncated", want);
    free(want), free(path);
}

Test(match_snapfile, bit_flipped)
{
    char *want = prepare(), *path = path_now();
    size_t n = file_size(path);
    /* a byte in the body, the checksum itself, and the key in the header */
    const size_t at[] = {sizeof(xg_snapfile_hdr) + 100, n / 2, n - 3};
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f);
        fseek(f, (long)at[i], SEEK_SET);
        int c = fgetc(f);
        fclose(f);
        unsigned char flipped = (unsigned char)(c ^ 0x10);
        patch(path, at[i], &flipped, 1);
        expect_rebuilt("checksum mismatch", want);
    }
    unsigned char k;
    size_t key_at = offsetof(xg_snapfile_hdr, key) + 3;
    FILE *f = fopen(path, "rb");
    fseek(f, (long)key_at, SEEK_SET);
    k = (unsigned char)(fgetc(f) ^ 1);
    fclose(f);
    patch(path, key_at, &k, 1);
    expect_rebuilt("key differs", want);
    free(want), free(path);
}

Test(match_snapfile, other_format_version)
{
    char *want = prepare(), *path = path_now();
    uint32_t v = XG_SNAPFILE_VERSION + 1;
    patch(path, offsetof(xg_snapfile_hdr, version), &v, sizeof v);
    expect_rebuilt("format version", want);
    patch(path, 0, "XGSNAPX\n", 8);
    expect_rebuilt("not a snapshot file", want);
    free(want), free(path);
}

Test(match_snapfile, other_lists)
{
    xg_snapshot *other = load_list("csl_sample.csv");
    char *other_path = file_of(other);
    xg_snapshot_unref(other);
    char *want = prepare(), *path = path_now();
    cr_assert_str_neq(path, other_path, "two lists, one key");
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", other_path, path);
    cr_assert_eq(system(cmd), 0);
    expect_rebuilt("key differs", want);
    free(want), free(path), free(other_path);
}

Test(match_snapfile, garbage_and_off_and_unwritable)
{
    const char *problem = NULL;
    xg_snapfile f;
    static uint64_t buf[64];
    cr_assert_eq(xg_snapfile_parse(&f, buf, sizeof buf, &problem), XG_EFORMAT);
    cr_assert_str_eq(problem, "not a snapshot file");
    cr_assert_eq(xg_snapfile_parse(&f, buf, 3, &problem), XG_EFORMAT);
    cr_assert_str_eq(problem, "truncated");

    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", "off", 1), 0);
    xg_snapshot *s = load();
    cr_assert_str_eq(xg_snapshot_origin(s), "built-uncached");
    cr_assert_null(xg_snapshot_file_path(s));
    xg_snapshot_unref(s);

    /* a directory that cannot be made is no cache, not an error */
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", "/proc/xgate-no-such/dir", 1), 0);
    s = load();
    cr_assert_str_eq(xg_snapshot_origin(s), "built-uncached");
    xg_snapshot_unref(s);

    /* one that exists but refuses the file: built, a note, still no error */
    char ro[128];
    snprintf(ro, sizeof ro, "%s/ro", dir);
    cr_assert_eq(mkdir(ro, 0500), 0);
    cr_assert_eq(setenv("XGATE_SNAPSHOT_DIR", ro, 1), 0);
    s = load();
    cr_assert_str_eq(xg_snapshot_origin(s), "built");
    if (geteuid() != 0) cr_assert_not_null(xg_snapshot_file_note(s));
    xg_snapshot_unref(s);
}
