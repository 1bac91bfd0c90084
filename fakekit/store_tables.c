/* store_tables.c: whole tables of the store: clear, dump, a row as JSON, a JSON row inserted
 * (see store.h). Only the store's public functions are used here. */
#include "fakekit/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names of the user tables, in creation order. Caller frees with sqlite3_free_table. */
static int table_names(struct fk_store *st, char ***names, int *n)
{
    int cols = 0;
    char **res = NULL;

    if (sqlite3_get_table(fk_store_db(st),
                          "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE "
                          "'sqlite_%' ORDER BY rowid",
                          &res, n, &cols, NULL) != SQLITE_OK)
        return FK_EIO;
    *names = res;
    return 0;
}

int fk_store_clear(struct fk_store *st, struct fk_error *err)
{
    char **names = NULL;
    int n = 0, rc;

    if (table_names(st, &names, &n) != 0) {
        fk_error_set(err, "%s", sqlite3_errmsg(fk_store_db(st)));
        return FK_EIO;
    }
    /* No cached statement survives a reset of the state (none may be in progress either). */
    fk_store_stmt_flush(st);
    /* Deferred checks let the tables empty in any order; the transaction ends consistent. */
    rc = fk_store_exec(st, "PRAGMA defer_foreign_keys=ON", err);
    for (int i = n; rc == 0 && i >= 1; i--) {
        char *sql = sqlite3_mprintf("DELETE FROM \"%w\"", names[i]);
        rc = sql != NULL ? fk_store_exec(st, sql, err) : FK_ENOMEM;
        sqlite3_free(sql);
    }
    sqlite3_free_table(names);
    return rc;
}

cJSON *fk_store_row_json(sqlite3_stmt *stmt)
{
    cJSON *row = cJSON_CreateObject();
    int n = sqlite3_column_count(stmt);

    for (int i = 0; row != NULL && i < n; i++) {
        const char *name = sqlite3_column_name(stmt, i);
        cJSON *v;
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
            v = cJSON_CreateNumber((double)sqlite3_column_int64(stmt, i));
            break;
        case SQLITE_FLOAT:
            v = cJSON_CreateNumber(sqlite3_column_double(stmt, i));
            break;
        case SQLITE_NULL:
            v = cJSON_CreateNull();
            break;
        default:
            v = cJSON_CreateString((const char *)sqlite3_column_text(stmt, i));
            break;
        }
        if (v == NULL || !cJSON_AddItemToObject(row, name, v)) {
            cJSON_Delete(v);
            cJSON_Delete(row);
            return NULL;
        }
    }
    return row;
}

cJSON *fk_store_dump(struct fk_store *st)
{
    char **names = NULL;
    int n = 0;
    cJSON *out = cJSON_CreateObject();

    if (out == NULL || table_names(st, &names, &n) != 0) {
        cJSON_Delete(out);
        return NULL;
    }
    for (int i = 1; i <= n; i++) {
        char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY rowid", names[i]);
        sqlite3_stmt *s = NULL;
        cJSON *rows = cJSON_AddArrayToObject(out, names[i]);
        if (sql == NULL || rows == NULL ||
            sqlite3_prepare_v2(fk_store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
            sqlite3_free(sql);
            sqlite3_finalize(s);
            continue;
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            cJSON *row = fk_store_row_json(s);
            if (row != NULL)
                cJSON_AddItemToArray(rows, row);
        }
        sqlite3_finalize(s);
        sqlite3_free(sql);
    }
    sqlite3_free_table(names);
    return out;
}

bool fk_store_has_table(struct fk_store *st, const char *table)
{
    sqlite3_stmt *s =
        fk_store_stmt(st, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1");
    bool found;

    if (s == NULL)
        return false;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

bool fk_store_has_column(struct fk_store *st, const char *table, const char *column)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT 1 FROM pragma_table_info(?1) WHERE name=?2");
    bool found;

    if (s == NULL)
        return false;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, column, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

static int bind_json(sqlite3_stmt *s, int idx, const cJSON *v)
{
    if (cJSON_IsNull(v))
        return sqlite3_bind_null(s, idx);
    if (cJSON_IsBool(v))
        return sqlite3_bind_int(s, idx, cJSON_IsTrue(v));
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        /* Whole numbers in the int64 range bind as integers; converting anything else to
         * long long would be undefined. */
        if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(long long)d)
            return sqlite3_bind_int64(s, idx, (long long)d);
        return sqlite3_bind_double(s, idx, d);
    }
    if (cJSON_IsString(v))
        return sqlite3_bind_text(s, idx, v->valuestring, -1, SQLITE_TRANSIENT);
    char *text = cJSON_PrintUnformatted(v);
    if (text == NULL)
        return SQLITE_NOMEM;
    int rc = sqlite3_bind_text(s, idx, text, -1, SQLITE_TRANSIENT);
    cJSON_free(text);
    return rc;
}

int fk_store_insert_json(struct fk_store *st, const char *table, const cJSON *row, const char *path,
                         struct fk_error *err)
{
    sqlite3_str *sql = sqlite3_str_new(fk_store_db(st));
    sqlite3_stmt *s = NULL;
    char *text = NULL;
    int rc = FK_EINVAL, n = 0;
    const cJSON *v;

    if (!cJSON_IsObject(row)) {
        fk_error_set(err, "%s: expected an object", path);
        goto out;
    }
    if (!fk_store_has_table(st, table)) {
        fk_error_set(err, "%s: unknown table '%s'", path, table);
        goto out;
    }
    sqlite3_str_appendf(sql, "INSERT INTO \"%w\" (", table);
    cJSON_ArrayForEach(v, row)
    {
        if (!fk_store_has_column(st, table, v->string)) {
            fk_error_set(err, "%s: unknown column '%s' of table '%s'", path, v->string, table);
            goto out;
        }
        sqlite3_str_appendf(sql, "%s\"%w\"", n++ ? ", " : "", v->string);
    }
    if (n == 0) {
        sqlite3_str_appendf(sql, ") VALUES (");
        sqlite3_str_reset(sql);
        sqlite3_str_appendf(sql, "INSERT INTO \"%w\" DEFAULT VALUES", table);
    } else {
        sqlite3_str_appendall(sql, ") VALUES (");
        for (int i = 1; i <= n; i++)
            sqlite3_str_appendf(sql, "%s?%d", i > 1 ? ", " : "", i);
        sqlite3_str_appendall(sql, ")");
    }
    text = sqlite3_str_finish(sql);
    sql = NULL;
    if (text == NULL) {
        rc = FK_ENOMEM;
        goto out;
    }
    if (sqlite3_prepare_v2(fk_store_db(st), text, -1, &s, NULL) != SQLITE_OK) {
        fk_error_set(err, "%s: %s", path, sqlite3_errmsg(fk_store_db(st)));
        rc = FK_EIO;
        goto out;
    }
    n = 0;
    cJSON_ArrayForEach(v, row) bind_json(s, ++n, v);
    int step = sqlite3_step(s);
    if (step != SQLITE_DONE) {
        fk_error_set(err, "%s: %s", path, sqlite3_errmsg(fk_store_db(st)));
        rc = (step & 0xff) == SQLITE_CONSTRAINT ? FK_ECONFLICT : FK_EIO;
        goto out;
    }
    rc = 0;
out:
    if (sql != NULL)
        sqlite3_free(sqlite3_str_finish(sql));
    sqlite3_free(text);
    sqlite3_finalize(s);
    return rc;
}
