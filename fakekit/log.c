/* log.c: one key=value line per event on stderr (see log.h).
 *
 * A line is "svc=NAME level=LEVEL " followed by the caller's text, which should itself be
 * key=value pairs starting with msg=. Text that does not start with a key gets "msg=" put in
 * front, so a plain sentence still parses. The line is built in one buffer and written with
 * one write(2), so lines from several threads never interleave. Newlines in the text become
 * spaces: one event, one line. */
#include "fakekit/log.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOG_LINE_MAX 4096

int fk_log_level_ = FK_LOG_INFO;

static const char *log_name;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void fk_log_set_name(const char *name)
{
    log_name = name;
}

int fk_log_parse_level(const char *s)
{
    size_t i;

    if (s == NULL)
        return -1;
    for (i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
        if (strcmp(s, level_names[i]) == 0)
            return (int)i;
    return -1;
}

/* True if s starts with "key=" (letters, digits, '_', '.' or '-' before the '='). */
static int starts_with_key(const char *s)
{
    const char *p = s;

    while (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-')
        p++;
    return p > s && *p == '=';
}

void fk_log_write(int level, const char *fmt, ...)
{
    char line[LOG_LINE_MAX];
    char text[LOG_LINE_MAX];
    const char *lvl;
    va_list ap;
    size_t len, i;
    int n;

    if (level < FK_LOG_ERROR)
        level = FK_LOG_ERROR;
    if (level > FK_LOG_DEBUG)
        level = FK_LOG_DEBUG;
    lvl = level_names[level];

    va_start(ap, fmt);
    n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        text[0] = '\0';
    for (i = 0; text[i] != '\0'; i++)
        if (text[i] == '\n' || text[i] == '\r')
            text[i] = ' ';

    n = snprintf(line, sizeof line, "%s%s%slevel=%s %s%s", log_name != NULL ? "svc=" : "",
                 log_name != NULL ? log_name : "", log_name != NULL ? " " : "", lvl,
                 starts_with_key(text) ? "" : "msg=", text);
    if (n < 0)
        return;
    len = (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
    line[len++] = '\n';

    /* One write per line; retry only on EINTR. A short write to stderr is not worth more. */
    while (write(STDERR_FILENO, line, len) < 0 && errno == EINTR)
        ;
}
