/* twirp.h: Twirp v7 over JSON for service livekit.SIP: routing, errors, the method table.
 *
 * One route, POST /twirp/livekit.SIP/{method}, runs what the generated Go server and
 * livekit-server run, in their order: the auth middleware (plain-text 401s), POST only, the
 * method name, the Content-Type (application/json; parameters ignored), protojson decoding
 * (malformed 400), the sip.admin grant, then the method. Errors are Twirp's JSON
 * {code, msg[, meta]} with Content-Type exactly "application/json" (the SDK ignores the
 * body otherwise) and the status of docs/reference/livekit.md §4. */
#ifndef LK_TWIRP_H
#define LK_TWIRP_H

#include <cjson/cJSON.h>

#include "fakekit/http.h"
#include "fakekit/service.h"
#include "fakekit/store.h"

/* One call of a method: the decoded (sparse) request and where to answer. */
struct lk_call {
    const struct fk_req *req;
    struct fk_resp *resp;
    struct fk_store *st; /* locked by fakekit for the whole call */
    const cJSON *body;   /* the sparse request message (proto_json.h), borrowed */
};

/* A method fills c->resp with its answer or a Twirp error; 0, or FK_ENOMEM/FK_EIO when it
 * could not (the server then answers internal 500). */
typedef int (*lk_method_fn)(struct lk_call *c);

/* HTTP status of a Twirp code, 0 for an unknown code. */
unsigned lk_twirp_status(const char *code);

/* Answer the Twirp error code (must be known) with msg; meta (borrowed, may be NULL) is an
 * object of strings, left out when NULL or empty. 0 or FK_ENOMEM. */
int lk_twirp_error(struct fk_resp *resp, const char *code, const char *msg,
                   const cJSON *meta) FK_MUST_CHECK;

/* Answer 200 with json (ownership taken, even on failure). */
int lk_reply(struct fk_resp *resp, cJSON *json) FK_MUST_CHECK;

struct lk_msg;
/* Answer 200 {"items": [...]} with every sparse item of arr (taken; NULL means ENOMEM)
 * encoded as m; a null item (an id that was asked for but is missing) becomes an empty
 * message with every field at its default, as protojson writes a nil list element. */
int lk_reply_items(struct fk_resp *resp, cJSON *arr, const struct lk_msg *m) FK_MUST_CHECK;

/* The route handler for "/twirp/livekit.SIP/{method}". */
int lk_twirp_handle(const struct fk_req *req, struct fk_resp *resp);

/* fk_service.error: a fault's "error" is a Twirp code; msg is that code's usual text. */
int lk_fault_error(struct fk_resp *resp, const struct fk_req *req, const char *code);
/* fk_service.native. Oversized bodies: the Go server reading through http.MaxBytesReader
 * fails the read, which Twirp reports as malformed 400 "failed to read request body". */
void lk_native(struct fk_resp *resp, const struct fk_req *req, enum fk_native kind,
               long retry_after_s);

#endif
