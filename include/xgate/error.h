/*
 * xgate/error.h — error codes and the last error message.
 *
 * Every public function returns 0 (XG_OK) on success or a negative XG_E* code, and fills its
 * out-parameters only on success. The message describing the most recent failure in the calling
 * thread is kept and can be read with xg_error_message(); it names the file, line and field where
 * that makes sense. The library never prints and never exits.
 */
#ifndef XGATE_ERROR_H
#define XGATE_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared below is exported from the library (built with -fvisibility=hidden). */
#pragma GCC visibility push(default)

enum {
    XG_OK = 0,
    XG_ENOMEM = -1,    /* allocation failed */
    XG_EINVAL = -2,    /* bad argument or request field */
    XG_EIO = -3,       /* file or device error (the message says which file) */
    XG_EPARSE = -4,    /* malformed input (the message says file, line and problem) */
    XG_ENOTFOUND = -5, /* unknown name, item, id or profile */
    XG_EFORMAT = -6,   /* input of an unknown or unsupported format */
    XG_EUTF8 = -7,     /* invalid UTF-8 */
    XG_ETOOBIG = -8,   /* input over a documented limit */
    XG_ESTORE = -9,    /* database error */
    XG_ECORRUPT = -10, /* integrity failure (e.g. the audit chain) */
    XG_EEXIST = -11,   /* already exists */
    XG_EINTERNAL = -12
};

/* The message of the last error set in this thread ("" if none). Valid until the next call that
 * sets an error in this thread. */
const char *xg_error_message(void);

/* A short constant name for a code ("XG_EPARSE"). */
const char *xg_error_name(int code);

/* Set the thread's last error message (printf format) and return `code`, so that library code can
 * write `return xg_error_set(XG_EPARSE, "%s:%ld: ...", file, line);`. */
int xg_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Forget the last error. */
void xg_error_clear(void);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
