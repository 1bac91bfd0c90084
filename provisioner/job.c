/* job.c: the job state machine and the provisioning_jobs row operations (see job.h).
 *
 * Writes that change who holds the job (insert, claim, finish, restart, delete) are sent
 * once (prov_sb_rest_once): after a failure that may have applied them, the row is read
 * back and the outcome decided from it (read_back) before anything is sent again. A save
 * only renews the lease and records progress under the same owner and fence, so sending it
 * twice changes nothing and it is retried like a read. */
#include "provisioner/job.h"

#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"

#define COPY_STR(row, key, field) prov_json_str((row), (key), (field), sizeof(field))

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

void prov_job_set_step(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step)
{
    if (job->step == step)
        return;
    char change[64];
    snprintf(change, sizeof(change), "%s -> [%s]", prov_step_name(job->step), prov_step_name(step));
    job->step = step;
    prov_trace_step(ctx->trace, job->id[0] != '\0' ? job->id : NULL, ctx->step, "state", change);
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
    enum prov_step step = j->step;
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
    if (mode == PROV_CLAIM_FORCE)
        return true;
    /* Same-format RFC 3339 UTC strings order like the times they stand for. */
    return j->owner[0] == '\0' || (j->lease[0] != '\0' && strcmp(j->lease, now) < 0);
}

bool prov_job_open(const struct prov_job *j)
{
    return strcmp(j->status, "pending") == 0 || strcmp(j->status, "running") == 0 ||
           strcmp(j->status, "releasing") == 0;
}

void prov_job_take_row(struct prov_job *job, const struct prov_sb_phone *row)
{
    if (row->twilio_sid[0] != '\0') {
        prov_set(job->twilio_sid, sizeof(job->twilio_sid), row->twilio_sid);
        prov_set(job->phone_number, sizeof(job->phone_number), row->phone_number);
    }
    if (row->trunk_id[0] != '\0')
        prov_set(job->trunk_id, sizeof(job->trunk_id), row->trunk_id);
    if (row->rule_id[0] != '\0')
        prov_set(job->rule_id, sizeof(job->rule_id), row->rule_id);
}

void prov_lease_time(long ms, char out[40])
{
    fk_rfc3339_us(fk_now_us() + (int64_t)ms * 1000, out, 40);
}

int prov_job_parse(const cJSON *row, struct prov_job *out, struct fk_error *err)
{
    memset(out, 0, sizeof(*out));
    int rc = prov_sb_check_row(row, "provisioning_jobs[0]", err);
    if (rc != 0)
        return rc;
    if (!COPY_STR(row, "id", out->id) || !COPY_STR(row, "user_id", out->user_id)) {
        fk_error_set(err, "provisioning_jobs[0]: id and user_id are required");
        return FK_EINVAL;
    }
    COPY_STR(row, "status", out->status);
    const cJSON *step = cJSON_GetObjectItemCaseSensitive(row, "step");
    if (cJSON_IsString(step) && !prov_step_parse(step->valuestring, &out->step)) {
        fk_error_set(err, "provisioning_jobs[0].step: unknown step \"%.40s\"", step->valuestring);
        return FK_EINVAL;
    }
    COPY_STR(row, "owner", out->owner);
    COPY_STR(row, "lease_expires_at", out->lease);
    COPY_STR(row, "country_code", out->country);
    COPY_STR(row, "number_type", out->type);
    COPY_STR(row, "area_code", out->area_code);
    COPY_STR(row, "phone_number", out->phone_number);
    COPY_STR(row, "twilio_sid", out->twilio_sid);
    COPY_STR(row, "livekit_trunk_id", out->trunk_id);
    COPY_STR(row, "dispatch_rule_id", out->rule_id);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(row, "attempts");
    out->attempts =
        cJSON_IsNumber(a) && a->valuedouble >= 0 && a->valuedouble < 1e9 ? (long)a->valuedouble : 0;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(row, "fence");
    out->fence = cJSON_IsNumber(f) && f->valuedouble >= 0 && f->valuedouble < 1e15
                     ? (long)f->valuedouble
                     : 0;
    return 0;
}

static int job_from_rows(struct prov_result *r, struct prov_job *job, bool *found)
{
    const cJSON *row = NULL;
    struct fk_error err = {{0}};
    *found = false;
    if (prov_sb_first_row(r->json, &row, &err) == 0 &&
        (row == NULL || prov_job_parse(row, job, &err) == 0)) {
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

/* last_error, at most PROV_LAST_ERROR_MAX bytes (cut at a character boundary): a row that an
 * earlier provisioner, which refused longer strings, can still read. */
#define PROV_LAST_ERROR_MAX 255
static void add_last_error(cJSON *o, const char *v)
{
    char cut[PROV_LAST_ERROR_MAX + 1];
    size_t n = v != NULL ? strlen(v) : 0;
    if (n > PROV_LAST_ERROR_MAX) {
        n = PROV_LAST_ERROR_MAX;
        while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
            n--; /* v[n] continues a UTF-8 sequence: cut before its lead byte */
        memcpy(cut, v, n);
        cut[n] = '\0';
        v = cut;
    }
    add_or_null(o, "last_error", v);
}

static void add_ids(cJSON *o, const struct prov_job *job)
{
    add_or_null(o, "phone_number", job->phone_number);
    add_or_null(o, "twilio_sid", job->twilio_sid);
    add_or_null(o, "livekit_trunk_id", job->trunk_id);
    add_or_null(o, "dispatch_rule_id", job->rule_id);
}

/* The filter of every write under this run's tenure: the job's id, owner and fence. */
static char *held_query(const struct prov_ctx *ctx, const struct prov_job *job)
{
    char *id = prov_escape(job->id);
    char *own = prov_escape(ctx->run_id);
    char *q = id && own ? prov_strf("provisioning_jobs?id=eq.%s&owner=eq.%s&fence=eq.%ld", id, own,
                                    job->fence)
                        : NULL;
    free(id);
    free(own);
    return q;
}

/* What a row read back after a write whose answer was lost says about that write. */
enum readback { RB_APPLIED, RB_RESEND, RB_LOST };
typedef enum readback (*judge_fn)(const struct prov_ctx *ctx, const struct prov_job *sent,
                                  const struct prov_job *row, bool found);

/* Send method query body (PATCH/POST/DELETE, Prefer return=representation) once; when its
 * outcome is unknown, read the user's row back and let judge decide: applied (*row is the
 * row read), send again, or lost. *applied tells; the first row answered goes into *row. */
static int send_judged(struct prov_ctx *ctx, const struct prov_job *job, const char *method,
                       const char *query, const char *body, judge_fn judge, struct prov_job *row,
                       bool *applied, struct prov_result *r)
{
    int rc = FK_ENOMEM;
    *applied = false;
    for (int tries = 0; query != NULL && tries < PROV_RESEND_MAX; tries++) {
        rc = prov_sb_rest_once(ctx, method, query, body, "return=representation", r);
        if (rc == 0)
            return job_from_rows(r, row, applied);
        if (!r->ambiguous && !(r->status == 409 && strcmp(method, "POST") == 0))
            return rc;
        struct prov_result r2;
        bool found = false;
        prov_result_init(&r2);
        int rc2 = prov_job_get(ctx, job->user_id, row, &found, &r2);
        prov_result_cleanup(&r2);
        if (rc2 != 0)
            return rc;
        enum readback v = judge(ctx, job, row, found);
        if (v != RB_RESEND) {
            *applied = v == RB_APPLIED;
            return 0;
        }
    }
    return rc;
}

static char *print_taken(cJSON *body)
{
    char now[40];
    fk_rfc3339_us(fk_now_us(), now, sizeof(now));
    cJSON_AddStringToObject(body, "updated_at", now);
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    return text;
}

static enum readback judge_insert(const struct prov_ctx *ctx, const struct prov_job *sent,
                                  const struct prov_job *row, bool found)
{
    if (!found)
        return RB_RESEND;
    return strcmp(row->id, sent->id) == 0 && strcmp(row->owner, ctx->run_id) == 0 ? RB_APPLIED
                                                                                  : RB_LOST;
}

int prov_job_insert(struct prov_ctx *ctx, struct prov_job *job, bool *exists, struct prov_result *r)
{
    *exists = false;
    char lease[40];
    prov_lease_time(ctx->cfg->lease_ms, lease);
    bool releasing = strcmp(job->status, "releasing") == 0;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", job->id);
    cJSON_AddStringToObject(o, "user_id", job->user_id);
    cJSON_AddStringToObject(o, "status", releasing ? "releasing" : "running");
    cJSON_AddStringToObject(o, "step", prov_step_name(PROV_STEP_CREATED));
    cJSON_AddStringToObject(o, "owner", ctx->run_id);
    cJSON_AddStringToObject(o, "lease_expires_at", lease);
    cJSON_AddNumberToObject(o, "fence", 1);
    cJSON_AddStringToObject(o, "country_code", job->country[0] ? job->country : "US");
    cJSON_AddStringToObject(o, "number_type", job->type[0] ? job->type : "local");
    add_or_null(o, "area_code", job->area_code);
    if (releasing)
        add_ids(o, job);
    char *text = print_taken(o);
    struct prov_job row;
    bool applied = false;
    memset(&row, 0, sizeof(row));
    int rc = text ? send_judged(ctx, job, "POST", "provisioning_jobs", text, judge_insert, &row,
                                &applied, r)
                  : FK_ENOMEM;
    cJSON_free(text);
    if (rc == 0 && !applied && row.id[0] == '\0') {
        /* Created, but answered without the row: it is the row as sent. */
        applied = true;
        row = *job;
        prov_set(row.owner, sizeof(row.owner), ctx->run_id);
        prov_set(row.status, sizeof(row.status), releasing ? "releasing" : "running");
        row.step = PROV_STEP_CREATED;
        row.fence = 1;
    }
    if (rc == 0 && applied)
        ctx->renewed_us = fk_mono_us();
    if (rc == 0)
        *job = row; /* ours, or the other job's row as read back */
    else if (r->status == 409)
        *exists = true;
    if (rc == 0 && !applied)
        *exists = true; /* another job's row is there */
    return rc == 0 && !applied ? FK_EEXIST : rc;
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

static enum readback judge_claim(const struct prov_ctx *ctx, const struct prov_job *sent,
                                 const struct prov_job *row, bool found)
{
    if (found && strcmp(row->id, sent->id) == 0 && row->fence == sent->fence + 1 &&
        strcmp(row->owner, ctx->run_id) == 0)
        return RB_APPLIED;
    if (found && strcmp(row->id, sent->id) == 0 && row->fence == sent->fence)
        return RB_RESEND;
    return RB_LOST;
}

int prov_job_claim(struct prov_ctx *ctx, struct prov_job *job, enum prov_claim_mode mode,
                   const char *status, bool *claimed, struct prov_result *r)
{
    char now[40], lease[40];
    fk_rfc3339_us(fk_now_us(), now, sizeof(now));
    prov_lease_time(ctx->cfg->lease_ms, lease);
    char *id = prov_escape(job->id);
    /* Inside or=(...) a value holding ':' or '.' must be double-quoted (PostgREST). */
    char *cond = prov_strf("(owner.is.null,lease_expires_at.lt.\"%s\")", now);
    char *c = cond ? prov_escape(cond) : NULL;
    char *q = NULL;
    if (id != NULL && c != NULL)
        q = prov_strf("provisioning_jobs?id=eq.%s&fence=eq.%ld%s%s", id, job->fence,
                      mode == PROV_CLAIM_NORMAL ? "&or=" : "", mode == PROV_CLAIM_NORMAL ? c : "");
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "owner", ctx->run_id);
    cJSON_AddNumberToObject(b, "fence", (double)(job->fence + 1));
    cJSON_AddStringToObject(b, "lease_expires_at", lease);
    cJSON_AddStringToObject(b, "status", status);
    cJSON_AddNumberToObject(b, "attempts", (double)(job->attempts + 1));
    if (strcmp(status, "releasing") == 0)
        add_ids(b, job); /* what a release must undo, even once the user's row is gone */
    char *text = print_taken(b);
    struct prov_job row;
    int rc =
        text ? send_judged(ctx, job, "PATCH", q, text, judge_claim, &row, claimed, r) : FK_ENOMEM;
    if (rc == 0 && *claimed) {
        *job = row;
        ctx->renewed_us = fk_mono_us();
    }
    cJSON_free(text);
    free(id);
    free(cond);
    free(c);
    free(q);
    return rc;
}

/* A held write whose answer was lost: applied when the row shows what was written, sent
 * again while the row is still held as it was, lost otherwise. */
static enum readback judge_held(const struct prov_ctx *ctx, const struct prov_job *sent,
                                const struct prov_job *row, bool found, bool gone_ok)
{
    if (!found || strcmp(row->id, sent->id) != 0)
        return gone_ok ? RB_APPLIED : RB_LOST;
    if (row->fence != sent->fence)
        return RB_LOST;
    if (strcmp(row->owner, ctx->run_id) == 0)
        return RB_RESEND;
    return gone_ok ? RB_LOST : RB_APPLIED; /* owner cleared: the finish went through */
}

static enum readback judge_finish(const struct prov_ctx *ctx, const struct prov_job *sent,
                                  const struct prov_job *row, bool found)
{
    return judge_held(ctx, sent, row, found, false);
}

static enum readback judge_delete(const struct prov_ctx *ctx, const struct prov_job *sent,
                                  const struct prov_job *row, bool found)
{
    return judge_held(ctx, sent, row, found, true);
}

static enum readback judge_restart(const struct prov_ctx *ctx, const struct prov_job *sent,
                                   const struct prov_job *row, bool found)
{
    (void)ctx; /* the new id alone says whose the row is */
    if (found && strcmp(row->id, sent->id) == 0 && row->fence == sent->fence)
        return RB_APPLIED; /* sent carries the new id */
    return RB_RESEND;      /* still the old row (or lost: the resend then finds no row) */
}

/* A row this run wrote, as read back, becomes the job; its step moves through
 * prov_job_set_step(), so the trace shows what the write changed. */
static void take_written(struct prov_ctx *ctx, struct prov_job *job, const struct prov_job *row)
{
    enum prov_step was = job->step;
    *job = *row;
    job->step = was;
    prov_job_set_step(ctx, job, row->step);
}

/* Record a lost job on ctx (steps.h prov_abandon runs once the flow stops), or when the
 * lease was last renewed. */
static void note_held(struct prov_ctx *ctx, bool held)
{
    if (!held)
        ctx->lost = true;
    else
        ctx->renewed_us = fk_mono_us();
}

int prov_job_save(struct prov_ctx *ctx, struct prov_job *job, enum prov_step step, bool *held,
                  struct prov_result *r)
{
    char lease[40];
    prov_lease_time(ctx->cfg->lease_ms, lease);
    char *q = held_query(ctx, job);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "step", prov_step_name(step));
    cJSON_AddStringToObject(b, "lease_expires_at", lease);
    add_ids(b, job);
    char *text = print_taken(b);
    int rc =
        q && text ? prov_sb_rest(ctx, "PATCH", q, text, "return=representation", r) : FK_ENOMEM;
    struct prov_job row;
    if (rc == 0)
        rc = job_from_rows(r, &row, held);
    if (rc == 0 && *held)
        take_written(ctx, job, &row);
    if (rc == 0)
        note_held(ctx, *held);
    cJSON_free(text);
    free(q);
    return rc;
}

/* Send a held write (body taken) judged as its kind needs; the row it leaves goes into *job
 * when still held, and a lost job is noted. judged is the job the read-back is compared to. */
static int held_write(struct prov_ctx *ctx, struct prov_job *job, const struct prov_job *judged,
                      const char *method, cJSON *body, judge_fn judge, bool *held,
                      struct prov_result *r)
{
    char *q = held_query(ctx, job);
    char *text = body != NULL ? print_taken(body) : NULL;
    struct prov_job row;
    int rc = body == NULL || text != NULL
                 ? send_judged(ctx, judged, method, q, text, judge, &row, held, r)
                 : FK_ENOMEM;
    if (rc == 0 && *held && strcmp(method, "DELETE") != 0)
        take_written(ctx, job, &row);
    if (rc == 0)
        note_held(ctx, *held);
    cJSON_free(text);
    free(q);
    return rc;
}

int prov_job_restart(struct prov_ctx *ctx, struct prov_job *job, bool *held, struct prov_result *r)
{
    struct prov_job next = *job;
    prov_uuid(next.id);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "id", next.id);
    cJSON_AddStringToObject(b, "step", prov_step_name(PROV_STEP_CREATED));
    cJSON_AddStringToObject(b, "status", "running");
    cJSON_AddNullToObject(b, "last_error");
    next.phone_number[0] = next.twilio_sid[0] = next.trunk_id[0] = next.rule_id[0] = '\0';
    add_ids(b, &next);
    /* Judged against the new id: a row under it is the restart applied. */
    return held_write(ctx, job, &next, "PATCH", b, judge_restart, held, r);
}

int prov_job_finish(struct prov_ctx *ctx, struct prov_job *job, const char *status,
                    const char *last_error, bool *held, struct prov_result *r)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "status", status);
    cJSON_AddNullToObject(b, "owner");
    cJSON_AddNullToObject(b, "lease_expires_at");
    add_last_error(b, last_error);
    if (strcmp(status, "completed") == 0) {
        cJSON_AddStringToObject(b, "step", prov_step_name(PROV_STEP_REGISTERED));
        /* The ids too: a resumed run may have taken them from the phone_numbers row without
         * a save (test_crash: killed after the dispatch rule reached phone_numbers). Not on
         * other statuses: a half-done step's id must not skip that step. */
        add_ids(b, job);
    }
    return held_write(ctx, job, job, "PATCH", b, judge_finish, held, r);
}

int prov_job_delete(struct prov_ctx *ctx, struct prov_job *job, bool *held, struct prov_result *r)
{
    return held_write(ctx, job, job, "DELETE", NULL, judge_delete, held, r);
}
