/* steps.c: the purchase and store steps of the flow, and the helpers every step shares.
 *
 * A purchase is never blindly retried: after an ambiguous failure the number tagged with the
 * job is looked up and adopted if it exists; only when it does not is another purchase tried.
 * Each purchase attempt is preceded by a renewal of the lease under the job's fence
 * (prov_step_save): the first by the save of "purchasing", every later one by a save of its
 * own. When more than one number may have been bought under the job (an ambiguous attempt,
 * an earlier run's purchase), the others are released once this run's number is recorded. */
#include "provisioner/steps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"
#include "fakekit/hash.h"
#include "provisioner/livekit_api.h"
#include "provisioner/supabase_api.h"
#include "provisioner/twilio_api.h"

void prov_step_begin(struct prov_ctx *ctx, const char *step)
{
    ctx->step = step;
    prov_trace_step(ctx->trace, ctx->out.job_id[0] ? ctx->out.job_id : NULL, step, "start", NULL);
}

void prov_step_finish(struct prov_ctx *ctx, const char *event, const char *detail)
{
    prov_trace_step(ctx->trace, ctx->out.job_id[0] ? ctx->out.job_id : NULL, ctx->step, event,
                    detail);
}

void prov_out_from_job(struct prov_ctx *ctx, const struct prov_job *j)
{
    prov_set(ctx->out.job_id, sizeof(ctx->out.job_id), j->id);
    prov_set(ctx->out.phone_number, sizeof(ctx->out.phone_number), j->phone_number);
    prov_set(ctx->out.twilio_sid, sizeof(ctx->out.twilio_sid), j->twilio_sid);
    prov_set(ctx->out.trunk_id, sizeof(ctx->out.trunk_id), j->trunk_id);
    prov_set(ctx->out.rule_id, sizeof(ctx->out.rule_id), j->rule_id);
}

/* Save the job at step; a lost lease is in_progress. Returns an exit code. */
int prov_step_save(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step)
{
    struct prov_result r;
    prov_result_init(&r);
    bool held = false;
    int code = PROV_EXIT_OK;
    const char *was = ctx->step;
    ctx->step = "save_job"; /* the trace names the write, not the step before it */
    int rc = prov_job_save(ctx, job, step, &held, &r);
    ctx->step = was;
    if (rc != 0) {
        code = prov_fail_call(ctx, "save job", &r);
    } else if (!held) {
        prov_fail(ctx, PROV_EXIT_IN_PROGRESS, "job %s: lost to another run (fence %ld)", job->id,
                  job->fence);
        prov_set(ctx->out.status, sizeof(ctx->out.status), "in_progress");
        code = PROV_EXIT_IN_PROGRESS;
    }
    prov_result_cleanup(&r);
    prov_out_from_job(ctx, job);
    return code;
}

static void adopt_number(struct prov_job *job, const struct prov_tw_number *n)
{
    prov_set(job->twilio_sid, sizeof(job->twilio_sid), n->sid);
    prov_set(job->phone_number, sizeof(job->phone_number), n->phone_number);
}

int prov_lookup_tag(struct prov_ctx *ctx, struct prov_job *job, bool *found)
{
    char tag[80];
    prov_tw_tag(job->id, tag);
    struct prov_result r;
    prov_result_init(&r);
    struct prov_tw_number n;
    int code = PROV_EXIT_OK;
    *found = false;
    if (prov_tw_find_tag(ctx, tag, &n, found, &r) != 0) {
        *found = false;
        code = prov_fail_call(ctx, "look up tagged number", &r);
    } else if (*found) {
        adopt_number(job, &n);
        prov_step_finish(ctx, "adopt", n.sid);
    }
    prov_result_cleanup(&r);
    return code;
}

/* Renew the lease before a purchase attempt other than the first (the save of "purchasing"
 * renewed it for that one), unless it was renewed within the last third of a lease: then no
 * run can have claimed the job since, and the next candidate goes out at once (a busy
 * inventory is a race for its numbers). The monotonic clock counts a pause too, so a run
 * frozen between two attempts renews, and stops, when it wakes. An exit code. */
static int renew_before_buy(struct prov_ctx *ctx, struct prov_job *job, bool *first)
{
    if (*first) {
        *first = false;
        return 0;
    }
    if (fk_mono_us() - ctx->renewed_us < (int64_t)ctx->cfg->lease_ms * 1000 / 3)
        return 0;
    return prov_step_save(ctx, job, PROV_STEP_PURCHASING);
}

/* Buy one candidate. An exit code; *bought when the job holds a number now (bought or
 * found), false with 0 when the candidate was unavailable (try the next). */
static int buy_candidate(struct prov_ctx *ctx, struct prov_job *job, const char *number,
                         bool *first, bool *bought)
{
    char tag[80];
    prov_tw_tag(job->id, tag);
    int code = PROV_EXIT_OK;
    struct prov_result r;
    prov_result_init(&r);
    *bought = false;
    for (long attempt = 1;; attempt++) {
        struct prov_tw_number n;
        if ((code = renew_before_buy(ctx, job, first)) != 0)
            break;
        if (prov_tw_buy(ctx, number, tag, &n, &r) == 0) {
            adopt_number(job, &n);
            prov_set(ctx->made.sid, sizeof(ctx->made.sid), n.sid);
            *bought = true;
            break;
        }
        long twilio_code = prov_tw_error_code(r.json);
        if (r.cls == PROV_C_CLIENT && (twilio_code == 21422 || twilio_code == 21421)) {
            /* Unavailable: but it may be unavailable because WE bought it (an earlier
             * ambiguous attempt, or a request replayed below us): look before moving on. */
            code = prov_lookup_tag(ctx, job, bought);
            if (code == 0 && !*bought)
                prov_step_finish(ctx, "skip", number);
            break;
        }
        if (r.cls == PROV_C_CLIENT) {
            code = prov_fail_call(ctx, "purchase", &r);
            break;
        }
        if (!r.ambiguous) {
            code = prov_fail_call(ctx, "purchase", &r); /* transient, out of attempts or time */
            break;
        }
        prov_step_finish(ctx, "ambiguous", r.message);
        ctx->purchase_doubt = true; /* it may land later, beside the one adopted */
        code = prov_lookup_tag(ctx, job, bought);
        if (code != 0 || *bought)
            break;
        if (!prov_backoff_sleep(ctx, attempt)) {
            code = prov_fail_call(ctx, "purchase", &r);
            break;
        }
    }
    prov_result_cleanup(&r);
    return code;
}

/* Searches tried before "no numbers": each after every candidate of the last was taken. */
#define PROV_SEARCH_ROUNDS 3

/* Where this job starts in a candidate list: FNV-1a of its id, so it is stable across
 * resumes and different between concurrent jobs. */
static size_t start_index(const char *job_id, size_t n)
{
    uint64_t h = fk_fnv1a_str(job_id);

    return n > 0 ? (size_t)(h % n) : 0;
}

/* The number is bought or adopted: record it (renewing the lease), then release any other
 * number tagged for the job when there may be one. */
static int purchased(struct prov_ctx *ctx, struct prov_job *job)
{
    int code = prov_step_save(ctx, job, PROV_STEP_PURCHASED);
    if (code == 0 && ctx->purchase_doubt)
        code = prov_sweep_tagged(ctx, job);
    return code;
}

int prov_step_purchase(struct prov_ctx *ctx, struct prov_job *job, enum prov_action act)
{
    prov_step_begin(ctx, "purchase");
    if (act == PROV_ACT_LOOKUP_TAG) {
        ctx->purchase_doubt = true; /* an earlier run may have bought more than one */
        bool found = false;
        int code = prov_lookup_tag(ctx, job, &found);
        if (code != 0)
            return code;
        if (found)
            return purchased(ctx, job);
    }
    /* Concurrent jobs see the same search results; each tries them from its own starting
     * point (a hash of its job id), and when every candidate was taken by someone else it
     * searches again, so a busy inventory is not mistaken for an empty one. */
    bool saved = false, first = true;
    size_t tried = 0;
    for (int round = 0; round < PROV_SEARCH_ROUNDS; round++) {
        prov_step_begin(ctx, "search");
        struct prov_tw_candidates cands;
        struct prov_result r;
        prov_result_init(&r);
        int rc = prov_tw_search(ctx, job->country, job->type, job->area_code, &cands, &r);
        if (rc != 0) {
            int code = prov_fail_call(ctx, "search numbers", &r);
            prov_result_cleanup(&r);
            prov_step_finish(ctx, "fail", ctx->out.error);
            return code;
        }
        prov_result_cleanup(&r);
        if (cands.n == 0) {
            int code =
                prov_fail(ctx, PROV_EXIT_NO_NUMBERS, "no %s numbers available in %s%s%s", job->type,
                          job->country, job->area_code[0] ? " area code " : "", job->area_code);
            prov_step_finish(ctx, "fail", ctx->out.error);
            return code;
        }
        prov_step_finish(ctx, "done", NULL);
        if (!saved) {
            int code = prov_step_save(ctx, job, PROV_STEP_PURCHASING);
            if (code != 0)
                return code;
            saved = true;
        }
        prov_step_begin(ctx, "purchase");
        size_t start = start_index(job->id, cands.n);
        for (size_t k = 0; k < cands.n; k++) {
            bool bought = false;
            int code =
                buy_candidate(ctx, job, cands.numbers[(start + k) % cands.n], &first, &bought);
            tried++;
            if (code != 0) {
                prov_step_finish(ctx, "fail", ctx->out.error);
                return code;
            }
            if (bought) {
                prov_step_finish(ctx, "done", job->twilio_sid);
                return purchased(ctx, job);
            }
        }
        prov_step_finish(ctx, "retry", "every candidate was taken; searching again");
    }
    int code = prov_fail(ctx, PROV_EXIT_NO_NUMBERS, "all %zu candidates were unavailable", tried);
    prov_step_finish(ctx, "fail", ctx->out.error);
    return code;
}

int prov_step_store(struct prov_ctx *ctx, struct prov_job *job)
{
    prov_step_begin(ctx, "store");
    struct prov_sb_phone p;
    memset(&p, 0, sizeof(p));
    prov_set(p.user_id, sizeof(p.user_id), job->user_id);
    prov_set(p.phone_number, sizeof(p.phone_number), job->phone_number);
    prov_set(p.twilio_sid, sizeof(p.twilio_sid), job->twilio_sid);
    prov_set(p.job_id, sizeof(p.job_id), job->id);
    struct prov_result r;
    prov_result_init(&r);
    int code = PROV_EXIT_OK;
    if (prov_sb_insert_phone(ctx, &p, job->country, job->type, &r) != 0) {
        code = prov_fail_call(ctx, "store phone_numbers", &r);
    } else if (prov_sb_set_profile_number(ctx, job->user_id, job->phone_number, job->twilio_sid,
                                          &r) != 0) {
        code = prov_fail_call(ctx, "store profiles", &r);
    }
    prov_result_cleanup(&r);
    prov_step_finish(ctx, code ? "fail" : "done", code ? ctx->out.error : NULL);
    /* Recorded by the renewal before the trunk is created (register.c): a run killed before
     * that stores again, which finds its own row and rewrites the same profile. */
    if (code == 0)
        prov_job_set_step(ctx, job, PROV_STEP_STORED);
    return code;
}

/* Release each number tagged for the job but the recorded one (job held, number recorded). */
int prov_sweep_tagged(struct prov_ctx *ctx, const struct prov_job *job)
{
    char tag[80];
    struct prov_tw_list l = {0};
    struct prov_result r;
    int code = PROV_EXIT_OK;

    prov_tw_tag(job->id, tag);
    prov_result_init(&r);
    if (prov_tw_find_tagged(ctx, tag, &l, &r) != 0) {
        code = prov_fail_call(ctx, "look up tagged numbers", &r);
    }
    for (size_t i = 0; code == 0 && i < l.n; i++) {
        if (strcmp(l.items[i].sid, job->twilio_sid) == 0)
            continue;
        if (prov_tw_release(ctx, l.items[i].sid, &r) != 0) {
            code = prov_fail_call(ctx, "release an extra tagged number", &r);
        } else {
            prov_step_finish(ctx, "release_extra", l.items[i].sid);
        }
    }
    if (code == 0)
        ctx->purchase_doubt = false;
    prov_tw_list_cleanup(&l);
    prov_result_cleanup(&r);
    return code;
}
