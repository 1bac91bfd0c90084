/* jwt.h: HS256 JSON Web Tokens over Nettle's HMAC-SHA256 and base64url.
 *
 * Used by fake_supabase (GoTrue/PostgREST keys), fake_livekit (API-key tokens) and the
 * provisioner (tokens it signs for LiveKit). Only HS256 is accepted: "alg":"none" and every
 * other algorithm are refused, whatever the header says. */
#ifndef FK_JWT_H
#define FK_JWT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

enum fk_jwt_status {
    FK_JWT_OK = 0,
    FK_JWT_MALFORMED,     /* not three base64url parts of JSON objects */
    FK_JWT_BAD_ALG,       /* header alg is not HS256 */
    FK_JWT_BAD_SIGNATURE, /* HMAC does not match */
    FK_JWT_EXPIRED,       /* exp <= now - leeway */
    FK_JWT_NOT_YET_VALID, /* nbf > now + leeway */
    FK_JWT_NO_EXP,        /* exp required but absent or not a number */
    FK_JWT_NOMEM,
};

/* Sign claims (borrowed) with secret. The header is {"alg":"HS256","typ":"JWT"}, or
 * {"alg":"HS256"} when with_typ is false (LiveKit's SDK sends no typ).
 * Returns the token; caller frees with free(). NULL on ENOMEM. */
char *fk_jwt_sign(const cJSON *claims, const char *secret, bool with_typ);

/* Verify token against secret at time now (seconds) with leeway seconds for exp/nbf.
 * On FK_JWT_OK, *claims (if non-NULL) receives the payload: caller cJSON_Delete()s it.
 * On any other status *claims is set to NULL. */
enum fk_jwt_status fk_jwt_verify(const char *token, const char *secret, int64_t now, int64_t leeway,
                                 bool require_exp, cJSON **claims);

/* Whether token's third part is the HS256 signature of its first two under secret, whatever
 * they hold (the header's alg and the claims are the caller's business). */
bool fk_jwt_hs256_ok(const char *token, const char *secret);

/* Decode the payload without checking the signature (to learn iss before choosing the
 * secret). FK_JWT_OK or FK_JWT_MALFORMED/NOMEM; caller cJSON_Delete()s *claims. */
enum fk_jwt_status fk_jwt_peek(const char *token, cJSON **claims);

/* A short English reason for a status ("token is expired"); never NULL. */
const char *fk_jwt_strerror(enum fk_jwt_status st);

/* base64url without padding, as JWTs use it. Caller frees; NULL on ENOMEM. */
char *fk_base64url_encode(const unsigned char *data, size_t len);
/* Decode base64url (padding optional). Caller frees; NULL if invalid or ENOMEM. */
unsigned char *fk_base64url_decode(const char *s, size_t len, size_t *outlen);

#endif
