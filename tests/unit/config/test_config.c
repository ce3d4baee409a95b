/* The service configuration file: comments, spaces and CRLF are tolerated; every bad line is
 * refused with its file, line and key; repeatable keys keep their order; flags-free accessors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/config.h"
#include "xgate/error.h"

static xg_config *parse_ok(const char *text)
{
    xg_config *c = NULL;
    int rc = xg_config_parse(&c, text, strlen(text), "t.conf");
    cr_assert_eq(rc, XG_OK, "rc %d: %s", rc, xg_error_message());
    cr_assert_not_null(c);
    return c;
}

/* The text must be refused with XG_EPARSE and a message containing `want`. */
static void parse_bad(const char *text, const char *want)
{
    xg_config *c = NULL;
    int rc = xg_config_parse(&c, text, strlen(text), "t.conf");
    cr_assert_eq(rc, XG_EPARSE, "rc %d for %s", rc, text);
    cr_assert_null(c);
    cr_assert(strstr(xg_error_message(), want), "message '%s' lacks '%s'", xg_error_message(),
              want);
}

Test(config, reads_values_comments_spaces_and_crlf)
{
    xg_config *c = parse_ok("# a comment\r\n\n   listen   =  127.0.0.1:8080 \r\n"
                            "\t# indented comment\ndb=sqlite:/var/lib/xgate/x.db\n"
                            "list = /a.csv\nlist = /b with space.csv\npolicy = ear\n"
                            "rate = -1\nrefresh = 6h\nlog_format = json\naccess_log = off");
    cr_assert_str_eq(xg_config_get(c, "listen"), "127.0.0.1:8080");
    cr_assert_str_eq(xg_config_get(c, "db"), "sqlite:/var/lib/xgate/x.db");
    cr_assert_eq(xg_config_count(c, "list"), 2);
    cr_assert_str_eq(xg_config_value(c, "list", 0), "/a.csv");
    cr_assert_str_eq(xg_config_value(c, "list", 1), "/b with space.csv");
    cr_assert_null(xg_config_value(c, "list", 2));
    cr_assert_eq(xg_config_line(c, "list", 1), 7);
    cr_assert_eq(xg_config_line(c, "listen", 0), 3);
    cr_assert_null(xg_config_get(c, "webhook"));
    cr_assert_eq(xg_config_size(c), 9);
    const char *k, *v;
    int line;
    cr_assert_eq(xg_config_entry(c, 8, &k, &v, &line), XG_OK);
    cr_assert_str_eq(k, "access_log");
    cr_assert_str_eq(v, "off");
    cr_assert_eq(line, 12);
    cr_assert_eq(xg_config_entry(c, 9, &k, &v, &line), XG_EINVAL);
    cr_assert_str_eq(xg_config_name(c), "t.conf");
    xg_config_free(c);
}

Test(config, empty_text_is_an_empty_configuration)
{
    xg_config *c = parse_ok("");
    cr_assert_eq(xg_config_size(c), 0);
    cr_assert_null(xg_config_get(c, "listen"));
    xg_config_free(c);
    c = parse_ok("# only comments\n\n");
    cr_assert_eq(xg_config_size(c), 0);
    xg_config_free(c);
}

Test(config, bad_lines_name_the_line_and_the_key)
{
    parse_bad("listen = 127.0.0.1:8080\nlisten_port = 80\n", "t.conf:2: listen_port: unknown key");
    parse_bad("\n\nthreads = 0\n", "t.conf:3: threads: out of range");
    parse_bad("threads = 2.5\n", "t.conf:1: threads: expected a whole number");
    parse_bad("rate = fast\n", "rate: expected a number");
    parse_bad("rate = -2\n", "rate: out of range");
    parse_bad("burst = nan\n", "burst: expected a number");
    parse_bad("listen = 127.0.0.1:99999\n", "listen: port above 65535");
    parse_bad("listen = 127.0.0.1:80,:81\n", "listen: an address before ':' is missing");
    parse_bad("listen = localhost\n", "listen: expected [ADDR:]PORT");
    parse_bad("db = mysql://x\n", "db: expected sqlite:PATH or postgresql://");
    parse_bad("db = sqlite:\n", "db: sqlite: needs a path");
    parse_bad("policy = Provider\n", "policy: expected a name");
    parse_bad("as_of = 2026-02-30\n", "as_of: expected a date");
    parse_bad("refresh = 6 hours\n", "refresh: expected a duration");
    parse_bad("refresh = 400d\n", "refresh: expected a duration");
    parse_bad("webhook = ftp://x\n", "webhook: expected an http:// or https:// URL");
    parse_bad("log_format = xml\n", "log_format: expected text or json");
    parse_bad("access_log = maybe\n", "access_log: expected on or off");
    parse_bad("policy =\n", "t.conf:1: policy: needs a value");
    parse_bad("policy ear\n", "t.conf:1: policy: expected `policy = value`");
    parse_bad("= x\n", "t.conf:1: expected `key = value`");
    parse_bad("Listen = 1\n", "t.conf:1: expected `key = value`");
    parse_bad("policy = ear\npolicy = provider\n", "t.conf:2: policy: set twice (first on line 1)");
    parse_bad("a_very_long_key_name_that_is_no_key_at_all_anywhere = 1\n", "unknown key");
}

Test(config, binary_and_invalid_utf8_are_refused)
{
    xg_config *c = NULL;
    cr_assert_eq(xg_config_parse(&c, "db = sqlite:x\n\0more", 19, "t.conf"), XG_EPARSE);
    cr_assert(strstr(xg_error_message(), "t.conf:2: a NUL byte"), "%s", xg_error_message());
    parse_bad("web = /srv/\xff\xfe\n", "t.conf:1: invalid UTF-8");
}

Test(config, durations_and_booleans)
{
    long s = -1;
    cr_assert_eq(xg_config_duration("90s", &s), XG_OK);
    cr_assert_eq(s, 90);
    cr_assert_eq(xg_config_duration("15m", &s), XG_OK);
    cr_assert_eq(s, 900);
    cr_assert_eq(xg_config_duration("1d", &s), XG_OK);
    cr_assert_eq(s, 86400);
    cr_assert_eq(xg_config_duration("off", &s), XG_OK);
    cr_assert_eq(s, 0);
    cr_assert_eq(xg_config_duration("-5m", &s), XG_EINVAL);
    cr_assert_eq(xg_config_duration("5", &s), XG_EINVAL);
    cr_assert_eq(xg_config_duration("5mm", &s), XG_EINVAL);
    cr_assert_eq(xg_config_duration("99999999999999999999s", &s), XG_EINVAL);
    int b = -1;
    cr_assert_eq(xg_config_bool("yes", &b), XG_OK);
    cr_assert_eq(b, 1);
    cr_assert_eq(xg_config_bool("0", &b), XG_OK);
    cr_assert_eq(b, 0);
    cr_assert_eq(xg_config_bool("2", &b), XG_EINVAL);
    cr_assert(xg_config_key_known("webhook"));
    cr_assert(!xg_config_key_known("nope"));
}

Test(config, a_missing_file_is_an_io_error_naming_it)
{
    xg_config *c = NULL;
    cr_assert_eq(xg_config_load(&c, "/nonexistent/xgate.conf"), XG_EIO);
    cr_assert(strstr(xg_error_message(), "/nonexistent/xgate.conf"), "%s", xg_error_message());
    cr_assert_null(c);
}

Test(config, the_shipped_example_is_valid)
{
    const char *data = getenv("XGATE_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/../packaging/xgate.conf", data ? data : "data");
    xg_config *c = NULL;
    int rc = xg_config_load(&c, path);
    cr_assert_eq(rc, XG_OK, "%s", xg_error_message());
    cr_assert_str_eq(xg_config_get(c, "db"), "sqlite:/var/lib/xgate/xgate.db");
    xg_config_free(c);
}
