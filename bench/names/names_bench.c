/* names_bench.c — how fast xg_name_analyse turns raw list names into comparison tokens, the cost
 * paid once per name when lists load. Usage: names_bench DATA_DIR FILE... (one name per line).
 * Prints one Markdown table row per file (names, names/s and µs per name on CPU time, tokens per
 * name, failures), after the text context's load time. CPU time, not wall time, so that a busy
 * shared machine inflates the figures less; each file is analysed until at least 2 s of CPU or
 * 3 passes, after a warm-up pass that opens the per-thread ICU transliterators. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "xgate/text.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t split_lines(char *text, char ***out)
{
    size_t n = 0, cap = 1024;
    char **v = malloc(cap * sizeof *v);
    for (char *save = NULL, *p = strtok_r(text, "\r\n", &save); p && v;
         p = strtok_r(NULL, "\r\n", &save)) {
        if (n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        if (v) v[n++] = p;
    }
    *out = v;
    return v ? n : 0;
}

static void bench_file(const xg_text_ctx *ctx, const char *path)
{
    char *text, **lines;
    size_t len;
    if (xg_file_read(&text, &len, path, 256u << 20)) {
        printf("| %s | unreadable | | | | |\n", path);
        return;
    }
    size_t n = split_lines(text, &lines), passes = 0, tokens = 0, fails = 0;
    xg_arena a;
    xg_arena_init(&a, 1 << 20);
    for (size_t i = 0; i < n; i++) { /* warm-up */
        xg_name nm;
        xg_name_analyse(&nm, &a, ctx, lines[i], strlen(lines[i]), 0);
    }
    xg_arena_free(&a);
    double start = cpu_now(), spent = 0;
    while (passes < 3 || spent < 2.0) {
        xg_arena_init(&a, 1 << 20);
        for (size_t i = 0; i < n; i++) {
            xg_name nm;
            if (xg_name_analyse(&nm, &a, ctx, lines[i], strlen(lines[i]), 0))
                fails++;
            else
                tokens += nm.ntokens;
        }
        xg_arena_free(&a);
        passes++;
        spent = cpu_now() - start;
    }
    const char *base = strrchr(path, '/');
    double per = spent / (double)(n * passes);
    printf("| %s | %zu | %.0f | %.1f | %.1f | %zu |\n", base ? base + 1 : path, n, 1.0 / per,
           per * 1e6, (double)tokens / (double)(n * passes), fails / passes);
    free(lines);
    free(text);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: names_bench DATA_DIR FILE...\n");
        return 2;
    }
    double t0 = cpu_now();
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    xg_text_ctx *ctx;
    if (xg_text_ctx_load(&ctx, argv[1])) {
        fprintf(stderr, "names_bench: cannot load %s\n", argv[1]);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &w1);
    printf("Text context load (name tables, glossary, CC-CEDICT): %.1f ms CPU, %.1f ms wall.\n\n",
           (cpu_now() - t0) * 1e3,
           ((double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9) * 1e3);
    printf("| names | count | names/s (CPU) | µs/name | tokens/name | failures |\n");
    printf("|---|---:|---:|---:|---:|---:|\n");
    for (int i = 2; i < argc; i++)
        bench_file(ctx, argv[i]);
    xg_text_ctx_free(ctx);
    return 0;
}
