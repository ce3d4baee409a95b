/* The store's sorted JSON encoder writes exactly the bytes json_dumps(JSON_COMPACT |
 * JSON_SORT_KEYS) writes: on hand-picked values (unicode, escapes, numbers, nesting, odd keys) and
 * on many random trees, and it answers NULL where jansson does. */
#include <criterion/criterion.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/json_sorted.h"
#include "store/store_internal.h"

static void same(const json_t *j)
{
    char *want = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    char *got = store_json_sorted(j);
    if (!want) {
        cr_assert_null(got, "jansson refuses, the encoder gave %s", got);
        return;
    }
    cr_assert_not_null(got, "jansson gives %s, the encoder NULL", want);
    cr_assert_str_eq(got, want);
    free(want);
    free(got);
}

static void same_text(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    cr_assert_not_null(j, "%s: %s", text, err.text);
    same(j);
    json_decref(j);
}

Test(json_sorted, literals_and_nesting)
{
    const char *cases[] = {
        "{}",
        "[]",
        "[{}]",
        "{\"a\":[]}",
        "[null,true,false]",
        "{\"b\":1,\"a\":2,\"c\":{\"z\":[1,2,{\"y\":null,\"x\":true}],\"a\":\"\"}}",
        "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]",
        "{\"decision\":\"ALLOW\",\"reasons\":[{\"rule\":\"compute_located\",\"detail\":\"x\"}],"
        "\"parties\":[{\"role\":\"customer\",\"name\":\"Nordlicht Analytics GmbH\","
        "\"screening\":[],\"score\":0.873}]}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        same_text(cases[i]);
}

Test(json_sorted, keys_sorted_as_jansson_sorts_them)
{
    /* bytes compared unsigned; a key that is a prefix of another first; keys with a NUL */
    json_t *o = json_object();
    const char *keys[] = {
        "b",    "a", "ab",   "aa",   "A",      "_",  "",   "é",  "z", "\xc3\xa0",
        "10",   "9", "a b",  "a\tb", "Zürich", "zz", "\"", "\\", "ä", "\xe2\x82\xac",
        "\x7f", "~", "key0", "key00"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        json_object_set_new(o, keys[i], json_integer((json_int_t)i));
    json_object_setn_new(o, "a\0b", 3, json_string("nul in key"));
    json_object_setn_new(o, "a\0", 2, json_string("nul at the end"));
    same(o);
    /* more keys than the encoder sorts in place (qsort path) */
    json_t *big = json_object();
    for (int i = 0; i < 300; i++) {
        char k[32];
        snprintf(k, sizeof k, "k%d_%x", (i * 7919) % 1000, i);
        json_object_set_new(big, k, json_integer(i));
    }
    json_object_set_new(o, "big", big);
    same(o);
    json_decref(o);
}

Test(json_sorted, strings_unicode_and_escapes)
{
    const char *strs[] = {
        "",
        "plain",
        "quote \" backslash \\ slash /",
        "\b\f\n\r\t",
        "\x01\x02\x1f\x7f",
        "Привет, мир",
        "中华人民共和国",
        "emoji 😀 and 𝄞",
        "Nordlicht Analytics GmbH",
        "ünïcödé ß",
        "\xef\xbb\xbf BOM",
        "mixed \"é\"\n\\u0041",
        "</script>",
    };
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
        json_array_append_new(arr, json_string(strs[i]));
        json_t *o = json_object();
        json_object_set_new(o, strs[i], json_string(strs[i]));
        same(o);
        json_decref(o);
    }
    json_array_append_new(arr, json_stringn("nul\0inside", 10));
    json_array_append_new(arr, json_stringn("\0", 1));
    same(arr);
    json_decref(arr);
}

Test(json_sorted, not_utf8_is_refused_as_jansson_refuses_it)
{
    /* only a _nocheck string can hold such bytes; jansson's dump refuses it, so must the encoder */
    const char *bad[] = {"\xff", "a\xc3", "\xed\xa0\x80", "\xc0\x80", "ok \xe2\x82"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_t *a = json_pack("[o]", json_string_nocheck(bad[i]));
        same(a);
        json_t *o = json_object();
        json_object_set_new_nocheck(o, bad[i], json_true());
        same(o);
        json_decref(a);
        json_decref(o);
    }
}

Test(json_sorted, numbers)
{
    json_int_t ints[] = {0, 1, -1, 9, 10, 42, -42, 1000000, LLONG_MAX, -LLONG_MAX, LLONG_MAX - 1};
    double reals[] = {0.0,
                      -0.0,
                      1.0,
                      -1.0,
                      0.5,
                      0.1,
                      0.873,
                      1.0 / 3,
                      2.0 / 3,
                      1e20,
                      1e21,
                      1e-5,
                      1e-7,
                      123.456,
                      1e300,
                      -1e-300,
                      DBL_MAX,
                      DBL_MIN,
                      4.9e-324,
                      1e17,
                      1e16,
                      12345678901234567.0,
                      0.30000000000000004,
                      100.0,
                      2.5e-10,
                      -2.5e+10};
    json_t *arr = json_array();
    json_array_append_new(arr, json_integer(-LLONG_MAX - 1));
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        json_array_append_new(arr, json_integer(ints[i]));
    for (size_t i = 0; i < sizeof reals / sizeof *reals; i++)
        json_array_append_new(arr, json_real(reals[i]));
    same(arr);
    json_decref(arr);
}

Test(json_sorted, not_a_container_and_deep_nesting)
{
    json_t *s = json_string("alone");
    same(s); /* json_dumps without JSON_ENCODE_ANY: NULL */
    json_decref(s);
    json_t *n = json_integer(5);
    same(n);
    json_decref(n);
    /* deeper than the encoder goes itself (jansson decides: encodes up to its limit) */
    for (int depth = 500; depth <= 2100; depth += 800) {
        json_t *root = json_array(), *cur = root;
        for (int i = 0; i < depth; i++) {
            json_t *next = i % 2 ? json_array() : json_object();
            if (json_is_array(cur))
                json_array_append_new(cur, next);
            else
                json_object_set_new(cur, "k", next);
            cur = next;
        }
        same(root);
        json_decref(root);
    }
}

/* ---- random trees ---- */

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state >> 11);
}

static char *rnd_string(char *buf, size_t cap)
{
    static const char *const pieces[] = {"a",  "B",   "z",    "0",    " ",     "\"", "\\", "/",
                                         "\n", "\t",  "\x01", "\x1f", "\x7f",  "é",  "ß",  "中",
                                         "😀",  "key", "_",    "-",    "ALLOW", "DE"};
    size_t len = 0, n = rnd() % 8;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *p = pieces[rnd() % (sizeof pieces / sizeof *pieces)];
        size_t pl = strlen(p);
        if (len + pl + 1 > cap) break;
        memcpy(buf + len, p, pl + 1);
        len += pl;
    }
    return buf;
}

static json_t *rnd_value(int depth)
{
    char buf[64];
    unsigned k = rnd() % (depth > 4 ? 6 : 8);
    switch (k) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(rnd() % 2);
    case 2:
        return json_integer((json_int_t)rnd() - (json_int_t)(rnd() % 2 ? 1u << 31 : 0));
    case 3: {
        double v = (double)rnd() / (double)(rnd() | 1);
        if (rnd() % 3 == 0) v = ldexp(v, (int)(rnd() % 200) - 100);
        if (rnd() % 2) v = -v;
        if (rnd() % 4 == 0) v = round(v * 1000) / 1000;
        return json_real(v);
    }
    case 4:
    case 5:
        return json_string(rnd_string(buf, sizeof buf));
    case 6: {
        json_t *a = json_array();
        for (unsigned i = 0, n = rnd() % 6; i < n; i++)
            json_array_append_new(a, rnd_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (unsigned i = 0, n = rnd() % 8; i < n; i++)
            json_object_set_new(o, rnd_string(buf, sizeof buf), rnd_value(depth + 1));
        return o;
    }
    }
}

Test(json_sorted, random_trees)
{
    for (int i = 0; i < 3000; i++) {
        json_t *o = json_object();
        for (unsigned k = 0, n = 1 + rnd() % 10; k < n; k++) {
            char buf[64];
            json_object_set_new(o, rnd_string(buf, sizeof buf), rnd_value(0));
        }
        same(o);
        json_decref(o);
    }
}

/* ---- the audit payload's strings ---- */

/* The audit payload's string as it was first written, byte by byte: '"' and '\\' escaped, every
 * control character as \u00xx (lower-case hex), the rest as it is. */
static void payload_string_ref(char *out, const char *s)
{
    *out++ = '"';
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            *out++ = '\\';
            *out++ = (char)ch;
        } else if (ch < 0x20) {
            out += sprintf(out, "\\u00%02x", ch);
        } else {
            *out++ = (char)ch;
        }
    }
    *out++ = '"';
    *out = '\0';
}

Test(json_sorted, payload_strings_escaped_byte_for_byte_at_every_offset)
{
    static const char *const pieces[] = {"a",  "Z",  " ",    "~",    "\x7f",     "\"",
                                         "\\", "\n", "\x01", "\x1f", "\xc3\xa9", "\xe4\xb8\xad",
                                         "/"};
    unsigned seed = 11;
    for (int round = 0; round < 2000; round++) {
        char s[4 * 70 + 1];
        size_t len = 0;
        for (int i = 0; i < round % 70; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
            if (round % 2 && (seed >> 8) % 4) p = "x"; /* long plain stretches too */
            if (round % 7 == 6) p = "\x01";            /* control characters only: six bytes each */
            memcpy(s + len, p, strlen(p));
            len += strlen(p);
        }
        s[len] = '\0';
        char ref[6 * sizeof s + 3], want[sizeof ref + 200];
        payload_string_ref(ref, s);
        snprintf(want, sizeof want,
                 "{\"as_of\":\"A\",\"catalog_version\":\"C\",\"created\":\"T\",\"id\":\"I\","
                 "\"list_hash\":\"L\",\"outcome\":\"O\",\"policy\":\"P\",\"request\":%s,"
                 "\"response\":\"R\"}",
                 ref);
        char *got = store_decision_payload("I", "T", "O", s, "R", "L", "C", "P", "A", NULL);
        cr_assert_not_null(got);
        cr_assert_str_eq(got, want);
        free(got);
    }
}
