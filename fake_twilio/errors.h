/* errors.h: Twilio's 2010-API error bodies {code, message, more_info, status}.
 *
 * One table maps each Twilio error code fake_twilio can produce to its HTTP status and a
 * default message (docs/reference/twilio.md section 6). The same table answers fault rules' "error"
 * shorthands ("21422") and fakekit's native answers (unknown route, oversize body, rate
 * limit, handler failure). Bodies never carry RFC 9457 "type"/"title" keys: with them
 * twilio-node throws TwilioServiceException instead of RestException. */
#ifndef TWILIO_ERRORS_H
#define TWILIO_ERRORS_H

#include "fakekit/descriptor.h"
#include "fakekit/http.h"

/* HTTP status for a known code, 0 for an unknown one. */
unsigned twilio_error_status(int code);
/* The table's default message for code, or NULL when unknown. */
const char *twilio_error_message(int code);

/* Fill resp with the error body for code. message NULL: the default message (for 20404
 * "The requested resource PATH was not found", with path when non-NULL). Adds
 * WWW-Authenticate for 20003 and Retry-After (retry_after_s, at least 1) for 20429.
 * Returns 0, FK_EINVAL for an unknown code, or FK_ENOMEM. */
int twilio_error(struct fk_resp *resp, int code, const char *message, const char *path,
                 long retry_after_s) FK_MUST_CHECK;

/* struct fk_service callbacks. */
int twilio_fault_error(struct fk_resp *resp, const struct fk_req *req, const char *code);
void twilio_native(struct fk_resp *resp, const struct fk_req *req, enum fk_native kind,
                   long retry_after_s);

#endif
