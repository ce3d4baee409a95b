/*
 * main.c — the `xgate` command: dispatches to one subcommand per file (cmd_<name>.c).
 * Subcommands are weak references so that the command builds while parts are being added; a
 * subcommand that is not linked in is reported as unknown, never silently ignored.
 */
#include "cli/cli.h"
#include "cli/opts.h"
#include "xgate/error.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XG_COMMANDS(X)                                                                             \
    X(screen, "screen names against restricted-party lists")                                       \
    X(lists, "inspect list files: `xgate lists info --list PATH …`")                               \
    X(classify, "classify chips, systems, cloud instances and model services")                     \
    X(catalog, "list the hardware and model catalog")                                              \
    X(decide, "decide an access request (ALLOW, REVIEW, LICENSE_REQUIRED, DENY)")                  \
    X(customers, "manage customer identification records")                                         \
    X(licenses, "manage licenses on file")                                                         \
    X(review, "list and resolve decisions waiting for review")                                     \
    X(monitor, "re-screen stored parties against what changed in the lists")                       \
    X(alerts, "list and resolve monitoring alerts")                                                \
    X(audit, "verify the tamper-evident audit chain")                                              \
    X(keys, "create API keys for the HTTP service")                                                \
    X(serve, "run the HTTP API and the analyst console")                                           \
    X(scan, "scan tender and procurement documents")                                               \
    X(usage, "compute accounting: import billing usage, report compute per customer")              \
    X(store, "migrate the store or copy it to another (SQLite, PostgreSQL)")

#define DECLARE(name, help)                                                                        \
    int cmd_##name(int argc, char **argv) __attribute__((weak));                                   \
    extern const cli_spec cli_spec_##name __attribute__((weak));
XG_COMMANDS(DECLARE)

/* The date in the man pages' header: fixed, so that a rebuild gives the same pages
 * ($XGATE_MAN_DATE overrides it). */
#define XG_MAN_DATE "2026-12"

struct command {
    const char *name, *help;
    int (*fn)(int, char **);
    const cli_spec *spec; /* its options, for `xgate help` and the man pages */
};

static int usage(FILE *f)
{
#define ENTRY(name, help) {#name, help, cmd_##name, &cli_spec_##name},
    struct command cmds[] = {XG_COMMANDS(ENTRY)};
    fprintf(f, "usage: xgate <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (cmds[i].fn) fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
    fprintf(f, "\n`xgate <command> --help` for a command's options.\n");
    return f == stdout ? XG_EXIT_OK : XG_EXIT_USAGE;
}

int cli_fail(int code, const char *cmd, int with_lib_error, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "xgate %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (with_lib_error && xg_error_message()[0]) fprintf(stderr, ": %s", xg_error_message());
    fputc('\n', stderr);
    return code;
}

int cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO);
}

/* xgate(1): the command list, from the same table as `xgate --help`. */
static void man_index(const struct command *cmds, size_t n, const char *date)
{
    printf(".TH XGATE 1 \"%s\" \"xgate\" \"xgate manual\"\n.SH NAME\nxgate \\- export\\-control "
           "screening: parties, chips and models, access decisions, tenders\n.SH SYNOPSIS\n"
           "\\fBxgate\\fR \\fICOMMAND\\fR [\\fIoptions\\fR] [\\fIoperands\\fR]\n"
           ".SH DESCRIPTION\nxgate screens parties against restricted\\-party lists, classifies "
           "chips, systems, cloud instances and model services under the US export rules, decides "
           "access requests with cited reasons in a tamper\\-evident audit log, and scans tender "
           "documents.\n.PP\nOptions may come before or after operands; \\fB\\-\\-\\fR ends "
           "the options; \\fBxgate\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR prints a "
           "command's options.\n.SH COMMANDS\n",
           date);
    for (size_t i = 0; i < n; i++)
        if (cmds[i].fn && cmds[i].spec) {
            printf(".TP\n\\fB%s\\fR\n", cmds[i].name);
            cli_roff_line(stdout, cmds[i].spec->summary);
            printf(".br\nSee \\fBxgate\\-%s\\fR(1).\n", cmds[i].name);
        }
    printf(".SH ENVIRONMENT\n.TP\n\\fBXGATE_DB\\fR\nthe store URL when \\fB\\-\\-db\\fR is "
           "not given (default sqlite:./xgate.db)\n.TP\n\\fBXGATE_DATA\\fR\nthe data directory "
           "(default: data/ beside the binary)\n.SH EXIT STATUS\n0 success (whatever a screening "
           "or decision found), 1 bad input, 2 usage errors, 3 internal or I/O errors.\n");
}

/* `xgate help [CMD]`, and the hidden forms the build uses: `xgate help --man [CMD]` (roff on
 * stdout) and `xgate help --commands` (the command names, one a line). */
static int help(const struct command *cmds, size_t n, int argc, char **argv)
{
    int man = argc > 2 && !strcmp(argv[2], "--man");
    const char *name = argc > 2 + man ? argv[2 + man] : NULL;
    const char *date = getenv("XGATE_MAN_DATE") ? getenv("XGATE_MAN_DATE") : XG_MAN_DATE;
    if (name && !strcmp(name, "--commands")) {
        for (size_t i = 0; i < n; i++)
            if (cmds[i].fn && cmds[i].spec) printf("%s\n", cmds[i].name);
        return XG_EXIT_OK;
    }
    if (!name) {
        if (!man) return usage(stdout);
        man_index(cmds, n, date);
        return XG_EXIT_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name, cmds[i].name) && cmds[i].fn && cmds[i].spec) {
            if (man)
                cli_man(cmds[i].spec, date, stdout);
            else
                cli_help(cmds[i].spec, stdout);
            return XG_EXIT_OK;
        }
    fprintf(stderr, "xgate help: unknown command '%s'\n", name);
    return XG_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    struct command cmds[] = {XG_COMMANDS(ENTRY)};
    size_t ncmds = sizeof cmds / sizeof *cmds;
    if (argc < 2) return usage(stderr);
    if (!strcmp(argv[1], "help")) return help(cmds, ncmds, argc, argv);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) return usage(stdout);
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("xgate 0.1.0\n");
        return XG_EXIT_OK;
    }
    for (size_t i = 0; i < ncmds; i++)
        if (!strcmp(argv[1], cmds[i].name) && cmds[i].fn) return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "xgate: unknown command '%s'\n", argv[1]);
    return usage(stderr);
}
