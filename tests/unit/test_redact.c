/* test_redact.c: what the journal keeps of secrets: the scheme and the caller's identity
 * (Basic user, a JWT's sub/role/iss/exp), never the part that grants access; secret fields of
 * query strings, form and JSON bodies as ***, the rest byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/jwt.h"
#include "fakekit/redact.h"

/* A JWT with these claims (payload as given), signed with "s". */
static char *jwt(const char *payload)
{
    cJSON *claims = cJSON_Parse(payload);
    char *tok;

    assert_non_null(claims);
    tok = fk_jwt_sign(claims, "s", true);
    cJSON_Delete(claims);
    assert_non_null(tok);
    return tok;
}

static void check_header(const char *name, const char *value, const char *want)
{
    bool oom = false;
    char *got = fk_redact_header(name, value, &oom);

    assert_false(oom);
    if (want == NULL) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("%s: %s -> %s, want %s", name, value, got, want);
    free(got);
}

static void test_headers(void **state)
{
    char *user =
        jwt("{\"sub\":\"11111111-1111-4111-8111-111111111111\",\"role\":\"authenticated\","
            "\"iss\":\"http://127.0.0.1/auth/v1\",\"exp\":1983812996,\"email\":\"a@x.io\"}");
    char *anon = jwt("{\"iss\":\"supabase-demo\",\"role\":\"anon\",\"exp\":1983812996}");
    char bearer[1024];

    (void)state; /* no fixture */
    /* ACaaaa...:test-auth-token, as twilio-node sends it */
    check_header("Authorization",
                 "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4=",
                 "Basic ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:***");
    check_header("authorization", "Basic U0sxMjM6c2VjcmV0", "Basic SK123:***"); /* SK123:secret */
    check_header("Authorization", "Basic !!notbase64", "Basic ***");
    check_header("Authorization", "Basic OnB3", "Basic ***"); /* ":pw", no user */
    snprintf(bearer, sizeof(bearer), "Bearer %s", user);
    check_header("Authorization", bearer,
                 "Bearer ***.{\"sub\":\"11111111-1111-4111-8111-111111111111\",\"role\":"
                 "\"authenticated\",\"iss\":\"http://127.0.0.1/auth/v1\",\"exp\":1983812996}.***");
    check_header("apikey", anon,
                 "***.{\"role\":\"anon\",\"iss\":\"supabase-demo\",\"exp\":1983812996}.***");
    check_header("Authorization", "Bearer opaque-refresh-token", "Bearer ***");
    check_header("Authorization", "Digest username=\"x\", response=\"y\"", "Digest ***");
    check_header("Cookie", "sb=abc", "***");
    check_header("X-Auth-Token", "abc", "***");
    check_header("Content-Type", "application/json", NULL);
    check_header("X-Twilio-Client", "node", NULL);
    free(user);
    free(anon);
}

static void check_text(char *(*fn)(const char *, size_t, size_t *, bool *), const char *in,
                       const char *want)
{
    size_t n = 0;
    bool oom = false;
    char *got = fn(in, strlen(in), &n, &oom);

    assert_false(oom);
    if (want == NULL) {
        if (got != NULL)
            fail_msg("%s -> %s, want it kept as is", in, got);
        return;
    }
    if (got == NULL)
        fail_msg("%s kept as is, want %s", in, want);
    if (strcmp(got, want) != 0 || n != strlen(want))
        fail_msg("%s -> %s, want %s", in, got, want);
    free(got);
}

static void test_forms(void **state)
{
    (void)state; /* no fixture */
    check_text(fk_redact_form, "PhoneNumber=%2B15005550006&FriendlyName=x", NULL);
    check_text(fk_redact_form, "Password=hunter2&FriendlyName=x", "Password=***&FriendlyName=x");
    check_text(fk_redact_form,
               "a=1&AuthToken=t&ApiSecret=s&b=", "a=1&AuthToken=***&ApiSecret=***&b=");
    check_text(fk_redact_form, "grant_type=refresh_token&refresh_token=abc",
               "grant_type=refresh_token&refresh_token=***");
    check_text(fk_redact_form, "password=&x", NULL); /* nothing to hide */
    check_text(fk_redact_form, "apikey=eyJ&select=id&", "apikey=***&select=id&");
    check_text(fk_redact_form, "t=1&token=2", "t=1&token=***");
    /* Names are read as the services read them: percent-decoded, '+' a space. */
    check_text(fk_redact_form, "email=a&pass%77ord=hunter2", "email=a&pass%77ord=***");
    check_text(fk_redact_form, "%61pikey=eyJ&select=id", "%61pikey=***&select=id");
    check_text(fk_redact_form, "Auth%54oken=t&x=%70assword", "Auth%54oken=***&x=%70assword");
    check_text(fk_redact_form, "a%=1&b%2=2&c%zz=3", NULL); /* broken escapes stay as sent */
}

static void test_json(void **state)
{
    (void)state; /* no fixture */
    /* the /auth/v1/token?grant_type=password body */
    check_text(fk_redact_json, "{\"email\":\"a@x.io\",\"password\":\"hunter2\"}",
               "{\"email\":\"a@x.io\",\"password\":\"***\"}");
    check_text(fk_redact_json, "{\"email\":\"a@x.io\"}", NULL);
    check_text(fk_redact_json, "{ \"Password\" : \"p\\\"q\" , \"n\": 1.50 }",
               "{ \"Password\" : \"***\" , \"n\": 1.50 }");
    check_text(fk_redact_json,
               "{\"trunk\":{\"name\":\"t\",\"auth_password\":\"x\",\"numbers\":[\"+1\"]}}",
               "{\"trunk\":{\"name\":\"t\",\"auth_password\":\"***\",\"numbers\":[\"+1\"]}}");
    check_text(fk_redact_json, "{\"secrets\":{\"a\":[1,{\"b\":\"}\"}]},\"x\":\"password\"}",
               "{\"secrets\":\"***\",\"x\":\"password\"}");
    check_text(fk_redact_json, "{\"token\":12345,\"k\":true}", "{\"token\":\"***\",\"k\":true}");
    check_text(fk_redact_json, "[\"password\",{\"password\":null}]",
               "[\"password\",{\"password\":\"***\"}]");
    check_text(fk_redact_json, "{\"password\":\"cut sho", "{\"password\":\"***\"");
    check_text(fk_redact_json, "not json password=x", NULL);
    check_text(fk_redact_json, "{\"a\":\"password\",\"b\":[\"token\"]}", NULL);
    /* A key is compared once its escapes are read, as GoTrue (Go's encoding/json) reads it,
     * with Go's folding of U+017F to s and U+212A to k. */
    check_text(fk_redact_json, "{\"pass\\u0077ord\":\"hunter2\"}", "{\"pass\\u0077ord\":\"***\"}");
    check_text(fk_redact_json, "{\"refresh_\\u0074oken\":\"r\"}",
               "{\"refresh_\\u0074oken\":\"***\"}");
    check_text(fk_redact_json, "{\"pa\\u017f\\u017fword\":\"h\"}",
               "{\"pa\\u017f\\u017fword\":\"***\"}");
    check_text(fk_redact_json, "{\"pa\xc5\xbf\xc5\xbfword\":\"h\"}",
               "{\"pa\xc5\xbf\xc5\xbfword\":\"***\"}");
    check_text(fk_redact_json, "{\"\\u0074o\\u006Ben\":1}", "{\"\\u0074o\\u006Ben\":\"***\"}");
    check_text(fk_redact_json, "{\"\\u0074o\\u212aen\":1}", "{\"\\u0074o\\u212aen\":\"***\"}");
    check_text(fk_redact_json, "{\"pass\\u00\":1,\"p\\\\assword\":2}", NULL);
}

/* Whatever the text, the scanner ends and never reads past it. */
static void test_json_hostile(void **state)
{
    static const char *const inputs[] = {
        "{\"password\"",
        "{\"password\":",
        "{\"password\":[",
        "{\"password\":\"\\",
        "}}}]]]{\"token\"::::",
        "\"\\\"\\\"\"",
        "{\"a\":{\"b\":{\"c\":{\"token\":[[[[",
    };
    size_t n;
    bool oom = false;

    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
        free(fk_redact_json(inputs[i], strlen(inputs[i]), &n, &oom));
    char *deep = malloc(200003);
    assert_non_null(deep);
    memset(deep, '[', 100000);
    memcpy(deep + 100000, "{\"token\":1}", 11);
    memset(deep + 100011, ']', 99992);
    char *got = fk_redact_json(deep, 200003, &n, &oom);
    assert_non_null(got); /* as deep as it goes */
    assert_non_null(strstr(got, "{\"token\":\"***\"}"));
    free(got);
    free(deep);
    assert_false(oom);
}

static void test_whole_request(void **state)
{
    static const struct fk_kv headers[] = {
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"Authorization", "Basic U0sxMjM6c2VjcmV0"},
        {"X-Case", "a"},
    };
    static const char body[] = "PhoneNumber=%2B1&Password=p";
    struct fk_req req = {.method = "POST",
                         .path = "/x",
                         .query = "a=1&token=t",
                         .body = body,
                         .body_len = sizeof(body) - 1,
                         .headers = headers,
                         .nheaders = 3};
    struct fk_redacted r;

    (void)state; /* no fixture */
    assert_int_equal(fk_redact_req(&req, 1 << 16, &r), 0);
    assert_string_equal(r.req.headers[0].value, "application/x-www-form-urlencoded");
    assert_string_equal(r.req.headers[1].value, "Basic SK123:***");
    assert_string_equal(r.req.headers[2].value, "a");
    assert_string_equal(r.req.query, "a=1&token=***");
    assert_string_equal(r.req.body, "PhoneNumber=%2B1&Password=***");
    assert_int_equal(r.req.body_len, strlen("PhoneNumber=%2B1&Password=***"));
    assert_string_equal(req.headers[1].value, "Basic U0sxMjM6c2VjcmV0"); /* the request is intact */
    fk_redact_req_free(&r);
    /* GoTrue reads a JSON body whatever its Content-Type: declared a form, it is still JSON. */
    static const char json[] = "{\"email\":\"a@x.io\",\"password\":\"hunter2\"}";
    req.body = json;
    req.body_len = sizeof(json) - 1;
    assert_int_equal(fk_redact_req(&req, 1 << 16, &r), 0);
    assert_string_equal(r.req.body, "{\"email\":\"a@x.io\",\"password\":\"***\"}");
    fk_redact_req_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),       cmocka_unit_test(test_forms),
        cmocka_unit_test(test_json),          cmocka_unit_test(test_json_hostile),
        cmocka_unit_test(test_whole_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
