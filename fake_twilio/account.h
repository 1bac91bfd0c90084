/* account.h: the Account resource, fetch only.
 *
 * GET /2010-04-01/Accounts/{Sid}.json answers the caller's own account (twilio-oai
 * spec/json/twilio_api_v2010.json, api.v2010.account): sid, friendly_name (the SID when none
 * was set), status "active", type "Full", owner_account_sid (itself: the fake has no
 * subaccounts), auth_token, uri, subresource_uris (the spec's dependentProperties). The fake
 * keeps no creation date for accounts: date_created and date_updated are a fixed
 * Thu, 30 Jul 2015 20:00:00 +0000. Credentials as everywhere (auth.h): 401 20003 otherwise. */
#ifndef TWILIO_ACCOUNT_H
#define TWILIO_ACCOUNT_H

#include "fakekit/http.h"

/* Route handler; params: the account SID. */
int twilio_account_fetch(const struct fk_req *req, struct fk_resp *resp);

#endif
