/* Name analysis: legal forms and organisation words as symbols, numbers, persons, accents,
 * Cyrillic through BGN romanisation, and the Chinese pipeline (simplification, glossary, pinyin,
 * CC-CEDICT glosses). Runs against the bundled data (XGATE_DATA). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "xgate/error.h"
#include "xgate/text.h"

static xg_text_ctx *ctx;
static xg_arena arena;

static void setup(void)
{
    int rc = xg_text_ctx_load(&ctx, NULL);
    cr_assert_eq(rc, 0, "load: %s", xg_error_message());
    xg_arena_init(&arena, 0);
}

static void teardown(void)
{
    xg_arena_free(&arena);
    xg_text_ctx_free(ctx);
}

static xg_name an(const char *s, int flags)
{
    xg_name n;
    int rc = xg_name_analyse(&n, &arena, ctx, s, strlen(s), flags);
    cr_assert_eq(rc, 0, "%s: %s", s, xg_error_message());
    return n;
}

/* "kind:symbol-or-text" of every non-stop token, space separated. */
static const char *shape(const xg_name *n)
{
    static char buf[1024];
    static const char *kinds[] = {"W", "N", "L", "O", "S"};
    buf[0] = '\0';
    for (size_t i = 0; i < n->ntokens; i++) {
        const xg_token *t = &n->tokens[i];
        if (t->kind == XG_TOK_STOP) continue;
        char one[128];
        snprintf(one, sizeof one, "%s%s:%s", buf[0] ? " " : "", kinds[t->kind],
                 t->symbol ? t->symbol : t->text);
        strncat(buf, one, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

TestSuite(text_names, .init = setup, .fini = teardown);

Test(text_names, legal_forms_are_one_symbol)
{
    const char *llc[] = {"Acme Co., Ltd.",
                         "Acme Company Limited",
                         "Acme Co Ltd",
                         "ACME CO.,LTD",
                         "Acme LLC",
                         "Acme L.L.C.",
                         "Acme GmbH",
                         "ООО Acme",
                         "Acme 有限公司",
                         "Acme Limited",
                         "Acme Corporation Limited"};
    for (size_t i = 0; i < sizeof llc / sizeof *llc; i++) {
        xg_name n = an(llc[i], 0);
        cr_assert_eq(n.ntokens, 2, "%s → %s", llc[i], n.latin);
        const xg_token *legal = n.tokens[0].kind == XG_TOK_LEGAL ? &n.tokens[0] : &n.tokens[1];
        cr_assert_eq(legal->kind, XG_TOK_LEGAL, "%s", llc[i]);
        cr_assert_str_eq(legal->symbol, "LLC", "%s → %s", llc[i], legal->symbol);
    }
    xg_name corp = an("Acme Corp", 0), corporation = an("ACME CORPORATION", 0);
    cr_assert_str_eq(shape(&corp), shape(&corporation));
    cr_assert_str_eq(corp.tokens[1].symbol, "CO");
}

Test(text_names, organisation_words_and_abbreviations_share_symbols)
{
    const char *pairs[][2] = {
        {"Guangzhou Haige Comm Grp", "Guangzhou Haige Communications Group"},
        {"Acme Tech Intl", "Acme Technology International"},
        {"Harbin Univ of Sci and Eng", "Harbin University of Science and Engineering"},
        {"Acme Inst", "ACME INSTITUTE"},
        {"Acme Acad", "Acme Academy"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        xg_name a = an(pairs[i][0], 0);
        char first[1024];
        snprintf(first, sizeof first, "%s", shape(&a));
        xg_name b = an(pairs[i][1], 0);
        cr_assert_str_eq(first, shape(&b), "%s vs %s", pairs[i][0], pairs[i][1]);
    }
}

Test(text_names, numbers_are_kept_and_normalised)
{
    xg_name n = an("BELLETECH CORP", 0), m = an("11420 CORP.", 0);
    cr_assert_str_eq(shape(&m), "N:11420 L:CO");
    cr_assert_eq(n.tokens[0].kind, XG_TOK_WORD);
    xg_name third = an("Third Academy", 0), rd = an("3rd Academy", 0), han = an("第三研究院", 0);
    cr_assert_str_eq(shape(&third), "N:3 O:ACADEMY");
    cr_assert_str_eq(shape(&rd), "N:3 O:ACADEMY");
    cr_assert_str_eq(shape(&han), "N:3 O:ACADEMY");
    xg_name inst = an("中国电子科技集团公司第十四研究所", 0);
    cr_assert(strstr(shape(&inst), "N:14 O:INSTITUTE"), "%s", shape(&inst));
    xg_name digits = an("五〇二所", 0);
    cr_assert(strstr(shape(&digits), "N:502"), "%s", shape(&digits));
}

Test(text_names, persons_are_reordered)
{
    xg_name n = an("PUTIN, Vladimir Vladimirovich", XG_NAME_PERSON);
    cr_assert_str_eq(n.latin, "vladimir vladimirovich putin");
    cr_assert(n.is_person);
    xg_name dr = an("Dr. John Smith", XG_NAME_PERSON);
    cr_assert_eq(dr.tokens[0].kind, XG_TOK_STOP);
    cr_assert_str_eq(shape(&dr), "W:john W:smith");
    /* an organisation keeps its comma order */
    xg_name org = an("Smith, Jones", 0);
    cr_assert_str_eq(org.latin, "smith jones");
}

Test(text_names, accents_and_case_fold)
{
    xg_name n = an("Łódź Café ZÜRICH Straße Øresund", 0);
    cr_assert_str_eq(n.latin, "lodz cafe zurich strasse oresund");
    cr_assert_str_eq(n.folded, "łodz cafe zurich strasse øresund");
    xg_name fw = an("ＡＣＭＥ　ｌｔｄ", 0); /* full-width forms fold by NFKC */
    cr_assert_str_eq(fw.latin, "acme ltd");
    xg_name dots = an("U.S.A. Holdings, Inc.", 0);
    cr_assert_str_eq(dots.latin, "usa holdings inc");
}

Test(text_names, cyrillic_oracle_rows)
{
    const char *rows[][2] = {{"Владимир Путин", "vladimir putin"},
                             {"Иван Иванов", "ivan ivanov"},
                             {"Александр Петров", "aleksandr petrov"},
                             {"Дмитрий Медведев", "dmitriy medvedev"}};
    for (size_t i = 0; i < 4; i++) {
        xg_name n = an(rows[i][0], 0);
        cr_assert_str_eq(n.latin, rows[i][1]);
    }
    xg_name ooo = an("ООО «Ромашка»", 0);
    cr_assert_str_eq(shape(&ooo), "L:LLC W:romashka");
    xg_name univ = an("Московский государственный университет", 0);
    cr_assert(strstr(shape(&univ), "O:UNIVERSITY"), "%s", shape(&univ));
}

Test(text_names, chinese_university_names)
{
    xg_name sc = an("四川大学", 0);
    cr_assert_str_eq(shape(&sc), "W:sichuan O:UNIVERSITY");
    cr_assert_str_eq(sc.han, "四川大学");
    cr_assert(sc.tokens[0].from_han);
    xg_name en = an("Sichuan University", 0);
    cr_assert_str_eq(shape(&en), shape(&sc));

    xg_name nudt = an("国防科技大学", 0);
    cr_assert_str_eq(shape(&nudt), "O:NATL W:DEFENCE O:TECH O:UNIVERSITY");
    xg_name kanji = an("國防科學技術大學", 0);
    cr_assert_str_eq(kanji.han, "国防科学技术大学");
    cr_assert(strstr(shape(&kanji), "O:NATL W:DEFENCE"), "%s", shape(&kanji));
    xg_name jp = an("国防科学技術大学", 0);
    cr_assert_str_eq(jp.han, "国防科学技术大学");

    xg_name bit = an("北京理工大学", 0);
    cr_assert(strncmp(shape(&bit), "W:beijing", 9) == 0, "%s", shape(&bit));
    cr_assert(strstr(shape(&bit), "O:TECH"), "%s", shape(&bit));
    xg_name bit_en = an("Beijing Institute of Technology", 0);
    cr_assert_str_eq(shape(&bit), shape(&bit_en));
}

Test(text_names, chinese_company_names)
{
    xg_name hk = an("香港凱利實業有限公司", 0);
    cr_assert_str_eq(hk.han, "香港凯利实业有限公司");
    cr_assert(strncmp(hk.latin, "hong kong kaili", 15) == 0, "%s", hk.latin);
    cr_assert_eq(hk.tokens[hk.ntokens - 1].kind, XG_TOK_LEGAL);
    cr_assert_str_eq(hk.tokens[hk.ntokens - 1].symbol, "LLC");

    xg_name ausay = an("广州欧赛科技有限公司", 0);
    cr_assert_str_eq(shape(&ausay), "W:guangzhou W:ousai O:TECH L:LLC");
    xg_name ausay_en = an("Guangzhou Ausay Technology Co Limited", 0);
    cr_assert_str_eq(shape(&ausay_en), "W:guangzhou W:ausay O:TECH L:LLC");
}

Test(text_names, chinese_institute_glosses)
{
    xg_name a = an("野战输血研究所", 0);
    cr_assert(strstr(a.latin, "field") && strstr(a.latin, "transfusion"), "%s", a.latin);
    xg_name b = an("毒理与药理研究所", 0);
    cr_assert(strstr(b.latin, "toxicology") && strstr(b.latin, "pharmacology"), "%s", b.latin);
}

Test(text_names, chinese_person_names)
{
    cr_assert_str_eq(an("习近平", 0).latin, "xi jinping");
    cr_assert_str_eq(an("李明", 0).latin, "li ming");
    cr_assert_str_eq(an("王伟", 0).latin, "wang wei");
    cr_assert_str_eq(an("欧阳明", XG_NAME_PERSON).latin, "ouyang ming");
}

Test(text_names, edge_cases)
{
    xg_name n;
    cr_assert_eq(xg_name_analyse(&n, &arena, ctx, "\xff\xfe", 2, 0), XG_EUTF8);
    cr_assert_eq(xg_name_analyse(&n, &arena, ctx, "", 0, 0), 0);
    cr_assert_eq(n.ntokens, 0);
    cr_assert_eq(xg_name_analyse(&n, &arena, ctx, " ,.;- ", 6, 0), 0);
    cr_assert_eq(n.ntokens, 0);
    static char big[100 * 1024];
    for (size_t i = 0; i + 3 <= sizeof big; i += 3)
        memcpy(big + i, "中", 3);
    cr_assert_eq(xg_name_analyse(&n, &arena, ctx, big, sizeof big - sizeof big % 3, 0), 0);
    cr_assert(strlen(n.original) <= XG_NAME_MAX_BYTES);
    cr_assert_eq(strlen(n.original) % 3, 0);
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = "ab c"[i % 4];
    cr_assert_eq(xg_name_analyse(&n, &arena, ctx, big, sizeof big, 0), 0);
}

Test(text_fold, fold_and_simplify, .init = setup, .fini = teardown)
{
    char *out;
    cr_assert_eq(xg_text_fold(&out, &arena, "Ｃafé  ÉCOLE", strlen("Ｃafé  ÉCOLE")), 0);
    cr_assert_str_eq(out, "cafe  ecole");
    cr_assert_eq(xg_text_to_simplified(&out, &arena, "國防 ABC", strlen("國防 ABC")), 0);
    cr_assert_str_eq(out, "国防 ABC");
    cr_assert_eq(xg_text_fold(&out, &arena, "\xc3", 1), XG_EUTF8);
}

Test(text_fold, printable_ascii_folds_as_unicode_does, .init = setup, .fini = teardown)
{
    /* printable ASCII takes a path of its own (lower-casing only); the same character after an
     * accented letter goes through utf8proc, and must fold the same */
    for (int c = 0x20; c <= 0x7E; c++) {
        char in[8] = {'A', (char)c, 'z', 0}, slow[8] = {(char)0xC3, (char)0x89, (char)c, 'z', 0};
        char *fast, *other;
        cr_assert_eq(xg_text_fold(&fast, &arena, in, 3), 0);
        cr_assert_eq(strlen(fast), 3);
        cr_assert_eq(fast[0], 'a');
        cr_assert_eq(fast[1], c >= 'A' && c <= 'Z' ? c + 32 : c, "0x%02x", c);
        cr_assert_eq(xg_text_fold(&other, &arena, slow, 4), 0);
        cr_assert_str_eq(other + 1, fast + 1, "0x%02x", c);
    }
}

Test(text_names, sector_words_are_words_with_symbols)
{
    /* a sector word tells organisations apart: it is a WORD, with a symbol shared by languages */
    xg_name agri = an("Sichuan Agricultural University", 0);
    cr_assert_str_eq(shape(&agri), "W:sichuan W:AGRICULTURE O:UNIVERSITY");
    xg_name zh = an("四川农业大学", 0);
    cr_assert_str_eq(shape(&zh), shape(&agri));
    xg_name tsmc = an("Taiwan Semiconductor Manufacturing Company", 0);
    cr_assert_str_eq(shape(&tsmc), "W:taiwan W:SEMICONDUCTOR W:MANUFACTURING L:CO");
    cr_assert_str_eq(an("AT&T Inc.", 0).latin, "att inc");
    cr_assert_str_eq(shape(&(xg_name){0}), "");
}

Test(text_names, japanese_kanji_forms_fold)
{
    xg_name jp = an("金策工業総合大学", 0);
    cr_assert_str_eq(jp.han, "金策工业总合大学");
    xg_name kk = an("朝鮮東陽貿易会社", 0);
    cr_assert_eq(kk.tokens[kk.ntokens - 1].kind, XG_TOK_LEGAL);
    xg_name steel = an("黄海製鉄連合企業所", 0);
    cr_assert_str_eq(steel.han, "黄海制铁连合企业所");
    cr_assert(strstr(steel.latin, "steel") && strstr(steel.latin, "union"), "%s", steel.latin);
}

Test(text_names, short_legal_forms_only_at_the_end)
{
    cr_assert_str_eq(shape(&(xg_name){0}), "");
    xg_name bank = an("Example Bank AG", 0), ag = an("Ag Growth International", 0);
    cr_assert_eq(bank.tokens[bank.ntokens - 1].kind, XG_TOK_LEGAL);
    cr_assert_eq(ag.tokens[0].kind, XG_TOK_WORD);
    xg_name tail = an("EP-GOM", 0);
    cr_assert_eq(tail.tokens[0].kind, XG_TOK_WORD);
    xg_name ao = an("AO Sovkombank Strakhovanie", 0);
    cr_assert_str_eq(ao.tokens[0].symbol, "JSC");
}

Test(text_names, numerals_written_with_stand_ins)
{
    /* real list text: ○ (white circle) and katakana ニ stand in for 〇 and 二 */
    xg_name n = an("中国航天科技集団公司第一研究院第七○ニ研究所", 0);
    cr_assert(strstr(shape(&n), "N:1 O:ACADEMY N:702 O:INSTITUTE"), "%s", shape(&n));
    xg_name m = an("第三研究院三十三研究所", 0);
    cr_assert_str_eq(shape(&m), "N:3 O:ACADEMY N:33 O:INSTITUTE");
}

Test(text_names, segmentation_prefers_glossary_words)
{
    /* shortest path, not greedy: 浩通商贸 is the brand 浩通 + 商贸 (trade), not 浩 + 通商 + 贸 */
    xg_name n = an("丹东浩通商贸有限公司", 0);
    cr_assert(strstr(n.latin, "haotong trade"), "%s", n.latin);
    xg_name hk = an("Kaili Industrial (H.K.) Limited", 0), zh = an("香港凯利实业有限公司", 0);
    cr_assert_str_eq(hk.tokens[2].symbol, "HONGKONG");
    cr_assert_str_eq(zh.tokens[0].symbol, "HONGKONG");
}

Test(text_names, arabic_name_words)
{
    xg_name n = an("صدام حسين التكريتي", XG_NAME_PERSON);
    cr_assert_str_eq(n.latin, "saddam hussein al tikriti");
    xg_name v = an("أحمد", 0), w = an("احمد", 0); /* alef forms meet */
    cr_assert_str_eq(v.latin, w.latin);
}

/* Polyphonic characters read as they usually are (data/text/zh_char_readings.tsv), not by
 * whichever CC-CEDICT line comes first: 广 is guang (yan is only the radical), 拓 tuo (ta is a
 * rubbing); words CEDICT knows keep their own reading (银行 yinhang, 重庆, 长沙); a surname
 * takes its surname reading (曾 zeng, 单 shan). */
Test(text_names, polyphones_take_their_usual_reading)
{
    cr_assert_str_eq(an("比广", 0).latin, "bi guang");
    cr_assert_str_eq(an("北京新拓科技有限公司", 0).tokens[1].text, "xintuo");
    cr_assert_str_eq(an("银行", 0).tokens[0].alt, "yinhang");
    cr_assert_str_eq(an("重庆", 0).latin, "chongqing");
    cr_assert_str_eq(an("长沙", 0).latin, "changsha");
    cr_assert_str_eq(an("曾明", XG_NAME_PERSON).latin, "zeng ming");
    cr_assert_str_eq(an("单田芳", XG_NAME_PERSON).latin, "shan tianfang");
}

/* 科学技术 is one TECH token like 科技 (its other reading "science technology" stays on `alt`);
 * 研究院 reads "academy" or "research institute"; "S.F." in a name is initials, not Iceland's
 * sameignarfélag (GP). */
static const char *shape_of(const char *s, int flags)
{
    xg_name n = an(s, flags);
    return shape(&n);
}

Test(text_names, han_readings_and_initials)
{
    cr_assert_str_eq(shape(&(xg_name){0}), "");
    xg_name kx = an("科学技术", 0);
    cr_assert_eq(kx.ntokens, 1);
    cr_assert_str_eq(kx.tokens[0].symbol, "TECH");
    cr_assert_str_eq(kx.tokens[0].alt, "science technology");
    cr_assert_str_eq(an("科技", 0).tokens[0].symbol, "TECH");
    xg_name y = an("研究院", 0);
    cr_assert_str_eq(y.tokens[0].symbol, "ACADEMY");
    cr_assert_str_eq(y.tokens[0].alt, "research institute");
    cr_assert_str_eq(shape_of("S.F.", 0), "W:sf");
    cr_assert_str_eq(shape_of("Acme S.F.", 0), "W:acme W:sf");
    cr_assert_str_eq(shape_of("John S.F. Smith", XG_NAME_PERSON), "W:john W:sf W:smith");
}

/* Sector words written in pinyin in Latin names carry the symbols of their translations, so a
 * pinyin listing ("Guofang Keji Daxue") meets the Chinese name's English reading (国防 →
 * defense). */
Test(text_names, pinyin_sector_words)
{
    cr_assert_str_eq(shape_of("Guofang Keji Daxue", 0), "W:DEFENCE O:TECH O:UNIVERSITY");
    cr_assert_str_eq(shape_of("Beijing Hangkong Hangtian Daxue", 0),
                     "W:beijing W:AVIATION W:AVIATION O:UNIVERSITY");
}
