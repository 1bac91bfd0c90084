/* jwt_cache.h: HS256 tokens whose signature already verified, remembered so that a client
 * sending the same token with every request pays for one HMAC, not one per request.
 *
 * An entry holds the token's exact bytes, the secret text it verified under, its exp and nbf,
 * and a few bytes the service derived from its claims (role and sub for Supabase, issuer and
 * grants for LiveKit). A hit decides nothing by itself: the caller compares the secret it
 * would verify with now, and checks exp and nbf against the clock with its own leeway, on
 * every use. Fixed size; the least recently used entry is replaced; a token or secret too
 * long for a slot is simply not remembered. Thread-safe (its own mutex). A static instance
 * is initialised with FK_JWT_CACHE_INIT. */
#ifndef FK_JWT_CACHE_H
#define FK_JWT_CACHE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define FK_JWT_CACHE_SLOTS  32
#define FK_JWT_CACHE_TOKEN  4096 /* longer tokens are verified every time */
#define FK_JWT_CACHE_SECRET 512
#define FK_JWT_CACHE_DATA   192

/* What a hit gives back (a copy: the cache may replace the entry at once). */
struct fk_jwt_seen {
    char secret[FK_JWT_CACHE_SECRET]; /* the secret the signature verified under */
    bool has_exp, has_nbf;
    double exp, nbf;
    unsigned char data[FK_JWT_CACHE_DATA]; /* the caller's, as put */
};

struct fk_jwt_cache_slot {
    char *token; /* owned copy; NULL: free */
    uint64_t hash, used;
    struct fk_jwt_seen seen;
};

struct fk_jwt_cache {
    pthread_mutex_t mu;
    uint64_t tick;
    struct fk_jwt_cache_slot slot[FK_JWT_CACHE_SLOTS];
};

#define FK_JWT_CACHE_INIT                                                                          \
    {                                                                                              \
        PTHREAD_MUTEX_INITIALIZER, 0,                                                              \
        {                                                                                          \
            {                                                                                      \
                0                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

/* Copy the entry for token into *out; false when there is none. */
bool fk_jwt_cache_get(struct fk_jwt_cache *c, const char *token, struct fk_jwt_seen *out);

/* Remember token, verified under secret; exp and nbf are read from claims (numbers or absent),
 * data (len <= FK_JWT_CACHE_DATA) is kept as is. Best effort: out of memory, or a token,
 * secret or data that does not fit, leaves the cache as it was. */
void fk_jwt_cache_put(struct fk_jwt_cache *c, const char *token, const char *secret,
                      const cJSON *claims, const void *data, size_t len);

/* Forget every token (keys changed, state reset, tests). */
void fk_jwt_cache_clear(struct fk_jwt_cache *c);

#endif
