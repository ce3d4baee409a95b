/* Feed sources (the bundled sources.tsv, --source specs, malformed files) and the store's list
 * versions: one version in force per source, a refusal never in force, rows newest first, and
 * the paths of the versions in force (none before any update). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xgate/error.h"
#include "xgate/feeds.h"
#include "xgate/store.h"

Test(feeds, bundled_sources_are_the_official_feeds)
{
    xg_feed_source *v = NULL;
    size_t n = 0;
    cr_assert_eq(xg_feed_sources_read(&v, &n, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(n, 4);
    const char *names[] = {"ofac_sdn", "ofac_cons", "csl", "un"};
    for (size_t i = 0; i < 4; i++) {
        cr_assert_str_eq(v[i].name, names[i]);
        cr_assert(v[i].enabled);
        for (size_t k = 0; k < v[i].nurls; k++)
            cr_assert(!strncmp(v[i].urls[k], "https://", 8), "%s", v[i].urls[k]);
    }
    cr_assert_eq(v[0].nurls, 3);
    cr_assert_str_eq(v[3].format, "un_xml");
    xg_feed_sources_free(v, n);
}

Test(feeds, source_specs)
{
    xg_feed_source s;
    cr_assert_eq(xg_feed_source_parse(&s, "x=http://127.0.0.1:1/a.csv, http://127.0.0.1:1/b.csv"),
                 0);
    cr_assert_str_eq(s.name, "x");
    cr_assert_str_eq(s.format, "auto");
    cr_assert_eq(s.nurls, 2);
    cr_assert_str_eq(s.urls[1], "http://127.0.0.1:1/b.csv");
    xg_feed_source_clear(&s);
    cr_assert_eq(xg_feed_source_parse(&s, "no-url"), XG_EINVAL);
    cr_assert_eq(xg_feed_source_parse(&s, "Bad Name=http://127.0.0.1/"), XG_EINVAL);
    cr_assert_eq(xg_feed_source_parse(&s, "x=ftp://127.0.0.1/a"), XG_EINVAL);
    cr_assert(strstr(xg_error_message(), "not an http:// or https:// URL"));
    cr_assert_eq(xg_feed_source_parse(&s, "x="), XG_EINVAL);
}

Test(feeds, malformed_sources_file)
{
    char path[] = "/tmp/xg-sources-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *text =
        "# comment\nok\tcsl\thttps://example.org/c.csv\t1\nbad\tnope\thttps://x/\t1\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    xg_feed_source *v = NULL;
    size_t n = 0;
    cr_assert_eq(xg_feed_sources_read(&v, &n, path), XG_EPARSE);
    cr_assert(strstr(xg_error_message(), ":3: unknown format 'nope'"), "%s", xg_error_message());
    unlink(path);
}

Test(feeds, versions_in_force)
{
    char db[64], url[80];
    snprintf(db, sizeof db, "/tmp/xg-feeds-%d.db", getpid());
    snprintf(url, sizeof url, "sqlite:%s", db);
    xg_store *s = NULL;
    cr_assert_eq(xg_store_open(&s, url), 0);
    char **paths = NULL;
    size_t n = 9;
    cr_assert_eq(xg_feed_paths_in_force(&paths, &n, s), 0);
    cr_assert_eq(n, 0, "no version before any update: the bundled defaults apply");
    xg_feed_paths_free(paths);

    char dir[] = "/tmp/xg-feed-version-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char file[128];
    snprintf(file, sizeof file, "%s/consolidated.xml", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fclose(f);
    json_t *v1 = json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "id", "un-aaa", "source", "un",
                           "status", "ok", "entries", (json_int_t)10, "path", dir, "in_force", 1);
    json_t *v2 = json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "id", "un-bbb", "source", "un",
                           "status", "ok", "entries", (json_int_t)11, "path", dir, "in_force", 1);
    json_t *r = json_pack("{s:s, s:s, s:s, s:s}", "id", "un-refused-1", "source", "un", "status",
                          "refused", "reason", "HTTP 500");
    cr_assert_eq(xg_store_list_version_put(s, v1), 0);
    cr_assert_eq(xg_store_list_version_put(s, v2), 0);
    cr_assert_eq(xg_store_list_version_put(s, r), 0);
    json_t *rows = NULL;
    cr_assert_eq(xg_store_list_versions_in_force(&rows, s), 0);
    cr_assert_eq(json_array_size(rows), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "id")), "un-bbb");
    json_decref(rows);
    cr_assert_eq(xg_store_list_versions(&rows, s, "un"), 0);
    cr_assert_eq(json_array_size(rows), 3);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "id")),
                     "un-refused-1");
    json_decref(rows);
    json_t *got = NULL;
    cr_assert_eq(xg_store_list_version_get(&got, s, "un-aaa"), 0);
    cr_assert(json_is_false(json_object_get(got, "in_force")));
    json_decref(got);
    cr_assert_eq(xg_store_list_version_get(&got, s, "nope"), XG_ENOTFOUND);
    cr_assert_eq(xg_feed_paths_in_force(&paths, &n, s), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(paths[0], file);
    xg_feed_paths_free(paths);
    json_decref(v1);
    json_decref(v2);
    json_decref(r);
    xg_store_close(s);
    unlink(file);
    rmdir(dir);
    char p[96];
    unlink(db);
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
}
