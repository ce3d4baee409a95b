/* test_text_lazy_cedict.c — CC-CEDICT is read on the first Han name, not at context load (issue
 * 12): a lazy context analyses every name exactly as an eagerly loaded one, also when several
 * threads bring the first Han names at once; a missing dictionary still fails at load, and a
 * damaged one fails every Han name with its message while Latin names go on. Runs against the
 * bundled data (XGATE_DATA). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/text.h"

static const char *const names[] = {
    "华为技术有限公司",
    "中国人民解放军国防科技大学",
    "北京航空航天大学",
    "深圳市大疆创新科技有限公司",
    "李明",
    "Huawei Technologies Co., Ltd.",
    "OOO Tekhnologii",
    "四川大学华西医院",
    "株式会社東芝",
};
#define NNAMES (sizeof names / sizeof *names)

/* The analysed name as one string: latin, then each token's text/symbol/alt/kind/level. */
static char *render(const xg_text_ctx *ctx, const char *s, int *rc)
{
    xg_arena a;
    xg_arena_init(&a, 0);
    xg_name n;
    *rc = xg_name_analyse(&n, &a, ctx, s, strlen(s), 0);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (*rc == 0) {
        fprintf(f, "%s|%s|%d", n.latin, n.han ? n.han : "-", n.is_person);
        for (size_t i = 0; i < n.ntokens; i++)
            fprintf(f, " %s/%s/%s/%d/%d", n.tokens[i].text,
                    n.tokens[i].symbol ? n.tokens[i].symbol : "-",
                    n.tokens[i].alt ? n.tokens[i].alt : "-", (int)n.tokens[i].kind,
                    (int)n.tokens[i].level);
    }
    fclose(f);
    xg_arena_free(&a);
    return out;
}

Test(text_lazy_cedict, same_as_eager)
{
    xg_text_ctx *lazy, *eager;
    cr_assert_eq(xg_text_ctx_load(&lazy, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_text_ctx_load(&eager, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_text_ctx_load_all(eager), 0, "%s", xg_error_message());
    /* Latin names first: they must not need the dictionary */
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < NNAMES; i++) {
            size_t j = k == 0 ? NNAMES - 1 - i : i;
            int r1, r2;
            char *a = render(lazy, names[j], &r1), *b = render(eager, names[j], &r2);
            cr_assert_eq(r1, 0, "%s: %s", names[j], xg_error_message());
            cr_assert_eq(r2, 0);
            cr_assert_str_eq(a, b, "%s", names[j]);
            free(a);
            free(b);
        }
    xg_text_info il, ie;
    xg_text_ctx_info(lazy, &il);
    xg_text_ctx_info(eager, &ie);
    cr_assert_eq(il.han_words, ie.han_words);
    cr_assert_eq(il.cedict_entries, ie.cedict_entries);
    cr_assert_gt(il.cedict_entries, 100000);
    xg_text_ctx_free(lazy);
    xg_text_ctx_free(eager);
}

typedef struct job {
    const xg_text_ctx *ctx;
    size_t first;
    char *out[NNAMES];
    int rc;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    for (size_t i = 0; i < NNAMES; i++) {
        size_t k = (j->first + i) % NNAMES;
        int rc;
        j->out[k] = render(j->ctx, names[k], &rc);
        if (rc) j->rc = rc;
    }
    return NULL;
}

Test(text_lazy_cedict, threads_race_to_the_first_han_name)
{
    xg_text_ctx *lazy, *eager;
    cr_assert_eq(xg_text_ctx_load(&lazy, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_text_ctx_load(&eager, NULL), 0, "%s", xg_error_message());
    cr_assert_eq(xg_text_ctx_load_all(eager), 0);
    enum { NT = 4 };
    job jobs[NT];
    pthread_t th[NT];
    for (size_t t = 0; t < NT; t++) {
        jobs[t] = (job){.ctx = lazy, .first = t};
        cr_assert_eq(pthread_create(&th[t], NULL, run_job, &jobs[t]), 0);
    }
    for (size_t t = 0; t < NT; t++)
        pthread_join(th[t], NULL);
    for (size_t i = 0; i < NNAMES; i++) {
        int rc;
        char *want = render(eager, names[i], &rc);
        for (size_t t = 0; t < NT; t++) {
            cr_assert_eq(jobs[t].rc, 0);
            cr_assert_str_eq(jobs[t].out[i], want, "thread %zu, %s", t, names[i]);
            free(jobs[t].out[i]);
        }
        free(want);
    }
    xg_text_ctx_free(lazy);
    xg_text_ctx_free(eager);
}

/* A data directory of links to the bundled data but for cedict/, made by the caller. */
static void fake_data(char *dir, size_t cap, const char *cedict_content)
{
    snprintf(dir, cap, "/tmp/xg-lazy-cedict-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "for d in '%s'/*; do ln -s \"$d\" '%s'/; done; rm '%s/cedict'",
             xg_data_dir(), dir, dir);
    cr_assert_eq(system(cmd), 0);
    if (cedict_content) {
        char path[4200];
        snprintf(path, sizeof path, "%s/cedict", dir);
        cr_assert_eq(mkdir(path, 0700), 0);
        snprintf(path, sizeof path, "%s/cedict/cedict_ts.u8", dir);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs(cedict_content, f);
        fclose(f);
    }
}

static void remove_dir(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(text_lazy_cedict, missing_dictionary_fails_at_load)
{
    char dir[256];
    fake_data(dir, sizeof dir, NULL);
    xg_text_ctx *ctx = NULL;
    int rc = xg_text_ctx_load(&ctx, dir);
    remove_dir(dir);
    cr_assert_eq(rc, XG_EIO);
    cr_assert_null(ctx);
    cr_assert(strstr(xg_error_message(), "cedict_ts.u8"), "%s", xg_error_message());
}

Test(text_lazy_cedict, damaged_dictionary_fails_each_han_name)
{
    char dir[256];
    fake_data(dir, sizeof dir, "中國 中国 [Zhong1 guo2] /China/\n\xff\xfe broken\n");
    xg_text_ctx *ctx = NULL;
    cr_assert_eq(xg_text_ctx_load(&ctx, dir), 0, "%s", xg_error_message());
    int rc;
    char *s = render(ctx, "Huawei Technologies Co., Ltd.", &rc);
    cr_assert_eq(rc, 0, "a Latin name needs no dictionary: %s", xg_error_message());
    free(s);
    for (int k = 0; k < 2; k++) {
        s = render(ctx, "华为技术有限公司", &rc);
        cr_assert_eq(rc, XG_EUTF8, "try %d: rc %d", k, rc);
        cr_assert(strstr(xg_error_message(), "cedict_ts.u8: invalid UTF-8"), "%s",
                  xg_error_message());
        free(s);
    }
    xg_text_ctx_free(ctx);
    remove_dir(dir);
}
