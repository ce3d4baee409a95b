/* Which lists a command loads (explicit files, the versions in force in the store each replacing
 * the bundled files of its feed, else the bundled lists), the lists of the versions a decision
 * named (a missing version or its files gone is a clear error), the ages of the lists in force,
 * and whether an analyst's clearance of a (party, entry) pair still holds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xgate/error.h"
#include "xgate/feeds.h"
#include "xgate/lists.h"
#include "xgate/monitor.h"
#include "xgate/store.h"

typedef struct fixture {
    char db[64], dir[64], file[128];
    xg_store *s;
} fixture;

/* A store with one accepted version of `source` in force, whose directory holds one file. */
static void setup(fixture *f, const char *source, const char *publish_date)
{
    snprintf(f->db, sizeof f->db, "/tmp/xg-inforce-%d.db", getpid());
    char url[96];
    snprintf(url, sizeof url, "sqlite:%s", f->db);
    unlink(f->db);
    cr_assert_eq(xg_store_open(&f->s, url), 0, "%s", xg_error_message());
    snprintf(f->dir, sizeof f->dir, "/tmp/xg-inforce-v-XXXXXX");
    cr_assert_not_null(mkdtemp(f->dir));
    snprintf(f->file, sizeof f->file, "%s/list.csv", f->dir);
    FILE *fp = fopen(f->file, "w");
    cr_assert_not_null(fp);
    fputs("id,name\nT-1,Test Entity One\n", fp);
    fclose(fp);
    char id[80];
    snprintf(id, sizeof id, "%s-abc", source);
    json_t *v = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:b}", "id", id, "source", source, "status",
                          "ok", "sha256", "abc", "entries", (json_int_t)1, "path", f->dir,
                          "fetched_at", "2026-12-01T10:00:00.000Z", "in_force", 1);
    if (publish_date) json_object_set_new(v, "publish_date", json_string(publish_date));
    cr_assert_eq(xg_store_list_version_put(f->s, v), 0, "%s", xg_error_message());
    json_decref(v);
}

static void teardown(fixture *f)
{
    xg_store_close(f->s);
    unlink(f->file);
    rmdir(f->dir);
    char p[96];
    unlink(f->db);
    snprintf(p, sizeof p, "%s-wal", f->db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", f->db);
    unlink(p);
}

static bool has_path(const xg_feed_lists *l, const char *tail)
{
    for (size_t i = 0; i < l->npaths; i++) {
        size_t a = strlen(l->paths[i]), b = strlen(tail);
        if (a >= b && !strcmp(l->paths[i] + a - b, tail)) return true;
    }
    return false;
}

Test(inforce, bundled_when_nothing_is_fetched_and_files_win)
{
    xg_feed_lists l;
    cr_assert_eq(xg_feed_lists_choose(&l, NULL, NULL, 0), 0);
    cr_assert_str_eq(l.origin, "bundled");
    cr_assert_null(l.paths);
    cr_assert_eq(l.npaths, 0);
    cr_assert_eq(json_object_size(l.versions), 0);
    xg_feed_lists_free(&l);

    fixture f;
    setup(&f, "un", NULL);
    const char *files[] = {"/some/list.csv", "/other.xml"};
    cr_assert_eq(xg_feed_lists_choose(&l, f.s, files, 2), 0);
    cr_assert_str_eq(l.origin, "files");
    cr_assert_eq(l.npaths, 2);
    cr_assert_str_eq(l.paths[1], "/other.xml");
    cr_assert_null(l.paths[2]);
    cr_assert_eq(json_object_size(l.versions), 0, "explicit files name no stored version");
    xg_feed_lists_free(&l);
    teardown(&f);
}

Test(inforce, a_fetched_version_replaces_the_bundled_files_of_its_feed_only)
{
    fixture f;
    setup(&f, "un", "2026-11-30");
    xg_feed_lists l;
    cr_assert_eq(xg_feed_lists_choose(&l, f.s, NULL, 0), 0, "%s", xg_error_message());
    cr_assert_str_eq(l.origin, "store");
    cr_assert(has_path(&l, "/list.csv"));
    cr_assert(!has_path(&l, "un_sc_consolidated_2026-02.xml"), "the fetched UN list replaces it");
    cr_assert(has_path(&l, "ofac_sdn_2021-07"), "the SDN list was never fetched: bundled");
    cr_assert(has_path(&l, "ofac_cons_2025-12"), "nor the non-SDN list: bundled");
    cr_assert(has_path(&l, "csl_sample.csv"));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(l.versions, "un"), "id")),
                     "un-abc");
    json_t *named = xg_feed_lists_named(&l);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(named, "un"), "sha256")),
                     "abc");
    cr_assert_null(json_object_get(json_object_get(named, "un"), "path"), "no local paths");
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(named, "un"), "publish_date")),
        "2026-11-30");
    json_decref(named);
    xg_listset *set = NULL;
    cr_assert_eq(xg_lists_load(&set, (const char *const *)l.paths, l.npaths, 0), 0, "%s",
                 xg_error_message());
    xg_listset_free(set);
    xg_feed_lists_free(&l);
    teardown(&f);
}

Test(inforce, a_version_whose_files_are_gone_is_skipped_and_named)
{
    fixture f;
    setup(&f, "un", NULL);
    unlink(f.file);
    rmdir(f.dir);
    xg_feed_lists l;
    cr_assert_eq(xg_feed_lists_choose(&l, f.s, NULL, 0), 0, "%s", xg_error_message());
    cr_assert_str_eq(l.origin, "bundled", "no version left: the bundled lists");
    cr_assert_eq(json_object_size(l.versions), 0);
    cr_assert_eq(json_array_size(l.skipped), 1);
    const json_t *sk = json_array_get(l.skipped, 0);
    cr_assert_str_eq(json_string_value(json_object_get(sk, "id")), "un-abc");
    cr_assert_str_eq(json_string_value(json_object_get(sk, "source")), "un");
    cr_assert_str_eq(json_string_value(json_object_get(sk, "path")), f.dir);
    cr_assert(*json_string_value(json_object_get(sk, "reason")));
    cr_assert(has_path(&l, "un_sc_consolidated_2026-02.xml"), "the bundled UN list stands in");
    cr_assert(has_path(&l, "ofac_sdn_2021-07"));
    xg_feed_lists_free(&l);

    /* explicit files win outright: nothing from the store, nothing skipped */
    const char *files[] = {"/some/list.csv"};
    cr_assert_eq(xg_feed_lists_choose(&l, f.s, files, 1), 0);
    cr_assert_str_eq(l.origin, "files");
    cr_assert_eq(l.npaths, 1);
    cr_assert_eq(json_array_size(l.skipped), 0);
    xg_feed_lists_free(&l);
    teardown(&f);
}

Test(inforce, the_versions_a_decision_named_or_a_clear_error)
{
    fixture f;
    setup(&f, "un", NULL);
    xg_feed_lists l;
    json_t *want = json_pack("{s:{s:s,s:s}}", "un", "id", "un-abc", "sha256", "abc");
    cr_assert_eq(xg_feed_lists_of_versions(&l, f.s, want), 0, "%s", xg_error_message());
    cr_assert(has_path(&l, "/list.csv"));
    xg_feed_lists_free(&l);
    json_decref(want);

    want = json_pack("{s:{s:s}}", "un", "id", "un-gone");
    cr_assert_eq(xg_feed_lists_of_versions(&l, f.s, want), XG_ENOTFOUND);
    cr_assert(strstr(xg_error_message(), "un-gone"), "%s", xg_error_message());
    json_decref(want);

    want = json_pack("{s:{s:s,s:s}}", "un", "id", "un-abc", "sha256", "def");
    cr_assert_eq(xg_feed_lists_of_versions(&l, f.s, want), XG_EINVAL);
    cr_assert(strstr(xg_error_message(), "sha256"), "%s", xg_error_message());
    json_decref(want);

    unlink(f.file);
    rmdir(f.dir);
    want = json_pack("{s:{s:s}}", "un", "id", "un-abc");
    cr_assert_eq(xg_feed_lists_of_versions(&l, f.s, want), XG_ENOTFOUND);
    cr_assert(strstr(xg_error_message(), "un-abc") && strstr(xg_error_message(), "files are gone"),
              "%s", xg_error_message());
    json_decref(want);

    cr_assert_eq(xg_feed_lists_of_versions(&l, f.s, NULL), 0, "none named: the bundled lists");
    cr_assert_str_eq(l.origin, "bundled");
    xg_feed_lists_free(&l);
    teardown(&f);
}

Test(inforce, ages)
{
    cr_assert_eq(xg_feed_days_between("2026-02-27", "2026-12-03"), 279);
    cr_assert_eq(xg_feed_days_between("2024-02-28", "2024-03-01"), 2, "2024 is a leap year");
    cr_assert_eq(xg_feed_days_between("2021-07", "2026-12-03"), 1981, "a month: its first day");
    cr_assert_eq(xg_feed_days_between("2026-12-01T10:00:00Z", "2026-12-03"), 2);
    cr_assert_eq(xg_feed_days_between("soon", "2026-12-03"), -1);

    fixture f;
    setup(&f, "un", NULL);
    json_t *a = NULL;
    cr_assert_eq(xg_feed_ages(&a, f.s, "2026-12-03"), 0);
    json_t *un = NULL, *sdn = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        const char *src = json_string_value(json_object_get(x, "source"));
        cr_assert(strcmp(src, "un") || !un, "the UN list once: the fetched version only");
        if (!strcmp(src, "un")) un = x;
        if (!strcmp(src, "ofac_sdn")) sdn = x;
    }
    cr_assert_not_null(un);
    cr_assert_str_eq(json_string_value(json_object_get(un, "origin")), "store");
    cr_assert_str_eq(json_string_value(json_object_get(un, "age_from")), "fetched_at");
    cr_assert_eq(json_integer_value(json_object_get(un, "age_days")), 2);
    cr_assert(json_is_false(json_object_get(un, "stale")));
    cr_assert_not_null(sdn);
    cr_assert_str_eq(json_string_value(json_object_get(sdn, "origin")), "bundled");
    cr_assert_str_eq(json_string_value(json_object_get(sdn, "age_from")), "publish_month");
    cr_assert(json_is_true(json_object_get(sdn, "stale")));
    cr_assert_eq(json_integer_value(json_object_get(sdn, "warn_after_days")), 14);
    json_decref(a);
    /* 40 days on, the fetched UN version is stale too (30 days for un in freshness.tsv) */
    cr_assert_eq(xg_feed_ages(&a, f.s, "2027-01-10"), 0);
    json_array_foreach(a, i, x) if (!strcmp(json_string_value(json_object_get(x, "source")), "un"))
        cr_assert(json_is_true(json_object_get(x, "stale")));
    json_decref(a);
    teardown(&f);
}

Test(clearances, hold_until_the_entry_or_the_party_changes)
{
    const char *aliases[] = {"NW Optics"};
    xg_record r = {.id = "T-1",
                   .source = "Test list",
                   .source_code = "TST",
                   .type = XG_PARTY_ENTITY,
                   .name = "Nordwind Optics AG",
                   .aliases = aliases,
                   .naliases = 1,
                   .parent_percent = -1};
    char fp[33];
    xg_monitor_entry_fingerprint(fp, &r);
    json_t *cl = json_pack("[{s:s,s:s,s:s,s:s,s:s}]", "id", "clr_1", "entry_key", "TST:T-1",
                           "entry_fp", fp, "party_fp", "p1", "reason", "another company");
    int holds = -1;
    const json_t *c = xg_monitor_clearance_of(cl, &r, &holds);
    cr_assert_not_null(c);
    cr_assert_eq(holds, 1, "same entry, no monitor run since: it holds");
    json_object_set_new(json_array_get(cl, 0), "party_fp_now", json_string("p1"));
    xg_monitor_clearance_of(cl, &r, &holds);
    cr_assert_eq(holds, 1);
    json_object_set_new(json_array_get(cl, 0), "party_fp_now", json_string("p2"));
    cr_assert_not_null(xg_monitor_clearance_of(cl, &r, &holds));
    cr_assert_eq(holds, 0, "the party's names or identifiers changed");
    json_object_del(json_array_get(cl, 0), "party_fp_now");
    const char *changed[] = {"NW Optics", "Nordwind Optik"};
    r.aliases = changed;
    r.naliases = 2;
    cr_assert_not_null(xg_monitor_clearance_of(cl, &r, &holds), "the earlier clearance is shown");
    cr_assert_eq(holds, 0, "the entry changed");
    r.id = "T-2";
    cr_assert_null(xg_monitor_clearance_of(cl, &r, &holds), "another entry was never cleared");
    cr_assert_eq(holds, 0);
    r.id = "T-1";
    r.source_code = "TS";
    cr_assert_null(xg_monitor_clearance_of(cl, &r, &holds));
    json_decref(cl);
}
