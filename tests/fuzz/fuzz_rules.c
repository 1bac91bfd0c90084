/* fuzz_rules.c: fault-rule and rate-limit JSON (fakekit/fault.c, ratelimit.c, match.c), then
 * a decision on a fixed request, so parsed rules are also exercised. */
#include <stdint.h>
#include <stdlib.h>

#include "fakekit/fault.h"
#include "fakekit/json.h"
#include "fakekit/ratelimit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int any_code(void *ctx, const char *code)
{
    (void)ctx;
    return code[0] == 'E' ? 0 : FK_EINVAL;
}

static const struct fk_error_check any = {any_code, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct fk_kv headers[] = {{"X-Case", "a"}, {"Authorization", "Basic eDp5"}};
    static const struct fk_kv args[] = {{"PageSize", "5"}};
    struct fk_req req = {.method = "POST",
                         .path = "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json",
                         .query = "PageSize=5",
                         .body = "PhoneNumber=%2B1",
                         .body_len = 16,
                         .headers = headers,
                         .nheaders = 2,
                         .args = args,
                         .nargs = 1,
                         .remote = "127.0.0.1"};
    cJSON *json = fk_json_parse((const char *)data, size, FK_JSON_LAST, NULL);
    struct fk_faults *f = fk_faults_new();
    struct fk_limits *l = fk_limits_new();
    struct fk_error err;
    struct fk_action act;
    char id[FK_ID_MAX + 1];
    long retry;

    if (json != NULL && f != NULL && l != NULL) {
        cJSON *added = NULL;
        if (fk_faults_add_json(f, json, "faults", &any, &added, &err) == 0) {
            cJSON_Delete(added);
            if (fk_faults_decide(f, &req, &act, id, sizeof(id)))
                fk_action_cleanup(&act);
            cJSON_Delete(fk_faults_json(f));
        }
        added = NULL;
        if (fk_limits_add_json(l, json, "rate_limits", &added, &err) == 0) {
            cJSON_Delete(added);
            int rc = fk_limits_check(l, &req, "cred", "127.0.0.1", 1000000, &retry, id, sizeof(id));
            if (rc != FK_OK && rc != FK_ERANGE)
                abort(); /* admitted or refused, nothing else */
            cJSON_Delete(fk_limits_json(l));
        }
    }
    fk_limits_free(l);
    fk_faults_free(f);
    cJSON_Delete(json);
    return 0;
}
