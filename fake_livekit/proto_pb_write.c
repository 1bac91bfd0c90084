/* proto_pb_write.c: writing the protobuf binary encoding, as proto.Marshal does, from the
 * sparse form (see proto_pb.h): fields in number order, proto3 defaults left out unless the
 * field has presence, negative enums and int32s sign-extended to 64 bits, repeated numbers
 * packed, map entries with both key and value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/proto_pb.h"
#include "fake_livekit/proto_pb_int.h"
#include "fake_livekit/proto_wkt.h"
#include "fakekit/jwt.h" /* base64url: RoomEgress's raw bytes in the sparse form */

static int put_varint(struct fk_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        tmp[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            tmp[n] |= 0x80;
        n++;
    } while (v);
    return fk_buf_add(b, tmp, n);
}

static int put_tag(struct fk_buf *b, uint32_t num, int wt)
{
    return put_varint(b, ((uint64_t)num << 3) | (unsigned)wt);
}

static int put_bytes(struct fk_buf *b, uint32_t num, const void *data, size_t len)
{
    int rc = put_tag(b, num, WT_LEN);
    if (rc == 0)
        rc = put_varint(b, len);
    return rc == 0 && len ? fk_buf_add(b, data, len) : rc;
}

/* The varint of a bool, int32, uint32 or enum value (negative int32s sign-extended to 64
 * bits, as proto.Marshal writes them). */
static uint64_t varint_of(const struct lk_field *f, const cJSON *v)
{
    if (f->type == LK_T_BOOL)
        return cJSON_IsTrue(v) ? 1 : 0;
    if (f->type == LK_T_UINT32)
        return (uint32_t)v->valuedouble;
    return (uint64_t)(int64_t)(int32_t)v->valuedouble;
}

/* Duration or Timestamp text as its message. */
static int put_time(struct fk_buf *b, const struct lk_field *f, const char *text)
{
    long long s = 0;
    int ns = 0;
    struct fk_buf sub;
    bool dur = f->type == LK_T_DURATION;
    if ((dur ? lk_duration_parse(text, &s, &ns) : lk_timestamp_parse(text, &s, &ns)) != 0)
        return 0; /* the sparse form only holds valid text; anything else reads as unset */
    fk_buf_init(&sub, 32);
    int rc = 0;
    if (s != 0 && (rc = put_tag(&sub, 1, WT_VARINT)) == 0)
        rc = put_varint(&sub, (uint64_t)(int64_t)s);
    if (rc == 0 && ns != 0 && (rc = put_tag(&sub, 2, WT_VARINT)) == 0)
        rc = put_varint(&sub, (uint64_t)(int64_t)ns);
    if (rc == 0)
        rc = put_bytes(b, f->num, sub.data, sub.len);
    fk_buf_cleanup(&sub);
    return rc;
}

static int put_message(struct fk_buf *b, uint32_t num, const cJSON *v, const struct lk_msg *m)
{
    struct fk_buf sub;
    fk_buf_init(&sub, LK_PB_MAX_OUT);
    int rc = lk_pb_encode(v, m, &sub);
    if (rc == 0)
        rc = put_bytes(b, num, sub.data, sub.len);
    fk_buf_cleanup(&sub);
    return rc;
}

/* Raw RoomEgress bytes (a string in the sparse form); a JSON object cannot be
 * written without its schema and is left out. */
static int put_opaque(struct fk_buf *b, const struct lk_field *f, const cJSON *v)
{
    size_t n = 0;
    if (!cJSON_IsString(v))
        return 0;
    unsigned char *raw = fk_base64url_decode(v->valuestring, strlen(v->valuestring), &n);
    int rc = raw ? put_bytes(b, f->num, raw, n) : 0;
    free(raw);
    return rc;
}

/* One value of f (a singular field's, or one element of a repeated one). */
static int put_value(struct fk_buf *b, const struct lk_field *f, const cJSON *v)
{
    int rc;
    if (lk_pb_varint_type(f)) {
        if (!cJSON_IsNumber(v) && !cJSON_IsBool(v))
            return 0;
        rc = put_tag(b, f->num, WT_VARINT);
        return rc == 0 ? put_varint(b, varint_of(f, v)) : rc;
    }
    switch (f->type) {
    case LK_T_STRING:
        return cJSON_IsString(v) ? put_bytes(b, f->num, v->valuestring, strlen(v->valuestring)) : 0;
    case LK_T_MSG:
        return cJSON_IsObject(v) ? put_message(b, f->num, v, f->ref) : 0;
    case LK_T_DURATION:
    case LK_T_TIMESTAMP:
        return cJSON_IsString(v) ? put_time(b, f, v->valuestring) : 0;
    default:
        return put_opaque(b, f, v);
    }
}

static int put_map(struct fk_buf *b, const struct lk_field *f, const cJSON *map)
{
    int rc = 0;
    for (const cJSON *e = map->child; rc == 0 && e; e = e->next) {
        struct fk_buf sub;
        const char *val = cJSON_IsString(e) ? e->valuestring : "";
        fk_buf_init(&sub, LK_PB_MAX_OUT);
        rc = put_bytes(&sub, 1, e->string, strlen(e->string));
        if (rc == 0)
            rc = put_bytes(&sub, 2, val, strlen(val));
        if (rc == 0)
            rc = put_bytes(b, f->num, sub.data, sub.len);
        fk_buf_cleanup(&sub);
    }
    return rc;
}

static int put_field(struct fk_buf *b, const struct lk_field *f, const cJSON *v)
{
    int rc = 0;
    if (f->flags & LK_F_MAP)
        return cJSON_IsObject(v) ? put_map(b, f, v) : 0;
    if (!(f->flags & LK_F_REPEATED)) {
        if (!lk_pb_has_presence(f) && lk_pb_is_default(v))
            return 0;
        return put_value(b, f, v);
    }
    if (!cJSON_IsArray(v))
        return 0;
    if (lk_pb_varint_type(f) && v->child) { /* packed */
        struct fk_buf sub;
        fk_buf_init(&sub, LK_PB_MAX_OUT);
        for (const cJSON *e = v->child; rc == 0 && e; e = e->next)
            rc = put_varint(&sub, varint_of(f, e));
        if (rc == 0)
            rc = put_bytes(b, f->num, sub.data, sub.len);
        fk_buf_cleanup(&sub);
        return rc;
    }
    for (const cJSON *e = v->child; rc == 0 && e; e = e->next)
        rc = put_value(b, f, e);
    return rc;
}

int lk_pb_encode(const cJSON *sparse, const struct lk_msg *m, struct fk_buf *out)
{
    uint32_t last = 0;
    int rc = 0;
    /* Fields in number order, as proto.Marshal writes them; tables are in declaration order. */
    for (size_t done = 0; rc == 0 && done < m->nfields; done++) {
        const struct lk_field *next = NULL;
        for (size_t i = 0; i < m->nfields; i++) {
            const struct lk_field *f = &m->fields[i];
            if (f->num > last && (!next || f->num < next->num))
                next = f;
        }
        if (!next)
            break;
        last = next->num;
        const cJSON *v = sparse ? cJSON_GetObjectItemCaseSensitive(sparse, next->name) : NULL;
        if (v && !cJSON_IsNull(v))
            rc = put_field(out, next, v);
    }
    return rc;
}
