/* keys.c: the project's JWT secret, the anon and service_role keys, and who is calling.
 *
 * Two gates stand in front of every Supabase API, as in the hosted stack: the gateway (Kong)
 * checks the apikey, then PostgREST or GoTrue read the Bearer token. The keys are signed
 * from fixed payloads (docs/reference/supabase.md section 5), so the default secret reproduces the
 * CLI's well-known keys byte for byte, and another --jwt-secret gives keys signed the same way. */
#include "fake_supabase/gotrue_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakekit/clock.h"
#include "fakekit/json.h"
#include "fakekit/jwt_cache.h"

static const char *jwt_secret = SB_DEFAULT_SECRET;
static long jwt_expiry = 3600;
static bool confirm_signups;
static char *anon_key;
static char *service_key;

static void verified_clear(void); /* the cache of verified tokens, below */

const struct fk_option sb_auth_options[] = {
    {"jwt-secret", "FAKE_JWT_SECRET", FK_OPT_STRING, &jwt_secret, 0, 0, "SECRET",
     "HS256 secret for the anon/service_role keys and access tokens (default: the Supabase "
     "CLI's)"},
    {"jwt-expiry", "FAKE_JWT_EXPIRY", FK_OPT_INT, &jwt_expiry, 1, 315360000, "SECONDS",
     "lifetime of the access tokens GoTrue issues"},
    {"confirm-signups", "FAKE_CONFIRM_SIGNUPS", FK_OPT_FLAG, &confirm_signups, 0, 0, NULL,
     "signups need e-mail confirmation: /signup returns a user and no session"},
    {NULL, NULL, FK_OPT_STRING, NULL, 0, 0, NULL, NULL},
};

const char *sb_jwt_secret(void)
{
    return jwt_secret;
}

long sb_jwt_expiry(void)
{
    return jwt_expiry;
}

bool sb_confirm_signups(void)
{
    return confirm_signups;
}

/* The payload keys in the CLI keys' order: iss, role, exp. */
static char *sign_key(const char *role)
{
    char *tok = NULL;
    cJSON *claims = cJSON_CreateObject();

    if (claims == NULL || cJSON_AddStringToObject(claims, "iss", SB_KEY_ISS) == NULL ||
        cJSON_AddStringToObject(claims, "role", role) == NULL ||
        cJSON_AddNumberToObject(claims, "exp", SB_KEY_EXP) == NULL)
        goto out;
    tok = fk_jwt_sign(claims, jwt_secret, true);
out:
    cJSON_Delete(claims);
    return tok;
}

int sb_auth_init(struct fk_error *err)
{
    sb_auth_fini();
    if (jwt_secret == NULL || jwt_secret[0] == '\0') {
        fk_error_set(err, "--jwt-secret: must not be empty");
        return FK_EINVAL;
    }
    anon_key = sign_key("anon");
    service_key = sign_key("service_role");
    if (anon_key == NULL || service_key == NULL) {
        sb_auth_fini();
        fk_error_set(err, "cannot sign the API keys: out of memory");
        return FK_ENOMEM;
    }
    return 0;
}

void sb_auth_fini(void)
{
    verified_clear();
    free(anon_key);
    free(service_key);
    anon_key = NULL;
    service_key = NULL;
}

const char *sb_anon_key(void)
{
    return anon_key;
}

const char *sb_service_key(void)
{
    return service_key;
}

cJSON *sb_keys_json(void)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL || fk_json_add_string_or_null(o, "anon_key", anon_key) != 0 ||
        fk_json_add_string_or_null(o, "service_role_key", service_key) != 0 ||
        fk_json_add_string_or_null(o, "jwt_secret", jwt_secret) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

enum sb_role sb_role_of(const cJSON *claims)
{
    const cJSON *role = cJSON_GetObjectItemCaseSensitive(claims, "role");

    /* PostgREST switches to its anon role when the claim is absent. */
    if (!cJSON_IsString(role) || strcmp(role->valuestring, "anon") == 0)
        return SB_ROLE_ANON;
    if (strcmp(role->valuestring, "service_role") == 0 ||
        strcmp(role->valuestring, "supabase_admin") == 0)
        return SB_ROLE_SERVICE;
    return SB_ROLE_AUTHENTICATED;
}

static int64_t now_s(void)
{
    return fk_now_us() / 1000000;
}

/* Tokens already verified. Every REST request carries the apikey and a Bearer token, and a
 * client sends the same ones again and again; an HMAC over each was most of a read's cost.
 * A token byte-for-byte equal to one that verified under the same secret has the same
 * signature and claims, so only its times are checked again, on every use; a token whose
 * times fail goes through fk_jwt_verify, which then says why. */
_Static_assert(sizeof(struct sb_caller) <= FK_JWT_CACHE_DATA, "sb_caller must fit the cache");

static struct fk_jwt_cache verified = FK_JWT_CACHE_INIT;

static void verified_clear(void)
{
    fk_jwt_cache_clear(&verified);
}

/* Verify tok as fk_jwt_verify(tok, jwt_secret, now, 0, false) does and give its caller:
 * role from the "role" claim, sub (for the authenticated role) from "sub". */
static enum fk_jwt_status token_verify(const char *tok, struct sb_caller *who)
{
    int64_t now = now_s();
    struct fk_jwt_seen seen;
    enum fk_jwt_status st;
    cJSON *claims = NULL;
    const cJSON *sub;

    memset(who, 0, sizeof *who);
    if (fk_jwt_cache_get(&verified, tok, &seen) && strcmp(seen.secret, jwt_secret) == 0 &&
        (!seen.has_exp || seen.exp > (double)now) && (!seen.has_nbf || seen.nbf <= (double)now)) {
        memcpy(who, seen.data, sizeof *who);
        return FK_JWT_OK;
    }
    st = fk_jwt_verify(tok, jwt_secret, now, 0, false, &claims);
    if (st != FK_JWT_OK)
        return st;
    who->role = sb_role_of(claims);
    sub = cJSON_GetObjectItemCaseSensitive(claims, "sub");
    if (who->role == SB_ROLE_AUTHENTICATED && cJSON_IsString(sub))
        snprintf(who->sub, sizeof who->sub, "%s", sub->valuestring);
    fk_jwt_cache_put(&verified, tok, jwt_secret, claims, who, sizeof *who);
    cJSON_Delete(claims);
    return FK_JWT_OK;
}

static int kong_error(struct fk_resp *resp, const char *msg, const char *hint)
{
    cJSON *o = cJSON_CreateObject();

    if (o == NULL || cJSON_AddStringToObject(o, "message", msg) == NULL ||
        cJSON_AddStringToObject(o, "hint", hint) == NULL) {
        cJSON_Delete(o);
        return FK_ENOMEM;
    }
    return fk_resp_json(resp, 401, o);
}

int sb_apikey_check(const struct fk_req *req, struct fk_resp *resp, enum sb_role *role)
{
    struct sb_caller who;
    const char *key = fk_req_header(req, "apikey");

    /* Kong's key-auth also reads the key from the query string. */
    if (key == NULL || key[0] == '\0')
        key = fk_req_arg(req, "apikey");
    if (key == NULL || key[0] == '\0') {
        return fk_answered(kong_error(resp, "No API key found in request",
                                      "No 'apikey' request header or url param was found."));
    }
    if (token_verify(key, &who) == FK_JWT_OK) {
        *role = who.role;
        if (*role != SB_ROLE_AUTHENTICATED)
            return FK_OK;
    }
    return fk_answered(kong_error(resp, "Invalid API key", "Double check your API key."));
}

/* The token of "Authorization: Bearer T" (scheme case-insensitive), or NULL. */
static const char *bearer_of(const struct fk_req *req)
{
    const char *h = fk_req_header(req, "authorization");

    if (h == NULL || strncasecmp(h, "bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return *h != '\0' ? h : NULL;
}

static size_t jwt_parts(const char *tok)
{
    size_t n = 1;

    for (; *tok != '\0'; tok++)
        n += *tok == '.';
    return n;
}

/* PostgREST's words for a token it refuses (Auth.hs / Error.hs). */
static int rest_jwt_error(struct fk_resp *resp, enum fk_jwt_status st, const char *tok)
{
    char msg[96];
    char www[192];
    const char *code = "PGRST301";
    cJSON *o = NULL;

    if (st == FK_JWT_EXPIRED) {
        code = "PGRST303";
        snprintf(msg, sizeof msg, "JWT expired");
    } else if (st == FK_JWT_MALFORMED && jwt_parts(tok) != 3) {
        snprintf(msg, sizeof msg, "Expected 3 parts in JWT; got %zu", jwt_parts(tok));
    } else if (st == FK_JWT_BAD_SIGNATURE) {
        snprintf(msg, sizeof msg, "No suitable key or wrong key type");
    } else if (st == FK_JWT_BAD_ALG) {
        snprintf(msg, sizeof msg, "Wrong or unsupported encoding algorithm");
    } else {
        snprintf(msg, sizeof msg, "JWT cryptographic operation failed");
    }
    snprintf(www, sizeof www, "Bearer error=\"invalid_token\", error_description=\"%s\"", msg);
    o = cJSON_CreateObject();
    if (o == NULL || cJSON_AddStringToObject(o, "code", code) == NULL ||
        cJSON_AddNullToObject(o, "details") == NULL || cJSON_AddNullToObject(o, "hint") == NULL ||
        cJSON_AddStringToObject(o, "message", msg) == NULL) {
        cJSON_Delete(o);
        return FK_ENOMEM;
    }
    if (fk_resp_json_ct(resp, 401, "application/json; charset=utf-8", o) != 0 ||
        fk_resp_header(resp, "WWW-Authenticate", www) != 0)
        return FK_ENOMEM;
    snprintf(www, sizeof www, "PostgREST; error=%s", code);
    return fk_resp_header(resp, "Proxy-Status", www);
}

/* GoTrue's bad_jwt message: golang-jwt's error texts behind GoTrue's prefix. */
static const char *gotrue_jwt_msg(enum fk_jwt_status st, const char *tok)
{
    switch (st) {
    case FK_JWT_EXPIRED:
        return "invalid JWT: unable to parse or verify signature, token has invalid claims: "
               "token is expired";
    case FK_JWT_NOT_YET_VALID:
        return "invalid JWT: unable to parse or verify signature, token has invalid claims: "
               "token is not valid yet";
    case FK_JWT_BAD_SIGNATURE:
        return "invalid JWT: unable to parse or verify signature, token signature is invalid: "
               "signature is invalid";
    case FK_JWT_BAD_ALG:
        return "invalid JWT: unable to parse or verify signature, token is unverifiable: "
               "error while executing keyfunc: signing method is invalid";
    default:
        break;
    }
    if (jwt_parts(tok) != 3)
        return "invalid JWT: unable to parse or verify signature, token is malformed: token "
               "contains an invalid number of segments";
    return "invalid JWT: unable to parse or verify signature, token is malformed: could not "
           "JSON decode claim";
}

/* A Bearer token that failed with st: the answer in the REST or GoTrue dialect.
 * FK_ANSWERED, or FK_ENOMEM with resp left unset (the server answers its native 500). */
static int bearer_failed(const struct fk_req *req, struct fk_resp *resp, const char *tok,
                         enum fk_jwt_status st, bool for_rest)
{
    if (st == FK_JWT_NOMEM)
        return FK_ENOMEM;
    if (for_rest)
        return fk_answered(rest_jwt_error(resp, st, tok));
    return fk_answered(sb_gotrue_error(req, resp, 403, "bad_jwt", gotrue_jwt_msg(st, tok), NULL));
}

int sb_authorize(const struct fk_req *req, struct fk_resp *resp, bool for_rest,
                 struct sb_caller *out)
{
    enum sb_role keyrole = SB_ROLE_ANON;
    const char *tok = NULL;
    enum fk_jwt_status st;
    int rc;

    if ((rc = sb_apikey_check(req, resp, &keyrole)) != FK_OK)
        return rc;
    memset(out, 0, sizeof *out);
    tok = bearer_of(req);
    if (tok == NULL) {
        out->role = keyrole;
        return FK_OK;
    }
    st = token_verify(tok, out);
    return st == FK_JWT_OK ? FK_OK : bearer_failed(req, resp, tok, st, for_rest);
}

int sb_gotrue_bearer(const struct fk_req *req, struct fk_resp *resp, cJSON **claims)
{
    enum sb_role keyrole;
    const char *tok = NULL;
    enum fk_jwt_status st;
    int rc;

    *claims = NULL;
    if ((rc = sb_apikey_check(req, resp, &keyrole)) != FK_OK)
        return rc;
    tok = bearer_of(req);
    if (tok == NULL)
        return fk_answered(sb_gotrue_error(req, resp, 401, "no_authorization",
                                           "This endpoint requires a valid Bearer token", NULL));
    st = fk_jwt_verify(tok, jwt_secret, now_s(), 0, false, claims);
    return st == FK_JWT_OK ? FK_OK : bearer_failed(req, resp, tok, st, false);
}
