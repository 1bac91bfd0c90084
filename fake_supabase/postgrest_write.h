/* postgrest_write.h: POST (insert, upsert), PATCH and DELETE on /rest/v1/{table}
 * (postgrest_write.c), called by the dispatcher in postgrest.c. Layers: postgrest.c ->
 * postgrest_write.h -> rest_ctx.h -> filter.h -> pgtype.h -> SQLite. */
#ifndef SB_POSTGREST_WRITE_H
#define SB_POSTGREST_WRITE_H

#include "fake_supabase/rest_ctx.h"

int sb_rest_insert(struct sb_ctx *c) FK_MUST_CHECK;
int sb_rest_update(struct sb_ctx *c) FK_MUST_CHECK;
int sb_rest_delete(struct sb_ctx *c) FK_MUST_CHECK;
/* For a POST or PATCH whose filters PostgreSQL would refuse when the query runs: answer the
 * body's own error first (PGRST102, 22P05), as PostgREST parses the body before it queries.
 * FK_ANSWERED when an answer was written, FK_OK when the body is well formed, FK_ENOMEM. */
int sb_rest_body_first(struct sb_ctx *c) FK_MUST_CHECK;

#endif
