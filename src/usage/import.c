/*
 * import.c — usage rows into the store: each row is resolved (customer on file, item in the
 * catalog), estimated, checked (negative, overlapping) and stored under a hash of its content,
 * all inside one transaction per file.
 *
 * Why one transaction and a content key: a billing export is imported again and again (a monthly
 * file re-sent, a daily file that grew); the hash makes a second import add nothing, and the
 * transaction makes a file either fully counted or not at all. By default a file with any bad line
 * is rolled back whole, since a partial month understates compute; --keep-good commits the good
 * rows and still reports every bad one. Memory is bounded by the distinct items, customers and
 * overlap keys, never by the number of rows.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "usage/usage_internal.h"
#include "xgate/error.h"

#define MAX_PROBLEMS 1000

typedef struct item_info {
    int ok;
    const char *canonical, *eccn_class;
    double per_item, peak_ops_per_s;
    const char *error;
} item_info;

typedef struct interval {
    int64_t start, end;
    long line;
} interval;

typedef struct importer {
    xg_usage_import_stats *st;
    xg_usage_txn *txn;
    const xg_catalog *cat;
    const char *name;
    const xg_usage_import_opts *opts;
    usage_map items, customers, last;
    int fatal;
    char fatal_msg[512];
} importer;

static void problem(importer *im, long line, const char *kind, const char *msg)
{
    if (json_array_size(im->st->problems) >= MAX_PROBLEMS) return;
    json_array_append_new(im->st->problems, json_pack("{s:I,s:s,s:s}", "line", (json_int_t)line,
                                                      "kind", kind, "message", msg));
}

static const item_info *item_lookup(importer *im, const char *item)
{
    item_info *ii = usage_map_get(&im->items, item);
    if (ii) return ii;
    ii = xg_arena_alloc(&im->items.arena, sizeof *ii);
    if (!ii) return NULL;
    xg_usage_estimate e;
    if (xg_usage_estimate_item(&e, im->cat, item, 1, 0) == 0 && e.canonical) {
        ii->ok = 1;
        ii->canonical = usage_map_strdup(&im->items, e.canonical);
        ii->eccn_class = e.eccn_class; /* a static string */
        ii->per_item = e.accelerators;
        ii->peak_ops_per_s = e.peak_ops_per_s;
    } else
        ii->error = usage_map_strdup(&im->items, xg_error_message());
    return usage_map_put(&im->items, item, ii);
}

/* The customer's stored id, or "" when not on file (cached both ways). */
static const char *customer_lookup(importer *im, const char *who)
{
    char *id = usage_map_get(&im->customers, who);
    if (id) return id;
    char *found = NULL;
    int rc = xg_store_usage_customer(&found, im->txn, who);
    if (rc && rc != XG_ENOTFOUND) {
        im->fatal = rc;
        snprintf(im->fatal_msg, sizeof im->fatal_msg, "%s", xg_error_message());
        return NULL;
    }
    id = usage_map_strdup(&im->customers, found ? found : "");
    free(found);
    return id ? usage_map_put(&im->customers, who, id) : NULL;
}

/* A row overlapping an earlier row of the same customer, item, account, region and resource in
 * this file would count the same hours twice. */
static long overlaps(importer *im, const xg_usage_row *row, const char *cust, const char *item,
                     long line)
{
    if (row->from_cur && !row->resource)
        return 0; /* CUR lines without ids may legitimately repeat */
    char key[1024];
    snprintf(key, sizeof key, "%s\x1f%s\x1f%s\x1f%s\x1f%s", cust, item,
             row->account ? row->account : "", row->region ? row->region : "",
             row->resource ? row->resource : "");
    interval *iv = usage_map_get(&im->last, key);
    if (iv) {
        if (row->start < iv->end && row->end > iv->start) return iv->line;
        if (row->end > iv->end) {
            iv->start = row->start;
            iv->end = row->end;
            iv->line = line;
        }
        return 0;
    }
    iv = xg_arena_alloc(&im->last.arena, sizeof *iv);
    if (!iv) return 0;
    iv->start = row->start;
    iv->end = row->end;
    iv->line = line;
    usage_map_put(&im->last, key, iv);
    return 0;
}

static void content_hash(char out[33], const xg_usage_row *row, const char *cust, const char *item)
{
    char buf[2048];
    int n =
        snprintf(buf, sizeof buf,
                 "%s\x1f%s\x1f%.17g\x1f%" PRId64 "\x1f%" PRId64 "\x1f%.17g\x1f%s\x1f%s\x1f%s", cust,
                 item, row->count, row->start, row->end, row->hours, row->region ? row->region : "",
                 row->account ? row->account : "", row->resource ? row->resource : "");
    if (n < 0 || n >= (int)sizeof buf) n = (int)sizeof buf - 1;
    XXH128_hash_t h = XXH3_128bits(buf, (size_t)n);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

static int on_row(void *ud, const xg_usage_row *row, long line, const char *skipped,
                  const char *error)
{
    importer *im = ud;
    xg_usage_import_stats *st = im->st;
    char msg[600];
    st->rows++;
    if (skipped) {
        st->not_accelerator++;
        return 0;
    }
    if (error) {
        if (strstr(error, "negative")) {
            st->negative++;
            problem(im, line, "negative", error);
        } else {
            st->malformed++;
            problem(im, line, "malformed", error);
        }
        return 0;
    }
    const item_info *ii = item_lookup(im, row->item);
    if (!ii) return XG_ENOMEM;
    if (!ii->ok) {
        if (row->from_cur && !row->cur_accelerator) {
            st->not_accelerator++; /* m5.large and the like: not in the catalog, not accelerators */
            return 0;
        }
        st->unknown_items++;
        snprintf(msg, sizeof msg, "unknown item '%.80s': %.400s", row->item, ii->error);
        problem(im, line, "unknown_item", msg);
        return 0;
    }
    const char *cust = customer_lookup(im, row->customer);
    if (!cust) return im->fatal ? im->fatal : XG_ENOMEM;
    if (!*cust) {
        st->unknown_customers++;
        snprintf(msg, sizeof msg,
                 row->from_cur && !strcmp(row->customer, row->account ? row->account : "")
                     ? "account '%.80s' is not in the --accounts map"
                     : "customer '%.80s' is not on file",
                 row->customer);
        problem(im, line, "unknown_customer", msg);
        return 0;
    }
    long first = overlaps(im, row, cust, ii->canonical, line);
    if (first) {
        st->overlapping++;
        snprintf(msg, sizeof msg, "overlaps line %ld (same customer %.80s, item %.80s)", first,
                 row->customer, ii->canonical);
        problem(im, line, "overlapping", msg);
        return 0;
    }
    char hash[33];
    content_hash(hash, row, cust, ii->canonical);
    double acc = row->count * ii->per_item;
    xg_usage_record rec = {.hash = hash,
                           .customer_id = cust,
                           .item = ii->canonical,
                           .eccn_class = ii->eccn_class,
                           .accelerators = acc,
                           .hours = row->hours,
                           .accel_hours = acc * row->hours,
                           .peak_ops = acc * ii->peak_ops_per_s * row->hours * 3600.0,
                           .start = row->start,
                           .end = row->end,
                           .region = row->region,
                           .account = row->account,
                           .file = im->name,
                           .line = line};
    int added = 0;
    int rc = xg_store_usage_add(im->txn, &rec, &added);
    if (rc) return rc;
    if (added)
        st->added++;
    else
        st->duplicates++;
    return 0;
}

long xg_usage_import_bad(const xg_usage_import_stats *st)
{
    return st->unknown_items + st->unknown_customers + st->negative + st->overlapping +
           st->malformed;
}

static void progress_cb(void *ud, uint64_t bytes)
{
    importer *im = ud;
    if (im->opts && im->opts->progress) im->opts->progress(im->opts->progress_ud, bytes);
}

typedef int (*feed_fn)(importer *im, void *src);

static int import_run(xg_usage_import_stats *st, xg_store *s, const xg_catalog *cat,
                      const char *name, const xg_usage_import_opts *opts, feed_fn feed, void *src)
{
    memset(st, 0, sizeof *st);
    st->problems = json_array();
    xg_usage_import_opts none = {0};
    importer im = {.st = st, .cat = cat, .name = name, .opts = opts ? opts : &none};
    usage_map_init(&im.items);
    usage_map_init(&im.customers);
    usage_map_init(&im.last);
    int rc = xg_store_usage_begin(&im.txn, s);
    if (!rc) {
        rc = feed(&im, src);
        long nbad = xg_usage_import_bad(st);
        if (rc)
            xg_store_usage_rollback(im.txn);
        else if (nbad && !im.opts->keep_good) {
            xg_store_usage_rollback(im.txn);
            st->added = st->duplicates = 0;
            json_t *p0 = json_array_get(st->problems, 0);
            rc = xg_error_set(XG_EPARSE,
                              "%s:%" JSON_INTEGER_FORMAT ": %s (%ld bad lines; nothing imported)",
                              name, json_integer_value(json_object_get(p0, "line")),
                              json_string_value(json_object_get(p0, "message")), nbad);
        } else
            rc = xg_store_usage_commit(im.txn);
    }
    usage_map_free(&im.items);
    usage_map_free(&im.customers);
    usage_map_free(&im.last);
    return rc;
}

static int feed_stream(importer *im, void *src)
{
    return xg_usage_parse_stream(src, im->name, im->opts->accounts, on_row, im, progress_cb);
}

int xg_usage_import_stream(xg_usage_import_stats *st, xg_store *s, const xg_catalog *cat, FILE *f,
                           const char *name, const xg_usage_import_opts *opts)
{
    return import_run(st, s, cat, name, opts, feed_stream, f);
}

static int feed_json(importer *im, void *src)
{
    const json_t *rows = src;
    xg_buf b;
    xg_buf_init(&b);
    size_t i;
    const json_t *r;
    json_array_foreach(rows, i, r)
    {
        char *line = json_dumps(r, JSON_COMPACT | JSON_ENCODE_ANY);
        xg_buf_puts(&b, line && json_is_object(r) ? line : "{\"not\":\"an object\"}");
        xg_buf_putc(&b, '\n');
        free(line);
    }
    int rc =
        b.len ? xg_usage_parse_buf(b.data, b.len, im->name, im->opts->accounts, on_row, im) : XG_OK;
    xg_buf_free(&b);
    return rc;
}

int xg_usage_import_json(xg_usage_import_stats *st, xg_store *s, const xg_catalog *cat,
                         const json_t *rows, const char *name, const xg_usage_import_opts *opts)
{
    if (!json_is_array(rows)) {
        memset(st, 0, sizeof *st);
        st->problems = json_array();
        return xg_error_set(XG_EINVAL, "rows: expected an array of usage rows");
    }
    return import_run(st, s, cat, name, opts, feed_json, (void *)rows);
}

json_t *xg_usage_import_stats_json(const xg_usage_import_stats *st, const char *name)
{
    return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "file", name ? name : "",
                     "rows", (json_int_t)st->rows, "added", (json_int_t)st->added, "duplicates",
                     (json_int_t)st->duplicates, "not_accelerator", (json_int_t)st->not_accelerator,
                     "unknown_items", (json_int_t)st->unknown_items, "unknown_customers",
                     (json_int_t)st->unknown_customers, "negative", (json_int_t)st->negative,
                     "overlapping", (json_int_t)st->overlapping, "malformed",
                     (json_int_t)st->malformed, "problems",
                     st->problems ? json_incref(st->problems) : json_array());
}
