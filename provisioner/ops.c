/* ops.c: release (undo one user's provisioning) and reconcile (drift between the services).
 *
 * Reconcile treats a resource as in flight, not orphaned, while its job is open (pending or
 * running): a run may be between purchase and store, and `resume` will finish it. Tags and
 * trunk names carry the job id ("prov:<job>", "prov-<job>"), which is how both are traced
 * back to a job. */
#include "provisioner/flow.h"

#include <stdlib.h>
#include <string.h>

#include "provisioner/job.h"
#include "provisioner/livekit_api.h"
#include "provisioner/supabase_api.h"
#include "provisioner/twilio_api.h"

/* Delete every dispatch rule naming trunk, then the trunk. */
static int drop_trunk(struct prov_ctx *ctx, const char *trunk, const char *known_rule,
                      struct prov_result *r)
{
    int rc = 0;
    if (known_rule != NULL && *known_rule != '\0')
        rc = prov_lk_delete_rule(ctx, known_rule, r);
    struct prov_lk_items *items = calloc(1, sizeof(*items));
    if (items == NULL)
        return FK_ENOMEM;
    if (rc == 0)
        rc = prov_lk_list_rules(ctx, trunk, items, r);
    for (size_t i = 0; rc == 0 && i < items->n; i++)
        if (items->items[i].has_trunk)
            rc = prov_lk_delete_rule(ctx, items->items[i].id, r);
    free(items);
    if (rc == 0)
        rc = prov_lk_delete_trunk(ctx, trunk, r);
    return rc;
}

int prov_flow_release(struct prov_ctx *ctx, const char *token)
{
    char user_id[64];
    int code = prov_flow_authenticate(ctx, token, user_id, sizeof(user_id));
    if (code != 0)
        return code;
    ctx->step = "release";
    prov_trace_step(ctx->trace, NULL, "release", "start", user_id);
    struct prov_result r;
    prov_result_init(&r);
    struct prov_sb_phone row;
    struct prov_job job;
    bool have_row = false, have_job = false, claimed = true;
    memset(&job, 0, sizeof(job));
    if (prov_sb_active_phone(ctx, user_id, &row, &have_row, &r) != 0 ||
        prov_job_get(ctx, user_id, &job, &have_job, &r) != 0) {
        prov_fail_call(ctx, "release: read", &r);
        goto out;
    }
    if (have_job) {
        /* Hold the job while undoing it, so a concurrent provision cannot interleave. */
        enum prov_claim_mode mode =
            strcmp(job.status, "completed") == 0 ? PROV_CLAIM_RESTART : PROV_CLAIM_NORMAL;
        if (prov_job_claim(ctx, &job, mode, &claimed, &r) != 0) {
            prov_fail_call(ctx, "release: claim job", &r);
            goto out;
        }
        if (!claimed) {
            prov_fail(ctx, PROV_EXIT_IN_PROGRESS, "job %s is held by another run", job.id);
            prov_set(ctx->out.status, sizeof(ctx->out.status), "in_progress");
            goto out;
        }
    }
    const char *sid = have_row ? row.twilio_sid : job.twilio_sid;
    const char *number = have_row ? row.phone_number : job.phone_number;
    const char *trunk = have_row && row.trunk_id[0] ? row.trunk_id : job.trunk_id;
    const char *rule = have_row && row.rule_id[0] ? row.rule_id : job.rule_id;
    prov_set(ctx->out.twilio_sid, sizeof(ctx->out.twilio_sid), sid);
    prov_set(ctx->out.phone_number, sizeof(ctx->out.phone_number), number);
    prov_set(ctx->out.trunk_id, sizeof(ctx->out.trunk_id), trunk);
    prov_set(ctx->out.rule_id, sizeof(ctx->out.rule_id), rule);
    prov_set(ctx->out.job_id, sizeof(ctx->out.job_id), have_row ? row.job_id : job.id);
    if (trunk[0] != '\0' && drop_trunk(ctx, trunk, rule, &r) != 0) {
        prov_fail_call(ctx, "release: livekit", &r);
        goto out;
    }
    if (trunk[0] == '\0' && rule[0] != '\0' && prov_lk_delete_rule(ctx, rule, &r) != 0) {
        prov_fail_call(ctx, "release: livekit", &r);
        goto out;
    }
    if (sid[0] != '\0' && (prov_sb_delete_phone(ctx, sid, &r) != 0 ||
                           prov_sb_set_profile_number(ctx, user_id, NULL, &r) != 0)) {
        prov_fail_call(ctx, "release: supabase", &r);
        goto out;
    }
    if (sid[0] != '\0' && prov_tw_release(ctx, sid, &r) != 0) {
        prov_fail_call(ctx, "release: twilio", &r);
        goto out;
    }
    if (have_job && prov_job_delete(ctx, user_id, &r) != 0) {
        prov_fail_call(ctx, "release: job", &r);
        goto out;
    }
    have_job = false;
    prov_set(ctx->out.status, sizeof(ctx->out.status),
             sid[0] || trunk[0] || rule[0] ? "released" : "nothing_to_release");
    ctx->out.exit = PROV_EXIT_OK;
out:
    if (have_job && claimed && ctx->out.exit != PROV_EXIT_OK &&
        ctx->out.exit != PROV_EXIT_IN_PROGRESS)
        (void)prov_job_finish(ctx, &job, "pending", ctx->out.error, &r);
    prov_trace_step(ctx->trace, NULL, "release", ctx->out.exit ? "fail" : "done",
                    ctx->out.exit ? ctx->out.error : NULL);
    prov_result_cleanup(&r);
    return ctx->out.exit;
}

/* Reconcile ------------------------------------------------------------------------------ */

static bool job_open(const cJSON *jobs, const char *job_id)
{
    const cJSON *j = NULL;
    cJSON_ArrayForEach(j, jobs)
    {
        char id[40], status[16];
        prov_json_str(j, "id", id, sizeof(id));
        prov_json_str(j, "status", status, sizeof(status));
        if (strcmp(id, job_id) == 0)
            return strcmp(status, "pending") == 0 || strcmp(status, "running") == 0;
    }
    return false;
}

static bool rows_have(const cJSON *rows, const char *key, const char *value)
{
    const cJSON *row = NULL;
    cJSON_ArrayForEach(row, rows)
    {
        char v[128];
        if (prov_json_str(row, key, v, sizeof(v)) && strcmp(v, value) == 0)
            return true;
    }
    return false;
}

static bool twilio_has(const struct prov_tw_list *l, const char *sid)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].sid, sid) == 0)
            return true;
    return false;
}

static void add_pair(cJSON *arr, const char *k1, const char *v1, const char *k2, const char *v2)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, k1, v1);
    cJSON_AddStringToObject(o, k2, v2);
    cJSON_AddItemToArray(arr, o);
}

int prov_flow_reconcile(struct prov_ctx *ctx, bool fix)
{
    struct prov_tw_list tw = {0};
    struct prov_lk_items *trunks = calloc(1, sizeof(*trunks));
    cJSON *rows = NULL, *jobs = NULL;
    cJSON *extra = cJSON_CreateObject();
    cJSON *orphans = cJSON_AddArrayToObject(extra, "orphan_numbers");
    cJSON *missing = cJSON_AddArrayToObject(extra, "missing_numbers");
    cJSON *otrunks = cJSON_AddArrayToObject(extra, "orphan_trunks");
    struct prov_result r;
    prov_result_init(&r);
    size_t drift = 0, fixed = 0;
    ctx->step = "reconcile";
    if (trunks == NULL || orphans == NULL || missing == NULL || otrunks == NULL) {
        prov_fail(ctx, PROV_EXIT_INTERNAL, "out of memory");
        goto out;
    }
    if (prov_tw_list_all(ctx, &tw, &r) != 0) {
        prov_fail_call(ctx, "reconcile: list twilio numbers", &r);
        goto out;
    }
    if (prov_sb_all_phones(ctx, &rows, &r) != 0) {
        prov_fail_call(ctx, "reconcile: read phone_numbers", &r);
        goto out;
    }
    if (prov_sb_rest(ctx, "GET", "provisioning_jobs?select=id,status", NULL, NULL, &r) != 0 ||
        !cJSON_IsArray(r.json)) {
        prov_fail_call(ctx, "reconcile: read provisioning_jobs", &r);
        goto out;
    }
    jobs = r.json;
    r.json = NULL;
    if (prov_lk_list_trunks(ctx, NULL, trunks, &r) != 0) {
        prov_fail_call(ctx, "reconcile: list livekit trunks", &r);
        goto out;
    }
    size_t plen = strlen(PROV_TAG_PREFIX);
    for (size_t i = 0; i < tw.n; i++) {
        const struct prov_tw_number *n = &tw.items[i];
        if (strncmp(n->friendly_name, PROV_TAG_PREFIX, plen) != 0 ||
            rows_have(rows, "twilio_sid", n->sid) || job_open(jobs, n->friendly_name + plen))
            continue;
        drift++;
        add_pair(orphans, "twilio_sid", n->sid, "phone_number", n->phone_number);
        if (fix && prov_tw_release(ctx, n->sid, &r) == 0)
            fixed++;
    }
    const cJSON *row = NULL;
    cJSON_ArrayForEach(row, rows)
    {
        struct prov_sb_phone p;
        struct fk_error err = {{0}};
        if (prov_sb_parse_phone(row, &p, &err) != 0 || twilio_has(&tw, p.twilio_sid))
            continue;
        drift++;
        add_pair(missing, "twilio_sid", p.twilio_sid, "user_id", p.user_id);
        if (fix && (p.trunk_id[0] == '\0' || drop_trunk(ctx, p.trunk_id, p.rule_id, &r) == 0) &&
            prov_sb_delete_phone(ctx, p.twilio_sid, &r) == 0 &&
            prov_sb_set_profile_number(ctx, p.user_id, NULL, &r) == 0)
            fixed++;
    }
    plen = strlen(PROV_TRUNK_PREFIX);
    for (size_t i = 0; i < trunks->n; i++) {
        const struct prov_lk_item *t = &trunks->items[i];
        if (strncmp(t->name, PROV_TRUNK_PREFIX, plen) != 0 ||
            rows_have(rows, "livekit_trunk_id", t->id) || job_open(jobs, t->name + plen))
            continue;
        drift++;
        add_pair(otrunks, "livekit_trunk_id", t->id, "name", t->name);
        if (fix && drop_trunk(ctx, t->id, NULL, &r) == 0)
            fixed++;
    }
    if (drift == 0)
        prov_set(ctx->out.status, sizeof(ctx->out.status), "clean");
    else if (!fix)
        prov_set(ctx->out.status, sizeof(ctx->out.status), "drift");
    else if (fixed == drift)
        prov_set(ctx->out.status, sizeof(ctx->out.status), "fixed");
    if (drift > 0 && !fix)
        prov_fail(ctx, PROV_EXIT_DRIFT, "%zu item(s) of drift found", drift);
    else if (drift > fixed)
        prov_fail_call(ctx, "reconcile: fix", &r);
    else
        ctx->out.exit = PROV_EXIT_OK;
out:
    cJSON_AddNumberToObject(extra, "drift", (double)drift);
    cJSON_AddNumberToObject(extra, "fixed", (double)fixed);
    cJSON_Delete(ctx->out.extra);
    ctx->out.extra = extra;
    prov_tw_list_cleanup(&tw);
    free(trunks);
    cJSON_Delete(rows);
    cJSON_Delete(jobs);
    prov_result_cleanup(&r);
    return ctx->out.exit;
}
