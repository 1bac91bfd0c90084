/* test_http.c: form and query decoding, request accessors, response builders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/http.h"

static void test_form_decoding(void **state)
{
    static const struct {
        const char *in;
        size_t n;
        const char *k0, *v0, *k1, *v1;
    } cases[] = {
        {"PhoneNumber=%2B15005550006", 1, "PhoneNumber", "+15005550006", NULL, NULL},
        {"a=1&b=two+words", 2, "a", "1", "b", "two words"},
        {"a=%20x%2b&&b", 2, "a", " x+", "b", ""},
        {"", 0, NULL, NULL, NULL, NULL},
        {"&&&", 0, NULL, NULL, NULL, NULL},
        {"k%3Dx=v%26y", 1, "k=x", "v&y", NULL, NULL},
        {"bad=%zz%", 1, "bad", "%zz%", NULL, NULL},
        {"FriendlyName=prov%3Ajob-1&VoiceUrl=http%3A%2F%2Fx", 2, "FriendlyName", "prov:job-1",
         "VoiceUrl", "http://x"},
    };

    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fk_kv *kv = NULL;
        size_t n = 99;
        assert_int_equal(fk_form_decode(cases[i].in, strlen(cases[i].in), 100, &kv, &n), 0);
        if (n != cases[i].n)
            fail_msg("'%s': %zu fields, expected %zu", cases[i].in, n, cases[i].n);
        if (n > 0) {
            assert_string_equal(kv[0].key, cases[i].k0);
            assert_string_equal(kv[0].value, cases[i].v0);
        }
        if (n > 1) {
            assert_string_equal(kv[1].key, cases[i].k1);
            assert_string_equal(kv[1].value, cases[i].v1);
        }
        free(kv);
    }
}

static void test_form_field_cap(void **state)
{
    struct fk_kv *kv = NULL;
    size_t n = 0;
    enum { MAX = 1024 * 1024 };
    char *body = malloc(MAX + 1);

    (void)state; /* unused */
    /* Past the cap: an error, never a silent cut (issue 15: the 1,001st field was lost). */
    assert_int_equal(fk_form_decode("a=1&b=2&c=3&d=4", 15, 2, &kv, &n), FK_ERANGE);
    assert_null(kv);
    assert_int_equal(fk_form_decode("a=1&&&b=2&", 10, 2, &kv, &n), 0);
    assert_int_equal(n, 2); /* empty fields are no fields */
    free(kv);
    /* The largest body holds no more fields than FK_MAX_ARGS: its last is read. */
    assert_non_null(body);
    for (size_t i = 0; i < MAX; i += 2)
        memcpy(body + i, "a&", 2);
    body[MAX - 2] = 'z';
    assert_int_equal(fk_form_decode(body, MAX, FK_MAX_ARGS, &kv, &n), 0);
    assert_int_equal(n, MAX / 2);
    assert_string_equal(kv[n - 1].key, "z");
    free(kv);
    free(body);
}

static void test_unescape_never_cuts(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"/rest/v1/profiles%00x", "/rest/v1/profiles%00x"}, /* a NUL would end the path */
        {"password%00x", "password%00x"},
        {"a%2Fb%20c%41", "a/b cA"},
        {"caf%C3%A9", "caf\xc3\xa9"},         /* valid UTF-8 is decoded */
        {"%F0%9F%98%80", "\xf0\x9f\x98\x80"}, /* four bytes */
        {"x%FF", "x%FF"},                     /* never a UTF-8 byte */
        {"x%C3", "x%C3"},                     /* a lead byte alone */
        {"x%C3%28", "x%C3("},                 /* not followed by a continuation */
        {"%C0%AF", "%C0%AF"},                 /* overlong "/" */
        {"%E0%80%AF", "%E0%80%AF"},           /* overlong, three bytes */
        {"%ED%A0%80", "%ED%A0%80"},           /* a surrogate */
        {"%F4%90%80%80", "%F4%90%80%80"},     /* past U+10FFFF */
        {"%80", "%80"},                       /* a continuation alone */
        {"%zz%4", "%zz%4"},                   /* not escapes */
        {"\xc3\xa9", "\xc3\xa9"},             /* raw bytes are left as sent */
    };

    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", cases[i].in);
        assert_int_equal(fk_url_unescape(buf), strlen(cases[i].out));
        assert_string_equal(buf, cases[i].out);
    }
}

static void test_accessors(void **state)
{
    static const struct fk_kv headers[] = {{"content-type", "application/json; charset=UTF-8"},
                                           {"X-Case", "a"}};
    static const struct fk_kv args[] = {{"PageSize", "5"}};
    struct fk_req req = {.headers = headers,
                         .nheaders = 2,
                         .args = args,
                         .nargs = 1,
                         .body = "{\"a\":1}",
                         .body_len = 7};
    struct fk_error err = {{0}};

    (void)state; /* unused */
    assert_string_equal(fk_req_header(&req, "x-case"), "a");
    assert_null(fk_req_header(&req, "missing"));
    assert_true(fk_req_content_type_is(&req, "application/json"));
    assert_false(fk_req_content_type_is(&req, "application/js"));
    assert_string_equal(fk_req_arg(&req, "PageSize"), "5");
    assert_null(fk_req_arg(&req, "pagesize")); /* query names are case-sensitive */
    cJSON *j = fk_req_json(&req, &err);
    assert_non_null(j);
    cJSON_Delete(j);
    req.body = "{\"a\":";
    req.body_len = 5;
    assert_null(fk_req_json(&req, &err));
    assert_non_null(strstr(err.msg, "invalid JSON"));
}

static void test_response_builders(void **state)
{
    struct fk_resp r;

    (void)state; /* unused */
    fk_resp_init(&r);
    assert_int_equal(fk_resp_json(&r, 201, cJSON_CreateObject()), 0);
    assert_int_equal(r.status, 201);
    assert_string_equal(r.body, "{}");
    assert_string_equal(r.content_type, "application/json");
    assert_int_equal(fk_resp_header(&r, "Retry-After", "1"), 0);
    assert_int_equal(fk_resp_header(&r, "retry-after", "2"), 0);
    assert_int_equal(r.nheaders, 1);
    assert_string_equal(fk_resp_get_header(&r, "RETRY-AFTER"), "2");
    assert_int_equal(fk_resp_set(&r, 204, NULL, NULL, 0), 0);
    assert_null(r.body);
    fk_resp_cleanup(&r);
}

static void test_url_encode(void **state)
{
    char *s = fk_url_encode("+1 (415) a/b~");

    (void)state; /* unused */
    assert_string_equal(s, "%2B1%20%28415%29%20a%2Fb~");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_decoding), cmocka_unit_test(test_form_field_cap),
        cmocka_unit_test(test_accessors),     cmocka_unit_test(test_response_builders),
        cmocka_unit_test(test_url_encode),    cmocka_unit_test(test_unescape_never_cuts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
