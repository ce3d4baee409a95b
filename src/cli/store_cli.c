/*
 * store_cli.c — shared plumbing of the store-backed subcommands, so each of them reads the same
 * way: the same --db default, the same JSON output, the same error wording for bad input files.
 */
#include "cli/store_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "xgate/core.h"
#include "xgate/error.h"

#define MAX_REQUEST_BYTES (16u << 20)

int store_cli_open(xg_store **out, const char *cmd, const char *url)
{
    if (!url) url = getenv("XGATE_DB");
    if (xg_store_open(out, url)) return cli_fail(XG_EXIT_ERROR, cmd, 1, "cannot open the store");
    return XG_EXIT_OK;
}

int store_cli_open_existing(xg_store **out, const char *cmd, const char *url)
{
    if (!url) url = getenv("XGATE_DB");
    const char *u = url && *url ? url : "sqlite:./xgate.db";
    if (!strncmp(u, "sqlite:", 7) && access(u + 7, F_OK))
        return cli_fail(XG_EXIT_ERROR, cmd, 0, "no store at %s (--db or $XGATE_DB)", u + 7);
    return store_cli_open(out, cmd, url);
}

void store_cli_print(const json_t *v, int pretty)
{
    char *s = json_dumps(v, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_ENCODE_ANY);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    fflush(stdout);
}

static int read_stdin(char **out, size_t *len)
{
    xg_buf b;
    xg_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        if (b.len + n > MAX_REQUEST_BYTES) {
            xg_buf_free(&b);
            return xg_error_set(XG_ETOOBIG, "stdin: larger than %u bytes", MAX_REQUEST_BYTES);
        }
        if (xg_buf_append(&b, chunk, n)) {
            xg_buf_free(&b);
            return XG_ENOMEM;
        }
    }
    if (!b.data) xg_buf_puts(&b, "");
    *len = b.len;
    *out = xg_buf_steal(&b);
    return XG_OK;
}

int store_cli_read_json(json_t **out, const char *cmd, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    int rc = !strcmp(path, "-") ? read_stdin(&text, &len)
                                : xg_file_read(&text, &len, path, MAX_REQUEST_BYTES);
    if (rc) return cli_fail(XG_EXIT_INPUT, cmd, 1, "cannot read %s", path);
    if (!xg_utf8_valid(text, len)) {
        free(text);
        return cli_fail(XG_EXIT_INPUT, cmd, 0, "%s: invalid UTF-8", path);
    }
    json_error_t err;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    free(text);
    if (!*out)
        return cli_fail(XG_EXIT_INPUT, cmd, 0, "%s:%d:%d: malformed JSON: %s", path, err.line,
                        err.column, err.text);
    return XG_EXIT_OK;
}
