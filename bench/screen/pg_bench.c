/*
 * pg_bench.c — the PostgreSQL pg_trgm peer of bench/bench_screen.sh: what a team would reach for
 * first. Each thread holds its own connection and runs, per query, the textbook trigram search
 *
 *   SELECT reckey, similarity(name, $1) FROM TABLE WHERE name % $1
 *   ORDER BY similarity(name, $1) DESC LIMIT 10
 *
 * over a GIN (gin_trgm_ops) index on the same names xgate indexes (dumped by screen_bench).
 * Output mirrors screen_bench run: per query "idx<TAB>key:sim,…", then "# key value" lines.
 *
 *   pg_bench CONNINFO TABLE THREADS REPEAT QUERIES
 *
 * CPU is the server backend's, read from /proc/PID/schedstat (nanoseconds of run time, not the
 * 10 ms ticks of /proc/PID/stat) before and after each query, so that every query has its own CPU
 * time: cpu_us (all CPU / queries), cpu_min_us (each query's least over the REPEAT rounds,
 * averaged) as screen_bench prints them. SCREEN_BENCH_QCPU=FILE writes "idx<TAB>µs" per query,
 * the least over this process's rounds, so that bench_screen.sh can take the least over rounds run
 * in separate processes (interleaved with xgate's).
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char SQL[256];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds the backend process has run so far: the first field of /proc/PID/schedstat, in
 * nanoseconds (the scheduler's own account, user + system). */
static double backend_cpu(int pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "pg_bench: cannot read %s\n", path);
        exit(1);
    }
    unsigned long long ns = 0;
    if (fscanf(f, "%llu", &ns) != 1) ns = 0;
    fclose(f);
    return (double)ns / 1e9;
}

typedef struct job {
    double cpu;      /* backend CPU seconds used by this job's queries */
    double *cpu_min; /* per query, the least backend CPU seconds over the rounds (or NULL) */
    const char *conninfo;
    char **q;
    char **out;
    size_t nq, from, step, repeat;
    double *lat;
    size_t nlat;
} job;

static char *format_rows(PGresult *res)
{
    size_t cap = 64, len = 0;
    char *s = malloc(cap);
    s[0] = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *k = PQgetvalue(res, i, 0), *v = PQgetvalue(res, i, 1);
        size_t need = len + strlen(k) + strlen(v) + 4;
        if (need > cap) s = realloc(s, cap = need * 2);
        len += (size_t)sprintf(s + len, "%s%s:%s", i ? "," : "", k, v);
    }
    return s;
}

static void *worker(void *arg)
{
    job *j = arg;
    PGconn *c = PQconnectdb(j->conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "pg_bench: %s", PQerrorMessage(c));
        exit(1);
    }
    PQclear(PQprepare(c, "q", SQL, 1, NULL));
    int pid = PQbackendPID(c);
    for (size_t rep = 0; rep < j->repeat; rep++)
        for (size_t i = j->from; i < j->nq; i += j->step) {
            const char *params[1] = {j->q[i]};
            double c0 = backend_cpu(pid), t0 = now();
            PGresult *res = PQexecPrepared(c, "q", 1, params, NULL, NULL, 0);
            j->lat[j->nlat++] = now() - t0;
            double used = backend_cpu(pid) - c0;
            j->cpu += used;
            if (j->cpu_min && (rep == 0 || used < j->cpu_min[i])) j->cpu_min[i] = used;
            if (PQresultStatus(res) != PGRES_TUPLES_OK) {
                fprintf(stderr, "pg_bench: %s", PQerrorMessage(c));
                exit(1);
            }
            if (rep == 0 && j->out && !j->out[i]) j->out[i] = format_rows(res);
            PQclear(res);
        }
    PQfinish(c);
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: pg_bench CONNINFO TABLE THREADS REPEAT QUERIES\n");
        return 2;
    }
    snprintf(SQL, sizeof SQL,
             "SELECT reckey, similarity(name, $1) AS s FROM %s WHERE name %% $1 "
             "ORDER BY s DESC LIMIT 10",
             argv[2]);
    int threads = atoi(argv[3]), repeat = atoi(argv[4]);
    FILE *f = fopen(argv[5], "r");
    if (!f) return 1;
    size_t cap = 1024, nq = 0;
    char **q = malloc(cap * sizeof *q), line[1 << 16];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *t = strrchr(line, '\t');
        if (nq == cap) q = realloc(q, (cap *= 2) * sizeof *q);
        q[nq++] = strdup(t ? t + 1 : line);
    }
    fclose(f);
    char **out = calloc(nq, sizeof *out);
    double *cpu_min = calloc(nq, sizeof *cpu_min);
    job warm = {0, NULL, argv[1], q, out, nq, 0, 1, 1, malloc(nq * sizeof(double)), 0};
    worker(&warm);
    free(warm.lat);
    job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    double t0 = now();
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){0,
                        cpu_min,
                        argv[1],
                        q,
                        NULL,
                        nq,
                        (size_t)t,
                        (size_t)threads,
                        (size_t)repeat,
                        malloc((nq / (size_t)threads + 1) * (size_t)repeat * sizeof(double)),
                        0};
        pthread_create(&tid[t], NULL, worker, &jobs[t]);
    }
    size_t total = 0;
    double cpu = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        total += jobs[t].nlat;
        cpu += jobs[t].cpu;
    }
    double wall = now() - t0;
    double *all = malloc(total * sizeof *all);
    size_t k = 0;
    for (int t = 0; t < threads; t++) {
        memcpy(all + k, jobs[t].lat, jobs[t].nlat * sizeof *all);
        k += jobs[t].nlat;
    }
    qsort(all, total, sizeof *all, cmp_double);
    for (size_t i = 0; i < nq; i++)
        printf("%zu\t%s\n", i, out[i] ? out[i] : "");
    printf("# threads %d\n# queries %zu\n# qps %.1f\n# p50_us %.1f\n# p99_us %.1f\n", threads,
           total, (double)total / wall, all[total / 2] * 1e6, all[total * 99 / 100] * 1e6);
    printf("# cpu_us %.1f\n", cpu / (double)total * 1e6); /* server side, from /proc */
    double min_sum = 0;
    for (size_t i = 0; i < nq; i++)
        min_sum += cpu_min[i];
    printf("# cpu_min_us %.1f\n", min_sum / (double)nq * 1e6);
    const char *qcpu = getenv("SCREEN_BENCH_QCPU");
    if (qcpu) {
        FILE *o = fopen(qcpu, "w");
        if (!o) return 1;
        for (size_t i = 0; i < nq; i++)
            fprintf(o, "%zu\t%.3f\n", i, cpu_min[i] * 1e6);
        fclose(o);
    }
    return 0;
}
