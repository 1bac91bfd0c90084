/* proto_pb_int.h: what the two halves of the binary codec share (proto_pb.c reads,
 * proto_pb_write.c writes): wire types and how a field table entry maps to the wire. Private
 * to those two files. */
#ifndef LK_PROTO_PB_INT_H
#define LK_PROTO_PB_INT_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "fake_livekit/proto_json.h"

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5 };

/* bool, int32, uint32 and enums travel as varints (repeated ones packed). */
static inline bool lk_pb_varint_type(const struct lk_field *f)
{
    return !(f->flags & LK_F_MAP) && (f->type == LK_T_BOOL || f->type == LK_T_INT32 ||
                                      f->type == LK_T_UINT32 || f->type == LK_T_ENUM);
}

/* Fields whose being set is kept apart from their value: optional, oneof members, messages. */
static inline bool lk_pb_has_presence(const struct lk_field *f)
{
    return f->oneof != 0 || (f->flags & LK_F_OPTIONAL) || f->type == LK_T_MSG ||
           f->type == LK_T_DURATION || f->type == LK_T_TIMESTAMP || f->type == LK_T_OPAQUE;
}

/* A proto3 default: "", false, 0. */
static inline bool lk_pb_is_default(const cJSON *v)
{
    return (cJSON_IsString(v) && v->valuestring[0] == '\0') || cJSON_IsFalse(v) ||
           (cJSON_IsNumber(v) && v->valuedouble == 0);
}

#endif
