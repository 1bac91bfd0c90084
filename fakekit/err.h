/* err.h: the return conventions of fakekit and the fakes, and the error-with-a-reason
 * struct every parser fills.
 *
 * Two conventions, nothing else (docs/DESIGN.md "Conventions"):
 *  - A function returns FK_OK (0) or a negative enum fk_err. Parsers also write a
 *    human-readable reason, with the JSON path of the offending key, into a caller-supplied
 *    struct fk_error:  faults[2].match.method: expected a string
 *    A question that has a yes/no answer says so in its header (1 found, 0 not, FK_EIO).
 *  - A check that may write the answer itself (credentials, a request that fails
 *    validation, a rate limit) returns FK_OK when the caller goes on and nothing was
 *    written, FK_ANSWERED when resp holds the answer (the service's 4xx) and the caller
 *    stops, or a negative fk_err when it failed (the kit answers the service's 500). A
 *    route handler returns fk_handler_rc(rc) after such a check: 0 once an answer is
 *    written, as every handler does. */
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

/* A check wrote the answer (see above); positive, so it is never an error. */
#define FK_ANSWERED 1

/* A check's result after it wrote its answer with a builder that returned rc (0 or a
 * negative fk_err): FK_ANSWERED, or rc when the answer could not be written. */
static inline int fk_answered(int rc)
{
    return rc == 0 ? FK_ANSWERED : rc;
}

/* What a route handler returns for a check's rc other than FK_OK: 0 when the check
 * answered, else its error. */
static inline int fk_handler_rc(int rc)
{
    return rc > 0 ? 0 : rc;
}

struct fk_error {
    char msg[FK_ERRMSG_MAX];
};

/* Name of an enum fk_err value; never NULL. */
const char *fk_strerror(int rc);

/* Write a reason into err (NULL-safe); truncates silently. */
void fk_error_set(struct fk_error *err, const char *fmt, ...) FK_PRINTF(2, 3);

#endif
