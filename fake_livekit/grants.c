/* grants.c: the auth middleware and grant check of livekit-server, over fakekit/jwt.
 *
 * Texts of the plain-text 401s are livekit.md §5's; the reasons after "invalid authorization
 * token: " are go-jose's wording for the same failures, so clients that log them see what
 * the real server would have said. */
#include "fake_livekit/grants.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/hash.h"
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

/* ---- tokens already verified ------------------------------------------------------------ */

#define CACHE_SLOTS 32
#define ISS_MAX     128
#define SECRET_MAX  512

struct seen {
    uint64_t hash;
    char *token; /* NULL when the slot is free */
    char iss[ISS_MAX];
    char secret[SECRET_MAX]; /* the secret the signature was checked with */
    double exp, nbf;
    bool has_nbf;
    unsigned grants;
};

/* Shared by every MHD thread; lk_token_issuer runs outside the store lock, so it has its own. */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct seen cache[CACHE_SLOTS];

/* Copy the entry for token into *out; false if none. The slot is chosen by the hash. */
static bool cache_get(const char *token, struct seen *out)
{
    uint64_t h = fk_fnv1a_str(token);
    const struct seen *e = &cache[h % CACHE_SLOTS];
    bool hit;

    pthread_mutex_lock(&cache_mu);
    hit = e->token != NULL && e->hash == h && strcmp(e->token, token) == 0;
    if (hit) {
        *out = *e;
        out->token = NULL; /* the copy never owns it */
    }
    pthread_mutex_unlock(&cache_mu);
    return hit;
}

/* Remember a token that verified with secret; claims is its payload. Best effort: a token
 * or value that does not fit, or no memory, just is not remembered. */
static void cache_put(const char *token, const char *iss, const char *secret, const cJSON *claims)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(claims, "exp");
    const cJSON *nbf = cJSON_GetObjectItemCaseSensitive(claims, "nbf");
    struct seen e = {0};
    char *copy;

    /* fk_jwt_verify accepted it with exp required, so exp is a number and nbf absent or one. */
    if (!cJSON_IsNumber(exp) || (nbf && !cJSON_IsNumber(nbf)) || strlen(iss) >= ISS_MAX ||
        strlen(secret) >= SECRET_MAX || (copy = strdup(token)) == NULL)
        return;
    e.hash = fk_fnv1a_str(token);
    e.token = copy;
    memcpy(e.iss, iss, strlen(iss) + 1);
    memcpy(e.secret, secret, strlen(secret) + 1);
    e.exp = exp->valuedouble;
    e.has_nbf = nbf != NULL;
    e.nbf = nbf ? nbf->valuedouble : 0;
    e.grants = (lk_has_sip_grant(claims, "admin") ? LK_GRANT_ADMIN : 0) |
               (lk_has_sip_grant(claims, "call") ? LK_GRANT_CALL : 0);
    pthread_mutex_lock(&cache_mu);
    struct seen *slot = &cache[e.hash % CACHE_SLOTS];
    copy = slot->token; /* replaced: whatever was there goes */
    *slot = e;
    pthread_mutex_unlock(&cache_mu);
    free(copy);
}

void lk_auth_cache_clear(void)
{
    pthread_mutex_lock(&cache_mu);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        free(cache[i].token);
        memset(&cache[i], 0, sizeof(cache[i]));
    }
    pthread_mutex_unlock(&cache_mu);
}

/* The outcome of fk_jwt_verify for a token whose signature is known to be good: exp, then
 * nbf, exactly as fk_jwt_verify compares them. */
static void check_times(const struct seen *e, int64_t now, struct lk_auth *out)
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
    out->grants = e->grants;
}

void lk_auth_check(const char *authorization, const char *query_token, int64_t now,
                   lk_secret_fn lookup, void *ctx, struct lk_auth *out)
{
    const char *token = NULL;
    cJSON *peek = NULL, *claims = NULL;
    char secret[SECRET_MAX], iss[ISS_MAX];
    struct seen seen;
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

    if (cache_get(token, &seen)) {
        /* Its payload decoded and named iss before, as it would now. */
        if (!lookup || !lookup(ctx, seen.iss, secret, sizeof(secret))) {
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
    /* Only an iss that fits is remembered (cache_put checks); "" never matches one. */
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
        if (iss[0])
            cache_put(token, iss, secret, claims);
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
    struct seen seen;
    bool ok = false;
    if (!authorization || strncmp(authorization, BEARER, strlen(BEARER)) != 0)
        return false;
    /* A remembered token's iss is what peeking would find. */
    if (cache_get(authorization + strlen(BEARER), &seen)) {
        snprintf(out, outlen, "%s", seen.iss);
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
