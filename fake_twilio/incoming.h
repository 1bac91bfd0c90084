/* incoming.h: the IncomingPhoneNumbers resource: buy, list, fetch, update, release.
 *
 * Create (POST .../IncomingPhoneNumbers.json) buys by PhoneNumber (a number of the inventory
 * that nobody owns) or by AreaCode (the first free local number in that US/CA area code) and
 * answers 201 with the resource. A bought number leaves search results; deleting it (204)
 * puts it back. Test-credential magic values work for every credential (docs/reference/twilio.md
 * section 7): PhoneNumber +15005550006 always succeeds and may be bought any number of times (each
 * buy is a new PN resource, as with real test credentials, where nothing is really reserved);
 * +15005550000 is 21422, +15005550001 is 21421; AreaCode 500 buys +15005550006 and 533 is
 * 21452. Lists take PhoneNumber, FriendlyName, Beta and Origin with the paging envelope.
 * The per-type resources .../IncomingPhoneNumbers/{Local,Mobile,TollFree}.json list only numbers
 * of their type and buy by PhoneNumber only (required; 21421 without it, 21422 for a number of
 * another type: the real code for that case is not documented).
 * A PhoneNumber whose '+' was sent unencoded (decoded to a space) is read as '+'. */
#ifndef TWILIO_INCOMING_H
#define TWILIO_INCOMING_H

#include "fakekit/http.h"

#define TWILIO_MAGIC_OK          "+15005550006"
#define TWILIO_MAGIC_UNAVAILABLE "+15005550000"
#define TWILIO_MAGIC_INVALID     "+15005550001"

/* Route handlers; params: account SID, then the PN SID for the /{Sid}.json routes. */
int twilio_ipn_create(const struct fk_req *req, struct fk_resp *resp);
int twilio_ipn_list_handler(const struct fk_req *req, struct fk_resp *resp);
int twilio_ipn_fetch(const struct fk_req *req, struct fk_resp *resp);
int twilio_ipn_update_handler(const struct fk_req *req, struct fk_resp *resp);
int twilio_ipn_delete_handler(const struct fk_req *req, struct fk_resp *resp);

/* True for "+" followed by 8 to 15 digits, the first not 0. Exposed for tests. */
bool twilio_e164_valid(const char *s);

#endif
