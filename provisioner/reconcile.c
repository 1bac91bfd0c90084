/* reconcile.c: `reconcile [--fix]`, drift between Twilio, Supabase and LiveKit.
 *
 * Drift, each counted once:
 *  - orphan_numbers: a number tagged prov:<job> that no active row records, its job closed
 *    or gone (an open job's number is in flight: `resume` finishes it);
 *  - missing_numbers: an active row whose number Twilio does not have;
 *  - orphan_trunks, orphan_rules: a trunk or dispatch rule named prov-<job> that no active row
 *    records, its job closed or gone;
 *  - registrations: an active row (its job not open) whose trunk is missing or does not hold
 *    the row's number, or whose dispatch rule is missing or does not list the row's trunk
 *    (another user's trunk under a re-issued id, a rule deleted by hand);
 *  - stale_jobs: an open job whose run is gone (lease expired) with a complete row (left open
 *    by a run killed before its last write), or a release left unfinished.
 * --fix repairs each (reconcile_fix.c) and lists what it could not repair in "unfixed", with
 * the reason. Tags and names carry the job id ("prov:<job>", "prov-<job>"), which is how
 * things are traced back to a job. */
#include "provisioner/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"

static bool str_is(const cJSON *o, const char *key, const char *value)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring != NULL && strcmp(v->valuestring, value) == 0;
}

static bool rows_have(const cJSON *rows, const char *key, const char *value)
{
    const cJSON *row = NULL;
    cJSON_ArrayForEach(row, rows)
    {
        if (str_is(row, key, value))
            return true;
    }
    return false;
}

static const struct prov_lk_item *lk_by_id(const struct prov_lk_items *l, const char *id)
{
    for (size_t i = 0; id[0] != '\0' && i < l->n; i++)
        if (strcmp(l->items[i].id, id) == 0)
            return &l->items[i];
    return NULL;
}

static bool twilio_has(const struct prov_tw_list *l, const char *sid)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].sid, sid) == 0)
            return true;
    return false;
}

void rec_note(struct rec *rc, const char *list, const char *k1, const char *v1, const char *k2,
              const char *v2)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(rc->extra, list);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, k1, v1);
    cJSON_AddStringToObject(o, k2, v2);
    cJSON_AddItemToArray(arr, o);
}

void rec_unfixed(struct rec *rc, const char *what, const char *id, const char *reason)
{
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(rc->extra, "unfixed");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "what", what);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "reason", reason);
    cJSON_AddItemToArray(arr, o);
}

const cJSON *rec_user_job(const struct rec *rc, const char *user_id)
{
    const cJSON *j = NULL;
    cJSON_ArrayForEach(j, rc->jobs)
    {
        if (str_is(j, "user_id", user_id))
            return j;
    }
    return NULL;
}

enum rec_job rec_job_state(struct rec *rc, const char *job_id, struct prov_job *job)
{
    const cJSON *j = NULL, *hit = NULL;
    struct fk_error err = {{0}};
    cJSON_ArrayForEach(j, rc->jobs)
    {
        if (str_is(j, "id", job_id))
            hit = j;
    }
    if (hit == NULL) {
        /* Not there when the jobs were read: started since (in flight) or deleted. */
        struct prov_result r;
        char *q = prov_eq("provisioning_jobs?select=*&id=eq.", job_id);
        prov_result_init(&r);
        int rc2 = q ? prov_sb_rest(rc->ctx, "GET", q, NULL, NULL, &r) : FK_ENOMEM;
        const cJSON *row = NULL;
        enum rec_job st = REC_ERROR;
        if (rc2 == 0 && prov_sb_first_row(r.json, &row, &err) == 0)
            st = row == NULL                           ? REC_ABSENT
                 : prov_job_parse(row, job, &err) != 0 ? REC_ERROR
                 : prov_job_open(job)                  ? REC_OPEN
                                                       : REC_CLOSED;
        prov_result_cleanup(&r);
        free(q);
        return st;
    }
    if (prov_job_parse(hit, job, &err) != 0)
        return REC_ERROR;
    return prov_job_open(job) ? REC_OPEN : REC_CLOSED;
}

/* Count one drift item and, with --fix, what its repair did. */
static void count(struct rec *rc, enum rec_fix f)
{
    if (!rc->fix) {
        rc->drift++;
        return;
    }
    if (f == FIX_DEFERRED)
        return; /* its job is held now: its run decides */
    rc->drift++;
    rc->fixed += f == FIX_DONE;
}

/* A thing tagged for job_id that no row records: drift unless its job is open. */
static void orphan(struct rec *rc, enum rec_kind kind, const char *id, const char *job_id,
                   const char *list, const char *k2, const char *v2)
{
    static const char *const id_keys[] = {"twilio_sid", "livekit_trunk_id", "dispatch_rule_id"};
    struct prov_job job;
    enum rec_job st = rec_job_state(rc, job_id, &job);
    if (st == REC_OPEN || st == REC_ERROR)
        return; /* in flight (or unknown): never released on a guess */
    rec_note(rc, list, id_keys[kind], id, k2, v2);
    count(rc, rc->fix ? rec_fix_orphan(rc, kind, id, &job, st) : FIX_FAILED);
}

static void check_numbers(struct rec *rc)
{
    size_t plen = strlen(PROV_TAG_PREFIX);
    for (size_t i = 0; i < rc->tw.n; i++) {
        const struct prov_tw_number *n = &rc->tw.items[i];
        if (strncmp(n->friendly_name, PROV_TAG_PREFIX, plen) != 0 ||
            rows_have(rc->rows, "twilio_sid", n->sid))
            continue;
        orphan(rc, REC_NUMBER, n->sid, n->friendly_name + plen, "orphan_numbers", "phone_number",
               n->phone_number);
    }
}

static void check_livekit(struct rec *rc, bool rules)
{
    const struct prov_lk_items *l = rules ? &rc->rules : &rc->trunks;
    size_t plen = strlen(PROV_TRUNK_PREFIX);
    for (size_t i = 0; i < l->n; i++) {
        const struct prov_lk_item *t = &l->items[i];
        if (strncmp(t->name, PROV_TRUNK_PREFIX, plen) != 0 ||
            rows_have(rc->rows, rules ? "dispatch_rule_id" : "livekit_trunk_id", t->id))
            continue;
        orphan(rc, rules ? REC_RULE : REC_TRUNK, t->id, t->name + plen,
               rules ? "orphan_rules" : "orphan_trunks", "name", t->name);
    }
}

/* Why the row's registration is wrong, or NULL; *trunk_bad when the trunk is. */
static const char *registration_problem(const struct rec *rc, const struct prov_sb_phone *p,
                                        bool *trunk_bad)
{
    const struct prov_lk_item *t = lk_by_id(&rc->trunks, p->trunk_id);
    const struct prov_lk_item *rule = lk_by_id(&rc->rules, p->rule_id);
    *trunk_bad = true;
    if (t == NULL)
        return p->trunk_id[0] ? "trunk missing" : "no trunk recorded";
    if (!prov_lk_item_lists(t, p->phone_number, true))
        return "trunk does not hold the number";
    *trunk_bad = false;
    if (rule == NULL)
        return p->rule_id[0] ? "dispatch rule missing" : "no dispatch rule recorded";
    if (!prov_lk_item_lists(rule, p->trunk_id, false))
        return "dispatch rule does not list the trunk";
    return NULL;
}

/* Every active row whose job is not open: its number, trunk and rule. */
static void check_rows(struct rec *rc)
{
    const cJSON *row = NULL;
    cJSON_ArrayForEach(row, rc->rows)
    {
        struct prov_sb_phone p;
        struct prov_job job;
        struct fk_error err = {{0}};
        const cJSON *j = NULL;
        bool trunk_bad = false;
        if (prov_sb_parse_phone(row, &p, &err) != 0)
            continue;
        j = rec_user_job(rc, p.user_id);
        if (j != NULL && prov_job_parse(j, &job, &err) == 0 && prov_job_open(&job))
            continue; /* in flight, or a stale job (check_jobs) */
        if (!twilio_has(&rc->tw, p.twilio_sid)) {
            rec_note(rc, "missing_numbers", "twilio_sid", p.twilio_sid, "user_id", p.user_id);
            count(rc, rc->fix ? rec_fix_missing(rc, &p) : FIX_FAILED);
            continue;
        }
        const char *why = registration_problem(rc, &p, &trunk_bad);
        if (why == NULL)
            continue;
        rec_note(rc, "registrations", "twilio_sid", p.twilio_sid, "problem", why);
        count(rc, rc->fix ? rec_fix_registration(rc, &p, trunk_bad) : FIX_FAILED);
    }
}

static bool row_complete(const struct prov_sb_phone *p)
{
    return p->twilio_sid[0] && p->trunk_id[0] && p->rule_id[0];
}

/* Open jobs whose run is gone: a release to finish, or a job left open over a complete row. */
static void check_jobs(struct rec *rc)
{
    char now[40];
    const cJSON *j = NULL;
    fk_rfc3339_us(fk_now_us(), now, sizeof(now));
    cJSON_ArrayForEach(j, rc->jobs)
    {
        struct prov_job job;
        struct prov_sb_phone p;
        struct fk_error err = {{0}};
        bool have_row = false;
        if (prov_job_parse(j, &job, &err) != 0 || !prov_job_open(&job) ||
            !prov_job_claimable(&job, now, PROV_CLAIM_NORMAL))
            continue;
        const cJSON *row = NULL;
        cJSON_ArrayForEach(row, rc->rows)
        {
            if (!have_row && str_is(row, "user_id", job.user_id))
                have_row = prov_sb_parse_phone(row, &p, &err) == 0;
        }
        bool releasing = strcmp(job.status, "releasing") == 0;
        if (!releasing && !(have_row && row_complete(&p)))
            continue; /* resumable work, not drift: `resume` finishes it */
        rec_note(rc, "stale_jobs", "job_id", job.id, "status", job.status);
        count(rc, rc->fix ? rec_fix_stale_job(rc, &job, have_row ? &p : NULL) : FIX_FAILED);
    }
}

/* Read everything, in the order the header states. 0 or an exit code (recorded). */
static int read_all(struct rec *rc)
{
    struct prov_result r;
    int code = PROV_EXIT_OK;
    prov_result_init(&r);
    if (prov_sb_rest(rc->ctx, "GET", "provisioning_jobs?select=*", NULL, NULL, &r) != 0 ||
        !cJSON_IsArray(r.json)) {
        code = prov_fail_call(rc->ctx, "reconcile: read provisioning_jobs", &r);
    } else {
        rc->jobs = r.json;
        r.json = NULL;
        if (prov_sb_all_phones(rc->ctx, &rc->rows, &r) != 0)
            code = prov_fail_call(rc->ctx, "reconcile: read phone_numbers", &r);
        else if (prov_tw_list_all(rc->ctx, &rc->tw, &r) != 0)
            code = prov_fail_call(rc->ctx, "reconcile: list twilio numbers", &r);
        else if (prov_lk_list_trunks(rc->ctx, NULL, &rc->trunks, &r) != 0)
            code = prov_fail_call(rc->ctx, "reconcile: list livekit trunks", &r);
        else if (prov_lk_list_rules(rc->ctx, NULL, &rc->rules, &r) != 0)
            code = prov_fail_call(rc->ctx, "reconcile: list dispatch rules", &r);
    }
    prov_result_cleanup(&r);
    return code;
}

/* The status and exit code of the drift found. */
static int outcome(struct rec *rc)
{
    struct prov_ctx *ctx = rc->ctx;
    const char *status = rc->drift == 0           ? "clean"
                         : !rc->fix               ? "drift"
                         : rc->fixed == rc->drift ? "fixed"
                                                  : "drift";
    prov_set(ctx->out.status, sizeof(ctx->out.status), status);
    if (rc->drift > rc->fixed && !rc->fix)
        return prov_fail(ctx, PROV_EXIT_DRIFT, "%zu item(s) of drift found", rc->drift);
    if (rc->drift > rc->fixed)
        return prov_fail(ctx, rc->transient ? PROV_EXIT_UNAVAILABLE : PROV_EXIT_DRIFT,
                         "%zu of %zu item(s) of drift not repaired (see unfixed)",
                         rc->drift - rc->fixed, rc->drift);
    return PROV_EXIT_OK;
}

int prov_flow_reconcile(struct prov_ctx *ctx, bool fix)
{
    static const char *const lists[] = {"orphan_numbers", "missing_numbers", "orphan_trunks",
                                        "orphan_rules",   "registrations",   "stale_jobs",
                                        "unfixed"};
    struct rec rc = {.ctx = ctx, .fix = fix, .extra = cJSON_CreateObject()};
    ctx->step = "reconcile";
    for (size_t i = 0; rc.extra != NULL && i < sizeof(lists) / sizeof(lists[0]); i++)
        cJSON_AddArrayToObject(rc.extra, lists[i]);
    int code = PROV_EXIT_INTERNAL;
    if (rc.extra == NULL) {
        code = prov_fail(ctx, PROV_EXIT_INTERNAL, "out of memory");
    } else if ((code = read_all(&rc)) == PROV_EXIT_OK) {
        check_jobs(&rc);
        check_numbers(&rc);
        check_rows(&rc);
        check_livekit(&rc, false);
        check_livekit(&rc, true);
        code = outcome(&rc);
    }
    cJSON_AddNumberToObject(rc.extra, "drift", (double)rc.drift);
    cJSON_AddNumberToObject(rc.extra, "fixed", (double)rc.fixed);
    cJSON_Delete(ctx->out.extra);
    ctx->out.extra = rc.extra;
    prov_tw_list_cleanup(&rc.tw);
    prov_lk_items_cleanup(&rc.trunks);
    prov_lk_items_cleanup(&rc.rules);
    cJSON_Delete(rc.rows);
    cJSON_Delete(rc.jobs);
    return code;
}
