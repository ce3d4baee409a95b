/*
 * pool.h — a fixed set of threads with full-size stacks that run one function at a time for a
 * caller who waits (see pool.c for why civetweb's own workers are not enough).
 */
#ifndef XG_SERVER_POOL_H
#define XG_SERVER_POOL_H

#include <pthread.h>
#include <stdbool.h>

typedef struct xg_pool xg_pool;
typedef int (*pool_fn)(void *arg);

/* Start nthreads threads; 0, or -1 when none could be started. */
int pool_new(xg_pool **out, int nthreads);
/* Run fn(arg) on a pool thread and return its result; blocks the caller until it is done. */
int pool_run(xg_pool *pool, pool_fn fn, void *arg);
/* At most this many pool threads help one pool_run_shared. */
#define POOL_SHARED_MAX 64
/* Run fn(arg) on the calling thread and, at the same time, on up to `helpers` pool threads (pool
 * may be NULL: the caller alone); fn shares the work out itself (an atomic counter) and returns
 * when none is left. Returns when every run has ended; a helper run no pool thread had started
 * by the time the caller's own run ended is dropped, so a busy pool never delays the caller. */
void pool_run_shared(xg_pool *pool, pool_fn fn, void *arg, int helpers);
/* Finish queued work, join the threads, free. NULL is a no-op. */
void pool_free(xg_pool *pool);

#endif
