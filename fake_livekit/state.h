/* state.h: what req->svc points at in fake_livekit: the API key seeded at start and after a
 * reset, and the answers of read-only calls kept until the store changes.
 *
 * Built by service.c (init, fini); read by db.c (the seed key) and twirp.c (the cache). */
#ifndef LK_STATE_H
#define LK_STATE_H

#include <stddef.h>

struct fk_cache; /* fakekit/cache.h */

/* The read cache's bounds: answers kept at once, and bytes of keys and answers (an answer
 * over a quarter of it is not kept). */
#define LK_READS_MAX       16
#define LK_READS_MAX_BYTES ((size_t)4 << 20)

struct lk_svc {
    const char *api_key; /* borrowed from the option table's variables */
    const char *api_secret;
    struct fk_cache *reads; /* List answers and key secrets; NULL: nothing is kept */
};

#endif
