/* cache.h: values computed from the store, kept until the store changes.
 *
 * The one cache of the kit for "compute once, keep until a write": a fake's search pages,
 * accepted credentials, List answers and key secrets. A value is a byte string under a byte
 * string key. The cache remembers the store's data version (fakekit/store.h,
 * fk_store_data_version) it holds values for; every call compares it with the store's
 * current one and, when that moved, empties itself before anything else. So no handler ever
 * tells the cache about a write: every committed or rolled-back write, reset, seed and state
 * load moves the data version, and everything older is gone.
 *
 * Keep in it only what is a pure function of the key and of the store's content.
 *
 * Bounded in entries and in bytes: a put makes room by dropping the oldest entries, so a
 * client cycling through more distinct keys than fit keeps missing and never grows memory.
 * A linear scan comparing a stored hash first: with tens of entries, cheaper than an index.
 *
 * Not thread-safe by itself: call it with the store locked (every handler runs so), which
 * serialises every use. Returns: pointers borrowed until the next call on the same cache;
 * 0 or FK_ENOMEM from fk_cache_put. */
#ifndef FK_CACHE_H
#define FK_CACHE_H

#include <stddef.h>

#include "fakekit/err.h"
#include "fakekit/store.h"

struct fk_cache;

/* An empty cache of at most max_entries values and max_bytes bytes of keys and values. NULL
 * on ENOMEM. */
struct fk_cache *fk_cache_new(size_t max_entries, size_t max_bytes);
void fk_cache_free(struct fk_cache *c); /* NULL is a no-op */

/* The value kept for key (keylen bytes) while st holds what it held when it was put, or
 * NULL. The value is NUL-terminated after its len bytes. Borrowed: valid until the next call
 * on c. */
const char *fk_cache_get(struct fk_cache *c, struct fk_store *st, const void *key, size_t keylen,
                         size_t *len);

/* Keep value (len bytes) for key; both are copied. Put what was computed since the last
 * fk_cache_get on c: if the store changed since, the value may predate the change and is not
 * kept. A value larger than a quarter of max_bytes is not kept either (still 0). 0 or
 * FK_ENOMEM. */
int fk_cache_put(struct fk_cache *c, struct fk_store *st, const void *key, size_t keylen,
                 const void *value, size_t len) FK_MUST_CHECK;

/* Entries held now (for tests). */
size_t fk_cache_count(const struct fk_cache *c);

#endif
