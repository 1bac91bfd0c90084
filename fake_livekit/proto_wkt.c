/* proto_wkt.c: Duration, Timestamp and UTF-8 for the LiveKit codecs (see proto_wkt.h).
 *
 * Calendar arithmetic is Howard Hinnant's days-from-civil and civil-from-days (proleptic
 * Gregorian, as Go's time package counts), so no libc time zone state is involved. */
#include "fake_livekit/proto_wkt.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define DURATION_MAX_S 315576000000LL
#define TS_MIN_S       (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define TS_MAX_S       253402300799LL   /* 9999-12-31T23:59:59Z */

/* ---- Duration ---- */

int lk_duration_parse(const char *s, long long *seconds, int *nanos)
{
    const char *p = s;
    bool neg = false;
    long long sec = 0;
    int ns = 0, digits = 0;
    if (*p == '-') {
        neg = true;
        p++;
    }
    if (!isdigit((unsigned char)*p))
        return FK_EINVAL;
    while (isdigit((unsigned char)*p)) {
        if (sec > DURATION_MAX_S)
            return FK_EINVAL;
        sec = sec * 10 + (*p - '0');
        p++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            if (++digits > 9)
                return FK_EINVAL;
            ns = ns * 10 + (*p - '0');
            p++;
        }
        if (digits == 0)
            return FK_EINVAL;
        for (int i = digits; i < 9; i++)
            ns *= 10;
    }
    if (p[0] != 's' || p[1] != '\0' || sec > DURATION_MAX_S)
        return FK_EINVAL;
    *seconds = neg ? -sec : sec;
    *nanos = neg ? -ns : ns;
    return 0;
}

/* The fraction of nanos (0..999999999) as protojson trims it: "", ".5" never, ".500". */
static void fraction(int n, char *out, size_t outlen)
{
    if (n == 0)
        snprintf(out, outlen, "%s", "");
    else if (n % 1000000 == 0)
        snprintf(out, outlen, ".%03d", n / 1000000);
    else if (n % 1000 == 0)
        snprintf(out, outlen, ".%06d", n / 1000);
    else
        snprintf(out, outlen, ".%09d", n);
}

void lk_duration_format(long long seconds, int nanos, char *out, size_t outlen)
{
    bool neg = seconds < 0 || nanos < 0;
    unsigned long long s = (unsigned long long)(seconds < 0 ? -seconds : seconds);
    char frac[16];
    fraction(nanos < 0 ? -nanos : nanos, frac, sizeof(frac));
    snprintf(out, outlen, "%s%llu%ss", neg ? "-" : "", s, frac);
}

bool lk_duration_ok(long long seconds, long long nanos)
{
    if (seconds < -DURATION_MAX_S || seconds > DURATION_MAX_S)
        return false;
    if (nanos <= -1000000000LL || nanos >= 1000000000LL)
        return false;
    return !((seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0));
}

/* ---- Timestamp ---- */

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long long)yoe + era * 400 + (*m <= 2);
}

static unsigned days_in_month(long long y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* n digits at s as a number, or -1 if any is not a digit. */
static long digits(const char *s, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "Z" or "+hh:mm" / "-hh:mm" at s (the rest of the text) as seconds east of UTC. */
static int parse_offset(const char *s, long long *off)
{
    if (strcmp(s, "Z") == 0) {
        *off = 0;
        return 0;
    }
    if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
        return FK_EINVAL;
    long hh = digits(s + 1, 2), mm = digits(s + 4, 2);
    if (hh < 0 || mm < 0 || hh > 23 || mm > 59)
        return FK_EINVAL;
    *off = (s[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    return 0;
}

int lk_timestamp_parse(const char *s, long long *seconds, int *nanos)
{
    long y, mo, d, h, mi, se;
    long long off = 0;
    int ns = 0, nd = 0;
    if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':')
        return FK_EINVAL;
    y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 ||
        se > 59 || (unsigned)d > days_in_month(y, (unsigned)mo))
        return FK_EINVAL;
    const char *p = s + 19;
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++) {
            if (++nd > 9)
                return FK_EINVAL;
            ns = ns * 10 + (*p - '0');
        }
        if (nd == 0)
            return FK_EINVAL;
        for (int i = nd; i < 9; i++)
            ns *= 10;
    }
    if (parse_offset(p, &off) != 0)
        return FK_EINVAL;
    long long t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
    t -= off;
    if (!lk_timestamp_ok(t, ns))
        return FK_EINVAL;
    *seconds = t;
    *nanos = ns;
    return 0;
}

void lk_timestamp_format(long long seconds, int nanos, char *out, size_t outlen)
{
    long long days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    long long rem = seconds - days * 86400, y;
    unsigned m, d;
    char frac[16];
    civil_from_days(days, &y, &m, &d);
    fraction(nanos, frac, sizeof(frac));
    snprintf(out, outlen, "%04lld-%02u-%02uT%02lld:%02lld:%02lld%sZ", y, m, d, rem / 3600,
             rem / 60 % 60, rem % 60, frac);
}

bool lk_timestamp_ok(long long seconds, long long nanos)
{
    return seconds >= TS_MIN_S && seconds <= TS_MAX_S && nanos >= 0 && nanos < 1000000000LL;
}

/* ---- UTF-8 ---- */

bool lk_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if (c >= 0x80 && (c < 0xC2 || c > 0xF4))
            return false; /* a continuation byte, an overlong lead, or beyond U+10FFFF */
        if ((size_t)(end - p) < n)
            return false;
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
        }
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) ||
            (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
            return false; /* overlong, surrogate, or above U+10FFFF */
        p += n;
    }
    return true;
}
