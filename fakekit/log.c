/* log.c: one key=value line per event on stderr (see log.h).
 *
 * A line is "time=T svc=NAME level=LEVEL " followed by the caller's text, which should itself
 * be key=value pairs starting with msg=. Text that does not start with a key gets "msg=" put
 * in front, so a plain sentence still parses. The line is built in one buffer and written with
 * one write(2), so lines from several threads never interleave. Newlines in the text become
 * spaces: one event, one line. Values from clients are quoted by the caller (fk_log_quote):
 * only the caller knows where a value begins and ends. */
#include "fakekit/log.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fakekit/clock.h"

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
    for (i = 0; i < FK_NELEM(level_names); i++)
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

static bool needs_quotes(const char *s)
{
    if (*s == '\0')
        return true;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || c >= 0x7f || c == '=' || c == '"' || c == '\\')
            return true;
    }
    return false;
}

/* The escape of c inside quotes into esc (at least 5 bytes); its length. */
static size_t escape_byte(unsigned char c, char *esc)
{
    static const char hex[] = "0123456789abcdef";

    if (c == '"' || c == '\\') {
        esc[0] = '\\';
        esc[1] = (char)c;
        return 2;
    }
    if (c == '\n' || c == '\r' || c == '\t') {
        esc[0] = '\\';
        esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        return 2;
    }
    if (c < ' ' || c >= 0x7f) {
        esc[0] = '\\';
        esc[1] = 'x';
        esc[2] = hex[c >> 4];
        esc[3] = hex[c & 15];
        return 4;
    }
    esc[0] = (char)c;
    return 1;
}

const char *fk_log_quote(char *out, size_t len, const char *s)
{
    size_t o = 0;
    char esc[5];

    if (len < 8) {
        if (len > 0)
            out[0] = '\0';
        return out;
    }
    if (s == NULL)
        s = "-";
    if (!needs_quotes(s) && strlen(s) < len) {
        memcpy(out, s, strlen(s) + 1);
        return out;
    }
    out[o++] = '"';
    for (; *s != '\0'; s++) {
        size_t n = escape_byte((unsigned char)*s, esc);
        if (o + n + 2 > len) { /* no room for this escape and the closing quote */
            o = o + 5 <= len ? o : len - 5;
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(out + o, esc, n);
        o += n;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

/* "time=2026-11-25T16:23:03.123Z " into out (at least 32 bytes); returns its length. */
static int time_key(char *out, size_t len)
{
    int64_t us = fk_now_us();
    time_t secs = (time_t)(us / 1000000);
    struct tm tm;

    if (gmtime_r(&secs, &tm) == NULL)
        return 0;
    return snprintf(out, len, "time=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                    (int)(us % 1000000 / 1000));
}

void fk_log_write(int level, const char *fmt, ...)
{
    char line[LOG_LINE_MAX];
    char text[LOG_LINE_MAX];
    char when[40];
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
    if (time_key(when, sizeof when) <= 0)
        when[0] = '\0';

    n = snprintf(line, sizeof line, "%s%s%s%slevel=%s %s%s", when, log_name != NULL ? "svc=" : "",
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
