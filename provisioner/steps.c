/* steps.c: the flow's steps that create things (purchase, store, register) and their undo.
 *
 * Non-idempotent creates (Twilio purchase, LiveKit trunk and rule) are never blindly retried:
 * after an ambiguous failure the resource is looked up (the tagged number, the trunk by its
 * number, the rule by its trunk) and adopted if it exists; only when it does not is the create
 * tried again. The lookups for the trunk and the rule also run BEFORE the first create, so a
 * re-run after a crash adopts what the dead run made. */
#include "provisioner/steps.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
        prov_fail_call(ctx, "save job", &r);
        code = ctx->out.exit;
    } else if (!held) {
        prov_fail(ctx, PROV_EXIT_IN_PROGRESS, "job %s: lease lost to another run", job->id);
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
        prov_step_finish(ctx, "adopt", n.sid);
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
                prov_step_finish(ctx, "skip", number);
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
        prov_step_finish(ctx, "ambiguous", r.message);
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

/* Searches tried before "no numbers": each after every candidate of the last was taken. */
#define PROV_SEARCH_ROUNDS 3

/* Where this job starts in a candidate list: FNV-1a of its id, so it is stable across
 * resumes and different between concurrent jobs. */
static size_t start_index(const char *job_id, size_t n)
{
    uint64_t h = fk_fnv1a_str(job_id);

    return n > 0 ? (size_t)(h % n) : 0;
}

int prov_step_purchase(struct prov_ctx *ctx, struct prov_job *job, enum prov_action act)
{
    prov_step_begin(ctx, "purchase");
    if (act == PROV_ACT_LOOKUP_TAG) {
        int found = lookup_tag(ctx, job);
        if (found < 0)
            return ctx->out.exit;
        if (found > 0)
            return prov_step_save(ctx, job, PROV_STEP_PURCHASED);
    }
    /* Concurrent jobs see the same search results; each tries them from its own starting
     * point (a hash of its job id), and when every candidate was taken by someone else it
     * searches again, so a busy inventory is not mistaken for an empty one. */
    bool saved = false;
    size_t tried = 0;
    for (int round = 0; round < PROV_SEARCH_ROUNDS; round++) {
        prov_step_begin(ctx, "search");
        struct prov_tw_candidates cands;
        struct prov_result r;
        prov_result_init(&r);
        int rc = prov_tw_search(ctx, job->country, job->type, job->area_code, &cands, &r);
        if (rc != 0) {
            prov_fail_call(ctx, "search numbers", &r);
            prov_result_cleanup(&r);
            prov_step_finish(ctx, "fail", ctx->out.error);
            return ctx->out.exit;
        }
        prov_result_cleanup(&r);
        if (cands.n == 0) {
            prov_fail(ctx, PROV_EXIT_NO_NUMBERS, "no %s numbers available in %s%s%s", job->type,
                      job->country, job->area_code[0] ? " area code " : "", job->area_code);
            prov_step_finish(ctx, "fail", ctx->out.error);
            return PROV_EXIT_NO_NUMBERS;
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
            int res = buy_candidate(ctx, job, cands.numbers[(start + k) % cands.n]);
            tried++;
            if (res < 0) {
                prov_step_finish(ctx, "fail", ctx->out.error);
                return ctx->out.exit;
            }
            if (res > 0) {
                prov_step_finish(ctx, "done", job->twilio_sid);
                return prov_step_save(ctx, job, PROV_STEP_PURCHASED);
            }
        }
        prov_step_finish(ctx, "retry", "every candidate was taken; searching again");
    }
    prov_fail(ctx, PROV_EXIT_NO_NUMBERS, "all %zu candidates were unavailable", tried);
    prov_step_finish(ctx, "fail", ctx->out.error);
    return PROV_EXIT_NO_NUMBERS;
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
        prov_fail_call(ctx, "store phone_numbers", &r);
        code = ctx->out.exit;
    } else if (prov_sb_set_profile_number(ctx, job->user_id, job->phone_number, &r) != 0) {
        prov_fail_call(ctx, "store profiles", &r);
        code = ctx->out.exit;
    }
    prov_result_cleanup(&r);
    prov_step_finish(ctx, code ? "fail" : "done", code ? ctx->out.error : NULL);
    return code ? code : prov_step_save(ctx, job, PROV_STEP_STORED);
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
            prov_step_finish(ctx, "adopt", id);
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
        prov_step_finish(ctx, "ambiguous", r.message);
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

int prov_step_register(struct prov_ctx *ctx, struct prov_job *job, bool rule)
{
    prov_step_begin(ctx, rule ? "register_rule" : "register_trunk");
    char *id = rule ? job->rule_id : job->trunk_id;
    size_t len = rule ? sizeof(job->rule_id) : sizeof(job->trunk_id);
    int code = lk_ensure(ctx, job, rule, id, len);
    if (code == 0)
        code = patch_phone(ctx, job, rule ? "dispatch_rule_id" : "livekit_trunk_id", id);
    prov_step_finish(ctx, code ? "fail" : "done", code ? ctx->out.error : id);
    if (code != 0)
        return code;
    /* After the rule the next write is prov_job_finish(), which records step "registered"
     * and every id under the same owner condition: a save here would only repeat it. A run
     * killed between the two resumes from the trunk save and finds the rule by lookup. */
    if (rule) {
        prov_set(job->step, sizeof(job->step), prov_step_name(PROV_STEP_REGISTERED));
        prov_out_from_job(ctx, job);
        return PROV_EXIT_OK;
    }
    return prov_step_save(ctx, job, PROV_STEP_TRUNK);
}

/* Undo what the job created. Returns true when everything is gone. */
/* Rewind the job to at most step after one stage of compensation, so the row always says what
 * still exists. False when the save failed (lease lost, Supabase down): stop undoing. */
static bool rewind_to(struct prov_ctx *ctx, struct prov_job *job, enum prov_step *s,
                      enum prov_step step)
{
    if (*s > step)
        *s = step;
    return prov_step_save(ctx, job, *s) == PROV_EXIT_OK;
}

/* Undo what the flow created, newest first: dispatch rule, trunk, rows, number. After each
 * stage the job is saved rewound, and the first stage that cannot be done, or whose state
 * cannot be looked up, stops everything: nothing older is released blindly (with LiveKit
 * down, a number whose trunk cannot be checked keeps its rows), and the job stays resumable
 * from exactly what is left (scenario livekit-down-compensate-keeps-job). Returns true when
 * everything was undone; *created tells whether there was anything to undo. */
bool prov_compensate(struct prov_ctx *ctx, struct prov_job *job, bool *created)
{
    prov_step_begin(ctx, "compensate");
    struct prov_result r;
    prov_result_init(&r);
    bool ok = false;
    enum prov_step s;
    (void)prov_step_parse(job->step, &s);
    *created = false;
    /* A purchase cut short may have bought the tagged number anyway. */
    if (job->twilio_sid[0] == '\0' && s >= PROV_STEP_PURCHASING && lookup_tag(ctx, job) < 0)
        goto out;
    if (job->twilio_sid[0] != '\0' && job->trunk_id[0] == '\0' &&
        lk_lookup(ctx, job, false, job->trunk_id, sizeof(job->trunk_id)) < 0)
        goto out;
    if (job->trunk_id[0] != '\0' && job->rule_id[0] == '\0' &&
        lk_lookup(ctx, job, true, job->rule_id, sizeof(job->rule_id)) < 0)
        goto out;
    if (job->rule_id[0] != '\0') {
        *created = true;
        if (prov_lk_delete_rule(ctx, job->rule_id, &r) != 0)
            goto out;
        job->rule_id[0] = '\0';
        if (!rewind_to(ctx, job, &s, PROV_STEP_TRUNK))
            goto out;
    }
    if (job->trunk_id[0] != '\0') {
        *created = true;
        if (prov_lk_delete_trunk(ctx, job->trunk_id, &r) != 0)
            goto out;
        job->trunk_id[0] = '\0';
        if (!rewind_to(ctx, job, &s, PROV_STEP_STORED))
            goto out;
    }
    if (job->twilio_sid[0] != '\0') {
        *created = true;
        if (prov_sb_delete_phone(ctx, job->twilio_sid, &r) != 0 ||
            prov_sb_set_profile_number(ctx, job->user_id, NULL, &r) != 0 ||
            !rewind_to(ctx, job, &s, PROV_STEP_PURCHASED))
            goto out;
        if (prov_tw_release(ctx, job->twilio_sid, &r) != 0)
            goto out;
        job->twilio_sid[0] = '\0';
        job->phone_number[0] = '\0';
        if (!rewind_to(ctx, job, &s, PROV_STEP_CREATED))
            goto out;
    }
    ok = true;
out:
    prov_step_finish(ctx, ok ? "done" : "fail", ok ? NULL : r.message);
    prov_result_cleanup(&r);
    return ok;
}
