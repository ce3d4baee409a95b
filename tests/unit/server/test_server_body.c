/*
 * test_server_body.c — request-body checks of the HTTP server (src/server/http.c): the pure
 * parts that do not need a connection. Routes, roles and limits are tested against the real
 * server in tests/http/.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "server/server_int.h"

static const char *parse(const char *body, json_t **out)
{
    char msg[256];
    return body_parse(out, body, strlen(body), msg, sizeof msg);
}

Test(server_body, accepts_an_object)
{
    json_t *j = NULL;
    cr_assert_null(parse("{\"name\": \"四川大学\"}", &j));
    cr_assert_str_eq(json_string_value(json_object_get(j, "name")), "四川大学");
    json_decref(j);
}

Test(server_body, rejects_each_class)
{
    json_t *j = NULL;
    cr_assert_str_eq(parse("{\"name\": \"x\"", &j), "invalid_json");
    cr_assert_str_eq(parse("[1, 2]", &j), "invalid_json");
    cr_assert_str_eq(parse("{\"a\": 1, \"a\": 2}", &j), "invalid_json");
    cr_assert_str_eq(parse("{\"name\": \"\xff\"}", &j), "invalid_utf8");
    cr_assert_str_eq(parse("{\"name\": \"\xc0\xaf\"}", &j), "invalid_utf8");
    cr_assert_null(j);
}

Test(server_body, depth_is_bounded_before_parsing)
{
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 99);
    deep[199] = '\0';
    cr_assert_eq(json_depth(deep, strlen(deep)), 100);
    json_t *j = NULL;
    cr_assert_str_eq(parse(deep, &j), "too_deep");
    /* Brackets inside strings do not count. */
    cr_assert_eq(json_depth("{\"a\": \"[[[[\\\"[[[\"}", 18), 1);
    cr_assert_null(parse("{\"a\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}", &j));
    json_decref(j);
}
