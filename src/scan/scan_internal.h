/*
 * scan_internal.h — what the parts of the tender scanner share: the lexicon, the decoded document
 * (normalised text plus the pre-folding text it is aligned with), matches and extracted fields.
 *
 * The document keeps two texts of the same length when traditional folding is one-to-one per
 * character (the usual case): `text` (simplified, what the lexicon and field patterns see; offsets
 * refer to it) and `orig` (same bytes before folding), so that names are reported as printed
 * (香港數智科研有限公司) while matching works on one script.
 */
#ifndef XG_SCAN_INTERNAL_H
#define XG_SCAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <xxhash.h>

#include "core/core.h"
#include "xgate/scan.h"

/* ---- compiled tables kept between runs (cache.c) ---- */
/* Hyperscan's version and the host platform into a key being hashed (Hyperscan loaded). */
void scan_cache_hs_key(XXH3_state_t *st);
/* A serialised Hyperscan database (hs_database_t *) through xg_cache_get, or NULL. */
void *scan_cache_hs_get(const char *file, const char magic[8], XXH128_hash_t key);
void scan_cache_hs_put(const char *file, const char magic[8], XXH128_hash_t key, const void *db);

/* ---- lexicon ---- */
typedef enum {
    LX_PROVIDER = 0,
    LX_PROVIDER_CHINA_REGION,
    LX_PRODUCT,
    LX_CHIP,
    LX_CHIP_VENDOR,
    LX_CHIP_HINT,
    LX_INSTANCE,
    LX_MODEL,
    LX_MODEL_OTHER,
    LX_ACCESS_OVERSEAS,
    LX_ACCESS_RENTAL,
    LX_ACCESS_ACCOUNT,
    LX_ACCESS_TOKENS,
    LX_ACCESS_API,
    LX_COMPUTE,
    LX_INTERMEDIARY_ROLE,
    LX_DOMESTIC_CHIP,
    LX_DOMESTIC_CLOUD,
    LX_SHORTFALL,
    LX_DATA_LOCAL,
    LX_BUYER_TYPE,
    LX_NCATS
} lx_category;

const char *lx_category_name(lx_category c);
int lx_category_parse(const char *s, lx_category *out);

typedef struct lx_term {
    char *term; /* as written in the lexicon (folded) */
    char *canonical;
    char *language;
    char *provider; /* implied US provider canonical name or "" */
    lx_category cat;
} lx_term;

typedef struct lx_lexicon {
    lx_term *terms;
    size_t nterms;
    void *db;      /* hs_database_t */
    void *scratch; /* hs_scratch_t */
    xg_arena arena;
    int borrowed;   /* a clone: terms and db belong to the lexicon it was cloned from */
    int from_cache; /* the database was read from the cache file, not compiled */
    size_t ngate;   /* extra literals after the terms (lx_load_gated): ids nterms.. */
} lx_lexicon;

/* `fold` (may be NULL) folds each term as documents are folded. The compiled database is kept
 * in the snapshot cache directory and read back by the next load of the same terms
 * (lexicon.c). */
int lx_load(lx_lexicon *lx, const char *path, const uint32_t *fold_table);
/* lx_load with `n` byte literals (the field gate's, scan_patterns_gate_literals) compiled into
 * the same database after the terms, each with its Hyperscan flags (no SOM): one pass of the
 * text finds both (lx_scan_gated). */
int lx_load_gated(lx_lexicon *lx, const char *path, const uint32_t *fold_table,
                  const char *const *lits, const unsigned *lit_flags, size_t n);
void lx_free(lx_lexicon *lx);
/* A lexicon sharing `src`'s terms and database with its own Hyperscan scratch (one per thread);
 * `src` must outlive it. */
int lx_clone(lx_lexicon *out, const lx_lexicon *src);
/* Build the Hyperscan regex source for a literal term (exposed for the bench driver). */
char *lx_term_regex(const char *term, int *flags_out);

typedef struct lx_match {
    size_t from, to;
    unsigned id;
} lx_match;

/* All matches, sorted by start, with same-category matches contained in longer ones removed. */
int lx_scan(const lx_lexicon *lx, const char *text, size_t len, xg_vec *matches);
/* lx_scan that also hands each match of extra literal i (lx_load_gated), with its end, to
 * gate(ctx, i, to); `gate` may be NULL. */
typedef void lx_gate_fn(void *ctx, unsigned lit, unsigned long long to);
int lx_scan_gated(const lx_lexicon *lx, const char *text, size_t len, xg_vec *matches,
                  lx_gate_fn *gate, void *ctx);

/* ---- decoding ---- */
#define XG_FOLD_BASE 0x3400u
#define XG_FOLD_END 0xA000u /* CJK Ext A + URO */

typedef struct scan_doc {
    char *name;
    const char *encoding;
    char *text; /* normalised, simplified (NUL-terminated, heap) */
    char *orig; /* same length, before traditional folding, or NULL when identical */
    size_t len;
    size_t nfolded; /* characters changed by traditional folding */
    json_t *record; /* the JSON record this document came from, or NULL (borrowed) */
} scan_doc;

/* Table of one-to-one traditional → simplified code points over [XG_FOLD_BASE, XG_FOLD_END)
 * (0 = unchanged), built once through xg_text_to_simplified (or ICU's Hant-Hans). */
int scan_fold_table(uint32_t **out);

/* Raw bytes → UTF-8 (no normalisation). XG_EFORMAT for binary/undecodable. */
int scan_to_utf8(char **out, size_t *out_len, const char **encoding, const char *bytes, size_t len);
/* scan_to_utf8 without the copy when the bytes are UTF-8 already: *out points into `bytes`
 * (past a BOM) and *owned is NULL; a conversion is returned in *out and *owned (to free). */
int scan_to_utf8_view(const char **out, size_t *out_len, char **owned, const char **encoding,
                      const char *bytes, size_t len);
/* NFKC of valid UTF-8 into a new heap string (one pass for ASCII, Han, CJK punctuation and
 * full-width forms; utf8proc otherwise). */
int scan_nfkc(char **out, size_t *out_len, const char *utf8, size_t len);
/* NFKC, CRLF → LF, stray spaces between CJK characters removed, then folding with `table`.
 * Fills doc->text, doc->orig, doc->len. */
int scan_normalise(scan_doc *doc, const char *utf8, size_t len, const uint32_t *table);
/* The same in two passes (scan_nfkc, then squeeze and fold over its text): the reference the one
 * pass is tested against (unit tests, fuzz_scan_encoding). */
int scan_normalise_two_pass(scan_doc *doc, const char *utf8, size_t len, const uint32_t *table);
/* HTML → text with table cells separated by " | " and rows/blocks by newlines. */
int scan_html_to_text(char **out, size_t *out_len, const char *utf8, size_t len);
/* scan_html_to_text on text known to be valid UTF-8 (scan_to_utf8_view's): the same text, the
 * fast path's UTF-8 check skipped. */
int scan_html_valid_to_text(char **out, size_t *out_len, const char *utf8, size_t len);
/* The same text in one pass without libxml2's tree, for the pages whose tree it is sure of:
 * 0 (text in *out), 1 (declined: use scan_html_tree_text) or an error code. */
int scan_html_fast_text(char **out, size_t *out_len, const char *utf8, size_t len);
/* The same through libxml2's HTML parser and its tree, for every page. */
int scan_html_tree_text(char **out, size_t *out_len, const char *utf8, size_t len);
/* JSON record → text: titles first as bare lines, known portal keys under standard headings
 * (`keymap`: key → heading, "=" bare, "-" skipped; from data/scan/record_keys.tsv), other string
 * and number fields as "key: value" lines, nested values recursively. */
int scan_record_to_text(char **out, size_t *out_len, const json_t *record, const json_t *keymap);
/* One JSON Lines record (a flat object: string, number, boolean and null values) → the text
 * scan_record_to_text writes for it, without building a JSON tree (record_fast.c). 1 when the
 * line is anything else (nested values, repeated keys, malformed …): the caller parses it with
 * jansson. `line` must be valid UTF-8. */
int scan_record_line_text(char **out, size_t *out_len, const char *line, size_t len,
                          const json_t *keymap);
/* The key map compiled for scan_record_keys_text: its entries in the map's order and a hash
 * table of them, so a record's keys are looked up without jansson (xg_scanner_new builds it). */
typedef struct scan_keys scan_keys;
int scan_keys_new(scan_keys **out, const json_t *keymap);
void scan_keys_free(scan_keys *k);
/* scan_record_line_text with the key map compiled: the same text, the same declines. */
int scan_record_keys_text(char **out, size_t *out_len, const char *line, size_t len,
                          const scan_keys *keys);
/* One JSON object of any nesting (objects, arrays, strings, numbers, booleans, null) → the text
 * scan_record_to_text writes for it, without a JSON tree (record_fast.c); the same declines as
 * scan_record_keys_text otherwise, and nesting deeper than 16 or an object of more than 256
 * members declines too. With `used` NULL the text must be the object alone (white space around
 * it); otherwise what follows the object is left, and *used is where it ends. */
int scan_record_nested_keys_text(char **out, size_t *out_len, const char *text, size_t len,
                                 const scan_keys *keys, size_t *used);
/* The same with the key map as a JSON object (tests, fuzzing). */
int scan_record_nested_text(char **out, size_t *out_len, const char *line, size_t len,
                            const json_t *keymap);
/* ---- office documents (office.c) ---- */
#define SCAN_OFFICE_MAX_PART (32u << 20)   /* bytes one XML part may expand to */
#define SCAN_OFFICE_MAX_TOTAL (128u << 20) /* bytes all parts and the text may reach */
#define SCAN_OFFICE_MAX_RATIO 200u         /* stated size : compressed size, over 1 MiB */
#define SCAN_OFFICE_MAX_CELLS 500000u      /* table cells (and shared strings) per document */
#define SCAN_OFFICE_MAX_ENTRIES 20000u     /* entries in the archive */
/* Starts like a ZIP archive (local file header). */
int scan_is_zip(const char *bytes, size_t len);
/* DOCX, XLSX, ODT or ODS bytes → text (paragraph lines, cells joined with " | ", rows as lines);
 * *kind = "docx", "xlsx", "odt" or "ods". XG_EFORMAT with a one-line reason for a broken archive,
 * a zip bomb, a table too large or another kind of ZIP. */
int scan_office_to_text(char **out, size_t *out_len, const char **kind, const char *bytes,
                        size_t len);

/* libxml2's global state, set up once before threads parse (xg_scanner_new calls it). */
void scan_structure_init(void);
/* Load data/scan/record_keys.tsv into a JSON object key → heading. */
int scan_keymap_load(json_t **out, const char *path);

/* ---- fields ---- */
typedef struct scan_arith {
    char *expr; /* arena string, or NULL */
    size_t from, to;
} scan_arith;

typedef struct scan_fields {
    char *project_number, *title, *buyer, *agency, *supplier, *date;
    double amount_cny;      /* < 0: none */
    double currency_amount; /* < 0: none */
    char currency[8];
    double tokens, gpus, servers, gpu_hours; /* < 0: none */
    const char *notice_type;
    const char *language;
    size_t buyer_off, supplier_off; /* offsets of the values in text (for evidence) */
    /* quantities worked out rather than read: the arithmetic ("500 × 8 = 4000") and the span of
     * the first phrase it came from, for the evidence; NULL when the value was read as written */
    scan_arith gpus_arith, tokens_arith, gpu_hours_arith;
} scan_fields;

typedef struct scan_patterns scan_patterns;
int scan_patterns_new(scan_patterns **out);
void scan_patterns_free(scan_patterns *p);
/* The field gate (fields.c) on (the default) or off for patterns compiled from now on: off, every
 * pattern runs on every document (tests compare the two). */
void scan_patterns_set_gate(int on);
/* Patterns sharing `src`'s compiled code with their own match data (one per thread); `src` must
 * outlive them. */
int scan_patterns_clone(scan_patterns **out, const scan_patterns *src);
/* How many bytes of t[0..n) are lead bytes of U+3000–U+9FFF (0xE3–0xE9, Han and CJK
 * punctuation) and how many are ASCII letters: what the document's language is read from.
 * scan_count_letters uses SSE2 where the compiler has it; the portable one is the same counts. */
void scan_count_letters(const char *t, size_t n, size_t *han, size_t *latin);
void scan_count_letters_portable(const char *t, size_t n, size_t *han, size_t *latin);
/* atoi's value of the digits opening s[0, n) (a date's year, month or day as the field patterns
 * capture them; the digits may run on past the capture): strtol's, saturated at LONG_MAX, as an
 * int — without strtol's locale and sign handling. */
int scan_leading_int(const char *s, size_t n);
/* Extract fields from doc (strings are arena copies taken from doc->orig where aligned). */
int scan_fields_extract(scan_fields *f, xg_arena *a, const scan_patterns *p, const scan_doc *doc);
/* The gate's literals and flags (malloc'd arrays, *n 0 when there is no gate), for the lexicon
 * to compile into its database (lx_load_gated). Its pass then gates a document: scan_gate_begin,
 * scan_gate_hit for each literal found (an lx_gate_fn, ctx the patterns), scan_gate_end (ok 0:
 * the pass failed, every pattern runs); the next scan_fields_extract of that document uses it. */
int scan_patterns_gate_literals(const scan_patterns *p, const char ***lits, unsigned **flags,
                                size_t *n);
void scan_gate_begin(const scan_patterns *p, const scan_doc *d);
void scan_gate_hit(void *p, unsigned lit, unsigned long long to);
void scan_gate_end(const scan_patterns *p, const scan_doc *d, int ok);
/* Organisation names named in the text (English capitalised sequences ending in University,
 * Institute …; Han names ending in 大学, 研究院 … standing alone). Arena strings. */
int scan_orgs_extract(xg_vec *names, xg_arena *a, const scan_patterns *p, const scan_doc *doc);
/* Latin model names written before 大模型/模型 ("GeoGPT大模型"). Arena strings. */
int scan_model_names(xg_vec *names, xg_arena *a, const scan_patterns *p, const scan_doc *d);
/* Parse an amount expression ("20.0000万元", "伍拾万元整", "￥668.79 万元", "港币一百二十万元",
 * "HK$1.2 million"): value and currency code ("CNY" by default). 0 on success. */
int scan_parse_amount(const char *s, size_t len, double *value, char currency[8]);
/* Chinese numeral (一百二十万, 伍拾万, 三千万, 4000万) → value; returns chars consumed or 0. */
size_t scan_parse_cn_number(const char *s, size_t len, double *value);

/* Evidence snippets reach this many bytes either side of a match (less at the text's ends; the
 * start moves forward by at most 3 bytes to a character boundary), so the report can find the
 * match inside a snippet from its offset alone. */
#define SCAN_SNIPPET_BYTES 90

/* ---- linking and the network ---- */
/* Combined results as xg_scan_findings builds them (one per linked group or unlinked document),
 * in corpus order, unsorted; `all` 0 keeps only those worth reporting (flagged or medium/high
 * risk), 1 keeps every one. New reference. */
json_t *scan_combined(const json_t *docs, int all);
/* The link key of a document from its fields (xg_scan_link_key), a heap string or NULL. */
char *scan_link_key_of(const char *project_number, const char *buyer, const char *title);
/* xg_scan_link_indices, also marking in grouped[i] (n bytes, zeroed by the caller; may be NULL)
 * the documents that belong to a group of two or more (xg_scan_link sets "linked" on those). */
int scan_link_indices(size_t **offsets, size_t **targets, size_t *groups, unsigned char *grouped,
                      const char *const *keys, const uint64_t *fps, size_t n);

/* The report's network section: the network chart (SVG) and the tables of ranked intermediaries
 * and repeat buyers, each claim with its documents (linked to their evidence in the page when
 * `shown` has them: document name → true). */
int scan_report_network(xg_buf *b, const json_t *docs, const json_t *net, const json_t *shown);

/* ---- scanner ---- */
struct xg_scanner {
    lx_lexicon lex;
    uint32_t *fold; /* XG_FOLD_END - XG_FOLD_BASE entries */
    scan_patterns *pat;
    const xg_snapshot *snap;
    const xg_catalog *catalog;
    char as_of[11];
    json_t *keymap;           /* portal record keys → headings */
    scan_keys *keys;          /* keymap compiled (scan_keys_new) */
    json_t *item_cache;       /* canonical → eccn or null */
    json_t *screen_cache;     /* name → screening array */
    const xg_scanner *parent; /* a clone (xg_scanner_clone): fold table and keymap are its */
    int all;                  /* the full pipeline on every document (xg_scanner_set_all) */
    xg_arena arena;           /* a document's allocations, reset after each document */
    /* xg_scan_file_text: results written as text into `line`, given to `sink` */
    xg_scan_text_fn sink;
    void *sink_ctx;
    const char *sink_encoding;      /* the "encoding" written instead of the decoder's ("pdf") */
    xg_buf line, mentions, parties; /* reused for every document */
    json_t *screen_text;            /* name → its screening array as JSONL text (a JSON string) */
};

#endif
