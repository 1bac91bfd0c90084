/* pgtype_interval.c: interval input (DecodeInterval's postgres and ISO 8601 forms) and output
 * (IntervalStyle postgres, what to_json gives).
 *
 * An interval is months, days and microseconds, kept apart as PostgreSQL keeps them. Its
 * storage form puts first a fixed-width key of its span (interval_cmp_value: a month is 30
 * days, a day 24 hours), then the parts: "<24 digits>|months|days|micros". Text order is then
 * PostgreSQL's order; equality differs only between different parts of one span ('1 mon' and
 * '30 days' are equal in PostgreSQL, two values here), which pgtype.h documents. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_supabase/pgtype_int.h"

#define USEC_DAY 86400000000LL

struct ival {
    double months, days, usec; /* accumulated, fractions spill down at the end */
};

static const struct {
    const char *name;
    double months, days, usec; /* one unit */
} units[] = {
    {"microseconds", 0, 0, 1},
    {"microsecond", 0, 0, 1},
    {"usecs", 0, 0, 1},
    {"usec", 0, 0, 1},
    {"us", 0, 0, 1},
    {"milliseconds", 0, 0, 1e3},
    {"millisecond", 0, 0, 1e3},
    {"msecs", 0, 0, 1e3},
    {"msec", 0, 0, 1e3},
    {"ms", 0, 0, 1e3},
    {"seconds", 0, 0, 1e6},
    {"second", 0, 0, 1e6},
    {"secs", 0, 0, 1e6},
    {"sec", 0, 0, 1e6},
    {"s", 0, 0, 1e6},
    {"minutes", 0, 0, 6e7},
    {"minute", 0, 0, 6e7},
    {"mins", 0, 0, 6e7},
    {"min", 0, 0, 6e7},
    {"m", 0, 0, 6e7},
    {"hours", 0, 0, 3.6e9},
    {"hour", 0, 0, 3.6e9},
    {"hrs", 0, 0, 3.6e9},
    {"hr", 0, 0, 3.6e9},
    {"h", 0, 0, 3.6e9},
    {"days", 0, 1, 0},
    {"day", 0, 1, 0},
    {"d", 0, 1, 0},
    {"weeks", 0, 7, 0},
    {"week", 0, 7, 0},
    {"w", 0, 7, 0},
    {"months", 1, 0, 0},
    {"month", 1, 0, 0},
    {"mons", 1, 0, 0},
    {"mon", 1, 0, 0},
    {"years", 12, 0, 0},
    {"year", 12, 0, 0},
    {"yrs", 12, 0, 0},
    {"yr", 12, 0, 0},
    {"y", 12, 0, 0},
    {"decades", 120, 0, 0},
    {"decade", 120, 0, 0},
    {"centuries", 1200, 0, 0},
    {"century", 1200, 0, 0},
    {"millennia", 12000, 0, 0},
    {"millennium", 12000, 0, 0},
};

/* strtod, but only decimal numbers (no inf, nan or hex): end == p when none. */
static double decimal(const char *p, char **end)
{
    double n = strtod(p, end);
    size_t len = (size_t)(*end - p);

    if (len == 0 || strspn(p, "0123456789.+-eE") < len || !isfinite(n))
        *end = (char *)p;
    return n;
}

static bool add_unit(struct ival *v, double n, const char *u, size_t len)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == len && strncasecmp(units[i].name, u, len) == 0) {
            v->months += n * units[i].months;
            v->days += n * units[i].days;
            v->usec += n * units[i].usec;
            return true;
        }
    return false;
}

/* [-]HH:MM[:SS[.f]] at *pp into microseconds. */
static bool clock_part(const char **pp, double *usec)
{
    const char *p = *pp;
    int sign = 1;
    char *end;
    double h, m, s = 0;

    if (*p == '-' || *p == '+')
        sign = *p++ == '-' ? -1 : 1;
    h = decimal(p, &end);
    if (end == p || *end != ':')
        return false;
    p = end + 1;
    m = decimal(p, &end);
    if (end == p)
        return false;
    p = end;
    if (*p == ':') {
        s = decimal(p + 1, &end);
        if (end == p + 1)
            return false;
        p = end;
    }
    *usec += sign * ((h * 60 + m) * 60 + s) * 1e6;
    *pp = p;
    return true;
}

static bool iso8601(const char *p, struct ival *v)
{
    bool time = false;

    if (*p++ != 'P' && p[-1] != 'p')
        return false;
    while (*p != '\0') {
        char *end;
        double n;
        if (*p == 'T' || *p == 't') {
            time = true;
            p++;
            continue;
        }
        n = decimal(p, &end);
        if (end == p || *end == '\0')
            return false;
        switch (toupper((unsigned char)*end)) {
        case 'Y':
            v->months += n * 12;
            break;
        case 'M':
            if (time)
                v->usec += n * 6e7;
            else
                v->months += n;
            break;
        case 'W':
            v->days += n * 7;
            break;
        case 'D':
            v->days += n;
            break;
        case 'H':
            v->usec += n * 3.6e9;
            break;
        case 'S':
            v->usec += n * 1e6;
            break;
        default:
            return false;
        }
        p = end + 1;
    }
    return true;
}

static int interval_syntax(const char *text, struct pg_error *e)
{
    return pg_fail(e, "22007", "invalid input syntax for type interval: \"%.150s\"", text);
}

/* The field a unit sets, as a bit: PostgreSQL refuses one given twice ("1 day 1 day"). */
static unsigned unit_field(const char *u, size_t len)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        const char *n = units[i].name;
        if (strlen(n) != len || strncasecmp(n, u, len) != 0)
            continue;
        if (units[i].usec == 1)
            return 1u << 0;
        if (units[i].usec == 1e3)
            return 1u << 1;
        if (units[i].usec == 1e6)
            return 1u << 2;
        if (units[i].usec == 6e7)
            return 1u << 3;
        if (units[i].usec == 3.6e9)
            return 1u << 4;
        if (units[i].days == 1)
            return 1u << 5;
        if (units[i].days == 7)
            return 1u << 6;
        if (units[i].months == 1)
            return 1u << 7;
        if (units[i].months == 12)
            return 1u << 8;
        if (units[i].months == 120)
            return 1u << 9;
        if (units[i].months == 1200)
            return 1u << 10;
        return 1u << 11;
    }
    return 0;
}

int pg_interval_input(const struct pg_type *t, const char *text, struct pg_value *out,
                      struct pg_error *e)
{
    struct ival v = {0, 0, 0};
    const char *p = text;
    bool any = false, ago = false;
    unsigned fields = 0, field;
    double mi, di, us;
    long long months, days, usec;
    char buf[128];
    __int128 span;

    (void)t; /* errors name the type themselves */
    unsigned __int128 key;
    char digits[40];
    int nd = 0;

    while (isspace((unsigned char)*p))
        p++;
    if (*p == '@')
        p++;
    if (*p == 'P' || *p == 'p') {
        char trimmed[256];
        size_t len = strlen(p);
        while (len > 0 && isspace((unsigned char)p[len - 1]))
            len--;
        snprintf(trimmed, sizeof trimmed, "%.*s", (int)len, p);
        if (!iso8601(trimmed, &v))
            return interval_syntax(text, e);
        any = true;
        p += len;
    }
    while (*p != '\0') {
        char *end;
        double n;
        const char *u;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        if (strncasecmp(p, "ago", 3) == 0 && (p[3] == '\0' || isspace((unsigned char)p[3]))) {
            ago = true;
            p += 3;
            continue;
        }
        if (clock_part(&p, &v.usec)) {
            if (fields & ((1u << 2) | (1u << 3) | (1u << 4)))
                return interval_syntax(text, e);
            fields |= (1u << 2) | (1u << 3) | (1u << 4);
            any = true;
            continue;
        }
        n = decimal(p, &end);
        if (end == p || (!isdigit((unsigned char)*p) && *p != '-' && *p != '+' && *p != '.'))
            return interval_syntax(text, e);
        p = end;
        while (isspace((unsigned char)*p))
            p++;
        u = p;
        while (isalpha((unsigned char)*p))
            p++;
        field = p == u ? 1u << 2 : unit_field(u, (size_t)(p - u));
        if (fields & field)
            return interval_syntax(text, e);
        fields |= field;
        if (p == u) { /* a bare number is seconds */
            v.usec += n * 1e6;
        } else if (!add_unit(&v, n, u, (size_t)(p - u))) {
            return interval_syntax(text, e);
        }
        any = true;
    }
    if (!any)
        return interval_syntax(text, e);
    /* fractions spill down: months to days (30), days to microseconds (24 h) */
    mi = trunc(v.months);
    di = v.days + (v.months - mi) * 30;
    us = v.usec + (di - trunc(di)) * (double)USEC_DAY;
    di = trunc(di);
    if (!isfinite(mi) || !isfinite(di) || !isfinite(us) || fabs(mi) > 2147483647.0 ||
        fabs(di) > 2147483647.0 || fabs(us) > 9.2e18)
        return pg_fail(e, "22008", "interval field value out of range: \"%.150s\"", text);
    months = (long long)mi * (ago ? -1 : 1);
    days = (long long)di * (ago ? -1 : 1);
    usec = (long long)rint(us) * (ago ? -1 : 1);
    span = ((__int128)months * 30 + days) * USEC_DAY + usec;
    key = (unsigned __int128)(span + (__int128)10000000000000LL * 10000000000LL); /* + 1e23 */
    do
        digits[nd++] = (char)('0' + (int)(key % 10));
    while ((key /= 10) != 0 && nd < 39);
    while (nd < 24)
        digits[nd++] = '0';
    for (int i = 0; i < nd / 2; i++) {
        char c = digits[i];
        digits[i] = digits[nd - 1 - i];
        digits[nd - 1 - i] = c;
    }
    digits[nd] = '\0';
    snprintf(buf, sizeof buf, "%s|%lld|%lld|%lld", digits, months, days, usec);
    return pg_text_value(out, buf, strlen(buf));
}

int pg_interval_render(const char *s, struct fk_buf *out)
{
    long long months, days, usec;
    const char *bar = strchr(s, '|');
    char buf[160];
    size_t n = 0;
    bool neg_before = false, any = false;

    if (bar == NULL || sscanf(bar, "|%lld|%lld|%lld", &months, &days, &usec) != 3)
        return pg_json_string(out, s, strlen(s)); /* not this layer's form: its text */
    {
        long long y = months / 12, mo = months % 12;
        const long long parts[3] = {y, mo, days};
        static const char *const names[3] = {"year", "mon", "day"};
        for (int i = 0; i < 3; i++) {
            if (parts[i] == 0)
                continue;
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s%lld %s%s", any ? " " : "",
                                  neg_before && parts[i] > 0 ? "+" : "", parts[i], names[i],
                                  parts[i] == 1 ? "" : "s");
            neg_before = parts[i] < 0;
            any = true;
        }
    }
    if (usec != 0 || !any) {
        unsigned long long u =
            usec < 0 ? 0ull - (unsigned long long)usec : (unsigned long long)usec;
        unsigned long long frac = u % 1000000;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s%02llu:%02llu:%02llu", any ? " " : "",
                              usec < 0     ? "-"
                              : neg_before ? "+"
                                           : "",
                              u / 3600000000ull, u / 60000000ull % 60, u / 1000000ull % 60);
        if (frac != 0) {
            int w = 6;
            while (frac % 10 == 0) {
                frac /= 10;
                w--;
            }
            snprintf(buf + n, sizeof buf - n, ".%0*llu", w, frac);
        }
    }
    return pg_json_string(out, buf, strlen(buf));
}
