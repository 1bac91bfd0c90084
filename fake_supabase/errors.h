/* errors.h: PostgREST's error answers, and SQLite failures translated into them.
 *
 * Every body has exactly the four keys PostgREST sends, {code, details, hint, message}, with
 * JSON null where a value is absent (docs/reference/supabase.md section 3, "Error bodies"), the
 * Content-Type "application/json; charset=utf-8" and "Proxy-Status: PostgREST; error=CODE".
 * The statuses follow PostgREST's SQLSTATE table: 23503/23505 -> 409, 42P01 -> 404,
 * 42501 -> 401 anonymous / 403 otherwise, unlisted codes -> 400. */
#ifndef SB_ERRORS_H
#define SB_ERRORS_H

#include <stdbool.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "fake_supabase/filter.h"
#include "fake_supabase/schema_cache.h"
#include "fakekit/descriptor.h"
#include "fakekit/http.h"

/* Fill resp (replacing any body) with one error. message is required; details and hint may
 * be NULL or "" for null. 0 or FK_ENOMEM. */
int sb_pg_error(struct fk_resp *resp, unsigned status, const char *code, const char *message,
                const char *details, const char *hint) FK_MUST_CHECK;
/* The same from a parser error. */
int sb_pg_qerr(struct fk_resp *resp, const struct sb_qerr *e) FK_MUST_CHECK;

/* The fault shorthand "error": a SQLSTATE or PGRST code ("23505", "PGRST116", "42501") or an
 * HTTP status ("500", "503", "429") -> the status and body PostgREST gives, with a typical
 * message. With resp == NULL only check that code is known. 0, FK_EINVAL (unknown code) or
 * FK_ENOMEM. */
int sb_pg_error_code(struct fk_resp *resp, const char *code) FK_MUST_CHECK;

/* fakekit's native answers in PostgREST's shape (see service.h). 413 and 429 have no
 * PostgREST code of their own; the fake uses PGRST413 and PGRST429 and says so. */
void sb_pg_native(struct fk_resp *resp, enum fk_native kind, const char *method,
                  long retry_after_s);

/* Translate the failure of the last statement on db (rc = its result code) while writing row
 * (the request's values, may be NULL) into table t: unique 23505 (409) with PostgreSQL's
 * constraint name and "Key (col)=(val) already exists.", not-null 23502 (400), foreign key
 * 23503 (409; the parent row is looked up to name the key), check 23514 (400), datatype
 * 22P02 (400), one of SQLite's size limits sb_pg_too_complex (400); anything else 500. deleting
 * selects the "still referenced" form of 23503. s is the whole cache (to find the child table of a
 * delete). 0 or FK_ENOMEM. */
int sb_pg_sqlite_error(struct fk_resp *resp, sqlite3 *db, int rc, const struct sb_schema *s,
                       const struct sb_table *t, const cJSON *row, bool deleting) FK_MUST_CHECK;

/* 400 54001 "statement too complex for the fake's SQLite", details naming the limit reached
 * (SQLite's own message, or the fake's "more than 30000 values"). PostgreSQL has no such
 * limit at these sizes and would answer; a client's request is never a 500. 0 or FK_ENOMEM. */
int sb_pg_too_complex(struct fk_resp *resp, const char *limit) FK_MUST_CHECK;

/* A table name as PostgreSQL would print it: auth_users is auth.users, shown as "users". */
const char *sb_pg_table_display(const char *name);

#endif
