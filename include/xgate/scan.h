/*
 * xgate/scan.h — tender and procurement documents scanned for restricted US compute and models.
 *
 * A scanner holds the lexicon (data/scan/lexicon.tsv) compiled once into one Hyperscan database,
 * the PCRE2 field patterns, the traditional→simplified table and borrowed references to a list
 * snapshot (screening of buyer, supplier and organisations mentioned) and the hardware catalog
 * (which chips and instances are 3A090/4A090). Either may be NULL: then parties are not screened,
 * or no item counts as restricted; the result says so in each party's or item's entry.
 *
 * Reading: xg_scan_bytes takes one file's bytes, detects PDF, binary, UTF-8 / UTF-16 / GB18030 /
 * Big5, HTML and JSON/JSONL portal records (one document per record, named FILE#N from 1), and
 * normalises the text (NFKC, traditional folded to simplified, stray spaces inside CJK runs
 * removed). Offsets in evidence are byte offsets into that normalised UTF-8 text.
 *
 * A scanner is immutable after xg_scanner_new except for its Hyperscan scratch space: use one
 * scanner per thread.
 */
#ifndef XGATE_SCAN_H
#define XGATE_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "xgate/classify.h"
#include "xgate/screen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

typedef struct xg_scanner xg_scanner;

/* Build a scanner. `lexicon_path` NULL: the bundled data/scan/lexicon.tsv. `snap` and `catalog`
 * are borrowed (may be NULL) and must outlive the scanner. XG_EPARSE names the lexicon line at
 * fault; XG_EINTERNAL carries Hyperscan's or PCRE2's compile message. Free with xg_scanner_free. */
int xg_scanner_new(xg_scanner **out, const char *lexicon_path, const xg_snapshot *snap,
                   const xg_catalog *catalog);
void xg_scanner_free(xg_scanner *s);

/* A scanner for another thread: it shares `src`'s lexicon database, field patterns, tables, list
 * snapshot and catalog (all read-only) and has its own Hyperscan scratch, match data and caches.
 * `src` must not be freed or changed (set_as_of, set_all) while clones exist; free each clone
 * with xg_scanner_free. */
int xg_scanner_clone(xg_scanner **out, const xg_scanner *src);

/* The full pipeline on every document (1) or only where the lexicon matched (0, the default).
 * Every document gets its fields (linking needs them) and its buyer and supplier screened; the
 * search for organisations and model names in the body runs only on documents where some lexicon
 * term matched, unless `all` is set. Copied by xg_scanner_clone. */
void xg_scanner_set_all(xg_scanner *s, int all);

/* Set the list snapshot and catalog after xg_scanner_new (either may be NULL; borrowed, as in
 * xg_scanner_new), so that a caller can load them while the lexicon compiles. Clears the caches.
 * Not while clones exist. */
void xg_scanner_set_refs(xg_scanner *s, const xg_snapshot *snap, const xg_catalog *catalog);

/* Number of lexicon terms compiled (for reports and tests). */
size_t xg_scanner_nterms(const xg_scanner *s);

/* The "as of" date used for classification and screening (YYYY-MM-DD; NULL = today). The string
 * is copied. */
int xg_scanner_set_as_of(xg_scanner *s, const char *as_of);

/* Scan one file's bytes. *out receives a new JSON array of document results (one element for a
 * text, HTML or PDF file; one per record for JSON/JSONL). Each element has exactly the keys
 * "document", "language", "encoding", "notice_type", "flagged", "risk", "score", "signals",
 * "providers", "chips", "instances", "models", "mentions", "fields", "parties", "items", "linked"
 * (see docs/scan.md). `name` names the documents. XG_EFORMAT for binary or undecodable
 * input, XG_EPARSE for malformed JSON (message names the file and line). */
int xg_scan_bytes(json_t **out, xg_scanner *s, const char *name, const char *bytes, size_t len);

/* Scan one decoded UTF-8 text as one document (no format detection; normalisation still runs).
 * `encoding` is recorded as given (NULL: "utf-8"). *out receives one new JSON object. */
int xg_scan_document(json_t **out, xg_scanner *s, const char *name, const char *utf8, size_t len,
                     const char *encoding);

/* Read a file (PDF through `pdftotext` when installed; XG_EFORMAT with a message when it is not)
 * and scan it as xg_scan_bytes does. `max_bytes` 0 = 256 MiB. */
int xg_scan_file(json_t **out, xg_scanner *s, const char *path, size_t max_bytes);

/* Link documents in `docs` (an array of results) that share a project number, or buyer and
 * title: each gets "linked": [the names of the group's other notices]. Documents whose results are
 * identical apart from their name (the same notice reposted or replicated) are copies: only the
 * first of each content is linked to, so a copy links to its original and the other notices, and
 * N copies give N links, not N². Returns the number of groups in which something was linked. */
size_t xg_scan_link(json_t *docs);

/* Linking without the documents' trees, for a caller that keeps each result only as the text it
 * prints (the JSONL of `xgate scan --json`). xg_scan_link_key: the key by which xg_scan_link
 * groups `doc` (its project number, or else its buyer and title), a heap string (free()), or NULL
 * when it has neither. xg_scan_fingerprint: its content fingerprint (every key but "document",
 * "linked" and the items; equal for copies); both depend only on the result, so they may be taken
 * as soon as a document is scanned. */
char *xg_scan_link_key(const json_t *doc);
uint64_t xg_scan_fingerprint(const json_t *doc);

/* One document's result as the text `xgate scan --json` prints, written by the scanner straight
 * from what it found, without a JSON tree (xg_scan_file_text). `line` holds the bytes jansson's
 * json_dumps(JSON_COMPACT | JSON_REAL_PRECISION(12)) gives for the document xg_scan_file would
 * return, cut after the key of its last member: it ends with `"linked":`, the caller writing the
 * links and `}`. `name` is the document's name (its "document"), `key` what xg_scan_link_key gives
 * for it (NULL: none) and `fingerprint` a content fingerprint equal for documents whose results
 * are identical apart from their name, comparable only with other fingerprints of this function
 * (for xg_scan_link_indices). Everything is borrowed for the duration of the call. */
typedef struct xg_scan_text {
    const char *line;
    size_t len;
    const char *name;
    size_t name_len;
    const char *key;
    uint64_t fingerprint;
} xg_scan_text;
/* Called once per document, in document order; nonzero stops the scan with that error code. */
typedef int (*xg_scan_text_fn)(void *ctx, const xg_scan_text *doc);

/* xg_scan_file with each document given to `fn` as text instead of a tree (the same documents,
 * formats, messages and errors). A file that fails part-way may have given some documents to
 * `fn` already: the caller discards them, as xg_scan_file discards the file's results. */
int xg_scan_file_text(xg_scanner *s, const char *path, size_t max_bytes, xg_scan_text_fn fn,
                      void *ctx);

/* The links xg_scan_link would set, for `n` documents given by their keys (NULL: none) and
 * fingerprints, in document order: the documents linked to document i are
 * (*targets)[(*offsets)[i]] up to (*targets)[(*offsets)[i + 1]] (indices into the n, in the
 * order of the "linked" array; *offsets has n + 1 entries). Both arrays are heap (free()).
 * *groups (may be NULL) receives what xg_scan_link returns. 0 or XG_ENOMEM. */
int xg_scan_link_indices(size_t **offsets, size_t **targets, size_t *groups,
                         const char *const *keys, const uint64_t *fingerprints, size_t n);

/* Combined findings: one object per linked group or unlinked document that is flagged or of
 * medium/high risk, highest risk and score first: {"documents", "flagged", "risk", "score",
 * "project_number", "title", "buyer", "agency", "supplier" (the intermediary, from the award
 * notice), "amount_cny", "currency_amount", "date", "providers", "chips", "instances", "models",
 * "signals" (unions), "listed": [{"role", "name", "match", "source", "score"}], "duplicates" (how
 * many further documents of the group were identical copies of those in "documents")}. New
 * reference. */
json_t *xg_scan_findings(const json_t *docs);

/* Every linked group and unlinked document combined, as xg_scan_findings' objects but all of them
 * (also those neither flagged nor risky) and unsorted: what both the findings and the network are
 * made of. A run that shows findings, network and report combines once (xg_scan_findings_of,
 * xg_scan_network_of, xg_scan_report_html_findings) instead of once for each. New reference; NULL
 * when `docs` is not an array or memory runs out. */
json_t *xg_scan_combined(const json_t *docs);

/* xg_scan_link, then xg_scan_combined, with the documents' fingerprints computed once for both.
 * *groups (may be NULL) receives what xg_scan_link returns. New reference; NULL as there. */
json_t *xg_scan_link_combined(json_t *docs, size_t *groups);

/* xg_scan_findings from xg_scan_combined's result: the same array (new reference). */
json_t *xg_scan_findings_of(const json_t *combined);

/* Write a self-contained HTML report (inline CSS and SVG charts by provider, chip, buyer and month;
 * each finding linked to its evidence) for `docs` into a heap string (*out, free()). */
int xg_scan_report_html(char **out, const json_t *docs, const char *title);

/* Decoding only (exposed for tests and fuzzing): detect the encoding of `bytes` and return the
 * decoded, normalised UTF-8 text (*out, free()) and the encoding name (static string). */
int xg_scan_decode(char **out, size_t *out_len, const char **encoding, const xg_scanner *s,
                   const char *bytes, size_t len);

/* ---- the intermediary network (docs/scan.md, "The intermediary network") ---- */

/* The network across `docs` (results after xg_scan_link): every combined result that is flagged
 * or of risk other than "none" is a deal — the buyer bought from the supplier (the intermediary),
 * who resells the providers and models named, or the buyer uses them directly. *out = {"nodes":
 * [{"id","key","kind" (buyer|supplier|provider|model),"roles","name","names" (every spelling),
 * "listed" ({"match","source","score"}|null),"flagged","deals","documents"}], "edges": [{"source",
 * "target","kind" (buys_from|resells|uses),"deals","flagged","amount_cny","dates","what",
 * "documents"}], "intermediaries": [ranked claims: {"rank","node","name","names","listed",
 * "buyers","listed_buyers","flagged_buyers","listed_or_flagged_buyers","deals","amount_cny",
 * "served": [{"node","name","listed","flagged","deals","amount_cny","documents"}],"documents"}],
 * "repeat_buyers": [{"node","name","names","listed","purchases","intermediaries","why"
 * (repeatedly|several_intermediaries),"amount_cny","deals","documents"}]}. Organisation names are
 * resolved with `ctx` (NULL: folded names, same script only). New reference. */
int xg_scan_network(json_t **out, const json_t *docs, const xg_text_ctx *ctx);

/* xg_scan_network from xg_scan_combined's result (the same network). */
int xg_scan_network_of(json_t **out, const json_t *combined, const xg_text_ctx *ctx);

/* The network as GraphML (UTF-8 XML for Gephi and yEd; node and edge attributes declared as
 * <key>s) in a heap string (*out, free()). */
int xg_scan_network_graphml(char **out, const json_t *net);

/* xg_scan_report_html with the network drawn (an SVG network chart and the tables of ranked
 * intermediaries and repeat buyers); `net` from xg_scan_network (NULL: built without a text
 * context). */
int xg_scan_report_html_network(char **out, const json_t *docs, const json_t *net,
                                const char *title);

/* xg_scan_report_html_network with the findings already made (xg_scan_findings or
 * xg_scan_findings_of; NULL: made here). */
int xg_scan_report_html_findings(char **out, const json_t *docs, const json_t *findings,
                                 const json_t *net, const char *title);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
