/* test_crash.c: crash consistency. SIGKILL the provisioner anywhere, recover, and prove that
 * every user still ends with exactly one number bought, stored and registered.
 *
 * Kill points, each on a fresh user of the same three fakes:
 *  - step boundaries: right after every line of the JSON trace of a clean run (each step's
 *    start and end, each HTTP attempt, each job save), found by reading the trace as the run
 *    writes it, so the kill follows the data, never a timer;
 *  - inside ambiguous calls: a fault rule lets the call take effect, then holds the answer
 *    (after_effect + delay_ms); the run is killed once the effect shows in the fake's state,
 *    while the request is still in flight (e.g. the number bought, the run not told);
 *  - random instants: SIGKILL after a delay drawn from a seeded PRNG (seed printed) between 0
 *    and the duration of a clean run. Here the delay is the point of the test.
 * Recovery runs on a clean network: `resume --user-id --force` (take over the dead run's
 * lease) when the user has a job row, else `provision` again; three times, a plain
 * `provision` after the dead run's 1 s lease expired (retried while it answers 4).
 * Convergence: crash_state_ok for the user (one active row, the profile's number, the number
 * owned and the only one tagged for the job, one trunk with it, one rule for the trunk, the
 * job completed after a resume), each global total (numbers, rows, trunks, rules) grew by
 * exactly one, and a number the dead run had bought was adopted: no purchase POST naming the
 * job during recovery. Every kill point is tried; failures are listed at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fakekit/clock.h"
#include "fakekit/rand.h"
#include "tests/support/crash.h"
#include "tests/support/flowkit.h"

#define CRASH_SEED    42
#define RANDOM_KILLS  15
#define LEASE_WAIT_MS 8000 /* bound on waiting for a dead run's 1 s lease */
#define READY_WAIT_MS 5000 /* bound on waiting for an in-flight effect to show */
#define MAX_FAILURES  16
#define MAX_USERS     (100 + RANDOM_KILLS * 20) /* about 65 are used, more under CRASH_SOAK */
#define BUY_PATH      "/2010-04-01/Accounts/" FLOW_TWILIO_SID "/IncomingPhoneNumbers.json"

struct suite {
    struct h_flow fl;
    int users;
    int tried, converged, finished_first;
    char failures[MAX_FAILURES][2048];
    int nfail;
    long clean_lines;    /* trace lines of a clean run */
    int64_t clean_us;    /* wall time of a clean run */
    long totals_base[4]; /* numbers, rows, trunks, rules before the current point */
};

static void totals(struct suite *S, long t[4])
{
    struct flow_totals ft;
    flow_totals(&S->fl, &ft);
    t[0] = ft.twilio_numbers;
    t[1] = ft.phone_numbers;
    t[2] = ft.trunks;
    t[3] = ft.dispatch_rules;
}

/* A fresh user for the next kill point. totals_base holds the totals after the previous
 * point (nothing else changes the fakes in between). */
static void next_user(struct suite *S)
{
    S->users++;
    assert_true(S->users <= MAX_USERS);
    crash_use_user(&S->fl, S->users);
}

static void record_failure(struct suite *S, const char *point, const char *why)
{
    totals(S, S->totals_base); /* the next point counts from what this one left */
    print_message("crash: NOT converged at %s: %s\n", point, why);
    if (S->nfail < MAX_FAILURES)
        snprintf(S->failures[S->nfail], sizeof(S->failures[0]), "%s: %s", point, why);
    S->nfail++;
}

/* Recover the current user on a clean network. lease: wait out the dead run's lease with
 * plain `provision` runs instead of taking it over. Returns the last exit status. */
static int recover(struct suite *S, bool lease, bool has_job, char *out, size_t len, int *waits)
{
    const char *prov_args[] = {"provision", "--user-token", S->fl.token, NULL};
    const char *resume_args[] = {"resume", "--user-id", S->fl.user_id, "--force", NULL};
    char *text = NULL;
    int status;
    *waits = 0;

    flow_clear_faults(&S->fl);
    if (lease) {
        /* Waits on a condition (the lease has expired), bounded; each try is a whole run. */
        int64_t until = fk_mono_us() + (int64_t)LEASE_WAIT_MS * 1000;
        for (;;) {
            free(text);
            status = crash_prov(&S->fl, prov_args, NULL, &text);
            if (status != 4 || fk_mono_us() > until)
                break;
            (*waits)++;
        }
    } else {
        status = crash_prov(&S->fl, has_job ? resume_args : prov_args, NULL, &text);
        if (status == 4 && !has_job) {
            /* Killed with its job insert in flight, the dead run's row landed after the state
             * was read (seen under `make soak`, seed 201): it is known dead, so take it over,
             * as the runbook says for exit 4. */
            free(text);
            text = NULL;
            status = crash_prov(&S->fl, resume_args, NULL, &text);
        }
    }
    snprintf(out, len, "%s", text != NULL ? text : "");
    out[strcspn(out, "\n")] = '\0';
    free(text);
    return status;
}

/* After the kill (status) and the recovery: count the point and check convergence. */
static void verdict(struct suite *S, const char *point, int killed_status, bool lease)
{
    char out[1024], why[2048];
    int waits = 0;
    S->tried++;
    if (killed_status != 128 + 9)
        S->finished_first++; /* the run ended before the signal: still a valid end state */
    /* What the dead run left: a number it bought must be adopted, never bought again. */
    struct crash_state st;
    crash_state_get(&S->fl, S->fl.user_id, &st);
    long buys = st.job_id[0] ? crash_purchases_for(&S->fl, st.job_id) : 0;
    long left_tagged = st.tagged;
    int rc = recover(S, lease, st.job_id[0] != '\0', out, sizeof(out), &waits);
    if (lease)
        print_message("crash: %s: %d re-run(s) refused (in_progress) before the lease expired\n",
                      point, waits);
    if (rc != 0) {
        snprintf(why, sizeof(why), "recovery exited %d: %s", rc, out);
        record_failure(S, point, why);
        return;
    }
    if (left_tagged > 0)
        buys = crash_purchases_for(&S->fl, st.job_id) - buys;
    if (left_tagged > 0 && buys != 0) {
        snprintf(why, sizeof(why), "the dead run's number was there, yet recovery bought %ld",
                 buys);
        record_failure(S, point, why);
        return;
    }
    crash_state_get(&S->fl, S->fl.user_id, &st);
    /* resume goes through the job and must close it. A plain provision that finds the row
     * complete answers "existing" without touching the job: a dead run's job may stay open
     * there (benign: release and resume claim it once its lease is gone). */
    if (!crash_state_ok(&st, !lease, why, sizeof(why))) {
        record_failure(S, point, why);
        return;
    }
    if (strcmp(st.job_status, "completed") != 0)
        print_message("crash: %s: converged; the job row stays '%s' at step '%s'\n", point,
                      st.job_status, st.job_step);
    long after[4], before[4];
    static const char *const names[] = {"twilio numbers", "phone_numbers rows", "trunks",
                                        "dispatch rules"};
    memcpy(before, S->totals_base, sizeof(before));
    totals(S, after);
    memcpy(S->totals_base, after, sizeof(after));
    for (int i = 0; i < 4; i++) {
        if (after[i] - before[i] != 1) {
            snprintf(why, sizeof(why), "%s grew by %ld, not 1 (user %s)", names[i],
                     after[i] - before[i], S->fl.user_id);
            record_failure(S, point, why);
            return;
        }
    }
    S->converged++;
}

/* The group's tests run in order and share the suite (the clean run's measures). */
static struct suite *the_suite;

static int setup(void **state)
{
    (void)state; /* the suite is shared through the_suite */
    the_suite = calloc(1, sizeof(*the_suite));
    if (the_suite == NULL || flow_start(&the_suite->fl, CRASH_SEED) != 0) {
        free(the_suite);
        the_suite = NULL;
        return -1;
    }
    crash_seed_users(&the_suite->fl, MAX_USERS);
    totals(the_suite, the_suite->totals_base);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    int rc = flow_stop(&the_suite->fl);
    free(the_suite);
    the_suite = NULL;
    return rc;
}

static const char *const *no_args(void)
{
    static const char *const none[] = {NULL};
    return none;
}

/* A clean run: its trace length and duration bound the kill points. */
static void measure_clean_run(struct suite *S)
{
    const char *args[] = {"provision", "--user-token", S->fl.token, NULL};
    struct crash_run cr;
    next_user(S);
    assert_int_equal(crash_run_start(&cr, &S->fl, args, no_args()), 0);
    int status = crash_run_wait(&cr);
    S->clean_us = fk_mono_us() - cr.start_us;
    S->clean_lines = cr.lines;
    crash_run_free(&cr);
    assert_int_equal(status, 0);
    struct crash_state st;
    char why[2048];
    crash_state_get(&S->fl, S->fl.user_id, &st);
    if (!crash_state_ok(&st, true, why, sizeof(why)))
        fail_msg("a clean run did not converge: %s", why);
    totals(S, S->totals_base);
    assert_true(S->clean_lines >= 20); /* every step and attempt is traced */
    print_message("crash: clean run: %ld trace lines in %lld ms\n", S->clean_lines,
                  (long long)(S->clean_us / 1000));
}

static bool field_is(const cJSON *l, const char *key, const char *want)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(l, key));
    return v != NULL && strcmp(v, want) == 0;
}

/* Whether a trace line is the step event step/result. */
static bool is_line(const cJSON *l, const char *step, const char *result)
{
    return l != NULL && field_is(l, "event", "step") && field_is(l, "step", step) &&
           field_is(l, "result", result);
}

/* Kill right after trace line k (k = 0: as soon as it starts), or, when step is given, right
 * after its nth step/result line. */
static void kill_at(struct suite *S, long k, const char *step, const char *result, int nth,
                    bool lease)
{
    const char *args[] = {"provision", "--user-token", S->fl.token, NULL};
    const char *env[] = {"PROV_LEASE_MS=1000", NULL};
    struct crash_run cr;
    char point[640], at[200];
    cJSON *line = NULL;

    next_user(S);
    assert_int_equal(crash_run_start(&cr, &S->fl, args, lease ? env : no_args()), 0);
    int seen = 0;
    while ((step != NULL ? seen < nth : cr.lines < k) && crash_run_line(&cr, &line)) {
        seen += step != NULL && is_line(line, step, result);
        cJSON_Delete(line);
        line = NULL;
    }
    snprintf(at, sizeof(at), "%s", cr.last);
    k = cr.lines;
    int status = crash_run_kill(&cr);
    snprintf(point, sizeof(point), "line %ld/%ld (after \"%s\"; run reached \"%s\")%s", k,
             S->clean_lines, at, cr.last, lease ? " + re-run after lease expiry" : "");
    crash_run_free(&cr);
    verdict(S, point, status, lease);
}

static void step_boundaries(void **state)
{
    struct suite *S = the_suite;
    (void)state;
    measure_clean_run(S);
    int64_t t0 = fk_mono_us();
    for (long k = 0; k <= S->clean_lines; k++)
        kill_at(S, k, NULL, NULL, 0, false);
    print_message("crash: %ld step-boundary kill points in %lld ms\n", S->clean_lines + 1,
                  (long long)((fk_mono_us() - t0) / 1000));
    /* Once with the plain re-run: killed right after "purchasing" was saved, the second
     * "purchase start", just before the purchase POST. */
    kill_at(S, 0, "purchase", "start", 2, true);
    /* And once late: the rule is registered on the row, the job not yet saved. */
    kill_at(S, 0, "register_rule", "done", 1, true);
}

/* An ambiguous call held in flight after its effect. */
struct inflight {
    const char *name;
    const char *service; /* twilio | livekit | supabase */
    const char *method, *path;
    int after;                 /* matching requests let through first */
    const char *step, *result; /* kill once this trace line was seen ... */
    int nth;                   /* ... for the nth time ... */
    const char *ready;         /* ... and the effect shows: see effect_shown() */
    bool lease;
};

static bool effect_shown(const struct crash_state *s, const char *what)
{
    if (strcmp(what, "job") == 0)
        return s->job_id[0] != '\0';
    if (strcmp(what, "tagged") == 0)
        return s->tagged > 0;
    if (strcmp(what, "row") == 0)
        return s->rows > 0;
    if (strcmp(what, "profile") == 0)
        return s->profile_number[0] != '\0';
    if (strcmp(what, "trunk") == 0)
        return s->trunks > 0;
    if (strcmp(what, "rule") == 0)
        return s->rules > 0;
    if (strcmp(what, "purchased") == 0)
        return strcmp(s->job_step, "purchased") == 0;
    if (strcmp(what, "completed") == 0)
        return strcmp(s->job_status, "completed") == 0;
    fail_msg("unknown effect '%s'", what);
    return false;
}

static const struct inflight inflights[] = {
    {"job insert", "supabase", "POST", "/rest/v1/provisioning_jobs", 0, "job", "start", 1, "job",
     false},
    {"purchase", "twilio", "POST", BUY_PATH, 0, "purchase", "start", 2, "tagged", false},
    {"purchase", "twilio", "POST", BUY_PATH, 0, "purchase", "start", 2, "tagged", true},
    {"save 'purchased'", "supabase", "PATCH", "/rest/v1/provisioning_jobs", 1, "purchase", "done",
     1, "purchased", false},
    {"phone_numbers insert", "supabase", "POST", "/rest/v1/phone_numbers", 0, "store", "start", 1,
     "row", false},
    {"profile upsert", "supabase", "POST", "/rest/v1/profiles", 0, "store", "start", 1, "profile",
     false},
    {"trunk create", "livekit", "POST", "/twirp/livekit.SIP/CreateSIPInboundTrunk", 0,
     "register_trunk", "start", 1, "trunk", false},
    {"rule create", "livekit", "POST", "/twirp/livekit.SIP/CreateSIPDispatchRule", 0,
     "register_rule", "start", 1, "rule", false},
    {"job completion", "supabase", "PATCH", "/rest/v1/provisioning_jobs", 4, "register_rule",
     "done", 1, "completed", false},
};

static void add_fault(struct suite *S, const struct inflight *f)
{
    struct h_proc *p = strcmp(f->service, "twilio") == 0    ? &S->fl.twilio
                       : strcmp(f->service, "livekit") == 0 ? &S->fl.livekit
                                                            : &S->fl.supabase;
    char body[512];
    struct h_resp r;
    snprintf(body, sizeof(body),
             "{\"id\":\"crash-inflight\",\"match\":{\"method\":\"%s\",\"path\":\"%s\"},"
             "\"after\":%d,\"times\":1,\"action\":{\"delay_ms\":6000,\"after_effect\":true}}",
             f->method, f->path, f->after);
    h_post_json(p, "/__admin/faults", body, &r);
    if (r.status < 200 || r.status >= 300)
        fail_msg("fault refused by %s: %ld %s", f->service, r.status, r.body);
    h_resp_free(&r);
}

static void kill_in_flight(struct suite *S, const struct inflight *f)
{
    const char *args[] = {"provision", "--user-token", S->fl.token, NULL};
    /* The run must still be waiting when the effect shows: a long attempt timeout. */
    const char *env[] = {"PROV_REQUEST_TIMEOUT_MS=10000", NULL};
    const char *env_lease[] = {"PROV_REQUEST_TIMEOUT_MS=10000", "PROV_LEASE_MS=1000", NULL};
    struct crash_run cr;
    struct crash_state st;
    char point[640];
    cJSON *line = NULL;
    int seen = 0;
    bool shown = false;

    next_user(S);
    add_fault(S, f);
    assert_int_equal(crash_run_start(&cr, &S->fl, args, f->lease ? env_lease : env), 0);
    while (seen < f->nth && crash_run_line(&cr, &line)) {
        seen += is_line(line, f->step, f->result);
        cJSON_Delete(line);
        line = NULL;
    }
    /* Wait for the effect (a condition, bounded): the request is then held in flight. */
    for (int64_t until = fk_mono_us() + (int64_t)READY_WAIT_MS * 1000;
         seen == f->nth && !shown && fk_mono_us() < until;) {
        crash_state_get(&S->fl, S->fl.user_id, &st);
        shown = effect_shown(&st, f->ready);
    }
    int status = crash_run_kill(&cr);
    snprintf(point, sizeof(point), "in flight: %s %s %s, after its effect%s", f->name, f->method,
             f->path, f->lease ? " + re-run after lease expiry" : "");
    crash_run_free(&cr);
    if (!shown) {
        S->tried++;
        record_failure(S, point, "the effect never showed while the call was held");
        flow_clear_faults(&S->fl);
        return;
    }
    verdict(S, point, status, f->lease);
}

static void in_flight(void **state)
{
    struct suite *S = the_suite;
    (void)state;
    for (size_t i = 0; i < sizeof(inflights) / sizeof(inflights[0]); i++)
        kill_in_flight(S, &inflights[i]);
}

static void random_instants(void **state)
{
    struct suite *S = the_suite;
    (void)state;
    const char *args[] = {"provision", "--user-token", S->fl.token, NULL};
    struct fk_prng prng;
    /* CRASH_SEED replays another sequence; CRASH_SOAK (`make soak`) multiplies the kills. */
    const char *seed_env = getenv("CRASH_SEED"), *soak_env = getenv("CRASH_SOAK");
    long seed = seed_env != NULL ? strtol(seed_env, NULL, 10) : CRASH_SEED;
    long kills = RANDOM_KILLS * (soak_env != NULL ? strtol(soak_env, NULL, 10) : 1);
    if (kills < RANDOM_KILLS || kills > RANDOM_KILLS * 20)
        kills = RANDOM_KILLS;
    fk_prng_init(&prng, (uint64_t)seed);
    print_message("crash: random instants: seed %ld, %ld kills in [0, %lld] ms\n", seed, kills,
                  (long long)(S->clean_us / 1000));
    for (int i = 0; i < kills; i++) {
        int64_t delay = (int64_t)fk_prng_below(&prng, (uint64_t)S->clean_us + 1);
        struct crash_run cr;
        char point[640];
        next_user(S);
        assert_int_equal(crash_run_start(&cr, &S->fl, args, no_args()), 0);
        /* The delay is the test's subject here, not a way to wait for something. */
        struct timespec ts = {(time_t)(delay / 1000000), (long)(delay % 1000000) * 1000};
        while (nanosleep(&ts, &ts) != 0)
            ;
        int status = crash_run_kill(&cr);
        snprintf(point, sizeof(point), "random %d: %lld us (run reached \"%s\")", i + 1,
                 (long long)delay, cr.last);
        crash_run_free(&cr);
        verdict(S, point, status, false);
    }
}

static void summary(void **state)
{
    struct suite *S = the_suite;
    (void)state;
    print_message("crash: %d kill points, %d converged (%d runs ended before the signal)\n",
                  S->tried, S->converged, S->finished_first);
    if (S->converged != S->tried) {
        for (int i = 0; i < S->nfail && i < MAX_FAILURES; i++)
            print_message("crash: failure %d: %s\n", i + 1, S->failures[i]);
        fail_msg("%d of %d kill points did not converge", S->tried - S->converged, S->tried);
    }
    assert_true(S->tried >= 40);
}

int main(void)
{
    /* One group, in order: the clean run's measures feed the later kill points. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(step_boundaries),
        cmocka_unit_test(in_flight),
        cmocka_unit_test(random_instants),
        cmocka_unit_test(summary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
