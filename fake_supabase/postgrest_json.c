/* postgrest_json.c: rows of /rest/v1 as JSON, typed by the schema cache.
 *
 * Two ways to the same bytes. sb_rest_row/sb_rest_project build cJSON objects (writes, which
 * keep their RETURNING rows for checks before answering). sb_rest_row_text writes the
 * select list of the current row straight into a buffer, for reads, where building and
 * printing a cJSON tree per row was a large part of a request; it writes exactly what
 * cJSON_PrintUnformatted prints for sb_rest_project(sb_rest_row()), and hands the values
 * whose printing is subtle (reals, large integers, blobs, JSON columns) to cJSON itself. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/postgrest_int.h"

static cJSON *hex_blob(const unsigned char *p, int n)
{
    char *s = malloc((size_t)n * 2 + 3);
    cJSON *v;

    if (s == NULL)
        return NULL;
    memcpy(s, "\\x", 2);
    for (int i = 0; i < n; i++)
        snprintf(s + 2 + i * 2, 3, "%02x", p[i]);
    s[2 + n * 2] = '\0';
    v = cJSON_CreateString(s);
    free(s);
    return v;
}

static cJSON *column_value(const struct sb_column *col, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
        return cJSON_CreateNull();
    case SQLITE_INTEGER:
        if (col->is_bool)
            return cJSON_CreateBool(sqlite3_column_int64(st, i) != 0);
        return cJSON_CreateNumber((double)sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return cJSON_CreateNumber(sqlite3_column_double(st, i));
    case SQLITE_BLOB:
        return hex_blob(sqlite3_column_blob(st, i), sqlite3_column_bytes(st, i));
    default: {
        const char *text = (const char *)sqlite3_column_text(st, i);
        cJSON *v = col->is_json && text != NULL ? cJSON_Parse(text) : NULL;
        return v != NULL ? v : cJSON_CreateString(text != NULL ? text : "");
    }
    }
}

cJSON *sb_rest_row(const struct sb_table *t, sqlite3_stmt *st)
{
    cJSON *row = cJSON_CreateObject();

    for (size_t i = 0; row != NULL && i < t->ncols; i++) {
        cJSON *v = column_value(&t->cols[i], st, (int)i);
        if (v == NULL || !cJSON_AddItemToObject(row, t->cols[i].name, v)) {
            cJSON_Delete(v);
            cJSON_Delete(row);
            return NULL;
        }
    }
    return row;
}

cJSON *sb_rest_project(const struct sb_ctx *c, const cJSON *full)
{
    cJSON *row = cJSON_CreateObject();

    for (size_t i = 0; row != NULL && i < c->q.nsel; i++) {
        const struct sb_select *s = &c->q.sel[i];
        const char *name = c->t->cols[s->col].name;
        cJSON *v = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(full, name), true);
        if (v == NULL || !cJSON_AddItemToObject(row, s->alias != NULL ? s->alias : name, v)) {
            cJSON_Delete(v);
            cJSON_Delete(row);
            return NULL;
        }
    }
    return row;
}

/* s as a JSON string, escaped as cJSON's print_string_ptr escapes it: the two-character
 * escapes for quote, backslash, b f n r t; \u00xx (lower-case hex) for the other bytes below
 * 0x20; every other byte as it is (UTF-8 and 0x7f included). */
static int add_string(struct fk_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int rc = fk_buf_add(out, "\"", 1);

    while (rc == 0 && *p != '\0') {
        const unsigned char *run = p;
        char esc[8];
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            rc = fk_buf_add(out, run, (size_t)(p - run));
        if (rc != 0 || *p == '\0')
            break;
        switch (*p) {
        case '"':
            rc = fk_buf_add(out, "\\\"", 2);
            break;
        case '\\':
            rc = fk_buf_add(out, "\\\\", 2);
            break;
        case '\b':
            rc = fk_buf_add(out, "\\b", 2);
            break;
        case '\f':
            rc = fk_buf_add(out, "\\f", 2);
            break;
        case '\n':
            rc = fk_buf_add(out, "\\n", 2);
            break;
        case '\r':
            rc = fk_buf_add(out, "\\r", 2);
            break;
        case '\t':
            rc = fk_buf_add(out, "\\t", 2);
            break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            rc = fk_buf_add(out, esc, 6);
            break;
        }
        p++;
    }
    return rc == 0 ? fk_buf_add(out, "\"", 1) : rc;
}

/* A value through cJSON: build it as sb_rest_row does and print it. */
static int add_via_cjson(struct fk_buf *out, const struct sb_column *col, sqlite3_stmt *st, int i)
{
    cJSON *v = column_value(col, st, i);
    char *text = v != NULL ? cJSON_PrintUnformatted(v) : NULL;
    int rc = text != NULL ? fk_buf_addstr(out, text) : FK_ENOMEM;

    cJSON_free(text);
    cJSON_Delete(v);
    return rc;
}

static int add_value(struct fk_buf *out, const struct sb_column *col, sqlite3_stmt *st, int i)
{
    char num[24];
    long long n;

    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
        return fk_buf_add(out, "null", 4);
    case SQLITE_INTEGER:
        n = sqlite3_column_int64(st, i);
        if (col->is_bool)
            return n != 0 ? fk_buf_add(out, "true", 4) : fk_buf_add(out, "false", 5);
        /* cJSON prints a number equal to its int value with %d; others need its logic */
        if (n < INT_MIN || n > INT_MAX)
            return add_via_cjson(out, col, st, i);
        snprintf(num, sizeof num, "%lld", n);
        return fk_buf_addstr(out, num);
    case SQLITE_TEXT:
        if (!col->is_json) {
            const char *text = (const char *)sqlite3_column_text(st, i);
            return add_string(out, text != NULL ? text : "");
        }
        return add_via_cjson(out, col, st, i);
    default:
        return add_via_cjson(out, col, st, i);
    }
}

int sb_rest_row_text(const struct sb_ctx *c, sqlite3_stmt *st, struct fk_buf *out)
{
    int rc = fk_buf_add(out, "{", 1);

    for (size_t i = 0; rc == 0 && i < c->q.nsel; i++) {
        const struct sb_select *s = &c->q.sel[i];
        const struct sb_column *col = &c->t->cols[s->col];
        if (i > 0)
            rc = fk_buf_add(out, ",", 1);
        if (rc == 0)
            rc = add_string(out, s->alias != NULL ? s->alias : col->name);
        if (rc == 0)
            rc = fk_buf_add(out, ":", 1);
        if (rc == 0)
            rc = add_value(out, col, st, s->col);
    }
    return rc == 0 ? fk_buf_add(out, "}", 1) : rc;
}
