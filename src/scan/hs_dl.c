/*
 * hs_dl.c — the libhs.so.5 pointers and their loader (see hs_dl.h).
 */
#include "scan/hs_dl.h"

XG_HS_SYMS(XG_DL_DEFINE)

static const xg_dl_sym syms[] = {XG_HS_SYMS(XG_DL_ENTRY)};
static xg_dl_lib lib = {.soname = "libhs.so.5",
                        .package = "libhyperscan5",
                        .syms = syms,
                        .nsyms = sizeof syms / sizeof syms[0],
                        .once = PTHREAD_ONCE_INIT};

int xg_hs_load(void)
{
    return xg_dl_load(&lib);
}
