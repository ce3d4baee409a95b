/*
 * scan/zip_dl.h — libzip (reading Office documents for scan), opened on first use (core/dl.h):
 * libzip.so.4 from libzip4. Call xg_zip_load() before the first sym_ call; its prototypes come from
 * <zip.h>, so the compiler checks every call against the library's header.
 */
#ifndef XG_ZIP_DL_H
#define XG_ZIP_DL_H

#include <zip.h>

#include "core/dl.h"

#define XG_ZIP_SYMS(X)                                                                             \
    X(zip_discard)                                                                                 \
    X(zip_error_fini)                                                                              \
    X(zip_error_init)                                                                              \
    X(zip_error_strerror)                                                                          \
    X(zip_fclose)                                                                                  \
    X(zip_file_strerror)                                                                           \
    X(zip_fopen_index)                                                                             \
    X(zip_fread)                                                                                   \
    X(zip_get_name)                                                                                \
    X(zip_get_num_entries)                                                                         \
    X(zip_name_locate)                                                                             \
    X(zip_open_from_source)                                                                        \
    X(zip_source_buffer_create)                                                                    \
    X(zip_source_free)                                                                             \
    X(zip_stat_index)                                                                              \
    X(zip_stat_init)                                                                               \
    X(zip_strerror)

XG_ZIP_SYMS(XG_DL_DECLARE)

/* Load libzip.so.4 once; 0, or XG_ENOTFOUND with a message naming the package to install. */
int xg_zip_load(void);

#endif
