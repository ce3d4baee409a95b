/*
 * pool.c — run functions on threads of our own, with full-size stacks, for a caller who waits.
 *
 * Used for the list loader (state.c: one thread builds every snapshot, so that its memory comes
 * from one malloc arena) and for batch screening (routes_screen.c: the queries of one
 * /v1/screen/batch request shared out over every core, pool_run_shared). Request handlers used to
 * run here too, one pool thread per civetweb worker; they now run on the worker's own thread on a
 * big stack (fiber.c), which saves two thread switches and a shared lock per request.
 */
#include "server/pool.h"

#include <stdlib.h>

#define XG_POOL_STACK (8u << 20)

typedef struct pool_job {
    pool_fn fn;
    void *arg;
    int result;
    bool started, done;
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
        j->started = true;
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

/* Queue j; caller holds the lock. */
static void enqueue(xg_pool *pool, pool_job *j)
{
    if (pool->tail)
        pool->tail->next = j;
    else
        pool->head = j;
    pool->tail = j;
}

int pool_run(xg_pool *pool, pool_fn fn, void *arg)
{
    pool_job j = {.fn = fn, .arg = arg};
    pthread_cond_init(&j.done_cv, NULL);
    pthread_mutex_lock(&pool->lock);
    enqueue(pool, &j);
    pthread_cond_signal(&pool->work_cv);
    while (!j.done)
        pthread_cond_wait(&j.done_cv, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
    pthread_cond_destroy(&j.done_cv);
    return j.result;
}

/* Take j off the queue if no thread has started it; caller holds the lock. */
static void dequeue_unstarted(xg_pool *pool, pool_job *j)
{
    pool_job *prev = NULL;
    for (pool_job *q = pool->head; q; prev = q, q = q->next) {
        if (q != j) continue;
        if (prev)
            prev->next = q->next;
        else
            pool->head = q->next;
        if (pool->tail == q) pool->tail = prev;
        j->done = true;
        return;
    }
}

void pool_run_shared(xg_pool *pool, pool_fn fn, void *arg, int helpers)
{
    pool_job jobs[POOL_SHARED_MAX];
    if (!pool || helpers < 0) helpers = 0;
    if (pool && helpers > pool->nthreads) helpers = pool->nthreads;
    if (helpers > POOL_SHARED_MAX) helpers = POOL_SHARED_MAX;
    if (helpers) {
        pthread_mutex_lock(&pool->lock);
        for (int i = 0; i < helpers; i++) {
            jobs[i] = (pool_job){.fn = fn, .arg = arg};
            pthread_cond_init(&jobs[i].done_cv, NULL);
            enqueue(pool, &jobs[i]);
        }
        pthread_cond_broadcast(&pool->work_cv);
        pthread_mutex_unlock(&pool->lock);
    }
    fn(arg); /* the caller works too: the share never waits for a free pool thread */
    if (!helpers) return;
    pthread_mutex_lock(&pool->lock);
    for (int i = 0; i < helpers; i++) {
        if (!jobs[i].started) dequeue_unstarted(pool, &jobs[i]);
        while (!jobs[i].done)
            pthread_cond_wait(&jobs[i].done_cv, &pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < helpers; i++)
        pthread_cond_destroy(&jobs[i].done_cv);
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
