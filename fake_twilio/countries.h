/* countries.h: the AvailablePhoneNumbers country resources.
 *
 * GET .../AvailablePhoneNumbers.json lists the countries the inventory has numbers in
 * ({"countries": [...], "uri": ...}, no paging envelope); GET .../AvailablePhoneNumbers/{CC}.json
 * fetches one (country_code, country, uri, beta, subresource_uris), 404 20404 for a country the
 * inventory has no numbers in. subresource_uris name the types the country has, in the order
 * local, toll_free, mobile (twilio-oai spec/json/twilio_api_v2010.json,
 * api.v2010.account.available_phone_number_country and its dependentProperties). */
#ifndef TWILIO_COUNTRIES_H
#define TWILIO_COUNTRIES_H

#include "fakekit/http.h"

/* Route handlers; params: the account SID, then the country code for the fetch. */
int twilio_countries_list(const struct fk_req *req, struct fk_resp *resp);
int twilio_country_fetch(const struct fk_req *req, struct fk_resp *resp);

#endif
