/* register.c: the LiveKit step of the flow: the job's inbound trunk, then its dispatch rule.
 *
 * Both are found before they are created, so a re-run adopts what a dead run made, and found
 * again after a create that may have happened (timeout, reset, 5xx) or that the server
 * refused as a conflict (a run that lost the job made it first). Finding is by content, not
 * by position: LiveKit's list also returns trunks that hold no number (they take any) and
 * rules without trunks, sorted by id, so a trunk is the job's only when it is named for the
 * job and holds the job's number (normalised as LiveKit normalises it), and a rule only when
 * it is named for the job and lists the job's trunk. Each create is preceded by a renewal of
 * the lease under the job's fence, which also records the progress before it. */
#include "provisioner/steps.h"

#include <stdlib.h>
#include <string.h>

#include "provisioner/livekit_api.h"

void prov_lk_name(const char *job_id, char out[80])
{
    snprintf(out, 80, "%s%s", PROV_TRUNK_PREFIX, job_id);
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
        code = prov_fail_call(ctx, "update phone_numbers", &r);
    }
    prov_result_cleanup(&r);
    cJSON_Delete(f);
    return code;
}

int prov_lk_find(struct prov_ctx *ctx, const struct prov_job *job, bool rule, char *id, size_t len,
                 bool *found)
{
    struct prov_lk_items items = {0};
    struct prov_result r;
    char name[80];
    int code = PROV_EXIT_OK;

    *found = false;
    prov_lk_name(job->id, name);
    prov_result_init(&r);
    int rc = rule ? prov_lk_list_rules(ctx, job->trunk_id, &items, &r)
                  : prov_lk_list_trunks(ctx, job->phone_number, &items, &r);
    if (rc != 0) {
        code = prov_fail_call(ctx, rule ? "list dispatch rules" : "list trunks", &r);
    } else {
        for (size_t i = 0; i < items.n && !*found; i++) {
            const struct prov_lk_item *it = &items.items[i];
            if (strcmp(it->name, name) != 0 || !(rule ? it->has_trunk : it->has_number))
                continue; /* someone else's, or one that takes any number or trunk */
            prov_set(id, len, it->id);
            *found = true;
        }
    }
    prov_result_cleanup(&r);
    prov_lk_items_cleanup(&items);
    return code;
}

/* One create of the trunk or the rule into id. 0, or nonzero with r filled. */
static int create_once(struct prov_ctx *ctx, const struct prov_job *job, bool rule, char *id,
                       size_t len, struct prov_result *r)
{
    char name[80];
    prov_lk_name(job->id, name);
    return rule ? prov_lk_create_rule(ctx, name, job->trunk_id, id, len, r)
                : prov_lk_create_trunk(ctx, name, job->phone_number, id, len, r);
}

/* After a create failed with r: an exit code (the step fails), or 0 with *found when it was
 * made after all (adopted), without it when it should be tried again. */
static int after_failure(struct prov_ctx *ctx, struct prov_job *job, bool rule, char *id,
                         size_t len, const struct prov_result *r, long attempt, bool *found)
{
    const char *what = rule ? "create dispatch rule" : "create trunk";
    *found = false;
    if (!r->ambiguous && r->cls != PROV_C_CLIENT)
        return prov_fail_call(ctx, what, r); /* transient, out of attempts or time */
    prov_step_finish(ctx, r->ambiguous ? "ambiguous" : "refused", r->message);
    int code = prov_lk_find(ctx, job, rule, id, len, found);
    if (code != 0 || *found)
        return code;
    if (r->cls == PROV_C_CLIENT || !prov_backoff_sleep(ctx, attempt))
        return prov_fail_call(ctx, what, r); /* refused for a reason of its own, or out of time */
    return PROV_EXIT_OK;
}

/* Find the trunk or the rule, else renew the lease and create it (once; again only after a
 * look-up found that an ambiguous create did not happen). Returns an exit code. */
static int ensure(struct prov_ctx *ctx, struct prov_job *job, bool rule, char *id, size_t len)
{
    bool found = false;
    int code = prov_lk_find(ctx, job, rule, id, len, &found);
    if (code != 0 || found) {
        if (found)
            prov_step_finish(ctx, "adopt", id);
        return code;
    }
    struct prov_result r;
    prov_result_init(&r);
    for (long attempt = 1;; attempt++) {
        code = prov_step_save(ctx, job, rule ? PROV_STEP_TRUNK : PROV_STEP_STORED);
        if (code != 0)
            break;
        if (create_once(ctx, job, rule, id, len, &r) == 0) {
            prov_set(rule ? ctx->made.rule : ctx->made.trunk, sizeof(ctx->made.rule), id);
            break;
        }
        code = after_failure(ctx, job, rule, id, len, &r, attempt, &found);
        if (code == 0 && found)
            prov_step_finish(ctx, "adopt", id);
        if (code != 0 || found)
            break;
    }
    prov_result_cleanup(&r);
    return code;
}

int prov_step_register(struct prov_ctx *ctx, struct prov_job *job, bool rule)
{
    prov_step_begin(ctx, rule ? "register_rule" : "register_trunk");
    char *id = rule ? job->rule_id : job->trunk_id;
    size_t len = rule ? sizeof(job->rule_id) : sizeof(job->trunk_id);
    int code = ensure(ctx, job, rule, id, len);
    if (code == 0)
        code = patch_phone(ctx, job, rule ? "dispatch_rule_id" : "livekit_trunk_id", id);
    prov_step_finish(ctx, code ? "fail" : "done", code ? ctx->out.error : id);
    if (code != 0)
        return code; /* an id made stays in job: compensation undoes it */
    /* The trunk's id is saved by the renewal before the rule is created (or, when the rule
     * is found, by the completion); after the rule the next write is prov_job_finish(),
     * which records step "registered" and every id under the same owner and fence. A run
     * killed in between resumes from the last save and finds what was made by look-up. */
    prov_job_set_step(ctx, job, rule ? PROV_STEP_REGISTERED : PROV_STEP_TRUNK);
    prov_out_from_job(ctx, job);
    return PROV_EXIT_OK;
}
