/* test_sb_auth_flow.c: the /auth/v1 handlers end to end, without a socket.
 *
 * Requests are built as struct fk_req, routed through sb_auth_routes and run against an
 * in-memory store, so session rotation, logout and the admin API are checked step by step
 * with exact statuses and error codes (docs/reference/supabase.md section 4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_supabase/gotrue_int.h"
#include "fakekit/clock.h"
#include "fakekit/jwt.h"

#define UID "8f1b8a4e-3f43-4a39-9c0e-2d1c2d6f0a11"

struct call {
    struct fk_resp resp;
    cJSON *json;
};

static struct fk_store *st;

/* Run one request: bearer NULL means none, "" means the anon key as Bearer. */
static void run(struct call *c, const char *method, const char *path, const char *query,
                const char *bearer, bool v2024, const char *body)
{
    struct fk_kv h[4];
    struct fk_req req = {.method = method, .path = path, .query = query, .body = body ? body : ""};
    struct fk_kv *args = NULL;
    char auth[2048], scratch[256];
    const struct fk_route *r = NULL;
    bool known = false;

    req.body_len = strlen(req.body);
    h[req.nheaders++] = (struct fk_kv){"apikey", sb_anon_key()};
    h[req.nheaders++] = (struct fk_kv){"Host", "127.0.0.1:54321"};
    if (bearer != NULL) {
        snprintf(auth, sizeof auth, "Bearer %s", bearer[0] != '\0' ? bearer : sb_anon_key());
        h[req.nheaders++] = (struct fk_kv){"Authorization", auth};
    }
    if (v2024)
        h[req.nheaders++] = (struct fk_kv){"X-Supabase-Api-Version", "2024-01-01"};
    req.headers = h;
    assert_int_equal(fk_form_decode(query, strlen(query), 100, &args, &req.nargs), 0);
    req.args = args;
    req.store = st;
    r = fk_route_find(sb_auth_routes, sb_auth_nroutes, &req, scratch, sizeof scratch, &known);
    if (r == NULL)
        fail_msg("no route for %s %s", method, path);
    fk_resp_init(&c->resp);
    assert_int_equal(r->fn(&req, &c->resp), 0);
    c->json = c->resp.body != NULL ? cJSON_ParseWithLength(c->resp.body, c->resp.body_len) : NULL;
    free(args);
}

static void done(struct call *c)
{
    cJSON_Delete(c->json);
    fk_resp_cleanup(&c->resp);
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "(missing)";
}

/* Check status and the error code in either body format. */
static void expect_error(struct call *c, unsigned status, const char *code)
{
    if (c->resp.status != status)
        fail_msg("status %u, want %u: %s", c->resp.status, status,
                 c->resp.body ? c->resp.body : "");
    if (fk_resp_get_header(&c->resp, "X-Supabase-Api-Version") != NULL)
        assert_string_equal(str(c->json, "code"), code);
    else
        assert_string_equal(str(c->json, "error_code"), code);
}

static int setup(void **state)
{
    struct fk_error err = {{0}};
    cJSON *users =
        cJSON_Parse("[{\"id\":\"" UID "\",\"email\":\"alice@example.com\","
                    "\"password\":\"pw123456\",\"user_metadata\":{\"name\":\"Alice\"}}]");
    int rc;

    (void)state; /* the store is file-static */
    if (sb_auth_init(&err) != 0 || fk_store_open(":memory:", sb_auth_schema_sql, &st, &err) != 0)
        return -1;
    rc = sb_auth_load_users(st, users, "users", &err);
    cJSON_Delete(users);
    return rc;
}

static int teardown(void **state)
{
    (void)state; /* the store is file-static */
    fk_store_close(st);
    st = NULL;
    sb_auth_fini();
    return 0;
}

/* Sign alice in; copies the tokens. */
static void sign_in(char *access, size_t alen, char *refresh, size_t rlen)
{
    struct call c;

    run(&c, "POST", "/auth/v1/token", "grant_type=password", "", true,
        "{\"email\":\"Alice@Example.com\",\"password\":\"pw123456\",\"gotrue_meta_security\":{}}");
    assert_int_equal(c.resp.status, 200);
    snprintf(access, alen, "%s", str(c.json, "access_token"));
    snprintf(refresh, rlen, "%s", str(c.json, "refresh_token"));
    done(&c);
}

static void test_sign_in_and_claims(void **state)
{
    struct call c;
    cJSON *claims = NULL;
    const cJSON *amr;

    (void)state; /* shared store */
    run(&c, "POST", "/auth/v1/token", "grant_type=password", "", false,
        "{\"email\":\"alice@example.com\",\"password\":\"nope\"}");
    expect_error(&c, 400, "invalid_credentials");
    assert_string_equal(c.resp.body, "{\"code\":400,\"error_code\":\"invalid_credentials\","
                                     "\"msg\":\"Invalid login credentials\"}");
    done(&c);
    run(&c, "POST", "/auth/v1/token", "grant_type=password", "", true,
        "{\"email\":\"nobody@example.com\",\"password\":\"pw123456\"}");
    expect_error(&c, 400, "invalid_credentials");
    done(&c);

    run(&c, "POST", "/auth/v1/token", "grant_type=password", "", true,
        "{\"email\":\"alice@example.com\",\"password\":\"pw123456\"}");
    assert_int_equal(c.resp.status, 200);
    assert_string_equal(str(c.json, "token_type"), "bearer");
    assert_int_equal(cJSON_GetObjectItem(c.json, "expires_in")->valueint, 3600);
    assert_int_equal(strlen(str(c.json, "refresh_token")), SB_REFRESH_LEN);
    assert_string_equal(str(cJSON_GetObjectItem(c.json, "user"), "id"), UID);
    assert_int_equal(fk_jwt_verify(str(c.json, "access_token"), SB_DEFAULT_SECRET,
                                   fk_now_us() / 1000000, 0, true, &claims),
                     FK_JWT_OK);
    assert_string_equal(str(claims, "sub"), UID);
    assert_string_equal(str(claims, "role"), "authenticated");
    assert_string_equal(str(claims, "aud"), "authenticated");
    assert_string_equal(str(claims, "aal"), "aal1");
    assert_string_equal(str(claims, "email"), "alice@example.com");
    assert_string_equal(str(claims, "iss"), "http://127.0.0.1:54321/auth/v1");
    assert_string_equal(str(cJSON_GetObjectItem(claims, "user_metadata"), "name"), "Alice");
    assert_int_equal(strlen(str(claims, "session_id")), 36);
    amr = cJSON_GetArrayItem(cJSON_GetObjectItem(claims, "amr"), 0);
    assert_string_equal(str(amr, "method"), "password");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(claims, "is_anonymous")));
    cJSON_Delete(claims);
    done(&c);
}

static void test_get_user(void **state)
{
    char access[2048], refresh[64];
    struct call c;

    (void)state; /* shared store */
    sign_in(access, sizeof access, refresh, sizeof refresh);
    run(&c, "GET", "/auth/v1/user", "", access, true, NULL);
    assert_int_equal(c.resp.status, 200);
    assert_string_equal(str(c.json, "id"), UID);
    assert_string_equal(str(c.json, "aud"), "authenticated");
    assert_string_equal(
        str(cJSON_GetArrayItem(cJSON_GetObjectItem(c.json, "identities"), 0), "provider"), "email");
    assert_string_equal(fk_resp_get_header(&c.resp, "X-Supabase-Api-Version"), "2024-01-01");
    done(&c);
    run(&c, "GET", "/auth/v1/user", "", NULL, true, NULL);
    expect_error(&c, 401, "no_authorization");
    done(&c);
    run(&c, "GET", "/auth/v1/user", "", "", true, NULL); /* anon key: no sub */
    expect_error(&c, 403, "bad_jwt");
    assert_string_equal(str(c.json, "message"), "invalid claim: missing sub claim");
    done(&c);
    run(&c, "GET", "/auth/v1/user", "", "garbage", false, NULL);
    expect_error(&c, 403, "bad_jwt");
    done(&c);
}

static void test_refresh_rotation_and_logout(void **state)
{
    char access[2048], refresh[64], access2[2048], refresh2[64];
    char body[128];
    struct call c;

    (void)state; /* shared store */
    sign_in(access, sizeof access, refresh, sizeof refresh);
    snprintf(body, sizeof body, "{\"refresh_token\":\"%s\"}", refresh);
    run(&c, "POST", "/auth/v1/token", "grant_type=refresh_token", "", true, body);
    assert_int_equal(c.resp.status, 200);
    snprintf(access2, sizeof access2, "%s", str(c.json, "access_token"));
    snprintf(refresh2, sizeof refresh2, "%s", str(c.json, "refresh_token"));
    assert_string_not_equal(refresh, refresh2);
    done(&c);
    run(&c, "POST", "/auth/v1/token", "grant_type=refresh_token", "", true, body);
    expect_error(&c, 400, "refresh_token_already_used");
    assert_string_equal(str(c.json, "message"), "Invalid Refresh Token: Already Used");
    done(&c);
    run(&c, "POST", "/auth/v1/token", "grant_type=refresh_token", "", true,
        "{\"refresh_token\":\"unknown123\"}");
    expect_error(&c, 400, "refresh_token_not_found");
    done(&c);

    run(&c, "POST", "/auth/v1/logout", "scope=global", access2, true, NULL);
    assert_int_equal(c.resp.status, 204);
    assert_null(c.resp.body);
    done(&c);
    run(&c, "GET", "/auth/v1/user", "", access2, true, NULL);
    expect_error(&c, 403, "session_not_found");
    done(&c);
    snprintf(body, sizeof body, "{\"refresh_token\":\"%s\"}", refresh2);
    run(&c, "POST", "/auth/v1/token", "grant_type=refresh_token", "", true, body);
    expect_error(&c, 400, "refresh_token_not_found");
    done(&c);
}

static void test_signup(void **state)
{
    struct call c;

    (void)state; /* shared store */
    run(&c, "POST", "/auth/v1/signup", "", "", true,
        "{\"email\":\"new@example.com\",\"password\":\"pw123456\",\"data\":{\"n\":1}}");
    assert_int_equal(c.resp.status, 200);
    assert_true(strlen(str(c.json, "access_token")) > 20);
    assert_int_equal(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(c.json, "user"), "user_metadata"), "n")
            ->valueint,
        1);
    done(&c);
    run(&c, "POST", "/auth/v1/signup", "", "", true,
        "{\"email\":\"NEW@example.com\",\"password\":\"pw123456\"}");
    expect_error(&c, 422, "user_already_exists");
    done(&c);
    run(&c, "POST", "/auth/v1/signup", "", "", false,
        "{\"email\":\"short@example.com\",\"password\":\"abc\"}");
    expect_error(&c, 422, "weak_password");
    assert_non_null(strstr(c.resp.body, "\"reasons\":[\"length\"]"));
    done(&c);
}

static void test_admin(void **state)
{
    char path[128], access[2048], refresh[64];
    const char *svc = sb_service_key();
    struct call c;
    const char *link;

    (void)state; /* shared store; runs last: it deletes users */
    run(&c, "GET", "/auth/v1/admin/users", "", "", true, NULL);
    expect_error(&c, 403, "not_admin");
    assert_string_equal(str(c.json, "message"), "User not allowed");
    done(&c);
    run(&c, "POST", "/auth/v1/admin/users", "", svc, true,
        "{\"email\":\"bob@example.com\",\"password\":\"pw123456\",\"email_confirm\":true,"
        "\"user_metadata\":{\"a\":1}}");
    assert_int_equal(c.resp.status, 200);
    assert_non_null(cJSON_GetObjectItem(c.json, "email_confirmed_at"));
    snprintf(path, sizeof path, "/auth/v1/admin/users/%s", str(c.json, "id"));
    done(&c);
    run(&c, "POST", "/auth/v1/admin/users", "", svc, true,
        "{\"email\":\"bob@example.com\",\"password\":\"pw123456\"}");
    expect_error(&c, 422, "email_exists");
    done(&c);
    run(&c, "POST", "/auth/v1/admin/users", "", svc, true,
        "{\"email\":\"carl@example.com\",\"password\":\"12\"}");
    expect_error(&c, 422, "weak_password");
    done(&c);

    /* alice, new@ (signup) and bob: 3 users, newest first */
    run(&c, "GET", "/auth/v1/admin/users", "page=1&per_page=2", svc, true, NULL);
    assert_int_equal(c.resp.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(c.json, "users")), 2);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(c.json, "users"), 0), "email"),
                        "bob@example.com");
    assert_string_equal(str(c.json, "aud"), "authenticated");
    assert_string_equal(fk_resp_get_header(&c.resp, "X-Total-Count"), "3");
    link = fk_resp_get_header(&c.resp, "Link");
    assert_string_equal(link, "</admin/users?page=2&per_page=2>; rel=\"next\", "
                              "</admin/users?page=2&per_page=2>; rel=\"last\"");
    done(&c);
    run(&c, "GET", "/auth/v1/admin/users", "page=&per_page=", svc, true, NULL);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(c.json, "users")), 3);
    assert_string_equal(fk_resp_get_header(&c.resp, "Link"),
                        "</admin/users?page=1&per_page=50>; rel=\"last\"");
    done(&c);

    run(&c, "GET", path, "", svc, true, NULL);
    assert_int_equal(c.resp.status, 200);
    assert_string_equal(str(c.json, "email"), "bob@example.com");
    done(&c);
    run(&c, "PUT", path, "", svc, true, "{\"user_metadata\":{\"b\":2}}");
    assert_int_equal(c.resp.status, 200);
    assert_int_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(c.json, "user_metadata"), "a")->valueint, 1);
    done(&c);
    run(&c, "DELETE", path, "", svc, true, "{\"should_soft_delete\":false}");
    assert_int_equal(c.resp.status, 200);
    assert_string_equal(c.resp.body, "{}");
    done(&c);
    run(&c, "GET", path, "", svc, false, NULL);
    expect_error(&c, 404, "user_not_found");
    assert_string_equal(str(c.json, "msg"), "User not found");
    done(&c);

    /* a deleted user's token stops working */
    sign_in(access, sizeof access, refresh, sizeof refresh);
    run(&c, "DELETE", "/auth/v1/admin/users/" UID, "", svc, true, NULL);
    assert_int_equal(c.resp.status, 200);
    done(&c);
    run(&c, "GET", "/auth/v1/user", "", access, true, NULL);
    expect_error(&c, 403, "user_not_found");
    done(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_in_and_claims),
        cmocka_unit_test(test_get_user),
        cmocka_unit_test(test_refresh_rotation_and_logout),
        cmocka_unit_test(test_signup),
        cmocka_unit_test(test_admin),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
