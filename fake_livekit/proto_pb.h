/* proto_pb.h: the protobuf binary encoding of the LiveKit SIP messages, driven by the same
 * field tables (proto_sip.c) and producing the same sparse cJSON form as proto_json.h, so the
 * handlers never know which encoding a request came in.
 *
 * Twirp clients in Go and most other languages send Content-Type application/protobuf by
 * default; livekit-server's generated Twirp server then decodes with proto.Unmarshal and
 * answers with proto.Marshal (livekit/protocol livekit/livekit_sip.twirp.go). Decoding here
 * follows proto.Unmarshal: fields in any order, a scalar given twice keeps the last value, a
 * message given twice is merged, repeated fields append (numeric ones packed or not), a oneof
 * member replaces the other members, unknown field numbers and fields of an unexpected wire
 * type are skipped (groups included), strings must be UTF-8. Encoding follows proto.Marshal:
 * fields in number order, proto3 defaults left out unless the field tracks presence (optional,
 * oneof, messages), map entries with both key and value.
 *
 * What the sparse form cannot hold is refused as malformed rather than altered: a string
 * with a NUL byte (cJSON strings end at NUL), a Duration or Timestamp protojson could not
 * write. RoomConfiguration's egress (RoomEgress, not modelled, see proto_json.h) is kept as its
 * raw bytes when it arrives in binary and re-sent as such; the JSON form of the same field reads
 * as unset, and an egress that arrived as JSON is left out of binary answers. */
#ifndef LK_PROTO_PB_H
#define LK_PROTO_PB_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fake_livekit/proto_json.h"
#include "fakekit/buf.h"
#include "fakekit/err.h"

/* Largest answer lk_pb_encode builds (a List of every stored item stays far below it). */
#define LK_PB_MAX_OUT ((size_t)256 << 20)

/* Decode len bytes at buf as message m into a new sparse object (*out, caller
 * cJSON_Delete()s). FK_EINVAL when the bytes do not decode (err says why), FK_ENOMEM. *out is
 * NULL on failure. */
int lk_pb_decode(const void *buf, size_t len, const struct lk_msg *m, cJSON **out,
                 struct fk_error *err) FK_MUST_CHECK;

/* Append the binary form of sparse (borrowed; NULL is an empty message) as message m to out.
 * 0, FK_ENOMEM, or FK_ERANGE past out's limit. */
int lk_pb_encode(const cJSON *sparse, const struct lk_msg *m, struct fk_buf *out) FK_MUST_CHECK;

/* For the journal: overwrite with '*', in place, the bytes of every string field of message m
 * (at any depth) whose name is a secret name (fakekit/redact.h: auth_password,
 * outbound_password...) and every map value whose key is one. buf may be cut short or not
 * decode: what can be read is masked, a string cut at the end of buf included. True when any
 * byte changed. */
bool lk_pb_mask_secrets(const struct lk_msg *m, void *buf, size_t len);

#endif
