/* gotrue_err.c: GoTrue's error bodies, in the format the request asks for.
 *
 * GoTrue (internal/api/errors.go) picks the format from X-Supabase-Api-Version: from
 * 2024-01-01 on, {"code":"<error_code>","message":...} and the header echoed back (auth-js
 * only trusts the string code when it sees the header); before, or without the header,
 * {"code":<status>,"error_code":...,"msg":...}. See docs/reference/supabase.md section 4. */
#include "fake_supabase/gotrue_int.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakekit/json.h"
#include "fakekit/text.h"

#define API_2024 "2024-01-01"

bool sb_api_2024(const struct fk_req *req)
{
    const char *v = fk_req_header(req, "x-supabase-api-version");

    /* ISO dates compare as strings; anything not shaped like one is ignored. */
    return v != NULL && strlen(v) == strlen(API_2024) && v[4] == '-' && v[7] == '-' &&
           strcmp(v, API_2024) >= 0;
}

static int echo_version(const struct fk_req *req, struct fk_resp *resp)
{
    if (!sb_api_2024(req))
        return 0;
    return fk_resp_header(resp, "X-Supabase-Api-Version", API_2024);
}

int sb_gotrue_json(const struct fk_req *req, struct fk_resp *resp, unsigned status, cJSON *json)
{
    if (fk_resp_json(resp, status, json) != 0)
        return FK_ENOMEM;
    return echo_version(req, resp);
}

int sb_gotrue_error(const struct fk_req *req, struct fk_resp *resp, unsigned status,
                    const char *code, const char *msg, cJSON *extra)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *item = NULL;
    bool v2024 = sb_api_2024(req);

    if (o == NULL)
        goto fail;
    if (v2024) {
        if (cJSON_AddStringToObject(o, "code", code) == NULL ||
            cJSON_AddStringToObject(o, "message", msg) == NULL)
            goto fail;
    } else {
        if (cJSON_AddNumberToObject(o, "code", status) == NULL ||
            cJSON_AddStringToObject(o, "error_code", code) == NULL ||
            cJSON_AddStringToObject(o, "msg", msg) == NULL)
            goto fail;
    }
    while (extra != NULL && extra->child != NULL) {
        item = cJSON_DetachItemViaPointer(extra, extra->child);
        if (!cJSON_AddItemToObject(o, item->string, item)) {
            cJSON_Delete(item);
            goto fail;
        }
    }
    cJSON_Delete(extra);
    return sb_gotrue_json(req, resp, status, o);
fail:
    cJSON_Delete(extra);
    cJSON_Delete(o);
    return FK_ENOMEM;
}

int sb_weak_password(const struct fk_req *req, struct fk_resp *resp)
{
    char msg[64];
    cJSON *extra = cJSON_CreateObject();
    cJSON *wp = cJSON_AddObjectToObject(extra, "weak_password");
    cJSON *reasons = cJSON_AddArrayToObject(wp, "reasons");
    cJSON *len = cJSON_CreateString("length");

    if (extra == NULL || wp == NULL || reasons == NULL || len == NULL) {
        cJSON_Delete(extra);
        cJSON_Delete(len);
        return FK_ENOMEM;
    }
    cJSON_AddItemToArray(reasons, len);
    snprintf(msg, sizeof msg, "Password should be at least %d characters.", SB_PASSWORD_MIN);
    if (cJSON_AddStringToObject(wp, "message", msg) == NULL) {
        cJSON_Delete(extra);
        return FK_ENOMEM;
    }
    return sb_gotrue_error(req, resp, 422, "weak_password", msg, extra);
}

const char *const sb_password_grant_fields[] = {"email", "phone", "password", NULL};
const char *const sb_refresh_grant_fields[] = {"refresh_token", NULL};
const char *const sb_signup_fields[] = {
    "email",          "phone", "password", "data", "channel", "code_challenge_method",
    "code_challenge", NULL,
};
const char *const sb_user_update_fields[] = {
    "email",   "password",       "current_password",      "nonce", "data", "app_metadata", "phone",
    "channel", "code_challenge", "code_challenge_method", NULL,
};
const char *const sb_admin_user_fields[] = {
    "id",
    "aud",
    "role",
    "email",
    "phone",
    "password",
    "password_hash",
    "email_confirm",
    "phone_confirm",
    "user_metadata",
    "app_metadata",
    "ban_duration",
    NULL,
};

/* The field of fields that name matches ignoring ASCII case (Go's fold match); NULL if none. */
static const char *field_of(const char *name, const char *const *fields)
{
    for (size_t i = 0; name != NULL && fields[i] != NULL; i++)
        if (strcasecmp(name, fields[i]) == 0)
            return fields[i];
    return NULL;
}

/* The members of body that set a field, in body's order, each under its field's name, the
 * last one of a field winning. Takes body; NULL on ENOMEM. */
static cJSON *go_params(cJSON *body, const char *const *fields)
{
    cJSON *out = cJSON_CreateObject(), *it = body->child, *next;

    for (; out != NULL && it != NULL; it = next) {
        const char *f = field_of(it->string, fields);
        next = it->next;
        if (f == NULL)
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(out, f);
        cJSON_DetachItemViaPointer(body, it);
        if (!cJSON_AddItemToObject(out, f, it)) {
            cJSON_Delete(it);
            cJSON_Delete(out);
            out = NULL;
        }
    }
    cJSON_Delete(body);
    return out;
}

/* s made valid UTF-8 as Go's encoding/json reads it (NULL when it is, or on ENOMEM: *oom). */
static char *go_string(const char *s, bool *oom)
{
    size_t n = 0;

    return fk_utf8_fix(s, strlen(s), &n, oom);
}

/* Every key and string of item made valid UTF-8 the way Go reads it; false on ENOMEM. */
static bool go_utf8(cJSON *item)
{
    bool oom = false;

    for (; item != NULL && !oom; item = item->next) {
        char *k = item->string != NULL && !(item->type & cJSON_StringIsConst)
                      ? go_string(item->string, &oom)
                      : NULL;
        if (k != NULL) {
            cJSON_free(item->string);
            item->string = k;
        }
        char *v = cJSON_IsString(item) && item->valuestring != NULL
                      ? go_string(item->valuestring, &oom)
                      : NULL;
        if (v != NULL) {
            cJSON_free(item->valuestring);
            item->valuestring = v;
        }
        if (!oom && item->child != NULL && !go_utf8(item->child))
            return false;
    }
    return !oom;
}

cJSON *sb_gotrue_body(const struct fk_req *req, struct fk_resp *resp, const char *const *fields)
{
    char msg[FK_ERRMSG_MAX + 64];
    struct fk_error err = {{0}};
    cJSON *o = fk_req_json(req, &err);

    /* Bytes that are not UTF-8 become U+FFFD (Go), so that no answer or token carries them;
     * two keys that became the same keep the last value, as Go's map does. */
    if (cJSON_IsObject(o) && (!go_utf8(o) || fk_json_last_wins(o) != 0)) {
        cJSON_Delete(o);
        return NULL; /* out of memory: the caller answers 500 */
    }
    if (cJSON_IsObject(o))
        return go_params(o, fields);
    cJSON_Delete(o);
    snprintf(msg, sizeof msg, "Could not parse request body as JSON: %s",
             err.msg[0] != '\0' ? err.msg : "expected an object");
    (void)sb_gotrue_error(req, resp, 400, "bad_json", msg, NULL);
    return NULL;
}
