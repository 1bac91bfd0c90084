/* service.h: fake_livekit's descriptor for fakekit and its process-wide state. */
#ifndef LK_SERVICE_H
#define LK_SERVICE_H

#include <stddef.h>

#include "fakekit/service.h"

struct fk_cache; /* fakekit/cache.h */

/* The read cache's bounds: answers kept at once, and bytes of keys and answers (an answer
 * over a quarter of it is not kept). */
#define LK_READS_MAX       16
#define LK_READS_MAX_BYTES ((size_t)4 << 20)

/* The fake's own state (req->svc): the API key seeded at start and after a reset, and the
 * answers of read-only calls kept until the store changes (twirp.c). */
struct lk_svc {
    const char *api_key; /* borrowed from the option table's variables */
    const char *api_secret;
    struct fk_cache *reads; /* List answers and key secrets; NULL: nothing is kept */
};

extern const struct fk_service lk_service;

#endif
