/*
 * fiber.h — run a function on the calling thread but on a full-size stack of that thread's own
 * (see fiber.c for why civetweb's worker stacks are not enough, and why not another thread).
 */
#ifndef XG_SERVER_FIBER_H
#define XG_SERVER_FIBER_H

#include "server/pool.h"

/* Run fn(arg) on this thread's big stack (mapped at its first use, unmapped when the thread
 * ends) and return its result in *result: 0. -1 when no stack could be mapped; fn has not run
 * then and the caller runs it elsewhere. fn must not call fiber_run itself. */
int fiber_run(pool_fn fn, void *arg, int *result);

#endif
