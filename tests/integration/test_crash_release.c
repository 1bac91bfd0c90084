/* test_crash_release.c: `release` killed anywhere, and `reconcile --fix` running beside
 * provisions (issue 19 items 2 and 3).
 *
 * Release schedules, each on a fresh user that was provisioned first:
 *  - killed after every line of a clean release's trace (SIGKILL, read from the trace as it is
 *    written), then recovered, by a drawn choice: `release --force` at once; `release` once
 *    the dead run's 1 s lease expired; or `provision` once it expired, which finishes the
 *    release before it starts the user over;
 *  - killed at random instants within a clean release's duration;
 *  - frozen (SIGSTOP) past its lease after a line of its trace (every third line, from a drawn
 *    offset; every line under CRASH_SOAK >= 3), while `provision` finishes the release and
 *    provisions the user anew, then thawed: its late writes must not touch the new number.
 * A recovered release leaves nothing of the user (no row, no job, nothing owned, tagged or
 * registered that no row records), and a provision after it converges again (chaos.h).
 * Reconcile schedules: provisions for several users at once, some of them killed at drawn
 * instants, with `reconcile --fix` run twice meanwhile; then the dead runs are resumed and
 * every user must have converged: reconcile never releases what a run in flight adopts. */
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

#define RELEASE_SEED  1903
#define RANDOM_KILLS  8
#define ROUNDS        3
#define PER_ROUND     4
#define MAX_USERS     (72 + ROUNDS * PER_ROUND)
#define LEASE_WAIT_MS 8000

static struct chaos *C;
static long release_lines;
static int64_t release_us;

static int setup(void **state)
{
    (void)state;
    C = chaos_new("crash_release", RELEASE_SEED, MAX_USERS, false);
    return C != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return chaos_free(C);
}

/* A fresh user with a number. */
static void provisioned_user(void)
{
    const char *args[] = {"provision", "--user-token", NULL, NULL};
    char out[1024];
    chaos_next_user(C);
    args[2] = C->fl.token;
    int rc = chaos_prov(C, args, NULL, out, sizeof(out));
    if (rc != 0)
        fail_msg("provision exited %d: %s", rc, out);
}

/* Nothing of the current user is left, and nothing unrecorded anywhere. */
static bool released(char *why, size_t len)
{
    char q[160];
    snprintf(q, sizeof(q), "select=id,status,step&user_id=eq.%s", C->fl.user_id);
    cJSON *jobs = crash_sb_rows(&C->fl, "provisioning_jobs", q);
    snprintf(q, sizeof(q), "select=twilio_sid,status&user_id=eq.%s", C->fl.user_id);
    cJSON *rows = crash_sb_rows(&C->fl, "phone_numbers", q);
    int nj = cJSON_GetArraySize(jobs), nr = cJSON_GetArraySize(rows);
    cJSON_Delete(jobs);
    cJSON_Delete(rows);
    if (nj != 0 || nr != 0) {
        snprintf(why, len, "after the release the user still has %d job row(s), %d row(s)", nj, nr);
        return false;
    }
    return chaos_global_ok(&C->fl, why, len);
}

/* Recover a killed release by choice (0 release --force, 1 release after the lease, 2
 * provision after the lease), then check, then provision and check again. */
static void recover(const char *point, int choice)
{
    const char *force[] = {"release", "--user-token", C->fl.token, "--force", NULL};
    const char *plain[] = {"release", "--user-token", C->fl.token, NULL};
    const char *prov[] = {"provision", "--user-token", C->fl.token, NULL};
    char out[1024], why[1400], where[700];
    static const char *const how[] = {"release --force", "release after the lease",
                                      "provision after the lease"};
    snprintf(where, sizeof(where), "%s, recovered by %s", point, how[choice]);
    if (choice > 0 && !chaos_wait_lease(C, LEASE_WAIT_MS))
        fail_msg("%s: the dead run's lease never expired", where);
    int rc = chaos_prov(C,
                        choice == 0   ? force
                        : choice == 1 ? plain
                                      : prov,
                        NULL, out, sizeof(out));
    if (rc != 0) {
        snprintf(why, sizeof(why), "the recovery exited %d: %s", rc, out);
        chaos_record(C, where, why);
        return;
    }
    if (choice < 2 && !released(why, sizeof(why))) {
        chaos_record(C, where, why);
        return;
    }
    chaos_verdict(C, where); /* provisions (again) and checks convergence */
}

static void measure(void)
{
    const char *args[] = {"release", "--user-token", NULL, NULL};
    struct crash_run cr;
    char why[1400];
    provisioned_user();
    args[2] = C->fl.token;
    assert_int_equal(crash_run_start(&cr, &C->fl, args, chaos_lease_env), 0);
    assert_int_equal(crash_run_wait(&cr), 0);
    release_lines = cr.lines;
    release_us = fk_mono_us() - cr.start_us;
    crash_run_free(&cr);
    if (!released(why, sizeof(why)))
        fail_msg("a clean release left something: %s", why);
    print_message("crash_release: a clean release: %ld trace lines in %lld ms\n", release_lines,
                  (long long)(release_us / 1000));
}

/* Kill a release after trace line k (or, when at_us >= 0, at that instant). */
static void kill_release(long k, int64_t at_us)
{
    const char *args[] = {"release", "--user-token", NULL, NULL};
    char point[400];
    struct crash_run cr;
    cJSON *l = NULL;
    provisioned_user();
    args[2] = C->fl.token;
    assert_int_equal(crash_run_start(&cr, &C->fl, args, chaos_lease_env), 0);
    if (at_us >= 0)
        chaos_sleep_us(at_us);
    while (at_us < 0 && cr.lines < k && crash_run_line(&cr, &l)) {
        cJSON_Delete(l);
        l = NULL;
    }
    long at_line = cr.lines;
    int status = crash_run_kill(&cr);
    if (at_us >= 0)
        snprintf(point, sizeof(point), "release killed at %lld us (it reached \"%s\", exit %d)",
                 (long long)at_us, cr.last, status);
    else
        snprintf(point, sizeof(point), "release killed after line %ld/%ld (\"%s\", exit %d)",
                 at_line, release_lines, cr.last, status);
    crash_run_free(&cr);
    recover(point, (int)chaos_draw(C, 3));
}

static void release_boundaries(void **state)
{
    (void)state;
    measure();
    for (long k = 1; k <= release_lines; k++)
        kill_release(k, -1);
}

/* Freeze a release after trace line k; provision takes over; thaw it. */
static void pause_release(long k)
{
    const char *args[] = {"release", "--user-token", NULL, NULL};
    const char *prov[] = {"provision", "--user-token", NULL, NULL};
    char point[400], out[1024], why[1400];
    struct crash_run cr;
    cJSON *l = NULL;
    provisioned_user();
    args[2] = prov[2] = C->fl.token;
    assert_int_equal(crash_run_start(&cr, &C->fl, args, chaos_lease_env), 0);
    while (cr.lines < k && crash_run_line(&cr, &l)) {
        cJSON_Delete(l);
        l = NULL;
    }
    snprintf(point, sizeof(point),
             "release frozen after line %ld/%ld (\"%s\"), provision meanwhile", k, release_lines,
             cr.last);
    kill(cr.run.pid, SIGSTOP);
    int rc = 4;
    for (int tries = 0; rc == 4 && tries < 3; tries++) {
        if (!chaos_wait_lease(C, LEASE_WAIT_MS))
            fail_msg("%s: the frozen release's lease never expired", point);
        rc = chaos_prov(C, prov, chaos_lease_env, out, sizeof(out));
    }
    kill(cr.run.pid, SIGCONT);
    int status = crash_run_wait(&cr);
    crash_run_free(&cr);
    if (rc != 0 || (status != 0 && status != 4)) {
        snprintf(why, sizeof(why), "provision exited %d (%s), the release %d", rc, out, status);
        chaos_record(C, point, why);
        return;
    }
    chaos_verdict(C, point);
}

static void release_paused(void **state)
{
    (void)state;
    long step = C->scale >= 3 ? 1 : 3;
    for (long k = 1 + (long)chaos_draw(C, (uint64_t)step); k <= release_lines; k += step)
        pause_release(k);
}

static void release_random(void **state)
{
    (void)state;
    for (int i = 0; i < RANDOM_KILLS * C->scale; i++)
        kill_release(0, (int64_t)chaos_draw(C, (uint64_t)release_us + 1));
}

/* Make a remembered user the current one again. */
static void use_user(const char *token, const char *id)
{
    memcpy(C->fl.token, token, sizeof(C->fl.token));
    memcpy(C->fl.user_id, id, sizeof(C->fl.user_id));
}

/* One round: PER_ROUND provisions at once, some killed at drawn instants, and reconcile
 * --fix twice meanwhile; then the killed ones are resumed and everything checked. */
static void reconcile_round(int round)
{
    struct crash_run runs[PER_ROUND];
    char tokens[PER_ROUND][sizeof(C->fl.token)], ids[PER_ROUND][sizeof(C->fl.user_id)], out[1024],
        why[1400], point[200];
    char outs[PER_ROUND][1024];
    const char *rec[] = {"reconcile", "--fix", NULL};
    bool killed[PER_ROUND];
    for (int i = 0; i < PER_ROUND; i++) {
        const char *args[] = {"provision", "--user-token", NULL, NULL};
        chaos_next_user(C);
        snprintf(tokens[i], sizeof(tokens[i]), "%s", C->fl.token);
        snprintf(ids[i], sizeof(ids[i]), "%s", C->fl.user_id);
        args[2] = tokens[i];
        killed[i] = chaos_draw(C, 2) == 0;
        assert_int_equal(crash_run_start(&runs[i], &C->fl, args, chaos_lease_env), 0);
    }
    int r1 = chaos_prov(C, rec, NULL, out, sizeof(out));
    chaos_sleep_us((int64_t)chaos_draw(C, 30000));
    for (int i = 0; i < PER_ROUND; i++)
        if (killed[i])
            crash_run_kill(&runs[i]);
    int r2 = chaos_prov(C, rec, NULL, out, sizeof(out));
    for (int i = 0; i < PER_ROUND; i++) {
        crash_run_wait(&runs[i]);
        crash_run_free(&runs[i]);
    }
    /* Every user re-run first (a dead run's job is open until then), then each checked. */
    int rerun[PER_ROUND];
    for (int i = 0; i < PER_ROUND; i++) {
        use_user(tokens[i], ids[i]);
        rerun[i] = chaos_rerun(C, outs[i], sizeof(outs[i]));
    }
    for (int i = 0; i < PER_ROUND; i++) {
        snprintf(point, sizeof(point), "reconcile round %d, user %d%s (reconcile exits %d, %d)",
                 round + 1, i + 1, killed[i] ? " killed" : "", r1, r2);
        use_user(tokens[i], ids[i]);
        if ((r1 != 0 && r1 != 9) || (r2 != 0 && r2 != 9))
            snprintf(why, sizeof(why), "reconcile --fix failed: %s", out);
        else if (rerun[i] != 0)
            snprintf(why, sizeof(why), "the clean re-run exited %d: %s", rerun[i], outs[i]);
        chaos_record(C, point,
                     (r1 != 0 && r1 != 9) || (r2 != 0 && r2 != 9) || rerun[i] != 0 ? why
                     : chaos_converged(C, why, sizeof(why))                        ? NULL
                                                                                   : why);
    }
}

static void reconcile_beside_provisions(void **state)
{
    (void)state;
    for (int round = 0; round < ROUNDS * C->scale; round++)
        reconcile_round(round);
}

static void summary(void **state)
{
    (void)state;
    chaos_summary(C, 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(release_boundaries),
        cmocka_unit_test(release_random),
        cmocka_unit_test(release_paused),
        cmocka_unit_test(reconcile_beside_provisions),
        cmocka_unit_test(summary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
