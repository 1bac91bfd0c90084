/* flow.h: the six-step provisioning flow, resume and release (flow.c, release.c).
 *
 * Each function runs one command on ctx, fills ctx->out (status, ids, error) and returns the
 * exit code (enum prov_exit). The job protocol is in job.h. Failure policy: without
 * --compensate a failed flow releases its lease and leaves the job "pending" (resumable:
 * nothing is lost, the next run or `resume` continues from the saved step); with it, what
 * was created (dispatch rule, trunk, number, rows) is released with a fresh deadline budget
 * and the job is marked failed (exit 8 when something had to be undone).
 *
 * Layer 6 (exit.h): called by cli.c, serve.c and reconcile_fix.c; each returns an exit
 * code. */
#ifndef PROV_FLOW_H
#define PROV_FLOW_H

#include <stddef.h>

#include "provisioner/ctx.h"
#include "provisioner/job.h"
#include "provisioner/supabase_api.h"

/* provision: authenticate, existing number, search, purchase, store, register. */
int prov_flow_provision(struct prov_ctx *ctx, const char *token, const char *country,
                        const char *type, const char *area_code);
/* resume --user-id: continue the user's job (force: take over a live lease). */
int prov_flow_resume(struct prov_ctx *ctx, const char *user_id, bool force);
/* Step 1: GET /auth/v1/user; 401/403 -> PROV_EXIT_AUTH. Returns an exit code. */
int prov_flow_authenticate(struct prov_ctx *ctx, const char *token, char *user_id, size_t len);
/* release --user-token: the dispatch rule, trunk and number (by id and by tag), then the
 * rows and the job, resumably (release.c). */
int prov_flow_release(struct prov_ctx *ctx, const char *token);
/* The remaining steps of a job this run holds (reconcile's repairs). An exit code. */
int prov_flow_run_held(struct prov_ctx *ctx, struct prov_job *job);

/* Release what job records or tags (dispatch rules, trunks, numbers), then the user's
 * released rows and profile number; the job must be held with status releasing. */
int prov_release_held(struct prov_ctx *ctx, struct prov_job *job);
/* Close an open job of the user whose active row is complete (row): claim it when free,
 * record the row's ids and mark it completed. Best effort; true when closed. */
bool prov_close_open_job(struct prov_ctx *ctx, struct prov_job *job,
                         const struct prov_sb_phone *row);

#endif
