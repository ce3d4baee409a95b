/*
 * import.c — classify every row of an Epoch-format hardware table (Epoch AI's ML hardware CSV:
 * "Hardware name", per-precision columns in FLOP/s or OP/s, die size, memory and intranode
 * bandwidth in byte/s). TPP is computed from the row's own figures; when the row's name is in
 * the catalog, the canonical name, datacenter flag and SKU overlays come from there. Real tables
 * have blank cells, notes with embedded newlines, odd rows and unparsable numbers: a row that
 * cannot be classified is reported to the callback and the import carries on.
 */
#include "classify/classify_internal.h"
#include "xgate/csv.h"
#include "xgate/error.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { XG_IMPORT_MAX_BYTES = 256u << 20 };
#define FLOPS_PER_TERA 1e12 /* unit conversion: the table is in FLOP/s, the catalog in TFLOPS */
#define BYTES_PER_GB 1e9

/* The table's columns and the catalog field each feeds ("prec:<id>" for a precision). */
static const struct {
    const char *header, *field;
} COLS[] = {
    {"Tensor-FP16/BF16 performance (FLOP/s)", "prec:fp16"},
    {"FP16 (half precision) performance (FLOP/s)", "prec:fp16"},
    {"FP8 performance (FLOP/s)", "prec:fp8"},
    {"FP4 performance (FLOP/s)", "prec:fp4"},
    {"FP64 (double precision) performance (FLOP/s)", "prec:fp64"},
    {"FP32 (single precision) performance (FLOP/s)", "prec:fp32"},
    {"TF32 (TensorFloat-32) performance (FLOP/s)", "prec:tf32"},
    {"INT16 performance (OP/s)", "prec:int16"},
    {"INT8 performance (OP/s)", "prec:int8"},
    {"INT4 performance (OP/s)", "prec:int4"},
    {"Die Size (mm^2)", "die"},
    {"Memory bandwidth (byte/s)", "dram_bw"},
    {"Intranode bandwidth (byte/s)", "interconnect"},
};
enum { NCOLS = sizeof COLS / sizeof *COLS };

typedef struct cols {
    int name, maker, date, idx[NCOLS];
} cols;

static bool parse_cell(const char *s, double *out)
{
    while (*s == ' ')
        s++;
    if (!*s) return false;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end || errno || !isfinite(d) || d < 0) return false;
    *out = d;
    return true;
}

static int prec_of(const xg_rules *r, const char *id)
{
    for (size_t p = 0; p < r->nprec; p++)
        if (!strcmp(r->prec[p].id, id)) return (int)p;
    return -1;
}

static const char *cell(const xg_csv *csv, int i)
{
    return i >= 0 && (size_t)i < csv->nfields ? csv->field[i] : "";
}

/* A row's value into the input; returns false for a present but unparsable cell. */
static bool take(const xg_catalog *c, xg_cls_input *in, const char *field, const char *text)
{
    double d;
    const char *t = text;
    while (*t == ' ')
        t++;
    if (!*t) return true;
    if (!parse_cell(t, &d)) return false;
    if (!strncmp(field, "prec:", 5)) {
        int p = prec_of(&c->rules, field + 5);
        if (p < 0) return true; /* precision not in rules.json: ignored */
        d /= FLOPS_PER_TERA;
        if (isnan(in->perf[p]) || d > in->perf[p]) in->perf[p] = d;
    } else if (!strcmp(field, "die"))
        in->die_mm2 = d > 0 ? d : NAN;
    else if (!strcmp(field, "dram_bw"))
        in->dram_bw = d / BYTES_PER_GB;
    else
        in->interconnect = d / BYTES_PER_GB;
    return true;
}

static bool consumer_name(const xg_catalog *c, const char *name)
{
    char low[512];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof low; n++)
        low[n] = (char)(name[n] >= 'A' && name[n] <= 'Z' ? name[n] + 32 : name[n]);
    low[n] = 0;
    for (size_t i = 0; i < c->consumer_markers.n; i++)
        if (strstr(low, c->consumer_markers.v[i])) return true;
    return false;
}

static int one_row(const xg_catalog *c, const xg_csv *csv, const cols *k, const char *as_of,
                   const xg_classify_opts *opts, xg_import_cb cb, void *ud)
{
    const char *name = cell(csv, k->name);
    if (!*name) return cb(ud, NULL, csv->line, "row without a hardware name");
    xg_cls_input in;
    xg_cls_input_init(&in);
    in.item = name;
    in.kind = XG_ITEM_CHIP;
    in.vendor = *cell(csv, k->maker) ? cell(csv, k->maker) : NULL;
    in.release = *cell(csv, k->date) ? cell(csv, k->date) : NULL;
    char bad[160] = "";
    for (int i = 0; i < NCOLS; i++)
        if (k->idx[i] >= 0 && !take(c, &in, COLS[i].field, cell(csv, k->idx[i])) && !bad[0])
            snprintf(bad, sizeof bad, "unparsable number in \"%s\"", COLS[i].header);
    const xg_item *it = xg_cls_find(c, name);
    if (it && it->pub.kind == XG_ITEM_CHIP) {
        in.canonical = it->pub.name;
        in.datacenter = it->chip->datacenter;
        in.chip = it->chip; /* for SKU overlays */
        in.entry = it;
    } else {
        in.datacenter = !consumer_name(c, name);
        in.extra_note = in.datacenter ? "not in the catalog: datacenter assumed"
                                      : "not in the catalog: consumer/workstation name, "
                                        "treated as non-datacenter";
    }
    bool any = false;
    for (size_t p = 0; p < c->rules.nprec; p++)
        any |= !isnan(in.perf[p]) && c->rules.prec[p].counts;
    if (!any) return cb(ud, NULL, csv->line, bad[0] ? bad : "no usable performance figure");
    xg_classification *cl;
    int rc = xg_cls_run(&cl, c, &in, as_of, opts);
    if (rc) return rc;
    rc = cb(ud, cl, csv->line, bad[0] ? bad : NULL);
    xg_classification_free(cl);
    return rc;
}

static int header(xg_csv *csv, cols *k, const char *name)
{
    int rc = xg_csv_next(csv);
    if (rc <= 0) return rc < 0 ? rc : xg_error_set(XG_EFORMAT, "%s: empty table", name);
    k->name = xg_csv_find(csv, "Hardware name");
    k->maker = xg_csv_find(csv, "Manufacturer");
    k->date = xg_csv_find(csv, "Release date");
    if (k->name < 0)
        return xg_error_set(XG_EFORMAT,
                            "%s:1: no \"Hardware name\" column (not an Epoch-format "
                            "hardware table)",
                            name);
    for (int i = 0; i < NCOLS; i++)
        k->idx[i] = xg_csv_find(csv, COLS[i].header);
    return 0;
}

int xg_classify_import_buf(const xg_catalog *c, const char *data, size_t len, const char *name,
                           const char *as_of, const xg_classify_opts *opts, xg_import_cb cb,
                           void *ud, size_t *nrows)
{
    if (!c || !data || !cb) return xg_error_set(XG_EINVAL, "import: missing argument");
    char today[11];
    if (!as_of) {
        xg_date_today(today);
        as_of = today;
    } else if (!xg_date_valid(as_of))
        return xg_error_set(XG_EINVAL, "as-of date \"%.40s\" is not YYYY-MM-DD", as_of);
    name = name ? name : "table";
    xg_csv csv;
    xg_csv_init(&csv, data, len, name);
    cols k = {-1, -1, -1, {0}};
    size_t rows = 0;
    int rc = header(&csv, &k, name);
    while (!rc) {
        int got = xg_csv_next(&csv);
        if (got == 0) break;
        rows++;
        if (got < 0) {
            if (got == XG_ENOMEM)
                rc = got;
            else
                rc = cb(ud, NULL, csv.line, xg_error_message());
            continue;
        }
        rc = one_row(c, &csv, &k, as_of, opts, cb, ud);
    }
    xg_csv_free(&csv);
    if (nrows) *nrows = rows;
    return rc;
}

int xg_classify_import_csv(const xg_catalog *c, const char *path, const char *as_of,
                           const xg_classify_opts *opts, xg_import_cb cb, void *ud, size_t *nrows)
{
    if (!path) return xg_error_set(XG_EINVAL, "import: no file");
    char *data;
    size_t len;
    int rc = xg_file_read(&data, &len, path, XG_IMPORT_MAX_BYTES);
    if (rc) return rc;
    rc = xg_classify_import_buf(c, data, len, path, as_of, opts, cb, ud, nrows);
    free(data);
    return rc;
}
