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
#include "core/core.h"
#include "xgate/error.h"
#include "xgate/lists.h"

#define MAX_LISTS 256

/* cmd_lists_feeds.c */
int lists_update(int argc, char **argv);
int lists_versions(int argc, char **argv);
int lists_diff(int argc, char **argv);

static int usage(FILE *f)
{
    fprintf(f, "usage: xgate lists info [--list PATH …] [--lenient] [--as-of YYYY-MM-DD] [--json]\n"
               "       xgate lists dump [--list PATH …] [--lenient]   (every record, JSON lines)\n"
               "       xgate lists update [--sources FILE] [--source NAME=URL[,URL…]]… [--force]\n"
               "       xgate lists versions [--json]\n"
               "       xgate lists diff OLD NEW [--json]   (see `xgate lists update --help`)\n"
               "\n"
               "Load list files (format detected from content: CSL CSV, OFAC SDN triple, UN XML,\n"
               "xgate CSV, plain names) and print per-file and per-source counts and the snapshot\n"
               "content hash. Without --list, the bundled default lists.\n"
               "  --list PATH    a list file, or a directory holding an OFAC sdn.csv (repeatable)\n"
               "  --lenient      skip malformed rows and report each one, instead of failing\n"
               "  --as-of DATE   count records delisted (end date before DATE; default today)\n"
               "  --json         one JSON object on stdout\n");
    return f == stdout ? XG_EXIT_OK : XG_EXIT_USAGE;
}

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

static int info(int argc, char **argv, bool dump_records)
{
    const char *paths[MAX_LISTS];
    size_t npaths = 0;
    int flags = 0, json = 0;
    char as_of[11];
    xg_date_today(as_of);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout);
        if (!strcmp(a, "--lenient"))
            flags |= XG_LOAD_LENIENT;
        else if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--list") && i + 1 < argc) {
            if (npaths == MAX_LISTS) return cli_fail(XG_EXIT_USAGE, "lists", 0, "too many --list");
            paths[npaths++] = argv[++i];
        } else if (!strcmp(a, "--as-of") && i + 1 < argc) {
            if (!xg_date_valid(argv[++i]))
                return cli_fail(XG_EXIT_USAGE, "lists", 0, "--as-of '%s' is not YYYY-MM-DD",
                                argv[i]);
            snprintf(as_of, sizeof as_of, "%s", argv[i]);
        } else {
            cli_fail(XG_EXIT_USAGE, "lists", 0, "unknown or incomplete option '%s'", a);
            return usage(stderr);
        }
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

int cmd_lists(int argc, char **argv)
{
    if (argc < 2) return usage(stderr);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
        return usage(stdout);
    if (!strcmp(argv[1], "info")) return info(argc - 1, argv + 1, false);
    if (!strcmp(argv[1], "dump")) return info(argc - 1, argv + 1, true);
    if (!strcmp(argv[1], "update")) return lists_update(argc - 1, argv + 1);
    if (!strcmp(argv[1], "versions")) return lists_versions(argc - 1, argv + 1);
    if (!strcmp(argv[1], "diff")) return lists_diff(argc - 1, argv + 1);
    cli_fail(XG_EXIT_USAGE, "lists", 0, "unknown subcommand '%s'", argv[1]);
    return usage(stderr);
}
