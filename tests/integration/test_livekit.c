/* test_livekit.c: fake_livekit end to end over HTTP: trunk and dispatch-rule lifecycles,
 * the number conflict, every authentication failure as livekit-server answers it, Twirp
 * routing and decoding errors, fault and rate-limit shorthands, the admin state. One fake
 * for the file, reset before each test. Tokens are signed here with fakekit's jwt. */
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

#define SIP "/twirp/livekit.SIP/"

static struct h_proc fake;

static int setup(void **state)
{
    static const char *const args[] = {"--api-key", "lkkey", "--api-secret", "lksecret", NULL};
    (void)state; /* one fake for the whole file */
    return h_suite_start(&fake, "fake_livekit", args);
}

static int teardown(void **state)
{
    (void)state; /* as in setup */
    return h_suite_stop(&fake);
}

static int reset_each(void **state)
{
    (void)state; /* the fake is shared by the file */
    return h_admin_reset(&fake);
}

/* "Authorization: Bearer <jwt>" in a static buffer, as the SDK signs it. */
static const char *bearer(const char *key, const char *secret, long exp_off, bool admin)
{
    static char hdr[2048];
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "video", cJSON_CreateObject());
    cJSON *sip = cJSON_AddObjectToObject(c, "sip");
    cJSON_AddBoolToObject(sip, admin ? "admin" : "call", true);
    cJSON_AddStringToObject(c, "iss", key);
    cJSON_AddNumberToObject(c, "exp", (double)(time(NULL) + exp_off));
    cJSON_AddNumberToObject(c, "nbf", (double)time(NULL));
    char *t = fk_jwt_sign(c, secret, false);
    snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", t);
    free(t);
    cJSON_Delete(c);
    return hdr;
}

/* POST SIP+method with auth (NULL: none) and content type (NULL: none). */
static void post(const char *method, const char *body, const char *auth, const char *ctype,
                 struct h_resp *r)
{
    char url[512], ct[128];
    const char *hdrs[3] = {NULL, NULL, NULL};
    size_t n = 0;
    if (auth)
        hdrs[n++] = auth;
    if (ctype) {
        snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
        hdrs[n++] = ct;
    }
    snprintf(url, sizeof(url), "%s" SIP "%s", fake.base, method);
    h_request("POST", url, hdrs, body, 0, r);
}

/* An authorised call as the SDK makes it; returns the parsed body after checking status. */
static cJSON *call(const char *method, const char *body, long want_status)
{
    struct h_resp r;
    post(method, body, bearer("lkkey", "lksecret", 600, true), "application/json;charset=UTF-8",
         &r);
    if (r.status != want_status)
        fail_msg("%s %s: status %ld, want %ld: %s", method, body, r.status, want_status, r.body);
    assert_string_equal(h_resp_header(&r, "Content-Type"), "application/json");
    cJSON *j = h_json(&r);
    assert_non_null(j);
    h_resp_free(&r);
    return j;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A Twirp error answer: code and msg. */
static void expect_twirp(const char *method, const char *body, long status, const char *code,
                         const char *msg)
{
    cJSON *b = call(method, body, status);
    assert_string_equal(str(b, "code"), code);
    if (msg)
        assert_string_equal(str(b, "msg"), msg);
    cJSON_Delete(b);
}

static void inbound_trunk_lifecycle(void **state)
{
    char req[256];
    (void)state; /* the fake is global */
    cJSON *t = call("CreateSIPInboundTrunk",
                    "{\"trunk\":{\"name\":\"my-trunk\",\"numbers\":[\"+15105550100\"],"
                    "\"ringing_timeout\":\"30s\"}}",
                    200);
    const char *id = str(t, "sip_trunk_id");
    assert_int_equal(strlen(id), 15);
    assert_int_equal(strncmp(id, "ST_", 3), 0);
    /* Every field present, defaults included, as protojson EmitUnpopulated writes them. */
    assert_int_equal(cJSON_GetArraySize(t), 20);
    assert_string_equal(str(t, "ringing_timeout"), "30s");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(t, "media")));
    assert_string_equal(str(t, "include_headers"), "SIP_NO_HEADERS");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(t, "allowed_addresses")), 0);

    snprintf(req, sizeof(req), "{\"sipTrunkId\":\"%s\"}", id);
    cJSON *g = call("GetSIPInboundTrunk", req, 200);
    assert_string_equal(str(cJSON_GetObjectItem(g, "trunk"), "name"), "my-trunk");
    cJSON_Delete(g);
    expect_twirp("GetSIPOutboundTrunk", req, 404, "not_found",
                 "requested sip trunk does not exist");
    expect_twirp("GetSIPInboundTrunk", "{\"sipTrunkId\":\"ST_nope\"}", 404, "not_found",
                 "requested sip trunk does not exist");

    snprintf(req, sizeof(req),
             "{\"sipTrunkId\":\"%s\",\"update\":{\"numbers\":{\"add\":[\"+15105550101\"],"
             "\"remove\":[\"+15105550100\"]},\"authUsername\":\"\",\"name\":\"renamed\"}}",
             id);
    cJSON *u = call("UpdateSIPInboundTrunk", req, 200);
    assert_string_equal(str(u, "name"), "renamed");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(u, "numbers"), 0)->valuestring,
                        "+15105550101");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(u, "numbers")), 1);
    cJSON_Delete(u);
    expect_twirp("UpdateSIPInboundTrunk",
                 "{\"sipTrunkId\":\"ST_nope\",\"update\":{\"name\":\"x\"}}", 404, "not_found",
                 "requested sip trunk does not exist");
    expect_twirp("UpdateSIPInboundTrunk", "{\"sipTrunkId\":\"ST_nope\"}", 400, "invalid_argument",
                 "missing or unsupported update action");

    cJSON *l = call("ListSIPInboundTrunk", "{\"numbers\":[\"+15105550101\"]}", 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "items")), 1);
    cJSON_Delete(l);

    snprintf(req, sizeof(req), "{\"sipTrunkId\":\"%s\"}", id);
    cJSON *d = call("DeleteSIPTrunk", req, 200);
    assert_string_equal(str(d, "sip_trunk_id"), id);
    assert_string_equal(str(d, "kind"), "TRUNK_LEGACY");
    cJSON_Delete(d);
    /* Unknown ids delete "successfully" and echo the id (OSS livekit-server). */
    d = call("DeleteSIPTrunk", req, 200);
    assert_string_equal(str(d, "sip_trunk_id"), id);
    cJSON_Delete(d);
    expect_twirp("DeleteSIPTrunk", "{}", 400, "invalid_argument", "trunk ID is required");
    l = call("ListSIPInboundTrunk", "{}", 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "items")), 0);
    cJSON_Delete(l);
    cJSON_Delete(t);
}

static void create_validation(void **state)
{
    (void)state; /* the fake is global */
    expect_twirp("CreateSIPInboundTrunk", "{}", 400, "invalid_argument", "missing trunk");
    expect_twirp("CreateSIPInboundTrunk", "{\"trunk\":{\"sipTrunkId\":\"ST_x\"}}", 400,
                 "invalid_argument", "trunk id must not be set");
    expect_twirp("CreateSIPInboundTrunk", "{\"trunk\":{\"name\":\"n\"}}", 400, "invalid_argument",
                 "for security, one of the fields must be set: AuthUsername+AuthPassword, "
                 "AllowedAddresses or Numbers");
    expect_twirp("CreateSIPOutboundTrunk", "{\"trunk\":{\"address\":\"sip.example.com\"}}", 400,
                 "invalid_argument", "no trunk numbers specified");
    expect_twirp("CreateSIPOutboundTrunk", "{\"trunk\":{\"numbers\":[\"+1\"]}}", 400,
                 "invalid_argument", "no outbound address specified");
    cJSON *o = call("CreateSIPOutboundTrunk",
                    "{\"trunk\":{\"address\":\"sip.example.com\",\"numbers\":[\"+1\"],"
                    "\"transport\":\"SIP_TRANSPORT_TCP\"}}",
                    200);
    assert_string_equal(str(o, "transport"), "SIP_TRANSPORT_TCP");
    cJSON_Delete(o);
}

/* livekit/protocol sip/sip.go:380 (17c16cf): numbers are normalised before they are compared,
 * so every spelling of +14155550310 conflicts with it. */
static void number_conflict(void **state)
{
    static const char *const spellings[] = {"+14155550310", "14155550310", "+1 (415) 555-0310",
                                            "1-415-555-0310"};
    char want[256], req[256];
    (void)state; /* the fake is global */
    cJSON *a = call("CreateSIPInboundTrunk", "{\"trunk\":{\"numbers\":[\"+14155550310\"]}}", 200);
    for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
        snprintf(want, sizeof(want),
                 "Conflicting inbound SIP Trunks: \"<new>\" and \"%s\", using the same number(s) "
                 "[\"%s\"] without AllowedNumbers set",
                 str(a, "sip_trunk_id"), spellings[i]);
        snprintf(req, sizeof(req), "{\"trunk\":{\"numbers\":[\"%s\"]}}", spellings[i]);
        expect_twirp("CreateSIPInboundTrunk", req, 400, "invalid_argument", want);
    }
    cJSON *b = call("CreateSIPInboundTrunk", "{\"trunk\":{\"numbers\":[\"+15105550199\"]}}", 200);
    /* An update keeping one of its numbers meets the trunk holding the added one. */
    snprintf(req, sizeof(req),
             "{\"sipTrunkId\":\"%s\",\"update\":{\"numbers\":{\"add\":[\"1 415 555 0310\"]}}}",
             str(b, "sip_trunk_id"));
    expect_twirp("UpdateSIPInboundTrunk", req, 400, "invalid_argument", NULL);
    /* AllowedNumbers tell them apart. */
    cJSON_Delete(call("CreateSIPInboundTrunk",
                      "{\"trunk\":{\"numbers\":[\"+14155550310\"],\"allowedNumbers\":[\"+1555\"]}}",
                      200));
    cJSON_Delete(a);
    cJSON_Delete(b);
}

static void dispatch_rules(void **state)
{
    char req[256];
    (void)state; /* the fake is global */
    /* The Node SDK's flat deprecated form. */
    cJSON *r1 = call("CreateSIPDispatchRule",
                     "{\"rule\":{\"dispatchRuleIndividual\":{\"roomPrefix\":\"call-\"}},"
                     "\"trunkIds\":[\"ST_a\"],\"name\":\"one\"}",
                     200);
    assert_int_equal(strncmp(str(r1, "sip_dispatch_rule_id"), "SDR_", 4), 0);
    assert_int_equal(strlen(str(r1, "sip_dispatch_rule_id")), 16);
    const cJSON *ind =
        cJSON_GetObjectItem(cJSON_GetObjectItem(r1, "rule"), "dispatch_rule_individual");
    assert_string_equal(str(ind, "room_prefix"), "call-");
    assert_string_equal(str(ind, "pin"), "");
    /* The new form, snake_case; a wildcard rule (no trunk ids). */
    cJSON *r2 = call("CreateSIPDispatchRule",
                     "{\"dispatch_rule\":{\"rule\":{\"dispatch_rule_direct\":{\"room_name\":"
                     "\"room1\",\"pin\":\"1234\"}},\"name\":\"two\"}}",
                     200);
    expect_twirp("CreateSIPDispatchRule", "{\"name\":\"no rule\"}", 400, "invalid_argument",
                 "missing rule");

    snprintf(req, sizeof(req), "{\"dispatchRuleIds\":[\"%s\",\"SDR_none\",\"%s\"]}",
             str(r2, "sip_dispatch_rule_id"), str(r1, "sip_dispatch_rule_id"));
    /* The store filters (livekit/protocol livekit/sip.go:1152): the unknown id is left out and
     * the rules come in id order (redisstore_sip.go:252), not the request's. */
    cJSON *l = call("ListSIPDispatchRule", req, 200);
    const cJSON *items = cJSON_GetObjectItem(l, "items");
    assert_int_equal(cJSON_GetArraySize(items), 2);
    bool one_first = strcmp(str(r1, "sip_dispatch_rule_id"), str(r2, "sip_dispatch_rule_id")) < 0;
    assert_string_equal(str(cJSON_GetArrayItem(items, 0), "name"), one_first ? "one" : "two");
    assert_string_equal(str(cJSON_GetArrayItem(items, 1), "name"), one_first ? "two" : "one");
    cJSON_Delete(l);
    l = call("ListSIPDispatchRule", "{\"trunkIds\":[\"ST_b\"]}", 200);
    items = cJSON_GetObjectItem(l, "items");
    assert_int_equal(cJSON_GetArraySize(items), 1); /* only the wildcard rule */
    assert_string_equal(str(cJSON_GetArrayItem(items, 0), "name"), "two");
    cJSON_Delete(l);

    snprintf(req, sizeof(req),
             "{\"sipDispatchRuleId\":\"%s\",\"update\":{\"trunkIds\":{\"set\":[\"ST_b\"]},"
             "\"name\":\"uno\"}}",
             str(r1, "sip_dispatch_rule_id"));
    cJSON *u = call("UpdateSIPDispatchRule", req, 200);
    assert_string_equal(str(u, "name"), "uno");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(u, "trunk_ids"), 0)->valuestring,
                        "ST_b");
    cJSON_Delete(u);

    snprintf(req, sizeof(req), "{\"sipDispatchRuleId\":\"%s\"}", str(r1, "sip_dispatch_rule_id"));
    cJSON *d = call("DeleteSIPDispatchRule", req, 200);
    assert_string_equal(str(d, "name"), "uno"); /* the full deleted rule */
    assert_non_null(
        cJSON_GetObjectItem(cJSON_GetObjectItem(d, "rule"), "dispatch_rule_individual"));
    cJSON_Delete(d);
    expect_twirp("DeleteSIPDispatchRule", req, 404, "not_found",
                 "requested sip dispatch rule does not exist");
    expect_twirp("DeleteSIPDispatchRule", "{}", 400, "invalid_argument",
                 "dispatch rule ID is required");
    cJSON_Delete(r1);
    cJSON_Delete(r2);
}

/* A plain-text 401 from the middleware. */
static void expect_plain_401(const char *auth, const char *want, bool prefix)
{
    struct h_resp r;
    post("ListSIPInboundTrunk", "{}", auth, "application/json", &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(h_resp_header(&r, "Content-Type"), "text/plain; charset=utf-8");
    if (prefix)
        assert_int_equal(strncmp(r.body, want, strlen(want)), 0);
    else
        assert_string_equal(r.body, want);
    h_resp_free(&r);
}

/* A Twirp JSON 401 unauthenticated "permissions denied". */
static void expect_json_401(const char *auth)
{
    struct h_resp r;
    post("ListSIPInboundTrunk", "{}", auth, "application/json", &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(h_resp_header(&r, "Content-Type"), "application/json");
    assert_string_equal(r.body, "{\"code\":\"unauthenticated\",\"msg\":\"permissions denied\"}");
    h_resp_free(&r);
}

static void authentication(void **state)
{
    struct h_resp r;
    (void)state; /* the fake is global */
    expect_json_401(NULL);
    expect_json_401(bearer("lkkey", "lksecret", 600, false)); /* sip.call, not sip.admin */
    expect_plain_401("Authorization: Basic bGtrZXk6bGtzZWNyZXQ=",
                     "invalid authorization header. Must start with Bearer ", false);
    expect_plain_401("Authorization: Bearer not.a.jwt", "invalid authorization token", false);
    expect_plain_401(bearer("devkey", "secret", 600, true), "invalid API key", false);
    /* golang-jwt v5's wording (livekit/protocol auth/verifier.go). */
    expect_plain_401(bearer("lkkey", "wrong", 600, true),
                     "invalid authorization token: token signature is invalid: signature is "
                     "invalid",
                     false);
    expect_plain_401(bearer("lkkey", "lksecret", -3600, true),
                     "invalid authorization token: token has invalid claims: token is expired",
                     false);

    /* More keys through the admin state; they survive until the next reset. */
    h_post_json(&fake, "/__admin/state", "{\"api_keys\":[{\"key\":\"k2\",\"secret\":\"s2\"}]}", &r);
    assert_int_equal(r.status / 100, 2);
    h_resp_free(&r);
    post("ListSIPInboundTrunk", "{}", bearer("k2", "s2", 600, true), "application/json", &r);
    assert_int_equal(r.status, 200);
    h_resp_free(&r);
}

static void routing_and_decoding(void **state)
{
    struct h_resp r;
    char url[512];
    const char *auth = bearer("lkkey", "lksecret", 600, true);
    (void)state; /* the fake is global */

    snprintf(url, sizeof(url), "%s" SIP "ListSIPInboundTrunk", fake.base);
    const char *hdrs[] = {auth, NULL};
    h_request("GET", url, hdrs, NULL, 0, &r);
    assert_int_equal(r.status, 404);
    cJSON *b = h_json(&r);
    assert_string_equal(str(b, "code"), "bad_route");
    assert_string_equal(str(b, "msg"), "unsupported method \"GET\" (only POST is allowed)");
    cJSON_Delete(b);
    h_resp_free(&r);

    post("NoSuchMethod", "{}", auth, "application/json", &r);
    assert_int_equal(r.status, 404);
    b = h_json(&r);
    assert_string_equal(str(b, "msg"), "no handler for path \"/twirp/livekit.SIP/NoSuchMethod\"");
    cJSON_Delete(b);
    h_resp_free(&r);

    post("ListSIPInboundTrunk", "{}", auth, "text/plain", &r);
    assert_int_equal(r.status, 404);
    b = h_json(&r);
    assert_string_equal(str(b, "code"), "bad_route");
    assert_string_equal(str(b, "msg"), "unexpected Content-Type: \"text/plain\"");
    cJSON_Delete(b);
    h_resp_free(&r);

    expect_twirp("ListSIPInboundTrunk", "{not json", 400, "malformed",
                 "the json request could not be decoded");
    expect_twirp("ListSIPInboundTrunk", "", 400, "malformed", NULL);
    expect_twirp("ListSIPInboundTrunk", "{\"numbers\":\"+1\"}", 400, "malformed", NULL);
    expect_twirp("CreateSIPInboundTrunk", "{\"trunk\":{\"numbers\":[\"+1\"],\"krispEnabled\":1}}",
                 400, "malformed", "the json request could not be decoded");
    /* Unknown fields are ignored, repeated ones too; a repeated field or map key is an error,
     * as protojson makes it (the fakes' one rule: the value checked is the value used). What
     * follows the first JSON value is ignored (the generated server's json.Decoder reads one
     * value, livekit_sip.twirp.go:2016). */
    cJSON_Delete(call("ListSIPInboundTrunk", "{\"futureField\":{\"x\":1}}", 200));
    cJSON_Delete(call("ListSIPInboundTrunk", "{\"future\":1,\"future\":2}", 200));
    cJSON_Delete(call("ListSIPInboundTrunk", "{} and then some", 200));
    expect_twirp("CreateSIPInboundTrunk",
                 "{\"trunk\":{\"name\":\"a\",\"numbers\":[\"+1\"],\"name\":\"b\"}}", 400,
                 "malformed", "the json request could not be decoded");
    expect_twirp("CreateSIPInboundTrunk",
                 "{\"trunk\":{\"numbers\":[\"+1\"],\"headers\":{\"X-A\":\"1\",\"X-A\":\"2\"}}}",
                 400, "malformed", "the json request could not be decoded");
    expect_twirp("CreateSIPParticipant", "{}", 401, "unauthenticated", "permissions denied");

    h_get(&fake, "/twirp/livekit.RoomService/ListRooms", &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(h_resp_header(&r, "Content-Type"), "application/json");
    h_resp_free(&r);
}

static void faults_and_rate_limits(void **state)
{
    struct h_resp r;
    (void)state; /* the fake is global */
    h_post_json(
        &fake, "/__admin/faults",
        "{\"id\":\"down\",\"match\":{\"path\":\"/twirp/livekit.SIP/CreateSIPInboundTrunk\"},"
        "\"times\":1,\"action\":{\"error\":\"unavailable\"}}",
        &r);
    assert_int_equal(r.status, 201);
    h_resp_free(&r);
    expect_twirp("CreateSIPInboundTrunk", "{\"trunk\":{\"numbers\":[\"+1\"]}}", 503, "unavailable",
                 NULL);
    cJSON_Delete(call("CreateSIPInboundTrunk", "{\"trunk\":{\"numbers\":[\"+1\"]}}", 200));

    h_post_json(&fake, "/__admin/faults", "{\"action\":{\"error\":\"21422\"}}", &r);
    assert_int_equal(r.status, 400);
    h_resp_free(&r);

    h_post_json(&fake, "/__admin/rate-limits",
                "{\"id\":\"one\",\"match\":{\"path\":\"/twirp/**\"},\"limit\":1,\"per_ms\":600000,"
                "\"key\":\"credential\",\"retry_after_s\":7}",
                &r);
    assert_int_equal(r.status, 201);
    h_resp_free(&r);
    cJSON_Delete(call("ListSIPInboundTrunk", "{}", 200));
    /* A fresh token of the same key shares the bucket: limits key on the API key. */
    post("ListSIPInboundTrunk", "{}", bearer("lkkey", "lksecret", 900, true), "application/json",
         &r);
    assert_int_equal(r.status, 429);
    assert_string_equal(h_resp_header(&r, "Retry-After"), "7");
    assert_string_equal(h_resp_header(&r, "Content-Type"), "application/json");
    cJSON *b = h_json(&r);
    assert_string_equal(str(b, "code"), "resource_exhausted");
    cJSON_Delete(b);
    h_resp_free(&r);
}

/* POST bytes as application/protobuf. */
static void post_pb(const char *method, const void *body, size_t len, struct h_resp *r)
{
    char url[512];
    const char *hdrs[] = {bearer("lkkey", "lksecret", 600, true),
                          "Content-Type: application/protobuf", NULL};
    snprintf(url, sizeof(url), "%s" SIP "%s", fake.base, method);
    h_request_len("POST", url, hdrs, body, len, 0, r);
}

/* Twirp's protobuf encoding over HTTP (livekit/protocol livekit/livekit_sip.twirp.go), bytes
 * written by hand: CreateSIPInboundTrunkRequest{trunk{name "a", numbers ["+1"]}} and
 * GetSIPInboundTrunkRequest{sip_trunk_id}; the answers are proto.Marshal's. */
static void protobuf_transport(void **state)
{
    static const unsigned char create[] = {0x0a, 0x07, 0x12, 0x01, 0x61, 0x22, 0x02, 0x2b, 0x31};
    struct h_resp r;
    unsigned char get[64];
    (void)state; /* the fake is global */
    post_pb("CreateSIPInboundTrunk", create, sizeof(create), &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(h_resp_header(&r, "Content-Type"), "application/protobuf");
    /* SIPInboundTrunkInfo: sip_trunk_id (1) is ST_ and 12 characters, then name, numbers. */
    assert_int_equal(r.len, 2 + 15 + 3 + 4);
    assert_memory_equal(r.body, "\x0a\x0fST_", 5);
    assert_memory_equal(r.body + 17,
                        "\x12\x01"
                        "a"
                        "\x22\x02+1",
                        7);
    get[0] = 0x0a;
    get[1] = 15;
    memcpy(get + 2, r.body + 2, 15);
    h_resp_free(&r);
    post_pb("GetSIPInboundTrunk", get, 17, &r);
    assert_int_equal(r.status, 200);
    /* GetSIPInboundTrunkResponse{trunk (1) = the 24 bytes above}. */
    assert_int_equal(r.len, 26);
    assert_memory_equal(r.body, "\x0a\x18\x0a\x0f", 4);
    h_resp_free(&r);
    post_pb("GetSIPInboundTrunk", "\x0a", 1, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(h_resp_header(&r, "Content-Type"), "application/json");
    assert_string_equal(r.body, "{\"code\":\"malformed\",\"msg\":\"the protobuf request could "
                                "not be decoded\"}");
    h_resp_free(&r);
}

/* livekit/livekit pkg/config/config.go:567: MaxAPIRequestBodySize 10 MiB, enforced before
 * authentication (pkg/service/utils.go:133, server.go:115): a body over it is a plain-text
 * 413; one just under it is read. */
static void body_limit(void **state)
{
    size_t big = ((size_t)10 << 20) + 1;
    char *body = malloc(big + 1);
    struct h_resp r;
    char url[512];
    (void)state; /* the fake is global */
    assert_non_null(body);
    memset(body, ' ', big);
    body[big] = '\0';
    snprintf(url, sizeof(url), "%s" SIP "ListSIPInboundTrunk", fake.base);
    const char *none[] = {"Content-Type: application/json", NULL};
    h_request_len("POST", url, none, body, big, 30000, &r);
    assert_int_equal(r.status, 413);
    assert_string_equal(h_resp_header(&r, "Content-Type"), "text/plain; charset=utf-8");
    assert_string_equal(r.body, "request body too large");
    h_resp_free(&r);
    /* 2 MiB of metadata (over fakekit's 1 MiB default) is an ordinary request here. */
    static const char head[] = "{\"trunk\":{\"numbers\":[\"+1\"],\"metadata\":\"";
    size_t meta = (size_t)2 << 20, n = strlen(head);
    memcpy(body, head, n);
    memset(body + n, 'm', meta);
    memcpy(body + n + meta, "\"}}", 4);
    cJSON *t = call("CreateSIPInboundTrunk", body, 200);
    assert_int_equal(strlen(str(t, "metadata")), meta);
    cJSON_Delete(t);
    free(body);
}

static void admin_state(void **state)
{
    struct h_resp r;
    (void)state; /* the fake is global */
    h_post_json(
        &fake, "/__admin/state",
        "{\"inbound_trunks\":[{\"sipTrunkId\":\"ST_seeded00001\",\"name\":\"seeded\","
        "\"numbers\":[\"+15550001\"]}],\"dispatch_rules\":[{\"rule\":{\"dispatchRuleDirect\":"
        "{\"roomName\":\"r\"}}}]}",
        &r);
    assert_int_equal(r.status / 100, 2);
    h_resp_free(&r);
    h_post_json(&fake, "/__admin/state", "{\"trunks\":[]}", &r);
    assert_int_equal(r.status, 400);
    h_resp_free(&r);

    cJSON *l = call("ListSIPInboundTrunk", "{}", 200);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(l, "items"), 0), "sip_trunk_id"),
                        "ST_seeded00001");
    cJSON_Delete(l);

    h_get(&fake, "/__admin/state", &r);
    assert_int_equal(r.status, 200);
    cJSON *s = h_json(&r);
    h_resp_free(&r);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(s, "inbound_trunks")), 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(s, "outbound_trunks")), 0);
    const cJSON *rule = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "dispatch_rules"), 0);
    assert_int_equal(strncmp(str(rule, "sip_dispatch_rule_id"), "SDR_", 4), 0);
    cJSON_Delete(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(inbound_trunk_lifecycle, reset_each),
        cmocka_unit_test_setup(create_validation, reset_each),
        cmocka_unit_test_setup(number_conflict, reset_each),
        cmocka_unit_test_setup(dispatch_rules, reset_each),
        cmocka_unit_test_setup(authentication, reset_each),
        cmocka_unit_test_setup(routing_and_decoding, reset_each),
        cmocka_unit_test_setup(faults_and_rate_limits, reset_each),
        cmocka_unit_test_setup(admin_state, reset_each),
        cmocka_unit_test_setup(protobuf_transport, reset_each),
        cmocka_unit_test_setup(body_limit, reset_each),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
