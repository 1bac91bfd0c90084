/* test_supabase_hardening.c: the data-side attacks of issue 15 against fake_supabase.
 *
 * The exact requests of the issue, over HTTP against the real (sanitizer) binary: a repeated
 * "role" in PUT /auth/v1/user must not make the next sign-in a service_role token; a repeated
 * "user_id" in PATCH must not hand a row to another user (42501); limit, offset and Range at
 * the int64 edges answer as PostgREST does; or= with more conditions than SQLite's expression
 * depth and order= with more terms than its ORDER BY limit never answer 5xx; %00 and invalid
 * UTF-8 in a path or a query value are never cut short. */
#include "tests/integration/test_supabase_rest_support.h"

#include "fakekit/buf.h"
#include "fakekit/jwt.h"

#define NUMS   "/rest/v1/phone_numbers"
#define MAXI64 "9223372036854775807"

/* The "role" claim of token (static buffer). */
static const char *role_of(const char *token)
{
    static char role[64];
    cJSON *claims = NULL;

    assert_int_equal(fk_jwt_peek(token, &claims), FK_JWT_OK);
    snprintf(role, sizeof role, "%s", jstr(claims, "role"));
    cJSON_Delete(claims);
    return role;
}

/* One PUT /auth/v1/user with token; returns the status, body parsed into *j (may be NULL). */
static long put_user(const char *token, const char *body, cJSON **j)
{
    struct h_resp r;
    long status;

    rest("PUT", "/auth/v1/user", ANON, token, NULL, body, &r);
    status = r.status;
    *j = h_json(&r);
    h_resp_free(&r);
    return status;
}

static void test_user_update_cannot_raise_role(void **state)
{
    char *token = sign_in("one@example.com", "secret-one"), *again;
    struct h_resp r;
    cJSON *j = NULL;

    (void)state;
    /* The exploit: the first "role" was removed, the update stored the second. */
    assert_int_equal(put_user(token, "{\"role\":\"x\",\"role\":\"service_role\"}", &j), 200);
    assert_string_equal(jstr(j, "role"), "authenticated");
    cJSON_Delete(j);
    /* Admin-only keys are not UserUpdateParams fields: ignored; "data" is user_metadata. */
    assert_int_equal(put_user(token,
                              "{\"Role\":\"service_role\",\"email_confirm\":true,\"user_metadata\":"
                              "{\"x\":1},\"data\":{\"a\":1},\"ban_duration\":\"none\"}",
                              &j),
                     200);
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "user_metadata"), "a"));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "user_metadata"), "x"));
    cJSON_Delete(j);
    /* app_metadata needs the admin group, also under Go's case-insensitive field match. */
    const char *const apps[] = {"{\"app_metadata\":{\"role\":\"service_role\"}}",
                                "{\"app_metadata\":null,\"App_Metadata\":{\"claims_admin\":true}}",
                                "{\"data\":{},\"app_metadata\":{}}"};
    for (size_t i = 0; i < sizeof apps / sizeof apps[0]; i++) {
        assert_int_equal(put_user(token, apps[i], &j), 403);
        assert_string_equal(jstr(j, "error_code"), "not_admin");
        assert_string_equal(jstr(j, "msg"), "Updating app_metadata requires admin privileges");
        cJSON_Delete(j);
    }
    assert_int_equal(put_user(token, "{\"app_metadata\":{},\"app_metadata\":null}", &j), 200);
    cJSON_Delete(j);

    again = sign_in("one@example.com", "secret-one");
    assert_string_equal(role_of(again), "authenticated");
    rest("GET", "/auth/v1/admin/users", ANON, again, NULL, NULL, &r);
    expect_str(&r, 403, "error_code", "not_admin");
    rest("GET", "/rest/v1/profiles?id=eq." U2, ANON, again, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0); /* still only its own rows */
    cJSON_Delete(j);
    h_resp_free(&r);
    free(again);
    free(token);
}

static void test_admin_api_sets_role_with_service_key(void **state)
{
    char *token;
    struct h_resp r;

    (void)state;
    /* The last key again, through the one API that may set it. */
    rest("PUT", "/auth/v1/admin/users/" U2, SERVICE, NULL, NULL,
         "{\"role\":\"admin\",\"role\":\"support\",\"app_metadata\":{\"tier\":1}}", &r);
    cJSON_Delete(expect(&r, 200));
    h_resp_free(&r);
    token = sign_in("two@example.com", "secret-two");
    assert_string_equal(role_of(token), "support");
    free(token);
    rest("PUT", "/auth/v1/admin/users/" U2, SERVICE, NULL, NULL, "{\"role\":\"authenticated\"}",
         &r);
    cJSON_Delete(expect(&r, 200));
    h_resp_free(&r);
}

static void test_patch_cannot_hand_a_row_over(void **state)
{
    const char *const object[] = {"Accept: application/vnd.pgrst.object+json", NULL};
    char *token = sign_in("one@example.com", "secret-one");
    struct h_resp r;

    (void)state;
    rest("POST", NUMS, SERVICE, NULL, NULL,
         "{\"user_id\":\"" U1 "\",\"phone_number\":\"+15552000001\",\"twilio_sid\":\"PNH1\","
         "\"country_code\":\"US\",\"number_type\":\"local\"}",
         &r);
    assert_null(expect(&r, 201));
    h_resp_free(&r);
    /* The exploit: the ownership check read the first key, the UPDATE stored the last. */
    rest("PATCH", NUMS "?twilio_sid=eq.PNH1", ANON, token, NULL,
         "{\"user_id\":\"" U1 "\",\"user_id\":\"" U2 "\"}", &r);
    expect_error(&r, 403, "42501");
    rest("GET", NUMS "?twilio_sid=eq.PNH1&select=user_id", SERVICE, NULL, object, NULL, &r);
    expect_str(&r, 200, "user_id", U1);
    /* The other order is the owner keeping its row: allowed. */
    rest("PATCH", NUMS "?twilio_sid=eq.PNH1", ANON, token, NULL,
         "{\"user_id\":\"" U2 "\",\"number_type\":\"mobile\",\"user_id\":\"" U1 "\"}", &r);
    assert_null(expect(&r, 204));
    h_resp_free(&r);
    /* Nested repeats follow the same rule; trailing text is not JSON. */
    rest("POST", NUMS, ANON, token, NULL, "{\"user_id\":\"" U1 "\"} {\"user_id\":\"" U2 "\"}", &r);
    expect_error(&r, 400, "PGRST102");
    rest("DELETE", NUMS "?twilio_sid=eq.PNH1", SERVICE, NULL, NULL, NULL, &r);
    h_resp_free(&r);
    free(token);
}

/* GET path (of any length: rest() keeps 2 KiB of URL) as the service role. */
static void get_long(const char *path, const char *const *extra, struct h_resp *r)
{
    const char *h[8] = {"apikey: " SERVICE, "Authorization: Bearer " SERVICE};
    size_t n = 2;
    size_t len = strlen(fake.base) + strlen(path) + 1;
    char *url = malloc(len);

    assert_non_null(url);
    snprintf(url, len, "%s%s", fake.base, path);
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 7; i++)
        h[n++] = extra[i];
    assert_int_equal(h_request("GET", url, h, NULL, 0, r), 0);
    free(url);
}

/* GET path with extra headers; the status must be want; returns the body's array size. */
static int get_rows(const char *path, const char *const *extra, long want, const char *range)
{
    struct h_resp r;
    cJSON *j;
    int n;

    get_long(path, extra, &r);
    j = expect(&r, want);
    n = cJSON_GetArraySize(j);
    if (range != NULL)
        assert_string_equal(h_resp_header(&r, "Content-Range"), range);
    cJSON_Delete(j);
    h_resp_free(&r);
    return n;
}

static void test_limit_offset_range_edges(void **state)
{
    const char *const whole[] = {"Range: 0-" MAXI64, NULL};
    const char *const count[] = {"Prefer: count=exact", NULL};
    const char *const bad_range[] = {"Range: 5-1", NULL};
    struct h_resp r;

    (void)state;
    rest("POST", "/rest/v1/profiles", SERVICE, NULL, NULL,
         "[{\"id\":\"" U1 "\",\"email\":\"one@example.com\"},"
         "{\"id\":\"" U2 "\",\"email\":\"two@example.com\"}]",
         &r);
    assert_null(expect(&r, 201));
    h_resp_free(&r);
    /* The three requests: signed overflow before, PostgREST's 200 now. */
    assert_int_equal(
        get_rows("/rest/v1/profiles?offset=" MAXI64 "&limit=" MAXI64, NULL, 200, "*/*"), 0);
    assert_int_equal(get_rows("/rest/v1/profiles?offset=1&limit=" MAXI64, NULL, 200, "1-1/*"), 1);
    assert_int_equal(get_rows("/rest/v1/profiles", whole, 200, "0-1/*"), 2);
    /* Around them, PostgREST's rules (RangeQuery.hs, ApiRequest.hs getRanges). */
    assert_int_equal(get_rows("/rest/v1/profiles?limit=99999999999999999999", NULL, 200, "0-1/*"),
                     2);
    assert_int_equal(get_rows("/rest/v1/profiles?limit=abc&offset=-4", NULL, 200, "0-1/*"), 2);
    assert_int_equal(get_rows("/rest/v1/profiles?offset=-1&limit=2", NULL, 200, "0-0/*"), 1);
    rest("GET", "/rest/v1/profiles?offset=" MAXI64 "&limit=" MAXI64, SERVICE, NULL, count, NULL,
         &r);
    expect_error(&r, 416, "PGRST103"); /* with a count: past the end */
    rest("GET", "/rest/v1/profiles?limit=-1", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 416, "PGRST103");
    rest("GET", "/rest/v1/profiles", SERVICE, NULL, bad_range, NULL, &r);
    expect_error(&r, 416, "PGRST103");
    rest("GET", "/rest/v1/profiles?offset=9223372036854775808", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 400, "22003");
    assert_int_equal(get_rows("/rest/v1/profiles?limit=0&offset=0", NULL, 200, "*/*"), 0);
    rest("GET", "/rest/v1/profiles?limit=0&offset=5", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 416, "PGRST103"); /* [5, 4] is empty and not the limit-zero range */
}

/* prefix, n copies of fmt (given the index) joined by sep, then suffix; caller frees. */
static char *repeat(const char *prefix, const char *fmt, const char *sep, int n, const char *suffix)
{
    struct fk_buf b;
    char item[128];

    fk_buf_init(&b, 64 * 1024);
    assert_int_equal(fk_buf_addstr(&b, prefix), 0);
    for (int i = 0; i < n; i++) {
        snprintf(item, sizeof item, fmt, i);
        assert_int_equal(fk_buf_addstr(&b, i > 0 ? sep : ""), 0);
        assert_int_equal(fk_buf_addstr(&b, item), 0);
    }
    assert_int_equal(fk_buf_addstr(&b, suffix), 0);
    return fk_buf_take(&b, NULL);
}

static void test_big_or_and_order(void **state)
{
    char *path;

    (void)state;
    /* 1,200 equalities on one column: one IN list. */
    path = repeat("/rest/v1/profiles?or=(", "email.eq.x%d", ",", 1200, ",id.eq." U2 ")");
    assert_int_equal(get_rows(path, NULL, 200, NULL), 1);
    free(path);
    /* 1,200 conditions that no IN can hold: a balanced tree of ORs. */
    path = repeat("/rest/v1/profiles?or=(", "email.like.x%d*", ",", 1200,
                  ",email.eq.two@example.com)");
    assert_int_equal(get_rows(path, NULL, 200, NULL), 1);
    free(path);
    /* 300 top-level filters, ANDed (libmicrohttpd's 32 KiB pool holds no more parameters of
     * this size; test_sb_filter.c runs 5,000 of them through SQLite). */
    path = repeat("/rest/v1/profiles?select=id", "&email=not.like.x%d*", "", 300, "");
    assert_int_equal(get_rows(path, NULL, 200, NULL), 2);
    free(path);
    /* 2,500 order terms: a repeated column changes no order, so each counts once. */
    path = repeat("/rest/v1/profiles?order=email.desc,", "id", ",", 2500, "");
    {
        struct h_resp r;
        cJSON *j;
        get_long(path, NULL, &r);
        j = expect(&r, 200);
        assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "email"), "two@example.com");
        cJSON_Delete(j);
        h_resp_free(&r);
    }
    free(path);
    /* Sixteen alternating levels of 60 conditions each: within SQLite's limits, or a 400. */
    {
        struct fk_buf b;
        char item[64];
        struct h_resp r;
        fk_buf_init(&b, 64 * 1024);
        assert_int_equal(fk_buf_addstr(&b, "/rest/v1/profiles?or=("), 0);
        for (int level = 0; level < 15; level++) {
            for (int i = 0; i < 60; i++) {
                snprintf(item, sizeof item, "email.like.y%d*,", i);
                assert_int_equal(fk_buf_addstr(&b, item), 0);
            }
            assert_int_equal(fk_buf_addstr(&b, level % 2 == 0 ? "and(" : "or("), 0);
        }
        assert_int_equal(fk_buf_addstr(&b, "id.eq." U1), 0);
        for (int level = 0; level <= 15; level++)
            assert_int_equal(fk_buf_addstr(&b, ")"), 0);
        get_long(fk_buf_str(&b), NULL, &r);
        if (r.status != 200)
            expect_error(&r, 400, "54001");
        else
            h_resp_free(&r);
        fk_buf_cleanup(&b);
    }
}

static void test_nul_and_bad_utf8_are_not_cut(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state;
    rest("GET", "/rest/v1/profiles%00x", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 404, "42P01"); /* an unknown table, as PostgREST 12 answers it */
    rest("GET", "/rest/v1/profiles%FF", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 404, "42P01");
    /* a uuid column refuses the value (22P02); a text column compares it whole */
    rest("GET", "/rest/v1/profiles?id=eq." U1 "%00x", SERVICE, NULL, NULL, NULL, &r);
    expect_error(&r, 400, "22P02");
    rest("GET", "/rest/v1/profiles?email=eq.two@example.com%00x", SERVICE, NULL, NULL, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0); /* never the row of the cut value */
    cJSON_Delete(j);
    h_resp_free(&r);
    rest("POST", "/auth/v1/token?grant_type=password%00x", ANON, NULL, NULL,
         "{\"email\":\"one@example.com\",\"password\":\"secret-one\"}", &r);
    expect_str(&r, 400, "msg", "unsupported_grant_type");
    /* A NUL inside a JSON string cannot be carried either: refused, not cut. */
    rest("POST", "/auth/v1/token?grant_type=password", ANON, NULL, NULL,
         "{\"email\":\"one@example.com\",\"password\":\"secret-one\\u0000x\"}", &r);
    expect_str(&r, 400, "error_code", "bad_json");
}

/* A JSON number reaches a column as PostgREST's json_to_recordset hands it over: its own text
 * to the column type's input function. The fake read it as a C double and printed it again,
 * so an integer column took 1e3 and 1.0, a number past int64 was "9.223372036854776e+18"
 * (22P02 instead of 22003), a text column got "1.5" for 1.50, and a bigint past 2^53 lost its
 * last digits. PostgreSQL 15.18's answers, from psql:
 *   json_to_recordset('[{"a":1e3}]') as x(a int)   -> 22P02 invalid input syntax ... "1e3"
 *   ... '[{"a":9223372036854775807}]' as x(a int)  -> 22003 value "9223372036854775807" is out
 *                                                     of range for type integer
 *   ... '[{"a":1.50}]' as x(a text)                -> 1.50
 * A number that is not RFC 8259's (01, 1., -01) is not JSON: PostgreSQL and Go refuse it. */
static void test_json_numbers_as_written(void **state)
{
    static const struct {
        const char *fence, *code, *message;
    } bad[] = {
        {"1e3", "22P02", "invalid input syntax for type integer: \"1e3\""},
        {"1.0", "22P02", "invalid input syntax for type integer: \"1.0\""},
        {MAXI64, "22003", "value \"" MAXI64 "\" is out of range for type integer"},
        {"-99999999999999999999", "22003",
         "value \"-99999999999999999999\" is out of range for type integer"},
    };
    const char *const rep[] = {"Prefer: resolution=merge-duplicates,return=representation", NULL};
    char body[256];
    struct h_resp r;
    cJSON *j;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, "{\"id\":\"n%zu\",\"user_id\":\"" U1 "\",\"fence\":%s}", i,
                 bad[i].fence);
        rest("POST", "/rest/v1/provisioning_jobs", SERVICE, NULL, NULL, body, &r);
        expect_str(&r, 400, "message", bad[i].message);
    }
    rest("POST", "/rest/v1/provisioning_jobs", SERVICE, NULL, NULL,
         "{\"id\":\"n9\",\"user_id\":\"" U1 "\",\"fence\":01}", &r);
    expect_error(&r, 400, "PGRST102");
    rest("POST", "/rest/v1/profiles?on_conflict=id", SERVICE, NULL, rep,
         "{\"id\":\"" U1 "\",\"full_name\":1.50}", &r);
    j = expect(&r, r.status == 201 ? 201 : 200); /* 200 when the row was there: updated */
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(jstr(cJSON_GetArrayItem(j, 0), "full_name"), "1.50");
    cJSON_Delete(j);
    h_resp_free(&r);
}

/* GoTrue reads its bodies with Go's encoding/json, which turns every byte that starts no valid
 * UTF-8 sequence into U+FFFD. The fake kept the bytes and answered JSON that is not UTF-8
 * (user_metadata, app_metadata keys), which a client's JSON parser refuses. */
static void test_gotrue_bad_utf8_becomes_fffd(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state;
    rest("POST", "/auth/v1/admin/users", SERVICE, NULL, NULL,
         "{\"email\":\"utf8@example.com\",\"password\":\"secret-utf8\","
         "\"user_metadata\":{\"n\":\"a\xff\xed\xa0\x80"
         "b\",\"\xc3\":1}}",
         &r);
    j = expect(&r, 200);
    const cJSON *meta = cJSON_GetObjectItem(j, "user_metadata");
    assert_string_equal(jstr(meta, "n"), "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                                         "b");
    assert_non_null(cJSON_GetObjectItem(meta, "\xef\xbf\xbd"));
    cJSON_Delete(j);
    h_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_update_cannot_raise_role),
        cmocka_unit_test(test_admin_api_sets_role_with_service_key),
        cmocka_unit_test(test_patch_cannot_hand_a_row_over),
        cmocka_unit_test(test_limit_offset_range_edges),
        cmocka_unit_test(test_big_or_and_order),
        cmocka_unit_test(test_nul_and_bad_utf8_are_not_cut),
        cmocka_unit_test(test_json_numbers_as_written),
        cmocka_unit_test(test_gotrue_bad_utf8_becomes_fffd),
    };
    return cmocka_run_group_tests(tests, start_fake, stop_fake);
}
