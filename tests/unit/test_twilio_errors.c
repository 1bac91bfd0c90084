/* test_twilio_errors.c: Twilio error bodies, fault shorthands and native answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_twilio/errors.h"
#include "fakekit/text.h"

/* The body parsed back; checks the four keys and nothing else (no RFC 9457 type/title). */
static void check_body(const struct fk_resp *r, int code, unsigned status, const char *message)
{
    cJSON *b = cJSON_ParseWithLength(r->body, r->body_len);
    char url[64];

    assert_non_null(b);
    assert_int_equal(r->status, status);
    assert_string_equal(r->content_type, "application/json");
    assert_int_equal(cJSON_GetArraySize(b), 4);
    assert_int_equal(cJSON_GetObjectItem(b, "code")->valueint, code);
    assert_int_equal(cJSON_GetObjectItem(b, "status")->valueint, (int)status);
    if (message != NULL)
        assert_string_equal(cJSON_GetObjectItem(b, "message")->valuestring, message);
    snprintf(url, sizeof url, "https://www.twilio.com/docs/errors/%d", code);
    assert_string_equal(cJSON_GetObjectItem(b, "more_info")->valuestring, url);
    cJSON_Delete(b);
}

static void codes_have_twilio_statuses(void **state)
{
    static const struct {
        int code;
        unsigned status;
    } cases[] = {{20003, 401}, {20404, 404}, {20429, 429}, {20500, 500}, {21421, 400}, {21422, 400},
                 {21451, 400}, {21452, 400}, {21481, 400}, {20413, 413}, {20004, 405}, {12345, 0}};

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fk_resp r;
        fk_resp_init(&r);
        assert_int_equal(twilio_error_status(cases[i].code), cases[i].status);
        if (cases[i].status != 0) {
            assert_int_equal(twilio_error(&r, cases[i].code, NULL, NULL, 0), 0);
            check_body(&r, cases[i].code, cases[i].status, twilio_error_message(cases[i].code));
        } else {
            assert_int_equal(twilio_error(&r, cases[i].code, NULL, NULL, 0), FK_EINVAL);
        }
        fk_resp_cleanup(&r);
    }
}

static void auth_and_rate_limit_headers(void **state)
{
    struct fk_resp r;

    (void)state;
    fk_resp_init(&r);
    assert_int_equal(twilio_error(&r, 20003, NULL, NULL, 0), 0);
    check_body(&r, 20003, 401, "Authenticate");
    assert_string_equal(fk_resp_get_header(&r, "WWW-Authenticate"), "Basic realm=\"Twilio API\"");
    fk_resp_cleanup(&r);

    fk_resp_init(&r);
    assert_int_equal(twilio_error(&r, 20429, NULL, NULL, 7), 0);
    assert_string_equal(fk_resp_get_header(&r, "Retry-After"), "7");
    fk_resp_cleanup(&r);
}

static void fault_shorthands(void **state)
{
    struct fk_req req = {0};
    struct fk_resp r;

    (void)state;
    req.path = "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers/PN1.json";
    /* With resp NULL only the code is checked. */
    assert_int_equal(twilio_fault_error(NULL, NULL, "21422"), 0);
    assert_int_equal(twilio_fault_error(NULL, NULL, "20429"), 0);
    assert_int_equal(twilio_fault_error(NULL, NULL, "99999"), FK_EINVAL);
    assert_int_equal(twilio_fault_error(NULL, NULL, "21422x"), FK_EINVAL);
    assert_int_equal(twilio_fault_error(NULL, NULL, ""), FK_EINVAL);
    assert_int_equal(twilio_fault_error(NULL, NULL, "unavailable"), FK_EINVAL);

    fk_resp_init(&r);
    assert_int_equal(twilio_fault_error(&r, &req, "21422"), 0);
    check_body(&r, 21422, 400, "PhoneNumber requested is not available");
    fk_resp_cleanup(&r);

    fk_resp_init(&r);
    assert_int_equal(twilio_fault_error(&r, &req, "20404"), 0);
    check_body(&r, 20404, 404,
               "The requested resource /2010-04-01/Accounts/AC1/IncomingPhoneNumbers/PN1.json "
               "was not found");
    fk_resp_cleanup(&r);
}

static void native_answers(void **state)
{
    static const struct {
        enum fk_native kind;
        int code;
        unsigned status;
    } cases[] = {{FK_NATIVE_NOT_FOUND, 20404, 404},
                 {FK_NATIVE_BAD_METHOD, 20004, 405},
                 {FK_NATIVE_TOO_LARGE, 20413, 413},
                 {FK_NATIVE_RATE_LIMITED, 20429, 429},
                 {FK_NATIVE_INTERNAL, 20500, 500}};
    struct fk_req req = {0};

    (void)state;
    req.path = "/2010-04-01/Nope";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fk_resp r;
        fk_resp_init(&r);
        twilio_native(&r, &req, cases[i].kind, 3);
        check_body(&r, cases[i].code, cases[i].status, NULL);
        if (cases[i].kind == FK_NATIVE_RATE_LIMITED)
            assert_string_equal(fk_resp_get_header(&r, "Retry-After"), "3");
        fk_resp_cleanup(&r);
    }
}

/* The body built the old way: a cJSON tree printed unformatted, then made UTF-8 as
 * fk_resp_json makes every printed answer (fakekit/text.h: a byte that starts no UTF-8
 * sequence becomes U+FFFD). Caller frees with cJSON_free. */
static char *printed(int code, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    char url[64], *text;

    snprintf(url, sizeof url, "https://www.twilio.com/docs/errors/%d", code);
    assert_non_null(cJSON_AddNumberToObject(o, "code", code));
    assert_non_null(cJSON_AddStringToObject(o, "message", message));
    assert_non_null(cJSON_AddStringToObject(o, "more_info", url));
    assert_non_null(cJSON_AddNumberToObject(o, "status", twilio_error_status(code)));
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    assert_non_null(text);
    size_t n = 0;
    bool oom = false;
    char *fixed = fk_utf8_fix(text, strlen(text), &n, &oom);
    assert_false(oom);
    if (fixed == NULL)
        return text;
    cJSON_free(text);
    text = cJSON_malloc(n + 1);
    assert_non_null(text);
    memcpy(text, fixed, n + 1);
    free(fixed);
    return text;
}

/* Bodies are written by hand: each must be byte-for-byte what printing the tree gives, for
 * every code and for messages holding every byte value, short and long. */
static void bodies_equal_the_printed_tree(void **state)
{
    static const int codes[] = {20001, 20002, 20003, 20004, 20008, 20404, 20413, 20429,
                                20500, 20503, 21421, 21422, 21451, 21452, 21481};
    char every[256], path[300], want404[400];
    char *big = malloc(5000);

    (void)state;
    assert_non_null(big);
    for (int i = 1; i < 256; i++)
        every[i - 1] = (char)i;
    every[255] = '\0';
    for (size_t i = 0; i < 4999; i++)
        big[i] = (char)(1 + i % 255);
    big[4999] = '\0';
    snprintf(path, sizeof path, "/2010-04-01/Accounts/AC\"x\\y\n\x01\xc3\xa9.json");
    snprintf(want404, sizeof want404, "The requested resource %s was not found", path);
    for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++) {
        const char *const messages[] = {NULL, "", "plain", "quote \" back \\ tab \t", every, big};
        for (size_t m = 0; m < sizeof messages / sizeof messages[0]; m++) {
            const char *msg = messages[m] != NULL ? messages[m] : twilio_error_message(codes[c]);
            char *want = printed(codes[c], msg);
            struct fk_resp r;
            fk_resp_init(&r);
            assert_int_equal(twilio_error(&r, codes[c], messages[m], NULL, 0), 0);
            assert_int_equal(r.body_len, strlen(want));
            assert_memory_equal(r.body, want, r.body_len);
            assert_string_equal(r.content_type, "application/json");
            assert_int_equal(r.status, twilio_error_status(codes[c]));
            fk_resp_cleanup(&r);
            cJSON_free(want);
        }
    }
    {
        char *want = printed(20404, want404);
        struct fk_resp r;
        fk_resp_init(&r);
        assert_int_equal(twilio_error(&r, 20404, NULL, path, 0), 0);
        assert_int_equal(r.body_len, strlen(want));
        assert_memory_equal(r.body, want, r.body_len);
        fk_resp_cleanup(&r);
        cJSON_free(want);
    }
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_have_twilio_statuses),
        cmocka_unit_test(auth_and_rate_limit_headers),
        cmocka_unit_test(fault_shorthands),
        cmocka_unit_test(native_answers),
        cmocka_unit_test(bodies_equal_the_printed_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
