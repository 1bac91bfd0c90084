/* test_pg_flow.c: the provisioning flow's tables, over HTTP, against PostgREST's SQL on a real
 * PostgreSQL 15.
 *
 * PostgreSQL (tests/support/pgrun.h's private cluster) gets a stub of what a Supabase
 * database has (tests/pgdiff/supabase-stub.sql: roles anon, authenticated, service_role with
 * the default grants, auth.users, GoTrue's auth.uid()/role()/jwt()), then, each in its own
 * database, the shipped default schema (fake_supabase/schema.sql) and the example project's
 * migrations (examples/supabase/migrations/ in name order). A statement PostgreSQL refuses
 * fails the test: the shipped SQL must be what a Supabase project can `db push`.
 *
 * fake_supabase starts on the same SQL (its default schema; then, for the second test,
 * --schema on the migrations folder). Both get the same users and rows (the fake through POST
 * /__admin/state, PostgreSQL by INSERT as postgres); then the requests of test_pg_flow_cases.h run
 * in order on both: on the fake over HTTP as the service role, two users and anon; on PostgreSQL as
 * PostgREST 12 runs them, one transaction each with set_config('request.jwt.claims', ...) and SET
 * LOCAL ROLE, the body built by coalesce(json_agg(_postgrest_t), '[]'). Successes must agree in
 * status and JSON value (bodies are compared as JSON, not bytes), failures in status and
 * SQLSTATE (PostgREST's mapping: 42501 -> 403, or 401 for anon; 23505/23503 -> 409;
 * 23514/22P02 -> 400; 42883 -> 404). PG_FLOW_VERBOSE=1 prints both answers to every request. About
 * two seconds, most of it initdb. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/integration/test_supabase_rest_support.h"
#include "tests/support/pgrun.h"

#include "tests/integration/test_pg_flow_cases.h"

#define MIGRATIONS "examples/supabase/migrations"

static char *tok[2]; /* ONE's and TWO's access tokens from the fake */

/* The request's SQL with :rows / :body bound (as literals), into f as one SQL literal. */
static void put_query(FILE *f, const struct flow_req *q)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    const char *s = q->sql;

    assert_non_null(m);
    if (strcmp(q->method, "GET") != 0)
        fputs("WITH pgrst_source AS (", m);
    else
        fputs("SELECT coalesce(json_agg(_postgrest_t), '[]')::jsonb::text, NULL FROM (", m);
    while (*s != '\0') {
        if (strncmp(s, ":rows", 5) == 0 || strncmp(s, ":body", 5) == 0) {
            bool wrap = s[1] == 'r' && q->body[0] == '{';
            fputs(wrap ? "json_build_array(" : "", m);
            pgrun_put_literal(m, q->body);
            fputs(wrap ? "::json)" : "::json", m);
            s += 5;
        } else {
            fputc(*s++, m);
        }
    }
    if (strcmp(q->method, "GET") != 0)
        fprintf(m,
                ") SELECT coalesce(json_agg(_postgrest_t), '[]')::jsonb::text, "
                "nullif(current_setting('pgrst.inserted', true), '') FROM (SELECT %s FROM "
                "pgrst_source) _postgrest_t",
                q->sel != NULL ? q->sel : "*");
    else
        fputs(") _postgrest_t", m);
    assert_int_equal(fclose(m), 0);
    pgrun_put_literal(f, text);
    free(text);
}

static const char req_function[] =
    "create schema pgrst_test;\n"
    "create function pgrst_test.req(r text, claims text, q text) returns text\n"
    "language plpgsql as $$\n"
    "declare b text; ins text;\n"
    "begin\n"
    "  perform set_config('request.jwt.claims', claims, true);\n"
    "  perform set_config('role', r, true);\n"
    "  execute q into b, ins;\n"
    "  return 'ok|' || coalesce(ins, '') || '|' || b;\n"
    "exception when others then\n"
    "  return 'err|' || sqlstate || '|' || replace(sqlerrm, E'\\n', ' ');\n"
    "end $$;\n";

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* \i of every .sql file of the migrations folder, in name order. */
static void put_migrations(FILE *f, const char *root)
{
    struct dirent **ents = NULL;
    int n = scandir(MIGRATIONS, &ents, NULL, by_name);

    assert_true(n > 0);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(ents[i]->d_name);
        if (len > 4 && strcmp(ents[i]->d_name + len - 4, ".sql") == 0)
            fprintf(f, "\\i %s/" MIGRATIONS "/%s\n", root, ents[i]->d_name);
        free(ents[i]);
    }
    free(ents);
}

static void put_seed(FILE *f, const char *table, const char *rows)
{
    fprintf(f, "insert into public.%s select * from json_populate_recordset(null::public.%s, ",
            table, table);
    pgrun_put_literal(f, rows);
    fputs(");\n", f);
}

static const char *const who_names[] = {"service_role", "user one", "user two", "anon"};
static const char *const pg_roles[] = {"service_role", "authenticated", "authenticated", "anon"};
static const char *const pg_claims[] = {
    "{\"role\":\"service_role\"}",
    "{\"sub\":\"" U1 "\",\"role\":\"authenticated\",\"email\":\"one@example.com\"}",
    "{\"sub\":\"" U2 "\",\"role\":\"authenticated\",\"email\":\"two@example.com\"}",
    "{\"role\":\"anon\"}"};

/* The request function and the users, in the database psql is connected to. */
static void put_prelude(FILE *f)
{
    fputs(req_function, f);
    fputs("insert into auth.users (id, email) values ('" U1 "', 'one@example.com'), ('" U2
          "', 'two@example.com'), ('" U3 "', 'three@example.com');\n",
          f);
}

static void put_requests(FILE *f, const struct flow_req *reqs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "select pgrst_test.req('%s', '%s', ", pg_roles[reqs[i].who],
                pg_claims[reqs[i].who]);
        put_query(f, &reqs[i]);
        fputs(");\n", f);
    }
}

/* PostgreSQL's answer to every request (flow_reqs, then ex_reqs), one line each:
 * "ok|<inserted>|<json>" or "err|<sqlstate>|<message>". */
static long postgres_answers(char ***lines)
{
    char root[4096], *sql = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&sql, &len);
    long n;

    assert_non_null(getcwd(root, sizeof root));
    assert_non_null(f);
    fprintf(f, "\\c template1\n\\i %s/tests/pgdiff/supabase-stub.sql\n", root);
    fputs("\\c postgres\ncreate database flow;\ncreate database ex;\n", f);
    fputs("\\c ex\nset client_min_messages = warning;\n", f);
    put_migrations(f, root);
    fprintf(f, "\\c flow\nset client_min_messages = warning;\n\\i %s/fake_supabase/schema.sql\n",
            root);
    put_prelude(f);
    put_seed(f, "profiles", seed_profiles);
    put_seed(f, "phone_numbers", seed_phones);
    put_seed(f, "provisioning_jobs", seed_jobs);
    put_requests(f, flow_reqs, NFLOW);
    fputs("\\c ex\nset client_min_messages = warning;\n", f);
    put_prelude(f);
    put_requests(f, ex_reqs, NEX);
    assert_int_equal(fclose(f), 0);
    n = pgrun(sql, len, lines);
    free(sql);
    if (n < 0)
        fail_msg("PostgreSQL refused the shipped SQL or did not run (see above); the test needs "
                 "Debian's postgresql (scripts/deps.sh)");
    return n;
}

/* ---- the fake ---- */

static void seed_fake(bool rows)
{
    char *doc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&doc, &len);
    struct h_resp r;

    assert_non_null(f);
    fputs("{\"users\":[{\"id\":\"" U1 "\",\"email\":\"one@example.com\",\"password\":"
          "\"secret-one\"},{\"id\":\"" U2 "\",\"email\":\"two@example.com\",\"password\":"
          "\"secret-two\"},{\"id\":\"" U3 "\",\"email\":\"three@example.com\",\"password\":"
          "\"secret-three\"}]",
          f);
    if (rows)
        fprintf(f, ",\"rows\":{\"profiles\":%s,\"phone_numbers\":%s,\"provisioning_jobs\":%s}",
                seed_profiles, seed_phones, seed_jobs);
    fputs("}", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(h_post_json(&fake, "/__admin/state", doc, &r), 0);
    if (r.status / 100 != 2)
        fail_msg("seed: %ld %s", r.status, r.body);
    h_resp_free(&r);
    free(doc);
}

static void fake_request(const struct flow_req *q, struct h_resp *r)
{
    static const char *const repr[] = {"Prefer: return=representation", NULL};
    static const char *const merge[] = {"Prefer: resolution=merge-duplicates,return=representation",
                                        NULL};
    char path[1024];
    const char *bearer = q->who == SVC         ? SERVICE
                         : q->who == ANONYMOUS ? ANON
                                               : tok[q->who == ONE ? 0 : 1];

    snprintf(path, sizeof path, "/rest/v1/%s", q->path);
    rest(q->method, path, ANON, bearer, q->upsert ? merge : repr, q->body, r);
}

/* PostgREST's status for a SQLSTATE (src/PostgREST/Error.hs pgErrorStatus). */
static long pg_status(const char *code, enum who who)
{
    if (strcmp(code, "42501") == 0)
        return who == ANONYMOUS ? 401 : 403;
    if (strcmp(code, "23505") == 0 || strcmp(code, "23503") == 0)
        return 409;
    if (strcmp(code, "42883") == 0)
        return 404;
    if (strncmp(code, "22", 2) == 0 || strncmp(code, "23", 2) == 0)
        return 400;
    return 500;
}

/* 1 when the fake's answer r agrees with PostgreSQL's line; else prints the difference. */
static int agree(const struct flow_req *q, size_t i, const char *pg, const struct h_resp *r)
{
    long want;
    int same = 0;
    cJSON *fj = h_json(r), *pj = NULL;

    if (strncmp(pg, "ok|", 3) == 0) {
        const char *ins = pg + 3, *body = strchr(ins, '|');
        assert_non_null(body);
        want = strcmp(q->method, "POST") != 0            ? 200
               : q->upsert && strncmp(ins, "0|", 2) == 0 ? 200
                                                         : 201;
        pj = cJSON_Parse(body + 1);
        same = r->status == want && fj != NULL && pj != NULL && cJSON_Compare(fj, pj, true);
    } else {
        char code[6] = "";
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(fj, "code");
        sscanf(pg, "err|%5[0-9A-Z]", code);
        want = pg_status(code, q->who);
        same = r->status == want && cJSON_IsString(c) && strcmp(c->valuestring, code) == 0;
    }
    if (!same)
        printf("DIFF #%zu %s /rest/v1/%s as %s\n  postgres %ld %s\n  fake     %ld %s\n", i,
               q->method, q->path, who_names[q->who], want, pg, r->status, r->body);
    cJSON_Delete(fj);
    cJSON_Delete(pj);
    return same;
}

static char **pg;
static long npg;

/* The requests on the fake, in order, against PostgreSQL's lines; the number that differ. */
static size_t run_requests(const struct flow_req *reqs, size_t n, char **answers)
{
    size_t bad = 0;

    tok[0] = sign_in("one@example.com", "secret-one");
    tok[1] = sign_in("two@example.com", "secret-two");
    for (size_t i = 0; i < n; i++) {
        struct h_resp r;
        fake_request(&reqs[i], &r);
        bad += !agree(&reqs[i], i, answers[i], &r);
        if (getenv("PG_FLOW_VERBOSE") != NULL)
            printf("#%zu %s %s\n  pg   %s\n  fake %ld %s\n", i, reqs[i].method, reqs[i].path,
                   answers[i], r.status, r.body);
        h_resp_free(&r);
    }
    free(tok[0]);
    free(tok[1]);
    return bad;
}

static void test_flow_against_postgres(void **state)
{
    size_t bad;

    (void)state;
    npg = postgres_answers(&pg);
    if (npg != (long)(NFLOW + NEX))
        fail_msg("PostgreSQL answered %ld lines for %zu requests", npg, NFLOW + NEX);
    seed_fake(true);
    bad = run_requests(flow_reqs, NFLOW, pg);
    printf("pg_flow: %zu requests over profiles, phone_numbers, provisioning_jobs, %zu differ\n",
           (size_t)NFLOW, bad);
    assert_int_equal(bad, 0);
}

/* The example migrations: the fake restarted with --schema on the folder. */
static void test_migrations_against_postgres(void **state)
{
    static const char *const args[] = {"--schema", MIGRATIONS, NULL};
    size_t bad;

    (void)state;
    if (npg != (long)(NFLOW + NEX))
        fail_msg("no answers from PostgreSQL (see the first test)");
    assert_int_equal(h_stop(&fake), 0);
    assert_int_equal(h_start_logged(&fake, "fake_supabase", args, "/dev/null"), 0);
    seed_fake(false);
    bad = run_requests(ex_reqs, NEX, pg + NFLOW);
    printf("pg_flow: %zu requests over the example migrations' notes, teams, feedback, %zu "
           "differ\n",
           (size_t)NEX, bad);
    assert_int_equal(bad, 0);
}

static int setup(void **state)
{
    (void)state; /* the default schema; the users come with the rows (seed_fake) */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return h_start(&fake, "fake_supabase", NULL);
}

static int teardown(void **state)
{
    pgrun_free(pg, npg > 0 ? (size_t)npg : 0);
    return stop_fake(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_against_postgres),
        cmocka_unit_test(test_migrations_against_postgres),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
