/* Fuzz target: the command-line parser (src/cli/opts.c) on arbitrary argument vectors (the input
 * split at NUL bytes): it never reads past argv, every operand it returns is one of the inputs,
 * and it ends with CLI_END or an error, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"

static const cli_opt opts[] = {{"list", 'l', 'l', "PATH", "a list"},
                               {"limit", 'n', 0, "N", "a limit"},
                               {"json", 'j', 'j', NULL, "JSON"},
                               {"as-of", 'a', 'a', "DATE", "a date"},
                               {0}};
static const cli_spec spec = {.name = "fuzz", .summary = "Fuzz.", .opts = opts};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *buf = malloc(size + 1), *argv[258];
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    for (size_t i = 0; i < size; i++) /* no 'h': -h and --help would print the help on stdout */
        if (buf[i] == 'h') buf[i] = 'x';
    int argc = 0;
    argv[argc++] = (char *)"fuzz";
    for (size_t i = 0; i <= size && argc < 257;) {
        char *a = buf + i;
        size_t n = strlen(a);
        argv[argc++] = a;
        i += n + 1;
    }
    argv[argc] = NULL;
    char *orig[258];
    memcpy(orig, argv, sizeof(char *) * (size_t)(argc + 1));
    FILE *devnull = fopen("/dev/null", "w");
    cli_parser p;
    cli_parser_init(&p, &spec, argc, argv);
    if (devnull) p.err = devnull;
    int c;
    while ((c = cli_next(&p)) >= 0)
        if ((opts[0].key == c || c == 'n' || c == 'a') && !p.arg) abort();
    if (c != CLI_END && c != CLI_ERROR) abort();
    for (int i = 0; c == CLI_END && i < p.noperands; i++) {
        int found = 0;
        for (int k = 1; k < argc && !found; k++)
            found = cli_operands(&p)[i] == orig[k];
        if (!found) abort();
    }
    if (devnull) fclose(devnull);
    free(buf);
    return 0;
}
