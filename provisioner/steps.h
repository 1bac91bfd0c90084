/* steps.h: the steps of the flow that create things, shared by flow.c (the order, the job
 * protocol) and steps.c (each step and its undo). Internal to the provisioner.
 *
 * Each returns an exit code (enum prov_exit, 0 = done) and records failures in ctx->out. */
#ifndef PROV_STEPS_H
#define PROV_STEPS_H

#include <stdbool.h>

#include "provisioner/ctx.h"
#include "provisioner/job.h"

/* Trace one step's start / end (event "done", "fail", ... with an optional detail). */
void prov_step_begin(struct prov_ctx *ctx, const char *step);
void prov_step_finish(struct prov_ctx *ctx, const char *event, const char *detail);
/* Copy the job's ids into the command's output. */
void prov_out_from_job(struct prov_ctx *ctx, const struct prov_job *j);
/* Save the job at step (renewing the lease); PROV_EXIT_IN_PROGRESS when the lease was lost. */
int prov_step_save(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step);

/* Search and buy (act PROV_ACT_LOOKUP_TAG: first look for the tagged number). */
int prov_step_purchase(struct prov_ctx *ctx, struct prov_job *job, enum prov_action act);
/* phone_numbers row and profile. */
int prov_step_store(struct prov_ctx *ctx, struct prov_job *job);
/* LiveKit inbound trunk (rule false) or dispatch rule (rule true). */
int prov_step_register(struct prov_ctx *ctx, struct prov_job *job, bool rule);
/* Undo newest first, rewinding the saved job after each stage; true when all was undone.
 * *created: whether anything had to be undone. */
bool prov_compensate(struct prov_ctx *ctx, struct prov_job *job, bool *created);

#endif
