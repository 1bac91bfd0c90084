/* store.h: the SQLite database behind a fake's state.
 *
 * One connection per process, guarded by one mutex. fakekit calls every route handler and
 * every admin call with the store locked, so handlers use fk_store_db() freely and never
 * lock themselves; nothing may sleep or do network I/O while holding it.
 * ":memory:" (the default) or a file path, opened in WAL mode so state survives restarts.
 *
 * The lowest layer of the kit with err.h (which states the return conventions): anything
 * may call it, it calls only SQLite. Returns 0 or a negative fk_err unless said otherwise.
 * What is computed from the store is kept through fk_store_data_version (cache.h). */
#ifndef FK_STORE_H
#define FK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "fakekit/err.h"

struct fk_store;

/* Open path (":memory:" or a file) and run schema_sql (CREATE TABLE IF NOT EXISTS ...).
 * A file's open is counted (fk_store_generation). On failure *out is NULL and err says why. */
int fk_store_open(const char *path, const char *schema_sql, struct fk_store **out,
                  struct fk_error *err) FK_MUST_CHECK;
void fk_store_close(struct fk_store *st); /* NULL-safe; finalizes cached statements */

void fk_store_lock(struct fk_store *st);
void fk_store_unlock(struct fk_store *st);
sqlite3 *fk_store_db(struct fk_store *st);
/* How often the database file had been opened before this open (0 for ":memory:" and a new
 * file). Each open of a file counts itself in SQLite's user_version header field and mixes
 * the count into the kit's generator (fk_rand_mix), so that a fake restarted on the same
 * --db with the same --seed draws other ids than the run before (fakekit/ids.h). */
long fk_store_generation(const struct fk_store *st);

/* The store's data version: a number that moves whenever what the store holds may have
 * changed, and never moves back. Every INSERT, UPDATE or DELETE moves it as soon as its
 * statement completes (inside a transaction too), and so does the end of every write
 * transaction, committed or rolled back: DDL, fk_store_clear, seeds, state loads, a dry run's
 * rollback. Reads move nothing. What is computed from the store may be kept as long as this
 * number stays what it was then; struct fk_cache (fakekit/cache.h) does that, and nothing
 * else in a fake has to be told about writes. Call with the store locked. */
uint64_t fk_store_data_version(struct fk_store *st);

/* Prepared statements are cached per store, FK_STORE_STMT_CACHE of them; when full, the
 * least recently handed-out one that nobody may hold is finalized. A statement handed out
 * stays valid for its holder: with the store locked (every handler and admin call), until
 * fk_store_unlock, however many others are handed out meanwhile (the cache grows past
 * FK_STORE_STMT_CACHE for that section and shrinks back at the unlock); without the lock,
 * while it is mid-step, or until FK_STORE_STMT_CACHE - 1 others were handed out after it.
 * fk_store_stmt_flush, fk_store_clear, fk_store_close and an fk_store_exec that changes the
 * schema end every statement. Reuse hands out the same statement again: sqlite3_reset a
 * statement when done with it (a statement left mid-step holds its transaction open), and
 * never finalize it. */
#define FK_STORE_STMT_CACHE 128

/* A cached prepared statement for sql, reset and with bindings cleared: do not finalize it.
 * sql should be a string literal (its pointer finds it again fast; its text is the key).
 * NULL on error (logged). */
sqlite3_stmt *fk_store_stmt(struct fk_store *st, const char *sql);
/* The same for SQL text built at run time: the first len bytes of sql (no NUL needed) are
 * the key, and the cache keeps its own copy, so the caller may free or reuse sql at once.
 * NULL on error, not logged: sqlite3_errmsg(fk_store_db(st)) says why. */
sqlite3_stmt *fk_store_stmt_text(struct fk_store *st, const char *sql, size_t len);
/* Finalize every cached statement (none may be in use). */
void fk_store_stmt_flush(struct fk_store *st);
/* Step a bound cached statement once and copy column 0 of its first row into out (cut to
 * outlen); the statement is reset either way. 1 when a row came, 0 when none, FK_EIO. */
int fk_store_first_text(sqlite3_stmt *s, char *out, size_t outlen) FK_MUST_CHECK;

struct fk_store_stmt_stats {
    unsigned long long hits;      /* statements handed out from the cache */
    unsigned long long misses;    /* statements prepared and cached */
    unsigned long long evictions; /* least recently used ones finalized to make room */
    size_t size;                  /* statements cached now */
};
void fk_store_stmt_stats(const struct fk_store *st, struct fk_store_stmt_stats *out);

/* Run one or more statements; on error err holds SQLite's message. Flushes the statement
 * cache when they changed the schema. */
int fk_store_exec(struct fk_store *st, const char *sql, struct fk_error *err) FK_MUST_CHECK;
int fk_store_begin(struct fk_store *st) FK_MUST_CHECK; /* BEGIN IMMEDIATE */
int fk_store_commit(struct fk_store *st) FK_MUST_CHECK;
void fk_store_rollback(struct fk_store *st);

/* Delete every row of every table (reset to empty before re-seeding), after flushing the
 * statement cache. Call it inside a transaction (fk_store_begin): foreign keys are checked
 * at commit. */
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
