/* grants.c: the auth middleware and grant check of livekit-server, over fakekit/jwt.
 *
 * Texts of the plain-text 401s are docs/reference/livekit.md §5's; the reasons after "invalid
 * authorization token: " are go-jose's wording for the same failures, so clients that log them see
 * what the real server would have said. */
#include "fake_livekit/grants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/jwt.h"
#include "fakekit/jwt_cache.h"

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

/* ---- tokens already verified ------------------------------------------------------------ */

#define ISS_MAX    128
#define SECRET_MAX FK_JWT_CACHE_SECRET

/* What LiveKit keeps of a verified token's claims, in fk_jwt_seen.data. */
struct lk_seen {
    char iss[ISS_MAX];
    unsigned grants;
};
_Static_assert(sizeof(struct lk_seen) <= FK_JWT_CACHE_DATA, "lk_seen must fit the cache");

/* Shared by every MHD thread (lk_token_issuer runs outside the store lock). */
static struct fk_jwt_cache cache = FK_JWT_CACHE_INIT;

static struct lk_seen seen_data(const struct fk_jwt_seen *e)
{
    struct lk_seen d;
    memcpy(&d, e->data, sizeof d);
    return d;
}

void lk_auth_cache_clear(void)
{
    fk_jwt_cache_clear(&cache);
}

/* The outcome of fk_jwt_verify for a token whose signature is known to be good: exp, then
 * nbf, exactly as fk_jwt_verify compares them. */
static void check_times(const struct fk_jwt_seen *e, int64_t now, struct lk_auth *out)
{
    enum fk_jwt_status st = FK_JWT_OK;

    if (e->exp <= (double)(now - LK_JWT_LEEWAY_S))
        st = FK_JWT_EXPIRED;
    else if (e->has_nbf && e->nbf > (double)(now + LK_JWT_LEEWAY_S))
        st = FK_JWT_NOT_YET_VALID;
    if (st != FK_JWT_OK) {
        out->result = LK_AUTH_REJECT;
        snprintf(out->text, sizeof(out->text), "invalid authorization token: %s", jose_reason(st));
        return;
    }
    out->result = LK_AUTH_TOKEN;
    out->grants = seen_data(e).grants;
}

void lk_auth_check(const char *authorization, const char *query_token, int64_t now,
                   lk_secret_fn lookup, void *ctx, struct lk_auth *out)
{
    const char *token = NULL;
    cJSON *peek = NULL, *claims = NULL;
    char secret[SECRET_MAX], iss[ISS_MAX];
    struct fk_jwt_seen seen;
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

    if (fk_jwt_cache_get(&cache, token, &seen)) {
        /* Its payload decoded and named iss before, as it would now. */
        if (!lookup || !lookup(ctx, seen_data(&seen).iss, secret, sizeof(secret))) {
            reject(out, "invalid API key");
            return;
        }
        if (strcmp(secret, seen.secret) == 0) {
            check_times(&seen, now, out);
            return;
        }
        /* The key's secret changed since: verify from scratch below. */
    }

    enum fk_jwt_status st = fk_jwt_peek(token, &peek);
    if (st == FK_JWT_NOMEM) {
        out->result = LK_AUTH_NOMEM;
        return;
    }
    if (st != FK_JWT_OK) {
        reject(out, "invalid authorization token");
        return;
    }
    const cJSON *is = cJSON_GetObjectItemCaseSensitive(peek, "iss");
    bool known =
        cJSON_IsString(is) && lookup && lookup(ctx, is->valuestring, secret, sizeof(secret));
    /* Only an iss that fits is remembered; "" never matches one. */
    snprintf(iss, sizeof(iss), "%s",
             known && strlen(is->valuestring) < sizeof(iss) ? is->valuestring : "");
    cJSON_Delete(peek);
    if (!known) {
        reject(out, "invalid API key");
        return;
    }
    st = fk_jwt_verify(token, secret, now, LK_JWT_LEEWAY_S, true, &claims);
    if (st == FK_JWT_NOMEM) {
        out->result = LK_AUTH_NOMEM;
    } else if (st == FK_JWT_MALFORMED || st == FK_JWT_BAD_ALG) {
        reject(out, "invalid authorization token");
    } else if (st != FK_JWT_OK) {
        out->result = LK_AUTH_REJECT;
        snprintf(out->text, sizeof(out->text), "invalid authorization token: %s", jose_reason(st));
    } else {
        out->result = LK_AUTH_TOKEN;
        out->grants = (lk_has_sip_grant(claims, "admin") ? LK_GRANT_ADMIN : 0) |
                      (lk_has_sip_grant(claims, "call") ? LK_GRANT_CALL : 0);
        if (iss[0]) {
            struct lk_seen d = {.grants = out->grants};
            memcpy(d.iss, iss, strlen(iss) + 1);
            fk_jwt_cache_put(&cache, token, secret, claims, &d, sizeof d);
        }
    }
    cJSON_Delete(claims);
}

void lk_auth_cleanup(struct lk_auth *a)
{
    a->grants = 0;
}

bool lk_has_sip_grant(const cJSON *claims, const char *grant)
{
    const cJSON *sip = claims ? cJSON_GetObjectItemCaseSensitive(claims, "sip") : NULL;
    return cJSON_IsObject(sip) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sip, grant));
}

bool lk_auth_has_grant(const struct lk_auth *a, const char *grant)
{
    unsigned bit = strcmp(grant, "admin") == 0  ? LK_GRANT_ADMIN
                   : strcmp(grant, "call") == 0 ? LK_GRANT_CALL
                                                : 0;
    return a->result == LK_AUTH_TOKEN && (a->grants & bit) != 0;
}

bool lk_token_issuer(const char *authorization, char *out, size_t outlen)
{
    cJSON *claims = NULL;
    struct fk_jwt_seen seen;
    bool ok = false;
    if (!authorization || strncmp(authorization, BEARER, strlen(BEARER)) != 0)
        return false;
    /* A remembered token's iss is what peeking would find. */
    if (fk_jwt_cache_get(&cache, authorization + strlen(BEARER), &seen)) {
        snprintf(out, outlen, "%s", seen_data(&seen).iss);
        return true;
    }
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
