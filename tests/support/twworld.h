/* twworld.h: fake_twilio's handlers run in-process on an in-memory store, for unit tests that
 * need the real handlers and state without a socket (the page cache, the owned-number set). */
#ifndef H_TWWORLD_H
#define H_TWWORLD_H

#include <stddef.h>

#include "fake_twilio/state.h"
#include "fakekit/http.h"
#include "fakekit/store.h"

/* HTTP Basic for the seeded default account (TWILIO_DEFAULT_ACCOUNT_SID, test-auth-token). */
#define H_TW_AUTH "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4="

struct h_tw_world {
    struct fk_store *st;
    struct twilio_svc *svc;
};

/* A seeded service and store, the store locked as handlers expect; fails the test if not. */
void h_tw_open(struct h_tw_world *w);
void h_tw_close(struct h_tw_world *w);

/* Run fn for method path?query with a form body and the default account's credentials;
 * the answer in *resp (caller cleans it up), its status returned. */
unsigned h_tw_call(struct h_tw_world *w, int (*fn)(const struct fk_req *, struct fk_resp *),
                   const char *method, const char *path, const char *query, const char *form,
                   const char *const *params, size_t nparams, struct fk_resp *resp);

#endif
