/* postgrest_write.h: POST (insert, upsert), PATCH and DELETE on /rest/v1/{table}
 * (postgrest_write.c), called by the dispatcher in postgrest.c. Layers: postgrest.c ->
 * postgrest_write.h -> postgrest_int.h -> filter.h -> pgtype.h -> SQLite. */
#ifndef SB_POSTGREST_WRITE_H
#define SB_POSTGREST_WRITE_H

#include "fake_supabase/postgrest_int.h"

int sb_rest_insert(struct sb_ctx *c) FK_MUST_CHECK;
int sb_rest_update(struct sb_ctx *c) FK_MUST_CHECK;
int sb_rest_delete(struct sb_ctx *c) FK_MUST_CHECK;

#endif
