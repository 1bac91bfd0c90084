/* test_crash_fakes.c: the fakes die under a running provisioner and come back (issue 19
 * items 4 and 5).
 *
 * The three fakes keep their state in files (--db); a fake is killed (SIGKILL, or SIGTERM)
 * and started again on the same port and database, with the same --seed or another one.
 * Schedules, each on a fresh user while `provision` runs:
 *  - random instants: a fake, a signal, a seed and an instant in [0, a clean run's duration]
 *    drawn from the seeded generator;
 *  - holding the answer to a committed write: a fault rule lets a write take effect and holds
 *    its answer (after_effect + delay_ms); once the effect shows in the fake's state, that fake
 *    is killed, so the provisioner sees its connection die (or, on a reused connection that
 *    libcurl retries, a refused connect) after the server committed. It must look the
 *    resource up before any resend: one number bought, the job row its own.
 * After each the clean re-run converges (chaos.h), and the fakes' re-issued ids never clash
 * with stored ones: a restarted fake_livekit that handed out a stored trunk id would replace
 * another user's trunk, which the global check sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/clock.h"
#include "tests/support/chaos.h"

#define FAKES_SEED    1902
#define RANDOM_KILLS  12
#define MAX_USERS     48
#define READY_WAIT_MS 8000
#define BUY_PATH      "/2010-04-01/Accounts/" FLOW_TWILIO_SID "/IncomingPhoneNumbers.json"

static struct chaos *C;
static int64_t clean_us;

static int setup(void **state)
{
    (void)state;
    C = chaos_new("crash_fakes", FAKES_SEED, MAX_USERS, true);
    return C != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return chaos_free(C);
}

static const char *const fake_names[] = {"fake_twilio", "fake_livekit", "fake_supabase"};

/* Restart fake f: its seed is the suite's or a drawn other one. */
static void restart(enum flow_fake f, bool kill9, bool same_seed, char *what, size_t len)
{
    int seed = same_seed ? (int)C->seed : (int)C->seed + 1 + (int)chaos_draw(C, 1000);
    snprintf(what, len, "%s %s, back with %s seed %d", fake_names[f], kill9 ? "killed" : "stopped",
             same_seed ? "the same" : "another", seed);
    if (flow_restart(&C->fl, f, seed, kill9) != 0)
        fail_msg("%s: the fake did not start again", what);
}

static void random_instants(void **state)
{
    (void)state;
    const char *args[] = {"provision", "--user-token", NULL, NULL};
    clean_us = chaos_clean_provision(C, NULL);
    for (int i = 0; i < RANDOM_KILLS * C->scale; i++) {
        enum flow_fake f = (enum flow_fake)chaos_draw(C, FLOW_NFAKES);
        bool kill9 = chaos_draw(C, 4) != 0, same = chaos_draw(C, 2) == 0;
        int64_t at = (int64_t)chaos_draw(C, (uint64_t)clean_us + 1);
        char what[200], point[640];
        struct crash_run cr;
        chaos_next_user(C);
        args[2] = C->fl.token;
        assert_int_equal(crash_run_start(&cr, &C->fl, args, NULL), 0);
        chaos_sleep_us(at);
        restart(f, kill9, same, what, sizeof(what));
        int status = crash_run_wait(&cr);
        snprintf(point, sizeof(point), "random %d: %s at %lld us (run reached \"%s\", exit %d)",
                 i + 1, what, (long long)at, cr.last, status);
        crash_run_free(&cr);
        chaos_verdict(C, point);
    }
}

/* A write whose answer a fake holds after committing it. */
struct held {
    const char *name;
    enum flow_fake fake;
    const char *method, *path;
    int after;         /* matching requests let through first */
    const char *ready; /* what shows once it took effect */
};

static const struct held helds[] = {
    {"job insert", FLOW_SUPABASE, "POST", "/rest/v1/provisioning_jobs", 0, "job"},
    {"purchase", FLOW_TWILIO, "POST", BUY_PATH, 0, "tagged"},
    {"save 'purchased'", FLOW_SUPABASE, "PATCH", "/rest/v1/provisioning_jobs", 1, "purchased"},
    {"phone_numbers insert", FLOW_SUPABASE, "POST", "/rest/v1/phone_numbers", 0, "row"},
    {"trunk create", FLOW_LIVEKIT, "POST", "/twirp/livekit.SIP/CreateSIPInboundTrunk", 0, "trunk"},
    {"rule create", FLOW_LIVEKIT, "POST", "/twirp/livekit.SIP/CreateSIPDispatchRule", 0, "rule"},
    {"job completion", FLOW_SUPABASE, "PATCH", "/rest/v1/provisioning_jobs", 4, "completed"},
};

static bool shown(const struct crash_state *s, const char *what)
{
    if (strcmp(what, "job") == 0)
        return s->job_id[0] != '\0';
    if (strcmp(what, "tagged") == 0)
        return s->tagged > 0;
    if (strcmp(what, "purchased") == 0)
        return strcmp(s->job_step, "purchased") == 0;
    if (strcmp(what, "row") == 0)
        return s->rows > 0;
    if (strcmp(what, "trunk") == 0)
        return s->trunks > 0;
    if (strcmp(what, "rule") == 0)
        return s->rules > 0;
    return strcmp(s->job_status, "completed") == 0;
}

static void hold_and_kill(const struct held *h, bool same)
{
    const char *args[] = {"provision", "--user-token", NULL, NULL};
    /* The run must still wait for the held answer when the fake dies. */
    const char *env[] = {"PROV_REQUEST_TIMEOUT_MS=10000", NULL};
    char body[512], what[200], point[400];
    struct h_resp r;
    struct crash_run cr;
    struct crash_state st;
    bool ready = false;

    chaos_next_user(C);
    args[2] = C->fl.token;
    snprintf(body, sizeof(body),
             "{\"id\":\"held\",\"match\":{\"method\":\"%s\",\"path\":\"%s\"},\"after\":%d,"
             "\"times\":1,\"action\":{\"delay_ms\":6000,\"after_effect\":true}}",
             h->method, h->path, h->after);
    h_post_json(flow_fake(&C->fl, h->fake), "/__admin/faults", body, &r);
    assert_true(r.status >= 200 && r.status < 300);
    h_resp_free(&r);
    assert_int_equal(crash_run_start(&cr, &C->fl, args, env), 0);
    for (int64_t until = fk_mono_us() + READY_WAIT_MS * 1000LL; !ready && fk_mono_us() < until;) {
        crash_state_get(&C->fl, C->fl.user_id, &st);
        ready = shown(&st, h->ready);
    }
    restart(h->fake, true, same, what, sizeof(what));
    int status = crash_run_wait(&cr);
    snprintf(point, sizeof(point), "holding the answer to the %s: %s (run exit %d)", h->name, what,
             status);
    crash_run_free(&cr);
    if (!ready)
        chaos_record(C, point, "the effect never showed while the answer was held");
    else
        chaos_verdict(C, point);
}

static void holding_committed_writes(void **state)
{
    (void)state;
    for (int round = 0; round < C->scale; round++)
        for (size_t i = 0; i < sizeof(helds) / sizeof(helds[0]); i++)
            hold_and_kill(&helds[i], chaos_draw(C, 2) == 0);
}

static void summary(void **state)
{
    (void)state;
    chaos_summary(C, RANDOM_KILLS + 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_instants),
        cmocka_unit_test(holding_committed_writes),
        cmocka_unit_test(summary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
