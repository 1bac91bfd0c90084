/* pages.c: the search page cache (see pages.h).
 *
 * A small array scanned linearly: with at most TWILIO_PAGES_MAX entries, comparing a stored
 * hash first costs less than any index would save. Each entry is one allocation holding the
 * key and the body; replacement goes round the array (oldest first), so a client cycling
 * through more distinct queries than fit simply keeps missing, never grows memory. */
#include "fake_twilio/pages.h"

#include <stdlib.h>
#include <string.h>

#include "fakekit/hash.h"

struct page {
    uint64_t hash;
    char *mem; /* key, NUL, body, NUL; NULL when the slot is free */
    size_t keylen, len;
};

struct twilio_pages {
    struct page slot[TWILIO_PAGES_MAX];
    size_t count, next; /* used slots; where the next put goes when full */
    size_t bytes;       /* bodies held */
    uint64_t changes, epoch;
    int synced; /* 0 until the first sync */
};

struct twilio_pages *twilio_pages_new(void)
{
    return calloc(1, sizeof(struct twilio_pages));
}

static void drop(struct twilio_pages *p, struct page *e)
{
    if (e->mem == NULL)
        return;
    p->bytes -= e->len;
    p->count--;
    free(e->mem);
    memset(e, 0, sizeof *e);
}

static void drop_all(struct twilio_pages *p)
{
    for (size_t i = 0; i < TWILIO_PAGES_MAX; i++)
        drop(p, &p->slot[i]);
    p->next = 0;
}

void twilio_pages_free(struct twilio_pages *p)
{
    if (p == NULL)
        return;
    drop_all(p);
    free(p);
}

void twilio_pages_sync(struct twilio_pages *p, uint64_t changes, uint64_t epoch)
{
    if (p->synced && p->changes == changes && p->epoch == epoch)
        return;
    drop_all(p);
    p->changes = changes;
    p->epoch = epoch;
    p->synced = 1;
}

static struct page *find(const struct twilio_pages *p, const char *key, size_t keylen, uint64_t h)
{
    for (size_t i = 0; i < TWILIO_PAGES_MAX; i++) {
        const struct page *e = &p->slot[i];
        if (e->mem != NULL && e->hash == h && e->keylen == keylen &&
            memcmp(e->mem, key, keylen) == 0)
            return (struct page *)e;
    }
    return NULL;
}

const char *twilio_pages_get(const struct twilio_pages *p, const char *key, size_t *len)
{
    size_t keylen = strlen(key);
    const struct page *e = find(p, key, keylen, fk_fnv1a(key, keylen));

    if (e == NULL)
        return NULL;
    *len = e->len;
    return e->mem + e->keylen + 1;
}

int twilio_pages_put(struct twilio_pages *p, const char *key, const char *body, size_t len)
{
    size_t keylen = strlen(key);
    uint64_t h = fk_fnv1a(key, keylen);
    struct page *e = find(p, key, keylen, h);
    char *mem;

    if (len > TWILIO_PAGES_MAX_BYTES / 4)
        return 0; /* a few huge pages would push everything else out */
    if (e != NULL)
        drop(p, e);
    /* Make room: the next slot in turn, then older ones until the bytes fit. */
    for (size_t tries = 0; tries < TWILIO_PAGES_MAX && (p->count == TWILIO_PAGES_MAX ||
                                                        p->bytes + len > TWILIO_PAGES_MAX_BYTES);
         tries++) {
        drop(p, &p->slot[p->next]);
        p->next = (p->next + 1) % TWILIO_PAGES_MAX;
    }
    if ((mem = malloc(keylen + len + 2)) == NULL)
        return FK_ENOMEM;
    memcpy(mem, key, keylen + 1);
    memcpy(mem + keylen + 1, body, len);
    mem[keylen + 1 + len] = '\0';
    for (e = &p->slot[p->next]; e->mem != NULL; e = &p->slot[p->next])
        p->next = (p->next + 1) % TWILIO_PAGES_MAX;
    *e = (struct page){h, mem, keylen, len};
    p->next = (p->next + 1) % TWILIO_PAGES_MAX;
    p->count++;
    p->bytes += len;
    return 0;
}

size_t twilio_pages_count(const struct twilio_pages *p)
{
    return p->count;
}
