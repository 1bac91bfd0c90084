/* test_supabase_rest_errors.c: /rest/v1 errors, roles and fault shorthands over HTTP.
 *
 * Every error body must carry PostgREST's four keys and the SQLSTATE or PGRST code of
 * docs/reference/supabase.md section 3. Roles are the fake's documented rules (postgrest.h):
 * anon cannot write and sees no owned rows, a user sees and writes only its own rows, the
 * service role everything. */
#include "tests/integration/test_supabase_rest_support.h"

#define NUMS "/rest/v1/phone_numbers"
#define NUM_ROW(uid, pn, sid)                                                                      \
    "{\"user_id\":\"" uid "\",\"phone_number\":\"" pn "\",\"twilio_sid\":\"" sid "\","             \
    "\"country_code\":\"US\",\"number_type\":\"local\"}"

static void test_constraint_errors(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state;
    rest("POST", NUMS, SERVICE, NULL, NULL, NUM_ROW(U1, "+15551000001", "PNA"), &r);
    assert_null(expect(&r, 201));
    h_resp_free(&r);

    rest("POST", NUMS, SERVICE, NULL, NULL, NUM_ROW(U2, "+15551000001", "PNB"), &r);
    j = expect(&r, 409);
    assert_string_equal(jstr(j, "code"), "23505");
    assert_string_equal(jstr(j, "message"), "duplicate key value violates unique constraint "
                                            "\"phone_numbers_phone_number_key\"");
    assert_string_equal(jstr(j, "details"), "Key (phone_number)=(+15551000001) already exists.");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "hint")));
    assert_string_equal(h_resp_header(&r, "Proxy-Status"), "PostgREST; error=23505");
    cJSON_Delete(j);
    h_resp_free(&r);

    /* A second active number for one user: the partial unique index. */
    rest("POST", NUMS, SERVICE, NULL, NULL, NUM_ROW(U1, "+15551000002", "PNC"), &r);
    j = expect(&r, 409);
    assert_non_null(strstr(jstr(j, "message"), "phone_numbers_one_active"));
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("POST", NUMS, SERVICE, NULL, NULL,
         "{\"user_id\":\"" U2 "\",\"twilio_sid\":\"PND\",\"country_code\":\"US\","
         "\"number_type\":\"local\"}",
         &r);
    j = expect(&r, 400);
    assert_string_equal(jstr(j, "code"), "23502");
    assert_string_equal(jstr(j, "message"), "null value in column \"phone_number\" of relation "
                                            "\"phone_numbers\" violates not-null constraint");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("POST", NUMS, SERVICE, NULL, NULL,
         NUM_ROW("99999999-9999-4999-8999-999999999999", "+15551000003", "PNE"), &r);
    j = expect(&r, 409);
    assert_string_equal(jstr(j, "code"), "23503");
    assert_string_equal(jstr(j, "message"),
                        "insert or update on table \"phone_numbers\" violates "
                        "foreign key constraint \"phone_numbers_user_id_fkey\"");
    assert_string_equal(jstr(j, "details"), "Key (user_id)=(99999999-9999-4999-8999-999999999999)"
                                            " is not present in table \"users\".");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("PATCH", NUMS "?twilio_sid=eq.PNA", SERVICE, NULL, NULL, "{\"status\":\"lost\"}", &r);
    j = expect(&r, 400);
    assert_string_equal(jstr(j, "code"), "23514");
    assert_non_null(strstr(jstr(j, "message"), "phone_numbers_status_check"));
    cJSON_Delete(j);
    h_resp_free(&r);

    /* SQLite would take a NULL text primary key; PostgreSQL does not. */
    rest("POST", "/rest/v1/profiles", SERVICE, NULL, NULL, "{}", &r);
    expect_error(&r, 400, "23502");
    rest("POST", "/rest/v1/provisioning_jobs", SERVICE, NULL, NULL,
         "{\"id\":\"j\",\"user_id\":\"" U1 "\",\"attempts\":\"many\"}", &r);
    expect_error(&r, 400, "22P02");
}

static void test_request_errors(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state;
    /* PostgREST 12 (the default --postgrest-version) sends an unknown table to PostgreSQL:
     * 42P01; 13's PGRST205 is checked in test_supabase_rest_pgrst.c */
    rest("GET", "/rest/v1/phone_number", SERVICE, NULL, NULL, NULL, &r);
    j = expect(&r, 404);
    assert_string_equal(jstr(j, "code"), "42P01");
    assert_string_equal(jstr(j, "message"), "relation \"public.phone_number\" does not exist");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "hint")));
    cJSON_Delete(j);
    h_resp_free(&r);
    rest("GET", "/rest/v1/auth_users", SERVICE, NULL, NULL, NULL, &r); /* never exposed */
    expect_error(&r, 404, "42P01");
    rest("GET", NUMS "?select=nope", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 400, "42703");
    rest("GET", NUMS "?nope=eq.1", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 400, "42703");
    rest("GET", NUMS "?status=eqq.active", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 400, "PGRST100");
    rest("GET", NUMS "?or=(status.eq.active", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 400, "PGRST100");
    rest("POST", NUMS, SERVICE, NULL, NULL, "{\"nope\":1}", &r);
    expect_error(&r, 400, "PGRST204");
    rest("POST", NUMS, SERVICE, NULL, NULL, "{\"user_id\":", &r);
    expect_error(&r, 400, "PGRST102");
    rest("POST", NUMS, SERVICE, NULL, NULL, "[{\"status\":\"a\"},{\"user_id\":\"b\"}]", &r);
    expect_error(&r, 400, "PGRST102");
    rest("PATCH", NUMS "?id=eq.1", SERVICE, NULL, NULL, "[1]", &r);
    expect_error(&r, 400, "PGRST102");
    rest("GET", "/rest/v1/rpc/do_it", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 404, "PGRST202");
    rest("GET", "/storage/v1/bucket", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 404, "PGRST125");
    rest("PUT", NUMS, SERVICE, NULL, NULL, "{}", &r);
    expect_error(&r, 405, "PGRST117");
    {
        /* text/csv is a media type PostgREST has (test_supabase_rest_pgrst.c); XML is not */
        const char *const xml[] = {"Accept: application/xml", NULL};
        const char *const other[] = {"Accept-Profile: private", NULL};
        rest("GET", NUMS, SERVICE, NULL, xml, NULL, &r);
        expect_error(&r, 406, "PGRST107");
        rest("GET", NUMS, SERVICE, NULL, other, NULL, &r);
        expect_error(&r, 406, "PGRST106");
    }
}

static void test_keys(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state;
    rest("GET", NUMS, NULL, NULL, NULL, NULL, &r); /* no apikey at all */
    j = expect(&r, 401);
    assert_string_equal(jstr(j, "message"), "No API key found in request");
    cJSON_Delete(j);
    h_resp_free(&r);
    rest("GET", NUMS, SERVICE, "not.a.jwt", NULL, NULL, &r);
    expect_error(&r, 401, "PGRST301");
}

static void test_roles(void **state)
{
    char *t1 = sign_in("one@example.com", "secret-one");
    char *t2 = sign_in("two@example.com", "secret-two");
    struct h_resp r;
    cJSON *j;

    (void)state;
    /* anon: no owned rows, no writes */
    rest("GET", NUMS, ANON, NULL, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
    h_resp_free(&r);
    rest("POST", NUMS, ANON, NULL, NULL, NUM_ROW(U2, "+15552000001", "PNF"), &r);
    expect_error(&r, 401, "42501");

    /* a user: only its own rows */
    rest("GET", NUMS "?select=twilio_sid", ANON, t1, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "twilio_sid"), "PNA");
    cJSON_Delete(j);
    h_resp_free(&r);
    rest("GET", NUMS, ANON, t2, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
    h_resp_free(&r);
    rest("POST", NUMS, ANON, t2, NULL, NUM_ROW(U1, "+15552000002", "PNG"), &r);
    expect_error(&r, 403, "42501");
    rest("POST", NUMS, ANON, t2, NULL, NUM_ROW(U2, "+15552000003", "PNH"), &r);
    assert_null(expect(&r, 201));
    h_resp_free(&r);
    rest("DELETE", NUMS "?twilio_sid=eq.PNA", ANON, t2, NULL, NULL, &r); /* not t2's row */
    assert_null(expect(&r, 204));
    assert_string_equal(h_resp_header(&r, "Content-Range"), "*/*");
    h_resp_free(&r);
    rest("PATCH", NUMS "?twilio_sid=eq.PNH", ANON, t2, NULL, "{\"user_id\":\"" U1 "\"}", &r);
    expect_error(&r, 403, "42501");

    /* the service role sees everything */
    rest("GET", NUMS, SERVICE, NULL, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 2);
    cJSON_Delete(j);
    h_resp_free(&r);
    free(t1);
    free(t2);
}

static void test_fault_shorthand(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state;
    assert_int_equal(h_post_json(&fake, "/__admin/faults",
                                 "{\"id\":\"dup\",\"match\":{\"method\":\"POST\",\"path\":\"" NUMS
                                 "\"},\"times\":1,\"action\":{\"error\":\"23505\"}}",
                                 &r),
                     0);
    assert_int_equal(r.status / 100, 2);
    h_resp_free(&r);
    rest("POST", NUMS, SERVICE, NULL, NULL, "{}", &r);
    expect_error(&r, 409, "23505");
    assert_int_equal(h_post_json(&fake, "/__admin/faults",
                                 "{\"id\":\"single\",\"match\":{\"path\":\"" NUMS
                                 "\"},\"times\":1,\"action\":{\"error\":\"PGRST116\"}}",
                                 &r),
                     0);
    assert_int_equal(r.status / 100, 2);
    h_resp_free(&r);
    rest("GET", NUMS, SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 406, "PGRST116");
    assert_int_equal(h_post_json(&fake, "/__admin/faults",
                                 "{\"id\":\"bad\",\"action\":{\"error\":\"NOPE\"}}", &r),
                     0);
    assert_int_equal(r.status, 400); /* an unknown shorthand is refused when loaded */
    h_resp_free(&r);
    assert_int_equal(h_post_json(&fake, "/__admin/rate-limits",
                                 "{\"id\":\"rl\",\"match\":{\"path\":\"/rest/v1/*\"},\"limit\":1,"
                                 "\"per_ms\":60000,\"retry_after_s\":7}",
                                 &r),
                     0);
    h_resp_free(&r);
    rest("GET", NUMS, SERVICE, NULL, NULL, NULL, &r);
    cJSON_Delete(expect(&r, 200));
    h_resp_free(&r);
    rest("GET", NUMS, SERVICE, NULL, NULL, NULL, &r);
    j = expect(&r, 429);
    assert_string_equal(h_resp_header(&r, "Retry-After"), "7");
    assert_true(cJSON_HasObjectItem(j, "hint") && cJSON_HasObjectItem(j, "details"));
    cJSON_Delete(j);
    h_resp_free(&r);
    assert_int_equal(h_delete(&fake, "/__admin/rate-limits", &r), 0);
    h_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constraint_errors),
        cmocka_unit_test(test_request_errors),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_fault_shorthand),
    };
    return cmocka_run_group_tests(tests, start_fake, stop_fake);
}
