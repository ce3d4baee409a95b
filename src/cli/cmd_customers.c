/*
 * cmd_customers.c — `xgate customers add|import|show|list`: customer identification records.
 *
 *   xgate customers add [--db URL] CUSTOMER.json|-      a request-style customer object
 *   xgate customers import [--db URL] FILE.jsonl|FILE.csv|-
 *   xgate customers show [--db URL] ID
 *   xgate customers list [--db URL] [--limit N] [--cursor C]
 *   xgate customers resellers [--db URL] [NAME]        resellers seen and whom each serves
 *   xgate customers cip [--db URL] [--json|--csv]      CIP records of foreign customers
 *
 * An import is all or nothing: every record is parsed and validated before the first is stored,
 * so a bad line 900 never leaves 899 customers half-imported. JSONL or CSV is told by content
 * (a first character '{' means JSONL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/core.h"
#include "xgate/error.h"
#include "xgate/usage.h"

#define MAX_IMPORT_BYTES (256u << 20)

static int resellers(xg_store *s, const char *name)
{
    json_t *l;
    if (xg_store_resellers_list(&l, s, name))
        return cli_fail(XG_EXIT_ERROR, "customers", 1, "resellers");
    store_cli_print(l, 1);
    json_decref(l);
    return XG_EXIT_OK;
}

/* Customer Identification Program records (proposed 15 CFR 7.302) of the foreign customers, with
 * the fields each lacks; CSV cells holding lists or objects are JSON. */
static int cip(xg_store *s, int csv)
{
    json_t *l;
    if (xg_usage_cip_records(&l, s)) return cli_fail(XG_EXIT_ERROR, "customers", 1, "cip");
    if (!csv) store_cli_print(l, 1);
    static const char *const cols[] = {
        "customer",          "name",           "country", "address", "national_ids",
        "payment_means",     "payment_source", "email",   "phone",   "ip_addresses",
        "beneficial_owners", "verification",   "missing"};
    size_t n = sizeof cols / sizeof *cols, i;
    json_t *r;
    for (size_t c = 0; csv && c < n; c++)
        printf("%s%s", cols[c], c + 1 < n ? "," : "\n");
    json_array_foreach(l, i, r)
    {
        for (size_t c = 0; csv && c < n; c++) {
            json_t *v = json_object_get(r, cols[c]);
            char *t = json_is_string(v)       ? strdup(json_string_value(v))
                      : v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)
                                              : strdup("");
            putchar('"');
            for (const char *p = t; p && *p; p++)
                *p == '"' ? fputs("\"\"", stdout) : putchar(*p);
            printf("\"%s", c + 1 < n ? "," : "\n");
            free(t);
        }
    }
    json_decref(l);
    return XG_EXIT_OK;
}

static int read_all(char **out, size_t *len, const char *path)
{
    if (strcmp(path, "-")) return xg_file_read(out, len, path, MAX_IMPORT_BYTES);
    xg_buf b;
    xg_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        xg_buf_append(&b, chunk, n);
    if (!b.data) xg_buf_puts(&b, "");
    *len = b.len;
    *out = xg_buf_steal(&b);
    return XG_OK;
}

static int parse_jsonl(json_t **out, char *text, const char *path)
{
    json_t *arr = json_array();
    long line = 0;
    for (char *ln = text, *next; ln; ln = next) {
        next = strchr(ln, '\n');
        if (next) *next++ = '\0';
        line++;
        if (!*ln || (*ln == '\r' && !ln[1])) continue;
        json_error_t err;
        json_t *c = json_loads(ln, JSON_REJECT_DUPLICATES, &err);
        if (!c || xg_store_customer_validate(c)) {
            int rc = cli_fail(XG_EXIT_INPUT, "customers", 0, "%s:%ld: %s", path, line,
                              c ? xg_error_message() : err.text);
            json_decref(c);
            json_decref(arr);
            return rc;
        }
        json_array_append_new(arr, c);
    }
    *out = arr;
    return XG_EXIT_OK;
}

static int import(xg_store *s, const char *path)
{
    char *text;
    size_t len;
    if (read_all(&text, &len, path)) return cli_fail(XG_EXIT_INPUT, "customers", 1, "cannot read");
    if (!xg_utf8_valid(text, len)) {
        free(text);
        return cli_fail(XG_EXIT_INPUT, "customers", 0, "%s: invalid UTF-8", path);
    }
    const char *p = text;
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    json_t *all = NULL;
    int rc = XG_EXIT_OK;
    if (*p == '{')
        rc = parse_jsonl(&all, text, path);
    else if (xg_customers_parse_csv(&all, text, len, path))
        rc = cli_fail(XG_EXIT_INPUT, "customers", 1, "cannot import");
    free(text);
    if (rc) return rc;
    size_t i;
    json_t *c;
    json_array_foreach(all, i, c)
    {
        char *id;
        if (xg_store_customer_put(&id, s, c)) {
            rc = cli_fail(XG_EXIT_ERROR, "customers", 1, "record %zu", i + 1);
            break;
        }
        free(id);
    }
    if (!rc) printf("imported %zu customers\n", json_array_size(all));
    json_decref(all);
    return rc;
}

static int add(xg_store *s, const char *path)
{
    json_t *c;
    int rc = store_cli_read_json(&c, "customers", path);
    if (rc) return rc;
    char *id;
    if (xg_store_customer_put(&id, s, c))
        rc = cli_fail(XG_EXIT_INPUT, "customers", 1, "cannot add");
    else {
        printf("%s\n", id);
        free(id);
    }
    json_decref(c);
    return rc;
}

static int show(xg_store *s, const char *id)
{
    json_t *c, *edges;
    if (xg_store_customer_get(&c, s, id)) return cli_fail(XG_EXIT_INPUT, "customers", 1, "show");
    if (!xg_store_ownership_of(&edges, s, json_string_value(json_object_get(c, "name"))))
        json_object_set_new(c, "ownership_on_file", edges);
    store_cli_print(c, 1);
    json_decref(c);
    return XG_EXIT_OK;
}

#define DB_OPT                                                                                     \
    {                                                                                              \
        "db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"               \
    }

static const cli_opt db_only[] = {DB_OPT, {0}};
static const cli_opt cip_opts[] = {DB_OPT,
                                   {"json", 'J', 0, NULL, "print JSON (the default)"},
                                   {"csv", 'C', 0, NULL, "print CSV, one row per customer"},
                                   {0}};
static const cli_opt list_opts[] = {
    DB_OPT,
    {"limit", 'n', 0, "N", "at most N customers per page (default 100)"},
    {"cursor", 'c', 0, "C", "start after this cursor (the \"next\" of the previous page)"},
    {0}};

typedef struct sub_args {
    const char *db, *cursor, *operand;
    int limit, csv;
} sub_args;

/* Read a subcommand's options and its operands (between min and max of them); returns -1 to go
 * on, or an exit code. */
static int parse_sub(sub_args *a, const cli_spec *spec, int argc, char **argv, int min, int max)
{
    cli_parser p;
    int c;
    a->limit = 100;
    cli_parser_init(&p, spec, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        if (c == 'd')
            a->db = p.arg;
        else if (c == 'n')
            a->limit = atoi(p.arg);
        else if (c == 'c')
            a->cursor = p.arg;
        else if (c == 'J' || c == 'C')
            a->csv = c == 'C';
        else
            return cli_exit_code(c);
    }
    if (p.noperands < min || p.noperands > max) {
        cli_usage(spec, stderr);
        return cli_fail(XG_EXIT_USAGE, spec->name, 0, "%s",
                        p.noperands < min ? "an operand is missing" : "too many operands");
    }
    a->operand = p.noperands ? cli_operands(&p)[0] : NULL;
    return -1;
}

static int run_sub(const cli_spec *spec, int argc, char **argv, int min, int max,
                   int (*fn)(xg_store *, const sub_args *))
{
    sub_args a = {0};
    int rc = parse_sub(&a, spec, argc, argv, min, max);
    if (rc >= 0) return rc;
    xg_store *s;
    if ((rc = store_cli_open(&s, "customers", a.db))) return rc;
    rc = fn(s, &a);
    xg_store_close(s);
    return rc;
}

static int do_add(xg_store *s, const sub_args *a)
{
    return add(s, a->operand);
}

static int do_import(xg_store *s, const sub_args *a)
{
    return import(s, a->operand);
}

static int do_show(xg_store *s, const sub_args *a)
{
    return show(s, a->operand);
}

static int do_resellers(xg_store *s, const sub_args *a)
{
    return resellers(s, a->operand);
}

static int do_list(xg_store *s, const sub_args *a)
{
    json_t *l;
    if (xg_store_customers_list(&l, s, a->limit, a->cursor))
        return cli_fail(XG_EXIT_ERROR, "customers", 1, "list");
    store_cli_print(l, 1);
    json_decref(l);
    return XG_EXIT_OK;
}

static int do_cip(xg_store *s, const sub_args *a)
{
    return cip(s, a->csv);
}

static int run_add(int argc, char **argv);
static int run_cip(int argc, char **argv);
static int run_import(int argc, char **argv);
static int run_show(int argc, char **argv);
static int run_list(int argc, char **argv);
static int run_resellers(int argc, char **argv);

static const cli_spec spec_add = {
    .name = "customers add",
    .summary = "Store one customer record (a request-style customer object) and print its id.",
    .usage = (const char *const[]){"[--db URL] CUSTOMER.json|-", NULL},
    .opts = db_only,
    .run = run_add,
};
static const cli_spec spec_import = {
    .name = "customers import",
    .summary = "Import customer records from JSON lines or CSV (told by content: a first "
               "character '{' means JSON lines).",
    .usage = (const char *const[]){"[--db URL] FILE.jsonl|FILE.csv|-", NULL},
    .description = "All or nothing: every record is parsed and validated before the first is "
                   "stored, so a bad line 900 never leaves 899 customers half-imported. The CSV "
                   "columns are described in docs/decide.md.",
    .opts = db_only,
    .run = run_import,
};
static const cli_spec spec_show = {
    .name = "customers show",
    .summary = "Print a customer record, with the ownership edges on file for its name.",
    .usage = (const char *const[]){"[--db URL] ID", NULL},
    .opts = db_only,
    .run = run_show,
};
static const cli_spec spec_list = {
    .name = "customers list",
    .summary = "List customer records, a page at a time.",
    .usage = (const char *const[]){"[--db URL] [--limit N] [--cursor C]", NULL},
    .opts = list_opts,
    .run = run_list,
};
static const cli_spec spec_resellers = {
    .name = "customers resellers",
    .summary = "List the resellers seen and whom each serves (only NAME's, when given).",
    .usage = (const char *const[]){"[--db URL] [NAME]", NULL},
    .opts = db_only,
    .run = run_resellers,
};

static const cli_spec spec_cip = {
    .name = "customers cip",
    .summary = "Print the Customer Identification Program records (proposed 15 CFR 7.302) of the "
               "foreign customers, with the fields each lacks.",
    .usage = (const char *const[]){"[--db URL] [--json|--csv]", NULL},
    .description = "CSV cells that hold lists or objects are JSON. See docs/usage.md.",
    .opts = cip_opts,
    .run = run_cip,
};

static int run_cip(int argc, char **argv)
{
    return run_sub(&spec_cip, argc, argv, 0, 0, do_cip);
}

static int run_add(int argc, char **argv)
{
    return run_sub(&spec_add, argc, argv, 1, 1, do_add);
}

static int run_import(int argc, char **argv)
{
    return run_sub(&spec_import, argc, argv, 1, 1, do_import);
}

static int run_show(int argc, char **argv)
{
    return run_sub(&spec_show, argc, argv, 1, 1, do_show);
}

static int run_list(int argc, char **argv)
{
    return run_sub(&spec_list, argc, argv, 0, 0, do_list);
}

static int run_resellers(int argc, char **argv)
{
    return run_sub(&spec_resellers, argc, argv, 0, 1, do_resellers);
}

const cli_spec cli_spec_customers = {
    .name = "customers",
    .summary = "Manage customer identification records.",
    .description = "Customer records are what decisions read about the requesting party: "
                   "identity, country, verification, ownership.",
    .subs = (const cli_spec *const[]){&spec_add, &spec_import, &spec_show, &spec_list,
                                      &spec_resellers, &spec_cip, NULL},
};

int cmd_customers(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_customers, argc, argv);
}
