/* fuzz_http_twilio.c: fake_twilio's handlers (search filters, Contains patterns, PageSize and
 * Page, IncomingPhoneNumbers form fields, list filters) on requests built in memory.
 *
 * Input format: see fuzz_req.h ("GET /2010-04-01/Accounts/AC.../AvailablePhoneNumbers/US/
 * Local.json?Contains=415*" ...). The default account's Basic credentials and a form
 * Content-Type are added after the input's headers. Every 4xx must be Twilio's
 * {code, message, more_info, status} with the status repeated in the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_twilio/errors.h"
#include "fake_twilio/routes.h"
#include "fake_twilio/state.h"
#include "tests/fuzz/fuzz_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct fk_service svc = {
    .name = "twilio",
    .routes = twilio_routes,
    .nroutes = TWILIO_NROUTES,
    .schema_sql = twilio_schema_sql,
    .seed = twilio_seed,
};

/* base64("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:test-auth-token") */
static const struct fk_kv defaults[] = {
    {"Authorization", "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4="},
    {"Content-Type", "application/x-www-form-urlencoded"},
    {NULL, NULL},
};

static void check(const struct fk_req *req, const struct fk_resp *resp)
{
    static const char *const keys[] = {"code", "message", "more_info", "status", NULL};

    (void)req; /* the shape does not depend on the request */
    if (resp->status >= 400) {
        fuzz_require_keys(resp, keys);
        cJSON *j = cJSON_ParseWithLength(resp->body, resp->body_len);
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "status");
        if (!cJSON_IsNumber(st) || (unsigned)st->valuedouble != resp->status)
            abort();
        cJSON_Delete(j);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fuzz_target t;

    if (t.svc == NULL) {
        struct fk_error err = {{0}};
        t.svc = &svc;
        t.defaults = defaults;
        t.check = check;
        if (twilio_init(&t.svc_state, &err) != 0)
            abort();
    }
    return fuzz_run(&t, data, size);
}
