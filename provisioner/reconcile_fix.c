/* reconcile_fix.c: the repairs of `reconcile --fix` (reconcile.h).
 *
 * A repair that concerns a job holds it first: a claim on the fence reconcile read, so that
 * a run that took the job since (and may be adopting the very thing) makes the repair step
 * aside ("deferred"). Under the claim the user's active row is read again, the repair made,
 * and the job given back with the status it had. A thing whose job is gone is released
 * directly: a job's tags are never reused (a restarted job gets a new id). Repairs that run
 * flow steps (registering again, finishing a release) run them in a context of their own,
 * so their output does not overwrite reconcile's. */
#include "provisioner/reconcile.h"

#include <string.h>

#include "provisioner/steps.h"

/* Hold job for a repair (its fence as read). FIX_DONE when held, else deferred or failed. */
static enum rec_fix hold(struct rec *rc, struct prov_job *job, const char *status)
{
    struct prov_result r;
    bool claimed = false;
    prov_result_init(&r);
    int rc2 = prov_job_claim(rc->ctx, job, PROV_CLAIM_NORMAL, status, &claimed, &r);
    if (rc2 != 0)
        rc->transient = true;
    prov_result_cleanup(&r);
    return rc2 != 0 ? FIX_FAILED : claimed ? FIX_DONE : FIX_DEFERRED;
}

/* Give a held job back with status. */
static void give_back(struct rec *rc, struct prov_job *job, const char *status)
{
    struct prov_result r;
    bool held = false;
    prov_result_init(&r);
    (void)prov_job_finish(rc->ctx, job, status, NULL, &held, &r);
    prov_result_cleanup(&r);
}

/* The user's active row, read now: 0 (*found when there is one) or a negative fk_err. */
static int row_now(struct rec *rc, const char *user_id, struct prov_sb_phone *p, bool *found)
{
    struct prov_result r;
    prov_result_init(&r);
    int rc2 = prov_sb_active_phone(rc->ctx, user_id, p, found, &r);
    prov_result_cleanup(&r);
    if (rc2 != 0)
        *found = false;
    return rc2;
}

static const char *row_id(const struct prov_sb_phone *p, enum rec_kind kind)
{
    return kind == REC_NUMBER ? p->twilio_sid : kind == REC_TRUNK ? p->trunk_id : p->rule_id;
}

/* Release one thing. 0 or nonzero with r filled. */
static int release(struct rec *rc, enum rec_kind kind, const char *id, struct prov_result *r)
{
    struct prov_lk_items items = {0};
    int rc2 = 0;
    if (kind == REC_NUMBER)
        return prov_tw_release(rc->ctx, id, r);
    if (kind == REC_RULE)
        return prov_lk_delete_rule(rc->ctx, id, r);
    rc2 = prov_lk_list_rules(rc->ctx, id, &items, r); /* a trunk's rules go with it */
    for (size_t i = 0; rc2 == 0 && i < items.n; i++)
        if (items.items[i].has_trunk)
            rc2 = prov_lk_delete_rule(rc->ctx, items.items[i].id, r);
    prov_lk_items_cleanup(&items);
    return rc2 == 0 ? prov_lk_delete_trunk(rc->ctx, id, r) : rc2;
}

static enum rec_fix failed(struct rec *rc, const char *what, const char *id,
                           const struct prov_result *r)
{
    if (r->cls != PROV_C_CLIENT)
        rc->transient = true;
    rec_unfixed(rc, what, id, r->message[0] ? r->message : "failed");
    return FIX_FAILED;
}

enum rec_fix rec_fix_orphan(struct rec *rc, enum rec_kind kind, const char *id,
                            struct prov_job *job, enum rec_job st)
{
    static const char *const what[] = {"number", "trunk", "dispatch_rule"};
    char prev[16];
    struct prov_sb_phone p;
    struct prov_result r;
    enum rec_fix f = FIX_DONE;
    prov_set(prev, sizeof(prev), job->status);
    if (st == REC_CLOSED && (f = hold(rc, job, "running")) != FIX_DONE)
        return f;
    bool have = false;
    int read = st == REC_CLOSED ? row_now(rc, job->user_id, &p, &have) : 0;
    prov_result_init(&r);
    if (read != 0) {
        rc->transient = true;
        rec_unfixed(rc, what[kind], id, "cannot read the user's row");
        f = FIX_FAILED;
    } else if (have && strcmp(row_id(&p, kind), id) == 0) {
        f = FIX_DONE; /* recorded after all (stored since the rows were read) */
    } else if (release(rc, kind, id, &r) != 0) {
        f = failed(rc, what[kind], id, &r);
    }
    prov_result_cleanup(&r);
    if (st == REC_CLOSED)
        give_back(rc, job, prev);
    return f;
}

enum rec_fix rec_fix_missing(struct rec *rc, const struct prov_sb_phone *row)
{
    struct prov_job job;
    struct prov_sb_phone p = *row;
    struct prov_result r;
    char prev[16] = "";
    enum rec_fix f = FIX_DONE;
    enum rec_job st = row->job_id[0] ? rec_job_state(rc, row->job_id, &job) : REC_ABSENT;
    if (st == REC_OPEN)
        return FIX_DEFERRED;
    if (st == REC_CLOSED) {
        prov_set(prev, sizeof(prev), job.status);
        if ((f = hold(rc, &job, "running")) != FIX_DONE)
            return f;
        bool have = false;
        if (row_now(rc, row->user_id, &p, &have) != 0 || !have ||
            strcmp(p.twilio_sid, row->twilio_sid) != 0) {
            give_back(rc, &job, prev);
            return FIX_DONE; /* the row changed meanwhile: nothing left to repair */
        }
    }
    prov_result_init(&r);
    /* The row's trunk only if it is this number's (an id may have been handed out again). */
    const struct prov_lk_item *t = NULL;
    for (size_t i = 0; i < rc->trunks.n && p.trunk_id[0]; i++)
        if (strcmp(rc->trunks.items[i].id, p.trunk_id) == 0)
            t = &rc->trunks.items[i];
    if ((t != NULL && prov_lk_item_lists(t, p.phone_number, true) &&
         release(rc, REC_TRUNK, p.trunk_id, &r) != 0) ||
        prov_sb_delete_phone(rc->ctx, p.twilio_sid, &r) != 0 ||
        prov_sb_clear_profile_number(rc->ctx, p.user_id, p.phone_number, p.twilio_sid, &r) != 0)
        f = failed(rc, "row", p.twilio_sid, &r);
    prov_result_cleanup(&r);
    if (st == REC_CLOSED)
        give_back(rc, &job, prev);
    return f;
}

/* Run fn on a held job in a context of its own; its error (if any) into why. */
static int run_sub(struct rec *rc, struct prov_job *job,
                   int (*fn)(struct prov_ctx *, struct prov_job *), char *why, size_t len)
{
    struct prov_ctx sub = *rc->ctx;
    memset(&sub.out, 0, sizeof(sub.out));
    memset(&sub.made, 0, sizeof(sub.made));
    sub.lost = sub.purchase_doubt = false;
    int code = fn(&sub, job);
    snprintf(why, len, "%s", sub.out.error);
    cJSON_Delete(sub.out.extra);
    rc->ctx->rng = sub.rng;
    rc->ctx->deadline_hit |= sub.deadline_hit;
    if (code == PROV_EXIT_UNAVAILABLE)
        rc->transient = true;
    return code;
}

/* Clear the row's and the job's ids from the trunk (trunk_bad) or the rule on. */
static int forget_registration(struct rec *rc, struct prov_job *job, bool trunk_bad,
                               struct prov_result *r)
{
    cJSON *f = cJSON_CreateObject();
    if (trunk_bad)
        cJSON_AddNullToObject(f, "livekit_trunk_id");
    cJSON_AddNullToObject(f, "dispatch_rule_id");
    int rc2 = prov_sb_patch_phone(rc->ctx, job->twilio_sid, f, r);
    cJSON_Delete(f);
    if (trunk_bad)
        job->trunk_id[0] = '\0';
    job->rule_id[0] = '\0';
    return rc2;
}

enum rec_fix rec_fix_registration(struct rec *rc, const struct prov_sb_phone *row, bool trunk_bad)
{
    struct prov_job job;
    struct prov_sb_phone p;
    struct prov_result r;
    char why[512] = "";
    enum rec_job st = row->job_id[0] ? rec_job_state(rc, row->job_id, &job) : REC_ABSENT;
    enum rec_fix f;
    if (st == REC_OPEN)
        return FIX_DEFERRED;
    if (st != REC_CLOSED) {
        rec_unfixed(rc, "registration", row->twilio_sid,
                    "the row has no job to register it under; run release, then provision");
        return FIX_FAILED;
    }
    if ((f = hold(rc, &job, "running")) != FIX_DONE)
        return f;
    bool have = false;
    if (row_now(rc, row->user_id, &p, &have) != 0 || !have ||
        strcmp(p.twilio_sid, row->twilio_sid) != 0) {
        give_back(rc, &job, "completed");
        return FIX_DONE;
    }
    prov_set(job.twilio_sid, sizeof(job.twilio_sid), p.twilio_sid);
    prov_set(job.phone_number, sizeof(job.phone_number), p.phone_number);
    prov_set(job.trunk_id, sizeof(job.trunk_id), p.trunk_id);
    prov_set(job.rule_id, sizeof(job.rule_id), p.rule_id);
    prov_job_set_step(rc->ctx, &job, PROV_STEP_STORED);
    prov_result_init(&r);
    if (forget_registration(rc, &job, trunk_bad, &r) != 0) {
        f = failed(rc, "registration", row->twilio_sid, &r);
        give_back(rc, &job, "completed");
    } else if (run_sub(rc, &job, prov_flow_run_held, why, sizeof(why)) != PROV_EXIT_OK) {
        /* The flow gave the job back itself: pending, for `resume` to finish. */
        rec_unfixed(rc, "registration", row->twilio_sid, why);
        f = FIX_FAILED;
    }
    prov_result_cleanup(&r);
    return f;
}

enum rec_fix rec_fix_stale_job(struct rec *rc, struct prov_job *job,
                               const struct prov_sb_phone *row)
{
    char why[512] = "";
    bool releasing = strcmp(job->status, "releasing") == 0;
    if (!releasing) {
        struct prov_job held;
        return prov_close_open_job(rc->ctx, &held, row) ? FIX_DONE : FIX_DEFERRED;
    }
    enum rec_fix f = hold(rc, job, "releasing");
    if (f != FIX_DONE)
        return f;
    if (run_sub(rc, job, prov_release_held, why, sizeof(why)) != PROV_EXIT_OK) {
        rec_unfixed(rc, "release", job->id, why);
        give_back(rc, job, "releasing"); /* the next release or reconcile goes on from here */
        return FIX_FAILED;
    }
    return FIX_DONE;
}
