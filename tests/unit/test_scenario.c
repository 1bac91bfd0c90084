/* test_scenario.c: scenario validation messages and all-or-none loading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/app.h"
#include "fakekit/scenario.h"

static int check_error(struct fk_resp *resp, const struct fk_req *req, const char *code)
{
    (void)resp;
    (void)req; /* validation only */
    return strcmp(code, "E1") == 0 ? 0 : FK_EINVAL;
}

static const struct fk_service svc = {
    .name = "twilio",
    .version = "test",
    .schema_sql = "CREATE TABLE t (a TEXT NOT NULL UNIQUE);",
    .error = check_error,
};

static struct fk_app app;

static int setup(void **state)
{
    struct fk_error err;

    (void)state; /* one app for the file */
    app.svc = &svc;
    app.faults = fk_faults_new();
    app.limits = fk_limits_new();
    app.journal = fk_journal_new(10);
    return fk_store_open(":memory:", svc.schema_sql, &app.store, &err);
}

static int teardown(void **state)
{
    (void)state; /* as setup */
    fk_store_close(app.store);
    fk_faults_free(app.faults);
    fk_limits_free(app.limits);
    fk_journal_free(app.journal);
    return 0;
}

static int apply(const char *json, struct fk_error *err)
{
    cJSON *doc = cJSON_Parse(json);
    int rc;

    if (doc == NULL)
        fail_msg("test JSON does not parse: %s", json);
    rc = fk_scenario_apply(&app, doc, NULL, err);
    cJSON_Delete(doc);
    return rc;
}

static const struct {
    const char *doc;
    const char *message;
} bad[] = {
    {"[]", "scenario: expected an object"},
    {"{\"bogus\":1}", "bogus: unknown key"},
    {"{\"twilio\":{\"faults\":[{\"match\":{\"method\":5},\"action\":{\"status\":500}}]}}",
     "twilio.faults[0].match.method: expected a string"},
    {"{\"twilio\":{},\"livekit\":{\"fautls\":[]}}", "livekit.fautls: unknown key"},
    {"{\"faults\":[{\"action\":{\"error\":\"nope\"}}]}", "faults[0].action.error"},
    {"{\"faults\":[{\"id\":\"a\",\"action\":{\"status\":500}},{\"id\":\"a\",\"action\":{\"status\":"
     "501}}]}",
     "faults: duplicate id 'a'"},
    {"{\"rate_limits\":[{\"limit\":0,\"per_ms\":10}]}", "rate_limits[0].limit"},
    {"{\"state\":{\"nope\":[{\"a\":1}]}}", "state.nope[0]: unknown table 'nope'"},
    {"{\"state\":{\"t\":[{\"a\":\"x\"},{\"a\":\"x\"}]}}", "state.t[1]"},
    {"{\"name\":7}", "name: expected a string"},
};

static void test_bad_documents_name_the_key(void **state)
{
    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fk_error err = {{0}};
        assert_int_not_equal(apply(bad[i].doc, &err), 0);
        if (strstr(err.msg, bad[i].message) == NULL)
            fail_msg("%s: got '%s', expected '%s'", bad[i].doc, err.msg, bad[i].message);
    }
}

static size_t rows(void)
{
    cJSON *d = fk_store_dump(app.store);
    size_t n = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(d, "t"));
    cJSON_Delete(d);
    return n;
}

static void test_all_or_none(void **state)
{
    struct fk_error err = {{0}};

    (void)state; /* unused */
    assert_int_equal(apply("{\"name\":\"good\",\"faults\":[{\"id\":\"keep\",\"action\":{\"status\":"
                           "500}}],\"state\":{\"t\":[{\"a\":\"1\"}]}}",
                           &err),
                     0);
    assert_int_equal(fk_faults_count(app.faults), 1);
    assert_int_equal(rows(), 1);
    /* A conflict in the state leaves both the rules and the rows as they were. */
    assert_int_not_equal(
        apply("{\"faults\":[],\"state\":{\"t\":[{\"a\":\"2\"},{\"a\":\"2\"}]}}", &err), 0);
    assert_int_equal(fk_faults_count(app.faults), 1);
    assert_int_equal(rows(), 1);
}

static void test_cross_service_takes_own_section(void **state)
{
    struct fk_error err = {{0}};

    (void)state; /* unused */
    int rc = apply("{\"name\":\"x\",\"twilio\":{\"faults\":[{\"action\":{\"error\":\"E1\"}},"
                   "{\"action\":{\"status\":502}}]},\"supabase\":{\"faults\":[{\"action\":"
                   "{\"status\":500}}]}}",
                   &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(fk_faults_count(app.faults), 2);
    assert_int_equal(rows(), 0); /* back to the seed, which is empty here */
    /* A document without our section still resets us to the seed. */
    rc = apply("{\"livekit\":{}}", &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(fk_faults_count(app.faults), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_documents_name_the_key),
        cmocka_unit_test(test_all_or_none),
        cmocka_unit_test(test_cross_service_takes_own_section),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
