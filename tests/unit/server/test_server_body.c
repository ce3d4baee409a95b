/*
 * test_server_body.c — request-body checks of the HTTP server (src/server/http.c): the pure
 * parts that do not need a connection. Routes, roles and limits are tested against the real
 * server in tests/http/.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
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

/* body_parse against json_loadb itself (what it called alone before): the same verdict, the same
 * tree with its keys in the same order, and for a bad body the same message. */
static void same_as_jansson(const char *body, size_t len)
{
    json_t *j = NULL;
    char msg[256];
    const char *code = body_parse(&j, body, len, msg, sizeof msg);
    if (code && strcmp(code, "invalid_json")) { /* UTF-8 or depth: decided before any parser */
        cr_assert_null(j);
        return;
    }
    json_error_t e;
    json_t *ref = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
    if (!ref) {
        cr_assert_str_eq(code, "invalid_json", "%.*s", (int)len, body);
        cr_assert_null(j);
        char want[256];
        const char *text =
            strstr(e.text, "JSON_ALLOW_NUL") ? "\\u0000 is not allowed in strings" : e.text;
        snprintf(want, sizeof want, "line %d column %d: %s", e.line, e.column, text);
        cr_assert_str_eq(msg, want, "%.*s", (int)len, body);
        return;
    }
    if (!json_is_object(ref)) {
        cr_assert_str_eq(code, "invalid_json");
        cr_assert_null(j);
        json_decref(ref);
        return;
    }
    cr_assert_null(code, "%.*s: %s", (int)len, body, code);
    cr_assert(json_equal(j, ref), "%.*s", (int)len, body);
    char *a = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    char *b = json_dumps(ref, JSON_COMPACT | JSON_ENCODE_ANY);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    json_decref(j);
    json_decref(ref);
}

static void same_as_jansson_s(const char *body)
{
    same_as_jansson(body, strlen(body));
}

Test(server_body, parses_exactly_as_jansson)
{
    static const char *const bodies[] = {
        "{}",
        " {} ",
        "\t{\r\n}\n",
        "{\"a\":1}",
        "{\"a\": -1}",
        "{\"a\": -0}",
        "{\"a\": 0}",
        "{\"a\": 00}",
        "{\"a\": 01}",
        "{\"a\": -}",
        "{\"a\": 1.5}",
        "{\"a\": 1e3}",
        "{\"a\": 1E3}",
        "{\"a\": 123456789012345678}",
        "{\"a\": -123456789012345678}",
        "{\"a\": 1234567890123456789}",
        "{\"a\": 9223372036854775807}",
        "{\"a\": 9223372036854775808}",
        "{\"a\": -9223372036854775809}",
        "{\"a\": 1x}",
        "{\"a\": true}",
        "{\"a\": false}",
        "{\"a\": null}",
        "{\"a\": truex}",
        "{\"a\": nul}",
        "{\"a\": True}",
        "{\"a\": [true, false, null, 1, \"x\", [], {}]}",
        "{\"a\": [1,]}",
        "{\"a\": [,1]}",
        "{\"a\": [1 2]}",
        "{\"a\": {\"b\": {\"c\": []}}}",
        "{\"a\": 1,}",
        "{,\"a\": 1}",
        "{\"a\" 1}",
        "{\"a\": }",
        "{\"a\"}",
        "{a: 1}",
        "{'a': 1}",
        "{\"a\": 1} x",
        "{\"a\": 1}}",
        "{\"a\": 1}{}",
        "{\"a\": 1, \"a\": 1}",
        "{\"a\": {\"b\": 1, \"b\": 2}}",
        "{\"b\": 1, \"a\": 2, \"c\": 3}",
        "{\"\": 1}",
        "{\"a\": \"\"}",
        "{\"a\": \"x\\\"y\"}",
        "{\"a\": \"\\u00e9\\n\\t\\/\"}",
        "{\"a\": \"\\u0000\"}",
        "{\"a\": \"\\ud800\"}",
        "{\"a\": \"\\ud83d\\ude00\"}",
        "{\"a\": \"\\x\"}",
        "{\"a\": \"tab\there\"}",
        "{\"a\": \"nl\nhere\"}",
        "{\"a\": \"unterminated}",
        "{\"a\": \"Ünïcödé 四川大学 😀\"}",
        "{\"a\\\"b\": 1}",
        "[]",
        "[{}]",
        "\"x\"",
        "1",
        "true",
        "null",
        "",
        " ",
        "{",
        "}",
        "{\"a\": [",
        "{\"a\": [1, 2",
        "{\"a\": 1 ",
        "{\"a\": +1}",
        "{\"a\": .5}",
        "{\"a\": 5.}",
        "{\"a\": Infinity}",
        "{\"a\": NaN}",
        "\xef\xbb\xbf{}",
        "{\"a\": 1}\n\n",
        "{\"customer\": {\"name\": \"Nordlicht Analytics GmbH\", \"country\": \"DE\", "
        "\"headquarters\": \"DE\"}, \"resource\": {\"kind\": \"instance\", \"provider\": \"aws\", "
        "\"item\": \"p5.48xlarge\", \"count\": 2}, \"access\": {\"source_country\": \"DE\", "
        "\"payment_country\": \"DE\", \"end_use\": \"inference\"}}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++)
        same_as_jansson_s(bodies[i]);
    same_as_jansson("{\"a\": \"x\0y\"}", 12); /* a NUL byte inside a string */
    same_as_jansson("{\"a\": 1}\0", 9);       /* and after the object */
    same_as_jansson("{\"a\": 1\0}", 9);
}

/* Every one-byte change (deleted, replaced by one of a set of JSON-significant bytes, or one
 * inserted) of a decide request, at every offset: each is parsed as jansson parses it. */
Test(server_body, every_one_byte_change_parses_as_jansson)
{
    static const char body[] =
        "{\"customer\": {\"name\": \"Nordlicht Analytics GmbH\", \"country\": \"DE\", \"ids\": "
        "[\"a\", \"b\"]}, \"resource\": {\"kind\": \"instance\", \"count\": 2, \"x\": -10, "
        "\"y\": [true, false, null], \"z\": {}}, \"w\": \"é\"}";
    static const char subs[] = "{}[]\":,\\ \t\n0159-.eEtfnulrx\x01\x7f";
    size_t n = sizeof body - 1;
    char buf[sizeof body + 1];
    same_as_jansson(body, n);
    for (size_t i = 0; i < n; i++) {
        memcpy(buf, body, i); /* delete byte i */
        memcpy(buf + i, body + i + 1, n - i - 1);
        same_as_jansson(buf, n - 1);
        for (size_t k = 0; k < sizeof subs - 1; k++) {
            memcpy(buf, body, n); /* replace byte i */
            buf[i] = subs[k];
            same_as_jansson(buf, n);
            memcpy(buf, body, i); /* insert before byte i */
            buf[i] = subs[k];
            memcpy(buf + i + 1, body + i, n - i);
            same_as_jansson(buf, n + 1);
        }
    }
}
