/*
 * core/curl_dl.h — libcurl (the feeds' downloads, the monitor's webhooks), opened on first use
 * (core/dl.h): libcurl.so.4 from libcurl4. Call xg_curl_load() before the first sym_ call; its
 * prototypes come from <curl/curl.h>, so the compiler checks every call against the library's
 * header.
 */
#ifndef XG_CURL_DL_H
#define XG_CURL_DL_H

#include <curl/curl.h>

#include "core/dl.h"

#define XG_CURL_SYMS(X)                                                                            \
    X(curl_global_init)                                                                            \
    X(curl_easy_init)                                                                              \
    X(curl_easy_setopt)                                                                            \
    X(curl_easy_perform)                                                                           \
    X(curl_easy_getinfo)                                                                           \
    X(curl_easy_cleanup)                                                                           \
    X(curl_easy_strerror)                                                                          \
    X(curl_slist_append)                                                                           \
    X(curl_slist_free_all)

XG_CURL_SYMS(XG_DL_DECLARE)

/* Load libcurl.so.4 once; 0, or XG_ENOTFOUND with a message naming the package to install. */
int xg_curl_load(void);

#endif
