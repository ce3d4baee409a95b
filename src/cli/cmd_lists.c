/*
 * cmd_lists.c — `xgate lists info`: what a set of list files holds, so that an operator can check
 * a list update before screening with it: per file (path, detected format, records, SHA-256),
 * per source list, by party type, the snapshot content hash, and with --lenient every row skipped.
 * With no --list it describes the bundled default lists. `xgate lists dump` prints every record as
 * loaded (JSON lines), to check what a loader made of a file.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "xgate/core.h"
#include "xgate/error.h"
#include "xgate/lists.h"

#define MAX_LISTS 256

/* cmd_lists_feeds.c: update, versions, diff */
extern const cli_spec lists_spec_update, lists_spec_versions, lists_spec_diff;

typedef struct {
    size_t by_type[5], aliases, delisted;
} totals;

static totals count(const xg_listset *set, const char *as_of)
{
    totals t = {{0}, 0, 0};
    for (size_t i = 0; i < set->nrecords; i++) {
        const xg_record *r = &set->records[i];
        t.by_type[r->type <= XG_PARTY_AIRCRAFT ? r->type : 0]++;
        t.aliases += r->naliases;
        t.delisted += xg_record_is_delisted(r, as_of) != 0;
    }
    return t;
}

static void print_text(const xg_listset *set, const totals *t, const char *as_of)
{
    printf("snapshot sha256 %s\n\nfiles:\n", set->hash);
    for (size_t i = 0; i < set->nfiles; i++) {
        const xg_list_file *f = &set->files[i];
        printf("  %s\n    format %s, %zu records, sha256 %s\n", f->path, f->format, f->records,
               f->sha256);
        if (f->note) printf("    %s\n", f->note);
    }
    printf("\nsources:\n");
    for (size_t i = 0; i < set->nsources; i++)
        printf("  %-8s %7zu  %s\n", set->sources[i].source_code, set->sources[i].records,
               set->sources[i].source);
    printf("\ntotal: %zu records (%zu entities, %zu individuals, %zu vessels, %zu aircraft, "
           "%zu unknown), %zu aliases, %zu delisted as of %s\n",
           set->nrecords, t->by_type[XG_PARTY_ENTITY], t->by_type[XG_PARTY_INDIVIDUAL],
           t->by_type[XG_PARTY_VESSEL], t->by_type[XG_PARTY_AIRCRAFT], t->by_type[XG_PARTY_UNKNOWN],
           t->aliases, t->delisted, as_of);
    if (set->nskipped) printf("\nskipped: %zu rows\n", set->nskipped);
    for (size_t i = 0; i < set->nskipped; i++)
        if (set->skipped[i].line > 0) /* line 0: the file as a whole (a missing side file) */
            printf("  %s:%ld: %s\n", set->skipped[i].file, set->skipped[i].line,
                   set->skipped[i].problem);
        else
            printf("  %s: %s\n", set->skipped[i].file, set->skipped[i].problem);
}

static json_t *files_json(const xg_listset *set)
{
    json_t *a = json_array();
    for (size_t i = 0; i < set->nfiles; i++) {
        const xg_list_file *f = &set->files[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:s, s:s?}", "path", f->path, "format",
                                           f->format, "records", (json_int_t)f->records, "sha256",
                                           f->sha256, "note", f->note));
    }
    return a;
}

static int print_json(const xg_listset *set, const totals *t, const char *as_of)
{
    json_t *sources = json_array(), *skipped = json_array();
    for (size_t i = 0; i < set->nsources; i++)
        json_array_append_new(sources,
                              json_pack("{s:s, s:s, s:I}", "code", set->sources[i].source_code,
                                        "source", set->sources[i].source, "records",
                                        (json_int_t)set->sources[i].records));
    for (size_t i = 0; i < set->nskipped; i++)
        json_array_append_new(skipped, json_pack("{s:s, s:I, s:s}", "file", set->skipped[i].file,
                                                 "line", (json_int_t)set->skipped[i].line,
                                                 "problem", set->skipped[i].problem));
    json_t *types =
        json_pack("{s:I, s:I, s:I, s:I, s:I}", "entity", (json_int_t)t->by_type[XG_PARTY_ENTITY],
                  "individual", (json_int_t)t->by_type[XG_PARTY_INDIVIDUAL], "vessel",
                  (json_int_t)t->by_type[XG_PARTY_VESSEL], "aircraft",
                  (json_int_t)t->by_type[XG_PARTY_AIRCRAFT], "unknown",
                  (json_int_t)t->by_type[XG_PARTY_UNKNOWN]);
    json_t *root =
        json_pack("{s:s, s:o, s:o, s:I, s:o, s:I, s:I, s:s, s:o}", "hash", set->hash, "files",
                  files_json(set), "sources", sources, "total", (json_int_t)set->nrecords, "types",
                  types, "aliases", (json_int_t)t->aliases, "delisted", (json_int_t)t->delisted,
                  "as_of", as_of, "skipped", skipped);
    if (!root) return XG_EXIT_ERROR;
    char *s = json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    if (!s) return XG_EXIT_ERROR;
    puts(s);
    free(s);
    return XG_EXIT_OK;
}

static json_t *strings_json(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *record_json(const xg_record *r)
{
    json_t *ids = json_array();
    for (size_t i = 0; i < r->nids; i++)
        json_array_append_new(ids,
                              json_pack("{s:s, s:s, s:s?}", "scheme", r->ids[i].scheme, "value",
                                        r->ids[i].value, "country", r->ids[i].country));
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id", r->id, "source",
                  r->source, "source_code", r->source_code, "type", xg_party_type_name(r->type),
                  "name", r->name, "aliases", strings_json(r->aliases, r->naliases), "countries",
                  strings_json(r->countries, r->ncountries), "ids", ids, "addresses",
                  strings_json(r->addresses, r->naddresses), "programs",
                  strings_json(r->programs, r->nprograms));
    if (!o) return NULL;
    if (r->start_date) json_object_set_new(o, "start_date", json_string(r->start_date));
    if (r->end_date) json_object_set_new(o, "end_date", json_string(r->end_date));
    if (r->parent) json_object_set_new(o, "parent", json_string(r->parent));
    if (r->parent_percent >= 0)
        json_object_set_new(o, "parent_percent", json_real(r->parent_percent));
    if (r->remarks) json_object_set_new(o, "remarks", json_string(r->remarks));
    json_object_set_new(o, "file", json_string(r->file));
    json_object_set_new(o, "line", json_integer(r->line));
    return o;
}

/* One JSON object per record, one per line: the records exactly as the loaders built them. */
static int dump(const xg_listset *set)
{
    for (size_t i = 0; i < set->nrecords; i++) {
        json_t *o = record_json(&set->records[i]);
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!s) return XG_EXIT_ERROR;
        puts(s);
        free(s);
    }
    return XG_EXIT_OK;
}

#define LIST_OPT                                                                                   \
    {                                                                                              \
        "list", 'l', 0, "PATH",                                                                    \
            "a list file, or a directory holding an OFAC SDN triple (repeatable); without --list " \
            "the "                                                                                 \
            "bundled default lists"                                                                \
    }
#define LENIENT_OPT                                                                                \
    {                                                                                              \
        "lenient", 'L', 0, NULL, "skip malformed rows and report each one, instead of failing"     \
    }

static const cli_opt info_opts[] = {
    LIST_OPT,
    LENIENT_OPT,
    {"as-of", 'a', 0, "YYYY-MM-DD", "count records delisted (end date before DATE; default today)"},
    {"json", 'j', 0, NULL, "one JSON object on stdout"},
    {0}};
static const cli_opt dump_opts[] = {LIST_OPT, LENIENT_OPT, {0}};

static int run_info(int argc, char **argv);
static int run_dump(int argc, char **argv);

static const cli_spec spec_info = {
    .name = "lists info",
    .summary = "Load list files and print per-file and per-source counts and the snapshot content "
               "hash.",
    .usage =
        (const char *const[]){"[--list PATH]... [--lenient] [--as-of YYYY-MM-DD] [--json]", NULL},
    .description = "The format of each file is detected from its content: CSL CSV, OFAC SDN "
                   "triple, UN XML, xgate CSV, plain names. Per file: path, detected format, "
                   "records, SHA-256; per source list; by party type; with --lenient every row "
                   "skipped. Check a list update with it before screening with it.",
    .opts = info_opts,
    .run = run_info,
};
static const cli_spec spec_dump = {
    .name = "lists dump",
    .summary = "Print every record as loaded (JSON lines), to check what a loader made of a file.",
    .usage = (const char *const[]){"[--list PATH]... [--lenient]", NULL},
    .opts = dump_opts,
    .run = run_dump,
};

const cli_spec cli_spec_lists = {
    .name = "lists",
    .summary =
        "Inspect restricted-party list files, fetch the official lists into versions, and compare "
        "versions.",
    .subs = (const cli_spec *const[]){&spec_info, &spec_dump, &lists_spec_update,
                                      &lists_spec_versions, &lists_spec_diff, NULL},
};

static int info(int argc, char **argv, bool dump_records)
{
    const char *paths[MAX_LISTS];
    size_t npaths = 0;
    int flags = 0, json = 0, c;
    char as_of[11];
    xg_date_today(as_of);
    cli_parser p;
    cli_parser_init(&p, dump_records ? &spec_dump : &spec_info, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        if (c == 'L')
            flags |= XG_LOAD_LENIENT;
        else if (c == 'j')
            json = 1;
        else if (c == 'l') {
            if (npaths == MAX_LISTS) return cli_fail(XG_EXIT_USAGE, "lists", 0, "too many --list");
            paths[npaths++] = p.arg;
        } else if (c == 'a') {
            if (!xg_date_valid(p.arg))
                return cli_fail(XG_EXIT_USAGE, "lists", 0, "--as-of '%s' is not YYYY-MM-DD", p.arg);
            snprintf(as_of, sizeof as_of, "%s", p.arg);
        } else {
            return cli_exit_code(c);
        }
    }
    if (p.noperands) {
        cli_usage(p.spec, stderr);
        return cli_fail(XG_EXIT_USAGE, "lists", 0,
                        "unexpected argument '%s' (lists are named with --list)",
                        cli_operands(&p)[0]);
    }
    const char *const *list = paths;
    if (!npaths) {
        list = xg_lists_default_paths();
        while (list[npaths])
            npaths++;
    }
    xg_listset *set = NULL;
    int rc = xg_lists_load(&set, list, npaths, flags);
    if (rc)
        return cli_fail(rc == XG_ENOMEM || rc == XG_EINTERNAL ? XG_EXIT_ERROR : XG_EXIT_INPUT,
                        "lists", 0, "%s", xg_error_message());
    totals t = count(set, as_of);
    int exit_code = XG_EXIT_OK;
    if (dump_records)
        exit_code = dump(set);
    else if (json)
        exit_code = print_json(set, &t, as_of);
    else
        print_text(set, &t, as_of);
    xg_listset_free(set);
    return exit_code;
}

static int run_info(int argc, char **argv)
{
    return info(argc, argv, false);
}

static int run_dump(int argc, char **argv)
{
    return info(argc, argv, true);
}

int cmd_lists(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_lists, argc, argv);
}
