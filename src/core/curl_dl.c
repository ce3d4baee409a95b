/*
 * curl_dl.c — the libcurl.so.4 pointers and their loader (see curl_dl.h).
 */
#include "core/curl_dl.h"

XG_CURL_SYMS(XG_DL_DEFINE)

static const xg_dl_sym syms[] = {XG_CURL_SYMS(XG_DL_ENTRY)};
static xg_dl_lib lib = {.soname = "libcurl.so.4",
                        .package = "libcurl4",
                        .syms = syms,
                        .nsyms = sizeof syms / sizeof syms[0],
                        .once = PTHREAD_ONCE_INIT};

int xg_curl_load(void)
{
    return xg_dl_load(&lib);
}
