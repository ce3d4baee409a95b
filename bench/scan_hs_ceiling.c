/*
 * scan_hs_ceiling.c — the ceiling for `xgate scan`: the same lexicon compiled by the same code
 * (lx_load) into the same Hyperscan database, scanned over the raw bytes of every file with no
 * decoding, normalisation, fields or JSON. Built by bench/bench_scan.sh against libxgate.a.
 * usage: scan_hs_ceiling LEXICON FILE… — prints "<bytes> <matches> <seconds>".
 */
#include <hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/core.h"
#include "scan/scan_internal.h"

static int count(unsigned id, unsigned long long from, unsigned long long to, unsigned fl, void *c)
{
    ++*(size_t *)c;
    return 0;
}

int main(int argc, char **argv)
{
    lx_lexicon lx;
    if (argc < 3 || lx_load(&lx, argv[1], NULL)) return 2;
    size_t bytes = 0, matches = 0;
    double secs = 0;
    for (int i = 2; i < argc; i++) {
        char *d;
        size_t n;
        if (xg_file_read(&d, &n, argv[i], 0)) continue;
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        hs_scan(lx.db, d, (unsigned)n, 0, lx.scratch, count, &matches);
        clock_gettime(CLOCK_MONOTONIC, &b);
        secs += (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        bytes += n;
        free(d);
    }
    printf("%zu %zu %.6f\n", bytes, matches, secs);
    lx_free(&lx);
    return 0;
}
