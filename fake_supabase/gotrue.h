/* gotrue.h: the GoTrue (/auth/v1) half of fake_supabase, and the key checks both halves share.
 *
 * Users, sessions and refresh tokens live in the fake's SQLite store (tables auth_users,
 * auth_sessions, auth_refresh_tokens; see sb_auth_schema_sql). Passwords are stored only as
 * PBKDF2-HMAC-SHA256 hashes. Access tokens are HS256 JWTs signed with --jwt-secret, carrying
 * the claims GoTrue issues (docs/reference/supabase.md section 4). With the default secret the anon
 * and service_role keys are exactly the Supabase CLI's well-known ones (section 5).
 *
 * Every handler here runs with the store locked (req->store), as fakekit guarantees. */
#ifndef SB_GOTRUE_H
#define SB_GOTRUE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/config.h"
#include "fakekit/err.h"
#include "fakekit/http.h"
#include "fakekit/router.h"
#include "fakekit/store.h"

enum sb_role { SB_ROLE_ANON, SB_ROLE_AUTHENTICATED, SB_ROLE_SERVICE };

/* Who is calling: the role decided by the Bearer token (or the apikey when there is none),
 * and for SB_ROLE_AUTHENTICATED the token's sub (the user id; "" otherwise). */
struct sb_caller {
    enum sb_role role;
    char sub[64];
};

/* Check the apikey header (required; a JWT signed with the secret whose role is anon or
 * service_role) and the Authorization Bearer token (absent: the apikey's role).
 * On failure fill resp with the error the real stack gives and return -1:
 *   - missing apikey: 401 {"message":"No API key found in request","hint":"No 'apikey'
 *     request header or url param was found."} (the gateway's body, whatever for_rest says);
 *   - bad apikey: 401 {"message":"Invalid API key","hint":"Double check your API key."};
 *   - for_rest: PostgREST bodies {code,details,hint,message}: PGRST301 (401) for a bad or
 *     undecodable Bearer JWT, with WWW-Authenticate: Bearer error="invalid_token", ...;
 *     PGRST303 (401) "JWT expired";
 *   - otherwise GoTrue bodies (403 bad_jwt), in the format the request asks for.
 * FK_OK with *out filled, FK_ANSWERED with the refusal in resp, or a negative fk_err
 * (resp unset: the server answers its native 500). Borrows req. */
int sb_authorize(const struct fk_req *req, struct fk_resp *resp, bool for_rest,
                 struct sb_caller *out);

/* CREATE TABLE IF NOT EXISTS auth_users(id TEXT PRIMARY KEY, email TEXT UNIQUE, ...),
 * auth_sessions, auth_refresh_tokens. To be concatenated with the REST schema. */
extern const char sb_auth_schema_sql[];

/* Every /auth/v1/... route. */
extern const struct fk_route sb_auth_routes[];
extern const size_t sb_auth_nroutes;

/* --jwt-secret (env FAKE_JWT_SECRET, default the Supabase CLI local secret) and the other
 * auth flags; NULL-name terminated. */
extern const struct fk_option sb_auth_options[];

/* Add users from a scenario's or /__admin/state's "users" array:
 * [{"id"?, "email"?, "phone"?, "password"?, "user_metadata"?, "app_metadata"?,
 *   "email_confirm"?, "phone_confirm"?}] (email or phone required; other keys are errors).
 * A missing id gets a random UUID; users are confirmed unless *_confirm is false. path
 * ("state.users") prefixes messages in err. Returns 0, FK_EINVAL (bad document, err says where) or
 * FK_ECONFLICT (duplicate id or email). The caller runs it inside a transaction. Borrows users. */
int sb_auth_load_users(struct fk_store *st, const cJSON *users, const char *path,
                       struct fk_error *err);

/* All users as GoTrue user objects (never password hashes), in creation order.
 * Caller cJSON_Delete()s it; NULL on ENOMEM. */
cJSON *sb_auth_dump_users(struct fk_store *st);

/* Derive the keys from the secret (after flags are parsed). 0, or FK_EINVAL / FK_ENOMEM with
 * err set. sb_auth_fini frees them; both may be called again (tests). */
int sb_auth_init(struct fk_error *err);
void sb_auth_fini(void);

/* The anon and service_role keys for the current secret (for --help and GET /__admin/keys).
 * Borrowed strings, valid between sb_auth_init and sb_auth_fini. */
const char *sb_anon_key(void);
const char *sb_service_key(void);
/* {"anon_key":..., "service_role_key":..., "jwt_secret":...}; caller cJSON_Delete()s it. */
cJSON *sb_keys_json(void);

#endif
