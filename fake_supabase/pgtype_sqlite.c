/* pgtype_sqlite.c: what the type layer registers on every SQLite connection (see pgtype.h). */
#include <stddef.h>

#include "fake_supabase/pgtype.h"

static _Thread_local long upsert_updates;

void pg_upsert_reset(void)
{
    upsert_updates = 0;
}

long pg_upsert_updated(void)
{
    return upsert_updates;
}

/* pg_upsert_hit(): counts one row that ON CONFLICT DO UPDATE is about to update; always 1. */
static void fn_upsert_hit(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    upsert_updates++;
    sqlite3_result_int(ctx, 1);
}

static int register_all(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
    (void)errmsg;
    (void)api;
    return sqlite3_create_function(db, "pg_upsert_hit", 0, SQLITE_UTF8, NULL, fn_upsert_hit, NULL,
                                   NULL);
}

int pg_sqlite_register(sqlite3 *db)
{
    return register_all(db, NULL, NULL);
}

void pg_sqlite_auto(void)
{
    /* a no-op when already registered (sqlite.org/c3ref/auto_extension.html) */
    (void)sqlite3_auto_extension((void (*)(void))register_all);
}
