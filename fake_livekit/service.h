/* service.h: fake_livekit's descriptor for fakekit (main.c runs it). */
#ifndef LK_SERVICE_H
#define LK_SERVICE_H

#include "fakekit/descriptor.h"

extern const struct fk_service lk_service;

#endif
