/* test_sb_auth.c: fake_supabase's keys, password hashes, caller decisions and error bodies.
 *
 * The anon/service_role keys must equal the Supabase CLI's published strings byte for byte
 * (docs/reference/supabase.md section 5); sb_authorize must pick the role, or the gateway's /
 * PostgREST's / GoTrue's exact refusal, for every mix of apikey and Bearer token. */
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

#define CLI_ANON                                                                                   \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9."                    \
    "CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
#define CLI_SERVICE                                                                                \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0."         \
    "EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"

static int setup_keys(void **state)
{
    struct fk_error err = {{0}};

    (void)state; /* the keys are process-wide */
    return sb_auth_init(&err);
}

static int teardown_keys(void **state)
{
    (void)state; /* the keys are process-wide */
    sb_auth_fini();
    return 0;
}

/* ---- passwords ---- */

static void test_password_roundtrip(void **state)
{
    static const char *const pw[] = {"secret123", "", "pässwörd", "a very long passphrase ok"};

    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof pw / sizeof pw[0]; i++) {
        char *h = sb_password_hash(pw[i]);
        assert_non_null(h);
        assert_null(strstr(h, pw[i][0] != '\0' ? pw[i] : "\x01")); /* never plain */
        assert_true(strncmp(h, "pbkdf2-sha256$10000$", 20) == 0);
        assert_true(sb_password_verify(pw[i], h));
        assert_false(sb_password_verify("wrong", h));
        free(h);
    }
}

static void test_password_salted(void **state)
{
    char *a = sb_password_hash("same-password");
    char *b = sb_password_hash("same-password");

    (void)state; /* no fixture */
    assert_non_null(a);
    assert_non_null(b);
    assert_string_not_equal(a, b);
    assert_true(sb_password_verify("same-password", b));
    free(a);
    free(b);
}

static void test_password_malformed_stored(void **state)
{
    static const char *const bad[] = {
        "secret123",
        "pbkdf2-sha256$",
        "pbkdf2-sha256$x$AAAA$AAAA",
        "pbkdf2-sha256$0$AAAA$AAAA",
        "pbkdf2-sha256$10$AAAA",
        "pbkdf2-sha256$10$$AAAA",
        "pbkdf2-sha256$10$AAAA$AAAA", /* hash of the wrong length */
        "sha1$10$AAAA$AAAA",
    };

    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (sb_password_verify("secret123", bad[i]))
            fail_msg("accepted stored value %s", bad[i]);
    assert_false(sb_password_verify(NULL, "x"));
    assert_false(sb_password_verify("x", NULL));
}

/* ---- keys ---- */

static void test_cli_keys(void **state)
{
    cJSON *k = NULL;

    (void)state; /* default secret from setup */
    assert_string_equal(sb_anon_key(), CLI_ANON);
    assert_string_equal(sb_service_key(), CLI_SERVICE);
    k = sb_keys_json();
    assert_non_null(k);
    assert_string_equal(cJSON_GetObjectItem(k, "anon_key")->valuestring, CLI_ANON);
    assert_string_equal(cJSON_GetObjectItem(k, "service_role_key")->valuestring, CLI_SERVICE);
    assert_string_equal(cJSON_GetObjectItem(k, "jwt_secret")->valuestring, SB_DEFAULT_SECRET);
    cJSON_Delete(k);
}

static void test_keys_other_secret(void **state)
{
    static const char *const argv[] = {"prog", "--jwt-secret", "another-secret-of-32-characters!!"};
    const struct fk_option *tables[] = {sb_auth_options, NULL};
    struct fk_error err = {{0}};
    bool help = false, version = false;
    cJSON *claims = NULL;

    (void)state; /* restores the default secret at the end */
    assert_int_equal(fk_config_parse(tables, 3, (char **)argv, &help, &version, &err), 0);
    assert_int_equal(sb_auth_init(&err), 0);
    assert_string_not_equal(sb_anon_key(), CLI_ANON);
    assert_int_equal(fk_jwt_verify(sb_service_key(), "another-secret-of-32-characters!!",
                                   fk_now_us() / 1000000, 0, true, &claims),
                     FK_JWT_OK);
    assert_string_equal(cJSON_GetObjectItem(claims, "role")->valuestring, "service_role");
    assert_string_equal(cJSON_GetObjectItem(claims, "iss")->valuestring, "supabase-demo");
    assert_int_equal(cJSON_GetObjectItem(claims, "exp")->valuedouble, 1983812996);
    cJSON_Delete(claims);

    static const char *const back[] = {"prog", "--jwt-secret", SB_DEFAULT_SECRET};
    assert_int_equal(fk_config_parse(tables, 3, (char **)back, &help, &version, &err), 0);
    assert_int_equal(sb_auth_init(&err), 0);
    assert_string_equal(sb_anon_key(), CLI_ANON);
}

/* ---- sb_authorize ---- */

enum tok {
    T_NONE,
    T_ANON,
    T_SERVICE,
    T_USER,
    T_EXPIRED,
    T_TAMPERED,
    T_GARBAGE,
    T_OTHER_SECRET,
};

static char *make_token(enum tok t)
{
    cJSON *c = cJSON_CreateObject();
    long long now = fk_now_us() / 1000000;
    char *tok = NULL;

    switch (t) {
    case T_NONE:
        break;
    case T_ANON:
        tok = strdup(CLI_ANON);
        break;
    case T_SERVICE:
        tok = strdup(CLI_SERVICE);
        break;
    case T_GARBAGE:
        tok = strdup("not-a-jwt");
        break;
    case T_USER:
    case T_EXPIRED:
    case T_TAMPERED:
    case T_OTHER_SECRET:
        cJSON_AddStringToObject(c, "sub", "11111111-2222-4333-8444-555555555555");
        cJSON_AddStringToObject(c, "role", "authenticated");
        cJSON_AddNumberToObject(c, "exp", (double)(t == T_EXPIRED ? now - 10 : now + 3600));
        tok = fk_jwt_sign(c, t == T_OTHER_SECRET ? "some-other-secret" : SB_DEFAULT_SECRET, true);
        if (t == T_TAMPERED)
            tok[strlen(tok) - 2] = tok[strlen(tok) - 2] == 'A' ? 'B' : 'A';
        break;
    }
    cJSON_Delete(c);
    return tok;
}

static const struct {
    const char *name;
    enum tok apikey, bearer;
    bool for_rest;
    int rc;
    enum sb_role role;
    bool has_sub;
    unsigned status;
    const char *body_has; /* substring of the error body */
    const char *www;      /* substring of WWW-Authenticate, if any */
} authz[] = {
    {"anon key only", T_ANON, T_NONE, true, 0, SB_ROLE_ANON, false, 0, NULL, NULL},
    {"service key only", T_SERVICE, T_NONE, true, 0, SB_ROLE_SERVICE, false, 0, NULL, NULL},
    {"anon key, service bearer", T_ANON, T_SERVICE, true, 0, SB_ROLE_SERVICE, false, 0, NULL, NULL},
    {"service key, anon bearer", T_SERVICE, T_ANON, true, 0, SB_ROLE_ANON, false, 0, NULL, NULL},
    {"user bearer", T_ANON, T_USER, true, 0, SB_ROLE_AUTHENTICATED, true, 0, NULL, NULL},
    {"user bearer gotrue", T_ANON, T_USER, false, 0, SB_ROLE_AUTHENTICATED, true, 0, NULL, NULL},
    {"missing apikey", T_NONE, T_SERVICE, true, FK_ANSWERED, 0, false, 401,
     "\"message\":\"No API key found in request\",\"hint\":\"No 'apikey' request header or url "
     "param was found.\"",
     NULL},
    {"garbage apikey", T_GARBAGE, T_NONE, false, FK_ANSWERED, 0, false, 401,
     "{\"message\":\"Invalid API key\",\"hint\":\"Double check your API key.\"}", NULL},
    {"user token as apikey", T_USER, T_NONE, true, FK_ANSWERED, 0, false, 401, "Invalid API key",
     NULL},
    {"apikey other secret", T_OTHER_SECRET, T_NONE, true, FK_ANSWERED, 0, false, 401,
     "Invalid API key", NULL},
    {"expired bearer rest", T_ANON, T_EXPIRED, true, FK_ANSWERED, 0, false, 401,
     "\"code\":\"PGRST303\",\"details\":null,\"hint\":null,\"message\":\"JWT expired\"",
     "error_description=\"JWT expired\""},
    {"tampered bearer rest", T_ANON, T_TAMPERED, true, FK_ANSWERED, 0, false, 401,
     "\"code\":\"PGRST301\"", "Bearer error=\"invalid_token\""},
    {"garbage bearer rest", T_ANON, T_GARBAGE, true, FK_ANSWERED, 0, false, 401,
     "\"message\":\"Expected 3 parts in JWT; got 1\"", "invalid_token"},
    {"other-secret bearer rest", T_ANON, T_OTHER_SECRET, true, FK_ANSWERED, 0, false, 401,
     "No suitable key or wrong key type", "invalid_token"},
    {"expired bearer gotrue", T_ANON, T_EXPIRED, false, FK_ANSWERED, 0, false, 403,
     "{\"code\":403,\"error_code\":\"bad_jwt\",\"msg\":\"invalid JWT: unable to parse or verify "
     "signature, token has invalid claims: token is expired\"}",
     NULL},
    {"garbage bearer gotrue", T_ANON, T_GARBAGE, false, FK_ANSWERED, 0, false, 403,
     "token contains an invalid number of segments", NULL},
};

static void test_authorize(void **state)
{
    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof authz / sizeof authz[0]; i++) {
        char *key = make_token(authz[i].apikey);
        char *bearer = make_token(authz[i].bearer);
        char auth[2048];
        struct fk_kv h[2];
        struct fk_req req = {.method = "GET", .path = "/rest/v1/t", .query = "", .body = ""};
        struct fk_resp resp;
        struct sb_caller who;
        int rc;

        if (key != NULL)
            h[req.nheaders++] = (struct fk_kv){"apikey", key};
        if (bearer != NULL) {
            snprintf(auth, sizeof auth, "Bearer %s", bearer);
            h[req.nheaders++] = (struct fk_kv){"Authorization", auth};
        }
        req.headers = h;
        fk_resp_init(&resp);
        rc = sb_authorize(&req, &resp, authz[i].for_rest, &who);
        if (rc != authz[i].rc)
            fail_msg("%s: rc %d, want %d (%s)", authz[i].name, rc, authz[i].rc,
                     resp.body ? resp.body : "");
        if (rc == 0) {
            if (who.role != authz[i].role)
                fail_msg("%s: role %d, want %d", authz[i].name, who.role, authz[i].role);
            if (authz[i].has_sub)
                assert_string_equal(who.sub, "11111111-2222-4333-8444-555555555555");
            else
                assert_string_equal(who.sub, "");
            assert_int_equal(resp.status, 0);
        } else {
            if (resp.status != authz[i].status || resp.body == NULL ||
                strstr(resp.body, authz[i].body_has) == NULL)
                fail_msg("%s: got %u %s", authz[i].name, resp.status,
                         resp.body ? resp.body : "(no body)");
            if (authz[i].www != NULL) {
                const char *w = fk_resp_get_header(&resp, "WWW-Authenticate");
                if (w == NULL || strstr(w, authz[i].www) == NULL)
                    fail_msg("%s: WWW-Authenticate %s", authz[i].name, w ? w : "(none)");
            }
        }
        fk_resp_cleanup(&resp);
        free(key);
        free(bearer);
    }
}

/* ---- error formats ---- */

static void test_error_formats(void **state)
{
    struct fk_kv h[] = {{"X-Supabase-Api-Version", "2024-01-01"}};
    struct fk_req legacy = {.method = "GET", .path = "/auth/v1/user", .query = "", .body = ""};
    struct fk_req v2024 = legacy;
    struct fk_resp r;

    (void)state; /* no fixture */
    v2024.headers = h;
    v2024.nheaders = 1;
    fk_resp_init(&r);
    assert_int_equal(
        sb_gotrue_error(&legacy, &r, 400, "invalid_credentials", "Invalid login credentials", NULL),
        0);
    assert_int_equal(r.status, 400);
    assert_string_equal(
        r.body, "{\"code\":400,\"error_code\":\"invalid_credentials\",\"msg\":\"Invalid login "
                "credentials\"}");
    assert_null(fk_resp_get_header(&r, "X-Supabase-Api-Version"));
    fk_resp_cleanup(&r);

    fk_resp_init(&r);
    assert_int_equal(
        sb_gotrue_error(&v2024, &r, 400, "invalid_credentials", "Invalid login credentials", NULL),
        0);
    assert_string_equal(r.body, "{\"code\":\"invalid_credentials\",\"message\":\"Invalid login "
                                "credentials\"}");
    assert_string_equal(fk_resp_get_header(&r, "X-Supabase-Api-Version"), "2024-01-01");
    fk_resp_cleanup(&r);

    fk_resp_init(&r);
    assert_int_equal(sb_weak_password(&v2024, &r), 0);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.body, "\"code\":\"weak_password\""));
    assert_non_null(strstr(r.body, "\"weak_password\":{\"reasons\":[\"length\"]"));
    fk_resp_cleanup(&r);
}

/* ---- users in a store ---- */

static void test_load_and_dump_users(void **state)
{
    static const struct {
        const char *doc;
        int rc;
        const char *msg;
    } cases[] = {
        {"[{\"id\":\"u-1\",\"email\":\"A@Example.com\",\"password\":\"pw123456\","
         "\"user_metadata\":{\"name\":\"A\"}}]",
         0, NULL},
        {"[{\"email\":\"a@example.com\",\"password\":\"x\"}]", FK_ECONFLICT,
         "state.users[0]: A user with this email address has already been registered"},
        {"[{\"email\":\"b@example.com\",\"nope\":1}]", FK_EINVAL, "state.users[0].nope"},
        {"[{\"email\":\"c@example.com\"},{\"email\":7}]", FK_EINVAL, "state.users[1].email"},
        {"[{\"password\":\"pw123456\"}]", FK_EINVAL, "state.users[0]: a user needs an email"},
        {"{}", FK_EINVAL, "state.users: expected an array"},
    };
    struct fk_store *st = NULL;
    struct fk_error err = {{0}};
    char id[SB_ID_MAX], *hash = NULL, *text = NULL;
    bool confirmed = false;
    cJSON *dump = NULL;

    (void)state; /* table-driven over one store */
    assert_int_equal(fk_store_open(":memory:", sb_auth_schema_sql, &st, &err), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *doc = cJSON_Parse(cases[i].doc);
        int rc;
        memset(&err, 0, sizeof err);
        rc = sb_auth_load_users(st, doc, "state.users", &err);
        cJSON_Delete(doc);
        if (rc != cases[i].rc || (cases[i].msg && strstr(err.msg, cases[i].msg) == NULL))
            fail_msg("case %zu: rc %d msg '%s'", i, rc, err.msg);
    }
    assert_int_equal(sb_user_find(st, "a@EXAMPLE.com", NULL, id, &hash, &confirmed), 0);
    assert_string_equal(id, "u-1");
    assert_true(confirmed);
    assert_true(sb_password_verify("pw123456", hash));
    free(hash);
    dump = sb_auth_dump_users(st);
    text = cJSON_PrintUnformatted(dump);
    assert_non_null(strstr(text, "\"email\":\"a@example.com\""));
    assert_non_null(strstr(text, "\"user_metadata\":{\"name\":\"A\"}"));
    assert_non_null(strstr(text, "\"providers\":[\"email\"]"));
    assert_null(strstr(text, "pbkdf2"));
    assert_null(strstr(text, "pw123456"));
    /* the fourth case's first user was added before its second failed (the caller's
     * transaction undoes it in the real server) */
    assert_int_equal(cJSON_GetArraySize(dump), 2);
    cJSON_free(text);
    cJSON_Delete(dump);
    fk_store_close(st);
}

static void test_update_merges_metadata(void **state)
{
    struct fk_store *st = NULL;
    struct fk_error err = {{0}};
    cJSON *users = cJSON_Parse("[{\"id\":\"u1\",\"email\":\"u1@x.io\",\"password\":\"old-pass\","
                               "\"user_metadata\":{\"a\":1,\"b\":2}},"
                               "{\"id\":\"u2\",\"email\":\"u2@x.io\"}]");
    cJSON *upd = cJSON_Parse("{\"user_metadata\":{\"b\":null,\"c\":3},\"password\":\"new-pass\"}");
    cJSON *clash = cJSON_Parse("{\"email\":\"U2@x.io\"}");
    cJSON *u = NULL;
    char id[SB_ID_MAX], *hash = NULL, *text = NULL;

    (void)state; /* one store */
    assert_int_equal(fk_store_open(":memory:", sb_auth_schema_sql, &st, &err), 0);
    assert_int_equal(sb_auth_load_users(st, users, "users", &err), 0);
    assert_int_equal(sb_user_update(st, "u1", upd, &err), 0);
    u = sb_user_json(st, "u1");
    text = cJSON_PrintUnformatted(cJSON_GetObjectItem(u, "user_metadata"));
    assert_string_equal(text, "{\"a\":1,\"c\":3}");
    assert_int_equal(sb_user_find(st, "u1@x.io", NULL, id, &hash, NULL), 0);
    assert_true(sb_password_verify("new-pass", hash));
    assert_int_equal(sb_user_update(st, "u1", clash, &err), FK_EEXIST);
    assert_int_equal(sb_user_update(st, "nobody", upd, &err), FK_ENOTFOUND);
    assert_int_equal(sb_user_delete(st, "u2"), 0);
    assert_int_equal(sb_user_delete(st, "u2"), FK_ENOTFOUND);
    assert_false(sb_user_exists(st, "u2"));
    free(hash);
    cJSON_free(text);
    cJSON_Delete(u);
    cJSON_Delete(users);
    cJSON_Delete(upd);
    cJSON_Delete(clash);
    fk_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_roundtrip),
        cmocka_unit_test(test_password_salted),
        cmocka_unit_test(test_password_malformed_stored),
        cmocka_unit_test(test_cli_keys),
        cmocka_unit_test(test_keys_other_secret),
        cmocka_unit_test(test_authorize),
        cmocka_unit_test(test_error_formats),
        cmocka_unit_test(test_load_and_dump_users),
        cmocka_unit_test(test_update_merges_metadata),
    };
    return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
