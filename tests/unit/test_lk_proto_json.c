/* test_lk_proto_json.c: protojson as the LiveKit server speaks it: camelCase or snake_case
 * in, unknown keys ignored, wrong types refused; snake_case out with every field present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/proto_json.h"
#include "fake_livekit/proto_wkt.h"

/* docs/reference/livekit.md §3: a created inbound trunk as the real server writes it. */
static const char inbound_defaults[] =
    "{\"sip_trunk_id\":\"ST_7pQ2mXkT9aBc\",\"name\":\"my-trunk\",\"metadata\":\"\","
    "\"numbers\":[\"+15105550100\"],\"allowed_addresses\":[],\"allowed_numbers\":[],"
    "\"auth_username\":\"\",\"auth_password\":\"\",\"auth_realm\":\"\",\"headers\":{},"
    "\"headers_to_attributes\":{},\"attributes_to_headers\":{},"
    "\"include_headers\":\"SIP_NO_HEADERS\",\"ringing_timeout\":null,"
    "\"max_call_duration\":null,\"krisp_enabled\":false,"
    "\"media_encryption\":\"SIP_MEDIA_ENCRYPT_DISABLE\",\"media\":null,\"created_at\":null,"
    "\"updated_at\":null}";

static char *encode_text(const char *sparse, const struct lk_msg *m)
{
    cJSON *in = sparse ? cJSON_Parse(sparse) : NULL;
    cJSON *out = lk_pj_encode(in, m);
    char *text = cJSON_PrintUnformatted(out);
    cJSON_Delete(in);
    cJSON_Delete(out);
    return text;
}

static void encodes_every_field(void **state)
{
    (void)state; /* no fixture */
    char *got = encode_text("{\"sip_trunk_id\":\"ST_7pQ2mXkT9aBc\",\"name\":\"my-trunk\","
                            "\"numbers\":[\"+15105550100\"]}",
                            &lk_msg_inbound_trunk);
    assert_string_equal(got, inbound_defaults);
    cJSON_free(got);

    got = encode_text(NULL, &lk_msg_trunk_info);
    assert_string_equal(
        got, "{\"sip_trunk_id\":\"\",\"kind\":\"TRUNK_LEGACY\",\"inbound_addresses\":[],"
             "\"outbound_address\":\"\",\"outbound_number\":\"\",\"transport\":"
             "\"SIP_TRANSPORT_AUTO\",\"inbound_numbers_regex\":[],\"inbound_numbers\":[],"
             "\"inbound_username\":\"\",\"inbound_password\":\"\",\"outbound_username\":\"\","
             "\"outbound_password\":\"\",\"name\":\"\",\"metadata\":\"\"}");
    cJSON_free(got);
}

static void encodes_oneof_and_optional_only_when_set(void **state)
{
    (void)state; /* no fixture */
    char *got =
        encode_text("{\"dispatch_rule_individual\":{\"room_prefix\":\"call-\"}}", &lk_msg_rule);
    assert_string_equal(got, "{\"dispatch_rule_individual\":{\"room_prefix\":\"call-\","
                             "\"pin\":\"\",\"no_randomness\":false}}");
    cJSON_free(got);
    /* media: encryption and media_timeout are proto3 optional, absent unless set. */
    got =
        encode_text("{\"media\":{},\"transport\":2,\"include_headers\":7}", &lk_msg_outbound_trunk);
    cJSON *o = cJSON_Parse(got);
    char *media = cJSON_PrintUnformatted(cJSON_GetObjectItem(o, "media"));
    assert_string_equal(media, "{\"only_listed_codecs\":false,\"codecs\":[]}");
    assert_string_equal(cJSON_GetObjectItem(o, "transport")->valuestring, "SIP_TRANSPORT_TCP");
    assert_int_equal(cJSON_GetObjectItem(o, "include_headers")->valueint, 7);
    cJSON_free(media);
    cJSON_free(got);
    cJSON_Delete(o);
}

struct decode_case {
    const struct lk_msg *m;
    const char *in;
    const char *want; /* sparse result, compact; NULL when it must not decode */
};

static const struct decode_case decodes[] = {
    /* The SDK's camelCase, enum names, Duration text. */
    {&lk_msg_create_inbound,
     "{\"trunk\":{\"name\":\"t\",\"allowedAddresses\":[\"1.2.3.4/32\"],\"ringingTimeout\":\"30s\","
     "\"krispEnabled\":true,\"headers\":{\"X-A\":\"b\"}}}",
     "{\"trunk\":{\"name\":\"t\",\"allowed_addresses\":[\"1.2.3.4/32\"],\"ringing_timeout\":"
     "\"30s\",\"krisp_enabled\":true,\"headers\":{\"X-A\":\"b\"}}}"},
    /* snake_case as other clients send it; unknown keys dropped. */
    {&lk_msg_trunk_id_req, "{\"sip_trunk_id\":\"ST_1\",\"extra\":[1,2]}",
     "{\"sip_trunk_id\":\"ST_1\"}"},
    {&lk_msg_create_outbound, "{\"trunk\":{\"transport\":\"SIP_TRANSPORT_TCP\"}}",
     "{\"trunk\":{\"transport\":2}}"},
    {&lk_msg_create_outbound, "{\"trunk\":{\"transport\":\"SIP_TRANSPORT_NEW\"}}",
     "{\"trunk\":{}}"},
    {&lk_msg_create_outbound, "{\"trunk\":{\"transport\":3}}", "{\"trunk\":{\"transport\":3}}"},
    {&lk_msg_create_inbound, "{\"trunk\":{\"ringingTimeout\":\"1.5s\"}}",
     "{\"trunk\":{\"ringing_timeout\":\"1.500s\"}}"},
    {&lk_msg_create_inbound, "{\"trunk\":null}", "{}"},
    {&lk_msg_empty, "{\"anything\":1}", "{}"},
    {&lk_msg_list_rules, "{\"page\":{\"limit\":\"5\"}}", "{\"page\":{\"limit\":5}}"},
    /* Timestamps as protojson writes them back: UTC, "Z", 0/3/6/9 digits (proto_wkt.h). */
    {&lk_msg_create_inbound, "{\"trunk\":{\"createdAt\":\"2024-05-01T10:00:00+02:00\"}}",
     "{\"trunk\":{\"created_at\":\"2024-05-01T08:00:00Z\"}}"},
    {&lk_msg_create_inbound, "{\"trunk\":{\"updatedAt\":\"1970-01-01T00:00:00.5Z\"}}",
     "{\"trunk\":{\"updated_at\":\"1970-01-01T00:00:00.500Z\"}}"},
    {&lk_msg_create_inbound, "{\"trunk\":{\"createdAt\":\"2024-02-30T00:00:00Z\"}}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"createdAt\":\"2024-05-01T10:00:00+1\"}}", NULL},
    /* protojson refuses strings that are not UTF-8. */
    {&lk_msg_trunk_id_req, "{\"sipTrunkId\":\"\xff\"}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"headers\":{\"\xc3\":\"x\"}}}", NULL},
    /* Wrong types and shapes. */
    {&lk_msg_trunk_id_req, "[]", NULL},
    {&lk_msg_trunk_id_req, "{\"sipTrunkId\":5}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"numbers\":\"+1\"}}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"numbers\":[1]}}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"numbers\":[null]}}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"krispEnabled\":\"true\"}}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"ringingTimeout\":30}}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"ringingTimeout\":\"30\"}}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"headers\":{\"a\":1}}}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":{\"createdAt\":\"yesterday\"}}", NULL},
    {&lk_msg_create_inbound, "{\"trunk\":\"x\"}", NULL},
    {&lk_msg_list_rules, "{\"page\":{\"limit\":1.5}}", NULL},
    /* The same field twice, or two members of one oneof. */
    {&lk_msg_trunk_id_req, "{\"sipTrunkId\":\"a\",\"sip_trunk_id\":\"b\"}", NULL},
    {&lk_msg_update_inbound, "{\"replace\":{},\"update\":{}}", NULL},
    {&lk_msg_rule, "{\"dispatchRuleDirect\":{},\"dispatchRuleCallee\":{}}", NULL},
};

static void decodes_as_protojson(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(decodes) / sizeof(decodes[0]); i++) {
        const struct decode_case *c = &decodes[i];
        struct fk_error err = {{0}};
        cJSON *in = cJSON_Parse(c->in);
        cJSON *out = NULL;
        assert_non_null(in);
        int rc = lk_pj_decode(in, c->m, &out, &err);
        if (!c->want) {
            if (rc != FK_EINVAL)
                fail_msg("%s: decoded, should not", c->in);
            assert_null(out);
        } else {
            if (rc != 0)
                fail_msg("%s: %s", c->in, err.msg);
            char *got = cJSON_PrintUnformatted(out);
            if (strcmp(got, c->want) != 0)
                fail_msg("%s: got %s, want %s", c->in, got, c->want);
            cJSON_free(got);
        }
        cJSON_Delete(in);
        cJSON_Delete(out);
    }
}

static void durations(void **state)
{
    static const struct {
        const char *in, *out;
    } ok[] = {{"30s", "30s"},        {"0s", "0s"},
              {"1.5s", "1.500s"},    {"0.000001s", "0.000001s"},
              {"-2.25s", "-2.250s"}, {"1.123456789s", "1.123456789s"}};
    static const char *const bad[] = {"30", "s", "1.s", "1.1234567891s", "+1s", "1 s", ""};
    long long s;
    int ns;
    char buf[40];
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(lk_duration_parse(ok[i].in, &s, &ns), 0);
        lk_duration_format(s, ns, buf, sizeof(buf));
        assert_string_equal(buf, ok[i].out);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(lk_duration_parse(bad[i], &s, &ns), FK_EINVAL);
}

static void json_names(void **state)
{
    char out[64];
    (void)state; /* no fixture */
    lk_json_name("sip_trunk_id", out, sizeof(out));
    assert_string_equal(out, "sipTrunkId");
    lk_json_name("dispatch_rule_individual", out, sizeof(out));
    assert_string_equal(out, "dispatchRuleIndividual");
    lk_json_name("name", out, sizeof(out));
    assert_string_equal(out, "name");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encodes_every_field),
        cmocka_unit_test(encodes_oneof_and_optional_only_when_set),
        cmocka_unit_test(decodes_as_protojson),
        cmocka_unit_test(durations),
        cmocka_unit_test(json_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
