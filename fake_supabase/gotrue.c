/* gotrue.c: GoTrue's user-facing endpoints and the route table of /auth/v1.
 *
 * Sessions: a sign-in creates a row in auth_sessions and a refresh token; each refresh
 * revokes the token it used and issues the next one in the same session (single use, so a
 * replayed token gets refresh_token_already_used). Logout deletes sessions, after which their
 * access tokens fail on /user with session_not_found, as GoTrue's session check does.
 * Wording and statuses: docs/reference/supabase.md section 4. */
#include "fake_supabase/gotrue_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"
#include "fakekit/ids.h"

static const char refresh_alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";

static int add_copy(cJSON *dst, const char *key, const cJSON *src)
{
    cJSON *c = cJSON_Duplicate(src, true);

    if (c == NULL || !cJSON_AddItemToObject(dst, key, c)) {
        cJSON_Delete(c);
        return FK_ENOMEM;
    }
    return 0;
}

/* The access token GoTrue would issue for user u in session sid. Caller frees. */
static char *access_token(const struct fk_req *req, const cJSON *u, const char *sid,
                          const char *amr_method, long long amr_time, long long iat)
{
    char iss[300];
    const char *host = fk_req_header(req, "host");
    cJSON *c = cJSON_CreateObject();
    cJSON *amr = cJSON_CreateArray();
    cJSON *m = cJSON_CreateObject();
    char *tok = NULL;

    if (host != NULL && host[0] != '\0' && strlen(host) < 256)
        snprintf(iss, sizeof iss, "http://%s/auth/v1", host);
    else
        snprintf(iss, sizeof iss, "supabase-fake");
    if (c == NULL || amr == NULL || m == NULL ||
        cJSON_AddStringToObject(m, "method", amr_method) == NULL ||
        cJSON_AddNumberToObject(m, "timestamp", (double)amr_time) == NULL)
        goto out;
    cJSON_AddItemToArray(amr, m);
    m = NULL;
    if (cJSON_AddStringToObject(c, "iss", iss) == NULL ||
        add_copy(c, "sub", cJSON_GetObjectItemCaseSensitive(u, "id")) != 0 ||
        cJSON_AddStringToObject(c, "aud", "authenticated") == NULL ||
        cJSON_AddNumberToObject(c, "exp", (double)(iat + sb_jwt_expiry())) == NULL ||
        cJSON_AddNumberToObject(c, "iat", (double)iat) == NULL ||
        add_copy(c, "email", cJSON_GetObjectItemCaseSensitive(u, "email")) != 0 ||
        add_copy(c, "phone", cJSON_GetObjectItemCaseSensitive(u, "phone")) != 0 ||
        add_copy(c, "app_metadata", cJSON_GetObjectItemCaseSensitive(u, "app_metadata")) != 0 ||
        add_copy(c, "user_metadata", cJSON_GetObjectItemCaseSensitive(u, "user_metadata")) != 0 ||
        add_copy(c, "role", cJSON_GetObjectItemCaseSensitive(u, "role")) != 0 ||
        cJSON_AddStringToObject(c, "aal", "aal1") == NULL || !cJSON_AddItemToObject(c, "amr", amr))
        goto out;
    amr = NULL; /* owned by c now */
    if (cJSON_AddStringToObject(c, "session_id", sid) == NULL ||
        cJSON_AddFalseToObject(c, "is_anonymous") == NULL)
        goto out;
    tok = fk_jwt_sign(c, sb_jwt_secret(), true);
out:
    cJSON_Delete(m);
    cJSON_Delete(amr);
    cJSON_Delete(c);
    return tok;
}

/* Answer 200 with a session for user uid: in session sid, or a new one when sid is NULL. */
static int issue_session(const struct fk_req *req, struct fk_resp *resp, const char *uid,
                         const char *sid_in)
{
    struct fk_store *st = req->store;
    long long now = fk_now_us() / 1000000, amr_time = now;
    char sid[SB_ID_MAX], created[40], refresh[SB_REFRESH_LEN + 1];
    const char *amr_method = "password";
    char *amr_copy = NULL, *tok = NULL;
    cJSON *u = NULL, *o = NULL;
    sqlite3_stmt *s = NULL;
    int rc = FK_EIO;

    fk_rfc3339_us(fk_now_us(), created, sizeof created);
    if (sid_in == NULL) {
        static const struct fk_id_home sessions = {"auth_sessions", "id"};
        if (fk_id_uuid(st, &sessions, sid) != 0)
            goto out;
        s = fk_store_stmt(st, "INSERT INTO auth_sessions (id, user_id, amr_method, amr_time, "
                              "created_at) VALUES (?, ?, 'password', ?, ?)");
        if (s == NULL)
            goto out;
        sqlite3_bind_text(s, 1, sid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, uid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 3, now);
        sqlite3_bind_text(s, 4, created, -1, SQLITE_TRANSIENT);
    } else {
        /* A refreshed token keeps the session's original sign-in method and time. */
        snprintf(sid, sizeof sid, "%s", sid_in);
        s = fk_store_stmt(st, "SELECT amr_method, amr_time FROM auth_sessions WHERE id = ?");
        if (s == NULL)
            goto out;
        sqlite3_bind_text(s, 1, sid, -1, SQLITE_TRANSIENT);
    }
    rc = sqlite3_step(s);
    if (sid_in != NULL && rc == SQLITE_ROW) {
        amr_copy = strdup((const char *)sqlite3_column_text(s, 0));
        amr_method = amr_copy != NULL ? amr_copy : "password";
        amr_time = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        rc = FK_EIO;
        goto out;
    }
    static const struct fk_id_home tokens = {"auth_refresh_tokens", "token"};
    rc = fk_id_chars(st, &tokens, "", refresh_alphabet, SB_REFRESH_LEN, refresh, sizeof refresh);
    if (rc != 0)
        goto out;
    rc = FK_EIO;
    s = fk_store_stmt(st, "INSERT INTO auth_refresh_tokens (token, session_id, user_id, "
                          "created_at) VALUES (?, ?, ?, ?)");
    if (s == NULL)
        goto out;
    sqlite3_bind_text(s, 1, refresh, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, sid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, uid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, created, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    sqlite3_reset(s);
    if (rc != 0)
        goto out;
    rc = FK_ENOMEM;
    u = sb_user_json(st, uid);
    if (u == NULL || (tok = access_token(req, u, sid, amr_method, amr_time, now)) == NULL)
        goto out;
    o = cJSON_CreateObject();
    if (o == NULL || cJSON_AddStringToObject(o, "access_token", tok) == NULL ||
        cJSON_AddStringToObject(o, "token_type", "bearer") == NULL ||
        cJSON_AddNumberToObject(o, "expires_in", (double)sb_jwt_expiry()) == NULL ||
        cJSON_AddNumberToObject(o, "expires_at", (double)(now + sb_jwt_expiry())) == NULL ||
        cJSON_AddStringToObject(o, "refresh_token", refresh) == NULL ||
        !cJSON_AddItemToObject(o, "user", u))
        goto out;
    u = NULL;
    rc = sb_gotrue_json(req, resp, 200, o);
    o = NULL;
out:
    free(amr_copy);
    free(tok);
    cJSON_Delete(u);
    cJSON_Delete(o);
    return rc;
}

static const char *str_member(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring : NULL;
}

static int grant_password(const struct fk_req *req, struct fk_resp *resp, const cJSON *body)
{
    const char *email = str_member(body, "email");
    const char *phone = str_member(body, "phone");
    const char *pw = str_member(body, "password");
    char uid[SB_ID_MAX];
    char *hash = NULL;
    bool confirmed = false;
    int rc;

    if (email != NULL && phone != NULL)
        return sb_gotrue_error(req, resp, 400, "validation_failed",
                               "Only an email address or phone number should be provided on "
                               "login.",
                               NULL);
    rc = email != NULL || phone != NULL
             ? sb_user_find(req->store, email, phone, uid, &hash, &confirmed)
             : FK_ENOTFOUND;
    if (rc == FK_ENOMEM || rc == FK_EIO)
        return rc;
    if (rc != 0 || pw == NULL || !sb_password_verify(pw, hash)) {
        free(hash);
        return sb_gotrue_error(req, resp, 400, "invalid_credentials", "Invalid login credentials",
                               NULL);
    }
    free(hash);
    if (!confirmed)
        return sb_gotrue_error(req, resp, 400,
                               email != NULL ? "email_not_confirmed" : "phone_not_confirmed",
                               email != NULL ? "Email not confirmed" : "Phone not confirmed", NULL);
    rc = sb_user_touch_sign_in(req->store, uid);
    return rc != 0 ? rc : issue_session(req, resp, uid, NULL);
}

static int grant_refresh(const struct fk_req *req, struct fk_resp *resp, const cJSON *body)
{
    const char *token = str_member(body, "refresh_token");
    char sid[SB_ID_MAX], uid[SB_ID_MAX];
    sqlite3_stmt *s = NULL;
    int revoked = 0, step;

    if (token == NULL)
        return sb_gotrue_error(req, resp, 400, "validation_failed", "refresh_token required", NULL);
    s = fk_store_stmt(req->store, "SELECT session_id, user_id, revoked FROM auth_refresh_tokens "
                                  "WHERE token = ?");
    if (s == NULL)
        return FK_EIO;
    sqlite3_bind_text(s, 1, token, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        snprintf(sid, sizeof sid, "%s", (const char *)sqlite3_column_text(s, 0));
        snprintf(uid, sizeof uid, "%s", (const char *)sqlite3_column_text(s, 1));
        revoked = sqlite3_column_int(s, 2);
    }
    sqlite3_reset(s);
    if (step != SQLITE_ROW)
        return sb_gotrue_error(req, resp, 400, "refresh_token_not_found",
                               "Invalid Refresh Token: Refresh Token Not Found", NULL);
    if (revoked)
        return sb_gotrue_error(req, resp, 400, "refresh_token_already_used",
                               "Invalid Refresh Token: Already Used", NULL);
    s = fk_store_stmt(req->store, "UPDATE auth_refresh_tokens SET revoked = 1 WHERE token = ?");
    if (s == NULL)
        return FK_EIO;
    sqlite3_bind_text(s, 1, token, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(s);
    sqlite3_reset(s);
    return step == SQLITE_DONE ? issue_session(req, resp, uid, sid) : FK_EIO;
}

static int h_token(const struct fk_req *req, struct fk_resp *resp)
{
    const char *grant = fk_req_arg(req, "grant_type");
    enum sb_role role;
    cJSON *body = NULL;
    int rc;

    if (sb_apikey_check(req, resp, &role) != FK_OK)
        return 0;
    if (grant == NULL || (strcmp(grant, "password") != 0 && strcmp(grant, "refresh_token") != 0))
        return sb_gotrue_error(req, resp, 400, "invalid_credentials", "unsupported_grant_type",
                               NULL);
    body = sb_gotrue_body(req, resp,
                          strcmp(grant, "password") == 0 ? sb_password_grant_fields
                                                         : sb_refresh_grant_fields);
    if (body == NULL)
        return 0;
    rc = strcmp(grant, "password") == 0 ? grant_password(req, resp, body)
                                        : grant_refresh(req, resp, body);
    cJSON_Delete(body);
    return rc;
}

/* GoTrue's check behind requireAuthentication: the sub's user and the session must exist.
 * Copies the user id and session id ("" when the token has none). 0, or -1 with resp set. */
static int caller_of_claims(const struct fk_req *req, struct fk_resp *resp, const cJSON *claims,
                            char *uid, char *sid)
{
    const char *sub = str_member(claims, "sub");
    const char *session = str_member(claims, "session_id");
    sqlite3_stmt *s = NULL;
    bool found;

    if (sub == NULL || strlen(sub) >= SB_ID_MAX) {
        return fk_answered(
            sb_gotrue_error(req, resp, 403, "bad_jwt", "invalid claim: missing sub claim", NULL));
    }
    if (!sb_user_exists(req->store, sub)) {
        return fk_answered(sb_gotrue_error(req, resp, 403, "user_not_found",
                                           "User from sub claim in JWT does not exist", NULL));
    }
    snprintf(uid, SB_ID_MAX, "%s", sub);
    snprintf(sid, SB_ID_MAX, "%s", session != NULL ? session : "");
    if (session == NULL)
        return FK_OK; /* a token signed without a session (tests, service scripts) */
    s = fk_store_stmt(req->store, "SELECT 1 FROM auth_sessions WHERE id = ? AND user_id = ?");
    if (s == NULL)
        return FK_EIO;
    sqlite3_bind_text(s, 1, session, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, sub, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    if (!found) {
        return fk_answered(sb_gotrue_error(req, resp, 403, "session_not_found",
                                           "Session from session_id claim in JWT does not exist",
                                           NULL));
    }
    return FK_OK;
}

/* The Bearer token's caller, as above (resp set on any refusal). */
static int load_caller(const struct fk_req *req, struct fk_resp *resp, char *uid, char *sid)
{
    cJSON *claims = NULL;
    int rc;

    if ((rc = sb_gotrue_bearer(req, resp, &claims)) != FK_OK)
        return rc;
    rc = caller_of_claims(req, resp, claims, uid, sid);
    cJSON_Delete(claims);
    return rc;
}

static int h_user(const struct fk_req *req, struct fk_resp *resp)
{
    char uid[SB_ID_MAX], sid[SB_ID_MAX];
    cJSON *u = NULL;
    int rc;

    if ((rc = load_caller(req, resp, uid, sid)) != FK_OK)
        return fk_handler_rc(rc);
    u = sb_user_json(req->store, uid);
    return u != NULL ? sb_gotrue_json(req, resp, 200, u) : FK_ENOMEM;
}

/* GoTrue's isAdmin: the user's own role is the admin group ("admin" by default). */
static bool user_is_admin(struct fk_store *st, const char *uid)
{
    cJSON *u = sb_user_json(st, uid);
    const char *role = str_member(u, "role");
    bool admin = role != NULL && strcmp(role, "admin") == 0;

    cJSON_Delete(u);
    return admin;
}

/* PUT /user: auth-js updateUser({email, phone, password, data}), as GoTrue's UserUpdate
 * (internal/api/user.go): only UserUpdateParams' fields are read, so role, email_confirm,
 * user_metadata and every other admin-only key are ignored; app_metadata is 403 not_admin
 * unless the user's own role is the admin group. What may change: email, phone, password and
 * user_metadata (sent as "data"). */
static int h_user_update(const struct fk_req *req, struct fk_resp *resp)
{
    static const char *const keep[] = {"email", "phone", "password", NULL};
    char uid[SB_ID_MAX], sid[SB_ID_MAX];
    struct fk_error err = {{0}};
    cJSON *body = NULL, *upd = NULL, *data = NULL, *app = NULL, *u = NULL;
    const char *pw;
    int rc = 0;

    if ((rc = load_caller(req, resp, uid, sid)) != FK_OK)
        return fk_handler_rc(rc);
    if ((body = sb_gotrue_body(req, resp, sb_user_update_fields)) == NULL)
        return 0;
    pw = str_member(body, "password");
    app = cJSON_DetachItemFromObjectCaseSensitive(body, "app_metadata");
    data = cJSON_DetachItemFromObjectCaseSensitive(body, "data");
    if (pw != NULL && strlen(pw) < SB_PASSWORD_MIN) {
        rc = sb_weak_password(req, resp);
        goto out;
    }
    if (app != NULL && !cJSON_IsNull(app) && !user_is_admin(req->store, uid)) {
        rc = sb_gotrue_error(req, resp, 403, "not_admin",
                             "Updating app_metadata requires admin privileges", NULL);
        goto out;
    }
    rc = FK_ENOMEM;
    if ((upd = cJSON_CreateObject()) == NULL)
        goto out;
    for (size_t i = 0; keep[i] != NULL; i++) {
        cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(body, keep[i]);
        if (v != NULL && !cJSON_AddItemToObject(upd, keep[i], v)) {
            cJSON_Delete(v);
            goto out;
        }
    }
    if (data != NULL && !cJSON_AddItemToObject(upd, "user_metadata", data))
        goto out;
    data = NULL;
    if (app != NULL && !cJSON_AddItemToObject(upd, "app_metadata", app))
        goto out;
    app = NULL;
    rc = sb_user_update(req->store, uid, upd, &err);
    if (rc == FK_EEXIST)
        rc = sb_gotrue_error(req, resp, 422, "email_exists", err.msg, NULL);
    else if (rc == FK_EINVAL)
        rc = sb_gotrue_error(req, resp, 400, "validation_failed", err.msg, NULL);
    else if (rc == 0)
        rc = (u = sb_user_json(req->store, uid)) != NULL ? sb_gotrue_json(req, resp, 200, u)
                                                         : FK_ENOMEM;
out:
    cJSON_Delete(data);
    cJSON_Delete(app);
    cJSON_Delete(upd);
    cJSON_Delete(body);
    return rc;
}

static int h_signup(const struct fk_req *req, struct fk_resp *resp)
{
    struct sb_user_attrs a = {0};
    struct fk_error err = {{0}};
    char uid[SB_ID_MAX];
    enum sb_role role;
    cJSON *body = NULL, *u = NULL;
    const cJSON *data = NULL;
    int rc = 0;

    if (sb_apikey_check(req, resp, &role) != FK_OK ||
        (body = sb_gotrue_body(req, resp, sb_signup_fields)) == NULL)
        return 0;
    a.email = str_member(body, "email");
    a.phone = str_member(body, "phone");
    a.password = str_member(body, "password");
    data = cJSON_GetObjectItemCaseSensitive(body, "data");
    a.user_metadata = cJSON_IsObject(data) ? data : NULL;
    a.email_confirmed = a.phone_confirmed = !sb_confirm_signups();
    if (a.email == NULL && a.phone == NULL)
        rc = sb_gotrue_error(req, resp, 400, "validation_failed",
                             "To signup, please provide your email", NULL);
    else if (a.password == NULL)
        rc = sb_gotrue_error(req, resp, 400, "validation_failed",
                             "Signup requires a valid password", NULL);
    else if (strlen(a.password) < SB_PASSWORD_MIN)
        rc = sb_weak_password(req, resp);
    else if ((rc = sb_user_create(req->store, &a, uid, &err)) == FK_EEXIST)
        rc =
            sb_gotrue_error(req, resp, 422, "user_already_exists", "User already registered", NULL);
    else if (rc == FK_EINVAL)
        rc = sb_gotrue_error(req, resp, 400, "validation_failed", err.msg, NULL);
    else if (rc == 0 && sb_confirm_signups())
        rc = (u = sb_user_json(req->store, uid)) != NULL ? sb_gotrue_json(req, resp, 200, u)
                                                         : FK_ENOMEM;
    else if (rc == 0 && (rc = sb_user_touch_sign_in(req->store, uid)) == 0)
        rc = issue_session(req, resp, uid, NULL);
    cJSON_Delete(body);
    return rc;
}

static int h_logout(const struct fk_req *req, struct fk_resp *resp)
{
    const char *scope = fk_req_arg(req, "scope");
    char uid[SB_ID_MAX], sid[SB_ID_MAX];
    const char *sql = NULL;
    sqlite3_stmt *s = NULL;
    int rc;

    if ((rc = load_caller(req, resp, uid, sid)) != FK_OK)
        return fk_handler_rc(rc);
    /* Refresh tokens go with their session (explicitly: foreign keys may be off). */
    if (scope == NULL || scope[0] == '\0' || strcmp(scope, "global") == 0)
        sql = "DELETE FROM auth_sessions WHERE user_id = ?1";
    else if (strcmp(scope, "local") == 0)
        sql = "DELETE FROM auth_sessions WHERE user_id = ?1 AND id = ?2";
    else if (strcmp(scope, "others") == 0)
        sql = "DELETE FROM auth_sessions WHERE user_id = ?1 AND id <> ?2";
    else
        return sb_gotrue_error(req, resp, 400, "validation_failed", "Unsupported logout scope",
                               NULL);
    s = fk_store_stmt(req->store, sql);
    if (s == NULL)
        return FK_EIO;
    sqlite3_bind_text(s, 1, uid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, sid, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    sqlite3_reset(s);
    s = fk_store_stmt(req->store, "DELETE FROM auth_refresh_tokens WHERE session_id NOT IN "
                                  "(SELECT id FROM auth_sessions)");
    if (rc != 0 || s == NULL)
        return FK_EIO;
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    sqlite3_reset(s);
    if (rc != 0)
        return rc;
    if (fk_resp_set(resp, 204, NULL, NULL, 0) != 0)
        return FK_ENOMEM;
    return sb_api_2024(req) ? fk_resp_header(resp, "X-Supabase-Api-Version", "2024-01-01") : 0;
}

const struct fk_route sb_auth_routes[] = {
    {"GET", "/auth/v1/user", h_user},
    {"PUT", "/auth/v1/user", h_user_update},
    {"POST", "/auth/v1/token", h_token},
    {"POST", "/auth/v1/signup", h_signup},
    {"POST", "/auth/v1/logout", h_logout},
    {"POST", "/auth/v1/admin/users", sb_admin_create},
    {"GET", "/auth/v1/admin/users", sb_admin_list},
    {"GET", "/auth/v1/admin/users/{id}", sb_admin_get},
    {"PUT", "/auth/v1/admin/users/{id}", sb_admin_update},
    {"DELETE", "/auth/v1/admin/users/{id}", sb_admin_delete},
};
const size_t sb_auth_nroutes = sizeof sb_auth_routes / sizeof sb_auth_routes[0];
