/* errors.c: PostgREST error bodies and the SQLite -> SQLSTATE translation.
 *
 * SQLite names the failed constraint only loosely ("UNIQUE constraint failed: t.a",
 * "FOREIGN KEY constraint failed"), while PostgREST passes PostgreSQL's exact message on.
 * The fake rebuilds PostgreSQL's wording from the schema cache and the request's own values:
 * the unique key's PostgreSQL name, and for foreign keys the parent row it looks up. */
#include "fake_supabase/errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/buf.h"

#define PG_CT "application/json; charset=utf-8"

static cJSON *str_or_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? cJSON_CreateString(s) : cJSON_CreateNull();
}

int sb_pg_error(struct fk_resp *resp, unsigned status, const char *code, const char *message,
                const char *details, const char *hint)
{
    cJSON *body = cJSON_CreateObject();
    char proxy[64];

    if (body == NULL || !cJSON_AddItemToObject(body, "code", str_or_null(code)) ||
        !cJSON_AddItemToObject(body, "details", str_or_null(details)) ||
        !cJSON_AddItemToObject(body, "hint", str_or_null(hint)) ||
        !cJSON_AddItemToObject(body, "message", str_or_null(message))) {
        cJSON_Delete(body);
        return FK_ENOMEM;
    }
    if (fk_resp_json_ct(resp, status, PG_CT, body) != 0)
        return FK_ENOMEM;
    snprintf(proxy, sizeof(proxy), "PostgREST; error=%s", code);
    return fk_resp_header(resp, "Proxy-Status", proxy);
}

int sb_pg_qerr(struct fk_resp *resp, const struct sb_qerr *e)
{
    return sb_pg_error(resp, e->status ? e->status : 400, e->code, e->message, e->details, e->hint);
}

/* The fault shorthand's codes: what PostgREST would send for each. */
static const struct {
    const char *code;
    unsigned status;
    const char *body_code; /* NULL: code itself */
    const char *message;
    const char *details;
} shorthand[] = {
    {"23505", 409, NULL, "duplicate key value violates unique constraint \"fault_key\"",
     "Key (id)=(fault) already exists."},
    {"23503", 409, NULL, "insert or update on table \"fault\" violates foreign key constraint",
     NULL},
    {"23502", 400, NULL, "null value in column \"fault\" violates not-null constraint", NULL},
    {"23514", 400, NULL, "new row violates check constraint \"fault_check\"", NULL},
    {"22P02", 400, NULL, "invalid input syntax for type integer: \"fault\"", NULL},
    {"42501", 403, NULL, "permission denied for table fault", NULL},
    {"42P01", 404, NULL, "relation \"public.fault\" does not exist", NULL},
    {"42703", 400, NULL, "column fault.fault does not exist", NULL},
    {"40001", 409, NULL, "could not serialize access due to concurrent update", NULL},
    {"40P01", 409, NULL, "deadlock detected", NULL},
    {"57014", 500, NULL, "canceling statement due to statement timeout", NULL},
    {"53300", 503, NULL, "sorry, too many clients already", NULL},
    {"08006", 503, NULL, "connection failure", NULL},
    {"P0001", 400, NULL, "fault", NULL},
    {"PGRST000", 503, NULL, "Could not connect with the database", NULL},
    {"PGRST001", 503, NULL, "Database client error. Retrying the connection.", NULL},
    {"PGRST003", 504, NULL, "Timed out acquiring connection from connection pool.", NULL},
    {"PGRST100", 400, NULL, "\"failed to parse filter (fault)\" (line 1, column 1)", NULL},
    {"PGRST102", 400, NULL, "Empty or invalid json", NULL},
    {"PGRST103", 416, NULL, "Requested range not satisfiable", NULL},
    {"PGRST116", 406, NULL, "Cannot coerce the result to a single JSON object",
     "The result contains 0 rows"},
    {"PGRST125", 404, NULL, "Invalid path specified in request URL", NULL},
    {"PGRST204", 400, NULL, "Could not find the 'fault' column of 'fault' in the schema cache",
     NULL},
    {"PGRST205", 404, NULL, "Could not find the table 'public.fault' in the schema cache", NULL},
    {"PGRST301", 401, NULL, "JWT cryptographic operation failed", NULL},
    {"PGRST302", 401, NULL, "Anonymous access is disabled", NULL},
    {"PGRST303", 401, NULL, "JWT expired", NULL},
    {"500", 500, "XX000", "internal error", NULL},
    {"502", 502, "PGRST502", "Bad Gateway", NULL},
    {"503", 503, "PGRST001", "Database client error. Retrying the connection.", NULL},
    {"504", 504, "PGRST003", "Timed out acquiring connection from connection pool.", NULL},
};

int sb_pg_error_code(struct fk_resp *resp, const char *code)
{
    if (code != NULL && strcmp(code, "429") == 0) {
        if (resp != NULL)
            sb_pg_native(resp, FK_NATIVE_RATE_LIMITED, "GET", 1);
        return 0;
    }
    for (size_t i = 0; code != NULL && i < sizeof(shorthand) / sizeof(shorthand[0]); i++) {
        if (strcmp(shorthand[i].code, code) != 0)
            continue;
        if (resp == NULL)
            return 0;
        return sb_pg_error(resp, shorthand[i].status,
                           shorthand[i].body_code != NULL ? shorthand[i].body_code : code,
                           shorthand[i].message, shorthand[i].details, NULL);
    }
    return FK_EINVAL;
}

void sb_pg_native(struct fk_resp *resp, enum fk_native kind, const char *method, long retry_after_s)
{
    char msg[128], hint[64];
    int rc = 0;

    switch (kind) {
    case FK_NATIVE_NOT_FOUND:
        rc =
            sb_pg_error(resp, 404, "PGRST125", "Invalid path specified in request URL", NULL, NULL);
        break;
    case FK_NATIVE_BAD_METHOD:
        snprintf(msg, sizeof(msg), "Unsupported HTTP method: %.40s", method);
        rc = sb_pg_error(resp, 405, "PGRST117", msg, NULL, NULL);
        break;
    case FK_NATIVE_TOO_LARGE:
        rc = sb_pg_error(resp, 413, "PGRST413", "Payload Too Large",
                         "The request body exceeds 1048576 bytes", NULL);
        break;
    case FK_NATIVE_RATE_LIMITED:
        snprintf(hint, sizeof(hint), "Retry after %ld seconds", retry_after_s);
        snprintf(msg, sizeof(msg), "%ld", retry_after_s > 0 ? retry_after_s : 1);
        rc = sb_pg_error(resp, 429, "PGRST429", "Too Many Requests", NULL, hint);
        if (rc == 0)
            rc = fk_resp_header(resp, "Retry-After", msg);
        break;
    case FK_NATIVE_INTERNAL:
    default:
        rc = sb_pg_error(resp, 500, "XX000", "Internal server error", NULL, NULL);
        break;
    }
    if (rc != 0)
        resp->status = 500; /* out of memory: fakekit still answers with the status */
}

const char *sb_pg_table_display(const char *name)
{
    return strncmp(name, "auth_", 5) == 0 ? name + 5 : name;
}

/* The request's value for column name, as PostgreSQL prints it in details. */
static void value_text(const cJSON *row, const char *name, char *out, size_t len)
{
    const cJSON *v = row != NULL ? cJSON_GetObjectItemCaseSensitive(row, name) : NULL;
    char *printed;

    if (v == NULL || cJSON_IsNull(v)) {
        snprintf(out, len, "null");
    } else if (cJSON_IsString(v)) {
        snprintf(out, len, "%s", v->valuestring);
    } else if (cJSON_IsBool(v)) {
        snprintf(out, len, "%s", cJSON_IsTrue(v) ? "t" : "f");
    } else if ((printed = cJSON_PrintUnformatted(v)) != NULL) {
        snprintf(out, len, "%s", printed);
        cJSON_free(printed);
    } else {
        out[0] = '\0';
    }
}

/* "Key (a, b)=(1, x)" for columns cols of t. */
static void key_text(const struct sb_table *t, const int *cols, size_t n, const cJSON *row,
                     char *out, size_t len)
{
    struct fk_buf names, vals;
    char v[128];

    fk_buf_init(&names, 512);
    fk_buf_init(&vals, 1024);
    for (size_t i = 0; i < n; i++) {
        value_text(row, t->cols[cols[i]].name, v, sizeof(v));
        /* At the buffers' limit the text is cut short: still a fine message. */
        if (fk_buf_printf(&names, "%s%s", i ? ", " : "", t->cols[cols[i]].name) != 0 ||
            fk_buf_printf(&vals, "%s%s", i ? ", " : "", v) != 0)
            break;
    }
    snprintf(out, len, "Key (%s)=(%s)", fk_buf_str(&names), fk_buf_str(&vals));
    fk_buf_cleanup(&names);
    fk_buf_cleanup(&vals);
}

/* "UNIQUE constraint failed: t.a, t.b" -> column indexes. */
static size_t failed_columns(const struct sb_table *t, const char *msg, int *cols, size_t max)
{
    const char *p = strstr(msg, "failed: ");
    size_t n = 0;

    if (p == NULL)
        return 0;
    p += 8;
    while (*p != '\0' && n < max) {
        const char *end = strstr(p, ", "), *dot;
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char name[128];
        dot = memchr(p, '.', len);
        if (dot != NULL) {
            len -= (size_t)(dot + 1 - p);
            p = dot + 1;
        }
        snprintf(name, sizeof(name), "%.*s", (int)len, p);
        if (sb_table_column(t, name) >= 0)
            cols[n++] = sb_table_column(t, name);
        if (end == NULL)
            break;
        p = end + 2;
    }
    return n;
}

static void failing_row(const struct sb_table *t, const cJSON *row, char *out, size_t len)
{
    struct fk_buf b;
    char v[128];

    fk_buf_init(&b, len);
    for (size_t i = 0; i < t->ncols; i++) {
        value_text(row, t->cols[i].name, v, sizeof(v));
        if (fk_buf_printf(&b, "%s%s", i ? ", " : "", v) != 0)
            break;
    }
    snprintf(out, len, "Failing row contains (%s).", fk_buf_str(&b));
    fk_buf_cleanup(&b);
}

static int unique_error(struct fk_resp *resp, const struct sb_table *t, const char *msg,
                        const cJSON *row)
{
    int cols[16];
    size_t n = failed_columns(t, msg, cols, 16);
    int u = n > 0 ? sb_table_unique_for(t, cols, n) : -1;
    char name[256], message[400], key[400], details[512];

    if (u >= 0)
        snprintf(name, sizeof(name), "%s", t->uniques[u].name);
    else
        snprintf(name, sizeof(name), "%s_key", t->name);
    snprintf(message, sizeof(message), "duplicate key value violates unique constraint \"%s\"",
             name);
    key_text(t, cols, n, row, key, sizeof(key));
    snprintf(details, sizeof(details), "%s already exists.", key);
    return sb_pg_error(resp, 409, "23505", message, details, NULL);
}

/* Which foreign key of t does row break? The first whose parent row is missing. */
static int broken_fkey(sqlite3 *db, const struct sb_table *t, const cJSON *row)
{
    for (size_t i = 0; row != NULL && i < t->nfkeys; i++) {
        const struct sb_fkey *fk = &t->fkeys[i];
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, t->cols[fk->from].name);
        sqlite3_stmt *st = NULL;
        char *sql;
        bool found = true;

        if (v == NULL || cJSON_IsNull(v))
            continue;
        sql = sqlite3_mprintf("SELECT 1 FROM \"%w\" WHERE \"%w\" = ?1", fk->table, fk->to);
        if (sql != NULL && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
            if (cJSON_IsString(v))
                sqlite3_bind_text(st, 1, v->valuestring, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_double(st, 1, v->valuedouble);
            found = sqlite3_step(st) == SQLITE_ROW;
        }
        sqlite3_finalize(st);
        sqlite3_free(sql);
        if (!found)
            return (int)i;
    }
    return -1;
}

static int fkey_error(struct fk_resp *resp, sqlite3 *db, const struct sb_schema *s,
                      const struct sb_table *t, const cJSON *row, bool deleting)
{
    char message[400], details[512], key[300];
    int i;

    if (deleting) {
        const struct sb_table *child = NULL;
        const struct sb_fkey *fk = NULL;
        for (size_t c = 0; s != NULL && fk == NULL && c < s->ntables; c++)
            for (size_t k = 0; fk == NULL && k < s->tables[c].nfkeys; k++)
                if (strcmp(s->tables[c].fkeys[k].table, t->name) == 0) {
                    child = &s->tables[c];
                    fk = &child->fkeys[k];
                }
        if (fk == NULL)
            return sb_pg_error(resp, 409, "23503", "update or delete violates a foreign key", NULL,
                               NULL);
        snprintf(message, sizeof(message),
                 "update or delete on table \"%s\" violates foreign key constraint \"%s\" on "
                 "table \"%s\"",
                 t->name, fk->name, child->name);
        snprintf(details, sizeof(details), "Key is still referenced from table \"%s\".",
                 child->name);
        return sb_pg_error(resp, 409, "23503", message, details, NULL);
    }
    i = broken_fkey(db, t, row);
    if (i < 0) {
        snprintf(message, sizeof(message),
                 "insert or update on table \"%s\" violates foreign key constraint", t->name);
        return sb_pg_error(resp, 409, "23503", message, NULL, NULL);
    }
    snprintf(message, sizeof(message),
             "insert or update on table \"%s\" violates foreign key constraint \"%s\"", t->name,
             t->fkeys[i].name);
    key_text(t, &t->fkeys[i].from, 1, row, key, sizeof(key));
    snprintf(details, sizeof(details), "%s is not present in table \"%s\".", key,
             sb_pg_table_display(t->fkeys[i].table));
    return sb_pg_error(resp, 409, "23503", message, details, NULL);
}

/* PostgreSQL names an inline CHECK t_col_check after the first column it mentions. */
static void check_name(const struct sb_table *t, const char *msg, char *out, size_t len)
{
    const char *expr = strstr(msg, "failed: ");
    int best = -1;
    const char *best_at = NULL;

    expr = expr != NULL ? expr + 8 : "";
    for (size_t i = 0; i < t->ncols; i++) {
        const char *at = strstr(expr, t->cols[i].name);
        if (at != NULL && (best_at == NULL || at < best_at)) {
            best_at = at;
            best = (int)i;
        }
    }
    if (best >= 0 && strchr(expr, ' ') != NULL)
        snprintf(out, len, "%s_%s_check", t->name, t->cols[best].name);
    else
        snprintf(out, len, "%s", expr[0] != '\0' ? expr : "check");
}

int sb_pg_too_complex(struct fk_resp *resp, const char *limit)
{
    return sb_pg_error(resp, 400, "54001", "statement too complex for the fake's SQLite", limit,
                       "PostgreSQL would take it; send fewer conditions or nest them less");
}

/* A limit of SQLite's that a request reached (filter_tree.c keeps most requests inside them);
 * NULL for any other failure. */
static const char *sqlite_limit(int rc, const char *msg)
{
    static const char *const limits[] = {
        "Expression tree is too large", "parser stack overflow", "too many terms in",
        "too many SQL variables",       "too many columns",      NULL,
    };

    if (rc == SQLITE_TOOBIG)
        return msg;
    for (size_t i = 0; limits[i] != NULL; i++)
        if (strstr(msg, limits[i]) != NULL)
            return msg;
    return NULL;
}

int sb_pg_sqlite_error(struct fk_resp *resp, sqlite3 *db, int rc, const struct sb_schema *s,
                       const struct sb_table *t, const cJSON *row, bool deleting)
{
    int ext = sqlite3_extended_errcode(db);
    const char *msg = sqlite3_errmsg(db);
    char message[400], details[1024], name[256];
    int cols[1];

    if (rc == SQLITE_NOMEM)
        return FK_ENOMEM;
    switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return unique_error(resp, t, msg, row);
    case SQLITE_CONSTRAINT_NOTNULL:
        snprintf(message, sizeof(message),
                 "null value in column \"%s\" of relation \"%s\" "
                 "violates not-null constraint",
                 failed_columns(t, msg, cols, 1) == 1 ? t->cols[cols[0]].name : "?", t->name);
        failing_row(t, row, details, sizeof(details));
        return sb_pg_error(resp, 400, "23502", message, details, NULL);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return fkey_error(resp, db, s, t, row, deleting);
    case SQLITE_CONSTRAINT_CHECK:
        check_name(t, msg, name, sizeof(name));
        snprintf(message, sizeof(message),
                 "new row for relation \"%s\" violates check constraint \"%s\"", t->name, name);
        failing_row(t, row, details, sizeof(details));
        return sb_pg_error(resp, 400, "23514", message, details, NULL);
    case SQLITE_MISMATCH:
        return sb_pg_error(resp, 400, "22P02", "invalid input syntax for type bigint", msg, NULL);
    default:
        if (sqlite_limit(rc, msg) != NULL)
            return sb_pg_too_complex(resp, msg);
        return sb_pg_error(resp, 500, "XX000", msg, NULL, NULL);
    }
}
