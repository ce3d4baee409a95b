/*
 * main.c — the `xgate` command: dispatches to one subcommand per file (cmd_<name>.c).
 * Subcommands are weak references so that the command builds while parts are being added; a
 * subcommand that is not linked in is reported as unknown, never silently ignored.
 */
#include "cli/cli.h"
#include "xgate/error.h"

#include <stdarg.h>
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
    X(scan, "scan tender and procurement documents")

#define DECLARE(name, help) int cmd_##name(int argc, char **argv) __attribute__((weak));
XG_COMMANDS(DECLARE)

struct command {
    const char *name, *help;
    int (*fn)(int, char **);
};

static int usage(FILE *f)
{
#define ENTRY(name, help) {#name, help, cmd_##name},
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

int main(int argc, char **argv)
{
    struct command cmds[] = {XG_COMMANDS(ENTRY)};
    if (argc < 2) return usage(stderr);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
        return usage(stdout);
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("xgate 0.1.0\n");
        return XG_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
        if (!strcmp(argv[1], cmds[i].name) && cmds[i].fn) return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "xgate: unknown command '%s'\n", argv[1]);
    return usage(stderr);
}
