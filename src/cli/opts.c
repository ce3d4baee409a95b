/*
 * opts.c — the command-line parser, `--help` and man pages of every `xgate` subcommand, all read
 * from the subcommand's cli_spec table (see opts.h for the rules the parser follows).
 *
 * The parser walks argv once and moves operands to the front as it goes, so it needs no memory
 * of its own; a subcommand reads its options in a loop over cli_next(), in the order given.
 */
#include "cli/opts.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HELP_WIDTH 80
#define HELP_COLUMN 26

static const cli_opt help_opt = {"help", CLI_HELP, 'h', NULL, "print this help and exit"};

void cli_parser_init(cli_parser *p, const cli_spec *spec, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->spec = spec;
    p->argc = argc;
    p->argv = argv;
    p->next = 1;
    p->err = stderr;
}

int cli_exit_code(int c)
{
    return c == CLI_HELP ? 0 : 2;
}

int cli_parser_fail(cli_parser *p, const char *fmt, ...)
{
    va_list ap;
    fprintf(p->err, "xgate %s: ", p->spec->name);
    va_start(ap, fmt);
    vfprintf(p->err, fmt, ap);
    va_end(ap);
    fprintf(p->err, " (xgate %s --help lists the options)\n", p->spec->name);
    return CLI_ERROR;
}

/* The option named `name` (`len` bytes): an exact match, else the only option it is a prefix of.
 * NULL with *ambiguous set when several options start with it. */
static const cli_opt *find_long(const cli_opt *opts, const char *name, size_t len, int *ambiguous)
{
    const cli_opt *found = NULL;
    int n = 0;
    *ambiguous = 0;
    if (len == 4 && !strncmp(name, "help", 4)) return &help_opt;
    for (const cli_opt *o = opts; o && o->name; o++) {
        if (strlen(o->name) == len && !strncmp(o->name, name, len)) return o;
        if (strlen(o->name) > len && !strncmp(o->name, name, len)) found = o, n++;
    }
    if (!n && len && len < 4 && !strncmp("help", name, len)) return &help_opt;
    if (n > 1) *ambiguous = 1;
    return n == 1 ? found : NULL;
}

static const cli_opt *find_short(const cli_opt *opts, char c)
{
    for (const cli_opt *o = opts; o && o->name; o++)
        if (o->short_name == c) return o;
    return c == 'h' ? &help_opt : NULL;
}

static int take(cli_parser *p, const cli_opt *o, const char *attached, const char *as_written)
{
    p->opt = o;
    p->arg = NULL;
    if (o == &help_opt) {
        if (attached) return cli_parser_fail(p, "option '%s' takes no argument", as_written);
        cli_help(p->spec, stdout);
        return CLI_HELP;
    }
    if (!o->arg) {
        if (attached) return cli_parser_fail(p, "option '%s' takes no argument", as_written);
        return o->key;
    }
    if (attached)
        p->arg = attached;
    else if (p->next < p->argc)
        p->arg = p->argv[p->next++];
    else
        return cli_parser_fail(p, "option '%s' needs an argument (%s)", as_written, o->arg);
    return o->key;
}

static int next_short(cli_parser *p)
{
    char c = *p->bundle++;
    const cli_opt *o = find_short(p->spec->opts, c);
    if (!o) {
        p->bundle = NULL;
        return cli_parser_fail(p, "unknown option '-%c'", c);
    }
    char written[3] = {'-', c, 0};
    const char *rest = *p->bundle && o->arg ? p->bundle : NULL;
    if (o->arg || !*p->bundle) p->bundle = NULL;
    return take(p, o, rest, written);
}

int cli_next(cli_parser *p)
{
    if (p->bundle) return next_short(p);
    while (p->next < p->argc) {
        char *a = p->argv[p->next++];
        if (p->done || a[0] != '-' || !a[1]) {
            p->argv[1 + p->noperands++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            p->done = 1;
            continue;
        }
        if (a[1] != '-') {
            p->bundle = a + 1;
            return next_short(p);
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int ambiguous;
        const cli_opt *o = find_long(p->spec->opts, name, len, &ambiguous);
        if (!o)
            return cli_parser_fail(p, "%s option '--%.*s'", ambiguous ? "ambiguous" : "unknown",
                                   (int)len, name);
        char written[64];
        snprintf(written, sizeof written, "--%s", o->name);
        return take(p, o, eq ? eq + 1 : NULL, written);
    }
    if (p->argc > 1 + p->noperands) p->argv[1 + p->noperands] = NULL;
    return CLI_END;
}

/* ---- help ---- */

/* Print `text` (one paragraph, words split on white space) wrapped to HELP_WIDTH, the first line
 * starting at column `col`, the others indented by `indent`. */
static void wrap(FILE *f, const char *text, int col, int indent)
{
    const char *s = text;
    int first = 1;
    while (*s) {
        while (*s == ' ' || *s == '\n')
            s++;
        if (!*s) break;
        size_t n = strcspn(s, " \n");
        int w = 0; /* width in characters, not bytes */
        for (size_t i = 0; i < n; i++)
            w += ((unsigned char)s[i] & 0xC0) != 0x80;
        if (!first && col + 1 + w > HELP_WIDTH) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (!first) {
            fputc(' ', f);
            col++;
        }
        fwrite(s, 1, n, f);
        col += w;
        first = 0;
        s += n;
    }
    fputc('\n', f);
}

/* Call fn for each paragraph of a description: `verbatim` when its lines start with two spaces. */
static void each_paragraph(const char *text, void (*fn)(FILE *, const char *, size_t, int), FILE *f)
{
    const char *s = text;
    while (s && *s) {
        const char *end = strstr(s, "\n\n");
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n) fn(f, s, n, s[0] == ' ' && s[1] == ' ');
        s = end ? end + 2 : NULL;
    }
}

static void help_paragraph(FILE *f, const char *s, size_t n, int verbatim)
{
    fputc('\n', f);
    if (verbatim) {
        fwrite(s, 1, n, f);
        fputc('\n', f);
        return;
    }
    char *copy = strndup(s, n);
    if (copy) wrap(f, copy, 0, 0);
    free(copy);
}

void cli_usage(const cli_spec *spec, FILE *f)
{
    if (spec->subs) {
        int first = 1;
        for (const cli_spec *const *s = spec->subs; *s; s++)
            for (const char *const *u = (*s)->usage; u && *u; u++, first = 0)
                fprintf(f, "%s xgate %s%s%s\n", first ? "usage:" : "      ", (*s)->name,
                        **u ? " " : "", *u);
        return;
    }
    for (const char *const *u = spec->usage; u && *u; u++)
        fprintf(f, "%s xgate %s%s%s\n", u == spec->usage ? "usage:" : "      ", spec->name,
                **u ? " " : "", *u);
}

static void help_option(FILE *f, const cli_opt *o)
{
    char head[128];
    int n = snprintf(head, sizeof head, "  %c%c%s--%s%s%s", o->short_name ? '-' : ' ',
                     o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
    fputs(head, f);
    if (n + 2 > HELP_COLUMN) {
        fprintf(f, "\n%*s", HELP_COLUMN, "");
    } else {
        fprintf(f, "%*s", HELP_COLUMN - n, "");
    }
    wrap(f, o->help, HELP_COLUMN, HELP_COLUMN);
}

static void help_one(const cli_spec *spec, FILE *f)
{
    cli_usage(spec, f);
    fputc('\n', f);
    wrap(f, spec->summary, 0, 0);
    each_paragraph(spec->description, help_paragraph, f);
    fprintf(f, "\noptions:\n");
    for (const cli_opt *o = spec->opts; o && o->name; o++)
        help_option(f, o);
    help_option(f, &help_opt);
}

void cli_help(const cli_spec *spec, FILE *f)
{
    if (!spec->subs) {
        help_one(spec, f);
        return;
    }
    cli_usage(spec, f);
    fputc('\n', f);
    wrap(f, spec->summary, 0, 0);
    each_paragraph(spec->description, help_paragraph, f);
    for (const cli_spec *const *s = spec->subs; *s; s++) {
        fprintf(f, "\n---- xgate %s ----\n", (*s)->name);
        help_one(*s, f);
    }
}

/* ---- man pages ---- */

/* Text for roff: backslashes and hyphens escaped, non-ASCII characters as \[uXXXX] (so groff needs
 * no preprocessor), a leading '.' or '\'' guarded. */
static void roff_text(FILE *f, const char *s, size_t n)
{
    if (n && (s[0] == '.' || s[0] == '\'')) fputs("\\&", f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\')
            fputs("\\e", f);
        else if (c == '-')
            fputs("\\-", f);
        else if (c == '\n') {
            fputc('\n', f);
            if (i + 1 < n && (s[i + 1] == '.' || s[i + 1] == '\'')) fputs("\\&", f);
        } else if (c < 0x80)
            fputc(c, f);
        else {
            unsigned cp = 0;
            int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
            cp = c & (0x3F >> more);
            for (int k = 0; k < more && i + 1 < n; k++)
                cp = (cp << 6) | ((unsigned char)s[++i] & 0x3F);
            fprintf(f, "\\[u%04X]", cp);
        }
    }
}

void cli_roff_line(FILE *f, const char *s)
{
    roff_text(f, s, strlen(s));
    fputc('\n', f);
}

static void man_paragraph(FILE *f, const char *s, size_t n, int verbatim)
{
    fputs(verbatim ? ".PP\n.nf\n" : ".PP\n", f);
    /* filled text: one input line per source line, stripped of leading blanks */
    const char *end = s + n;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const char *t = s;
        if (!verbatim)
            while (t < s + len && *t == ' ')
                t++;
        if (s + len > t) {
            if (verbatim && *t == ' ') fputs("\\&", f);
            roff_text(f, t, (size_t)(s + len - t));
            fputc('\n', f);
        }
        s += len + (nl != NULL);
    }
    if (verbatim) fputs(".fi\n", f);
}

static void man_option(FILE *f, const cli_opt *o)
{
    fputs(".TP\n", f);
    if (o->short_name) fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", f);
    roff_text(f, o->name, strlen(o->name));
    fputs("\\fR", f);
    if (o->arg) {
        fputs(" \\fI", f);
        roff_text(f, o->arg, strlen(o->arg));
        fputs("\\fR", f);
    }
    fputc('\n', f);
    cli_roff_line(f, o->help);
}

static void man_synopsis(FILE *f, const cli_spec *spec)
{
    for (const char *const *u = spec->usage; u && *u; u++) {
        fputs(u == spec->usage ? "" : ".br\n", f);
        fputs("\\fBxgate ", f);
        roff_text(f, spec->name, strlen(spec->name));
        fputs(**u ? "\\fR " : "\\fR", f);
        cli_roff_line(f, *u);
    }
}

static void man_options(FILE *f, const cli_spec *spec)
{
    for (const cli_opt *o = spec->opts; o && o->name; o++)
        man_option(f, o);
    man_option(f, &help_opt);
}

static void man_header(FILE *f, const char *title, const char *name, const char *summary,
                       const char *date)
{
    fprintf(f, ".TH %s 1 \"%s\" \"xgate\" \"xgate manual\"\n.SH NAME\n", title, date);
    roff_text(f, name, strlen(name));
    fputs(" \\- ", f);
    cli_roff_line(f, summary);
}

void cli_man(const cli_spec *spec, const char *date, FILE *f)
{
    char title[64], name[64];
    snprintf(name, sizeof name, "xgate-%s", spec->name);
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof title; i++)
        title[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
    title[i] = 0;
    man_header(f, title, name, spec->summary, date);
    fputs(".SH SYNOPSIS\n", f);
    if (spec->subs) {
        for (const cli_spec *const *s = spec->subs; *s; s++) {
            if (s != spec->subs) fputs(".br\n", f);
            man_synopsis(f, *s);
        }
    } else {
        man_synopsis(f, spec);
    }
    fputs(".SH DESCRIPTION\n", f);
    cli_roff_line(f, spec->summary);
    each_paragraph(spec->description, man_paragraph, f);
    if (!spec->subs) {
        fputs(".SH OPTIONS\n", f);
        man_options(f, spec);
    } else {
        fputs(".SH COMMANDS\n", f);
        for (const cli_spec *const *s = spec->subs; *s; s++) {
            fputs(".SS \"xgate ", f);
            roff_text(f, (*s)->name, strlen((*s)->name));
            fputs("\"\n", f);
            man_synopsis(f, *s);
            fputs(".PP\n", f);
            cli_roff_line(f, (*s)->summary);
            each_paragraph((*s)->description, man_paragraph, f);
            fputs(".PP\nOptions:\n", f);
            man_options(f, *s);
        }
    }
    fputs(".SH EXIT STATUS\n0 success (whatever a screening or decision found), 1 bad input "
          "(unreadable files, unknown items), 2 usage errors, 3 internal or I/O errors.\n"
          ".SH SEE ALSO\n\\fBxgate\\fR(1)\n",
          f);
}

/* ---- subcommands ---- */

/* Whether argument `a` (an option) takes the next argument as its value in any subcommand. */
static int consumes_next(const cli_spec *family, const char *a)
{
    if (strchr(a, '=')) return 0;
    for (const cli_spec *const *s = family->subs; *s; s++) {
        const cli_opt *o;
        if (a[1] == '-') {
            int ambiguous;
            o = find_long((*s)->opts, a + 2, strlen(a + 2), &ambiguous);
        } else {
            o = a[2] ? NULL : find_short((*s)->opts, a[1]);
        }
        if (o && o->arg) return 1;
    }
    return 0;
}

int cli_run_subcommand(const cli_spec *family, int argc, char **argv)
{
    int word = 0;
    for (int i = 1; i < argc && !word; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--"))
            word = i + 1 < argc ? i + 1 : -1;
        else if (a[0] != '-' || !a[1])
            word = i;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            cli_help(family, stdout);
            return 0;
        } else
            i += consumes_next(family, a);
    }
    const cli_spec *sub = NULL;
    for (const cli_spec *const *s = family->subs; word > 0 && *s; s++) {
        const char *n = strchr((*s)->name, ' ');
        if (n && !strcmp(n + 1, argv[word])) sub = *s;
    }
    if (!sub) {
        if (word > 0 && !strcmp(argv[word], "help")) {
            cli_help(family, stdout);
            return 0;
        }
        if (word > 0)
            fprintf(stderr, "xgate %s: unknown subcommand '%s'\n", family->name, argv[word]);
        else
            fprintf(stderr, "xgate %s: a subcommand is needed\n", family->name);
        cli_usage(family, stderr);
        return 2;
    }
    char **args = malloc(((size_t)argc + 1) * sizeof *args);
    if (!args) return 3;
    int n = 0;
    args[n++] = argv[word];
    for (int i = 1; i < argc; i++)
        if (i != word) args[n++] = argv[i];
    args[n] = NULL;
    int rc = sub->run(n, args);
    free(args);
    return rc;
}
