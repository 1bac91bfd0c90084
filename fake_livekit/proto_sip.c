/* proto_sip.c: the field tables of livekit_sip.proto (contracts/upstream/livekit_sip.proto).
 *
 * Each table lists fields in declaration order, which is the order protojson writes keys in
 * (docs/reference/livekit.md §3 shows it). Pagination and ListUpdate come from
 * livekit_models.proto; RoomConfiguration is opaque (see proto_json.h). */
#include "fake_livekit/proto_json.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MSG(n, f)                                                                                  \
    {                                                                                              \
        n, f, N(f)                                                                                 \
    }

static const char *const transport_names[] = {"SIP_TRANSPORT_AUTO", "SIP_TRANSPORT_UDP",
                                              "SIP_TRANSPORT_TCP", "SIP_TRANSPORT_TLS"};
static const char *const header_names[] = {"SIP_NO_HEADERS", "SIP_X_HEADERS", "SIP_ALL_HEADERS"};
static const char *const encryption_names[] = {
    "SIP_MEDIA_ENCRYPT_DISABLE", "SIP_MEDIA_ENCRYPT_ALLOW", "SIP_MEDIA_ENCRYPT_REQUIRE"};
static const char *const kind_names[] = {"TRUNK_LEGACY", "TRUNK_INBOUND", "TRUNK_OUTBOUND"};
static const struct lk_enum e_transport = {transport_names, N(transport_names)};
static const struct lk_enum e_headers = {header_names, N(header_names)};
static const struct lk_enum e_encryption = {encryption_names, N(encryption_names)};
static const struct lk_enum e_kind = {kind_names, N(kind_names)};

#define STR(n)                                                                                     \
    {                                                                                              \
        n, LK_T_STRING, 0, 0, NULL                                                                 \
    }
#define OSTR(n)                                                                                    \
    {                                                                                              \
        n, LK_T_STRING, LK_F_OPTIONAL, 0, NULL                                                     \
    }
#define STRS(n)                                                                                    \
    {                                                                                              \
        n, LK_T_STRING, LK_F_REPEATED, 0, NULL                                                     \
    }
#define MAP(n)                                                                                     \
    {                                                                                              \
        n, LK_T_STRING, LK_F_MAP, 0, NULL                                                          \
    }
#define BOOL(n)                                                                                    \
    {                                                                                              \
        n, LK_T_BOOL, 0, 0, NULL                                                                   \
    }
#define ENUM(n, e)                                                                                 \
    {                                                                                              \
        n, LK_T_ENUM, 0, 0, &(e)                                                                   \
    }
#define OENUM(n, e)                                                                                \
    {                                                                                              \
        n, LK_T_ENUM, LK_F_OPTIONAL, 0, &(e)                                                       \
    }
#define SUB(n, m)                                                                                  \
    {                                                                                              \
        n, LK_T_MSG, 0, 0, &(m)                                                                    \
    }
#define ONEOF(n, m)                                                                                \
    {                                                                                              \
        n, LK_T_MSG, 0, 1, &(m)                                                                    \
    }
#define DUR(n)                                                                                     \
    {                                                                                              \
        n, LK_T_DURATION, 0, 0, NULL                                                               \
    }
#define TS(n)                                                                                      \
    {                                                                                              \
        n, LK_T_TIMESTAMP, 0, 0, NULL                                                              \
    }

static const struct lk_field f_codec[] = {STR("name"), {"rate", LK_T_UINT32, 0, 0, NULL}};
static const struct lk_msg m_codec = MSG("livekit.SIPCodec", f_codec);

static const struct lk_field f_media[] = {
    BOOL("only_listed_codecs"),
    {"codecs", LK_T_MSG, LK_F_REPEATED, 0, &m_codec},
    OENUM("encryption", e_encryption),
    {"media_timeout", LK_T_DURATION, LK_F_OPTIONAL, 0, NULL},
};
static const struct lk_msg m_media = MSG("livekit.SIPMediaConfig", f_media);

static const struct lk_field f_inbound[] = {
    STR("sip_trunk_id"),
    STR("name"),
    STR("metadata"),
    STRS("numbers"),
    STRS("allowed_addresses"),
    STRS("allowed_numbers"),
    STR("auth_username"),
    STR("auth_password"),
    STR("auth_realm"),
    MAP("headers"),
    MAP("headers_to_attributes"),
    MAP("attributes_to_headers"),
    ENUM("include_headers", e_headers),
    DUR("ringing_timeout"),
    DUR("max_call_duration"),
    BOOL("krisp_enabled"),
    ENUM("media_encryption", e_encryption),
    SUB("media", m_media),
    TS("created_at"),
    TS("updated_at"),
};
const struct lk_msg lk_msg_inbound_trunk = MSG("livekit.SIPInboundTrunkInfo", f_inbound);

static const struct lk_field f_outbound[] = {
    STR("sip_trunk_id"),
    STR("name"),
    STR("metadata"),
    STR("address"),
    STR("destination_country"),
    ENUM("transport", e_transport),
    STRS("numbers"),
    STR("auth_username"),
    STR("auth_password"),
    MAP("headers"),
    MAP("headers_to_attributes"),
    MAP("attributes_to_headers"),
    ENUM("include_headers", e_headers),
    ENUM("media_encryption", e_encryption),
    SUB("media", m_media),
    STR("from_host"),
    TS("created_at"),
    TS("updated_at"),
};
const struct lk_msg lk_msg_outbound_trunk = MSG("livekit.SIPOutboundTrunkInfo", f_outbound);

static const struct lk_field f_trunk_info[] = {
    STR("sip_trunk_id"),
    ENUM("kind", e_kind),
    STRS("inbound_addresses"),
    STR("outbound_address"),
    STR("outbound_number"),
    ENUM("transport", e_transport),
    STRS("inbound_numbers_regex"),
    STRS("inbound_numbers"),
    STR("inbound_username"),
    STR("inbound_password"),
    STR("outbound_username"),
    STR("outbound_password"),
    STR("name"),
    STR("metadata"),
};
const struct lk_msg lk_msg_trunk_info = MSG("livekit.SIPTrunkInfo", f_trunk_info);

static const struct lk_field f_direct[] = {STR("room_name"), STR("pin")};
static const struct lk_field f_individual[] = {STR("room_prefix"), STR("pin"),
                                               BOOL("no_randomness")};
static const struct lk_field f_callee[] = {STR("room_prefix"), STR("pin"), BOOL("randomize")};
static const struct lk_msg m_direct = MSG("livekit.SIPDispatchRuleDirect", f_direct);
static const struct lk_msg m_individual = MSG("livekit.SIPDispatchRuleIndividual", f_individual);
static const struct lk_msg m_callee = MSG("livekit.SIPDispatchRuleCallee", f_callee);

static const struct lk_field f_rule[] = {
    ONEOF("dispatch_rule_direct", m_direct),
    ONEOF("dispatch_rule_individual", m_individual),
    ONEOF("dispatch_rule_callee", m_callee),
};
const struct lk_msg lk_msg_rule = MSG("livekit.SIPDispatchRule", f_rule);

static const struct lk_field f_rule_info[] = {
    STR("sip_dispatch_rule_id"),
    SUB("rule", lk_msg_rule),
    STRS("trunk_ids"),
    BOOL("hide_phone_number"),
    STRS("inbound_numbers"),
    STRS("numbers"),
    STR("name"),
    STR("metadata"),
    MAP("attributes"),
    STR("room_preset"),
    {"room_config", LK_T_OPAQUE, 0, 0, NULL},
    SUB("media", m_media),
    BOOL("krisp_enabled"),
    ENUM("media_encryption", e_encryption),
    TS("created_at"),
    TS("updated_at"),
};
const struct lk_msg lk_msg_dispatch_rule = MSG("livekit.SIPDispatchRuleInfo", f_rule_info);

static const struct lk_field f_list_update[] = {STRS("set"), STRS("add"), STRS("remove"),
                                                BOOL("clear")};
const struct lk_msg lk_msg_list_update = MSG("livekit.ListUpdate", f_list_update);

static const struct lk_field f_page[] = {STR("after_id"), {"limit", LK_T_INT32, 0, 0, NULL}};
static const struct lk_msg m_page = MSG("livekit.Pagination", f_page);

static const struct lk_field f_inbound_update[] = {
    SUB("numbers", lk_msg_list_update),
    SUB("allowed_addresses", lk_msg_list_update),
    SUB("allowed_numbers", lk_msg_list_update),
    OSTR("auth_username"),
    OSTR("auth_password"),
    OSTR("auth_realm"),
    OSTR("name"),
    OSTR("metadata"),
    OENUM("media_encryption", e_encryption),
    SUB("media", m_media),
};
static const struct lk_msg m_inbound_update =
    MSG("livekit.SIPInboundTrunkUpdate", f_inbound_update);

static const struct lk_field f_outbound_update[] = {
    OSTR("address"),
    OENUM("transport", e_transport),
    OSTR("destination_country"),
    SUB("numbers", lk_msg_list_update),
    OSTR("auth_username"),
    OSTR("auth_password"),
    OSTR("name"),
    OSTR("metadata"),
    OENUM("media_encryption", e_encryption),
    SUB("media", m_media),
    OSTR("from_host"),
};
static const struct lk_msg m_outbound_update =
    MSG("livekit.SIPOutboundTrunkUpdate", f_outbound_update);

static const struct lk_field f_rule_update[] = {
    SUB("trunk_ids", lk_msg_list_update),
    SUB("rule", lk_msg_rule),
    OSTR("name"),
    OSTR("metadata"),
    MAP("attributes"),
    OENUM("media_encryption", e_encryption),
    SUB("media", m_media),
};
static const struct lk_msg m_rule_update = MSG("livekit.SIPDispatchRuleUpdate", f_rule_update);

static const struct lk_field f_create_inbound[] = {SUB("trunk", lk_msg_inbound_trunk)};
const struct lk_msg lk_msg_create_inbound =
    MSG("livekit.CreateSIPInboundTrunkRequest", f_create_inbound);
static const struct lk_field f_create_outbound[] = {SUB("trunk", lk_msg_outbound_trunk)};
const struct lk_msg lk_msg_create_outbound =
    MSG("livekit.CreateSIPOutboundTrunkRequest", f_create_outbound);

static const struct lk_field f_update_inbound[] = {
    STR("sip_trunk_id"),
    ONEOF("replace", lk_msg_inbound_trunk),
    ONEOF("update", m_inbound_update),
};
const struct lk_msg lk_msg_update_inbound =
    MSG("livekit.UpdateSIPInboundTrunkRequest", f_update_inbound);
static const struct lk_field f_update_outbound[] = {
    STR("sip_trunk_id"),
    ONEOF("replace", lk_msg_outbound_trunk),
    ONEOF("update", m_outbound_update),
};
const struct lk_msg lk_msg_update_outbound =
    MSG("livekit.UpdateSIPOutboundTrunkRequest", f_update_outbound);

static const struct lk_field f_trunk_id[] = {STR("sip_trunk_id")};
const struct lk_msg lk_msg_trunk_id_req = MSG("livekit.DeleteSIPTrunkRequest", f_trunk_id);

static const struct lk_field f_list_trunks[] = {SUB("page", m_page), STRS("trunk_ids"),
                                                STRS("numbers")};
const struct lk_msg lk_msg_list_trunks = MSG("livekit.ListSIPInboundTrunkRequest", f_list_trunks);

static const struct lk_field f_create_rule[] = {
    SUB("dispatch_rule", lk_msg_dispatch_rule),
    SUB("rule", lk_msg_rule),
    STRS("trunk_ids"),
    BOOL("hide_phone_number"),
    STRS("inbound_numbers"),
    STR("name"),
    STR("metadata"),
    MAP("attributes"),
    STR("room_preset"),
    {"room_config", LK_T_OPAQUE, 0, 0, NULL},
};
const struct lk_msg lk_msg_create_rule = MSG("livekit.CreateSIPDispatchRuleRequest", f_create_rule);

static const struct lk_field f_update_rule[] = {
    STR("sip_dispatch_rule_id"),
    ONEOF("replace", lk_msg_dispatch_rule),
    ONEOF("update", m_rule_update),
};
const struct lk_msg lk_msg_update_rule = MSG("livekit.UpdateSIPDispatchRuleRequest", f_update_rule);

static const struct lk_field f_list_rules[] = {SUB("page", m_page), STRS("dispatch_rule_ids"),
                                               STRS("trunk_ids")};
const struct lk_msg lk_msg_list_rules = MSG("livekit.ListSIPDispatchRuleRequest", f_list_rules);

static const struct lk_field f_rule_id[] = {STR("sip_dispatch_rule_id")};
const struct lk_msg lk_msg_rule_id_req = MSG("livekit.DeleteSIPDispatchRuleRequest", f_rule_id);

const struct lk_msg lk_msg_empty = {"livekit.Empty", NULL, 0};
