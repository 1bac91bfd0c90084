/* job.h: the provisioning job, one row per user in provisioning_jobs, and its state machine.
 *
 * Protocol (the row is the only lock; nothing is held locally):
 *  1. insert the row with owner = this run and lease_expires_at = now + lease. Success means
 *     this run holds the job. 409 (23505, user_id is unique) means it exists: read it.
 *  2. claim it with a conditional update:
 *       PATCH provisioning_jobs?user_id=eq.U&or=(owner.is.null,lease_expires_at.lt."NOW")
 *             &status=neq.completed          Prefer: return=representation
 *     One row back: this run holds it. No row: another run holds a live lease -> in_progress.
 *     `resume --force` drops the lease condition (take over a run known to be dead); a
 *     completed job whose number was released since is restarted with status=eq.completed.
 *  3. before each step starts, the previous step's outcome is saved with
 *       PATCH provisioning_jobs?id=eq.J&owner=eq.RUN   (renewing the lease)
 *     No row back means the lease was lost (taken over): stop, in_progress.
 *  4. at the end: status completed (or failed after compensation, or pending when left
 *     resumable), owner and lease cleared.
 * Steps recorded in `step`: created -> purchasing -> purchased -> stored -> trunk_created
 * -> registered. "purchasing" is written BEFORE the purchase POST, so a run that died during
 * it makes the next run look the tagged number up before buying another. */
#ifndef PROV_JOB_H
#define PROV_JOB_H

#include <stdbool.h>

#include "provisioner/ctx.h"
#include "provisioner/supabase_api.h"

enum prov_step {
    PROV_STEP_CREATED = 0,
    PROV_STEP_PURCHASING,
    PROV_STEP_PURCHASED,
    PROV_STEP_STORED,
    PROV_STEP_TRUNK,
    PROV_STEP_REGISTERED,
};
const char *prov_step_name(enum prov_step s);
/* Unknown or empty names read as PROV_STEP_CREATED; returns false for unknown ones. */
bool prov_step_parse(const char *name, enum prov_step *out);

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
    PROV_CLAIM_NORMAL,  /* free or expired lease, not completed */
    PROV_CLAIM_FORCE,   /* any lease, not completed */
    PROV_CLAIM_RESTART, /* a completed job whose number is gone: start it over */
};
/* Whether a claim in mode would succeed on j at now (RFC 3339; pure, mirrors the filter). */
bool prov_job_claimable(const struct prov_job *j, const char *now, enum prov_claim_mode mode);

/* Lease expiry now + ms as RFC 3339 (out has 40 bytes). */
void prov_lease_time(long ms, char out[40]);

/* Row operations. Each returns 0 on success, else nonzero with r filled. */
/* Insert job (id, user_id, country, type, area set) owned by this run. *exists on 409. */
int prov_job_insert(struct prov_ctx *ctx, struct prov_job *job, bool *exists,
                    struct prov_result *r);
int prov_job_get(struct prov_ctx *ctx, const char *user_id, struct prov_job *job, bool *found,
                 struct prov_result *r);
/* Conditional claim; *claimed false when another run holds it. job is updated on success. */
int prov_job_claim(struct prov_ctx *ctx, struct prov_job *job, enum prov_claim_mode mode,
                   bool *claimed, struct prov_result *r);
/* Save progress (step and ids) and renew the lease. *held false when the lease was lost. */
int prov_job_save(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step, bool *held,
                  struct prov_result *r);
/* Release the lease with a final status (completed | failed | pending) and last_error. */
int prov_job_finish(struct prov_ctx *ctx, struct prov_job *job, const char *status,
                    const char *last_error, struct prov_result *r);
int prov_job_delete(struct prov_ctx *ctx, const char *user_id, struct prov_result *r);

#endif
