/* postgrest_write.c: POST (insert, upsert), PATCH and DELETE on /rest/v1/{table}.
 *
 * Each request is one transaction (BEGIN IMMEDIATE ... COMMIT), so an array insert that
 * fails on its third row leaves no row behind, and a single-object request (Accept:
 * application/vnd.pgrst.object+json) that touches other than one row is rolled back, as
 * PostgREST does. Values bind by the column's affinity; a string that cannot be the
 * column's integer or real type is 22P02, as PostgreSQL's input functions say. Upserts are
 * SQLite's INSERT ... ON CONFLICT (cols) DO UPDATE / DO NOTHING. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_supabase/errors.h"
#include "fake_supabase/pgtype.h"
#include "fake_supabase/postgrest_write.h"
#include "fake_supabase/rls.h"

#define MAX_COLS 256

static int rls_error(struct sb_ctx *c)
{
    return sb_rest_rls_error(c, false);
}

/* An authenticated caller may only write rows it owns (see postgrest.h). */
static bool owner_ok(const struct sb_ctx *c, const cJSON *row, bool required)
{
    const cJSON *v;

    if (c->caller.role == SB_ROLE_SERVICE || c->t->owner_col < 0 || c->t->rls_mode != SB_RLS_OWNER)
        return true;
    v = cJSON_GetObjectItemCaseSensitive(row, c->t->cols[c->t->owner_col].name);
    if (v == NULL)
        return !required;
    return cJSON_IsString(v) && strcmp(v->valuestring, c->caller.sub) == 0;
}

static int bad_input(struct sb_ctx *c, const char *type, const char *text)
{
    char msg[256];

    snprintf(msg, sizeof(msg), "invalid input syntax for type %s: \"%.150s\"", type, text);
    return sb_pg_error(c->resp, 400, "22P02", msg, NULL, NULL);
}

/* Bind JSON value v for column col as a parameter of sql. FK_ANSWERED when an error answer was
 * written, 0 on success, FK_ENOMEM. */
int sb_rest_json_param(struct sb_ctx *c, struct sb_sql *sql, const struct sb_column *col,
                       const cJSON *v)
{
    struct sb_param p = {SB_PARAM_NULL, 0, 0, NULL};
    char *printed = NULL, *end = NULL;
    int rc;

    if (col->type.kind != PG_UNKNOWN) { /* the column's PostgreSQL type (pgtype.h) */
        struct pg_value pv;
        struct pg_error e;
        rc = pg_input_json(&col->type, v, &pv, &e);
        if (rc == FK_EINVAL)
            return fk_answered(sb_pg_error(c->resp, 400, e.code, e.message, NULL, NULL));
        if (rc != 0)
            return FK_ENOMEM;
        rc = sb_sql_storage(sql, &pv);
        pg_value_free(&pv);
        return rc == 0 ? 0 : FK_ENOMEM;
    }
    if (v == NULL || cJSON_IsNull(v)) {
        p.type = SB_PARAM_NULL;
    } else if (cJSON_IsBool(v)) {
        p.type = col->aff == SB_AFF_TEXT ? SB_PARAM_TEXT : SB_PARAM_INT;
        p.i = cJSON_IsTrue(v);
        p.s = (char *)(cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v) && col->aff != SB_AFF_TEXT) {
        double d = v->valuedouble;
        bool integral = d == floor(d) && fabs(d) < 9.2e18;
        p.type = integral && col->aff != SB_AFF_REAL ? SB_PARAM_INT : SB_PARAM_REAL;
        p.i = integral ? (long long)d : 0;
        p.d = d;
    } else if (cJSON_IsString(v) && col->is_bool) {
        const char *s = v->valuestring;
        if (strcasecmp(s, "true") != 0 && strcasecmp(s, "false") != 0 && strcmp(s, "t") != 0 &&
            strcmp(s, "f") != 0)
            return fk_answered(bad_input(c, "boolean", s));
        p.type = SB_PARAM_INT;
        p.i = s[0] == 't' || s[0] == 'T';
    } else if (cJSON_IsString(v) && col->aff == SB_AFF_INTEGER) {
        errno = 0;
        p.i = strtoll(v->valuestring, &end, 10);
        if (v->valuestring[0] == '\0' || *end != '\0' || errno != 0)
            return fk_answered(bad_input(c, "integer", v->valuestring));
        p.type = SB_PARAM_INT;
    } else if (cJSON_IsString(v) && col->aff == SB_AFF_REAL) {
        errno = 0;
        p.d = strtod(v->valuestring, &end);
        if (v->valuestring[0] == '\0' || *end != '\0' || errno != 0)
            return fk_answered(bad_input(c, "double precision", v->valuestring));
        p.type = SB_PARAM_REAL;
    } else if (cJSON_IsString(v)) {
        p.type = SB_PARAM_TEXT;
        p.s = v->valuestring;
    } else {
        /* numbers into text columns, objects and arrays: their JSON text */
        printed = cJSON_PrintUnformatted(v);
        if (printed == NULL)
            return FK_ENOMEM;
        p.type = SB_PARAM_TEXT;
        p.s = printed;
    }
    rc = sb_sql_param(sql, &p);
    cJSON_free(printed);
    return rc == 0 ? 0 : FK_ENOMEM;
}

/* Parse the body: an object, or (arrays_ok) an array of objects. FK_ANSWERED when an error answer
 * was written. */
static int parse_body(struct sb_ctx *c, bool arrays_ok, cJSON **out)
{
    cJSON *body, *it;
    bool ok;

    if (pg_body_has_nul(c->req->body, c->req->body_len)) /* text cannot hold NUL */
        return fk_answered(sb_pg_error(c->resp, 400, "22P05", "unsupported Unicode escape sequence",
                                       "\\u0000 cannot be converted to text.", NULL));
    body = fk_req_json(c->req, NULL);
    if (body != NULL && !cJSON_IsObject(body) && !cJSON_IsArray(body) && c->q.columns == NULL) {
        /* ApiRequest.hs payloadAttributes: "truncate everything else to an empty array" (a
         * POST inserts nothing; a PATCH of no columns updates nothing) */
        cJSON_Delete(body);
        body = arrays_ok ? cJSON_CreateArray() : cJSON_CreateObject();
        if (body == NULL)
            return FK_ENOMEM;
    }
    ok = body != NULL && (cJSON_IsObject(body) || (arrays_ok && cJSON_IsArray(body)));
    for (it = cJSON_IsArray(body) ? body->child : NULL; ok && it != NULL; it = it->next)
        if (!cJSON_IsObject(it)) { /* payloadAttributes: an array not all of objects */
            cJSON_Delete(body);
            return fk_answered(
                sb_pg_error(c->resp, 400, "PGRST102", "All object keys must match", NULL, NULL));
        }
    if (!ok) {
        cJSON_Delete(body);
        return fk_answered(
            sb_pg_error(c->resp, 400, "PGRST102", "Empty or invalid json", NULL, NULL));
    }
    *out = body;
    return 0;
}

/* The columns written: columns= when given, else the keys of the first object, which every
 * other object must share ("All object keys must match"). FK_ANSWERED when an error was written. */
static int key_columns(struct sb_ctx *c, const cJSON *rows, int *cols, size_t *n)
{
    const cJSON *first = cJSON_GetArrayItem(rows, 0), *k, *row;
    char msg[256];

    *n = 0;
    if (c->q.columns != NULL) {
        for (size_t i = 0; i < c->q.ncolumns && i < MAX_COLS; i++)
            cols[(*n)++] = c->q.columns[i];
        return 0;
    }
    cJSON_ArrayForEach(k, first)
    {
        int col = sb_table_column(c->t, k->string);
        if (col < 0) {
            snprintf(msg, sizeof(msg),
                     "Could not find the '%.100s' column of '%.100s' in the schema cache",
                     k->string, c->t->name);
            return fk_answered(sb_pg_error(c->resp, 400, "PGRST204", msg, NULL, NULL));
        }
        if (*n < MAX_COLS)
            cols[(*n)++] = col;
    }
    cJSON_ArrayForEach(row, rows)
    {
        bool same = cJSON_GetArraySize(row) == (int)*n;
        for (size_t i = 0; same && i < *n; i++)
            same = cJSON_GetObjectItemCaseSensitive(row, c->t->cols[cols[i]].name) != NULL;
        if (!same)
            return fk_answered(
                sb_pg_error(c->resp, 400, "PGRST102", "All object keys must match", NULL, NULL));
    }
    return 0;
}

/* Step a prepared write, appending each RETURNING row to out. SQLite's result code. */
static int run_write(struct sb_ctx *c, struct sb_sql *sql, cJSON *out, const cJSON *row,
                     bool deleting, int *answered)
{
    sqlite3_stmt *st = fk_store_stmt_text(c->req->store, fk_buf_str(&sql->text), sql->text.len);
    int rc = st != NULL                            ? sb_sql_bind(sql, st)
             : sqlite3_errcode(c->db) != SQLITE_OK ? sqlite3_errcode(c->db)
                                                   : SQLITE_NOMEM;

    *answered = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *full;
        if (c->rls_check && sqlite3_column_int(st, (int)c->t->ncols) == 0) {
            sqlite3_reset(st);
            *answered = rls_error(c) == 0;
            return SQLITE_CONSTRAINT;
        }
        full = sb_rest_row(c->t, st);
        if (full == NULL || !cJSON_AddItemToArray(out, full)) {
            cJSON_Delete(full);
            rc = SQLITE_NOMEM;
            break;
        }
        rc = SQLITE_OK;
    }
    if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    } else if (rc != SQLITE_OK) {
        int e = sb_pg_sqlite_error(c->resp, c->db, rc, c->svc->schema, c->t, row, deleting);
        *answered = e == 0;
    }
    if (st != NULL)
        sqlite3_reset(st); /* cached: must not stay in progress across COMMIT */
    return rc;
}

/* SQLite lets a primary key other than INTEGER PRIMARY KEY be NULL; PostgreSQL never does
 * (23502). Checks the rows of out from index from on. FK_ANSWERED when an error answer was written.
 */
static int check_pk_null(struct sb_ctx *c, const cJSON *out, int from)
{
    for (const cJSON *full = cJSON_GetArrayItem(out, from); full != NULL; full = full->next) {
        for (size_t k = 0; k < c->t->ncols; k++) {
            char msg[300];
            if (c->t->cols[k].pk == 0 ||
                !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(full, c->t->cols[k].name)))
                continue;
            snprintf(msg, sizeof(msg),
                     "null value in column \"%s\" of relation \"%s\" violates not-null "
                     "constraint",
                     c->t->cols[k].name, c->t->name);
            return fk_answered(sb_pg_error(c->resp, 400, "23502", msg, NULL, NULL));
        }
    }
    return 0;
}

static int add_conflict_clause(struct sb_ctx *c, struct sb_sql *sql, const int *keys, size_t nkeys,
                               const int *cols, size_t ncols)
{
    int rc = sb_sql_raw(sql, " ON CONFLICT (");

    for (size_t i = 0; rc == 0 && i < nkeys; i++) {
        if (i > 0)
            rc = sb_sql_raw(sql, ", ");
        if (rc == 0)
            rc = sb_sql_ident(sql, c->t->cols[keys[i]].name);
    }
    if (rc == 0 && (c->pref.resolution == SB_RES_IGNORE || ncols == 0))
        return sb_sql_raw(sql, ") DO NOTHING");
    if (rc == 0)
        rc = sb_sql_raw(sql, ") DO UPDATE SET ");
    for (size_t i = 0; rc == 0 && i < ncols; i++) {
        const char *name = c->t->cols[cols[i]].name;
        if (i > 0)
            rc = sb_sql_raw(sql, ", ");
        if (rc == 0)
            rc = sb_sql_ident(sql, name);
        if (rc == 0)
            rc = sb_sql_raw(sql, " = excluded.");
        if (rc == 0)
            rc = sb_sql_ident(sql, name);
    }
    /* A user's upsert never takes over another user's row. */
    if (rc == 0 && c->t->rls_mode != SB_RLS_OWNER)
        return sb_rest_rls_conflict_where(c, sql);
    if (rc == 0 && c->caller.role == SB_ROLE_AUTHENTICATED && c->t->owner_col >= 0) {
        struct sb_param owner = {SB_PARAM_TEXT, 0, 0, c->caller.sub};
        rc = sb_sql_raw(sql, " WHERE ");
        if (rc == 0)
            rc = sb_sql_ident(sql, c->t->cols[c->t->owner_col].name);
        if (rc == 0)
            rc = sb_sql_raw(sql, " = ");
        if (rc == 0)
            rc = sb_sql_param(sql, &owner);
        if (rc == 0)
            rc = sb_sql_raw(sql, " AND pg_upsert_hit()");
    } else if (rc == 0) {
        rc = sb_sql_raw(sql, " WHERE pg_upsert_hit()"); /* counts the rows updated, not inserted */
    }
    return rc;
}

/* INSERT one row. FK_ANSWERED when an error answer was written. */
static int insert_row(struct sb_ctx *c, const cJSON *row, const int *cols, size_t ncols,
                      const int *keys, size_t nkeys, cJSON *out)
{
    struct sb_sql sql;
    int used[MAX_COLS], rc, answered = 0, before;
    size_t nused = 0;

    for (size_t i = 0; i < ncols; i++)
        if (!c->pref.missing_default ||
            cJSON_GetObjectItemCaseSensitive(row, c->t->cols[cols[i]].name) != NULL)
            used[nused++] = cols[i];
    rc = sb_rest_rls_precheck(c, row, false);
    if (rc == 0)
        rc = sb_rest_rls_upsert_path(c, row, keys, nkeys);
    if (rc != 0)
        return rc;
    sb_sql_init(&sql);
    rc = sb_sql_raw(&sql, "INSERT INTO ");
    if (rc == 0)
        rc = sb_sql_ident(&sql, c->t->name);
    if (rc == 0 && nused == 0)
        rc = sb_sql_raw(&sql, " DEFAULT VALUES");
    for (size_t i = 0; rc == 0 && i < nused; i++) {
        rc = sb_sql_raw(&sql, i == 0 ? " (" : ", ");
        if (rc == 0)
            rc = sb_sql_ident(&sql, c->t->cols[used[i]].name);
    }
    for (size_t i = 0; rc == 0 && i < nused; i++) {
        rc = sb_sql_raw(&sql, i == 0 ? ") VALUES (" : ", ");
        if (rc == 0)
            rc =
                sb_rest_json_param(c, &sql, &c->t->cols[used[i]],
                                   cJSON_GetObjectItemCaseSensitive(row, c->t->cols[used[i]].name));
    }
    if (rc == 0 && nused > 0)
        rc = sb_sql_raw(&sql, ")");
    if (rc == 0 && nused > 0 && c->pref.resolution != SB_RES_NONE)
        rc = add_conflict_clause(c, &sql, keys, nkeys, used, nused);
    if (rc == 0)
        rc = sb_sql_raw(&sql, " RETURNING ");
    if (rc == 0)
        rc = sb_rest_all_columns(&sql, c->t);
    if (rc == 0)
        rc = sb_rest_rls_returning(c, &sql, false);
    before = cJSON_GetArraySize(out);
    if (rc == 0 && run_write(c, &sql, out, row, false, &answered) != SQLITE_OK)
        rc = answered ? FK_ANSWERED : FK_ENOMEM;
    /* An upsert whose existing row the UPDATE policies do not let it change (PostgreSQL's
     * WCO_RLS_CONFLICT_CHECK): DO UPDATE ... WHERE skipped it. */
    if (rc == 0 && c->rls_check && c->pref.resolution == SB_RES_MERGE && nused > 0 &&
        cJSON_GetArraySize(out) == before)
        rc = fk_answered(sb_rest_rls_error(c, true));
    if (rc == 0)
        rc = check_pk_null(c, out, before);
    sb_sql_cleanup(&sql);
    return rc;
}

/* "/t?id=eq.1" for Prefer: return=headers-only. */
static int set_location(struct sb_ctx *c, const cJSON *full)
{
    char loc[1024];
    size_t n = (size_t)snprintf(loc, sizeof(loc), "/%s", c->t->name);
    const struct sb_unique *pk =
        c->t->nuniques > 0 && c->t->uniques[0].primary ? &c->t->uniques[0] : NULL;

    for (size_t i = 0; pk != NULL && full != NULL && i < pk->ncols && n < sizeof(loc); i++) {
        const char *name = c->t->cols[pk->cols[i]].name;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(full, name);
        char *text = cJSON_IsString(v) ? NULL : cJSON_PrintUnformatted(v);
        char *enc = fk_url_encode(cJSON_IsString(v) ? v->valuestring : text ? text : "");
        n += (size_t)snprintf(loc + n, sizeof(loc) - n, "%s%s=eq.%s", i ? "&" : "?", name,
                              enc != NULL ? enc : "");
        free(enc);
        cJSON_free(text);
    }
    return fk_resp_header(c->resp, "Location", loc);
}

/* Commit (or roll back on a single-object mismatch) and answer with the written rows.
 * Takes ownership of out. */
static int finish_write(struct sb_ctx *c, cJSON *out, unsigned ok_status, bool is_insert,
                        bool deleting)
{
    int n = cJSON_GetArraySize(out), rc;
    cJSON *proj = NULL, *it;

    if (c->want_object && n != 1) {
        fk_store_rollback(c->req->store);
        cJSON_Delete(out);
        return sb_rest_not_single(c, (size_t)n);
    }
    if (fk_store_commit(c->req->store) != 0) {
        fk_store_rollback(c->req->store);
        cJSON_Delete(out);
        return sb_pg_error(c->resp, 500, "XX000", "could not commit the transaction", NULL, NULL);
    }
    if (c->pref.ret == SB_RET_REPR) {
        proj = cJSON_CreateArray();
        cJSON_ArrayForEach(it, out)
        {
            cJSON *row = proj != NULL ? sb_rest_project(c, it) : NULL;
            if (row == NULL || !cJSON_AddItemToArray(proj, row)) {
                cJSON_Delete(row);
                cJSON_Delete(proj);
                cJSON_Delete(out);
                return FK_ENOMEM;
            }
        }
        rc = sb_rest_reply_rows(c, ok_status, proj);
    } else {
        rc = fk_resp_set(c->resp, is_insert ? ok_status : 204, NULL, NULL, 0);
        if (rc == 0 && c->pref.ret == SB_RET_HEADERS && is_insert)
            rc = set_location(c, cJSON_GetArrayItem(out, 0));
    }
    /* PostgREST 12 (Response.hs): POST and DELETE send contentRangeH 1 0 total, "*" then the
     * count or "*"; PATCH sends the rows' range 0-(n-1). */
    if (rc == 0 && (is_insert || deleting))
        rc = sb_rest_content_range(c->resp, 0, 0, c->pref.count ? n : -1);
    else if (rc == 0)
        rc = sb_rest_content_range(c->resp, 0, n, c->pref.count ? n : -1);
    if (rc == 0)
        rc = sb_prefer_applied(c);
    cJSON_Delete(out);
    return rc;
}

int sb_rest_insert(struct sb_ctx *c)
{
    cJSON *body = NULL, *rows, *out = NULL, *row;
    int cols[MAX_COLS], keys[MAX_COLS], rc;
    size_t ncols = 0, nkeys = 0;

    rc = parse_body(c, true, &body);
    if (rc != 0)
        return rc > 0 ? 0 : rc;
    if (cJSON_IsObject(body)) {
        rows = cJSON_CreateArray();
        if (rows == NULL || !cJSON_AddItemToArray(rows, body)) {
            cJSON_Delete(rows);
            cJSON_Delete(body);
            return FK_ENOMEM;
        }
    } else {
        rows = body;
    }
    rc = key_columns(c, rows, cols, &ncols);
    if (rc == 0 && c->pref.resolution != SB_RES_NONE) {
        const struct sb_unique *pk =
            c->t->nuniques > 0 && c->t->uniques[0].primary ? &c->t->uniques[0] : NULL;
        const int *want = c->q.on_conflict != NULL ? c->q.on_conflict : pk ? pk->cols : NULL;
        size_t nwant = c->q.on_conflict != NULL ? c->q.non_conflict : pk ? pk->ncols : 0;
        int u = want != NULL ? sb_table_unique_for(c->t, want, nwant) : -1;
        if (u < 0 || c->t->uniques[u].partial) {
            rc = fk_answered(
                sb_pg_error(c->resp, 400, "42P10",
                            "there is no unique or exclusion constraint matching the ON "
                            "CONFLICT specification",
                            NULL, NULL));
        } else {
            for (size_t i = 0; i < nwant && i < MAX_COLS; i++)
                keys[nkeys++] = want[i];
        }
    }
    for (row = rc == 0 ? rows->child : NULL; row != NULL && rc == 0; row = row->next)
        if (!owner_ok(c, row, true))
            rc = fk_answered(rls_error(c));
    if (rc == 0 && fk_store_begin(c->req->store) != 0)
        rc = fk_answered(
            sb_pg_error(c->resp, 500, "XX000", "could not begin a transaction", NULL, NULL));
    if (rc == 0 && (out = cJSON_CreateArray()) == NULL)
        rc = FK_ENOMEM;
    pg_upsert_reset();
    for (row = rc == 0 ? rows->child : NULL; row != NULL && rc == 0; row = row->next)
        rc = insert_row(c, row, cols, ncols, keys, nkeys, out);
    if (rc == 0) {
        /* PostgREST 12: a merge-duplicates upsert that inserted no row answers 200. */
        long inserted = (long)cJSON_GetArraySize(rows) - pg_upsert_updated();
        rc = finish_write(c, out, c->pref.resolution == SB_RES_MERGE && inserted <= 0 ? 200 : 201,
                          true, false);
        out = NULL;
    } else {
        fk_store_rollback(c->req->store);
    }
    cJSON_Delete(out);
    cJSON_Delete(rows);
    return rc > 0 ? 0 : rc;
}

/* UPDATE ... SET (body) or DELETE, both WHERE the filters; RETURNING every column. */
static int update_or_delete(struct sb_ctx *c, bool deleting)
{
    cJSON *body = NULL, *out = NULL, *k;
    struct sb_sql sql;
    int rc = 0, answered = 0;
    size_t nset = 0;

    if (c->q.where == NULL) /* Supabase runs pg-safeupdate */
        return sb_pg_error(c->resp, 400, "21000",
                           deleting ? "DELETE requires a WHERE clause"
                                    : "UPDATE requires a WHERE clause",
                           NULL, NULL);
    if (!deleting && (rc = parse_body(c, false, &body)) != 0)
        return rc > 0 ? 0 : rc;
    sb_sql_init(&sql);
    rc = sb_sql_raw(&sql, deleting ? "DELETE FROM " : "UPDATE ");
    if (rc == 0)
        rc = sb_sql_ident(&sql, c->t->name);
    cJSON_ArrayForEach(k, body)
    {
        int col = sb_table_column(c->t, k->string);
        char msg[256];
        if (rc != 0)
            break;
        if (col < 0) {
            snprintf(msg, sizeof(msg),
                     "Could not find the '%.100s' column of '%.100s' in the schema cache",
                     k->string, c->t->name);
            rc = fk_answered(sb_pg_error(c->resp, 400, "PGRST204", msg, NULL, NULL));
            break;
        }
        rc = sb_sql_raw(&sql, nset++ == 0 ? " SET " : ", ");
        if (rc == 0)
            rc = sb_sql_ident(&sql, k->string);
        if (rc == 0)
            rc = sb_sql_raw(&sql, " = ");
        if (rc == 0)
            rc = sb_rest_json_param(c, &sql, &c->t->cols[col], k);
    }
    if (rc == 0 && !deleting && !owner_ok(c, body, false))
        rc = fk_answered(rls_error(c));
    if (rc == 0 && !deleting && nset > 0)
        rc = sb_rest_rls_precheck(c, body, true);
    if (rc == 0 && !deleting && nset == 0) {
        /* Nothing to set: PostgREST changes nothing and reports no row. */
        sb_sql_cleanup(&sql);
        cJSON_Delete(body);
        if (fk_store_begin(c->req->store) != 0)
            return FK_ENOMEM;
        return (out = cJSON_CreateArray()) != NULL ? finish_write(c, out, 200, false, false)
                                                   : FK_ENOMEM;
    }
    if (rc == 0)
        rc = sb_sql_raw(&sql, " WHERE ");
    if (rc == 0)
        rc = sb_rest_where(c, &sql);
    if (rc == 0)
        rc = sb_sql_raw(&sql, " RETURNING ");
    if (rc == 0)
        rc = sb_rest_all_columns(&sql, c->t);
    if (rc == 0 && !deleting)
        rc = sb_rest_rls_returning(c, &sql, true);
    if (rc == 0 && (out = cJSON_CreateArray()) == NULL)
        rc = FK_ENOMEM;
    if (rc == 0 && fk_store_begin(c->req->store) != 0)
        rc = FK_ENOMEM;
    if (rc == 0 && run_write(c, &sql, out, body, deleting, &answered) != SQLITE_OK)
        rc = answered ? FK_ANSWERED : FK_ENOMEM;
    else if (rc == 0 && !deleting)
        rc = check_pk_null(c, out, 0);
    if (rc != 0)
        fk_store_rollback(c->req->store);
    if (rc == 0) {
        rc = finish_write(c, out, 200, false, deleting);
        out = NULL;
    }
    cJSON_Delete(out);
    cJSON_Delete(body);
    sb_sql_cleanup(&sql);
    if (rc == FK_ERANGE)
        return sb_pg_too_complex(c->resp, "more than 30000 values or 1 MiB of SQL in one "
                                          "statement");
    return rc > 0 ? 0 : rc;
}

int sb_rest_body_first(struct sb_ctx *c)
{
    cJSON *body = NULL;
    int rc = parse_body(c, strcmp(c->req->method, "POST") == 0, &body);

    cJSON_Delete(body);
    return rc;
}

int sb_rest_update(struct sb_ctx *c)
{
    return update_or_delete(c, false);
}

int sb_rest_delete(struct sb_ctx *c)
{
    return update_or_delete(c, true);
}
