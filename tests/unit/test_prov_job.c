/* test_prov_job.c: the provisioner's job state machine (provisioner/job.h).
 *
 * Which action follows each saved state (including a run killed mid-purchase, which must
 * look its tagged number up before buying), the claim rule that mirrors the conditional
 * PATCH, and step-name round trips. Pure: no network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
    prov_set(j.step, sizeof(j.step), step);
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
        {"pending", "bogus-step", "", "", "", "", PROV_ACT_SEARCH},
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
        cmocka_unit_test(test_steps_are_ordered),
        cmocka_unit_test(test_lease_time_is_future_rfc3339),
        cmocka_unit_test(test_exit_codes_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
