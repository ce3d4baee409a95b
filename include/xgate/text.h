/*
 * xgate/text.h — names made comparable: Unicode normalisation, transliteration, legal forms and
 * organisation words as symbols, Chinese folding, pinyin and glossary translation.
 *
 * xg_text_ctx holds the reference data (legal forms, organisation symbols, stop words, the Chinese
 * organisation glossary, CC-CEDICT) loaded once from the data directory; it is immutable after
 * load and safe to share between threads. ICU transliterators are per thread inside the library.
 *
 * xg_name_analyse turns one raw name into an xg_name: a token sequence in a Latin comparison form
 * (lower case ASCII where the script allows, accents folded), where each token carries its kind
 * and, for legal forms and organisation words, a symbol ("LLC", "UNIVERSITY", "TECHNOLOGY") so
 * that `Co., Ltd.` = `Company Limited` = `有限公司` compare equal without being deleted. Names in
 * Han also keep their simplified Han form for same-script comparison; Han is romanised to pinyin
 * words and glossary words are translated, so 四川大学 yields tokens "sichuan" + UNIVERSITY.
 * All memory of the result comes from the caller's arena.
 */
#ifndef XGATE_TEXT_H
#define XGATE_TEXT_H

#include <stddef.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

struct xg_arena;

typedef enum {
    XG_TOK_WORD = 0, /* an ordinary word */
    XG_TOK_NUMBER,   /* digits (or a word holding digits): numbers must agree */
    XG_TOK_LEGAL, /* a legal form: company, limited, llc, 有限公司, ООО … (symbol set) */
    XG_TOK_ORG, /* a generic organisation word: university, institute, technology … (symbol set) */
    XG_TOK_STOP /* a stop word: of, the, and … */
} xg_token_kind;

typedef struct xg_token {
    const char *text; /* comparison form: NFKC, case-folded, accents folded, transliterated */
    const char
        *symbol; /* canonical symbol for LEGAL/ORG tokens (e.g. "LLC", "UNIVERSITY"), else NULL */
    xg_token_kind kind;
    unsigned char from_han; /* 1 when the token came from Han characters (pinyin or glossary) */
    /* Additions (see "Token kinds, symbols and the Han pipeline" below): */
    const char *alt; /* another comparison form of the same word, or NULL: the pinyin of a Han
                        word rendered by its English translation (毒理 → text "toxicology",
                        alt "duli"), or the one-word English gloss of a word rendered in pinyin
                        (凯利 → text "kaili", alt "kelly"), or a glossary word's second
                        English rendering, possibly several words (研究院 → text "academy",
                        alt "research institute"; 科学技术 → "technology", alt "science
                        technology"); compare with either, a multi-word alt against a span */
    unsigned char
        level;           /* Chinese names: the level of the organisation's chain the token belongs
                            to, 1 = outermost (中国人民解放军 | 国防科技大学: 1, 2; 北京航空航天大学 |
                            杭州创新研究院: 1, 2); 0 = not from a chained Han name. A level ends
                            after an institution word (大学, 研究院, 研究所 …) or a glossary word
                            marked LEVEL (中国人民解放军, 集团, 公司) when more of the name follows */
    const char *sound;   /* Chinese words read by sound (no English gloss), query side: the
                            pinyin syllables each with the Latin spellings learned for it
                            (data/text/zh_sound.tsv), "ou|o sai" — a Latin word spelled as one
                            choice per syllable, in order, matches it; NULL otherwise */
    const char *senses;  /* Chinese dictionary words, query side: the word's other one-word
                            English senses in CC-CEDICT, "|"-separated (卫生 → text "health",
                            senses "hygiene|sanitation"); a Latin list word close to one of them
                            matches the token (`"via": "gloss"` in the explanation); NULL when it
                            has no other sense. Not kept in the snapshot file (list side unused) */
    unsigned char place; /* Chinese names, query side: 1 when the token renders a place name (北京,
                            四川省: a glossary PLACE word or a CC-CEDICT city, province, county …);
                            it counts less in the score. Not kept in the snapshot file */
    const char *pieces;  /* Chinese words read as one Latin word (lone characters run together, a
                            CC-CEDICT word read by pinyin, a brand), query side: each character with
                            its readings, and the dictionary words inside, for reading the word
                            part by meaning, part by pinyin (新国脉 "New Guomai"; see
                            src/match/zh_pieces.c). Entries space-separated, in order, each
                            "HAN=SOUNDS:GLOSSES": a character's pinyin then its learned spellings
                            ("|"-separated), a word's (several characters) none; its one-word
                            English glosses ","-separated (its first CC-CEDICT entry's, then up to
                            three other entries', six at most: 云 "say,cloud"): "新=xin|hsin:new
                            国=guo|kuo:country 脉=mai:vein". NULL otherwise. Not kept in the
                            snapshot file */
} xg_token;

typedef struct xg_name {
    const char *original; /* the input as given */
    const char *folded;   /* NFKC + case fold + accent fold, original script, single spaces */
    const char *latin;    /* the tokens' text joined by single spaces */
    xg_token *tokens;
    size_t ntokens;
    const char *han; /* simplified Han characters only (no spaces, no Latin), or NULL */
    bool is_person;
} xg_name;

typedef struct xg_text_ctx xg_text_ctx;

/* Load the reference data from `data_dir` (NULL: xg_data_dir()). */
int xg_text_ctx_load(xg_text_ctx **out, const char *data_dir);
void xg_text_ctx_free(xg_text_ctx *ctx);

enum {
    XG_NAME_PERSON = 1, /* reorder "SURNAME, Given" and skip organisation-word handling */
};

/* Analyse one UTF-8 name. Invalid UTF-8 is XG_EUTF8; an empty or all-punctuation name gives zero
 * tokens (not an error). Names longer than XG_NAME_MAX_BYTES are cut at a character boundary. */
#define XG_NAME_MAX_BYTES 4096
int xg_name_analyse(xg_name *out, struct xg_arena *arena, const xg_text_ctx *ctx, const char *utf8,
                    size_t len, int flags);

/* NFKC + case fold + accent fold of any UTF-8 text, original script kept (arena string). */
int xg_text_fold(char **out, struct xg_arena *arena, const char *utf8, size_t len);

/* Traditional → simplified Chinese (ICU Hant-Hans); other characters unchanged (arena string). */
int xg_text_to_simplified(char **out, struct xg_arena *arena, const char *utf8, size_t len);

/* ---- Additions ----------------------------------------------------------------------------
 *
 * Token kinds and symbols (what the matcher can rely on)
 *   WORD    everything else, in Latin comparison form: lower-case ASCII letters and digits
 *           ("huawei", "sichuan", "romashka"). Apostrophes and dots between single letters are
 *           removed ("o'brien" → obrien, "u.s.a." → usa, "AT&T" → att); other punctuation
 *           separates. Sector words are WORDs WITH a symbol (AGRICULTURE, SEMICONDUCTOR,
 *           MANUFACTURING, DEFENCE, AVIATION, NUCLEAR, MEDICAL, ENERGY, PHYSICS, CHEMISTRY …,
 *           rigour's org_domains): they weigh like words because they tell organisations apart
 *           ("Sichuan Agricultural University" ≠ "Sichuan University"), and equal symbols mean
 *           the same word across spellings and languages (农业 = agricultural = agriculture).
 *   NUMBER  any token holding a digit, plus ordinals and Chinese numerals: "3rd", "third",
 *           "第三" → "3"; "五〇二所" → "502"; "007" → "7". Numbers must agree.
 *   LEGAL   legal forms, one token per form however many words it has: "Co., Ltd.",
 *           "Company Limited", "有限公司", "股份有限公司", "LLC", "GmbH", "Inc", "ООО" and
 *           "Общество с ограниченной ответственностью" all give ONE token with symbol "LLC"
 *           (rigour's generic class: LLC, JSC, SOE, LP, COOP, NGO …; adjacent legal words are
 *           merged and take the most specific symbol). "Company", "Corp", "Corporation", "公司"
 *           alone are "CO". rigour's legal forms of 1–2 letters ("AG", "SA") count only at the
 *           name's end ("Bank AG", not "Ag Growth"); elsewhere they are WORDs.
 *   ORG     generic organisation words with a symbol shared by all spellings, languages and
 *           abbreviations: UNIVERSITY (university, univ, университет, 大学), INSTITUTE (inst,
 *           institute, 研究所, 学院), ACADEMY (acad, 研究院), TECH (tech, technology, 科技, 技术),
 *           SCIENTIFIC (sci, science), ENG (eng, engineering), INTL (intl, international),
 *           COMMS (comm, communications, 通信), GRP (grp, group, 集团), NATL, LAB, CENTER,
 *           RESEARCH, ELECTRONIC, INDUSTRY, HOLDING, TRADE … (upper-cased keys of rigour's
 *           org_symbols plus data/names/xg_terms.tsv). Compare ORG tokens by symbol.
 *   STOP    of, the, and, &, de, и …; leading person titles (Mr, Dr, General) when
 *           XG_NAME_PERSON; and the administrative words 省/市/县/区 of Chinese names
 *           (English names drop them: 深圳市X → Shenzhen X). Skip them when scoring.
 *
 * Scripts
 *   Latin: NFKC, case fold, accents removed, ICU Latin-ASCII for ø/ł/æ. Names that are ASCII
 *   after folding never reach ICU. Cyrillic: legal forms and organisation words are recognised
 *   in Cyrillic first, then ICU "Russian-Latin/BGN; Any-Latin; Latin-ASCII" (the romanisation of
 *   English-language lists: Дмитрий → dmitriy, ромашка → romashka). Other scripts: ICU Any-Latin.
 *   Korean persons (flagged, or shaped like a name: 김정은, 김 정은): surname as lists write it,
 *   then one token per given-name syllable, eo/eu as o/u (김정은 → kim jong un).
 *   Arabic: name words from data/text/ar_names.tsv as lists spell them, the article split off
 *   (صدام حسين التكريتي → saddam hussein al tikriti); other words through ICU (consonants only).
 *   `folded` is also simplified for Han (and reordered for XG_NAME_PERSON).
 *
 * Han pipeline (Chinese; Japanese kanji and traditional forms fold to simplified first)
 *   1. Hant→Hans (ICU), then Japanese shinjitai → simplified (data/text/ja_shinjitai.tsv:
 *      総→总, 鉄→铁, which ICU leaves); `han` keeps the result for same-script n-grams.
 *   2. Each Han run is segmented over the organisation glossary (data/text/zh_org_glossary.tsv)
 *      ∪ CC-CEDICT as a shortest path (fewest segments; glossary words preferred; a lone
 *      character costs most), so 浩通商贸 is 浩通 + 商贸; a CEDICT word that hides a glossary
 *      word (四川大学) or ends in 省/市 after a place (深圳市) is not used.
 *   3. Glossary words become their English, tokenised like any Latin name: 大学 → university
 *      (UNIVERSITY), 国防 → national (NATL) + defense (WORD, DEFENCE), 科技 → technology (TECH),
 *      有限公司 → one LLC token; well-known places keep their English name (香港 → hong kong,
 *      哈尔滨 → harbin).
 *   4. Other CEDICT words: proper nouns → pinyin, syllables joined into words and split where
 *      CEDICT capitalises (四川 → sichuan, 习近平 → xi jinping). Common words → in names of
 *      institutions (研究所, 大学 …) their first English gloss (毒理 → toxicology, 输血 → blood
 *      transfusion), otherwise (companies: brand names) their joined pinyin.
 *   5. Characters in no word are joined into one pinyin word (欧赛 → ousai). A run of 2–4 such
 *      characters with no organisation word is read as a person: surname + given name
 *      (李明 → li ming).
 *   Tokens from Han carry from_han = 1 and, where a second reading exists, `alt` (pinyin of a
 *   translated word, one-word gloss of a pinyin word). The glossary choice favours how Chinese
 *   organisations translate their own names (科技 is "technology" in NUDT's and Ausay's names).
 */

/* Facts about a loaded context, for reports and benchmarks. */
typedef struct xg_text_info {
    size_t phrases;        /* legal-form, organisation and stop-word phrases */
    size_t han_words;      /* glossary terms + CC-CEDICT headwords */
    size_t cedict_entries; /* CC-CEDICT headwords kept (simplified, one reading each) */
    double load_ms;        /* wall time of xg_text_ctx_load and of the deferred CC-CEDICT read */
} xg_text_info;

/* CC-CEDICT is read on the first name with Han characters, not by xg_text_ctx_load (a process
 * that screens against a mapped snapshot may never need it; the read takes about 0.1–0.2 s).
 * A long-lived process that would rather pay it at start calls this; so does the environment
 * variable XGATE_TEXT_EAGER=1 for every context. Returns 0 or the load's error (e.g. invalid
 * UTF-8 in the dictionary file); thread-safe, loads once. */
int xg_text_ctx_load_all(const xg_text_ctx *ctx);

/* Whether `word` (lower case, one word) is the Hanyu Pinyin of a Chinese place CC-CEDICT knows
 * as a city, province, county … (shenzhen, guangzhou, sichuan): how English names of Chinese
 * companies write their city ("Shanghai Haisi Technology Co., Ltd."). Loads CC-CEDICT when it was
 * not yet; false when it cannot be loaded. Thread-safe. */
bool xg_text_latin_place(const xg_text_ctx *ctx, const char *word);

/* Whether `word` (lower case, one word) is the English brand of a listed company that
 * data/text/zh_brands.tsv reads a Chinese brand word as (旷视 megvii, 杰赛 gci): a query token of
 * that text names the company's trade name. Multi-word brands ("sun create") are not one word and
 * never match. Thread-safe. */
bool xg_text_brand(const xg_text_ctx *ctx, const char *word);

/* Fill *out with the context's sizes and load time (loading CC-CEDICT first if it was not yet:
 * the sizes include it). Never fails. */
void xg_text_ctx_info(const xg_text_ctx *ctx, xg_text_info *out);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
