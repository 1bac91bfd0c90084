/* test_sb_ddl.c: the PostgreSQL DDL reader (fake_supabase/ddl.h, ddl_lex.h).
 *
 * The tokeniser's edge cases, every grammar item the reader honours (checked by running the
 * SQLite DDL it writes and reading SQLite's pragmas back, or by inserting rows), the warnings
 * for what it skips, and errors naming file:line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fake_supabase/ddl.h"
#include "fake_supabase/ddl_lex.h"
#include "fake_supabase/rls.h"

static const char auth_sql[] = "CREATE TABLE auth_users (id TEXT PRIMARY KEY);"
                               "INSERT INTO auth_users VALUES ('u1'), ('u2');";

static void lex_ok(const char *text, struct ddl_toks *t)
{
    struct fk_error err = {{0}};

    if (ddl_lex(text, t, &err) != 0)
        fail_msg("lex %s: %s", text, err.msg);
}

static void test_lex(void **state)
{
    struct ddl_toks t;

    (void)state;
    lex_ok("select \"We\"\"ird\" , 'it''s' , E'a\\nb\\x41\\u00e9\\'' , $$x; 'y'$$ , "
           "$tag$ $$ $tag$ , 1.5e3 , x::text[] , a->>'k' , b<>c , d=-1 , Foo",
           &t);
    assert_int_equal(t.v[1].kind, DDL_T_QIDENT);
    assert_string_equal(t.v[1].text, "We\"ird");
    assert_int_equal(t.v[3].kind, DDL_T_STRING);
    assert_string_equal(t.v[3].text, "it's");
    assert_string_equal(t.v[5].text, "a\nbA\xc3\xa9'");
    assert_string_equal(t.v[7].text, "x; 'y'");
    assert_string_equal(t.v[9].text, " $$ ");
    assert_int_equal(t.v[11].kind, DDL_T_NUMBER);
    assert_string_equal(t.v[11].text, "1.5e3");
    assert_true(ddl_is_op(&t.v[14], "::"));
    assert_true(ddl_is_op(&t.v[20], "->>"));
    assert_true(ddl_is_op(&t.v[24], "<>"));
    assert_true(ddl_is_op(&t.v[28], "="));
    assert_true(ddl_is_op(&t.v[29], "-"));
    assert_true(ddl_is_kw(&t.v[32], "foo"));
    assert_int_equal(t.v[t.n].kind, DDL_T_EOF);
    ddl_toks_free(&t);

    /* comments, nested block comments, positions, string continuation */
    lex_ok("-- a comment ; not a statement\n/* outer /* inner */ still */ a\n  'x'\n  'y'", &t);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.v[0].line, 2);
    assert_int_equal(t.v[0].col, 31);
    assert_string_equal(t.v[1].text, "xy");
    assert_int_equal(t.v[1].line, 3);
    assert_int_equal(t.v[1].col, 3);
    ddl_toks_free(&t);
}

static void test_lex_errors(void **state)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"a 'open", "1:3: unterminated quoted string"},
        {"a\n \"open", "2:2: unterminated quoted identifier"},
        {"/* a /* b */", "1:1: unterminated /* comment"},
        {"x $f$ body $g$", "1:3: unterminated dollar-quoted string"},
        {"E'\\u12'", "invalid Unicode escape"},
        {"E'\\0'", "invalid escape value"},
        {"\"\"", "zero-length delimited identifier"},
    };
    struct ddl_toks t;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct fk_error err = {{0}};
        assert_int_equal(ddl_lex(bad[i].text, &t, &err), FK_EINVAL);
        if (strstr(err.msg, bad[i].msg) == NULL)
            fail_msg("%s: %s, want %s", bad[i].text, err.msg, bad[i].msg);
    }
}

/* Read text, run its SQLite DDL after auth_sql in db; returns the result (caller frees). */
static sqlite3 *load(const char *text, struct ddl_result *d)
{
    struct fk_error err = {{0}};
    sqlite3 *db = NULL;
    char *msg = NULL;

    if (ddl_read_text("m.sql", text, d, &err) != 0)
        fail_msg("read: %s", err.msg);
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    if (sqlite3_exec(db, auth_sql, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db, d->sqlite, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("sqlite: %s\n%s", msg, d->sqlite);
    return db;
}

static char *query(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        out = strdup(sqlite3_column_text(st, 0) != NULL ? (const char *)sqlite3_column_text(st, 0)
                                                        : "NULL");
    sqlite3_finalize(st);
    return out != NULL ? out : strdup("(none)");
}

static void expect_query(sqlite3 *db, const char *sql, const char *want)
{
    char *got = query(db, sql);

    if (strcmp(got, want) != 0)
        fail_msg("%s: got %s, want %s", sql, got, want);
    free(got);
}

static int exec_rc(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static void test_types(void **state)
{
    static const char *const want[] = {"uuid",
                                       "text",
                                       "character varying(20)",
                                       "character(3)",
                                       "smallint",
                                       "integer",
                                       "bigint",
                                       "numeric(10,2)",
                                       "numeric(8,0)",
                                       "numeric",
                                       "real",
                                       "double precision",
                                       "double precision",
                                       "boolean",
                                       "date",
                                       "time without time zone",
                                       "timestamp without time zone",
                                       "timestamp with time zone",
                                       "timestamp with time zone",
                                       "interval",
                                       "json",
                                       "jsonb",
                                       "text ARRAY",
                                       "integer ARRAY",
                                       "uuid ARRAY",
                                       "character varying ARRAY"};
    struct ddl_result d;
    sqlite3 *db = load("create table public.t (a uuid, b text, c varchar(20), d char(3), "
                       "e int2, f int, g int8, h numeric(10, 2), i decimal(8), j numeric, "
                       "k float4, l double precision, m float8, n bool, o date, p time(3), "
                       "q timestamp, r timestamptz, s timestamp(6) with time zone, u interval, "
                       "v json, w jsonb, x text[], y int[], z uuid array, "
                       "zz character varying(5)[]);",
                       &d);
    struct sb_schema *schema = NULL;
    struct fk_error err = {{0}};
    const struct sb_table *t;

    (void)state;
    assert_int_equal(sb_schema_from_ddl(auth_sql, &d, &schema, &err), 0);
    t = sb_schema_table(schema, "t");
    assert_non_null(t);
    assert_int_equal(t->ncols, sizeof(want) / sizeof(*want));
    for (size_t i = 0; i < t->ncols; i++)
        assert_string_equal(t->cols[i].decl_type, want[i]);
    /* SQLite itself upper-cases its own type names; the schema cache has them back */
    expect_query(db, "SELECT type FROM pragma_table_info('t') WHERE name = 'f'", "INTEGER");
    sb_schema_free(schema);
    sqlite3_close(db);
    ddl_result_free(&d);
}

/* A check or an index naming a column the table lacks is refused when the schema loads, as
 * PostgreSQL refuses it (42703), never read as a string (SQLite's double-quoted strings). */
static void test_unknown_column_refused(void **state)
{
    static const char *const bad[] = {
        "create table t (id uuid primary key, n int check (nosuch > 0));",
        "create table t (id uuid primary key, n int);\ncreate index t_x on t (nosuch);",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct ddl_result d;
        struct sb_schema *schema = NULL;
        struct fk_error err = {{0}};
        if (ddl_read_text("m.sql", bad[i], &d, &err) != 0)
            fail_msg("read: %s", err.msg);
        assert_int_not_equal(sb_schema_from_ddl(auth_sql, &d, &schema, &err), 0);
        assert_null(schema);
        assert_non_null(strstr(err.msg, "no such column: nosuch"));
        ddl_result_free(&d);
    }
}

static void test_identity_and_defaults(void **state)
{
    struct ddl_result d;
    sqlite3 *db =
        load("create table a (id bigint generated always as identity primary key, n text);\n"
             "create table b (id serial primary key, "
             "  u uuid not null default gen_random_uuid(), "
             "  v uuid default extensions.uuid_generate_v4(), "
             "  at timestamptz not null default now(), "
             "  at2 timestamp with time zone default timezone('utc'::text, now()), "
             "  at3 timestamptz default current_timestamp, "
             "  ts timestamp default now(), day date default current_date, "
             "  s text default 'it''s'::text, c char(4) default 'ab', n int default -5, "
             "  r real default 1.5, ok boolean default false, ok2 bool default 't', "
             "  tags text[] default '{}'::text[], tags2 text[] default '{a,\"b c\"}', "
             "  nums int[] default array[1, 2]::integer[], meta jsonb default '{\"k\": 1}'::jsonb, "
             "  nada text default null);",
             &d);

    (void)state;
    expect_query(db, "SELECT type || pk FROM pragma_table_info('a') WHERE name = 'id'", "INTEGER1");
    expect_query(db, "SELECT type || pk FROM pragma_table_info('b') WHERE name = 'id'", "INTEGER1");
    assert_non_null(strstr(d.types[0].type, "bigint"));
    assert_int_equal(exec_rc(db, "INSERT INTO a (n) VALUES ('x'), ('y')"), SQLITE_OK);
    expect_query(db, "SELECT max(id) FROM a", "2");
    assert_int_equal(exec_rc(db, "INSERT INTO b DEFAULT VALUES"), SQLITE_OK);
    expect_query(db, "SELECT id FROM b", "1");
    expect_query(db,
                 "SELECT length(u) = 36 AND u = lower(u) AND substr(u, 15, 1) = '4' AND "
                 "substr(u, 9, 1) = '-' AND length(v) = 36 FROM b",
                 "1");
    expect_query(db,
                 "SELECT at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:"
                 "[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z' AND length(at2) = 27 AND "
                 "length(at3) = 27 FROM b",
                 "1");
    expect_query(db, "SELECT length(ts) = 26 AND ts NOT LIKE '%Z' AND length(day) = 10 FROM b",
                 "1");
    expect_query(db, "SELECT s || '|' || c || '|' || n || '|' || r || '|' || ok || ok2 FROM b",
                 "it's|ab  |-5|1.5|01");
    expect_query(db, "SELECT tags || tags2 || nums || meta FROM b",
                 "[][\"a\",\"b c\"][1,2]{\"k\":1}");
    expect_query(db, "SELECT nada IS NULL FROM b", "1");
    sqlite3_close(db);
    ddl_result_free(&d);
}

static void test_constraints(void **state)
{
    struct ddl_result d;
    sqlite3 *db = load(
        "create type public.mood as enum ('ok', 'sad');\n"
        "create table if not exists public.parent (id uuid primary key references auth.users (id) "
        "  on delete cascade, name text not null unique);\n"
        "create table child (id int, k text, pid uuid references public.parent on delete set "
        "  null, status text not null default 'a' check (status in ('a', 'b')), "
        "  score int constraint score_range check (score between 0 and 10 or score is null), "
        "  m mood, len text check (char_length(len) <= 3), "
        "  primary key (id, k), constraint both_ok check ((id > 0) and (k <> '')), "
        "  check (status = any (array['a'::text, 'b'::text])), unique (k));\n"
        "create unique index one_a on public.child using btree (pid) where (status = 'a');\n"
        "create index if not exists child_k on child (lower(k) text_pattern_ops desc nulls last);\n"
        "create table if not exists parent (x int);\n",
        &d);

    (void)state;
    assert_int_equal(d.nwarnings, 0);
    assert_int_equal(exec_rc(db, "INSERT INTO parent VALUES ('u1', 'p')"), SQLITE_OK);
    assert_int_equal(exec_rc(db, "INSERT INTO parent (id) VALUES ('u2')"), SQLITE_CONSTRAINT);
    assert_int_equal(exec_rc(db, "INSERT INTO parent VALUES ('nope', 'q')"), SQLITE_CONSTRAINT);
    assert_int_equal(exec_rc(db, "INSERT INTO child (id, k, pid) VALUES (1, 'a', 'u1')"),
                     SQLITE_OK);
    /* the partial unique index: one 'a' row per pid */
    assert_int_equal(exec_rc(db, "INSERT INTO child (id, k, pid) VALUES (2, 'b', 'u1')"),
                     SQLITE_CONSTRAINT);
    assert_int_equal(
        exec_rc(db, "INSERT INTO child (id, k, pid, status) VALUES (2, 'b', 'u1', 'b')"),
        SQLITE_OK);
    assert_int_equal(exec_rc(db, "INSERT INTO child (id, k, status) VALUES (3, 'c', 'x')"),
                     SQLITE_CONSTRAINT);
    assert_int_equal(exec_rc(db, "INSERT INTO child (id, k, score) VALUES (3, 'c', 11)"),
                     SQLITE_CONSTRAINT);
    assert_non_null(strstr(sqlite3_errmsg(db), "score_range"));
    assert_int_equal(exec_rc(db, "INSERT INTO child (id, k, m) VALUES (3, 'c', 'happy')"),
                     SQLITE_CONSTRAINT);
    assert_int_equal(exec_rc(db, "INSERT INTO child (id, k, len) VALUES (3, 'c', 'abcd')"),
                     SQLITE_CONSTRAINT);
    assert_int_equal(exec_rc(db, "INSERT INTO child (id, k) VALUES (0, 'c')"), SQLITE_CONSTRAINT);
    assert_int_equal(exec_rc(db, "INSERT INTO child (id, k) VALUES (3, 'a')"), SQLITE_CONSTRAINT);
    /* check names as PostgreSQL gives them */
    assert_non_null(strstr(d.sqlite, "CONSTRAINT \"child_status_check\""));
    assert_non_null(strstr(d.sqlite, "CONSTRAINT \"child_len_check\""));
    assert_non_null(strstr(d.sqlite, "CONSTRAINT \"both_ok\""));
    /* on delete cascade from auth.users, then set null */
    assert_int_equal(exec_rc(db, "DELETE FROM auth_users WHERE id = 'u1'"), SQLITE_OK);
    expect_query(db, "SELECT count(*) FROM parent", "0");
    expect_query(db, "SELECT count(*) || ':' || count(pid) FROM child", "2:0");
    expect_query(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('one_a', 'child_k')", "2");
    sqlite3_close(db);
    ddl_result_free(&d);
}

static void test_alter_and_policies(void **state)
{
    struct ddl_result d;
    sqlite3 *db =
        load("begin;\n"
             "create table notes (id int primary key, user_id uuid not null, body text);\n"
             "alter table public.notes add column if not exists pinned boolean not null default "
             "  false, add column created_at timestamptz not null default now();\n"
             "alter table notes add column if not exists body text;\n"
             "alter table only notes alter column body set default 'x', alter column body set not "
             "  null;\n"
             "alter table notes add constraint body_len check (length(body) < 5);\n"
             "alter table notes rename column body to content;\n"
             "alter table notes enable row level security;\n"
             "create table gone (id int); create index gone_idx on gone (id); drop table gone;\n"
             "create policy \"own\" on public.notes for select to authenticated, anon "
             "  using ((select auth.uid()) = user_id);\n"
             "create policy ins on notes as restrictive for insert with check (true);\n"
             "create policy tmp on notes using (true); drop policy if exists tmp on notes;\n"
             "commit;\n",
             &d);

    (void)state;
    assert_int_equal(d.nwarnings, 0);
    expect_query(db, "SELECT group_concat(name, ',') FROM pragma_table_info('notes')",
                 "id,user_id,content,pinned,created_at");
    assert_int_equal(exec_rc(db, "INSERT INTO notes (id, user_id) VALUES (1, 'u')"), SQLITE_OK);
    expect_query(db, "SELECT content || pinned FROM notes", "x0");
    assert_int_equal(exec_rc(db, "INSERT INTO notes (id, user_id, content) VALUES (2, 'u', "
                                 "'toolong')"),
                     SQLITE_CONSTRAINT);
    expect_query(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'gone%'", "0");
    assert_int_equal(d.nrls_tables, 1);
    assert_string_equal(d.rls_tables[0], "notes");
    assert_true(d.any_rls);
    assert_int_equal(d.npolicies, 2);
    assert_string_equal(d.policies[0].name, "own");
    assert_int_equal(d.policies[0].cmd, DDL_CMD_SELECT);
    assert_int_equal(d.policies[0].roles, DDL_ROLE_AUTHENTICATED | DDL_ROLE_ANON);
    assert_string_equal(d.policies[0].using_expr, "(select auth.uid()) = user_id");
    assert_null(d.policies[0].check_expr);
    assert_string_equal(d.policies[0].where, "m.sql:10");
    assert_true(d.policies[1].restrictive);
    assert_int_equal(d.policies[1].roles, DDL_ROLE_PUBLIC);
    assert_string_equal(d.policies[1].check_expr, "true");
    sqlite3_close(db);
    ddl_result_free(&d);
}

static void test_skipped(void **state)
{
    struct ddl_result d;
    sqlite3 *db = load("create extension if not exists \"uuid-ossp\";\n"
                       "create or replace function public.f() returns trigger as $$\n"
                       "begin new.x = 1; return new; end; $$ language plpgsql;\n"
                       "create trigger t before insert on public.x for each row execute "
                       "function f();\n"
                       "grant all on table public.x to anon;\n"
                       "comment on table x is 'hi; there';\n"
                       "create table storage.buckets (id text);\n"
                       "create policy p on storage.objects using (true);\n"
                       "create table x (id int, tags text[]);\n"
                       "create index x_tags on x using gin (tags);\n"
                       "insert into x values (1);\n"
                       "alter table x owner to postgres;\n"
                       "create table y (owner text not null default auth.role());\n",
                       &d);
    static const char *const want[] = {
        "m.sql:1: skipped: create extension if not exists \"uuid-ossp\"",
        "m.sql:2: skipped: create or replace function public.",
        "m.sql:4: skipped: create trigger t before insert on",
        "m.sql:5: skipped: grant all on table public.",
        "m.sql:6: skipped: comment on table x is 'hi; there'",
        "m.sql:7: skipped: create table storage.buckets (",
        "m.sql:8: skipped: create policy p on storage.",
        "m.sql:10: skipped: create index x_tags on x using",
        "m.sql:11: skipped: insert into x values (1",
        "m.sql:12: skipped: owner to postgres",
        "m.sql:13: default auth.role() of column \"owner\" not honoured: send the value"};

    (void)state;
    assert_int_equal(d.nwarnings, sizeof(want) / sizeof(*want));
    for (size_t i = 0; i < d.nwarnings; i++)
        if (strncmp(d.warnings[i], want[i], strlen(want[i])) != 0)
            fail_msg("warning %zu: %s, want %s", i, d.warnings[i], want[i]);
    assert_false(d.any_rls);
    sqlite3_close(db);
    ddl_result_free(&d);
}

static void test_errors(void **state)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"create table t (a int,\n  b text not nul);",
         "m.sql:2:14: syntax error at or near \"nul\""},
        {"create table t (a citext);", "m.sql:1:19: type \"citext\" is not supported"},
        {"create table t (a int default random());",
         "m.sql:1:31: default for column \"a\" (integer) cannot be computed"},
        {"create table t (a int); create table t (b int);",
         "m.sql:1:38: relation \"t\" already exists"},
        {"alter table nope enable row level security;",
         "m.sql:1:13: relation \"nope\" does not exist"},
        {"create table t (a int);\ncreate policy p on t for insert using (true);",
         "m.sql:2:45: only WITH CHECK expression allowed for INSERT"},
        {"create table t (a int);\ncreate policy p on t for select with check (true);",
         "m.sql:2:38: WITH CHECK cannot be applied to SELECT or DELETE"},
        {"create table t (a int, a text);", "column \"a\" specified more than once"},
        {"create table t (a int primary key (b));", "m.sql:1:"},
        {"create table t (a int) extra words;", ""},
        {"create table t (\n  a 'unterminated);", "m.sql:2:5: unterminated quoted string"},
        {"create table t (a int[][]);", "multidimensional arrays are not supported"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct ddl_result d;
        struct fk_error err = {{0}};
        int rc = ddl_read_text("m.sql", bad[i].text, &d, &err);
        if (bad[i].msg[0] == '\0') { /* trailing table options are ignored, not an error */
            assert_int_equal(rc, 0);
            ddl_result_free(&d);
            continue;
        }
        assert_int_equal(rc, FK_EINVAL);
        if (strstr(err.msg, bad[i].msg) == NULL)
            fail_msg("%s: %s, want %s", bad[i].text, err.msg, bad[i].msg);
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_folder_and_legacy(void **state)
{
    char dir[] = "/tmp/test_sb_ddl.XXXXXX", path[256];
    struct ddl_result d;
    struct fk_error err = {{0}};

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/20240102_b.sql", dir);
    write_file(path, "alter table t add column b text;\n");
    snprintf(path, sizeof(path), "%s/20240101_a.sql", dir);
    write_file(path, "create table t (a int);\n");
    snprintf(path, sizeof(path), "%s/README.md", dir);
    write_file(path, "not sql");
    assert_int_equal(ddl_read_path(dir, &d, &err), 0);
    assert_non_null(strstr(d.sqlite, "\"a\" integer,\n    \"b\" text"));
    ddl_result_free(&d);
    snprintf(path, sizeof(path), "%s/20240103_c.sql", dir);
    write_file(path, "alter table t add column c nonsense;\n");
    assert_int_equal(ddl_read_path(dir, &d, &err), FK_EINVAL);
    if (strstr(err.msg, "20240103_c.sql:1:28: type \"nonsense\" is not supported") == NULL)
        fail_msg("%s", err.msg);
    unlink(path);
    snprintf(path, sizeof(path), "%s/20240101_a.sql", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/20240102_b.sql", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/README.md", dir);
    unlink(path);
    assert_int_equal(ddl_read_path(dir, &d, &err), FK_EINVAL);
    assert_non_null(strstr(err.msg, "no *.sql file"));
    rmdir(dir);

    assert_int_equal(ddl_read_text("old.sql",
                                   "-- fake_supabase: sqlite\nCREATE TABLE t (x TEXT DEFAULT "
                                   "(strftime('%s','now')));",
                                   &d, &err),
                     0);
    assert_true(d.legacy);
    ddl_result_free(&d);
    assert_int_equal(ddl_read_text("old.sql",
                                   "CREATE TABLE t (x TEXT DEFAULT (strftime('%s','now')));", &d,
                                   &err),
                     FK_EINVAL);
    assert_non_null(strstr(err.msg, "its first line must be \"-- fake_supabase: sqlite\""));
    assert_int_equal(ddl_read_text("old.sql",
                                   "-- fake_supabase: sqlite\nCREATE TABLE t (x TEXT DEFAULT "
                                   "(strftime('%s','now')));",
                                   &d, &err),
                     0);
    assert_non_null(strstr(d.sqlite, "strftime('%s','now')"));
    ddl_result_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lex),
        cmocka_unit_test(test_lex_errors),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_unknown_column_refused),
        cmocka_unit_test(test_identity_and_defaults),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_alter_and_policies),
        cmocka_unit_test(test_skipped),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_folder_and_legacy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
