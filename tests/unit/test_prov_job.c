/* test_prov_job.c: the provisioner's job state machine (provisioner/job.h).
 *
 * Which action follows each saved state (including a run killed mid-purchase, which must
 * look its tagged number up before buying), the claim rule that mirrors the conditional
 * PATCH, step-name round trips, the stored step names (a format: rows already written hold
 * them) and the trace of a step change. No network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "provisioner/job.h"

static struct prov_job make_job(const char *status, const char *step, const char *sid,
                                const char *number, const char *trunk, const char *rule)
{
    struct prov_job j;
    memset(&j, 0, sizeof(j));
    prov_set(j.id, sizeof(j.id), "job-1");
    prov_set(j.user_id, sizeof(j.user_id), "user-1");
    prov_set(j.status, sizeof(j.status), status);
    (void)prov_step_parse(step, &j.step); /* "" reads as created */
    prov_set(j.twilio_sid, sizeof(j.twilio_sid), sid);
    prov_set(j.phone_number, sizeof(j.phone_number), number);
    prov_set(j.trunk_id, sizeof(j.trunk_id), trunk);
    prov_set(j.rule_id, sizeof(j.rule_id), rule);
    return j;
}

static void test_next_action_per_state(void **state)
{
    (void)state;
    static const struct {
        const char *status, *step, *sid, *number, *trunk, *rule;
        enum prov_action want;
    } cases[] = {
        {"running", "created", "", "", "", "", PROV_ACT_SEARCH},
        {"pending", "", "", "", "", "", PROV_ACT_SEARCH},
        /* died during the purchase POST: look the tag up before buying again */
        {"pending", "purchasing", "", "", "", "", PROV_ACT_LOOKUP_TAG},
        {"pending", "purchased", "", "", "", "", PROV_ACT_LOOKUP_TAG},
        {"pending", "purchased", "PN1", "+15550001", "", "", PROV_ACT_STORE},
        {"pending", "purchasing", "PN1", "+15550001", "", "", PROV_ACT_STORE},
        {"pending", "purchased", "PN1", "", "", "", PROV_ACT_LOOKUP_TAG},
        {"pending", "stored", "PN1", "+15550001", "", "", PROV_ACT_TRUNK},
        {"pending", "trunk_created", "PN1", "+15550001", "ST_1", "", PROV_ACT_RULE},
        {"pending", "stored", "PN1", "+15550001", "ST_1", "", PROV_ACT_RULE},
        {"running", "registered", "PN1", "+15550001", "ST_1", "SDR_1", PROV_ACT_FINISH},
        {"completed", "registered", "PN1", "+15550001", "ST_1", "SDR_1", PROV_ACT_DONE},
        /* completed but missing a piece: repair rather than report done */
        {"completed", "registered", "PN1", "+15550001", "ST_1", "", PROV_ACT_RULE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct prov_job j = make_job(cases[i].status, cases[i].step, cases[i].sid, cases[i].number,
                                     cases[i].trunk, cases[i].rule);
        enum prov_action got = prov_job_next(&j);
        if (got != cases[i].want)
            fail_msg("case %zu (%s/%s): got %s want %s", i, cases[i].status, cases[i].step,
                     prov_action_name(got), prov_action_name(cases[i].want));
    }
}

static void test_claim_rule(void **state)
{
    (void)state;
    const char *now = "2026-01-01T00:00:10.000000Z";
    static const struct {
        const char *status, *owner, *lease;
        enum prov_claim_mode mode;
        bool want;
    } cases[] = {
        {"pending", "", "", PROV_CLAIM_NORMAL, true},
        {"running", "run-a", "2026-01-01T00:00:09.999999Z", PROV_CLAIM_NORMAL, true},
        {"running", "run-a", "2026-01-01T00:00:10.000000Z", PROV_CLAIM_NORMAL, false},
        {"running", "run-a", "2026-01-01T00:00:40.000000Z", PROV_CLAIM_NORMAL, false},
        {"running", "run-a", "", PROV_CLAIM_NORMAL, false},
        /* The status does not decide: a completed job is claimed too, and what to do with
         * it is decided under the claim (the user's row read again). */
        {"completed", "", "", PROV_CLAIM_NORMAL, true},
        {"failed", "", "", PROV_CLAIM_NORMAL, true},
        {"releasing", "run-a", "2026-01-01T00:00:09.000000Z", PROV_CLAIM_NORMAL, true},
        {"releasing", "run-a", "2026-01-01T00:00:11.000000Z", PROV_CLAIM_NORMAL, false},
        {"running", "run-a", "2026-01-01T00:00:40.000000Z", PROV_CLAIM_FORCE, true},
        {"completed", "", "", PROV_CLAIM_FORCE, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct prov_job j = make_job(cases[i].status, "created", "", "", "", "");
        prov_set(j.owner, sizeof(j.owner), cases[i].owner);
        prov_set(j.lease, sizeof(j.lease), cases[i].lease);
        if (prov_job_claimable(&j, now, cases[i].mode) != cases[i].want)
            fail_msg("case %zu: want %d", i, cases[i].want);
    }
}

static void test_open_jobs(void **state)
{
    (void)state;
    static const struct {
        const char *status;
        bool open;
    } cases[] = {{"pending", true},    {"running", true}, {"releasing", true},
                 {"completed", false}, {"failed", false}, {"", false}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct prov_job j = make_job(cases[i].status, "created", "", "", "", "");
        assert_int_equal(prov_job_open(&j), cases[i].open);
    }
}

static void test_step_names_round_trip(void **state)
{
    (void)state;
    for (int s = PROV_STEP_CREATED; s <= PROV_STEP_REGISTERED; s++) {
        enum prov_step back;
        assert_true(prov_step_parse(prov_step_name((enum prov_step)s), &back));
        assert_int_equal(back, s);
    }
    enum prov_step out = PROV_STEP_STORED;
    assert_false(prov_step_parse("nope", &out));
    assert_int_equal(out, PROV_STEP_CREATED);
    assert_false(prov_step_parse(NULL, &out));
    assert_string_equal(prov_step_name((enum prov_step)99), "created");
}

/* The names in provisioning_jobs.step, as rows hold them: never renamed. */
static void test_stored_step_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum prov_step step;
    } names[] = {
        {"created", PROV_STEP_CREATED},     {"purchasing", PROV_STEP_PURCHASING},
        {"purchased", PROV_STEP_PURCHASED}, {"stored", PROV_STEP_STORED},
        {"trunk_created", PROV_STEP_TRUNK}, {"registered", PROV_STEP_REGISTERED},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_string_equal(prov_step_name(names[i].step), names[i].name);
        char text[160];
        snprintf(text, sizeof(text), "{\"id\":\"j\",\"user_id\":\"u\",\"step\":\"%s\"}",
                 names[i].name);
        cJSON *row = cJSON_Parse(text);
        struct prov_job j;
        struct fk_error err = {{0}};
        assert_int_equal(prov_job_parse(row, &j, &err), 0);
        assert_int_equal(j.step, names[i].step);
        cJSON_Delete(row);
    }
}

/* A step that is absent or null is the column's default; another string is a clear error. */
static void test_unknown_stored_step_is_an_error(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
    } cases[] = {
        {"{\"id\":\"j\",\"user_id\":\"u\"}", 0},
        {"{\"id\":\"j\",\"user_id\":\"u\",\"step\":null}", 0},
        {"{\"id\":\"j\",\"user_id\":\"u\",\"step\":\"bogus-step\"}", FK_EINVAL},
        {"{\"id\":\"j\",\"user_id\":\"u\",\"step\":\"\"}", FK_EINVAL},
        {"{\"id\":\"j\",\"user_id\":\"u\",\"step\":\"Stored\"}", FK_EINVAL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *row = cJSON_Parse(cases[i].text);
        struct prov_job j;
        struct fk_error err = {{0}};
        assert_int_equal(prov_job_parse(row, &j, &err), cases[i].rc);
        if (cases[i].rc == 0)
            assert_int_equal(j.step, PROV_STEP_CREATED);
        else
            assert_non_null(strstr(err.msg, "provisioning_jobs[0].step: unknown step"));
        cJSON_Delete(row);
    }
}

/* last_error is free text: a long one (a service's long message) leaves the job readable;
 * an id column that long is still refused. */
static void test_long_last_error_is_read(void **state)
{
    (void)state;
    char text[1200], big[601];
    memset(big, 'e', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    struct prov_job j;
    struct fk_error err = {{0}};
    snprintf(text, sizeof(text), "{\"id\":\"j\",\"user_id\":\"u\",\"last_error\":\"%s\"}", big);
    cJSON *row = cJSON_Parse(text);
    assert_int_equal(prov_job_parse(row, &j, &err), 0);
    assert_string_equal(j.id, "j");
    cJSON_Delete(row);
    snprintf(text, sizeof(text), "{\"id\":\"j\",\"user_id\":\"u\",\"owner\":\"%s\"}", big);
    row = cJSON_Parse(text);
    assert_int_equal(prov_job_parse(row, &j, &err), FK_EINVAL);
    assert_non_null(strstr(err.msg, "owner: too long"));
    cJSON_Delete(row);
}

/* prov_job_set_step traces each change once, as "from -> [to]", and nothing when unchanged. */
static void test_set_step_traces_changes(void **state)
{
    (void)state;
    char path[] = "/tmp/test_prov_job_trace.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct prov_trace trace;
    struct fk_error err = {{0}};
    assert_int_equal(prov_trace_open(&trace, "json", path, &err), 0);
    struct prov_config cfg;
    prov_config_defaults(&cfg);
    struct prov_ctx ctx;
    assert_int_equal(prov_ctx_init(&ctx, &cfg, &trace, 1, NULL), 0);
    ctx.step = "purchase";
    struct prov_job j = make_job("running", "created", "", "", "", "");
    prov_job_set_step(&ctx, &j, PROV_STEP_PURCHASING);
    prov_job_set_step(&ctx, &j, PROV_STEP_PURCHASING);
    prov_job_set_step(&ctx, &j, PROV_STEP_PURCHASED);
    assert_int_equal(j.step, PROV_STEP_PURCHASED);
    prov_ctx_cleanup(&ctx);
    prov_trace_close(&trace);

    FILE *f = fdopen(fd, "r");
    assert_non_null(f);
    char line[512];
    const char *want[] = {"created -> [purchasing]", "purchasing -> [purchased]"};
    size_t n = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        cJSON *o = cJSON_Parse(line);
        assert_non_null(o);
        assert_true(n < 2);
        assert_string_equal(cJSON_GetObjectItem(o, "event")->valuestring, "step");
        assert_string_equal(cJSON_GetObjectItem(o, "step")->valuestring, "purchase");
        assert_string_equal(cJSON_GetObjectItem(o, "result")->valuestring, "state");
        assert_string_equal(cJSON_GetObjectItem(o, "job_id")->valuestring, "job-1");
        assert_string_equal(cJSON_GetObjectItem(o, "detail")->valuestring, want[n]);
        cJSON_Delete(o);
        n++;
    }
    assert_int_equal(n, 2);
    fclose(f);
    unlink(path);
}

static void test_steps_are_ordered(void **state)
{
    (void)state;
    /* The flow compares steps: purchasing must come before purchased, stored after both. */
    assert_true(PROV_STEP_CREATED < PROV_STEP_PURCHASING);
    assert_true(PROV_STEP_PURCHASING < PROV_STEP_PURCHASED);
    assert_true(PROV_STEP_PURCHASED < PROV_STEP_STORED);
    assert_true(PROV_STEP_STORED < PROV_STEP_TRUNK);
    assert_true(PROV_STEP_TRUNK < PROV_STEP_REGISTERED);
}

static void test_lease_time_is_future_rfc3339(void **state)
{
    (void)state;
    char a[40], b[40];
    prov_lease_time(0, a);
    prov_lease_time(30000, b);
    assert_int_equal(strlen(a), 27);
    assert_int_equal(a[10], 'T');
    assert_int_equal(a[26], 'Z');
    assert_true(strcmp(a, b) < 0);
}

static void test_exit_codes_documented(void **state)
{
    (void)state;
    for (int c = 0; c <= PROV_EXIT_MAX; c++)
        assert_non_null(prov_exit_describe(c));
    assert_null(prov_exit_describe(PROV_EXIT_MAX + 1));
    assert_null(prov_exit_describe(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_action_per_state),
        cmocka_unit_test(test_claim_rule),
        cmocka_unit_test(test_open_jobs),
        cmocka_unit_test(test_step_names_round_trip),
        cmocka_unit_test(test_stored_step_names),
        cmocka_unit_test(test_unknown_stored_step_is_an_error),
        cmocka_unit_test(test_long_last_error_is_read),
        cmocka_unit_test(test_set_step_traces_changes),
        cmocka_unit_test(test_steps_are_ordered),
        cmocka_unit_test(test_lease_time_is_future_rfc3339),
        cmocka_unit_test(test_exit_codes_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
