/* flow.c: the six steps over the job row (job.h), with ambiguity resolved by lookups.
 *
 * Non-idempotent creates (Twilio purchase, LiveKit trunk and rule) are never blindly retried:
 * after an ambiguous failure the resource is looked up (the tagged number, the trunk by its
 * number, the rule by its trunk) and adopted if it exists; only when it does not is the create
 * tried again. The lookups for the trunk and the rule also run BEFORE the first create, so a
 * re-run after a crash adopts what the dead run made. */
#include "provisioner/flow.h"

#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"

#include "provisioner/job.h"
#include "provisioner/livekit_api.h"
#include "provisioner/supabase_api.h"
#include "provisioner/twilio_api.h"

static void step_start(struct prov_ctx *ctx, const char *step)
{
    ctx->step = step;
    prov_trace_step(ctx->trace, ctx->out.job_id[0] ? ctx->out.job_id : NULL, step, "start", NULL);
}

static void step_end(struct prov_ctx *ctx, const char *event, const char *detail)
{
    prov_trace_step(ctx->trace, ctx->out.job_id[0] ? ctx->out.job_id : NULL, ctx->step, event,
                    detail);
}

static void out_from_job(struct prov_ctx *ctx, const struct prov_job *j)
{
    prov_set(ctx->out.job_id, sizeof(ctx->out.job_id), j->id);
    prov_set(ctx->out.phone_number, sizeof(ctx->out.phone_number), j->phone_number);
    prov_set(ctx->out.twilio_sid, sizeof(ctx->out.twilio_sid), j->twilio_sid);
    prov_set(ctx->out.trunk_id, sizeof(ctx->out.trunk_id), j->trunk_id);
    prov_set(ctx->out.rule_id, sizeof(ctx->out.rule_id), j->rule_id);
}

/* Save the job at step; a lost lease is in_progress. Returns an exit code. */
static int save(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step)
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
        prov_fail_call(ctx, "save job", &r);
        code = ctx->out.exit;
    } else if (!held) {
        prov_fail(ctx, PROV_EXIT_IN_PROGRESS, "job %s: lease lost to another run", job->id);
        code = PROV_EXIT_IN_PROGRESS;
    }
    prov_result_cleanup(&r);
    out_from_job(ctx, job);
    return code;
}

static void adopt_number(struct prov_job *job, const struct prov_tw_number *n)
{
    prov_set(job->twilio_sid, sizeof(job->twilio_sid), n->sid);
    prov_set(job->phone_number, sizeof(job->phone_number), n->phone_number);
}

/* Look the job's tagged number up. 1 found (adopted), 0 not found, -1 failed (recorded). */
static int lookup_tag(struct prov_ctx *ctx, struct prov_job *job)
{
    char tag[80];
    prov_tw_tag(job->id, tag);
    struct prov_result r;
    prov_result_init(&r);
    struct prov_tw_number n;
    bool found = false;
    int res = 0;
    if (prov_tw_find_tag(ctx, tag, &n, &found, &r) != 0) {
        prov_fail_call(ctx, "look up tagged number", &r);
        res = -1;
    } else if (found) {
        adopt_number(job, &n);
        step_end(ctx, "adopt", n.sid);
        res = 1;
    }
    prov_result_cleanup(&r);
    return res;
}

/* Buy one candidate. 1 bought (job filled), 0 unavailable (next candidate), -1 failed. */
static int buy_candidate(struct prov_ctx *ctx, struct prov_job *job, const char *number)
{
    char tag[80];
    prov_tw_tag(job->id, tag);
    int res = -1;
    struct prov_result r;
    prov_result_init(&r);
    for (long attempt = 1;; attempt++) {
        struct prov_tw_number n;
        if (prov_tw_buy(ctx, number, tag, &n, &r) == 0) {
            adopt_number(job, &n);
            res = 1;
            break;
        }
        long code = prov_tw_error_code(r.json);
        if (r.cls == PROV_C_CLIENT && (code == 21422 || code == 21421)) {
            /* Unavailable: but it may be unavailable because WE bought it (an earlier
             * ambiguous attempt, or a request replayed below us): look before moving on. */
            res = lookup_tag(ctx, job);
            if (res == 0)
                step_end(ctx, "skip", number);
            break;
        }
        if (r.cls == PROV_C_CLIENT) {
            prov_fail_call(ctx, "purchase", &r);
            break;
        }
        if (!r.ambiguous) {
            prov_fail_call(ctx, "purchase", &r); /* transient, out of attempts or time */
            break;
        }
        step_end(ctx, "ambiguous", r.message);
        int found = lookup_tag(ctx, job);
        if (found != 0) {
            res = found;
            break;
        }
        if (!prov_backoff_sleep(ctx, attempt)) {
            prov_fail_call(ctx, "purchase", &r);
            break;
        }
    }
    prov_result_cleanup(&r);
    return res;
}

static int step_purchase(struct prov_ctx *ctx, struct prov_job *job, enum prov_action act)
{
    step_start(ctx, "purchase");
    if (act == PROV_ACT_LOOKUP_TAG) {
        int found = lookup_tag(ctx, job);
        if (found < 0)
            return ctx->out.exit;
        if (found > 0)
            return save(ctx, job, PROV_STEP_PURCHASED);
    }
    step_start(ctx, "search");
    struct prov_tw_candidates cands;
    struct prov_result r;
    prov_result_init(&r);
    int rc = prov_tw_search(ctx, job->country, job->type, job->area_code, &cands, &r);
    if (rc != 0) {
        prov_fail_call(ctx, "search numbers", &r);
        prov_result_cleanup(&r);
        step_end(ctx, "fail", ctx->out.error);
        return ctx->out.exit;
    }
    prov_result_cleanup(&r);
    if (cands.n == 0) {
        prov_fail(ctx, PROV_EXIT_NO_NUMBERS, "no %s numbers available in %s%s%s", job->type,
                  job->country, job->area_code[0] ? " area code " : "", job->area_code);
        step_end(ctx, "fail", ctx->out.error);
        return PROV_EXIT_NO_NUMBERS;
    }
    step_end(ctx, "done", NULL);

    int code = save(ctx, job, PROV_STEP_PURCHASING);
    if (code != 0)
        return code;
    step_start(ctx, "purchase");
    for (size_t i = 0; i < cands.n; i++) {
        int res = buy_candidate(ctx, job, cands.numbers[i]);
        if (res < 0) {
            step_end(ctx, "fail", ctx->out.error);
            return ctx->out.exit;
        }
        if (res > 0) {
            step_end(ctx, "done", job->twilio_sid);
            return save(ctx, job, PROV_STEP_PURCHASED);
        }
    }
    prov_fail(ctx, PROV_EXIT_NO_NUMBERS, "all %zu candidates were unavailable", cands.n);
    step_end(ctx, "fail", ctx->out.error);
    return PROV_EXIT_NO_NUMBERS;
}

static int step_store(struct prov_ctx *ctx, struct prov_job *job)
{
    step_start(ctx, "store");
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
        prov_fail_call(ctx, "store phone_numbers", &r);
        code = ctx->out.exit;
    } else if (prov_sb_set_profile_number(ctx, job->user_id, job->phone_number, &r) != 0) {
        prov_fail_call(ctx, "store profiles", &r);
        code = ctx->out.exit;
    }
    prov_result_cleanup(&r);
    step_end(ctx, code ? "fail" : "done", code ? ctx->out.error : NULL);
    return code ? code : save(ctx, job, PROV_STEP_STORED);
}

/* Record an id on the user's phone_numbers row. */
static int patch_phone(struct prov_ctx *ctx, const struct prov_job *job, const char *key,
                       const char *value)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, key, value);
    struct prov_result r;
    prov_result_init(&r);
    int code = PROV_EXIT_OK;
    if (prov_sb_patch_phone(ctx, job->twilio_sid, f, &r) != 0) {
        prov_fail_call(ctx, "update phone_numbers", &r);
        code = ctx->out.exit;
    }
    prov_result_cleanup(&r);
    cJSON_Delete(f);
    return code;
}

/* Find the job's trunk (by number) or dispatch rule (by trunk). 1 found, 0 none, -1 failed. */
static int lk_lookup(struct prov_ctx *ctx, const struct prov_job *job, bool rule, char *id,
                     size_t len)
{
    struct prov_lk_items *items = calloc(1, sizeof(*items));
    struct prov_result r;
    prov_result_init(&r);
    int res = -1;
    if (items == NULL) {
        prov_fail(ctx, PROV_EXIT_INTERNAL, "out of memory");
        return -1;
    }
    int rc = rule ? prov_lk_list_rules(ctx, job->trunk_id, items, &r)
                  : prov_lk_list_trunks(ctx, job->phone_number, items, &r);
    if (rc != 0) {
        prov_fail_call(ctx, rule ? "list dispatch rules" : "list trunks", &r);
    } else {
        res = 0;
        for (size_t i = 0; i < items->n && res == 0; i++) {
            if (rule && !items->items[i].has_trunk)
                continue; /* a wildcard rule (no trunk_ids) is not ours */
            prov_set(id, len, items->items[i].id);
            res = 1;
        }
    }
    prov_result_cleanup(&r);
    free(items);
    return res;
}

/* Create the trunk or the rule once: look up, create, and after an ambiguous failure look
 * up again before another create. */
static int lk_ensure(struct prov_ctx *ctx, struct prov_job *job, bool rule, char *id, size_t len)
{
    int found = lk_lookup(ctx, job, rule, id, len);
    if (found != 0) {
        if (found > 0)
            step_end(ctx, "adopt", id);
        return found > 0 ? PROV_EXIT_OK : ctx->out.exit;
    }
    char name[80];
    snprintf(name, sizeof(name), "%s%s", PROV_TRUNK_PREFIX, job->id);
    struct prov_result r;
    prov_result_init(&r);
    int code = PROV_EXIT_OK;
    for (long attempt = 1;; attempt++) {
        int rc = rule ? prov_lk_create_rule(ctx, name, job->trunk_id, id, len, &r)
                      : prov_lk_create_trunk(ctx, name, job->phone_number, id, len, &r);
        if (rc == 0)
            break;
        if (!r.ambiguous) {
            prov_fail_call(ctx, rule ? "create dispatch rule" : "create trunk", &r);
            code = ctx->out.exit;
            break;
        }
        step_end(ctx, "ambiguous", r.message);
        found = lk_lookup(ctx, job, rule, id, len);
        if (found != 0) {
            code = found > 0 ? PROV_EXIT_OK : ctx->out.exit;
            break;
        }
        if (!prov_backoff_sleep(ctx, attempt)) {
            prov_fail_call(ctx, rule ? "create dispatch rule" : "create trunk", &r);
            code = ctx->out.exit;
            break;
        }
    }
    prov_result_cleanup(&r);
    return code;
}

static int step_register(struct prov_ctx *ctx, struct prov_job *job, bool rule)
{
    step_start(ctx, rule ? "register_rule" : "register_trunk");
    char *id = rule ? job->rule_id : job->trunk_id;
    size_t len = rule ? sizeof(job->rule_id) : sizeof(job->trunk_id);
    int code = lk_ensure(ctx, job, rule, id, len);
    if (code == 0)
        code = patch_phone(ctx, job, rule ? "dispatch_rule_id" : "livekit_trunk_id", id);
    step_end(ctx, code ? "fail" : "done", code ? ctx->out.error : id);
    if (code != 0)
        return code;
    return save(ctx, job, rule ? PROV_STEP_REGISTERED : PROV_STEP_TRUNK);
}

/* Undo what the job created. Returns true when everything is gone. */
static bool compensate(struct prov_ctx *ctx, struct prov_job *job, bool *created)
{
    step_start(ctx, "compensate");
    struct prov_result r;
    prov_result_init(&r);
    bool ok = true;
    *created = false;
    /* A purchase cut short may have bought the tagged number anyway. */
    if (job->twilio_sid[0] == '\0') {
        enum prov_step s;
        (void)prov_step_parse(job->step, &s);
        if (s >= PROV_STEP_PURCHASING && lookup_tag(ctx, job) < 0)
            ok = false;
    }
    if (job->twilio_sid[0] != '\0' && job->trunk_id[0] == '\0' &&
        lk_lookup(ctx, job, false, job->trunk_id, sizeof(job->trunk_id)) < 0)
        ok = false;
    if (job->trunk_id[0] != '\0' && job->rule_id[0] == '\0' &&
        lk_lookup(ctx, job, true, job->rule_id, sizeof(job->rule_id)) < 0)
        ok = false;
    if (job->rule_id[0] != '\0') {
        *created = true;
        ok = prov_lk_delete_rule(ctx, job->rule_id, &r) == 0 && ok;
    }
    if (job->trunk_id[0] != '\0') {
        *created = true;
        ok = prov_lk_delete_trunk(ctx, job->trunk_id, &r) == 0 && ok;
    }
    if (job->twilio_sid[0] != '\0') {
        *created = true;
        ok = prov_sb_delete_phone(ctx, job->twilio_sid, &r) == 0 && ok;
        ok = prov_sb_set_profile_number(ctx, job->user_id, NULL, &r) == 0 && ok;
        ok = prov_tw_release(ctx, job->twilio_sid, &r) == 0 && ok;
    }
    step_end(ctx, ok ? "done" : "fail", ok ? NULL : r.message);
    prov_result_cleanup(&r);
    return ok;
}

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
        if (compensate(ctx, job, &created)) {
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
 * possibly under an older job). */
static void merge_row(struct prov_job *job, const struct prov_sb_phone *p)
{
    enum prov_step s;
    (void)prov_step_parse(job->step, &s);
    prov_set(job->twilio_sid, sizeof(job->twilio_sid), p->twilio_sid);
    prov_set(job->phone_number, sizeof(job->phone_number), p->phone_number);
    if (p->trunk_id[0] != '\0')
        prov_set(job->trunk_id, sizeof(job->trunk_id), p->trunk_id);
    if (p->rule_id[0] != '\0')
        prov_set(job->rule_id, sizeof(job->rule_id), p->rule_id);
    if (s < PROV_STEP_STORED)
        prov_set(job->step, sizeof(job->step), prov_step_name(PROV_STEP_STORED));
}

/* Run the job's remaining steps. Returns the exit code. */
static int run_job(struct prov_ctx *ctx, struct prov_job *job)
{
    out_from_job(ctx, job);
    int code = PROV_EXIT_OK;
    for (int guard = 0; code == PROV_EXIT_OK && guard < 16; guard++) {
        enum prov_action act = prov_job_next(job);
        if (act == PROV_ACT_DONE)
            break;
        switch (act) {
        case PROV_ACT_SEARCH:
        case PROV_ACT_LOOKUP_TAG:
            code = step_purchase(ctx, job, act);
            break;
        case PROV_ACT_STORE:
            code = step_store(ctx, job);
            break;
        case PROV_ACT_TRUNK:
            code = step_register(ctx, job, false);
            break;
        case PROV_ACT_RULE:
            code = step_register(ctx, job, true);
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
    out_from_job(ctx, job);
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
    step_start(ctx, "authenticate");
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
    step_end(ctx, code ? "fail" : "done", code ? ctx->out.error : user_id);
    return code;
}

/* Step 2: the user's active row. *found set; returns an exit code. */
static int existing(struct prov_ctx *ctx, const char *user_id, struct prov_sb_phone *p, bool *found)
{
    step_start(ctx, "existing");
    struct prov_result r;
    prov_result_init(&r);
    int code = PROV_EXIT_OK;
    if (prov_sb_active_phone(ctx, user_id, p, found, &r) != 0) {
        prov_fail_call(ctx, "read phone_numbers", &r);
        code = ctx->out.exit;
    }
    prov_result_cleanup(&r);
    step_end(ctx, code ? "fail" : *found ? "found" : "none", *found ? p->phone_number : NULL);
    return code;
}

/* Get the user's job into *job, owned by this run: insert, or read and claim. */
static int acquire(struct prov_ctx *ctx, struct prov_job *job, bool have_row, bool force)
{
    step_start(ctx, "job");
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
    out_from_job(ctx, job);
    step_end(ctx, code ? "fail" : "claimed", code ? ctx->out.error : job->id);
    return code;
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
    step_start(ctx, "job");
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
    out_from_job(ctx, &job);
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
