/* test_fakekit.c: fakekit's admin API, fault engine and network faults, end to end.
 *
 * Drives a real fake (fake_twilio: only its admin API and its native errors are used, on
 * paths no route serves) over HTTP with libcurl, and checks what a client sees for each
 * network fault, that a delayed request does not hold up a parallel one, and that the
 * journal names the rule that fired. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "tests/support/harness.h"

static struct h_proc fake;

static int setup(void **state)
{
    (void)state; /* one fake for the whole file */
    return h_suite_start(&fake, "fake_twilio", NULL);
}

static int teardown(void **state)
{
    (void)state; /* as in setup */
    return h_suite_stop(&fake);
}

static int reset_each(void **state)
{
    (void)state; /* the fake is shared by the file */
    return h_admin_reset(&fake);
}

static void add_fault(const char *json)
{
    struct h_resp r;

    h_post_json(&fake, "/__admin/faults", json, &r);
    if (r.status != 201)
        fail_msg("adding fault failed: %ld %s", r.status, r.body);
    h_resp_free(&r);
}

static int get(const char *path, long timeout_ms, struct h_resp *r)
{
    char url[512];

    snprintf(url, sizeof(url), "%s%s", fake.base, path);
    return h_request("GET", url, NULL, NULL, timeout_ms, r);
}

static void test_health_names_service(void **state)
{
    struct h_resp r;

    (void)state; /* unused */
    h_get(&fake, "/__admin/health", &r);
    assert_int_equal(r.status, 200);
    cJSON *j = h_json(&r);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "service")->valuestring, "twilio");
    assert_string_equal(cJSON_GetObjectItem(j, "status")->valuestring, "ok");
    cJSON_Delete(j);
    h_resp_free(&r);
}

/* Each network fault, as libcurl reports it. */
static const struct {
    const char *fault;
    int curl_code;
} net_cases[] = {
    {"reset", CURLE_RECV_ERROR},
    {"empty", CURLE_GOT_NOTHING},
    {"truncate", CURLE_PARTIAL_FILE},
    {"hang", CURLE_OPERATION_TIMEDOUT},
};

static void test_network_faults(void **state)
{
    (void)state; /* unused */
    for (size_t i = 0; i < sizeof(net_cases) / sizeof(net_cases[0]); i++) {
        char rule[256], path[64];
        struct h_resp r;
        snprintf(path, sizeof(path), "/net/%s", net_cases[i].fault);
        snprintf(rule, sizeof(rule),
                 "{\"id\":\"net-%s\",\"match\":{\"path\":\"%s\"},\"action\":{\"fault\":\"%s\"}}",
                 net_cases[i].fault, path, net_cases[i].fault);
        add_fault(rule);
        int rc = get(path, 500, &r);
        if (rc != net_cases[i].curl_code)
            fail_msg("fault %s: curl said %d (%s), expected %d", net_cases[i].fault, rc,
                     curl_easy_strerror((CURLcode)rc), net_cases[i].curl_code);
        h_resp_free(&r);
    }
}

static void test_malformed_is_200_not_json(void **state)
{
    struct h_resp r;

    (void)state; /* unused */
    add_fault("{\"match\":{\"path\":\"/bad\"},\"action\":{\"fault\":\"malformed\"}}");
    assert_int_equal(get("/bad", 0, &r), CURLE_OK);
    assert_int_equal(r.status, 200);
    assert_null(h_json(&r));
    h_resp_free(&r);
}

struct slow_call {
    int done;
    long status;
};

static void *slow_thread(void *arg)
{
    struct slow_call *c = arg;
    struct h_resp r;

    get("/slow", 10000, &r);
    c->status = r.status;
    __atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
    h_resp_free(&r);
    return NULL;
}

static void test_delay_does_not_block_others(void **state)
{
    struct slow_call c = {0};
    struct h_resp r;
    pthread_t t;

    (void)state; /* unused */
    add_fault("{\"match\":{\"path\":\"/slow\"},\"action\":{\"status\":503,\"delay_ms\":2000}}");
    assert_int_equal(pthread_create(&t, NULL, slow_thread, &c), 0);
    /* Wait until the slow request is in the journal's view of the fake: it is not journaled
     * until answered, so poll the fault's match counter instead. */
    for (int seen = 0; !seen;) {
        h_get(&fake, "/__admin/faults", &r);
        cJSON *j = h_json(&r);
        seen = j != NULL && cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "fired")->valueint == 1;
        cJSON_Delete(j);
        h_resp_free(&r);
    }
    /* The slow one is waiting its 2 s out; a parallel request is answered meanwhile. */
    get("/fast", 10000, &r);
    assert_int_equal(r.status, 404);
    h_resp_free(&r);
    assert_int_equal(__atomic_load_n(&c.done, __ATOMIC_SEQ_CST), 0);
    pthread_join(t, NULL);
    assert_int_equal(c.status, 503);
}

static void test_journal_names_rule(void **state)
{
    struct h_resp r;

    (void)state; /* unused */
    add_fault("{\"id\":\"teapot\",\"match\":{\"path\":\"/j/*\"},\"action\":{\"status\":418}}");
    get("/j/one", 0, &r);
    assert_int_equal(r.status, 418);
    h_resp_free(&r);
    get("/other", 0, &r);
    h_resp_free(&r);
    h_get(&fake, "/__admin/requests?path=/j/**", &r);
    cJSON *j = h_json(&r);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    cJSON *e = cJSON_GetArrayItem(j, 0);
    assert_string_equal(cJSON_GetObjectItem(e, "fault")->valuestring, "teapot");
    assert_int_equal(cJSON_GetObjectItem(e, "status")->valueint, 418);
    assert_string_equal(cJSON_GetObjectItem(e, "path")->valuestring, "/j/one");
    cJSON_Delete(j);
    h_resp_free(&r);
    h_get(&fake, "/__admin/requests/count", &r);
    j = h_json(&r);
    assert_int_equal(cJSON_GetObjectItem(j, "count")->valueint, 2);
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_after_and_times(void **state)
{
    long seen[4];

    (void)state; /* unused */
    add_fault("{\"match\":{\"path\":\"/n\"},\"after\":1,\"times\":1,\"action\":{\"status\":500}}");
    for (int i = 0; i < 4; i++) {
        struct h_resp r;
        get("/n", 0, &r);
        seen[i] = r.status;
        h_resp_free(&r);
    }
    assert_int_equal(seen[0], 404);
    assert_int_equal(seen[1], 500);
    assert_int_equal(seen[2], 404);
    assert_int_equal(seen[3], 404);
}

static void test_native_error_shorthand(void **state)
{
    struct h_resp r;

    (void)state; /* unused */
    add_fault("{\"id\":\"e1\",\"match\":{\"path\":\"/e\"},\"action\":{\"error\":\"21422\"}}");
    get("/e", 0, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(h_resp_header(&r, "X-Fake-Fault"), "e1");
    cJSON *j = h_json(&r);
    assert_non_null(j);
    assert_int_equal(cJSON_GetObjectItem(j, "code")->valueint, 21422);
    assert_int_equal(cJSON_GetObjectItem(j, "status")->valueint, 400);
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_bad_rule_reports_path(void **state)
{
    struct h_resp r;

    (void)state; /* unused */
    h_post_json(
        &fake, "/__admin/faults",
        "[{\"action\":{\"status\":500}},{\"match\":{\"method\":5},\"action\":{\"status\":1}}]", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "faults[1].match.method: expected a string"));
    h_resp_free(&r);
    h_get(&fake, "/__admin/faults", &r);
    assert_string_equal(r.body, "[]"); /* all or none */
    h_resp_free(&r);
}

static void test_rate_limit_native_429(void **state)
{
    struct h_resp r;
    long st[3];

    (void)state; /* unused */
    h_post_json(&fake, "/__admin/rate-limits",
                "{\"id\":\"rl\",\"match\":{\"path\":\"/rl\"},\"limit\":2,\"per_ms\":60000,"
                "\"retry_after_s\":7}",
                &r);
    assert_int_equal(r.status, 201);
    h_resp_free(&r);
    for (int i = 0; i < 3; i++) {
        get("/rl", 0, &r);
        st[i] = r.status;
        if (i == 2) {
            assert_string_equal(h_resp_header(&r, "Retry-After"), "7");
            /* The refusal is the service's own 429: no header of the fake's reaches the
             * client; the journal records it (below). */
            assert_null(h_resp_header(&r, "X-Fake-Rate-Limit"));
            cJSON *j = h_json(&r);
            assert_int_equal(cJSON_GetObjectItem(j, "code")->valueint, 20429);
            cJSON_Delete(j);
        }
        h_resp_free(&r);
    }
    assert_int_equal(st[0], 404);
    assert_int_equal(st[1], 404);
    assert_int_equal(st[2], 429);
    h_get(&fake, "/__admin/requests?path=/rl", &r);
    cJSON *j = h_json(&r);
    assert_int_equal(cJSON_GetArraySize(j), 3);
    for (int i = 0; i < 3; i++) {
        cJSON *e = cJSON_GetArrayItem(j, i);
        bool refused = cJSON_GetObjectItem(e, "status")->valueint == 429;
        assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(e, "rate_limited")), refused);
    }
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_scenario_unknown_key_rejected_whole(void **state)
{
    struct h_resp r;

    (void)state; /* unused */
    add_fault("{\"id\":\"keep\",\"match\":{\"path\":\"/k\"},\"action\":{\"status\":500}}");
    h_post_json(&fake, "/__admin/scenario",
                "{\"name\":\"x\",\"twilio\":{\"faults\":[{\"action\":{\"status\":500}}],"
                "\"limits\":[]}}",
                &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "twilio.limits: unknown key"));
    h_resp_free(&r);
    h_get(&fake, "/__admin/faults", &r);
    assert_non_null(strstr(r.body, "\"keep\""));
    h_resp_free(&r);
    h_post_json(&fake, "/__admin/scenario",
                "{\"name\":\"ok\",\"twilio\":{\"faults\":[{\"id\":\"a\",\"action\":{\"status\":"
                "502}}]},\"supabase\":{\"faults\":[]}}",
                &r);
    assert_int_equal(r.status, 200);
    h_resp_free(&r);
    h_get(&fake, "/__admin/faults", &r);
    assert_null(strstr(r.body, "\"keep\"")); /* replaced by the scenario's rules */
    assert_non_null(strstr(r.body, "\"a\""));
    h_resp_free(&r);
}

static void test_body_limit_413(void **state)
{
    static const char *const hdr[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    size_t n = 2 * 1024 * 1024;
    char *big = malloc(n + 1), url[256];
    struct h_resp r;

    (void)state; /* unused */
    assert_non_null(big);
    memset(big, 'a', n);
    big[n] = '\0';
    snprintf(url, sizeof(url), "%s/2010-04-01/Accounts/x/IncomingPhoneNumbers.json", fake.base);
    h_request("POST", url, hdr, big, 0, &r);
    assert_int_equal(r.status, 413);
    cJSON *j = h_json(&r);
    assert_non_null(j); /* the service's own shape */
    cJSON_Delete(j);
    h_resp_free(&r);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_health_names_service, reset_each),
        cmocka_unit_test_setup(test_network_faults, reset_each),
        cmocka_unit_test_setup(test_malformed_is_200_not_json, reset_each),
        cmocka_unit_test_setup(test_delay_does_not_block_others, reset_each),
        cmocka_unit_test_setup(test_journal_names_rule, reset_each),
        cmocka_unit_test_setup(test_after_and_times, reset_each),
        cmocka_unit_test_setup(test_native_error_shorthand, reset_each),
        cmocka_unit_test_setup(test_bad_rule_reports_path, reset_each),
        cmocka_unit_test_setup(test_rate_limit_native_429, reset_each),
        cmocka_unit_test_setup(test_scenario_unknown_key_rejected_whole, reset_each),
        cmocka_unit_test_setup(test_body_limit_413, reset_each),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
