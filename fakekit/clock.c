/* clock.c: the one source of wall-clock time, which tests can freeze (see clock.h).
 *
 * The fake time lives in one atomic int64 so that request threads read it without a lock
 * while a test or the admin API moves it. Formatting uses fixed English names rather than
 * strftime, whose day and month names depend on the locale. */
#include "fakekit/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static _Atomic int64_t fake_now;

static const char *const day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t fk_now_us(void)
{
    struct timespec ts;
    int64_t fake = atomic_load(&fake_now);

    if (fake != 0)
        return fake;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t fk_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void fk_clock_set(int64_t fake_now_us)
{
    atomic_store(&fake_now, fake_now_us);
}

/* Split us into broken-down UTC time and the microsecond remainder (floored for < 0). */
static void split_us(int64_t us, struct tm *tm, long *frac)
{
    int64_t secs = us / 1000000;
    int64_t rem = us % 1000000;
    time_t t;

    if (rem < 0) {
        rem += 1000000;
        secs -= 1;
    }
    t = (time_t)secs;
    if (gmtime_r(&t, tm) == NULL) {
        t = 0;
        gmtime_r(&t, tm);
    }
    *frac = (long)rem;
}

void fk_rfc3339_us(int64_t us, char *out, size_t outlen)
{
    struct tm tm;
    long frac;

    split_us(us, &tm, &frac);
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

void fk_rfc3339(int64_t us, char *out, size_t outlen)
{
    struct tm tm;
    long frac;

    split_us(us, &tm, &frac);
    snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void fk_rfc2822(int64_t us, char *out, size_t outlen)
{
    struct tm tm;
    long frac;

    split_us(us, &tm, &frac);
    snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d +0000", day_names[tm.tm_wday % 7],
             tm.tm_mday, month_names[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
}

void fk_http_date(int64_t us, char *out, size_t outlen)
{
    struct tm tm;
    long frac;

    split_us(us, &tm, &frac);
    snprintf(out, outlen, "%s, %02d %s %04d %02d:%02d:%02d GMT", day_names[tm.tm_wday % 7],
             tm.tm_mday, month_names[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec);
}
