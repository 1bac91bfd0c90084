/* err.c: names of the fakekit error codes and the reason writer parsers share.
 *
 * fk_error_set never fails: a reason longer than FK_ERRMSG_MAX is cut, which is fine for a
 * one-line message meant for a person. */
#include "fakekit/err.h"

#include <stdarg.h>
#include <stdio.h>

const char *fk_strerror(int rc)
{
    switch (rc) {
    case FK_OK:
        return "ok";
    case FK_ENOMEM:
        return "out of memory";
    case FK_EINVAL:
        return "invalid argument";
    case FK_EIO:
        return "input/output error";
    case FK_ENOTFOUND:
        return "not found";
    case FK_EEXIST:
        return "already exists";
    case FK_ERANGE:
        return "limit reached";
    case FK_ECONFLICT:
        return "conflict";
    default:
        return "unknown error";
    }
}

void fk_error_set(struct fk_error *err, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    /* A negative return (encoding error) still leaves a NUL-terminated buffer. */
    if (vsnprintf(err->msg, sizeof err->msg, fmt, ap) < 0)
        err->msg[0] = '\0';
    va_end(ap);
}
