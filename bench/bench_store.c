/* bench_store.c — durable decisions/s through the store, with and without group commit.
 *
 *   bench_store URL THREADS TOTAL GROUP(0|1)
 *   bench_store fill URL ROWS
 *
 * THREADS threads record TOTAL decisions between them through xg_store_decision_record (the
 * call /v1/decide makes after deciding), each a copy of one realistic response and request, and
 * the wall time and every call's latency are measured. GROUP 0 makes every decision commit alone
 * (the store's behaviour before group commit), 1 lets concurrent decisions share a commit.
 * Prints key=value lines: per_s, p50_ms, p99_ms, batches. The engine is not run: this measures
 * what durability costs, which bench_decide.sh shows beside the engine's own cost.
 *
 * "fill" appends ROWS decisions (and as many audit-chain entries) to the store at URL through
 * xg_store_decisions_record_batch, XG_STORE_BATCH_MAX a transaction from two threads (group commit
 * may join their batches): the public path, only faster than one decision at a time. It makes the
 * chain that bench_store_audit.sh times `xgate audit verify` over; prints rows= and per_s=. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_internal.h"
#include "xgate/error.h"
#include "xgate/store.h"

static xg_store *S;
static int PER;
static double *LAT;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static json_t *sample_request(void)
{
    return json_pack("{s:{s:s,s:s},s:{s:s},s:{s:s}}", "customer", "name",
                     "Kowloon Bay Cloud Services Limited", "country", "HK", "resource", "item",
                     "H100 SXM5 80GB", "access", "source_ip", "203.0.113.7");
}

static json_t *sample_response(void)
{
    return json_pack("{s:s,s:[{s:s,s:s,s:s}],s:{s:s,s:s,s:s,s:s},s:[{s:s,s:s}]}", "decision",
                     "REVIEW", "reasons", "rule", "ownership_unknown", "outcome", "REVIEW",
                     "detail", "ultimate parent not on file", "versions", "lists", "sha256:4c1f0a",
                     "catalog", "2026-11", "policy", "provider", "as_of", "2026-11-22", "parties",
                     "name", "Kowloon Bay Cloud Services Limited", "role", "customer");
}

static void *work(void *arg)
{
    long t = (long)arg;
    json_t *req = sample_request(), *resp0 = sample_response();
    for (int i = 0; i < PER; i++) {
        json_t *resp = json_deep_copy(resp0);
        double t0 = now_s();
        if (xg_store_decision_record(S, resp, req)) {
            fprintf(stderr, "bench_store: %s\n", xg_error_message());
            exit(1);
        }
        LAT[t * PER + i] = now_s() - t0;
        json_decref(resp);
    }
    json_decref(resp0);
    json_decref(req);
    return NULL;
}

static json_t *REQ, *RESP;
static long FILL_LEFT;
static pthread_mutex_t FILL_LOCK = PTHREAD_MUTEX_INITIALIZER;

static void *fill(void *arg)
{
    (void)arg;
    json_t *resp[XG_STORE_BATCH_MAX];
    const json_t *req[XG_STORE_BATCH_MAX];
    for (;;) {
        pthread_mutex_lock(&FILL_LOCK);
        long n = FILL_LEFT < XG_STORE_BATCH_MAX ? FILL_LEFT : XG_STORE_BATCH_MAX;
        FILL_LEFT -= n;
        pthread_mutex_unlock(&FILL_LOCK);
        if (n == 0) break;
        for (long i = 0; i < n; i++) {
            resp[i] = json_deep_copy(RESP);
            req[i] = REQ;
        }
        if (xg_store_decisions_record_batch(S, resp, req, NULL, (size_t)n)) {
            fprintf(stderr, "bench_store: fill: %s\n", xg_error_message());
            exit(1);
        }
        for (long i = 0; i < n; i++)
            json_decref(resp[i]);
    }
    return NULL;
}

static int fill_main(const char *url, long rows)
{
    if (rows < 1) return 2;
    if (xg_store_open(&S, url)) {
        fprintf(stderr, "bench_store: %s\n", xg_error_message());
        return 1;
    }
    REQ = sample_request();
    RESP = sample_response();
    FILL_LEFT = rows;
    pthread_t th[2];
    double t0 = now_s();
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, fill, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    printf("rows=%ld\nper_s=%.0f\n", rows, rows / (now_s() - t0));
    xg_store_close(S);
    json_decref(REQ);
    json_decref(RESP);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "fill")) return fill_main(argv[2], atol(argv[3]));
    if (argc != 5) {
        fprintf(stderr, "usage: bench_store URL THREADS TOTAL GROUP | bench_store fill URL ROWS\n");
        return 2;
    }
    int threads = atoi(argv[2]), total = atoi(argv[3]);
    if (threads < 1 || total < threads) return 2;
    PER = total / threads;
    if (xg_store_open(&S, argv[1])) {
        fprintf(stderr, "bench_store: %s\n", xg_error_message());
        return 1;
    }
    S->gc_off = !atoi(argv[4]);
    LAT = calloc((size_t)threads * PER, sizeof *LAT);
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    double t0 = now_s();
    for (long i = 0; i < threads; i++)
        pthread_create(&th[i], NULL, work, (void *)i);
    for (int i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    double wall = now_s() - t0;
    int n = threads * PER;
    qsort(LAT, (size_t)n, sizeof *LAT, cmp);
    printf("per_s=%.0f\np50_ms=%.2f\np99_ms=%.2f\nbatches=%llu\n", n / wall, LAT[n / 2] * 1e3,
           LAT[(int)(n * 0.99)] * 1e3, S->gc_batches);
    xg_store_close(S);
    free(LAT);
    free(th);
    return 0;
}
