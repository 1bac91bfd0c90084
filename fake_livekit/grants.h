/* grants.h: LiveKit's API-key authentication and the sip.admin grant.
 *
 * Two steps, as livekit-server does them (reference/livekit.md §5): the HTTP middleware
 * checks the Authorization header (Bearer JWT, HS256, iss = a known API key) and answers a
 * failure itself with a plain-text 401; the SIP service then requires the sip.admin grant
 * (sip.call for participants) and answers Twirp unauthenticated "permissions denied". A
 * request without any token passes the middleware and fails the grant check. */
#ifndef LK_GRANTS_H
#define LK_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"

/* go-jose's default clock leeway, which livekit-server's token validation uses. */
#define LK_JWT_LEEWAY_S 60

enum lk_auth_result {
    LK_AUTH_TOKEN,  /* a verified token; claims holds its payload */
    LK_AUTH_NONE,   /* no token at all: the grant check will fail */
    LK_AUTH_REJECT, /* the middleware's plain-text 401; text holds the body */
    LK_AUTH_NOMEM,
};

struct lk_auth {
    enum lk_auth_result result;
    cJSON *claims;  /* owned; LK_AUTH_TOKEN only. Free with lk_auth_cleanup */
    char text[256]; /* LK_AUTH_REJECT: the exact body */
};

/* Copies the secret of API key into secret (secretlen bytes); true when the key is known. */
typedef bool (*lk_secret_fn)(void *ctx, const char *key, char *secret, size_t secretlen);

/* Run the middleware on an Authorization header value (NULL if absent) or, when absent, the
 * access_token query value (NULL if absent). now is seconds since the epoch. */
void lk_auth_check(const char *authorization, const char *query_token, int64_t now,
                   lk_secret_fn lookup, void *ctx, struct lk_auth *out);
void lk_auth_cleanup(struct lk_auth *a);

/* True when claims (may be NULL) carry "sip": {"<grant>": true}, grant "admin" or "call". */
bool lk_has_sip_grant(const cJSON *claims, const char *grant);

/* The iss of a bearer token without verifying it, copied into out; false if none. For rate
 * limits keyed by credential. */
bool lk_token_issuer(const char *authorization, char *out, size_t outlen);

#endif
