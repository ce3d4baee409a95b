/*
 * test_server_refresh.c — the server's half of lists that stay current (src/server/refresh.c):
 * refusal reasons become a fixed set of metrics labels, and the freshness limits parse. Which list
 * files a snapshot loads is xg_feed_lists_choose (tests/unit/feeds/test_inforce.c). The schedule,
 * swap, metrics and /healthz run against the real server in tests/http/test_serve_refresh.sh.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/server_int.h"
#include "xgate/core.h"
#include "xgate/feeds.h"

Test(server_refresh, refusal_reasons_become_fixed_labels)
{
    /* the one-line reasons src/feeds/feeds.c writes */
    static const struct {
        const char *reason, *kind;
    } cases[] = {
        {"http://127.0.0.1:9/x.csv: HTTP 500", "http_status"},
        {"http://127.0.0.1:9/x.csv: timed out (Operation timed out after 3000 ms)", "timeout"},
        {"http://127.0.0.1:9/x.csv: truncated (transfer closed with 10 bytes remaining)",
         "truncated"},
        {"http://127.0.0.1:9/x.csv: larger than the size cap of 10 bytes", "too_large"},
        {"http://127.0.0.1:9/x.csv: Couldn't connect to server", "network"},
        {"cons_prim.csv: empty file", "empty"},
        {"cons_prim.csv: an HTML page, not a list file", "html"},
        {"cons_prim.csv: un_xml, not ofac_cons", "format"},
        {"does not load: cons_prim.csv:3: expected 12 columns", "parse_failed"},
        {"300 entries, 32 % fewer than the 442 in force (more than 20 %; --force accepts it)",
         "shrunk"},
        {"http://x/a: 304 Not Modified, but no version of it is kept", "other"},
        {"something new", "other"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        cr_assert_str_eq(feed_fail_name(feed_fail_classify(cases[i].reason)), cases[i].kind, "%s",
                         cases[i].reason);
    cr_assert_str_eq(feed_fail_name(FEED_FAIL_ERROR), "error");
    cr_assert_str_eq(feed_fail_name(FEED_FAIL_KINDS), "other");
}

Test(server_refresh, freshness_limits_parse)
{
    const char *good = "# comment\n*\t72\nun\t168\r\n\nofac_sdn\t1.5\n";
    cr_assert_eq(freshness_parse(good, strlen(good), "f.tsv"), 0, "%s", xg_error_message());
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"*\t72\nun 168\n", "f.tsv:2: expected source<TAB>max_age_hours"},
        {"*\t72\nun\t0\n", "f.tsv:2:"},
        {"*\t72\nun\t-3\n", "f.tsv:2:"},
        {"*\t72\nun\t9000\n", "f.tsv:2:"},
        {"*\t72\nun\t12h\n", "f.tsv:2:"},
        {"\t72\n", "f.tsv:1:"},
        {"un\t168\n", "no default row"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(freshness_parse(bad[i].text, strlen(bad[i].text), "f.tsv"), XG_EPARSE, "%s",
                     bad[i].text);
        cr_assert(strstr(xg_error_message(), bad[i].msg), "%s", xg_error_message());
    }
    /* the bundled file parses (the server refuses to start otherwise) */
    char path[1024], *data = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/lists/refresh_limits.tsv", xg_data_dir());
    cr_assert_eq(xg_file_read(&data, &len, path, 1 << 20), 0);
    cr_assert_eq(freshness_parse(data, len, path), 0, "%s", xg_error_message());
    free(data);
}
