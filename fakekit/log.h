/* log.h: one key=value line per event on stderr.
 *
 * fk_log checks the level before evaluating its arguments, so debug logging costs nothing
 * when off. stdout is never written here: it belongs to machines. */
#ifndef FK_LOG_H
#define FK_LOG_H

#include "fakekit/err.h"

enum fk_log_level { FK_LOG_ERROR = 0, FK_LOG_WARN = 1, FK_LOG_INFO = 2, FK_LOG_DEBUG = 3 };

extern int fk_log_level_;

#define fk_log(level, ...)                                                                         \
    do {                                                                                           \
        if ((level) <= fk_log_level_)                                                              \
            fk_log_write((level), __VA_ARGS__);                                                    \
    } while (0)

/* Prefix every line with "svc=NAME" (borrowed; keep it alive). */
void fk_log_set_name(const char *name);
/* Parse "error|warn|info|debug"; -1 if unknown. */
int fk_log_parse_level(const char *s);
void fk_log_write(int level, const char *fmt, ...) FK_PRINTF(2, 3);

#endif
