/* store.h: the SQLite database behind a fake's state.
 *
 * One connection per process, guarded by one mutex. fakekit calls every route handler and
 * every admin call with the store locked, so handlers use fk_store_db() freely and never
 * lock themselves; nothing may sleep or do network I/O while holding it.
 * ":memory:" (the default) or a file path, opened in WAL mode so state survives restarts. */
#ifndef FK_STORE_H
#define FK_STORE_H

#include <stdbool.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "fakekit/err.h"

struct fk_store;

/* Open path (":memory:" or a file) and run schema_sql (CREATE TABLE IF NOT EXISTS ...).
 * On failure *out is NULL and err says why. */
int fk_store_open(const char *path, const char *schema_sql, struct fk_store **out,
                  struct fk_error *err) FK_MUST_CHECK;
void fk_store_close(struct fk_store *st); /* NULL-safe; finalizes cached statements */

void fk_store_lock(struct fk_store *st);
void fk_store_unlock(struct fk_store *st);
sqlite3 *fk_store_db(struct fk_store *st);

/* A cached prepared statement for sql, reset and with bindings cleared: do not finalize it.
 * sql should be a string literal (its text is the cache key). NULL on error (logged). */
sqlite3_stmt *fk_store_stmt(struct fk_store *st, const char *sql);

/* Run one or more statements; on error err holds SQLite's message. */
int fk_store_exec(struct fk_store *st, const char *sql, struct fk_error *err) FK_MUST_CHECK;
int fk_store_begin(struct fk_store *st) FK_MUST_CHECK; /* BEGIN IMMEDIATE */
int fk_store_commit(struct fk_store *st) FK_MUST_CHECK;
void fk_store_rollback(struct fk_store *st);

/* Delete every row of every table (reset to empty before re-seeding). Call it inside a
 * transaction (fk_store_begin): foreign keys are checked at commit. */
int fk_store_clear(struct fk_store *st, struct fk_error *err) FK_MUST_CHECK;

/* The current row of st as a JSON object, keyed by column name; integers and reals as
 * numbers, NULL as null, text as strings, blobs as strings. Caller cJSON_Delete()s it. */
cJSON *fk_store_row_json(sqlite3_stmt *stmt);

/* All tables as {"table": [rows...]} in rowid order. Caller cJSON_Delete()s it. */
cJSON *fk_store_dump(struct fk_store *st);

/* Insert one JSON object as a row of table. Keys must be columns of table (else FK_EINVAL,
 * "path: unknown column 'x' of table 't'"); numbers, strings, booleans (0/1) and null bind
 * as such, objects and arrays as their JSON text. Constraint failures give FK_ECONFLICT. */
int fk_store_insert_json(struct fk_store *st, const char *table, const cJSON *row, const char *path,
                         struct fk_error *err) FK_MUST_CHECK;

/* True when table exists; column lookups for identifier checks. */
bool fk_store_has_table(struct fk_store *st, const char *table);
bool fk_store_has_column(struct fk_store *st, const char *table, const char *column);

#endif
