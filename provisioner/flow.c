/* flow.c: the six steps in order over the job row (job.h): authenticate, the existing number,
 * then purchase, store and register (steps.c, register.c), resumable from wherever the row
 * says. A run that cannot finish either leaves the job pending or, with --compensate, undoes
 * it; a run that lost the job to another run stops and releases what it created that nobody
 * records (undo.c).
 *
 * Decisions taken on a read are confirmed under the claim: the first look at the user's
 * active row happens before the job is held (a number already complete is answered as
 * "existing" without touching the job), but a job that was not inserted by this run is
 * claimed first and the row read again under the claim, so a stale "no number" can never
 * restart a job another run just completed. */
#include "provisioner/flow.h"

#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"

#include "provisioner/job.h"
#include "provisioner/steps.h"
#include "provisioner/supabase_api.h"

/* The flow failed with code after the job was claimed: compensate or leave it resumable; a
 * lost job is left to its holder, with what this run created judged by undo.c. */
static int give_up(struct prov_ctx *ctx, struct prov_job *job, int code)
{
    if (code == PROV_EXIT_IN_PROGRESS || ctx->lost) {
        prov_abandon(ctx, job);
        return PROV_EXIT_IN_PROGRESS;
    }
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
                prov_set(ctx->out.status, sizeof(ctx->out.status), "compensated");
            }
        }
    }
    bool held = false;
    /* Not recorded (Supabase down, or the job lost meanwhile): the next run restarts from the
     * last save, which is safe because every create looks its resource up first. */
    (void)prov_job_finish(ctx, job, status, ctx->out.error, &held, &r);
    prov_result_cleanup(&r);
    if (ctx->lost)
        prov_abandon(ctx, job);
    return code;
}

static bool row_complete(const struct prov_sb_phone *p)
{
    return p->twilio_sid[0] != '\0' && p->trunk_id[0] != '\0' && p->rule_id[0] != '\0';
}

/* Mark the held job completed. Returns an exit code. */
static int complete(struct prov_ctx *ctx, struct prov_job *job)
{
    struct prov_result r;
    bool held = false;
    int code = PROV_EXIT_OK;
    prov_result_init(&r);
    if (prov_job_finish(ctx, job, "completed", NULL, &held, &r) != 0) {
        code = prov_fail_call(ctx, "complete job", &r);
    } else if (!held) {
        prov_fail(ctx, PROV_EXIT_IN_PROGRESS, "job %s: lost to another run before completion",
                  job->id);
        prov_set(ctx->out.status, sizeof(ctx->out.status), "in_progress");
        code = PROV_EXIT_IN_PROGRESS;
    }
    prov_result_cleanup(&r);
    prov_set(job->status, sizeof(job->status), "completed");
    return code;
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
        if (act == PROV_ACT_SEARCH || act == PROV_ACT_LOOKUP_TAG)
            code = prov_step_purchase(ctx, job, act);
        else if (act == PROV_ACT_STORE)
            code = prov_step_store(ctx, job);
        else if (act == PROV_ACT_TRUNK || act == PROV_ACT_RULE)
            code = prov_step_register(ctx, job, act == PROV_ACT_RULE);
        else
            code = complete(ctx, job);
    }
    prov_out_from_job(ctx, job);
    if (code != PROV_EXIT_OK)
        return give_up(ctx, job, code);
    prov_set(ctx->out.status, sizeof(ctx->out.status), "provisioned");
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
}

int prov_flow_authenticate(struct prov_ctx *ctx, const char *token, char *user_id, size_t len)
{
    prov_step_begin(ctx, "authenticate");
    struct prov_result r;
    prov_result_init(&r);
    int code = PROV_EXIT_OK;
    if (prov_sb_get_user(ctx, token, user_id, len, &r) != 0) {
        if (r.cls == PROV_C_CLIENT && (r.status == 401 || r.status == 403))
            code = prov_fail(ctx, PROV_EXIT_AUTH, "authentication failed: %s", r.message);
        else
            code = prov_fail_call(ctx, "authenticate", &r);
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
        code = prov_fail_call(ctx, "read phone_numbers", &r);
    }
    prov_result_cleanup(&r);
    prov_step_finish(ctx,
                     code     ? "fail"
                     : *found ? "found"
                              : "none",
                     *found ? p->phone_number : NULL);
    return code;
}

static int held_elsewhere(struct prov_ctx *ctx, const struct prov_job *job)
{
    prov_fail(ctx, PROV_EXIT_IN_PROGRESS, "job %s for user %s is held by another run", job->id,
              job->user_id);
    prov_set(ctx->out.status, sizeof(ctx->out.status), "in_progress");
    return PROV_EXIT_IN_PROGRESS;
}

/* What the claimed job turned out to need (take_over). */
enum held_as { HELD_FRESH, HELD_RUN, HELD_EXISTING, HELD_RELEASED };

/* Under the claim of a job this run did not insert: read the user's row again. Complete:
 * close the job, the answer is "existing". Partial: continue from it. None: a job whose
 * number is gone (completed, or failed and rolled back) starts over under a new id. */
static int confirm(struct prov_ctx *ctx, struct prov_job *job, const char *was, enum held_as *as)
{
    struct prov_sb_phone row;
    bool have_row = false, held = true;
    struct prov_result r;
    int code = existing(ctx, job->user_id, &row, &have_row);
    if (code != 0)
        return code;
    if (have_row) {
        /* The row's ids, the step left alone: a run killed between the row and the profile
         * left "purchased", and the store step (its own row counts as stored) runs again. */
        prov_job_take_row(job, &row);
        if (!row_complete(&row))
            return PROV_EXIT_OK;
        *as = HELD_EXISTING;
        code = complete(ctx, job);
        if (code == 0)
            out_existing(ctx, &row);
        return code;
    }
    if (strcmp(was, "completed") != 0 && strcmp(was, "failed") != 0)
        return PROV_EXIT_OK;
    prov_result_init(&r);
    if (prov_job_restart(ctx, job, &held, &r) != 0) {
        code = prov_fail_call(ctx, "restart job", &r);
    } else if (!held) {
        code = held_elsewhere(ctx, job);
    }
    prov_result_cleanup(&r);
    prov_out_from_job(ctx, job);
    return code;
}

/* Claim a job this run read (mode), then act on what it holds: a release under way is
 * finished (HELD_RELEASED), anything else is confirmed against the user's row. */
static int take_over(struct prov_ctx *ctx, struct prov_job *job, enum prov_claim_mode mode,
                     enum held_as *as)
{
    char now[40], was[16];
    struct prov_result r;
    bool claimed = false, releasing = strcmp(job->status, "releasing") == 0;
    int code = PROV_EXIT_OK;
    fk_rfc3339_us(fk_now_us(), now, sizeof(now));
    prov_set(was, sizeof(was), job->status);
    *as = HELD_RUN;
    if (!prov_job_claimable(job, now, mode))
        return held_elsewhere(ctx, job);
    prov_result_init(&r);
    if (prov_job_claim(ctx, job, mode, releasing ? "releasing" : "running", &claimed, &r) != 0) {
        code = prov_fail_call(ctx, "claim job", &r);
    } else if (!claimed) {
        code = held_elsewhere(ctx, job);
    }
    prov_result_cleanup(&r);
    prov_out_from_job(ctx, job);
    prov_step_finish(ctx, code ? "fail" : "claimed", code ? ctx->out.error : job->id);
    if (code != 0)
        return code;
    if (releasing) {
        *as = HELD_RELEASED;
        code = prov_release_held(ctx, job);
        if (code != 0 && !ctx->lost) {
            /* Let go at once, still releasing with every id, for the next run to finish. */
            bool held = false;
            prov_result_init(&r);
            (void)prov_job_finish(ctx, job, "releasing", ctx->out.error, &held, &r);
            prov_result_cleanup(&r);
        }
        return code;
    }
    return confirm(ctx, job, was, as);
}

/* Get the user's job into *job, held by this run: insert, or read, claim and confirm. A
 * release left unfinished is finished first, then a new job inserted. */
static int acquire(struct prov_ctx *ctx, struct prov_job *job, enum held_as *as)
{
    struct prov_job want = *job;
    int code = PROV_EXIT_OK;
    for (int round = 0; round < 2; round++) {
        struct prov_result r;
        bool exists = false, found = false;
        prov_step_begin(ctx, "job");
        prov_result_init(&r);
        *job = want;
        *as = HELD_RUN;
        if (prov_job_insert(ctx, job, &exists, &r) == 0) {
            *as = HELD_FRESH;
            prov_result_cleanup(&r);
            prov_out_from_job(ctx, job);
            prov_step_finish(ctx, "claimed", job->id);
            return PROV_EXIT_OK;
        }
        /* The row read back after a 409 is the other job's; read it when it was not. */
        if (exists && strcmp(job->id, want.id) != 0)
            found = true;
        else if (exists && prov_job_get(ctx, want.user_id, job, &found, &r) != 0)
            found = false;
        if (!exists || !found)
            code = prov_fail_call(ctx, exists ? "read job" : "create job", &r);
        prov_result_cleanup(&r);
        if (code != PROV_EXIT_OK)
            return code;
        code = take_over(ctx, job, PROV_CLAIM_NORMAL, as);
        if (code != 0 || *as != HELD_RELEASED)
            return code;
        prov_uuid(want.id); /* the release deleted the old job: start anew */
    }
    return code;
}

bool prov_close_open_job(struct prov_ctx *ctx, struct prov_job *job,
                         const struct prov_sb_phone *row)
{
    struct prov_result r;
    bool found = false, claimed = false, closed = false;
    char now[40];

    memset(job, 0, sizeof(*job));
    fk_rfc3339_us(fk_now_us(), now, sizeof(now));
    prov_result_init(&r);
    if (prov_job_get(ctx, row->user_id, job, &found, &r) == 0 && found && prov_job_open(job) &&
        strcmp(job->status, "releasing") != 0 && prov_job_claimable(job, now, PROV_CLAIM_NORMAL)) {
        /* Only a job that made this number, or made nothing of its own yet. */
        bool mine = job->twilio_sid[0] ? strcmp(job->twilio_sid, row->twilio_sid) == 0
                                       : job->step < PROV_STEP_PURCHASING;
        if (mine && prov_job_claim(ctx, job, PROV_CLAIM_NORMAL, "running", &claimed, &r) == 0 &&
            claimed) {
            prov_job_take_row(job, row);
            bool held = false;
            closed = prov_job_finish(ctx, job, "completed", NULL, &held, &r) == 0 && held;
        }
    }
    prov_result_cleanup(&r);
    return closed;
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
    struct prov_job job;
    memset(&job, 0, sizeof(job));
    if (have_row && row_complete(&row)) {
        /* A run killed after its last row write may have left the job open: close it. */
        prov_set(row.user_id, sizeof(row.user_id), user_id);
        (void)prov_close_open_job(ctx, &job, &row);
        out_existing(ctx, &row);
        return PROV_EXIT_OK;
    }
    prov_uuid(job.id);
    prov_set(job.user_id, sizeof(job.user_id), user_id);
    prov_set(job.country, sizeof(job.country), country);
    prov_set(job.type, sizeof(job.type), type);
    prov_set(job.area_code, sizeof(job.area_code), area_code);
    enum held_as as = HELD_RUN;
    code = acquire(ctx, &job, &as);
    /* Inserted by this run: no job existed, so no row can have been stored since the read
     * (rows are written only by a job's holder); a row that was read may have been released
     * since, so it is read again under the job. */
    if (code == 0 && as == HELD_FRESH && have_row)
        code = confirm(ctx, &job, "running", &as);
    if (code != 0 || as == HELD_EXISTING)
        return code != PROV_EXIT_IN_PROGRESS ? code : give_up(ctx, &job, code);
    return run_job(ctx, &job);
}

int prov_flow_run_held(struct prov_ctx *ctx, struct prov_job *job)
{
    return run_job(ctx, job);
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
        code = prov_fail_call(ctx, "read job", &r);
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
    enum held_as as = HELD_RUN;
    code = take_over(ctx, &job, force ? PROV_CLAIM_FORCE : PROV_CLAIM_NORMAL, &as);
    if (code != 0 || as != HELD_RUN)
        return code != PROV_EXIT_IN_PROGRESS ? code : give_up(ctx, &job, code);
    return run_job(ctx, &job);
}
