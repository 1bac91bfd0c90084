/* gotrue_users.c: the auth_users table and the GoTrue user object built from it.
 *
 * Column names follow GoTrue's auth.users (raw_user_meta_data, encrypted_password...), so a
 * GET /__admin/state dump reads like the real schema. The JSON shape is GoTrue's
 * models.User: timestamps that are unset are omitted, email and phone are "" when absent,
 * and each user has one identity for its provider (docs/reference/supabase.md section 4). */
#include "fake_supabase/gotrue_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"
#include "fakekit/ids.h"
#include "fakekit/json.h"

const char sb_auth_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS auth_users (\n"
    "    id TEXT PRIMARY KEY,\n"
    "    email TEXT UNIQUE COLLATE NOCASE,\n"
    "    phone TEXT UNIQUE,\n"
    "    encrypted_password TEXT,\n"
    "    role TEXT NOT NULL DEFAULT 'authenticated',\n"
    "    raw_user_meta_data TEXT NOT NULL DEFAULT '{}',\n"
    "    raw_app_meta_data TEXT NOT NULL DEFAULT '{}',\n"
    "    email_confirmed_at TEXT,\n"
    "    phone_confirmed_at TEXT,\n"
    "    last_sign_in_at TEXT,\n"
    "    identity_id TEXT NOT NULL,\n"
    "    created_at TEXT NOT NULL,\n"
    "    updated_at TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS auth_sessions (\n"
    "    id TEXT PRIMARY KEY,\n"
    "    user_id TEXT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,\n"
    "    amr_method TEXT NOT NULL DEFAULT 'password',\n"
    "    amr_time INTEGER NOT NULL,\n"
    "    created_at TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS auth_refresh_tokens (\n"
    "    token TEXT PRIMARY KEY,\n"
    "    session_id TEXT NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,\n"
    "    user_id TEXT NOT NULL,\n"
    "    revoked INTEGER NOT NULL DEFAULT 0,\n"
    "    created_at TEXT NOT NULL\n"
    ");\n";

#define USER_COLS                                                                                  \
    "id, email, phone, role, raw_user_meta_data, raw_app_meta_data, email_confirmed_at, "          \
    "phone_confirmed_at, last_sign_in_at, identity_id, created_at, updated_at"

enum {
    C_ID,
    C_EMAIL,
    C_PHONE,
    C_ROLE,
    C_UMETA,
    C_AMETA,
    C_ECONF,
    C_PCONF,
    C_LAST,
    C_IDENT,
    C_CREATED,
    C_UPDATED
};

static const char *col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static void now_text(char *out, size_t len)
{
    fk_rfc3339_us(fk_now_us(), out, len);
}

bool sb_email_valid(const char *email)
{
    const char *at = strchr(email, '@');

    return at != NULL && at != email && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
           strchr(email, ' ') == NULL && strlen(email) < 256;
}

static int add_str(cJSON *o, const char *key, const char *v)
{
    return cJSON_AddStringToObject(o, key, v != NULL ? v : "") != NULL ? 0 : FK_ENOMEM;
}

/* Timestamps GoTrue marks omitempty. */
static int add_opt(cJSON *o, const char *key, const char *v)
{
    return v == NULL || cJSON_AddStringToObject(o, key, v) != NULL ? 0 : FK_ENOMEM;
}

static cJSON *parse_obj(const char *text)
{
    cJSON *o = text != NULL ? cJSON_Parse(text) : NULL;

    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        o = cJSON_CreateObject();
    }
    return o;
}

static cJSON *identity_json(sqlite3_stmt *s)
{
    const char *email = col(s, C_EMAIL);
    const char *phone = col(s, C_PHONE);
    const char *provider = email != NULL ? "email" : "phone";
    const char *when = col(s, C_LAST) != NULL ? col(s, C_LAST) : col(s, C_CREATED);
    cJSON *idn = cJSON_CreateObject();
    cJSON *data = cJSON_AddObjectToObject(idn, "identity_data");

    if (idn == NULL || data == NULL || add_str(idn, "identity_id", col(s, C_IDENT)) != 0 ||
        add_str(idn, "id", col(s, C_ID)) != 0 || add_str(idn, "user_id", col(s, C_ID)) != 0 ||
        add_str(data, "sub", col(s, C_ID)) != 0 ||
        (email != NULL && add_str(data, "email", email) != 0) ||
        (email == NULL && add_str(data, "phone", phone) != 0) ||
        cJSON_AddBoolToObject(data, "email_verified", col(s, C_ECONF) != NULL) == NULL ||
        cJSON_AddBoolToObject(data, "phone_verified", col(s, C_PCONF) != NULL) == NULL ||
        add_str(idn, "provider", provider) != 0 || add_str(idn, "last_sign_in_at", when) != 0 ||
        add_str(idn, "created_at", col(s, C_CREATED)) != 0 ||
        add_str(idn, "updated_at", col(s, C_UPDATED)) != 0 ||
        (email != NULL && add_str(idn, "email", email) != 0)) {
        cJSON_Delete(idn);
        return NULL;
    }
    return idn;
}

/* The user object for the current row of a SELECT USER_COLS. */
static cJSON *user_from_row(sqlite3_stmt *s)
{
    const char *econf = col(s, C_ECONF);
    const char *pconf = col(s, C_PCONF);
    cJSON *u = cJSON_CreateObject();
    cJSON *ids = cJSON_CreateArray();
    cJSON *idn = identity_json(s);
    cJSON *ameta = parse_obj(col(s, C_AMETA));
    cJSON *umeta = parse_obj(col(s, C_UMETA));

    if (u == NULL || ids == NULL || idn == NULL || ameta == NULL || umeta == NULL)
        goto fail;
    cJSON_AddItemToArray(ids, idn);
    idn = NULL;
    if (add_str(u, "id", col(s, C_ID)) != 0 || add_str(u, "aud", "authenticated") != 0 ||
        add_str(u, "role", col(s, C_ROLE)) != 0 || add_str(u, "email", col(s, C_EMAIL)) != 0 ||
        add_opt(u, "email_confirmed_at", econf) != 0 || add_str(u, "phone", col(s, C_PHONE)) != 0 ||
        add_opt(u, "phone_confirmed_at", pconf) != 0 ||
        add_opt(u, "confirmed_at", econf != NULL ? econf : pconf) != 0 ||
        add_opt(u, "last_sign_in_at", col(s, C_LAST)) != 0)
        goto fail;
    cJSON_AddItemToObject(u, "app_metadata", ameta);
    ameta = NULL;
    cJSON_AddItemToObject(u, "user_metadata", umeta);
    umeta = NULL;
    cJSON_AddItemToObject(u, "identities", ids);
    ids = NULL;
    if (add_str(u, "created_at", col(s, C_CREATED)) != 0 ||
        add_str(u, "updated_at", col(s, C_UPDATED)) != 0 ||
        cJSON_AddFalseToObject(u, "is_anonymous") == NULL)
        goto fail;
    return u;
fail:
    cJSON_Delete(u);
    cJSON_Delete(ids);
    cJSON_Delete(idn);
    cJSON_Delete(ameta);
    cJSON_Delete(umeta);
    return NULL;
}

cJSON *sb_user_json(struct fk_store *st, const char *id)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT " USER_COLS " FROM auth_users WHERE id = ?");
    cJSON *u = NULL;

    if (s == NULL)
        return NULL;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW)
        u = user_from_row(s);
    sqlite3_reset(s);
    return u;
}

static bool row_exists(struct fk_store *st, const char *sql, const char *v)
{
    sqlite3_stmt *s = fk_store_stmt(st, sql);
    bool found;

    if (s == NULL)
        return false;
    sqlite3_bind_text(s, 1, v, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

bool sb_user_exists(struct fk_store *st, const char *id)
{
    return row_exists(st, "SELECT 1 FROM auth_users WHERE id = ?", id);
}

static bool email_taken(struct fk_store *st, const char *email, const char *except_id)
{
    sqlite3_stmt *s =
        fk_store_stmt(st, "SELECT 1 FROM auth_users WHERE email = ? COLLATE NOCASE AND id <> ?");
    bool found;

    if (s == NULL)
        return false;
    sqlite3_bind_text(s, 1, email, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, except_id != NULL ? except_id : "", -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

static bool phone_taken(struct fk_store *st, const char *phone, const char *except_id)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT 1 FROM auth_users WHERE phone = ? AND id <> ?");
    bool found;

    if (s == NULL)
        return false;
    sqlite3_bind_text(s, 1, phone, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, except_id != NULL ? except_id : "", -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

/* app_metadata as GoTrue keeps it: the caller's keys, then provider/providers. */
static char *app_meta_text(const cJSON *given, const char *provider)
{
    cJSON *o = given != NULL ? cJSON_Duplicate(given, true) : cJSON_CreateObject();
    cJSON *providers = NULL;
    char *text = NULL;

    if (o == NULL)
        return NULL;
    cJSON_DeleteItemFromObjectCaseSensitive(o, "provider");
    cJSON_DeleteItemFromObjectCaseSensitive(o, "providers");
    providers = cJSON_AddArrayToObject(o, "providers");
    if (cJSON_AddStringToObject(o, "provider", provider) != NULL && providers != NULL) {
        cJSON *p = cJSON_CreateString(provider);
        if (p != NULL && cJSON_AddItemToArray(providers, p))
            text = fk_json_print(o);
        else
            cJSON_Delete(p);
    }
    cJSON_Delete(o);
    return text;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
    if (v != NULL)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* Where ids drawn here live (fakekit/ids.h): none is ever handed out twice. */
static const struct fk_id_home user_ids = {"auth_users", "id"};
static const struct fk_id_home identity_ids = {"auth_users", "identity_id"};

int sb_user_create(struct fk_store *st, const struct sb_user_attrs *a, char *id_out,
                   struct fk_error *err)
{
    int rc = FK_ENOMEM;
    char now[40], ident[40];
    char *hash = NULL, *umeta = NULL, *ameta = NULL;
    const char *provider = a->email != NULL ? "email" : "phone";
    sqlite3_stmt *s = NULL;

    if (a->id != NULL) {
        if (a->id[0] == '\0' || strlen(a->id) >= SB_ID_MAX) {
            fk_error_set(err, "id: must be 1 to %d characters", SB_ID_MAX - 1);
            return FK_EINVAL;
        }
        snprintf(id_out, SB_ID_MAX, "%s", a->id);
    } else if ((rc = fk_id_uuid(st, &user_ids, id_out)) != 0) {
        fk_error_set(err, "cannot draw a user id: %s", fk_strerror(rc));
        return rc;
    }
    rc = FK_ENOMEM;
    if (a->email == NULL && a->phone == NULL) {
        fk_error_set(err, "a user needs an email or a phone");
        return FK_EINVAL;
    }
    if (a->email != NULL && !sb_email_valid(a->email)) {
        fk_error_set(err, "Unable to validate email address: invalid format");
        return FK_EINVAL;
    }
    if (sb_user_exists(st, id_out)) {
        fk_error_set(err, "a user with id '%s' already exists", id_out);
        return FK_EEXIST;
    }
    if (a->email != NULL && email_taken(st, a->email, NULL)) {
        fk_error_set(err, "A user with this email address has already been registered");
        return FK_EEXIST;
    }
    if (a->phone != NULL && phone_taken(st, a->phone, NULL)) {
        fk_error_set(err, "A user with this phone number has already been registered");
        return FK_EEXIST;
    }
    if (a->password != NULL && (hash = sb_password_hash(a->password)) == NULL)
        goto out;
    umeta = a->user_metadata != NULL ? fk_json_print(a->user_metadata) : NULL;
    ameta = app_meta_text(a->app_metadata, provider);
    if ((a->user_metadata != NULL && umeta == NULL) || ameta == NULL)
        goto out;
    now_text(now, sizeof now);
    rc = fk_id_uuid(st, &identity_ids, ident);
    if (rc != 0)
        goto out;
    rc = FK_ENOMEM;
    s = fk_store_stmt(st, "INSERT INTO auth_users (id, email, phone, encrypted_password, "
                          "raw_user_meta_data, raw_app_meta_data, email_confirmed_at, "
                          "phone_confirmed_at, identity_id, created_at, updated_at) "
                          "VALUES (?, lower(?), ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    rc = FK_EIO;
    if (s == NULL)
        goto out;
    sqlite3_bind_text(s, 1, id_out, -1, SQLITE_TRANSIENT);
    bind_text_or_null(s, 2, a->email);
    bind_text_or_null(s, 3, a->phone);
    bind_text_or_null(s, 4, hash);
    sqlite3_bind_text(s, 5, umeta != NULL ? umeta : "{}", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, ameta, -1, SQLITE_TRANSIENT);
    bind_text_or_null(s, 7, a->email != NULL && a->email_confirmed ? now : NULL);
    bind_text_or_null(s, 8, a->phone != NULL && a->phone_confirmed ? now : NULL);
    sqlite3_bind_text(s, 9, ident, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 10, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 11, now, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) {
        fk_error_set(err, "%s", sqlite3_errmsg(fk_store_db(st)));
        goto out;
    }
    rc = 0;
out:
    if (s != NULL)
        sqlite3_reset(s);
    free(hash);
    cJSON_free(umeta);
    cJSON_free(ameta);
    return rc;
}

int sb_user_find(struct fk_store *st, const char *email, const char *phone, char *id, char **hash,
                 bool *email_confirmed)
{
    sqlite3_stmt *s = NULL;
    int rc = FK_ENOTFOUND;

    if (email != NULL)
        s = fk_store_stmt(st, "SELECT id, encrypted_password, email_confirmed_at FROM "
                              "auth_users WHERE email = ? COLLATE NOCASE");
    else
        s = fk_store_stmt(st, "SELECT id, encrypted_password, phone_confirmed_at FROM "
                              "auth_users WHERE phone = ?");
    if (s == NULL)
        return FK_EIO;
    sqlite3_bind_text(s, 1, email != NULL ? email : phone, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
        rc = 0;
        snprintf(id, SB_ID_MAX, "%s", col(s, 0));
        if (email_confirmed != NULL)
            *email_confirmed = col(s, 2) != NULL;
        if (hash != NULL) {
            *hash = col(s, 1) != NULL ? strdup(col(s, 1)) : NULL;
            if (col(s, 1) != NULL && *hash == NULL)
                rc = FK_ENOMEM;
        }
    }
    sqlite3_reset(s);
    return rc;
}

int sb_user_touch_sign_in(struct fk_store *st, const char *id)
{
    char now[40];
    sqlite3_stmt *s = fk_store_stmt(
        st, "UPDATE auth_users SET last_sign_in_at = ?1, updated_at = ?1 WHERE id = ?2");
    int rc;

    if (s == NULL)
        return FK_EIO;
    now_text(now, sizeof now);
    sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    sqlite3_reset(s);
    return rc;
}

int sb_user_delete(struct fk_store *st, const char *id)
{
    static const char *const sql[] = {
        "DELETE FROM auth_refresh_tokens WHERE user_id = ?",
        "DELETE FROM auth_sessions WHERE user_id = ?",
        "DELETE FROM auth_users WHERE id = ?",
    };
    int rc = 0;

    if (!sb_user_exists(st, id))
        return FK_ENOTFOUND;
    for (size_t i = 0; i < sizeof sql / sizeof sql[0] && rc == 0; i++) {
        sqlite3_stmt *s = fk_store_stmt(st, sql[i]);
        if (s == NULL)
            return FK_EIO;
        sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
        sqlite3_reset(s);
    }
    return rc;
}

/* Step s to the end, appending each user to arr (taken: freed on failure). NULL on ENOMEM. */
static cJSON *users_from_rows(sqlite3_stmt *s, cJSON *arr)
{
    while (sqlite3_step(s) == SQLITE_ROW) {
        cJSON *u = user_from_row(s);
        if (u == NULL) {
            cJSON_Delete(arr);
            arr = NULL;
            break;
        }
        cJSON_AddItemToArray(arr, u);
    }
    sqlite3_reset(s);
    return arr;
}

cJSON *sb_user_list(struct fk_store *st, long page, long per_page, long *total)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT count(*) FROM auth_users");
    cJSON *arr = NULL;

    *total = 0;
    if (s == NULL)
        return NULL;
    if (sqlite3_step(s) == SQLITE_ROW)
        *total = (long)sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    /* GoTrue lists newest first (FindUsersInAudience, created_at desc). */
    s = fk_store_stmt(st, "SELECT " USER_COLS
                          " FROM auth_users ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?");
    arr = cJSON_CreateArray();
    if (s == NULL || arr == NULL) {
        cJSON_Delete(arr);
        return NULL;
    }
    sqlite3_bind_int64(s, 1, per_page);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)(page - 1) * per_page);
    return users_from_rows(s, arr);
}

cJSON *sb_auth_dump_users(struct fk_store *st)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT " USER_COLS " FROM auth_users ORDER BY rowid");
    cJSON *arr = cJSON_CreateArray();

    if (s == NULL || arr == NULL) {
        cJSON_Delete(arr);
        return NULL;
    }
    return users_from_rows(s, arr);
}
