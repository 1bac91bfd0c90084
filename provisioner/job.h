/* job.h: the provisioning job, one row per user in provisioning_jobs, and its state machine.
 *
 * Protocol (the row is the only lock; nothing is held locally). A run holds the job while
 * the row names it as owner, with a lease, under a fencing token: `fence` goes up by one at
 * every claim, so a run that lost the job (paused past its lease, partitioned) can no longer
 * write it, even when its clock or its lease arithmetic is wrong.
 *  1. insert the row with owner = this run, fence 1 and lease_expires_at = now + lease.
 *     Success means this run holds the job. 409 (user_id is unique) means it exists: read
 *     it. An insert whose answer was lost is read back: a row with this run's job id is
 *     this run's own (it holds it), not "held by another run".
 *  2. claim it with a conditional update on exactly the state that was read:
 *       PATCH provisioning_jobs?id=eq.J&fence=eq.F&or=(owner.is.null,lease_expires_at.lt."NOW")
 *             {owner: RUN, fence: F+1, lease_expires_at, status}  Prefer: return=representation
 *     One row back: this run holds it, with token F+1. No row: another run holds a live lease
 *     or changed the row since it was read -> in_progress. `--force` drops the lease
 *     condition (take over a run known to be dead), never the fence condition. A lost answer
 *     is resolved by reading the row back (owner RUN and fence F+1: claimed).
 *     Every decision is taken on what was read and then confirmed under the claim: a
 *     completed job is restarted only after the user's active row was re-read under it.
 *  3. every later write of the run is conditioned on holding it:
 *       PATCH provisioning_jobs?id=eq.J&owner=eq.RUN&fence=eq.F
 *     saving progress before each step and renewing the lease before each side effect
 *     (purchase, trunk, rule). No row back means the job was lost: stop (in_progress) and
 *     release what this run created that nobody records (steps.h, prov_abandon).
 *  4. at the end: status completed (or failed after compensation, or pending when left
 *     resumable), owner and lease cleared; or, for a release, the row deleted, under the same
 *     condition.
 * Steps recorded in `step` (enum prov_step below, each state with its stored name):
 * created -> purchasing -> purchased -> stored -> trunk_created -> registered. "purchasing" is
 * written BEFORE the purchase POST, so a run that died during it makes the next run look the
 * tagged number up before buying another. Every change goes through prov_job_set_step(),
 * which traces it. Status "releasing" marks a release under way: it is resumed, never
 * restarted.
 *
 * Layer 4 (exit.h): called by the steps, flow and reconcile layers; the row operations
 * return 0 or a negative fk_err with r filled, the state machine is pure. */
#ifndef PROV_JOB_H
#define PROV_JOB_H

#include <stdbool.h>

#include "provisioner/ctx.h"
#include "provisioner/supabase_api.h"

/* How far a job got, saved in provisioning_jobs.step under the name in quotes. The names are
 * the stored format: rows already written and the crash tests depend on them, so a state may
 * be added but a name never changed. Each state says what exists; prov_job_next() derives
 * the next action from it and the ids the row holds. */
enum prov_step {
    PROV_STEP_CREATED = 0, /* "created": the row exists, nothing was bought */
    PROV_STEP_PURCHASING,  /* "purchasing": saved before the purchase POST, so a number
                            * tagged with the job id may exist: look it up before buying */
    PROV_STEP_PURCHASED,   /* "purchased": a number is bought and in the job (twilio_sid) */
    PROV_STEP_STORED,      /* "stored": its phone_numbers row and the profile are written */
    PROV_STEP_TRUNK,       /* "trunk_created": the LiveKit inbound trunk exists (trunk_id) */
    PROV_STEP_REGISTERED,  /* "registered": the dispatch rule exists too (rule_id) */
};
/* The stored name of s ("created" for a value outside the enum). */
const char *prov_step_name(enum prov_step s);
/* The state a stored name stands for: true with *out set, or false for a name that is not
 * one (*out is then PROV_STEP_CREATED). */
bool prov_step_parse(const char *name, enum prov_step *out);

/* One provisioning_jobs row as read (fake_supabase/schema.sql). */
struct prov_job {
    char id[40];
    char user_id[64];
    char status[16];     /* pending | running | completed | failed | releasing */
    enum prov_step step; /* set through prov_job_set_step() */
    char owner[40];
    char lease[40]; /* lease_expires_at, RFC 3339 UTC */
    char country[3];
    char type[16];
    char area_code[8];
    char phone_number[40];
    char twilio_sid[64];
    char trunk_id[64];
    char rule_id[64];
    long attempts;
    long fence; /* fencing token: +1 at every claim (above) */
};

/* Parse a provisioning_jobs row (pure): 0 or FK_EINVAL with err. A step that is absent or
 * null reads as created (the column's default); any other string that is not a step's name
 * is an error that names it. */
int prov_job_parse(const cJSON *row, struct prov_job *out, struct fk_error *err) FK_MUST_CHECK;

/* Move job to step, tracing the change on ctx's trace as curl's mstate() logs "-> [STATE]":
 * a step event "state" with detail "created -> [purchasing]". Every change this run makes to
 * a job's step goes through here, saved or not yet; reading a row loads its step as stored.
 * Nothing is traced when job is already at step. */
void prov_job_set_step(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step);

enum prov_action {
    PROV_ACT_SEARCH,     /* search and purchase */
    PROV_ACT_LOOKUP_TAG, /* a purchase may have happened: find the tagged number first */
    PROV_ACT_STORE,      /* phone_numbers + profiles */
    PROV_ACT_TRUNK,      /* LiveKit inbound trunk */
    PROV_ACT_RULE,       /* LiveKit dispatch rule */
    PROV_ACT_FINISH,     /* everything exists: mark completed */
    PROV_ACT_DONE,       /* already completed */
};
const char *prov_action_name(enum prov_action a);
/* What to do next for a job (pure). */
enum prov_action prov_job_next(const struct prov_job *j);

enum prov_claim_mode {
    PROV_CLAIM_NORMAL, /* a free or expired lease */
    PROV_CLAIM_FORCE,  /* any lease (resume/release --force: its run is known to be dead) */
};
/* Whether a claim in mode would succeed on j at now (RFC 3339; pure, mirrors the filter,
 * whose fence condition holds as long as nobody wrote the row since it was read). */
bool prov_job_claimable(const struct prov_job *j, const char *now, enum prov_claim_mode mode);
/* Whether the job is open: pending, running or releasing (pure). */
bool prov_job_open(const struct prov_job *j);

/* Take the ids the user's active row holds into the job, the row winning where it has one
 * (pure; the step is left alone). */
void prov_job_take_row(struct prov_job *job, const struct prov_sb_phone *row);

/* Lease expiry now + ms as RFC 3339 (out has 40 bytes). */
void prov_lease_time(long ms, char out[40]);

/* Row operations. Each returns 0 on success, else nonzero with r filled. */
/* Insert job (id, user_id, country, type, area set; status "running" unless job->status
 * says "releasing"; ids as set) owned by this run. *exists on a row of another job, which is
 * then in *job when it was read back (its id differs from the one asked for), else job is
 * left as it was. */
int prov_job_insert(struct prov_ctx *ctx, struct prov_job *job, bool *exists,
                    struct prov_result *r);
int prov_job_get(struct prov_ctx *ctx, const char *user_id, struct prov_job *job, bool *found,
                 struct prov_result *r);
/* Claim the job as read (its fence) with status ("running", "releasing"); *claimed false
 * when another run holds it or changed it. job is the claimed row on success. */
int prov_job_claim(struct prov_ctx *ctx, struct prov_job *job, enum prov_claim_mode mode,
                   const char *status, bool *claimed, struct prov_result *r);
/* Save progress (step and ids, status kept) and renew the lease. *held false when the job
 * was lost (ctx->lost is set then). */
int prov_job_save(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step, bool *held,
                  struct prov_result *r);
/* Start a held job over as a new job (a new id, so nothing tagged for the old one is ever
 * adopted by it): step created, ids cleared. *held as for save. */
int prov_job_restart(struct prov_ctx *ctx, struct prov_job *job, bool *held, struct prov_result *r);
/* Release the lease with a final status (completed | failed | pending) and last_error.
 * *held false when the job was lost before. */
int prov_job_finish(struct prov_ctx *ctx, struct prov_job *job, const char *status,
                    const char *last_error, bool *held, struct prov_result *r);
/* Delete the held job's row (the end of a release). *held as for finish. */
int prov_job_delete(struct prov_ctx *ctx, struct prov_job *job, bool *held, struct prov_result *r);

#endif
