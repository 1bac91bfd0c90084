/* steps.h: the steps of the flow that create things, shared by flow.c (the order, the job
 * protocol), steps.c (purchase, store), register.c (LiveKit), undo.c (compensation, and
 * what a run that lost its job does with what it created) and release.c. Internal to the
 * provisioner; below flow.h.
 *
 * Each returns an exit code (enum prov_exit, 0 = done; exit.h) and records a failure's
 * message in ctx->out.error; what else a call found comes back through out-parameters.
 * Every external side effect (a purchase, a trunk, a dispatch rule) is preceded by a renewal
 * of the lease under the job's fence (prov_step_save), and stops there when the job was lost.
 * What this run creates itself is noted in ctx->made.
 *
 * Layer 5 (exit.h): called by flow.c, release.c and reconcile_fix.c. */
#ifndef PROV_STEPS_H
#define PROV_STEPS_H

#include <stdbool.h>

#include "provisioner/ctx.h"
#include "provisioner/job.h"
#include "provisioner/supabase_api.h"

/* Trace one step's start / end (event "done", "fail", ... with an optional detail). */
void prov_step_begin(struct prov_ctx *ctx, const char *step);
void prov_step_finish(struct prov_ctx *ctx, const char *event, const char *detail);
/* Copy the job's ids into the command's output. */
void prov_out_from_job(struct prov_ctx *ctx, const struct prov_job *j);
/* Save the job at step (renewing the lease); PROV_EXIT_IN_PROGRESS when the job was lost. */
int prov_step_save(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step);

/* Look the job's tagged number up; *found when it was (adopted into job). An exit code. */
int prov_lookup_tag(struct prov_ctx *ctx, struct prov_job *job, bool *found);
/* Search and buy (act PROV_ACT_LOOKUP_TAG: first look for the tagged number). */
int prov_step_purchase(struct prov_ctx *ctx, struct prov_job *job, enum prov_action act);
/* phone_numbers row and profile (the progress is saved with the next renewal). */
int prov_step_store(struct prov_ctx *ctx, struct prov_job *job);
/* LiveKit inbound trunk (rule false) or dispatch rule (rule true): look up, renew, create. */
int prov_step_register(struct prov_ctx *ctx, struct prov_job *job, bool rule);

/* Find the job's trunk (rule false: an inbound trunk named for the job that holds its number)
 * or dispatch rule (rule true: one named for the job whose trunk_ids hold its trunk), in any
 * order the server lists them; *found when one was (id filled). An exit code. */
int prov_lk_find(struct prov_ctx *ctx, const struct prov_job *job, bool rule, char *id, size_t len,
                 bool *found);
/* The trunk name and dispatch rule name of a job: "prov-<job id>". */
void prov_lk_name(const char *job_id, char out[80]);

/* Undo newest first, rewinding the saved job after each stage; true when all was undone.
 * *created: whether anything had to be undone. */
bool prov_compensate(struct prov_ctx *ctx, struct prov_job *job, bool *created);
/* The job was lost (ctx->lost) after this run created ctx->made: read who holds it now and
 * release each thing nobody records and nobody can adopt any more, waiting (within the
 * deadline) while the holder may still adopt it; what is left is named. Says so in the
 * output ("abandoned") and the trace (step "abandon"). */
void prov_abandon(struct prov_ctx *ctx, const struct prov_job *job);
/* Holding the job with its number recorded: release every other number tagged for it
 * (bought by an ambiguous attempt or a run that lost the job). 0, or an exit code. */
int prov_sweep_tagged(struct prov_ctx *ctx, const struct prov_job *job);

#endif
