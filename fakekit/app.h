/* app.h: the parts of a running fake, shared by run.c, admin.c and scenario.c only.
 *
 * The lowest of the three: run.c (the pipeline) calls admin.c (admin.h) and scenario.c
 * (scenario.h); admin.c calls scenario.c; all three call app.c, which calls only the
 * fake's descriptor callbacks and the store. Not for fakes: a fake sees struct fk_req and its
 * own state, never this. Returns: 0 or a negative fk_err with err set. */
#ifndef FK_APP_H
#define FK_APP_H

#include "fakekit/descriptor.h"
#include "fakekit/fault.h"
#include "fakekit/journal.h"
#include "fakekit/ratelimit.h"
#include "fakekit/server.h"
#include "fakekit/store.h"

struct fk_app {
    const struct fk_service *svc;
    void *svc_state;
    struct fk_store *store;
    struct fk_faults *faults;
    struct fk_limits *limits;
    struct fk_journal *journal;
    const char *admin_token; /* NULL: /__admin/ needs no credential */
};

/* The checker of fault "error" shorthands against app's service, for fault parsing. */
struct fk_error_check fk_app_error_check(struct fk_app *app);

/* Empty the store and run the service's seed, inside the caller's transaction. */
int fk_app_reseed(struct fk_app *app, struct fk_error *err) FK_MUST_CHECK;
/* Apply a state object (service loader or the generic {"table":[rows]} one). */
int fk_app_load_state(struct fk_app *app, const cJSON *state, const char *path,
                      struct fk_error *err) FK_MUST_CHECK;

#endif
