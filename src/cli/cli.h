/*
 * cli.h — what the `xgate` subcommands share. Each subcommand lives in its own file
 * src/cli/cmd_<name>.c and defines `int cmd_<name>(int argc, char **argv)` returning the process
 * exit code (argv[0] is the subcommand name), and its option table `const cli_spec
 * cli_spec_<name>` (opts.h), from which its command line is read and its --help and man page are
 * printed. main.c finds both by name.
 *
 * Exit codes: 0 success (whatever a screening or decision found), 1 a run that found bad input
 * (unreadable files, unknown items), 2 usage errors, 3 internal/IO errors.
 */
#ifndef XG_CLI_H
#define XG_CLI_H

#include <stdio.h>

enum { XG_EXIT_OK = 0, XG_EXIT_INPUT = 1, XG_EXIT_USAGE = 2, XG_EXIT_ERROR = 3 };

/* Print "xgate <cmd>: <message>\n" to stderr, with the library's last error message when
 * `with_lib_error` is set. Returns `code`. */
int cli_fail(int code, const char *cmd, int with_lib_error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* True when stderr is a terminal (progress bars only then). */
int cli_stderr_is_tty(void);

#endif
