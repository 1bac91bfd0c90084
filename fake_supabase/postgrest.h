/* postgrest.h: the /rest/v1 half of fake_supabase (PostgREST over the fake's SQLite store).
 *
 * One handler serves GET HEAD POST PATCH DELETE /rest/v1/{table} for the tables of the
 * --schema file (the schema cache); the grammar is filter.h's, the errors errors.h's, and
 * the statuses, headers and bodies follow docs/reference/supabase.md sections 2 and 3.
 *
 * Roles (the fake has no row-level security policies; this is what it enforces instead, the
 * policy most Supabase projects write, "auth.uid() = user_id"):
 *   - service_role: everything, every row.
 *   - authenticated (a user JWT): on a table with an owner column (user_id, or a column that
 *     references auth_users(id) such as profiles.id) reads, updates and deletes see only the
 *     rows whose owner is the token's sub; an inserted, upserted or updated row must keep
 *     owner = sub, else 403 42501 "new row violates row-level security policy for table".
 *     Tables without an owner column are fully open to it.
 *   - anon: reads see tables without an owner column, and no rows of the others (as RLS
 *     shows them); every write is 401 42501 "permission denied for table t".
 * As in Supabase (pg-safeupdate), PATCH and DELETE without any filter are refused (21000). */
#ifndef SB_POSTGREST_H
#define SB_POSTGREST_H

#include <cjson/cJSON.h>

#include "fake_supabase/schema_cache.h"
#include "fakekit/err.h"
#include "fakekit/http.h"
#include "fakekit/router.h"
#include "fakekit/store.h"

/* The fake's state (struct fk_service.init's *svc, req->svc in handlers). */
struct sb_svc {
    char *schema_sql;         /* auth schema + the --schema file, run when the store opens */
    struct sb_schema *schema; /* the --schema file's tables only */
};

/* GET HEAD POST PATCH DELETE /rest/v1/{table}. */
int sb_rest_table(const struct fk_req *req, struct fk_resp *resp);
/* /rest/v1/rpc/{fn}: the fake has no functions, so 404 PGRST202 as PostgREST says. */
int sb_rest_rpc(const struct fk_req *req, struct fk_resp *resp);

/* Insert the "rows" part of a state document, {"table": [row, ...]}, into the exposed tables
 * (path is its JSON path for messages). Runs inside the caller's transaction. 0, FK_EINVAL,
 * FK_ECONFLICT or FK_ENOMEM with err set. Borrows rows. */
int sb_rest_load_rows(struct fk_store *st, const struct sb_schema *s, const cJSON *rows,
                      const char *path, struct fk_error *err) FK_MUST_CHECK;
/* Every exposed table as {"table": [rows in rowid order]}, values typed as /rest/v1 types
 * them. Caller cJSON_Delete()s it; NULL on error. */
cJSON *sb_rest_dump_rows(struct fk_store *st, const struct sb_schema *s);

/* Every /rest/v1/... route (GET, HEAD, POST, PATCH, DELETE on tables; GET, HEAD, POST on
 * functions). */
extern const struct fk_route sb_rest_routes[];
extern const size_t sb_rest_nroutes;
/* Every route of fake_supabase, /rest/v1 then /auth/v1, copied into out: how many, or 0 when
 * cap is too small for them all. */
size_t sb_routes_join(struct fk_route *out, size_t cap);

#endif
