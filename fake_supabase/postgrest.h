/* postgrest.h: the /rest/v1 half of fake_supabase (PostgREST over the fake's SQLite store).
 *
 * One handler serves GET HEAD POST PATCH DELETE /rest/v1/{table} for the tables of the
 * --schema file (the schema cache); the grammar is filter.h's, the errors errors.h's, and
 * the statuses, headers and bodies follow docs/reference/supabase.md sections 2 and 3.
 *
 * Roles: service_role bypasses row-level security. On a table with RLS enabled, anon and
 * authenticated see and write what its policies allow (rls.h: permissive policies OR-ed,
 * restrictive AND-ed, none = nothing); a write a WITH CHECK refuses is 403 (401 for anon)
 * 42501 "new row violates row-level security policy for table". A table without RLS is open
 * to both, as Supabase's default grants make it. Only a schema that declares no policy and
 * enables RLS nowhere (an old SQLite --schema file) gets the fallback owner rule: a user_id
 * column, or one referencing auth_users(id), ties rows to the token's sub, and anon writes
 * nothing (401 42501 "permission denied for table t").
 * As in Supabase (pg-safeupdate), PATCH and DELETE without any filter are refused (21000). */
#ifndef SB_POSTGREST_H
#define SB_POSTGREST_H

#include <cjson/cJSON.h>

#include "fake_supabase/schema_cache.h"
#include "fakekit/err.h"
#include "fakekit/http.h"
#include "fakekit/router.h"
#include "fakekit/store.h"

/* GET HEAD POST PATCH DELETE /rest/v1/{table}. */
int sb_rest_table(const struct fk_req *req, struct fk_resp *resp);
/* /rest/v1/rpc/{fn}: the fake has no functions, so 404 PGRST202 as PostgREST says. */
int sb_rest_rpc(const struct fk_req *req, struct fk_resp *resp);

/* Insert the "rows" part of a state document, {"table": [row, ...]}, into the exposed tables
 * (path is its JSON path for messages). Runs inside the caller's transaction. 0, FK_EINVAL,
 * FK_ECONFLICT or FK_ENOMEM with err set. Borrows rows. */
/* The PostgREST major version answered (--postgrest-version, 12 or 13; default 12): v12.2's
 * Error.hs has no PGRST205, so an unknown table reaches PostgreSQL (404 42P01 "relation
 * \"public.t\" does not exist", or 404 {} for a POST/PATCH naming columns: Plan.hs
 * resolveOrError NotFound), and PGRST116 says "JSON object requested, multiple (or no) rows
 * returned"; v13 answers 404 PGRST205 "Could not find the table 'public.t' in the schema
 * cache" (hint: the closest table) and "Cannot coerce the result to a single JSON object". */
void sb_rest_set_version(int major);
int sb_rest_version(void);
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
