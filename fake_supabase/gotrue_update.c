/* gotrue_update.c: changing users after creation, and seeding them from state documents.
 *
 * Metadata updates merge key by key and a null value deletes the key, as GoTrue's
 * UpdateUserMetaData / UpdateAppMetaData do. Seeded users are confirmed unless the document
 * says otherwise, so a scenario's users can sign in at once. */
#include "fake_supabase/gotrue_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"
#include "fakekit/json.h"

/* Merge updates into the JSON object text old; returns new text (cJSON_free) or NULL. */
static char *merge_meta(const char *old, const cJSON *updates)
{
    cJSON *o = old != NULL ? cJSON_Parse(old) : NULL;
    const cJSON *it = NULL;
    char *text = NULL;

    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        o = cJSON_CreateObject();
    }
    if (o == NULL)
        return NULL;
    cJSON_ArrayForEach(it, updates)
    {
        cJSON *copy = NULL;
        cJSON_DeleteItemFromObjectCaseSensitive(o, it->string);
        if (cJSON_IsNull(it))
            continue;
        copy = cJSON_Duplicate(it, true);
        if (copy == NULL || !cJSON_AddItemToObject(o, it->string, copy)) {
            cJSON_Delete(copy);
            goto out;
        }
    }
    text = fk_json_print(o);
out:
    cJSON_Delete(o);
    return text;
}

/* An optional member of the given cJSON type; false (with err) when present with another. */
static bool member(const cJSON *attrs, const char *key, cJSON_bool (*is)(const cJSON *),
                   const char *what, const cJSON **out, struct fk_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(attrs, key);

    *out = NULL;
    if (v == NULL || cJSON_IsNull(v))
        return true;
    if (!is(v)) {
        fk_error_set(err, "%s: expected %s", key, what);
        return false;
    }
    *out = v;
    return true;
}

int sb_user_update(struct fk_store *st, const char *id, const cJSON *attrs, struct fk_error *err)
{
    const cJSON *email = NULL, *phone = NULL, *pw = NULL, *umeta = NULL, *ameta = NULL;
    const cJSON *econf = NULL, *pconf = NULL, *role = NULL;
    char *hash = NULL, *utext = NULL, *atext = NULL;
    char now[40];
    sqlite3_stmt *s = NULL;
    int rc = FK_EINVAL;

    if (!member(attrs, "email", cJSON_IsString, "a string", &email, err) ||
        !member(attrs, "phone", cJSON_IsString, "a string", &phone, err) ||
        !member(attrs, "password", cJSON_IsString, "a string", &pw, err) ||
        !member(attrs, "user_metadata", cJSON_IsObject, "an object", &umeta, err) ||
        !member(attrs, "app_metadata", cJSON_IsObject, "an object", &ameta, err) ||
        !member(attrs, "email_confirm", cJSON_IsBool, "a boolean", &econf, err) ||
        !member(attrs, "phone_confirm", cJSON_IsBool, "a boolean", &pconf, err) ||
        !member(attrs, "role", cJSON_IsString, "a string", &role, err))
        return FK_EINVAL;
    s = fk_store_stmt(st, "SELECT raw_user_meta_data, raw_app_meta_data FROM auth_users "
                          "WHERE id = ?");
    if (s == NULL)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        fk_error_set(err, "User not found");
        return FK_ENOTFOUND;
    }
    rc = FK_ENOMEM;
    utext = merge_meta((const char *)sqlite3_column_text(s, 0), umeta);
    atext = merge_meta((const char *)sqlite3_column_text(s, 1), ameta);
    sqlite3_reset(s);
    if (utext == NULL || atext == NULL)
        goto out;
    rc = FK_EINVAL;
    if (email != NULL && !sb_email_valid(email->valuestring)) {
        fk_error_set(err, "Unable to validate email address: invalid format");
        goto out;
    }
    rc = FK_EEXIST;
    s = fk_store_stmt(st, "SELECT 1 FROM auth_users WHERE id <> ?1 AND "
                          "(email = ?2 COLLATE NOCASE OR phone = ?3)");
    if (s == NULL) {
        rc = FK_EIO;
        goto out;
    }
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    if (email != NULL)
        sqlite3_bind_text(s, 2, email->valuestring, -1, SQLITE_TRANSIENT);
    if (phone != NULL)
        sqlite3_bind_text(s, 3, phone->valuestring, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
        sqlite3_reset(s);
        fk_error_set(err, "A user with this %s has already been registered",
                     email != NULL ? "email address" : "phone number");
        goto out;
    }
    sqlite3_reset(s);
    rc = FK_ENOMEM;
    if (pw != NULL && (hash = sb_password_hash(pw->valuestring)) == NULL)
        goto out;
    fk_rfc3339_us(fk_now_us(), now, sizeof now);
    rc = FK_EIO;
    s = fk_store_stmt(
        st, "UPDATE auth_users SET email = coalesce(lower(?1), email), "
            "phone = coalesce(?2, phone), encrypted_password = coalesce(?3, encrypted_password), "
            "raw_user_meta_data = ?4, raw_app_meta_data = ?5, "
            "email_confirmed_at = CASE WHEN ?6 AND email_confirmed_at IS NULL THEN ?8 "
            "ELSE email_confirmed_at END, "
            "phone_confirmed_at = CASE WHEN ?7 AND phone_confirmed_at IS NULL THEN ?8 "
            "ELSE phone_confirmed_at END, "
            "role = coalesce(?9, role), updated_at = ?8 WHERE id = ?10");
    if (s == NULL)
        goto out;
    if (email != NULL)
        sqlite3_bind_text(s, 1, email->valuestring, -1, SQLITE_TRANSIENT);
    if (phone != NULL)
        sqlite3_bind_text(s, 2, phone->valuestring, -1, SQLITE_TRANSIENT);
    if (hash != NULL)
        sqlite3_bind_text(s, 3, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, utext, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, atext, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 6, cJSON_IsTrue(econf));
    sqlite3_bind_int(s, 7, cJSON_IsTrue(pconf));
    sqlite3_bind_text(s, 8, now, -1, SQLITE_TRANSIENT);
    if (role != NULL)
        sqlite3_bind_text(s, 9, role->valuestring, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 10, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_DONE)
        rc = 0;
    else
        fk_error_set(err, "%s", sqlite3_errmsg(fk_store_db(st)));
    sqlite3_reset(s);
out:
    free(hash);
    cJSON_free(utext);
    cJSON_free(atext);
    return rc;
}

static const char *const user_keys[] = {
    "id",           "email",         "phone",         "password", "user_metadata",
    "app_metadata", "email_confirm", "phone_confirm", NULL,
};

static int load_one(struct fk_store *st, const cJSON *u, const char *path, struct fk_error *err)
{
    struct sb_user_attrs a = {.email_confirmed = true, .phone_confirmed = true};
    char id[SB_ID_MAX];
    struct fk_error why = {{0}};
    int rc;

    if (!cJSON_IsObject(u)) {
        fk_error_set(err, "%s: expected an object", path);
        return FK_EINVAL;
    }
    rc = fk_json_check_keys(u, path, user_keys, err);
    if (rc == 0)
        rc = fk_json_get_string(u, "id", path, false, &a.id, err);
    if (rc == 0)
        rc = fk_json_get_string(u, "email", path, false, &a.email, err);
    if (rc == 0)
        rc = fk_json_get_string(u, "phone", path, false, &a.phone, err);
    if (rc == 0)
        rc = fk_json_get_string(u, "password", path, false, &a.password, err);
    if (rc == 0)
        rc = fk_json_get_object(u, "user_metadata", path, false, &a.user_metadata, err);
    if (rc == 0)
        rc = fk_json_get_object(u, "app_metadata", path, false, &a.app_metadata, err);
    if (rc == 0)
        rc = fk_json_get_bool(u, "email_confirm", path, false, &a.email_confirmed, err);
    if (rc == 0)
        rc = fk_json_get_bool(u, "phone_confirm", path, false, &a.phone_confirmed, err);
    if (rc != 0)
        return rc;
    rc = sb_user_create(st, &a, id, &why);
    if (rc != 0)
        fk_error_set(err, "%s: %s", path, why.msg[0] != '\0' ? why.msg : fk_strerror(rc));
    return rc == FK_EEXIST ? FK_ECONFLICT : rc;
}

int sb_auth_load_users(struct fk_store *st, const cJSON *users, const char *path,
                       struct fk_error *err)
{
    char p[FK_ERRMSG_MAX];
    int i = 0;
    const cJSON *u = NULL;

    if (!cJSON_IsArray(users)) {
        fk_error_set(err, "%s: expected an array", path);
        return FK_EINVAL;
    }
    cJSON_ArrayForEach(u, users)
    {
        int rc;
        snprintf(p, sizeof p, "%s[%d]", path, i++);
        rc = load_one(st, u, p, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}
