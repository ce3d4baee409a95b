/*
 * test_match_snapfile.c — the compiled snapshot file: a cold load writes it, a warm load maps it
 * and screens exactly alike, and every kind of damage (truncated, a flipped byte, another format
 * version, a file of other lists, garbage, token measures that do not fit their tokens) is refused
 * and rebuilt with a note, never trusted.
 * Since format 2 the file holds the list set too: a warm load gives the same records, files,
 * hashes, sources and skipped rows as parsing, and a changed list file is a new key.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "match/score.h"
#include "match/snapfile.h"
#include "text/text_internal.h"
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

/* The header and the file name carry what analysed the names (the build and the running ICU's
 * version): a file written by another binary, or under another ICU, is rebuilt. */
Test(match_snapfile, other_analyser)
{
    char *want = prepare(), *path = path_now();
    uint8_t id[16];
    xg_text_analyser_id(id);
    xg_snapfile_hdr h;
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    cr_assert_eq(fread(&h, sizeof h, 1, f), 1);
    fclose(f);
    cr_assert_eq(memcmp(h.build, id, 16), 0, "the header holds the analyser's identity");
    char hex[16];
    snprintf(hex, sizeof hex, "-%02x%02x%02x%02x.", id[0], id[1], id[2], id[3]);
    cr_assert(strstr(path, hex), "%s lacks %s", path, hex);
    h.build[5] ^= 1;
    patch(path, offsetof(xg_snapfile_hdr, build), h.build, 16);
    expect_rebuilt("another build or ICU version", want);
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

/* ---- format 2: the list set in the file ---- */

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static void assert_same_strs(const char *const *a, const char *const *b, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        cr_assert(same_str(a[i], b[i]), "%s %zu: '%s' vs '%s'", what, i, a[i], b[i]);
}

/* Every field of every record, file, source and skipped row. */
static void assert_same_lists(const xg_listset *a, const xg_listset *b)
{
    cr_assert_str_eq(a->hash, b->hash);
    cr_assert_eq(a->nrecords, b->nrecords);
    for (size_t i = 0; i < a->nrecords; i++) {
        const xg_record *x = &a->records[i], *y = &b->records[i];
        const char *sx[] = {x->id,       x->source, x->source_code, x->name, x->start_date,
                            x->end_date, x->parent, x->remarks,     x->file};
        const char *sy[] = {y->id,       y->source, y->source_code, y->name, y->start_date,
                            y->end_date, y->parent, y->remarks,     y->file};
        assert_same_strs(sx, sy, sizeof sx / sizeof *sx, "record field");
        cr_assert_eq(x->type, y->type);
        cr_assert_eq(x->line, y->line);
        cr_assert(x->parent_percent == y->parent_percent);
        cr_assert_eq(x->naliases, y->naliases);
        cr_assert_eq(x->ncountries, y->ncountries);
        cr_assert_eq(x->naddresses, y->naddresses);
        cr_assert_eq(x->nprograms, y->nprograms);
        cr_assert_eq(x->nids, y->nids);
        assert_same_strs(x->aliases, y->aliases, x->naliases, "alias");
        assert_same_strs(x->countries, y->countries, x->ncountries, "country");
        assert_same_strs(x->addresses, y->addresses, x->naddresses, "address");
        assert_same_strs(x->programs, y->programs, x->nprograms, "program");
        for (size_t k = 0; k < x->nids; k++) {
            cr_assert(same_str(x->ids[k].scheme, y->ids[k].scheme));
            cr_assert(same_str(x->ids[k].value, y->ids[k].value));
            cr_assert(same_str(x->ids[k].country, y->ids[k].country));
        }
    }
    cr_assert_eq(a->nfiles, b->nfiles);
    for (size_t i = 0; i < a->nfiles; i++) {
        cr_assert_str_eq(a->files[i].path, b->files[i].path);
        cr_assert_str_eq(a->files[i].format, b->files[i].format);
        cr_assert(same_str(a->files[i].note, b->files[i].note));
        cr_assert_eq(a->files[i].records, b->files[i].records);
        cr_assert_str_eq(a->files[i].sha256, b->files[i].sha256);
    }
    cr_assert_eq(a->nsources, b->nsources);
    for (size_t i = 0; i < a->nsources; i++) {
        cr_assert(same_str(a->sources[i].source_code, b->sources[i].source_code));
        cr_assert(same_str(a->sources[i].source, b->sources[i].source));
        cr_assert_eq(a->sources[i].records, b->sources[i].records);
    }
    cr_assert_eq(a->nskipped, b->nskipped);
    for (size_t i = 0; i < a->nskipped; i++) {
        cr_assert(same_str(a->skipped[i].file, b->skipped[i].file));
        cr_assert_eq(a->skipped[i].line, b->skipped[i].line);
        cr_assert(same_str(a->skipped[i].problem, b->skipped[i].problem));
    }
}

static void sh(const char *fmt, const char *a, const char *b)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* An OFAC SDN triple cut short, add.csv missing, loaded leniently: records with aliases, ids and
 * programs, a file note and skipped rows must all come back from the file as parsed. */
Test(match_snapfile, list_set_from_file_identical)
{
    char sdn_dir[256], src[1024], listed[1024];
    snprintf(sdn_dir, sizeof sdn_dir, "%s/sdn", dir);
    snprintf(src, sizeof src, "%s/lists/ofac_sdn_2021-07", data_dir());
    cr_assert_eq(mkdir(sdn_dir, 0700), 0);
    sh("head -n 300 '%s/sdn.csv' >'%s/sdn.csv'", src, sdn_dir);
    sh("head -n 400 '%s/alt.csv' >'%s/alt.csv'", src, sdn_dir);
    snprintf(listed, sizeof listed, "%s/lists/csl_sample.csv", data_dir());
    const char *p[] = {sdn_dir, listed};
    xg_snapshot *cold, *warm;
    cr_assert_eq(xg_snapshot_load(&cold, p, 2, XG_LOAD_LENIENT, text), 0, "%s", xg_error_message());
    cr_assert_str_eq(xg_snapshot_origin(cold), "built");
    cr_assert_eq(xg_snapshot_load(&warm, p, 2, XG_LOAD_LENIENT, text), 0, "%s", xg_error_message());
    cr_assert_str_eq(xg_snapshot_origin(warm), "mapped");
    const xg_listset *a = xg_snapshot_lists(cold), *b = xg_snapshot_lists(warm);
    cr_assert_gt(a->nskipped, 0, "no skipped row to compare");
    cr_assert_not_null(a->files[0].note);
    assert_same_lists(a, b);
    cr_assert_str_eq(xg_snapshot_hash(warm), xg_snapshot_hash(cold));
    /* and the very set xg_lists_load parses */
    xg_listset *parsed;
    cr_assert_eq(xg_lists_load(&parsed, p, 2, XG_LOAD_LENIENT), 0, "%s", xg_error_message());
    assert_same_lists(parsed, b);
    xg_listset_free(parsed);
    /* strict loads are another key: add.csv missing is then an error, not a mapped file */
    xg_snapshot *strict = NULL;
    cr_assert_neq(xg_snapshot_load(&strict, p, 2, 0, text), 0);
    /* add.csv appearing is another key too (the fingerprint marks it missing) */
    sh("head -n 50 '%s/add.csv' >'%s/add.csv'", src, sdn_dir);
    xg_snapshot *with_add;
    cr_assert_eq(xg_snapshot_load(&with_add, p, 2, XG_LOAD_LENIENT, text), 0, "%s",
                 xg_error_message());
    cr_assert_str_eq(xg_snapshot_origin(with_add), "built");
    cr_assert_str_neq(xg_snapshot_file_path(with_add), xg_snapshot_file_path(warm));
    xg_snapshot_unref(with_add);
    xg_snapshot_unref(cold);
    xg_snapshot_unref(warm);
}

/* A list file changed in place (same size, one byte) is another key: built, never the old file. */
Test(match_snapfile, list_file_changed)
{
    char copy[256], src[1024];
    snprintf(copy, sizeof copy, "%s/list.csv", dir);
    snprintf(src, sizeof src, "%s/lists/csl_sample.csv", data_dir());
    sh("cp '%s' '%s'", src, copy);
    const char *p[] = {copy};
    xg_snapshot *s;
    cr_assert_eq(xg_snapshot_load(&s, p, 1, 0, text), 0, "%s", xg_error_message());
    char *first = file_of(s);
    char *hash = strdup(xg_snapshot_hash(s));
    xg_snapshot_unref(s);
    /* the first record's name, one letter changed */
    xg_listset *l;
    cr_assert_eq(xg_lists_load(&l, p, 1, 0), 0);
    char *name = strdup(l->records[0].name);
    xg_listset_free(l);
    FILE *f = fopen(copy, "rb");
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *at = memmem(buf, n, name, strlen(name));
    cr_assert_not_null(at);
    *at = *at == 'Q' ? 'X' : 'Q';
    patch(copy, (size_t)(at - buf), at, 1);
    cr_assert_eq(xg_snapshot_load(&s, p, 1, 0, text), 0, "%s", xg_error_message());
    cr_assert_str_eq(xg_snapshot_origin(s), "built");
    cr_assert_str_neq(xg_snapshot_file_path(s), first);
    cr_assert_str_neq(xg_snapshot_hash(s), hash);
    cr_assert_eq(xg_snapshot_lists(s)->records[0].name[0], *at);
    xg_snapshot_unref(s);
    /* changed back: the first file maps again */
    *at = name[0];
    patch(copy, (size_t)(at - buf), at, 1);
    cr_assert_eq(xg_snapshot_load(&s, p, 1, 0, text), 0, "%s", xg_error_message());
    cr_assert_str_eq(xg_snapshot_origin(s), "mapped");
    cr_assert_str_eq(xg_snapshot_file_path(s), first);
    cr_assert_str_eq(xg_snapshot_hash(s), hash);
    xg_snapshot_unref(s);
    free(first), free(hash), free(name);
}

/* Damage behind a valid checksum (a writer's bug, or a crafted file) in the list sections. */
static void damage(const char *path, void (*fn)(xg_snapfile_hdr *h, char *file))
{
    size_t n = file_size(path);
    uint64_t *buf = malloc(n + 8);
    FILE *f = fopen(path, "rb");
    cr_assert_eq(fread(buf, 1, n, f), n);
    fclose(f);
    xg_snapfile_hdr *h = (xg_snapfile_hdr *)buf;
    fn(h, (char *)buf);
    XXH128_canonical_t sum;
    XXH128_canonicalFromHash(&sum, XXH3_128bits((char *)buf + sizeof *h, h->body_len));
    memcpy((char *)buf + sizeof *h + h->body_len, sum.digest, 16);
    patch(path, 0, buf, n);
    free(buf);
}

static void bad_record_name(xg_snapfile_hdr *h, char *file)
{
    ((xg_snapfile_rec *)(file + h->sec[XG_SF_REC][0]))[1].name = 0xFFFFFFF0u;
}

static void bad_alias_list(xg_snapfile_hdr *h, char *file)
{
    xg_snapfile_rec *r = (xg_snapfile_rec *)(file + h->sec[XG_SF_REC][0]);
    r[0].aliases = (uint32_t)h->sec[XG_SF_REF][1];
    r[0].naliases = 2;
}

static void bad_sha(xg_snapfile_hdr *h, char *file)
{
    memset(((xg_snapfile_lfile *)(file + h->sec[XG_SF_LFILE][0]))[0].sha256, 'a', 72);
}

static void bad_type(xg_snapfile_hdr *h, char *file)
{
    ((xg_snapfile_rec *)(file + h->sec[XG_SF_REC][0]))[0].type = 99;
}

static void bad_count(xg_snapfile_hdr *h, char *file)
{
    (void)file;
    h->sec[XG_SF_REC][1]--;
}

Test(match_snapfile, malformed_list_sections)
{
    char *want = prepare(), *path = path_now();
    damage(path, bad_record_name);
    expect_rebuilt("malformed: record", want);
    damage(path, bad_alias_list);
    expect_rebuilt("malformed: record", want);
    damage(path, bad_type);
    expect_rebuilt("malformed: record", want);
    damage(path, bad_sha);
    expect_rebuilt("malformed: list file", want);
    damage(path, bad_count);
    expect_rebuilt("malformed: counts", want);
    free(want), free(path);
}

/* Token measures (format 3) behind a valid checksum: each is checked against its token's string,
 * so none can make a comparison read past a string or take a byte for ASCII that is not. */
static void bad_meas_len(xg_snapfile_hdr *h, char *file)
{
    uint32_t id = ((uint32_t *)(file + h->sec[XG_SF_TOKID][0]))[0];
    ((xg_tok_meas *)(file + h->sec[XG_SF_TOKMEAS][0]))[id].len[0] = 0xFFFFFF00u;
}

static void bad_meas_cps(xg_snapfile_hdr *h, char *file)
{
    uint32_t id = ((uint32_t *)(file + h->sec[XG_SF_TOKID][0]))[0];
    xg_tok_meas *m = &((xg_tok_meas *)(file + h->sec[XG_SF_TOKMEAS][0]))[id];
    m->cps[0] = m->len[0] + 1;
}

static void bad_meas_ascii(xg_snapfile_hdr *h, char *file)
{
    uint32_t id = ((uint32_t *)(file + h->sec[XG_SF_TOKID][0]))[0];
    ((xg_tok_meas *)(file + h->sec[XG_SF_TOKMEAS][0]))[id].ascii[0] = 2;
}

static void bad_meas_count(xg_snapfile_hdr *h, char *file)
{
    (void)file;
    h->sec[XG_SF_TOKMEAS][1] = 0;
}

Test(match_snapfile, malformed_token_measures)
{
    char *want = prepare(), *path = path_now();
    damage(path, bad_meas_len);
    expect_rebuilt("malformed: token measures", want);
    damage(path, bad_meas_cps);
    expect_rebuilt("malformed: token measures", want);
    damage(path, bad_meas_ascii);
    expect_rebuilt("malformed: token measures", want);
    damage(path, bad_meas_count);
    expect_rebuilt("malformed: token measures", want);
    free(want), free(path);
}
