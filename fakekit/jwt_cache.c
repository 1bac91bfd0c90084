/* jwt_cache.c: the verified-token cache (see jwt_cache.h).
 *
 * 32 slots scanned linearly, hash compared first: at this size a scan costs less than any
 * index would save, and the least recently used slot is found on the same pass. */
#include "fakekit/jwt_cache.h"

#include <stdlib.h>
#include <string.h>

#include "fakekit/hash.h"

bool fk_jwt_cache_get(struct fk_jwt_cache *c, const char *token, struct fk_jwt_seen *out)
{
    uint64_t h = fk_fnv1a_str(token);
    bool hit = false;

    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < FK_JWT_CACHE_SLOTS; i++) {
        struct fk_jwt_cache_slot *s = &c->slot[i];
        if (s->token != NULL && s->hash == h && strcmp(s->token, token) == 0) {
            s->used = ++c->tick;
            *out = s->seen;
            hit = true;
            break;
        }
    }
    pthread_mutex_unlock(&c->mu);
    return hit;
}

void fk_jwt_cache_put(struct fk_jwt_cache *c, const char *token, const char *secret,
                      const cJSON *claims, const void *data, size_t len)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(claims, "exp");
    const cJSON *nbf = cJSON_GetObjectItemCaseSensitive(claims, "nbf");
    size_t toklen = strlen(token), seclen = strlen(secret);
    struct fk_jwt_cache_slot *s;
    char *copy, *old;
    uint64_t h;

    if (toklen > FK_JWT_CACHE_TOKEN || seclen >= FK_JWT_CACHE_SECRET || len > FK_JWT_CACHE_DATA ||
        (exp != NULL && !cJSON_IsNumber(exp)) || (nbf != NULL && !cJSON_IsNumber(nbf)) ||
        (copy = malloc(toklen + 1)) == NULL)
        return;
    memcpy(copy, token, toklen + 1);
    h = fk_fnv1a_str(token);
    pthread_mutex_lock(&c->mu);
    /* The token's own entry if it has one (verified again under a new secret), else a free
     * slot, else the least recently used. */
    s = NULL;
    for (size_t i = 0; i < FK_JWT_CACHE_SLOTS && s == NULL; i++)
        if (c->slot[i].token != NULL && c->slot[i].hash == h &&
            strcmp(c->slot[i].token, token) == 0)
            s = &c->slot[i];
    if (s == NULL) {
        s = &c->slot[0];
        for (size_t i = 1; i < FK_JWT_CACHE_SLOTS && s->token != NULL; i++)
            if (c->slot[i].token == NULL || c->slot[i].used < s->used)
                s = &c->slot[i];
    }
    old = s->token;
    memset(s, 0, sizeof *s);
    s->token = copy;
    s->hash = h;
    s->used = ++c->tick;
    memcpy(s->seen.secret, secret, seclen + 1);
    s->seen.has_exp = exp != NULL;
    s->seen.exp = exp != NULL ? exp->valuedouble : 0;
    s->seen.has_nbf = nbf != NULL;
    s->seen.nbf = nbf != NULL ? nbf->valuedouble : 0;
    if (len > 0)
        memcpy(s->seen.data, data, len);
    pthread_mutex_unlock(&c->mu);
    free(old);
}

void fk_jwt_cache_clear(struct fk_jwt_cache *c)
{
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < FK_JWT_CACHE_SLOTS; i++) {
        free(c->slot[i].token);
        memset(&c->slot[i], 0, sizeof c->slot[i]);
    }
    c->tick = 0;
    pthread_mutex_unlock(&c->mu);
}
