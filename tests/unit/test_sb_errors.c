/* test_sb_errors.c: PostgREST error bodies, the fault shorthand table, SQLite constraint
 * failures rebuilt as PostgreSQL reports them, and the Prefer header parser (fake_supabase).
 * No network: the constraint tests run statements against an in-memory SQLite database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_supabase/errors.h"
#include "fake_supabase/rest_ctx.h"

static const char base_sql[] = "CREATE TABLE auth_users (id TEXT PRIMARY KEY);";
static const char test_sql[] = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
                               "kind TEXT CHECK (kind IN ('a', 'b')), "
                               "user_id TEXT REFERENCES auth_users(id));";

static cJSON *body_of(const struct fk_resp *r)
{
    cJSON *j = cJSON_ParseWithLength(r->body, r->body_len);
    const char *keys[] = {"code", "details", "hint", "message"};

    assert_non_null(j);
    assert_int_equal(cJSON_GetArraySize(j), 4);
    for (size_t i = 0; i < 4; i++)
        assert_true(cJSON_HasObjectItem(j, keys[i]));
    return j;
}

static const char *str(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_error_body(void **state)
{
    struct fk_resp r;
    cJSON *j;

    (void)state;
    fk_resp_init(&r);
    assert_int_equal(sb_pg_error(&r, 409, "23505", "dup", "", NULL), 0);
    assert_int_equal(r.status, 409);
    j = body_of(&r);
    assert_string_equal(str(j, "code"), "23505");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "details")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "hint")));
    assert_string_equal(fk_resp_get_header(&r, "Proxy-Status"), "PostgREST; error=23505");
    assert_string_equal(r.content_type, "application/json; charset=utf-8");
    cJSON_Delete(j);
    fk_resp_cleanup(&r);
}

struct code_case {
    const char *code;
    int rc;
    unsigned status;
    const char *body_code;
};

static const struct code_case code_cases[] = {
    {"23505", 0, 409, "23505"},       {"23503", 0, 409, "23503"},
    {"23502", 0, 400, "23502"},       {"23514", 0, 400, "23514"},
    {"42501", 0, 403, "42501"},       {"PGRST116", 0, 406, "PGRST116"},
    {"PGRST205", 0, 404, "PGRST205"}, {"PGRST301", 0, 401, "PGRST301"},
    {"500", 0, 500, "XX000"},         {"503", 0, 503, "PGRST001"},
    {"429", 0, 429, "PGRST429"},      {"nope", FK_EINVAL, 0, NULL},
    {"", FK_EINVAL, 0, NULL},
};

static void test_shorthand_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(code_cases) / sizeof(code_cases[0]); i++) {
        const struct code_case *c = &code_cases[i];
        struct fk_resp r;
        cJSON *j;

        assert_int_equal(sb_pg_error_code(NULL, c->code), c->rc);
        if (c->rc != 0)
            continue;
        fk_resp_init(&r);
        assert_int_equal(sb_pg_error_code(&r, c->code), 0);
        assert_int_equal(r.status, c->status);
        j = body_of(&r);
        assert_string_equal(str(j, "code"), c->body_code);
        if (c->status == 429)
            assert_non_null(fk_resp_get_header(&r, "Retry-After"));
        cJSON_Delete(j);
        fk_resp_cleanup(&r);
    }
}

struct sqlite_case {
    const char *sql; /* fails with a constraint error */
    const char *row; /* the request's values */
    unsigned status;
    const char *code, *message, *details;
};

static const struct sqlite_case sqlite_cases[] = {
    {"INSERT INTO t (id, name) VALUES (2, 'x')", "{\"id\":2,\"name\":\"x\"}", 409, "23505",
     "duplicate key value violates unique constraint \"t_name_key\"",
     "Key (name)=(x) already exists."},
    {"INSERT INTO t (id, name) VALUES (1, 'y')", "{\"id\":1,\"name\":\"y\"}", 409, "23505",
     "duplicate key value violates unique constraint \"t_pkey\"", "Key (id)=(1) already exists."},
    {"INSERT INTO t (id) VALUES (3)", "{\"id\":3}", 400, "23502",
     "null value in column \"name\" of relation \"t\" violates not-null constraint",
     "Failing row contains (3, null, null, null)."},
    {"INSERT INTO t (name, kind) VALUES ('z', 'c')", "{\"name\":\"z\",\"kind\":\"c\"}", 400,
     "23514", "new row for relation \"t\" violates check constraint \"t_kind_check\"", NULL},
    {"INSERT INTO t (name, user_id) VALUES ('w', 'ghost')",
     "{\"name\":\"w\",\"user_id\":\"ghost\"}", 409, "23503",
     "insert or update on table \"t\" violates foreign key constraint \"t_user_id_fkey\"",
     "Key (user_id)=(ghost) is not present in table \"users\"."},
};

static void test_sqlite_errors(void **state)
{
    struct sb_schema *s = NULL;
    struct fk_error err;
    sqlite3 *db = NULL;

    (void)state;
    assert_int_equal(sb_schema_from_sql(base_sql, test_sql, &s, &err), 0);
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, base_sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, test_sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO t (id, name) VALUES (1, 'x')", NULL, NULL, NULL),
                     SQLITE_OK);
    for (size_t i = 0; i < sizeof(sqlite_cases) / sizeof(sqlite_cases[0]); i++) {
        const struct sqlite_case *c = &sqlite_cases[i];
        cJSON *row = cJSON_Parse(c->row), *j;
        struct fk_resp r;
        int rc = sqlite3_exec(db, c->sql, NULL, NULL, NULL);

        assert_int_equal(rc, SQLITE_CONSTRAINT);
        fk_resp_init(&r);
        assert_int_equal(sb_pg_sqlite_error(&r, db, rc, s, sb_schema_table(s, "t"), row, false), 0);
        assert_int_equal(r.status, c->status);
        j = body_of(&r);
        assert_string_equal(str(j, "code"), c->code);
        assert_string_equal(str(j, "message"), c->message);
        if (c->details != NULL)
            assert_string_equal(str(j, "details"), c->details);
        cJSON_Delete(j);
        cJSON_Delete(row);
        fk_resp_cleanup(&r);
    }
    sqlite3_close(db);
    sb_schema_free(s);
}

static void test_prefer(void **state)
{
    struct sb_prefer p;

    (void)state;
    sb_prefer_parse(NULL, &p);
    assert_int_equal(p.ret, SB_RET_DEFAULT);
    assert_false(p.count);
    sb_prefer_parse("resolution=ignore-duplicates, return=representation", &p);
    assert_int_equal(p.resolution, SB_RES_IGNORE);
    assert_int_equal(p.ret, SB_RET_REPR);
    sb_prefer_parse(",return=minimal,,count=exact ,missing=default,tx=rollback", &p);
    assert_int_equal(p.ret, SB_RET_MINIMAL);
    assert_true(p.count);
    assert_true(p.missing_default);
    sb_prefer_parse("return=headers-only, resolution=merge-duplicates, bogus", &p);
    assert_int_equal(p.ret, SB_RET_HEADERS);
    assert_int_equal(p.resolution, SB_RES_MERGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_body),
        cmocka_unit_test(test_shorthand_table),
        cmocka_unit_test(test_sqlite_errors),
        cmocka_unit_test(test_prefer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
