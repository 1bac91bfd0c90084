/* test_sb_filter_big.c: filters far past SQLite's limits still make SQL that SQLite prepares.
 *
 * SQLite refuses an expression deeper than 1,000 levels and an ORDER BY of more than 2,000
 * terms; PostgreSQL, and so PostgREST, takes both. Each case here builds its query fields in
 * code (thousands of them, more than a request head could carry), writes the SQL the fake
 * would run and checks that SQLite prepares it and returns the rows PostgreSQL would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_supabase/errors.h"
#include "fake_supabase/filter.h"
#include "fake_supabase/schema_cache.h"
#include "fakekit/buf.h"

static const char base_sql[] = "CREATE TABLE auth_users (id TEXT PRIMARY KEY);";
static const char test_sql[] = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                               "score REAL);";

static struct sb_schema *schema;
static sqlite3 *db;

static int setup(void **state)
{
    struct fk_error err = {{0}};

    (void)state; /* file-level statics */
    if (sb_schema_from_sql(base_sql, test_sql, &schema, &err) != 0 ||
        sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db, test_sql, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    return sqlite3_exec(db,
                        "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', NULL), (3, 'c', 3), "
                        "(4, 'd', 4)",
                        NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    sqlite3_close(db);
    sb_schema_free(schema);
    return 0;
}

/* Parse the n fields, write SELECT id ... WHERE ... ORDER BY, run it; returns the rows. */
static int run(const struct fk_kv *kv, size_t n)
{
    const struct sb_table *t = sb_schema_table(schema, "t");
    struct sb_query q;
    struct sb_qerr err;
    struct sb_sql sql;
    sqlite3_stmt *st = NULL;
    int rows = 0;

    memset(&err, 0, sizeof err);
    if (sb_query_parse(t, kv, n, &q, &err) != 0)
        fail_msg("parse: %s %s", err.code, err.message);
    sb_sql_init(&sql);
    assert_int_equal(sb_sql_raw(&sql, "SELECT \"id\" FROM \"t\" WHERE "), 0);
    assert_int_equal(sb_sql_where(&sql, t, q.where), 0);
    assert_int_equal(sb_sql_order(&sql, t, &q), 0);
    if (sqlite3_prepare_v2(db, fk_buf_str(&sql.text), -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare: %s", sqlite3_errmsg(db));
    assert_int_equal(sb_sql_bind(&sql, st), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        rows++;
    sqlite3_finalize(st);
    sb_sql_cleanup(&sql);
    sb_query_cleanup(&q);
    return rows;
}

/* prefix, n copies of fmt (given the index) joined by sep, then suffix. Caller frees. */
static char *joined_by(const char *sep, const char *prefix, const char *fmt, int n,
                       const char *suffix)
{
    struct fk_buf b;

    fk_buf_init(&b, SIZE_MAX);
    assert_int_equal(fk_buf_addstr(&b, prefix), 0);
    for (int i = 0; i < n; i++) {
        assert_int_equal(fk_buf_printf(&b, fmt, i), 0);
        assert_int_equal(fk_buf_addstr(&b, i + 1 < n ? sep : ""), 0);
    }
    assert_int_equal(fk_buf_addstr(&b, suffix), 0);
    return fk_buf_take(&b, NULL);
}

static char *joined(const char *prefix, const char *fmt, int n, const char *suffix)
{
    return joined_by(",", prefix, fmt, n, suffix);
}

static void test_many_top_level_filters(void **state)
{
    enum { N = 5000 };
    static struct fk_kv kv[N];
    static char values[N][24];

    (void)state;
    for (int i = 0; i < N; i++) { /* a leaf no IN list can hold: only chunks help */
        snprintf(values[i], sizeof values[i], "not.like.x%d*", i);
        kv[i] = (struct fk_kv){"name", values[i]};
    }
    assert_int_equal(run(kv, N), 4);
    for (int i = 0; i < N; i++) { /* not-equalities: one NOT IN */
        snprintf(values[i], sizeof values[i], "neq.%d", i + 2);
        kv[i] = (struct fk_kv){"id", values[i]};
    }
    assert_int_equal(run(kv, N), 1);
}

static void test_big_or_groups(void **state)
{
    char *v;

    (void)state;
    v = joined("(", "id.eq.%d", 5000, ")"); /* one IN list */
    assert_int_equal(run(&(struct fk_kv){"or", v}, 1), 4);
    free(v);
    v = joined("(", "name.like.x%d*", 5000, ",name.eq.c,score.gt.3)"); /* balanced chunks */
    assert_int_equal(run(&(struct fk_kv){"or", v}, 1), 2);
    free(v);
    v = joined("(", "name.like.x%d*", 5000, ",id.lt.9)"); /* AND of 5,001, negated */
    assert_int_equal(run(&(struct fk_kv){"not.and", v}, 1), 4);
    free(v);
    v = joined("(", "and(name.like.x%d*,score.gt.0)", 3000, ",id.eq.2)"); /* many groups */
    assert_int_equal(run(&(struct fk_kv){"or", v}, 1), 1);
    free(v);
}

static void test_deep_alternating_groups(void **state)
{
    struct fk_buf b;
    char *v;

    (void)state;
    fk_buf_init(&b, SIZE_MAX);
    assert_int_equal(fk_buf_addstr(&b, "("), 0);
    for (int level = 1; level < SB_MAX_DEPTH; level++) {
        for (int i = 0; i < 500; i++)
            assert_int_equal(fk_buf_printf(&b, "name.like.y%d*,", i), 0);
        assert_int_equal(fk_buf_addstr(&b, level % 2 ? "not.and(" : "or("), 0);
    }
    assert_int_equal(fk_buf_addstr(&b, "id.eq.3"), 0);
    for (int level = 0; level < SB_MAX_DEPTH; level++)
        assert_int_equal(fk_buf_addstr(&b, ")"), 0);
    v = fk_buf_take(&b, NULL);
    run(&(struct fk_kv){"or", v}, 1); /* prepares: that is the test */
    free(v);
}

static void test_many_order_terms(void **state)
{
    char *v = joined("score.desc,", "id", 5000, "");

    (void)state;
    assert_int_equal(run(&(struct fk_kv){"order", v}, 1), 4);
    free(v);
}

static void test_limits_left_are_400(void **state)
{
    sqlite3_stmt *st = NULL;
    char *sql = joined_by(" OR ", "SELECT 1 WHERE ", "%d = 1", 1100, "");
    struct fk_resp resp;
    cJSON *body;

    (void)state;
    /* What no shaping avoids is still the client's request: 400 54001, never 500. */
    assert_int_not_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    fk_resp_init(&resp);
    assert_int_equal(sb_pg_sqlite_error(&resp, db, SQLITE_ERROR, schema,
                                        sb_schema_table(schema, "t"), NULL, false),
                     0);
    assert_int_equal(resp.status, 400);
    body = cJSON_Parse(resp.body);
    assert_string_equal(cJSON_GetObjectItem(body, "code")->valuestring, "54001");
    assert_non_null(strstr(cJSON_GetObjectItem(body, "details")->valuestring, "1000"));
    cJSON_Delete(body);
    fk_resp_cleanup(&resp);
    free(sql);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_top_level_filters),  cmocka_unit_test(test_big_or_groups),
        cmocka_unit_test(test_deep_alternating_groups), cmocka_unit_test(test_many_order_terms),
        cmocka_unit_test(test_limits_left_are_400),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
