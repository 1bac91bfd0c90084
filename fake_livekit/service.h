/* service.h: fake_livekit's descriptor for fakekit and its process-wide state. */
#ifndef LK_SERVICE_H
#define LK_SERVICE_H

#include <stdint.h>

#include "fake_livekit/reads.h"
#include "fakekit/service.h"

/* The fake's own state (req->svc): the API key seeded at start and after a reset, and the
 * answers of read-only calls kept until the store changes (reads.h). */
struct lk_svc {
    const char *api_key; /* borrowed from the option table's variables */
    const char *api_secret;
    uint64_t epoch; /* bumped by seed and state loads: empties reads */
    struct lk_reads reads;
};

extern const struct fk_service lk_service;

#endif
