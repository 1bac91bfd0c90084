/* gotrue_int.h: what the GoTrue modules of fake_supabase share among themselves.
 *
 * keys.c       the secret, the anon/service_role keys, apikey and Bearer checks
 * password.c   PBKDF2 password hashes
 * gotrue_err.c GoTrue error bodies in the format the request asks for
 * gotrue_users.c  the user table: create, update, look up, user objects
 * gotrue.c     /user, /token, /signup, /logout; gotrue_admin.c  /admin/users
 * Not for the PostgREST side: it uses gotrue.h only. */
#ifndef SB_GOTRUE_INT_H
#define SB_GOTRUE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "fake_supabase/gotrue.h"
#include "fakekit/jwt.h"

#define SB_PBKDF2_ITERATIONS 10000 /* fast under ASan, still a real key-stretching hash */
#define SB_PASSWORD_MIN      6     /* GoTrue's default minimum password length */
#define SB_DEFAULT_SECRET    "super-secret-jwt-token-with-at-least-32-characters-long"
#define SB_KEY_ISS                                                                                 \
    "supabase-demo" /* the CLI keys' payload (docs/reference/supabase.md section 5) */
#define SB_KEY_EXP       1983812996
#define SB_ID_MAX        64 /* user and session ids, bytes with the NUL */
#define SB_REFRESH_LEN   16 /* characters of a refresh token */
#define SB_LIST_PER_PAGE 50 /* listUsers default page size */

/* ---- keys.c ---- */
const char *sb_jwt_secret(void);
long sb_jwt_expiry(void);      /* access-token lifetime, seconds (--jwt-expiry) */
bool sb_confirm_signups(void); /* --confirm-signups: signup returns a user, no session */

/* The Kong gateway's apikey check. A check (fakekit/err.h): FK_OK with *role set,
 * FK_ANSWERED with the 401 in resp, or a negative fk_err. */
int sb_apikey_check(const struct fk_req *req, struct fk_resp *resp, enum sb_role *role);

/* GoTrue's requireAuthentication: the Bearer token must be present (else 401
 * no_authorization) and valid (else 403 bad_jwt). FK_OK with *claims (caller
 * cJSON_Delete()s), FK_ANSWERED with resp filled, or a negative fk_err. Also checks the
 * apikey first. */
int sb_gotrue_bearer(const struct fk_req *req, struct fk_resp *resp, cJSON **claims);

/* Role from a verified payload's "role" claim: anon when absent. */
enum sb_role sb_role_of(const cJSON *claims);

/* ---- password.c ---- */
/* "pbkdf2-sha256$ITER$SALT$HASH" (base64url parts); caller frees. NULL on ENOMEM. */
char *sb_password_hash(const char *password);
/* True when password matches stored (a string from sb_password_hash); false for NULL or
 * a malformed stored value. Constant-time comparison of the derived keys. */
bool sb_password_verify(const char *password, const char *stored);

/* ---- gotrue_err.c ---- */
/* True when the request asks for the 2024-01-01 error format (X-Supabase-Api-Version). */
bool sb_api_2024(const struct fk_req *req);
/* Fill resp with GoTrue's error: {"code":"<code>","message":msg} plus the echoed
 * X-Supabase-Api-Version header in the 2024-01-01 format, else
 * {"code":status,"error_code":"<code>","msg":msg}. extra (may be NULL) is merged into the
 * body, its ownership taken (even on failure). Returns 0 or FK_ENOMEM. */
int sb_gotrue_error(const struct fk_req *req, struct fk_resp *resp, unsigned status,
                    const char *code, const char *msg, cJSON *extra);
/* 200 (or status) with a JSON body; takes ownership of json. Echoes the version header. */
int sb_gotrue_json(const struct fk_req *req, struct fk_resp *resp, unsigned status, cJSON *json);
/* The weak_password 422 (password shorter than SB_PASSWORD_MIN). */
int sb_weak_password(const struct fk_req *req, struct fk_resp *resp);
/* The body as GoTrue's handlers read it: retrieveRequestParams, Go's encoding/json decoding
 * into the handler's params struct, whose json names are fields (NULL-terminated). A member
 * whose name equals a field's ignoring ASCII case sets that field, a later one overwriting an
 * earlier; any other member is ignored. The result holds one member per field set, under the
 * field's own name. NULL with resp filled (400 bad_json) when the body is not a JSON object,
 * or on ENOMEM (resp then untouched). Caller cJSON_Delete()s it. */
cJSON *sb_gotrue_body(const struct fk_req *req, struct fk_resp *resp, const char *const *fields);

/* The json names of GoTrue's params structs (internal/api, supabase/auth). */
extern const char *const sb_password_grant_fields[]; /* PasswordGrantParams */
extern const char *const sb_refresh_grant_fields[];  /* RefreshTokenGrantParams */
extern const char *const sb_signup_fields[];         /* SignupParams */
extern const char *const sb_user_update_fields[];    /* UserUpdateParams */
extern const char *const sb_admin_user_fields[];     /* AdminUserParams */

/* ---- gotrue_admin.c: /auth/v1/admin/users handlers ---- */
int sb_admin_create(const struct fk_req *req, struct fk_resp *resp);
int sb_admin_list(const struct fk_req *req, struct fk_resp *resp);
int sb_admin_get(const struct fk_req *req, struct fk_resp *resp);
int sb_admin_update(const struct fk_req *req, struct fk_resp *resp);
int sb_admin_delete(const struct fk_req *req, struct fk_resp *resp);

/* ---- gotrue_users.c ---- */
struct sb_user_attrs {
    const char *id;             /* NULL: a random UUID */
    const char *email;          /* lower-cased on the way in; NULL: none */
    const char *phone;          /* NULL: none */
    const char *password;       /* NULL: none (password sign-in then always fails) */
    const cJSON *user_metadata; /* NULL: {} */
    const cJSON *app_metadata;  /* merged over {"provider":..., "providers":[...]} */
    bool email_confirmed;
    bool phone_confirmed;
};

/* Insert a user; id_out (SB_ID_MAX bytes) receives its id. Returns 0, FK_EEXIST (email,
 * phone or id taken; err says which), FK_EINVAL or FK_ENOMEM / FK_EIO. */
int sb_user_create(struct fk_store *st, const struct sb_user_attrs *a, char *id_out,
                   struct fk_error *err);
/* The GoTrue user object for id; NULL when there is no such user (or ENOMEM). */
cJSON *sb_user_json(struct fk_store *st, const char *id);
/* Find a user by e-mail (case-insensitive) or phone. Copies id (SB_ID_MAX) and, when
 * hash is non-NULL, the password hash (caller frees; NULL when none). 0 or FK_ENOTFOUND. */
int sb_user_find(struct fk_store *st, const char *email, const char *phone, char *id, char **hash,
                 bool *email_confirmed);
bool sb_user_exists(struct fk_store *st, const char *id);
/* Apply an admin update document (email, phone, password, user_metadata, app_metadata
 * merged key by key with null deleting, email_confirm, phone_confirm). 0, FK_ENOTFOUND,
 * FK_EEXIST, FK_EINVAL (err says why). */
int sb_user_update(struct fk_store *st, const char *id, const cJSON *attrs, struct fk_error *err);
int sb_user_delete(struct fk_store *st, const char *id); /* 0 or FK_ENOTFOUND */
int sb_user_touch_sign_in(struct fk_store *st, const char *id);
/* Page of users (1-based page) as an array of user objects, total count in *total. */
cJSON *sb_user_list(struct fk_store *st, long page, long per_page, long *total);
/* Basic e-mail syntax check, as GoTrue's "Unable to validate email address". */
bool sb_email_valid(const char *email);

#endif
