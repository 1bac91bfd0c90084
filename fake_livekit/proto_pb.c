/* proto_pb.c: reading the protobuf binary encoding over the field tables of proto_sip.c (see
 * proto_pb.h); proto_pb_write.c writes it.
 *
 * The wire format: each field is a tag (field number << 3 | wire type) as a varint, then its
 * value: a varint (type 0), 8 or 4 bytes (types 1 and 5), or a varint length and that many
 * bytes (type 2: strings, messages, map entries, packed numbers). Types 3 and 4 open and close
 * a group, which only an unknown field may hold here; 6 and 7 do not exist. */
#include "fake_livekit/proto_pb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/proto_pb_int.h"
#include "fake_livekit/proto_wkt.h"
#include "fakekit/jwt.h" /* base64url: RoomEgress's raw bytes in the sparse form */
#include "fakekit/redact.h"

#define MAX_FIELD_NUMBER ((1u << 29) - 1)
#define MAX_GROUP_DEPTH  100

/* ---- reading ---- */

struct rd {
    const uint8_t *p, *end;
};

static int rd_varint(struct rd *r, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 10; i++) {
        if (r->p >= r->end)
            return FK_EINVAL;
        uint8_t b = *r->p++;
        if (i == 9 && b > 1)
            return FK_EINVAL; /* more than 64 bits */
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return FK_EINVAL;
}

/* A length-delimited value: its bytes become sub. */
static int rd_len(struct rd *r, struct rd *sub)
{
    uint64_t n;
    if (rd_varint(r, &n) != 0 || n > (uint64_t)(r->end - r->p))
        return FK_EINVAL;
    sub->p = r->p;
    sub->end = r->p + n;
    r->p += n;
    return 0;
}

static int rd_tag(struct rd *r, uint32_t *num, int *wt)
{
    uint64_t v;
    if (rd_varint(r, &v) != 0 || (v >> 3) == 0 || (v >> 3) > MAX_FIELD_NUMBER)
        return FK_EINVAL;
    *num = (uint32_t)(v >> 3);
    *wt = (int)(v & 7);
    return 0;
}

static int skip_fixed(struct rd *r, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return FK_EINVAL;
    r->p += n;
    return 0;
}

/* Skip the value of a field of wire type wt; a group runs to the end tag of its number. */
static int skip(struct rd *r, uint32_t num, int wt, int depth)
{
    uint64_t v;
    struct rd sub;
    switch (wt) {
    case WT_VARINT:
        return rd_varint(r, &v);
    case WT_I64:
        return skip_fixed(r, 8);
    case WT_LEN:
        return rd_len(r, &sub);
    case WT_I32:
        return skip_fixed(r, 4);
    case WT_SGROUP:
        if (depth >= MAX_GROUP_DEPTH)
            return FK_EINVAL;
        for (;;) {
            uint32_t n;
            int t;
            if (rd_tag(r, &n, &t) != 0)
                return FK_EINVAL;
            if (t == WT_EGROUP)
                return n == num ? 0 : FK_EINVAL;
            if (skip(r, n, t, depth + 1) != 0)
                return FK_EINVAL;
        }
    default:
        return FK_EINVAL; /* an end group without its start, or types 6 and 7 */
    }
}

/* ---- field helpers ---- */

static const struct lk_field *field_by_number(const struct lk_msg *m, uint32_t num)
{
    for (size_t i = 0; i < m->nfields; i++) {
        if (m->fields[i].num == num)
            return &m->fields[i];
    }
    return NULL;
}

/* obj[key] as an array or object, added when absent; NULL on ENOMEM. */
static cJSON *container(cJSON *obj, const char *key, bool array)
{
    cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (array ? cJSON_IsArray(c) : cJSON_IsObject(c))
        return c;
    c = array ? cJSON_CreateArray() : cJSON_CreateObject();
    return lk_put(obj, key, c) == 0 ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* ---- decoding values ---- */

/* A proto3 string: UTF-8, and without NUL (which the sparse form cannot hold). */
static int dec_string(const struct rd *sub, cJSON **out, struct fk_error *err)
{
    size_t n = (size_t)(sub->end - sub->p);
    char *s;
    *out = NULL;
    if (memchr(sub->p, '\0', n) || !lk_utf8_valid((const char *)sub->p, n)) {
        fk_error_set(err, "string field contains invalid UTF-8 or a NUL byte");
        return FK_EINVAL;
    }
    if ((s = malloc(n + 1)) == NULL)
        return FK_ENOMEM;
    memcpy(s, sub->p, n);
    s[n] = '\0';
    *out = cJSON_CreateString(s);
    free(s);
    return *out ? 0 : FK_ENOMEM;
}

static cJSON *varint_value(const struct lk_field *f, uint64_t v)
{
    switch (f->type) {
    case LK_T_BOOL:
        return cJSON_CreateBool(v != 0);
    case LK_T_UINT32:
        return cJSON_CreateNumber((double)(uint32_t)v);
    default: /* int32 and enums: the low 32 bits, signed */
        return cJSON_CreateNumber((double)(int32_t)(uint32_t)v);
    }
}

/* google.protobuf.Duration or Timestamp: seconds (1, int64) and nanos (2, int32), merged into
 * what earlier occurrences gave. */
static int dec_wkt(struct rd sub, long long *secs, long long *nanos)
{
    while (sub.p < sub.end) {
        uint32_t num;
        int wt;
        uint64_t v;
        if (rd_tag(&sub, &num, &wt) != 0)
            return FK_EINVAL;
        if ((num == 1 || num == 2) && wt == WT_VARINT) {
            if (rd_varint(&sub, &v) != 0)
                return FK_EINVAL;
            if (num == 1)
                *secs = (long long)(int64_t)v;
            else
                *nanos = (int32_t)(uint32_t)v;
        } else if (skip(&sub, num, wt, 0) != 0) {
            return FK_EINVAL;
        }
    }
    return 0;
}

static int dec_time(const struct rd *sub, const struct lk_field *f, cJSON *obj,
                    struct fk_error *err)
{
    const char *was = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, f->name));
    long long s = 0, ns = 0, ps = 0;
    int pn = 0;
    char text[LK_WKT_TEXT_MAX];
    bool dur = f->type == LK_T_DURATION;
    if (was && (dur ? lk_duration_parse(was, &ps, &pn) : lk_timestamp_parse(was, &ps, &pn)) == 0)
        s = ps, ns = pn;
    if (dec_wkt(*sub, &s, &ns) != 0) {
        fk_error_set(err, "%s: bad %s", f->name, dur ? "Duration" : "Timestamp");
        return FK_EINVAL;
    }
    if (dur ? !lk_duration_ok(s, ns) : !lk_timestamp_ok(s, ns)) {
        fk_error_set(err, "%s: %s out of range", f->name, dur ? "Duration" : "Timestamp");
        return FK_EINVAL;
    }
    if (dur)
        lk_duration_format(s, (int)ns, text, sizeof(text));
    else
        lk_timestamp_format(s, (int)ns, text, sizeof(text));
    return lk_put(obj, f->name, cJSON_CreateString(text));
}

/* A message we do not model: its bytes, appended to earlier ones (concatenation is how
 * protobuf merges two occurrences), kept as base64url. */
static int dec_opaque(const struct rd *sub, const struct lk_field *f, cJSON *obj)
{
    const char *was = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, f->name));
    size_t oldlen = 0, n = (size_t)(sub->end - sub->p);
    unsigned char *old = was ? fk_base64url_decode(was, strlen(was), &oldlen) : NULL;
    unsigned char *all = malloc(oldlen + n + 1);
    char *text = NULL;
    if (all) {
        if (old)
            memcpy(all, old, oldlen);
        memcpy(all + oldlen, sub->p, n);
        text = fk_base64url_encode(all, oldlen + n);
    }
    free(old);
    free(all);
    int rc = text ? lk_put(obj, f->name, cJSON_CreateString(text)) : FK_ENOMEM;
    free(text);
    return rc;
}

static int dec_msg(struct rd r, const struct lk_msg *m, cJSON *obj, struct fk_error *err);

/* One map<string, string> entry: key (1) and value (2), "" when absent; a later key wins. */
static int dec_map_entry(const struct rd *sub, const struct lk_field *f, cJSON *obj,
                         struct fk_error *err)
{
    struct rd e = *sub;
    cJSON *key = NULL, *val = NULL;
    int rc = 0;
    while (rc == 0 && e.p < e.end) {
        uint32_t num;
        int wt;
        struct rd s;
        if (rd_tag(&e, &num, &wt) != 0)
            rc = FK_EINVAL;
        else if ((num == 1 || num == 2) && wt == WT_LEN) {
            cJSON **dst = num == 1 ? &key : &val;
            cJSON_Delete(*dst);
            *dst = NULL;
            rc = rd_len(&e, &s) != 0 ? FK_EINVAL : dec_string(&s, dst, err);
        } else if (skip(&e, num, wt, 0) != 0) {
            rc = FK_EINVAL;
        }
    }
    cJSON *map = rc == 0 ? container(obj, f->name, false) : NULL;
    if (rc == 0 && !map)
        rc = FK_ENOMEM;
    if (rc == 0)
        rc = lk_put(map, key ? key->valuestring : "", val ? val : cJSON_CreateString(""));
    else
        cJSON_Delete(val);
    cJSON_Delete(key);
    return rc;
}

/* One element of a repeated field (r at its value) appended to arr. */
static int dec_element(struct rd *r, const struct lk_field *f, int wt, cJSON *arr,
                       struct fk_error *err)
{
    struct rd sub;
    uint64_t v;
    cJSON *item = NULL;
    int rc;
    if (lk_pb_varint_type(f) && wt == WT_LEN) { /* packed */
        if (rd_len(r, &sub) != 0)
            return FK_EINVAL;
        while (sub.p < sub.end) {
            if (rd_varint(&sub, &v) != 0)
                return FK_EINVAL;
            if (!cJSON_AddItemToArray(arr, varint_value(f, v)))
                return FK_ENOMEM;
        }
        return 0;
    }
    if (lk_pb_varint_type(f)) {
        if (rd_varint(r, &v) != 0)
            return FK_EINVAL;
        item = varint_value(f, v);
        return item && cJSON_AddItemToArray(arr, item) ? 0 : FK_ENOMEM;
    }
    if (rd_len(r, &sub) != 0)
        return FK_EINVAL;
    if (f->type == LK_T_STRING)
        rc = dec_string(&sub, &item, err);
    else if ((item = cJSON_CreateObject()) == NULL)
        rc = FK_ENOMEM;
    else
        rc = dec_msg(sub, f->ref, item, err);
    if (rc == 0 && !cJSON_AddItemToArray(arr, item))
        rc = FK_ENOMEM;
    if (rc != 0)
        cJSON_Delete(item);
    return rc;
}

/* A singular field (r at its value) into obj. */
static int dec_single(struct rd *r, const struct lk_field *f, cJSON *obj, struct fk_error *err)
{
    struct rd sub;
    uint64_t v;
    cJSON *item = NULL;
    int rc;
    if (lk_pb_varint_type(f)) {
        if (rd_varint(r, &v) != 0)
            return FK_EINVAL;
        item = varint_value(f, v);
    } else if (rd_len(r, &sub) != 0) {
        return FK_EINVAL;
    } else if (f->type == LK_T_STRING) {
        if ((rc = dec_string(&sub, &item, err)) != 0)
            return rc;
    } else if (f->type == LK_T_MSG) {
        cJSON *cur = container(obj, f->name, false); /* a second occurrence merges */
        return cur ? dec_msg(sub, f->ref, cur, err) : FK_ENOMEM;
    } else if (f->type == LK_T_OPAQUE) {
        return dec_opaque(&sub, f, obj);
    } else {
        return dec_time(&sub, f, obj, err);
    }
    if (item && !lk_pb_has_presence(f) && lk_pb_is_default(item)) {
        cJSON_Delete(item); /* proto3: a default value is no value */
        cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
        return 0;
    }
    return lk_put(obj, f->name, item);
}

/* Setting one member of a oneof clears the others. */
static void clear_oneof(const struct lk_msg *m, const struct lk_field *f, cJSON *obj)
{
    for (size_t i = 0; i < m->nfields; i++) {
        const struct lk_field *o = &m->fields[i];
        if (o != f && o->oneof == f->oneof)
            cJSON_DeleteItemFromObjectCaseSensitive(obj, o->name);
    }
}

static int dec_field(struct rd *r, const struct lk_msg *m, const struct lk_field *f, int wt,
                     cJSON *obj, struct fk_error *err)
{
    struct rd sub;
    if (f->oneof)
        clear_oneof(m, f, obj);
    if (f->flags & LK_F_MAP)
        return rd_len(r, &sub) != 0 ? FK_EINVAL : dec_map_entry(&sub, f, obj, err);
    if (f->flags & LK_F_REPEATED) {
        cJSON *arr = container(obj, f->name, true);
        return arr ? dec_element(r, f, wt, arr, err) : FK_ENOMEM;
    }
    return dec_single(r, f, obj, err);
}

/* Does wire type wt carry field f? Otherwise proto.Unmarshal keeps it as an unknown field. */
static bool wire_fits(const struct lk_field *f, int wt)
{
    if (lk_pb_varint_type(f))
        return wt == WT_VARINT || (wt == WT_LEN && (f->flags & LK_F_REPEATED));
    return wt == WT_LEN;
}

static int dec_msg(struct rd r, const struct lk_msg *m, cJSON *obj, struct fk_error *err)
{
    while (r.p < r.end) {
        uint32_t num;
        int wt, rc;
        if (rd_tag(&r, &num, &wt) != 0) {
            fk_error_set(err, "%s: bad tag", m->name);
            return FK_EINVAL;
        }
        const struct lk_field *f = field_by_number(m, num);
        if (!f || !wire_fits(f, wt))
            rc = skip(&r, num, wt, 0);
        else
            rc = dec_field(&r, m, f, wt, obj, err);
        if (rc != 0) {
            if (rc == FK_EINVAL && !err->msg[0])
                fk_error_set(err, "%s: field %u does not decode", m->name, (unsigned)num);
            return rc;
        }
    }
    return 0;
}

int lk_pb_decode(const void *buf, size_t len, const struct lk_msg *m, cJSON **out,
                 struct fk_error *err)
{
    static const uint8_t none[1];
    const uint8_t *p = buf && len ? buf : none;
    struct rd r = {p, p + (buf ? len : 0)};
    cJSON *obj = cJSON_CreateObject();
    int rc = obj ? dec_msg(r, m, obj, err) : FK_ENOMEM;
    *out = NULL;
    if (rc != 0) {
        cJSON_Delete(obj);
        return rc;
    }
    *out = obj;
    return 0;
}

/* ---- journal redaction ---- */

/* The bytes of the length-delimited value at r (the length read): to its end, or to the end
 * of the buffer when a cut body (the journal keeps 64 KiB) ends inside it. */
static struct rd rd_len_cut(struct rd *r, bool *whole)
{
    uint64_t n = 0;
    struct rd sub = {r->end, r->end};

    *whole = rd_varint(r, &n) == 0 && n <= (uint64_t)(r->end - r->p);
    if (r->p > r->end)
        return sub;
    sub.p = r->p;
    sub.end = *whole ? r->p + n : r->end;
    r->p = sub.end;
    return sub;
}

static bool mask(const struct lk_msg *m, struct rd r, int depth);

static bool mask_bytes(struct rd v)
{
    memset((uint8_t *)(uintptr_t)v.p, '*', (size_t)(v.end - v.p));
    return v.end > v.p;
}

/* A map<string, string> entry: its value is masked when its key is a secret name. */
static bool mask_entry(struct rd r)
{
    struct rd key = {NULL, NULL}, value = {NULL, NULL};
    uint32_t num;
    int wt;
    bool whole = true;

    while (whole && r.p < r.end && rd_tag(&r, &num, &wt) == 0) {
        if (wt != WT_LEN) {
            if (skip(&r, num, wt, 0) != 0)
                break;
            continue;
        }
        struct rd v = rd_len_cut(&r, &whole);
        if (num == 1)
            key = v;
        else if (num == 2)
            value = v;
    }
    return key.p != NULL && value.p != NULL &&
           fk_redact_secret_name((const char *)key.p, (size_t)(key.end - key.p)) &&
           mask_bytes(value);
}

static bool mask(const struct lk_msg *m, struct rd r, int depth)
{
    bool changed = false, whole = true;
    uint32_t num;
    int wt;

    while (whole && r.p < r.end && rd_tag(&r, &num, &wt) == 0) {
        const struct lk_field *f = field_by_number(m, num);
        if (wt != WT_LEN) {
            if (skip(&r, num, wt, 0) != 0)
                break;
            continue;
        }
        struct rd v = rd_len_cut(&r, &whole);
        if (f == NULL)
            continue;
        if (f->flags & LK_F_MAP)
            changed |= mask_entry(v);
        else if (f->type == LK_T_STRING && fk_redact_secret_name(f->name, strlen(f->name)))
            changed |= mask_bytes(v);
        else if (f->type == LK_T_MSG && depth < MAX_GROUP_DEPTH)
            changed |= mask(f->ref, v, depth + 1);
    }
    return changed;
}

bool lk_pb_mask_secrets(const struct lk_msg *m, void *buf, size_t len)
{
    struct rd r = {buf, (const uint8_t *)buf + len};

    return mask(m, r, 0);
}
