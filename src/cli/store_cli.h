/*
 * store_cli.h — what the store-backed subcommands (decide, customers, licenses, review, audit,
 * keys) share: opening the store named by --db or $XGATE_DB, and printing JSON.
 */
#ifndef XG_STORE_CLI_H
#define XG_STORE_CLI_H

#include <jansson.h>

#include "xgate/store.h"

/* Open the store at `url` (NULL: $XGATE_DB, else sqlite:./xgate.db); prints the failure and
 * returns an exit code, or 0 with *out set. */
int store_cli_open(xg_store **out, const char *cmd, const char *url);

/* The same for commands that only read or append to what is stored (audit, review, replay): a
 * sqlite: store that does not exist is an error, not a new empty database — `audit verify` on a
 * mistyped path must not report "intact". */
int store_cli_open_existing(xg_store **out, const char *cmd, const char *url);

/* Print a JSON value on stdout: indented when `pretty`, one line otherwise; then a newline. */
void store_cli_print(const json_t *v, int pretty);

/* Read a whole file (or stdin for "-") and parse it as one JSON value; prints the failure and
 * returns an exit code, or 0 with *out set. */
int store_cli_read_json(json_t **out, const char *cmd, const char *path);

#endif
