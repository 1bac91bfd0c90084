/* test_lk_proto_pb.c: the protobuf binary codec of fake_livekit (proto_pb.h) on bytes written
 * by hand from the proto3 wire format (protobuf.dev encoding guide) and livekit_sip.proto's
 * field numbers: what proto.Marshal writes (number order, defaults left out unless the field
 * has presence, sign-extended negative enums, map entries with key and value) and how
 * proto.Unmarshal reads (unknown and mistyped fields skipped, last scalar wins, messages
 * merged, oneof members replaced, strings UTF-8), and that a message reads the same through
 * JSON and through binary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/proto_pb.h"

/* hex ("0a 07 12") into out; returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = hex; *p;) {
        unsigned v;
        if (*p == ' ') {
            p++;
            continue;
        }
        assert_int_equal(sscanf(p, "%2x", &v), 1);
        assert_true(n < cap);
        out[n++] = (uint8_t)v;
        p += 2;
    }
    return n;
}

static void encodes_to(const char *sparse, const struct lk_msg *m, const char *hex)
{
    uint8_t want[256];
    size_t n = unhex(hex, want, sizeof(want));
    struct fk_buf b;
    cJSON *in = cJSON_Parse(sparse);
    assert_non_null(in);
    fk_buf_init(&b, LK_PB_MAX_OUT);
    assert_int_equal(lk_pb_encode(in, m, &b), 0);
    if (b.len != n || (n && memcmp(b.data, want, n) != 0)) {
        char got[600] = "";
        for (size_t i = 0; i < b.len && i < 190; i++)
            snprintf(got + 3 * i, sizeof(got) - 3 * i, "%02x ", (unsigned char)b.data[i]);
        fail_msg("%s: got %s, want %s", sparse, got, hex);
    }
    fk_buf_cleanup(&b);
    cJSON_Delete(in);
}

/* hex decoded as m gives the sparse JSON want (NULL: refused as malformed). */
static void decodes_to(const char *hex, const struct lk_msg *m, const char *want)
{
    uint8_t buf[256];
    size_t n = unhex(hex, buf, sizeof(buf));
    struct fk_error err = {{0}};
    cJSON *out = NULL;
    int rc = lk_pb_decode(buf, n, m, &out, &err);
    if (!want) {
        if (rc != FK_EINVAL || out)
            fail_msg("%s: decoded, should not", hex);
        assert_true(err.msg[0] != '\0');
        return;
    }
    if (rc != 0)
        fail_msg("%s: %s", hex, err.msg);
    char *got = cJSON_PrintUnformatted(out);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got %s, want %s", hex, got, want);
    cJSON_free(got);
    cJSON_Delete(out);
}

static void marshal(void **state)
{
    (void)state; /* no fixture */
    /* CreateSIPInboundTrunkRequest{trunk(1){name(2) "a", numbers(4) ["+1"]}}. */
    encodes_to("{\"trunk\":{\"numbers\":[\"+1\"],\"name\":\"a\"}}", &lk_msg_create_inbound,
               "0a 07 12 01 61 22 02 2b 31");
    /* Number order, not declaration order: auth_realm is 19, media 20 (an empty message is
     * still written: it is set), after the sip_trunk_id; "" and false are defaults. */
    encodes_to("{\"media\":{},\"auth_realm\":\"r\",\"name\":\"\",\"krisp_enabled\":false,"
               "\"sip_trunk_id\":\"ST\"}",
               &lk_msg_inbound_trunk, "0a 02 53 54 9a 01 01 72 a2 01 00");
    /* Duration (ringing_timeout = 11): seconds 1, nanos 500000000. */
    encodes_to("{\"ringing_timeout\":\"1.500s\"}", &lk_msg_inbound_trunk,
               "5a 08 08 01 10 80 ca b5 ee 01");
    /* A negative enum is a 10-byte varint; an optional field set to "" is written (presence). */
    encodes_to("{\"transport\":-1}", &lk_msg_outbound_trunk, "28 ff ff ff ff ff ff ff ff ff 01");
    encodes_to("{\"sip_trunk_id\":\"x\",\"update\":{\"name\":\"\"}}", &lk_msg_update_inbound,
               "0a 01 78 1a 02 32 00");
    /* map<string,string> headers = 9: one entry {key(1) "X-A", value(2) "b"}; and an entry
     * with an empty value keeps it. */
    encodes_to("{\"headers\":{\"X-A\":\"b\",\"Y\":\"\"}}", &lk_msg_inbound_trunk,
               "4a 08 0a 03 58 2d 41 12 01 62 4a 05 0a 01 59 12 00");
    /* Timestamp created_at = 17 (2024-05-01T08:00:00Z). */
    encodes_to("{\"created_at\":\"2024-05-01T08:00:00Z\"}", &lk_msg_inbound_trunk,
               "8a 01 06 08 80 ed c7 b1 06");
    /* Lists of messages: ListSIPInboundTrunkResponse{items(1)}; an empty item is written. */
    encodes_to("{\"items\":[{},{\"name\":\"a\"}]}", &lk_msg_list_inbound_resp,
               "0a 00 0a 03 12 01 61");
}

static void unmarshal(void **state)
{
    (void)state; /* no fixture */
    decodes_to("", &lk_msg_trunk_id_req, "{}");
    /* Unknown fields of every wire type are skipped: varint, fixed64, fixed32, a group, a
     * length; so is a known field of the wrong wire type. */
    decodes_to("28 01 31 01 02 03 04 05 06 07 08 3d 01 02 03 04 43 08 01 44 52 01 00 08 05 "
               "0a 01 78",
               &lk_msg_trunk_id_req, "{\"sip_trunk_id\":\"x\"}");
    /* The last scalar wins; a default ("") is no value. */
    decodes_to("0a 01 61 0a 01 62", &lk_msg_trunk_id_req, "{\"sip_trunk_id\":\"b\"}");
    decodes_to("0a 01 61 0a 00", &lk_msg_trunk_id_req, "{}");
    /* A message given twice is merged; repeated fields append. */
    decodes_to("0a 03 12 01 61 0a 04 22 02 2b 31 0a 04 22 02 2b 32", &lk_msg_create_inbound,
               "{\"trunk\":{\"name\":\"a\",\"numbers\":[\"+1\",\"+2\"]}}");
    /* A oneof member replaces the other (replace = 2, update = 3). */
    decodes_to("12 00 1a 00", &lk_msg_update_inbound, "{\"update\":{}}");
    decodes_to("1a 02 32 00 12 00", &lk_msg_update_inbound, "{\"replace\":{}}");
    /* An empty rule message is a set rule without a member (GetPinAndRoom's <nil>). */
    decodes_to("0a 00", &lk_msg_create_rule, "{\"rule\":{}}");
    /* Map entries: a missing value is "", a later key wins. */
    decodes_to("4a 03 0a 01 41 4a 06 0a 01 41 12 01 62", &lk_msg_inbound_trunk,
               "{\"headers\":{\"A\":\"b\"}}");
    decodes_to("4a 03 0a 01 41", &lk_msg_inbound_trunk, "{\"headers\":{\"A\":\"\"}}");
    /* Durations merge field by field; Timestamps come out as protojson writes them. */
    decodes_to("5a 02 08 1e 5a 02 10 01", &lk_msg_inbound_trunk,
               "{\"ringing_timeout\":\"30.000000001s\"}");
    decodes_to("8a 01 06 08 80 ed c7 b1 06", &lk_msg_inbound_trunk,
               "{\"created_at\":\"2024-05-01T08:00:00Z\"}");
    /* Enums keep numbers the fake has no name for (proto3 enums are open). */
    decodes_to("28 09", &lk_msg_outbound_trunk, "{\"transport\":9}");
    /* RoomConfiguration is modelled (livekit_room.proto): name is field 1, agents 10. A
     * field sent with another wire type than its own is an unknown field to protobuf-go
     * (impl/decode.go: errUnknown on a wire type mismatch), so 08 01 is skipped. */
    decodes_to("4a 03 0a 01 72", &lk_msg_create_rule, "{\"room_config\":{\"name\":\"r\"}}");
    encodes_to("{\"room_config\":{\"name\":\"r\"}}", &lk_msg_create_rule, "4a 03 0a 01 72");
    decodes_to("4a 02 08 01", &lk_msg_create_rule, "{\"room_config\":{}}");
    decodes_to("4a 05 52 03 0a 01 61", &lk_msg_create_rule,
               "{\"room_config\":{\"agents\":[{\"agent_name\":\"a\"}]}}");
    /* Its egress (RoomEgress, not modelled) keeps its bytes (CgIIAQ = 0a 02 08 01); one given
     * in JSON cannot be written in binary and is left out. */
    decodes_to("4a 06 2a 04 0a 02 08 01", &lk_msg_create_rule,
               "{\"room_config\":{\"egress\":\"CgIIAQ\"}}");
    encodes_to("{\"room_config\":{\"egress\":\"CgIIAQ\"}}", &lk_msg_create_rule,
               "4a 06 2a 04 0a 02 08 01");
    encodes_to("{\"room_config\":{\"egress\":{\"room\":{}}}}", &lk_msg_create_rule, "4a 00");
}

static void malformed(void **state)
{
    static const char *const bad[] = {
        "0a 80",                            /* varint cut short */
        "0a 05 61",                         /* length past the end */
        "02 00",                            /* field number 0 */
        "0f",                               /* wire type 7 */
        "0c",                               /* end of a group never opened */
        "43 08 01",                         /* group never closed */
        "43 4c",                            /* group closed by another number */
        "0a 01 ff",                         /* not UTF-8 */
        "0a 02 c0 80",                      /* overlong UTF-8 */
        "0a 01 00",                         /* NUL: the sparse form cannot hold it */
        "28 ff ff ff ff ff ff ff ff ff 02", /* varint over 64 bits */
        "80 80 80 80 10 00",                /* field number over 2^29 - 1 */
    };
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        decodes_to(bad[i], i == 10 ? &lk_msg_outbound_trunk : &lk_msg_trunk_id_req, NULL);
    /* Durations and Timestamps protojson could not write. */
    decodes_to("5a 07 08 81 bc ae ce 97 09", &lk_msg_inbound_trunk, NULL);
    decodes_to("5a 0d 08 01 10 ff ff ff ff ff ff ff ff ff 01", &lk_msg_inbound_trunk,
               NULL); /* nanos of the other sign */
    decodes_to("8a 01 0b 10 ff ff ff ff ff ff ff ff ff 01", &lk_msg_inbound_trunk, NULL);
    /* Map keys and values are strings too. */
    decodes_to("4a 03 0a 01 ff", &lk_msg_inbound_trunk, NULL);
}

/* Each JSON request reads the same through binary: JSON -> sparse -> binary -> sparse ->
 * JSON answer form equals JSON -> sparse -> JSON answer form. */
static void json_and_binary_agree(void **state)
{
    static const struct {
        const struct lk_msg *m;
        const char *json;
    } samples[] = {
        {&lk_msg_create_inbound,
         "{\"trunk\":{\"name\":\"my-trunk\",\"metadata\":\"m\",\"numbers\":[\"+15105550100\"],"
         "\"allowedAddresses\":[\"1.2.3.4/32\"],\"authUsername\":\"u\",\"authPassword\":\"p\","
         "\"headers\":{\"X-A\":\"b\"},\"ringingTimeout\":\"30s\",\"krispEnabled\":true,"
         "\"media\":{\"onlyListedCodecs\":true,\"codecs\":[{\"name\":\"PCMU\",\"rate\":8000}],"
         "\"encryption\":\"SIP_MEDIA_ENCRYPT_REQUIRE\",\"mediaTimeout\":\"1.5s\"},"
         "\"createdAt\":\"2024-05-01T08:00:00.123Z\",\"includeHeaders\":\"SIP_ALL_HEADERS\"}}"},
        {&lk_msg_create_outbound,
         "{\"trunk\":{\"name\":\"out\",\"address\":\"sip.example.com\",\"transport\":"
         "\"SIP_TRANSPORT_TCP\",\"numbers\":[\"+1\",\"+2\"],\"destinationCountry\":\"US\","
         "\"fromHost\":\"h\",\"attributesToHeaders\":{\"a\":\"X-A\"}}}"},
        {&lk_msg_update_outbound,
         "{\"sipTrunkId\":\"ST_1\",\"update\":{\"address\":\"\",\"transport\":\"SIP_TRANSPORT_"
         "UDP\","
         "\"numbers\":{\"add\":[\"+3\"],\"remove\":[\"+1\"]},\"mediaEncryption\":"
         "\"SIP_MEDIA_ENCRYPT_DISABLE\"}}"},
        {&lk_msg_create_rule,
         "{\"rule\":{\"dispatchRuleCallee\":{\"roomPrefix\":\"c-\",\"pin\":\"12\",\"randomize\":"
         "true}},\"trunkIds\":[\"ST_1\"],\"hidePhoneNumber\":true,\"inboundNumbers\":[\"+1\"],"
         "\"name\":\"r\",\"attributes\":{\"k\":\"v\"},\"roomPreset\":\"p\","
         "\"dispatchRule\":{\"numbers\":[\"+9\"],\"krispEnabled\":true}}"},
        {&lk_msg_update_rule,
         "{\"sipDispatchRuleId\":\"SDR_1\",\"update\":{\"trunkIds\":{\"clear\":true},\"rule\":"
         "{\"dispatchRuleDirect\":{\"roomName\":\"x\"}},\"metadata\":\"\",\"attributes\":"
         "{\"k\":\"\"}}}"},
        {&lk_msg_list_trunks,
         "{\"page\":{\"afterId\":\"ST_a\",\"limit\":-3},\"trunkIds\":[\"a\"],\"numbers\":[\"b\"]}"},
        {&lk_msg_list_rules, "{\"page\":{\"limit\":2147483647},\"dispatchRuleIds\":[\"x\"]}"},
        {&lk_msg_list_legacy, "{\"page\":{\"afterId\":\"z\"}}"},
    };
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        struct fk_error err = {{0}};
        struct fk_buf b;
        cJSON *in = cJSON_Parse(samples[i].json), *a = NULL, *back = NULL;
        assert_non_null(in);
        if (lk_pj_decode(in, samples[i].m, &a, &err) != 0)
            fail_msg("sample %zu: %s", i, err.msg);
        fk_buf_init(&b, LK_PB_MAX_OUT);
        assert_int_equal(lk_pb_encode(a, samples[i].m, &b), 0);
        if (lk_pb_decode(b.data, b.len, samples[i].m, &back, &err) != 0)
            fail_msg("sample %zu: binary does not read back: %s", i, err.msg);
        cJSON *ja = lk_pj_encode(a, samples[i].m), *jb = lk_pj_encode(back, samples[i].m);
        if (!cJSON_Compare(ja, jb, true)) {
            char *x = cJSON_PrintUnformatted(ja), *y = cJSON_PrintUnformatted(jb);
            fail_msg("sample %zu:\njson   %s\nbinary %s", i, x, y);
        }
        cJSON_Delete(ja);
        cJSON_Delete(jb);
        cJSON_Delete(back);
        cJSON_Delete(a);
        cJSON_Delete(in);
        fk_buf_cleanup(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(marshal),
        cmocka_unit_test(unmarshal),
        cmocka_unit_test(malformed),
        cmocka_unit_test(json_and_binary_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
