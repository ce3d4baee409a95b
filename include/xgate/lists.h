/*
 * xgate/lists.h — restricted-party list files and the records they hold.
 *
 * Loaders detect the format from content (not the file name): the trade.gov Consolidated Screening
 * List CSV and JSON (consolidated.json, {"results": […]}), OFAC's non-SDN files (cons_prim.csv with
 * cons_alt.csv and cons_add.csv, the SDN layout), the OFAC SDN legacy CSV triple (sdn.csv with
 * alt.csv and add.csv beside it; a path may name sdn.csv or its directory), the UN Security Council
 * consolidated XML, xgate CSV (in-house lists with parent links) and a plain name list (one name
 * per line).
 *
 * A loaded set is immutable: every string in it is owned by the set and lives until
 * xg_listset_free(). A malformed file is an error naming file, line and problem, unless
 * XG_LOAD_LENIENT is given, in which case bad rows are skipped and each is reported in
 * xg_listset.skipped. Nothing is half-loaded in silence.
 */
#ifndef XGATE_LISTS_H
#define XGATE_LISTS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

typedef enum {
    XG_PARTY_UNKNOWN = 0,
    XG_PARTY_ENTITY,
    XG_PARTY_INDIVIDUAL,
    XG_PARTY_VESSEL,
    XG_PARTY_AIRCRAFT
} xg_party_type;

/* "entity", "individual", "vessel", "aircraft" or "unknown". */
const char *xg_party_type_name(xg_party_type t);

typedef struct xg_ident {
    const char *scheme;  /* upper-case scheme: "USCC", "PASSPORT", "REGISTRATION", "LEI", … */
    const char *value;   /* as published */
    const char *country; /* ISO-2 or NULL */
} xg_ident;

typedef struct xg_record {
    const char *id;     /* id as in its source: CSL _id, SDN ent_num, UN DATAID, xgate id */
    const char *source; /* source list as published, e.g. "Entity List (EL) - Bureau of Industry and
                           Security" */
    const char *source_code; /* short code: SDN, EL, MEU, UVL, DPL, SSI, FSE, PLC, ISN, DTC, UN,
                                1260H, EU833, … */
    xg_party_type type;
    const char *name; /* primary name */
    const char **aliases;
    size_t naliases;
    const char **countries; /* ISO 3166-1 alpha-2, upper case, deduplicated */
    size_t ncountries;
    xg_ident *ids;
    size_t nids;
    const char **addresses;
    size_t naddresses;
    const char **programs;
    size_t nprograms;
    const char *start_date; /* YYYY-MM-DD or NULL */
    const char *end_date;   /* YYYY-MM-DD or NULL; past it the record is delisted */
    const char *parent;     /* parent's name as written, or NULL */
    double parent_percent;  /* < 0 when unknown */
    const char *remarks;
    const char *file; /* file it came from */
    long line;        /* line (or XML element index) in that file */
} xg_record;

typedef struct xg_skipped_row {
    const char *file;
    long line;
    const char *problem;
} xg_skipped_row;

typedef struct xg_list_file {
    const char *path;
    const char *format; /* "csl", "csl_json", "ofac_sdn", "ofac_cons", "sdn_xml", "un_xml",
                           "xgate_csv", "names" */
    size_t records;
    const char *note; /* remark for `lists info` (e.g. "add.csv missing"), or NULL */
    char sha256[65]; /* SHA-256 (hex) of the bytes read for this entry (an SDN triple: all three) */
} xg_list_file;

typedef struct xg_source_count {
    const char *source_code;
    const char *source;
    size_t records;
} xg_source_count;

typedef struct xg_listset {
    xg_record *records;
    size_t nrecords;
    xg_list_file *files;
    size_t nfiles;
    xg_source_count *sources; /* per source list, in first-seen order */
    size_t nsources;
    xg_skipped_row *skipped; /* only with XG_LOAD_LENIENT */
    size_t nskipped;
    char hash[65]; /* SHA-256 (hex) over the content of every file read, in order */
    void *priv;    /* owned memory */
} xg_listset;

enum { XG_LOAD_LENIENT = 1 };

/* Load every path (a file, or a directory holding an SDN triple) into one set. On error *out is
 * untouched and the message names file, line and problem. */
int xg_lists_load(xg_listset **out, const char *const *paths, size_t npaths, int flags);

/* The default bundled lists (data/lists/…), as paths into the data directory. Returns a
 * NULL-terminated static array. */
const char *const *xg_lists_default_paths(void);

/* Detect the format of one file from its content; returns a format name as in xg_list_file, or
 * NULL with XG_EFORMAT set when unknown. */
int xg_lists_detect(const char **format_out, const char *path);

void xg_listset_free(xg_listset *set);

/* The identifier scheme for an identifier type as published or typed, by
 * data/lists/id_schemes.tsv ("Unified Social Credit Code" → "USCC", "Passport No." → "PASSPORT"):
 * the scheme the loaders give xg_ident.scheme. An unknown type comes back upper-cased with '_'
 * between its words, a type the table marks as no identifier as "". Written into out[size];
 * XG_ETOOBIG when it does not fit (256 bytes always do). */
int xg_lists_id_scheme(char *out, size_t size, const char *type);

/* 1 when `scheme` is one of data/lists/id_schemes.tsv's schemes (USCC, PASSPORT …), else 0. */
int xg_lists_id_scheme_known(const char *scheme);

/* True when the record's end date is before `as_of` (YYYY-MM-DD). */
int xg_record_is_delisted(const xg_record *r, const char *as_of);

/* ---- differences between two versions of a list ---- */

/* Fields of an entry that can change between versions (bits of xg_diff_entry.fields). */
enum {
    XG_DIFF_NAME = 1 << 0,
    XG_DIFF_ALIASES = 1 << 1,
    XG_DIFF_IDS = 1 << 2,
    XG_DIFF_ADDRESSES = 1 << 3,
    XG_DIFF_PROGRAMS = 1 << 4,
    XG_DIFF_COUNTRIES = 1 << 5,
    XG_DIFF_DATES = 1 << 6,
    XG_DIFF_TYPE = 1 << 7,
    XG_DIFF_SOURCE = 1 << 8
};
#define XG_DIFF_NFIELDS 9

/* "names", "aliases", "identifiers", "addresses", "programs", "countries", "dates", "type",
 * "source" for one bit; NULL for anything else. */
const char *xg_diff_field_name(unsigned bit);

typedef enum { XG_DIFF_ADDED, XG_DIFF_REMOVED, XG_DIFF_CHANGED } xg_diff_kind;

typedef struct xg_diff_entry {
    xg_diff_kind kind;
    const char *id;              /* the entry's stable id (SDN ent_num, CSL _id, UN DATAID …) */
    const xg_record *old_record; /* NULL when added */
    const xg_record *new_record; /* NULL when removed */
    unsigned fields;             /* XG_DIFF_* bits, for a changed entry */
} xg_diff_entry;

typedef struct xg_lists_diff_result {
    xg_diff_entry *entries; /* sorted by id */
    size_t nentries;
    size_t added, removed, changed, unchanged;
} xg_lists_diff_result;

/* Compare two sets entry by entry, keyed by each record's id (ids are unique within a file; when
 * the sets hold several files an id is keyed with its source code, "SDN:123"). Aliases,
 * identifiers, addresses, programs and countries compare as sets (order does not matter). The
 * result points into both sets: keep them until xg_lists_diff_free. */
int xg_lists_diff(xg_lists_diff_result **out, const xg_listset *old_set, const xg_listset *new_set);
void xg_lists_diff_free(xg_lists_diff_result *d);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
