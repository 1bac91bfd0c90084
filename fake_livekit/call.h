/* call.h: one call of a livekit.SIP method, and the answers a method may write.
 *
 * The layer between the Twirp transport (twirp.c, which decodes the request, checks the
 * grant and calls the method) and the methods (trunks.c, dispatch.c): a method gets a
 * struct lk_call and answers through the functions below, which write c->resp. They return
 * 0 when the answer is written, or FK_ENOMEM (nothing useful written: the kit answers 500).
 * Called by the methods and by twirp.c; they call nothing above them. */
#ifndef LK_CALL_H
#define LK_CALL_H

#include <cjson/cJSON.h>

#include "fakekit/http.h"
#include "fakekit/store.h"

/* livekit-server's default MaxAPIRequestBodySize (pkg/config/config.go:567). */
#define LK_BODY_LIMIT ((size_t)10 << 20)

enum lk_wire { LK_WIRE_JSON, LK_WIRE_PROTOBUF };

struct lk_msg;
struct lk_verr;

/* One call of a method: the decoded (sparse) request and where to answer. */
struct lk_call {
    const struct fk_req *req;
    struct fk_resp *resp;
    struct fk_store *st; /* locked by fakekit for the whole call */
    const cJSON *body;   /* the sparse request message (proto_json.h), borrowed */
    enum lk_wire wire;   /* the request's encoding, which the answer uses */
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

/* Answer 200 with the message sparse (borrowed; NULL is an empty message) of type m, in the
 * call's encoding. 0 or FK_ENOMEM. */
int lk_answer(struct lk_call *c, const cJSON *sparse, const struct lk_msg *m) FK_MUST_CHECK;
/* Answer 200 with the response message m whose field key (e.g. "items", "trunk") is value
 * (taken; NULL means ENOMEM). */
int lk_answer_with(struct lk_call *c, const char *key, cJSON *value,
                   const struct lk_msg *m) FK_MUST_CHECK;

/* A validation failure the server wraps, twirp.NewError(twirp.InvalidArgument, err.Error()):
 * invalid_argument with e's text. */
int lk_answer_invalid(struct lk_call *c, const struct lk_verr *e) FK_MUST_CHECK;
/* A failure the server returns unwrapped, which livekit/protocol's ServerPassErrorDetails
 * interceptor turns into a Twirp error (utils/xtwirp/errors.go ToError): a plain Go error is
 * "unknown" (500) with its text; a coded psrpc error keeps its code (invalid_argument) and
 * its text becomes "twirp error unknown: " + text, from twirp's Error() of the intermediate
 * unknown error. */
int lk_answer_raw(struct lk_call *c, const struct lk_verr *e) FK_MUST_CHECK;

/* fk_service.error: a fault's "error" is a Twirp code; msg is that code's usual text. */
int lk_fault_error(struct fk_resp *resp, const struct fk_req *req, const char *code);
#endif
