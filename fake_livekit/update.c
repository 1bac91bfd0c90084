/* update.c: ListUpdate, optional-field and map-diff semantics of the SIP Update* calls. */
#include "fake_livekit/update.h"

#include <string.h>

#include "fake_livekit/proto_json.h"

int lk_list_update_apply(cJSON *obj, const char *key, const cJSON *lu)
{
    if (!lu)
        return 0;
    if (lk_get_bool(lu, "clear"))
        return lk_put(obj, key, cJSON_CreateArray());
    if (lk_array_len(lu, "set") > 0)
        return lk_put(obj, key, cJSON_Duplicate(lk_get_array(lu, "set"), true));

    const cJSON *cur = lk_get_array(obj, key);
    cJSON *arr = cur ? cJSON_Duplicate(cur, true) : cJSON_CreateArray();
    if (!arr)
        return FK_ENOMEM;
    /* Each removal takes out the first equal element only, as slices.Index + Delete do. */
    const cJSON *rm = lk_get_array(lu, "remove");
    for (const cJSON *r = rm ? rm->child : NULL; r; r = r->next) {
        int i = 0;
        for (cJSON *e = arr->child; e; e = e->next, i++) {
            if (cJSON_IsString(e) && strcmp(e->valuestring, r->valuestring) == 0) {
                cJSON_DeleteItemFromArray(arr, i);
                break;
            }
        }
    }
    const cJSON *add = lk_get_array(lu, "add");
    for (const cJSON *a = add ? add->child : NULL; a; a = a->next) {
        if (lk_array_has(arr, a->valuestring))
            continue;
        cJSON *s = cJSON_CreateString(a->valuestring);
        if (!s || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            cJSON_Delete(arr);
            return FK_ENOMEM;
        }
    }
    return lk_put(obj, key, arr);
}

int lk_apply_present(cJSON *obj, const cJSON *upd, const char *key)
{
    const cJSON *v = upd ? cJSON_GetObjectItemCaseSensitive(upd, key) : NULL;
    if (!v)
        return 0;
    return lk_put(obj, key, cJSON_Duplicate(v, true));
}

int lk_media_upgrade(cJSON *info)
{
    cJSON *media = cJSON_GetObjectItemCaseSensitive(info, "media");
    if (!cJSON_IsObject(media)) {
        if (lk_put(info, "media", cJSON_CreateObject()) != 0)
            return FK_ENOMEM;
        media = cJSON_GetObjectItemCaseSensitive(info, "media");
    }
    const cJSON *enc = cJSON_GetObjectItemCaseSensitive(info, "media_encryption");
    /* DISABLE (0) is the zero value, which UpgradeWith reads as "unset". */
    if (!cJSON_GetObjectItemCaseSensitive(media, "encryption") && cJSON_IsNumber(enc) &&
        enc->valuedouble != 0)
        return lk_put(media, "encryption", cJSON_CreateNumber(enc->valuedouble));
    return 0;
}

int lk_update_media(cJSON *info, const cJSON *upd)
{
    int rc = lk_apply_present(info, upd, "media");
    if (rc == 0)
        rc = lk_apply_present(info, upd, "media_encryption");
    if (rc == 0)
        rc = lk_media_upgrade(info);
    if (rc != 0)
        return rc;
    /* The legacy field mirrors the media's (Deref: unset is DISABLE). */
    const cJSON *media = cJSON_GetObjectItemCaseSensitive(info, "media");
    const cJSON *enc = cJSON_GetObjectItemCaseSensitive(media, "encryption");
    return lk_put(info, "media_encryption",
                  cJSON_CreateNumber(cJSON_IsNumber(enc) ? enc->valuedouble : 0));
}

int lk_apply_map_diff(cJSON *obj, const cJSON *upd, const char *key)
{
    const cJSON *diff = upd ? cJSON_GetObjectItemCaseSensitive(upd, key) : NULL;
    if (!cJSON_IsObject(diff) || !diff->child)
        return 0;
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsObject(m)) {
        if (lk_put(obj, key, cJSON_CreateObject()) != 0)
            return FK_ENOMEM;
        m = cJSON_GetObjectItemCaseSensitive(obj, key);
    }
    for (const cJSON *d = diff->child; d; d = d->next) {
        cJSON_DeleteItemFromObjectCaseSensitive(m, d->string);
        if (cJSON_IsString(d) && d->valuestring[0]) {
            cJSON *s = cJSON_CreateString(d->valuestring);
            if (!s || !cJSON_AddItemToObject(m, d->string, s)) {
                cJSON_Delete(s);
                return FK_ENOMEM;
            }
        }
    }
    return 0;
}

int lk_update_begin(const cJSON *body, const char *id_key, const char *noun,
                    struct lk_update_req *u, struct fk_error *err)
{
    u->id = lk_get_str(body, id_key);
    u->replace = cJSON_GetObjectItemCaseSensitive(body, "replace");
    u->update = cJSON_GetObjectItemCaseSensitive(body, "update");
    if (!u->id[0]) {
        fk_error_set(err, "%s id must be set", noun);
        return FK_EINVAL;
    }
    if (!u->replace && !u->update) {
        fk_error_set(err, "missing or unsupported update action");
        return FK_EINVAL;
    }
    const char *rid = u->replace ? lk_get_str(u->replace, id_key) : "";
    if (rid[0] && strcmp(rid, u->id) != 0) {
        fk_error_set(err, "%s id in the info must be empty or match the id in the update", noun);
        return FK_EINVAL;
    }
    return 0;
}

cJSON *lk_update_result(cJSON *info, const struct lk_update_req *u,
                        int (*apply)(cJSON *info, const cJSON *upd), const char *id_key, int *rc)
{
    if (u->replace) {
        cJSON_Delete(info);
        info = cJSON_Duplicate(u->replace, true);
        *rc = info ? 0 : FK_ENOMEM;
    } else {
        *rc = apply(info, u->update);
    }
    if (*rc == 0)
        *rc = lk_set_str(info, id_key, u->id);
    if (*rc != 0) {
        cJSON_Delete(info);
        return NULL;
    }
    return info;
}
