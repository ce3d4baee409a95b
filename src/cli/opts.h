/*
 * opts.h — the one way every `xgate` subcommand reads its command line, and the one table each of
 * them writes its options in. The same table prints `--help`, generates the man page
 * (`xgate help --man CMD`) and drives the parser, so the three cannot disagree.
 *
 * Parsing follows GNU tools: options may come before or after operands (`xgate screen "Sichuan
 * University" --json`), `--` ends options (a name may start with '-'), `--opt=value` and
 * `--opt value` both work, a long option may be shortened to a unique prefix, short flags bundle
 * (`-jp`), and an unknown option, a missing argument or an argument given to a flag is an error
 * naming the option (exit 2). `--help` and `-h` print the help on stdout.
 *
 * This file does not depend on the rest of the CLI (it prints its own messages), so the unit
 * tests and the fuzz target link it alone.
 */
#ifndef XG_CLI_OPTS_H
#define XG_CLI_OPTS_H

#include <stdio.h>

/* One option. `key` is what cli_next() returns for it; `short_name` is its one-letter form or 0.
 * `arg` names its argument ("PATH") and is NULL for a flag. `help` is one or more sentences. */
typedef struct cli_opt {
    const char *name;
    int key;
    char short_name;
    const char *arg;
    const char *help;
} cli_opt;

/* One command or subcommand ("screen", "lists info"). `usage` holds the synopsis lines (what
 * follows "xgate NAME "), NULL-terminated. `description` is plain text: paragraphs separated by a
 * blank line; a line starting with two spaces is kept as is (examples, tables). `opts` ends with
 * an all-zero entry. A command with subcommands lists them in `subs` (NULL-terminated), and each
 * subcommand has its `run` function (argv[0] is the subcommand's word). */
typedef struct cli_spec {
    const char *name;
    const char *summary;
    const char *const *usage;
    const char *description;
    const cli_opt *opts;
    const struct cli_spec *const *subs;
    int (*run)(int argc, char **argv);
} cli_spec;

/* What cli_next() returns besides an option's key. */
enum { CLI_END = -1, CLI_HELP = -2, CLI_ERROR = -3 };

/* The parser's state. Operands are gathered, in order, into argv[1 .. 1 + noperands) as the
 * options are read (argv is reordered in place, as GNU getopt does); read them after CLI_END with
 * cli_operands(). */
typedef struct cli_parser {
    const cli_spec *spec;
    int argc;
    char **argv;
    int next;           /* the next argv element to read */
    int noperands;      /* operands gathered so far */
    const char *bundle; /* the rest of a bundle of short flags ("-jp"), or NULL */
    int done;           /* `--` seen: everything after is an operand */
    const char *arg;    /* the argument of the option just returned (NULL for a flag) */
    const cli_opt *opt; /* the option just returned */
    FILE *err;          /* where messages go (stderr) */
} cli_parser;

void cli_parser_init(cli_parser *p, const cli_spec *spec, int argc, char **argv);

/* The next option's key (its argument in p->arg), or CLI_END when every argument has been read,
 * or CLI_HELP after printing the help on stdout, or CLI_ERROR after printing a one-line message
 * naming the bad option on p->err. */
int cli_next(cli_parser *p);

/* The operands, valid after CLI_END. */
static inline char **cli_operands(const cli_parser *p)
{
    return p->argv + 1;
}

/* The exit code for CLI_HELP (0) or CLI_ERROR (2). */
int cli_exit_code(int c);

/* Print a one-line error "xgate NAME: message" on p->err and return CLI_ERROR. */
int cli_parser_fail(cli_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The synopsis ("usage: xgate NAME …" lines) of a command, or of each subcommand of a family. */
void cli_usage(const cli_spec *spec, FILE *f);

/* The whole help: synopsis, summary, description, options (every subcommand's for a family). */
void cli_help(const cli_spec *spec, FILE *f);

/* The man page of a command (xgate-NAME(1)) in roff. `date` goes into the header. */
void cli_man(const cli_spec *spec, const char *date, FILE *f);

/* Write `s` as roff text (escaped; non-ASCII as \[uXXXX]) followed by a newline. */
void cli_roff_line(FILE *f, const char *s);

/* Run a command with subcommands: find the subcommand word (the first operand, wherever the
 * options are) and call its run() with the word as argv[0] and every other argument after it.
 * `--help` before any subcommand prints the family's help. Returns the exit code. */
int cli_run_subcommand(const cli_spec *family, int argc, char **argv);

#endif
