/* pgtype.h: PostgreSQL's types below fake_supabase's PostgREST handlers.
 *
 * Registered on SQLite connections (pg_sqlite_auto: every connection opened afterwards):
 *   pg_upsert_hit()  counts the rows an INSERT ... ON CONFLICT DO UPDATE updates (its WHERE),
 *                    so an upsert can answer 200 (nothing inserted) or 201 as PostgREST 12. */
#ifndef SB_PGTYPE_H
#define SB_PGTYPE_H

#include <sqlite3.h>

/* Register the functions and collations on db. SQLite's result code. */
int pg_sqlite_register(sqlite3 *db);
/* Register them on every connection this process opens from now on (idempotent). */
void pg_sqlite_auto(void);
/* The calling thread's count of pg_upsert_hit() calls: reset, then read. */
void pg_upsert_reset(void);
long pg_upsert_updated(void);

#endif
