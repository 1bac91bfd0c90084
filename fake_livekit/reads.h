/* reads.h: answers of read-only calls, kept until the store changes.
 *
 * A List call's answer is a pure function of its request body and of the stored trunks and
 * rules, and an API key's secret of the api_keys rows. Each slot (one per cached thing: a
 * List method, the secret lookup) keeps its last key and value. lk_reads_sync empties every
 * slot once the store may have changed: it gets SQLite's count of rows ever inserted,
 * updated or deleted on the connection (sqlite3_total_changes64, moved by every create,
 * update, delete, reset and state load) and fake_livekit's own epoch (bumped by seed and
 * state loads as well); if either moved, nothing older is used.
 *
 * Not thread-safe by itself: handlers run with the store locked (fakekit/store.h), which
 * serialises every use. */
#ifndef LK_READS_H
#define LK_READS_H

#include <stddef.h>
#include <stdint.h>

#include "fakekit/err.h"

#define LK_READS_SLOTS     8
#define LK_READS_MAX_BYTES ((size_t)1 << 20) /* a larger value is not kept */

struct lk_read {
    char *mem; /* key then value, one allocation; NULL when empty */
    size_t keylen, len;
};

struct lk_reads {
    struct lk_read slot[LK_READS_SLOTS];
    uint64_t changes, epoch;
    int synced;
};

/* Empty every slot unless changes and epoch equal those of the previous call. */
void lk_reads_sync(struct lk_reads *r, uint64_t changes, uint64_t epoch);
/* The value of slot for key, or NULL. Borrowed: valid until the next sync, put or cleanup. */
const char *lk_reads_get(const struct lk_reads *r, size_t slot, const char *key, size_t keylen,
                         size_t *len);
/* Replace slot's content with key and value (both copied). 0 or FK_ENOMEM. */
int lk_reads_put(struct lk_reads *r, size_t slot, const char *key, size_t keylen, const char *value,
                 size_t len) FK_MUST_CHECK;
void lk_reads_cleanup(struct lk_reads *r); /* frees every slot */

#endif
