/* core/dl: an optional library opened on first use. A present library loads once and its typed
 * pointers are filled; a missing soname, or a missing function, gives a one-line error naming the
 * soname and the Debian package to install, the same on every later call; the test-only soname
 * override (XGATE_TEST_SONAMES) is parsed exactly; concurrent first calls load once. Criterion
 * runs each test in its own process, so each starts with nothing loaded. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/curl_dl.h"
#include "core/dl.h"
#include "xgate/error.h"

static void *no_such_fn;
static const xg_dl_sym missing_syms[] = {{"curl_easy_init", &no_such_fn}};

Test(core_dl, present_library_loads_and_fills_pointers)
{
    cr_assert_eq(xg_curl_load(), 0, "%s", xg_error_message());
    cr_assert_not_null(sym_curl_easy_init);
    cr_assert_not_null(sym_curl_slist_free_all);
    CURL *c = sym_curl_easy_init();
    cr_assert_not_null(c);
    sym_curl_easy_cleanup(c);
    cr_assert_eq(xg_curl_load(), 0, "a second load is a no-op");
}

Test(core_dl, missing_soname_is_a_clear_error)
{
    xg_dl_lib lib = {.soname = "libxgate-no-such.so.9",
                     .package = "libxgate-no-such9",
                     .syms = missing_syms,
                     .nsyms = 1,
                     .once = PTHREAD_ONCE_INIT};
    for (int i = 0; i < 2; i++) { /* the failure is remembered and reported again */
        xg_error_clear();
        cr_assert_eq(xg_dl_load(&lib), XG_ENOTFOUND);
        const char *m = xg_error_message();
        cr_assert(strstr(m, "libxgate-no-such.so.9 cannot be loaded"), "%s", m);
        cr_assert(strstr(m, "install the Debian package libxgate-no-such9"), "%s", m);
        cr_assert_null(strchr(m, '\n'), "one line: %s", m);
        cr_assert_null(no_such_fn);
    }
}

Test(core_dl, missing_function_is_a_clear_error)
{
    void *a = NULL, *b = NULL;
    const xg_dl_sym syms[] = {{"strlen", &a}, {"xg_no_such_function_here", &b}};
    xg_dl_lib lib = {.soname = "libc.so.6",
                     .package = "libc6",
                     .syms = syms,
                     .nsyms = 2,
                     .once = PTHREAD_ONCE_INIT};
    cr_assert_eq(xg_dl_load(&lib), XG_ENOTFOUND);
    const char *m = xg_error_message();
    cr_assert(strstr(m, "has no function xg_no_such_function_here"), "%s", m);
    cr_assert_null(a, "no pointer is left half-filled");
    cr_assert_null(b);
}

Test(core_dl, test_override_replaces_a_soname)
{
    char buf[64];
    cr_assert_str_eq(xg_dl_soname("libpq.so.5", buf, sizeof buf), "libpq.so.5");
    setenv("XGATE_TEST_SONAMES", "libpq.so.50=a.so,libpq.so.5=libnone.so.0,libzip.so.4=z.so", 1);
    cr_assert_str_eq(xg_dl_soname("libpq.so.5", buf, sizeof buf), "libnone.so.0");
    cr_assert_str_eq(xg_dl_soname("libzip.so.4", buf, sizeof buf), "z.so");
    cr_assert_str_eq(xg_dl_soname("libpq.so.50", buf, sizeof buf), "a.so");
    cr_assert_str_eq(xg_dl_soname("libhs.so.5", buf, sizeof buf), "libhs.so.5");
    cr_assert_str_eq(xg_dl_soname("libpq.so", buf, sizeof buf), "libpq.so", "a prefix is no match");
    char small[4];
    cr_assert_str_eq(xg_dl_soname("libpq.so.5", small, sizeof small), "libpq.so.5",
                     "an override too long for the buffer is ignored");
}

Test(core_dl, overridden_curl_fails_with_the_real_soname_and_package)
{
    setenv("XGATE_TEST_SONAMES", "libcurl.so.4=libxgate-missing.so.0", 1);
    cr_assert_eq(xg_curl_load(), XG_ENOTFOUND);
    const char *m = xg_error_message();
    cr_assert(strstr(m, "libcurl.so.4 cannot be loaded (install the Debian package libcurl4)"),
              "%s", m);
    cr_assert(strstr(m, "libxgate-missing.so.0"), "the loader's reason names the file: %s", m);
    cr_assert_null(sym_curl_easy_init);
}

static void *load_in_thread(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)xg_curl_load();
}

Test(core_dl, concurrent_first_loads)
{
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, load_in_thread, NULL), 0);
    for (int i = 0; i < 8; i++) {
        void *rc;
        pthread_join(t[i], &rc);
        cr_assert_eq((intptr_t)rc, 0);
    }
    cr_assert_not_null(sym_curl_easy_perform);
}
