/* cache.c: values kept until the store changes (see cache.h).
 *
 * An array scanned linearly, each entry one allocation holding key and value; replacement
 * goes round the array, oldest first. */
#include "fakekit/cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/hash.h"

struct entry {
    uint64_t hash;
    char *mem; /* key, value, NUL; NULL when the slot is free */
    size_t keylen, len;
};

struct fk_cache {
    struct entry *slot;
    size_t max, max_bytes;
    size_t count, next; /* used slots; where the next put goes when full */
    size_t bytes;       /* keys and values held */
    uint64_t version;   /* the store's data version the entries belong to */
    int synced;         /* 0 until the first call */
};

struct fk_cache *fk_cache_new(size_t max_entries, size_t max_bytes)
{
    struct fk_cache *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->max = max_entries > 0 ? max_entries : 1;
    c->max_bytes = max_bytes;
    if ((c->slot = calloc(c->max, sizeof *c->slot)) == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

static void drop(struct fk_cache *c, struct entry *e)
{
    if (e->mem == NULL)
        return;
    c->bytes -= e->keylen + e->len;
    c->count--;
    free(e->mem);
    memset(e, 0, sizeof *e);
}

static void drop_all(struct fk_cache *c)
{
    for (size_t i = 0; i < c->max; i++)
        drop(c, &c->slot[i]);
    c->next = 0;
}

void fk_cache_free(struct fk_cache *c)
{
    if (c == NULL)
        return;
    drop_all(c);
    free(c->slot);
    free(c);
}

/* Empty c if the store changed since c last looked; true when it did not. */
static int sync(struct fk_cache *c, struct fk_store *st)
{
    uint64_t v = fk_store_data_version(st);

    if (c->synced && c->version == v)
        return 1;
    drop_all(c);
    c->version = v;
    c->synced = 1;
    return 0;
}

static struct entry *find(const struct fk_cache *c, const void *key, size_t keylen, uint64_t h)
{
    for (size_t i = 0; i < c->max; i++) {
        struct entry *e = &c->slot[i];
        if (e->mem != NULL && e->hash == h && e->keylen == keylen &&
            memcmp(e->mem, key, keylen) == 0)
            return e;
    }
    return NULL;
}

const char *fk_cache_get(struct fk_cache *c, struct fk_store *st, const void *key, size_t keylen,
                         size_t *len)
{
    const struct entry *e;

    if (!sync(c, st) || (e = find(c, key, keylen, fk_fnv1a(key, keylen))) == NULL)
        return NULL;
    *len = e->len;
    return e->mem + e->keylen;
}

int fk_cache_put(struct fk_cache *c, struct fk_store *st, const void *key, size_t keylen,
                 const void *value, size_t len)
{
    uint64_t h = fk_fnv1a(key, keylen);
    struct entry *e;
    char *mem;

    if (!sync(c, st))
        return 0; /* the store changed since the value was computed */
    if (keylen + len > c->max_bytes / 4)
        return 0; /* a few huge values would push everything else out */
    if ((e = find(c, key, keylen, h)) != NULL)
        drop(c, e);
    /* Make room: the next slot in turn, then older ones until the bytes fit. */
    for (size_t tries = 0;
         tries < c->max && (c->count == c->max || c->bytes + keylen + len > c->max_bytes);
         tries++) {
        drop(c, &c->slot[c->next]);
        c->next = (c->next + 1) % c->max;
    }
    if ((mem = malloc(keylen + len + 1)) == NULL)
        return FK_ENOMEM;
    memcpy(mem, key, keylen);
    memcpy(mem + keylen, value, len);
    mem[keylen + len] = '\0';
    for (e = &c->slot[c->next]; e->mem != NULL; e = &c->slot[c->next])
        c->next = (c->next + 1) % c->max;
    *e = (struct entry){h, mem, keylen, len};
    c->next = (c->next + 1) % c->max;
    c->count++;
    c->bytes += keylen + len;
    return 0;
}

size_t fk_cache_count(const struct fk_cache *c)
{
    return c->count;
}
