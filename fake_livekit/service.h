/* service.h: fake_livekit's descriptor for fakekit and its process-wide state. */
#ifndef LK_SERVICE_H
#define LK_SERVICE_H

#include "fakekit/service.h"

/* The fake's own state (req->svc): the API key seeded at start and after a reset. */
struct lk_svc {
    const char *api_key; /* borrowed from the option table's variables */
    const char *api_secret;
};

extern const struct fk_service lk_service;

#endif
