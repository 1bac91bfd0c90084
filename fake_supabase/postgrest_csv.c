/* postgrest_csv.c: reads with Accept: text/csv, as PostgREST 12 writes them.
 *
 * PostgREST v12.2 src/PostgREST/Query/SqlFragment.hs asCsvF: the header is the first row's
 * keys (json_object_keys(row_to_json(...)), joined by ',', never quoted; '' without rows),
 * then '\n', then every row's record text without its parentheses
 * (substring(_postgrest_t::text, 2, length - 2)), rows joined by '\n', no final newline.
 * record_out writes a NULL as nothing and quotes a value that is empty or holds '"', '\\',
 * '(', ')', ',' or white space, doubling '"' and '\\' inside; each value is its type's text
 * output: booleans t and f, timestamptz "2020-01-01 00:00:00+00" (the session is UTC),
 * json/jsonb their text, arrays PostgreSQL's {a,"b c",NULL}. The fake makes that text from
 * the JSON it renders for the row (postgrest_json.c). Embedded resources are not written. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_supabase/filter_jpath.h"
#include "fake_supabase/rest_ctx.h"

/* record_out's quoting of one value's text s (n bytes). */
static int put_quoted(struct fk_buf *out, const char *s, size_t n, const char *special)
{
    bool quote = n == 0;
    int rc = 0;

    for (size_t i = 0; !quote && i < n; i++)
        quote = strchr(special, s[i]) != NULL || isspace((unsigned char)s[i]);
    if (!quote)
        return fk_buf_add(out, s, n);
    rc = fk_buf_add(out, "\"", 1);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            rc = fk_buf_add(out, &s[i], 1);
        if (rc == 0)
            rc = fk_buf_add(out, &s[i], 1);
    }
    return rc == 0 ? fk_buf_add(out, "\"", 1) : rc;
}

/* The text output of a scalar JSON value v of type kind into t. */
static int scalar_text(struct fk_buf *t, const cJSON *v, enum pg_kind kind)
{
    if (cJSON_IsBool(v))
        return fk_buf_add(t, cJSON_IsTrue(v) ? "t" : "f", 1);
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring, *tee = strchr(s, 'T');
        size_t n = strlen(s);
        int rc = 0;
        if ((kind == PG_TIMESTAMP || kind == PG_TIMESTAMPTZ) && tee != NULL) {
            rc = fk_buf_add(t, s, (size_t)(tee - s));
            if (rc == 0)
                rc = fk_buf_add(t, " ", 1);
            n -= (size_t)(tee + 1 - s);
            s = tee + 1;
        }
        if (kind == PG_TIMESTAMPTZ && n > 6 && strcmp(s + n - 3, ":00") == 0)
            n -= 3;
        return rc == 0 ? fk_buf_add(t, s, n) : rc;
    }
    return sb_jsonb_text(t, v); /* numbers as rendered; objects and arrays as jsonb */
}

/* The text output of value v (rendered JSON) of a column of type ty into t. */
static int value_text(struct fk_buf *t, const cJSON *v, const struct pg_type *ty, bool jsonb)
{
    const cJSON *e;
    int rc = 0;
    bool first = true;

    if (jsonb || ty->kind == PG_JSON || ty->kind == PG_JSONB)
        return sb_jsonb_text(t, v);
    if (!ty->array || !cJSON_IsArray(v))
        return scalar_text(t, v, ty->kind);
    rc = fk_buf_add(t, "{", 1); /* array_out: elements quoted like record_out, NULL bare */
    cJSON_ArrayForEach(e, v)
    {
        struct fk_buf el;
        if (rc == 0 && !first)
            rc = fk_buf_add(t, ",", 1);
        first = false;
        if (rc != 0 || cJSON_IsNull(e)) {
            rc = rc == 0 ? fk_buf_add(t, "NULL", 4) : rc;
            continue;
        }
        fk_buf_init(&el, SIZE_MAX);
        rc = scalar_text(&el, e, ty->kind);
        if (rc == 0 && el.len == 4 && strncasecmp(fk_buf_str(&el), "null", 4) == 0)
            rc = fk_buf_printf(t, "\"%s\"", fk_buf_str(&el));
        else if (rc == 0)
            rc = put_quoted(t, fk_buf_str(&el), el.len, "\"\\{},");
        fk_buf_cleanup(&el);
    }
    return rc == 0 ? fk_buf_add(t, "}", 1) : rc;
}

int sb_csv_header(const struct sb_ctx *c, struct fk_buf *out)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < c->q.nsel; i++) {
        const struct sb_select *s = &c->q.sel[i];
        const char *name =
            s->alias != NULL ? s->alias : sb_jpath_alias(s->jp, c->t->cols[s->col].name);
        if (i > 0)
            rc = fk_buf_add(out, ",", 1);
        if (rc == 0)
            rc = fk_buf_addstr(out, name);
    }
    return rc;
}

int sb_csv_row(const struct sb_ctx *c, sqlite3_stmt *st, struct fk_buf *out)
{
    struct fk_buf json;
    cJSON *row, *v;
    size_t i = 0;
    int rc;

    fk_buf_init(&json, SIZE_MAX);
    rc = sb_rest_row_text(c, st, &json);
    row = rc == 0 ? cJSON_ParseWithLength(fk_buf_str(&json), json.len) : NULL;
    fk_buf_cleanup(&json);
    if (row == NULL)
        return FK_ENOMEM;
    for (v = row->child; rc == 0 && v != NULL && i < c->q.nsel; v = v->next, i++) {
        const struct sb_select *s = &c->q.sel[i];
        struct fk_buf t;
        if (i > 0)
            rc = fk_buf_add(out, ",", 1);
        if (rc != 0 || cJSON_IsNull(v))
            continue;
        fk_buf_init(&t, SIZE_MAX);
        if (s->as_text || sb_jpath_is_text(s->jp))
            rc = cJSON_IsString(v) ? fk_buf_addstr(&t, v->valuestring) : FK_EINVAL;
        else
            rc = value_text(&t, v, &c->t->cols[s->col].type, s->jp != NULL);
        if (rc == 0)
            rc = put_quoted(out, fk_buf_str(&t), t.len, "\"\\(),");
        fk_buf_cleanup(&t);
    }
    cJSON_Delete(row);
    return rc;
}
