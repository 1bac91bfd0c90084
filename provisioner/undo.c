/* undo.c: taking back what the flow created: compensation (--compensate, the job still held)
 * and abandonment (the job was lost to another run after this run created something).
 *
 * A run that lost its job may not simply release what it created: the run that holds the job
 * now may have adopted it (it is tagged with the job and found by look-up), or may be about
 * to. So each thing is judged against the job row and the user's active row as they are now:
 * recorded by either -> adopted, left alone; no longer adoptable (the job row is gone,
 * restarted under a new id, finished, or has recorded another one for that stage) ->
 * released; otherwise the holder may still adopt it -> read again shortly, within the
 * deadline and one lease, and whatever is still undecided is left and named (`reconcile
 * --fix` releases it once the job is closed). */
#include "provisioner/steps.h"

#include <string.h>
#include <time.h>

#include "fakekit/clock.h"
#include "provisioner/livekit_api.h"
#include "provisioner/twilio_api.h"

#define ABANDON_POLL_MS 100 /* between reads of the job while the holder may adopt */

/* Rewind the job to at most step after one stage of compensation, so the row always says what
 * still exists. False when the save failed (lease lost, Supabase down): stop undoing. */
static bool rewind_to(struct prov_ctx *ctx, struct prov_job *job, enum prov_step *s,
                      enum prov_step step)
{
    if (*s > step)
        *s = step;
    return prov_step_save(ctx, job, *s) == PROV_EXIT_OK;
}

/* Look up what a cut-short step may have made anyway (the tagged number, the trunk, the
 * rule). False when a look-up failed. */
static bool find_unrecorded(struct prov_ctx *ctx, struct prov_job *job, enum prov_step s)
{
    bool found = false;
    if (job->twilio_sid[0] == '\0' && s >= PROV_STEP_PURCHASING &&
        prov_lookup_tag(ctx, job, &found) != 0)
        return false;
    if (job->twilio_sid[0] != '\0' && job->trunk_id[0] == '\0' &&
        prov_lk_find(ctx, job, false, job->trunk_id, sizeof(job->trunk_id), &found) != 0)
        return false;
    if (job->trunk_id[0] != '\0' && job->rule_id[0] == '\0' &&
        prov_lk_find(ctx, job, true, job->rule_id, sizeof(job->rule_id), &found) != 0)
        return false;
    return true;
}

/* Forget one recorded id before its thing is undone: the job is saved rewound to `step`
 * without it (the step whose resume looks the thing up again by its tag), then the user's row
 * drops it too (column, when given). In that order: a run killed in between leaves the id in
 * the row only, which a resume takes (the thing still exists), and a run killed after both,
 * before or after the delete, leaves a job that finds the thing by look-up if it is still
 * there: never one that names a thing already deleted. False when a write failed: nothing
 * is undone. */
static bool forget(struct prov_ctx *ctx, struct prov_job *job, enum prov_step *s,
                   enum prov_step step, const char *column, char *id_field, size_t size,
                   char *saved)
{
    struct prov_result r;
    prov_set(saved, size, id_field);
    id_field[0] = '\0';
    bool ok = rewind_to(ctx, job, s, step);
    if (ok && column != NULL && job->twilio_sid[0] != '\0') {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddNullToObject(f, column);
        prov_result_init(&r);
        ok = f != NULL && prov_sb_patch_phone(ctx, job->twilio_sid, f, &r) == 0;
        prov_result_cleanup(&r);
        cJSON_Delete(f);
    }
    if (!ok)
        prov_set(id_field, size, saved);
    return ok;
}

/* Undo what the flow created, newest first: dispatch rule, trunk, rows, number. Each thing
 * is first forgotten by the job (forget(): the job rewound to the step that looks it up
 * again), then undone; the first stage that cannot be done, or whose state cannot be looked
 * up, stops everything: nothing older is released blindly (with LiveKit down, a number whose
 * trunk cannot be checked keeps its rows), and the job stays resumable from what is left,
 * found again by look-up (scenario livekit-down-compensate-keeps-job; test_crash_ops: killed
 * after a delete took effect, a job that still named the deleted trunk or the released
 * number made a resume register a rule for a trunk that was gone, or store a number the
 * account no longer owned). */
bool prov_compensate(struct prov_ctx *ctx, struct prov_job *job, bool *created)
{
    prov_step_begin(ctx, "compensate");
    struct prov_result r;
    prov_result_init(&r);
    bool ok = false;
    enum prov_step s = job->step;
    char id[64];
    *created = false;
    if (!find_unrecorded(ctx, job, s))
        goto out;
    /* Renew before the first release: a run that lost the job must not undo the holder's. */
    if ((job->rule_id[0] || job->trunk_id[0] || job->twilio_sid[0]) && !rewind_to(ctx, job, &s, s))
        goto out;
    if (job->rule_id[0] != '\0') {
        *created = true;
        if (!forget(ctx, job, &s, PROV_STEP_TRUNK, "dispatch_rule_id", job->rule_id,
                    sizeof(job->rule_id), id) ||
            prov_lk_delete_rule(ctx, id, &r) != 0)
            goto out;
    }
    if (job->trunk_id[0] != '\0') {
        *created = true;
        if (!forget(ctx, job, &s, PROV_STEP_STORED, "livekit_trunk_id", job->trunk_id,
                    sizeof(job->trunk_id), id) ||
            prov_lk_delete_trunk(ctx, id, &r) != 0)
            goto out;
    }
    if (job->twilio_sid[0] != '\0') {
        *created = true;
        /* "purchased" before the rows go: a resume stores them again (found by SID). */
        if (!rewind_to(ctx, job, &s, PROV_STEP_PURCHASED) ||
            prov_sb_delete_phone(ctx, job->twilio_sid, &r) != 0 ||
            prov_sb_clear_profile_number(ctx, job->user_id, job->phone_number, job->twilio_sid,
                                         &r) != 0)
            goto out;
        /* "purchasing" without a SID: a resume looks the tagged number up before buying. */
        char number[sizeof(job->phone_number)];
        prov_set(number, sizeof(number), job->phone_number);
        job->phone_number[0] = '\0';
        if (!forget(ctx, job, &s, PROV_STEP_PURCHASING, NULL, job->twilio_sid,
                    sizeof(job->twilio_sid), id)) {
            prov_set(job->phone_number, sizeof(job->phone_number), number);
            goto out;
        }
        if (prov_tw_release(ctx, id, &r) != 0 || !rewind_to(ctx, job, &s, PROV_STEP_CREATED))
            goto out;
    }
    ok = true;
out:
    prov_step_finish(ctx, ok ? "done" : "fail", ok ? NULL : r.message);
    prov_result_cleanup(&r);
    return ok;
}

/* Abandonment ---------------------------------------------------------------------------- */

enum verdict { V_ADOPTED, V_FREE, V_PENDING };

/* The three kinds a run creates, newest first (the order they are released in). */
enum kind { K_RULE, K_TRUNK, K_NUMBER, K_N };
static const char *const kind_names[K_N] = {"dispatch_rule", "trunk", "number"};

static const char *recorded_id(const struct prov_job *j, enum kind k)
{
    return k == K_RULE ? j->rule_id : k == K_TRUNK ? j->trunk_id : j->twilio_sid;
}

static const char *row_id(const struct prov_sb_phone *p, enum kind k)
{
    return k == K_RULE ? p->rule_id : k == K_TRUNK ? p->trunk_id : p->twilio_sid;
}

/* What id (of kind k, made under mine) is, given the job row now and the user's row now. */
static enum verdict judge(const struct prov_job *mine, enum kind k, const char *id,
                          const struct prov_job *now, bool have_job,
                          const struct prov_sb_phone *row, bool have_row)
{
    if ((have_job && strcmp(recorded_id(now, k), id) == 0) ||
        (have_row && strcmp(row_id(row, k), id) == 0))
        return V_ADOPTED;
    if (!have_job || strcmp(now->id, mine->id) != 0 || !prov_job_open(now) ||
        strcmp(now->status, "releasing") == 0 || recorded_id(now, k)[0] != '\0')
        return V_FREE; /* gone, restarted, finished, released, or another one recorded */
    /* Adoptable only for what it was made for: the trunk for the job's number, the rule for
     * the job's trunk. */
    if (k == K_TRUNK && strcmp(now->phone_number, mine->phone_number) != 0)
        return V_FREE;
    if (k == K_RULE && strcmp(now->trunk_id, mine->trunk_id) != 0)
        return V_FREE;
    return V_PENDING;
}

static int release_one(struct prov_ctx *ctx, enum kind k, const char *id, struct prov_result *r)
{
    if (k == K_RULE)
        return prov_lk_delete_rule(ctx, id, r);
    if (k == K_TRUNK)
        return prov_lk_delete_trunk(ctx, id, r);
    return prov_tw_release(ctx, id, r);
}

/* The outcome, per id: "released", "adopted" or "left". */
struct abandon_out {
    cJSON *obj; /* {"released": [...], "adopted": [...], "left": [...]} */
    char said[256];
};

static void note(struct abandon_out *o, struct prov_ctx *ctx, const char *what, enum kind k,
                 const char *id)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(o->obj, what);
    if (arr == NULL)
        arr = cJSON_AddArrayToObject(o->obj, what);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, kind_names[k], id);
    cJSON_AddItemToArray(arr, e);
    prov_step_finish(ctx, what, id);
    size_t n = strlen(o->said);
    snprintf(o->said + n, sizeof(o->said) - n, "%s%s %s", n ? ", " : "", what, id);
}

/* One round: judge every pending id, release the free ones. True when none is pending. */
static bool round_once(struct prov_ctx *ctx, const struct prov_job *job, char ids[K_N][64],
                       struct abandon_out *o)
{
    struct prov_job now;
    struct prov_sb_phone row;
    bool have_job = false, have_row = false, settled = true;
    struct prov_result r;
    prov_result_init(&r);
    if (prov_job_get(ctx, job->user_id, &now, &have_job, &r) != 0 ||
        prov_sb_active_phone(ctx, job->user_id, &row, &have_row, &r) != 0) {
        prov_result_cleanup(&r);
        return false; /* cannot tell: try again */
    }
    for (int k = 0; k < K_N; k++) {
        if (ids[k][0] == '\0')
            continue;
        enum verdict v = judge(job, (enum kind)k, ids[k], &now, have_job, &row, have_row);
        if (v == V_PENDING) {
            settled = false;
            continue;
        }
        if (v == V_FREE && release_one(ctx, (enum kind)k, ids[k], &r) != 0) {
            settled = false;
            continue;
        }
        note(o, ctx, v == V_FREE ? "released" : "adopted", (enum kind)k, ids[k]);
        ids[k][0] = '\0';
    }
    prov_result_cleanup(&r);
    return settled;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

void prov_abandon(struct prov_ctx *ctx, const struct prov_job *job)
{
    char ids[K_N][64];
    snprintf(ids[K_RULE], 64, "%s", ctx->made.rule);
    snprintf(ids[K_TRUNK], 64, "%s", ctx->made.trunk);
    snprintf(ids[K_NUMBER], 64, "%s", ctx->made.sid);
    if (!ctx->lost || (!ids[K_RULE][0] && !ids[K_TRUNK][0] && !ids[K_NUMBER][0]))
        return;
    const char *was = ctx->step;
    prov_step_begin(ctx, "abandon");
    /* A budget of its own: this is cleanup, and the deadline may be why the run stopped. */
    ctx->deadline_us = fk_mono_us() + (int64_t)ctx->cfg->deadline_ms * 1000;
    int64_t until = fk_mono_us() + (int64_t)ctx->cfg->lease_ms * 1000;
    struct abandon_out o = {cJSON_CreateObject(), ""};
    while (!round_once(ctx, job, ids, &o) && fk_mono_us() < until && prov_ms_left(ctx) > 0)
        pause_ms(ABANDON_POLL_MS);
    for (int k = 0; k < K_N; k++)
        if (ids[k][0] != '\0')
            note(&o, ctx, "left", (enum kind)k, ids[k]);
    size_t n = strlen(ctx->out.error);
    snprintf(ctx->out.error + n, sizeof(ctx->out.error) - n, "; what this run created: %s", o.said);
    if (ctx->out.extra == NULL)
        ctx->out.extra = cJSON_CreateObject();
    cJSON_AddItemToObject(ctx->out.extra, "abandoned", o.obj);
    prov_step_finish(ctx, "done", o.said);
    ctx->step = was;
}
