/* postgrest_rls.c: row-level security on /rest/v1 writes (rls.h), for postgrest_write.c.
 *
 * New rows are checked in the write itself: RETURNING ends with one more column, the
 * policies' WITH CHECK evaluated on the row as written (coalesce(..., 0): PostgreSQL's
 * ExecWithCheckOptions treats null as a violation), and run_write refuses the request when
 * any row has 0 there. PostgREST answers 42501 with 403, or 401 for the anon role
 * (Error.hs: mapSQLtoHTTP, "42501" -> if authed then 403 else 401). */
#include <stdio.h>
#include <string.h>

#include "fake_supabase/errors.h"
#include "fake_supabase/rest_ctx.h"
#include "fake_supabase/rls.h"

/* The new row is returned to the client: SELECT rights are needed, so the SELECT policies'
 * USING must hold for it as well (rowsecurity.c, ACL_SELECT). */
static bool returns_row(const struct sb_ctx *c)
{
    return c->pref.ret == SB_RET_REPR || c->pref.ret == SB_RET_HEADERS;
}

/* The policies a new row must pass: WITH CHECK of the command (UPDATE's for an upsert's row
 * that takes the update path), and SELECT's USING when the row is read back. */
static int new_row_check(struct sb_ctx *c, struct sb_sql *sql, bool updating)
{
    bool upd = updating || c->rls_upsert_update;
    int rc = sb_rls_check(sql, c->t, upd ? DDL_CMD_UPDATE : DDL_CMD_INSERT, &c->caller);

    if (rc == 0 && (updating || returns_row(c)))
        rc = sb_sql_raw(sql, " AND ");
    if (rc == 0 && (updating || returns_row(c)))
        rc = sb_rls_using(sql, c->t, DDL_CMD_SELECT, &c->caller);
    return rc;
}

int sb_rest_rls_upsert_path(struct sb_ctx *c, const cJSON *row, const int *keys, size_t nkeys)
{
    struct sb_sql sql;
    sqlite3_stmt *st = NULL;
    int rc = 0;

    c->rls_upsert_update = false;
    if (!sb_rls_applies(c->t, &c->caller) || c->pref.resolution != SB_RES_MERGE || nkeys == 0)
        return 0;
    for (size_t i = 0; i < nkeys; i++)
        if (cJSON_GetObjectItemCaseSensitive(row, c->t->cols[keys[i]].name) == NULL)
            return 0; /* a key from its default: a new row */
    sb_sql_init(&sql);
    rc = sb_sql_raw(&sql, "SELECT 1 FROM ");
    if (rc == 0)
        rc = sb_sql_ident(&sql, c->t->name);
    for (size_t i = 0; rc == 0 && i < nkeys; i++) {
        const struct sb_column *col = &c->t->cols[keys[i]];
        rc = sb_sql_raw(&sql, i == 0 ? " WHERE " : " AND ");
        if (rc == 0)
            rc = sb_sql_ident(&sql, col->name);
        if (rc == 0)
            rc = sb_sql_raw(&sql, " = ");
        if (rc == 0)
            rc = sb_rest_json_param(c, &sql, col, cJSON_GetObjectItemCaseSensitive(row, col->name));
    }
    if (rc == 0 && sqlite3_prepare_v2(c->db, fk_buf_str(&sql.text), -1, &st, NULL) != SQLITE_OK)
        rc = FK_ENOMEM;
    if (rc == 0 && sb_sql_bind(&sql, st) == SQLITE_OK)
        c->rls_upsert_update = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    sb_sql_cleanup(&sql);
    return rc;
}

int sb_rest_rls_returning(struct sb_ctx *c, struct sb_sql *sql, bool updating)
{
    int rc;

    c->rls_check = false;
    if (!sb_rls_applies(c->t, &c->caller))
        return 0;
    rc = sb_sql_raw(sql, ", coalesce(");
    if (rc == 0)
        rc = new_row_check(c, sql, updating);
    if (rc == 0)
        rc = sb_sql_raw(sql, ", 0)");
    c->rls_check = rc == 0;
    return rc;
}

int sb_rest_rls_precheck(struct sb_ctx *c, const cJSON *vals, bool updating)
{
    struct sb_sql sql;
    sqlite3_stmt *st = NULL;
    long long bad = 0;
    int rc;

    if (!sb_rls_applies(c->t, &c->caller))
        return 0;
    sb_sql_init(&sql);
    rc = sb_sql_raw(&sql, "SELECT count(*) FROM (SELECT ");
    for (size_t i = 0; rc == 0 && i < c->t->ncols; i++) {
        const char *name = c->t->cols[i].name;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(vals, name);
        rc = sb_sql_raw(&sql, i > 0 ? ", " : "");
        if (rc == 0 && v != NULL)
            rc = sb_rest_json_param(c, &sql, &c->t->cols[i], v);
        else if (rc == 0)
            rc = updating ? sb_sql_ident(&sql, name) : sb_sql_raw(&sql, "NULL");
        if (rc == 0)
            rc = sb_sql_raw(&sql, " AS ");
        if (rc == 0)
            rc = sb_sql_ident(&sql, name);
    }
    if (rc == 0 && updating) {
        rc = sb_sql_raw(&sql, " FROM ");
        if (rc == 0)
            rc = sb_sql_ident(&sql, c->t->name);
        if (rc == 0)
            rc = sb_sql_raw(&sql, " WHERE ");
        if (rc == 0)
            rc = sb_rest_where(c, &sql);
    }
    if (rc == 0)
        rc = sb_sql_raw(&sql, ") WHERE NOT coalesce(");
    if (rc == 0 && !updating) /* the proposed row: INSERT's check, whatever path it takes */
        rc = sb_rls_check(&sql, c->t, DDL_CMD_INSERT, &c->caller);
    else if (rc == 0)
        rc = new_row_check(c, &sql, updating);
    if (rc == 0)
        rc = sb_sql_raw(&sql, updating ? ", 0)" : ", 1)");
    if (rc == 0 && sqlite3_prepare_v2(c->db, fk_buf_str(&sql.text), -1, &st, NULL) != SQLITE_OK)
        rc = FK_ENOMEM;
    if (rc == 0 && sb_sql_bind(&sql, st) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        bad = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sb_sql_cleanup(&sql);
    if (rc == 0 && bad > 0)
        rc = fk_answered(sb_rest_rls_error(c, false));
    return rc;
}

int sb_rest_rls_conflict_where(struct sb_ctx *c, struct sb_sql *sql)
{
    int rc;

    /* pg_upsert_hit() last: it counts the rows the update takes (pgtype.h), so 200 or 201 */
    if (!sb_rls_applies(c->t, &c->caller))
        return sb_sql_raw(sql, " WHERE pg_upsert_hit()");
    rc = sb_sql_raw(sql, " WHERE ");
    if (rc == 0)
        rc = sb_rls_using(sql, c->t, DDL_CMD_UPDATE, &c->caller);
    if (rc == 0 && returns_row(c))
        rc = sb_sql_raw(sql, " AND ");
    if (rc == 0 && returns_row(c))
        rc = sb_rls_using(sql, c->t, DDL_CMD_SELECT, &c->caller);
    if (rc == 0)
        rc = sb_sql_raw(sql, " AND pg_upsert_hit()");
    return rc;
}

int sb_rest_rls_error(struct sb_ctx *c, bool using_expr)
{
    char msg[200];

    snprintf(msg, sizeof(msg), "new row violates row-level security policy %sfor table \"%s\"",
             using_expr ? "(USING expression) " : "", c->t->name);
    return sb_pg_error(c->resp, c->caller.role == SB_ROLE_ANON ? 401 : 403, "42501", msg, NULL,
                       NULL);
}
