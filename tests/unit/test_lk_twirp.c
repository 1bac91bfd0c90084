/* test_lk_twirp.c: Twirp error codes map to the statuses of twirp Go v8 and are written as
 * {code,msg[,meta]} with Content-Type exactly application/json; fault shorthands and the
 * answers fakekit asks for (no route, rate limited, too large). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/twirp.h"

static const struct {
    const char *code;
    unsigned status;
} statuses[] = {
    {"canceled", 408},
    {"unknown", 500},
    {"invalid_argument", 400},
    {"malformed", 400},
    {"deadline_exceeded", 408},
    {"not_found", 404},
    {"bad_route", 404},
    {"already_exists", 409},
    {"permission_denied", 403},
    {"unauthenticated", 401},
    {"resource_exhausted", 429},
    {"failed_precondition", 412},
    {"aborted", 409},
    {"out_of_range", 400},
    {"unimplemented", 501},
    {"internal", 500},
    {"unavailable", 503},
    {"data_loss", 500},
    {"NOT_FOUND", 0},
    {"", 0},
    {"20003", 0},
};

static void code_statuses(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        if (lk_twirp_status(statuses[i].code) != statuses[i].status)
            fail_msg("%s: %u, want %u", statuses[i].code, lk_twirp_status(statuses[i].code),
                     statuses[i].status);
    }
}

static void error_body(void **state)
{
    struct fk_resp r;
    (void)state; /* no fixture */
    fk_resp_init(&r);
    assert_int_equal(lk_twirp_error(&r, "not_found", "requested sip trunk does not exist", NULL),
                     0);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.content_type, "application/json");
    assert_string_equal(r.body,
                        "{\"code\":\"not_found\",\"msg\":\"requested sip trunk does not exist\"}");
    fk_resp_cleanup(&r);

    cJSON *meta = cJSON_Parse("{\"k\":\"v\"}");
    fk_resp_init(&r);
    assert_int_equal(lk_twirp_error(&r, "unauthenticated", "permissions denied", meta), 0);
    assert_int_equal(r.status, 401);
    assert_string_equal(
        r.body,
        "{\"code\":\"unauthenticated\",\"msg\":\"permissions denied\",\"meta\":{\"k\":\"v\"}}");
    fk_resp_cleanup(&r);
    cJSON_Delete(meta);
}

static void fault_shorthands(void **state)
{
    struct fk_resp r;
    struct fk_req req = {.method = "POST", .path = "/twirp/livekit.SIP/ListSIPInboundTrunk"};
    (void)state; /* no fixture */
    assert_int_equal(lk_fault_error(NULL, &req, "unavailable"), 0);
    assert_int_equal(lk_fault_error(NULL, &req, "nope"), FK_EINVAL);
    assert_int_equal(lk_fault_error(NULL, &req, "21422"), FK_EINVAL);
    fk_resp_init(&r);
    assert_int_equal(lk_fault_error(&r, &req, "resource_exhausted"), 0);
    assert_int_equal(r.status, 429);
    assert_string_equal(r.content_type, "application/json");
    cJSON *body = cJSON_Parse(r.body);
    assert_string_equal(cJSON_GetObjectItem(body, "code")->valuestring, "resource_exhausted");
    cJSON_Delete(body);
    fk_resp_cleanup(&r);
}

static void native_answers(void **state)
{
    struct fk_resp r;
    struct fk_req req = {.method = "GET", .path = "/twirp/livekit.Room/ListRooms"};
    (void)state; /* no fixture */

    fk_resp_init(&r);
    lk_native(&r, &req, FK_NATIVE_NOT_FOUND, 0);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body, "{\"code\":\"bad_route\",\"msg\":\"no handler for path "
                                "\\\"/twirp/livekit.Room/ListRooms\\\"\",\"meta\":{"
                                "\"twirp_invalid_route\":\"GET /twirp/livekit.Room/ListRooms\"}}");
    fk_resp_cleanup(&r);

    fk_resp_init(&r);
    lk_native(&r, &req, FK_NATIVE_RATE_LIMITED, 3);
    assert_int_equal(r.status, 429);
    assert_string_equal(fk_resp_get_header(&r, "Retry-After"), "3");
    assert_non_null(strstr(r.body, "\"resource_exhausted\""));
    fk_resp_cleanup(&r);

    fk_resp_init(&r);
    lk_native(&r, &req, FK_NATIVE_TOO_LARGE, 0);
    assert_int_equal(r.status,
                     413); /* docs/DESIGN.md "Connections": 413 for bodies over 1 MiB, Twirp body */
    assert_string_equal(
        r.body,
        "{\"code\":\"malformed\",\"msg\":\"failed to read request body: body over 1 MiB\"}");
    fk_resp_cleanup(&r);

    fk_resp_init(&r);
    lk_native(&r, &req, FK_NATIVE_INTERNAL, 0);
    assert_int_equal(r.status, 500);
    assert_string_equal(r.content_type, "application/json");
    fk_resp_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(code_statuses),
        cmocka_unit_test(error_body),
        cmocka_unit_test(fault_shorthands),
        cmocka_unit_test(native_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
