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

#include <stdbool.h>
#include <stddef.h>

#include "fake_livekit/call.h"
#include "fakekit/descriptor.h"
#include "fakekit/http.h"
#include "fakekit/store.h"

/* The route handler for "/twirp/livekit.SIP/{method}". */
int lk_twirp_handle(const struct fk_req *req, struct fk_resp *resp);
/* fk_service.redact_body: a protobuf request body with its password fields masked
 * (lk_pb_mask_secrets on the method's request message). */
bool lk_twirp_redact_body(const struct fk_req *req, char *body, size_t len);

/* fk_service.native. Bodies over LK_BODY_LIMIT: with a Content-Length over it,
 * RequestBodyLimiter answers 413 with the plain text "request body too large" before any
 * other check; a body without one (chunked) fails Twirp's read through http.MaxBytesReader:
 * malformed 400 "failed to read request body". */
void lk_native(struct fk_resp *resp, const struct fk_req *req, enum fk_native kind,
               long retry_after_s);

#endif
