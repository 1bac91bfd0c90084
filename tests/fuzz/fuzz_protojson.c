/* fuzz_protojson.c: protobuf JSON decoding of every LiveKit SIP message the fake reads
 * (fake_livekit/proto_json.c), and protojson Durations.
 *
 * Input: one selector byte (which message), then JSON text. A decoded message is encoded to
 * the answer form (snake_case, every field, enum names); that answer must decode again as
 * the same message and encode to the same JSON (protojson reads its own output). The rest of
 * the input, read as a Duration, must survive format(parse(x)) unchanged in value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/proto_json.h"
#include "fake_livekit/proto_wkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct lk_msg *const msgs[] = {
    &lk_msg_inbound_trunk,  &lk_msg_outbound_trunk,
    &lk_msg_trunk_info,     &lk_msg_dispatch_rule,
    &lk_msg_rule,           &lk_msg_list_update,
    &lk_msg_create_inbound, &lk_msg_create_outbound,
    &lk_msg_update_inbound, &lk_msg_update_outbound,
    &lk_msg_trunk_id_req,   &lk_msg_list_trunks,
    &lk_msg_create_rule,    &lk_msg_update_rule,
    &lk_msg_list_rules,     &lk_msg_rule_id_req,
    &lk_msg_empty,          &lk_msg_list_legacy,
    &lk_msg_media,
};
#define NMSGS (sizeof(msgs) / sizeof(msgs[0]))

static void duration(const char *text)
{
    long long s = 0, s2 = 0;
    int ns = 0, ns2 = 0;
    char out[32];

    if (lk_duration_parse(text, &s, &ns) != 0)
        return;
    if (ns <= -1000000000 || ns >= 1000000000 || (s > 0 && ns < 0) || (s < 0 && ns > 0))
        abort();
    lk_duration_format(s, ns, out, sizeof(out));
    if (lk_duration_parse(out, &s2, &ns2) != 0 || s2 != s || ns2 != ns)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct lk_msg *m;
    struct fk_error err = {{0}};
    cJSON *in, *sparse = NULL, *sparse2 = NULL, *enc = NULL, *enc2 = NULL;
    char *text;

    if (size < 1)
        return 0;
    m = msgs[data[0] % NMSGS];
    if ((text = malloc(size)) == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    duration(text);
    in = cJSON_ParseWithLength(text, size - 1);
    free(text);
    if (in == NULL)
        return 0;
    if (lk_pj_decode(in, m, &sparse, &err) == 0) {
        if (sparse == NULL)
            abort();
        enc = lk_pj_encode(sparse, m);
        if (enc != NULL) {
            if (lk_pj_decode(enc, m, &sparse2, &err) != 0)
                abort(); /* the answer form must read back */
            enc2 = lk_pj_encode(sparse2, m);
            if (enc2 != NULL && !cJSON_Compare(enc, enc2, 1))
                abort();
        }
    } else if (sparse != NULL || err.msg[0] == '\0') {
        abort();
    }
    cJSON_Delete(enc2);
    cJSON_Delete(sparse2);
    cJSON_Delete(enc);
    cJSON_Delete(sparse);
    cJSON_Delete(in);
    return 0;
}
