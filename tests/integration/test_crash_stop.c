/* test_crash_stop.c: `serve` and the fakes stopped under a run (issue 19, audit; the other
 * schedules of the audit are in test_crash_ops.c).
 *
 * Each schedule runs on a fresh user with PROV_LEASE_MS at its minimum (1 s); every instant
 * and choice is drawn from the seeded generator (CRASH_SEED replays, CRASH_SOAK multiplies):
 *  - serve killed: a request to `serve` whose process is SIGKILLed (or stopped with SIGTERM,
 *    which must let the flow finish and answer) at a drawn instant;
 *  - two serves: the same user's request sent to two `serve` processes at once (one of them
 *    killed at a drawn instant, or neither);
 *  - frozen fake: a drawn fake is frozen (SIGSTOP) in a drawn step that calls it, at a drawn
 *    instant or once it holds the answer to that step's committed write; then either the run
 *    (short timeouts) gives up and the fake is thawed after it, or thawed once a second run
 *    (`resume --force`) waits on it, or the run waits on it past its lease while another
 *    `provision` takes the job and the fake is thawed under both: the frozen fake serves the
 *    first run's queued requests (committed late) beside the new run's.
 * After each the clean re-run converges (chaos.h). */
#include <pthread.h>
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

#define STOP_SEED     1905
#define MAX_USERS     40
#define LEASE_WAIT_MS 8000

static struct chaos *C;
static int64_t clean_us;

static int setup(void **state)
{
    (void)state;
    C = chaos_new("crash_stop", STOP_SEED, MAX_USERS, false);
    return C != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return chaos_free(C);
}

/* One POST to a serve, on its own thread. */
struct post {
    pthread_t th;
    char url[256], auth[4200];
    long status;
    char body[300];
};

static void *post_main(void *arg)
{
    struct post *p = arg;
    const char *hdrs[] = {p->auth, NULL};
    struct h_resp r;
    h_request("POST", p->url, hdrs, "", 30000, &r);
    p->status = r.status;
    snprintf(p->body, sizeof(p->body), "%s", r.body != NULL ? r.body : "");
    p->body[strcspn(p->body, "\n")] = '\0';
    h_resp_free(&r);
    return NULL;
}

static void post_start(struct post *p, const struct h_proc *srv)
{
    snprintf(p->url, sizeof(p->url),
             "%s/api/twilio/purchase_phone_number?country_code=US&number_type=local", srv->base);
    snprintf(p->auth, sizeof(p->auth), "Authorization: Bearer %s", C->fl.token);
    assert_int_equal(pthread_create(&p->th, NULL, post_main, p), 0);
}

/* serve takes its settings from the environment: the flow's, with the 1 s lease. */
static void serve_start(struct h_proc *srv)
{
    const char *const *env = flow_env(&C->fl);
    for (size_t i = 0; env[i] != NULL; i++)
        putenv((char *)env[i]);
    putenv((char *)chaos_lease_env[0]);
    const char *args[] = {"serve", NULL};
    assert_int_equal(h_start(srv, "provisioner", args), 0);
}

/* n serves (1 or 2), the same user's request to each; serve `victim` (-1: none) killed
 * (SIGKILL, or SIGTERM when term: a clean stop, which must exit 0) at a drawn instant. */
static void serves(int n, int victim, bool term)
{
    struct h_proc srv[2];
    struct post posts[2];
    char point[1400];
    chaos_next_user(C);
    for (int i = 0; i < n; i++)
        serve_start(&srv[i]);
    int64_t at = (int64_t)chaos_draw(C, (uint64_t)clean_us + 1);
    for (int i = 0; i < n; i++)
        post_start(&posts[i], &srv[i]);
    int stopped = 0;
    if (victim >= 0) {
        chaos_sleep_us(at);
        if (term)
            stopped |= h_stop(&srv[victim]);
        else
            h_kill(&srv[victim]);
    }
    for (int i = 0; i < n; i++)
        pthread_join(posts[i].th, NULL);
    for (int i = 0; i < n; i++)
        if (i != victim)
            stopped |= h_stop(&srv[i]);
    snprintf(point, sizeof(point), "%d serve(s), %s %lld us: answers %ld %s | %ld %s", n,
             victim < 0 ? "none killed"
             : term     ? "one stopped (SIGTERM) at"
                        : "one killed at",
             (long long)(victim >= 0 ? at : 0), posts[0].status, posts[0].body,
             n > 1 ? posts[1].status : 0L, n > 1 ? posts[1].body : "");
    for (int i = 0; i < n; i++) {
        long s = posts[i].status;
        /* A SIGTERM lets the flows in flight finish and answer; a request it closed before
         * its flow started (no job row) is a failure the client sees and retries. */
        if (i == victim && term && s == 0) {
            struct crash_state st;
            crash_state_get(&C->fl, C->fl.user_id, &st);
            if (st.job_id[0] == '\0')
                continue;
        }
        if ((i != victim || term) && s != 200 && s != 409) {
            chaos_record(C, point,
                         "a serve that lived or stopped cleanly answered neither "
                         "200 nor 409");
            return;
        }
    }
    if (stopped != 0) {
        chaos_record(C, point, "a serve did not stop cleanly");
        return;
    }
    chaos_verdict(C, point);
}

/* The steps that call each fake, by the trace's step names. */
static const char *const frozen_steps[FLOW_NFAKES][4] = {
    [FLOW_TWILIO] = {"search", "purchase", NULL},
    [FLOW_LIVEKIT] = {"register_trunk", "register_rule", NULL},
    [FLOW_SUPABASE] = {"job", "store", "register_rule", NULL},
};

static bool step_start(const cJSON *l, const char *step)
{
    const char *ev = cJSON_GetStringValue(cJSON_GetObjectItem(l, "event"));
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(l, "step"));
    const char *res = cJSON_GetStringValue(cJSON_GetObjectItem(l, "result"));
    return ev != NULL && st != NULL && res != NULL && strcmp(ev, "step") == 0 &&
           strcmp(st, step) == 0 && strcmp(res, "start") == 0;
}

/* The write of a step that a fake holds the answer to (after its effect), before it is
 * frozen: the freeze then lands on a committed write whose answer the run never gets. */
static const char *held_write(enum flow_fake f, const char *step)
{
    if (f == FLOW_TWILIO && strcmp(step, "purchase") == 0)
        return "{\"method\":\"POST\",\"path\":\"/2010-04-01/Accounts/*/"
               "IncomingPhoneNumbers.json\"}";
    if (f == FLOW_LIVEKIT && strcmp(step, "register_trunk") == 0)
        return "{\"method\":\"POST\",\"path\":\"/twirp/livekit.SIP/CreateSIPInboundTrunk\"}";
    if (f == FLOW_LIVEKIT && strcmp(step, "register_rule") == 0)
        return "{\"method\":\"POST\",\"path\":\"/twirp/livekit.SIP/CreateSIPDispatchRule\"}";
    if (f == FLOW_SUPABASE && strcmp(step, "store") == 0)
        return "{\"method\":\"POST\",\"path\":\"/rest/v1/phone_numbers\"}";
    if (f == FLOW_SUPABASE && strcmp(step, "job") == 0)
        return "{\"method\":\"POST\",\"path\":\"/rest/v1/provisioning_jobs\"}";
    return NULL;
}

/* Whether fake p's first fault rule fired. */
static bool fault_fired(const struct h_proc *p)
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

static void frozen_fake(void)
{
    static const char *const short_env[] = {"PROV_LEASE_MS=1000", "PROV_REQUEST_TIMEOUT_MS=300",
                                            "PROV_MAX_ATTEMPTS=2", "PROV_DEADLINE_MS=2500", NULL};
    static const char *const names[] = {"fake_twilio", "fake_livekit", "fake_supabase"};
    static const char *const modes[] = {"A gave up, thawed after", "A gave up, thawed under B",
                                        "A waiting past its lease, thawed under B"};
    const char *prov[] = {"provision", "--user-token", C->fl.token, NULL};
    const char *resume[] = {"resume", "--user-id", C->fl.user_id, "--force", NULL};
    char point[1400], bout[512] = "";
    struct crash_run a, b;
    cJSON *l = NULL;
    chaos_next_user(C);
    enum flow_fake f = (enum flow_fake)chaos_draw(C, FLOW_NFAKES);
    int nsteps = 0;
    while (frozen_steps[f][nsteps] != NULL)
        nsteps++;
    const char *step = frozen_steps[f][chaos_draw(C, (uint64_t)nsteps)];
    /* B needs Supabase: with it frozen, only mode 0. */
    int mode = f == FLOW_SUPABASE ? 0 : (int)chaos_draw(C, 3);
    int64_t lag = (int64_t)chaos_draw(C, 20000); /* after the step's start line */
    struct h_proc *fk = flow_fake(&C->fl, f);
    pid_t pid = fk->pid;
    const char *held = chaos_draw(C, 2) == 0 ? held_write(f, step) : NULL;
    if (held != NULL) {
        char body[400];
        struct h_resp r;
        snprintf(body, sizeof(body),
                 "{\"id\":\"held\",\"times\":1,\"match\":%s,\"action\":{\"delay_ms\":1500,"
                 "\"after_effect\":true}}",
                 held);
        h_post_json(fk, "/__admin/faults", body, &r);
        assert_true(r.status >= 200 && r.status < 300);
        h_resp_free(&r);
    }

    assert_int_equal(crash_run_start(&a, &C->fl, prov, mode == 2 ? chaos_lease_env : short_env), 0);
    bool seen = false;
    while (!seen && crash_run_line(&a, &l)) {
        seen = step_start(l, step);
        cJSON_Delete(l);
        l = NULL;
    }
    if (held != NULL) {
        /* Freeze once the held write committed (bounded: the run may have gone elsewhere). */
        for (int64_t until = fk_mono_us() + 3000000; !fault_fired(fk) && fk_mono_us() < until;)
            chaos_sleep_us(2000); /* between reads of a condition */
        chaos_sleep_us(5000);     /* the handler ran before the fault holds its answer */
    } else {
        chaos_sleep_us(lag);
    }
    kill(pid, SIGSTOP);
    int sa = -1, sb = -1;
    char reached[200] = "";
    if (mode < 2) {
        sa = crash_run_wait(&a);
        snprintf(reached, sizeof(reached), "%s", a.last);
        crash_run_free(&a);
    } else if (!chaos_wait_lease(C, LEASE_WAIT_MS)) {
        kill(pid, SIGCONT);
        fail_msg("A's lease never expired while %s was frozen", names[f]);
    }
    if (mode > 0) {
        /* B holds the job (Supabase answers) and then waits on the frozen fake; A's queued
         * requests and B's are served together once it is thawed. */
        const char *const *bargs = mode == 2 ? prov : resume;
        assert_int_equal(crash_run_start(&b, &C->fl, bargs, chaos_lease_env), 0);
        chaos_sleep_us((int64_t)chaos_draw(C, 300000));
        kill(pid, SIGCONT);
        sb = crash_run_wait(&b);
        snprintf(bout, sizeof(bout), "%s", b.run.out != NULL ? b.run.out : "");
        bout[strcspn(bout, "\n")] = '\0';
        crash_run_free(&b);
    } else {
        kill(pid, SIGCONT);
    }
    if (mode == 2) {
        sa = crash_run_wait(&a);
        snprintf(reached, sizeof(reached), "%s", a.last);
        crash_run_free(&a);
    }
    snprintf(point, sizeof(point),
             "%s frozen %lld us into \"%s\" (%s), %s: A exit %d at \"%s\"; B exit %d %s", names[f],
             (long long)lag, step, seen ? "reached" : "never reached", modes[mode], sa, reached, sb,
             bout);
    if (mode == 2 && sa != 0 && sa != 4) {
        chaos_record(C, point, "A, alive past its lease, exited neither 0 nor 4");
        return;
    }
    chaos_verdict(C, point);
}

static void schedules(void **state)
{
    (void)state;
    clean_us = chaos_clean_provision(C, chaos_lease_env);
    for (int round = 0; round < C->scale; round++) {
        serves(1, 0, chaos_draw(C, 4) == 0);
        serves(2, (int)chaos_draw(C, 3) - 1, false);
        for (int i = 0; i < 3; i++)
            frozen_fake();
    }
}

static void summary(void **state)
{
    (void)state;
    chaos_summary(C, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schedules),
        cmocka_unit_test(summary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
