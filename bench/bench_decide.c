/*
 * bench_decide.c — the decision benchmark driver (compiled by bench/bench_decide.sh against
 * build/libxgate.a).
 *
 *   bench_decide decide FIXTURE_DIR N DBPATH     N decisions, one thread, durable SQLite store;
 *                                                then N dry-run decisions (no store): the engine
 *                                                alone. Prints key=value lines.
 *   bench_decide grow DBPATH ROWS                grow the audit chain to ROWS entries by cloning
 *                                                the stored decisions, through the store's own
 *                                                append code, 10,000 rows per transaction
 *   bench_decide verify DBPATH                   time xg_store_audit_verify
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "store/store_internal.h"
#include "xgate/decide.h"
#include "xgate/error.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static size_t load_requests(json_t **reqs, size_t max, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    while (d && (e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if ((reqs[n] = json_load_file(path, 0, NULL))) n++;
    }
    if (d) closedir(d);
    return n;
}

static void report(const char *what, double *lat, int n, double secs)
{
    qsort(lat, (size_t)n, sizeof *lat, cmp_double);
    printf("%s_per_s=%.1f\n%s_p50_ms=%.3f\n%s_p99_ms=%.3f\n%s_max_ms=%.3f\n", what, n / secs, what,
           lat[n / 2] * 1e3, what, lat[(int)(n * 0.99)] * 1e3, what, lat[n - 1] * 1e3);
}

static int run(xg_decide_ctx *ctx, json_t **reqs, size_t nreq, int n, const char *what)
{
    double *lat = malloc(sizeof *lat * (size_t)n), t0 = now(), c0 = cpu_seconds();
    for (int i = 0; i < n; i++) {
        json_t *resp;
        double s = now();
        if (xg_decide(&resp, ctx, reqs[(size_t)i % nreq])) {
            fprintf(stderr, "decide: %s\n", xg_error_message());
            return 1;
        }
        lat[i] = now() - s;
        json_decref(resp);
    }
    printf("%s_cpu_ms=%.3f\n", what, (cpu_seconds() - c0) / n * 1e3);
    report(what, lat, n, now() - t0);
    free(lat);
    return 0;
}

static int decide(const char *dir, int n, const char *db)
{
    xg_text_ctx *text;
    xg_snapshot *snap;
    xg_catalog *cat;
    xg_policy_set *pol;
    xg_store *store;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:%s", db);
    double t0 = now();
    if (xg_text_ctx_load(&text, NULL) || xg_snapshot_load(&snap, NULL, 0, 0, text) ||
        xg_catalog_load(&cat, NULL) || xg_policy_load(&pol, NULL) || xg_store_open(&store, url)) {
        fprintf(stderr, "load: %s\n", xg_error_message());
        return 1;
    }
    printf("load_s=%.3f\n", now() - t0);
    json_t *reqs[64];
    size_t nreq = load_requests(reqs, 64, dir);
    printf("fixtures=%zu\n", nreq);
    xg_decide_ctx ctx = {.snapshot = snap, .catalog = cat, .policies = pol, .store = store};
    if (run(&ctx, reqs, nreq, n, "durable")) return 1;
    ctx.store = NULL;
    if (run(&ctx, reqs, nreq, n, "dryrun")) return 1;
    for (size_t i = 0; i < nreq; i++)
        json_decref(reqs[i]);
    xg_store_close(store);
    xg_policy_free(pol);
    xg_catalog_free(cat);
    xg_snapshot_unref(snap);
    xg_text_ctx_free(text);
    return 0;
}

/* Clone stored decisions (new id, same content) with their chain entries until ROWS entries. */
static int grow(const char *db, long rows)
{
    char url[4200];
    snprintf(url, sizeof url, "sqlite:%s", db);
    xg_store *s;
    if (xg_store_open(&s, url)) return fprintf(stderr, "%s\n", xg_error_message()), 1;
    db_stmt *src, *ins, *cnt;
    store_prepare(&cnt, s, "SELECT COUNT(*), COALESCE(MAX(n), 0) FROM decisions");
    db_step(cnt);
    long have = db_column_int64(cnt, 0), n = db_column_int64(cnt, 1);
    db_finalize(cnt);
    store_prepare(&src, s,
                  "SELECT created, outcome, request, response, list_hash, catalog_version,"
                  " policy, as_of, customer_name FROM decisions WHERE n = ?");
    store_prepare(&ins, s,
                  "INSERT INTO decisions (n, id, created, outcome, request, response,"
                  " list_hash, catalog_version, policy, as_of, customer_name,"
                  " review_status, final_outcome) VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL,?)");
    double t0 = now();
    long made = 0;
    while (have + made < rows) {
        store_begin(s);
        for (int k = 0; k < 10000 && have + made < rows; k++, made++) {
            db_reset(src);
            db_bind_int64(src, 1, 1 + made % have);
            if (db_step(src) != DB_ROW) return fprintf(stderr, "source row\n"), 1;
            const char *c[9];
            for (int i = 0; i < 9; i++)
                c[i] = db_column_text(src, i);
            char id[40];
            snprintf(id, sizeof id, "dec_bench%012ld", n + 1);
            db_reset(ins);
            db_bind_int64(ins, 1, ++n);
            store_bind_text(ins, 2, id);
            for (int i = 0; i < 9; i++)
                store_bind_text(ins, 3 + i, c[i]);
            store_bind_text(ins, 12, c[1]);
            if (db_step(ins) != DB_DONE)
                return store_error(s, "grow"), fprintf(stderr, "%s\n", xg_error_message()), 1;
            char *payload =
                store_decision_payload(id, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], NULL);
            long long seq;
            char hash[65];
            if (store_audit_append(s, "decision", id, payload, &seq, hash))
                return fprintf(stderr, "%s\n", xg_error_message()), 1;
            free(payload);
        }
        db_reset(src); /* no open read across the commit, so checkpoints can reset the WAL */
        if (store_commit(s)) return fprintf(stderr, "%s\n", xg_error_message()), 1;
    }
    store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
    printf("grow_rows=%ld\ngrow_s=%.1f\n", have + made, now() - t0);
    db_finalize(src);
    db_finalize(ins);
    xg_store_close(s);
    return 0;
}

static int verify(const char *db)
{
    char url[4200];
    snprintf(url, sizeof url, "sqlite:%s", db);
    xg_store *s;
    if (xg_store_open(&s, url)) return fprintf(stderr, "%s\n", xg_error_message()), 1;
    json_t *r;
    double t0 = now(), c0 = cpu_seconds();
    if (xg_store_audit_verify(&r, s)) return fprintf(stderr, "%s\n", xg_error_message()), 1;
    double secs = now() - t0, cpu = cpu_seconds() - c0;
    printf("verify_rows=%lld\nverify_ok=%d\nverify_s=%.2f\nverify_cpu_s=%.2f\n",
           (long long)json_integer_value(json_object_get(r, "rows")),
           json_is_true(json_object_get(r, "ok")), secs, cpu);
    json_decref(r);
    xg_store_close(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "decide")) return decide(argv[2], atoi(argv[3]), argv[4]);
    if (argc == 4 && !strcmp(argv[1], "grow")) return grow(argv[2], atol(argv[3]));
    if (argc == 3 && !strcmp(argv[1], "verify")) return verify(argv[2]);
    fprintf(stderr, "usage: bench_decide decide DIR N DB | grow DB ROWS | verify DB\n");
    return 2;
}
