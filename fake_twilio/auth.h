/* auth.h: HTTP Basic as Twilio does it (docs/reference/twilio.md section 1).
 *
 * A request to /2010-04-01/Accounts/{AC}/... is allowed when the Basic credentials are that
 * account's SID and auth token, or an API key (SK...) of that account and its secret, as
 * stored in the accounts and api_keys tables. Anything else, including valid credentials of
 * another account, is 401 code 20003 with WWW-Authenticate: Basic realm="Twilio API". */
#ifndef TWILIO_AUTH_H
#define TWILIO_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "fakekit/http.h"

/* Decode an Authorization header "Basic base64(user:pass)" into user and pass (each
 * NUL-terminated, truncation is a failure). Returns 0 or FK_EINVAL. */
int twilio_basic_decode(const char *header, char *user, size_t ulen, char *pass,
                        size_t plen) FK_MUST_CHECK;

/* Check req's credentials for account_sid against req->store. Returns 1 when allowed, 0 when
 * refused (resp then holds the 401), or a negative fk_err. */
int twilio_auth(const struct fk_req *req, const char *account_sid, struct fk_resp *resp);

/* struct fk_service.credential: the Basic user name, so rate limits keyed "credential"
 * count per account or API key. The string lives in a thread-local buffer until the same
 * thread's next call; NULL when there are no Basic credentials. */
const char *twilio_credential(const struct fk_req *req);

#endif
