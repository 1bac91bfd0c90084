/* grants.h: LiveKit's API-key authentication and the sip.admin grant.
 *
 * Two steps, as livekit-server does them (livekit/livekit pkg/service/auth.go:63-117 at
 * 788d4c3, livekit/protocol auth/verifier.go at 17c16cf): the HTTP middleware checks the
 * Authorization header and answers a failure itself with a plain-text 401:
 *   - a header not starting "Bearer ": "invalid authorization header. Must start with Bearer ";
 *   - a token golang-jwt cannot parse unverified (not three parts, base64url or JSON that does
 *     not decode, claims of the wrong JSON type, an alg golang-jwt does not know):
 *     "invalid authorization token";
 *   - an iss that is no API key: "invalid API key";
 *   - then golang-jwt v5.3.1's verification, as "invalid authorization token: " + its error:
 *     "token signature is invalid: signing method HS512 is invalid" (only HS256 is allowed),
 *     "token signature is invalid: signature is invalid", or "token has invalid claims: " and
 *     the failed claims joined by ", ": "token is missing required claim: exp claim is
 *     required" (WithExpirationRequired), "token is expired", "token is not valid yet", with
 *     a leeway of one minute on exp and nbf.
 * The SIP service then requires the sip.admin grant (sip.call for participants) and answers
 * Twirp unauthenticated "permissions denied". A request without any token passes the
 * middleware and fails the grant check. Grants of the wrong JSON type (which golang-jwt
 * reports as a malformed token) are not modelled: the fake reads only sip.admin and sip.call. */
#ifndef LK_GRANTS_H
#define LK_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"

/* livekit/protocol auth/verifier.go:24: tokenLeeway = time.Minute (golang-jwt WithLeeway). */
#define LK_JWT_LEEWAY_S 60

enum lk_auth_result {
    LK_AUTH_TOKEN,  /* a verified token; grants holds its sip grants */
    LK_AUTH_NONE,   /* no token at all: the grant check will fail */
    LK_AUTH_REJECT, /* the middleware's plain-text 401; text holds the body */
    LK_AUTH_NOMEM,
};

/* Bits of struct lk_auth.grants: the token's "sip": {"admin": true, "call": true}. */
#define LK_GRANT_ADMIN 1u
#define LK_GRANT_CALL  2u

struct lk_auth {
    enum lk_auth_result result;
    unsigned grants; /* LK_GRANT_*; LK_AUTH_TOKEN only, 0 otherwise */
    char text[256];  /* LK_AUTH_REJECT: the exact body */
};

/* Copies the secret of API key into secret (secretlen bytes); true when the key is known. */
typedef bool (*lk_secret_fn)(void *ctx, const char *key, char *secret, size_t secretlen);

/* Run the middleware on an Authorization header value (NULL if absent) or, when absent, the
 * access_token query value (NULL if absent). now is seconds since the epoch.
 *
 * Tokens that verified are remembered (a few dozen, process-wide, thread-safe) with the
 * secret that verified them, their iss, exp, nbf and grants: SDKs send the same token for
 * many calls, and decoding, parsing and the HMAC were most of a call's cost. A remembered
 * token still has its key looked up on every call (a removed key or a changed secret is
 * seen at once: a different secret means a full verification) and its exp and nbf checked
 * against now, with the same leeway and in the same order as fk_jwt_verify. */
void lk_auth_check(const char *authorization, const char *query_token, int64_t now,
                   lk_secret_fn lookup, void *ctx, struct lk_auth *out);
void lk_auth_cleanup(struct lk_auth *a);
/* Forget every remembered token (at exit, so that nothing is left allocated). */
void lk_auth_cache_clear(void);

/* True when claims (may be NULL) carry "sip": {"<grant>": true}, grant "admin" or "call". */
bool lk_has_sip_grant(const cJSON *claims, const char *grant);
/* The same for a checked request: grant "admin" or "call" among a->grants. */
bool lk_auth_has_grant(const struct lk_auth *a, const char *grant);

/* The iss of a bearer token without verifying it, copied into out; false if none. For rate
 * limits keyed by credential. */
bool lk_token_issuer(const char *authorization, char *out, size_t outlen);

#endif
