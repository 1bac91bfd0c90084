/* pgtype_time.c: date, time, timestamp and timestamptz input and output (see pgtype.h).
 *
 * Input follows PostgreSQL's ParseDateTime/DecodeDateTime for the spellings applications
 * send: ISO 8601 and PostgreSQL's own output ("2026-06-01T10:00:30.25Z",
 * "2026-06-01 12:00:30+02", "2026-06-01 10:00:30.250000 +02:00", "20260601T100030Z", a date
 * alone, "epoch", "infinity", "-infinity", "now", "today", "tomorrow", "yesterday"), any
 * case, blanks around. Zones: Z, UTC, GMT, +HH, +HHMM, +HH:MM[:SS] (within 15:59:59). The
 * session time zone is UTC, as on Supabase. A timestamp without time zone ignores a zone,
 * as PostgreSQL does; so does time. Fractions round to microseconds (rint, as PostgreSQL). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fake_supabase/pgtype_int.h"

struct dt {
    int y, mo, d, h, mi, s;
    long usec;
    long offset; /* seconds east of UTC */
    bool has_date, has_time, has_zone;
    int special; /* 0, 1 infinity, -1 -infinity */
};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static long long days_from_civil(long long y, int m, int d)
{
    long long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
    long long era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int mdays(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : n[m - 1];
}

/* n digits at *p (exactly n when exact, else 1..n); -1 when none. */
static long digits(const char **p, int n, bool exact)
{
    long v = 0;
    int k = 0;

    while (k < n && isdigit((unsigned char)(*p)[k])) {
        v = v * 10 + ((*p)[k] - '0');
        k++;
    }
    if (k == 0 || (exact && k != n))
        return -1;
    *p += k;
    return v;
}

enum { DT_OK, DT_SYNTAX, DT_RANGE, DT_ZONE };

static int parse_zone(const char **pp, struct dt *t)
{
    const char *p = *pp;
    long h, m = 0, s = 0;
    int sign;

    if (*p == 'Z' || *p == 'z') {
        *pp = p + 1;
        t->has_zone = true;
        return DT_OK;
    }
    if (strncasecmp(p, "UTC", 3) == 0 || strncasecmp(p, "GMT", 3) == 0) {
        *pp = p + 3;
        t->has_zone = true;
        return DT_OK;
    }
    if (*p != '+' && *p != '-')
        return DT_SYNTAX;
    sign = *p++ == '-' ? -1 : 1;
    if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
        isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
        !isdigit((unsigned char)p[4])) { /* +HHMM */
        h = (p[0] - '0') * 10 + (p[1] - '0');
        m = (p[2] - '0') * 10 + (p[3] - '0');
        p += 4;
    } else {
        if ((h = digits(&p, 2, false)) < 0)
            return DT_SYNTAX;
        if (*p == ':') {
            p++;
            if ((m = digits(&p, 2, true)) < 0)
                return DT_SYNTAX;
            if (*p == ':') {
                p++;
                if ((s = digits(&p, 2, true)) < 0)
                    return DT_SYNTAX;
            }
        }
    }
    if (m > 59 || s > 59)
        return DT_RANGE;
    if (h > 15)
        return DT_ZONE;
    t->offset = sign * (h * 3600 + m * 60 + s);
    t->has_zone = true;
    *pp = p;
    return DT_OK;
}

/* HH:MM[:SS[.frac]] or HHMMSS[.frac] (after a 'T'). */
static int parse_clock(const char **pp, struct dt *t, bool compact)
{
    const char *p = *pp;
    double frac = 0;

    if (compact) {
        if ((t->h = (int)digits(&p, 2, true)) < 0 || (t->mi = (int)digits(&p, 2, true)) < 0)
            return DT_SYNTAX;
        if (isdigit((unsigned char)*p) && (t->s = (int)digits(&p, 2, true)) < 0)
            return DT_SYNTAX;
    } else {
        if ((t->h = (int)digits(&p, 2, false)) < 0 || *p++ != ':' ||
            (t->mi = (int)digits(&p, 2, false)) < 0)
            return DT_SYNTAX;
        if (*p == ':') {
            p++;
            if ((t->s = (int)digits(&p, 2, false)) < 0)
                return DT_SYNTAX;
        }
        if (isdigit((unsigned char)*p)) /* more digits than a field holds */
            return DT_RANGE;
    }
    if (*p == '.') { /* the fraction's digits only (strtod would read an exponent) */
        char digs[32] = "0.";
        size_t k = 2;
        for (p++; isdigit((unsigned char)*p); p++)
            if (k + 1 < sizeof digs)
                digs[k++] = *p;
        digs[k] = '\0';
        frac = strtod(digs, NULL);
    }
    t->usec = (long)rint(frac * 1000000.0);
    t->has_time = true;
    *pp = p;
    if (t->h > 24 || t->mi > 59 || t->s > 60 || (t->h == 24 && (t->mi || t->s || t->usec)))
        return DT_RANGE;
    return DT_OK;
}

static int parse_special(const char *p, size_t len, struct dt *t)
{
    static const char *const words[] = {"epoch", "infinity", "-infinity", "now",
                                        "today", "tomorrow", "yesterday", "+infinity"};
    time_t now = time(NULL);
    long long days = (long long)now / 86400;

    for (int i = 0; i < 8; i++) {
        if (strlen(words[i]) != len || strncasecmp(p, words[i], len) != 0)
            continue;
        t->has_date = t->has_zone = true;
        if (i == 1 || i == 7 || i == 2) {
            t->special = i == 2 ? -1 : 1;
            return DT_OK;
        }
        if (i == 0)
            days = 0;
        days += i == 5 ? 1 : i == 6 ? -1 : 0;
        civil_from_days(days, &t->y, &t->mo, &t->d);
        if (i == 3) {
            long sec = (long)(now % 86400);
            t->h = (int)(sec / 3600);
            t->mi = (int)(sec / 60 % 60);
            t->s = (int)(sec % 60);
        }
        return DT_OK;
    }
    return DT_SYNTAX;
}

static int parse_dt(const char *text, struct dt *t, bool time_only)
{
    const char *p = text, *end;
    int rc;

    memset(t, 0, sizeof *t);
    while (isspace((unsigned char)*p))
        p++;
    end = p + strlen(p);
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if (parse_special(p, (size_t)(end - p), t) == DT_OK)
        return DT_OK;
    if (!time_only || (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
                       isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
                       (p[4] == '-' || isdigit((unsigned char)p[4])))) {
        const char *q = p;
        long y = digits(&q, 8, false);
        if (y < 0)
            return DT_SYNTAX;
        if (q - p == 8 && *q != '-') { /* YYYYMMDD */
            t->y = (int)(y / 10000);
            t->mo = (int)(y / 100 % 100);
            t->d = (int)(y % 100);
        } else {
            if (q - p < 4 || *q++ != '-' || (t->mo = (int)digits(&q, 2, false)) < 0 ||
                *q++ != '-' || (t->d = (int)digits(&q, 2, false)) < 0)
                return DT_SYNTAX;
            t->y = (int)y;
        }
        t->has_date = true;
        p = q;
        if (time_only && (*p == '\0' || isspace((unsigned char)*p)) &&
            !isdigit((unsigned char)p[strspn(p, " \t")]))
            return DT_SYNTAX; /* a date alone is no time */
        if (t->y < 1 || t->y > 9999 || t->mo < 1 || t->mo > 12 || t->d < 1 ||
            t->d > mdays(t->y, t->mo))
            return DT_RANGE;
        if ((*p == 'T' || *p == 't') && time_only)
            return DT_SYNTAX; /* PostgreSQL's time_in refuses ISO's date'T'time */
        if (*p == 'T' || *p == 't') {
            const char *c = ++p;
            while (isdigit((unsigned char)*c))
                c++;
            if ((rc = parse_clock(&p, t, *c != ':')) != DT_OK)
                return rc;
        } else if (*p == ' ' || *p == '\t') {
            while (*p == ' ' || *p == '\t')
                p++;
            if (isdigit((unsigned char)*p) && (rc = parse_clock(&p, t, false)) != DT_OK)
                return rc;
        }
    } else if ((rc = parse_clock(&p, t, false)) != DT_OK) {
        return rc;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (p < end && (rc = parse_zone(&p, t)) != DT_OK)
        return rc;
    while (isspace((unsigned char)*p))
        p++;
    return *p == '\0' ? DT_OK : DT_SYNTAX;
}

static int dt_fail(int rc, const struct pg_type *t, const char *text, struct pg_error *e)
{
    char name[48];

    if (rc == DT_RANGE)
        return pg_fail(e, "22008", "date/time field value out of range: \"%.150s\"", text);
    if (rc == DT_ZONE)
        return pg_fail(e, "22009", "time zone displacement out of range: \"%.150s\"", text);
    return pg_fail(e, "22007", "invalid input syntax for type %s: \"%.150s\"",
                   pg_type_name(t, name, sizeof name), text);
}

int pg_time_input(const struct pg_type *t, const char *text, struct pg_value *out,
                  struct pg_error *e)
{
    struct dt v;
    int rc = parse_dt(text, &v, t->kind == PG_TIME);
    char buf[160];
    long long secs;

    if (rc == DT_OK && t->kind == PG_TIME && (!v.has_time || v.special))
        rc = DT_SYNTAX;
    if (rc == DT_OK && t->kind != PG_TIME && !v.has_date)
        rc = DT_SYNTAX;
    if (rc != DT_OK)
        return dt_fail(rc, t, text, e);
    if (v.special)
        return t->kind == PG_DATE || t->kind == PG_TIMESTAMP || t->kind == PG_TIMESTAMPTZ
                   ? pg_text_value(out, v.special > 0 ? "infinity" : "-infinity",
                                   v.special > 0 ? 8 : 9)
                   : dt_fail(DT_SYNTAX, t, text, e);
    if (t->kind == PG_TIME) {
        long long us = ((long long)v.h * 3600 + v.mi * 60 + v.s) * 1000000LL + v.usec;
        if (us > 86400000000LL)
            return dt_fail(DT_RANGE, t, text, e);
        snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%06lld", us / 3600000000LL,
                 us / 60000000LL % 60, us / 1000000LL % 60, us % 1000000LL);
        return pg_text_value(out, buf, strlen(buf));
    }
    if (t->kind == PG_DATE) {
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.y, v.mo, v.d);
        return pg_text_value(out, buf, strlen(buf));
    }
    secs = days_from_civil(v.y, v.mo, v.d) * 86400LL + v.h * 3600LL + v.mi * 60LL + v.s;
    secs += v.usec / 1000000;
    if (t->kind == PG_TIMESTAMPTZ)
        secs -= v.offset;
    {
        long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
        long long rem = secs - days * 86400;
        int y, mo, d;
        civil_from_days(days, &y, &mo, &d);
        if (y < 1 || y > 9999)
            return dt_fail(DT_RANGE, t, text, e);
        snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02lld:%02lld:%02lld.%06ld%s", y, mo, d,
                 rem / 3600, rem / 60 % 60, rem % 60, v.usec % 1000000,
                 t->kind == PG_TIMESTAMPTZ ? "Z" : "");
    }
    return pg_text_value(out, buf, strlen(buf));
}

int pg_time_render(const struct pg_type *t, const char *s, struct fk_buf *out)
{
    struct pg_value v = {0};
    struct pg_error e;
    char buf[48];
    int rc, frac;

    if (pg_time_input(t, s, &v, &e) != 0) /* not a date/time: its text */
        return pg_json_string(out, s, strlen(s));
    if (strcmp(v.s, "infinity") == 0 || strcmp(v.s, "-infinity") == 0 || t->kind == PG_DATE) {
        rc = pg_json_string(out, v.s, strlen(v.s));
        pg_value_free(&v);
        return rc;
    }
    /* "...HH:MM:SS.ffffff[Z]": the fraction without its trailing zeros, then the zone */
    {
        char *dot = strchr(v.s, '.');
        size_t keep = (size_t)(dot - v.s);
        for (frac = 6; frac > 0 && dot[frac] == '0'; frac--)
            ;
        snprintf(buf, sizeof buf, "%.*s%s%.*s%s", (int)keep, v.s, frac > 0 ? "." : "", frac,
                 dot + 1, t->kind == PG_TIMESTAMPTZ ? "+00:00" : "");
    }
    pg_value_free(&v);
    return pg_json_string(out, buf, strlen(buf));
}
