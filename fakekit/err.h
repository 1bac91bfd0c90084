/* err.h: error codes and the error-with-a-reason struct every fakekit parser fills.
 *
 * Functions return 0 or a negative enum fk_err. Parsers also write a human-readable reason,
 * with the JSON path of the offending key, into a caller-supplied struct fk_error:
 *     faults[2].match.method: expected a string */
#ifndef FK_ERR_H
#define FK_ERR_H

#include "fakekit/limits.h"

#define FK_MUST_CHECK   __attribute__((warn_unused_result))
#define FK_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum fk_err {
    FK_OK = 0,
    FK_ENOMEM = -1,    /* allocation failed */
    FK_EINVAL = -2,    /* bad input; struct fk_error says why */
    FK_EIO = -3,       /* file, socket or database I/O failed */
    FK_ENOTFOUND = -4, /* no such item */
    FK_EEXIST = -5,    /* item already exists (duplicate id) */
    FK_ERANGE = -6,    /* a size limit was reached */
    FK_ECONFLICT = -7, /* a constraint refused the change */
};

struct fk_error {
    char msg[FK_ERRMSG_MAX];
};

/* Name of an enum fk_err value; never NULL. */
const char *fk_strerror(int rc);

/* Write a reason into err (NULL-safe); truncates silently. */
void fk_error_set(struct fk_error *err, const char *fmt, ...) FK_PRINTF(2, 3);

#endif
