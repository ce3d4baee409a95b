/*
 * cmd_customers.c — `xgate customers add|import|show|list`: customer identification records.
 *
 *   xgate customers add [--db URL] CUSTOMER.json|-      a request-style customer object
 *   xgate customers import [--db URL] FILE.jsonl|FILE.csv|-
 *   xgate customers show [--db URL] ID
 *   xgate customers list [--db URL] [--limit N] [--cursor C]
 *   xgate customers resellers [--db URL] [NAME]        resellers seen and whom each serves
 *
 * An import is all or nothing: every record is parsed and validated before the first is stored,
 * so a bad line 900 never leaves 899 customers half-imported. JSONL or CSV is told by content
 * (a first character '{' means JSONL).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/store_cli.h"
#include "xgate/core.h"
#include "xgate/error.h"

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

static int usage(FILE *f)
{
    fprintf(f, "usage: xgate customers add [--db URL] CUSTOMER.json|-\n"
               "       xgate customers import [--db URL] FILE.jsonl|FILE.csv|-\n"
               "       xgate customers show [--db URL] ID\n"
               "       xgate customers list [--db URL] [--limit N] [--cursor C]\n"
               "       xgate customers resellers [--db URL] [NAME]\n"
               "CSV columns are listed in the README (## Decisions).\n");
    return f == stdout ? XG_EXIT_OK : XG_EXIT_USAGE;
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

int cmd_customers(int argc, char **argv)
{
    const char *db = NULL, *cursor = NULL;
    int limit = 100, c;
    static const struct option lo[] = {{"db", required_argument, 0, 'd'},
                                       {"limit", required_argument, 0, 'n'},
                                       {"cursor", required_argument, 0, 'c'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'n')
            limit = atoi(optarg);
        else if (c == 'c')
            cursor = optarg;
        else if (c == 'h')
            return usage(stdout);
        else
            return usage(stderr);
    }
    if (optind >= argc) return usage(stderr);
    const char *sub = argv[optind], *arg = optind + 1 < argc ? argv[optind + 1] : NULL;
    int needs_arg = strcmp(sub, "list") && strcmp(sub, "resellers");
    if (strcmp(sub, "add") && strcmp(sub, "import") && strcmp(sub, "show") && strcmp(sub, "list") &&
        strcmp(sub, "resellers"))
        return cli_fail(XG_EXIT_USAGE, "customers", 0, "unknown subcommand '%s'", sub);
    if (needs_arg && !arg) return usage(stderr);
    xg_store *s;
    int rc = store_cli_open(&s, "customers", db);
    if (rc) return rc;
    if (!strcmp(sub, "add"))
        rc = add(s, arg);
    else if (!strcmp(sub, "import"))
        rc = import(s, arg);
    else if (!strcmp(sub, "show"))
        rc = show(s, arg);
    else if (!strcmp(sub, "resellers"))
        rc = resellers(s, arg);
    else {
        json_t *l;
        if (xg_store_customers_list(&l, s, limit, cursor))
            rc = cli_fail(XG_EXIT_ERROR, "customers", 1, "list");
        else {
            store_cli_print(l, 1);
            json_decref(l);
        }
    }
    xg_store_close(s);
    return rc;
}
