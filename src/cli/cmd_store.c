/*
 * cmd_store.c — `xgate store migrate|copy`: the store itself.
 *
 *   xgate store migrate [--db URL]            apply pending schema migrations; print the version
 *   xgate store copy --from URL --to URL      copy every table into an empty store, then verify
 *                                             the copied audit chain
 *
 * URLs: sqlite:PATH, postgresql://…, postgres://… or a libpq conninfo string (docs/store.md).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "cli/store_cli.h"
#include "xgate/error.h"

static const cli_opt migrate_opts[] = {
    {"db", 'd', 0, "URL", "the store (default $XGATE_DB, else sqlite:./xgate.db)"}, {0}};
static const cli_opt copy_opts[] = {
    {"from", 'f', 0, "URL", "the store to copy (sqlite:PATH, postgresql://…)"},
    {"to", 't', 0, "URL", "the destination store: new or empty"},
    {0}};

static int run_migrate(int argc, char **argv);
static int run_copy(int argc, char **argv);

static const cli_spec spec_migrate = {
    .name = "store migrate",
    .summary = "Apply the pending schema migrations and print the schema version.",
    .usage = (const char *const[]){"[--db URL]", NULL},
    .description = "Every command migrates the store it opens; this one does only that, so a "
                   "deployment can migrate once before starting its nodes. A store whose schema "
                   "is newer than this xgate is refused.",
    .opts = migrate_opts,
    .run = run_migrate,
};
static const cli_spec spec_copy = {
    .name = "store copy",
    .summary = "Copy a whole store into another (e.g. SQLite to PostgreSQL), then verify it.",
    .usage = (const char *const[]){"--from URL --to URL", NULL},
    .description = "The source is read in one consistent snapshot (it may keep running); the "
                   "destination must be empty and is written in one transaction. Exit 0 when the "
                   "copied audit chain verifies, 1 when it does not.",
    .opts = copy_opts,
    .run = run_copy,
};

const cli_spec cli_spec_store = {
    .name = "store",
    .summary = "Migrate or copy the store (SQLite or PostgreSQL).",
    .subs = (const cli_spec *const[]){&spec_migrate, &spec_copy, NULL},
};

static int options(const char **a, const char **b, const cli_spec *spec, int argc, char **argv)
{
    cli_parser p;
    int c;
    cli_parser_init(&p, spec, argc, argv);
    while ((c = cli_next(&p)) != CLI_END) {
        if (c == 'd' || c == 'f')
            *a = p.arg;
        else if (c == 't')
            *b = p.arg;
        else
            return cli_exit_code(c);
    }
    if (p.noperands) {
        cli_usage(spec, stderr);
        return cli_fail(XG_EXIT_USAGE, spec->name, 0, "unexpected argument '%s'",
                        cli_operands(&p)[0]);
    }
    return -1;
}

static int run_migrate(int argc, char **argv)
{
    const char *db = NULL, *unused = NULL;
    int rc = options(&db, &unused, &spec_migrate, argc, argv);
    if (rc >= 0) return rc;
    xg_store *s;
    if ((rc = store_cli_open(&s, "store migrate", db))) return rc;
    json_t *info;
    if (xg_store_info(&info, s)) {
        rc = cli_fail(XG_EXIT_ERROR, "store migrate", 1, "cannot read the schema version");
    } else {
        store_cli_print(info, 1);
        json_decref(info);
    }
    xg_store_close(s);
    return rc;
}

static int run_copy(int argc, char **argv)
{
    const char *from = NULL, *to = NULL;
    int rc = options(&from, &to, &spec_copy, argc, argv);
    if (rc >= 0) return rc;
    if (!from || !to) {
        cli_usage(&spec_copy, stderr);
        return cli_fail(XG_EXIT_USAGE, "store copy", 0, "--from and --to are required");
    }
    if (!strcmp(from, to))
        return cli_fail(XG_EXIT_USAGE, "store copy", 0, "--from and --to name the same store");
    json_t *report = NULL;
    rc = xg_store_copy(&report, from, to);
    if (report) store_cli_print(report, 1);
    json_decref(report);
    if (rc == XG_ECORRUPT) return cli_fail(XG_EXIT_INPUT, "store copy", 1, "copied");
    if (rc) return cli_fail(XG_EXIT_ERROR, "store copy", 1, "failed");
    return XG_EXIT_OK;
}

int cmd_store(int argc, char **argv)
{
    return cli_run_subcommand(&cli_spec_store, argc, argv);
}
