/*
 * cmd_lists_feeds.c — `xgate lists update`, `xgate lists versions` and `xgate lists diff`: fetch
 * the official feeds into versions kept in the store, show them, and compare two versions (or two
 * files). The work is in the library (xgate/feeds.h, xg_lists_diff); this file parses options and
 * prints, one line per source for an update, so a cron job's mail says what happened.
 */
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/core.h"
#include "xgate/error.h"
#include "xgate/feeds.h"
#include "xgate/lists.h"

#define MAX_SOURCES 32
#define DEFAULT_STATE_DIR "xgate-state"

int lists_update(int argc, char **argv);
int lists_versions(int argc, char **argv);
int lists_diff(int argc, char **argv);

static int fail_lib(int rc, const char *what)
{
    return cli_fail(rc == XG_ENOMEM || rc == XG_EINTERNAL || rc == XG_ESTORE || rc == XG_EIO
                        ? XG_EXIT_ERROR
                        : XG_EXIT_INPUT,
                    "lists", 0, "%s: %s", what, xg_error_message());
}

/* ---- update ---- */

typedef struct {
    const char *source;
    size_t file;
    int width;
} bar_state;

static void draw_bar(void *ud, const char *source, size_t file, size_t nfiles, long long done,
                     long long total)
{
    bar_state *b = ud;
    b->source = source;
    b->file = file;
    int pct = total > 0 ? (int)(100 * done / total) : -1;
    char bar[31];
    int fill = pct < 0 ? 0 : pct * 30 / 100;
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    if (pct >= 0)
        fprintf(stderr, "\r%-12s file %zu/%zu [%s] %3d%% %8.1f MB", source, file + 1, nfiles, bar,
                pct, (double)done / 1e6);
    else
        fprintf(stderr, "\r%-12s file %zu/%zu %8.1f MB", source, file + 1, nfiles,
                (double)done / 1e6);
    b->width = 1;
}

static void print_result(const xg_feed_source *src, const xg_feed_result *r, json_t *json)
{
    if (json) {
        json_t *o =
            json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "source", src->name, "status",
                      r->status, "version", *r->version ? r->version : NULL, "reason",
                      *r->reason ? r->reason : NULL, "sha256", *r->sha256 ? r->sha256 : NULL,
                      "publish_date", *r->publish_date ? r->publish_date : NULL, "refused_id",
                      *r->refused_id ? r->refused_id : NULL);
        if (r->entries >= 0) json_object_set_new(o, "entries", json_integer(r->entries));
        if (r->new_entries >= 0)
            json_object_set_new(o, "fetched_entries", json_integer(r->new_entries));
        if (r->prev_entries >= 0)
            json_object_set_new(o, "previous_entries", json_integer(r->prev_entries));
        json_array_append_new(json, o);
        return;
    }
    if (!strcmp(r->status, "new"))
        printf("%s: new version %s, %lld entries%s%s (before: %s)\n", src->name, r->version,
               r->entries, *r->publish_date ? ", published " : "", r->publish_date,
               r->prev_entries >= 0 ? "another version" : "none");
    else if (!strcmp(r->status, "unchanged"))
        printf("%s: unchanged (%s), version %s in force\n", src->name, r->reason, r->version);
    else
        printf("%s: refused: %s; %s%s\n", src->name, r->reason,
               *r->version ? "in force stays " : "no version in force",
               *r->version ? r->version : "");
}

static bool parse_positive(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return *s && !*end && *out > 0 && *out < 1e12;
}

typedef struct {
    const char *sources_file, *db, *state;
    const char *specs[MAX_SOURCES];
    size_t nspecs;
    int json;
    xg_feed_options opt;
} update_args;

static const cli_opt update_opts[] = {
    {"sources", 's', 0, "FILE", "the sources file (default data/lists/sources.tsv)"},
    {"source", 'S', 0, "NAME=URL[,URL...]",
     "fetch only this source (repeatable; the format is told from the content)"},
    {"force", 'f', 0, NULL, "accept a version with more than 20 % fewer entries"},
    {"data-dir", 'D', 0, "DIR",
     "where versions are kept (default $XGATE_STATE_DIR, else ./" DEFAULT_STATE_DIR ")"},
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"},
    {"timeout", 't', 0, "SECONDS", "total time for one file (default 300)"},
    {"connect-timeout", 'c', 0, "SECONDS", "time to connect (default 30)"},
    {"max-bytes", 'm', 0, "N", "the largest file accepted"},
    {"json", 'j', 0, NULL, "print the results as JSON"},
    {0}};

const cli_spec lists_spec_update = {
    .name = "lists update",
    .summary = "Fetch each enabled list source and keep what passes the checks as a new version "
               "in force.",
    .usage = (const char *const[]){"[--sources FILE] [--source NAME=URL[,URL...]]... [--force] "
                                   "[--data-dir DIR] [--db URL] [--json]",
                                   NULL},
    .description = "A download becomes a version only after it loads and passes the checks (not "
                   "empty, not an HTML page, not truncated, the format the source says, at most "
                   "20 % fewer entries than the version in force); a refused download leaves the "
                   "version in force and is recorded. Exit 0 when every source is new or "
                   "unchanged, 1 when one was refused. See docs/lists.md.",
    .opts = update_opts,
    .run = lists_update,
};

static int parse_update(update_args *a, int argc, char **argv)
{
    xg_feed_options_init(&a->opt);
    cli_parser p;
    int c;
    double v;
    cli_parser_init(&p, &lists_spec_update, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        switch (c) {
        case 'f':
            a->opt.force = 1;
            break;
        case 'j':
            a->json = 1;
            break;
        case 's':
            a->sources_file = p.arg;
            break;
        case 'S':
            if (a->nspecs == MAX_SOURCES)
                return cli_fail(XG_EXIT_USAGE, "lists", 0, "too many --source");
            a->specs[a->nspecs++] = p.arg;
            break;
        case 'D':
            a->state = p.arg;
            break;
        case 'd':
            a->db = p.arg;
            break;
        case 't':
        case 'c':
        case 'm':
            if (!parse_positive(p.arg, &v))
                return cli_fail(XG_EXIT_USAGE, "lists", 0, "--%s '%s' is not a positive number",
                                p.opt->name, p.arg);
            if (c == 'm')
                a->opt.max_bytes = (long long)v;
            else
                *(c == 't' ? &a->opt.timeout_ms : &a->opt.connect_timeout_ms) =
                    (long)(v * 1000 + 0.5);
            break;
        default:
            return c == CLI_HELP ? -100 : cli_exit_code(c);
        }
    }
    if (p.noperands) return cli_fail(XG_EXIT_USAGE, "lists", 0, "update takes no operands");
    if (!a->state) a->state = getenv("XGATE_STATE_DIR");
    if (!a->state || !*a->state) a->state = DEFAULT_STATE_DIR;
    return 0;
}

static int load_sources(xg_feed_source **v, size_t *n, const update_args *a)
{
    if (!a->nspecs) {
        int rc = xg_feed_sources_read(v, n, a->sources_file);
        return rc ? fail_lib(rc, "sources") : 0;
    }
    *v = calloc(a->nspecs, sizeof **v);
    if (!*v) return cli_fail(XG_EXIT_ERROR, "lists", 0, "out of memory");
    for (size_t i = 0; i < a->nspecs; i++) {
        int rc = xg_feed_source_parse(&(*v)[i], a->specs[i]);
        if (rc) {
            xg_feed_sources_free(*v, i);
            return cli_fail(XG_EXIT_USAGE, "lists", 0, "%s", xg_error_message());
        }
        *n = i + 1;
    }
    return 0;
}

/* The state directory, created and made absolute (rows keep absolute paths). */
static int state_dir(char out[PATH_MAX], const char *dir)
{
    mkdir(dir, 0755);
    if (!realpath(dir, out))
        return cli_fail(XG_EXIT_ERROR, "lists", 0, "%s: cannot create the data directory", dir);
    return 0;
}

int lists_update(int argc, char **argv)
{
    update_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_update(&a, argc, argv);
    if (rc) return rc < 0 ? rc + 100 : rc;
    char state[PATH_MAX];
    if ((rc = state_dir(state, a.state))) return rc;
    a.opt.state_dir = state;
    xg_feed_source *sources = NULL;
    size_t n = 0;
    if ((rc = load_sources(&sources, &n, &a))) return rc;
    xg_store *s = NULL;
    if ((rc = store_cli_open(&s, "lists", a.db))) {
        xg_feed_sources_free(sources, n);
        return rc;
    }
    bar_state bar = {0};
    if (cli_stderr_is_tty()) {
        a.opt.progress = draw_bar;
        a.opt.progress_ud = &bar;
    }
    json_t *json = a.json ? json_array() : NULL;
    int exit_code = XG_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        if (!sources[i].enabled) continue;
        xg_feed_result r;
        int urc = xg_feed_update(&r, s, &sources[i], &a.opt);
        if (bar.width) fprintf(stderr, "\r%-70s\r", ""), bar.width = 0;
        if (urc) {
            exit_code = fail_lib(urc, sources[i].name);
            break;
        }
        print_result(&sources[i], &r, json);
        if (!strcmp(r.status, "refused")) exit_code = XG_EXIT_INPUT;
        fflush(stdout);
    }
    if (json) {
        json_t *root = json_pack("{s:o}", "results", json);
        store_cli_print(root, 1);
        json_decref(root);
    }
    xg_store_close(s);
    xg_feed_sources_free(sources, n);
    return exit_code;
}

/* ---- versions ---- */

static const cli_opt versions_opts[] = {
    {"source", 'S', 0, "NAME", "only this source's versions"},
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"},
    {"json", 'j', 0, NULL, "print JSON"},
    {"in-force", 'I', 0, NULL,
     "only the lists in force (fetched versions and the bundled files still loaded) with their "
     "age"},
    {"as-of", 'a', 0, "YYYY-MM-DD", "count the ages as of this date (default today)"},
    {0}};

const cli_spec lists_spec_versions = {
    .name = "lists versions",
    .summary = "Every list version fetched and every download refused, newest first; '*' marks "
               "the version in force. Then how old each list in force is, with a warning for the "
               "ones older than data/lists/freshness.tsv allows.",
    .usage =
        (const char *const[]){
            "[--source NAME] [--db URL] [--json] [--in-force] [--as-of YYYY-MM-DD]", NULL},
    .opts = versions_opts,
    .run = lists_versions,
};

/* The options `versions` and `diff` share (--source, --db, --json): -1 to go on, or an exit code.
 */
typedef struct store_args {
    const char *db, *source, *as_of;
    int json, in_force;
} store_args;

static int read_store_args(store_args *a, cli_parser *p, const cli_spec *spec, int argc,
                           char **argv)
{
    int c;
    cli_parser_init(p, spec, argc, argv);
    while ((c = cli_next(p)) != CLI_END) {
        if (c == 'j')
            a->json = 1;
        else if (c == 'd')
            a->db = p->arg;
        else if (c == 'S')
            a->source = p->arg;
        else if (c == 'I')
            a->in_force = 1;
        else if (c == 'a' && xg_date_valid(p->arg))
            a->as_of = p->arg;
        else if (c == 'a')
            return cli_fail(XG_EXIT_USAGE, "lists", 0, "--as-of '%s' is not YYYY-MM-DD", p->arg);
        else
            return cli_exit_code(c);
    }
    return -1;
}

/* The lists in force and their age; a warning line for each one older than its threshold. */
static void print_ages(const json_t *ages, int blank_line)
{
    if (blank_line) printf("\n");
    printf("lists in force:\n");
    size_t i, stale = 0;
    json_t *x;
    json_array_foreach(ages, i, x)
    {
        const char *origin = json_string_value(json_object_get(x, "origin"));
        bool store = !strcmp(origin, "store");
        const char *what = json_string_value(json_object_get(x, store ? "version" : "path"));
        const char *pd = json_string_value(json_object_get(x, "publish_date"));
        const char *from = json_string_value(json_object_get(x, "age_from"));
        const json_t *age = json_object_get(x, "age_days");
        printf("  %-10s %-8s %-40s ", json_string_value(json_object_get(x, "source")), origin,
               what ? what : "");
        if (pd)
            printf("published %s", pd);
        else if (store)
            printf("fetched %.10s", json_string_value(json_object_get(x, "fetched_at")));
        else
            printf("publish date unknown");
        if (json_is_integer(age))
            printf(", %s%lld days old", from && !strcmp(from, "publish_month") ? "about " : "",
                   (long long)json_integer_value(age));
        if (json_is_true(json_object_get(x, "stale"))) {
            printf("  STALE (older than %lld days)",
                   (long long)json_integer_value(json_object_get(x, "warn_after_days")));
            stale++;
        }
        printf("\n");
    }
    if (stale)
        printf("warning: %zu list%s in force %s older than data/lists/freshness.tsv allows; "
               "`xgate lists update` fetches the current versions\n",
               stale, stale == 1 ? "" : "s", stale == 1 ? "is" : "are");
}

int lists_versions(int argc, char **argv)
{
    store_args a = {0};
    cli_parser p;
    int prc = read_store_args(&a, &p, &lists_spec_versions, argc, argv);
    if (prc >= 0) return prc;
    const char *db = a.db, *source = a.source;
    int json = a.json;
    if (p.noperands) return cli_fail(XG_EXIT_USAGE, "lists", 0, "versions takes no operands");
    xg_store *s = NULL;
    int rc = store_cli_open(&s, "lists", db);
    if (rc) return rc;
    json_t *rows = NULL, *ages = NULL, *skipped = NULL;
    xg_feed_lists chosen;
    rc = xg_store_list_versions(&rows, s, source);
    if (!rc) rc = xg_feed_ages(&ages, s, a.as_of);
    /* the versions in force that a command would skip because their files are gone */
    if (!rc && !(rc = xg_feed_lists_choose(&chosen, s, NULL, 0))) {
        skipped = json_incref(chosen.skipped);
        xg_feed_lists_free(&chosen);
    }
    xg_store_close(s);
    if (rc) {
        json_decref(rows);
        json_decref(ages);
        return fail_lib(rc, "versions");
    }
    if (json) {
        json_t *root = a.in_force ? json_pack("{s:o,s:o}", "in_force", ages, "skipped", skipped)
                                  : json_pack("{s:o,s:o,s:o}", "versions", rows, "in_force", ages,
                                              "skipped", skipped);
        if (a.in_force) json_decref(rows);
        store_cli_print(root, 1);
        json_decref(root);
        return XG_EXIT_OK;
    }
    if (a.in_force) {
        json_decref(rows);
        rows = json_array();
    } else if (!json_array_size(rows)) {
        printf("no list versions yet (xgate lists update fetches them)\n");
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *status = json_string_value(json_object_get(r, "status"));
        json_t *e = json_object_get(r, "entries");
        const char *pd = json_string_value(json_object_get(r, "publish_date"));
        printf("%s %-10s %-32s %-24s %-8s",
               json_is_true(json_object_get(r, "in_force")) ? "*" : " ",
               json_string_value(json_object_get(r, "source")),
               json_string_value(json_object_get(r, "id")),
               json_string_value(json_object_get(r, "fetched_at")), status);
        if (json_is_integer(e)) printf(" %lld entries", (long long)json_integer_value(e));
        if (pd) printf(", published %s", pd);
        const char *ck = json_string_value(json_object_get(r, "checked_at"));
        if (ck)
            printf(", checked %s (%s)", ck,
                   json_string_value(json_object_get(r, "check_result"))
                       ? json_string_value(json_object_get(r, "check_result"))
                       : "unchanged");
        if (strcmp(status, "ok")) printf(" — %s", json_string_value(json_object_get(r, "reason")));
        printf("\n");
    }
    json_decref(rows);
    print_ages(ages, !a.in_force);
    json_decref(ages);
    json_array_foreach(skipped, i, r)
        printf("warning: version %s of %s is in force but its files are gone (%s); the bundled "
               "files of that list stand in\n",
               json_string_value(json_object_get(r, "id")),
               json_string_value(json_object_get(r, "source")),
               json_string_value(json_object_get(r, "reason")));
    json_decref(skipped);
    return XG_EXIT_OK;
}

/* ---- diff ---- */

/* OLD or NEW of `lists diff` as a loaded set: a path, a version id, current or previous. */
static int resolve_set(xg_listset **set, xg_store **s, const char *arg, const char *db,
                       const char *source)
{
    struct stat st;
    char *dir = NULL;
    int rc = 0;
    if (stat(arg, &st) != 0) {
        if (!*s && (rc = store_cli_open_existing(s, "lists", db))) return rc;
        if ((rc = xg_feed_version_dir(&dir, *s, arg, source))) {
            if (rc == XG_ENOTFOUND && strcmp(arg, "current") && strcmp(arg, "previous"))
                return cli_fail(XG_EXIT_INPUT, "lists", 0,
                                "'%s' is neither a file nor a list version id", arg);
            return cli_fail(rc == XG_EINVAL ? XG_EXIT_USAGE : XG_EXIT_INPUT, "lists", 0, "%s%s",
                            xg_error_message(), rc == XG_EINVAL ? " with --source" : "");
        }
    }
    char **paths = NULL;
    size_t n = 0;
    if (dir || S_ISDIR(st.st_mode))
        rc = xg_feed_version_paths(&paths, &n, dir ? dir : arg);
    else {
        paths = calloc(2, sizeof *paths);
        rc = paths && (paths[0] = strdup(arg)) ? XG_OK : XG_ENOMEM;
        n = 1;
    }
    free(dir);
    if (!rc) rc = xg_lists_load(set, (const char *const *)paths, n, 0);
    xg_feed_paths_free(paths);
    return rc ? fail_lib(rc, arg) : 0;
}

static void print_diff(const xg_lists_diff_result *d, int json)
{
    if (json) {
        json_t *root = xg_feed_diff_json(d);
        store_cli_print(root, 1);
        json_decref(root);
        return;
    }
    static const char *const words[] = {"added  ", "removed", "changed"};
    for (size_t i = 0; i < d->nentries; i++) {
        const xg_diff_entry *e = &d->entries[i];
        const xg_record *r = e->new_record ? e->new_record : e->old_record;
        printf("%s %s %s", words[e->kind], e->id, r->name);
        for (unsigned b = 0, first = 1; b < XG_DIFF_NFIELDS; b++)
            if (e->fields & (1u << b)) {
                printf("%s%s", first ? ": " : ", ", xg_diff_field_name(1u << b));
                first = 0;
            }
        printf("\n");
    }
    printf("%zu added, %zu removed, %zu changed, %zu unchanged\n", d->added, d->removed, d->changed,
           d->unchanged);
}

static const cli_opt diff_opts[] = {
    {"source", 'S', 0, "NAME", "with version words (current, previous): this source's versions"},
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"},
    {"json", 'j', 0, NULL, "print JSON"},
    {0}};

const cli_spec lists_spec_diff = {
    .name = "lists diff",
    .summary = "Entries added, removed and changed between two versions of a list, keyed by "
               "each list's entry id, with the fields that changed.",
    .usage = (const char *const[]){"OLD NEW [--source NAME] [--db URL] [--json]", NULL},
    .description = "OLD and NEW: a list file or directory, a version id, 'current' or "
                   "'previous'.",
    .opts = diff_opts,
    .run = lists_diff,
};

int lists_diff(int argc, char **argv)
{
    const char *args[2] = {NULL, NULL};
    store_args a = {0};
    cli_parser p;
    int prc = read_store_args(&a, &p, &lists_spec_diff, argc, argv);
    if (prc >= 0) return prc;
    const char *db = a.db, *source = a.source;
    int json = a.json;
    if (p.noperands != 2) return cli_fail(XG_EXIT_USAGE, "lists", 0, "diff needs OLD and NEW");
    args[0] = cli_operands(&p)[0];
    args[1] = cli_operands(&p)[1];
    xg_store *s = NULL;
    xg_listset *old_set = NULL, *new_set = NULL;
    int rc = resolve_set(&old_set, &s, args[0], db, source);
    if (!rc) rc = resolve_set(&new_set, &s, args[1], db, source);
    xg_store_close(s);
    xg_lists_diff_result *d = NULL;
    if (!rc) {
        int drc = xg_lists_diff(&d, old_set, new_set);
        if (drc) rc = fail_lib(drc, "diff");
    }
    if (!rc) print_diff(d, json);
    xg_lists_diff_free(d);
    xg_listset_free(old_set);
    xg_listset_free(new_set);
    return rc;
}
