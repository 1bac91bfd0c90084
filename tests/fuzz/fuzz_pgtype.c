/* fuzz_pgtype.c: the type layer's parsers and renderers (fake_supabase/pgtype*.c).
 *
 * Input: one byte choosing a declared type (the table below), then a literal. The literal
 * goes through pg_input (and pg_input_filter, and as a JSON body value when it parses as
 * JSON); a failure must carry a five-character SQLSTATE and a message. A success is
 * rendered, and for the scalar types whose rendering is their input text again (a JSON
 * string or number), reading the rendering back must give the same storage form: what is
 * stored renders back exactly. Whatever the bytes, they are also rendered as if they were a
 * stored value of the type (rows of older files), lower-cased and collated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fake_supabase/pgtype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {
    "boolean",
    "smallint",
    "integer",
    "bigint",
    "numeric",
    "numeric(10,2)",
    "real",
    "double precision",
    "uuid",
    "text",
    "character(3)",
    "character varying(5)",
    "date",
    "time without time zone",
    "timestamp without time zone",
    "timestamp with time zone",
    "interval",
    "json",
    "jsonb",
    "text ARRAY",
    "integer ARRAY",
    "timestamp with time zone ARRAY",
    "INTEGER",
    "TEXT",
};
#define NTYPES (sizeof types / sizeof types[0])

static void check_error(int rc, const struct pg_error *e)
{
    if (rc == FK_EINVAL && (strlen(e->code) != 5 || e->message[0] == '\0'))
        abort();
    if (rc != 0 && rc != FK_EINVAL && rc != FK_ENOMEM)
        abort();
}

static int sqltype_of(const struct pg_value *v)
{
    return v->t == PG_V_INT    ? SQLITE_INTEGER
           : v->t == PG_V_REAL ? SQLITE_FLOAT
           : v->t == PG_V_TEXT ? SQLITE_TEXT
                               : SQLITE_NULL;
}

static bool same(const struct pg_value *a, const struct pg_value *b)
{
    if (a->t != b->t)
        return false;
    switch (a->t) {
    case PG_V_INT:
        return a->i == b->i;
    case PG_V_REAL:
        return a->d == b->d || (a->d != a->d && b->d != b->d);
    case PG_V_TEXT:
        return strcmp(a->s, b->s) == 0;
    default:
        return true;
    }
}

/* Render v and, for scalar types, read the rendering back. */
static void round_trip(const struct pg_type *t, const struct pg_value *v)
{
    struct fk_buf b;
    cJSON *j;

    fk_buf_init(&b, 1 << 24);
    if (pg_render(t, sqltype_of(v), v->i, v->d, v->s, v->s != NULL ? strlen(v->s) : 0, &b) != 0) {
        fk_buf_cleanup(&b);
        return;
    }
    j = cJSON_ParseWithLength(b.data, b.len);
    if (j == NULL) /* every rendering is one JSON value */
        abort();
    if (!t->array && t->kind != PG_JSON && t->kind != PG_JSONB &&
        (cJSON_IsString(j) || cJSON_IsNumber(j))) {
        struct pg_value again = {0};
        struct pg_error e;
        const char *text = cJSON_IsString(j) ? j->valuestring : b.data;
        if (pg_input(t, text, &again, &e) != 0 || !same(v, &again))
            abort();
        pg_value_free(&again);
    }
    cJSON_Delete(j);
    fk_buf_cleanup(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool init;
    struct pg_type t;
    struct pg_value v = {0};
    struct pg_error e;
    struct fk_buf b;
    const char *legacy[1];
    char *text, *low;
    cJSON *json;
    int rc;

    if (!init) {
        (void)pg_collation_set("en_US.UTF-8");
        init = true;
    }
    if (size < 1 || size > 4096)
        return 0;
    legacy[0] = types[data[0] % NTYPES];
    pg_type_parse(legacy[0], pg_table_is_legacy(legacy, 1), &t);
    text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    rc = pg_input(&t, text, &v, &e);
    check_error(rc, &e);
    if (rc == 0) {
        round_trip(&t, &v);
        pg_value_free(&v);
    }
    rc = pg_input_filter(&t, text, &v, &e);
    check_error(rc, &e);
    pg_value_free(&v);
    if ((json = cJSON_Parse(text)) != NULL) {
        rc = pg_input_json(&t, json, &v, &e);
        check_error(rc, &e);
        if (rc == 0)
            round_trip(&t, &v);
        pg_value_free(&v);
        cJSON_Delete(json);
    }
    /* the bytes as a stored value of the type, whatever they are */
    fk_buf_init(&b, 1 << 24);
    (void)pg_render(&t, SQLITE_TEXT, 0, 0, text, strlen(text), &b);
    fk_buf_cleanup(&b);
    (void)pg_body_has_nul(text, strlen(text));
    low = pg_lower(text);
    if (low != NULL && pg_text_cmp(text, strlen(text), low, strlen(low)) == 0 &&
        strcmp(text, low) != 0)
        abort(); /* equal under the collation means equal bytes (ties break bytewise) */
    free(low);
    free(text);
    return 0;
}
