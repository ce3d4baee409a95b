/* Thread-local last-error message: errors are values, the message is for the caller to show. */
#include "xgate/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[1024];

const char *xg_error_message(void)
{
    return last_message;
}

/* Formatted into a scratch buffer first: callers may pass the current message as an argument
 * ("%s: %s", file, xg_error_message()) to add context, and vsnprintf into its own source is
 * undefined. */
int xg_error_set(int code, const char *fmt, ...)
{
    char scratch[sizeof last_message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(scratch, sizeof scratch, fmt, ap);
    va_end(ap);
    memcpy(last_message, scratch, sizeof last_message);
    return code;
}

void xg_error_clear(void)
{
    last_message[0] = '\0';
}

const char *xg_error_name(int code)
{
    switch (code) {
    case XG_OK:
        return "XG_OK";
    case XG_ENOMEM:
        return "XG_ENOMEM";
    case XG_EINVAL:
        return "XG_EINVAL";
    case XG_EIO:
        return "XG_EIO";
    case XG_EPARSE:
        return "XG_EPARSE";
    case XG_ENOTFOUND:
        return "XG_ENOTFOUND";
    case XG_EFORMAT:
        return "XG_EFORMAT";
    case XG_EUTF8:
        return "XG_EUTF8";
    case XG_ETOOBIG:
        return "XG_ETOOBIG";
    case XG_ESTORE:
        return "XG_ESTORE";
    case XG_ECORRUPT:
        return "XG_ECORRUPT";
    case XG_EEXIST:
        return "XG_EEXIST";
    case XG_EINTERNAL:
        return "XG_EINTERNAL";
    }
    return "XG_E?";
}
