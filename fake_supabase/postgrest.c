/* postgrest.c: /rest/v1 requests: checks common to every method, then reads (GET, HEAD).
 *
 * Order of checks, as PostgREST makes them: the key and JWT (sb_authorize), the table in the
 * schema cache (404: 42P01 as PostgREST 12, PGRST205 as 13), the profile headers, the query string
 * (PGRST100/42703), the role. Reads run one SELECT (and a count(*) when Prefer asks for a count)
 * over the window of postgrest_range.c; statuses and Content-Range follow PostgREST's rangeStatus
 * (docs/reference/supabase.md section 3). Writes are in postgrest_write.c. */
#include "fake_supabase/postgrest.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_supabase/errors.h"
#include "fake_supabase/gotrue.h"
#include "fake_supabase/postgrest_write.h"
#include "fake_supabase/rest_ctx.h"
#include "fake_supabase/rls.h"

#define PG_CT        "application/json; charset=utf-8"
#define PG_OBJECT_CT "application/vnd.pgrst.object+json; charset=utf-8"

static int version = 12; /* sb_rest_set_version */

int sb_rest_all_columns(struct sb_sql *sql, const struct sb_table *t)
{
    int rc = 0;

    if (t->cols_sql != NULL)
        return sb_sql_raw(sql, t->cols_sql);
    for (size_t i = 0; rc == 0 && i < t->ncols; i++) {
        if (i > 0)
            rc = sb_sql_raw(sql, ", ");
        if (rc == 0)
            rc = sb_sql_ident(sql, t->cols[i].name);
    }
    return rc;
}

/* The policies' USING: SELECT's for every method (PostgREST's filters read columns), and
 * UPDATE's or DELETE's on top for PATCH and DELETE (rls.h). */
static int rls_where(struct sb_ctx *c, struct sb_sql *sql)
{
    const char *m = c->req != NULL ? c->req->method : "GET";
    int rc;

    if (!sb_rls_applies(c->t, &c->caller))
        return 0;
    rc = sb_sql_raw(sql, " AND ");
    if (rc == 0)
        rc = sb_rls_using(sql, c->t, DDL_CMD_SELECT, &c->caller);
    if (rc == 0 && (strcmp(m, "PATCH") == 0 || strcmp(m, "DELETE") == 0))
        rc = sb_sql_raw(sql, " AND ");
    if (rc == 0 && (strcmp(m, "PATCH") == 0 || strcmp(m, "DELETE") == 0))
        rc = sb_rls_using(sql, c->t, m[0] == 'P' ? DDL_CMD_UPDATE : DDL_CMD_DELETE, &c->caller);
    return rc;
}

int sb_rest_where(struct sb_ctx *c, struct sb_sql *sql)
{
    const struct sb_table *t = c->t;
    struct sb_param owner = {SB_PARAM_TEXT, 0, 0, c->caller.sub};
    int rc = sb_sql_where(sql, t, c->q.where);

    if (rc == 0 && c->nembeds > 0 && c->req != NULL &&
        (strcmp(c->req->method, "GET") == 0 || strcmp(c->req->method, "HEAD") == 0))
        rc = sb_embed_where(c, sql); /* !inner */

    if (rc == 0 && t->rls_mode != SB_RLS_OWNER)
        return rls_where(c, sql);
    if (rc != 0 || t->owner_col < 0 || c->caller.role == SB_ROLE_SERVICE)
        return rc;
    if (c->caller.role == SB_ROLE_ANON)
        return sb_sql_raw(sql, " AND 0"); /* auth.uid() is null: no row is anyone's */
    rc = sb_sql_raw(sql, " AND ");
    if (rc == 0)
        rc = sb_sql_ident(sql, t->cols[t->owner_col].name);
    if (rc == 0)
        rc = sb_sql_raw(sql, " = ");
    return rc == 0 ? sb_sql_param(sql, &owner) : rc;
}

int sb_rest_not_single(struct sb_ctx *c, size_t n)
{
    char details[64];

    snprintf(details, sizeof(details), "The result contains %zu rows", n);
    return sb_pg_error(c->resp, 406, "PGRST116",
                       version == 12 ? "JSON object requested, multiple (or no) rows returned"
                                     : "Cannot coerce the result to a single JSON object",
                       details, NULL);
}

int sb_rest_reply_rows(struct sb_ctx *c, unsigned status, cJSON *rows)
{
    int n = cJSON_GetArraySize(rows);
    cJSON *one;

    if (!c->want_object)
        return fk_resp_json_ct(c->resp, status, PG_CT, rows);
    if (n != 1) {
        cJSON_Delete(rows);
        return sb_rest_not_single(c, (size_t)n);
    }
    one = cJSON_DetachItemFromArray(rows, 0);
    cJSON_Delete(rows);
    return fk_resp_json_ct(c->resp, status, PG_OBJECT_CT, one);
}

static long long count_rows(struct sb_ctx *c)
{
    struct sb_sql sql;
    sqlite3_stmt *st = NULL;
    long long n = -1;

    sb_sql_init(&sql);
    if (sb_sql_raw(&sql, "SELECT count(*) FROM ") == 0 && sb_sql_ident(&sql, c->t->name) == 0 &&
        sb_sql_raw(&sql, " WHERE ") == 0 && sb_rest_where(c, &sql) == 0 &&
        (st = fk_store_stmt_text(c->req->store, fk_buf_str(&sql.text), sql.text.len)) != NULL &&
        sb_sql_bind(&sql, st) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    if (st != NULL)
        sqlite3_reset(st);
    sb_sql_cleanup(&sql);
    return n;
}

/* sb_rest_reply_rows for rows already JSON text: "[" and n rows, "]" still to come. */
static int reply_text(struct sb_ctx *c, unsigned status, struct fk_buf *rows, long long n)
{
    if (c->want_csv) { /* the header, '\n', the rows (postgrest_csv.c) */
        struct fk_buf body;
        int rc;
        fk_buf_init(&body, SIZE_MAX);
        rc = n > 0 ? sb_csv_header(c, &body) : 0;
        if (rc == 0)
            rc = fk_buf_add(&body, "\n", 1);
        if (rc == 0)
            rc = fk_buf_add(&body, fk_buf_str(rows), rows->len);
        if (rc == 0)
            rc = fk_resp_set(c->resp, status, "text/csv; charset=utf-8", body.data, body.len);
        fk_buf_cleanup(&body);
        return rc;
    }
    if (fk_buf_add(rows, "]", 1) != 0)
        return FK_ENOMEM;
    if (!c->want_object)
        return fk_resp_set(c->resp, status, PG_CT, rows->data, rows->len);
    if (n != 1)
        return sb_rest_not_single(c, (size_t)n);
    return fk_resp_set(c->resp, status, PG_OBJECT_CT, rows->data + 1, rows->len - 2);
}

/* SELECT every column of c's table WHERE its filters ORDER BY ... LIMIT ? OFFSET ? of w.
 * 0, FK_ERANGE (over SB_MAX_PARAMS values or SB_SQL_MAX bytes) or FK_ENOMEM. */
static int select_sql(struct sb_ctx *c, struct sb_sql *sql, const struct sb_window *w)
{
    struct sb_param lp = {SB_PARAM_INT, w->limit, 0, NULL};
    struct sb_param op = {SB_PARAM_INT, w->offset, 0, NULL};
    int rc;

    if ((rc = sb_sql_raw(sql, "SELECT ")) != 0 || (rc = sb_rest_all_columns(sql, c->t)) != 0 ||
        (rc = sb_sql_raw(sql, " FROM ")) != 0 || (rc = sb_sql_ident(sql, c->t->name)) != 0 ||
        (rc = sb_sql_raw(sql, " WHERE ")) != 0 || (rc = sb_rest_where(c, sql)) != 0 ||
        (rc = sb_sql_order(sql, c->t, &c->q)) != 0 || (rc = sb_sql_raw(sql, " LIMIT ")) != 0 ||
        (rc = sb_sql_param(sql, &lp)) != 0 || (rc = sb_sql_raw(sql, " OFFSET ")) != 0)
        return rc;
    return sb_sql_param(sql, &op);
}

static int rest_read(struct sb_ctx *c, bool head)
{
    struct sb_sql sql;
    sqlite3_stmt *st = NULL;
    struct fk_buf rows; /* "[row,row" as JSON text; the "]" comes in reply_text */
    long long offset = 0, n = 0, total = -1;
    struct sb_window w;
    unsigned status = 200;
    int rc = sb_rest_window(c, &w), step;

    if (rc != 0)
        return rc > 0 ? 0 : rc;
    offset = w.offset;
    sb_sql_init(&sql);
    fk_buf_init(&rows, SIZE_MAX);
    rc = select_sql(c, &sql, &w);
    if (rc == FK_ERANGE) {
        rc = sb_pg_too_complex(c->resp, "more than 30000 values or 1 MiB of SQL in one statement");
        goto out;
    }
    if (rc != 0 || (!c->want_csv && fk_buf_add(&rows, "[", 1) != 0)) {
        rc = FK_ENOMEM;
        goto out;
    }
    rc = FK_ENOMEM;
    st = fk_store_stmt_text(c->req->store, fk_buf_str(&sql.text), sql.text.len);
    if (st == NULL || sb_sql_bind(&sql, st) != SQLITE_OK) {
        rc = sb_pg_sqlite_error(c->resp, c->db, SQLITE_ERROR, c->svc->schema, c->t, NULL, false);
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if ((n++ > 0 && fk_buf_add(&rows, c->want_csv ? "\n" : ",", 1) != 0) ||
            (c->want_csv ? sb_csv_row(c, st, &rows) : sb_rest_row_text(c, st, &rows)) != 0)
            goto out;
    }
    if (step != SQLITE_DONE) {
        rc = sb_pg_sqlite_error(c->resp, c->db, step, c->svc->schema, c->t, NULL, false);
        goto out;
    }
    if (c->pref.count && (total = count_rows(c)) < 0)
        goto out;
    /* PostgREST's rangeStatus: past the end 416, a partial slice 206, else 200. */
    if (total >= 0 && offset > total) {
        char details[128];
        snprintf(details, sizeof(details),
                 "An offset of %lld was requested, but there are only "
                 "%lld rows.",
                 offset, total);
        rc =
            sb_pg_error(c->resp, 416, "PGRST103", "Requested range not satisfiable", details, NULL);
        goto out;
    }
    if (total >= 0 && n < total)
        status = 206;
    rc = reply_text(c, status, &rows, n);
    if (rc == 0 && c->resp->status < 300)
        rc = sb_rest_content_range(c->resp, offset, n, total);
    if (rc == 0 && c->resp->status < 300)
        rc = sb_rest_content_location(c);
    if (rc == 0 && c->resp->status < 300)
        rc = sb_prefer_applied(c);
    if (rc == 0 && head) {
        free(c->resp->body); /* HEAD: the same status and headers, no body */
        c->resp->body = NULL;
        c->resp->body_len = 0;
    }
out:
    fk_buf_cleanup(&rows);
    if (st != NULL)
        sqlite3_reset(st); /* cached: ends its read, never finalized here */
    sb_sql_cleanup(&sql);
    return rc;
}

static bool accept_ok(const char *accept, bool *want_object, bool *want_csv, bool read)
{
    /* ApiRequest.hs/Plan.hs negotiateContent: text/csv is a read's (and a write's
     * representation's; the fake answers it on reads) when nothing JSON comes before it */
    *want_csv = read && accept != NULL && strstr(accept, "text/csv") != NULL &&
                (strstr(accept, "application/json") == NULL ||
                 strstr(accept, "text/csv") < strstr(accept, "application/json")) &&
                strstr(accept, "application/vnd.pgrst.object") == NULL;
    if (*want_csv) {
        *want_object = false;
        return true;
    }
    *want_object = accept != NULL && strstr(accept, "application/vnd.pgrst.object") != NULL;
    return accept == NULL || accept[0] == '\0' || *want_object || strstr(accept, "*/*") ||
           strstr(accept, "application/json") || strstr(accept, "application/*");
}

/* Accept-Profile / Content-Profile: only "public" exists. */
static bool profile_ok(const struct fk_req *req)
{
    const char *p = fk_req_header(req, "Accept-Profile");
    const char *q = fk_req_header(req, "Content-Profile");

    return (p == NULL || strcmp(p, "public") == 0) && (q == NULL || strcmp(q, "public") == 0);
}

void sb_rest_set_version(int major)
{
    version = major == 13 ? 13 : 12;
}

int sb_rest_version(void)
{
    return version;
}

static int unknown_table(const struct fk_req *req, struct fk_resp *resp, const struct sb_schema *s,
                         const char *name)
{
    const char *near = sb_schema_suggest(s, name);
    char msg[256], hint[256];

    if (version == 12) { /* postgrest.h: PostgreSQL's 42P01, or Plan.hs NotFound ({}) */
        bool write = strcmp(req->method, "POST") == 0 || strcmp(req->method, "PATCH") == 0;
        cJSON *body = write ? cJSON_ParseWithLength(req->body, req->body_len) : NULL;
        const cJSON *first = cJSON_IsArray(body) ? body->child : body;
        bool keys = cJSON_IsObject(first) && first->child != NULL;
        cJSON_Delete(body);
        if (keys)
            return fk_resp_set(resp, 404, "application/json; charset=utf-8", "{}", 2);
        snprintf(msg, sizeof(msg), "relation \"public.%.100s\" does not exist", name);
        return sb_pg_error(resp, 404, "42P01", msg, NULL, NULL);
    }

    snprintf(msg, sizeof(msg), "Could not find the table 'public.%.100s' in the schema cache",
             name);
    snprintf(hint, sizeof(hint), "Perhaps you meant the table 'public.%.100s'",
             near != NULL ? near : "");
    return sb_pg_error(resp, 404, "PGRST205", msg, NULL, near != NULL ? hint : NULL);
}

static int dispatch(struct sb_ctx *c)
{
    const char *m = c->req->method;
    bool read = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
    char msg[160];

    if (!read && c->caller.role == SB_ROLE_ANON && c->t->rls_mode == SB_RLS_OWNER) {
        snprintf(msg, sizeof(msg), "permission denied for table %s", c->t->name);
        return sb_pg_error(c->resp, 401, "42501", msg, NULL, NULL);
    }
    if (read)
        return rest_read(c, m[0] == 'H');
    if (strcmp(m, "POST") == 0)
        return sb_rest_insert(c);
    if (strcmp(m, "PATCH") == 0)
        return sb_rest_update(c);
    if (strcmp(m, "DELETE") == 0)
        return sb_rest_delete(c);
    snprintf(msg, sizeof(msg), "Unsupported HTTP method: %.40s", m);
    return sb_pg_error(c->resp, 405, "PGRST117", msg, NULL, NULL);
}

int sb_rest_table(const struct fk_req *req, struct fk_resp *resp)
{
    struct sb_ctx c;
    struct sb_qerr qe;
    int rc;

    memset(&c, 0, sizeof(c));
    c.req = req;
    c.resp = resp;
    c.svc = req->svc;
    c.db = fk_store_db(req->store);
    if ((rc = sb_authorize(req, resp, true, &c.caller)) != FK_OK)
        return fk_handler_rc(rc);
    c.t = sb_schema_table(c.svc->schema, req->nparams > 0 ? req->params[0] : NULL);
    if (c.t == NULL)
        return unknown_table(req, resp, c.svc->schema, req->nparams > 0 ? req->params[0] : "");
    if (!profile_ok(req))
        return sb_pg_error(resp, 406, "PGRST106", "Invalid schema", NULL,
                           "Only the following schemas are exposed: public");
    if (!accept_ok(fk_req_header(req, "Accept"), &c.want_object, &c.want_csv,
                   strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)) {
        char msg[200];
        snprintf(msg, sizeof(msg), "None of these media types are available: %.120s",
                 fk_req_header(req, "Accept"));
        return sb_pg_error(resp, 406, "PGRST107", msg, NULL, NULL);
    }
    memset(&qe, 0, sizeof(qe));
    rc = sb_query_parse(c.t, req->args, req->nargs, &c.q, &qe);
    if (rc == FK_EINVAL && qe.at_execution &&
        (strcmp(req->method, "POST") == 0 || strcmp(req->method, "PATCH") == 0)) {
        int first = sb_rest_body_first(&c);
        if (first != 0) {
            sb_query_cleanup(&c.q);
            return first > 0 ? 0 : first;
        }
    }
    if (rc == FK_EINVAL)
        rc = sb_pg_qerr(resp, &qe);
    else if (rc == 0) {
        sb_prefer_parse(fk_req_header(req, "Prefer"), &c.pref);
        if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0 &&
            c.pref.count_kind == SB_COUNT_PLANNED)
            c.pref.count = false;  /* Response.hs: shouldCount is exact or estimated */
        rc = sb_embed_resolve(&c); /* Plan.hs: the read plan, then the preferences */
        if (rc == 0)
            rc = sb_prefer_strict(&c);
        if (rc != 0) {
            sb_embed_cleanup(&c);
            sb_query_cleanup(&c.q);
            return rc > 0 ? 0 : rc;
        }
        sb_auth_uid_set(c.caller.role == SB_ROLE_AUTHENTICATED ? c.caller.sub : NULL);
        rc = dispatch(&c);
        sb_auth_uid_set(NULL);
    }
    sb_embed_cleanup(&c);
    sb_query_cleanup(&c.q);
    return rc;
}

int sb_rest_rpc(const struct fk_req *req, struct fk_resp *resp)
{
    struct sb_caller caller;
    char msg[200];
    int rc;

    if ((rc = sb_authorize(req, resp, true, &caller)) != FK_OK)
        return fk_handler_rc(rc);
    snprintf(msg, sizeof(msg),
             "Could not find the function public.%.100s without parameters in the schema cache",
             req->nparams > 0 ? req->params[0] : "");
    return sb_pg_error(resp, 404, "PGRST202", msg, NULL, NULL);
}

int sb_rest_load_rows(struct fk_store *st, const struct sb_schema *s, const cJSON *rows,
                      const char *path, struct fk_error *err)
{
    const cJSON *table;

    if (rows == NULL)
        return 0;
    if (!cJSON_IsObject(rows)) {
        fk_error_set(err, "%s: expected an object of tables", path);
        return FK_EINVAL;
    }
    cJSON_ArrayForEach(table, rows)
    {
        const cJSON *row;
        int i = 0;
        if (sb_schema_table(s, table->string) == NULL || !cJSON_IsArray(table)) {
            fk_error_set(err, "%s.%s: %s", path, table->string,
                         cJSON_IsArray(table) ? "unknown table" : "expected an array of rows");
            return FK_EINVAL;
        }
        cJSON_ArrayForEach(row, table)
        {
            char where[FK_ERRMSG_MAX];
            int rc;
            snprintf(where, sizeof(where), "%s.%s[%d]", path, table->string, i++);
            if (!cJSON_IsObject(row)) {
                fk_error_set(err, "%s: expected an object", where);
                return FK_EINVAL;
            }
            {
                cJSON *stored = sb_rest_row_storage(sb_schema_table(s, table->string), row, where,
                                                    err); /* PostgreSQL's types */
                if (stored == NULL)
                    return FK_EINVAL;
                rc = fk_store_insert_json(st, table->string, stored, where, err);
                cJSON_Delete(stored);
            }
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

cJSON *sb_rest_dump_rows(struct fk_store *st, const struct sb_schema *s)
{
    cJSON *out = cJSON_CreateObject();

    for (size_t i = 0; out != NULL && i < s->ntables; i++) {
        const struct sb_table *t = &s->tables[i];
        struct sb_sql sql;
        sqlite3_stmt *stmt = NULL;
        cJSON *rows = cJSON_AddArrayToObject(out, t->name);
        bool ok = rows != NULL;

        sb_sql_init(&sql);
        ok = ok && sb_sql_raw(&sql, "SELECT ") == 0 && sb_rest_all_columns(&sql, t) == 0 &&
             sb_sql_raw(&sql, " FROM ") == 0 && sb_sql_ident(&sql, t->name) == 0 &&
             sb_sql_raw(&sql, " ORDER BY rowid") == 0 &&
             sqlite3_prepare_v2(fk_store_db(st), fk_buf_str(&sql.text), -1, &stmt, NULL) ==
                 SQLITE_OK;
        while (ok && sqlite3_step(stmt) == SQLITE_ROW) {
            cJSON *row = sb_rest_row(t, stmt);
            ok = row != NULL && cJSON_AddItemToArray(rows, row);
        }
        sqlite3_finalize(stmt);
        sb_sql_cleanup(&sql);
        if (!ok) {
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

const struct fk_route sb_rest_routes[] = {
    {"GET", "/rest/v1/rpc/{fn}", sb_rest_rpc},    {"HEAD", "/rest/v1/rpc/{fn}", sb_rest_rpc},
    {"POST", "/rest/v1/rpc/{fn}", sb_rest_rpc},   {"GET", "/rest/v1/{table}", sb_rest_table},
    {"HEAD", "/rest/v1/{table}", sb_rest_table},  {"POST", "/rest/v1/{table}", sb_rest_table},
    {"PATCH", "/rest/v1/{table}", sb_rest_table}, {"DELETE", "/rest/v1/{table}", sb_rest_table},
};
const size_t sb_rest_nroutes = sizeof sb_rest_routes / sizeof sb_rest_routes[0];

size_t sb_routes_join(struct fk_route *out, size_t cap)
{
    if (sb_rest_nroutes + sb_auth_nroutes > cap)
        return 0;
    memcpy(out, sb_rest_routes, sb_rest_nroutes * sizeof *out);
    memcpy(out + sb_rest_nroutes, sb_auth_routes, sb_auth_nroutes * sizeof *out);
    return sb_rest_nroutes + sb_auth_nroutes;
}
