/* The licenses a decision reads from memory (xg_store_licenses_cached, src/store/customers.c):
 * read once and shared, dropped when this handle adds a license or is told to forget, and read
 * again once older than XG_STORE_LICENSE_CACHE_MS, so another handle's (another process's)
 * license is seen by any call made that long after it committed. Runs on PostgreSQL too
 * (XGATE_TEST_PGURL, store_temp.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../store_temp.h"
#include "xgate/error.h"
#include "xgate/store.h"

static temp_store tmp;

static json_t *license(const char *number, const char *party)
{
    json_t *l = json_pack("{s:s,s:s,s:[s],s:[s],s:s}", "number", number, "party", party, "items",
                          "p5.48xlarge", "destinations", "AE", "valid_from", "2026-01-01");
    cr_assert_not_null(l);
    return l;
}

static int has(const json_t *all, const char *number)
{
    size_t i;
    json_t *l;
    json_array_foreach(all, i, l)
    {
        if (!strcmp(json_string_value(json_object_get(l, "number")), number)) return 1;
    }
    return 0;
}

Test(store_license_cache, shared_flushed_on_add_and_forget)
{
    xg_store *s = temp_store_open(&tmp, "liccache");
    unsigned long long loads, flushes;
    json_t *a, *b;
    cr_assert_eq(xg_store_licenses_cached(&a, s), 0, "%s", xg_error_message());
    cr_assert_eq(json_array_size(a), 0);
    cr_assert_eq(xg_store_licenses_cached(&b, s), 0);
    cr_assert_eq(a, b); /* the same copy, shared */
    json_decref(b);
    xg_store_license_cache_stats(s, &loads, &flushes);
    cr_assert_eq(loads, 1);
    cr_assert_eq(flushes, 0);
    json_t *l = license("L-1", "Acme");
    cr_assert_eq(xg_store_license_add(s, l), 0, "%s", xg_error_message());
    /* a failed add drops nothing */
    cr_assert_eq(xg_store_license_add(s, l), XG_EEXIST);
    json_decref(l);
    xg_store_license_cache_stats(s, &loads, &flushes);
    cr_assert_eq(flushes, 1);
    cr_assert_eq(xg_store_licenses_cached(&b, s), 0);
    cr_assert_eq(json_array_size(b), 1);
    cr_assert(has(b, "L-1"));
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(b, 0), "party")), "Acme");
    cr_assert_eq(json_array_size(a), 0); /* a holder of the old copy keeps it intact */
    json_decref(a);
    json_decref(b);
    xg_store_licenses_forget(s);
    xg_store_licenses_forget(s); /* nothing cached: not counted */
    xg_store_license_cache_stats(s, &loads, &flushes);
    cr_assert_eq(flushes, 2);
    cr_assert_eq(loads, 2);
    cr_assert_eq(xg_store_licenses_cached(&b, s), 0);
    json_decref(b);
    xg_store_license_cache_stats(s, &loads, NULL);
    cr_assert_eq(loads, 3);
    temp_store_remove(&tmp, s);
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Another handle on the same store stands for another process: its license is not announced to
 * this handle (no notification on SQLite), yet every call that starts XG_STORE_LICENSE_CACHE_MS
 * after the license committed sees it — the bound docs/decide.md states. */
Test(store_license_cache, another_handle_seen_within_the_bound)
{
    xg_store *s = temp_store_open(&tmp, "liccache2");
    json_t *all;
    cr_assert_eq(xg_store_licenses_cached(&all, s), 0);
    json_decref(all);
    xg_store *other;
    cr_assert_eq(xg_store_open(&other, tmp.url), 0, "%s", xg_error_message());
    json_t *l = license("L-2", "Globex");
    cr_assert_eq(xg_store_license_add(other, l), 0, "%s", xg_error_message());
    long long committed = mono_ms();
    json_decref(l);
    xg_store_close(other);
    while (mono_ms() - committed <= XG_STORE_LICENSE_CACHE_MS)
        usleep(20 * 1000);
    cr_assert_eq(xg_store_licenses_cached(&all, s), 0);
    cr_assert(has(all, "L-2"), "a license committed %d ms ago is not seen",
              XG_STORE_LICENSE_CACHE_MS);
    json_decref(all);
    temp_store_remove(&tmp, s);
}
