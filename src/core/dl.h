/*
 * core/dl.h — loading an optional shared library when a command first needs it.
 *
 * libcurl, libpq, Hyperscan, libzip and libsystemd are not linked into xgate: resolving them (and
 * the 40-odd libraries they pull in) cost most of `xgate screen`'s start, and screening uses none
 * of them. Each is opened by soname (RTLD_NOW | RTLD_LOCAL) the first time a command needs it, and
 * its functions are looked up into typed pointers named sym_<function>: a shim per library in the
 * module that uses it (core/curl_dl.h, store/pq_dl.h, scan/hs_dl.h, scan/zip_dl.h) declares them
 * with __typeof__(&<function>) from the library's own header, so the compiler checks every call.
 *
 * Loading is done once per library and is thread-safe; a failure is remembered and reported again
 * to every later caller: "libpq.so.5 cannot be loaded (install the Debian package libpq5): ...".
 *
 * Test-only: XGATE_TEST_SONAMES="libpq.so.5=libnothere.so.0,..." makes xg_dl_load open another
 * soname in place of the one named, so the tests can check the error for a missing library.
 */
#ifndef XG_CORE_DL_H
#define XG_CORE_DL_H

#include <pthread.h>
#include <stddef.h>

typedef struct xg_dl_sym {
    const char *name; /* the function's name in the library */
    void **ptr;       /* where its address goes (a sym_<name> pointer, cast) */
} xg_dl_sym;

typedef struct xg_dl_lib {
    const char *soname;  /* "libcurl.so.4" */
    const char *package; /* the Debian package that ships it, for the error: "libcurl4" */
    const xg_dl_sym *syms;
    size_t nsyms;
    /* state, set by xg_dl_load (initialise with the fields above, .once = PTHREAD_ONCE_INIT) */
    pthread_once_t once;
    int rc;        /* 0 when loaded, else an XG_E* code */
    char err[512]; /* the message of the failure */
    void *handle;
} xg_dl_lib;

/* Open lib and resolve all its symbols, once (the first call does the work; every later call,
 * from any thread, returns its result). Returns 0, or XG_ENOTFOUND with the calling thread's
 * error message naming the soname, the package to install and the loader's reason. */
int xg_dl_load(xg_dl_lib *lib);

/* The soname xg_dl_load opens for `soname`: the test override from XGATE_TEST_SONAMES, if any,
 * copied into buf, else soname itself. */
const char *xg_dl_soname(const char *soname, char *buf, size_t cap);

/* Helpers for the shims: XG_DL_DECLARE(f) declares the pointer sym_f, XG_DL_DEFINE(f) defines it,
 * XG_DL_ENTRY(f) is its xg_dl_sym. */
#define XG_DL_DECLARE(f) extern __typeof__(&f) sym_##f;
#define XG_DL_DEFINE(f) __typeof__(&f) sym_##f;
#define XG_DL_ENTRY(f) {#f, (void **)&sym_##f},

#endif
