/* test_supabase_rls.c: fake_supabase over a folder of PostgreSQL migrations
 * (examples/supabase/migrations), with row-level security from their policies, over HTTP as
 * two users, anon and service_role.
 *
 * notes: RLS on; users read their own rows or pinned ones, insert/update/delete their own.
 * teams: RLS on; everyone reads, only the service role writes (auth.role() policy).
 * feedback: RLS not enabled: open to anon and authenticated (Supabase's default grants). */
#include <unistd.h>

#include "tests/integration/test_supabase_rest_support.h"
#include "tests/support/files.h"

#define NOTES "/rest/v1/notes"

static char log_path[] = "/tmp/test_supabase_rls.XXXXXX";
static char *t1, *t2;

static int start(void **state)
{
    static const char *const args[] = {"--schema", "examples/supabase/migrations", NULL};
    struct h_resp r;
    int fd = mkstemp(log_path);

    (void)state;
    if (fd < 0)
        return -1;
    close(fd);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (h_start_logged(&fake, "fake_supabase", args, log_path) != 0)
        return -1;
    assert_int_equal(h_post_json(&fake, "/__admin/state",
                                 "{\"users\":[{\"id\":\"" U1 "\",\"email\":\"one@example.com\","
                                 "\"password\":\"secret-one\"},{\"id\":\"" U2
                                 "\",\"email\":\"two@example.com\",\"password\":\"secret-two\"}]}",
                                 &r),
                     0);
    assert_int_equal(r.status / 100, 2);
    h_resp_free(&r);
    t1 = sign_in("one@example.com", "secret-one");
    t2 = sign_in("two@example.com", "secret-two");
    return 0;
}

static int stop(void **state)
{
    free(t1);
    free(t2);
    unlink(log_path);
    return stop_fake(state);
}

static const char *const repr[] = {"Prefer: return=representation", NULL};

/* POST a note as bearer; the status. */
static long post_note(const char *bearer, const char *user, const char *title, bool pinned)
{
    char body[300];
    struct h_resp r;
    long status;

    snprintf(body, sizeof body, "{\"user_id\":\"%s\",\"title\":\"%s\",\"pinned\":%s}", user, title,
             pinned ? "true" : "false");
    rest("POST", NOTES, ANON, bearer, NULL, body, &r);
    status = r.status;
    if (status >= 400)
        expect_error(&r, status, "42501");
    else
        h_resp_free(&r);
    return status;
}

/* GET path as bearer: the titles, comma-separated, in title order. */
static void expect_titles(const char *bearer, const char *path, const char *want)
{
    char url[300], got[300] = "";
    struct h_resp r;
    cJSON *j, *row;

    snprintf(url, sizeof url, "%s%sselect=title&order=title", path, strchr(path, '?') ? "&" : "?");
    rest("GET", url, bearer == NULL ? ANON : ANON, bearer, NULL, NULL, &r);
    j = expect(&r, 200);
    cJSON_ArrayForEach(row, j)
    {
        size_t n = strlen(got);
        snprintf(got + n, sizeof got - n, "%s%s", n ? "," : "", jstr(row, "title"));
    }
    if (strcmp(got, want) != 0)
        fail_msg("GET %s: %s, want %s", path, got, want);
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_warnings_logged(void **state)
{
    char *log = h_slurp(log_path);

    (void)state;
    assert_non_null(strstr(log, "event=schema_warning"));
    assert_non_null(strstr(log, "20240101000000_init.sql:5: skipped: create extension"));
    assert_non_null(strstr(log, "20240102000000_rls.sql:29: skipped: create policy"));
    free(log);
}

static void test_notes(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state;
    assert_int_equal(post_note(t1, U1, "a-own1", false), 201);
    assert_int_equal(post_note(t1, U1, "b-pinned1", true), 201);
    assert_int_equal(post_note(t2, U2, "c-own2", false), 201);
    /* cannot insert for another user; anon cannot insert at all */
    assert_int_equal(post_note(t2, U1, "x", false), 403);
    assert_int_equal(post_note(NULL, U1, "x", false), 401);
    /* user_id default auth.uid(): a note sent without it is the caller's */
    rest("POST", NOTES, ANON, t2, repr, "{\"title\":\"d-default2\"}", &r);
    j = expect(&r, 201);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "user_id"), U2);
    cJSON_Delete(j);
    h_resp_free(&r);
    rest("DELETE", NOTES "?title=eq.d-default2", ANON, SERVICE, NULL, NULL, &r);
    assert_null(expect(&r, 204));
    h_resp_free(&r);
    /* reads: own rows, plus pinned ones; anon sees nothing */
    expect_titles(t1, NOTES, "a-own1,b-pinned1");
    expect_titles(t2, NOTES, "b-pinned1,c-own2");
    expect_titles(NULL, NOTES, "");
    expect_titles(SERVICE, NOTES, "a-own1,b-pinned1,c-own2");

    /* an update of rows the caller cannot see changes nothing: 204, or 200 [] */
    rest("PATCH", NOTES "?title=eq.a-own1", ANON, t2, NULL, "{\"body\":\"hijack\"}", &r);
    assert_null(expect(&r, 204));
    h_resp_free(&r);
    rest("PATCH", NOTES "?title=eq.a-own1", ANON, t2, repr, "{\"body\":\"hijack\"}", &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
    h_resp_free(&r);
    /* a pinned row of another user is visible but not updatable (the UPDATE policy) */
    rest("PATCH", NOTES "?title=eq.b-pinned1", ANON, t2, repr, "{\"body\":\"hijack\"}", &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
    h_resp_free(&r);
    /* an update cannot move a row to another user (WITH CHECK) */
    rest("PATCH", NOTES "?title=eq.a-own1", ANON, t1, NULL, "{\"user_id\":\"" U2 "\"}", &r);
    expect_error(&r, 403, "42501");
    /* an update of one's own row works */
    rest("PATCH", NOTES "?title=eq.a-own1", ANON, t1, repr, "{\"body\":\"mine\"}", &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "body"), "mine");
    cJSON_Delete(j);
    h_resp_free(&r);
    /* delete: only one's own rows go */
    rest("DELETE", NOTES "?title=eq.c-own2", ANON, t1, NULL, NULL, &r);
    assert_null(expect(&r, 204));
    h_resp_free(&r);
    expect_titles(SERVICE, NOTES, "a-own1,b-pinned1,c-own2");
    rest("DELETE", NOTES "?title=eq.c-own2", ANON, t2, NULL, NULL, &r);
    assert_null(expect(&r, 204));
    h_resp_free(&r);
    expect_titles(SERVICE, NOTES, "a-own1,b-pinned1");
}

static void test_upsert_and_service(void **state)
{
    static const char *const merge[] = {"Prefer: resolution=merge-duplicates", NULL};
    char body[300];
    struct h_resp r;
    cJSON *j;
    const char *id;

    (void)state;
    rest("GET", NOTES "?title=eq.a-own1&select=id", ANON, SERVICE, NULL, NULL, &r);
    j = expect(&r, 200);
    id = jstr(cJSON_GetArrayItem(j, 0), "id");
    snprintf(body, sizeof body, "{\"id\":\"%s\",\"user_id\":\"" U2 "\",\"title\":\"taken\"}", id);
    cJSON_Delete(j);
    h_resp_free(&r);
    /* an upsert onto another user's row: the UPDATE policy's USING refuses it */
    rest("POST", NOTES, ANON, t2, merge, body, &r);
    j = expect(&r, 403);
    assert_string_equal(jstr(j, "message"),
                        "new row violates row-level security policy (USING expression) for "
                        "table \"notes\"");
    cJSON_Delete(j);
    h_resp_free(&r);
    /* an upsert onto one's own row takes the update path and passes the UPDATE policy */
    rest("GET", NOTES "?title=eq.a-own1&select=id", ANON, SERVICE, NULL, NULL, &r);
    j = expect(&r, 200);
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"user_id\":\"" U1 "\",\"title\":\"a-own1\","
             "\"body\":\"upserted\"}",
             jstr(cJSON_GetArrayItem(j, 0), "id"));
    cJSON_Delete(j);
    h_resp_free(&r);
    rest("POST", NOTES, ANON, t1, merge, body, &r);
    if (r.status / 100 != 2)
        fail_msg("upsert own row: %ld %s", r.status, r.body);
    h_resp_free(&r);
    rest("GET", NOTES "?title=eq.a-own1&select=body", ANON, t1, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "body"), "upserted");
    cJSON_Delete(j);
    h_resp_free(&r);
    /* the service role bypasses RLS */
    assert_int_equal(post_note(SERVICE, U2, "d-by-service", false), 201);
    expect_titles(t2, NOTES, "b-pinned1,d-by-service");
}

static void test_teams_and_open_table(void **state)
{
    static const char *const object[] = {"Accept: application/vnd.pgrst.object+json", NULL};
    struct h_resp r;

    (void)state;
    /* teams: everyone reads (using (true)); only auth.role() = 'service_role' writes */
    rest("POST", "/rest/v1/teams", ANON, SERVICE, NULL, "{\"name\":\"Core\",\"slug\":\"core\"}",
         &r);
    assert_null(expect(&r, 201));
    h_resp_free(&r);
    rest("POST", "/rest/v1/teams", ANON, t1, NULL, "{\"name\":\"Mine\",\"slug\":\"mine\"}", &r);
    expect_error(&r, 403, "42501");
    rest("POST", "/rest/v1/teams", ANON, NULL, NULL, "{\"name\":\"Anon\",\"slug\":\"anon\"}", &r);
    expect_error(&r, 401, "42501");
    rest("GET", "/rest/v1/teams?select=slug", ANON, NULL, object, NULL, &r);
    expect_str(&r, 200, "slug", "core");
    /* feedback has no RLS: anon writes and reads it */
    rest("POST", "/rest/v1/feedback", ANON, NULL, repr, "{\"message\":\"hello\"}", &r);
    {
        cJSON *j = expect(&r, 201), *row = cJSON_GetArrayItem(j, 0);
        assert_int_equal(cJSON_GetObjectItem(row, "id")->valueint, 1);
        cJSON_Delete(j);
        h_resp_free(&r);
    }
    rest("GET", "/rest/v1/feedback?select=message", ANON, NULL, NULL, NULL, &r);
    {
        cJSON *j = expect(&r, 200);
        assert_int_equal(cJSON_GetArraySize(j), 1);
        cJSON_Delete(j);
        h_resp_free(&r);
    }
    /* the check from the migration: 23514 with PostgreSQL's constraint name */
    rest("POST", "/rest/v1/feedback", ANON, NULL, NULL, "{\"message\":\"\"}", &r);
    {
        cJSON *j = expect(&r, 400);
        assert_string_equal(jstr(j, "code"), "23514");
        assert_non_null(strstr(jstr(j, "message"), "feedback_message_check"));
        cJSON_Delete(j);
        h_resp_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_warnings_logged),
        cmocka_unit_test(test_notes),
        cmocka_unit_test(test_upsert_and_service),
        cmocka_unit_test(test_teams_and_open_table),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
