/*
 * score.h — the name scorer (internal): one analysed query name against one analysed list name.
 *
 * The query is prepared once (xg_score_query: Jaro-Winkler patterns per token) and then compared
 * with each candidate; the detail records what the explanation shows (token pairs with their
 * scores, unmatched tokens, penalties, the method that decided the score).
 */
#ifndef XG_MATCH_SCORE_H
#define XG_MATCH_SCORE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "match/kernels.h"
#include "xgate/core.h"
#include "xgate/text.h"

/* Tokens of a query beyond this are not aligned (a 100 kB query is cut, and says so). */
#define XG_SCORE_MAX_TOKENS 48

/* Weights of token kinds, yente logic-v2 style: legal forms and generic organisation words are
 * compared as symbols but count little; stop words almost nothing. */
#define XG_W_WORD 1.0
#define XG_W_NUMBER 1.0
#define XG_W_ORG 0.35
#define XG_W_ORG_MIN 0.25
#define XG_W_LEGAL 0.2
#define XG_W_STOP 0.05
/* Share of its weight an unmatched token costs: query words missing from the list name are
 * strong evidence against a match, list words missing from the query (a longer registered
 * name, an acronym in brackets) much weaker. */
#define XG_UNMATCHED_QUERY 0.8
#define XG_UNMATCHED_LIST 0.3
/* Share of that cost for the words of a level of a chained Chinese name that met nothing while
 * another level met the whole list name (中国人民解放军 before 国防科技大学; see score.c). */
#define XG_UNMATCHED_LEVEL 0.1
/* … and for levels after the last one met (the query is a unit of the listed organisation:
 * 北京航空航天大学杭州创新研究院 of BUAA), more, so that the unit itself, when listed, ranks first.
 */
#define XG_UNMATCHED_UNIT_LEVEL 0.3
/* Share of that cost for an organisation word translated from Han (see score.c). */
#define XG_UNMATCHED_HAN_ORG 0.5
#define XG_GENERIC_WEIGHT 0.5
/* Share of its weight a place word of a Chinese query keeps when it is met (xg_token.place): 北京
 * in 北京X大学 says where, not which, so "Beijing Y University" does not reach the threshold
 * through it. Unmatched, it costs its full weight (another city is evidence against). */
#define XG_PLACE_WEIGHT 0.75
/* Share of their weight the unmatched sector, stop and place words keep when a Chinese company's
 * trade name met a list name whose plain words were all met (see trade_name_met in score.c). */
#define XG_GENERIC_SHARE 0.3
#define XG_PLACE_UNMET 0.1
/* What a list name's place word left unmet by a Chinese query costs, as an unmatched query word of
 * this weight (XG_UNMATCHED_QUERY × it): "Beijing X University" names its city, and a 北京-less or
 * another city's X大学 is more likely another university (see han_unit_place_unmet in score.c). */
#define XG_HAN_PLACE_UNMET 1.0
#define XG_TRADE_NAME_SIM 0.97
/* Edits allowed per character of the longer word (a quarter: one typo from four letters, two
 * from eight), and for words romanised from Han (a third: xinta ~ xintuo). */
#define XG_EDITS 0.25
#define XG_EDITS_HAN (1.0 / 3.0)
/* Two tokens pair only when this similar; split/merged tokens only when this similar. */
#define XG_PAIR_FLOOR 0.80
/* A Latin word spelled syllable by syllable with learned spellings of a Chinese word's pinyin
 * (xg_token.sound, data/text/zh_sound.tsv): as close as a one-typo match of a long word, not
 * as an equal one, since the spellings are learned habits rather than rules. */
#define XG_SOUND_SIM 0.92
/* Words shorter than this are not matched by sound: "a", "ra" spell too many syllables. */
#define XG_SOUND_MIN_LEN 4
#define XG_SPLIT_FLOOR 0.92
/* A number in both names that does not agree caps the score here (below any sensible threshold):
 * 502nd and 513th institutes are different entities. */
#define XG_NUMBER_MISMATCH_CAP 0.5
/* A Chinese query whose short word (two syllables) or place word met a list name only inexactly
 * (a near pinyin, a learned spelling), with no distinctive word met closely beside it, caps the
 * score here, under the default threshold: 暨南大学 jinan is not "Hunan University" by the
 * learned spelling ji → hi, 七喜 qixi not "Qisu", 华润 huarun not "Harun" (unsupported_guess in
 * score.c). */
#define XG_UNSUPPORTED_CAP 0.75

/* What the word comparisons measure of a list token's text and alt (see xg_word_sig), measured
 * once per snapshot by token id (xg_score_list.tok): [0] the text, [1] the alt (when it has one).
 */
typedef struct xg_tok_meas {
    uint64_t letters[2];
    uint32_t len[2], cps[2];
    uint8_t ascii[2];
} xg_tok_meas;

/* Measure a token into m. */
void xg_tok_meas_of(xg_tok_meas *m, const xg_token *t);

/* Similarities of the query's tokens with list tokens already met in this query, by the list
 * token's id (xg_score_list.tok): rows of ntok values in the arena. Open addressing on id + 1. */
typedef struct xg_sim_memo {
    const xg_tok_meas *meas; /* by token id, or NULL: measured when a row is made */
    uint32_t *keys;
    double **rows;
    size_t size, n; /* slots (a power of two); rows held (at most size / 2: then it doubles) */
    struct xg_arena *arena;
} xg_sim_memo;
/* Slots of a memo at most: past half of them, pairs are computed without it. */
#define XG_SIM_MEMO_MAX (1u << 16)

/* What the word comparisons measure of a string, measured once: a query token's text and alt and
 * its senses' words (xg_score_prepare), a list token's text and alt (once per query and token). */
typedef struct xg_word_sig {
    const char *s;    /* NUL-terminated, borrowed */
    size_t len, cps;  /* bytes, code points */
    uint64_t letters; /* xg_jw_letters */
    int ascii;
} xg_word_sig;

/* Senses' words (xg_token.senses) prepared per query, all tokens together; a token whose senses
 * do not fit is compared from its senses string, as before. */
#define XG_SCORE_MAX_SENSES 96
#define XG_SCORE_SENSE_TEXT 1536
/* Words of the query's multi-word readings prepared per query, all tokens together. */
#define XG_SCORE_MAX_READ_WORDS 48
#define XG_SCORE_READ_TEXT 1024

/* One entry of a Han query word's pieces (xg_token.pieces; zh_pieces.h): a character or a
 * dictionary word with its sounds (pinyin, learned spellings; none for a word) and its glosses,
 * each a pointer into the pieces string (not NUL-terminated). */
#define XG_ZH_PIECE_SOUNDS 8
#define XG_ZH_PIECE_GLOSSES 6
typedef struct xg_zh_piece {
    const char *han; /* "新" */
    const char *snd[XG_ZH_PIECE_SOUNDS];
    const char *gl[XG_ZH_PIECE_GLOSSES];
    uint8_t sndlen[XG_ZH_PIECE_SOUNDS], gllen[XG_ZH_PIECE_GLOSSES];
    uint8_t hanlen, nsnd, ngl, nchars;
    uint16_t at; /* the first character it reads, counted from its query's first piece */
} xg_zh_piece;
/* Entries of a query's pieces parsed once at most (xg_score_query.piece). */
#define XG_SCORE_MAX_PIECES 256

typedef struct xg_score_query {
    const xg_name *name;
    xg_sim_memo *memo;  /* NULL: every pair computed (xg_score_prepare sets NULL) */
    size_t ntok;        /* tokens considered (<= XG_SCORE_MAX_TOKENS) */
    xg_jw_pattern *pat; /* ntok prepared patterns (caller's storage) */
    size_t len[XG_SCORE_MAX_TOKENS];
    /* the fewest and most bytes a word spelled by token i's sound pattern can have (the sums of
     * each syllable group's shortest and longest non-empty spelling; 1 and 0 when the pattern
     * spells nothing, or there is none) */
    uint16_t sound_min[XG_SCORE_MAX_TOKENS], sound_max[XG_SCORE_MAX_TOKENS];
    float w[XG_SCORE_MAX_TOKENS]; /* token weights (kind defaults unless set by caller) */
    uint64_t acronyms;            /* query tokens that are the query's own acronym */
    uint64_t phrases, repeats;    /* as in xg_score_list */
    uint64_t readings;            /* as in xg_score_list */
    uint64_t places;              /* tokens (first 64) naming a place (xg_token.place) */
    int truncated;
    const uint32_t *han_bigrams; /* hashes of the query's Han character bigrams, sorted */
    size_t nhan_bigrams;
    const xg_text_ctx *text; /* the list names' text context (xg_text_latin_place); NULL: none
                                (xg_score_prepare sets NULL) */
    /* The Chinese-name rules' query-side facts (issue 13), decided once per query by
     * xg_score_prepare so that a Latin query pays nothing per candidate for them: */
    unsigned char han;        /* the query has Han text (name->han) */
    unsigned char levels;     /* a token (first 64) belongs to a chain level (xg_token.level) */
    unsigned char university; /* a UNIVERSITY token read from Han */
    unsigned char company;    /* a Han query naming a company, no institution (company_query) */
    xg_word_sig text_sig[XG_SCORE_MAX_TOKENS], alt_sig[XG_SCORE_MAX_TOKENS]; /* alt: when set */
    /* token i's senses' words: sense_sig[sense_at[i] .. + sense_n[i]]; sense_n[i] ==
     * XG_SENSES_UNPREPARED: they did not fit, compare from the string */
    uint16_t sense_at[XG_SCORE_MAX_TOKENS], sense_n[XG_SCORE_MAX_TOKENS];
    xg_word_sig sense_sig[XG_SCORE_MAX_SENSES];
    char sense_text[XG_SCORE_SENSE_TEXT];
    /* token i's multi-word reading (a bit of `readings`) split into words as the span matching
     * splits it: read_sig[read_at[i] .. + read_n[i]]; read_n[i] == XG_SENSES_UNPREPARED: they did
     * not fit. The memo's rows hold their similarities with each list token after the ntok
     * tokens' (nread columns). */
    uint16_t read_at[XG_SCORE_MAX_TOKENS], read_n[XG_SCORE_MAX_TOKENS];
    size_t nread;
    xg_word_sig read_sig[XG_SCORE_MAX_READ_WORDS];
    char read_text[XG_SCORE_READ_TEXT];
    /* Han queries: tokens (first 64) with pieces (xg_token.pieces; zh_pieces.h), and their first
     * letters (xg_zh_pieces_first); last, so that the fields above keep their offsets */
    uint64_t pieces;
    uint32_t pieces_first[XG_SCORE_MAX_TOKENS];
    /* … and those pieces parsed once (xg_zh_pieces_prepare), token i's entries
     * piece[piece_at[i] .. + piece_n[i]] holding piece_chars[i] characters; pieces_fit 0 when
     * they did not fit in piece[] (then parsed per candidate) */
    unsigned char pieces_fit;
    uint16_t piece_at[XG_SCORE_MAX_TOKENS], piece_n[XG_SCORE_MAX_TOKENS];
    uint8_t piece_chars[XG_SCORE_MAX_TOKENS];
    xg_zh_piece piece[XG_SCORE_MAX_PIECES];
} xg_score_query;
#define XG_SENSES_UNPREPARED 0xFFFF

/* A list name as the scorer sees it: the analysed name plus what the snapshot derives once. */
typedef struct xg_score_list {
    const xg_name *name;
    const float *w;      /* token weights; NULL: kind defaults */
    const uint16_t *len; /* token byte lengths; NULL: measured when needed */
    uint64_t acronyms;   /* tokens (first 64) that are the name's own acronym */
    uint64_t phrases;    /* tokens holding several words ("joint stock company") */
    uint64_t readings;   /* tokens with a multi-word alt (xg_token.alt holding a space) */
    uint64_t repeats;    /* tokens whose text occurs twice or more in the name */
    const uint32_t *big; /* Han bigram hashes, sorted; NULL when none */
    size_t nbig;
    const uint32_t *tok; /* per token, an id shared by tokens alike in everything token
                          * similarity reads (text, symbol, kind, origin, alt); NULL: none */
} xg_score_list;

#define XG_ABSORBED 255

typedef struct xg_pair {
    uint8_t qi, qn;      /* query tokens qi .. qi+qn-1 */
    uint8_t ni, nn;      /* list-name tokens ni .. ni+nn-1 */
    uint8_t cover;       /* > 0: one of `cover` words of a phrase token spread over the other side;
                          * XG_ABSORBED: a leftover word of an already matched phrase (weight 0) */
    uint8_t cover_query; /* the phrase is the query's token (else the list's) */
    float sim;
    uint8_t reading; /* a token's other multi-word reading (xg_token.alt) met the span */
} xg_pair;

enum { XG_METHOD_TOKENS = 0, XG_METHOD_HAN, XG_METHOD_IDENT };

typedef struct xg_score_detail {
    double score;
    double token_score;
    double han_score; /* < 0 when not both names have Han */
    int method;
    int number_mismatch;
    int unsupported; /* a Chinese query's distinctive words all met inexactly (XG_UNSUPPORTED_CAP)
                      */
    size_t npairs;
    uint64_t q_matched, n_matched; /* bit sets of matched tokens (first 64) */
    double matched_weight, unmatched_query, unmatched_list;
    uint64_t level_skipped;  /* query tokens of unmatched levels of a chained Chinese name */
    double unmatched_level;  /* their weight times their share (XG_UNMATCHED_LEVEL or _UNIT_) */
    unsigned last_met_level; /* the last level of the query that met the list name */
    uint64_t list_parent;    /* list tokens of a "unit, parent" name's parent left out by a
                                Chinese query naming the unit (cost in unmatched_level) */
    double qualifier;        /* two universities: weight of unmatched qualifiers (see score.c) */
    double head; /* a Chinese query's unmatched institution head (研究院 …), as a plain word */
    /* Last, so that a copy of the first npairs (XG_SCORE_DETAIL_SIZE) is a complete detail: a
     * screening result keeps its matches' details so, to explain them when asked. */
    xg_pair pairs[XG_SCORE_MAX_TOKENS];
} xg_score_detail;
/* Bytes of a detail holding npairs pairs (its pairs are last). */
#define XG_SCORE_DETAIL_SIZE(npairs) (offsetof(xg_score_detail, pairs) + (npairs) * sizeof(xg_pair))

/* Han bigram hashes of a simplified Han string into out (cap entries), sorted, deduplicated. */
size_t xg_han_bigrams(uint32_t *out, size_t cap, const char *han);

/* Prepare a query. `bigrams` (may be NULL) holds the query's Han bigrams, borrowed; `pats` is
 * room for min(ntokens, XG_SCORE_MAX_TOKENS) patterns (about 4 kB each), borrowed. */
void xg_score_prepare(xg_score_query *q, const xg_name *name, const uint32_t *bigrams,
                      size_t nbigrams, xg_jw_pattern *pats);

/* Fill a list name's view: acronyms always, token lengths into `len` when given (room for
 * ntokens), weights/bigrams as given (may be NULL). */
void xg_score_list_init(xg_score_list *l, const xg_name *n, const float *w, uint16_t *len,
                        const uint32_t *big, size_t nbig);

/* Score one list name in [0, 1], filling the detail the explanation is made of. */
double xg_score_name(const xg_score_query *q, const xg_score_list *n, xg_score_detail *d);

/* XG_SOUND_SIM when the Latin word `text` is spelled by the sound pattern `pattern`
 * (xg_token.sound) and differs from plain pinyin, else 0. */
double xg_sound_sim(const char *pattern, const char *text);

/* The explanation object for a detail: method, token pairs with scores, unmatched tokens,
 * penalties. New reference. */
json_t *xg_score_explain(const xg_score_query *q, const xg_name *n, const xg_score_detail *d);
/* The same from what it reads of the query: its first `ntok` tokens (each token's text, kind,
 * alt, sound, senses and level) and whether it was cut (xg_score_query.truncated). The detail
 * need hold only its npairs pairs (XG_SCORE_DETAIL_SIZE). */
json_t *xg_score_explain_tokens(const xg_token *qt, size_t ntok, int truncated, const xg_name *n,
                                const xg_score_detail *d);

/* The same explanation written as JSON text into b, byte for byte as the tree's keys, in their
 * order, and values encode (reals as jansson writes them at precision 12), without building the
 * tree — but without the closing '}', so that the caller can add keys. 0 when written; 1 when not
 * (b is then to be cut back to its length before the call): a case left to the tree — a joined
 * span of 511 bytes or more (the tree cuts it and checks the cut) or a detail with both kinds of
 * "nested"; -1 out of memory or a text that is not UTF-8 (which the tree could not encode either).
 */
int xg_score_explain_write(xg_buf *b, const xg_token *qt, size_t ntok, int truncated,
                           const xg_name *n, const xg_score_detail *d);

/* Default weight of a token by kind. */
double xg_token_weight(const xg_token *t);

/* Weight of an organisation word from how many of n names hold its symbol (df): a symbol on a
 * third of all names ("TECH", "CO") says little; one on a few dozen ("AGRICULTURE") nearly as
 * much as a plain word, so "Sichuan Agricultural University" stays apart from "Sichuan
 * University". */
float xg_symbol_weight(size_t df, size_t n);

#endif
