/*
 * screen_bench.c — the xgate side of bench/bench_screen.sh, built at bench time against
 * build/libxgate.a. Three jobs, each printing plain lines the bench script turns into Markdown:
 *
 *   screen_bench dump LIST...                 every indexed name: reckey, type, delisted, name
 *   screen_bench run THREADS REPEAT QUERIES LIST...
 *                                             screen each query (TSV: category, expected, query)
 *                                             REPEAT times over THREADS threads; per query the
 *                                             records scored >= 0.5 (for the quality judge),
 *                                             then "# key value" lines: load time, names, RSS,
 *                                             queries/s, p50/p99 latency; with
 *                                             SCREEN_BENCH_QCPU=FILE, "idx<TAB>µs" per query
 *                                             (its least CPU over the rounds) in FILE, for the
 *                                             least over rounds run in separate processes
 *   screen_bench kernel A B [cached]          Jaro-Winkler ns per pair, every line of A against
 *                                             every line of B, plain and with a cached pattern
 *                                             (best of five rounds)
 *
 * A record key is "<list file name>#<record id>", the same in every job, so the judge can compare
 * xgate's answers with pg_trgm's on the very names dumped here.
 */
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "match/kernels.h"
#include "xgate/error.h"
#include "xgate/screen.h"

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_seconds(CLOCK_MONOTONIC);
}

static long rss_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, n)) v = strtol(line + n + 1, NULL, 10);
    if (f) fclose(f);
    return v;
}

static void reckey(char *out, size_t cap, const xg_record *r)
{
    char file[1024];
    snprintf(file, sizeof file, "%s", r->file ? r->file : "?");
    snprintf(out, cap, "%s#%s", basename(file), r->id ? r->id : "?");
}

static xg_snapshot *load(char **paths, int n, xg_text_ctx **text, double *secs)
{
    double t0 = now();
    xg_snapshot *s = NULL;
    if (xg_text_ctx_load(text, NULL) ||
        xg_snapshot_load(&s, (const char *const *)paths, (size_t)n, 0, *text)) {
        fprintf(stderr, "screen_bench: %s\n", xg_error_message());
        exit(1);
    }
    *secs = now() - t0;
    return s;
}

static void one_line(const char *s)
{
    for (; *s; s++)
        putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static int dump(char **paths, int n)
{
    xg_text_ctx *text;
    double secs;
    xg_snapshot *s = load(paths, n, &text, &secs);
    const xg_listset *l = xg_snapshot_lists(s);
    char today[11], key[1200];
    xg_date_today(today);
    for (size_t i = 0; i < l->nrecords; i++) {
        const xg_record *r = &l->records[i];
        reckey(key, sizeof key, r);
        int gone = xg_record_is_delisted(r, today);
        for (size_t a = 0; a <= r->naliases; a++) {
            const char *name = a ? r->aliases[a - 1] : r->name;
            if (!name || !*name) continue;
            printf("%s\t%s\t%d\t%d\t", key, xg_party_type_name(r->type), gone, a == 0);
            one_line(name);
            putchar('\n');
        }
    }
    xg_snapshot_unref(s);
    xg_text_ctx_free(text);
    return 0;
}

typedef struct query {
    char *text;
    double cpu_min; /* the least CPU time this query took over the repeats */
    char *out;      /* "key:score,key:score" from the first round */
} query;

typedef struct job {
    const xg_snapshot *snap;
    query *q;
    size_t nq, from, step, repeat;
    double *lat; /* per executed query, seconds */
    double *cpu; /* per executed query, this thread's CPU seconds (no preemption in it) */
    size_t nlat;
} job;

static char *result_line(const xg_screen_result *r)
{
    xg_buf b;
    xg_buf_init(&b);
    char key[1200];
    for (size_t i = 0; i < r->nmatches; i++) {
        reckey(key, sizeof key, r->matches[i].record);
        xg_buf_printf(&b, "%s%s:%.4f", i ? "," : "", key, r->matches[i].score);
    }
    xg_buf_putc(&b, 0);
    return xg_buf_steal(&b);
}

static void *worker(void *arg)
{
    job *j = arg;
    for (size_t rep = 0; rep < j->repeat; rep++)
        for (size_t i = j->from; i < j->nq; i += j->step) {
            xg_screen_query q = {.name = j->q[i].text, .threshold = 0.5, .limit = 10};
            xg_screen_result *r;
            double t0 = now(), c0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
            int rc = xg_screen(&r, j->snap, &q);
            j->cpu[j->nlat] = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
            j->lat[j->nlat++] = now() - t0;
            if (rep == 0 || j->cpu[j->nlat - 1] < j->q[i].cpu_min)
                j->q[i].cpu_min = j->cpu[j->nlat - 1];
            /* SCREEN_BENCH_SLOW=US names the queries over US µs of CPU (1000 when not a number) */
            const char *slow = getenv("SCREEN_BENCH_SLOW");
            double slow_s = slow && atof(slow) > 0 ? atof(slow) / 1e6 : 1e-3;
            if (slow && rep == 0 && j->cpu[j->nlat - 1] > slow_s)
                fprintf(stderr, "slow %.0f us CPU: %s\n", j->cpu[j->nlat - 1] * 1e6, j->q[i].text);
            if (rc) continue;
            if (rep == 0 && !j->q[i].out) j->q[i].out = result_line(r);
            xg_screen_result_free(r);
        }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static query *read_queries(const char *path, size_t *n)
{
    char *data;
    size_t len;
    if (xg_file_read(&data, &len, path, 0)) {
        fprintf(stderr, "screen_bench: %s\n", xg_error_message());
        exit(1);
    }
    query *q = calloc(len / 2 + 2, sizeof *q);
    size_t k = 0;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        char *t = strrchr(line, '\t');
        q[k++].text = strdup(t ? t + 1 : line);
    }
    free(data);
    *n = k;
    return q;
}

static int run(int threads, int repeat, const char *qpath, char **paths, int n)
{
    size_t nq;
    query *q = read_queries(qpath, &nq);
    xg_text_ctx *text;
    double secs;
    long rss0 = rss_kb("VmRSS:");
    xg_snapshot *s = load(paths, n, &text, &secs);
    long rss1 = rss_kb("VmRSS:");
    /* warm-up round: fills the per-query answers and the caches */
    job warm = {s, q, nq, 0, 1, 1, malloc(nq * sizeof(double)), malloc(nq * sizeof(double)), 0};
    worker(&warm);
    free(warm.lat), free(warm.cpu);
    job *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    double t0 = now(), cpu0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){s,
                        q,
                        nq,
                        (size_t)t,
                        (size_t)threads,
                        (size_t)repeat,
                        malloc((nq / (size_t)threads + 1) * (size_t)repeat * sizeof(double)),
                        malloc((nq / (size_t)threads + 1) * (size_t)repeat * sizeof(double)),
                        0};
        pthread_create(&tid[t], NULL, worker, &jobs[t]);
    }
    size_t total = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        total += jobs[t].nlat;
    }
    double wall = now() - t0, cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    double *all = malloc(total * sizeof *all), *cpus = malloc(total * sizeof *cpus);
    size_t k = 0;
    for (int t = 0; t < threads; t++) {
        memcpy(all + k, jobs[t].lat, jobs[t].nlat * sizeof *all);
        memcpy(cpus + k, jobs[t].cpu, jobs[t].nlat * sizeof *cpus);
        k += jobs[t].nlat;
        free(jobs[t].lat), free(jobs[t].cpu);
    }
    qsort(all, total, sizeof *all, cmp_double);
    qsort(cpus, total, sizeof *cpus, cmp_double);
    for (size_t i = 0; i < nq; i++)
        printf("%zu\t%s\n", i, q[i].out ? q[i].out : "");
    printf("# load_seconds %.3f\n# build_seconds %.3f\n# names %zu\n# records %zu\n", secs,
           xg_snapshot_build_seconds(s), xg_snapshot_names(s), xg_snapshot_lists(s)->nrecords);
    printf("# rss_before_kb %ld\n# rss_after_load_kb %ld\n# rss_peak_kb %ld\n", rss0, rss1,
           rss_kb("VmHWM:"));
    printf("# threads %d\n# queries %zu\n# qps %.1f\n# p50_us %.1f\n# p99_us %.1f\n", threads,
           total, (double)total / wall, all[total / 2] * 1e6, all[total * 99 / 100] * 1e6);
    double min_sum = 0;
    for (size_t i = 0; i < nq; i++)
        min_sum += q[i].cpu_min;
    printf("# cpu_min_us %.1f\n", min_sum / (double)nq * 1e6);
    const char *qcpu = getenv("SCREEN_BENCH_QCPU");
    FILE *o = qcpu ? fopen(qcpu, "w") : NULL;
    for (size_t i = 0; o && i < nq; i++)
        fprintf(o, "%zu\t%.3f\n", i, q[i].cpu_min * 1e6);
    if (o) fclose(o);
    printf("# cpu_us %.1f\n# cpu_p50_us %.1f\n# cpu_p99_us %.1f\n# cpu_max_us %.1f\n",
           cpu / (double)total * 1e6, cpus[total / 2] * 1e6, cpus[total * 99 / 100] * 1e6,
           cpus[total - 1] * 1e6);
    free(all), free(cpus), free(jobs), free(tid);
    for (size_t i = 0; i < nq; i++)
        free(q[i].text), free(q[i].out);
    free(q);
    xg_snapshot_unref(s);
    xg_text_ctx_free(text);
    return 0;
}

static char **read_lines(const char *path, size_t *n)
{
    char *data;
    size_t len;
    if (xg_file_read(&data, &len, path, 0)) exit(1);
    char **v = calloc(len / 2 + 2, sizeof *v);
    size_t k = 0;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n"))
        v[k++] = strdup(line);
    free(data);
    *n = k;
    return v;
}

static int kernel(const char *pa, const char *pb, int only_cached)
{
    size_t na, nb;
    char **a = read_lines(pa, &na), **b = read_lines(pb, &nb);
    size_t *lb = malloc(nb * sizeof *lb);
    for (size_t j = 0; j < nb; j++)
        lb[j] = strlen(b[j]);
    /* best of five rounds: the machine is shared, the fastest round is the kernel's own speed */
    double sum1 = 0, sum2 = 0, plain = 1e9, cached = 1e9;
    for (int round = 0; round < 5; round++) {
        double t0 = now();
        sum1 = 0;
        for (size_t i = 0; i < na && !only_cached; i++)
            for (size_t j = 0; j < nb; j++)
                sum1 += xg_jaro_winkler(a[i], b[j]);
        double t = now() - t0;
        plain = t < plain ? t : plain;
        t0 = now();
        sum2 = 0;
        for (size_t i = 0; i < na; i++) {
            xg_jw_pattern p;
            xg_jw_prepare(&p, a[i]);
            for (size_t j = 0; j < nb; j++)
                sum2 += xg_jw_cached(&p, b[j], lb[j]);
        }
        t = now() - t0;
        cached = t < cached ? t : cached;
    }
    double pairs = (double)na * (double)nb;
    printf("# pairs %.0f\n# plain_ns %.1f\n# cached_ns %.1f\n# checksum %.6f %.6f\n", pairs,
           plain / pairs * 1e9, cached / pairs * 1e9, sum1, sum2);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "dump")) return dump(argv + 2, argc - 2);
    if (argc >= 6 && !strcmp(argv[1], "run"))
        return run(atoi(argv[2]), atoi(argv[3]), argv[4], argv + 5, argc - 5);
    if ((argc == 4 || argc == 5) && !strcmp(argv[1], "kernel"))
        return kernel(argv[2], argv[3], argc == 5 && !strcmp(argv[4], "cached"));
    fprintf(stderr, "usage: screen_bench dump LIST... | run THREADS REPEAT QUERIES LIST... | "
                    "kernel A B\n");
    return 2;
}
