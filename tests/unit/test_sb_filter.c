/* test_sb_filter.c: PostgREST query grammar -> SQL with bound parameters (fake_supabase).
 *
 * Table-driven: each case is one query string (as decoded fields) and either the exact WHERE
 * / ORDER / select SQL with its parameters, or the PostgREST error code it must give.
 * Hostile input (quotes, semicolons, unbalanced parentheses, deep nesting) must either fail
 * cleanly or end up only in parameters; the last tests run the SQL against SQLite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_supabase/ddl.h"
#include "fake_supabase/filter.h"
#include "fake_supabase/rls.h"
#include "fake_supabase/schema_cache.h"

static const char base_sql[] = "CREATE TABLE auth_users (id TEXT PRIMARY KEY);";
static const char test_sql[] =
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, "
    "active BOOLEAN, user_id TEXT REFERENCES auth_users(id), tags TEXT UNIQUE, "
    "\"odd\"\"col\" TEXT);"
    "CREATE UNIQUE INDEX t_name_user ON t (name, user_id);";

static struct sb_schema *schema;

static int setup(void **state)
{
    struct fk_error err = {{0}};

    (void)state; /* cmocka's per-group state is unused: the schema is a file-level static */
    return sb_schema_from_sql(base_sql, test_sql, &schema, &err);
}

static int teardown(void **state)
{
    (void)state;
    sb_schema_free(schema);
    return 0;
}

static const struct sb_table *tbl(void)
{
    return sb_schema_table(schema, "t");
}

/* Split "k=v&k2=v2" (already decoded; '&' never appears in values here) into fields. */
static size_t split_args(char *s, struct fk_kv *kv, size_t max)
{
    size_t n = 0;

    for (char *p = s; p != NULL && *p != '\0' && n < max;) {
        char *amp = strchr(p, '&'), *eq;
        if (amp != NULL)
            *amp = '\0';
        eq = strchr(p, '=');
        if (eq != NULL) {
            *eq = '\0';
            kv[n++] = (struct fk_kv){p, eq + 1};
        } else {
            kv[n++] = (struct fk_kv){p, ""};
        }
        p = amp != NULL ? amp + 1 : NULL;
    }
    return n;
}

/* Render parameters as "i:1 t:abc r:1.5 n" for comparison. */
static void render_params(const struct sb_sql *q, char *out, size_t len)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < q->nparams && used < len; i++) {
        const struct sb_param *p = &q->params[i];
        const char *sep = i > 0 ? " " : "";
        switch (p->type) {
        case SB_PARAM_INT:
            used += (size_t)snprintf(out + used, len - used, "%si:%lld", sep, p->i);
            break;
        case SB_PARAM_REAL:
            used += (size_t)snprintf(out + used, len - used, "%sr:%g", sep, p->d);
            break;
        case SB_PARAM_TEXT:
            used += (size_t)snprintf(out + used, len - used, "%st:%s", sep, p->s);
            break;
        case SB_PARAM_NULL:
            used += (size_t)snprintf(out + used, len - used, "%sn", sep);
            break;
        }
    }
}

struct where_case {
    const char *query;
    const char *sql;    /* expected WHERE text, NULL when an error is expected */
    const char *params; /* rendered parameters */
    const char *code;   /* expected error code */
};

static const struct where_case where_cases[] = {
    {"id=eq.5", "((\"id\" = ?))", "i:5", NULL},
    {"name=eq.5", "((\"name\" = ?))", "t:5", NULL},
    {"score=gte.1.5", "((\"score\" >= ?))", "r:1.5", NULL},
    {"id=eq.abc", NULL, NULL, "22P02"}, /* PostgreSQL's input of the column's type */
    {"name=neq.x", "((\"name\" <> ?))", "t:x", NULL},
    {"id=gt.1&id=lt.9", "((\"id\" > ?) AND (\"id\" < ?))", "i:1 i:9", NULL},
    {"name=like.*foo%", "((\"name\" GLOB ?))", "t:*foo*", NULL},
    {"name=ilike.*FoO_", "((pg_lower(\"name\") GLOB ?))", "t:*foo?", NULL},
    {"name=like.a\\*b[c]?", "((\"name\" GLOB ?))", "t:a[*]b[[]c][?]", NULL},
    {"name=is.null", "((\"name\" IS NULL))", "", NULL},
    {"active=is.TRUE", "((\"active\" IS 1))", "", NULL},
    {"active=is.false", "((\"active\" IS 0))", "", NULL},
    {"active=eq.true", "((\"active\" = ?))", "i:1", NULL},
    {"name=not.is.null", "(NOT (\"name\" IS NULL))", "", NULL},
    {"name=isdistinct.a", "((\"name\" IS NOT ?))", "t:a", NULL},
    {"name=cs.{a}", NULL, NULL, "42883"}, /* @> <@ && are for arrays (text @> unknown) */
    {"name=not.ov.{a}", NULL, NULL, "42883"},
    {"id=in.(1,2,3)", "((\"id\" IN (?, ?, ?)))", "i:1 i:2 i:3", NULL},
    {"name=in.(a,\"b,c\",\"say \\\"hi\\\"\",p q)", "((\"name\" IN (?, ?, ?, ?)))",
     "t:a t:b,c t:say \"hi\" t:p q", NULL},
    {"name=in.()", "((\"name\" IN ()))", "", NULL},
    {"name=in.(,)", "((\"name\" IN (?, ?)))", "t: t:", NULL},
    {"name=not.in.(x)", "(NOT (\"name\" IN (?)))", "t:x", NULL},
    {"name=eq.", "((\"name\" = ?))", "t:", NULL},
    {"name=eq.a.b,c)", "((\"name\" = ?))", "t:a.b,c)", NULL},
    {"or=(id.eq.1,name.eq.x)", "(((\"id\" = ?) OR (\"name\" = ?)))", "i:1 t:x", NULL},
    {"and=(id.gte.1,id.lte.5)", "(((\"id\" >= ?) AND (\"id\" <= ?)))", "i:1 i:5", NULL},
    /* Equalities on one column in an OR are one IN list; not-equalities in an AND NOT IN. */
    {"not.or=(id.eq.1,id.eq.2)", "(NOT ((\"id\" IN (?, ?))))", "i:1 i:2", NULL},
    {"or=(id.eq.1,name.eq.a,id.in.(2,3),name.gt.b)",
     "(((\"id\" IN (?, ?, ?)) OR (\"name\" = ?) OR (\"name\" COLLATE pg_text > ?)))",
     "i:1 i:2 i:3 t:a t:b", NULL},
    {"id=neq.1&name=eq.a&id=not.in.(2)&id=not.eq.3",
     "(NOT (\"id\" IN (?, ?, ?)) AND (\"name\" = ?))", "i:1 i:2 i:3 t:a", NULL},
    {"and=(id.eq.1,id.eq.2)", "(((\"id\" = ?) AND (\"id\" = ?)))", "i:1 i:2", NULL},
    {"or=(id.eq.1,and(name.eq.\"a,b\",score.lt.3))",
     "(((\"id\" = ?) OR ((\"name\" = ?) AND (\"score\" < ?))))", "i:1 t:a,b r:3", NULL},
    {"or=(id.not.eq.1,not.and(name.is.null,id.in.(4,5)))",
     "((NOT (\"id\" = ?) OR NOT ((\"name\" IS NULL) AND (\"id\" IN (?, ?)))))", "i:1 i:4 i:5",
     NULL},
    {"or=(name.eq.a.b@c.com)", "(((\"name\" = ?)))", "t:a.b@c.com", NULL},
    /* Hostile values only ever become parameters. */
    {"name=eq.x'); DROP TABLE t;--", "((\"name\" = ?))", "t:x'); DROP TABLE t;--", NULL},
    {"name=eq.\"\"\"", "((\"name\" = ?))", "t:\"\"\"", NULL},
    {"or=(name.eq.\";--\",name.eq.\"')or 1=1'\")", "(((\"name\" IN (?, ?))))", "t:;-- t:')or 1=1'",
     NULL},
    {"or=(name.eq.')or 1=1')", NULL, NULL, "PGRST100"},
    {"odd\"col=eq.1", "((\"odd\"\"col\" = ?))", "t:1", NULL},
    /* Errors. */
    {"name=eqq.1", NULL, NULL, "PGRST100"},
    {"name=eq", NULL, NULL, "PGRST100"},
    {"name=5", NULL, NULL, "PGRST100"},
    {"name=", NULL, NULL, "PGRST100"},
    {"name=not.", NULL, NULL, "PGRST100"},
    {"name=is.maybe", NULL, NULL, "PGRST100"},
    {"name=in.1,2", NULL, NULL, "PGRST100"},
    {"name=in.(1,2", NULL, NULL, "PGRST100"},
    {"name=in.(1,2))", NULL, NULL, "PGRST100"},
    {"name=in.(\"abc)", NULL, NULL, "PGRST100"},
    {"nope=eq.1", NULL, NULL, "42703"},
    {"t;drop=eq.1", NULL, NULL, "42703"},
    {"or=(nope.eq.1)", NULL, NULL, "42703"},
    {"or=(id.eq.1", NULL, NULL, "PGRST100"},
    {"or=id.eq.1)", NULL, NULL, "PGRST100"},
    {"or=(id.eq.1))", NULL, NULL, "PGRST100"},
    {"or=()", NULL, NULL, "PGRST100"},
    {"or=(id.eq.1,)", NULL, NULL, "PGRST100"},
    {"or=(id.eq.\"x)", NULL, NULL, "PGRST100"},
    {"or=(id.foo.1)", NULL, NULL, "PGRST100"},
    {"or=(id)", NULL, NULL, "PGRST100"},
    {"and=(or(id.eq.1)", NULL, NULL, "PGRST100"},
    {"order=nope", NULL, NULL, "42703"},
    {"order=id.sideways", NULL, NULL, "PGRST100"},
    {"order=,id", NULL, NULL, "PGRST100"},
    {"select=id,nope", NULL, NULL, "42703"},
    {"select=id,", NULL, NULL, "PGRST100"},
    /* select=id,other(*) parses: the embedding is resolved against the schema by
     * postgrest_embed.c (PGRST200 there: tests/integration/test_supabase_rest_pgrst.c) */
    {"columns=\"id\",\"nope\"", NULL, NULL, "PGRST204"},
    {"on_conflict=nope", NULL, NULL, "42703"},
};

static void run_where_case(const struct where_case *c)
{
    char buf[512], params[512];
    struct fk_kv kv[8];
    struct sb_query q;
    struct sb_qerr err;
    struct sb_sql sql;
    size_t n;
    int rc;

    snprintf(buf, sizeof(buf), "%s", c->query);
    n = split_args(buf, kv, 8);
    memset(&err, 0, sizeof(err));
    rc = sb_query_parse(tbl(), kv, n, &q, &err);
    if (c->code != NULL) {
        if (rc == 0)
            fail_msg("%s: parsed, expected %s", c->query, c->code);
        assert_int_equal(rc, FK_EINVAL);
        if (strcmp(err.code, c->code) != 0)
            fail_msg("%s: got %s (%s), expected %s", c->query, err.code, err.message, c->code);
        assert_int_equal(err.status, strcmp(c->code, "42883") == 0 ? 404 : 400);
        assert_true(err.message[0] != '\0');
        sb_query_cleanup(&q);
        return;
    }
    if (rc != 0)
        fail_msg("%s: %s %s", c->query, err.code, err.message);
    sb_sql_init(&sql);
    assert_int_equal(sb_sql_where(&sql, tbl(), q.where), 0);
    render_params(&sql, params, sizeof(params));
    if (strcmp(fk_buf_str(&sql.text), c->sql) != 0 || strcmp(params, c->params) != 0)
        fail_msg("%s:\n  got      %s [%s]\n  expected %s [%s]", c->query, fk_buf_str(&sql.text),
                 params, c->sql, c->params);
    sb_sql_cleanup(&sql);
    sb_query_cleanup(&q);
}

static void test_where_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(where_cases) / sizeof(where_cases[0]); i++)
        run_where_case(&where_cases[i]);
}

/* Nesting: depth SB_MAX_DEPTH parses, one more is PGRST100; a huge one never recurses. */
static void nested(char *buf, size_t len, int depth)
{
    size_t n = (size_t)snprintf(buf, len, "(");
    for (int i = 1; i < depth; i++)
        n += (size_t)snprintf(buf + n, len - n, "or(");
    n += (size_t)snprintf(buf + n, len - n, "id.eq.1");
    for (int i = 0; i < depth; i++)
        n += (size_t)snprintf(buf + n, len - n, ")");
}

static void test_deep_nesting(void **state)
{
    static char buf[200000];
    struct sb_cond *c = NULL;
    struct sb_qerr err;

    (void)state;
    nested(buf, sizeof(buf), SB_MAX_DEPTH);
    assert_int_equal(sb_group_parse(tbl(), SB_COND_OR, false, buf, &c, &err), 0);
    sb_cond_free(c);
    nested(buf, sizeof(buf), SB_MAX_DEPTH + 1);
    assert_int_equal(sb_group_parse(tbl(), SB_COND_OR, false, buf, &c, &err), FK_EINVAL);
    assert_string_equal(err.code, "PGRST100");
    assert_null(c);
    nested(buf, sizeof(buf), 20000);
    assert_int_equal(sb_group_parse(tbl(), SB_COND_OR, false, buf, &c, &err), FK_EINVAL);
    assert_string_equal(err.code, "PGRST100");
}

static void test_in_list_limit(void **state)
{
    static char buf[200000];
    struct sb_cond *c = NULL;
    struct sb_qerr err;
    size_t n = (size_t)snprintf(buf, sizeof(buf), "in.(");

    (void)state;
    for (int i = 0; i <= SB_MAX_IN_LIST; i++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, i ? ",%d" : "%d", i);
    snprintf(buf + n, sizeof(buf) - n, ")");
    assert_int_equal(sb_filter_parse(tbl(), 0, buf, &c, &err), FK_EINVAL);
    assert_string_equal(err.code, "PGRST100");
}

struct list_case {
    const char *query;
    const char *select; /* select list SQL */
    const char *order;  /* ORDER BY SQL */
    long long limit, offset;
};

static const struct list_case list_cases[] = {
    {"", "\"id\", \"name\", \"score\", \"active\", \"user_id\", \"tags\", \"odd\"\"col\"",
     " ORDER BY rowid", -1, 0},
    {"select=*", "\"id\", \"name\", \"score\", \"active\", \"user_id\", \"tags\", \"odd\"\"col\"",
     " ORDER BY rowid", -1, 0},
    {"select=name, id", "\"name\", \"id\"", " ORDER BY rowid", -1, 0},
    {"select=n:name,id::text", "\"name\" AS \"n\", \"id\"", " ORDER BY rowid", -1, 0},
    {"select=id&order=name.desc,score.asc.nullsfirst,id.nullslast&limit=5&offset=10", "\"id\"",
     " ORDER BY \"name\" COLLATE pg_text DESC NULLS FIRST, \"score\" ASC NULLS FIRST, \"id\" ASC "
     "NULLS LAST",
     5, 10},
    {"select=id&order=name.desc.nullslast", "\"id\"",
     " ORDER BY \"name\" COLLATE pg_text DESC NULLS LAST", -1, 0},
};

static void test_select_order_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]); i++) {
        const struct list_case *c = &list_cases[i];
        char buf[512];
        struct fk_kv kv[8];
        struct sb_query q;
        struct sb_qerr err;
        struct sb_sql sel, ord;
        size_t n;

        snprintf(buf, sizeof(buf), "%s", c->query);
        n = split_args(buf, kv, 8);
        if (sb_query_parse(tbl(), kv, n, &q, &err) != 0)
            fail_msg("%s: %s", c->query, err.message);
        sb_sql_init(&sel);
        sb_sql_init(&ord);
        assert_int_equal(sb_sql_select_list(&sel, tbl(), &q), 0);
        assert_int_equal(sb_sql_order(&ord, tbl(), &q), 0);
        assert_string_equal(fk_buf_str(&sel.text), c->select);
        assert_string_equal(fk_buf_str(&ord.text), c->order);
        assert_int_equal(q.limit.set ? q.limit.v : -1, c->limit);
        assert_int_equal(q.offset.set ? q.offset.v : 0, c->offset);
        sb_sql_cleanup(&sel);
        sb_sql_cleanup(&ord);
        sb_query_cleanup(&q);
    }
}

static void test_columns_and_on_conflict(void **state)
{
    char buf[] = "columns=\"name\",\"id\"&on_conflict=name,user_id";
    struct fk_kv kv[4];
    struct sb_query q;
    struct sb_qerr err;
    size_t n = split_args(buf, kv, 4);

    (void)state;
    assert_int_equal(sb_query_parse(tbl(), kv, n, &q, &err), 0);
    assert_int_equal(q.ncolumns, 2);
    assert_int_equal(q.columns[0], 1);
    assert_int_equal(q.columns[1], 0);
    assert_int_equal(q.non_conflict, 2);
    assert_int_equal(sb_table_unique_for(tbl(), q.on_conflict, q.non_conflict),
                     sb_table_unique_for(tbl(), (int[]){4, 1}, 2));
    assert_true(sb_table_unique_for(tbl(), q.on_conflict, q.non_conflict) >= 0);
    sb_query_cleanup(&q);
}

struct glob_case {
    const char *like, *glob;
    bool lower;
};

static const struct glob_case glob_cases[] = {
    {"abc", "abc", false},   {"%a*", "*a*", false},       {"a_c", "a?c", false},
    {"a\\%b", "a%b", false}, {"a\\_", "a_", false},       {"a?[", "a[?][[]", false},
    {"ABC%", "abc*", true},  {"tail\\", "tail\\", false}, {"", "", false},
};

static void test_like_to_glob(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(glob_cases) / sizeof(glob_cases[0]); i++) {
        char *g = sb_like_to_glob(glob_cases[i].like, glob_cases[i].lower);
        assert_non_null(g);
        assert_string_equal(g, glob_cases[i].glob);
        free(g);
    }
}

/* Run a parsed query against SQLite: hostile values find nothing and break nothing. */
static int count_rows(sqlite3 *db, const char *query)
{
    char buf[512];
    struct fk_kv kv[8];
    struct sb_query q;
    struct sb_qerr err;
    struct sb_sql sql;
    sqlite3_stmt *st = NULL;
    int n = 0;

    snprintf(buf, sizeof(buf), "%s", query);
    assert_int_equal(sb_query_parse(tbl(), kv, split_args(buf, kv, 8), &q, &err), 0);
    sb_sql_init(&sql);
    assert_int_equal(sb_sql_raw(&sql, "SELECT "), 0);
    assert_int_equal(sb_sql_select_list(&sql, tbl(), &q), 0);
    assert_int_equal(sb_sql_raw(&sql, " FROM \"t\" WHERE "), 0);
    assert_int_equal(sb_sql_where(&sql, tbl(), q.where), 0);
    assert_int_equal(sb_sql_order(&sql, tbl(), &q), 0);
    assert_int_equal(sqlite3_prepare_v2(db, fk_buf_str(&sql.text), -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sb_sql_bind(&sql, st), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        n++;
    sqlite3_finalize(st);
    sb_sql_cleanup(&sql);
    sb_query_cleanup(&q);
    return n;
}

static void test_against_sqlite(void **state)
{
    sqlite3 *db = NULL;

    (void)state;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, base_sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, test_sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO t (id, name, score, active) VALUES "
                                  "(1, 'Alice', 1.5, 1), (2, 'bob', NULL, 0), "
                                  "(3, 'x''y', 3, NULL), (4, 'a%b', 4, 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(count_rows(db, "name=eq.x'); DROP TABLE t;--"), 0);
    assert_int_equal(count_rows(db, "name=eq.x'y"), 1);
    assert_int_equal(count_rows(db, "name=like.a*"), 1);    /* case-sensitive: a%b only */
    assert_int_equal(count_rows(db, "name=ilike.a*"), 2);   /* Alice and a%b */
    assert_int_equal(count_rows(db, "name=like.a\\%b"), 1); /* escaped % is literal */
    assert_int_equal(count_rows(db, "score=is.null"), 1);
    assert_int_equal(count_rows(db, "score=gt.1"), 3);
    assert_int_equal(count_rows(db, "score=neq.3"), 2); /* NULL is neither equal nor not */
    assert_int_equal(count_rows(db, "active=is.true"), 2);
    assert_int_equal(count_rows(db, "active=eq.false"), 1);
    assert_int_equal(count_rows(db, "id=in.(1,3,99)"), 2);
    assert_int_equal(count_rows(db, "id=not.in.(1,3)"), 2);
    assert_int_equal(count_rows(db, "or=(id.eq.1,and(score.gte.3,name.like.*b))"), 2);
    assert_int_equal(count_rows(db, "or=(name.eq.\"1=1) OR (1=1\")"), 0);
    assert_int_equal(count_rows(db, ""), 4);
    assert_int_equal(sqlite3_exec(db, "SELECT 1 FROM t", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_schema_cache(void **state)
{
    const struct sb_table *t = tbl();
    struct sb_schema *bad = NULL;
    struct fk_error err = {{0}};

    (void)state;
    assert_int_equal(schema->ntables, 1); /* auth_users (base_sql) is not exposed */
    assert_null(sb_schema_table(schema, "auth_users"));
    assert_int_equal(t->ncols, 7);
    assert_int_equal(t->cols[0].aff, SB_AFF_INTEGER);
    assert_int_equal(t->cols[2].aff, SB_AFF_REAL);
    assert_true(t->cols[3].is_bool);
    assert_true(t->cols[1].notnull);
    assert_int_equal(t->owner_col, 4);
    assert_int_equal(t->nfkeys, 1);
    assert_string_equal(t->fkeys[0].name, "t_user_id_fkey");
    assert_string_equal(t->fkeys[0].table, "auth_users");
    assert_string_equal(t->uniques[0].name, "t_pkey");
    assert_true(t->uniques[0].primary);
    assert_int_not_equal(sb_table_unique_for(t, (int[]){5}, 1), -1);
    assert_string_equal(t->uniques[sb_table_unique_for(t, (int[]){5}, 1)].name, "t_tags_key");
    assert_string_equal(t->uniques[sb_table_unique_for(t, (int[]){1, 4}, 2)].name, "t_name_user");
    assert_int_equal(sb_table_unique_for(t, (int[]){2}, 1), -1);
    assert_string_equal(sb_schema_suggest(schema, "tt"), "t");
    assert_null(sb_schema_suggest(schema, "profiles"));
    assert_int_equal(sb_schema_from_sql(NULL, "CREATE TABLE (", &bad, &err), FK_EINVAL);
    assert_null(bad);
    assert_non_null(strstr(err.msg, "schema:"));
}

static void test_schema_file(void **state)
{
    struct sb_schema *s = NULL;
    struct fk_error err = {{0}};
    struct ddl_result d;
    const struct sb_table *pn, *pr;

    (void)state;
    assert_int_equal(ddl_read_path("fake_supabase/schema.sql", &d, &err), 0);
    assert_int_equal(d.nwarnings, 0);
    assert_int_equal(sb_schema_from_ddl(base_sql, &d, &s, &err), 0);
    assert_int_equal(s->ntables, 3);
    pn = sb_schema_table(s, "phone_numbers");
    pr = sb_schema_table(s, "profiles");
    assert_non_null(pn);
    assert_non_null(pr);
    assert_string_equal(pn->cols[pn->owner_col].name, "user_id");
    assert_string_equal(pr->cols[pr->owner_col].name, "id");
    assert_string_equal(pn->uniques[sb_table_unique_for(pn, (int[]){2}, 1)].name,
                        "phone_numbers_phone_number_key");
    assert_true(pn->uniques[sb_table_unique_for(pn, (int[]){1}, 1)].partial);
    assert_string_equal(pn->cols[0].decl_type, "uuid");
    assert_string_equal(pn->cols[10].decl_type, "timestamp with time zone");
    assert_int_equal(pn->rls_mode, SB_RLS_ON);
    assert_int_equal(pn->npolicies, 1);
    sb_schema_free(s);
    ddl_result_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_where_table),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_in_list_limit),
        cmocka_unit_test(test_select_order_table),
        cmocka_unit_test(test_columns_and_on_conflict),
        cmocka_unit_test(test_like_to_glob),
        cmocka_unit_test(test_against_sqlite),
        cmocka_unit_test(test_schema_cache),
        cmocka_unit_test(test_schema_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
