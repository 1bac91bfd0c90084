/* release.c: `release`, undoing one user's provisioning in an order that can be resumed.
 *
 *  1. hold the job with status "releasing", its row recording every id to undo (taken from
 *     the user's active row too); a user with a row but no job gets a job row for it;
 *  2. mark the number's active row released (by SID: a release that lost its job and writes
 *     late must not touch a number provisioned since), so `provision` stops answering with it;
 *  3. renew, then LiveKit: the dispatch rules of the trunk and the trunk, by id and by
 *     look-up (named for the job, holding its number);
 *  4. renew, then Twilio: the number by SID and every number tagged for the job, so that a
 *     number whose row never got written (or was deleted) is released too;
 *  5. the row marked released and the profile's number (only while it is still this number),
 *     then the job row (under its fence).
 * Every stage is idempotent (a 404 is done), so a run killed anywhere leaves the job
 * "releasing" with its ids, and `release` again (after the lease, or with --force) finishes
 * it; `provision` finishes it too before it starts the user over with a new job. */
#include "provisioner/flow.h"

#include <stdlib.h>
#include <string.h>

#include "provisioner/job.h"
#include "provisioner/livekit_api.h"
#include "provisioner/steps.h"
#include "provisioner/supabase_api.h"
#include "provisioner/twilio_api.h"

/* Delete the trunk's dispatch rules (every rule listing it, and its known rule), then the
 * trunk. 0 or nonzero with r filled. */
static int drop_trunk(struct prov_ctx *ctx, const char *trunk, const char *known_rule,
                      struct prov_result *r)
{
    struct prov_lk_items items = {0};
    int rc = 0;
    if (known_rule != NULL && *known_rule != '\0')
        rc = prov_lk_delete_rule(ctx, known_rule, r);
    if (rc == 0)
        rc = prov_lk_list_rules(ctx, trunk, &items, r);
    for (size_t i = 0; rc == 0 && i < items.n; i++)
        if (items.items[i].has_trunk)
            rc = prov_lk_delete_rule(ctx, items.items[i].id, r);
    prov_lk_items_cleanup(&items);
    if (rc == 0)
        rc = prov_lk_delete_trunk(ctx, trunk, r);
    return rc;
}

/* LiveKit's part: the recorded trunk (and rules), then one found by look-up. An exit code. */
static int release_livekit(struct prov_ctx *ctx, struct prov_job *job, struct prov_result *r)
{
    char found_id[64] = "";
    bool found = false;
    int rc = 0;
    if (job->trunk_id[0] != '\0')
        rc = drop_trunk(ctx, job->trunk_id, job->rule_id, r);
    else if (job->rule_id[0] != '\0')
        rc = prov_lk_delete_rule(ctx, job->rule_id, r);
    if (rc == 0 && job->phone_number[0] != '\0') {
        int code = prov_lk_find(ctx, job, false, found_id, sizeof(found_id), &found);
        if (code != 0)
            return code;
        if (found)
            rc = drop_trunk(ctx, found_id, NULL, r);
    }
    return rc != 0 ? prov_fail_call(ctx, "release: livekit", r) : PROV_EXIT_OK;
}

/* Twilio's part: the recorded number and every number tagged for the job. *any is set when
 * something was released. */
static int release_twilio(struct prov_ctx *ctx, const struct prov_job *job, bool *any,
                          struct prov_result *r)
{
    char tag[80];
    struct prov_tw_list l = {0};
    int rc = 0;
    if (job->twilio_sid[0] != '\0')
        rc = prov_tw_release(ctx, job->twilio_sid, r);
    prov_tw_tag(job->id, tag);
    if (rc == 0)
        rc = prov_tw_find_tagged(ctx, tag, &l, r);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        if (strcmp(l.items[i].sid, job->twilio_sid) == 0)
            continue;
        rc = prov_tw_release(ctx, l.items[i].sid, r);
        if (rc == 0)
            prov_step_finish(ctx, "release_tagged", l.items[i].sid);
        *any = true;
    }
    prov_tw_list_cleanup(&l);
    return rc;
}

int prov_release_held(struct prov_ctx *ctx, struct prov_job *job)
{
    struct prov_result r;
    bool any = job->twilio_sid[0] || job->trunk_id[0] || job->rule_id[0], held = false;
    int code = PROV_EXIT_OK;
    enum prov_step step = job->step;
    prov_result_init(&r);
    prov_out_from_job(ctx, job);
    if (job->twilio_sid[0] != '\0' && prov_sb_mark_released(ctx, job->twilio_sid, &r) != 0)
        code = prov_fail_call(ctx, "release: mark the row released", &r);
    if (code == 0 && (code = prov_step_save(ctx, job, step)) == 0)
        code = release_livekit(ctx, job, &r);
    if (code == 0 && (code = prov_step_save(ctx, job, step)) == 0 &&
        release_twilio(ctx, job, &any, &r) != 0)
        code = prov_fail_call(ctx, "release: twilio", &r);
    if (code == 0 && job->twilio_sid[0] != '\0' &&
        (prov_sb_delete_released(ctx, job->twilio_sid, &r) != 0 ||
         prov_sb_clear_profile_number(ctx, job->user_id, job->phone_number, job->twilio_sid, &r) !=
             0))
        code = prov_fail_call(ctx, "release: supabase", &r);
    if (code == 0 && prov_job_delete(ctx, job, &held, &r) != 0) {
        code = prov_fail_call(ctx, "release: job", &r);
    } else if (code == 0 && !held) {
        /* Undone all the same (every stage is idempotent), but the job is another run's. */
        prov_fail(ctx, PROV_EXIT_IN_PROGRESS, "job %s: lost to another run (fence %ld)", job->id,
                  job->fence);
        prov_set(ctx->out.status, sizeof(ctx->out.status), "in_progress");
        code = PROV_EXIT_IN_PROGRESS;
    }
    prov_result_cleanup(&r);
    if (code == 0)
        prov_set(ctx->out.status, sizeof(ctx->out.status), any ? "released" : "nothing_to_release");
    return code;
}

/* Hold the user's job for a release: claim it, or insert one for an active row without a
 * job. *none when there is nothing at all. Returns an exit code. */
static int hold_for_release(struct prov_ctx *ctx, const char *user_id, struct prov_job *job,
                            bool *none)
{
    struct prov_result r;
    struct prov_sb_phone row;
    bool have_row = false, have_job = false, claimed = false, exists = false;
    int code = PROV_EXIT_OK;
    prov_result_init(&r);
    *none = false;
    for (int tries = 0; code == 0 && !claimed && tries < PROV_RESEND_MAX; tries++) {
        memset(job, 0, sizeof(*job));
        if (prov_sb_active_phone(ctx, user_id, &row, &have_row, &r) != 0 ||
            prov_job_get(ctx, user_id, job, &have_job, &r) != 0) {
            code = prov_fail_call(ctx, "release: read", &r);
        } else if (!have_job && !have_row) {
            *none = true;
            break;
        } else if (!have_job) {
            prov_set(job->id, sizeof(job->id), row.job_id);
            if (job->id[0] == '\0')
                prov_uuid(job->id);
            prov_set(job->user_id, sizeof(job->user_id), user_id);
            prov_set(job->status, sizeof(job->status), "releasing");
            prov_job_take_row(job, &row);
            claimed = prov_job_insert(ctx, job, &exists, &r) == 0;
            if (!claimed && !exists)
                code = prov_fail_call(ctx, "release: create job", &r);
        } else {
            if (have_row)
                prov_job_take_row(job, &row);
            enum prov_claim_mode mode = ctx->cfg->force ? PROV_CLAIM_FORCE : PROV_CLAIM_NORMAL;
            if (prov_job_claim(ctx, job, mode, "releasing", &claimed, &r) != 0)
                code = prov_fail_call(ctx, "release: claim job", &r);
            else if (!claimed)
                break;
        }
    }
    if (code == 0 && !claimed && !*none) {
        prov_fail(ctx, PROV_EXIT_IN_PROGRESS, "job %s for user %s is held by another run", job->id,
                  user_id);
        prov_set(ctx->out.status, sizeof(ctx->out.status), "in_progress");
        code = PROV_EXIT_IN_PROGRESS;
    }
    prov_result_cleanup(&r);
    return code;
}

int prov_flow_release(struct prov_ctx *ctx, const char *token)
{
    char user_id[64];
    struct prov_job job;
    bool none = false;
    int code = prov_flow_authenticate(ctx, token, user_id, sizeof(user_id));
    if (code != 0)
        return code;
    prov_step_begin(ctx, "release");
    code = hold_for_release(ctx, user_id, &job, &none);
    bool holding = code == 0 && !none;
    if (code == 0 && none)
        prov_set(ctx->out.status, sizeof(ctx->out.status), "nothing_to_release");
    else if (code == 0)
        code = prov_release_held(ctx, &job);
    if (code != 0 && holding && !ctx->lost) {
        /* Failed on the way (a service down): let go of the lease, keep "releasing" and
         * every id, so the next `release` (or `provision`) finishes at once. */
        struct prov_result r;
        bool held = false;
        prov_result_init(&r);
        (void)prov_job_finish(ctx, &job, "releasing", ctx->out.error, &held, &r);
        prov_result_cleanup(&r);
    }
    prov_step_finish(ctx, code ? "fail" : "done", code ? ctx->out.error : NULL);
    return code;
}
