/* proto_json.h: protobuf JSON for the LiveKit SIP messages, driven by field tables.
 *
 * The real server decodes with protojson DiscardUnknown (camelCase json names or snake_case
 * proto names, unknown keys ignored, wrong types an error) and encodes with UseProtoNames +
 * EmitUnpopulated (snake_case, every field present, enum names, null for unset messages,
 * proto3 `optional` and oneof members left out when unset). See docs/reference/livekit.md §1a.
 *
 * Internally a message is a "sparse" cJSON object: snake_case keys, only the fields that were
 * present, enums as numbers, Durations and Timestamps normalised to protojson's text ("30s",
 * "1.500s", "2024-05-01T08:00:00Z"; proto_wkt.h). lk_pj_decode builds one from request JSON,
 * lk_pb_decode (proto_pb.h) from the binary encoding; lk_pj_encode turns one into the JSON
 * answer form. Fake state is stored in the sparse form. Strings must be UTF-8, as protojson
 * requires. RoomConfiguration's egress (RoomEgress, livekit_egress.proto, not modelled) is kept
 * as an opaque object and echoed as given; one that arrived in binary (a base64url string of its
 * bytes, proto_pb.h) reads as unset here. */
#ifndef LK_PROTO_JSON_H
#define LK_PROTO_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"

enum lk_type {
    LK_T_STRING,
    LK_T_BOOL,
    LK_T_INT32,
    LK_T_UINT32,
    LK_T_ENUM,      /* ref: struct lk_enum */
    LK_T_MSG,       /* ref: struct lk_msg */
    LK_T_DURATION,  /* google.protobuf.Duration */
    LK_T_TIMESTAMP, /* google.protobuf.Timestamp */
    LK_T_OPAQUE,    /* a message we do not model: any object, kept as given */
};

#define LK_F_REPEATED 1u /* repeated <type> */
#define LK_F_MAP      2u /* map<string, string> (type is LK_T_STRING) */
#define LK_F_OPTIONAL 4u /* proto3 optional: presence is tracked, omitted when unset */

struct lk_enum {
    const char *const *names; /* index = number */
    size_t n;
};

struct lk_field {
    const char *name; /* proto (snake_case) name; the json name is derived */
    unsigned num;     /* field number (the binary encoding's key, proto_pb.h) */
    enum lk_type type;
    unsigned flags;
    int oneof;       /* 0: none; fields sharing a non-zero value form one oneof */
    const void *ref; /* struct lk_msg * or struct lk_enum * */
};

struct lk_msg {
    const char *name; /* "livekit.SIPInboundTrunkInfo", for messages */
    const struct lk_field *fields;
    size_t nfields;
};

/* The messages of livekit_sip.proto the fake speaks. */
extern const struct lk_msg lk_msg_media;           /* SIPMediaConfig */
extern const struct lk_msg lk_msg_inbound_trunk;   /* SIPInboundTrunkInfo */
extern const struct lk_msg lk_msg_outbound_trunk;  /* SIPOutboundTrunkInfo */
extern const struct lk_msg lk_msg_trunk_info;      /* SIPTrunkInfo (deprecated) */
extern const struct lk_msg lk_msg_dispatch_rule;   /* SIPDispatchRuleInfo */
extern const struct lk_msg lk_msg_rule;            /* SIPDispatchRule */
extern const struct lk_msg lk_msg_list_update;     /* ListUpdate */
extern const struct lk_msg lk_msg_create_inbound;  /* CreateSIPInboundTrunkRequest */
extern const struct lk_msg lk_msg_create_outbound; /* CreateSIPOutboundTrunkRequest */
extern const struct lk_msg lk_msg_update_inbound;  /* UpdateSIPInboundTrunkRequest */
extern const struct lk_msg lk_msg_update_outbound; /* UpdateSIPOutboundTrunkRequest */
extern const struct lk_msg lk_msg_trunk_id_req;    /* Get...TrunkRequest, DeleteSIPTrunkRequest */
extern const struct lk_msg lk_msg_list_trunks;     /* ListSIP{In,Out}boundTrunkRequest */
extern const struct lk_msg lk_msg_list_legacy;     /* ListSIPTrunkRequest (deprecated) */
extern const struct lk_msg lk_msg_create_rule;     /* CreateSIPDispatchRuleRequest */
extern const struct lk_msg lk_msg_update_rule;     /* UpdateSIPDispatchRuleRequest */
extern const struct lk_msg lk_msg_list_rules;      /* ListSIPDispatchRuleRequest */
extern const struct lk_msg lk_msg_rule_id_req;     /* DeleteSIPDispatchRuleRequest */
extern const struct lk_msg lk_msg_empty;           /* requests we accept but do not read */
/* Answers: GetSIP{In,Out}boundTrunkResponse {trunk}, List*Response {items}. */
extern const struct lk_msg lk_msg_get_inbound_resp;
extern const struct lk_msg lk_msg_get_outbound_resp;
extern const struct lk_msg lk_msg_list_inbound_resp;
extern const struct lk_msg lk_msg_list_outbound_resp;
extern const struct lk_msg lk_msg_list_legacy_resp;
extern const struct lk_msg lk_msg_list_rules_resp;

/* Decode in (borrowed) as message m into a new sparse object (*out, caller cJSON_Delete()s).
 * FK_EINVAL when in does not decode (err says where: "trunk.numbers[0]: expected a string"),
 * FK_ENOMEM. *out is NULL on failure. */
int lk_pj_decode(const cJSON *in, const struct lk_msg *m, cJSON **out,
                 struct fk_error *err) FK_MUST_CHECK;

/* The answer form of a sparse message (borrowed; NULL is an empty message). Caller
 * cJSON_Delete()s the result; NULL on ENOMEM. */
cJSON *lk_pj_encode(const cJSON *sparse, const struct lk_msg *m);

/* The lowerCamelCase json name of a proto name ("sip_trunk_id" -> "sipTrunkId"). */
void lk_json_name(const char *proto_name, char *out, size_t outlen);

/* Sparse-object accessors: "" / false / NULL / 0 when absent. Borrowed. */
const char *lk_get_str(const cJSON *obj, const char *key);
bool lk_get_bool(const cJSON *obj, const char *key);
const cJSON *lk_get_array(const cJSON *obj, const char *key); /* NULL when absent */
int lk_array_len(const cJSON *obj, const char *key);
bool lk_array_has(const cJSON *arr, const char *s);
/* obj[key] = value, replacing any earlier value. 0 or FK_ENOMEM. */
int lk_set_str(cJSON *obj, const char *key, const char *value) FK_MUST_CHECK;
/* obj[key] = v (taken, even on failure; NULL means ENOMEM), replacing any earlier value. */
int lk_put(cJSON *obj, const char *key, cJSON *v) FK_MUST_CHECK;

#endif
