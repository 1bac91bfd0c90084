/* test_pgtype.c: the type layer (fake_supabase/pgtype.h) on its own: declared types, input
 * as PostgreSQL's input functions read it (values and SQLSTATEs), storage forms, rendering
 * as to_json, the collation and Unicode lower(). The same cases, and hundreds more, are
 * checked against a real PostgreSQL by tests/integration/test_pg_diff.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_supabase/pgtype.h"

struct case_ {
    const char *type;
    const char *input;
    const char *json; /* rendered, or NULL when an error */
    const char *code; /* SQLSTATE of the error */
};

static const struct case_ cases[] = {
    {"boolean", " YES ", "true", NULL},
    {"boolean", "of", "false", NULL},
    {"boolean", "o", NULL, "22P02"},
    {"boolean", "off", "false", NULL},
    {"boolean", "T", "true", NULL},
    {"boolean", "maybe", NULL, "22P02"},
    {"integer", " -2147483648 ", "-2147483648", NULL},
    {"integer", "2147483648", NULL, "22003"},
    {"integer", "1.5", NULL, "22P02"},
    {"smallint", "32768", NULL, "22003"},
    {"bigint", "9223372036854775807", "9223372036854775807", NULL},
    {"bigint", "9007199254740993", "9007199254740993", NULL},
    {"bigint", "9223372036854775808", NULL, "22003"},
    {"double precision", "0.1", "0.1", NULL},
    {"double precision", "1e15", "1e+15", NULL},
    {"double precision", "123456789012345", "123456789012345", NULL},
    {"double precision", "1e-5", "1e-05", NULL},
    {"double precision", " NaN ", "\"NaN\"", NULL},
    {"double precision", "-infinity", "\"-Infinity\"", NULL},
    {"double precision", "1e400", NULL, "22003"},
    {"double precision", "x", NULL, "22P02"},
    {"real", "0.1", "0.1", NULL},
    {"real", "1e6", "1e+06", NULL},
    {"numeric(10,2)", "12.345", "12.35", NULL},
    {"numeric(10,2)", "-12.345", "-12.35", NULL},
    {"numeric(10,2)", "7", "7.00", NULL},
    {"numeric(3,1)", "100", NULL, "22003"},
    {"numeric", "1e20", "100000000000000000000", NULL},
    {"numeric", "0.000012", "0.000012", NULL},
    {"numeric", "abc", NULL, "22P02"},
    {"uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"",
     NULL},
    {"uuid", "{a0eebc999c0b4ef8bb6d6bb9bd380a11}", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"",
     NULL},
    {"uuid", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"",
     NULL},
    {"uuid", " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", NULL, "22P02"},
    {"timestamp with time zone", "2026-06-01 12:00:30+02", "\"2026-06-01T10:00:30+00:00\"", NULL},
    {"timestamp with time zone", "2026-06-01T10:00:30.250Z", "\"2026-06-01T10:00:30.25+00:00\"",
     NULL},
    {"timestamp with time zone", "2026-06-01", "\"2026-06-01T00:00:00+00:00\"", NULL},
    {"timestamp with time zone", "2026-02-30", NULL, "22008"},
    {"timestamp with time zone", "yesterday-ish", NULL, "22007"},
    {"timestamp with time zone", "infinity", "\"infinity\"", NULL},
    {"timestamp without time zone", "2026-06-01 10:00:30.1234567+05",
     "\"2026-06-01T10:00:30.123457\"", NULL},
    {"date", "2024-02-29", "\"2024-02-29\"", NULL},
    {"time without time zone", "24:00", "\"24:00:00\"", NULL},
    {"time without time zone", "25:00", NULL, "22008"},
    {"character varying(3)", "abc  ", "\"abc\"", NULL},
    {"character varying(3)", "abcd", NULL, "22001"},
    {"character(3)", "a", "\"a  \"", NULL},
    {"text", "\xff", NULL, "22021"},
    {"jsonb", "{\"b\":1,\"aa\":2,\"b\":3}", "{\"b\": 3, \"aa\": 2}", NULL},
    {"json", "{\"b\":1 }", "{\"b\":1 }", NULL},
    {"json", "{x", NULL, "22P02"},
    {"text ARRAY", "{a,\"b,c\",NULL, d }", "[\"a\",\"b,c\",null,\"d\"]", NULL},
    {"integer ARRAY", "{1,x}", NULL, "22P02"},
    {"integer ARRAY", "{1,2", NULL, "22P02"},
    {"TEXT", "anything", "\"anything\"", NULL},
};

static void render_value(const struct pg_type *t, const struct pg_value *v, char *out, size_t size)
{
    struct fk_buf b;
    int type = v->t == PG_V_INT    ? SQLITE_INTEGER
               : v->t == PG_V_REAL ? SQLITE_FLOAT
               : v->t == PG_V_TEXT ? SQLITE_TEXT
                                   : SQLITE_NULL;

    fk_buf_init(&b, 1 << 20);
    assert_int_equal(pg_render(t, type, v->i, v->d, v->s, v->s != NULL ? strlen(v->s) : 0, &b), 0);
    snprintf(out, size, "%s", fk_buf_str(&b));
    fk_buf_cleanup(&b);
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct case_ *c = &cases[i];
        const char *legacy[] = {c->type};
        struct pg_type t;
        struct pg_value v;
        struct pg_error e;
        char got[256];
        int rc;

        pg_type_parse(c->type, pg_table_is_legacy(legacy, 1), &t);
        assert_int_not_equal(t.kind, PG_UNKNOWN);
        rc = pg_input(&t, c->input, &v, &e);
        if (c->code != NULL) {
            if (rc != FK_EINVAL || strcmp(e.code, c->code) != 0)
                fail_msg("%s '%s': rc %d code %s, want %s", c->type, c->input, rc,
                         rc == FK_EINVAL ? e.code : "-", c->code);
            continue;
        }
        if (rc != 0)
            fail_msg("%s '%s': %s %s", c->type, c->input, e.code, e.message);
        render_value(&t, &v, got, sizeof got);
        pg_value_free(&v);
        if (strcmp(got, c->json) != 0)
            fail_msg("%s '%s': rendered %s, want %s", c->type, c->input, got, c->json);
    }
}

static void test_types(void **state)
{
    const char *pg[] = {"integer", "uuid"}, *old[] = {"INTEGER", "TEXT"};
    struct pg_type t;
    char name[64];

    (void)state;
    assert_false(pg_table_is_legacy(pg, 2));
    assert_true(pg_table_is_legacy(old, 2));
    pg_type_parse("INTEGER", true, &t);
    assert_int_equal(t.kind, PG_INT8);
    pg_type_parse("INTEGER", false, &t);
    assert_int_equal(t.kind, PG_INT4);
    pg_type_parse("numeric(10,2)", false, &t);
    assert_int_equal(t.kind, PG_NUMERIC);
    assert_int_equal(t.len, 10);
    assert_int_equal(t.scale, 2);
    pg_type_parse("uuid ARRAY", false, &t);
    assert_true(t.array);
    assert_string_equal(pg_type_name(&t, name, sizeof name), "uuid[]");
    pg_type_parse("timestamp(3) with time zone", false, &t);
    assert_int_equal(t.kind, PG_TIMESTAMPTZ);
    pg_type_parse("character varying(20)", false, &t);
    assert_int_equal(t.kind, PG_VARCHAR);
    assert_int_equal(t.len, 20);
    pg_type_parse("numeric(10, 2)", false, &t);
    assert_int_equal(t.scale, 2);
    pg_type_parse("double precision ARRAY", false, &t);
    assert_true(t.array);
    assert_int_equal(t.kind, PG_FLOAT8);
    pg_type_parse("int[]", false, &t);
    assert_true(t.array);
    assert_int_equal(t.kind, PG_INT4);
    pg_type_parse("character", false, &t);
    assert_int_equal(t.len, 1);
    pg_type_parse("geometry", false, &t);
    assert_int_equal(t.kind, PG_UNKNOWN);
}

static void test_collation_and_lower(void **state)
{
    char *low;

    (void)state;
    if (pg_collation_set("en_US.UTF-8") == 0) {
        assert_true(pg_text_cmp("apple", 5, "Zebra", 5) < 0);
        assert_true(pg_text_cmp("a", 1, "A", 1) < 0);
        assert_true(pg_text_cmp("éclair", 7, "fig", 3) < 0);
    }
    assert_int_equal(pg_collation_set("C"), 0);
    assert_true(pg_text_cmp("apple", 5, "Zebra", 5) > 0);
    assert_string_equal(pg_collation_name(), "C");
    low = pg_lower("ÉCLAIR Straße ΣΑΣ");
    assert_non_null(low);
    assert_string_equal(low, "éclair straße σασ");
    free(low);
    assert_true(pg_body_has_nul("{\"a\":\"x\\u0000\"}", 15));
    assert_false(pg_body_has_nul("{\"a\":\"x\\\\u0000\"}", 16));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_collation_and_lower),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
