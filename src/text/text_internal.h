/*
 * text_internal.h — the pieces of the name analyser shared between the src/text files: a string
 * hash map (keys and values live in the context's arena, so the loaded context is one block of
 * immutable memory that threads can share), the loaded context, and the per-thread ICU helpers.
 */
#ifndef XG_TEXT_INTERNAL_H
#define XG_TEXT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "xgate/text.h"

/* ---- open-addressing string map (insert at load, read-only afterwards) ---- */
typedef struct xg_strmap_slot {
    const char *key;
    uint32_t keylen;
    void *value;
} xg_strmap_slot;

typedef struct xg_strmap {
    xg_strmap_slot *slots;
    size_t cap, len; /* cap is a power of two */
} xg_strmap;

void xg_strmap_init(xg_strmap *m);
void xg_strmap_free(xg_strmap *m);
/* Find the value stored under key[0..n), or NULL. */
void *xg_strmap_get(const xg_strmap *m, const char *key, size_t n);
/* Insert key (which must outlive the map) unless present; returns the existing value when the
 * key was already there (the map is not changed), the new value otherwise, NULL on ENOMEM. */
void *xg_strmap_put(xg_strmap *m, const char *key, size_t n, void *value);

/* ---- reference data ---- */

/* A phrase of the Latin/folded token stream ("co ltd", "общество с ограниченной ...", "university")
 * with what it stands for. */
typedef struct xg_phrase {
    const char *symbol;       /* "LLC", "UNIVERSITY"; NULL for stop words */
    xg_token_kind kind;       /* LEGAL, ORG or STOP */
    unsigned char short_edge; /* a 1–2 letter legal alias: a symbol only at the name's edge */
} xg_phrase;

/* The marker stored in `prefixes` for token sequences that begin some longer phrase. */
extern char xg_phrase_prefix_marker;

/* A Han dictionary word (glossary or CC-CEDICT), keyed by its simplified form. CC-CEDICT entries
 * point into the dictionary file kept in memory, so loading copies nothing. */
/* Other CEDICT entries of a word whose glosses are kept (xg_hanword.more_english). */
#define XG_HAN_MORE_ENTRIES 3
typedef struct xg_hanword {
    const char *english; /* glossary translation, or CEDICT's raw "/gloss/gloss/" field */
    const char *pinyin;  /* "Si4 chuan1": capitalised syllables start new words */
    const char *symbol;  /* glossary: the single token's symbol ("LLC"), else NULL */
    uint32_t english_len, pinyin_len;
    xg_token_kind kind;     /* glossary with a symbol: that token's kind */
    unsigned char glossary; /* 1: from our organisation glossary (always translated) */
    unsigned char proper;   /* CEDICT has only proper-noun readings (capitalised pinyin) */
    unsigned char nchars;   /* length in characters */
    unsigned char place;    /* glossary: a place name (does not make a name an organisation's) */
    unsigned char institution; /* glossary: 研究所, 大学 …: CEDICT words are glossed, not pinyin */
    const char *surname_pinyin; /* a polyphone's reading as a surname (曾 zeng1), else NULL */
    const char *alt_english;    /* glossary: a second English rendering ("research institute" for
                                   研究院 beside "academy"), the token's alt instead of pinyin */
    unsigned char ends_level;   /* glossary: INST or LEVEL, a level of an organisation's chain
                                   ends after it (中国人民解放军 | 国防科技大学) */
    const char *expands;        /* data/text/zh_abbrev.tsv: the full name an abbreviation stands for
                                   (北航 → 北京航空航天大学), read in its place; else NULL */
    unsigned char brand; /* data/text/zh_brands.tsv: a listed company's brand word (晨光) */
    unsigned char group; /* data/text/zh_groups.tsv: a group's word that company names put
                            before their brand and their English names drop (航天 | 晨光
                            Aerosun); see han.c, leading_group */
    /* CEDICT: the "/gloss/" fields of the word's other entries (雲 云 "cloud" beside 云 "to
     * say", 東方 东方 "the Orient" beside "east"), "/"-joined, at most XG_HAN_MORE_ENTRIES; read
     * by the pieces only (han.c, piece_glosses), else NULL */
    const char *more_english;
    uint32_t more_english_len;
    unsigned char more_entries;
} xg_hanword;

/* A work token while a name is being analysed (analyse.c, han.c). */
typedef struct xg_wtok {
    char *text;
    const char *symbol;
    const char *alt;
    const char *sound;  /* see xg_token.sound */
    const char *senses; /* see xg_token.senses */
    const char *pieces; /* see xg_token.pieces */
    xg_token_kind kind;
    unsigned char from_han, han_run, done, latin;
    unsigned char level; /* see xg_token.level */
    unsigned char place; /* see xg_token.place */
} xg_wtok;

struct xg_text_ctx {
    xg_arena arena;
    xg_strmap phrases;       /* folded token sequence -> xg_phrase (or the prefix marker) */
    size_t max_phrase;       /* longest phrase in tokens */
    xg_strmap han;           /* simplified word -> xg_hanword */
    size_t max_han;          /* longest Han word in characters */
    xg_strmap person_prefix; /* "mr", "dr", "general" … (tokens joined by spaces) */
    xg_strmap surnames2;     /* two-character Chinese surnames (欧阳, 司马 …) */
    xg_strmap ar_names; /* normalised Arabic name word -> listed Latin form (محمد -> muhammad) */
    xg_strmap ko_surnames; /* Korean surname in Hangul -> romanisation in lists (김 -> kim) */
    xg_strmap symbol_kind; /* symbol -> its kind, as data/names/xg_terms.tsv defines it */
    xg_strmap shinjitai;   /* Japanese kanji form -> simplified character (総 -> 总), and Hong
                              Kong / Taiwan variants ICU leaves alone (滙 -> 汇, zh_variants.tsv) */
    xg_strmap latin_ascii; /* folded Latin letter -> its ICU Latin-ASCII (ł -> l) */
    xg_strmap sound;  /* pinyin syllable -> its learned Latin spellings, "au|o" (zh_sound.tsv) */
    xg_strmap brands; /* English brand of zh_brands.tsv, one word ("megvii") -> non-NULL */
    xg_strmap latin_places; /* pinyin of a CC-CEDICT place, one word ("shenzhen") -> non-NULL;
                               filled with CC-CEDICT (see xg_text_latin_place) */
    char *cedict_text;      /* the dictionary file; CEDICT entries point into it */
    /* the compiled CC-CEDICT mapped from the cache (cedict_tab.c), or NULL; when set, `han` holds
     * only the glossary words and the CC-CEDICT words are looked up in it (xg_text_han_get) */
    struct xg_cedict_tab *cedict_tab;
    size_t cedict_entries;
    double load_ms;
    /* CC-CEDICT (and zh_char_readings.tsv, which amends it) is read on the first Han run, not at
     * load: most processes never analyse a Han name (a mapped snapshot holds the lists' names
     * analysed already). `han` and max_han are read only after xg_text_need_cedict returned 0. */
    char *data_dir; /* heap: where CC-CEDICT is read from */
    pthread_mutex_t cedict_lock;
    atomic_int cedict_state; /* CEDICT_* below; CEDICT_READY is stored with release order */
    int cedict_rc;           /* the failure, when the state is CEDICT_FAILED */
    char *cedict_error;      /* its message (heap) */
    double cedict_ms;        /* wall time of the deferred load */
};

enum { CEDICT_PENDING = 0, CEDICT_READY, CEDICT_FAILED };

/* A Han word by its simplified form: the glossary's or CC-CEDICT's (`han`, then the mapped
 * table), or NULL. Only after xg_text_need_cedict returned 0 for CC-CEDICT words. */
const xg_hanword *xg_text_han_get(const xg_text_ctx *ctx, const char *s, size_t n);

/* The compiled CC-CEDICT table kept in the cache directory (cedict_tab.c). */
typedef struct xg_cedict_tab xg_cedict_tab;
/* Write the table of a context whose CC-CEDICT was just read (every word in `han`) to `file`. */
void xg_cedict_tab_write(const xg_text_ctx *ctx, const char *file, const char magic[8],
                         XXH128_hash_t key);
/* Map `file` and use it for ctx's CC-CEDICT words (sets the glossary words' pinyin,
 * max_han, cedict_entries, cedict_tab). 0, or -1 when it is missing, damaged or stale (nothing
 * changed). */
int xg_cedict_tab_open(xg_text_ctx *ctx, const char *file, const char magic[8], XXH128_hash_t key);
void xg_cedict_tab_free(xg_cedict_tab *t);
/* How many CC-CEDICT words the table holds (0 for NULL). */
size_t xg_cedict_tab_words(const xg_cedict_tab *t);
/* Whether `word` is a Latin place word of the table (xg_text_latin_place). */
bool xg_cedict_tab_place(const xg_cedict_tab *t, const char *word, size_t n);

/* The name tables compiled and kept in the cache directory (names_tab.c, load_names.c). The key
 * hashes the binary and the source files' content (-1 when one cannot be read); open fills the
 * phrase, symbol-kind and person-prefix maps (empty before) and max_phrase from `file`: 0, or -1
 * when it is missing, damaged or stale (the maps left empty). */
int xg_names_tab_key(const char *dir, XXH128_hash_t *key);
void xg_names_tab_write(const xg_text_ctx *ctx, const char *file, XXH128_hash_t key);
int xg_names_tab_open(xg_text_ctx *ctx, const char *file, XXH128_hash_t key);

/* Make sure CC-CEDICT is in `han` (loading it once, whichever thread comes first). Returns 0, or
 * the load's error code with its message set again for this thread. The context stays shared and
 * read-only for callers: only this function writes it, under cedict_lock. */
int xg_text_need_cedict(const xg_text_ctx *ctx);

/* Tokenise a phrase exactly as names are tokenised and join the tokens with single spaces
 * (the phrase-map key). Returns the number of tokens; *key is heap (free()). */
int xg_text_phrase_key(const xg_text_ctx *ctx, char **key, size_t *keylen, const char *s, size_t n);
int xg_text_load_names(xg_text_ctx *ctx, const char *dir);
/* text/latin_ascii.tsv into ctx->latin_ascii (a missing file is an error: the data is bundled). */
int xg_text_load_latin_ascii(xg_text_ctx *ctx, const char *dir);
/* ICU Latin-ASCII of a folded Latin word by ctx->latin_ascii, letter by letter: heap string, or
 * NULL when a letter is not in the table (the caller then asks ICU) or out of memory. */
char *xg_text_latin_ascii_table(const xg_text_ctx *ctx, const char *w);
int xg_text_add_phrase(xg_text_ctx *ctx, const char *text, size_t n, xg_token_kind kind,
                       const char *symbol, bool ours);
int xg_text_kind_parse(const char *s, size_t n, xg_token_kind *kind);
bool xg_text_has_han(const char *s, size_t n);
/* Whether a dictionary word names a place (han.c): a glossary PLACE word other than the country,
 * or a CC-CEDICT proper noun whose first sense is a city, province, county … */
bool xg_text_hanword_place(const xg_hanword *w);
/* Call fn(arg, path, lineno, line) for each non-empty line not starting with '#'. */
int xg_text_each_line(const char *path, int (*fn)(void *, const char *, long, char *), void *arg);
int xg_text_load_glossary(xg_text_ctx *ctx, const char *dir);
int xg_text_load_cedict(xg_text_ctx *ctx, const char *dir);
/* XG_EIO unless dir's CC-CEDICT file exists and is readable (the cheap check at context load). */
int xg_text_check_cedict(const char *dir);
/* data/text/zh_sound.tsv: learned spellings of pinyin syllables (scripts/learn_zh_sound). */
int xg_text_load_sound(xg_text_ctx *ctx, const char *dir);
/* One line of zh_sound.tsv, "syllable<TAB>spelling<TAB>count", added to `map` (values in `a`):
 * the syllable's spellings are kept as one "|"-joined string in file order (most frequent
 * first). XG_EPARSE (with a message naming path:lineno) on a malformed line. */
int xg_text_sound_line(xg_strmap *map, xg_arena *a, const char *path, long lineno, char *line);
/* The sound pattern of pinyin syllables (space-separated, "ou sai"): each syllable with its
 * learned spellings, "ou|o sai", or NULL when no syllable has one or there is only one. */
char *xg_text_sound_pattern(const xg_text_ctx *ctx, xg_arena *a, const char *syllables, size_t n);

/* ---- Unicode helpers (fold.c) ---- */
/* NFKC + case fold + accent fold into a heap string (free()). XG_ENOMEM/XG_EUTF8. */
int xg_text_fold_heap(char **out, size_t *outlen, const char *s, size_t n);
/* Decode one code point of NUL-terminated text (core's xg_utf8_next, as a signed code point; a
 * bad byte reads as U+FFFD); returns its length in bytes. */
size_t xg_utf8_decode(const char *s, int32_t *cp);
bool xg_cp_is_han(int32_t cp);

/* ---- ICU helpers (translit.c), per-thread transliterators ---- */
enum {
    XG_TR_HANT_HANS = 0,
    XG_TR_RUSSIAN_LATIN,
    XG_TR_ANY_LATIN,
    XG_TR_LATIN_ASCII,
    XG_TR_HAN_LATIN, /* only for characters CC-CEDICT lacks: it takes ~0.3 s to open */
    XG_TR_COUNT
};
/* Run transform `which` over UTF-8 s[0..n) into a heap string (free()). */
int xg_translit(char **out, int which, const char *s, size_t n);
/* true: Hant-Hans always through ICU, not the cached table (tests compare the two). */
extern bool xg_translit_hans_off;
/* Tests: forget the Hant-Hans table, so that the next Hant-Hans loads (or builds) it again; not
 * while other threads transliterate. */
void xg_translit_hans_reset(void);
/* Whether Hant-Hans went through the table (after a first Hant-Hans). */
bool xg_translit_hans_table(void);
/* The identity of what analyses names: xgate's build (xg_build_id) and the running ICU's version,
 * hashed, once per process. The key of every file that keeps analysed names, their index keys or
 * tables built through ICU (the lists snapshot file, the monitor's party file, the compiled name
 * and Hant-Hans tables): ICU upgraded without a rebuild of xgate (a distribution update) may read
 * a name otherwise, so those files are built again rather than trusted. */
void xg_text_analyser_id(uint8_t id[16]);

/* ---- analysis steps ---- */
/* Split folded text into raw tokens (Han runs kept whole) appended to `toks` (xg_wtok). */
int xg_text_tokenise(xg_vec *toks, xg_arena *a, const char *folded, size_t n);
/* Mark phrases (legal forms, organisation words, stop words) in toks[from..to). False when a
 * phrase found could not be merged (out of memory) and was left unmarked. */
bool xg_text_match_phrases(const xg_text_ctx *ctx, xg_arena *a, xg_wtok *t, size_t from, size_t to,
                           int flags);
/* Fold, tokenise and phrase-match Latin words (a glossary translation or a CEDICT gloss) and
 * append them as from_han tokens; `alt` goes on the first. */
int xg_text_emit_words(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const char *text, size_t n,
                       const char *alt);
bool xg_text_clean_gloss(xg_buf *out, const char *field, size_t n, int max_words);
/* What a Han run says about the name: plain (a person, a place), an organisation (a glossary
 * word such as 有限公司, 科技) or an institution (研究所, 大学: glossary words marked INST). */
enum { XG_HAN_PLAIN = 0, XG_HAN_ORGANISATION, XG_HAN_INSTITUTION };
/* It segments the run into `segs` (initialised here; the caller frees it with xg_vec_free), the
 * segmentation xg_text_han_run would make, so that the run is segmented once. */
int xg_text_han_context(const xg_text_ctx *ctx, const char *run, size_t n, xg_vec *segs);
/* Arabic name words from data/text/ar_names.tsv, the article split off (arabic.c). */
int xg_text_arabic_names(const xg_text_ctx *ctx, xg_arena *a, xg_vec *toks);
bool xg_text_arabic_key(xg_buf *b, const char *s, size_t n);
/* Read Hangul names of persons as surname + syllables (korean.c); a no-op for other names. */
int xg_text_korean_names(const xg_text_ctx *ctx, xg_arena *a, xg_vec *toks, int flags);
/* The level of an organisation's chain reached while a name's Han runs are read (xg_token.level):
 * start at {1, false}; a level-ending word sets `pending`, and the next token opens a new level. */
typedef struct xg_han_level {
    unsigned char level;
    bool pending;
} xg_han_level;
/* Segment one simplified Han run and append its tokens to `out`, marked with their level; segs:
 * the run's segmentation from xg_text_han_context, or NULL (or empty) to segment it here. */
int xg_text_han_run(const xg_text_ctx *ctx, xg_arena *a, xg_vec *out, const char *run, size_t n,
                    int flags, int context, xg_han_level *level, const xg_vec *segs);

#endif
