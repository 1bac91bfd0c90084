/* postgrest_json.c: rows of /rest/v1 as JSON, typed by the schema cache.
 *
 * Two ways to the same bytes, both from the type layer's pg_render_column (pgtype.h: what
 * PostgREST's to_json gives for the column's PostgreSQL type). sb_rest_row/sb_rest_project
 * build cJSON objects (writes, which keep their RETURNING rows for checks before answering):
 * strings and booleans as cJSON values, numbers and JSON as raw items printing the rendered
 * text. sb_rest_row_text writes the select list of the current row straight into a buffer,
 * for reads, where building and printing a cJSON tree per row was a large part of a
 * request. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/rest_ctx.h"

/* A value as a cJSON item that prints exactly the layer's rendering: strings and booleans
 * as themselves (so callers can read them), everything else raw JSON text. */
static cJSON *column_value(const struct sb_column *col, sqlite3_stmt *st, int i)
{
    struct fk_buf b;
    cJSON *v = NULL;

    const struct pg_type *t = &col->type;
    int type = sqlite3_column_type(st, i);

    if (type == SQLITE_NULL)
        return cJSON_CreateNull();
    /* the common cases without rendering: text as it is stored, booleans, small integers */
    if (type == SQLITE_TEXT && !t->array &&
        (pg_type_is_text(t) || t->kind == PG_UUID || t->kind == PG_UNKNOWN))
        return cJSON_CreateString((const char *)sqlite3_column_text(st, i));
    if (type == SQLITE_INTEGER && !t->array && t->kind == PG_BOOL)
        return cJSON_CreateBool(sqlite3_column_int64(st, i) != 0);
    if (type == SQLITE_INTEGER && !t->array &&
        (t->kind == PG_INT2 || t->kind == PG_INT4 ||
         (t->kind == PG_INT8 && sqlite3_column_int64(st, i) >= INT_MIN &&
          sqlite3_column_int64(st, i) <= INT_MAX)))
        return cJSON_CreateNumber((double)sqlite3_column_int64(st, i)); /* printed as %d */
    fk_buf_init(&b, SIZE_MAX);
    if (pg_render_column(&col->type, st, i, &b) != 0) {
        fk_buf_cleanup(&b);
        return NULL;
    }
    if (b.data[0] == '"')
        v = cJSON_ParseWithLength(b.data, b.len);
    else if (strcmp(b.data, "true") == 0 || strcmp(b.data, "false") == 0)
        v = cJSON_CreateBool(b.data[0] == 't');
    else
        v = cJSON_CreateRaw(b.data);
    fk_buf_cleanup(&b);
    return v;
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

/* A rendered value v (JSON text, len bytes) as PostgreSQL's text output, a JSON string: a
 * timestamp's 'T' becomes ' ' and timestamptz's "+00:00" "+00" (the session is UTC); numbers
 * and booleans their JSON text; json and jsonb (jsonb: the path's node) their jsonb text.
 * Arrays keep their JSON (PostgreSQL's {a,b} text is not rendered). */
static int text_cast(struct fk_buf *out, const char *v, size_t len, const struct pg_type *t,
                     bool jsonb)
{
    cJSON *j = cJSON_ParseWithLength(v, len);
    struct fk_buf a;
    int rc;

    fk_buf_init(&a, SIZE_MAX);
    if (j == NULL || cJSON_IsNull(j) || (t->array && !jsonb))
        rc = fk_buf_add(out, v, len);
    else if (cJSON_IsNumber(j) || cJSON_IsBool(j)) /* as rendered: numeric(10,2)'s 12.50 */
        rc = pg_json_string(out, v, len);
    else if (cJSON_IsString(j) && !jsonb) {
        char *s = j->valuestring, *tee = strchr(s, 'T');
        size_t n = strlen(s);
        if ((t->kind == PG_TIMESTAMP || t->kind == PG_TIMESTAMPTZ) && tee != NULL)
            *tee = ' ';
        if (t->kind == PG_TIMESTAMPTZ && n > 6 && strcmp(s + n - 3, ":00") == 0)
            n -= 3;
        rc = pg_json_string(out, s, n);
    } else {
        rc = sb_jsonb_text(&a, j);
        if (rc == 0)
            rc = pg_json_string(out, fk_buf_str(&a), a.len);
    }
    fk_buf_cleanup(&a);
    cJSON_Delete(j);
    return rc;
}

/* Select item s of col, whose value renders as v (JSON text, len bytes): its JSON path
 * (filter_jpath.h) and ::text cast applied. */
static int select_value(struct fk_buf *out, const struct sb_select *s, const struct sb_column *col,
                        const char *v, size_t len)
{
    struct fk_buf a;
    int rc = 0;

    if (s->jp == NULL && !s->as_text)
        return fk_buf_add(out, v, len);
    fk_buf_init(&a, SIZE_MAX);
    if (s->jp != NULL) {
        rc = sb_jpath_render(&a, s->jp, v, len);
        v = fk_buf_str(&a);
        len = a.len;
    }
    if (rc == 0 && s->as_text && !sb_jpath_is_text(s->jp))
        rc = text_cast(out, v, len, &col->type, s->jp != NULL);
    else if (rc == 0)
        rc = fk_buf_add(out, v, len);
    fk_buf_cleanup(&a);
    return rc;
}

static const char *select_name(const struct sb_select *s, const struct sb_column *col)
{
    return s->alias != NULL ? s->alias : sb_jpath_alias(s->jp, col->name);
}

cJSON *sb_rest_project(const struct sb_ctx *c, const cJSON *full)
{
    cJSON *row = cJSON_CreateObject();

    for (size_t i = 0; row != NULL && i < c->q.nsel; i++) {
        const struct sb_select *s = &c->q.sel[i];
        const char *name = c->t->cols[s->col].name;
        cJSON *v = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(full, name), true);
        if (v != NULL && (s->jp != NULL || s->as_text)) { /* through the text form */
            char *text = cJSON_PrintUnformatted(v);
            struct fk_buf b;
            fk_buf_init(&b, SIZE_MAX);
            cJSON_Delete(v);
            v = text != NULL && select_value(&b, s, &c->t->cols[s->col], text, strlen(text)) == 0
                    ? cJSON_ParseWithLength(fk_buf_str(&b), b.len)
                    : NULL;
            fk_buf_cleanup(&b);
            cJSON_free(text);
        }
        if (v == NULL || !cJSON_AddItemToObject(row, select_name(s, &c->t->cols[s->col]), v)) {
            cJSON_Delete(v);
            cJSON_Delete(row);
            return NULL;
        }
    }
    if (row != NULL && c->nembeds > 0 && sb_embed_json(c, full, row) != 0) {
        cJSON_Delete(row);
        return NULL;
    }
    return row;
}

static int add_value(struct fk_buf *out, const struct sb_column *col, sqlite3_stmt *st, int i)
{
    return pg_render_column(&col->type, st, i, out);
}

int sb_rest_row_text(const struct sb_ctx *c, sqlite3_stmt *st, struct fk_buf *out)
{
    int rc = fk_buf_add(out, "{", 1);

    for (size_t i = 0; rc == 0 && i < c->q.nsel; i++) {
        const struct sb_select *s = &c->q.sel[i];
        const struct sb_column *col = &c->t->cols[s->col];
        if (i > 0)
            rc = fk_buf_add(out, ",", 1);
        if (rc == 0) {
            const char *name = select_name(s, col);
            rc = pg_json_string(out, name, strlen(name));
        }
        if (rc == 0)
            rc = fk_buf_add(out, ":", 1);
        if (rc == 0 && s->jp == NULL && !s->as_text)
            rc = add_value(out, col, st, s->col);
        else if (rc == 0) {
            struct fk_buf b;
            fk_buf_init(&b, SIZE_MAX);
            rc = add_value(&b, col, st, s->col);
            if (rc == 0)
                rc = select_value(out, s, col, fk_buf_str(&b), b.len);
            fk_buf_cleanup(&b);
        }
    }
    if (rc == 0 && c->nembeds > 0)
        rc = sb_embed_text(c, st, c->q.nsel == 0, out);
    return rc == 0 ? fk_buf_add(out, "}", 1) : rc;
}

cJSON *sb_rest_row_storage(const struct sb_table *t, const cJSON *row, const char *path,
                           struct fk_error *err)
{
    cJSON *out = cJSON_CreateObject();
    const cJSON *v;

    cJSON_ArrayForEach(v, row)
    {
        int k = sb_table_column(t, v->string);
        struct pg_value pv = {0};
        struct pg_error e;
        cJSON *item = NULL;
        int rc;
        if (out == NULL)
            return NULL;
        if (k < 0 || t->cols[k].type.kind == PG_UNKNOWN) { /* fk_store says what is unknown */
            item = cJSON_Duplicate(v, true);
        } else if ((rc = pg_input_json(&t->cols[k].type, v, &pv, &e)) == FK_EINVAL) {
            fk_error_set(err, "%s.%s: %s (%s)", path, v->string, e.message, e.code);
            cJSON_Delete(out);
            return NULL;
        } else if (rc == 0) {
            item = pv.t == PG_V_INT    ? cJSON_CreateNumber((double)pv.i)
                   : pv.t == PG_V_REAL ? cJSON_CreateNumber(pv.d)
                   : pv.t == PG_V_TEXT ? cJSON_CreateString(pv.s)
                                       : cJSON_CreateNull();
        }
        pg_value_free(&pv);
        if (item == NULL || !cJSON_AddItemToObject(out, v->string, item)) {
            cJSON_Delete(item);
            cJSON_Delete(out);
            fk_error_set(err, "%s: out of memory", path);
            return NULL;
        }
    }
    return out;
}
