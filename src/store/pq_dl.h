/*
 * store/pq_dl.h — libpq (the PostgreSQL store), opened on first use (core/dl.h): libpq.so.5 from
 * libpq5. Call xg_pq_load() before the first sym_ call; its prototypes come from <libpq-fe.h>, so
 * the compiler checks every call against the library's header.
 */
#ifndef XG_PQ_DL_H
#define XG_PQ_DL_H

#include <libpq-fe.h>

#include "core/dl.h"

#define XG_PQ_SYMS(X)                                                                              \
    X(PQclear)                                                                                     \
    X(PQcmdTuples)                                                                                 \
    X(PQconnectdb)                                                                                 \
    X(PQconsumeInput)                                                                              \
    X(PQerrorMessage)                                                                              \
    X(PQexec)                                                                                      \
    X(PQexecParams)                                                                                \
    X(PQexecPrepared)                                                                              \
    X(PQfinish)                                                                                    \
    X(PQfname)                                                                                     \
    X(PQfreemem)                                                                                   \
    X(PQgetResult)                                                                                 \
    X(PQenterPipelineMode)                                                                         \
    X(PQexitPipelineMode)                                                                          \
    X(PQftype)                                                                                     \
    X(PQgetisnull)                                                                                 \
    X(PQgetvalue)                                                                                  \
    X(PQnfields)                                                                                   \
    X(PQnotifies)                                                                                  \
    X(PQpipelineStatus)                                                                            \
    X(PQpipelineSync)                                                                              \
    X(PQprepare)                                                                                   \
    X(PQntuples)                                                                                   \
    X(PQreset)                                                                                     \
    X(PQresultErrorField)                                                                          \
    X(PQresultErrorMessage)                                                                        \
    X(PQresultStatus)                                                                              \
    X(PQsendPrepare)                                                                               \
    X(PQsendQueryParams)                                                                           \
    X(PQsendQueryPrepared)                                                                         \
    X(PQsetNoticeProcessor)                                                                        \
    X(PQsocket)                                                                                    \
    X(PQstatus)                                                                                    \
    X(PQtransactionStatus)

XG_PQ_SYMS(XG_DL_DECLARE)

/* Load libpq.so.5 once; 0, or XG_ENOTFOUND with a message naming the package to install. */
int xg_pq_load(void);

#endif
