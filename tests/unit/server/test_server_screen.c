/*
 * test_server_screen.c — the answer of POST /v1/screen written straight into a buffer
 * (screen_answer_write, src/server/routes_screen.c) is byte for byte what the server wrote before
 * from the tree: json_encode of xg_screen_result_json with "list_origin" and "list_versions"
 * added. Checked on every golden query (tests/golden/screen_queries.tsv) over the bundled lists,
 * with the default threshold and with a low one (many matches, near misses, delisted records).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"

static void tree_bytes(xg_buf *out, const xg_screen_result *res, const char *origin, json_t *named)
{
    json_t *j = xg_screen_result_json(res);
    cr_assert_not_null(j);
    json_object_set_new(j, "list_origin", json_string(origin));
    json_object_set_new(j, "list_versions", json_deep_copy(named));
    cr_assert_eq(json_encode(out, j, 0), 0);
    json_decref(j);
}

static size_t compare_one(const xg_snapshot *s, const char *name, double threshold, json_t *named)
{
    xg_screen_query q = {.name = name, .threshold = threshold, .limit = 100};
    xg_screen_result *res;
    if (xg_screen(&res, s, &q) != 0) return 0; /* a query the library refuses: not an answer */
    xg_buf want, got;
    xg_buf_init(&want);
    xg_buf_init(&got);
    tree_bytes(&want, res, "store", named);
    xg_buf_puts(&got, "prefix"); /* appended, not written over what the buffer holds */
    cr_assert_eq(screen_answer_write(&got, res, "store", named), 0, "%s", name);
    cr_assert_eq(got.len - 6, want.len, "%s: %zu bytes, tree %zu\n%.*s\n%s", name, got.len - 6,
                 want.len, (int)got.len, got.data, want.data);
    cr_assert(memcmp(got.data + 6, want.data, want.len) == 0, "%s:\n%.*s\n%s", name,
              (int)got.len - 6, got.data + 6, want.data);
    size_t n = res->nmatches + res->ndelisted + (res->near_miss != NULL);
    xg_screen_result_free(res);
    xg_buf_free(&want);
    xg_buf_free(&got);
    return n;
}

Test(server_screen, written_answer_is_the_tree_byte_for_byte)
{
    xg_text_ctx *text;
    xg_snapshot *s;
    cr_assert_eq(xg_text_ctx_load(&text, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_snapshot_load(&s, NULL, 0, 0, text), 0, "%s", xg_error_message());
    json_t *named = json_pack("{s:{s:s, s:s, s:s}}", "csl", "id", "csl-2026-12-01", "sha256",
                              "ab12", "publish_date", "2026-12-01");
    const char *data_dir = getenv("XGATE_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/../tests/golden/screen_queries.tsv",
             data_dir ? data_dir : "data");
    char *data;
    size_t len, queries = 0, matches = 0;
    cr_assert_eq(xg_file_read(&data, &len, path, 0), 0, "%s", xg_error_message());
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');
        if (*line == '#' || !tab) continue;
        matches += compare_one(s, tab + 1, -1, named);
        matches += compare_one(s, tab + 1, 0.5, named);
        queries++;
    }
    /* the edges: a quote and a control character in the query, nothing found, empty versions */
    json_t *none = json_object();
    compare_one(s, "Sichuan \"University\"\t\\ 四川大学", -1, none);
    compare_one(s, "Zzyzx Qwvk", -1, none);
    json_decref(none);
    cr_assert_gt(queries, 1000);
    cr_assert_gt(matches, 5000, "%zu matches compared", matches);
    free(data);
    json_decref(named);
    xg_snapshot_unref(s);
    xg_text_ctx_free(text);
}

Test(server_screen, thousandths_print_as_jansson_prints_them)
{
    xg_buf got;
    xg_buf_init(&got);
    for (long k = -3000; k <= 3000; k++) {
        double v = (double)k / 1000.0;
        json_t *j = json_real(v);
        char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
        json_decref(j);
        xg_buf_reset(&got);
        cr_assert_eq(json_put_real(&got, v), 0);
        cr_assert(got.len == strlen(want) && !memcmp(got.data, want, got.len), "%ld/1000: %.*s %s",
                  k, (int)got.len, got.data, want);
        free(want);
    }
    const double more[] = {999999999.999, 123456.5, 0.0005, 1e9, -0.0, 1.0 / 3, 0.1 + 0.2};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        json_t *j = json_real(more[i]);
        char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
        xg_buf_reset(&got);
        cr_assert_eq(json_put_real(&got, more[i]), 0);
        cr_assert(got.len == strlen(want) && !memcmp(got.data, want, got.len), "%.17g: %.*s %s",
                  more[i], (int)got.len, got.data, want);
        free(want);
        json_decref(j);
    }
    xg_buf_free(&got);
}
