/*
 * zip_dl.c — the libzip.so.4 pointers and their loader (see zip_dl.h).
 */
#include "scan/zip_dl.h"

XG_ZIP_SYMS(XG_DL_DEFINE)

static const xg_dl_sym syms[] = {XG_ZIP_SYMS(XG_DL_ENTRY)};
static xg_dl_lib lib = {.soname = "libzip.so.4",
                        .package = "libzip4",
                        .syms = syms,
                        .nsyms = sizeof syms / sizeof syms[0],
                        .once = PTHREAD_ONCE_INIT};

int xg_zip_load(void)
{
    return xg_dl_load(&lib);
}
