/* proto_json.c: a protojson codec driven by the field tables of proto_sip.c.
 *
 * Decoding follows protojson's rules with
 * DiscardUnknown: unknown keys and unknown enum names are dropped, null means unset, a field
 * given twice (by one name or by its json and proto names), a map key given twice or two
 * members of one oneof are errors (protobuf-go's encoding/protojson decode.go). */
#include "fake_livekit/proto_json.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/proto_wkt.h"

/* ---- names ---- */

void lk_json_name(const char *proto_name, char *out, size_t outlen)
{
    size_t j = 0;
    bool upper = false;
    if (outlen == 0)
        return;
    for (const char *p = proto_name; *p && j + 1 < outlen; p++) {
        if (*p == '_') {
            upper = true;
            continue;
        }
        out[j++] = upper ? (char)toupper((unsigned char)*p) : *p;
        upper = false;
    }
    out[j] = '\0';
}

static const struct lk_field *find_field(const struct lk_msg *m, const char *key)
{
    char json[64];
    for (size_t i = 0; i < m->nfields; i++) {
        if (strcmp(m->fields[i].name, key) == 0)
            return &m->fields[i];
        lk_json_name(m->fields[i].name, json, sizeof(json));
        if (strcmp(json, key) == 0)
            return &m->fields[i];
    }
    return NULL;
}

/* ---- decoding ---- */

static int decode_msg(const cJSON *in, const struct lk_msg *m, const char *path, cJSON **out,
                      struct fk_error *err);

/* An integer as protojson takes it: a JSON number with no fraction, or a string of one. */
static int decode_int(const cJSON *v, long long min, long long max, long long *out)
{
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d != floor(d) || d < (double)min || d > (double)max)
            return FK_EINVAL;
        *out = (long long)d;
        return 0;
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        char *end = NULL;
        errno = 0;
        long long n = strtoll(v->valuestring, &end, 10);
        if (errno || *end || n < min || n > max)
            return FK_EINVAL;
        *out = n;
        return 0;
    }
    return FK_EINVAL;
}

/* One value of field f. *out is NULL (with 0) when the value is to be dropped (an unknown
 * enum name, as DiscardUnknown does). */
static int decode_value(const struct lk_field *f, const cJSON *v, const char *path, cJSON **out,
                        struct fk_error *err)
{
    long long n = 0;
    *out = NULL;
    switch (f->type) {
    case LK_T_STRING:
        if (!cJSON_IsString(v) || !lk_utf8_valid(v->valuestring, strlen(v->valuestring)))
            goto bad;
        *out = cJSON_CreateString(v->valuestring);
        break;
    case LK_T_BOOL:
        if (!cJSON_IsBool(v))
            goto bad;
        *out = cJSON_CreateBool(cJSON_IsTrue(v));
        break;
    case LK_T_INT32:
        if (decode_int(v, INT32_MIN, INT32_MAX, &n) != 0)
            goto bad;
        *out = cJSON_CreateNumber((double)n);
        break;
    case LK_T_UINT32:
        if (decode_int(v, 0, UINT32_MAX, &n) != 0)
            goto bad;
        *out = cJSON_CreateNumber((double)n);
        break;
    case LK_T_ENUM: {
        const struct lk_enum *e = f->ref;
        if (cJSON_IsString(v)) {
            for (size_t i = 0; i < e->n; i++) {
                if (strcmp(e->names[i], v->valuestring) == 0)
                    *out = cJSON_CreateNumber((double)i);
            }
            if (!*out)
                return 0; /* unknown name: discarded */
            break;
        }
        if (!cJSON_IsNumber(v) || decode_int(v, INT32_MIN, INT32_MAX, &n) != 0)
            goto bad;
        *out = cJSON_CreateNumber((double)n);
        break;
    }
    case LK_T_MSG:
        return decode_msg(v, f->ref, path, out, err);
    case LK_T_DURATION: {
        long long s = 0;
        int ns = 0;
        char buf[LK_WKT_TEXT_MAX];
        if (!cJSON_IsString(v) || lk_duration_parse(v->valuestring, &s, &ns) != 0)
            goto bad;
        lk_duration_format(s, ns, buf, sizeof(buf));
        *out = cJSON_CreateString(buf);
        break;
    }
    case LK_T_TIMESTAMP: {
        long long s = 0;
        int ns = 0;
        char buf[LK_WKT_TEXT_MAX];
        if (!cJSON_IsString(v) || lk_timestamp_parse(v->valuestring, &s, &ns) != 0)
            goto bad;
        lk_timestamp_format(s, ns, buf, sizeof(buf));
        *out = cJSON_CreateString(buf);
        break;
    }
    case LK_T_OPAQUE:
        if (!cJSON_IsObject(v))
            goto bad;
        *out = cJSON_Duplicate(v, true);
        break;
    }
    return *out ? 0 : FK_ENOMEM;
bad:
    fk_error_set(err, "%s: invalid value for %s field", path, f->name);
    return FK_EINVAL;
}

static int decode_field(const struct lk_field *f, const cJSON *v, const char *path, cJSON **out,
                        struct fk_error *err)
{
    char sub[FK_ERRMSG_MAX];
    int rc = 0;
    *out = NULL;
    if (!(f->flags & (LK_F_REPEATED | LK_F_MAP)))
        return decode_value(f, v, path, out, err);
    bool map = f->flags & LK_F_MAP;
    if (map ? !cJSON_IsObject(v) : !cJSON_IsArray(v)) {
        fk_error_set(err, "%s: expected %s", path, map ? "an object" : "an array");
        return FK_EINVAL;
    }
    cJSON *acc = map ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!acc)
        return FK_ENOMEM;
    int i = 0;
    for (const cJSON *e = v->child; e; e = e->next, i++) {
        cJSON *item = NULL;
        /* A path cut short only shortens an error message. */
        if (map ? snprintf(sub, sizeof(sub), "%s.%s", path, e->string) < 0
                : snprintf(sub, sizeof(sub), "%s[%d]", path, i) < 0)
            sub[0] = '\0';
        if (cJSON_IsNull(e)) {
            fk_error_set(err, "%s: null is not a valid element", sub);
            rc = FK_EINVAL;
            goto fail;
        }
        if (map && !lk_utf8_valid(e->string, strlen(e->string))) {
            fk_error_set(err, "%s: invalid UTF-8 in a map key", sub);
            rc = FK_EINVAL;
            goto fail;
        }
        rc = decode_value(f, e, sub, &item, err);
        if (rc != 0)
            goto fail;
        if (!item)
            continue;
        if (map && cJSON_GetObjectItemCaseSensitive(acc, e->string)) {
            fk_error_set(err, "%s: duplicate map key", sub); /* protojson's unmarshalMap */
            cJSON_Delete(item);
            rc = FK_EINVAL;
            goto fail;
        }
        if (map) {
            if (!cJSON_AddItemToObject(acc, e->string, item)) {
                cJSON_Delete(item);
                rc = FK_ENOMEM;
                goto fail;
            }
        } else if (!cJSON_AddItemToArray(acc, item)) {
            cJSON_Delete(item);
            rc = FK_ENOMEM;
            goto fail;
        }
    }
    *out = acc;
    return 0;
fail:
    cJSON_Delete(acc);
    return rc;
}

static int decode_msg(const cJSON *in, const struct lk_msg *m, const char *path, cJSON **out,
                      struct fk_error *err)
{
    char sub[FK_ERRMSG_MAX];
    int rc = FK_ENOMEM;
    cJSON *obj = NULL;
    *out = NULL;
    if (!cJSON_IsObject(in)) {
        fk_error_set(err, "%s: expected an object for %s", path[0] ? path : "(body)", m->name);
        return FK_EINVAL;
    }
    obj = cJSON_CreateObject();
    if (!obj)
        return FK_ENOMEM;
    for (const cJSON *c = in->child; c; c = c->next) {
        const struct lk_field *f = find_field(m, c->string);
        cJSON *v = NULL;
        if (!f)
            continue; /* DiscardUnknown */
        if (snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", c->string) < 0)
            sub[0] = '\0';
        if (cJSON_GetObjectItemCaseSensitive(obj, f->name)) {
            fk_error_set(err, "%s: duplicate field", sub);
            rc = FK_EINVAL;
            goto fail;
        }
        if (cJSON_IsNull(c))
            continue;
        if (f->oneof) {
            for (size_t i = 0; i < m->nfields; i++) {
                const struct lk_field *o = &m->fields[i];
                if (o != f && o->oneof == f->oneof &&
                    cJSON_GetObjectItemCaseSensitive(obj, o->name)) {
                    fk_error_set(err, "%s: oneof field is already set", sub);
                    rc = FK_EINVAL;
                    goto fail;
                }
            }
        }
        rc = decode_field(f, c, sub, &v, err);
        if (rc != 0)
            goto fail;
        if (v && !cJSON_AddItemToObject(obj, f->name, v)) {
            cJSON_Delete(v);
            rc = FK_ENOMEM;
            goto fail;
        }
    }
    *out = obj;
    return 0;
fail:
    cJSON_Delete(obj);
    return rc;
}

int lk_pj_decode(const cJSON *in, const struct lk_msg *m, cJSON **out, struct fk_error *err)
{
    return decode_msg(in, m, "", out, err);
}

/* ---- encoding ---- */

static cJSON *encode_value(const struct lk_field *f, const cJSON *v)
{
    switch (f->type) {
    case LK_T_ENUM: {
        const struct lk_enum *e = f->ref;
        int n = (int)v->valuedouble;
        if (n >= 0 && (size_t)n < e->n)
            return cJSON_CreateString(e->names[n]);
        return cJSON_CreateNumber(n);
    }
    case LK_T_MSG:
        return lk_pj_encode(v, f->ref);
    default:
        return cJSON_Duplicate(v, true);
    }
}

static cJSON *default_value(const struct lk_field *f)
{
    if (f->flags & LK_F_REPEATED)
        return cJSON_CreateArray();
    if (f->flags & LK_F_MAP)
        return cJSON_CreateObject();
    switch (f->type) {
    case LK_T_STRING:
        return cJSON_CreateString("");
    case LK_T_BOOL:
        return cJSON_CreateFalse();
    case LK_T_INT32:
    case LK_T_UINT32:
        return cJSON_CreateNumber(0);
    case LK_T_ENUM:
        return cJSON_CreateString(((const struct lk_enum *)f->ref)->names[0]);
    default:
        return cJSON_CreateNull(); /* messages, Duration, Timestamp */
    }
}

cJSON *lk_pj_encode(const cJSON *sparse, const struct lk_msg *m)
{
    cJSON *obj = cJSON_CreateObject();
    if (!obj)
        return NULL;
    for (size_t i = 0; i < m->nfields; i++) {
        const struct lk_field *f = &m->fields[i];
        const cJSON *v = sparse ? cJSON_GetObjectItemCaseSensitive(sparse, f->name) : NULL;
        cJSON *out = NULL;
        if (f->type == LK_T_OPAQUE && cJSON_IsString(v))
            v = NULL; /* raw bytes from the binary encoding (proto_pb.h): no JSON form */
        if (v && !cJSON_IsNull(v)) {
            if (f->flags & LK_F_REPEATED) {
                out = cJSON_CreateArray();
                for (const cJSON *e = v->child; out && e; e = e->next) {
                    cJSON *item = encode_value(f, e);
                    if (!item || !cJSON_AddItemToArray(out, item)) {
                        cJSON_Delete(item);
                        cJSON_Delete(out);
                        out = NULL;
                    }
                }
            } else if (f->flags & LK_F_MAP) {
                out = cJSON_Duplicate(v, true);
            } else {
                out = encode_value(f, v);
            }
        } else if (f->oneof || (f->flags & LK_F_OPTIONAL)) {
            continue; /* protojson leaves unset oneof and optional members out */
        } else {
            out = default_value(f);
        }
        if (!out || !cJSON_AddItemToObject(obj, f->name, out)) {
            cJSON_Delete(out);
            cJSON_Delete(obj);
            return NULL;
        }
    }
    return obj;
}

/* ---- accessors ---- */

const char *lk_get_str(const cJSON *obj, const char *key)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : "";
}

int lk_set_str(cJSON *obj, const char *key, const char *value)
{
    return lk_put(obj, key, cJSON_CreateString(value));
}

int lk_put(cJSON *obj, const char *key, cJSON *v)
{
    if (!v)
        return FK_ENOMEM;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    if (!cJSON_AddItemToObject(obj, key, v)) {
        cJSON_Delete(v);
        return FK_ENOMEM;
    }
    return 0;
}

bool lk_get_bool(const cJSON *obj, const char *key)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsTrue(v);
}

const cJSON *lk_get_array(const cJSON *obj, const char *key)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsArray(v) ? v : NULL;
}

int lk_array_len(const cJSON *obj, const char *key)
{
    const cJSON *a = lk_get_array(obj, key);
    return a ? cJSON_GetArraySize(a) : 0;
}

bool lk_array_has(const cJSON *arr, const char *s)
{
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next) {
        if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
            return true;
    }
    return false;
}
