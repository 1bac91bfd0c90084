/* grants.c: the auth middleware and grant check of livekit-server, over fakekit/jwt.
 *
 * Texts of the plain-text 401s are livekit.md §5's; the reasons after "invalid authorization
 * token: " are go-jose's wording for the same failures, so clients that log them see what
 * the real server would have said. */
#include "fake_livekit/grants.h"

#include <stdio.h>
#include <string.h>

#include "fakekit/jwt.h"

#define BEARER "Bearer "

static void reject(struct lk_auth *out, const char *text)
{
    out->result = LK_AUTH_REJECT;
    snprintf(out->text, sizeof(out->text), "%s", text);
}

static const char *jose_reason(enum fk_jwt_status st)
{
    switch (st) {
    case FK_JWT_BAD_SIGNATURE:
        return "go-jose/go-jose: error in cryptographic primitive";
    case FK_JWT_EXPIRED:
        return "go-jose/go-jose/jwt: validation failed, token is expired (exp)";
    case FK_JWT_NOT_YET_VALID:
        return "go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)";
    default:
        return fk_jwt_strerror(st);
    }
}

void lk_auth_check(const char *authorization, const char *query_token, int64_t now,
                   lk_secret_fn lookup, void *ctx, struct lk_auth *out)
{
    const char *token = NULL;
    cJSON *peek = NULL;
    char secret[512];
    memset(out, 0, sizeof(*out));
    out->result = LK_AUTH_NONE;

    if (authorization && authorization[0]) {
        if (strncmp(authorization, BEARER, strlen(BEARER)) != 0) {
            reject(out, "invalid authorization header. Must start with Bearer ");
            return;
        }
        token = authorization + strlen(BEARER);
    } else {
        token = query_token;
    }
    if (!token || !token[0])
        return;

    enum fk_jwt_status st = fk_jwt_peek(token, &peek);
    if (st == FK_JWT_NOMEM) {
        out->result = LK_AUTH_NOMEM;
        return;
    }
    if (st != FK_JWT_OK) {
        reject(out, "invalid authorization token");
        return;
    }
    const cJSON *iss = cJSON_GetObjectItemCaseSensitive(peek, "iss");
    bool known =
        cJSON_IsString(iss) && lookup && lookup(ctx, iss->valuestring, secret, sizeof(secret));
    cJSON_Delete(peek);
    if (!known) {
        reject(out, "invalid API key");
        return;
    }
    st = fk_jwt_verify(token, secret, now, LK_JWT_LEEWAY_S, true, &out->claims);
    if (st == FK_JWT_NOMEM) {
        out->result = LK_AUTH_NOMEM;
    } else if (st == FK_JWT_MALFORMED || st == FK_JWT_BAD_ALG) {
        reject(out, "invalid authorization token");
    } else if (st != FK_JWT_OK) {
        out->result = LK_AUTH_REJECT;
        snprintf(out->text, sizeof(out->text), "invalid authorization token: %s", jose_reason(st));
    } else {
        out->result = LK_AUTH_TOKEN;
    }
}

void lk_auth_cleanup(struct lk_auth *a)
{
    cJSON_Delete(a->claims);
    a->claims = NULL;
}

bool lk_has_sip_grant(const cJSON *claims, const char *grant)
{
    const cJSON *sip = claims ? cJSON_GetObjectItemCaseSensitive(claims, "sip") : NULL;
    return cJSON_IsObject(sip) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sip, grant));
}

bool lk_token_issuer(const char *authorization, char *out, size_t outlen)
{
    cJSON *claims = NULL;
    bool ok = false;
    if (!authorization || strncmp(authorization, BEARER, strlen(BEARER)) != 0)
        return false;
    if (fk_jwt_peek(authorization + strlen(BEARER), &claims) != FK_JWT_OK)
        return false;
    const cJSON *iss = cJSON_GetObjectItemCaseSensitive(claims, "iss");
    if (cJSON_IsString(iss)) {
        snprintf(out, outlen, "%s", iss->valuestring);
        ok = true;
    }
    cJSON_Delete(claims);
    return ok;
}
