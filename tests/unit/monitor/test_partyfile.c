/*
 * test_partyfile.c — the compiled party file of monitor runs (src/monitor/partyfile.c): a run
 * that maps it opens the same alerts as one that reads the store; a party added after it was
 * written bumps the store's party generation, so the file is refused and the party is seen;
 * truncated, bit-flipped and other-version files are refused with their reason and rebuilt.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store_temp.h"
#include "xgate/error.h"
#include "xgate/monitor.h"

static xg_text_ctx *text;
static char added_csv[256];

static const char *const customers[] = {"Huawei Technologies Co Ltd", "Nordwind Optics AG",
                                        "Helios Quantum Analytics Ltd", "Sinochem Group",
                                        "Amber Birch Logistics GmbH"};

static void setup(void)
{
    const char *d = getenv("XGATE_SNAPSHOT_DIR");
    if (d && !strcmp(d, "off")) setenv("XGATE_SNAPSHOT_DIR", "/tmp", 1);
    if (!text) cr_assert_eq(xg_text_ctx_load(&text, NULL), 0, "%s", xg_error_message());
    /* version 2 adds two entries: one a stored customer matches, one only a later one */
    snprintf(added_csv, sizeof added_csv, "/tmp/xg-partyfile-%d.xgate.csv", (int)getpid());
    FILE *f = fopen(added_csv, "w");
    cr_assert(f);
    fputs("id,source,type,name,aliases,country,parent,parent_percent,ids,addresses,programs,"
          "start_date,end_date,remarks\n"
          "TEST-PF-1,Test List,Entity,Nordwind Optics AG,,DE,,,,,TEST,2026-01-01,,\n"
          "TEST-PF-2,Test List,Entity,Ostwind Photonics GmbH,,DE,,,,,TEST,2026-01-01,,\n",
          f);
    fclose(f);
}

static void teardown(void)
{
    unlink(added_csv);
}

static xg_snapshot *lists(int version)
{
    const char *sh = getenv("XGATE_SHARED") ? getenv("XGATE_SHARED") : "/work/shared";
    char dod[1024];
    snprintf(dod, sizeof dod, "%s/data/lists/dod_1260h_2026.xgate.csv", sh);
    const char *p[] = {dod, added_csv};
    xg_snapshot *s;
    cr_assert_eq(xg_snapshot_load(&s, p, version == 1 ? 1 : 2, 0, text), 0, "%s",
                 xg_error_message());
    return s;
}

static void add_customer(xg_store *st, const char *name)
{
    char *id;
    json_t *c = json_pack("{s:s,s:s}", "name", name, "country", "DE");
    cr_assert_eq(xg_store_customer_put(&id, st, c), 0, "%s", xg_error_message());
    free(id);
    json_decref(c);
}

static xg_store *stocked(temp_store *t, const char *tag)
{
    xg_store *st = temp_store_open(t, tag);
    for (size_t i = 0; i < sizeof customers / sizeof *customers; i++)
        add_customer(st, customers[i]);
    return st;
}

/* One run; the report (caller's) and its party file status. */
static json_t *run(xg_store *st, xg_snapshot *s, int full)
{
    xg_monitor_opts o = {.threshold = -1, .full = full};
    json_t *r;
    cr_assert_eq(xg_monitor_run(&r, st, s, text, &o), 0, "%s", xg_error_message());
    return r;
}

static const char *pf_status(const json_t *r)
{
    return json_string_value(json_object_get(json_object_get(r, "party_file"), "status"));
}

static const char *pf_path(const json_t *r)
{
    return json_string_value(json_object_get(json_object_get(r, "party_file"), "path"));
}

/* The opened alerts as sorted "party|entry|score" lines. */
static char *opened(const json_t *r)
{
    const json_t *a = json_object_get(r, "opened");
    size_t n = json_array_size(a);
    char **v = calloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const json_t *x = json_array_get(a, i);
        char buf[512];
        snprintf(buf, sizeof buf, "%s|%s|%.6f\n",
                 json_string_value(json_object_get(json_object_get(x, "party"), "name")),
                 json_string_value(json_object_get(json_object_get(x, "entry"), "id")),
                 json_real_value(json_object_get(x, "score")));
        v[i] = strdup(buf);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(v[i], v[j]) > 0) {
                char *t = v[i];
                v[i] = v[j];
                v[j] = t;
            }
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]);
    char *out = calloc(len, 1);
    for (size_t i = 0; i < n; i++) {
        strcat(out, v[i]);
        free(v[i]);
    }
    free(v);
    return out;
}

TestSuite(party_file, .init = setup, .fini = teardown);

Test(party_file, the_same_alerts_with_and_without_the_file)
{
    xg_snapshot *v1 = lists(1), *v2 = lists(2);
    temp_store ta, tb;
    xg_store *a = stocked(&ta, "pfa"), *b = stocked(&tb, "pfb");
    json_t *r = run(a, v1, 0);
    cr_assert_str_eq(pf_status(r), "written");
    cr_assert(json_is_true(json_object_get(json_object_get(r, "party_file"), "written")));
    char path_a[1024], path_b[1024];
    snprintf(path_a, sizeof path_a, "%s", pf_path(r));
    char *first_a = opened(r);
    json_decref(r);
    r = run(b, v1, 0);
    char *first_b = opened(r);
    cr_expect_str_eq(first_a, first_b);
    snprintf(path_b, sizeof path_b, "%s", pf_path(r));
    cr_assert_eq(unlink(path_b), 0, "%s", path_b); /* b's next run reads its store */
    json_decref(r);

    json_t *ra = run(a, v2, 0), *rb = run(b, v2, 0);
    cr_assert_str_eq(pf_status(ra), "used");
    cr_assert_str_eq(pf_status(rb), "written");
    char *oa = opened(ra), *ob = opened(rb);
    cr_expect(strstr(oa, "Nordwind Optics AG|TEST-PF-1|") != NULL, "%s", oa);
    cr_expect_str_eq(oa, ob);
    cr_expect(json_equal(json_object_get(ra, "parties"), json_object_get(rb, "parties")));
    cr_expect(json_equal(json_object_get(ra, "still_open"), json_object_get(rb, "still_open")));
    cr_expect(json_equal(json_object_get(ra, "party_names"), json_object_get(rb, "party_names")));
    /* the alert from the file names the party's relations as the store does */
    const json_t *al = json_array_get(json_object_get(ra, "opened"), 0);
    cr_expect_str_eq(json_string_value(
                         json_array_get(json_object_get(json_object_get(al, "party"), "roles"), 0)),
                     "customer");
    free(first_a), free(first_b), free(oa), free(ob);
    json_decref(ra), json_decref(rb);
    unlink(path_a), unlink(path_b); /* PostgreSQL stores keep theirs in the snapshot directory */
    temp_store_remove(&ta, a);
    temp_store_remove(&tb, b);
    xg_snapshot_unref(v1), xg_snapshot_unref(v2);
}

Test(party_file, a_party_added_after_the_file_is_seen)
{
    xg_snapshot *v1 = lists(1), *v2 = lists(2);
    temp_store t;
    xg_store *st = stocked(&t, "pfgen");
    char tok[33], tok2[33];
    int64_t c1, c2;
    cr_assert_eq(xg_store_party_generation(st, tok, &c1), 0, "%s", xg_error_message());
    cr_expect_eq(strlen(tok), 32);
    json_t *r = run(st, v1, 0);
    cr_assert_str_eq(pf_status(r), "written");
    char path[1024];
    snprintf(path, sizeof path, "%s", pf_path(r));
    json_decref(r);
    /* a monitor run writes no party table: the generation stays */
    cr_assert_eq(xg_store_party_generation(st, tok2, &c2), 0);
    cr_expect_str_eq(tok, tok2);
    cr_expect_eq(c1, c2);
    add_customer(st, "Ostwind Photonics GmbH");
    cr_assert_eq(xg_store_party_generation(st, tok2, &c2), 0);
    cr_expect_str_eq(tok, tok2);
    cr_expect_gt(c2, c1);
    r = run(st, v2, 0);
    cr_assert_str_eq(pf_status(r), "refused");
    cr_expect(strstr(json_string_value(json_object_get(json_object_get(r, "party_file"), "reason")),
                     "stale") != NULL);
    char *o = opened(r);
    cr_expect(strstr(o, "Ostwind Photonics GmbH|TEST-PF-2|") != NULL, "%s", o);
    cr_expect(strstr(o, "Nordwind Optics AG|TEST-PF-1|") != NULL, "%s", o);
    cr_expect_eq(json_integer_value(json_object_get(r, "parties")), 6);
    free(o);
    json_decref(r);
    unlink(path);
    temp_store_remove(&t, st);
    xg_snapshot_unref(v1), xg_snapshot_unref(v2);
}

static void damage(const char *path, const char *how)
{
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    if (!strcmp(how, "truncate")) {
        cr_assert_eq(truncate(path, sb.st_size - 9), 0);
    } else if (!strcmp(how, "header")) {
        cr_assert_eq(truncate(path, 10), 0);
    } else {
        FILE *f = fopen(path, "r+b");
        cr_assert(f);
        long at = !strcmp(how, "flip") ? (long)(sb.st_size - 200) : 8; /* 8: the version */
        fseek(f, at, SEEK_SET);
        int ch = fgetc(f);
        fseek(f, at, SEEK_SET);
        fputc(ch ^ (!strcmp(how, "flip") ? 0x10 : 0x07), f);
        fclose(f);
    }
}

Test(party_file, damaged_files_are_refused_and_rebuilt)
{
    xg_snapshot *v1 = lists(1);
    temp_store t;
    xg_store *st = stocked(&t, "pfbad");
    json_t *r = run(st, v1, 1);
    cr_assert_str_eq(pf_status(r), "written");
    char *want = opened(r), path[1024];
    snprintf(path, sizeof path, "%s", pf_path(r));
    json_int_t open0 = (json_int_t)json_array_size(json_object_get(r, "opened"));
    json_decref(r);
    static const char *const how[] = {"truncate", "flip", "version", "header"};
    static const char *const why[] = {"truncated or extended payload", "checksum mismatch",
                                      "other format version", "truncated header"};
    for (size_t i = 0; i < 4; i++) {
        damage(path, how[i]);
        r = run(st, v1, 1);
        cr_expect_str_eq(pf_status(r), "refused", "%s", how[i]);
        cr_expect_str_eq(
            json_string_value(json_object_get(json_object_get(r, "party_file"), "reason")), why[i]);
        cr_expect(json_is_true(json_object_get(json_object_get(r, "party_file"), "written")));
        cr_expect_eq(json_integer_value(json_object_get(r, "still_open")), open0, "%s", how[i]);
        json_decref(r);
        /* rebuilt: the next run maps it and finds the same */
        r = run(st, v1, 1);
        cr_expect_str_eq(pf_status(r), "used", "%s", how[i]);
        cr_expect_eq(json_integer_value(json_object_get(r, "still_open")), open0, "%s", how[i]);
        cr_expect_eq(json_array_size(json_object_get(r, "opened")), 0);
        json_decref(r);
    }
    cr_expect(strlen(want) > 0);
    free(want);
    unlink(path);
    temp_store_remove(&t, st);
    xg_snapshot_unref(v1);
}
