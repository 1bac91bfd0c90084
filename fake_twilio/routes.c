/* routes.c: every Twilio REST path fake_twilio answers. */
#include "fake_twilio/routes.h"

#include "fake_twilio/incoming.h"
#include "fake_twilio/numbers.h"

#define ACCOUNT "/2010-04-01/Accounts/{sid}"

const struct fk_route twilio_routes[TWILIO_NROUTES] = {
    {"GET", ACCOUNT "/AvailablePhoneNumbers/{country}/{type}.json", twilio_search},
    {"GET", ACCOUNT "/IncomingPhoneNumbers.json", twilio_ipn_list_handler},
    {"POST", ACCOUNT "/IncomingPhoneNumbers.json", twilio_ipn_create},
    {"GET", ACCOUNT "/IncomingPhoneNumbers/{pn}.json", twilio_ipn_fetch},
    {"POST", ACCOUNT "/IncomingPhoneNumbers/{pn}.json", twilio_ipn_update_handler},
    {"DELETE", ACCOUNT "/IncomingPhoneNumbers/{pn}.json", twilio_ipn_delete_handler},
};
