/* retry.c: capped exponential backoff with full jitter, Retry-After, deadlines. */
#include "provisioner/retry.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

long prov_backoff_ceiling_ms(const struct prov_retry_policy *p, long attempt)
{
    if (attempt < 1)
        attempt = 1;
    long ceiling = p->base_ms;
    for (long i = 1; i < attempt && ceiling < p->cap_ms; i++) {
        if (ceiling > p->cap_ms / 2) {
            ceiling = p->cap_ms;
            break;
        }
        ceiling *= 2;
    }
    return ceiling < p->cap_ms ? ceiling : p->cap_ms;
}

long prov_backoff_ms(const struct prov_retry_policy *p, long attempt, struct fk_prng *rng)
{
    long ceiling = prov_backoff_ceiling_ms(p, attempt);
    if (ceiling <= 0)
        return 0;
    return (long)fk_prng_below(rng, (uint64_t)ceiling + 1);
}

long prov_retry_after_ms(const char *value, int64_t now_s)
{
    if (value == NULL)
        return -1;
    while (*value == ' ')
        value++;
    if (*value == '\0')
        return -1;
    if (isdigit((unsigned char)*value)) {
        char *end = NULL;
        errno = 0;
        long s = strtol(value, &end, 10);
        while (end != NULL && *end == ' ')
            end++;
        if (errno != 0 || end == NULL || *end != '\0' || s < 0)
            return -1;
        if (s > 86400)
            s = 86400; /* a day is more than any deadline; avoid overflow */
        return s * 1000;
    }
    time_t t = curl_getdate(value, NULL);
    if (t == (time_t)-1)
        return -1;
    int64_t d = (int64_t)t - now_s;
    if (d <= 0)
        return 0;
    if (d > 86400)
        d = 86400;
    return (long)d * 1000;
}

long prov_retry_delay_ms(const struct prov_retry_policy *p, long attempt, long retry_after_ms,
                         struct fk_prng *rng)
{
    if (retry_after_ms >= 0)
        return retry_after_ms;
    return prov_backoff_ms(p, attempt, rng);
}

bool prov_retry_fits(int64_t now_us, long delay_ms, int64_t deadline_us)
{
    return now_us + (int64_t)delay_ms * 1000 < deadline_us;
}

long prov_attempt_timeout_ms(long request_timeout_ms, int64_t now_us, int64_t deadline_us)
{
    if (now_us >= deadline_us)
        return 0;
    int64_t left = (deadline_us - now_us) / 1000;
    if (left <= 0)
        return 0;
    return left < request_timeout_ms ? (long)left : request_timeout_ms;
}
