/*
 * dl.c — opening an optional shared library on first use (see dl.h).
 */
#include "core/dl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xgate/error.h"

const char *xg_dl_soname(const char *soname, char *buf, size_t cap)
{
    const char *env = getenv("XGATE_TEST_SONAMES");
    size_t n = strlen(soname);
    for (const char *p = env; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > n && !strncmp(p, soname, n) && p[n] == '=' && len - n - 1 < cap) {
            memcpy(buf, p + n + 1, len - n - 1);
            buf[len - n - 1] = '\0';
            return buf;
        }
        p = end ? end + 1 : NULL;
    }
    return soname;
}

/* pthread_once takes no argument: the library being loaded is handed over in a thread-local,
 * which is safe because pthread_once runs the routine in the calling thread. */
static _Thread_local xg_dl_lib *loading;

static void load_once(void)
{
    xg_dl_lib *lib = loading;
    char buf[256];
    const char *name = xg_dl_soname(lib->soname, buf, sizeof buf);
    dlerror();
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(lib->err, sizeof lib->err,
                 "%s cannot be loaded (install the Debian package %s): %s", lib->soname,
                 lib->package, why ? why : "unknown reason");
        lib->rc = XG_ENOTFOUND;
        return;
    }
    for (size_t i = 0; i < lib->nsyms; i++) {
        dlerror();
        void *f = dlsym(h, lib->syms[i].name);
        if (!f) {
            const char *why = dlerror();
            snprintf(lib->err, sizeof lib->err, "%s has no function %s (install a newer %s): %s",
                     name, lib->syms[i].name, lib->package, why ? why : "symbol is NULL");
            for (size_t j = 0; j < i; j++)
                *lib->syms[j].ptr = NULL;
            dlclose(h);
            lib->rc = XG_ENOTFOUND;
            return;
        }
        *lib->syms[i].ptr = f;
    }
    lib->handle = h;
    lib->rc = 0;
}

int xg_dl_load(xg_dl_lib *lib)
{
    loading = lib;
    pthread_once(&lib->once, load_once);
    loading = NULL;
    if (lib->rc) return xg_error_set(lib->rc, "%s", lib->err);
    return 0;
}
