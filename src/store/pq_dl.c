/*
 * pq_dl.c — the libpq.so.5 pointers and their loader (see pq_dl.h).
 */
#include "store/pq_dl.h"

XG_PQ_SYMS(XG_DL_DEFINE)

static const xg_dl_sym syms[] = {XG_PQ_SYMS(XG_DL_ENTRY)};
static xg_dl_lib lib = {.soname = "libpq.so.5",
                        .package = "libpq5",
                        .syms = syms,
                        .nsyms = sizeof syms / sizeof syms[0],
                        .once = PTHREAD_ONCE_INIT};

int xg_pq_load(void)
{
    return xg_dl_load(&lib);
}
