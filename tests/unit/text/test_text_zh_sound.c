/* test_text_zh_sound.c — learned spellings of pinyin syllables (data/text/zh_sound.tsv, made by
 * scripts/learn_zh_sound, issue 13): the line parser, the sound pattern a Chinese word read by
 * sound carries (xg_token.sound), and a Latin word scored against it (xg_sound_sim). Runs
 * against the bundled data (XGATE_DATA). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "match/score.h"
#include "text/text_internal.h"
#include "xgate/error.h"
#include "xgate/text.h"

static xg_text_ctx *ctx;
static xg_arena arena;

static void setup(void)
{
    cr_assert_eq(xg_text_ctx_load(&ctx, NULL), 0, "load: %s", xg_error_message());
    xg_arena_init(&arena, 0);
}

static void teardown(void)
{
    xg_arena_free(&arena);
    xg_text_ctx_free(ctx);
}

TestSuite(text_zh_sound, .init = setup, .fini = teardown);

static int parse(xg_strmap *m, const char *line)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", line);
    return xg_text_sound_line(m, &arena, "t.tsv", 1, buf);
}

/* Spellings of one syllable join in file order; malformed lines are refused with XG_EPARSE. */
Test(text_zh_sound, parser_joins_and_refuses)
{
    xg_strmap m;
    xg_strmap_init(&m);
    cr_assert_eq(parse(&m, "si\ts\t86"), 0);
    cr_assert_eq(parse(&m, "si\tse\t3"), 0);
    cr_assert_eq(parse(&m, "ou\to\t3"), 0);
    cr_assert_str_eq(xg_strmap_get(&m, "si", 2), "s|se");
    cr_assert_str_eq(xg_strmap_get(&m, "ou", 2), "o");
    const char *bad[] = {"si\ts",    "si\t\t3",    "\ts\t3",           "si\ts\tx3",
                         "Si\ts\t3", "si\ts e\t3", "sisisisisi\ts\t3", "si\ts\t"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_eq(parse(&m, bad[i]), XG_EPARSE, "%s", bad[i]);
    cr_assert_eq(m.len, 2);
    xg_strmap_free(&m);
}

/* The bundled table was learned (scripts/learn_zh_sound) and holds the transliteration habits
 * it found: 斯 si written "s", 特 te written "t" (Most, Christ …). */
Test(text_zh_sound, bundled_table_loaded)
{
    const char *si = xg_strmap_get(&ctx->sound, "si", 2);
    const char *te = xg_strmap_get(&ctx->sound, "te", 2);
    cr_assert_not_null(si);
    cr_assert_not_null(te);
    cr_assert(strstr(si, "s") == si, "%s", si); /* most frequent first */
    cr_assert(ctx->sound.len > 30, "%zu syllables", ctx->sound.len);
}

static const xg_token *token(const xg_name *n, const char *text)
{
    for (size_t i = 0; i < n->ntokens; i++)
        if (!strcmp(n->tokens[i].text, text)) return &n->tokens[i];
    return NULL;
}

/* 莫斯特發展有限公司 is "Most Development Limited" in the EU 833 Annex IV list: 莫斯特, a
 * CC-CEDICT proper noun (Mousterian), reads "mosite" in pinyin; its sound pattern spells "most". */
Test(text_zh_sound, brand_spelled_by_learned_syllables)
{
    xg_name n;
    const char *s = "莫斯特發展有限公司";
    cr_assert_eq(xg_name_analyse(&n, &arena, ctx, s, strlen(s), 0), 0, "%s", xg_error_message());
    const xg_token *brand = token(&n, "mosite");
    cr_assert_not_null(brand, "%s", n.latin);
    cr_assert_not_null(brand->sound, "%s", n.latin);
    cr_assert_eq(xg_sound_sim(brand->sound, "most"), XG_SOUND_SIM, "%s", brand->sound);
    cr_assert_eq(xg_sound_sim(brand->sound, "mosite"), XG_SOUND_SIM); /* pinyin is a choice */
    /* other words stay apart: letters out of order, too many, too few, a short word */
    const char *no[] = {"mots", "mosaic", "mostly", "mos", "host", "mosst", "MOST"};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        cr_assert_eq(xg_sound_sim(brand->sound, no[i]), 0.0, "%s ~ %s", brand->sound, no[i]);
    /* words read by meaning carry no sound pattern */
    const xg_token *dev = token(&n, "development");
    cr_assert(dev && !dev->sound, "%s", n.latin);
}

/* Latin names never get a sound pattern, so Latin queries cost nothing. */
Test(text_zh_sound, latin_names_have_no_pattern)
{
    xg_name n;
    const char *s = "Most Development Limited";
    cr_assert_eq(xg_name_analyse(&n, &arena, ctx, s, strlen(s), 0), 0);
    for (size_t i = 0; i < n.ntokens; i++)
        cr_assert_null(n.tokens[i].sound, "%s", n.tokens[i].text);
}

/* The pattern itself: one spelling per syllable, in order, the whole word. */
Test(text_zh_sound, pattern_matching)
{
    cr_assert_eq(xg_sound_sim("mo si|s te|t", "most"), XG_SOUND_SIM);
    cr_assert_eq(xg_sound_sim("mo si|s te|t", "mosit"), XG_SOUND_SIM);
    cr_assert_eq(xg_sound_sim("mo si|s te|t", "mostt"), 0.0);
    cr_assert_eq(xg_sound_sim("ka|ca lu|ru bu|b si|s", "carubs"), XG_SOUND_SIM);
    cr_assert_eq(xg_sound_sim(NULL, "most"), 0.0);
    cr_assert_eq(xg_sound_sim("", "most"), 0.0);
    cr_assert_eq(xg_sound_sim("mo si|s te|t", ""), 0.0);
    cr_assert_eq(xg_sound_sim("a|b c|d", "ac"), 0.0); /* under XG_SOUND_MIN_LEN */
}
