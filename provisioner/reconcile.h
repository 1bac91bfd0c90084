/* reconcile.h: `reconcile [--fix]` (prov_flow_reconcile), and what reconcile.c (finding
 * drift) and reconcile_fix.c (repairing it) share. Above flow.h: repairs run the flow's
 * remaining steps and its release.
 *
 * Drift is read in the order jobs, rows, Twilio, trunks, dispatch rules: a thing tagged for a
 * job that was not there when the jobs were read is looked up again by id before it is
 * judged, so a run that started meanwhile is seen as in flight, never as drift. Every repair
 * that concerns a job holds it first (a claim on the fence that was read), reads the user's
 * row again under it, repairs, and gives the job back with the status it had; a job another
 * run holds is left to that run ("deferred", not drift).
 *
 * Layer 7 (exit.h): prov_flow_reconcile() is called by cli.c; the rest is
 * reconcile.c and reconcile_fix.c's own. */
#ifndef PROV_RECONCILE_H
#define PROV_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "provisioner/ctx.h"
#include "provisioner/flow.h"
#include "provisioner/job.h"
#include "provisioner/livekit_api.h"
#include "provisioner/supabase_api.h"
#include "provisioner/twilio_api.h"

/* reconcile [--fix]: drift between Twilio, Supabase and LiveKit. Fills ctx->out (the drift
 * lists in out.extra) and returns the exit code: 0 when none is left, PROV_EXIT_DRIFT,
 * PROV_EXIT_UNAVAILABLE when a repair failed on a service that may come back, or the code
 * of a read that failed. */
int prov_flow_reconcile(struct prov_ctx *ctx, bool fix);

struct rec {
    struct prov_ctx *ctx;
    bool fix;
    cJSON *jobs; /* every job row, as first read */
    cJSON *rows; /* every active phone_numbers row */
    struct prov_tw_list tw;
    struct prov_lk_items trunks, rules;
    cJSON *extra; /* the output's drift lists */
    size_t drift, fixed;
    bool transient; /* a repair failed on a service that may come back */
};

/* Where a job stands for a thing tagged with it. */
enum rec_job { REC_ABSENT, REC_OPEN, REC_CLOSED, REC_ERROR };

/* What a repair did. */
enum rec_fix { FIX_DONE, FIX_DEFERRED, FIX_FAILED };

/* The kinds of thing reconcile releases. */
enum rec_kind { REC_NUMBER, REC_TRUNK, REC_RULE };

/* The job with id job_id (from the first read, else read now) into *job. */
enum rec_job rec_job_state(struct rec *rc, const char *job_id, struct prov_job *job);
/* The user's job as first read, or NULL. */
const cJSON *rec_user_job(const struct rec *rc, const char *user_id);
/* Add one drift entry {k1: v1, k2: v2} to the output list `list`. */
void rec_note(struct rec *rc, const char *list, const char *k1, const char *v1, const char *k2,
              const char *v2);
/* A repair that could not be made: {what, id, reason} in "unfixed". */
void rec_unfixed(struct rec *rc, const char *what, const char *id, const char *reason);

/* Repairs (reconcile_fix.c). Each returns what it did; a failure is noted in "unfixed". */
/* Release thing id of kind tagged for job (state st: absent or closed). */
enum rec_fix rec_fix_orphan(struct rec *rc, enum rec_kind kind, const char *id,
                            struct prov_job *job, enum rec_job st);
/* An active row whose number Twilio no longer has: drop its trunk and the row. */
enum rec_fix rec_fix_missing(struct rec *rc, const struct prov_sb_phone *row);
/* An active row whose trunk or rule is missing or wrong: register the number again. */
enum rec_fix rec_fix_registration(struct rec *rc, const struct prov_sb_phone *row, bool trunk_bad);
/* An open job whose run is gone (lease expired): finish its release, or close it. */
enum rec_fix rec_fix_stale_job(struct rec *rc, struct prov_job *job,
                               const struct prov_sb_phone *row);

#endif
