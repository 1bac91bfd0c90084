/* test_provisioner.c: the real provisioner binary against the three fakes.
 *
 * The seed's two scenarios (a new user gets a number; a user who has one gets it back as
 * "existing"), then one test per failure class, injected with POST /__admin/faults:
 * 429 with Retry-After on search, 21422 on the first candidate, a reset AFTER the purchase
 * took effect (exactly one number must be bought), a connection closed without an answer after
 * each LiveKit create took effect (exactly one trunk and one rule), bad input (no call made), a
 * refused token, a job held by another run, --compensate, and resume after an outage. Each test
 * resets the fakes and signs a fresh user in through GoTrue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/support/harness.h"
#include "tests/support/proc.h"

#define ACCOUNT "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define USER_ID "11111111-1111-4111-8111-111111111111"
#define ANON_KEY                                                                                   \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleH"  \
    "AiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
#define BUY_PATH    "/2010-04-01/Accounts/" ACCOUNT "/IncomingPhoneNumbers.json"
#define SEARCH_PATH "/2010-04-01/Accounts/" ACCOUNT "/AvailablePhoneNumbers/US/Local.json"

struct world {
    struct h_proc tw, sb, lk;
    char token[2048];
    char env[8][512];
};

static struct world W;

static void post_ok(const struct h_proc *p, const char *path, const char *json)
{
    struct h_resp r;
    assert_int_equal(h_post_json(p, path, json, &r), 0);
    if (r.status < 200 || r.status >= 300)
        fail_msg("POST %s%s -> %ld %s", p->base, path, r.status, r.body);
    h_resp_free(&r);
}

static long count(const struct h_proc *p, const char *method, const char *path)
{
    char q[512];
    snprintf(q, sizeof(q), "/__admin/requests/count?method=%s&path=%s", method, path);
    struct h_resp r;
    assert_int_equal(h_get(p, q, &r), 0);
    cJSON *j = h_json(&r);
    assert_non_null(j);
    long n = (long)cJSON_GetObjectItem(j, "count")->valuedouble;
    cJSON_Delete(j);
    h_resp_free(&r);
    return n;
}

static int group_setup(void **state)
{
    (void)state;
    if (h_start(&W.tw, "fake_twilio", NULL) != 0 || h_start(&W.sb, "fake_supabase", NULL) != 0 ||
        h_start(&W.lk, "fake_livekit", NULL) != 0)
        return -1;
    snprintf(W.env[0], sizeof(W.env[0]), "TWILIO_API_BASE=%s", W.tw.base);
    snprintf(W.env[1], sizeof(W.env[1]), "TWILIO_ACCOUNT_SID=%s", ACCOUNT);
    snprintf(W.env[2], sizeof(W.env[2]), "TWILIO_AUTH_TOKEN=test-auth-token");
    snprintf(W.env[3], sizeof(W.env[3]), "SUPABASE_URL=%s", W.sb.base);
    snprintf(W.env[4], sizeof(W.env[4]), "LIVEKIT_URL=%s", W.lk.base);
    snprintf(W.env[5], sizeof(W.env[5]), "PROV_BACKOFF_BASE_MS=5");
    snprintf(W.env[6], sizeof(W.env[6]), "PROV_BACKOFF_CAP_MS=40");
    snprintf(W.env[7], sizeof(W.env[7]), "PROV_REQUEST_TIMEOUT_MS=3000");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    int a = h_stop(&W.tw), b = h_stop(&W.sb), c = h_stop(&W.lk);
    return a == 0 && b == 0 && c == 0 ? 0 : -1;
}

/* Reset the fakes, seed one user, sign in. */
static int reset_each(void **state)
{
    (void)state;
    post_ok(&W.tw, "/__admin/reset", "{}");
    post_ok(&W.sb, "/__admin/reset", "{}");
    post_ok(&W.lk, "/__admin/reset", "{}");
    post_ok(&W.sb, "/__admin/state",
            "{\"users\":[{\"id\":\"" USER_ID "\",\"email\":\"a@b.c\",\"password\":\"pw123456\"}]}");
    const char *hdrs[] = {"apikey: " ANON_KEY, "Content-Type: application/json", NULL};
    char url[256];
    snprintf(url, sizeof(url), "%s/auth/v1/token?grant_type=password", W.sb.base);
    struct h_resp r;
    assert_int_equal(
        h_request("POST", url, hdrs, "{\"email\":\"a@b.c\",\"password\":\"pw123456\"}", 0, &r), 0);
    assert_int_equal(r.status, 200);
    cJSON *j = h_json(&r);
    assert_non_null(j);
    snprintf(W.token, sizeof(W.token), "%s", cJSON_GetObjectItem(j, "access_token")->valuestring);
    cJSON_Delete(j);
    h_resp_free(&r);
    return 0;
}

/* Run the provisioner with args (NULL-terminated, after the program) and extra env. Returns
 * the exit status; *out gets the parsed stdout (exactly one JSON object). */
static int prov(cJSON **out, const char *extra_env, const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = "provisioner";
    for (size_t i = 0; args[i] != NULL && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    const char *env[12];
    size_t e = 0;
    for (size_t i = 0; i < 8; i++)
        env[e++] = W.env[i];
    if (extra_env != NULL)
        env[e++] = extra_env;
    env[e] = NULL;
    struct h_run r;
    int status = h_run(&r, argv, env, NULL);
    *out = cJSON_Parse(r.out ? r.out : "");
    if (*out == NULL || !cJSON_IsObject(*out))
        fail_msg("stdout is not one JSON object: '%s'", r.out ? r.out : "");
    /* Exactly one line. */
    const char *nl = r.out ? strchr(r.out, '\n') : NULL;
    assert_true(nl != NULL && nl[1] == '\0');
    h_run_free(&r);
    return status;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void assert_complete(const cJSON *o, const char *status)
{
    assert_string_equal(str(o, "status"), status);
    assert_non_null(str(o, "phone_number"));
    assert_true(strncmp(str(o, "twilio_sid"), "PN", 2) == 0);
    assert_true(strncmp(str(o, "livekit_trunk_id"), "ST_", 3) == 0);
    assert_true(strncmp(str(o, "dispatch_rule_id"), "SDR_", 4) == 0);
    assert_non_null(str(o, "job_id"));
    assert_null(cJSON_GetObjectItem(o, "error"));
}

/* provision --user-token for the signed-in user, which must end "provisioned", complete. */
static void provision_ok(void)
{
    const char *args[] = {"provision", "--user-token", W.token, NULL};
    cJSON *o = NULL;
    assert_int_equal(prov(&o, NULL, args), 0);
    assert_complete(o, "provisioned");
    cJSON_Delete(o);
}

/* Numbers the Twilio account owns. */
static int owned_numbers(void)
{
    struct h_resp r;
    assert_int_equal(h_get(&W.tw, "/__admin/state", &r), 0);
    cJSON *j = h_json(&r);
    h_resp_free(&r);
    assert_non_null(j);
    /* Count through the public API to stay independent of the state dump's shape. */
    cJSON_Delete(j);
    char url[256];
    snprintf(url, sizeof(url), "%s" BUY_PATH "?PageSize=1000", W.tw.base);
    const char *hdrs[] = {
        "Authorization: Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4=",
        NULL};
    assert_int_equal(h_request("GET", url, hdrs, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    j = h_json(&r);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "incoming_phone_numbers"));
    cJSON_Delete(j);
    h_resp_free(&r);
    return n;
}

static void new_user_then_existing(void **state)
{
    (void)state;
    cJSON *o = NULL;
    const char *args[] = {"provision", "--user-token", W.token, NULL};
    assert_int_equal(prov(&o, NULL, args), 0);
    assert_complete(o, "provisioned");
    char sid[64];
    snprintf(sid, sizeof(sid), "%s", str(o, "twilio_sid"));
    cJSON_Delete(o);
    assert_int_equal(count(&W.tw, "POST", BUY_PATH), 1);
    assert_int_equal(owned_numbers(), 1);

    assert_int_equal(prov(&o, NULL, args), 0);
    assert_complete(o, "existing");
    assert_string_equal(str(o, "twilio_sid"), sid);
    cJSON_Delete(o);
    assert_int_equal(count(&W.tw, "POST", BUY_PATH), 1); /* nothing bought the second time */

    const char *rec[] = {"reconcile", NULL};
    assert_int_equal(prov(&o, NULL, rec), 0);
    assert_string_equal(str(o, "status"), "clean");
    cJSON_Delete(o);

    const char *rel[] = {"release", "--user-token", W.token, NULL};
    assert_int_equal(prov(&o, NULL, rel), 0);
    assert_string_equal(str(o, "status"), "released");
    cJSON_Delete(o);
    assert_int_equal(owned_numbers(), 0);
}

static void bad_input_makes_no_call(void **state)
{
    (void)state;
    static const char *const cases[][6] = {
        {"provision", "--user-token", "x", "--country", "USA", NULL},
        {"provision", "--user-token", "x", "--type", "landline", NULL},
        {"provision", "--user-token", "not-a-jwt", NULL},
        {"provision", NULL},
        {"frobnicate", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *args[8] = {0};
        for (size_t k = 0; k < 6 && cases[i][k] != NULL; k++)
            args[k] = strcmp(cases[i][k], "x") == 0 ? W.token : cases[i][k];
        cJSON *o = NULL;
        assert_int_equal(prov(&o, NULL, args), 2);
        assert_non_null(str(o, "error"));
        cJSON_Delete(o);
    }
    const char *args[] = {"provision", "--user-token", W.token, NULL};
    cJSON *o = NULL;
    assert_int_equal(prov(&o, "LIVEKIT_URL=ht tp://nope", args), 2);
    cJSON_Delete(o);
    assert_int_equal(count(&W.sb, "GET", "/auth/v1/user"), 0);
}

static void refused_token_is_auth_failure(void **state)
{
    (void)state;
    const char *args[] = {"provision", "--user-token", "aaaa.bbbb.cccc", NULL};
    cJSON *o = NULL;
    assert_int_equal(prov(&o, NULL, args), 3);
    assert_non_null(str(o, "error"));
    cJSON_Delete(o);
    assert_int_equal(count(&W.tw, "GET", SEARCH_PATH), 0);
}

static void search_429_with_retry_after(void **state)
{
    (void)state;
    post_ok(&W.tw, "/__admin/faults",
            "{\"id\":\"rl\",\"match\":{\"method\":\"GET\",\"path\":\"" SEARCH_PATH "\"},"
            "\"times\":2,\"action\":{\"error\":\"20429\",\"headers\":{\"Retry-After\":\"0\"}}}");
    provision_ok();
    assert_int_equal(count(&W.tw, "GET", SEARCH_PATH), 3);
}

static void first_candidate_unavailable(void **state)
{
    (void)state;
    post_ok(&W.tw, "/__admin/faults",
            "{\"id\":\"gone\",\"match\":{\"method\":\"POST\",\"path\":\"" BUY_PATH "\"},"
            "\"times\":1,\"action\":{\"error\":\"21422\"}}");
    provision_ok();
    assert_int_equal(count(&W.tw, "POST", BUY_PATH), 2);
    assert_int_equal(owned_numbers(), 1);
}

static void reset_after_purchase_buys_one(void **state)
{
    (void)state;
    post_ok(&W.tw, "/__admin/faults",
            "{\"id\":\"cut\",\"match\":{\"method\":\"POST\",\"path\":\"" BUY_PATH "\"},"
            "\"times\":1,\"after_effect\":true,\"action\":{\"fault\":\"reset\"}}");
    provision_ok();
    assert_int_equal(count(&W.tw, "POST", BUY_PATH), 1); /* found by its tag, not bought again */
    assert_int_equal(owned_numbers(), 1);
}

/* The connection dies without a byte after LiveKit made the trunk and the rule. libcurl would
 * send each create again on a new connection; exactly one of each must exist. */
static void empty_after_livekit_creates_makes_one(void **state)
{
    (void)state;
    post_ok(&W.lk, "/__admin/faults",
            "{\"id\":\"cut\",\"match\":{\"path\":\"/twirp/livekit.SIP/Create*\"},"
            "\"times\":2,\"after_effect\":true,\"action\":{\"fault\":\"empty\"}}");
    provision_ok();
    assert_int_equal(count(&W.lk, "POST", "/twirp/livekit.SIP/CreateSIPInboundTrunk"), 1);
    assert_int_equal(count(&W.lk, "POST", "/twirp/livekit.SIP/CreateSIPDispatchRule"), 1);
}

static void job_held_by_another_run(void **state)
{
    (void)state;
    post_ok(&W.sb, "/__admin/state",
            "{\"rows\":{\"provisioning_jobs\":[{\"id\":\"job-other\",\"user_id\":\"" USER_ID
            "\",\"status\":\"running\",\"step\":\"purchasing\",\"owner\":\"run-other\","
            "\"lease_expires_at\":\"2999-01-01T00:00:00.000000Z\"}]}}");
    const char *args[] = {"provision", "--user-token", W.token, NULL};
    cJSON *o = NULL;
    assert_int_equal(prov(&o, NULL, args), 4);
    assert_string_equal(str(o, "status"), "in_progress");
    cJSON_Delete(o);
    assert_int_equal(count(&W.tw, "POST", BUY_PATH), 0);
}

static void compensate_rolls_back(void **state)
{
    (void)state;
    post_ok(&W.lk, "/__admin/faults",
            "{\"id\":\"no-rule\",\"match\":{\"path\":\"/twirp/livekit.SIP/CreateSIPDispatchRule\"},"
            "\"action\":{\"error\":\"invalid_argument\"}}");
    const char *args[] = {"provision", "--user-token", W.token, "--compensate", NULL};
    cJSON *o = NULL;
    assert_int_equal(prov(&o, NULL, args), 8);
    assert_string_equal(str(o, "status"), "compensated");
    assert_non_null(str(o, "error"));
    cJSON_Delete(o);
    assert_int_equal(count(&W.tw, "POST", BUY_PATH), 1);
    assert_int_equal(owned_numbers(), 0);
    const char *rec[] = {"reconcile", NULL};
    assert_int_equal(prov(&o, NULL, rec), 0);
    assert_string_equal(str(o, "status"), "clean");
    cJSON_Delete(o);
}

static void outage_then_resume(void **state)
{
    (void)state;
    post_ok(&W.lk, "/__admin/faults",
            "{\"id\":\"down\",\"match\":{\"path\":\"/twirp/livekit.SIP/*\"},"
            "\"action\":{\"status\":503,\"body\":{\"code\":\"unavailable\",\"msg\":\"down\"}}}");
    const char *args[] = {"provision", "--user-token", W.token, NULL};
    cJSON *o = NULL;
    assert_int_equal(prov(&o, "PROV_MAX_ATTEMPTS=3", args), 7);
    char sid[64];
    snprintf(sid, sizeof(sid), "%s", str(o, "twilio_sid"));
    assert_true(strncmp(sid, "PN", 2) == 0);
    cJSON_Delete(o);

    struct h_resp r;
    assert_int_equal(h_delete(&W.lk, "/__admin/faults", &r), 0);
    h_resp_free(&r);
    const char *res[] = {"resume", "--user-id", USER_ID, NULL};
    assert_int_equal(prov(&o, NULL, res), 0);
    assert_complete(o, "provisioned");
    assert_string_equal(str(o, "twilio_sid"), sid);
    cJSON_Delete(o);
    assert_int_equal(count(&W.tw, "POST", BUY_PATH), 1);
    assert_int_equal(owned_numbers(), 1);
}

static void serve_answers_json(void **state)
{
    (void)state;
    for (size_t i = 0; i < 8; i++)
        putenv(W.env[i]);
    struct h_proc srv;
    const char *args[] = {"serve", NULL};
    assert_int_equal(h_start(&srv, "provisioner", args), 0);
    char url[256], auth[2100];
    snprintf(url, sizeof(url),
             "%s/api/twilio/purchase_phone_number?country_code=US&number_type=local", srv.base);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", W.token);
    const char *hdrs[] = {auth, NULL};
    struct h_resp r;
    assert_int_equal(h_request("POST", url, hdrs, "", 0, &r), 0);
    assert_int_equal(r.status, 200);
    cJSON *o = h_json(&r);
    assert_complete(o, "provisioned");
    cJSON_Delete(o);
    h_resp_free(&r);

    const char *bad[] = {"Authorization: Bearer nope", NULL};
    assert_int_equal(h_request("POST", url, bad, "", 0, &r), 0);
    assert_int_equal(r.status, 422);
    h_resp_free(&r);
    assert_int_equal(h_request("POST", url, NULL, "", 0, &r), 0);
    assert_int_equal(r.status, 401);
    h_resp_free(&r);
    const char *refused[] = {"Authorization: Bearer aaaa.bbbb.cccc", NULL};
    assert_int_equal(h_request("POST", url, refused, "", 0, &r), 0);
    assert_int_equal(r.status, 401);
    h_resp_free(&r);
    assert_int_equal(h_stop(&srv), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(new_user_then_existing, reset_each),
        cmocka_unit_test_setup(bad_input_makes_no_call, reset_each),
        cmocka_unit_test_setup(refused_token_is_auth_failure, reset_each),
        cmocka_unit_test_setup(search_429_with_retry_after, reset_each),
        cmocka_unit_test_setup(first_candidate_unavailable, reset_each),
        cmocka_unit_test_setup(reset_after_purchase_buys_one, reset_each),
        cmocka_unit_test_setup(empty_after_livekit_creates_makes_one, reset_each),
        cmocka_unit_test_setup(job_held_by_another_run, reset_each),
        cmocka_unit_test_setup(compensate_rolls_back, reset_each),
        cmocka_unit_test_setup(outage_then_resume, reset_each),
        cmocka_unit_test_setup(serve_answers_json, reset_each),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
