#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/core.h"
#include "xgate/error.h"

Test(arena, allocations_are_aligned_zeroed_and_survive_large_blocks)
{
    xg_arena a;
    xg_arena_init(&a, 64);
    char *small = xg_arena_alloc(&a, 10);
    char *big = xg_arena_alloc(&a, 1000);
    char *after = xg_arena_alloc(&a, 8);
    cr_assert(small && big && after);
    cr_assert_eq((uintptr_t)big % 16, 0);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(big[i], 0);
    memset(big, 'x', 1000);
    strcpy(small, "hello");
    cr_assert_str_eq(small, "hello");
    cr_assert_str_eq(xg_arena_printf(&a, "%d-%s", 7, "x"), "7-x");
    cr_assert_str_eq(xg_arena_strndup(&a, "abcdef", 3), "abc");
    xg_arena_free(&a);
}

Test(arena, uninit_allocations_are_aligned_apart_and_leave_zeroing_to_alloc)
{
    xg_arena a;
    xg_arena_init(&a, 64);
    char *x = xg_arena_alloc_uninit(&a, 24);
    char *big = xg_arena_alloc_uninit(&a, 1000); /* a block of its own */
    char *y = xg_arena_alloc_uninit(&a, 8);
    cr_assert(x && big && y);
    cr_assert_eq((uintptr_t)x % 16, 0);
    cr_assert_eq((uintptr_t)big % 16, 0);
    cr_assert_eq((uintptr_t)y % 16, 0);
    /* every byte is the caller's, and no two allocations overlap */
    memset(x, 'x', 24);
    memset(big, 'b', 1000);
    memset(y, 'y', 8);
    for (int i = 0; i < 24; i++)
        cr_assert_eq(x[i], 'x');
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(big[i], 'b');
    for (int i = 0; i < 8; i++)
        cr_assert_eq(y[i], 'y');
    /* reused memory written through an unzeroed allocation is still zeroed by xg_arena_alloc */
    xg_arena_reset(&a);
    char *dirty = xg_arena_alloc_uninit(&a, 48);
    cr_assert_not_null(dirty);
    memset(dirty, 0x5a, 48);
    xg_arena_reset(&a);
    char *clean = xg_arena_alloc(&a, 48);
    cr_assert_eq(clean, dirty); /* the same bytes, handed out again */
    for (int i = 0; i < 48; i++)
        cr_assert_eq(clean[i], 0);
    cr_assert_null(xg_arena_alloc_uninit(&a, (size_t)-1)); /* rounding up would wrap */
    xg_arena_free(&a);
}

Test(buf, grows_and_steals)
{
    xg_buf b;
    xg_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(xg_buf_printf(&b, "%d,", i), 0);
    cr_assert(strncmp(b.data, "0,1,2,", 6) == 0);
    cr_assert_eq(b.len, strlen(b.data));
    char *s = xg_buf_steal(&b);
    cr_assert_null(b.data);
    free(s);
}

Test(vec, push_and_index)
{
    xg_vec v;
    xg_vec_init(&v, sizeof(int));
    for (int i = 0; i < 100; i++)
        cr_assert_not_null(xg_vec_push(&v, &i));
    cr_assert_eq(v.len, 100);
    cr_assert_eq(XG_VEC_AT(&v, int, 57), 57);
    xg_vec_free(&v);
}

Test(util, dates)
{
    cr_assert(xg_date_valid("2024-02-29"));
    cr_assert_not(xg_date_valid("2023-02-29"));
    cr_assert_not(xg_date_valid("2023-13-01"));
    cr_assert_not(xg_date_valid("2023-1-01"));
    cr_assert_not(xg_date_valid(NULL));
    char today[11];
    xg_date_today(today);
    cr_assert(xg_date_valid(today));
}

Test(util, utf8_validation)
{
    cr_assert(xg_utf8_valid("四川大学 abc", strlen("四川大学 abc")));
    cr_assert_not(xg_utf8_valid("\xc0\xaf", 2));     /* overlong */
    cr_assert_not(xg_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    cr_assert_not(xg_utf8_valid("\xe5\x9b", 2));     /* truncated */
    cr_assert_not(xg_utf8_valid("\xff", 1));
}

/* The reference: one code point at a time through xg_utf8_next. */
static bool utf8_valid_slow(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = xg_utf8_next(s + i, n - i, &cp);
        if (!k) return false;
        i += k;
    }
    return true;
}

/* xg_utf8_valid's fast paths (SSE2 sixteen bytes, eight ASCII bytes, three-byte characters inline)
 * give the decoder's answer: valid text and text with one byte changed, at every offset of runs of
 * ASCII, Han, surrogates, overlongs and four-byte characters. */
Test(util, utf8_valid_fast_paths_agree_with_the_decoder)
{
    static const char *const pieces[] = {
        "abcdefgh", "四川", "\xed\xa0\x80", "\xe0\x80\xaf", "\xf0\x9f\x98\x80",
        "\xc3\xa9", "x",    "\xef\xbf\xbd", "\xe5\x9b",     "\x80"};
    unsigned seed = 12345;
    char buf[96];
    for (int round = 0; round < 20000; round++) {
        size_t n = 0;
        while (n < 64) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
            size_t k = strlen(p);
            memcpy(buf + n, p, k);
            n += k;
        }
        seed = seed * 1103515245u + 12345u;
        if (round % 2) buf[(seed >> 16) % n] = (char)(seed >> 8);
        for (size_t off = 0; off < 9 && off < n; off++)
            cr_assert_eq(xg_utf8_valid(buf + off, n - off), utf8_valid_slow(buf + off, n - off),
                         "round %d offset %zu", round, off);
    }
}

Test(util, utf8_next_decodes_one_code_point_or_says_it_cannot)
{
    uint32_t cp;
    cr_assert_eq(xg_utf8_next("a", 1, &cp), 1);
    cr_assert_eq(cp, 'a');
    cr_assert_eq(xg_utf8_next("\xc3\xa9", 2, &cp), 2); /* é */
    cr_assert_eq(cp, 0xE9);
    cr_assert_eq(xg_utf8_next("\xe5\x9b\x9b", 3, &cp), 3); /* 四 */
    cr_assert_eq(cp, 0x56DB);
    cr_assert_eq(xg_utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4); /* U+1F600 */
    cr_assert_eq(cp, 0x1F600);
    cr_assert_eq(xg_utf8_next("\xef\xbf\xbd", 3, &cp), 3); /* a real U+FFFD is valid */
    cr_assert_eq(cp, 0xFFFD);
    /* overlong, surrogate, over U+10FFFF, truncated, a lone continuation, a bad lead byte */
    const char *bad[] = {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                         "\xe5\x9b", "\x80",         "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cp = 0;
        cr_assert_eq(xg_utf8_next(bad[i], strlen(bad[i]), &cp), 0, "case %zu", i);
        cr_assert_eq(cp, XG_UTF8_REPLACEMENT);
    }
    /* n bounds the read: a 3-byte sequence given 2 bytes is truncated */
    cr_assert_eq(xg_utf8_next("\xe5\x9b\x9b", 2, &cp), 0);
}

Test(util, edit_distance_over_code_units)
{
    const uint32_t kitten[] = {'k', 'i', 't', 't', 'e', 'n'},
                   sitting[] = {'s', 'i', 't', 't', 'i', 'n', 'g'};
    cr_assert_eq(xg_edit_distance(kitten, 6, sitting, 7), 3);
    cr_assert_eq(xg_edit_distance(sitting, 7, kitten, 6), 3);
    cr_assert_eq(xg_edit_distance(kitten, 6, kitten, 6), 0);
    cr_assert_eq(xg_edit_distance(kitten, 0, sitting, 7), 7);
    cr_assert_eq(xg_edit_distance(kitten, 6, sitting, 0), 6);
}

Test(util, json_str_is_a_string_or_null)
{
    json_t *o = json_pack("{s:s, s:i}", "name", "Acme", "n", 3);
    cr_assert_str_eq(xg_json_str(o, "name"), "Acme");
    cr_assert_null(xg_json_str(o, "n"));
    cr_assert_null(xg_json_str(o, "missing"));
    cr_assert_null(xg_json_str(NULL, "name"));
    json_decref(o);
}

Test(util, monotonic_clock_does_not_go_back)
{
    double a = xg_clock_seconds(), b = xg_clock_seconds();
    cr_assert(a > 0 && b >= a);
}

Test(util, file_read_reports_missing_file)
{
    char *data;
    size_t n;
    cr_assert_eq(xg_file_read(&data, &n, "/nonexistent/x", 0), XG_EIO);
    cr_assert(strstr(xg_error_message(), "/nonexistent/x"));
}

Test(error, message_may_wrap_itself)
{
    xg_error_set(XG_EPARSE, "line 3: bad quote");
    xg_error_set(XG_EPARSE, "%s: %s", "lists.csv", xg_error_message());
    cr_assert_str_eq(xg_error_message(), "lists.csv: line 3: bad quote");
}

Test(error, names_and_messages)
{
    cr_assert_eq(xg_error_set(XG_EPARSE, "f.csv:%d: bad", 3), XG_EPARSE);
    cr_assert_str_eq(xg_error_message(), "f.csv:3: bad");
    cr_assert_str_eq(xg_error_name(XG_EPARSE), "XG_EPARSE");
}

/* xg_buf_json_real writes what jansson writes (json_dumps, JSON_REAL_PRECISION): at precision 12
 * a whole number of thousandths takes a path without snprintf, which must not change a byte. */
static void real_as_jansson(xg_buf *b, double v, int precision)
{
    json_t *j = json_real(v);
    char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(precision));
    json_decref(j);
    cr_assert_not_null(want);
    xg_buf_reset(b);
    cr_assert_eq(xg_buf_json_real(b, v, precision, 25), 0, "%.17g", v);
    cr_assert(b->len == strlen(want) && !memcmp(b->data, want, b->len), "%.17g: %.*s, jansson %s",
              v, (int)b->len, b->data, want);
    free(want);
}

Test(buf, json_real_is_what_jansson_writes)
{
    xg_buf b;
    xg_buf_init(&b);
    for (long k = -5000; k <= 5000; k++) {
        real_as_jansson(&b, (double)k / 1000.0, 12);
        real_as_jansson(&b, (double)k / 1000.0, 17);
    }
    unsigned long long x = 88172645463325252ull; /* xorshift: thousandths up to 1e9 */
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        long long k = (long long)(x % 2000000000000ull) - 1000000000000ll;
        real_as_jansson(&b, (double)k / 1000.0, 12);
    }
    const double more[] = {999999999.999, 999999999.9995, 1e9,       -1e9, 123456.5, 0.0005, -0.0,
                           0.0,           1.0 / 3,        0.1 + 0.2, 1e-7, 6.02e23};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        real_as_jansson(&b, more[i], 12);
    xg_buf_free(&b);
}

/* A string of n pieces drawn from plain bytes, bytes JSON escapes and UTF-8 sequences, so that
 * escapes fall at every offset of the eight-byte words xg_json_plain_run reads. */
static size_t mixed_string(char *out, size_t n, unsigned *seed)
{
    static const char *const pieces[] = {
        "a",  "Z",    " ",    "~",  "\x7f",     "\"",           "\\", "\n",
        "\t", "\x01", "\x1f", "\b", "\xc3\xa9", "\xe4\xb8\xad", "/"};
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        *seed = *seed * 1103515245u + 12345u;
        const char *p = pieces[(*seed >> 16) % (sizeof pieces / sizeof *pieces)];
        size_t pl = strlen(p);
        memcpy(out + len, p, pl);
        len += pl;
    }
    return len;
}

Test(buf, json_string_writes_what_jansson_writes_at_every_offset)
{
    unsigned seed = 7;
    char s[4 * 80];
    for (int round = 0; round < 3000; round++) {
        size_t n = mixed_string(s, (size_t)(round % 80), &seed);
        if (round % 3 == 0) /* long plain stretches too */
            for (size_t i = 0; i < n; i++)
                if ((unsigned char)s[i] < 0x80 && (i * 7 + (size_t)round) % 5) s[i] = 'x';
        json_t *j = json_stringn(s, n);
        cr_assert_not_null(j);
        char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
        json_decref(j);
        xg_buf b;
        xg_buf_init(&b);
        cr_assert_eq(xg_buf_json_string(&b, s, n), 0);
        cr_assert_eq(b.len, strlen(want));
        cr_assert(memcmp(b.data, want, b.len) == 0, "%.*s != %s", (int)b.len, b.data, want);
        free(want);
        xg_buf_free(&b);
        /* the plain run stops at the first byte JSON escapes; high says whether it holds UTF-8 */
        for (size_t at = 0; at <= n; at++) {
            size_t want_run = 0;
            bool want_high = false;
            while (at + want_run < n) {
                unsigned char c = (unsigned char)s[at + want_run];
                if (c < 0x20 || c == '"' || c == '\\') break;
                want_high |= c >= 0x80;
                want_run++;
            }
            bool high = false;
            cr_assert_eq(xg_json_plain_run(s + at, n - at, &high), want_run);
            cr_assert_eq(high, want_high);
            cr_assert_eq(xg_json_plain_run(s + at, n - at, NULL), want_run);
        }
    }
    xg_buf b;
    xg_buf_init(&b);
    cr_assert_eq(xg_buf_json_string(&b,
                                    "abcdefgh\xff"
                                    "ijklmnop",
                                    17),
                 -2); /* not UTF-8 */
    xg_buf_free(&b);
}
