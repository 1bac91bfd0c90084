/* test_supabase_rest.c: fake_supabase's /rest/v1 reads and writes over HTTP.
 *
 * The requests are the ones supabase-js sends (docs/reference/supabase.md section 2); the
 * statuses, Content-Range and bodies are PostgREST's (section 3). The service_role key is
 * used throughout; roles are in test_supabase_rest_errors.c. Tests run in order and build
 * on each other's rows. */
#include "tests/integration/test_supabase_rest_support.h"

#define JOBS "/rest/v1/provisioning_jobs"
#define NUMS "/rest/v1/phone_numbers"

static const char *const want_repr[] = {"Prefer: return=representation", NULL};

/* Insert n phone numbers for U1/U2 alternately (+1555000000i, status released for odd i
 * except the last one per user, which stays active: one active number per user). */
static void test_insert_array_and_select(void **state)
{
    struct h_resp r;
    cJSON *j;
    const char *body =
        "[{\"user_id\":\"" U1 "\",\"phone_number\":\"+15550000001\",\"twilio_sid\":\"PN1\","
        "\"country_code\":\"US\",\"number_type\":\"local\",\"status\":\"released\"},"
        "{\"user_id\":\"" U2 "\",\"phone_number\":\"+15550000002\",\"twilio_sid\":\"PN2\","
        "\"country_code\":\"US\",\"number_type\":\"local\",\"status\":\"active\"},"
        "{\"user_id\":\"" U1 "\",\"phone_number\":\"+15550000003\",\"twilio_sid\":\"PN3\","
        "\"country_code\":\"CA\",\"number_type\":\"mobile\",\"status\":\"active\"}]";

    (void)state;
    rest("POST",
         NUMS "?columns=%22user_id%22,%22phone_number%22,%22twilio_sid%22,%22country_code%22,"
              "%22number_type%22,%22status%22",
         SERVICE, NULL, NULL, body, &r);
    j = expect(&r, 201);
    assert_null(j); /* no Prefer: return=minimal, empty body */
    assert_string_equal(h_resp_header(&r, "Content-Range"), "*/*");
    h_resp_free(&r);

    rest("GET", NUMS "?select=phone_number,status&order=phone_number.desc", SERVICE, NULL, NULL,
         NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 3);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "phone_number"), "+15550000003");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetArrayItem(j, 0)), 2); /* only the select list */
    assert_string_equal(h_resp_header(&r, "Content-Range"), "0-2/*");
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_filters(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state;
    rest("GET", NUMS "?select=twilio_sid&user_id=eq." U1 "&status=eq.active", SERVICE, NULL, NULL,
         NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "twilio_sid"), "PN3");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("GET", NUMS "?select=twilio_sid&twilio_sid=in.(PN1,%22PN2%22,nope)&order=twilio_sid",
         SERVICE, NULL, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 2);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 1), "twilio_sid"), "PN2");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("GET",
         NUMS "?select=twilio_sid&or=(country_code.eq.CA,and(status.eq.released,"
              "phone_number.like.*0001))&order=twilio_sid.asc",
         SERVICE, NULL, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 2);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "twilio_sid"), "PN1");
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 1), "twilio_sid"), "PN3");
    cJSON_Delete(j);
    h_resp_free(&r);

    /* An injection attempt is a value like any other: nothing matches, nothing breaks. */
    rest("GET", NUMS "?twilio_sid=eq.x%27)%3B%20DROP%20TABLE%20phone_numbers%3B--", SERVICE, NULL,
         NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    assert_string_equal(h_resp_header(&r, "Content-Range"), "*/*");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("GET", NUMS "?livekit_trunk_id=is.null&number_type=neq.mobile&select=twilio_sid", SERVICE,
         NULL, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 2);
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_count_range_head(void **state)
{
    const char *const count[] = {"Prefer: count=exact", NULL};
    const char *const range[] = {"Prefer: count=exact", "Range-Unit: items", "Range: 1-1", NULL};
    struct h_resp r;
    cJSON *j;

    (void)state;
    rest("GET", NUMS "?select=twilio_sid&offset=0&limit=2", SERVICE, NULL, count, NULL, &r);
    j = expect(&r, 206); /* 2 of 3 */
    assert_int_equal(cJSON_GetArraySize(j), 2);
    assert_string_equal(h_resp_header(&r, "Content-Range"), "0-1/3");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("GET", NUMS "?select=twilio_sid&order=twilio_sid", SERVICE, NULL, range, NULL, &r);
    j = expect(&r, 206);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "twilio_sid"), "PN2");
    assert_string_equal(h_resp_header(&r, "Content-Range"), "1-1/3");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("GET", NUMS "?select=twilio_sid", SERVICE, NULL, count, NULL, &r);
    cJSON_Delete(expect(&r, 200));
    assert_string_equal(h_resp_header(&r, "Content-Range"), "0-2/3");
    h_resp_free(&r);

    rest("GET", NUMS "?twilio_sid=eq.none", SERVICE, NULL, count, NULL, &r);
    cJSON_Delete(expect(&r, 200));
    assert_string_equal(h_resp_header(&r, "Content-Range"), "*/0");
    h_resp_free(&r);

    rest("HEAD", NUMS "?select=*", SERVICE, NULL, count, NULL, &r);
    assert_null(expect(&r, 200)); /* all rows, and no body */
    assert_string_equal(h_resp_header(&r, "Content-Range"), "0-2/3");
    h_resp_free(&r);

    rest("GET", NUMS "?limit=0", SERVICE, NULL, count, NULL, &r);
    j = expect(&r, 206);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    assert_string_equal(h_resp_header(&r, "Content-Range"), "*/3");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("GET", NUMS "?offset=10", SERVICE, NULL, count, NULL, &r);
    expect_error(&r, 416, "PGRST103");
}

static void test_single_object(void **state)
{
    const char *const object[] = {"Accept: application/vnd.pgrst.object+json", NULL};
    struct h_resp r;
    cJSON *j;

    (void)state;
    rest("GET", NUMS "?select=twilio_sid&twilio_sid=eq.PN2", SERVICE, NULL, object, NULL, &r);
    j = expect(&r, 200);
    assert_true(cJSON_IsObject(j));
    assert_string_equal(jstr(j, "twilio_sid"), "PN2");
    assert_non_null(strstr(h_resp_header(&r, "Content-Type"), "vnd.pgrst.object+json"));
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("GET", NUMS "?twilio_sid=eq.none", SERVICE, NULL, object, NULL, &r);
    j = expect(&r, 406);
    assert_string_equal(jstr(j, "code"), "PGRST116");
    assert_string_equal(jstr(j, "details"), "The result contains 0 rows");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("GET", NUMS, SERVICE, NULL, object, NULL, &r);
    j = expect(&r, 406);
    assert_string_equal(jstr(j, "details"), "The result contains 3 rows");
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_insert_representation_and_headers(void **state)
{
    const char *const headers_only[] = {"Prefer: return=headers-only", NULL};
    struct h_resp r;
    cJSON *j;

    (void)state;
    rest("POST", JOBS "?select=id,status,attempts", SERVICE, NULL, want_repr,
         "{\"id\":\"job-1\",\"user_id\":\"" U1 "\",\"attempts\":\"2\"}", &r);
    j = expect(&r, 201);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "status"), "pending"); /* the default */
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "attempts")->valueint, 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetArrayItem(j, 0)), 3);
    assert_string_equal(h_resp_header(&r, "Preference-Applied"), "return=representation");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("POST", JOBS, SERVICE, NULL, headers_only, "{\"id\":\"job 2\",\"user_id\":\"" U2 "\"}",
         &r);
    assert_null(expect(&r, 201));
    assert_string_equal(h_resp_header(&r, "Location"), "/provisioning_jobs?id=eq.job%202");
    h_resp_free(&r);
}

/* An array insert that fails on its third row leaves no row behind. */
static void test_insert_is_atomic(void **state)
{
    const char *const count[] = {"Prefer: count=exact", NULL};
    struct h_resp r;

    (void)state;
    rest("POST", NUMS, SERVICE, NULL, NULL,
         "[{\"user_id\":\"" U2 "\",\"phone_number\":\"+15550000010\",\"twilio_sid\":\"PN10\","
         "\"country_code\":\"US\",\"number_type\":\"local\",\"status\":\"released\"},"
         "{\"user_id\":\"" U2 "\",\"phone_number\":\"+15550000011\",\"twilio_sid\":\"PN11\","
         "\"country_code\":\"US\",\"number_type\":\"local\",\"status\":\"released\"},"
         "{\"user_id\":\"" U2 "\",\"phone_number\":\"+15550000001\",\"twilio_sid\":\"PN12\","
         "\"country_code\":\"US\",\"number_type\":\"local\",\"status\":\"released\"}]",
         &r);
    expect_error(&r, 409, "23505");
    rest("HEAD", NUMS, SERVICE, NULL, count, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(h_resp_header(&r, "Content-Range"), "0-2/3");
    h_resp_free(&r);
}

static void test_upsert(void **state)
{
    const char *const merge[] = {"Prefer: resolution=merge-duplicates, return=representation",
                                 NULL};
    const char *const ignore[] = {"Prefer: resolution=ignore-duplicates,return=representation",
                                  NULL};
    struct h_resp r;
    cJSON *j;

    (void)state;
    /* PostgREST 12: test_insert_representation_and_headers made U1's job, so this merge
     * updates it and inserts nothing: 200 (201 only when a row was inserted). */
    rest("POST", JOBS "?on_conflict=user_id", SERVICE, NULL, merge,
         "{\"id\":\"job-1\",\"user_id\":\"" U1 "\",\"step\":\"searched\",\"attempts\":3}", &r);
    j = expect(&r, 200);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "step"), "searched");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "attempts")->valueint, 3);
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("POST", JOBS "?on_conflict=user_id&columns=%22id%22,%22user_id%22,%22step%22", SERVICE,
         NULL, ignore, "[{\"id\":\"job-x\",\"user_id\":\"" U1 "\",\"step\":\"ignored\"}]", &r);
    j = expect(&r, 201);                        /* ignore-duplicates: 201 whatever happened */
    assert_int_equal(cJSON_GetArraySize(j), 0); /* the duplicate was skipped */
    cJSON_Delete(j);
    h_resp_free(&r);
    {
        /* POST with count=exact: Content-Range "*" then the rows written */
        const char *const merge_count[] = {"Prefer: resolution=merge-duplicates, count=exact",
                                           NULL};
        rest("POST", JOBS "?on_conflict=user_id", SERVICE, NULL, merge_count,
             "[{\"id\":\"job-1\",\"user_id\":\"" U1 "\",\"step\":\"searched\",\"attempts\":3}]",
             &r);
        assert_null(expect(&r, 200));
        assert_string_equal(h_resp_header(&r, "Content-Range"), "*/1");
        h_resp_free(&r);
    }

    rest("GET", JOBS "?select=step,attempts&user_id=eq." U1, SERVICE, NULL, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "step"), "searched");
    cJSON_Delete(j);
    h_resp_free(&r);

    /* The partial unique index cannot be an ON CONFLICT target; an unknown column is 42703. */
    rest("POST", NUMS "?on_conflict=user_id", SERVICE, NULL, merge, "{\"status\":\"active\"}", &r);
    expect_error(&r, 400, "42P10");
    rest("POST", NUMS "?on_conflict=status", SERVICE, NULL, merge, "{\"status\":\"active\"}", &r);
    expect_error(&r, 400, "42P10");
    rest("POST", NUMS "?on_conflict=nope", SERVICE, NULL, merge, "{}", &r);
    expect_error(&r, 400, "42703");
}

static void test_update_delete(void **state)
{
    const char *const count[] = {"Prefer: count=exact", NULL};
    struct h_resp r;
    cJSON *j;

    (void)state;
    rest("PATCH", JOBS "?user_id=eq." U1 "&select=status,step", SERVICE, NULL, want_repr,
         "{\"status\":\"running\",\"owner\":\"run-1\"}", &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "status"), "running");
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("PATCH", JOBS "?id=eq.none", SERVICE, NULL, want_repr, "{\"step\":\"x\"}", &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("PATCH", JOBS "?id=eq.job-1", SERVICE, NULL, NULL, "{\"attempts\":4}", &r);
    assert_null(expect(&r, 204));
    assert_string_equal(h_resp_header(&r, "Content-Range"), "0-0/*");
    h_resp_free(&r);

    rest("DELETE", JOBS "?id=eq.job%202", SERVICE, NULL, count, NULL, &r);
    assert_null(expect(&r, 204));
    assert_string_equal(h_resp_header(&r, "Content-Range"), "*/1"); /* PostgREST 12 */
    h_resp_free(&r);

    rest("DELETE", JOBS "?id=eq.job%202", SERVICE, NULL, want_repr, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
    h_resp_free(&r);

    rest("DELETE", JOBS, SERVICE, NULL, NULL, NULL, &r); /* pg-safeupdate */
    expect_error(&r, 400, "21000");
    rest("PATCH", JOBS, SERVICE, NULL, NULL, "{\"step\":\"x\"}", &r);
    expect_error(&r, 400, "21000");
}

/* Deleting a user cascades to the flow's rows; state dumps show users and rows. */
static void test_state_dump(void **state)
{
    struct h_resp r;
    cJSON *j, *rows;

    (void)state;
    assert_int_equal(h_get(&fake, "/__admin/state", &r), 0);
    j = expect(&r, 200);
    rows = cJSON_GetObjectItem(j, "rows");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "users")), 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(rows, "phone_numbers")), 3);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(rows, "provisioning_jobs")), 1);
    assert_null(cJSON_GetObjectItem(rows, "auth_users"));
    cJSON_Delete(j);
    h_resp_free(&r);

    assert_int_equal(
        h_post_json(&fake, "/__admin/state",
                    "{\"rows\":{\"profiles\":[{\"id\":\"" U2 "\",\"full_name\":\"Two\"}]}}", &r),
        0);
    assert_int_equal(r.status / 100, 2);
    h_resp_free(&r);
    assert_int_equal(h_post_json(&fake, "/__admin/state", "{\"rows\":{\"nope\":[]}}", &r), 0);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "state.rows.nope"));
    h_resp_free(&r);
    rest("GET", "/rest/v1/profiles?select=full_name", SERVICE, NULL, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "full_name"), "Two");
    cJSON_Delete(j);
    h_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_array_and_select),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_count_range_head),
        cmocka_unit_test(test_single_object),
        cmocka_unit_test(test_insert_representation_and_headers),
        cmocka_unit_test(test_insert_is_atomic),
        cmocka_unit_test(test_upsert),
        cmocka_unit_test(test_update_delete),
        cmocka_unit_test(test_state_dump),
    };
    return cmocka_run_group_tests(tests, start_fake, stop_fake);
}
