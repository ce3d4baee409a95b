/*
 * test_server_json.c — the server's JSON encoder (json_encode, src/server/http.c) writes byte for
 * byte what json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12)) writes, which every answer
 * used before it.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_int.h"

static void same_as_jansson(json_t *j)
{
    char *want = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
    cr_assert_not_null(want);
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(json_encode(&b, j, 0), 0);
    cr_assert_eq(b.len, strlen(want), "length %zu, jansson %zu: %.*s vs %s", b.len, strlen(want),
                 (int)b.len, b.data, want);
    cr_assert(memcmp(b.data, want, b.len) == 0, "%.*s vs %s", (int)b.len, b.data, want);
    xg_buf_free(&b);
    free(want);
    json_decref(j);
}

Test(server_json, scalars)
{
    same_as_jansson(json_pack("[n, b, b, i, I, I]", 1, 0, -42, (json_int_t)9007199254740993LL,
                              (json_int_t)-9223372036854775807LL));
}

Test(server_json, reals_as_jansson_prints_them)
{
    const double v[] = {
        0.0,      1.0,    -1.0,  0.1,   1.0 / 3, 0.350285108452,   1e20, 1e-5, 123456789012345.0,
        2.5e-300, -7e300, 19.45, 1e100, 100000,  0.000123456789012};
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        json_array_append_new(a, json_real(v[i]));
    same_as_jansson(a);
}

Test(server_json, strings_and_escapes)
{
    json_t *a = json_array();
    json_array_append_new(a, json_string(""));
    json_array_append_new(a, json_string("plain ascii / slash"));
    json_array_append_new(a, json_string("quote \" backslash \\ tab \t nl \n cr \r bs \b ff \f"));
    json_array_append_new(a, json_string("\x01\x1f\x7f ctl"));
    json_array_append_new(a, json_string("四川大学 Мосбиржа محمد 😀"));
    json_array_append_new(a, json_stringn("nul\0inside", 10));
    same_as_jansson(a);
}

Test(server_json, objects_keep_their_order_and_nest)
{
    json_t *o = json_pack("{s:s, s:i, s:[], s:{}, s:{s:[i, {s:n}]}}", "zeta", "z", "alpha", 1,
                          "empty", "obj", "nested", "k\"ey", 1, "\xe5\x9b\x9b", NULL);
    json_object_set_new(o, "later", json_real(0.5));
    same_as_jansson(o);
}

Test(server_json, refuses_a_cycle_and_bad_utf8)
{
    json_t *a = json_array();
    json_array_append(a, a); /* jansson refuses to append an array to itself */
    json_t *o = json_object();
    json_t *inner = json_object();
    json_object_set(o, "inner", inner);
    json_object_set(inner, "outer", o); /* a cycle */
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(json_encode(&b, o, 0), -1);
    xg_buf_reset(&b);
    json_t *bad = json_stringn_nocheck("\xff\xfe", 2);
    cr_assert_eq(json_encode(&b, bad, 0), -1);
    cr_assert_null(json_dumps(bad, JSON_ENCODE_ANY));
    xg_buf_free(&b);
    json_object_del(inner, "outer");
    json_decref(inner);
    json_decref(o);
    json_decref(a);
    json_decref(bad);
}
