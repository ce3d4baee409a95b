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

struct xg_arena;

typedef enum {
    XG_TOK_WORD = 0, /* an ordinary word */
    XG_TOK_NUMBER,   /* digits (or a word holding digits): numbers must agree */
    XG_TOK_LEGAL,    /* a legal form: company, limited, llc, 有限公司, ООО … (symbol set) */
    XG_TOK_ORG,      /* a generic organisation word: university, institute, technology … (symbol set) */
    XG_TOK_STOP      /* a stop word: of, the, and … */
} xg_token_kind;

typedef struct xg_token {
    const char *text;   /* comparison form: NFKC, case-folded, accents folded, transliterated */
    const char *symbol; /* canonical symbol for LEGAL/ORG tokens (e.g. "LLC", "UNIVERSITY"), else NULL */
    xg_token_kind kind;
    unsigned char from_han; /* 1 when the token came from Han characters (pinyin or glossary) */
    /* Additions (see "Token kinds, symbols and the Han pipeline" below): */
    const char *alt; /* another comparison form of the same word, or NULL: the pinyin of a Han
                        word rendered by its English translation (毒理 → text "toxicology",
                        alt "duli"), or the one-word English gloss of a word rendered in pinyin
                        (凯利 → text "kaili", alt "kelly"); compare with either */
} xg_token;

typedef struct xg_name {
    const char *original;  /* the input as given */
    const char *folded;    /* NFKC + case fold + accent fold, original script, single spaces */
    const char *latin;     /* the tokens' text joined by single spaces */
    xg_token *tokens;
    size_t ntokens;
    const char *han;       /* simplified Han characters only (no spaces, no Latin), or NULL */
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
int xg_name_analyse(xg_name *out, struct xg_arena *arena, const xg_text_ctx *ctx,
                    const char *utf8, size_t len, int flags);

/* NFKC + case fold + accent fold of any UTF-8 text, original script kept (arena string). */
int xg_text_fold(char **out, struct xg_arena *arena, const char *utf8, size_t len);

/* Traditional → simplified Chinese (ICU Hant-Hans); other characters unchanged (arena string). */
int xg_text_to_simplified(char **out, struct xg_arena *arena, const char *utf8, size_t len);

#ifdef __cplusplus
}
#endif
#endif
