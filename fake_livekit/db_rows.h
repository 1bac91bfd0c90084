/* db_rows.h: the row helpers under fake_livekit's tables: walking stored items, running a
 * write statement, the conflict_flaws counts, the kind of a trunk.
 *
 * The lowest layer of fake_livekit's storage: db.c (items and the state document) and the
 * index tables (rule_keys.c, trunk_keys.c) call these, and these call only fakekit's store.
 * Every function expects the store to be locked, as fakekit does around handlers and admin
 * calls. Returns: 0 or a negative fk_err (FK_EIO on a database error, logged), unless said
 * otherwise. */
#ifndef LK_DB_ROWS_H
#define LK_DB_ROWS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/store.h"

enum lk_kind { LK_INBOUND = 1, LK_OUTBOUND = 2 };

/* "inbound" or "outbound", as the kind column holds it. */
const char *lk_kind_name(enum lk_kind k);
/* Step a prepared "SELECT info ..." to its end and collect column 0 parsed as JSON, in row
 * order; NULL on error. The statement is reset. */
cJSON *lk_db_collect(sqlite3_stmt *s);

/* Call fn with every stored row of sql ("SELECT info[, other] FROM ..."): its info parsed,
 * and column 1 as text ("" when absent). Stops at fn's first non-zero return and returns it;
 * FK_ENOMEM, FK_EIO. Its statement is its own, so fn may use cached ones meanwhile. */
typedef int (*lk_db_row_fn)(struct fk_store *st, const cJSON *info, const char *col1, void *ctx);
int lk_db_each_info(struct fk_store *st, const char *sql, lk_db_row_fn fn, void *ctx) FK_MUST_CHECK;
/* Rebuild index tables: run clear_sql ("DELETE FROM ..."), then lk_db_each_info(select_sql,
 * fn) to refill them. 0, fn's error, FK_EIO. */
int lk_db_reindex(struct fk_store *st, const char *clear_sql, const char *select_sql,
                  lk_db_row_fn fn) FK_MUST_CHECK;

/* Run s (no result; its parameters bound) to completion and reset it; a failure is logged.
 * 0 or FK_EIO. */
int lk_db_step_done(sqlite3_stmt *s) FK_MUST_CHECK;
/* lk_db_step_done of the cached statement sql with ?1 bound to id. */
int lk_db_run_id(struct fk_store *st, const char *sql, const char *id) FK_MUST_CHECK;

/* conflict_flaws: for what ("rules", "trunks"), how many stored conflict key rows would fail
 * a conflict walk of the stored items alone (rule_keys.h, trunk_keys.h); 0 when none do.
 * lk_db_flaws reads it (0 when no row); lk_db_flaws_move runs count_sql (a count with ?1
 * bound to id: the flaws of that item's rows as they stand) and adds its result times sign
 * (+1 after the rows are inserted, -1 before they are deleted). 0 or FK_EIO. */
int lk_db_flaws(struct fk_store *st, const char *what, sqlite3_int64 *n) FK_MUST_CHECK;
int lk_db_flaws_move(struct fk_store *st, const char *what, const char *count_sql, const char *id,
                     int sign) FK_MUST_CHECK;

#endif
