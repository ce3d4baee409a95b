/*
 * scan/hs_dl.h — Hyperscan (the scan lexicon's matcher), opened on first use (core/dl.h):
 * libhs.so.5 from libhyperscan5. Call xg_hs_load() before the first sym_ call; its prototypes come
 * from <hs.h>, so the compiler checks every call against the library's header.
 */
#ifndef XG_HS_DL_H
#define XG_HS_DL_H

#include <hs.h>

#include "core/dl.h"

#define XG_HS_SYMS(X)                                                                              \
    X(hs_alloc_scratch)                                                                            \
    X(hs_clone_scratch)                                                                            \
    X(hs_compile_multi)                                                                            \
    X(hs_compile_lit_multi)                                                                        \
    X(hs_deserialize_database)                                                                     \
    X(hs_free_compile_error)                                                                       \
    X(hs_free_database)                                                                            \
    X(hs_free_scratch)                                                                             \
    X(hs_populate_platform)                                                                        \
    X(hs_scan)                                                                                     \
    X(hs_serialize_database)                                                                       \
    X(hs_version)

XG_HS_SYMS(XG_DL_DECLARE)

/* Load libhs.so.5 once; 0, or XG_ENOTFOUND with a message naming the package to install. */
int xg_hs_load(void);

#endif
