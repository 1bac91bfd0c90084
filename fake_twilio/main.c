/* main.c: fake_twilio, the Twilio REST 2010-04-01 number APIs on fakekit.
 *
 * This file is the service descriptor: routes, flags, schema and the callbacks that give
 * fakekit Twilio's dialect. Everything else (flags, server, admin API, faults, rate limits,
 * journal, signals) is fk_run's. */
#include "fake_twilio/auth.h"
#include "fake_twilio/errors.h"
#include "fake_twilio/routes.h"
#include "fake_twilio/state.h"
#include "fakekit/run.h"
#include "fakekit/version.h"

static const struct fk_service twilio_service = {
    .name = "twilio",
    .version = FK_VERSION,
    .summary = "fake Twilio REST API 2010-04-01: AvailablePhoneNumbers, IncomingPhoneNumbers",
    .default_port = 8010,
    .options = twilio_options,
    .routes = twilio_routes,
    .nroutes = TWILIO_NROUTES,
    .schema_sql = twilio_schema_sql,
    .init = twilio_init,
    .fini = twilio_fini,
    .seed = twilio_seed,
    .load_state = twilio_load_state,
    .dump_state = twilio_dump_state,
    .error = twilio_fault_error,
    .native = twilio_native,
    .credential = twilio_credential,
};

int main(int argc, char **argv)
{
    return fk_run(&twilio_service, argc, argv);
}
