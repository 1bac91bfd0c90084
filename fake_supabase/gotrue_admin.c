/* gotrue_admin.c: GoTrue's /admin/users API (auth-js auth.admin.*), service role only.
 *
 * Like GoTrue's requireAdmin, the Bearer token itself must carry role service_role (auth-js
 * sends its own key as the Bearer); any other valid token gets 403 not_admin. Listing is
 * newest first with GoTrue's Link and X-Total-Count headers, whose exact shape auth-js
 * parses character by character (docs/reference/supabase.md section 4). */
#include "fake_supabase/gotrue_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FK_OK when the caller is an admin, FK_ANSWERED with the refusal in resp, or a negative
 * fk_err. */
static int require_admin(const struct fk_req *req, struct fk_resp *resp)
{
    cJSON *claims = NULL;
    enum sb_role role;
    int rc;

    if ((rc = sb_gotrue_bearer(req, resp, &claims)) != FK_OK)
        return rc;
    role = sb_role_of(claims);
    cJSON_Delete(claims);
    if (role == SB_ROLE_SERVICE)
        return FK_OK;
    return fk_answered(sb_gotrue_error(req, resp, 403, "not_admin", "User not allowed", NULL));
}

static int user_answer(const struct fk_req *req, struct fk_resp *resp, const char *id)
{
    cJSON *u = sb_user_json(req->store, id);

    if (u == NULL)
        return sb_gotrue_error(req, resp, 404, "user_not_found", "User not found", NULL);
    return sb_gotrue_json(req, resp, 200, u);
}

/* Map a user-table error to GoTrue's answer. */
static int user_error(const struct fk_req *req, struct fk_resp *resp, int rc,
                      const struct fk_error *err)
{
    switch (rc) {
    case FK_ENOTFOUND:
        return sb_gotrue_error(req, resp, 404, "user_not_found", "User not found", NULL);
    case FK_EEXIST:
        return sb_gotrue_error(req, resp, 422,
                               strstr(err->msg, "phone") != NULL ? "phone_exists" : "email_exists",
                               err->msg, NULL);
    case FK_EINVAL:
        return sb_gotrue_error(req, resp, 400, "validation_failed", err->msg, NULL);
    default:
        return rc;
    }
}

static const char *opt_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring : NULL;
}

static const cJSON *opt_obj(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsObject(v) ? v : NULL;
}

int sb_admin_create(const struct fk_req *req, struct fk_resp *resp)
{
    struct sb_user_attrs a = {0};
    struct fk_error err = {{0}};
    char id[SB_ID_MAX];
    cJSON *body = NULL;
    const cJSON *role = NULL;
    int rc = 0;

    if ((rc = require_admin(req, resp)) != FK_OK)
        return fk_handler_rc(rc);
    if ((body = sb_gotrue_body(req, resp, sb_admin_user_fields)) == NULL)
        return 0;
    a.id = opt_str(body, "id");
    a.email = opt_str(body, "email");
    a.phone = opt_str(body, "phone");
    a.password = opt_str(body, "password");
    a.user_metadata = opt_obj(body, "user_metadata");
    a.app_metadata = opt_obj(body, "app_metadata");
    a.email_confirmed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "email_confirm"));
    a.phone_confirmed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "phone_confirm"));
    role = cJSON_GetObjectItemCaseSensitive(body, "role");
    if (a.email == NULL && a.phone == NULL) {
        rc = sb_gotrue_error(req, resp, 400, "validation_failed",
                             "Cannot create a user without either an email or phone", NULL);
    } else if (a.password != NULL && strlen(a.password) < SB_PASSWORD_MIN) {
        rc = sb_weak_password(req, resp);
    } else {
        rc = sb_user_create(req->store, &a, id, &err);
        if (rc == 0 && cJSON_IsString(role)) {
            cJSON *upd = cJSON_CreateObject();
            rc = upd != NULL && cJSON_AddStringToObject(upd, "role", role->valuestring) != NULL
                     ? sb_user_update(req->store, id, upd, &err)
                     : FK_ENOMEM;
            cJSON_Delete(upd);
        }
        rc = rc == 0 ? user_answer(req, resp, id) : user_error(req, resp, rc, &err);
    }
    cJSON_Delete(body);
    return rc;
}

/* A pagination argument: absent or empty gives def (auth-js sends "page=&per_page="). */
static bool page_arg(const struct fk_req *req, const char *name, long def, long *out)
{
    const char *v = fk_req_arg(req, name);
    char *end = NULL;
    long n;

    *out = def;
    if (v == NULL || v[0] == '\0')
        return true;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || n < 0 || n > 1000000)
        return false;
    if (n > 0)
        *out = n;
    return true;
}

int sb_admin_list(const struct fk_req *req, struct fk_resp *resp)
{
    char link[256], total_s[32];
    long page, per_page, total = 0, last;
    cJSON *users = NULL, *o = NULL;
    int n, rc;

    if ((rc = require_admin(req, resp)) != FK_OK)
        return fk_handler_rc(rc);
    if (!page_arg(req, "page", 1, &page) || !page_arg(req, "per_page", SB_LIST_PER_PAGE, &per_page))
        return sb_gotrue_error(req, resp, 400, "validation_failed", "Bad Pagination Parameters",
                               NULL);
    users = sb_user_list(req->store, page, per_page, &total);
    o = cJSON_CreateObject();
    if (users == NULL || o == NULL || !cJSON_AddItemToObject(o, "users", users)) {
        cJSON_Delete(users);
        cJSON_Delete(o);
        return FK_ENOMEM;
    }
    if (cJSON_AddStringToObject(o, "aud", "authenticated") == NULL ||
        sb_gotrue_json(req, resp, 200, o) != 0)
        return FK_ENOMEM;
    /* GoTrue's addPaginationHeaders: "next" only when more remain; query keys sorted. */
    last = (total + per_page - 1) / per_page;
    n = 0;
    if (total > page * per_page)
        n = snprintf(link, sizeof link, "</admin/users?page=%ld&per_page=%ld>; rel=\"next\", ",
                     page + 1, per_page);
    snprintf(link + n, sizeof link - (size_t)n,
             "</admin/users?page=%ld&per_page=%ld>; rel=\"last\"", last, per_page);
    snprintf(total_s, sizeof total_s, "%ld", total);
    if (fk_resp_header(resp, "Link", link) != 0 ||
        fk_resp_header(resp, "X-Total-Count", total_s) != 0)
        return FK_ENOMEM;
    return 0;
}

int sb_admin_get(const struct fk_req *req, struct fk_resp *resp)
{
    int rc;

    if ((rc = require_admin(req, resp)) != FK_OK)
        return fk_handler_rc(rc);
    return user_answer(req, resp, req->params[0]);
}

int sb_admin_update(const struct fk_req *req, struct fk_resp *resp)
{
    struct fk_error err = {{0}};
    const char *pw = NULL;
    cJSON *body = NULL;
    int rc;

    if ((rc = require_admin(req, resp)) != FK_OK)
        return fk_handler_rc(rc);
    if ((body = sb_gotrue_body(req, resp, sb_admin_user_fields)) == NULL)
        return 0;
    pw = opt_str(body, "password");
    if (!sb_user_exists(req->store, req->params[0]))
        rc = user_error(req, resp, FK_ENOTFOUND, &err);
    else if (pw != NULL && strlen(pw) < SB_PASSWORD_MIN)
        rc = sb_weak_password(req, resp);
    else if ((rc = sb_user_update(req->store, req->params[0], body, &err)) != 0)
        rc = user_error(req, resp, rc, &err);
    else
        rc = user_answer(req, resp, req->params[0]);
    cJSON_Delete(body);
    return rc;
}

int sb_admin_delete(const struct fk_req *req, struct fk_resp *resp)
{
    struct fk_error err = {{0}};
    cJSON *o = NULL;
    int rc;

    if ((rc = require_admin(req, resp)) != FK_OK)
        return fk_handler_rc(rc);
    /* should_soft_delete is accepted and treated as a hard delete. */
    rc = sb_user_delete(req->store, req->params[0]);
    if (rc != 0)
        return user_error(req, resp, rc, &err);
    o = cJSON_CreateObject();
    return o != NULL ? sb_gotrue_json(req, resp, 200, o) : FK_ENOMEM;
}
