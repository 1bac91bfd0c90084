/* twirp.h: Twirp v7 for service livekit.SIP: routing, both encodings, errors, the methods.
 *
 * One route, POST /twirp/livekit.SIP/{method}, runs what the generated Go server and
 * livekit-server run, in their order: the body limit (a declared Content-Length over 10 MiB
 * is a plain-text 413, pkg/service/utils.go:126), the auth middleware (plain-text 401s), POST
 * only, the method name, the Content-Type (application/json or application/protobuf,
 * parameters ignored, livekit_sip.twirp.go), decoding (malformed 400: "the json request could
 * not be decoded" or "the protobuf request could not be decoded"), the sip.admin grant, then
 * the method. A request answers in its own encoding: protojson with Content-Type
 * application/json, or proto.Marshal's bytes with application/protobuf. Errors are always
 * Twirp's JSON {code, msg[, meta]} with Content-Type exactly "application/json" (the SDK
 * ignores the body otherwise) and the status of docs/reference/livekit.md §4. */
#ifndef LK_TWIRP_H
#define LK_TWIRP_H

#include <cjson/cJSON.h>

#include "fakekit/http.h"
#include "fakekit/service.h"
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

/* The route handler for "/twirp/livekit.SIP/{method}". */
int lk_twirp_handle(const struct fk_req *req, struct fk_resp *resp);

/* fk_service.error: a fault's "error" is a Twirp code; msg is that code's usual text. */
int lk_fault_error(struct fk_resp *resp, const struct fk_req *req, const char *code);
/* fk_service.native. Bodies over LK_BODY_LIMIT: with a Content-Length over it,
 * RequestBodyLimiter answers 413 with the plain text "request body too large" before any
 * other check; a body without one (chunked) fails Twirp's read through http.MaxBytesReader:
 * malformed 400 "failed to read request body". */
void lk_native(struct fk_resp *resp, const struct fk_req *req, enum fk_native kind,
               long retry_after_s);

#endif
