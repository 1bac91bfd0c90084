/* fuzz_http_livekit.c: fake_livekit's Twirp handler (auth, routing, protojson and protobuf
 * decoding of every request message, the SIP methods) on requests built in memory.
 *
 * Input format: see fuzz_req.h, e.g. "POST /twirp/livekit.SIP/CreateSIPInboundTrunk" then a
 * JSON body; several requests per input share the state. A Bearer token for devkey/secret
 * with the SIP admin grant and Content-Type application/json are added after the input's
 * headers, so an input with its own "Content-Type: application/protobuf" sends a binary body
 * (the seed corpus has one per method). Every JSON error must be Twirp's {code, msg} with the
 * status of its code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_livekit/service.h"
#include "fake_livekit/twirp.h"
#include "provisioner/livekit_api.h"
#include "tests/fuzz/fuzz_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char bearer[1024];
static struct fk_kv defaults[] = {
    {"Authorization", bearer},
    {"Content-Type", "application/json"},
    {NULL, NULL},
};

static void check(const struct fk_req *req, const struct fk_resp *resp)
{
    static const char *const keys[] = {"code", "msg", NULL};

    (void)req; /* the shape does not depend on the request */
    if (resp->status >= 400 && resp->content_type != NULL &&
        strcmp(resp->content_type, "application/json") == 0) {
        fuzz_require_keys(resp, keys);
        cJSON *j = cJSON_ParseWithLength(resp->body, resp->body_len);
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "code");
        if (!cJSON_IsString(code) || lk_twirp_status(code->valuestring) != resp->status)
            abort();
        cJSON_Delete(j);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fuzz_target t;

    if (t.svc == NULL) {
        struct fk_error err = {{0}};
        char *tok = prov_lk_token("devkey", "secret", (long long)time(NULL));
        if (tok == NULL || lk_service.init(&t.svc_state, &err) != 0)
            abort();
        snprintf(bearer, sizeof(bearer), "Bearer %s", tok);
        free(tok);
        t.svc = &lk_service;
        t.defaults = defaults;
        t.check = check;
    }
    return fuzz_run(&t, data, size);
}
