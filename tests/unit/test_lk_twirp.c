/* test_lk_twirp.c: Twirp error codes map to the statuses of twirp Go v8 and are written as
 * {code,msg[,meta]} with Content-Type exactly application/json; fault shorthands and the
 * answers fakekit asks for (no route, rate limited, too large); the protobuf encoding
 * (livekit/protocol livekit/livekit_sip.twirp.go: serve*Protobuf) through the handler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/proto_pb.h"
#include "fake_livekit/twirp.h"
#include "tests/support/lkcall.h"

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

    /* livekit/livekit pkg/service/utils.go:133: a declared Content-Length over the limit is
     * refused before anything else with HandleError's plain text. */
    struct fk_kv cl[] = {{"Content-Length", "10485761"}};
    struct fk_req big = req;
    big.headers = cl;
    big.nheaders = 1;
    fk_resp_init(&r);
    lk_native(&r, &big, FK_NATIVE_TOO_LARGE, 0);
    assert_int_equal(r.status, 413);
    assert_string_equal(r.content_type, "text/plain; charset=utf-8");
    assert_string_equal(r.body, "request body too large");
    fk_resp_cleanup(&r);
    /* utils.go:139: without one, http.MaxBytesReader fails Twirp's read
     * (livekit_sip.twirp.go handleRequestBodyError): malformed 400. */
    fk_resp_init(&r);
    lk_native(&r, &req, FK_NATIVE_TOO_LARGE, 0);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.body, "{\"code\":\"malformed\",\"msg\":\"failed to read request body\"}");
    fk_resp_cleanup(&r);

    fk_resp_init(&r);
    lk_native(&r, &req, FK_NATIVE_INTERNAL, 0);
    assert_int_equal(r.status, 500);
    assert_string_equal(r.content_type, "application/json");
    fk_resp_cleanup(&r);
}

#define PB "application/protobuf"

/* Post bytes as protobuf; the answer's status and, for a 200, its body decoded as m. */
static cJSON *post_pb(struct h_lk *lk, const char *method, const void *body, size_t len,
                      const struct lk_msg *m, unsigned *status)
{
    struct fk_resp r;
    struct fk_error err = {{0}};
    cJSON *out = NULL;
    assert_int_equal(h_lk_post(lk, method, PB, body, len, &r), 0);
    *status = r.status;
    if (r.status == 200) {
        assert_string_equal(r.content_type, PB);
        assert_int_equal(lk_pb_decode(r.body, r.body_len, m, &out, &err), 0);
    } else {
        assert_string_equal(r.content_type, "application/json"); /* errors stay JSON */
        out = cJSON_ParseWithLength(r.body, r.body_len);
    }
    fk_resp_cleanup(&r);
    return out;
}

/* livekit_sip.twirp.go: application/protobuf requests are read with proto.Unmarshal and
 * answered with proto.Marshal's bytes; an undecodable body is malformed "the protobuf request
 * could not be decoded"; an empty body is an empty message. */
static void protobuf_encoding(void **state)
{
    static const unsigned char create[] = {0x0a, 0x07, 0x12, 0x01, 0x61, 0x22, 0x02, 0x2b, 0x31};
    static const unsigned char bad[] = {0x0a, 0x05, 0x61};
    struct h_lk lk;
    unsigned status = 0;
    (void)state; /* no fixture */
    assert_int_equal(h_lk_open(&lk), 0);
    cJSON *t = post_pb(&lk, "CreateSIPInboundTrunk", create, sizeof(create), &lk_msg_inbound_trunk,
                       &status);
    assert_int_equal(status, 200);
    assert_string_equal(cJSON_GetObjectItem(t, "name")->valuestring, "a");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(t, "numbers"), 0)->valuestring,
                        "+1");
    assert_int_equal(strncmp(cJSON_GetObjectItem(t, "sip_trunk_id")->valuestring, "ST_", 3), 0);
    cJSON_Delete(t);
    cJSON *e = post_pb(&lk, "CreateSIPInboundTrunk", bad, sizeof(bad), NULL, &status);
    assert_int_equal(status, 400);
    assert_string_equal(cJSON_GetObjectItem(e, "code")->valuestring, "malformed");
    assert_string_equal(cJSON_GetObjectItem(e, "msg")->valuestring,
                        "the protobuf request could not be decoded");
    cJSON_Delete(e);
    e = post_pb(&lk, "GetSIPInboundTrunk", "", 0, NULL, &status);
    assert_int_equal(status, 400);
    assert_string_equal(cJSON_GetObjectItem(e, "msg")->valuestring, "trunk ID is required");
    cJSON_Delete(e);
    /* The same List body answers in each encoding, kept apart by the answer cache. */
    cJSON *l = post_pb(&lk, "ListSIPInboundTrunk", "", 0, &lk_msg_list_inbound_resp, &status);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "items")), 1);
    cJSON_Delete(l);
    l = post_pb(&lk, "ListSIPInboundTrunk", "", 0, &lk_msg_list_inbound_resp, &status);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "items")), 1);
    cJSON_Delete(l);
    struct fk_resp r;
    assert_int_equal(h_lk_post(&lk, "ListSIPInboundTrunk", "application/json", "", 0, &r), 0);
    assert_int_equal(r.status, 400); /* "" is no JSON message */
    fk_resp_cleanup(&r);
    /* Parameters after ';' are ignored, the media type compared lowercased; other types are
     * bad_route (livekit_sip.twirp.go serve*: strings.ToLower, TrimSpace). */
    assert_int_equal(
        h_lk_post(&lk, "ListSIPInboundTrunk", " Application/Protobuf ; x=y", "", 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.content_type, PB);
    fk_resp_cleanup(&r);
    assert_int_equal(h_lk_post(&lk, "ListSIPInboundTrunk", "application/x-protobuf", "", 0, &r), 0);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "bad_route"));
    fk_resp_cleanup(&r);
    h_lk_close(&lk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(code_statuses),     cmocka_unit_test(error_body),
        cmocka_unit_test(fault_shorthands),  cmocka_unit_test(native_answers),
        cmocka_unit_test(protobuf_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
