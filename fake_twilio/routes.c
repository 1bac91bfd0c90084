/* routes.c: every Twilio REST path fake_twilio answers. */
#include "fake_twilio/routes.h"

#include "fake_twilio/account.h"
#include "fake_twilio/countries.h"
#include "fake_twilio/incoming.h"
#include "fake_twilio/numbers.h"

#define ACCOUNT "/2010-04-01/Accounts/{sid}"

const struct fk_route twilio_routes[TWILIO_NROUTES] = {
    {"GET", "/2010-04-01/Accounts/{sid}.json", twilio_account_fetch},
    {"GET", ACCOUNT "/AvailablePhoneNumbers.json", twilio_countries_list},
    {"GET", ACCOUNT "/AvailablePhoneNumbers/{country}.json", twilio_country_fetch},
    {"GET", ACCOUNT "/AvailablePhoneNumbers/{country}/{type}.json", twilio_search},
    {"GET", ACCOUNT "/IncomingPhoneNumbers.json", twilio_ipn_list_handler},
    {"POST", ACCOUNT "/IncomingPhoneNumbers.json", twilio_ipn_create},
    /* The per-type resources (twilio-oai spec/json/twilio_api_v2010.json,
     * .../IncomingPhoneNumbers/Local.json, Mobile.json, TollFree.json): before {pn}.json. */
    {"GET", ACCOUNT "/IncomingPhoneNumbers/Local.json", twilio_ipn_list_handler},
    {"POST", ACCOUNT "/IncomingPhoneNumbers/Local.json", twilio_ipn_create},
    {"GET", ACCOUNT "/IncomingPhoneNumbers/Mobile.json", twilio_ipn_list_handler},
    {"POST", ACCOUNT "/IncomingPhoneNumbers/Mobile.json", twilio_ipn_create},
    {"GET", ACCOUNT "/IncomingPhoneNumbers/TollFree.json", twilio_ipn_list_handler},
    {"POST", ACCOUNT "/IncomingPhoneNumbers/TollFree.json", twilio_ipn_create},
    {"GET", ACCOUNT "/IncomingPhoneNumbers/{pn}.json", twilio_ipn_fetch},
    {"POST", ACCOUNT "/IncomingPhoneNumbers/{pn}.json", twilio_ipn_update_handler},
    {"DELETE", ACCOUNT "/IncomingPhoneNumbers/{pn}.json", twilio_ipn_delete_handler},
};
