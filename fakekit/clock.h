/* clock.h: the one source of time in fakekit, so that tests can control it.
 *
 * fk_now_us() is wall-clock microseconds since the epoch (journal times, JWT exp checks,
 * rate-limit buckets). A test may freeze or move it with fk_clock_set(); 0 returns to the
 * real clock. fk_mono_us() is monotonic and never faked (durations, deadlines). */
#ifndef FK_CLOCK_H
#define FK_CLOCK_H

#include <stddef.h>
#include <stdint.h>

int64_t fk_now_us(void);
int64_t fk_mono_us(void);
void fk_clock_set(int64_t fake_now_us);

/* RFC 3339 UTC with microseconds: 2026-11-25T16:23:03.123456Z. Needs 28 bytes. */
void fk_rfc3339_us(int64_t us, char *out, size_t outlen);
/* RFC 3339 UTC in seconds: 2026-11-25T16:23:03Z. Needs 21 bytes. */
void fk_rfc3339(int64_t us, char *out, size_t outlen);
/* The HTTP Date format (RFC 9110 IMF-fixdate): Thu, 30 Jul 2015 23:19:04 GMT. Needs 30 bytes. */
void fk_http_date(int64_t us, char *out, size_t outlen);
/* RFC 2822 GMT as Twilio writes it: Thu, 30 Jul 2015 23:19:04 +0000. Needs 32 bytes. */
void fk_rfc2822(int64_t us, char *out, size_t outlen);

#endif
