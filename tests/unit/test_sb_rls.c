/* test_sb_rls.c: policies compiled to SQL predicates (fake_supabase/rls.h).
 *
 * The shapes Supabase projects write, compiled to text with ?1 for auth.uid() and ?2 for
 * auth.role(); what cannot be evaluated; and the combined predicates run over rows in SQLite
 * for each role: permissive policies OR-ed, restrictive ones AND-ed, no policy = no row,
 * WITH CHECK falling back to USING, service_role bypassing, tables without RLS open and
 * schemas without any RLS on the owner-column fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fake_supabase/ddl.h"
#include "fake_supabase/rls.h"

#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"

static const char auth_sql[] = "CREATE TABLE auth_users (id TEXT PRIMARY KEY);";

static const char migration[] =
    "create table notes (id int primary key, user_id uuid not null, pinned boolean not null "
    "  default false, team text);\n"
    "create table open_t (id int);\n"
    "alter table notes enable row level security;\n"
    "create policy sel on notes for select to authenticated using ((select auth.uid()) = "
    "  user_id or pinned);\n"
    "create policy ins on notes for insert to authenticated with check (auth.uid() = user_id);\n"
    "create policy upd on notes for update to authenticated using (auth.uid() = user_id);\n"
    "create policy team_only on notes as restrictive for all to authenticated using (team is "
    "  null or team <> 'blocked');\n"
    "create policy anon_pinned on notes for select to anon using (pinned = true and "
    "  auth.role() = 'anon');\n"
    "create policy odd on notes for delete using (exists (select 1 from open_t));\n";

static struct sb_schema *schema;
static struct ddl_result ddl;
static sqlite3 *db;

static int setup(void **state)
{
    struct fk_error err = {{0}};

    (void)state;
    if (ddl_read_text("m.sql", migration, &ddl, &err) != 0 ||
        sb_schema_from_ddl(auth_sql, &ddl, &schema, &err) != 0 ||
        sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db, ddl.sqlite, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    return sqlite3_exec(db,
                        "INSERT INTO notes VALUES (1, '" U1 "', 0, NULL), (2, '" U1
                        "', 1, NULL), (3, '" U2 "', 0, NULL), (4, '" U2 "', 0, 'blocked');",
                        NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    sb_schema_free(schema);
    ddl_result_free(&ddl);
    sqlite3_close(db);
    return 0;
}

static void expect_compiled(const char *expr, const char *want)
{
    const struct sb_table *t = sb_schema_table(schema, "notes");
    char *out = NULL, why[200] = "";

    if (sb_rls_compile_text(t, expr, &out, why, sizeof(why)) != 0)
        fail_msg("%s: %s", expr, why);
    if (strcmp(out, want) != 0)
        fail_msg("%s: got [%s], want [%s]", expr, out, want);
    free(out);
}

static void expect_refused(const char *expr, const char *why_part)
{
    const struct sb_table *t = sb_schema_table(schema, "notes");
    char *out = NULL, why[200] = "";

    assert_int_equal(sb_rls_compile_text(t, expr, &out, why, sizeof(why)), 1);
    assert_null(out);
    if (strstr(why, why_part) == NULL)
        fail_msg("%s: %s, want %s", expr, why, why_part);
}

static void test_compile(void **state)
{
    (void)state;
    expect_compiled("auth.uid() = user_id", " ?1 = \"user_id\"");
    expect_compiled("(select auth.uid()) = user_id", " ?1 = \"user_id\"");
    expect_compiled("user_id = (SELECT auth.uid())", " \"user_id\" = ?1");
    expect_compiled("auth.role() = 'authenticated'", " ?2 = 'authenticated'");
    expect_compiled("auth.jwt() ->> 'role' = 'service_role'", " ?2 = 'service_role'");
    expect_compiled("(auth.jwt() ->> 'sub')::uuid = notes.user_id", " ( ?1) = \"user_id\"");
    expect_compiled("true", " 1");
    expect_compiled("not pinned or (team is not null and team in ('a', 'b'))",
                    " NOT \"pinned\" OR ( \"team\" IS NOT NULL AND \"team\" IN ( 'a', 'b'))");
    expect_compiled("user_id::text = auth.uid()::text and id > 0",
                    " \"user_id\" = ?1 AND \"id\" > 0");
    expect_compiled("pinned is true", " \"pinned\" IS 1");
    expect_refused("exists (select 1 from open_t)", "\"exists\" is not supported");
    expect_refused("auth.uid() = owner_id", "\"owner_id\"");
    expect_refused("auth.jwt() ->> 'email' = 'x'", "jwt");
    expect_refused("auth.uid() = any(members)", "any");
    expect_refused("other.user_id = auth.uid()", "other");
    expect_refused("user_id = auth.uid(", "auth.");
}

/* The rows of notes that cmd's USING (or, check, its WITH CHECK) lets who see, "1,2". */
static void expect_rows(enum sb_role role, const char *sub, enum ddl_cmd cmd, bool check,
                        const char *want)
{
    const struct sb_table *t = sb_schema_table(schema, "notes");
    struct sb_caller who = {role, ""};
    struct sb_sql sql;
    sqlite3_stmt *st = NULL;
    const unsigned char *got;

    snprintf(who.sub, sizeof(who.sub), "%s", sub);
    sb_sql_init(&sql);
    assert_int_equal(sb_sql_raw(&sql, "SELECT coalesce(group_concat(id, ','), '') FROM (SELECT id "
                                      "FROM notes WHERE "),
                     0);
    assert_int_equal(check ? sb_rls_check(&sql, t, cmd, &who) : sb_rls_using(&sql, t, cmd, &who),
                     0);
    assert_int_equal(sb_sql_raw(&sql, " ORDER BY id)"), 0);
    if (sqlite3_prepare_v2(db, fk_buf_str(&sql.text), -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", fk_buf_str(&sql.text), sqlite3_errmsg(db));
    assert_int_equal(sb_sql_bind(&sql, st), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    got = sqlite3_column_text(st, 0);
    if (strcmp((const char *)got, want) != 0)
        fail_msg("role %d cmd %d check %d: rows %s, want %s (%s)", role, cmd, check, got, want,
                 fk_buf_str(&sql.text));
    sqlite3_finalize(st);
    sb_sql_cleanup(&sql);
}

static void test_predicates(void **state)
{
    const struct sb_table *notes = sb_schema_table(schema, "notes");
    struct sb_caller service = {SB_ROLE_SERVICE, ""}, user = {SB_ROLE_AUTHENTICATED, U1};

    (void)state;
    assert_int_equal(notes->rls_mode, SB_RLS_ON);
    assert_int_equal(sb_schema_table(schema, "open_t")->rls_mode, SB_RLS_OFF);
    assert_false(sb_rls_applies(notes, &service));
    assert_true(sb_rls_applies(notes, &user));
    assert_false(sb_rls_applies(sb_schema_table(schema, "open_t"), &user));
    /* select: own rows or pinned ones, minus the restrictive 'blocked' team */
    expect_rows(SB_ROLE_AUTHENTICATED, U1, DDL_CMD_SELECT, false, "1,2");
    expect_rows(SB_ROLE_AUTHENTICATED, U2, DDL_CMD_SELECT, false, "2,3");
    expect_rows(SB_ROLE_ANON, "", DDL_CMD_SELECT, false, "2");
    /* update: own rows; its check falls back to USING */
    expect_rows(SB_ROLE_AUTHENTICATED, U2, DDL_CMD_UPDATE, false, "3");
    expect_rows(SB_ROLE_AUTHENTICATED, U2, DDL_CMD_UPDATE, true, "3");
    /* insert: WITH CHECK only; anon has no insert policy: nothing passes */
    expect_rows(SB_ROLE_AUTHENTICATED, U1, DDL_CMD_INSERT, true, "1,2");
    expect_rows(SB_ROLE_ANON, "", DDL_CMD_INSERT, true, "");
    /* delete: the only policy cannot be evaluated, so it grants nothing */
    expect_rows(SB_ROLE_AUTHENTICATED, U1, DDL_CMD_DELETE, false, "");
}

static void test_warnings_and_fallback(void **state)
{
    struct ddl_result d;
    struct sb_schema *s = NULL;
    struct fk_error err = {{0}};
    bool found = false;

    (void)state;
    for (size_t i = 0; i < ddl.nwarnings; i++)
        found |=
            strstr(ddl.warnings[i], "m.sql:9: policy \"odd\" on notes cannot be evaluated "
                                    "(\"exists\" is not supported): it grants nothing") != NULL;
    assert_true(found);
    /* no RLS anywhere: the owner-column fallback on every table */
    assert_int_equal(ddl_read_text("m.sql", "create table t (id int, user_id uuid);", &d, &err), 0);
    assert_int_equal(sb_schema_from_ddl(auth_sql, &d, &s, &err), 0);
    assert_int_equal(s->tables[0].rls_mode, SB_RLS_OWNER);
    assert_int_equal(s->tables[0].owner_col, 1);
    sb_schema_free(s);
    ddl_result_free(&d);
    /* RLS enabled without any policy: PostgreSQL's default deny */
    assert_int_equal(ddl_read_text("m.sql",
                                   "create table t (id int); alter table t enable row level "
                                   "security;",
                                   &d, &err),
                     0);
    assert_int_equal(sb_schema_from_ddl(auth_sql, &d, &s, &err), 0);
    assert_int_equal(s->tables[0].rls_mode, SB_RLS_ON);
    assert_int_equal(s->tables[0].npolicies, 0);
    sb_schema_free(s);
    ddl_result_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compile),
        cmocka_unit_test(test_predicates),
        cmocka_unit_test(test_warnings_and_fallback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
