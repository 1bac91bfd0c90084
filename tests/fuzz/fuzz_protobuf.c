/* fuzz_protobuf.c: protobuf binary decoding of every LiveKit SIP message the fake reads or
 * writes (fake_livekit/proto_pb.c), as fuzz_protojson.c does for JSON.
 *
 * Input: one selector byte (which message), then the message's bytes. A message that decodes
 * must encode, and its encoding must decode to the same sparse message and encode to the
 * same bytes again (proto.Marshal's output is what proto.Unmarshal reads back). It must also
 * read the same through the JSON codec: its JSON answer form, decoded as JSON, encodes to the
 * same bytes, unless it holds a RoomConfiguration, which only the binary form keeps. A
 * message that does not decode leaves no object and says why. The journal's password mask
 * (lk_pb_mask_secrets) runs on every input too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/proto_pb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct lk_msg *const msgs[] = {
    &lk_msg_inbound_trunk,
    &lk_msg_outbound_trunk,
    &lk_msg_trunk_info,
    &lk_msg_dispatch_rule,
    &lk_msg_rule,
    &lk_msg_list_update,
    &lk_msg_create_inbound,
    &lk_msg_create_outbound,
    &lk_msg_update_inbound,
    &lk_msg_update_outbound,
    &lk_msg_trunk_id_req,
    &lk_msg_list_trunks,
    &lk_msg_list_legacy,
    &lk_msg_create_rule,
    &lk_msg_update_rule,
    &lk_msg_list_rules,
    &lk_msg_rule_id_req,
    &lk_msg_media,
    &lk_msg_get_inbound_resp,
    &lk_msg_list_inbound_resp,
    &lk_msg_list_rules_resp,
    &lk_msg_list_legacy_resp,
    &lk_msg_empty,
};
#define NMSGS (sizeof(msgs) / sizeof(msgs[0]))

/* sparse encoded as m into b (initialised here); aborts when it cannot be. */
static void encode(const cJSON *sparse, const struct lk_msg *m, struct fk_buf *b)
{
    fk_buf_init(b, LK_PB_MAX_OUT);
    if (lk_pb_encode(sparse, m, b) != 0)
        abort();
}

static bool same_bytes(const struct fk_buf *a, const struct fk_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* The JSON codec reads the message as the binary one does. */
static void through_json(const cJSON *sparse, const struct lk_msg *m, const struct fk_buf *want)
{
    struct fk_error err = {{0}};
    struct fk_buf b;
    cJSON *json = lk_pj_encode(sparse, m), *back = NULL;
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    /* RoomEgress (opaque) has a form in one encoding only. */
    if (!text || strstr(text, "\"egress\"") == NULL) {
        if (json && lk_pj_decode(json, m, &back, &err) != 0)
            abort(); /* the answer form must read back as JSON */
        if (back) {
            encode(back, m, &b);
            if (!same_bytes(&b, want))
                abort();
            fk_buf_cleanup(&b);
        }
    }
    cJSON_free(text);
    cJSON_Delete(back);
    cJSON_Delete(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fk_error err = {{0}};
    struct fk_buf first, second;
    cJSON *sparse = NULL, *again = NULL;

    if (size < 1)
        return 0;
    const struct lk_msg *m = msgs[data[0] % NMSGS];
    /* The journal's mask reads any bytes, cut short or not, and writes only within them;
     * what decoded before it still decodes after (only string bytes became '*'). */
    uint8_t *masked = malloc(size);
    if (masked == NULL)
        return 0;
    memcpy(masked, data + 1, size - 1);
    bool changed = lk_pb_mask_secrets(m, masked, size - 1);
    cJSON *was = NULL;
    if (changed && lk_pb_decode(data + 1, size - 1, m, &was, &err) == 0) {
        cJSON *now = NULL;
        if (lk_pb_decode(masked, size - 1, m, &now, &err) != 0)
            abort();
        cJSON_Delete(now);
    }
    cJSON_Delete(was);
    free(masked);
    if (lk_pb_decode(data + 1, size - 1, m, &sparse, &err) != 0) {
        if (sparse || !err.msg[0])
            abort();
        return 0;
    }
    encode(sparse, m, &first);
    if (lk_pb_decode(first.data, first.len, m, &again, &err) != 0)
        abort(); /* what was written must read back */
    if (!cJSON_Compare(sparse, again, true))
        abort();
    encode(again, m, &second);
    if (!same_bytes(&first, &second))
        abort();
    through_json(sparse, m, &first);
    fk_buf_cleanup(&first);
    fk_buf_cleanup(&second);
    cJSON_Delete(again);
    cJSON_Delete(sparse);
    return 0;
}
