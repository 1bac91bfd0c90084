/* log.h: one key=value line per event on stderr.
 *
 * A line starts with time= (RFC 3339 UTC, milliseconds), then svc= and level=, then the
 * caller's pairs. A value that comes from a client (a path, a method, a header) goes through
 * fk_log_quote, so that no value can pass for a key of its own: `path="/x status=200"` stays
 * one value. fk_log checks the level before evaluating its arguments, so debug logging costs
 * nothing when off. stdout is never written here: it belongs to machines. */
#ifndef FK_LOG_H
#define FK_LOG_H

#include <stddef.h>

#include "fakekit/err.h"

enum fk_log_level { FK_LOG_ERROR = 0, FK_LOG_WARN = 1, FK_LOG_INFO = 2, FK_LOG_DEBUG = 3 };

extern int fk_log_level_;

#define fk_log(level, ...)                                                                         \
    do {                                                                                           \
        if ((level) <= fk_log_level_)                                                              \
            fk_log_write((level), __VA_ARGS__);                                                    \
    } while (0)

/* Room for a quoted value of FK_LOG_VALUE_MAX source bytes (each may become \xHH). */
#define FK_LOG_VALUE_MAX 512
#define FK_LOG_QUOTED    (FK_LOG_VALUE_MAX * 4 + 8)

/* Prefix every line with "svc=NAME" (borrowed; keep it alive). */
void fk_log_set_name(const char *name);
/* Parse "error|warn|info|debug"; -1 if unknown. */
int fk_log_parse_level(const char *s);
void fk_log_write(int level, const char *fmt, ...) FK_PRINTF(2, 3);

/* s as one log value, into out (len bytes, NUL-terminated); returns out. A value of printable
 * ASCII without '=', '"', '\\' or a space is written as is; any other (or an empty one) is
 * written in double quotes, with '"' and '\\' escaped, \n \r \t as such and every other
 * control or non-ASCII byte as \xHH. A value too long for out is cut and ends in `..."`.
 * NULL is written as "-". */
const char *fk_log_quote(char *out, size_t len, const char *s);

#endif
