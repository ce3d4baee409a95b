/*
 * test_server_refresh.c — the server's half of lists that stay current (src/server/refresh.c):
 * refusal reasons become a fixed set of metrics labels, and the list files a snapshot loads are
 * the configured files with each version in force in the store in place of the file of the same
 * list (an SDN set and SDN.XML are one list; the CSL in CSV and JSON are one list). The schedule,
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

static void copy_file(const char *from, const char *to)
{
    char *data = NULL;
    size_t len = 0;
    cr_assert_eq(xg_file_read(&data, &len, from, 64u << 20), 0, "%s", from);
    FILE *f = fopen(to, "wb");
    cr_assert_not_null(f, "%s", to);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
}

static bool has_path(char **paths, const char *needle)
{
    for (size_t i = 0; paths[i]; i++)
        if (strstr(paths[i], needle)) return true;
    return false;
}

Test(server_refresh, versions_in_force_replace_the_file_of_the_same_list)
{
    const char *shared = getenv("XGATE_SHARED");
    cr_assert_not_null(shared, "XGATE_SHARED names ../shared");
    char cons[1024], csl[1024], sdn[1024];
    snprintf(cons, sizeof cons, "%s/data/lists/ofac_cons_2025-12", shared);
    snprintf(csl, sizeof csl, "%s/lists/csl_sample.csv", xg_data_dir());
    snprintf(sdn, sizeof sdn, "%s/lists/ofac_sdn_2021-07", xg_data_dir());

    xg_server *s = calloc(1, sizeof *s);
    cr_assert_not_null(s);
    char *files[3] = {cons, csl, sdn};
    s->list_paths = files;
    s->nlist_paths = 3;
    char db[64], url[80];
    snprintf(db, sizeof db, "/tmp/xg-refresh-%d.db", getpid());
    snprintf(url, sizeof url, "sqlite:%s", db);
    unlink(db);
    cr_assert_eq(xg_store_open(&s->store, url), 0, "%s", xg_error_message());

    /* no version in force: the configured files as given */
    char **paths = NULL;
    size_t n = 0;
    cr_assert_eq(server_list_paths(s, &paths, &n, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(n, 3);
    cr_assert_str_eq(paths[0], cons);
    cr_assert_null(paths[3]);
    xg_feed_paths_free(paths);

    /* a version of the non-SDN list in force: it replaces the configured non-SDN set only */
    char dir[] = "/tmp/xg-refresh-version-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    const char *names[] = {"cons_prim.csv", "cons_alt.csv", "cons_add.csv"};
    for (size_t i = 0; i < 3; i++) {
        char from[1200], to[200];
        snprintf(from, sizeof from, "%s/%s", cons, names[i]);
        snprintf(to, sizeof to, "%s/%s", dir, names[i]);
        copy_file(from, to);
    }
    json_t *row =
        json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "id", "ofac_cons-aaa", "source", "ofac_cons",
                  "status", "ok", "entries", (json_int_t)442, "path", dir, "in_force", 1);
    cr_assert_eq(xg_store_list_version_put(s->store, row), 0);
    json_decref(row);
    cr_assert_eq(server_list_paths(s, &paths, &n, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(n, 3);
    cr_assert(!has_path(paths, cons), "the configured non-SDN set is replaced");
    cr_assert(has_path(paths, dir), "by the version in force");
    cr_assert(has_path(paths, "csl_sample.csv") && has_path(paths, "ofac_sdn_2021-07"),
              "the other lists stay");
    xg_feed_paths_free(paths);

    /* a version whose directory was removed by hand is skipped: the configured file stays */
    for (size_t i = 0; i < 3; i++) {
        char p[200];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
    cr_assert_eq(server_list_paths(s, &paths, &n, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(n, 3);
    cr_assert(has_path(paths, cons));
    xg_feed_paths_free(paths);

    xg_store_close(s->store);
    free(s);
    unlink(db);
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
