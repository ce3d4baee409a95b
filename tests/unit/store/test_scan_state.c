/*
 * test_scan_state.c — what `xgate scan --state` keeps: files, document results, runs; a file put
 * again replaces its documents, a touched file keeps them, a deleted file takes them along, and
 * the last run comes back whole.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store_temp.h"
#include "xgate/error.h"
#include "xgate/store.h"

static temp_store tmp;

static xg_store *fresh(void)
{
    xg_store *s = temp_store_open(&tmp, "scan-state");
    return s;
}

static void cleanup(xg_store *s)
{
    temp_store_remove(&tmp, s);
}

Test(store_scan_state, record_read_replace_delete)
{
    xg_store *s = fresh();
    json_t *out = NULL;
    cr_assert_eq(xg_store_scan_last_run(&out, s), XG_ENOTFOUND);
    json_t *run1 = json_loads(
        "{\"id\":\"r1\",\"started\":\"2026-01-01T00:00:00.000Z\",\"stats\":{\"files\":2},"
        "\"findings\":[{\"buyer\":\"四川大学\"}],\"graph\":{\"nodes\":[{\"id\":\"n0\"}]},"
        "\"files_put\":[{\"path\":\"a.txt\",\"size\":10,\"mtime_ns\":5,\"hash\":\"h1\","
        "\"documents\":[{\"document\":\"a.txt\",\"flagged\":true}]},"
        "{\"path\":\"b.jsonl\",\"size\":20,\"mtime_ns\":6,\"hash\":\"h2\",\"documents\":"
        "[{\"document\":\"b.jsonl#1\"},{\"document\":\"b.jsonl#2\"}]}],\"files_del\":[]}",
        0, NULL);
    cr_assert_eq(xg_store_scan_record(s, run1), 0, "%s", xg_error_message());
    cr_assert_eq(xg_store_scan_files(&out, s), 0);
    cr_assert_eq(json_object_size(out), 2);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(out, "a.txt"), "size")), 10);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(out, "b.jsonl"), "hash")),
                     "h2");
    json_decref(out);
    cr_assert_eq(xg_store_scan_documents(&out, s), 0);
    json_t *b = json_object_get(out, "b.jsonl");
    cr_assert_eq(json_array_size(b), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(b, 1), "document")),
                     "b.jsonl#2", "documents in order");
    json_decref(out);
    /* run 2: a.txt touched (documents kept), b.jsonl re-read with one record, c.txt new */
    json_t *run2 = json_loads(
        "{\"id\":\"r2\",\"started\":\"2026-01-02T00:00:00.000Z\",\"stats\":{},\"findings\":[],"
        "\"graph\":{},\"files_put\":[{\"path\":\"a.txt\",\"size\":10,\"mtime_ns\":9,\"hash\":"
        "\"h1\",\"documents\":null},{\"path\":\"b.jsonl\",\"size\":8,\"mtime_ns\":9,\"hash\":"
        "\"h3\",\"documents\":[{\"document\":\"b.jsonl#1\",\"v\":2}]}],\"files_del\":[]}",
        0, NULL);
    cr_assert_eq(xg_store_scan_record(s, run2), 0, "%s", xg_error_message());
    cr_assert_eq(xg_store_scan_documents(&out, s), 0);
    cr_assert_eq(json_array_size(json_object_get(out, "a.txt")), 1);
    cr_assert_eq(json_array_size(json_object_get(out, "b.jsonl")), 1);
    cr_assert_eq(json_integer_value(
                     json_object_get(json_array_get(json_object_get(out, "b.jsonl"), 0), "v")),
                 2);
    json_decref(out);
    cr_assert_eq(xg_store_scan_last_run(&out, s), 0);
    cr_assert_str_eq(json_string_value(json_object_get(out, "id")), "r2");
    json_decref(out);
    /* run 3 deletes b.jsonl; a run id used twice is refused and changes nothing */
    json_t *run3 = json_loads("{\"id\":\"r3\",\"started\":\"2026-01-03T00:00:00.000Z\","
                              "\"files_put\":[],\"files_del\":[\"b.jsonl\"]}",
                              0, NULL);
    cr_assert_eq(xg_store_scan_record(s, run3), 0, "%s", xg_error_message());
    cr_assert_eq(xg_store_scan_files(&out, s), 0);
    cr_assert_eq(json_object_size(out), 1);
    json_decref(out);
    cr_assert_eq(xg_store_scan_documents(&out, s), 0);
    cr_assert_null(json_object_get(out, "b.jsonl"));
    json_decref(out);
    json_t *again = json_loads("{\"id\":\"r3\",\"files_del\":[\"a.txt\"]}", 0, NULL);
    cr_assert_neq(xg_store_scan_record(s, again), 0);
    cr_assert_eq(xg_store_scan_files(&out, s), 0);
    cr_assert_eq(json_object_size(out), 1, "the failed run deleted nothing");
    json_decref(out);
    cr_assert_eq(xg_store_scan_last_run(&out, s), 0);
    cr_assert_str_eq(json_string_value(json_object_get(out, "id")), "r3");
    cr_assert_eq(json_object_size(json_object_get(out, "graph")), 0);
    json_decref(out);
    json_decref(run1);
    json_decref(run2);
    json_decref(run3);
    json_decref(again);
    cleanup(s);
}
