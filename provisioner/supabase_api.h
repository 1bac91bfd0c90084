/* supabase_api.h: GoTrue's /auth/v1/user and the PostgREST calls on the flow's tables.
 *
 * The user's token is only used to learn who the user is (GET /auth/v1/user with the anon
 * key as apikey). Table reads and writes use the service_role key, as a backend does
 * (docs/reference/supabase.md). Tables: fake_supabase/schema.sql (phone_numbers, profiles,
 * provisioning_jobs). Row parsers are pure and reject wrong types.
 *
 * Layer 3 (exit.h): called by the job layer and above; returns 0 or a negative fk_err
 * with r filled, and records nothing. */
#ifndef PROV_SUPABASE_API_H
#define PROV_SUPABASE_API_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "provisioner/ctx.h"

struct prov_sb_phone {
    char id[64];
    char user_id[64];
    char phone_number[40];
    char twilio_sid[64];
    char status[16];
    char trunk_id[64];
    char rule_id[64];
    char job_id[40];
};

/* Parsers (pure): 0 or FK_EINVAL with err. */
int prov_sb_parse_user(const cJSON *body, char *id, size_t idlen,
                       struct fk_error *err) FK_MUST_CHECK;
int prov_sb_parse_phone(const cJSON *row, struct prov_sb_phone *out,
                        struct fk_error *err) FK_MUST_CHECK;
/* Check the column types of a row (an object): "attempts" and "fence" numbers, every other
 * column a string or null, of at most 255 bytes except "last_error" (free text the provisioner
 * never reads back; a long one must not make the job unreadable). where names the row in err
 * ("phone_numbers[0]"). */
int prov_sb_check_row(const cJSON *row, const char *where, struct fk_error *err) FK_MUST_CHECK;
/* The first row of a PostgREST array answer; NULL for [] (FK_EINVAL if not an array). */
int prov_sb_first_row(const cJSON *body, const cJSON **row, struct fk_error *err) FK_MUST_CHECK;
/* The PostgREST / SQLSTATE code of an error body ("23505"), "" if none. */
const char *prov_sb_error_code(const cJSON *body);

/* GET /auth/v1/user. On 401/403 the call fails with r->cls PROV_C_CLIENT. */
int prov_sb_get_user(struct prov_ctx *ctx, const char *token, char *user_id, size_t len,
                     struct prov_result *r);

/* One PostgREST request with the service_role key. path_query is appended to /rest/v1/.
 * prefer may be NULL; body may be NULL. Retried after any transient failure: for reads and
 * for writes whose second application changes nothing. */
int prov_sb_rest(struct prov_ctx *ctx, const char *method, const char *path_query, const char *body,
                 const char *prefer, struct prov_result *r);
/* The same for a write that must not be applied twice blindly (an insert, a claim): it stops
 * at a failure after which the write may have been applied (r->ambiguous), and the caller
 * reads the row back before sending it again. */
int prov_sb_rest_once(struct prov_ctx *ctx, const char *method, const char *path_query,
                      const char *body, const char *prefer, struct prov_result *r);

/* phone_numbers */
int prov_sb_active_phone(struct prov_ctx *ctx, const char *user_id, struct prov_sb_phone *out,
                         bool *found, struct prov_result *r);
int prov_sb_phone_by_sid(struct prov_ctx *ctx, const char *sid, struct prov_sb_phone *out,
                         bool *found, struct prov_result *r);
/* Insert the active row; a 23505 on twilio_sid for this user's row counts as done, and so
 * does an ambiguous failure after which the row is found stored (it is looked up before the
 * insert is sent again). */
int prov_sb_insert_phone(struct prov_ctx *ctx, const struct prov_sb_phone *p, const char *country,
                         const char *type, struct prov_result *r);
/* PATCH phone_numbers?twilio_sid=eq.SID with fields (borrowed). */
int prov_sb_patch_phone(struct prov_ctx *ctx, const char *sid, const cJSON *fields,
                        struct prov_result *r);
int prov_sb_delete_phone(struct prov_ctx *ctx, const char *sid, struct prov_result *r);
/* Mark the active row of SID released (release's first write, so that `provision` no longer
 * answers with a number being released). By SID, never by user: a release that lost its job
 * and writes late must not touch the row of a number provisioned since. */
int prov_sb_mark_released(struct prov_ctx *ctx, const char *sid, struct prov_result *r);
/* Delete the row of SID marked released. */
int prov_sb_delete_released(struct prov_ctx *ctx, const char *sid, struct prov_result *r);
/* Every active row (reconcile); caller cJSON_Delete()s *rows (an array). */
int prov_sb_all_phones(struct prov_ctx *ctx, cJSON **rows, struct prov_result *r);

/* profiles: upsert {id, phone_number, twilio_sid}. */
int prov_sb_set_profile_number(struct prov_ctx *ctx, const char *user_id, const char *number,
                               const char *sid, struct prov_result *r);
/* Clear the profile's number only while it is still the number of sid (a profile written
 * before the column existed: while it is still number). An undo that writes late, after its
 * job was lost, must not clear a number set since, even the same number bought again. */
int prov_sb_clear_profile_number(struct prov_ctx *ctx, const char *user_id, const char *number,
                                 const char *sid, struct prov_result *r);

#endif
