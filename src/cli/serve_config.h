/*
 * serve_config.h — what `xgate serve` adds for running as a system service: the configuration
 * file (xgate/config.h) under command-line flags, `--check-config`, log lines as text or JSON
 * (plain for journald), and readiness/reload/stop notices to systemd (sd_notify).
 */
#ifndef XG_SERVE_CONFIG_H
#define XG_SERVE_CONFIG_H

#include "xgate/server.h"

#include <stddef.h>

/* The configuration file --check-config reads when no --config is given. */
#ifndef XG_SYSCONFDIR
#define XG_SYSCONFDIR "/etc"
#endif
#define XG_SERVE_DEFAULT_CONFIG XG_SYSCONFDIR "/xgate/xgate.conf"

/* Fill what the flags left unset in *o (NULL/0 fields; lists[] when no --list was given) from the
 * file at `path`. With `check`, read `path` (or XG_SERVE_DEFAULT_CONFIG), check it further (list
 * files and the web directory readable, the policy profile known), print "FILE: ok" and return
 * -1. `*log_format` gets the file's log_format unless already set. Returns 0 to go on, -1 when the
 * check passed, or an exit code after printing the error (file, line, key). */
int serve_config_apply(xg_server_opts *o, const char **lists, size_t max_lists, const char *path,
                       int check, const char **log_format);

/* The list-feed settings the flags left unset, from the file applied by serve_config_apply (none
 * when no file was read): refresh (unless refresh_set), sources, data_dir, and the repeatable
 * source ("NAME=URL[,URL…]" or "NAME URL[,URL…]") into specs[] when no --source was given.
 * Returns 0 or an exit code after printing the error. */
int serve_config_feeds(xg_server_opts *o, const char **specs, size_t max_specs, int refresh_set);

/* Choose the log format: "text" (the default) or "json"; 0, or an exit code for a bad name. */
int serve_log_format(const char *name);

/* The access-log callback for xg_server_opts.log: one line on stderr, text or JSON. Text lines
 * carry a UTC timestamp, except under journald (which stamps them itself). */
void serve_log(void *user, const char *line);

/* A notice from the command itself ("listening on …"), in the chosen format; level is "info" or
 * "error". */
void serve_notice(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Tell systemd (when it started us with Type=notify; otherwise nothing happens) "READY=1",
 * "RELOADING=1", "STOPPING=1", with a STATUS= text. */
void serve_notify(const char *state, const char *status);

#endif
