/*
 * xgate/usage.h — compute accounting: billing usage turned into training compute per customer
 * and per ultimate parent (issue 14).
 *
 * A usage row says that a customer ran `count` × `item` (a chip, system or cloud instance type the
 * catalog knows) for some hours starting at a time. Its estimate:
 *   accelerators = count × accelerators per item (catalog)
 *   peak op/s per accelerator = TPP ÷ 16 × 10^12 (the dense 16-bit rate the TPP encodes)
 *   peak operations = accelerators × peak op/s × seconds
 *   operations = peak operations × utilisation, a range low..high (data/policy/utilisation.tsv)
 * Rows are stored keyed by a hash of their content, so importing a file twice adds nothing.
 * Thresholds (data/policy/compute_thresholds.tsv) are compared with the high estimate.
 *
 * Three layers: parsing (rows from xgate CSV/JSONL or an AWS CUR 2.0 export, streamed in bounded
 * memory), importing (catalog + store, one transaction per file) and reporting (JSON).
 * Memory: every returned json_t is a new reference owned by the caller; strings in callbacks are
 * borrowed for the duration of the call.
 */
#ifndef XGATE_USAGE_H
#define XGATE_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "xgate/classify.h"
#include "xgate/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

/* ---- configuration (data files) ---- */

typedef struct xg_usage_threshold {
    char *key;      /* "eo14110_training" … */
    double ops;     /* operations */
    char *role;     /* "reporting" or "early_warning" */
    char *status;   /* "revoked", "proposed", "provider policy" … */
    char *date;     /* date of the source or of its status */
    char *citation; /* where the number comes from */
} xg_usage_threshold;

typedef struct xg_usage_config {
    double util_low, util_high; /* utilisation range, 0 < low ≤ high ≤ 1 */
    int window_days;            /* the sliding window (90) */
    xg_usage_threshold *thresholds;
    size_t nthresholds;
} xg_usage_config;

/* Load data/policy/utilisation.tsv and data/policy/compute_thresholds.tsv from `data_dir` (NULL:
 * xg_data_dir()). XG_EPARSE naming file and line for a bad row. Free with xg_usage_config_free. */
int xg_usage_config_load(xg_usage_config **out, const char *data_dir);
void xg_usage_config_free(xg_usage_config *c);
/* The early-warning threshold (role "early_warning"), or NULL when the file has none. */
const xg_usage_threshold *xg_usage_early_warning(const xg_usage_config *c);

/* ---- estimate ---- */

typedef struct xg_usage_estimate {
    const char *canonical;  /* catalog name of the item (borrowed from the catalog) */
    const char *eccn_class; /* "3A090.a", "3A090.b" or "none" (of the accelerator chip) */
    double accelerators;    /* count × accelerators per item */
    double peak_ops_per_s;  /* per accelerator: TPP / 16 × 10^12 */
    double accel_hours;     /* accelerators × hours */
    double peak_ops;        /* accelerators × peak op/s × seconds */
} xg_usage_estimate;

/* Estimate `count` × `item` for `hours`. XG_ENOTFOUND for an item the catalog does not know,
 * XG_EINVAL for a model service or an item without a TPP, or a negative count or hours. */
int xg_usage_estimate_item(xg_usage_estimate *out, const xg_catalog *cat, const char *item,
                           double count, double hours);

/* ---- parsing ---- */

/* One row as read (before the catalog or the store are asked). Times are Unix seconds. */
typedef struct xg_usage_row {
    const char *customer; /* id or legal name (xgate formats), or mapped from the CUR account */
    const char *item;     /* instance type or chip */
    double count;         /* ≥ 0 */
    int64_t start, end;   /* end == start when only hours were given */
    double hours;         /* ≥ 0 */
    const char *region;   /* NULL when absent */
    const char *account;  /* NULL when absent */
    const char *resource; /* CUR line_item_resource_id, NULL when absent */
    bool from_cur;        /* read from a CUR export */
    bool cur_accelerator; /* CUR: the instance family is an accelerator family (p, g, trn, inf,
                             dl): when the catalog does not know it, it is an unknown item */
} xg_usage_row;

/* The outcome of one line: a row, or a reason it was skipped (not accelerator usage; `row` NULL,
 * `error` NULL, `skipped` set), or an error (`row` NULL, `error` the message). */
typedef int (*xg_usage_row_cb)(void *ud, const xg_usage_row *row, long line, const char *skipped,
                               const char *error);

/* account → customer map for CUR imports (CSV "account,customer"). */
typedef struct xg_usage_accounts xg_usage_accounts;
int xg_usage_accounts_load(xg_usage_accounts **out, const char *path);
/* The same from a buffer; `name` is used in messages. */
int xg_usage_accounts_parse(xg_usage_accounts **out, const char *data, size_t len,
                            const char *name);
void xg_usage_accounts_free(xg_usage_accounts *a);

/* Stream rows from `f` (xgate CSV, xgate JSONL or AWS CUR 2.0 CSV, told by the first line) and
 * call `cb` once per data line. Memory stays bounded by the longest line (≤ 1 MiB). `accounts`
 * maps CUR accounts (NULL: a CUR row's customer is its account id). `progress`, when not NULL, is
 * called with the bytes read every 64k lines. Returns 0, a negative XG_E* code for an unreadable
 * stream or an unknown header (XG_EFORMAT, naming the columns it needs), or the callback's
 * non-zero value. Bad lines go to the callback, never stop the stream. */
int xg_usage_parse_stream(FILE *f, const char *name, const xg_usage_accounts *accounts,
                          xg_usage_row_cb cb, void *ud, void (*progress)(void *, uint64_t));
/* The same over a buffer in memory. */
int xg_usage_parse_buf(const char *data, size_t len, const char *name,
                       const xg_usage_accounts *accounts, xg_usage_row_cb cb, void *ud);

/* Parse an ISO 8601 time "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]" into Unix seconds (UTC). */
int xg_usage_parse_time(int64_t *out, const char *s);

/* ---- import ---- */

typedef struct xg_usage_import_stats {
    long rows;              /* data lines seen */
    long added;             /* rows stored (new) */
    long duplicates;        /* rows already stored (same content) */
    long not_accelerator;   /* CUR rows skipped: not accelerator usage */
    long unknown_items;     /* items the catalog does not know */
    long unknown_customers; /* customers (or CUR accounts) not on file */
    long negative;          /* negative count or hours, end before start */
    long overlapping;       /* same customer, item, account, region (and resource) overlapping */
    long malformed;         /* other bad lines */
    json_t *problems;       /* [{"line","kind","message"}], the first 1000 (owned) */
} xg_usage_import_stats;

/* Bad lines (unknown items and customers, negative, overlapping, malformed). */
long xg_usage_import_bad(const xg_usage_import_stats *st);

typedef struct xg_usage_import_opts {
    const xg_usage_accounts *accounts; /* CUR account → customer map (NULL: none) */
    bool keep_good; /* commit the good rows even when some lines are bad (default: a file
                       with a bad line is rolled back whole) */
    void (*progress)(void *ud, uint64_t bytes);
    void *progress_ud;
} xg_usage_import_opts;

/* Import one file (stream `f`, named `name` in messages and stored with each row) into the store
 * in one transaction. With bad lines and !keep_good nothing is stored and XG_EPARSE is returned
 * (the stats say which lines); otherwise 0. `st` is filled either way (free st->problems with
 * json_decref). */
int xg_usage_import_stream(xg_usage_import_stats *st, xg_store *s, const xg_catalog *cat, FILE *f,
                           const char *name, const xg_usage_import_opts *opts);
/* The same for a JSON array of row objects (fields as in the JSONL format), e.g. POST /v1/usage. */
int xg_usage_import_json(xg_usage_import_stats *st, xg_store *s, const xg_catalog *cat,
                         const json_t *rows, const char *name, const xg_usage_import_opts *opts);
/* The stats as JSON {"file","rows","added",…,"problems":[…]} (new reference). */
json_t *xg_usage_import_stats_json(const xg_usage_import_stats *st, const char *name);

/* ---- report ---- */

typedef struct xg_usage_report_opts {
    const char *from;     /* YYYY-MM-DD inclusive, NULL: open */
    const char *to;       /* YYYY-MM-DD inclusive, NULL: open */
    const char *customer; /* id or name, NULL: all */
    size_t max_rows;      /* rows listed per crossed threshold (0: 20) */
} xg_usage_report_opts;

/* Build the report: {"period":{"from","to"},"utilisation":{"low","high"},"window_days",
 * "customers":[…],"parents":[…]}. Each customer: "customer" (id), "name", "country",
 * "headquarters", "foreign", "ultimate_parent", "accelerator_hours" {"total","3A090.a","3A090.b",
 * "none"}, "ops_low", "ops_high", "window" {"from","to","ops_low","ops_high"} (the largest
 * `window_days` window by start day), "thresholds_crossed" [{"key","ops","role","status",
 * "citation","in_window","rows":[{"file","line","item","accelerator_hours","ops_high"}],
 * "rows_total"}], "series" [{"day","3A090.a","3A090.b","none"}] (accelerator-hours per day).
 * Parents aggregate every customer whose ultimate parent they are, with "subsidiaries". */
int xg_usage_report(json_t **out, xg_store *s, const xg_usage_config *cfg,
                    const xg_usage_report_opts *opts);

/* The report as CSV (one line per customer and parent: kind, customer, name, country, foreign,
 * accelerator_hours total and per class, ops_low, ops_high, window ops_high, thresholds crossed)
 * or as a standalone HTML page with an SVG chart per customer and parent (accelerator-hours over
 * time, stacked by class). *out is a heap string. */
int xg_usage_report_csv(char **out, const json_t *report);
int xg_usage_report_html(char **out, const json_t *report);

/* The chart of one entry of a report (a customer or a parent): accelerator-hours over time stacked
 * by class, as the HTML report draws it — an HTML fragment, <figure class="xg-chart"> holding a
 * caption and a well-formed inline <svg> (every text escaped; see src/core/chart.h for the markup).
 * An entry without usage gets its caption and "none". *out is a heap string. */
int xg_usage_entry_chart(char **out, const json_t *entry);

/* The high estimate over the last `window_days` before `as_of` (YYYY-MM-DD, NULL: today) of a
 * customer named by id or legal name (0 when it has no usage or is not on file). For the decide
 * rule. */
int xg_usage_customer_ops(double *ops_high, xg_store *s, const xg_usage_config *cfg,
                          const char *customer, const char *as_of);

/* ---- store (src/store/usage.c) ---- */

/* A stored usage row (what the importer writes). */
typedef struct xg_usage_record {
    const char *hash; /* content key, hex */
    const char *customer_id;
    const char *item; /* canonical */
    const char *eccn_class;
    double accelerators, hours, accel_hours, peak_ops;
    int64_t start, end;
    const char *region, *account, *file;
    long line;
} xg_usage_record;

/* An import transaction: holds the store's lock from begin to commit or rollback. */
typedef struct xg_usage_txn xg_usage_txn;
int xg_store_usage_begin(xg_usage_txn **out, xg_store *s);
/* Resolve a customer by id, else by legal name: *id_out (heap). XG_ENOTFOUND when not on file. */
int xg_store_usage_customer(char **id_out, xg_usage_txn *t, const char *id_or_name);
/* Insert; *added = 1 when new, 0 when a row with that hash is stored already. */
int xg_store_usage_add(xg_usage_txn *t, const xg_usage_record *r, int *added);
int xg_store_usage_commit(xg_usage_txn *t);
void xg_store_usage_rollback(xg_usage_txn *t);

/* Daily sums per customer and class, rows starting in [from, to) (Unix seconds; 0/INT64_MAX
 * open), ordered by customer then day: cb(ud, customer_id, day (Unix day number), class,
 * accel_hours, peak_ops). `customer_id` NULL for all. */
int xg_store_usage_daily(xg_store *s, int64_t from, int64_t to, const char *customer_id,
                         int (*cb)(void *, const char *, int64_t, const char *, double, double),
                         void *ud);
/* The rows of customers `ids` (array of strings) starting in [from, to), largest peak_ops first,
 * up to `max`: [{"file","line","item","customer","accelerator_hours","peak_ops"}]; *total the
 * number of rows. */
int xg_store_usage_rows(json_t **out, long *total, xg_store *s, const json_t *ids, int64_t from,
                        int64_t to, size_t max);
/* Facts about customers for the report: {id: {"name","country","headquarters",
 * "ultimate_parent" {"name","country"?,"headquarters"?,"how"}}} for the ids given (array), the
 * parent found from the record's ultimate_parent, else the majority ownership chain (> 50 %),
 * else the customer itself. */
int xg_store_usage_customers(json_t **out, xg_store *s, const json_t *ids);

/* ---- CIP export ---- */

/* Customer Identification Program records (proposed 15 CFR 7.302) of the foreign customers on
 * file: [{"customer","name","country", the fields, "missing":[…]}]. */
int xg_usage_cip_records(json_t **out, xg_store *s);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
