/* routes.h: fake_twilio's route table, shared by main.c and the HTTP fuzz target. */
#ifndef TWILIO_ROUTES_H
#define TWILIO_ROUTES_H

#include "fakekit/router.h"

#define TWILIO_NROUTES 15 /* a constant, for static struct fk_service initialisers */
extern const struct fk_route twilio_routes[TWILIO_NROUTES];

#endif
