/* The CSV reader on what publishers ship (BOM, CRLF, 0x1A, quoted newlines) and on what must fail
 * loudly (unterminated quotes, huge fields, invalid UTF-8) without losing the rows after it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "xgate/csv.h"
#include "xgate/error.h"

static xg_csv c;

static void start(const char *text)
{
    xg_csv_init(&c, text, strlen(text), "t.csv");
}

static void expect_row(long line, size_t n, const char *const *fields)
{
    int rc = xg_csv_next(&c);
    cr_assert_eq(rc, 1, "rc %d: %s", rc, xg_error_message());
    cr_assert_eq(c.line, line, "line %ld, expected %ld", c.line, line);
    cr_assert_eq(c.nfields, n, "%zu fields, expected %zu", c.nfields, n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(c.field[i], fields[i]);
        cr_assert_eq(c.len[i], strlen(fields[i]));
    }
}

TestSuite(core_csv, .fini = NULL);

Test(core_csv, quoted_fields_doubled_quotes_and_embedded_newlines)
{
    start("a,\"b,c\",\"say \"\"hi\"\"\"\n\"multi\nline\",x,\n\"\",,z\n");
    expect_row(1, 3, (const char *[]){"a", "b,c", "say \"hi\""});
    expect_row(2, 3, (const char *[]){"multi\nline", "x", ""});
    expect_row(4, 3, (const char *[]){"", "", "z"});
    cr_assert_eq(xg_csv_next(&c), 0);
    xg_csv_free(&c);
}

Test(core_csv, crlf_bom_blank_lines_and_dos_eof_byte)
{
    start("\xEF\xBB\xBFid,name\r\n\r\n1,\"A\"\r\n2,B \r\n\x1A");
    expect_row(1, 2, (const char *[]){"id", "name"});
    expect_row(3, 2, (const char *[]){"1", "A"});
    expect_row(4, 2, (const char *[]){"2", "B "});
    cr_assert_eq(xg_csv_next(&c), 0);
    cr_assert(xg_csv_at_end(&c));
    xg_csv_free(&c);
}

Test(core_csv, eof_byte_glued_to_the_last_field_and_no_final_newline)
{
    start("1,x\x1A");
    expect_row(1, 2, (const char *[]){"1", "x"});
    cr_assert_eq(xg_csv_next(&c), 0);
    xg_csv_free(&c);
    start("1,\"x\"");
    expect_row(1, 2, (const char *[]){"1", "x"});
    cr_assert_eq(xg_csv_next(&c), 0);
    xg_csv_free(&c);
}

Test(core_csv, lone_cr_ends_a_line)
{
    start("a\rb\r");
    expect_row(1, 1, (const char *[]){"a"});
    expect_row(2, 1, (const char *[]){"b"});
    xg_csv_free(&c);
}

Test(core_csv, find_a_header_column)
{
    start("_id,source,name\n");
    cr_assert_eq(xg_csv_next(&c), 1);
    cr_assert_eq(xg_csv_find(&c, "name"), 2);
    cr_assert_eq(xg_csv_find(&c, "nope"), -1);
    xg_csv_free(&c);
}

Test(core_csv, unterminated_quote_names_the_line_it_opened_on)
{
    start("a,b\n1,\"never closed\n2,x\n3,y\n");
    expect_row(1, 2, (const char *[]){"a", "b"});
    cr_assert_eq(xg_csv_next(&c), XG_EPARSE);
    cr_assert(strstr(xg_error_message(), "t.csv:2:"), "%s", xg_error_message());
    cr_assert(strstr(xg_error_message(), "never closed"));
    cr_assert_eq(xg_csv_next(&c), 0);
    xg_csv_free(&c);
}

Test(core_csv, text_after_closing_quote_is_an_error_and_reading_resumes)
{
    start("\"a\"b,c\n1,2\n");
    cr_assert_eq(xg_csv_next(&c), XG_EPARSE);
    cr_assert(strstr(xg_error_message(), "t.csv:1: text after the closing quote of field 1"), "%s",
              xg_error_message());
    expect_row(2, 2, (const char *[]){"1", "2"});
    xg_csv_free(&c);
}

Test(core_csv, spaces_after_a_closing_quote_are_allowed)
{
    start("\"a\"  ,b\n");
    expect_row(1, 2, (const char *[]){"a", "b"});
    xg_csv_free(&c);
}

Test(core_csv, field_over_the_limit_is_an_error_and_the_next_row_is_intact)
{
    char big[300];
    memset(big, 'x', sizeof big);
    big[sizeof big - 1] = '\0';
    char text[400];
    snprintf(text, sizeof text, "\"%s\",1\nok,2\n", big);
    start(text);
    c.max_field = 100;
    cr_assert_eq(xg_csv_next(&c), XG_ETOOBIG);
    cr_assert(strstr(xg_error_message(), "t.csv:1: field 1 is longer than 100 bytes"), "%s",
              xg_error_message());
    expect_row(2, 2, (const char *[]){"ok", "2"});
    xg_csv_free(&c);
}

Test(core_csv, invalid_utf8_names_line_and_field)
{
    start("ok,1\nbad,\"\xC3\x28\"\nok,3\n");
    expect_row(1, 2, (const char *[]){"ok", "1"});
    cr_assert_eq(xg_csv_next(&c), XG_EUTF8);
    cr_assert(strstr(xg_error_message(), "t.csv:2: invalid UTF-8 in field 2"), "%s",
              xg_error_message());
    expect_row(3, 2, (const char *[]){"ok", "3"});
    xg_csv_free(&c);
}

Test(core_csv, too_many_fields)
{
    start("a,b,c,d\n");
    c.max_fields = 3;
    cr_assert_eq(xg_csv_next(&c), XG_ETOOBIG);
    cr_assert(strstr(xg_error_message(), "more than 3 fields"));
    xg_csv_free(&c);
}

Test(core_csv, empty_and_noise_only_input)
{
    start("");
    cr_assert_eq(xg_csv_next(&c), 0);
    xg_csv_free(&c);
    start("\r\n\n\x1A\r\n");
    cr_assert_eq(xg_csv_next(&c), 0);
    xg_csv_free(&c);
}

Test(core_csv, other_separator)
{
    start("a\tb\n");
    c.sep = '\t';
    expect_row(1, 2, (const char *[]){"a", "b"});
    xg_csv_free(&c);
}
