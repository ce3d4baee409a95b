/* Cross-script rows of the shared oracle (Cyrillic, Chinese pinyin, Korean, Arabic)
 * (../shared/data/oracles/cross_script_pairs.csv) and concurrent use of one context from several
 * threads (per-thread ICU transliterators). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/text.h"

static xg_text_ctx *ctx;

static void setup(void)
{
    cr_assert_eq(xg_text_ctx_load(&ctx, NULL), 0, "load: %s", xg_error_message());
}

static void teardown(void)
{
    xg_text_ctx_free(ctx);
}

TestSuite(text_scripts, .init = setup, .fini = teardown);

static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b), row[64];
    if (m >= 64) return m;
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[m];
}

/* Each word of `expected` (lower-cased) is close to the token at the same position. */
static void assert_close(const xg_name *n, const char *expected)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", expected);
    size_t k = 0;
    char *save;
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save), k++) {
        for (char *c = w; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        cr_assert(k < n->ntokens, "%s: too few tokens in `%s`", expected, n->latin);
        const char *got = n->tokens[k].text;
        size_t d = edit_distance(got, w), len = strlen(w) > strlen(got) ? strlen(w) : strlen(got);
        cr_assert(1.0 - (double)d / (double)len >= 0.6, "%s: `%s` vs `%s`", n->original, got, w);
    }
}

static char *oracle_path(void)
{
    const char *shared = getenv("XGATE_SHARED");
    static char path[4096];
    snprintf(path, sizeof path, "%s/data/oracles/cross_script_pairs.csv",
             shared && *shared ? shared : "../shared");
    return path;
}

Test(text_scripts, cyrillic_and_chinese_oracle_rows)
{
    char *text;
    size_t len;
    cr_assert_eq(xg_file_read(&text, &len, oracle_path(), 0), 0, "%s", xg_error_message());
    xg_arena a;
    xg_arena_init(&a, 0);
    int cyrillic = 0, chinese = 0, korean = 0, arabic = 0;
    char *save;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') continue;
        char *comma = strchr(line, ',');
        if (!comma) continue;
        *comma = '\0';
        char *expected = comma + 1, *end = strchr(expected, ',');
        if (end) *end = '\0';
        xg_name n;
        cr_assert_eq(xg_name_analyse(&n, &a, ctx, line, strlen(line), 0), 0, "%s", line);
        cr_assert_gt(n.ntokens, 0, "%s gives no token", line);
        bool is_cyrillic = (unsigned char)line[0] == 0xD0 || (unsigned char)line[0] == 0xD1;
        /* Chinese rows whose Latin form is pinyin (金正恩 is Korean: Kim Jong Un, not Jin) */
        bool is_pinyin = n.han && strcmp(line, "金正恩") != 0 && strlen(line) <= 9;
        bool is_hangul = (unsigned char)line[0] == 0xEA || (unsigned char)line[0] == 0xEB ||
                         (unsigned char)line[0] == 0xEC || (unsigned char)line[0] == 0xED;
        if (is_cyrillic) assert_close(&n, expected), cyrillic++;
        if (is_hangul) assert_close(&n, expected), korean++;
        bool is_arabic = (unsigned char)line[0] >= 0xD8 && (unsigned char)line[0] <= 0xDB;
        if (is_arabic && strchr(expected, ' ')) assert_close(&n, expected), arabic++;
        if (is_pinyin) {
            char lower[128];
            snprintf(lower, sizeof lower, "%s", expected);
            for (char *c = lower; *c; c++)
                *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
            cr_assert_str_eq(n.latin, lower, "%s", line);
            chinese++;
        }
    }
    cr_assert_eq(cyrillic, 4);
    cr_assert_eq(chinese, 3);
    cr_assert_eq(korean, 3); /* 김정은 → kim jong un = Kim Jong Un, word for word */
    cr_assert_eq(arabic, 3); /* محمد علي → muhammad ali ~ Mohamed Ali */
    xg_arena_free(&a);
    free(text);
}

/* ---- threads ---- */
static const char *const names[] = {"Huawei Technologies Co., Ltd.",
                                    "Владимир Путин",
                                    "香港凱利實業有限公司",
                                    "國防科學技術大學",
                                    "ООО «Ромашка»",
                                    "محمد علي",
                                    "Łódź Café",
                                    "野战输血研究所",
                                    "김정은",
                                    "Αλέξανδρος"};
enum { NNAMES = sizeof names / sizeof *names };
static char expected[NNAMES][512];

static void *worker(void *arg)
{
    long bad = 0;
    for (int r = 0; r < 50; r++)
        for (int i = 0; i < NNAMES; i++) {
            xg_arena a;
            xg_arena_init(&a, 0);
            xg_name n;
            if (xg_name_analyse(&n, &a, ctx, names[i], strlen(names[i]), 0) != 0 ||
                strcmp(n.latin, expected[i]) != 0)
                bad++;
            xg_arena_free(&a);
        }
    *(long *)arg = bad;
    return NULL;
}

Test(text_scripts, one_context_many_threads)
{
    for (int i = 0; i < NNAMES; i++) {
        xg_arena a;
        xg_arena_init(&a, 0);
        xg_name n;
        cr_assert_eq(xg_name_analyse(&n, &a, ctx, names[i], strlen(names[i]), 0), 0);
        snprintf(expected[i], sizeof expected[i], "%s", n.latin);
        xg_arena_free(&a);
    }
    pthread_t th[4];
    long bad[4];
    for (int t = 0; t < 4; t++)
        cr_assert_eq(pthread_create(&th[t], NULL, worker, &bad[t]), 0);
    for (int t = 0; t < 4; t++) {
        pthread_join(th[t], NULL);
        cr_assert_eq(bad[t], 0, "thread %d: %ld analyses differed", t, bad[t]);
    }
}

/* Found by the fuzz smoke run: Arabic letters around a Han character, where a stretch
 * transliterates to nothing Latin, used to index an empty token vector. */
Test(text_scripts, mixed_arabic_han_stretch_without_latin_output)
{
    const char name[] = "\xd8\xb9\xe8\xae\xbe\xd9\x84\xd9\x8a";
    xg_arena a;
    xg_arena_init(&a, 0);
    xg_name n;
    cr_assert_eq(xg_name_analyse(&n, &a, ctx, name, sizeof name - 1, 0), 0, "%s",
                 xg_error_message());
    cr_assert_not_null(n.latin);
    xg_arena_free(&a);
}
