/* test_sb_rows.c: /rest/v1 rows written as JSON text without a cJSON tree.
 *
 * Reads write each row with sb_rest_row_text; writes still print
 * sb_rest_project(sb_rest_row()) with cJSON. Both must give the same bytes for every value a
 * column can hold (the SDK tests compare answers byte for byte): strings with every byte
 * from 1 to 255, quotes and control characters, booleans, JSON columns (valid or not), reals,
 * integers at and past the int range, blobs, NULL, and select lists with aliases and
 * repeated columns. Also checks the column list the schema cache makes once per table, and
 * Content-Range, now formatted by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_supabase/rest_ctx.h"

static const char table_sql[] =
    "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, b BOOLEAN, j JSONB, r REAL, bl BLOB, "
    "big INTEGER, n NUMERIC, \"we\"\"ird\" TEXT);";

/* Each row: the values of s b j r bl big n and "we""ird" as SQL literals. */
static const char *const rows_sql[] = {
    "'plain', 1, '{\"a\":[1,2,{\"b\":null}]}', 1.5, x'00ff10', 2147483647, 3, 'x'",
    "'quote \" backslash \\ slash /', 0, '[1, 2.50, \"x\"]', 0.1, x'', -2147483648, 2.5, ''",
    "'ctl ' || char(1,8,9,10,12,13,27,31,127) || ' end', 2, 'not json {', 1e300, NULL, "
    "2147483648, 'text in numeric', NULL",
    "'utf8 é ✓ 🎉', NULL, '\"just a string\"', -0.0, x'41', -2147483649, NULL, 'y'",
    "'', 1, '', 3.0, NULL, 9007199254740993, 1e20, 'z'",
    "NULL, 0, '12345678901234567890', 123456789.123456789, NULL, 9223372036854775807, "
    "-9223372036854775808, 'w'",
    "'tab\there', 1, ' {\"k\" : \"v\"} ', 2.2250738585072014e-308, x'5c', 0, 0, 'v'",
    "123, 1, 'true', 1.0e15, NULL, -1, 'abc', 'u'", /* an integer in a TEXT column */
};

/* Select lists to try ("" means none: every column). */
static const char *const selects[] = {
    "", "*", "s,id", "x:s,id,s,other:j", "we\"ird,big,b,bl",
};

static struct sb_schema *schema;
static sqlite3 *db;

static int setup(void **state)
{
    struct fk_error err = {{0}};
    char sql[512];

    (void)state; /* file-wide fixtures */
    if (sb_schema_from_sql(NULL, table_sql, &schema, &err) != 0 ||
        sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db, table_sql, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    for (size_t i = 0; i < sizeof rows_sql / sizeof rows_sql[0]; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO t (s, b, j, r, bl, big, n, \"we\"\"ird\") VALUES (%s)", rows_sql[i]);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state; /* file-wide fixtures */
    sqlite3_close(db);
    sb_schema_free(schema);
    return 0;
}

/* Compare both renderings of every row of stmt for the select list sel. */
static void compare_rows(sqlite3_stmt *stmt, const char *sel)
{
    const struct sb_table *t = sb_schema_table(schema, "t");
    struct fk_kv args[1] = {{"select", sel}};
    struct sb_ctx c;
    struct sb_qerr qe;
    int n = 0;

    memset(&c, 0, sizeof c);
    memset(&qe, 0, sizeof qe);
    c.t = t;
    assert_int_equal(sb_query_parse(t, args, sel[0] != '\0' ? 1 : 0, &c.q, &qe), 0);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *full = sb_rest_row(t, stmt);
        cJSON *proj = full != NULL ? sb_rest_project(&c, full) : NULL;
        char *want = proj != NULL ? cJSON_PrintUnformatted(proj) : NULL;
        struct fk_buf got;

        assert_non_null(want);
        fk_buf_init(&got, SIZE_MAX);
        assert_int_equal(sb_rest_row_text(&c, stmt, &got), 0);
        if (strcmp(fk_buf_str(&got), want) != 0)
            fail_msg("select=%s row %d:\n got %s\nwant %s", sel, n, fk_buf_str(&got), want);
        fk_buf_cleanup(&got);
        cJSON_free(want);
        cJSON_Delete(proj);
        cJSON_Delete(full);
        n++;
    }
    assert_int_equal(n, sizeof rows_sql / sizeof rows_sql[0]);
    sb_query_cleanup(&c.q);
}

static void test_text_equals_cjson(void **state)
{
    const struct sb_table *t = sb_schema_table(schema, "t");
    char sql[256];
    sqlite3_stmt *stmt = NULL;

    (void)state; /* table-driven */
    snprintf(sql, sizeof sql, "SELECT %s FROM t ORDER BY rowid", t->cols_sql);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    for (size_t i = 0; i < sizeof selects / sizeof selects[0]; i++) {
        sqlite3_reset(stmt);
        compare_rows(stmt, selects[i]);
    }
    sqlite3_finalize(stmt);
}

static void test_every_byte(void **state)
{
    const struct sb_table *t = sb_schema_table(schema, "t");
    char sql[256], text[256];
    sqlite3_stmt *ins = NULL, *stmt = NULL;

    (void)state; /* one row holding bytes 1..255 */
    for (int i = 1; i < 256; i++)
        text[i - 1] = (char)i;
    text[255] = '\0';
    assert_int_equal(sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t (s, j) VALUES (?1, ?1)", -1, &ins, NULL),
                     SQLITE_OK);
    for (size_t i = 0; i < sizeof rows_sql / sizeof rows_sql[0]; i++) {
        sqlite3_bind_text(ins, 1, text + i * 7, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    snprintf(sql, sizeof sql, "SELECT %s FROM t ORDER BY rowid", t->cols_sql);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    compare_rows(stmt, "s,j");
    sqlite3_finalize(stmt);
}

static void test_cols_sql(void **state)
{
    const struct sb_table *t = sb_schema_table(schema, "t");
    struct sb_table copy = *t;
    struct sb_sql a, b;

    (void)state; /* the precomputed list equals the one built name by name */
    assert_string_equal(t->cols_sql, "\"id\", \"s\", \"b\", \"j\", \"r\", \"bl\", \"big\", \"n\", "
                                     "\"we\"\"ird\"");
    copy.cols_sql = NULL;
    sb_sql_init(&a);
    sb_sql_init(&b);
    assert_int_equal(sb_rest_all_columns(&a, t), 0);
    assert_int_equal(sb_rest_all_columns(&b, &copy), 0);
    assert_string_equal(fk_buf_str(&a.text), fk_buf_str(&b.text));
    sb_sql_cleanup(&a);
    sb_sql_cleanup(&b);
}

static void test_content_range(void **state)
{
    static const struct {
        long long lower, n, total;
        const char *want;
    } cases[] = {
        {0, 1, -1, "0-0/*"},
        {0, 0, -1, "*/*"},
        {0, 0, 0, "*/0"},
        {5, 10, 100, "5-14/100"},
        {0, 3, 0, "*/0"},
        {9223372036854775806LL, 1, 9223372036854775807LL,
         "9223372036854775806-9223372036854775806/9223372036854775807"},
        {0, 1, 1, "0-0/1"},
    };

    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fk_resp r;
        fk_resp_init(&r);
        assert_int_equal(sb_rest_content_range(&r, cases[i].lower, cases[i].n, cases[i].total), 0);
        assert_string_equal(fk_resp_get_header(&r, "Content-Range"), cases[i].want);
        fk_resp_cleanup(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_equals_cjson), cmocka_unit_test(test_cols_sql),
        cmocka_unit_test(test_content_range),
        cmocka_unit_test(test_every_byte), /* last: it replaces the rows */
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
