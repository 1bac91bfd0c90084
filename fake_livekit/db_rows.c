/* db_rows.c: the row helpers under fake_livekit's tables (see db_rows.h). */
#include "fake_livekit/db_rows.h"

#include "fakekit/log.h"

const char *lk_kind_name(enum lk_kind k)
{
    return k == LK_INBOUND ? "inbound" : "outbound";
}

int lk_db_each_info(struct fk_store *st, const char *sql, lk_db_row_fn fn, void *ctx)
{
    sqlite3_stmt *q = NULL;
    int rc = 0, step = SQLITE_DONE;

    if (sqlite3_prepare_v2(fk_store_db(st), sql, -1, &q, NULL) != SQLITE_OK)
        rc = FK_EIO;
    while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
        const unsigned char *c1 = sqlite3_column_count(q) > 1 ? sqlite3_column_text(q, 1) : NULL;
        cJSON *info = cJSON_Parse((const char *)sqlite3_column_text(q, 0));
        rc = info ? fn(st, info, c1 ? (const char *)c1 : "", ctx) : FK_ENOMEM;
        cJSON_Delete(info);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = FK_EIO;
    sqlite3_finalize(q);
    return rc;
}

int lk_db_reindex(struct fk_store *st, const char *clear_sql, const char *select_sql,
                  lk_db_row_fn fn)
{
    struct fk_error err = {{0}};

    if (fk_store_exec(st, clear_sql, &err) != 0)
        return FK_EIO;
    return lk_db_each_info(st, select_sql, fn, NULL);
}

int lk_db_step_done(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    if (rc != 0)
        fk_log(FK_LOG_ERROR, "event=db_write_failed error=\"%s\"",
               sqlite3_errmsg(sqlite3_db_handle(s)));
    sqlite3_reset(s);
    return rc;
}

int lk_db_run_id(struct fk_store *st, const char *sql, const char *id)
{
    sqlite3_stmt *s = fk_store_stmt(st, sql);
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    return lk_db_step_done(s);
}

/* ---- conflict_flaws ---- */

int lk_db_flaws(struct fk_store *st, const char *what, sqlite3_int64 *n)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT n FROM conflict_flaws WHERE what = ?1");
    *n = 0;
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, what, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : FK_EIO;
}

int lk_db_flaws_move(struct fk_store *st, const char *what, const char *count_sql, const char *id,
                     int sign)
{
    sqlite3_stmt *s = fk_store_stmt(st, count_sql);
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(s);
    sqlite3_int64 n = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (step != SQLITE_ROW)
        return FK_EIO;
    if (n == 0)
        return 0;
    /* An upsert: a reset empties the table, rows and all. */
    s = fk_store_stmt(st, "INSERT INTO conflict_flaws (what, n) VALUES (?1, ?2)"
                          " ON CONFLICT (what) DO UPDATE SET n = n + excluded.n");
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, what, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, sign < 0 ? -n : n);
    step = sqlite3_step(s);
    sqlite3_reset(s);
    return step == SQLITE_DONE ? 0 : FK_EIO;
}

cJSON *lk_db_collect(sqlite3_stmt *s)
{
    cJSON *arr = cJSON_CreateArray();
    int step;
    while (arr && (step = sqlite3_step(s)) == SQLITE_ROW) {
        cJSON *item = cJSON_Parse((const char *)sqlite3_column_text(s, 0));
        if (!item || !cJSON_AddItemToArray(arr, item)) {
            cJSON_Delete(item);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    if (arr && step != SQLITE_DONE) {
        cJSON_Delete(arr);
        arr = NULL;
    }
    sqlite3_reset(s);
    return arr;
}
