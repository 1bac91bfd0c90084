/* retry.h: when to try again and how long to wait (pure functions, no I/O).
 *
 * Backoff is capped exponential with FULL jitter (the AWS architecture blog's "full jitter"):
 * attempt n (1-based) waits a uniform draw from [0, min(cap, base * 2^(n-1))], drawn from a
 * seeded fk_prng so a run replays exactly. A server's Retry-After (delta seconds or an
 * HTTP-date, RFC 9110 10.2.3) replaces the draw when present. Every wait is checked against the
 * one overall deadline: a wait that would end past it is not taken.
 *
 * Layer 1 (exit.h): pure arithmetic for ctx.c: durations in milliseconds, -1 for none. */
#ifndef PROV_RETRY_H
#define PROV_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "fakekit/rand.h"

struct prov_retry_policy {
    long max_attempts; /* >= 1 */
    long base_ms;
    long cap_ms;
};

/* Ceiling of attempt n's backoff: min(cap, base * 2^(n-1)), overflow-safe. */
long prov_backoff_ceiling_ms(const struct prov_retry_policy *p, long attempt);
/* A full-jitter draw in [0, ceiling] for attempt n. */
long prov_backoff_ms(const struct prov_retry_policy *p, long attempt, struct fk_prng *rng);

/* Retry-After value in milliseconds from now (now_s: Unix seconds). Accepts delta seconds
 * ("120") and an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT", via curl_getdate). A date in
 * the past is 0. Returns -1 for an absent ("" or NULL) or unparseable value. */
long prov_retry_after_ms(const char *value, int64_t now_s);

/* How long to wait before attempt `attempt`+1: Retry-After when retry_after_ms >= 0, else
 * the jitter draw. */
long prov_retry_delay_ms(const struct prov_retry_policy *p, long attempt, long retry_after_ms,
                         struct fk_prng *rng);

/* Whether a wait of delay_ms starting at now_us (monotonic) ends before deadline_us. */
bool prov_retry_fits(int64_t now_us, long delay_ms, int64_t deadline_us);

/* The timeout for the next attempt: request_timeout_ms, shortened to what is left before
 * the deadline; 0 when nothing is left. */
long prov_attempt_timeout_ms(long request_timeout_ms, int64_t now_us, int64_t deadline_us);

#endif
