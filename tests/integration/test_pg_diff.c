/* test_pg_diff.c: the type layer (fake_supabase/pgtype.h) against a real PostgreSQL 15.
 *
 * For every type, a few hundred literals (hand-picked edge cases plus generated ones) and
 * pairs of them: the fake parses each with pg_input and renders it with pg_render;
 * PostgreSQL answers SELECT to_json('x'::T) (or the SQLSTATE of its error) and compares
 * pairs with 'x'::T < 'y'::T / =. The fake's comparison is SQLite's own, on the storage forms
 * (COLLATE pg_text for text), which is what makes its filters and ORDER BY agree. Text pairs
 * run in a cluster created with the en_US.UTF-8 locale, as Supabase's. The cluster is
 * tests/pgdiff/pg-run.sh's: private, on a Unix socket in a temporary folder, stopped and
 * removed at the end. PostgreSQL missing is a failure (scripts/deps.sh installs it), never a
 * skip. psql rather than libpq: one batch through the client Debian ships with the server,
 * and no new library in every test binary's link line.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_supabase/pgtype.h"

#define MAX_CASES 12000

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

/* ---- literals ---- */

static uint64_t seed = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed % n);
}

static void ints(const char *type)
{
    static const char *const odd[] = {"",    " ",    "1.5", "1e3", "0x10", "--1", "+",     "-",
                                      "12a", " 42 ", "+7",  "-0",  "007",  "1 2", "\t9\n", "abc"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(type, odd[i], NULL);
    for (int p = 0; p <= 64; p++) {
        unsigned long long v = p == 64 ? ~0ull : 1ull << p;
        addf(type, "%llu", v - 1);
        addf(type, "%llu", v);
        addf(type, "-%llu", v);
        if (p < 64)
            addf(type, "%llu", v + 1);
    }
    for (int i = 0; i < 40; i++)
        addf(type, "%s%u", rnd(2) ? "-" : "", rnd(100000));
}

static void floats(const char *type)
{
    static const char *const odd[] = {"NaN",
                                      "nan",
                                      "Infinity",
                                      "-Infinity",
                                      "inf",
                                      "+inf",
                                      "-inf",
                                      "1e400",
                                      "-1e400",
                                      "1e-400",
                                      "0",
                                      "-0",
                                      "x",
                                      "",
                                      " 1.5 ",
                                      "1.",
                                      ".5",
                                      "1e",
                                      "3.4028235e38",
                                      "3.5e38",
                                      "1e-46",
                                      "2.2250738585072014e-308"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(type, odd[i], NULL);
    for (int e = -12; e <= 22; e++) {
        addf(type, "1e%d", e);
        addf(type, "-2.5e%d", e);
        addf(type, "%.17g", 1.0 / 3.0 * (e < 0 ? 1e-3 : 1e3));
    }
    for (int i = 0; i < 60; i++)
        addf(type, "%s%u.%u", rnd(2) ? "-" : "", rnd(1000000), rnd(1000000));
    for (int i = 0; i < 30; i++)
        addf(type, "%.*g", 1 + (int)rnd(17), (double)rnd(1000000) / (1 + rnd(999)));
}

static void numerics(const char *type)
{
    static const char *const odd[] = {
        "NaN", "abc",    "",      "1e",     "1.2.3",        " 12.5 ",
        "-0",  "0.005",  "0.015", "-0.005", "99999999.994", "99999999.995",
        "1e5", "1.5e-3", "+.5",   "5."};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(type, odd[i], NULL);
    for (int i = 0; i < 120; i++) {
        /* no trailing zero: unconstrained numeric keeps its display scale, the fake does
         * not (pgtype.h) */
        unsigned frac = rnd(5);
        addf(type, "%s%u%s%.*u%s", rnd(3) == 0 ? "-" : "", rnd(10000000), frac ? "." : "",
             (int)frac, frac ? rnd(10000) : 0, frac ? "7" : "");
    }
}

static void uuids(void)
{
    static const char *const odd[] = {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
                                      "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
                                      "a0eebc999c0b4ef8bb6d6bb9bd380a11",
                                      "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
                                      "{a0eebc999c0b4ef8bb6d6bb9bd380a11}",
                                      "a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11",
                                      " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 ",
                                      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
                                      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111",
                                      "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
                                      "a0eebc999-c0b-4ef8-bb6d-6bb9bd380a11",
                                      "-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                                      "",
                                      "nope",
                                      "00000000-0000-0000-0000-000000000000"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add("uuid", odd[i], NULL);
    for (int i = 0; i < 60; i++)
        addf("uuid", "%04X%04x-%04x-%04X-%04x-%04x%04x%04X", rnd(65536), rnd(65536), rnd(65536),
             rnd(65536), rnd(65536), rnd(65536), rnd(65536), rnd(65536));
}

static void times(const char *type)
{
    static const char *const odd[] = {"2026-06-01 12:00:30+02",
                                      "2026-06-01T10:00:30Z",
                                      "2026-06-01T10:00:30.25Z",
                                      "2026-06-01T10:00:30.250000Z",
                                      "2026-01-01 00:00:00+00",
                                      "2026-06-01",
                                      "2026-06-01 10:00",
                                      "2026-06-01T10:00:30.1234567Z",
                                      "2026-06-01T10:00:30.9999996Z",
                                      "2026-06-01 10:00:30 +05:30",
                                      "2026-06-01 10:00:30-0800",
                                      "2026-06-01 10:00:30 UTC",
                                      "20260601T100030Z",
                                      "20260601",
                                      "2026-13-01",
                                      "2026-02-29",
                                      "2024-02-29",
                                      "2026-04-31",
                                      "2026-06-01 24:00:00",
                                      "2026-06-01 24:00:01",
                                      "2026-06-01 23:59:60",
                                      "2026-06-01 25:00",
                                      "2026-06-01 10:60",
                                      "garbage",
                                      "",
                                      "2026-06-01 10:00:30+16",
                                      "2026-06-01 10:00:30+15:59",
                                      "  2026-06-01 10:00:30Z  ",
                                      "2026-6-1 1:2:3",
                                      "infinity",
                                      "-infinity",
                                      "epoch",
                                      "2026-06-01T10:00:30z",
                                      "2026-06-01 10:00:30.5+02:00",
                                      "10:00:30",
                                      "10:00",
                                      "23:59:59.999999",
                                      "00:00:00",
                                      "0001-01-01 00:00:00+00"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(type, odd[i], NULL);
    for (int i = 0; i < 120; i++) {
        int off = (int)rnd(27) - 13;
        char frac[16] = "";
        if (rnd(2))
            snprintf(frac, sizeof frac, ".%.*u", 1 + (int)rnd(6), rnd(1000000));
        addf(type, "%04u-%02u-%02u%c%02u:%02u:%02u%s%s%+03d:%02u", 1970 + rnd(100), 1 + rnd(12),
             1 + rnd(28), rnd(2) ? 'T' : ' ', rnd(24), rnd(60), rnd(60), frac, rnd(3) ? "" : " ",
             off, rnd(2) ? 0 : 30);
    }
}

static void texts(void)
{
    static const char *const words[] = {
        "apple",  "Apple",   "APPLE", "banana", "Banana", "éclair", "Éclair", "eclair", "zebra",
        "Zebra",  "a",       "A",     "b",      "B",      "",       " ",      "a b",    "ab",
        "a-b",    "a_b",     "a.b",   "1",      "10",     "9",      "Ä",      "ä",      "z",
        "straße", "strasse", "ß",     "co-op",  "coop",   "co op",  "naïve",  "naive",  "résumé",
        "resume", "Resume",  "😀",     "中文",   "日本",   "ñ",      "n",      "o",      "Ω",
        "ω",      "x1",      "X1",    "a1",     "a10",    "a2",     "_x",     "-x",     ".x",
        "~x",     "!x",      "#",     "$",      "@",      "Å",      "å",      "aa"};
    size_t n = sizeof words / sizeof words[0];

    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k += 1 + rnd(3))
            add("text", words[i], words[k]);
}

static void structured(void)
{
    static const char *const jsonb[] = {"{\"b\":1,\"aa\":2,\"b\":3}",
                                        "[1, \"x\", null, true, false]",
                                        "{}",
                                        "[]",
                                        "\"s\"",
                                        "{\"a\":{\"z\":[1,{\"y\":2,\"x\":1}]}}",
                                        "{x",
                                        "",
                                        "12",
                                        "-3",
                                        "null",
                                        "true",
                                        "{\"k\": \"v\\n\\u00e9\"}",
                                        "{\"a\":1,}",
                                        "[1,2"};
    static const char *const arrays[][2] = {
        {"text[]", "{a,\"b,c\",NULL, d }"},
        {"text[]", "{}"},
        {"text[]", "{\"\"}"},
        {"text[]", "{a,b"},
        {"text[]", "a,b"},
        {"text[]", "{\"a\\\"b\",\"c\\\\d\"}"},
        {"integer[]", "{1,2,3}"},
        {"integer[]", "{1,x}"},
        {"integer[]", "{ 1 , 2 }"},
        {"integer[]", "{NULL,null}"},
        {"bigint[]", "{9007199254740993}"},
        {"uuid[]", "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}"},
        {"boolean[]", "{t,f,yes}"},
        {"timestamp with time zone[]", "{\"2026-06-01 12:00+02\"}"},
        {"double precision[]", "{0.1,NaN}"},
        {"numeric[]", "{1.5,2}"}};
    for (size_t i = 0; i < sizeof jsonb / sizeof jsonb[0]; i++) {
        add("jsonb", jsonb[i], NULL);
        add("json", jsonb[i], NULL);
    }
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        add(arrays[i][0], arrays[i][1], NULL);
    {
        static const char *const b[] = {"t", "true",  "TRUE", " yes ", "y",    "on",    "ON",  "1",
                                        "f", "false", "no",   "n",     "off",  "of",    "o",   "0",
                                        "",  "2",     "tru",  "truee", "yess", "maybe", " t r"};
        for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
            add("boolean", b[i], NULL);
    }
    {
        static const char *const v[] = {"abc", "abc  ", "abcd", "ab", "a  b", "éèê", "éèêë"};
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            add("character varying(3)", v[i], NULL);
            add("character(3)", v[i], NULL);
        }
    }
}

/* Pairs of the parse cases of type: neighbours, so ordering is exercised. */
static void pairs_of(const char *type, size_t from, size_t to)
{
    for (size_t i = from; i + 1 < to; i++) {
        add(type, cases[i].a, cases[i + 1].a);
        if (i + 7 < to)
            add(type, cases[i].a, cases[i + 7].a);
    }
}

static void typed(const char *type, void (*gen)(const char *))
{
    size_t from = ncases;

    gen(type);
    pairs_of(type, from, ncases);
}

static void build_cases(void)
{
    size_t from;

    typed("smallint", ints);
    typed("integer", ints);
    typed("bigint", ints);
    typed("double precision", floats);
    typed("real", floats);
    typed("numeric", numerics);
    typed("numeric(10,2)", numerics);
    typed("timestamp with time zone", times);
    typed("timestamp without time zone", times);
    typed("date", times);
    typed("time without time zone", times);
    from = ncases;
    uuids();
    pairs_of("uuid", from, ncases);
    texts();
    structured();
}

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

static void put_literal(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* Run the cases on PostgreSQL: one answer line per case, in *lines (caller frees). */
static size_t postgres_answers(char ***lines)
{
    char sql_path[] = "/tmp/pgdiff-sql.XXXXXX", out_path[] = "/tmp/pgdiff-out.XXXXXX";
    int fd = mkstemp(sql_path), ofd = mkstemp(out_path), status = -1;
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    char *text = NULL, *save = NULL;
    size_t n = 0, cap = 0;
    pid_t pid;

    assert_non_null(f);
    assert_true(ofd >= 0);
    close(ofd);
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
        put_literal(f, cases[i].a);
        if (cases[i].b != NULL) {
            fputs(", ", f);
            put_literal(f, cases[i].b);
        }
        fputs(");\n", f);
    }
    fclose(f);
    pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "tests/pgdiff/pg-run.sh", sql_path, out_path, (char *)NULL);
        _exit(127);
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    unlink(sql_path);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(out_path);
        fail_msg("PostgreSQL did not run (tests/pgdiff/pg-run.sh exit %d): the differential "
                 "test needs Debian's postgresql (scripts/deps.sh)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    f = fopen(out_path, "r");
    assert_non_null(f);
    {
        size_t len = 0, got;
        char chunk[65536];
        while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
            text = realloc(text, len + got + 1);
            assert_non_null(text);
            memcpy(text + len, chunk, got);
            len += got;
        }
        text = realloc(text, len + 1);
        text[len] = '\0';
    }
    fclose(f);
    unlink(out_path);
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            *lines = realloc(*lines, cap * sizeof **lines);
            assert_non_null(*lines);
        }
        (*lines)[n++] = strdup(line);
    }
    free(text);
    return n;
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
    npg = postgres_answers(&pg);
    if (npg != ncases)
        fail_msg("PostgreSQL answered %zu lines for %zu cases", npg, ncases);
    for (size_t i = 0; i < ncases; i++) {
        if (strcmp(pg[i], cases[i].fake) != 0 && bad++ < 400)
            printf("DIFF %s '%s'%s%s%s: postgres %s, fake %s\n", cases[i].type, cases[i].a,
                   cases[i].b ? " vs '" : "", cases[i].b ? cases[i].b : "", cases[i].b ? "'" : "",
                   pg[i], cases[i].fake);
    }
    printf("pg_diff: %zu cases (%zu literals, %zu pairs), %zu differ\n", ncases, parses,
           ncases - parses, bad);
    for (size_t i = 0; i < ncases; i++) {
        free(cases[i].a);
        free(cases[i].b);
        free(cases[i].fake);
        free(pg[i]);
    }
    free(pg);
    assert_int_equal(bad, 0);
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
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
