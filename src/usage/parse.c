/*
 * parse.c — usage rows from files as they come: xgate's own CSV or JSONL, and AWS Cost and Usage
 * Report 2.0 exports (CSV, snake_case columns; the CUR 1 "lineItem/…" names are accepted too).
 *
 * Billing exports run to millions of lines, so this reads one record at a time (a CSV record
 * spanning lines inside quotes is joined) and never holds the file: memory is bounded by the
 * longest record (MAX_RECORD). Every data line ends in exactly one callback — a row, a skip
 * (CUR lines that are not instance usage) or an error naming the problem — so the importer can
 * count and report bad lines by file:line without stopping at the first.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "usage/usage_internal.h"
#include "xgate/error.h"

#define MAX_RECORD (1u << 20) /* bytes per record */
#define MAX_FIELDS 512
#define PROGRESS_EVERY 65536 /* lines */

/* ---- times ---- */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int xg_usage_parse_time(int64_t *out, const char *s)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!s || strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
        s[7] != '-' || digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970)
        return xg_error_set(XG_EPARSE, "'%.40s': expected an ISO 8601 date or time", s ? s : "");
    const char *p = s + 10;
    if (*p == 'T' || *p == ' ') {
        if (digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi) || h > 23 || mi > 59)
            return xg_error_set(XG_EPARSE, "'%.40s': bad time of day", s);
        p += 6;
        if (*p == ':') {
            if (digits(p + 1, 2, &se) || se > 60)
                return xg_error_set(XG_EPARSE, "'%.40s': bad seconds", s);
            p += 3;
            if (*p == '.')
                for (p++; isdigit((unsigned char)*p); p++)
                    ;
        }
    }
    int off = 0;
    if (*p == 'Z')
        p++;
    else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 14 || om > 59)
            return xg_error_set(XG_EPARSE, "'%.40s': bad UTC offset", s);
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    }
    if (*p) return xg_error_set(XG_EPARSE, "'%.40s': text after the time", s);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return xg_error_set(XG_EPARSE, "'%.40s': no such day", s);
    /* days from civil (proleptic Gregorian), so no time zone or locale is involved */
    int yy = mo <= 2 ? y - 1 : y;
    int era = yy / 400, yoe = yy - era * 400, mp = (mo + 9) % 12;
    int doy = (153 * mp + 2) / 5 + d - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + doe - 719468;
    *out = days * 86400 + h * 3600 + mi * 60 + se - off;
    return XG_OK;
}

/* ---- CSV records ---- */

/* Split one CSV record in place (RFC 4180 quoting); returns the number of fields, -1 when a
 * quote is malformed. */
static int csv_split(char *rec, char **fields, int max)
{
    int n = 0;
    char *p = rec;
    for (;;) {
        if (n == max) return -1;
        char *w = p;
        fields[n++] = w;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) return -1;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *w++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *w++ = *p++;
            }
            if (*p && *p != ',') return -1;
        } else {
            while (*p && *p != ',') {
                if (*p == '"') return -1;
                *w++ = *p++;
            }
        }
        char sep = *p;
        *w = '\0';
        if (!sep) return n;
        p++;
    }
}

static int quotes_open(const char *s, size_t n)
{
    int open = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') open = !open;
    return open;
}

/* ---- the reader ---- */

enum { FMT_CSV, FMT_CUR, FMT_JSONL };

/* Column names: xgate CSV, then CUR 2.0 and CUR 1 spellings. */
enum {
    C_CUSTOMER,
    C_ITEM,
    C_COUNT,
    C_START,
    C_END,
    C_HOURS,
    C_REGION,
    C_ACCOUNT,
    C_RESOURCE,
    C_USAGE_TYPE,
    C_AMOUNT,
    NCOLS
};
static const char *const xg_names[NCOLS] = {"customer", "item",    "count", "start", "end", "hours",
                                            "region",   "account", NULL,    NULL,    NULL};
static const char *const cur2_names[NCOLS] = {NULL,
                                              "product_instance_type",
                                              NULL,
                                              "line_item_usage_start_date",
                                              "line_item_usage_end_date",
                                              NULL,
                                              "product_region_code",
                                              "line_item_usage_account_id",
                                              "line_item_resource_id",
                                              "line_item_usage_type",
                                              "line_item_usage_amount"};
static const char *const cur1_names[NCOLS] = {NULL,
                                              "product/instanceType",
                                              NULL,
                                              "lineItem/UsageStartDate",
                                              "lineItem/UsageEndDate",
                                              NULL,
                                              "product/region",
                                              "lineItem/UsageAccountId",
                                              "lineItem/ResourceId",
                                              "lineItem/UsageType",
                                              "lineItem/UsageAmount"};

struct xg_usage_accounts {
    usage_map map;
};

typedef struct reader {
    const char *name;
    const xg_usage_accounts *accounts;
    xg_usage_row_cb cb;
    void *ud;
    int fmt;
    int col[NCOLS];
    char msg[512];
} reader;

static const char *field(char **f, int nf, int col)
{
    if (col < 0 || col >= nf) return NULL;
    const char *v = f[col];
    while (*v == ' ')
        v++;
    return *v ? v : NULL;
}

static int number(double *out, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end || errno || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

static int bad(reader *r, long line, const char *fmt, const char *a, const char *b)
{
    snprintf(r->msg, sizeof r->msg, fmt, a, b);
    return r->cb(r->ud, NULL, line, NULL, r->msg);
}

/* Times and amounts common to every format; the row's strings are already set. */
static int finish_row(reader *r, xg_usage_row *row, long line, const char *count, const char *start,
                      const char *end, const char *hours)
{
    row->count = 1;
    if (count && number(&row->count, count))
        return bad(r, line, "count '%.40s%s' is not a number", count, "");
    if (!start) return bad(r, line, "missing start time%s%s", "", "");
    if (xg_usage_parse_time(&row->start, start))
        return bad(r, line, "start: %s%s", xg_error_message(), "");
    row->end = row->start;
    if (end && xg_usage_parse_time(&row->end, end))
        return bad(r, line, "end: %s%s", xg_error_message(), "");
    if (hours) {
        if (number(&row->hours, hours))
            return bad(r, line, "hours '%.40s%s' is not a number", hours, "");
        if (!end && row->hours >= 0) row->end = row->start + (int64_t)llround(row->hours * 3600);
    } else if (end)
        row->hours = (double)(row->end - row->start) / 3600.0;
    else
        return bad(r, line, "needs end or hours%s%s", "", "");
    if (row->count < 0 || row->hours < 0 || row->end < row->start) {
        snprintf(r->msg, sizeof r->msg, "negative hours or count");
        return r->cb(r->ud, NULL, line, NULL, r->msg);
    }
    return r->cb(r->ud, row, line, NULL, NULL);
}

static int is_accelerator_family(const char *type)
{
    static const char *const fams[] = {"p", "g", "trn", "inf", "dl"};
    size_t n = strcspn(type, ".");
    char fam[16];
    size_t k = 0;
    while (k < n && k < sizeof fam - 1 && isalpha((unsigned char)type[k]))
        fam[k] = (char)tolower((unsigned char)type[k]), k++;
    fam[k] = '\0';
    for (size_t i = 0; i < sizeof fams / sizeof *fams; i++)
        if (!strcmp(fam, fams[i])) return 1;
    return 0;
}

static int cur_row(reader *r, char **f, int nf, long line)
{
    xg_usage_row row = {0};
    const char *type = field(f, nf, r->col[C_ITEM]), *ut = field(f, nf, r->col[C_USAGE_TYPE]);
    /* Instance usage is BoxUsage / SpotUsage / DedicatedUsage / HostUsage / ReservedHostUsage;
     * data transfer, storage, fees and credits are not compute. */
    if (!type || (ut && !strstr(ut, "Usage:")) ||
        (ut && !strstr(ut, "BoxUsage") && !strstr(ut, "SpotUsage") && !strstr(ut, "HostUsage") &&
         !strstr(ut, "DedicatedUsage")))
        return r->cb(r->ud, NULL, line, "not instance usage", NULL);
    row.item = type;
    row.from_cur = true;
    row.cur_accelerator = is_accelerator_family(type);
    row.account = field(f, nf, r->col[C_ACCOUNT]);
    row.region = field(f, nf, r->col[C_REGION]);
    row.resource = field(f, nf, r->col[C_RESOURCE]);
    if (!row.account) return bad(r, line, "missing line_item_usage_account_id%s%s", "", "");
    const char *cust = r->accounts ? usage_map_get(&r->accounts->map, row.account) : NULL;
    row.customer = cust ? cust : row.account;
    const char *amount = field(f, nf, r->col[C_AMOUNT]);
    if (!amount) return bad(r, line, "missing line_item_usage_amount%s%s", "", "");
    /* The amount is instance-hours: one instance for that many hours. */
    return finish_row(r, &row, line, NULL, field(f, nf, r->col[C_START]), NULL, amount);
}

static int csv_row(reader *r, char **f, int nf, long line)
{
    if (r->fmt == FMT_CUR) return cur_row(r, f, nf, line);
    xg_usage_row row = {0};
    row.customer = field(f, nf, r->col[C_CUSTOMER]);
    row.item = field(f, nf, r->col[C_ITEM]);
    row.region = field(f, nf, r->col[C_REGION]);
    row.account = field(f, nf, r->col[C_ACCOUNT]);
    if (!row.customer || !row.item) return bad(r, line, "missing customer or item%s%s", "", "");
    return finish_row(r, &row, line, field(f, nf, r->col[C_COUNT]), field(f, nf, r->col[C_START]),
                      field(f, nf, r->col[C_END]), field(f, nf, r->col[C_HOURS]));
}

/* A JSON member as text: strings as they are, numbers printed into `tmp`. */
static const char *jtext(json_t *o, const char *key, char *tmp, size_t n, int *wrong)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) return NULL;
    if (json_is_string(v)) return json_string_length(v) ? json_string_value(v) : NULL;
    if (json_is_number(v)) {
        snprintf(tmp, n, "%.17g", json_number_value(v));
        return tmp;
    }
    *wrong = 1;
    return NULL;
}

static int json_row(reader *r, json_t *o, long line)
{
    if (!json_is_object(o)) return bad(r, line, "expected a JSON object%s%s", "", "");
    char tc[64], th[64];
    int wrong = 0;
    xg_usage_row row = {0};
    row.customer = jtext(o, "customer", th, sizeof th, &wrong);
    if (row.customer == th) row.customer = NULL; /* a customer is a string */
    row.item = json_string_value(json_object_get(o, "item"));
    row.region = json_string_value(json_object_get(o, "region"));
    row.account = json_string_value(json_object_get(o, "account"));
    const char *count = jtext(o, "count", tc, sizeof tc, &wrong);
    const char *start = json_string_value(json_object_get(o, "start"));
    const char *end = json_string_value(json_object_get(o, "end"));
    const char *hours = jtext(o, "hours", th, sizeof th, &wrong);
    if (wrong) return bad(r, line, "count and hours must be numbers%s%s", "", "");
    if (!row.customer || !row.item || !*row.item)
        return bad(r, line, "missing customer or item%s%s", "", "");
    return finish_row(r, &row, line, count, start, end, hours);
}

static int header(reader *r, char **f, int nf)
{
    const char *const *sets[] = {xg_names, cur2_names, cur1_names};
    for (int s = 0; s < 3; s++) {
        for (int c = 0; c < NCOLS; c++) {
            r->col[c] = -1;
            for (int i = 0; sets[s][c] && i < nf; i++)
                if (!strcmp(f[i], sets[s][c])) r->col[c] = i;
        }
        if (s == 0 && r->col[C_CUSTOMER] >= 0 && r->col[C_ITEM] >= 0) {
            r->fmt = FMT_CSV;
            return XG_OK;
        }
        if (s > 0 && r->col[C_ACCOUNT] >= 0 && r->col[C_ITEM] >= 0 && r->col[C_AMOUNT] >= 0 &&
            r->col[C_START] >= 0) {
            r->fmt = FMT_CUR;
            return XG_OK;
        }
    }
    return xg_error_set(XG_EFORMAT,
                        "%s: unknown usage format: expected JSONL, a CSV header with customer, "
                        "item, count, start, end|hours, or an AWS CUR 2.0 export with "
                        "line_item_usage_account_id, product_instance_type, "
                        "line_item_usage_amount, line_item_usage_start_date",
                        r->name);
}

/* Read one logical record (CSV quotes may span lines) into *buf; returns its first line number
 * advance via *lines, 0 at EOF, -1 when over MAX_RECORD. */
static int read_record(FILE *f, char **buf, size_t *cap, size_t *len, long *lines, uint64_t *bytes,
                       int csv, char **ln_buf, size_t *ln_cap)
{
    *len = 0;
    *lines = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(ln_buf, ln_cap, f)) > 0) {
        const char *ln = *ln_buf;
        (*lines)++;
        *bytes += (uint64_t)n;
        if (*len + (size_t)n + 1 > MAX_RECORD) {
            rc = -1;
            /* skip the rest of this physical line only */
            break;
        }
        if (*len + (size_t)n + 1 > *cap) {
            size_t nc = (*len + (size_t)n + 1) * 2;
            char *nb = realloc(*buf, nc);
            if (!nb) {
                rc = -2;
                break;
            }
            *buf = nb;
            *cap = nc;
        }
        memcpy(*buf + *len, ln, (size_t)n);
        *len += (size_t)n;
        (*buf)[*len] = '\0';
        if (!csv || !quotes_open(*buf, *len)) {
            rc = 1;
            break;
        }
    }
    if (rc == 0 && *len) rc = 1; /* an unterminated quote at EOF: let the splitter say so */
    if (rc == 1)
        while (*len && ((*buf)[*len - 1] == '\n' || (*buf)[*len - 1] == '\r'))
            (*buf)[--*len] = '\0';
    return rc;
}

int xg_usage_parse_stream(FILE *f, const char *name, const xg_usage_accounts *accounts,
                          xg_usage_row_cb cb, void *ud, void (*progress)(void *, uint64_t))
{
    reader r = {.name = name, .accounts = accounts, .cb = cb, .ud = ud, .fmt = -1};
    char *buf = NULL, *fields[MAX_FIELDS];
    size_t cap = 0, len;
    long line = 1, lines;
    uint64_t bytes = 0;
    int rc = 0, got, first = 1;
    /* the line buffer getline fills is kept from record to record (one allocation per file) */
    char *ln_buf = NULL;
    size_t ln_cap = 0;
    while (!rc && (got = read_record(f, &buf, &cap, &len, &lines, &bytes, r.fmt != FMT_JSONL,
                                     &ln_buf, &ln_cap))) {
        long at = line;
        line += lines;
        if (progress && (line / PROGRESS_EVERY) != ((line - lines) / PROGRESS_EVERY))
            progress(ud, bytes);
        if (got == -2) {
            rc = XG_ENOMEM;
            break;
        }
        char *rec = buf;
        if (first && !strncmp(rec, "\xEF\xBB\xBF", 3)) rec += 3;
        const char *p = rec;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p && got == 1) continue;
        if (got == -1) {
            snprintf(r.msg, sizeof r.msg, "record longer than %u bytes", MAX_RECORD);
            rc = first ? xg_error_set(XG_ETOOBIG, "%s:%ld: %s", name, at, r.msg)
                       : cb(ud, NULL, at, NULL, r.msg);
            first = 0;
            continue;
        }
        if (!xg_utf8_valid(rec, strlen(rec))) {
            rc = first ? xg_error_set(XG_EUTF8, "%s:%ld: invalid UTF-8", name, at)
                       : cb(ud, NULL, at, NULL, "invalid UTF-8");
            continue;
        }
        if (first) {
            first = 0;
            if (*p == '{') {
                r.fmt = FMT_JSONL;
            } else {
                int nf = csv_split(rec, fields, MAX_FIELDS);
                if (nf < 0) {
                    rc = xg_error_set(XG_EFORMAT, "%s:%ld: malformed CSV header", name, at);
                    break;
                }
                rc = header(&r, fields, nf);
                continue;
            }
        }
        if (r.fmt == FMT_JSONL) {
            json_error_t err;
            json_t *o = json_loads(rec, JSON_REJECT_DUPLICATES, &err);
            if (!o)
                rc = bad(&r, at, "invalid JSON: %.200s%s", err.text, "");
            else
                rc = json_row(&r, o, at);
            json_decref(o);
        } else {
            int nf = csv_split(rec, fields, MAX_FIELDS);
            rc = nf < 0
                     ? bad(&r, at, "malformed CSV record (quotes or over %s%s fields)", "512", "")
                     : csv_row(&r, fields, nf, at);
        }
    }
    if (!rc && ferror(f)) rc = xg_error_set(XG_EIO, "%s: read error", name);
    if (!rc && first) rc = xg_error_set(XG_EFORMAT, "%s: empty file", name);
    if (progress) progress(ud, bytes);
    free(buf);
    free(ln_buf);
    return rc;
}

int xg_usage_parse_buf(const char *data, size_t len, const char *name,
                       const xg_usage_accounts *accounts, xg_usage_row_cb cb, void *ud)
{
    if (!len) return xg_error_set(XG_EFORMAT, "%s: empty file", name);
    FILE *f = fmemopen((void *)data, len, "r");
    if (!f) return xg_error_set(XG_EIO, "%s: cannot open buffer", name);
    int rc = xg_usage_parse_stream(f, name, accounts, cb, ud, NULL);
    fclose(f);
    return rc;
}

/* ---- account map ---- */

int xg_usage_accounts_parse(xg_usage_accounts **out, const char *data, size_t len, const char *name)
{
    xg_usage_accounts *a = calloc(1, sizeof *a);
    if (!a) return XG_ENOMEM;
    usage_map_init(&a->map);
    char *copy = malloc(len + 1);
    if (!copy) {
        xg_usage_accounts_free(a);
        return XG_ENOMEM;
    }
    memcpy(copy, data, len);
    copy[len] = '\0';
    long line = 0;
    int rc = XG_OK;
    for (char *ln = copy, *next; ln && !rc; ln = next) {
        next = strchr(ln, '\n');
        if (next) *next++ = '\0';
        line++;
        size_t l = strlen(ln);
        if (l && ln[l - 1] == '\r') ln[--l] = '\0';
        if (!l || *ln == '#') continue;
        char *f[4];
        int nf = csv_split(ln, f, 4);
        if (nf != 2 || !*f[0] || !*f[1]) {
            rc = xg_error_set(XG_EPARSE, "%s:%ld: expected account,customer", name, line);
            break;
        }
        if (line == 1 && !strcmp(f[0], "account")) continue;
        char *cust = usage_map_strdup(&a->map, f[1]);
        if (!cust || !usage_map_put(&a->map, f[0], cust)) rc = XG_ENOMEM;
    }
    free(copy);
    if (rc) {
        xg_usage_accounts_free(a);
        return rc;
    }
    *out = a;
    return XG_OK;
}

int xg_usage_accounts_load(xg_usage_accounts **out, const char *path)
{
    char *text;
    size_t len;
    int rc = xg_file_read(&text, &len, path, 64u << 20);
    if (rc) return rc;
    rc = xg_usage_accounts_parse(out, text, len, path);
    free(text);
    return rc;
}

void xg_usage_accounts_free(xg_usage_accounts *a)
{
    if (!a) return;
    usage_map_free(&a->map);
    free(a);
}
