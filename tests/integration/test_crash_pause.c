/* test_crash_pause.c: runs that are paused or read stale data while another run takes their
 * job, then go on (issue 19 items 1 and 3).
 *
 * Schedules, each on a fresh user, with PROV_LEASE_MS at its minimum (1 s):
 *  - pause at every step: run A is frozen (SIGSTOP) right after a step event of its trace
 *    (each step's start and end, found by reading the trace as A writes it), its lease is
 *    let expire (a condition on the job row), run B provisions the same user, and A is
 *    thawed (SIGCONT): after B ended, or while B runs (drawn). A must stop at its next
 *    write that depends on the job, release what it made that B did not adopt, and exit 0
 *    (it finished first) or 4;
 *  - stale reads: each read of the flow (the user's row, the search, the trunk and rule
 *    look-ups) is answered late by a fault rule that computes the answer and holds it past
 *    A's lease (delay_ms), while B provisions the same user; A then acts on what it read.
 *    The first is the case: A's "no number" arrives after B completed.
 * After each: B exited 0, A exited 0 or 4, and the clean re-run converges (chaos.h): one
 * number, row, trunk and rule for the user, the job completed, nothing unrecorded. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/clock.h"
#include "tests/support/chaos.h"

#define PAUSE_SEED    1901
#define MAX_USERS     60
#define MAX_POINTS    48
#define LEASE_WAIT_MS 8000 /* bound on waiting for a frozen run's lease to expire */
#define STALE_MS      1800 /* a stale answer is held past the 1 s lease */

static struct chaos *C;
static long points[MAX_POINTS]; /* trace line numbers of the clean run's step events */
static int npoints;

static int setup(void **state)
{
    (void)state;
    C = chaos_new("crash_pause", PAUSE_SEED, MAX_USERS, false);
    return C != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return chaos_free(C);
}

static bool is_step_event(const cJSON *l)
{
    const char *ev = l != NULL ? cJSON_GetStringValue(cJSON_GetObjectItem(l, "event")) : NULL;
    return ev != NULL && strcmp(ev, "step") == 0;
}

/* A clean run: the line numbers of its step events are the pause points. */
static void measure(void)
{
    const char *args[] = {"provision", "--user-token", C->fl.token, NULL};
    struct crash_run cr;
    cJSON *l = NULL;
    chaos_next_user(C);
    assert_int_equal(crash_run_start(&cr, &C->fl, args, chaos_lease_env), 0);
    while (crash_run_line(&cr, &l)) {
        if (is_step_event(l) && npoints < MAX_POINTS)
            points[npoints++] = cr.lines;
        cJSON_Delete(l);
    }
    assert_int_equal(crash_run_wait(&cr), 0);
    crash_run_free(&cr);
    char why[1400];
    if (!chaos_converged(C, why, sizeof(why)))
        fail_msg("a clean run did not converge: %s", why);
    print_message("crash_pause: %d step events to pause at\n", npoints);
}

/* Run B to completion; its status. A request A sent just before it was frozen may still
 * commit (a job row with a fresh lease) after the lease was seen expired: B then answers 4,
 * and runs again once that lease expired too. */
static int run_b(char *out, size_t len)
{
    const char *args[] = {"provision", "--user-token", C->fl.token, NULL};
    int status = 4;
    for (int tries = 0; status == 4 && tries < 3; tries++) {
        if (tries > 0 && !chaos_wait_lease(C, LEASE_WAIT_MS))
            break;
        status = chaos_prov(C, args, chaos_lease_env, out, len);
    }
    return status;
}

/* After A and B ended: their exits, then the re-run and convergence. B must succeed when A
 * stayed frozen until B ended; thawed while B starts, A may renew the lease it still holds
 * (nobody claimed it yet) before B claims, and then B is the one that answers 4. */
static void judge(const char *point, int a, int b, const char *bout, bool during)
{
    char why[1400];
    if (b != 0 && !(during && b == 4)) {
        snprintf(why, sizeof(why), "run B exited %d: %s", b, bout);
        chaos_record(C, point, why);
    } else if (a != 0 && a != 4) {
        snprintf(why, sizeof(why), "the paused run A exited %d", a);
        chaos_record(C, point, why);
    } else {
        chaos_verdict(C, point);
    }
}

/* Freeze A after trace line k, let its lease expire, run B, thaw A (after B, or during). */
static void pause_at(long k, bool during)
{
    const char *args[] = {"provision", "--user-token", C->fl.token, NULL};
    char point[400], bout[1024] = "";
    struct crash_run a;
    cJSON *l = NULL;
    int b;

    chaos_next_user(C);
    assert_int_equal(crash_run_start(&a, &C->fl, args, chaos_lease_env), 0);
    while (a.lines < k && crash_run_line(&a, &l)) {
        cJSON_Delete(l);
        l = NULL;
    }
    snprintf(point, sizeof(point), "paused after line %ld (\"%s\"), thawed %s B", k, a.last,
             during ? "during" : "after");
    kill(a.run.pid, SIGSTOP);
    if (!chaos_wait_lease(C, LEASE_WAIT_MS))
        fail_msg("%s: the frozen run's lease never expired", point);
    if (during) {
        const char *bargs[] = {"provision", "--user-token", C->fl.token, NULL};
        struct crash_run brun;
        assert_int_equal(crash_run_start(&brun, &C->fl, bargs, chaos_lease_env), 0);
        kill(a.run.pid, SIGCONT);
        b = crash_run_wait(&brun);
        snprintf(bout, sizeof(bout), "%s", brun.run.out != NULL ? brun.run.out : "");
        crash_run_free(&brun);
    } else {
        b = run_b(bout, sizeof(bout));
        kill(a.run.pid, SIGCONT);
    }
    int status = crash_run_wait(&a);
    crash_run_free(&a);
    judge(point, status, b, bout, during);
}

static void pause_every_step(void **state)
{
    (void)state;
    measure();
    for (int round = 0; round < C->scale; round++)
        for (int i = 0; i < npoints; i++)
            pause_at(points[i], chaos_draw(C, 3) == 0);
}

/* A read answered late (computed, then held past the lease). */
struct stale {
    const char *name;
    enum flow_fake fake;
    const char *match; /* the fault's "match" object */
};

static const struct stale stales[] = {
    {"the user's row", FLOW_SUPABASE,
     "{\"method\":\"GET\",\"path\":\"/rest/v1/"
     "phone_numbers\",\"query\":{\"status\":\"eq.active\"}}"},
    {"the search", FLOW_TWILIO,
     "{\"method\":\"GET\",\"path\":\"/2010-04-01/Accounts/*/AvailablePhoneNumbers/**\"}"},
    {"the trunk look-up", FLOW_LIVEKIT,
     "{\"method\":\"POST\",\"path\":\"/twirp/livekit.SIP/ListSIPInboundTrunk\"}"},
    {"the rule look-up", FLOW_LIVEKIT,
     "{\"method\":\"POST\",\"path\":\"/twirp/livekit.SIP/ListSIPDispatchRule\"}"},
};

/* Whether the fault "stale" of fake p fired (the late answer is computed and held). */
static bool fired(struct h_proc *p)
{
    struct h_resp r;
    h_get(p, "/__admin/faults", &r);
    cJSON *j = h_json(&r);
    h_resp_free(&r);
    const cJSON *f = cJSON_GetArrayItem(j, 0);
    bool yes = f != NULL && cJSON_GetNumberValue(cJSON_GetObjectItem(f, "fired")) >= 1;
    cJSON_Delete(j);
    return yes;
}

static void stale_read(const struct stale *s)
{
    const char *args[] = {"provision", "--user-token", C->fl.token, NULL};
    char body[512], point[200], bout[1024];
    struct h_resp r;
    struct crash_run a;
    struct h_proc *p = flow_fake(&C->fl, s->fake);

    chaos_next_user(C);
    snprintf(body, sizeof(body),
             "{\"id\":\"stale\",\"times\":1,\"match\":%s,\"action\":{\"delay_ms\":%d}}", s->match,
             STALE_MS);
    h_post_json(p, "/__admin/faults", body, &r);
    assert_true(r.status >= 200 && r.status < 300);
    h_resp_free(&r);
    assert_int_equal(crash_run_start(&a, &C->fl, args, chaos_lease_env), 0);
    int64_t until = fk_mono_us() + 10 * 1000000LL;
    while (!fired(p) && fk_mono_us() < until)
        chaos_sleep_us(10000); /* between reads of a condition, bounded */
    snprintf(point, sizeof(point), "stale read of %s", s->name);
    if (!chaos_wait_lease(C, LEASE_WAIT_MS))
        fail_msg("%s: the lease never expired", point);
    flow_clear_faults(&C->fl); /* B reads fresh data */
    int b = run_b(bout, sizeof(bout));
    int status = crash_run_wait(&a);
    crash_run_free(&a);
    judge(point, status, b, bout, false);
}

static void stale_reads(void **state)
{
    (void)state;
    for (int round = 0; round < C->scale; round++)
        for (size_t i = 0; i < sizeof(stales) / sizeof(stales[0]); i++)
            stale_read(&stales[i]);
}

static void summary(void **state)
{
    (void)state;
    chaos_summary(C, 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pause_every_step),
        cmocka_unit_test(stale_reads),
        cmocka_unit_test(summary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
