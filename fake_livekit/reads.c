/* reads.c: the read cache of fake_livekit (see reads.h). */
#include "fake_livekit/reads.h"

#include <stdlib.h>
#include <string.h>

static void drop(struct lk_read *e)
{
    free(e->mem);
    memset(e, 0, sizeof(*e));
}

void lk_reads_cleanup(struct lk_reads *r)
{
    for (size_t i = 0; i < LK_READS_SLOTS; i++)
        drop(&r->slot[i]);
}

void lk_reads_sync(struct lk_reads *r, uint64_t changes, uint64_t epoch)
{
    if (r->synced && r->changes == changes && r->epoch == epoch)
        return;
    lk_reads_cleanup(r);
    r->changes = changes;
    r->epoch = epoch;
    r->synced = 1;
}

const char *lk_reads_get(const struct lk_reads *r, size_t slot, const char *key, size_t keylen,
                         size_t *len)
{
    const struct lk_read *e = &r->slot[slot];

    if (e->mem == NULL || e->keylen != keylen || memcmp(e->mem, key, keylen) != 0)
        return NULL;
    *len = e->len;
    return e->mem + keylen;
}

int lk_reads_put(struct lk_reads *r, size_t slot, const char *key, size_t keylen, const char *value,
                 size_t len)
{
    struct lk_read *e = &r->slot[slot];
    char *mem;

    drop(e);
    if (len > LK_READS_MAX_BYTES || keylen > LK_READS_MAX_BYTES)
        return 0;
    if ((mem = malloc(keylen + len + 1)) == NULL)
        return FK_ENOMEM;
    memcpy(mem, key, keylen);
    memcpy(mem + keylen, value, len);
    mem[keylen + len] = '\0';
    *e = (struct lk_read){mem, keylen, len};
    return 0;
}
