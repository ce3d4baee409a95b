#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
