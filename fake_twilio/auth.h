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

/* Check req's Basic credentials (fk_req_basic) for account_sid against
 * req->store. A check (fakekit/err.h): FK_OK when allowed, FK_ANSWERED when refused (resp
 * then holds the 401), or a negative fk_err. */
int twilio_auth(const struct fk_req *req, const char *account_sid, struct fk_resp *resp);

/* struct fk_service.credential: the Basic user name (fk_req_basic, borrowed from req), so
 * rate limits keyed "credential" count per account or API key; NULL when there are no
 * Basic credentials. */
const char *twilio_credential(const struct fk_req *req);

#endif
