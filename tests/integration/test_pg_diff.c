/* test_pg_diff.c: the type layer (fake_supabase/pgtype.h) against a real PostgreSQL 15.
 *
 * For every type, a few hundred literals (hand-picked edge cases plus generated ones) and
 * pairs of them: the fake parses each with pg_input and renders it with pg_render;
 * PostgreSQL answers SELECT to_json('x'::T) (or the SQLSTATE of its error) and compares
 * pairs with 'x'::T < 'y'::T / =. The fake's comparison is SQLite's own, on the storage forms
 * (COLLATE pg_text for text), which is what makes its filters and ORDER BY agree. Text pairs
 * run in a cluster created with the en_US.UTF-8 locale, as Supabase's. The cluster is
 * tests/support/pgrun.h's (tests/pgdiff/pg-run.sh): private, on a Unix socket in a temporary
 * folder, stopped and removed at the end. PostgreSQL missing is a failure (scripts/deps.sh installs
 * it), never a skip. psql rather than libpq: one batch through the client Debian ships with the
 * server, and no new library in every test binary's link line.
 *
 * Literals stay within pgtype.h's documented limits (years 1..9999, numeric within 15
 * significant digits or int64, zone offsets not names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_supabase/pgtype.h"
#include "tests/support/harness.h"
#include "tests/support/pgrun.h"

#define MAX_CASES 12000
#define SB_SERVICE                                                                                 \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0."         \
    "EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"

struct pgcase {
    const char *type;
    char *a, *b; /* b NULL: a parse/render case; else a comparison */
    char *fake;  /* what the fake says: "ok <json>", "err <code>", "cmp -1|0|1" */
};

static struct pgcase cases[MAX_CASES];
static size_t ncases;
static sqlite3 *db;

static void add(const char *type, const char *a, const char *b)
{
    if (ncases < MAX_CASES) {
        cases[ncases].type = type;
        cases[ncases].a = strdup(a);
        cases[ncases].b = b != NULL ? strdup(b) : NULL;
        ncases++;
    }
}

static void addf(const char *type, const char *fmt, ...) FK_PRINTF(2, 3);
static void addf(const char *type, const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    add(type, buf, NULL);
}

#include "tests/integration/test_pg_diff_cases.h"

/* ---- the fake's answers ---- */

static void parse_type(const char *name, struct pg_type *t)
{
    char decl[96];
    size_t n = strlen(name);

    /* "text[]" as the DDL reader declares it: "text ARRAY" */
    if (n > 2 && strcmp(name + n - 2, "[]") == 0)
        snprintf(decl, sizeof decl, "%.*s ARRAY", (int)(n - 2), name);
    else
        snprintf(decl, sizeof decl, "%s", name);
    pg_type_parse(decl, false, t);
    assert_int_not_equal(t->kind, PG_UNKNOWN);
}

static int bind_value(sqlite3_stmt *st, int idx, const struct pg_value *v)
{
    switch (v->t) {
    case PG_V_INT:
        return sqlite3_bind_int64(st, idx, v->i);
    case PG_V_REAL:
        return sqlite3_bind_double(st, idx, v->d);
    case PG_V_TEXT:
        return sqlite3_bind_text(st, idx, v->s, -1, SQLITE_TRANSIENT);
    default:
        return sqlite3_bind_null(st, idx);
    }
}

static char *fake_answer(const struct pgcase *c)
{
    struct pg_type t;
    struct pg_value a = {0}, b = {0};
    struct pg_error e;
    struct fk_buf out;
    char *res;
    int rc;

    parse_type(c->type, &t);
    fk_buf_init(&out, 1 << 20);
    rc = pg_input(&t, c->a, &a, &e);
    if (rc == 0 && c->b != NULL)
        rc = pg_input(&t, c->b, &b, &e);
    assert_int_not_equal(rc, FK_ENOMEM);
    if (rc != 0) {
        assert_int_equal(fk_buf_printf(&out, "err %s", e.code), 0);
    } else if (c->b == NULL) {
        int type = a.t == PG_V_INT    ? SQLITE_INTEGER
                   : a.t == PG_V_REAL ? SQLITE_FLOAT
                   : a.t == PG_V_TEXT ? SQLITE_TEXT
                                      : SQLITE_NULL;
        assert_int_equal(fk_buf_add(&out, "ok ", 3), 0);
        assert_int_equal(pg_render(&t, type, a.i, a.d, a.s, a.s != NULL ? strlen(a.s) : 0, &out),
                         0);
    } else {
        const char *sql = pg_type_is_text(&t)
                              ? "SELECT CASE WHEN ?1 COLLATE pg_text < ?2 THEN -1 WHEN ?1 "
                                "COLLATE pg_text = ?2 THEN 0 ELSE 1 END"
                              : "SELECT CASE WHEN ?1 < ?2 THEN -1 WHEN ?1 = ?2 THEN 0 ELSE 1 END";
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(bind_value(st, 1, &a), SQLITE_OK);
        assert_int_equal(bind_value(st, 2, &b), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(fk_buf_printf(&out, "cmp %d", sqlite3_column_int(st, 0)), 0);
        sqlite3_finalize(st);
    }
    pg_value_free(&a);
    pg_value_free(&b);
    res = strdup(fk_buf_str(&out));
    fk_buf_cleanup(&out);
    return res;
}

/* ---- a sample through HTTP: the same table, rows and requests on both ---- */

/* The DDL both accept: PostgreSQL's types as the DDL reader declares them for SQLite. */
static const char http_ddl[] =
    "CREATE TABLE h (id integer PRIMARY KEY, u uuid, ts timestamp with time zone, b boolean, "
    "big bigint, n numeric(10,2), f double precision, name text, tags text ARRAY, "
    "meta jsonb, d date);\n";

static const char http_rows[] =
    "[{\"id\":1,\"u\":\"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\",\"ts\":\"2026-06-01 12:00:30+02\","
    "\"b\":\"yes\",\"big\":9007199254740991,\"n\":\"12.345\",\"f\":0.1,\"name\":\"\u00c9clair\","
    "\"tags\":[\"a\",\"b c\"],\"meta\":{\"b\":1,\"a\":[1,2],\"a\":\"last\"},\"d\":\"2026-01-02\"},"
    "{\"id\":2,\"u\":\"{a0eebc999c0b4ef8bb6d6bb9bd380a12}\",\"ts\":\"2026-06-01T10:00:00.25Z\","
    "\"b\":false,\"big\":-5,\"n\":7,\"f\":2.5e22,\"name\":\"apple\",\"tags\":[\"x\",null],"
    "\"meta\":[1,\"x\",null],\"d\":\"2024-02-29\"},"
    "{\"id\":3,\"u\":null,\"ts\":\"2026-06-01T09:59:59.999999-00:30\",\"b\":\"off\",\"big\":null,"
    "\"n\":\"-0.005\",\"f\":-1e-7,\"name\":\"Zebra\",\"tags\":[],\"meta\":{},\"d\":null},"
    "{\"id\":4,\"u\":null,\"ts\":null,\"b\":null,\"big\":1,\"n\":null,\"f\":\"NaN\","
    "\"name\":\"banana\",\"tags\":null,\"meta\":null,\"d\":\"infinity\"},"
    "{\"id\":5,\"u\":null,\"ts\":\"2026-06-01 10:00:30.5\",\"b\":\"t\",\"big\":0,\"n\":99999999,"
    "\"f\":\"-Infinity\",\"name\":\"eclair\",\"tags\":[\"Q\"],\"meta\":\"s\",\"d\":\"2026-06-01\"},"
    "{\"id\":6,\"u\":null,\"ts\":\"infinity\",\"b\":true,\"big\":null,\"n\":0.5,\"f\":1,"
    "\"name\":null,\"tags\":null,\"meta\":null,\"d\":null},"
    "{\"id\":7,\"u\":null,\"ts\":null,\"b\":false,\"big\":null,\"n\":null,\"f\":null,"
    "\"name\":\"\u00e9clair b\",\"tags\":null,\"meta\":null,\"d\":null}]";

/* GET path (after /rest/v1/h?select=*&) and the SQL PostgREST runs for it. */
static const struct {
    const char *query;
    const char *where;
    const char *order;
} http_queries[] = {
    {"order=name.asc", "true", "name ASC"},
    {"order=name.desc", "true", "name DESC"},
    {"order=ts.desc,id", "true", "ts DESC, id"},
    {"order=f.asc,id", "true", "f ASC, id"},
    {"order=n.desc.nullslast,id", "true", "n DESC NULLS LAST, id"},
    {"order=d,id", "true", "d, id"},
    {"ts=gt.2026-06-01T09:00:00%2B00:00&order=id", "ts > '2026-06-01T09:00:00+00:00'", "id"},
    {"ts=eq.2026-06-01%2010:00:30Z&order=id", "ts = '2026-06-01 10:00:30Z'", "id"},
    {"u=eq.A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "u = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'",
     "id"},
    {"name=ilike.*%C3%89CL*&order=id", "name ILIKE '%ÉCL%'", "id"},
    {"name=gt.b&order=id", "name > 'b'", "id"},
    {"f=gte.0.5&order=id", "f >= 0.5", "id"},
    {"n=lt.12.35&order=id", "n < 12.35", "id"},
    {"b=is.true&order=id", "b IS TRUE", "id"},
    {"big=in.(1,-5,9007199254740991)&order=id", "big IN (1,-5,9007199254740991)", "id"},
    {"tags=eq.{x,NULL}&order=id", "tags = '{x,NULL}'", "id"},
    {"d=lte.2026-01-02&order=id", "d <= '2026-01-02'", "id"},
};
#define NHTTP (sizeof http_queries / sizeof http_queries[0])

static char http_sql[8192];

static void build_http_sql(void)
{
    size_t n = (size_t)snprintf(http_sql, sizeof http_sql,
                                "%sINSERT INTO h SELECT * FROM json_populate_recordset(NULL::h, ",
                                http_ddl);
    FILE *f = fmemopen(http_sql + n, sizeof http_sql - n, "w");

    assert_non_null(f);
    pgrun_put_literal(f, http_rows);
    fputs(");\n", f);
    for (size_t i = 0; i < NHTTP; i++)
        fprintf(f,
                "SELECT coalesce('[' || string_agg(row_to_json(h)::text, ',' ORDER BY %s) || "
                "']', '[]') FROM h WHERE %s;\n",
                http_queries[i].order, http_queries[i].where);
    assert_int_equal(ferror(f), 0);
    fclose(f);
}

/* The fake's bodies for the same requests, in order (caller frees each). */
static void fake_http(char **bodies)
{
    char schema[] = "/tmp/pgdiff-schema.XXXXXX", arg[64], url[512];
    int fd = mkstemp(schema);
    const char *const args[] = {"--schema", schema, NULL};
    const char *const headers[] = {"apikey: " SB_SERVICE, "Authorization: Bearer " SB_SERVICE,
                                   "Content-Type: application/json", NULL};
    struct h_proc p;
    struct h_resp r;

    (void)arg;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, http_ddl, strlen(http_ddl)), (ssize_t)strlen(http_ddl));
    close(fd);
    assert_int_equal(h_start(&p, "fake_supabase", args), 0);
    snprintf(url, sizeof url, "%s/rest/v1/h", p.base);
    assert_int_equal(h_request("POST", url, headers, http_rows, 0, &r), 0);
    if (r.status != 201)
        fail_msg("POST: %ld %s", r.status, r.body);
    h_resp_free(&r);
    for (size_t i = 0; i < NHTTP; i++) {
        snprintf(url, sizeof url, "%s/rest/v1/h?select=*&%s", p.base, http_queries[i].query);
        assert_int_equal(h_request("GET", url, headers, NULL, 0, &r), 0);
        bodies[i] = strdup(r.status == 200 ? r.body : "error");
        h_resp_free(&r);
    }
    assert_int_equal(h_stop(&p), 0);
    unlink(schema);
}

/* ---- PostgreSQL's answers ---- */

static const char functions_sql[] =
    "SET client_min_messages = warning;\n"
    "CREATE FUNCTION pj(typ text, lit text) RETURNS text LANGUAGE plpgsql AS $$\n"
    "DECLARE r text;\n"
    "BEGIN\n"
    "  EXECUTE format('SELECT to_json(%L::%s)::text', lit, typ) INTO r;\n"
    "  RETURN 'ok ' || coalesce(r, 'null');\n"
    "EXCEPTION WHEN others THEN RETURN 'err ' || SQLSTATE;\n"
    "END $$;\n"
    "CREATE TYPE r_vc3 AS (v character varying(3));\n"
    "CREATE TYPE r_bpc3 AS (v character(3));\n"
    "CREATE FUNCTION pa(rt text, lit text) RETURNS text LANGUAGE plpgsql AS $$\n"
    "DECLARE r text;\n"
    "BEGIN\n"
    "  EXECUTE format('SELECT to_json(x.v)::text FROM json_populate_record(NULL::%s, "
    "json_build_object(''v'', %L)) x', rt, lit) INTO r;\n"
    "  RETURN 'ok ' || coalesce(r, 'null');\n"
    "EXCEPTION WHEN others THEN RETURN 'err ' || SQLSTATE;\n"
    "END $$;\n"
    "CREATE FUNCTION pc(typ text, a text, b text) RETURNS text LANGUAGE plpgsql AS $$\n"
    "DECLARE r int;\n"
    "BEGIN\n"
    "  EXECUTE format('SELECT CASE WHEN %L::%s < %L::%s THEN -1 WHEN %L::%s = %L::%s THEN 0 "
    "ELSE 1 END', a, typ, b, typ, a, typ, b, typ) INTO r;\n"
    "  RETURN 'cmp ' || r;\n"
    "EXCEPTION WHEN others THEN RETURN 'err ' || SQLSTATE;\n"
    "END $$;\n";

/* Run the cases on PostgreSQL: one answer line per case, in *lines (pgrun_free). */
static size_t postgres_answers(char ***lines)
{
    char *sql = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&sql, &len);
    long n;

    assert_non_null(f);
    fputs(functions_sql, f);
    for (size_t i = 0; i < ncases; i++) {
        /* character(n) and varchar(n) as PostgREST writes them: assigned (json_populate_record),
         * where an explicit cast would cut silently */
        const char *rt = strcmp(cases[i].type, "character varying(3)") == 0 ? "r_vc3"
                         : strcmp(cases[i].type, "character(3)") == 0       ? "r_bpc3"
                                                                            : NULL;
        fputs(cases[i].b != NULL ? "SELECT pc('" : rt != NULL ? "SELECT pa('" : "SELECT pj('", f);
        fputs(rt != NULL ? rt : cases[i].type, f);
        fputs("', ", f);
        pgrun_put_literal(f, cases[i].a);
        if (cases[i].b != NULL) {
            fputs(", ", f);
            pgrun_put_literal(f, cases[i].b);
        }
        fputs(");\n", f);
    }
    fputs(http_sql, f);
    assert_int_equal(fclose(f), 0);
    n = pgrun(sql, len, lines);
    free(sql);
    if (n < 0)
        fail_msg("PostgreSQL did not run (tests/pgdiff/pg-run.sh): the differential test needs "
                 "Debian's postgresql (scripts/deps.sh)");
    return (size_t)n;
}

static void test_against_postgres(void **state)
{
    char **pg = NULL;
    size_t npg, bad = 0, parses = 0;

    (void)state;
    build_cases();
    for (size_t i = 0; i < ncases; i++) {
        cases[i].fake = fake_answer(&cases[i]);
        parses += cases[i].b == NULL;
    }
    build_http_sql();
    npg = postgres_answers(&pg);
    if (npg != ncases + NHTTP)
        fail_msg("PostgreSQL answered %zu lines for %zu cases", npg, ncases + NHTTP);
    {
        char *bodies[NHTTP];
        fake_http(bodies);
        for (size_t i = 0; i < NHTTP; i++) {
            if (strcmp(pg[ncases + i], bodies[i]) != 0 && bad++ < 400)
                printf("DIFF GET /h?%s:\n  postgres %s\n  fake     %s\n", http_queries[i].query,
                       pg[ncases + i], bodies[i]);
            free(bodies[i]);
        }
    }
    for (size_t i = 0; i < ncases; i++) {
        if (strcmp(pg[i], cases[i].fake) != 0 && bad++ < 400)
            printf("DIFF %s '%s'%s%s%s: postgres %s, fake %s\n", cases[i].type, cases[i].a,
                   cases[i].b ? " vs '" : "", cases[i].b ? cases[i].b : "", cases[i].b ? "'" : "",
                   pg[i], cases[i].fake);
    }
    printf("pg_diff: %zu cases (%zu literals, %zu pairs) and %zu GETs, %zu differ\n", ncases,
           parses, ncases - parses, (size_t)NHTTP, bad);
    for (size_t i = 0; i < ncases; i++) {
        free(cases[i].a);
        free(cases[i].b);
        free(cases[i].fake);
    }
    pgrun_free(pg, npg);
    assert_int_equal(bad, 0);
}

/* Rows of a state document go through the same types as a POST: stored normalised, so the
 * filters find them; a value the type refuses is the document's error. */
static void test_state_rows_typed(void **state)
{
    char schema[] = "/tmp/pgdiff-state.XXXXXX", url[512];
    int fd = mkstemp(schema);
    const char *const args[] = {"--schema", schema, NULL};
    const char *const headers[] = {"apikey: " SB_SERVICE, "Authorization: Bearer " SB_SERVICE,
                                   NULL};
    struct h_proc p;
    struct h_resp r;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, http_ddl, strlen(http_ddl)), (ssize_t)strlen(http_ddl));
    close(fd);
    assert_int_equal(h_start(&p, "fake_supabase", args), 0);
    assert_int_equal(
        h_post_json(&p, "/__admin/state",
                    "{\"rows\":{\"h\":[{\"id\":1,\"u\":\"A0EEBC99-9C0B-4EF8-BB6D-"
                    "6BB9BD380A11\",\"ts\":\"2026-06-01 12:00:30+02\",\"b\":\"yes\"}]}}",
                    &r),
        0);
    assert_true(r.status >= 200 && r.status < 300);
    h_resp_free(&r);
    snprintf(url, sizeof url,
             "%s/rest/v1/h?select=id,u,ts,b&u=eq.a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", p.base);
    assert_int_equal(h_request("GET", url, headers, NULL, 0, &r), 0);
    assert_string_equal(r.body, "[{\"id\":1,\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\","
                                "\"ts\":\"2026-06-01T10:00:30+00:00\",\"b\":true}]");
    h_resp_free(&r);
    snprintf(url, sizeof url, "%s/rest/v1/h?u=like.a0*", p.base); /* uuid ~~ unknown */
    assert_int_equal(h_request("GET", url, headers, NULL, 0, &r), 0);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "\"42883\""));
    assert_non_null(strstr(r.body, "operator does not exist: uuid ~~ unknown"));
    h_resp_free(&r);
    assert_int_equal(
        h_post_json(&p, "/__admin/state", "{\"rows\":{\"h\":[{\"id\":2,\"u\":\"nope\"}]}}", &r), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "invalid input syntax for type uuid"));
    h_resp_free(&r);
    assert_int_equal(h_stop(&p), 0);
    unlink(schema);
}

static int setup(void **state)
{
    (void)state;
    if (pg_collation_set("en_US.UTF-8") != 0)
        return -1; /* scripts/deps.sh generates the locale; PostgreSQL needs it too */
    return sqlite3_open(":memory:", &db) == SQLITE_OK && pg_sqlite_register(db) == SQLITE_OK ? 0
                                                                                             : -1;
}

static int teardown(void **state)
{
    (void)state;
    sqlite3_close(db);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_postgres),
        cmocka_unit_test(test_state_rows_typed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
