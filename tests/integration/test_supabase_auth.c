/* test_supabase_auth.c: fake_supabase's /auth/v1 over HTTP, as auth-js talks to it.
 *
 * Starts the real binary, seeds a user with a known id and password through
 * POST /__admin/state, then drives sign-in, getUser, refresh rotation and reuse, logout,
 * the admin API with its paging headers, and both error-body formats (docs/reference/supabase.md
 * section 4). Expired tokens are signed here with the default secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "fakekit/jwt.h"
#include "tests/support/harness.h"

#define SECRET "super-secret-jwt-token-with-at-least-32-characters-long"
#define ANON                                                                                       \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9."                    \
    "CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
#define SERVICE                                                                                    \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0."         \
    "EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"
#define UID "0a7e3d52-6a43-4d38-9a57-3f1f2b3c4d5e"

static struct h_proc fake;

/* One request. apikey NULL: none sent; bearer NULL: none sent. */
static void call(const char *method, const char *path, const char *apikey, const char *bearer,
                 bool v2024, const char *body, struct h_resp *r)
{
    char url[512], key[600], auth[2600];
    const char *h[6];
    size_t n = 0;

    snprintf(url, sizeof url, "%s%s", fake.base, path);
    if (apikey != NULL) {
        snprintf(key, sizeof key, "apikey: %s", apikey);
        h[n++] = key;
    }
    if (bearer != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
        h[n++] = auth;
    }
    if (v2024)
        h[n++] = "X-Supabase-Api-Version: 2024-01-01";
    if (strcmp(method, "GET") != 0)
        h[n++] = "Content-Type: application/json;charset=UTF-8";
    h[n] = NULL;
    assert_int_equal(h_request(method, url, h, body, 0, r), 0);
}

static cJSON *expect(struct h_resp *r, long status)
{
    cJSON *j = NULL;

    if (r->status != status)
        fail_msg("status %ld, want %ld: %s", r->status, status, r->body);
    j = h_json(r);
    if (status != 204 && j == NULL)
        fail_msg("body is not JSON: %s", r->body);
    return j;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "(missing)";
}

static int setup(void **state)
{
    (void)state; /* one fake for the whole file */
    return h_suite_start(&fake, "fake_supabase", NULL);
}

static int teardown(void **state)
{
    (void)state; /* as in setup */
    return h_suite_stop(&fake);
}

/* Reset, then seed alice with a known id and password. */
static int reset_each(void **state)
{
    struct h_resp r;
    long st;

    (void)state; /* the fake is shared by the file */
    if (h_admin_reset(&fake) != 0)
        return -1;
    h_post_json(&fake, "/__admin/state",
                "{\"users\":[{\"id\":\"" UID "\",\"email\":\"alice@example.com\","
                "\"password\":\"pw123456\",\"user_metadata\":{\"name\":\"Alice\"}}]}",
                &r);
    st = r.status;
    if (st >= 300)
        fprintf(stderr, "seeding failed: %ld %s\n", st, r.body);
    h_resp_free(&r);
    return st < 300 ? 0 : -1;
}

static void sign_in(char *access, size_t alen, char *refresh, size_t rlen)
{
    struct h_resp r;
    cJSON *j;

    call("POST", "/auth/v1/token?grant_type=password", ANON, ANON, true,
         "{\"email\":\"alice@example.com\",\"password\":\"pw123456\",\"gotrue_meta_security\":{}}",
         &r);
    j = expect(&r, 200);
    assert_string_equal(str(cJSON_GetObjectItem(j, "user"), "id"), UID);
    assert_int_equal(cJSON_GetObjectItem(j, "expires_in")->valueint, 3600);
    snprintf(access, alen, "%s", str(j, "access_token"));
    snprintf(refresh, rlen, "%s", str(j, "refresh_token"));
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_keys_endpoint(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state; /* shared fake */
    h_get(&fake, "/__admin/keys", &r);
    j = expect(&r, 200);
    assert_string_equal(str(j, "anon_key"), ANON);
    assert_string_equal(str(j, "service_role_key"), SERVICE);
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_sign_in_get_user(void **state)
{
    char access[2048], refresh[64];
    struct h_resp r;
    cJSON *j;

    (void)state; /* shared fake */
    sign_in(access, sizeof access, refresh, sizeof refresh);
    call("GET", "/auth/v1/user", ANON, access, true, NULL, &r);
    j = expect(&r, 200);
    assert_string_equal(str(j, "id"), UID);
    assert_string_equal(str(j, "email"), "alice@example.com");
    assert_string_equal(str(cJSON_GetObjectItem(j, "user_metadata"), "name"), "Alice");
    assert_string_equal(h_resp_header(&r, "X-Supabase-Api-Version"), "2024-01-01");
    cJSON_Delete(j);
    h_resp_free(&r);

    call("POST", "/auth/v1/token?grant_type=password", ANON, ANON, true,
         "{\"email\":\"alice@example.com\",\"password\":\"wrong-pass\"}", &r);
    j = expect(&r, 400);
    assert_string_equal(str(j, "code"), "invalid_credentials");
    assert_string_equal(str(j, "message"), "Invalid login credentials");
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_refresh_rotation_and_reuse(void **state)
{
    char access[2048], refresh[64], body[128];
    struct h_resp r;
    cJSON *j;

    (void)state; /* shared fake */
    sign_in(access, sizeof access, refresh, sizeof refresh);
    snprintf(body, sizeof body, "{\"refresh_token\":\"%s\"}", refresh);
    call("POST", "/auth/v1/token?grant_type=refresh_token", ANON, ANON, true, body, &r);
    j = expect(&r, 200);
    assert_string_not_equal(str(j, "refresh_token"), refresh);
    assert_true(strlen(str(j, "access_token")) > 100);
    cJSON_Delete(j);
    h_resp_free(&r);
    call("POST", "/auth/v1/token?grant_type=refresh_token", ANON, ANON, true, body, &r);
    j = expect(&r, 400);
    assert_string_equal(str(j, "code"), "refresh_token_already_used");
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_logout_revokes_session(void **state)
{
    char access[2048], refresh[64];
    struct h_resp r;
    cJSON *j;

    (void)state; /* shared fake */
    sign_in(access, sizeof access, refresh, sizeof refresh);
    call("POST", "/auth/v1/logout?scope=global", ANON, access, true, NULL, &r);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.len, 0);
    h_resp_free(&r);
    call("GET", "/auth/v1/user", ANON, access, true, NULL, &r);
    j = expect(&r, 403);
    assert_string_equal(str(j, "code"), "session_not_found");
    cJSON_Delete(j);
    h_resp_free(&r);
}

static void test_admin_users(void **state)
{
    char path[128];
    struct h_resp r;
    cJSON *j;

    (void)state; /* shared fake */
    call("GET", "/auth/v1/admin/users", ANON, ANON, true, NULL, &r);
    j = expect(&r, 403);
    assert_string_equal(str(j, "code"), "not_admin");
    cJSON_Delete(j);
    h_resp_free(&r);
    for (int i = 0; i < 2; i++) {
        char body[160];
        snprintf(body, sizeof body,
                 "{\"email\":\"user%d@example.com\",\"password\":\"pw123456\","
                 "\"email_confirm\":true}",
                 i);
        call("POST", "/auth/v1/admin/users", SERVICE, SERVICE, true, body, &r);
        j = expect(&r, 200);
        snprintf(path, sizeof path, "/auth/v1/admin/users/%s", str(j, "id"));
        cJSON_Delete(j);
        h_resp_free(&r);
    }
    call("POST", "/auth/v1/admin/users", SERVICE, SERVICE, true,
         "{\"email\":\"user0@example.com\",\"password\":\"pw123456\"}", &r);
    j = expect(&r, 422);
    assert_string_equal(str(j, "code"), "email_exists");
    cJSON_Delete(j);
    h_resp_free(&r);

    call("GET", "/auth/v1/admin/users?page=2&per_page=2", SERVICE, SERVICE, true, NULL, &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "users")), 1);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "users"), 0), "id"), UID);
    assert_string_equal(h_resp_header(&r, "X-Total-Count"), "3");
    assert_string_equal(h_resp_header(&r, "Link"),
                        "</admin/users?page=2&per_page=2>; rel=\"last\"");
    cJSON_Delete(j);
    h_resp_free(&r);
    call("GET", "/auth/v1/admin/users?page=1&per_page=2", SERVICE, SERVICE, true, NULL, &r);
    j = expect(&r, 200);
    assert_non_null(
        strstr(h_resp_header(&r, "Link"), "</admin/users?page=2&per_page=2>; rel=\"next\""));
    cJSON_Delete(j);
    h_resp_free(&r);

    call("GET", path, SERVICE, SERVICE, true, NULL, &r);
    j = expect(&r, 200);
    assert_string_equal(str(j, "email"), "user1@example.com");
    cJSON_Delete(j);
    h_resp_free(&r);
    call("DELETE", path, SERVICE, SERVICE, true, "{\"should_soft_delete\":false}", &r);
    j = expect(&r, 200);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
    h_resp_free(&r);
    call("GET", path, SERVICE, SERVICE, false, NULL, &r);
    j = expect(&r, 404);
    assert_string_equal(str(j, "error_code"), "user_not_found");
    cJSON_Delete(j);
    h_resp_free(&r);
}

/* The same failure in the legacy and the 2024-01-01 format, and the gateway's refusals. */
static void test_error_formats(void **state)
{
    struct h_resp r;
    cJSON *claims = cJSON_CreateObject();
    char *expired = NULL;
    cJSON *j;

    (void)state; /* shared fake */
    call("POST", "/auth/v1/token?grant_type=password", ANON, ANON, false,
         "{\"email\":\"alice@example.com\",\"password\":\"wrong-pass\"}", &r);
    cJSON_Delete(expect(&r, 400));
    assert_string_equal(r.body, "{\"code\":400,\"error_code\":\"invalid_credentials\","
                                "\"msg\":\"Invalid login credentials\"}");
    assert_null(h_resp_header(&r, "X-Supabase-Api-Version"));
    h_resp_free(&r);

    call("GET", "/auth/v1/user", ANON, NULL, true, NULL, &r);
    j = expect(&r, 401);
    assert_string_equal(str(j, "code"), "no_authorization");
    cJSON_Delete(j);
    h_resp_free(&r);

    cJSON_AddStringToObject(claims, "sub", UID);
    cJSON_AddStringToObject(claims, "role", "authenticated");
    cJSON_AddNumberToObject(claims, "exp", (double)(time(NULL) - 60));
    expired = fk_jwt_sign(claims, SECRET, true);
    cJSON_Delete(claims);
    call("GET", "/auth/v1/user", ANON, expired, true, NULL, &r);
    j = expect(&r, 403);
    assert_string_equal(str(j, "code"), "bad_jwt");
    assert_non_null(strstr(str(j, "message"), "token is expired"));
    cJSON_Delete(j);
    h_resp_free(&r);
    free(expired);

    call("GET", "/auth/v1/user", NULL, NULL, true, NULL, &r);
    j = expect(&r, 401);
    assert_string_equal(str(j, "message"), "No API key found in request");
    cJSON_Delete(j);
    h_resp_free(&r);
    call("GET", "/auth/v1/user", "not-a-key", NULL, true, NULL, &r);
    j = expect(&r, 401);
    assert_string_equal(str(j, "message"), "Invalid API key");
    cJSON_Delete(j);
    h_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_keys_endpoint, reset_each),
        cmocka_unit_test_setup(test_sign_in_get_user, reset_each),
        cmocka_unit_test_setup(test_refresh_rotation_and_reuse, reset_each),
        cmocka_unit_test_setup(test_logout_revokes_session, reset_each),
        cmocka_unit_test_setup(test_admin_users, reset_each),
        cmocka_unit_test_setup(test_error_formats, reset_each),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
