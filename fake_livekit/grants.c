/* grants.c: the auth middleware and grant check of livekit-server, over fakekit/jwt (see
 * grants.h for the answers). golang-jwt's checks are repeated here in its order: parse
 * without verifying (golang-jwt parser.go ParseUnverified), look the key up, then the method,
 * the HMAC and the claims (parser.go ParseWithClaims, validator.go Validate). */
#include "fake_livekit/grants.h"

#include <math.h>
#include <stdint.h>
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

/* ---- ParseUnverified ---- */

/* One base64url part (RawURLEncoding: no '=') parsed as JSON; NULL when it is not. */
static cJSON *decode_part(const char *s, size_t len)
{
    size_t n = 0;
    if (memchr(s, '=', len))
        return NULL;
    unsigned char *raw = fk_base64url_decode(s, len, &n);
    if (!raw)
        return NULL;
    const char *end = NULL, *text = (const char *)raw;
    cJSON *j = strlen(text) == n ? cJSON_ParseWithLengthOpts(text, n, &end, false) : NULL;
    while (j && end && end < text + n && strchr(" \t\r\n", *end)) /* json.Unmarshal: one value */
        end++;
    if (j && end != text + n) {
        cJSON_Delete(j);
        j = NULL;
    }
    free(raw);
    return j;
}

/* The algorithms golang-jwt registers (GetSigningMethod). */
static bool known_alg(const char *alg)
{
    static const char *const algs[] = {"HS256", "HS384", "HS512", "RS256", "RS384",
                                       "RS512", "PS256", "PS384", "PS512", "ES256",
                                       "ES384", "ES512", "EdDSA", "none"};
    for (size_t i = 0; i < FK_NELEM(algs); i++) {
        if (strcmp(alg, algs[i]) == 0)
            return true;
    }
    return false;
}

/* A NumericDate claim (golang-jwt types.go): a JSON number, a string holding one, or null.
 * *has tells whether it is set; *secs is its floor (TimePrecision is a second). */
static bool numeric_date(const cJSON *v, bool *has, double *secs)
{
    *has = false;
    if (!v || cJSON_IsNull(v))
        return true;
    double d;
    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        cJSON *n = cJSON_Parse(v->valuestring); /* json.Number takes a string of a number */
        bool ok = cJSON_IsNumber(n);
        d = ok ? n->valuedouble : 0;
        cJSON_Delete(n);
        if (!ok)
            return false;
    } else {
        return false;
    }
    if (!isfinite(d))
        return false; /* strconv.ParseFloat's ErrRange: the claims do not decode */
    /* newNumericDateFromSeconds converts with int64(round): on amd64 a value outside int64
     * becomes math.MinInt64, a date long past, so an exp of 1e300 has expired. */
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
        d = (double)INT64_MIN;
    *has = true;
    *secs = floor(d);
    return true;
}

/* jwt.RegisteredClaims decoding: iss, sub, jti strings; aud a string or strings; exp, nbf,
 * iat NumericDates. Any other type fails ParseUnverified. */
static bool registered_claims_ok(const cJSON *c)
{
    static const char *const strings[] = {"iss", "sub", "jti"};
    static const char *const dates[] = {"exp", "nbf", "iat"};
    bool has;
    double d;
    if (cJSON_IsNull(c))
        return true;
    if (!cJSON_IsObject(c))
        return false;
    for (size_t i = 0; i < 3; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, strings[i]);
        if (v && !cJSON_IsString(v) && !cJSON_IsNull(v))
            return false;
        if (!numeric_date(cJSON_GetObjectItemCaseSensitive(c, dates[i]), &has, &d))
            return false;
    }
    const cJSON *aud = cJSON_GetObjectItemCaseSensitive(c, "aud");
    if (cJSON_IsArray(aud)) {
        for (const cJSON *a = aud->child; a; a = a->next) {
            if (!cJSON_IsString(a))
                return false;
        }
        return true;
    }
    return !aud || cJSON_IsString(aud) || cJSON_IsNull(aud);
}

/* ParseAPIToken (auth/verifier.go:39): token split, decoded and typed as golang-jwt does
 * without the key. On success *claims (caller deletes; may be null JSON) and alg. */
static bool parse_unverified(const char *token, cJSON **claims, char *alg, size_t alglen)
{
    const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    *claims = NULL;
    if (!d2 || strchr(d2 + 1, '.'))
        return false;
    cJSON *hdr = decode_part(token, (size_t)(d1 - token));
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cJSON_IsObject(hdr) ? hdr : NULL, "alg");
    bool ok = cJSON_IsString(a) && known_alg(a->valuestring);
    if (ok)
        snprintf(alg, alglen, "%s", a->valuestring);
    cJSON_Delete(hdr);
    *claims = ok ? decode_part(d1 + 1, (size_t)(d2 - d1 - 1)) : NULL;
    ok = ok && *claims && registered_claims_ok(*claims);
    size_t siglen = 0;
    unsigned char *sig = ok ? fk_base64url_decode(d2 + 1, strlen(d2 + 1), &siglen) : NULL;
    ok = ok && sig && !strchr(d2 + 1, '=');
    free(sig);
    if (!ok) {
        cJSON_Delete(*claims);
        *claims = NULL;
    }
    return ok;
}

/* ---- claims validation (golang-jwt validator.go) ---- */

/* "token has invalid claims: " and every failed check, joined by ", "; "" when none fails. */
static void claims_failure(bool has_exp, double exp, bool has_nbf, double nbf, int64_t now,
                           char *out, size_t outlen)
{
    const char *why[2];
    int n = 0;
    if (!has_exp)
        why[n++] = "token is missing required claim: exp claim is required";
    else if (!((double)now < exp + LK_JWT_LEEWAY_S))
        why[n++] = "token is expired";
    if (has_nbf && (double)now < nbf - LK_JWT_LEEWAY_S)
        why[n++] = "token is not valid yet";
    if (n == 0)
        snprintf(out, outlen, "%s", "");
    else
        snprintf(out, outlen, "invalid authorization token: token has invalid claims: %s%s%s",
                 why[0], n > 1 ? ", " : "", n > 1 ? why[1] : "");
}

/* ---- tokens already verified ---- */

#define ISS_MAX    128
#define SECRET_MAX FK_JWT_CACHE_SECRET

/* What LiveKit keeps of a verified token's claims, in fk_jwt_seen.data. */
struct lk_seen {
    char iss[ISS_MAX];
    unsigned grants;
    bool has_nbf;
    double exp, nbf; /* floored, as golang-jwt reads them */
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

/* A token verified before: only its times are checked again. */
static void check_times(const struct lk_seen *d, int64_t now, struct lk_auth *out)
{
    claims_failure(true, d->exp, d->has_nbf, d->nbf, now, out->text, sizeof(out->text));
    if (out->text[0]) {
        out->result = LK_AUTH_REJECT;
        return;
    }
    out->result = LK_AUTH_TOKEN;
    out->grants = d->grants;
}

/* Verify a parsed token under secret (auth/verifier.go:65) and fill out. */
static void verify(const char *token, const cJSON *claims, const char *alg, const char *secret,
                   int64_t now, struct lk_auth *out)
{
    struct lk_seen d = {{0}, 0, false, 0, 0};
    bool has_exp;
    if (strcmp(alg, "HS256") != 0) {
        snprintf(out->text, sizeof(out->text),
                 "invalid authorization token: token signature is invalid: signing method %s "
                 "is invalid",
                 alg);
        out->result = LK_AUTH_REJECT;
        return;
    }
    if (!fk_jwt_hs256_ok(token, secret)) {
        reject(out, "invalid authorization token: token signature is invalid: signature is "
                    "invalid");
        return;
    }
    (void)numeric_date(cJSON_GetObjectItemCaseSensitive(claims, "exp"), &has_exp, &d.exp);
    (void)numeric_date(cJSON_GetObjectItemCaseSensitive(claims, "nbf"), &d.has_nbf, &d.nbf);
    claims_failure(has_exp, d.exp, d.has_nbf, d.nbf, now, out->text, sizeof(out->text));
    if (out->text[0]) {
        out->result = LK_AUTH_REJECT;
        return;
    }
    d.grants = (lk_has_sip_grant(claims, "admin") ? LK_GRANT_ADMIN : 0) |
               (lk_has_sip_grant(claims, "call") ? LK_GRANT_CALL : 0);
    out->result = LK_AUTH_TOKEN;
    out->grants = d.grants;
    const char *iss = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(claims, "iss"));
    if (iss && strlen(iss) < sizeof(d.iss)) { /* only an iss that fits is remembered */
        memcpy(d.iss, iss, strlen(iss) + 1);
        fk_jwt_cache_put(&cache, token, secret, claims, &d, sizeof d);
    }
}

void lk_auth_check(const char *authorization, const char *query_token, int64_t now,
                   lk_secret_fn lookup, void *ctx, struct lk_auth *out)
{
    const char *token = NULL;
    cJSON *claims = NULL;
    char secret[SECRET_MAX], alg[16];
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
        struct lk_seen d = seen_data(&seen);
        /* Its parts decoded and named iss before, as they would now. */
        if (!lookup || !lookup(ctx, d.iss, secret, sizeof(secret))) {
            reject(out, "invalid API key");
            return;
        }
        if (strcmp(secret, seen.secret) == 0) {
            check_times(&d, now, out);
            return;
        }
        /* The key's secret changed since: verify from scratch below. */
    }
    if (!parse_unverified(token, &claims, alg, sizeof(alg))) {
        reject(out, "invalid authorization token");
        return;
    }
    const char *iss = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(claims, "iss"));
    if (!lookup || !lookup(ctx, iss ? iss : "", secret, sizeof(secret)))
        reject(out, "invalid API key");
    else
        verify(token, claims, alg, secret, now, out);
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
