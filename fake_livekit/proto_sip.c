/* proto_sip.c: the field tables of livekit_sip.proto (contracts/upstream/livekit_sip.proto).
 *
 * Each table lists fields in declaration order, which is the order protojson writes keys in
 * (docs/reference/livekit.md §3 shows it), with the field numbers of the .proto, which the
 * binary encoding (proto_pb.h) is keyed by. Pagination and ListUpdate come from
 * livekit_models.proto (livekit/protocol protobufs/livekit_models.proto at 17c16cf);
 * RoomConfiguration from livekit_room.proto, its RoomEgress opaque (see proto_json.h). */
#include "fake_livekit/proto_json.h"

#define MSG(n, f)                                                                                  \
    {                                                                                              \
        n, f, FK_NELEM(f)                                                                          \
    }

static const char *const transport_names[] = {"SIP_TRANSPORT_AUTO", "SIP_TRANSPORT_UDP",
                                              "SIP_TRANSPORT_TCP", "SIP_TRANSPORT_TLS"};
static const char *const header_names[] = {"SIP_NO_HEADERS", "SIP_X_HEADERS", "SIP_ALL_HEADERS"};
static const char *const encryption_names[] = {
    "SIP_MEDIA_ENCRYPT_DISABLE", "SIP_MEDIA_ENCRYPT_ALLOW", "SIP_MEDIA_ENCRYPT_REQUIRE"};
static const char *const kind_names[] = {"TRUNK_LEGACY", "TRUNK_INBOUND", "TRUNK_OUTBOUND"};
static const struct lk_enum e_transport = {transport_names, FK_NELEM(transport_names)};
static const struct lk_enum e_headers = {header_names, FK_NELEM(header_names)};
static const struct lk_enum e_encryption = {encryption_names, FK_NELEM(encryption_names)};
static const struct lk_enum e_kind = {kind_names, FK_NELEM(kind_names)};

/* Field macros: proto name, field number, then what the table needs. */
#define STR(n, k)                                                                                  \
    {                                                                                              \
        n, k, LK_T_STRING, 0, 0, NULL                                                              \
    }
#define OSTR(n, k)                                                                                 \
    {                                                                                              \
        n, k, LK_T_STRING, LK_F_OPTIONAL, 0, NULL                                                  \
    }
#define STRS(n, k)                                                                                 \
    {                                                                                              \
        n, k, LK_T_STRING, LK_F_REPEATED, 0, NULL                                                  \
    }
#define MAP(n, k)                                                                                  \
    {                                                                                              \
        n, k, LK_T_STRING, LK_F_MAP, 0, NULL                                                       \
    }
#define BOOL(n, k)                                                                                 \
    {                                                                                              \
        n, k, LK_T_BOOL, 0, 0, NULL                                                                \
    }
#define ENUM(n, k, e)                                                                              \
    {                                                                                              \
        n, k, LK_T_ENUM, 0, 0, &(e)                                                                \
    }
#define OENUM(n, k, e)                                                                             \
    {                                                                                              \
        n, k, LK_T_ENUM, LK_F_OPTIONAL, 0, &(e)                                                    \
    }
#define SUB(n, k, m)                                                                               \
    {                                                                                              \
        n, k, LK_T_MSG, 0, 0, &(m)                                                                 \
    }
#define SUBS(n, k, m)                                                                              \
    {                                                                                              \
        n, k, LK_T_MSG, LK_F_REPEATED, 0, &(m)                                                     \
    }
#define ONEOF(n, k, m)                                                                             \
    {                                                                                              \
        n, k, LK_T_MSG, 0, 1, &(m)                                                                 \
    }
#define DUR(n, k)                                                                                  \
    {                                                                                              \
        n, k, LK_T_DURATION, 0, 0, NULL                                                            \
    }
#define TS(n, k)                                                                                   \
    {                                                                                              \
        n, k, LK_T_TIMESTAMP, 0, 0, NULL                                                           \
    }
#define U32(n, k)                                                                                  \
    {                                                                                              \
        n, k, LK_T_UINT32, 0, 0, NULL                                                              \
    }

/* RoomConfiguration and RoomAgentDispatch (livekit/protocol 17c16cf protobufs/livekit_room.proto
 * and livekit_agent_dispatch.proto), so that a rule's room_config, its agents above all, reads
 * back in either encoding as the real server's stored message does. RoomEgress (the egress
 * requests of livekit_egress.proto) stays opaque: kept in the encoding it came in. */
static const char *const restart_names[] = {"JRP_ON_FAILURE", "JRP_NEVER"};
static const struct lk_enum e_restart = {restart_names, FK_NELEM(restart_names)};

static const struct lk_field f_agent_dispatch[] = {
    STR("agent_name", 1), STR("metadata", 2),   ENUM("restart_policy", 3, e_restart),
    STR("deployment", 4), MAP("attributes", 5),
};
static const struct lk_msg m_agent_dispatch = MSG("livekit.RoomAgentDispatch", f_agent_dispatch);

static const struct lk_field f_room_config[] = {
    STR("name", 1),
    U32("empty_timeout", 2),
    U32("departure_timeout", 3),
    U32("max_participants", 4),
    STR("metadata", 11),
    {"egress", 5, LK_T_OPAQUE, 0, 0, NULL},
    U32("min_playout_delay", 7),
    U32("max_playout_delay", 8),
    BOOL("sync_streams", 9),
    SUBS("agents", 10, m_agent_dispatch),
    MAP("tags", 12),
};
static const struct lk_msg m_room_config = MSG("livekit.RoomConfiguration", f_room_config);

#define ROOM_CONFIG(k) SUB("room_config", k, m_room_config)

static const struct lk_field f_codec[] = {STR("name", 1), {"rate", 2, LK_T_UINT32, 0, 0, NULL}};
static const struct lk_msg m_codec = MSG("livekit.SIPCodec", f_codec);

static const struct lk_field f_media[] = {
    BOOL("only_listed_codecs", 1),
    SUBS("codecs", 2, m_codec),
    OENUM("encryption", 3, e_encryption),
    {"media_timeout", 4, LK_T_DURATION, LK_F_OPTIONAL, 0, NULL},
};
const struct lk_msg lk_msg_media = MSG("livekit.SIPMediaConfig", f_media);

static const struct lk_field f_inbound[] = {
    STR("sip_trunk_id", 1),
    STR("name", 2),
    STR("metadata", 3),
    STRS("numbers", 4),
    STRS("allowed_addresses", 5),
    STRS("allowed_numbers", 6),
    STR("auth_username", 7),
    STR("auth_password", 8),
    STR("auth_realm", 19),
    MAP("headers", 9),
    MAP("headers_to_attributes", 10),
    MAP("attributes_to_headers", 14),
    ENUM("include_headers", 15, e_headers),
    DUR("ringing_timeout", 11),
    DUR("max_call_duration", 12),
    BOOL("krisp_enabled", 13),
    ENUM("media_encryption", 16, e_encryption),
    SUB("media", 20, lk_msg_media),
    TS("created_at", 17),
    TS("updated_at", 18),
};
const struct lk_msg lk_msg_inbound_trunk = MSG("livekit.SIPInboundTrunkInfo", f_inbound);

static const struct lk_field f_outbound[] = {
    STR("sip_trunk_id", 1),
    STR("name", 2),
    STR("metadata", 3),
    STR("address", 4),
    STR("destination_country", 14),
    ENUM("transport", 5, e_transport),
    STRS("numbers", 6),
    STR("auth_username", 7),
    STR("auth_password", 8),
    MAP("headers", 9),
    MAP("headers_to_attributes", 10),
    MAP("attributes_to_headers", 11),
    ENUM("include_headers", 12, e_headers),
    ENUM("media_encryption", 13, e_encryption),
    SUB("media", 18, lk_msg_media),
    STR("from_host", 15),
    TS("created_at", 16),
    TS("updated_at", 17),
};
const struct lk_msg lk_msg_outbound_trunk = MSG("livekit.SIPOutboundTrunkInfo", f_outbound);

static const struct lk_field f_trunk_info[] = {
    STR("sip_trunk_id", 1),
    ENUM("kind", 14, e_kind),
    STRS("inbound_addresses", 2),
    STR("outbound_address", 3),
    STR("outbound_number", 4),
    ENUM("transport", 13, e_transport),
    STRS("inbound_numbers_regex", 5),
    STRS("inbound_numbers", 10),
    STR("inbound_username", 6),
    STR("inbound_password", 7),
    STR("outbound_username", 8),
    STR("outbound_password", 9),
    STR("name", 11),
    STR("metadata", 12),
};
const struct lk_msg lk_msg_trunk_info = MSG("livekit.SIPTrunkInfo", f_trunk_info);

static const struct lk_field f_direct[] = {STR("room_name", 1), STR("pin", 2)};
static const struct lk_field f_individual[] = {STR("room_prefix", 1), STR("pin", 2),
                                               BOOL("no_randomness", 3)};
static const struct lk_field f_callee[] = {STR("room_prefix", 1), STR("pin", 2),
                                           BOOL("randomize", 3)};
static const struct lk_msg m_direct = MSG("livekit.SIPDispatchRuleDirect", f_direct);
static const struct lk_msg m_individual = MSG("livekit.SIPDispatchRuleIndividual", f_individual);
static const struct lk_msg m_callee = MSG("livekit.SIPDispatchRuleCallee", f_callee);

static const struct lk_field f_rule[] = {
    ONEOF("dispatch_rule_direct", 1, m_direct),
    ONEOF("dispatch_rule_individual", 2, m_individual),
    ONEOF("dispatch_rule_callee", 3, m_callee),
};
const struct lk_msg lk_msg_rule = MSG("livekit.SIPDispatchRule", f_rule);

static const struct lk_field f_rule_info[] = {
    STR("sip_dispatch_rule_id", 1),
    SUB("rule", 2, lk_msg_rule),
    STRS("trunk_ids", 3),
    BOOL("hide_phone_number", 4),
    STRS("inbound_numbers", 7),
    STRS("numbers", 13),
    STR("name", 5),
    STR("metadata", 6),
    MAP("attributes", 8),
    STR("room_preset", 9),
    ROOM_CONFIG(10),
    SUB("media", 16, lk_msg_media),
    BOOL("krisp_enabled", 11),
    ENUM("media_encryption", 12, e_encryption),
    TS("created_at", 14),
    TS("updated_at", 15),
};
const struct lk_msg lk_msg_dispatch_rule = MSG("livekit.SIPDispatchRuleInfo", f_rule_info);

static const struct lk_field f_list_update[] = {STRS("set", 1), STRS("add", 2), STRS("remove", 3),
                                                BOOL("clear", 4)};
const struct lk_msg lk_msg_list_update = MSG("livekit.ListUpdate", f_list_update);

/* livekit_models.proto: Pagination {string after_id = 1; int32 limit = 2}. */
static const struct lk_field f_page[] = {STR("after_id", 1), {"limit", 2, LK_T_INT32, 0, 0, NULL}};
static const struct lk_msg m_page = MSG("livekit.Pagination", f_page);

static const struct lk_field f_inbound_update[] = {
    SUB("numbers", 1, lk_msg_list_update),
    SUB("allowed_addresses", 2, lk_msg_list_update),
    SUB("allowed_numbers", 3, lk_msg_list_update),
    OSTR("auth_username", 4),
    OSTR("auth_password", 5),
    OSTR("auth_realm", 9),
    OSTR("name", 6),
    OSTR("metadata", 7),
    OENUM("media_encryption", 8, e_encryption),
    SUB("media", 10, lk_msg_media),
};
static const struct lk_msg m_inbound_update =
    MSG("livekit.SIPInboundTrunkUpdate", f_inbound_update);

static const struct lk_field f_outbound_update[] = {
    OSTR("address", 1),
    OENUM("transport", 2, e_transport),
    OSTR("destination_country", 9),
    SUB("numbers", 3, lk_msg_list_update),
    OSTR("auth_username", 4),
    OSTR("auth_password", 5),
    OSTR("name", 6),
    OSTR("metadata", 7),
    OENUM("media_encryption", 8, e_encryption),
    SUB("media", 11, lk_msg_media),
    OSTR("from_host", 10),
};
static const struct lk_msg m_outbound_update =
    MSG("livekit.SIPOutboundTrunkUpdate", f_outbound_update);

static const struct lk_field f_rule_update[] = {
    SUB("trunk_ids", 1, lk_msg_list_update),
    SUB("rule", 2, lk_msg_rule),
    OSTR("name", 3),
    OSTR("metadata", 4),
    MAP("attributes", 5),
    OENUM("media_encryption", 6, e_encryption),
    SUB("media", 7, lk_msg_media),
};
static const struct lk_msg m_rule_update = MSG("livekit.SIPDispatchRuleUpdate", f_rule_update);

static const struct lk_field f_create_inbound[] = {SUB("trunk", 1, lk_msg_inbound_trunk)};
const struct lk_msg lk_msg_create_inbound =
    MSG("livekit.CreateSIPInboundTrunkRequest", f_create_inbound);
static const struct lk_field f_create_outbound[] = {SUB("trunk", 1, lk_msg_outbound_trunk)};
const struct lk_msg lk_msg_create_outbound =
    MSG("livekit.CreateSIPOutboundTrunkRequest", f_create_outbound);

static const struct lk_field f_update_inbound[] = {
    STR("sip_trunk_id", 1),
    ONEOF("replace", 2, lk_msg_inbound_trunk),
    ONEOF("update", 3, m_inbound_update),
};
const struct lk_msg lk_msg_update_inbound =
    MSG("livekit.UpdateSIPInboundTrunkRequest", f_update_inbound);
static const struct lk_field f_update_outbound[] = {
    STR("sip_trunk_id", 1),
    ONEOF("replace", 2, lk_msg_outbound_trunk),
    ONEOF("update", 3, m_outbound_update),
};
const struct lk_msg lk_msg_update_outbound =
    MSG("livekit.UpdateSIPOutboundTrunkRequest", f_update_outbound);

static const struct lk_field f_trunk_id[] = {STR("sip_trunk_id", 1)};
const struct lk_msg lk_msg_trunk_id_req = MSG("livekit.DeleteSIPTrunkRequest", f_trunk_id);

static const struct lk_field f_list_trunks[] = {SUB("page", 3, m_page), STRS("trunk_ids", 1),
                                                STRS("numbers", 2)};
const struct lk_msg lk_msg_list_trunks = MSG("livekit.ListSIPInboundTrunkRequest", f_list_trunks);

static const struct lk_field f_list_legacy[] = {SUB("page", 1, m_page)};
const struct lk_msg lk_msg_list_legacy = MSG("livekit.ListSIPTrunkRequest", f_list_legacy);

static const struct lk_field f_create_rule[] = {
    SUB("dispatch_rule", 10, lk_msg_dispatch_rule),
    SUB("rule", 1, lk_msg_rule),
    STRS("trunk_ids", 2),
    BOOL("hide_phone_number", 3),
    STRS("inbound_numbers", 6),
    STR("name", 4),
    STR("metadata", 5),
    MAP("attributes", 7),
    STR("room_preset", 8),
    ROOM_CONFIG(9),
};
const struct lk_msg lk_msg_create_rule = MSG("livekit.CreateSIPDispatchRuleRequest", f_create_rule);

static const struct lk_field f_update_rule[] = {
    STR("sip_dispatch_rule_id", 1),
    ONEOF("replace", 2, lk_msg_dispatch_rule),
    ONEOF("update", 3, m_rule_update),
};
const struct lk_msg lk_msg_update_rule = MSG("livekit.UpdateSIPDispatchRuleRequest", f_update_rule);

static const struct lk_field f_list_rules[] = {SUB("page", 3, m_page), STRS("dispatch_rule_ids", 1),
                                               STRS("trunk_ids", 2)};
const struct lk_msg lk_msg_list_rules = MSG("livekit.ListSIPDispatchRuleRequest", f_list_rules);

static const struct lk_field f_rule_id[] = {STR("sip_dispatch_rule_id", 1)};
const struct lk_msg lk_msg_rule_id_req = MSG("livekit.DeleteSIPDispatchRuleRequest", f_rule_id);

/* Answers that wrap an info: Get*Response {trunk = 1}, List*Response {items = 1}. */
static const struct lk_field f_get_inbound[] = {SUB("trunk", 1, lk_msg_inbound_trunk)};
const struct lk_msg lk_msg_get_inbound_resp =
    MSG("livekit.GetSIPInboundTrunkResponse", f_get_inbound);
static const struct lk_field f_get_outbound[] = {SUB("trunk", 1, lk_msg_outbound_trunk)};
const struct lk_msg lk_msg_get_outbound_resp =
    MSG("livekit.GetSIPOutboundTrunkResponse", f_get_outbound);
static const struct lk_field f_items_inbound[] = {SUBS("items", 1, lk_msg_inbound_trunk)};
const struct lk_msg lk_msg_list_inbound_resp =
    MSG("livekit.ListSIPInboundTrunkResponse", f_items_inbound);
static const struct lk_field f_items_outbound[] = {SUBS("items", 1, lk_msg_outbound_trunk)};
const struct lk_msg lk_msg_list_outbound_resp =
    MSG("livekit.ListSIPOutboundTrunkResponse", f_items_outbound);
static const struct lk_field f_items_legacy[] = {SUBS("items", 1, lk_msg_trunk_info)};
const struct lk_msg lk_msg_list_legacy_resp = MSG("livekit.ListSIPTrunkResponse", f_items_legacy);
static const struct lk_field f_items_rules[] = {SUBS("items", 1, lk_msg_dispatch_rule)};
const struct lk_msg lk_msg_list_rules_resp =
    MSG("livekit.ListSIPDispatchRuleResponse", f_items_rules);

const struct lk_msg lk_msg_empty = {"livekit.Empty", NULL, 0};
