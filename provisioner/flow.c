/* flow.c: the six steps in order over the job row (job.h): authenticate, the existing number,
 * then purchase, store and register (steps.c), resumable from wherever the row says. A run
 * that cannot finish either leaves the job pending or, with --compensate, undoes it. */
#include "provisioner/flow.h"

#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"

#include "provisioner/job.h"
#include "provisioner/livekit_api.h"
#include "provisioner/steps.h"
#include "provisioner/supabase_api.h"
#include "provisioner/twilio_api.h"

/* The flow failed with code after the job was claimed: compensate or leave it resumable. */
static int give_up(struct prov_ctx *ctx, struct prov_job *job, int code)
{
    if (code == PROV_EXIT_IN_PROGRESS)
        return code; /* the lease is someone else's now: touch nothing */
    struct prov_result r;
    prov_result_init(&r);
    const char *status = "pending";
    if (ctx->cfg->compensate) {
        /* A fresh budget: rolling back matters even when the deadline is why we stop. */
        ctx->deadline_us = fk_mono_us() + (int64_t)ctx->cfg->deadline_ms * 1000;
        bool created = false;
        if (prov_compensate(ctx, job, &created)) {
            status = "failed";
            if (created) {
                code = PROV_EXIT_COMPENSATED;
                ctx->out.exit = code;
                prov_set(ctx->out.status, sizeof(ctx->out.status), "compensated");
            }
        }
    }
    if (prov_job_finish(ctx, job, status, ctx->out.error, &r) != 0 &&
        strcmp(status, "failed") == 0) {
        /* Rolled back but not recorded: the next run restarts from a stale step, which is
         * safe because every create looks its resource up first. */
    }
    prov_result_cleanup(&r);
    return code;
}

/* Fill a job's progress from the user's active phone_numbers row (stored by an earlier run,
 * possibly under an older job). The step is left alone: a run killed between the row and the
 * profile write left "purchased", and the store step, idempotent (an existing row of the
 * user's counts as stored), must run again to write the profile (test_crash). */
static void merge_row(struct prov_job *job, const struct prov_sb_phone *p)
{
    prov_set(job->twilio_sid, sizeof(job->twilio_sid), p->twilio_sid);
    prov_set(job->phone_number, sizeof(job->phone_number), p->phone_number);
    if (p->trunk_id[0] != '\0')
        prov_set(job->trunk_id, sizeof(job->trunk_id), p->trunk_id);
    if (p->rule_id[0] != '\0')
        prov_set(job->rule_id, sizeof(job->rule_id), p->rule_id);
}

/* Run the job's remaining steps. Returns the exit code. */
static int run_job(struct prov_ctx *ctx, struct prov_job *job)
{
    prov_out_from_job(ctx, job);
    int code = PROV_EXIT_OK;
    for (int guard = 0; code == PROV_EXIT_OK && guard < 16; guard++) {
        enum prov_action act = prov_job_next(job);
        if (act == PROV_ACT_DONE)
            break;
        switch (act) {
        case PROV_ACT_SEARCH:
        case PROV_ACT_LOOKUP_TAG:
            code = prov_step_purchase(ctx, job, act);
            break;
        case PROV_ACT_STORE:
            code = prov_step_store(ctx, job);
            break;
        case PROV_ACT_TRUNK:
            code = prov_step_register(ctx, job, false);
            break;
        case PROV_ACT_RULE:
            code = prov_step_register(ctx, job, true);
            break;
        case PROV_ACT_FINISH:
        case PROV_ACT_DONE: {
            struct prov_result r;
            prov_result_init(&r);
            if (prov_job_finish(ctx, job, "completed", NULL, &r) != 0) {
                prov_fail_call(ctx, "complete job", &r);
                code = ctx->out.exit;
            }
            prov_result_cleanup(&r);
            prov_set(job->status, sizeof(job->status), "completed");
            break;
        }
        }
    }
    prov_out_from_job(ctx, job);
    if (code != PROV_EXIT_OK)
        return give_up(ctx, job, code);
    prov_set(ctx->out.status, sizeof(ctx->out.status), "provisioned");
    ctx->out.exit = PROV_EXIT_OK;
    return PROV_EXIT_OK;
}

static void out_existing(struct prov_ctx *ctx, const struct prov_sb_phone *p)
{
    prov_set(ctx->out.status, sizeof(ctx->out.status), "existing");
    prov_set(ctx->out.phone_number, sizeof(ctx->out.phone_number), p->phone_number);
    prov_set(ctx->out.twilio_sid, sizeof(ctx->out.twilio_sid), p->twilio_sid);
    prov_set(ctx->out.trunk_id, sizeof(ctx->out.trunk_id), p->trunk_id);
    prov_set(ctx->out.rule_id, sizeof(ctx->out.rule_id), p->rule_id);
    prov_set(ctx->out.job_id, sizeof(ctx->out.job_id), p->job_id);
    ctx->out.exit = PROV_EXIT_OK;
}

int prov_flow_authenticate(struct prov_ctx *ctx, const char *token, char *user_id, size_t len)
{
    prov_step_begin(ctx, "authenticate");
    struct prov_result r;
    prov_result_init(&r);
    int code = PROV_EXIT_OK;
    if (prov_sb_get_user(ctx, token, user_id, len, &r) != 0) {
        if (r.cls == PROV_C_CLIENT && (r.status == 401 || r.status == 403))
            prov_fail(ctx, PROV_EXIT_AUTH, "authentication failed: %s", r.message);
        else
            prov_fail_call(ctx, "authenticate", &r);
        code = ctx->out.exit;
    }
    prov_result_cleanup(&r);
    prov_step_finish(ctx, code ? "fail" : "done", code ? ctx->out.error : user_id);
    return code;
}

/* Step 2: the user's active row. *found set; returns an exit code. */
static int existing(struct prov_ctx *ctx, const char *user_id, struct prov_sb_phone *p, bool *found)
{
    prov_step_begin(ctx, "existing");
    struct prov_result r;
    prov_result_init(&r);
    int code = PROV_EXIT_OK;
    if (prov_sb_active_phone(ctx, user_id, p, found, &r) != 0) {
        prov_fail_call(ctx, "read phone_numbers", &r);
        code = ctx->out.exit;
    }
    prov_result_cleanup(&r);
    prov_step_finish(ctx,
                     code     ? "fail"
                     : *found ? "found"
                              : "none",
                     *found ? p->phone_number : NULL);
    return code;
}

/* Get the user's job into *job, owned by this run: insert, or read and claim. */
static int acquire(struct prov_ctx *ctx, struct prov_job *job, bool have_row, bool force)
{
    prov_step_begin(ctx, "job");
    struct prov_result r;
    prov_result_init(&r);
    bool exists = false, claimed = false, found = false;
    int code = PROV_EXIT_OK;
    if (prov_job_insert(ctx, job, &exists, &r) == 0) {
        claimed = true;
    } else if (!exists) {
        prov_fail_call(ctx, "create job", &r);
        code = ctx->out.exit;
    } else if (prov_job_get(ctx, job->user_id, job, &found, &r) != 0 || !found) {
        prov_fail_call(ctx, "read job", &r);
        code = ctx->out.exit;
    } else {
        enum prov_claim_mode mode = force ? PROV_CLAIM_FORCE : PROV_CLAIM_NORMAL;
        if (strcmp(job->status, "completed") == 0 && !have_row)
            mode = PROV_CLAIM_RESTART; /* its number was released since: start over */
        if (prov_job_claim(ctx, job, mode, &claimed, &r) != 0) {
            prov_fail_call(ctx, "claim job", &r);
            code = ctx->out.exit;
        } else if (!claimed) {
            prov_fail(ctx, PROV_EXIT_IN_PROGRESS, "job %s for user %s is held by another run",
                      job->id, job->user_id);
            prov_set(ctx->out.status, sizeof(ctx->out.status), "in_progress");
            code = PROV_EXIT_IN_PROGRESS;
        }
    }
    prov_result_cleanup(&r);
    prov_out_from_job(ctx, job);
    prov_step_finish(ctx, code ? "fail" : "claimed", code ? ctx->out.error : job->id);
    return code;
}

/* The user's number is complete, but a run killed after its last write may have left the job
 * row open: close it (bookkeeping only, best effort; a live lease is left to its run). */
static void close_stale_job(struct prov_ctx *ctx, const char *user_id,
                            const struct prov_sb_phone *row)
{
    struct prov_job job;
    struct prov_result r;
    bool found = false, claimed = false;

    memset(&job, 0, sizeof(job));
    prov_result_init(&r);
    if (prov_job_get(ctx, user_id, &job, &found, &r) == 0 && found &&
        strcmp(job.status, "completed") != 0 &&
        prov_job_claim(ctx, &job, PROV_CLAIM_NORMAL, &claimed, &r) == 0 && claimed) {
        merge_row(&job, row);
        (void)prov_job_finish(ctx, &job, "completed", NULL, &r);
    }
    prov_result_cleanup(&r);
}

int prov_flow_provision(struct prov_ctx *ctx, const char *token, const char *country,
                        const char *type, const char *area_code)
{
    char user_id[64];
    struct prov_sb_phone row;
    bool have_row = false;
    int code = prov_flow_authenticate(ctx, token, user_id, sizeof(user_id));
    if (code == 0)
        code = existing(ctx, user_id, &row, &have_row);
    if (code != 0)
        return code;
    if (have_row && row.trunk_id[0] != '\0' && row.rule_id[0] != '\0') {
        close_stale_job(ctx, user_id, &row);
        out_existing(ctx, &row);
        return PROV_EXIT_OK;
    }
    struct prov_job job;
    memset(&job, 0, sizeof(job));
    prov_uuid(job.id);
    prov_set(job.user_id, sizeof(job.user_id), user_id);
    prov_set(job.country, sizeof(job.country), country);
    prov_set(job.type, sizeof(job.type), type);
    prov_set(job.area_code, sizeof(job.area_code), area_code);
    code = acquire(ctx, &job, have_row, false);
    if (code != 0)
        return code;
    if (have_row)
        merge_row(&job, &row);
    return run_job(ctx, &job);
}

int prov_flow_resume(struct prov_ctx *ctx, const char *user_id, bool force)
{
    prov_step_begin(ctx, "job");
    struct prov_result r;
    prov_result_init(&r);
    struct prov_job job;
    bool found = false;
    int code = PROV_EXIT_OK;
    if (prov_job_get(ctx, user_id, &job, &found, &r) != 0) {
        prov_fail_call(ctx, "read job", &r);
        code = ctx->out.exit;
    } else if (!found) {
        prov_fail(ctx, PROV_EXIT_USAGE, "no provisioning job for user %s", user_id);
        code = PROV_EXIT_USAGE;
    }
    prov_result_cleanup(&r);
    if (code != 0)
        return code;
    prov_out_from_job(ctx, &job);
    if (prov_job_next(&job) == PROV_ACT_DONE) {
        prov_set(ctx->out.status, sizeof(ctx->out.status), "existing");
        return PROV_EXIT_OK;
    }
    struct prov_sb_phone row;
    bool have_row = false;
    code = existing(ctx, user_id, &row, &have_row);
    if (code == 0)
        code = acquire(ctx, &job, have_row, force);
    if (code != 0)
        return code;
    if (have_row)
        merge_row(&job, &row);
    return run_job(ctx, &job);
}
