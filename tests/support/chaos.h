/* chaos.h: the schedules of the extended crash tests (test_crash_fakes, test_crash_pause,
 * test_crash_release): a suite of fakes and users, a seeded generator that picks every
 * random instant and choice (so a failure replays from its seed), the clean re-run after each
 * schedule, and the checks that it converged.
 *
 * Convergence after a schedule and its clean re-run, for the user it ran for: crash_state_ok
 * (one active row, the number owned and the only one tagged for the job, one trunk with it,
 * one rule for the trunk, the job completed); and across every user (chaos_global_ok):
 * every owned number, trunk and dispatch rule recorded by an active row, every row's trunk
 * holding its number and its rule listing its trunk, no job left open. All fakes hold only
 * what the provisioner made, so "every number ever bought is recorded or released" is "no
 * owned number without a row".
 *
 * Environment: CRASH_SEED (replaces the test's seed), CRASH_SOAK (a multiplier of the
 * schedules each test runs, for `make soak`; default 1). Failures inside these helpers fail
 * the running cmocka test. */
#ifndef H_CHAOS_H
#define H_CHAOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fakekit/rand.h"
#include "tests/support/crash.h"
#include "tests/support/flowkit.h"

#define CHAOS_MAX_FAILURES 16
#define CHAOS_LEASE_MS     1000 /* PROV_LEASE_MS of the runs that are paused or killed */
#define CHAOS_STR_(x)      #x
#define CHAOS_STR(x)       CHAOS_STR_(x)

struct chaos {
    struct h_flow fl;
    struct fk_prng prng;
    const char *name;
    long seed;
    int scale; /* CRASH_SOAK */
    int users, max_users;
    int tried, converged;
    int nfail;
    char failures[CHAOS_MAX_FAILURES][1536];
    char db_dir[200]; /* "" when the fakes run in memory */
};

/* Start the fakes (in files under a fresh temporary folder when with_db), seed max_users
 * users, read CRASH_SEED and CRASH_SOAK. 0 or -1. */
int chaos_start(struct chaos *c, const char *name, long seed, int max_users, bool with_db);
/* Stop the fakes (0 when all stopped cleanly) and remove the temporary folder. */
int chaos_stop(struct chaos *c);
/* A cmocka group fixture: chaos_start on the heap; NULL when it could not start. */
struct chaos *chaos_new(const char *name, long seed, int max_users, bool with_db);
/* chaos_stop, then free the fixture; 0 when all stopped cleanly. */
int chaos_free(struct chaos *c);
/* The environment of the runs that are paused or killed: PROV_LEASE_MS=CHAOS_LEASE_MS. */
extern const char *const chaos_lease_env[];
/* The next user provisioned to completion with env; fails the test unless it converged.
 * Returns the run's wall time in microseconds (what a drawn kill instant is drawn within). */
int64_t chaos_clean_provision(struct chaos *c, const char *const *env);
/* The next user (crash_use_user); fails the test past max_users. */
void chaos_next_user(struct chaos *c);
/* A seeded draw in [0, n). */
uint64_t chaos_draw(struct chaos *c, uint64_t n);

/* Every owned number, trunk and rule recorded by an active row; rows complete and
 * consistent; no job open. false with what is wrong in why. */
bool chaos_global_ok(struct h_flow *fl, char *why, size_t len);
/* The user's state and the global state converged (job completed). false with why. */
bool chaos_converged(struct chaos *c, char *why, size_t len);

/* The clean re-run for the current user: faults cleared, then `resume --user-id --force`
 * when a job row exists (its run is known dead), else `provision`, then `provision` once more
 * (it answers existing and closes what is left open). Returns the last exit status; out
 * gets its output line. */
int chaos_rerun(struct chaos *c, char *out, size_t len);
/* Count one schedule named point: the re-run, then convergence. */
void chaos_verdict(struct chaos *c, const char *point);
/* Count one schedule whose checks were made by the caller (why NULL: converged). */
void chaos_record(struct chaos *c, const char *point, const char *why);
/* Print "<name>: N schedules, N converged (seed S)", the failures, and fail the test when any
 * schedule did not converge or fewer than min ran. */
void chaos_summary(struct chaos *c, int min);

/* Run the provisioner to completion with extra environment; status, output line in out. */
int chaos_prov(struct chaos *c, const char *const *args, const char *const *env, char *out,
               size_t len);
/* Wait (bounded by ms) until the user's job lease has expired or the user has no job: a
 * condition on the row, never a sleep. true when it did. */
bool chaos_wait_lease(struct chaos *c, long ms);
/* Sleep for a drawn instant: the subject of a random-instant schedule, never a way to wait
 * for something. */
void chaos_sleep_us(int64_t us);

#endif
