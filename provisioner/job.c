/* job.c: the job state machine and the provisioning_jobs row operations (see job.h). */
#include "provisioner/job.h"

#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"

static const char *const step_names[] = {
    [PROV_STEP_CREATED] = "created",     [PROV_STEP_PURCHASING] = "purchasing",
    [PROV_STEP_PURCHASED] = "purchased", [PROV_STEP_STORED] = "stored",
    [PROV_STEP_TRUNK] = "trunk_created", [PROV_STEP_REGISTERED] = "registered",
};

const char *prov_step_name(enum prov_step s)
{
    if ((unsigned)s >= sizeof(step_names) / sizeof(step_names[0]))
        return "created";
    return step_names[s];
}

bool prov_step_parse(const char *name, enum prov_step *out)
{
    *out = PROV_STEP_CREATED;
    for (size_t i = 0; name != NULL && i < sizeof(step_names) / sizeof(step_names[0]); i++) {
        if (strcmp(name, step_names[i]) == 0) {
            *out = (enum prov_step)i;
            return true;
        }
    }
    return false;
}

const char *prov_action_name(enum prov_action a)
{
    static const char *const names[] = {
        [PROV_ACT_SEARCH] = "search", [PROV_ACT_LOOKUP_TAG] = "lookup_tag",
        [PROV_ACT_STORE] = "store",   [PROV_ACT_TRUNK] = "trunk",
        [PROV_ACT_RULE] = "rule",     [PROV_ACT_FINISH] = "finish",
        [PROV_ACT_DONE] = "done",
    };
    return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}

enum prov_action prov_job_next(const struct prov_job *j)
{
    enum prov_step step;
    (void)prov_step_parse(j->step, &step);
    if (strcmp(j->status, "completed") == 0 && j->twilio_sid[0] && j->trunk_id[0] && j->rule_id[0])
        return PROV_ACT_DONE;
    if (j->twilio_sid[0] == '\0' || j->phone_number[0] == '\0')
        return step >= PROV_STEP_PURCHASING ? PROV_ACT_LOOKUP_TAG : PROV_ACT_SEARCH;
    if (step < PROV_STEP_STORED)
        return PROV_ACT_STORE;
    if (j->trunk_id[0] == '\0')
        return PROV_ACT_TRUNK;
    if (j->rule_id[0] == '\0')
        return PROV_ACT_RULE;
    return PROV_ACT_FINISH;
}

bool prov_job_claimable(const struct prov_job *j, const char *now, enum prov_claim_mode mode)
{
    bool completed = strcmp(j->status, "completed") == 0;
    switch (mode) {
    case PROV_CLAIM_RESTART:
        return completed;
    case PROV_CLAIM_FORCE:
        return !completed;
    case PROV_CLAIM_NORMAL:
        break;
    }
    if (completed)
        return false;
    /* Same-format RFC 3339 UTC strings order like the times they stand for. */
    return j->owner[0] == '\0' || (j->lease[0] != '\0' && strcmp(j->lease, now) < 0);
}

void prov_lease_time(long ms, char out[40])
{
    fk_rfc3339_us(fk_now_us() + (int64_t)ms * 1000, out, 40);
}

static int job_from_rows(struct prov_result *r, struct prov_job *job, bool *found)
{
    const cJSON *row = NULL;
    struct fk_error err = {{0}};
    *found = false;
    if (prov_sb_first_row(r->json, &row, &err) == 0 &&
        (row == NULL || prov_sb_parse_job(row, job, &err) == 0)) {
        *found = row != NULL;
        return 0;
    }
    r->cls = PROV_C_MALFORMED;
    snprintf(r->message, sizeof(r->message), "supabase: unexpected provisioning_jobs: %s", err.msg);
    return FK_EINVAL;
}

static void add_or_null(cJSON *o, const char *key, const char *v)
{
    if (v != NULL && *v != '\0')
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* PATCH provisioning_jobs?query with body (taken); the updated row goes into job. */
static int patch(struct prov_ctx *ctx, const char *query, cJSON *body, struct prov_job *job,
                 bool *matched, struct prov_result *r)
{
    char now[40];
    fk_rfc3339_us(fk_now_us(), now, sizeof(now));
    if (body != NULL)
        cJSON_AddStringToObject(body, "updated_at", now);
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cJSON_Delete(body);
    int rc = FK_ENOMEM;
    if (text != NULL && query != NULL) {
        rc = prov_sb_rest(ctx, "PATCH", query, text, "return=representation", r);
        if (rc == 0) {
            struct prov_job updated;
            rc = job_from_rows(r, &updated, matched);
            if (rc == 0 && *matched)
                *job = updated;
        }
    }
    cJSON_free(text);
    return rc;
}

int prov_job_insert(struct prov_ctx *ctx, struct prov_job *job, bool *exists, struct prov_result *r)
{
    *exists = false;
    char lease[40];
    prov_lease_time(ctx->cfg->lease_ms, lease);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", job->id);
    cJSON_AddStringToObject(o, "user_id", job->user_id);
    cJSON_AddStringToObject(o, "status", "running");
    cJSON_AddStringToObject(o, "step", "created");
    cJSON_AddStringToObject(o, "owner", ctx->run_id);
    cJSON_AddStringToObject(o, "lease_expires_at", lease);
    cJSON_AddStringToObject(o, "country_code", job->country);
    cJSON_AddStringToObject(o, "number_type", job->type);
    add_or_null(o, "area_code", job->area_code);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    int rc = text ? prov_sb_rest(ctx, "POST", "provisioning_jobs", text, "return=representation", r)
                  : FK_ENOMEM;
    cJSON_free(text);
    if (rc != 0 && r->status == 409) {
        *exists = true;
        return rc;
    }
    if (rc == 0) {
        bool found = false;
        struct prov_job row;
        rc = job_from_rows(r, &row, &found);
        if (rc == 0 && found)
            *job = row;
        else if (rc == 0) {
            prov_set(job->owner, sizeof(job->owner), ctx->run_id);
            prov_set(job->status, sizeof(job->status), "running");
            prov_set(job->step, sizeof(job->step), "created");
        }
    }
    return rc;
}

int prov_job_get(struct prov_ctx *ctx, const char *user_id, struct prov_job *job, bool *found,
                 struct prov_result *r)
{
    char *q = prov_eq("provisioning_jobs?select=*&user_id=eq.", user_id);
    int rc = q ? prov_sb_rest(ctx, "GET", q, NULL, NULL, r) : FK_ENOMEM;
    if (rc == 0)
        rc = job_from_rows(r, job, found);
    free(q);
    return rc;
}

int prov_job_claim(struct prov_ctx *ctx, struct prov_job *job, enum prov_claim_mode mode,
                   bool *claimed, struct prov_result *r)
{
    char now[40], lease[40];
    fk_rfc3339_us(fk_now_us(), now, sizeof(now));
    prov_lease_time(ctx->cfg->lease_ms, lease);
    char *u = prov_escape(job->user_id);
    /* Inside or=(...) a value holding ':' or '.' must be double-quoted (PostgREST). */
    char *cond = prov_strf("(owner.is.null,lease_expires_at.lt.\"%s\")", now);
    char *c = cond ? prov_escape(cond) : NULL;
    char *q = NULL;
    if (u != NULL && c != NULL) {
        if (mode == PROV_CLAIM_NORMAL)
            q = prov_strf("provisioning_jobs?user_id=eq.%s&or=%s&status=neq.completed", u, c);
        else if (mode == PROV_CLAIM_FORCE)
            q = prov_strf("provisioning_jobs?user_id=eq.%s&status=neq.completed", u);
        else
            q = prov_strf("provisioning_jobs?user_id=eq.%s&status=eq.completed", u);
    }
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "owner", ctx->run_id);
    cJSON_AddStringToObject(b, "lease_expires_at", lease);
    cJSON_AddStringToObject(b, "status", "running");
    cJSON_AddNumberToObject(b, "attempts", (double)(job->attempts + 1));
    bool restart = mode == PROV_CLAIM_RESTART || strcmp(job->status, "failed") == 0;
    if (restart) {
        /* A compensated or released job starts over; its tag stays, so a number that
         * compensation failed to release is found and adopted rather than leaked. */
        cJSON_AddStringToObject(b, "step", "created");
        cJSON_AddNullToObject(b, "phone_number");
        cJSON_AddNullToObject(b, "twilio_sid");
        cJSON_AddNullToObject(b, "livekit_trunk_id");
        cJSON_AddNullToObject(b, "dispatch_rule_id");
        cJSON_AddNullToObject(b, "last_error");
    }
    int rc = patch(ctx, q, b, job, claimed, r);
    free(u);
    free(cond);
    free(c);
    free(q);
    return rc;
}

int prov_job_save(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step, bool *held,
                  struct prov_result *r)
{
    char lease[40];
    prov_lease_time(ctx->cfg->lease_ms, lease);
    char *id = prov_escape(job->id);
    char *own = prov_escape(ctx->run_id);
    char *q = id && own ? prov_strf("provisioning_jobs?id=eq.%s&owner=eq.%s", id, own) : NULL;
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "step", prov_step_name(step));
    cJSON_AddStringToObject(b, "status", "running");
    cJSON_AddStringToObject(b, "lease_expires_at", lease);
    add_or_null(b, "phone_number", job->phone_number);
    add_or_null(b, "twilio_sid", job->twilio_sid);
    add_or_null(b, "livekit_trunk_id", job->trunk_id);
    add_or_null(b, "dispatch_rule_id", job->rule_id);
    int rc = patch(ctx, q, b, job, held, r);
    free(id);
    free(own);
    free(q);
    return rc;
}

int prov_job_finish(struct prov_ctx *ctx, struct prov_job *job, const char *status,
                    const char *last_error, struct prov_result *r)
{
    char *id = prov_escape(job->id);
    char *own = prov_escape(ctx->run_id);
    char *q = id && own ? prov_strf("provisioning_jobs?id=eq.%s&owner=eq.%s", id, own) : NULL;
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "status", status);
    cJSON_AddNullToObject(b, "owner");
    cJSON_AddNullToObject(b, "lease_expires_at");
    add_or_null(b, "last_error", last_error);
    if (strcmp(status, "completed") == 0) {
        cJSON_AddStringToObject(b, "step", prov_step_name(PROV_STEP_REGISTERED));
        /* The ids too: a resumed run may have taken them from the phone_numbers row without
         * a save, and the row written back below replaces *job (test_crash: killed after
         * the dispatch rule reached phone_numbers, resume lost its rule id and then its
         * lease). Not on other statuses: a half-done step's id must not skip that step. */
        add_or_null(b, "phone_number", job->phone_number);
        add_or_null(b, "twilio_sid", job->twilio_sid);
        add_or_null(b, "livekit_trunk_id", job->trunk_id);
        add_or_null(b, "dispatch_rule_id", job->rule_id);
    }
    bool matched = false;
    int rc = patch(ctx, q, b, job, &matched, r);
    free(id);
    free(own);
    free(q);
    return rc;
}

int prov_job_delete(struct prov_ctx *ctx, const char *user_id, struct prov_result *r)
{
    char *q = prov_eq("provisioning_jobs?user_id=eq.", user_id);
    int rc = q ? prov_sb_rest(ctx, "DELETE", q, NULL, "return=minimal", r) : FK_ENOMEM;
    free(q);
    return rc;
}
