/* postgrest.c: /rest/v1 requests: checks common to every method, then reads (GET, HEAD).
 *
 * Order of checks, as PostgREST makes them: the key and JWT (sb_authorize), the table in the
 * schema cache (404 PGRST205), the profile headers, the query string (PGRST100/42703), the
 * role. Reads run one SELECT (and a count(*) when Prefer asks for a count); statuses and
 * Content-Range follow PostgREST's rangeStatus (docs/reference/supabase.md section 3). Writes
 * are in postgrest_write.c. */
#include "fake_supabase/postgrest.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_supabase/errors.h"
#include "fake_supabase/gotrue.h"
#include "fake_supabase/postgrest_int.h"

#define PG_CT        "application/json; charset=utf-8"
#define PG_OBJECT_CT "application/vnd.pgrst.object+json; charset=utf-8"

void sb_prefer_parse(const char *header, struct sb_prefer *p)
{
    memset(p, 0, sizeof(*p));
    while (header != NULL && *header != '\0') {
        const char *end = strchr(header, ',');
        size_t len = end != NULL ? (size_t)(end - header) : strlen(header);
        char item[64];

        while (len > 0 && isspace((unsigned char)*header)) {
            header++;
            len--;
        }
        while (len > 0 && isspace((unsigned char)header[len - 1]))
            len--;
        snprintf(item, sizeof(item), "%.*s", (int)len, header);
        if (strcmp(item, "return=minimal") == 0)
            p->ret = SB_RET_MINIMAL;
        else if (strcmp(item, "return=representation") == 0)
            p->ret = SB_RET_REPR;
        else if (strcmp(item, "return=headers-only") == 0)
            p->ret = SB_RET_HEADERS;
        else if (strncmp(item, "count=", 6) == 0)
            p->count = true; /* exact, planned, estimated: the fake always counts exactly */
        else if (strcmp(item, "resolution=merge-duplicates") == 0)
            p->resolution = SB_RES_MERGE;
        else if (strcmp(item, "resolution=ignore-duplicates") == 0)
            p->resolution = SB_RES_IGNORE;
        else if (strcmp(item, "missing=default") == 0)
            p->missing_default = true;
        header = end != NULL ? end + 1 : NULL;
    }
}

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

int sb_rest_where(struct sb_ctx *c, struct sb_sql *sql)
{
    const struct sb_table *t = c->t;
    struct sb_param owner = {SB_PARAM_TEXT, 0, 0, c->caller.sub};
    int rc = sb_sql_where(sql, t, c->q.where);

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
    return sb_pg_error(c->resp, 406, "PGRST116", "Cannot coerce the result to a single JSON object",
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

/* n in decimal at the end of buf (at least 21 bytes); returns where it starts. */
static char *decimal(long long n, char *end)
{
    unsigned long long u = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;

    *--end = '\0';
    do
        *--end = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (n < 0)
        *--end = '-';
    return end;
}

int sb_rest_content_range(struct fk_resp *resp, long long lower, long long n, long long total)
{
    char v[80], a[24], b[24], t[24];
    const char *tot = total < 0 ? "*" : decimal(total, t + sizeof t);
    size_t len = 0;

    /* "lower-upper/total", or "*" then "/total" when no row: by hand, as it runs on every read */
    if (n > 0 && total != 0) {
        const char *lo = decimal(lower, a + sizeof a), *hi = decimal(lower + n - 1, b + sizeof b);
        size_t llo = strlen(lo), lhi = strlen(hi);
        memcpy(v, lo, llo);
        v[llo] = '-';
        memcpy(v + llo + 1, hi, lhi);
        len = llo + 1 + lhi;
    } else {
        v[len++] = '*';
    }
    v[len++] = '/';
    memcpy(v + len, tot, strlen(tot) + 1);
    return fk_resp_header(resp, "Content-Range", v);
}

/* "Range: 0-9" (or "items=0-9"), the upper bound optional. False when absent or malformed. */
static bool parse_range(const char *h, long long *lo, long long *hi)
{
    char *end = NULL;

    if (h == NULL)
        return false;
    if (strncmp(h, "items=", 6) == 0)
        h += 6;
    if (!isdigit((unsigned char)h[0]))
        return false;
    *lo = strtoll(h, &end, 10);
    if (*end != '-')
        return false;
    h = end + 1;
    if (*h == '\0') {
        *hi = -1;
        return true;
    }
    if (!isdigit((unsigned char)h[0]))
        return false;
    *hi = strtoll(h, &end, 10);
    return *end == '\0';
}

/* The rows to return: the Range header intersected with offset/limit, as PostgREST does.
 * *limit is -1 for no upper bound. 1 when an error answer was written. */
static int read_window(struct sb_ctx *c, long long *offset, long long *limit)
{
    long long lo = 0, hi = -1;
    bool has_hi = false;

    if (parse_range(fk_req_header(c->req, "Range"), &lo, &hi)) {
        has_hi = hi >= 0;
        if (has_hi && hi < lo)
            return sb_pg_error(c->resp, 416, "PGRST103", "Requested range not satisfiable",
                               "The lower boundary must be lower than or equal to the upper "
                               "boundary",
                               NULL) == 0
                       ? 1
                       : FK_ENOMEM;
    }
    if (c->q.offset > lo)
        lo = c->q.offset;
    if (c->q.limit >= 0 && (!has_hi || c->q.offset + c->q.limit - 1 < hi)) {
        hi = c->q.offset + c->q.limit - 1;
        has_hi = true;
    }
    *offset = lo;
    *limit = !has_hi ? -1 : (hi >= lo ? hi - lo + 1 : 0);
    return 0;
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
    if (fk_buf_add(rows, "]", 1) != 0)
        return FK_ENOMEM;
    if (!c->want_object)
        return fk_resp_set(c->resp, status, PG_CT, rows->data, rows->len);
    if (n != 1)
        return sb_rest_not_single(c, (size_t)n);
    return fk_resp_set(c->resp, status, PG_OBJECT_CT, rows->data + 1, rows->len - 2);
}

static int rest_read(struct sb_ctx *c, bool head)
{
    struct sb_sql sql;
    sqlite3_stmt *st = NULL;
    struct fk_buf rows; /* "[row,row" as JSON text; the "]" comes in reply_text */
    long long offset = 0, limit = -1, n = 0, total = -1;
    struct sb_param lp = {SB_PARAM_INT, 0, 0, NULL}, op = {SB_PARAM_INT, 0, 0, NULL};
    unsigned status = 200;
    int rc = read_window(c, &offset, &limit), step;

    if (rc != 0)
        return rc > 0 ? 0 : rc;
    sb_sql_init(&sql);
    fk_buf_init(&rows, SIZE_MAX);
    lp.i = limit;
    op.i = offset;
    rc = FK_ENOMEM;
    if (sb_sql_raw(&sql, "SELECT ") != 0 || sb_rest_all_columns(&sql, c->t) != 0 ||
        sb_sql_raw(&sql, " FROM ") != 0 || sb_sql_ident(&sql, c->t->name) != 0 ||
        sb_sql_raw(&sql, " WHERE ") != 0 || sb_rest_where(c, &sql) != 0 ||
        sb_sql_order(&sql, c->t, &c->q) != 0 || sb_sql_raw(&sql, " LIMIT ") != 0 ||
        sb_sql_param(&sql, &lp) != 0 || sb_sql_raw(&sql, " OFFSET ") != 0 ||
        sb_sql_param(&sql, &op) != 0 || fk_buf_add(&rows, "[", 1) != 0)
        goto out;
    st = fk_store_stmt_text(c->req->store, fk_buf_str(&sql.text), sql.text.len);
    if (st == NULL || sb_sql_bind(&sql, st) != SQLITE_OK) {
        rc = sb_pg_sqlite_error(c->resp, c->db, SQLITE_ERROR, c->svc->schema, c->t, NULL, false);
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if ((n++ > 0 && fk_buf_add(&rows, ",", 1) != 0) || sb_rest_row_text(c, st, &rows) != 0)
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

static bool accept_ok(const char *accept, bool *want_object)
{
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

static int unknown_table(struct fk_resp *resp, const struct sb_schema *s, const char *name)
{
    const char *near = sb_schema_suggest(s, name);
    char msg[256], hint[256];

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

    if (!read && c->caller.role == SB_ROLE_ANON) {
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
    c.q.limit = -1;
    if (sb_authorize(req, resp, true, &c.caller) != 0)
        return resp->status != 0 ? 0 : FK_ENOMEM;
    c.t = sb_schema_table(c.svc->schema, req->nparams > 0 ? req->params[0] : NULL);
    if (c.t == NULL)
        return unknown_table(resp, c.svc->schema, req->nparams > 0 ? req->params[0] : "");
    if (!profile_ok(req))
        return sb_pg_error(resp, 406, "PGRST106", "Invalid schema", NULL,
                           "Only the following schemas are exposed: public");
    if (!accept_ok(fk_req_header(req, "Accept"), &c.want_object)) {
        char msg[200];
        snprintf(msg, sizeof(msg), "None of these media types are available: %.120s",
                 fk_req_header(req, "Accept"));
        return sb_pg_error(resp, 406, "PGRST107", msg, NULL, NULL);
    }
    memset(&qe, 0, sizeof(qe));
    rc = sb_query_parse(c.t, req->args, req->nargs, &c.q, &qe);
    if (rc == FK_EINVAL)
        rc = sb_pg_qerr(resp, &qe);
    else if (rc == 0) {
        sb_prefer_parse(fk_req_header(req, "Prefer"), &c.pref);
        rc = dispatch(&c);
    }
    sb_query_cleanup(&c.q);
    return rc;
}

int sb_rest_rpc(const struct fk_req *req, struct fk_resp *resp)
{
    struct sb_caller caller;
    char msg[200];

    if (sb_authorize(req, resp, true, &caller) != 0)
        return resp->status != 0 ? 0 : FK_ENOMEM;
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
            rc = fk_store_insert_json(st, table->string, row, where, err);
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
