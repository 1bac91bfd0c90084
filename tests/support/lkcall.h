/* lkcall.h: fake_livekit's Twirp handler called in memory (no socket), for unit tests.
 *
 * h_lk_open builds what fk_run would: an in-memory store with the fake's schema, seeded with
 * the API key devkey/secret, and an Authorization header for a token with the sip.admin
 * grant. Each call goes through lk_twirp_handle with the store locked, as a request does. */
#ifndef H_LKCALL_H
#define H_LKCALL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fake_livekit/state.h"
#include "fakekit/http.h"
#include "fakekit/store.h"

struct h_lk {
    struct fk_store *st;
    struct lk_svc svc;
    char auth[1024]; /* "Bearer <jwt>" */
};

/* 0, or -1 when the store could not be built. */
int h_lk_open(struct h_lk *lk);
void h_lk_close(struct h_lk *lk);

/* POST /twirp/livekit.SIP/method with len bytes of body and Content-Type ct; resp is filled
 * (caller fk_resp_cleanup()s). Returns the handler's result. */
int h_lk_post(struct h_lk *lk, const char *method, const char *ct, const void *body, size_t len,
              struct fk_resp *resp);
/* A JSON call (body text): the answer parsed (caller deletes; NULL if not JSON) and, in
 * *status, its status. */
cJSON *h_lk_json(struct h_lk *lk, const char *method, const char *body, unsigned *status);
/* cmocka fixtures: a fresh h_lk in *state for each test, closed afterwards. */
int h_lk_setup(void **state);
int h_lk_teardown(void **state);
/* A JSON call that must answer status want (the test fails otherwise); its body parsed
 * (caller deletes). */
cJSON *h_lk_expect(struct h_lk *lk, const char *method, const char *body, unsigned want);
/* A JSON call that must fail with status, Twirp code and msg. */
void h_lk_expect_error(struct h_lk *lk, const char *method, const char *body, unsigned status,
                       const char *code, const char *msg);
/* The compact JSON of an answer's "media" ("(none)" when absent), in a static buffer. */
const char *h_lk_media(const cJSON *answer);
/* h_lk_put that fails the test when the item does not store. */
void h_lk_stored(struct h_lk *lk, const char *kind, const char *json);

/* Store a trunk or rule given as protojson text, with the id it names (ids fix the order
 * lists and conflict checks walk). kind: "inbound", "outbound" or "rule". 0 or -1. */
int h_lk_put(struct h_lk *lk, const char *kind, const char *json);

#endif
