/* The command-line parser of src/cli/opts.c on its own: GNU order (options after operands), `--`,
 * --opt=value, short bundles, unique prefixes, and each error naming the option. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"

static const cli_opt opts[] = {
    {"list", 'l', 'l', "PATH", "a list"}, {"limit", 'n', 'n', "N", "a limit"},
    {"json", 'j', 'j', NULL, "JSON"},     {"person", 'p', 'p', NULL, "a person"},
    {"as-of", 'a', 0, "DATE", "a date"},  {0}};
static const char *const usage[] = {"[options] NAME", NULL};
static const cli_spec spec = {.name = "t", .summary = "Test.", .usage = usage, .opts = opts};

/* Parse a space-separated command line; the keys seen go to `keys` as "k=arg;" or "k;", the
 * operands to `ops` joined by '|', messages to `err`. Returns the last cli_next() value. */
static char keys[512], ops[512], err[512];

static int parse(const char *line)
{
    static char buf[512];
    char *argv[32];
    int argc = 0;
    snprintf(buf, sizeof buf, "t %s", line);
    for (char *tok = strtok(buf, " "); tok && argc < 31; tok = strtok(NULL, " "))
        argv[argc++] = strcmp(tok, "<empty>") ? tok : (char *)"";
    argv[argc] = NULL;
    keys[0] = ops[0] = err[0] = 0;
    FILE *e = fmemopen(err, sizeof err, "w");
    cli_parser p;
    cli_parser_init(&p, &spec, argc, argv);
    p.err = e;
    int c;
    while ((c = cli_next(&p)) >= 0) {
        size_t n = strlen(keys);
        snprintf(keys + n, sizeof keys - n, p.arg ? "%c=%s;" : "%c;", c, p.arg);
    }
    fclose(e);
    for (int i = 0; c == CLI_END && i < p.noperands; i++) {
        size_t n = strlen(ops);
        snprintf(ops + n, sizeof ops - n, "%s%s", i ? "|" : "", cli_operands(&p)[i]);
    }
    return c;
}

Test(cli_opts, options_before_and_after_operands)
{
    cr_assert_eq(parse("Sichuan University --json"), CLI_END);
    cr_assert_str_eq(keys, "j;");
    cr_assert_str_eq(ops, "Sichuan|University");
    cr_assert_eq(parse("--list a.csv Sichuan -n 3 University --as-of 2025-01-01"), CLI_END);
    cr_assert_str_eq(keys, "l=a.csv;n=3;a=2025-01-01;");
    cr_assert_str_eq(ops, "Sichuan|University");
}

Test(cli_opts, double_dash_ends_options)
{
    cr_assert_eq(parse("--json -- -foo --list x"), CLI_END);
    cr_assert_str_eq(keys, "j;");
    cr_assert_str_eq(ops, "-foo|--list|x");
    cr_assert_eq(parse("- --json"), CLI_END); /* "-" alone is an operand (stdin) */
    cr_assert_str_eq(ops, "-");
}

Test(cli_opts, value_forms)
{
    cr_assert_eq(parse("--list=a=b.csv --limit 5 -lc.csv -n7 x"), CLI_END);
    cr_assert_str_eq(keys, "l=a=b.csv;n=5;l=c.csv;n=7;");
    cr_assert_eq(parse("--list <empty> x"), CLI_END); /* an empty value is a value */
    cr_assert_str_eq(keys, "l=;");
    cr_assert_eq(parse("--limit -1 x"), CLI_END); /* a value may start with '-' */
    cr_assert_str_eq(keys, "n=-1;");
}

Test(cli_opts, short_bundles)
{
    cr_assert_eq(parse("-jp x"), CLI_END);
    cr_assert_str_eq(keys, "j;p;");
    cr_assert_eq(parse("-jl a.csv x"), CLI_END);
    cr_assert_str_eq(keys, "j;l=a.csv;");
    cr_assert_eq(parse("-jla.csv x"), CLI_END);
    cr_assert_str_eq(keys, "j;l=a.csv;");
}

Test(cli_opts, prefixes)
{
    cr_assert_eq(parse("--js --per x"), CLI_END);
    cr_assert_str_eq(keys, "j;p;");
    cr_assert_eq(parse("--li x"), CLI_ERROR);
    cr_assert(strstr(err, "ambiguous option '--li'"), "%s", err);
}

Test(cli_opts, errors_name_the_option)
{
    cr_assert_eq(parse("x --jsn"), CLI_ERROR);
    cr_assert(strstr(err, "xgate t: unknown option '--jsn'"), "%s", err);
    cr_assert_eq(parse("x -Z"), CLI_ERROR);
    cr_assert(strstr(err, "unknown option '-Z'"), "%s", err);
    cr_assert_eq(parse("x --list"), CLI_ERROR);
    cr_assert(strstr(err, "option '--list' needs an argument (PATH)"), "%s", err);
    cr_assert_eq(parse("x -l"), CLI_ERROR);
    cr_assert(strstr(err, "option '-l' needs an argument (PATH)"), "%s", err);
    cr_assert_eq(parse("--json=yes x"), CLI_ERROR);
    cr_assert(strstr(err, "option '--json' takes no argument"), "%s", err);
    cr_assert_eq(cli_exit_code(CLI_ERROR), 2);
    cr_assert_eq(cli_exit_code(CLI_HELP), 0);
}

Test(cli_opts, help_from_the_table)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cli_help(&spec, f);
    fclose(f);
    cr_assert(strstr(text, "usage: xgate t [options] NAME"), "%s", text);
    cr_assert(strstr(text, "  -l, --list PATH"), "%s", text);
    cr_assert(strstr(text, "      --as-of DATE"), "%s", text);
    cr_assert(strstr(text, "  -h, --help"), "%s", text);
    free(text);
    f = open_memstream(&text, &len);
    cli_man(&spec, "2026", f);
    fclose(f);
    cr_assert(strstr(text, ".TH XGATE-T 1"), "%s", text);
    cr_assert(strstr(text, "\\fB\\-l\\fR, \\fB\\-\\-list\\fR \\fIPATH\\fR"), "%s", text);
    cr_assert(strstr(text, "\\fB\\-\\-as\\-of\\fR \\fIDATE\\fR"), "%s", text);
    free(text);
}
