/*
 * bench_monitor.c — the monitoring benchmark driver (compiled by bench/bench_monitor.sh against
 * build/libxgate-internal.a: it bulk-inserts through the store's db layer).
 *
 *   bench_monitor gen DBPATH N NAMES_FILE      a store holding N synthetic customers (names from
 *                                              generated words, legal forms, numbers) plus one
 *                                              customer per line of NAMES_FILE (names that must
 *                                              alert), bulk-inserted in one transaction
 *   bench_monitor monitor DBPATH LIST…         one xg_monitor_run against the lists (with the
 *                                              store's party file when there is a valid one;
 *                                              XGATE_SNAPSHOT_DIR=off: none read or written)
 *   bench_monitor screen DBPATH LIST…          the peer: every stored customer screened forward
 *                                              (xg_screen) against the whole lists
 * Prints key=value lines (wall and CPU seconds, parties, peak RSS in MB).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "store/store_internal.h"
#include "xgate/error.h"
#include "xgate/monitor.h"

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

static double peak_mb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_maxrss / 1024.0;
}

static int die(const char *what)
{
    fprintf(stderr, "bench_monitor: %s: %s\n", what, xg_error_message());
    return 1;
}

/* A pronounceable word from 2-3 syllables: 40^3 words, so names are varied like real ones. */
static void word(char *out, size_t cap, unsigned *seed)
{
    static const char *syl[] = {"ka",  "lo",  "mer", "vin", "ta",  "ro",  "sel", "dan",
                                "bri", "cor", "fen", "gal", "hu",  "ix",  "jo",  "kel",
                                "lum", "mo",  "nor", "pra", "qua", "ri",  "sto", "tre",
                                "ul",  "ven", "wes", "xa",  "yor", "zen", "ber", "cas",
                                "dor", "el",  "fi",  "gro", "han", "is",  "ja",  "kor"};
    int n = 2 + (int)(rand_r(seed) % 2);
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        strncat(out, syl[rand_r(seed) % 40], cap - strlen(out) - 1);
    out[0] = (char)(out[0] - 32);
}

static int gen(const char *path, long n, const char *names_file)
{
    char url[4200];
    snprintf(url, sizeof url, "sqlite:%s", path);
    xg_store *s;
    if (xg_store_open(&s, url)) return die("open");
    static const char *kind[] = {"Trading",   "Logistics", "Electronics", "Software", "Foods",
                                 "Textiles",  "Analytics", "Machinery",   "Optics",   "Energy",
                                 "Pharma",    "Holdings",  "Systems",     "Robotics", "Marine",
                                 "Materials", "Consulting"};
    static const char *legal[] = {"GmbH", "Ltd", "LLC",       "Inc.",      "S.A.",
                                  "B.V.", "AG",  "Co., Ltd.", "Pte. Ltd.", "S.r.l.",
                                  "Oy",   "AB",  "SAS",       "K.K."};
    db_exec(s->db, "PRAGMA synchronous=OFF");
    db_exec(s->db, "BEGIN");
    db_stmt *st;
    if (db_prepare(s->db,
                   "INSERT INTO customers (id, legal_name, name_key, country,"
                   " verification, record, created, updated)"
                   " VALUES (?, ?, ?, ?, 'none', '{}', '2026-12-01', '2026-12-01')",
                   &st) != DB_OK)
        return die("prepare");
    unsigned seed = 12345;
    char name[256], w1[64], w2[64], id[32];
    long added = 0;
    FILE *f = fopen(names_file, "r");
    for (long i = 0; i < n; i++) {
        word(w1, sizeof w1, &seed);
        word(w2, sizeof w2, &seed);
        int shape = (int)(rand_r(&seed) % 4);
        if (shape == 0)
            snprintf(name, sizeof name, "%s %s", w1, legal[rand_r(&seed) % 14]);
        else if (shape == 1)
            snprintf(name, sizeof name, "%s %s %s", w1, kind[rand_r(&seed) % 17],
                     legal[rand_r(&seed) % 14]);
        else if (shape == 2)
            snprintf(name, sizeof name, "%s %s %s %s", w1, w2, kind[rand_r(&seed) % 17],
                     legal[rand_r(&seed) % 14]);
        else
            snprintf(name, sizeof name, "%s %s %ld %s", w1, kind[rand_r(&seed) % 17], i % 997,
                     legal[rand_r(&seed) % 14]);
        /* one in every n/100 slots: a name taken from the changed entries */
        if (f && i % (n / 100 + 1) == 7 && fgets(name, sizeof name, f)) {
            name[strcspn(name, "\r\n")] = '\0';
            added++;
        }
        snprintf(id, sizeof id, "cus_b%010ld", i);
        char *key = store_name_key(name);
        db_reset(st);
        db_bind_text(st, 1, id);
        db_bind_text(st, 2, name);
        db_bind_text(st, 3, key);
        db_bind_text(st, 4, "DE");
        if (db_step(st) != DB_DONE) return die("insert");
        free(key);
    }
    if (f) fclose(f);
    db_finalize(st);
    db_exec(s->db, "COMMIT");
    xg_store_close(s);
    printf("customers=%ld\nlisted_names_planted=%ld\n", n, added);
    return 0;
}

static int load(xg_text_ctx **text, xg_snapshot **snap, char **lists, int n)
{
    if (xg_text_ctx_load(text, NULL)) return die("text");
    if (xg_snapshot_load(snap, (const char *const *)lists, (size_t)n, 0, *text))
        return die("lists");
    return 0;
}

static int monitor(const char *path, char **lists, int n)
{
    xg_text_ctx *text;
    xg_snapshot *snap;
    if (load(&text, &snap, lists, n)) return 1;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:%s", path);
    xg_store *s;
    if (xg_store_open(&s, url)) return die("open");
    double t0 = now(), c0 = cpu_seconds();
    json_t *r;
    xg_monitor_opts o = {.threshold = -1};
    if (xg_monitor_run(&r, s, snap, text, &o)) return die("monitor");
    double wall = now() - t0, cpu = cpu_seconds() - c0;
    const json_t *d = json_object_get(r, "delta"), *sec = json_object_get(r, "seconds");
    long parties = (long)json_integer_value(json_object_get(r, "parties"));
    printf("wall=%.3f\ncpu=%.3f\nparties=%ld\nparties_per_s=%.0f\nentries=%lld\nadded=%lld\n"
           "changed=%lld\nremoved=%lld\nopened=%zu\nstill_open=%lld\nread_s=%.3f\nindex_s=%.3f\n"
           "screen_s=%.3f\nstore_s=%.3f\nfile_s=%.3f\npeak_mb=%.0f\nparty_file=%s\n",
           wall, cpu, parties, parties / wall,
           (long long)json_integer_value(json_object_get(r, "entries_in_force")),
           (long long)json_integer_value(json_object_get(d, "added")),
           (long long)json_integer_value(json_object_get(d, "changed")),
           (long long)json_integer_value(json_object_get(d, "removed")),
           json_array_size(json_object_get(r, "opened")),
           (long long)json_integer_value(json_object_get(r, "still_open")),
           json_number_value(json_object_get(sec, "parties")),
           json_number_value(json_object_get(sec, "index")),
           json_number_value(json_object_get(sec, "screen")),
           json_number_value(json_object_get(sec, "store")),
           json_number_value(json_object_get(sec, "party_file")), peak_mb(),
           json_string_value(json_object_get(json_object_get(r, "party_file"), "status")));
    json_decref(r);
    xg_store_close(s);
    xg_snapshot_unref(snap);
    xg_text_ctx_free(text);
    return 0;
}

static int screen_all(const char *path, char **lists, int n)
{
    xg_text_ctx *text;
    xg_snapshot *snap;
    if (load(&text, &snap, lists, n)) return 1;
    char url[4200];
    snprintf(url, sizeof url, "sqlite:%s", path);
    xg_store *s;
    if (xg_store_open(&s, url)) return die("open");
    double t0 = now(), c0 = cpu_seconds();
    db_stmt *st;
    db_prepare(s->db, "SELECT legal_name FROM customers", &st);
    long parties = 0, hits = 0;
    while (db_step(st) == DB_ROW) {
        xg_screen_query q = {.name = db_column_text(st, 0), .threshold = -1};
        xg_screen_result *res;
        if (xg_screen(&res, snap, &q)) return die("screen");
        hits += res->nmatches > 0;
        parties++;
        xg_screen_result_free(res);
    }
    db_finalize(st);
    double wall = now() - t0, cpu = cpu_seconds() - c0;
    printf("wall=%.3f\ncpu=%.3f\nparties=%ld\nparties_per_s=%.0f\nparties_hit=%ld\npeak_mb=%.0f\n",
           wall, cpu, parties, parties / wall, hits, peak_mb());
    xg_store_close(s);
    xg_snapshot_unref(snap);
    xg_text_ctx_free(text);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "gen")) return gen(argv[2], atol(argv[3]), argv[4]);
    if (argc >= 4 && !strcmp(argv[1], "monitor")) return monitor(argv[2], argv + 3, argc - 3);
    if (argc >= 4 && !strcmp(argv[1], "screen")) return screen_all(argv[2], argv + 3, argc - 3);
    fprintf(stderr, "usage: bench_monitor gen DB N NAMES | monitor DB LIST… | screen DB LIST…\n");
    return 2;
}
