/*
 * pool.c — run functions on threads of our own, with full-size stacks, for a caller who waits.
 *
 * Used for the list loader (state.c: one thread builds every snapshot, so that its memory comes
 * from one malloc arena). Request handlers used to run here too, one pool thread per civetweb
 * worker; they now run on the worker's own thread on a big stack (fiber.c), which saves two
 * thread switches and a shared lock per request.
 */
#include "server/pool.h"

#include <stdlib.h>

#define XG_POOL_STACK (8u << 20)

typedef struct pool_job {
    pool_fn fn;
    void *arg;
    int result;
    bool done;
    pthread_cond_t done_cv;
    struct pool_job *next;
} pool_job;

struct xg_pool {
    pthread_mutex_t lock;
    pthread_cond_t work_cv;
    pool_job *head, *tail;
    bool stopping;
    pthread_t *threads;
    int nthreads;
};

static void *pool_main(void *p)
{
    xg_pool *pool = p;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->head && !pool->stopping)
            pthread_cond_wait(&pool->work_cv, &pool->lock);
        if (!pool->head) break; /* stopping and drained */
        pool_job *j = pool->head;
        pool->head = j->next;
        if (!pool->head) pool->tail = NULL;
        pthread_mutex_unlock(&pool->lock);
        int result = j->fn(j->arg);
        pthread_mutex_lock(&pool->lock);
        j->result = result;
        j->done = true;
        pthread_cond_signal(&j->done_cv);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

int pool_new(xg_pool **out, int nthreads)
{
    xg_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return -1;
    pool->threads = calloc((size_t)nthreads, sizeof *pool->threads);
    if (!pool->threads) {
        free(pool);
        return -1;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work_cv, NULL);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, XG_POOL_STACK);
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&pool->threads[i], &attr, pool_main, pool) != 0) break;
        pool->nthreads++;
    }
    pthread_attr_destroy(&attr);
    if (pool->nthreads == 0) {
        pool_free(pool);
        return -1;
    }
    *out = pool;
    return 0;
}

int pool_run(xg_pool *pool, pool_fn fn, void *arg)
{
    pool_job j = {.fn = fn, .arg = arg};
    pthread_cond_init(&j.done_cv, NULL);
    pthread_mutex_lock(&pool->lock);
    if (pool->tail)
        pool->tail->next = &j;
    else
        pool->head = &j;
    pool->tail = &j;
    pthread_cond_signal(&pool->work_cv);
    while (!j.done)
        pthread_cond_wait(&j.done_cv, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
    pthread_cond_destroy(&j.done_cv);
    return j.result;
}

void pool_free(xg_pool *pool)
{
    if (!pool) return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    pthread_cond_broadcast(&pool->work_cv);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    pthread_cond_destroy(&pool->work_cv);
    pthread_mutex_destroy(&pool->lock);
    free(pool->threads);
    free(pool);
}
